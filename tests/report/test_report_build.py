"""The chapter built on the sample: every format written, tables equal to the analytics,
disclosure control holding in every published output, identical bytes on rebuild."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import cdop
from cdop import analytics
from cdop.cli import main
from cdop.report import build, build_chapter

YEAR = "2024/25"
THRESHOLD = 5
_COUNT = re.compile(r"^(\d{1,3}(?:,\d{3})*)(?: \(\d+%\))?$")
_OF = re.compile(r"^(\d+) of \d+$")


@pytest.fixture(scope="module")
def sample() -> cdop.Dataset:
    return cdop.load_sample()


@pytest.fixture(scope="module")
def built(sample: cdop.Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "report"
    build(sample, out=out, year=YEAR, date=dt.date(2026, 11, 25))
    return out


def _table(chapter: cdop.report.Chapter, table_id: str) -> cdop.report.ReportTable:
    (table,) = [t for t in chapter.tables if t.id == table_id]
    return table


def test_every_format_is_written(built: Path) -> None:
    for name in ("chapter.md", "chapter.html", "chapter.docx", "chapter.xlsx"):
        assert (built / name).stat().st_size > 1000, name
    chapter = build_chapter(cdop.load_sample(), year=YEAR)
    for table in chapter.tables:
        assert (built / "tables" / f"{table.id}.csv").is_file()
    for figure in chapter.figures:
        assert (built / "figures" / f"{figure.id}.png").read_bytes().startswith(b"\x89PNG")
        assert b"<svg" in (built / "figures" / f"{figure.id}.svg").read_bytes()[:500]


def test_rebuild_gives_identical_bytes(sample: cdop.Dataset, built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(sample, out=again, year=YEAR, date=dt.date(2026, 11, 25))
    first = sorted(p.relative_to(built) for p in built.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    for rel in first:
        assert (built / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_activity_table_equals_analytics(sample: cdop.Dataset) -> None:
    chapter = build_chapter(sample, year=YEAR)
    table = _table(chapter, "activity")
    act = analytics.activity(sample).set_index("period")
    for row in table.rows:
        year, notified, reviews, still_open = row
        expected = act.loc[year]
        for cell, value in (
            (notified, expected["notifications"]),
            (reviews, expected["reviews"]),
            (still_open, expected["open_at_end"]),
        ):
            count = int(value)
            assert cell == ("*" if 1 <= count <= THRESHOLD else f"{count:,}")


def test_duration_table_equals_analytics(sample: cdop.Dataset) -> None:
    # One table of duration bands whose rows add up to the national bands: each row is
    # checked against the analytics' own presets (the national bands and the report's
    # complete-month bands), computed independently of the chapter's bands.
    chapter = build_chapter(sample, year=YEAR)
    table = _table(chapter, "review_durations")
    assert not [t for t in chapter.tables if t.id == "review_durations_detail"]
    years = ["2022/23", "2023/24", "2024/25"]
    assert table.header[1:4] == tuple(years)
    assert [r[0] for r in table.rows] == [
        "Under 6 months",
        "6-7 months",
        "8-9 months",
        "10 to 12 months",
        "Over 12 months",
        "Total reviews",
    ]
    national = analytics.review_durations(sample, "national", years=years)
    report = analytics.review_durations(sample, "report", years=years)

    def n(data: pd.DataFrame, band: str, year: str) -> int:
        match = data[(data["band"].astype(str) == band) & (data["period"].astype(str) == year)]
        return int(match["numerator"].sum())

    tidy = table.tidy
    for year in years:
        expected = {
            "Under 6 months": n(national, "Under 6 months", year),
            "6-7 months": n(report, "6-7 months", year),
            "8-9 months": n(report, "8-9 months", year),
            "Over 12 months": n(national, "Over 12 months", year),
        }
        # 10 to 12 months: the rest of the national "6 to 12 months".
        expected["10 to 12 months"] = (
            n(national, "6 to 12 months", year) - expected["6-7 months"] - expected["8-9 months"]
        )
        total = sum(expected.values())
        for band, count in expected.items():
            row = tidy[(tidy["band"] == band) & (tidy["period"] == year)].iloc[0]
            assert row["year"] == int(year[:4])
            (cells,) = [r for r in table.rows if r[0] == band]
            cell = cells[1 + years.index(year)]
            if row["suppressed"]:
                assert pd.isna(row["count"]) and cell == "*"
                continue
            assert row["count"] == count
            assert cell == f"{count} ({100 * count / total:.0f}%)"
    total_row = table.rows[-1]
    reviews = analytics.activity(sample).set_index("period")["reviews"]
    assert total_row[1:4] == tuple(f"{reviews[y]}" for y in years)


def test_breakdown_tables_equal_analytics(sample: cdop.Dataset) -> None:
    chapter = build_chapter(sample, year=YEAR)
    years = ["2022/23", "2023/24", "2024/25"]
    # Rows that merge sparse levels, written out here: label -> the codes it adds up.
    merged = {
        "Indeterminate or not stated": ("indeterminate", "not_stated"),
        "Other, not stated or not known": ("other", "not_stated"),
        "5-14 years": ("5-9 years", "10-14 years"),
        "Elsewhere or not stated": ("abroad", "other", "not_stated"),
        "Unexpected or not stated": ("unexpected", "not_stated"),
    }
    for table_id, variable in (
        ("sex", "sex"),
        ("ethnicity", "ethnicity"),
        ("age_group", "age_group"),
        ("category", "category"),
        ("place_of_death", "place_of_death"),
        ("expected_death", "expected_death"),
    ):
        table = _table(chapter, table_id)
        data = analytics.breakdown(sample, variable, years=years)
        data = data.assign(label=data["period"].astype(str), code=data[variable].astype(str))
        published = table.tidy
        visible = published[~published["suppressed"]]
        assert not visible.empty
        for row in visible.itertuples():
            level = str(getattr(row, variable))
            if level == "Total":  # the published total: every level of the year
                part = data[data["label"] == row.period]
                assert int(row.count) == int(part["numerator"].sum()), (table_id, row.period)
                continue
            if level in merged:
                codes: tuple[str, ...] = merged[level]
            elif table_id == "category":
                codes = (level.split(". ")[0],)
            elif table_id == "age_group":
                codes = (level,)
            else:  # "Not stated or known" -> not_stated, "Public place" -> public_place
                codes = (
                    {"Not stated or known": "not_stated"}.get(level)
                    or level.lower().replace(" ", "_"),
                )
            part = data[(data["label"] == row.period) & data["code"].isin(codes)]
            assert int(row.count) == int(part["numerator"].sum()), (table_id, level, row.period)


def test_infant_mortality_table_equals_analytics(sample: cdop.Dataset) -> None:
    chapter = build_chapter(sample, year=YEAR)
    table = _table(chapter, "infant_mortality_deprivation")
    rates = analytics.infant_mortality(sample, pool=3)
    rates = rates[rates["imd_quintile"].notna()]
    for rec in rates.itertuples():
        (row,) = [r for r in table.rows if r[0] == str(rec.period)]
        cell = row[int(rec.imd_quintile)]
        if rec.numerator < 3:
            assert cell == "*"
        else:
            assert cell.startswith(f"{rec.value:.1f} ({rec.lower_ci:.1f} to {rec.upper_ci:.1f})")
            assert cell.endswith(" u") == (rec.numerator < 20)


# -- disclosure control in every published format -----------------------------------------
def _cells_md(path: Path) -> list[str]:
    text = path.read_text().replace("\\*", "*")  # Markdown escapes the marker
    return [
        c.strip()
        for line in text.splitlines()
        if line.startswith("|")
        for c in line.strip("|").split("|")
    ]


NBSP = "\u00a0"


def _cells_html(path: Path) -> list[str]:
    from html.parser import HTMLParser

    cells: list[str] = []

    class Cells(HTMLParser):
        """The cells as a sighted reader sees them (words only for screen readers left out)."""

        inside = False
        hidden = False
        text = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in {"td", "th"}:
                self.inside, self.text = True, ""
            if tag == "span" and ("class", "visually-hidden") in attrs:
                self.hidden = True

        def handle_endtag(self, tag: str) -> None:
            if tag in {"td", "th"}:
                self.inside = False
                cells.append(self.text.strip())
            if tag == "span":
                self.hidden = False

        def handle_data(self, data: str) -> None:
            if self.inside and not self.hidden:
                self.text += data

    Cells().feed(path.read_text())
    return cells


def _cells_docx(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    return [
        cell.text.strip() for table in document.tables for row in table.rows for cell in row.cells
    ]


def _cells_xlsx(path: Path) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return [
        str(v).strip()
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]


def _small_counts(cells: list[str]) -> list[str]:
    bad = []
    for cell in cells:
        match = _COUNT.match(cell) or _OF.match(cell)
        if match and 1 <= int(match.group(1).replace(",", "")) <= THRESHOLD:
            bad.append(cell)
    return bad


@pytest.mark.parametrize("reader", [_cells_md, _cells_html, _cells_docx])
def test_no_small_count_is_published(built: Path, reader: object) -> None:
    name = {
        "_cells_md": "chapter.md",
        "_cells_html": "chapter.html",
        "_cells_docx": "chapter.docx",
    }[reader.__name__]  # type: ignore[attr-defined]
    cells = reader(built / name)  # type: ignore[operator]
    assert len(cells) > 200
    assert "*" in cells
    assert _small_counts(cells) == []


#: The columns of a published CSV file or Excel sheet that hold counts of deaths or reviews.
_COUNT_COLUMNS = ("count", "numerator", "denominator")
#: Names the published tables used before the shared vocabulary (docs/vocabulary.md).
_OLD_PUBLISHED = {
    "n",
    "percent",
    "deaths",
    "live_births",
    "population",
    "reviews",
    "rate_per_1000",
    "rate_per_100000",
    "england_rate",
    "england_percent",
    "england_period",
}


def _xlsx_tables(path: Path) -> dict[str, pd.DataFrame]:
    """The table sheets of the workbook as frames (header under the caption and stamp)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for sheet in book.worksheets[1:]:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        h = next(i for i, r in enumerate(rows) if r and "suppressed" in r)
        body = []
        for r in rows[h + 1 :]:
            if not any(v is not None for v in r):
                break
            body.append(r[: len(rows[h])])
        out[sheet.title] = pd.DataFrame(body, columns=rows[h])
    return out


def test_every_table_of_counts_says_their_period(built: Path) -> None:
    """A CSV row of counts carries the period it counts (a year, or a pooled period such
    as "2020/21 to 2022/23") and its start year, so that a table read on its own (the
    pooled tables by age, category, factor and circumstance included) says what it
    covers."""
    checked = 0
    for path in sorted((built / "tables").glob("*.csv")):
        frame = pd.read_csv(path)
        if not {"count", "numerator"} & set(frame.columns):
            continue
        assert {"year", "period"} <= set(frame.columns), (path.name, list(frame.columns))
        labelled = frame[frame["period"] != "Total"]
        assert labelled["period"].notna().all(), path.name
        starts = labelled["period"].astype(str).str.slice(0, 4).astype(int)
        assert (starts == labelled["year"].astype(int)).all(), path.name
        checked += 1
    pooled = pd.read_csv(built / "tables" / "category_age.csv")
    assert set(pooled["period"]) == {"2020/21 to 2022/23"} and set(pooled["year"]) == {2020}
    assert checked > 20


def test_no_small_count_in_csv_or_excel_tables(built: Path) -> None:
    # Machine-readable tables: counts are numbers, a hidden count is empty with its row
    # flagged, never the marker in a numeric column and never a count from 1 to 5.
    tables = {f"csv {p.stem}": pd.read_csv(p) for p in sorted((built / "tables").glob("*.csv"))}
    tables |= {f"xlsx {k}": v for k, v in _xlsx_tables(built / "chapter.xlsx").items()}
    assert len(tables) > 20
    flagged = 0
    for name, frame in tables.items():
        assert "suppressed" in frame.columns, name
        assert not set(frame.columns) & _OLD_PUBLISHED, (name, list(frame.columns))
        if "year" in frame.columns:  # the start year of the period label beside it
            years = pd.to_numeric(frame["year"], errors="raise").dropna()
            assert (years % 1 == 0).all() and years.between(2000, 2100).all(), name
            assert "period" in frame.columns, name
        for column in ("value", "lower_ci", "upper_ci"):
            if column in frame.columns:
                assert pd.api.types.is_numeric_dtype(frame[column].dtype), (name, column)
        flags = frame["suppressed"].astype(bool)
        flagged += int(flags.sum())
        for column in _COUNT_COLUMNS:
            if column not in frame.columns:
                continue
            values = pd.to_numeric(frame[column], errors="raise")  # no marker, no text
            assert not values.between(1, THRESHOLD).any(), (name, column)
            empty = values.isna()
            if column == "denominator" and "value" in frame.columns:
                # A group with no denominator (no population) is not applicable, not hidden:
                # it then has no rate either (docs/vocabulary.md).
                not_applicable = empty & ~flags
                assert frame.loc[not_applicable, "value"].isna().all(), (name, column)
                empty &= flags | frame["value"].notna()
            assert flags[empty].all(), (name, column)
    assert flagged > 20


def _recover(
    grid: list[list[int | None]], row_totals: list[int] | None, col_totals: list[int] | None
) -> set[tuple[int, int]]:
    """Independent attacker: repeatedly solve any row or column with one unknown cell."""
    cells = [list(r) for r in grid]
    found: set[tuple[int, int]] = set()
    changed = True
    while changed:
        changed = False
        lines = []
        if row_totals is not None:
            lines += [
                ([(i, j) for j in range(len(cells[0]))], row_totals[i]) for i in range(len(cells))
            ]
        if col_totals is not None:
            lines += [
                ([(i, j) for i in range(len(cells))], col_totals[j]) for j in range(len(cells[0]))
            ]
        for members, total in lines:
            unknown = [(i, j) for i, j in members if cells[i][j] is None]
            if len(unknown) == 1 and total is not None:  # a hidden total gives nothing
                i, j = unknown[0]
                cells[i][j] = total - sum(cells[a][b] or 0 for a, b in members if (a, b) != (i, j))
                found.add((i, j))
                changed = True
    return found


def test_no_hidden_cell_can_be_recovered_from_totals(sample: cdop.Dataset) -> None:
    chapter = build_chapter(sample, year=YEAR)
    checked = 0
    for table in chapter.tables:
        if "suppressed" not in table.tidy.columns or not table.tidy["suppressed"].any():
            continue
        has_total_row = table.rows[-1][0] in {"Total", "Total reviews"}
        has_total_col = "Reviews" in table.header
        body = table.rows[:-1] if has_total_row else table.rows
        n_cols = len(table.header) - 1 - (1 if has_total_col else 0)
        # only the count columns: not England's figures, nor denominators and rates
        n_cols -= sum(
            1 for h in table.header if h.startswith(("England", "Children aged", "Rate per"))
        )

        def value(cell: str) -> int | None:
            return None if cell == "*" else int(cell.split(" ")[0].replace(",", ""))

        grid = [[value(c) for c in row[1 : 1 + n_cols]] for row in body]
        cols = [value(c) for c in table.rows[-1][1 : 1 + n_cols]] if has_total_row else None
        rows = [value(row[1 + n_cols]) for row in body] if has_total_col else None
        assert _recover(grid, rows, cols) == set(), table.id  # type: ignore[arg-type]
        checked += 1
    assert checked >= 3


def test_no_suppress_stamps_every_output(sample: cdop.Dataset, tmp_path: Path) -> None:
    out = tmp_path / "open"
    build(sample, out=out, year=YEAR, suppress=False)
    assert "NOT FOR PUBLICATION" in (out / "chapter.md").read_text()
    assert "NOT FOR PUBLICATION" in (out / "chapter.html").read_text()
    for name in ("chapter.docx", "chapter.xlsx"):
        with zipfile.ZipFile(out / name) as zf:
            text = "".join(
                zf.read(n).decode("utf-8", "ignore") for n in zf.namelist() if n.endswith(".xml")
            )
        assert "NOT FOR PUBLICATION" in text, name
    assert "NOT FOR PUBLICATION" in (out / "tables" / "README.txt").read_text()
    assert _small_counts(_cells_md(out / "chapter.md"))  # small counts are shown


# -- command line ----------------------------------------------------------------------------
def test_cli_report_on_sample(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert main(["report", "--out", str(out), "--format", "md,csv", "--quiet"]) == 0
    assert (out / "chapter.md").is_file()
    assert not (out / "chapter.docx").exists()


def test_cli_invalid_input_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    cdop.write_sample(data)
    text = (data / "notifications.csv").read_text().replace("male,white", "robot,white", 1)
    (data / "notifications.csv").write_text(text)
    out = tmp_path / "r"
    assert main(["report", "--data", str(data), "--out", str(out)]) == 1
    assert not out.exists()
    assert not list(tmp_path.glob(".cdop-*"))
    assert "invalid_code" in capsys.readouterr().err


def test_refuses_to_replace_a_folder_it_did_not_write(sample: cdop.Dataset, tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(cdop.CdopArgumentError, match="which cdop did not write"):
        build(sample, out=tmp_path, formats=["md"])
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_latest_complete_year() -> None:
    assert cdop.report.latest_complete_year(cdop.load_sample()) == 2024


def test_narrative_claims_follow_the_tests(sample: cdop.Dataset) -> None:
    chapter = build_chapter(sample, year=YEAR)
    text = " ".join(p for s in chapter.sections for p in s.paragraphs)
    child = analytics.compare_national(analytics.child_mortality(sample), "child_mortality_rate")
    last = child.iloc[-1]
    assert f"{last['value']:.1f} per 100,000" in text
    # No national rate for 2024/25 is published: the sentence says so, and tests nothing.
    assert not bool(last["like_for_like"])
    assert (f"child mortality rate was {last['value']:.1f} per 100,000 children") in text
    assert "with no comparable national figure (national figure for 2023/24, not 2024/25); " in text
    assert "England: 29.8 in 2023/24 (NCMD), for context only" in text
    # Modifiable factors in 2024/25 are tested against England's 2024/25 figure (48%).
    mod = analytics.breakdown(sample, "modifiable_factors", years=["2024/25"])
    yes = analytics.compare_national(mod, "reviews_with_modifiable_factors")
    yes = yes[yes["modifiable_factors"] == "yes"].iloc[0]
    assert bool(yes["like_for_like"])
    word = {
        "higher": "significantly higher than",
        "lower": "significantly lower than",
        "similar": "similar to",
    }[yes["comparison_95"]]
    assert f"{word} England (48% in 2024/25, NCMD)" in text
    # Every comparison word in the chapter comes with England's figure and its source.
    for phrase in (
        "significantly higher than the national",
        "significantly lower than the national",
        "the latest national figure",
    ):
        assert phrase not in text
    pd.testing.assert_index_equal(
        pd.Index([s.id for s in chapter.sections]),
        pd.Index(
            [
                "key_messages",
                "activity",
                "review_durations",
                "review_progress",
                "characteristics",
                "deaths_by_ethnicity",
                "deaths_by_area",
                "categories",
                "factors",
                "age_groups",
                "place",
                "infant_mortality",
                "sudi",
                "neonatal",
                "child_mortality",
                "panel_activity",
                # without chapter settings naming the panel's own text: learning left out
                "not_included",
            ]
        ),
    )


def test_word_and_excel_tables_match_the_chapter_cell_by_cell(built: Path) -> None:
    """Every table of the published Word file holds the chapter's cells; every table sheet
    of the Excel file holds the table's values, as its CSV file does."""
    import docx

    chapter = build_chapter(cdop.load_sample(), year=YEAR)
    sheets = _xlsx_tables(built / "chapter.xlsx")
    document = docx.Document(str(built / "chapter.docx"))
    # Word keeps a number and its interval on one line with no-break spaces, and splits a
    # table too wide for the page into parts that repeat its first column: read together.
    word_tables: list[list[tuple[str, ...]]] = []
    for found in document.tables:
        rows = [tuple(c.text.replace(NBSP, " ") for c in row.cells) for row in found.rows]
        previous = word_tables[-1] if word_tables else None
        caption = found._tbl.getprevious().xpath("string(.)")
        if previous is not None and "(continued)" in caption:
            assert [r[0] for r in rows] == [r[0] for r in previous]
            word_tables[-1] = [a + b[1:] for a, b in zip(previous, rows, strict=True)]
        else:
            word_tables.append(rows)
    for table in chapter.tables:
        expected = [table.header, *table.rows]
        assert expected in word_tables, table.id
        sheet = sheets[table.id[:31]]
        csv_file = pd.read_csv(built / "tables" / f"{table.id}.csv")
        assert list(sheet.columns) == list(table.tidy.columns) == list(csv_file.columns)
        assert len(sheet) == len(table.tidy) == len(csv_file), table.id
        for column in table.tidy.columns:
            mine, book, text = table.tidy[column], sheet[column], csv_file[column]
            if pd.api.types.is_numeric_dtype(mine.dtype) and not pd.api.types.is_bool_dtype(
                mine.dtype
            ):
                for a, b, c in zip(mine, book, text, strict=True):
                    if pd.isna(a):
                        assert pd.isna(b) and pd.isna(c), (table.id, column)
                    else:
                        assert float(b) == pytest.approx(float(a)) == pytest.approx(float(c))
            else:
                shown = ["" if pd.isna(v) else str(v) for v in mine]
                assert ["" if pd.isna(v) else str(v) for v in book] == shown, (table.id, column)


def _section(chapter: object, section_id: str) -> object:
    return next(s for s in chapter.sections if s.id == section_id)  # type: ignore[attr-defined]


def test_child_mortality_counts_deaths_by_date_of_death_and_marks_england_by_year(
    sample: cdop.Dataset,
) -> None:
    chapter = build_chapter(sample, year=YEAR)
    child = _section(chapter, "child_mortality")
    table = child.tables[0]  # type: ignore[attr-defined]
    assert any("by date of death (not by date of notification)" in n for n in table.notes)
    assert not any("latest national rate" in n for n in table.notes)
    assert any(
        n.startswith("England: 2023/24, National Child Mortality Database") for n in table.notes
    )
    # England is shown only for 2023/24, the one year it publishes a rate for.
    england = {row[0]: row[4] for row in table.rows}
    assert england == {
        "2020/21": "–",
        "2021/22": "–",
        "2022/23": "–",
        "2023/24": "29.8 (2023/24)",
        "2024/25": "–",
    }
    tidy = table.tidy  # type: ignore[attr-defined]
    assert tidy.loc[tidy["period"] != "2023/24", "national_value"].isna().all()
    assert tidy.loc[tidy["period"] == "2023/24", "national_value"].tolist() == [29.8]


@pytest.mark.filterwarnings("ignore::cdop.errors.DataQualityWarning")  # derived columns
def test_deaths_without_a_quintile_are_counted_in_a_note(sample: cdop.Dataset) -> None:
    tables = {
        name: getattr(sample, name).copy()
        for name in ("notifications", "reviews", "births", "population")
    }
    notes = tables["notifications"]
    infants = notes.index[
        (notes["age_at_death_days"] < 365) & (notes["date_of_death"].dt.year == 2024)
    ]
    for col in ("imd_quintile", "imd_decile", "lsoa_code"):
        if col in notes.columns:
            notes.loc[infants[:7], col] = pd.NA
    ds = cdop.read_dataset(tables, today=dt.date(2026, 1, 1))
    infant = _section(build_chapter(ds, year=YEAR), "infant_mortality")
    note = next(n for n in infant.tables[0].notes if n.startswith("Deaths with no deprivation"))  # type: ignore[attr-defined]
    assert note.endswith("2022-2024: 7.")
    assert "the rate ratio and the SII" in note


def test_rate_ratio_and_sii_are_both_reported_and_their_difference_explained(
    sample: cdop.Dataset,
) -> None:
    text = " ".join(_section(build_chapter(sample, year=YEAR), "infant_mortality").paragraphs)  # type: ignore[attr-defined]
    # In the sample 2022-2024 the ratio of the extreme fifths is significant, the SII is not.
    assert "a rate ratio of 2.18 (95% CI 1.10 to 4.33), a statistically significant" in text
    assert "slope index of inequality" in text and "not statistically significant" in text
    assert "the two measures differ because" in text
