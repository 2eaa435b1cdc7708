"""Two-way count tables whose rows overlap, over a pooled period.

Some tables count a record in several rows: a review records factors in several domains
of the analysis form, or several named factors. Their rows are not a breakdown of a
total, so the row characteristic gets no universe (its rows are never taken to add up
to anything) and the table has no total row. Within a row the columns are a breakdown
(each review recording the factor is in exactly one column) and the row's total is
printed. :func:`plan_cross` registers every cell and row total, and plans the table for
writing once disclosure control has run; its note tells readers that the rows overlap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from cdop.disclosure import CellKey
from cdop.report.sections._base import (
    MEASURE,
    Context,
    GridPlan,
    period_label,
    plan_grid,
)

__all__ = ["OVERLAP_NOTE", "Cross", "plan_cross"]

#: The note under a table whose rows overlap (a reader must not add them up).
OVERLAP_NOTE = "A review can be counted in more than one row, so the rows do not add up to a total."


@dataclass(frozen=True)
class Cross:
    """A planned two-way table: the grid (codes) and its registered keys."""

    plan: GridPlan
    grid: pd.DataFrame  # counts by row code and column code, as printed
    row_keys: tuple[CellKey, ...]

    def row_key(self, code: str) -> CellKey:
        """The key of a row's total."""
        return self.row_keys[list(self.grid.index).index(code)]

    def cell_key(self, row: str, column: str) -> CellKey:
        """The key of one cell."""
        i, j = list(self.grid.index).index(row), list(self.grid.columns).index(column)
        return self.plan.keys[i][j]


def plan_cross(
    ctx: Context,
    table_id: str,
    title: str,
    grid: pd.DataFrame,
    *,
    years: Sequence[str],
    row_dim: str,
    column_dim: str,
    row_labels: Mapping[str, str],
    column_labels: Mapping[str, str],
    row_header: str,
    base: Mapping[str, str | Sequence[str]] | None = None,
    measure: str = MEASURE.REVIEWED,
    total_column: str = "Reviews",
    percent: Literal["row"] | None = "row",
    notes: Sequence[str] = (),
    row_name: str = "group",
    column_name: str = "column",
) -> Cross:
    """Register and plan a table whose rows overlap, over the pooled ``years``.

    ``grid`` holds the counts by row code (index) and column code (columns: every level
    of ``column_dim``, so that a row's cells add up to its total); ``base`` restricts
    every count further. Rows keep the order of ``grid``; rows that are zero throughout
    are not printed (the rows do not add up to anything, so a reader learns nothing from
    their absence).
    """
    dims = dict(base or {})
    grid = grid.astype("int64")
    ctx.counts.universe(column_dim, list(grid.columns))

    def key(**named: str) -> CellKey:
        return ctx.key(measure, year=list(years), **dims, **named)

    grid = grid[grid.sum(axis=1) > 0]
    rows = [str(r) for r in grid.index]
    columns = [str(c) for c in grid.columns]
    keys = [[key(**{row_dim: r, column_dim: c}) for c in columns] for r in rows]
    row_keys = [key(**{row_dim: r}) for r in rows]
    shown = grid.rename(index=dict(row_labels), columns=dict(column_labels))
    plan = plan_grid(
        ctx,
        table_id,
        title,
        shown,
        keys=keys,
        row_total_keys=row_keys,
        row_header=row_header,
        total_column=total_column,
        percent=percent,
        row_name=row_name,
        column_name=column_name,
        notes=(*notes, OVERLAP_NOTE),
        period=period_label(years),
    )
    return Cross(
        plan=plan,
        grid=grid,
        row_keys=tuple(row_keys),
    )
