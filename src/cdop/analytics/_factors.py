"""Factors of the analysis form: reviews recording each domain or factor, and modifiable."""

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
    fail,
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
)
from cdop.dataset import Dataset

__all__ = ["FactorLevel", "factor_reviews"]

#: Count reviews by the analysis form's domain, or by each named factor of a domain.
FactorLevel: TypeAlias = Literal["domain", "factor"]

_R = schema.REVIEWS
_F = schema.FACTORS

#: Reviews recording the factor (or a factor of the domain), modifiable or not.
RECORDED: Final = "recorded"


def _levels(level: FactorLevel) -> pd.DataFrame:
    """Every level in form order: the domains, or each domain's factors then "other"."""
    if level == "domain":
        return pd.DataFrame({_F.domain: list(schema.FACTOR_DOMAINS)})
    rows = [
        (domain, code)
        for domain in schema.FACTOR_DOMAINS
        for code in schema.FACTOR_CODES
        if schema.FACTOR_DOMAIN[code] in (domain, "")
    ]
    return pd.DataFrame(rows, columns=[_F.domain, _F.factor])


@remembered
def factor_reviews(
    ds: Dataset,
    level: FactorLevel = "factor",
    *,
    years: Years = None,
    period: PeriodKind = "financial",
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Reviews that recorded each factor (or domain) of the analysis form, and how many
    recorded it as modifiable, per year of review.

    A review counts once for a factor however many times the factor is recorded for it
    (``other`` may be recorded in several domains: it is counted in each domain). For a
    domain, a review counts once if it recorded any factor of the domain, and as
    modifiable if any of them was recorded as modifiable. A review may record several
    factors, so the rows do not add up to the reviews of the year.

    ``value`` is the share of all reviews completed in the year that recorded the
    factor (or a factor of the domain) as modifiable, with Wilson score limits.

    Parameters
    ----------
    ds : Dataset
        Must hold a factors table.
    level : {"factor", "domain"}, default "factor"
    years : label, start year or list of them, optional
        Years of review completion (default: every year from the first to the last
        review).
    period : {"financial", "calendar"}, default "financial"
    confidence : float or sequence of float, default 0.95
        One level, or several (limits ``lower_ci_95``, ``upper_ci_99_8``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per year and level, every level shown (zero or not) in form order (the
        shared vocabulary of ``docs/vocabulary.md``):

        - ``year`` (start year, integer), ``period`` (its label); ``domain``; for
          ``level="factor"``, ``factor`` and ``factor_label``;
        - ``recorded``: reviews that recorded it;
        - ``numerator``: reviews that recorded it as modifiable;
        - ``denominator``: reviews completed in the year;
        - ``value``: ``numerator / denominator * 100``; ``lower_ci``, ``upper_ci``
          (Wilson); ``confidence``, ``statistic`` (``"percentage"``), ``method``.

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> dom = cdop.analytics.factor_reviews(ds, "domain", years="2023/24")
    >>> dom.columns.tolist()[:7]
    ['year', 'period', 'domain', 'recorded', 'numerator', 'denominator', 'value']
    >>> dom["domain"].tolist()
    ['child', 'social_environment', 'physical_environment', 'service_provision']
    >>> m, r, d = dom["numerator"], dom["recorded"], dom["denominator"]
    >>> bool((m <= r).all() and (r <= d).all())
    True
    >>> fac = cdop.analytics.factor_reviews(ds, years=["2022/23", "2023/24"])
    >>> row = fac[(fac["factor"] == "unsafe_sleep") & (fac["year"] == 2023)]
    >>> int(row["recorded"].iloc[0]) >= int(row["numerator"].iloc[0])
    True
    """
    func = "factor_reviews"
    check_choice(func, "level", level, ("domain", "factor"))
    kind = check_period(func, period)
    conf = check_confidence(func, confidence)
    factors = ds.factors
    if factors is None:
        raise fail(
            func,
            "the dataset has no factors table; counting the analysis form's factors needs "
            "one (read_dataset with a 'factors' table)",
        )
    reviews = reviewed(ds)
    starts = start_years(reviews[_R.date_review_completed], kind)
    year_ax, axis_starts = build_year_axis(func, years, data_years(starts), kind, False, 2008)
    labels = [str(label) for label in year_ax.levels]
    by_case = pd.DataFrame(
        {_F.case_id: reviews[_R.case_id].astype(str).to_numpy(), "start": starts}
    )
    found = factors[[_F.case_id, _F.domain, _F.factor, _F.modifiable]].astype("object")
    found = found.assign(**{_F.case_id: found[_F.case_id].astype(str)})
    found = found.merge(by_case, on=_F.case_id, how="inner")
    found = found[found["start"].isin(axis_starts)]
    keys = [_F.domain] if level == "domain" else [_F.domain, _F.factor]
    found = found.assign(
        **{PERIOD: found["start"].map(dict(zip(axis_starts, labels, strict=True)))},
        yes=(found[_F.modifiable] == "yes").to_numpy(),
    )
    per_case = found.groupby([PERIOD, *keys, _F.case_id], sort=False)["yes"].any().reset_index()
    counted = per_case.groupby([PERIOD, *keys], sort=False).agg(
        **{RECORDED: ("yes", "size"), NUMERATOR: ("yes", "sum")}
    )
    levels = _levels(level)
    grid = pd.MultiIndex.from_frame(
        levels.merge(pd.DataFrame({PERIOD: labels}), how="cross")[[PERIOD, *keys]]
    )
    out = counted.reindex(grid, fill_value=0).reset_index()
    totals = pd.Series(starts).value_counts()
    out[DENOMINATOR] = out[PERIOD].map(
        {label: int(totals.get(float(s), 0)) for s, label in zip(axis_starts, labels, strict=True)}
    )
    if level == "factor":
        out.insert(
            list(out.columns).index(_F.factor) + 1,
            schema.DERIVED.factor_label,
            out[_F.factor].map(dict(schema.FACTOR_LABELS)),
        )
    for col in (RECORDED, NUMERATOR, DENOMINATOR):
        out[col] = out[col].to_numpy(dtype=np.int64)
    order = {label: i for i, label in enumerate(labels)}
    out = out.sort_values(PERIOD, key=lambda s: s.map(order), kind="stable")
    out = out.reset_index(drop=True)
    out[PERIOD] = pd.Categorical(out[PERIOD], dtype=year_ax.dtype)
    ci = percent_columns(
        out[NUMERATOR].to_numpy(dtype=np.float64),
        out[DENOMINATOR].to_numpy(dtype=np.float64),
        conf,
    )
    out = pd.concat([out, ci], axis=1)
    return with_start_year(out, axis_starts)
