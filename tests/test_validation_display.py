"""What a coordinator sees: counts by column and rule, root causes first, the cell text."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
from conftest import NOTIFICATIONS_CSV, REVIEWS_CSV, TODAY, frames, write_folder

import cdop


def _broken_folder(tmp_path: Path) -> Path:
    # Three deaths with "N/A" as date of death (rows 2-4), so their three reviews are
    # rejected with them; and one unknown sex (row 5).
    notes = (
        NOTIFICATIONS_CSV.replace("A001,2023-04-03", "A001,N/A")
        .replace("A002,2023-05-10", "A002,N/A")
        .replace("A003,2023-07-21", "A003,N/A")
        .replace("female,not_stated", "banana,not_stated")
    )
    return write_folder(tmp_path / "x", {"notifications.csv": notes})


def test_summary_table_counts_by_column_and_rule(tmp_path: Path) -> None:
    report = cdop.validate(_broken_folder(tmp_path), today=TODAY)
    table = report.summary_table()
    # Hand count: 3 required (rows 2-4, example 'N/A'), 1 invalid sex (row 5), then the
    # 3 reviews rejected with their notifications, last although more numerous.
    assert table[["table", "column", "rule", "rows", "first_row", "example"]].values.tolist() == [
        ["notifications", "date_of_death", "required", 3, 2, "N/A"],
        ["notifications", "sex", "invalid_code", 1, 5, "banana"],
        ["reviews", "case_id", "notification_rejected", 3, 2, "A001"],
    ]


def test_root_causes_come_before_knock_on_failures(tmp_path: Path) -> None:
    report = cdop.validate(_broken_folder(tmp_path), today=TODAY)
    rules = report.errors["rule"].tolist()
    assert rules == ["required"] * 3 + ["invalid_code"] + ["notification_rejected"] * 3
    text = report.summary(max_listed=2)
    assert text.index("[required]") < text.index("[notification_rejected]")
    assert "'N/A' is missing" in text  # the cell text, as in the file


def test_short_repr_and_compact_html(tmp_path: Path) -> None:
    report = cdop.validate(_broken_folder(tmp_path), today=TODAY)
    assert repr(report) == (
        "<ValidationReport: 7 errors, 0 warnings; notifications 4 read, 4 rejected; "
        "reviews 3 read, 3 rejected; births 5 read, 0 rejected; population 5 read, 0 rejected>"
    )
    html = report._repr_html_()
    # The summary first: counts, then by table, column and rule, then the first failures.
    assert html.index("7 error(s) and 0 warning(s)") < html.index("<table")
    assert html.index("Records read") < html.index("By table, column and rule")
    assert "notification_rejected" in html
    # 4 tables read + header; 3 summary rows + header; 7 failures + header.
    assert html.count("<tr") == 5 + 4 + 8
    assert "No failures." in cdop.validate(write_folder(tmp_path / "ok"), today=TODAY)._repr_html_()


def test_command_line_summary(tmp_path: Path) -> None:
    folder = _broken_folder(tmp_path)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdop.cli",
            "validate",
            str(folder),
            "--summary",
            "--today",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0].split() == [
        "severity",
        "table",
        "column",
        "rule",
        "rows",
        "first_row",
        "example",
    ]
    assert lines[1].split() == [
        "error",
        "notifications",
        "date_of_death",
        "required",
        "3",
        "2",
        "N/A",
    ]


def _workbook_with_blank_rows() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for i, line in enumerate(NOTIFICATIONS_CSV.strip().split("\n")):
        sheet.append([int(v) if v.isdigit() else v for v in line.split(",")])
        if i == 1:
            sheet.append([])
    sheet.append([])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_blank_rows_are_handled_the_same_for_dataframes_and_files(tmp_path: Path) -> None:
    data = _workbook_with_blank_rows()
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notifications.xlsx").write_bytes(data)
    (tmp_path / "x" / "reviews.csv").write_text(REVIEWS_CSV)
    from_file = cdop.read_dataset(tmp_path / "x", today=TODAY)
    tables = frames()
    tables["notifications"] = pd.read_excel(io.BytesIO(data))  # as a user would read it
    from_frame = cdop.read_dataset(tables, today=TODAY)
    assert len(from_file.notifications) == len(from_frame.notifications) == 4
    blank_file = from_file.report.warnings.query("rule == 'blank_row'")["row"].tolist()
    blank_frame = from_frame.report.warnings.query("rule == 'blank_row'")["row"].tolist()
    assert blank_file == [3]  # file row 3 (header = row 1)
    assert blank_frame == [1]  # the DataFrame's index of the same row


def test_a_failure_of_a_file_as_a_whole_is_summarised_without_rows(tmp_path: Path) -> None:
    # "ERROR reviews: [missing_table] 1 row(s), e.g. (blank)" for a table not found, and
    # "WARNING : [sheet_not_read] ..." with no table (an independent tester's finding)
    folder = write_folder(tmp_path / "x", {"reviews.csv": None})
    summary = cdop.validate(folder, today=TODAY).summary()
    assert "  ERROR   reviews: [missing_table] a file or sheet as a whole\n" in summary
    assert "row(s)" not in summary
    missing = cdop.validate(tmp_path / "nowhere", today=TODAY).summary()
    assert "  ERROR   source: [missing_source] a file or sheet as a whole\n" in missing
