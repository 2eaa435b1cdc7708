"""The identifier guard refuses names, addresses, full postcodes and NHS numbers."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import NOTIFICATIONS_CSV, REVIEWS_CSV, TODAY, frames, write_folder

import cdop
from cdop._identifiers import nhs_number_valid
from cdop.errors import IdentifierError

# 943 476 5919 is the NHS Data Dictionary's example of a valid number: weights 10..2 on
# 9,4,3,4,7,6,5,9,1 give 90+36+24+28+42+30+20+27+2 = 299; 299 mod 11 = 2; 11 - 2 = 9.
VALID_NHS = "9434765919"
INVALID_NHS = "9434765918"


def _with_column(header: str, values: list[str]) -> str:
    lines = NOTIFICATIONS_CSV.strip().split("\n")
    out = [lines[0] + "," + header] + [
        f"{line},{v}" for line, v in zip(lines[1:], values, strict=True)
    ]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    ("header", "values", "says"),
    [
        ("Forename", ["x", "y", "z", "w"], "names"),
        ("Child's Surname", ["x", "y", "z", "w"], "names"),
        ("Address Line 1", ["1 High St", "", "", ""], "addresses"),
        ("NHS Number", ["", "", "", ""], "an NHS number"),
        ("Postcode", ["LS6", "SW1A 1AA", "", ""], "a full postcode"),
        ("Notes", ["", f"nhs {VALID_NHS}", "", ""], "an NHS number"),  # anywhere in text
        ("Notes", ["Found at LS6 4AB", "", "", ""], "a full postcode"),
        ("Notes", ["", "seen at ls64ab", "", ""], "a full postcode"),  # any case, no space
        ("Notes", ["", "", "mum: a.parent@example.org", ""], "an email address"),
        ("Notes", ["", "", "", "rang 07700 900123"], "a phone number"),
        ("Notes", ["+44 113 496 0000 (ward)", "", "", ""], "a phone number"),
        ("Notes", ["reviewed 03/05/2023, decile 4, LS6", "", "", ""], None),  # no identifier
        ("Notes", ["case 9434765918 (wrong check digit)", "", "", ""], None),
        ("Reference", ["", "", "943 476 5919", ""], "an NHS number"),
        ("Home", ["", "", "", "M1 1AE"], "a full postcode"),
        # separators pasted from Word or Excel, and look-alike characters: each read as
        # the identifier it is (an independent hostile-input test got them all through)
        ("Notes", ["", "943\u00a0476\u00a05919", "", ""], "an NHS number"),
        ("Notes", ["", "943  476  5919", "", ""], "an NHS number"),
        ("Notes", ["943.476.5919", "", "", ""], "an NHS number"),
        ("Notes", ["", "943/476/5919", "", ""], "an NHS number"),
        ("Notes", ["", "", "943\u200b476\u200b5919", ""], "an NHS number"),
        (
            "Notes",
            ["", "", "", "\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19"],
            "an NHS number",
        ),
        ("Notes", ["LS6\u00a04AB", "", "", ""], "a full postcode"),
        ("Notes", ["", "LS6\t4AB", "", ""], "a full postcode"),
        ("Notes", ["", "", "LS6   4AB", ""], "a full postcode"),
        ("Notes", ["", "", "", "rang 0113-496-0000"], "a phone number"),
        ("Notes", ["ward 0113.496.0000", "", "", ""], "a phone number"),
        ("Notes", ["", "0044 113 496 0000", "", ""], "a phone number"),
        ("Notes", ["met 01/04/2023 12:30, 2023-04-01, 01.04.2023", "", "", ""], None),
        ("NHSNo", ["", "", "", ""], "an NHS number"),
        ("Patient NHS Number", ["", "", "", ""], "an NHS number"),
        ("NameOfChild", ["x", "", "", ""], "names"),
        ("Forename1", ["x", "", "", ""], "names"),
        ("FirstName1", ["x", "", "", ""], "names"),
        ("Home Addr", ["x", "", "", ""], "addresses"),
        ("Addr Line 1", ["x", "", "", ""], "addresses"),
        ("NHS Trust", ["Leeds Teaching Hospitals", "", "", ""], None),
        # a second round: dashes of other kinds, spaced hyphens, phone numbers failing
        # the NHS check, London numbers, postcodes with a hyphen or dot
        ("Notes", ["943\u2013476\u20135919", "", "", ""], "an NHS number"),
        ("Notes", ["", "943 - 476 - 5919", "", ""], "an NHS number"),
        ("Notes", ["", "", "0800123456", ""], "a phone number"),
        ("Notes", ["", "", "", "020-7946-0000"], "a phone number"),
        ("Notes", ["+44-113-496-0000", "", "", ""], "a phone number"),
        ("Notes", ["", "LS6-4AB", "", ""], "a full postcode"),
        ("Notes", ["", "", "CDOP-2023-0001, seen 02-04-2023 10:15", ""], None),
        ("LA Name", ["Leeds", "", "", ""], None),
        ("Hospital Name", ["St James's", "", "", ""], None),
        ("\uff26\uff4f\uff52\uff45\uff4e\uff41\uff4d\uff45", ["x", "", "", ""], "names"),
        # a third round: digits of other scripts (943 476 5919 in Arabic-Indic and
        # Devanagari digits), emails beyond ASCII, a phone number glued to "mob"/"tel"
        (
            "Notes",
            ["\u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669", "", "", ""],
            "an NHS number",
        ),
        (
            "Notes",
            [
                "",
                "",
                "\u0966\u0967/\u0966\u096a/\u0968\u0966\u0968\u0969",
                "",
            ],
            None,
        ),
        (
            "Notes",
            [
                "",
                "rang \u0966\u0967\u0967\u0969 \u096a\u096f\u096c \u0966\u0966\u0966\u0966",
                "",
                "",
            ],
            "a phone number",
        ),
        ("Notes", ["", "", "zo\u00eb.parent@example.org", ""], "an email address"),
        (
            "Notes",
            [
                "",
                "",
                "",
                "\u0434\u0435\u0442\u0438@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
            ],
            "an email address",
        ),
        ("Notes", ["mob07700900123", "", "", ""], "a phone number"),
        ("Notes", ["", "Tel01134960000", "", ""], "a phone number"),
        ("Notes", ["", "", "ref NM0113496000 closed", ""], None),  # a reference, not a phone
        # name headings an independent tester got through: a person word beside "name",
        # or a place word not naming the name ("Name (as on Form A)"), and names without
        # the word
        ("Service User Name", ["x", "", "", ""], "names"),
        ("Name (as on Form A)", ["x", "", "", ""], "names"),
        ("Child Name - Form A", ["x", "", "", ""], "names"),
        ("Patient Name (Hospital)", ["x", "", "", ""], "names"),
        ("Known As", ["x", "", "", ""], "names"),
        ("Initials", ["x", "", "", ""], "names"),
        ("Birth Hospital Name", ["St James's", "", "", ""], None),
        ("Local Authority of Residence Name", ["Leeds", "", "", ""], None),
        ("Place of Death Name", ["St James's", "", "", ""], None),
        ("Infant", ["Yes", "", "", ""], None),
        ("Name of Hospital", ["St James's", "", "", ""], None),
        ("Data item name", ["age", "", "", ""], None),
        ("Child age", ["3", "", "", ""], None),
    ],
)
def test_identifier_columns_and_values_are_refused(
    tmp_path: Path, header: str, values: list[str], says: str | None
) -> None:
    folder = write_folder(tmp_path / "x", {"notifications.csv": _with_column(header, values)})
    if says is None:
        cdop.validate(folder, today=TODAY)
        return
    with pytest.raises(IdentifierError) as info:
        cdop.read_dataset(folder, strict=False, today=TODAY)
    message = str(info.value)
    assert f"notifications.csv, column {header!r}" in message
    assert says in message
    for value in values:  # never echoed
        if len(value) > 3:
            assert value not in message
    with pytest.raises(IdentifierError):
        cdop.validate(folder, today=TODAY)


def test_nhs_number_in_case_id_names_the_row() -> None:
    tables = frames()
    tables["notifications"].loc[2, "case_id"] = VALID_NHS
    tables["reviews"].loc[2, "case_id"] = VALID_NHS
    with pytest.raises(
        IdentifierError,
        match=r"column 'case_id', index 2: the text holds an NHS number",
    ):
        cdop.validate(tables, today=TODAY)


def test_ten_digits_with_a_wrong_check_digit_are_accepted() -> None:
    tables = frames()
    tables["notifications"].loc[2, "case_id"] = INVALID_NHS
    tables["reviews"].loc[2, "case_id"] = INVALID_NHS
    assert cdop.validate(tables, today=TODAY).ok


def test_modulus_11_by_hand() -> None:
    digits = np.array(
        [
            [int(c) for c in number]
            for number in (
                VALID_NHS,
                INVALID_NHS,
                "4010232137",  # 40+0+8+0+12+15+8+3+6 = 92; 92 mod 11 = 4; 11-4 = 7: valid
                "1000000001",  # 1*10 = 10; 10 mod 11 = 10; 11-10 = 1: check digit 1, valid
                "1000000000",  # the same with last digit 0: invalid
                "0000000000",  # sum 0 -> 11 -> check digit 0: valid
                "1000000010",  # 1*10 + 1*2 = 12; remainder 1 gives check 10: never valid
            )
        ]
    )
    assert nhs_number_valid(digits).tolist() == [True, False, True, True, False, True, False]


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("LS6 4AB", "a full postcode"),
        ("jo.bloggs@example.com", "an email address"),
        (VALID_NHS, "an NHS number"),
    ],
)
def test_a_header_holding_an_identifier_is_refused_without_repeating_it(
    tmp_path: Path, header: str, says: str
) -> None:
    folder = write_folder(tmp_path / "x", {"notifications.csv": _with_column(header, [""] * 4)})
    with pytest.raises(IdentifierError) as info:
        cdop.validate(folder, today=TODAY)
    message = str(info.value)
    assert "counted from the left): the header holds " + says in message
    assert header not in message


def _workbook(path: Path, extra: pd.DataFrame, *, hidden: bool = False) -> Path:
    """A workbook of the notifications and reviews sheets and one more sheet."""
    notes = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV), dtype=str)
    reviews = pd.read_csv(io.StringIO(REVIEWS_CSV), dtype=str)
    with pd.ExcelWriter(path) as writer:
        notes.to_excel(writer, sheet_name="notifications", index=False)
        reviews.to_excel(writer, sheet_name="reviews", index=False)
        extra.to_excel(writer, sheet_name="Contacts", index=False)
        if hidden:
            writer.book["Contacts"].sheet_state = "hidden"
    return path


@pytest.mark.parametrize("hidden", [False, True])
def test_a_sheet_holding_no_table_is_still_checked_for_identifiers(
    tmp_path: Path, hidden: bool
) -> None:
    # An extra (or hidden) sheet of names and postcodes gave "OK: no failures": the
    # library never read it, and never said so.
    extra = pd.DataFrame({"Child": ["A001"], "Notes": ["lives at LS6 4AB"]})
    book = _workbook(tmp_path / "export.xlsx", extra, hidden=hidden)
    with pytest.raises(IdentifierError, match=r"export\.xlsx\[Contacts\], column 'B', row 2"):
        cdop.validate(book, today=TODAY)
    # (row 1 holds the 0 and 1 pandas writes as headings) the finding names the cell,
    # never its text
    extra = pd.DataFrame([["Jane Doe", "jane.doe@example.org"]])
    book = _workbook(tmp_path / "names.xlsx", extra, hidden=hidden)
    with pytest.raises(IdentifierError, match="column 'B', row 2: the text holds an email") as e:
        cdop.validate(book, today=TODAY)
    assert "jane" not in str(e.value).lower()


def test_a_refusal_over_a_sheet_not_read_says_how_to_read_the_workbook(
    tmp_path: Path,
) -> None:
    # An instructions sheet holding the office's contact details refused the whole
    # workbook with the advice meant for records (use a pseudonymous case ID...): the
    # refusal now says that the sheet is not read and how to read the records without it.
    extra = pd.DataFrame([["Questions: cdop.office@example.gov.uk"]])
    with pytest.raises(IdentifierError) as info:
        cdop.validate(_workbook(tmp_path / "export.xlsx", extra), today=TODAY)
    message = str(info.value)
    assert "export.xlsx[Contacts], column 'A', row 2: the text holds an email" in message
    assert "not read as records" in message
    assert "delete them from a copy of the file" in message
    # a finding in the records themselves gets the advice for records alone
    notes = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV), dtype=str)
    notes.loc[0, "ethnicity"] = "cdop.office@example.gov.uk"
    reviews = pd.read_csv(io.StringIO(REVIEWS_CSV), dtype=str)
    book = tmp_path / "records.xlsx"
    with pd.ExcelWriter(book) as writer:
        notes.to_excel(writer, sheet_name="notifications", index=False)
        reviews.to_excel(writer, sheet_name="reviews", index=False)
    with pytest.raises(IdentifierError) as info:
        cdop.validate(book, today=TODAY)
    assert "not read as records" not in str(info.value)


def test_a_data_dictionary_sheet_is_not_refused(tmp_path: Path) -> None:
    # headings of a sheet the library does not read say nothing of what it holds
    extra = pd.DataFrame({"Field name": ["case_id"], "Description": ["pseudonymous ID"]})
    report = cdop.validate(_workbook(tmp_path / "export.xlsx", extra), today=TODAY)
    assert report.rows_read["notifications"] == 4


def test_a_sheet_holding_no_table_is_named_as_not_read(tmp_path: Path) -> None:
    extra = pd.DataFrame({"code": ["M"], "meaning": ["male"]})
    report = cdop.validate(_workbook(tmp_path / "export.xlsx", extra), today=TODAY)
    [message] = report.failures.loc[report.failures["rule"] == "sheet_not_read", "message"]
    assert "sheet 'Contacts' was not read" in message
    assert report.rows_read["notifications"] == 4  # the tables themselves as ever


def test_an_unread_sheet_with_name_headings_or_a_name_is_refused(tmp_path: Path) -> None:
    extra = pd.DataFrame({"Forename": ["x"], "Surname": ["y"]})
    with pytest.raises(IdentifierError, match=r"column 'A', row 1: the heading says"):
        cdop.validate(_workbook(tmp_path / "a.xlsx", extra), today=TODAY)
    notes = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV), dtype=str)
    reviews = pd.read_csv(io.StringIO(REVIEWS_CSV), dtype=str)
    book = tmp_path / "b.xlsx"
    with pd.ExcelWriter(book) as writer:
        notes.to_excel(writer, sheet_name="notifications", index=False)
        reviews.to_excel(writer, sheet_name="reviews", index=False)
        notes.head(0).to_excel(writer, sheet_name="LS6 4AB", index=False)
    with pytest.raises(IdentifierError, match=r"sheet 3 \(counted from the left\)") as e:
        cdop.validate(book, today=TODAY)
    assert "LS6" not in str(e.value)


@pytest.mark.parametrize(
    "name", ["export from jane.smith@nhs.net", "Deaths LS6 4AB", "call 07700 900123", "9434765919"]
)
def test_a_file_name_holding_an_identifier_is_refused(tmp_path: Path, name: str) -> None:
    # The names of the files read are printed in the chapter's provenance note: a tester's
    # workbook "CDOP export from jane.smith@nhs.net.xlsx" was published so, in every format.
    notes = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV), dtype=str)
    reviews = pd.read_csv(io.StringIO(REVIEWS_CSV), dtype=str)
    book = tmp_path / f"{name}.xlsx"
    with pd.ExcelWriter(book) as writer:
        notes.to_excel(writer, sheet_name="notifications", index=False)
        reviews.to_excel(writer, sheet_name="reviews", index=False)
    with pytest.raises(IdentifierError, match="workbook's file name holds") as e:
        cdop.validate(book, today=TODAY)
    assert name not in str(e.value)


def test_a_contract_column_with_name_in_its_mapped_heading_is_read(tmp_path: Path) -> None:
    text = NOTIFICATIONS_CSV.replace("residence_area", "LA Name")
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    report = cdop.validate(folder, today=TODAY, column_map={"LA Name": "residence_area"})
    assert report.rows_read["notifications"] == 4


def test_a_long_unbroken_cell_is_scanned_once_through() -> None:
    # A notes cell of 120,000 digits took 97 s (the email pattern was tried from every
    # position of the run, each reading it to its end); a 1 MB cell would take hours.
    # 400,000 characters now read in well under a second (benchmarked, not timed here).
    from cdop._identifiers import identifier_kind

    assert identifier_kind("7" * 400_000) is None
    assert identifier_kind("a1" * 200_000) is None
    # an email is still found wherever its run starts: after a long run of other words,
    # after punctuation, and with a long name of its own
    assert identifier_kind("x " * 200_000 + "jane.smith@nhs.net") == "email"
    assert identifier_kind("(contact:jane.smith@nhs.net)") == "email"
    assert identifier_kind("j" * 100_000 + "@nhs.net") == "email"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("lives at 12 High Street", "address"),
        ("3A, ELM GROVE", "address"),
        ("Flat 2, 14 Oak Road, Leeds", "address"),
        ("12 Church St", "address"),
        ("seen with Mrs Smith", "name"),
        ("MRS SMITH", "name"),
        ("discussed with Dr. O'Neill", "name"),
        ("Mx Taylor", "name"),
        # initials, capitals of other scripts, and a house number after "/", "-" or ":"
        # were missed (an independent tester's cases)
        ("Mrs J Smith informed", "name"),
        ("Seen by Dr A. Patel", "name"),
        ("Mrs Öztürk attended", "name"),
        ("Mrs Łucja Nowak", "name"),
        ("Flat 3/27 Elm Grove", "address"),
        ("12-14 Victoria Street", "address"),
        ("at:27 Elm Grove", "address"),
        # not identifiers: a hospital named after its street, numbers before other
        # capitalised words, lower-case words, an illness and a country
        ("4 Great Ormond Street Hospital", None),
        ("2 Road Traffic Collisions", None),
        ("2 fatal road collisions", None),
        ("born at 32 weeks, St Mary's", None),
        ("MS Society leaflet", None),
        ("born in DR Congo", None),
        ("Special Care Baby Unit", None),
        ("seen by Dr. on call", None),
        ("Mr and Mrs came", None),
    ],
)
def test_free_text_with_a_street_address_or_a_titled_name_is_refused(
    tmp_path: Path, text: str, kind: str | None
) -> None:
    # A notes column holding "lives at 12 High Street" or "seen with Mrs Smith" was
    # checked for identifiers, found clean and dropped: the library refuses addresses and
    # names, not only postcodes, NHS numbers, emails and phone numbers.
    tables = frames()
    tables["notifications"]["Notes"] = ""
    tables["notifications"].loc[2, "Notes"] = text
    if kind is None:
        report = cdop.validate(tables, today=TODAY)
        assert report.rows_read["notifications"] == 4
        return
    says = {"address": "a street address", "name": "a person's name after a title"}[kind]
    with pytest.raises(IdentifierError, match=f"column 'Notes', index 2: the text holds {says}"):
        cdop.validate(tables, today=TODAY)


def test_the_panels_own_text_may_name_its_chair_but_not_an_address() -> None:
    # A foreword "by Dr Jane Smith, Chair of the panel" is the panel's own text, published
    # on purpose; an address in it is refused.
    from cdop._identifiers import identifier_kind

    assert identifier_kind("Foreword by Dr Jane Smith, Chair of the panel") is None
    assert identifier_kind("The family lived at 12 High Street") == "address"
    # long runs are read once through (see the test above)
    assert identifier_kind("1 " + "A" * 400_000) is None
    assert identifier_kind("1 " + "Ab " * 100_000) is None


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_values_under_no_header_are_checked_for_identifiers(tmp_path: Path, suffix: str) -> None:
    # A column of postcodes without a header gave only "the column has values but no
    # header": its values were never scanned (an independent tester's case).
    notes = pd.read_csv(io.StringIO(NOTIFICATIONS_CSV), dtype=str)
    notes[""] = "LS6 4AB"
    folder = write_folder(tmp_path / "x", {"notifications.csv": None})
    if suffix == "csv":
        notes.to_csv(folder / "notifications.csv", index=False)
    else:
        notes.to_excel(folder / "notifications.xlsx", index=False)
    with pytest.raises(IdentifierError) as info:
        cdop.validate(folder, today=TODAY)
    column = len(notes.columns)
    assert f"column '(no header, column {column})', row 2, 3, 4, 5" in str(info.value)
    assert "LS6" not in str(info.value)
