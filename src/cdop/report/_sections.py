"""The sections of the chapter: thin compositions of the analytics, one function each.

Each section takes the :class:`Context` (dataset, reporting year, disclosure settings) and
returns a :class:`~cdop.report._model.Section` with its narrative, tables and figures.
Every number comes from :mod:`cdop.analytics`; every comparison word comes from a test
result; every published count passes disclosure control, narrative included.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cdop import analytics, schema, stats
from cdop.dataset import Dataset
from cdop.errors import DataQualityWarning
from cdop.plots._charts import grouped_bars, horizontal_bars, rate_lines, stacked_shares
from cdop.report._figures import make_figure
from cdop.report._model import ReportTable, Section
from cdop.report._tables import Disclosure, grid_table
from cdop.report._text import (
    change_phrase,
    comparison_phrase,
    fmt_count,
    fmt_interval,
    fmt_percent,
    fmt_rate,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SECTIONS", "Context", "financial_label"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS

_SEX_LABELS = {
    "male": "Male",
    "female": "Female",
    "indeterminate": "Indeterminate",
    "not_stated": "Not stated",
}
_ETHNICITY_LABELS = {
    "white": "White",
    "mixed": "Mixed",
    "asian": "Asian",
    "black": "Black",
    "other": "Other",
    "not_stated": "Not stated or known",
}
_PLACE_LABELS = {
    "hospital": "Hospital",
    "home": "Home",
    "hospice": "Hospice",
    "public_place": "Public place",
    "abroad": "Abroad",
    "other": "Other",
    "not_stated": "Not stated",
}
_EXPECTED_LABELS = {"expected": "Expected", "unexpected": "Unexpected", "not_stated": "Not stated"}
_MODIFIABLE_LABELS = {
    "yes": "Modifiable factors",
    "no": "No modifiable factors",
    "insufficient_information": "Insufficient information",
}
_NOT_RECORDED = "Not recorded"
#: Table wording of a comparison with England at 95%.
_VERDICT = {"higher": "Significantly higher", "lower": "Significantly lower", "similar": "Similar"}


def financial_label(start: int) -> str:
    """Label of the financial year starting in April of ``start`` ("2024/25").

    Examples
    --------
    >>> financial_label(2024), financial_label(1999)
    ('2024/25', '1999/00')
    """
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class Context:
    """What every section needs: the data, the reporting year and disclosure settings."""

    ds: Dataset
    year: int  # the financial year starting in April of this calendar year
    disclosure: Disclosure
    years_shown: int = 5
    pool: int = 3

    @property
    def label(self) -> str:
        return financial_label(self.year)

    @property
    def previous(self) -> str:
        return financial_label(self.year - 1)

    def last(self, count: int) -> list[str]:
        """The last ``count`` financial years up to the reporting year, oldest first."""
        return [financial_label(y) for y in range(self.year - count + 1, self.year + 1)]

    @property
    def pooled_label(self) -> str:
        years = self.last(self.pool)
        return f"{years[0]} to {years[-1]}"


def _year_end(label: str) -> str:
    return f"31 March {int(label[:4]) + 1}"


def _levels(frame: pd.DataFrame, column: str, labels: dict[str, str]) -> pd.Series:
    values = frame[column].astype("object")
    return values.map(
        lambda v: labels.get(v, _NOT_RECORDED) if isinstance(v, str) else _NOT_RECORDED
    )


def _pivot(
    frame: pd.DataFrame, row: str, column: str, value: str, order: Sequence[str]
) -> pd.DataFrame:
    grid = frame.pivot_table(
        index=row, columns=column, values=value, aggfunc="sum", observed=False, sort=False
    )
    return grid.reindex(index=list(order)).fillna(0)


def _drop_empty_unrecorded(grid: pd.DataFrame) -> pd.DataFrame:
    """Drop the "Not recorded" row when it is zero throughout (the field was filled in)."""
    if _NOT_RECORDED in grid.index and not grid.loc[_NOT_RECORDED].any():
        return grid.drop(index=_NOT_RECORDED)
    return grid


def _versus(row: Any, fmt: Callable[[float], str]) -> str:
    """ ", similar to the national 24% (2016/17)" from a compare_national row; "" if none."""
    value = row["national_value"]
    if pd.isna(value):
        return ""
    label = None if pd.isna(row["comparison_95"]) else str(row["comparison_95"])
    same = False if pd.isna(row["same_period"]) else bool(row["same_period"])
    phrase = comparison_phrase(
        label, fmt(float(value)), period=str(row["national_period"]), same_period=same
    )
    return ", " + phrase


def _hidden_count(mask: pd.DataFrame, row: str, column: str) -> bool:
    return bool(mask.loc[row, column]) if row in mask.index and column in mask.columns else False


def _count_words(n: int, hidden: bool, noun: str) -> str:
    return (
        f"a small number of {noun} (not shown, to protect confidentiality)"
        if hidden
        else (f"{fmt_count(n)} {noun}")
    )


# -- 1. Notifications and reviews ---------------------------------------------------------
def notifications_and_reviews(ctx: Context) -> Section:
    years = ctx.last(ctx.years_shown)
    act = analytics.activity(ctx.ds, years=years)
    grid = act.set_index("year")[["notifications", "reviews", "open_at_end"]].astype("int64")
    grid.index = grid.index.astype(str)
    table, mask = grid_table(
        "activity",
        f"Child deaths notified and reviews completed, {years[0]} to {years[-1]}",
        grid.rename(
            columns={
                "notifications": "Deaths notified",
                "reviews": "Reviews completed",
                "open_at_end": "Cases open at year end",
            }
        ),
        disclosure_=ctx.disclosure,
        row_header="Year",
        row_name="year",
        column_name="measure",
        notes=(
            "Deaths by date notified to the panel; reviews by date the panel completed them; "
            "open cases are those notified but not yet reviewed on 31 March.",
            "Change from the previous year: exact test of two Poisson counts (conditional "
            "binomial test); called significant when p < 0.05.",
        ),
    )
    mask.columns = ["notifications", "reviews", "open_at_end"]
    cur = grid.loc[ctx.label].to_dict()
    prev = grid.loc[ctx.previous].to_dict() if ctx.previous in grid.index else None
    sentences = []
    notified = _count_words(
        int(cur["notifications"]), _hidden_count(mask, ctx.label, "notifications"), "child deaths"
    )
    reviewed = _count_words(
        int(cur["reviews"]), _hidden_count(mask, ctx.label, "reviews"), "reviews"
    )
    change = ""
    if prev is not None and not mask.loc[[ctx.label, ctx.previous], "notifications"].any():
        a, b = int(cur["notifications"]), int(prev["notifications"])
        p = float(stats.binomial_test_p(np.array([a]), np.array([a + b]), np.array([0.5]))[0])
        change = f", {change_phrase(a, b, p, previous_year=ctx.previous)},"
    sentences.append(
        f"In {ctx.label} the panel was notified of {notified}{change} and completed {reviewed}."
    )
    if not mask.loc[ctx.label, "open_at_end"]:
        sentences.append(
            f"On {_year_end(ctx.label)}, {fmt_count(int(cur['open_at_end']))} "
            "cases were awaiting review."
        )
    shown = grid.reset_index().astype({"notifications": float, "reviews": float})
    shown.loc[mask["notifications"].to_numpy(), "notifications"] = np.nan
    shown.loc[mask["reviews"].to_numpy(), "reviews"] = np.nan

    def draw(ax: Axes) -> None:
        grouped_bars(
            shown,
            "year",
            ["notifications", "reviews"],
            labels=["Deaths notified", "Reviews completed"],
            ylabel="Number",
            marker=ctx.disclosure.marker,
            ax=ax,
        )

    figure = make_figure(
        "activity",
        f"Deaths notified and reviews completed, {years[0]} to {years[-1]}",
        "Bar chart of deaths notified and reviews completed per year.",
        draw,
        margins=(0.6, 0.45, 0.1, 0.45),
    )
    return Section(
        "activity", "Notifications and reviews", (" ".join(sentences),), (table,), (figure,)
    )


# -- 2. Review durations -------------------------------------------------------------------
def review_durations(ctx: Context) -> Section:
    years = ctx.last(3)
    national = analytics.review_durations(ctx.ds, "national", years=years)
    compared = analytics.compare_national(national, "review_duration_band")
    grid = _pivot(national, "band", "year", "n", list(dict.fromkeys(national["band"].astype(str))))
    grid.columns = grid.columns.astype(str)
    grid = grid[years]
    pct = _pivot(national, "band", "year", "percent", list(grid.index))[years]
    latest = compared[compared["year"].astype(str) == ctx.label].set_index("band")
    england = [fmt_percent(v) for v in latest["national_value"].reindex(grid.index)]
    period = str(latest["national_period"].iloc[0]) if len(latest) else ""
    table, _ = grid_table(
        "review_durations",
        f"Reviews completed by time from notification, {years[0]} to {years[-1]}",
        grid,
        disclosure_=ctx.disclosure,
        percent=pct,
        row_header="Duration",
        total_row="Total reviews",
        extra={f"England {period}": england},
        row_name="band",
        notes=(
            "Duration in whole calendar months from notification to the panel's review.",
            f"England: all reviews completed in {period} (latest published national figures).",
        ),
    )
    # Detailed bands: all years shown, for the figure and the detail table.
    detail = analytics.review_durations(ctx.ds, "report", years=years)
    dgrid = _pivot(detail, "band", "year", "n", list(dict.fromkeys(detail["band"].astype(str))))
    dgrid.columns = dgrid.columns.astype(str)
    dpct = _pivot(detail, "band", "year", "percent", list(dgrid.index))[years]
    detail_table, dmask = grid_table(
        "review_durations_detail",
        f"Reviews completed by duration band, {years[0]} to {years[-1]}",
        dgrid[years],
        disclosure_=ctx.disclosure,
        percent=dpct,
        row_header="Duration",
        total_row="Total reviews",
        row_name="band",
        notes=(
            "In the figure, the shares of hidden counts are left blank, so a bar can stop "
            "short of 100%.",
        ),
    )

    timely = analytics.review_timeliness(ctx.ds, years=[ctx.label])
    rows: list[tuple[str, ...]] = []
    tidy_rows: list[dict[str, Any]] = []
    sentences: list[str] = []
    indicators = (
        ("within_6_months", "Completed within 6 months", "review_duration_band", "Under 6 months"),
        ("within_12_months", "Completed within 12 months", "reviews_within_12_months", None),
    )
    total = int(timely["reviews"].iloc[0])
    for column, label, indicator, level in indicators:
        local = timely.assign(year=timely["year"].astype(str))
        if level is not None:
            local = local.assign(band=level)
        cmp = analytics.compare_national(local, indicator, x=column, n="reviews")
        row = cmp.iloc[0]
        n = int(row[column])
        hidden = bool(
            ctx.disclosure.mask(
                pd.DataFrame({"n": [n, total - n]}), row_totals=False, column_totals=True
            )["n"].iloc[0]
        )
        pct, lo, hi = (
            row[f"{column}_percent"],
            row[f"{column}_lower_ci"],
            row[f"{column}_upper_ci"],
        )
        nat = fmt_percent(float(row["national_value"]))
        label_95 = str(row["comparison_95"]) if pd.notna(row["comparison_95"]) else None
        shown = (
            [ctx.disclosure.marker] * 3
            if hidden
            else [
                f"{fmt_count(n)} of {fmt_count(total)}",
                fmt_percent(pct),
                fmt_interval(lo, hi, percent=True),
            ]
        )
        comparison = "–" if hidden or label_95 is None else _VERDICT[label_95]
        england_cell = (
            "–" if pd.isna(row["national_value"]) else f"{nat} ({row['national_period']})"
        )
        rows.append((label, *shown, england_cell, comparison))
        tidy_rows.append(
            {
                "measure": column,
                "year": ctx.label,
                "n": ctx.disclosure.marker if hidden else str(n),
                "reviews": total,
                "percent": "" if hidden else f"{pct:.1f}",
                "lower_ci": "" if hidden else f"{lo:.1f}",
                "upper_ci": "" if hidden else f"{hi:.1f}",
                "england_percent": row["national_value"],
                "england_period": row["national_period"],
                "comparison_95": "" if hidden else (label_95 or ""),
                "comparison_99_8": "" if hidden else str(row["comparison_99_8"]),
                "p_value": "" if hidden else f"{row['p_value']:.4f}",
                "suppressed": hidden,
            }
        )
        if not hidden:
            sentences.append(
                f"{fmt_percent(pct)} of reviews ({fmt_count(n)} of {fmt_count(total)}) were "
                f"{label[0].lower() + label[1:]} (95% CI {fmt_interval(lo, hi, percent=True)})"
                + _versus(row, fmt_percent)
                + "."
            )
    timeliness = ReportTable(
        "review_timeliness",
        f"Reviews completed within 6 and 12 months, {ctx.label}, compared with England",
        ("Measure", "Reviews", "Percentage", "95% CI", "England", "Compared with England"),
        tuple(rows),
        pd.DataFrame(tidy_rows),
        notes=(
            "Within 6 months: fewer than 6 complete months from notification; within 12 "
            "months: 12 complete months or fewer.",
            "Compared with England: the 95% Wilson interval of the local percentage lies "
            "wholly above (significantly higher) or below (significantly lower) the "
            "national figure, or includes it (similar). The exact binomial p-value is in "
            "the CSV table.",
        ),
    )
    intro = f"In {ctx.label} the panel completed {fmt_count(total)} reviews. "
    plot = detail.assign(year=detail["year"].astype(str), band=detail["band"].astype(str))
    hidden_keys = {(str(b), str(y)) for b in dgrid.index for y in years if dmask.at[b, y]}
    plot.loc[
        [(b, y) in hidden_keys for b, y in zip(plot["band"], plot["year"], strict=True)], "percent"
    ] = np.nan

    def draw(ax: Axes) -> None:
        stacked_shares(plot, "year", "band", "percent", order=list(dgrid.index), ax=ax)

    figure = make_figure(
        "review_durations",
        f"Reviews completed by duration band, {years[0]} to {years[-1]}",
        "Stacked bar chart of the percentage of reviews in each duration band per year.",
        draw,
        margins=(0.75, 0.5, 0.15, 0.75),
        size=(6.5, 2.6),
    )
    return Section(
        "review_durations",
        "How long reviews take",
        (intro + " ".join(sentences),),
        (table, detail_table, timeliness),
        (figure,),
    )


# -- 3. Characteristics of the children whose deaths were reviewed ------------------------
def _breakdown_table(
    ctx: Context,
    variable: str,
    labels: dict[str, str],
    table_id: str,
    title: str,
    row_header: str,
    *,
    years: list[str],
    national: tuple[str, str] | None = None,
    basis: str = "reviews",
) -> tuple[ReportTable, pd.DataFrame, pd.DataFrame]:
    data = analytics.breakdown(ctx.ds, variable, years=years, basis=basis)  # type: ignore[arg-type]
    data = data.assign(level=_levels(data, variable, labels), year=data["year"].astype(str))
    order = [*labels.values(), _NOT_RECORDED]
    grid = _drop_empty_unrecorded(_pivot(data, "level", "year", "n", order)[years])
    totals = data.groupby("year", observed=True)["total"].first().reindex(years)
    pct = grid.div(totals, axis=1) * 100
    extra: dict[str, list[str]] = {}
    notes: list[str] = []
    if national is not None:
        indicator, period_note = national
        bench = analytics.national_benchmarks()
        bench = bench[bench["indicator"] == indicator]
        by_level = {
            labels.get(str(k), str(k)): v
            for k, v in zip(bench["level"], bench["value"], strict=True)
        }
        periods = sorted(set(bench["period"].astype(str)))
        extra[f"England {periods[-1]}"] = [
            fmt_percent(by_level[r]) if r in by_level else "" for r in grid.index
        ]
        notes.append(period_note)
    table, mask = grid_table(
        table_id,
        title,
        grid,
        disclosure_=ctx.disclosure,
        percent=pct,
        row_header=row_header,
        total_row="Total",
        extra=extra,
        notes=notes,
        row_name=variable,
    )
    return table, mask, data


def characteristics(ctx: Context) -> Section:
    years = ctx.last(3)
    sex, sex_mask, sex_data = _breakdown_table(
        ctx,
        _N.sex,
        _SEX_LABELS,
        "sex",
        f"Deaths reviewed by sex, {years[0]} to {years[-1]}",
        "Sex",
        years=years,
        national=("reviews_by_sex", "England: deaths reviewed in 2016/17."),
    )
    eth, _, _ = _breakdown_table(
        ctx,
        _N.ethnicity,
        _ETHNICITY_LABELS,
        "ethnicity",
        f"Deaths reviewed by ethnic group, {years[0]} to {years[-1]}",
        "Ethnic group",
        years=years,
    )
    age_labels = {g: g for g in schema.AGE_GROUPS}
    age, _, age_data = _breakdown_table(
        ctx,
        schema.DERIVED.age_group,
        age_labels,
        "age_group",
        f"Deaths reviewed by age at death, {years[0]} to {years[-1]}",
        "Age at death",
        years=years,
    )
    sentences = []
    males = sex_data[(sex_data["year"] == ctx.label) & (sex_data[_N.sex] == "male")]
    if len(males) and not _hidden_count(sex_mask, "Male", ctx.label):
        local = males.assign(year=ctx.label)
        row = analytics.compare_national(local, "reviews_by_sex").iloc[0]
        sentences.append(
            f"In {ctx.label}, {fmt_percent(row['percent'])} of the deaths reviewed were of boys "
            f"(95% CI {fmt_interval(row['lower_ci'], row['upper_ci'], percent=True)})"
            + _versus(row, fmt_percent)
            + "."
        )
    year_rows = age_data[age_data["year"] == ctx.label]
    infants = year_rows[year_rows[schema.DERIVED.age_group].isin(list(schema.AGE_GROUPS[:2]))]
    infant_n = int(infants["n"].sum())
    total = int(year_rows["total"].iloc[0]) if len(year_rows) else 0
    infant_hidden = ctx.disclosure.suppress and 1 <= infant_n <= ctx.disclosure.rules.threshold
    if total and not infant_hidden:
        local = pd.DataFrame({"year": [ctx.label], "n": [infant_n], "total": [total]})
        row = analytics.compare_national(local, "reviews_under_1_year").iloc[0]
        share = 100 * infant_n / total
        sentences.append(
            f"{fmt_count(infant_n)} ({fmt_percent(share)}) were infants under one year"
            + _versus(row, fmt_percent)
            + "."
        )
    return Section(
        "characteristics",
        "The children whose deaths were reviewed",
        (" ".join(sentences) or "Numbers are too small to describe.",),
        (sex, eth, age),
    )


# -- 4. Category of death and modifiable factors ------------------------------------------
def categories(ctx: Context) -> Section:
    years = ctx.last(3)
    labels = {str(code): f"{code}. {label}" for code, label in schema.CATEGORY_LABELS.items()}
    data = analytics.breakdown(ctx.ds, _R.category, years=years)
    data = data.assign(
        level=data[_R.category].astype(str).map(labels), year=data["year"].astype(str)
    )
    grid = _pivot(data, "level", "year", "n", list(labels.values()))[years]
    totals = data.groupby("year", observed=True)["total"].first().reindex(years)
    table, mask = grid_table(
        "category",
        f"Deaths reviewed by category of death, {years[0]} to {years[-1]}",
        grid,
        disclosure_=ctx.disclosure,
        percent=grid.div(totals, axis=1) * 100,
        row_header="Category of death",
        total_row="Total",
        row_name="category",
        notes=(
            "The panel records the highest category that applies (the categories are "
            "hierarchical).",
        ),
    )
    # Modifiable factors by category, pooled over three years (numbers are small).
    cross = analytics.breakdown(ctx.ds, [_R.category, _R.modifiable_factors], years=years)
    cross = cross.assign(
        level=cross[_R.category].astype(str).map(labels),
        factor=_levels(cross, _R.modifiable_factors, _MODIFIABLE_LABELS),
    )
    cgrid = _pivot(cross, "level", "factor", "n", list(labels.values()))[
        list(_MODIFIABLE_LABELS.values())
    ]
    row_totals = cgrid.sum(axis=1)
    cpct = cgrid.div(row_totals.replace(0, np.nan), axis=0).fillna(0) * 100
    ctable, _ = grid_table(
        "category_modifiable",
        f"Modifiable factors by category of death, {ctx.pooled_label}",
        cgrid,
        disclosure_=ctx.disclosure,
        percent=cpct,
        row_header="Category of death",
        total_row="Total",
        total_column="Reviews",
        row_name="category",
        column_name="modifiable_factors",
        notes=(
            f"Three years pooled ({ctx.pooled_label}) because numbers are small. Percentages "
            "are of the reviews in each category.",
        ),
    )
    sentences = []
    latest = grid[ctx.label]
    visible = latest[~mask[ctx.label]]
    if len(visible) and visible.max() > 0:
        top = str(visible.idxmax())
        sentences.append(
            f"The most common category of death in {ctx.label} was "
            f"{top.split('. ', 1)[1].lower()} ({fmt_count(int(visible.max()))} of "
            f"{fmt_count(int(totals[ctx.label]))} reviews)."
        )
    mod = analytics.breakdown(ctx.ds, _R.modifiable_factors, years=[ctx.label])
    yes = mod[mod[_R.modifiable_factors] == "yes"].assign(year=ctx.label)
    n_yes = int(yes["n"].iloc[0]) if len(yes) else 0
    if len(yes) and not (ctx.disclosure.suppress and 1 <= n_yes <= ctx.disclosure.rules.threshold):
        row = analytics.compare_national(yes, "reviews_with_modifiable_factors").iloc[0]
        sentences.append(
            f"Modifiable factors were identified in {fmt_count(n_yes)} reviews "
            f"({fmt_percent(row['percent'])}, 95% CI "
            f"{fmt_interval(row['lower_ci'], row['upper_ci'], percent=True)})"
            + _versus(row, fmt_percent)
            + "."
        )
    pooled = grid.sum(axis=1)
    pooled_mask = ctx.disclosure.mask(pooled.to_frame("n"), row_totals=False, column_totals=True)[
        "n"
    ].loc[list(pooled.index)]
    plot = pd.DataFrame({"category": pooled.index, "n": pooled.where(~pooled_mask).astype(float)})

    def draw(ax: Axes) -> None:
        horizontal_bars(
            plot,
            "category",
            "n",
            xlabel=f"Reviews, {ctx.pooled_label}",
            marker=ctx.disclosure.marker,
            ax=ax,
        )

    figure = make_figure(
        "category",
        f"Deaths reviewed by category of death, {ctx.pooled_label}",
        "Horizontal bar chart of reviews by category of death.",
        draw,
        margins=(2.9, 0.5, 0.25, 0.3),
        size=(6.5, 4.8),
    )
    return Section(
        "categories",
        "Category of death and modifiable factors",
        (" ".join(sentences),),
        (table, ctable),
        (figure,),
    )


# -- 5. Place of death; expected and unexpected deaths -------------------------------------
def place_and_expectation(ctx: Context) -> Section:
    years = ctx.last(3)
    place, place_mask, place_data = _breakdown_table(
        ctx,
        _N.place_of_death,
        _PLACE_LABELS,
        "place_of_death",
        f"Deaths reviewed by place of death, {years[0]} to {years[-1]}",
        "Place of death",
        years=years,
    )
    expected, exp_mask, exp_data = _breakdown_table(
        ctx,
        _N.expected_death,
        _EXPECTED_LABELS,
        "expected_death",
        f"Expected and unexpected deaths reviewed, {years[0]} to {years[-1]}",
        "Death",
        years=years,
    )
    sentences = []
    rows = exp_data[exp_data["year"] == ctx.label].set_index(_N.expected_death)
    if "unexpected" in rows.index and not _hidden_count(exp_mask, "Unexpected", ctx.label):
        r = rows.loc["unexpected"].to_dict()
        sentences.append(
            f"In {ctx.label}, {fmt_count(int(r['n']))} of the "
            f"{fmt_count(int(r['total']))} deaths reviewed "
            f"({fmt_percent(r['percent'])}) were unexpected."
        )
    prow = place_data[place_data["year"] == ctx.label].set_index(_N.place_of_death)
    if "hospital" in prow.index and not _hidden_count(place_mask, "Hospital", ctx.label):
        r = prow.loc["hospital"].to_dict()
        sentences.append(f"{fmt_percent(r['percent'])} of the children died in hospital.")
    return Section(
        "place",
        "Place of death and expected deaths",
        (" ".join(sentences) or "Numbers are too small to describe.",),
        (place, expected),
    )


# -- 6. Infant mortality and deprivation ---------------------------------------------------
def _rate_cell(rate: float, lo: float, hi: float, status: str, marker: str) -> str:
    if status == "suppressed":
        return marker
    flag = " u" if status == "unreliable" else ""
    return f"{fmt_rate(rate)} ({fmt_interval(lo, hi)}){flag}"


def _rate_notes(ctx: Context, statuses: Sequence[str] | pd.Series | np.ndarray) -> tuple[str, ...]:
    found = {str(s) for s in statuses}
    if not ctx.disclosure.suppress or not found & {"suppressed", "unreliable"}:
        return ()
    return (ctx.disclosure.note(statuses=sorted(found)),)


def infant_mortality(ctx: Context) -> Section:
    all_rates = analytics.infant_mortality(ctx.ds, pool=ctx.pool)
    shown_periods = list(dict.fromkeys(all_rates["year"].astype(str)))[-ctx.years_shown :]
    all_rates = all_rates[all_rates["year"].astype(str).isin(shown_periods)]
    rates = all_rates[all_rates[_N.imd_quintile].notna()].copy()
    rates["year"] = rates["year"].astype(str)
    status = ctx.disclosure.rate_status(rates["deaths"].to_numpy())
    rates["status"] = status
    periods = list(dict.fromkeys(rates["year"]))
    with warnings.catch_warnings():  # periods without a gradient show "–" with a note
        warnings.simplefilter("ignore", DataQualityWarning)
        gradient = analytics.mortality_inequality(all_rates, rii=False)
    gradient["year"] = gradient["year"].astype(str)
    gradient = gradient.set_index("year")
    marker = ctx.disclosure.marker
    rows = []
    tidy = []
    for period in periods:
        part = rates[rates["year"] == period].set_index(_N.imd_quintile)
        cells = [period]
        for q in range(1, 6):
            r = part.loc[q]
            cells.append(_rate_cell(r["rate"], r["lower_ci"], r["upper_ci"], r["status"], marker))
            tidy.append(
                {
                    "period": period,
                    "imd_quintile": q,
                    "deaths": marker
                    if r["status"] == "suppressed" or ctx.disclosure.count_hidden(r["deaths"])
                    else int(r["deaths"]),
                    "live_births": int(r["live_births"]),
                    "rate_per_1000": "" if r["status"] == "suppressed" else f"{r['rate']:.3f}",
                    "lower_ci": "" if r["status"] == "suppressed" else f"{r['lower_ci']:.3f}",
                    "upper_ci": "" if r["status"] == "suppressed" else f"{r['upper_ci']:.3f}",
                    "flag": {"unreliable": "u"}.get(str(r["status"]), ""),
                }
            )
        g = gradient.loc[period]
        cells.append(
            "–"
            if pd.isna(g["sii"])
            else f"{fmt_rate(g['sii'])} ({fmt_interval(g['sii_lower_ci'], g['sii_upper_ci'])})"
        )
        rows.append(tuple(cells))
    table = ReportTable(
        "infant_mortality_deprivation",
        f"Infant mortality rate per 1,000 live births by "
        f"deprivation quintile, {ctx.pool}-year periods",
        (
            "Period",
            "Quintile 1 (most deprived)",
            "Quintile 2",
            "Quintile 3",
            "Quintile 4",
            "Quintile 5 (least deprived)",
            "SII",
        ),
        tuple(rows),
        pd.DataFrame(tidy),
        notes=(
            "Rate per 1,000 live births (95% confidence interval): exact Poisson below 10 "
            "deaths, Byar's method from 10. Quintiles of the Index of Multiple Deprivation "
            "of the area of residence; 1 = most deprived.",
            "SII: slope index of inequality, the modelled difference in rate between the "
            "most and least deprived ends of the deprivation scale (95% interval by "
            "simulation); – where a quintile had no deaths or no births in the period.",
            *_rate_notes(ctx, rates["status"]),
        ),
    )
    last = periods[-1]
    g = gradient.loc[last]
    sentences = []
    ratio_sig = g["rate_ratio_lower_ci"] > 1 or g["rate_ratio_upper_ci"] < 1
    most, least = rates[(rates["year"] == last)].set_index(_N.imd_quintile).loc[[1, 5]].itertuples()
    if (
        most.status != "suppressed"
        and least.status != "suppressed"
        and pd.notna(g["rate_ratio_lower_ci"])
    ):
        sentences.append(
            f"In {last}, infant mortality in the most deprived fifth of areas was "
            f"{fmt_rate(most.rate)} per 1,000 live births against {fmt_rate(least.rate)} in the "
            f"least deprived: a rate ratio of {fmt_rate(g['rate_ratio'], digits=2)} (95% CI "
            f"{fmt_interval(g['rate_ratio_lower_ci'], g['rate_ratio_upper_ci'], digits=2)}), "
            + (
                "a statistically significant difference."
                if ratio_sig
                else "not a statistically significant difference."
            )
        )
    overall = analytics.infant_mortality(ctx.ds, by=None, period="financial", years=[ctx.label])
    cmp = analytics.compare_national(
        overall.assign(year=overall["year"].astype(str)), "infant_mortality_rate"
    ).iloc[0]
    overall_status = ctx.disclosure.rate_status([cmp["deaths"]])[0]
    if overall_status != "suppressed":
        sentences.append(
            f"Across all areas, infant mortality in {ctx.label} was {fmt_rate(cmp['rate'])} per "
            f"1,000 live births (95% CI {fmt_interval(cmp['lower_ci'], cmp['upper_ci'])})"
            + _versus(cmp, fmt_rate)
            + "."
        )
    plot = rates.copy()
    hide = plot["status"] == "suppressed"
    plot.loc[hide, ["rate", "lower_ci", "upper_ci"]] = np.nan
    labels = {
        1: "Quintile 1 (most deprived)",
        2: "Quintile 2",
        3: "Quintile 3",
        4: "Quintile 4",
        5: "Quintile 5 (least deprived)",
    }

    def draw(ax: Axes) -> None:
        rate_lines(
            plot,
            "year",
            _N.imd_quintile,
            "rate",
            "lower_ci",
            "upper_ci",
            ylabel="Deaths per 1,000 live births",
            group_labels=labels,
            bands=[1, 5],
            ax=ax,
        )

    figure = make_figure(
        "infant_mortality",
        f"Infant mortality by deprivation quintile, {ctx.pool}-year periods",
        "Line chart of infant mortality rates for each deprivation quintile over time, with "
        "95% confidence bands for the most and least deprived quintiles.",
        draw,
        margins=(0.6, 0.45, 2.05, 0.1),
    )
    return Section(
        "infant_mortality",
        "Infant mortality and deprivation",
        (" ".join(sentences),),
        (table,),
        (figure,),
    )


# -- 7. Child mortality --------------------------------------------------------------------
def child_mortality(ctx: Context) -> Section:
    years = ctx.last(ctx.years_shown)
    rates = analytics.child_mortality(ctx.ds, years=years)
    rates = rates.assign(year=rates["year"].astype(str))
    cmp = analytics.compare_national(rates, "child_mortality_rate")
    status = ctx.disclosure.rate_status(cmp["deaths"].to_numpy())
    marker = ctx.disclosure.marker
    rows = []
    tidy = []
    for r, s in zip(cmp.to_dict("records"), status, strict=True):
        hidden = s == "suppressed"
        comparison = (
            "–" if hidden or pd.isna(r["comparison_95"]) else _VERDICT[str(r["comparison_95"])]
        )
        england = (
            "–"
            if pd.isna(r["national_value"])
            else (f"{fmt_rate(r['national_value'])} ({r['national_period']})")
        )
        rows.append(
            (
                r["year"],
                marker
                if hidden or ctx.disclosure.count_hidden(r["deaths"])
                else fmt_count(r["deaths"]),
                fmt_count(r["population"]),
                _rate_cell(r["rate"], r["lower_ci"], r["upper_ci"], s, marker),
                england,
                comparison,
            )
        )
        tidy.append(
            {
                "year": r["year"],
                "deaths": marker
                if hidden or ctx.disclosure.count_hidden(r["deaths"])
                else int(r["deaths"]),
                "population": int(r["population"]),
                "rate_per_100000": "" if hidden else f"{r['rate']:.3f}",
                "lower_ci": "" if hidden else f"{r['lower_ci']:.3f}",
                "upper_ci": "" if hidden else f"{r['upper_ci']:.3f}",
                "flag": "u" if s == "unreliable" else "",
                "england_rate": r["national_value"],
                "england_period": r["national_period"],
                "comparison_95": ""
                if hidden or pd.isna(r["comparison_95"])
                else str(r["comparison_95"]),
            }
        )
    table = ReportTable(
        "child_mortality",
        f"Child mortality rate per 100,000 children aged 0-17, {years[0]} to {years[-1]}",
        (
            "Year",
            "Deaths",
            "Children aged 0-17",
            "Rate (95% CI)",
            "England",
            "Compared with England",
        ),
        tuple(rows),
        pd.DataFrame(tidy),
        notes=(
            "Deaths notified in the year per 100,000 resident children aged 0-17 "
            "(mid-year population).",
            "England: the latest national rate for the same or an earlier year.",
            *_rate_notes(ctx, status),
        ),
    )
    sentences = []
    last = cmp.iloc[-1]
    if status[-1] != "suppressed":
        sentences.append(
            f"In {ctx.label} the child mortality rate was {fmt_rate(last['rate'])} per 100,000 "
            f"children (95% CI {fmt_interval(last['lower_ci'], last['upper_ci'])})"
            + _versus(last, fmt_rate)
            + "."
        )
    plot = cmp.copy()
    plot.loc[status == "suppressed", ["rate", "lower_ci", "upper_ci"]] = np.nan
    bench = (
        float(cmp["national_value"].dropna().iloc[-1])
        if cmp["national_value"].notna().any()
        else None
    )
    bench_period = str(cmp["national_period"].dropna().iloc[-1]) if bench is not None else ""

    def draw(ax: Axes) -> None:
        rate_lines(
            plot,
            "year",
            None,
            "rate",
            "lower_ci",
            "upper_ci",
            ylabel="Deaths per 100,000 children",
            benchmark=bench,
            benchmark_label=f"England {bench_period}",
            series_label="Panel (95% CI shaded)",
            ax=ax,
        )

    figure = make_figure(
        "child_mortality",
        f"Child mortality rate, {years[0]} to {years[-1]}",
        "Line chart of the child mortality rate with its 95% confidence band and the England rate.",
        draw,
        margins=(0.6, 0.45, 1.75, 0.1),
    )
    return Section(
        "child_mortality", "Child mortality", (" ".join(sentences),), (table,), (figure,)
    )


#: The sections in chapter order.
SECTIONS: tuple[Callable[[Context], Section], ...] = (
    notifications_and_reviews,
    review_durations,
    characteristics,
    categories,
    place_and_expectation,
    infant_mortality,
    child_mortality,
)
