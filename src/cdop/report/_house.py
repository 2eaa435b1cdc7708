"""House style shared by every renderer: one font, a few colours, the end-matter headings.

Word, HTML and Excel read their look from here so that the chapter looks the same in
each format. Colours are hex RGB without ``#``; text colours pass WCAG AA contrast on
white.
"""

from __future__ import annotations

import re
from typing import Final

from cdop.errors import CdopArgumentError
from cdop.report._model import Chapter

__all__ = [
    "BODY_PT",
    "DISCLOSURE_HEADING",
    "FONT",
    "FONT_STACK",
    "HEADER_FILL_RGB",
    "HEADING_RGB",
    "PROVENANCE_HEADER",
    "PROVENANCE_HEADING",
    "PROVENANCE_NOTE",
    "RULE_RGB",
    "STAMP_RGB",
    "TABLE_PT",
    "TEXT_RGB",
    "check_ids",
    "is_plain_integer",
]

#: The one font of the chapter (Word and Excel), first in the HTML font stack.
FONT: Final = "Arial"
FONT_STACK: Final = 'Arial, "Liberation Sans", Helvetica, "DejaVu Sans", sans-serif'
#: Body and table text sizes in points.
BODY_PT: Final = 10.5
TABLE_PT: Final = 9.0
#: Body text, headings, table header fill, table rules, stamp.
TEXT_RGB: Final = "1A1A1A"
HEADING_RGB: Final = "1F4E79"
HEADER_FILL_RGB: Final = "DCE6F0"
RULE_RGB: Final = "8EA9C1"
STAMP_RGB: Final = "B00020"

DISCLOSURE_HEADING: Final = "Disclosure control"
PROVENANCE_HEADING: Final = "Provenance"
PROVENANCE_HEADER: Final = ("Item", "Value")
PROVENANCE_NOTE: Final = (
    "SHA-256: the fingerprint of each input file; the same files give the same fingerprints."
)

_SAFE_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_PLAIN_INTEGER: Final = re.compile(r"-?(?:0|[1-9][0-9]*|[1-9][0-9]{0,2}(?:,[0-9]{3})+)")


def is_plain_integer(cell: str) -> bool:
    """Whether a display cell is a plain integer ("12", "-3", "1,234"), not "007" or "*".

    Examples
    --------
    >>> [is_plain_integer(c) for c in ("12", "1,234", "007", "*", "16 (57%)", "2.5")]
    [True, True, False, False, False, False]
    """
    return _PLAIN_INTEGER.fullmatch(cell) is not None


def check_ids(chapter: Chapter) -> None:
    """Refuse table or figure identifiers that are unsafe as file names or are repeated.

    Raises
    ------
    CdopArgumentError
        If an identifier is not letters, digits, ``_``, ``.`` and ``-`` (starting with a
        letter or digit), or two tables (or two figures) share an identifier.
    """
    for kind, ids in (
        ("table", [t.id for t in chapter.tables]),
        ("figure", [f.id for f in chapter.figures]),
    ):
        for ident in ids:
            if _SAFE_ID.fullmatch(ident) is None:
                raise CdopArgumentError(
                    f"chapter: expected {kind} ids made of letters, digits, '_', '.' and '-' "
                    f"(used as file names); received {ident!r}"
                )
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise CdopArgumentError(
                f"chapter: expected unique {kind} ids; received repeated {repeated}"
            )
