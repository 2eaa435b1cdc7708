"""Building report tables from count grids, with disclosure control applied.

A count grid is a DataFrame of counts (rows: the levels of a characteristic; columns: the
years or groups). :func:`grid_table` hides small counts and any count that would let a
hidden one be worked out from the published totals, formats the cells ("16 (57%)"), and
keeps a tidy long copy of the published values for CSV.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cdop import disclosure
from cdop.report._model import ReportTable
from cdop.report._text import count_percent, fmt_count

__all__ = ["TOTAL", "Disclosure", "grid_table"]

#: Label of the total row and column in masks (never a label of the data).
TOTAL = "\x00total"


@dataclass(frozen=True)
class Disclosure:
    """Whether and how disclosure control applies to the chapter."""

    suppress: bool = True
    rules: disclosure.DisclosureRules = field(default_factory=disclosure.DisclosureRules)

    def mask(self, grid: pd.DataFrame, *, row_totals: bool, column_totals: bool) -> pd.DataFrame:
        """Cells to hide in a grid of counts (none when suppression is off).

        With published totals the mask has a total row and/or column labelled
        :data:`TOTAL`, saying whether the total itself must be hidden.
        """
        index = [*grid.index, TOTAL] if column_totals else list(grid.index)
        columns = [*grid.columns, TOTAL] if row_totals else list(grid.columns)
        if not self.suppress:
            return pd.DataFrame(False, index=index, columns=columns)
        full = disclosure.suppress_grid(
            grid, self.rules, row_totals=row_totals, column_totals=column_totals, total_label=TOTAL
        )
        return full.reindex(index=index, columns=columns, fill_value=False).astype(bool)

    def rate_status(self, events: Sequence[float] | np.ndarray) -> np.ndarray:
        """Per rate: "suppressed", "unreliable" or "ok" (all "ok" when suppression is off)."""
        values = np.asarray(events, dtype=float)
        if not self.suppress:
            return np.full(values.shape, "ok", dtype=object)
        return np.asarray(disclosure.rate_status(values, self.rules), dtype=object)

    def note(self, *, hidden_counts: bool = False, statuses: Sequence[str] = ()) -> str:
        """The disclosure note for a table with hidden counts and/or rate flags."""
        return disclosure.disclosure_note(
            self.rules,
            hidden_counts=hidden_counts,
            suppressed_rates="suppressed" in statuses,
            unreliable_rates="unreliable" in statuses,
        )

    def count_hidden(self, n: float) -> bool:
        """Whether a lone published count must be hidden (1 to the threshold)."""
        return self.suppress and 1 <= n <= self.rules.threshold

    @property
    def marker(self) -> str:
        return self.rules.marker


def grid_table(
    table_id: str,
    title: str,
    grid: pd.DataFrame,
    *,
    disclosure_: Disclosure,
    row_header: str,
    percent: pd.DataFrame | None = None,
    total_row: str | None = None,
    total_column: str | None = None,
    extra: Mapping[str, Sequence[str]] | None = None,
    notes: Sequence[str] = (),
    row_name: str = "group",
    column_name: str = "year",
) -> tuple[ReportTable, pd.DataFrame]:
    """A table of counts (optionally with percentages) under disclosure control.

    Parameters
    ----------
    grid
        Counts: index = row labels, columns = column labels.
    percent
        Percentages aligned with ``grid``; shown as "n (p%)" and hidden with the count.
    total_row, total_column
        Labels of a published total row / column (the grid's column / row sums), if any.
        Published totals are what secondary suppression protects against.
    extra
        Further columns appended as given (e.g. the national figure per row).

    Returns
    -------
    (ReportTable, mask)
        The table (``number`` 0: numbered when the chapter is assembled) and the hidden
        cells of ``grid``.
    """
    counts = grid.astype("int64")
    full = disclosure_.mask(
        counts, row_totals=total_column is not None, column_totals=total_row is not None
    )
    mask = full.loc[list(counts.index), list(counts.columns)]
    marker = disclosure_.marker

    def total(value: int, hidden: bool) -> str:
        return marker if hidden else fmt_count(value)

    header = [row_header, *[str(c) for c in counts.columns]]
    if total_column:
        header.append(total_column)
    extra = dict(extra or {})
    header.extend(extra)
    values = counts.to_numpy(dtype=np.int64)
    hidden = mask.to_numpy(dtype=bool)
    hidden_full = full.to_numpy(dtype=bool)
    shares = None if percent is None else percent.to_numpy(dtype=float)
    rows: list[tuple[str, ...]] = []
    for i, label in enumerate(counts.index):
        cells = [str(label)]
        for j in range(values.shape[1]):
            n = int(values[i, j])
            if hidden[i, j]:
                cells.append(marker)
            elif shares is not None:
                cells.append(count_percent(n, float(shares[i, j])))
            else:
                cells.append(fmt_count(n))
        if total_column:
            cells.append(total(int(values[i].sum()), bool(hidden_full[i, -1])))
        cells.extend(str(column_values[i]) for column_values in extra.values())
        rows.append(tuple(cells))
    if total_row:
        totals = [
            total_row,
            *[
                total(int(v), bool(h))
                for v, h in zip(values.sum(axis=0), hidden_full[-1, : values.shape[1]], strict=True)
            ],
        ]
        if total_column:
            totals.append(total(int(values.sum()), bool(hidden_full[-1, -1])))
        totals.extend("" for _ in extra)
        rows.append(tuple(totals))
    n_rows, n_cols = values.shape
    tidy = pd.DataFrame(
        {
            row_name: np.repeat([str(v) for v in counts.index], n_cols),
            column_name: np.tile([str(c) for c in counts.columns], n_rows),
            "n": np.where(hidden.ravel(), marker, values.ravel().astype(str)),
        }
    )
    if shares is not None:
        tidy["percent"] = np.where(hidden.ravel(), "", [f"{p:.1f}" for p in shares.ravel()])
    tidy["suppressed"] = hidden.ravel()
    if full.to_numpy().any():
        notes = (*notes, disclosure_.note(hidden_counts=True))
    table = ReportTable(
        id=table_id,
        title=title,
        header=tuple(header),
        rows=tuple(rows),
        tidy=tidy,
        notes=tuple(notes),
    )
    return table, mask
