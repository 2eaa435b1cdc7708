"""What every section shares: the context, the keys of published counts, count tables.

A section is built in two steps. First it computes its figures from the analytics and
*registers* every count it will print (table cells, totals, figure values, counts in its
sentences, the numerators of its rates) in the chapter's
:class:`~cdop.disclosure.LinkedCounts`, under a :class:`~cdop.disclosure.CellKey` that says
exactly what the count counts. Then, once disclosure control has decided over the whole
chapter which counts to hide, it *finishes*: it writes its tables, figures and sentences,
asking :meth:`Context.hidden` for each count. So a count printed in two places is hidden
in both, and the relations between tables are protected together.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from cdop import schema
from cdop.analytics._common import call_key, derived
from cdop.dataset import Dataset
from cdop.disclosure import CellKey, LinkedCounts, Protection
from cdop.errors import CdopArgumentError, CdopError
from cdop.report._model import Omission, Placement, ReportTable, Section
from cdop.report._panel import PanelInputs, panel_inputs
from cdop.report._settings import ChapterSettings
from cdop.report._tables import Disclosure
from cdop.report._text import (
    comparison_phrase,
    count_percent,
    fmt_count,
    no_national_phrase,
    short_source,
)
from cdop.report._tidy import is_missing, tidy_frame, with_start_year
from cdop.report.sections._needs import Need, data_years, resolve, unmet

__all__ = [
    "DIM",
    "MEASURE",
    "NOT_RECORDED",
    "SHORT_BAR_NOTE",
    "VERDICT",
    "Context",
    "Disclosure",
    "Finish",
    "GridPlan",
    "SectionSpec",
    "Unprotectable",
    "england_comparison",
    "financial_label",
    "level_code",
    "plan_grid",
    "plan_sections",
    "safe",
    "sole_leader",
    "span",
]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_O = schema.OUTPUT

#: Label of a level the record does not give.
NOT_RECORDED: Final = "Not recorded"
#: Under a figure of stacked shares with a hidden share: why a bar stops short of 100%.
SHORT_BAR_NOTE: Final = (
    "The shares of counts not shown are left blank, so a bar can stop short of 100%."
)
#: Code of that level in the keys of published counts.
NOT_RECORDED_CODE: Final = "not_recorded"


def level_code(value: object, labels: Mapping[str, str]) -> str:
    """The code of a level as published counts key it: the value's text when ``labels``
    names it, else :data:`NOT_RECORDED_CODE` (a missing value or one outside the list).

    >>> level_code("male", {"male": "Male"}), level_code(None, {"male": "Male"})
    ('male', 'not_recorded')
    """
    text = "" if value is None or pd.isna(value) else str(value)  # type: ignore[call-overload]
    return text if text in labels else NOT_RECORDED_CODE


class MEASURE:
    """What a published count counts, with its period type (keys of published counts)."""

    NOTIFIED: Final = "deaths notified (financial year notified)"
    REVIEWED: Final = "reviews completed (financial year completed)"
    OPEN: Final = "cases open at 31 March"
    DEATHS: Final = "deaths (financial year of death)"
    INFANT_DEATHS_CALENDAR: Final = "infant deaths (calendar year of death)"
    INFANT_DEATHS_FINANCIAL: Final = "infant deaths (financial year of death)"


class DIM:
    """Characteristics of published counts (keys of published counts)."""

    YEAR: Final = "year"
    AREA: Final = "area"
    CATEGORY: Final = "category"
    MODIFIABLE: Final = "modifiable_factors"
    SEX: Final = "sex"
    ETHNICITY: Final = "ethnicity"
    AGE: Final = "age_group"
    PLACE: Final = "place_of_death"
    EXPECTED: Final = "expected_death"
    MONTHS: Final = "complete_months"
    QUINTILE: Final = "imd_quintile"


#: Table wording of a comparison with England at 95%.
VERDICT: Final = {
    "higher": "Significantly higher",
    "lower": "Significantly lower",
    "similar": "Similar",
}

#: First financial year of the fixed pooled periods: child death reviews became statutory
#: in April 2008.
POOL_ANCHOR: Final = 2008

#: Levels of a review's duration: 0 to 11 complete months; 12 complete months split at 12
#: months to the day ("12=": at most, "12+": more); then 13 or more.
MONTH_LEVELS: Final = (*(str(m) for m in range(12)), "12=", "12+", "13+")


def band_levels(bands: Sequence[Any]) -> dict[str, list[str]]:
    """The duration levels of each band (``Band`` of :mod:`cdop.analytics`), in order.

    A band whose upper bound is "to the day" (``to_the_day``) at 12 months holds "12="
    and passes "12+" to the band after it.

    Examples
    --------
    >>> from cdop.analytics._durations import NATIONAL_BANDS
    >>> band_levels(NATIONAL_BANDS)["Over 12 months"]
    ['12+', '13+']
    """
    out: dict[str, list[str]] = {}
    carry: list[str] = []
    for band in bands:
        low, high = int(band.min_months), band.max_months
        levels, carry = list(carry), []
        top = 11 if high is None else min(int(high), 11)
        levels += [str(m) for m in range(low, top + 1)]
        if low <= 12 and (high is None or high >= 12):
            if getattr(band, "to_the_day", False) and high == 12:
                levels.append("12=")
                carry = ["12+"]
            else:
                levels += ["12=", "12+"]
        if high is None or high >= 13:
            levels.append("13+")
        out[str(band.label)] = levels
    return out


#: The duration levels of "within 6 months" and "within 12 months" (to the day).
WITHIN_LEVELS: Final = {
    6: tuple(str(m) for m in range(6)),
    12: (*(str(m) for m in range(12)), "12="),
}


def span(years: Sequence[str]) -> str:
    """The years of a table in words: "2022/23 to 2024/25", or the one year.

    Examples
    --------
    >>> span(["2022/23", "2023/24", "2024/25"]), span(["2024/25"])
    ('2022/23 to 2024/25', '2024/25')
    """
    return years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"


def financial_label(start: int) -> str:
    """Label of the financial year starting in April of ``start`` ("2024/25").

    Examples
    --------
    >>> financial_label(2024), financial_label(1999)
    ('2024/25', '1999/00')
    """
    return f"{start}/{(start + 1) % 100:02d}"


def england_comparison(local: pd.DataFrame, indicator: str, **options: Any) -> pd.DataFrame:
    """:func:`cdop.analytics.compare_national` as a section asks it: against the national
    figures shipped, without the warning that none is comparable (a section says so in
    its own words, and says which figure it gives as context).

    Examples
    --------
    >>> local = pd.DataFrame({"period": ["2024/25"], "sex": ["male"], "numerator": [3],
    ...                       "denominator": [5]})
    >>> england_comparison(local, "reviews_by_sex")["comparison_note"].tolist()
    ['no national figure for sex male']
    """
    import warnings

    from cdop import analytics
    from cdop.errors import NationalComparisonWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NationalComparisonWarning)
        return analytics.compare_national(local, indicator, **options)


def period_label(years: Sequence[str]) -> str:
    """The label of a pooled period of consecutive years: "2020/21 to 2022/23".

    Examples
    --------
    >>> period_label(["2020/21", "2021/22", "2022/23"])
    '2020/21 to 2022/23'
    """
    return f"{years[0]} to {years[-1]}"


@dataclass(frozen=True)
class Context:
    """What every section needs: the data, the reporting year, disclosure control and the
    register of every count the chapter prints."""

    ds: Dataset
    year: int  # the financial year starting in April of this calendar year
    disclosure: Disclosure
    years_shown: int = 5
    pool: int = 3
    counts: LinkedCounts = field(default_factory=LinkedCounts)
    area: str | None = None
    settings: ChapterSettings = field(default_factory=ChapterSettings)
    #: The pooled window's tables that are left out because they cannot be published
    #: beside the years' counts as the chapters before printed them (see
    #: :func:`cdop.report._history.window_withheld`): True for every section's, or the
    #: ids of the sections whose window tables are left out.
    window_withheld: bool | frozenset[str] = False
    _state: dict[str, Protection] = field(default_factory=dict)
    _omitted: list[Omission] = field(default_factory=list)
    _covered: list[tuple[int, int] | None] = field(default_factory=list)
    _inputs: list[PanelInputs] = field(default_factory=list)
    #: The section being planned, and the counts each section registered first (by id).
    _planning: list[str] = field(default_factory=list)
    _added: dict[str, tuple[CellKey, ...]] = field(default_factory=dict)

    @property
    def window_withheld_here(self) -> bool:
        """Whether the pooled window's tables of the section being planned are left out
        (see ``window_withheld``)."""
        withheld = self.window_withheld
        if isinstance(withheld, bool):
            return withheld
        return bool(self._planning) and self._planning[0] in withheld

    def registered_by(self, section: str) -> tuple[CellKey, ...]:
        """The counts the section registered first, in order (none if not planned)."""
        return self._added.get(section, ())

    @property
    def inputs(self) -> PanelInputs:
        """The panel's own files named in the chapter settings (learning text, last
        year's actions, panel activity), read on first use and then kept."""
        if not self._inputs:
            given = self.settings
            self._inputs.append(
                panel_inputs(
                    learning=given.learning,
                    actions=given.actions,
                    activity=given.panel_activity,
                    threshold=self.disclosure.rules.threshold,
                )
            )
        return self._inputs[0]

    @property
    def label(self) -> str:
        return financial_label(self.year)

    @property
    def previous(self) -> str:
        return financial_label(self.year - 1)

    @property
    def covered(self) -> tuple[int, int] | None:
        """The first and last financial years (start years) the data cover, or None.

        From the first to the last date recorded (a notification or a completed review):
        years outside are not in the data, so the chapter never shows them as zeros.
        """
        if not self._covered:
            self._covered.append(data_years(self))
        return self._covered[0]

    def last(self, count: int) -> list[str]:
        """The last ``count`` financial years up to the reporting year, oldest first,
        from the first year the data cover (the reporting year at least)."""
        first = self.year - count + 1
        if self.covered is not None:
            first = min(max(first, self.covered[0]), self.year)
        return [financial_label(y) for y in range(first, self.year + 1)]

    def yearly(
        self,
        compute: Callable[..., pd.DataFrame],
        *args: Any,
        years: Sequence[str],
        **kwargs: Any,
    ) -> pd.DataFrame:
        """``compute(ds, *args, years=years, **kwargs)``, taken from one computation over
        every financial year the data cover.

        For analytics whose rows of a year do not depend on the other years asked for
        (counts, durations and activity by year): the table of every year is computed
        once and remembered by the dataset, and the chapter and each earlier year's plan
        (:func:`cdop.report._history.year_blocks`) take their years from it. The rows,
        their order and the ``period`` categories are those ``compute`` gives for
        ``years`` alone. Years outside the data are computed directly.
        """
        wanted = sorted(dict.fromkeys(years))
        covered = self.covered
        every = (
            []
            if covered is None
            else [financial_label(y) for y in range(covered[0], covered[1] + 1)]
        )
        if len(wanted) != len(years) or not set(wanted) <= set(every):
            return compute(self.ds, *args, years=list(years), **kwargs)

        def years_of_every() -> pd.DataFrame:
            frame = compute(self.ds, *args, years=every, **kwargs)
            return _rows_of_years(frame, wanted)

        if getattr(sys.modules.get(compute.__module__), compute.__qualname__, None) is not compute:
            # Kept by its name only when the name is the function's own (a function made
            # in another, a closure, may give other tables under the same name).
            return years_of_every()
        try:
            # The same years of the same table are asked for by the chapter, its key
            # messages and each earlier year's plan: sliced once per dataset.
            key = ("yearly", *call_key(compute, args, kwargs), tuple(wanted))
        except TypeError:
            return years_of_every()
        return derived(self.ds, key, years_of_every)

    @property
    def pooled_years(self) -> list[str]:
        """The latest complete pooled period: fixed windows of ``pool`` financial years
        counted from :data:`POOL_ANCHOR` (2008/09, 2011/12, ... for three years), so that
        consecutive chapters print the same window or windows that do not overlap."""
        end = self.year - (self.year - POOL_ANCHOR - (self.pool - 1)) % self.pool
        return [financial_label(y) for y in range(end - self.pool + 1, end + 1)]

    @property
    def pooled_label(self) -> str:
        return period_label(self.pooled_years)

    # -- what the data do not support ----------------------------------------------------
    def unmet(self, *needs: str | Need) -> dict[str, str]:
        """The needs the data (or settings) do not meet, each with what would meet it.

        Sections check their declared needs before planning (see :class:`SectionSpec`);
        a section may also check the needs of one of its parts, and leave the part out
        with :meth:`leave_out`.
        """
        return unmet(self, needs)

    def leave_out(self, id: str, title: str, missing: Mapping[str, str]) -> None:
        """Record a section (or part of one) left out, with what data would add it."""
        self._omitted.append(Omission(id, title, tuple(missing.values())))

    @property
    def omitted(self) -> tuple[Omission, ...]:
        """What was left out so far, in order."""
        return tuple(self._omitted)

    # -- counts ---------------------------------------------------------------------------
    def key(self, measure: str, **dims: str | Sequence[str]) -> CellKey:
        """The key of a count of this chapter (the area, for an area's chapter, included)."""
        if self.area is not None:
            dims = {**dims, DIM.AREA: self.area}
        return CellKey.of(measure, **dims)

    def count(self, key: CellKey, value: float, place: str, *, known: bool = False) -> CellKey:
        """Register a count the chapter prints (in a table, a figure or a sentence).

        ``known``: the chapter publishes the count by leaving it out (a row of zeros a
        table does not print, so that the rows printed add up to its total); a reader
        knows it, so it is never chosen to be hidden (see
        :meth:`cdop.disclosure.LinkedCounts.add`).
        """
        return self.counts.add(key, value, place=place, known=known)

    def protect(self) -> Protection:
        """Decide what to hide over every count registered; sections may then finish."""
        protection = self.counts.protect(self.disclosure.rules, enabled=self.disclosure.suppress)
        safe(protection)
        self._state["protection"] = protection
        return protection

    @property
    def protection(self) -> Protection:
        try:
            return self._state["protection"]
        except KeyError:  # pragma: no cover - a section finishing before protection
            raise RuntimeError("a section finished before disclosure control ran") from None

    def hidden(self, *keys: CellKey) -> bool:
        """Whether any of the counts is hidden (so a figure built on them is too)."""
        return any(self.protection.hidden(k) for k in keys)

    def rate_status(self, key: CellKey, events: float) -> str:
        """ "suppressed" (its count is hidden, or too few events), "unreliable" or "ok"."""
        if not self.disclosure.suppress:
            return "ok"
        rules = self.disclosure.rules
        if self.hidden(key) or events < rules.min_rate_events:
            return "suppressed"
        return "unreliable" if events < rules.unreliable_rate_events else "ok"


class Unprotectable(CdopError):
    """A chapter's protection leaves a hidden count a reader could work out: the chapter
    cannot be published as it is (see :func:`safe`)."""


def safe(protection: Protection) -> Protection:
    """``protection``, when it leaves no hidden count a reader can work out; otherwise an
    error naming the counts (see :attr:`cdop.disclosure.Protection.unprotectable`)."""
    found = protection.unprotectable
    if found:
        names = " | ".join(k.label() for k in found[:3])
        more = f" | and {len(found) - 3} more" if len(found) > 3 else ""
        raise Unprotectable(
            f"disclosure control cannot protect {len(found)} hidden count(s): {names}{more}. "
            "A reader could work each out, or narrow it to a small number, from counts "
            "printed whatever this chapter hides. When the chapter is built with an "
            "earlier chapter's folder (--previous, previous=), that chapter printed them: "
            "build this one with the earlier chapter's threshold and data, or without its "
            "folder (and do not publish both). Otherwise cdop cannot yet protect this "
            "chapter (a known limit, met at a threshold of 10 by a few chapters whose year "
            "is printed beside a pooled period: see the disclosure notes); build it at a "
            "lower threshold, or report it with this message."
        )
    return protection


#: A section's second step: write its tables, figures and sentences.
Finish = Callable[[], Section]


@dataclass(frozen=True)
class SectionSpec:
    """A section of the chapter: its identifier, title, the inputs it needs, its plan.

    ``needs`` names what the section needs from the data and the settings (see
    :mod:`cdop.report.sections._needs`: ``"births"``, ``"population"``,
    ``"deprivation"``, ``"factors"``, ``"pooled_years"``, ``"calendar_pool"``, any
    optional column such as ``"gestation_weeks"``, or a :class:`Need` of the section's
    own, for example on ``ctx.settings``). They are checked before the section is
    planned; a section with an unmet need is left out and the chapter says what data
    would add it. ``plan`` may then rely on them.

    ``restates`` marks a section that prints again counts other sections register (the
    key messages): it registers no count, identity or level of its own, only places,
    so what disclosure control hides is the same without it. The counts of each year
    (:func:`cdop.report._history.year_blocks`) are then worked out without planning it;
    :func:`plan_sections` checks the promise every time it plans the section.

    ``bounds``, when given, declares the inequalities that always hold between the
    section's counts and any other registered count (:meth:`LinkedCounts.bound`); it
    runs once every section is planned.

    ``pooled`` marks a section that prints no count of a single financial year (only
    counts of pooled periods or calendar years), and declares no identity with one: a
    year's counts are then worked out without planning it too, and
    :func:`plan_sections` checks that promise in the same way.

    Examples
    --------
    >>> from cdop.report.sections import SECTIONS
    >>> [spec.needs for spec in SECTIONS if spec.id == "factors"]
    [('factors', 'pooled_years')]
    """

    id: str
    title: str
    plan: Callable[[Context], Finish]
    needs: tuple[str | Need, ...] = ()
    placement: Placement = "body"
    restates: bool = False
    pooled: bool = False
    bounds: Callable[[Context], None] | None = None

    def __post_init__(self) -> None:
        for need in self.needs:
            resolve(need)  # an unknown name fails when the section is defined

    def unmet(self, ctx: Context) -> dict[str, str]:
        """The section's needs that ``ctx`` does not meet, with what would meet them."""
        return unmet(ctx, self.needs)


def _rows_of_years(frame: pd.DataFrame, wanted: Sequence[str]) -> pd.DataFrame:
    """The rows of ``frame`` whose ``period`` is one of the financial years ``wanted``
    (all among its ``period`` categories), in order, with those years as categories."""
    period = schema.OUTPUT.period
    column = frame[period]
    categorical = column.array
    codes = np.asarray(categorical.codes)
    # Each old category's place among the wanted years (-1: not wanted). The years are
    # a few labels: a dictionary finds them faster than an index would (this runs for
    # every table of every earlier year's plan).
    categories = [str(c) for c in categorical.categories]
    place = np.full(len(categories) + 1, -1, dtype=np.int64)
    at_wanted = {year: i for i, year in enumerate(wanted)}
    for i, year in enumerate(categories):
        place[i] = at_wanted.get(year, -1)
    new_codes = place[codes]  # a missing period (code -1) takes the last entry: -1
    rows = np.flatnonzero(new_codes >= 0)
    out = frame.take(rows).reset_index(drop=True)
    out[period] = pd.Categorical.from_codes(
        new_codes[rows], dtype=_years_dtype(tuple(wanted), bool(categorical.ordered))
    )
    return out


@functools.lru_cache(maxsize=256)
def _years_dtype(years: tuple[str, ...], ordered: bool) -> pd.CategoricalDtype:
    """The categories of a table's ``period`` column holding ``years``, made once."""
    return pd.CategoricalDtype(pd.Index(list(years), dtype="str"), ordered=ordered)


def plan_sections(
    ctx: Context,
    specs: Sequence[SectionSpec],
    progress: Callable[[str], None] | None = None,
) -> tuple[list[SectionSpec], list[Finish]]:
    """Plan the sections whose needs ``ctx`` meets; record the others as left out.

    Returns the sections planned and their finishing steps, in order.
    """
    done: dict[int, Finish] = {}
    # Front sections (key messages) restate what the body publishes: planned last.
    order = sorted(range(len(specs)), key=lambda i: specs[i].placement == "front")
    for index, position in enumerate(order, start=1):
        spec = specs[position]
        ctx._planning[:] = [spec.id]
        missing = spec.unmet(ctx)
        ctx._planning.clear()
        if missing:
            ctx.leave_out(spec.id, spec.title, missing)
            continue
        if progress is not None:
            progress(f"section {index} of {len(specs)}: {spec.title.lower()}")
        before = len(ctx.counts)
        extent = ctx.counts.extent()
        yearly_before = _single_year_uses(ctx.counts) if spec.pooled else None
        ctx._planning[:] = [spec.id]
        try:
            finisher = spec.plan(ctx)
        except CdopArgumentError as exc:
            # A need the section does not declare (its analytics refuse the data before
            # it registers anything it would print): left out all the same, with the
            # analytics' reason, so that the chapter is still built. Declaring the need
            # gives the reader a better line.
            if len(ctx.counts) != before:
                raise
            ctx.leave_out(spec.id, spec.title, {"": f"data it could not use ({exc})"})
            continue
        finally:
            ctx._planning.clear()
        ctx._added[spec.id] = ctx.counts.keys[before:]
        if spec.restates and ctx.counts.extent() != extent:
            raise RuntimeError(
                f"section {spec.id!r} restates counts of other sections, yet registered "
                "counts, identities or levels of its own"
            )
        if yearly_before is not None and _single_year_uses(ctx.counts) != yearly_before:
            raise RuntimeError(
                f"section {spec.id!r} is marked as printing pooled counts only, yet printed "
                "a count of a single financial year or declared an identity with one"
            )
        done[position] = finisher
    planned = [specs[i] for i in sorted(done)]
    finishers = [done[i] for i in sorted(done)]
    # Inequalities between counts, declared once every section has registered its own.
    for spec in planned:
        if spec.bounds is not None:
            spec.bounds(ctx)
    return planned, finishers


def is_financial_label(label: str) -> bool:
    """Whether a year level is one financial year ("2024/25"), not a calendar year or a
    pooled period."""
    return len(label) == 7 and label[4] == "/" and label[:4].isdigit()


def single_financial_year(key: CellKey) -> str | None:
    """The financial year of a count of one financial year ("2024/25"), else None."""
    levels = key.levels(DIM.YEAR)
    if levels is None or len(levels) != 1:
        return None
    (label,) = levels
    return label if is_financial_label(label) else None


def _single_year_uses(counts: LinkedCounts) -> tuple[dict[CellKey, int], frozenset[CellKey]]:
    """Each count of a single financial year with the number of places printing it, and
    the counts of single financial years named in declared identities."""
    places = {key: len(counts.places(key)) for key in counts.keys if single_financial_year(key)}
    related = frozenset(k for k in counts.explicit_keys() if single_financial_year(k))
    return places, related


# -- helpers --------------------------------------------------------------------------------
def levels_of(frame: pd.DataFrame, column: str, labels: Mapping[str, str]) -> pd.Series:
    """The display label of each row's level ("Not recorded" for a missing one)."""
    values = frame[column].astype("object")
    return values.map(lambda v: labels.get(v, NOT_RECORDED) if isinstance(v, str) else NOT_RECORDED)


def count_grid(
    frame: pd.DataFrame,
    row: str,
    column: str,
    value: str,
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    strict: bool = True,
) -> pd.DataFrame:
    """The sum of ``value`` for each level of ``row`` (in the order of ``rows``) and each
    level of ``column`` (the ``columns``, matched as text), as whole numbers; zero where
    no row of ``frame`` has the pair, and rows of other levels left out.

    With ``strict``, a level of ``columns`` that ``column`` cannot hold (not among its
    categories, or for a column of plain values, not among them) is a KeyError, as
    selecting a missing column is; otherwise its column is zeros.

    Examples
    --------
    >>> frame = pd.DataFrame({"band": ["a", "b", "a"], "year": ["y1", "y1", "y2"], "n": [1, 2, 3]})
    >>> count_grid(frame, "band", "year", "n", ["b", "a", "c"], ["y2", "y1"])
       y2  y1
    b   0   2
    a   3   1
    c   0   0
    """
    levels = frame[column]
    if strict:
        if isinstance(levels.dtype, pd.CategoricalDtype):
            held = {str(c) for c in levels.cat.categories}
        else:
            held = {str(v) for v in levels.dropna().unique()}
        absent = [c for c in columns if c not in held]
        if absent:
            raise KeyError(f"{absent} not in the levels of {column!r}")
    at_row = {r: i for i, r in enumerate(rows)}
    at_col = {c: j for j, c in enumerate(columns)}
    if len(at_row) != len(rows) or len(at_col) != len(columns):
        raise ValueError("count_grid: the rows and the columns must each be distinct")
    counts = pd.to_numeric(frame[value]).to_numpy(dtype=np.float64, na_value=0.0)
    grid = np.zeros((len(rows), len(columns)))
    # The frames are a few hundred rows at most: plain lookups, row by row (the sums
    # are taken in the frame's order, as np.add.at takes them).
    for r, c, n in zip(frame[row].tolist(), levels.tolist(), counts.tolist(), strict=True):
        if is_missing(c):
            continue  # a missing level matches no column
        i = at_row.get(r)
        j = at_col.get(str(c))
        if i is not None and j is not None:
            grid[i, j] += n
    return pd.DataFrame(
        grid.astype(np.int64), index=pd.Index(list(rows)), columns=pd.Index(list(columns))
    )


def versus(row: Any, fmt: Callable[[float], str]) -> str:
    """Words for a compare_national row: the test against England, or why there is none.

    ", similar to England (29.8 in 2023/24, NCMD)" when like for like; otherwise the
    national figure is named as context only, or no comparable figure is said to exist.
    """
    value = row["national_value"]
    if pd.isna(value):
        return ", " + no_national_phrase()
    label = None if pd.isna(row["comparison_95"]) else str(row["comparison_95"])
    same = False if pd.isna(row["same_period"]) else bool(row["same_period"])
    like = bool(row["like_for_like"]) if "like_for_like" in row else None
    source = row.get("national_source") if hasattr(row, "get") else None
    phrase = comparison_phrase(
        label,
        fmt(float(value)),
        period=str(row["national_period"]),
        same_period=same,
        like_for_like=like,
        source=short_source(str(source)) if isinstance(source, str) else None,
        note=str(row["comparison_note"]) if "comparison_note" in row else None,
    )
    return ", " + phrase


def england_cell(row: Any, fmt: Callable[[float], str], *, context: bool = True) -> str:
    """The England cell of a table row: the like-for-like figure, or context marked so.

    With ``context=False`` a figure that is not like for like is not shown ("–").
    """
    value = row["national_value"]
    like = bool(row.get("like_for_like", True))
    if pd.isna(value) or (not like and not context):
        return "–"
    text = f"{fmt(float(value))} ({row['national_period']})"
    return text if like else f"{text}, context only"


def count_words(n: int, hidden: bool, noun: str) -> str:
    """ "12 child deaths", or words without the number when it is hidden.

    A count is hidden because it is small or because it would give a small one away, so
    the words say nothing of its size (a hidden count may be large).

    Examples
    --------
    >>> count_words(12, False, "child deaths")
    '12 child deaths'
    >>> count_words(35, True, "child deaths")
    'a number of child deaths not shown here (to protect confidentiality)'
    """
    if hidden:
        return f"a number of {noun} not shown here (to protect confidentiality)"
    return f"{fmt_count(n)} {noun}"


#: What the chapter says in place of a bar chart whose counts are mostly hidden.
TOO_FEW_BARS: Final = (
    "No figure is given: too few of its counts can be shown to protect confidentiality."
)


def sole_leader(counts: Sequence[int], hidden: Sequence[bool]) -> int | None:
    """Where the largest of ``counts`` is, when a sentence may name it; None otherwise.

    The largest count must be above zero, larger than every other count (hidden ones
    included, so that the sentence is true whatever the table hides) and shown; and the
    hidden counts together must not exceed it, since naming it tells a reader that no
    hidden count is larger.

    Examples
    --------
    >>> sole_leader([12, 4, 3], [False, True, True])
    0
    >>> sole_leader([12, 12, 3], [False, False, True]) is None  # a tie
    True
    >>> sole_leader([9, 6, 5], [False, True, True]) is None  # 6 + 5 hidden exceed 9
    True
    """
    values = [int(n) for n in counts]
    if not values:
        return None
    top = max(values)
    leaders = [i for i, n in enumerate(values) if n == top]
    if top <= 0 or len(leaders) > 1 or hidden[leaders[0]]:
        return None
    if sum(n for n, h in zip(values, hidden, strict=True) if h) > top:
        return None
    return leaders[0]


def bars_worth_drawing(values: Sequence[float]) -> bool:
    """Whether a bar chart of these counts (NaN where hidden) tells a reader anything.

    At least two bars must show a count above zero, and at least a third of the bars
    must be shown; otherwise the chart is mostly hidden-count marks and the table says
    all it can.

    Examples
    --------
    >>> bars_worth_drawing([12.0, float("nan"), 7.0, 0.0])
    True
    >>> bars_worth_drawing([float("nan"), float("nan"), 0.0, 0.0])
    False
    >>> hidden = float("nan")
    >>> bars_worth_drawing([30.0, 4.0, hidden, hidden, hidden, hidden, hidden])
    False
    """
    shown = np.array([v for v in values if not np.isnan(v)], dtype=float)
    return int((shown > 0).sum()) >= 2 and 3 * shown.size >= len(values)


def place(table_id: str, row: str, column: str) -> str:
    """Where a table cell is printed, as the audit trail shows it."""
    return f"table {table_id}: {row} / {column}"


# -- count tables ---------------------------------------------------------------------------
@dataclass(frozen=True)
class GridPlan:
    """A table of counts registered for disclosure control, to be finished afterwards.

    ``values`` and ``keys`` hold the inner cells (rows by columns); the published totals
    (a total row, a total column, both) have keys of their own. Rows listed in
    ``silent_rows`` are zero throughout and are not printed: a reader who sees the
    printed rows add up to the total knows them, so they are registered as known (never
    chosen to be hidden). Should an earlier chapter have hidden one of their counts, the
    row is printed after all, with the count hidden (see :meth:`left_out`).
    """

    ctx: Context
    table_id: str
    title: str
    row_header: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray
    keys: tuple[tuple[CellKey, ...], ...]
    column_total_keys: tuple[CellKey, ...] | None
    row_total_keys: tuple[CellKey, ...] | None
    grand_key: CellKey | None
    total_row: str | None
    total_column: str | None
    percent: Literal["column", "row"] | None
    extra: Mapping[str, Sequence[str]]
    notes: tuple[str, ...]
    row_name: str
    column_name: str
    silent_rows: frozenset[str] = frozenset()
    #: The pooled period every count of the table is of (e.g. "2020/21 to 2022/23"), for
    #: a table whose rows and columns are not years: its CSV rows then carry it, with the
    #: start ``year``.
    period: str | None = None

    # -- after protection -------------------------------------------------------------
    def left_out(self, row: str) -> bool:
        """Whether the row is not printed: a silent row none of whose counts is hidden.

        A row left out tells a reader that its counts are zero, so a row holding a hidden
        count is printed, with the marker in place of that count.
        """
        if row not in self.silent_rows:
            return False
        i = self.rows.index(row)
        keys = [*self.keys[i]]
        if self.row_total_keys is not None:
            keys.append(self.row_total_keys[i])
        return not self.ctx.hidden(*keys)

    def hidden(self, row: str, column: str) -> bool:
        """Whether the inner cell is hidden."""
        i, j = self.rows.index(row), self.columns.index(column)
        return self.ctx.hidden(self.keys[i][j])

    def mask(self) -> pd.DataFrame:
        """Hidden inner cells, as a frame shaped like the grid."""
        data = [[self.ctx.hidden(k) for k in row] for row in self.keys]
        return pd.DataFrame(data, index=list(self.rows), columns=list(self.columns), dtype=bool)

    def denominator(self, i: int, j: int) -> tuple[CellKey | None, int]:
        """The key and value of the total a cell's percentage is of."""
        if self.percent == "column" and self.column_total_keys is not None:
            return self.column_total_keys[j], int(self.values[:, j].sum())
        if self.percent == "row" and self.row_total_keys is not None:
            return self.row_total_keys[i], int(self.values[i].sum())
        if self.percent == "column":
            return None, int(self.values[:, j].sum())
        return None, int(self.values[i].sum())

    def share(self, i: int, j: int) -> float | None:
        """The cell's percentage, or None when it (or its total) is hidden."""
        if self.percent is None:
            return None
        key, total = self.denominator(i, j)
        if self.ctx.hidden(self.keys[i][j]) or (key is not None and self.ctx.hidden(key)):
            return None
        return 100.0 * float(self.values[i, j]) / total if total else 0.0

    def _tidy_total(
        self, row: str, column: str, key: CellKey, *, i: int | None = None, j: int | None = None
    ) -> dict[str, Any]:
        """The CSV record of a published total (the row or column sum, or the grand total)."""
        if i is not None:
            value = int(self.values[i].sum())
        elif j is not None:
            value = int(self.values[:, j].sum())
        else:
            value = int(self.values.sum())
        hidden = self.ctx.hidden(key)
        record: dict[str, Any] = {
            self.row_name: row,
            self.column_name: column,
            **self._period(),
            _O.count: None if hidden else value,
        }
        if self.percent is not None:
            record[_O.value] = None  # a total's share is not printed
        record[_O.suppressed] = hidden
        return record

    def table(self) -> ReportTable:
        """The finished table: hidden counts (and their percentages) show the marker."""
        marker = self.ctx.disclosure.marker
        hidden_any = False

        def cell(value: int, key: CellKey, share: float | None) -> str:
            nonlocal hidden_any
            if self.ctx.hidden(key):
                hidden_any = True
                return marker
            return fmt_count(value) if share is None else count_percent(value, share)

        header = [self.row_header, *self.columns]
        if self.total_column:
            header.append(self.total_column)
        header.extend(self.extra)
        out_rows: list[tuple[str, ...]] = []
        tidy: list[dict[str, Any]] = []
        for i, label in enumerate(self.rows):
            if self.left_out(label):
                continue
            cells = [label]
            for j, column in enumerate(self.columns):
                share = self.share(i, j)
                value = int(self.values[i, j])
                hidden = self.ctx.hidden(self.keys[i][j])
                cells.append(cell(value, self.keys[i][j], share))
                record: dict[str, Any] = {
                    self.row_name: label,
                    self.column_name: column,
                    **self._period(),
                    _O.count: None if hidden else value,
                }
                if self.percent is not None:
                    record[_O.value] = None if share is None else share
                record[_O.suppressed] = hidden
                tidy.append(record)
            if self.total_column and self.row_total_keys is not None:
                cells.append(cell(int(self.values[i].sum()), self.row_total_keys[i], None))
                tidy.append(self._tidy_total(label, self.total_column, self.row_total_keys[i], i=i))
            cells.extend(str(values[i]) for values in self.extra.values())
            out_rows.append(tuple(cells))
        if self.total_row and self.column_total_keys is not None:
            totals = [self.total_row]
            for j, key in enumerate(self.column_total_keys):
                totals.append(cell(int(self.values[:, j].sum()), key, None))
                tidy.append(self._tidy_total(self.total_row, self.columns[j], key, j=j))
            if self.total_column and self.grand_key is not None:
                totals.append(cell(int(self.values.sum()), self.grand_key, None))
                tidy.append(self._tidy_total(self.total_row, self.total_column, self.grand_key))
            totals.extend("" for _ in self.extra)
            out_rows.append(tuple(totals))
        notes = self.notes
        if hidden_any:
            notes = (*notes, self.ctx.disclosure.note(hidden_counts=True))
        return ReportTable(
            id=self.table_id,
            title=self.title,
            header=tuple(header),
            rows=tuple(out_rows),
            tidy=self.tidy_frame(tidy),
            notes=tuple(n for n in notes if n),
        )

    def _period(self) -> dict[str, str]:
        """The pooled period of a CSV record, if the table has one."""
        return {} if self.period is None else {_O.period: self.period}

    def tidy_frame(self, records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
        """The CSV records typed: counts as integers (missing where hidden), the
        percentage as ``value`` to one decimal, a column of year labels (or the pooled
        period) as ``period`` with its start ``year``."""
        frame = tidy_frame(records, counts=[_O.count], numbers={_O.value: 1})
        for name in (self.row_name, self.column_name):
            if name == _O.year:
                frame = with_start_year(frame, name)
        if self.period is not None:
            frame = with_start_year(frame, _O.period)
        return frame


def plan_grid(
    ctx: Context,
    table_id: str,
    title: str,
    grid: pd.DataFrame,
    *,
    keys: Sequence[Sequence[CellKey]],
    row_header: str,
    column_total_keys: Sequence[CellKey] | None = None,
    row_total_keys: Sequence[CellKey] | None = None,
    grand_key: CellKey | None = None,
    total_row: str | None = None,
    total_column: str | None = None,
    percent: Literal["column", "row"] | None = None,
    extra: Mapping[str, Sequence[str]] | None = None,
    notes: Sequence[str] = (),
    row_name: str = "group",
    column_name: str = "year",
    silent_rows: Sequence[str] = (),
    period: str | None = None,
) -> GridPlan:
    """Register a table of counts (inner cells and published totals) and plan it.

    ``grid`` holds the counts (index: row labels; columns: column labels); ``keys`` the
    key of each inner cell; ``column_total_keys`` the keys of the total row's cells
    (``total_row`` is its label), ``row_total_keys`` those of the total column.
    ``period`` names the pooled period of a table whose columns are not years.
    """
    if period is not None and {row_name, column_name} & {_O.year, _O.period}:
        raise CdopArgumentError(
            f"plan_grid: {table_id} names its period ({period!r}) and has a "
            f"{row_name!r} by {column_name!r} grid: a table of years has no pooled period"
        )
    values = grid.to_numpy(dtype=np.int64)
    rows = tuple(str(r) for r in grid.index)
    columns = tuple(str(c) for c in grid.columns)
    silent = frozenset(silent_rows)
    for i, row in enumerate(rows):
        if row in silent and values[i].any():
            raise CdopArgumentError(f"plan_grid: the row {row!r} of {table_id} is not zero")
        for j, column in enumerate(columns):
            ctx.count(keys[i][j], values[i, j], place(table_id, row, column), known=row in silent)
    row_total = total_row or "Total"
    column_total = total_column or "Total"
    if column_total_keys is not None:
        for j, column in enumerate(columns):
            ctx.count(column_total_keys[j], values[:, j].sum(), place(table_id, row_total, column))
    if row_total_keys is not None:
        for i, row in enumerate(rows):
            ctx.count(
                row_total_keys[i],
                values[i].sum(),
                place(table_id, row, column_total),
                known=row in silent,
            )
    if grand_key is not None:
        ctx.count(grand_key, values.sum(), place(table_id, row_total, column_total))
    return GridPlan(
        ctx=ctx,
        table_id=table_id,
        title=title,
        row_header=row_header,
        rows=rows,
        columns=columns,
        values=values,
        keys=tuple(tuple(row) for row in keys),
        column_total_keys=None if column_total_keys is None else tuple(column_total_keys),
        row_total_keys=None if row_total_keys is None else tuple(row_total_keys),
        grand_key=grand_key,
        total_row=total_row,
        total_column=total_column,
        percent=percent,
        extra=dict(extra or {}),
        notes=tuple(notes),
        row_name=row_name,
        column_name=column_name,
        silent_rows=silent,
        period=period,
    )


# -- rates ----------------------------------------------------------------------------------
def rate_cell(rate: float, lo: float, hi: float, status: str, marker: str) -> str:
    """A rate with its interval and flag as printed ("9.3 (6.6-12.7) u"), or the marker."""
    from cdop.report._text import fmt_interval, fmt_rate

    if status == "suppressed":
        return marker
    flag = " u" if status == "unreliable" else ""
    return f"{fmt_rate(rate)} ({fmt_interval(lo, hi)}){flag}"


def rate_notes(ctx: Context, statuses: Sequence[str]) -> tuple[str, ...]:
    """The disclosure note under a table of rates, when any rate is hidden or flagged."""
    found = {str(s) for s in statuses}
    if not ctx.disclosure.suppress or not found & {"suppressed", "unreliable"}:
        return ()
    return (ctx.disclosure.note(statuses=sorted(found)),)
