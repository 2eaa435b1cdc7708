"""The review progress section, cell by cell against counts made here from the raw CSV.

Independent values: the sample's ``notifications.csv`` and ``reviews.csv`` read with plain
pandas, durations counted in complete calendar months by the rule written out in
``_months`` (a month is complete on reaching the same day of the month).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import cdop
from cdop.report import build_chapter
from cdop.report.sections.progress import MIN_QUANTILE_REVIEWS

SAMPLE = Path(__file__).parents[2] / "data" / "sample"
YEAR = "2024/25"
YEARS = ["2022/23", "2023/24", "2024/25"]
TREND = ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]


def _months(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _fy(date: dt.date) -> str:
    y = date.year if date.month >= 4 else date.year - 1
    return f"{y}/{(y + 1) % 100:02d}"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    notes = pd.read_csv(
        SAMPLE / "notifications.csv", parse_dates=["date_of_death", "date_notified"]
    )
    reviews = pd.read_csv(SAMPLE / "reviews.csv", parse_dates=["date_review_completed"])
    return notes.merge(reviews, on="case_id", how="left")


@pytest.fixture(scope="module")
def chapter() -> cdop.report.Chapter:
    return build_chapter(cdop.load_sample(), year=YEAR, suppress=False)


@pytest.fixture(scope="module")
def protected() -> cdop.report.Chapter:
    return build_chapter(cdop.load_sample(), year=YEAR)


def _table(ch: cdop.report.Chapter, table_id: str) -> cdop.report.ReportTable:
    (table,) = [t for t in ch.tables if t.id == table_id]
    return table


def _cells(table: cdop.report.ReportTable) -> dict[tuple[str, str], str]:
    return {
        (row[0], table.header[j]): cell for row in table.rows for j, cell in enumerate(row) if j
    }


def _count(cell: str) -> int:
    return int(cell.split(" ")[0].replace(",", ""))


def test_time_from_death_bands_equal_an_independent_count(
    raw: pd.DataFrame, chapter: cdop.report.Chapter
) -> None:
    done = raw.dropna(subset=["date_review_completed"])
    done = done.assign(
        year=[_fy(d.date()) for d in done["date_review_completed"]],
        months=[
            _months(a.date(), b.date())
            for a, b in zip(done["date_of_death"], done["date_review_completed"], strict=True)
        ],
    )
    bands = {
        "Less than 6 months": (0, 5),
        "6 to 11 months": (6, 11),
        "12 to 17 months": (12, 17),
        "18 to 23 months": (18, 23),
        "24 months or more": (24, 10_000),
    }
    cells = _cells(_table(chapter, "review_time_from_death"))
    for year in YEARS:
        in_year = done[done["year"] == year]
        assert _count(cells[("Total reviews", year)]) == len(in_year)
        for label, (low, high) in bands.items():
            expected = int(in_year["months"].between(low, high).sum())
            assert _count(cells[(label, year)]) == expected, (label, year)


def test_median_and_quartiles_equal_pandas_quantiles(
    raw: pd.DataFrame, chapter: cdop.report.Chapter
) -> None:
    done = raw.dropna(subset=["date_review_completed"])
    done = done.assign(
        year=[_fy(d.date()) for d in done["date_review_completed"]],
        days=(done["date_review_completed"] - done["date_of_death"]).dt.days,
    )
    table = _table(chapter, "review_time_quartiles")
    by_year = {row[0]: row for row in table.rows}
    for year in YEARS:
        days = done.loc[done["year"] == year, "days"]
        row = by_year[year]
        assert _count(row[1]) == len(days)
        expected = [f"{days.quantile(q) / (365.25 / 12):.1f}" for q in (0.5, 0.25, 0.75)]
        assert list(row[2:]) == expected


def test_open_cases_by_time_open_equal_an_independent_count(
    raw: pd.DataFrame, chapter: cdop.report.Chapter
) -> None:
    cells = _cells(_table(chapter, "open_cases"))
    for year in TREND:
        end = dt.date(int(year[:4]) + 1, 3, 31)
        end_ts = pd.Timestamp(end)
        open_ = raw[
            (raw["date_notified"] <= end_ts)
            & (raw["date_review_completed"].isna() | (raw["date_review_completed"] > end_ts))
        ]
        months = [_months(d.date(), end) for d in open_["date_notified"]]
        # more than 12 months to the day: 12 complete months already on the day before
        before = [_months(d.date(), end - dt.timedelta(days=1)) for d in open_["date_notified"]]
        under_6 = sum(m < 6 for m in months)
        over_12 = sum(b >= 12 for b in before)
        assert _count(cells[("Total cases open", year)]) == len(open_)
        assert _count(cells[("Open less than 6 months", year)]) == under_6
        assert _count(cells[("Open more than 12 months", year)]) == over_12
        assert _count(cells[("Open 6 to 12 months", year)]) == len(open_) - under_6 - over_12


def test_delay_reasons_equal_an_independent_count(
    raw: pd.DataFrame, chapter: cdop.report.Chapter
) -> None:
    done = raw.dropna(subset=["date_review_completed"])
    done = done.assign(year=[_fy(d.date()) for d in done["date_review_completed"]])
    labels = {
        "inquest": "Awaiting inquest",
        "police_investigation": "Police investigation or criminal proceedings",
        "safeguarding_practice_review": "Safeguarding practice review",
        "perinatal_mortality_review": "Perinatal mortality review",
        "maternity_investigation": "Maternity investigation",
        "awaiting_post_mortem": "Awaiting post-mortem report",
        "other": "Other reason",
    }
    cells = _cells(_table(chapter, "review_delays"))
    for year in YEARS:
        reasons = done.loc[done["year"] == year, "delay_reasons"].dropna().str.split(";")
        for code, label in labels.items():
            expected = sum(code in r for r in reasons)
            assert _count(cells[(label, year)]) == expected, (code, year)


def test_quartiles_need_enough_shown_reviews(protected: cdop.report.Chapter) -> None:
    table = _table(protected, "review_time_quartiles")
    for row in table.rows:
        if row[1] == "*" or _count(row[1]) < MIN_QUANTILE_REVIEWS:
            assert row[2:] == ("–", "–", "–")
        else:
            assert all(c != "–" for c in row[2:])


def test_small_counts_are_hidden_and_sentences_name_no_hidden_count(
    protected: cdop.report.Chapter,
) -> None:
    (section,) = [s for s in protected.sections if s.id == "review_progress"]
    for table in section.tables:
        for row in table.rows:
            for cell in row[1:]:
                if cell and cell[0].isdigit() and "." not in cell.split(" ")[0]:
                    assert not 1 <= _count(cell) <= 5, (table.id, row)
    backlog = _cells(_table(protected, "open_cases"))
    text = " ".join(section.paragraphs)
    if backlog[("Total cases open", YEAR)] == "*":
        assert "awaited review" in text and "a number of cases not shown here" in text
    else:
        assert f"{backlog[('Total cases open', YEAR)]} cases awaited review" in text


def test_a_bar_short_of_100_percent_is_explained_under_the_figure(
    protected: cdop.report.Chapter, chapter: cdop.report.Chapter
) -> None:
    """Figure of time from death: a hidden share leaves its bar short of 100%, and the note
    under the figure says so (as under the figure of time from notification)."""
    note = "The shares of counts not shown are left blank, so a bar can stop short of 100%."
    cells = _cells(_table(protected, "review_time_from_death"))
    assert any(
        text == "*" for (row, _), text in cells.items() if row != "Total reviews"
    )  # the sample hides some bands
    (figure,) = [f for f in protected.figures if f.id == "review_time_from_death"]
    assert figure.notes == (note,)
    (shown,) = [f for f in chapter.figures if f.id == "review_time_from_death"]
    assert shown.notes == ()


def test_section_without_delay_reasons_leaves_that_table_out() -> None:
    ds = cdop.load_sample()
    tables = {name: getattr(ds, name).copy() for name in ("notifications", "reviews")}
    tables["reviews"] = tables["reviews"].drop(columns=["delay_reasons"])
    ch = build_chapter(cdop.read_dataset(tables, today=dt.date(2026, 1, 1)), year=YEAR)
    ids = {t.id for t in ch.tables}
    assert "review_time_from_death" in ids and "review_delays" not in ids
    (line,) = [o for o in ch.omitted if o.id == "review_delays"]
    assert line.line.startswith("Reasons for the delay of reviews: needs delay_reasons")
