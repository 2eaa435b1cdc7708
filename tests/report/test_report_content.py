"""The chapter's sections on factors, infancy and age, checked cell by cell.

Every expected count here is worked out from the bundled sample's CSV files with plain
pandas (not through cdop): the notifications and reviews joined on case_id, the year a
review was completed counted from 1 April, ages from age_at_death_days.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import cdop
from cdop.dataset import read_dataset
from cdop.report import build_chapter
from cdop.sample import sample_path

YEAR = "2024/25"
#: The latest complete fixed three-year period (2008/09, 2011/12, ... 2020/21) by 2024/25.
POOLED = (2020, 2021, 2022)
POOLED_LABEL = "2020/21 to 2022/23"


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """Reviews joined to their notification, from the CSV files, with the review's year."""
    path = sample_path()
    notes = pd.read_csv(path / "notifications.csv", dtype=str)
    reviews = pd.read_csv(path / "reviews.csv", dtype=str)
    out = reviews.merge(notes, on="case_id", how="inner", validate="one_to_one")
    done = pd.to_datetime(out["date_review_completed"])
    out["review_year"] = done.dt.year - (done.dt.month < 4)
    out["age_days"] = out["age_at_death_days"].astype(int)
    return out


@pytest.fixture(scope="module")
def pooled(raw: pd.DataFrame) -> pd.DataFrame:
    return raw[raw["review_year"].isin(POOLED)]


@pytest.fixture(scope="module")
def sample() -> cdop.Dataset:
    return cdop.load_sample()


@pytest.fixture(scope="module")
def open_chapter(sample: cdop.Dataset) -> cdop.report.Chapter:
    """Every count printed (disclosure control off)."""
    return build_chapter(sample, year=YEAR, suppress=False)


@pytest.fixture(scope="module")
def chapter(sample: cdop.Dataset) -> cdop.report.Chapter:
    return build_chapter(sample, year=YEAR)


def _table(chapter: cdop.report.Chapter, table_id: str) -> cdop.report.ReportTable:
    (table,) = [t for t in chapter.tables if t.id == table_id]
    return table


def _cells(table: cdop.report.ReportTable) -> dict[tuple[str, str], str]:
    """(row label, column header) -> the printed text, for every cell of the table."""
    header = table.header
    return {(row[0], header[j]): row[j] for row in table.rows for j in range(1, len(header))}


def _number(text: str) -> int:
    return int(text.split(" (")[0].replace(",", ""))


# -- modifiable factors by domain and by named factor -------------------------------------
@pytest.fixture(scope="module")
def factor_rows(pooled: pd.DataFrame) -> pd.DataFrame:
    """The factors of the reviews completed in the pooled period, from factors.csv."""
    factors = pd.read_csv(sample_path() / "factors.csv", dtype=str)
    return factors[factors["case_id"].isin(set(pooled["case_id"]))]


def _reviews_by(rows: pd.DataFrame, by: list[str]) -> dict[tuple[str, ...], tuple[int, int]]:
    """(level) -> (reviews recording it, reviews recording it as modifiable)."""
    out: dict[tuple[str, ...], tuple[int, int]] = {}
    for level, part in rows.groupby(by):
        yes = part.loc[part["modifiable"] == "yes", "case_id"].nunique()
        out[tuple(level)] = (part["case_id"].nunique(), yes)
    return out


def _factor_cells(counts: dict[str, tuple[int, int]]) -> dict[tuple[str, str], int]:
    out = {}
    for label, (n, yes) in counts.items():
        out[(label, "Modifiable")] = yes
        out[(label, "Not modifiable or not stated")] = n - yes
        out[(label, "Reviews")] = n
    return out


def test_factors_by_domain_every_cell(
    open_chapter: cdop.report.Chapter, factor_rows: pd.DataFrame
) -> None:
    table = _table(open_chapter, "factor_domain")
    assert table.title.endswith(POOLED_LABEL)
    labels = cdop.schema.FACTOR_DOMAIN_LABELS
    counts = {labels[d]: v for (d,), v in _reviews_by(factor_rows, ["domain"]).items()}
    printed = {cell: _number(text) for cell, text in _cells(table).items()}
    assert printed == _factor_cells(counts)
    # A review counted in several domains: the rows add up to more than the reviews.
    assert sum(n for n, _ in counts.values()) > factor_rows["case_id"].nunique()


def test_factors_by_name_every_cell(
    open_chapter: cdop.report.Chapter, factor_rows: pd.DataFrame
) -> None:
    table = _table(open_chapter, "factor_named")
    domains = cdop.schema.FACTOR_DOMAIN_LABELS
    counts = {}
    for (domain, factor), value in _reviews_by(factor_rows, ["domain", "factor"]).items():
        label = cdop.schema.FACTOR_LABELS[factor]
        if factor == "other":
            label = f"{label} ({domains[domain].lower()})"
        counts[label] = value
    printed = {cell: _number(text) for cell, text in _cells(table).items()}
    assert printed == _factor_cells(counts)
    # Rows in the order of the analysis form: domain by domain.
    order = [r[0] for r in table.rows]
    assert order.index("Smoking in pregnancy") < order.index("Poor housing or poverty")


def test_factor_tables_published_cells(
    chapter: cdop.report.Chapter, open_chapter: cdop.report.Chapter
) -> None:
    for table_id in ("factor_domain", "factor_named"):
        truth = {c: _number(t) for c, t in _cells(_table(open_chapter, table_id)).items()}
        cells = _cells(_table(chapter, table_id))
        assert set(cells) == set(truth)
        shown = {c: t for c, t in cells.items() if t != "*"}
        assert shown, table_id
        for cell, text in shown.items():
            assert _number(text) == truth[cell]
            assert not 1 <= _number(text) <= 5
    section = next(s for s in chapter.sections if s.id == "factors")
    text = " ".join(section.paragraphs)
    domain_table = _cells(_table(chapter, "factor_domain"))
    words = {
        "factors intrinsic to the child": "Factors intrinsic to the child",
        "the social environment, family and parenting capacity": "Factors in the social "
        "environment, including family and parenting capacity",
        "the physical environment": "Factors in the physical environment",
        "service provision": "Factors in service provision",
    }
    named = 0
    for phrase, row in words.items():
        if m := re.search(rf"{phrase} \((\d+)\)", text):
            assert _number(domain_table[(row, "Modifiable")]) == int(m.group(1))
            named += 1
        else:
            assert domain_table[(row, "Modifiable")] == "*"
    assert named


# -- sudden unexpected deaths in infancy ---------------------------------------------------
SLEEP_PLACES = {
    "cot_or_moses_basket": "Cot or Moses basket",
    "adult_bed": "Adult bed",
    "sofa_or_armchair": "Sofa or armchair",
    "car_seat_or_pram": "Car seat or pram",
    "other": "Other",
    "not_stated": "Not stated",
}
POSITIONS = {
    "back": "On the back",
    "side": "On the side",
    "front": "On the front",
    "not_stated": "Not stated",
}


@pytest.fixture(scope="module")
def sudi(pooled: pd.DataFrame) -> pd.DataFrame:
    """Deaths under one year notified as unexpected, reviewed in the pooled period."""
    return pooled[(pooled["age_days"] < 365) & (pooled["expected_death"] == "unexpected")]


def _level_cells(
    rows: pd.DataFrame, column: str, labels: dict[str, str], header: str
) -> dict[tuple[str, str], int]:
    out = {(label, header): int((rows[column] == code).sum()) for code, label in labels.items()}
    missing = int(rows[column].isna().sum())
    if missing:
        out[("Not recorded", header)] = missing
    out[("Total", header)] = len(rows)
    return out


def test_sudi_tables_every_cell(open_chapter: cdop.report.Chapter, sudi: pd.DataFrame) -> None:
    assert len(sudi) > 0
    for table_id, column, labels in (
        ("sudi_sleep_place", "sleep_place", SLEEP_PLACES),
        ("sudi_sleep_position", "sleep_position", POSITIONS),
    ):
        table = _table(open_chapter, table_id)
        printed = {cell: _number(text) for cell, text in _cells(table).items()}
        assert printed == _level_cells(sudi, column, labels, POOLED_LABEL), table_id
    table = _table(open_chapter, "sudi_circumstances")
    expected = {}
    for column, label in (
        ("co_sleeping", "Sharing a sleep surface with an adult or child (co-sleeping)"),
        ("smoking", "Smoking by a parent or carer"),
        ("alcohol_or_drugs", "Alcohol or drugs used by a carer"),
    ):
        values = sudi[column]
        expected[(label, "Yes")] = int((values == "yes").sum())
        expected[(label, "No")] = int((values == "no").sum())
        expected[(label, "Not stated or not recorded")] = int(
            ((values == "not_stated") | values.isna()).sum()
        )
        expected[(label, "Deaths")] = len(sudi)
    assert {c: _number(t) for c, t in _cells(table).items()} == expected


def test_sudi_sentence_and_published_cells(
    chapter: cdop.report.Chapter,
    open_chapter: cdop.report.Chapter,
    sudi: pd.DataFrame,
    pooled: pd.DataFrame,
) -> None:
    section = next(s for s in open_chapter.sections if s.id == "sudi")
    infants = int((pooled["age_days"] < 365).sum())
    share = round(100 * len(sudi) / infants)
    assert (
        f"the panel reviewed {len(sudi)} sudden unexpected deaths in infancy ({share}% of "
        f"the {infants} infant deaths reviewed)" in section.paragraphs[0]
    )
    for table_id in ("sudi_sleep_place", "sudi_sleep_position", "sudi_circumstances"):
        truth = {c: _number(t) for c, t in _cells(_table(open_chapter, table_id)).items()}
        cells = _cells(_table(chapter, table_id))
        assert set(cells) <= set(truth)
        for cell, text in cells.items():
            if text != "*":
                assert _number(text) == truth[cell]
                assert not 1 <= _number(text) <= 5
    published = " ".join(next(s for s in chapter.sections if s.id == "sudi").paragraphs)
    if str(len(sudi)) not in published:
        assert "too small" in published


# -- neonatal deaths ------------------------------------------------------------------------
def _band(value: str, bounds: list[tuple[int, str]]) -> str:
    if pd.isna(value):
        return "Not recorded"
    number = int(value)
    return [label for low, label in bounds if number >= low][-1]


GESTATION = [
    (0, "Under 24 weeks"),
    (24, "24-27 weeks"),
    (28, "28-31 weeks"),
    (32, "32-36 weeks"),
    (37, "37 weeks or more"),
]
BIRTHWEIGHT = [
    (0, "Under 1,000 g"),
    (1000, "1,000-1,499 g"),
    (1500, "1,500-2,499 g"),
    (2500, "2,500 g or more"),
]


def test_neonatal_band_tables_every_cell(
    open_chapter: cdop.report.Chapter, chapter: cdop.report.Chapter, pooled: pd.DataFrame
) -> None:
    neonatal = pooled[pooled["age_days"] < 28]
    for table_id, column, bounds in (
        ("neonatal_gestation", "gestation_weeks", GESTATION),
        ("neonatal_birthweight", "birthweight_grams", BIRTHWEIGHT),
    ):
        bands = neonatal[column].map(lambda v, b=bounds: _band(v, b))
        expected = {(label, POOLED_LABEL): int((bands == label).sum()) for _, label in bounds}
        if (bands == "Not recorded").any():
            expected[("Not recorded", POOLED_LABEL)] = int((bands == "Not recorded").sum())
        expected[("Total", POOLED_LABEL)] = len(neonatal)
        printed = {c: _number(t) for c, t in _cells(_table(open_chapter, table_id)).items()}
        assert printed == expected, table_id
        for cell, text in _cells(_table(chapter, table_id)).items():
            if text != "*":
                assert _number(text) == expected[cell]
                assert not 1 <= _number(text) <= 5


def test_neonatal_mortality_rate_every_row(open_chapter: cdop.report.Chapter) -> None:
    path = sample_path()
    notes = pd.read_csv(path / "notifications.csv", dtype=str)
    births = pd.read_csv(path / "births.csv", dtype=str)
    died = pd.to_datetime(notes["date_of_death"]).dt.year
    neonatal = died[notes["age_at_death_days"].astype(int) < 28]
    live = (
        births.assign(n=births["live_births"].astype(int))
        .groupby(births["year"].astype(int))["n"]
        .sum()
    )
    table = _table(open_chapter, "neonatal_mortality")
    assert table.header[1:3] == ("Neonatal deaths", "Live births")
    assert len(table.rows) == 5
    for period, deaths, born, rate in table.rows:
        first, last = (int(y) for y in period.split("-"))
        span = range(first, last + 1)
        assert last - first == 2
        n = int(neonatal.isin(span).sum())
        b = int(live.loc[list(span)].sum())
        assert _number(deaths) == n and _number(born) == b, period
        assert rate.split(" (")[0] == f"{n / b * 1000:.1f}", period
    assert "No England neonatal mortality rate" in " ".join(table.notes)
    section = next(s for s in open_chapter.sections if s.id == "neonatal")
    assert "not compared with England" in section.paragraphs[0]
    # The rate's period (calendar years, every neonatal death) is said apart from the
    # tables' (the neonatal deaths reviewed over the pooled financial years).
    period, deaths, born, rate = table.rows[-1]
    assert (
        f"In the calendar years {period} (all neonatal deaths, by date of death, not only "
        f"those reviewed), neonatal mortality was {rate.split(' (')[0]} per 1,000 live births"
    ) in section.paragraphs[0]


def test_sections_left_out_without_their_data() -> None:
    """No factors table, no sleep fields, no gestation or birthweight, no births: the four
    sections that need them are not in the chapter, and it still builds."""
    path = sample_path()
    notes = pd.read_csv(path / "notifications.csv", dtype=str)
    blank = [
        "sleep_place",
        "sleep_position",
        "co_sleeping",
        "smoking",
        "alcohol_or_drugs",
        "gestation_weeks",
        "gestation_days",
        "birthweight_grams",
    ]
    ds = read_dataset(
        {
            "notifications": notes.drop(columns=blank),
            "reviews": pd.read_csv(path / "reviews.csv", dtype=str),
            "population": pd.read_csv(path / "population.csv", dtype=str),
        }
    )
    chapter = build_chapter(ds, year=YEAR)
    ids = {s.id for s in chapter.sections}
    assert "categories" in ids
    assert not ids & {"factors", "sudi", "neonatal"}


# -- category of death and modifiable factors by age group ----------------------------------
CATEGORY_ROWS = {
    "1": "1. Deliberately inflicted injury, abuse or neglect",
    "2": "2. Suicide or deliberate self-inflicted harm",
    "3": "3. Trauma and other external factors, including medical/surgical complications/error",
    "4": "4. Malignancy",
    "5": "5. Acute medical or surgical condition",
    "6": "6. Chronic medical condition",
    "7": "7. Chromosomal, genetic and congenital anomalies",
    "8": "8. Perinatal/neonatal event",
    "9": "9. Infection",
    "10": "10. Sudden unexpected, unexplained death",
}
#: Age at death in days, lower bounds of the groups of the modifiable-factor table.
AGE_ROWS = (
    (0, "0-27 days"),
    (28, "28-364 days"),
    (365, "1-4 years"),
    (1827, "5-9 years"),
    (3653, "10-14 years"),
    (5479, "15-17 years"),
)


def _age_row(days: int) -> str:
    return [label for low, label in AGE_ROWS if days >= low][-1]


def test_category_by_age_every_cell(
    open_chapter: cdop.report.Chapter, pooled: pd.DataFrame
) -> None:
    table = _table(open_chapter, "category_age")
    assert table.title.endswith(POOLED_LABEL)
    assert table.header == ("Category of death", "Under 1 year", "1-17 years", "Reviews")
    infant = pooled["age_days"] < 365
    expected: dict[tuple[str, str], int] = {}
    for code, label in CATEGORY_ROWS.items():
        mine = pooled["category"] == code
        expected[(label, "Under 1 year")] = int((mine & infant).sum())
        expected[(label, "1-17 years")] = int((mine & ~infant).sum())
        expected[(label, "Reviews")] = int(mine.sum())
    expected[("Total", "Under 1 year")] = int(infant.sum())
    expected[("Total", "1-17 years")] = int((~infant).sum())
    expected[("Total", "Reviews")] = len(pooled)
    assert {c: _number(t) for c, t in _cells(table).items()} == expected
    # percentages are of the category's reviews (row)
    cells = _cells(table)
    row = "7. Chromosomal, genetic and congenital anomalies"
    n = expected[(row, "Under 1 year")]
    share = round(100 * n / expected[(row, "Reviews")])
    assert cells[(row, "Under 1 year")] == f"{n} ({share}%)"


def test_modifiable_factors_by_age_every_cell(
    open_chapter: cdop.report.Chapter, pooled: pd.DataFrame
) -> None:
    table = _table(open_chapter, "modifiable_age")
    # with every count printed, nothing is merged: the six age groups, the three levels
    assert table.header == (
        "Age at death",
        "Modifiable factors",
        "No modifiable factors",
        "Insufficient information",
        "Reviews",
    )
    group = pooled["age_days"].map(_age_row)
    expected: dict[tuple[str, str], int] = {}
    for _, label in AGE_ROWS:
        mine = pooled[group == label]["modifiable_factors"]
        expected[(label, "Modifiable factors")] = int((mine == "yes").sum())
        expected[(label, "No modifiable factors")] = int((mine == "no").sum())
        expected[(label, "Insufficient information")] = int(
            (mine == "insufficient_information").sum()
        )
        expected[(label, "Reviews")] = len(mine)
    mods = pooled["modifiable_factors"]
    expected[("Total", "Modifiable factors")] = int((mods == "yes").sum())
    expected[("Total", "No modifiable factors")] = int((mods == "no").sum())
    expected[("Total", "Insufficient information")] = int(
        (mods == "insufficient_information").sum()
    )
    expected[("Total", "Reviews")] = len(pooled)
    assert {c: _number(t) for c, t in _cells(table).items()} == expected
    text = " ".join(next(s for s in open_chapter.sections if s.id == "age_groups").paragraphs)
    infant = pooled[pooled["age_days"] < 365]["modifiable_factors"]
    yes = int((infant == "yes").sum())
    assert (
        f"odifiable factors were identified in {yes} of the {len(infant)} reviews of infants "
        f"under one year ({round(100 * yes / len(infant))}%)" in text
    )


def test_by_age_tables_as_published(
    chapter: cdop.report.Chapter, open_chapter: cdop.report.Chapter, pooled: pd.DataFrame
) -> None:
    """Published: shown cells are true and none is 1-5; a sparse level is merged, and a
    merged cell is the sum of the levels it holds."""
    truth = {
        table_id: {c: _number(t) for c, t in _cells(_table(open_chapter, table_id)).items()}
        for table_id in ("category_age", "modifiable_age", "category_modifiable")
    }
    merged_label = "No modifiable factors or insufficient information"
    merged_rows = {"5-14 years": ("5-9 years", "10-14 years")}
    for table_id, true in truth.items():
        table = _table(chapter, table_id)
        shown = {c: t for c, t in _cells(table).items() if t != "*"}
        assert shown, table_id
        for (row, column), text in shown.items():
            rows = merged_rows.get(row, (row,))
            columns = (
                ("No modifiable factors", "Insufficient information")
                if column == merged_label
                else (column,)
            )
            value = sum(true[(r, c)] for r in rows for c in columns)
            assert _number(text) == value, (table_id, row, column)
            assert not 1 <= _number(text) <= 5
    # the sample's "insufficient information" counts are small in the pooled period, so
    # both tables print it merged with "no modifiable factors"
    small = pooled["modifiable_factors"].eq("insufficient_information")
    assert 1 <= int(small[pooled["age_days"] < 28].sum()) <= 5
    for table_id in ("modifiable_age", "category_modifiable"):
        assert merged_label in _table(chapter, table_id).header


def test_the_timeliness_table_has_england_columns_only_with_a_figure_of_england(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No England figure of reviews within 6 or 12 months is shipped: the table has no
    # England columns and does not say "compared with England".
    plain = build_chapter(cdop.load_sample(), year="2024/25", suppress=False)
    table = plain.tables["review_timeliness"]
    assert table.header == ("Measure", "Reviews", "Percentage", "95% CI")
    assert "compared with England" not in table.caption
    assert any(n.startswith("England: no national figure") for n in table.notes)
    # With a figure of England (a made-up 80% of reviews within 12 months in 2024/25),
    # the columns, the caption and the note of the test come back.
    from cdop.analytics import compare_national, national_benchmarks
    from cdop.report.sections import durations

    row = {
        "indicator": "reviews_within_12_months",
        "period": "2024/25",
        "period_type": "financial year",
        "value": "80",
        "unit": "percent",
        "definition": "reviews completed within 12 months of the death",
        "denominator_definition": "reviews completed in the year",
        "geography": "England",
        "publisher": "National Child Mortality Database",
        "title": "A release",
        "url": "https://www.ncmd.info/",
        "location": "section 1",
        "quote": "80% of reviews were completed within 12 months",
    }
    mine = national_benchmarks(pd.DataFrame([row]))
    monkeypatch.setattr(
        durations,
        "england_comparison",
        lambda local, indicator, **kw: compare_national(local, indicator, national=mine, **kw),
    )
    table = build_chapter(cdop.load_sample(), year="2024/25", suppress=False).tables[
        "review_timeliness"
    ]
    assert table.header[-2:] == ("England", "Compared with England")
    assert table.caption.endswith("compared with England")
    within = next(r for r in table.rows if r[0].startswith("Completed within 12 months"))
    assert within[-2] == "80% (2024/25)" and within[-1] in ("similar", "Similar")
    assert any(n.startswith("Compared with England, only where") for n in table.notes)
