"""CSV exports holding quotes read by Arrow as a stream, and by the text reader, alike.

Exports quote a field that holds the delimiter, a quote or a line break (Excel), or every
text field (R's write.csv, database exports). Arrow reads such a file as a stream of
blocks; the expected tables and failures below are written out by hand from the rules,
and every path (Arrow from the file, Arrow from decoded text, pandas) must give them.
Rows are numbered by record, the header being row 1: a record whose quoted note holds a
line break is one row.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import NOTIFICATIONS_CSV, TODAY, write_folder

from cdop import _read
from cdop.sample import generate_sample
from cdop.validation import Checked, check_source

_NOTIFICATIONS = (
    "Case ID,Date of Death,Date Notified,Age at Death (days),Gender,Ethnicity,"
    "Place of Death,Notes\n"
    'A001,03/04/2023,04/04/2023,2,M,White British,Hospital,"Seen in A&E, then the ward"\n'
    'A002,10/05/2023,10/05/2023,5 months,F,"Asian or Asian British: Indian",Home,'
    '"Family said ""no concerns""\nsecond line of the note"\n'
    'A003,21/07/2023,N/A,4000,Male,Black,"Public place",\n'
    'A004,31/02/2023,01/10/2023,30,Female,Not stated,"",""\n'
    '" A005 ",2023-09-30,2023-10-01,"1,200",female,white,hospital,"a, b"\n'
)
_REVIEWS = (
    "Case ID,Date of CDOP Panel,Category of Death,Modifiable Factors,Delay Reasons\n"
    'A001,20/10/2023,8,No,"inquest, police_investigation"\n'
    'A002,15/01/2024,"Category 10: Sudden unexpected, unexplained death",Yes,\n'
    'A003,01/06/2024,3,Insufficient information,""\n'
    "A004,01/06/2024,3,No,\n"
    "A009,01/06/2024,3,No,\n"
)

#: (severity, table, row, column, value, rule), in the report's order. Row 3 is A002
#: (its note spans two lines), row 4 A003 ("N/A" is no date), row 5 A004 (no 31 February);
#: the reviews of A003 and A004 go with their notifications, A009 has none.
_EXPECTED = [
    ("warning", "notifications", 1, "Notes", None, "unknown_column"),
    ("warning", "notifications", 3, "Age at Death (days)", "5 months", "age_in_words"),
    ("error", "notifications", 4, "Date Notified", "N/A", "required"),
    ("error", "notifications", 5, "Date of Death", "31/02/2023", "date_format"),
    ("error", "reviews", 6, "Case ID", "A009", "review_without_notification"),
    ("error", "reviews", 4, "Case ID", "A003", "notification_rejected"),
    ("error", "reviews", 5, "Case ID", "A004", "notification_rejected"),
]
_CP1252 = ("warning", "notifications", 2, None, None, "encoding")


def _check(folder: Path, path: str, monkeypatch: pytest.MonkeyPatch) -> Checked:
    """Check ``folder`` reading its CSV files by one path: ``"arrow"`` (whichever Arrow
    reader takes the file) or ``"pandas"`` (the text reader's last resort)."""
    with monkeypatch.context() as patch:
        if path == "pandas":
            patch.setattr(_read, "_read_clean_file", lambda *args: None)
            patch.setattr(_read, "_read_csv_arrow", lambda *args: None)
        return check_source(folder, today=TODAY)


def _streamed(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each call of the stream reader read its file (rather than declining it)."""
    calls: list[bool] = []
    real = _read._arrow_stream

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(_read, "_arrow_stream", spy)
    return calls


def _failures(checked: Checked) -> list[tuple[object, ...]]:
    frame = checked.report.failures[["severity", "table", "row", "column", "value", "rule"]]
    return [
        tuple(None if value is pd.NA or value != value else value for value in row)
        for row in frame.astype(object).itertuples(index=False)
    ]


def _same(left: Checked, right: Checked) -> None:
    assert left.tables.keys() == right.tables.keys()
    for table, frame in left.tables.items():
        pd.testing.assert_frame_equal(frame, right.tables[table])
    pd.testing.assert_frame_equal(left.report.failures, right.report.failures)
    pd.testing.assert_frame_equal(left.rejected, right.rejected)
    assert left.report.rows_read == right.report.rows_read
    assert left.report.rows_rejected == right.report.rows_rejected


@pytest.mark.parametrize("variant", ["utf-8 with a BOM", "CRLF", "Windows-1252"])
def test_a_quoted_export_reads_alike_by_arrow_and_pandas(
    variant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifications, reviews = _NOTIFICATIONS, _REVIEWS
    prefix, encoding = b"", "utf-8"
    if variant == "utf-8 with a BOM":
        prefix = b"\xef\xbb\xbf"
    if variant == "CRLF":
        notifications = notifications.replace("\n", "\r\n")
        reviews = reviews.replace("\n", "\r\n")
    if variant == "Windows-1252":  # Excel's "CSV": read as text, then by Arrow from the text
        notifications = notifications.replace("the ward", "the café")
        encoding = "cp1252"
    folder = write_folder(
        tmp_path / "export",
        {
            "notifications.csv": prefix + notifications.encode(encoding),
            "reviews.csv": reviews.encode(encoding),
            "births.csv": None,
            "population.csv": None,
        },
    )
    calls = _streamed(monkeypatch)
    by_arrow = _check(folder, "arrow", monkeypatch)
    assert calls.count(True) == 2  # both files, quoted, read by a stream reader
    by_pandas = _check(folder, "pandas", monkeypatch)
    expected = list(_EXPECTED)
    if variant == "Windows-1252":  # the é of the note on row 2
        expected.insert(1, _CP1252)
    for checked in (by_arrow, by_pandas):
        assert _failures(checked) == expected
        assert checked.report.rows_read == {"notifications": 5, "reviews": 5}
        assert checked.report.rows_rejected == {"notifications": 2, "reviews": 3}
        notes = checked.tables["notifications"]
        assert notes["case_id"].tolist() == ["A001", "A002", "A005"]
        # "5 months" is the first day of that age: ceil(5 x 30.4375) = 153 days;
        # "1,200" is a thousand and two hundred.
        assert notes["age_at_death_days"].tolist() == [2, 153, 1200]
        assert notes["sex"].astype(str).tolist() == ["male", "female", "female"]
        assert notes["ethnicity"].astype(str).tolist() == ["white", "asian", "white"]
        assert notes["date_notified"].dt.strftime("%Y-%m-%d").tolist() == [
            "2023-04-04",
            "2023-05-10",
            "2023-10-01",
        ]
        done = checked.tables["reviews"]
        assert done["case_id"].tolist() == ["A001", "A002"]
        assert done["category"].tolist() == [8, 10]
        assert done["delay_reasons"].tolist()[0] == "inquest;police_investigation"
        assert pd.isna(done["delay_reasons"].tolist()[1])
    _same(by_arrow, by_pandas)


def test_quoted_fields_as_read(tmp_path: Path) -> None:
    """The cells of a quoted file as Arrow reads them: a quoted delimiter, a quote written
    twice, a line break, a quoted empty field (missing, as pandas reads it) and spaces kept
    inside quotes."""
    path = tmp_path / "notifications.csv"
    path.write_bytes(
        b'"case_id","residence_area","lsoa_code"\n'
        b'"A1","North, East","E0100000""1"\n'
        b'"A2","line one\nline two",""\n'
        b'A3," spaced ",\n'
    )
    raw = _read._read_csv("notifications", path, None)
    assert raw.frame["residence_area"].tolist() == ["North, East", "line one\nline two", " spaced "]
    assert raw.frame["lsoa_code"].iloc[0] == 'E0100000"1'
    assert raw.frame["lsoa_code"].isna().tolist() == [False, True, True]
    assert raw.rows.tolist() == [2, 3, 4]
    assert raw.issues == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('A001,2023-04-03,"open quote\n', "a quote left open to the end of the file"),
        ('A001,2023-04-03,"x"\rA002,2023-04-03,y\n', "a carriage return outside CRLF"),
        ('A001,2023-04-03,"x",extra\n', "a ragged row"),
        ('A001\n"A002"\n\nA003\n', "a blank line in a file of one column"),
    ],
)
def test_what_arrow_cannot_read_as_pandas_does_goes_to_the_text_reader(
    body: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = "case_id\n" if body.startswith("A001\n") else "case_id,date_of_death,residence_area\n"
    folder = write_folder(
        tmp_path / "export", {"notifications.csv": header + body, "births.csv": None}
    )
    calls = _streamed(monkeypatch)  # the notifications are read first, the reviews unquoted
    by_arrow = _check(folder, "arrow", monkeypatch)
    assert True not in calls, reason  # no stream reader read the notifications
    _same(by_arrow, _check(folder, "pandas", monkeypatch))


def test_blank_lines_of_a_quoted_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A blank line is a blank row (reported and skipped) on every path, also the last line
    of the file and a blank line inside a quoted field (a line break of that field)."""
    lines = NOTIFICATIONS_CSV.splitlines()
    text = (
        f"{lines[0]}\n"
        + lines[1].replace("Northmoor", '"North, East"')
        + "\n\n"
        + lines[2].replace("Northmoor", '"two\n\nlines"')
        + "\n\n"
    )
    folder = write_folder(tmp_path / "export", {"notifications.csv": text, "births.csv": None})
    calls = _streamed(monkeypatch)
    by_arrow = _check(folder, "arrow", monkeypatch)
    assert calls == [True]
    by_pandas = _check(folder, "pandas", monkeypatch)
    _same(by_arrow, by_pandas)
    for checked in (by_arrow, by_pandas):
        blank = checked.report.failures.query("rule == 'blank_row'")
        assert blank["row"].tolist() == [3, 5]  # A001 is row 2, A002 row 4
        assert checked.report.rows_read["notifications"] == 2
        # the quoted value is read whole, line breaks and all; as a residence area it is
        # unfit for a name (titles, folder names), so it is then read as missing
        unfit = checked.report.failures.query("rule == 'unfit_name'")
        assert unfit["row"].tolist() == [4]
        assert unfit["value"].tolist() == ["two\n\nlines"]
        areas = checked.tables["notifications"]["residence_area"]
        assert areas.iloc[0] == "North, East" and pd.isna(areas.iloc[1])


def test_a_header_with_a_quoted_line_break_goes_to_the_text_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Arrow skips the header as one line: a header cell holding a line break is read by
    the text reader (which reads the header as a record)."""
    text = 'case_id,"date of\ndeath",residence_area\nA001,2023-04-03,"x, y"\n'
    folder = write_folder(tmp_path / "export", {"notifications.csv": text, "births.csv": None})
    calls = _streamed(monkeypatch)
    by_arrow = _check(folder, "arrow", monkeypatch)
    assert calls == []
    _same(by_arrow, _check(folder, "pandas", monkeypatch))
    assert by_arrow.report.rows_read["notifications"] == 1


@pytest.mark.parametrize("quoting", [csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_MINIMAL])
def test_the_sample_quoted_in_many_blocks(
    quoting: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled sample, every field of the forms, written with each way of quoting
    (the reviews' delay reasons hold commas, so some fields are quoted in every case):
    Arrow's stream, in blocks of 4 KiB, reads what pandas reads."""
    sample = generate_sample()
    folder = tmp_path / "sample"
    folder.mkdir()
    for table in ("notifications", "reviews"):
        frame = sample[table]
        if table == "reviews":  # as a person types them: "inquest, police_investigation"
            frame = frame.assign(delay_reasons=frame["delay_reasons"].str.replace(";", ", "))
        frame.to_csv(folder / f"{table}.csv", index=False, quoting=quoting)
    assert '"' in (folder / "reviews.csv").read_text(encoding="utf-8")
    monkeypatch.setattr(_read, "_STREAM_BLOCK", 4096)
    calls = _streamed(monkeypatch)
    by_arrow = _check(folder, "arrow", monkeypatch)
    assert calls[-1] is True
    assert by_arrow.report.rows_read == {
        "notifications": len(sample["notifications"]),
        "reviews": len(sample["reviews"]),
    }
    by_pandas = _check(folder, "pandas", monkeypatch)
    _same(by_arrow, by_pandas)
    assert by_arrow.report.rows_rejected == {"notifications": 0, "reviews": 0}
    reasons = by_arrow.tables["reviews"]["delay_reasons"].fillna("")
    assert reasons.tolist() == sample["reviews"]["delay_reasons"].fillna("").tolist()


# -- files a reader would lose records in --------------------------------------------------
@pytest.mark.parametrize(
    "where",
    [
        1,  # the header line ends in a lone CR: the first record was read as part of it
        3,  # a body line: the line after it was glued to it
    ],
)
def test_a_lone_carriage_return_ends_a_line_and_no_record_is_lost(
    tmp_path: Path, where: int
) -> None:
    # Found by an independent hostile-input test: with the header line ending in a CR
    # alone and the rest in LF, the first record vanished and validation said "OK".
    lines = NOTIFICATIONS_CSV.split("\n")
    text = "\n".join(lines[:where]) + "\r" + "\n".join(lines[where:])
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    checked = check_source(folder, today=TODAY)
    # every record of the file (four, as written by hand), read and accepted
    assert checked.report.rows_read["notifications"] == 4
    assert checked.tables["notifications"]["case_id"].tolist() == ["A001", "A002", "A003", "A004"]
    failures = checked.report.failures
    warned = failures[failures["rule"] == "line_ends"]
    assert warned["severity"].tolist() == ["warning"]
    assert warned["row"].tolist() == [where]  # the line the CR alone ends


def test_a_quote_never_closed_is_an_error_naming_its_row(tmp_path: Path) -> None:
    # A quote left open took the rest of the file into one field: 560 notifications were
    # lost, and the report named only knock-on errors.
    lines = NOTIFICATIONS_CSV.split("\n")
    lines[2] = '"' + lines[2]  # record A002, row 3
    folder = write_folder(tmp_path / "x", {"notifications.csv": "\n".join(lines)})
    checked = check_source(folder, today=TODAY)
    failures = checked.report.failures
    [failure] = failures[failures["rule"] == "malformed_row"].itertuples()
    assert failure.severity == "error" and failure.row == 3
    assert "opens a quote" in failure.message and "3 line(s) from line 3" in failure.message
    # the table is rejected whole, as for a row longer than the header: every record counted
    assert checked.report.rows_read["notifications"] == 2
    assert checked.report.rows_rejected["notifications"] == 2


def test_a_cr_inside_a_value_is_data_not_a_line_end(tmp_path: Path) -> None:
    # in a quoted note (Excel, most exports), and unquoted as pandas writes a value
    # holding a CR: the line has as many fields as the header either way
    lines = NOTIFICATIONS_CSV.split("\n")
    quoted = (
        lines[0]
        + ",notes\n"
        + lines[1]
        + ',"line one\rline two"\n'
        + "\n".join(f"{line}," for line in lines[2:] if line)
        + "\n"
    )
    unquoted = lines[0] + "\n" + "\r" + lines[1][1:] + "\n" + "\n".join(lines[2:])
    for name, text in (("quoted", quoted), ("unquoted", unquoted)):
        folder = write_folder(tmp_path / name, {"notifications.csv": text})
        checked = check_source(folder, today=TODAY)
        failures = checked.report.failures
        assert not (failures["rule"] == "line_ends").any(), name
        assert checked.report.rows_read["notifications"] == 4, name


def test_a_quote_closed_lines_later_by_a_stray_quote_is_an_error(tmp_path: Path) -> None:
    # A second hostile-input round: a note opening a quote ('"query SUDI') closed by an
    # inch mark rows later ('32" TV') took the records in between into one note, and
    # validation said "0 error(s)".
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    text = lines[0] + ",notes\n" + lines[1] + ',"query SUDI\n' + lines[2] + ",ok\n"
    text += lines[3] + ',fell from 32" TV\n' + lines[4] + ",ok\n"
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    failures = check_source(folder, today=TODAY).report.failures
    [failure] = failures[failures["rule"] == "malformed_row"].itertuples()
    assert failure.severity == "error" and failure.row == 2
    assert "closed only on a later line" in failure.message


@pytest.mark.parametrize("closed_at", [None, 3])
def test_a_quote_opened_in_the_header_is_one_error_naming_it(
    tmp_path: Path, closed_at: int | None
) -> None:
    # A stray quote in the header line took the whole file (or the records up to a later
    # quote) into the headings: six missing_column errors, each listing every record as
    # a column found, and "0 read".
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    lines[0] = '"' + lines[0]
    if closed_at is not None:
        lines[closed_at] += ',"'
    folder = write_folder(tmp_path / "x", {"notifications.csv": "\n".join(lines) + "\n"})
    failures = check_source(folder, today=TODAY).report.failures
    notifications = failures[failures["table"] == "notifications"]
    [failure] = notifications.itertuples()
    assert (failure.rule, failure.severity, failure.row) == ("malformed_row", "error", 1)
    taken = len(lines) - 1 if closed_at is None else closed_at
    assert "column 1 opens a quote" in failure.message
    assert f"the {taken} line(s) after it" in failure.message
    assert len(failure.message) < 300


def test_a_heading_over_two_lines_is_still_a_heading(tmp_path: Path) -> None:
    # Excel writes a heading cell holding a line break within quotes
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    lines[0] = lines[0].replace("age_at_death_days", '"Age at death\n(days)"')
    folder = write_folder(tmp_path / "x", {"notifications.csv": "\n".join(lines) + "\n"})
    checked = check_source(
        folder, today=TODAY, column_map={"Age at death\n(days)": "age_at_death_days"}
    )
    assert not (checked.report.failures["rule"] == "malformed_row").any()
    assert checked.report.rows_read["notifications"] == len(lines) - 1


@pytest.mark.parametrize(
    ("above", "row"),
    [("Northmoor CDOP: notifications\nRun 01/05/2025,,,\n", 3), ("sep=,\n", 2)],
)
def test_title_rows_above_a_csv_header_are_one_error_naming_the_heading_row(
    tmp_path: Path, above: str, row: int
) -> None:
    # An independent tester's export with a title (or Excel's "sep=," line) gave one
    # malformed_row error per record, and nothing said where the headings were.
    folder = write_folder(tmp_path / "x", {"notifications.csv": above + NOTIFICATIONS_CSV})
    failures = check_source(folder, today=TODAY).report.failures
    notifications = failures[failures["table"] == "notifications"]
    [failure] = notifications.itertuples()
    assert (failure.rule, failure.severity, failure.row) == ("title_rows", "error", row)
    assert f"headings seem to be on row {row}" in failure.message
    assert ("sep=" in failure.message) == above.startswith("sep=")


def test_title_rows_above_a_csv_header_are_checked_for_identifiers(tmp_path: Path) -> None:
    from cdop.errors import IdentifierError

    text = "Export for NHS no 943 476 5919\n" + NOTIFICATIONS_CSV
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    with pytest.raises(IdentifierError):
        check_source(folder, today=TODAY)


def test_two_short_records_joined_by_a_lone_cr_are_two_records(tmp_path: Path) -> None:
    # An exporter leaving out trailing empty fields, lines joined by a CR: two records
    # whose fields add up to the header's width were read as one (a record lost, and only
    # knock-on warnings showed it).
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    header = lines[0] + ",notes,extra"  # 13 columns
    short = [",".join(line.split(",")[:7]) for line in lines[1:3]]  # 7 fields each
    joined = short[0] + "\r" + short[1]  # 7 + 7 - 1 = 13 fields, as the header
    assert joined.count(",") == header.count(",")
    text = header + "\n" + joined + "\n" + "\n".join(f"{line},," for line in lines[3:]) + "\n"
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    checked = check_source(folder, today=TODAY)
    assert checked.report.rows_read["notifications"] == 4
    assert "line_ends" in set(checked.report.failures["rule"])


def test_case_ids_listed_in_one_value_with_a_cr_stay_one_record(tmp_path: Path) -> None:
    # pandas writes a value holding a CR unquoted: a list of linked case IDs in one value
    # ("A002\rA003") was taken for two records joined, and a record lost
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    text = lines[0] + ",linked_cases\n" + lines[1] + ",A002\rA003\n"
    text += "\n".join(f"{line}," for line in lines[2:]) + "\n"
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    checked = check_source(folder, today=TODAY)
    assert checked.report.rows_read["notifications"] == 4
    assert not checked.report.errors["rule"].isin(["duplicate_id", "required"]).any()
