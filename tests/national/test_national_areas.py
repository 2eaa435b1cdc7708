"""Many areas in one run: each area's rows equal the area run alone; the total ("All areas").

The data are a small national dataset (6 fictional areas, 3 reporting years) from the
deterministic national generator; each area's own dataset is rebuilt from that area's
generated rows and read afresh with ``cdop.read_dataset``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import cdop
from cdop import analytics as an
from cdop import schema
from cdop._national_sample import generate_national
from cdop.errors import CdopArgumentError

TODAY = dt.date(2026, 1, 1)
AREA = schema.NOTIFICATIONS.residence_area
YEARS = ["2022/23", "2023/24", "2024/25"]


@functools.cache
def _tables() -> dict[str, pd.DataFrame]:
    return generate_national(seed=11, areas=6, years=3)


@functools.cache
def national() -> cdop.Dataset:
    return cdop.read_dataset(_tables(), today=TODAY)


@functools.cache
def alone(area: str) -> cdop.Dataset:
    """The dataset of one area, from that area's generated rows alone."""
    t = _tables()
    notes = t["notifications"][t["notifications"][AREA] == area]
    ids = set(notes[schema.NOTIFICATIONS.case_id])
    frames = {
        "notifications": notes,
        "reviews": t["reviews"][t["reviews"][schema.REVIEWS.case_id].isin(ids)],
        "births": t["births"][t["births"][AREA] == area],
        "population": t["population"][t["population"][AREA] == area],
    }
    return cdop.read_dataset(frames, today=TODAY)


def areas() -> list[str]:
    return sorted(_tables()["births"][AREA].unique())


Analysis = Callable[..., pd.DataFrame]

CASES: list[tuple[str, Analysis, dict[str, object]]] = [
    ("activity", an.activity, {"years": YEARS}),
    ("durations", an.review_durations, {"years": YEARS}),
    (
        "durations_national",
        lambda ds, **kw: an.review_durations(ds, "national", **kw),
        {"years": YEARS},
    ),
    ("timeliness", an.review_timeliness, {"years": YEARS}),
    ("breakdown_sex", lambda ds, **kw: an.breakdown(ds, "sex", **kw), {"years": YEARS}),
    (
        "breakdown_category_age",
        lambda ds, **kw: an.breakdown(ds, ["category", "age_group"], **kw),
        {"years": YEARS},
    ),
    (
        "breakdown_notified_quintile",
        lambda ds, **kw: an.breakdown(ds, "imd_quintile", basis="notifications", **kw),
        {"years": YEARS},
    ),
    ("infant", an.infant_mortality, {"years": [2022, 2023]}),
    ("infant_fy_pooled", an.infant_mortality, {"period": "financial", "pool": 2}),
    ("child", an.child_mortality, {"years": [2022, 2023]}),
]
IDS = [c[0] for c in CASES]


def _text_years(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(drop=True)
    return out.assign(year=out["year"].astype("str"))


def _rows(frame: pd.DataFrame, area: str) -> pd.DataFrame:
    return _text_years(frame[frame[AREA] == area].drop(columns=[AREA]))


def test_generated_national_dataset_is_valid_and_deterministic() -> None:
    ds = national()
    assert ds.report is not None and ds.report.ok
    assert len(areas()) == 6
    again = generate_national(seed=11, areas=6, years=3)
    for name, table in _tables().items():
        pd.testing.assert_frame_equal(table, again[name])
    # Open cases at the extract date, and areas of different sizes.
    assert len(ds.reviews) < len(ds.notifications)
    births = ds.births
    assert births is not None
    per_area = births.groupby(AREA)["live_births"].sum()
    assert per_area.max() > 1.5 * per_area.min()


@pytest.mark.parametrize(("name", "func", "kwargs"), CASES, ids=IDS)
def test_every_area_of_the_multi_area_run_equals_the_area_alone(
    name: str, func: Analysis, kwargs: dict[str, object]
) -> None:
    grouped = func(national(), by=AREA, **kwargs)
    assert set(grouped[AREA].dropna()) == set(areas())
    for area in areas():
        by_none = {"by": None} if name.startswith(("infant", "child")) else {}
        single = func(alone(area), **by_none, **kwargs)
        pd.testing.assert_frame_equal(
            _rows(grouped, area), _text_years(single), check_dtype=False, check_categorical=False
        )


def test_area_and_quintile_rows_equal_the_area_alone() -> None:
    grouped = an.infant_mortality(national(), by=[AREA, "imd_quintile"], years=[2022, 2023])
    for area in areas():
        single = an.infant_mortality(alone(area), years=[2022, 2023])
        pd.testing.assert_frame_equal(
            _rows(grouped, area), _text_years(single), check_dtype=False, check_categorical=False
        )


@pytest.mark.parametrize(("name", "func", "kwargs"), CASES, ids=IDS)
def test_england_rows_equal_the_run_without_by(
    name: str, func: Analysis, kwargs: dict[str, object]
) -> None:
    ds = national()
    out = an.with_total(func, ds, **kwargs)
    england = out[out[AREA] == "All areas"].drop(columns=[AREA])
    whole = func(ds, by=None, **kwargs)
    pd.testing.assert_frame_equal(
        _text_years(england), _text_years(whole), check_dtype=False, check_categorical=False
    )
    # The area rows are the multi-area run itself, and come first.
    areas_part = out[out[AREA] != "All areas"].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        _text_years(areas_part.fillna({AREA: "?"})),
        _text_years(func(ds, by=AREA, **kwargs).fillna({AREA: "?"})),
        check_dtype=False,
        check_categorical=False,
    )
    assert (out[AREA].iloc[-len(whole) :] == "All areas").all()


def test_england_counts_are_the_sum_of_areas() -> None:
    out = an.with_total(an.activity, national(), years=YEARS)
    flows = ["notifications", "reviews", "open_at_end"]
    england = out[out[AREA] == "All areas"].set_index("year")[flows]
    summed = out[out[AREA] != "All areas"].groupby("year", observed=True)[flows].sum()
    pd.testing.assert_frame_equal(england, summed, check_dtype=False, check_names=False)


def test_total_keeps_other_grouping_and_feeds_gradients() -> None:
    ds = national()
    imr = an.with_total(an.infant_mortality, ds, by=[AREA, "imd_quintile"], years=[2022, 2023])
    england = imr[imr[AREA] == "All areas"].drop(columns=[AREA])
    whole = an.infant_mortality(ds, by="imd_quintile", years=[2022, 2023])
    pd.testing.assert_frame_equal(
        _text_years(england), _text_years(whole), check_dtype=False, check_categorical=False
    )
    trend = an.mortality_trend(an.with_total(an.infant_mortality, ds, by=AREA))
    direct = an.mortality_trend(an.infant_mortality(ds, by=None))
    row = trend[trend[AREA] == "All areas"].drop(columns=[AREA]).reset_index(drop=True)
    pd.testing.assert_frame_equal(row, direct, check_dtype=False)


def test_total_over_another_column_and_custom_label() -> None:
    ds = national()
    out = an.with_total(
        an.breakdown, ds, "sex", by=[AREA, "age_group"], over="age_group", total_label="All ages"
    )
    assert out["age_group"].cat.categories[-1] == "All ages"
    total = out[out["age_group"] == "All ages"].drop(columns=["age_group"])
    whole = an.breakdown(ds, "sex", by=AREA)
    pd.testing.assert_frame_equal(
        _text_years(total), _text_years(whole), check_dtype=False, check_categorical=False
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"total_label": "<first area>"}, "already a level"),
        ({"over": "sex"}, "argument `over`"),
        ({"by": []}, "argument `by`"),
        ({"total_label": ""}, "argument `total_label`"),
    ],
)
def test_with_total_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    if kwargs.get("total_label") == "<first area>":
        kwargs = {"total_label": areas()[0]}
    with pytest.raises(CdopArgumentError, match=message):
        an.with_total(an.activity, national(), **kwargs)  # type: ignore[arg-type]


def test_with_total_rejects_a_non_function() -> None:
    with pytest.raises(CdopArgumentError, match="argument `analysis`"):
        an.with_total("activity", national())  # type: ignore[arg-type]


def test_multi_area_run_has_no_loop_over_areas() -> None:
    """The 150-area run costs about the same as one area (one vectorised pass)."""
    import time

    big = cdop.read_dataset(generate_national(seed=3, areas=150, years=2), today=TODAY)
    small = cdop.read_dataset(generate_national(seed=3, areas=2, years=2), today=TODAY)

    def best(ds: cdop.Dataset) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            an.review_timeliness(ds, by=AREA)
            an.activity(ds, by=AREA)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best(big) < 10 * best(small) + 0.05
    assert np.isfinite(best(big))


def test_positional_review_join_equals_dataset_reviewed() -> None:
    from cdop.analytics._common import reviewed

    for ds in (national(), cdop.load_sample()):
        pd.testing.assert_frame_equal(reviewed(ds), ds.reviewed)
