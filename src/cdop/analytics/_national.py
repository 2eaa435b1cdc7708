"""National figures (England) with their sources, and like-for-like comparison with them.

The shipped table ``data/national.csv`` holds national child death figures, each with
its value, unit, definition of value and denominator, period and period type,
geography, publisher, title, address, table or page, and the sentence of the source
that gives the value (see ``docs/national-figures.md``). Every row is validated when
it is read, shipped or added: a value that does not appear in its quoted sentence is
refused. Its ``edition`` column versions the table (:data:`NATIONAL_EDITION`).

:func:`compare_national` tests a local figure only against a national figure of the
same indicator, geography England, the same period type and the same period (or one
within ``max_gap`` years on the same side of the April 2019 reforms); any other
national figure is given as context, with the reason, and no verdict.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from os import PathLike
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop import schema
from cdop.analytics._common import DENOMINATOR, NUMERATOR, PERIOD, FloatArray, fail
from cdop.analytics._durations import REVIEWS_COLUMN, WITHIN_12
from cdop.analytics._periods import Span, parse_label
from cdop.errors import NationalComparisonWarning

__all__ = [
    "BENCHMARK_COLUMNS",
    "INDICATORS",
    "NATIONAL_EDITION",
    "BenchmarkUnit",
    "Indicator",
    "NationalComparisonWarning",
    "compare_national",
    "national_benchmarks",
    "read_national",
]

#: Edition of the shipped national figures.
NATIONAL_EDITION: Final = "2026.2"
#: Units of a national figure: a count (context only), a percentage or a rate.
BenchmarkUnit: TypeAlias = Literal["count", "percent", "per 1,000", "per 100,000"]

EDITION: Final = "edition"
INDICATOR: Final = "indicator"
PERIOD_TYPE: Final = "period_type"
VARIABLE: Final = "variable"
LEVEL: Final = "level"
VALUE: Final = "value"
UNIT: Final = "unit"
DEFINITION: Final = "definition"
DENOMINATOR_DEFINITION: Final = "denominator_definition"
GEOGRAPHY: Final = "geography"
PUBLISHER: Final = "publisher"
TITLE: Final = "title"
URL: Final = "url"
LOCATION: Final = "location"
QUOTE: Final = "quote"
NOTE: Final = "note"
#: Columns of :func:`national_benchmarks` (and of a national CSV), in order.
BENCHMARK_COLUMNS: Final = (
    EDITION,
    INDICATOR,
    PERIOD,
    PERIOD_TYPE,
    VARIABLE,
    LEVEL,
    VALUE,
    NUMERATOR,
    DENOMINATOR,
    UNIT,
    DEFINITION,
    DENOMINATOR_DEFINITION,
    GEOGRAPHY,
    PUBLISHER,
    TITLE,
    URL,
    LOCATION,
    QUOTE,
    NOTE,
)
_NUMBERS: Final = (VALUE, NUMERATOR, DENOMINATOR)
#: Columns every row must fill.
_REQUIRED: Final = (
    INDICATOR,
    PERIOD,
    PERIOD_TYPE,
    VALUE,
    UNIT,
    DEFINITION,
    DENOMINATOR_DEFINITION,
    GEOGRAPHY,
    PUBLISHER,
    TITLE,
    URL,
    LOCATION,
    QUOTE,
)
_USER_EDITION: Final = "user"
_PERIOD_TYPES: Final = {"financial year": "financial", "calendar year": "calendar"}
#: Geography a national figure must have to be tested against.
ENGLAND: Final = "England"
#: The current child death review process (statutory guidance 2018, NCMD) started here;
#: figures on either side of it are not like for like.
REFORM_DATE: Final = pd.Timestamp(2019, 4, 1)

#: Statistic and multiplier of each unit.
_UNITS: Final[dict[str, tuple[Literal["rate", "proportion"] | None, float]]] = {
    "count": (None, 1.0),
    "percent": ("proportion", 100.0),
    "per 1,000": ("rate", 1_000.0),
    "per 100,000": ("rate", 100_000.0),
}
_METHODS: Final = {
    "proportion": "Wilson score interval against the national value; score test p-value "
    "(the test the interval inverts)",
    "rate": "Poisson interval (exact below 10 events, Byar's from 10) against the national "
    "value; exact or Byar's test p-value (the test the interval inverts)",
}


@dataclass(frozen=True)
class Indicator:
    """An indicator the library computes locally: its unit, the column of its levels, the
    local table to compare, and the numerator and denominator columns of that table."""

    unit: BenchmarkUnit
    variable: str | None
    local: str
    x: str = NUMERATOR
    n: str = DENOMINATOR


#: Indicators the library knows, with the local table to compare with them. National
#: rows may add other indicators; these are checked for unit and variable.
INDICATORS: Final[dict[str, Indicator]] = {
    "reviews_completed": Indicator("count", None, "reviews completed (context only)"),
    "deaths_notified": Indicator("count", None, "deaths notified (context only)"),
    "reviews_with_modifiable_factors": Indicator(
        "percent", "modifiable_factors", 'breakdown(ds, "modifiable_factors")'
    ),
    "reviews_under_1_year": Indicator("percent", None, "under-1 reviews (x) of reviews (n)"),
    "deaths_under_1_year": Indicator("percent", None, "under-1 deaths (x) of deaths (n)"),
    "review_duration_band": Indicator("percent", "band", 'review_durations(ds, "national")'),
    "reviews_within_12_months": Indicator(
        "percent", None, "review_timeliness(ds)", x=WITHIN_12, n=REVIEWS_COLUMN
    ),
    "reviews_by_sex": Indicator("percent", "sex", 'breakdown(ds, "sex")'),
    "reviews_by_ethnicity": Indicator("percent", "ethnicity", 'breakdown(ds, "ethnicity")'),
    "reviews_by_category": Indicator("percent", "category", 'breakdown(ds, "category")'),
    "child_mortality_rate": Indicator("per 100,000", None, "child_mortality(ds)"),
    "infant_mortality_rate": Indicator("per 1,000", None, "infant_mortality(ds)"),
    "infant_mortality_rate_by_imd_quintile": Indicator(
        "per 1,000", "imd_quintile", 'infant_mortality(ds, by="imd_quintile")'
    ),
    "child_mortality_rate_by_imd_quintile": Indicator(
        "per 100,000", "imd_quintile", 'child_mortality(ds, by="imd_quintile")'
    ),
    "infant_mortality_rate_by_imd_decile": Indicator(
        "per 1,000", "imd_decile", 'infant_mortality(ds, by="imd_decile")'
    ),
}

NATIONAL_PERIOD: Final = "national_period"
NATIONAL_VALUE: Final = "national_value"
NATIONAL_SOURCE: Final = "national_source"
NATIONAL_URL: Final = "national_url"
SAME_PERIOD: Final = "same_period"
LIKE_FOR_LIKE: Final = "like_for_like"
COMPARISON_NOTE: Final = "comparison_note"
P_VALUE: Final = "p_value"
COMPARISON_METHOD: Final = "comparison_method"


#: Notes of a national figure of another kind of period or geography (warned about).
_MISMATCH_KIND: Final = "; local figures for "
_MISMATCH_GEO: Final = ", not England"


# --------------------------------------------------------------------------- reading


def _number_forms(text: str, value: float) -> set[str]:
    """How a source may write ``value``: as typed, with or without thousands separators."""
    forms = {text}
    decimals = len(text.split(".")[1]) if "." in text else 0
    if value == int(value):
        forms |= {f"{int(value):,}", f"{int(value)}"}
    decimals = max(decimals, 1) if value != int(value) else decimals
    if decimals:
        forms |= {f"{value:,.{decimals}f}", f"{value:.{decimals}f}"}
    return forms


def value_in_quote(value_text: str, value: float, quote: str) -> bool:
    """Whether the quoted sentence states ``value`` (as a whole number token).

    Examples
    --------
    >>> value_in_quote("3595", 3595.0, "3,595 child death reviews were completed")
    True
    >>> value_in_quote("42.0", 42.0, "most deprived areas (42.0 per 100,000)")
    True
    >>> value_in_quote("4.2", 4.2, "most deprived areas (42.0 per 100,000)")
    False
    """
    for form in _number_forms(value_text, value):
        if re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)", quote):
            return True
    return False


def _problems(frame: pd.DataFrame, raw: pd.DataFrame, first_row: int) -> list[str]:
    """Every rule broken by a row, as 'row R, column C: value V: rule'."""
    out: list[str] = []

    def add(i: int, col: str, value: object, rule: str) -> None:
        out.append(f"row {i + first_row}, column {col!r}: {value!r}: {rule}")

    for i in range(len(frame)):
        row = frame.iloc[i]
        for col in _REQUIRED:
            if col in _NUMBERS:
                continue
            if pd.isna(row[col]):
                add(i, col, raw.iloc[i].get(col, ""), "must not be empty")
        text = raw.iloc[i].get(VALUE, "")
        value = row[VALUE]
        if pd.isna(value) or not math.isfinite(value) or value < 0:
            add(i, VALUE, text, "must be a number >= 0")
        unit = row[UNIT]
        if pd.notna(unit) and unit not in _UNITS:
            add(i, UNIT, unit, f"must be one of {', '.join(repr(u) for u in _UNITS)}")
        elif unit == "percent" and pd.notna(value) and value > 100:
            add(i, VALUE, text, "a percentage must be at most 100")
        for col in (NUMERATOR, DENOMINATOR):
            cell = raw.iloc[i].get(col, "")
            if str(cell).strip() not in ("", "nan", "None") and pd.isna(row[col]):
                add(i, col, cell, "must be a number or empty")
        span = parse_label(str(row[PERIOD])) if pd.notna(row[PERIOD]) else None
        if pd.notna(row[PERIOD]) and span is None:
            add(i, PERIOD, row[PERIOD], "must be a period label such as '2017/18' or '2022'")
        ptype = row[PERIOD_TYPE]
        if pd.notna(ptype) and ptype not in _PERIOD_TYPES:
            add(i, PERIOD_TYPE, ptype, "must be 'financial year' or 'calendar year'")
        elif span is not None and pd.notna(ptype) and _PERIOD_TYPES[ptype] != span.kind:
            add(i, PERIOD_TYPE, ptype, f"does not match the period {row[PERIOD]!r}")
        if pd.isna(row[VARIABLE]) != pd.isna(row[LEVEL]):
            add(i, LEVEL, row[LEVEL], "variable and level must be given together")
        known = INDICATORS.get(str(row[INDICATOR]))
        if known is not None:
            if pd.notna(unit) and unit != known.unit:
                add(i, UNIT, unit, f"indicator {row[INDICATOR]!r} is in {known.unit!r}")
            variable = None if pd.isna(row[VARIABLE]) else str(row[VARIABLE])
            if variable != known.variable:
                add(
                    i,
                    VARIABLE,
                    variable or "",
                    f"indicator {row[INDICATOR]!r} is given by {known.variable or 'no variable'}",
                )
        url = row[URL]
        if pd.notna(url) and not str(url).startswith(("https://", "http://")):
            add(i, URL, url, "must be a web address starting with https://")
        quote = row[QUOTE]
        if pd.notna(quote) and pd.notna(value) and not value_in_quote(str(text), value, quote):
            add(i, QUOTE, quote, f"does not state the value {text}")
    key = _key(frame)
    dup = key.duplicated(keep="first") & frame[INDICATOR].notna()
    for j in np.flatnonzero(dup.to_numpy()):
        add(
            int(j),
            INDICATOR,
            frame[INDICATOR].iloc[int(j)],
            "repeats the indicator, period, level and geography of an earlier row",
        )
    return out


def _typed(func: str, table: pd.DataFrame, source: str, *, first_row: int = 1) -> pd.DataFrame:
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise fail(
            func,
            f"{source}: the national figures need the columns {', '.join(BENCHMARK_COLUMNS)}"
            f" (see docs/national-figures.md); missing {', '.join(missing)}",
        )
    unknown = [str(c) for c in table.columns if c not in BENCHMARK_COLUMNS]
    if unknown:
        raise fail(func, f"{source}: unknown columns {', '.join(unknown)}")
    raw = table.reset_index(drop=True).astype("object").where(table.notna().to_numpy(), "")
    out = pd.DataFrame(index=pd.RangeIndex(len(table)))
    for col in BENCHMARK_COLUMNS:
        values = raw[col].to_numpy() if col in raw.columns else np.full(len(raw), "")
        if col in _NUMBERS:
            text = pd.Series(values, dtype="str").str.replace(",", "").str.strip()
            out[col] = pd.to_numeric(text, errors="coerce").astype("float64")
        else:
            text = pd.Series(values, dtype="str").str.strip()
            out[col] = text.where(text.notna() & (text != "") & (text != "nan"))
    problems = _problems(out, raw, first_row)
    if problems:
        listed = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise fail(func, f"{source}: {len(problems)} problem(s): {listed}{more}")
    return out


def _key(frame: pd.DataFrame) -> pd.Series:
    return (
        frame[INDICATOR].fillna("")
        + "|"
        + frame[PERIOD].fillna("")
        + "|"
        + frame[LEVEL].fillna("")
        + "|"
        + frame[GEOGRAPHY].fillna("")
    )


def _read_csv(func: str, path: str | PathLike[str]) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise fail(func, f"cannot read national figures from {str(path)!r}: {exc}") from exc
    # Row numbers as in a spreadsheet: the header is row 1.
    return _typed(func, raw, f"file {str(path)!r}", first_row=2)


@functools.cache
def _shipped() -> pd.DataFrame:
    """The shipped table, read and validated once per process (callers get copies)."""
    path = resources.files("cdop.analytics").joinpath("data", "national.csv")
    with path.open("r", encoding="utf-8") as handle:
        raw = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return _typed("national_benchmarks", raw, "shipped national.csv", first_row=2)


def read_national(path: str | PathLike[str]) -> pd.DataFrame:
    """Read and validate a CSV of national figures in the layout of the shipped table.

    Use it for a release published after this version of the library: a CSV with the
    columns of :data:`BENCHMARK_COLUMNS` (see ``docs/national-figures.md``), one row per
    figure. Every row must give the value, unit, definitions of value and denominator,
    period and period type, geography, publisher, title, web address, table or page,
    and the sentence of the source that states the value.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    pandas.DataFrame
        The rows, typed as :func:`national_benchmarks` returns them; pass them as
        ``extra`` to :func:`national_benchmarks` (or as ``national`` to
        :func:`compare_national` after that).

    Raises
    ------
    CdopArgumentError
        Naming the file, row, column, value and rule of every problem (up to 10).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cdop.analytics import national_benchmarks, read_national
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> national_benchmarks().head(1).to_csv(folder / "mine.csv", index=False)
    >>> read_national(folder / "mine.csv")["value"].tolist()
    [3575.0]
    """
    return _read_csv("read_national", path)


def national_benchmarks(extra: pd.DataFrame | str | PathLike[str] | None = None) -> pd.DataFrame:
    """The national figures (England), optionally with rows added or overridden.

    Parameters
    ----------
    extra : pandas.DataFrame or path of a CSV, optional
        Rows in the layout of the shipped table (:data:`BENCHMARK_COLUMNS`; every
        column of a row filled except ``variable``, ``level``, ``numerator``,
        ``denominator``, ``note`` and ``edition``), validated as the shipped rows are.
        A row with the ``indicator``, ``period``, ``level`` and ``geography`` of a
        shipped row replaces it. Their ``edition`` is ``"user"`` unless given.

    Returns
    -------
    pandas.DataFrame
        One row per figure, columns :data:`BENCHMARK_COLUMNS`:

        - ``edition``: edition of the shipped table or ``"user"``;
        - ``indicator``, e.g. ``"reviews_with_modifiable_factors"``;
        - ``period``: ``"2017/18"`` or ``"2023"``; ``period_type``: ``"financial
          year"`` or ``"calendar year"``;
        - ``variable``, ``level``: the column and level of the figure (e.g.
          ``modifiable_factors`` / ``yes``), missing for a whole-population figure;
        - ``value`` on the scale of ``unit``; ``numerator``, ``denominator`` where
          published;
        - ``unit``; ``definition`` (what the value counts);
          ``denominator_definition``; ``geography``;
        - ``publisher``, ``title``, ``url``, ``location`` (table, page or section),
          ``quote`` (the sentence of the source giving the value), ``note``.

    Examples
    --------
    >>> from cdop.analytics import national_benchmarks
    >>> nb = national_benchmarks()
    >>> row = nb[nb["indicator"] == "child_mortality_rate"]
    >>> print(row[["period", "value", "unit", "publisher"]].to_string(index=False))
     period  value        unit                        publisher
    2023/24   29.8 per 100,000 National Child Mortality Database
    """
    func = "national_benchmarks"
    shipped = _shipped().copy()
    if extra is None:
        return shipped
    if isinstance(extra, (str, PathLike)):
        user = _read_csv(func, extra)
    elif isinstance(extra, pd.DataFrame):
        user = _typed(func, extra, "argument `extra`")
    else:
        raise fail(
            func,
            f"argument `extra` must be a DataFrame or the path of a CSV; received "
            f"{type(extra).__name__}",
        )
    user[EDITION] = user[EDITION].fillna(_USER_EDITION)
    kept = shipped[~_key(shipped).isin(set(_key(user)))]
    return pd.concat([kept, user], ignore_index=True)


# ------------------------------------------------------------------------- comparing


def compare_national(
    local: pd.DataFrame,
    indicator: str,
    *,
    national: pd.DataFrame | None = None,
    x: str | None = None,
    n: str | None = None,
    confidence: float | Sequence[float] = (0.95, 0.998),
    max_gap: int = 0,
) -> pd.DataFrame:
    """Compare local figures with the national figure, like for like only.

    **Policy.** A local row is *tested* only against a national figure that is like
    for like: the same ``indicator`` (and level), geography England, the same period
    type (financial or calendar years) and the same period, or a period at most
    ``max_gap`` years away that is on the same side of 1 April 2019 (when the
    current child death review process and the NCMD began). Otherwise the national
    figure nearest in time is given as **context**: ``national_value`` and
    ``national_period`` are filled, ``like_for_like`` is False, the comparison
    columns are missing and ``comparison_note`` says why. There is no silent
    fallback to another era.

    The test is :func:`cdop.stats.compare`: the local interval (Wilson for
    percentages, exact/Byar's Poisson for rates) at each level excludes the
    national value (``"higher"`` / ``"lower"``) or not (``"similar"``), the national
    value taken as fixed; ``p_value`` is the test the interval inverts (score test;
    exact or Byar's Poisson test), so label and p-value never disagree.

    Parameters
    ----------
    local : pandas.DataFrame
        A table from :func:`breakdown`, :func:`review_durations`,
        :func:`review_timeliness`, :func:`infant_mortality`, :func:`child_mortality`.
    indicator : str
        An indicator of :data:`INDICATORS` or of the national table.
    national : pandas.DataFrame, optional
        National figures (default :func:`national_benchmarks`), validated.
    x, n : str, optional
        Numerator and denominator columns of ``local``. Default: those the indicator
        names (:data:`INDICATORS`: ``within_12_months`` of ``reviews`` for
        ``"reviews_within_12_months"``), else ``numerator`` and ``denominator``.
    confidence : float or sequence of float, default (0.95, 0.998)
    max_gap : int, default 0
        Largest distance in years between the local and the national period for a
        test (0: the same period only).

    Returns
    -------
    pandas.DataFrame
        ``local`` (same index and columns), then:

        - ``national_period``, ``national_value``: the national figure tested
          against, or given as context (missing when there is none);
        - ``national_source`` (publisher and title), ``national_url``;
        - ``same_period``: the national period is the local one;
        - ``like_for_like``: True when tested;
        - ``comparison_note``: "like for like", or why there is no test;
        - ``comparison_95``, ``comparison_99_8`` (``comparison`` with one level):
          ``"higher"``, ``"lower"`` or ``"similar"``, only when like for like;
        - ``p_value`` (only when like for like); ``comparison_method``.

    Raises
    ------
    CdopArgumentError
        For an unknown indicator, a count indicator, columns not found, or rows split
        by another column (e.g. by quintile) compared with a whole-population figure.

    Warns
    -----
    NationalComparisonWarning
        When the national figures hold no figure of ``indicator`` at all, or no local
        row can be tested because they are of another period type (calendar vs
        financial years) or geography.

    Examples
    --------
    >>> import cdop
    >>> from cdop.analytics import breakdown, compare_national
    >>> ds = cdop.load_sample()
    >>> mod = breakdown(ds, "modifiable_factors", years=["2017/18", "2023/24", "2024/25"])
    >>> out = compare_national(mod, "reviews_with_modifiable_factors")
    >>> yes = out[out["modifiable_factors"] == "yes"]
    >>> cols = ["period", "numerator", "denominator", "national_value", "comparison_95"]
    >>> print(yes[cols].to_string(index=False))
     period  numerator  denominator  national_value comparison_95
    2017/18          4           25            28.0       similar
    2023/24         17           54            48.0           NaN
    2024/25         26           74            48.0         lower
    >>> print(yes["comparison_note"].iloc[1])
    national figure for 2024/25, not 2023/24
    """
    func = "compare_national"
    if not isinstance(local, pd.DataFrame):
        raise fail(func, f"argument `local` must be a DataFrame; received {type(local).__name__}")
    if PERIOD not in local.columns:
        raise fail(
            func,
            "argument `local` must have a 'period' column of period labels such as "
            "'2024/25' (an analytics table)",
        )
    if isinstance(max_gap, bool) or not isinstance(max_gap, (int, np.integer)) or max_gap < 0:
        raise fail(func, f"argument `max_gap` must be a whole number >= 0; received {max_gap!r}")
    if national is None:
        table = _shipped()
        nat = _shipped_rows(indicator)
    else:
        table = _typed(func, national, "`national`")
        nat = _indicator_rows(table, indicator)
    rows = nat.rows
    known = INDICATORS.get(indicator)
    if rows.empty and known is None:
        names = sorted(set(table[INDICATOR]) | set(INDICATORS))
        raise fail(
            func, f"argument `indicator` must be one of {', '.join(names)}; received {indicator!r}"
        )
    unit = known.unit if known is not None else str(rows[UNIT].iloc[0])
    statistic, multiplier = _UNITS[unit]
    if statistic is None:
        raise fail(
            func, f"indicator {indicator!r} is a count; only percentages and rates can be compared"
        )
    variable = known.variable if known is not None else _one_variable(func, indicator, rows)
    x_col, n_col = _x_n(func, local, indicator, known, x, n)
    if variable is not None and variable not in local.columns:
        raise fail(
            func,
            f"indicator {indicator!r} is given by {variable!r}; argument `local` has no such "
            f"column",
        )
    if variable is None:
        _check_one_row_per_year(func, local, indicator)

    spans = [_span(func, label) for label in local[PERIOD].astype("str")]
    levels = local[variable].astype("str").tolist() if variable is not None else [""] * len(local)
    picks = [
        _pick(nat, span, level, variable, max_gap)
        for span, level in zip(spans, levels, strict=True)
    ]
    idx = np.array([p[0] for p in picks], dtype=np.intp)
    found = idx >= 0
    tested = np.array([p[1] for p in picks], dtype=bool)
    notes = [p[2] for p in picks]
    take = np.where(found, idx, 0)

    def column(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """The national rows' ``values`` for each local row (NaN where none was found)."""
        if not len(values):
            return np.full(len(local), np.nan, dtype=object)
        return np.where(found, values[take], np.nan)

    national_value = column(nat.value).astype(np.float64)
    xs = pd.to_numeric(local[x_col]).to_numpy(dtype=np.float64)
    ns = pd.to_numeric(local[n_col]).to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        ns = np.where(ns > 0, ns, np.nan)
    bench = np.where(tested, national_value, np.nan)
    codes, p_values = _verdicts(xs, ns, bench, statistic, multiplier, confidence)
    same = np.array(
        [
            f and nat.spans[i] is not None and _same(nat.spans[i], s)
            for f, i, s in zip(found, take, spans, strict=True)
        ],
        dtype=bool,
    )
    same_period = pd.array(same, dtype="boolean")
    same_period[~found] = pd.NA
    added: dict[str, Any] = {
        NATIONAL_PERIOD: column(nat.period),
        NATIONAL_VALUE: national_value,
        NATIONAL_SOURCE: column(nat.source),
        NATIONAL_URL: column(nat.url),
        SAME_PERIOD: same_period,
        LIKE_FOR_LIKE: tested,
        COMPARISON_NOTE: notes,
    }
    for name, code in codes.items():
        added[name] = np.where(tested & (code >= 0), _LABEL_TEXTS[code], np.nan)
    added[P_VALUE] = np.where(tested, p_values, np.nan)
    method = pd.Series(_METHODS[statistic], index=local.index, dtype="str")
    added[COMPARISON_METHOD] = method.where(tested).array
    if local.columns.isin(list(added)).any():
        # A table compared before: its columns are replaced where they stand.
        out = local.copy()
        for name, values in added.items():
            out[name] = values
    else:
        out = pd.concat([local, pd.DataFrame(added, index=local.index)], axis=1)
    mismatched = [
        note
        for note, f in zip(notes, found, strict=True)
        if f and (_MISMATCH_KIND in note or _MISMATCH_GEO in note)
    ]
    if len(out) and rows.empty:
        advice = (
            "add England's figure to the table passed as `national`"
            if national is not None
            else "give England's figure with national_benchmarks(extra=...) and pass it as "
            "`national`"
        )
        warnings.warn(
            f"{func}(): the national figures hold none of {indicator!r}, so no row of "
            f"`local` is compared (see the column 'comparison_note'); {advice}",
            NationalComparisonWarning,
            stacklevel=2,
        )
    elif len(out) and not tested.any() and mismatched:
        warnings.warn(
            f"{func}(): no row of `local` could be tested against the national figures of "
            f"{indicator!r}: {mismatched[0]}; they are given as "
            f"context only (see the column 'comparison_note')",
            NationalComparisonWarning,
            stacklevel=2,
        )
    return out


#: The comparison labels of :mod:`cdop.stats`, indexed by their codes.
_LABEL_TEXTS: Final = np.array(["lower", "similar", "higher"], dtype=object)


def _verdicts(
    xs: FloatArray,
    ns: FloatArray,
    bench: FloatArray,
    statistic: Literal["rate", "proportion"],
    multiplier: float,
    confidence: float | Sequence[float],
) -> tuple[dict[str, npt.NDArray[np.int8]], FloatArray]:
    """The label codes (by column name) and p-values of :func:`cdop.stats.compare` for the
    local counts ``xs`` of ``ns`` (NaN where there is no denominator) against ``bench``
    (NaN where not tested).

    Counts it accepts as they are (finite, ``0 <= x``, ``x <= n`` for a proportion, a
    benchmark within range, or missing) go straight to its kernel; anything else goes
    through :func:`cdop.stats.compare` itself, for its checks and messages.
    """
    from cdop import stats
    from cdop.stats._common import parse_confidence
    from cdop.stats._compare import LABELS, comparison_names, verdicts

    levels = parse_confidence("compare", confidence)
    names = comparison_names(levels)
    with np.errstate(invalid="ignore"):
        plain = not (
            np.isinf(xs).any()
            or np.isinf(ns).any()
            or np.isinf(bench).any()
            or (xs < 0).any()
            or (bench < 0).any()
            or (statistic == "proportion" and ((xs > ns).any() or (bench > multiplier).any()))
        )
    if plain:
        codes, p_values = verdicts(
            xs, ns, bench, statistic=statistic, mult=multiplier, levels=levels
        )
        return dict(zip(names, codes, strict=True)), p_values
    work = pd.DataFrame({"x": xs, "n": ns, "national": bench})
    compared = stats.compare(
        work,
        "x",
        "n",
        "national",
        statistic=statistic,
        multiplier=multiplier,
        confidence=confidence,
        na="propagate",
    )
    labels = {
        name: pd.Categorical(compared[name], categories=LABELS).codes.astype(np.int8)
        for name in names
    }
    return labels, compared[P_VALUE].to_numpy(dtype=np.float64)


def _one_variable(func: str, indicator: str, rows: pd.DataFrame) -> str | None:
    variables = rows[VARIABLE].dropna().unique()
    if len(variables) > 1:
        raise fail(func, f"indicator {indicator!r} mixes variables {', '.join(variables)}")
    return str(variables[0]) if len(variables) else None


#: Columns naming an area: a row per area and year is each area's whole population, a like
#: for like comparison with England's figure.
_AREA_COLUMNS: Final = (schema.NOTIFICATIONS.residence_area, schema.NOTIFICATIONS.residence_la_code)


def _check_one_row_per_year(func: str, local: pd.DataFrame, indicator: str) -> None:
    """Refuse rows of a part of the population (by sex, quintile, ...) compared with a
    figure for the whole population; one row per area and year is each area's whole."""
    areas = [c for c in _AREA_COLUMNS if c in local.columns]
    key = local[[PERIOD, *areas]].astype("str")
    dup = key.duplicated(keep=False)
    if not dup.any():
        return
    first = key[dup].iloc[0]
    same = (key == first).all(axis=1).to_numpy()
    rows = local[same]
    others = [
        str(c)
        for c in local.columns
        if c != PERIOD and c not in areas and rows[c].astype("str").nunique(dropna=False) > 1
    ]
    split = f" (split by {', '.join(others[:3])})" if others else ""
    where = "".join(f", {c} {first[c]!r}" for c in areas)
    raise fail(
        func,
        f"argument `local` has {int(same.sum())} rows for {first[PERIOD]}{where}{split}, but "
        f"{indicator!r} is a figure for the whole population; compare the overall rows, or "
        f"use an indicator given by that column (e.g. '..._by_imd_quintile')",
    )


def _span(func: str, label: str) -> Span:
    span = parse_label(label)
    if span is None:
        raise fail(
            func,
            f"argument `local`: column 'period' holds {label!r}, not a period label such as "
            f"'2017/18', '2022' or '2015-2017'",
        )
    return span


def _same(a: Span, b: Span) -> bool:
    return a.kind == b.kind and a.first == b.first and a.last == b.last


def _gap(a: Span, b: Span) -> int:
    return max(abs(a.last - b.last), abs(a.first - b.first))


def _side(span: Span) -> bool:
    return bool(span.start >= REFORM_DATE)


@dataclass(frozen=True)
class _Rows:
    """The national rows of one indicator, with what :func:`_pick` reads and the columns a
    comparison copies (arrays of one element per row)."""

    rows: pd.DataFrame
    spans: list[Span | None]
    levels: npt.NDArray[Any]
    geo: npt.NDArray[Any]
    period: npt.NDArray[Any]
    value: npt.NDArray[Any]
    source: npt.NDArray[Any]
    url: npt.NDArray[Any]


def _indicator_rows(table: pd.DataFrame, indicator: str) -> _Rows:
    """The rows of ``indicator`` in a national table, with what :func:`_pick` reads."""
    rows = table[table[INDICATOR] == indicator].reset_index(drop=True)
    return _Rows(
        rows=rows,
        spans=[parse_label(str(p)) for p in rows[PERIOD]],
        levels=rows[LEVEL].astype("str").to_numpy(),
        geo=rows[GEOGRAPHY].astype("str").to_numpy(),
        period=rows[PERIOD].astype("str").to_numpy(dtype=object),
        value=pd.to_numeric(rows[VALUE]).to_numpy(dtype=np.float64),
        source=(rows[PUBLISHER] + ". " + rows[TITLE]).to_numpy(dtype=object),
        url=rows[URL].to_numpy(dtype=object),
    )


@functools.cache
def _shipped_rows(indicator: str) -> _Rows:
    """:func:`_indicator_rows` of the shipped table, worked out once per indicator (the
    shipped table never changes; callers only read the rows)."""
    return _indicator_rows(_shipped(), indicator)


def _pick(
    nat: _Rows,
    local: Span,
    level: str,
    variable: str | None,
    max_gap: int,
) -> tuple[int, bool, str]:
    """(row index or -1, tested, note) for one local row."""
    spans, levels, geo = nat.spans, nat.levels, nat.geo
    candidates = [
        (i, s)
        for i, s in enumerate(spans)
        if s is not None and (variable is None or levels[i] == level)
    ]
    if not candidates:
        what = f" for {variable} {level}" if variable is not None else ""
        return -1, False, f"no national figure{what}"
    testable = [
        (i, s)
        for i, s in candidates
        if geo[i] == ENGLAND
        and s.kind == local.kind
        and _gap(s, local) <= max_gap
        and _side(s) == _side(local)
    ]
    if testable:
        best, _ = min(testable, key=lambda c: (_gap(c[1], local), -c[1].last))
        return best, True, "like for like"
    # Context: nearest in time, preferring England and the same period type.
    best, s = min(
        candidates,
        key=lambda c: (
            int(geo[c[0]] != ENGLAND),
            int(c[1].kind != local.kind),
            abs(int((c[1].end - local.end).days)),
            -c[1].last,
        ),
    )
    period = str(nat.period[best])
    if geo[best] != ENGLAND:
        note = f"national figure for {geo[best]}{_MISMATCH_GEO}"
    elif s.kind != local.kind:
        note = f"national figure for a {s.kind} year ({period}){_MISMATCH_KIND}{local.kind} years"
    elif _side(s) != _side(local) and _gap(s, local) <= max_gap:
        note = f"national figure for {period}, on the other side of the April 2019 review reforms"
    else:
        note = f"national figure for {period}, not {_label(local)}"
    return best, False, note


def _label(span: Span) -> str:
    if span.kind == "financial":
        first = f"{span.first}/{(span.first + 1) % 100:02d}"
        if span.first == span.last:
            return first
        return f"{first}-{span.last}/{(span.last + 1) % 100:02d}"
    return str(span.first) if span.first == span.last else f"{span.first}-{span.last}"


def _x_n(
    func: str,
    local: pd.DataFrame,
    indicator: str,
    known: Indicator | None,
    x: str | None,
    n: str | None,
) -> tuple[str, str]:
    x_col = x or (known.x if known is not None else NUMERATOR)
    n_col = n or (known.n if known is not None else DENOMINATOR)
    for arg, col, given in (("x", x_col, x), ("n", n_col, n)):
        if col not in local.columns:
            why = (
                "given"
                if given is not None
                else f"the {'numerator' if arg == 'x' else 'denominator'} of {indicator!r}"
            )
            raise fail(
                func,
                f"argument `{arg}`: column {col!r} ({why}) is not in `local` (columns: "
                f"{', '.join(map(str, local.columns))}); pass `x` and `n`",
            )
    return x_col, n_col
