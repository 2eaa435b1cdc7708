"""Periods and complete months: boundaries worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cdop.analytics import complete_months, period_labels
from cdop.errors import CdopArgumentError


def _months(pairs: list[tuple[str, str]]) -> list[int]:
    start = pd.Series(pd.to_datetime([a for a, _ in pairs]))
    end = pd.Series(pd.to_datetime([b for _, b in pairs]))
    return complete_months(start, end).tolist()


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2023-01-31", "2023-02-28", 0),  # 28-day month: the 31st never reached
        ("2023-01-31", "2023-03-01", 1),
        ("2024-01-31", "2024-02-29", 0),  # 29 February, leap year
        ("2024-01-29", "2024-02-29", 1),  # the 29th reached on 29 February
        ("2023-01-29", "2023-02-28", 0),  # no 29 February in 2023
        ("2023-01-29", "2023-03-01", 1),
        ("2024-02-29", "2025-02-28", 11),
        ("2024-02-29", "2025-03-01", 12),
        ("2023-03-31", "2023-04-30", 0),  # 30-day month
        ("2023-04-30", "2023-05-30", 1),
        ("2023-04-30", "2023-05-31", 1),  # 31-day month
        ("2023-03-15", "2023-04-14", 0),
        ("2023-03-15", "2023-04-15", 1),
        ("2022-04-15", "2023-04-15", 12),  # exactly 12
        ("2022-04-15", "2023-05-15", 13),  # exactly 13
        ("2022-04-15", "2023-05-14", 12),
        ("2022-12-31", "2023-01-01", 0),  # year end
        ("2022-12-31", "2023-12-31", 12),
        ("2022-03-31", "2022-03-31", 0),  # same day
    ],
)
def test_complete_months(start: str, end: str, expected: int) -> None:
    assert _months([(start, end)]) == [expected]


def test_complete_months_missing_and_index() -> None:
    start = pd.Series(pd.to_datetime(["2023-01-01", "2023-01-01"]), index=[5, 6])
    end = pd.Series(pd.to_datetime(["2023-03-01", None]), index=[7, 8])
    out = complete_months(start, end)
    assert out.index.tolist() == [7, 8]
    assert out.iloc[0] == 2
    assert pd.isna(out.iloc[1])
    assert str(out.dtype) == "Int64"


def test_period_labels_financial_boundaries() -> None:
    d = pd.Series(
        pd.to_datetime(["2017-04-01", "2018-03-31", "2018-04-01", "2019-12-31", "2020-01-01"])
    )
    assert period_labels(d).tolist() == ["2017/18", "2017/18", "2018/19", "2019/20", "2019/20"]
    assert period_labels(d, period="calendar").tolist() == ["2017", "2018", "2018", "2019", "2020"]
    panel = period_labels(d, panel_year=True)
    assert panel.tolist() == [
        "Yr 10 17/18",
        "Yr 10 17/18",
        "Yr 11 18/19",
        "Yr 12 19/20",
        "Yr 12 19/20",
    ]
    assert panel.cat.ordered
    assert list(panel.cat.categories) == ["Yr 10 17/18", "Yr 11 18/19", "Yr 12 19/20"]
    assert period_labels(d, panel_year=True, first_year=2017).tolist()[0] == "Yr 1 17/18"
    assert period_labels(d, panel_year=True, first_year="2016/17").tolist()[0] == "Yr 2 17/18"


def test_period_labels_century_and_missing() -> None:
    d = pd.Series(pd.to_datetime(["2099-05-01", None]))
    out = period_labels(d)
    assert out.iloc[0] == "2099/00"
    assert pd.isna(out.iloc[1])


def test_period_arguments_are_checked() -> None:
    d = pd.Series(pd.to_datetime(["2007-05-01"]))
    with pytest.raises(CdopArgumentError, match="`period`"):
        period_labels(d, period="fiscal")  # type: ignore[arg-type]
    with pytest.raises(CdopArgumentError, match="`first_year`"):
        period_labels(d, panel_year=True, first_year="08-09x")
    with pytest.raises(CdopArgumentError, match="first_year"):
        period_labels(d, panel_year=True)  # 2007/08 precedes Yr 1 (2008/09)
