"""Section: sudden unexpected deaths in infancy and safe sleep (pooled years)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, cast

import numpy as np
import pandas as pd

from cdop import analytics, schema
from cdop.analytics._infancy import INFANT_GROUPS
from cdop.disclosure import CellKey
from cdop.errors import CdopArgumentError
from cdop.plots._charts import horizontal_bars
from cdop.report._figures import make_figure
from cdop.report._model import ReportFigure, Section
from cdop.report._text import fmt_count, fmt_percent
from cdop.report.sections._base import (
    DIM,
    MEASURE,
    NOT_RECORDED,
    NOT_RECORDED_CODE,
    TOO_FEW_BARS,
    Context,
    Finish,
    GridPlan,
    SectionSpec,
    bars_worth_drawing,
    plan_grid,
)
from cdop.report.sections._cross import OVERLAP_NOTE
from cdop.report.sections._needs import Need

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cdop.analytics import SleepField

__all__ = ["SECTION", "SLEEP_PLACE_LABELS", "SLEEP_POSITION_LABELS", "plan"]

_N = schema.NOTIFICATIONS
_O = schema.OUTPUT

SLEEP_PLACE_LABELS = {
    "cot_or_moses_basket": "Cot or Moses basket",
    "adult_bed": "Adult bed",
    "sofa_or_armchair": "Sofa or armchair",
    "car_seat_or_pram": "Car seat or pram",
    "other": "Other",
    "not_stated": "Not stated",
}
SLEEP_POSITION_LABELS = {
    "back": "On the back",
    "side": "On the side",
    "front": "On the front",
    "not_stated": "Not stated",
}
#: The yes/no circumstances of the form, as rows of one table.
CIRCUMSTANCES = {
    _N.co_sleeping: "Sharing a sleep surface with an adult or child (co-sleeping)",
    _N.smoking: "Smoking by a parent or carer",
    _N.alcohol_or_drugs: "Alcohol or drugs used by a carer",
}
#: Columns of the circumstances table: yes, no, and the form not answering.
_ANSWERS = {
    "Yes": ("yes",),
    "No": ("no",),
    "Not stated or not recorded": ("not_stated", NOT_RECORDED_CODE),
}
_SLEEP_FIELDS = (_N.sleep_place, _N.sleep_position, *CIRCUMSTANCES)


def _base() -> dict[str, str | list[str]]:
    """The restriction of every count: infants whose death was unexpected."""
    return {DIM.AGE: list(INFANT_GROUPS), DIM.EXPECTED: "unexpected"}


def _pooled_levels(data: pd.DataFrame, variable: str, codes: list[str]) -> pd.Series:
    """Counts by code ("not_recorded" for a missing answer) summed over the pooled years."""
    code = [
        str(v) if isinstance(v, str) and str(v) in codes else NOT_RECORDED_CODE
        for v in data[variable].astype("object")
    ]
    summed = data.assign(code=code).groupby("code", sort=False)[_O.numerator].sum()
    return summed.reindex(codes, fill_value=0).astype("int64")


def _plan_levels(
    ctx: Context,
    variable: str,
    labels: dict[str, str],
    table_id: str,
    title: str,
    row_header: str,
) -> tuple[GridPlan, pd.Series]:
    """One table: the SUDI reviewed in the pooled period by the levels of ``variable``."""
    pooled = ctx.pooled_years
    codes = [*labels, NOT_RECORDED_CODE]
    ctx.counts.universe(variable, codes)
    data = analytics.sudi_circumstances(ctx.ds, cast("SleepField", variable), years=pooled)
    counts = _pooled_levels(data, variable, codes)
    column = ctx.pooled_label
    grid = pd.DataFrame(
        {column: counts.to_numpy()}, index=[labels.get(c, NOT_RECORDED) for c in codes]
    )
    base = _base()
    keys = [[ctx.key(MEASURE.REVIEWED, year=pooled, **base, **{variable: c})] for c in codes]
    silent = [NOT_RECORDED] if not counts[NOT_RECORDED_CODE] else []
    plan = plan_grid(
        ctx,
        table_id,
        title,
        grid,
        keys=keys,
        column_total_keys=[ctx.key(MEASURE.REVIEWED, year=pooled, **base)],
        row_header=row_header,
        total_row="Total",
        percent="column",
        notes=(
            f"Three years pooled ({ctx.pooled_label}) because numbers are small. Sudden "
            "unexpected deaths in infancy: deaths under one year notified as unexpected, "
            "reviewed in the period. Not recorded: the supplementary form's answer is "
            "missing.",
        ),
        row_name=variable,
        column_name="year",
        silent_rows=silent,
    )
    return plan, counts


def plan(ctx: Context) -> Finish:
    pooled = ctx.pooled_years
    infants = analytics.breakdown(
        ctx.ds, [schema.DERIVED.age_group, _N.expected_death], years=pooled
    )
    infant_rows = infants[infants[schema.DERIVED.age_group].isin(INFANT_GROUPS)]
    n_infants = int(infant_rows[_O.numerator].sum())
    n_sudi = int(
        infant_rows.loc[infant_rows[_N.expected_death] == "unexpected", _O.numerator].sum()
    )
    if not n_sudi:
        raise CdopArgumentError(
            f"sudi: no sudden unexpected death in infancy was reviewed in {ctx.pooled_label}"
        )
    place, place_counts = _plan_levels(
        ctx,
        _N.sleep_place,
        SLEEP_PLACE_LABELS,
        "sudi_sleep_place",
        "Sudden unexpected deaths in infancy reviewed, by where the infant was put down to "
        f"sleep, {ctx.pooled_label}",
        "Where the infant was put down to sleep",
    )
    position, _ = _plan_levels(
        ctx,
        _N.sleep_position,
        SLEEP_POSITION_LABELS,
        "sudi_sleep_position",
        "Sudden unexpected deaths in infancy reviewed, by the position the infant was "
        f"found in, {ctx.pooled_label}",
        "Position found",
    )
    base = _base()
    total_key = ctx.key(MEASURE.REVIEWED, year=pooled, **base)
    rows = []
    keys: list[list[CellKey]] = []
    for variable in CIRCUMSTANCES:
        codes = [*schema.YES_NO_CODES, NOT_RECORDED_CODE]
        ctx.counts.universe(variable, codes)
        data = analytics.sudi_circumstances(ctx.ds, cast("SleepField", variable), years=pooled)
        counts = _pooled_levels(data, variable, codes)
        rows.append([int(counts[list(levels)].sum()) for levels in _ANSWERS.values()])
        keys.append(
            [
                ctx.key(
                    MEASURE.REVIEWED,
                    year=pooled,
                    **base,
                    **{variable: levels[0] if len(levels) == 1 else list(levels)},
                )
                for levels in _ANSWERS.values()
            ]
        )
    grid = pd.DataFrame(rows, index=list(CIRCUMSTANCES.values()), columns=list(_ANSWERS))
    circumstances = plan_grid(
        ctx,
        "sudi_circumstances",
        f"Sudden unexpected deaths in infancy reviewed: circumstances of the sleep, "
        f"{ctx.pooled_label}",
        grid,
        keys=keys,
        row_total_keys=[total_key] * len(CIRCUMSTANCES),
        row_header="Circumstance",
        total_column="Deaths",
        percent="row",
        period=ctx.pooled_label,
        notes=(
            f"Three years pooled ({ctx.pooled_label}) because numbers are small. "
            "Percentages are of the sudden unexpected deaths in infancy reviewed.",
            OVERLAP_NOTE.replace("A review", "A death"),
        ),
        row_name="circumstance",
        column_name="answer",
    )
    infant_key = ctx.key(MEASURE.REVIEWED, year=pooled, **{DIM.AGE: list(INFANT_GROUPS)})
    ctx.count(infant_key, n_infants, "sentence: infant deaths reviewed in the pooled period")

    def finish() -> Section:
        sentences = []
        if not ctx.hidden(total_key):
            if not ctx.hidden(infant_key) and n_infants:
                share = f" ({fmt_percent(100 * n_sudi / n_infants)} of the {fmt_count(n_infants)}"
                share += " infant deaths reviewed)"
            else:
                share = ""
            sentences.append(
                f"Over {ctx.pooled_label}, the panel reviewed {fmt_count(n_sudi)} sudden "
                f"unexpected deaths in infancy{share}."
            )
            i = list(CIRCUMSTANCES).index(_N.co_sleeping)
            if not ctx.hidden(circumstances.keys[i][0]):
                yes = int(circumstances.values[i, 0])
                sentences.append(
                    f"In {fmt_count(yes)} of them the infant was sharing a sleep surface with "
                    "an adult or child when found."
                )
            j = list(SLEEP_PLACE_LABELS).index("adult_bed")
            k = list(SLEEP_PLACE_LABELS).index("sofa_or_armchair")
            if not ctx.hidden(place.keys[j][0], place.keys[k][0]):
                unsafe = int(place_counts["adult_bed"] + place_counts["sofa_or_armchair"])
                sentences.append(
                    f"{fmt_count(unsafe)} had been put down to sleep in an adult bed or on a "
                    "sofa or armchair."
                )
        labels = [label for label in place.rows if not place.left_out(label)]
        values = [
            np.nan if ctx.hidden(place.keys[i][0]) else float(place.values[i, 0])
            for i, label in enumerate(place.rows)
            if not place.left_out(label)
        ]
        plot = pd.DataFrame({"place": labels, "n": values})

        def draw(ax: Axes) -> None:
            horizontal_bars(
                plot,
                "place",
                "n",
                xlabel=f"Sudden unexpected deaths in infancy, {ctx.pooled_label}",
                marker=ctx.disclosure.marker,
                ax=ax,
            )

        text = " ".join(sentences) or (
            "Numbers of sudden unexpected deaths in infancy are too small to describe."
        )
        drawn = bars_worth_drawing(values)
        figures: tuple[ReportFigure, ...] = ()
        if drawn:
            figure = make_figure(
                "sudi_sleep_place",
                f"Where the infant was put down to sleep, {ctx.pooled_label}",
                "Horizontal bar chart of sudden unexpected deaths in infancy by where the infant "
                "was put down to sleep; hidden counts are marked.",
                draw,
                margins=(2.2, 0.5, 0.25, 0.2),
                size=(6.5, 0.3 * len(plot) + 0.9),
            )
            figures = (figure,)
        return Section(
            "sudi",
            "Sudden unexpected deaths in infancy and safe sleep",
            (text,) if drawn else (text, TOO_FEW_BARS),
            (place.table(), position.table(), circumstances.table()),
            figures,
        )

    return finish


def _sleep_fields(ctx: Context) -> str | None:
    notes = ctx.ds.notifications
    if any(f in notes.columns and bool(notes[f].notna().any()) for f in _SLEEP_FIELDS):
        return None
    return (
        "the sleep fields of the notifications (the supplementary form for sudden "
        f"unexpected deaths in infancy: {', '.join(_SLEEP_FIELDS)})"
    )


#: The section's own need: any of the sleep fields.
SLEEP_FIELDS: Final = Need("sleep_fields", _sleep_fields)

SECTION = SectionSpec(
    "sudi",
    "Sudden unexpected deaths in infancy and safe sleep",
    plan,
    # the tables count the fixed pooled period: every year of it must be in the data
    needs=("pooled_years", SLEEP_FIELDS),
    pooled=True,
)
