"""Analytics of one dataset worked out once: the same table every time, never shared.

A dataset never changes, so the analytics keep each table they work out for it (by
function and arguments). These tests check what a caller sees: the remembered table
equals a fresh computation, changing a returned table changes neither the next one nor
the dataset, other arguments give other tables, and a dataset built anew starts afresh.
"""

from __future__ import annotations

import pandas as pd
import pytest
from analytics_helpers import sample_dataset

import cdop
from cdop.analytics import _breakdown, activity, breakdown, review_timeliness
from cdop.analytics._common import reviewed
from cdop.errors import CdopArgumentError


@pytest.fixture
def sample() -> cdop.Dataset:
    return sample_dataset()


def _fresh(ds: cdop.Dataset) -> cdop.Dataset:
    """The same records as a new dataset (nothing remembered yet)."""
    return cdop.Dataset(
        ds.notifications,
        ds.reviews,
        births=ds.births,
        population=ds.population,
        factors=ds.factors,
    )


def test_remembered_table_equals_a_fresh_computation(sample: cdop.Dataset) -> None:
    first = breakdown(sample, "sex", years=["2022/23", "2023/24"])
    again = breakdown(sample, "sex", years=["2022/23", "2023/24"])
    assert again is not first
    pd.testing.assert_frame_equal(again, first)
    # the undecorated function on a dataset that has remembered nothing
    bare = _breakdown.breakdown.__wrapped__(_fresh(sample), "sex", years=["2022/23", "2023/24"])  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(again, bare)


def test_changing_a_returned_table_changes_nothing_else(sample: cdop.Dataset) -> None:
    notes_before = sample.notifications.copy(deep=True)
    first = activity(sample, years=["2023/24"])
    expected = first.copy(deep=True)
    first["notifications"] = -1
    first.loc[0, "open_at_end"] = 99
    first["extra"] = 1
    again = activity(sample, years=["2023/24"])
    pd.testing.assert_frame_equal(again, expected)
    joined = reviewed(sample)
    joined.iloc[0, 0] = "changed"
    assert reviewed(sample).iloc[0, 0] != "changed"
    pd.testing.assert_frame_equal(sample.notifications, notes_before)


def test_other_arguments_give_other_tables(sample: cdop.Dataset) -> None:
    one = review_timeliness(sample, years=["2023/24"])
    two = review_timeliness(sample, years=["2022/23"])
    assert one["period"].astype(str).tolist() == ["2023/24"]
    assert two["period"].astype(str).tolist() == ["2022/23"]
    # 2023 and "2023/24" name the same year but are different arguments: both right
    by_number = review_timeliness(sample, years=2023)
    pd.testing.assert_frame_equal(by_number, one)
    levels = breakdown(sample, "sex", years="2023/24", confidence=(0.95, 0.998))
    assert "lower_ci_99_8" in levels.columns
    assert "lower_ci_99_8" not in breakdown(sample, "sex", years="2023/24").columns


def test_another_dataset_is_not_answered_from_the_first(sample: cdop.Dataset) -> None:
    whole = activity(sample)
    notes = sample.notifications
    fewer = cdop.Dataset(notes.iloc[: len(notes) // 2], sample.reviews.iloc[:0])
    half = activity(fewer)
    assert int(half["notifications"].sum()) == len(notes) // 2
    assert int(whole["notifications"].sum()) == len(notes)


def test_a_refused_call_is_refused_every_time(sample: cdop.Dataset) -> None:
    for _ in range(2):
        with pytest.raises(CdopArgumentError, match="variables"):
            breakdown(sample, "no_such_column")
