"""Section: child deaths notified, reviews completed and cases open, by year."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

from cdop import analytics, schema, stats
from cdop.plots._charts import grouped_bars
from cdop.report._figures import make_figure
from cdop.report._model import Section
from cdop.report._text import change_phrase, fmt_count
from cdop.report.sections._base import (
    MEASURE,
    Context,
    Finish,
    SectionSpec,
    count_words,
    plan_grid,
    span,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SECTION", "plan"]

_COLUMNS = {
    "notifications": ("Deaths notified", MEASURE.NOTIFIED),
    "reviews": ("Reviews completed", MEASURE.REVIEWED),
    "open_at_end": ("Cases open at year end", MEASURE.OPEN),
}

_O = schema.OUTPUT


def _year_end(label: str) -> str:
    return f"31 March {int(label[:4]) + 1}"


def plan(ctx: Context) -> Finish:
    years = ctx.last(ctx.years_shown)
    act = ctx.yearly(analytics.activity, years=years)
    grid = act.set_index(_O.period)[list(_COLUMNS)].astype("int64")
    grid.index = grid.index.astype(str)
    keys = [[ctx.key(measure, year=y) for _, measure in _COLUMNS.values()] for y in grid.index]
    table = plan_grid(
        ctx,
        "activity",
        f"Child deaths notified and reviews completed, {span(years)}",
        grid.rename(columns={k: v[0] for k, v in _COLUMNS.items()}),
        keys=keys,
        row_header="Year",
        row_name="year",
        column_name="measure",
        notes=(
            "Deaths by date notified to the panel; reviews by date the panel completed them; "
            "open cases are those notified but not yet reviewed on 31 March.",
            "Change from the previous year: exact test of two Poisson counts (conditional "
            "binomial test); called significant when p < 0.05.",
        ),
    )
    # Cases open at the end of a year = open at the end of the year before + deaths
    # notified - reviews completed: a reader can use it, so disclosure control does too.
    for before, year in itertools.pairwise(years):
        ctx.counts.relate(
            {
                ctx.key(MEASURE.OPEN, year=year): 1,
                ctx.key(MEASURE.OPEN, year=before): -1,
                ctx.key(MEASURE.NOTIFIED, year=year): -1,
                ctx.key(MEASURE.REVIEWED, year=year): 1,
            },
            why="open cases carried over",
        )
    row = {y: i for i, y in enumerate(grid.index)}

    def finish() -> Section:
        def hidden(year: str, column: str) -> bool:
            return ctx.hidden(keys[row[year]][list(_COLUMNS).index(column)])

        table_values = grid.to_dict("index")
        cur = {str(c): int(v) for c, v in table_values[ctx.label].items()}
        sentences = []
        notified = count_words(
            cur["notifications"], hidden(ctx.label, "notifications"), "child deaths"
        )
        reviewed = count_words(cur["reviews"], hidden(ctx.label, "reviews"), "reviews")
        change = ""
        if (
            ctx.previous in row
            and not hidden(ctx.label, "notifications")
            and not hidden(ctx.previous, "notifications")
        ):
            a, b = cur["notifications"], int(table_values[ctx.previous]["notifications"])
            p = float(stats.binomial_test_p(np.array([a]), np.array([a + b]), np.array([0.5]))[0])
            change = f", {change_phrase(a, b, p, previous_year=ctx.previous)},"
        sentences.append(
            f"In {ctx.label} the panel was notified of {notified}{change} and completed {reviewed}."
        )
        if not hidden(ctx.label, "open_at_end"):
            sentences.append(
                f"On {_year_end(ctx.label)}, {fmt_count(cur['open_at_end'])} "
                "cases were awaiting review."
            )
        shown = grid.reset_index().astype({"notifications": float, "reviews": float})
        for column in ("notifications", "reviews"):
            mask = [hidden(y, column) for y in grid.index]
            shown.loc[mask, column] = np.nan

        def draw(ax: Axes) -> None:
            grouped_bars(
                shown,
                _O.period,
                ["notifications", "reviews"],
                labels=["Deaths notified", "Reviews completed"],
                ylabel="Number",
                marker=ctx.disclosure.marker,
                ax=ax,
            )

        figure = make_figure(
            "activity",
            f"Deaths notified and reviews completed, {span(years)}",
            "Bar chart of deaths notified and reviews completed per year.",
            draw,
            margins=(0.6, 0.45, 0.1, 0.45),
        )
        return Section(
            "activity",
            "Notifications and reviews",
            (" ".join(sentences),),
            (table.table(),),
            (figure,),
        )

    return finish


SECTION = SectionSpec("activity", "Notifications and reviews", plan)
