"""count_grid: the grid of counts that the review tables print, against pandas'
pivot_table (the way it was built before), on random frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdop.report.sections._base import count_grid


def _by_pivot_table(frame: pd.DataFrame, order: list[str], years: list[str]) -> pd.DataFrame:
    grid = frame.pivot_table(
        index="band", columns="period", values="n", aggfunc="sum", observed=False, sort=False
    )
    grid = grid.reindex(index=order).fillna(0)
    grid.columns = grid.columns.astype(str)
    return grid[years].astype("int64")


@pytest.mark.parametrize("seed", range(6))
def test_count_grid_is_pivot_table_summed_reindexed(seed: int) -> None:
    rng = np.random.default_rng(seed)
    compared = 0
    for _ in range(100):
        bands = [f"b{i}" for i in range(int(rng.integers(1, 5)))]
        years = [f"20{i:02d}/{i + 1:02d}" for i in range(int(rng.integers(1, 5)))]
        size = int(rng.integers(1, 12))
        frame = pd.DataFrame(
            {
                "band": rng.choice([*bands, "other"], size),
                "period": rng.choice(years, size),
                "n": rng.integers(0, 9, size),
            }
        )
        if rng.random() < 0.5:  # periods as the analytics give them: every level a category
            frame["period"] = pd.Categorical(frame["period"], categories=[*years, "2099/00"])
        if rng.random() < 0.3:
            frame["band"] = pd.Categorical(frame["band"], categories=[*bands, "other"])
        order = [str(b) for b in rng.permutation(bands)] + (
            ["absent"] if rng.random() < 0.3 else []
        )
        wanted = [
            str(y) for y in rng.choice(years, int(rng.integers(1, len(years) + 1)), replace=False)
        ]
        try:
            expected = _by_pivot_table(frame, order, wanted)
        except KeyError:  # a period the column cannot hold: both refuse it
            with pytest.raises(KeyError):
                count_grid(frame, "band", "period", "n", order, wanted)
            continue
        got = count_grid(frame, "band", "period", "n", order, wanted)
        assert got.index.tolist() == order and got.columns.tolist() == wanted
        assert (got.to_numpy() == expected.to_numpy()).all()
        assert got.dtypes.eq("int64").all()
        compared += 1
    assert compared > 50


def test_count_grid_of_no_rows_is_zeros() -> None:
    frame = pd.DataFrame(
        {"band": pd.Series([], dtype=object), "period": pd.Categorical([], ["2024/25"]), "n": []}
    )
    grid = count_grid(frame, "band", "period", "n", ["a", "b"], ["2024/25"])
    assert grid.to_numpy().tolist() == [[0], [0]]


@pytest.mark.parametrize("seed", range(3))
def test_count_grid_not_strict_is_pivot_table_reindexed_both_ways(seed: int) -> None:
    """The pooled tables' way: levels of either side that the data lack are zeros."""
    rng = np.random.default_rng(100 + seed)
    for _ in range(100):
        size = int(rng.integers(0, 15))
        frame = pd.DataFrame(
            {
                "cat": rng.choice(["1", "2", "3", "x"], size),
                "mod": rng.choice(["Y", "N", "I", "x"], size),
                "n": rng.integers(0, 9, size),
            }
        )
        rows, columns = ["3", "1", "2", "x", "9"], ["N", "Y", "I", "x", "Z"]
        got = count_grid(frame, "cat", "mod", "n", rows, columns, strict=False)
        if size:
            expected = (
                frame.pivot_table(index="cat", columns="mod", values="n", aggfunc="sum")
                .reindex(index=rows, columns=columns)
                .fillna(0)
                .astype("int64")
            )
            assert (got.to_numpy() == expected.to_numpy()).all()
        else:
            assert (got.to_numpy() == 0).all()
        assert got.index.tolist() == rows and got.columns.tolist() == columns


def test_a_grid_of_years_names_no_pooled_period() -> None:
    # A table's pooled period goes in its CSV rows as year and period: a grid whose rows
    # or columns are years already has those columns, so the two are refused together.
    import cdop
    from cdop.errors import CdopArgumentError
    from cdop.report._tables import Disclosure
    from cdop.report.sections._base import Context, plan_grid

    ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    grid = pd.DataFrame({"2024/25": [3]}, index=["Male"])
    keys = [[ctx.key("reviewed", year="2024/25", sex="male")]]
    with pytest.raises(CdopArgumentError, match="a table of years has no pooled period"):
        plan_grid(ctx, "t", "T", grid, keys=keys, row_header="Sex", period="2020/21 to 2022/23")
    plan = plan_grid(
        ctx,
        "t",
        "T",
        grid,
        keys=keys,
        row_header="Sex",
        column_name="measure",
        period="2020/21 to 2022/23",
    )
    assert plan.period == "2020/21 to 2022/23"


def test_count_grid_leaves_out_missing_levels_and_refuses_repeated_rows() -> None:
    # Hand-worked: the rows with no year (None, NaN, NA) count nowhere; "a" in y1 is 1 + 4.
    frame = pd.DataFrame(
        {
            "band": ["a", "a", "b", "a", "b", "a"],
            "year": pd.array(["y1", None, "y2", "y1", pd.NA, np.nan], dtype=object),
            "n": [1, 2, 3, 4, 5, 6],
        }
    )
    grid = count_grid(frame, "band", "year", "n", ["a", "b"], ["y1", "y2"], strict=False)
    assert grid.to_numpy().tolist() == [[5, 0], [0, 3]]
    with pytest.raises(ValueError, match="distinct"):
        count_grid(frame, "band", "year", "n", ["a", "a"], ["y1"], strict=False)
