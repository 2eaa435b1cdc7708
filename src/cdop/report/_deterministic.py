"""Byte-identical Office files: fixed dates and a stable entry order inside the zip.

Word and Excel files are zip archives. The libraries that write them stamp every zip
entry with the current time and the document's core properties with the time of
saving, so two saves of the same content differ. :func:`normalise_zip` rewrites such
an archive with one fixed date everywhere and the entries in a stable order, so the
same chapter always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Final

__all__ = ["DEFAULT_DOCUMENT_DATE", "normalise_zip", "zip_datetime", "zip_members"]

#: Date written into Office files when the caller gives none: a constant, never the clock.
DEFAULT_DOCUMENT_DATE: Final = dt.date(2000, 1, 1)

#: Members that must come first (the OPC content types, then the package relationships).
_FIRST: Final = ("[Content_Types].xml", "_rels/.rels")
_CORE: Final = "docProps/core.xml"
_W3CDTF: Final = re.compile(
    rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)",
)
_LAST_PRINTED: Final = re.compile(rb"<cp:lastPrinted\b[^>]*>[^<]*</cp:lastPrinted>")
#: Members whose data are compressed already (images): stored as they are, since
#: compressing them again takes time and saves nothing.
_STORED: Final = (".png", ".jpeg", ".jpg", ".gif")


def zip_datetime(date: dt.date) -> tuple[int, int, int, int, int, int]:
    """The zip entry time of ``date`` at midnight (zip dates start in 1980).

    Examples
    --------
    >>> zip_datetime(dt.date(2000, 1, 1))
    (2000, 1, 1, 0, 0, 0)
    >>> zip_datetime(dt.date(1970, 6, 1))
    (1980, 1, 1, 0, 0, 0)
    """
    if date.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (date.year, date.month, date.day, 0, 0, 0)


def _member_order(names: list[str]) -> list[str]:
    first = [n for n in _FIRST if n in names]
    return first + sorted(n for n in names if n not in _FIRST)


def _fix_core_properties(xml: bytes, date: dt.date) -> bytes:
    stamp = f"{date.isoformat()}T00:00:00Z".encode("ascii")
    xml = _W3CDTF.sub(lambda m: m.group(1) + stamp + m.group(3), xml)
    return _LAST_PRINTED.sub(b"", xml)


def normalise_zip(data: bytes, date: dt.date = DEFAULT_DOCUMENT_DATE) -> bytes:
    """Rewrite an Office zip archive so that its bytes depend on its content only.

    Every entry gets the same date (``date`` at midnight), the same permissions and
    the same compression (none for images, which are compressed already); entries are
    ordered ``[Content_Types].xml``, ``_rels/.rels``, then by name; the created and
    modified dates in ``docProps/core.xml`` are set to ``date`` and any last-printed
    date is dropped.

    Parameters
    ----------
    data
        The archive as written by a library such as python-docx.
    date
        The date to write everywhere.

    Returns
    -------
    bytes
        The normalised archive.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("b.xml", "<b/>")
    ...     z.writestr("[Content_Types].xml", "<Types/>")
    >>> out = normalise_zip(buf.getvalue())
    >>> zipfile.ZipFile(io.BytesIO(out)).namelist()
    ['[Content_Types].xml', 'b.xml']
    >>> normalise_zip(out) == out
    True
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        contents = {info.filename: source.read(info) for info in source.infolist()}
    return zip_members(contents, date)


def zip_members(contents: dict[str, bytes], date: dt.date = DEFAULT_DOCUMENT_DATE) -> bytes:
    """An Office zip archive of ``contents`` (member name to bytes), written as
    :func:`normalise_zip` writes one: the same archive it makes of a file holding them.

    Examples
    --------
    >>> data = zip_members({"b.xml": b"<b/>", "[Content_Types].xml": b"<Types/>"})
    >>> zipfile.ZipFile(io.BytesIO(data)).namelist()
    ['[Content_Types].xml', 'b.xml']
    >>> normalise_zip(data) == data
    True
    """
    when = zip_datetime(date)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in _member_order(list(contents)):
            payload = contents[name]
            if name == _CORE:
                payload = _fix_core_properties(payload, date)
            info = zipfile.ZipInfo(name, date_time=when)
            stored = name.lower().endswith(_STORED)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            target.writestr(info, payload, compresslevel=None if stored else 6)
    return buffer.getvalue()
