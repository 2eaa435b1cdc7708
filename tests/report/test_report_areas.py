"""Chapters for several areas: one load, the same results as a single-area run, the same
bytes whatever the number of worker processes, and a comparison chapter of every area."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import cdop
from cdop.disclosure import CellKey
from cdop.report import area_dataset, build_areas, build_chapter, comparison_chapter
from cdop.report._model import Chapter
from cdop.report.sections._base import DIM, MEASURE
from cdop.report.sections.infant import calendar_years

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def sample() -> cdop.Dataset:
    return cdop.load_sample()


def _reread(ds: cdop.Dataset, area: str) -> cdop.Dataset:
    """The area's records written out and read back through validation, independently."""
    notes = ds.notifications
    notes = notes[notes["residence_area"] == area].drop(columns=["age_group"])
    reviews = ds.reviews
    reviews = reviews[reviews["case_id"].isin(notes["case_id"])].drop(columns=["category_label"])
    assert ds.births is not None and ds.population is not None
    births = ds.births[ds.births["residence_area"] == area]
    population = ds.population[ds.population["residence_area"] == area]
    assert ds.factors is not None
    factors = ds.factors[ds.factors["case_id"].isin(notes["case_id"])].drop(
        columns=["factor_label"]
    )
    frames = {
        name: frame.astype(str).replace({"<NA>": "", "nan": "", "NaT": ""})
        for name, frame in (
            ("notifications", notes),
            ("reviews", reviews),
            ("births", births),
            ("population", population),
            ("factors", factors),
        )
    }
    return cdop.read_dataset(frames, today=TODAY)


@pytest.mark.parametrize("area", ["Northmoor", "Southvale"])
def test_area_chapter_equals_single_area_run(sample: cdop.Dataset, area: str) -> None:
    from_multi = build_chapter(area_dataset(sample, area), year="2024/25")
    alone = build_chapter(_reread(sample, area), year="2024/25")
    assert [t.id for t in from_multi.tables] == [t.id for t in alone.tables]
    for a, b in zip(from_multi.tables, alone.tables, strict=True):
        assert a.rows == b.rows, a.id
        pd.testing.assert_frame_equal(a.tidy, b.tidy)
    assert [s.paragraphs for s in from_multi.sections] == [s.paragraphs for s in alone.sections]


def test_area_datasets_partition_the_records(sample: cdop.Dataset) -> None:
    parts = [area_dataset(sample, a) for a in ("Northmoor", "Southvale")]
    assert sum(len(p.notifications) for p in parts) == len(sample.notifications)
    assert sum(len(p.reviews) for p in parts) == len(sample.reviews)


def test_build_areas_same_bytes_with_one_or_two_workers(
    sample: cdop.Dataset, tmp_path: Path
) -> None:
    # The worker processes hold the text they make in Python strings, the main process
    # in Arrow ones (pandas' default): the files must not differ.
    one = build_areas(sample, out=tmp_path / "one", workers=1)
    two = build_areas(sample, out=tmp_path / "two", workers=2)
    assert one.areas == ("Northmoor", "Southvale")
    names = sorted(p.relative_to(one.out) for p in one.files)
    assert names == sorted(p.relative_to(two.out) for p in two.files)
    for rel in names:
        assert (one.out / rel).read_bytes() == (two.out / rel).read_bytes(), rel
    assert (one.out / "areas" / "northmoor" / "chapter.md").is_file()
    assert "Areas compared" in (one.out / "README.md").read_text()


def test_comparison_chapter_lists_every_area(sample: cdop.Dataset) -> None:
    chapter = comparison_chapter(sample, year="2024/25")
    assert [s.id for s in chapter.sections] == [
        "areas_within_12_months",
        "areas_infant_mortality",
        "areas_child_mortality",
    ]
    for table in chapter.tables:
        assert sorted(r[1] for r in table.rows) == ["Northmoor", "Southvale"]
    timely = chapter.tables[0]
    stats = cdop.analytics.review_timeliness(sample, by="residence_area", years=["2024/25"])
    for row in timely.rows:
        expected = stats[stats["residence_area"] == row[1]].iloc[0]
        assert row[2] == f"{int(expected['within_12_months'])}"
        assert row[3] == f"{int(expected['reviews'])}"
        assert row[4].startswith(f"{expected['within_12_months_value']:.0f}%")


def test_comparison_hides_small_areas() -> None:
    """An area with few reviews is neither ranked nor plotted."""
    from cdop._national_sample import generate_national

    tables = generate_national(seed=3, areas=6, years=4)
    ds = cdop.read_dataset(tables, today=TODAY)
    chapter = comparison_chapter(ds, rules=cdop.disclosure.DisclosureRules(threshold=40))
    percentages, *rates = chapter.tables
    for row in percentages.rows:  # a hidden count hides the percentage and the rank
        if row[2] == "*":
            assert row[0] == "–" and row[4] == "*"
    assert percentages.tidy["numerator"].isna().any()
    assert percentages.tidy.loc[percentages.tidy["numerator"].isna(), "suppressed"].all()
    for table in rates:  # counts to 40 hidden; rates only from fewer than 3 deaths
        assert table.tidy["numerator"].isna().any()
        assert pd.api.types.is_integer_dtype(table.tidy["numerator"].dtype)
        for row in table.rows:
            deaths = row[2]
            assert deaths == "*" or int(deaths.replace(",", "")) > 40
            if row[4] == "*":
                assert deaths == "*"


@pytest.mark.parametrize("threshold", [5, 12, 40])
def test_comparison_lists_hidden_areas_apart_from_the_ranking(
    tmp_path: Path, threshold: int
) -> None:
    """Read as published (the CSV files): a hidden area sits neither among the ranked
    areas nor in its place by value, and the ranks count only the areas shown. Listed in
    its true place (the ranking of every area), its row was bounded by its neighbours'
    values: with an area's reviews printed (16), being ranked above an area at 76.6%
    within 12 months put at most 3 of its reviews over 12 months (found by an attack)."""
    from cdop._national_sample import generate_national
    from cdop.report._render import render

    tables = generate_national(seed=3, areas=6, years=4)
    ds = cdop.read_dataset(tables, today=TODAY)
    rules = cdop.disclosure.DisclosureRules(threshold=threshold)
    chapter = comparison_chapter(ds, rules=rules)
    render(chapter, tmp_path, ["csv"])
    truth = comparison_chapter(ds, suppress=False)
    hidden_seen = 0
    for table, plain in zip(chapter.tables, truth.tables, strict=True):
        published = pd.read_csv(tmp_path / "tables" / f"{table.id}.csv")
        hidden = published["value"].isna().to_numpy()
        hidden_seen += int(hidden.sum())
        # The shown areas first, by value as ranked; then the hidden ones by name.
        first_hidden = int(hidden.argmax()) if hidden.any() else len(hidden)
        assert not hidden[:first_hidden].any() and hidden[first_hidden:].all()
        names = published["residence_area"].tolist()
        assert names[first_hidden:] == sorted(names[first_hidden:])
        assert published["rank"].iloc[first_hidden:].isna().all()
        shown = published.iloc[:first_hidden]
        ranks = shown["rank"].dropna()
        if len(ranks):  # 1 to the number ranked, ties sharing the lowest
            values = shown.loc[ranks.index, "value"].to_numpy()
            expected = [1 + int((values > v).sum()) for v in values]
            expected_low = [1 + int((values < v).sum()) for v in values]
            assert ranks.astype(int).tolist() in (expected, expected_low)
        # Every area is still listed once.
        assert sorted(names) == sorted(plain.tidy["residence_area"].astype(str))
    assert hidden_seen


def test_with_panel_leaves_out_deaths_by_local_authority(
    sample: cdop.Dataset, tmp_path: Path
) -> None:
    """Beside its areas' chapters, the panel's deaths by local authority would print each
    area chapter's deaths of the pooled period under another name, which disclosure
    control does not tie to it: an attack on a national build (panel, areas and
    comparison read together) worked three hidden ethnic-group counts of one area out
    exactly from it. Built together, the panel's chapter leaves the table out and says
    why; built alone it keeps it."""
    out = tmp_path / "report"
    build_areas(sample, out=out, formats=["md", "csv"], workers=1, with_panel=True)
    panel = out / "panel"
    assert not (panel / "tables" / "deaths_by_area.csv").exists()
    text = (panel / "chapter.md").read_text(encoding="utf-8")
    assert "published without its areas' chapters" in text
    alone = build_chapter(sample, year="2024/25")
    assert "deaths_by_area" in {t.id for t in alone.tables}


def test_with_panel_needs_by(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cdop.cli import main

    code = main(["report", "--with-panel", "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2
    assert "--with-panel" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_with_panel_refuses_an_unsafe_panel_name(sample: cdop.Dataset, tmp_path: Path) -> None:
    with pytest.raises(cdop.CdopError, match="panel"):
        build_areas(
            sample, out=tmp_path / "out", formats=["md"], with_panel=True, panel="<script>\x00"
        )
    assert not (tmp_path / "out").exists()


def _share_hidden(
    within: list[int], reviews: list[int], hidden_within: list[bool], hidden_reviews: list[bool]
) -> bool:
    """``_share_total_hidden`` for areas A, B, ... with no records outside them; the rest
    (reviews not within 12 months) is hidden where a reader cannot subtract."""
    import numpy as np

    from cdop.report._areas import _share_total_hidden
    from cdop.report._tables import Disclosure

    n, d = np.array(within, dtype=float), np.array(reviews, dtype=float)
    h_n, h_d = np.array(hidden_within), np.array(hidden_reviews)
    names = [chr(ord("A") + i) for i in range(len(within))]
    return _share_total_hidden(
        "reviews", names, n, d, (h_n, h_d, h_n | h_d), (n.sum(), d.sum()), Disclosure()
    )


def test_all_areas_percentage_hidden_when_the_rest_of_all_areas_is_small() -> None:
    # Found by an attack on a generated small panel's area chapters read with the
    # comparison chapter: Northmoor 13 and Southvale 10 reviews printed, their counts
    # within 12 months hidden, and "all areas together (83%)". 83% of 23 is 19 only
    # (18/23 = 78%, 20/23 = 87%), so 23 - 19 = 4 reviews took over 12 months, and each
    # area's hidden "Over 12 months" was 1 to 4. The rest of all areas is a count too.
    assert _share_hidden([10, 9], [13, 10], [True, True], [False, False])


def test_all_areas_percentage_hidden_when_it_gives_an_area_back() -> None:
    # A's 3 within 12 months hidden, B's 30 of 40 shown: all areas' 33 of 53 gives
    # A's 3 back (33 - 30).
    assert _share_hidden([3, 30], [13, 40], [True, False], [False, False])


def test_all_areas_percentage_shown_when_nothing_follows() -> None:
    # Every count shown and large: the total adds nothing (rest of all areas 20).
    assert not _share_hidden([20, 15], [30, 25], [False, False], [False, False])
    # A's count hidden with B's, all areas' rest 4 + 12 = 16 and its count 30: each
    # area's count is 0 to 30 and its rest 0 to 16 as far as a reader can tell.
    assert not _share_hidden([20, 10], [24, 22], [True, True], [False, False])


def test_comparison_of_too_few_years_to_pool_says_so(tmp_path: Path) -> None:
    """Three financial years hold two whole calendar years (2023 and 2024): too few to
    pool infant mortality over three. The chapter is written without that section and
    says what would add it (it stopped with an error from the analytics before)."""
    from cdop.sample import generate_sample

    tables = generate_sample(7, first_year=2022, last_year=2024)
    ds = cdop.read_dataset(tables, today=TODAY)
    chapter = comparison_chapter(ds, year="2024/25")
    ids = [s.id for s in chapter.sections]
    assert "areas_infant_mortality" not in ids
    assert "areas_within_12_months" in ids and "areas_child_mortality" in ids
    (last,) = [s for s in chapter.sections if s.id == "not_included"]
    assert last.paragraphs[1] == (
        "Infant mortality: needs 3 consecutive complete calendar years of deaths and births "
        "to pool (complete calendar years in the data, with births: 2023, 2024)."
    )


def test_deaths_with_no_area_are_named_in_the_value_of_all_areas(
    sample: cdop.Dataset, tmp_path: Path
) -> None:
    # An independent tester blanked the area of 40 deaths: they were in no area chapter,
    # without a word, and "All areas: the areas together" counted them.
    notes = sample.notifications.copy()
    notes["residence_area"] = notes["residence_area"].where(notes.index < len(notes) - 40)
    ds = cdop.Dataset(
        notes,
        sample.reviews,
        births=sample.births,
        population=sample.population,
        factors=sample.factors,
    )
    chapter = comparison_chapter(ds, year="2024/25")
    text = " ".join(n for table in chapter.tables for n in table.notes)
    assert "the areas together, with the deaths whose area is not recorded" in text
    whole = comparison_chapter(sample, year="2024/25")
    assert "not recorded" not in " ".join(n for t in whole.tables for n in t.notes)
    with pytest.warns(cdop.errors.DataQualityWarning, match="40 notification"):
        build_areas(ds, out=tmp_path / "areas", year="2024/25", formats=["md"], workers=1)


def _all_areas_note(chapter: Chapter, section: str) -> str:
    [table] = [t for s in chapter.sections if s.id == section for t in s.tables]
    return next(n for n in table.notes if n.startswith("All areas"))


def test_all_areas_value_follows_the_panels_chapter(sample: cdop.Dataset) -> None:
    # An independent attack on a --with-panel build: the comparison chapter printed the
    # infant mortality of all areas (2.417 to three decimals); times the live births it
    # prints, that is the panel's 80 infant deaths of 2022-2024, and less the quintiles
    # the panel's chapter shows (74), its hidden quintile 5 (6) came back exactly.
    section = "areas_infant_mortality"
    plain = comparison_chapter(sample, year="2024/25")
    shown_value = _all_areas_note(plain, section)
    assert "*" not in shown_value.split(",")[1]
    window = calendar_years("2022-2024")
    truth = cdop.analytics.infant_mortality(sample, by="imd_quintile", pool=3)
    truth = truth[(truth["period"].astype(str) == "2022-2024") & truth["imd_quintile"].notna()]
    counts = {
        str(int(q)): int(n) for q, n in zip(truth["imd_quintile"], truth["numerator"], strict=True)
    }

    def key(q: str) -> CellKey:
        return CellKey.of(MEASURE.INFANT_DEATHS_CALENDAR, year=window, **{DIM.QUINTILE: q})

    shown = {key(q): (n, False) for q, n in counts.items()}
    hidden_5 = {**shown, key("5"): (counts["5"], True)}
    same = comparison_chapter(sample, year="2024/25", panel_published=shown)
    assert _all_areas_note(same, section) == shown_value
    hidden = comparison_chapter(sample, year="2024/25", panel_published=hidden_5)
    assert _all_areas_note(hidden, section).startswith("All areas: the areas together, *")


def test_comparison_by_a_column_not_there_is_a_clear_error(sample: cdop.Dataset) -> None:
    with pytest.raises(cdop.CdopArgumentError):
        comparison_chapter(sample, year="2024/25", by="no_such_column")


def test_an_area_chapter_that_cannot_be_protected_is_left_out_not_the_build(
    sample: cdop.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One area whose chapter disclosure control cannot protect (2 of 150 national areas at
    # threshold 10) stopped the whole build, and no area's chapter was written. The other
    # chapters are now written, the comparison chapter hides that area's counts, and the
    # coordinator is told (a warning, the index, the result).
    from cdop.report import _build
    from cdop.report.sections._base import Unprotectable

    real = _build.build_chapter

    def unprotectable_in_southvale(ds: cdop.Dataset, **options: object) -> Chapter:
        if options["panel"] == "Southvale":
            raise Unprotectable("disclosure control cannot protect 2 hidden count(s): x")
        return real(ds, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(_build, "build_chapter", unprotectable_in_southvale)
    with pytest.warns(cdop.DisclosureWarning, match="the chapter of Southvale was not written"):
        result = build_areas(sample, out=tmp_path / "out", workers=1, progress=False)
    assert result.areas == ("Northmoor",)
    assert list(result.left_out) == ["Southvale"]
    assert not (tmp_path / "out" / "areas" / "southvale").exists()
    assert (tmp_path / "out" / "areas" / "northmoor" / "chapter.md").is_file()
    index = (tmp_path / "out" / "README.md").read_text()
    assert "- Southvale: not written (disclosure control could not protect" in index
    # the comparison chapter prints none of Southvale's counts (its chapter prints none)
    for table in (tmp_path / "out" / "comparison" / "tables").glob("*.csv"):
        frame = pd.read_csv(table, dtype=str, keep_default_na=False)
        southvale = frame[frame["residence_area"] == "Southvale"].iloc[0]
        assert southvale["numerator"] == "" and southvale["suppressed"] == "True", table.name

    def unprotectable_everywhere(ds: cdop.Dataset, **options: object) -> Chapter:
        raise Unprotectable("disclosure control cannot protect 1 hidden count(s): y")

    monkeypatch.setattr(_build, "build_chapter", unprotectable_everywhere)
    with pytest.raises(cdop.CdopError, match="the chapter of Northmoor: disclosure control"):
        build_areas(sample, out=tmp_path / "none", workers=1, progress=False)
    assert not (tmp_path / "none").exists()
