"""``cdop validate PATH``: check exports against the data contract."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from cdop._files import write_new_file
from cdop._safe import neutralise_frame
from cdop.cli._args import positive_int
from cdop.cli._common import add_source_options, print_report, read_column_map, source_options
from cdop.errors import CdopError, IdentifierError
from cdop.validation import validate

__all__ = ["register"]


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "validate",
        help="check exports against the data contract",
        description="Check a folder of exports (notifications, reviews and optionally births "
        "and population, as CSV, XLSX or Parquet) against the data contract. Prints every "
        "failure; exits 1 when anything fails.",
    )
    parser.add_argument("path", help="folder of export files, or one Excel workbook")
    parser.add_argument(
        "--column-map",
        metavar="FILE",
        help="JSON object or two-column CSV mapping export headers to canonical column names",
    )
    add_source_options(parser)
    parser.add_argument(
        "--out",
        metavar="FILE.csv",
        help="also write the full failure table to this new file (an existing file is "
        "never replaced)",
    )
    parser.add_argument(
        "--limit", type=positive_int, default=50, help="failures printed per file (default 50)"
    )
    parser.add_argument(
        "--summary",
        action="store_true",
        help="print failures counted by table, column and rule (one example value each) "
        "instead of every failure",
    )
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="judge 'not in the future' against this date (YYYY-MM-DD)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        report = validate(
            args.path,
            column_map=read_column_map(args.column_map),
            today=args.today,
            **source_options(args),
        )
    except IdentifierError as exc:
        sys.stderr.write(f"cdop validate: refused.\n{exc}\n")
        return 1
    except CdopError as exc:
        sys.stderr.write(f"cdop validate: {exc}\n")
        return 2
    if args.out:
        table = neutralise_frame(report.failures)
        try:
            write_new_file(
                args.out,
                lambda handle: handle.write(table.to_csv(index=False).encode("utf-8")),
                what="--out",
            )
        except CdopError as exc:
            sys.stderr.write(f"cdop validate: {exc}\n")
            return 2
    if report.failures.empty:
        counts = ", ".join(f"{n} {t}" for t, n in report.rows_read.items())
        sys.stdout.write(f"OK: no failures ({counts}).\n")
        return 0
    if args.summary:
        table = report.summary_table()
        table["example"] = table["example"].str.slice(0, 40)
        sys.stdout.write(table.to_string(index=False, na_rep="") + "\n\n")
        sys.stdout.write(report.summary(max_listed=0).split("\n")[0].rstrip(":") + "\n")
    else:
        print_report(report, limit=args.limit)
    return 0 if report.ok else 1
