"""Presentation tables, dependent columns, long tables and the display of hidden cells."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cdop.disclosure import (
    DisclosureRules,
    apply_mask,
    mask_dependents,
    suppress_grid,
    suppress_long,
    suppress_table,
)
from cdop.errors import CdopArgumentError, SmallNumberWarning


def category_table() -> pd.DataFrame:
    """Deaths reviewed by category, three years, with percentages and a total row."""
    return pd.DataFrame(
        {
            "category": ["Perinatal", "Chromosomal", "Infection", "Sudden", "Total"],
            "2021": [12, 9, 3, 8, 32],
            "2021 %": [37.5, 28.1, 9.4, 25.0, 100.0],
            "2022": [14, 10, 7, 9, 40],
            "2022 %": [35.0, 25.0, 17.5, 22.5, 100.0],
            "2023": [11, 12, 8, 6, 37],
            "2023 %": [29.7, 32.4, 21.6, 16.2, 100.0],
        }
    )


def test_suppress_table_hides_counts_and_their_percentages() -> None:
    # 3 (Infection 2021) is small. Row totals across years are not published.
    # Column 2021: 3 alone -> 8 (smallest of 12, 9, 8). Total row stays.
    table = category_table()
    before = table.copy()
    out = suppress_table(
        table,
        ["2021", "2022", "2023"],
        dependents={"2021": ["2021 %"], "2022": ["2022 %"], "2023": ["2023 %"]},
        total_row=4,
        row_totals=False,
    )
    pd.testing.assert_frame_equal(table, before)
    assert out.any_hidden
    hidden_cells = {(r, c) for r, c in zip(*np.nonzero(out.hidden.to_numpy()), strict=True)}
    col = list(table.columns).index
    assert hidden_cells == {
        (2, col("2021")),
        (2, col("2021 %")),
        (3, col("2021")),
        (3, col("2021 %")),
    }
    assert out.table.loc[2, "2021"] == "*"
    assert out.table.loc[3, "2021 %"] == "*"
    assert out.table.loc[4, "2021"] == 32
    assert out.table.loc[0, "category"] == "Perinatal"


def test_suppress_table_with_row_totals_published() -> None:
    # Same table, but a row's total over the years is derivable: Infection
    # 3 + 7 + 8 = 18 would give the 3 away, so the row needs a second cell too.
    out = suppress_table(category_table(), ["2021", "2022", "2023"], total_row=4)
    counts = out.hidden[["2021", "2022", "2023"]].to_numpy()
    assert counts.sum(axis=0).tolist() != [0, 0, 0]
    for line in [*counts[:4], *counts[:4].T]:
        assert line.sum() != 1


def test_explicit_total_column_and_grand_total() -> None:
    table = pd.DataFrame(
        {"a": [2, 10, 12], "b": [9, 8, 17], "all": [11, 18, 29]}, index=["x", "y", "Total"]
    )
    out = suppress_table(table, ["a", "b"], total_row="Total", total_column="all")
    expected = suppress_grid(table.loc[["x", "y"], ["a", "b"]]).to_numpy()
    np.testing.assert_array_equal(out.hidden.to_numpy(), expected)


def test_explicit_totals_must_add_up() -> None:
    table = category_table()
    table.loc[4, "2022"] = 41
    with pytest.raises(
        CdopArgumentError, match=r"does not equal the sum .* expected \[32, 40, 37\]"
    ):
        suppress_table(table, ["2021", "2022", "2023"], total_row=4, row_totals=False)


def test_suppress_table_argument_errors() -> None:
    table = category_table()
    with pytest.raises(CdopArgumentError, match="not in the table"):
        suppress_table(table, ["2020"])
    with pytest.raises(CdopArgumentError, match="not an index label"):
        suppress_table(table, ["2021"], total_row=99)
    with pytest.raises(CdopArgumentError, match="not count columns"):
        suppress_table(table, ["2021"], dependents={"2022": ["2022 %"]}, total_row=4)


def test_mask_dependents_follows_the_table_columns() -> None:
    hidden = pd.DataFrame({"n": [True, False], "m": [False, True]}, index=["a", "b"])
    mask = mask_dependents(
        hidden,
        {"n": ["n_pct"], "m": ["m_lo", "m_hi"]},
        ["label", "n", "n_pct", "m", "m_lo", "m_hi"],
    )
    assert list(mask.columns) == ["label", "n", "n_pct", "m", "m_lo", "m_hi"]
    assert mask.loc["a"].tolist() == [False, True, True, False, False, False]
    assert mask.loc["b"].tolist() == [False, False, False, True, True, True]


def test_mask_dependents_errors() -> None:
    hidden = pd.DataFrame({"n": [True]})
    with pytest.raises(CdopArgumentError, match="not in hidden"):
        mask_dependents(hidden, {"x": ["y"]})
    with pytest.raises(CdopArgumentError, match="both a count and a dependent"):
        mask_dependents(hidden, {"n": ["n"]})
    with pytest.raises(CdopArgumentError, match="is not in columns"):
        mask_dependents(hidden, {"n": ["pct"]}, ["n"])


def test_apply_mask_marker_and_missing() -> None:
    table = pd.DataFrame({"n": [3, 10], "pct": [23.1, 76.9], "label": ["a", "b"]})
    mask = pd.DataFrame({"n": [True, False], "pct": [True, False], "label": [True, False]})
    shown = apply_mask(table, mask, DisclosureRules(marker="<6"))
    assert shown.values.tolist() == [["<6", "<6", "<6"], [10, 76.9, "b"]]
    blank = apply_mask(table, mask, fill="na")
    assert str(blank["n"].dtype) == "Int64"
    assert blank["n"].isna().tolist() == [True, False]
    assert np.isnan(blank.loc[0, "pct"])
    assert blank.loc[0, "label"] is None
    pd.testing.assert_frame_equal(table, pd.DataFrame(table))  # untouched
    with pytest.raises(CdopArgumentError, match="fill"):
        apply_mask(table, mask, fill="blank")  # type: ignore[arg-type]


def test_suppress_long_matches_the_grid_and_keeps_the_index() -> None:
    long = pd.DataFrame(
        {
            "year": [2022, 2022, 2022, 2023, 2023, 2023],
            "sex": ["m", "f", "u", "m", "f", "u"],
            "n": [20, 3, 0, 15, 12, 0],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    got = suppress_long(long, rows="sex", columns="year")
    # Grid (sex x year): f row 3, 12 -> the 3 needs 12 (its row) and then the
    # 2022 column (3 + 20) needs 20, and row m then needs 15.
    assert got.tolist() == [True, True, False, True, True, False]
    assert got.index.equals(long.index)
    assert got.name == "hidden"


def test_suppress_long_with_several_keys() -> None:
    long = pd.DataFrame(
        {
            "year": [2022] * 4 + [2023] * 4,
            "sex": ["m", "m", "f", "f"] * 2,
            "age": ["<1", "1-4"] * 4,
            "n": [20, 9, 3, 14, 11, 13, 16, 18],
        }
    )
    got = suppress_long(long, rows=["sex", "age"], columns="year", outside="ignore")
    assert got.iloc[2]
    wide = long.pivot(index=["sex", "age"], columns="year", values="n")
    mask = suppress_grid(wide)
    for pos, row in long.iterrows():
        assert got[pos] == mask.loc[(row["sex"], row["age"]), row["year"]]


def test_suppress_long_does_not_hide_absent_combinations() -> None:
    # (u, 2023) is absent: taken as 0, and not chosen while anything else is left.
    # Row u = 2 + (absent 0) with total 2: the total itself is the partner, which
    # is not a row of the long table, so the caller is warned.
    long = pd.DataFrame({"year": [2022, 2022, 2023], "sex": ["m", "u", "m"], "n": [30, 2, 25]})
    rules = DisclosureRules(protect_totals=False)
    with pytest.warns(SmallNumberWarning, match=r"row totals of \['u'\]"):
        got = suppress_long(long, rows="sex", columns="year", rules=rules, column_totals=False)
    assert got.tolist() == [False, True, False]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        suppress_long(
            long, rows="sex", columns="year", rules=rules, column_totals=False, outside="ignore"
        )


def test_suppress_long_errors() -> None:
    long = pd.DataFrame({"year": [2022, 2022], "sex": ["m", "m"], "n": [3, 4]})
    with pytest.raises(CdopArgumentError, match="identify each row"):
        suppress_long(long, rows="sex", columns="year")
    with pytest.raises(CdopArgumentError, match="not in the table"):
        suppress_long(long, rows="sex", columns="year", count="deaths")
    bad = pd.DataFrame({"year": [2022, None], "sex": ["m", "f"], "n": [3, 4]})
    with pytest.raises(CdopArgumentError, match="missing"):
        suppress_long(bad, rows="sex", columns="year")
    with pytest.raises(CdopArgumentError, match="outside"):
        suppress_long(long, rows="sex", columns="year", outside="raise")  # type: ignore[arg-type]
