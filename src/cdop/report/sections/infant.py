"""Section: infant mortality across all areas against England, and by deprivation quintile.

The rate of the year across all areas needs the births alone. The rates by deprivation
quintile, their gradient and figure need the deprivation of the deaths and enough complete
calendar years to pool; without them that part is left out, and the chapter says what data
would add it.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cdop import analytics, schema
from cdop.analytics._common import derived
from cdop.errors import DataQualityWarning
from cdop.plots._charts import rate_lines
from cdop.report._figures import make_figure
from cdop.report._model import ReportTable, Section
from cdop.report._text import fmt_count, fmt_interval, fmt_rate, short_source
from cdop.report._tidy import RATE_NUMBERS, rate_record, tidy_frame, with_start_year
from cdop.report.sections._base import (
    DIM,
    MEASURE,
    Context,
    Finish,
    SectionSpec,
    england_comparison,
    rate_cell,
    rate_notes,
    versus,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SECTION", "calendar_years", "plan"]

_N = schema.NOTIFICATIONS
_O = schema.OUTPUT
_QUINTILES = (1, 2, 3, 4, 5)
_LABELS = {
    1: "Quintile 1 (most deprived)",
    2: "Quintile 2",
    3: "Quintile 3",
    4: "Quintile 4",
    5: "Quintile 5 (least deprived)",
}


def _known(births: object) -> int:
    """Live births of a quintile and period; none in the births table is printed as 0."""
    return 0 if pd.isna(births) else int(births)  # type: ignore[call-overload]


def calendar_years(period: str) -> list[str]:
    """The calendar years of a pooled period label ("2018-2020"), or of one year."""
    first, _, last = period.partition("-")
    end = int(last) if last else int(first)
    return [str(y) for y in range(int(first), end + 1)]


#: The part by deprivation quintile, and its title where it is left out.
_DEPRIVATION_PART = "infant_mortality_deprivation"
_DEPRIVATION_TITLE = "Infant mortality by deprivation quintile"


def plan(ctx: Context) -> Finish:
    overall = ctx.yearly(analytics.infant_mortality, by=None, period="financial", years=[ctx.label])
    lacking = ctx.unmet("deprivation", "calendar_pool")
    if lacking:
        ctx.leave_out(_DEPRIVATION_PART, _DEPRIVATION_TITLE, lacking)
        _count_overall(ctx, overall)

        def finish_overall() -> Section:
            sentence = _overall_sentence(ctx, overall, say_hidden=True)
            return Section("infant_mortality", "Infant mortality", (sentence,))

        return finish_overall
    all_rates = _periods_shown(ctx)
    rates = _by_quintile(ctx)
    ctx.counts.universe(DIM.QUINTILE, [*(str(q) for q in _QUINTILES), "missing"])
    # Deaths with no quintile are left out of the quintile rates, the ratio and the SII:
    # the table's note says how many, per period.
    no_quintile = _without_quintile(ctx)
    periods = no_quintile[_O.period].tolist()
    missing: dict[str, tuple[int, Any]] = {}
    for period, n_missing in zip(periods, no_quintile[_O.numerator].tolist(), strict=True):
        key = ctx.key(
            MEASURE.INFANT_DEATHS_CALENDAR,
            year=calendar_years(period),
            **{DIM.QUINTILE: "missing"},
        )
        ctx.count(key, n_missing, f"note infant_mortality_deprivation: {period} / no quintile")
        missing[period] = (n_missing, key)
    keys: dict[tuple[str, int], Any] = {}
    for period, q, n in zip(
        rates[_O.period].tolist(),
        rates[_N.imd_quintile].astype(int).tolist(),
        rates[_O.numerator].tolist(),
        strict=True,
    ):
        key = ctx.key(
            MEASURE.INFANT_DEATHS_CALENDAR,
            year=calendar_years(period),
            **{DIM.QUINTILE: str(q)},
        )
        keys[(period, q)] = key
        ctx.count(key, int(n), f"table infant_mortality_deprivation: {period} / quintile {q}")
    _count_overall(ctx, overall)

    def finish() -> Section:
        # Compared with England only when written: planning registers the counts alone.
        cmp = england_comparison(overall, "infant_mortality_rate").iloc[0]
        # The gradient prints no count of its own: worked out only when the section is
        # written (it is not needed to decide what to hide).
        with warnings.catch_warnings():  # periods without a gradient show "–" with a note
            warnings.simplefilter("ignore", DataQualityWarning)
            gradient = analytics.mortality_inequality(all_rates, rii=False)
        gradient[_O.period] = gradient[_O.period].astype(str)
        gradient = gradient.set_index(_O.period)
        marker = ctx.disclosure.marker
        status = {
            (p, q): ctx.rate_status(keys[(p, q)], float(r))
            for (p, q), r in zip(
                zip(rates[_O.period], rates[_N.imd_quintile].astype(int), strict=True),
                rates[_O.numerator],
                strict=True,
            )
        }
        rows = []
        tidy = []
        for period in periods:
            part = rates[rates[_O.period] == period].set_index(_N.imd_quintile)
            cells = [period]
            for q in _QUINTILES:
                r = part.loc[q]
                s = status[(period, q)]
                cells.append(rate_cell(r[_O.value], r[_O.lower_ci], r[_O.upper_ci], s, marker))
                tidy.append(
                    {
                        _O.period: period,
                        _N.imd_quintile: q,
                        **rate_record(
                            count=int(r[_O.numerator]),
                            count_hidden=ctx.hidden(keys[(period, q)]),
                            denominator=_known(r[_O.denominator]),
                            value=r[_O.value],
                            lower=r[_O.lower_ci],
                            upper=r[_O.upper_ci],
                            status=s,
                            statistic="rate per 1000",
                            flag=ctx.disclosure.rules.unreliable_flag,
                        ),
                    }
                )
            g = gradient.loc[period]
            # The SII is a function of every quintile's rate: shown only when all are.
            all_shown = all(status[(period, q)] != "suppressed" for q in _QUINTILES)
            cells.append(
                "–"
                if pd.isna(g["sii"]) or not all_shown
                else f"{fmt_rate(g['sii'])} ({fmt_interval(g['sii_lower_ci'], g['sii_upper_ci'])})"
            )
            rows.append(tuple(cells))
        table = ReportTable(
            "infant_mortality_deprivation",
            f"Infant mortality rate per 1,000 live births by "
            f"deprivation quintile, {ctx.pool}-year periods",
            (
                "Period",
                *(_LABELS[q] for q in _QUINTILES),
                "SII",
            ),
            tuple(rows),
            with_start_year(
                tidy_frame(tidy, counts=[_O.numerator, _O.denominator], numbers=RATE_NUMBERS),
                _O.period,
            ),
            notes=(
                "Rate per 1,000 live births (95% confidence interval): exact Poisson below 10 "
                "deaths, Byar's method from 10. Quintiles of the Index of Multiple Deprivation "
                "of the area of residence; 1 = most deprived.",
                "SII: slope index of inequality, the modelled difference in rate between the "
                "most and least deprived ends of the deprivation scale (95% interval by "
                "simulation); – where a quintile had no deaths or no births in the period, or "
                "where a quintile's rate is not shown.",
                _missing_note(ctx, missing),
                *rate_notes(ctx, list(status.values())),
            ),
        )
        last = periods[-1]
        g = gradient.loc[last]
        sentences = []
        ratio_sig = g["rate_ratio_lower_ci"] > 1 or g["rate_ratio_upper_ci"] < 1
        part = rates[rates[_O.period] == last].set_index(_N.imd_quintile)
        most, least = part.loc[1], part.loc[5]
        if (
            status[(last, 1)] != "suppressed"
            and status[(last, 5)] != "suppressed"
            and pd.notna(g["rate_ratio_lower_ci"])
        ):
            sentences.append(
                f"In {last}, infant mortality in the most deprived fifth of areas was "
                f"{fmt_rate(most[_O.value])} per 1,000 live births against "
                f"{fmt_rate(least[_O.value])} in the least deprived: a rate ratio of "
                f"{fmt_rate(g['rate_ratio'], digits=2)} (95% CI "
                f"{fmt_interval(g['rate_ratio_lower_ci'], g['rate_ratio_upper_ci'], digits=2)}), "
                + (
                    "a statistically significant difference between those two fifths."
                    if ratio_sig
                    else "not a statistically significant difference between those two fifths."
                )
            )
            all_shown = all(status[(last, q)] != "suppressed" for q in _QUINTILES)
            if pd.notna(g["sii"]) and all_shown:
                sii_sig = g["sii_lower_ci"] > 0 or g["sii_upper_ci"] < 0
                sentences.append(
                    f"The slope index of inequality, which uses all five fifths weighted by "
                    f"their births, was {fmt_rate(g['sii'])} per 1,000 (95% CI "
                    f"{fmt_interval(g['sii_lower_ci'], g['sii_upper_ci'])}), "
                    + ("statistically significant" if sii_sig else "not statistically significant")
                    + (
                        "."
                        if sii_sig == ratio_sig
                        else ": the two measures differ because the rate ratio compares only the "
                        "most and least deprived fifths, while the SII fits a line through all "
                        "five, so it is less driven by the two extremes and its interval "
                        "reflects the spread of the middle fifths too."
                    )
                )
        across = _overall_sentence(ctx, overall, "Across all areas, infant mortality")
        if across:
            sentences.append(across)
        plot = rates.copy()
        hide = np.array(
            [
                status[(p, int(q))] == "suppressed"
                for p, q in zip(plot[_O.period], plot[_N.imd_quintile], strict=True)
            ],
            dtype=bool,
        )
        plot.loc[hide, [_O.value, _O.lower_ci, _O.upper_ci]] = np.nan

        # England's infant mortality rate of the reporting year, all areas together: a
        # level to read the quintiles against (a financial year, not the pooled periods).
        national = cmp["national_value"]
        england = None if pd.isna(national) else float(national)
        england_label = (
            f"England {cmp['national_period']}, all areas"
            f" ({short_source(str(cmp['national_source']))})"
            if england is not None
            else ""
        )

        def draw(ax: Axes) -> None:
            rate_lines(
                plot,
                _O.period,
                _N.imd_quintile,
                _O.value,
                _O.lower_ci,
                _O.upper_ci,
                ylabel="Deaths per 1,000 live births",
                group_labels=_LABELS,
                bands=[1, 5],
                benchmark=england,
                benchmark_label=england_label,
                ax=ax,
            )

        figure = make_figure(
            "infant_mortality",
            f"Infant mortality by deprivation quintile, {ctx.pool}-year periods",
            "Line chart of infant mortality rates for each deprivation quintile over time, "
            "each quintile with its own marker and line style, with 95% confidence bands "
            "for the most and least deprived quintiles"
            + (
                f" and a dashed line at England's rate of {fmt_rate(england)} per 1,000 live "
                f"births in {cmp['national_period']}."
                if england is not None
                else "."
            ),
            draw,
            margins=(0.6, 0.45, 2.45, 0.1),
        )
        return Section(
            "infant_mortality",
            "Infant mortality and deprivation",
            (" ".join(sentences),),
            (table,),
            (figure,),
        )

    return finish


def _periods_shown(ctx: Context) -> pd.DataFrame:
    """Infant deaths and rates by deprivation quintile (and of deaths with none) in the
    last ``years_shown`` pooled calendar periods of the data.

    The same for every chapter of the dataset (it does not depend on the reporting
    year), so worked out once per dataset: each earlier year's chapter planned for its
    counts asks for it again.
    """

    def compute() -> pd.DataFrame:
        every = analytics.infant_mortality(ctx.ds, pool=ctx.pool)
        text = every[_O.period].astype(str)
        shown = list(dict.fromkeys(text))[-ctx.years_shown :]
        return every[text.isin(shown)]

    return derived(ctx.ds, (__name__, "periods shown", ctx.pool, ctx.years_shown), compute)


def _by_quintile(ctx: Context) -> pd.DataFrame:
    """The rows of :func:`_periods_shown` with a quintile, the period as text."""

    def compute() -> pd.DataFrame:
        shown = _periods_shown(ctx)
        rates = shown[shown[_N.imd_quintile].notna()].copy()
        rates[_O.period] = rates[_O.period].astype(str)
        return rates

    return derived(ctx.ds, (__name__, "by quintile", ctx.pool, ctx.years_shown), compute)


def _without_quintile(ctx: Context) -> pd.DataFrame:
    """The infant deaths with no quintile in each period of :func:`_by_quintile` (its
    order): ``period`` (text) and ``numerator`` (a whole number, 0 where none)."""

    def compute() -> pd.DataFrame:
        shown = _periods_shown(ctx)
        periods = list(dict.fromkeys(_by_quintile(ctx)[_O.period]))
        none = shown[shown[_N.imd_quintile].isna()]
        text = none[_O.period].astype(str)
        counts = [
            int(none.loc[(text == period).to_numpy(), _O.numerator].sum()) for period in periods
        ]
        return pd.DataFrame({_O.period: periods, _O.numerator: counts})

    return derived(ctx.ds, (__name__, "without quintile", ctx.pool, ctx.years_shown), compute)


def _count_overall(ctx: Context, overall: pd.DataFrame) -> None:
    """Register the infant deaths of the reporting year (the numerator of its rate)."""
    key = ctx.key(MEASURE.INFANT_DEATHS_FINANCIAL, year=ctx.label)
    ctx.count(key, int(overall[_O.numerator].iloc[0]), "sentence: infant deaths in the year")


def _overall_sentence(
    ctx: Context,
    overall: pd.DataFrame,
    subject: str = "Infant mortality",
    *,
    say_hidden: bool = False,
) -> str:
    """The infant mortality rate of the reporting year against England, or why it is not
    given (when it is hidden, only if ``say_hidden``)."""
    cmp = england_comparison(overall, "infant_mortality_rate").iloc[0]
    if pd.isna(cmp[_O.value]):
        year = int(ctx.label[:4])
        return (
            f"{subject} in {ctx.label} cannot be given: it needs the live births of both "
            f"{year} and {year + 1}, which the births table does not give."
        )
    key = ctx.key(MEASURE.INFANT_DEATHS_FINANCIAL, year=ctx.label)
    if ctx.rate_status(key, float(cmp[_O.numerator])) == "suppressed":
        hidden = f"{subject} in {ctx.label} is not given: too few infant deaths to publish a rate."
        return hidden if say_hidden else ""
    return (
        f"{subject} in {ctx.label} was {fmt_rate(cmp[_O.value])} per 1,000 live births "
        f"(95% CI {fmt_interval(cmp[_O.lower_ci], cmp[_O.upper_ci])})" + versus(cmp, fmt_rate) + "."
    )


def _missing_note(ctx: Context, missing: dict[str, tuple[int, Any]]) -> str:
    """How many deaths had no deprivation quintile, per period (hidden when small)."""
    parts = []
    for period, (n, key) in missing.items():
        parts.append(f"{period}: {ctx.disclosure.marker if ctx.hidden(key) else fmt_count(n)}")
    return (
        "Deaths with no deprivation quintile (no area of residence, or one outside the "
        "index) are left out of the quintile rates, the rate ratio and the SII: "
        + "; ".join(parts)
        + "."
    )


SECTION = SectionSpec(
    "infant_mortality",
    "Infant mortality and deprivation",
    plan,
    ("births",),
)
