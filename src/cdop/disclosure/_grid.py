"""The array core of disclosure control: primary and secondary suppression, and the audit.

A grid of counts with its published totals is held as one *augmented* array: the
inner cells, then (when row totals are published) a total column, then (when
column totals are published) a total row, and, when both are published, the
grand total in the corner. Every published total gives one linear constraint, a
*line*: the cells of a row minus its total are zero, the cells of a column minus
its total are zero, and with both margins the row totals (and the column totals)
minus the grand total are zero. A hidden cell can be worked out when it is the
only hidden entry of a line, or more generally when the lines fix its value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Kinds of cell in the augmented array.
INNER, MARGIN, GRAND = 0, 1, 2

_TOL = 1e-9


@dataclass(frozen=True)
class Line:
    """One published total: the cells it covers (flat indices) and their signs."""

    cells: IntArray
    coefs: IntArray


@dataclass(frozen=True)
class Layout:
    """Shape of a grid and which of its totals are published."""

    n_rows: int
    n_cols: int
    row_totals: bool
    column_totals: bool

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_rows + int(self.column_totals), self.n_cols + int(self.row_totals))

    @property
    def size(self) -> int:
        return self.shape[0] * self.shape[1]

    @cached_property
    def kinds(self) -> IntArray:
        kinds = np.full(self.shape, MARGIN, dtype=np.int64)
        kinds[: self.n_rows, : self.n_cols] = INNER
        if self.row_totals and self.column_totals:
            kinds[self.n_rows, self.n_cols] = GRAND
        return kinds.ravel()

    @cached_property
    def lines(self) -> tuple[Line, ...]:
        r, c = self.n_rows, self.n_cols
        width = self.shape[1]
        lines: list[Line] = []

        def flat(i: int, j: int) -> int:
            return i * width + j

        if self.row_totals:
            for i in range(r):
                cells = [flat(i, j) for j in range(c)] + [flat(i, c)]
                lines.append(_line(cells, [1] * c + [-1]))
        if self.column_totals:
            for j in range(c):
                cells = [flat(i, j) for i in range(r)] + [flat(r, j)]
                lines.append(_line(cells, [1] * r + [-1]))
        if self.row_totals and self.column_totals:
            cells = [flat(r, j) for j in range(c)] + [flat(r, c)]
            lines.append(_line(cells, [1] * c + [-1]))
            cells = [flat(i, c) for i in range(r)] + [flat(r, c)]
            lines.append(_line(cells, [1] * r + [-1]))
        return tuple(lines)

    @cached_property
    def cell_lines(self) -> tuple[tuple[int, ...], ...]:
        """For each cell, the indices of the lines it belongs to (at most two)."""
        found: list[list[int]] = [[] for _ in range(self.size)]
        for index, line in enumerate(self.lines):
            for cell in line.cells:
                found[int(cell)].append(index)
        return tuple(tuple(item) for item in found)


def _line(cells: list[int], coefs: list[int]) -> Line:
    return Line(np.asarray(cells, dtype=np.int64), np.asarray(coefs, dtype=np.int64))


def augment(values: IntArray, layout: Layout) -> IntArray:
    """The grid with its published totals appended (total column, total row, grand total)."""
    out = np.zeros(layout.shape, dtype=np.int64)
    out[: layout.n_rows, : layout.n_cols] = values
    if layout.row_totals:
        out[: layout.n_rows, layout.n_cols] = values.sum(axis=1)
    if layout.column_totals:
        out[layout.n_rows, : layout.n_cols] = values.sum(axis=0)
    if layout.row_totals and layout.column_totals:
        out[layout.n_rows, layout.n_cols] = values.sum()
    return out


def primary(values: IntArray, layout: Layout, threshold: int, *, totals: bool) -> BoolArray:
    """Cells from 1 to ``threshold`` (inner cells always, totals when ``totals``)."""
    flat = values.ravel()
    small = (flat >= 1) & (flat <= threshold)
    if not totals:
        small &= layout.kinds == INNER
    return small


def _all_ones(line: Line, hidden: BoolArray, values: IntArray) -> bool:
    """Is the line's total shown while its two or more hidden cells are all 1?"""
    mask = hidden[line.cells]
    if mask.sum() < 2 or mask[line.coefs < 0].any():
        return False
    return bool((values[line.cells[mask]] == 1).all())


def determined(hidden: BoolArray, layout: Layout) -> BoolArray:
    """Hidden cells whose value the published lines fix exactly (linear algebra).

    A hidden cell is determined when every solution of the homogeneous system
    (the lines restricted to the hidden cells) is zero at that cell, that is when
    the null space of the system has a zero component there.
    """
    hidden_cells = np.flatnonzero(hidden)
    out = np.zeros(hidden.shape, dtype=np.bool_)
    if hidden_cells.size == 0:
        return out
    position = np.full(hidden.shape, -1, dtype=np.int64)
    position[hidden_cells] = np.arange(hidden_cells.size)
    rows = []
    for line in layout.lines:
        mask = hidden[line.cells]
        if mask.any():
            row = np.zeros(hidden_cells.size)
            row[position[line.cells[mask]]] = line.coefs[mask]
            rows.append(row)
    if not rows:
        return out
    matrix = np.vstack(rows)
    _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((singular > _TOL * max(1.0, float(singular[0]))).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        out[hidden_cells] = True
    else:
        out[hidden_cells] = np.linalg.norm(null, axis=0) < 1e-8
    return out


def pinned(hidden: BoolArray, values: IntArray, layout: Layout, *, rounds: int = 100) -> BoolArray:
    """Hidden cells whose bounds close on one value (bound propagation).

    The reader knows each shown cell, and that a hidden cell is at least 1; to
    err on the safe side the reader is also granted which hidden cells are 0.
    Each line then bounds each of its hidden cells by the line's total minus the
    largest and the smallest the other cells can be; bounds are rounded to whole
    numbers and carried from line to line until they stop moving. A hidden cell
    whose lower bound reaches its upper bound is pinned.
    """
    flat = values.ravel().astype(np.float64)
    lo = np.where(hidden, np.minimum(flat, 1.0), flat)
    hi = np.where(hidden, np.inf, flat)
    lines = [line for line in layout.lines if hidden[line.cells].any()]
    for _ in range(rounds):
        moved = False
        for line in lines:
            cells, coefs = line.cells, line.coefs
            low = np.where(coefs > 0, lo[cells], -hi[cells])  # least each term can add
            high = np.where(coefs > 0, hi[cells], -lo[cells])  # most each term can add
            low_inf = np.isinf(low)
            high_inf = np.isinf(high)
            low_sum = low[~low_inf].sum()
            high_sum = high[~high_inf].sum()
            n_low_inf = int(low_inf.sum())
            n_high_inf = int(high_inf.sum())
            for k in np.flatnonzero(hidden[cells]):
                others_low = (
                    -np.inf
                    if n_low_inf - int(low_inf[k]) > 0
                    else low_sum - (0.0 if low_inf[k] else low[k])
                )
                others_high = (
                    np.inf
                    if n_high_inf - int(high_inf[k]) > 0
                    else high_sum - (0.0 if high_inf[k] else high[k])
                )
                # coef * x = -(others), so x lies in [-others_high, -others_low] * coef
                if coefs[k] > 0:
                    new_lo, new_hi = -others_high, -others_low
                else:
                    new_lo, new_hi = others_low, others_high
                cell = cells[k]
                new_lo = np.ceil(new_lo - 1e-9)
                new_hi = np.floor(new_hi + 1e-9)
                if new_lo > lo[cell] + 1e-9:
                    lo[cell] = new_lo
                    moved = True
                if new_hi < hi[cell] - 1e-9:
                    hi[cell] = new_hi
                    moved = True
        if not moved:
            break
    return hidden & (hi - lo < 0.5)


def _preference(
    cell: int, line_index: int | None, hidden: BoolArray, values: IntArray, layout: Layout
) -> tuple[int, int, int, int, int]:
    """Sort key of a candidate for secondary suppression (smaller is hidden first).

    1. its kind: a non-zero inner count, then a zero inner count, then a non-zero
       total, then a zero total, then the grand total;
    2. whether the other line through it already has exactly one hidden cell:
       such a cell protects both lines at once, so it comes first (on random
       grids this hides about a fifth fewer cells, and less in total, than taking
       the smallest count regardless);
    3. its value (smallest first);
    4. the other line again: two or more hidden cells before none (hiding a cell
       in a line with none will need a further cell there);
    5. its position, so that the result never depends on anything else.
    """
    kind = int(layout.kinds[cell])
    value = int(values[cell])
    rank = {INNER: 0, MARGIN: 2, GRAND: 4}[kind] + (1 if value == 0 and kind != GRAND else 0)
    worst = 0
    for other in layout.cell_lines[cell]:
        if other == line_index:
            continue
        count = int(hidden[layout.lines[other].cells].sum())
        worst = max(worst, 0 if count == 1 else 1 if count >= 2 else 2)
    return (rank, int(worst > 0), value, worst, cell)


def _choose(
    candidates: list[int],
    line_index: int | None,
    hidden: BoolArray,
    values: IntArray,
    layout: Layout,
    locked: BoolArray,
) -> list[int]:
    """Candidates in order of preference; locked cells only when nothing else is left."""
    free = [c for c in candidates if not hidden[c] and not locked[c]]
    pool = free or [c for c in candidates if not hidden[c]]
    return sorted(pool, key=lambda c: _preference(c, line_index, hidden, values, layout))


def secondary(
    values: IntArray,
    hidden: BoolArray,
    layout: Layout,
    *,
    locked: BoolArray | None = None,
    protect_bounds: bool = True,
) -> BoolArray:
    """Add hidden cells until no hidden cell can be worked out from the published lines.

    Repeats, until nothing changes:

    1. a line with exactly one hidden cell (or, with ``protect_bounds``, a line
       with a shown total whose hidden cells are all 1) gets one more cell
       hidden, the first by :func:`_preference`; the first such line in a fixed
       order is fixed first, then the scan starts again, so chains (hiding a cell
       for a row leaves its column with one hidden cell) are followed to the end;
    2. when no line needs fixing, a hidden cell that the lines still fix exactly
       (for example a cell that links two separate blocks of hidden cells) gets a
       cell of one of its lines hidden, the first by preference that frees it;
    3. then, with ``protect_bounds``, the same for a hidden cell that bound
       propagation pins down (:func:`pinned`), and last for one that linear
       programming pins down (:func:`lp_pinned`).

    Hidden cells only ever grow, so the loop ends; at worst every cell is hidden.
    """
    flat_values = values.ravel()
    out = hidden.copy()
    lock = np.zeros(out.shape, dtype=np.bool_) if locked is None else locked
    lines = layout.lines
    while True:
        fixed = False
        for index, line in enumerate(lines):
            count = int(out[line.cells].sum())
            if count == 1 or (protect_bounds and _all_ones(line, out, flat_values)):
                order = _choose([int(c) for c in line.cells], index, out, flat_values, layout, lock)
                if order:
                    out[order[0]] = True
                    fixed = True
                    break
        if fixed:
            continue
        exact = determined(out, layout)
        check: Callable[[BoolArray, Layout], BoolArray] = determined
        use_lp = False
        if not exact.any() and protect_bounds:
            exact = pinned(out, flat_values, layout)
            check = _pinned_check(flat_values)
            if not exact.any():
                exact = lp_pinned(out, flat_values, layout)
                check = _pinned_check(flat_values, lp=True)
                use_lp = True
        still_fixed = _target_check(check, flat_values, lp=use_lp)
        if not exact.any():
            return out
        target = int(np.flatnonzero(exact)[0])
        near = sorted({int(c) for li in layout.cell_lines[target] for c in lines[li].cells})
        first_line = layout.cell_lines[target][0] if layout.cell_lines[target] else None
        order = _choose(near, first_line, out, flat_values, layout, lock)
        if not order:
            order = _choose(list(range(out.size)), None, out, flat_values, layout, lock)
        if not order:  # pragma: no cover - every cell hidden: nothing can be determined
            return out
        chosen: int = order[0]
        for cell in order:
            trial = out.copy()
            trial[cell] = True
            if not still_fixed(trial, layout, target):
                chosen = cell
                break
        out[chosen] = True


def lp_pinned(
    hidden: BoolArray, values: IntArray, layout: Layout, *, only: int | None = None
) -> BoolArray:
    """Hidden cells that linear programming pins to their value (the strongest check here).

    The reader's knowledge: the shown cells, the published lines, every hidden
    cell at least 1 (at least 0 where it truly is 0, granting the reader that).
    For each hidden cell the least and the greatest value it can take are found
    by linear programming; a cell is pinned when neither reaches a whole number
    other than its true value. Every solution found also frees every cell that
    it moves by 1 or more, so few programs are solved in practice. With ``only``
    (a flat cell index), only that cell is examined; the others are reported free.
    """
    flat = values.ravel().astype(np.float64)
    cells = np.flatnonzero(hidden)
    out = np.zeros(hidden.shape, dtype=np.bool_)
    if cells.size == 0:
        return out
    position = np.full(hidden.shape, -1, dtype=np.int64)
    position[cells] = np.arange(cells.size)
    rows, rhs = [], []
    for line in layout.lines:
        mask = hidden[line.cells]
        if mask.any():
            row = np.zeros(cells.size)
            row[position[line.cells[mask]]] = line.coefs[mask]
            rows.append(row)
            rhs.append(-float((line.coefs[~mask] * flat[line.cells[~mask]]).sum()))
    if not rows:
        return out
    from scipy.optimize import linprog  # lazy: scipy is only needed here

    truth = flat[cells]
    bounds = [(min(1.0, float(v)), None) for v in truth]
    free = _free_by_moves(cells, truth, layout)
    if only is not None:
        free |= cells != only
    for k in range(cells.size):
        for sign in (1.0, -1.0):
            if free[k]:
                break
            objective = np.zeros(cells.size)
            objective[k] = sign
            result = linprog(
                objective, A_eq=np.vstack(rows), b_eq=np.asarray(rhs), bounds=bounds, method="highs"
            )
            if result.status == 3:  # unbounded above
                free[k] = True
            elif result.status == 0:
                found = np.asarray(result.x, dtype=np.float64)
                free |= np.abs(found - truth) >= 1.0 - 1e-6
    out[cells] = ~free
    return out


def _free_by_moves(cells: IntArray, truth: FloatArray, layout: Layout) -> BoolArray:
    """Hidden cells that a small exchange shows to be free, without linear programming.

    Two hidden cells in exactly the same published lines (with the same signs) can
    trade 1 between them; four hidden inner cells at the corners of a rectangle can
    trade 1 around it. Either exchange keeps every published total, so when the
    cells that lose 1 stay at or above their lower bound (1, or 0 for a true zero),
    a reader cannot tell the true values from the exchanged ones: all the cells
    involved are free. Cells this does not settle go to the linear programs.
    """
    lower = np.minimum(1.0, truth)
    can_lose = truth - 1.0 >= lower - _TOL
    free = np.zeros(cells.size, dtype=np.bool_)
    index = {int(c): k for k, c in enumerate(cells)}
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for k, cell in enumerate(cells):
        signature = tuple(
            sorted(
                (li, int(layout.lines[li].coefs[np.flatnonzero(layout.lines[li].cells == cell)[0]]))
                for li in layout.cell_lines[int(cell)]
            )
        )
        groups.setdefault(signature, []).append(k)
    for members in groups.values():
        if len(members) > 1 and can_lose[members].any():
            free[members] = True
    if layout.row_totals and layout.column_totals:
        width = layout.shape[1]
        inner = [
            (int(c) // width, int(c) % width)
            for c in cells
            if int(c) // width < layout.n_rows and int(c) % width < layout.n_cols
        ]
        rows = sorted({i for i, _ in inner})
        cols = sorted({j for _, j in inner})
        for a_i, i in enumerate(rows):
            for k_row in rows[a_i + 1 :]:
                for b_j, j in enumerate(cols):
                    for l_col in cols[b_j + 1 :]:
                        corners = [
                            index.get(r * width + c)
                            for r, c in ((i, j), (k_row, l_col), (i, l_col), (k_row, j))
                        ]
                        if any(c is None for c in corners):
                            continue
                        ks = [int(c) for c in corners if c is not None]
                        if (can_lose[ks[2]] and can_lose[ks[3]]) or (
                            can_lose[ks[0]] and can_lose[ks[1]]
                        ):
                            free[ks] = True
    return free


def _pinned_check(
    values: IntArray, *, lp: bool = False
) -> Callable[[BoolArray, Layout], BoolArray]:
    def check(hidden: BoolArray, layout: Layout) -> BoolArray:
        return (lp_pinned if lp else pinned)(hidden, values, layout)

    return check


def _target_check(
    check: Callable[[BoolArray, Layout], BoolArray], values: IntArray, *, lp: bool
) -> Callable[[BoolArray, Layout, int], bool]:
    """Whether one cell is still fixed: for linear programming, solve for that cell only."""
    if lp:
        return lambda hidden, layout, target: bool(
            lp_pinned(hidden, values, layout, only=target)[target]
        )
    return lambda hidden, layout, target: bool(check(hidden, layout)[target])


@dataclass(frozen=True)
class Recovery:
    """One hidden cell an attacker can work out: flat index, value and how."""

    cell: int
    value: float
    how: str


def recover(
    values: FloatArray,
    hidden: BoolArray,
    layout: Layout,
    *,
    linear: bool = True,
    assume_positive: bool = True,
    bounds: bool = False,
) -> list[Recovery]:
    """Work out hidden cells from the shown cells and the published lines.

    Peels lines with exactly one unknown (``how="line"``); with
    ``assume_positive`` also solves a line whose unknowns all enter with a plus
    sign and add up to their number, so each is 1 (``how="ones"``, kept only where
    the true value is 1, since otherwise the deduction is wrong); repeats; and
    finally, with ``linear``, reports unknowns fixed by the whole linear system
    (``how="linear"``); with ``bounds`` (and ``assume_positive``) also the
    unknowns that linear programming pins down (``how="bounds"``).
    """
    flat = values.ravel().astype(np.float64)
    known = ~hidden.copy()
    guess = np.where(known, flat, np.nan)
    found: list[Recovery] = []
    progress = True
    while progress:
        progress = False
        for line in layout.lines:
            unknown = ~known[line.cells]
            n_unknown = int(unknown.sum())
            if n_unknown == 0:
                continue
            rest = float((line.coefs[~unknown] * guess[line.cells[~unknown]]).sum())
            if n_unknown == 1:
                cell = int(line.cells[unknown][0])
                coef = float(line.coefs[unknown][0])
                guess[cell] = -rest / coef
                known[cell] = True
                found.append(Recovery(cell, float(guess[cell]), "line"))
                progress = True
            elif (
                assume_positive
                and (line.coefs[unknown] > 0).all()
                and abs(-rest - n_unknown) < _TOL
                and (flat[line.cells[unknown]] == 1).all()
            ):
                for cell in line.cells[unknown]:
                    guess[int(cell)] = 1.0
                    known[int(cell)] = True
                    found.append(Recovery(int(cell), 1.0, "ones"))
                progress = True
    if linear:
        exact = determined(~known, layout)
        if exact.any():
            solution = _solve(guess, known, layout)
            for position in np.flatnonzero(exact):
                cell = int(position)
                found.append(Recovery(cell, round(float(solution[cell]), 6), "linear"))
                known[cell] = True
    if bounds and assume_positive:
        exact = lp_pinned(~known, values.ravel().astype(np.int64), layout)
        for position in np.flatnonzero(exact):
            found.append(Recovery(int(position), float(flat[position]), "bounds"))
    return found


def _solve(guess: FloatArray, known: BoolArray, layout: Layout) -> FloatArray:
    """Least-squares solution of the lines for the unknown cells (exact where determined)."""
    unknown_cells = np.flatnonzero(~known)
    position = np.full(known.shape, -1, dtype=np.int64)
    position[unknown_cells] = np.arange(unknown_cells.size)
    rows, rhs = [], []
    for line in layout.lines:
        unknown = ~known[line.cells]
        if unknown.any():
            row = np.zeros(unknown_cells.size)
            row[position[line.cells[unknown]]] = line.coefs[unknown]
            rows.append(row)
            rhs.append(-float((line.coefs[~unknown] * guess[line.cells[~unknown]]).sum()))
    out = guess.copy()
    solution = np.linalg.lstsq(np.vstack(rows), np.asarray(rhs), rcond=None)[0]
    out[unknown_cells] = solution
    return out
