"""Section: child deaths and mortality rates by ethnic group (pooled years)."""

from __future__ import annotations

from typing import Final

from cdop import schema
from cdop.report._model import Section
from cdop.report._text import fmt_count, fmt_percent
from cdop.report.sections._base import Context, Finish, SectionSpec
from cdop.report.sections._groups import plan_groups
from cdop.report.sections.characteristics import ETHNICITY_LABELS

__all__ = ["SECTION", "plan"]

_N = schema.NOTIFICATIONS

#: Characteristic of this section's counts (keys of published counts): the broad ethnic
#: group of the child who died (deaths, unlike the reviews of the characteristics section).
ETHNIC_GROUP: Final = "ethnic_group_of_death"


def plan(ctx: Context) -> Finish:
    groups = plan_groups(
        ctx,
        _N.ethnicity,
        ETHNIC_GROUP,
        ETHNICITY_LABELS,
        "deaths_by_ethnicity",
        f"Child deaths and child mortality by ethnic group, {ctx.pooled_label}",
        "Ethnic group",
        notes=(
            "Broad ethnic groups of the NHS ethnic categories (the 18 census groups rolled "
            "up; Chinese is in Other). Detailed groups are not published: at a panel's size "
            "nearly every one would be a small number.",
        ),
    )

    def finish() -> Section:
        sentences = []
        shown = [
            (groups.deaths[i], i)
            for i, code in enumerate(groups.codes)
            if code not in ("not_stated", "not_recorded") and groups.share(i) is not None
        ]
        if shown and not ctx.hidden(groups.total_key):
            n, i = max(shown)
            share = groups.share(i)
            assert share is not None
            sentences.append(
                f"Of the {fmt_count(groups.total)} children who died in {ctx.pooled_label}, "
                f"{fmt_count(n)} ({fmt_percent(share)}) were of {groups.labels[i]} ethnicity."
            )
        if groups.rates is not None:
            rated = [(i, w) for i in range(len(groups.codes)) if (w := groups.rate_words(i))]
            if len(rated) >= 2:
                parts = [f"{groups.labels[i]} {w}" for i, w in rated]
                sentences.append(
                    "Child mortality by ethnic group, where the numbers allow: "
                    + "; ".join(parts)
                    + " (the table gives their 95% intervals)."
                )
        figure = groups.figure(
            "deaths_by_ethnicity",
            (
                f"Child mortality by ethnic group, {ctx.pooled_label}"
                if groups.rates is not None
                else f"Child deaths by ethnic group, {ctx.pooled_label}"
            ),
            "Horizontal bar chart of child deaths or mortality rate per 100,000 children "
            "by ethnic group; hidden values are marked.",
        )
        return Section(
            "deaths_by_ethnicity",
            "Deaths by ethnic group",
            (" ".join(sentences) or "Numbers are too small to describe.",),
            (groups.table(),),
            (figure,),
        )

    return finish


SECTION = SectionSpec(
    "deaths_by_ethnicity", "Deaths by ethnic group", plan, needs=("pooled_years",), pooled=True
)
