"""Section: how long reviews take (duration bands, and reviews within 6 and 12 months).

One table of duration bands: fine bands that add up to the national bands (under 6
months, 6 to 12 months to the day, over 12 months to the day), so the panel's own detail
and the national comparison are read from the same rows.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cdop import analytics, schema
from cdop.analytics._durations import NATIONAL_BANDS, Band
from cdop.plots._charts import stacked_shares
from cdop.report._figures import make_figure
from cdop.report._model import ReportTable, Section
from cdop.report._text import (
    excel_round,
    fmt_count,
    fmt_interval,
    fmt_percent,
    national_source_note,
)
from cdop.report._tidy import tidy_frame, with_start_year
from cdop.report.sections._base import (
    DIM,
    MEASURE,
    MONTH_LEVELS,
    SHORT_BAR_NOTE,
    VERDICT,
    WITHIN_LEVELS,
    Context,
    Finish,
    GridPlan,
    SectionSpec,
    band_levels,
    count_grid,
    england_cell,
    england_comparison,
    plan_grid,
    span,
    versus,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cdop.disclosure import CellKey

__all__ = ["SECTION", "plan"]

_O = schema.OUTPUT

#: The timeliness measures: column of review_timeliness, label, indicator, band, months.
_TIMELINESS = (
    ("within_6_months", "Completed in under 6 months", "review_duration_band", "Under 6 months", 5),
    (
        "within_12_months",
        "Completed within 12 months (to the day)",
        "reviews_within_12_months",
        None,
        11,
    ),
)
#: The chapter's bands: finer than the national ones, and adding up to them (6-7, 8-9
#: and 10 to 12 months make the national "6 to 12 months").
CHAPTER_BANDS: tuple[Band, ...] = (
    Band("Under 6 months", 0, 5),
    Band("6-7 months", 6, 7),
    Band("8-9 months", 8, 9),
    Band("10 to 12 months", 10, 12, True),
    Band("Over 12 months", 13, None),
)
#: What the bands count, in the words of the table.
_BAND_NOTE = (
    "Duration from notification to the panel's review. Under 6 months: fewer than 6 complete "
    "months; 6-7 and 8-9 months: complete months; 10 to 12 months: from 10 months up to 12 "
    "months to the day; over 12 months: more than 12 months to the day (a review taking 12 "
    "months and 20 days is over 12 months). The national bands are under 6 months, 6 to 12 "
    "months (the three middle rows together) and over 12 months."
)


def _england_shares(latest: pd.DataFrame, order: list[str]) -> list[str]:
    """England's share of reviews in each national band, as printed."""
    return [fmt_percent(v) for v in latest["national_value"].reindex(order)]


def _band_grid(
    ctx: Context,
    bands: tuple[Band, ...],
    years: list[str],
    table_id: str,
    title: str,
    **options: Any,
) -> tuple[GridPlan, pd.DataFrame]:
    data = ctx.yearly(analytics.review_durations, bands, years=years)
    order = [b.label for b in bands]
    grid = count_grid(data, _O.band, _O.period, _O.numerator, order, years)
    months = band_levels(bands)
    keys = [
        [ctx.key(MEASURE.REVIEWED, year=y, **{DIM.MONTHS: months[b]}) for y in years] for b in order
    ]
    plan = plan_grid(
        ctx,
        table_id,
        title,
        grid,
        keys=keys,
        column_total_keys=[ctx.key(MEASURE.REVIEWED, year=y) for y in years],
        row_header="Duration",
        total_row="Total reviews",
        percent="column",
        row_name="band",
        **options,
    )
    return plan, data


def _england_bands(ctx: Context, years: list[str]) -> str:
    """The note giving England's shares of reviews in the national bands for the year."""
    national = ctx.yearly(analytics.review_durations, "national", years=years)
    compared = england_comparison(national, "review_duration_band")
    latest = compared[compared[_O.period].astype(str) == ctx.label]
    latest = latest[latest["like_for_like"].astype(bool)].set_index("band")
    order = [b.label for b in NATIONAL_BANDS]
    source = national_source_note(latest.to_dict("records"))
    if len(latest):
        shares = ", ".join(
            f"{band.lower()} {value}"
            for band, value in zip(order, _england_shares(latest, order), strict=True)
        )
        return f"England {ctx.label}: {shares}. {source}"
    return (
        f"England: no national figure of the same definition is published for "
        f"{ctx.label}, so none is shown."
    )


def plan(ctx: Context) -> Finish:
    years = ctx.last(3)
    ctx.counts.universe(DIM.MONTHS, MONTH_LEVELS)
    # The comparisons with England are worked out when the section is written: planning
    # registers the counts alone (each earlier year's counts are planned, never written).
    detail, _ = _band_grid(
        ctx,
        CHAPTER_BANDS,
        years,
        "review_durations",
        f"Reviews completed by time from notification to review, {span(years)}",
        notes=(_BAND_NOTE,),
    )
    timely = ctx.yearly(analytics.review_timeliness, years=[ctx.label])
    total = int(timely["reviews"].iloc[0])
    total_key = ctx.key(MEASURE.REVIEWED, year=ctx.label)
    ctx.count(total_key, total, "sentence: reviews completed")
    planned = []
    for column, label, indicator, level, top in _TIMELINESS:
        key = ctx.key(MEASURE.REVIEWED, year=ctx.label, **{DIM.MONTHS: WITHIN_LEVELS[top + 1]})
        ctx.count(key, int(timely[column].iloc[0]), f"table review_timeliness: {label}")
        planned.append((column, label, indicator, level, key))

    def compared() -> list[tuple[str, str, Any, CellKey]]:
        measures = []
        for column, label, indicator, level, key in planned:
            local = timely
            if level is not None:
                local = local.assign(band=level)
            row = england_comparison(local, indicator, x=column, n="reviews").iloc[0]
            measures.append((column, label, row, key))
        return measures

    def finish() -> Section:
        nonlocal detail
        detail = dataclasses.replace(detail, notes=(*detail.notes, _england_bands(ctx, years)))
        measures = compared()
        # England's columns only when England gives a figure (tested or as context): two
        # columns of dashes under "compared with England" would promise what is not there.
        with_england = any(pd.notna(row["national_value"]) for _, _, row, _ in measures)
        rows: list[tuple[str, ...]] = []
        tidy_rows: list[dict[str, Any]] = []
        sentences: list[str] = []
        marker = ctx.disclosure.marker
        for column, label, row, key in measures:
            n = int(row[column])
            # a percentage needs both counts; the count alone is printed where only the
            # year's reviews are hidden (as the table of durations prints it)
            hidden = ctx.hidden(key, total_key)
            count_hidden = ctx.hidden(key)
            pct, lo, hi = (
                row[f"{column}_{_O.value}"],
                row[f"{column}_lower_ci"],
                row[f"{column}_upper_ci"],
            )
            label_95 = str(row["comparison_95"]) if pd.notna(row["comparison_95"]) else None
            shown = (
                [marker if count_hidden else f"{fmt_count(n)} of {marker}", marker, marker]
                if hidden
                else [
                    f"{fmt_count(n)} of {fmt_count(total)}",
                    fmt_percent(pct),
                    fmt_interval(lo, hi, percent=True),
                ]
            )
            comparison = "–" if hidden or label_95 is None else VERDICT[label_95]
            england = england_cell(row, fmt_percent)
            rows.append((label, *shown, *((england, comparison) if with_england else ())))
            total_hidden = ctx.hidden(total_key)
            tidy_rows.append(
                {
                    _O.measure: column,
                    _O.period: ctx.label,
                    _O.numerator: None if count_hidden else n,
                    _O.denominator: None if total_hidden else total,
                    _O.value: None if hidden else excel_round(pct, 1),
                    _O.lower_ci: None if hidden else excel_round(lo, 1),
                    _O.upper_ci: None if hidden else excel_round(hi, 1),
                    _O.statistic: "percentage",
                    _O.national_value: row["national_value"],
                    _O.national_period: row["national_period"],
                    "like_for_like": bool(row["like_for_like"]),
                    "comparison_95": "" if hidden else (label_95 or ""),
                    "comparison_99_8": ""
                    if hidden or pd.isna(row["comparison_99_8"])
                    else str(row["comparison_99_8"]),
                    "p_value": None if hidden else round(float(row["p_value"]), 4),
                    _O.suppressed: hidden,
                }
            )
            if not hidden:
                sentences.append(
                    f"{fmt_percent(pct)} of reviews ({fmt_count(n)} of {fmt_count(total)}) were "
                    f"{label[0].lower() + label[1:]} (95% CI "
                    f"{fmt_interval(lo, hi, percent=True)})" + versus(row, fmt_percent) + "."
                )
        notes = [
            "Under 6 months: fewer than 6 complete months from notification; within 12 "
            "months: at most 12 months to the day (12 months and 20 days is not within 12 "
            "months).",
        ]
        if with_england:
            notes.append(
                "Compared with England, only where England's figure has the same definition "
                "and period: the 95% Wilson interval of the local percentage lies wholly above "
                "(significantly higher) or below (significantly lower) the national figure, or "
                "includes it (similar). The p-value of the same test (the score test) is in the "
                "CSV table."
            )
        cited = national_source_note([row for _, _, row, _ in measures])
        notes.append(
            cited
            or f"England: no national figure of the same definition is published for "
            f"{ctx.label}, so there is no comparison."
        )
        if any(r[_O.suppressed] for r in tidy_rows):
            notes.append(ctx.disclosure.note(hidden_counts=True))
        timeliness = ReportTable(
            "review_timeliness",
            f"Reviews completed in under 6 months and within 12 months, {ctx.label}"
            + (", compared with England" if with_england else ""),
            (
                "Measure",
                "Reviews",
                "Percentage",
                "95% CI",
                *(("England", "Compared with England") if with_england else ()),
            ),
            tuple(rows),
            with_start_year(
                tidy_frame(
                    tidy_rows,
                    counts=[_O.numerator, _O.denominator],
                    numbers={
                        _O.value: 1,
                        _O.lower_ci: 1,
                        _O.upper_ci: 1,
                        _O.national_value: 1,
                        "p_value": 4,
                    },
                ),
                _O.period,
            ),
            notes=tuple(notes),
        )
        intro = (
            f"In {ctx.label} the panel completed {fmt_count(total)} reviews. "
            if not ctx.hidden(total_key)
            else ""
        )
        plot = pd.DataFrame(
            [
                {"year": y, "band": b, "percent": detail.share(i, j)}
                for i, b in enumerate(detail.rows)
                for j, y in enumerate(detail.columns)
            ]
        )
        plot["percent"] = plot["percent"].astype(float)
        plot.loc[plot["percent"].isna(), "percent"] = np.nan

        def draw(ax: Axes) -> None:
            stacked_shares(plot, "year", "band", "percent", order=list(detail.rows), ax=ax)

        figure = make_figure(
            "review_durations",
            f"Reviews completed by time from notification to review, {span(years)}",
            "Stacked bar chart of the percentage of reviews in each duration band per year.",
            draw,
            margins=(0.75, 0.5, 0.15, 0.75),
            size=(6.5, 2.6),
        )
        if plot["percent"].isna().any():
            figure = dataclasses.replace(figure, notes=(SHORT_BAR_NOTE,))
        return Section(
            "review_durations",
            "How long reviews take",
            ((intro + " ".join(sentences)).strip(),),
            (detail.table(), timeliness),
            (figure,),
        )

    return finish


SECTION = SectionSpec("review_durations", "How long reviews take", plan)
