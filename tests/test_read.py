"""Reading: file formats, encodings, header variants, column maps and code variants."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import NOTIFICATIONS_CSV, REVIEWS_CSV, TODAY, frames, write_folder

import cdop
from cdop.errors import CdopValidationError, DataQualityWarning, IdentifierError

EXPORT_HEADERS = {
    "case_id": "Case ID",
    "date_of_death": "Date of Death",
    "date_notified": "Date Notified",
    "age_at_death_days": "Age at Death (days)",
    "sex": "Gender",
    "ethnicity": "Ethnicity",
    "imd_decile": "IMD Decile",
    "lsoa_code": "LSOA Code",
    "residence_area": "Local Authority",
    "place_of_death": "Place of Death",
    "expected_death": "Expected/Unexpected",
    "date_review_completed": "Date of Review",
    "category": "Category of Death",
    "modifiable_factors": "Modifiable Factors",
}


def test_base_folder_reads_cleanly(base_folder: Path) -> None:
    ds = cdop.read_dataset(base_folder, today=TODAY)
    assert (len(ds.notifications), len(ds.reviews)) == (4, 3)
    assert ds.report.ok and ds.report.failures.empty
    n = ds.notifications
    assert n["date_of_death"].dtype == "datetime64[ns]"
    assert n["age_at_death_days"].tolist() == [2, 150, 4000, 30]
    assert n["imd_quintile"].tolist()[:3] == [1, 2, 5]  # derived from deciles 1, 4, 9
    assert pd.isna(n["imd_quintile"].iloc[3])
    assert n["age_group"].astype(str).tolist() == [
        "0-27 days",
        "28-364 days",
        "10-14 years",
        "28-364 days",
    ]
    assert list(n["sex"].cat.categories) == list(cdop.schema.SEX_CODES)


def test_export_headers_and_label_variants_are_normalised(tmp_path: Path) -> None:
    tables = frames()
    tables["notifications"] = tables["notifications"].rename(columns=EXPORT_HEADERS)
    tables["reviews"] = tables["reviews"].rename(columns=EXPORT_HEADERS)
    n, r = tables["notifications"], tables["reviews"]
    n["Gender"] = ["M", "Female", "boy", "F"]
    n["Ethnicity"] = [
        "White - British",
        "Asian or Asian British: Indian",
        "Black or Black British: African",
        "Not Stated",
    ]
    n["Expected/Unexpected"] = ["Expected", "UNEXPECTED", "unexpected death", "expected"]
    n["Date of Death"] = ["03/04/2023", "10 May 2023", "21-Jul-2023", "2023-09-30 00:00:00"]
    r["Category of Death"] = [
        "Category 8: Perinatal/neonatal event",
        "Sudden unexpected, unexplained death",
        "3",
    ]
    r["Modifiable Factors"] = ["No", "Y", "Insufficient information"]
    ds = cdop.read_dataset(tables, today=TODAY)
    assert ds.notifications["sex"].tolist() == ["male", "female", "male", "female"]
    assert ds.notifications["ethnicity"].tolist() == ["white", "asian", "black", "not_stated"]
    assert ds.notifications["date_of_death"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-04-03",
        "2023-05-10",
        "2023-07-21",
        "2023-09-30",
    ]
    assert ds.reviews["category"].tolist() == [8, 10, 3]
    assert ds.reviews["modifiable_factors"].tolist() == ["no", "yes", "insufficient_information"]


def test_user_column_map_overrides(tmp_path: Path) -> None:
    tables = frames()
    tables["notifications"] = tables["notifications"].rename(columns={"sex": "Child Sex Code"})
    with pytest.raises(CdopValidationError, match="required column 'sex' is missing"):
        cdop.read_dataset(tables, today=TODAY)
    ds = cdop.read_dataset(tables, column_map={"Child Sex Code": "sex"}, today=TODAY)
    assert ds.notifications["sex"].iloc[0] == "male"


def test_latin1_file_is_read_with_a_warning(tmp_path: Path) -> None:
    text = NOTIFICATIONS_CSV.replace("Northmoor,home", "Néwtown,home")
    folder = write_folder(tmp_path / "x", {"notifications.csv": text.encode("latin-1")})
    report = cdop.validate(folder, today=TODAY)
    warning = report.warnings
    assert warning["rule"].tolist() == ["encoding"]
    assert warning["row"].tolist() == [3] and "notifications.csv" in warning["message"][0]
    ds = cdop.read_dataset(folder, today=TODAY)
    assert ds.notifications["residence_area"].iloc[1] == "Néwtown"


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    text = "\ufeff" + NOTIFICATIONS_CSV.replace("Northmoor,home", "Néwtown,home")
    folder = write_folder(tmp_path / "x", {"notifications.csv": text.encode("utf-8")})
    ds = cdop.read_dataset(folder, today=TODAY)
    assert ds.report.failures.empty
    assert ds.notifications["case_id"].iloc[0] == "A001"
    assert ds.notifications["residence_area"].iloc[1] == "Néwtown"


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_file_with_date_cells_and_row_numbers(tmp_path: Path) -> None:
    header = NOTIFICATIONS_CSV.split("\n")[0].split(",")
    rows: list[list[object]] = [header]
    for line in NOTIFICATIONS_CSV.strip().split("\n")[1:]:
        cells: list[object] = line.split(",")
        cells[1] = dt.datetime.fromisoformat(str(cells[1]))  # a real Excel date cell
        cells[3] = int(str(cells[3]))
        rows.append(cells)
    rows[3][2] = "not a date"
    folder = write_folder(
        tmp_path / "x", {"notifications.csv": None, "notifications.xlsx": _xlsx(rows)}
    )
    report = cdop.validate(folder, today=TODAY)
    errors = report.errors
    assert errors[["file", "row", "column", "rule"]].iloc[0].tolist() == [
        "notifications.xlsx",
        4,
        "date_notified",
        "date_format",
    ]


@pytest.mark.parametrize("date1904", [False, True])
def test_date_numbers_follow_the_workbooks_date_system(tmp_path: Path, date1904: bool) -> None:
    # A workbook saved with the 1904 date system (Excel for Mac): its date numbers were
    # read from 1899, so 282 deaths of a tester's export moved back 1,462 days.
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    header = NOTIFICATIONS_CSV.split("\n")[0].split(",")
    book = openpyxl.Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    book.active.title = "Notifications"
    book.active.append(header)
    origin = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
    for line in NOTIFICATIONS_CSV.strip().split("\n")[1:]:
        cells: list[object] = line.split(",")
        # the date of death as a plain number (no date format); the date notified as a
        # date cell, which the workbook's reader converts itself
        cells[1] = (dt.date.fromisoformat(str(cells[1])) - origin).days
        cells[2] = dt.datetime.fromisoformat(str(cells[2]))
        book.active.append(cells)
    reviews = book.create_sheet("Reviews")
    for line in REVIEWS_CSV.strip().split("\n"):
        reviews.append(line.split(","))
    path = tmp_path / "export.xlsx"
    book.save(path)
    ds = cdop.read_dataset(path, today=TODAY)
    expected = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV))
    for column in ("date_of_death", "date_notified"):
        assert ds.notifications[column].dt.strftime("%Y-%m-%d").tolist() == (
            expected[column].tolist()
        )
    serial = ds.report.warnings[ds.report.warnings["rule"] == "excel_date_serial"]
    assert len(serial) == 4
    assert serial["message"].str.contains("from 1904").all() == date1904


def test_workbook_with_a_sheet_per_table(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for index, (name, text) in enumerate(
        (("Notifications", NOTIFICATIONS_CSV), ("Reviews", REVIEWS_CSV))
    ):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = name
        for line in text.strip().split("\n"):
            sheet.append(line.split(","))
    path = tmp_path / "export.xlsx"
    book.save(path)
    ds = cdop.read_dataset(path, today=TODAY)
    assert (len(ds.notifications), len(ds.reviews)) == (4, 3)
    assert ds.files["reviews"] == "export.xlsx[Reviews]"


def _workbook_with_formulas(path: Path) -> None:
    """The two tables as sheets; three cells of the notifications sheet are, as a program
    that writes formulas without calculating them leaves them, a formula with no value
    saved (row 3, age; row 5, sex) and an Excel error (row 4, age)."""
    _sheets(path, {"Notifications": NOTIFICATIONS_CSV, "Reviews": REVIEWS_CSV})
    book = openpyxl.load_workbook(path)
    sheet = book["Notifications"]
    header = [cell.value for cell in sheet[1]]
    age = header.index("age_at_death_days") + 1
    sheet.cell(row=3, column=age).value = "=C3-B3"
    sheet.cell(row=4, column=age).value = "#N/A"
    sheet.cell(row=4, column=age).data_type = "e"
    sheet.cell(row=5, column=header.index("sex") + 1).value = '="fe"&"male"'
    book.save(path)


def test_formula_and_error_cells_are_named_not_only_blank(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    _workbook_with_formulas(path)
    report = cdop.validate(path, today=TODAY)
    warned = report.warnings.set_index("rule")
    assert warned.loc["excel_formula", "row"].tolist() == [3, 5]
    assert warned.loc["excel_formula", "value"].tolist() == ["=C3-B3", '="fe"&"male"']
    assert warned.loc["excel_error", ["row", "column", "value"]].tolist() == [
        4,
        "age_at_death_days",
        "#N/A",
    ]
    assert "no value saved" in warned.loc["excel_formula", "message"].iloc[0]
    # the cells are still read as blank: a formula's text is never taken as a value
    errors = report.errors
    required = errors[errors["rule"] == "required"]
    assert required[["row", "column"]].values.tolist() == [
        [3, "age_at_death_days"],
        [4, "age_at_death_days"],
        [5, "sex"],
    ]
    # and a workbook without formulas says nothing of them
    plain = tmp_path / "plain.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Notifications"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type in ("f", "e"):
                cell.value = "1"
    book.save(plain)
    assert not cdop.validate(plain, today=TODAY).warnings["rule"].str.startswith("excel").any()


def test_folder_names_the_workbook_it_did_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    _workbook_with_formulas(folder / "CDOP export 2024.xlsx")
    report = cdop.validate(folder, today=TODAY)
    message = report.errors.set_index("rule").loc["missing_table", "message"].iloc[0]
    assert "CDOP export 2024.xlsx, not named after a table" in message
    assert str(folder / "CDOP export 2024.xlsx") in message


def test_parquet_with_typed_columns(tmp_path: Path) -> None:
    tables = frames()
    n = tables["notifications"].copy()
    n["date_of_death"] = pd.to_datetime(n["date_of_death"])
    n["age_at_death_days"] = n["age_at_death_days"].astype("int64")
    n["imd_decile"] = pd.to_numeric(n["imd_decile"]).astype("Float64")
    folder = tmp_path / "pq"
    folder.mkdir()
    n.to_parquet(folder / "notifications.parquet")
    tables["reviews"].assign(category=lambda d: d["category"].astype(int)).to_parquet(
        folder / "reviews.parquet"
    )
    ds = cdop.read_dataset(folder, today=TODAY)
    assert ds.notifications["imd_decile"].tolist()[:3] == [1, 4, 9]
    assert ds.reviews["category"].tolist() == [8, 10, 3]


def test_date_of_birth_is_used_then_dropped(tmp_path: Path) -> None:
    tables = frames()
    n = tables["notifications"].drop(columns="age_at_death_days")
    n["date_of_birth"] = ["2023-04-01", "2022-12-11", "2012-07-21", "2023-08-31"]
    ds = cdop.read_dataset({**tables, "notifications": n}, today=TODAY)
    assert ds.notifications["age_at_death_days"].tolist() == [2, 150, 4017, 30]
    assert "date_of_birth" not in ds.notifications.columns
    assert "date_of_birth" not in ds.reviewed.columns


def test_unknown_columns_are_dropped_with_one_warning() -> None:
    tables = frames()
    tables["reviews"]["panel_notes"] = ["a", "b", "c"]
    tables["notifications"]["Notes"] = ["w", "x", "y", "z"]
    with pytest.warns(DataQualityWarning, match="panel_notes") as caught:
        ds = cdop.read_dataset(tables, today=TODAY)
    assert len(caught) == 1 and "Notes" in str(caught[0].message)
    assert "panel_notes" not in ds.reviews.columns
    assert "Notes" not in ds.notifications.columns
    # 3,000 of them made one line of about 100 KB: ten are named, then how many more
    wide = frames()
    for i in range(3000):
        wide["notifications"][f"extra_{i}"] = "x"
    with pytest.warns(DataQualityWarning) as caught:
        cdop.read_dataset(wide, today=TODAY)
    [message] = [str(w.message) for w in caught if "outside the data contract" in str(w.message)]
    assert message.endswith("and 2990 more") and len(message) < 1000


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("does-not-exist", "missing_source"),
        ("file.txt", "unsupported_source"),
        ("broken.xlsx", "unreadable_file"),
    ],
)
def test_unusable_sources_are_reported(tmp_path: Path, source: str, rule: str) -> None:
    path = tmp_path / source
    if source != "does-not-exist":
        path.write_bytes(b"this is not a workbook")
    report = cdop.validate(path, today=TODAY)
    assert rule in report.errors["rule"].tolist()
    assert source in report.errors["message"].iloc[0]


def test_blank_header_over_values_and_unknown_column_map_target(tmp_path: Path) -> None:
    text = REVIEWS_CSV.replace("modifiable_factors\n", "modifiable_factors,\n").replace(
        ",no\n", ",no,stray\n"
    )
    folder = write_folder(tmp_path / "x", {"reviews.csv": text})
    report = cdop.validate(folder, column_map={"Foo": "not_a_column"}, today=TODAY)
    rules = report.failures.set_index("rule")
    assert rules.loc["blank_header", "column"] == "column 5"
    assert rules.loc["column_map", "severity"] == "warning"


def test_dataset_is_immutable_and_hands_out_views(base_folder: Path) -> None:
    ds = cdop.read_dataset(base_folder, today=TODAY)
    view = ds.notifications
    view.loc[0, "age_at_death_days"] = 999
    assert ds.notifications.loc[0, "age_at_death_days"] == 2
    with pytest.raises(AttributeError, match="immutable"):
        ds.report = None  # type: ignore[misc]
    reviewed = ds.reviewed
    assert len(reviewed) == 3
    assert reviewed.columns.tolist()[-7:] == [
        "age_group",
        "date_review_completed",
        "category",
        "modifiable_factors",
        "date_review_meeting",
        "delay_reasons",
        "category_label",
    ]


def test_windows_line_endings(tmp_path: Path) -> None:
    text = NOTIFICATIONS_CSV.replace("\n", "\r\n")
    folder = write_folder(tmp_path / "x", {"notifications.csv": text.encode("utf-8")})
    ds = cdop.read_dataset(folder, today=TODAY)
    assert ds.report.failures.empty
    assert ds.notifications["expected_death"].tolist()[-1] == "expected"


def test_all_blank_optional_columns() -> None:
    """An optional column present but empty in every row is read as missing, not an error."""
    tables = frames()
    tables["notifications"]["imd_decile"] = ""
    tables["notifications"]["place_of_death"] = ""
    tables["births"]["imd_decile"] = ""
    ds = cdop.read_dataset(tables, today=TODAY)
    assert ds.notifications["imd_decile"].isna().all()
    assert ds.notifications["place_of_death"].isna().all()


def test_data_contract_doc_names_every_column_and_rule() -> None:
    import re

    from cdop import validation

    doc = (Path(__file__).resolve().parents[1] / "docs" / "data-contract.md").read_text()
    for spec in cdop.schema.TABLES.values():
        for column in spec.columns:
            assert f"`{column.name}`" in doc
            assert column.rule in doc
    for rule in set(re.findall(r"``([a-z_]+)``", validation.__doc__ or "")) - {"rule"}:
        assert f"| `{rule}` |" in doc, rule


def _sheets(path: Path, sheets: dict[str, str], hidden: tuple[str, ...] = ()) -> None:
    book = openpyxl.Workbook()
    for index, (name, text) in enumerate(sheets.items()):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = name
        for line in text.strip().split("\n"):
            sheet.append(line.split(","))
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)


@pytest.mark.parametrize("second", ["notifications_2024-25.csv", "Notifications (1).csv"])
def test_a_second_file_of_a_table_is_an_error_not_lost(tmp_path: Path, second: str) -> None:
    # An independent tester split an export in two (by year, or "(1)" from a download):
    # the second file was passed over and validation said "OK: no failures".
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    folder = write_folder(
        tmp_path / "x",
        {
            "notifications.csv": "\n".join(lines[:3]) + "\n",
            second: "\n".join([lines[0], *lines[3:]]) + "\n",
        },
    )
    report = cdop.validate(folder, today=TODAY)
    [failure] = report.errors[report.errors["rule"] == "ambiguous_table"].itertuples()
    assert failure.table == "notifications" and second in failure.message
    assert "only notifications.csv is read" in failure.message


def test_a_second_sheet_of_a_table_is_an_error_not_lost(tmp_path: Path) -> None:
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    path = tmp_path / "export.xlsx"
    _sheets(
        path,
        {
            "Notifications": "\n".join(lines[:3]),
            "Notifications (2)": "\n".join([lines[0], *lines[3:]]),
            "Deaths 2024": "\n".join([lines[0], *lines[3:]]),  # the headings say so
            "Reviews": REVIEWS_CSV,
            # code lists by column: headings of the table, but no case ID: not a table
            "Lookups": "sex,ethnicity,place_of_death\nmale,white,hospital",
        },
    )
    report = cdop.validate(path, today=TODAY)
    ambiguous = report.errors[report.errors["rule"] == "ambiguous_table"]
    assert ambiguous["message"].str.extract(r"sheet '([^']+)'")[0].tolist() == [
        "Notifications (2)",
        "Deaths 2024",
    ]
    warned = report.warnings[report.warnings["rule"] == "sheet_not_read"]
    assert warned["message"].str.contains("'Lookups'").tolist() == [True]


def test_a_one_table_workbook_reads_the_sheet_named_after_it(tmp_path: Path) -> None:
    # a hidden look-up sheet first: it was read as the table (missing_column errors)
    folder = tmp_path / "x"
    folder.mkdir()
    _sheets(
        folder / "notifications.xlsx",
        {"Lookups": "code,label\n1,x", "Notifications": NOTIFICATIONS_CSV},
        hidden=("Lookups",),
    )
    (folder / "reviews.csv").write_text(REVIEWS_CSV)
    ds = cdop.read_dataset(folder, today=TODAY)
    assert len(ds.notifications) == 4
    assert ds.files["notifications"] == "notifications.xlsx[Notifications]"


def test_a_table_workbook_with_a_sheet_per_year_is_an_error_not_lost(tmp_path: Path) -> None:
    # notifications.xlsx with one sheet per year (newest first), or an "Archive" sheet:
    # only the first sheet was read, with a warning "validate" showed and "report" did
    # not (an independent tester's chapter was built on 76 of 565 deaths).
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    folder = tmp_path / "x"
    folder.mkdir()
    _sheets(
        folder / "notifications.xlsx",
        {
            "2024-25": "\n".join(lines[:3]),
            "Archive": "\n".join([lines[0], *lines[3:]]),
            "Lookups": "code,label\n1,x",
        },
    )
    (folder / "reviews.csv").write_text(REVIEWS_CSV)
    report = cdop.validate(folder, today=TODAY)
    [message] = report.errors.loc[report.errors["rule"] == "ambiguous_table", "message"]
    assert "'Archive' are headed as the notifications table too" in message
    assert "'Lookups'" not in message
    # every record of the table is rejected with it, by row, and none is lost
    assert report.rows_read["notifications"] == report.rows_rejected["notifications"] == 2
    with pytest.raises(CdopValidationError):
        cdop.read_dataset(folder, today=TODAY)


def test_a_contract_columns_own_name_wins_over_a_profiles_heading() -> None:
    # The case-management profile reads the heading "Place of Death" as the detailed
    # place; a file's own place_of_death column was read so too (397 deaths in hospital
    # given the invented detail "other_hospital", without a word).
    tables = frames()
    ds = cdop.read_dataset(tables, strict=False, today=TODAY, profile="case_management")
    assert ds.notifications["place_of_death"].astype(str).tolist() == [
        "hospital",
        "home",
        "public_place",
        "hospital",
    ]
    assert ds.notifications["place_of_death_detail"].isna().all()


def test_cells_merged_down_a_column_give_each_row_the_value(tmp_path: Path) -> None:
    # An independent tester merged residence_area over runs of equal values: 28 of 30
    # deaths were read with no area and validation said "OK: no failures".
    path = tmp_path / "export.xlsx"
    _sheets(path, {"Notifications": NOTIFICATIONS_CSV, "Reviews": REVIEWS_CSV})
    book = openpyxl.load_workbook(path)
    sheet = book["Notifications"]
    header = [cell.value for cell in sheet[1]]
    area = header.index("residence_area") + 1
    sheet.cell(row=3, column=area).value = None  # as Excel keeps a merged range
    sheet.merge_cells(start_row=2, start_column=area, end_row=3, end_column=area)
    # across imd_decile and lsoa_code of a record holding neither
    sheet.merge_cells(start_row=5, start_column=7, end_row=5, end_column=8)
    book.save(path)
    ds = cdop.read_dataset(path, strict=False, today=TODAY)
    assert ds.notifications["residence_area"].tolist() == [
        "Northmoor",
        "Northmoor",
        "Southvale",
        "Southvale",
    ]
    merged = ds.report.warnings[ds.report.warnings["rule"] == "merged_cells"]
    assert merged["row"].tolist() == [2, 5]
    assert "rows 2 to 3, column I" in merged["message"].iloc[0]
    assert "across columns" in merged["message"].iloc[1]


@pytest.mark.parametrize(
    "title",
    ["Export for NHS no 943 476 5919", "Contact: coordinator@northmoor.example", "At LS6 4AB"],
)
def test_title_rows_above_the_headings_are_checked_for_identifiers(
    tmp_path: Path, title: str
) -> None:
    path = tmp_path / "export.xlsx"
    _sheets(path, {"Notifications": title + "\n\n" + NOTIFICATIONS_CSV, "Reviews": REVIEWS_CSV})
    with pytest.raises(IdentifierError, match=r"export.xlsx\[Notifications\]"):
        cdop.validate(path, today=TODAY)


def test_files_and_sheets_only_named_like_a_table_are_not_errors(tmp_path: Path) -> None:
    # a review of the change: any file or sheet whose name held "notifications",
    # "review" or "deaths" was an error, whatever it held
    folder = write_folder(
        tmp_path / "x",
        {
            "notifications.csv": NOTIFICATIONS_CSV,
            "reviews.csv": REVIEWS_CSV,
            "notifications_readme.csv": "a,b\n1,2\n",
            "reviews_failures.csv": "file,row,rule\nx,2,required\n",
        },
    )
    assert cdop.validate(folder, today=TODAY).errors.empty
    path = tmp_path / "export.xlsx"
    _sheets(
        path,
        {
            "Notifications": NOTIFICATIONS_CSV,
            "Reviews": REVIEWS_CSV,
            "Deaths by area": "area,deaths\nNorthmoor,3",
            "Review notes": "note\nchecked",
        },
    )
    report = cdop.validate(path, today=TODAY)
    assert report.errors.empty
    assert (report.warnings["rule"] == "sheet_not_read").sum() == 2


def test_sheets_named_after_the_statutory_forms_are_read_with_a_warning(
    tmp_path: Path,
) -> None:
    # A workbook of "Form A - Notification" and "Form C - Analysis" sheets (the statutory
    # forms' names) stopped with "No notifications table was found": its sheets were only
    # warned about as not read.
    path = tmp_path / "export.xlsx"
    _sheets(path, {"Form A - Notification": NOTIFICATIONS_CSV, "Form C - Analysis": REVIEWS_CSV})
    report = cdop.validate(path, today=TODAY)
    assert report.errors.empty
    assert report.rows_read["notifications"] == 4 and report.rows_read["reviews"] == 3
    messages = report.warnings.loc[report.warnings["rule"] == "table_by_name", "message"]
    assert sorted(messages) == [
        "export.xlsx: sheet 'Form A - Notification' was read as the notifications table (its "
        "name and headings say so). Name it after its table, or map it in a mapping file "
        '("sheets": {...}), to read it so without this warning.',
        "export.xlsx: sheet 'Form C - Analysis' was read as the reviews table (its name and "
        'headings say so). Name it after its table, or map it in a mapping file ("sheets": '
        "{...}), to read it so without this warning.",
    ]
    ds = cdop.read_dataset(path, today=TODAY)
    assert ds.files["notifications"] == "export.xlsx[Form A - Notification]"
    # a file in a folder likewise
    folder = write_folder(
        tmp_path / "f",
        {"Form A - Notification 2024-25.csv": NOTIFICATIONS_CSV, "notifications.csv": None},
    )
    report = cdop.validate(folder, today=TODAY)
    assert report.errors.empty and report.rows_read["notifications"] == 4
    assert (report.warnings["rule"] == "table_by_name").sum() == 1


@pytest.mark.parametrize(
    ("sheets", "rule"),
    [
        # named like the notifications but headed otherwise: not read
        ({"Form A - Notification": "area,deaths\nNorthmoor,3"}, "missing_table"),
        # two sheets alike: neither is chosen over the other, and the table is missing
        (
            {"Form A 2023-24": NOTIFICATIONS_CSV, "Form A 2024-25": NOTIFICATIONS_CSV},
            "missing_table",
        ),
        # beside a sheet named after the table, it is a second sheet of it: an error
        (
            {"Notifications": NOTIFICATIONS_CSV, "Form A - Notification": NOTIFICATIONS_CSV},
            "ambiguous_table",
        ),
    ],
    ids=["headed-otherwise", "two-alike", "beside-its-table"],
)
def test_a_sheet_is_read_by_its_name_only_when_its_headings_agree_and_it_is_alone(
    tmp_path: Path, sheets: dict[str, str], rule: str
) -> None:
    path = tmp_path / "export.xlsx"
    _sheets(path, {**sheets, "Reviews": REVIEWS_CSV})
    report = cdop.validate(path, today=TODAY)
    assert rule in set(report.errors["rule"])
    if rule == "missing_table":
        assert (report.warnings["rule"] == "table_by_name").sum() == 0


def _patched(path: Path, old: bytes, new: bytes) -> None:
    """Rewrite the first sheet's XML of a workbook, as Excel itself would have saved it."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    part = "xl/worksheets/sheet1.xml"
    assert old in parts[part]
    parts[part] = parts[part].replace(old, new)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_saved_formula_results_are_told_from_missing_ones(tmp_path: Path) -> None:
    # a review: an error Excel saved as a formula's result (VLOOKUP giving #N/A) was
    # reported as "no value saved", and a formula whose empty text result was saved too
    path = tmp_path / "export.xlsx"
    _workbook_with_formulas(path)
    _patched(
        path,
        b'<c r="D3"><f>C3-B3</f><v></v></c>',
        b'<c r="D3" t="e"><f>VLOOKUP(A3,Ages!A:B,2,0)</f><v>#N/A</v></c>',
    )
    _patched(
        path,
        b'<c r="E5"><f>"fe"&amp;"male"</f><v></v></c>',
        b'<c r="E5" t="str"><f>""</f><v></v></c>',
    )
    warned = cdop.validate(path, today=TODAY).warnings
    errors = warned[warned["rule"] == "excel_error"]
    assert errors[["row", "value"]].values.tolist() == [[3, "#N/A"], [4, "#N/A"]]
    assert not (warned["rule"] == "excel_formula").any()


def test_a_reviews_file_with_headings_only_is_warned(tmp_path: Path) -> None:
    # "OK: no failures (565 notifications, 0 reviews)", and a chapter of no review
    # completed and every case open, from an export that came out empty.
    header = REVIEWS_CSV.split("\n")[0] + "\n"
    folder = write_folder(tmp_path / "x", {"reviews.csv": header})
    report = cdop.validate(folder, today=TODAY)
    assert report.errors.empty
    [warned] = report.warnings[report.warnings["rule"] == "no_rows"].itertuples()
    assert warned.table == "reviews" and "count no reviews at all" in warned.message


def test_two_columns_of_an_unknown_heading_are_dropped_not_an_error(tmp_path: Path) -> None:
    # Two "Notes" columns rejected every notification (duplicate_column), though neither
    # is read; each is still checked for identifiers.
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    twice = [lines[0] + ",Notes,Notes", *(line + ",seen,none" for line in lines[1:])]
    folder = write_folder(tmp_path / "x", {"notifications.csv": "\n".join(twice) + "\n"})
    report = cdop.validate(folder, today=TODAY)
    assert report.errors.empty
    assert (report.warnings["rule"] == "unknown_column").sum() == 2
    twice[2] = lines[2] + ",seen,moved to LS6 4AB"
    folder = write_folder(tmp_path / "y", {"notifications.csv": "\n".join(twice) + "\n"})
    with pytest.raises(IdentifierError, match="column 'Notes', row 3"):
        cdop.validate(folder, today=TODAY)


def test_an_encrypted_or_old_workbook_says_what_to_do(tmp_path: Path) -> None:
    # "cannot be read (File is not a zip file)" did not suggest removing the password or
    # saving as .xlsx: an encrypted workbook and an Excel 97-2003 one are both Compound
    # Files, known by their first eight bytes.
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    report = cdop.validate(path, today=TODAY)
    [message] = report.errors.loc[report.errors["rule"] == "unreadable_file", "message"]
    assert "password-protected (encrypted) or an old Excel 97-2003 workbook" in message


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b"\xff\xfe"])
def test_a_file_of_a_byte_order_mark_alone_is_empty(tmp_path: Path, content: bytes) -> None:
    folder = write_folder(tmp_path / "x", {"reviews.csv": content})
    report = cdop.validate(folder, today=TODAY)
    assert report.errors["rule"].tolist() == ["empty_file"]


def test_a_record_split_over_lines_is_an_error_not_half_read(tmp_path: Path) -> None:
    # A notes value holding a line break without quotes: A002's last fields (its decile
    # and area) went onto the next line. A002 was accepted with them blank, and the next
    # line was read as a fifth record, rejected with "'9' is not a date" (an independent
    # tester's case).
    header, *records = NOTIFICATIONS_CSV.strip().split("\n")
    width = len(header.split(","))
    fields = records[1].split(",")
    broken = ",".join(fields[:-2]) + " found at home\ntaken to ED," + ",".join(fields[-2:])
    text = "\n".join([header, records[0], broken, *records[2:]]) + "\n"
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    report = cdop.validate(folder, today=TODAY)
    [message] = report.errors.loc[report.errors["rule"] == "malformed_row", "message"]
    assert message.startswith("notifications.csv, rows 3 to 4: one record is split over 2 lines")
    assert f"the header's {width} fields" in message
    assert report.rows_read["notifications"] == 5  # every line counted, the table rejected
    assert report.rows_accepted["notifications"] == 0


def test_a_row_shorter_than_the_header_is_named_not_silently_filled(tmp_path: Path) -> None:
    # A row without its last fields (or a note under the records) was filled with blanks
    # with nothing said.
    header, *records = NOTIFICATIONS_CSV.strip().split("\n")
    width = len(header.split(","))
    short = ",".join(records[3].split(",")[:-1])
    text = "\n".join([header, *records[:3], short, "Source: case management export"]) + "\n"
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    report = cdop.validate(folder, today=TODAY)
    [message] = report.warnings.loc[report.warnings["rule"] == "short_row", "message"]
    assert message.startswith(
        f"notifications.csv: 2 row(s) have fewer fields than the header's {width}: "
        f"row 5 ({width - 1}), row 6 (1); their missing last fields were read as blank."
    )
    # every line is counted: four records and the note, which fails as a record would
    assert report.rows_read["notifications"] == 5
    assert report.rows_accepted["notifications"] + report.rows_rejected["notifications"] == 5


def test_case_ids_a_spreadsheet_holds_as_dates_are_named(tmp_path: Path) -> None:
    # IDs such as "3-12" that a spreadsheet turned into dates were read as the dates with
    # nothing said; a reviews sheet kept as text would then match none of them.
    import datetime as dt

    notes = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV), dtype=object)
    reviews = pd.read_csv(io.StringIO(REVIEWS_CSV), dtype=object)
    notes.loc[1, "case_id"] = dt.datetime(2024, 12, 3)
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        notes.to_excel(writer, sheet_name="notifications", index=False)
        reviews.to_excel(writer, sheet_name="reviews", index=False)
    report = cdop.validate(path, today=TODAY)
    [warning] = report.warnings[report.warnings["rule"] == "id_as_date"].itertuples()
    assert (warning.row, warning.value) == (3, "2024-12-03")
    assert "1 case ID(s) are held as dates or times (row(s) 3)" in warning.message
