"""Properties of grid suppression on random grids, checked by an independent attacker."""

from __future__ import annotations

import numpy as np
import pandas as pd
from disclosure_helpers import attack, equations, full_table, lp_attack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdop.disclosure import DisclosureRules, recoverable_cells, suppress_grid, suppress_long


@st.composite
def grids(draw: st.DrawFn) -> pd.DataFrame:
    n_rows = draw(st.integers(1, 8))
    n_cols = draw(st.integers(1, 8))
    high = draw(st.sampled_from([3, 8, 30]))  # many small cells, some, or few
    cells = draw(st.lists(st.integers(0, high), min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    return pd.DataFrame(
        np.array(cells, dtype=np.int64).reshape(n_rows, n_cols),
        index=[f"r{i}" for i in range(n_rows)],
        columns=[f"c{j}" for j in range(n_cols)],
    )


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    counts=grids(),
    threshold=st.sampled_from([3, 5, 10]),
    row_totals=st.booleans(),
    column_totals=st.booleans(),
)
def test_suppression_is_safe(
    counts: pd.DataFrame, threshold: int, row_totals: bool, column_totals: bool
) -> None:
    before = counts.copy()
    rules = DisclosureRules(threshold=threshold)
    mask = suppress_grid(counts, rules, row_totals=row_totals, column_totals=column_totals)

    # (c) the input is untouched
    pd.testing.assert_frame_equal(counts, before)

    # (a) every count (and published total) from 1 to the threshold is hidden
    values = full_table(counts, row_totals, column_totals)
    hidden = mask.to_numpy(dtype=bool)
    assert hidden.shape == values.shape
    small = (values >= 1) & (values <= threshold)
    assert hidden[small].all()

    # (b) nothing hidden can be worked out from the totals
    assert attack(counts, mask, row_totals=row_totals, column_totals=column_totals) == set()
    assert recoverable_cells(counts, mask, row_totals=row_totals, column_totals=column_totals).empty

    # no published line gives away hidden cells that are all 1
    for eq in equations(values.shape, row_totals, column_totals):
        total = next(cell for cell, c in eq.items() if c < 0)
        parts = [cell for cell, c in eq.items() if c > 0 and hidden[cell]]
        if not hidden[total] and len(parts) >= 2:
            assert not all(values[cell] == 1 for cell in parts)


@SETTINGS
@given(counts=grids())
def test_primary_only_hides_exactly_the_small_cells(counts: pd.DataFrame) -> None:
    rules = DisclosureRules(secondary=False, protect_totals=False)
    mask = suppress_grid(counts, rules, row_totals=False, column_totals=False)
    values = counts.to_numpy()
    np.testing.assert_array_equal(mask.to_numpy(), (values >= 1) & (values <= 5))


@settings(max_examples=60, deadline=None)
@given(counts=grids())
def test_long_mask_matches_the_grid_mask(counts: pd.DataFrame) -> None:
    long = counts.rename_axis(index="row", columns="col").stack().rename("n").reset_index()
    long = long.sample(frac=1.0, random_state=0)  # order must not matter
    wide = suppress_grid(counts)
    got = suppress_long(long, rows="row", columns="col", count="n", outside="ignore")
    expected = [bool(wide.loc[r, c]) for r, c in zip(long["row"], long["col"], strict=True)]
    assert got.tolist() == expected
    assert got.index.equals(long.index)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=grids(), row_totals=st.booleans(), column_totals=st.booleans())
def test_no_hidden_cell_is_pinned_by_linear_programming(
    counts: pd.DataFrame, row_totals: bool, column_totals: bool
) -> None:
    mask = suppress_grid(counts, row_totals=row_totals, column_totals=column_totals)
    assert lp_attack(counts, mask, row_totals=row_totals, column_totals=column_totals) == set()
