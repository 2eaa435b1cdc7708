"""Wording and number formats of the chapter: one place, so every section reads alike.

Comparisons are worded only from a test result: "significantly higher than" when the
local interval lies above the national value (or the exact test rejects equality for a
year-on-year change), "similar to" otherwise. Numbers are rounded only here, half away from
zero as Excel does (1 of 8 is 12.5%, printed 13%), so readers can check them in a spreadsheet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

__all__ = [
    "change_phrase",
    "comparison_phrase",
    "count_percent",
    "excel_round",
    "fmt_count",
    "fmt_interval",
    "fmt_p",
    "fmt_percent",
    "fmt_rate",
    "long_date",
    "national_source_note",
    "no_national_phrase",
    "short_source",
]

_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def excel_round(value: float, digits: int = 0) -> Decimal:
    """``value`` rounded to ``digits`` decimals, half away from zero, as Excel's ROUND does.

    The float is read at its shortest exact decimal form first (``repr``), so 2.675 rounds
    to 2.68 as a reader typing 2.675 into a spreadsheet would see, not to 2.67 as binary
    rounding gives. Python's ``round`` and format codes round half to even instead.

    Examples
    --------
    >>> str(excel_round(12.5)), str(excel_round(0.5)), str(excel_round(-2.5))
    ('13', '1', '-3')
    >>> str(excel_round(2.675, 2)), str(excel_round(100 / 8, 1))
    ('2.68', '12.5')
    """
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def _fixed(value: float, digits: int, *, thousands: bool = True) -> str:
    rounded = excel_round(value, digits)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    return f"{rounded:,.{digits}f}" if thousands else f"{rounded:.{digits}f}"


def fmt_count(n: float) -> str:
    """A count with thousands separators.

    Examples
    --------
    >>> fmt_count(3575), fmt_count(7.0), fmt_count(2.5)
    ('3,575', '7', '3')
    """
    return _fixed(n, 0)


def fmt_percent(p: float, *, digits: int = 0) -> str:
    """A percentage ("57%"), half away from zero; missing as an en dash.

    Examples
    --------
    >>> fmt_percent(57.14), fmt_percent(2.5, digits=1), fmt_percent(float("nan"))
    ('57%', '2.5%', '–')
    >>> fmt_percent(100 / 8), fmt_percent(62.5)
    ('13%', '63%')
    """
    if p is None or math.isnan(p):
        return "–"
    return f"{_fixed(p, digits, thousands=False)}%"


def fmt_rate(r: float, *, digits: int = 1) -> str:
    """A rate with one decimal ("3.8"), half away from zero; missing as an en dash.

    Examples
    --------
    >>> fmt_rate(3.849), fmt_rate(0.25, digits=1), fmt_rate(float("nan"))
    ('3.8', '0.3', '–')
    """
    if r is None or math.isnan(r):
        return "–"
    return _fixed(r, digits)


def fmt_interval(lower: float, upper: float, *, percent: bool = False, digits: int = 1) -> str:
    """An interval "2.9 to 4.7" (or "45% to 68%").

    Examples
    --------
    >>> fmt_interval(2.91, 4.66), fmt_interval(45.2, 67.9, percent=True)
    ('2.9 to 4.7', '45% to 68%')
    """
    if percent:
        return f"{fmt_percent(lower)} to {fmt_percent(upper)}"
    return f"{fmt_rate(lower, digits=digits)} to {fmt_rate(upper, digits=digits)}"


def count_percent(n: float, percent: float) -> str:
    """A table cell "16 (57%)".

    Examples
    --------
    >>> count_percent(16, 57.142)
    '16 (57%)'
    >>> count_percent(0, 0.0)
    '0 (0%)'
    """
    return f"{fmt_count(n)} ({fmt_percent(percent)})"


def long_date(day: int, month: int, year: int) -> str:
    """A date as printed in the chapter ("31 March 2025").

    Examples
    --------
    >>> long_date(31, 3, 2025)
    '31 March 2025'
    """
    return f"{day} {_MONTHS[month - 1]} {year}"


def short_source(publisher: str) -> str:
    """A short name of a publisher for running text ("NCMD", "ONS", "NHS Digital").

    Examples
    --------
    >>> short_source("University of Bristol (host of the National Child Mortality Database)")
    'NCMD'
    >>> short_source("Office for National Statistics"), short_source("NHS Digital")
    ('ONS', 'NHS Digital')
    """
    text = str(publisher)
    if "National Child Mortality Database" in text:
        return "NCMD"
    if "Office for National Statistics" in text:
        return "ONS"
    return text.split(". ")[0]


def comparison_phrase(
    label: str | None,
    national: str,
    *,
    period: str,
    same_period: bool,
    like_for_like: bool | None = None,
    source: str | None = None,
    note: str | None = None,
) -> str:
    """Words for a comparison with the national figure, from its test label.

    With ``like_for_like`` (from :func:`cdop.analytics.compare_national`), the words
    name the national figure, its period and its source, and say "for context only"
    when the figure is not of the same definition and period (no claim is then made).
    ``label`` is ``"higher"``, ``"lower"`` or ``"similar"`` (95% interval against the
    national value).

    Examples
    --------
    >>> comparison_phrase("lower", "48%", period="2024/25", same_period=True,
    ...                   like_for_like=True, source="NCMD")
    'significantly lower than England (48% in 2024/25, NCMD)'
    >>> context = comparison_phrase(None, "48%", period="2024/25", same_period=False,
    ...                             like_for_like=False, source="NCMD",
    ...                             note="national figure for 2024/25, not 2023/24")
    >>> context.split("; ")
    ['with no comparable national figure (national figure for 2024/25, not 2023/24)', \
'England: 48% in 2024/25 (NCMD), for context only']
    >>> comparison_phrase("similar", "76%", period="2016/17", same_period=False)
    'similar to the national 76% (2016/17, the latest national figure)'
    """
    if like_for_like is not None:
        cite = f"{national} in {period}" + (f", {source}" if source else "")
        if not like_for_like:
            why = f" ({note})" if note else ""
            src = f" ({source})" if source else ""
            return (
                f"with no comparable national figure{why}; England: {national} in {period}"
                f"{src}, for context only"
            )
        if label in {"higher", "lower"}:
            return f"significantly {label} than England ({cite})"
        if label == "similar":
            return f"similar to England ({cite})"
        return f"not compared with England ({cite})"
    when = period if same_period else f"{period}, the latest national figure"
    if label in {"higher", "lower"}:
        return f"significantly {label} than the national {national} ({when})"
    if label == "similar":
        return f"similar to the national {national} ({when})"
    return f"not compared with the national {national} ({when})"


def no_national_phrase() -> str:
    """Words for a local figure with no national figure of the same definition shipped.

    Examples
    --------
    >>> no_national_phrase()
    'with no comparable national figure published'
    """
    return "with no comparable national figure published"


def national_source_note(rows: Iterable[Any]) -> str:
    """A table note citing the national figures of a comparison, and the policy.

    ``rows`` are mappings or Series, rows of :func:`cdop.analytics.compare_national`
    (``national_period``, ``national_source``, ``national_url``, ``like_for_like``); rows
    without a national figure are skipped. Empty when none has one.

    Examples
    --------
    >>> note = national_source_note([{"national_period": "2024/25", "national_source": "NCMD. "
    ...     "Data release 2025", "national_url": "https://www.ncmd.info/", "like_for_like": True}])
    >>> note.split(". A local")[0]
    'England: 2024/25, NCMD. Data release 2025 (https://www.ncmd.info/)'
    """
    cited: dict[str, str] = {}
    for row in rows:
        period, src, url = (
            row.get("national_period"),
            row.get("national_source"),
            row.get("national_url"),
        )
        if not isinstance(period, str) or not isinstance(src, str):
            continue
        link = f" ({url})" if isinstance(url, str) and url else ""
        cited.setdefault(f"{period}|{src}", f"{period}, {src}{link}")
    if not cited:
        return ""
    return (
        "England: "
        + "; ".join(cited.values())
        + ". A local figure is tested against England only for the same period and "
        "definition; otherwise the national figure is context."
    )


def change_phrase(
    current: int, previous: int, p_value: float, *, previous_year: str, noun: str = ""
) -> str:
    """Words for a change of a count from the previous year, from an exact test.

    The change is called significant only when the two-sided exact test of equal
    underlying rates gives ``p_value < 0.05``.

    Examples
    --------
    >>> change_phrase(76, 64, 0.33, previous_year="2023/24")
    'compared with 64 in 2023/24 (not a statistically significant change, p = 0.33)'
    >>> change_phrase(90, 50, 0.001, previous_year="2023/24")
    'a significant increase from 50 in 2023/24 (p = 0.001)'
    >>> change_phrase(90, 70, 0.047, previous_year="2023/24")
    'a significant increase from 70 in 2023/24 (p = 0.047)'
    >>> change_phrase(50, 50, 1.0, previous_year="2023/24")
    'the same as in 2023/24'
    """
    p = fmt_p(p_value)
    if current == previous:
        return f"the same as in {previous_year}"
    if p_value < 0.05:
        direction = "increase" if current > previous else "decrease"
        return (
            f"a significant {direction} from {fmt_count(previous)}{noun} in {previous_year} ({p})"
        )
    return (
        f"compared with {fmt_count(previous)}{noun} in {previous_year} (not a statistically "
        f"significant change, {p})"
    )


def fmt_p(p: float, *, alpha: float = 0.05) -> str:
    """A p-value as printed: never rounded across the significance threshold.

    Two decimals from 0.1, three below it, "p < 0.001" below 0.001 (half away from
    zero). A p-value under ``alpha`` that would print as ``alpha`` is "p < 0.05"; one at
    or above ``alpha`` never prints below it.

    Examples
    --------
    >>> fmt_p(0.33), fmt_p(0.047), fmt_p(0.0496), fmt_p(0.0004), fmt_p(0.05)
    ('p = 0.33', 'p = 0.047', 'p < 0.05', 'p < 0.001', 'p = 0.050')
    """
    if p < 0.001:
        return "p < 0.001"
    digits = 2 if p >= 0.1 else 3
    shown = excel_round(p, digits)
    if p < alpha <= float(shown):
        return f"p < {alpha:g}"
    return f"p = {shown:.{digits}f}"
