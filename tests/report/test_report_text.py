"""Wording and number formats of the chapter: rounding as Excel does, p-values near 0.05."""

from __future__ import annotations

import pytest

from cdop.report._text import change_phrase, count_percent, excel_round, fmt_p, fmt_percent


@pytest.mark.parametrize(
    ("x", "n", "printed"),
    [
        # Excel: =ROUND(1/8*100, 0) is 13, =ROUND(5/8*100, 0) is 63, =ROUND(3/8*100,0) is 38.
        (1, 8, "13%"),
        (5, 8, "63%"),
        (3, 8, "38%"),
        (1, 40, "3%"),  # 2.5
        (7, 40, "18%"),  # 17.5
        (1, 3, "33%"),
        (0, 5, "0%"),
    ],
)
def test_percentages_round_half_away_from_zero(x: int, n: int, printed: str) -> None:
    assert fmt_percent(x / n * 100) == printed
    assert count_percent(x, x / n * 100) == f"{x} ({printed})"


def test_decimals_round_as_typed_into_a_spreadsheet() -> None:
    # 2.675 is stored as 2.67499999...; Excel's ROUND(2.675, 2) shows 2.68.
    assert str(excel_round(2.675, 2)) == "2.68"
    assert str(excel_round(0.125, 2)) == "0.13"
    assert fmt_percent(12.25, digits=1) == "12.3%"
    assert fmt_percent(-0.4) == "0%"


def test_p_values_never_round_across_the_threshold() -> None:
    assert fmt_p(0.047) == "p = 0.047"
    assert fmt_p(0.0496) == "p < 0.05"
    assert fmt_p(0.0504) == "p = 0.050"
    assert fmt_p(0.33) == "p = 0.33"
    assert fmt_p(0.00099) == "p < 0.001"
    assert change_phrase(90, 70, 0.047, previous_year="2023/24") == (
        "a significant increase from 70 in 2023/24 (p = 0.047)"
    )
