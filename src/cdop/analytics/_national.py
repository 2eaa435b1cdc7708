"""National benchmarks (England) and the comparison of local figures with them.

The shipped table ``data/national.csv`` holds the national figures of child death
review statistics with their period and source. Its ``edition`` column versions the
table (:data:`NATIONAL_EDITION`); a new edition adds or corrects rows and changes
the edition of every row. Rows are identified by ``indicator``, ``period`` and
``level``; :func:`national_benchmarks` lets users add rows or override shipped ones.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop.analytics._common import DEATHS, TOTAL, YEAR, N, fail
from cdop.analytics._periods import parse_label

__all__ = [
    "BENCHMARK_COLUMNS",
    "NATIONAL_EDITION",
    "BenchmarkUnit",
    "compare_national",
    "national_benchmarks",
]

#: Edition of the shipped national benchmarks.
NATIONAL_EDITION: Final = "2026.1"
#: Units of a benchmark: a count (not comparable), a percentage or a rate.
BenchmarkUnit: TypeAlias = Literal["count", "percent", "per 1,000", "per 100,000"]

EDITION: Final = "edition"
INDICATOR: Final = "indicator"
PERIOD: Final = "period"
VARIABLE: Final = "variable"
LEVEL: Final = "level"
VALUE: Final = "value"
NUMERATOR: Final = "numerator"
DENOMINATOR: Final = "denominator"
UNIT: Final = "unit"
SOURCE: Final = "source"
NOTE: Final = "note"
#: Columns of :func:`national_benchmarks`, in order.
BENCHMARK_COLUMNS: Final = (
    EDITION,
    INDICATOR,
    PERIOD,
    VARIABLE,
    LEVEL,
    VALUE,
    NUMERATOR,
    DENOMINATOR,
    UNIT,
    SOURCE,
    NOTE,
)
_TEXT: Final = (EDITION, INDICATOR, PERIOD, VARIABLE, LEVEL, UNIT, SOURCE, NOTE)
_NUMBERS: Final = (VALUE, NUMERATOR, DENOMINATOR)
_REQUIRED: Final = (INDICATOR, PERIOD, VALUE, UNIT)
_USER_EDITION: Final = "user"

#: Statistic and multiplier of each unit.
_UNITS: Final[dict[str, tuple[Literal["rate", "proportion"] | None, float]]] = {
    "count": (None, 1.0),
    "percent": ("proportion", 100.0),
    "per 1,000": ("rate", 1_000.0),
    "per 100,000": ("rate", 100_000.0),
}
_METHODS: Final = {
    "proportion": "Wilson score interval excludes the national value; exact binomial test",
    "rate": "Poisson interval (exact below 10 events, Byar's from 10) excludes the national "
    "value; exact Poisson test",
}

NATIONAL_PERIOD: Final = "national_period"
NATIONAL_VALUE: Final = "national_value"
SAME_PERIOD: Final = "same_period"
P_VALUE: Final = "p_value"
COMPARISON_METHOD: Final = "comparison_method"


def _typed(func: str, table: pd.DataFrame, arg: str) -> pd.DataFrame:
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise fail(
            func,
            f"argument `{arg}` must have columns {', '.join(_REQUIRED)}; "
            f"missing {', '.join(missing)}",
        )
    out = pd.DataFrame(index=pd.RangeIndex(len(table)))
    for col in BENCHMARK_COLUMNS:
        values = table[col].to_numpy() if col in table.columns else np.full(len(table), None)
        if col in _NUMBERS:
            out[col] = pd.to_numeric(pd.Series(values), errors="coerce").astype("float64")
        else:
            text = pd.Series(values, dtype="str").str.strip()
            out[col] = text.where(text.notna() & (text != ""))
    bad_unit = ~out[UNIT].isin(list(_UNITS))
    if bad_unit.any():
        raise fail(
            func,
            f"argument `{arg}`: column 'unit' must be one of "
            f"{', '.join(repr(u) for u in _UNITS)}; received "
            f"{out.loc[bad_unit, UNIT].iloc[0]!r}",
        )
    bad_period = out[PERIOD].map(lambda p: parse_label(str(p)) is None)
    if bad_period.any():
        raise fail(
            func,
            f"argument `{arg}`: column 'period' must hold labels such as "
            f"'2017/18', '2022' or '2015-2017'; received "
            f"{out.loc[bad_period, PERIOD].iloc[0]!r}",
        )
    if out[VALUE].isna().any() or out[INDICATOR].isna().any():
        raise fail(func, f"argument `{arg}`: every row needs an indicator and a numeric value")
    return out


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame[INDICATOR] + "|" + frame[PERIOD] + "|" + frame[LEVEL].fillna("")


@functools.cache
def _shipped() -> pd.DataFrame:
    """The shipped table, read once per process (callers get copies)."""
    path = resources.files("cdop.analytics").joinpath("data", "national.csv")
    with path.open("r", encoding="utf-8") as handle:
        return _typed(
            "national_benchmarks", pd.read_csv(handle, dtype=str, keep_default_na=False), "shipped"
        )


def national_benchmarks(extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national benchmarks (England), optionally with rows added or overridden.

    Parameters
    ----------
    extra : pandas.DataFrame, optional
        Rows to add, with at least ``indicator``, ``period``, ``value`` and ``unit``
        (``"count"``, ``"percent"``, ``"per 1,000"`` or ``"per 100,000"``), and
        ``variable`` / ``level`` for a figure of one level (e.g. ``sex`` / ``male``).
        A row with the ``indicator``, ``period`` and ``level`` of a shipped row
        replaces it. Their ``edition`` is ``"user"`` unless given.

    Returns
    -------
    pandas.DataFrame
        One row per figure, columns in this order:

        - ``edition``: edition of the shipped table (``"2026.1"``) or ``"user"``;
        - ``indicator``: e.g. ``"reviews_with_modifiable_factors"``;
        - ``period``: ``"2017/18"`` (financial year), ``"2022"`` (calendar year);
        - ``variable``, ``level``: the column and level the figure is for (e.g.
          ``"modifiable_factors"`` / ``"yes"``), missing for a whole-population figure;
        - ``value``: on the scale of ``unit``;
        - ``numerator``, ``denominator``: where published (else missing);
        - ``unit``; ``source``: the publication; ``note``.

    Examples
    --------
    >>> from cdop.analytics import national_benchmarks
    >>> nb = national_benchmarks()
    >>> row = nb[nb["indicator"] == "child_mortality_rate"]
    >>> print(row[["period", "value", "unit"]].to_string(index=False))
     period  value        unit
    2023/24   29.8 per 100,000
    >>> mine = pd.DataFrame({"indicator": ["child_mortality_rate"], "period": ["2024/25"],
    ...                      "value": [30.1], "unit": ["per 100,000"]})
    >>> national_benchmarks(mine).query("indicator == 'child_mortality_rate'")["edition"].tolist()
    ['2026.1', 'user']
    """
    func = "national_benchmarks"
    shipped = _shipped().copy()
    if extra is None:
        return shipped
    if not isinstance(extra, pd.DataFrame):
        raise fail(func, f"argument `extra` must be a DataFrame; received {type(extra).__name__}")
    user = _typed(func, extra, "extra")
    user[EDITION] = user[EDITION].fillna(_USER_EDITION)
    kept = shipped[~_key(shipped).isin(set(_key(user)))]
    return pd.concat([kept, user], ignore_index=True)


def compare_national(
    local: pd.DataFrame,
    indicator: str,
    *,
    national: pd.DataFrame | None = None,
    x: str | None = None,
    n: str | None = None,
    confidence: float | Sequence[float] = (0.95, 0.998),
) -> pd.DataFrame:
    """Compare local figures with the national value: significantly higher, lower or similar.

    Each row of ``local`` (an analytics table with a ``year`` column) is joined to the
    national figure of ``indicator`` for the same period, or else the latest
    national figure for a period ending on or before the local one
    (``same_period`` is then False). When the indicator is given by level (its
    ``variable``, e.g. ``sex``), rows are matched on that column of ``local`` too;
    rows with no national figure get missing comparisons.

    The comparison is :func:`cdop.stats.compare`: the local interval (Wilson for
    percentages, exact/Byar's Poisson for rates) at each confidence level either
    excludes the national value (``"higher"`` / ``"lower"``) or not (``"similar"``),
    the national value being taken as fixed; ``p_value`` is an exact two-sided test
    (binomial for percentages, Poisson for rates; central form).

    Parameters
    ----------
    local : pandas.DataFrame
        A table from :func:`breakdown`, :func:`review_durations`,
        :func:`review_timeliness`, :func:`infant_mortality`, :func:`child_mortality`.
    indicator : str
        An indicator of the benchmarks (see :func:`national_benchmarks`); count
        indicators cannot be compared.
    national : pandas.DataFrame, optional
        Benchmarks to use (default :func:`national_benchmarks`).
    x, n : str, optional
        Numerator and denominator columns of ``local``. Defaults: ``n`` and ``total``
        for percentages; ``deaths`` and ``live_births`` (or ``population``) for rates.
        :func:`review_timeliness` needs them given (e.g. ``x="within_12_months",
        n="reviews"``).
    confidence : float or sequence of float, default (0.95, 0.998)

    Returns
    -------
    pandas.DataFrame
        ``local`` (same index and columns), then:

        - ``national_period``, ``national_value``: the national figure used;
        - ``same_period``: False when an earlier period was used (missing if none);
        - ``comparison_95``, ``comparison_99_8``: ``"higher"``, ``"lower"`` or
          ``"similar"`` (``comparison`` with one level);
        - ``p_value``; ``comparison_method``: the method in words.

    Examples
    --------
    >>> import cdop
    >>> from cdop.analytics import breakdown, compare_national
    >>> ds = cdop.load_sample()
    >>> mod = breakdown(ds, "modifiable_factors", years=["2017/18", "2024/25"])
    >>> out = compare_national(mod, "reviews_with_modifiable_factors")
    >>> yes = out[out["modifiable_factors"] == "yes"]
    >>> print(yes[["year", "n", "total", "national_value", "comparison_95"]].to_string(
    ...     index=False))
       year  n  total  national_value comparison_95
    2017/18  4     25            28.0       similar
    2024/25 26     74            48.0         lower
    """
    func = "compare_national"
    from cdop import stats

    if not isinstance(local, pd.DataFrame):
        raise fail(func, f"argument `local` must be a DataFrame; received {type(local).__name__}")
    if YEAR not in local.columns:
        raise fail(func, "argument `local` must have a 'year' column (an analytics table)")
    table = national_benchmarks() if national is None else _typed(func, national, "national")
    rows = table[table[INDICATOR] == indicator].reset_index(drop=True)
    if rows.empty:
        known = ", ".join(sorted(table[INDICATOR].unique()))
        raise fail(func, f"argument `indicator` must be one of {known}; received {indicator!r}")
    units = rows[UNIT].unique()
    if len(units) != 1:
        raise fail(func, f"indicator {indicator!r} mixes units {', '.join(units)}")
    statistic, multiplier = _UNITS[str(units[0])]
    if statistic is None:
        raise fail(
            func, f"indicator {indicator!r} is a count; only percentages and rates can be compared"
        )
    x_col, n_col = _x_n(func, local, statistic, x, n)
    variables = rows[VARIABLE].dropna().unique()
    if len(variables) > 1:
        raise fail(func, f"indicator {indicator!r} mixes variables {', '.join(variables)}")
    variable = str(variables[0]) if len(variables) else None
    if variable is not None and variable not in local.columns:
        raise fail(
            func,
            f"indicator {indicator!r} is given by {variable!r}; argument `local` "
            f"has no such column",
        )

    # Parse each distinct label once; a row's span is then (kind, first, last, end day).
    local_codes, labels = pd.factorize(local[YEAR].astype("str"))
    local_info = _span_table(func, list(labels), "local", "year")[local_codes]
    nat_info = _span_table(func, [str(p) for p in rows[PERIOD]], "national", PERIOD)
    local_end = local_info[:, 3]
    nat_end = nat_info[:, 3]
    nat_len = nat_info[:, 2] - nat_info[:, 1]
    valid = nat_end[None, :] <= local_end[:, None]
    if variable is not None:
        local_level = local[variable].astype("str").to_numpy()
        nat_level = rows[LEVEL].astype("str").to_numpy()
        valid &= local_level[:, None] == nat_level[None, :]
    # Latest end first; among equal ends the single year (shortest span).
    score = np.where(valid, nat_end[None, :] * 1000 - nat_len[None, :], np.iinfo(np.int64).min)
    best = np.argmax(score, axis=1) if len(rows) else np.zeros(len(local), dtype=np.intp)
    found = valid[np.arange(len(local)), best] if len(local) else np.zeros(0, dtype=bool)
    national_value = np.where(found, rows[VALUE].to_numpy(dtype=np.float64)[best], np.nan)
    national_period = pd.Series(rows[PERIOD].to_numpy()[best], dtype="str").where(found)
    same = found & (nat_info[best, :3] == local_info[:, :3]).all(axis=1)

    work = pd.DataFrame(
        {
            "x": pd.to_numeric(local[x_col]).to_numpy(dtype=np.float64),
            "n": pd.to_numeric(local[n_col]).to_numpy(dtype=np.float64),
            "national": national_value,
        }
    )
    work["n"] = work["n"].where(work["n"] > 0)
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
    label_cols = [c for c in compared.columns if c.startswith("comparison")]
    out = local.copy()
    out[NATIONAL_PERIOD] = national_period.to_numpy()
    out[NATIONAL_VALUE] = national_value
    out[SAME_PERIOD] = pd.array(np.where(found, same, False), dtype="boolean")
    out.loc[~found, SAME_PERIOD] = pd.NA
    for col in label_cols:
        out[col] = compared[col].where(found).to_numpy()
    out[P_VALUE] = compared[P_VALUE].to_numpy(dtype=np.float64)
    out[COMPARISON_METHOD] = pd.Series(_METHODS[statistic], index=out.index, dtype="str").where(
        found
    )
    return out


def _span_table(func: str, labels: list[str], arg: str, column: str) -> npt.NDArray[np.int64]:
    """Per label: period kind (0 financial, 1 calendar), first and last start years, end day."""
    out = np.zeros((len(labels), 4), dtype=np.int64)
    for i, label in enumerate(labels):
        span = parse_label(label)
        if span is None:
            raise fail(
                func,
                f"argument `{arg}`: column {column!r} holds {label!r}, not a "
                f"period label such as '2017/18', '2022' or '2015-2017'",
            )
        end = int((span.end - pd.Timestamp(1970, 1, 1)).days)
        out[i] = (int(span.kind == "calendar"), span.first, span.last, end)
    return out


def _x_n(
    func: str, local: pd.DataFrame, statistic: str, x: str | None, n: str | None
) -> tuple[str, str]:
    if statistic == "proportion":
        x_col = x or N
        n_col = n or TOTAL
    else:
        x_col = x or DEATHS
        n_col = n or next(
            (c for c in ("live_births", "population") if c in local.columns), "live_births"
        )
    for arg, col in (("x", x_col), ("n", n_col)):
        if col not in local.columns:
            raise fail(
                func,
                f"argument `{arg}`: column {col!r} is not in `local` (columns: "
                f"{', '.join(map(str, local.columns))}); pass `x` and `n`",
            )
    return x_col, n_col
