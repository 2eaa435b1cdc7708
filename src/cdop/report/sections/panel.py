"""Section: the panel's activity by year (meetings, reviews, joint agency responses).

From the data: the reviews completed, the deaths notified that triggered a joint agency
response, and the cases discussed at a child death review meeting. The panel's activity
file (``panel_activity`` in the chapter settings) adds what the data cannot know: the
meetings held, thematic reviews and learning events.

Counts of children (reviews, joint agency responses, cases at review meetings) are
registered for disclosure control; counts of meetings and events are not about
children and are printed as they are.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

from cdop import schema
from cdop.analytics._periods import start_years
from cdop.report._model import ReportTable, Section
from cdop.report._panel import ACTIVITY_MEASURES
from cdop.report._text import fmt_count
from cdop.report._tidy import tidy_frame, with_start_year
from cdop.report.sections._base import (
    MEASURE,
    NOT_RECORDED_CODE,
    Context,
    Finish,
    SectionSpec,
    financial_label,
)
from cdop.report.sections._needs import Need

__all__ = ["SECTION", "plan"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_O = schema.OUTPUT

#: Characteristic of the joint agency response counts (keys of published counts).
JAR: Final = "joint_agency_response"
#: Cases discussed at a child death review meeting, by the meeting's financial year.
CDRM: Final = "cases at child death review meetings (financial year of meeting)"


def _by_year(dates: pd.Series, years: list[str], weights: Any = None) -> dict[str, int]:
    starts = start_years(dates, "financial")
    labels = pd.Series(
        [financial_label(int(y)) if not np.isnan(y) else "" for y in starts], dtype="object"
    )
    frame = pd.DataFrame({"year": labels, "w": 1 if weights is None else weights})
    counts = frame.groupby("year")["w"].sum()
    return {y: int(counts.get(y, 0)) for y in years}


def plan(ctx: Context) -> Finish:
    years = ctx.last(ctx.years_shown)
    notes = ctx.ds.notifications
    reviews = ctx.ds.reviews
    completed = reviews[_R.date_review_completed]
    given = ctx.inputs.activity
    panel_rows: dict[str, dict[str, int]] = {}
    if given is not None:
        for record in given.to_dict("records"):
            panel_rows.setdefault(str(record["measure"]), {})[str(record["year"])] = int(
                record["value"]
            )
    reviewed = _by_year(completed.reset_index(drop=True), years)
    columns: list[tuple[str, dict[str, int], list[Any] | None]] = []
    # Meetings are known only from the panel: a review date is not a meeting (a meeting
    # may complete no review, and an area's chapter shares the panel's meetings).
    met = "panel_meetings" in panel_rows
    if met:
        meetings = {y: panel_rows["panel_meetings"].get(y, -1) for y in years}
        columns.append(("Panel meetings held", meetings, None))
    review_keys = [ctx.key(MEASURE.REVIEWED, year=y) for y in years]
    for y, key in zip(years, review_keys, strict=True):
        ctx.count(key, reviewed[y], f"table panel_activity: {y} / Reviews completed")
    columns.append(("Reviews completed", reviewed, review_keys))
    jar = notes.get(_N.joint_agency_response)
    if jar is not None and bool(jar.notna().any()):
        ctx.counts.universe(JAR, ["yes", "no", "not_stated", NOT_RECORDED_CODE])
        yes = (jar.astype("object") == "yes").to_numpy(dtype=np.int64)
        counts = _by_year(notes[_N.date_notified].reset_index(drop=True), years, yes)
        keys = [ctx.key(MEASURE.NOTIFIED, year=y, **{JAR: "yes"}) for y in years]
        for y, key in zip(years, keys, strict=True):
            ctx.count(key, counts[y], f"table panel_activity: {y} / Joint agency responses")
        columns.append(("Joint agency responses", counts, keys))
    meeting = reviews.get(_R.date_review_meeting)
    if meeting is not None and bool(meeting.notna().any()):
        counts = _by_year(meeting.dropna().reset_index(drop=True), years)
        keys = [ctx.key(CDRM, year=y) for y in years]
        for y, key in zip(years, keys, strict=True):
            where = f"table panel_activity: {y} / Cases at child death review meetings"
            ctx.count(key, counts[y], where)
        columns.append(("Cases at child death review meetings", counts, keys))
    for measure, label in ACTIVITY_MEASURES.items():
        if measure != "panel_meetings" and measure in panel_rows:
            columns.append((label, {y: panel_rows[measure].get(y, -1) for y in years}, None))

    def finish() -> Section:
        marker = ctx.disclosure.marker
        rows = []
        tidy = []
        hidden_any = False
        for j, y in enumerate(years):
            cells = [y]
            for label, values, keys in columns:
                value = values[y]
                hidden = keys is not None and ctx.hidden(keys[j])
                hidden_any = hidden_any or hidden
                text = marker if hidden else ("–" if value < 0 else fmt_count(value))
                cells.append(text)
                tidy.append(
                    {
                        _O.period: y,
                        _O.measure: label,
                        _O.count: None if hidden or value < 0 else value,
                        _O.suppressed: hidden,
                    }
                )
            rows.append(tuple(cells))
        table_notes = [
            "Reviews by date completed; joint agency responses by the date the death was "
            "notified; cases at child death review meetings by the date of the meeting.",
        ]
        if given is not None:
            table_notes.append("Meetings and events given by the panel are shown as given.")
        if hidden_any:
            table_notes.append(ctx.disclosure.note(hidden_counts=True))
        table = ReportTable(
            "panel_activity",
            f"Panel activity, {years[0]} to {years[-1]}",
            ("Year", *(label for label, _, _ in columns)),
            tuple(rows),
            with_start_year(tidy_frame(tidy, counts=[_O.count]), _O.period),
            notes=tuple(n for n in table_notes if n),
        )
        sentences = []
        last = meetings[ctx.label] if met else -1
        if last >= 0:
            sentences.append(f"In {ctx.label} the panel met on {fmt_count(last)} occasions.")
        for name, values, keys in columns:
            if name == "Joint agency responses" and keys is not None and not ctx.hidden(keys[-1]):
                sentences.append(
                    "A joint agency response was triggered for "
                    f"{fmt_count(values[ctx.label])} of the deaths notified."
                )
        return Section(
            "panel_activity",
            "Panel activity",
            (" ".join(sentences) or "Numbers are too small to describe.",),
            (table,),
        )

    return finish


def _activity(ctx: Context) -> str | None:
    """Met by the panel's activity file, or a field of the data about the panel's work."""
    if ctx.settings.panel_activity is not None:
        return None
    if any(
        column in frame.columns and bool(frame[column].notna().any())
        for frame, column in (
            (ctx.ds.notifications, _N.joint_agency_response),
            (ctx.ds.reviews, _R.date_review_meeting),
        )
    ):
        return None
    return (
        'the panel\'s activity file (panel_activity = "panel_activity.csv" in the chapter '
        "settings: meetings held, thematic reviews, learning events), "
        "joint_agency_response in the notifications or date_review_meeting in the reviews"
    )


#: The section's own need: something the data or the panel give about its work.
ACTIVITY: Final = Need("panel_activity", _activity)

SECTION = SectionSpec("panel_activity", "Panel activity", plan, needs=(ACTIVITY,))
