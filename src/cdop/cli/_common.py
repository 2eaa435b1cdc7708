"""Helpers shared by the subcommands: reading a column map, printing failures."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from cdop.errors import CdopArgumentError, FailureReport

__all__ = ["add_source_options", "print_report", "read_column_map", "source_options"]


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """Options of every command that reads exports: profile, mapping file, deprivation file."""
    from cdop.profiles import PROFILES

    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default=None,
        help="import profile of a known export layout (sheet names, headers, labels, "
        "open cases), e.g. case_management",
    )
    parser.add_argument(
        "--mapping",
        metavar="FILE.json",
        default=None,
        help="the panel's own mapping file (sheets, headers, code labels), added to --profile",
    )
    parser.add_argument(
        "--deprivation",
        metavar="FILE",
        default=None,
        help="File 1 of the English Indices of Deprivation (IoD2019 or IoD2025, as "
        "published): derive the IMD decile of each death from its LSOA code",
    )


def source_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments of read_dataset/validate from the options of add_source_options."""
    return {"profile": args.profile, "mapping": args.mapping, "deprivation": args.deprivation}


def read_column_map(path: str | None) -> dict[str, str] | None:
    """Read a column map: a JSON object, or a two-column CSV (export header, column).

    Every problem with the file (missing, empty, not UTF-8, broken quoting, a row without
    two values, one header mapped twice) is a :class:`CdopArgumentError` naming the file
    and the row.
    """
    if path is None:
        return None
    file = Path(path)
    if not file.is_file():
        raise CdopArgumentError(f"--column-map: no such file {path!r}.")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CdopArgumentError(
            f"--column-map: {path} is not UTF-8 text (byte {exc.start + 1}); save it as "
            "UTF-8 ('CSV UTF-8' in Excel)."
        ) from exc
    if not text.strip():
        raise CdopArgumentError(f"--column-map: {path} is empty.")
    if file.suffix.lower() == ".json":
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CdopArgumentError(f"--column-map: {path} is not valid JSON ({exc}).") from exc
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
            for k, v in mapping.items()
        ):
            raise CdopArgumentError(
                f"--column-map: {path} must hold one JSON object of "
                '"Export header": "canonical_column" pairs, none blank.'
            )
        return {k.strip(): v.strip() for k, v in mapping.items()}
    mapping = {}
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise CdopArgumentError(
            f"--column-map: {path} cannot be read as CSV ({exc}); check the quotes."
        ) from exc
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) != 2 or not all(cells):
            raise CdopArgumentError(
                f"--column-map: {path}, row {number}: expected two values (export header, "
                f"canonical column); found {row!r}."
            )
        header, column = cells
        if header in mapping and mapping[header] != column:
            raise CdopArgumentError(
                f"--column-map: {path}, row {number}: {header!r} is mapped twice "
                f"({mapping[header]!r} and {column!r})."
            )
        mapping[header] = column
    return mapping


def print_report(report: FailureReport, *, limit: int, stream: TextIO | None = None) -> None:
    """Print the failure table, grouped by file, errors before warnings."""
    stream = sys.stdout if stream is None else stream
    failures = pd.concat([report.errors, report.warnings], ignore_index=True)
    for (table, file), group in failures.groupby(["table", "file"], sort=False, dropna=False):
        stream.write(f"\n{file} ({table or 'source'})\n")
        shown = group.head(limit)
        for severity, row, rule, message in zip(
            shown["severity"], shown["row"], shown["rule"], shown["message"], strict=True
        ):
            where = "file" if pd.isna(row) else f"row {row}"
            stream.write(f"  {str(severity).upper():7} {where:>9}  [{rule}] {message}\n")
        if len(group) > limit:
            stream.write(
                f"  ... {len(group) - limit} more in this file (use --limit or "
                "--out to see them all)\n"
            )
    stream.write("\n" + report.summary(max_listed=0).split("\n")[0].rstrip(":") + "\n")
