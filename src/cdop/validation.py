"""Validation of child death records against the data contract.

:func:`validate` reads every table of a source and returns a :class:`ValidationReport`
with every failure at once, across all tables: one row per failure naming the table,
the file, the row as numbered in the file (header = row 1), the column as headed in
the file, the value, the rule broken and a readable message. It raises only for input
holding direct identifiers (:class:`~cdop.errors.IdentifierError`), which is refused
before anything else is read.

Rules (``rule`` column of the report)
-------------------------------------
File and table: ``missing_source``, ``unsupported_source``, ``missing_table``,
``unsupported_file_type``, ``ambiguous_table``, ``empty_file``, ``wrong_file_type``,
``unreadable_file``, ``malformed_row``, ``no_rows``, ``missing_column``,
``duplicate_column``, ``blank_header``; warnings ``encoding``, ``unknown_column``,
``column_map``, ``blank_row``, ``open_review``, ``line_ends``, ``sheet_not_read``,
``excel_formula``, ``excel_error``, ``merged_cells``, ``title_rows`` (an error in a CSV
file), ``age_unit``, ``ethnicity_letters``, ``totals_row``.
Values: ``required``, ``date_format``, ``integer_format``, ``invalid_code``,
``out_of_range``, ``pattern``, ``future_date``; warnings ``excel_date_serial``, ``date_order``,
``not_recorded``, ``age_in_words``, ``unfit_name``. A broken value of an optional column
is a warning and is read as missing: only a broken required value rejects a record.
Within a record: ``notified_before_death``, ``birth_after_death``, ``age_inconsistent``,
``imd_inconsistent``; warnings ``detail_inconsistent``, ``meeting_after_review``.
Deprivation from a File 1 (warnings): ``lsoa_unmatched``, ``lsoa_vintage``,
``imd_lsoa_mismatch``.
Across records and tables: ``duplicate_id``, ``duplicate_key``,
``review_without_notification``, ``review_before_notification``, ``notification_rejected``,
``factor_domain``, ``factor_without_review``, ``review_rejected``.

Examples
--------
>>> import pandas as pd
>>> import cdop
>>> notifications = pd.DataFrame({
...     "Case ID": ["C1", "C2"], "Date of Death": ["2023-05-01", "2023-06-10"],
...     "Date Notified": ["2023-05-02", "2023-06-01"], "Age at Death (days)": [3, 400],
...     "Gender": ["M", "F"], "Ethnicity": ["White British", "Not stated"]})
>>> reviews = pd.DataFrame({"Case ID": ["C1"], "Date of Review": ["2023-11-20"],
...     "Category of Death": ["Category 8: Perinatal/neonatal event"],
...     "Modifiable Factors": ["No"]})
>>> report = cdop.validate({"notifications": notifications, "reviews": reviews})
>>> report.ok
False
>>> report.errors[["table", "row", "column", "rule"]]
           table  row         column                   rule
0  notifications    1  Date Notified  notified_before_death
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdop import schema
from cdop._codes import normalise_key, parse_category, parse_code, parse_code_list
from cdop._deprivation import Deprivation, other_vintage, read_file1, vintage_of_header
from cdop._identifiers import check_identifiers, factorize
from cdop._issues import KNOCK_ON_RULES, Issue, issues_frame
from cdop._read import RawTable, Source, codes_in_order, load_raw, untabled_files
from cdop._safe import MAX_NAME_LENGTH, check_name
from cdop.errors import CdopArgumentError, IdentifierError
from cdop.profiles import ImportProfile, resolve_profile

__all__ = ["ValidationReport", "validate"]

_N = schema.NOTIFICATIONS
#: The largest whole number held exactly as a floating-point number (2**53).
_EXACT = 2**53
#: Columns whose values are names printed in a chapter's titles, tables and file names.
_NAME_COLUMNS: Final = frozenset({_N.residence_area})


def _fit_name(value: str) -> bool:
    """Whether ``value`` is fit for a name in a report (see :func:`cdop._safe.check_name`)."""
    try:
        check_name(value, "name")
    except (CdopArgumentError, IdentifierError):
        return False
    return True


#: Characters a terminal acts on (C0 and C1 controls, DEL, bidirectional overrides).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    """A control character as its escape: "\\x1b" for ESC."""
    return match.group().encode("unicode_escape").decode("ascii")


_R = schema.REVIEWS
_ISO_SHAPE: Final = r"\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?"
#: What a row of totals holds where the case ID goes ("Total", "Grand total: 40").
_TOTALS_ROW: Final = r"\s*(?:grand\s+|sub-?\s*)?totals?\b"
#: Ages in days all at most this many, over at least so many deaths, look like years.
_YEARS_LIKE_MAX: Final = 17
_YEARS_LIKE_AGES: Final = 20
#: A heading of the age column that says its unit is days ("Age (days)", "age_days").
_DAYS_WORD: Final = re.compile(r"day|\bd\b|dys", re.IGNORECASE)
#: The UTC offset ending a timestamp: "Z", "+01:00", "-0500".
_UTC_OFFSET: Final = (
    r"^(\d{4}-\d{1,2}-\d{1,2})[T ]((?:[01]?\d|2[0-3])(?::[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?)"
    r"\s*(?:Z|[+-]\d\d(?::?\d\d)?)$"
)
_SERIAL_SHAPE: Final = r"\d{5}(?:\.0+)?"
#: A date of two numbers then the year, as "04/13/2017" or "4.13.17 10:15": the numbers,
#: the separator, the year and what follows.
_SLASHED_DATE: Final = r"^(\d{1,2})([/.-])(\d{1,2})[/.-](\d{4}|\d{2})(\s.*)?$"
_DAY_FIRST_FORMATS: Final = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y%m%d",
    "%Y/%m/%d",
    # Two-digit years, read with the C library's pivot: 00-68 are 2000-2068, 69-99 are
    # 1969-1999.
    "%d/%m/%y",
    "%d-%m-%y",
    "%d.%m.%y",
    "%d-%b-%y",
    "%d %b %y",
    "%d-%B-%y",
    "%d %B %y",
)
# An age in words: numbers followed by a unit, e.g. "3 days", "1 year 2 months".
_AGE_UNIT: Final = (
    r"(?:years?|yrs?|y|months?|mths?|mos?|m|weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?)"
)
_AGE_PART: Final = re.compile(rf"(\d+(?:\.\d+)?)\s*({_AGE_UNIT})(?![a-z])", re.IGNORECASE)
_AGE_TEXT: Final = re.compile(
    rf"\s*(?:\d+(?:\.\d+)?\s*{_AGE_UNIT}(?![a-z])\s*(?:,|and|&)?\s*)+(?:old)?\s*",
    re.IGNORECASE,
)
_DAYS_PER_UNIT: Final = {
    "y": 365.25,
    "m": 30.4375,
    "w": 7.0,
    "d": 1.0,
    "h": 1 / 24,
}
_EXCEL_EPOCH: Final = pd.Timestamp("1899-12-30")
#: Day 0 of a workbook saved with the 1904 date system.
_EXCEL_EPOCH_1904: Final = pd.Timestamp("1904-01-01")
# Review dates that say the panel has not met yet (with an import profile's open cases).
_OPEN_MARKERS: Final = (
    schema.MISSING_TOKENS
    | schema.NOT_KNOWN_WORDS
    | {"tbc", "tba", "pending", "not yet held", "not yet reviewed", "awaiting panel", "open"}
)
_EARLIEST: Final = pd.Timestamp("1900-01-01")
_LATEST: Final = pd.Timestamp("2100-12-31")
_DATE_DTYPE: Final = "datetime64[ns]"
_MAX_VALUE_CHARS: Final = 60
_TEXT_DTYPE: Final = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str"


@dataclass(frozen=True)
class ValidationReport:
    """Every failure found in a source, one row per failure.

    Attributes
    ----------
    failures : pandas.DataFrame
        Columns ``severity`` ("error" or "warning"), ``table``, ``file``, ``row`` (as
        numbered in the file, header = row 1; NA for a whole-file failure), ``column`` (as
        headed in the file), ``value``, ``rule`` and ``message``.
    rows_read : Mapping[str, int]
        Records read per table (blank rows are reported, not counted).
    rows_rejected : Mapping[str, int]
        Records per table with at least one error. ``rows_read = accepted + rejected``.
    """

    failures: pd.DataFrame
    rows_read: Mapping[str, int] = field(default_factory=dict)
    rows_rejected: Mapping[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing fails (warnings allowed)."""
        return not bool((self.failures["severity"] == "error").any())

    @property
    def errors(self) -> pd.DataFrame:
        """The failures that reject a record or a file."""
        return self._severity("error")

    @property
    def warnings(self) -> pd.DataFrame:
        """Findings that do not reject anything but deserve a look."""
        return self._severity("warning")

    def _severity(self, severity: str) -> pd.DataFrame:
        return self.failures[self.failures["severity"] == severity].reset_index(drop=True)

    @property
    def rows_accepted(self) -> dict[str, int]:
        """Records accepted per table."""
        return {t: n - self.rows_rejected.get(t, 0) for t, n in self.rows_read.items()}

    def summary_table(self) -> pd.DataFrame:
        """Failures counted by table, column and rule, with one example value.

        One row per severity, table, column and rule: ``rows`` (how many failures),
        ``first_row`` (the first row, as numbered in the file) and ``example`` (one value
        as it appears in the file; "(blank)" for an empty cell). Errors come first, root
        causes before knock-on failures, then the most frequent.

        Examples
        --------
        >>> import pandas as pd
        >>> import cdop
        >>> notes = pd.DataFrame({"case_id": ["A", "B", "C"],
        ...     "date_of_death": ["01/05/2023", "N/A", "31/02/2023"],
        ...     "date_notified": ["02/05/2023"] * 3, "age_at_death_days": ["3 days"] * 3,
        ...     "sex": ["M", "F", "F"], "ethnicity": ["White British"] * 3})
        >>> reviews = pd.DataFrame({"case_id": ["A", "B"], "date_review_completed":
        ...     ["20/11/2023"] * 2, "category": [8, 8], "modifiable_factors": ["No"] * 2})
        >>> report = cdop.validate({"notifications": notes, "reviews": reviews})
        >>> report.summary_table()[["table", "column", "rule", "rows", "example"]]
                   table         column                   rule  rows     example
        0  notifications  date_of_death                required     1         N/A
        1  notifications  date_of_death            date_format     1  31/02/2023
        2        reviews        case_id  notification_rejected     1           B
        """
        failures = self.failures
        columns = ["severity", "table", "column", "rule", "rows", "first_row", "example"]
        if failures.empty:
            return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
        keys = ["severity", "table", "column", "rule"]
        shown = failures.assign(example=failures["value"].fillna("(blank)"))
        grouped = shown.groupby(keys, dropna=False, sort=False)
        table = grouped.agg(
            rows=("rule", "size"), first_row=("row", "min"), example=("example", "first")
        ).reset_index()
        table["first_row"] = table["first_row"].astype("Int64")
        order = np.lexsort(
            (
                -table["rows"].to_numpy(),
                table["rule"].isin(KNOCK_ON_RULES).to_numpy(),
                (table["severity"] != "error").to_numpy(),
            )
        )
        return table.iloc[order].reset_index(drop=True)[columns]

    def summary(self, max_listed: int = 10) -> str:
        """A readable summary: counts per table, failures by column and rule, then the
        first ``max_listed`` failures (root causes first)."""
        errors = self.errors
        warnings = self.warnings
        counts = ", ".join(
            f"{t}: {n} read, {self.rows_rejected.get(t, 0)} rejected"
            for t, n in self.rows_read.items()
        )
        head = f"{len(errors)} error(s) and {len(warnings)} warning(s)" + (
            f" ({counts})" if counts else ""
        )
        if errors.empty and warnings.empty:
            return "No failures. " + counts
        lines = [head + ":"]
        if max_listed > 0:
            lines.append("By table, column and rule:")
            for r in self.summary_table().head(20).itertuples(index=False):
                column = f", column {r.column!r}" if isinstance(r.column, str) else ""
                # a failure of a file or sheet as a whole (no row): no rows, no example
                whole = r.first_row is None or r.first_row is pd.NA
                what = (
                    ("a file or sheet as a whole" if r.rows == 1 else f"{r.rows} files or sheets")
                    if whole
                    else f"{r.rows} row(s), e.g. {_example(str(r.example))}"
                )
                table = str(r.table) if isinstance(r.table, str) and r.table else "source"
                lines.append(f"  {str(r.severity).upper():7} {table}{column}: [{r.rule}] " + what)
            lines.append("First failures:")
        listed = pd.concat([errors, warnings]).head(max_listed)
        lines += [f"  - [{r}] {m}" for r, m in zip(listed["rule"], listed["message"], strict=True)]
        rest = len(errors) + len(warnings) - len(listed)
        if rest > 0 and max_listed > 0:
            lines.append(f"  ... and {rest} more (see the report's failures table).")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        n_errors = int((self.failures["severity"] == "error").sum())
        n_warnings = len(self.failures) - n_errors
        counts = "; ".join(
            f"{t} {n} read, {self.rows_rejected.get(t, 0)} rejected"
            for t, n in self.rows_read.items()
        )
        return f"<ValidationReport: {n_errors} errors, {n_warnings} warnings; {counts}>"

    def _repr_html_(self) -> str:
        from cdop import _display

        n_errors = int((self.failures["severity"] == "error").sum())
        n_warnings = len(self.failures) - n_errors
        verdict = (
            "the data can be read"
            if n_errors == 0
            else "records with errors are rejected (read with strict=False to keep the rest)"
        )
        parts = [
            _display.heading(
                "Validation report",
                f"{n_errors:,} error(s) and {n_warnings:,} warning(s): {verdict}",
            )
        ]
        if self.rows_read:
            parts.append(
                _display.html_table(
                    ("Table", "Records read", "Accepted", "Rejected"),
                    [
                        (
                            t,
                            f"{n:,}",
                            f"{n - self.rows_rejected.get(t, 0):,}",
                            f"{self.rows_rejected.get(t, 0):,}",
                        )
                        for t, n in self.rows_read.items()
                    ],
                )
            )
        if self.failures.empty:
            parts.append(_display.paragraph("No failures.", note=True))
            return _display.block(*parts, kind="validation")
        summary = self.summary_table().head(30)
        parts.append(
            _display.html_table(
                ("Severity", "Table", "Column", "Rule", "Rows", "First row", "Example"),
                [
                    (
                        r.severity,
                        r.table,
                        _blank(r.column),
                        r.rule,
                        r.rows,
                        _blank(r.first_row),
                        _example(str(r.example)),
                    )
                    for r in summary.itertuples(index=False)
                ],
                caption="By table, column and rule (root causes first)",
                align=("left", "left", "left", "left", "right", "right", "left"),
            )
        )
        listed = pd.concat([self.errors, self.warnings]).head(10)
        parts.append(
            _display.html_table(
                ("Table", "Row", "Column", "Value", "What is wrong"),
                [
                    (r.table, _blank(r.row), _blank(r.column), _blank(r.value), r.message)
                    for r in listed.itertuples(index=False)
                ],
                caption=f"First failures ({len(listed)} of {len(self.failures):,}; all in "
                "report.failures)",
                align=("left", "right", "left", "left", "left"),
            )
        )
        return _display.block(*parts, kind="validation")


def _blank(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _example(value: str) -> str:
    return value if value == "(blank)" else repr(value[:_MAX_VALUE_CHARS])


def _spread(per_unique: np.ndarray, codes: np.ndarray, fill: object) -> np.ndarray:
    """Per-row values from per-unique-value ones (``pd.factorize`` codes; -1 gets ``fill``)."""
    if per_unique.dtype == bool and fill is False and not per_unique.any():
        return np.zeros(len(codes), dtype=bool)  # the usual mask: no row fails
    extended = np.append(per_unique, np.array([fill], dtype=per_unique.dtype))
    spread: np.ndarray = extended[codes]
    return spread


def _parse_dates(values: pd.Series, fmt: str) -> pd.Series:
    """Parse text with one format; unparseable or implausible (before 1900, after 2100) -> NaT."""
    try:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        # offsets pandas will not mix, and the like: each value alone, the rest NaT
        parsed = pd.Series(
            [_one_date(v, fmt) for v in values], index=values.index, dtype="datetime64[ns]"
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    plausible = (parsed >= _EARLIEST) & (parsed <= _LATEST)
    result: pd.Series = parsed.where(plausible).astype(_DATE_DTYPE)
    return result


def _one_date(value: object, fmt: str) -> Any:
    """One text as a date of ``fmt`` without a time zone, NaT when it is not one."""
    try:
        found = pd.to_datetime(str(value), format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    if found is pd.NaT or not isinstance(found, pd.Timestamp):
        return pd.NaT
    return found.tz_localize(None) if found.tzinfo is not None else found


def _stripped(codes: np.ndarray, uniques: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Distinct texts without surrounding spaces (merging " A" and "A"); empty -> missing."""
    stripped = uniques.str.strip()
    if stripped.equals(uniques):
        return codes, uniques
    new_codes, found = pd.factorize(stripped.where(stripped != ""))
    per_unique = np.append(np.asarray(new_codes, dtype=np.int64), -1)
    return per_unique[codes], pd.Series(found, dtype="str")


def _arrow_text(values: pd.Series) -> pa.Array:
    """The texts of a ``str`` column as one Arrow array (no copy for Arrow-backed text)."""
    text = pa.array(values.array)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    return text.cast(pa.large_string())


def _from_arrow(texts: pa.Array) -> pd.api.extensions.ExtensionArray:
    """Arrow texts as a pandas ``str`` array, without a copy."""
    result: pd.api.extensions.ExtensionArray = pd.array(texts, dtype=_TEXT_DTYPE)
    return result


def _day_text(dates: pd.Series, mask: np.ndarray) -> pd.Series:
    """Dates as dd/mm/yyyy on the rows of ``mask`` ("" elsewhere): formatting every row of a
    large table would cost more than the check itself."""
    out = pd.Series("", index=dates.index, dtype="str")
    if mask.any():
        out[mask] = dates[mask].dt.strftime("%d/%m/%Y").fillna("")
    return out


def _missing_markers(values: pd.Series, col: schema.Column) -> np.ndarray:
    """Which distinct cell texts of a column mean "no value" ("N/A", "Unknown", ...).

    "Unknown" and its kin stay values in a coded column that has a ``not_stated`` code
    (they map to it); elsewhere they are missing.
    """
    lower = values.str.lower()
    marker = lower.isin(schema.MISSING_TOKENS)
    if not (col.kind == "code" and "not_stated" in col.codes):
        marker |= lower.isin(schema.NOT_KNOWN_WORDS)
    result: np.ndarray = marker.to_numpy(dtype=bool, na_value=False)
    return result


def _text_age(value: str) -> tuple[float, bool] | None:
    """Days of an age in words, and whether it is approximate: months or years, or part
    of a day or week ("0.5 days", "2.5 weeks"), read as the completed days."""
    if not _AGE_TEXT.fullmatch(value):
        return None
    parts = _AGE_PART.findall(value)
    if not parts:
        return None
    whole = 0.0
    rounded_up = 0.0
    approximate = False
    for number, unit in parts:
        key = unit[0].lower()
        if unit.lower().startswith("mi"):
            key = "minute"
        if key == "minute":
            continue
        days = float(number) * _DAYS_PER_UNIT[key]
        if key in ("y", "m"):
            approximate = True
            rounded_up += days
        else:
            # hours are day 0 exactly; a part of a day or week is cut to completed days
            approximate |= key in ("d", "w") and float(number) % 1 != 0
            whole += days
    return math.ceil(rounded_up) + math.floor(whole), approximate


def _text_ages(values: pd.Series, numbers: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers of an age column, with ages in words ("3 days", "5 months") converted.

    A year is 365.25 days and a month 30.4375; months and years are rounded up to the
    first whole day of that age, so that "1 year" falls in "1-4 years" and "11 months"
    in "28-364 days". Hours and minutes count as day 0.
    """
    approximate = np.zeros(len(values), dtype=bool)
    todo = np.flatnonzero(numbers.isna().to_numpy())
    if len(todo) == 0:
        return numbers, approximate
    out = numbers.copy()
    for i in todo:
        parsed = _text_age(str(values.iloc[i]))
        if parsed is not None:
            out.iloc[int(i)] = parsed[0]
            approximate[i] = parsed[1]
    return out, approximate


class _Checker:
    """Checks one raw table, accumulating failures and the rows they reject."""

    def __init__(
        self, raw: RawTable, code_labels: Mapping[str, Mapping[str, str]] | None = None
    ) -> None:
        self.raw = raw
        self.spec = schema.TABLES[raw.table]
        self.frame = raw.frame
        self.n = len(raw.frame)
        self.rejected = np.zeros(self.n, dtype=bool)
        self.chunks: list[pd.DataFrame] = []
        self.single: list[Issue] = list(raw.issues)
        self.out: dict[str, pd.Series] = {}
        # text column -> codes of its rows (-1 for none) and its distinct values as in out
        self.distinct: dict[str, tuple[np.ndarray, pd.Series]] = {}
        self.code_labels: Mapping[str, Mapping[str, str]] = code_labels or {}
        self.approximate_age = np.zeros(self.n, dtype=bool)
        self.month_first: str | None = None
        #: An example of a date only day first and one only month first, when the
        #: table has both (see :meth:`_month_first`).
        self.mixed_order: tuple[str, str] | None = None
        #: Headings an import profile maps (it declares what they hold, unit included).
        self.declared_headings: frozenset[str] = frozenset()
        #: The case IDs of the open cases set aside (see :meth:`set_aside_open_reviews`).
        self.open_cases: frozenset[str] = frozenset()

    def header(self, column: str) -> str:
        return self.raw.headers.get(column, column)

    def label(self, column: str) -> str:
        header = self.header(column)
        return repr(header) if header == column else f"{header!r} ({column})"

    def fail(
        self,
        mask: np.ndarray,
        column: str,
        rule: str,
        problem: str | pd.Series | Callable[[], str | pd.Series],
        *,
        severity: str = "error",
        values: pd.Series | None = None,
    ) -> None:
        """Record a failure of ``rule`` on the rows where ``mask`` is true."""
        positions = np.flatnonzero(mask)
        if len(positions) == 0:
            return
        if severity == "error":
            self.rejected[positions] = True
        source = self.frame[column] if values is None and column in self.frame else values
        if source is None:
            value = pd.Series(pd.NA, index=range(len(positions)), dtype="str")
        else:
            value = source.iloc[positions].astype("str").str.slice(0, _MAX_VALUE_CHARS)
            value = value.reset_index(drop=True)
        rows = pd.Series(self.raw.rows[positions])
        shown = value.fillna("(blank)")
        # control characters written as escapes (\x1b): a message is printed to a
        # terminal, where an escape sequence in a value would act (clear the screen,
        # set the title) instead of being read
        if shown.str.contains(_CONTROL, regex=True).any():
            shown = shown.str.replace(_CONTROL, _escaped, regex=True)
        shown = shown.where(value.isna(), "'" + shown + "'")
        if callable(problem):  # built only when something fails: large tables rarely do
            problem = problem()
        if isinstance(problem, pd.Series):
            problem = problem.iloc[positions].reset_index(drop=True)
        message = (
            f"{self.raw.file}, {self.raw.row_label} " + rows.astype(str) + ", column "
            f"{self.label(column)}: " + shown + " " + problem
        )
        self.chunks.append(
            pd.DataFrame(
                {
                    "severity": severity,
                    "table": self.raw.table,
                    "file": self.raw.file,
                    "row": rows,
                    "column": self.header(column),
                    "value": value,
                    "rule": rule,
                    "message": message,
                }
            )
        )

    def fail_table(
        self, rule: str, message: str, *, column: str | None = None, severity: str = "error"
    ) -> None:
        if severity == "error":
            self.rejected[:] = True
        self.single.append(
            Issue(
                severity,
                self.raw.table,
                self.raw.file,
                1 if column else None,
                column,
                None,
                rule,
                message,
            )
        )

    def text(self, column: str) -> pd.Series | None:
        return self.frame.get(column)

    # -- per-kind parsing ------------------------------------------------------------------
    def parse_columns(self, month_first: str | None = None) -> None:
        """Parse every column; ``month_first``: a month-first date of another table of the
        export, whose dates are then read month first here too unless this table shows
        a day-first date."""
        order = self._month_first()
        self.month_first = month_first if order is None else (order or None)
        for col in self.spec.columns:
            text = self.text(col.name)
            if text is None:
                continue
            codes, uniques = _stripped(*factorize(self.raw, col.name))
            marker = _missing_markers(uniques, col)
            marker_rows = _spread(marker, codes, False)
            missing = (codes < 0) | marker_rows
            if marker.any():
                codes = np.where(marker_rows, -1, codes)
            if col.required:
                self.fail(
                    missing,
                    col.name,
                    "required",
                    f"is missing; {col.name} is required ({col.rule}).",
                )
            elif marker.any():
                self.fail(
                    marker_rows,
                    col.name,
                    "not_recorded",
                    "means no value; read as missing.",
                    severity="warning",
                )
            parse = {
                "date": self._dates,
                "integer": self._integers,
                "code": self._codes,
                "code_list": self._code_lists,
                "string": self._strings,
            }[col.kind]
            self.out[col.name] = parse(col, codes, uniques)
        # The codes worked out while parsing are needed later only for a one-column key
        # (a case ID, matched across tables and checked for duplicates): the others are
        # let go, a column's codes per row weighing as much as a parsed column. A column
        # factorised again later is worked out again from the text read, coded as read.
        keep = set(self.spec.key) if len(self.spec.key) == 1 else set()
        for name in [n for n in self.distinct if n not in keep]:
            del self.distinct[name]
        self.raw.factorized.clear()
        pa.default_memory_pool().release_unused()  # Arrow's buffers of the texts parsed

    def fail_value(self, col: schema.Column, mask: np.ndarray, rule: str, problem: str) -> None:
        """A broken value: an error in a required column, a warning (value dropped) otherwise."""
        if col.required:
            self.fail(mask, col.name, rule, problem)
        else:
            self.fail(mask, col.name, rule, problem + " Read as missing.", severity="warning")

    def _strings(self, col: schema.Column, codes: np.ndarray, values: pd.Series) -> pd.Series:
        if col.pattern is not None:
            upper = values.str.upper()
            matches = upper.str.fullmatch(col.pattern).to_numpy(dtype=bool, na_value=False)
            bad = _spread(~matches, codes, False) & (codes >= 0)
            self.fail_value(col, bad, "pattern", f"is not valid; expected {col.rule}.")
            if bad.any():
                codes = np.where(bad, -1, codes)
            if not upper.equals(values):  # "a1" and "A1" are one value now
                found, merged = pd.factorize(upper)
                codes = _spread(np.asarray(found, dtype=np.int64), codes, -1)
                upper = pd.Series(merged, dtype="str")
            values = upper
        if col.name in _NAME_COLUMNS and len(values):
            # An area's name goes into titles, tables and file names: one holding a
            # control, invisible or direction-changing character, or longer than a name
            # can be, would be printed as it is (an independent hostile-input test had a
            # right-to-left override published in every format).
            unfit = np.array([not _fit_name(str(v)) for v in values.tolist()], dtype=bool)
            if unfit.any():
                bad = _spread(unfit, codes, False) & (codes >= 0)
                self.fail_value(
                    col,
                    bad,
                    "unfit_name",
                    f"is not fit for a name in a report: it is longer than {MAX_NAME_LENGTH} "
                    "characters or holds a control, invisible or direction-changing "
                    "character.",
                )
                codes = np.where(bad, -1, codes)
        self.distinct[col.name] = (codes, values)
        text = self.frame[col.name]
        raw_codes, raw_values = factorize(self.raw, col.name)
        if codes is raw_codes and values is raw_values and text.dtype == "str":
            return text  # every value as read (no space, pattern or marker changed it)
        texts = _arrow_text(values)
        if len(values) == len(codes) and codes_in_order(codes):
            return pd.Series(_from_arrow(texts))  # each value once, in order: no copy
        taken = texts.take(pa.array(codes, mask=codes < 0))
        return pd.Series(_from_arrow(taken))

    def _month_first(self) -> str | None:
        """A date of the table that only a month-first reading makes a date
        ("04/13/2017"), when no date of it is only a date day-first ("13/04/2017"): the
        table's dates are written month-first (a US-locale export), and read so. "" when
        a date is only a date day-first (the contract's order); None when no date tells.

        A table with dates of both kinds keeps the contract's order, and its dates that
        read either way are named (see :meth:`_dates`): ``mixed_order`` holds an example
        of each kind."""
        only_day_first: str | None = None
        only_month_first: str | None = None
        for col in self.spec.columns:
            if col.kind != "date" or self.text(col.name) is None:
                continue
            _, uniques = factorize(self.raw, col.name)
            parts = uniques.str.extract(_SLASHED_DATE)
            if parts.empty:
                continue
            first = pd.to_numeric(parts[0], errors="coerce")
            second = pd.to_numeric(parts[2], errors="coerce")
            day_first = ((first > 12) & (first <= 31) & (second <= 12)).to_numpy(
                dtype=bool, na_value=False
            )
            month_first = ((first <= 12) & (second > 12) & (second <= 31)).to_numpy(
                dtype=bool, na_value=False
            )
            if only_day_first is None and day_first.any():
                only_day_first = str(uniques[day_first].iloc[0])
            if only_month_first is None and month_first.any():
                only_month_first = str(uniques[month_first].iloc[0])
        if only_day_first is not None:
            if only_month_first is not None:
                self.mixed_order = (only_day_first, only_month_first)
            return ""  # a day-first date: the contract's order holds
        return only_month_first

    def _dates(self, col: schema.Column, codes: np.ndarray, values: pd.Series) -> pd.Series:
        swapped = np.zeros(len(values), dtype=bool)
        if self.month_first is not None:
            # month and day exchanged, to be read by the day-first formats
            parts = values.str.extract(_SLASHED_DATE)
            shaped = parts[0].notna().to_numpy()
            if shaped.any():
                turned = parts[2] + parts[1] + parts[0] + parts[1] + parts[3] + parts[4].fillna("")
                values = values.where(~shaped, turned)
                # named: the dates a day-first reading would also take, otherwise
                a, b = pd.to_numeric(parts[0]), pd.to_numeric(parts[2])
                swapped = ((a != b) & (a <= 12) & (b <= 12)).to_numpy(dtype=bool, na_value=False)
        elif self.mixed_order is not None:
            # read day first; named: the dates that read either way
            parts = values.str.extract(_SLASHED_DATE)
            a, b = pd.to_numeric(parts[0]), pd.to_numeric(parts[2])
            swapped = ((a != b) & (a <= 12) & (b <= 12)).to_numpy(dtype=bool, na_value=False)
        parsed = pd.Series(pd.NaT, index=values.index, dtype=_DATE_DTYPE)
        iso = values.str.fullmatch(_ISO_SHAPE).fillna(False).to_numpy(dtype=bool)
        if iso.any():
            # a timestamp with a UTC offset ("2024-04-01T00:00:00+01:00", as exports
            # written through an API give dates) is the date and time as written
            written = values[iso].str.replace(_UTC_OFFSET, r"\1", regex=True)
            parsed[iso] = _parse_dates(written, "ISO8601")
        for fmt in _DAY_FIRST_FORMATS:
            todo = parsed.isna().to_numpy() & ~iso
            if not todo.any():
                break
            parsed[todo] = _parse_dates(values[todo], fmt)
        serial = (parsed.isna() & values.str.fullmatch(_SERIAL_SHAPE).fillna(False)).to_numpy(
            dtype=bool
        )
        if serial.any():
            days = values[serial].astype(float)
            epoch = _EXCEL_EPOCH_1904 if self.raw.date1904 else _EXCEL_EPOCH
            parsed[serial] = epoch + pd.to_timedelta(days, unit="D")
        parsed = parsed.dt.normalize()
        present = codes >= 0
        bad = _spread(parsed.isna().to_numpy(), codes, False) & present
        self.fail_value(
            col,
            bad,
            "date_format",
            "is not a date; expected a day-first or ISO date from 1900 to 2100, such as "
            "31/03/2024, 31-Mar-24 or 2024-03-31.",
        )
        serial_rows = _spread(serial, codes, False) & present
        row_dates = pd.Series(_spread(parsed.to_numpy(), codes, np.datetime64("NaT")))
        turned_rows = _spread(swapped, codes, False) & present & ~bad
        if turned_rows.any() and (self.month_first or self.mixed_order):
            read_as = _day_text(row_dates, turned_rows)
            if self.month_first is not None:
                why = (
                    f"is read month first (the table's dates are month-first, as "
                    f"{self.month_first!r} shows): read as "
                )
                advice = ". Check the export's date setting."
            else:
                day, month = self.mixed_order or ("", "")
                why = (
                    "is read day first, but the table's dates are written both ways "
                    f"({day!r} is day first, {month!r} month first): read as "
                )
                advice = ". Check which order each row was written in."
            self.fail(
                turned_rows,
                col.name,
                "date_order",
                severity="warning",
                problem=lambda: why + read_as + advice,
            )
        if serial_rows.any():
            converted = _day_text(row_dates, serial_rows)
            self.fail(
                serial_rows,
                col.name,
                "excel_date_serial",
                severity="warning",
                problem=lambda: (
                    "is an Excel date number; read as "
                    + converted
                    + (" (the workbook counts dates from 1904)." if self.raw.date1904 else ".")
                ),
            )
        return row_dates.astype(_DATE_DTYPE).where(present & ~bad)

    def _integers(self, col: schema.Column, codes: np.ndarray, values: pd.Series) -> pd.Series:
        approximate = np.zeros(len(values), dtype=bool)
        if col.name == _R.category and self.raw.table == "reviews":
            numbers = pd.Series([parse_category(v) for v in values], dtype="Float64")
            problem = (
                "is not a category of death; expected a code 1 to 10 or a label such "
                "as 'Perinatal/neonatal event' (a code and a label must agree)."
            )
            rule = "invalid_code"
        else:
            plain = values.str.replace(r"(?<=\d),(?=\d{3})", "", regex=True)
            # a power of ten ("1e3", as a spreadsheet may write a number) is not read as
            # a count or an age: it fails as not a whole number
            plain = plain.where(~plain.str.contains(r"\d[eE][+-]?\d", regex=True).fillna(False))
            numbers = pd.to_numeric(plain, errors="coerce").astype("Float64")
            problem = f"is not a whole number; expected {col.rule}."
            rule = "integer_format"
            if col.name == _N.age_at_death_days and self.raw.table == "notifications":
                heading = self.header(col.name)
                declared = normalise_key(heading) in self.declared_headings
                per_row = _spread(numbers.to_numpy(dtype=float, na_value=np.nan), codes, np.nan)
                given = per_row[~np.isnan(per_row)]
                if given.size >= _YEARS_LIKE_AGES and given.max() <= _YEARS_LIKE_MAX:
                    # Every age 17 or under, over many deaths: ages in years (a child
                    # death register holds deaths of 1 to 17 years, of 365 days or more),
                    # whatever the heading says (a profile's heading too)
                    self.fail_table(
                        "age_unit",
                        f"{self.raw.file}, column {heading!r}: every one of its {given.size} "
                        f"plain-number ages is {_YEARS_LIKE_MAX} or under, as ages in years "
                        "would be; they were read as days (the contract's unit), so 15 is 15 "
                        "days. If they are years, write the unit in each cell ('15 years') "
                        "or convert them to days.",
                        column=heading,
                        severity="warning",
                    )
                elif numbers.notna().any() and not declared and not _DAYS_WORD.search(heading):
                    # "Age at Death" holding 15 may mean 15 years: the contract's unit is
                    # days, and a heading that does not say so is worth a look
                    self.fail_table(
                        "age_unit",
                        f"{self.raw.file}, column {heading!r}: the heading does not say the "
                        "unit; its plain numbers were read as days (the contract's unit), so "
                        "15 is 15 days. If they are years or months, write the unit in each "
                        "cell ('15 years') or convert them to days.",
                        column=heading,
                        severity="warning",
                    )
                numbers, approximate = _text_ages(values, numbers)
                problem = (
                    f"is not an age; expected {col.rule}, or an age in words such as "
                    "'3 days', '5 months', '2 years 3 months'."
                )
        whole = (numbers.notna() & (numbers % 1 == 0)).to_numpy(dtype=bool, na_value=False)
        present = codes >= 0
        bad = _spread(~whole, codes, False) & present
        self.fail_value(col, bad, rule, problem)
        out = pd.Series(_spread(numbers.to_numpy(dtype=float, na_value=np.nan), codes, np.nan))
        out = out.where(~bad & present)
        low = -np.inf if col.minimum is None else col.minimum
        high = np.inf if col.maximum is None else col.maximum
        out_range = (out.notna() & ((out < low) | (out > high))).to_numpy()
        self.fail_value(col, out_range, "out_of_range", f"is out of range; expected {col.rule}.")
        # Whole numbers beyond 2**53 are not held exactly (nor, beyond 2**63, at all): no
        # count of births, people or deaths comes near, so such a number is a mistake.
        # (2**53 + 1 reads as 2**53: 2**53 itself is refused, as every larger number is)
        huge = (out.notna() & (out.abs() >= _EXACT) & ~out_range).to_numpy()
        self.fail_value(
            col,
            huge,
            "out_of_range",
            f"is too large to be a count ({_EXACT:,} or more); expected {col.rule}.",
        )
        out_range = out_range | huge
        result = out.where(~out_range).astype("Int64")
        if approximate.any():
            rows = _spread(approximate, codes, False) & ~out_range & ~bad
            self.approximate_age = rows
            self.fail(
                rows,
                col.name,
                "age_in_words",
                lambda: (
                    "is an age in months, years or part days; read as "
                    + result.astype("str").fillna("")
                    + " days, the first whole day of that age (the age group is exact, the "
                    "days are not)."
                ),
                severity="warning",
            )
        return result

    def _codes(self, col: schema.Column, codes: np.ndarray, values: pd.Series) -> pd.Series:
        mapped = np.array([self.parse_code(col.name, v) for v in values], dtype=object)
        known = np.array([m is not None for m in mapped], dtype=bool)
        bad = _spread(~known, codes, False) & (codes >= 0)
        self.fail_value(
            col, bad, "invalid_code", f"is not a recognised value; expected {col.rule}."
        )
        if col.name in (_N.ethnicity, _N.ethnicity_detail):
            # Single letters are NHS ethnic category codes (A White British, M Black
            # Caribbean, ...). A column also holding letters that are not (W, O) writes
            # initials of broad groups instead (A Asian, B Black, M Mixed): the letters
            # read as codes are then most likely wrong.
            letters = values.str.strip().str.len().eq(1).to_numpy(dtype=bool, na_value=False)
            foreign = sorted({str(v).strip().upper() for v in values[letters & ~known]})
            if foreign and (letters & known).any():
                read = _spread(letters & known, codes, False) & (codes >= 0)
                self.fail(
                    read,
                    col.name,
                    "ethnicity_letters",
                    severity="warning",
                    problem=f"is read as an NHS ethnic category code, but the column also "
                    f"holds {', '.join(foreign)}, which are not codes: if its letters are "
                    "initials of broad groups (A for Asian), write the groups' names.",
                )
        position = {code: i for i, code in enumerate(col.codes)}
        per_unique = np.array([-1 if m is None else position[m] for m in mapped], dtype=np.int64)
        row_codes = _spread(per_unique, codes, -1)
        dtype = pd.CategoricalDtype(categories=list(col.codes))
        return pd.Series(pd.Categorical.from_codes(row_codes, dtype=dtype))

    def _code_lists(self, col: schema.Column, codes: np.ndarray, values: pd.Series) -> pd.Series:
        mapped = np.array([parse_code_list(col.name, v) for v in values], dtype=object)
        known = np.array([m is not None for m in mapped], dtype=bool)
        bad = _spread(~known, codes, False) & (codes >= 0)
        self.fail_value(
            col, bad, "invalid_code", f"is not a recognised list of values; expected {col.rule}."
        )
        uniques = pd.array(mapped, dtype="str")
        taken = uniques.take(np.where(codes >= 0, codes, -1), allow_fill=True)
        return pd.Series(taken)

    def parse_code(self, column: str, value: str) -> str | None:
        extra = self.code_labels.get(column)
        if extra:
            hit = extra.get(normalise_key(value))
            if hit is not None:
                return hit
        return parse_code(column, value)

    # -- structure ---------------------------------------------------------------------------
    def check_structure(self) -> bool:
        """Missing and unknown columns, blank rows; False when the table cannot be checked."""
        if any(i.severity == "error" for i in self.single):
            self.rejected[:] = True
            return False
        known = set(self.spec.names)
        extra = [c for c in self.frame.columns if c not in known]
        for column in extra:
            self.single.append(
                Issue(
                    "warning",
                    self.raw.table,
                    self.raw.file,
                    1,
                    column,
                    None,
                    "unknown_column",
                    f"{self.raw.file}, row 1: column {column!r} is not part of the "
                    f"{self.raw.table} "
                    "contract; it was checked for identifiers and dropped. Map it with a "
                    "column map if it is a contract column under another name.",
                )
            )
        missing = [c for c in self.spec.columns if c.required and c.name not in self.frame]
        if self.raw.table == "notifications":
            dob = _N.date_of_birth in self.frame
            missing = [c for c in missing if not (c.name == _N.age_at_death_days and dob)]
        if self.raw.table == "notifications" and _N.ethnicity_detail in self.frame:
            missing = [c for c in missing if c.name != _N.ethnicity]
        if self.raw.table == "births" and _N.imd_decile in self.frame:
            missing = [c for c in missing if c.name != schema.BIRTHS.imd_quintile]
        for col in missing:
            aliases = ", ".join(repr(h) for h in col.headers[:4])
            self.fail_table(
                "missing_column",
                f"{self.raw.file}: required column {col.name!r} is missing "
                f"(headers recognised for it: {aliases}; or pass column_map). "
                f"Columns found: {', '.join(map(repr, self.raw.headers.values()))}.",
                column=col.name,
            )
        if missing:
            return False
        blank = self.frame.isna().all(axis=1).to_numpy() if self.n else np.zeros(0, bool)
        if blank.any():
            rows = self.raw.rows[blank]
            for row in rows[:20]:
                self.warn_row(
                    int(row),
                    None,
                    None,
                    "blank_row",
                    f"{self.raw.file}, {self.raw.row_label} {row}: the row is blank; skipped.",
                )
            if len(rows) > 20:
                self.single.append(
                    Issue(
                        "warning",
                        self.raw.table,
                        self.raw.file,
                        None,
                        None,
                        None,
                        "blank_row",
                        f"{self.raw.file}: {len(rows) - 20} more blank rows skipped.",
                    )
                )
            self.set_aside(blank)
        self._set_aside_totals()
        if self.n == 0 and self.raw.table == "notifications":
            self.fail_table(
                "no_rows",
                f"{self.raw.file}: the file has a header but no "
                "records; expected one row per child death notified.",
            )
            return False
        if self.n == 0 and self.raw.table in ("reviews", "factors") and self.raw.sha256:
            # A file of reviews with its headings and no record: an export that came out
            # empty, more often than a panel that has completed no review. The chapter
            # would say none was completed and every case open.
            self.warn_row(
                None,
                None,
                None,
                "no_rows",
                f"{self.raw.file}: the file has a header but no records; the chapter will "
                f"count no {self.raw.table} at all. Check that the export is complete.",
            )
        return True

    def warn_row(
        self, row: int | None, column: str | None, value: str | None, rule: str, message: str
    ) -> None:
        """A warning about one row of the table as read (or the table, row None)."""
        self.single.append(
            Issue("warning", self.raw.table, self.raw.file, row, column, value, rule, message)
        )

    def _set_aside_totals(self) -> None:
        """Leave out a totals row at the foot of a sheet ("Total", "Total: 40" where the
        case ID goes, no dates): not a record, named in a warning."""
        key = "case_id"
        dates = [c.name for c in self.spec.columns if c.kind == "date" and c.required]
        if key not in self.frame or not dates or not self.n:
            return
        rows = np.ones(self.n, dtype=bool)
        for date in dates:
            if date in self.frame:
                rows &= self.frame[date].isna().to_numpy()
        if not rows.any():
            return  # every record has a date: the common case, decided without the IDs
        candidates = np.flatnonzero(rows)
        ids = self.frame[key].iloc[candidates].astype("str")
        rows[candidates] = (
            ids.str.lower().str.match(_TOTALS_ROW).to_numpy(dtype=bool, na_value=False)
        )
        if not rows.any():
            return
        for row, value in zip(self.raw.rows[rows], self.frame[key][rows], strict=True):
            self.warn_row(
                int(row),
                key,
                str(value),
                "totals_row",
                f"{self.raw.file}, {self.raw.row_label} {row}: {str(value)!r} in the case "
                "ID column, with no dates: a row of totals, not a record; skipped.",
            )
        self.set_aside(rows)

    def set_aside(self, mask: np.ndarray) -> None:
        """Leave out rows that are not records (blank rows, open cases) before any check."""
        self.frame = self.frame[~mask].reset_index(drop=True)
        cache = {k: (codes[~mask], u) for k, (codes, u) in self.raw.factorized.items()}
        self.raw = RawTable(
            self.raw.table,
            self.raw.file,
            self.frame,
            self.raw.rows[~mask],
            self.raw.headers,
            [],
            self.raw.sha256,
            self.raw.row_label,
            cache,
        )
        self.n = len(self.frame)
        self.rejected = np.zeros(self.n, dtype=bool)
        self.approximate_age = np.zeros(self.n, dtype=bool)

    def set_aside_open_reviews(self) -> None:
        """Analysis rows without a review date are open cases, not completed reviews."""
        text = self.text(_R.date_review_completed)
        if text is None or self.n == 0:
            return
        lower = text.str.lower()
        no_date = (text.isna() | lower.isin(_OPEN_MARKERS)).to_numpy(dtype=bool)
        if not no_date.any():
            return
        self.fail(
            no_date,
            _R.date_review_completed,
            "open_review",
            "means the panel has not reviewed the case yet: the row is read as an open "
            "case, not a completed review.",
            severity="warning",
        )
        ids = self.text(_R.case_id)
        if ids is not None:
            written = ids.str.strip()
            completed = set(written[~no_date].dropna())
            self.open_cases = frozenset(set(written[no_date].dropna()) - completed)
        self.set_aside(no_date)

    def set_aside_factors_of_open_cases(self, open_cases: frozenset[str]) -> None:
        """Factors recorded for an open case (see :meth:`set_aside_open_reviews`) are set
        aside with it, each named in a warning: they belong to a review not completed."""
        ids = self.text(schema.FACTORS.case_id)
        if ids is None or self.n == 0 or not open_cases:
            return
        mask = ids.str.strip().isin(open_cases).to_numpy(dtype=bool)
        if not mask.any():
            return
        self.fail(
            mask,
            schema.FACTORS.case_id,
            "open_review",
            "is an open case (its analysis row has no review date): its factors are set "
            "aside with it until the review is completed.",
            severity="warning",
        )
        self.set_aside(mask)

    def check_duplicates(self, key: list[str], rule: str, what: str) -> None:
        present = [k for k in key if k in self.out]
        if not present or self.n == 0:
            return
        keys = pd.DataFrame({k: self.out[k] for k in present})
        folded: np.ndarray | None = None
        if len(present) == 1 and present[0] in self.distinct:  # counted by code: no hashing
            codes, values = self.distinct[present[0]]
            # IDs differing only in letter case ("NM17-0012", "nm17-0012") are one case
            text = _arrow_text(values)
            # two IDs can differ only in case only if the IDs hold both cases
            mixed = (
                pc.any(pc.match_substring_regex(text, "[a-z]")).as_py()
                and pc.any(pc.match_substring_regex(text, "[A-Z]")).as_py()
            )
            lowered = pc.utf8_lower(text) if mixed else None
            if lowered is not None and pc.count_distinct(lowered).as_py() < len(values):
                same, _ = pd.factorize(pd.Series(lowered.to_pylist(), dtype="str"))
                per_unique = np.append(np.asarray(same, dtype=np.int64), -1)
                folded = per_unique[codes]  # codes of -1 read the last slot
            else:
                folded = codes
            counts = np.bincount(folded[folded >= 0], minlength=len(values))
            dup = _spread(counts > 1, folded, False)
        else:
            required = [k for k in present if self.spec.column_by_name[k].required]
            complete = keys[required].notna().all(axis=1).to_numpy()
            dup = keys.duplicated(keep=False).to_numpy() & complete
        if not dup.any():
            return
        if folded is not None:
            group_id = pd.factorize(folded[dup])[0]
        else:
            group_id = (
                keys[dup]
                .groupby(present, sort=False, dropna=False, observed=True)
                .ngroup()
                .to_numpy()
            )
        listed = (
            pd.Series(self.raw.rows[dup])
            .groupby(group_id)
            .transform(lambda r: ", ".join(map(str, r.iloc[:10])))
        )
        problem = pd.Series("", index=range(self.n), dtype="str").mask(
            pd.Series(dup),
            pd.Series(
                "is duplicated: " + what + " must be unique (rows " + listed.to_numpy() + ").",
                index=np.flatnonzero(dup),
            ),
        )
        shown = keys.astype(object).where(keys.notna(), "").astype(str)
        self.fail(dup, present[0], rule, problem, values=shown.agg(" / ".join, axis=1))

    def future(self, column: str, today: pd.Timestamp) -> None:
        if column in self.out:
            self.fail(
                (self.out[column] > today).to_numpy(dtype=bool, na_value=False),
                column,
                "future_date",
                f"is in the future (after {today:%d/%m/%Y}).",
            )

    def issues(self) -> tuple[list[Issue], list[pd.DataFrame]]:
        return self.single, self.chunks


def _apply_deprivation(c: _Checker, dep: Deprivation) -> None:
    """IMD decile from each LSOA code in a File 1; unmatched codes and vintages by row."""
    codes = c.out.get(_N.lsoa_code)
    if codes is None:
        c.fail_table(
            "lsoa_unmatched",
            f"{c.raw.file}: a deprivation file was given but the table has no LSOA code "
            "column, so no decile was derived.",
            severity="warning",
        )
        return
    present = codes.notna().to_numpy()
    declared = vintage_of_header(c.header(_N.lsoa_code))
    derived = pd.Series(pd.NA, index=codes.index, dtype="Int64")
    if declared is not None and declared != dep.vintage:
        c.fail(
            present,
            _N.lsoa_code,
            "lsoa_vintage",
            f"is a {declared} LSOA code (the column says so) but {dep.file} is "
            f"{dep.edition}; no decile derived. Give the File 1 of the matching edition.",
            severity="warning",
        )
    else:
        derived = codes.map(dep.deciles).astype("Int64")
        unmatched = present & derived.isna().to_numpy()
        other = unmatched & other_vintage(codes.fillna(""), dep.vintage)
        c.fail(
            other,
            _N.lsoa_code,
            "lsoa_vintage",
            f"is not in {dep.file} and is a {2021 if dep.vintage == 2011 else 2011} LSOA "
            f"code, while the file is {dep.edition}; no decile derived.",
            severity="warning",
        )
        c.fail(
            unmatched & ~other,
            _N.lsoa_code,
            "lsoa_unmatched",
            f"is not in {dep.file} ({dep.edition}); no decile derived.",
            severity="warning",
        )
    given = c.out.get(_N.imd_decile)
    if given is not None:
        differs = (given.notna() & derived.notna() & (given != derived)).to_numpy(
            dtype=bool, na_value=False
        )
        c.fail(
            differs,
            _N.imd_decile,
            "imd_lsoa_mismatch",
            lambda: (
                "differs from the decile of the LSOA in "
                + dep.file
                + ", "
                + derived.astype("str").fillna("")
                + "; the file's decile is used."
            ),
            severity="warning",
        )
        derived = derived.where(derived.notna(), given)
    c.out[_N.imd_decile] = derived
    quintile = c.out.get(_N.imd_quintile)
    if quintile is not None:  # the quintile follows the file's decile where there is one
        c.out[_N.imd_quintile] = quintile.where(derived.isna())


def _check_notifications(
    c: _Checker, today: pd.Timestamp, deprivation: Deprivation | None = None
) -> None:
    out = c.out
    dod, notified = out.get(_N.date_of_death), out.get(_N.date_notified)
    c.future(_N.date_of_death, today)
    c.future(_N.date_notified, today)
    if dod is not None and notified is not None:
        early = (notified < dod).to_numpy(dtype=bool, na_value=False)
        c.fail(
            early,
            _N.date_notified,
            "notified_before_death",
            lambda: (
                "is before the date of death "
                + _day_text(dod, early)
                + "; a death is notified on or after the day it happens."
            ),
        )
    dob = out.pop(_N.date_of_birth, None)
    if dob is not None and dod is not None:
        days = (dod - dob).dt.days.astype("Int64")
        c.fail(
            (days < 0).to_numpy(dtype=bool, na_value=False),
            _N.date_of_birth,
            "birth_after_death",
            "is after the date of death.",
        )
        age = out.get(_N.age_at_death_days)
        if age is None:
            too_old = (days >= schema.MAX_AGE_DAYS).to_numpy(dtype=bool, na_value=False)
            c.fail(
                too_old,
                _N.date_of_birth,
                "out_of_range",
                "gives an age at death of 18 years or more; only deaths before the 18th "
                "birthday are reviewed.",
            )
            # without an age column the date of birth gives the age: a record without
            # one (blank, or not a date) has no age, which is required
            no_age = days.isna().to_numpy() & ~c.rejected
            c.fail(
                no_age,
                _N.date_of_birth,
                "required",
                "gives no age at death; with no age_at_death_days column, the date of "
                "birth is required (it gives the age).",
            )
            out[_N.age_at_death_days] = days.where((days >= 0) & ~too_old)
        else:
            differs = (age != days).to_numpy(dtype=bool, na_value=False)
            approximate = (
                c.approximate_age if len(c.approximate_age) == c.n else np.zeros(c.n, bool)
            )
            differs &= ~approximate
            # An age in months or years is the first day of that age: the dates are exact.
            age = age.where(~pd.Series(approximate & days.notna().to_numpy()), days)
            c.fail(
                differs,
                _N.age_at_death_days,
                "age_inconsistent",
                lambda: (
                    "does not match the dates: date of death minus date of birth is "
                    + days.astype(str)
                    + " days."
                ),
            )
            missing_age = age.isna() & days.notna() & (days >= 0)
            out[_N.age_at_death_days] = age.where(~missing_age, days)
        c.frame = c.frame.drop(columns=[_N.date_of_birth])
    if deprivation is not None:
        _apply_deprivation(c, deprivation)
    decile, quintile = out.get(_N.imd_decile), out.get(_N.imd_quintile)
    _derive_quintile(c, decile, quintile, required=False)
    if _N.ethnicity_detail not in out:
        _detail_from_broad(c)
    _roll_up(c, _N.ethnicity_detail, _N.ethnicity, schema.ETHNICITY_DETAIL_ROLLUP)
    _roll_up(c, _N.place_of_death_detail, _N.place_of_death, schema.PLACE_DETAIL_ROLLUP)


def _detail_from_broad(c: _Checker) -> None:
    """Census groups written in the ethnicity column ("Asian or Asian British: Pakistani")
    also give ``ethnicity_detail``; a broad label ("Asian", "Other") gives no detail."""
    broad = c.out.get(_N.ethnicity)
    if broad is None or _N.ethnicity not in c.frame:
        return
    codes, uniques = _stripped(*factorize(c.raw, _N.ethnicity))
    details = [
        None if normalise_key(text) == "other" else parse_code(_N.ethnicity_detail, text)
        for text in uniques
    ]
    if not any(details):
        return
    categories = list(schema.ETHNICITY_DETAIL_CODES)
    per_unique = np.array(
        [-1 if d is None else categories.index(d) for d in details] + [-1], dtype=np.int64
    )
    row_codes = per_unique[codes]
    # Keep a detail only where it rolls up to the broad group read from the same cell.
    rolled = np.array(
        [list(schema.ETHNICITY_CODES).index(schema.ETHNICITY_DETAIL_ROLLUP[d]) for d in categories]
        + [-1],
        dtype=np.int64,
    )
    agrees = rolled[row_codes] == broad.cat.codes.to_numpy()
    row_codes = np.where(agrees, row_codes, -1)
    dtype = pd.CategoricalDtype(categories=categories)
    c.out[_N.ethnicity_detail] = pd.Series(pd.Categorical.from_codes(row_codes, dtype=dtype))


def _roll_up(c: _Checker, detail: str, broad: str, rollup: Mapping[str, str]) -> None:
    """Fill a broad coded column from its detailed one; warn where the two disagree."""
    detailed = c.out.get(detail)
    if detailed is None:
        return
    spec = c.spec.column_by_name[broad]
    # Category codes of the detail -> category codes of the broad column, by array lookup.
    lookup = np.array(
        [spec.codes.index(rollup[d]) for d in detailed.cat.categories] + [-1], dtype=np.int64
    )
    dtype = pd.CategoricalDtype(categories=list(spec.codes))
    derived = pd.Series(
        pd.Categorical.from_codes(lookup[detailed.cat.codes.to_numpy()], dtype=dtype)
    )
    given = c.out.get(broad)
    if given is None:
        c.out[broad] = derived
        # the broad column is required: with only the detail given, a blank (or
        # unreadable) detail leaves it unknown, as "not known" written would
        c.fail(
            derived.isna().to_numpy(),
            broad,
            "not_recorded",
            f"is not given: there is no {broad} column and {detail} is blank or not read; "
            "counted as not stated.",
            severity="warning",
        )
        return
    given_codes = given.cat.codes.to_numpy()
    derived_codes = derived.cat.codes.to_numpy()
    mask = (given_codes >= 0) & (derived_codes >= 0) & (given_codes != derived_codes)
    c.fail(
        mask,
        detail,
        "detail_inconsistent",
        lambda: (
            "does not belong to the "
            + broad
            + " given, "
            + given.astype(object).fillna("").astype(str)
            + f"; {detail} read as missing."
        ),
        severity="warning",
    )
    kept = np.where(mask, -1, detailed.cat.codes.to_numpy())
    detail_dtype = pd.CategoricalDtype(categories=list(detailed.cat.categories))
    c.out[detail] = pd.Series(pd.Categorical.from_codes(kept, dtype=detail_dtype))
    c.out[broad] = pd.Series(
        pd.Categorical.from_codes(
            np.where(given_codes >= 0, given_codes, derived_codes), dtype=dtype
        )
    )


def _derive_quintile(
    c: _Checker, decile: pd.Series | None, quintile: pd.Series | None, *, required: bool
) -> None:
    if decile is None:
        return
    derived = (decile + 1) // 2
    if quintile is None:
        c.out[_N.imd_quintile] = derived
        return
    differs = (quintile != derived).to_numpy(dtype=bool, na_value=False)

    def problem(end: str = "") -> Callable[[], pd.Series]:
        return lambda: (
            "does not match the IMD decile " + decile.astype(str) + " (deciles 1-2 are "
            "quintile 1, ..., 9-10 are quintile 5)." + end
        )

    if required:
        c.fail(differs, _N.imd_quintile, "imd_inconsistent", problem())
        c.out[_N.imd_quintile] = quintile.where(quintile.notna(), derived)
        return
    c.fail(
        differs,
        _N.imd_quintile,
        "imd_inconsistent",
        problem(" Both are read as missing."),
        severity="warning",
    )
    keep = pd.Series(~differs)
    c.out[_N.imd_decile] = decile.where(keep)
    c.out[_N.imd_quintile] = quintile.where(quintile.notna(), derived).where(keep)


def _age_group(days: pd.Series) -> pd.Series:
    bins = [*schema.AGE_GROUP_BOUNDS_DAYS, schema.MAX_AGE_DAYS]
    groups = pd.cut(days.astype(float), bins=bins, right=False, labels=list(schema.AGE_GROUPS))
    return pd.Series(pd.Categorical(groups, categories=list(schema.AGE_GROUPS), ordered=True))


def _assemble(c: _Checker) -> pd.DataFrame:
    """The accepted records of one table, typed, in contract order, extras after."""
    keep = ~c.rejected
    all_kept = bool(keep.all())
    columns: dict[str, pd.Series] = {}
    for col in c.spec.columns:
        if col.name == _N.date_of_birth:
            continue
        if col.name in c.out:
            series = c.out.pop(col.name)  # handed over: held once, not twice
        elif col.kind == "date":
            series = pd.Series(pd.NaT, index=range(c.n), dtype=_DATE_DTYPE)
        elif col.kind == "integer":
            series = pd.Series(pd.NA, index=range(c.n), dtype="Int64")
        elif col.kind == "code":
            series = pd.Series(pd.Categorical([None] * c.n, categories=list(col.codes)))
        else:
            series = pd.Series(pd.NA, index=range(c.n), dtype="str")
        if not all_kept:
            series = series[keep].reset_index(drop=True)
        if col.required and col.kind == "integer":
            series = series.astype("int64")
        columns[col.name] = series
    # The columns are new and owned here: no copy of them, and no consolidation.
    frame = pd.DataFrame(columns, copy=False)
    if c.raw.table == "notifications":
        frame[schema.DERIVED.age_group] = _age_group(frame[_N.age_at_death_days])
    if c.raw.table == "reviews":
        # The label of each code by array look-up: no text per row, no hashing of texts.
        codes = pd.Index(list(schema.CATEGORY_LABELS)).get_indexer(pd.Index(frame[_R.category]))
        labels = pd.CategoricalDtype(list(schema.CATEGORY_LABELS.values()), ordered=True)
        frame[schema.DERIVED.category_label] = pd.Categorical.from_codes(codes, dtype=labels)
    if c.raw.table == "population":
        frame[schema.POPULATION.age_group] = frame[schema.POPULATION.age_group].cat.set_categories(
            list(schema.POPULATION_AGE_GROUPS), ordered=True
        )
    if c.raw.table == "factors":
        frame[schema.DERIVED.factor_label] = pd.Categorical(
            frame[schema.FACTORS.factor].astype(object).map(schema.FACTOR_LABELS),
            categories=list(schema.FACTOR_LABELS.values()),
        )
    return frame


@dataclass(frozen=True)
class Checked:
    """Outcome of checking a source: accepted tables, rejected records and the report."""

    tables: dict[schema.TableName, pd.DataFrame]
    rejected: pd.DataFrame
    report: ValidationReport
    files: dict[str, str]
    checksums: dict[str, str]  # file -> SHA-256 of its bytes (files only)


def check_source(
    source: Source,
    *,
    column_map: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    profile: ImportProfile | None = None,
    deprivation: Deprivation | None = None,
) -> Checked:
    """Read and check every table of ``source`` (the engine behind validate and read_dataset)."""
    from cdop._safe import as_date

    today = as_date(today, "today")
    if column_map is not None and not isinstance(column_map, Mapping):
        raise CdopArgumentError(
            "column_map: expected a mapping of export header to column name (a dict such "
            f'as {{"Case ID": "case_id"}}), got {type(column_map).__name__}'
        )
    if not isinstance(source, (str, Path, Mapping)) and not isinstance(source, os.PathLike):
        raise CdopArgumentError(
            "source: expected a folder, an Excel workbook (a path) or a mapping of table "
            f"name to DataFrame, got {type(source).__name__}"
        )
    if profile is not None:
        column_map = {**profile.columns, **(column_map or {})}
    raw_tables, source_issues = load_raw(
        source, column_map, profile.sheet_tables() if profile is not None else None
    )
    code_labels = profile.code_labels() if profile is not None else None
    check_identifiers(raw_tables.values())
    now = pd.Timestamp(today if today is not None else dt.date.today())
    passed_over = ""
    if not {"notifications", "reviews"} <= set(raw_tables):
        others = untabled_files(source, profile.sheet_tables() if profile is not None else None)
        workbooks = [name for name in others if Path(name).suffix.lower() in (".xlsx", ".xlsm")]
        if others:
            passed_over = (
                f" The folder holds {', '.join(others[:5])}{', ...' if len(others) > 5 else ''}"
                ", not named after a table, so not read"
                + (
                    f"; to read a workbook's sheets, give the workbook itself "
                    f"({Path(str(source), workbooks[0])})"
                    if workbooks
                    else ""
                )
                + "; or rename the file after its table."
            )
    for table in ("notifications", "reviews"):
        if table not in raw_tables and not any(i.table == table for i in source_issues):
            source_issues.append(
                Issue(
                    "error",
                    table,
                    str(source) if not isinstance(source, Mapping) else "<data>",
                    None,
                    None,
                    None,
                    "missing_table",
                    f"No {table} table was found: expected a file named {table}.csv, "
                    f"{table}.xlsx or {table}.parquet (or a sheet or mapping key '{table}')."
                    + passed_over,
                )
            )
    checkers: dict[schema.TableName, _Checker] = {}
    usable: dict[schema.TableName, bool] = {}
    for table in schema.TABLES:
        if table not in raw_tables:
            continue
        checker = _Checker(raw_tables[table], code_labels)
        if profile is not None:
            checker.declared_headings = frozenset(normalise_key(h) for h in profile.columns)
        checkers[table] = checker
        usable[table] = checker.check_structure()
        if usable[table] and table == "reviews" and profile is not None and profile.open_reviews:
            checker.set_aside_open_reviews()
        if usable[table] and table == "factors" and "reviews" in checkers:
            checker.set_aside_factors_of_open_cases(checkers["reviews"].open_cases)
        if usable[table]:
            # an export's tables share its date setting: month-first notifications make
            # reviews whose dates do not tell month-first too
            told = checkers["notifications"].month_first if "notifications" in checkers else None
            checker.parse_columns(told)
    if usable.get("notifications"):
        c = checkers["notifications"]
        _check_notifications(c, now, deprivation)
        c.check_duplicates([_N.case_id], "duplicate_id", "case_id")
    if usable.get("reviews"):
        c = checkers["reviews"]
        c.future(_R.date_review_completed, now)
        c.check_duplicates([_R.case_id], "duplicate_id", "case_id")
        _check_reviews_against(c, checkers.get("notifications"), usable.get("notifications"))
        _check_meeting(c)
    if usable.get("births"):
        c = checkers["births"]
        _derive_quintile(
            c,
            c.out.get(schema.BIRTHS.imd_decile),
            c.out.get(schema.BIRTHS.imd_quintile),
            required=True,
        )
        c.check_duplicates(
            [
                schema.BIRTHS.year,
                schema.BIRTHS.imd_quintile,
                schema.BIRTHS.imd_decile,
                schema.BIRTHS.residence_area,
            ],
            "duplicate_key",
            "year, deprivation group and area",
        )
    if usable.get("factors"):
        _check_factors(checkers["factors"], checkers.get("reviews"), usable.get("reviews"))
    if usable.get("population"):
        c = checkers["population"]
        c.check_duplicates(
            list(schema.TABLES["population"].key), "duplicate_key", "year, age group, sex and area"
        )
    if usable.get("notifications"):
        denominators: schema.TableName
        for denominators in ("births", "population"):
            if usable.get(denominators):
                _check_areas_match(checkers["notifications"], checkers[denominators])
    singles: list[Issue] = list(source_issues)
    chunks: list[pd.DataFrame] = []
    tables: dict[schema.TableName, pd.DataFrame] = {}
    for table, c in checkers.items():
        single, chunk = c.issues()
        singles.extend(single)
        chunks.extend(chunk)
        if usable[table]:
            tables[table] = _assemble(c)
    failures = issues_frame(singles, chunks)
    rejected_parts = [_rejected_records(c, failures) for c in checkers.values()]
    rejected = pd.concat([_rejected_records(None, failures), *rejected_parts], ignore_index=True)
    report = ValidationReport(
        failures=failures,
        rows_read={t: c.n for t, c in checkers.items()},
        rows_rejected={t: int(c.rejected.sum()) for t, c in checkers.items()},
    )
    return Checked(
        tables=tables,
        rejected=rejected,
        report=report,
        files={t: c.raw.file for t, c in checkers.items()}
        | ({"deprivation": deprivation.file} if deprivation is not None else {}),
        checksums={r.file: r.sha256 for r in raw_tables.values() if r.sha256}
        | ({deprivation.file: deprivation.sha256} if deprivation is not None else {}),
    )


def _check_reviews_against(
    c: _Checker, notifications: _Checker | None, usable: bool | None
) -> None:
    if notifications is None or not usable or _R.case_id not in c.out:
        return
    n_ids = notifications.out.get(_N.case_id)
    if n_ids is None:
        return
    ok = ~notifications.rejected  # accepted ids are unique: duplicates are rejected
    ids = c.out[_R.case_id]
    # The distinct ids of each table, matched once, turn every look-up into array indexing.
    n_codes, r_codes, uniques = _shared_codes(
        notifications.distinct.get(_N.case_id), c.distinct.get(_R.case_id), n_ids, ids
    )
    present = r_codes >= 0
    notified_at = np.full(uniques + 1, -1, dtype=np.int64)  # last slot: missing id
    notified_at[n_codes[n_codes >= 0]] = len(n_ids)  # any notification, accepted or not
    accepted = ok & (n_codes >= 0)
    notified_at[n_codes[accepted]] = np.flatnonzero(accepted)
    position = notified_at[r_codes]  # r_codes of -1 read the missing slot
    known = position >= 0
    valid = (position >= 0) & (position < len(n_ids))
    dates = notifications.out[_N.date_notified].to_numpy(dtype="datetime64[ns]")
    notified_values = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[ns]")
    notified_values[valid] = dates[position[valid]]
    notified = pd.Series(notified_values)
    unmatched = present & ~known
    problem: str | pd.Series = (
        f"has no notification; every review must match a case_id in {notifications.raw.file}."
    )
    if unmatched.any():
        # a notification whose ID differs only in letter case, in leading zeros a
        # spreadsheet dropped, or by a spreadsheet's ="..." text wrapper is named
        written = n_ids[n_ids.notna()].astype(str)
        by_folded = dict(zip(written.map(_id_key), written, strict=True))
        lost = ids[unmatched].astype(str)
        near = lost.map(_id_key).map(by_folded)
        if near.notna().any():
            how = [
                "" if not isinstance(other, str) else _id_difference(mine, other)
                for mine, other in zip(lost, near, strict=True)
            ]
            hint = pd.Series(
                [
                    f" (notification {other!r} differs only {differs})"
                    if isinstance(other, str)
                    else ""
                    for other, differs in zip(near, how, strict=True)
                ],
                index=near.index,
                dtype="str",
            )
            message = pd.Series("", index=range(len(ids)), dtype="str")
            message[np.flatnonzero(unmatched)] = (
                "has no notification" + hint.to_numpy() + "; every review must match a "
                f"case_id in {notifications.raw.file}."
            )
            problem = message
    c.fail(unmatched, _R.case_id, "review_without_notification", problem)
    c.fail(
        present & known & ~valid,
        _R.case_id,
        "notification_rejected",
        f"matches a notification that was rejected (see {notifications.raw.file}); the "
        "review is rejected with it.",
    )
    done = c.out.get(_R.date_review_completed)
    if done is not None:
        early = (done < notified).to_numpy(dtype=bool, na_value=False)
        c.fail(
            early,
            _R.date_review_completed,
            "review_before_notification",
            lambda: (
                "is before the case's date notified "
                + _day_text(notified, early)
                + "; a review is completed after notification."
            ),
        )


def _shared_codes(
    left: tuple[np.ndarray, pd.Series] | None,
    right: tuple[np.ndarray, pd.Series] | None,
    left_values: pd.Series,
    right_values: pd.Series,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Codes of two text columns in one numbering (-1 for a missing value), and how many
    codes there are: from the distinct values of each column where known (only those are
    hashed), else by factorising both columns together."""
    if left is None or right is None:
        codes, uniques = pd.factorize(pd.concat([left_values, right_values], ignore_index=True))
        return codes[: len(left_values)], codes[len(left_values) :], len(uniques)
    (left_codes, left_distinct), (right_codes, right_distinct) = left, right
    left_texts, right_texts = _arrow_text(left_distinct), _arrow_text(right_distinct)
    if right_texts.equals(left_texts):  # the same values in the same order: one numbering
        return left_codes, right_codes, len(left_distinct)
    found = pc.index_in(right_texts, value_set=left_texts)
    pa.default_memory_pool().release_unused()  # the hash table of the left values
    matched = found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    # A right value missing from the left column gets a code of its own, after the left's.
    unmatched = matched < 0
    matched[unmatched] = len(left_distinct) + np.arange(int(unmatched.sum()))
    total = len(left_distinct) + int(unmatched.sum())
    return left_codes, _spread(matched, right_codes, -1), total


def _check_meeting(c: _Checker) -> None:
    """The review meeting comes before (or on the day of) the panel review."""
    meeting, done = c.out.get(_R.date_review_meeting), c.out.get(_R.date_review_completed)
    if meeting is None or done is None:
        return
    late = (meeting > done).to_numpy(dtype=bool, na_value=False)
    c.fail(
        late,
        _R.date_review_meeting,
        "meeting_after_review",
        lambda: (
            "is after the panel review "
            + _day_text(done, late)
            + "; the review meeting comes first. Read as missing."
        ),
        severity="warning",
    )
    c.out[_R.date_review_meeting] = meeting.where(~pd.Series(late))


def _check_factors(c: _Checker, reviews: _Checker | None, usable: bool | None) -> None:
    """Factors: in their domain, unique per case, and each on a review that was accepted."""
    f = schema.FACTORS
    domain, factor = c.out.get(f.domain), c.out.get(f.factor)
    if domain is not None and factor is not None:
        home = factor.astype(object).map(schema.FACTOR_DOMAIN)
        wrong = (
            factor.notna() & domain.notna() & (home != "") & (home != domain.astype(object))
        ).to_numpy(dtype=bool)
        c.fail(
            wrong,
            f.factor,
            "factor_domain",
            lambda: (
                "belongs to the domain "
                + home.fillna("").astype(str)
                + ", not "
                + domain.astype(object).fillna("").astype(str)
                + "."
            ),
        )
        keys = pd.DataFrame({k: c.out[k] for k in (f.case_id, f.domain, f.factor)})
        listed = (factor.astype(object) != "other").to_numpy(dtype=bool)
        dup = keys.duplicated(keep=False).to_numpy() & listed & keys.notna().all(axis=1).to_numpy()
        c.fail(
            dup,
            f.factor,
            "duplicate_key",
            "is recorded twice for the case in this domain; record each factor once "
            "(use 'other' for several unlisted factors).",
        )
    if reviews is None or not usable or f.case_id not in c.out:
        return
    r_ids = reviews.out.get(schema.REVIEWS.case_id)
    if r_ids is None:
        return
    ids = c.out[f.case_id]
    present = ids.notna().to_numpy()
    known = ids.isin(r_ids.dropna()).to_numpy()
    accepted = ids.isin(r_ids[~reviews.rejected].dropna()).to_numpy()
    c.fail(
        present & ~known,
        f.case_id,
        "factor_without_review",
        f"has no review; every factor must match a case_id in {reviews.raw.file}.",
    )
    c.fail(
        present & known & ~accepted,
        f.case_id,
        "review_rejected",
        f"matches a review that was rejected (see {reviews.raw.file}); the factor is "
        "rejected with it.",
    )


def _check_areas_match(notifications: _Checker, denominators: _Checker) -> None:
    """Warn about areas of residence the deaths name that a table of denominators (births
    or population) does not, and the reverse, each with the name it has there when they
    differ only in letter case or spaces: an area's rate is then worked out from no
    births or children ("–") while the total counts them."""
    area = _N.residence_area
    deaths = notifications.out.get(area)
    others = denominators.out.get(area)
    if deaths is None or others is None or not others.notna().any():
        return
    named = {str(a) for a in deaths.dropna().unique()}
    given = {str(a) for a in others.dropna().unique()}

    def key(name: str) -> str:
        return " ".join(name.casefold().split())

    by_key = {key(a): a for a in given}
    for name in sorted(named - given):
        near = by_key.get(key(name))
        hint = (
            f" (it has {near!r}: write the area alike in both)"
            if near is not None
            else "; its rates cannot be worked out"
        )
        denominators.single.append(
            Issue(
                "warning",
                denominators.raw.table,
                denominators.raw.file,
                None,
                area,
                name,
                "area_not_matched",
                f"{denominators.raw.file}: no rows for the area {name!r}, which "
                f"{notifications.raw.file} names{hint}.",
            )
        )


#: A spreadsheet's way of keeping a value as text in a CSV file: ="0012".
_TEXT_FORMULA = re.compile(r'^="(.*)"$')


def _id_key(case_id: str) -> str:
    """A case ID as compared for a hint: letter case, a ="..." wrapper and the leading
    zeros of its digits set aside ("0012", '="0012"' and "12" alike)."""
    inner = _TEXT_FORMULA.sub(r"\1", case_id.strip())
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", inner).lower()


def _id_difference(mine: str, other: str) -> str:
    """How two case IDs of the same :func:`_id_key` differ, in words."""
    if _TEXT_FORMULA.match(mine.strip()) or _TEXT_FORMULA.match(other.strip()):
        return 'by a spreadsheet\'s ="..." text wrapper'
    if mine.lower() == other.lower():
        return "in letter case"
    return "in leading zeros (a spreadsheet drops them from numbers)"


def _rejected_records(c: _Checker | None, failures: pd.DataFrame) -> pd.DataFrame:
    columns = ["table", "file", "row", "rules", "message"]
    if c is None or not c.rejected.any():
        return pd.DataFrame(
            {k: pd.Series([], dtype="Int64" if k == "row" else "str") for k in columns}
        )
    rows = c.raw.rows[c.rejected] if len(c.raw.rows) == c.n else np.empty(0, np.int64)
    errors = failures[
        (failures["severity"] == "error")
        & (failures["table"] == c.raw.table)
        & failures["row"].notna()
    ]
    by_row = errors.groupby("row").agg(
        rules=("rule", lambda r: "; ".join(dict.fromkeys(r))), message=("message", " | ".join)
    )
    table_errors = failures[
        (failures["severity"] == "error")
        & (failures["table"] == c.raw.table)
        & failures["row"].isna()
    ]
    fallback = " | ".join(table_errors["message"]) or "rejected with the whole file"
    fallback_rules = "; ".join(dict.fromkeys(table_errors["rule"])) or "file"
    frame = pd.DataFrame(
        {"table": c.raw.table, "file": c.raw.file, "row": pd.array(rows, dtype="Int64")}
    )
    # (as objects: with no row-level error the mapped column is all missing, of the
    # rows' integer type, which will not take text)
    rules = frame["row"].map(by_row["rules"]).astype(object)
    messages = frame["row"].map(by_row["message"]).astype(object)
    frame["rules"] = rules.where(rules.notna(), fallback_rules).astype("str")
    frame["message"] = messages.where(messages.notna(), fallback).astype("str")
    return frame[columns]


def validate(
    source: Source,
    *,
    profile: str | ImportProfile | None = None,
    mapping: str | Path | None = None,
    column_map: Mapping[str, str] | None = None,
    deprivation: str | Path | None = None,
    today: dt.date | None = None,
) -> ValidationReport:
    """Check a source against the data contract and report every failure at once.

    Parameters
    ----------
    source
        A folder holding ``notifications`` and ``reviews`` files (and optionally
        ``births`` and ``population``) as CSV, XLSX or Parquet; an Excel workbook with a
        sheet for each; or a mapping of table name to DataFrame.
    profile
        An import profile, or the name of a built-in one (``"case_management"``): the
        sheet names, headers and labels of one kind of export (see :mod:`cdop.profiles`).
    mapping
        A mapping file (JSON) saved by a panel for its own export, added to ``profile``.
    column_map
        Export header -> canonical column name, for headers the built-in map does not know.
    deprivation
        File 1 of the English Indices of Deprivation (IoD2019 or IoD2025, as published):
        the IMD decile and quintile of each notification are derived from its LSOA code.
    today
        The date against which "not in the future" is judged (default: today).

    Returns
    -------
    ValidationReport
        ``report.ok`` is True when nothing fails; ``report.failures`` lists every failure.

    Raises
    ------
    IdentifierError
        The input holds names, addresses, full postcodes or NHS numbers.
    """
    resolved = resolve_profile(profile, mapping)
    dep = read_file1(deprivation) if deprivation is not None else None
    return check_source(
        source, column_map=column_map, today=today, profile=resolved, deprivation=dep
    ).report
