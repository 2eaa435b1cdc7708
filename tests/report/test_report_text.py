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


def test_comparison_words_name_the_figure_its_period_and_source() -> None:
    from cdop.report._text import comparison_phrase, national_source_note

    tested = comparison_phrase(
        "lower", "48%", period="2024/25", same_period=True, like_for_like=True, source="NCMD"
    )
    assert tested == "significantly lower than England (48% in 2024/25, NCMD)"
    context = comparison_phrase(
        "lower",  # a label is never worded when the figure is not like for like
        "48%",
        period="2024/25",
        same_period=False,
        like_for_like=False,
        source="NCMD",
        note="national figure for 2024/25, not 2023/24",
    )
    assert "significantly" not in context and "for context only" in context
    assert "no comparable national figure" in context
    note = national_source_note(
        [
            {"national_period": "2024/25", "national_source": "A. B", "national_url": "https://x"},
            {"national_period": "2024/25", "national_source": "A. B", "national_url": "https://x"},
            {"national_period": None, "national_source": None, "national_url": None},
        ]
    )
    assert note.startswith("England: 2024/25, A. B (https://x). A local figure is tested")
    assert national_source_note([{"national_period": None}]) == ""


def test_rate_lines_draw_a_benchmark_only_where_there_is_one() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from cdop.plots._charts import rate_lines

    d = pd.DataFrame(
        {
            "year": ["2021/22", "2022/23", "2023/24"],
            "r": [30.0, 28.0, 31.0],
            "lo": [20.0] * 3,
            "hi": [40.0] * 3,
        }
    )
    ax = rate_lines(d, "year", None, "r", "lo", "hi", benchmark={"2023/24": 29.8, "2019/20": 28.0})
    bench = [line for line in ax.lines if line.get_label() == "England"]
    assert len(bench) == 1
    assert bench[0].get_xdata().tolist() == [2.0] and bench[0].get_ydata().tolist() == [29.8]
    plt.close("all")
