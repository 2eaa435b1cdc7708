"""Rate rules, the note under a table, and the rules object."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cdop.disclosure import (
    DEFAULT_RULES,
    DisclosureRules,
    disclosure_note,
    rate_status,
    suppress_rates,
)
from cdop.errors import CdopArgumentError


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (0, "suppressed"),
        (1, "suppressed"),
        (2, "suppressed"),
        (3, "unreliable"),
        (19, "unreliable"),
        (20, "ok"),
        (250, "ok"),
    ],
)
def test_rate_status_at_the_boundaries(events: int, expected: str) -> None:
    assert rate_status([events]).tolist() == [expected]


def test_rate_status_keeps_series_index_and_array_shape() -> None:
    got = rate_status(pd.Series([2, 3, 20], index=["x", "y", "z"]))
    assert got.index.tolist() == ["x", "y", "z"]
    assert got.tolist() == ["suppressed", "unreliable", "ok"]
    assert rate_status(np.array([[0, 25], [4, 19]])).tolist() == [
        ["suppressed", "ok"],
        ["unreliable", "unreliable"],
    ]


def test_rate_status_follows_the_rules() -> None:
    rules = DisclosureRules(min_rate_events=10, unreliable_rate_events=30)
    assert rate_status([9, 10, 29, 30], rules).tolist() == [
        "suppressed",
        "unreliable",
        "unreliable",
        "ok",
    ]


@pytest.mark.parametrize("bad", [[-1], [np.nan], ["three"]])
def test_rate_status_refuses_bad_events(bad: list[object]) -> None:
    with pytest.raises(CdopArgumentError, match="events"):
        rate_status(bad)


def test_suppress_rates_blanks_value_and_limits() -> None:
    table = pd.DataFrame(
        {
            "area": ["a", "b", "c"],
            "deaths": [2, 10, 25],
            "value": [1.0, 5.0, 12.5],
            "lower_ci": [0.1, 2.4, 8.1],
            "upper_ci": [3.6, 9.2, 18.5],
        }
    )
    before = table.copy()
    out = suppress_rates(table, "deaths")
    pd.testing.assert_frame_equal(table, before)
    assert out["value"].isna().tolist() == [True, False, False]
    assert out["lower_ci"].isna().tolist() == [True, False, False]
    assert out["upper_ci"].isna().tolist() == [True, False, False]
    assert out["disclosure"].tolist() == ["suppressed", "unreliable", "ok"]
    assert out["area"].tolist() == ["a", "b", "c"]
    with pytest.raises(CdopArgumentError, match="events column"):
        suppress_rates(table, "n")


def test_note_default_wording() -> None:
    assert disclosure_note(unreliable_rates=True) == (
        "* Counts from 1 to 5 are not shown, nor any count that would let them be worked "
        "out, to protect the families of the children. u: rate based on fewer than 20 "
        "deaths; treat with caution."
    )


def test_note_covers_only_what_applies() -> None:
    assert disclosure_note(hidden_counts=False) == ""
    assert disclosure_note(hidden_counts=False, suppressed_rates=True) == (
        "Rates based on fewer than 3 deaths are not shown."
    )
    rules = DisclosureRules(threshold=10, marker="<11", secondary=False)
    assert disclosure_note(rules) == (
        "<11 Counts from 1 to 10 are not shown, to protect the families of the children."
    )
    assert "fewer than 20 events" in disclosure_note(unreliable_rates=True, events="events")


def test_rules_are_frozen_and_validated() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_RULES.threshold = 3  # type: ignore[misc]
    with pytest.raises(CdopArgumentError, match="threshold"):
        DisclosureRules(threshold=0)
    with pytest.raises(CdopArgumentError, match="threshold"):
        DisclosureRules(threshold=2.5)  # type: ignore[arg-type]
    with pytest.raises(CdopArgumentError, match="at least min_rate_events"):
        DisclosureRules(min_rate_events=10, unreliable_rate_events=5)
    with pytest.raises(CdopArgumentError, match="marker"):
        DisclosureRules(marker="")
    with pytest.raises(CdopArgumentError, match="secondary"):
        DisclosureRules(secondary=1)  # type: ignore[arg-type]
    assert dataclasses.replace(DEFAULT_RULES, threshold=3).threshold == 3
