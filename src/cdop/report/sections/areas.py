"""Section: child deaths and mortality rates by local authority of residence (pooled years).

For a panel whose footprint covers several local authorities. The authority is the
notifications' ``residence_area`` (a name or code), else ``residence_la_code``; the
footprint is the ``local_authorities`` of the chapter settings where given (in their
order, an authority without deaths included), else the authorities the deaths give. A
chapter for one area, or a footprint of one authority, leaves the section out.
"""

from __future__ import annotations

from typing import Final

from cdop import schema
from cdop.report._model import Section
from cdop.report._text import fmt_count, fmt_percent
from cdop.report.sections._base import Context, Finish, SectionSpec
from cdop.report.sections._groups import plan_groups
from cdop.report.sections._needs import Need

__all__ = ["SECTION", "plan"]

_N = schema.NOTIFICATIONS

#: Characteristic of this section's counts (keys of published counts).
AUTHORITY: Final = "local_authority_of_residence"


def _authority_column(ctx: Context) -> str | None:
    """The notifications' column naming the authority of residence, or None."""
    notes = ctx.ds.notifications
    for column in (_N.residence_area, _N.residence_la_code):
        if column in notes.columns and bool(notes[column].notna().any()):
            return column
    return None


def _levels(ctx: Context, column: str) -> list[str]:
    """The authorities of the table: the footprint named in the chapter settings, in
    their order, then any other authority the deaths give (so none is relabelled);
    without settings, the authorities the deaths give, sorted."""
    found = sorted(ctx.ds.notifications[column].dropna().astype(str).unique())
    named = list(ctx.settings.local_authorities)
    return named + [level for level in found if level not in named]


def _footprint(ctx: Context) -> str | None:
    """Met by a panel's chapter whose footprint has two or more local authorities."""
    if ctx.area is not None:
        return "the panel's own chapter (an area's chapter covers one local authority)"
    column = _authority_column(ctx)
    if column is None:
        return (
            "the local authority of residence of each death (residence_area or "
            "residence_la_code in the notifications)"
        )
    named = ctx.settings.local_authorities
    levels = list(named) if named else _levels(ctx, column)
    if len(levels) >= 2:
        return None
    where = "the chapter settings name" if named else "the deaths give"
    one = f": {levels[0]}" if levels else ""
    return f"a footprint of two or more local authorities ({where} one{one})"


#: The section's own need: a footprint of several authorities.
FOOTPRINT: Final = Need("footprint", _footprint)


def plan(ctx: Context) -> Finish:
    column = _authority_column(ctx) or _N.residence_area  # met: the needs were checked
    levels = _levels(ctx, column)
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


SECTION = SectionSpec(
    "deaths_by_area",
    "Deaths by local authority",
    plan,
    needs=("pooled_years", FOOTPRINT),
    pooled=True,
)
