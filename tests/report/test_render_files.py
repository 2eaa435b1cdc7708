"""render(): the files written, tidy CSV, figures, determinism, errors, light imports."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from report_fixtures import STAMP, make_chapter

from cdop.errors import CdopArgumentError
from cdop.report._render import FORMATS, render

EXPECTED = [
    "chapter.md",
    "chapter.html",
    "chapter.docx",
    "chapter.xlsx",
    "tables/notifications_by_year.csv",
    "tables/place_of_death.csv",
    "tables/README.txt",
    "figures/notifications_trend.png",
    "figures/notifications_trend.svg",
]


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_writes_every_format(tmp_path: Path) -> None:
    written = render(make_chapter(), tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == EXPECTED
    assert sorted(_digests(tmp_path)) == sorted(EXPECTED)


def test_only_the_formats_asked_for(tmp_path: Path) -> None:
    written = render(make_chapter(), tmp_path, formats=["xlsx", "md"])
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "chapter.md",
        "chapter.xlsx",
        "figures/notifications_trend.png",
        "figures/notifications_trend.svg",
    ]


def test_tidy_csv_round_trips_and_is_plain(tmp_path: Path) -> None:
    chapter = make_chapter(STAMP)
    render(chapter, tmp_path, formats=["csv"])
    for table in chapter.tables:
        raw = (tmp_path / "tables" / f"{table.id}.csv").read_bytes()
        assert b"\r" not in raw
        assert STAMP.encode() not in raw  # machine-readable: no comment lines
        back = pd.read_csv(io.BytesIO(raw))
        pd.testing.assert_frame_equal(back, table.tidy, check_dtype=False)
    readme = (tmp_path / "tables" / "README.txt").read_text(encoding="utf-8")
    assert STAMP in readme
    assert chapter.disclosure_note in readme
    for table in chapter.tables:
        assert f"{table.id}.csv" in readme and table.caption in readme


def test_readme_without_stamp(tmp_path: Path) -> None:
    render(make_chapter(), tmp_path, formats=["csv"])
    assert STAMP not in (tmp_path / "tables" / "README.txt").read_text(encoding="utf-8")


def test_figures_written_from_the_bytes(tmp_path: Path) -> None:
    chapter = make_chapter()
    render(chapter, tmp_path, formats=["md"])
    figure = chapter.figures[0]
    assert (tmp_path / "figures" / f"{figure.id}.png").read_bytes() == figure.png
    assert (tmp_path / "figures" / f"{figure.id}.svg").read_bytes() == figure.svg


@pytest.mark.parametrize("stamp", [None, STAMP])
def test_two_renders_give_identical_bytes(tmp_path: Path, stamp: str | None) -> None:
    render(make_chapter(stamp), tmp_path / "a")
    render(make_chapter(stamp), tmp_path / "b")
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


def test_identical_bytes_in_another_process(tmp_path: Path) -> None:
    """A fresh interpreter (other hash seed, other time) writes the same bytes."""
    render(make_chapter(STAMP), tmp_path / "here")
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "from report_fixtures import make_chapter, STAMP; "
        "from cdop.report._render import render; "
        "render(make_chapter(STAMP), Path(sys.argv[2]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "Pacific/Auckland"}
    subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(tmp_path / "there")],
        check=True,
        env=env,
    )
    assert _digests(tmp_path / "here") == _digests(tmp_path / "there")


def test_no_absolute_paths_inside_outputs(tmp_path: Path) -> None:
    render(make_chapter(), tmp_path)
    needle = str(tmp_path).encode()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert needle not in path.read_bytes()


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CdopArgumentError, match=r"formats: expected some of .*'pdf'"):
        render(make_chapter(), tmp_path, formats=["pdf"])  # type: ignore[list-item]
    assert not tmp_path.joinpath("chapter.md").exists()


@pytest.mark.parametrize("bad", ["../escape", "a b", ""])
def test_unsafe_table_id_is_refused(tmp_path: Path, bad: str) -> None:
    chapter = make_chapter()
    section = chapter.sections[1]
    table = dataclasses.replace(section.tables[0], id=bad)
    chapter = dataclasses.replace(
        chapter, sections=(chapter.sections[0], dataclasses.replace(section, tables=(table,)))
    )
    with pytest.raises(CdopArgumentError, match="table ids"):
        render(chapter, tmp_path)


def test_repeated_table_id_is_refused(tmp_path: Path) -> None:
    chapter = make_chapter()
    section = dataclasses.replace(chapter.sections[1], tables=chapter.sections[0].tables)
    chapter = dataclasses.replace(chapter, sections=(chapter.sections[0], section))
    with pytest.raises(CdopArgumentError, match=r"unique table ids.*notifications_by_year"):
        render(chapter, tmp_path)


def test_formats_constant() -> None:
    assert FORMATS == ("md", "html", "docx", "xlsx", "csv")


def test_renderer_modules_import_no_office_libraries() -> None:
    code = (
        "import sys; import cdop.report._render, cdop.report._docx, cdop.report._xlsx; "
        "print(','.join(m for m in ('docx', 'openpyxl', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
