"""Section: the children whose deaths were reviewed (sex, ethnic group, age at death)."""

from __future__ import annotations

import pandas as pd

from cdop import schema
from cdop.report._model import Section
from cdop.report._text import fmt_count, fmt_interval, fmt_percent
from cdop.report.sections._base import (
    DIM,
    MEASURE,
    Context,
    Finish,
    SectionSpec,
    england_comparison,
    span,
    versus,
)
from cdop.report.sections._breakdown import plan_breakdown

__all__ = ["ETHNICITY_LABELS", "SECTION", "SEX_LABELS", "plan"]

_N = schema.NOTIFICATIONS
_O = schema.OUTPUT

SEX_LABELS = {
    "male": "Male",
    "female": "Female",
    "indeterminate": "Indeterminate",
    "not_stated": "Not stated",
}
ETHNICITY_LABELS = {
    "white": "White",
    "mixed": "Mixed",
    "asian": "Asian",
    "black": "Black",
    "other": "Other",
    "not_stated": "Not stated or known",
}
#: The two age groups under one year.
INFANT_GROUPS = tuple(schema.AGE_GROUPS[:2])


def plan(ctx: Context) -> Finish:
    years = ctx.last(3)
    sex, sex_data = plan_breakdown(
        ctx,
        _N.sex,
        DIM.SEX,
        SEX_LABELS,
        "sex",
        f"Deaths reviewed by sex, {span(years)}",
        "Sex",
        years=years,
        merges=((("indeterminate", "not_stated", "not_recorded"), "Indeterminate or not stated"),),
        national="reviews_by_sex",
    )
    eth, _ = plan_breakdown(
        ctx,
        _N.ethnicity,
        DIM.ETHNICITY,
        ETHNICITY_LABELS,
        "ethnicity",
        f"Deaths reviewed by ethnic group, {span(years)}",
        "Ethnic group",
        years=years,
        merges=((("other", "not_stated", "not_recorded"), "Other, not stated or not known"),),
    )
    age, age_data = plan_breakdown(
        ctx,
        schema.DERIVED.age_group,
        DIM.AGE,
        {g: g for g in schema.AGE_GROUPS},
        "age_group",
        f"Deaths reviewed by age at death, {span(years)}",
        "Age at death",
        years=years,
        merges=((("5-9 years", "10-14 years"), "5-14 years"),),
    )
    total_key = ctx.key(MEASURE.REVIEWED, year=ctx.label)
    boys_key = ctx.key(MEASURE.REVIEWED, year=ctx.label, **{DIM.SEX: "male"})
    males = sex_data[(sex_data[_O.period] == ctx.label) & (sex_data["code"] == "male")]
    if len(males):
        ctx.count(boys_key, int(males[_O.numerator].iloc[0]), "sentence: deaths of boys")
    year_rows = age_data[age_data[_O.period] == ctx.label]
    infant_n = int(year_rows[year_rows["code"].isin(INFANT_GROUPS)][_O.numerator].sum())
    total = int(year_rows[_O.denominator].iloc[0]) if len(year_rows) else 0
    infant_key = ctx.key(MEASURE.REVIEWED, year=ctx.label, **{DIM.AGE: INFANT_GROUPS})
    ctx.count(infant_key, infant_n, "sentence: infants under one year")

    def finish() -> Section:
        sentences = []
        if len(males) and not ctx.hidden(boys_key, total_key):
            row = england_comparison(males, "reviews_by_sex").iloc[0]
            ci = fmt_interval(row[_O.lower_ci], row[_O.upper_ci], percent=True)
            sentences.append(
                f"In {ctx.label}, {fmt_percent(row[_O.value])} of the deaths reviewed were of "
                f"boys (95% CI {ci})" + versus(row, fmt_percent) + "."
            )
        if total and not ctx.hidden(infant_key, total_key):
            local = pd.DataFrame(
                {
                    _O.year: [ctx.year],
                    _O.period: [ctx.label],
                    _O.numerator: [infant_n],
                    _O.denominator: [total],
                }
            )
            row = england_comparison(local, "reviews_under_1_year").iloc[0]
            share = 100 * infant_n / total
            sentences.append(
                f"{fmt_count(infant_n)} ({fmt_percent(share)}) were infants under one year"
                + versus(row, fmt_percent)
                + "."
            )
        return Section(
            "characteristics",
            "The children whose deaths were reviewed",
            (" ".join(sentences) or "Numbers are too small to describe.",),
            (sex.table(), eth.table(), age.table()),
        )

    return finish


SECTION = SectionSpec("characteristics", "The children whose deaths were reviewed", plan)
