"""The ``cdop`` command line: one module per subcommand.

``cdop report [--data DIR] [--year Y] [--out DIR] [--format md,html,docx,xlsx,csv]``
    Build the annual report chapter (the bundled sample when no data are given).
``cdop validate PATH``
    Check a folder of exports against the data contract; print every failure.
``cdop sample OUT_DIR``
    Write the bundled sample data as CSV files.

Exit codes: 0 success; 1 the data failed validation or were refused; 2 a wrong
argument, or a file that cannot be read or written (one line says which and why);
130 interrupted by Ctrl-C; 128 + N ended by signal N (143 for SIGTERM, 129 for SIGHUP);
141 the output pipe was closed (as in ``cdop validate exports/ | head``). Whatever the
code, no output folder is left half-written and no file of the user's is changed.
"""

from __future__ import annotations

import _thread
import argparse
import contextlib
import errno
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import Any, TextIO

from cdop._version import __version__
from cdop.cli import _report, _sample, _validate

__all__ = ["main"]

#: Exit codes (see the module docstring).
EXIT_USAGE = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_PIPE = 141


class _Signalled(BaseException):
    """Raised in the main thread when SIGTERM or SIGHUP arrives, so that every ``finally``
    and cleanup runs (staging folders are removed) before the command exits."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_signal(signum: int, frame: FrameType | None) -> None:
    raise _Signalled(signum)


def _send_again(signum: int) -> None:
    """Trip ``signum`` for the main thread a moment from now, from another thread."""

    main_thread = threading.main_thread().ident

    def later() -> None:
        time.sleep(0.01)  # after the hook that started this thread has returned
        if hasattr(signal, "pthread_kill") and main_thread is not None:
            signal.pthread_kill(main_thread, signum)  # also wakes a waiting main thread
        else:  # pragma: no cover - platforms without POSIX threads
            _thread.interrupt_main(signal.Signals(signum))

    threading.Thread(target=later, name="cdop-signal", daemon=True).start()


def _redeliver(previous: Callable[[Any], object]) -> Callable[[Any], object]:
    """An unraisable-exception hook that sends a swallowed signal (or Ctrl-C) again.

    Python runs a signal handler at the next safe point of the main thread, and that
    point can be inside a finaliser or a weak-reference callback, where an exception
    is printed as "Exception ignored" and dropped: the build would go on and finish as
    if the signal had never come. The hook has the same signal tripped again a moment
    later, so that its handler runs once more, at a safe point outside the callback.
    (Tripping it from within the hook would run the handler inside the hook at once.)
    """

    def hook(unraisable: Any) -> None:
        exc = unraisable.exc_value
        if isinstance(exc, _Signalled):
            _send_again(exc.signum)
        elif isinstance(exc, KeyboardInterrupt):
            _send_again(signal.SIGINT)
        else:
            previous(unraisable)

    return hook


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception for the block (main thread only)."""
    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    try:
        old = {n: signal.signal(getattr(signal, n), _raise_signal) for n in names}
    except ValueError:  # not the main thread: leave the handlers alone
        yield
        return
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _redeliver(previous_hook)
    try:
        yield
    finally:
        for name, handler in old.items():
            signal.signal(getattr(signal, name), handler)
        sys.unraisablehook = previous_hook


def _os_message(exc: OSError) -> str:
    """One line for a file that cannot be read or written."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENAMETOOLONG: "a file or folder name is too long",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    where = f" ({exc.filename})" if exc.filename is not None else ""
    return f"cannot read or write a file{where}: {reason}; no output was left half-written"


def _one_line_warning(name: str) -> Any:
    """A ``warnings.showwarning`` printing one line per warning (no source line), naming
    the command, so that a library's warning reads like the command's own messages."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        text = " ".join(str(message).split())
        (file or sys.stderr).write(f"{name}: warning: {text}\n")

    return show


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at the null device so that exiting is silent."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cdop",
        description="Child Death Overview Panel analytics: validate exports and build the "
        "annual report chapter.",
    )
    parser.add_argument("--version", action="version", version=f"cdop {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (_report, _validate, _sample):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 1 failures found, 2 usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    name = f"cdop {args.command}"
    try:
        with _signals_raise(), warnings.catch_warnings():
            warnings.showwarning = _one_line_warning(name)
            code: int = args.run(args)
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt:
        sys.stderr.write(f"{name}: interrupted; nothing was written.\n")
        return EXIT_INTERRUPTED
    except _Signalled as exc:
        sys.stderr.write(
            f"{name}: stopped by {signal.Signals(exc.signum).name}; nothing was written.\n"
        )
        return 128 + exc.signum
    except OSError as exc:
        sys.stderr.write(f"{name}: {_os_message(exc)}.\n")
        return EXIT_USAGE
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
