"""Section: review progress (time from death to review, open cases, delays, the backlog).

Disclosure rules of this section
--------------------------------
- Every count printed (reviews by band, open cases by how long open, reviews by reason
  for delay, and their totals) is registered in the chapter's one disclosure pass.
- The median and quartiles of the time from death to review describe individual
  children (with few reviews, a quartile *is* one child's duration, and so dates). They
  are printed only for a year whose count of reviews is printed and at least
  :data:`MIN_QUANTILE_REVIEWS`, in months to one decimal place.
- A review may record several reasons for delay, so the reasons do not add up to a
  total: no total row is printed under them and no such relation is declared.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from cdop import analytics, schema
from cdop.analytics._durations import Band
from cdop.disclosure import CellKey
from cdop.plots._charts import grouped_bars, stacked_shares
from cdop.report._figures import make_figure
from cdop.report._model import ReportTable, Section
from cdop.report._text import fmt_count
from cdop.report._tidy import tidy_frame, with_start_year
from cdop.report.sections._base import (
    DIM,
    MEASURE,
    SHORT_BAR_NOTE,
    Context,
    Finish,
    SectionSpec,
    count_grid,
    count_words,
    financial_label,
    plan_grid,
    single_financial_year,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DEATH_BANDS", "MIN_QUANTILE_REVIEWS", "OPEN_BANDS", "SECTION", "plan"]

#: Fewest reviews in a year for its median and quartiles to be printed.
MIN_QUANTILE_REVIEWS: Final = 10
#: Days in an average month (365.25 / 12), to print durations in months.
DAYS_PER_MONTH: Final = 365.25 / 12

#: Bands of the time from death to the completed review, in complete months.
DEATH_BANDS: Final = (
    Band("Less than 6 months", 0, 5),
    Band("6 to 11 months", 6, 11),
    Band("12 to 17 months", 12, 17),
    Band("18 to 23 months", 18, 23),
    Band("24 months or more", 24, None),
)
#: How long open cases had been open at 31 March (from notification): column of
#: :func:`cdop.analytics.activity`, label, code in the keys of published counts.
OPEN_BANDS: Final = (
    ("open_under_6_months", "Open less than 6 months", "under_6"),
    ("open_6_to_12_months", "Open 6 to 12 months", "6_to_12"),
    ("open_over_12_months", "Open more than 12 months", "over_12"),
)
#: Characteristics of this section's counts (keys of published counts).
FROM_DEATH: Final = "complete_months_from_death"
OPEN_FOR: Final = "open_for"
DELAY: Final = "delay_reason"

_R = schema.REVIEWS
_O = schema.OUTPUT


#: The published columns of the median and quartiles, in months to one decimal place.
_QUARTILES: Final = ("median_months", "lower_quartile_months", "upper_quartile_months")


def _months(days: float) -> str:
    return f"{days / DAYS_PER_MONTH:.1f}"


def plan(ctx: Context) -> Finish:
    years = ctx.last(3)
    trend_years = ctx.last(ctx.years_shown)
    marker = ctx.disclosure.marker

    # 1. Time from death to review: the distribution by band.
    bands = ctx.yearly(analytics.review_durations, DEATH_BANDS, start="death", years=years)
    order = [b.label for b in DEATH_BANDS]
    ctx.counts.universe(FROM_DEATH, order)
    grid = count_grid(bands, _O.band, _O.period, _O.numerator, order, years)
    distribution = plan_grid(
        ctx,
        "review_time_from_death",
        f"Reviews completed by time from death, {years[0]} to {years[-1]}",
        grid,
        keys=[[ctx.key(MEASURE.REVIEWED, year=y, **{FROM_DEATH: b}) for y in years] for b in order],
        column_total_keys=[ctx.key(MEASURE.REVIEWED, year=y) for y in years],
        row_header="Time from death to review",
        total_row="Total reviews",
        percent="column",
        row_name="time_from_death",
        notes=(
            "Complete calendar months from the child's death to the panel's review "
            "(6 to 11 months: from 6 months to the day before 12 months).",
        ),
    )

    # 2. Median and quartiles of the time from death to review.
    timely = ctx.yearly(analytics.review_timeliness, start="death", years=years)
    timely = timely.assign(label=timely[_O.period].astype(str))
    quartile_keys = []
    for record in timely.to_dict("records"):
        key = ctx.key(MEASURE.REVIEWED, year=str(record["label"]))
        ctx.count(key, int(record["reviews"]), f"table review_time_quartiles: {record['label']}")
        quartile_keys.append(key)

    # 3. Open cases at each year end by how long they had been open: the backlog.
    act = ctx.yearly(analytics.activity, years=trend_years)
    act = act.assign(label=act[_O.period].astype(str)).set_index("label")
    ctx.counts.universe(OPEN_FOR, [code for _, _, code in OPEN_BANDS])
    open_grid = pd.DataFrame(
        [act[column].reindex(trend_years).astype("int64").tolist() for column, _, _ in OPEN_BANDS],
        index=[label for _, label, _ in OPEN_BANDS],
        columns=trend_years,
    )
    backlog = plan_grid(
        ctx,
        "open_cases",
        f"Cases open at 31 March by time since notification, {trend_years[0]} to {trend_years[-1]}",
        open_grid,
        keys=[
            [ctx.key(MEASURE.OPEN, year=y, **{OPEN_FOR: code}) for y in trend_years]
            for _, _, code in OPEN_BANDS
        ],
        column_total_keys=[ctx.key(MEASURE.OPEN, year=y) for y in trend_years],
        row_header="Time since notification",
        total_row="Total cases open",
        row_name="open_for",
        notes=(
            "Cases notified but not yet reviewed on 31 March, by the time since "
            "notification: less than 6 complete months, from 6 months to 12 months to the "
            "day, and more than 12 months to the day.",
        ),
    )

    # 4. Reasons for delay (a review may record several).
    delays: Any = None
    missing = ctx.unmet(_R.delay_reasons)
    if missing:
        ctx.leave_out("review_delays", "Reasons for the delay of reviews", missing)
    else:
        found = ctx.yearly(analytics.review_delays, years=years)
        reasons = list(schema.DELAY_REASON_CODES)
        dgrid = count_grid(found, "reason", _O.period, _O.numerator, reasons, years)
        dgrid.index = [schema.DELAY_REASON_LABELS[r] for r in reasons]
        delays = plan_grid(
            ctx,
            "review_delays",
            f"Reasons recorded for the delay of reviews, {years[0]} to {years[-1]}",
            dgrid,
            keys=[
                [ctx.key(MEASURE.REVIEWED, year=y, **{DELAY: r}) for y in years] for r in reasons
            ],
            row_header="Reason for delay",
            row_name="reason",
            notes=(
                "Reviews completed in the year that record each reason. A review may "
                "record several reasons, so the rows do not add up to a total.",
            ),
        )

    def finish() -> Section:
        sentences: list[str] = []
        rows: list[tuple[str, ...]] = []
        tidy: list[dict[str, Any]] = []
        quantiles_shown = False
        for record, key in zip(timely.to_dict("records"), quartile_keys, strict=True):
            n = int(record["reviews"])
            hidden = ctx.hidden(key)
            enough = (
                not hidden
                and n >= MIN_QUANTILE_REVIEWS
                and _quartiles_add_nothing(ctx, key, record)
            )
            quantiles_shown = quantiles_shown or enough
            values = [record["median_days"], record["q1_days"], record["q3_days"]]
            cells = [_months(v) if enough else "–" for v in values]
            rows.append((str(record["label"]), marker if hidden else fmt_count(n), *cells))
            tidy.append(
                {
                    _O.period: str(record["label"]),
                    _O.count: None if hidden else n,
                    "median_months": cells[0] if enough else None,
                    "lower_quartile_months": cells[1] if enough else None,
                    "upper_quartile_months": cells[2] if enough else None,
                    _O.suppressed: hidden,
                }
            )
        notes = [
            "Months from the child's death to the panel's review (days divided by 30.44), "
            "to one decimal place; quartiles by linear interpolation.",
            f"The median and quartiles are shown only for a year with at least "
            f"{MIN_QUANTILE_REVIEWS} reviews whose number is shown: with fewer, a "
            "quartile can be one child's own duration. They are not shown either where "
            "they would say roughly how many reviews a hidden count by time from death "
            "holds.",
        ]
        if any(ctx.hidden(k) for k in quartile_keys):
            notes.append(ctx.disclosure.note(hidden_counts=True))
        quartiles = ReportTable(
            "review_time_quartiles",
            f"Time from death to review: median and quartiles in months, {years[0]} to {years[-1]}",
            ("Year", "Reviews completed", "Median", "Lower quartile", "Upper quartile"),
            tuple(rows),
            with_start_year(
                tidy_frame(tidy, counts=[_O.count], numbers=dict.fromkeys(_QUARTILES, 1)),
                _O.period,
            ),
            notes=tuple(notes),
        )
        last = timely[timely["label"] == ctx.label]
        if len(last) and tidy[-1]["median_months"]:
            r = last.iloc[0]
            sentences.append(
                f"Reviews completed in {ctx.label} took a median of {_months(r['median_days'])} "
                f"months from the child's death (half took between {_months(r['q1_days'])} "
                f"and {_months(r['q3_days'])} months)."
            )
        j = backlog.columns.index(ctx.label)
        total_open_key = backlog.column_total_keys[j] if backlog.column_total_keys else None
        if total_open_key is not None:
            n_open = int(backlog.values[:, j].sum())
            i = len(OPEN_BANDS) - 1
            long_key = backlog.keys[i][j]
            opening = count_words(n_open, ctx.hidden(total_open_key), "cases")
            sentence = f"On 31 March {ctx.year + 1}, {opening} awaited review"
            if not ctx.hidden(long_key, total_open_key):
                sentence += (
                    f", of which {fmt_count(int(backlog.values[i, j]))} had been open more "
                    "than 12 months"
                )
            sentences.append(sentence + ".")

        shares = pd.DataFrame(
            [
                {"year": y, "band": b, "percent": distribution.share(i, j)}
                for i, b in enumerate(distribution.rows)
                for j, y in enumerate(distribution.columns)
            ]
        )
        shares["percent"] = shares["percent"].astype(float)

        def draw_distribution(ax: Axes) -> None:
            stacked_shares(shares, "year", "band", "percent", order=list(distribution.rows), ax=ax)

        open_plot = pd.DataFrame({"year": trend_years})
        for i, (_, label, _) in enumerate(OPEN_BANDS):
            open_plot[label] = [
                np.nan if ctx.hidden(backlog.keys[i][j]) else float(backlog.values[i, j])
                for j in range(len(trend_years))
            ]

        def draw_backlog(ax: Axes) -> None:
            labels = [label for _, label, _ in OPEN_BANDS]
            grouped_bars(
                open_plot, "year", labels, labels=labels, ylabel="Cases open", marker=marker, ax=ax
            )

        distribution_figure = make_figure(
            "review_time_from_death",
            f"Reviews completed by time from death, {years[0]} to {years[-1]}",
            "Stacked bar chart of the percentage of reviews in each band of time from "
            "death to review, per year.",
            draw_distribution,
            margins=(0.75, 0.5, 0.15, 0.75),
            size=(6.5, 2.6),
        )
        if shares["percent"].isna().any():
            distribution_figure = dataclasses.replace(distribution_figure, notes=(SHORT_BAR_NOTE,))
        figures = (
            distribution_figure,
            make_figure(
                "open_cases",
                f"Cases open at 31 March by time since notification, {trend_years[0]} to "
                f"{trend_years[-1]}",
                "Bar chart of the cases awaiting review at each year end, by how long they "
                "had been open.",
                draw_backlog,
                margins=(0.6, 0.45, 0.1, 0.45),
            ),
        )
        tables = [distribution.table(), quartiles, backlog.table()]
        if delays is not None:
            tables.append(delays.table())
        return Section(
            "review_progress",
            "Review progress",
            (" ".join(sentences) or "Numbers are too small to describe.",),
            tuple(tables),
            figures,
        )

    return finish


#: Complete months from notification of the reviews "within" ``t`` months of death,
#: for each ``t`` of the bands in :data:`DEATH_BANDS`: the months that must be covered
#: (``0`` to ``t - 1``) and those that may be (up to 12 months to the day for ``t`` 12).
_WITHIN: Final = {
    6: (frozenset(str(m) for m in range(6)), frozenset(str(m) for m in range(6))),
    12: (frozenset(str(m) for m in range(12)), frozenset([*(str(m) for m in range(12)), "12="])),
}
#: Complete months from notification of a review taking more than 12 months to the day.
_OVER_12: Final = frozenset(["12+", "13+"])


#: How far a quartile (in months, days divided by 30.44) may lie on the other side of a
#: band boundary (complete calendar months, of 28 to 31 days) from the durations either
#: side of it, with the rounding to one decimal place.
_QUARTILE_MARGIN: Final = 0.2


def _quartiles_add_nothing(ctx: Context, total: CellKey, record: Mapping[Any, Any]) -> bool:
    """Whether the median and quartiles of a year's time from death to review, printed
    beside its counts by band, tell a reader nothing more about a hidden count.

    With ``n`` reviews, the quartile ``p`` (linear interpolation) lies between the
    durations ranked ``floor(h) + 1`` and ``ceil(h) + 1``, ``h = (n - 1) p``: one below a
    band boundary says at least ``floor(h) + 1`` reviews took less than the boundary,
    one at or above it at most ``ceil(h)``. Of 16 reviews with a lower quartile of 7.5
    months, at most 4 took less than 6 months: a hidden 2 there would be 1 to 4.

    The bound at the boundary next to a quartile on either side implies those further
    away (a band holds no fewer than 0 reviews). A quartile within the margin of a
    boundary may lie on either side of it: both bounds are taken. The quartiles add
    nothing when the reader can already tell each of these bounds from what the chapter
    prints: the number of reviews below the boundary is printed or follows from printed
    counts (every band below it shown, or every band above it and the year's reviews),
    or the least (greatest) value the reader can give it, by integer programming over
    everything the chapter prints as disclosure control hid it
    (:meth:`cdop.disclosure.Protection.sum_range`), already meets the bound. A bound
    that the chapter's own counts imply says nothing to anyone reading it, with any
    other publication.
    """
    bands = [total.having(FROM_DEATH, [band.label]) for band in DEATH_BANDS]
    if not all(key in ctx.counts for key in (total, *bands)):
        return False
    shown = [not ctx.hidden(key) for key in bands]
    total_shown = not ctx.hidden(total)
    n = ctx.counts.value(total)
    edges = [band.max_months + 1 for band in DEATH_BANDS if band.max_months is not None]
    protection = ctx.protection
    ranges: dict[int, tuple[float, float]] = {}

    def implied(index: int, *, at_most: float | None = None, at_least: float | None = None) -> bool:
        """Whether a reader can tell that the reviews below ``edges[index]`` are at most
        ``at_most`` (at least ``at_least``) from what the chapter prints."""
        below, above = shown[: index + 1], shown[index + 1 :]
        if all(below) or (total_shown and all(above)):
            return True  # printed, or follows from printed counts: the true value
        if protection.counts is None:  # a part of a joint protection: no reader to ask
            return False
        if index not in ranges:
            ranges[index] = protection.sum_range(bands[: index + 1])
        low, high = ranges[index]
        return (at_most is None or high <= at_most) and (at_least is None or low >= at_least)

    for column, p in (("q1_days", 0.25), ("median_days", 0.5), ("q3_days", 0.75)):
        days = record[column]
        if pd.isna(days):
            continue
        h = (n - 1) * p
        most, least = math.ceil(h), math.floor(h) + 1
        # the quartile lies within the margin of ``months``: the boundaries next to it
        # are the last one below that range, those within it and the first above it
        low = float(days) / DAYS_PER_MONTH - _QUARTILE_MARGIN
        high = low + 2 * _QUARTILE_MARGIN
        below = [i for i, edge in enumerate(edges) if edge <= low]
        within = [i for i, edge in enumerate(edges) if low < edge <= high]
        beyond = [i for i, edge in enumerate(edges) if edge > high]
        if not (
            all(implied(i, at_most=most) for i in below[-1:])
            and all(implied(i, at_most=most, at_least=least) for i in within)
            and all(implied(i, at_least=least) for i in beyond[:1])
        ):
            return False
    return True


def declare_bounds(ctx: Context) -> None:
    """Declare the inequalities that always hold between the chapter's counts, so that
    disclosure control reads them as a reader can (:meth:`LinkedCounts.bound`).

    For every count of one financial year, of the panel or of an area, that the chapter
    prints, where the other side is printed too:

    - reviews completed within 6 (or 12) complete months of the death are at most those
      completed within 6 complete months (12 months to the day) of notification: a
      death is notified on or after the day it happens;
    - cases open more than 12 months at a year end, together with the reviews of the
      year that took more than 12 months from notification, are at most the cases open
      at the end of the year before: both were notified, and not yet reviewed, by then;
    - the reviews of a year within 12 months of notification, together with the cases
      open up to 12 months at its end, are at most the deaths notified in the year and
      the cases open up to 12 months at the end of the year before: each was notified in
      the year, or before it and still open at its start (within 12 months of its review,
      or of the year's end, so open up to 12 months then);
    - cases open up to 12 months at a year end are at most the deaths notified in the
      year. This holds for every case but one notified on the last day of the year
      before and still open a year later (open 12 months to the day); it is declared
      only where it holds, since a reader would rely on it all the same;
    - the reviews of a year recording a reason for delay are at most its reviews.

    Examples
    --------
    >>> import cdop
    >>> from cdop.report._tables import Disclosure
    >>> from cdop.report.sections import Context
    >>> from cdop.report.sections._base import plan_sections
    >>> from cdop.report.sections.progress import SECTION
    >>> from cdop.report.sections.activity import SECTION as ACTIVITY
    >>> from cdop.report.sections.durations import SECTION as DURATIONS
    >>> ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    >>> _ = plan_sections(ctx, [ACTIVITY, DURATIONS, SECTION])
    >>> for why in sorted({why for _, why in ctx.counts._bounded}):
    ...     print(why)
    cases open more than 12 months were open a year before
    cases open up to 12 months were notified in the year
    death before notification
    reviewed or open within 12 months: notified in the year or open a year before
    reviews recording a reason for delay
    """
    counts = ctx.counts
    registered = counts.keys
    present = set(registered)
    # The counts printed of each base (a count of one year, of the panel or an area),
    # by the levels of one characteristic.
    by_months: dict[CellKey, dict[frozenset[str], CellKey]] = {}
    for key in registered:
        months = key.levels(DIM.MONTHS)
        if months is not None:
            by_months.setdefault(key.without(DIM.MONTHS), {})[months] = key
    for key in registered:
        year = single_financial_year(key)
        if year is None:
            continue
        if key.measure == MEASURE.REVIEWED and key.levels(FROM_DEATH) == frozenset(
            [DEATH_BANDS[0].label]
        ):
            _death_before_notification(ctx, key.without(FROM_DEATH), by_months, present)
        if key.measure == MEASURE.OPEN and key.levels(OPEN_FOR) == frozenset(["over_12"]):
            base = key.without(OPEN_FOR)
            before = base.having(DIM.YEAR, [financial_label(int(year[:4]) - 1)])
            over = CellKey(MEASURE.REVIEWED, base.dims).having(DIM.MONTHS, _OVER_12)
            terms = {key: 1, before: -1}
            if over in present:
                terms[over] = 1
            if before in present:
                counts.bound(terms, why="cases open more than 12 months were open a year before")
            # The reviews of the year within 12 months of notification, with the cases open
            # up to 12 months at its end, were notified in the year or open up to 12
            # months a year before (the cases open more than 12 months are the rest).
            reviewed = CellKey(MEASURE.REVIEWED, base.dims)
            notified = CellKey(MEASURE.NOTIFIED, base.dims)
            over_before = key.having(DIM.YEAR, [financial_label(int(year[:4]) - 1)])
            flow = {reviewed: 1, over: -1, base: 1, key: -1, notified: -1, before: -1}
            flow[over_before] = 1
            if all(k in present for k in flow):
                counts.bound(
                    flow,
                    why="reviewed or open within 12 months: notified in the year or open a "
                    "year before",
                )
            # the same a year on, with the next year's counts (see LinkedCounts.bound_ahead)
            after = financial_label(int(year[:4]) + 1)
            if base in present:
                ahead = {key.having(DIM.YEAR, [after]): 1, base: -1}
                if over in present:
                    ahead[over.having(DIM.YEAR, [after])] = 1
                counts.bound_ahead(
                    ahead, why="cases open more than 12 months were open a year before"
                )
        if key.measure == MEASURE.OPEN and key.levels(OPEN_FOR) == frozenset(["under_6"]):
            notified = CellKey(MEASURE.NOTIFIED, key.without(OPEN_FOR).dims)
            if notified in present:
                terms = {key: 1, notified: -1}
                middle = key.having(OPEN_FOR, ["6_to_12"])
                if middle in present:
                    terms[middle] = 1
                counts.bound(terms, why="cases open up to 12 months were notified in the year")
        if key.measure == MEASURE.REVIEWED and key.levels(DELAY) is not None:
            total = key.without(DELAY)
            if total in present:
                counts.bound({key: 1, total: -1}, why="reviews recording a reason for delay")


def _death_before_notification(
    ctx: Context,
    total: CellKey,
    by_months: dict[CellKey, dict[frozenset[str], CellKey]],
    present: set[CellKey],
) -> None:
    """For a year's reviews ``total``: those within 6 and 12 complete months of death
    are at most those within the same time of notification, where both are printed."""
    printed = by_months.get(total, {})
    within_death: list[CellKey] = []
    for band in DEATH_BANDS:
        if band.max_months is None:
            break
        key = total.having(FROM_DEATH, [band.label])
        if key not in present:
            return
        within_death.append(key)
        needed, allowed = _WITHIN.get(band.max_months + 1, (None, None))
        if needed is None or allowed is None:
            continue
        # Printed counts of disjoint months from notification covering the months needed.
        cover: list[CellKey] = []
        covered: set[str] = set()
        for levels, key_ in sorted(printed.items(), key=lambda item: -len(item[0])):
            if levels <= allowed and not levels & covered:
                cover.append(key_)
                covered |= levels
        if needed <= covered:
            terms = dict.fromkeys(within_death, 1)
            terms.update(dict.fromkeys(cover, -1))
            ctx.counts.bound(terms, why="death before notification")


SECTION = SectionSpec("review_progress", "Review progress", plan, bounds=declare_bounds)
