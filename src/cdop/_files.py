"""Writing into the user's folders without ever losing one of the user's files.

Rules kept by every function that writes a user-visible file:

- Nothing is deleted or overwritten that the library did not write. A new file is
  created only where no file exists (:func:`write_new_file`). An output folder is
  replaced only when it is empty or when every file in it is one the library wrote
  there, unchanged since: the folder's marker file lists each file with its size and
  SHA-256 (:func:`output_folder`).
- An output folder is written in full or not at all: everything goes to a hidden
  staging folder beside it, which replaces it by one atomic rename at the end. On any
  error or interruption (Ctrl-C, and SIGTERM or SIGHUP under the command line) the
  staging folder is removed and the old folder is left as it was.
- One build writes to a folder at a time: a lock beside the folder refuses a second.
- Folders and files get ordinary permissions (those the user's umask gives).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Final

from cdop.errors import CdopArgumentError, DataQualityWarning

__all__ = ["MARKER_FILE", "check_output_folder", "output_folder", "write_new_file"]

#: Marks a folder written by the library and lists its files (size, SHA-256, path).
MARKER_FILE: Final = ".cdop-report"
_MARKER_HEADER: Final = "# Written by cdop; replaced as a whole by each rebuild. Files:"
_STAGING_PREFIX: Final = ".cdop-staging-"
_OLD_PREFIX: Final = ".cdop-old-"
_LOCK_PREFIX: Final = ".cdop-lock-"
#: The longest file or folder name most file systems allow, in bytes.
_MAX_NAME_BYTES: Final = 255
_HEX: Final = frozenset("0123456789abcdef")


def _files_under(folder: Path) -> Iterator[Path]:
    """Every file and link under ``folder`` (not following links), relative paths."""
    for root, dirs, names in os.walk(folder):
        base = Path(root)
        for name in names:
            yield (base / name).relative_to(folder)
        for name in dirs:
            if (base / name).is_symlink():
                yield (base / name).relative_to(folder)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _manifest(folder: Path) -> str:
    lines = [_MARKER_HEADER]
    for rel in sorted(_files_under(folder)):
        path = folder / rel
        lines.append(f"{path.stat().st_size}\t{_digest(path)}\t{rel.as_posix()}")
    return "\n".join(lines) + "\n"


def _foreign_file(folder: Path) -> str | None:
    """The first file in an existing folder that the library did not write (or that was
    changed since), or None when every file is the library's own."""
    marker = folder / MARKER_FILE
    if marker.is_symlink() or (marker.exists() and not marker.is_file()):
        return f"{MARKER_FILE} (a folder or link, not the list of files cdop writes)"
    try:
        text = marker.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        found = next((p.as_posix() for p in sorted(_files_under(folder))), None)
        # an empty folder of the user's is theirs too (replacing the folder would remove it)
        return found or next((f"{p.as_posix()}/" for p in sorted(_folders_under(folder))), None)
    if not text.startswith(_MARKER_HEADER):
        return f"{MARKER_FILE} (written by an earlier cdop that kept no list of its files)"
    listed = _listed_files(text)
    if listed is None:
        return f"{MARKER_FILE} (changed since cdop wrote it: not a list of the folder's files)"
    for rel_path in sorted(_files_under(folder)):
        rel = rel_path.as_posix()
        if rel == MARKER_FILE:
            continue
        path = folder / rel_path
        if rel not in listed or path.is_symlink():
            return rel
        expected_size, expected_digest = listed[rel]
        if path.stat().st_size != expected_size or _digest(path) != expected_digest:
            return f"{rel} (changed since cdop wrote it)"
    holding = {parent.as_posix() for rel in listed for parent in PurePosixPath(rel).parents}
    for rel_path in sorted(_folders_under(folder)):
        if rel_path.as_posix() not in holding:
            return f"{rel_path.as_posix()}/"
    return None


def _folders_under(folder: Path) -> Iterator[Path]:
    """Every folder under ``folder`` (not following links), relative paths."""
    for root, dirs, _names in os.walk(folder):
        base = Path(root)
        for name in dirs:
            if not (base / name).is_symlink():
                yield (base / name).relative_to(folder)


def _listed_files(text: str) -> dict[str, tuple[int, str]] | None:
    r"""The files a marker lists (relative path: size, SHA-256), or None when a line is
    not one the library writes: a size, a SHA-256 and a path inside the folder (no
    absolute path, no ``..``), separated by tabs.

    The folder's files are compared with this list before the folder is replaced, and
    only files found inside the folder are ever deleted; a list naming a path outside
    it was not written by the library, so the folder is not the library's.

    Examples
    --------
    >>> _listed_files(_MARKER_HEADER + "\n3\t" + "0" * 64 + "\tfigures/a.svg\n")
    {'figures/a.svg': (3, '0000000000000000000000000000000000000000000000000000000000000000')}
    >>> _listed_files(_MARKER_HEADER + "\n3\t" + "0" * 64 + "\t../outside.txt\n") is None
    True
    """
    listed: dict[str, tuple[int, str]] = {}
    for line in text.splitlines()[1:]:
        parts = line.split("\t", 2)
        if len(parts) != 3:
            return None
        size, digest, rel = parts
        path = PurePosixPath(rel)
        if (
            not (size.isascii() and size.isdigit())
            or len(digest) != 64
            or any(c not in _HEX for c in digest)
            or not rel
            or path.is_absolute()
            or "\\" in rel
            or any(part in ("", ".", "..") for part in rel.split("/"))
        ):
            return None
        listed[rel] = (int(size), digest)
    return listed


def check_output_folder(out: str | Path) -> Path:
    """``out`` as a path, refused unless it is new, empty, or a folder the library wrote.

    Raises
    ------
    CdopArgumentError
        If ``out`` is a symbolic link, a file, or a folder holding anything the library
        did not write there (the message names the first such file).
    """
    if not isinstance(out, (str, os.PathLike)):
        raise CdopArgumentError(
            f"out: expected the path of the output folder, got {type(out).__name__}"
        )
    target = Path(out)
    if (
        target.name in ("", ".", "..")
        or Path.cwd().resolve().is_relative_to(target.resolve())
        or target.resolve() == Path(target.resolve().anchor)
    ):
        # an output folder is replaced as a whole, by renaming it: not the current folder,
        # its parent or a root (the lock and staging folder would land inside it)
        raise CdopArgumentError(
            f"out: {str(out)!r} is the current folder, a parent or a root; an output folder "
            "is replaced as a whole, so give a folder of its own (for example report)"
        )
    _check_name_lengths(target)
    if target.is_symlink():
        raise CdopArgumentError(
            f"out: {target} is a symbolic link; give the real folder it points to, or a new one"
        )
    if not target.exists():
        return target
    if not target.is_dir():
        raise CdopArgumentError(f"out: {target} is a file, not a folder; choose a new folder")
    foreign = _foreign_file(target)
    if foreign is not None:
        raise CdopArgumentError(
            f"out: {target} holds {foreign}, which cdop did not write; nothing was changed. "
            "Choose a new or empty folder, or move that file out (an output folder is "
            "replaced as a whole)"
        )
    return target


def _check_name_lengths(target: Path, what: str = "out") -> None:
    for part in target.parts:
        size = len(os.fsencode(part))
        if size > _MAX_NAME_BYTES:
            raise CdopArgumentError(
                f"{what}: the name {part[:40]!r}... is {size} bytes long; file systems allow "
                f"at most {_MAX_NAME_BYTES} bytes per file or folder name"
            )


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold the lock of ``target`` (a hidden file beside it) for the block."""
    digest = hashlib.sha256(target.name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    lock = target.parent / f"{_LOCK_PREFIX}{digest}"
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the lock file itself is the lock
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            raise _busy(target) from None
        try:
            yield
        finally:
            os.close(fd)
            lock.unlink(missing_ok=True)
        return
    while True:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _busy(target) from None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed that file as we opened it: take the new one
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)


def _busy(target: Path) -> CdopArgumentError:
    return CdopArgumentError(
        f"out: another cdop run is writing to {target} right now; wait for it to finish, "
        "or choose another folder"
    )


def _remove_listed(old: Path) -> None:
    """Delete a replaced folder of the library's: only the files its marker lists, then the
    folders left empty. Anything else found there is kept, and a warning names it."""
    marker = old / MARKER_FILE
    if _foreign_file(old) is None and marker.exists():
        listed = _listed_files(marker.read_text(encoding="utf-8")) or {}
        # The files found inside the folder that the marker lists (all of them, checked
        # unchanged just now), never a path taken from the marker itself.
        for rel_path in list(_files_under(old)):
            if rel_path.as_posix() in listed:
                (old / rel_path).unlink(missing_ok=True)
        marker.unlink(missing_ok=True)
    for root, _dirs, _names in sorted(os.walk(old), key=lambda w: -len(w[0])):
        with contextlib.suppress(OSError):
            os.rmdir(root)
    if old.exists():
        warnings.warn(
            f"{old} holds files cdop did not write (put there while it was building); "
            "they were kept there",
            DataQualityWarning,
            stacklevel=4,
        )


def _new_hidden_folder(parent: Path, prefix: str) -> Path:
    """A new folder with ordinary permissions (what the umask gives, unlike mkdtemp)."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(6)}"
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path


@contextlib.contextmanager
def output_folder(out: str | Path) -> Iterator[Path]:
    """Write an output folder in full or not at all; yield the staging folder to fill.

    The lock of ``out`` is held for the block; ``out`` is checked
    (:func:`check_output_folder`) on entry and again before it is replaced. On success
    the staging folder gets the marker (the list of its files) and takes the place of
    ``out`` by an atomic rename; an earlier output folder is removed file by file, only
    the files the library wrote. On failure or interruption only the staging folder is
    removed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with output_folder(f"{tmp}/report") as staging:
    ...         _ = (staging / "chapter.md").write_text("# Chapter\\n")
    ...     sorted(p.name for p in Path(f"{tmp}/report").iterdir())
    ['.cdop-report', 'chapter.md']
    """
    target = Path(out)
    check_output_folder(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        check_output_folder(target)
        staging = _new_hidden_folder(target.parent, _STAGING_PREFIX)
        try:
            yield staging
            (staging / MARKER_FILE).write_text(_manifest(staging), encoding="utf-8")
            check_output_folder(target)
            if not target.exists():
                os.rename(staging, target)
            else:
                old = _new_hidden_folder(target.parent, _OLD_PREFIX)
                os.rename(target, old / "replaced")
                try:
                    os.rename(staging, target)
                except BaseException:
                    os.rename(old / "replaced", target)
                    raise
                _remove_listed(old / "replaced")
                with contextlib.suppress(OSError):
                    old.rmdir()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def write_new_file(
    path: str | Path, write: Callable[[IO[bytes]], object], *, what: str = "out"
) -> Path:
    """Create the file ``path`` with what ``write(handle)`` writes, refusing to replace
    anything: the file appears whole, or not at all, and only where none existed.

    Parameters
    ----------
    path
        The file to create.
    write
        A callable taking a binary file handle.
    what
        The argument's name, for messages.

    Raises
    ------
    CdopArgumentError
        If something already exists at ``path``.
    """
    target = Path(path)
    _check_name_lengths(target, what)
    if target.exists() or target.is_symlink():
        raise CdopArgumentError(
            f"{what}: {target} already exists; cdop never overwrites a file. Choose a new "
            "name, or delete the old file first"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f"{_STAGING_PREFIX}{secrets.token_hex(6)}.part"
    try:
        with temp.open("xb") as handle:  # ordinary permissions, as the umask gives
            write(handle)
        try:
            os.link(temp, target)  # atomic, and never replaces an existing file
        except FileExistsError:
            raise CdopArgumentError(
                f"{what}: {target} appeared while cdop was writing; it was left as it is"
            ) from None
        except OSError:  # a file system without hard links: exclusive creation instead
            with target.open("xb") as handle, temp.open("rb") as source:
                shutil.copyfileobj(source, handle)
    finally:
        temp.unlink(missing_ok=True)
    return target
