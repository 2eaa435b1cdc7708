"""Section: neonatal deaths by gestation and birthweight, and the neonatal mortality rate."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final, cast

import numpy as np
import pandas as pd

from cdop import analytics, schema
from cdop.analytics._infancy import NEONATAL_GROUP
from cdop.disclosure import CellKey
from cdop.errors import CdopArgumentError
from cdop.plots._charts import rate_lines
from cdop.report._figures import make_figure
from cdop.report._model import ReportFigure, ReportTable, Section
from cdop.report._text import fmt_count, fmt_interval, fmt_percent, fmt_rate
from cdop.report._tidy import RATE_NUMBERS, rate_record, tidy_frame, with_start_year
from cdop.report.sections._base import (
    DIM,
    MEASURE,
    NOT_RECORDED,
    NOT_RECORDED_CODE,
    Context,
    Finish,
    GridPlan,
    SectionSpec,
    plan_grid,
    rate_cell,
    rate_notes,
)
from cdop.report.sections._needs import Need
from cdop.report.sections.infant import calendar_years

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cdop.analytics import NeonatalBand

__all__ = ["DIM_BIRTHWEIGHT", "DIM_GESTATION", "SECTION", "plan"]

_N = schema.NOTIFICATIONS
_D = schema.DERIVED
_O = schema.OUTPUT

#: Characteristics of the counts of this section (keys of published counts).
DIM_GESTATION = "gestation_band"
DIM_BIRTHWEIGHT = "birthweight_band"

#: The national figures shipped hold no neonatal mortality rate for England.
NO_ENGLAND = (
    "No England neonatal mortality rate is among the national figures shipped with cdop, "
    "so the rate is not compared with England."
)


def _known(births: object) -> int:
    """Live births of a period; none in the births table is printed as 0."""
    return 0 if pd.isna(births) else int(births)  # type: ignore[call-overload]


def _plan_bands(
    ctx: Context, band: str, dim: str, labels: tuple[str, ...], table_id: str, title: str
) -> tuple[GridPlan, pd.Series]:
    pooled = ctx.pooled_years
    data = analytics.neonatal_bands(ctx.ds, cast("NeonatalBand", band), years=pooled)
    column = _D.gestation_band if band == "gestation" else _D.birthweight_band
    code = [v if isinstance(v, str) else NOT_RECORDED_CODE for v in data[column].astype(object)]
    codes = [*labels, NOT_RECORDED_CODE]
    counts = (
        data.assign(code=code)
        .groupby("code", sort=False)[_O.numerator]
        .sum()
        .reindex(codes, fill_value=0)
    )
    ctx.counts.universe(dim, codes)
    rows = [label if label != NOT_RECORDED_CODE else NOT_RECORDED for label in codes]
    grid = pd.DataFrame({ctx.pooled_label: counts.to_numpy(dtype=np.int64)}, index=rows)
    base = {DIM.AGE: NEONATAL_GROUP}
    keys = [[ctx.key(MEASURE.REVIEWED, year=pooled, **base, **{dim: c})] for c in codes]
    plan = plan_grid(
        ctx,
        table_id,
        title,
        grid,
        keys=keys,
        column_total_keys=[ctx.key(MEASURE.REVIEWED, year=pooled, **base)],
        row_header="Gestation at birth" if band == "gestation" else "Birthweight",
        total_row="Total",
        percent="column",
        notes=(
            f"Three years pooled ({ctx.pooled_label}) because numbers are small. Neonatal "
            "deaths: deaths at 0-27 days, reviewed in the period. "
            + ("Gestation in completed weeks." if band == "gestation" else "Birthweight in grams.")
            + " Not recorded: the supplementary form's value is missing.",
        ),
        row_name=column,
        column_name="year",
        silent_rows=[NOT_RECORDED] if not counts[NOT_RECORDED_CODE] else [],
    )
    return plan, counts


def plan(ctx: Context) -> Finish:
    check = analytics.neonatal_bands(ctx.ds, "gestation", years=ctx.pooled_years)
    if not int(check[_O.numerator].sum()):
        raise CdopArgumentError(f"neonatal: no neonatal death was reviewed in {ctx.pooled_label}")
    gestation, gestation_counts = _plan_bands(
        ctx,
        "gestation",
        DIM_GESTATION,
        schema.GESTATION_BANDS,
        "neonatal_gestation",
        f"Neonatal deaths reviewed by gestation at birth, {ctx.pooled_label}",
    )
    weight, _ = _plan_bands(
        ctx,
        "birthweight",
        DIM_BIRTHWEIGHT,
        schema.BIRTHWEIGHT_BANDS,
        "neonatal_birthweight",
        f"Neonatal deaths reviewed by birthweight, {ctx.pooled_label}",
    )
    total_key = ctx.key(MEASURE.REVIEWED, year=ctx.pooled_years, **{DIM.AGE: NEONATAL_GROUP})
    rates = _plan_rates(ctx)

    def finish() -> Section:
        sentences = []
        n_total = int(gestation_counts.sum())
        preterm = ["Under 24 weeks", "24-27 weeks"]
        keys = [gestation.keys[gestation.rows.index(b)][0] for b in preterm]
        if not ctx.hidden(total_key, *keys):
            n = int(gestation_counts[preterm].sum())
            sentences.append(
                f"Of the {fmt_count(n_total)} neonatal deaths reviewed over "
                f"{ctx.pooled_label}, {fmt_count(n)} ({fmt_percent(100 * n / n_total)}) "
                "were of babies born before 28 weeks of gestation (extremely preterm)."
            )
        tables: list[ReportTable] = [gestation.table(), weight.table()]
        figures: list[ReportFigure] = []
        if rates is not None:
            table, sentence, figure = rates()
            tables.append(table)
            figures.append(figure)
            sentences.append(sentence)
        else:
            sentences.append(
                "The neonatal mortality rate is not included (the chapter's last section "
                "says what data would add it)."
            )
        return Section(
            "neonatal",
            "Neonatal deaths",
            (" ".join(s for s in sentences if s),),
            tuple(tables),
            tuple(figures),
        )

    return finish


_Rates = Callable[[], tuple[ReportTable, str, ReportFigure]]


def _plan_rates(ctx: Context) -> _Rates | None:
    """Register the deaths behind the neonatal mortality rates; None (the part left out,
    with what data would add it) without births or enough complete calendar years."""
    missing = ctx.unmet("births", "calendar_pool")
    if missing:
        ctx.leave_out("neonatal_mortality", "Neonatal mortality rate", missing)
        return None
    try:
        rates = analytics.infant_mortality(ctx.ds, by=None, measure="neonatal", pool=ctx.pool)
    except CdopArgumentError as exc:  # the data's years, as the analytics count them
        reason = {"": f"data it could not use ({exc})"}
        ctx.leave_out("neonatal_mortality", "Neonatal mortality rate", reason)
        return None
    rates = rates.assign(**{_O.period: rates[_O.period].astype(str)})
    periods = list(dict.fromkeys(rates[_O.period]))[-ctx.years_shown :]
    rates = rates[rates[_O.period].isin(periods)].reset_index(drop=True)
    if rates.empty:
        return None
    keys: list[CellKey] = []
    for record in rates.to_dict("records"):
        key = ctx.key(
            MEASURE.INFANT_DEATHS_CALENDAR,
            year=calendar_years(record[_O.period]),
            **{DIM.AGE: NEONATAL_GROUP},
        )
        keys.append(key)
        ctx.count(key, int(record[_O.numerator]), f"table neonatal_mortality: {record[_O.period]}")

    def finish() -> tuple[ReportTable, str, ReportFigure]:
        marker = ctx.disclosure.marker
        statuses = [
            ctx.rate_status(k, float(d)) for k, d in zip(keys, rates[_O.numerator], strict=True)
        ]
        rows = []
        tidy = []
        for record, key, status in zip(rates.to_dict("records"), keys, statuses, strict=True):
            deaths = marker if ctx.hidden(key) else fmt_count(int(record[_O.numerator]))
            births = fmt_count(_known(record[_O.denominator]))
            rate = rate_cell(
                record[_O.value], record[_O.lower_ci], record[_O.upper_ci], status, marker
            )
            rows.append((record[_O.period], deaths, births, rate))
            tidy.append(
                {
                    _O.period: record[_O.period],
                    **rate_record(
                        count=int(record[_O.numerator]),
                        count_hidden=ctx.hidden(key),
                        denominator=_known(record[_O.denominator]),
                        value=record[_O.value],
                        lower=record[_O.lower_ci],
                        upper=record[_O.upper_ci],
                        status=status,
                        statistic="rate per 1000",
                        flag=ctx.disclosure.rules.unreliable_flag,
                    ),
                }
            )
        table = ReportTable(
            "neonatal_mortality",
            f"Neonatal mortality rate per 1,000 live births, {ctx.pool}-year periods",
            ("Period", "Neonatal deaths", "Live births", "Rate per 1,000 live births"),
            tuple(rows),
            with_start_year(
                tidy_frame(tidy, counts=[_O.numerator, _O.denominator], numbers=RATE_NUMBERS),
                _O.period,
            ),
            notes=(
                "Neonatal deaths: deaths at 0-27 days, by calendar year of death, over the "
                "live births of the same years. Rate per 1,000 live births (95% confidence "
                "interval): exact Poisson below 10 deaths, Byar's method from 10.",
                NO_ENGLAND,
                *rate_notes(ctx, statuses),
            ),
        )
        last = rates.iloc[-1]
        sentence = ""
        if statuses[-1] != "suppressed":
            sentence = (
                f"In the calendar years {last[_O.period]} (all neonatal deaths, by date of "
                f"death, not only those reviewed), neonatal mortality was "
                f"{fmt_rate(last[_O.value])} per 1,000 live births "
                f"(95% CI {fmt_interval(last[_O.lower_ci], last[_O.upper_ci])}). " + NO_ENGLAND
            )
        plot = rates.copy()
        hide = np.array([s == "suppressed" for s in statuses], dtype=bool)
        plot.loc[hide, [_O.value, _O.lower_ci, _O.upper_ci]] = np.nan

        def draw(ax: Axes) -> None:
            rate_lines(
                plot,
                _O.period,
                None,
                _O.value,
                _O.lower_ci,
                _O.upper_ci,
                ylabel="Neonatal deaths per 1,000 live births",
                series_label="All areas",
                ax=ax,
            )

        figure = make_figure(
            "neonatal_mortality",
            f"Neonatal mortality rate, {ctx.pool}-year periods",
            "Line chart of the neonatal mortality rate per 1,000 live births over time, with "
            "its 95% confidence band.",
            draw,
            margins=(0.6, 0.45, 1.2, 0.1),
        )
        return table, sentence, figure

    return finish


def _neonatal_fields(ctx: Context) -> str | None:
    notes = ctx.ds.notifications
    fields = (_N.gestation_weeks, _N.birthweight_grams)
    if any(f in notes.columns and bool(notes[f].notna().any()) for f in fields):
        return None
    return (
        "the gestation (gestation_weeks) or birthweight (birthweight_grams) of the "
        "neonatal deaths in the notifications"
    )


#: The section's own need: gestation or birthweight.
NEONATAL_FIELDS: Final = Need("neonatal_fields", _neonatal_fields)

SECTION = SectionSpec(
    "neonatal",
    "Neonatal deaths",
    plan,
    # the band tables count the fixed pooled period: every year of it must be in the data
    needs=("pooled_years", NEONATAL_FIELDS),
    pooled=True,
)
