"""CSV exports as text: the encoding, the line endings, the delimiter and ragged rows.

What real exports do, and what is done about it (the reader reports each as an issue):

- UTF-8, with or without a byte-order mark: read as is.
- UTF-16 (what Excel writes as "Unicode Text"): recognised by its byte-order mark, or by
  the zero bytes of ASCII text, and read as such.
- A few bytes that are not UTF-8 in an otherwise UTF-8 file, or a whole file in
  Windows-1252 (Excel's "CSV"): only those bytes are read as Windows-1252, so that the
  rest of the file keeps its characters; the rows holding them are named.
- Line endings: LF, CRLF, and CR alone in a file with no LF (old Mac exports).
- The delimiter: a comma, or a tab for ``.tsv``; a header that holds no comma but a
  semicolon, tab or bar is read with that delimiter, and the choice is reported.
- Rows with more fields than the header: every such row is found and reported.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
from collections.abc import Iterator
from typing import Final

__all__ = [
    "DELIMITER_CANDIDATES",
    "decode_export",
    "field_limit",
    "normalise_line_ends",
    "open_quote_record",
    "ragged_records",
    "sniff_delimiter",
    "split_line_ends",
    "utf16_codec",
]

#: Delimiters tried when a header holds no comma.
DELIMITER_CANDIDATES: Final = (";", "\t", "|")
_FALLBACK: Final = "cdop-windows-1252"
_bad_bytes: list[int] = []


def _windows_1252(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):  # pragma: no cover - decoding only
        raise exc
    _bad_bytes.append(exc.start)
    return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end


codecs.register_error(_FALLBACK, _windows_1252)


def utf16_codec(data: bytes) -> str | None:
    """The UTF-16 codec of ``data``, or None when it is not UTF-16."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:4096]
    if len(sample) >= 4 and len(sample) % 2 == 0:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def decode_export(data: bytes) -> tuple[str | None, str, list[int]]:
    """The text of a CSV export, the encoding used and the line of each byte read as
    Windows-1252 (empty when the file is clean UTF-8 or UTF-16).

    Returns ``(None, "", [])`` when the bytes are not text in any of these encodings.

    Examples
    --------
    >>> decode_export("área,n\\nÉire,1\\n".encode())[:2]
    ('área,n\\nÉire,1\\n', 'utf-8')
    >>> decode_export("área,n\\n".encode() + "Éire,1\\n".encode("cp1252"))
    ('área,n\\nÉire,1\\n', 'utf-8', [2])
    >>> decode_export("a,b\\n".encode("utf-16"))[:2]
    ('a,b\\n', 'utf-16')
    """
    codec = utf16_codec(data)
    if codec is not None:
        try:
            return data.decode(codec).removeprefix("\ufeff"), codec, []
        except UnicodeDecodeError:
            return None, "", []
    _bad_bytes.clear()
    text = data.decode("utf-8-sig", errors=_FALLBACK)
    lines = [data.count(b"\n", 0, at) + 1 for at in _bad_bytes]
    _bad_bytes.clear()
    return text, "utf-8", sorted(set(lines))


def normalise_line_ends(text: str) -> tuple[str, bool]:
    r"""``text`` with CR read as the line end when the file has no LF at all (old Mac
    exports); whether that was done. In a file with LF line ends a CR is data (or the
    CR of CRLF) and is kept.

    Examples
    --------
    >>> normalise_line_ends("a,b\r1,2\r")
    ('a,b\n1,2\n', True)
    >>> normalise_line_ends("a,b\r\n1,2\r\n")
    ('a,b\r\n1,2\r\n', False)
    >>> normalise_line_ends("a,b\n\r,2\n")
    ('a,b\n\r,2\n', False)
    """
    if "\n" in text or "\r" not in text:
        return text, False
    return text.replace("\r", "\n"), True


def sniff_delimiter(header_line: str, default: str) -> str:
    """The delimiter of a file from its first line: ``default`` unless that line holds
    no ``default`` but one of :data:`DELIMITER_CANDIDATES`.

    Examples
    --------
    >>> sniff_delimiter("case_id;date_of_death;sex", ","), sniff_delimiter("a,b", ",")
    (';', ',')
    """
    if default in header_line:
        return default
    counts = {d: header_line.count(d) for d in DELIMITER_CANDIDATES if d != default}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else default


@contextlib.contextmanager
def field_limit() -> Iterator[None]:
    """Let the csv module read fields of any size (its default stops at 128 KiB)."""
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def ragged_records(text: str, delimiter: str, width: int) -> tuple[list[list[str]], list[int]]:
    """Every record after the header, cut or padded to ``width`` fields, and the record
    number (header = 1) of each record that had more than ``width`` fields.

    Examples
    --------
    >>> ragged_records("a,b\\n1,2,3\\n4\\n5,6,7,8\\n", ",", 2)
    ([['1', '2'], ['4', ''], ['5', '6']], [2, 4])
    """
    records: list[list[str]] = []
    long_rows: list[int] = []
    with field_limit():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        next(reader, None)
        for number, fields in enumerate(reader, start=2):
            if len(fields) > width:
                long_rows.append(number)
            records.append((fields + [""] * width)[:width])
    return records, long_rows


def short_records(text: str, delimiter: str, width: int) -> list[tuple[int, int]]:
    """The record number (header = 1) and number of fields of every record after the
    header with fewer than ``width`` fields, a blank line excepted.

    Examples
    --------
    >>> short_records("a,b,c\\n1,2,3\\n4,5\\n6\\n\\n7,8,9\\n", ",", 3)
    [(3, 2), (4, 1)]
    """
    found: list[tuple[int, int]] = []
    with field_limit():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        next(reader, None)
        for number, fields in enumerate(reader, start=2):
            if 0 < len(fields) < width:
                found.append((number, len(fields)))
    return found


def split_records(short: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """Runs of consecutive short records (:func:`short_records`) that together make one
    record of ``width`` fields: a value holding a line break without quotes ends its line
    early, and the rest of the record goes on the next line (or lines), one field being
    cut in two at each break. Each run as its first record number and its number of
    lines.

    Examples
    --------
    >>> split_records([(3, 7), (4, 3), (9, 5)], 9)
    [(3, 2)]
    >>> split_records([(3, 4), (4, 1), (5, 6)], 9)  # a value over three lines
    [(3, 3)]
    """
    runs: list[tuple[int, int]] = []
    at = 0
    while at < len(short):
        start, fields = short[at]
        found = 0
        for length in range(2, len(short) - at + 1):
            number, more = short[at + length - 1]
            if number != start + length - 1:
                break  # not consecutive
            fields += more - 1
            if fields == width:
                found = length
                break
            if fields > width:
                break
        if found:
            runs.append((start, found))
            at += found
        else:
            at += 1
    return runs


def open_quote_record(text: str, delimiter: str) -> tuple[int, int, int] | None:
    r"""Where a quoted field is never closed: the record number (header = 1), the line it
    starts on and the number of lines from there to the end of the text; or None. The
    CSV reader takes everything from such a quote to the end of the file as one field:
    the records after it would be lost inside it without a word.

    Examples
    --------
    >>> open_quote_record('a,b\n1,2\n"3,4\n5,6\n', ",")
    (3, 3, 2)
    >>> open_quote_record("a,b\n1,2\n", ",") is None
    True
    >>> open_quote_record('a,b\n"x" y,2\n"3,4\n', ",")  # found past text after a quote
    (3, 3, 1)
    """
    read = 0
    stream = io.StringIO(text, newline="")
    with field_limit():
        while True:
            reader = csv.reader(stream, delimiter=delimiter, strict=True)
            try:
                for _ in reader:
                    read += 1
                return None
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    lines = text.count("\n") + (not text.endswith("\n"))
                    start = _lines_before(text, delimiter, read) + 1
                    return read + 1, start, lines - start + 1
                # another strict complaint (text after a closing quote), read as the
                # lenient reader reads it: that record counted, the next read afresh
                read += 1


def _lines_before(text: str, delimiter: str, records: int) -> int:
    """The lines the first ``records`` records of ``text`` take."""
    if records == 0:
        return 0
    with field_limit():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for _ in itertools.islice(reader, records):
            pass
        return reader.line_num


def _shape(value: str) -> str:
    """A value's shape: digits as 9, letters as A or a ("NM17-0012" is "AA99-9999")."""
    return _SHAPE_DIGITS.sub("9", _SHAPE_UPPER.sub("A", _SHAPE_LOWER.sub("a", value)))


_SHAPE_DIGITS = re.compile(r"\d")
_SHAPE_UPPER = re.compile(r"[A-Z]")
_SHAPE_LOWER = re.compile(r"[a-z]")


def _records_joined(body: str, delimiter: str) -> bool:
    r"""Whether a line holding CRs alone is records joined at them: every piece holds two
    fields or more, and each piece after a CR begins with two fields of the shapes of the
    line's first two (a case ID holding a digit, then a date), as two short records joined
    by a CR do; a note running onto a second line, or a list of case IDs in one value,
    does not.

    >>> _records_joined("A001,2024-01-02,x\rA002,2024-02-03,y", ",")
    True
    >>> _records_joined("A001,2024-01-02,one\rtwo", ","), _records_joined("A001,x,A1\rA2", ",")
    (False, False)
    """
    pieces = [p.split(delimiter) for p in body.split("\r")]
    if any(len(p) < 2 for p in pieces):
        return False
    first, second = pieces[0][0], pieces[0][1]
    if not any(c.isdigit() for c in first):
        return False
    return all(_shape(p[0]) == _shape(first) and _shape(p[1]) == _shape(second) for p in pieces[1:])


def split_line_ends(text: str, delimiter: str) -> tuple[str, int | None]:
    r"""``text`` with each carriage return alone (not part of CRLF) that ends a line
    turned into a line feed, and the number of the first line so ended (None if none).

    A CR alone in a file of LF lines is either a line end (files of mixed line ends:
    joined from several, edited on several systems) or part of a value (pandas writes a
    value holding a CR unquoted). It is read as a line end in the header line (a header
    never holds one), and in a line without quotes that, read with the CR as part of a
    value, would not have as many fields as the header, or whose pieces each begin with a
    field shaped as its first (records joined, see :func:`_records_joined`). Lines with
    quotes keep their CRs: the CSV reader reads them.

    Examples
    --------
    >>> split_line_ends("a,b\r1,2\n3,4\r5,6\n", ",")
    ('a,b\n1,2\n3,4\n5,6\n', 1)
    >>> split_line_ends("a,b\n\r,\n1,2\n", ",")  # a value holding a CR, as pandas writes it
    ('a,b\n\r,\n1,2\n', None)
    """
    lines = text.split("\n")
    out: list[str] = []
    width = 0
    first: int | None = None
    for number, line in enumerate(lines):
        body, end = (line[:-1], "\r") if line.endswith("\r") else (line, "")
        fields = body.count(delimiter) + 1
        if (
            "\r" in body
            and '"' not in body
            and (number == 0 or fields != width or _records_joined(body, delimiter))
        ):
            pieces = body.split("\r")
            if first is None:
                first = len(out) + 1
            out.extend(pieces[:-1])
            out.append(pieces[-1] + end)
        else:
            out.append(line)
        if number == 0:
            width = out[0].removesuffix("\r").count(delimiter) + 1
    return "\n".join(out), first
