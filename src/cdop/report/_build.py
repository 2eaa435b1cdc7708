"""Building the chapter: choose the year, run the sections, render, write atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from cdop import disclosure, schema
from cdop._collect import fewer_collections
from cdop._files import check_output_folder, output_folder
from cdop._identifiers import _KINDS, identifier_kind
from cdop._progress import Progress, ProgressOption, progress_tracker
from cdop._safe import as_date, check_name
from cdop._version import __version__
from cdop.dataset import Dataset
from cdop.errors import CdopArgumentError, DataQualityWarning, IdentifierError
from cdop.report._history import read_previous, window_withheld, year_blocks
from cdop.report._model import Chapter, Omission, ReportFigure, ReportTable, Section
from cdop.report._render import check_formats
from cdop.report._settings import ChapterSettings, read_settings
from cdop.report._tables import Disclosure
from cdop.report._text import long_date
from cdop.report.sections import SECTIONS, Context, SectionSpec, financial_label
from cdop.report.sections._base import plan_sections as plan_each

__all__ = [
    "FORMATS",
    "NOT_FOR_PUBLICATION",
    "BuildResult",
    "Format",
    "build",
    "build_chapter",
    "chapter_settings",
    "choose_sections",
    "latest_complete_year",
]

Format = Literal["md", "html", "docx", "xlsx", "csv"]
#: Every output format, in the order written.
FORMATS: Final[tuple[Format, ...]] = ("md", "html", "docx", "xlsx", "csv")
#: Printed on every output when disclosure control is off.
NOT_FOR_PUBLICATION: Final = "NOT FOR PUBLICATION"


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` wrote: the chapter and the paths of every output file."""

    chapter: Chapter
    out: Path
    files: tuple[Path, ...]


def latest_complete_year(ds: Dataset) -> int:
    """The latest financial year (by its starting calendar year) the data cover in full.

    A year is complete when the latest date recorded (a notification or a completed
    review) is within a week of its end, 31 March, or later.

    Examples
    --------
    >>> import cdop
    >>> latest_complete_year(cdop.load_sample())
    2024
    """
    dates = pd.concat(
        [
            ds.notifications[schema.NOTIFICATIONS.date_notified],
            ds.reviews[schema.REVIEWS.date_review_completed],
        ]
    )
    if dates.empty:
        raise CdopArgumentError("the dataset holds no dates, so no reporting year is complete")
    latest = pd.Timestamp(dates.max()) + pd.Timedelta(days=7)
    end_year = latest.year if latest >= pd.Timestamp(latest.year, 3, 31) else latest.year - 1
    return int(end_year) - 1


def _parse_year(year: str | int | None, ds: Dataset) -> int:
    if year is None:
        return latest_complete_year(ds)
    text = str(year).strip()
    try:
        start = int(text[:4])
    except ValueError as exc:
        raise CdopArgumentError(
            f"year: expected a financial year such as '2024/25' (or 2024), got {year!r}"
        ) from exc
    if len(text) > 4 and text != financial_label(start):
        raise CdopArgumentError(
            f"year: expected a financial year such as '{financial_label(start)}', got {year!r}"
        )
    return start


def check_year_in_data(start: int, ds: Dataset) -> None:
    """Refuse a reporting year outside the years the data cover (a chapter of zeros).

    Raises
    ------
    CdopArgumentError
        Naming the year asked for and the years the data cover.

    Examples
    --------
    >>> import cdop
    >>> check_year_in_data(2031, cdop.load_sample())
    Traceback (most recent call last):
    ...
    cdop.errors.CdopArgumentError: year: 2031/32 is outside the data, ...
    """
    dates = pd.concat(
        [
            ds.notifications[schema.NOTIFICATIONS.date_notified],
            ds.reviews[schema.REVIEWS.date_review_completed],
        ]
    ).dropna()
    if dates.empty:
        raise CdopArgumentError("the dataset holds no dates, so no reporting year can be chosen")
    starts = [t.year if t.month >= 4 else t.year - 1 for t in (dates.min(), dates.max())]
    first, last = (int(y) for y in starts)
    if not first <= start <= last:
        raise CdopArgumentError(
            f"year: {financial_label(start)} is outside the data, which cover "
            f"{financial_label(first)} to {financial_label(last)}; choose a year in that range"
        )
    begin, end = pd.Timestamp(start, 4, 1), pd.Timestamp(start + 1, 4, 1)
    if not ((dates >= begin) & (dates < end)).any():
        warnings.warn(
            f"year: the data hold no death notified and no review completed in "
            f"{financial_label(start)}, though they cover {financial_label(first)} to "
            f"{financial_label(last)}: the chapter prints none for it. Check that the "
            "export covers that year",
            DataQualityWarning,
            stacklevel=3,
        )


def chapter_settings(settings: ChapterSettings | str | Path | None) -> ChapterSettings:
    """The chapter settings: as given, read from a settings file, or none (defaults).

    Examples
    --------
    >>> chapter_settings(None)
    ChapterSettings(panel=None, local_authorities=(), sections=None, threshold=None, \
learning=None, actions=None, panel_activity=None, source=None)
    """
    if settings is None:
        return ChapterSettings()
    if isinstance(settings, ChapterSettings):
        return settings
    if isinstance(settings, str | Path):
        return read_settings(settings)
    raise CdopArgumentError(
        "settings: expected a ChapterSettings or the path of a settings file (TOML); got "
        f"{type(settings).__name__}"
    )


def choose_sections(
    sections: Sequence[str] | None, *, source: Path | None = None
) -> tuple[SectionSpec, ...]:
    """The sections chosen by id, in the order given (every section when None).

    Raises
    ------
    CdopArgumentError
        Naming an unknown (or repeated) section and listing the valid ids.

    Examples
    --------
    >>> [s.id for s in choose_sections(["child_mortality", "activity"])]
    ['child_mortality', 'activity']
    >>> choose_sections(["infant"])
    Traceback (most recent call last):
    ...
    cdop.errors.CdopArgumentError: sections: unknown section 'infant' (did you mean \
'infant_mortality'?); the sections are key_messages, activity, ...
    """
    if sections is None:
        return SECTIONS
    where = "sections" if source is None else f"sections (in {source})"
    if isinstance(sections, str):
        sections = [s.strip() for s in sections.split(",") if s.strip()]
    by_id = {spec.id: spec for spec in SECTIONS}
    valid = ", ".join(by_id)
    chosen: list[SectionSpec] = []
    for name in sections:
        if not isinstance(name, str) or name not in by_id:
            close = [i for i in by_id if str(name) and i.startswith(str(name))]
            close = close or difflib.get_close_matches(str(name), list(by_id), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise CdopArgumentError(
                f"{where}: unknown section {name!r}{hint}; the sections are {valid}"
            )
        if by_id[name] in chosen:
            raise CdopArgumentError(f"{where}: section {name!r} is listed twice")
        chosen.append(by_id[name])
    if not chosen:
        raise CdopArgumentError(f"{where}: choose at least one section among {valid}")
    return tuple(chosen)


#: Title of the chapter's last section, listing what the data did not support.
NOT_INCLUDED_TITLE: Final = "Not included in this chapter"


def not_included(omitted: Sequence[Omission]) -> Section:
    """The section listing what was left out, one line each with what data would add it."""
    return Section(
        "not_included",
        NOT_INCLUDED_TITLE,
        (
            "These parts of the report are left out because the data given do not support "
            "them. The data named would add them:",
            *(o.line for o in omitted),
        ),
    )


def build_chapter(
    ds: Dataset,
    *,
    year: str | int | None = None,
    suppress: bool = True,
    rules: disclosure.DisclosureRules | None = None,
    date: dt.date | None = None,
    panel: str | None = None,
    progress: ProgressOption = None,
    previous: str | Path | Sequence[str | Path] | None = None,
    sections: Sequence[str] | None = None,
    settings: ChapterSettings | str | Path | None = None,
) -> Chapter:
    """Compute every section of the chapter (nothing is written).

    Sections the data do not support (an optional table or field missing, too few years
    to pool) are left out, and the chapter's last section says what data would add each
    (also in ``chapter.omitted``).

    Parameters
    ----------
    ds
        The validated dataset.
    year
        Reporting year ("2024/25" or 2024); default the latest complete year.
    suppress
        Apply disclosure control (default). When False every output is stamped
        "NOT FOR PUBLICATION".
    rules
        Disclosure rules (default :class:`cdop.disclosure.DisclosureRules`, with the
        settings' threshold when they give one).
    date
        Date printed on the chapter; none is printed if not given (never the clock).
    panel
        Name of the panel, printed in the subtitle (default: the settings' name, else
        "the panel").
    progress
        ``None`` (default): a progress bar in a notebook or an interactive session, nothing
        elsewhere; ``True`` or ``False``: a bar always or never; a function: called with a
        message at each step (``print`` gives a log).
    previous
        Folders of the panel's earlier chapters as published, when they were built
        from other data or rules: the counts they showed stay shown and those they hid
        stay hidden. Without them, the counts of each year are decided the same way in
        every chapter built from ``ds`` (see :mod:`cdop.report._history`).
    sections
        Section ids in the order wanted (default: the settings' list, else every
        section); the ids are those of :data:`cdop.report.sections.SECTIONS`.
    settings
        Chapter settings, or the path of a settings file (TOML, see
        :mod:`cdop.report._settings`); the arguments above win over them.

    Returns
    -------
    Chapter
        Its tables by id (``chapter.tables["review_durations"]``), each shown in a
        notebook as published and taken as a DataFrame with ``.to_frame()``; the
        sections left out, with what data would add them, in ``chapter.omitted``.

    Examples
    --------
    >>> import cdop
    >>> chapter = build_chapter(cdop.load_sample(), sections=["child_mortality"])
    >>> [s.id for s in chapter.sections], chapter.omitted
    (['child_mortality'], ())
    """
    options = chapter_settings(settings)
    panel = options.panel if panel is None else panel
    panel = "the panel" if panel is None else panel
    check_name(panel, "panel")
    specs = choose_sections(
        options.sections if sections is None else sections,
        source=options.source if sections is None else None,
    )
    if rules is None:
        rules = (
            disclosure.DisclosureRules()
            if options.threshold is None
            else disclosure.DisclosureRules(threshold=options.threshold)
        )
    with (
        fewer_collections(),
        progress_tracker(
            progress, total=_chapter_steps(len(specs)), desc="chapter", unit="steps"
        ) as tracker,
    ):
        return _chapter(
            ds,
            year=year,
            suppress=suppress,
            rules=rules,
            date=date,
            panel=panel,
            previous=previous,
            tracker=tracker,
            sections=specs,
            settings=options,
        )


def _check_footprint(ds: Dataset, settings: ChapterSettings) -> None:
    """Warn about a local authority of the settings that no record names (no death, no
    births or population row): printed with no deaths, it may be a name misspelt."""
    if not settings.local_authorities:
        return
    named: set[str] = set()
    for table, columns in (
        (
            ds.notifications,
            (schema.NOTIFICATIONS.residence_area, schema.NOTIFICATIONS.residence_la_code),
        ),
        (ds.births, (schema.BIRTHS.residence_area,)),
        (ds.population, (schema.POPULATION.residence_area,)),
    ):
        for column in columns:
            if table is not None and column in table.columns:
                named.update(str(v) for v in table[column].dropna().unique())
    unknown = [a for a in settings.local_authorities if a not in named]
    if unknown:
        warnings.warn(
            "local_authorities: "
            + ", ".join(repr(a) for a in unknown)
            + " named in the chapter settings, but in no record (no death, no births or "
            "population row): printed with no deaths; check the spelling against the data",
            DataQualityWarning,
            stacklevel=3,
        )


def _chapter_steps(sections: int) -> int:
    """About how many progress steps a chapter takes (the bar ends at 100% regardless)."""
    return 2 * sections + 2


def _chapter(
    ds: Dataset,
    *,
    year: str | int | None,
    suppress: bool,
    rules: disclosure.DisclosureRules,
    date: dt.date | None,
    panel: str,
    previous: str | Path | Sequence[str | Path] | None,
    tracker: Progress,
    sections: Sequence[SectionSpec],
    settings: ChapterSettings,
) -> Chapter:
    start = _parse_year(year, ds)
    date = as_date(date, "date")
    _check_footprint(ds, settings)
    protect = Disclosure(suppress=suppress, rules=rules)
    ctx, finishers, protection = plan_chapter(
        ds,
        start,
        protect,
        previous=previous,
        progress=tracker if tracker.shown else None,
        sections=sections,
        chapter_settings=settings,
    )
    return finish_chapter(
        ds,
        finishers,
        start=start,
        settings=protect,
        date=date,
        panel=panel,
        protection=protection,
        progress=tracker if tracker.shown else None,
        omitted=ctx.omitted,
        chapter_settings=ctx.settings,
    )


def finish_chapter(
    ds: Dataset,
    finishers: Sequence[Callable[[], Section]],
    *,
    start: int,
    settings: Disclosure,
    date: dt.date | None,
    panel: str,
    protection: disclosure.Protection,
    progress: Callable[[str], None] | None = None,
    omitted: Sequence[Omission] = (),
    chapter_settings: ChapterSettings | None = None,
) -> Chapter:
    """Write the planned sections (once disclosure control has run) into a chapter; the
    sections left out are listed in its last section."""
    written = []
    for index, finish in enumerate(finishers, start=1):
        section = finish()
        written.append(section)
        if progress is not None:
            progress(f"section {index} of {len(finishers)} written: {section.title.lower()}")
    if omitted:
        written.append(not_included(omitted))
    label = financial_label(start)
    return assemble_chapter(
        ds,
        _numbered(written),
        title=f"Child death review: annual report {label}",
        subtitle=f"Data on child deaths reviewed by {panel}, 1 April {start} to "
        f"{long_date(31, 3, start + 1)}",
        start=start,
        settings=settings,
        date=date,
        protection=protection,
        omitted=omitted,
        chapter_settings=chapter_settings,
    )


def plan_sections(
    ctx: Context,
    *,
    progress: Callable[[str], None] | None = None,
    sections: Sequence[SectionSpec] = SECTIONS,
) -> tuple[list[SectionSpec], list[Callable[[], Section]]]:
    """Plan the sections whose needs ``ctx`` meets: the sections planned and their
    finishing steps (the others are recorded in ``ctx.omitted``).

    Each registers the counts it prints in ``ctx.counts``; nothing is protected yet.
    """
    return plan_each(ctx, sections, progress)


def plan_chapter(
    ds: Dataset,
    start: int,
    settings: Disclosure,
    *,
    previous: str | Path | Sequence[str | Path] | None = None,
    progress: Callable[[str], None] | None = None,
    sections: Sequence[SectionSpec] = SECTIONS,
    chapter_settings: ChapterSettings | None = None,
) -> tuple[Context, list[Callable[[], Section]], disclosure.Protection]:
    """Plan every section and run disclosure control over the chapter as a whole.

    Sections whose needs the data do not meet are left out (``ctx.omitted`` says which
    and what data would add them). Returns the context, each planned section's finishing
    step and the protection (what is hidden); the sections are written by calling the
    finishing steps.

    When the pooled window's tables cannot be published beside the years' counts as the
    chapters before printed them (:func:`cdop.report._history.window_withheld`), the
    chapter is planned again without them (one section's, when that is enough), and
    says why.
    """
    ctx = Context(
        ds=ds, year=start, disclosure=settings, settings=chapter_settings or ChapterSettings()
    )
    _ = ctx.inputs  # the panel's own files are read (and any mistake in them named) up front
    chosen, finishers = plan_sections(ctx, progress=progress, sections=sections)
    if settings.suppress:
        if progress is not None:
            progress("the counts of each year, as every chapter prints them")
        # The counts of each year and pooled window are decided from the chapter of every
        # section the data support, whichever sections this chapter prints: a panel may
        # print other sections another year, and blocks decided from each year's choice
        # hid the same window differently (the sample's 2023/24 chapter read with a
        # 2024/25 chapter of three sections gave 4 hidden counts back). A chapter of
        # fewer sections prints part of what the whole chapter would, hidden alike.
        # (in the library's order too: the order breaks ties in choosing the sections
        # whose window tables to leave out)
        every, every_chosen = ctx, chosen
        whole = _every_section(sections)
        if [s.id for s in sections] != [s.id for s in whole]:
            every = Context(
                ds=ds, year=start, disclosure=settings, settings=ctx.settings, _inputs=ctx._inputs
            )
            every_chosen, _ = plan_sections(every, sections=whole)
        published = year_blocks(every, every_chosen)
        withheld = window_withheld(every, every_chosen)
        if withheld:
            # Planned again without the window's tables (every section's, or those of
            # the sections named); the blocks are those decided for every section, so
            # they are the same.
            ctx = Context(
                ds=ds,
                year=start,
                disclosure=settings,
                settings=ctx.settings,
                window_withheld=withheld,
                _inputs=ctx._inputs,
            )
            _, finishers = plan_sections(ctx, sections=sections)
        if previous is not None:
            folders = [previous] if isinstance(previous, str | Path) else list(previous)
            published.update(
                read_previous(folders, ds, settings, chosen, chapter_settings=ctx.settings)
            )
        for key, (value, hidden) in published.items():
            ctx.counts.fix(key, value, hidden=hidden)
    if progress is not None:
        progress(f"disclosure control over {len(ctx.counts)} published counts")
    return ctx, finishers, ctx.protect()


def _every_section(sections: Sequence[SectionSpec]) -> list[SectionSpec]:
    """Every section of the library, a section of ``sections`` in place of the library's
    of the same id, and the others of ``sections`` (a panel's own) after them: the
    chapter from which the counts of each year and window are decided."""
    given = {s.id: s for s in sections}
    own = [given.get(s.id, s) for s in SECTIONS]
    return [*own, *(s for s in sections if s.id not in {o.id for o in SECTIONS})]


def _settings_checksums(settings: ChapterSettings | None) -> list[tuple[str, str]]:
    """Provenance rows of the chapter settings file and the panel's own files it names."""
    if settings is None:
        return []
    files = (settings.source, settings.learning, settings.actions, settings.panel_activity)
    what = ("chapter settings", "learning", "actions", "panel activity")
    for path, name in zip(files, what, strict=True):
        kind = None if path is None else identifier_kind(path.name)
        if kind is not None:
            # the name is printed in the provenance note
            raise IdentifierError(
                f"The name of the {name} file holds {_KINDS[kind]} (the name is not "
                "repeated here); the chapter prints the names of the files it read. Rename "
                "the file, then try again."
            )
    return [
        (f"SHA-256 of {path.name}", hashlib.sha256(path.read_bytes()).hexdigest())
        for path in files
        if path is not None
    ]


def assemble_chapter(
    ds: Dataset,
    sections: Sequence[Section],
    *,
    title: str,
    subtitle: str,
    start: int,
    settings: Disclosure,
    date: dt.date | None,
    options: str = "",
    protection: disclosure.Protection | None = None,
    omitted: Sequence[Omission] = (),
    chapter_settings: ChapterSettings | None = None,
) -> Chapter:
    """A chapter from its sections, with the matter every chapter shares: the printed
    date, the provenance note (library version, options, SHA-256 of each input file:
    the data, and the chapter settings and the panel's own files when given),
    the disclosure note, and the NOT FOR PUBLICATION stamp when disclosure control is off.
    """
    label = financial_label(start)
    described = (
        f"year={label}; {options + '; ' if options else ''}disclosure control="
        f"{'on' if settings.suppress else 'OFF'}; threshold={settings.rules.threshold}"
    )
    loss = protection.loss() if protection is not None and settings.suppress else None
    provenance = (
        ("cdop version", __version__),
        ("Options", described),
        *(
            (
                (
                    "Disclosure control",
                    f"{loss['hidden']} of the {loss['counts']} counts the chapter prints are "
                    "hidden (small counts, the counts that would reveal them, and counts "
                    "hidden in earlier chapters)",
                ),
            )
            if loss is not None
            else ()
        ),
        *((f"SHA-256 of {name}", digest) for name, digest in sorted(ds.checksums.items())),
        *_settings_checksums(chapter_settings),
    )
    published = f"Published {long_date(date.day, date.month, date.year)}. " if date else ""
    return Chapter(
        title=title,
        subtitle=subtitle,
        date_text=published + f"Data to {long_date(31, 3, start + 1)}.",
        sections=tuple(sections),
        provenance=provenance,
        stamp=None if settings.suppress else NOT_FOR_PUBLICATION,
        protection=protection,
        marker=settings.rules.marker if settings.suppress else "",
        omitted=tuple(omitted),
        disclosure_note=disclosure.disclosure_note(settings.rules)
        if settings.suppress
        else (
            "Disclosure control is OFF: small numbers are shown. This output must not be "
            "published or shared outside the panel."
        ),
    )


def _numbered(sections: Sequence[Section]) -> list[Section]:
    """The sections in reading order (front sections first), tables and figures numbered."""
    table_no = figure_no = 0
    out = []
    ordered = [s for s in sections if s.placement == "front"]
    ordered += [s for s in sections if s.placement != "front"]
    for section in ordered:
        tables: list[ReportTable] = []
        figures: list[ReportFigure] = []
        for table in section.tables:
            table_no += 1
            tables.append(dataclasses.replace(table, number=table_no))
        for figure in section.figures:
            figure_no += 1
            figures.append(dataclasses.replace(figure, number=figure_no))
        out.append(dataclasses.replace(section, tables=tuple(tables), figures=tuple(figures)))
    return out


def build(
    ds: Dataset,
    *,
    out: str | Path,
    year: str | int | None = None,
    formats: Sequence[Format] = FORMATS,
    suppress: bool = True,
    rules: disclosure.DisclosureRules | None = None,
    date: dt.date | None = None,
    panel: str | None = None,
    progress: ProgressOption = None,
    previous: str | Path | Sequence[str | Path] | None = None,
    template: str | Path | None = None,
    sections: Sequence[str] | None = None,
    settings: ChapterSettings | str | Path | None = None,
) -> BuildResult:
    """Build the chapter and write it to ``out`` in the chosen formats.

    The arguments other than ``out`` and ``formats`` are those of :func:`build_chapter`:
    ``sections`` chooses the sections and their order, ``settings`` reads a chapter
    settings file; sections the data do not support are left out and listed.

    The output folder is written in full or not at all: files go to a hidden folder
    beside ``out`` that replaces it at the end by one atomic rename. An existing ``out``
    is replaced only if it is empty or holds nothing but the files an earlier build wrote
    there, unchanged; one build writes to a folder at a time (see :mod:`cdop._files`).

    Parameters
    ----------
    ds
        The validated dataset (:func:`cdop.read_dataset`).
    out
        The output folder, written as a whole.
    year
        Reporting year, "2024/25" or 2024 (the year in which April falls); default the
        latest year the data cover in full (:func:`latest_complete_year`). A year outside
        the data is refused.
    formats
        Some of ``"md"``, ``"html"``, ``"docx"``, ``"xlsx"``, ``"csv"`` (default all;
        figures are written as PNG and SVG with any format).
    suppress
        Apply disclosure control (default). When False every output is stamped
        "NOT FOR PUBLICATION".
    rules
        Disclosure rules (default :class:`cdop.disclosure.DisclosureRules`: hide counts
        from 1 to 5, no rate from fewer than 3 deaths, "u" below 20).
    date
        Date printed on the chapter as its publication date; none is printed if not given
        (never the clock, so the same data give the same files).
    panel
        Name of the panel, printed in the subtitle.
    progress
        ``None`` (default): a progress bar in a notebook or an interactive session,
        nothing elsewhere; ``True`` or ``False``: a bar always or never; a function:
        called with a message at each step (``print`` gives a log).
    previous
        Folders of the panel's earlier chapters as published, when they were built from
        other data or rules: the counts they hid stay hidden (see :func:`build_chapter`).
    template
        A panel's own Word file (``.docx`` or ``.dotx``): the Word output takes its
        styles, page setup, headers and footers (a missing or damaged file is refused
        before anything is built).

    Returns
    -------
    BuildResult
        The chapter and the paths written (``chapter.md``, ``chapter.html``,
        ``chapter.docx``, ``chapter.xlsx``, ``tables/<id>.csv``, ``figures/<id>.png|svg``).

    Raises
    ------
    CdopArgumentError
        A format, year, panel name or output folder that cannot be used, with the reason.

    Examples
    --------
    >>> import tempfile, cdop
    >>> from cdop.report import build
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     result = build(cdop.load_sample(), out=f"{tmp}/report", formats=["md"])
    ...     sorted(p.name for p in result.files)[:2]
    ['activity.png', 'activity.svg']
    """
    from cdop.report._render import render

    date = as_date(date, "date")
    formats = check_formats(formats)
    target = check_output_folder(out)
    check_year_in_data(_parse_year(year, ds), ds)
    template_bytes = None
    if template is not None:
        from cdop.report._docx import check_template

        template_bytes = check_template(template)
    options = chapter_settings(settings)
    specs = choose_sections(
        options.sections if sections is None else sections,
        source=options.source if sections is None else None,
    )
    panel = options.panel if panel is None else panel
    panel = "the panel" if panel is None else panel
    check_name(panel, "panel")
    if rules is None:
        rules = (
            disclosure.DisclosureRules()
            if options.threshold is None
            else disclosure.DisclosureRules(threshold=options.threshold)
        )
    with (
        fewer_collections(),
        progress_tracker(
            progress, total=_chapter_steps(len(specs)) + 1, desc="chapter", unit="steps"
        ) as tracker,
        output_folder(target) as staging,
    ):
        chapter = _chapter(
            ds,
            year=year,
            suppress=suppress,
            rules=rules,
            date=date,
            panel=panel,
            previous=previous,
            tracker=tracker,
            sections=specs,
            settings=options,
        )
        tracker.note(f"writing {', '.join(formats)}")
        written = render(chapter, staging, formats, date=date, template=template_bytes)
        tracker.step(f"wrote {', '.join(formats)}")
    files = tuple(target / p.relative_to(staging) for p in written)
    return BuildResult(chapter=chapter, out=target, files=files)
