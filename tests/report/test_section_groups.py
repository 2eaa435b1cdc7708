"""Deaths and rates by ethnic group and by local authority, cell by cell against counts
made here from the raw sample CSV files with plain pandas.

Independent values: deaths by financial year of death from ``notifications.csv``; the
children of ``population.csv`` for mid-year Y of each financial year Y/Y+1 (as the
national child mortality statistics do); rates per 100,000 with the 95% interval written
out here (exact Poisson from the chi-squared distribution below 10 deaths, Byar's
approximation from 10, as in the PHE/UKHSA public health indicator methods).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import chi2

import cdop
from cdop.report import build_chapter

SAMPLE = Path(__file__).parents[2] / "data" / "sample"
YEAR = "2024/25"
# The fixed three-year periods from 2008/09: the latest complete one by 2024/25.
POOLED = [2020, 2021, 2022]
POOLED_LABEL = "2020/21 to 2022/23"
ETHNIC = {
    "white": "White",
    "mixed": "Mixed",
    "asian": "Asian",
    "black": "Black",
    "other": "Other",
    "not_stated": "Not stated or known",
}


def _interval(deaths: int, population: int) -> tuple[float, float]:
    z = 1.959963984540054
    if deaths < 10:
        lo = 0.0 if deaths == 0 else chi2.ppf(0.025, 2 * deaths) / 2
        hi = chi2.ppf(0.975, 2 * deaths + 2) / 2
    else:
        o = deaths
        lo = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
        hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lo / population * 1e5, hi / population * 1e5


@pytest.fixture(scope="module")
def deaths() -> pd.DataFrame:
    notes = pd.read_csv(SAMPLE / "notifications.csv", parse_dates=["date_of_death"])
    d = notes["date_of_death"]
    fy = d.dt.year.where(d.dt.month >= 4, d.dt.year - 1)
    return notes[fy.isin(POOLED)]


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    pop = pd.read_csv(SAMPLE / "population.csv")
    return pop[pop["year"].isin(POOLED)]


@pytest.fixture(scope="module")
def chapter() -> cdop.report.Chapter:
    return build_chapter(cdop.load_sample(), year=YEAR, suppress=False)


@pytest.fixture(scope="module")
def protected() -> cdop.report.Chapter:
    return build_chapter(cdop.load_sample(), year=YEAR)


def _rows(ch: cdop.report.Chapter, table_id: str) -> dict[str, tuple[str, ...]]:
    (table,) = [t for t in ch.tables if t.id == table_id]
    assert POOLED_LABEL in table.title
    return {row[0]: row for row in table.rows}


def _check_row(row: tuple[str, ...], n: int, total: int, pop: int | None) -> None:
    assert row[1] == f"{n} ({round(100 * n / total)}%)" or row[1] == str(n), row
    if pop is None:
        return
    assert row[2] == f"{pop:,}"
    rate = n / pop * 1e5
    lo, hi = _interval(n, pop)
    # built without disclosure control: no rate is withheld or flagged
    assert row[3] == f"{rate:.1f} ({lo:.1f} to {hi:.1f})", row


def test_deaths_and_rates_by_ethnic_group(
    deaths: pd.DataFrame, population: pd.DataFrame, chapter: cdop.report.Chapter
) -> None:
    rows = _rows(chapter, "deaths_by_ethnicity")
    total = len(deaths)
    assert rows["Total"][1] == str(total)
    pop_by = population.groupby("ethnicity")["population"].sum()
    for code, label in ETHNIC.items():
        n = int((deaths["ethnicity"] == code).sum())
        pop = int(pop_by[code]) if code in pop_by.index else None
        _check_row(rows[label], n, total, pop)
    _check_row(rows["Total"], total, total, int(population["population"].sum()))


def test_deaths_and_rates_by_local_authority(
    deaths: pd.DataFrame, population: pd.DataFrame, chapter: cdop.report.Chapter
) -> None:
    rows = _rows(chapter, "deaths_by_area")
    total = len(deaths)
    pop_by = population.groupby("residence_area")["population"].sum()
    assert set(rows) == {"Northmoor", "Southvale", "Total"}
    for area in ("Northmoor", "Southvale"):
        n = int((deaths["residence_area"] == area).sum())
        _check_row(rows[area], n, total, int(pop_by[area]))


def test_no_small_count_and_no_rate_without_its_count(protected: cdop.report.Chapter) -> None:
    for table_id in ("deaths_by_ethnicity", "deaths_by_area"):
        for row in _rows(protected, table_id).values():
            if row[1] == "*":
                assert len(row) < 4 or row[3] in ("*", "–")
                continue
            n = int(row[1].split(" ")[0])
            assert not 1 <= n <= 5
            if len(row) == 4 and row[3] != "–":
                # ONS: a rate from fewer than 20 deaths is flagged "u"
                assert row[3].endswith(" u") == (n < 20), row


def test_without_population_the_tables_give_deaths_only() -> None:
    import datetime as dt

    ds = cdop.load_sample()
    tables = {n: getattr(ds, n).copy() for n in ("notifications", "reviews")}
    ch = build_chapter(cdop.read_dataset(tables, today=dt.date(2026, 1, 1)), year=YEAR)
    (table,) = [t for t in ch.tables if t.id == "deaths_by_ethnicity"]
    assert table.header == ("Ethnic group", "Deaths")


def test_a_chapter_for_one_area_has_no_table_by_local_authority() -> None:
    import datetime as dt

    ds = cdop.load_sample()
    tables = {n: getattr(ds, n).copy() for n in ("notifications", "reviews", "population")}
    notes = tables["notifications"]
    keep = notes["residence_area"] == "Northmoor"
    tables["notifications"] = notes[keep]
    tables["reviews"] = tables["reviews"][
        tables["reviews"]["case_id"].isin(notes.loc[keep, "case_id"])
    ]
    tables["population"] = tables["population"][
        tables["population"]["residence_area"] == "Northmoor"
    ]
    ch = build_chapter(cdop.read_dataset(tables, today=dt.date(2026, 1, 1)), year=YEAR)
    assert "deaths_by_area" not in {t.id for t in ch.tables}
    (line,) = [o for o in ch.omitted if o.id == "deaths_by_area"]
    assert "a footprint of two or more local authorities (the deaths give one: Northmoor)" in (
        line.line
    )


def test_a_footprint_of_one_authority_in_the_settings_leaves_the_table_out() -> None:
    settings = cdop.report.ChapterSettings(local_authorities=("Northmoor",))
    ch = build_chapter(cdop.load_sample(), year=YEAR, settings=settings)
    assert "deaths_by_area" not in {t.id for t in ch.tables}
    (line,) = [o for o in ch.omitted if o.id == "deaths_by_area"]
    assert "(the chapter settings name one: Northmoor)" in line.line


def test_the_footprint_of_the_settings_orders_the_rows(deaths: pd.DataFrame) -> None:
    # An authority of the footprint without deaths in the period is a row of zero deaths
    # (the sample's deaths are all in Northmoor or Southvale), listed in the settings' order.
    settings = cdop.report.ChapterSettings(local_authorities=("Southvale", "Eastdale", "Northmoor"))
    ch = build_chapter(cdop.load_sample(), year=YEAR, suppress=False, settings=settings)
    (table,) = [t for t in ch.tables if t.id == "deaths_by_area"]
    assert [row[0] for row in table.rows] == ["Southvale", "Eastdale", "Northmoor", "Total"]
    rows = {row[0]: row for row in table.rows}
    assert rows["Eastdale"][1] == "0 (0%)"
    assert rows["Eastdale"][2:] == ("–", "–")  # no population for it: no rate
    assert rows["Southvale"][1].startswith(f"{(deaths['residence_area'] == 'Southvale').sum()} (")


def test_the_published_values_are_numbers_never_the_marker() -> None:
    # The CSV and Excel layout (docs/vocabulary.md): counts as integers, a hidden count an
    # empty cell with suppressed=True, the start year beside the period label.
    settings = cdop.report.read_settings(SAMPLE / "chapter.toml")
    ch = build_chapter(cdop.load_sample(), year=YEAR, settings=settings)
    for table_id in (
        "deaths_by_ethnicity",
        "deaths_by_area",
        "review_time_quartiles",
        "panel_activity",
    ):
        tidy = ch.tables[table_id].tidy
        if table_id.startswith("deaths_by"):  # deaths over children: the rate's numerator
            assert {"numerator", "denominator"} <= set(tidy.columns) and "count" not in tidy
            assert set(tidy["statistic"]) == {"rate per 100000"}
            tidy = tidy.rename(columns={"numerator": "count"})
        assert str(tidy["count"].dtype) == "Int64", table_id
        assert list(tidy.columns[:2]) in (["year", "period"], [tidy.columns[0], "year"])
        assert "*" not in tidy.astype(str).to_numpy(), table_id
        hidden = tidy["suppressed"].astype(bool)
        assert tidy.loc[hidden, "count"].isna().all(), table_id
        shown = tidy.loc[~hidden & tidy["count"].notna()]
        assert (shown["year"].astype(int) == shown["period"].str[:4].astype(int)).all(), table_id
