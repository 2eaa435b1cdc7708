"""Helpers for the disclosure tests: an independent attacker that never uses cdop's code.

The attacker knows every shown cell and every published total. It writes one
equation per published total (cells of a row or column add up to the total;
with both margins, the row totals and the column totals add up to the grand
total) and then:

* peels: an equation with a single unknown gives it, repeatedly;
* solves: a hidden cell is fixed by the equations when adding the equation
  "this cell = ?" does not raise the rank of the system restricted to the
  unknowns (it already lies in their row space).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOTAL = "Total"


def full_table(counts: pd.DataFrame, row_totals: bool, column_totals: bool) -> np.ndarray:
    """The counts with their totals, as floats, built with plain numpy."""
    values = counts.to_numpy(dtype=float)
    if row_totals:
        values = np.column_stack([values, values.sum(axis=1)])
    if column_totals:
        values = np.vstack([values, values.sum(axis=0)])
    return values


def equations(shape: tuple[int, int], row_totals: bool, column_totals: bool) -> list[dict]:
    """Each published total as {(i, j): coefficient}."""
    n_rows = shape[0] - int(column_totals)
    n_cols = shape[1] - int(row_totals)
    out: list[dict] = []
    if row_totals:
        for i in range(n_rows):
            eq = {(i, j): 1.0 for j in range(n_cols)}
            eq[(i, n_cols)] = -1.0
            out.append(eq)
    if column_totals:
        for j in range(n_cols):
            eq = {(i, j): 1.0 for i in range(n_rows)}
            eq[(n_rows, j)] = -1.0
            out.append(eq)
    if row_totals and column_totals:
        eq = {(n_rows, j): 1.0 for j in range(n_cols)}
        eq[(n_rows, n_cols)] = -1.0
        out.append(eq)
        eq = {(i, n_cols): 1.0 for i in range(n_rows)}
        eq[(n_rows, n_cols)] = -1.0
        out.append(eq)
    return out


def attack(
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> set[tuple[int, int]]:
    """Positions (in the table with totals) of the hidden cells the attacker can work out."""
    values = full_table(counts, row_totals, column_totals)
    mask = hidden.to_numpy(dtype=bool)
    assert mask.shape == values.shape
    eqs = equations(values.shape, row_totals, column_totals)
    known = {(i, j): values[i, j] for i, j in zip(*np.nonzero(~mask), strict=True)}
    recovered: set[tuple[int, int]] = set()
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            unknown = [cell for cell in eq if cell not in known]
            if len(unknown) == 1:
                (cell,) = unknown
                rest = sum(c * known[k] for k, c in eq.items() if k != cell)
                known[cell] = -rest / eq[cell]
                assert abs(known[cell] - values[cell]) < 1e-9
                recovered.add(cell)
                changed = True
    unknowns = sorted(cell for cell in eq_cells(eqs) if cell not in known)
    if not unknowns:
        return recovered
    col = {cell: k for k, cell in enumerate(unknowns)}
    rows = []
    for eq in eqs:
        row = np.zeros(len(unknowns))
        for cell, c in eq.items():
            if cell in col:
                row[col[cell]] = c
        if row.any():
            rows.append(row)
    if not rows:
        return recovered
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    for cell, k in col.items():
        unit = np.zeros(len(unknowns))
        unit[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            recovered.add(cell)
    return recovered


def eq_cells(eqs: list[dict]) -> set[tuple[int, int]]:
    return {cell for eq in eqs for cell in eq}


def grid(rows: list[list[int]], columns: str = "xyz") -> pd.DataFrame:
    """A small labelled grid: rows a, b, c, ...; columns x, y, z (or as given)."""
    return pd.DataFrame(
        rows, index=list("abcdefgh"[: len(rows)]), columns=list(columns[: len(rows[0])])
    )


def expected_mask(cells: list[list[int]], like: pd.DataFrame) -> pd.DataFrame:
    """A mask written out as 0/1 rows, labelled like ``like``."""
    return pd.DataFrame(np.array(cells, dtype=bool), index=like.index, columns=like.columns)


def lp_attack(
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> set[tuple[int, int]]:
    """Hidden cells whose range under linear programming holds one whole number only.

    The attacker knows the shown cells and totals and that every hidden count is
    at least 1 (granted the hidden zeros, to be strict). For each hidden cell it
    minimises and maximises the cell; a range narrower than 1 on both sides of
    the true value exposes it.
    """
    from scipy.optimize import linprog

    values = full_table(counts, row_totals, column_totals)
    mask = hidden.to_numpy(dtype=bool)
    cells = [tuple(int(v) for v in cell) for cell in np.argwhere(mask)]
    if not cells:
        return set()
    col = {cell: k for k, cell in enumerate(cells)}
    a_eq, b_eq = [], []
    for eq in equations(values.shape, row_totals, column_totals):
        row = np.zeros(len(cells))
        rhs = 0.0
        for cell, c in eq.items():
            if cell in col:
                row[col[cell]] = c
            else:
                rhs -= c * values[cell]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    if not a_eq:
        return set()
    bounds = [(min(1.0, values[cell]), None) for cell in cells]
    exposed = set()
    for cell, k in col.items():
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(cells))
            objective[k] = sign
            res = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            ends.append(np.inf if res.status == 3 else sign * res.fun)
        low, high = ends
        if low > values[cell] - 1 + 1e-6 and high < values[cell] + 1 - 1e-6:
            exposed.add(cell)
    return exposed
