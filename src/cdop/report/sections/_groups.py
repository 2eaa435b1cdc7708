"""Tables of child deaths by a group (ethnic group, local authority), pooled, with rates.

Deaths are counted by the financial year of death over the chapter's latest fixed pooled
period (numbers are small), so consecutive chapters print the same period or periods that
do not overlap. Where the population gives denominators for the groups, each group's
child mortality rate per 100,000 children aged 0-17 is shown with its 95% interval,
only when its count of deaths is shown (and from 3 deaths; flagged "u" below 20).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cdop import analytics, schema
from cdop.disclosure import CellKey
from cdop.errors import CdopError
from cdop.plots._charts import horizontal_bars
from cdop.report._figures import make_figure
from cdop.report._model import ReportFigure, ReportTable
from cdop.report._text import count_percent, fmt_count, fmt_rate
from cdop.report._tidy import tidy_frame, with_start_year
from cdop.report.sections._base import (
    MEASURE,
    NOT_RECORDED,
    NOT_RECORDED_CODE,
    Context,
    rate_cell,
    rate_notes,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["GroupPlan", "plan_groups"]

_P = schema.POPULATION
_O = schema.OUTPUT


#: What ``value`` is in a published table of deaths with rates: the rate (the share of
#: all deaths is the count over the Total row's count).
_RATE_STATISTIC = "rate per 100000"


@dataclass(frozen=True)
class GroupPlan:
    """A table of deaths by group (registered), with rates where there are denominators."""

    ctx: Context
    table_id: str
    title: str
    row_header: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    deaths: tuple[int, ...]
    keys: tuple[CellKey, ...]
    total_key: CellKey
    rates: pd.DataFrame | None  # indexed by code: population, rate, lower_ci, upper_ci
    total_rate: pd.Series | None
    notes: tuple[str, ...]
    silent: frozenset[str]

    @property
    def total(self) -> int:
        return int(sum(self.deaths))

    def status(self, i: int | None) -> str:
        """The rate's status for row ``i`` (None: the total row)."""
        if i is None:
            return self.ctx.rate_status(self.total_key, float(self.total))
        return self.ctx.rate_status(self.keys[i], float(self.deaths[i]))

    def share(self, i: int) -> float | None:
        """Row ``i``'s percentage of all deaths, or None when either count is hidden."""
        if self.ctx.hidden(self.keys[i], self.total_key):
            return None
        return 100.0 * self.deaths[i] / self.total if self.total else 0.0

    def table(self) -> ReportTable:
        ctx = self.ctx
        marker = ctx.disclosure.marker
        period = ctx.pooled_label
        header = [self.row_header, "Deaths"]
        if self.rates is not None:
            header += ["Children aged 0-17", "Rate per 100,000 (95% CI)"]
        rows: list[tuple[str, ...]] = []
        tidy: list[dict[str, Any]] = []
        statuses: list[str] = []
        hidden_any = False
        # With rates, the deaths are the numerator of the rate (``value``) over the
        # population (``denominator``); without, a count whose ``value`` is its share.
        count = _O.numerator if self.rates is not None else _O.count

        def rate_parts(rate: Any, status: str) -> tuple[list[str], dict[str, Any]]:
            if rate is None or pd.isna(rate["population"]) or not rate["population"]:
                return ["–", "–"], {
                    _O.denominator: None,
                    _O.value: None,
                    _O.statistic: _RATE_STATISTIC,
                }
            shown = status != "suppressed"
            statuses.append(status)
            cells = [
                fmt_count(rate["population"]),
                rate_cell(rate["rate"], rate["lower_ci"], rate["upper_ci"], status, marker),
            ]
            record = {
                _O.denominator: int(rate["population"]),
                _O.value: rate["rate"] if shown else None,
                _O.statistic: _RATE_STATISTIC,
                _O.lower_ci: rate["lower_ci"] if shown else None,
                _O.upper_ci: rate["upper_ci"] if shown else None,
                _O.flag: ctx.disclosure.rules.unreliable_flag if status == "unreliable" else "",
            }
            return cells, record

        for i, (code, label) in enumerate(zip(self.codes, self.labels, strict=True)):
            if label in self.silent:
                continue
            hidden = ctx.hidden(self.keys[i])
            hidden_any = hidden_any or hidden
            share = self.share(i)
            n = self.deaths[i]
            cell = (
                marker if hidden else (fmt_count(n) if share is None else count_percent(n, share))
            )
            cells = [label, cell]
            record: dict[str, Any] = {
                self.row_header.lower().replace(" ", "_"): label,
                _O.period: period,
                count: None if hidden else n,
                _O.value: share,  # the percentage of all deaths (the rate replaces it)
            }
            if self.rates is not None:
                rate = self.rates.loc[code] if code in self.rates.index else None
                more, extra = rate_parts(rate, self.status(i))
                cells += more
                record.update(extra)
            record[_O.suppressed] = hidden
            rows.append(tuple(cells))
            tidy.append(record)
        total_hidden = ctx.hidden(self.total_key)
        hidden_any = hidden_any or total_hidden
        cells = ["Total", marker if total_hidden else fmt_count(self.total)]
        record = {
            self.row_header.lower().replace(" ", "_"): "Total",
            _O.period: period,
            count: None if total_hidden else self.total,
            _O.value: None,
        }
        if self.rates is not None:
            more, extra = rate_parts(self.total_rate, self.status(None))
            cells += more
            record.update(extra)
        record[_O.suppressed] = total_hidden
        rows.append(tuple(cells))
        tidy.append(record)
        notes = [
            f"Deaths of children aged 0-17 by date of death, {period} pooled (the latest "
            "complete period of the fixed three-year periods from 2008/09), because numbers "
            "are small. Percentages are of all deaths in the period.",
            *self.notes,
        ]
        if self.rates is not None:
            notes.append(
                "Rate: deaths per 100,000 children aged 0-17 (the mid-year populations of "
                "the years added together), 95% interval exact Poisson below 10 deaths, "
                "Byar's method from 10."
            )
            notes.extend(rate_notes(ctx, statuses))
        if hidden_any:
            notes.append(ctx.disclosure.note(hidden_counts=True))
        return ReportTable(
            self.table_id,
            self.title,
            tuple(header),
            tuple(rows),
            with_start_year(
                tidy_frame(
                    tidy,
                    counts=[count, _O.denominator] if self.rates is not None else [count],
                    numbers={_O.value: 3 if self.rates is not None else 1}
                    | ({_O.lower_ci: 3, _O.upper_ci: 3} if self.rates is not None else {}),
                ),
                _O.period,
            ),
            notes=tuple(dict.fromkeys(n for n in notes if n)),
        )

    def figure(self, fig_id: str, title: str, alt: str) -> ReportFigure:
        """Bars of each group's rate where shown, else of its deaths."""
        use_rates = self.rates is not None
        labels, values = [], []
        for i, (code, label) in enumerate(zip(self.codes, self.labels, strict=True)):
            if label in self.silent:
                continue
            if use_rates:
                assert self.rates is not None
                rate = float(self.rates["rate"].get(code, np.nan))
                if np.isnan(rate):
                    continue
                shown = self.status(i) != "suppressed"
                labels.append(label)
                values.append(rate if shown else np.nan)
            else:
                labels.append(label)
                values.append(np.nan if self.ctx.hidden(self.keys[i]) else float(self.deaths[i]))
        plot = pd.DataFrame({"group": labels, "value": values})
        xlabel = (
            f"Deaths per 100,000 children, {self.ctx.pooled_label}"
            if use_rates
            else f"Deaths, {self.ctx.pooled_label}"
        )

        def draw(ax: Axes) -> None:
            horizontal_bars(
                plot, "group", "value", xlabel=xlabel, marker=self.ctx.disclosure.marker, ax=ax
            )

        return make_figure(
            fig_id,
            title,
            alt,
            draw,
            margins=(2.2, 0.5, 0.35, 0.2),
            size=(6.5, 0.45 * max(len(labels), 2) + 0.9),
        )

    def rate_words(self, i: int) -> str | None:
        """ "12.3 per 100,000" for row ``i`` when its rate is shown and not flagged."""
        if self.rates is None or self.codes[i] not in self.rates.index:
            return None
        rate = self.rates.loc[self.codes[i]]
        if pd.isna(rate["rate"]) or self.status(i) != "ok":
            return None
        return f"{fmt_rate(rate['rate'])} per 100,000"


def plan_groups(
    ctx: Context,
    column: str,
    dim: str,
    labels: Mapping[str, str],
    table_id: str,
    title: str,
    row_header: str,
    *,
    notes: tuple[str, ...] = (),
) -> GroupPlan:
    """Count the deaths of the pooled period by ``column`` and register every count.

    Every level is registered, "Not recorded" included (printed only when not zero), so
    the rows add up to the total printed. Rates come from :func:`child_mortality` when the
    population gives ``column`` for every row (otherwise the table has deaths only).
    """
    pooled = ctx.pooled_years
    deaths = analytics.child_deaths(ctx.ds, by=column, years=pooled)
    values = deaths[column].astype("object")
    deaths = deaths.assign(
        code=[str(v) if not pd.isna(v) and str(v) in labels else NOT_RECORDED_CODE for v in values]
    )
    codes = (*labels, NOT_RECORDED_CODE)
    counts = deaths.groupby("code")[_O.numerator].sum().reindex(list(codes)).fillna(0).astype(int)
    ctx.counts.universe(dim, list(codes))
    keys = tuple(ctx.key(MEASURE.DEATHS, year=pooled, **{dim: code}) for code in codes)
    total_key = ctx.key(MEASURE.DEATHS, year=pooled)
    for code, key in zip(codes, keys, strict=True):
        place = f"table {table_id}: {labels.get(code, NOT_RECORDED)} / {ctx.pooled_label}"
        ctx.count(key, int(counts[code]), place)
    ctx.count(total_key, int(counts.sum()), f"table {table_id}: Total / {ctx.pooled_label}")
    rates: pd.DataFrame | None = None
    total_rate: pd.Series | None = None
    population = ctx.ds.population
    given = population is not None and column in population.columns
    if given and population is not None and bool(population[column].notna().all()):
        try:
            by_group = analytics.child_mortality(ctx.ds, by=column, pool=len(pooled), years=pooled)
            overall = analytics.child_mortality(ctx.ds, pool=len(pooled), years=pooled)
        except CdopError:
            overall = None
        if overall is not None and len(overall):
            by_group = by_group.assign(code=by_group[column].astype("object").astype(str))
            # the rate's columns by their meaning here: children and deaths per 100,000
            names = {_O.denominator: "population", _O.value: "rate"}
            columns = [_O.denominator, _O.value, _O.lower_ci, _O.upper_ci]
            rates = by_group.set_index("code")[columns].rename(columns=names)
            total_rate = overall[columns].rename(columns=names).iloc[-1]
    silent = frozenset([NOT_RECORDED] if counts[NOT_RECORDED_CODE] == 0 else [])
    return GroupPlan(
        ctx=ctx,
        table_id=table_id,
        title=title,
        row_header=row_header,
        codes=codes,
        labels=tuple(labels.get(c, NOT_RECORDED) for c in codes),
        deaths=tuple(int(counts[c]) for c in codes),
        keys=keys,
        total_key=total_key,
        rates=rates,
        total_rate=total_rate,
        notes=notes,
        silent=silent,
    )
