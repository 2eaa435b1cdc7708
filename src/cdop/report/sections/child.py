"""Section: child mortality rate per 100,000 children aged 0-17."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cdop import analytics
from cdop.plots._charts import rate_lines
from cdop.report._figures import make_figure
from cdop.report._model import ReportTable, Section
from cdop.report._text import fmt_count, fmt_interval, fmt_rate
from cdop.report.sections._base import (
    MEASURE,
    VERDICT,
    Context,
    Finish,
    SectionSpec,
    rate_cell,
    rate_notes,
    versus,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SECTION", "plan"]


def plan(ctx: Context) -> Finish:
    years = ctx.last(ctx.years_shown)
    rates = analytics.child_mortality(ctx.ds, years=years)
    rates = rates.assign(year=rates["year"].astype(str))
    cmp = analytics.compare_national(rates, "child_mortality_rate")
    keys = []
    for record in cmp.to_dict("records"):
        key = ctx.key(MEASURE.DEATHS, year=str(record["year"]))
        ctx.count(key, int(record["deaths"]), f"table child_mortality: {record['year']} / deaths")
        keys.append(key)

    def finish() -> Section:
        marker = ctx.disclosure.marker
        status = [ctx.rate_status(k, float(d)) for k, d in zip(keys, cmp["deaths"], strict=True)]
        rows = []
        tidy: list[dict[str, Any]] = []
        for r, s, key in zip(cmp.to_dict("records"), status, keys, strict=True):
            hidden = s == "suppressed"
            count_hidden = ctx.hidden(key)
            comparison = (
                "–" if hidden or pd.isna(r["comparison_95"]) else VERDICT[str(r["comparison_95"])]
            )
            england = (
                "–"
                if pd.isna(r["national_value"])
                else f"{fmt_rate(r['national_value'])} ({r['national_period']})"
            )
            rows.append(
                (
                    r["year"],
                    marker if count_hidden else fmt_count(r["deaths"]),
                    fmt_count(r["population"]),
                    rate_cell(r["rate"], r["lower_ci"], r["upper_ci"], s, marker),
                    england,
                    comparison,
                )
            )
            tidy.append(
                {
                    "year": r["year"],
                    "deaths": marker if count_hidden else int(r["deaths"]),
                    "population": int(r["population"]),
                    "rate_per_100000": "" if hidden else f"{r['rate']:.3f}",
                    "lower_ci": "" if hidden else f"{r['lower_ci']:.3f}",
                    "upper_ci": "" if hidden else f"{r['upper_ci']:.3f}",
                    "flag": "u" if s == "unreliable" else "",
                    "england_rate": r["national_value"],
                    "england_period": r["national_period"],
                    "comparison_95": ""
                    if hidden or pd.isna(r["comparison_95"])
                    else str(r["comparison_95"]),
                }
            )
        notes = [
            "Deaths notified in the year per 100,000 resident children aged 0-17 "
            "(mid-year population).",
            "England: the latest national rate for the same or an earlier year.",
            *rate_notes(ctx, status),
        ]
        if any(ctx.hidden(k) for k in keys):
            notes.append(ctx.disclosure.note(hidden_counts=True))
        table = ReportTable(
            "child_mortality",
            f"Child mortality rate per 100,000 children aged 0-17, {years[0]} to {years[-1]}",
            (
                "Year",
                "Deaths",
                "Children aged 0-17",
                "Rate (95% CI)",
                "England",
                "Compared with England",
            ),
            tuple(rows),
            pd.DataFrame(tidy),
            notes=tuple(dict.fromkeys(notes)),
        )
        sentences = []
        last = cmp.iloc[-1]
        if status[-1] != "suppressed":
            sentences.append(
                f"In {ctx.label} the child mortality rate was {fmt_rate(last['rate'])} per "
                f"100,000 children (95% CI {fmt_interval(last['lower_ci'], last['upper_ci'])})"
                + versus(last, fmt_rate)
                + "."
            )
        plot = cmp.copy()
        plot.loc[np.array(status) == "suppressed", ["rate", "lower_ci", "upper_ci"]] = np.nan
        bench = (
            float(cmp["national_value"].dropna().iloc[-1])
            if cmp["national_value"].notna().any()
            else None
        )
        bench_period = str(cmp["national_period"].dropna().iloc[-1]) if bench is not None else ""

        def draw(ax: Axes) -> None:
            rate_lines(
                plot,
                "year",
                None,
                "rate",
                "lower_ci",
                "upper_ci",
                ylabel="Deaths per 100,000 children",
                benchmark=bench,
                benchmark_label=f"England {bench_period}",
                series_label="Panel (95% CI shaded)",
                ax=ax,
            )

        figure = make_figure(
            "child_mortality",
            f"Child mortality rate, {years[0]} to {years[-1]}",
            "Line chart of the child mortality rate with its 95% confidence band and the "
            "England rate.",
            draw,
            margins=(0.6, 0.45, 1.75, 0.1),
        )
        return Section(
            "child_mortality", "Child mortality", (" ".join(sentences),), (table,), (figure,)
        )

    return finish


SECTION = SectionSpec("child_mortality", "Child mortality", plan, ("population",))
