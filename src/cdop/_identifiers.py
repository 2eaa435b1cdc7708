"""The identifier guard: refuse input holding direct identifiers before reading anything else.

The library works on anonymised records and never needs a name, an address, a full
postcode, an NHS number, an email address or a phone number. Columns whose header says
they hold names, addresses or NHS numbers are refused by header. Every text cell of every
column (the contract's and any other) is scanned for NHS numbers (10 digits, spaced or
dashed, with a valid Modulus 11 check digit), full postcodes (any case, with or without the
space), email addresses and UK phone numbers, anywhere in the text: "Found at LS6 4AB" is
refused as surely as "LS6 4AB". Messages name the file, row and column but never repeat
the identifying value.

The scan reads each distinct cell text once: the distinct texts of a column are joined into
one string and searched with one regular expression, so that a million-row table costs one
pass of the regular expression engine per column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cdop import schema
from cdop._codes import normalise_key
from cdop._read import RawTable, factorize_text
from cdop.errors import IdentifierError

__all__ = ["check_identifiers", "factorize", "nhs_number_valid"]

_NAME_WORDS = frozenset(
    {
        "name",
        "names",
        "forename",
        "forenames",
        "surname",
        "surnames",
        "firstname",
        "lastname",
        "fullname",
        "nickname",
        "alias",
    }
)
_ADDRESS_WORDS = frozenset({"address", "addresses", "addr", "street", "addressline", "house"})
#: "nhs" followed by a word for a number ("Patient NHS Number", "nhs_no", "NHS ID"), but
#: not "NHS Trust ID" or "has NHS number" ("nhs" then a number word, side by side).
_NHS_WORDS = re.compile(r"(?:^|\s)nhs ?(?:number|numb|nbr|no|num|id|ref|reference)\d*(?:\s|$)")
#: Every column of the data contract.
_CONTRACT_COLUMNS = frozenset(c.name for spec in schema.TABLES.values() for c in spec.columns)
#: Words of a header naming a place, a body or a thing rather than a person: its "name"
#: column holds that name ("LA Name", "Hospital Name", a data dictionary's "Field name").
_PLACE_WORDS = frozenset(
    {
        "la",
        "lsoa",
        "msoa",
        "ward",
        "hospital",
        "trust",
        "icb",
        "ccg",
        "place",
        "area",
        "authority",
        "region",
        "district",
        "borough",
        "county",
        "organisation",
        "organization",
        "school",
        "agency",
        "panel",
        "team",
        "service",
        "site",
        "group",
        "field",
        "column",
        "variable",
        "sheet",
        "file",
        "table",
        "form",
        "category",
        "condition",
        "cause",
        "diagnosis",
        "factor",
        "drug",
        "medication",
        "provider",
        "item",
        "element",
        "code",
        "indicator",
        "measure",
        "metric",
        "unit",
        "department",
        "specialty",
        "practice",
        "centre",
        "center",
        "clinic",
        "setting",
        "location",
        "country",
        "town",
        "city",
        "locality",
        "ethnic",
        "religion",
        "project",
        "report",
        "dataset",
        "document",
        "template",
        "label",
    }
)
#: Words of a header naming a person: a "name" column beside one is a person's name,
#: whatever else the header says ("Patient Name (Hospital)", "Service User Name").
_PERSON_WORDS = frozenset(
    {
        "child",
        "childs",
        "patient",
        "deceased",
        "mother",
        "father",
        "parent",
        "parents",
        "carer",
        "guardian",
        "sibling",
        "baby",
        "infant",
        "user",
        "client",
        "pupil",
        "person",
        "mum",
        "dad",
        "informant",
    }
)
#: Whole headers that name a person's name without the word ("Known As", "Child").
_PERSON_HEADERS = frozenset({"known as", "aka", "also known as", "initials", "child initials"})
#: First words of a header naming a yes/no flag about a number, not the number.
_FLAG_WORDS = frozenset({"has", "is", "with", "without", "valid", "missing", "no"})
#: A lower-case letter then a capital, or the last capital of a run before a capital and
#: a lower-case letter: where camel case puts a word break ("NameOf", "NHSNo").
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_POSTCODE_HEADERS = frozenset(
    {
        "postcode",
        "post code",
        "postal code",
        "zip",
        "zip code",
        "postcode of residence",
        "home postcode",
        "full postcode",
    }
)
_NHS_HEADERS = frozenset(
    {"nhs number", "nhs no", "nhs num", "nhs", "nhsnumber", "nhs id", "chi number", "chi"}
)
#: The last word of a street's name, as an address writes it (title case or capitals).
_STREET_WORDS = (
    "Street", "St", "Road", "Rd", "Avenue", "Ave", "Lane", "Crescent", "Terrace",
    "Gardens", "Grove", "Close", "Drive", "Court", "Place", "Mews", "Square", "Parade",
    "Walk", "Way", "Rise", "View",
)  # fmt: skip
_STREETS = "|".join([*_STREET_WORDS, *(w.upper() for w in _STREET_WORDS)])
# One pattern, six kinds (named groups). Boundaries keep a pattern from matching inside
# a longer number or word. The inward code of a postcode never uses C, I, K, M, O or V.
_SCAN = re.compile(
    r"(?P<nhs>(?<![\d+])\d{3}(?: ?[./-] ?| )?\d{3}(?: ?[./-] ?| )?\d{4}(?!\d))"
    r"|(?P<postcode>(?<![A-Za-z0-9])(?:[A-Za-z]{1,2}\d[A-Za-z\d]?[ .-]?\d"
    r"[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}|GIR[ ]?0AA)(?![A-Za-z0-9]))"
    # letters of any script ("zoë@example.com", an internationalised domain)
    # (from the start of a run of such characters only: tried from within a long run
    # without "@", each start would read the run again, time growing with its square)
    r"|(?P<email>(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+)"
    # glued to a word only after "mob", "tel" or "ph" ("mob07700900123")
    r"|(?P<phone>(?:(?<![\w+])|(?<=[Mm]ob)|(?<=MOB)|(?<=[Tt]el)|(?<=TEL)|(?<=[Pp]h)|(?<=PH))"
    r"(?:(?:\+|00)44[ -]?(?:\(0\)[ ]?)?|\(?0)"
    # spaced as one likes ("0113 496 0000", "(0113) 4960000"), or with dots or hyphens
    # after an area code of three digits or more ("0113-496-0000"; "01-04-2023 12" is a date)
    r"(?:[1-37-9][\d ()]{7,13}\d|[1-37-9]\d{1,4}[.-]\d{3,4}[.-]?\d{3,4})(?!\d))"
    # a house number and a street named in capitals ("12 High Street", "3A, ELM GROVE")
    rf"|(?P<address>(?<!\w)\d{{1,4}}[A-Za-z]?,? (?:[A-Z][\w'-]*\.? ){{1,3}}"
    rf"(?:{_STREETS})(?![\w-]| Hospital| HOSPITAL))"
    # a title, up to two initials and a name, each a capital of any script ("Mrs Smith",
    # "Dr. O'Neill", "Mrs J Smith", "Dr A. Patel", "Mrs Öztürk"; not "MS" or "DR Congo";
    # the capitals are checked by _is_identifier)
    r"|(?P<name>(?<![\w-])(?:Mr|Mrs|MRS|Miss|MISS|Ms|Mx|Dr)\.? "
    r"(?:[^\W\d_]\.? ){0,2}[^\W\d_][\w'-]*)"
)
#: Where a phone number may begin: not within a word, but after "mob", "tel" or "ph".
_PHONE_START = re.compile(
    r"(?:^|(?<=[^\w+])|(?<=[Mm]ob)|(?<=MOB)|(?<=[Tt]el)|(?<=TEL)|(?<=[Pp]h)|(?<=PH))\Z"
)
_COARSE = (
    r"\d{3}[\s./-]*\d{3}[\s./-]*\d{4}|[A-Za-z]\d[A-Za-z\d]?[\s.-]*\d[A-Za-z]{2}|GIR\s*0AA|@|"
    r"(?:\+44|0044|0)[\s()]*[1-37-9][\d\s()]{7,13}\d|"
    r"(?:\+44|0044|0)[\s()-]*[1-37-9]\d{1,4}[.-]\d{3,4}[.-]?\d{3,4}|"
    rf"\d[A-Za-z]?,?\s+[A-Z][^\n]*(?:{_STREETS})|(?:Mrs?|MRS|Miss|MISS|Ms|Mx|Dr)\.?\s+\p{{Lu}}"
)
#: What the scan reads in place of the text: compatibility forms folded (full-width
#: digits and letters, non-breaking and other spaces), invisible format characters
#: (zero-width spaces) dropped and every run of spaces, tabs or line breaks made one
#: space, so that "943\u00a0476\u00a05919" or "LS6\t4AB" is read as the identifier
#: it is.
_INVISIBLE = r"[\p{Cf}]+"
#: Where the digits 0 to 9 of other scripts begin (Arabic-Indic, Persian, N'Ko,
#: Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam,
#: Sinhala, Thai, Lao, Tibetan, Myanmar, Khmer, Mongolian): read as 0 to 9 (NFKC keeps them).
_DIGIT_BLOCKS = (
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810,
)  # fmt: skip
#: The digit d of every such script, as a class, for d from 0 to 9.
_OTHER_DIGIT = tuple(
    "[" + "".join(f"\\x{{{start + d:X}}}" for start in _DIGIT_BLOCKS) + "]" for d in range(10)
)
_ANY_OTHER_DIGIT = (
    "[" + "".join(f"\\x{{{start:X}}}-\\x{{{start + 9:X}}}" for start in _DIGIT_BLOCKS) + "]"
)
#: Characters beyond ASCII that folding changes in a way the scan needs: format
#: characters, spaces other than the ASCII one, full-width forms (digits, letters, "@"),
#: digits of other scripts.
_FOLDABLE = (
    r"[\p{Cf}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}"
    r"\x{FF00}-\x{FFEF}\x{2010}-\x{2015}\x{2212}\x{B7}]|"
) + _ANY_OTHER_DIGIT
#: Dashes and dots of other kinds (Word turns " - " into " \u2013 "), read as "-".
_DASHES = r"[\x{2010}-\x{2015}\x{2212}\x{B7}]"
_SPACES = r"[\s\p{Z}]+"
_KINDS = {
    "nhs": "an NHS number (10 digits with a valid check digit)",
    "postcode": "a full postcode",
    "email": "an email address",
    "phone": "a phone number",
    "address": "a street address (a house number and a street)",
    "name": "a person's name after a title (Mr, Mrs, Miss, Ms, Mx, Dr)",
}
_WEIGHTS = np.arange(10, 1, -1)


def nhs_number_valid(digits: np.ndarray) -> np.ndarray:
    """Modulus 11 check of NHS numbers given as an ``(n, 10)`` array of digits.

    The first nine digits are weighted 10 down to 2 and summed; the check digit is
    11 minus the remainder on division by 11 (11 becomes 0; 10 means the number is
    invalid) and must equal the tenth digit.

    Examples
    --------
    >>> import numpy as np
    >>> nhs_number_valid(np.array([[9, 4, 3, 4, 7, 6, 5, 9, 1, 9],
    ...                            [9, 4, 3, 4, 7, 6, 5, 9, 1, 8]]))
    array([ True, False])
    """
    check = 11 - (digits[:, :9] @ _WEIGHTS) % 11
    check = np.where(check == 11, 0, check)
    valid: np.ndarray = (check != 10) & (check == digits[:, 9])
    return valid


def _header_kind(header: str) -> str | None:
    """What a column's header says it holds, when that is an identifier.

    Headers are read as words: camel case split ("NameOfChild", "NHSNo"), numbers
    dropped ("Forename1", "Addr Line 1").

    Examples
    --------
    >>> [_header_kind(h) for h in ("NHSNo", "Patient NHS Number", "NameOfChild",
    ...                            "FirstName1", "Home Addr", "NHS Trust", "Filename")]
    ['an NHS number', 'an NHS number', 'names', 'names', 'addresses', None, None]
    >>> [_header_kind(h) for h in ("nhs_trust_id", "NHS Region ID", "has_nhs_number")]
    [None, None, None]
    >>> [_header_kind(h) for h in ("LA Name", "Hospital Name", "Field name", "Name of Trust")]
    [None, None, None, None]
    >>> [_header_kind(h) for h in ("Service User Name", "Name (as on Form A)", "Known As")]
    ['names', 'names', 'names']
    >>> [_header_kind(h) for h in ("Birth Hospital Name", "Place of Death Name", "Infant")]
    [None, None, None]
    >>> [_header_kind(h) for h in ("Name of person completing form", "NHSnum", "NHS Nbr")]
    ['names', 'an NHS number', 'an NHS number']
    >>> _header_kind("\uff2e\uff41\uff4d\uff45")  # full-width "Name"
    'names'
    """
    split = _CAMEL.sub(" ", unicodedata.normalize("NFKC", header))
    key = normalise_key(split)
    words = {w.rstrip("0123456789") for w in key.split()} - {""}
    squashed = "".join(c for c in key if not c.isdigit()).replace(" ", "")
    if (
        key in _NHS_HEADERS
        or squashed.startswith("nhsnumber")
        or squashed in {"nhsno", "nhsnum", "nhsnumb", "nhsnbr"}
        or (
            _NHS_WORDS.search(" ".join(key.split())) is not None
            and key.split()[0] not in _FLAG_WORDS
        )
    ):
        return "an NHS number"
    if key in _POSTCODE_HEADERS or "postcode" in squashed:
        return None  # judged by its values: a district such as "LS6" is allowed
    # words in brackets say where a value comes from ("(School Record)"), not whose it is
    plain = normalise_key(re.sub(r"\([^)]*\)", " ", split))
    tokens = [w.rstrip("0123456789") for w in plain.split()]
    tokens = [w for w in tokens if w]
    if key in _PERSON_HEADERS:
        return "names"
    at = next((i for i, w in enumerate(tokens) if w in _NAME_WORDS), None)
    if at is not None:
        before = tokens[at - 1] if at else ""
        after = tokens[at + 2 :] if tokens[at + 1 : at + 2] == ["of"] else []
        if before in _PERSON_WORDS or (bool(after) and after[0] in _PERSON_WORDS):
            # "Service User Name", "Patient Name (Hospital)", "Name of person completing
            # form" (a place word after the person's is where, not whose)
            return "names"
        if set(tokens[:at]) & _PLACE_WORDS or set(after) & _PLACE_WORDS:
            # a place or body ("Birth Hospital Name", "Local Authority of Residence Name",
            # "Name of Trust"), not a person
            return None
        return "names"  # "Name", "First Name", "Name of Child", "Name (as on Form A)"
    if squashed.endswith("name") and squashed != "filename":
        if any(squashed.startswith(place) for place in _PLACE_WORDS):
            return None  # "hospitalname", "fieldname"
        return "names"
    if words & _ADDRESS_WORDS or squashed.startswith(("address", "addr")):
        return "addresses"
    return None


def _is_identifier(kind: str, text: str) -> bool:
    """Whether a match of the scan really is an identifier of its kind."""
    if kind == "nhs":
        numbers = [int(d) for d in re.sub(r"\D", "", text)]
        return bool(nhs_number_valid(np.array([numbers], dtype=np.int64))[0])
    if kind == "phone":
        digits = re.sub(r"\D", "", text)
        international = text.startswith(("+44", "0044"))
        national = digits[2 if text.startswith("+") else 4 :] if international else digits[1:]
        if international and national.startswith("0"):  # +44 (0)113 ...
            national = national[1:]
        return len(national) in (9, 10) and national[0] in "12378"
    if kind == "name":  # every word after the title begins with a capital
        return all(word[0].isupper() for word in text.split(" ")[1:])
    return True


def _folded(texts: pa.Array) -> pa.Array:
    """Texts as the scan reads them (see :data:`_SPACES`)."""
    texts = pc.utf8_normalize(texts, "NFKC")
    if pc.any(pc.match_substring_regex(texts, _ANY_OTHER_DIGIT)).as_py():
        for digit, pattern in enumerate(_OTHER_DIGIT):
            texts = pc.replace_substring_regex(texts, pattern, str(digit))
    texts = pc.replace_substring_regex(texts, _INVISIBLE, "")
    texts = pc.replace_substring_regex(texts, _DASHES, "-")
    return pc.replace_substring_regex(texts, _SPACES, " ")


def _value_hits(codes: np.ndarray, uniques: pd.Series) -> dict[str, np.ndarray]:
    """Rows of one column holding each kind of identifier, anywhere in the cell text."""
    if len(uniques) == 0:
        return {}
    # A coarse pattern (no look-arounds, so Arrow's engine runs it in C++, and loose about
    # spaces) keeps the texts that may hold an identifier, with every text that is not
    # plain ASCII; those are normalised (see _SPACES) and the exact pattern reads them,
    # joined into one string (one text a line) by Arrow.
    texts = pa.array(uniques.fillna(""), type=pa.string())
    # Texts beyond ASCII are folded first (see _SPACES), then every text meets the coarse
    # pattern: a curly apostrophe alone sends no text to the exact scan.
    other = np.flatnonzero(~pc.string_is_ascii(texts).to_numpy(zero_copy_only=False).astype(bool))
    if other.size:  # only those holding something folding changes for the scan
        holds = pc.match_substring_regex(texts.take(pa.array(other)), _FOLDABLE)
        other = other[holds.to_numpy(zero_copy_only=False).astype(bool)]
    if other.size:
        folded = _folded(texts.take(pa.array(other)))
        texts = pc.replace_with_mask(texts, pa.array(np.isin(np.arange(len(texts)), other)), folded)
    maybe = pc.match_substring_regex(texts, _COARSE).to_numpy(zero_copy_only=False)
    if not maybe.any():
        return {}
    index = np.flatnonzero(maybe)
    texts = _folded(texts.take(pa.array(index)))
    lengths = pc.utf8_length(texts).to_numpy(zero_copy_only=False).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    one_list = pa.ListArray.from_arrays(pa.array([0, len(texts)], type=pa.int32()), texts)
    joined = str(pc.binary_join(one_list, "\n")[0].as_py())
    found: dict[str, set[int]] = {}
    for match in _SCAN.finditer(joined):
        kind = match.lastgroup or ""
        # ten digits failing the NHS check may still be a phone number ("0800123456"),
        # unless glued to a word as a reference is ("NM0113496000")
        if (
            kind == "nhs"
            and not _is_identifier(kind, match.group())
            and match.group().startswith("0")
            and _PHONE_START.search(joined[max(0, match.start() - 3) : match.start()])
        ):
            kind = "phone"
        if _is_identifier(kind, match.group()):
            line = int(np.searchsorted(starts, match.start(), "right")) - 1
            found.setdefault(kind, set()).add(int(index[line]))
    hits: dict[str, np.ndarray] = {}
    for kind, positions in found.items():
        flagged = np.zeros(len(uniques) + 1, dtype=bool)
        flagged[list(positions)] = True
        hits[kind] = np.flatnonzero(flagged[codes])  # codes of -1 read the last (False) slot
    return hits


def identifier_kind(text: str) -> str | None:
    """The kind of direct identifier ``text`` holds ("nhs", "postcode", "email", "phone",
    "address"; see :data:`_KINDS`; a title and a name are not one here), read as the
    scan of a table's cells reads it (the text folded first: non-breaking spaces, dashes
    of other kinds, zero-width characters), or None.

    For texts the library publishes that are not records: the panel's own text blocks
    (learning, actions) and names given as settings.

    Examples
    --------
    >>> identifier_kind("moved to LS6\u00a04AB") , identifier_kind("decile 4, LS6")
    ('postcode', None)
    """
    hits = _value_hits(np.zeros(1, dtype=np.int64), pd.Series([text], dtype="str"))
    # a title and a name are a finding in records, not in the panel's own texts: a
    # foreword by the panel's chair names her ("Dr Jane Smith, Chair")
    return next((kind for kind in _KINDS if kind in hits and kind != "name"), None)


def factorize(raw: RawTable, column: str) -> tuple[np.ndarray, pd.Series]:
    """Codes and distinct texts of one column, computed once per table and column.

    As :func:`pandas.factorize`: the distinct texts in order of first appearance, the
    code of each row (-1 for a missing cell). Columns are coded as they are read (see
    ``cdop._read``), so this is mostly a look-up.
    """
    cached = raw.factorized.get(column)
    if cached is None:
        cached = factorize_text(raw.frame[column])
        raw.factorized[column] = cached
    return cached


#: Added to a refusal over parts of a file that are not read as records.
_UNREAD_HINT = (
    "\nThe places listed are not read as records (a sheet of instructions or contacts, "
    "or title rows above the headings), but the whole file is refused when any part of "
    "it holds an identifier. If they hold no child's details (an office's email address "
    "or telephone number, say), delete them from a copy of the file and read the copy."
)


def check_identifiers(
    tables: Iterable[RawTable],
    *,
    max_listed: int = 10,
    first_row_headings: bool = False,
    sheet_names: tuple[str, Sequence[str]] | None = None,
    unread: bool = False,
) -> None:
    """Raise :class:`~cdop.errors.IdentifierError` if any table holds direct identifiers.

    ``first_row_headings``: the tables are sheets read as data whose first row may be
    headings (a sheet holding none of the tables): a heading there that says its column
    holds names, addresses or NHS numbers is a finding too. ``sheet_names``: a workbook's
    file name and its sheets' names, scanned as values (a sheet named after a child).
    ``unread``: the tables are parts of a file not read as records (other sheets, title
    rows above the headings); the refusal then says how to read the file without them."""
    findings: list[str] = []
    file, names = sheet_names or ("", ())
    if file:
        in_file = _value_hits(np.zeros(1, dtype=np.int64), pd.Series([file]))
        if in_file:
            findings.append(
                f"the workbook's file name holds {_KINDS[next(iter(in_file))]} (the name "
                "is not repeated here)."
            )
    if names:
        for position, name in enumerate(names, start=1):
            hits = _value_hits(np.zeros(1, dtype=np.int64), pd.Series([name]))
            if hits:
                findings.append(
                    f"{file}, sheet {position} (counted from the left): the sheet's name "
                    f"holds {_KINDS[next(iter(hits))]}."
                )
    names_seen: set[str] = set()
    for raw in tables:
        # the file's name (printed in the chapter's provenance): "export from
        # jane.smith@nhs.net.xlsx"; a workbook's sheets share it
        name = raw.file.split("[", 1)[0]
        if name and name not in names_seen and name != file:
            names_seen.add(name)
            in_name = _value_hits(np.zeros(1, dtype=np.int64), pd.Series([name]))
            if in_name:
                findings.append(
                    f"the name of the {raw.table} table's file holds "
                    f"{_KINDS[next(iter(in_name))]} (the name is not repeated here)."
                )
        if first_row_headings and len(raw.frame):
            for column, header in raw.headers.items():
                first = raw.frame[column].iloc[0]
                kind = None if pd.isna(first) else _header_kind(str(first))
                if kind is not None:
                    findings.append(
                        f"{raw.file}, column {header!r}, row 1: the heading says the column "
                        f"holds {kind}."
                    )
        for column, header in raw.headers.items():
            # a column read as one of the contract's (by its heading, an alias or the
            # panel's map) holds what the contract says: its values are scanned all the same
            kind = None if column in _CONTRACT_COLUMNS else _header_kind(header)
            if kind is not None:
                findings.append(f"{raw.file}, column {header!r}: the header says it holds {kind}.")
                continue
            in_header = _value_hits(np.zeros(1, dtype=np.int64), pd.Series([header]))
            if in_header:
                place = list(raw.headers).index(column) + 1
                findings.append(
                    f"{raw.file}, column {place} (counted from the left): the header holds "
                    f"{_KINDS[next(iter(in_header))]}."
                )
                continue
            codes, uniques = factorize(raw, column)
            for key, rows in _value_hits(codes, uniques).items():
                listed = ", ".join(str(r) for r in raw.rows[rows[:5]])
                more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
                findings.append(
                    f"{raw.file}, column {header!r}, {raw.row_label} {listed}{more}: "
                    f"the text holds {_KINDS[key]}."
                )
    if findings:
        listed = "\n".join(f"  - {f}" for f in findings[:max_listed])
        more = (
            f"\n  ... and {len(findings) - max_listed} more" if len(findings) > max_listed else ""
        )
        raise IdentifierError(
            "The input holds direct identifiers, so it was refused and nothing was read.\n"
            f"{listed}{more}\n"
            "cdop works on anonymised records only and never needs names, addresses, full "
            "postcodes, NHS numbers, email addresses or phone numbers, in any column, "
            "free-text notes included. Remove them (use a pseudonymous case ID and an LSOA "
            "code or deprivation decile instead), then try again."
            + (_UNREAD_HINT if unread else "")
        )
