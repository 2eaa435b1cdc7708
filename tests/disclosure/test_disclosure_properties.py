"""Properties of grid suppression on random grids, checked by an independent attacker."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
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


# -- the whole-number programs behind the reader's questions -----------------------------
def _plain_milp(
    objective: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray, lower: np.ndarray
) -> tuple[int, float | None]:
    """The integer program solved directly, as the reference: status and optimum."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    result = milp(
        objective,
        constraints=[LinearConstraint(a_eq, b_eq, b_eq)],
        bounds=Bounds(lower, np.full(lower.size, np.inf)),
        integrality=np.ones(lower.size, dtype=np.int64),
    )
    return int(result.status), None if result.x is None else float(objective @ result.x)


def test_whole_solution_when_the_fractional_optimum_is_not_whole() -> None:
    """Maximise x1 + x2 with 2 x1 + 2 x2 + x3 = 3 (all >= 0). Without the whole-number
    condition the best is 1.5 (x3 = 0); in whole numbers x1 + x2 = 1 with x3 = 1 (by
    hand). The relaxation must not be taken for the answer."""
    from scipy.sparse import csr_matrix

    from cdop.disclosure._linked import _whole_solution

    a_eq = csr_matrix(np.array([[2.0, 2.0, 1.0]]))
    x, status = _whole_solution(
        np.array([-1.0, -1.0, 0.0]),
        a_eq,
        np.array([3.0]),
        np.zeros(3),
        np.full(3, np.inf),
    )
    assert status == 0 and x is not None
    assert x[0] + x[1] == 1 and x[2] == 1


def test_whole_solution_without_any_whole_solution() -> None:
    """2 x = 1 has the fractional solution 0.5 and no whole one: infeasible (status 2)."""
    from scipy.sparse import csr_matrix

    from cdop.disclosure._linked import _whole_solution

    x, status = _whole_solution(
        np.array([-1.0]),
        csr_matrix(np.array([[2.0]])),
        np.array([1.0]),
        np.zeros(1),
        np.full(1, np.inf),
    )
    assert x is None and status == 2


@settings(max_examples=80, deadline=None)
@given(counts=grids(), data=st.data())
def test_whole_solution_agrees_with_the_integer_program(
    counts: pd.DataFrame, data: st.DataObject
) -> None:
    """On a table with row and column totals (the cells unknown, the totals known), the
    reader's question 'how high or low can this cell go, given that another is at least
    some value' gets the same answer, status and optimum, as the integer program solved
    directly."""
    from scipy.sparse import csr_matrix

    from cdop.disclosure._linked import _whole_solution

    values = counts.to_numpy(dtype=np.float64)
    n_rows, n_cols = values.shape
    n = n_rows * n_cols
    rows = []
    for i in range(n_rows):
        row = np.zeros(n)
        row[i * n_cols : (i + 1) * n_cols] = 1
        rows.append(row)
    for j in range(n_cols):
        col = np.zeros(n)
        col[j::n_cols] = 1
        rows.append(col)
    a_eq = np.array(rows)
    b_eq = a_eq @ values.ravel()
    cell = data.draw(st.integers(0, n - 1))
    other = data.draw(st.integers(0, n - 1))
    lower = np.zeros(n)
    lower[other] = data.draw(st.integers(0, 12))
    # Sign 0: no objective, any solution (the question protection asks of a count).
    sign = data.draw(st.sampled_from([1.0, -1.0, 0.0]))
    objective = np.zeros(n)
    objective[cell] = -sign
    # Half the examples share one kept solver model per table (the same structure digest
    # for the same relations), as protection does: a kept model must answer each new
    # question as a fresh one would.
    structure = (
        hashlib.blake2b(a_eq.tobytes() + b_eq.tobytes()).digest()
        if data.draw(st.booleans())
        else None
    )
    x, status = _whole_solution(
        objective, csr_matrix(a_eq), b_eq, lower, np.full(n, np.inf), structure=structure
    )
    expected_status, expected_optimum = _plain_milp(objective, a_eq, b_eq, lower)
    assert status == expected_status
    if expected_optimum is None:
        assert x is None
    else:
        assert x is not None
        assert np.array_equal(x, np.round(x))
        assert np.allclose(a_eq @ x, b_eq) and (x >= lower).all()
        assert objective @ x == pytest.approx(expected_optimum)


def test_whole_solution_without_objective_without_any_whole_solution() -> None:
    """Any solution of 2 x1 + 2 x2 = 3 (x >= 0): every solution over real numbers is
    fractional in x1 + x2 (1.5), so neither the first solution nor the one of least
    total is whole, and the integer program says there is none (by hand)."""
    from scipy.sparse import csr_matrix

    from cdop.disclosure._linked import _whole_solution

    x, status = _whole_solution(
        np.zeros(2),
        csr_matrix(np.array([[2.0, 2.0]])),
        np.array([3.0]),
        np.zeros(2),
        np.full(2, np.inf),
    )
    assert x is None and status == 2


def test_whole_solution_without_objective_tries_the_least_total_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """x1 + x2 = 1, x2 + x3 = 1 (x >= 0), any solution. When the solver's first answer
    is the fractional (0.5, 0.5, 0.5), the solution of least total, (0, 1, 0) by hand,
    is whole: it is taken without an integer program (one that would fail here)."""
    import scipy.optimize
    from scipy.sparse import csr_matrix

    from cdop.disclosure import _linked

    real = _linked._relaxation
    asked: list[list[float]] = []

    def relaxation(
        structure: object, objective: np.ndarray, *args: object, **kwargs: object
    ) -> object:
        asked.append(objective.tolist())
        if not objective.any():
            return 0, np.array([0.5, 0.5, 0.5])
        return real(structure, objective, *args, **kwargs)  # type: ignore[arg-type]

    def no_milp(*args: object, **kwargs: object) -> None:
        raise AssertionError("the integer program was solved")

    monkeypatch.setattr(_linked, "_relaxation", relaxation)
    monkeypatch.setattr(scipy.optimize, "milp", no_milp)
    x, status = _linked._whole_solution(
        np.zeros(3),
        csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])),
        np.array([1.0, 1.0]),
        np.zeros(3),
        np.full(3, np.inf),
    )
    assert status == 0 and x is not None and x.tolist() == [0.0, 1.0, 0.0]
    assert asked == [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]


def test_a_kept_solver_model_answers_each_question_afresh() -> None:
    """One model kept for the relations x1 + x2 = 5, x2 + x3 = 4 (all >= 0), asked four
    questions in turn with other bounds and objectives. By hand: the greatest x1 is 5
    (x2 = 0, x3 = 4); with x1 <= 2 it is 2; x2 >= 5 has no solution (x2 <= 4); the least
    x1 with x3 >= 4 is 5 (x2 = 0)."""
    from scipy.sparse import csr_matrix

    from cdop.disclosure._linked import _relaxation

    a_eq = csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]))
    b_eq = np.array([5.0, 4.0])
    digest = b"two relations, three counts, kept by this test"
    inf = np.inf

    def ask(objective: list[float], lower: list[float], upper: list[float]) -> tuple[int, Any]:
        return _relaxation(
            digest, np.array(objective), a_eq, b_eq, np.array(lower), np.array(upper)
        )

    status, x = ask([-1, 0, 0], [0, 0, 0], [inf, inf, inf])
    assert status == 0 and x is not None and x.tolist() == [5, 0, 4]
    status, x = ask([-1, 0, 0], [0, 0, 0], [2, inf, inf])
    assert status == 0 and x is not None and x[0] == pytest.approx(2)
    status, x = ask([0, 0, 0], [0, 5, 0], [inf, inf, inf])
    assert status == 2 and x is None
    status, x = ask([1, 0, 0], [0, 0, 4], [inf, inf, inf])
    assert status == 0 and x is not None and x.tolist() == [5, 0, 4]


def test_the_first_solver_model_of_a_process_prints_nothing() -> None:
    """The HiGHS bindings print a banner ("Running HiGHS ...") when a process makes its
    first model: a build's output (and a notebook cell) must not show it."""
    code = (
        "import numpy as np\n"
        "from scipy.sparse import csr_matrix\n"
        "from cdop.disclosure._linked import _relaxation\n"
        "status, x = _relaxation(None, np.array([-1.0]), csr_matrix(np.array([[1.0]])),"
        " np.array([3.0]), np.zeros(1), np.full(1, np.inf))\n"
        "assert status == 0 and x is not None and x[0] == 3.0, (status, x)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def _table_with_totals_hidden_at_random(
    counts: pd.DataFrame, data: st.DataObject
) -> tuple[Any, np.ndarray]:
    """The register of a table with its row and column totals, and a random choice of
    its counts hidden."""
    from cdop.disclosure import CellKey, LinkedCounts

    linked = LinkedCounts()
    for r in counts.index:
        for c in counts.columns:
            linked.add(CellKey.of("n", row=str(r), col=str(c)), int(counts.loc[r, c]))
    for r in counts.index:
        linked.add(CellKey.of("n", row=str(r)), int(counts.loc[r].sum()))
    for c in counts.columns:
        linked.add(CellKey.of("n", col=str(c)), int(counts[c].sum()))
    linked.universe("row", [str(r) for r in counts.index])
    linked.universe("col", [str(c) for c in counts.columns])
    # Some inequalities that hold, between cells or a cell and a row total: a reader's
    # program reads them as well (LinkedCounts.bound).
    cells = [(str(r), str(c)) for r in counts.index for c in counts.columns]
    for _ in range(data.draw(st.integers(0, 4))):
        (r, c), (r2, c2) = data.draw(st.lists(st.sampled_from(cells), min_size=2, max_size=2))
        less = CellKey.of("n", row=r, col=c)
        more = (
            CellKey.of("n", row=r2) if data.draw(st.booleans()) else CellKey.of("n", row=r2, col=c2)
        )
        if less != more:
            linked.bound({less: 1, more: -1}, why="drawn at random; kept where it holds")
    system = linked.system()
    hidden = np.array(
        data.draw(
            st.lists(st.booleans(), min_size=system.n_registered, max_size=system.n_registered)
        ),
        dtype=np.bool_,
    )
    return system, hidden


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=grids(), data=st.data())
def test_a_count_shown_safe_by_another_counts_solution_is_safe(
    counts: pd.DataFrame, data: st.DataObject
) -> None:
    """Protection takes the solution that shows one hidden count protected as proof for
    the other hidden counts it puts out of reach too. Every count so certified must pass
    the reader's own test for it (on a table with row and column totals, some cells
    hidden at random)."""
    from cdop.disclosure._linked import _Reader

    system, hidden = _table_with_totals_hidden_at_random(counts, data)
    reader = _Reader(system, hidden)
    cells = [int(c) for c in np.flatnonzero(hidden)]
    for cell in cells:
        solution = reader.proof(cell, 5)
        assert (solution is not None) == reader.safe(cell, 5)
        if solution is None:
            continue
        for other in reader.also_shown_safe(solution, cell, cells, 5):
            assert reader.safe(other, 5), system.keys[other].label()


def test_solver_output_is_kept_off_standard_output(capfd: pytest.CaptureFixture[str]) -> None:
    """The example: area chapters printed the solver's debugging line
    "HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();" in the
    middle of a build. What C code writes to descriptor 1 during an integer program (a
    raw write, and a buffered printf) is dropped; what is written before and after is
    kept, in order."""
    import ctypes

    from cdop.disclosure._linked import _solver_output_hidden

    libc = ctypes.CDLL(None)
    print("before", flush=True)
    with _solver_output_hidden():
        os.write(1, b"raw solver line\n")
        libc.printf(b"buffered solver line\n")
    print("after", flush=True)
    libc.fflush(None)
    out = capfd.readouterr().out
    assert out == "before\nafter\n"


def test_solver_output_hidden_from_several_threads(capfd: pytest.CaptureFixture[str]) -> None:
    """Descriptor 1 belongs to the whole process: threads solving at once take turns, and
    afterwards it points where it did (a print still reaches the output)."""
    import threading

    from cdop.disclosure._linked import _solver_output_hidden

    def solve() -> None:
        for _ in range(50):
            with _solver_output_hidden():
                os.write(1, b"solver line\n")

    threads = [threading.Thread(target=solve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("after", flush=True)
    assert capfd.readouterr().out == "after\n"


# -- the relations derived from the keys ---------------------------------------------------
def _reference_relations(counts: Any) -> tuple[list[Any], list[tuple[Any, list[Any]]]]:
    """The relations the keys call for, worked out plainly as the rules state them: visit
    every key, again and again until nothing changes; a key with several levels of a
    characteristic is the sum of its single levels; a registered count without a
    characteristic whose levels are declared is the sum of every level. The keys (the
    registered first, then the latent ones, in the order met) and the relations, in the
    order found."""
    keys = list(counts.keys)
    index = {k: i for i, k in enumerate(keys)}
    universes = counts._universes
    relations: dict[Any, tuple[Any, list[Any]]] = {}
    changed = True
    while changed:
        changed = False
        for key in list(keys):
            for dim, levels in key.dims:
                pairs = []
                if len(levels) > 1:
                    pairs.append((key, [key.having(dim, [lv]) for lv in sorted(levels)]))
                parent = key.without(dim)
                if dim in universes and parent in index:
                    pairs.append((parent, [parent.having(dim, [lv]) for lv in universes[dim]]))
                for whole, parts in pairs:
                    if (whole, dim) in relations:
                        continue
                    relations[(whole, dim)] = (whole, parts)
                    changed = True
                    for part in parts:
                        if part not in index:
                            index[part] = len(keys)
                            keys.append(part)
    return keys, list(relations.values())


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_relations_are_those_the_rules_call_for(data: st.DataObject) -> None:
    """Keys over two or three characteristics, some with several levels (pooled years,
    grouped bands), some unrestricted (totals), some characteristics with declared
    levels: the register's system has the keys and relations of the plain reference
    above, in the same order (the order decides the programs the solver is given)."""
    from cdop.disclosure import CellKey, LinkedCounts

    levels = {"year": ["y1", "y2", "y3"], "cat": ["a", "b", "c", "d"], "sex": ["m", "f"]}
    declared = data.draw(st.sets(st.sampled_from(sorted(levels))))
    counts = LinkedCounts()
    for dim in sorted(declared):
        counts.universe(dim, levels[dim])
    n_keys = data.draw(st.integers(1, 12))
    for _ in range(n_keys):
        dims = {}
        for dim, options in levels.items():
            chosen = data.draw(st.sets(st.sampled_from(options), max_size=len(options)))
            if chosen:
                dims[dim] = sorted(chosen)
        counts.add(CellKey.of(data.draw(st.sampled_from(["reviewed", "notified"])), **dims), 0)
    system = counts.system()
    keys, relations = _reference_relations(counts)
    assert list(system.keys) == keys
    assert len(system.relations) == len(relations)
    for (cells, coefs), (whole, parts) in zip(system.relations, relations, strict=True):
        assert [system.keys[c] for c in cells] == [whole, *parts]
        assert coefs.tolist() == [-1] + [1] * len(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=grids(), data=st.data())
def test_a_count_left_out_by_the_bound_never_protects_alone(
    counts: pd.DataFrame, data: st.DataObject
) -> None:
    """Protection leaves out of its single-count trials the shown counts that a bound from
    the reader's real-number program rules out. The bound must never leave out a count
    whose hiding does protect the exposed count, as the reader's own test judges it (on
    a table with row and column totals, some cells hidden at random, every exposed count
    and every shown count tried)."""
    from cdop.disclosure._linked import _Reader, _trial

    system, hidden = _table_with_totals_hidden_at_random(counts, data)
    reader = _Reader(system, hidden)
    shown = [int(c) for c in np.flatnonzero(~hidden)]
    for cell in np.flatnonzero(hidden):
        if reader.safe(int(cell), 5):
            continue
        kept = reader.may_protect(int(cell), 5, shown)
        assert kept == [c for c in shown if c in kept]  # the order is kept
        for other in shown:
            if _trial(system, hidden, np.array([other]), int(cell), 5) is not None:
                assert other in kept, (system.keys[cell].label(), system.keys[other].label())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=grids(), data=st.data())
def test_the_registers_kept_model_answers_as_each_groups_program(
    counts: pd.DataFrame, data: st.DataObject
) -> None:
    """A large group's question goes first to one model of the whole register, kept
    across readers. Asked of it for every group, each hidden count of a random table
    with totals must get the verdict its group's own program gives, and every solution
    from it must be whole, within the reader's bounds, satisfy every relation and put
    the count out of reach."""
    from cdop.disclosure import _linked

    system, hidden = _table_with_totals_hidden_at_random(counts, data)
    by_row, _ = system.sparse()
    cells = [int(c) for c in np.flatnonzero(hidden)]
    for other in ([], [int(c) for c in np.flatnonzero(~hidden)[:2]]):
        # A second reader of the same register (two more counts hidden) asks the same
        # kept model with other bounds.
        more = hidden.copy()
        more[other] = True
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_linked, "_REGISTER_GROUP", 10**9)
            alone = _linked._Reader(system, more)
            expected = {c: alone.proof(c, 5) is not None for c in cells}
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_linked, "_REGISTER_GROUP", 1)
            kept = _linked._Reader(system, more)
            found = {c: kept.proof(c, 5) for c in cells}
        shown_hidden = np.flatnonzero(more)
        for cell, solution in found.items():
            assert (solution is not None) == expected[cell], system.keys[cell].label()
            if solution is None:
                continue
            truth = int(system.values[cell])
            assert np.array_equal(solution, np.round(solution))
            # Only the cell's group is meaningful in a solution: the relations holding
            # any of its free counts must balance, its hidden counts be at least 1.
            group = int(kept._group[kept._position[cell]])
            members = kept.free[kept._group == group]
            rows = np.flatnonzero(np.abs(by_row[:, members]).sum(axis=1).A1 > 0)
            sums = by_row[rows] @ solution
            at_most = system.at_most[rows]
            assert np.abs(sums[~at_most]).max(initial=0.0) < 1e-9
            assert sums[at_most].max(initial=0.0) < 1e-9
            mine = np.intersect1d(shown_hidden, members)
            assert (solution[mine] >= np.minimum(1, system.values[mine])).all()
            assert solution[cell] >= _linked._target(truth, 5) or (
                truth > 5 and solution[cell] <= truth - 1
            )


def _small_table_and_a_register_that_does_not_add_up(total: int) -> Any:
    """A 4 x 4 table of small counts with its totals, and apart from it a total
    ``total`` printed beside its parts 30 and 40 (with 71 they do not add up, which
    :meth:`LinkedCounts.add` does not check)."""
    from cdop.disclosure import CellKey, LinkedCounts

    counts = LinkedCounts()
    rows, cols = ["r0", "r1", "r2", "r3"], ["c0", "c1", "c2", "c3"]
    values = np.array([[2 + (i + j) % 3 for j in range(4)] for i in range(4)])
    counts.universe("row", rows)
    counts.universe("col", cols)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            counts.add(CellKey.of("n", row=r, col=c), int(values[i, j]))
    for i, r in enumerate(rows):
        counts.add(CellKey.of("n", row=r), int(values[i].sum()))
    for j, c in enumerate(cols):
        counts.add(CellKey.of("n", col=c), int(values[:, j].sum()))
    counts.universe("part", ["a", "b"])
    counts.add(CellKey.of("m", part="a"), 30)
    counts.add(CellKey.of("m", part="b"), 40)
    counts.add(CellKey.of("m"), total)
    return counts


@pytest.mark.parametrize("total", [70, 71])
def test_the_registers_kept_model_hides_the_same_counts(total: int) -> None:
    """Every group asked of the register's kept model, or none: the same counts hidden,
    also when printed counts elsewhere in the register do not add up (the whole
    register then has no solution while the table's own group has one: the kept model
    must not be asked, or every question about the table would seem to have no
    answer)."""
    from cdop.disclosure import _linked

    hidden = {}
    for size in (1, 10**9):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_linked, "_REGISTER_GROUP", size)
            result = _small_table_and_a_register_that_does_not_add_up(total).protect()
        shown = zip(result.keys, result.hidden_mask, strict=True)
        hidden[size] = [k.label() for k, h in shown if h]
    assert hidden[1] == hidden[10**9]
    assert len(hidden[1]) >= 16  # the small cells at least


def test_a_fractional_answer_of_the_kept_model_goes_to_the_groups_program() -> None:
    """When the register's kept model gives a solution that is not whole on the cell's
    group, the group's own program answers: the verdicts are those of the group's
    program alone (the table with totals, every cell hidden)."""
    from cdop.disclosure import _linked

    system = _small_table_and_a_register_that_does_not_add_up(70).system()
    hidden = np.zeros(system.n_registered, dtype=np.bool_)
    hidden[:16] = True
    cells = list(range(16))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_linked, "_REGISTER_GROUP", 10**9)
        alone = _linked._Reader(system, hidden)
        expected = [alone.proof(c, 5) is not None for c in cells]
    asked = []

    def fractional(self: Any, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        asked.append(1)
        return np.asarray(np.maximum(lower, 0.0) + 0.5)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_linked, "_REGISTER_GROUP", 1)
        patch.setattr(_linked._RegisterModel, "solve", fractional)
        kept = _linked._Reader(system, hidden)
        assert [kept.proof(c, 5) is not None for c in cells] == expected
    assert asked  # the kept model was asked, and its answer not taken


# -- inequalities ------------------------------------------------------------------------------
def _reader_range(
    values: np.ndarray,
    hidden: np.ndarray,
    equalities: list[dict[tuple[int, int], int]],
    inequalities: list[dict[tuple[int, int], int]],
    cell: tuple[int, int],
) -> tuple[float, float]:
    """A reader's least and greatest value of a hidden cell, by integer programming
    written from the grid directly: every hidden cell a whole number at least 1 (zeros
    are printed), every shown cell its value, each equality's sum 0 and each
    inequality's sum at most 0."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    cells = [tuple(int(i) for i in ix) for ix in zip(*np.nonzero(hidden), strict=True)]
    at = {c: i for i, c in enumerate(cells)}
    rows, low, high = [], [], []
    for terms, is_equal in [(e, True) for e in equalities] + [(e, False) for e in inequalities]:
        row = np.zeros(len(cells))
        known = 0.0
        for c, coef in terms.items():
            if c in at:
                row[at[c]] += coef
            else:
                known += coef * values[c]
        rows.append(row)
        low.append(-known if is_equal else -np.inf)
        high.append(-known)
    found = []
    for sign in (1.0, -1.0):
        objective = np.zeros(len(cells))
        objective[at[cell]] = sign
        result = milp(
            objective,
            constraints=[LinearConstraint(np.array(rows), low, high)],
            bounds=Bounds(np.ones(len(cells)), np.full(len(cells), np.inf)),
            integrality=np.ones(len(cells)),
        )
        if result.status == 3 or result.x is None:  # unbounded (or no answer): open
            found.append(sign * -np.inf)
        else:
            found.append(float(result.x[at[cell]]))
    return found[0], found[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=grids(), data=st.data())
def test_protection_holds_against_a_reader_of_inequalities(
    counts: pd.DataFrame, data: st.DataObject
) -> None:
    """A table with row and column totals and some inequalities between its cells (or a
    cell and a row total) that hold, as a chapter has: reviews within 6 months of death
    at most those within 6 months of notification. After protection, a reader who uses
    the totals and the inequalities (the integer program above, written independently
    of the register) can neither work out a hidden count nor narrow a small one to
    1-5."""
    from cdop.disclosure import CellKey, LinkedCounts

    values = counts.to_numpy()
    n_rows, n_cols = values.shape
    full = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    full[:n_rows, :n_cols] = values
    full[:n_rows, n_cols] = values.sum(axis=1)
    full[n_rows, :n_cols] = values.sum(axis=0)
    full[n_rows, n_cols] = values.sum()
    equalities: list[dict[tuple[int, int], int]] = []
    for i in range(n_rows + 1):
        equalities.append({(i, n_cols): -1, **{(i, j): 1 for j in range(n_cols)}})
    for j in range(n_cols + 1):
        equalities.append({(n_rows, j): -1, **{(i, j): 1 for i in range(n_rows)}})

    def key(i: int, j: int) -> CellKey:
        dims = {}
        if i < n_rows:
            dims["row"] = f"r{i}"
        if j < n_cols:
            dims["col"] = f"c{j}"
        return CellKey.of("n", **dims)

    linked = LinkedCounts()
    for i in range(n_rows + 1):
        for j in range(n_cols + 1):
            linked.add(key(i, j), int(full[i, j]))
    linked.universe("row", [f"r{i}" for i in range(n_rows)])
    linked.universe("col", [f"c{j}" for j in range(n_cols)])
    inequalities: list[dict[tuple[int, int], int]] = []
    inner = [(i, j) for i in range(n_rows) for j in range(n_cols)]
    for _ in range(data.draw(st.integers(1, 6))):
        less, more = data.draw(st.lists(st.sampled_from(inner), min_size=2, max_size=2))
        if data.draw(st.booleans()):
            more = (more[0], n_cols)
        if less != more and full[less] <= full[more]:
            inequalities.append({less: 1, more: -1})
            linked.bound({key(*less): 1, key(*more): -1})
    result = linked.protect()
    hidden = np.array(
        [[result.hidden(key(i, j)) for j in range(n_cols + 1)] for i in range(n_rows + 1)]
    )
    for cell in zip(*np.nonzero(hidden), strict=True):
        cell = (int(cell[0]), int(cell[1]))
        low, high = _reader_range(full, hidden, equalities, inequalities, cell)
        truth = int(full[cell])
        assert high - low >= 0.5, (cell, truth, low, high)
        if 1 <= truth <= 5:
            assert high >= 6, (cell, truth, low, high)
