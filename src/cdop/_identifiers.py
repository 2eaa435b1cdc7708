"""The identifier guard: refuse input holding direct identifiers before reading anything else.

The library works on anonymised records and never needs a name, an address, a full
postcode or an NHS number. Columns whose header says they hold names or addresses are
refused by header; full postcodes and NHS numbers (10 digits with a valid Modulus 11
check digit) are refused wherever they appear. Messages name the file, row and column but
never repeat the identifying value.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from cdop._codes import normalise_key
from cdop._read import RawTable
from cdop.errors import IdentifierError

__all__ = ["check_identifiers", "nhs_number_valid"]

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
_ADDRESS_WORDS = frozenset(
    {"address", "addresses", "street", "addressline", "address1", "address2", "house"}
)
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
_NHS_SHAPE = r"\d{3}[ -]?\d{3}[ -]?\d{4}"
_POSTCODE_SHAPE = r"(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})"
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
    key = normalise_key(header)
    words = set(key.split())
    squashed = key.replace(" ", "")
    if key in _NHS_HEADERS or squashed.startswith("nhsnumber"):
        return "an NHS number"
    if key in _POSTCODE_HEADERS or "postcode" in squashed:
        return None  # judged by its values: a district such as "LS6" is allowed
    if words & _NAME_WORDS or (squashed.endswith("name") and squashed != "filename"):
        return "names"
    if words & _ADDRESS_WORDS or squashed.startswith("address"):
        return "addresses"
    return None


def _value_hits(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Positions of NHS numbers and of full postcodes in one text column."""
    codes, uniques = pd.factorize(text)
    if len(uniques) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    values = pd.Series(uniques, dtype="str")
    shaped = values.str.fullmatch(_NHS_SHAPE).fillna(False).to_numpy(dtype=bool)
    nhs = np.zeros(len(values), dtype=bool)
    if shaped.any():
        digits = values[shaped].str.replace(r"\D", "", regex=True)
        raw = np.frombuffer("".join(digits).encode("ascii"), dtype=np.uint8)
        matrix = raw.reshape(-1, 10).astype(np.int64) - ord("0")
        nhs[np.flatnonzero(shaped)] = nhs_number_valid(matrix)
    postcode = values.str.upper().str.fullmatch(_POSTCODE_SHAPE).fillna(False).to_numpy(dtype=bool)
    nhs_rows = np.flatnonzero(nhs[codes] & (codes >= 0))
    postcode_rows = np.flatnonzero(postcode[codes] & (codes >= 0))
    return nhs_rows, postcode_rows


def check_identifiers(tables: Iterable[RawTable], *, max_listed: int = 10) -> None:
    """Raise :class:`~cdop.errors.IdentifierError` if any table holds direct identifiers."""
    findings: list[str] = []
    for raw in tables:
        for column, header in raw.headers.items():
            kind = _header_kind(header)
            if kind is not None:
                findings.append(f"{raw.file}, column {header!r}: the header says it holds {kind}.")
                continue
            nhs_rows, postcode_rows = _value_hits(raw.frame[column])
            for rows, kind in (
                (nhs_rows, "an NHS number (10 digits with a valid check digit)"),
                (postcode_rows, "a full postcode"),
            ):
                if len(rows):
                    listed = ", ".join(str(r) for r in raw.rows[rows[:5]])
                    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
                    findings.append(
                        f"{raw.file}, column {header!r}, {raw.row_label} {listed}{more}: "
                        f"the value looks like {kind}."
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
            "postcodes or NHS numbers. Remove these columns (use a pseudonymous case ID and "
            "an LSOA code or deprivation decile instead), then try again."
        )
