"""Section: category of death and modifiable factors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cdop import analytics, schema
from cdop.plots._charts import horizontal_bars
from cdop.report._figures import make_figure
from cdop.report._model import ReportFigure, Section
from cdop.report._text import fmt_count, fmt_interval, fmt_percent
from cdop.report.sections._base import (
    DIM,
    MEASURE,
    NOT_RECORDED_CODE,
    TOO_FEW_BARS,
    Context,
    Finish,
    GridPlan,
    SectionSpec,
    bars_worth_drawing,
    count_grid,
    england_comparison,
    level_code,
    sole_leader,
    span,
    versus,
)
from cdop.report.sections._breakdown import plan_breakdown
from cdop.report.sections._pooled import Group, PooledGrid, groups_of, plan_pooled_grid

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CATEGORY_LABELS", "MODIFIABLE_LABELS", "MODIFIABLE_MERGE", "SECTION", "plan"]

_R = schema.REVIEWS
_O = schema.OUTPUT

CATEGORY_LABELS = {str(code): f"{code}. {label}" for code, label in schema.CATEGORY_LABELS.items()}
MODIFIABLE_LABELS = {
    "yes": "Modifiable factors",
    "no": "No modifiable factors",
    "insufficient_information": "Insufficient information",
}


#: Pooled periods are named in words ("three years pooled").
_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


_POOLED_TITLE = "Modifiable factors by category of death, three years pooled"


#: Modifiable-factor levels printed together when either is sparse in a pooled table.
MODIFIABLE_MERGE: Group = (
    ("no", "insufficient_information"),
    "No modifiable factors or insufficient information",
)


def _plan_pooled(ctx: Context) -> PooledGrid:
    """The pooled table of modifiable factors by category, registered."""
    pooled = ctx.pooled_years
    cross = ctx.yearly(analytics.breakdown, [_R.category, _R.modifiable_factors], years=pooled)
    cross = cross.assign(
        cat=[level_code(v, CATEGORY_LABELS) for v in cross[_R.category]],
        mod=[level_code(v, MODIFIABLE_LABELS) for v in cross[_R.modifiable_factors]],
    )
    cgrid = count_grid(
        cross,
        "cat",
        "mod",
        _O.numerator,
        [*CATEGORY_LABELS, NOT_RECORDED_CODE],
        [*MODIFIABLE_LABELS, NOT_RECORDED_CODE],
        strict=False,
    )
    return plan_pooled_grid(
        ctx,
        "category_modifiable",
        f"Modifiable factors by category of death, {ctx.pooled_label}",
        cgrid,
        years=pooled,
        row_dim=DIM.CATEGORY,
        column_dim=DIM.MODIFIABLE,
        rows=groups_of(ctx, cgrid, CATEGORY_LABELS),
        columns=groups_of(ctx, cgrid, MODIFIABLE_LABELS, [MODIFIABLE_MERGE], axis=1),
        row_header="Category of death",
        row_name="category",
        column_name="modifiable_factors",
        notes=(
            f"Three years pooled ({ctx.pooled_label}, the latest complete period of the "
            "fixed three-year periods from 2008/09) because numbers are small. Percentages "
            "are of the reviews in each category.",
        ),
    )


def plan(ctx: Context) -> Finish:
    years = ctx.last(3)
    table, _ = plan_breakdown(
        ctx,
        _R.category,
        DIM.CATEGORY,
        CATEGORY_LABELS,
        "category",
        f"Deaths reviewed by category of death, {span(years)}",
        "Category of death",
        years=years,
        notes=(
            "The panel records the highest category that applies (the categories are "
            "hierarchical).",
        ),
    )
    ctx.counts.universe(DIM.MODIFIABLE, [*MODIFIABLE_LABELS, NOT_RECORDED_CODE])
    # Modifiable factors by category, pooled over three years (numbers are small), when
    # the data cover the pooled period; otherwise the chapter says what would add it.
    missing = ctx.unmet("pooled_years")
    pooled_part = None if missing else _plan_pooled(ctx)
    if missing:
        ctx.leave_out("category_modifiable", _POOLED_TITLE, missing)
    # The modifiable-factor sentence: reviews of the year with modifiable factors.
    mod = ctx.yearly(analytics.breakdown, _R.modifiable_factors, years=[ctx.label])
    yes = mod[mod[_R.modifiable_factors] == "yes"]
    n_yes = int(yes[_O.numerator].iloc[0]) if len(yes) else 0
    yes_key = ctx.key(MEASURE.REVIEWED, year=ctx.label, **{DIM.MODIFIABLE: "yes"})
    total_key = ctx.key(MEASURE.REVIEWED, year=ctx.label)
    ctx.count(yes_key, n_yes, "sentence: reviews with modifiable factors")

    def finish() -> Section:
        sentences = []
        j = table.columns.index(ctx.label)
        rows = [i for i, label in enumerate(table.rows) if not table.left_out(label)]
        lead = sole_leader(
            [int(table.values[i, j]) for i in rows], [ctx.hidden(table.keys[i][j]) for i in rows]
        )
        label = table.rows[rows[lead]] if lead is not None else ""
        if lead is not None and ". " in label and not ctx.hidden(total_key):
            n = int(table.values[rows[lead], j])
            total = int(table.values[:, j].sum())
            sentences.append(
                f"The most common category of death in {ctx.label} was "
                f"{label.split('. ', 1)[1].lower()} ({fmt_count(n)} of {fmt_count(total)} "
                "reviews)."
            )
        if len(yes) and not ctx.hidden(yes_key, total_key):
            row = england_comparison(yes, "reviews_with_modifiable_factors").iloc[0]
            sentences.append(
                f"Modifiable factors were identified in {fmt_count(n_yes)} reviews "
                f"({fmt_percent(row[_O.value])}, 95% CI "
                f"{fmt_interval(row[_O.lower_ci], row[_O.upper_ci], percent=True)})"
                + versus(row, fmt_percent)
                + "."
            )
        if pooled_part is None:
            return Section(
                "categories",
                "Category of death and modifiable factors",
                (" ".join(sentences),),
                (table.table(),),
            )
        figure = _figure(ctx, pooled_part.plan)
        return Section(
            "categories",
            "Category of death and modifiable factors",
            (" ".join(sentences),) if figure else (" ".join(sentences), TOO_FEW_BARS),
            (table.table(), pooled_part.plan.table()),
            (figure,) if figure else (),
        )

    return finish


def _figure(ctx: Context, table: GridPlan) -> ReportFigure | None:
    """Bar chart of the pooled reviews by category (hidden counts marked); None when too
    few of its counts are shown for a chart to tell the reader anything."""
    assert table.row_total_keys is not None
    labels = list(table.rows)
    values = [
        np.nan if ctx.hidden(k) else float(v)
        for k, v in zip(table.row_total_keys, table.values.sum(axis=1), strict=True)
    ]
    if not bars_worth_drawing(values):
        return None
    plot = pd.DataFrame({"category": labels, "n": values})

    def draw(ax: Axes) -> None:
        horizontal_bars(
            plot,
            "category",
            "n",
            xlabel=f"Reviews, {ctx.pooled_label} together",
            marker=ctx.disclosure.marker,
            ax=ax,
        )

    pooled = ctx.pooled_years
    return make_figure(
        "category",
        f"Deaths reviewed by category of death, {_NUMBER_WORDS.get(len(pooled), len(pooled))} "
        f"years pooled ({ctx.pooled_label})",
        f"Horizontal bar chart of reviews by category of death, the {len(pooled)} "
        f"years {ctx.pooled_label} together.",
        draw,
        margins=(2.9, 0.5, 0.25, 0.3),
        size=(6.5, 4.8),
    )


SECTION = SectionSpec("categories", "Category of death and modifiable factors", plan)
