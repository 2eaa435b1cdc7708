"""A panel's own chapter and its areas' chapters, protected as one publication.

Each count of the panel's chapter is the sum of the same count over its areas (plus the
deaths with no area recorded). A reader holding the panel's chapter and the chapter of
every area but one can therefore subtract; and with every area's chapter, a count the
panel hides is the sum of counts the areas show. Protected one by one, the chapters are
each safe and together they are not.

So when a panel publishes both, every chapter is planned first and their counts go into
one register, each area's counts keyed by the area (:data:`DIM.AREA`); the area
characteristic's levels (every area, and "no area" when some deaths have none) make each
panel count the sum of its areas' counts, and disclosure control runs once over the
whole. The counts of each financial year are decided once for all the chapters together
(joint year blocks, see :mod:`cdop.report._history`), so consecutive years' publications
agree as they do for a single chapter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from cdop.dataset import Dataset
from cdop.disclosure import CellKey, LinkedCounts, Protection
from cdop.report._build import plan_sections
from cdop.report._history import Published, single_year
from cdop.report._model import Section
from cdop.report._tables import Disclosure
from cdop.report.sections import SECTIONS, Context, SectionSpec
from cdop.report.sections._base import DIM

#: The panel's section of deaths by local authority, left out beside its areas' chapters.
_BY_AUTHORITY: Final = "deaths_by_area"
_BY_AUTHORITY_ALONE: Final = (
    "the panel's chapter published without its areas' chapters (beside them, each local "
    "authority's deaths would repeat an area chapter's total, which disclosure control "
    "does not yet tie to it; each area's chapter prints its own deaths)"
)

__all__ = ["Member", "plan_together", "published_for_comparison"]

#: Level of the area characteristic for deaths with no area recorded.
NO_AREA: Final = "\x00no area"


@dataclass(frozen=True)
class Member:
    """One chapter of the publication: the panel's own (``area`` None) or an area's."""

    area: str | None
    ds: Dataset
    ctx: Context
    sections: tuple[SectionSpec, ...]
    finishers: tuple[Callable[[], Section], ...]

    def protection(self, joint: Protection) -> Protection:
        """The chapter's share of the joint protection (its audit trail and loss)."""
        return joint.restrict(self.ctx.counts.keys)


def _register(
    registers: Sequence[LinkedCounts], areas: Sequence[str], no_area: bool
) -> LinkedCounts:
    """One register of several chapters' counts, each panel count the sum of its areas'."""
    joint = LinkedCounts()
    joint.universe(DIM.AREA, [*areas, *([NO_AREA] if no_area else [])])
    for counts in registers:
        joint.merge(counts)
    return joint


def _joint_blocks(
    members: Sequence[Member], areas: Sequence[str], no_area: bool, settings: Disclosure
) -> Published:
    """The counts of each financial year any chapter prints, decided for every chapter
    together from that year's counts alone."""
    labels = sorted(
        {
            label
            for member in members
            for key in member.ctx.counts.keys
            if (label := single_year(key)) is not None
        }
    )
    out: Published = {}
    for label in labels:
        year = int(label[:4])
        blocks: list[LinkedCounts] = []
        for member in members:
            if year == member.ctx.year:
                source = member.ctx
            else:
                source = Context(
                    ds=member.ds,
                    year=year,
                    disclosure=settings,
                    years_shown=member.ctx.years_shown,
                    pool=member.ctx.pool,
                    area=member.area,
                )
                plan_sections(source, sections=member.sections)
            counts = source.counts
            keys = [k for k in counts.keys if single_year(k) == label]
            known = [k for k in counts.explicit_keys() if single_year(k) != label]
            blocks.append(counts.subset(keys, known=known))
        protection = _register(blocks, areas, no_area).protect(settings.rules)
        for block in blocks:
            for key in block.keys:
                if single_year(key) == label:
                    out[key] = (block.value(key), protection.hidden(key))
    return out


def plan_together(
    panel: Dataset,
    areas: Sequence[tuple[str, Dataset]],
    start: int,
    settings: Disclosure,
    *,
    no_area: bool,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Member], Protection]:
    """Plan the panel's chapter and every area's, and protect them as one publication.

    Returns the chapters (the panel's first) and the joint protection; each chapter is
    written by calling its finishing steps. ``no_area`` says whether some deaths have no
    area recorded (the panel's counts are then more than the sum over its areas).
    """
    members: list[Member] = []
    for area, ds in [(None, panel), *areas]:
        if progress is not None:
            progress(f"planning the chapter of {area or 'the panel'}")
        ctx = Context(ds=ds, year=start, disclosure=settings, area=area)
        sections = SECTIONS
        if area is None:
            # The panel's deaths by local authority: each authority's deaths over the
            # pooled period are an area chapter's total under another name, which the
            # register does not tie to it (an attack on the chapters read together gave
            # hidden counts back exactly). Left out, with the reason in the chapter.
            sections = tuple(s for s in SECTIONS if s.id != _BY_AUTHORITY)
            spec = next((s for s in SECTIONS if s.id == _BY_AUTHORITY), None)
            if spec is not None and not spec.unmet(ctx):
                ctx.leave_out(spec.id, spec.title, {"alone": _BY_AUTHORITY_ALONE})
        chosen, finishers = plan_sections(ctx, sections=sections)
        members.append(Member(area, ds, ctx, tuple(chosen), tuple(finishers)))
    names = [area for area, _ in areas]
    if settings.suppress:
        if progress is not None:
            progress("the counts of each year, for every chapter together")
        for key, (value, hidden) in _joint_blocks(members, names, no_area, settings).items():
            for member in members:
                if key in member.ctx.counts:
                    member.ctx.counts.fix(key, value, hidden=hidden)
    joint = _register([m.ctx.counts for m in members], names, no_area)
    if progress is not None:
        progress(f"disclosure control over {len(joint)} counts of {len(members)} chapters")
    protection = joint.protect(settings.rules, enabled=settings.suppress)
    for member in members:
        member.ctx._state["protection"] = protection
    return members, protection


def published_for_comparison(
    member: Member, protection: Protection, measures: Sequence[str]
) -> Published:
    """An area chapter's counts of ``measures`` as the comparison chapter looks them up
    (keyed without the area)."""
    return {
        _without_area(k): (member.ctx.counts.value(k), protection.hidden(k))
        for k in member.ctx.counts.keys
        if k.measure in measures
    }


def _without_area(key: CellKey) -> CellKey:
    return key.without(DIM.AREA)
