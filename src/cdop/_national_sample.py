"""A fictional national-scale dataset: many areas, many years, generated deterministically.

Built from the same national patterns as the bundled sample (:mod:`cdop.sample`:
shares of age groups, categories of death given age, sex, ethnicity, place of death,
review durations with a long tail, cases still open at the extract date), but for
``areas`` fictional local authorities over ``years`` reporting years, in one
vectorised pass (no Python loop over records or areas). At the default size (150
areas, 20 years) it holds about 3,500 deaths, 590,000 live births and 12 million
children a year, as England does.

Areas differ in size (a log-normal spread of births, as local authorities do) and in
deprivation mix; a few areas have genuinely higher or lower mortality, and a few
review more slowly or quickly, so that funnel plots of areas show outliers. Area
names are invented (``"Irevale"``, ``"Quargarth"``, ...) and name no real place.

Examples
--------
>>> from cdop._national_sample import generate_national
>>> tables = generate_national(areas=4, years=2, seed=1)
>>> sorted(tables)
['births', 'notifications', 'population', 'reviews']
>>> sorted(tables["births"]["residence_area"].unique())
['Caldene', 'Elderdene', 'Irevale', 'Quargarth']
>>> len(tables["notifications"]) > 0
True
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop import schema
from cdop.sample import (
    _AGE_SHARES,
    _BIRTH_QUINTILE_SHARES,
    _CATEGORY_BY_AGE,
    _ETHNICITY_SHARES,
    _PLACE_SHARES,
    _UNEXPECTED_CATEGORIES,
)

__all__ = [
    "NATIONAL_AREAS",
    "NATIONAL_EXTRACT_DATE",
    "NATIONAL_SEED",
    "NATIONAL_YEARS",
    "area_names",
    "generate_national",
]

#: Seed of the national benchmark dataset.
NATIONAL_SEED: Final = 20250401
#: Areas and reporting years of the full national dataset.
NATIONAL_AREAS: Final = 150
NATIONAL_YEARS: Final = 20
#: Data are as extracted on this day (31 March after ``last_year``, here the default
#: 2024/25): reviews completed later are still open.
NATIONAL_EXTRACT_DATE: Final = dt.date(2025, 3, 31)

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_B = schema.BIRTHS
_P = schema.POPULATION

# England-wide totals a year, shared out among NATIONAL_AREAS average areas.
_DEATHS_PER_YEAR: Final = 3500.0
_BIRTHS_PER_YEAR: Final = 590_000.0
# Children per live birth of the year, by population age group (about 12 million in all).
_POPULATION_PER_BIRTHS: Final = {
    "under_1": 1.0,
    "1-4": 4.05,
    "5-9": 5.2,
    "10-14": 5.1,
    "15-17": 2.95,
}
_POPULATION_SCALE: Final = 1.1
# Relative mortality by deprivation quintile of the births (1 = most deprived).
_QUINTILE_RISK: Final = np.array([2.3, 1.7, 1.35, 1.15, 1.0])
# Share of areas with genuinely higher (or lower) mortality, and their relative risk.
_OUTLIER_SHARE: Final = 0.03
_HIGH_RISK: Final = 1.5
_LOW_RISK: Final = 0.65
# Share of areas reviewing markedly more slowly (or quickly), and the duration factor.
_SLOW_FACTOR: Final = 1.8
_FAST_FACTOR: Final = 0.7

_NAME_STEMS: Final = (
    "Ash", "Bram", "Cal", "Dun", "Elder", "Fen", "Gal", "Hol", "Ire", "Kel",
    "Lin", "Mar", "Nor", "Oak", "Pen", "Quar", "Ros", "Sel", "Thorn", "Wyn",
)  # fmt: skip
_NAME_ENDS: Final = ("mere", "vale", "moor", "wick", "holm", "dene", "garth", "shaw")


def area_names(count: int) -> list[str]:
    """``count`` distinct fictional area names, in sorted order.

    Examples
    --------
    >>> area_names(3)
    ['Elderdene', 'Irevale', 'Quargarth']
    """
    base = [stem + end for end in _NAME_ENDS for stem in _NAME_STEMS]
    rng = np.random.default_rng(7)
    names = [base[i] for i in rng.permutation(len(base))]
    rounds = -(-count // len(base))
    named = [n if k == 1 else f"{n} {k}" for k in range(1, rounds + 1) for n in names]
    return sorted(named[:count])


def _categorical(
    rng: np.random.Generator, probabilities: npt.NDArray[np.float64]
) -> npt.NDArray[np.intp]:
    """One draw per row of ``probabilities`` (rows sum to 1), vectorised."""
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probabilities))
    picked = (u[:, None] >= cumulative).sum(axis=1)
    out: npt.NDArray[np.intp] = np.minimum(picked, probabilities.shape[1] - 1).astype(np.intp)
    return out


def _pick(
    rng: np.random.Generator, options: tuple[str, ...], shares: tuple[float, ...], size: int
) -> npt.NDArray[np.object_]:
    p = np.asarray(shares, dtype=np.float64)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=p / p.sum())]


def _iso(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.str_]:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


def generate_national(
    seed: int = NATIONAL_SEED,
    *,
    areas: int = NATIONAL_AREAS,
    years: int = NATIONAL_YEARS,
    last_year: int = 2024,
) -> dict[str, pd.DataFrame]:
    """Generate the national tables (canonical columns; dates as ISO text).

    Parameters
    ----------
    seed
        Seed of the random generator (:data:`NATIONAL_SEED` for the benchmark data).
    areas
        Number of fictional local authorities; each is on average 1/150 of England,
        so totals scale with ``areas / 150``.
    years
        Number of reporting years, ending with ``last_year`` (2024 is 2024/25).
    last_year
        Last reporting year, by the calendar year in which April falls.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``notifications``, ``reviews``, ``births`` (calendar year x deprivation quintile
        x area, one year either side of the reporting years) and ``population``
        (calendar year x age group x area).

    Examples
    --------
    >>> t = generate_national(areas=6, years=3, seed=2)
    >>> t["births"]["residence_area"].nunique(), t["births"]["year"].nunique()
    (6, 5)
    >>> 200 < len(t["notifications"]) < 700
    True
    """
    if isinstance(areas, bool) or not isinstance(areas, int) or areas < 1:
        from cdop.errors import CdopArgumentError

        raise CdopArgumentError(f"generate_national(): `areas` must be 1 or more; got {areas!r}")
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        from cdop.errors import CdopArgumentError

        raise CdopArgumentError(f"generate_national(): `years` must be 1 or more; got {years!r}")
    rng = np.random.default_rng(seed)
    names = np.asarray(area_names(areas), dtype=object)
    scale = areas / NATIONAL_AREAS
    first_year = last_year - years + 1
    report_years = np.arange(first_year, last_year + 1)
    calendar = np.arange(first_year - 1, last_year + 2)

    # Areas: size (share of births), deprivation mix, mortality risk, review speed.
    size = np.clip(rng.lognormal(0.0, 0.55, areas), 0.15, 4.5)
    share = size / size.sum()
    tilt = rng.uniform(-1.0, 1.0, areas)
    base_q = np.asarray(_BIRTH_QUINTILE_SHARES)
    q_mix = base_q[None, :] * np.exp(tilt[:, None] * (3 - np.arange(1, 6))[None, :] * 0.35)
    q_mix /= q_mix.sum(axis=1, keepdims=True)
    risk = np.exp(rng.normal(0.0, 0.06, areas))
    speed = np.exp(rng.normal(0.0, 0.08, areas))
    n_out = max(1, round(_OUTLIER_SHARE * areas))
    large = np.flatnonzero(size >= np.median(size))
    marked = rng.permutation(large)[: 4 * n_out]
    risk[marked[:n_out]] = _HIGH_RISK
    risk[marked[n_out : 2 * n_out]] = _LOW_RISK
    speed[marked[2 * n_out : 3 * n_out]] = _SLOW_FACTOR
    speed[marked[3 * n_out :]] = _FAST_FACTOR

    # Births by calendar year x area x quintile (a gentle fall over time).
    trend = 1.0 - 0.005 * (calendar - calendar[0])
    year_noise = rng.normal(1.0, 0.01, len(calendar))
    expected_births = (
        _BIRTHS_PER_YEAR
        * scale
        * (trend * year_noise)[:, None, None]
        * share[None, :, None]
        * q_mix[None, :, :]
    )
    noise = rng.normal(1.0, 0.02, expected_births.shape)
    live_births = np.rint(expected_births * noise).astype(np.int64)
    yy, aa, qq = np.meshgrid(
        np.arange(len(calendar)), np.arange(areas), np.arange(5), indexing="ij"
    )
    births = pd.DataFrame(
        {
            _B.year: calendar[yy.ravel()],
            _B.imd_quintile: qq.ravel() + 1,
            _B.residence_area: names[aa.ravel()],
            _B.live_births: live_births.ravel(),
        }
    )

    # Population by calendar year x area x age group, from the area's births.
    groups = list(_POPULATION_PER_BIRTHS)
    ratios = np.asarray(list(_POPULATION_PER_BIRTHS.values())) * _POPULATION_SCALE
    area_births = expected_births.sum(axis=2)  # (years, areas)
    pop = area_births[:, :, None] * ratios[None, None, :]
    pop = np.rint(pop * rng.normal(1.0, 0.01, pop.shape)).astype(np.int64)
    yy, aa, gg = np.meshgrid(
        np.arange(len(calendar)), np.arange(areas), np.arange(len(groups)), indexing="ij"
    )
    population = pd.DataFrame(
        {
            _P.year: calendar[yy.ravel()],
            _P.age_group: np.asarray(groups, dtype=object)[gg.ravel()],
            _P.residence_area: names[aa.ravel()],
            _P.population: pop.ravel(),
        }
    )

    # Deaths by reporting year x area x quintile: births x risk, scaled to the national total.
    weight = (
        live_births[1:-1].astype(np.float64) * _QUINTILE_RISK[None, None, :] * risk[None, :, None]
    )
    national_weight = weight.sum(axis=(1, 2), keepdims=True)
    expected_deaths = _DEATHS_PER_YEAR * scale * weight / national_weight
    counts = rng.poisson(expected_deaths).ravel()
    n = int(counts.sum())
    cell = np.repeat(np.arange(counts.size), counts)
    y_idx, a_idx, q_idx = np.unravel_index(cell, expected_deaths.shape)
    year_of = report_years[y_idx]

    aprils = np.array([f"{y}-04-01" for y in report_years], dtype="datetime64[D]")
    april = aprils[y_idx]
    year_days = np.where((year_of + 1) % 4 == 0, 366, 365)
    death = april + np.floor(rng.random(n) * year_days).astype("timedelta64[D]")

    age_group = rng.choice(len(_AGE_SHARES), size=n, p=np.asarray(_AGE_SHARES))
    bounds = np.asarray([*schema.AGE_GROUP_BOUNDS_DAYS, schema.MAX_AGE_DAYS])
    low, high = bounds[:-1][age_group], bounds[1:][age_group]
    skew = np.where(age_group == 0, rng.random(n) ** 3, rng.random(n))
    age = (low + np.floor(skew * (high - low))).astype(np.int64)
    delay = rng.choice(np.array([0, 1, 1, 1, 2, 2, 3, 5]), size=n).astype("timedelta64[D]")
    notified = death + delay
    # Extracted at the end of the last reporting year (NATIONAL_EXTRACT_DATE by default).
    extract = np.datetime64(dt.date(last_year + 1, 3, 31), "D")

    category = _categorical(rng, _CATEGORY_BY_AGE[age_group]) + 1
    unexpected_cat = np.isin(category, _UNEXPECTED_CATEGORIES)
    expected = np.where(
        unexpected_cat,
        "unexpected",
        _pick(rng, ("expected", "unexpected"), (0.7, 0.3), n),
    )
    expected = np.where(rng.random(n) < 0.03, "not_stated", expected)
    decile = 2 * q_idx + 1 + (rng.random(n) < 0.5)
    lsoa = pd.Series(rng.integers(0, 33_000, n)).astype("str").str.zfill(6).radd("E01")
    lsoa = lsoa.where(rng.random(n) >= 0.05)
    place = _pick(rng, schema.PLACE_CODES, _PLACE_SHARES, n)
    place = np.where(unexpected_cat & (rng.random(n) < 0.35), "home", place)
    sex = _pick(rng, schema.SEX_CODES, (0.555, 0.435, 0.003, 0.007), n)
    ethnicity = _pick(rng, schema.ETHNICITY_CODES, _ETHNICITY_SHARES, n)

    # Review durations (months) as in the sample, scaled by the area's review speed.
    months = np.where(rng.random(n) < 0.2, rng.gamma(6.0, 2.6, n), rng.gamma(4.2, 1.55, n))
    months = np.where(unexpected_cat, months * 1.3, months) * speed[a_idx]
    completed = notified + np.round(30.44 * (0.5 + months)).astype("timedelta64[D]")
    modifiable_p = np.where(unexpected_cat, 0.6, 0.25)
    u = rng.random(n)
    modifiable = np.where(
        u < modifiable_p, "yes", np.where(u < modifiable_p + 0.08, "insufficient_information", "no")
    )

    order = np.argsort(death, kind="stable")
    ids = (
        pd.Series(year_of[order] % 100).astype("str").str.zfill(2).radd("NT")
        + "-"
        + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(6)
    ).to_numpy(dtype=object)
    case_id = np.empty(n, dtype=object)
    case_id[order] = ids
    keep = notified <= extract
    rows = order[keep[order]]  # in order of death, notified by the extract date
    notifications = pd.DataFrame(
        {
            _N.case_id: case_id[rows],
            _N.date_of_death: _iso(death[rows]),
            _N.date_notified: _iso(notified[rows]),
            _N.age_at_death_days: age[rows],
            _N.sex: sex[rows],
            _N.ethnicity: ethnicity[rows],
            _N.imd_decile: decile[rows].astype(np.int64),
            _N.lsoa_code: lsoa.to_numpy(dtype=object)[rows],
            _N.residence_area: names[a_idx[rows]],
            _N.place_of_death: place[rows],
            _N.expected_death: expected[rows],
        }
    )
    done = rows[completed[rows] <= extract]
    done = done[np.lexsort((case_id[done], completed[done]))]
    reviews = pd.DataFrame(
        {
            _R.case_id: case_id[done],
            _R.date_review_completed: _iso(completed[done]),
            _R.category: category[done].astype(np.int64),
            _R.modifiable_factors: modifiable[done],
        }
    )
    return {
        "notifications": notifications,
        "reviews": reviews,
        "births": births,
        "population": population,
    }
