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
``column_map``, ``blank_row``.
Values: ``required``, ``date_format``, ``integer_format``, ``invalid_code``,
``out_of_range``, ``pattern``, ``future_date``; warning ``excel_date_serial``.
Within a record: ``notified_before_death``, ``birth_after_death``, ``age_inconsistent``,
``imd_inconsistent``.
Across records and tables: ``duplicate_id``, ``duplicate_key``,
``review_without_notification``, ``review_before_notification``, ``notification_rejected``.

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
0  notifications    3  Date Notified  notified_before_death
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from cdop import schema
from cdop._codes import parse_category, parse_code
from cdop._identifiers import check_identifiers
from cdop._issues import Issue, issues_frame
from cdop._read import RawTable, Source, load_raw

__all__ = ["ValidationReport", "validate"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_ISO_SHAPE: Final = r"\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?"
_SERIAL_SHAPE: Final = r"\d{5}(?:\.0+)?"
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
)
_EXCEL_EPOCH: Final = pd.Timestamp("1899-12-30")
_EARLIEST: Final = pd.Timestamp("1900-01-01")
_LATEST: Final = pd.Timestamp("2100-12-31")
_DATE_DTYPE: Final = "datetime64[ns]"
_MAX_VALUE_CHARS: Final = 60


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

    def summary(self, max_listed: int = 10) -> str:
        """A readable summary: counts per table, then the first ``max_listed`` failures."""
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
        listed = pd.concat([errors, warnings]).head(max_listed)
        lines = [head + ":"] + [
            f"  - [{r}] {m}" for r, m in zip(listed["rule"], listed["message"], strict=True)
        ]
        rest = len(errors) + len(warnings) - len(listed)
        if rest > 0:
            lines.append(f"  ... and {rest} more (see the report's failures table).")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        summary = self.summary(max_listed=0).split("\n")[0]
        table = self.failures.head(200).to_html(index=False, na_rep="")
        return f"<p>{summary}</p>{table}"


def _spread(per_unique: np.ndarray, codes: np.ndarray, fill: object) -> np.ndarray:
    """Per-row values from per-unique-value ones (``pd.factorize`` codes; -1 gets ``fill``)."""
    extended = np.append(per_unique, np.array([fill], dtype=per_unique.dtype))
    spread: np.ndarray = extended[codes]
    return spread


def _parse_dates(values: pd.Series, fmt: str) -> pd.Series:
    """Parse text with one format; unparseable or implausible (before 1900, after 2100) -> NaT."""
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    plausible = (parsed >= _EARLIEST) & (parsed <= _LATEST)
    result: pd.Series = parsed.where(plausible).astype(_DATE_DTYPE)
    return result


class _Checker:
    """Checks one raw table, accumulating failures and the rows they reject."""

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.spec = schema.TABLES[raw.table]
        self.frame = raw.frame
        self.n = len(raw.frame)
        self.rejected = np.zeros(self.n, dtype=bool)
        self.chunks: list[pd.DataFrame] = []
        self.single: list[Issue] = list(raw.issues)
        self.out: dict[str, pd.Series] = {}

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
        problem: str | pd.Series,
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
        shown = shown.where(value.isna(), "'" + shown + "'")
        if isinstance(problem, pd.Series):
            problem = problem.iloc[positions].reset_index(drop=True)
        message = (
            f"{self.raw.file}, row " + rows.astype(str) + f", column "
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
    def parse_columns(self) -> None:
        for col in self.spec.columns:
            text = self.text(col.name)
            if text is None:
                continue
            missing = text.isna().to_numpy()
            if col.required:
                self.fail(
                    missing,
                    col.name,
                    "required",
                    f"is missing; {col.name} is required ({col.rule}).",
                )
            if col.kind == "date":
                self.out[col.name] = self._dates(col, text)
            elif col.kind == "integer":
                self.out[col.name] = self._integers(col, text)
            elif col.kind == "code":
                self.out[col.name] = self._codes(col, text)
            else:
                if col.pattern is not None:
                    upper = text.str.upper()
                    matches = upper.str.fullmatch(col.pattern).to_numpy(dtype=bool, na_value=False)
                    bad = ~missing & ~matches
                    self.fail(bad, col.name, "pattern", f"is not valid; expected {col.rule}.")
                    text = upper
                self.out[col.name] = text

    def _dates(self, col: schema.Column, text: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(text)
        values = pd.Series(uniques, dtype="str")
        parsed = pd.Series(pd.NaT, index=values.index, dtype=_DATE_DTYPE)
        iso = values.str.fullmatch(_ISO_SHAPE).fillna(False).to_numpy(dtype=bool)
        if iso.any():
            parsed[iso] = _parse_dates(values[iso], "ISO8601")
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
            parsed[serial] = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
        parsed = parsed.dt.normalize()
        present = codes >= 0
        bad = _spread(parsed.isna().to_numpy(), codes, False)
        self.fail(
            bad,
            col.name,
            "date_format",
            "is not a date; expected a day-first or ISO date from 1900 to 2100, such as "
            "31/03/2024 or 2024-03-31.",
        )
        serial_rows = _spread(serial, codes, False)
        row_dates = pd.Series(_spread(parsed.to_numpy(), codes, np.datetime64("NaT")))
        if serial_rows.any():
            converted = row_dates.dt.strftime("%d/%m/%Y")
            self.fail(
                serial_rows,
                col.name,
                "excel_date_serial",
                severity="warning",
                problem="is an Excel date number; read as " + converted + ".",
            )
        return row_dates.astype(_DATE_DTYPE).where(present & ~bad)

    def _integers(self, col: schema.Column, text: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(text)
        values = pd.Series(uniques, dtype="str")
        if col.name == _R.category and self.raw.table == "reviews":
            numbers = pd.Series([parse_category(v) for v in values], dtype="Float64")
            problem = (
                "is not a category of death; expected a code 1 to 10 or a label such "
                "as 'Perinatal/neonatal event' (a code and a label must agree)."
            )
            rule = "invalid_code"
        else:
            plain = values.str.replace(r"(?<=\d),(?=\d{3})", "", regex=True)
            numbers = pd.to_numeric(plain, errors="coerce").astype("Float64")
            problem = f"is not a whole number; expected {col.rule}."
            rule = "integer_format"
        whole = (numbers.notna() & (numbers % 1 == 0)).to_numpy(dtype=bool, na_value=False)
        bad = _spread(~whole, codes, False)
        self.fail(bad, col.name, rule, problem)
        out = pd.Series(_spread(numbers.to_numpy(dtype=float, na_value=np.nan), codes, np.nan))
        out = out.where(~bad)
        low = -np.inf if col.minimum is None else col.minimum
        high = np.inf if col.maximum is None else col.maximum
        out_range = (out.notna() & ((out < low) | (out > high))).to_numpy()
        self.fail(out_range, col.name, "out_of_range", f"is out of range; expected {col.rule}.")
        return out.where(~out_range).astype("Int64")

    def _codes(self, col: schema.Column, text: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(text)
        mapped = np.array([parse_code(col.name, v) for v in uniques], dtype=object)
        known = np.array([m is not None for m in mapped], dtype=bool)
        bad = _spread(~known, codes, False)
        self.fail(bad, col.name, "invalid_code", f"is not a recognised value; expected {col.rule}.")
        values = _spread(mapped, codes, None)
        values[bad] = None
        return pd.Series(pd.Categorical(values, categories=list(col.codes)))

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
                    "contract; it is kept as it is. Map it with column_map if it is a contract "
                    "column under another name.",
                )
            )
        missing = [c for c in self.spec.columns if c.required and c.name not in self.frame]
        if self.raw.table == "notifications":
            dob = _N.date_of_birth in self.frame
            missing = [c for c in missing if not (c.name == _N.age_at_death_days and dob)]
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
                self.single.append(
                    Issue(
                        "warning",
                        self.raw.table,
                        self.raw.file,
                        int(row),
                        None,
                        None,
                        "blank_row",
                        f"{self.raw.file}, row {row}: the row is blank; skipped.",
                    )
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
            self.frame = self.frame[~blank].reset_index(drop=True)
            self.raw = RawTable(
                self.raw.table,
                self.raw.file,
                self.frame,
                self.raw.rows[~blank],
                self.raw.headers,
                [],
            )
            self.n = len(self.frame)
            self.rejected = np.zeros(self.n, dtype=bool)
        if self.n == 0 and self.raw.table == "notifications":
            self.fail_table(
                "no_rows",
                f"{self.raw.file}: the file has a header but no "
                "records; expected one row per child death notified.",
            )
            return False
        return True

    def check_duplicates(self, key: list[str], rule: str, what: str) -> None:
        present = [k for k in key if k in self.out]
        if not present or self.n == 0:
            return
        keys = pd.DataFrame({k: self.out[k] for k in present})
        required = [k for k in present if self.spec.column_by_name[k].required]
        complete = keys[required].notna().all(axis=1).to_numpy()
        dup = keys.duplicated(keep=False).to_numpy() & complete
        if not dup.any():
            return
        group_id = (
            keys[dup].groupby(present, sort=False, dropna=False, observed=True).ngroup().to_numpy()
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


def _check_notifications(c: _Checker, today: pd.Timestamp) -> None:
    out = c.out
    dod, notified = out.get(_N.date_of_death), out.get(_N.date_notified)
    c.future(_N.date_of_death, today)
    c.future(_N.date_notified, today)
    if dod is not None and notified is not None:
        c.fail(
            (notified < dod).to_numpy(dtype=bool, na_value=False),
            _N.date_notified,
            "notified_before_death",
            "is before the date of death "
            + dod.dt.strftime("%d/%m/%Y").fillna("")
            + "; a death is notified on or "
            "after the day it happens.",
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
            out[_N.age_at_death_days] = days.where((days >= 0) & ~too_old)
        else:
            differs = (age != days).to_numpy(dtype=bool, na_value=False)
            c.fail(
                differs,
                _N.age_at_death_days,
                "age_inconsistent",
                "does not match the dates: date of death minus date of birth is "
                + days.astype(str)
                + " days.",
            )
            missing_age = age.isna() & days.notna() & (days >= 0)
            out[_N.age_at_death_days] = age.where(~missing_age, days)
        c.frame = c.frame.drop(columns=[_N.date_of_birth])
    decile, quintile = out.get(_N.imd_decile), out.get(_N.imd_quintile)
    _derive_quintile(c, decile, quintile)


def _derive_quintile(c: _Checker, decile: pd.Series | None, quintile: pd.Series | None) -> None:
    if decile is None:
        return
    derived = (decile + 1) // 2
    if quintile is None:
        c.out[_N.imd_quintile] = derived
        return
    differs = (quintile != derived).to_numpy(dtype=bool, na_value=False)
    c.fail(
        differs,
        _N.imd_quintile,
        "imd_inconsistent",
        "does not match the IMD decile " + decile.astype(str) + " (deciles 1-2 are "
        "quintile 1, ..., 9-10 are quintile 5).",
    )
    c.out[_N.imd_quintile] = quintile.where(quintile.notna(), derived)


def _age_group(days: pd.Series) -> pd.Series:
    bins = [*schema.AGE_GROUP_BOUNDS_DAYS, schema.MAX_AGE_DAYS]
    groups = pd.cut(days.astype(float), bins=bins, right=False, labels=list(schema.AGE_GROUPS))
    return pd.Series(pd.Categorical(groups, categories=list(schema.AGE_GROUPS), ordered=True))


def _assemble(c: _Checker) -> pd.DataFrame:
    """The accepted records of one table, typed, in contract order, extras after."""
    keep = ~c.rejected
    columns: dict[str, pd.Series] = {}
    for col in c.spec.columns:
        if col.name == _N.date_of_birth:
            continue
        if col.name in c.out:
            series = c.out[col.name]
        elif col.kind == "date":
            series = pd.Series(pd.NaT, index=range(c.n), dtype=_DATE_DTYPE)
        elif col.kind == "integer":
            series = pd.Series(pd.NA, index=range(c.n), dtype="Int64")
        elif col.kind == "code":
            series = pd.Series(pd.Categorical([None] * c.n, categories=list(col.codes)))
        else:
            series = pd.Series(pd.NA, index=range(c.n), dtype="str")
        series = series[keep].reset_index(drop=True)
        if col.required and col.kind == "integer":
            series = series.astype("int64")
        columns[col.name] = series
    frame = pd.DataFrame(columns)
    if c.raw.table == "notifications":
        frame[schema.DERIVED.age_group] = _age_group(frame[_N.age_at_death_days])
    if c.raw.table == "reviews":
        labels = list(schema.CATEGORY_LABELS.values())
        frame[schema.DERIVED.category_label] = pd.Categorical(
            frame[_R.category].map(schema.CATEGORY_LABELS), categories=labels, ordered=True
        )
    if c.raw.table == "population":
        frame[schema.POPULATION.age_group] = frame[schema.POPULATION.age_group].cat.set_categories(
            list(schema.POPULATION_AGE_GROUPS), ordered=True
        )
    for extra in c.frame.columns:
        if extra not in c.spec.column_by_name:
            frame[extra] = c.frame[extra][keep].reset_index(drop=True)
    return frame


@dataclass(frozen=True)
class Checked:
    """Outcome of checking a source: accepted tables, rejected records and the report."""

    tables: dict[schema.TableName, pd.DataFrame]
    rejected: pd.DataFrame
    report: ValidationReport
    files: dict[schema.TableName, str]
    checksums: dict[str, str]  # file -> SHA-256 of its bytes (files only)


def check_source(
    source: Source, *, column_map: Mapping[str, str] | None = None, today: dt.date | None = None
) -> Checked:
    """Read and check every table of ``source`` (the engine behind validate and read_dataset)."""
    raw_tables, source_issues = load_raw(source, column_map)
    check_identifiers(raw_tables.values())
    now = pd.Timestamp(today if today is not None else dt.date.today())
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
                    f"{table}.xlsx or {table}.parquet (or a sheet or mapping key '{table}').",
                )
            )
    checkers: dict[schema.TableName, _Checker] = {}
    usable: dict[schema.TableName, bool] = {}
    for table in schema.TABLES:
        if table not in raw_tables:
            continue
        checker = _Checker(raw_tables[table])
        checkers[table] = checker
        usable[table] = checker.check_structure()
        if usable[table]:
            checker.parse_columns()
    if usable.get("notifications"):
        c = checkers["notifications"]
        _check_notifications(c, now)
        c.check_duplicates([_N.case_id], "duplicate_id", "case_id")
    if usable.get("reviews"):
        c = checkers["reviews"]
        c.future(_R.date_review_completed, now)
        c.check_duplicates([_R.case_id], "duplicate_id", "case_id")
        _check_reviews_against(c, checkers.get("notifications"), usable.get("notifications"))
    if usable.get("births"):
        c = checkers["births"]
        _derive_quintile(
            c, c.out.get(schema.BIRTHS.imd_decile), c.out.get(schema.BIRTHS.imd_quintile)
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
    if usable.get("population"):
        c = checkers["population"]
        c.check_duplicates(
            list(schema.TABLES["population"].key), "duplicate_key", "year, age group, sex and area"
        )
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
        files={t: c.raw.file for t, c in checkers.items()},
        checksums={r.file: r.sha256 for r in raw_tables.values() if r.sha256},
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
    # One factorisation of both id columns turns every look-up into array indexing.
    codes, uniques = pd.factorize(pd.concat([n_ids, ids], ignore_index=True))
    n_codes, r_codes = codes[: len(n_ids)], codes[len(n_ids) :]
    present = r_codes >= 0
    notified_at = np.full(len(uniques) + 1, -1, dtype=np.int64)  # last slot: missing id
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
    c.fail(
        present & ~known,
        _R.case_id,
        "review_without_notification",
        f"has no notification; every review must match a case_id in {notifications.raw.file}.",
    )
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
            "is before the case's date notified "
            + notified.dt.strftime("%d/%m/%Y").fillna("")
            + "; a review is completed after notification.",
        )


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
    frame["rules"] = frame["row"].map(by_row["rules"]).fillna(fallback_rules).astype("str")
    frame["message"] = frame["row"].map(by_row["message"]).fillna(fallback).astype("str")
    return frame[columns]


def validate(
    source: Source, *, column_map: Mapping[str, str] | None = None, today: dt.date | None = None
) -> ValidationReport:
    """Check a source against the data contract and report every failure at once.

    Parameters
    ----------
    source
        A folder holding ``notifications`` and ``reviews`` files (and optionally
        ``births`` and ``population``) as CSV, XLSX or Parquet; an Excel workbook with a
        sheet for each; or a mapping of table name to DataFrame.
    column_map
        Export header -> canonical column name, for headers the built-in map does not know.
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
    return check_source(source, column_map=column_map, today=today).report
