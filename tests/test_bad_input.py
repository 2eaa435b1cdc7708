"""The bad-input corpus: every rule of the data contract, one broken file at a time.

Each case starts from the small valid export in ``conftest.py``, breaks one thing and
states the failure the validation report must hold: table, file, row as numbered in the
file (header = row 1), column as headed in the file, and rule. Every case also checks
that no raw pandas/pyarrow exception escapes, that the message names the file (and the
row, where there is one), and that in lenient mode every record read is either accepted
or listed as rejected.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import NOTIFICATIONS_CSV, REVIEWS_CSV, TODAY, write_folder

import cdop
from cdop.errors import CdopError, CdopValidationError, DataQualityWarning

N = "notifications.csv"
R = "reviews.csv"
F = "factors.csv"
FACTORS_HEADER = "case_id,domain,factor,influence,modifiable\n"
# A File 1 of IoD2019 (2011 LSOAs) in its published headings, saved as CSV.
FILE1_2011 = (
    'LSOA code (2011),"Index of Multiple Deprivation (IMD) Decile"\n'
    "E01000001,1\nE01000002,4\nE01000003,9\n"
)


@dataclass(frozen=True)
class Expect:
    table: str
    file: str
    row: int | None
    column: str | None
    rule: str
    severity: str = "error"


def sub(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, old  # guards the test data itself
    return text.replace(old, new, count)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_rows(text: str) -> list[list[object]]:
    return [line.split(",") for line in text.strip().split("\n")]


CASES: dict[str, tuple[dict[str, str | bytes | None], list[Expect]]] = {
    "empty file": ({N: ""}, [Expect("notifications", N, None, None, "empty_file")]),
    "header only": (
        {N: NOTIFICATIONS_CSV.split("\n")[0] + "\n"},
        [Expect("notifications", N, None, None, "no_rows")],
    ),
    "missing required column": (
        {N: NOTIFICATIONS_CSV.replace(",sex,", ",gender_x,")},
        [Expect("notifications", N, 1, "sex", "missing_column")],
    ),
    "duplicated header": (
        {
            N: sub(NOTIFICATIONS_CSV, "expected_death\n", "expected_death,Gender\n").replace(
                "expected\n", "expected,male\n"
            )
        },
        [Expect("notifications", N, 1, "Gender", "duplicate_column")],
    ),
    "wrong file type: workbook named .csv": (
        {N: xlsx_bytes(_csv_rows(NOTIFICATIONS_CSV))},
        [Expect("notifications", N, None, None, "wrong_file_type")],
    ),
    "wrong file type: unsupported extension": (
        {N: None, "notifications.json": "{}"},
        [Expect("notifications", "notifications.json", None, None, "unsupported_file_type")],
    ),
    "two files for one table": (
        {"notifications.xlsx": xlsx_bytes(_csv_rows(NOTIFICATIONS_CSV))},
        [Expect("notifications", None, None, None, "ambiguous_table")],
    ),  # type: ignore[arg-type]
    "missing reviews table": (
        {R: None},
        [
            Expect(
                "reviews",
                None,
                None,
                None,  # type: ignore[arg-type]
                "missing_table",
            )
        ],
    ),
    "ragged row": (
        {N: sub(NOTIFICATIONS_CSV, "A002,", "A002,extra,")},
        [Expect("notifications", N, 3, None, "malformed_row")],
    ),
    "blank row": (
        {N: sub(NOTIFICATIONS_CSV, "A003,", ",,,,,,,,,,\nA003,")},
        [Expect("notifications", N, 4, None, "blank_row", "warning")],
    ),
    "blank row then an error keeps file row numbers": (
        {N: sub(NOTIFICATIONS_CSV, "A003,2023-07-21", "\nA003,2023-07-32")},
        [
            Expect("notifications", N, 5, "date_of_death", "date_format"),
            Expect("notifications", N, 4, None, "blank_row", "warning"),
        ],
    ),
    "excel date serial in a CSV": (
        {N: sub(NOTIFICATIONS_CSV, "2023-05-10,2023-05-10", "45056,45056")},
        [
            Expect("notifications", N, 3, "date_of_death", "excel_date_serial", "warning"),
            Expect("notifications", N, 3, "date_notified", "excel_date_serial", "warning"),
        ],
    ),
    "impossible date": (
        {N: sub(NOTIFICATIONS_CSV, "2023-07-21", "31/02/2023")},
        [Expect("notifications", N, 4, "date_of_death", "date_format")],
    ),
    "future date of death": (
        {N: sub(NOTIFICATIONS_CSV, "2023-09-30,2023-10-01", "2026-09-30,2026-10-01")},
        [
            Expect("notifications", N, 5, "date_of_death", "future_date"),
            Expect("notifications", N, 5, "date_notified", "future_date"),
        ],
    ),
    "notified before death": (
        {N: sub(NOTIFICATIONS_CSV, "2023-04-04", "2023-04-01")},
        [Expect("notifications", N, 2, "date_notified", "notified_before_death")],
    ),
    "missing required value": (
        {N: sub(NOTIFICATIONS_CSV, "asian", "")},
        [Expect("notifications", N, 3, "ethnicity", "required")],
    ),
    "age of 18 years": (
        {N: sub(NOTIFICATIONS_CSV, ",4000,", ",6575,")},
        [Expect("notifications", N, 4, "age_at_death_days", "out_of_range")],
    ),
    "negative age": (
        {N: sub(NOTIFICATIONS_CSV, ",150,", ",-1,")},
        [Expect("notifications", N, 3, "age_at_death_days", "out_of_range")],
    ),
    "fractional age": (
        {N: sub(NOTIFICATIONS_CSV, ",150,", ",150.5,")},
        [Expect("notifications", N, 3, "age_at_death_days", "integer_format")],
    ),
    "age inconsistent with dates": (
        {
            N: sub(
                sub(NOTIFICATIONS_CSV, "expected_death\n", "expected_death,date_of_birth\n"),
                "expected\n",
                "expected,2023-03-01\n",
            )
        },
        [Expect("notifications", N, 2, "age_at_death_days", "age_inconsistent")],
    ),
    "born after death": (
        {
            N: sub(
                sub(NOTIFICATIONS_CSV, "expected_death\n", "expected_death,date_of_birth\n"),
                "expected\n",
                "expected,2023-04-05\n",
            )
        },
        [Expect("notifications", N, 2, "date_of_birth", "birth_after_death")],
    ),
    "unknown sex code": (
        {N: sub(NOTIFICATIONS_CSV, "female,asian", "fem,asian")},
        [Expect("notifications", N, 3, "sex", "invalid_code")],
    ),
    "imd decile out of range": (
        {N: sub(NOTIFICATIONS_CSV, ",9,", ",11,")},
        [Expect("notifications", N, 4, "imd_decile", "out_of_range", "warning")],
    ),
    "imd quintile inconsistent with decile": (
        {
            N: sub(
                sub(NOTIFICATIONS_CSV, "imd_decile,", "imd_decile,imd_quintile,"),
                ",1,E01",
                ",1,3,E01",
            )
            .replace(",4,E01", ",4,2,E01")
            .replace(",9,E01", ",9,5,E01")
            .replace(",,,Southvale", ",,,,Southvale")
        },
        [Expect("notifications", N, 2, "imd_quintile", "imd_inconsistent", "warning")],
    ),
    "bad LSOA code": (
        {N: sub(NOTIFICATIONS_CSV, "E01000002", "E0100002")},
        [Expect("notifications", N, 3, "lsoa_code", "pattern", "warning")],
    ),
    "duplicate case id": (
        {N: sub(NOTIFICATIONS_CSV, "A004,", "A003,")},
        [
            Expect("notifications", N, 4, "case_id", "duplicate_id"),
            Expect("notifications", N, 5, "case_id", "duplicate_id"),
        ],
    ),
    "review without notification": (
        {R: sub(REVIEWS_CSV, "A003,", "B999,")},
        [Expect("reviews", R, 4, "case_id", "review_without_notification")],
    ),
    "review before notification": (
        {R: sub(REVIEWS_CSV, "2023-10-20", "2023-04-01")},
        [Expect("reviews", R, 2, "date_review_completed", "review_before_notification")],
    ),
    "duplicate review": (
        {R: REVIEWS_CSV + "A001,2023-11-01,8,no\n"},
        [
            Expect("reviews", R, 2, "case_id", "duplicate_id"),
            Expect("reviews", R, 5, "case_id", "duplicate_id"),
        ],
    ),
    "future review": (
        {R: sub(REVIEWS_CSV, "2024-06-01", "2027-06-01")},
        [Expect("reviews", R, 4, "date_review_completed", "future_date")],
    ),
    "category out of range": (
        {R: sub(REVIEWS_CSV, ",10,", ",11,")},
        [Expect("reviews", R, 3, "category", "invalid_code")],
    ),
    "category code and label disagree": (
        {R: sub(REVIEWS_CSV, ",8,", ",Category 8: Infection,")},
        [Expect("reviews", R, 2, "category", "invalid_code")],
    ),
    "unknown modifiable factors": (
        {R: sub(REVIEWS_CSV, ",yes", ",perhaps")},
        [Expect("reviews", R, 3, "modifiable_factors", "invalid_code")],
    ),
    "review of a rejected notification": (
        {N: sub(NOTIFICATIONS_CSV, "female,asian", "fem,asian")},
        [Expect("reviews", R, 3, "case_id", "notification_rejected")],
    ),
    "negative births": (
        {"births.csv": "year,imd_quintile,live_births\n2023,1,-5\n"},
        [Expect("births", "births.csv", 2, "live_births", "out_of_range")],
    ),
    "duplicate births key": (
        {"births.csv": "year,imd_quintile,live_births\n2023,1,5\n2023,1,6\n"},
        [
            Expect("births", "births.csv", 2, "year", "duplicate_key"),
            Expect("births", "births.csv", 3, "year", "duplicate_key"),
        ],
    ),
    "unknown population age group": (
        {"population.csv": "year,age_group,population\n2023,18-24,100\n"},
        [Expect("population", "population.csv", 2, "age_group", "invalid_code")],
    ),
    "unknown extra column": (
        {
            R: sub(REVIEWS_CSV, "modifiable_factors\n", "modifiable_factors,panel_notes\n")
            .replace("no\n", "no,x\n")
            .replace("yes\n", "yes,y\n")
            .replace("information\n", "information,z\n")
        },
        [Expect("reviews", R, 1, "panel_notes", "unknown_column", "warning")],
    ),
    # Real exports: words for "no value", ages in words, the forms' fields.
    "N/A in a required column shows the cell text": (
        {N: sub(NOTIFICATIONS_CSV, ",male,white,1,", ",N/A,white,1,")},
        [Expect("notifications", N, 2, "sex", "required")],
    ),
    "Unknown LSOA keeps the death": (
        {N: sub(NOTIFICATIONS_CSV, "E01000002", "Unknown")},
        [Expect("notifications", N, 3, "lsoa_code", "not_recorded", "warning")],
    ),
    "N/A decile keeps the death": (
        {N: sub(NOTIFICATIONS_CSV, ",9,E01", ",N/A,E01")},
        [Expect("notifications", N, 4, "imd_decile", "not_recorded", "warning")],
    ),
    "unknown optional code keeps the death": (
        {N: sub(NOTIFICATIONS_CSV, ",public_place,", ",on the moon,")},
        [Expect("notifications", N, 4, "place_of_death", "invalid_code", "warning")],
    ),
    "age in months": (
        {N: sub(NOTIFICATIONS_CSV, ",150,", ",5 months,")},
        [Expect("notifications", N, 3, "age_at_death_days", "age_in_words", "warning")],
    ),
    "age in words that is not an age": (
        {N: sub(NOTIFICATIONS_CSV, ",150,", ",5 bananas,")},
        [Expect("notifications", N, 3, "age_at_death_days", "integer_format")],
    ),
    "two-digit year that is not a date": (
        {N: sub(NOTIFICATIONS_CSV, "2023-05-10,2023-05-10", "32/05/23,10/05/23")},
        [Expect("notifications", N, 3, "date_of_death", "date_format")],
    ),
    "detailed ethnicity outside the broad group": (
        {
            N: sub(NOTIFICATIONS_CSV, "expected_death\n", "expected_death,ethnicity_detail\n")
            .replace("expected\n", "expected,\n")
            .replace(
                ",asian,4,E01000002,Northmoor,home,unexpected,",
                ",asian,4,E01000002,Northmoor,home,unexpected,Black African",
            )
        },
        [Expect("notifications", N, 3, "ethnicity_detail", "detail_inconsistent", "warning")],
    ),
    "review meeting after the panel": (
        {
            R: sub(REVIEWS_CSV, "modifiable_factors\n", "modifiable_factors,date_review_meeting\n")
            .replace(",no\n", ",no,2023-10-21\n")
            .replace(",yes\n", ",yes,\n")
            .replace("information\n", "information,\n")
        },
        [Expect("reviews", R, 2, "date_review_meeting", "meeting_after_review", "warning")],
    ),
    "unknown delay reason keeps the review": (
        {
            R: sub(REVIEWS_CSV, "modifiable_factors\n", "modifiable_factors,delay_reasons\n")
            .replace(",no\n", ",no,Inquest; holidays\n")
            .replace(",yes\n", ",yes,\n")
            .replace("information\n", "information,\n")
        },
        [Expect("reviews", R, 2, "delay_reasons", "invalid_code", "warning")],
    ),
    "factor in the wrong domain": (
        {F: FACTORS_HEADER + "A001,service_provision,unsafe_sleep,2,yes\n"},
        [Expect("factors", F, 2, "factor", "factor_domain")],
    ),
    "factor without a review": (
        {F: FACTORS_HEADER + "A004,Domain B,Domestic abuse,2,yes\n"},
        [Expect("factors", F, 2, "case_id", "factor_without_review")],
    ),
    "factor of a rejected review": (
        {
            R: sub(REVIEWS_CSV, "A001,2023-10-20,8", "A001,2023-10-20,99"),
            F: FACTORS_HEADER + "A001,social_environment,domestic_abuse,1,no\n",
        },
        [
            Expect("reviews", R, 2, "category", "invalid_code"),
            Expect("factors", F, 2, "case_id", "review_rejected"),
        ],
    ),
    "analysis row for a panel not yet held (profile)": (
        {"profile": "case_management", R: sub(REVIEWS_CSV, "A003,2024-06-01,3,", "A003,TBC,,")},
        [Expect("reviews", R, 4, "date_review_completed", "open_review", "warning")],
    ),
    "LSOA not in the deprivation file": (
        {"deprivation": FILE1_2011, N: sub(NOTIFICATIONS_CSV, "E01000002", "E01000777")},
        [Expect("notifications", N, 3, "lsoa_code", "lsoa_unmatched", "warning")],
    ),
    "2021 LSOA against a 2011 deprivation file": (
        {"deprivation": FILE1_2011, N: sub(NOTIFICATIONS_CSV, "E01000002", "E01034567")},
        [Expect("notifications", N, 3, "lsoa_code", "lsoa_vintage", "warning")],
    ),
    "given decile differs from the deprivation file": (
        {"deprivation": FILE1_2011.replace("E01000001,1", "E01000001,2")},
        [Expect("notifications", N, 2, "imd_decile", "imd_lsoa_mismatch", "warning")],
    ),
    "factor recorded twice": (
        {
            F: FACTORS_HEADER
            + "A001,child,disability,1,no\nA001,child,Disability or impairment,1,no\n"
        },
        [
            Expect("factors", F, 2, "factor", "duplicate_key"),
            Expect("factors", F, 3, "factor", "duplicate_key"),
        ],
    ),
}


def _matches(failures: pd.DataFrame, expect: Expect, folder: Path) -> pd.DataFrame:
    hit = failures[
        (failures["rule"] == expect.rule)
        & (failures["table"] == expect.table)
        & (failures["severity"] == expect.severity)
    ]
    if expect.file is not None:
        names = hit["file"].map(lambda f: Path(f).name)
        hit = hit[names == expect.file]
    if expect.row is not None:
        hit = hit[hit["row"] == expect.row]
    if expect.column is not None:
        hit = hit[hit["column"] == expect.column]
    return hit


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_reports_file_row_column_and_rule(case: str, tmp_path: Path) -> None:
    files, expected = CASES[case]
    files = dict(files)
    profile = files.pop("profile", None)
    deprivation = None
    if "deprivation" in files:
        deprivation = tmp_path / "File_1.csv"
        deprivation.write_text(str(files.pop("deprivation")))
    folder = write_folder(tmp_path / "export", files)
    options = {"profile": profile, "deprivation": deprivation}
    report = cdop.validate(folder, today=TODAY, **options)  # type: ignore[arg-type]
    for expect in expected:
        hit = _matches(report.failures, expect, folder)
        assert len(hit) == 1, f"{case}: expected {expect} in\n{report.failures.to_string()}"
        message = hit["message"].iloc[0]
        if expect.file is not None:
            assert expect.file in message
        if expect.row is not None and expect.rule not in {
            "unknown_column",
            "duplicate_column",
            "missing_column",
        }:
            assert f"row {expect.row}" in message
        if expect.column is not None and expect.rule != "missing_column":
            assert expect.column in message
    errors = [e for e in expected if e.severity == "error"]
    assert report.ok is (not errors)

    # Strict mode raises the library's error carrying the same report.
    if errors:
        with pytest.raises(CdopValidationError) as info:
            cdop.read_dataset(folder, today=TODAY, **options)  # type: ignore[arg-type]
        assert info.value.report.failures.equals(report.failures)
        assert errors[0].rule in str(info.value) or "more" in str(info.value)

    # Lenient mode: every record read is accepted or rejected, never lost.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            ds = cdop.read_dataset(
                folder,
                strict=False,
                today=TODAY,
                **options,  # type: ignore[arg-type]
            )
    except CdopValidationError:
        return  # a required table could not be read at all
    rejected = ds.rejected
    for table, read in ds.report.rows_read.items():
        frame = getattr(ds, table)
        accepted = 0 if frame is None else len(frame)
        assert read == accepted + int((rejected["table"] == table).sum()), table


def test_corpus_covers_every_documented_rule() -> None:
    """Every rule named in the validation module docstring has a case in the corpus."""
    import re

    from cdop import validation

    documented = set(re.findall(r"``([a-z_]+)``", validation.__doc__ or ""))
    covered = {e.rule for _, expected in CASES.values() for e in expected}
    covered |= {
        "encoding",
        "missing_source",
        "unsupported_source",
        "unreadable_file",
        "column_map",
        "blank_header",
        "excel_formula",
        "excel_error",
        "merged_cells",
        "sheet_not_read",
    }  # tested in test_read.py
    covered |= {"date_order", "age_unit", "ethnicity_letters", "totals_row"}  # test_forms.py
    covered |= {"line_ends", "title_rows"}  # test_read_quoted.py
    covered |= {"unfit_name"}  # test_hostile_input.py
    assert documented - covered - {"rule"} == set()
    assert len(CASES) >= 25


def test_strict_message_lists_failures_readably(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "export", {N: sub(NOTIFICATIONS_CSV, "2023-04-04", "2023-04-01")}
    )
    with pytest.raises(CdopError) as info:
        cdop.read_dataset(folder, today=TODAY)
    text = str(info.value)
    assert "2 error(s)" in text  # the notification, and its review rejected with it
    assert "notifications.csv, row 2, column 'date_notified'" in text
    assert "'2023-04-01' is before the date of death 03/04/2023" in text
