"""The built (non-editable) wheel carries the sample, so load_sample works when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "pyproject.toml").is_file():
        pytest.skip("not running from the source tree")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(REPO),
        ],
        check=True,
    )
    (path,) = out.glob("cdop-*.whl")
    return path


def test_wheel_holds_sample_and_type_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("notifications", "reviews", "births", "population"):
        assert f"cdop/data/sample/{table}.csv" in names
    assert "cdop/py.typed" in names


def test_load_sample_from_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    code = (
        "import cdop; ds = cdop.load_sample(); "
        "print(cdop.__file__); print(len(ds.notifications), len(ds.reviews))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    )
    where, counts = out.stdout.strip().split("\n")
    assert where.startswith(str(target))  # the installed copy, not the source tree
    assert counts == "565 506"
