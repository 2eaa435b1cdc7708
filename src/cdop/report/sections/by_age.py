"""Section: category of death and modifiable factors by age group (pooled years).

Two tables over the fixed pooled period (three financial years, because numbers are
small): the category of death of infants under one year and of children aged 1 to 17,
and modifiable factors by age at death. Infants die mostly of perinatal and congenital
causes, older children of a wider range, so readers compare the two columns; the share
of reviews with modifiable factors differs by age in the national data too.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd

from cdop import analytics, schema
from cdop.plots._charts import stacked_shares
from cdop.report._figures import make_figure
from cdop.report._model import ReportFigure, Section
from cdop.report._text import fmt_count, fmt_percent
from cdop.report.sections._base import (
    DIM,
    MEASURE,
    NOT_RECORDED,
    NOT_RECORDED_CODE,
    SHORT_BAR_NOTE,
    Context,
    Finish,
    SectionSpec,
    count_grid,
    level_code,
    sole_leader,
)
from cdop.report.sections._pooled import Group, PooledGrid, groups_of, plan_pooled_grid
from cdop.report.sections.categories import CATEGORY_LABELS, MODIFIABLE_LABELS, MODIFIABLE_MERGE

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["AGE_COLUMNS", "SECTION", "plan"]

_R = schema.REVIEWS
_O = schema.OUTPUT

#: The age groups of the category table: under one year, and 1 to 17 years.
INFANTS: tuple[str, ...] = tuple(schema.AGE_GROUPS[:2])
OLDER: tuple[str, ...] = tuple(schema.AGE_GROUPS[2:])
AGE_COLUMNS: tuple[Group, ...] = (
    (INFANTS, "Under 1 year"),
    (OLDER, "1-17 years"),
    ((NOT_RECORDED_CODE,), NOT_RECORDED),
)
#: Age groups printed together in the modifiable-factor table when either is sparse (as
#: in the table of deaths by age).
_AGE_MERGE: Group = (("5-9 years", "10-14 years"), "5-14 years")
_AGE_LABELS = {g: g for g in schema.AGE_GROUPS}


def _counts(ctx: Context, variable: str, labels: dict[str, str]) -> pd.DataFrame:
    """Reviews of the pooled period by ``variable`` (rows) and age group (columns)."""
    data = analytics.breakdown(ctx.ds, [variable, schema.DERIVED.age_group], years=ctx.pooled_years)
    data = data.assign(
        row=[level_code(v, labels) for v in data[variable]],
        age=[level_code(v, _AGE_LABELS) for v in data[schema.DERIVED.age_group]],
    )
    return count_grid(
        data,
        "row",
        "age",
        _O.numerator,
        [*labels, NOT_RECORDED_CODE],
        [*schema.AGE_GROUPS, NOT_RECORDED_CODE],
        strict=False,
    )


def plan(ctx: Context) -> Finish:
    pooled = ctx.pooled_years
    period = ctx.pooled_label
    pooled_note = (
        f"Three years pooled ({period}, the latest complete period of the fixed three-year "
        "periods from 2008/09) because numbers are small."
    )
    ctx.counts.universe(DIM.AGE, [*schema.AGE_GROUPS, NOT_RECORDED_CODE])
    ctx.counts.universe(DIM.MODIFIABLE, [*MODIFIABLE_LABELS, NOT_RECORDED_CODE])
    by_category = _counts(ctx, _R.category, CATEGORY_LABELS)
    categories = plan_pooled_grid(
        ctx,
        "category_age",
        f"Deaths reviewed by category of death and age group, {period}",
        by_category,
        years=pooled,
        row_dim=DIM.CATEGORY,
        column_dim=DIM.AGE,
        rows=groups_of(ctx, by_category, CATEGORY_LABELS),
        columns=AGE_COLUMNS,
        row_header="Category of death",
        row_name="category",
        column_name="age_group",
        notes=(pooled_note + " Percentages are of the reviews in each category.",),
    )
    by_modifiable = _counts(ctx, _R.modifiable_factors, MODIFIABLE_LABELS).T
    modifiable = plan_pooled_grid(
        ctx,
        "modifiable_age",
        f"Modifiable factors by age at death, {period}",
        by_modifiable,
        years=pooled,
        row_dim=DIM.AGE,
        column_dim=DIM.MODIFIABLE,
        rows=groups_of(ctx, by_modifiable, _AGE_LABELS, [_AGE_MERGE]),
        columns=groups_of(ctx, by_modifiable, MODIFIABLE_LABELS, [MODIFIABLE_MERGE], axis=1),
        row_header="Age at death",
        row_name="age_group",
        column_name="modifiable_factors",
        notes=(pooled_note + " Percentages are of the reviews in each age group.",),
    )
    # The sentence on modifiable factors: infants against children aged 1 to 17.
    said = []
    for ages, words in ((INFANTS, "infants under one year"), (OLDER, "children aged 1 to 17")):
        yes = int(by_modifiable.loc[list(ages), "yes"].sum())
        total = int(by_modifiable.loc[list(ages)].to_numpy().sum())
        yes_key = ctx.key(MEASURE.REVIEWED, year=pooled, **{DIM.AGE: ages, DIM.MODIFIABLE: "yes"})
        ctx.count(yes_key, yes, f"sentence: reviews of {words} with modifiable factors")
        total_key = ctx.key(MEASURE.REVIEWED, year=pooled, **{DIM.AGE: ages})
        ctx.count(total_key, total, f"sentence: reviews of {words}")
        said.append((words, yes, total, yes_key, total_key))

    def finish() -> Section:
        sentences = _most_common(ctx, categories, period)
        parts = [
            f"{fmt_count(yes)} of the {fmt_count(total)} reviews of {words} "
            f"({fmt_percent(100 * yes / total)})"
            for words, yes, total, yes_key, total_key in said
            if total and not ctx.hidden(yes_key, total_key)
        ]
        if parts:
            opening = (
                "Modifiable factors were"
                if sentences
                else f"Over {period}, modifiable factors were"
            )
            sentences.append(f"{opening} identified in " + " and in ".join(parts) + ".")
        figure = _figure(ctx, modifiable, period)
        return Section(
            "age_groups",
            "Category of death and modifiable factors by age",
            (" ".join(sentences) or "Numbers are too small to describe.",),
            (categories.plan.table(), modifiable.plan.table()),
            () if figure is None else (figure,),
        )

    return finish


def _most_common(ctx: Context, table: PooledGrid, period: str) -> list[str]:
    """The most common category of each age group, where it and its total are shown.

    A category is named only as :func:`sole_leader` allows: the largest count of its
    column (hidden counts included), shown, and not smaller than the hidden ones together.
    """
    grid = table.plan
    assert grid.column_total_keys is not None
    said = []
    for j, codes in enumerate(table.column_codes[:2]):
        if codes not in (INFANTS, OLDER):
            continue
        column = grid.values[:, j]
        total = int(column.sum())
        i = sole_leader(list(column), [ctx.hidden(row[j]) for row in grid.keys])
        if i is None or not total or ctx.hidden(grid.column_total_keys[j]):
            continue
        if ". " not in grid.rows[i]:
            continue  # "Not recorded" is not a category to name
        words = "infants under one year" if codes == INFANTS else "children aged 1 to 17"
        category = grid.rows[i].split(". ", 1)[-1].lower()
        said.append(
            f"the most common category of death of {words} was {category} "
            f"({fmt_count(int(column[i]))} of {fmt_count(total)} reviews, "
            f"{fmt_percent(100 * column[i] / total)})"
        )
    if not said:
        return []
    return [f"Over {period}, " + "; ".join(said) + "."]


def _figure(ctx: Context, table: PooledGrid, period: str) -> ReportFigure | None:
    """Stacked bars: the share of each age group's reviews with modifiable factors."""
    grid = table.plan
    shares = [
        {"age": row, "part": column, "percent": grid.share(i, j)}
        for i, row in enumerate(grid.rows)
        if grid.values[i].sum() > 0  # an age group without reviews has no shares to draw
        for j, column in enumerate(grid.columns)
    ]
    if not shares:
        return None
    plot = pd.DataFrame(shares)
    plot["percent"] = pd.to_numeric(plot["percent"], errors="coerce").astype(float)
    shown_rows = plot.groupby("age", sort=False)["percent"].apply(lambda s: s.notna().any())
    if int(shown_rows.sum()) < 2:
        return None

    def draw(ax: Axes) -> None:
        stacked_shares(plot, "age", "part", "percent", order=list(grid.columns), ax=ax)

    figure = make_figure(
        "modifiable_age",
        f"Modifiable factors by age at death, {period}",
        "Stacked bar chart of the percentage of reviews in each age group with and without "
        "modifiable factors.",
        draw,
        margins=(1.0, 0.5, 0.15, 0.75),
        size=(6.5, 0.35 * len(grid.rows) + 1.3),
    )
    if plot["percent"].isna().any():
        figure = dataclasses.replace(figure, notes=(SHORT_BAR_NOTE,))
    return figure


SECTION = SectionSpec(
    "age_groups",
    "Category of death and modifiable factors by age",
    plan,
    # the tables count the fixed pooled period: every year of it must be in the data
    needs=("pooled_years",),
    pooled=True,
)
