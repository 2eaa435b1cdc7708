"""What a notebook shows: the HTML views of a dataset, a validation report, a chapter and
each of its tables, read back cell by cell as a reader's browser would lay them out."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from report_fixtures import STAMP, html_tables, make_chapter

import cdop
from cdop.report import NOT_FOR_PUBLICATION, Chapter, ChapterTables, build_chapter
from cdop.sample import sample_path


@pytest.fixture(scope="module")
def sample() -> cdop.Dataset:
    return cdop.load_sample()


@pytest.fixture(scope="module")
def built(sample: cdop.Dataset) -> tuple[Chapter, list[str]]:
    messages: list[str] = []
    # with the sample panel's settings (its own files), so that every section is built
    settings = cdop.sample.sample_path() / "chapter.toml"
    chapter = build_chapter(sample, year="2024/25", progress=messages.append, settings=settings)
    return chapter, messages


# -- the dataset ------------------------------------------------------------------------
def test_dataset_view_counts_every_table_and_the_years(sample: cdop.Dataset) -> None:
    html = sample._repr_html_()
    tables = html_tables(html).tables
    rows = {row[0]: row for row in tables[0]["rows"][1:]}  # type: ignore[index]
    # Counts: the rows of each table as read (len of each frame), thousands separated.
    for name in ("notifications", "reviews", "births", "population", "factors"):
        frame = getattr(sample, name)
        assert rows[name][1] == f"{len(frame):,}", name
    # Years: the sample's documented span (cdop.sample: reporting years 2017/18 to
    # 2024/25); births and population run a calendar year either side.
    assert rows["notifications"][2] == "2017/18 to 2024/25 (8 years)"
    assert rows["births"][2] == "2016 to 2025 (10 years)"
    assert "Areas of residence (2): Northmoor, Southvale." in html
    assert "Every section of the chapter can be built." in html


def test_dataset_view_says_which_sections_lack_which_table(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("notifications", "reviews", "population"):
        (folder / f"{name}.csv").write_bytes((sample_path() / f"{name}.csv").read_bytes())
    ds = cdop.read_dataset(folder)
    html = ds._repr_html_()
    tables = html_tables(html).tables
    rows = {row[0]: row for row in tables[0]["rows"][1:]}  # type: ignore[index]
    assert rows["births"][1:] == ("–", "–", "–", "not supplied")
    missing = tables[-1]["rows"]
    assert missing[0] == ("Section left out of the chapter", "What would add it")  # type: ignore[index]
    assert (
        "Infant mortality and deprivation",
        "needs a births table (live births by calendar year and deprivation quintile)",
    ) in missing  # type: ignore[operator]
    summary = ds.summary_table()
    assert summary.loc[summary["table"] == "births", "records"].item() == 0


def test_dataset_view_counts_rejected_records() -> None:
    notes = pd.read_csv(sample_path() / "notifications.csv", dtype=str)
    reviews = pd.read_csv(sample_path() / "reviews.csv", dtype=str)
    notes.loc[[3, 7], "sex"] = "Q"  # two notifications with a sex of no known code
    ds = cdop.read_dataset({"notifications": notes, "reviews": reviews}, strict=False)
    html = ds._repr_html_()
    rejected = len(ds.rejected)
    assert rejected >= 2  # the two notifications, and their reviews if reviewed
    assert f"Rejected records ({rejected:,})" in html
    assert "ds.rejected" in html


# -- the validation report --------------------------------------------------------------
def test_validation_view_puts_the_summary_first() -> None:
    notes = pd.read_csv(sample_path() / "notifications.csv", dtype=str)
    reviews = pd.read_csv(sample_path() / "reviews.csv", dtype=str)
    notes.loc[5, "sex"] = "Q"
    report = cdop.validate({"notifications": notes, "reviews": reviews})
    html = report._repr_html_()
    n_errors = len(report.errors)
    assert html.index(f"{n_errors} error(s)") < html.index("<table")
    first = html_tables(html).tables[0]["rows"]
    # Records read, accepted and rejected per table: read = accepted + rejected.
    assert first[1] == (  # type: ignore[index]
        "notifications",
        f"{len(notes):,}",
        f"{len(notes) - 1:,}",
        "1",
    )
    assert "By table, column and rule" in html
    assert "What is wrong" in html


def test_validation_view_of_clean_data() -> None:
    report = cdop.validate(sample_path())
    html = report._repr_html_()
    assert "0 error(s)" in html and "No failures." in html


# -- the chapter and its tables ---------------------------------------------------------
def test_chapter_tables_by_id_and_in_order() -> None:
    chapter = make_chapter()
    tables = chapter.tables
    assert isinstance(tables, ChapterTables)
    assert tables.ids == ("notifications_by_year", "place_of_death")
    assert tables["place_of_death"] == tables[1] == chapter.sections[1].tables[0]
    assert [t.id for t in tables] == list(tables.ids)
    with pytest.raises(cdop.CdopArgumentError, match="its tables are 'notifications_by_year'"):
        tables["place"]


def test_table_view_shows_caption_cells_and_notes_as_published() -> None:
    table = make_chapter().tables["notifications_by_year"]
    html = table._repr_html_()
    (parsed,) = html_tables(html).tables
    assert parsed["caption"] == "Table 1. Deaths notified and reviews completed, 2019/20 to 2021/22"
    assert parsed["rows"] == [table.header, *table.rows]  # every cell as printed
    for note in table.notes:
        assert note.replace("<", "&lt;").replace(">", "&gt;") in html
    assert "<script" not in html and NOT_FOR_PUBLICATION not in html


def test_table_of_a_chapter_without_disclosure_control_is_stamped() -> None:
    chapter = make_chapter(stamp=STAMP)
    html = chapter.tables[0]._repr_html_()
    assert html.index(STAMP) < html.index("<table")


def test_to_frame_is_the_printed_table() -> None:
    table = make_chapter().tables["notifications_by_year"]
    frame = table.to_frame()
    assert frame.columns.tolist() == list(table.header)
    assert [tuple(r) for r in frame.itertuples(index=False)] == list(table.rows)
    assert frame.attrs == {"id": table.id, "caption": table.caption, "notes": list(table.notes)}


def test_chapter_view_lists_sections_tables_and_ids() -> None:
    chapter = make_chapter(stamp=STAMP)
    html = chapter._repr_html_()
    parsed = html_tables(html).tables[0]
    assert parsed["caption"] == "2 sections, 2 tables, 1 figures"
    rows = parsed["rows"]
    assert rows[1][0] == "Notifications and reviews"  # type: ignore[index]
    assert "[notifications_by_year]" in rows[1][1]  # type: ignore[index]
    assert html.index(STAMP) < html.index("<table")


def test_chapter_view_lists_what_was_left_out_and_what_would_add_it() -> None:
    import datetime as dt

    ds = cdop.load_sample()
    tables = {n: getattr(ds, n).copy() for n in ("notifications", "reviews", "births")}
    chapter = build_chapter(cdop.read_dataset(tables, today=dt.date(2026, 1, 1)), year="2024/25")
    child = next(o for o in chapter.omitted if o.id == "child_mortality")
    parsed = html_tables(chapter._repr_html_()).tables[1]
    assert parsed["caption"] == f"{len(chapter.omitted)} left out for want of data"
    rows = parsed["rows"]
    assert list(rows[0]) == ["Left out", "What would add it"]
    assert [child.title, "; and ".join(child.needs)] in [list(r) for r in rows]
    assert len(rows) == len(chapter.omitted) + 1
    # a chapter with nothing left out has no such table
    assert len(html_tables(make_chapter()._repr_html_()).tables) == 1


def test_the_real_chapter_table_review_durations(built: tuple[Chapter, list[str]]) -> None:
    chapter, _ = built
    table = chapter.tables["review_durations"]
    frame = table.to_frame()
    assert frame.columns[0] == table.header[0]
    assert frame.shape == (len(table.rows), len(table.header))
    # The cells are the chapter's: the same strings the Markdown and CSV are made from.
    section = next(s for s in chapter.sections if any(t.id == table.id for t in s.tables))
    assert next(t for t in section.tables if t.id == table.id).rows == table.rows
    assert table.caption in table._repr_html_()
    unprotected = dataclasses.replace(chapter, stamp=NOT_FOR_PUBLICATION)
    assert NOT_FOR_PUBLICATION in unprotected.tables["review_durations"]._repr_html_()


def test_build_reports_progress_by_section(built: tuple[Chapter, list[str]]) -> None:
    chapter, messages = built
    n = len(chapter.sections)
    assert messages[0].startswith(f"section 1 of {n}")
    assert any(m.startswith("disclosure control over") for m in messages)
    assert messages[-1].startswith(f"section {n} of {n} written")
