"""Disclosure control of count tables: wide grids, presentation tables and tidy long tables."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, cast

import numpy as np
import pandas as pd

from cdop.disclosure import _grid
from cdop.disclosure._rules import DEFAULT_RULES, DisclosureRules
from cdop.errors import CdopArgumentError, SmallNumberWarning

__all__ = [
    "AuditMethod",
    "Fill",
    "OnHidden",
    "SuppressedTable",
    "add_totals",
    "apply_mask",
    "mask_dependents",
    "recoverable_cells",
    "suppress_grid",
    "suppress_long",
    "suppress_table",
]

#: How :func:`recoverable_cells` attacks: line by line; the whole linear system too; and
#: linear programming with the bound "hidden counts are at least 1" too.
AuditMethod: TypeAlias = Literal["lines", "linear", "bounds"]
#: What :func:`apply_mask` puts in a hidden cell: the rules' marker, or a missing value.
Fill: TypeAlias = Literal["marker", "na"]
#: What :func:`suppress_long` does when cells outside the long table must be hidden.
OnHidden: TypeAlias = Literal["warn", "ignore"]


# --------------------------------------------------------------------------- helpers


def _count_values(frame: pd.DataFrame, name: str) -> _grid.IntArray:
    """The counts of a frame as int64, refusing missing, negative or fractional values."""
    if not isinstance(frame, pd.DataFrame):
        raise CdopArgumentError(f"{name} must be a pandas DataFrame; received {type(frame)!r}.")
    bad = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c].dtype)]
    bad += [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c].dtype)]
    if bad:
        raise CdopArgumentError(
            f"{name} must hold numeric counts; columns {sorted(map(str, set(bad)))} "
            "are not numeric."
        )
    values = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    problems = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if problems.any():
        i, j = np.argwhere(problems)[0]
        raise CdopArgumentError(
            f"{name} must hold whole, non-negative counts with nothing missing; received "
            f"{values[i, j]!r} at row {frame.index[i]!r}, column {frame.columns[j]!r} "
            f"({int(problems.sum())} such cells in all)."
        )
    return values.astype(np.int64)


def _with_label(index: pd.Index, label: Hashable, name: str) -> pd.Index:
    """``index`` with a total label appended (a tuple padded with "" for a MultiIndex)."""
    if isinstance(index, pd.MultiIndex):
        full: Hashable = (label,) + ("",) * (index.nlevels - 1)
    else:
        full = label
    if full in index:
        raise CdopArgumentError(
            f"total_label {label!r} is already a {name} label of the table; "
            "pass another total_label."
        )
    if isinstance(index, pd.MultiIndex):
        return index.append(pd.MultiIndex.from_tuples([full], names=index.names))  # type: ignore[list-item]
    return index.append(pd.Index([full], name=index.name))


def _suppress_values(
    values: _grid.IntArray,
    rules: DisclosureRules,
    layout: _grid.Layout,
    locked: _grid.BoolArray | None = None,
) -> tuple[_grid.IntArray, _grid.BoolArray]:
    """Augmented values and hidden cells (flat) of a grid of counts."""
    augmented = _grid.augment(values, layout)
    hidden = _grid.primary(augmented, layout, rules.threshold, totals=rules.protect_totals)
    if rules.secondary:
        hidden = _grid.secondary(
            augmented, hidden, layout, locked=locked, protect_bounds=rules.protect_bounds
        )
    return augmented, hidden


def _layout(values: _grid.IntArray, row_totals: bool, column_totals: bool) -> _grid.Layout:
    return _grid.Layout(int(values.shape[0]), int(values.shape[1]), row_totals, column_totals)


def _check_rules(rules: DisclosureRules) -> None:
    if not isinstance(rules, DisclosureRules):
        raise CdopArgumentError(f"rules must be a DisclosureRules; received {type(rules)!r}.")


# --------------------------------------------------------------------------- grids


def add_totals(
    counts: pd.DataFrame,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    total_label: Hashable = "Total",
) -> pd.DataFrame:
    """The grid with its totals appended: a total column and a total row.

    Parameters
    ----------
    counts : DataFrame
        Whole, non-negative counts; rows by columns, no totals.
    row_totals, column_totals : bool, default True
        Append the row totals (a column) and the column totals (a row).
    total_label : hashable, default "Total"
        Label of the total column and row.

    Returns
    -------
    DataFrame
        A new frame of int64 counts, aligned with what :func:`suppress_grid` returns.

    Examples
    --------
    >>> grid = pd.DataFrame({"2022": [3, 10], "2023": [7, 12]}, index=["a", "b"])
    >>> add_totals(grid)
           2022  2023  Total
    a         3     7     10
    b        10    12     22
    Total    13    19     32
    """
    values = _count_values(counts, "counts")
    layout = _layout(values, row_totals, column_totals)
    return pd.DataFrame(
        _grid.augment(values, layout),
        index=_with_label(counts.index, total_label, "row") if column_totals else counts.index,
        columns=_with_label(counts.columns, total_label, "column")
        if row_totals
        else counts.columns,
    )


def suppress_grid(
    counts: pd.DataFrame,
    rules: DisclosureRules = DEFAULT_RULES,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    total_label: Hashable = "Total",
) -> pd.DataFrame:
    """Which cells of a grid of counts to hide (primary and secondary suppression).

    Primary: every count from 1 to ``rules.threshold`` (zeros are shown). With
    ``rules.protect_totals`` a published total in that range is hidden too.

    Secondary (``rules.secondary``): while some row or column whose total is
    published holds exactly one hidden cell, one more cell of it is hidden: a
    non-zero shown count, the smallest among those whose other line (column for
    a row) already holds a single hidden cell, else the smallest; only if the
    line has no non-zero count left, a zero; only if nothing else, a total
    itself. Hiding a cell for a row may leave its column with one hidden cell;
    the loop follows such chains until nothing changes. It also protects any
    hidden cell that the totals fix through several lines at once (checked with
    linear algebra) and, with ``rules.protect_bounds``, any hidden cell pinned
    down by adding that hidden counts are at least 1 (a line whose hidden cells
    are all 1; bound propagation; linear programming, with scipy imported only
    then). Each table is protected on its own, not against figures published
    elsewhere (see ``docs/disclosure.md``).

    Parameters
    ----------
    counts : DataFrame
        Whole, non-negative counts, rows by columns, *without* totals.
    rules : DisclosureRules, default DEFAULT_RULES
        Threshold, marker and options.
    row_totals : bool, default True
        Whether the total of each row is published (or can be derived).
    column_totals : bool, default True
        Whether the total of each column is published (or can be derived).
    total_label : hashable, default "Total"
        Label of the total column and row in the result.

    Returns
    -------
    DataFrame of bool
        True where the cell is hidden. It covers the counts plus the published
        totals: a column ``total_label`` when ``row_totals``, a row
        ``total_label`` when ``column_totals`` (and their corner, the grand
        total, when both). Align it with :func:`add_totals` and show the cells
        with :func:`apply_mask`. The input is not modified.

    Examples
    --------
    One small count (3) in row ``a``: its row total (10 - 7 = 3) would give it
    away, so the other count of row ``a`` (7) is hidden; column ``2022`` still
    gives it (13 - 10 = 3), so 10 is hidden; column ``2023`` then gives 7
    (19 - 12), so 12 is hidden. Now every row and column has two hidden cells
    and no total tells them apart.

    >>> grid = pd.DataFrame({"2022": [3, 10], "2023": [7, 12]}, index=["a", "b"])
    >>> suppress_grid(grid)
            2022   2023  Total
    a       True   True  False
    b       True   True  False
    Total  False  False  False

    Without published row totals, only the column ``2022`` needs a second cell:

    >>> suppress_grid(grid, row_totals=False)
            2022   2023
    a       True  False
    b       True  False
    Total  False  False
    """
    _check_rules(rules)
    values = _count_values(counts, "counts")
    layout = _layout(values, row_totals, column_totals)
    _, hidden = _suppress_values(values, rules, layout)
    return pd.DataFrame(
        hidden.reshape(layout.shape),
        index=_with_label(counts.index, total_label, "row") if column_totals else counts.index,
        columns=_with_label(counts.columns, total_label, "column")
        if row_totals
        else counts.columns,
    )


def recoverable_cells(
    counts: pd.DataFrame,
    hidden: pd.DataFrame,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    total_label: Hashable = "Total",
    method: AuditMethod = "bounds",
    assume_positive: bool = True,
) -> pd.DataFrame:
    """Audit: the hidden cells that a reader can work out from what is shown.

    The attack: every shown count and every published total is known. A row or
    column with exactly one unknown gives it (its total minus the rest); the
    cell so found is then known, and the search repeats until nothing more
    comes out. With ``assume_positive`` a line whose unknowns add up to their
    number gives each of them as 1 (hidden counts are at least 1, zeros being
    shown). With ``method="linear"`` the remaining unknowns that the whole
    system of totals fixes exactly are reported too; with ``method="bounds"``
    (the default) also those that linear programming pins down given that
    hidden counts are at least 1 (the reader is granted which hidden cells are
    0, to err on the safe side).

    Parameters
    ----------
    counts : DataFrame
        The true counts, rows by columns, without totals.
    hidden : DataFrame of bool
        Which cells are hidden, as :func:`suppress_grid` returns it. A total
        row or column (labelled ``total_label``) missing from it is taken as
        shown; a count cell missing from it is taken as shown.
    row_totals, column_totals : bool, default True
        Which totals are published.
    total_label : hashable, default "Total"
        Label of the total row and column in ``hidden``.
    method : {"bounds", "linear", "lines"}, default "bounds"
        ``"lines"`` solves rows and columns one at a time; ``"linear"`` also
        solves the whole linear system; ``"bounds"`` also uses linear
        programming (needs scipy, imported only then).
    assume_positive : bool, default True
        Use the fact that hidden counts are at least 1.

    Returns
    -------
    DataFrame
        One row per cell worked out: ``row``, ``column`` (labels, ``total_label``
        for a total), ``value`` and ``how`` (``"line"``, ``"ones"``,
        ``"linear"``, ``"bounds"``). Empty when the suppression is safe against this attack.

    Examples
    --------
    Hiding only the 3 leaves it alone in its row: 10 - 7 = 3.

    >>> grid = pd.DataFrame({"2022": [3, 10], "2023": [7, 12]}, index=["a", "b"])
    >>> only_primary = pd.DataFrame({"2022": [True, False], "2023": [False, False]},
    ...                             index=["a", "b"])
    >>> recoverable_cells(grid, only_primary)
      row column  value   how
    0   a   2022    3.0  line
    >>> recoverable_cells(grid, suppress_grid(grid)).empty
    True
    """
    if method not in ("lines", "linear", "bounds"):
        raise CdopArgumentError(
            f"method must be 'lines', 'linear' or 'bounds'; received {method!r}."
        )
    values = _count_values(counts, "counts")
    layout = _layout(values, row_totals, column_totals)
    index = _with_label(counts.index, total_label, "row") if column_totals else counts.index
    columns = _with_label(counts.columns, total_label, "column") if row_totals else counts.columns
    if not isinstance(hidden, pd.DataFrame):
        raise CdopArgumentError(f"hidden must be a DataFrame of bool; received {type(hidden)!r}.")
    extra_rows = hidden.index.difference(index)
    extra_cols = hidden.columns.difference(columns)
    if len(extra_rows) or len(extra_cols):
        raise CdopArgumentError(
            "hidden has labels that are not in counts: rows "
            f"{list(extra_rows)!r}, columns {list(extra_cols)!r}."
        )
    mask = hidden.reindex(index=index, columns=columns).fillna(False).to_numpy(dtype=np.bool_)
    augmented = _grid.augment(values, layout).astype(np.float64)
    found = _grid.recover(
        augmented,
        mask.ravel(),
        layout,
        linear=method in ("linear", "bounds"),
        assume_positive=assume_positive,
        bounds=method == "bounds",
    )
    width = layout.shape[1]
    return pd.DataFrame(
        {
            "row": pd.Series([index[f.cell // width] for f in found], dtype=object),
            "column": pd.Series([columns[f.cell % width] for f in found], dtype=object),
            "value": pd.Series([f.value for f in found], dtype=np.float64),
            "how": pd.Series([f.how for f in found], dtype=object),
        }
    )


# --------------------------------------------------------------------------- tables


def mask_dependents(
    hidden: pd.DataFrame,
    dependents: Mapping[Hashable, Sequence[Hashable]],
    columns: Sequence[Hashable] | pd.Index | None = None,
) -> pd.DataFrame:
    """Extend a mask of hidden counts to the columns derived from each count.

    A percentage or a confidence interval of a hidden count would give the count
    away, so it is hidden with it.

    Parameters
    ----------
    hidden : DataFrame of bool
        True where a count is hidden; its columns are count columns.
    dependents : mapping
        For each count column, the columns computed from it (percentage, lower
        and upper limits, ...).
    columns : sequence, optional
        Columns of the result, in order (for example ``table.columns``); by
        default the count columns followed by their dependents. Columns that
        are neither are False.

    Returns
    -------
    DataFrame of bool
        A new mask, same index as ``hidden``.

    Examples
    --------
    >>> hidden = pd.DataFrame({"n": [True, False]}, index=["a", "b"])
    >>> mask_dependents(hidden, {"n": ["pct", "lower", "upper"]})
           n    pct  lower  upper
    a   True   True   True   True
    b  False  False  False  False
    """
    unknown = [c for c in dependents if c not in hidden.columns]
    if unknown:
        raise CdopArgumentError(
            f"dependents names count columns that are not in hidden: {unknown!r}; "
            f"hidden has {list(hidden.columns)!r}."
        )
    if columns is None:
        order: list[Hashable] = list(hidden.columns)
        for deps in dependents.values():
            order += [d for d in deps if d not in order]
    else:
        order = list(columns)
    out = pd.DataFrame(False, index=hidden.index, columns=pd.Index(order))
    for column in hidden.columns:
        if column in out.columns:
            out[column] = hidden[column].astype(bool).to_numpy()
    for count, deps in dependents.items():
        for dep in deps:
            if dep in hidden.columns:
                raise CdopArgumentError(
                    f"column {dep!r} is both a count and a dependent of {count!r}."
                )
            if dep not in out.columns:
                raise CdopArgumentError(
                    f"dependent column {dep!r} of {count!r} is not in columns {order!r}."
                )
            out[dep] = out[dep].to_numpy() | hidden[count].astype(bool).to_numpy()
    return out


def apply_mask(
    table: pd.DataFrame,
    mask: pd.DataFrame,
    rules: DisclosureRules = DEFAULT_RULES,
    *,
    fill: Fill = "marker",
) -> pd.DataFrame:
    """A copy of ``table`` with the masked cells replaced by the marker (or missing).

    Parameters
    ----------
    table : DataFrame
        What would be published.
    mask : DataFrame of bool
        True where hidden; aligned with ``table`` by labels. Cells of ``table``
        not in ``mask`` are shown; cells of ``mask`` not in ``table`` are
        ignored.
    rules : DisclosureRules, default DEFAULT_RULES
        Gives the marker.
    fill : {"marker", "na"}, default "marker"
        Put ``rules.marker`` (an object column results) or a missing value in a
        hidden cell.

    Returns
    -------
    DataFrame
        A new frame; ``table`` is not modified.

    Examples
    --------
    >>> grid = pd.DataFrame({"2022": [3, 10], "2023": [7, 12]}, index=["a", "b"])
    >>> apply_mask(add_totals(grid), suppress_grid(grid))
           2022 2023  Total
    a         *    *     10
    b         *    *     22
    Total    13   19     32
    """
    _check_rules(rules)
    if fill not in ("marker", "na"):
        raise CdopArgumentError(f"fill must be 'marker' or 'na'; received {fill!r}.")
    aligned = (
        mask.reindex(index=table.index, columns=table.columns).fillna(False).astype(bool)
    ).to_numpy()
    out = table.copy()
    for position in range(table.shape[1]):
        rows = aligned[:, position]
        if not rows.any():
            continue
        series = table.iloc[:, position]
        if fill == "marker":
            new = series.astype(object).mask(rows, rules.marker)
        elif pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
            series.dtype
        ):
            new = series.astype("Int64").mask(rows, pd.NA)
        elif pd.api.types.is_float_dtype(series.dtype):
            new = series.mask(rows, np.nan)
        else:
            new = series.astype(object).mask(rows, None)
        out.isetitem(position, cast(Any, new))
    return out


@dataclass(frozen=True)
class SuppressedTable:
    """A presentation table after disclosure control.

    Attributes
    ----------
    table : DataFrame
        The table to publish: hidden cells hold the marker, others their value.
    hidden : DataFrame of bool
        True where a cell is hidden (counts, totals and their dependents),
        aligned with ``table``.
    """

    table: pd.DataFrame
    hidden: pd.DataFrame

    @property
    def any_hidden(self) -> bool:
        """Whether any cell is hidden (and the table needs a note)."""
        return bool(self.hidden.to_numpy().any())


def suppress_table(
    table: pd.DataFrame,
    count_columns: Sequence[Hashable],
    rules: DisclosureRules = DEFAULT_RULES,
    *,
    dependents: Mapping[Hashable, Sequence[Hashable]] | None = None,
    total_row: Hashable | None = None,
    total_column: Hashable | None = None,
    row_totals: bool = True,
    column_totals: bool = True,
) -> SuppressedTable:
    """Disclosure control of a presentation table: one row per category, count columns.

    The count columns form the grid (rows: the table's rows other than
    ``total_row``). An explicit total row or column in the table is used as the
    published total and must equal the sum of its parts. Percentages and
    intervals named in ``dependents`` are hidden with their count.

    Parameters
    ----------
    table : DataFrame
        The table, one row per category (labels may be in the index or in a
        column that is not a count column).
    count_columns : sequence
        The columns holding counts (for example one per year).
    rules : DisclosureRules, default DEFAULT_RULES
    dependents : mapping, optional
        For each count column, the columns derived from it (percentage, limits).
        A ``total_column`` may be a key too.
    total_row : label, optional
        Index label of a row holding the column totals (implies column totals).
    total_column : label, optional
        A column holding the row totals (implies row totals).
    row_totals, column_totals : bool, default True
        Whether row and column totals are published or derivable, when the
        table has no explicit total row or column. A single-column table
        usually has ``row_totals=False``.

    Returns
    -------
    SuppressedTable
        ``table`` (display values with the marker) and ``hidden`` (the mask).

    Examples
    --------
    Category counts with a total: hiding the 2 alone would let 28 - 26 give it
    away, so the next smallest count (8) is hidden too.

    >>> t = pd.DataFrame({"category": ["A", "B", "C", "Total"], "n": [18, 2, 8, 28],
    ...                   "pct": [64.3, 7.1, 28.6, 100.0]})
    >>> out = suppress_table(t, ["n"], dependents={"n": ["pct"]}, total_row=3,
    ...                      row_totals=False)
    >>> out.table
      category   n    pct
    0        A  18   64.3
    1        B   *      *
    2        C   *      *
    3    Total  28  100.0
    """
    _check_rules(rules)
    counts = list(count_columns)
    missing = [c for c in [*counts, total_column] if c is not None and c not in table.columns]
    if missing:
        raise CdopArgumentError(
            f"columns {missing!r} are not in the table; it has {list(table.columns)!r}."
        )
    if total_column is not None and total_column in counts:
        raise CdopArgumentError(
            f"total_column {total_column!r} must not also be one of count_columns."
        )
    if total_row is not None and total_row not in table.index:
        raise CdopArgumentError(f"total_row {total_row!r} is not an index label of the table.")
    body_index = table.index if total_row is None else table.index.drop([total_row])
    grid = table.loc[body_index, counts]
    values = _count_values(grid, "the count columns")
    use_rows = row_totals if total_column is None else True
    use_cols = column_totals if total_row is None else True
    layout = _layout(values, use_rows, use_cols)
    augmented = _grid.augment(values, layout)
    _check_explicit_totals(table, augmented, layout, body_index, counts, total_row, total_column)
    _, hidden = _suppress_values(values, rules, layout)
    hidden2 = hidden.reshape(layout.shape)

    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    rows_at = table.index.get_indexer(body_index)
    cols_at = table.columns.get_indexer(pd.Index(counts))
    array = mask.to_numpy(copy=True)
    array[np.ix_(rows_at, cols_at)] = hidden2[: len(body_index), : len(counts)]
    if total_row is not None:
        r = table.index.get_loc(total_row)
        array[r, cols_at] = hidden2[len(body_index), : len(counts)]
    if total_column is not None:
        c = table.columns.get_loc(total_column)
        array[rows_at, c] = hidden2[: len(body_index), len(counts)]
        if total_row is not None:
            array[table.index.get_loc(total_row), c] = hidden2[len(body_index), len(counts)]
    mask = pd.DataFrame(array, index=table.index, columns=table.columns)
    if dependents:
        sources = [*counts] + ([total_column] if total_column is not None else [])
        keys = [k for k in dependents if k not in sources]
        if keys:
            raise CdopArgumentError(
                f"dependents names columns that are not count columns: {keys!r}."
            )
        mask = mask_dependents(
            mask[sources],
            dependents,
            columns=table.columns,
        ) | mask.reindex(columns=table.columns)
    return SuppressedTable(table=apply_mask(table, mask, rules), hidden=mask)


def _check_explicit_totals(
    table: pd.DataFrame,
    augmented: _grid.IntArray,
    layout: _grid.Layout,
    body_index: pd.Index,
    counts: list[Hashable],
    total_row: Hashable | None,
    total_column: Hashable | None,
) -> None:
    """Explicit totals must equal the sums of their parts."""
    if total_row is not None:
        given = _count_values(table.loc[[total_row], counts], "total_row").ravel()
        expected = augmented[layout.n_rows, : layout.n_cols]
        if not np.array_equal(given, expected):
            raise CdopArgumentError(
                f"total_row {total_row!r} does not equal the sum of the rows above it: expected "
                f"{expected.tolist()}, received {given.tolist()}. Add the missing categories "
                "(for example 'Not known') so the parts add up."
            )
    if total_column is not None:
        rows = list(body_index) + ([total_row] if total_row is not None else [])
        given = _count_values(table.loc[rows, [total_column]], "total_column").ravel()
        expected = augmented[:, layout.n_cols]
        if not np.array_equal(given, expected):
            raise CdopArgumentError(
                f"total_column {total_column!r} does not equal the sum of the count columns: "
                f"expected {expected.tolist()}, received {given.tolist()}."
            )


# --------------------------------------------------------------------------- long tables


def suppress_long(
    data: pd.DataFrame,
    *,
    rows: Hashable | Sequence[Hashable],
    columns: Hashable | Sequence[Hashable],
    count: Hashable = "n",
    rules: DisclosureRules = DEFAULT_RULES,
    row_totals: bool = True,
    column_totals: bool = True,
    outside: OnHidden = "warn",
) -> pd.Series[bool]:
    """Which rows of a tidy long table of counts to hide, as if it were published as a grid.

    The long table is pivoted to the grid it stands for (``rows`` by
    ``columns``), suppressed with :func:`suppress_grid`, and the mask is mapped
    back to its rows. Combinations absent from the table count as zero and are
    never chosen for secondary suppression unless nothing else can be.

    Parameters
    ----------
    data : DataFrame
        One row per combination, with the key columns and the count column.
    rows, columns : column name or list of names
        The key columns that form the grid's rows and its columns.
    count : column name, default "n"
        The count column.
    rules : DisclosureRules, default DEFAULT_RULES
    row_totals, column_totals : bool, default True
        Which totals of the grid are published or derivable.
    outside : {"warn", "ignore"}, default "warn"
        What to do when a total, or a combination absent from ``data``, must
        be hidden too: warn, or say nothing (for example when no total is
        published at all and the totals are only assumed derivable).

    Returns
    -------
    Series of bool
        Aligned with ``data``'s index, named ``"hidden"``.

    Warns
    -----
    SmallNumberWarning
        When a total of the grid must be hidden too, or an absent combination
        must be shown as hidden: neither is a row of ``data``, so the warning
        names them for the caller to handle.

    Examples
    --------
    >>> long = pd.DataFrame({"year": [2022, 2022, 2023, 2023],
    ...                      "category": ["a", "b", "a", "b"], "n": [3, 10, 7, 12]})
    >>> suppress_long(long, rows="category", columns="year", count="n").tolist()
    [True, True, True, True]
    """
    _check_rules(rules)
    if outside not in ("warn", "ignore"):
        raise CdopArgumentError(f"outside must be 'warn' or 'ignore'; received {outside!r}.")
    row_keys = _keys(rows)
    col_keys = _keys(columns)
    keys = row_keys + col_keys
    missing = [c for c in [*keys, count] if c not in data.columns]
    if missing:
        raise CdopArgumentError(
            f"columns {missing!r} are not in the table; it has {list(data.columns)!r}."
        )
    if data[keys].isna().to_numpy().any():
        raise CdopArgumentError(f"the key columns {keys!r} must not have missing values.")
    duplicated = data.duplicated(subset=keys)
    if duplicated.any():
        first = data.loc[duplicated, keys].iloc[0].tolist()
        raise CdopArgumentError(
            f"the key columns {keys!r} must identify each row; {int(duplicated.sum())} rows "
            f"repeat a combination, the first {first!r}."
        )
    _count_values(data[[count]], f"count column {count!r}")
    grid = data.pivot(
        index=row_keys if len(row_keys) > 1 else row_keys[0],
        columns=col_keys if len(col_keys) > 1 else col_keys[0],
        values=count,
    )
    absent = grid.isna().to_numpy()
    values = grid.fillna(0).to_numpy(dtype=np.float64).astype(np.int64)
    layout = _layout(values, row_totals, column_totals)
    locked = np.zeros(layout.shape, dtype=np.bool_)
    locked[: layout.n_rows, : layout.n_cols] = absent
    _, hidden = _suppress_values(values, rules, layout, locked.ravel())
    hidden2 = hidden.reshape(layout.shape)

    row_labels = (
        pd.MultiIndex.from_frame(data[row_keys])
        if len(row_keys) > 1
        else pd.Index(data[row_keys[0]])
    )
    col_labels = (
        pd.MultiIndex.from_frame(data[col_keys])
        if len(col_keys) > 1
        else pd.Index(data[col_keys[0]])
    )
    i = grid.index.get_indexer(row_labels)
    j = grid.columns.get_indexer(col_labels)
    problems: list[str] = []
    inner = hidden2[: layout.n_rows, : layout.n_cols]
    for a, b in np.argwhere(inner & absent):
        problems.append(f"absent combination ({grid.index[a]!r}, {grid.columns[b]!r})")
    if row_totals and hidden2[: layout.n_rows, layout.n_cols].any():
        labels = grid.index[hidden2[: layout.n_rows, layout.n_cols]].tolist()
        problems.append(f"row totals of {labels!r}")
    if column_totals and hidden2[layout.n_rows, : layout.n_cols].any():
        labels = grid.columns[hidden2[layout.n_rows, : layout.n_cols]].tolist()
        problems.append(f"column totals of {labels!r}")
    if row_totals and column_totals and hidden2[layout.n_rows, layout.n_cols]:
        problems.append("the grand total")
    if problems and outside == "warn":
        warnings.warn(
            "disclosure control must also hide " + "; ".join(problems) + ", which are not rows "
            "of the table: do not publish them (use suppress_grid for the full mask).",
            SmallNumberWarning,
            stacklevel=2,
        )
    return pd.Series(inner[i, j], index=data.index, name="hidden", dtype=bool)


def _keys(keys: Hashable | Sequence[Hashable]) -> list[Hashable]:
    if isinstance(keys, str) or not isinstance(keys, Sequence):
        return [keys]
    return list(keys)
