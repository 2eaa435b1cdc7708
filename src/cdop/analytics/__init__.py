"""CDOP analytics: every number of the annual report as a tidy DataFrame.

Every function takes a :class:`~cdop.Dataset` and keyword options and returns a new
DataFrame with documented columns in a fixed order. Every function accepts ``by``
for extra grouping (e.g. ``"residence_area"``), computed in one vectorised pass;
every level appears, zero or not, in the fixed order of the data contract's code
lists. Intervals come from :mod:`cdop.stats`. Every result speaks the shared
vocabulary of ``docs/vocabulary.md``: an integer ``year`` (start year) beside its
``period`` label, ``numerator``, ``denominator``, ``value``, ``lower_ci``, ``upper_ci``,
``confidence``, ``statistic`` and ``method``. See ``docs/analytics.md``.

Examples
--------
>>> import cdop
>>> ds = cdop.load_sample()
>>> act = cdop.analytics.activity(ds)
>>> act["year"].tolist()[:3], act["period"].tolist()[:3]
([2017, 2018, 2019], ['2017/18', '2018/19', '2019/20'])
"""

from __future__ import annotations

from cdop.analytics._activity import ACTIVITY_COLUMNS, activity
from cdop.analytics._areas import (
    AREA_COMPARISON_COLUMNS,
    FUNNEL_LIMIT_COLUMNS,
    AreaStatistic,
    area_funnel_limits,
    compare_areas,
    with_total,
)
from cdop.analytics._breakdown import Basis, breakdown
from cdop.analytics._common import By
from cdop.analytics._deaths import child_deaths
from cdop.analytics._delays import DELAY_COLUMNS, review_delays
from cdop.analytics._durations import (
    NATIONAL_BANDS,
    REPORT_BANDS,
    Band,
    BandPreset,
    DurationStart,
    review_durations,
    review_timeliness,
)
from cdop.analytics._factors import FactorLevel, factor_reviews
from cdop.analytics._gradient import mortality_inequality, mortality_trend
from cdop.analytics._infancy import (
    NeonatalBand,
    SleepField,
    neonatal_bands,
    sudi_circumstances,
    sudi_mask,
)
from cdop.analytics._mortality import InfantMeasure, child_mortality, infant_mortality
from cdop.analytics._national import (
    BENCHMARK_COLUMNS,
    INDICATORS,
    NATIONAL_EDITION,
    BenchmarkUnit,
    Indicator,
    NationalComparisonWarning,
    compare_national,
    national_benchmarks,
    read_national,
)
from cdop.analytics._periods import (
    PeriodKind,
    Years,
    complete_months,
    period_labels,
)

__all__ = [
    "ACTIVITY_COLUMNS",
    "AREA_COMPARISON_COLUMNS",
    "BENCHMARK_COLUMNS",
    "DELAY_COLUMNS",
    "FUNNEL_LIMIT_COLUMNS",
    "INDICATORS",
    "NATIONAL_BANDS",
    "NATIONAL_EDITION",
    "REPORT_BANDS",
    "AreaStatistic",
    "Band",
    "BandPreset",
    "Basis",
    "BenchmarkUnit",
    "By",
    "DurationStart",
    "FactorLevel",
    "Indicator",
    "InfantMeasure",
    "NationalComparisonWarning",
    "NeonatalBand",
    "PeriodKind",
    "SleepField",
    "Years",
    "activity",
    "area_funnel_limits",
    "breakdown",
    "child_deaths",
    "child_mortality",
    "compare_areas",
    "compare_national",
    "complete_months",
    "factor_reviews",
    "infant_mortality",
    "mortality_inequality",
    "mortality_trend",
    "national_benchmarks",
    "neonatal_bands",
    "period_labels",
    "read_national",
    "review_delays",
    "review_durations",
    "review_timeliness",
    "sudi_circumstances",
    "sudi_mask",
    "with_total",
]
