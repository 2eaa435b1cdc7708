"""Any analytics result made fit to publish: the chapter's disclosure rules, the chapter's formats.

An analytics result is exact and unrounded (14.0625, a count of 1): right for analysis,
wrong to paste into a report. :func:`publishable` turns it into a table as the chapter
would print it: small counts hidden with the marker, and any count that would let them
be worked out; no percentage, rate or interval where the count behind it is hidden; no
rate from too few events and a flag on unreliable ones; numbers rounded as the chapter
rounds them. It returns a :class:`~cdop.report.ReportTable`, shown in a notebook as
published, with ``.to_frame()`` for the printed cells and ``.tidy`` for the values.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Sequence
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop import disclosure, schema
from cdop.errors import CdopArgumentError, SmallNumberWarning
from cdop.report._model import Align, ReportTable
from cdop.report._text import fmt_count, fmt_p, fmt_percent, fmt_rate

__all__ = ["publishable"]

_O = schema.OUTPUT

# Denominators that count people alive, not deaths: shown as they are.
_POPULATION_COUNTS: Final = frozenset(
    {schema.BIRTHS.live_births, schema.POPULATION.population, "births", "expected"}
)
# Columns that say where a row belongs (never hidden): the data contract's own (but its
# counts of the living), the derived ones, and the analytics' groupings.
_KEY_NAMES: Final = (
    frozenset(name for spec in schema.TABLES.values() for name in spec.names)
    | frozenset(
        {
            schema.DERIVED.age_group,
            schema.DERIVED.category_label,
            schema.DERIVED.factor_label,
            schema.DERIVED.gestation_band,
            schema.DERIVED.birthweight_band,
            _O.year,
            _O.period,
            _O.band,
            "indicator",
            # The span of a trend (mortality_trend): start years, not counts.
            "first_year",
            "last_year",
        }
    )
) - _POPULATION_COUNTS
# Keys that run along time: the columns of the grid that secondary suppression protects.
_TIME_KEYS: Final = frozenset({_O.year, _O.period})
# Denominators of proportions that count deaths or reviews: protected like any count.
_DEATH_DENOMINATORS: Final = (_O.denominator, "total", "reviews")
# Whole numbers that are not counts: printed as whole numbers, never as percentages.
_NOT_COUNTS: Final = frozenset({"rank", "multiplier", "periods"})
# How a result was computed: said once in the notes, not printed on every row.
_METADATA: Final = (_O.method, _O.confidence, _O.statistic)
_RATE_COLUMNS: Final = ("rate", _O.value)
# Derived columns named after their count: ``within_12_months_value``.
_SIBLING_SUFFIXES: Final = (_O.value, "percent")
_PERCENT_WORDS: Final = ("percent", "proportion")


def _is_integer(series: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )


def _detect_keys(result: pd.DataFrame) -> list[Hashable]:
    keys: list[Hashable] = []
    for name in result.columns:
        series = result[name]
        textual = isinstance(series.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)
        )
        if name in _METADATA:
            continue
        if name in _KEY_NAMES or (textual and str(name) in _KEY_NAMES | _TIME_KEYS):
            keys.append(name)
    return keys


def _detect_counts(
    result: pd.DataFrame, keys: Sequence[Hashable], living: frozenset[str]
) -> list[Hashable]:
    return [
        name
        for name in result.columns
        if name not in keys
        and name not in living
        and name not in _NOT_COUNTS
        and _is_integer(result[name])
    ]


def _kinds(
    frame: pd.DataFrame, statistic: Literal["rate", "proportion"] | None
) -> npt.NDArray[np.bool_]:
    """Which rows are rates (the others are proportions or plain counts)."""
    if statistic is not None:
        if statistic not in ("rate", "proportion"):
            raise CdopArgumentError(
                f"statistic: expected 'rate' or 'proportion', got {statistic!r}"
            )
        return np.full(len(frame), statistic == "rate", dtype=np.bool_)
    if _O.statistic in frame.columns:
        named = frame[_O.statistic].astype("string")
        return np.asarray(
            named.str.contains("rate|ratio", case=False, na=False).to_numpy(), dtype=np.bool_
        )
    if "rate" in frame.columns:
        return np.ones(len(frame), dtype=np.bool_)
    if _O.value in frame.columns and not any(
        w in str(c) for c in frame.columns for w in _PERCENT_WORDS
    ):
        raise CdopArgumentError(
            "publishable(): the result has a 'value' column but nothing says whether it is "
            "a rate or a proportion (disclosure control treats them differently); keep its "
            "'statistic' column, or pass statistic='rate' or statistic='proportion'"
        )
    return np.zeros(len(frame), dtype=np.bool_)


def _owner(column: str, counts: Sequence[Hashable]) -> Hashable | None:
    """The count a derived column belongs to, by name (``within_6_months_percent``)."""
    owners = [c for c in counts if column.startswith(f"{c}_")]
    return max(owners, key=lambda c: len(str(c))) if owners else None


def _grid_mask(
    frame: pd.DataFrame,
    count: Hashable,
    forced: npt.NDArray[np.bool_],
    rows: list[Hashable],
    columns: list[Hashable],
    rules: disclosure.DisclosureRules,
) -> npt.NDArray[np.bool_]:
    """Primary and secondary suppression of one count column, as a grid (rows x time)."""
    values = frame[count].to_numpy(dtype=np.int64).copy()
    # A count that must be hidden for another reason is hidden as a small count is.
    values[forced & (values > rules.threshold)] = 1
    if not rows or not columns or int(np.prod(frame[rows].nunique().to_numpy())) < 2:
        primary: npt.NDArray[np.bool_] = (values >= 1) & (values <= rules.threshold)
        return primary | forced
    long = frame[[*rows, *columns]].astype("object").fillna("(missing)").assign(_count=values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumberWarning)
        hidden = disclosure.suppress_long(
            long,
            rows=rows,
            columns=columns,
            count="_count",
            rules=rules,
            row_totals=False,
            column_totals=True,
            outside="ignore",
        )
    return np.asarray(hidden.to_numpy(dtype=bool) | forced, dtype=np.bool_)


def publishable(
    result: pd.DataFrame,
    *,
    rules: disclosure.DisclosureRules | None = None,
    title: str = "",
    counts: Sequence[Hashable] | None = None,
    keys: Sequence[Hashable] | None = None,
    statistic: Literal["rate", "proportion"] | None = None,
    events: str = "deaths",
) -> ReportTable:
    """An analytics result as the chapter would publish it: disclosure control, then formats.

    The result is protected on its own, with the chapter's rules:

    - a count from 1 to ``rules.threshold`` is hidden (the marker, "*"), and so is a
      count whose difference from its total (``total`` or ``denominator``) is that small;
    - secondary suppression: within each period (``year`` or ``period``), the counts of
      the other levels add up to a total readers know, so further counts are hidden until
      no hidden count can be worked out from it;
    - a percentage, rate, interval, median, p-value or verdict is hidden wherever a
      count it comes from is hidden; a rate from fewer than ``rules.min_rate_events``
      events is not shown, one from fewer than ``rules.unreliable_rate_events`` is
      flagged ``rules.unreliable_flag``;
    - counts are printed with thousands separators, percentages whole, rates and
      intervals to one decimal, p-values as "p < 0.001" below 0.001.

    It does not know what else will be published beside it: a chapter built by
    :func:`cdop.report.build` protects all its tables together, and its tables are the
    ones to publish. Use this for a figure of your own.

    Parameters
    ----------
    result
        A tidy result of :mod:`cdop.analytics` or :mod:`cdop.stats`.
    rules
        Disclosure rules (default: the chapter's, :class:`cdop.disclosure.DisclosureRules`).
    title
        Caption of the table.
    counts
        The columns holding counts of deaths or reviews (default: the whole-number columns
        that are neither keys nor counts of the living such as ``live_births``).
    keys
        The columns that identify a row (default: the data contract's columns and
        ``year``, ``period``, ``band``).
    statistic
        Whether ``value`` is a ``"rate"`` or a ``"proportion"`` (default: from the
        result's ``statistic`` column, or its ``rate`` or ``percent`` column). Rates
        follow the rules for rates; the denominator of a rate (live births, children)
        counts the living and is shown as it is.
    events
        What the rates count, for the notes ("deaths").

    Returns
    -------
    ReportTable
        ``rows`` as printed; ``tidy`` the values after disclosure control (hidden counts
        and everything computed from them missing, a ``suppressed`` flag per row);
        ``notes`` the disclosure note and the methods.

    Raises
    ------
    CdopArgumentError
        If ``result`` is not a DataFrame with rows, a named column is not in it, or a
        count column holds something other than whole numbers of 0 or more.

    Examples
    --------
    >>> import pandas as pd
    >>> from cdop.report import publishable
    >>> result = pd.DataFrame({"year": ["2023/24", "2023/24", "2023/24"],
    ...     "band": ["Under 6 months", "6-12 months", "Over 12 months"],
    ...     "n": [14, 3, 9], "total": [26, 26, 26],
    ...     "percent": [53.846, 11.538, 34.615]})
    >>> table = publishable(result, title="Reviews by time taken")
    >>> table.to_frame()
          year            band  n total percent
    0  2023/24  Under 6 months  14    26     54%
    1  2023/24     6-12 months   *    26       *
    2  2023/24  Over 12 months   *    26       *
    >>> table.tidy["n"].tolist()
    [14, <NA>, <NA>]
    """
    if not isinstance(result, pd.DataFrame):
        raise CdopArgumentError(f"result: expected a pandas DataFrame, got {type(result)!r}")
    if result.empty:
        raise CdopArgumentError("result: the table has no rows, so there is nothing to publish")
    rules = rules or disclosure.DisclosureRules()
    for what, given in (("counts", counts), ("keys", keys)):
        absent = [c for c in (given or ()) if c not in result.columns]
        if absent:
            raise CdopArgumentError(
                f"{what}: no column {absent[0]!r} in the result; its columns are "
                + ", ".join(map(str, result.columns))
            )
    frame = result.reset_index(drop=True)
    is_rate = _kinds(frame, statistic)
    living = _POPULATION_COUNTS | ({_O.denominator} if is_rate.any() else set())
    key_cols = list(keys) if keys is not None else _detect_keys(frame)
    count_cols = list(counts) if counts is not None else _detect_counts(frame, key_cols, living)
    for c in count_cols:
        numbers = pd.to_numeric(frame[c], errors="coerce")
        bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
        if bad.any():
            first = int(np.flatnonzero(bad.to_numpy())[0])
            value = frame[c].iloc[first]
            value = value.item() if isinstance(value, np.generic) else value
            raise CdopArgumentError(
                f"counts: column {c!r} must hold whole numbers of 0 or more; row {first} "
                f"holds {value!r}"
            )
        frame[c] = numbers.astype("int64")
    time_keys = [k for k in key_cols if str(k) in _TIME_KEYS]
    other_keys = [k for k in key_cols if k not in time_keys]
    denominator = next((c for c in _DEATH_DENOMINATORS if c in count_cols), None)

    hidden: dict[Hashable, npt.NDArray[np.bool_]] = {}
    for c in count_cols:
        values = frame[c].to_numpy(dtype=np.int64)
        forced: npt.NDArray[np.bool_] = np.zeros(len(frame), dtype=np.bool_)
        # The count of a proportion: the numerator, a count with a percentage named after
        # it, or the one count beside an unnamed percentage.
        proportion_count = (
            c == _O.numerator
            or any(f"{c}_{suffix}" in frame.columns for suffix in _SIBLING_SUFFIXES)
            or (len(count_cols) == 2 and any(v in frame.columns for v in _SIBLING_SUFFIXES))
        )
        if denominator is not None and c != denominator and proportion_count:
            rest = frame[denominator].to_numpy(dtype=np.int64) - values
            forced = (rest >= 1) & (rest <= rules.threshold)
        # A grid of counts needs a key (a table with none, a stats result say, is rows)
        grid = (
            rules.secondary
            and c != denominator
            and bool(key_cols)
            and not frame.duplicated(key_cols).any()
        )
        if grid:
            hidden[c] = _grid_mask(frame, c, forced, other_keys, time_keys, rules)
        else:
            hidden[c] = ((values >= 1) & (values <= rules.threshold)) | forced
    any_hidden = np.zeros(len(frame), dtype=bool)
    for mask in hidden.values():
        any_hidden |= mask

    # Rates: none from too few events, a flag on unreliable ones.
    event_col = next((c for c in count_cols if c != denominator), None)
    named = frame[_O.statistic].astype("string") if _O.statistic in frame.columns else None
    status: npt.NDArray[np.object_] = np.full(len(frame), "ok", dtype=object)
    if event_col is not None and is_rate.any():
        found = disclosure.rate_status(frame[event_col].to_numpy(dtype=np.float64), rules)
        status = np.where(is_rate, found, "ok").astype(object)

    # The period's label says what its start year says, in words: one of them is shown.
    hidden_cols = set(_METADATA) | ({_O.year} if _O.period in frame.columns else set())
    shown_cols = [c for c in frame.columns if c not in hidden_cols]
    cells: list[list[str]] = [[] for _ in range(len(frame))]
    tidy = frame.copy()
    fractions = False
    for c in shown_cols:
        series = frame[c]
        name = str(c)
        if c in key_cols:
            texts = ["" if pd.isna(v) else str(v) for v in series]
        elif c in count_cols:
            texts = [
                rules.marker if h else fmt_count(float(v))
                for v, h in zip(series, hidden[c], strict=True)
            ]
            tidy[c] = series.astype("Int64").mask(hidden[c])
        elif c in living and pd.api.types.is_numeric_dtype(series.dtype):
            texts = ["" if pd.isna(v) else fmt_count(float(v)) for v in series]
            numbers = series.astype("float64")
            fractions = fractions or bool((numbers.dropna() % 1 != 0).any())
        else:
            owner = _owner(name, count_cols)
            gone = hidden[owner] if owner is not None else any_hidden
            rate_like = owner is None and event_col is not None
            gone = gone | (rate_like & (status == "suppressed"))
            of_value = _of_value(name, frame.columns)
            percent = _percent_family(name, frame.columns) or (
                (name in _RATE_COLUMNS or (of_value and "_ci" in name)) & ~is_rate
            )
            texts = _format(name, series, named if of_value else None, percent)
            if rate_like and name in _RATE_COLUMNS:
                texts = [
                    t + f" {rules.unreliable_flag}" if s == "unreliable" and t else t
                    for t, s in zip(texts, status, strict=True)
                ]
            texts = [rules.marker if g else t for t, g in zip(texts, gone, strict=True)]
            tidy[c] = series.mask(gone)
        for row, text in zip(cells, texts, strict=True):
            row.append(text)
    tidy[_O.suppressed] = any_hidden | (status == "suppressed")
    if (status == "unreliable").any():
        tidy[_O.flag] = np.where(status == "unreliable", rules.unreliable_flag, "")

    notes = []
    note = disclosure.disclosure_note(
        rules,
        hidden_counts=bool(any_hidden.any()),
        suppressed_rates=bool((status == "suppressed").any()),
        unreliable_rates=bool((status == "unreliable").any()),
        events=events,
    )
    if note:
        notes.append(note)
    if fractions:
        notes.append(
            "Live births in a financial year are shared out from the calendar years it "
            "spans (three quarters of one, a quarter of the next), so they are not whole "
            "numbers; they are shown rounded."
        )
    if _O.method in frame.columns:
        methods = sorted({str(m) for m in frame[_O.method].dropna().unique()})
        if methods:
            notes.append("Intervals: " + ", ".join(methods) + ".")
    notes.append(
        "Protected on its own with the chapter's rules; the chapter's own tables are "
        "protected together."
    )
    align: tuple[Align, ...] = tuple("left" if c in key_cols else "right" for c in shown_cols)
    return ReportTable(
        id="publishable",
        title=title or "Result prepared for publication",
        header=tuple(str(c) for c in shown_cols),
        rows=tuple(tuple(r) for r in cells),
        tidy=tidy,
        notes=tuple(notes),
        align=align,
    )


def _of_value(name: str, columns: pd.Index) -> bool:
    """Whether a column is the statistic the ``statistic`` column names, or a limit of it.

    ``value``, ``within_12_months_value``, ``national_value``, ``lower_ci_95`` beside
    ``value``, ``within_6_months_upper_ci`` beside ``within_6_months_value``; not
    ``median_days``, ``rank``, nor ``rate_ratio_lower_ci`` (a limit of ``rate_ratio``).
    """
    if name == _O.value or name.endswith(f"_{_O.value}"):
        return True
    for limit in (_O.lower_ci, _O.upper_ci):
        if limit in name:
            base = name[: name.index(limit)]
            return f"{base}{_O.value}" in columns
    return False


def _percent_family(name: str, columns: pd.Index) -> bool:
    """Whether a column is a percentage, or a limit of one (``lower_ci`` beside ``percent``)."""
    if any(w in name for w in _PERCENT_WORDS):
        return True
    for limit in ("lower_ci", "upper_ci"):
        if limit in name:
            base = name[: name.index(limit)]
            return any(f"{base}{w}" in columns for w in _PERCENT_WORDS)
    return False


def _format(
    name: str,
    series: pd.Series,
    statistic: pd.Series | None,
    percent_column: bool | npt.NDArray[np.bool_],
) -> list[str]:
    """Printed text of a computed column: percentages, rates, p-values, other numbers."""
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return [
            "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in series
        ]
    values = series.astype("float64").to_numpy()
    if "p_value" in name:
        return ["" if math.isnan(v) else fmt_p(float(v)) for v in values]
    if name in _NOT_COUNTS:
        return ["" if math.isnan(v) else f"{v:.0f}" for v in values]
    percent = np.broadcast_to(np.asarray(percent_column, dtype=np.bool_), len(values)).copy()
    if statistic is not None:
        percent |= statistic.str.contains("|".join(_PERCENT_WORDS), case=False, na=False).to_numpy()
    return [
        "" if math.isnan(v) else (fmt_percent(float(v)) if p else fmt_rate(float(v)))
        for v, p in zip(values, percent, strict=True)
    ]
