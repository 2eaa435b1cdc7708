"""Chapter settings: what a panel writes down once so that next year's build is the same.

A chapter settings file is a small TOML file kept beside the panel's exports::

    # chapter.toml
    panel = "Northmoor and Southvale Child Death Overview Panel"
    local_authorities = ["Northmoor", "Southvale"]
    sections = ["activity", "review_durations", "categories", "infant_mortality"]
    threshold = 5
    learning = "learning.md"              # the panel's own text (Markdown)
    actions = "actions.csv"               # last year's actions and their progress
    panel_activity = "panel_activity.csv" # meetings held, cases reviewed, ...

Every key is optional. Paths are relative to the settings file's folder and must exist.
``cdop report --settings chapter.toml`` (or ``build(..., settings="chapter.toml")``)
reads it; an option given on the command line or as an argument wins over the file.

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp, "chapter.toml")
...     _ = path.write_text('panel = "Northmoor CDOP"\\nthreshold = 10\\n', encoding="utf-8")
...     settings = read_settings(path)
>>> settings.panel, settings.threshold, settings.sections
('Northmoor CDOP', 10, None)
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cdop._safe import check_name
from cdop.errors import CdopArgumentError

__all__ = ["SETTINGS_KEYS", "ChapterSettings", "read_settings"]

#: The keys of a settings file, each with what it holds.
SETTINGS_KEYS: Final = {
    "panel": "the panel's name, printed in the subtitle (text)",
    "local_authorities": "the local authorities of the panel's footprint (a list of names)",
    "sections": "the sections of the chapter, in order (a list of section ids)",
    "threshold": "disclosure control hides counts from 1 to this number (a whole number, 1 "
    "or more)",
    "learning": "the panel's learning and recommendations (path of a Markdown file)",
    "actions": "last year's actions and their progress (path of a CSV file)",
    "panel_activity": "the panel's activity: meetings held, cases reviewed (path of a CSV file)",
}
_PATH_KEYS: Final = ("learning", "actions", "panel_activity")


@dataclass(frozen=True)
class ChapterSettings:
    """A panel's chapter settings (see the module for the file).

    Attributes
    ----------
    panel
        The panel's name, printed in the subtitle; None for the default wording.
    local_authorities
        The local authorities of the panel's footprint, as named in ``residence_area``.
    sections
        Section ids in chapter order; None for every section.
    threshold
        Disclosure control hides counts from 1 to this number; None for the default.
    learning, actions, panel_activity
        Files of the panel's own text blocks (absolute paths), or None.
    source
        The settings file read, or None for settings built in Python.

    Examples
    --------
    >>> ChapterSettings(panel="Northmoor CDOP", local_authorities=("Northmoor",)).panel
    'Northmoor CDOP'
    """

    panel: str | None = None
    local_authorities: tuple[str, ...] = ()
    sections: tuple[str, ...] | None = None
    threshold: int | None = None
    learning: Path | None = None
    actions: Path | None = None
    panel_activity: Path | None = None
    source: Path | None = None


def _fail(path: Path, key: str, value: Any, rule: str) -> CdopArgumentError:
    return CdopArgumentError(f"settings: {path}, key {key!r}: expected {rule}; got {value!r}")


def _text(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, value, "a text in quotes, not empty")
    return value.strip()


def _texts(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, key, value, 'a list of texts in quotes, such as ["A", "B"]')
    items = tuple(v.strip() for v in value)
    twice = sorted({v for v in items if items.count(v) > 1})
    if twice:
        raise _fail(path, key, value, f"each name once ({', '.join(twice)} given twice)")
    return items


def _file(path: Path, key: str, value: Any) -> Path:
    text = _text(path, key, value)
    target = Path(text).expanduser()
    if not target.is_absolute():
        target = path.parent / target
    if not target.is_file():
        raise _fail(
            path, key, value, f"a file that exists (relative to {path.parent}); {target} is not"
        )
    return target.resolve()


def parse_settings(data: Mapping[str, Any], path: Path) -> ChapterSettings:
    """Check the keys and values of a settings table read from ``path``."""
    unknown = sorted(set(data) - set(SETTINGS_KEYS))
    if unknown:
        raise CdopArgumentError(
            f"settings: {path}: unknown key {unknown[0]!r}; the keys are "
            + "; ".join(f"{k} ({what})" for k, what in SETTINGS_KEYS.items())
        )
    panel = local = sections = threshold = None
    if "panel" in data:
        panel = _text(path, "panel", data["panel"])
        check_name(panel, f"settings: {path}, key 'panel'")
    if "local_authorities" in data:
        local = _texts(path, "local_authorities", data["local_authorities"])
        for name in local:
            # printed in the chapter: checked as a panel's name is (identifiers too)
            check_name(name, f"settings: {path}, key 'local_authorities'")
    if "sections" in data:
        sections = _texts(path, "sections", data["sections"])
        if not sections:
            raise _fail(path, "sections", data["sections"], "at least one section id")
    if "threshold" in data:
        value = data["threshold"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _fail(path, "threshold", value, "a whole number, 1 or more, without quotes")
        threshold = value
    files = {k: _file(path, k, data[k]) for k in _PATH_KEYS if k in data}
    return ChapterSettings(
        panel=panel,
        local_authorities=local or (),
        sections=sections,
        threshold=threshold,
        source=path,
        **files,
    )


def read_settings(path: str | Path) -> ChapterSettings:
    """Read a chapter settings file (TOML; see the module).

    Raises
    ------
    CdopArgumentError
        If the file cannot be read, is not TOML, or holds an unknown key or a wrong
        value; the message names the file, the key, the value and the rule.
    """
    source = Path(path).expanduser().resolve()
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise CdopArgumentError(f"settings: {source} does not exist") from None
    except IsADirectoryError:
        raise CdopArgumentError(f"settings: {source} is a folder, not a settings file") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CdopArgumentError(
            f"settings: {source}: expected a UTF-8 text file; byte {exc.start} is not UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CdopArgumentError(
            f"settings: {source}: not a valid TOML file ({exc}); a line reads "
            'key = value, with text in quotes: panel = "Northmoor CDOP"'
        ) from None
    return parse_settings(data, source)
