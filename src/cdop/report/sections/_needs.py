"""What a section needs from the data, and what data would add it when it is missing.

A section declares its needs by name (``needs=("births", "deprivation")``). Before the
chapter plans a section, every need is checked against the data and the settings; a
section with an unmet need is left out, and the chapter lists it under "Not included in
this chapter" with one line saying what data would add it. Needs are of three kinds:

- *tables*: an optional table (``births``, ``population``, ``factors``), and the
  deprivation of the deaths;
- *enough years*: every year of the pooled period, or enough complete calendar years to
  pool the infant mortality rates;
- *fields*: any optional column of the data contract by its canonical name
  (``"gestation_weeks"``, ``"delay_reasons"``, or ``"population.ethnicity"``): met when
  the column holds a value.

A section module may also declare a :class:`Need` of its own (for example a text block
the panel names in its chapter settings, read from ``ctx.settings``).

A need is a :class:`Need`: a name, and a check that returns ``None`` when the need is met
or, when it is not, the words saying what data would add the section.

Examples
--------
>>> import cdop
>>> from cdop.report.sections._base import Context
>>> from cdop.report._tables import Disclosure
>>> ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
>>> unmet(ctx, ("births", "deprivation", "gestation_weeks")) == {}
True
>>> resolve("birthweight").name
Traceback (most recent call last):
...
cdop.errors.CdopArgumentError: needs: unknown need 'birthweight'; expected one of ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

import numpy as np
import pandas as pd

from cdop import schema
from cdop.analytics._common import derived
from cdop.analytics._periods import start_years
from cdop.dataset import Dataset
from cdop.errors import CdopArgumentError

__all__ = ["NEEDS", "Need", "NeedContext", "data_years", "resolve", "unmet"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS


class NeedContext(Protocol):
    """What the standard needs read of a section's context
    (:class:`cdop.report.sections.Context`)."""

    @property
    def ds(self) -> Dataset:
        """The dataset."""

    @property
    def pool(self) -> int:
        """Years pooled."""

    @property
    def pooled_years(self) -> list[str]:
        """The financial years of the pooled period."""

    @property
    def covered(self) -> tuple[int, int] | None:
        """The first and last financial years the data cover."""

    @property
    def window_withheld_here(self) -> bool:
        """Whether the pooled window's tables of the section asking are left out
        (disclosure control)."""


@dataclass(frozen=True)
class Need:
    """One thing a section needs.

    ``check`` is called with the section's :class:`~cdop.report.sections.Context` and
    returns ``None`` when the need is met, otherwise what data would add the section, as
    words completing "needs ..." (for example "a births table (live births by calendar
    year and deprivation quintile)").
    """

    name: str
    check: Callable[[Any], str | None]
    #: Met by the chapter settings (a file the panel names), not by the data.
    settings: bool = False


def data_years(ctx: NeedContext) -> tuple[int, int] | None:
    """The first and last financial years (start years) the data cover, or None.

    The data cover the financial years from the first to the last date recorded (a
    notification or a completed review). Worked out once per dataset: a chapter asks for
    every earlier year it plans.
    """
    span = derived(ctx.ds, ("report", "data_years"), lambda: _data_span(ctx.ds))
    if span.empty:
        return None
    return int(span["first"].iloc[0]), int(span["last"].iloc[0])


def _data_span(ds: Dataset) -> pd.DataFrame:
    """The first and last financial years (start years) of :func:`data_years`, as a
    table of one row (none when the data hold no date)."""
    dates = pd.concat([ds.notifications[_N.date_notified], ds.reviews[_R.date_review_completed]])
    starts = start_years(dates, "financial")
    starts = starts[~np.isnan(starts)]
    if starts.size == 0:
        return pd.DataFrame({"first": pd.Series(dtype="int64"), "last": pd.Series(dtype="int64")})
    return pd.DataFrame({"first": [int(starts.min())], "last": [int(starts.max())]})


def _label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _table(name: str, what: str) -> Need:
    def check(ctx: NeedContext) -> str | None:
        frame = getattr(ctx.ds, name)
        if frame is None:
            return f"a {name} table ({what})"
        if frame.empty:
            return f"rows in the {name} table ({what}); it holds none"
        return None

    return Need(name, check)


def _deprivation(ctx: NeedContext) -> str | None:
    notes = ctx.ds.notifications
    if notes[_N.imd_quintile].notna().any():
        return None
    if _N.lsoa_code in notes and notes[_N.lsoa_code].notna().any():
        return (
            "the deprivation decile of each death: the deaths carry LSOA codes, so give "
            "File 1 of the English Indices of Deprivation (--deprivation FILE, or "
            "deprivation= in read_dataset) to derive them"
        )
    return "the deprivation decile (imd_decile) or LSOA code (lsoa_code) of each death"


#: Why a pooled window's tables are left out when disclosure control withholds them.
WINDOW_WITHHELD: Final = (
    "the pooled period {first} to {last} to be publishable beside the counts of its years "
    "that earlier chapters printed (its tables would show which of those counts are not "
    "zero where the earlier chapters hid them, so a reader could narrow them)"
)


def _pooled_years(ctx: NeedContext) -> str | None:
    pooled = ctx.pooled_years
    if ctx.window_withheld_here:
        return WINDOW_WITHHELD.format(first=pooled[0], last=pooled[-1])
    first, last = int(pooled[0][:4]), int(pooled[-1][:4])
    covered = ctx.covered
    if covered is not None and covered[0] <= first and last <= covered[1]:
        return None
    have = "" if covered is None else f" (the data cover {_cover(covered)})"
    return f"data for every financial year of the pooled period {pooled[0]} to {pooled[-1]}" + have


def _cover(covered: tuple[int, int]) -> str:
    first, last = covered
    return _label(first) if first == last else f"{_label(first)} to {_label(last)}"


def longest_run(years: Iterable[int]) -> int:
    """The most consecutive years among ``years`` (ascending).

    Examples
    --------
    >>> longest_run([2019, 2021, 2022, 2023]), longest_run([])
    (3, 0)
    """
    run = best = 0
    last: int | None = None
    for year in years:
        run = run + 1 if last is not None and year == last + 1 else 1
        best, last = max(best, run), year
    return best


def _calendar_pool(ctx: NeedContext) -> str | None:
    """At least ``ctx.pool`` consecutive calendar years wholly inside the data, with births."""
    covered = ctx.covered
    births = ctx.ds.births
    if covered is None or births is None:
        return None if births is None else "data covering whole calendar years"
    # Calendar year Y lies wholly inside financial years first..last when
    # first <= Y - 1 and Y <= last (1 January to 31 December of Y).
    with_births = {int(y) for y in births[schema.BIRTHS.year].dropna().unique()}
    years = [y for y in range(covered[0] + 1, covered[1] + 1) if y in with_births]
    best = longest_run(years)
    if best >= ctx.pool:
        return None
    found = "none" if not years else ", ".join(str(y) for y in years) + (" only" if best else "")
    return (
        f"{ctx.pool} consecutive complete calendar years of deaths and births to pool "
        f"(complete calendar years in the data, with births: {found})"
    )


def _about(column: schema.Column) -> str:
    """The column's name with its rule in a few words (code lists left out)."""
    rule = column.rule.split("; ")[0]
    if rule.startswith("one of"):
        return column.name
    return f"{column.name} ({rule.split(': one of')[0]})"


def _field(table: str, column: schema.Column, name: str) -> Need:
    def check(ctx: NeedContext) -> str | None:
        frame = getattr(ctx.ds, table)
        if frame is None:
            return f"a {table} table with {_about(column)}"
        if column.name in frame and frame[column.name].notna().any():
            return None
        # Whether the export had the column and left it empty, or lacked it, no row of
        # the table gives a value: say that, not that the column is missing.
        return f"{_about(column)} recorded in the {table} (no row gives one)"

    return Need(name, check)


def _fields() -> dict[str, Need]:
    """A need for every optional column: ``"table.column"``, and the bare column name
    for the notifications and reviews."""
    out: dict[str, Need] = {}
    for table in ("notifications", "reviews", "factors", "population"):
        for column in schema.TABLES[table].columns:
            if column.required or column.name == _N.date_of_birth:
                continue
            name = f"{table}.{column.name}"
            out[name] = _field(table, column, name)
            if table in ("notifications", "reviews"):
                out[column.name] = _field(table, column, column.name)
    return out


#: Every need a section may name: tables, settings, years, then optional fields.
NEEDS: Final[Mapping[str, Need]] = {
    **_fields(),
    "births": _table("births", "live births by calendar year and deprivation quintile"),
    "population": _table("population", "children by calendar year and age group"),
    "factors": _table("factors", "the factors recorded on the analysis form"),
    "deprivation": Need("deprivation", _deprivation),
    "pooled_years": Need("pooled_years", _pooled_years),
    "calendar_pool": Need("calendar_pool", _calendar_pool),
}


def resolve(need: str | Need) -> Need:
    """The :class:`Need` of a name (or the need itself).

    Raises
    ------
    CdopArgumentError
        For a name that is no need, listing the names.
    """
    if isinstance(need, Need):
        return need
    found = NEEDS.get(need)
    if found is None:
        raise CdopArgumentError(
            f"needs: unknown need {need!r}; expected one of {', '.join(sorted(NEEDS))}"
        )
    return found


def unmet(ctx: NeedContext, needs: Iterable[str | Need]) -> dict[str, str]:
    """The needs not met, each with what data would meet it (empty when all are met)."""
    out: dict[str, str] = {}
    for need in needs:
        found = resolve(need)
        missing = found.check(ctx)
        if missing is not None:
            out[found.name] = missing
    return out
