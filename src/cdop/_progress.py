"""Progress of long work: a tqdm bar where someone is watching, messages or nothing elsewhere.

Every function that can take a while (building a chapter, one chapter per area) takes
``progress``:

- ``None`` (the default): a progress bar when the work runs where someone is watching
  (a Jupyter notebook, or an interactive Python session whose error stream is a
  terminal); nothing in a script, a scheduled job, a test or a worker process. The
  environment variable ``CDOP_PROGRESS`` (``1`` or ``0``) forces it on or off;
- ``True`` or ``False``: a bar always, or never;
- a function of one string: called with a short message at each step, as a log would.

In a terminal the bar is tqdm's text bar on the error stream, redrawn in place and left
on its finished line. In a Jupyter kernel the bar is one output of the cell, updated in
place (a display with an id, as ``IPython.display`` makes): a notebook saved or executed
by ``nbconvert`` / ``nbclient`` keeps only the finished bar, not every redraw a text bar
on the error stream would leave behind. That output is an HTML ``<progress>`` bar with
its line of text, and the same line as plain text for viewers that show no HTML.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeAlias

from cdop.errors import CdopArgumentError

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = [
    "NotebookBar",
    "Progress",
    "ProgressOption",
    "in_kernel",
    "interactive",
    "progress_tracker",
]

#: What a ``progress=`` argument takes: ``None`` (a bar where interactive), ``True`` or
#: ``False`` (a bar always or never), or a function called with a message at each step.
ProgressOption: TypeAlias = bool | Callable[[str], None] | None

_ENV = "CDOP_PROGRESS"

# The bar's line, in a terminal and in a notebook's plain-text view; the notebook's HTML view
# draws the bar itself and shows the line without it.
_TEXT_FORMAT = (
    "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit} [{elapsed}<{remaining}]{postfix}"
)
_LABEL_FORMAT = (
    "{desc}: {percentage:3.0f}% {n_fmt}/{total_fmt} {unit} [{elapsed}<{remaining}]{postfix}"
)
_REDRAW = 0.1  # seconds: a notebook bar is redrawn at most this often while it runs


def in_kernel() -> bool:
    """Whether this code runs in a Jupyter kernel (ipykernel's shell, or one derived from it).

    Examples
    --------
    >>> in_kernel()
    False
    """
    module = sys.modules.get("IPython")
    get = getattr(module, "get_ipython", None) if module is not None else None
    shell = get() if callable(get) else None
    if shell is None:
        return False
    return any(kind.__name__ == "ZMQInteractiveShell" for kind in type(shell).__mro__)


def interactive() -> bool:
    """Whether someone is watching: a Jupyter kernel, or an interactive session on a terminal.

    ``CDOP_PROGRESS=1`` or ``CDOP_PROGRESS=0`` in the environment decides instead.

    Examples
    --------
    >>> interactive()  # doctests run in no notebook and no interactive session
    False
    """
    forced = os.environ.get(_ENV, "").strip().lower()
    if forced in {"1", "true", "yes", "on"}:
        return True
    if forced in {"0", "false", "no", "off"}:
        return False
    if in_kernel():
        return True  # a Jupyter kernel: the notebook shows the bar
    stream = sys.stderr
    on_terminal = stream is not None and hasattr(stream, "isatty") and stream.isatty()
    return bool(on_terminal and (hasattr(sys, "ps1") or sys.flags.interactive))


class NotebookBar:
    """A bar as one output of a notebook cell, redrawn in place while the work runs.

    It offers the few parts of tqdm's interface that :class:`Progress` uses. Each redraw
    replaces the output (``update_display_data``), so a saved notebook holds one output:
    the bar as it was last drawn.
    """

    def __init__(self, *, total: int, desc: str, unit: str) -> None:
        from IPython import display as ipython_display

        show: Callable[..., Any] = ipython_display.display  # untyped in IPython
        self.total = total
        self.n = 0
        self.desc = desc
        self.unit = unit
        self.postfix = ""
        self._start = time.monotonic()
        self._drawn = self._start
        self._handle: Any = show(self.bundle(), raw=True, display_id=True)

    def line(self, *, html: bool = False) -> str:
        """The bar's line of text (in HTML without the drawn bar, which ``<progress>`` shows)."""
        from tqdm import tqdm

        return tqdm.format_meter(
            self.n,
            self.total,
            time.monotonic() - self._start,
            prefix=self.desc,
            unit=self.unit,
            postfix=self.postfix or None,
            bar_format=_LABEL_FORMAT if html else _TEXT_FORMAT,
        )

    def bundle(self) -> dict[str, str]:
        """What the notebook shows: HTML, and plain text for viewers without HTML."""
        from cdop import _display

        total = max(self.total, 1)
        bar = (
            f"<progress value='{min(self.n, total)}' max='{total}' "
            "style='width: 16em; vertical-align: middle; margin-right: 0.6em;'></progress>"
            f"<span>{_display.text(self.line(html=True))}</span>"
        )
        return {"text/plain": self.line(), "text/html": _display.block(bar, kind="progress")}

    def refresh(self) -> None:
        """Redraw now."""
        self._drawn = time.monotonic()
        if self._handle is not None:
            self._handle.update(self.bundle(), raw=True)

    def _maybe_refresh(self) -> None:
        if time.monotonic() - self._drawn >= _REDRAW:
            self.refresh()

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        """Say what is happening now (after the counts)."""
        self.postfix = text
        if refresh:
            self._maybe_refresh()

    def update(self, count: int = 1) -> None:
        """Count ``count`` steps as done."""
        self.n += count
        self._maybe_refresh()

    def close(self) -> None:
        """Draw the bar a last time, as it stands."""
        self.refresh()
        self._handle = None


class Progress:
    """A count of steps, shown as a bar, sent as messages, or not shown at all.

    Use it as a context manager: the bar is closed (and left on its finished line) on
    the way out, also after an error.

    Examples
    --------
    >>> seen = []
    >>> with progress_tracker(seen.append, total=2, desc="chapter") as p:
    ...     p.step("tables")
    ...     p.step("figures")
    >>> seen
    ['tables', 'figures']
    """

    def __init__(
        self,
        *,
        total: int,
        desc: str,
        unit: str,
        bar: bool,
        message: Callable[[str], None] | None,
    ) -> None:
        self.total = total
        self.desc = desc
        self.done = 0
        self._message = message
        self._bar: tqdm[Any] | NotebookBar | None = None
        if bar and in_kernel():
            self._bar = NotebookBar(total=total, desc=desc, unit=unit)
        elif bar:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                desc=desc,
                unit=unit,
                file=sys.stderr,
                leave=True,
                dynamic_ncols=True,
                bar_format=_TEXT_FORMAT,
            )

    @property
    def shown(self) -> bool:
        """Whether anything is shown (a bar or messages)."""
        return self._bar is not None or self._message is not None

    def note(self, text: str) -> None:
        """Say what is happening now, without counting a step."""
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=True)
        elif self._message is not None:
            self._message(text)

    def step(self, text: str = "", count: int = 1) -> None:
        """Count ``count`` steps as done; ``text`` says what was done (the message sent)."""
        self.done += count
        if self._bar is not None:
            if text:
                self._bar.set_postfix_str(text, refresh=False)
            self._bar.update(count)
        elif self._message is not None and text:
            self._message(text)

    def __call__(self, text: str) -> None:
        """One step done: lets a tracker stand where a function of a message is expected."""
        self.step(text)

    def close(self, *, finished: bool = True) -> None:
        """Close the bar (idempotent); finished work shows 100% even if it took fewer steps."""
        if self._bar is not None:
            if finished and self._bar.n != self._bar.total:
                self._bar.total = self._bar.n
                self._bar.refresh()
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(finished=kind is None)


def progress_tracker(
    progress: ProgressOption, *, total: int, desc: str, unit: str = "steps"
) -> Progress:
    """The tracker a ``progress=`` argument asks for (see the module docstring).

    Raises
    ------
    CdopArgumentError
        If ``progress`` is none of None, True, False or a function.

    Examples
    --------
    >>> progress_tracker(False, total=3, desc="work").shown
    False
    >>> progress_tracker("yes", total=3, desc="work")
    Traceback (most recent call last):
    ...
    cdop.errors.CdopArgumentError: progress: expected None (a bar when interactive), ...
    """
    if progress is None:
        bar, message = interactive(), None
    elif isinstance(progress, bool):
        bar, message = progress, None
    elif callable(progress):
        bar, message = False, progress
    else:
        raise CdopArgumentError(
            "progress: expected None (a bar when interactive), True, False or a function "
            f"taking a message; got {progress!r}"
        )
    return Progress(total=total, desc=desc, unit=unit, bar=bar, message=message)
