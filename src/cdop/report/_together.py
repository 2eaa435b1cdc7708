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
from dataclasses import dataclass, replace
from typing import Final

from cdop.dataset import Dataset
from cdop.disclosure import CellKey, LinkedCounts, Protection
from cdop.report._build import plan_sections
from cdop.report._history import (
    Published,
    least_left_out,
    pooled_windows,
    protect_year,
    single_year,
    tied_years,
    window_printed,
    window_register,
    year_blocks,
    year_register,
)
from cdop.report._model import Section
from cdop.report._tables import Disclosure
from cdop.report.sections import SECTIONS, Context, SectionSpec, financial_label
from cdop.report.sections._base import DIM, is_financial_label, safe

#: The panel's section of deaths by local authority, left out beside its areas' chapters.
_BY_AUTHORITY: Final = "deaths_by_area"
_BY_AUTHORITY_ALONE: Final = (
    "the panel's chapter published without its areas' chapters (beside them, each local "
    "authority's deaths would repeat an area chapter's total, which disclosure control "
    "does not yet tie to it; each area's chapter prints its own deaths)"
)

__all__ = ["Member", "plan_together", "published_for_comparison", "unlike_alone"]

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
) -> tuple[Published, dict[frozenset[str], bool | frozenset[str]]]:
    """The counts of each financial year any chapter prints (alone or within a pooled
    period), decided for every chapter together from that year's counts alone; then the
    counts of each fixed pooled window, decided for every chapter together from the
    chapters of the window's last year, with its years' counts fixed. Also the windows
    that cannot be published beside their years' counts (their block had to hide counts
    the years' blocks show: see :func:`cdop.report._history.window_withheld`)."""
    labels = sorted(
        {
            label
            for member in members
            for key in member.ctx.counts.keys
            for label in key.levels(DIM.YEAR) or ()
            if is_financial_label(label)
        }
    )
    planned: dict[tuple[int, int], Context] = {}

    def chapter(index: int, year: int) -> Context:
        found = planned.get((index, year))
        if found is None:
            found = planned[(index, year)] = _chapter_of(members[index], year, settings)
        return found

    decided: dict[int, Published] = {}

    def year_block(year: int) -> Published:
        """The joint block of ``year``, with the earlier years it is tied to decided
        first and fixed (as :mod:`cdop.report._history` does for one chapter)."""
        found = decided.get(year)
        if found is not None:
            return found
        label = financial_label(year)
        chapters = [chapter(index, year).counts for index in range(len(members))]
        earlier: Published = {}
        for before in tied_years(chapters, year):
            earlier.update(year_block(before))
        blocks = [year_register(counts, label, earlier) for counts in chapters]
        register = _register(blocks, areas, no_area)
        protection = protect_year(register, settings.rules)
        found = decided[year] = {
            key: (block.value(key), protection.hidden(key))
            for block in blocks
            for key in block.keys
            if single_year(key) == label
        }
        return found

    out: Published = {}
    for label in labels:
        out.update(year_block(int(label[:4])))
    windows = sorted({w for member in members for w in pooled_windows(member.ctx)}, key=sorted)
    trials: dict[tuple[frozenset[str], frozenset[str]], tuple[Published, bool]] = {}

    def window_block(window: frozenset[str], left_out: frozenset[str]) -> tuple[Published, bool]:
        """The joint block of ``window``, the window tables of the sections ``left_out``
        left out of every chapter, and whether it hides no count the year blocks show."""
        found = trials.get((window, left_out))
        if found is not None:
            return found
        end = int(max(window)[:4])
        chapters = [
            chapter(i, end) if not left_out else _chapter_of(m, end, settings, left_out)
            for i, m in enumerate(members)
        ]
        blocks = [window_register(c.counts, window) for c in chapters]
        register = _register(blocks, areas, no_area)
        # the window's years, and the counts of earlier years tied to the window's (as
        # for one chapter: see cdop.report._history._window_block)
        years = {
            k: v
            for k, v in out.items()
            if (year := single_year(k)) is not None and (year in window or k in register)
        }
        for key, (value, hidden) in years.items():
            register.fix(key, value, hidden=hidden)
        protection = register.protect(settings.rules)
        publishable = not protection.unprotectable and not any(
            not hidden and protection.hidden(key) for key, (_, hidden) in years.items()
        )
        decided = {
            key: (block.value(key), protection.hidden(key))
            for block in blocks
            for key in block.keys
            if key.levels(DIM.YEAR) == window
        }
        found = trials[(window, left_out)] = (decided, publishable)
        return found

    withheld: dict[frozenset[str], bool | frozenset[str]] = {}
    for window in windows:
        found, every_table = window_block(window, frozenset())
        if not every_table:
            # As for one chapter (cdop.report._history.least_left_out): the window tables
            # of as few sections as will do are left out of every chapter, else all.
            end = int(max(window)[:4])
            printed: dict[str, int] = {}
            for index, member in enumerate(members):
                for section, n in window_printed(
                    chapter(index, end), member.sections, window
                ).items():
                    printed[section] = printed.get(section, 0) + n

            def can_publish(left: frozenset[str], window: frozenset[str] = window) -> bool:
                return window_block(window, left)[1]

            chosen = least_left_out(printed, can_publish)
            withheld[window] = True if chosen is None else chosen
            if chosen is not None:
                found, _ = window_block(window, chosen)
        out.update(found)
    return out, withheld


def _chapter_of(
    member: Member, year: int, settings: Disclosure, left_out: frozenset[str] = frozenset()
) -> Context:
    """The member's chapter of ``year``: its own, or that year's planned afresh (the
    window tables of the sections ``left_out`` left out)."""
    if year == member.ctx.year and not left_out:
        return member.ctx
    source = Context(
        ds=member.ds,
        year=year,
        disclosure=settings,
        years_shown=member.ctx.years_shown,
        pool=member.ctx.pool,
        area=member.area,
        window_withheld=left_out,
    )
    plan_sections(source, sections=member.sections)
    return source


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
    members = _members(panel, areas, start, settings, progress=progress)
    names = [area for area, _ in areas]
    if settings.suppress:
        if progress is not None:
            progress("the counts of each year, for every chapter together")
        published, withheld = _joint_blocks(members, names, no_area, settings)
        verdict = withheld.get(frozenset(members[0].ctx.pooled_years), False)
        if verdict:
            # The window's tables left out of every chapter, or those of some sections
            # (see _joint_blocks); the year blocks decided for the chapters as first
            # planned are kept, and the window's block decided without those tables.
            members = _members(panel, areas, start, settings, withheld=verdict, progress=progress)
            whole = {window for window, found in withheld.items() if found is True}
            published = {
                key: found
                for key, found in published.items()
                if key.levels(DIM.YEAR) is None or key.levels(DIM.YEAR) not in whole
            }
        for key, (value, hidden) in published.items():
            for member in members:
                if key in member.ctx.counts:
                    member.ctx.counts.fix(key, value, hidden=hidden)
    joint = _register([m.ctx.counts for m in members], names, no_area)
    if progress is not None:
        progress(f"disclosure control over {len(joint)} counts of {len(members)} chapters")
    protection = safe(joint.protect(settings.rules, enabled=settings.suppress))
    for member in members:
        member.ctx._state["protection"] = protection
    return members, protection


def unlike_alone(panel: Member, protection: Protection, settings: Disclosure) -> dict[str, int]:
    """For each financial year before the reporting year (or pooled period of them), the
    number of the panel's counts of it that the chapters built together (``protection``)
    hide where the panel's chapter built on its own shows them, or show where it hides
    them; periods with none are left out.

    A panel that has published a chapter built on its own must not publish area chapters
    that print its years otherwise: read together they give hidden counts away (see
    docs/disclosure.md)."""
    if not settings.suppress:
        return {}
    start = panel.ctx.year
    ctx = Context(ds=panel.ds, year=start, disclosure=settings)
    chosen, _ = plan_sections(ctx, sections=SECTIONS)
    out: dict[str, int] = {}
    for key, (_, hidden) in year_blocks(ctx, chosen).items():
        years = sorted(key.levels(DIM.YEAR) or ())
        if key not in panel.ctx.counts or not years or protection.hidden(key) == hidden:
            continue
        if not all(is_financial_label(y) and int(y[:4]) < start for y in years):
            continue
        label = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
        out[label] = out.get(label, 0) + 1
    return dict(sorted(out.items()))


def _members(
    panel: Dataset,
    areas: Sequence[tuple[str, Dataset]],
    start: int,
    settings: Disclosure,
    *,
    withheld: bool | frozenset[str] = False,
    progress: Callable[[str], None] | None = None,
) -> list[Member]:
    """Every chapter of the publication planned (the panel's first); ``withheld``: the
    pooled window's tables left out (every section's, or those of the sections named)."""
    members: list[Member] = []
    for area, ds in [(None, panel), *areas]:
        if progress is not None:
            progress(f"planning the chapter of {area or 'the panel'}")
        ctx = Context(ds=ds, year=start, disclosure=settings, area=area, window_withheld=withheld)
        sections = SECTIONS
        if area is None:
            # The panel's deaths by local authority: each authority's deaths over the
            # pooled period are an area chapter's total under another name, which the
            # register does not tie to it (an attack on the chapters read together gave
            # hidden counts back exactly). Left out, with the reason in the chapter.
            sections = tuple(s for s in SECTIONS if s.id != _BY_AUTHORITY)
            spec = next((s for s in SECTIONS if s.id == _BY_AUTHORITY), None)
            # (said whether or not the pooled window is withheld too: this holds apart)
            if spec is not None and not spec.unmet(replace(ctx, window_withheld=False)):
                ctx.leave_out(spec.id, spec.title, {"alone": _BY_AUTHORITY_ALONE})
        chosen, finishers = plan_sections(ctx, sections=sections)
        members.append(Member(area, ds, ctx, tuple(chosen), tuple(finishers)))
    return members


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
