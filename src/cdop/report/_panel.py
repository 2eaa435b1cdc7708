"""The panel's own inputs to its chapter: learning text, last year's actions, its meetings.

These are not records of children: the panel writes them. The library reads them
strictly (a clear error names the file, line and column), refuses direct identifiers in
them as it does in the exports, and prints them as plain text in every format (Markdown
and HTML markup in them is shown as written, never interpreted).

Disclosure control cannot read free text. A sentence such as "three babies died while
co-sleeping" prints a small count that no table check sees. :func:`read_learning` warns
(:class:`~cdop.errors.SmallNumberWarning`) for each line where a number from 1 to the
threshold stands next to words about children or deaths, so that the panel checks it
before publishing; it cannot find every such sentence, and the panel remains
responsible for what its own text discloses.
"""

from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from cdop._csvtext import field_limit
from cdop._identifiers import _KINDS, identifier_kind
from cdop.errors import CdopArgumentError, IdentifierError, SmallNumberWarning

__all__ = [
    "ACTION_COLUMNS",
    "ACTIVITY_MEASURES",
    "PanelInputs",
    "panel_inputs",
    "read_actions",
    "read_learning",
    "read_panel_activity",
]

#: Columns of the actions file: required, then optional.
ACTION_COLUMNS: Final = ("action", "progress")
ACTION_OPTIONAL: Final = ("lead", "status")
#: Columns of the panel activity file.
ACTIVITY_COLUMNS: Final = ("year", "measure", "value")
#: Measures the panel activity file may give, in table order.
ACTIVITY_MEASURES: Final = {
    "panel_meetings": "Panel meetings held",
    "extraordinary_meetings": "Extraordinary panel meetings",
    "thematic_reviews": "Thematic reviews",
    "training_sessions": "Training or learning events",
}

_NUMBER_WORDS: Final = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_ABOUT_CHILDREN: Final = (
    r"(?:child(?:ren)?|bab(?:y|ies)|infants?|deaths?|died|cases?|young people|"
    r"boys?|girls?|teenagers?|adolescents?|neonates?|families|reviews?|suicides?)"
)
_SMALL: Final = re.compile(
    rf"\b(\d+|{'|'.join(_NUMBER_WORDS)})\b(?:\s+\w+){{0,2}}?\s+{_ABOUT_CHILDREN}\b",
    flags=re.IGNORECASE,
)
_BULLET: Final = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HEADING: Final = re.compile(r"^\s{0,3}#{1,6}\s+")
_EMPHASIS: Final = re.compile(r"(\*\*|__)(.+?)\1")


@dataclass(frozen=True)
class PanelInputs:
    """What the panel supplies beside its data (each optional).

    Attributes
    ----------
    learning
        The paragraphs of the panel's learning and recommendations (plain text).
    actions
        Last year's actions and their progress (``action``, ``progress``, and
        ``lead``, ``status`` where given).
    activity
        Panel activity by financial year: ``year`` ("2024/25"), ``measure`` (a key of
        :data:`ACTIVITY_MEASURES`), ``value``.
    """

    learning: tuple[str, ...] | None = None
    actions: pd.DataFrame | None = field(default=None, compare=False)
    activity: pd.DataFrame | None = field(default=None, compare=False)


def _identifiers(text: str, where: str) -> None:
    kind = identifier_kind(text)
    if kind is not None:
        raise IdentifierError(
            f"{where} holds what looks like {_KINDS[kind]}. The chapter never needs "
            "direct identifiers: remove it (the value is not repeated here)."
        )


def _read_text(path: str | Path, what: str) -> str:
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CdopArgumentError(f"{what}: cannot read {str(file)!r}: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CdopArgumentError(
            f"{what}: {str(file)!r} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from exc


def small_number_lines(text: str, threshold: int = 5) -> list[tuple[int, str]]:
    """Lines of ``text`` where a number from 1 to ``threshold`` counts children or deaths.

    Examples
    --------
    >>> small_number_lines("Safe sleep advice.\\nThree babies died while co-sleeping.")
    [(2, 'Three babies')]
    >>> small_number_lines("Over 40 deaths were reviewed; 2024/25 saw changes.")
    []
    """
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _SMALL.finditer(line):
            word = match.group(1).lower()
            value = _NUMBER_WORDS.get(word, int(word) if word.isdigit() else 0)
            if 1 <= value <= threshold:
                found.append((number, " ".join(match.group(0).split())))
                break
    return found


def learning_paragraphs(text: str) -> tuple[str, ...]:
    """The paragraphs of the panel's Markdown as plain text.

    Blank lines separate paragraphs; a list item (``-``, ``*``, ``+`` or ``1.``) is a
    paragraph of its own starting "• "; a heading is a paragraph of its own; the
    markers of bold and italic text are dropped. Anything else (HTML tags, links) is
    kept as written and printed as text.

    Examples
    --------
    >>> text = "## Safe sleep\\nShare the **safer sleep** advice\\nwidely.\\n\\n- one\\n- two"
    >>> learning_paragraphs(text)
    ('Safe sleep', 'Share the safer sleep advice widely.', '• one', '• two')
    >>> learning_paragraphs("- \\n-\\n- three")  # empty items print nothing
    ('• three',)
    """
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if _HEADING.match(raw):
            flush()
            paragraphs.append(_HEADING.sub("", raw).strip().rstrip("#").strip())
            continue
        if _BULLET.match(raw) or line in ("-", "*", "+"):
            flush()
            item = _BULLET.sub("", raw).strip() if _BULLET.match(raw) else ""
            if item:  # an empty item prints nothing (not a lone bullet)
                current.append("• " + item)
            continue
        current.append(line)
    flush()
    return tuple(_EMPHASIS.sub(r"\2", p) for p in paragraphs if p)


def read_learning(path: str | Path, *, threshold: int = 5) -> tuple[str, ...]:
    """Read the panel's learning and recommendations from a Markdown file.

    Raises
    ------
    CdopArgumentError
        When the file cannot be read, is not UTF-8 or holds no text.
    IdentifierError
        When a line holds what looks like an NHS number, postcode, email or phone
        number (the line is named, the value is not repeated).

    Warns
    -----
    SmallNumberWarning
        For each line where a number from 1 to ``threshold`` stands next to words
        about children or deaths: disclosure control cannot check free text.
    """
    text = _read_text(path, "learning")
    for number, line in enumerate(text.splitlines(), start=1):
        _identifiers(line, f"learning: {path}, line {number}")
    paragraphs = learning_paragraphs(text)
    # and as printed: lines joined into paragraphs, the markers of bold text dropped (an
    # NHS number over two lines, or "jane.smith@**nhs.net**", is whole only there)
    for number, paragraph in enumerate(paragraphs, start=1):
        _identifiers(paragraph, f"learning: {path}, paragraph {number} (as printed)")
    if not paragraphs:
        raise CdopArgumentError(f"learning: {str(path)!r} holds no text")
    for number, words in small_number_lines(text, threshold):
        warnings.warn(
            f"learning: {path}, line {number}: '{words}' may print a small number of "
            "children; disclosure control cannot check the panel's own text, so check it "
            "before publishing",
            SmallNumberWarning,
            stacklevel=2,
        )
    return paragraphs


def _read_csv(path: str | Path, what: str, columns: tuple[str, ...]) -> pd.DataFrame:
    import io

    text = _read_text(path, what)
    try:
        with warnings.catch_warnings():
            # a row longer than the header: refused below, naming the row
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, index_col=False
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CdopArgumentError(f"{what}: {str(path)!r} is not a readable CSV file: {exc}") from exc
    # A row longer than the header (an unquoted comma in a cell) would shift its cells
    # under the wrong headings, or lose the first: refused, naming the row.
    with field_limit():
        for number, fields in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > 1 and len(fields) > frame.shape[1]:
                raise CdopArgumentError(
                    f"{what}: {str(path)!r}, row {number} has {len(fields)} fields, the "
                    f"header {frame.shape[1]}: a comma in a value needs the value in double "
                    'quotes ("...")'
                )
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CdopArgumentError(
            f"{what}: {str(path)!r} has no column {', '.join(missing)}; expected the columns "
            f"{', '.join(columns)}, found {', '.join(frame.columns) or 'none'}"
        )
    for row, record in enumerate(frame.to_dict("records"), start=2):
        for column, value in record.items():
            _identifiers(str(value), f"{what}: {path}, row {row}, column {column}")
    return frame


def read_actions(path: str | Path) -> pd.DataFrame:
    """Read last year's actions and their progress from a CSV file.

    The file has a header row with the columns ``action`` and ``progress`` and,
    optionally, ``lead`` (the agency leading) and ``status``; other columns are left
    out. Every row needs an action.

    Raises
    ------
    CdopArgumentError
        Naming the file, row and column of a problem.
    """
    frame = _read_csv(path, "actions", ACTION_COLUMNS)
    keep = [c for c in (*ACTION_OPTIONAL[:1], *ACTION_COLUMNS, *ACTION_OPTIONAL[1:]) if c in frame]
    frame = frame[keep].apply(lambda s: s.str.strip())
    empty = frame.index[frame["action"] == ""]
    if len(empty):
        raise CdopArgumentError(
            f"actions: {path}, row {int(empty[0]) + 2}, column action: every row needs an action"
        )
    if frame.empty:
        raise CdopArgumentError(f"actions: {str(path)!r} holds no actions")
    out: pd.DataFrame = frame.reset_index(drop=True)
    return out


def read_panel_activity(path: str | Path) -> pd.DataFrame:
    """Read the panel's activity by year from a CSV file.

    Columns ``year`` (a financial year such as 2024/25), ``measure`` (one of
    :data:`ACTIVITY_MEASURES`: ``panel_meetings``, ...) and ``value`` (a whole number).

    Raises
    ------
    CdopArgumentError
        Naming the file, row and column of a value that breaks these rules.
    """
    frame = _read_csv(path, "panel activity", ACTIVITY_COLUMNS)[list(ACTIVITY_COLUMNS)]
    frame = frame.apply(lambda s: s.str.strip())
    for row, record in enumerate(frame.to_dict("records"), start=2):
        where = f"panel activity: {path}, row {row}"
        if not re.fullmatch(r"\d{4}/\d{2}", record["year"]) or (
            (int(record["year"][:4]) + 1) % 100 != int(record["year"][5:])
        ):
            raise CdopArgumentError(
                f"{where}, column year: expected a financial year such as 2024/25, got "
                f"{record['year']!r}"
            )
        if record["measure"] not in ACTIVITY_MEASURES:
            raise CdopArgumentError(
                f"{where}, column measure: expected one of {', '.join(ACTIVITY_MEASURES)}, "
                f"got {record['measure']!r}"
            )
        if not (record["value"].isascii() and record["value"].isdigit()):
            raise CdopArgumentError(
                f"{where}, column value: expected a whole number of 0 or more, got "
                f"{record['value']!r}"
            )
        if int(record["value"]) > _MOST_ACTIVITY:
            raise CdopArgumentError(
                f"{where}, column value: {record['value']} is too large to be a number of "
                f"meetings or cases (at most {_MOST_ACTIVITY:,})"
            )
    duplicated = frame.duplicated(["year", "measure"])
    if duplicated.any():
        row = int(frame.index[duplicated][0]) + 2
        raise CdopArgumentError(
            f"panel activity: {path}, row {row}: the same year and measure are given twice"
        )
    out: pd.DataFrame = frame.astype({"value": "int64"})
    return out


#: The largest number a row of panel activity may give (far above any panel's year).
_MOST_ACTIVITY = 1_000_000


def panel_inputs(
    learning: str | Path | None = None,
    actions: str | Path | None = None,
    activity: str | Path | None = None,
    *,
    threshold: int = 5,
) -> PanelInputs:
    """Read whichever of the panel's own files are given."""
    return PanelInputs(
        learning=None if learning is None else read_learning(learning, threshold=threshold),
        actions=None if actions is None else read_actions(actions),
        activity=None if activity is None else read_panel_activity(activity),
    )
