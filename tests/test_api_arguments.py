"""Arguments of the Python API given as an analyst might give them: text where a date is
expected, one format as text, a list for a mapping. Each is read as the command line reads
it or refused with a message naming the argument, never a raw Python error.

The cases are an independent tester's: ``build(date="2025-01-01")`` raised
AttributeError, ``validate(today="01/03/2025")`` read the date month first without a word,
``formats="md"`` was read as the formats "m" and "d", and ``column_map=[...]``,
``out=None`` and ``validate(None)`` raised AttributeError or TypeError.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, frames

import cdop
from cdop.errors import CdopArgumentError
from cdop.report import build, build_chapter


@pytest.fixture(scope="module")
def sample() -> cdop.Dataset:
    return cdop.load_sample()


@pytest.mark.parametrize("today", ["01/03/2025", "garbage", 20250301, "2025-02-30"])
def test_a_today_not_written_as_a_date_is_refused(today: object) -> None:
    with pytest.raises(CdopArgumentError, match=r"today: expected a date or text YYYY-MM-DD"):
        cdop.validate(frames(), today=today)  # type: ignore[arg-type]


def test_a_today_written_yyyy_mm_dd_is_that_date() -> None:
    as_text = cdop.validate(frames(), today="2024-06-01")  # type: ignore[arg-type]
    as_date = cdop.validate(frames(), today=dt.date(2024, 6, 1))
    assert as_text.failures.equals(as_date.failures)
    assert cdop.validate(frames(), today=TODAY).errors.empty


def test_a_chapter_date_as_text_is_the_date_printed(sample: cdop.Dataset) -> None:
    by_text = build_chapter(sample, year="2024/25", date="2025-09-30", progress=False)  # type: ignore[arg-type]
    by_date = build_chapter(sample, year="2024/25", date=dt.date(2025, 9, 30), progress=False)
    assert by_text.date_text == by_date.date_text
    assert by_text.date_text.startswith("Published 30 September 2025.")
    with pytest.raises(CdopArgumentError, match=r"date: expected a date or text YYYY-MM-DD"):
        build_chapter(sample, year="2024/25", date="yesterday", progress=False)  # type: ignore[arg-type]


def test_one_format_as_text(sample: cdop.Dataset, tmp_path: Path) -> None:
    result = build(sample, out=tmp_path / "r", year="2024/25", formats="md", progress=False)  # type: ignore[arg-type]
    assert sorted({p.suffix for p in result.files}) == [".md", ".png", ".svg"]
    with pytest.raises(CdopArgumentError, match=r"formats: expected some of .*unknown \['pdf'\]"):
        build(sample, out=tmp_path / "p", formats="md,pdf", progress=False)  # type: ignore[arg-type]
    assert not (tmp_path / "p").exists()


def test_arguments_of_the_wrong_kind_are_named(sample: cdop.Dataset) -> None:
    with pytest.raises(CdopArgumentError, match=r"out: expected the path of the output folder"):
        build(sample, out=None, progress=False)  # type: ignore[arg-type]
    with pytest.raises(CdopArgumentError, match=r"column_map: expected a mapping"):
        cdop.validate(frames(), column_map=["Case ID", "case_id"], today=TODAY)  # type: ignore[arg-type]
    with pytest.raises(CdopArgumentError, match=r"source: expected a folder"):
        cdop.validate(None, today=TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_a_sample_seed_that_is_not_a_whole_number_of_0_or_more_is_refused(
    tmp_path: Path, seed: object
) -> None:
    # the command line printed numpy's traceback for --seed -1
    with pytest.raises(CdopArgumentError, match=r"seed: expected a whole number of 0 or more"):
        cdop.write_sample(tmp_path / "s", seed=seed)  # type: ignore[arg-type]
    assert not (tmp_path / "s").exists()
