"""The panel's own inputs (learning text, actions, activity) and the panel activity section.

Independent values: the sample's CSV files read here with plain pandas (meetings as
distinct review dates, joint agency responses by financial year notified, reviews by
financial year completed) and the panel's files as written in ``data/sample``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pandas as pd
import pytest

import cdop
from cdop.errors import CdopArgumentError, IdentifierError, SmallNumberWarning
from cdop.report import ChapterSettings, build, build_chapter, read_settings
from cdop.report._panel import (
    learning_paragraphs,
    read_actions,
    read_learning,
    read_panel_activity,
)

SAMPLE = Path(__file__).parents[2] / "data" / "sample"
YEAR = "2024/25"
YEARS = ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]


def _fy(dates: pd.Series) -> pd.Series:
    start = dates.dt.year.where(dates.dt.month >= 4, dates.dt.year - 1)
    return start.astype(int).astype(str) + "/" + ((start + 1) % 100).map("{:02d}".format)


@pytest.fixture(scope="module")
def chapter() -> cdop.report.Chapter:
    return build_chapter(
        cdop.load_sample(), year=YEAR, suppress=False, settings=SAMPLE / "chapter.toml"
    )


def _section(ch: cdop.report.Chapter, section_id: str) -> cdop.report.Section:
    (section,) = [s for s in ch.sections if s.id == section_id]
    return section


def test_panel_activity_equals_an_independent_count(chapter: cdop.report.Chapter) -> None:
    notes = pd.read_csv(SAMPLE / "notifications.csv", parse_dates=["date_notified"])
    reviews = pd.read_csv(SAMPLE / "reviews.csv", parse_dates=["date_review_completed"])
    given = pd.read_csv(SAMPLE / "panel_activity.csv")
    table = _section(chapter, "panel_activity").tables[0]
    rows = {r[0]: dict(zip(table.header, r, strict=True)) for r in table.rows}
    reviewed = _fy(reviews["date_review_completed"]).value_counts()
    jar = _fy(notes.loc[notes["joint_agency_response"] == "yes", "date_notified"]).value_counts()
    meetings = given[given["measure"] == "panel_meetings"].set_index("year")["value"]
    met = reviews.dropna(subset=["date_review_meeting"])
    at_meetings = _fy(pd.to_datetime(met["date_review_meeting"])).value_counts()
    # The panel's own measures, as its file gives them; "–" for a year it gives none.
    own = {
        "Thematic reviews": "thematic_reviews",
        "Training or learning events": "training_sessions",
    }
    for year in YEARS:
        row = rows[year]
        assert row["Panel meetings held"] == str(meetings[year])
        assert row["Reviews completed"] == str(reviewed.get(year, 0))
        assert row["Joint agency responses"] == str(jar.get(year, 0))
        assert row["Cases at child death review meetings"] == str(at_meetings.get(year, 0))
        for header, measure in own.items():
            value = given[(given["measure"] == measure) & (given["year"] == year)]["value"]
            assert row[header] == (str(int(value.iloc[0])) if len(value) else "–"), (year, header)
    assert rows["2024/25"]["Thematic reviews"] == "2"
    assert rows["2020/21"]["Thematic reviews"] == "–"


def test_without_the_activity_file_no_meetings_are_claimed() -> None:
    reviews = pd.read_csv(SAMPLE / "reviews.csv", parse_dates=["date_review_completed"])
    reviewed = _fy(reviews["date_review_completed"]).value_counts()
    ch = build_chapter(cdop.load_sample(), year=YEAR, suppress=False)
    section = _section(ch, "panel_activity")
    table = section.tables[0]
    assert not any("meeting" in h.lower() and "review meetings" not in h for h in table.header)
    assert "met on" not in section.paragraphs[0]
    rows = {r[0]: dict(zip(table.header, r, strict=True)) for r in table.rows}
    for year in YEARS:
        assert rows[year]["Reviews completed"] == str(reviewed[year])


def test_learning_and_actions_are_printed_as_written(chapter: cdop.report.Chapter) -> None:
    section = _section(chapter, "learning")
    assert section.paragraphs[0] == "What the panel learnt this year"
    assert any(
        p.startswith("• Health visitors repeat the safer sleep advice") for p in section.paragraphs
    )
    actions = pd.read_csv(SAMPLE / "actions.csv")
    (table,) = section.tables
    assert table.header == ("Lead", "Action", "Progress", "Status")
    assert [list(r) for r in table.rows] == actions.astype(str).values.tolist()


def test_without_panel_files_the_learning_section_is_left_out() -> None:
    ch = build_chapter(cdop.load_sample(), year=YEAR)
    assert "learning" not in {s.id for s in ch.sections}
    (line,) = [o for o in ch.omitted if o.id == "learning"]
    assert "learning =" in str(line) and "chapter settings" in str(line)


def test_the_sample_settings_name_the_panel_files() -> None:
    settings = read_settings(SAMPLE / "chapter.toml")
    assert settings.learning == (SAMPLE / "learning.md").resolve()
    assert settings.actions == (SAMPLE / "actions.csv").resolve()
    assert settings.panel_activity == (SAMPLE / "panel_activity.csv").resolve()
    assert settings.local_authorities == ("Northmoor", "Southvale")


def test_settings_paths_are_relative_to_the_settings_file(tmp_path: Path) -> None:
    folder = tmp_path / "panel"
    folder.mkdir()
    (folder / "text.md").write_text("Our learning.\n", encoding="utf-8")
    (folder / "chapter.toml").write_text('learning = "text.md"\n', encoding="utf-8")
    ch = build_chapter(cdop.load_sample(), year=YEAR, settings=folder / "chapter.toml")
    assert _section(ch, "learning").paragraphs == ("Our learning.",)
    assert not _section(ch, "learning").tables  # no actions file named


def test_a_bad_panel_file_is_an_error_not_a_section_left_out(tmp_path: Path) -> None:
    bad = tmp_path / "activity.csv"
    bad.write_text("year,measure,value\n2024/25,panel_meetings,twelve\n", encoding="utf-8")
    with pytest.raises(CdopArgumentError, match=r"row 2, column value"):
        build_chapter(cdop.load_sample(), year=YEAR, settings=ChapterSettings(panel_activity=bad))


def test_without_activity_file_or_fields_panel_activity_is_left_out() -> None:
    tables = {
        "notifications": pd.read_csv(SAMPLE / "notifications.csv", dtype=str).drop(
            columns=["joint_agency_response"]
        ),
        "reviews": pd.read_csv(SAMPLE / "reviews.csv", dtype=str).drop(
            columns=["date_review_meeting"]
        ),
    }
    ch = build_chapter(cdop.read_dataset(tables), year=YEAR)
    assert "panel_activity" not in {s.id for s in ch.sections}
    (line,) = [o for o in ch.omitted if o.id == "panel_activity"]
    assert "panel_activity =" in str(line)


def test_markup_in_the_panel_text_is_shown_not_run(tmp_path: Path) -> None:
    text = "Hello <script>alert(1)</script> & <b>bold</b>\n\n- [link](javascript:x)\n"
    path = tmp_path / "learning.md"
    path.write_text(text, encoding="utf-8")
    actions = tmp_path / "actions.csv"
    actions.write_text('action,progress\n=HYPERLINK("x"),<img src=x>\n', encoding="utf-8")
    settings = ChapterSettings(learning=path, actions=actions)
    out = tmp_path / "out"
    build(cdop.load_sample(), out=out, year=YEAR, settings=settings, formats=["md", "html", "csv"])
    html = (out / "chapter.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x>" not in html
    csv_text = (out / "tables" / "actions.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in csv_text


def test_learning_paragraphs_follow_the_markdown() -> None:
    text = "# Title #\nline one\nline two\n\n* item *a*\n1. numbered\n\nend"
    assert learning_paragraphs(text) == (
        "Title",
        "line one line two",
        "• item *a*",
        "• numbered",
        "end",
    )


def test_small_numbers_in_free_text_are_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "learning.md"
    path.write_text("Safe sleep.\n\nThree babies died while co-sleeping.\n", encoding="utf-8")
    with pytest.warns(SmallNumberWarning, match=r"line 3: 'Three babies'"):
        read_learning(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_learning(SAMPLE / "learning.md")


def test_identifiers_in_panel_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "learning.md"
    path.write_text("Contact\n\nThe family lives at LS6 4AB.\n", encoding="utf-8")
    with pytest.raises(IdentifierError, match="line 3") as err:
        read_learning(path)
    assert "LS6" not in str(err.value)
    actions = tmp_path / "actions.csv"
    actions.write_text("action,progress\nCall 943 476 5919,done\n", encoding="utf-8")
    with pytest.raises(IdentifierError, match="row 2, column action"):
        read_actions(actions)


@pytest.mark.parametrize(
    "text",
    [
        "Record 943 476\n5919 was reviewed.",
        "Contact jane.smith@**nhs.net** today.",
        "The family moved to LS6\n4AB.",
        "Rang 0113 **496** 0000.",
    ],
)
def test_identifiers_whole_only_as_printed_are_refused(tmp_path: Path, text: str) -> None:
    # Lines are joined into paragraphs and bold markers dropped before printing: an
    # identifier over two lines or broken by bold markers passed the check of each line
    # and was published whole (an independent tester's cases).
    path = tmp_path / "learning.md"
    path.write_text(f"Learning\n\n{text}\n", encoding="utf-8")
    with pytest.raises(IdentifierError, match=r"paragraph 2 \(as printed\)") as err:
        read_learning(path)
    assert "5919" not in str(err.value) and "nhs.net" not in str(err.value)


def test_an_actions_row_longer_than_its_header_is_refused(tmp_path: Path) -> None:
    # A row with more fields than the header (an unquoted comma in a cell) shifted its
    # columns: the first field became the row index and was lost, the others printed
    # under the wrong headings (an independent tester's case).
    actions = tmp_path / "actions.csv"
    actions.write_text("action,progress\nfoo,bar,extra\n", encoding="utf-8")
    with pytest.raises(CdopArgumentError, match=r"row 2 has 3 fields, the header 2"):
        read_actions(actions)


@pytest.mark.parametrize(
    "text",
    [
        "The family moved to LS6\u00a04AB.",
        "Call 943\u00a0476\u00a05919",
        "Call 943\u2013476\u20135919",
        "Rang 0113\u00a0496\u00a00000",
        "Rang 07700\u200b900123",
    ],
)
def test_identifiers_written_with_other_spaces_and_dashes_are_refused(
    tmp_path: Path, text: str
) -> None:
    # An independent tester published them in the chapter: the panel's files were scanned
    # without the folding the records' scan does (the NBSP turned into a plain space).
    path = tmp_path / "learning.md"
    path.write_text(f"Learning\n\n{text}\n", encoding="utf-8")
    with pytest.raises(IdentifierError, match="line 3"):
        read_learning(path)
    actions = tmp_path / "actions.csv"
    actions.write_text(f'action,progress\n"{text}",done\n', encoding="utf-8")
    with pytest.raises(IdentifierError, match="row 2, column action"):
        read_actions(actions)


def test_a_panel_name_holding_an_identifier_is_refused() -> None:
    from cdop._safe import check_name

    with pytest.raises(IdentifierError, match="panel: the name holds what looks like a phone"):
        check_name("Northmoor CDOP (0113 496 0000)", "panel")
    assert check_name("Northmoor CDOP 2024/25", "panel") == "Northmoor CDOP 2024/25"


def test_bad_panel_files_name_file_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "activity.csv"
    bad.write_text("year,measure,value\n2024/25,panel_meetings,twelve\n", encoding="utf-8")
    with pytest.raises(CdopArgumentError, match=r"row 2, column value: .*'twelve'"):
        read_panel_activity(bad)
    bad.write_text("year,measure,value\n2024/26,panel_meetings,1\n", encoding="utf-8")
    with pytest.raises(CdopArgumentError, match=r"row 2, column year"):
        read_panel_activity(bad)
    bad.write_text("year,measure,value\n2024/25,coffee,1\n", encoding="utf-8")
    with pytest.raises(CdopArgumentError, match=r"column measure: expected one of"):
        read_panel_activity(bad)
    # beyond 64 bits: an OverflowError once (an independent hostile-input test)
    bad.write_text("year,measure,value\n2024/25,panel_meetings,99999999999999999999999\n")
    with pytest.raises(CdopArgumentError, match=r"row 2, column value: .* too large"):
        read_panel_activity(bad)
    actions = tmp_path / "actions.csv"
    actions.write_text("task,progress\nx,y\n", encoding="utf-8")
    with pytest.raises(CdopArgumentError, match="has no column action"):
        read_actions(actions)
    actions.write_text("action,progress\n,y\n", encoding="utf-8")
    with pytest.raises(CdopArgumentError, match="row 2, column action"):
        read_actions(actions)
    with pytest.raises(CdopArgumentError, match="cannot read"):
        read_learning(tmp_path / "missing.md")
    _ = dt
