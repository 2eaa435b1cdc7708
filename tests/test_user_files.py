"""The user's files: never deleted or overwritten, outputs whole or absent, clean messages
for every way writing can fail, every signal cleaned up, one build per folder."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hostile_helpers import HOSTILE, assert_outputs_safe
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import cdop
from cdop._files import MARKER_FILE, output_folder
from cdop.cli import _Signalled, _signals_raise, main
from cdop.report import build

CLI = [sys.executable, "-m", "cdop.cli"]


@pytest.fixture(scope="module")
def sample() -> cdop.Dataset:
    return cdop.load_sample()


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# -- the output folder -------------------------------------------------------------------
def test_file_put_into_the_old_report_during_a_build_is_kept(
    sample: cdop.Dataset, tmp_path: Path
) -> None:
    """The example: --out was checked before the build, then removed wholesale."""
    out = tmp_path / "report"
    build(sample, out=out, formats=["md"])
    before = _tree(out)
    mine = out / "my-notes.txt"

    def progress(message: str) -> None:
        if message.startswith("section 3") and not mine.exists():
            mine.write_text("written during the build")

    with pytest.raises(cdop.CdopArgumentError, match=r"my-notes\.txt, which cdop did not write"):
        build(sample, out=out, formats=["md"], progress=progress)
    assert mine.read_text() == "written during the build"
    after = _tree(out)
    del after["my-notes.txt"]
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_changed_file_in_an_earlier_report_is_kept(sample: cdop.Dataset, tmp_path: Path) -> None:
    out = tmp_path / "report"
    build(sample, out=out, formats=["md"])
    (out / "chapter.md").write_text("my edits")
    with pytest.raises(cdop.CdopArgumentError, match="changed since cdop wrote it"):
        build(sample, out=out, formats=["md"])
    assert (out / "chapter.md").read_text() == "my edits"


def test_an_earlier_report_is_replaced_whole(sample: cdop.Dataset, tmp_path: Path) -> None:
    out = tmp_path / "report"
    build(sample, out=out, formats=["md", "csv"])
    build(sample, out=out, formats=["md"])
    assert not (out / "tables").exists()  # the first build's files are gone
    assert (out / "chapter.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]
    listed = (out / MARKER_FILE).read_text().splitlines()[1:]
    assert sorted(line.split("\t")[2] for line in listed) == sorted(
        p for p in _tree(out) if p != MARKER_FILE
    )


@pytest.mark.parametrize(
    "listed",
    [
        "../victim.txt",  # a path out of the folder
        "{victim}",  # an absolute path
        "figures/../../victim.txt",
        "./victim.txt",
    ],
)
def test_a_marker_naming_a_file_outside_the_folder_deletes_nothing(
    sample: cdop.Dataset, tmp_path: Path, listed: str
) -> None:
    # A forged marker (anyone who can write into a shared report folder) listed files
    # outside the folder, and the next rebuild deleted them.
    out = tmp_path / "report"
    build(sample, out=out, formats=["md"])
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    marker = out / MARKER_FILE
    line = f"4\t{hashlib.sha256(b'keep').hexdigest()}\t{listed.format(victim=victim)}"
    marker.write_text(marker.read_text() + line + "\n")
    before = _tree(out)
    with pytest.raises(cdop.CdopArgumentError, match=r"\.cdop-report \(changed since cdop"):
        build(sample, out=out, formats=["md"])
    assert victim.read_text() == "keep"
    assert _tree(out) == before


@pytest.mark.parametrize("line", ["garbage", "abc\tdef\tx", "-1\t" + "0" * 64 + "\tchapter.md"])
def test_a_malformed_marker_is_refused_in_one_line(
    sample: cdop.Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    out = tmp_path / "report"
    build(sample, out=out, formats=["md"])
    marker = out / MARKER_FILE
    marker.write_text(marker.read_text() + line + "\n")
    before = _tree(out)
    assert main(["report", "--out", str(out), "--format", "md", "--quiet"]) != 0
    assert "changed since cdop wrote it" in _one_line(capsys.readouterr().err)
    assert _tree(out) == before


def test_a_marker_that_is_a_folder_is_refused_and_leaves_nothing(
    sample: cdop.Dataset, tmp_path: Path
) -> None:
    # A folder named as the marker made the folder look like the library's; replacing it
    # then failed half way, leaving a .cdop-old-* folder beside it.
    out = tmp_path / "report"
    (out / MARKER_FILE).mkdir(parents=True)
    (out / MARKER_FILE / "mine.txt").write_text("keep")
    with pytest.raises(cdop.CdopArgumentError, match=r"\.cdop-report \(a folder or link"):
        build(sample, out=out, formats=["md"])
    assert (out / MARKER_FILE / "mine.txt").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


@pytest.mark.parametrize("earlier", [False, True])
def test_a_users_empty_folder_is_kept(sample: cdop.Dataset, tmp_path: Path, earlier: bool) -> None:
    # A folder holding only empty folders of the user's (or a report of the library's
    # with one added) counted as the library's: replacing it removed them.
    out = tmp_path / "report"
    if earlier:
        build(sample, out=out, formats=["md"])
    (out / "drafts" / "2025").mkdir(parents=True)
    with pytest.raises(cdop.CdopArgumentError, match=r"holds drafts/, which cdop did not"):
        build(sample, out=out, formats=["md"])
    assert (out / "drafts" / "2025").is_dir()


def test_folders_get_ordinary_permissions(sample: cdop.Dataset, tmp_path: Path) -> None:
    """The example: the report folder was created with mode 0700 (tempfile.mkdtemp)."""
    mask = os.umask(0o022)
    try:
        result = build(sample, out=tmp_path / "report", formats=["md"])
    finally:
        os.umask(mask)
    assert stat.S_IMODE(result.out.stat().st_mode) == 0o755
    assert stat.S_IMODE((result.out / "chapter.md").stat().st_mode) == 0o644


def test_one_build_per_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The example: two concurrent builds to one folder both 'succeeded'."""
    out = tmp_path / "report"
    with output_folder(out) as staging:  # another build holds the folder
        (staging / "theirs.md").write_text("the other build")
        code = main(["report", "--out", str(out), "--format", "md", "--quiet"])
        assert code == 2
        assert "another cdop run is writing to" in _one_line(capsys.readouterr().err)
        assert not out.exists()
    assert sorted(p.name for p in out.iterdir()) == [MARKER_FILE, "theirs.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_symlinked_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "keep.txt").write_text("keep")
    (tmp_path / "link").symlink_to(real)
    code = main(["report", "--out", str(tmp_path / "link"), "--format", "md", "--quiet"])
    assert code == 2
    assert "symbolic link" in _one_line(capsys.readouterr().err)
    assert _tree(real) == {"keep.txt": hashlib.sha256(b"keep").hexdigest()}


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the file system is read-only"),
    ],
)
def test_write_failures_give_one_line_and_leave_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    error: int,
    words: str,
) -> None:
    out = tmp_path / "report"
    assert main(["report", "--out", str(out), "--format", "md", "--quiet"]) == 0
    before = _tree(out)
    original = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        if self.name.endswith(".png"):
            raise OSError(error, os.strerror(error), str(self))
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    assert main(["report", "--out", str(out), "--format", "md", "--quiet"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert words in line and "no output was left half-written" in line
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_parent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        code = main(["report", "--out", str(parent / "r"), "--format", "md", "--quiet"])
    finally:
        parent.chmod(0o755)
    assert code == 2
    assert "permission denied" in _one_line(capsys.readouterr().err)


def test_path_component_too_long(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / ("é" * 200)  # 400 bytes
    assert main(["report", "--out", str(out), "--format", "md", "--quiet"]) == 2
    assert "400 bytes long" in _one_line(capsys.readouterr().err)


# -- files that are not folders ----------------------------------------------------------
def test_validate_out_never_overwrites_an_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example: validate --out exports/reviews.csv overwrote the export."""
    data = tmp_path / "exports"
    cdop.write_sample(data)
    before = _tree(data)
    code = main(["validate", str(data), "--out", str(data / "reviews.csv")])
    assert code == 2
    assert "already exists; cdop never overwrites a file" in _one_line(capsys.readouterr().err)
    assert _tree(data) == before


def test_validate_out_neutralises_failing_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Failing values are data: in the failure table they must not become formulas."""
    data = tmp_path / "exports"
    cdop.write_sample(data)
    path = data / "notifications.csv"
    text = path.read_text().replace(",male,", ',"=HYPERLINK(""http://x"")",', 1)
    path.write_text(text)
    out = tmp_path / "failures.csv"
    assert main(["validate", str(data), "--out", str(out), "--today", "2026-01-01"]) == 1
    capsys.readouterr()
    values = pd.read_csv(out, dtype=str)["value"].dropna().tolist()
    assert '\'=HYPERLINK("http://x")' in values
    assert not [v for v in values if v.startswith("=")]


def test_sample_never_replaces_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The example: cdop sample exports/ replaced real exports with the fictional sample."""
    data = tmp_path / "exports"
    data.mkdir()
    (data / "notifications.csv").write_text("real export\n")
    assert main(["sample", str(data)]) == 2
    assert "already holds notifications.csv" in _one_line(capsys.readouterr().err)
    assert sorted(p.name for p in data.iterdir()) == ["notifications.csv"]
    assert (data / "notifications.csv").read_text() == "real export\n"


def test_workers_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["report", "--by", "residence_area", "--workers", "-1"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "expected a whole number of 1 or more, got '-1'" in err
    assert "Traceback" not in err


def test_previous_is_refused_with_by_rather_than_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An earlier chapter of the panel, read beside this year's area chapters, gave hidden
    # counts away (an attack on the sample recovered or narrowed 75): --previous does not
    # cover --by, so it must say so instead of building as if it did.
    args = ["report", "--by", "residence_area", "--previous", str(tmp_path), "--out"]
    assert main([*args, str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "cdop report: --previous" in err and "does not yet cover the chapters of --by" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


# -- signals and pipes -------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _ctrl_c_as_in_a_terminal() -> Iterator[None]:
    """Ctrl-C (SIGINT) handled as in a terminal, in this process and the programs it starts.

    The test processes of pytest-xdist ignore SIGINT, and a program started from a process
    that ignores a signal ignores it too (as a job started with ``&`` from a script does),
    so the command would rightly not stop on Ctrl-C there.
    """
    try:
        old = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: the handlers cannot be changed
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _wait_for_staging(parent: Path, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(p.name.startswith(".cdop-staging-") for p in parent.iterdir()):
            return
        if proc.poll() is not None:
            raise AssertionError(f"finished before a signal could be sent: {proc.returncode}")
        time.sleep(0.05)
    raise AssertionError("no staging folder appeared")


@pytest.mark.parametrize(
    ("signum", "code", "by"),
    [
        (signal.SIGTERM, 143, False),
        (signal.SIGHUP, 129, False),
        (signal.SIGINT, 130, False),
        (signal.SIGINT, 130, True),  # Ctrl-C reaches the workers too
        (signal.SIGTERM, 143, True),
    ],
)
def test_signals_leave_no_staging_folder(tmp_path: Path, signum: int, code: int, by: bool) -> None:
    """The example: SIGTERM or SIGHUP left hidden staging folders with partial files."""
    out = tmp_path / "report"
    args = [*CLI, "report", "--out", str(out), "--quiet"]
    if by:
        args += ["--by", "residence_area", "--workers", "2"]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _wait_for_staging(tmp_path, proc)
        time.sleep(1.0)  # mid-build: sections computed or files being written
        if signum == signal.SIGINT and by:
            os.killpg(proc.pid, signum)  # as the terminal does: every process of the group
        else:
            proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, err.decode()
    assert "nothing was written" in _one_line(err.decode())
    assert list(tmp_path.iterdir()) == []


class _SignalsItself:
    """Sends ``signum`` to this process's main thread from its finaliser, and lets Python
    handle it there (a loop is a safe point), as when a signal lands during garbage
    collection. Sent to the main thread itself: a signal sent to the process may be
    delivered to another of its threads (a test runner's), and then neither runs the
    handler inside the finaliser nor interrupts the main thread's sleep."""

    def __init__(self, signum: int) -> None:
        self.signum = signum

    def __del__(self) -> None:
        main = threading.main_thread().ident
        if hasattr(signal, "pthread_kill") and main is not None:
            signal.pthread_kill(main, self.signum)
        else:  # pragma: no cover - platforms without POSIX threads
            os.kill(os.getpid(), self.signum)
        for _ in range(1000):
            pass


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_handled_inside_a_finaliser_still_stops_the_command(signum: int) -> None:
    """The example: SIGTERM handled inside a weak-reference callback was printed as
    "Exception ignored" and dropped; the report was written and the exit code was 0.
    The signal must reach the command's own code at the next safe point."""
    expected: type[BaseException] = KeyboardInterrupt if signum == signal.SIGINT else _Signalled
    before = sys.unraisablehook

    def build() -> None:
        with _signals_raise():
            _SignalsItself(signum)  # collected at once: the handler runs in __del__
            time.sleep(5)  # the build goes on; the signal must stop it here

    with pytest.raises(expected):
        build()
    assert sys.unraisablehook is before


def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """The example: `cdop validate ... | head` gave a BrokenPipeError traceback."""
    data = tmp_path / "exports"
    cdop.write_sample(data)
    path = data / "notifications.csv"
    path.write_text(path.read_text().replace(",male,", ",robot,"))
    proc = subprocess.Popen(
        [*CLI, "validate", str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader has gone before anything is printed
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert proc.returncode == 141
    assert err == ""


# -- names, end to end -------------------------------------------------------------------
def _data_with_areas(folder: Path, names: tuple[str, str]) -> Path:
    """The sample with its two areas renamed."""
    cdop.write_sample(folder)
    rename = dict(zip(("Northmoor", "Southvale"), names, strict=True))
    for path in folder.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "residence_area" in frame.columns:
            frame["residence_area"] = frame["residence_area"].replace(rename)
            frame.to_csv(path, index=False)
    return folder


def test_hostile_area_names_are_written_inert(tmp_path: Path) -> None:
    names = ('=HYPERLINK("javascript:alert(1)","x")', "<img src=x onerror=alert(1)>")
    data = _data_with_areas(tmp_path / "data", names)
    out = tmp_path / "out"
    args = ["report", "--data", str(data), "--by", "residence_area", "--workers", "1"]
    assert main([*args, "--out", str(out), "--quiet", "--today", "2026-01-01"]) == 0
    assert assert_outputs_safe(out) > 30
    readme = (out / "README.md").read_text()
    assert "<img" not in readme.replace("\\<img", "") and "javascript:" in readme
    assert "](javascript:" not in readme


@pytest.mark.parametrize(
    ("names", "words"),
    [
        (("All areas", "Southvale"), "uses 'All areas' for the areas together"),
        (("ALL AREAS ", "Southvale"), "uses 'All areas' for the areas together"),
        (("North Moor", "north-moor"), "differ only in case, spaces or punctuation"),
        (("North\x07moor", "Southvale"), "U+0007 (a control character)"),
    ],
)
def test_bad_area_names_are_refused_up_front(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], names: tuple[str, str], words: str
) -> None:
    data = _data_with_areas(tmp_path / "data", names)
    args = ["report", "--data", str(data), "--by", "residence_area", "--today", "2026-01-01"]
    assert main([*args, "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert words in _one_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


@pytest.mark.parametrize(
    ("panel", "code"),
    [("Panel\x00name", 2), ("Panel\tname", 2), ("P" * 231, 2), ("P" * 200, 0), (HOSTILE[0], 0)],
)
def test_panel_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], panel: str, code: int
) -> None:
    """The examples: control characters or 230+ characters in --panel crashed Word."""
    out = tmp_path / "out"
    args = ["report", "--out", str(out), "--format", "docx,xlsx", "--quiet", "--panel", panel]
    assert main(args) == code
    if code:
        _one_line(capsys.readouterr().err)
        assert not out.exists()
    else:
        assert assert_outputs_safe(out) > 2


_NAME = st.one_of(
    st.text(st.characters(codec=None), min_size=1, max_size=30),
    st.builds(lambda p, t: p + t, st.sampled_from(["=", "+", "-", "@", "\t", "\r"]), st.text()),
    st.sampled_from(HOSTILE),
)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example takes seconds
)
@given(areas=st.tuples(_NAME, _NAME), panel=_NAME)
# Found by the randomised search: a control character XML forbids, in an area name, left
# the SVG figures unreadable.
@example(areas=("North\x18moor", "Southvale"), panel="Panel\x0b")
def test_random_names_through_every_format(
    tmp_path_factory: pytest.TempPathFactory, areas: tuple[str, str], panel: str
) -> None:
    """Random area and panel names, end to end through the command line: nothing outside
    --out is written; every file opens; no cell is a formula; exit 0, or a documented
    error code (1: the data were refused; 2: a one-line message)."""
    root = tmp_path_factory.mktemp("names")
    if len(set(areas)) < 2 or any(re.search("[\x00\ud800-\udfff]", a) for a in areas):
        areas = ("Northmoor", "Southvale")  # pandas, which writes the test's data, cannot
    data = _data_with_areas(root / "data", areas)
    before = _tree(data)
    for extra in (["--by", "residence_area", "--workers", "1"], [f"--panel={panel}"]):
        out = root / "out"
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["report", "--data", str(data), "--out", str(out), "--quiet", *extra])
        assert code in (0, 1, 2), err.getvalue()
        assert "Traceback" not in err.getvalue()
        if code == 0:
            assert assert_outputs_safe(out) > 10
        elif code == 2:
            _one_line(err.getvalue())
        assert sorted(p.name for p in root.iterdir()) in (["data"], ["data", "out"])
        assert _tree(data) == before
        if out.exists():
            for path in sorted(out.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            out.rmdir()


@pytest.mark.parametrize("out", [".", "", "..", "./"])
def test_the_current_folder_is_refused_as_out_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    out: str,
) -> None:
    # "--out ." was refused with a message blaming the library's own lock file, left
    # inside the folder it was about to replace
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["report", "--out", out, "--format", "md", "--quiet"]) != 0
    assert "is the current folder, a parent or a root" in _one_line(capsys.readouterr().err)
    assert list(work.iterdir()) == []


def test_report_says_the_datas_validation_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A chapter built on dates read month first, or on Excel date numbers, said nothing
    # of it: only "cdop validate" listed the warnings (a tester's report run was silent).
    data = tmp_path / "data"
    assert main(["sample", str(data)]) == 0
    notes = pd.read_csv(data / "notifications.csv", dtype=str, keep_default_na=False)
    notes.loc[0, "date_notified"] = str(
        (pd.Timestamp(notes.loc[0, "date_notified"]) - pd.Timestamp("1899-12-30")).days
    )
    notes.to_csv(data / "notifications.csv", index=False)
    capsys.readouterr()
    code = main(["report", "--data", str(data), "--out", str(tmp_path / "r"), "--format", "md"])
    assert code == 0
    err = capsys.readouterr().err
    assert "the data gave 1 validation warning(s): excel_date_serial (1)" in err


def test_settings_the_chapters_of_by_do_not_print_are_refused_rather_than_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --by with --settings naming the panel's learning, actions and local authorities
    # built every chapter without them, exit 0 (an independent tester's case).
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    settings = tmp_path / "by.toml"
    settings.write_text(
        f'learning = "{(sample / "learning.md").as_posix()}"\nlocal_authorities = ["Northmoor"]\n',
        encoding="utf-8",
    )
    args = ["report", "--data", str(sample), "--by", "residence_area"]
    assert main([*args, "--settings", str(settings), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "gives local_authorities, learning, which the chapters of --by do not print" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
