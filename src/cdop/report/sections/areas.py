"""Section: child deaths and mortality rates by local authority of residence (pooled years).

For a panel whose footprint covers several local authorities. The authority is the
notifications' ``residence_area`` (a name or code), else ``residence_la_code``; a
chapter for one area, or a footprint of one authority, leaves the section out.
"""

from __future__ import annotations

from typing import Final

from cdop import schema
from cdop.errors import CdopArgumentError
from cdop.report._model import Section
from cdop.report._text import fmt_count, fmt_percent
from cdop.report.sections._base import Context, Finish, SectionSpec
from cdop.report.sections._groups import plan_groups

__all__ = ["SECTION", "plan"]

_N = schema.NOTIFICATIONS

#: Characteristic of this section's counts (keys of published counts).
AUTHORITY: Final = "local_authority_of_residence"


def _authority_column(ctx: Context) -> str:
    notes = ctx.ds.notifications
    for column in (_N.residence_area, _N.residence_la_code):
        if column in notes.columns and bool(notes[column].notna().any()):
            return column
    raise CdopArgumentError(
        "deaths by local authority: the notifications give no residence_area or residence_la_code"
    )


def plan(ctx: Context) -> Finish:
    if ctx.area is not None:
        raise CdopArgumentError("deaths by local authority: a chapter for one area")
    column = _authority_column(ctx)
    values = ctx.ds.notifications[column].dropna().astype(str)
    levels = sorted(values.unique())
    if len(levels) < 2:
        raise CdopArgumentError("deaths by local authority: the footprint has one authority")
    groups = plan_groups(
        ctx,
        column,
        AUTHORITY,
        {level: level for level in levels},
        "deaths_by_area",
        f"Child deaths and child mortality by local authority, {ctx.pooled_label}",
        "Local authority",
        notes=("Local authority of the child's residence, as notified.",),
    )

    def finish() -> Section:
        sentences = []
        parts = []
        for i, label in enumerate(groups.labels):
            share = groups.share(i) if i < len(levels) else None
            if share is not None:
                words = groups.rate_words(i)
                rate = f", {words}" if words else ""
                parts.append(f"{label} {fmt_count(groups.deaths[i])} ({fmt_percent(share)}{rate})")
        if parts and not ctx.hidden(groups.total_key):
            sentences.append(
                f"Of the {fmt_count(groups.total)} children who died in {ctx.pooled_label}, "
                "by local authority of residence: " + "; ".join(parts) + "."
            )
        figure = groups.figure(
            "deaths_by_area",
            (
                f"Child mortality by local authority, {ctx.pooled_label}"
                if groups.rates is not None
                else f"Child deaths by local authority, {ctx.pooled_label}"
            ),
            "Horizontal bar chart of child deaths or mortality rate per 100,000 children "
            "by local authority; hidden values are marked.",
        )
        return Section(
            "deaths_by_area",
            "Deaths by local authority",
            (" ".join(sentences) or "Numbers are too small to describe.",),
            (groups.table(),),
            (figure,),
        )

    return finish


SECTION = SectionSpec("deaths_by_area", "Deaths by local authority", plan)
