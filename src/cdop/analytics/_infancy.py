"""Deaths in infancy: sudden unexpected deaths and their sleep circumstances, neonatal
deaths by gestation and birthweight.

Definitions
-----------
- **Sudden unexpected death in infancy (SUDI)**: the death of an infant under one year
  (age groups 0-27 and 28-364 days) that was not expected (``expected_death`` is
  ``"unexpected"`` on the notification), whether or not a cause was found later. The
  sleep fields come from the supplementary form for these deaths.
- **Neonatal death**: a death at 0-27 days. Gestation (completed weeks) and birthweight
  come from the supplementary form for neonatal deaths, in the bands of
  :data:`cdop.schema.GESTATION_BANDS` and :data:`cdop.schema.BIRTHWEIGHT_BANDS`.

Both count completed reviews by the year the review was completed, like
:func:`cdop.analytics.breakdown`, so that they add up with the chapter's other tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal, TypeAlias

import numpy as np
import pandas as pd

from cdop import schema
from cdop.analytics._common import (
    DENOMINATOR,
    NUMERATOR,
    PERIOD,
    check_choice,
    check_confidence,
    remembered,
    reviewed,
    with_start_year,
)
from cdop.analytics._intervals import percent_columns
from cdop.analytics._periods import (
    PeriodKind,
    Years,
    build_year_axis,
    check_period,
    data_years,
    start_years,
    year_codes,
)
from cdop.dataset import Dataset

__all__ = [
    "NeonatalBand",
    "SleepField",
    "neonatal_bands",
    "sudi_circumstances",
    "sudi_mask",
]

#: The sleep fields of the supplementary form for sudden unexpected deaths in infancy.
SleepField: TypeAlias = Literal[
    "sleep_place", "sleep_position", "co_sleeping", "smoking", "alcohol_or_drugs"
]
#: Neonatal deaths by gestation at birth or by birthweight.
NeonatalBand: TypeAlias = Literal["gestation", "birthweight"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_D = schema.DERIVED

#: The codes of each sleep field, in report order.
SLEEP_FIELD_CODES: Final[dict[str, tuple[str, ...]]] = {
    _N.sleep_place: schema.SLEEP_PLACE_CODES,
    _N.sleep_position: schema.SLEEP_POSITION_CODES,
    _N.co_sleeping: schema.YES_NO_CODES,
    _N.smoking: schema.YES_NO_CODES,
    _N.alcohol_or_drugs: schema.YES_NO_CODES,
}
#: The infant age groups (under one year).
INFANT_GROUPS: Final = tuple(schema.AGE_GROUPS[:2])
#: The neonatal age group.
NEONATAL_GROUP: Final = schema.AGE_GROUPS[0]


def sudi_mask(records: pd.DataFrame) -> pd.Series:
    """Which records (notifications, or reviews joined to them) are sudden unexpected
    deaths in infancy: under one year and notified as unexpected.

    Examples
    --------
    >>> d = pd.DataFrame({"age_group": ["28-364 days", "28-364 days", "1-4 years"],
    ...                   "expected_death": ["unexpected", "expected", "unexpected"]})
    >>> sudi_mask(d).tolist()
    [True, False, False]
    """
    infant = records[_D.age_group].astype("object").isin(INFANT_GROUPS)
    unexpected = records[_N.expected_death].astype("object") == "unexpected"
    return pd.Series((infant & unexpected).to_numpy(dtype=bool), index=records.index)


def _band(values: pd.Series, bounds: Sequence[int], labels: Sequence[str]) -> pd.Series:
    """The band of each value (NA where the value is missing)."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    position = np.searchsorted(np.asarray(bounds, dtype=np.float64), numbers, side="right") - 1
    out = np.where(np.isnan(numbers), None, np.asarray(labels, dtype=object)[position.clip(0)])
    return pd.Series(out, index=values.index, dtype="object")


def _counts(
    func: str,
    records: pd.DataFrame,
    keep: pd.Series,
    levels: pd.Series,
    codes: Sequence[str],
    name: str,
    years: Years,
    kind: PeriodKind,
    confidence: Sequence[float],
) -> pd.DataFrame:
    """Reviews kept, per year and level (every code, then a missing level), with totals."""
    starts = start_years(records[_R.date_review_completed], kind)
    year_ax, axis_starts = build_year_axis(func, years, data_years(starts), kind, False, 2008)
    labels = [str(label) for label in year_ax.levels]
    position = year_codes(starts, axis_starts)
    kept = keep.to_numpy(dtype=bool) & (position >= 0)
    code_of = {code: i for i, code in enumerate(codes)}
    level_index = np.array(
        [code_of.get(v, len(codes)) if isinstance(v, str) else len(codes) for v in levels],
        dtype=np.intp,
    )
    counts = np.zeros((len(labels), len(codes) + 1), dtype=np.int64)
    np.add.at(counts, (position[kept], level_index[kept]), 1)
    totals = counts.sum(axis=1)
    out = pd.DataFrame(
        {
            PERIOD: pd.Categorical(np.repeat(labels, len(codes) + 1), dtype=year_ax.dtype),
            name: np.array([*codes, None] * len(labels), dtype=object),
            NUMERATOR: counts.ravel(),
            DENOMINATOR: np.repeat(totals, len(codes) + 1),
        }
    )
    ci = percent_columns(
        out[NUMERATOR].to_numpy(dtype=np.float64),
        out[DENOMINATOR].to_numpy(dtype=np.float64),
        confidence,
    )
    return with_start_year(pd.concat([out, ci], axis=1), axis_starts)


@remembered
def sudi_circumstances(
    ds: Dataset,
    variable: SleepField,
    *,
    years: Years = None,
    period: PeriodKind = "financial",
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Sudden unexpected deaths in infancy reviewed, by one sleep circumstance, per year.

    Parameters
    ----------
    ds : Dataset
    variable : {"sleep_place", "sleep_position", "co_sleeping", "smoking", "alcohol_or_drugs"}
        Where the infant was put down to sleep, the position found, whether the infant
        was sharing a sleep surface, smoking by a parent or carer, alcohol or drug use
        by a carer.
    years : label, start year or list of them, optional
        Years of review completion (default: every year from the first to the last
        review).
    period : {"financial", "calendar"}, default "financial"
    confidence : float or sequence of float, default 0.95
        One level, or several (limits ``lower_ci_95``, ``upper_ci_99_8``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per year and level (the field's codes in contract order, then a missing
        level for deaths without the form's answer), in the shared vocabulary of
        ``docs/vocabulary.md``:

        - ``year`` (start year, integer), ``period`` (its label), the ``variable`` column;
        - ``numerator``: sudden unexpected deaths in infancy reviewed with that answer;
        - ``denominator``: sudden unexpected deaths in infancy reviewed in the year;
        - ``value``: ``numerator / denominator * 100``; ``lower_ci``, ``upper_ci``
          (Wilson); ``confidence``, ``statistic`` (``"percentage"``), ``method``.

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> place = cdop.analytics.sudi_circumstances(ds, "sleep_place", years="2023/24")
    >>> place["sleep_place"].tolist()
    ['cot_or_moses_basket', 'adult_bed', 'sofa_or_armchair', 'car_seat_or_pram', 'other', \
'not_stated', nan]
    >>> bool(place["numerator"].sum() == place["denominator"].iloc[0])
    True
    """
    func = "sudi_circumstances"
    check_choice(func, "variable", variable, tuple(SLEEP_FIELD_CODES))
    kind = check_period(func, period)
    conf = check_confidence(func, confidence)
    records = reviewed(ds)
    return _counts(
        func,
        records,
        sudi_mask(records),
        records[variable].astype("object"),
        SLEEP_FIELD_CODES[variable],
        variable,
        years,
        kind,
        conf,
    )


@remembered
def neonatal_bands(
    ds: Dataset,
    band: NeonatalBand = "gestation",
    *,
    years: Years = None,
    period: PeriodKind = "financial",
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Neonatal deaths (0-27 days) reviewed, by gestation or birthweight band, per year.

    Gestation is banded on completed weeks (``gestation_weeks``; the extra days do not
    move a baby to the next band): under 24, 24-27, 28-31, 32-36, 37 or more weeks.
    Birthweight: under 1,000 g, 1,000-1,499 g, 1,500-2,499 g, 2,500 g or more.

    Parameters
    ----------
    ds : Dataset
    band : {"gestation", "birthweight"}, default "gestation"
    years : label, start year or list of them, optional
        Years of review completion (default: every year from the first to the last
        review).
    period : {"financial", "calendar"}, default "financial"
    confidence : float or sequence of float, default 0.95
        One level, or several (limits ``lower_ci_95``, ``upper_ci_99_8``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per year and band (in order, then a missing level for deaths whose
        gestation or birthweight was not recorded), in the shared vocabulary of
        ``docs/vocabulary.md``:

        - ``year`` (start year, integer), ``period`` (its label), ``gestation_band`` or
          ``birthweight_band``;
        - ``numerator``: neonatal deaths reviewed in the band;
        - ``denominator``: neonatal deaths reviewed in the year;
        - ``value``: ``numerator / denominator * 100``; ``lower_ci``, ``upper_ci``
          (Wilson); ``confidence``, ``statistic`` (``"percentage"``), ``method``.

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> g = cdop.analytics.neonatal_bands(ds, "gestation", years="2023/24")
    >>> g["gestation_band"].tolist()
    ['Under 24 weeks', '24-27 weeks', '28-31 weeks', '32-36 weeks', '37 weeks or more', nan]
    >>> w = cdop.analytics.neonatal_bands(ds, "birthweight", years="2023/24")
    >>> bool(w["denominator"].iloc[0] == g["denominator"].iloc[0])
    True
    """
    func = "neonatal_bands"
    check_choice(func, "band", band, ("gestation", "birthweight"))
    kind = check_period(func, period)
    conf = check_confidence(func, confidence)
    records = reviewed(ds)
    labels: tuple[str, ...]
    if band == "gestation":
        name, labels = _D.gestation_band, schema.GESTATION_BANDS
        levels = _band(records[_N.gestation_weeks], schema.GESTATION_BAND_BOUNDS_WEEKS, labels)
    else:
        name, labels = _D.birthweight_band, schema.BIRTHWEIGHT_BANDS
        levels = _band(records[_N.birthweight_grams], schema.BIRTHWEIGHT_BAND_BOUNDS_GRAMS, labels)
    keep = records[_D.age_group].astype("object") == NEONATAL_GROUP
    return _counts(func, records, keep, levels, labels, name, years, kind, conf)
