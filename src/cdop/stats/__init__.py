"""Public health statistics for child death review: rates, proportions, standardisation,
benchmarking, inequality, trend and deprivation quantiles.

Every function takes a DataFrame and returns a new one; the input is never
modified. Every statistic appends the same columns: ``value``, ``lower_ci``,
``upper_ci``, ``confidence``, ``statistic`` and ``method`` (with several confidence
levels the limits are named per level: ``lower_ci_95``, ``upper_ci_99_8``, ...):
the shared vocabulary of ``docs/vocabulary.md``. :func:`phe_names` gives
PHEindicatormethods' names (``lowercl``, ``uppercl``, ``lower95_0cl``) for joining with
its output. A result passed in again (an analytics table, say) has its result columns
replaced, not refused.

The methods follow the public health indicator methods used in England and are
tested against the R package PHEindicatormethods. The interval kernels
(:func:`poisson_ci`, :func:`wilson_ci`, ...) work on plain arrays.

See ``docs/methods-statistics.md`` for every formula and threshold.
"""

from __future__ import annotations

from cdop.stats._ci import (
    BYAR_THRESHOLD,
    byar_ci,
    exact_poisson_ci,
    poisson_ci,
    wilson_ci,
    z_value,
)
from cdop.stats._compare import (
    binomial_test_p,
    compare,
    poisson_interval_test_p,
    poisson_test_p,
    score_test_p,
)
from cdop.stats._dsr import dsr
from cdop.stats._funnel import (
    SIGNIFICANCE_LEVELS,
    funnel_limits,
    funnel_points,
    funnel_significance,
)
from cdop.stats._inequality import rii, sii
from cdop.stats._isr import isr, isratio
from cdop.stats._names import from_phe_names, phe_names
from cdop.stats._proportion import proportion
from cdop.stats._quantile import quantile
from cdop.stats._rate import rate
from cdop.stats._standard import DSR_THRESHOLD, esp2013
from cdop.stats._trend import chi2_trend, poisson_trend

__all__ = [
    "BYAR_THRESHOLD",
    "DSR_THRESHOLD",
    "SIGNIFICANCE_LEVELS",
    "binomial_test_p",
    "byar_ci",
    "chi2_trend",
    "compare",
    "dsr",
    "esp2013",
    "exact_poisson_ci",
    "from_phe_names",
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
    "isr",
    "isratio",
    "phe_names",
    "poisson_ci",
    "poisson_interval_test_p",
    "poisson_test_p",
    "poisson_trend",
    "proportion",
    "quantile",
    "rate",
    "rii",
    "score_test_p",
    "sii",
    "wilson_ci",
    "z_value",
]
