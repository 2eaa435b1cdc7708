"""Disclosure control over everything a publication prints, read together.

A chapter prints the same counts in several places (a table, its total row, a pooled
column, a figure label, a sentence), and counts that add up to others (rows to totals,
years to pooled periods, duration bands to "within 12 months"). Protecting each table on
its own is not enough: a hidden count can be worked out by combining tables. Here every
published count is registered once, under a :class:`CellKey` that says exactly what it
counts, and the linear relations between counts are derived from the keys themselves:

- a count over several levels of a characteristic (several years pooled, infants = the
  two age bands under one year, "within 12 months" = the bands up to 12 months) is the
  sum of the counts of its single levels;
- a count with no condition on a characteristic whose levels are all known (a total) is
  the sum of the counts of every level, when any of them is published.

Counts that are needed for a relation but never published (a pooled category's single
years, the "not recorded" level of a total) are *latent*: unknown to a reader, at least 0.

The reader's attack, which :func:`protect` defends against and :func:`audit` measures:
every hidden count is an unknown whole number, at least 1 (zeros are printed) and every
latent count at least 0; every shown count is known; every relation holds. For each
hidden count the reader finds the least and the greatest value it can take (integer
programming). Protection requires, for every hidden count, that its range has more than
one value and, for a count from 1 to the threshold, that its greatest possible value is
above the threshold, so a reader cannot even narrow it to a small number.
"""

from __future__ import annotations

import contextlib
import ctypes
import enum
import functools
import hashlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop.disclosure._rules import DEFAULT_RULES, DisclosureRules
from cdop.errors import CdopArgumentError

__all__ = [
    "CellKey",
    "LinkedCounts",
    "Protection",
    "Reason",
    "audit",
]

#: Why a count is hidden.
Reason = Literal["primary", "secondary", "consistency"]

_EPS = 1e-6

#: Integer programs already solved in this process, by their exact content, with the
#: solver's answer (its solution, or None, and its status). The solver gives the same
#: answer to the same program, and protection asks the same question of a group of counts
#: again and again: each time it hides one more count, the groups it does not touch are
#: unchanged, and a chapter's counts of one year are protected again in its year block.
_SOLVED: dict[bytes, tuple[npt.NDArray[np.float64] | None, int]] = {}
_MAX_SOLVED = 4096


@dataclass(frozen=True, order=True)
class CellKey:
    """What one published count counts: a measure and the levels of each characteristic.

    ``measure`` names the population and its period type (for example ``"reviewed"``:
    reviews completed in a financial year). ``dims`` holds, sorted by name, each
    characteristic the count is restricted to and the set of its levels; a characteristic
    not named is not restricted. Several levels mean the sum over them: several years
    pooled, or a group of bands.

    Examples
    --------
    >>> key = CellKey.of("reviewed", year=["2023/24", "2024/25"], category="5")
    >>> sorted(key.levels("year"))
    ['2023/24', '2024/25']
    >>> key.label()
    'reviewed: category=5; year=2023/24+2024/25'
    """

    measure: str
    dims: tuple[tuple[str, frozenset[str]], ...] = ()

    def __hash__(self) -> int:
        # Keys are looked up hundreds of thousands of times a chapter: the hash is
        # worked out once (the dataclass hash, of the same fields) and kept.
        found: int | None = self.__dict__.get("_hash")
        if found is None:
            found = hash((self.measure, self.dims))
            object.__setattr__(self, "_hash", found)
        return found

    def __reduce__(
        self,
    ) -> tuple[type[CellKey], tuple[str, tuple[tuple[str, frozenset[str]], ...]]]:
        # Pickled without the kept hash: another process hashes text differently.
        return (CellKey, (self.measure, self.dims))

    @classmethod
    def of(cls, measure: str, **dims: str | Iterable[str]) -> CellKey:
        """A key from keyword levels: a string for one level, an iterable for several."""
        parts = []
        for name, levels in dims.items():
            chosen = frozenset([levels]) if isinstance(levels, str) else frozenset(levels)
            if not chosen:
                raise CdopArgumentError(f"CellKey.of: no levels given for {name!r}")
            parts.append((name, chosen))
        return cls(measure, tuple(sorted(parts)))

    def levels(self, dim: str) -> frozenset[str] | None:
        """The levels of ``dim`` the count covers, or None when it is not restricted."""
        for name, levels in self.dims:
            if name == dim:
                return levels
        return None

    def without(self, dim: str) -> CellKey:
        """The same count with ``dim`` unrestricted."""
        return CellKey(self.measure, tuple(d for d in self.dims if d[0] != dim))

    def having(self, dim: str, levels: Iterable[str]) -> CellKey:
        """The same count restricted to ``levels`` of ``dim``."""
        rest = [d for d in self.dims if d[0] != dim]
        return CellKey(self.measure, tuple(sorted([*rest, (dim, frozenset(levels))])))

    def label(self) -> str:
        """A readable form of the key."""
        parts = [f"{name}={'+'.join(sorted(levels))}" for name, levels in self.dims]
        return f"{self.measure}: {'; '.join(parts)}" if parts else self.measure


@dataclass
class _Cell:
    value: int
    places: list[str] = field(default_factory=list)
    mergeable: bool = False


class LinkedCounts:
    """The register of every count a publication prints, and what ties them together.

    Register each count with :meth:`add` (the same key twice is the same count, and
    must have the same value), declare the full list of levels of each characteristic
    with :meth:`universe`, then call :meth:`protect`.

    Examples
    --------
    A row of two years and their pooled total: the small year cannot stay hidden alone,
    so the other year is hidden too, and a reader can no longer tell either.

    >>> counts = LinkedCounts()
    >>> a = counts.add(CellKey.of("reviewed", year="2023/24", category="2"), 3)
    >>> b = counts.add(CellKey.of("reviewed", year="2024/25", category="2"), 9)
    >>> p = counts.add(CellKey.of("reviewed", year=["2023/24", "2024/25"], category="2"), 12)
    >>> result = counts.protect()
    >>> [result.hidden(k) for k in (a, b, p)]
    [True, True, False]
    >>> audit(counts, result).empty
    True
    """

    def __init__(self) -> None:
        self._cells: dict[CellKey, _Cell] = {}
        self._universes: dict[str, tuple[str, ...]] = {}
        self._fixed_shown: set[CellKey] = set()
        self._fixed_hidden: set[CellKey] = set()
        self._known: set[CellKey] = set()
        self._explicit: list[tuple[tuple[tuple[CellKey, int], ...], str]] = []
        self._bounded: list[tuple[tuple[tuple[CellKey, int], ...], str]] = []
        self._ahead: list[tuple[tuple[tuple[CellKey, int], ...], str]] = []

    # -- registering -------------------------------------------------------------------
    def add(self, key: CellKey, value: float, *, place: str = "", known: bool = False) -> CellKey:
        """Register a published count; returns its key.

        ``known``: the count is published without being printed, because a reader can
        tell its value from what is left out (a row of zeros a table does not print, so
        that the rows printed add up to the total). Such a count is never chosen to be
        hidden: hiding it would not take it from the reader. Only an earlier publication
        that hid it (:meth:`fix`) hides it, and the table then prints it, as hidden.

        Raises
        ------
        CdopArgumentError
            If the value is not a whole number of at least 0, or the key was registered
            before with another value (two places print the same count differently).
        """
        number = float(value)
        if not np.isfinite(number) or number < 0 or number != int(number):
            raise CdopArgumentError(
                f"LinkedCounts.add: a count must be a whole number of at least 0; received "
                f"{value!r} for {key.label()}"
            )
        cell = self._cells.get(key)
        if cell is None:
            self._cells[key] = _Cell(int(number), [place] if place else [])
        else:
            if cell.value != int(number):
                raise CdopArgumentError(
                    f"LinkedCounts.add: {key.label()} is published as {cell.value} in "
                    f"{', '.join(cell.places) or 'one place'} and as {int(number)} in "
                    f"{place or 'another'}: one count must have one value"
                )
            if place and place not in cell.places:
                cell.places.append(place)
        if known:
            self._known.add(key)
        return key

    def universe(self, dim: str, levels: Sequence[str]) -> None:
        """Declare every level of a characteristic (so the levels add up to a total)."""
        known = self._universes.get(dim)
        ordered = tuple(dict.fromkeys(str(level) for level in levels))
        if known is not None and set(known) != set(ordered):
            raise CdopArgumentError(
                f"LinkedCounts.universe: the levels of {dim!r} were declared as "
                f"{list(known)} and now as {list(ordered)}"
            )
        self._universes[dim] = ordered

    def relate(self, terms: Mapping[CellKey, int], *, why: str = "") -> None:
        """Declare a further linear identity: the sum of ``coefficient * count`` is zero.

        Every key must be registered; the identity is checked on the registered values
        and kept only where it holds (a reader could not rely on one that does not).
        """
        missing = [k.label() for k in terms if k not in self._cells]
        if missing:
            raise CdopArgumentError(f"LinkedCounts.relate: not registered: {', '.join(missing)}")
        entry = tuple(sorted(terms.items()))
        if sum(c * self._cells[k].value for k, c in entry) == 0 and all(
            entry != terms_ for terms_, _ in self._explicit
        ):
            self._explicit.append((entry, why))

    def bound(self, terms: Mapping[CellKey, int], *, why: str = "") -> None:
        """Declare a linear inequality a reader can rely on: the sum of
        ``coefficient * count`` is at most zero.

        For what always holds between counts without being an identity: reviews
        completed within 6 months of the death are at most those completed within 6
        months of notification (a death is notified on or after the day it happens);
        cases open more than 12 months at a year's end were open at the end of the year
        before. Every key must be registered; the inequality is checked on the
        registered values and kept only where it holds.

        Examples
        --------
        Two counts, the first at most the second: a reader who knows the second is 4
        knows the first, hidden, is at most 4, so the second is hidden too.

        >>> counts = LinkedCounts()
        >>> a = counts.add(CellKey.of("reviewed", period="6 months from death"), 3)
        >>> b = counts.add(CellKey.of("reviewed", period="6 months from notification"), 4)
        >>> counts.bound({a: 1, b: -1}, why="death comes before notification")
        >>> result = counts.protect()
        >>> [result.hidden(a), result.hidden(b)]
        [True, True]
        """
        missing = [k.label() for k in terms if k not in self._cells]
        if missing:
            raise CdopArgumentError(f"LinkedCounts.bound: not registered: {', '.join(missing)}")
        entry = tuple(sorted(terms.items()))
        if sum(c * self._cells[k].value for k, c in entry) <= 0 and all(
            entry != terms_ for terms_, _ in self._bounded
        ):
            self._bounded.append((entry, why))

    def fix(self, key: CellKey, value: float, *, hidden: bool, place: str = "") -> None:
        """Register a count already published elsewhere (an earlier chapter) as it was
        published: shown (a reader knows it) or hidden (it must stay protected)."""
        self.add(key, value, place=place)
        (self._fixed_hidden if hidden else self._fixed_shown).add(key)
        (self._fixed_shown if hidden else self._fixed_hidden).discard(key)

    def subset(self, keys: Iterable[CellKey], *, known: Iterable[CellKey] = ()) -> LinkedCounts:
        """The register restricted to ``keys``, with ``known`` counts added as shown.

        Declared identities are kept when every count in them is included. Counts of
        ``known`` are treated as known to the reader (the cautious assumption for counts
        decided elsewhere).
        """
        out = LinkedCounts()
        out._universes = dict(self._universes)
        for key in keys:
            cell = self._cells[key]
            out._cells[key] = _Cell(cell.value, list(cell.places))
            if key in self._fixed_hidden:
                out._fixed_hidden.add(key)
            if key in self._fixed_shown:
                out._fixed_shown.add(key)
            if key in self._known:
                out._known.add(key)
        for key in known:
            if key not in out._cells:
                out.fix(key, self._cells[key].value, hidden=False)
        out._explicit = [
            (terms, why) for terms, why in self._explicit if all(k in out._cells for k, _ in terms)
        ]
        out._bounded = [
            (terms, why) for terms, why in self._bounded if all(k in out._cells for k, _ in terms)
        ]
        return out

    def merge(self, other: LinkedCounts) -> None:
        """Add every count, declared level and identity of ``other`` (the registers of
        several publications read together).

        Raises
        ------
        CdopArgumentError
            If a count is registered in both with different values, or a characteristic
            with different levels.
        """
        for dim, levels in other._universes.items():
            self.universe(dim, levels)
        for key, cell in other._cells.items():
            for place in cell.places or [""]:
                self.add(key, cell.value, place=place)
        self._fixed_hidden |= other._fixed_hidden
        self._fixed_shown |= other._fixed_shown - self._fixed_hidden
        self._known |= other._known
        for terms, why in other._explicit:
            if all(terms != mine for mine, _ in self._explicit):
                self._explicit.append((terms, why))
        for terms, why in other._bounded:
            if all(terms != mine for mine, _ in self._bounded):
                self._bounded.append((terms, why))

    def declared(self) -> frozenset[str]:
        """The characteristics whose levels are declared (:meth:`universe`)."""
        return frozenset(self._universes)

    def extent(self) -> tuple[int, int, int]:
        """How many counts, declared identities and declared characteristics are
        registered (a step that adds none leaves it unchanged)."""
        return len(self._cells), len(self._explicit) + len(self._bounded), len(self._universes)

    def bound_ahead(self, terms: Mapping[CellKey, int], *, why: str = "") -> None:
        """Declare an inequality that will hold between registered counts of a year and
        counts of the year after, which a later publication will print (so they are not
        registered here): the sum of ``coefficient * count`` is at most zero.

        Protection does not read it. A register decided before the year after exists
        keeps room for it (see :func:`cdop.report._history.year_register`): for example,
        the cases open more than 12 months at the next year end are at most the cases
        open at this year end.
        """
        entry = tuple(sorted(terms.items()))
        if all(entry != terms_ for terms_, _ in self._ahead):
            self._ahead.append((entry, why))

    def ahead(self) -> tuple[tuple[tuple[tuple[CellKey, int], ...], str], ...]:
        """Every inequality declared with :meth:`bound_ahead`: its terms and why."""
        return tuple(self._ahead)

    def inequalities(self) -> tuple[tuple[tuple[tuple[CellKey, int], ...], str], ...]:
        """Every inequality declared (:meth:`bound`): its terms (each count with its
        coefficient, the sum at most zero) and why it holds."""
        return tuple(self._bounded)

    def explicit_keys(self) -> tuple[CellKey, ...]:
        """Every count named in a declared identity or inequality."""
        return tuple(
            dict.fromkeys(k for terms, _ in self._explicit + self._bounded for k, _ in terms)
        )

    def __contains__(self, key: object) -> bool:
        return key in self._cells

    def __len__(self) -> int:
        return len(self._cells)

    def value(self, key: CellKey) -> int:
        """The registered value of a count."""
        return self._cells[key].value

    @property
    def keys(self) -> tuple[CellKey, ...]:
        """Every registered key, in the order registered."""
        return tuple(self._cells)

    def places(self, key: CellKey) -> tuple[str, ...]:
        """Where a count is printed."""
        return tuple(self._cells[key].places)

    def is_fixed(self, key: CellKey) -> bool:
        """Whether the count's status was fixed by an earlier publication."""
        return key in self._fixed_shown or key in self._fixed_hidden

    def is_known(self, key: CellKey) -> bool:
        """Whether the count was registered as known to a reader without being printed
        (see :meth:`add`)."""
        return key in self._known

    # -- the linear system -------------------------------------------------------------
    def system(self) -> _System:
        """Every count (registered, then latent) and the relations between them."""
        return _build_system(self)

    # -- protection --------------------------------------------------------------------
    def protect(
        self,
        rules: DisclosureRules = DEFAULT_RULES,
        *,
        enabled: bool = True,
    ) -> Protection:
        """Decide which counts to hide: primary, then secondary until the audit is clean."""
        system = self.system()
        hidden = np.zeros(system.n_registered, dtype=np.bool_)
        reasons: dict[int, Reason] = {}
        unprotectable: list[int] = []
        if enabled:
            _protect(self, system, rules, hidden, reasons, unprotectable)
        return Protection(
            keys=system.keys[: system.n_registered],
            values=system.values[: system.n_registered].copy(),
            hidden_mask=hidden,
            reasons=reasons,
            places={k: self.places(k) for k in system.keys[: system.n_registered]},
            enabled=enabled,
            counts=self,
            unprotectable=tuple(system.keys[c] for c in unprotectable),
        )


@dataclass(frozen=True)
class _System:
    keys: tuple[CellKey, ...]
    values: npt.NDArray[np.int64]  # registered values; -1 for latent
    n_registered: int
    relations: tuple[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]], ...]
    #: For each relation, whether it is an inequality (the sum at most zero) rather than
    #: an identity (the sum zero); the inequalities come last.
    at_most: npt.NDArray[np.bool_]

    def row_low(self, b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The least value each relation's sum may take, for right-hand sides ``b``
        (``b`` itself for an identity, none for an inequality)."""
        return np.where(self.at_most, -np.inf, b)

    def dense(self) -> npt.NDArray[np.float64]:
        """The relations as a matrix: one row per relation, one column per count."""
        cached = self.__dict__.get("_dense")
        if cached is None:
            cached = np.zeros((len(self.relations), len(self.keys)))
            for row, (cells, coefs) in enumerate(self.relations):
                np.add.at(cached[row], cells, coefs.astype(np.float64))
            object.__setattr__(self, "_dense", cached)
        return cached

    def model(self) -> _RegisterModel:
        """The register's kept solver model (:class:`_RegisterModel`), made on first use
        and kept with the register: a register belongs to one protection (or audit),
        so to one thread, and its model goes with it."""
        cached = self.__dict__.get("_model")
        if cached is None:
            cached = _RegisterModel(self)
            object.__setattr__(self, "_model", cached)
        return cached

    def sparse(self) -> tuple[Any, Any]:
        """The relations as sparse matrices, by row (CSR) and by column (CSC)."""
        cached = self.__dict__.get("_sparse")
        if cached is None:
            from scipy.sparse import csr_matrix

            by_row = csr_matrix(self.dense())
            by_row.sort_indices()
            by_col = by_row.tocsc()
            by_col.sort_indices()
            cached = (by_row, by_col)
            object.__setattr__(self, "_sparse", cached)
        return cached


def _build_system(counts: LinkedCounts) -> _System:
    registered = list(counts._cells)
    index: dict[CellKey, int] = {k: i for i, k in enumerate(registered)}
    keys: list[CellKey] = list(registered)
    relations: dict[tuple[CellKey, str], tuple[CellKey, list[CellKey]]] = {}
    universes = counts._universes

    def intern(key: CellKey) -> bool:
        if key in index:
            return False
        index[key] = len(keys)
        keys.append(key)
        return True

    # Each pass visits the keys in order and adds the relations they call for; passes go
    # on until one adds nothing. A key whose relations are all in place is not visited
    # again (visiting it would add nothing), nor is a characteristic without declared
    # levels looked at twice: only a total that may still be registered is waited for.
    waiting: dict[CellKey, list[tuple[str, CellKey | None]]] = {}

    def todo(key: CellKey) -> list[tuple[str, CellKey | None]]:
        found = waiting.get(key)
        if found is None:
            found = [(dim, key.without(dim) if dim in universes else None) for dim, _ in key.dims]
            waiting[key] = found
        return found

    # The keys a pass visits, in order: those not yet visited or still waiting for a
    # total (the keys interned during a pass are visited from the next one on).
    pending = list(keys)
    changed = True
    while changed:
        changed = False
        visited = len(keys)
        for key in pending:
            left: list[tuple[str, CellKey | None]] = []
            for dim, parent in todo(key):
                levels = key.levels(dim) or frozenset()
                # several levels: the sum of the single levels
                if len(levels) > 1 and (key, dim) not in relations:
                    children = [key.having(dim, [level]) for level in sorted(levels)]
                    relations[(key, dim)] = (key, children)
                    for child in children:
                        changed |= intern(child)
                    changed = True
                # a published total over this characteristic: the sum of every level
                if parent is None:
                    continue
                if parent in index and (parent, dim) not in relations:
                    children = [parent.having(dim, [level]) for level in universes[dim]]
                    relations[(parent, dim)] = (parent, children)
                    for child in children:
                        changed |= intern(child)
                    changed = True
                if (parent, dim) not in relations:
                    left.append((dim, parent))
            waiting[key] = left
        pending = [k for k in pending if waiting[k]] + keys[visited:]
    rows = []
    for parent, children in relations.values():
        cells = np.array([index[parent], *(index[c] for c in children)], dtype=np.int64)
        coefs = np.array([-1] + [1] * len(children), dtype=np.int64)
        rows.append((cells, coefs))
    for terms, _why in counts._explicit + counts._bounded:
        cells = np.array([index[k] for k, _ in terms], dtype=np.int64)
        coefs = np.array([c for _, c in terms], dtype=np.int64)
        rows.append((cells, coefs))
    at_most = np.zeros(len(rows), dtype=np.bool_)
    at_most[len(rows) - len(counts._bounded) :] = True
    values = np.full(len(keys), -1, dtype=np.int64)
    values[: len(registered)] = [counts._cells[k].value for k in registered]
    return _System(tuple(keys), values, len(registered), tuple(rows), at_most)


#: What the reader works out by propagation: unknown, solved, values (see _propagate).
_Propagated = tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.float64]]


def _propagate(system: _System, hidden: npt.NDArray[np.bool_]) -> _Propagated:
    """What the reader works out from the identities alone: the unknown counts (hidden or
    never printed), which of them a chain of identities fixes, and their values.
    Inequalities fix nothing here; the integer programs read them."""
    by_row, by_col = system.sparse()
    n = len(system.keys)
    unknown = np.ones(n, dtype=np.bool_)
    unknown[: system.n_registered] = hidden
    values = np.where(unknown, 0.0, system.values.astype(np.float64))
    solved = np.zeros(n, dtype=np.bool_)
    # Unknowns left open in each relation; a relation with one left fixes it, which may
    # leave another relation with one, and so on.
    row_ptr, row_cells, row_coefs = by_row.indptr, by_row.indices, by_row.data
    col_ptr, col_rows = by_col.indptr, by_col.indices
    running = np.concatenate(([0], np.cumsum(unknown[row_cells], dtype=np.int64)))
    open_per_row = running[row_ptr[1:]] - running[row_ptr[:-1]]
    equal = ~system.at_most
    queue = [int(r) for r in np.flatnonzero((open_per_row == 1) & equal)]
    while queue:
        row = queue.pop()
        if open_per_row[row] != 1:
            continue
        start, stop = row_ptr[row], row_ptr[row + 1]
        cells = row_cells[start:stop]
        coefs = row_coefs[start:stop]
        open_here = unknown[cells] & ~solved[cells]
        cell = int(cells[open_here][0])
        values[cell] = -float(coefs @ values[cells]) / float(coefs[open_here][0])
        solved[cell] = True
        for other in col_rows[col_ptr[cell] : col_ptr[cell + 1]]:
            open_per_row[other] -= 1
            if open_per_row[other] == 1 and equal[other]:
                queue.append(int(other))
    return unknown, solved, values


# -- the reader's bounds --------------------------------------------------------------------
#: One redirection of descriptor 1 at a time: it is shared by the whole process.
_OUTPUT_LOCK = threading.Lock()


@contextlib.contextmanager
def _solver_output_hidden() -> Iterator[None]:
    """Keep the solver from writing to the process's standard output during the block.

    The HiGHS solver bundled with SciPy prints a debugging line
    ("HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();") straight
    to file descriptor 1 now and then during an integer program, whatever its options say:
    a stray line in the middle of a build's progress, in a terminal or a notebook. For the
    few milliseconds of an integer program, descriptor 1 points at the null device (C's
    buffer is flushed first, so nothing else is lost or reordered). Threads take turns
    (descriptor 1 belongs to the whole process). Where descriptor 1 cannot be redirected,
    the block runs as it is.
    """
    libc = _libc()
    with _OUTPUT_LOCK:
        saved = _point_stdout_at_null(libc)
        try:
            yield
        finally:
            if saved is not None:
                if libc is not None:
                    libc.fflush(None)  # what the solver printed goes to the null device
                os.dup2(saved, 1)
                os.close(saved)


def _point_stdout_at_null(libc: Any) -> int | None:
    """Descriptor 1 pointed at the null device; a copy of the old one, or None (unchanged)
    where that cannot be done."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stdout.flush()
    if libc is not None:
        libc.fflush(None)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return None
    try:
        saved = os.dup(1)
    except OSError:
        os.close(null)
        return None
    try:
        os.dup2(null, 1)
    except OSError:
        os.close(saved)
        return None
    finally:
        os.close(null)
    return saved


@functools.cache
def _libc() -> Any:
    """The C library (for ``fflush``), or None where it cannot be loaded."""
    try:
        return ctypes.CDLL(None)
    except Exception:  # any platform without a loadable C library (OSError, TypeError)
        return None


def _whole_solution(
    objective: npt.NDArray[np.float64],
    a_eq: Any,
    b_eq: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    *,
    structure: bytes | None = None,
    row_low: npt.NDArray[np.float64] | None = None,
) -> tuple[npt.NDArray[np.float64] | None, int]:
    """An optimal whole-number solution of min ``objective @ x`` subject to
    ``a_eq @ x == b_eq`` and ``lower <= x <= upper``, and the solver's status (0 solved,
    2 infeasible, 3 unbounded). With ``row_low``, the relations are
    ``row_low <= a_eq @ x <= b_eq`` instead (``-inf`` for an inequality).

    The program without the whole-number condition is solved first, which is several
    times faster on the large groups of a chapter: when it has no solution, neither has
    the whole-number program; when its optimal solution is already whole (as it mostly is
    for tables tied by totals), that solution is optimal for the whole-number program
    too, since no whole-number solution can do better than the best fractional one.
    Without an objective (any solution will do), a fractional solution is followed by
    the solution of least total, which is often whole. Only otherwise is the integer
    program solved. ``structure`` (a digest of ``a_eq`` and ``b_eq``) lets programs
    that differ only in their objective and bounds share one solver model
    (:func:`_relaxation`).
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    b_low = b_eq if row_low is None else row_low
    status, x = _relaxation(structure, objective, a_eq, b_eq, lower, upper, row_low=b_low)
    if status == 2:  # infeasible even with fractions
        return None, 2
    if status == 0 and x is not None:
        whole = _whole(x, a_eq, b_eq, lower, upper, row_low=b_low)
        if whole is not None:
            return whole, 0
        if not objective.any() and np.isfinite(lower).all():
            # Any solution answers a question without an objective. The vertex found is
            # fractional; the one of least total (bounded: every count has a lower bound)
            # is often whole, and one program over real numbers costs far less than an
            # integer program. If it is fractional too, the integer program decides.
            status, x = _relaxation(
                structure, np.ones(objective.size), a_eq, b_eq, lower, upper, row_low=b_low
            )
            whole = (
                None
                if status != 0 or x is None
                else _whole(x, a_eq, b_eq, lower, upper, row_low=b_low)
            )
            if whole is not None:
                return whole, 0
    with _solver_output_hidden():
        result = milp(
            objective,
            constraints=[LinearConstraint(a_eq, b_low, b_eq)] if a_eq.shape[0] else None,
            bounds=Bounds(lower, upper),
            integrality=np.ones(objective.size, dtype=np.int64),
        )
    found = None if result.x is None else np.array(result.x, dtype=np.float64)
    return found, int(result.status)


def _whole(
    x: npt.NDArray[np.float64],
    a_eq: Any,
    b_eq: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    *,
    row_low: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64] | None:
    """``x`` rounded, when it is whole (within :data:`_EPS`) and still a solution of
    ``a_eq @ x == b_eq`` (``row_low <= a_eq @ x <= b_eq`` with ``row_low``),
    ``lower <= x <= upper``; else None."""
    whole = np.round(x) + 0.0  # + 0.0: no negative zero
    if (
        np.abs(x - whole).max(initial=0.0) <= _EPS
        and (whole >= lower).all()
        and (whole <= upper).all()
        and (
            a_eq.shape[0] == 0 or _within(a_eq @ whole, b_eq if row_low is None else row_low, b_eq)
        )
    ):
        return whole
    return None


def _within(
    sums: npt.NDArray[np.float64], low: npt.NDArray[np.float64], high: npt.NDArray[np.float64]
) -> bool:
    """Whether whole-number sums lie within their bounds (half a unit of tolerance)."""
    return bool(((sums > low - 0.5) & (sums < high + 0.5)).all())


#: Solver models of the programs without the whole-number condition, kept per thread by
#: the digest of their relations: protection asks many questions of one group of counts
#: (its relations fixed, bounds and objective changing), and a kept model answers the
#: next question from the last one's basis instead of starting again.
_MODELS = threading.local()
_MODELS_KEPT = 256


def _relaxation(
    structure: bytes | None,
    objective: npt.NDArray[np.float64],
    a_eq: Any,
    b_eq: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    *,
    row_low: npt.NDArray[np.float64] | None = None,
) -> tuple[int, npt.NDArray[np.float64] | None]:
    """Solve min ``objective @ x`` subject to ``a_eq @ x == b_eq`` (``row_low <= a_eq @ x
    <= b_eq`` with ``row_low``) and ``lower <= x <= upper`` over real numbers: the status
    (0 optimal, 2 infeasible, 4 any other outcome, which the caller treats as unknown)
    and the optimal solution."""
    import highspy

    models: dict[bytes, Any] | None = getattr(_MODELS, "models", None)
    if models is None:
        models = _MODELS.models = {}
    n = objective.size
    inf = highspy.kHighsInf
    finite_upper = np.where(np.isfinite(upper), upper, inf)
    model = None if structure is None else models.get(structure)
    if model is None:
        model = _highs_model(objective, a_eq, b_eq, lower, finite_upper, row_low=row_low)
        if structure is not None:
            if len(models) >= _MODELS_KEPT:
                models.clear()
            models[structure] = model
    else:
        at = np.arange(n, dtype=np.int32)
        model.changeColsBounds(n, at, lower, finite_upper)
        model.changeColsCost(n, at, objective)
    model.run()
    status = model.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return 0, np.array(model.getSolution().col_value, dtype=np.float64)
    if status == highspy.HighsModelStatus.kInfeasible:
        return 2, None
    return 4, None


def _highs_model(
    objective: npt.NDArray[np.float64],
    a_eq: Any,
    b_eq: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    *,
    row_low: npt.NDArray[np.float64] | None = None,
) -> Any:
    """A HiGHS model, silent, of min ``objective @ x`` subject to ``a_eq @ x == b_eq``
    (``row_low <= a_eq @ x <= b_eq`` with ``row_low``, ``-inf`` for none) and
    ``lower <= x <= upper`` (an upper bound of HiGHS's infinity for none)."""
    import highspy

    with _solver_output_hidden():  # the first model of a process prints a banner
        model = highspy.Highs()  # type: ignore[no-untyped-call]
    model.setOptionValue("output_flag", False)
    n = objective.size
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = int(a_eq.shape[0])
    lp.col_cost_ = objective
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = (
        b_eq if row_low is None else np.where(np.isfinite(row_low), row_low, -highspy.kHighsInf)
    )
    lp.row_upper_ = b_eq
    by_col = a_eq.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = int(a_eq.shape[0])
    lp.a_matrix_.start_ = by_col.indptr
    lp.a_matrix_.index_ = by_col.indices
    lp.a_matrix_.value_ = by_col.data
    model.passModel(lp)
    return model


def _dual_bound(
    objective: npt.NDArray[np.float64],
    a_eq: Any,
    b_eq: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    *,
    row_low: npt.NDArray[np.float64] | None = None,
) -> tuple[float, npt.NDArray[np.float64]] | None:
    """min ``objective @ x`` subject to ``a_eq @ x == b_eq`` and ``x >= lower`` over real
    numbers: the optimum and the relations' dual values (the optimum's rate of change
    with each right-hand side, a subgradient), or None when not solved to optimality."""
    import highspy

    model = _highs_model(
        objective,
        a_eq,
        b_eq,
        lower,
        np.full(objective.size, highspy.kHighsInf),
        row_low=row_low,
    )
    model.run()
    if model.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = model.getSolution()
    if not solution.dual_valid:
        return None
    return float(model.getInfo().objective_function_value), np.array(
        solution.row_dual, dtype=np.float64
    )


def _components(
    rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64], n_rows: int, n_cols: int
) -> npt.NDArray[np.int64]:
    """Groups of relations and counts linked by the entries (``rows[i]``, ``cols[i]``): a
    label for each of the ``n_rows`` relations, then for each of the ``n_cols`` counts."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    size = n_rows + n_cols
    graph = coo_matrix((np.ones(rows.size), (rows, n_rows + cols)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


#: Groups of at least this many free counts are asked of the register's kept model
#: first (smaller ones are answered faster by their own small program).
_REGISTER_GROUP: Final = 100


class _Unsettled(enum.Enum):
    """What the register's kept model gives when it cannot settle a question."""

    UNSETTLED = "unsettled"


_UNSETTLED: Final = _Unsettled.UNSETTLED


class _RegisterModel:
    """One solver model of every count of a register and every relation (each the sum
    of its terms equal to zero), without an objective: the questions whether the
    reader's counts can reach some bound are asked of it by changing bounds alone, so
    each starts from the last answer. The bounds in the model are remembered, and only
    those that differ are changed.

    Its answer for one group is that group's answer only if the rest of the register
    has a solution whatever the reader's bounds: ``consistent`` says whether the
    registered values, with the latent counts free, satisfy every relation (then they
    do, for every reader: a reader's bounds only widen theirs, the counts a chain of
    relations fixes take the values these give them, and groups share no relation).
    A register whose printed counts do not add up is never asked this way.
    """

    def __init__(self, system: _System) -> None:
        import highspy

        by_row, _ = system.sparse()
        n = len(system.keys)
        self._infinity = float(highspy.kHighsInf)
        # First question: the registered values fixed, the latent counts at least 0.
        self.lower = np.zeros(n)
        self.lower[: system.n_registered] = system.values[: system.n_registered]
        self.upper = np.full(n, self._infinity)
        self.upper[: system.n_registered] = self.lower[: system.n_registered]
        relations = by_row.astype(np.float64)
        zeros = np.zeros(relations.shape[0])
        self.model = _highs_model(
            np.zeros(n), relations, zeros, self.lower, self.upper, row_low=system.row_low(zeros)
        )
        self.model.run()
        self.consistent = self.model.getModelStatus() == highspy.HighsModelStatus.kOptimal

    def solve(
        self, lower: npt.NDArray[np.float64], upper: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64] | _Unsettled | None:
        """A solution over real numbers within the bounds, None if there is none, or
        :data:`_UNSETTLED` when the solver gives no clear answer."""
        import highspy

        upper = np.where(np.isfinite(upper), upper, self._infinity)
        changed = np.flatnonzero((lower != self.lower) | (upper != self.upper))
        if changed.size:
            self.model.changeColsBounds(
                changed.size, changed.astype(np.int32), lower[changed], upper[changed]
            )
            self.lower[changed] = lower[changed]
            self.upper[changed] = upper[changed]
        self.model.run()
        status = self.model.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return np.array(self.model.getSolution().col_value, dtype=np.float64)
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        return _UNSETTLED


class _Reader:
    """The reader's knowledge for one set of hidden counts: the unknowns and their bounds.

    Shown counts are known; a relation with a single unknown fixes it (so a latent count
    can become known, and a hidden count be worked out outright). The counts left free
    fall into independent groups (linked by relations); each question about a hidden
    count is answered by integer programming on its group alone.
    """

    def __init__(
        self,
        system: _System,
        hidden: npt.NDArray[np.bool_],
        propagated: _Propagated | None = None,
    ) -> None:
        self.system = system
        self.hidden = hidden
        by_row, _ = system.sparse()
        row_ptr, row_cells, row_coefs = by_row.indptr, by_row.indices, by_row.data
        n = len(system.keys)
        # ``propagated``: what _propagate(system, hidden) gave, when the caller has it.
        unknown, solved, values = propagated or _propagate(system, hidden)
        self.unknown = unknown
        self.solved = solved
        self.values = values
        self.free = np.flatnonzero(unknown & ~solved)
        self._position = np.full(n, -1, dtype=np.int64)
        self._position[self.free] = np.arange(self.free.size)
        # The relations left with free counts, as (relation, position among the free
        # counts, coefficient) entries.
        entry_rows = np.repeat(np.arange(row_ptr.size - 1), np.diff(row_ptr))
        keep = unknown[row_cells] & ~solved[row_cells]
        self._entry_rows = entry_rows[keep]
        self._entry_cols = self._position[row_cells[keep]]
        self._entry_coefs = row_coefs[keep]
        self._b = -(by_row @ values)
        registered = self.free < system.n_registered
        truth = system.values[self.free].astype(np.float64)
        self._lower = np.where(registered, np.minimum(1.0, truth), 0.0)
        # Groups of free counts linked by relations.
        n_rows = row_ptr.size - 1
        labels = _components(self._entry_rows, self._entry_cols, n_rows, self.free.size)
        self._group = labels[n_rows:]
        self._group_sizes = np.bincount(self._group) if self._group.size else np.zeros(0)
        self._entry_group = self._group[self._entry_cols]
        self._unknown_groups: npt.NDArray[np.int64] | None = None
        self._relations: dict[int, tuple[npt.NDArray[np.int64], Any, npt.NDArray[np.float64]]] = {}
        self._programs: dict[
            int,
            tuple[
                npt.NDArray[np.int64], Any, npt.NDArray[np.float64], npt.NDArray[np.float64], bytes
            ],
        ] = {}

    def _program(
        self, cell: int
    ) -> tuple[npt.NDArray[np.int64], Any, npt.NDArray[np.float64], npt.NDArray[np.float64], bytes]:
        """The relations of the cell's group: its free counts, the constraint matrix
        (sparse, canonical), the right-hand sides (the greatest value of each relation's
        sum), the least values (the same for an identity, ``-inf`` for an inequality) and
        a digest of the four."""
        group = int(self._group[self._position[cell]])
        found = self._programs.get(group)
        if found is not None:
            return found
        from scipy.sparse import coo_matrix

        cols = np.flatnonzero(self._group == group)
        mine = self._entry_group == group
        rows, row_at = np.unique(self._entry_rows[mine], return_inverse=True)
        col_at = np.searchsorted(cols, self._entry_cols[mine])
        a_eq = coo_matrix(
            (self._entry_coefs[mine].astype(np.float64), (row_at, col_at)),
            shape=(rows.size, cols.size),
        ).tocsr()
        a_eq.sum_duplicates()
        a_eq.eliminate_zeros()
        a_eq.sort_indices()
        b_eq = self._b[rows]
        b_low = np.where(self.system.at_most[rows], -np.inf, b_eq)
        digest = hashlib.blake2b(digest_size=32)
        for part in (np.asarray(a_eq.shape), a_eq.indptr, a_eq.indices, a_eq.data, b_eq, b_low):
            digest.update(np.asarray(part.shape, dtype=np.int64).tobytes())
            digest.update(np.ascontiguousarray(part).tobytes())
        program = (cols, a_eq, b_eq, b_low, digest.digest())
        self._programs[group] = program
        return program

    def _local(self, cols: npt.NDArray[np.int64], cell: int) -> int | None:
        """The cell's place among a group's free counts ``cols``, None if not there."""
        position = self._position[cell]
        at = int(np.searchsorted(cols, position))
        return at if position >= 0 and at < cols.size and cols[at] == position else None

    def _solve(
        self,
        cell: int,
        objective_cells: Sequence[int],
        *,
        sign: float = 1.0,
        floor: float | None = None,
        ceiling: float | None = None,
    ) -> npt.NDArray[np.float64] | None:
        """Maximise (sign 1) or minimise (-1) the given counts over the cell's group, with
        optional bounds on ``cell``; the solution by flat index, or None if infeasible."""
        cols, a_eq, b_eq, b_low, structure = self._program(cell)
        lower = self._lower[cols].copy()
        upper = np.full(cols.size, np.inf)
        k = self._local(cols, cell)
        assert k is not None  # the program is that of the cell's group
        if floor is not None:
            lower[k] = max(lower[k], floor)
        if ceiling is not None:
            upper[k] = ceiling
        if (upper < lower).any():
            return None
        objective = np.zeros(cols.size)
        for other in objective_cells:
            at = self._local(cols, other)
            if at is not None:
                objective[at] = -sign
        program = hashlib.blake2b(structure, digest_size=32)
        for part in (objective, lower, upper):
            program.update(np.asarray(part.shape, dtype=np.int64).tobytes())
            program.update(np.ascontiguousarray(part).tobytes())
        digest = program.digest()
        answer = _SOLVED.get(digest)
        if answer is None:
            answer = _whole_solution(
                objective,
                a_eq,
                b_eq,
                lower,
                upper,
                structure=structure,
                row_low=b_low,
            )
            if len(_SOLVED) >= _MAX_SOLVED:
                _SOLVED.clear()
            _SOLVED[digest] = answer
        x, status = answer
        if x is None:
            if status == 3:  # unbounded: the reader learns nothing bounded
                out = np.full(len(self.system.keys), np.inf * sign)
                return out
            return None
        out = self.values.copy()
        out[self.free[cols]] = x
        return out

    def is_free(self, cell: int) -> bool:
        """Whether the hidden count is neither solved by a chain of relations."""
        return not self.solved[cell]

    def safe(self, cell: int, threshold: int) -> bool:
        """Whether the hidden count is protected: not fixed and, if small, not narrowed."""
        return self.proof(cell, threshold) is not None

    def proof(self, cell: int, threshold: int) -> npt.NDArray[np.float64] | None:
        """A whole-number solution of the reader's system (by flat index; only the
        counts of the cell's group are meaningful) that shows the hidden count protected,
        or None when it is not (see :meth:`safe`)."""
        if self.solved[cell]:
            return None
        truth = int(self.system.values[cell])
        found = self._feasible(cell, floor=_target(truth, threshold))
        if found is not None or 1 <= truth <= threshold:
            return found
        return self._feasible(cell, ceiling=truth - 1)

    def _feasible(
        self, cell: int, *, floor: float | None = None, ceiling: float | None = None
    ) -> npt.NDArray[np.float64] | None:
        """A whole-number solution of the cell's group with the cell's bound (by flat
        index, as :meth:`_solve` gives it), or None when there is none.

        A large group is asked first of the register's own kept model
        (:meth:`_register_solution`), which every reader of the register shares: a
        reader after another differs from it in a few bounds, so the solver starts from
        the last answer instead of building the group's program afresh. Whatever that
        cannot settle goes to the group's program."""
        if self._group_sizes[self._group[self._position[cell]]] >= _REGISTER_GROUP:
            answer = self._register_solution(cell, floor, ceiling)
            if answer is not _UNSETTLED:
                return answer
        return self._solve(cell, (), floor=floor, ceiling=ceiling)

    def _register_solution(
        self, cell: int, floor: float | None, ceiling: float | None
    ) -> npt.NDArray[np.float64] | _Unsettled | None:
        """A solution from the register's kept model: every count a column, the shown
        and solved ones fixed at their values, the free ones within the reader's bounds,
        the cell within its own. None when the program has no solution over real
        numbers (then none in whole numbers); :data:`_UNSETTLED` when the solution is
        not whole on the cell's group, or the solver gave no answer."""
        lower = self.values.copy()
        upper = lower.copy()
        lower[self.free] = self._lower
        upper[self.free] = np.inf
        if floor is not None:
            lower[cell] = max(lower[cell], floor)
        if ceiling is not None:
            upper[cell] = ceiling
        if upper[cell] < lower[cell]:
            return None
        model = self.system.model()
        if not model.consistent:
            return _UNSETTLED
        x = model.solve(lower, upper)
        if x is None or x is _UNSETTLED:
            return x
        # Only the cell's group matters (the other groups are independent of it): its
        # free counts must be whole and, rounded, still satisfy its relations.
        cells, relations, low = self._group_relations(int(self._group[self._position[cell]]))
        whole = np.round(x[cells]) + 0.0  # + 0.0: no negative zero
        if np.abs(x[cells] - whole).max(initial=0.0) > _EPS or (whole < lower[cells]).any():
            return _UNSETTLED
        out = self.values.copy()
        out[cells] = whole
        if relations.shape[0] and not _within(relations @ out, low, np.zeros(low.size)):
            return _UNSETTLED
        return out

    def _group_relations(
        self, group: int
    ) -> tuple[npt.NDArray[np.int64], Any, npt.NDArray[np.float64]]:
        """The free counts of a group (flat indices), the relations that hold them
        (sparse, over every count; each sum at most 0) and the least value of each sum
        (0 for an identity, ``-inf`` for an inequality)."""
        found = self._relations.get(group)
        if found is None:
            by_row, _ = self.system.sparse()
            rows = np.unique(self._entry_rows[self._entry_group == group])
            low = np.where(self.system.at_most[rows], -np.inf, 0.0)
            found = (self.free[self._group == group], by_row[rows], low)
            self._relations[group] = found
        return found

    def also_shown_safe(
        self, solution: npt.NDArray[np.float64], cell: int, others: Iterable[int], threshold: int
    ) -> list[int]:
        """Which of ``others`` a solution found for ``cell`` shows protected as well: the
        counts of the same group that it puts above their target (or, for a count that
        is not small, off its true value)."""
        group = self._group[self._position[cell]]
        found = []
        for other in others:
            if self.solved[other] or self._group[self._position[other]] != group:
                continue
            truth = int(self.system.values[other])
            value = solution[other]
            if value >= _target(truth, threshold) - _EPS or (
                not 1 <= truth <= threshold and abs(value - truth) > 0.5
            ):
                found.append(other)
        return found

    def may_protect(self, cell: int, threshold: int, candidates: Sequence[int]) -> list[int]:
        """The ``candidates`` (shown counts) whose hiding alone might protect the hidden
        ``cell``, in their order: those left out cannot, whatever the whole numbers.

        A bound from one program over real numbers, the cell's greatest (and, for a
        count that is not small, least) value given every relation and every unknown
        count, hidden and latent alike. Its optimal dual values say how fast that value
        can change with a shown count's value (a supergradient, valid for any value):
        a count whose hiding cannot move the cell's bound past its target in either
        direction, even at the count's extreme, is left out. The bound holds for the
        real-number program, so for whole numbers too; anything the bound cannot rule
        out is kept, and the caller tries it as before.
        """
        lp = self._unknown_program(cell)
        if lp is None:
            return list(candidates)
        cols, a_eq, b_eq, b_low, lower, a_shown = lp
        k = int(np.searchsorted(cols, cell))
        truth = int(self.system.values[cell])
        small = 1 <= truth <= threshold
        directions = [(1.0, float(_target(truth, threshold)))]
        if not small:
            directions.append((-1.0, float(truth - 1)))
        keep = np.zeros(len(candidates), dtype=bool)
        at = np.asarray(candidates, dtype=np.int64)
        values = self.system.values[at].astype(np.float64)
        reach = values - np.minimum(1.0, values)  # how far a hidden count can fall
        columns = a_shown[:, at]
        for sign, goal in directions:
            objective = np.zeros(cols.size)
            objective[k] = -sign
            found = _dual_bound(objective, a_eq, b_eq, lower, row_low=b_low)
            if found is None:  # no answer or unbounded: nothing can be ruled out
                return list(candidates)
            optimum, duals = found
            # The program minimises -sign * value: ``-optimum`` is sign * the greatest
            # (sign 1) or least (-1) value, and it can grow by at most ``slope`` per
            # unit a shown count moves up (the duals bound the optimum's change).
            progress = -optimum
            slope = columns.T @ duals
            rising = slope > 1e-9  # raising the count may move the cell towards its goal
            falling = slope < -1e-9
            furthest = progress + np.where(falling, -slope * reach, 0.0)
            keep |= rising | (furthest > sign * goal - 1e-6)
        return [c for c, kept in zip(candidates, keep, strict=True) if kept]

    def _unknown_program(
        self, cell: int
    ) -> (
        tuple[
            npt.NDArray[np.int64],
            Any,
            npt.NDArray[np.float64],
            npt.NDArray[np.float64],
            npt.NDArray[np.float64],
            Any,
        ]
        | None
    ):
        """The relations of every unknown count (hidden or latent, solved or not) linked
        to ``cell`` through unknown counts: those counts, the relations' matrix over them,
        the right-hand sides, their least values (``-inf`` for an inequality), the counts'
        lower bounds, and the relations' coefficients of every count (read for the shown
        ones); None if no relation holds the cell."""
        by_row, _ = self.system.sparse()
        n_rows = by_row.shape[0]
        if self._unknown_groups is None:
            entry_rows = np.repeat(np.arange(n_rows), np.diff(by_row.indptr))
            keep = self.unknown[by_row.indices]
            self._unknown_groups = _components(
                entry_rows[keep], by_row.indices[keep], n_rows, len(self.system.keys)
            )
        labels = self._unknown_groups
        group = labels[n_rows + cell]
        cols = np.flatnonzero((labels[n_rows:] == group) & self.unknown)
        rows = np.flatnonzero(labels[:n_rows] == group)
        if rows.size == 0:
            return None
        part = by_row[rows]
        shown_values = np.where(self.unknown, 0.0, self.system.values.astype(np.float64))
        b_eq = -(part @ shown_values)
        a_eq = part[:, cols].astype(np.float64)
        registered = cols < self.system.n_registered
        truth = self.system.values[cols].astype(np.float64)
        lower = np.where(registered, np.minimum(1.0, truth), 0.0)
        b_low = np.where(self.system.at_most[rows], -np.inf, b_eq)
        return cols, a_eq, b_eq, b_low, lower, part.astype(np.float64)

    def range(self, cell: int) -> tuple[float, float]:
        """The least and greatest value the reader can give the hidden count."""
        if self.solved[cell]:
            value = float(self.values[cell])
            return value, value
        high = self._solve(cell, [cell], sign=1.0)
        low = self._solve(cell, [cell], sign=-1.0)
        return (
            -np.inf if low is None else float(low[cell]),
            np.inf if high is None else float(high[cell]),
        )

    def ranges(self, cells: Sequence[int]) -> dict[int, tuple[float, float]]:
        """:meth:`range` for each cell."""
        return {int(c): self.range(int(c)) for c in cells}

    def sum_range(self, cells: Sequence[int]) -> tuple[float, float]:
        """The least and greatest value the reader can give the sum of the counts
        ``cells`` (each at most once), by integer programming on each group of free counts
        among them; ``-inf`` or ``inf`` where it has no bound (or the reader's system no
        solution)."""
        low = high = 0.0
        by_group: dict[int, list[int]] = {}
        for cell in dict.fromkeys(int(c) for c in cells):
            if not self.unknown[cell] or self.solved[cell]:
                low += float(self.values[cell])
                high += float(self.values[cell])
            else:
                by_group.setdefault(int(self._group[self._position[cell]]), []).append(cell)
        for members in by_group.values():
            top = self._solve(members[0], members, sign=1.0)
            bottom = self._solve(members[0], members, sign=-1.0)
            high += np.inf if top is None else float(top[members].sum())
            low += -np.inf if bottom is None else float(bottom[members].sum())
        return low, high


def _reader_of(system: _System, protection: Protection) -> _Reader:
    """The reader of a register's ``system`` as ``protection`` hides its counts."""
    hidden = np.array(
        [protection.hidden(k) for k in system.keys[: system.n_registered]], dtype=np.bool_
    )
    return _Reader(system, hidden)


def _exposed(low: float, high: float, truth: int, threshold: int) -> Literal["exact", "narrow", ""]:
    if np.isfinite(low) and np.isfinite(high) and high - low < 0.5:
        return "exact"
    if 1 <= truth <= threshold and high < threshold + 1 - _EPS:
        return "narrow"
    return ""


def audit(
    counts: LinkedCounts | None,
    protection: Protection,
    rules: DisclosureRules = DEFAULT_RULES,
) -> pd.DataFrame:
    """Hidden counts a reader could work out or narrow, by integer programming.

    One row per exposed count: ``key``, ``value``, ``low``, ``high`` (the reader's range)
    and ``exposure`` (``"exact"``: one possible value; ``"narrow"``: a count from 1 to
    the threshold whose greatest possible value is not above the threshold). Empty
    when the protection holds. ``counts`` may be None: the counts the protection was
    worked out on.
    """
    counts = counts if counts is not None else protection.counts
    if counts is None:
        raise CdopArgumentError("audit: give the LinkedCounts the protection was worked out on")
    system = counts.system()
    reader = _reader_of(system, protection)
    hidden = reader.hidden
    rows = []
    for cell in np.flatnonzero(hidden):
        low, high = reader.range(int(cell))
        truth = int(system.values[cell])
        how = _exposed(low, high, truth, rules.threshold)
        if how:
            rows.append(
                {
                    "key": system.keys[cell].label(),
                    "value": truth,
                    "low": low,
                    "high": high,
                    "exposure": how,
                }
            )
    return pd.DataFrame(rows, columns=["key", "value", "low", "high", "exposure"])


# -- choosing what to hide ------------------------------------------------------------------
def _target(truth: int, threshold: int) -> int:
    """The value a reader must be unable to rule out: above the threshold for a small
    count, above the true value for any other."""
    return threshold + 1 if 1 <= truth <= threshold else truth + 1


def _protect(
    counts: LinkedCounts,
    system: _System,
    rules: DisclosureRules,
    hidden: npt.NDArray[np.bool_],
    reasons: dict[int, Reason],
    unprotectable: list[int],
) -> None:
    n_reg = system.n_registered
    values = system.values[:n_reg]
    threshold = rules.threshold
    fixed_shown = np.array([k in counts._fixed_shown for k in system.keys[:n_reg]], dtype=bool)
    fixed_hidden = np.array([k in counts._fixed_hidden for k in system.keys[:n_reg]], dtype=bool)
    # Counts a reader knows without their being printed cannot be taken from the reader.
    known = np.array([k in counts._known for k in system.keys[:n_reg]], dtype=bool)
    small = (values >= 1) & (values <= threshold)
    for cell in np.flatnonzero(small & ~fixed_shown & ~known):
        hidden[cell] = True
        reasons[int(cell)] = "primary"
    for cell in np.flatnonzero(fixed_hidden & ~hidden):
        hidden[cell] = True
        reasons[int(cell)] = "consistency"
    if not rules.secondary:
        return
    neighbours: list[set[int]] = [set() for _ in system.keys]
    parents = np.zeros(len(system.keys), dtype=np.int64)
    for (cells, coefs), at_most in zip(system.relations, system.at_most, strict=True):
        members = [int(c) for c in cells]
        for c in members:
            neighbours[c].update(members)
        if at_most:  # an inequality's greater side is not a total of the other
            continue
        for c, coef in zip(cells, coefs, strict=True):
            if coef < 0:
                parents[int(c)] += 1
    # Hiding more never makes a protected count unprotected (the reader knows less), so
    # a count once shown safe stays safe.
    certified: set[int] = set()
    reader: _Reader | None = None
    # Each round hides a count or gives one up (certified, never taken again).
    for _ in range(2 * n_reg + 2):
        if reader is None:
            reader = _Reader(system, hidden)
        target = _first_exposed(reader, threshold, certified)
        if target is None:
            return
        choice, trial = _complement(
            target, reader, values, threshold, hidden, fixed_shown, known, neighbours, parents
        )
        if choice is None:
            # Every count linked to it is known to the reader, printed by an earlier
            # publication or a zero: nothing this publication hides can protect it. A
            # hidden zero worked out discloses no small count, and is left so; any other
            # is reported, and the caller leaves out what prints it (see
            # Protection.unprotectable).
            if values[target] != 0:
                unprotectable.append(target)
            certified.add(target)
            continue
        for chosen in choice:
            hidden[chosen] = True
            reasons.setdefault(chosen, "secondary")
        reader = None
        if trial is not None:
            # The trial that chose the counts read exactly what is hidden now, and its
            # solution shows the target protected (and often others): the next round
            # starts from that reader instead of working all of it out again.
            reader, solution = trial
            certified.add(target)
            pending = [int(c) for c in np.flatnonzero(hidden) if int(c) not in certified]
            certified.update(reader.also_shown_safe(solution, target, pending, threshold))
    raise RuntimeError("secondary suppression did not settle")  # pragma: no cover


def _first_exposed(reader: _Reader, threshold: int, certified: set[int]) -> int | None:
    """The first hidden count the reader can work out or narrow; None if none."""
    hidden_cells = [int(c) for c in np.flatnonzero(reader.hidden)]
    for cell in hidden_cells:
        # (a certified count is never worked out: hiding more only takes from the
        # reader; one given up as unprotectable is certified so as not to come back)
        if reader.solved[cell] and cell not in certified:
            return cell
    pending = [c for c in hidden_cells if c not in certified]
    if not pending:
        return None
    for at, cell in enumerate(pending):
        if cell in certified:
            continue
        solution = reader.proof(cell, threshold)
        if solution is None:
            return cell
        certified.add(cell)
        # The same solution often shows counts further on protected too.
        later = [c for c in pending[at + 1 :] if c not in certified]
        certified.update(reader.also_shown_safe(solution, cell, later, threshold))
    return None


def _complement(
    target: int,
    reader: _Reader,
    values: npt.NDArray[np.int64],
    threshold: int,
    hidden: npt.NDArray[np.bool_],
    fixed_shown: npt.NDArray[np.bool_],
    known: npt.NDArray[np.bool_],
    neighbours: list[set[int]],
    parents: npt.NDArray[np.int64],
) -> tuple[list[int] | None, tuple[_Reader, npt.NDArray[np.float64]] | None]:
    """The shown counts to hide next so that ``target`` is protected, hiding least, and
    the trial that showed them protecting it (:func:`_trial`), when one did.

    Candidates are the shown counts that share a relation with the target, or with a
    hidden or latent count linked to it, except the counts a reader knows without their
    being printed and those an earlier publication printed (hiding them would take
    nothing from the reader), and except zeros
    while any other count can be hidden. They are tried cheapest first (a count that
    is not a total, the smallest value); the first whose hiding protects the target is
    taken. When none does alone, the least costly set that does
    (:func:`_protecting_set`, which never chooses a known count or a zero); failing
    that, the cheapest candidate, and the next round goes on from there.

    Zeros are printed, so a reader takes every hidden count to be at least 1. A hidden
    zero would make that false, and the reader's reasoning would then still pin true
    counts down: an area's five age groups hidden beside a shown total of 9, two of
    them zeros hidden to protect the panel's counts built with the area's, gave a
    reader who takes them all to be at least 1 the other three (3 each) between 1 and
    5. A zero is chosen only when every other count linked to the target is known or
    fixed by an earlier publication.
    """
    n_reg = len(values)
    near: set[int] = set()
    frontier = [target]
    seen = {target}
    while frontier:
        cell = frontier.pop()
        for other in neighbours[cell]:
            if other in seen:
                continue
            seen.add(other)
            if other < n_reg and not hidden[other]:
                if not known[other]:  # hiding a count the reader knows protects nothing
                    near.add(other)
            else:
                frontier.append(other)
    # Counts printed by an earlier publication are never chosen: the reader holds that
    # publication, so hiding one here would protect nothing.
    free = [c for c in near if not fixed_shown[c]]
    # A zero only when no other count is free to be hidden (see above).
    candidates = [c for c in free if values[c] > 0] or sorted(free)
    if not candidates:
        return None, None

    truth = int(values[target])
    # A complement smaller than this cannot lift a small target above the threshold
    # through one relation: try the others first.
    need = threshold + 2 - truth if 1 <= truth <= threshold else 1

    def cost(c: int) -> tuple[int, int, int, int, int]:
        value = int(values[c])
        return (int(value == 0), int(parents[c] > 0), int(value < need), value, c)

    candidates.sort(key=cost)
    cheapest, *others = candidates[:12]
    trial = _trial(reader.system, hidden, np.array([cheapest]), target, threshold)
    if trial is not None:
        return [cheapest], trial
    # The cheapest did not do: leave out the others a bound shows cannot either (the
    # first one left that does is the first of them all that does).
    for c in reader.may_protect(target, threshold, others) if others else ():
        trial = _trial(reader.system, hidden, np.array([c]), target, threshold)
        if trial is not None:
            return [c], trial
    # No single count protects the target (a count pinned by a row and a column needs a
    # rectangle of others): the least costly set that does, by integer programming.
    found = _protecting_set(
        target, reader.system, values, threshold, hidden, fixed_shown, known, parents, neighbours
    )
    if not found and truth == 0:
        # a hidden zero no set protects is given up at once (see _protect), rather than
        # hiding the counts around it one by one on its account
        return None, None
    return (found if found else [candidates[0]]), None


#: Registers with more counts than this (latent counts included: a chapter read with the
#: one published before it, or a panel's chapter protected with its areas' chapters)
#: search for a protecting set near the target only: the counts within
#: :data:`_NEAR_STEPS` relations of it may be chosen, the shown counts further away keep
#: their values. One program over all of them takes seconds to minutes.
_SET_SEARCH_LIMIT = 6000
#: Limits of one set search: a number of branch-and-bound nodes, so that the set chosen
#: does not depend on the machine's speed (the best set found within them is taken); the
#: time limit is a last guard against a program that would run for minutes.
_SET_SEARCH_NODES: Final = 5000
_SET_SEARCH_SECONDS: Final = 120.0
_NEAR_STEPS = 3


def _protecting_set(
    target: int,
    system: _System,
    values: npt.NDArray[np.int64],
    threshold: int,
    hidden: npt.NDArray[np.bool_],
    fixed_shown: npt.NDArray[np.bool_],
    known: npt.NDArray[np.bool_],
    parents: npt.NDArray[np.int64],
    neighbours: Sequence[set[int]],
) -> list[int] | None:
    """The cheapest shown counts whose hiding lets the reader's system reach a value of
    the target it must not be able to rule out (above the threshold for a small count,
    above or below the truth for another); None if no set does.

    The program: every count is a whole number ``x`` satisfying every relation; a shown
    count keeps its value unless it is chosen (``z = 1``), a hidden or chosen count is at
    least 1 (zeros are printed) and a latent count at least 0; the target reaches its
    goal. The cost of choosing a count grows with being a total and with its value, so
    that small inner counts are hidden before totals (as in the single-count choice).
    Zeros, counts known without being printed and counts an earlier publication printed
    are never chosen. In a register of
    more than :data:`_SET_SEARCH_LIMIT` counts, only counts near the target may move
    (shown counts further away keep their values; hidden and latent counts stay free): a
    set found so still protects the target in the whole register, though a cheaper one
    may exist further away.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import bmat, csr_matrix, diags

    n = len(system.keys)
    near = np.ones(n, dtype=bool)
    if n > _SET_SEARCH_LIMIT:
        near[:] = False
        near[target] = True
        ring = {target}
        for _ in range(_NEAR_STEPS):
            ring = {o for c in ring for o in neighbours[c] if not near[o]}
            near[list(ring)] = True
    by_row, _ = system.sparse()
    n_reg = len(values)
    truth = int(values[target])
    shown = ~hidden  # registered counts only: latent counts are never shown
    # A count the reader knows without its being printed cannot be chosen, nor can a zero
    # (zeros are printed: a reader takes every hidden count to be at least 1).
    # Nor a count an earlier publication printed (the reader holds it).
    choosable = np.flatnonzero(shown & ~known & ~fixed_shown & (values > 0) & near[:n_reg])
    m = choosable.size
    if m == 0:
        return None
    big = float(2 * int(values.max(initial=0)) + threshold + 2)
    lower = np.zeros(n)
    lower[:n_reg] = np.minimum(1, values)
    upper = np.full(n, np.inf)
    fixed = np.flatnonzero(shown & (known | fixed_shown | (values == 0)))
    lower[fixed] = upper[fixed] = values[fixed]
    # Shown counts far from the target keep their values (they cannot be chosen); hidden
    # and latent counts stay free, as they are to the reader.
    far = np.flatnonzero(~near[:n_reg] & shown)
    lower[far] = upper[far] = values[far]
    # Shown counts: x within big of its value, only if chosen (x - v <= big z, v - x <= big z).
    pick = csr_matrix((np.ones(m), (np.arange(m), choosable)), shape=(m, n))
    link = bmat(
        [
            [by_row, None],
            [pick, -big * diags(np.ones(m))],
            [pick, big * diags(np.ones(m))],
        ],
        format="csr",
    )
    v_shown = values[choosable].astype(np.float64)
    relation_rows = by_row.shape[0]
    low_side = np.concatenate(
        [system.row_low(np.zeros(relation_rows)), np.full(m, -np.inf), v_shown]
    )
    high_side = np.concatenate([np.zeros(relation_rows), v_shown, np.full(m, np.inf)])
    cost = np.array(
        [1.0 + 0.5 * float(parents[c] > 0) + 1e-3 * float(values[c]) for c in choosable]
    )
    objective = np.concatenate([np.zeros(n), cost])
    whole = np.ones(n + m, dtype=np.int64)
    # Counts as real numbers, only the choices whole: a program several times faster to
    # solve. It can only find a set at least as cheap as the whole-number program's; when
    # its set protects the target with whole numbers too (checked as the audit checks),
    # that set is the one to hide; otherwise the whole-number program decides.
    real = np.concatenate([np.zeros(n, dtype=np.int64), np.ones(m, dtype=np.int64)])
    goals: list[tuple[float, float]] = [(float(_target(truth, threshold)), np.inf)]
    if not 1 <= truth <= threshold and truth >= 1:
        goals.append((lower[target], float(truth - 1)))
    for low_goal, high_goal in goals:
        var_low = np.concatenate([lower, np.zeros(m)])
        var_high = np.concatenate([upper, np.ones(m)])
        var_low[target] = max(var_low[target], low_goal)
        var_high[target] = high_goal
        if var_high[target] < var_low[target]:
            continue
        for integrality in (real, whole):
            with _solver_output_hidden():
                result = milp(
                    objective,
                    constraints=[LinearConstraint(link, low_side, high_side)],
                    bounds=Bounds(var_low, var_high),
                    integrality=integrality,
                    options={
                        "node_limit": _SET_SEARCH_NODES,
                        "time_limit": _SET_SEARCH_SECONDS,
                    },
                )
            if result.x is None:
                if integrality is real and result.status == 2:
                    break  # no set even with real numbers: none with whole numbers
                continue
            chosen = choosable[result.x[n:] > 0.5]
            if chosen.size and (
                integrality is whole or _protected_by(system, hidden, chosen, target, threshold)
            ):
                return [int(c) for c in chosen]
    return None


def _protected_by(
    system: _System,
    hidden: npt.NDArray[np.bool_],
    chosen: npt.NDArray[np.int64],
    target: int,
    threshold: int,
) -> bool:
    """Whether hiding the ``chosen`` shown counts too protects the target, as the audit
    judges it (whole-number counts)."""
    return _trial(system, hidden, chosen, target, threshold) is not None


def _trial(
    system: _System,
    hidden: npt.NDArray[np.bool_],
    chosen: npt.NDArray[np.int64],
    target: int,
    threshold: int,
) -> tuple[_Reader, npt.NDArray[np.float64]] | None:
    """The reader of what is hidden once the ``chosen`` shown counts are hidden too,
    and a whole-number solution of its system showing the target protected; None if
    the target is not protected so (see :func:`_protected_by`)."""
    trial = hidden.copy()
    trial[chosen] = True
    propagated = _propagate(system, trial)
    if propagated[1][target]:
        return None  # worked out through a chain of relations
    reader = _Reader(system, trial, propagated)
    solution = reader.proof(target, threshold)
    return None if solution is None else (reader, solution)


# -- the result -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Protection:
    """What to hide: for every registered count, hidden or shown, and why.

    Attributes
    ----------
    keys, values
        The registered counts and their true values.
    hidden_mask
        Whether each is hidden.
    reasons
        For each hidden count (by position): ``"primary"`` (a count from 1 to the
        threshold), ``"secondary"`` (hidden so that no small count can be worked out) or
        ``"consistency"`` (hidden in an earlier publication).
    enabled
        False when disclosure control is off (nothing hidden).
    unprotectable
        Hidden counts a reader can still work out or narrow whatever else is hidden:
        every count linked to them is known to the reader without this publication
        (printed by an earlier one, or a row of zeros left out). Empty for a
        publication that is safe; otherwise what prints them must be left out.
    """

    keys: tuple[CellKey, ...]
    values: npt.NDArray[np.int64]
    hidden_mask: npt.NDArray[np.bool_]
    reasons: Mapping[int, Reason]
    places: Mapping[CellKey, tuple[str, ...]]
    enabled: bool = True
    counts: LinkedCounts | None = field(default=None, repr=False, compare=False)
    unprotectable: tuple[CellKey, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {k: i for i, k in enumerate(self.keys)})

    def __getstate__(self) -> dict[str, Any]:
        # The reader kept by :meth:`sum_range` holds solver models: not sent to another
        # process (it is built again there when asked for).
        return {k: v for k, v in self.__dict__.items() if k != "_reader"}

    def hidden(self, key: CellKey) -> bool:
        """Whether the count under ``key`` is hidden (False for an unknown key)."""
        position: dict[CellKey, int] = self._index  # type: ignore[attr-defined]
        index = position.get(key)
        return bool(self.hidden_mask[index]) if index is not None else False

    def sum_range(self, keys: Iterable[CellKey]) -> tuple[float, float]:
        """The least and greatest value a reader of the publication can give the sum of
        the counts under ``keys`` (each once), knowing every count shown, every relation
        and bound declared, and that a hidden count is at least 1; ``-inf`` or ``inf``
        where it has no bound. A statement about the sum that holds over this whole
        range tells the reader nothing new.

        Examples
        --------
        >>> counts = LinkedCounts()
        >>> a = counts.add(CellKey.of("reviewed", year="2023/24", category="2"), 3)
        >>> b = counts.add(CellKey.of("reviewed", year="2024/25", category="2"), 9)
        >>> p = counts.add(CellKey.of("reviewed", year=["2023/24", "2024/25"], category="2"), 12)
        >>> result = counts.protect()
        >>> result.sum_range([a])  # a and b are hidden, at least 1 each, and add up to 12
        (1.0, 11.0)
        >>> result.sum_range([a, b])
        (12.0, 12.0)
        """
        if self.counts is None:
            raise CdopArgumentError(
                "Protection.sum_range: this protection does not hold the counts it was "
                "worked out on (a part of a joint protection); ask the whole one"
            )
        kept: tuple[_Reader, dict[CellKey, int]] | None = self.__dict__.get("_reader")
        if kept is None:
            system = self.counts.system()
            kept = (_reader_of(system, self), {k: i for i, k in enumerate(system.keys)})
            object.__setattr__(self, "_reader", kept)
        reader, where = kept
        cells = []
        for key in keys:
            if key not in where:
                raise CdopArgumentError(f"Protection.sum_range: {key.label()} is not registered")
            cells.append(where[key])
        return reader.sum_range(cells)

    def trail(self) -> pd.DataFrame:
        """The audit trail for the coordinator (never for publication): one row per
        hidden count with its key, true value, reason and where it is printed."""
        rows = [
            {
                "count": self.keys[i].label(),
                "value": int(self.values[i]),
                "reason": self.reasons.get(int(i), "secondary"),
                "printed_in": "; ".join(self.places.get(self.keys[i], ())),
            }
            for i in np.flatnonzero(self.hidden_mask)
        ]
        return pd.DataFrame(rows, columns=["count", "value", "reason", "printed_in"])

    def restrict(self, keys: Iterable[CellKey]) -> Protection:
        """The protection of the counts under ``keys`` alone (one publication of several
        protected together), for its audit trail and information loss."""
        position: dict[CellKey, int] = self._index  # type: ignore[attr-defined]
        chosen = [position[k] for k in dict.fromkeys(keys) if k in position]
        renumber = {old: new for new, old in enumerate(chosen)}
        return Protection(
            keys=tuple(self.keys[i] for i in chosen),
            values=self.values[chosen].copy(),
            hidden_mask=self.hidden_mask[chosen].copy(),
            reasons={renumber[i]: r for i, r in self.reasons.items() if i in renumber},
            places={self.keys[i]: self.places.get(self.keys[i], ()) for i in chosen},
            enabled=self.enabled,
            counts=None,
        )

    def loss(self) -> dict[str, int]:
        """Information loss: counts published, hidden (by reason) and the sum hidden."""
        hidden = np.flatnonzero(self.hidden_mask)
        by_reason = dict.fromkeys(("primary", "secondary", "consistency"), 0)
        for i in hidden:
            by_reason[str(self.reasons.get(int(i), "secondary"))] += 1
        return {
            "counts": len(self.keys),
            "hidden": int(hidden.size),
            **by_reason,
            "sum_hidden": int(self.values[hidden].sum()),
        }
