"""The timeliness table prints a count whose year's reviews are hidden, without its
percentage: a percentage needs both counts, the count alone is shown as the table of
durations shows it (what disclosure control decided for each count)."""

from __future__ import annotations

from report_fixtures import protection_hiding

import cdop
from cdop.analytics import review_timeliness
from cdop.disclosure import CellKey
from cdop.report._tables import Disclosure
from cdop.report.sections import Context
from cdop.report.sections._base import DIM, MEASURE, plan_sections
from cdop.report.sections.durations import SECTION


def _finished(hidden: set[CellKey]) -> tuple[Context, list[tuple[str, ...]]]:
    """The 2024/25 timeliness table of the sample, the counts ``hidden`` hidden."""
    ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    _, finishers = plan_sections(ctx, [SECTION])
    ctx._state["protection"] = protection_hiding(ctx.counts, hidden)
    (section,) = [finish() for finish in finishers]
    (table,) = [t for t in section.tables if t.id == "review_timeliness"]
    return ctx, [tuple(row) for row in table.rows]


def test_a_count_shown_beside_hidden_reviews_is_printed_without_its_percentage() -> None:
    ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    total = ctx.key(MEASURE.REVIEWED, year="2024/25")
    # the sample's own figures for 2024/25, from the analytics (not the section)
    timely = review_timeliness(cdop.load_sample(), years=[2024])
    within_6 = int(timely["within_6_months"].iloc[0])
    reviews = int(timely["reviews"].iloc[0])
    assert 0 < within_6 < reviews
    _, rows = _finished({total})
    assert rows[0][:4] == ("Completed in under 6 months", f"{within_6} of *", "*", "*")
    # with nothing hidden, the same row gives the count of the reviews and its percentage
    _, rows = _finished(set())
    assert rows[0][1] == f"{within_6} of {reviews}"
    assert rows[0][2] == f"{100 * within_6 / reviews:.0f}%"  # 28.4% printed as 28%


def test_a_hidden_count_is_hidden_whatever_its_total() -> None:
    ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    within_6 = ctx.key(MEASURE.REVIEWED, year="2024/25", **{DIM.MONTHS: [str(m) for m in range(6)]})
    _, rows = _finished({within_6})
    assert rows[0][1:4] == ("*", "*", "*")
