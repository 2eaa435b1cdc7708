"""Loading raw tables from files or DataFrames, before any rule is checked.

Every source becomes a :class:`RawTable`: text cells (missing cells as NA), the file's
row number of each record (header = row 1), the original header of each column, and the
problems met while reading (an empty file, a wrong file type, an undecodable byte, a
ragged row). Nothing here raises for bad input: problems are returned as issues.

A well-formed UTF-8 CSV file (the usual export) is parsed by Arrow from the file, a piece
of whole lines at a time and on every core, each column coded as it is read (its distinct
texts once, a small code a cell; see :func:`_encoded`) and the file hashed meanwhile:
neither the file nor its parsed table is held whole. A file holding quotes (a quoted
field may hold a line break, so that a line is not a record) is parsed by Arrow as a
stream of blocks, coded and hashed the same way (see :func:`_arrow_stream`). Anything else
(other encodings, a quote left open, a carriage return outside CRLF, ragged rows) is read
as text, by Arrow where it can and by pandas and the csv module where it cannot, and ends
in the same coded columns: every path gives the same table.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import os
import re
import threading
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from cdop import schema
from cdop._codes import normalise_key
from cdop._csvtext import (
    decode_export,
    field_limit,
    normalise_line_ends,
    open_quote_record,
    ragged_records,
    short_records,
    sniff_delimiter,
    split_line_ends,
    split_records,
    utf16_codec,
)
from cdop._issues import Issue

__all__ = ["RawTable", "Source", "load_raw"]

Source = str | Path | Mapping[str, pd.DataFrame]

_CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_SUPPORTED = _CSV_SUFFIXES + _EXCEL_SUFFIXES + _PARQUET_SUFFIXES

#: File stems (normalised) recognised for each table in a folder.
_TABLE_STEMS: Mapping[schema.TableName, tuple[str, ...]] = {
    "notifications": (
        "notifications",
        "notification",
        "deaths",
        "notified deaths",
        "notification form",
        "notification forms",
    ),
    "reviews": (
        "reviews",
        "review",
        "panel reviews",
        "completed reviews",
        "analysis form",
        "analysis forms",
    ),
    "births": ("births", "live births"),
    "population": ("population", "populations", "child population"),
    "factors": ("factors", "factor", "contributory factors", "analysis factors"),
}


# Cells as written: "N/A" stays "N/A" (validation shows it as the file has it).
_EXCEL_OPTIONS: Mapping[str, Any] = {
    "header": None,
    "dtype": object,
    "engine": "openpyxl",
    "keep_default_na": False,
    "na_values": [],
}


@dataclass
class RawTable:
    """A table as read: canonical column names where recognised, text cells, row numbers.

    Each column of ``frame`` holds the texts as written: a pandas ``Categorical`` of
    ``str`` categories, or ``str`` for a column of mostly distinct texts (see
    :func:`_encoded`); an empty cell is NA.
    """

    table: schema.TableName
    file: str
    frame: pd.DataFrame
    rows: np.ndarray  # file row number of each record (header = row 1)
    headers: dict[str, str] = field(default_factory=dict)  # canonical/extra name -> header
    issues: list[Issue] = field(default_factory=list)
    sha256: str = ""  # of the file read ("" for a DataFrame)
    row_label: str = "row"  # "row" (file), "index" (DataFrame index label) or "position"
    # column -> (codes, distinct texts) of pd.factorize, computed once and shared
    factorized: dict[str, tuple[np.ndarray, pd.Series]] = field(default_factory=dict)
    # a workbook saved with Excel's 1904 date system (date numbers count from 1904-01-01)
    date1904: bool = False


def _issue(
    table: str,
    file: str,
    rule: str,
    message: str,
    *,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    severity: str = "error",
) -> Issue:
    return Issue(
        severity=severity,
        table=table,
        file=file,
        row=row,
        column=column,
        value=value,
        rule=rule,
        message=message,
    )


def load_raw(
    source: Source,
    column_map: Mapping[str, str] | None,
    sheets: Mapping[str, schema.TableName] | None = None,
) -> tuple[dict[schema.TableName, RawTable], list[Issue]]:
    """Read every table of ``source``; return the tables read and source-level issues.

    ``sheets`` maps normalised sheet (or file) names to tables, before the built-in names.
    """
    known = {c.name for spec in schema.TABLES.values() for c in spec.columns}
    unknown = sorted({v for v in (column_map or {}).values() if v not in known})
    tables, issues = _load(source, column_map, sheets or {})
    if unknown:
        issues.append(
            _issue(
                "",
                "column_map",
                "column_map",
                severity="warning",
                message="column_map names columns that are not in the data "
                f"contract: {', '.join(map(repr, unknown))}; these entries are "
                "ignored.",
            )
        )
    return tables, issues


def _load(
    source: Source, column_map: Mapping[str, str] | None, sheets: Mapping[str, schema.TableName]
) -> tuple[dict[schema.TableName, RawTable], list[Issue]]:
    if isinstance(source, Mapping):
        return _load_frames(source, column_map, sheets)
    path = Path(source)
    if not path.exists():
        return {}, [
            _issue(
                "",
                str(path),
                "missing_source",
                f"{path}: no such file or folder. Give the folder holding the "
                "notifications and reviews files, or an Excel workbook with a "
                "sheet for each.",
            )
        ]
    if path.is_file():
        if path.suffix.lower() in _EXCEL_SUFFIXES:
            return _load_workbook(path, column_map, sheets)
        return {}, [
            _issue(
                "",
                str(path),
                "unsupported_source",
                f"{path}: expected a folder holding the notifications and reviews "
                "files, or one Excel workbook (.xlsx) with a sheet for each.",
            )
        ]
    return _load_folder(path, column_map, sheets)


def _table_for_stem(
    stem: str, sheets: Mapping[str, schema.TableName] | None = None
) -> schema.TableName | None:
    key = normalise_key(stem)
    if sheets and key in sheets:
        return sheets[key]
    for table, stems in _TABLE_STEMS.items():
        if key in stems:
            return table
    return None


def _read_elsewhere(
    table: schema.TableName,
    book: Mapping[Any, pd.DataFrame],
    sheets: Mapping[str, schema.TableName],
    sheet: Any,
) -> bool:
    """Whether another sheet of ``book`` than ``sheet`` is read as ``table``."""
    return any(other != sheet and _table_for_stem(str(other), sheets) == table for other in book)


#: Words that name a table within a longer file or sheet name, beside its own names: the
#: statutory forms' letters and titles ("Form A - Notification", "Form C - Analysis").
_LIKE_STEMS: Mapping[schema.TableName, tuple[str, ...]] = {
    "notifications": ("form a",),
    "reviews": ("form c", "analysis"),
}


def _named_like(stem: str) -> schema.TableName | None:
    """The table a file or sheet name mentions without being its name ("notifications
    2024-25", "Reviews (1)", "Copy of notifications", "Form A - Notification"), or None.
    The longest name found decides ("Analysis factors" names the factors, not the
    analysis form); None when two tables' names are found alike long.

    Examples
    --------
    >>> [_named_like(s) for s in ("Form C - Analysis", "Analysis factors", "Sheet1")]
    ['reviews', 'factors', None]
    """
    key = normalise_key(stem)
    found: dict[schema.TableName, int] = {}
    for table in _TABLE_STEMS:
        for name in (*_TABLE_STEMS[table], *_LIKE_STEMS.get(table, ())):
            if re.search(rf"(?:^| ){re.escape(name)}(?: |$)", key):
                found[table] = max(found.get(table, 0), len(name))
    if not found:
        return None
    longest = max(found.values())
    tables = [table for table, length in found.items() if length == longest]
    return tables[0] if len(tables) == 1 else None


def _read_as_named(
    names: Mapping[str, Callable[[], schema.TableName | None]],
    taken: Collection[schema.TableName],
    where: Path,
    kind: str,
) -> tuple[dict[str, schema.TableName], list[Issue]]:
    """The sheets (or files) to read as a table that none is named after, by their names
    (``names``: each sheet not named after a table, with a function giving its headings'
    table; ``taken``: the tables some sheet is named after; ``where``: the workbook or
    folder).

    A sheet is read as a table when its name mentions the table (:func:`_named_like`:
    "Form A - Notification"), its headings name the table's columns too, no sheet is
    named after that table and no other sheet is read so. Each is reported (a warning), so
    that the coordinator sees which sheet was read as which table. Returns the sheets
    mapped (normalised name -> table, for ``sheets``) and the warnings."""
    candidates: dict[schema.TableName, list[str]] = {}
    for name, headed in names.items():
        table = _named_like(name)
        if table is not None and table not in taken and headed() == table:
            candidates.setdefault(table, []).append(name)
    mapped: dict[str, schema.TableName] = {}
    issues: list[Issue] = []
    for table, found in candidates.items():
        if len(found) != 1:
            continue  # several alike: the table is missing, and the message says so
        (name,) = found
        mapped[normalise_key(name)] = table
        issues.append(
            _issue(
                table,
                str(where),
                "table_by_name",
                severity="warning",
                message=f"{where.name}: {kind} {name!r} was read as the {table} table "
                "(its name and headings say so). Name it after its table, or map it in a "
                'mapping file ("sheets": {...}), to read it so without this warning.',
            )
        )
    return mapped, issues


#: How many of a table's columns a sheet's headings must name to be taken for that table.
_HEADINGS_OF_A_TABLE = 3


def _headed_like(
    cells: pd.DataFrame, column_map: Mapping[str, str] | None
) -> schema.TableName | None:
    """The table whose columns a sheet's heading row names, within its first rows, or
    None: a sheet not named after a table may still hold one. The headings must name
    three or more of its columns, the case ID among them (a table of records), or every
    required column of a table without one (births, population): a sheet of code lists
    headed "sex", "ethnicity", "place_of_death" is not a table of records."""
    rows = [cells.iloc[i].tolist() for i in range(min(len(cells), _HEADER_SEARCH_ROWS))]
    return _rows_headed_like(rows, column_map)


def _rows_headed_like(
    rows: Sequence[Sequence[Any]], column_map: Mapping[str, str] | None
) -> schema.TableName | None:
    """As :func:`_headed_like`, for the first rows of a sheet or file as lists of cells;
    the table naming most columns when several do."""
    best: tuple[int, schema.TableName] | None = None
    for table in ("notifications", "reviews", "births", "population", "factors"):
        spec = schema.TABLES[table]
        lookup = _header_lookup(spec, column_map)
        needed = (
            {"case_id"}
            if "case_id" in spec.column_by_name
            else {c.name for c in spec.columns if c.required}
        )
        for values in rows:
            named = {lookup.get(normalise_key(str(v).strip())) for v in values if not pd.isna(v)}
            named.discard(None)
            if (
                len(named) >= _HEADINGS_OF_A_TABLE
                and needed <= named
                and (best is None or len(named) > best[0])
            ):
                best = (len(named), table)
    return None if best is None else best[1]


def _file_headed_like(path: Path, column_map: Mapping[str, str] | None) -> schema.TableName | None:
    """The table whose columns a data file's first rows name (see :func:`_headed_like`),
    read from its first bytes (CSV), its schema (Parquet) or its first sheet's first rows
    (Excel); None when it names none or cannot be read."""
    suffix = path.suffix.lower()
    try:
        if suffix in _PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            return _rows_headed_like([pq.read_schema(path).names], column_map)
        if suffix in _EXCEL_SUFFIXES:
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                rows = [
                    list(r) for r in sheet.iter_rows(max_row=_HEADER_SEARCH_ROWS, values_only=True)
                ]
            finally:
                book.close()
            return _rows_headed_like(rows, column_map)
        with path.open("rb") as handle:
            head = handle.read(_HEAD).decode("utf-8", errors="replace").lstrip("\ufeff")
        lines = head.splitlines()[:_HEADER_SEARCH_ROWS]
        if not lines:
            return None
        delimiter = sniff_delimiter(lines[0], "\t" if suffix == ".tsv" else ",")
        with field_limit():
            rows = list(csv.reader(lines, delimiter=delimiter))
        return _rows_headed_like(rows, column_map)
    except Exception:  # an unreadable file says nothing of what it holds
        return None


def untabled_files(
    source: Source, sheets: Mapping[str, schema.TableName] | None = None
) -> list[str]:
    """The data files (CSV, Excel, Parquet) of a folder ``source`` not named after a table,
    which reading the folder passes over ([] for anything but a folder)."""
    if isinstance(source, Mapping):
        return []
    folder = Path(source)
    if not folder.is_dir():
        return []
    return [
        path.name
        for path in sorted(folder.iterdir())
        if path.is_file()
        and not path.name.startswith((".", "~$"))
        and path.suffix.lower() in _SUPPORTED
        and _table_for_stem(path.stem, sheets) is None
    ]


def _load_folder(
    folder: Path, column_map: Mapping[str, str] | None, sheets: Mapping[str, schema.TableName]
) -> tuple[dict[schema.TableName, RawTable], list[Issue]]:
    found: dict[schema.TableName, list[Path]] = {}
    similar: dict[schema.TableName, list[str]] = {}
    files = [
        path
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.startswith((".", "~$"))
    ]
    named = {path: _table_for_stem(path.stem, sheets) for path in files}
    mapped, issues = _read_as_named(
        {
            path.stem: functools.partial(_file_headed_like, path, column_map)
            for path, table in named.items()
            if table is None and path.suffix.lower() in _SUPPORTED
        },
        {table for table in named.values() if table is not None},
        folder,
        "file",
    )
    sheets = {**sheets, **mapped}
    for path in files:
        table = _table_for_stem(path.stem, sheets)
        if table is None:
            if _named_like(path.stem) is not None and path.suffix.lower() in _SUPPORTED:
                like = _file_headed_like(path, column_map)
                if like is not None:
                    similar.setdefault(like, []).append(path.name)
            continue
        if path.suffix.lower() not in _SUPPORTED:
            issues.append(
                _issue(
                    table,
                    str(path),
                    "unsupported_file_type",
                    f"{path.name}: file type {path.suffix or '(none)'!r} is not "
                    "supported for the " + table + " table; save it as CSV "
                    "(.csv), Excel (.xlsx) or Parquet (.parquet).",
                )
            )
            continue
        found.setdefault(table, []).append(path)
    for table, others in similar.items():
        if table not in found:
            continue  # the table is missing: the message names the files passed over
        # A second file of a table ("notifications 2024-25.csv" beside notifications.csv)
        # would not be read: its records would be lost without a word.
        issues.append(
            _issue(
                table,
                str(folder),
                "ambiguous_table",
                f"{folder}: {', '.join(others)} also hold(s) the {table} table, by its "
                f"name and headings (only "
                f"{found[table][0].name} is read); keep one file per table (combine "
                "them), or move the others out of the folder.",
            )
        )
    tables: dict[schema.TableName, RawTable] = {}
    for table, paths in found.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            issues.append(
                _issue(
                    table,
                    str(folder),
                    "ambiguous_table",
                    f"{folder}: several files hold the {table} table ({names}); keep one.",
                )
            )
            continue
        raw = _read_file(table, paths[0], column_map)
        if not raw.sha256:  # the CSV reader hashes the bytes it has read
            raw.sha256 = hashlib.sha256(paths[0].read_bytes()).hexdigest()
        tables[table] = raw
    return tables, issues


def _load_workbook(
    path: Path, column_map: Mapping[str, str] | None, sheets: Mapping[str, schema.TableName]
) -> tuple[dict[schema.TableName, RawTable], list[Issue]]:
    try:
        book = pd.read_excel(path, sheet_name=None, **_EXCEL_OPTIONS)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        return {}, [
            _issue(
                "",
                str(path),
                "unreadable_file",
                f"{path.name}: cannot be read as an Excel workbook ({exc}).{_why_not_xlsx(path)}",
            )
        ]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    tables: dict[schema.TableName, RawTable] = {}
    unread: list[RawTable] = []
    named = {sheet: _table_for_stem(str(sheet), sheets) for sheet in book}
    mapped, issues = _read_as_named(
        {
            str(sheet): functools.partial(_headed_like, book[sheet], column_map)
            for sheet, table in named.items()
            if table is None
        },
        {table for table in named.values() if table is not None},
        path,
        "sheet",
    )
    sheets = {**sheets, **mapped}
    read = [sheet for sheet in book if _table_for_stem(str(sheet), sheets) is not None]
    xml = _sheet_xml(path, read)
    date1904 = _date1904(path)
    formulas = _formula_cells(book, xml)
    merged = _merged_cells(xml)
    for sheet, cells in book.items():
        table = _table_for_stem(str(sheet), sheets)
        label = f"{path.name}[{sheet}]"
        if table is None:
            unread.append(_unread_sheet(label, cells))
            like = _headed_like(cells, column_map)
            if like is not None and _read_elsewhere(like, book, sheets, sheet):
                # a second sheet of a table ("Notifications (2)"), or a table under
                # another sheet name: its records would be lost without a word
                issues.append(
                    _issue(
                        like,
                        str(path),
                        "ambiguous_table",
                        f"{path.name}: sheet {str(sheet)!r} is headed as the {like} table "
                        "but is not read (another sheet holds that table); keep one sheet "
                        "per table (combine them), or map the sheets in a mapping file "
                        '("sheets": {...}).',
                    )
                )
                continue
            issues.append(
                _issue(
                    "",
                    str(path),
                    "sheet_not_read",
                    severity="warning",
                    message=f"{path.name}: sheet {str(sheet)!r} was not read (it is not "
                    "one of the tables; it was only checked for identifiers). Name it after "
                    'its table, or map it in a mapping file ("sheets": {...}), if it holds '
                    "one.",
                )
            )
            continue
        if table in tables:
            issues.append(
                _issue(
                    table,
                    str(path),
                    "ambiguous_table",
                    f"{path.name}: sheets {tables[table].file!r} and {label!r} both hold the "
                    f"{table} table; keep one, or map the sheet names.",
                )
            )
            continue
        tables[table] = _from_cells(
            table, label, cells, column_map, [], formulas.get(sheet), merged.get(sheet)
        )
        tables[table].sha256 = digest
        tables[table].date1904 = date1904
    # A sheet the library does not read may still hold names or NHS numbers, and a
    # sheet's name may be one: the workbook is refused as a whole, as for a sheet it reads.
    from cdop._identifiers import check_identifiers

    check_identifiers(
        unread,
        first_row_headings=True,
        sheet_names=(path.name, [str(s) for s in book]),
        unread=True,
    )
    if not tables:
        issues.append(
            _issue(
                "",
                str(path),
                "missing_table",
                f"{path.name}: no sheet holds the notifications or reviews table "
                f"(sheets: {', '.join(map(str, book))}). Name the sheets, pass "
                "profile='case_management' for 'Notification Form' and 'Analysis Form', or "
                'map them in a mapping file ("sheets": {"Your Sheet": "notifications"}).',
            )
        )
    return tables, issues


def _load_frames(
    frames: Mapping[str, pd.DataFrame],
    column_map: Mapping[str, str] | None,
    sheets: Mapping[str, schema.TableName],
) -> tuple[dict[schema.TableName, RawTable], list[Issue]]:
    tables: dict[schema.TableName, RawTable] = {}
    issues: list[Issue] = []
    for name, frame in frames.items():
        table = _table_for_stem(str(name), sheets)
        label = f"<{name} DataFrame>"
        if table is None:
            issues.append(
                _issue(
                    "",
                    label,
                    "unknown_table",
                    f"{label}: unknown table name {name!r}; expected one of "
                    f"{', '.join(schema.TABLES)}.",
                )
            )
            continue
        if not isinstance(frame, pd.DataFrame):
            issues.append(
                _issue(
                    table,
                    label,
                    "unsupported_source",
                    f"{label}: expected a pandas DataFrame, got {type(frame).__name__}.",
                )
            )
            continue
        header = [str(c) for c in frame.columns]
        body = frame.reset_index(drop=True)
        body.columns = pd.RangeIndex(len(header))
        try:
            raw = _from_header_body(table, label, header, body, column_map, [])
        except UnicodeEncodeError:
            # a Python string that is not text (a lone surrogate, left by decoding bytes
            # with errors="surrogateescape"): named, and the table not read
            where = _not_text(frame)
            issues.append(
                _issue(
                    table,
                    label,
                    "unreadable_file",
                    f"{label}: {where} holds a character that is not text (a lone "
                    "surrogate, left by decoding bytes that were not UTF-8); decode the "
                    "export with its real encoding, or replace that character.",
                )
            )
            continue
        if pd.api.types.is_integer_dtype(frame.index.dtype):
            raw.rows = frame.index.to_numpy(dtype=np.int64)
            raw.row_label = "index"
        else:
            raw.rows = np.arange(len(frame), dtype=np.int64)
            raw.row_label = "position"
        tables[table] = raw
    return tables, issues


def _unread_sheet(label: str, cells: pd.DataFrame) -> RawTable:
    """A sheet of a workbook that holds none of the tables, as text cells, for the
    identifier guard only. Every row is read as data, the first too, and columns are
    named by their letters: a sheet of instructions or a data dictionary ("Field name",
    "Description") is not a table whose headings say what its columns hold, and a
    finding names the cell's column and row, never its text."""
    columns = {
        _column_letter(i): pd.Series(
            [_cell_text(v) for v in cells.iloc[:, i].tolist()], dtype="str"
        )
        for i in range(cells.shape[1])
    }
    return RawTable(
        table="notifications",  # any: the guard names the file (the sheet), not the table
        file=label,
        frame=pd.DataFrame(columns),
        rows=np.arange(1, len(cells) + 1, dtype=np.int64),
        headers={letter: letter for letter in columns},
    )


def _column_letter(position: int) -> str:
    """A spreadsheet column's letters: 0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _not_text(frame: pd.DataFrame) -> str:
    """Where the first cell of ``frame`` holding a lone surrogate is ("column 'x', row i"
    by position), or "a column name" when a header holds one."""
    for name in frame.columns:
        if isinstance(name, str) and _SURROGATE.search(name):
            return "a column name"
    for position, name in enumerate(frame.columns):
        for row, value in enumerate(frame.iloc[:, position].tolist()):
            if isinstance(value, str) and _SURROGATE.search(value):
                return f"column {str(name)!r}, position {row}"
    return "a cell"


_SURROGATE = re.compile("[\ud800-\udfff]")

#: Cells the workbook holds as a formula without a saved value, or an Excel error, by
#: (row, column) position in the sheet (from 0): their kind ("formula" or "error") and text.
FormulaCells = dict[tuple[int, int], tuple[str, str]]


#: The first bytes of a Compound File (an Excel 97-2003 workbook, or an encrypted one).
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _why_not_xlsx(path: Path) -> str:
    """What a workbook that cannot be opened most likely is, as advice ("" if unknown)."""
    try:
        with path.open("rb") as file:
            start = file.read(8)
    except OSError:
        return ""
    if start == _COMPOUND_FILE:
        return (
            " The file is password-protected (encrypted) or an old Excel 97-2003 workbook: "
            "remove the password, or open it in Excel and save it as an Excel Workbook "
            "(.xlsx)."
        )
    return ""


def _sheet_parts(path: Path) -> dict[str, str]:
    """The worksheet part (``xl/worksheets/sheet1.xml``) of each sheet of a workbook, by
    sheet name, from the workbook's own index ({} when it cannot be read)."""
    import zipfile
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    package = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{package}Relationship")}
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets.get(sheet.get(f"{rel}id"), "")
        if target:
            parts[sheet.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            )
    return parts


def _date1904(path: Path) -> bool:
    """Whether a workbook is saved with Excel's 1904 date system (``date1904`` in its
    ``workbookPr``; Excel for Mac before 2011 saved so): its date numbers count days from
    1 January 1904, not from 30 December 1899."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return False
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    found = book.find(f"{main}workbookPr")
    return found is not None and found.get("date1904", "").lower() in {"1", "true"}


def _sheet_xml(path: Path, sheets: Collection[Any]) -> dict[Any, bytes]:
    """The XML of each of ``sheets`` (those the workbook index names)."""
    import zipfile

    parts = _sheet_parts(path)
    found: dict[Any, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for sheet in sheets:
                part = parts.get(str(sheet))
                if part is not None and part in archive.namelist():
                    found[sheet] = archive.read(part)
    except (OSError, zipfile.BadZipFile):
        return {}
    return found


_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')
_FORMULA_TEXT = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.DOTALL)
_VALUE = re.compile(rb"<v\b[^>]*?(?:/>|>(.*?)</v>)", re.DOTALL)
_FORMULA_START = re.compile(rb"<f[\s>/]|\bt=\"e\"")


def _letters_index(letters: bytes) -> int:
    """Column letters as a position from 0 (A is 0, AA is 26)."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _formula_cells(
    book: Mapping[Any, pd.DataFrame], xml: Mapping[Any, bytes]
) -> dict[Any, FormulaCells]:
    """The cells of the sheets whose XML is given (see :func:`_sheet_xml`) that a reader of
    the saved values sees as blank but the workbook holds otherwise: a formula with no
    value saved (a workbook written by a program that does not calculate) or an Excel
    error (``#N/A``, ``#REF!``, saved as the result of a formula or typed).

    Such a cell is still read as blank (its text is not a value), but it is reported,
    instead of as an empty cell without a word. Read from the sheets' XML: only the cells
    holding a formula or an error are looked at (a formula whose empty result was saved is
    a blank cell, and not reported)."""
    from html import unescape

    found: dict[Any, FormulaCells] = {}
    for sheet, data in xml.items():
        cells = book[sheet]
        here: FormulaCells = {}
        for mark in _FORMULA_START.finditer(data):
            start = data.rfind(b"<c ", 0, mark.start())
            end = data.find(b"</c>", mark.start())
            if start < 0 or end < 0:
                continue
            cell = data[start:end]
            ref = _CELL_REF.search(cell)
            if ref is None:
                continue
            r, c = int(ref.group(2)) - 1, _letters_index(ref.group(1))
            if (r, c) in here or r >= cells.shape[0] or c >= cells.shape[1]:
                continue
            shown = cells.iat[r, c]
            if not (
                shown is None
                or (isinstance(shown, float) and np.isnan(shown))
                or (isinstance(shown, str) and not shown.strip())
            ):
                continue
            kind = _CELL_TYPE.search(cell.split(b">", 1)[0])
            value = _VALUE.search(cell)
            if kind is not None and kind.group(1) == b"e":
                text = (value.group(1) or b"") if value is not None else b"#N/A"
                here[(r, c)] = ("error", unescape(text.decode("utf-8", "replace")))
            elif value is None or (
                not value.group(1) and (kind is None or kind.group(1) not in (b"str", b"s"))
            ):
                # no value, or an empty one that is not a text (a program that does not
                # calculate writes <v></v>; Excel writes t="str" for an empty text result)
                formula = _FORMULA_TEXT.search(cell)
                body = formula.group(1) if formula is not None else None
                text = (
                    "=" + unescape(body.decode("utf-8", "replace"))
                    if body
                    else "(a shared formula)"
                )
                here[(r, c)] = ("formula", text)
        if here:
            found[sheet] = here
    return found


def _read_file(
    table: schema.TableName, path: Path, column_map: Mapping[str, str] | None
) -> RawTable:
    suffix = path.suffix.lower()
    if suffix in _EXCEL_SUFFIXES:
        try:
            book = pd.read_excel(path, sheet_name=None, **_EXCEL_OPTIONS)
        except Exception as exc:  # a damaged or mislabelled workbook
            return _failed(
                table,
                path,
                "unreadable_file",
                f"{path.name}: cannot be read as an Excel workbook ({exc})."
                + (_why_not_xlsx(path) or " Is it really an .xlsx file?"),
            )
        # The sheet named after the table holds it; else the first whose headings are
        # its columns; else the first sheet (a hidden sheet of look-ups may come first).
        names = list(book)
        first = next((n for n in names if _table_for_stem(str(n)) == table), None)
        if first is None:
            first = next((n for n in names if _headed_like(book[n], column_map) == table), None)
        if first is None:
            first = names[0]
        cells = book[first]
        others = [(name, book[name]) for name in names if name != first]
        xml = _sheet_xml(path, [first])
        formulas = _formula_cells(book, xml).get(first, {})
        merged = _merged_cells(xml).get(first)
        issues: list[Issue] = []
        if others:
            # the other sheets, hidden ones too, are not read but may still hold names
            # or NHS numbers: refused as for a workbook of several tables
            from cdop._identifiers import check_identifiers

            check_identifiers(
                [_unread_sheet(f"{path.name}[{sheet}]", c) for sheet, c in others],
                first_row_headings=True,
                sheet_names=(path.name, [str(sheet) for sheet in book]),
                unread=True,
            )
            # A sheet headed as the table too (one sheet per year, an "Archive" of
            # older records) would be lost without a word: refused, as a second file of
            # a table is.
            alike = [str(sheet) for sheet, c in others if _headed_like(c, column_map) == table]
            if alike:
                issues.append(
                    _issue(
                        table,
                        path.name,
                        "ambiguous_table",
                        f"{path.name}: sheet(s) {', '.join(map(repr, alike))} are headed as "
                        f"the {table} table too, but only sheet {str(first)!r} is read; put "
                        "the records in one sheet (or one file per table), or remove the "
                        "others.",
                    )
                )
            issues.append(
                _issue(
                    table,
                    path.name,
                    "sheet_not_read",
                    severity="warning",
                    message=f"{path.name}: only its sheet {str(first)!r} was read (the "
                    f"{table} table); sheet(s) "
                    f"{', '.join(repr(str(sheet)) for sheet, _ in others)} were checked for "
                    "identifiers and not read.",
                )
            )
        label = path.name if first == names[0] else f"{path.name}[{first}]"
        raw = _from_cells(table, label, cells, column_map, issues, formulas, merged)
        raw.date1904 = _date1904(path)
        return raw
    if suffix in _PARQUET_SUFFIXES:
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises ArrowInvalid and OSError variants
            return _failed(
                table,
                path,
                "unreadable_file",
                f"{path.name}: cannot be read as a Parquet file ({exc}).",
            )
        header = [str(c) for c in frame.columns]
        frame.columns = pd.RangeIndex(len(header))
        frame, issues = numeric_dates(table, path.name, header, frame, column_map)
        return _from_header_body(table, path.name, header, frame, column_map, issues)
    return _read_csv(table, path, column_map)


def numeric_dates(
    table: schema.TableName,
    label: str,
    header: list[str],
    frame: pd.DataFrame,
    column_map: Mapping[str, str] | None,
) -> tuple[pd.DataFrame, list[Issue]]:
    """Date columns a Parquet file stores as numbers, read as dates with a warning.

    Parquet's own date type counts days since 1 January 1970; spreadsheets count days
    since 30 December 1899 (Excel serials). The ranges taken do not overlap: 7,305 to
    36,524 are days since 1970 (1990 to 2069), 36,526 to 62,458 are serials (2000 to
    2069). A column wholly in one range is read by that rule and a warning names the column and the
    rule; any other numbers are left for validation to reject.
    """
    lookup = _header_lookup(schema.TABLES[table], column_map)
    spec = schema.TABLES[table].column_by_name
    issues: list[Issue] = []
    out = frame.copy()
    for position, name in enumerate(header):
        canonical = lookup.get(normalise_key(name.strip()), "")
        column = out[position]
        if (
            canonical not in spec
            or spec[canonical].kind != "date"
            or not pd.api.types.is_numeric_dtype(column.dtype)
            or pd.api.types.is_bool_dtype(column.dtype)
        ):
            continue
        values = pd.to_numeric(column, errors="coerce").dropna()
        if values.empty or not (values == values.round()).all():
            continue
        for low, high, origin, rule in _NUMERIC_DATE_RULES:
            if values.between(low, high).all():
                days = pd.to_timedelta(pd.to_numeric(column, errors="coerce"), unit="D")
                out[position] = (pd.Timestamp(origin) + days).dt.strftime("%Y-%m-%d")
                issues.append(
                    _issue(
                        table,
                        label,
                        "numeric_date",
                        severity="warning",
                        column=name,
                        message=f"{label}, column {name!r}: the dates are stored as numbers; "
                        f"they were read as {rule}. Check a few against the source, or "
                        "store the column as a date.",
                    )
                )
                break
    return out, issues


#: Numbers read as dates (see :func:`numeric_dates`): range, origin, the rule in words.
_NUMERIC_DATE_RULES = (
    (7305, 36524, "1970-01-01", "days since 1 January 1970 (Parquet's date type)"),
    (36526, 62458, "1899-12-30", "Excel serial numbers (days since 30 December 1899)"),
)


def _failed(table: schema.TableName, path: Path, rule: str, message: str) -> RawTable:
    return _unread_table(table, path, [_issue(table, path.name, rule, message)])


def _unread_table(table: schema.TableName, path: Path, issues: list[Issue]) -> RawTable:
    """A table whose file could not be read as one, with the issues saying why."""
    return RawTable(
        table=table,
        file=path.name,
        frame=pd.DataFrame(),
        rows=np.empty(0, dtype=np.int64),
        issues=issues,
    )


def _read_csv(
    table: schema.TableName, path: Path, column_map: Mapping[str, str] | None
) -> RawTable:
    fast = _read_clean_file(table, path, column_map)
    if fast is not None:
        return fast
    data = path.read_bytes()
    hasher = _Hasher()
    hasher.feed(data)  # hashed on another thread while the text is parsed
    raw = _read_csv_bytes(table, path, data, column_map)
    raw.sha256 = hasher.hexdigest()
    return raw


#: Bytes of a CSV file parsed at a time (in whole lines): each piece is parsed by Arrow on
#: every core and its columns coded before the next is read, so that neither the file nor
#: its parsed table is ever held whole.
_PIECE = 32 * 1024 * 1024
#: Bytes looked at before parsing: the header line and the signs of a binary file.
_HEAD = 64 * 1024


class _NotClean(Exception):
    """A CSV file that Arrow must not read as it is (see :func:`_file_pieces`)."""


class _Quoted(_NotClean):
    """A CSV file holding quotes: read by Arrow as a stream (see :func:`_arrow_stream`)."""


class _Hasher:
    """SHA-256 of bytes fed in order, each piece hashed on a thread of its own (hashlib
    lets go of the interpreter lock for large inputs) while the caller goes on."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._thread: threading.Thread | None = None

    def feed(self, data: bytes | memoryview) -> None:
        self._join()
        self._thread = threading.Thread(target=self._hash.update, args=(data,), daemon=True)
        self._thread.start()

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def hexdigest(self) -> str:
        self._join()
        return self._hash.hexdigest()


def _file_pieces(path: Path, hasher: _Hasher, *, blank_lines: bool) -> Iterator[bytes]:
    """The bytes of a file in pieces of whole lines (about :data:`_PIECE` bytes each), every
    byte fed to ``hasher`` once.

    Raises :class:`_NotClean` as soon as a piece shows that Arrow may not read the file as
    it is: a carriage return that is not part of CRLF, or (``blank_lines``, for a one-column
    file) a blank line. The text reader then reads the file. Raises :class:`_Quoted` for a
    quote (a quoted field may hold a line break, so that a line is not a record): the file
    is then read as a stream (see :func:`_arrow_stream`).
    """
    rest = b""
    with path.open("rb") as file:
        while True:
            chunk = file.read(_PIECE)
            if not chunk:
                if rest:
                    yield _clean(path, rest, blank_lines=blank_lines)
                return
            hasher.feed(chunk)
            data = rest + chunk if rest else chunk
            end = data.rfind(b"\n") + 1
            if end == 0:  # a line longer than a piece: read on
                rest = data
                continue
            rest = data[end:]
            yield _clean(path, data[:end], blank_lines=blank_lines)


def _clean(path: Path, piece: bytes, *, blank_lines: bool) -> bytes:
    """``piece`` (whole lines), or :class:`_NotClean` if Arrow may not read it as it is
    (:class:`_Quoted` if it may, but as a stream)."""
    if (b"\r" in piece and piece.count(b"\r") != piece.count(b"\r\n")) or (
        blank_lines and (b"\n\n" in piece or piece.startswith(b"\n"))
    ):
        raise _NotClean(path)
    if b'"' in piece:
        raise _Quoted(path)
    return piece


def _read_clean_file(
    table: schema.TableName, path: Path, column_map: Mapping[str, str] | None
) -> RawTable | None:
    """A well-formed UTF-8 CSV file read by Arrow from the file itself, a piece at a time
    (see :func:`_file_pieces`): the common case, at the speed of Arrow and in little
    memory; the file is hashed meanwhile. A file holding quotes is read as a stream (see
    :func:`_arrow_stream`).

    None for anything else (UTF-16, bytes that are not UTF-8, a binary file, line ends
    other than LF and CRLF, a quote left open or a header cell holding a line break, a
    blank line in a one-column file, ragged rows, a file that changed while it was read):
    the text reader takes those, as it takes every file, with the same results.
    """
    before = path.stat()
    with path.open("rb") as file:
        head = file.read(_HEAD)
    if (
        not head
        or head.isspace()
        or head.startswith((b"PK\x03\x04", b"PAR1"))
        or utf16_codec(head) is not None
        or b"\x00" in head[:4096]
    ):
        return None
    end = head.find(b"\n")
    if end < 0 or b"\r" in head[:end].removesuffix(b"\r"):
        return None  # a header longer than the head, or a carriage return not in CRLF
    try:
        first_line = head[:end].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    delimiter, issues = _delimiter(table, path, first_line)
    try:
        with field_limit():
            header = next(csv.reader([first_line], delimiter=delimiter), [])
    except csv.Error:
        return None
    if _known_headings(table, header, column_map) < 2:
        return None  # perhaps title rows above the headings: the text reader says so
    hasher = _Hasher()
    ids = _id_positions(table, header, column_map)
    try:
        read = _arrow_body(
            _file_pieces(path, hasher, blank_lines=len(header) < 2), delimiter, len(header), ids=ids
        )
    except _Quoted:
        hasher.hexdigest()  # of the pieces read before the quote: not needed
        read = None
        if _closed_quotes(first_line, delimiter):
            hasher = _Hasher()
            with pa.OSFile(str(path)) as file:
                stream = _Stream(file, hasher, delimiter, len(header), blank_lines=len(header) < 2)
                read = _arrow_stream(stream, delimiter, len(header), ids=ids)
    except _NotClean:
        read = None
    sha256 = hasher.hexdigest()
    after = path.stat()
    if read is None or (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        return None
    body, factorized = read
    raw = _from_header_body(
        table, path.name, header, body, column_map, issues, csv=True, factorized=factorized
    )
    raw.sha256 = sha256
    return raw


def _without_mark(data: bytes) -> bytes:
    """``data`` without the byte-order mark it starts with (UTF-8 or UTF-16), if any."""
    for mark in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if data.startswith(mark):
            return data[len(mark) :]
    return data


def _read_csv_bytes(
    table: schema.TableName, path: Path, data: bytes, column_map: Mapping[str, str] | None
) -> RawTable:
    if not _without_mark(data).strip():  # a byte-order mark alone is empty too
        return _failed(
            table,
            path,
            "empty_file",
            f"{path.name}: the file is empty; expected a header row and one row "
            f"per record of the {table} table.",
        )
    if data.startswith(b"PK\x03\x04"):
        return _failed(
            table,
            path,
            "wrong_file_type",
            f"{path.name}: this is an Excel workbook saved with a .csv name; "
            "rename it to .xlsx or save it as CSV from Excel.",
        )
    text, codec, cp1252_rows = decode_export(data)
    if text is None or data.startswith(b"PAR1") or (codec == "utf-8" and b"\x00" in data[:4096]):
        return _failed(
            table,
            path,
            "wrong_file_type",
            f"{path.name}: this is a binary file, not CSV text; export the "
            "table as CSV (.csv), Excel (.xlsx) or Parquet (.parquet).",
        )
    issues: list[Issue] = []
    if cp1252_rows:
        shown = ", ".join(map(str, cp1252_rows[:10])) + (", ..." if len(cp1252_rows) > 10 else "")
        issues.append(
            _issue(
                table,
                path.name,
                "encoding",
                severity="warning",
                row=cp1252_rows[0],
                message=f"{path.name}, row{'s' if len(cp1252_rows) > 1 else ''} {shown}: "
                "some characters are not UTF-8; only those were read as Windows-1252 "
                "(Excel's 'CSV' encoding). Check the accented characters there, or save "
                "the file as 'CSV UTF-8'.",
            )
        )
    text, _ = normalise_line_ends(text)
    delimiter, delimiter_issues = _delimiter(table, path, _first_line(text))
    issues.extend(delimiter_issues)
    if _LONE_CR_TEXT.search(text) is not None:
        # Line ends mixed (a CR alone in a file of LF or CRLF lines): a CR that ends a
        # line is read as one (behind a header ending in one, the first record was read
        # into the header line without a word); one inside a value is kept.
        text, row = split_line_ends(text, delimiter)
        if row is not None:
            issues.append(
                _issue(
                    table,
                    path.name,
                    "line_ends",
                    severity="warning",
                    row=row,
                    message=f"{path.name}, row {row}: the file mixes line ends (a carriage "
                    "return alone, as well as line feeds); a CR alone that ends a line was "
                    "read as the end of a line. Check the rows around it, or save the file "
                    "again as CSV.",
                )
            )
    try:
        with field_limit():
            header = next(csv.reader(_lines(text), delimiter=delimiter), [])
        heading = _heading_below(table, text, delimiter, header, column_map)
        if heading is not None:
            # the rows above are not read, but may hold an identifier all the same
            from cdop._identifiers import check_identifiers

            above = list(itertools.islice(_lines(text), heading - 1))
            with field_limit():
                titles = [next(csv.reader([line], delimiter=delimiter), []) for line in above]
            width = max((len(cells) for cells in titles), default=0)
            padded = [cells + [""] * (width - len(cells)) for cells in titles]
            check_identifiers([_unread_sheet(path.name, pd.DataFrame(padded))], unread=True)
            issues.append(
                _issue(
                    table,
                    path.name,
                    "title_rows",
                    row=heading,
                    message=f"{path.name}: the column headings seem to be on row {heading}, "
                    f"below {heading - 1} row(s) of titles or notes"
                    + (" (Excel's 'sep=' line)" if _SEP_LINE.match(_first_line(text)) else "")
                    + "; delete the rows above the headings and save the file again.",
                )
            )
            return _unread_table(table, path, issues)
        swallowed = _header_swallowing(header, delimiter)
        if swallowed is not None:
            column, lines = swallowed
            issues.append(
                _issue(
                    table,
                    path.name,
                    "malformed_row",
                    row=1,
                    message=f"{path.name}, row 1: the heading of column {column} opens a quote "
                    f'(") that the header line does not close, so the {lines:,} line(s) after '
                    "it were read into the headings; remove the stray quote or close it.",
                )
            )
            return _unread_table(table, path, issues)
        read = _read_csv_arrow(text, delimiter, len(header))
        if read is not None:
            return _from_header_body(
                table, path.name, header, read[0], column_map, issues, csv=True, factorized=read[1]
            )
        with warnings.catch_warnings():
            # pandas warns (and drops fields) when the first row is longer than the
            # header: that is a ragged row, found and reported below.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            body = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                skiprows=1,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=False,
                names=list(range(len(header))),
                index_col=False,
                engine="c",
                lineterminator="\n",
                on_bad_lines="error",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        return _ragged(table, path.name, text, delimiter, header, column_map, issues)
    except (UnicodeError, ValueError, csv.Error) as exc:
        return _failed(
            table, path, "unreadable_file", f"{path.name}: cannot be read as CSV ({exc})."
        )
    issues = [*issues, *_short_rows(table, path.name, text, delimiter, len(header))]
    return _from_header_body(table, path.name, header, body, column_map, issues, csv=True)


def _short_rows(
    table: schema.TableName, label: str, text: str, delimiter: str, width: int
) -> list[Issue]:
    """Rows with fewer fields than the header (a pandas or text read fills the missing
    last fields with blanks): each run of short rows that together make one record is an
    error (a value holding a line break without quotes split the record over lines: its
    last fields would be lost, and the rest read as a record of its own); any other short
    row is a warning naming it (its missing last fields were read as blank)."""
    try:
        short = short_records(text, delimiter, width)
    except csv.Error:
        return []  # the read itself says what is wrong with the text
    if not short:
        return []
    issues: list[Issue] = []
    split = split_records(short, width)
    in_split: set[int] = set()
    for row, lines in split:
        in_split.update(range(row, row + lines))
        issues.append(
            _issue(
                table,
                label,
                "malformed_row",
                row=row,
                message=f"{label}, rows {row} to {row + lines - 1}: one record is split over "
                f"{lines} lines (together they hold the header's {width} fields, each line "
                "alone fewer): a value holding a line break without quotes. Put that value "
                'in double quotes ("...") or remove the line break; read as it is, the '
                "record would lose its last fields and the rest be read as a record of its "
                "own.",
            )
        )
    alone = [(row, fields) for row, fields in short if row not in in_split]
    if alone:
        listed = ", ".join(f"row {row} ({fields})" for row, fields in alone[:5])
        more = f" and {len(alone) - 5} more" if len(alone) > 5 else ""
        issues.append(
            _issue(
                table,
                label,
                "short_row",
                severity="warning",
                row=alone[0][0],
                message=f"{label}: {len(alone)} row(s) have fewer fields than the header's "
                f"{width}: {listed}{more}; their missing last fields were read as blank. "
                "Check that nothing is lost (a row of notes or totals under the records, or "
                "a record whose last fields were left off).",
            )
        )
    return issues


#: Excel's first line naming the delimiter ("sep=;").
_SEP_LINE = re.compile(r"\s*sep=.\s*$", re.IGNORECASE)


def _known_headings(
    table: schema.TableName, header: list[str], column_map: Mapping[str, str] | None
) -> int:
    """How many cells of ``header`` name a column of the table."""
    lookup = _header_lookup(schema.TABLES[table], column_map)
    return sum(1 for h in header if normalise_key(h.strip()) in lookup)


def _heading_below(
    table: schema.TableName,
    text: str,
    delimiter: str,
    header: list[str],
    column_map: Mapping[str, str] | None,
) -> int | None:
    """The row (from 1) of a CSV text's headings when the first line is not them but a
    line below is (title rows above the table, or Excel's "sep=" line), else None."""
    if _known_headings(table, header, column_map) >= 2:
        return None
    for number, line in enumerate(itertools.islice(_lines(text), _HEADER_SEARCH_ROWS), 1):
        if number == 1:
            continue
        own = sniff_delimiter(line, delimiter)
        try:
            with field_limit():
                cells = next(csv.reader([line], delimiter=own), [])
        except csv.Error:
            continue
        if _known_headings(table, cells, column_map) >= 2:
            return number
    return None


def _header_swallowing(header: list[str], delimiter: str) -> tuple[int, int] | None:
    """The column (from 1) whose heading took in lines after the header line, and how many,
    when a quote opened there is closed only lines later or never (None otherwise).

    A heading may hold a line break within quotes ("Age at death" over "(days)", as Excel
    writes a cell with one); lines holding the delimiter twice, or more than three lines,
    are records taken in by a stray quote."""
    for column, name in enumerate(header, start=1):
        lines = name.splitlines()
        if len(lines) < 2:
            continue
        taken = len(lines) - 1
        if taken > 3 or sum(line.count(delimiter) for line in lines[1:]) >= 2:
            return column, taken
    return None


def _first_line(text: str) -> str:
    end = text.find("\n")
    return text if end < 0 else text[:end]


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time, ended as ``io.StringIO(text, newline="")`` ends
    them (LF, CRLF or CR, kept): the csv module reads the header without a copy of the
    whole file."""
    for line in _LINE.finditer(text):
        yield line.group()


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
#: A carriage return that does not end a CRLF pair (in a text that is not all CR lines).
_LONE_CR_TEXT = re.compile(r"\r(?!\n)")


def _delimiter(table: schema.TableName, path: Path, first_line: str) -> tuple[str, list[Issue]]:
    """The delimiter read from the header line, and a warning when it is not the default."""
    default = "\t" if path.suffix.lower() == ".tsv" else ","
    delimiter = sniff_delimiter(first_line, default)
    if delimiter == default:
        return delimiter, []
    name = {"\t": "tab", ";": "semicolon", "|": "vertical bar"}[delimiter]
    return delimiter, [
        _issue(
            table,
            path.name,
            "delimiter",
            severity="warning",
            row=1,
            message=f"{path.name}: the header holds no {'comma' if default == ',' else 'tab'}"
            f" but {name}s, so the file was read with the {name} as the delimiter.",
        )
    ]


def _read_csv_arrow(
    text: str, delimiter: str, width: int
) -> tuple[pd.DataFrame, dict[int, Factorized]] | None:
    """The body of a well-formed CSV text (decoded from UTF-16 or Windows-1252), read by
    Arrow: see :func:`_arrow_body` (:func:`_arrow_stream` for a text holding quotes). None
    for a file Arrow cannot read as it is."""
    if "\n\n" in text:
        return None
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None  # a CR that is not part of CRLF is data, but Arrow would end a line there
    if '"' in text:
        if not _closed_quotes(_first_line(text), delimiter):
            return None
        stream = _Stream(pa.BufferReader(text.encode("utf-8")), None, delimiter, width)
        return _arrow_stream(stream, delimiter, width)
    return _arrow_body(_text_pieces(text.encode("utf-8")), delimiter, width)


def _text_pieces(data: bytes) -> Iterator[bytes]:
    """``data`` in pieces of whole lines of about :data:`_PIECE` bytes."""
    start = 0
    while start < len(data):
        stop = start + _PIECE
        end = len(data) if stop >= len(data) else data.rfind(b"\n", start, stop) + 1
        if end <= start:  # a line longer than a piece
            end = data.find(b"\n", stop) + 1 or len(data)
        yield data[start:end]
        start = end


def _id_positions(
    table: schema.TableName, header: list[str], column_map: Mapping[str, str] | None
) -> frozenset[int]:
    """Positions of the header naming the table's record ID (its one key column)."""
    spec = schema.TABLES[table]
    if len(spec.key) != 1:
        return frozenset()
    lookup = _header_lookup(spec, column_map)
    return frozenset(
        position
        for position, name in enumerate(header)
        if lookup.get(normalise_key(str(name).strip())) == spec.key[0]
    )


def _arrow_body(
    pieces: Iterable[bytes], delimiter: str, width: int, *, ids: Collection[int] = ()
) -> tuple[pd.DataFrame, dict[int, Factorized]] | None:
    """The records of a CSV file (after the header line) read by Arrow's multi-threaded
    reader, each column encoded as it is read (see :func:`_encoded`), and the codes of the
    columns kept as text.

    ``pieces`` are the file's bytes in whole lines, the header line first. Each piece is
    parsed and its columns coded (each block's codes and distinct texts) before the next is
    read; the blocks' distinct texts are then numbered once for the whole file.

    Only for a file where every line is a record with exactly ``width`` fields and no
    quotes: anything else (a blank line, a ragged row, a quoted line break, a carriage
    return outside CRLF, bytes that are not UTF-8) returns None, and the file is read by
    pandas, which numbers and reports such rows.

    The columns at ``ids`` (a record ID, distinct in every row) are read as text and hashed
    once, for the whole file, rather than once a block and again for the file.
    """
    if width == 0:
        return None
    names = [str(i) for i in range(width)]
    parse = pa_csv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=False)
    convert = _convert_options(names, ids)
    blocks: list[list[_Block]] = [[] for _ in names]
    length = 0
    try:
        for number, piece in enumerate(pieces):
            options = pa_csv.ReadOptions(
                column_names=names, skip_rows=int(number == 0), block_size=_block_size(len(piece))
            )
            table = pa_csv.read_csv(
                pa.BufferReader(piece),
                read_options=options,
                parse_options=parse,
                convert_options=convert,
            )
            length += table.num_rows
            for position, column in enumerate(table.columns):
                blocks[position].extend(_block(chunk) for chunk in column.chunks)
            del table
    except pa.ArrowException:  # ArrowInvalid and the rest: the text reader reads the file
        pa.default_memory_pool().release_unused()
        return None
    return _columns(blocks, length)


def _convert_options(names: list[str], ids: Collection[int]) -> Any:
    """Every column as text, coded as it is read (the record ID as plain text); an empty
    field, quoted or not, is missing (as pandas reads it)."""
    coded = pa.dictionary(pa.int32(), pa.large_string())
    return pa_csv.ConvertOptions(
        column_types={
            name: pa.large_string() if i in ids else coded for i, name in enumerate(names)
        },
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )


def _columns(blocks: list[list[_Block]], length: int) -> tuple[pd.DataFrame, dict[int, Factorized]]:
    """The columns of a file from their blocks (see :func:`_from_blocks`), each column's
    blocks let go of once it is coded."""
    columns: dict[int, pd.Series] = {}
    factorized: dict[int, Factorized] = {}
    for position in range(len(blocks)):
        column_blocks, blocks[position] = blocks[position], []  # let go of them once coded
        columns[position], known = _from_blocks(column_blocks, length)
        del column_blocks
        if known is not None:
            factorized[position] = known
    frame = pd.DataFrame(columns, index=pd.RangeIndex(length))
    # The parser's buffers are free now; give them back to the system rather than keep
    # them in Arrow's pool for the rest of the session.
    pa.default_memory_pool().release_unused()
    return frame, factorized


def _closed_quotes(line: str, delimiter: str) -> bool:
    """Whether every field of ``line`` (a header) that opens a quote closes it, as the CSV
    standard writes it: Arrow skips the header as one line, and a quoted line break would
    make the header longer than that."""
    try:
        with field_limit():
            next(csv.reader([line], delimiter=delimiter, strict=True), None)
    except csv.Error:
        return False
    return True


class _Stream:
    """The bytes of a CSV file holding quotes as Arrow reads them (see
    :func:`_arrow_stream`): fed to ``hasher`` as they are read and checked on the way, then
    one blank record.

    ``raw`` is an Arrow file (the file on disk, or the bytes of a decoded text): its pieces
    are Arrow buffers, handed on without a copy. (Python ``bytes`` of a few megabytes each,
    freed one after another, left the process's heap a few hundred megabytes larger.)

    ``clean`` turns False (and the stream ends) at a carriage return that is not part of
    CRLF (Arrow would end a line there) or, with ``blank_lines`` (a one-column file), at a
    blank line: the text reader reads such a file.

    The blank record at the end is how a quote left open is found: Arrow would read it to
    the end of the file as one field, where pandas (the text reader) finds an error. When
    every quote is closed, the blank record is read as such and dropped.
    """

    closed = False

    def __init__(
        self,
        raw: Any,
        hasher: _Hasher | None,
        delimiter: str,
        width: int,
        *,
        blank_lines: bool = False,
    ) -> None:
        self._raw = raw
        self._hasher = hasher
        self._end = (delimiter * (width - 1) + "\n").encode("utf-8")
        self._blank_lines = blank_lines
        self._last = b""  # the last byte read
        self._done = False
        self.clean = True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to close: the caller closes the file."""

    def read(self, size: int = -1) -> Any:
        if self._done or not self.clean:
            return b""
        chunk = self._raw.read_buffer(size) if size >= 0 else self._raw.read_buffer()
        if not chunk.size:
            self._done = True
            if self._last == b"\r":
                self.clean = False
                return b""
            return (b"" if self._last in (b"\n", b"") else b"\n") + self._end
        view = memoryview(chunk)
        if self._hasher is not None:
            self._hasher.feed(view)
        first, last = bytes(view[:1]), bytes(view[-1:])
        lone = _LONE_CR.search(view)
        if (lone is not None and lone.start() < len(view) - 1) or (
            self._last == b"\r" and first != b"\n"
        ):
            self.clean = False
        if self._blank_lines and (
            _BLANK_LINE.search(view) is not None or (self._last == b"\n" and first == b"\n")
        ):
            self.clean = False
        self._last = last
        return chunk if self.clean else b""


#: A carriage return not followed by a line feed (at the end of a piece, by the next's).
_LONE_CR = re.compile(rb"\r(?!\n)")
_BLANK_LINE = re.compile(rb"\n\n")


#: Bytes of a stream parsed at a time (see :func:`_arrow_stream`).
_STREAM_BLOCK = 4 * 1024 * 1024


def _arrow_stream(
    stream: _Stream, delimiter: str, width: int, *, ids: Collection[int] = ()
) -> tuple[pd.DataFrame, dict[int, Factorized]] | None:
    """The records of a CSV file holding quotes, read by Arrow as a stream (a quoted field
    may hold the delimiter, a quote written twice or a line break, so that a record may
    span lines), each block's columns coded as it is read, as :func:`_arrow_body` codes
    them, and the same table.

    None for anything Arrow cannot read as pandas does (see :class:`_Stream`): a ragged
    row, a blank line, a quote left open, a carriage return outside CRLF, bytes that are
    not UTF-8. Quotes read as the CSV standard reads them (a field that only opens with a
    quote is quoted; a quote elsewhere is a character) read the same in both.
    """
    if width == 0:
        return None
    names = [str(i) for i in range(width)]
    parse = pa_csv.ParseOptions(
        delimiter=delimiter, quote_char='"', newlines_in_values=True, ignore_empty_lines=False
    )
    options = pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=_STREAM_BLOCK)
    blocks: list[list[_Block]] = [[] for _ in names]
    length = 0
    try:
        reader = pa_csv.open_csv(
            pa.PythonFile(stream, mode="r"),
            read_options=options,
            parse_options=parse,
            convert_options=_convert_options(names, ids),
        )
        for batch in reader:
            if batch.num_rows:
                length += batch.num_rows
                for position, column in enumerate(batch.columns):
                    blocks[position].append(_block(column))
    except pa.ArrowException:
        pa.default_memory_pool().release_unused()
        return None
    if not stream.clean or not length or not all(_blank_last(b[-1]) for b in blocks):
        pa.default_memory_pool().release_unused()
        return None
    for column_blocks in blocks:  # drop the blank record added at the end
        codes, texts = column_blocks.pop()
        if len(texts if codes is None else codes) > 1:
            column_blocks.append(
                (None, texts.slice(0, len(texts) - 1)) if codes is None else (codes[:-1], texts)
            )
    return _columns(blocks, length - 1)


def _blank_last(block: _Block) -> bool:
    """Whether the last cell of a block is empty."""
    codes, texts = block
    if codes is None:
        return not texts[len(texts) - 1].is_valid
    return bool(codes[-1] < 0)


#: One parsed block of a column: the code of each cell (-1 for an empty one) in the
#: block's own numbering, as small integers, and the block's distinct texts; or, for a
#: column read as text, None and the block's texts.
_Block = tuple[np.ndarray | None, Any]


def _block(chunk: Any) -> _Block:
    if not pa.types.is_dictionary(chunk.type):
        return None, chunk
    indices = chunk.indices
    if indices.null_count:
        indices = pc.fill_null(indices, -1)
    codes = indices.to_numpy(zero_copy_only=False).astype(_code_dtype(len(chunk.dictionary)))
    return codes, chunk.dictionary


def _from_blocks(blocks: list[_Block], length: int) -> tuple[pd.Series, Factorized | None]:
    """One column from its blocks, as :func:`_encoded` would hold it: the blocks' distinct
    texts numbered once in order of first appearance (Arrow hashes each distinct text of a
    block once), each block's codes translated into one array of the smallest integer
    type."""
    if blocks and blocks[0][0] is None:
        return _from_texts(blocks, length)
    block_codes = [codes for codes, _ in blocks if codes is not None]
    sizes = np.array([len(texts) for _, texts in blocks], dtype=np.int64)
    every_text = pa.concat_arrays(
        [texts for _, texts in blocks] or [pa.array([], pa.large_string())]
    )
    blocks.clear()  # the blocks' texts are in every_text now
    numbered = pc.dictionary_encode(every_text)
    del every_text
    dictionary = numbered.dictionary
    uniques = _texts(dictionary)
    mostly_distinct = _mostly_distinct(len(uniques), length)
    codes = np.empty(length, np.int32 if mostly_distinct else _code_dtype(len(uniques)))
    numbers = numbered.indices.to_numpy(zero_copy_only=False)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    at = 0
    for number, block in enumerate(block_codes):
        translate = np.append(numbers[starts[number] : starts[number + 1]], -1)
        codes[at : at + len(block)] = translate[block]
        at += len(block)
    if not mostly_distinct:
        return _categorical(codes, uniques), None
    if len(uniques) == length and codes_in_order(codes):
        return uniques, (codes, uniques)  # every text once, in order: no copy needed
    texts = _texts(dictionary.take(pa.array(codes, mask=codes < 0)))
    return texts, (codes, uniques)


def _from_texts(blocks: list[_Block], length: int) -> tuple[pd.Series, Factorized | None]:
    """One column read as text (see :func:`_arrow_body`), as :func:`_encoded` would hold
    it: its texts numbered once, in order of first appearance."""
    texts = pa.chunked_array([chunk for _, chunk in blocks], type=pa.large_string())
    blocks.clear()
    numbered = pc.dictionary_encode(texts)  # its chunks share the one dictionary
    if numbered.num_chunks == 0:
        return _encoded(_texts(pa.array([], type=pa.large_string())))
    dictionary = numbered.chunk(numbered.num_chunks - 1).dictionary
    indices = pa.chunked_array([chunk.indices for chunk in numbered.chunks], type=pa.int32())
    codes, uniques = _codes(indices.combine_chunks()), _texts(dictionary)
    del numbered, indices
    if not _mostly_distinct(len(uniques), length):
        return _categorical(codes.astype(_code_dtype(len(uniques))), uniques), None
    if len(uniques) == length and codes_in_order(codes):
        return uniques, (codes, uniques)  # every text once, in order: no copy needed
    return _texts(texts.combine_chunks()), (codes, uniques)


#: Bounds of the blocks Arrow parses in parallel: small ones cost a dictionary each.
_BLOCK_BOUNDS = (1 << 20, 16 << 20)


def _block_size(size: int) -> int:
    """Bytes per block for a piece of ``size`` bytes: about two blocks per core, within
    :data:`_BLOCK_BOUNDS` (rows longer than a block are read by the text reader)."""
    low, high = _BLOCK_BOUNDS
    return min(max(size // (2 * (os.cpu_count() or 1)), low), high)


def _ragged(
    table: schema.TableName,
    label: str,
    text: str,
    delimiter: str,
    header: list[str],
    column_map: Mapping[str, str] | None,
    issues: list[Issue],
) -> RawTable:
    """A CSV file with rows longer than its header: every such row is reported (the table
    is then rejected as a whole, every record counted), none is silently cut."""
    try:
        records, long_rows = ragged_records(text, delimiter, len(header))
    except csv.Error as exc:
        return RawTable(
            table=table,
            file=label,
            frame=pd.DataFrame(),
            rows=np.empty(0, dtype=np.int64),
            issues=[
                *issues,
                _issue(table, label, "unreadable_file", f"{label}: cannot be read as CSV ({exc})."),
            ],
        )
    cells = [[value if value != "" else None for value in record] for record in records]
    body = pd.DataFrame(cells, columns=pd.RangeIndex(len(header)), dtype=object)
    issues = [*issues, *_short_rows(table, label, text, delimiter, len(header))]
    raw = _from_header_body(table, label, header, body, column_map, issues, csv=True)
    opened = open_quote_record(text, delimiter)
    if opened is not None:
        record, line, lines = opened
        # the quote is never closed: said so below, not as a quote closed later
        raw.issues = [i for i in raw.issues if "closed only on a later line" not in i.message]
        raw.issues.append(
            _issue(
                table,
                label,
                "malformed_row",
                row=record,
                message=f'{label}, row {record}: a field opens a quote (") that is never '
                "closed, so the rest of the file was read as that one field (the "
                f"{lines} line(s) from line {line} to the end: their records could not be "
                "read). Close the quote, or remove it.",
            )
        )
    for row in long_rows:
        raw.issues.append(
            _issue(
                table,
                label,
                "malformed_row",
                row=row,
                message=f"{label}, row {row}: the row has more fields than the header "
                f"({len(header)} columns); check for an unquoted "
                f"{'comma' if delimiter == ',' else 'delimiter'} in a value.",
            )
        )
    return raw


def _cell_text(value: Any) -> Any:
    """Text of one spreadsheet cell, as a person reading the sheet would see it."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return pd.NA
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if hasattr(value, "isoformat"):  # datetime.date/datetime/time from openpyxl
        return str(value.isoformat()).removesuffix("T00:00:00")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _from_cells(
    table: schema.TableName,
    label: str,
    cells: pd.DataFrame,
    column_map: Mapping[str, str] | None,
    issues: list[Issue],
    formulas: FormulaCells | None = None,
    merged: MergedCells | None = None,
) -> RawTable:
    if cells.empty:
        return RawTable(
            table=table,
            file=label,
            frame=pd.DataFrame(),
            rows=np.empty(0, dtype=np.int64),
            issues=[
                _issue(
                    table,
                    label,
                    "empty_file",
                    f"{label}: the sheet is empty; expected a header row and "
                    f"one row per record of the {table} table.",
                )
            ],
        )
    start = _header_row(table, cells, column_map)
    if start:
        issues = [
            *issues,
            _issue(
                table,
                label,
                "title_rows",
                severity="warning",
                row=start + 1,
                message=f"{label}: the column headings are on row {start + 1}; the "
                f"{start} row{'s' if start > 1 else ''} above them (titles or notes) "
                "were skipped.",
            ),
        ]
    if start:
        # the title rows are not read, but may hold an identifier all the same
        from cdop._identifiers import check_identifiers

        check_identifiers([_unread_sheet(label, cells.iloc[:start])], unread=True)
    if merged:
        cells, found = _unmerged(table, label, cells, start, merged)
        issues = [*issues, *found]
    header = ["" if pd.isna(h) else _cell_text(h) for h in cells.iloc[start].tolist()]
    if formulas:
        # only the columns read: a helper column of formulas is dropped as unknown
        lookup = _header_lookup(schema.TABLES[table], column_map)
        read = {
            c
            for c, h in enumerate(header)
            if normalise_key(h.strip()) in lookup
            or h.strip() in schema.TABLES[table].column_by_name
        }
        formulas = {rc: found for rc, found in formulas.items() if rc[1] in read}
    issues = [*issues, *_formula_issues(table, label, header, start, formulas or {})]
    body = cells.iloc[start + 1 :].reset_index(drop=True)
    body.columns = pd.RangeIndex(len(header))
    raw = _from_header_body(table, label, header, body, column_map, issues)
    raw.rows = raw.rows + start
    return raw


#: Ranges of merged cells of a sheet, as (first row, first column, last row, last column)
#: positions from 0.
MergedCells = list[tuple[int, int, int, int]]


def _merged_cells(xml: Mapping[Any, bytes]) -> dict[Any, MergedCells]:
    """The merged ranges of the sheets whose XML is given (see :func:`_sheet_xml`)."""
    found: dict[Any, MergedCells] = {}
    for sheet, data in xml.items():
        if b"<mergeCell " not in data:
            continue
        ranges = []
        for match in _MERGED.finditer(data):
            top, left = int(match.group(2)) - 1, _letters_index(match.group(1))
            if match.group(3):
                bottom, right = int(match.group(4)) - 1, _letters_index(match.group(3))
            else:
                bottom, right = top, left
            ranges.append((top, left, bottom, right))
        if ranges:
            found[sheet] = sorted(ranges)
    return found


_MERGED = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


def _unmerged(
    table: schema.TableName,
    label: str,
    cells: pd.DataFrame,
    start: int,
    merged: MergedCells,
) -> tuple[pd.DataFrame, list[Issue]]:
    """``cells`` with each range merged down one column below the heading row holding
    its first cell's value in every row (as the sheet shows it; the file keeps it in the
    first cell only), and a warning for each merged range below the headings."""
    issues: list[Issue] = []
    filled = cells
    for top, left, bottom, right in merged:
        if top <= start or top >= cells.shape[0] or left >= cells.shape[1]:
            continue  # titles and headings: their merged cells are not records
        bottom = min(bottom, cells.shape[0] - 1)
        where = f"rows {top + 1} to {bottom + 1}" if bottom > top else f"row {top + 1}"
        if left == right:
            if filled is cells:
                filled = cells.copy()
            value: Any = filled.iat[top, left]
            filled.iloc[top + 1 : bottom + 1, left] = value
            what = (
                f"{where}, column {_column_letter(left)}: the cells are merged; the value "
                "of the first was read into each (as the sheet shows it)"
            )
        else:
            what = (
                f"{where}, columns {_column_letter(left)} to {_column_letter(right)}: the "
                "cells are merged across columns; only the first column holds the value"
            )
        issues.append(
            _issue(
                table,
                label,
                "merged_cells",
                severity="warning",
                row=top + 1,
                message=f"{label}, {what}. Unmerge them in the workbook to be sure.",
            )
        )
    return filled, issues


def _formula_issues(
    table: schema.TableName, label: str, header: list[str], start: int, formulas: FormulaCells
) -> list[Issue]:
    """A warning for each formula or error cell below the heading row (see
    :func:`_formula_cells`), naming its row, column and text."""
    out: list[Issue] = []
    for (r, c), (kind, text) in sorted(formulas.items()):
        if r <= start:
            continue
        column = header[c] if c < len(header) and header[c] else f"column {c + 1}"
        if kind == "error":
            rule = "excel_error"
            what = (
                f"holds the Excel error {text} (a formula that failed), read as blank; "
                "correct the formula in the workbook or type the value"
            )
        else:
            rule = "excel_formula"
            what = (
                f"holds a formula ({text}) with no value saved, read as blank; if a program "
                "wrote the workbook, open it in Excel and save it, or paste the values"
            )
        out.append(
            _issue(
                table,
                label,
                rule,
                severity="warning",
                row=r + 1,
                column=column,
                value=text,
                message=f"{label}, row {r + 1}, column {column!r}: the cell {what}.",
            )
        )
    return out


#: How far down a sheet the column headings are looked for, below title rows.
_HEADER_SEARCH_ROWS = 20


def _header_row(
    table: schema.TableName, cells: pd.DataFrame, column_map: Mapping[str, str] | None
) -> int:
    """The position of the heading row: 0, unless row 1 names fewer than two columns of the
    contract and a row below it (within the first rows) names two or more."""
    lookup = _header_lookup(schema.TABLES[table], column_map)

    def known(position: int) -> int:
        values = cells.iloc[position].tolist()
        return sum(1 for v in values if not pd.isna(v) and normalise_key(str(v).strip()) in lookup)

    if known(0) >= 2:
        return 0
    for position in range(1, min(len(cells), _HEADER_SEARCH_ROWS)):
        if known(position) >= 2:
            return position
    return 0


def _to_text(column: pd.Series, *, csv: bool = False) -> pd.Series:
    """Cells of one column as text (pandas ``str`` dtype), empty cells as NA.

    Text is kept as written, spaces and words such as "N/A" included: validation decides
    what they mean (reading each distinct text once) and shows them as in the file. A
    column already encoded (see :func:`_encoded`) is returned as it is.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        text = column.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        text = column
    else:
        text = column.astype(object).map(_cell_text)
    text = text.astype("str")
    if not csv:  # the CSV reader already gives NA for an empty field
        text = text.where(text.str.strip() != "", pd.NA)
    result: pd.Series = text
    return result


#: Codes of the cells of a column (-1 for a missing cell) and its distinct texts.
Factorized = tuple[np.ndarray, pd.Series]


def factorize_text(values: pd.Series) -> Factorized:
    """As :func:`pandas.factorize` for a text column: the distinct texts in order of first
    appearance and the code of each cell (-1 for a missing cell), as 32-bit integers (or
    the codes of a coded column, see :func:`_encoded`)."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # coded as read: nothing to hash
        uniques = pd.Series(values.cat.categories, dtype="str").reset_index(drop=True)
        return values.cat.codes.to_numpy(), uniques
    if not isinstance(values.dtype, pd.StringDtype) or values.dtype.storage != "pyarrow":
        codes, found = pd.factorize(values)
        return np.asarray(codes, dtype=np.int32), pd.Series(found, dtype="str")
    encoded = pc.dictionary_encode(pa.chunked_array(pa.array(values.array)))
    if not encoded.num_chunks:
        return np.empty(0, dtype=np.int32), pd.Series([], dtype="str")
    combined = encoded.combine_chunks()
    return _codes(combined.indices), _texts(combined.dictionary)


def _codes(indices: Any) -> np.ndarray:
    """Arrow dictionary indices as codes, -1 for a missing cell."""
    if indices.null_count:
        indices = pc.fill_null(indices, -1)
    codes: np.ndarray = indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return codes


def _texts(strings: Any) -> pd.Series:
    """Arrow strings as a pandas ``str`` column (no copy of large strings)."""
    text_dtype = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str"
    strings = strings.cast(pa.large_string())
    return pd.Series(strings.to_pandas(types_mapper={pa.large_string(): text_dtype}.get))


def _code_dtype(distinct: int) -> np.dtype:
    """The integer type pandas gives the codes of a categorical of ``distinct`` values."""
    for dtype in (np.int8, np.int16, np.int32):
        if distinct < np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def codes_in_order(codes: np.ndarray) -> bool:
    """Whether ``codes`` are 0, 1, 2, ... (a column of distinct texts, none missing, in
    order of first appearance)."""
    return bool(len(codes) == 0 or (codes[0] == 0 and (np.diff(codes) == 1).all()))


def _mostly_distinct(distinct: int, length: int) -> bool:
    """Whether a column is mostly distinct texts (an ID), kept as text rather than coded."""
    return distinct > max(length // 2, 1)


def _categorical(codes: np.ndarray, uniques: pd.Series) -> pd.Series:
    dtype = pd.CategoricalDtype(pd.Index(uniques, dtype="str"))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))


def _encoded(
    text: pd.Series, factorized: Factorized | None = None
) -> tuple[pd.Series, Factorized | None]:
    """A text column held as its distinct texts (in order of first appearance) and the
    code of each cell: a pandas ``Categorical`` of ``str`` categories, NA for an empty cell.

    Export columns repeat a few values (codes, dates, yes/no), so a code of one or two
    bytes a cell replaces a string of its own: a tenth of the memory, and each distinct
    text is read once by validation (see ``cdop._identifiers.factorize``). A column of
    mostly distinct texts (an ID) stays ``str``: coding it would only add the codes. Its
    factorisation (given, or computed here) is returned with it, for validation to reuse.
    """
    if isinstance(text.dtype, pd.CategoricalDtype):
        if text.cat.categories.dtype == "str":
            return text, None
        return _categorical(text.cat.codes.to_numpy(), pd.Series(text.cat.categories)), None
    codes, uniques = factorized if factorized is not None else factorize_text(text)
    if _mostly_distinct(len(uniques), len(text)):
        return text, (codes, uniques)
    return _categorical(codes, uniques), None


def _header_lookup(spec: schema.TableSpec, column_map: Mapping[str, str] | None) -> dict[str, str]:
    """Normalised header -> canonical column, the user's map taking precedence."""
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for header in (column.name, *column.headers):
            lookup.setdefault(normalise_key(header), column.name)
    for header, name in (column_map or {}).items():
        if name in spec.column_by_name:
            lookup[normalise_key(header)] = name
    return lookup


def _from_header_body(
    table: schema.TableName,
    label: str,
    header: list[str],
    body: pd.DataFrame,
    column_map: Mapping[str, str] | None,
    issues: list[Issue],
    *,
    csv: bool = False,
    factorized: Mapping[int, Factorized] | None = None,
) -> RawTable:
    spec = schema.TABLES[table]
    issues = list(issues)
    rows = np.arange(2, len(body) + 2, dtype=np.int64)
    lookup = _header_lookup(spec, column_map)
    names: list[str] = []
    headers: dict[str, str] = {}
    seen: dict[str, int] = {}
    keep: list[int] = []
    for position, raw_header in enumerate(header):
        text = str(raw_header).strip()
        if not text:
            if _to_text(body.iloc[:, position]).notna().any():
                issues.append(
                    _issue(
                        table,
                        label,
                        "blank_header",
                        row=1,
                        column=f"column {position + 1}",
                        message=f"{label}, row 1, column {position + 1}: the "
                        "column has values but no header; name it or delete it.",
                    )
                )
                # kept under a name of its own, so that the identifier guard reads its
                # values as it reads every other column's (it is not read otherwise)
                unnamed = f"(no header, column {position + 1})"
                seen[unnamed] = position
                headers[unnamed] = unnamed
                names.append(unnamed)
                keep.append(position)
            continue
        # A heading that is a contract column's own name ("place_of_death") is that
        # column, whatever a mapping reads a heading like it as ("Place of Death" is the
        # detailed place in a case-management export); a map naming it exactly wins.
        own = text.strip()
        if own in spec.column_by_name and own not in (column_map or {}):
            canonical = own
        else:
            canonical = lookup.get(normalise_key(text), text)
        if canonical in seen and canonical not in spec.column_by_name:
            # a second column of a heading the contract does not know ("Notes" twice):
            # not read either way, and still checked for identifiers under its own key
            canonical = f"{canonical} (column {position + 1})"
        if canonical in seen:
            first = headers[canonical]
            issues.append(
                _issue(
                    table,
                    label,
                    "duplicate_column",
                    row=1,
                    column=text,
                    value=text,
                    message=f"{label}, row 1: columns {seen[canonical] + 1} "
                    f"({first!r}) and {position + 1} ({text!r}) both give "
                    f"{canonical!r}; keep one.",
                )
            )
            continue
        seen[canonical] = position
        headers[canonical] = text
        names.append(canonical)
        keep.append(position)
        if canonical == "case_id" and not csv:
            issues.extend(_ids_as_dates(table, label, text, body.iloc[:, position], rows))
    columns: dict[str, pd.Series] = {}
    codes: dict[str, Factorized] = {}
    for name, pos in zip(names, keep, strict=True):
        known = factorized.get(pos) if factorized is not None else None
        column, kept = _encoded(_to_text(body.iloc[:, pos], csv=csv), known)
        columns[name] = column.set_axis(pd.RangeIndex(len(body)))
        if kept is not None:
            codes[name] = kept
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(body)))
    raw = RawTable(
        table=table,
        file=label,
        frame=frame,
        rows=rows,
        headers=headers,
        issues=issues,
        factorized=codes,
    )
    if csv:
        _swallowed_records(raw, len(header))
    return raw


def _ids_as_dates(
    table: schema.TableName, label: str, header: str, cells: pd.Series, rows: np.ndarray
) -> list[Issue]:
    """A warning naming the case IDs a spreadsheet holds as dates or times: it turns an ID
    such as "3-12" or "MAR1" into a date as it is typed or opened, and the ID is then read
    as the date the cell shows, which the other tables' IDs may not match."""
    if cells.dtype != object:
        dated = np.full(len(cells), pd.api.types.is_datetime64_any_dtype(cells.dtype))
    else:
        dated = np.fromiter(
            (hasattr(v, "isoformat") for v in cells.tolist()), dtype=bool, count=len(cells)
        )
    if not dated.any():
        return []
    at = np.flatnonzero(dated)
    listed = ", ".join(str(int(r)) for r in rows[at[:5]])
    more = f" and {len(at) - 5} more" if len(at) > 5 else ""
    return [
        _issue(
            table,
            label,
            "id_as_date",
            severity="warning",
            row=int(rows[at[0]]),
            column=header,
            value=str(_to_text(cells.iloc[at[:1]]).iloc[0]),
            message=f"{label}, column {header!r}: {len(at)} case ID(s) are held as dates or "
            f"times (row(s) {listed}{more}), read as the date shown. A spreadsheet turns an ID "
            'such as "3-12" into a date as it is typed or opened: check that these IDs '
            "match the other tables', and format the column as text before typing IDs.",
        )
    ]


def _swallowed_records(raw: RawTable, width: int) -> None:
    """Report a value holding line breaks and a line shaped like a record (as many
    delimiters as a record has): a quote opened in that field and closed only on a later
    line (by a stray quote, "32" TV") took the records in between into it, and they
    would be lost without a word. The table is then rejected, as for a long row."""
    if width < 3:
        return
    for name in raw.frame.columns:
        found = raw.factorized.get(name)
        if found is None:  # kept: the identifier guard reads the same codes next
            found = raw.factorized[name] = factorize_text(raw.frame[name])
        codes, uniques = found
        broken = uniques.str.contains("[\r\n]", regex=True).to_numpy(dtype=bool, na_value=False)
        for code in np.flatnonzero(broken):
            lines = str(uniques.iloc[code]).splitlines()[1:]
            if not any(max(line.count(d) for d in ",\t;|") >= width - 1 for line in lines):
                continue
            row = int(raw.rows[np.flatnonzero(codes == code)[0]])
            raw.issues.append(
                _issue(
                    raw.table,
                    raw.file,
                    "malformed_row",
                    row=row,
                    column=raw.headers.get(name, name),
                    message=f"{raw.file}, row {row}, column {raw.headers.get(name, name)!r}: "
                    f"the value runs over {len(lines) + 1} lines, some of them shaped like "
                    "records: a quote opened in this field and closed only on a later line "
                    "took the records in between into it. Check the quotes from this row on.",
                )
            )
            return
