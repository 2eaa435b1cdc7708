"""Broken and unusual exports: every record accounted for (rows in = accepted + rejected),
no value reinterpreted without a warning naming the column and the rule, every problem a
message (file, row, rule), never a traceback or a leaked library warning."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import BIRTHS_CSV, NOTIFICATIONS_CSV, POPULATION_CSV, REVIEWS_CSV, TODAY, write_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cdop
from cdop.cli import main
from cdop.disclosure import DisclosureRules
from cdop.validation import validate

CLI = [sys.executable, "-m", "cdop.cli"]


def _failures(folder: Path, rule: str) -> pd.DataFrame:
    report = validate(folder, today=TODAY)
    return report.failures[report.failures["rule"] == rule]


def _accounted(report: cdop.ValidationReport, table: str, rows_in: int) -> None:
    """Rows in = rows accepted + rows rejected, for one table."""
    assert report.rows_read[table] == rows_in
    assert report.rows_accepted[table] + report.rows_rejected[table] == rows_in


# -- family 1: data never lost or changed silently ----------------------------------------
@pytest.mark.parametrize(
    ("table", "text", "bad"),
    [
        ("births", BIRTHS_CSV.replace("2023,3,1000", "2023,3,many"), "many"),
        ("population", POPULATION_CSV.replace("2023,1-4,20000", "2023,1-4,-5"), "-5"),
    ],
)
def test_lenient_denominator_with_one_bad_row_is_accounted_for(
    tmp_path: Path, table: str, text: str, bad: str
) -> None:
    """The example: in lenient mode a births table with one bad row vanished while
    ``rejected`` was empty."""
    folder = write_folder(tmp_path / "x", {f"{table}.csv": text})
    ds = cdop.read_dataset(folder, strict=False, today=TODAY)
    _accounted(ds.report, table, 5)
    rejected = ds.rejected[ds.rejected["table"] == table]
    assert len(rejected) == ds.report.rows_rejected[table] >= 1
    kept = ds.births if table == "births" else ds.population
    assert kept is None or len(kept) == 5 - len(rejected)


def test_extra_field_on_the_second_line_is_reported(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The example: one field too many on line 2 was dropped, 'OK', exit 0, and a pandas
    warning on stderr."""
    lines = NOTIFICATIONS_CSV.splitlines()
    lines[1] += ",surplus"
    folder = write_folder(tmp_path / "x", {"notifications.csv": "\n".join(lines) + "\n"})
    assert main(["validate", str(folder), "--today", TODAY.isoformat()]) == 1
    out, err = capfd.readouterr()
    assert "[malformed_row]" in out and "row 2" in out
    assert "Warning" not in err and "ParserWarning" not in err
    report = validate(folder, today=TODAY)
    _accounted(report, "notifications", 4)


def test_every_malformed_row_is_reported(tmp_path: Path) -> None:
    """The example: only the first of several malformed rows was reported."""
    lines = NOTIFICATIONS_CSV.splitlines()
    for i in (1, 3, 4):
        lines[i] += ",x,y"
    folder = write_folder(tmp_path / "x", {"notifications.csv": "\n".join(lines) + "\n"})
    bad = _failures(folder, "malformed_row")
    assert bad["row"].tolist() == [2, 4, 5]
    assert bad["message"].str.contains("more fields than the header").all()
    _accounted(validate(folder, today=TODAY), "notifications", 4)


def test_parquet_dates_stored_as_days_since_1970(tmp_path: Path) -> None:
    """The example: Parquet dates stored as integer days were read as Excel serials
    (deaths in the 1950s)."""
    notes = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV), dtype=str)
    epoch = pd.Timestamp("1970-01-01")
    expected = pd.to_datetime(notes["date_of_death"])
    for column in ("date_of_death", "date_notified"):
        notes[column] = (pd.to_datetime(notes[column]) - epoch).dt.days.astype("int64")
    folder = tmp_path / "x"
    folder.mkdir()
    notes.to_parquet(folder / "notifications.parquet")
    pd.read_csv(io.StringIO(REVIEWS_CSV), dtype=str).to_parquet(folder / "reviews.parquet")
    ds = cdop.read_dataset(folder, strict=False, today=TODAY)
    got = ds.notifications.set_index("case_id")["date_of_death"]
    pd.testing.assert_series_equal(
        pd.to_datetime(got.loc[notes["case_id"]]).reset_index(drop=True),
        expected.reset_index(drop=True),
        check_names=False,
        check_dtype=False,
    )
    warned = ds.report.warnings[ds.report.warnings["rule"] == "numeric_date"]
    assert sorted(warned["column"]) == ["date_notified", "date_of_death"]
    assert warned["message"].str.contains("days since 1 January 1970").all()


def test_one_windows_1252_byte_changes_nothing_else(tmp_path: Path) -> None:
    """The example: a single Windows-1252 byte in a UTF-8 file turned the whole file to
    mojibake, so one area became two."""
    text = NOTIFICATIONS_CSV.replace("Northmoor", "Ynys Môn")
    data = text.encode("utf-8")
    data = data.replace(b"Southvale,public", "Southvalé,public".encode("cp1252"))
    folder = write_folder(tmp_path / "x", {"notifications.csv": data})
    ds = cdop.read_dataset(folder, strict=False, today=TODAY)
    assert sorted(ds.notifications["residence_area"].unique()) == [
        "Southvale",
        "Southvalé",
        "Ynys Môn",
    ]
    warned = ds.report.warnings[ds.report.warnings["rule"] == "encoding"]
    assert warned["row"].tolist() == [4]
    assert "row 4" in warned["message"].iloc[0]


# -- family 2: malformed files give clear messages ----------------------------------------
def test_cr_only_line_endings(tmp_path: Path) -> None:
    """The example: CR-only line endings gave a _csv.Error traceback."""
    files = {
        "notifications.csv": NOTIFICATIONS_CSV.replace("\n", "\r").encode(),
        "reviews.csv": REVIEWS_CSV.replace("\n", "\r").encode(),
    }
    folder = write_folder(tmp_path / "x", files)
    report = validate(folder, today=TODAY)
    assert report.ok, report.summary()
    assert report.rows_read["notifications"] == 4 and report.rows_read["reviews"] == 3


def test_huge_header_cell(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """The example: a header cell over 128 KiB gave a _csv.Error traceback."""
    text = NOTIFICATIONS_CSV.replace("expected_death\n", "expected_death," + "h" * 200_000 + "\n")
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    code = main(["validate", str(folder), "--today", TODAY.isoformat()])
    out, err = capfd.readouterr()
    assert code in (0, 1)
    assert "Traceback" not in err and "field larger than field limit" not in out + err


def test_utf16_export_is_read(tmp_path: Path) -> None:
    """The example: a UTF-16 export ('Unicode Text' in Excel) was called a binary file."""
    files = {
        "notifications.csv": NOTIFICATIONS_CSV.replace(",", "\t").encode("utf-16"),
        "reviews.csv": REVIEWS_CSV.encode("utf-16-le"),
    }
    folder = write_folder(tmp_path / "x", files)
    report = validate(folder, today=TODAY)
    assert report.rows_read == {"notifications": 4, "reviews": 3, **_others(report)}
    assert report.ok, report.summary()
    delimiter = report.warnings[report.warnings["rule"] == "delimiter"]
    assert delimiter["message"].str.contains("tab").all() and len(delimiter) == 1


def _others(report: cdop.ValidationReport) -> dict[str, int]:
    return {t: n for t, n in report.rows_read.items() if t not in ("notifications", "reviews")}


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_semicolon_or_tab_files_are_read_and_said_so(
    tmp_path: Path, delimiter: str, name: str
) -> None:
    """The example: a semicolon or tab file gave missing-column errors with no hint."""
    files = {
        "notifications.csv": NOTIFICATIONS_CSV.replace(",", delimiter),
        "reviews.csv": REVIEWS_CSV,
    }
    report = validate(write_folder(tmp_path / "x", files), today=TODAY)
    assert report.ok, report.summary()
    assert report.rows_read["notifications"] == 4
    hint = report.warnings[report.warnings["rule"] == "delimiter"]
    assert hint["message"].str.contains(f"the {name} as the delimiter").all()


def test_title_rows_above_an_excel_header(tmp_path: Path) -> None:
    """The example: title rows above the header gave ten blank_header errors, no hint."""
    notes = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV), dtype=str)
    reviews = pd.read_csv(io.StringIO(REVIEWS_CSV), dtype=str)
    book = tmp_path / "export.xlsx"
    with pd.ExcelWriter(book) as writer:
        notes.to_excel(writer, sheet_name="notifications", index=False, startrow=3)
        reviews.to_excel(writer, sheet_name="reviews", index=False)
    import openpyxl

    wb = openpyxl.load_workbook(book)
    wb["notifications"]["A1"] = "Child deaths notified, 2023/24"
    wb["notifications"]["A2"] = "Source: case management system"
    wb.save(book)
    report = validate(book, today=TODAY)
    assert report.ok, report.summary()
    assert report.rows_read["notifications"] == 4
    hint = report.warnings[report.warnings["rule"] == "title_rows"]
    assert hint["message"].str.contains("headings are on row 4").all()
    assert not (report.failures["rule"] == "blank_header").any()


def test_failures_in_an_excel_sheet_below_title_rows_name_the_sheet_row(tmp_path: Path) -> None:
    notes = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV), dtype=str)
    notes.loc[2, "sex"] = "robot"
    book = tmp_path / "export.xlsx"
    with pd.ExcelWriter(book) as writer:
        notes.to_excel(writer, sheet_name="notifications", index=False, startrow=2)
        pd.read_csv(io.StringIO(REVIEWS_CSV), dtype=str).to_excel(
            writer, sheet_name="reviews", index=False
        )
    import openpyxl

    wb = openpyxl.load_workbook(book)
    wb["notifications"]["A1"] = "Title"
    wb.save(book)
    report = validate(book, today=TODAY)
    bad = report.failures[report.failures["value"] == "robot"]
    assert bad["row"].tolist() == [6]  # headings on row 3, the third record on row 6


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("map.csv", b"", "is empty"),
        ("map.csv", b'"Kid Sex,sex\n', "cannot be read as CSV"),
        ("map.csv", "Kid Sèx,sex\n".encode("cp1252"), "is not UTF-8"),
        ("map.csv", b"Kid Sex,\n", "row 1: expected two values"),
        ("map.csv", b"Kid Sex,sex\nKid Sex,ethnicity\n", "mapped twice"),
        ("map.json", b"", "is empty"),
        ("map.json", b'{"Kid Sex": ""}', "none blank"),
    ],
)
def test_bad_column_map_files(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    words: str,
) -> None:
    """The example: an empty, badly quoted, non-UTF-8 or blank-celled --column-map file
    gave tracebacks."""
    folder = write_folder(tmp_path / "x")
    mapping = tmp_path / name
    mapping.write_bytes(content)
    assert main(["validate", str(folder), "--column-map", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1


def test_no_library_warning_leaks_to_stderr(tmp_path: Path) -> None:
    """The example: pandas warnings leaked to stderr. Run as a user would, in a fresh
    process, on a file with a ragged first row and a Windows-1252 byte."""
    lines = NOTIFICATIONS_CSV.splitlines()
    lines[1] += ",surplus"
    data = ("\n".join(lines) + "\n").encode().replace(b"Southvale", "Sóuthvale".encode("cp1252"))
    folder = write_folder(tmp_path / "x", {"notifications.csv": data})
    done = subprocess.run(
        [*CLI, "validate", str(folder), "--today", TODAY.isoformat()],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )
    assert done.returncode == 1
    assert done.stderr == "", done.stderr


def test_year_outside_the_data_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The example: --year outside the data wrote a chapter of zeros with exit 0."""
    out = tmp_path / "r"
    assert main(["report", "--year", "2031/32", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "2031/32 is outside the data, which cover 2017/18 to 2024/25" in err
    assert len(err.splitlines()) == 1
    assert not out.exists()


def test_no_warning_is_turned_into_an_error_for_users() -> None:
    """Reading a clean export raises no warning at all (so none can leak)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cdop.load_sample()
    assert dt.date(2026, 1, 1) == TODAY


_PIECES = st.sampled_from(
    [b",", b"\r", b"\n", b"\r\n", b'"', b";", b"\t", b"\x00", b"\xff", b"\xe9", b"\xef\xbb\xbf"]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, 10_000), _PIECES), max_size=6),
    utf16=st.booleans(),
)
def test_damaged_csv_bytes_never_escape(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[int, bytes]], utf16: bool
) -> None:
    """Random damage to the bytes of an export (delimiters, quotes, line ends, zero and
    non-UTF-8 bytes): validation returns a report, never raises, and every record read is
    accepted or rejected."""
    data = NOTIFICATIONS_CSV.encode()
    for at, piece in edits:
        at %= len(data) + 1
        data = data[:at] + piece + data[at:]
    if utf16:
        data = data.decode("utf-8", errors="replace").encode("utf-16")
    folder = write_folder(tmp_path_factory.mktemp("bytes"), {"notifications.csv": data})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no library warning either
        report = validate(folder, today=TODAY)
    for table, n in report.rows_read.items():
        assert report.rows_accepted[table] + report.rows_rejected[table] == n


# -- absurd values and hostile text: a message, never a traceback -------------------------
# (each found by an independent hostile-input test, which got a raw traceback or, for the
# escape sequence, a terminal acting on a value)
@pytest.mark.parametrize("threshold", [2**63 - 1, 1_000_001])
def test_a_threshold_beyond_any_policy_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], threshold: int
) -> None:
    with pytest.raises(cdop.CdopArgumentError, match="threshold must be at most 1,000,000"):
        DisclosureRules(threshold=threshold)
    code = main(["report", "--threshold", str(threshold), "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err and "at most 1,000,000" in err


@pytest.mark.parametrize("value", ["9300000000000000000", "99999999999999999999999"])
def test_a_number_too_large_to_be_a_count_is_a_failure(tmp_path: Path, value: str) -> None:
    text = BIRTHS_CSV.replace("2023,3,1000", f"2023,3,{value}")
    folder = write_folder(tmp_path / "x", {"births.csv": text})
    report = validate(folder, today=TODAY)
    bad = report.failures[report.failures["rule"] == "out_of_range"]
    assert bad["value"].tolist() == [value]
    assert "too large to be a count" in bad["message"].iloc[0]
    _accounted(report, "births", BIRTHS_CSV.count("\n") - 1)


def test_a_value_with_escape_sequences_is_printed_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "\x1b[2J\x1b]0;PWN\x07male"
    text = NOTIFICATIONS_CSV.replace(",male,", f",{hostile},", 1)
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    main(["validate", str(folder)])
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "\x1b" not in printed and "\x07" not in printed
    assert "'\\x1b[2J\\x1b]0;PWN\\x07male'" in printed
    # the failures table keeps the value as it was (it is data, not a message)
    report = validate(folder, today=TODAY)
    assert hostile in report.failures["value"].tolist()


def test_a_string_that_is_not_text_in_a_dataframe_is_named() -> None:
    from conftest import frames

    tables = frames()
    column = tables["notifications"]["ethnicity"].astype(object)
    column[1] = "wh\ud800ite"  # a lone surrogate (bytes decoded with surrogateescape)
    tables["notifications"]["ethnicity"] = column
    report = validate(tables, today=TODAY)
    assert not report.ok
    [message] = report.failures.loc[report.failures["rule"] == "unreadable_file", "message"]
    assert "column 'ethnicity', position 1 holds a character that is not text" in message


def test_a_previous_folder_that_is_not_a_chapter_gives_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_folder(tmp_path / "data")
    previous = tmp_path / "previous"
    (previous / "tables").mkdir(parents=True)
    (previous / "chapter.md").write_bytes(b"# Child death review \xff annual report 2023/24\n")
    code = main(
        ["report", "--data", str(data), "--previous", str(previous), "--out", str(tmp_path / "x")]
    )
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err and "cannot be read" in err
    (previous / "chapter.md").write_text("# Child death review: annual report 2023/24\n")
    (previous / "tables" / "activity.csv").write_text('a,b\n"1,2\n3,4\n')
    code = main(
        ["report", "--data", str(data), "--previous", str(previous), "--out", str(tmp_path / "x")]
    )
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err and "cannot be read as a table" in err


@pytest.mark.parametrize(
    "name",
    ["North\u202emoor", "North\x1b[31mmoor", "North\u200bmoor", "N" * 201],
)
def test_an_area_name_unfit_for_a_report_is_read_as_missing_with_a_warning(
    tmp_path: Path, name: str
) -> None:
    # A right-to-left override in residence_area was published in every format of a
    # panel's chapter (only area chapters checked names).
    text = NOTIFICATIONS_CSV.replace(",Northmoor,", f",{name},", 1)
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    report = validate(folder, today=TODAY)
    warned = report.failures[report.failures["rule"] == "unfit_name"]
    assert warned["row"].tolist() == [2] and warned["severity"].tolist() == ["warning"]
    assert "Read as missing" in warned["message"].iloc[0]
    _accounted(report, "notifications", 4)
    ds = cdop.read_dataset(folder, strict=False, today=TODAY)
    assert ds.notifications["residence_area"].isna().tolist() == [True, False, False, False]


@pytest.mark.parametrize("name", ["All  areas", "All\u00a0areas", " all areas "])
def test_an_area_named_like_all_areas_is_refused(name: str) -> None:
    from cdop.report._areas import check_areas

    with pytest.raises(cdop.CdopArgumentError, match="for the areas together"):
        check_areas(["Northmoor", name], "residence_area")


def test_a_previous_folder_without_tables_of_counts_is_refused_not_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An earlier chapter's folder whose tables/ is empty was accepted and protected
    # nothing (the chapter was the same as without it); one written without CSV was
    # refused without saying that CSV tables are what is read (an independent tester).
    data = write_folder(tmp_path / "data")
    previous = tmp_path / "previous"
    previous.mkdir()
    (previous / "chapter.md").write_text("# Child death review: annual report 2023/24\n")
    args = ["report", "--data", str(data), "--previous", str(previous)]
    assert main([*args, "--out", str(tmp_path / "x")]) != 0
    err = capsys.readouterr().err
    assert "with its CSV tables (every format, or --format including csv)" in err
    (previous / "tables").mkdir()
    assert main([*args, "--out", str(tmp_path / "y")]) != 0
    err = capsys.readouterr().err
    assert "holds no table of counts cdop wrote" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
