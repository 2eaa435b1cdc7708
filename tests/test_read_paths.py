"""Every way of reading a CSV file gives the same tables, failures and checksums.

A clean UTF-8 file is read by Arrow from the file a piece at a time; a file decoded from
another encoding is read by Arrow from its text; anything else by pandas. The three are
compared here on the same bytes, with pieces and blocks small enough that a file spans
several of each.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from conftest import NOTIFICATIONS_CSV, REVIEWS_CSV, TODAY, write_folder

from cdop import _read
from cdop.sample import generate_sample
from cdop.validation import Checked, check_source

_PATHS = ("file", "text", "pandas")


def _check(folder: Path, path: str, monkeypatch: pytest.MonkeyPatch) -> Checked:
    with monkeypatch.context() as patch:
        if path == "file":  # the text reader is not used at all

            def unused(*args: object) -> None:
                raise AssertionError("read as text")

            patch.setattr(_read, "_read_csv_bytes", unused)
        if path in ("text", "pandas"):
            patch.setattr(_read, "_read_clean_file", lambda *args: None)
        if path == "pandas":
            patch.setattr(_read, "_read_csv_arrow", lambda *args: None)
        return check_source(folder, today=TODAY)


def _same(left: Checked, right: Checked) -> None:
    assert left.tables.keys() == right.tables.keys()
    for table, frame in left.tables.items():
        pd.testing.assert_frame_equal(frame, right.tables[table])
    pd.testing.assert_frame_equal(left.report.failures, right.report.failures)
    pd.testing.assert_frame_equal(left.rejected, right.rejected)
    assert left.report.rows_read == right.report.rows_read
    assert left.report.rows_rejected == right.report.rows_rejected
    assert left.checksums == right.checksums


_FAILING = NOTIFICATIONS_CSV + (
    "A001,2023-04-03,2023-04-04,2,male,white,1,E01000001,Northmoor,hospital,expected\n"
    "A005,31/02/2023,2023-04-04,2 days,banana,white,11,e01000005,Northmoor,hospital,expected\n"
    "A006, 2023-01-05 ,N/A,,F,Asian or Asian British: Indian,3,E01000006,Northmoor,,\n"
    "\n"
    "A007,2023-01-05,2023-01-04,44927,m,White,3,E01000007,,home,unexpected\n"
    ",2023-01-05,2023-01-06,3,male,white,3,E01000008,Northmoor,home,expected\n"
    " A002 ,2023-01-05,2023-01-06,3,male,white,3,E01000009,Northmoor,home,expected\n"
)
_REVIEWS = REVIEWS_CSV + "A999,2024-01-15,10,yes\nA006,2024-01-15,Category 8,maybe\n"


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"notifications.csv": _FAILING, "reviews.csv": _REVIEWS},
        {"notifications.csv": _FAILING.replace("\n", "\r\n") + "\r\n"},
        {"notifications.csv": b"\xef\xbb\xbf" + _FAILING.encode() + b"\n\n"},
        {"notifications.csv": _FAILING.replace(",", ";")},
    ],
    ids=["clean", "failures", "crlf and a blank last line", "bom and blank lines", "semicolons"],
)
def test_every_path_reads_the_same(
    files: dict[str, str | bytes | None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_folder(tmp_path / "export", files)
    monkeypatch.setattr(_read, "_PIECE", 600)  # several pieces, each of several lines
    monkeypatch.setattr(_read, "_BLOCK_BOUNDS", (256, 256))  # several blocks a piece
    checked = {path: _check(folder, path, monkeypatch) for path in _PATHS}
    _same(checked["file"], checked["text"])
    if b"\r\n\r\n" not in (folder / "notifications.csv").read_bytes():
        # pandas reads a blank CRLF line as a record holding "\r" (Arrow: a blank row)
        _same(checked["file"], checked["pandas"])
    data = (folder / "notifications.csv").read_bytes()
    assert checked["file"].checksums["notifications.csv"] == hashlib.sha256(data).hexdigest()


def test_a_larger_export_in_many_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled sample, every field of the forms, as CSV: the same through every path
    with pieces of about 64 KiB (many blocks each, every column's codes translated)."""
    sample = generate_sample()
    folder = tmp_path / "sample"
    folder.mkdir()
    for table in ("notifications", "reviews"):
        sample[table].to_csv(folder / f"{table}.csv", index=False)
    monkeypatch.setattr(_read, "_PIECE", 64 * 1024)
    monkeypatch.setattr(_read, "_BLOCK_BOUNDS", (8 * 1024, 8 * 1024))
    checked = {path: _check(folder, path, monkeypatch) for path in _PATHS}
    assert checked["file"].report.rows_read["notifications"] == len(sample["notifications"])
    _same(checked["file"], checked["text"])
    _same(checked["file"], checked["pandas"])


def test_a_file_changed_while_read_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checksum is always that of the bytes read: a file rewritten while Arrow read it
    is read again as text."""
    folder = write_folder(tmp_path / "export")
    path = folder / "notifications.csv"
    real = _read._arrow_body

    def rewrite(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        path.write_text(NOTIFICATIONS_CSV.replace("A004", "A009"), encoding="utf-8")
        return result

    with monkeypatch.context() as patch:
        patch.setattr(_read, "_arrow_body", rewrite)
        patch.setattr(_read, "_read_csv_arrow", lambda *args: None)
        raw = _read._read_csv("notifications", path, None)
    assert raw.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "A009" in set(raw.frame["case_id"])
