"""The chapter adapts to the data it has: sections whose inputs are missing are left out,
and the chapter says in one line what data would add each; it never stops.

The panels here are the sample generator's over five reporting years (2020/21 to
2024/25: small, and enough for the fixed pooled period 2020/21 to 2022/23 and three
complete calendar years to pool infant mortality), with optional tables or fields taken
away as a coordinator's exports would lack them.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from pathlib import Path

import pandas as pd
import pytest

import cdop
from cdop.errors import CdopArgumentError
from cdop.report import build, build_chapter, read_settings
from cdop.report._build import NOT_INCLUDED_TITLE, choose_sections
from cdop.report.sections import SECTIONS
from cdop.sample import generate_sample, sample_path

OPTIONAL = ("births", "population", "deprivation", "factors")
# The sample panel's settings: its two authorities and its own files (learning text,
# actions, panel activity), so that only the data decide what is left out.
OWN = read_settings(sample_path() / "chapter.toml")
ALL_IDS = [spec.id for spec in SECTIONS]
# What each missing input is called in the chapter's "Not included" lines.
PHRASES = {
    "births": "a births table (live births by calendar year and deprivation quintile)",
    "population": "a population table (children by calendar year and age group)",
    "deprivation": "the deprivation decile of each death",
    "factors": "a factors table (the factors recorded on the analysis form)",
}


@functools.cache
def _tables(first_year: int = 2020, last_year: int = 2024) -> dict[str, pd.DataFrame]:
    return generate_sample(first_year=first_year, last_year=last_year)


def panel(
    absent: tuple[str, ...] = (),
    *,
    years: tuple[int, ...] | None = None,
    keep_lsoa: bool = True,
) -> cdop.Dataset:
    """The small sample panel without the ``absent`` inputs; ``years`` keeps the cases
    notified in those financial years (and their reviews and factors) only."""
    tables = {name: frame.copy() for name, frame in _tables().items()}
    notes = tables["notifications"]
    if years is not None:
        notified = pd.to_datetime(notes["date_notified"])
        start = notified.dt.year - (notified.dt.month < 4)
        notes = notes[start.isin(years)]
        kept = set(notes["case_id"])
        for name in ("reviews", "factors"):
            tables[name] = tables[name][tables[name]["case_id"].isin(kept)]
    if "deprivation" in absent:
        notes = notes.drop(columns=["imd_decile"] + ([] if keep_lsoa else ["lsoa_code"]))
    tables["notifications"] = notes
    for name in ("births", "population", "factors"):
        if name in absent:
            del tables[name]
    return cdop.read_dataset(tables)


def _needing(absent: tuple[str, ...]) -> set[str]:
    """Sections declaring a need for an absent input (their declared needs)."""
    return {spec.id for spec in SECTIONS if set(absent) & {str(n) for n in spec.needs}}


@pytest.mark.parametrize(
    "absent",
    [c for r in range(len(OPTIONAL) + 1) for c in itertools.combinations(OPTIONAL, r)],
    ids=lambda c: "+".join(c) or "none-absent",
)
def test_every_combination_of_optional_inputs_builds(absent: tuple[str, ...]) -> None:
    chapter = build_chapter(panel(absent), year="2024/25", suppress=False, settings=OWN)
    ids = [s.id for s in chapter.sections]
    left_out = {o.id for o in chapter.omitted}
    # Independently of the declarations: infant mortality needs births (and its part by
    # deprivation quintile the deprivation too), child mortality the population.
    assert ("infant_mortality" in left_out) == ("births" in absent)
    by_deprivation = "deprivation" in absent and "births" not in absent
    assert ("infant_mortality_deprivation" in left_out) == by_deprivation
    assert ("child_mortality" in left_out) == ("population" in absent)
    # parts of sections left out: the neonatal mortality rate needs births
    parts = {"neonatal_mortality"} if "births" in absent else set()
    parts |= {"infant_mortality_deprivation"} if by_deprivation else set()
    assert left_out == _needing(absent) | parts
    kept = [i for i in ALL_IDS if i not in left_out]
    assert ids == kept + (["not_included"] if left_out else [])
    for omission in chapter.omitted:
        if omission.id == "neonatal_mortality":
            assert omission.line == f"Neonatal mortality rate: needs {PHRASES['births']}."
            continue
        if omission.id == "infant_mortality_deprivation":
            assert omission.line.startswith("Infant mortality by deprivation quintile: needs ")
            assert PHRASES["deprivation"] in omission.line
            continue
        spec = next(s for s in SECTIONS if s.id == omission.id)
        named = [a for a in absent if a in {str(n) for n in spec.needs}]
        for a in named:
            assert any(PHRASES[a] in need for need in omission.needs), (omission, a)
        assert omission.line.startswith(f"{spec.title}: needs ")
    if left_out:
        last = chapter.sections[-1]
        assert last.title == NOT_INCLUDED_TITLE
        assert set(last.paragraphs[1:]) == {o.line for o in chapter.omitted}


@pytest.mark.parametrize("absent", [(a,) for a in OPTIONAL] + [OPTIONAL])
def test_published_chapter_names_what_is_missing(absent: tuple[str, ...], tmp_path: Path) -> None:
    result = build(panel(absent), out=tmp_path / "out", year="2024/25", formats=["md", "csv"])
    text = (tmp_path / "out" / "chapter.md").read_text(encoding="utf-8")
    for omission in result.chapter.omitted:
        assert omission.line in text
    if result.chapter.omitted:
        assert NOT_INCLUDED_TITLE in text
    tables = {p.stem for p in (tmp_path / "out" / "tables").glob("*.csv")}
    assert ("infant_mortality_deprivation" in tables) == (
        not {"births", "deprivation"} & set(absent)
    )
    # The rate of the year across all areas needs the births alone.
    assert ("Infant mortality in 2024/25 was" in text or "infant mortality in 2024/25" in text) == (
        "births" not in absent
    )
    assert ("child_mortality" in tables) == ("population" not in absent)


def test_lsoa_codes_without_deciles_say_how_to_get_them() -> None:
    chapter = build_chapter(panel(("deprivation",)), year="2024/25", suppress=False)
    (line,) = [o.line for o in chapter.omitted if o.id == "infant_mortality_deprivation"]
    assert "the deaths carry LSOA codes" in line and "--deprivation FILE" in line
    chapter = build_chapter(
        panel(("deprivation",), keep_lsoa=False), year="2024/25", suppress=False
    )
    (line,) = [o.line for o in chapter.omitted if o.id == "infant_mortality_deprivation"]
    assert "imd_decile" in line and "LSOA codes" not in line


def test_an_optional_column_without_values_is_said_so() -> None:
    # An export with the delay reasons column but no reason recorded, or without the
    # column: either way no review gives one, and the line says so.
    tables = {name: frame.copy() for name, frame in _tables().items()}
    tables["reviews"]["delay_reasons"] = None
    empty = build_chapter(cdop.read_dataset(tables), year="2024/25", suppress=False)
    tables["reviews"] = tables["reviews"].drop(columns="delay_reasons")
    absent = build_chapter(cdop.read_dataset(tables), year="2024/25", suppress=False)
    for chapter in (empty, absent):
        (line,) = [o.line for o in chapter.omitted if "delay" in o.title.lower()]
        assert line.startswith("Reasons for the delay of reviews: needs delay_reasons (")
        assert line.endswith("recorded in the reviews (no row gives one).")


def test_three_financial_years_leave_out_the_pooled_parts() -> None:
    # 2022/23 to 2024/25: two complete calendar years (2023, 2024), fewer than the
    # three the infant rates pool; the fixed pooled period 2020/21 to 2022/23 is not
    # wholly in the data.
    chapter = build_chapter(panel(years=(2022, 2023, 2024)), year="2024/25", settings=OWN)
    lines = {o.id: o.line for o in chapter.omitted}
    # every section or part that pools the fixed period, and the calendar-year rates
    pooled = {
        "category_modifiable",
        "deaths_by_ethnicity",
        "deaths_by_area",
        "factors",
        "age_groups",
        "sudi",
        "neonatal",
    }
    assert set(lines) == {"infant_mortality_deprivation", *pooled}
    assert (
        "complete calendar years in the data, with births: 2023, 2024 only"
        in lines["infant_mortality_deprivation"]
    )
    for part in pooled:
        assert "2020/21 to 2022/23" in lines[part], part
        assert "the data cover 2022/23 to 2024/25" in lines[part], part
    categories = next(s for s in chapter.sections if s.id == "categories")
    assert [t.id for t in categories.tables] == ["category"]
    assert categories.figures == ()
    # No table or figure is labelled with a year the data do not cover: financial years
    # from 2022/23, calendar years wholly inside them (2023 and 2024).
    texts = [t.title for t in chapter.tables] + [f.title for f in chapter.figures]
    texts += [cell for t in chapter.tables for cell in (*t.header, *(r[0] for r in t.rows))]
    financial = {int(m) for text in texts for m in re.findall(r"\b(20\d\d)/\d\d\b", text)}
    calendar = {
        int(y)
        for text in texts
        for period in re.findall(r"\b20\d\d-20\d\d\b", text)
        for y in period.split("-")
    }
    assert financial and min(financial) >= 2022, sorted(financial)
    assert not calendar - {2023, 2024}, sorted(calendar)


def test_a_pooled_table_counts_exactly_its_labelled_period() -> None:
    # An export of 2020/21 to 2022/23 holds the whole fixed pooled period of its 2022/23
    # chapter (2020/21 to 2022/23): the pooled sections are there, and their totals are
    # the reviews completed in those three years. Independent count: the generated
    # notifications and reviews, read here with pandas (sudden unexpected deaths in
    # infancy: unexpected deaths under 365 days; neonatal deaths: under 28 days).
    years = (2020, 2021, 2022)
    chapter = build_chapter(panel(years=years), year="2022/23", settings=OWN, suppress=False)
    assert {"factors", "sudi", "neonatal"} <= {s.id for s in chapter.sections}
    tables = _tables()
    notes = tables["notifications"]
    notified = pd.to_datetime(notes["date_notified"])
    notes = notes[(notified.dt.year - (notified.dt.month < 4)).isin(years)]
    reviews = tables["reviews"]
    done = pd.to_datetime(reviews["date_review_completed"])
    reviewed = reviews[(done.dt.year - (done.dt.month < 4)).isin(years)]
    deaths = notes[notes["case_id"].isin(reviewed["case_id"])]
    age = pd.to_numeric(deaths["age_at_death_days"])
    sudi = int(((age < 365) & (deaths["expected_death"] == "unexpected")).sum())
    neonatal = int((age < 28).sum())
    totals = {t.id: t.rows[-1] for t in chapter.tables}
    assert totals["sudi_sleep_place"] == ("Total", str(sudi))
    assert totals["neonatal_gestation"] == ("Total", str(neonatal))
    for table_id in ("sudi_sleep_place", "neonatal_gestation"):
        assert chapter.tables[table_id].title.endswith("2020/21 to 2022/23")


def test_one_year_of_data_builds() -> None:
    chapter = build_chapter(panel(years=(2024,)), year="2024/25", settings=OWN)
    lines = {o.id: o.line for o in chapter.omitted}
    # the pooled sections have no year of their period 2020/21 to 2022/23 in the data
    pooled = {"factors", "age_groups", "sudi", "neonatal", "deaths_by_ethnicity", "deaths_by_area"}
    # reasons for delay are recorded for reviews over a year, which one year cannot hold
    assert set(lines) == {
        "infant_mortality_deprivation",
        "category_modifiable",
        "review_delays",
        *pooled,
    }
    for section in pooled:
        assert "2020/21 to 2022/23" in lines[section]
    assert "with births: none" in lines["infant_mortality_deprivation"]
    # the year's rate across all areas needs its births only: it is there
    infant = next(s for s in chapter.sections if s.id == "infant_mortality")
    assert infant.title == "Infant mortality" and not infant.tables and not infant.figures
    assert "the data cover 2024/25)" in lines["category_modifiable"]
    assert [s.id for s in chapter.sections][-1] == "not_included"


def test_one_area_builds_every_section_but_the_table_by_authority() -> None:
    ds = panel()
    one = cdop.report.area_dataset(ds, "Northmoor", by="residence_area")
    # a one-authority panel's settings name its one authority
    settings = dataclasses.replace(OWN, local_authorities=("Northmoor",))
    chapter = build_chapter(one, year="2024/25", settings=settings)
    kept = [i for i in ALL_IDS if i != "deaths_by_area"]
    assert [s.id for s in chapter.sections] == [*kept, "not_included"]
    (omission,) = chapter.omitted
    assert omission.line == (
        "Deaths by local authority: needs a footprint of two or more local authorities "
        "(the chapter settings name one: Northmoor)."
    )


def test_without_settings_the_panel_files_are_named_as_missing() -> None:
    chapter = build_chapter(panel(), year="2024/25")
    lines = {o.id: o.line for o in chapter.omitted}
    # besides the pooled sections, when disclosure control withholds the pooled window
    # (the small panel's window 2020/21 to 2022/23 is: docs/disclosure.md)
    withheld = {i for i, line in lines.items() if "to be publishable beside" in line}
    assert set(lines) - withheld == {"learning"}
    assert 'learning = "learning.md"' in lines["learning"]
    one = cdop.report.area_dataset(panel(), "Northmoor", by="residence_area")
    lines = {o.id: o.line for o in build_chapter(one, year="2024/25").omitted}
    assert set(lines) == {"learning", "deaths_by_area"}
    assert lines["deaths_by_area"].endswith("(the deaths give one: Northmoor).")


# -- choosing sections ---------------------------------------------------------------------
def test_sections_choose_and_order() -> None:
    chapter = build_chapter(
        panel(), year="2024/25", suppress=False, sections=["child_mortality", "activity"]
    )
    assert [s.id for s in chapter.sections] == ["child_mortality", "activity"]
    assert [t.number for t in chapter.tables] == list(range(1, len(chapter.tables) + 1))


def test_a_chosen_section_the_data_do_not_support_is_named() -> None:
    chapter = build_chapter(
        panel(("population",)), year="2024/25", suppress=False, sections=["child_mortality"]
    )
    assert [s.id for s in chapter.sections] == ["not_included"]
    assert [o.id for o in chapter.omitted] == ["child_mortality"]


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        (["infant"], "unknown section 'infant' (did you mean 'infant_mortality'?)"),
        (["activity", "activity"], "section 'activity' is listed twice"),
        ([], "choose at least one section"),
    ],
)
def test_unknown_sections_are_named_with_the_valid_ids(sections: list[str], message: str) -> None:
    with pytest.raises(CdopArgumentError) as info:
        choose_sections(sections)
    assert message in str(info.value)
    if "unknown" in message:
        assert "the sections are " + ", ".join(ALL_IDS) in str(info.value)


def test_infant_mortality_without_deprivation_keeps_the_rate_of_the_year() -> None:
    # Deaths without deprivation: the rate of 2024/25 across all areas is still given,
    # against England, from the births alone. Independent count from the generated
    # tables: infant deaths (under 365 days) by date of death in April 2024 to March 2025,
    # over 0.75 x births of 2024 + 0.25 x births of 2025.
    tables = _tables()
    notes = tables["notifications"]
    died = pd.to_datetime(notes["date_of_death"])
    infant = pd.to_numeric(notes["age_at_death_days"]) < 365
    in_year = (died >= "2024-04-01") & (died <= "2025-03-31")
    deaths = int((infant & in_year).sum())
    births = tables["births"].assign(n=lambda f: pd.to_numeric(f["live_births"]))
    by_year = births.groupby(pd.to_numeric(births["year"]))["n"].sum()
    rate = deaths / (0.75 * by_year[2024] + 0.25 * by_year[2025]) * 1000
    chapter = build_chapter(panel(("deprivation",)), year="2024/25", suppress=False)
    section = next(s for s in chapter.sections if s.id == "infant_mortality")
    assert section.title == "Infant mortality" and not section.tables
    (sentence,) = section.paragraphs
    assert sentence.startswith(f"Infant mortality in 2024/25 was {rate:.1f} per 1,000 live births")
    assert "England (3.8 in 2024/25, NCMD)" in sentence
    messages = " ".join(next(s for s in chapter.sections if s.id == "key_messages").paragraphs)
    assert f"Infant mortality was {rate:.1f} per 1,000 live births in 2024/25" in messages
    # Without the births of 2025 the financial year's births are not known: said so.
    short = dict(tables)
    short["births"] = tables["births"][pd.to_numeric(tables["births"]["year"]) < 2025]
    short["notifications"] = notes.drop(columns=["imd_decile", "lsoa_code"])
    chapter = build_chapter(cdop.read_dataset(short), year="2024/25", suppress=False)
    section = next(s for s in chapter.sections if s.id == "infant_mortality")
    assert section.paragraphs == (
        "Infant mortality in 2024/25 cannot be given: it needs the live births of both 2024 "
        "and 2025, which the births table does not give.",
    )
    messages = " ".join(next(s for s in chapter.sections if s.id == "key_messages").paragraphs)
    assert "Infant mortality was" not in messages and "nan" not in messages


def test_a_reporting_year_without_population_says_why_it_has_no_rate() -> None:
    # A population table ending a year early gave "Children aged 0-17: 0", a rate of
    # "–" and the sentence "the rate was – per 100,000", with nothing saying why (an
    # independent tester's case).
    tables = generate_sample()
    population = tables["population"]
    tables["population"] = population[population["year"].astype(int) < 2024]
    ds = cdop.read_dataset(tables)
    chapter = build_chapter(ds, year="2024/25", sections=["child_mortality"], progress=False)
    [section] = [s for s in chapter.sections if s.id == "child_mortality"]
    assert section.paragraphs == (
        "The population table gives no children for 2024/25, so its child mortality rate "
        "cannot be worked out; add that year's child population to the population table "
        "to print it.",
    )
    last = section.tables[0].rows[-1]
    assert (last[0], last[2], last[3]) == ("2024/25", "not given", "– (– to –)")
    assert section.tables[0].rows[-2][2] != "not given"  # 2023/24 has its population


def test_a_local_authority_named_in_no_record_is_warned_about() -> None:
    # local_authorities = ["Atlantis", "Narnia"] printed both with 0 deaths, no word that
    # neither is in the data (an independent tester's case)
    ds = cdop.load_sample()
    settings = dataclasses.replace(
        read_settings(sample_path() / "chapter.toml"),
        local_authorities=("Northmoor", "Southvale", "Atlantis"),
    )
    with pytest.warns(cdop.DataQualityWarning, match=r"local_authorities: 'Atlantis' named"):
        build_chapter(ds, year="2024/25", sections=["deaths_by_area"], settings=settings)


def test_an_area_the_deaths_name_but_the_denominators_do_not_is_warned_about() -> None:
    # Births and population written "SouthVale" against "Southvale" in the deaths: the
    # area's rates printed "–" while the totals counted its children, with nothing said.
    tables = generate_sample()
    for name in ("births", "population"):
        frame = tables[name].copy()
        frame["residence_area"] = frame["residence_area"].replace("Southvale", "SouthVale")
        tables[name] = frame
    report = cdop.validate(tables)
    warned = report.warnings[report.warnings["rule"] == "area_not_matched"]
    assert sorted(warned["table"]) == ["births", "population"]
    assert (
        warned["message"]
        .str.contains(
            "no rows for the area 'Southvale', which <notifications DataFrame> names (it has "
            "'SouthVale': write the area alike in both)",
            regex=False,
        )
        .all()
    )
    assert cdop.validate(generate_sample()).warnings.empty


def test_a_reporting_year_with_no_record_in_it_is_warned_about(tmp_path: Path) -> None:
    # The sample without its 2023/24 records built a 2023/24 chapter of zeros with nothing
    # said (an independent tester's case): a year inside the data holding no record is
    # a gap in the export.
    tables = generate_sample()
    notes = tables["notifications"]
    dates = pd.to_datetime(notes["date_notified"])
    gap = (dates >= "2023-04-01") & (dates < "2024-04-01")
    reviews = tables["reviews"]
    done = pd.to_datetime(reviews["date_review_completed"])
    tables["notifications"] = notes[~gap]
    tables["reviews"] = reviews[
        reviews["case_id"].isin(notes[~gap]["case_id"])
        & ~((done >= "2023-04-01") & (done < "2024-04-01"))
    ]
    tables["factors"] = tables["factors"][
        tables["factors"]["case_id"].isin(tables["reviews"]["case_id"])
    ]
    ds = cdop.read_dataset(tables)
    with pytest.warns(cdop.DataQualityWarning, match=r"no death notified and no review .* 2023/24"):
        build(ds, out=tmp_path / "r", year="2023/24", sections=["activity"], formats=["md"])
