"""Key messages, each finding against a count made here from the raw sample CSV files.

Independent values: the sample's ``notifications.csv``, ``reviews.csv``, ``births.csv``
and ``population.csv`` read with plain pandas. Financial years run April to March.
Rates: child mortality per 100,000 children aged 0-17 (deaths by date of death in the
financial year Y/Y+1 over the mid-year population of Y), infant mortality per 1,000 live
births (deaths under 365 days over 0.75 x births(Y) + 0.25 x births(Y+1)); their 95%
intervals by Byar's approximation (10 deaths or more), written out below as in the
PHE/UKHSA public health indicator methods. Percentages with the Wilson score interval.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

import cdop
from cdop.report import build_chapter, read_settings

SAMPLE = Path(__file__).parents[2] / "data" / "sample"
YEAR = "2024/25"
Z = 1.959963984540054


def _fy(dates: pd.Series) -> pd.Series:
    start = dates.dt.year.where(dates.dt.month >= 4, dates.dt.year - 1)
    return start.astype(int).astype(str) + "/" + ((start + 1) % 100).map("{:02d}".format)


def _byar(o: int) -> tuple[float, float]:
    lo = o * (1 - 1 / (9 * o) - Z / (3 * math.sqrt(o))) ** 3
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + Z / (3 * math.sqrt(o + 1))) ** 3
    return lo, hi


def _wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    centre = p + Z**2 / (2 * n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return 100 * (centre - half) / (1 + Z**2 / n), 100 * (centre + half) / (1 + Z**2 / n)


@pytest.fixture(scope="module")
def notes() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "notifications.csv", parse_dates=["date_of_death", "date_notified"])


@pytest.fixture(scope="module")
def reviews(notes: pd.DataFrame) -> pd.DataFrame:
    reviews = pd.read_csv(SAMPLE / "reviews.csv", parse_dates=["date_review_completed"])
    return reviews.merge(notes[["case_id", "date_notified"]], on="case_id")


@pytest.fixture(scope="module")
def chapter() -> cdop.report.Chapter:
    settings = read_settings(SAMPLE / "chapter.toml")
    return build_chapter(cdop.load_sample(), year=YEAR, suppress=False, settings=settings)


@pytest.fixture(scope="module")
def messages(chapter: cdop.report.Chapter) -> list[str]:
    (section,) = [s for s in chapter.sections if s.id == "key_messages"]
    assert section.placement == "front"
    assert 5 <= len(section.paragraphs) <= 8
    return list(section.paragraphs)


def _one(messages: list[str], start: str) -> str:
    (found,) = [m for m in messages if m.startswith(start)]
    return found


def test_key_messages_open_the_chapter(chapter: cdop.report.Chapter) -> None:
    assert chapter.sections[0].id == "key_messages"
    assert chapter.front[0].title == "Key messages"


def test_deaths_notified_and_reviews_completed(
    messages: list[str], notes: pd.DataFrame, reviews: pd.DataFrame
) -> None:
    notified = _fy(notes["date_notified"]).value_counts()
    reviewed = _fy(reviews["date_review_completed"]).value_counts()
    assert messages[0] == (
        f"In 2024/25 the panel was notified of {notified['2024/25']} child deaths "
        f"({notified['2023/24']} in 2023/24) and completed {reviewed['2024/25']} reviews "
        f"({reviewed['2023/24']} in 2023/24)."
    )


def test_cases_awaiting_review(
    messages: list[str], notes: pd.DataFrame, reviews: pd.DataFrame
) -> None:
    done = notes.merge(reviews[["case_id", "date_review_completed"]], on="case_id", how="left")

    def open_at(end: str) -> int:
        day = pd.Timestamp(end)
        notified = done["date_notified"] <= day
        waiting = done["date_review_completed"].isna() | (done["date_review_completed"] > day)
        return int((notified & waiting).sum())

    assert _one(messages, "On 31 March 2025") == (
        f"On 31 March 2025, {open_at('2025-03-31')} cases were awaiting review "
        f"({open_at('2024-03-31')} a year earlier)."
    )


def test_child_mortality_against_england(messages: list[str], notes: pd.DataFrame) -> None:
    deaths = int((_fy(notes["date_of_death"]) == YEAR).sum())
    population = pd.read_csv(SAMPLE / "population.csv")
    children = int(population.loc[population["year"] == 2024, "population"].sum())
    lo, hi = _byar(deaths)
    text = _one(messages, "Child mortality")
    rate = f"{deaths / children * 1e5:.1f}"
    interval = f"{lo / children * 1e5:.1f} to {hi / children * 1e5:.1f}"
    assert text.startswith(
        f"Child mortality was {rate} per 100,000 children aged 0-17 in 2024/25 (95% CI {interval})"
    )
    # England's latest published rate is for 2023/24 (NCMD): context, not a test
    assert "29.8 in 2023/24" in text and "similar" not in text and "higher" not in text


def test_infant_mortality_against_england(messages: list[str], notes: pd.DataFrame) -> None:
    infants = notes[(notes["age_at_death_days"] < 365) & (_fy(notes["date_of_death"]) == YEAR)]
    births = pd.read_csv(SAMPLE / "births.csv").groupby("year")["live_births"].sum()
    denominator = 0.75 * births[2024] + 0.25 * births[2025]
    deaths = len(infants)
    lo, hi = _byar(deaths)
    rate = deaths / denominator * 1000
    text = _one(messages, "Infant mortality")
    assert text.startswith(
        f"Infant mortality was {rate:.1f} per 1,000 live births in 2024/25 (95% CI "
        f"{lo / denominator * 1000:.1f} to {hi / denominator * 1000:.1f})"
    )
    # NCMD 2024/25: 3.8 per 1,000; similar when England's rate lies inside the interval
    verdict = "similar" if lo / denominator * 1000 <= 3.8 <= hi / denominator * 1000 else "sign"
    assert f"{verdict}" in text and "3.8 in 2024/25" in text


def test_modifiable_factors_against_england(messages: list[str], reviews: pd.DataFrame) -> None:
    year = reviews[_fy(reviews["date_review_completed"]) == YEAR]
    n, total = int((year["modifiable_factors"] == "yes").sum()), len(year)
    lo, hi = _wilson(n, total)
    text = _one(messages, "Modifiable factors")
    assert text.startswith(
        f"Modifiable factors were identified in {round(100 * n / total)}% ({n} of {total}; "
        f"95% CI {round(lo)}% to {round(hi)}%) of the reviews completed in 2024/25"
    )
    # NCMD 2024/25: 48% of reviews; the interval lies below it
    assert hi < 48 and text.endswith("significantly lower than England (48% in 2024/25, NCMD).")


def test_reviews_within_12_months(messages: list[str], reviews: pd.DataFrame) -> None:
    year = reviews[_fy(reviews["date_review_completed"]) == YEAR]
    deadline = year["date_notified"] + pd.DateOffset(months=12)
    n, total = int((year["date_review_completed"] <= deadline).sum()), len(year)
    lo, hi = _wilson(n, total)
    text = [m for m in messages if "within 12 months" in m]
    assert text == [
        f"{round(100 * n / total)}% ({n} of {total}; 95% CI {round(lo)}% to {round(hi)}%) of "
        "the reviews completed in 2024/25 were completed within 12 months of notification, "
        "with no comparable national figure published."
    ]


def test_most_common_category(messages: list[str], reviews: pd.DataFrame) -> None:
    year = reviews[_fy(reviews["date_review_completed"]) == YEAR]
    counts = year["category"].value_counts()
    assert counts.iloc[0] > counts.iloc[1]  # one leader
    assert counts.index[0] == 8  # perinatal/neonatal event
    assert messages[-1] == (
        "The most common category of death among the reviews completed in 2024/25 was "
        f"perinatal/neonatal event ({counts.iloc[0]} of {len(year)})."
    )


def _counts_printed(chapter: cdop.report.Chapter) -> set[str]:
    body = [t for s in chapter.body for t in s.tables]
    cells = {cell for t in body for row in t.rows for cell in row}
    words = " ".join(p for s in chapter.body for p in s.paragraphs)
    return {n for cell in cells for n in re.findall(r"\d[\d,]*", cell)} | set(
        re.findall(r"\d[\d,]*", words)
    )


@pytest.mark.parametrize("seed", [3, 11])
def test_a_small_area_restates_only_counts_its_chapter_shows(seed: int) -> None:
    # A small generated area under disclosure control: every count in the key messages
    # is printed in the body of the chapter too (so none is hidden there).
    ds = cdop.load_sample(areas=1, seed=seed)
    chapter = build_chapter(ds, year=YEAR)
    (section,) = chapter.front
    shown = _counts_printed(chapter)
    for text in section.paragraphs:
        without = re.sub(
            r"\d+(\.\d+)?%|\d+\.\d+|20\d\d/\d\d|31 March 20\d\d|0-17|[\d,]+ live", "", text
        )
        for number in re.findall(r"\d[\d,]*", without):
            assert number in shown, (number, text)
    assert "*" not in " ".join(section.paragraphs)


def test_without_the_sections_behind_them_no_findings_are_made() -> None:
    chapter = build_chapter(cdop.load_sample(), year=YEAR, sections=["key_messages", "place"])
    (section,) = chapter.front
    assert section.paragraphs == ("The sections these findings restate are not in this chapter.",)


def test_a_hidden_count_is_stated_without_its_number() -> None:
    # Hiding every count up to 20: the small area's 19 deaths notified in 2024/25 (seed 3)
    # are hidden, so the finding says so without the number and without the year before;
    # the reviews are as the activity table prints them (hidden there, hidden here).
    rules = cdop.disclosure.DisclosureRules(threshold=20)
    ds = cdop.load_sample(areas=1, seed=3)
    chapter = build_chapter(ds, year=YEAR, rules=rules)
    (activity,) = [t for t in chapter.tables if t.id == "activity"]
    year, notified, reviewed, _ = activity.rows[-1]
    assert (year, notified) == ("2024/25", "*")
    (section,) = chapter.front
    hidden = "a number of {} not shown here (to protect confidentiality)"
    reviews = (
        hidden.format("reviews")
        if reviewed == "*"
        else f"{reviewed} reviews ({activity.rows[-2][2]} in 2023/24)"
    )
    assert section.paragraphs[0] == (
        f"In 2024/25 the panel was notified of {hidden.format('child deaths')} and "
        f"completed {reviews}."
    )
    assert "*" not in " ".join(section.paragraphs)


def test_key_messages_add_no_count_of_their_own() -> None:
    """The key messages restate counts: with or without them a chapter registers the same
    counts, identities and levels, and every earlier year's counts (its year block)
    come out the same whether the year is planned with them or without."""
    from cdop.report._history import _block
    from cdop.report._tables import Disclosure
    from cdop.report.sections import SECTIONS, Context
    from cdop.report.sections._base import plan_sections

    ds = cdop.load_sample()
    assert [s.id for s in SECTIONS if s.restates] == ["key_messages"]
    body = [s for s in SECTIONS if not s.restates]
    for year in (2024, 2022):
        whole = Context(ds=ds, year=year, disclosure=Disclosure())
        alone = Context(ds=ds, year=year, disclosure=Disclosure())
        plan_sections(whole, SECTIONS)
        plan_sections(alone, body)
        assert whole.counts.keys == alone.counts.keys
        assert whole.counts.extent() == alone.counts.extent()
        assert [whole.counts.value(k) for k in whole.counts.keys] == [
            alone.counts.value(k) for k in alone.counts.keys
        ]
        label = f"{year}/{(year + 1) % 100:02d}"
        assert _block(whole, label) == _block(alone, label)


def test_a_section_that_restates_may_not_register_a_count_of_its_own() -> None:
    from cdop.disclosure import CellKey
    from cdop.report._model import Section
    from cdop.report._tables import Disclosure
    from cdop.report.sections import Context, SectionSpec
    from cdop.report.sections._base import Finish, plan_sections

    def sneaky(ctx: Context) -> Finish:
        ctx.count(CellKey.of("deaths", year="2024/25"), 3, "sentence")
        return lambda: Section("sneaky", "Sneaky", ())  # pragma: no cover - never written

    ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    spec = SectionSpec("sneaky", "Sneaky", sneaky, restates=True)
    with pytest.raises(RuntimeError, match="restates counts"):
        plan_sections(ctx, [spec])
