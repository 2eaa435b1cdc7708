"""Text that is safe to write into the user's files, and names checked before any work.

Every writer of an output file passes the text it takes from data (area names, codes,
free text, failing values) through this module:

- :func:`neutralise_cell` for a spreadsheet or CSV cell: a cell that starts like a
  formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or their full-width
  forms) gets a leading apostrophe, as OWASP recommends against CSV injection, so that
  Excel, LibreOffice and Google Sheets show it as text and never evaluate it. A cell that
  is only a number ("-3", "-0.25", "1e-3") is left as it is.
- :func:`xml_text` for every format built on XML (Word, Excel, HTML, SVG): characters
  that XML 1.0 forbids (most control characters, unpaired surrogates, U+FFFE, U+FFFF)
  become U+FFFD, the replacement character, so the file always opens.

Names given by the user or read from the data (the panel name, area names) are checked
up front by :func:`check_name`, before any work is done, so that a bad name gives one
clear message instead of a damaged file or a failure after a long build.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Final

import numpy as np
import pandas as pd

from cdop.errors import CdopArgumentError, IdentifierError

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_NAME_LENGTH",
    "as_date",
    "check_name",
    "csv_cell",
    "neutralise_cell",
    "neutralise_frame",
    "xml_text",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP, plus the
#: full-width forms some spreadsheets also accept).
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
#: The longest name accepted (panel or area), in characters.
MAX_NAME_LENGTH: Final = 200
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_XML: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Unicode categories refused in names: controls, format characters (invisible marks,
#: bidirectional overrides), surrogates, private use, unassigned, line and paragraph
#: separators.
_BAD_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD.

    Examples
    --------
    >>> xml_text("North\\x00moor\\x1b")
    'North\\ufffdmoor\\ufffd'
    >>> xml_text("tab\\tand newline\\n stay")
    'tab\\tand newline\\n stay'
    """
    return _NOT_XML.sub("\ufffd", text)


def neutralise_cell(text: str) -> str:
    """A spreadsheet or CSV cell that can never be read as a formula.

    A cell starting with one of :data:`FORMULA_PREFIXES` gets a leading apostrophe,
    unless it is only a number. Characters XML forbids are replaced too (see
    :func:`xml_text`), so the same text is valid in every format.

    Examples
    --------
    >>> neutralise_cell('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> [neutralise_cell(c) for c in ("-3", "-0.25", "+1e-3", "-", "@SUM(A1)", "Northmoor")]
    ['-3', '-0.25', '+1e-3', "'-", "'@SUM(A1)", 'Northmoor']
    """
    text = xml_text(text)
    if text.startswith(FORMULA_PREFIXES) and _NUMBER.fullmatch(text) is None:
        return "'" + text
    return text


def csv_cell(text: str) -> str:
    """A text cell as a CSV file holds it: neutralised (:func:`neutralise_cell`), and a
    carriage return inside it made a line feed (which CSV quotes; a bare carriage return
    would end the row for most readers).

    Examples
    --------
    >>> csv_cell("=1+1"), csv_cell("two\\r\\nlines")
    ("'=1+1", 'two\\nlines')
    """
    return neutralise_cell(text).replace("\r\n", "\n").replace("\r", "\n")


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    r"""A copy of ``frame`` whose text cells and column names are neutralised for CSV.

    Numbers, dates and missing values are left as they are; every text value goes
    through :func:`neutralise_cell`, and a carriage return inside a value becomes a line
    feed (which CSV quotes; a bare carriage return would end the row for most readers).

    Examples
    --------
    >>> frame = pd.DataFrame({"area": ["=1+1", "Northmoor"], "n": [-3, 4]})
    >>> neutralise_frame(frame).to_csv(index=False, lineterminator="\n")
    "area,n\n'=1+1,-3\nNorthmoor,4\n"
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        dtype = values.dtype
        if (
            dtype == np.dtype(object)
            or isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_string_dtype(dtype)
        ):
            out[column] = values.astype(object).map(
                lambda v: csv_cell(v) if isinstance(v, str) else v
            )
    out.columns = [csv_cell(str(c)) for c in out.columns]
    return out


def check_name(value: object, what: str) -> str:
    """``value`` as a name fit for titles, file contents and folder names, or a clear error.

    A name must be text of 1 to :data:`MAX_NAME_LENGTH` characters, not blank, and hold
    only letters, digits, punctuation, symbols and spaces: no control characters, no
    invisible or direction-changing format characters, no line breaks.

    Parameters
    ----------
    value
        The name.
    what
        What the name is, for the message (``"panel"``, ``"area"``).

    Returns
    -------
    str
        The name, unchanged.

    Raises
    ------
    CdopArgumentError
        Naming the rule broken and the offending character (by its code point).

    Examples
    --------
    >>> check_name("Northmoor and Southvale CDOP", "panel")
    'Northmoor and Southvale CDOP'
    >>> check_name("North\\tmoor", "area")
    Traceback (most recent call last):
    ...
    cdop.errors.CdopArgumentError: area: 'North\\tmoor' holds U+0009 (a control character); ...
    """
    if not isinstance(value, str):
        raise CdopArgumentError(f"{what}: expected a name (text), received {value!r}")
    if not value.strip():
        raise CdopArgumentError(f"{what}: expected a name, received a blank one ({value!r})")
    shown = repr(value if len(value) <= 60 else value[:57] + "...")
    if len(value) > MAX_NAME_LENGTH:
        raise CdopArgumentError(
            f"{what}: {shown} is {len(value)} characters long; at most "
            f"{MAX_NAME_LENGTH} are allowed"
        )
    for char in value:
        category = unicodedata.category(char)
        if category in _BAD_CATEGORIES:
            kind = {
                "Cc": "a control character",
                "Zl": "a line separator",
                "Zp": "a paragraph separator",
            }.get(category, "an invisible or unassigned character")
            raise CdopArgumentError(
                f"{what}: {shown} holds U+{ord(char):04X} ({kind}); a name may hold "
                "letters, digits, punctuation, symbols and spaces only"
            )
    # a name is published: it may not carry a phone number, an email address, ...
    from cdop._identifiers import _KINDS, identifier_kind

    # (every identifier holds a digit or an "@": most names are passed over at once)
    maybe = "@" in value or "\uff20" in value or "\ufe6b" in value
    found = identifier_kind(value) if maybe or any(c.isdigit() for c in value) else None
    if found is not None:
        raise IdentifierError(
            f"{what}: the name holds what looks like {_KINDS[found]}; a published name "
            "never needs one (the value is not repeated here)"
        )
    return value


def as_date(value: object, what: str) -> dt.date | None:
    """``value`` as a date: a date (a datetime or pandas Timestamp gives its day), or text
    written as the command line takes it, ``YYYY-MM-DD``; None stays None. Anything else,
    text in another order ("01/03/2025" could be either month first) included, is a
    clear error naming ``what``.

    Examples
    --------
    >>> as_date("2025-03-01", "today"), as_date(None, "today")
    (datetime.date(2025, 3, 1), None)
    >>> as_date("01/03/2025", "today")
    Traceback (most recent call last):
    ...
    cdop.errors.CdopArgumentError: today: expected a date or text YYYY-MM-DD, got '01/03/2025'
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # a pandas Timestamp is one too
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CdopArgumentError(f"{what}: expected a date or text YYYY-MM-DD, got {value!r}")
