"""Section: child mortality rate per 100,000 children aged 0-17."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cdop import analytics, schema
from cdop.plots._charts import rate_lines
from cdop.report._figures import make_figure
from cdop.report._model import ReportTable, Section
from cdop.report._text import fmt_count, fmt_interval, fmt_rate, national_source_note
from cdop.report._tidy import RATE_NUMBERS, rate_record, tidy_frame, with_start_year
from cdop.report.sections._base import (
    MEASURE,
    VERDICT,
    Context,
    Finish,
    SectionSpec,
    england_cell,
    england_comparison,
    rate_cell,
    rate_notes,
    span,
    versus,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SECTION", "plan"]

_O = schema.OUTPUT


#: The population cell of a year the population table does not cover.
_GIVEN_NONE = "not given"


def _known(children: object) -> int:
    """Children of the population table; none given for a year is printed as 0."""
    return 0 if pd.isna(children) else int(children)  # type: ignore[call-overload]


def plan(ctx: Context) -> Finish:
    years = ctx.last(ctx.years_shown)
    rates = ctx.yearly(analytics.child_mortality, years=years)
    rates = rates.assign(**{_O.period: rates[_O.period].astype(str)})
    keys = []
    for record in rates.to_dict("records"):
        label = str(record[_O.period])
        key = ctx.key(MEASURE.DEATHS, year=label)
        ctx.count(key, int(record[_O.numerator]), f"table child_mortality: {label} / deaths")
        keys.append(key)

    def finish() -> Section:
        # Compared with England only when written: planning registers the counts alone.
        cmp = england_comparison(rates, "child_mortality_rate")
        marker = ctx.disclosure.marker
        status = [
            ctx.rate_status(k, float(d)) for k, d in zip(keys, cmp[_O.numerator], strict=True)
        ]
        rows = []
        tidy: list[dict[str, Any]] = []
        for r, s, key in zip(cmp.to_dict("records"), status, keys, strict=True):
            hidden = s == "suppressed"
            count_hidden = ctx.hidden(key)
            comparison = (
                "–" if hidden or pd.isna(r["comparison_95"]) else VERDICT[str(r["comparison_95"])]
            )
            england = england_cell(r, fmt_rate, context=False)
            rows.append(
                (
                    r[_O.period],
                    marker if count_hidden else fmt_count(r[_O.numerator]),
                    _GIVEN_NONE
                    if pd.isna(r[_O.denominator])
                    else fmt_count(_known(r[_O.denominator])),
                    rate_cell(r[_O.value], r[_O.lower_ci], r[_O.upper_ci], s, marker),
                    england,
                    comparison,
                )
            )
            like = bool(r["like_for_like"])
            tidy.append(
                {
                    _O.period: r[_O.period],
                    **rate_record(
                        count=int(r[_O.numerator]),
                        count_hidden=count_hidden,
                        denominator=_known(r[_O.denominator]),
                        value=r[_O.value],
                        lower=r[_O.lower_ci],
                        upper=r[_O.upper_ci],
                        status=s,
                        statistic="rate per 100000",
                        flag=ctx.disclosure.rules.unreliable_flag,
                    ),
                    _O.national_value: r["national_value"] if like else None,
                    _O.national_period: r["national_period"] if like else "",
                    "comparison_95": ""
                    if hidden or pd.isna(r["comparison_95"])
                    else str(r["comparison_95"]),
                }
            )
        tested = cmp[cmp["like_for_like"].astype(bool)]
        notes = [
            "Deaths in the year by date of death (not by date of notification) per 100,000 "
            "resident children aged 0-17 (mid-year population).",
            national_source_note(tested.to_dict("records"))
            or "England: no national rate of the same definition is published for these years.",
            "Compared with England: the 95% interval of the local rate (exact Poisson below 10 "
            "deaths, Byar's method from 10) lies wholly above (significantly higher) or below "
            "(significantly lower) England's rate for the same year, or includes it (similar).",
            *rate_notes(ctx, status),
        ]
        if any(ctx.hidden(k) for k in keys):
            notes.append(ctx.disclosure.note(hidden_counts=True))
        table = ReportTable(
            "child_mortality",
            f"Child mortality rate per 100,000 children aged 0-17, {span(years)}",
            (
                "Year",
                "Deaths",
                "Children aged 0-17",
                "Rate (95% CI)",
                "England",
                "Compared with England",
            ),
            tuple(rows),
            with_start_year(
                tidy_frame(tidy, counts=[_O.numerator, _O.denominator], numbers=RATE_NUMBERS),
                _O.period,
            ),
            notes=tuple(dict.fromkeys(notes)),
        )
        sentences = []
        last = cmp.iloc[-1]
        if pd.isna(last[_O.denominator]) or _known(last[_O.denominator]) == 0:
            # a rate of no children is no rate: say why rather than print "–"
            sentences.append(
                f"The population table gives no children for {ctx.label}, so its child "
                "mortality rate cannot be worked out; add that year's child population to "
                "the population table to print it."
            )
        elif status[-1] != "suppressed":
            sentences.append(
                f"In {ctx.label} the child mortality rate was {fmt_rate(last[_O.value])} per "
                f"100,000 children (95% CI {fmt_interval(last['lower_ci'], last['upper_ci'])})"
                + versus(last, fmt_rate)
                + "."
            )
        plot = cmp.copy()
        plot.loc[np.array(status) == "suppressed", [_O.value, _O.lower_ci, _O.upper_ci]] = np.nan
        # England only at the years it has a rate of the same definition and period.
        bench = {
            str(y): float(v)
            for y, v in zip(tested[_O.period], tested["national_value"], strict=True)
        }

        def draw(ax: Axes) -> None:
            rate_lines(
                plot,
                _O.period,
                None,
                _O.value,
                _O.lower_ci,
                _O.upper_ci,
                ylabel="Deaths per 100,000 children",
                benchmark=bench or None,
                benchmark_label="England (same year)",
                series_label="Panel",
                ax=ax,
            )

        figure = make_figure(
            "child_mortality",
            f"Child mortality rate, {span(years)}",
            "Line chart of the child mortality rate with its 95% confidence band, and "
            "England's rate marked at the years for which it is published.",
            draw,
            margins=(0.6, 0.45, 1.75, 0.1),
        )
        return Section(
            "child_mortality", "Child mortality", (" ".join(sentences),), (table,), (figure,)
        )

    return finish


SECTION = SectionSpec("child_mortality", "Child mortality", plan, ("population",))
