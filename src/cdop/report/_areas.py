"""Reports for several areas at once: one chapter per area and a comparison chapter.

The data are read and validated once; each area's chapter is built from that area's
records (the same code as a single-area chapter), in parallel worker processes. The
comparison chapter ranks the areas on key indicators against all areas together (the
total of the areas in the data, not England unless the data are all of England) with
funnel plots, under the same disclosure control.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from cdop import analytics, disclosure, schema
from cdop._collect import fewer_collections, for_worker
from cdop._files import check_output_folder, output_folder
from cdop._progress import ProgressOption, progress_tracker
from cdop._safe import as_date, check_name
from cdop.analytics._areas import ALL_AREAS
from cdop.analytics._mortality import _covered_years as covered_years
from cdop.dataset import Dataset
from cdop.disclosure import CellKey, LinkedCounts
from cdop.errors import CdopArgumentError, CdopError, DataQualityWarning, DisclosureWarning
from cdop.report._build import (
    FORMATS,
    Format,
    _numbered,
    _parse_year,
    assemble_chapter,
    check_year_in_data,
    finish_chapter,
    not_included,
    plan_chapter,
)
from cdop.report._figures import make_figure
from cdop.report._history import Published
from cdop.report._model import Chapter, Omission, ReportTable, Section
from cdop.report._render import check_formats
from cdop.report._tables import Disclosure
from cdop.report._text import fmt_count, fmt_interval, fmt_percent, fmt_rate, long_date
from cdop.report._tidy import tidy_frame
from cdop.report.sections import financial_label
from cdop.report.sections._base import DIM, MEASURE, WITHIN_LEVELS
from cdop.report.sections._needs import longest_run
from cdop.report.sections.infant import calendar_years

if TYPE_CHECKING:
    import datetime as dt

    from matplotlib.axes import Axes

__all__ = ["AreasResult", "area_dataset", "build_areas", "check_areas", "comparison_chapter"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_O = schema.OUTPUT
_COMPARISON: Final = {"higher": "Higher", "lower": "Lower", "similar": "Similar"}


@dataclass(frozen=True)
class AreasResult:
    """What :func:`build_areas` wrote."""

    out: Path
    areas: tuple[str, ...]
    folders: tuple[Path, ...]  # one per area, in the order of ``areas``
    comparison: Path
    files: tuple[Path, ...]
    panel: Path | None = None  # the panel's own chapter, when built with its areas
    #: The number of the panel's counts of each earlier financial year (or pooled
    #: period) printed otherwise than by its chapters built on their own, when the
    #: panel's chapter is built too (empty when they print them alike).
    unlike_alone: Mapping[str, int] = dataclasses.field(default_factory=dict)
    #: The areas whose chapter was not written, as disclosure control could not protect
    #: it, each with the reason (the comparison chapter then hides the area's counts).
    left_out: Mapping[str, str] = dataclasses.field(default_factory=dict)


def area_dataset(ds: Dataset, area: str, *, by: str = _N.residence_area) -> Dataset:
    """The records of one area as a dataset of their own (no second validation).

    Notifications of the area, their reviews, and the area's births and population rows.

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> area_dataset(ds, "Northmoor")
    <cdop.Dataset: 310 notifications, 277 reviews, 50 births rows, 250 population rows, 367 factors>
    """
    notes = ds.notifications
    keep = notes[by] == area
    notes = notes[keep.fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
    reviews = ds.reviews
    reviews = reviews[reviews[_R.case_id].isin(notes[_N.case_id])].reset_index(drop=True)

    factors = ds.factors

    def part(table: pd.DataFrame | None) -> pd.DataFrame | None:
        if table is None:
            return None
        if by not in table.columns:
            raise CdopArgumentError(
                f"by: the denominators have no {by!r} column, so an area's "
                "births or population cannot be separated"
            )
        mask = (table[by] == area).fillna(False).to_numpy(dtype=bool)
        return table[mask].reset_index(drop=True)

    return Dataset(
        notes,
        reviews,
        births=part(ds.births),
        population=part(ds.population),
        factors=None if factors is None else factors[factors[_R.case_id].isin(notes[_N.case_id])],
        report=ds.report,
        files=ds.files,
        checksums=ds.checksums,
    )


#: Longest folder name for an area, in bytes (file systems allow 255).
_MAX_SLUG_BYTES: Final = 80
#: Names Windows keeps for devices, which cannot name a folder there.
_RESERVED: Final = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)]
)


def _slug(area: str) -> str:
    """The folder name of an area: lower-case letters and digits joined by ``-``.

    Long names are cut to :data:`_MAX_SLUG_BYTES` bytes and end with a short hash of the
    whole name, so that two long names stay apart.

    Examples
    --------
    >>> _slug("North Moor & Dale"), _slug("Ynys Môn"), _slug("NUL"), _slug("***")
    ('north-moor-dale', 'ynys-môn', 'nul-area', 'area')
    >>> len(_slug("x" * 200).encode())
    80
    """
    text = unicodedata.normalize("NFKC", area).casefold()
    slug = re.sub(r"[\W_]+", "-", text).strip("-") or "area"
    if slug in _RESERVED:
        slug += "-area"
    if len(slug.encode()) > _MAX_SLUG_BYTES:
        digest = hashlib.sha256(area.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        head = slug.encode()[: _MAX_SLUG_BYTES - len(digest) - 1].decode("utf-8", "ignore")
        slug = f"{head.rstrip('-')}-{digest}"
    return slug


def check_areas(areas: Sequence[str], by: str) -> list[str]:
    """The folder name of each area, after checking every name up front.

    Raises
    ------
    CdopArgumentError
        If a name is not fit for a title or a folder (see :func:`cdop._safe.check_name`),
        is "All areas" (the comparison's name for the areas together), or two names differ
        only in case, spaces or punctuation (they would share a folder).

    Examples
    --------
    >>> check_areas(["England", "Northmoor", "Southvale"], "residence_area")
    ['england', 'northmoor', 'southvale']
    >>> check_areas(["North Moor", "north-moor"], "residence_area")
    Traceback (most recent call last):
    ...
    cdop.errors.CdopArgumentError: by: the areas 'North Moor' and 'north-moor' ...
    """
    slugs: dict[str, str] = {}
    for area in areas:
        check_name(area, f"by: an area in {by!r}")
        # spaces of any kind and width folded: "All  areas" or "All\u00a0areas" would
        # print as the comparison's row of all areas
        if " ".join(unicodedata.normalize("NFKC", area).split()).casefold() == ALL_AREAS.casefold():
            raise CdopArgumentError(
                f"by: an area in {by!r} is named {area!r}; the comparison chapter uses "
                f"{ALL_AREAS!r} for the areas together, so rename that area in the data"
            )
        slug = _slug(area)
        if slug in slugs:
            raise CdopArgumentError(
                f"by: the areas {slugs[slug]!r} and {area!r} in {by!r} differ only in case, "
                f"spaces or punctuation, so they would share the folder {slug!r}; if they "
                "are one area, spell it one way in the data"
            )
        slugs[slug] = area
    return list(slugs)


def _link_text(text: str) -> str:
    """Markdown link text: escaped (square brackets and ``<`` included)."""
    from cdop.report._markdown import escape_markdown

    return escape_markdown(text)


# -- the comparison chapter ---------------------------------------------------------------
#: Measures whose counts an area's chapter prints and the comparison chapter prints again.
_LINKED: Final = (MEASURE.REVIEWED, MEASURE.INFANT_DEATHS_CALENDAR, MEASURE.DEATHS)
#: Level of the area characteristic for records with no area.
_NO_AREA: Final = "\x00no area"
#: Characteristic splitting a percentage's denominator into its count and the rest.
_PART: Final = "\x00part"
#: The duration levels of reviews not within 12 months (more than 12 months to the day).
_OVER_12: Final = ("12+", "13+")


def area_published(
    ds: Dataset, area: str, *, by: str, start: int, settings: Disclosure
) -> Published:
    """What the chapter of one area prints of the counts the comparison chapter repeats."""
    ctx, _, protection = plan_chapter(area_dataset(ds, area, by=by), start, settings)
    return _linked(ctx.counts.keys, ctx.counts.value, protection.hidden)


def _linked(
    keys: Sequence[CellKey], value: Callable[[CellKey], int], hidden: Callable[[CellKey], bool]
) -> Published:
    return {k: (value(k), hidden(k)) for k in keys if k.measure in _LINKED}


def _count_masks(
    numerator: np.ndarray,
    keys: Sequence[CellKey],
    published: Sequence[Published],
    settings: Disclosure,
    *,
    extra: np.ndarray | None = None,
) -> np.ndarray:
    """Per area: is its count hidden? Yes when it is small, when its own chapter hides
    any of the counts it is made of (``keys``, or does not print them while the count is
    not zero), or when ``extra`` says so."""
    if not settings.suppress:
        return np.zeros(len(numerator), dtype=bool)
    threshold = settings.rules.threshold
    out = (numerator >= 1) & (numerator <= threshold)
    for i, pub in enumerate(published):
        for key in keys:
            entry = pub.get(key)
            if (entry is None and numerator[i] > 0) or (entry is not None and entry[1]):
                out[i] = True
    if extra is not None:
        out |= extra
    return np.asarray(out, dtype=bool)


def _total_hidden(
    measure: str,
    areas: Sequence[str],
    counts: np.ndarray,
    hidden: np.ndarray,
    total: float,
    settings: Disclosure,
) -> bool:
    """Whether the count of all areas together must be hidden: with it shown, a reader
    could work out (or narrow to a small number) an area's hidden count."""
    if not settings.suppress or not hidden.any():
        return False
    linked = LinkedCounts()
    linked.universe(DIM.AREA, [*areas, _NO_AREA])
    for area, n, h in zip(areas, counts, hidden, strict=True):
        linked.fix(CellKey.of(measure, **{DIM.AREA: area}), int(n), hidden=bool(h))
    rest = round(total - float(counts.sum()))
    linked.fix(CellKey.of(measure, **{DIM.AREA: _NO_AREA}), max(rest, 0), hidden=False)
    key = linked.add(CellKey.of(measure), round(total))
    return linked.protect(settings.rules).hidden(key)


def _total_narrows(
    areas: Sequence[str],
    counts: np.ndarray,
    hidden: np.ndarray,
    keys: Sequence[CellKey],
    by_area: Mapping[str, Published],
    ranges: Mapping[str, Ranges],
) -> bool:
    """Whether the count of all areas together would narrow the count of an area whose
    count is hidden here, read with the range each area's own chapter leaves it.

    Shown, the total gives the reader the sum of the hidden areas' counts (the shown
    ones, and the records of no area, are known). Each hidden count ``x`` lies in the
    range its chapter leaves it, ``[lo, hi]``; with the sum ``S``, area ``a``'s lies in
    ``[S - sum of the others' hi, S - sum of the others' lo]``. When that cuts into its
    own range, the total tells the reader something of it that its chapter does not
    (and, through the chapter's counts of it, of those too): the total is hidden. An
    area whose range cannot be told (its chapter does not print the count) hides the
    total too.

    Examples
    --------
    >>> key = CellKey.of("deaths", year="2024/25")
    >>> shown = {"A": {key: (9, True)}, "B": {key: (4, True)}}
    >>> _total_narrows(["A", "B"], np.array([9, 4]), np.array([True, True]), [key],
    ...     shown, {"A": {key: (10.0, 12.0)}, "B": {key: (1.0, 20.0)}})
    True
    >>> _total_narrows(["A", "B"], np.array([9, 4]), np.array([True, True]), [key],
    ...     shown, {"A": {key: (1.0, 12.0)}, "B": {key: (1.0, 12.0)}})
    False
    """
    at = np.flatnonzero(hidden)
    if at.size == 0:
        return False
    bounds: list[tuple[float, float]] = []
    for i in at.tolist():
        area = str(areas[i])
        found = _range_of(area, float(counts[i]), keys, by_area.get(area, {}), ranges.get(area, {}))
        if found is None:
            return True
        bounds.append(found)
    total = float(counts[at].sum())
    low = np.array([b[0] for b in bounds])
    high = np.array([b[1] for b in bounds])
    for j in range(at.size):
        others_low = float(np.delete(low, j).sum())  # (not the sum less one: inf - inf)
        others_high = float(np.delete(high, j).sum())
        if total - others_high > low[j] + 0.5 or total - others_low < high[j] - 0.5:
            return True
    return False


def _range_of(
    area: str, count: float, keys: Sequence[CellKey], published: Published, ranges: Ranges
) -> tuple[float, float] | None:
    """The range a reader of an area's chapter can give the area's count made of
    ``keys`` (one count, or the deprivation quintiles of infant deaths): the count
    itself when its chapter shows it (or every part of it), the range gathered from the
    chapter otherwise, None when neither is known."""
    if len(keys) == 1:
        entry = published.get(keys[0])
        if entry is not None and not entry[1]:
            return float(entry[0]), float(entry[0])
        return ranges.get(keys[0])
    group = keys[0].without(DIM.QUINTILE)
    if group in ranges:
        return ranges[group]
    if all((e := published.get(k)) is not None and not e[1] for k in keys):
        return count, count  # every quintile shown, and those of none given with them
    return None


def _share_total_hidden(
    measure: str,
    areas: Sequence[str],
    numerator: np.ndarray,
    denominator: np.ndarray,
    hidden: tuple[np.ndarray, np.ndarray, np.ndarray],
    totals: tuple[float, float],
    settings: Disclosure,
) -> bool:
    """Whether the percentage of all areas together must be hidden: with it and the
    areas' denominators, a reader has the count of all areas and the count of the rest
    (the denominator less the count: reviews not within 12 months), and either could
    work out or narrow an area's hidden count.

    ``hidden``: per area, whether its count, its denominator and the rest are hidden;
    ``totals``: the count and the denominator of all areas together (with the records of
    no area)."""
    if not settings.suppress:
        return False
    hidden_n, hidden_d, hidden_rest = hidden
    total_n, total_d = totals
    linked = LinkedCounts()
    linked.universe(DIM.AREA, [*areas, _NO_AREA])
    linked.universe(_PART, ["in", "rest"])
    rows = [
        *zip(areas, numerator, denominator, hidden_n, hidden_d, hidden_rest, strict=True),
        (
            _NO_AREA,
            max(round(total_n - float(numerator.sum())), 0),
            max(round(total_d - float(denominator.sum())), 0),
            False,
            False,
            False,
        ),
    ]
    for area, n, d, h_n, h_d, h_rest in rows:
        where = {DIM.AREA: str(area)}
        linked.fix(CellKey.of(measure, **where), int(d), hidden=bool(h_d))
        linked.fix(CellKey.of(measure, **where, **{_PART: "in"}), int(n), hidden=bool(h_n))
        linked.fix(CellKey.of(measure, **where, **{_PART: "rest"}), int(d - n), hidden=bool(h_rest))
    keys = [
        linked.add(CellKey.of(measure), round(total_d)),
        linked.add(CellKey.of(measure, **{_PART: "in"}), round(total_n)),
        linked.add(CellKey.of(measure, **{_PART: "rest"}), round(total_d - total_n)),
    ]
    protection = linked.protect(settings.rules)
    return any(protection.hidden(key) for key in keys)


def _ranked_among_shown(
    compared: pd.DataFrame,
    by: str,
    hidden: np.ndarray,
    count_hidden: np.ndarray,
    denominator_hidden: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The areas whose figure is shown, in their order and ranked among themselves, then
    the areas whose figure is hidden, in alphabetical order (with the masks in the new
    order). Ranked with the hidden areas, or listed in their place, a hidden area's
    position would bound its hidden figure by its neighbours' values."""
    if not hidden.any():
        return compared, hidden, count_hidden, denominator_hidden
    rank = compared["rank"].to_numpy(dtype=float, na_value=np.nan)
    shown_ranks = np.sort(rank[~hidden & ~np.isnan(rank)])
    # 1 + the number of shown areas ranked strictly before: ties keep a shared rank.
    before = np.searchsorted(shown_ranks, rank, side="left")
    among = np.where(hidden | np.isnan(rank), np.nan, 1.0 + before)
    names = compared[by].astype(str).to_numpy()
    order = [*np.flatnonzero(~hidden), *sorted(np.flatnonzero(hidden), key=lambda i: names[i])]
    reordered = compared.assign(rank=pd.array(among, dtype="Float64").astype("Int64"))
    return (
        reordered.iloc[order].reset_index(drop=True),
        hidden[order],
        count_hidden[order],
        denominator_hidden[order],
    )


def _area_section(
    section_id: str,
    title: str,
    compared: pd.DataFrame,
    *,
    by: str,
    settings: Disclosure,
    numerator_label: str,
    denominator_label: str,
    value_label: str,
    percent: bool,
    period: str,
    notes: Sequence[str],
    ylabel: str,
    count_hidden: np.ndarray,
    denominator_hidden: np.ndarray,
    benchmark_hidden: bool,
    no_area: bool = False,
) -> Section:
    marker = settings.marker
    numerator = compared["numerator"].to_numpy(dtype=float)
    # A figure is shown only when its count (and a percentage's denominator) is shown:
    # with the denominator, a percentage or rate gives the count back. No rate from
    # fewer than the minimum number of events.
    hidden = count_hidden | denominator_hidden
    if not percent and settings.suppress:
        hidden = hidden | (numerator < settings.rules.min_rate_events)
    if benchmark_hidden:  # no comparison with a value that cannot be shown
        compared = compared.assign(comparison_95=np.nan, comparison_99_8=np.nan, rank=np.nan)
    compared, hidden, count_hidden, denominator_hidden = _ranked_among_shown(
        compared, by, hidden, count_hidden, denominator_hidden
    )
    rows: list[tuple[str, ...]] = []
    tidy: list[dict[str, Any]] = []
    for record, hide, hide_count, hide_denominator in zip(
        compared.to_dict("records"), hidden, count_hidden, denominator_hidden, strict=True
    ):
        value, lo, hi = record["value"], record["lower_ci_95"], record["upper_ci_95"]
        fmt = fmt_percent if percent else fmt_rate
        shown_value = (
            marker
            if hide or pd.isna(value)
            else (f"{fmt(value)} ({fmt_interval(lo, hi, percent=percent)})")
        )
        comparison = (
            "–"
            if hide or pd.isna(record["comparison_95"])
            else (_COMPARISON[str(record["comparison_95"])])
        )
        outer = (
            "–"
            if hide or pd.isna(record["comparison_99_8"])
            else (_COMPARISON[str(record["comparison_99_8"])])
        )
        rank = "–" if hide or pd.isna(record["rank"]) else str(int(record["rank"]))
        rows.append(
            (
                rank,
                str(record[by]),
                marker if hide_count else fmt_count(record["numerator"]),
                marker if hide_denominator else fmt_count(record["denominator"]),
                shown_value,
                comparison,
                outer,
            )
        )
        tidy.append(
            {
                by: record[by],
                "rank": None if rank == "–" else int(rank),
                "numerator": None if hide_count else int(record["numerator"]),
                "denominator": None if hide_denominator else record["denominator"],
                "value": None if hide else value,
                "lower_ci_95": None if hide else lo,
                "upper_ci_95": None if hide else hi,
                "benchmark_value": None if benchmark_hidden else record["benchmark_value"],
                "comparison_95": "" if comparison == "–" else str(record["comparison_95"]),
                "comparison_99_8": "" if outer == "–" else str(record["comparison_99_8"]),
                "suppressed": bool(hide or hide_count or hide_denominator),
            }
        )
    england = float(compared["benchmark_value"].iloc[0]) if len(compared) else float("nan")
    england_text = (
        marker if benchmark_hidden else (fmt_percent(england) if percent else fmt_rate(england))
    )
    all_notes = [
        *notes,
        "All areas: the areas together"
        + (", with the deaths whose area is not recorded" if no_area else "")
        + f", {england_text}. Compared with all areas: "
        "the area's interval (95% or 99.8%) lies wholly above (higher) or below "
        "(lower) the value of all areas, or includes it (similar); the funnel plot shows "
        "the same test.",
    ]
    if benchmark_hidden:
        all_notes.append(
            "The value of all areas together is not shown: with it, a hidden count could be "
            "worked out. Areas are therefore not compared with it."
        )
    if (count_hidden | hidden).any():
        all_notes.append(
            disclosure.disclosure_note(settings.rules, hidden_counts=True)
            + " Areas whose figure would reveal such a count are not ranked or plotted, and "
            "are listed after the areas ranked, in alphabetical order."
        )
    table_out = ReportTable(
        section_id,
        f"{title}, {period}: areas ranked",
        (
            "Rank",
            "Area",
            numerator_label,
            denominator_label,
            value_label,
            "Compared with all areas (95%)",
            "Compared with all areas (99.8%)",
        ),
        tuple(rows),
        tidy_frame(
            tidy,
            counts=["rank", "numerator", "denominator"],
            numbers={"value": 3, "lower_ci_95": 3, "upper_ci_95": 3, "benchmark_value": 3},
        ),
        notes=tuple(all_notes),
        align=("right", "left", "right", "right", "right", "left", "left"),
    )
    plotted = compared[~hidden & compared["value"].notna().to_numpy()]
    if benchmark_hidden:
        plotted = plotted.iloc[0:0]

    def draw(ax: Axes) -> None:
        from cdop.plots import funnel_plot

        if plotted.empty:
            ax.text(
                0.5,
                0.5,
                "No area can be shown without revealing small numbers.",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
            ax.set_axis_off()
            return
        funnel_plot(plotted, ax, area=by, ylabel=ylabel, xlabel=denominator_label)

    figure = make_figure(
        section_id,
        f"{title}, {period}: funnel plot of areas",
        f"Funnel plot of {title.lower()} by area against all areas together, with 95% "
        "and 99.8% control limits.",
        draw,
        size=(6.5, 4.0),
    )
    higher = int((compared["comparison_99_8"][~hidden] == "higher").sum())
    lower = int((compared["comparison_99_8"][~hidden] == "lower").sum())
    text = (
        f"Of {len(compared)} areas, {higher} had {title.lower()} significantly higher than "
        f"all areas together ({england_text}) at the 99.8% level and {lower} significantly "
        f"lower."
        if not benchmark_hidden
        else f"Numbers are too small to compare the {len(compared)} areas with all areas "
        "together without revealing a hidden count."
    )
    return Section(section_id, title, (text,), (table_out,), (figure,))


def comparison_chapter(
    ds: Dataset,
    *,
    year: str | int | None = None,
    by: str = _N.residence_area,
    suppress: bool = True,
    rules: disclosure.DisclosureRules | None = None,
    date: dt.date | None = None,
    pool: int = 3,
    published: Mapping[str, Published] | None = None,
    panel_published: Published | None = None,
    ranges: Mapping[str, Ranges] | None = None,
) -> Chapter:
    """The chapter comparing areas: ranked tables and funnel plots against all areas together.

    Sections: reviews completed within 12 months (the reporting year), infant mortality
    (the latest pooled period of ``pool`` calendar years) and child mortality (the
    reporting year), each with every area's value, interval and comparison with all
    areas together at 95% and 99.8%.

    With ``published`` (what each area's chapter printed, as :func:`build_areas` gathers
    it, or :func:`area_published` for one area), an area's count is printed here only when
    its own chapter prints it, so the two read together give nothing away. Without it the
    chapter is protected on its own (small counts hidden). Either way the value of all
    areas together is hidden when it would let a hidden count be worked out.

    With ``ranges`` (for each area, the range a reader of its chapter can give each count
    of it that chapter hides, as :func:`build_areas` gathers them), the value of all
    areas together is hidden too when, read with those ranges, it would narrow an area's
    count: an area's neonatal deaths printed in its chapter bound its infant deaths from
    below, and the infant deaths of all areas then bound another area's from above, and
    with it the quintiles its chapter hides (an independent attack narrowed them to 1..5
    so). Without them, that is not checked.

    With ``panel_published`` (what the panel's own chapter printed, built with its areas'
    chapters), the value of all areas together, which is the panel's, is printed only
    where the panel's chapter prints the counts it is made of shown: a rate of all areas
    times the live births printed gives the panel's deaths, and with the counts the
    panel's chapter shows, one it hides (an independent attack found the panel's deaths
    in the most deprived quintile so).
    """
    start = _parse_year(year, ds)
    date = as_date(date, "date")
    label = financial_label(start)
    settings = Disclosure(suppress=suppress, rules=rules or disclosure.DisclosureRules())
    sections: list[Section] = []
    # Without the area chapters (published is None) the chapter is protected on its own:
    # small counts hidden, and the value of all areas hidden where it would give one back.
    by_area = None if published is None else dict(published)
    omitted: list[Omission] = []
    # deaths with no area are in no area's row, but in the value of all areas together
    no_area = by in ds.notifications.columns and bool(ds.notifications[by].isna().any())

    def masks(
        frame: pd.DataFrame,
        compared: pd.DataFrame,
        column: str,
        source: str,
        keys: Sequence[CellKey],
        measure: str,
        *,
        extra: np.ndarray | None = None,
        extra_total: Callable[[float], bool] | None = None,
    ) -> tuple[np.ndarray, bool]:
        """Which areas' counts are hidden, and whether the total of all areas is."""
        names = [str(a) for a in compared[by]]
        counts = compared[column].to_numpy(dtype=float)
        hidden = _count_masks(
            counts,
            keys if by_area is not None else [],
            [by_area.get(a, {}) if by_area is not None else {} for a in names],
            settings,
            extra=extra,
        )
        indexed = frame.set_index(frame[by].astype(str))
        total = float(indexed.loc[~indexed.index.isin(names), source].sum())
        total_hidden = _total_hidden(measure, names, counts, hidden, total, settings)
        if by_area is not None and ranges is not None and not total_hidden:
            total_hidden = _total_narrows(names, counts, hidden, keys, by_area, ranges)
        if panel_published is not None:
            # the value of all areas is the panel's: shown only as the panel's chapter
            # shows the counts it is made of (and none of them less than it: the rest)
            panel_extra = False
            if extra_total is not None:
                panel_extra = extra_total(total)
            total_hidden |= bool(
                _count_masks(np.array([total]), keys, [panel_published], settings)[0]
            )
            total_hidden |= panel_extra
        return hidden, total_hidden

    timely = analytics.with_total(analytics.review_timeliness, ds, by=by, years=[label])
    timely = timely[timely[by].notna()]
    compared = analytics.compare_areas(timely, x="within_12_months", n="reviews", area=by)
    within = CellKey.of(MEASURE.REVIEWED, year=label, **{DIM.MONTHS: WITHIN_LEVELS[12]})
    over = CellKey.of(MEASURE.REVIEWED, year=label, **{DIM.MONTHS: _OVER_12})
    reviews = CellKey.of(MEASURE.REVIEWED, year=label)
    # The reviews not within 12 months are the reviews less those within: a count a
    # reader has whenever both are shown, so a small one hides the count within.
    names = [str(a) for a in compared[by]]
    within_n = compared["numerator"].to_numpy(dtype=float)
    reviews_n = compared["denominator"].to_numpy(dtype=float)
    rest = reviews_n - within_n
    small_rest = settings.suppress & (rest >= 1) & (rest <= settings.rules.threshold)
    d_hidden, _ = masks(timely, compared, "denominator", "reviews", [reviews], "reviews")
    n_hidden, _ = masks(
        timely,
        compared,
        "numerator",
        "within_12_months",
        [within],
        "within",
        extra=small_rest & ~d_hidden,
    )
    over_shown = np.array(
        [
            by_area is not None
            and (found := by_area.get(area, {}).get(over)) is not None
            and not found[1]
            for area in names
        ],
        dtype=bool,
    )
    all_areas = timely[~timely[by].astype(str).isin(names)]
    benchmark_hidden = _share_total_hidden(
        "reviews",
        names,
        within_n,
        reviews_n,
        (n_hidden, d_hidden, (n_hidden | d_hidden) & ~over_shown),
        (float(all_areas["within_12_months"].sum()), float(all_areas["reviews"].sum())),
        settings,
    )
    if by_area is not None and ranges is not None and not benchmark_hidden:
        # the percentage of all areas and their reviews give the count within 12 months
        # of all areas: hidden when either total would narrow an area's count
        benchmark_hidden = any(
            _total_narrows(names, values, hidden_of, [key], by_area, ranges)
            for values, hidden_of, key in (
                (reviews_n, d_hidden, reviews),
                (within_n, n_hidden, within),
            )
        )
    sections.append(
        _area_section(
            "areas_within_12_months",
            "Reviews completed within 12 months",
            compared,
            by=by,
            settings=settings,
            numerator_label="Within 12 months",
            denominator_label="Reviews completed",
            value_label="Percentage (95% CI)",
            percent=True,
            period=label,
            ylabel="Reviews completed within 12 months (%)",
            notes=("Within 12 months: at most 12 months to the day from notification.",),
            count_hidden=n_hidden,
            denominator_hidden=d_hidden,
            benchmark_hidden=benchmark_hidden,
            no_area=no_area,
        )
    )

    births_ok = ds.births is not None and by in ds.births.columns
    if births_ok:
        missing = _calendar_pool_missing(ds, pool)
        if missing is not None:
            births_ok = False
            omitted.append(Omission("areas_infant_mortality", "Infant mortality", (missing,)))
    if births_ok:
        infant = analytics.with_total(analytics.infant_mortality, ds, by=by, pool=pool)
        infant = infant[infant[by].notna()]
        births_ok = not infant.empty  # too few years of data for one pooled period
    if births_ok:
        last = infant[_O.period].astype(str).max()
        infant = infant[infant[_O.period].astype(str) == last]
        compared = analytics.compare_areas(infant, area=by)
        quintiles = [
            CellKey.of(
                MEASURE.INFANT_DEATHS_CALENDAR,
                year=calendar_years(str(last)),
                **{DIM.QUINTILE: str(q)},
            )
            for q in range(1, 6)
        ]
        # Deaths with no deprivation quintile = the area's deaths less its quintiles':
        # a small number of them would be a small count given away.
        # (Only with the area chapters, which print the quintiles.)
        area_counts = by_area or {}
        unplaced = np.array(
            [
                n - sum(area_counts.get(str(a), {}).get(k, (0, False))[0] for k in quintiles)
                if by_area is not None
                else 0
                for a, n in zip(compared[by], compared["numerator"], strict=True)
            ],
            dtype=float,
        )
        threshold = settings.rules.threshold

        def panel_unplaced(total: float) -> bool:
            """Whether the panel's deaths with no quintile (its deaths less its
            quintiles') are a small number."""
            placed = sum((panel_published or {}).get(k, (0, False))[0] for k in quintiles)
            return bool(1 <= total - placed <= threshold)

        n_hidden, n_total = masks(
            infant,
            compared,
            _O.numerator,
            _O.numerator,
            quintiles,
            "infant deaths",
            extra=(unplaced >= 1) & (unplaced <= threshold),
            extra_total=panel_unplaced,
        )
        sections.append(
            _area_section(
                "areas_infant_mortality",
                "Infant mortality",
                compared,
                by=by,
                settings=settings,
                numerator_label="Deaths under 1",
                denominator_label="Live births",
                value_label="Rate per 1,000 (95% CI)",
                percent=False,
                period=str(last),
                ylabel="Deaths per 1,000 live births",
                notes=(
                    f"Deaths under one year per 1,000 live births, {pool} calendar years pooled.",
                ),
                count_hidden=n_hidden,
                denominator_hidden=np.zeros(len(compared), dtype=bool),
                benchmark_hidden=n_total,
                no_area=no_area,
            )
        )
    population_ok = ds.population is not None and by in ds.population.columns
    if population_ok:
        child = analytics.with_total(analytics.child_mortality, ds, by=by, years=[label])
        child = child[child[by].notna()]
        population_ok = not child.empty
    if population_ok:
        compared = analytics.compare_areas(child, area=by)
        deaths = CellKey.of(MEASURE.DEATHS, year=label)
        n_hidden, n_total = masks(child, compared, _O.numerator, _O.numerator, [deaths], "deaths")
        sections.append(
            _area_section(
                "areas_child_mortality",
                "Child mortality",
                compared,
                by=by,
                settings=settings,
                numerator_label="Deaths aged 0-17",
                denominator_label="Children aged 0-17",
                value_label="Rate per 100,000 (95% CI)",
                percent=False,
                period=label,
                ylabel="Deaths per 100,000 children",
                notes=(
                    "Deaths in the year by date of death (not by date of notification) per "
                    "100,000 resident children aged 0-17.",
                ),
                count_hidden=n_hidden,
                denominator_hidden=np.zeros(len(compared), dtype=bool),
                benchmark_hidden=n_total,
                no_area=no_area,
            )
        )
    if omitted:
        sections.append(not_included(omitted))
    return assemble_chapter(
        ds,
        _numbered(sections),
        title=f"Child death review: areas compared, {label}",
        subtitle=f"Every area in the data, 1 April {start} to {long_date(31, 3, start + 1)}",
        start=start,
        settings=settings,
        date=date,
        options=f"by={by}",
        omitted=omitted,
    )


def _calendar_pool_missing(ds: Dataset, pool: int) -> str | None:
    """What the data lack to pool infant mortality over ``pool`` calendar years (None
    when they have it): that many consecutive calendar years wholly inside the years of
    the notifications, with births."""
    if isinstance(pool, bool) or not isinstance(pool, int) or pool < 1:
        return None  # the analytics say what is wrong with it
    births = ds.births
    with_births = set() if births is None else {int(y) for y in births[schema.BIRTHS.year].dropna()}
    years = [y for y in covered_years(ds.notifications, "calendar") if y in with_births]
    if longest_run(years) >= pool:
        return None
    found = ", ".join(str(y) for y in years) if years else "none"
    return (
        f"{pool} consecutive complete calendar years of deaths and births to pool "
        f"(complete calendar years in the data, with births: {found})"
    )


# -- building every area's chapter ---------------------------------------------------------
_WORKER_DATA: dict[str, Any] = {}


def _init_worker(ds: Dataset, options: dict[str, Any]) -> None:
    import signal

    # Ctrl-C and a closed terminal reach every process of the group: the main process
    # handles them (and cleans up); a worker carries on until it is told to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    _WORKER_DATA["ds"] = ds
    _WORKER_DATA["options"] = options
    import matplotlib

    matplotlib.use("Agg")
    # Text a chapter makes (labels, cells, keys) is held in Python strings rather than
    # Arrow ones in this process of our own: the same values and the same files (a test
    # compares the bytes with a chapter built in one process), with less overhead on an
    # area's small tables (about 5% of a chapter's time). The dataset keeps its columns.
    # (The two differ in a few Unicode case mappings, "ß".upper() for one: chapter code
    # never changes the case of text from the data.)
    pd.set_option("mode.string_storage", "python")
    for_worker()


#: The least and greatest value a reader of an area's chapter can give a count of it.
Ranges = dict[CellKey, tuple[float, float]]


def _comparison_ranges(protection: disclosure.Protection | None) -> Ranges:
    """For each count of an area's chapter the comparison chapter prints a total of, and
    that the area's chapter hides (or hides a part of), the range a reader of the chapter
    can give it: reviews and reviews within 12 months of the year, deaths of the year, and
    infant deaths of a pooled period (the sum of its deprivation quintiles, none given
    included)."""
    if protection is None or not protection.enabled or protection.counts is None:
        return {}
    out: Ranges = {}
    groups: dict[CellKey, list[CellKey]] = {}
    for key, hidden in zip(protection.keys, protection.hidden_mask, strict=True):
        names = {name for name, _ in key.dims}
        if key.measure == MEASURE.INFANT_DEATHS_CALENDAR and names == {DIM.YEAR, DIM.QUINTILE}:
            groups.setdefault(key.without(DIM.QUINTILE), []).append(key)
        elif hidden and (
            (key.measure == MEASURE.REVIEWED and names == {DIM.YEAR})
            or (
                key.measure == MEASURE.REVIEWED
                and names == {DIM.YEAR, DIM.MONTHS}
                and key.levels(DIM.MONTHS) == frozenset(WITHIN_LEVELS[12])
            )
            or (key.measure == MEASURE.DEATHS and names == {DIM.YEAR})
        ):
            out[key] = protection.sum_range([key])
    for total, members in groups.items():
        if any(protection.hidden(k) for k in members):
            out[total] = protection.sum_range(members)
    return out


def _build_one(area: str, folder: str) -> tuple[list[str], Published, str, Ranges]:
    """Build and write the chapter of one area: the files written, what the chapter
    printed of the counts the comparison chapter prints too, and "" (or, for a chapter
    disclosure control cannot protect, no files, nothing printed and why)."""
    from cdop.report._build import build_chapter
    from cdop.report._render import render
    from cdop.report.sections._base import Unprotectable

    ds: Dataset = _WORKER_DATA["ds"]
    options = dict(_WORKER_DATA["options"])
    by = options.pop("by")
    formats = options.pop("formats")
    template = options.pop("template", None)
    try:
        chapter = build_chapter(
            area_dataset(ds, area, by=by), panel=area, progress=False, **options
        )
    except Unprotectable as exc:
        # Not published: the other areas' chapters still are (a chapter left out prints
        # nothing, and the comparison chapter then hides the area's counts).
        return [], {}, str(exc), {}
    except CdopError as exc:
        if type(exc) not in (CdopError, CdopArgumentError):
            raise
        # One area of many: say which (the error alone does not).
        raise type(exc)(f"the chapter of {area}: {exc}") from exc
    chapter = dataclasses.replace(chapter, title=f"{chapter.title}: {area}")
    written = render(chapter, Path(folder), formats, date=options.get("date"), template=template)
    protection = chapter.protection
    published: Published = (
        {}
        if protection is None
        else {
            key: (int(value), bool(hidden))
            for key, value, hidden in zip(
                protection.keys, protection.values, protection.hidden_mask, strict=True
            )
            if key.measure in _LINKED
        }
    )
    return [str(p) for p in written], published, "", _comparison_ranges(protection)


def build_areas(
    ds: Dataset,
    *,
    out: str | Path,
    by: str = _N.residence_area,
    year: str | int | None = None,
    formats: Sequence[Format] = FORMATS,
    suppress: bool = True,
    rules: disclosure.DisclosureRules | None = None,
    date: dt.date | None = None,
    workers: int | None = None,
    progress: ProgressOption = None,
    with_panel: bool = False,
    panel: str = "the panel",
    template: str | Path | None = None,
) -> AreasResult:
    """Build one chapter per area (``out/areas/<area>/``) and a comparison chapter
    (``out/comparison/``), from one validated dataset, using ``workers`` processes.

    Outputs are identical whatever the number of workers. The folder is written in full
    or not at all, like :func:`cdop.report.build`; every Word file takes its styles from
    ``template`` when one is given.

    With ``with_panel``, the panel's own chapter is written too (``out/panel/``), and it
    and the area chapters are protected as one publication: each count of the panel is
    the sum of its areas' counts, so chapters protected one by one could be subtracted
    from one another. Build them this way when the panel publishes its own chapter and
    its areas' chapters (and never publish a panel chapter built on its own beside area
    chapters). The chapters are then planned in one process.

    Parameters
    ----------
    ds
        The validated dataset of every area.
    out
        The output folder, written as a whole.
    by
        The column naming each record's area (default the area of residence).
    year, formats, suppress, rules, date
        As in :func:`cdop.report.build`.
    workers
        Processes building chapters at once, 1 or more (default one per core).
    progress
        As in :func:`cdop.report.build`: by default a bar counting the areas in a
        notebook or an interactive session, nothing elsewhere.
    with_panel
        Also build the panel's own chapter, protected together with its areas' chapters.
    panel
        The panel's name, in its chapter's subtitle (with ``with_panel``).
    template
        A panel's own Word file whose styles every Word output takes, as in
        :func:`cdop.report.build`.

    Returns
    -------
    AreasResult
        The areas, their folders, the comparison chapter's folder (and the panel's, with
        ``with_panel``) and every file written.
    """
    from cdop.report._docx import check_template
    from cdop.report._render import render

    template_bytes = None if template is None else check_template(template)

    if by not in ds.notifications.columns:
        raise CdopArgumentError(f"by: no column {by!r} in the notifications")
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise CdopArgumentError(f"workers: expected a whole number of 1 or more, got {workers!r}")
    # A name unfit for titles and folders was read as missing when the data were read
    # (rule unfit_name): an area chapter cannot be built without it, so say why.
    if ds.report is not None and by == _N.residence_area:
        failures = ds.report.failures
        unfit = failures[failures["rule"] == "unfit_name"]  # checked in the residence area
        if len(unfit):
            check_name(str(unfit["value"].iloc[0]), f"by: an area in {by!r}")
    areas = sorted(str(a) for a in ds.notifications[by].dropna().unique())
    if not areas:
        raise CdopArgumentError(f"by: the column {by!r} holds no values")
    slugs = check_areas(areas, by)
    no_area = int(ds.notifications[by].isna().sum())
    if with_panel:
        check_name(panel, "panel")
    start = _parse_year(year, ds)
    check_year_in_data(start, ds)
    date = as_date(date, "date")
    formats = check_formats(formats)
    target = check_output_folder(out)
    files: list[Path] = []
    with contextlib.ExitStack() as stack:
        stack.enter_context(fewer_collections())
        staging = stack.enter_context(output_folder(target))
        options = {
            "year": start,
            "suppress": suppress,
            "rules": rules,
            "date": date,
            "by": by,
            "formats": list(formats),
            "template": template_bytes,
        }
        folders = [staging / "areas" / slug for slug in slugs]
        count = workers or os.cpu_count() or 1
        tracker = stack.enter_context(
            progress_tracker(progress, total=len(areas) + 1, desc="area chapters", unit="areas")
        )
        tracker.note(f"{len(areas)} area chapters with {count} worker(s)")
        results: list[tuple[list[str], Published, str, Ranges]] = []
        unlike: dict[str, int] = {}
        panel_published: Published | None = None
        panel_folder = staging / "panel" if with_panel else None
        if panel_folder is not None:
            results, panel_files, unlike, panel_published = _build_together(
                ds,
                areas,
                folders,
                panel_folder,
                options,
                panel=panel,
                progress=tracker.note if tracker.shown else None,
            )
            files += panel_files
            tracker.step("the panel's chapter and its areas' chapters written", len(areas))
        elif count == 1:
            _WORKER_DATA.update(ds=ds, options=options)
            for area, folder in zip(areas, folders, strict=True):
                results.append(_build_one(area, str(folder)))
                tracker.step(f"chapter of {area} {'not ' if results[-1][2] else ''}written")
        else:
            pool = ProcessPoolExecutor(
                max_workers=count, initializer=_init_worker, initargs=(ds, options)
            )
            try:
                chapters = pool.map(_build_one, areas, [str(f) for f in folders])
                for area, result in zip(areas, chapters, strict=True):
                    results.append(result)
                    tracker.step(f"chapter of {area} {'not ' if result[2] else ''}written")
            finally:
                # On an error or an interruption, run no more chapters: wait only for
                # those being written, so that the staging folder can be removed whole.
                pool.shutdown(wait=True, cancel_futures=True)
        for written, _, _, _ in results:
            files += [Path(p) for p in written]
        left_out = {area: why for area, (_, _, why, _) in zip(areas, results, strict=True) if why}
        if len(left_out) == len(areas):
            area, why = next(iter(left_out.items()))
            raise CdopError(f"the chapter of {area}: {why}")
        # The comparison chapter prints an area's count only where its chapter does.
        tracker.note(f"comparison chapter of {len(areas)} areas")
        comparison = comparison_chapter(
            ds,
            year=start,
            by=by,
            suppress=suppress,
            rules=rules,
            date=date,
            published={
                a: published for a, (_, published, _, _) in zip(areas, results, strict=True)
            },
            ranges={a: ranges for a, (_, _, _, ranges) in zip(areas, results, strict=True)},
            panel_published=panel_published,
        )
        files = [
            *render(
                comparison, staging / "comparison", formats, date=date, template=template_bytes
            ),
            *files,
        ]
        index = ["# Child death review chapters", ""]
        if panel_folder is not None:
            index.append("- [The panel as a whole](panel/chapter.md)")
        index.append("- [Areas compared](comparison/chapter.md)")
        index += [
            f"- [{_link_text(a)}](areas/{s}/chapter.md)"
            if a not in left_out
            else f"- {_link_text(a)}: not written (disclosure control could not protect its "
            "chapter at this threshold)"
            for a, s in zip(areas, slugs, strict=True)
        ]
        (staging / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")
        tracker.step("comparison chapter written")
    moved = tuple(target / p.relative_to(staging) for p in files)
    if no_area:
        # once the chapters are written: a build that fails says one thing, its error
        warnings.warn(
            f"by: {no_area:,} notification(s) have no {by}: they are in no area's chapter, "
            "and in the comparison chapter only in the value of all areas together (its "
            "notes say so)",
            DataQualityWarning,
            stacklevel=2,
        )
    if unlike:
        warnings.warn(_unlike_message(unlike), DisclosureWarning, stacklevel=2)
    for area, why in left_out.items():
        warnings.warn(
            f"the chapter of {area} was not written, and the comparison chapter hides its "
            f"counts: {why}",
            DisclosureWarning,
            stacklevel=2,
        )
    written_areas = [(a, s) for a, s in zip(areas, slugs, strict=True) if a not in left_out]
    return AreasResult(
        out=target,
        areas=tuple(a for a, _ in written_areas),
        folders=tuple(target / "areas" / s for _, s in written_areas),
        comparison=target / "comparison",
        files=moved,
        panel=target / "panel" if with_panel else None,
        unlike_alone=unlike,
        left_out=left_out,
    )


def _unlike_message(unlike: Mapping[str, int]) -> str:
    """What the coordinator is told when the chapters built together print earlier
    years otherwise than the panel's chapters built on their own.

    Examples
    --------
    >>> print(_unlike_message({"2022/23": 3, "2023/24": 1}))  # doctest: +NORMALIZE_WHITESPACE
    the panel's chapter built with its areas' chapters hides or shows 4 counts of
    earlier years otherwise than the panel's chapters built on their own (2022/23: 3,
    2023/24: 1). If the panel has published a chapter built on its own (without --by),
    do not publish these area chapters: read with it, they give hidden counts away (see
    docs/disclosure.md).
    """
    total = sum(unlike.values())
    where = ", ".join(f"{label}: {n}" for label, n in unlike.items())
    return (
        f"the panel's chapter built with its areas' chapters hides or shows {total} "
        f"count{'s' if total != 1 else ''} of earlier years otherwise than the panel's "
        f"chapters built on their own ({where}). If the panel has published a chapter "
        "built on its own (without --by), do not publish these area chapters: read with "
        "it, they give hidden counts away (see docs/disclosure.md)."
    )


def _build_together(
    ds: Dataset,
    areas: Sequence[str],
    folders: Sequence[Path],
    panel_folder: Path,
    options: Mapping[str, Any],
    *,
    panel: str,
    progress: Callable[[str], None] | None,
) -> tuple[list[tuple[list[str], Published, str, Ranges]], list[Path], dict[str, int], Published]:
    """The panel's chapter and its areas' chapters, protected together (one process),
    the panel's counts of earlier years printed otherwise than by its chapters built on
    their own (see :func:`cdop.report._together.unlike_alone`), and what the panel's
    chapter printed of the counts the comparison chapter prints again."""
    from cdop.report._render import render
    from cdop.report._together import plan_together, published_for_comparison, unlike_alone

    by = str(options["by"])
    start = int(options["year"])
    date = options.get("date")
    formats = list(options["formats"])
    template = options.get("template")
    rules = options.get("rules") or disclosure.DisclosureRules()
    settings = Disclosure(suppress=bool(options["suppress"]), rules=rules)
    members, joint = plan_together(
        ds,
        [(area, area_dataset(ds, area, by=by)) for area in areas],
        start,
        settings,
        no_area=bool(ds.notifications[by].isna().any()),
        progress=progress,
    )
    written: list[Path] = []
    results: list[tuple[list[str], Published, str, Ranges]] = []
    panel_published: Published = {}
    unlike = unlike_alone(members[0], joint, settings)
    for member in members:
        chapter = finish_chapter(
            member.ds,
            member.finishers,
            start=start,
            settings=settings,
            date=date,
            panel=member.area or panel,
            protection=member.protection(joint),
            omitted=member.ctx.omitted,
            chapter_settings=member.ctx.settings,
        )
        if member.area is None:
            written += render(chapter, panel_folder, formats, date=date, template=template)
            panel_published = published_for_comparison(member, joint, _LINKED)
            continue
        chapter = dataclasses.replace(chapter, title=f"{chapter.title}: {member.area}")
        folder = folders[areas.index(member.area)]
        files = render(chapter, folder, formats, date=date, template=template)
        results.append(
            ([str(p) for p in files], published_for_comparison(member, joint, _LINKED), "", {})
        )
    return results, written, unlike, panel_published
