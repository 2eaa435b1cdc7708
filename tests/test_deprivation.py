"""Deprivation from LSOA codes and a File 1 of the English Indices of Deprivation.

The tests write small files in the published layout of File 1: a "Notes" sheet, then the
data sheet whose first row holds the published headers (IoD2019: "LSOA code (2011)", ...,
"Index of Multiple Deprivation (IMD) Decile"; IoD2025: "LSOA code (2021)", ..., "Index of
Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)").
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import TODAY, frames, write_folder

import cdop
from cdop.errors import CdopArgumentError

HEADERS = {
    2011: [
        "LSOA code (2011)",
        "LSOA name (2011)",
        "Local Authority District code (2019)",
        "Local Authority District name (2019)",
        "Index of Multiple Deprivation (IMD) Rank",
        "Index of Multiple Deprivation (IMD) Decile",
    ],
    2021: [
        "LSOA code (2021)",
        "LSOA name (2021)",
        "Local Authority District code (2024)",
        "Local Authority District name (2024)",
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    ],
}
SHEET = {2011: "IMD2019", 2021: "IoD2025 Scores"}


def write_file1(path: Path, vintage: int, codes: list[str]) -> dict[str, int]:
    """A File 1 for ``codes``: ranks in the listed order, deciles by rank; code -> decile."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["English Indices of Deprivation: File 1 (test copy)"])
    data = book.create_sheet(SHEET[vintage])
    data.append(HEADERS[vintage])
    deciles: dict[str, int] = {}
    for rank, code in enumerate(codes, start=1):
        decile = int(np.ceil(10 * rank / len(codes)))
        deciles[code] = decile
        data.append([code, f"Area {rank}", "E06009901", "Northmoor", rank, decile])
    book.save(path)
    return deciles


CODES_2011 = [f"E0100{n:04d}" for n in range(1, 41)]


def _notifications(lsoa: list[str], header: str = "lsoa_code") -> dict[str, pd.DataFrame]:
    tables = frames()
    notes = tables["notifications"].drop(columns=["imd_decile", "lsoa_code"])
    notes[header] = lsoa
    tables["notifications"] = notes
    return tables


def test_decile_equals_the_file_for_every_matched_row(tmp_path: Path) -> None:
    deciles = write_file1(tmp_path / "File_1.xlsx", 2011, CODES_2011)
    lsoa = ["E01000003", "E01000040", "E01000017", "E01000022"]
    ds = cdop.read_dataset(_notifications(lsoa), deprivation=tmp_path / "File_1.xlsx", today=TODAY)
    n = ds.notifications
    assert n["imd_decile"].tolist() == [deciles[c] for c in lsoa]
    # Hand check: 40 LSOAs, 4 per decile: rank 3 -> 1, 40 -> 10, 17 -> 5, 22 -> 6.
    assert n["imd_decile"].tolist() == [1, 10, 5, 6]
    assert n["imd_quintile"].tolist() == [1, 5, 3, 3]
    assert ds.files["deprivation"] == "File_1.xlsx" and "File_1.xlsx" in ds.checksums


def test_unmatched_and_other_vintage_codes_are_reported_by_row(tmp_path: Path) -> None:
    write_file1(tmp_path / "f.xlsx", 2011, CODES_2011)
    lsoa = ["E01000003", "E01000999", "E01035001", ""]
    ds = cdop.read_dataset(
        _notifications(lsoa), deprivation=tmp_path / "f.xlsx", strict=False, today=TODAY
    )
    assert len(ds.notifications) == 4  # no death lost
    warned = ds.report.warnings.set_index("rule")
    assert warned.loc["lsoa_unmatched", "row"] == 1
    assert warned.loc["lsoa_vintage", "row"] == 2  # a 2021 code against a 2011 file
    assert "IoD2019 (2011 LSOAs)" in warned.loc["lsoa_vintage", "message"]
    assert ds.notifications["imd_decile"].isna().tolist() == [False, True, True, True]


def test_a_2011_column_against_a_2021_file_is_never_guessed(tmp_path: Path) -> None:
    write_file1(tmp_path / "f.xlsx", 2021, CODES_2011)  # the same codes exist in both
    lsoa = ["E01000003", "E01000040", "E01000017", "E01000022"]
    ds = cdop.read_dataset(
        _notifications(lsoa, header="LSOA11"),
        deprivation=tmp_path / "f.xlsx",
        strict=False,
        today=TODAY,
    )
    assert ds.notifications["imd_decile"].isna().all()
    warned = ds.report.warnings
    assert warned[warned["rule"] == "lsoa_vintage"]["row"].tolist() == [0, 1, 2, 3]


def test_a_2011_code_absent_from_a_2021_file(tmp_path: Path) -> None:
    codes = [*CODES_2011[1:], "E01034000"]  # E01000001 replaced in the 2021 geography
    write_file1(tmp_path / "f.xlsx", 2021, codes)
    lsoa = ["E01000001", "E01034000", "E01000002", "E01000005"]
    ds = cdop.read_dataset(
        _notifications(lsoa), deprivation=tmp_path / "f.xlsx", strict=False, today=TODAY
    )
    warned = ds.report.warnings.set_index("rule")
    assert warned.loc["lsoa_vintage", "row"] == 0
    assert ds.notifications["imd_decile"].iloc[1] == 10


def test_a_given_decile_that_differs_is_reported(tmp_path: Path) -> None:
    write_file1(tmp_path / "f.xlsx", 2011, CODES_2011)
    tables = frames()
    tables["notifications"]["lsoa_code"] = ["E01000003", "E01000040", "", ""]
    ds = cdop.read_dataset(tables, deprivation=tmp_path / "f.xlsx", strict=False, today=TODAY)
    # conftest gives deciles 1, 4, 9, (blank): row 1 differs from the file's 10.
    assert ds.notifications["imd_decile"].tolist()[:3] == [1, 10, 9]
    warned = ds.report.warnings
    assert warned[warned["rule"] == "imd_lsoa_mismatch"]["row"].tolist() == [1]


def test_not_a_file1_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("code,decile\nE01000001,3\n")
    with pytest.raises(CdopArgumentError, match="not an English Indices of Deprivation File 1"):
        cdop.read_dataset(frames(), deprivation=path, today=TODAY)
    path.write_text(f"{HEADERS[2011][0]},{HEADERS[2011][5]}\nE01000001,11\n")
    with pytest.raises(CdopArgumentError, match="row 2: not a valid decile"):
        cdop.read_dataset(frames(), deprivation=path, today=TODAY)


def test_csv_file1_and_the_command_line(tmp_path: Path) -> None:
    deciles = write_file1(tmp_path / "f.xlsx", 2011, CODES_2011)
    rows = [HEADERS[2011][0] + ',"' + HEADERS[2011][5] + '"']
    rows += [f"{code},{decile}" for code, decile in deciles.items()]
    (tmp_path / "f.csv").write_text("\n".join(rows) + "\n")
    folder = write_folder(tmp_path / "export")
    ds = cdop.read_dataset(folder, deprivation=tmp_path / "f.csv", strict=False, today=TODAY)
    assert ds.notifications["imd_decile"].iloc[0] == deciles["E01000001"]
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdop.cli",
            "validate",
            str(folder),
            "--deprivation",
            str(tmp_path / "f.csv"),
            "--today",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
