"""load_sample(areas=..., years=...): multi-area fictional data through the public API."""

from __future__ import annotations

import pandas as pd
import pytest

import cdop


def test_areas_and_years_as_asked() -> None:
    ds = cdop.load_sample(areas=7, years=["2021/22", "2023/24"])
    assert ds.notifications["residence_area"].nunique() == 7
    deaths = pd.to_datetime(ds.notifications["date_of_death"])
    # 2021/22 to 2023/24: 1 April 2021 to 31 March 2024.
    assert deaths.min() >= pd.Timestamp("2021-04-01")
    assert deaths.max() <= pd.Timestamp("2024-03-31")
    assert deaths.max() >= pd.Timestamp("2024-01-01")
    # Births cover a calendar year either side of the reporting years.
    assert sorted(ds.births["year"].unique().tolist()) == [2020, 2021, 2022, 2023, 2024]
    assert ds.factors is None


def test_the_same_arguments_give_the_same_data() -> None:
    a = cdop.load_sample(areas=3, years=2024)
    b = cdop.load_sample(areas=3, years="2024/25")
    pd.testing.assert_frame_equal(a.notifications, b.notifications)
    c = cdop.load_sample(areas=3, years=2024, seed=5)
    assert not a.notifications["date_of_death"].equals(c.notifications["date_of_death"])


def test_an_england_sized_sample_is_about_england() -> None:
    ds = cdop.load_sample(areas=150, years=2023)
    # DOMAIN: about 3,000-3,700 child deaths and about 590,000 live births a year.
    assert 3000 <= len(ds.notifications) <= 3800
    births = ds.births[ds.births["year"] == 2023]["live_births"].sum()
    assert 540_000 <= births <= 640_000


def test_the_default_is_the_bundled_panel() -> None:
    ds = cdop.load_sample()
    assert sorted(ds.notifications["residence_area"].dropna().unique()) == [
        "Northmoor",
        "Southvale",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"areas": 0}, "`areas` must be a whole number of 1 or more; got 0"),
        ({"areas": True}, "`areas` must be a whole number"),
        ({"years": 2020}, "`years` and `seed` go with `areas`"),
        ({"areas": 2, "years": "2024/26"}, "reporting years such as '2024/25'"),
        ({"areas": 2, "years": []}, "`years` is empty"),
    ],
)
def test_wrong_arguments_explain_themselves(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(cdop.CdopArgumentError, match=message):
        cdop.load_sample(**kwargs)  # type: ignore[arg-type]
