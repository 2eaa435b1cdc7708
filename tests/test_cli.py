"""The command line: validate and sample."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import NOTIFICATIONS_CSV, write_folder

from cdop.cli import main


def test_validate_ok_on_sample(capsys: pytest.CaptureFixture[str]) -> None:
    from cdop.sample import sample_path

    assert main(["validate", str(sample_path())]) == 0
    assert capsys.readouterr().out.startswith("OK: no failures")


def test_validate_prints_failures_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_folder(
        tmp_path / "x", {"notifications.csv": NOTIFICATIONS_CSV.replace("2023-04-04", "2023-04-01")}
    )
    out_csv = tmp_path / "failures.csv"
    code = main(["validate", str(folder), "--out", str(out_csv), "--today", "2026-01-01"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "notifications.csv (notifications)" in printed
    assert "ERROR" in printed and "[notified_before_death]" in printed
    assert "2 error(s)" in printed
    table = pd.read_csv(out_csv)
    assert table["rule"].tolist() == ["notified_before_death", "notification_rejected"]


def test_validate_refuses_identifiers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = NOTIFICATIONS_CSV.replace("expected_death\n", "expected_death,Surname\n", 1)
    text = (
        "\n".join(line + ",x" if i else line for i, line in enumerate(text.strip().split("\n")))
        + "\n"
    )
    folder = write_folder(tmp_path / "x", {"notifications.csv": text})
    assert main(["validate", str(folder)]) == 1
    assert "refused" in capsys.readouterr().err


def test_column_map_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_folder(
        tmp_path / "x", {"notifications.csv": NOTIFICATIONS_CSV.replace(",sex,", ",Kid Sex,")}
    )
    mapping = tmp_path / "map.json"
    mapping.write_text('{"Kid Sex": "sex"}')
    assert (
        main(["validate", str(folder), "--column-map", str(mapping), "--today", "2026-01-01"]) == 0
    )
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert main(["validate", str(folder), "--column-map", str(bad)]) == 2
    assert "--column-map" in capsys.readouterr().err


def test_sample_command_writes_files(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "cdop.cli", "sample", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.count("wrote") == 5
    assert (tmp_path / "s" / "reviews.csv").is_file()


def test_python_dash_m_cdop_is_the_cdop_command(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "cdop", "sample", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.count("wrote") == 5
    usage = subprocess.run(
        [sys.executable, "-m", "cdop", "--help"], capture_output=True, text=True, check=True
    )
    assert usage.stdout.startswith("usage: cdop ")
