"""Section: modifiable factors by domain and by named factor (pooled years)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cdop import analytics, schema
from cdop.errors import CdopArgumentError
from cdop.plots._charts import horizontal_bars
from cdop.report._figures import make_figure
from cdop.report._model import ReportFigure, Section
from cdop.report._text import fmt_count
from cdop.report.sections._base import (
    TOO_FEW_BARS,
    Context,
    Finish,
    SectionSpec,
    bars_worth_drawing,
)
from cdop.report.sections._cross import Cross, plan_cross

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DIM_DOMAIN", "DIM_FACTOR", "DIM_FACTOR_MODIFIABLE", "SECTION", "plan"]

_F = schema.FACTORS
_O = schema.OUTPUT
#: Column of analytics.factor_reviews: reviews recording the level, modifiable or not.
_RECORDED = "recorded"

#: Characteristics of the counts of this section (keys of published counts).
DIM_DOMAIN = "factor_domain"
DIM_FACTOR = "factor"
DIM_FACTOR_MODIFIABLE = "factor_modifiable"

#: The columns: recorded as modifiable, or not (no, or not stated).
_COLUMNS = {"yes": "Modifiable", "no": "Not modifiable or not stated"}
_DOMAIN_WORDS = {
    "child": "factors intrinsic to the child",
    "social_environment": "the social environment, family and parenting capacity",
    "physical_environment": "the physical environment",
    "service_provision": "service provision",
}


def _code(domain: str, factor: str) -> str:
    return f"{domain}/{factor}"


def _label(domain: str, factor: str) -> str:
    label = schema.FACTOR_LABELS[factor]
    if factor == "other":
        return f"{label} ({schema.FACTOR_DOMAIN_LABELS[domain].lower()})"
    return label


def _grid(data: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Reviews by level and whether modifiable, summed over the pooled years."""
    summed = data.groupby("code", sort=False)[[_RECORDED, _O.numerator]].sum().reindex(codes)
    yes = summed[_O.numerator].to_numpy(dtype=np.int64)
    recorded = summed[_RECORDED].to_numpy(dtype=np.int64)
    return pd.DataFrame({"yes": yes, "no": recorded - yes}, index=codes)


def plan(ctx: Context) -> Finish:
    pooled = ctx.pooled_years
    note = (
        f"Three years pooled ({ctx.pooled_label}, the latest complete period of the fixed "
        "three-year periods from 2008/09) because numbers are small. Factors as recorded "
        "on the analysis form at the panel's review."
    )
    by_domain = analytics.factor_reviews(ctx.ds, "domain", years=pooled)
    if not int(by_domain[_RECORDED].sum()):
        # Nothing to show (no factor recorded in the period): the section is left out.
        raise CdopArgumentError(
            f"factors: no factor of the analysis form is recorded for the reviews of "
            f"{ctx.pooled_label}"
        )
    by_domain = by_domain.assign(code=by_domain[_F.domain].astype(str))
    domain_codes = list(schema.FACTOR_DOMAINS)
    domains = plan_cross(
        ctx,
        "factor_domain",
        f"Reviews recording factors in each domain of the analysis form, {ctx.pooled_label}",
        _grid(by_domain, domain_codes),
        years=pooled,
        row_dim=DIM_DOMAIN,
        column_dim=DIM_FACTOR_MODIFIABLE,
        row_labels=dict(schema.FACTOR_DOMAIN_LABELS),
        column_labels=_COLUMNS,
        row_header="Domain",
        notes=(
            note,
            "Reviews: reviews that recorded at least one factor in the domain; modifiable: "
            "at least one of them recorded as modifiable. Percentages are of the reviews "
            "in each row.",
        ),
        row_name="domain",
        column_name="modifiable",
    )
    by_factor = analytics.factor_reviews(ctx.ds, "factor", years=pooled)
    by_factor = by_factor.assign(
        code=[_code(d, f) for d, f in zip(by_factor[_F.domain], by_factor[_F.factor], strict=True)]
    )
    pairs = list(dict.fromkeys(zip(by_factor[_F.domain], by_factor[_F.factor], strict=True)))
    factor_codes = [_code(d, f) for d, f in pairs]
    factors = plan_cross(
        ctx,
        "factor_named",
        f"Reviews recording each factor, and recording it as modifiable, {ctx.pooled_label}",
        _grid(by_factor, factor_codes),
        years=pooled,
        row_dim=DIM_FACTOR,
        column_dim=DIM_FACTOR_MODIFIABLE,
        row_labels={_code(d, f): _label(d, f) for d, f in pairs},
        column_labels=_COLUMNS,
        row_header="Factor",
        notes=(
            note,
            "Factors in the order of the analysis form, by domain; factors no review "
            "recorded are not listed. Percentages are of the reviews recording the factor.",
        ),
        row_name="factor",
        column_name="modifiable",
    )
    threshold = ctx.disclosure.rules.threshold

    def finish() -> Section:
        sentences = []
        listed = _visible_yes(ctx, domains)
        if listed:
            parts = [f"{_DOMAIN_WORDS[code]} ({fmt_count(n)})" for code, n in listed]
            joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            sentences.append(
                f"Over {ctx.pooled_label}, the number of reviews that recorded a modifiable "
                f"factor in each domain was: {joined}. A review can record modifiable "
                "factors in several domains."
            )
        top = _top_factors(ctx, factors, threshold)
        if top:
            names = [
                f"{_label(*code.split('/', 1)).lower()} ({fmt_count(n)} reviews)" for code, n in top
            ]
            sentences.append(
                "The modifiable factors recorded in the most reviews were "
                + ", ".join(names[:-1])
                + " and "
                + names[-1]
                + "."
            )
        values = [
            np.nan if ctx.hidden(factors.cell_key(code, "yes")) else float(n)
            for code, n in zip(factors.grid.index, factors.grid["yes"], strict=True)
        ]
        plot = pd.DataFrame(
            {
                "factor": [_label(*str(c).split("/", 1)) for c in factors.grid.index],
                "n": values,
            }
        )

        def draw(ax: Axes) -> None:
            horizontal_bars(
                plot,
                "factor",
                "n",
                xlabel=f"Reviews recording the factor as modifiable, {ctx.pooled_label}",
                marker=ctx.disclosure.marker,
                ax=ax,
            )

        drawn = bars_worth_drawing(values)
        figures: tuple[ReportFigure, ...] = ()
        if drawn:
            figure = make_figure(
                "factor_named",
                f"Reviews recording each factor as modifiable, {ctx.pooled_label}",
                "Horizontal bar chart of the number of reviews that recorded each factor of the "
                "analysis form as modifiable; hidden counts are marked.",
                draw,
                margins=(3.0, 0.5, 0.25, 0.2),
                size=(6.5, 0.3 * len(plot) + 0.9),
            )
            figures = (figure,)
        else:
            sentences.append(TOO_FEW_BARS)
        return Section(
            "factors",
            "Modifiable factors",
            (" ".join(sentences) or "Numbers are too small to describe.",),
            (domains.plan.table(), factors.plan.table()),
            figures,
        )

    return finish


def _visible_yes(ctx: Context, table: Cross) -> list[tuple[str, int]]:
    """(row code, count) of the rows whose "modifiable" count is shown."""
    return [
        (str(code), int(n))
        for code, n in zip(table.grid.index, table.grid["yes"], strict=True)
        if not ctx.hidden(table.cell_key(str(code), "yes"))
    ]


def _top_factors(ctx: Context, table: Cross, threshold: int) -> list[tuple[str, int]]:
    """The three factors recorded as modifiable in the most reviews, when that can be
    said: all three shown, clearly ahead of the fourth, and each above the threshold by
    more than one (so the claim bounds no hidden count to a small number)."""
    ranked = sorted(
        ((int(n), str(code)) for code, n in zip(table.grid.index, table.grid["yes"], strict=True)),
        key=lambda item: -item[0],
    )
    if len(ranked) < 3:
        return []
    top = ranked[:3]
    fourth = ranked[3][0] if len(ranked) > 3 else 0
    if top[-1][0] <= fourth or top[-1][0] < threshold + 2:
        return []
    if any(ctx.hidden(table.cell_key(code, "yes")) for _, code in top):
        return []
    return [(code, n) for n, code in top]


SECTION = SectionSpec(
    "factors",
    "Modifiable factors",
    plan,
    # the tables count the fixed pooled period: every year of it must be in the data
    ("factors", "pooled_years"),
    pooled=True,
)
