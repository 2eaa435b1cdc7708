"""Infant and child mortality rates: deaths from the notifications over births or population.

Which years are shown by default
--------------------------------
The notifications of a panel cover the reporting years from the first to the last
``date_notified``: from the 1 April starting the first to the 31 March ending the
last. A mortality rate is shown by default only for the years wholly inside that
window (a calendar year half covered would understate the rate) and having a
denominator. ``years=`` overrides the choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop import schema
from cdop.analytics._common import (
    DENOMINATOR,
    NUMERATOR,
    PERIOD,
    YEAR,
    Axis,
    By,
    FloatArray,
    Grid,
    IntArray,
    check_choice,
    check_confidence,
    column_axis,
    counts_column,
    fail,
    parse_by,
    remembered,
    with_start_year,
    year_axis,
)
from cdop.analytics._intervals import rate_columns
from cdop.analytics._periods import (
    PeriodKind,
    Span,
    Years,
    check_period,
    pooled_label,
    select_years,
    start_years,
    year_codes,
)
from cdop.dataset import Dataset

__all__ = ["InfantMeasure", "child_mortality", "infant_mortality"]

#: Which infant deaths: under 1 year, 0-27 days or 28-364 days.
InfantMeasure: TypeAlias = Literal["infant", "neonatal", "postneonatal"]

_N = schema.NOTIFICATIONS
_B = schema.BIRTHS
_P = schema.POPULATION
_D = schema.DERIVED

#: Column of the deaths of a supplied ``deaths`` table (``numerator`` is also accepted).
DEATHS: Final = "deaths"

#: Age groups of deaths (schema.AGE_GROUPS) under each measure.
_MEASURE_AGE_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "infant": schema.AGE_GROUPS[:2],
    "neonatal": schema.AGE_GROUPS[:1],
    "postneonatal": schema.AGE_GROUPS[1:2],
}
#: Age group of the population denominators for each age group of deaths (in order:
#: both infant groups are "under_1", then 1-4, 5-9, 10-14, 15-17).
_POPULATION_AGE_OF_DEATH: Final[dict[str, str]] = dict(
    zip(
        schema.AGE_GROUPS,
        (schema.POPULATION_AGE_GROUPS[0], *schema.POPULATION_AGE_GROUPS),
        strict=True,
    )
)
#: Share of a financial year's births falling in its first calendar year (April-December).
_FY_FIRST_CALENDAR_SHARE: Final = 0.75


@dataclass(frozen=True)
class _Events:
    """Rows to sum on the grid: their key columns, start year and weight.

    ``parts`` numbers, for denominators made of several parts (a financial year's births
    are April-December of one calendar year and January-March of the next; the children
    are those of every age group), the part of each row, 0 to ``n_parts - 1``; a cell
    (group and year) has a denominator only when every part gives a row.
    """

    keys: pd.DataFrame
    starts: FloatArray
    weights: FloatArray
    parts: npt.NDArray[np.int8] | None = None
    n_parts: int = 1


def _covered_years(notifications: pd.DataFrame, kind: PeriodKind) -> list[int]:
    """Years of ``kind`` wholly inside the reporting years of the notifications."""
    notified = start_years(notifications[_N.date_notified], "financial")
    notified = notified[~np.isnan(notified)]
    if notified.size == 0:
        return []
    window = Span("financial", int(notified.min()), int(notified.max()))
    return [
        y
        for y in range(window.first, window.last + 1)
        if Span(kind, y, y).start >= window.start and Span(kind, y, y).end <= window.end
    ]


def _pool_windows(func: str, starts: Sequence[int], pool: object) -> list[tuple[int, int]]:
    """(first index, last index) of each run of ``pool`` consecutive years."""
    if isinstance(pool, bool) or not isinstance(pool, (int, np.integer)) or int(pool) < 1:
        raise fail(
            func, f"argument `pool` must be a whole number of years, 1 or more; received {pool!r}"
        )
    p = int(pool)
    windows = [
        (i, i + p - 1) for i in range(len(starts) - p + 1) if starts[i + p - 1] - starts[i] == p - 1
    ]
    if starts and not windows:
        raise fail(
            func,
            f"argument `pool` ({p} years) is wider than every run of consecutive years "
            f"(start years {', '.join(str(s) for s in starts)}); give at least {p} consecutive "
            f"years or a smaller pool",
        )
    return windows


def _rates(
    func: str,
    by_axes: list[Axis],
    starts: list[int],
    kind: PeriodKind,
    pool: int,
    deaths: _Events,
    denominators: _Events,
    integer_denominator: bool,
    multiplier: float,
    confidence: Sequence[float],
) -> pd.DataFrame:
    """Sum deaths and denominators on (by..., year), pool years, attach rates."""
    windows = _pool_windows(func, starts, pool)
    grid = Grid((*by_axes, year_axis([str(y) for y in starts])))

    def summed(ev: _Events) -> FloatArray:
        codes: list[IntArray] = [a.codes(ev.keys[a.name]) for a in by_axes]
        cells = grid.flat([*codes, year_codes(ev.starts, starts)])
        return grid.count(cells, ev.weights).reshape(grid.shape)

    d = summed(deaths)
    n = summed(denominators)
    # A group's year has a denominator only when the table gives every part of it, and a
    # pooled period only when each of its years has one: a part alone would understate
    # the births (or children) and overstate the rate.
    parts = denominators.parts
    given = np.zeros(len(denominators.weights), dtype=np.int8) if parts is None else parts
    lacking = np.zeros(grid.shape)
    for part in range(denominators.n_parts):
        rows = given == part
        present = _Events(
            denominators.keys[rows], denominators.starts[rows], np.ones(int(rows.sum()))
        )
        lacking += summed(present) == 0
    first = np.array([w[0] for w in windows], dtype=np.intp)
    last = np.array([w[1] for w in windows], dtype=np.intp)
    zero = np.zeros((*grid.shape[:-1], 1))
    cum_d = np.concatenate([zero, np.cumsum(d, axis=-1)], axis=-1)
    cum_n = np.concatenate([zero, np.cumsum(n, axis=-1)], axis=-1)
    cum_lacking = np.concatenate([zero, np.cumsum(lacking, axis=-1)], axis=-1)
    pooled_d = cum_d[..., last + 1] - cum_d[..., first]
    pooled_n = cum_n[..., last + 1] - cum_n[..., first]
    pooled_n[(cum_lacking[..., last + 1] - cum_lacking[..., first]) > 0] = 0.0
    labels = [pooled_label(starts[a], starts[b], kind) for a, b in windows]
    out = Grid((*by_axes, year_axis(labels))).frame()
    out[NUMERATOR] = counts_column(pooled_d.reshape(-1))
    denominator = pooled_n.reshape(-1)
    # No births (or children) at all, e.g. the deaths with no quintile: missing, not 0.
    none = denominator <= 0
    if integer_denominator:
        out[DENOMINATOR] = pd.array(counts_column(denominator), dtype="Int64")
        out.loc[none, DENOMINATOR] = pd.NA
    else:
        out[DENOMINATOR] = np.where(none, np.nan, denominator)
    rates = rate_columns(pooled_d.reshape(-1), denominator, multiplier, confidence)
    out = pd.concat([out, rates], axis=1)
    return with_start_year(out, [starts[a] for a, _ in windows])


def _by_columns(func: str, by: By, *tables: pd.DataFrame, reserved: Sequence[str]) -> list[str]:
    common = set(tables[0].columns)
    for t in tables[1:]:
        common &= set(t.columns)
    return parse_by(func, by, sorted(common - set(reserved)), exclude=(YEAR, PERIOD))


@remembered
def infant_mortality(
    ds: Dataset,
    *,
    by: By = _N.imd_quintile,
    measure: InfantMeasure = "infant",
    period: PeriodKind = "calendar",
    pool: int = 1,
    years: Years = None,
    deaths: pd.DataFrame | None = None,
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Infant (or neonatal, post-neonatal) mortality per 1,000 live births.

    Deaths are the notified deaths by year of death aged under 1 year (``"infant"``:
    age groups 0-27 and 28-364 days), 0-27 days (``"neonatal"``) or 28-364 days
    (``"postneonatal"``), or the counts of a supplied ``deaths`` table. Denominators
    are the live births of ``ds.births`` (calendar years). For financial years the
    births are estimated as ``0.75 x births(Y) + 0.25 x births(Y + 1)`` (April to
    December of year Y, January to March of Y + 1), so both calendar years are
    needed: a year (or pooled period) has a denominator only when the births give
    every part of it for its group, never a part alone. The estimate is usually not a
    whole number (``0.75 x 1,329 + 0.25 x 1,342 = 1,332.25``): it is kept exact for the
    rate, and printed rounded by the chapter and :func:`cdop.report.publishable`.

    Rate ``= deaths / live_births x 1000`` with exact Poisson limits below 10 deaths
    and Byar's at 10 or more (:func:`cdop.stats.rate`).

    Parameters
    ----------
    ds : Dataset
        Must hold a births table.
    by : str or list of str, optional, default "imd_quintile"
        Grouping by columns present in both the births and the deaths
        (``"imd_quintile"``, ``"residence_area"``, ``"imd_decile"`` when births carry
        deciles); ``None`` for the whole panel. Deaths with no quintile form a last
        level whose rate is missing (no births).
    measure : {"infant", "neonatal", "postneonatal"}, default "infant"
    period : {"calendar", "financial"}, default "calendar"
    pool : int, default 1
        Pool this many consecutive years, rolling by one year (``pool=3`` gives
        ``"2015-2017"``, ``"2016-2018"``, ...): deaths and births are summed.
    years : label, start year or list of them, optional
        Single years to use (default: the years wholly covered by the notifications
        and having births; see the module notes).
    deaths : pandas.DataFrame, optional
        Deaths to use instead of the notifications: columns ``year`` (start year of
        the calendar or financial year), the ``by`` columns and ``numerator`` (or
        ``deaths``: counts).
    confidence : float or sequence of float, default 0.95
        One level, or several (limits ``lower_ci_95``, ``upper_ci_99_8``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` level and (pooled) year (``docs/vocabulary.md``):

        - the ``by`` columns, ``year`` (start year of the year or of the pooled
          period's first year, integer), ``period`` (its label);
        - ``numerator``: deaths;
        - ``denominator``: live births (integer for calendar years, estimated for
          financial years; missing where there are none, e.g. for deaths with no
          quintile);
        - ``value``: rate per 1,000 live births (NaN without births);
        - ``lower_ci``, ``upper_ci``; ``confidence``; ``statistic``
          (``"rate per 1000"``); ``method`` (``"Exact"`` or ``"Byars"``).

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> imr = cdop.analytics.infant_mortality(ds)
    >>> imr.columns.tolist()[:5]
    ['imd_quintile', 'year', 'period', 'numerator', 'denominator']
    >>> imr.columns.tolist()[5:]
    ['value', 'lower_ci', 'upper_ci', 'confidence', 'statistic', 'method']
    >>> q1 = imr[imr["imd_quintile"] == 1]
    >>> bool((q1["value"] == q1["numerator"] / q1["denominator"] * 1000).all())
    True
    >>> pooled = cdop.analytics.infant_mortality(ds, by=None, pool=3)
    >>> pooled["period"].tolist()[:2], pooled["year"].tolist()[:2]
    (['2018-2020', '2019-2021'], [2018, 2019])
    """
    func = "infant_mortality"
    kind = check_period(func, period)
    check_choice(func, "measure", measure, tuple(_MEASURE_AGE_GROUPS))
    conf = check_confidence(func, confidence)
    births = ds.births
    if births is None:
        raise fail(
            func,
            "the dataset has no births table; infant mortality needs live births "
            "by year (read_dataset with a 'births' table)",
        )
    notes = ds.notifications
    if deaths is None:
        by_cols = _by_columns(func, by, births, notes, reserved=(_B.year, _B.live_births))
        keep = notes[_D.age_group].isin(_MEASURE_AGE_GROUPS[measure]).to_numpy()
        death_rows = notes.loc[keep, by_cols]
        death_starts = start_years(notes.loc[keep, _N.date_of_death], kind)
        death_weights = np.ones(len(death_rows))
        default_years = _covered_years(notes, kind)
    else:
        count_col = next(
            (c for c in (NUMERATOR, DEATHS) if isinstance(deaths, pd.DataFrame) and c in deaths),
            None,
        )
        if not isinstance(deaths, pd.DataFrame) or YEAR not in deaths or count_col is None:
            raise fail(
                func,
                "argument `deaths` must be a DataFrame with columns 'year' (start year), "
                "'numerator' (or 'deaths') and the `by` columns",
            )
        by_cols = _by_columns(
            func, by, births, deaths, reserved=(_B.year, _B.live_births, NUMERATOR, DEATHS)
        )
        death_rows = deaths[by_cols]
        death_starts = pd.to_numeric(deaths[YEAR]).to_numpy(dtype=np.float64)
        death_weights = pd.to_numeric(deaths[count_col]).to_numpy(dtype=np.float64)
        default_years = sorted({int(y) for y in death_starts[~np.isnan(death_starts)]})
    for col in by_cols:
        if births[col].isna().all():
            raise fail(
                func,
                f"argument `by` names column {col!r}, which the births table "
                f"does not hold (all missing)",
            )
    birth_years = births[_B.year].to_numpy(dtype=np.float64)
    births_n = births[_B.live_births].to_numpy(dtype=np.float64)
    present = {int(y) for y in birth_years}
    if kind == "calendar":
        denominators = _Events(births[by_cols], birth_years, births_n)
        available = present
    else:
        share = _FY_FIRST_CALENDAR_SHARE
        # Two parts: April-December of Y and January-March of Y + 1, both needed (for each
        # group) for the births of Y/Y+1.
        denominators = _Events(
            pd.concat([births[by_cols], births[by_cols]], ignore_index=True),
            np.concatenate([birth_years, birth_years - 1]),
            np.concatenate([births_n * share, births_n * (1 - share)]),
            np.repeat(np.array([0, 1], dtype=np.int8), len(births)),
            n_parts=2,
        )
        available = {y for y in present if y + 1 in present}
    starts = select_years(func, years, [y for y in default_years if y in available], kind)
    axes = [column_axis(c, death_rows[c], births[c]) for c in by_cols]
    return _rates(
        func,
        axes,
        starts,
        kind,
        pool,
        _Events(death_rows, death_starts, death_weights),
        denominators,
        kind == "calendar",
        1000.0,
        conf,
    )


@remembered
def child_mortality(
    ds: Dataset,
    *,
    by: By = None,
    period: PeriodKind = "financial",
    pool: int = 1,
    years: Years = None,
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Child deaths (aged 0-17) per 100,000 children.

    Deaths are the notified deaths by year of death; denominators the children of
    ``ds.population`` (mid-year estimates: calendar year Y and financial year Y/Y+1
    both use mid-year Y, as the national child mortality statistics do). The
    population's age groups are ``under_1``, ``1-4``, ``5-9``, ``10-14`` and
    ``15-17``; deaths at 0-27 and 28-364 days count as ``under_1``.

    Rate ``= deaths / population x 100000`` with exact Poisson limits below 10 deaths
    and Byar's at 10 or more (:func:`cdop.stats.rate`).

    Parameters
    ----------
    ds : Dataset
        Must hold a population table.
    by : str or list of str, optional
        Any of ``"age_group"`` (population age groups), ``"sex"`` (the population
        must then be given by sex), ``"residence_area"``.
    period : {"financial", "calendar"}, default "financial"
    pool : int, default 1
        Pool this many consecutive years, rolling by one year.
    years : label, start year or list of them, optional
        Single years to use (default: the years wholly covered by the notifications
        and having a population).
    confidence : float or sequence of float, default 0.95
        One level, or several (limits ``lower_ci_95``, ``upper_ci_99_8``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` level and (pooled) year (``docs/vocabulary.md``):

        - the ``by`` columns, ``year`` (start year, integer), ``period`` (its label);
        - ``numerator``: deaths; ``denominator``: children (missing where none);
        - ``value``: rate per 100,000 children (NaN without population);
        - ``lower_ci``, ``upper_ci``; ``confidence``; ``statistic``
          (``"rate per 100000"``); ``method`` (``"Exact"`` or ``"Byars"``).

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> cmr = cdop.analytics.child_mortality(ds, by="age_group")
    >>> cmr["age_group"].cat.categories.tolist()
    ['under_1', '1-4', '5-9', '10-14', '15-17']
    >>> cmr.columns.tolist()[1:6]
    ['year', 'period', 'numerator', 'denominator', 'value']
    """
    func = "child_mortality"
    kind = check_period(func, period)
    conf = check_confidence(func, confidence)
    population = ds.population
    if population is None:
        raise fail(
            func,
            "the dataset has no population table; child mortality needs the "
            "child population by year (read_dataset with a 'population' table)",
        )
    notes = ds.notifications
    pop_age = (
        notes[_D.age_group].map(_POPULATION_AGE_OF_DEATH).astype(population[_P.age_group].dtype)
    )
    deaths_frame = notes.assign(**{_P.age_group: pop_age})
    by_cols = _by_columns(func, by, population, deaths_frame, reserved=(_P.year, _P.population))
    for col in by_cols:
        if population[col].isna().any():
            raise fail(
                func,
                f"argument `by` names column {col!r}, which is missing in "
                f"{int(population[col].isna().sum())} rows of the population "
                f"table",
            )
    pop_years = population[_P.year].to_numpy(dtype=np.float64)
    available = {int(y) for y in pop_years}
    starts = select_years(
        func, years, [y for y in _covered_years(notes, kind) if y in available], kind
    )
    axes = [column_axis(c, deaths_frame[c], population[c]) for c in by_cols]
    deaths = _Events(
        deaths_frame[by_cols], start_years(notes[_N.date_of_death], kind), np.ones(len(notes))
    )
    # Children of every age group, unless the rates are by age group: a year without one
    # of them has no denominator (its deaths would be counted over too few children).
    by_age = _P.age_group in by_cols
    groups = schema.POPULATION_AGE_GROUPS
    age_codes = np.asarray(
        pd.Categorical(population[_P.age_group], categories=groups).codes, dtype=np.int8
    )
    denominators = _Events(
        population[by_cols],
        pop_years,
        population[_P.population].to_numpy(dtype=np.float64),
        None if by_age else age_codes,
        1 if by_age else len(groups),
    )
    return _rates(func, axes, starts, kind, pool, deaths, denominators, True, 100_000.0, conf)
