"""Two-way count tables over a pooled period: one characteristic by another.

Small numbers make a table of, say, category of death by age group mostly hidden counts
when each year is shown apart, so these tables count the reviews of the fixed pooled
period (three financial years). Both characteristics split the period's reviews: the
rows add up to the total row and the columns to the total column, and every count is
registered with its key so that disclosure control protects the table together with the
rest of the chapter.

A level can be merged with others before disclosure control runs (``merges``): when any
of its counts is small (1 to the threshold) its group is printed as one row or column
under its own label, as the breakdown tables merge "not stated" with "other". A "Not
recorded" row or column that is zero throughout is not printed; its zeros are registered
as known to the reader, who sees the printed rows add up to the totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cdop.disclosure import CellKey
from cdop.report.sections._base import (
    MEASURE,
    NOT_RECORDED,
    NOT_RECORDED_CODE,
    Context,
    GridPlan,
    period_label,
    plan_grid,
)

__all__ = ["Group", "PooledGrid", "groups_of", "plan_pooled_grid"]

#: Levels printed together, and the label they are printed under.
Group = tuple[tuple[str, ...], str]


def groups_of(
    ctx: Context,
    counts: pd.DataFrame,
    labels: Mapping[str, str],
    merges: Sequence[Group] = (),
    *,
    axis: int = 0,
) -> list[Group]:
    """The rows (``axis=0``) or columns (``axis=1``) of a table, merged where sparse.

    ``counts`` holds the counts by level (codes of ``labels``, then "Not recorded") on
    ``axis``. Each merge in ``merges`` (levels and label) applies when disclosure control
    is on and any count of its levels is from 1 to the threshold; levels keep their
    order, a merged group standing where its first level stood.

    Examples
    --------
    >>> import pandas as pd
    >>> from cdop.report._tables import Disclosure
    >>> from cdop.report.sections._base import Context
    >>> class Stub:  # the attributes groups_of reads
    ...     disclosure = Disclosure()
    >>> grid = pd.DataFrame({"x": [9, 8, 2]}, index=["no", "yes", "unsure"])
    >>> merged = (("no", "unsure"), "No or unsure")
    >>> groups_of(Stub(), grid, {"no": "No", "yes": "Yes", "unsure": "Unsure"}, [merged])
    [(('no', 'unsure'), 'No or unsure'), (('yes',), 'Yes')]
    """
    frame = counts if axis == 0 else counts.T
    codes = [str(c) for c in frame.index]
    groups: list[Group] = [((c,), labels.get(c, NOT_RECORDED)) for c in codes]
    threshold = ctx.disclosure.rules.threshold
    for members, label in merges:
        values = frame.loc[[m for m in members if m in codes]].to_numpy()
        if ctx.disclosure.suppress and ((values >= 1) & (values <= threshold)).any():
            groups = [g for g in groups if g[0][0] not in members]
            groups.append((tuple(m for m in members if m in codes), label))
    groups.sort(key=lambda g: min(codes.index(c) for c in g[0]))
    return groups


@dataclass(frozen=True)
class PooledGrid:
    """A planned pooled two-way table: its plan and the levels behind each row and column."""

    plan: GridPlan
    row_codes: tuple[tuple[str, ...], ...]
    column_codes: tuple[tuple[str, ...], ...]


def plan_pooled_grid(
    ctx: Context,
    table_id: str,
    title: str,
    counts: pd.DataFrame,
    *,
    years: Sequence[str],
    row_dim: str,
    column_dim: str,
    rows: Sequence[Group],
    columns: Sequence[Group],
    row_header: str,
    total_column: str = "Reviews",
    percent: Literal["column", "row"] | None = "row",
    notes: Sequence[str] = (),
    row_name: str = "group",
    column_name: str = "column",
) -> PooledGrid:
    """Register and plan the table of ``counts`` (levels by levels) over ``years``.

    ``rows`` and ``columns`` say which levels each printed row and column holds (see
    :func:`groups_of`); together they cover every level of ``counts``, whose index and
    columns are the complete levels of ``row_dim`` and ``column_dim`` (declared here as
    adding up to their totals). The table has a total row ("Total") and a total column
    (``total_column``).
    """
    fine = counts.astype("int64")
    # Each characteristic's levels add up to its total: declared here (as every table
    # of counts declares them), so that the table is protected as a whole even in a
    # chapter without the sections that print the same characteristic by year.
    ctx.counts.universe(row_dim, [str(c) for c in fine.index])
    ctx.counts.universe(column_dim, [str(c) for c in fine.columns])

    def key(**named: Sequence[str]) -> CellKey:
        return ctx.key(MEASURE.REVIEWED, year=list(years), **named)

    # Positions of each level, so that a group's counts are summed on the array (a
    # label lookup per cell costs more than the whole sum).
    values = fine.to_numpy()
    row_at = {str(code): i for i, code in enumerate(fine.index)}
    column_at = {str(code): j for j, code in enumerate(fine.columns)}

    def rows_of(codes: Sequence[str]) -> list[int]:
        return [row_at[str(code)] for code in codes]

    def columns_of(codes: Sequence[str]) -> list[int]:
        return [column_at[str(code)] for code in codes]

    def summed(groups: Sequence[Group], axis: int) -> np.ndarray:
        if axis == 0:
            return np.array([values[rows_of(codes)].sum(axis=0) for codes, _ in groups])
        return np.array([values[:, columns_of(codes)].sum(axis=1) for codes, _ in groups])

    row_groups = list(rows)
    column_groups = list(columns)
    # A "Not recorded" column or row of zeros is not printed: its counts are known zeros.
    nr: Group = ((NOT_RECORDED_CODE,), NOT_RECORDED)
    by_column = summed(column_groups, 1)
    for j, group in enumerate(list(column_groups)):
        if group[0] == nr[0] and not by_column[j].any():
            place = f"table {table_id}: {NOT_RECORDED.lower()} (zero, not printed)"
            for codes, _ in row_groups:
                ctx.count(key(**{row_dim: codes, column_dim: group[0]}), 0, place, known=True)
            ctx.count(key(**{column_dim: group[0]}), 0, place, known=True)
            column_groups.remove(group)
    by_row = summed(row_groups, 0)
    for i, group in enumerate(list(row_groups)):
        if group[0] == nr[0] and not by_row[i].any():
            place = f"table {table_id}: {NOT_RECORDED.lower()} (zero, not printed)"
            for codes, _ in column_groups:
                ctx.count(key(**{row_dim: group[0], column_dim: codes}), 0, place, known=True)
            ctx.count(key(**{row_dim: group[0]}), 0, place, known=True)
            row_groups.remove(group)
    grid = pd.DataFrame(
        [
            [int(values[np.ix_(rows_of(r), columns_of(c))].sum()) for c, _ in column_groups]
            for r, _ in row_groups
        ],
        index=[label for _, label in row_groups],
        columns=[label for _, label in column_groups],
        dtype="int64",
    )
    keys = [[key(**{row_dim: r, column_dim: c}) for c, _ in column_groups] for r, _ in row_groups]
    plan = plan_grid(
        ctx,
        table_id,
        title,
        grid,
        keys=keys,
        column_total_keys=[key(**{column_dim: c}) for c, _ in column_groups],
        row_total_keys=[key(**{row_dim: r}) for r, _ in row_groups],
        grand_key=key(),
        row_header=row_header,
        total_row="Total",
        total_column=total_column,
        percent=percent,
        row_name=row_name,
        column_name=column_name,
        notes=notes,
        period=period_label(years),
    )
    return PooledGrid(
        plan=plan,
        row_codes=tuple(codes for codes, _ in row_groups),
        column_codes=tuple(codes for codes, _ in column_groups),
    )
