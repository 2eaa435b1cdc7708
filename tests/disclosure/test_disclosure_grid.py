"""Hand-built grids: the expected masks are worked out by hand and written out here.

Masks are written as 0/1 rows over the grid *with* its published totals (last
column: row totals; last row: column totals). Each case's comment gives the
reasoning, following the documented rule: primary cells 1..threshold; a line
with one hidden cell gets the smallest non-zero count whose other line already
has a single hidden cell, else the smallest non-zero count, else a zero, else a
total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from disclosure_helpers import attack, expected_mask, grid

from cdop.disclosure import (
    DisclosureRules,
    add_totals,
    apply_mask,
    recoverable_cells,
    suppress_grid,
)
from cdop.errors import CdopArgumentError


def check(
    counts: pd.DataFrame,
    expected: list[list[int]],
    rules: DisclosureRules | None = None,
    **kwargs: bool,
) -> pd.DataFrame:
    mask = suppress_grid(counts, rules or DisclosureRules(), **kwargs)
    want = expected_mask(expected, mask)
    pd.testing.assert_frame_equal(mask, want)
    assert attack(counts, mask, **kwargs) == set()
    assert recoverable_cells(counts, mask, **kwargs).empty
    return mask


def test_single_small_cell_chains_through_a_column() -> None:
    # 3 alone in row a -> 15 (smallest; neither 20 nor 15 has a column with a hidden
    # cell). Column y has one hidden (3) -> 22 (smallest of 30, 22). Row c has one
    # hidden (22) -> 40 closes column z (which holds 15) rather than 18.
    counts = grid([[20, 3, 15], [12, 30, 25], [18, 22, 40]])
    check(
        counts,
        [
            [0, 1, 1, 0],
            [0, 0, 0, 0],
            [0, 1, 1, 0],
            [0, 0, 0, 0],
        ],
    )


def test_two_small_cells_in_a_row() -> None:
    # Row a has two hidden (2, 4): safe. Column x has one (2) -> 10 (smallest);
    # row b then has one (10) -> 20, whose column y already holds the 4.
    counts = grid([[2, 4, 30], [10, 20, 25], [15, 12, 40]])
    check(
        counts,
        [
            [1, 1, 0, 0],
            [1, 1, 0, 0],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
        ],
    )


def test_small_cells_on_a_diagonal_pair_up() -> None:
    # 2 at (a, x) and 3 at (b, y): row a -> 20 (its column y holds the 3), row b ->
    # 25 (its column x holds the 2): a 2 x 2 block.
    counts = grid([[2, 20, 30], [25, 3, 40], [15, 12, 50]])
    check(
        counts,
        [
            [1, 1, 0, 0],
            [1, 1, 0, 0],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
        ],
    )


def test_all_zero_row_is_left_alone() -> None:
    # 3 at (c, y): row c -> 12; column x then has one (12) -> 10 (row a's 0 is a
    # zero: only a fall-back); row b -> 20, closing column y.
    counts = grid([[0, 0, 0], [10, 20, 30], [12, 3, 25]])
    check(
        counts,
        [
            [0, 0, 0, 0],
            [1, 1, 0, 0],
            [1, 1, 0, 0],
            [0, 0, 0, 0],
        ],
    )


def test_zeros_are_not_hidden() -> None:
    counts = grid([[0, 10, 0], [12, 0, 25], [0, 0, 40]])
    mask = check(counts, [[0] * 4] * 4)
    assert not mask.to_numpy().any()


def test_every_cell_small_with_large_totals() -> None:
    # All nine cells are 1..5; every total is 7 or more. Each row and column has
    # three hidden cells and none is all 1s, so nothing more is needed.
    counts = grid([[2, 3, 4], [5, 1, 2], [3, 3, 3]])
    check(
        counts,
        [
            [1, 1, 1, 0],
            [1, 1, 1, 0],
            [1, 1, 1, 0],
            [0, 0, 0, 0],
        ],
    )


def test_every_cell_small_with_small_totals() -> None:
    # Totals 3 (row a) and 4 (column x) are small themselves and hidden. Then the
    # column totals (4, *6) and the row totals (3, *7) each hold one hidden cell
    # with the grand total shown, so 6 and 7 are hidden too; only 10 is shown.
    counts = grid([[1, 2], [3, 4]])
    check(
        counts,
        [
            [1, 1, 1],
            [1, 1, 1],
            [1, 1, 0],
        ],
    )


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        # 2 at (b, x): row b -> 9; column x -> 4; row a -> 12 closes column y.
        (3, [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]),
        # 4, 2, 9, 8 hidden: row a -> 12 and row c -> 15 (smallest; neither closes).
        (10, [[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]]),
    ],
)
def test_threshold_is_configurable(threshold: int, expected: list[list[int]]) -> None:
    counts = grid([[4, 12, 30], [2, 9, 25], [15, 8, 40]])
    check(counts, expected, DisclosureRules(threshold=threshold))


def test_threshold_is_inclusive_and_zero_is_shown() -> None:
    counts = grid([[5, 6, 0], [1, 0, 7]])
    mask = suppress_grid(counts, DisclosureRules(secondary=False))
    pd.testing.assert_frame_equal(
        mask, expected_mask([[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]], mask)
    )


def test_one_row_table_hides_the_column_totals() -> None:
    # In a one-row table each column total equals its cell, so hiding 3 means
    # hiding its column total; the row then needs a second hidden cell (10), and
    # so its column total; the row total 13 and grand total 13 stay.
    counts = pd.DataFrame([[3, 10]], index=["a"], columns=["x", "y"])
    check(counts, [[1, 1, 0], [1, 1, 0]])


def test_one_row_table_without_column_totals() -> None:
    counts = pd.DataFrame([[3, 10]], index=["a"], columns=["x", "y"])
    check(counts, [[1, 1, 0]], column_totals=False)


def test_single_column_with_total_row() -> None:
    # 18, 2, 8 with total 28: 2 alone would be 28 - 26, so 8 (smallest) goes too.
    counts = pd.DataFrame({"n": [18, 2, 8]}, index=["a", "b", "c"])
    check(counts, [[0], [1], [1], [0]], row_totals=False)


def test_single_column_falls_back_to_a_nonzero_before_a_zero() -> None:
    counts = pd.DataFrame({"n": [18, 2, 0]}, index=["a", "b", "c"])
    check(counts, [[1], [1], [0], [0]], row_totals=False)


def test_single_column_falls_back_to_a_zero_only_when_nothing_else() -> None:
    # 0, 3, 0 with total 3. With small totals protected, the total 3 is hidden
    # itself and that is enough. Without, a zero must be hidden (the first).
    counts = pd.DataFrame({"n": [0, 3, 0]}, index=["a", "b", "c"])
    check(counts, [[0], [1], [0], [1]], row_totals=False)
    check(
        counts,
        [[1], [1], [0], [0]],
        DisclosureRules(protect_totals=False),
        row_totals=False,
    )


def test_single_column_with_row_totals_hides_the_row_total() -> None:
    # A row total of a one-column table equals its cell.
    counts = pd.DataFrame({"n": [18, 2, 8]}, index=["a", "b", "c"])
    check(counts, [[0, 0], [1, 1], [1, 1], [0, 0]])


def test_all_ones_line_is_protected() -> None:
    # Row a = 1, 1, 20 with total 22: two hidden 1s add up to 2, so each is 1.
    # 20 is hidden; column x -> 10; row b -> 12 (closes column y); column z
    # (20 alone) -> 25 (smallest of 30, 25); row c -> 11 (smallest of 11, 14).
    counts = grid([[1, 1, 20], [10, 12, 30], [11, 14, 25]])
    check(
        counts,
        [
            [1, 1, 1, 0],
            [1, 1, 0, 0],
            [1, 0, 1, 0],
            [0, 0, 0, 0],
        ],
    )


def test_without_the_all_ones_rule_the_audit_finds_the_ones() -> None:
    counts = grid([[1, 1, 20], [10, 12, 30], [11, 14, 25]])
    mask = suppress_grid(counts, DisclosureRules(protect_bounds=False))
    found = recoverable_cells(counts, mask)
    assert set(zip(found["row"], found["column"], strict=True)) == {
        ("a", "x"),
        ("a", "y"),
        ("b", "x"),
        ("b", "y"),
    }
    assert found.loc[found["how"] == "ones", "value"].tolist() == [1.0, 1.0]
    # Without the fact that hidden counts are at least 1, nothing comes out.
    assert recoverable_cells(counts, mask, assume_positive=False).empty


def test_without_secondary_only_primary_is_hidden() -> None:
    counts = grid([[20, 3, 15], [12, 30, 25], [18, 22, 40]])
    mask = suppress_grid(counts, DisclosureRules(secondary=False))
    assert mask.to_numpy().sum() == 1
    found = recoverable_cells(counts, mask)
    assert found[["row", "column", "value", "how"]].values.tolist() == [["a", "y", 3.0, "line"]]


def test_no_totals_published_means_primary_only() -> None:
    counts = grid([[20, 3, 15], [12, 30, 25]])
    mask = suppress_grid(counts, row_totals=False, column_totals=False)
    pd.testing.assert_frame_equal(mask, expected_mask([[0, 1, 0], [0, 0, 0]], counts))


def test_bridge_between_two_blocks_is_found_by_linear_audit_only() -> None:
    # Two 2 x 2 blocks of hidden cells joined by (b, z): every row and column has
    # two or more hidden cells, so peeling finds nothing, but rows a+b minus
    # columns x+y give (b, z) exactly.
    counts = grid([[9, 8, 7, 6], [9, 8, 7, 6], [9, 8, 7, 6], [9, 8, 7, 6]], "xyzw")
    hidden = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    for r, c in [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y"), ("b", "z")]:
        hidden.loc[r, c] = True
    for r, c in [("c", "z"), ("c", "w"), ("d", "z"), ("d", "w")]:
        hidden.loc[r, c] = True
    assert recoverable_cells(counts, hidden, method="lines").empty
    found = recoverable_cells(counts, hidden, method="linear")
    assert found[["row", "column", "value", "how"]].values.tolist() == [["b", "z", 7.0, "linear"]]
    with_totals = hidden.assign(Total=False).reindex([*counts.index, "Total"], fill_value=False)
    assert attack(counts, with_totals) == {(1, 2)}


def test_secondary_breaks_a_bridge() -> None:
    from cdop.disclosure import _grid

    layout = _grid.Layout(4, 4, True, True)
    values = _grid.augment(np.full((4, 4), 9, dtype=np.int64), layout)
    start = np.zeros(layout.shape, dtype=bool)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)]:
        start[i, j] = True
    assert _grid.determined(start.ravel(), layout).any()
    out = _grid.secondary(values, start.ravel(), layout)
    assert out[start.ravel()].all()
    assert not _grid.determined(out, layout).any()


def test_input_is_not_modified() -> None:
    counts = grid([[20, 3, 15], [12, 30, 25], [18, 22, 40]])
    before = counts.copy()
    suppress_grid(counts)
    recoverable_cells(counts, suppress_grid(counts))
    pd.testing.assert_frame_equal(counts, before)


def test_add_totals_and_apply_mask_render_the_published_table() -> None:
    counts = grid([[20, 3, 15], [12, 30, 25], [18, 22, 40]])
    shown = apply_mask(add_totals(counts), suppress_grid(counts))
    assert shown.astype(str).values.tolist() == [
        ["20", "*", "*", "38"],
        ["12", "30", "25", "67"],
        ["18", "*", "*", "80"],
        ["50", "55", "80", "185"],
    ]


def test_multiindex_rows_get_a_padded_total_label() -> None:
    index = pd.MultiIndex.from_tuples([("m", "a"), ("m", "b"), ("f", "a")], names=["sex", "g"])
    counts = pd.DataFrame({"x": [3, 10, 12], "y": [9, 8, 7]}, index=index)
    mask = suppress_grid(counts)
    assert ("Total", "") in mask.index
    assert attack(counts, mask) == set()


def test_empty_grid() -> None:
    counts = pd.DataFrame({"x": pd.Series([], dtype="int64")})
    mask = suppress_grid(counts)
    assert mask.shape == (1, 2)
    assert not mask.to_numpy().any()


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (pd.DataFrame({"x": [1.5, 2.0]}), "whole, non-negative"),
        (pd.DataFrame({"x": [-1, 2]}), "whole, non-negative"),
        (pd.DataFrame({"x": [np.nan, 2.0]}), "nothing missing"),
        (pd.DataFrame({"x": ["a", "b"]}), "not numeric"),
        (pd.DataFrame({"Total": [1, 2]}), "already a column label"),
    ],
)
def test_bad_grids_are_refused(counts: pd.DataFrame, message: str) -> None:
    with pytest.raises(CdopArgumentError, match=message):
        suppress_grid(counts)


def test_rules_must_be_rules() -> None:
    with pytest.raises(CdopArgumentError, match="DisclosureRules"):
        suppress_grid(grid([[1, 2]]), 5)  # type: ignore[arg-type]
