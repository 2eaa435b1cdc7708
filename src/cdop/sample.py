"""The bundled sample: a fictional mid-sized panel, generated deterministically.

The sample follows the national patterns of child deaths in England (about 60% infants
and 42% neonates, the usual shares of the categories of death, about 56% boys, a
deprivation gradient, review durations with a long tail and cases still open at each
year end) for reporting years 2017/18 to 2024/25, with about 70 notifications a year,
about 11,500 live births a year by deprivation quintile and about 230,000 children by
age group, across two fictional local authorities. Its infant and child mortality rates
are about England's (3.8 per 1,000 live births, 30 per 100,000 children). No record
describes a real child.

The CSV files shipped inside the package are the output of :func:`generate_sample` with
the default seed; a test regenerates them and compares bytes, so they cannot drift.

Examples
--------
>>> import cdop
>>> ds = cdop.load_sample()
>>> ds.notifications["date_of_death"].min().year, ds.notifications["date_of_death"].max().year
(2017, 2025)
>>> sorted(ds.births["year"].unique().tolist())[:3]  # calendar years around the reporting years
[2016, 2017, 2018]
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from cdop import schema
from cdop._sample_export import write_case_management_sample
from cdop.dataset import Dataset, read_dataset
from cdop.errors import CdopArgumentError

if TYPE_CHECKING:
    from cdop.analytics import Years

__all__ = [
    "SAMPLE_SEED",
    "SAMPLE_TABLES",
    "generate_sample",
    "load_sample",
    "sample_path",
    "write_case_management_sample",
    "write_sample",
]

#: Seed of the bundled sample.
SAMPLE_SEED: Final = 20170401
#: Tables of the sample, in the order written.
SAMPLE_TABLES: Final = ("notifications", "reviews", "births", "population", "factors")
#: Data are as extracted on this day: reviews completed later are still open.
EXTRACT_DATE: Final = dt.date(2025, 3, 31)
# Reporting years of the bundled sample, and of a generated one by default.
_FIRST_YEAR: Final = 2017
_LAST_YEAR: Final = 2024

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_B = schema.BIRTHS
_P = schema.POPULATION
_AREAS: Final = ("Northmoor", "Southvale")
_AREA_SHARE: Final = (0.55, 0.45)
# Shares of deaths by age group (national: about 60% infants, 42% neonates).
_AGE_SHARES: Final = (0.42, 0.18, 0.12, 0.07, 0.09, 0.12)
# Category of death given the age group (rows: age groups; columns: categories 1-10).
_CATEGORY_BY_AGE: Final = np.array(
    [
        # 1     2     3     4     5     6     7     8     9     10
        [0.00, 0.00, 0.01, 0.00, 0.02, 0.01, 0.30, 0.64, 0.02, 0.00],  # 0-27 days
        [0.04, 0.00, 0.03, 0.01, 0.12, 0.08, 0.25, 0.10, 0.15, 0.22],  # 28-364 days
        [0.05, 0.00, 0.12, 0.12, 0.18, 0.16, 0.17, 0.00, 0.12, 0.08],  # 1-4 years
        [0.03, 0.01, 0.15, 0.30, 0.14, 0.20, 0.09, 0.00, 0.06, 0.02],  # 5-9 years
        [0.03, 0.12, 0.17, 0.24, 0.12, 0.18, 0.07, 0.00, 0.05, 0.02],  # 10-14 years
        [0.03, 0.25, 0.26, 0.14, 0.10, 0.12, 0.04, 0.00, 0.04, 0.02],  # 15-17 years
    ]
)
# Deaths by deprivation decile (1 = most deprived): a gradient.
_DECILE_SHARES: Final = (0.15, 0.14, 0.12, 0.11, 0.10, 0.09, 0.08, 0.08, 0.07, 0.06)
_BIRTH_QUINTILE_SHARES: Final = (0.24, 0.21, 0.19, 0.18, 0.18)
_ETHNICITY_SHARES: Final = (0.70, 0.05, 0.12, 0.05, 0.03, 0.05)
_PLACE_SHARES: Final = (0.76, 0.14, 0.04, 0.04, 0.01, 0.01, 0.00)
# Denominators at England's levels for about 70 deaths a year (about 42 infants): live
# births in the first calendar year, falling by 1% a year, give an infant mortality rate
# of about 3.8 per 1,000 (England 2024/25: 3.8); children aged 0-17, about 20 times
# the births as in England (about 12 million children, 590,000 births), give a child
# mortality rate of about 30 per 100,000 (England 2023/24: 29.8).
_BIRTHS_FIRST_YEAR: Final = 12_000
_UNDER_1_POPULATION: Final = 11_400
# Children of each age group per child under 1 (England's mid-year estimates, rounded).
_POPULATION_PER_UNDER_1: Final = {
    "under_1": 1.0,
    "1-4": 4.2,
    "5-9": 5.7,
    "10-14": 6.0,
    "15-17": 3.5,
}
# Categories mostly unexpected, and with modifiable factors more often.
_UNEXPECTED_CATEGORIES: Final = (1, 2, 3, 10)


def _choice(
    rng: np.random.Generator,
    options: tuple[str, ...] | list[str],
    shares: tuple[float, ...] | np.ndarray,
    size: int,
) -> np.ndarray:
    p = np.asarray(shares, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=p / p.sum())]


def generate_sample(
    seed: int = SAMPLE_SEED, *, first_year: int = 2017, last_year: int = 2024
) -> dict[str, pd.DataFrame]:
    """Generate the sample tables (canonical columns, text and integers only).

    Parameters
    ----------
    seed
        Seed of the random generator; the bundled sample uses :data:`SAMPLE_SEED`.
    first_year, last_year
        First and last reporting year, by the calendar year in which April falls
        (2017 is 2017/18).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``notifications``, ``reviews``, ``births`` and ``population``.

    Examples
    --------
    >>> tables = generate_sample(seed=1, first_year=2020, last_year=2020)
    >>> sorted(tables)
    ['births', 'factors', 'notifications', 'population', 'reviews']
    >>> int(tables["births"]["live_births"].sum()) > 5000
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CdopArgumentError(f"seed: expected a whole number of 0 or more, got {seed!r}")
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, last_year + 1)
    per_year = rng.poisson(70, size=len(years))
    n = int(per_year.sum())
    year_of = np.repeat(years, per_year)
    starts = pd.to_datetime([f"{y}-04-01" for y in year_of])
    year_days = np.where(((year_of + 1) % 4 == 0), 366, 365)
    death = starts + pd.to_timedelta(np.floor(rng.random(n) * year_days), unit="D")
    order = np.argsort(death.to_numpy(), kind="stable")
    death = pd.DatetimeIndex(death.to_numpy()[order])

    age_group = rng.choice(len(_AGE_SHARES), size=n, p=np.asarray(_AGE_SHARES))
    bounds = [*schema.AGE_GROUP_BOUNDS_DAYS, schema.MAX_AGE_DAYS]
    low = np.asarray(bounds[:-1])[age_group]
    high = np.asarray(bounds[1:])[age_group]
    # Neonatal deaths cluster in the first days of life.
    skew = np.where(age_group == 0, rng.random(n) ** 3, rng.random(n))
    age = (low + np.floor(skew * (high - low))).astype(np.int64)
    notified = death + pd.to_timedelta(rng.choice([0, 1, 1, 1, 2, 2, 3, 5], size=n), unit="D")
    # Deaths notified after the extract date are not in the extract.
    in_extract = np.asarray(notified <= pd.Timestamp(EXTRACT_DATE))

    category = np.array([rng.choice(10, p=_CATEGORY_BY_AGE[g]) + 1 for g in age_group])
    unexpected_cat = np.isin(category, _UNEXPECTED_CATEGORIES)
    expected = np.where(
        unexpected_cat, "unexpected", _choice(rng, ["expected", "unexpected"], (0.7, 0.3), n)
    )
    expected = np.where(rng.random(n) < 0.03, "not_stated", expected)
    decile = rng.choice(10, size=n, p=np.asarray(_DECILE_SHARES)) + 1
    area = _choice(rng, list(_AREAS), _AREA_SHARE, n)
    lsoa = np.array([f"E01{9_000_00 + int(x):06d}" for x in rng.integers(0, 9_000, n)])
    lsoa = np.where(rng.random(n) < 0.05, "", lsoa)
    place = _choice(rng, list(schema.PLACE_CODES), _PLACE_SHARES, n)
    place = np.where(unexpected_cat & (rng.random(n) < 0.35), "home", place)

    notifications = pd.DataFrame(
        {
            _N.case_id: [f"NM{d.year % 100:02d}-{i + 1:04d}" for i, d in enumerate(death)],
            _N.date_of_death: death.strftime("%Y-%m-%d"),
            _N.date_notified: notified.strftime("%Y-%m-%d"),
            _N.age_at_death_days: age,
            _N.sex: _choice(rng, list(schema.SEX_CODES), (0.555, 0.435, 0.003, 0.007), n),
            _N.ethnicity: _choice(rng, list(schema.ETHNICITY_CODES), _ETHNICITY_SHARES, n),
            _N.imd_decile: decile,
            _N.lsoa_code: lsoa,
            _N.residence_area: area,
            _N.place_of_death: place,
            _N.expected_death: expected,
        }
    )
    keep = in_extract

    # Review durations: most within a year, a long tail (inquests, criminal proceedings).
    months = np.where(rng.random(n) < 0.2, rng.gamma(6.0, 2.6, n), rng.gamma(4.2, 1.55, n))
    months = np.where(unexpected_cat, months * 1.3, months)
    completed = notified + pd.to_timedelta(np.round(30.44 * (0.5 + months)), unit="D")
    done = np.asarray(completed <= pd.Timestamp(EXTRACT_DATE)) & keep
    modifiable_p = np.where(unexpected_cat, 0.6, 0.25)
    u = rng.random(n)
    modifiable = np.where(
        u < modifiable_p, "yes", np.where(u < modifiable_p + 0.08, "insufficient_information", "no")
    )
    reviews = (
        pd.DataFrame(
            {
                _R.case_id: notifications[_N.case_id][done].to_numpy(),
                _R.date_review_completed: completed[done].strftime("%Y-%m-%d"),
                _R.category: category[done],
                _R.modifiable_factors: modifiable[done],
            }
        )
        .sort_values([_R.date_review_completed, _R.case_id], kind="stable")
        .reset_index(drop=True)
    )

    forms = _form_fields(
        np.random.default_rng(seed + 1),
        notifications,
        age=age,
        category=category,
        place=place,
        notified=notified,
        completed=completed,
        done=done,
        modifiable=modifiable,
    )
    notifications = pd.concat([notifications, forms["notifications"]], axis=1)
    reviews = reviews.merge(forms["reviews"], on=_R.case_id, how="left", validate="1:1")
    factors = forms["factors"]
    notifications = notifications[keep].reset_index(drop=True)

    calendar = np.arange(first_year - 1, last_year + 2)
    birth_rows = []
    pop_rows = []
    for y in calendar:
        total = rng.normal(_BIRTHS_FIRST_YEAR, 0.02 * _BIRTHS_FIRST_YEAR) * (
            1 - 0.01 * (y - calendar[0])
        )
        for a, area_share in zip(_AREAS, _AREA_SHARE, strict=True):
            for q, share in enumerate(_BIRTH_QUINTILE_SHARES, start=1):
                birth_rows.append((int(y), q, a, round(total * area_share * share)))
            for group, ratio in _POPULATION_PER_UNDER_1.items():
                size = _UNDER_1_POPULATION * area_share * ratio * rng.normal(1, 0.01)
                pop_rows.append((int(y), group, a, round(size)))
    births = pd.DataFrame(
        birth_rows, columns=[_B.year, _B.imd_quintile, _B.residence_area, _B.live_births]
    )
    population = pd.DataFrame(
        pop_rows, columns=[_P.year, _P.age_group, _P.residence_area, _P.population]
    )
    return {
        "notifications": notifications,
        "reviews": reviews,
        "births": births,
        "population": _by_ethnicity(population),
        "factors": factors,
    }


# Shares of the child population by broad ethnic group (the population table is split
# so that each year, age group and area keeps its total exactly).
_POPULATION_ETHNICITY_SHARES: Final = (0.74, 0.06, 0.11, 0.05, 0.04)
_LA_CODES: Final = {"Northmoor": "E06009901", "Southvale": "E06009902"}
_DETAIL_BY_BROAD: Final = {
    broad: tuple(d for d, b in schema.ETHNICITY_DETAIL_ROLLUP.items() if b == broad)
    for broad in schema.ETHNICITY_CODES
}
_HOSPITAL_DETAIL_BY_AGE: Final = (
    ("neonatal_unit", "intensive_care", "emergency_department", "hospital_ward"),
    ((0.80, 0.12, 0.04, 0.04), (0.05, 0.45, 0.35, 0.15)),
)


def _by_ethnicity(population: pd.DataFrame) -> pd.DataFrame:
    """Split each population row by ethnic group, keeping its total (largest remainder)."""
    shares = np.asarray(_POPULATION_ETHNICITY_SHARES)
    groups = schema.ETHNICITY_CODES[: len(shares)]
    rows = []
    for record in population.itertuples(index=False):
        total = int(getattr(record, _P.population))
        exact = total * shares
        counts = np.floor(exact).astype(int)
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[: total - int(counts.sum())]] += 1
        for group, count in zip(groups, counts, strict=True):
            rows.append((*record[:3], group, int(count)))
    return pd.DataFrame(
        rows, columns=[_P.year, _P.age_group, _P.residence_area, _P.ethnicity, _P.population]
    )


def _form_fields(
    rng: np.random.Generator,
    notifications: pd.DataFrame,
    *,
    age: np.ndarray,
    category: np.ndarray,
    place: np.ndarray,
    notified: pd.DatetimeIndex,
    completed: pd.DatetimeIndex,
    done: np.ndarray,
    modifiable: np.ndarray,
) -> dict[str, pd.DataFrame]:
    """Fields of the statutory forms, drawn from their own generator.

    A separate generator leaves every value of the original columns as it was.
    """
    n = len(notifications)
    ethnicity = notifications[_N.ethnicity].to_numpy()
    detail = np.array(
        [
            _DETAIL_BY_BROAD[e][0]
            if rng.random() < 0.6
            else _DETAIL_BY_BROAD[e][rng.integers(len(_DETAIL_BY_BROAD[e]))]
            for e in ethnicity
        ],
        dtype=object,
    )
    neonate = age < schema.AGE_GROUP_BOUNDS_DAYS[1]
    hospital_detail = np.array(
        [
            _choice(rng, _HOSPITAL_DETAIL_BY_AGE[0], _HOSPITAL_DETAIL_BY_AGE[1][0 if k else 1], 1)[
                0
            ]
            for k in neonate
        ],
        dtype=object,
    )
    place_detail = np.where(place == "hospital", hospital_detail, place)
    infant = age < schema.AGE_GROUP_BOUNDS_DAYS[2]
    sudi = infant & (category == 10)
    unexpected = notifications[_N.expected_death].to_numpy() == "unexpected"
    # The sleep fields are recorded for every sudden unexpected death in infancy as the
    # library defines it (an infant whose death was not expected), whatever its category.
    sleep_form = infant & unexpected
    weeks = np.where(neonate, rng.integers(23, 41, n), rng.integers(30, 42, n))
    grams = np.clip(np.round(rng.normal(3400 - 190 * (40 - weeks), 300, n), -1), 450, 5000)
    with_birth = infant & (rng.random(n) < 0.9)

    def blank(values: np.ndarray, where: np.ndarray) -> np.ndarray:
        return np.where(where, values.astype(object), "")

    def yes_no(p_yes: float, where: np.ndarray) -> np.ndarray:
        answer = _choice(rng, ["yes", "no", "not_stated"], (p_yes, 0.95 - p_yes, 0.05), n)
        return blank(answer, where)

    forms = pd.DataFrame(
        {
            _N.ethnicity_detail: detail,
            _N.residence_la_code: notifications[_N.residence_area].map(_LA_CODES),
            _N.place_of_death_detail: place_detail,
            _N.joint_agency_response: np.where(unexpected, "yes", "no"),
            _N.gestation_weeks: blank(weeks, with_birth),
            _N.gestation_days: blank(rng.integers(0, 7, n), with_birth),
            _N.birthweight_grams: blank(grams.astype(int), with_birth),
            _N.multiple_birth: blank(_choice(rng, ["yes", "no"], (0.08, 0.92), n), with_birth),
            _N.sleep_place: blank(
                _choice(rng, list(schema.SLEEP_PLACE_CODES), (0.35, 0.3, 0.15, 0.1, 0.05, 0.05), n),
                sleep_form,
            ),
            _N.sleep_position: blank(
                _choice(rng, list(schema.SLEEP_POSITION_CODES), (0.5, 0.2, 0.25, 0.05), n),
                sleep_form,
            ),
            _N.co_sleeping: yes_no(0.45, sleep_form),
            _N.smoking: yes_no(0.5, sleep_form),
            _N.alcohol_or_drugs: yes_no(0.2, sleep_form),
        }
    )

    # Reviews: the review meeting between notification and panel; delay reasons for the
    # reviews that took more than a year.
    case_ids = notifications[_N.case_id].to_numpy()
    meeting = notified + (completed - notified) * rng.uniform(0.3, 0.8, n)
    late = (completed - notified).days > 365
    reasons = []
    for i in range(n):
        if not late[i]:
            reasons.append("")
            continue
        pool = ["inquest", "police_investigation", "awaiting_post_mortem"]
        if age[i] < schema.AGE_GROUP_BOUNDS_DAYS[1]:
            pool = ["perinatal_mortality_review", "maternity_investigation", "inquest"]
        if category[i] == 1:
            pool = ["police_investigation", "safeguarding_practice_review", "inquest"]
        picked = {pool[j] for j in rng.choice(len(pool), size=rng.integers(1, 3), replace=False)}
        if rng.random() < 0.1:
            picked = {"other"}
        reasons.append(";".join(c for c in schema.DELAY_REASON_CODES if c in picked))
    review_forms = pd.DataFrame(
        {
            _R.case_id: case_ids,
            _R.date_review_meeting: meeting.strftime("%Y-%m-%d"),
            _R.delay_reasons: reasons,
        }
    )[done]

    # Factors: every review with modifiable factors records at least one modifiable
    # factor; other reviews record some factors that are not modifiable.
    by_domain = {
        d: [f for f, home in schema.FACTOR_DOMAIN.items() if home == d]
        for d in schema.FACTOR_DOMAINS
    }
    factor_rows = []
    for i in np.flatnonzero(done).tolist():
        count = int(rng.integers(1, 4)) if modifiable[i] == "yes" else int(rng.integers(0, 3))
        seen: set[tuple[str, str]] = set()
        for k in range(count):
            domain = str(_choice(rng, list(schema.FACTOR_DOMAINS), (0.25, 0.4, 0.1, 0.25), 1)[0])
            if sudi[i] and k == 0:
                domain, factor = "social_environment", "unsafe_sleep"
            else:
                pool = [f for f in by_domain[domain] if f != "unsafe_sleep"]
                factor = str(rng.choice([*pool, "other"]))
            if (domain, factor) in seen and factor != "other":
                continue
            seen.add((domain, factor))
            is_modifiable = "yes" if modifiable[i] == "yes" and k == 0 else "no"
            if modifiable[i] == "yes" and k > 0 and rng.random() < 0.5:
                is_modifiable = "yes"
            influence = (
                "may_have_contributed"
                if is_modifiable == "yes" or rng.random() < 0.4
                else "unlikely_contributed"
            )
            factor_rows.append((case_ids[i], domain, factor, influence, is_modifiable))
    factors = pd.DataFrame(
        factor_rows,
        columns=[
            schema.FACTORS.case_id,
            schema.FACTORS.domain,
            schema.FACTORS.factor,
            schema.FACTORS.influence,
            schema.FACTORS.modifiable,
        ],
    )
    return {"notifications": forms, "reviews": review_forms, "factors": factors}


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def write_sample(out_dir: str | Path, *, seed: int = SAMPLE_SEED) -> list[Path]:
    """Write the sample tables as CSV files into ``out_dir`` (created if needed).

    Existing files are never replaced: if any of the four files is already there (real
    exports, say), nothing is written and an error names it.

    Returns the paths written.

    Raises
    ------
    CdopArgumentError
        If ``out_dir`` already holds a file of one of the sample's names.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_sample(tmp)]
    ['notifications.csv', 'reviews.csv', 'births.csv', 'population.csv', 'factors.csv']
    """
    from cdop._files import write_new_file

    out = Path(out_dir)
    paths = [out / f"{name}.csv" for name in SAMPLE_TABLES]
    taken = [p.name for p in paths if p.exists() or p.is_symlink()]
    if taken:
        raise CdopArgumentError(
            f"out_dir: {out} already holds {', '.join(taken)}; the sample never replaces "
            "a file. Choose a new or empty folder"
        )
    tables = generate_sample(seed)
    for name, path in zip(SAMPLE_TABLES, paths, strict=True):
        payload = _csv_text(tables[name]).encode("utf-8")
        write_new_file(path, functools.partial(_write_bytes, payload), what="out_dir")
    return paths


def _write_bytes(payload: bytes, handle: IO[bytes]) -> None:
    handle.write(payload)


def sample_path() -> Path:
    """The folder of the sample CSV files shipped inside the package."""
    return Path(str(resources.files("cdop") / "data" / "sample"))


def load_sample(
    *, areas: int | None = None, years: Years = None, seed: int | None = None
) -> Dataset:
    """The sample data, read and validated: one fictional panel, or many fictional areas.

    With no arguments: the bundled sample, a fictional panel of two areas (Northmoor and
    Southvale) for reporting years 2017/18 to 2024/25, with every table the chapter uses.

    With ``areas`` (and optionally ``years``): a generated multi-area dataset for
    comparing areas, funnel plots and one chapter per area. Each fictional local
    authority is on average 1/150 of England (about 23 deaths and 3,900 live births a
    year); a few areas have genuinely higher or lower mortality, or review more slowly or
    quickly, so that comparisons find outliers. The same arguments always give the same
    data. It holds notifications, reviews, births and population (no factors table).

    Parameters
    ----------
    areas
        Number of fictional areas (1 or more; 150 is England-sized, about 3,500 deaths a
        year). None (default): the bundled two-area panel.
    years
        Reporting years to cover, consecutive: a year ("2024/25" or 2024, the year in
        which April falls) or a sequence of them (``range(2015, 2025)``,
        ``["2019/20", "2024/25"]`` means 2019/20 to 2024/25). Default: 2017/18 to 2024/25.
        Only with ``areas``.
    seed
        Seed of the generator (default: a fixed one). Only with ``areas``.

    Returns
    -------
    Dataset
        Validated, as :func:`cdop.read_dataset` returns it. Generated data are extracted
        on 31 March after the last year, so the last year's late reviews are still open.

    Raises
    ------
    CdopArgumentError
        If ``areas`` is not a whole number of 1 or more, ``years`` is not a year or a
        sequence of them, or ``years`` or ``seed`` is given without ``areas``.

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> ds.births is not None and ds.population is not None
    True
    >>> many = cdop.load_sample(areas=12, years=range(2020, 2025))
    >>> many.notifications["residence_area"].nunique()
    12
    >>> sorted(many.births["year"].unique().tolist())  # calendar years around them
    [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    """
    if areas is None:
        if years is not None or seed is not None:
            raise CdopArgumentError(
                "load_sample(): `years` and `seed` go with `areas` (a generated multi-area "
                "sample); the bundled sample covers 2017/18 to 2024/25. Pass areas=2 or more "
                "to choose the years"
            )
        return read_dataset(sample_path(), strict=True)
    if isinstance(areas, bool) or not isinstance(areas, int) or areas < 1:
        raise CdopArgumentError(
            f"load_sample(): `areas` must be a whole number of 1 or more; got {areas!r}"
        )
    from cdop._national_sample import NATIONAL_SEED, generate_national

    first, last = _year_span(years)
    tables = generate_national(
        NATIONAL_SEED if seed is None else seed,
        areas=areas,
        years=last - first + 1,
        last_year=last,
    )
    return read_dataset(tables, strict=True, today=dt.date(last + 1, 3, 31))


def _year_span(years: Years) -> tuple[int, int]:
    """First and last reporting year of ``years`` (default 2017/18 to 2024/25)."""
    if years is None:
        return _FIRST_YEAR, _LAST_YEAR
    given = [years] if isinstance(years, str | int) else list(years)
    starts = []
    for year in given:
        text = str(year).strip()
        start = int(text[:4]) if text[:4].isdigit() else None
        if (
            isinstance(year, bool)
            or start is None
            or (len(text) > 4 and text != f"{start}/{(start + 1) % 100:02d}")
        ):
            raise CdopArgumentError(
                "load_sample(): `years` must be reporting years such as '2024/25' or 2024 "
                f"(or a sequence of them); got {year!r}"
            )
        starts.append(start)
    if not starts:
        raise CdopArgumentError("load_sample(): `years` is empty; give at least one year")
    return min(starts), max(starts)
