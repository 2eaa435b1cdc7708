"""Section: key messages, the findings that matter, at the front of the chapter.

Each finding restates numbers the chapter already publishes elsewhere: it is stated only
when another section has registered the counts it rests on (under the same keys, so with
the same values), and the key messages register them again, so that a count is hidden
in the key messages exactly when it is hidden where the chapter prints it. A finding
whose count is hidden is stated without the number where the words still say something
(deaths notified, reviews completed, cases open), and otherwise left out (a rate or a
percentage is never shown without the count behind it).

The findings, in order, each where the data support it:

1. deaths notified and reviews completed in the year, with the year before;
2. cases awaiting review at the year end, with a year before;
3. the child mortality rate against England (95% interval, significance);
4. the infant mortality rate against England;
5. the share of reviews that identified modifiable factors, against England;
6. the share of reviews completed within 12 months of notification, against England;
7. the most common category of death among the year's reviews.

Disclosure of the most common category: naming the largest count of a column tells a
reader that every hidden count of that column is at most that count. It is named only
when the column's total is shown and the hidden counts of the column add up to no more
than the largest count; the reader then knew it already (total minus the counts shown).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd

from cdop import analytics, schema
from cdop.disclosure import CellKey
from cdop.errors import CdopArgumentError
from cdop.report._model import Section
from cdop.report._text import fmt_count, fmt_interval, fmt_percent, fmt_rate
from cdop.report.sections._base import (
    DIM,
    MEASURE,
    WITHIN_LEVELS,
    Context,
    Finish,
    SectionSpec,
    count_words,
    england_comparison,
    versus,
)
from cdop.report.sections.categories import CATEGORY_LABELS

__all__ = ["PLACE", "SECTION", "plan"]

_R = schema.REVIEWS
_O = schema.OUTPUT

#: Where the key messages print a count (the audit trail of published counts).
PLACE: Final = "key messages"

#: A finding once disclosure control has run: its sentence, or None to leave it out.
_Finding = Callable[[], str | None]


def _published(ctx: Context, *keys: CellKey) -> bool:
    """Whether another section registered every one of the counts."""
    return all(key in ctx.counts for key in keys)


def _restate(ctx: Context, key: CellKey, value: int, what: str) -> None:
    """Register a count the key messages print again (same key, so the same value)."""
    ctx.count(key, value, f"{PLACE}: {what}")


def _year_end(label: str) -> str:
    return f"31 March {int(label[:4]) + 1}"


def _activity(ctx: Context) -> list[_Finding]:
    """Deaths notified, reviews completed and cases open: this year and the year before."""
    current = {m: ctx.key(m, year=ctx.label) for m in (MEASURE.NOTIFIED, MEASURE.REVIEWED)}
    if not _published(ctx, *current.values()):
        return []
    years = [ctx.previous, ctx.label]
    act = ctx.yearly(analytics.activity, years=years)
    act = act.assign(label=act[_O.period].astype(str)).set_index("label")
    columns = {
        MEASURE.NOTIFIED: "notifications",
        MEASURE.REVIEWED: "reviews",
        MEASURE.OPEN: "open_at_end",
    }
    values: dict[CellKey, int] = {}
    for year in years:
        if year not in act.index:
            continue
        for measure, column in columns.items():
            key = ctx.key(measure, year=year)
            if _published(ctx, key):
                values[key] = int(act[column].loc[year])
                _restate(ctx, key, values[key], f"{column} {year}")

    def words(measure: str, noun: str) -> str:
        key = ctx.key(measure, year=ctx.label)
        text = count_words(values[key], ctx.hidden(key), noun)
        before = ctx.key(measure, year=ctx.previous)
        if before in values and not ctx.hidden(before) and not ctx.hidden(key):
            text += f" ({fmt_count(values[before])} in {ctx.previous})"
        return text

    def activity() -> str:
        return (
            f"In {ctx.label} the panel was notified of "
            f"{words(MEASURE.NOTIFIED, 'child deaths')} and completed "
            f"{words(MEASURE.REVIEWED, 'reviews')}."
        )

    found: list[_Finding] = [activity]
    open_key = ctx.key(MEASURE.OPEN, year=ctx.label)
    if open_key in values:

        def backlog() -> str | None:
            if ctx.hidden(open_key):
                return None
            n = values[open_key]
            text = f"On {_year_end(ctx.label)}, {fmt_count(n)} cases were awaiting review"
            before = ctx.key(MEASURE.OPEN, year=ctx.previous)
            if before in values and not ctx.hidden(before):
                text += f" ({fmt_count(values[before])} a year earlier)"
            return text + "."

        found.append(backlog)
    return found


def _rate(
    ctx: Context,
    key: CellKey,
    compute: Callable[[], pd.DataFrame],
    indicator: str,
    words: str,
    per: str,
) -> list[_Finding]:
    """A rate of the year against England, when its count of deaths is published."""
    if not _published(ctx, key):
        return []
    try:
        rates = compute()
    except CdopArgumentError:  # pragma: no cover - the section printing it computed it
        return []
    rates = rates[rates[_O.period].astype(str) == ctx.label]
    if rates.empty:
        return []
    row = england_comparison(rates, indicator).iloc[0]
    deaths = int(row[_O.numerator])
    _restate(ctx, key, deaths, f"{words} {ctx.label}")

    def finding() -> str | None:
        if ctx.rate_status(key, float(deaths)) != "ok" or pd.isna(row[_O.value]):
            return None  # hidden, from too few deaths to read on its own, or no denominator
        return (
            f"{words[0].upper()}{words[1:]} was {fmt_rate(row[_O.value])} per {per} in "
            f"{ctx.label} (95% CI {fmt_interval(row[_O.lower_ci], row[_O.upper_ci])})"
            + versus(row, fmt_rate)
            + "."
        )

    return [finding]


def _child_mortality(ctx: Context) -> list[_Finding]:
    return _rate(
        ctx,
        ctx.key(MEASURE.DEATHS, year=ctx.label),
        lambda: ctx.yearly(analytics.child_mortality, years=[ctx.label]),
        "child_mortality_rate",
        "child mortality",
        "100,000 children aged 0-17",
    )


def _infant_mortality(ctx: Context) -> list[_Finding]:
    return _rate(
        ctx,
        ctx.key(MEASURE.INFANT_DEATHS_FINANCIAL, year=ctx.label),
        lambda: ctx.yearly(
            analytics.infant_mortality, by=None, period="financial", years=[ctx.label]
        ),
        "infant_mortality_rate",
        "infant mortality",
        "1,000 live births",
    )


def _share(
    ctx: Context,
    part: CellKey,
    n: int,
    total: int,
    row: Any,
    interval: tuple[float, float, float],
    sentence: Callable[[str], str],
) -> _Finding:
    """A percentage of the year's reviews against England, shown with its counts.

    ``row`` is the compare_national row; ``interval`` the percentage and its 95% interval.
    """
    total_key = ctx.key(MEASURE.REVIEWED, year=ctx.label)
    _restate(ctx, part, n, f"{part.label()}")
    _restate(ctx, total_key, total, "reviews completed")

    def finding() -> str | None:
        if ctx.hidden(part, total_key) or not total:
            return None
        pct, lo, hi = interval
        shown = (
            f"{fmt_percent(pct)} ({fmt_count(n)} of {fmt_count(total)}; 95% CI "
            f"{fmt_interval(lo, hi, percent=True)})"
        )
        return sentence(shown) + versus(row, fmt_percent) + "."

    return finding


def _modifiable(ctx: Context) -> list[_Finding]:
    part = ctx.key(MEASURE.REVIEWED, year=ctx.label, **{DIM.MODIFIABLE: "yes"})
    if not _published(ctx, part, ctx.key(MEASURE.REVIEWED, year=ctx.label)):
        return []
    mod = ctx.yearly(analytics.breakdown, _R.modifiable_factors, years=[ctx.label])
    total = int(mod[_O.numerator].sum())
    yes = mod[mod[_R.modifiable_factors] == "yes"]
    if yes.empty:
        return []
    row = england_comparison(yes, "reviews_with_modifiable_factors").iloc[0]
    return [
        _share(
            ctx,
            part,
            int(row[_O.numerator]),
            total,
            row,
            (row[_O.value], row[_O.lower_ci], row[_O.upper_ci]),
            lambda shown: (
                f"Modifiable factors were identified in {shown} of the reviews "
                f"completed in {ctx.label}"
            ),
        )
    ]


def _timeliness(ctx: Context) -> list[_Finding]:
    part = ctx.key(MEASURE.REVIEWED, year=ctx.label, **{DIM.MONTHS: WITHIN_LEVELS[12]})
    if not _published(ctx, part, ctx.key(MEASURE.REVIEWED, year=ctx.label)):
        return []
    timely = ctx.yearly(analytics.review_timeliness, years=[ctx.label])
    row = england_comparison(
        timely, "reviews_within_12_months", x="within_12_months", n="reviews"
    ).iloc[0]
    return [
        _share(
            ctx,
            part,
            int(row["within_12_months"]),
            int(row["reviews"]),
            row,
            (
                row[f"within_12_months_{_O.value}"],
                row["within_12_months_lower_ci"],
                row["within_12_months_upper_ci"],
            ),
            lambda shown: (
                f"{shown[0].upper()}{shown[1:]} of the reviews completed in "
                f"{ctx.label} were completed within 12 months of notification"
            ),
        )
    ]


def _category(ctx: Context) -> list[_Finding]:
    total_key = ctx.key(MEASURE.REVIEWED, year=ctx.label)
    keys = {
        code: ctx.key(MEASURE.REVIEWED, year=ctx.label, **{DIM.CATEGORY: [code]})
        for code in CATEGORY_LABELS
    }
    if not _published(ctx, total_key, *keys.values()):
        return []
    data = analytics.breakdown(ctx.ds, _R.category, years=[ctx.label])
    codes = data[_R.category].astype("object").map(lambda v: "" if pd.isna(v) else str(v))
    counts = {code: int(data.loc[codes == code, _O.numerator].sum()) for code in CATEGORY_LABELS}
    for code, key in keys.items():
        _restate(ctx, key, counts[code], f"reviews of category {code}")
    total = int(data[_O.numerator].sum())
    _restate(ctx, total_key, total, "reviews completed")

    def finding() -> str | None:
        top = max(counts.values())
        leaders = [code for code, n in counts.items() if n == top]
        if not top or len(leaders) > 1 or ctx.hidden(total_key, keys[leaders[0]]):
            return None
        hidden = sum(n for code, n in counts.items() if ctx.hidden(keys[code]))
        if hidden > top:  # naming the largest count would bound the hidden ones
            return None
        label = CATEGORY_LABELS[leaders[0]].split(". ", 1)[-1]
        return (
            f"The most common category of death among the reviews completed in {ctx.label} "
            f"was {label[0].lower()}{label[1:]} ({fmt_count(top)} of {fmt_count(total)})."
        )

    return [finding]


#: The findings in the order they are stated.
FINDINGS: Final = (
    _activity,
    _child_mortality,
    _infant_mortality,
    _modifiable,
    _timeliness,
    _category,
)


def plan(ctx: Context) -> Finish:
    findings = [finding for planner in FINDINGS for finding in planner(ctx)]

    def finish() -> Section:
        stated = [text for finding in findings if (text := finding()) is not None]
        if not findings:
            stated = ["The sections these findings restate are not in this chapter."]
        elif not stated:
            stated = ["The numbers of this chapter are too small to state its findings."]
        return Section("key_messages", "Key messages", tuple(stated), placement="front")

    return finish


SECTION = SectionSpec("key_messages", "Key messages", plan, placement="front", restates=True)
