"""``cdop report``: build the annual report chapter."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from typing import Any

from cdop.cli._args import positive_int
from cdop.cli._common import add_source_options
from cdop.errors import CdopArgumentError, CdopError, CdopValidationError, IdentifierError

__all__ = ["register"]


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "report",
        help="build the annual report chapter",
        description="Build the CDOP chapter of the annual report: tables, figures and "
        "narrative as Markdown, HTML, Word, Excel and CSV, with disclosure control on. "
        "With no --data it uses the bundled sample.",
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="folder of export files, or one Excel workbook (default: the bundled sample)",
    )
    parser.add_argument(
        "--year",
        help="reporting year, e.g. 2024/25 (default: the latest complete year in the data)",
    )
    parser.add_argument(
        "--out",
        default="report",
        metavar="DIR",
        help="output folder, replaced as a whole (default: ./report)",
    )
    parser.add_argument(
        "--format",
        default="md,html,docx,xlsx,csv",
        metavar="LIST",
        help="comma-separated formats among md, html, docx, xlsx, csv (default: all)",
    )
    parser.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        default=None,
        help="date printed on the chapter (YYYY-MM-DD); none by default",
    )
    parser.add_argument(
        "--panel",
        default=None,
        help="panel name for the subtitle (default: the settings' panel, else 'the panel')",
    )
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help="chapter settings (TOML): panel name, local authorities, sections, threshold "
        "and the panel's text blocks, so that next year's build is the same command",
    )
    parser.add_argument(
        "--sections",
        metavar="LIST",
        help="comma-separated section ids, in the order wanted (default: every section the "
        "data support): " + ", ".join(_section_ids()),
    )
    parser.add_argument(
        "--previous",
        action="append",
        default=None,
        metavar="DIR",
        help="folder of an earlier chapter as published (repeatable): the counts it hid stay "
        "hidden; by default earlier chapters are rebuilt from the same data",
    )
    parser.add_argument(
        "--template",
        metavar="FILE.docx",
        default=None,
        help="the panel's own Word template (.docx or .dotx): the Word file uses its styles, "
        "page setup, headers and footers",
    )
    parser.add_argument(
        "--threshold",
        type=int,
        default=None,
        help="hide counts from 1 to this number (default: the settings' threshold, else 5)",
    )
    parser.add_argument(
        "--no-suppress",
        action="store_true",
        help="turn disclosure control off; every output is stamped NOT FOR PUBLICATION",
    )
    parser.add_argument(
        "--column-map",
        metavar="FILE",
        help="JSON object or two-column CSV mapping export headers to canonical column names",
    )
    add_source_options(parser)
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="judge 'not in the future' against this date (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--by",
        metavar="COLUMN",
        help="one chapter per value of this column (e.g. residence_area) plus "
        "a chapter comparing them; the data are read and validated once",
    )
    parser.add_argument(
        "--with-panel",
        action="store_true",
        help="with --by: also the panel's own chapter (panel/), protected together with "
        "the area chapters (publish a panel chapter beside area chapters only this way, "
        "and area chapters only if every earlier chapter of the panel was built this way: "
        "see docs/disclosure.md)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="processes for --by, 1 or more (default: one per core)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no progress messages"
    )
    parser.set_defaults(run=run)


def _section_ids() -> list[str]:
    from cdop.report.sections import SECTIONS

    return [spec.id for spec in SECTIONS]


def _say_warnings(ds: Any) -> None:
    """One line on the data's validation warnings (dates read month first, date numbers,
    sheets not read, ...): the chapter is built on the values as read, so the person
    building it hears of them even without running ``cdop validate``."""
    warned = ds.report.warnings
    if warned.empty:
        return
    rules = warned["rule"].value_counts()
    listed = ", ".join(f"{rule} ({n})" for rule, n in rules.items())
    sys.stderr.write(
        f"cdop report: warning: the data gave {len(warned)} validation warning(s): "
        f"{listed}. The chapter is built on the values as read; cdop validate, with "
        "the same options, lists each one.\n"
    )


def run(args: argparse.Namespace) -> int:
    from cdop import disclosure
    from cdop.cli._common import print_report, read_column_map, source_options
    from cdop.dataset import read_dataset
    from cdop.report import AreasResult, BuildResult, build, build_areas
    from cdop.report._build import chapter_settings, choose_sections
    from cdop.sample import sample_path

    started = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            sys.stderr.write(f"[{time.perf_counter() - started:5.1f}s] {message}\n")

    if args.with_panel and not args.by:
        sys.stderr.write(
            "cdop report: --with-panel builds the panel's chapter beside its areas' "
            "chapters, so it needs --by COLUMN (for example --by residence_area)\n"
        )
        return 2
    # A bar on a terminal; timed messages when the error stream goes to a file or a log.
    work: bool | Callable[[str], None] = (
        False if args.quiet else True if sys.stderr.isatty() else progress
    )
    source = args.data or sample_path()
    try:
        progress(f"reading and validating {'the bundled sample' if not args.data else source}")
        ds = read_dataset(
            source,
            column_map=read_column_map(args.column_map),
            today=args.today,
            **source_options(args),
        )
        # The bundled sample comes with its chapter settings (its footprint, its own files).
        given = args.settings
        if given is None and not args.data:
            given = sample_path() / "chapter.toml"
        settings = chapter_settings(given)
        sections = (
            None
            if args.sections is None
            else [s.strip() for s in args.sections.split(",") if s.strip()]
        )
        choose_sections(
            settings.sections if sections is None else sections,
            source=settings.source if sections is None else None,
        )
        threshold = args.threshold if args.threshold is not None else settings.threshold
        rules = disclosure.DisclosureRules(threshold=5 if threshold is None else threshold)
        formats = [f.strip() for f in args.format.split(",") if f.strip()]
        result: BuildResult | AreasResult
        if args.by and (sections is not None or settings.sections is not None):
            raise CdopArgumentError(
                "--sections (or sections in the settings) chooses the sections of one "
                "chapter; with --by every area's chapter has every section the data support"
            )
        unused = [
            key
            for key in ("local_authorities", "learning", "actions", "panel_activity")
            if getattr(settings, key)
        ]
        if args.by and args.settings is not None and unused:
            raise CdopArgumentError(
                f"--settings: {args.settings} gives {', '.join(unused)}, which the chapters "
                "of --by do not print (they are one panel's: its own texts, activity and "
                "local authorities), and they are not ignored silently: build the panel's "
                "chapter without --by to print them, and give --by settings holding only "
                "the threshold and the panel's name"
            )
        if args.by and args.previous:
            raise CdopArgumentError(
                "--previous keeps the counts an earlier chapter of one panel hid; it does "
                "not yet cover the chapters of --by (a panel's earlier chapter is split "
                "over its areas), and it is not ignored silently: build the areas' "
                "chapters without --previous, and do not publish them beside a panel "
                "chapter built on its own"
            )
        if args.by:
            result = build_areas(
                ds,
                out=args.out,
                by=args.by,
                year=args.year,
                formats=formats,
                suppress=not args.no_suppress,
                rules=rules,
                date=args.date,
                workers=args.workers,
                progress=work,
                with_panel=args.with_panel,
                panel=args.panel or settings.panel or "the panel",
                template=args.template,
            )
        else:
            result = build(
                ds,
                out=args.out,
                year=args.year,
                formats=formats,
                suppress=not args.no_suppress,
                rules=rules,
                date=args.date,
                panel=args.panel,
                progress=work,
                previous=args.previous,
                template=args.template,
                sections=sections,
                settings=settings,
            )
    except CdopValidationError as exc:
        sys.stderr.write("cdop report: the data failed validation; nothing was written.\n")
        print_report(exc.report, limit=20, stream=sys.stderr)
        return 1
    except IdentifierError as exc:
        sys.stderr.write(f"cdop report: refused; nothing was written.\n{exc}\n")
        return 1
    except CdopError as exc:
        sys.stderr.write(f"cdop report: {exc}\n")
        return 2
    # (said once the chapter is written: a build that then fails says one thing, its error)
    _say_warnings(ds)
    if isinstance(result, BuildResult):
        for omission in result.chapter.omitted:
            sys.stderr.write(f"cdop report: not included: {omission.line}\n")
    progress(f"wrote {len(result.files)} files to {result.out}")
    if args.no_suppress:
        sys.stderr.write(
            "WARNING: disclosure control is off; the outputs are stamped NOT FOR PUBLICATION.\n"
        )
    return 0
