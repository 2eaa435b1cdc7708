"""A realistic case-management export loads in one call, with every death accounted for."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from case_management import TODAY, Written, build_workbook

import cdop
from cdop.errors import (
    CdopArgumentError,
    CdopValidationError,
    DataQualityWarning,
    IdentifierError,
)
from cdop.profiles import ImportProfile, read_mapping, save_mapping


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[cdop.Dataset, Written]:
    written = build_workbook(tmp_path_factory.mktemp("cm") / "export.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        ds = cdop.read_dataset(written.path, profile="case_management", strict=False, today=TODAY)
    return ds, written


def test_three_years_of_50_to_90_deaths(export: tuple[cdop.Dataset, Written]) -> None:
    _, written = export
    assert list(written.years) == [2021, 2022, 2023]
    assert all(50 <= n <= 90 for n in written.years.values())


def test_every_death_is_accepted_or_rejected_with_a_reason(
    export: tuple[cdop.Dataset, Written],
) -> None:
    ds, written = export
    w = written  # counts kept by the builder as it wrote the workbook
    report = ds.report
    assert report.rows_read["notifications"] == w.deaths
    rejected = ds.rejected[ds.rejected["table"] == "notifications"]
    assert len(ds.notifications) + len(rejected) == w.deaths
    assert len(rejected) == w.broken_deaths
    assert (rejected["rules"] == "required").all()
    assert rejected["message"].str.contains("'Unknown' is missing").all()


def test_open_cases_are_read_as_open_not_as_errors(export: tuple[cdop.Dataset, Written]) -> None:
    ds, written = export
    assert len(ds.reviews) == written.completed
    warned = ds.report.warnings
    assert (warned["rule"] == "open_review").sum() == written.open_cases
    assert not (ds.report.errors["table"] == "reviews").any()
    # Notifications without a completed review are the open cases.
    open_cases = set(ds.notifications["case_id"]) - set(ds.reviews["case_id"])
    assert len(open_cases) == written.open_cases


def test_messy_values_are_read(export: tuple[cdop.Dataset, Written]) -> None:
    ds, written = export
    n = ds.notifications
    assert n["age_at_death_days"].notna().all()
    assert n["date_of_death"].notna().all() and n["date_notified"].notna().all()
    assert n["ethnicity"].notna().all() and n["ethnicity_detail"].notna().all()
    assert set(n["place_of_death"].dropna().astype(str)) <= {"hospital", "home", "hospice", "other"}
    assert ds.factors is not None and len(ds.factors) == written.factors
    assert "Notes" not in n.columns and "Notes" not in ds.reviews.columns
    reasons = set(";".join(ds.reviews["delay_reasons"].dropna()).split(";"))
    assert reasons <= set(cdop.schema.DELAY_REASON_CODES)


def test_without_the_profile_the_form_sheets_are_still_found(tmp_path: Path) -> None:
    written = build_workbook(tmp_path / "export.xlsx")
    report = cdop.validate(written.path, today=TODAY)
    assert "missing_table" not in set(report.failures["rule"])


def test_a_panel_mapping_saved_and_reused(tmp_path: Path) -> None:
    written = build_workbook(tmp_path / "export.xlsx")
    # The panel's own layout: other sheet names and headers than the profile knows.
    import openpyxl

    book = openpyxl.load_workbook(written.path)
    book["Notification Form"].title = "Deaths Notified"
    book["Analysis Form"].title = "Panel Outcomes"
    book["Deaths Notified"].cell(row=1, column=1, value="Child Ref")
    book["Panel Outcomes"].cell(row=1, column=1, value="Child Ref")
    book["Analysis Form Factors"].cell(row=1, column=1, value="Child Ref")
    book.save(written.path)
    with pytest.raises(CdopValidationError):
        cdop.read_dataset(written.path, profile="case_management", today=TODAY)
    own = ImportProfile(
        "northmoor",
        sheets={"Deaths Notified": "notifications", "Panel Outcomes": "reviews"},
        columns={"Child Ref": "case_id"},
    )
    mapping = save_mapping(own, tmp_path / "northmoor.json")
    data = json.loads(mapping.read_text())
    data["profile"] = "case_management"
    mapping.write_text(json.dumps(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        ds = cdop.read_dataset(written.path, mapping=mapping, strict=False, today=TODAY)
    assert len(ds.notifications) == written.deaths - written.broken_deaths
    assert len(ds.reviews) == written.completed
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdop.cli",
            "validate",
            str(written.path),
            "--mapping",
            str(mapping),
            "--today",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1, out.stderr  # the broken deaths are errors
    assert f"notifications: {written.deaths} read, {written.broken_deaths} rejected" in out.stdout


def test_a_mapping_outside_the_contract_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"columns": {"Child Ref": "child_name"}, "sheets": {"X": "y"}}))
    with pytest.raises(CdopArgumentError) as info:
        read_mapping(path)
    assert "'child_name', not a contract column" in str(info.value)
    assert "'y', not a table" in str(info.value)
    path.write_text("{not json")
    with pytest.raises(CdopArgumentError, match="not valid JSON"):
        read_mapping(path)
    with pytest.raises(CdopArgumentError, match="unknown profile"):
        cdop.validate(tmp_path, profile="ecdop_v9")


def test_code_labels_of_a_mapping(tmp_path: Path) -> None:
    from conftest import frames

    tables = frames()
    tables["notifications"]["place_of_death"] = ["Ward 7", "home", "hospital", "hospital"]
    path = tmp_path / "ours.json"
    path.write_text(json.dumps({"codes": {"place_of_death": {"Ward 7": "hospital"}}}))
    ds = cdop.read_dataset(tables, mapping=path, today=TODAY)
    assert ds.notifications["place_of_death"].iloc[0] == "hospital"


@pytest.mark.parametrize(
    "text",
    [
        "Seen by GP; NHS no 943 476 5919 on the referral",
        "Collapsed at home, LS6 4AB, ambulance called",
        "family contact: parent@example.org",
    ],
)
@pytest.mark.parametrize("sheet", ["Notification Form", "Analysis Form"])
def test_an_identifier_anywhere_in_free_text_is_refused(
    tmp_path: Path, text: str, sheet: str
) -> None:
    plain = build_workbook(tmp_path / "plain.xlsx")
    cells = [cell for cell in plain.notes_cells if cell[0] == sheet]
    where = cells[len(cells) // 2]
    written = build_workbook(tmp_path / "export.xlsx", notes={where: text})
    with pytest.raises(IdentifierError) as info:
        cdop.read_dataset(written.path, profile="case_management", strict=False, today=TODAY)
    message = str(info.value)
    assert f"export.xlsx[{sheet}], column 'Notes', row {where[1]}:" in message
    for part in ("943 476 5919", "LS6 4AB", "parent@example.org", text):
        assert part not in message  # the value is never printed
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdop.cli",
            "validate",
            str(written.path),
            "--profile",
            "case_management",
            "--today",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1 and "refused" in out.stderr
    assert text not in out.stdout + out.stderr


def test_factors_of_an_open_case_are_set_aside_with_it() -> None:
    # The factors recorded for an open case (its analysis row without a review date) were
    # each rejected as "'A003' has no review", an error that stopped the build, with no
    # word that the case is open (an independent tester's case).
    import pandas as pd
    from conftest import frames

    tables = frames()
    tables["reviews"].loc[2, "date_review_completed"] = "TBC"
    tables["factors"] = pd.DataFrame(
        {
            "case_id": ["A002", "A003", "A003"],
            "domain": ["child", "child", "social_environment"],
            "factor": ["child_mental_health", "child_mental_health", "domestic_abuse"],
            "influence": ["may_have_contributed"] * 3,
            "modifiable": ["yes", "no", "no"],
        }
    )
    profile = ImportProfile(name="open cases", open_reviews=True)
    ds = cdop.read_dataset(tables, profile=profile, today=TODAY)
    assert ds.factors is not None
    assert ds.factors["case_id"].tolist() == ["A002"]
    warned = ds.report.warnings
    factors = warned[(warned["table"] == "factors") & (warned["rule"] == "open_review")]
    assert factors["row"].tolist() == [1, 2]
    assert "'A003' is an open case" in factors["message"].iloc[0]
    assert ds.report.errors.empty
