"""Section: place of death, and expected and unexpected deaths."""

from __future__ import annotations

from cdop import schema
from cdop.report._model import Section
from cdop.report._text import fmt_count, fmt_percent
from cdop.report.sections._base import DIM, MEASURE, Context, Finish, SectionSpec, span
from cdop.report.sections._breakdown import plan_breakdown

__all__ = ["EXPECTED_LABELS", "PLACE_LABELS", "SECTION", "plan"]

_N = schema.NOTIFICATIONS

PLACE_LABELS = {
    "hospital": "Hospital",
    "home": "Home",
    "hospice": "Hospice",
    "public_place": "Public place",
    "abroad": "Abroad",
    "other": "Other",
    "not_stated": "Not stated",
}
EXPECTED_LABELS = {"expected": "Expected", "unexpected": "Unexpected", "not_stated": "Not stated"}


def plan(ctx: Context) -> Finish:
    years = ctx.last(3)
    place, _ = plan_breakdown(
        ctx,
        _N.place_of_death,
        DIM.PLACE,
        PLACE_LABELS,
        "place_of_death",
        f"Deaths reviewed by place of death, {span(years)}",
        "Place of death",
        years=years,
        merges=((("abroad", "other", "not_stated", "not_recorded"), "Elsewhere or not stated"),),
    )
    expected, _ = plan_breakdown(
        ctx,
        _N.expected_death,
        DIM.EXPECTED,
        EXPECTED_LABELS,
        "expected_death",
        f"Expected and unexpected deaths reviewed, {span(years)}",
        "Death",
        years=years,
        merges=((("unexpected", "not_stated", "not_recorded"), "Unexpected or not stated"),),
    )
    total_key = ctx.key(MEASURE.REVIEWED, year=ctx.label)

    def finish() -> Section:
        j = expected.columns.index(ctx.label)
        sentences = []
        if "Unexpected" in expected.rows:
            i = expected.rows.index("Unexpected")
            if not ctx.hidden(expected.keys[i][j], total_key):
                n, total = int(expected.values[i, j]), int(expected.values[:, j].sum())
                sentences.append(
                    f"In {ctx.label}, {fmt_count(n)} of the {fmt_count(total)} deaths reviewed "
                    f"({fmt_percent(100 * n / total if total else 0)}) were unexpected."
                )
        if "Hospital" in place.rows:
            i = place.rows.index("Hospital")
            share = place.share(i, j)
            if share is not None:
                sentences.append(f"{fmt_percent(share)} of the children died in hospital.")
        return Section(
            "place",
            "Place of death and expected deaths",
            (" ".join(sentences) or "Numbers are too small to describe.",),
            (place.table(), expected.table()),
        )

    return finish


SECTION = SectionSpec("place", "Place of death and expected deaths", plan)
