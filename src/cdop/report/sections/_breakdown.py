"""Count tables of reviews by one characteristic and year, with sparse levels merged."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import pandas as pd

from cdop import analytics, schema
from cdop.analytics._common import derived
from cdop.dataset import Dataset
from cdop.report._text import fmt_percent, national_source_note
from cdop.report.sections._base import (
    MEASURE,
    NOT_RECORDED,
    NOT_RECORDED_CODE,
    Context,
    GridPlan,
    count_grid,
    level_code,
    plan_grid,
)

__all__ = ["plan_breakdown"]

_O = schema.OUTPUT


def plan_breakdown(
    ctx: Context,
    variable: str,
    dim: str,
    labels: Mapping[str, str],
    table_id: str,
    title: str,
    row_header: str,
    *,
    years: list[str],
    merges: Sequence[tuple[tuple[str, ...], str]] = (),
    national: str | None = None,
    notes: Sequence[str] = (),
) -> tuple[GridPlan, pd.DataFrame]:
    """Plan the table of reviews by ``variable`` (codes labelled by ``labels``) and year.

    Every level is registered, "Not recorded" included (printed only when not zero), so
    the rows add up to the total a reader sees. ``merges`` lists groups of codes printed
    as one row (with its label) when any of their counts is small, so that a sparse level
    such as "not stated" is merged rather than hidden with a larger count beside it.
    """
    # Every year of the data at once: the same table serves each year's chapter planned
    # for the year blocks (one computation, remembered by the dataset), and a year's
    # counts do not depend on the other years asked for; a year outside the data counts
    # zero either way.
    universe = [*labels, NOT_RECORDED_CODE]
    memo = ("report.plan_breakdown", variable, tuple(labels.items()))
    data = derived(ctx.ds, memo, lambda: _coded(ctx.ds, variable, labels))
    ctx.counts.universe(dim, universe)
    # Reviews by code (rows, in the order of the universe) and year (columns).
    at_row = {code: i for i, code in enumerate(universe)}
    grid = count_grid(data, "code", _O.period, _O.numerator, universe, years, strict=False)
    counts = grid.to_numpy()
    threshold = ctx.disclosure.rules.threshold
    groups: list[tuple[list[str], str]] = [
        ([code], labels.get(code, NOT_RECORDED)) for code in universe
    ]
    for members, merged_label in merges:
        rows = counts[[at_row[c] for c in members]]
        small = ((rows >= 1) & (rows <= threshold)).any()
        if ctx.disclosure.suppress and small:
            groups = [g for g in groups if g[0][0] not in members]
            groups.append((list(members), merged_label))
            groups.sort(key=lambda g: min(universe.index(c) for c in g[0]))
    merged = pd.DataFrame(
        [counts[[at_row[c] for c in codes_]].sum(axis=0) for codes_, _ in groups],
        index=pd.Index([label for _, label in groups], dtype="str"),
        columns=pd.Index(years, dtype="str", name=_O.period),
        dtype="int64",
    )
    silent = [
        label
        for codes_, label in groups
        if codes_ == [NOT_RECORDED_CODE] and not merged.loc[label].any()
    ]
    keys = [
        [ctx.key(MEASURE.REVIEWED, year=y, **{dim: codes_}) for y in years] for codes_, _ in groups
    ]
    extra: dict[str, list[str]] = {}
    notes = list(notes)
    if national is not None:
        # England's figures for the reporting year only (like for like); none, no column.
        england = _england(national, ctx.label)
        if england is not None:
            by_code, source_note = england
            extra[f"England {ctx.label}"] = [
                fmt_percent(by_code[c[0]]) if len(c) == 1 and c[0] in by_code else ""
                for c, _label in groups
            ]
            notes.append(source_note)
    plan = plan_grid(
        ctx,
        table_id,
        title,
        merged,
        keys=keys,
        column_total_keys=[ctx.key(MEASURE.REVIEWED, year=y) for y in years],
        row_header=row_header,
        total_row="Total",
        percent="column",
        extra=extra,
        notes=notes,
        row_name=variable,
        silent_rows=silent,
    )
    return plan, data


def _coded(ds: Dataset, variable: str, labels: Mapping[str, str]) -> pd.DataFrame:
    """Reviews by ``variable`` and year, every year of the data, with each level's code
    (``code``) and the period as text."""
    data = analytics.breakdown(ds, variable)
    codes = data[variable].astype("object").map(lambda v: level_code(v, labels))
    return data.assign(code=codes, **{_O.period: data[_O.period].astype(str)})


@functools.cache
def _england(indicator: str, label: str) -> tuple[Mapping[str, float], str] | None:
    """England's figure of ``indicator`` for the year ``label`` by level code, and the
    note naming its source; None when there is none (the table then has no column).
    Remembered for the process: the figures are read-only."""
    bench = analytics.national_benchmarks()
    bench = bench[
        (bench["indicator"] == indicator)
        & (bench["period"] == label)
        & (bench["geography"] == "England")
    ]
    if not len(bench):
        return None
    by_code = dict(zip(bench["level"].astype(str), bench["value"], strict=True))
    note = national_source_note(
        {
            "national_period": r["period"],
            "national_source": f"{r['publisher']}. {r['title']}",
            "national_url": r["url"],
        }
        for r in bench.to_dict("records")
    )
    return MappingProxyType(by_code), note
