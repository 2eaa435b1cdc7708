"""load_sample(areas=..., years=...): multi-area fictional data through the public API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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


def test_the_case_management_export_holds_the_documented_mistakes(tmp_path: Path) -> None:
    """cdop._sample_export lists five things to map or correct; each is found, nothing else."""
    from cdop.profiles import ImportProfile, save_mapping
    from cdop.sample import write_case_management_sample

    path = write_case_management_sample(tmp_path / "export.xlsx")
    sample = cdop.load_sample()
    report = cdop.validate(path, profile="case_management", today=dt.date(2025, 6, 1))
    # Every record is read: the sample's own counts.
    assert report.rows_read["notifications"] == len(sample.notifications)
    assert report.rows_read["factors"] == len(sample.factors)  # type: ignore[arg-type]
    causes = report.errors[~report.errors["rule"].str.endswith("_rejected")]
    assert sorted(causes["rule"]) == ["date_format", "invalid_code", "review_before_notification"]
    assert causes.set_index("rule").loc["invalid_code", "value"] == "Q"
    warned = report.warnings
    assert warned[warned["rule"] == "unknown_column"]["column"].tolist() == ["Home Local Authority"]
    assert (warned[warned["rule"] == "invalid_code"]["value"] == "Birth Centre").sum() == 6
    # The mapping takes care of the heading and the label; the mistakes stay.
    mapping = save_mapping(
        ImportProfile(
            "ours",
            columns={"Home Local Authority": "residence_area"},
            codes={"place_of_death_detail": {"Birth Centre": "other_hospital"}},
        ),
        tmp_path / "ours.json",
    )
    lenient = cdop.read_dataset(
        path, profile="case_management", mapping=mapping, strict=False, today=dt.date(2025, 6, 1)
    )
    # Rows in = rows accepted + rows rejected, table by table.
    for table in ("notifications", "reviews", "factors"):
        accepted = len(getattr(lenient, table))
        rejected = int((lenient.rejected["table"] == table).sum())
        assert accepted + rejected == report.rows_read[table], table
    assert lenient.notifications["residence_area"].notna().all()
    with pytest.raises(cdop.CdopArgumentError, match="never replaces a file"):
        write_case_management_sample(path)


def test_the_clean_case_management_export_reads_as_the_sample(tmp_path: Path) -> None:
    from cdop.sample import write_case_management_sample

    path = write_case_management_sample(tmp_path / "export.xlsx", mistakes=False)
    ds = cdop.read_dataset(
        path,
        profile="case_management",
        column_map={"Home Local Authority": "residence_area"},
        today=dt.date(2025, 6, 1),
    )
    sample = cdop.load_sample()
    assert len(ds.notifications) == len(sample.notifications)
    assert len(ds.reviews) == len(sample.reviews)
    # The age group survives ages written as text ("3 weeks", "4 years").
    mine = ds.notifications.set_index("case_id")["age_group"].astype(str)
    theirs = sample.notifications.set_index("case_id")["age_group"].astype(str)
    assert mine.sort_index().equals(theirs.sort_index())
    with pytest.raises(cdop.CdopArgumentError, match=r"ending in \.xlsx"):
        write_case_management_sample(tmp_path / "export.csv")
