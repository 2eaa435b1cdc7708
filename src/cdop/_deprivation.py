"""Deprivation from LSOA: the official English Indices of Deprivation "File 1", as published.

File 1 of the English Indices of Deprivation lists every LSOA of England with its Index of
Multiple Deprivation rank and decile (decile 1 = the most deprived 10% of LSOAs). IoD2019 is
on 2011 LSOAs (32,844 areas; header "LSOA code (2011)"); IoD2025 is on 2021 LSOAs (33,755
areas; header "LSOA code (2021)"). The user supplies the file (``.xlsx`` as downloaded, or a
CSV saved from it); the sheet holding the LSOA codes is found by its header, and the
vintage is read from that header. Nothing is guessed: a code missing from the file, or a
code of the other vintage, is reported by row and its decile left empty.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from cdop.errors import CdopArgumentError

__all__ = ["Deprivation", "other_vintage", "read_file1", "vintage_of_header"]

_LSOA_HEADER: Final = re.compile(r"lsoa\s*code\s*\((2011|2021)\)", re.IGNORECASE)
_DECILE_HEADER: Final = re.compile(
    r"index of multiple deprivation\s*\(imd\)\s*decile", re.IGNORECASE
)
#: The last LSOA code of the 2011 geography (E01000001 to E01032844, less a few gaps).
LAST_2011_CODE: Final = 32844
_CODE: Final = re.compile(r"E01(\d{6})")
_EDITION: Final = {2011: "IoD2019 (2011 LSOAs)", 2021: "IoD2025 (2021 LSOAs)"}


@dataclass(frozen=True)
class Deprivation:
    """Deciles by LSOA code from one File 1."""

    file: str
    vintage: int  # 2011 or 2021: the LSOA geography of the file
    deciles: pd.Series  # LSOA code -> decile 1-10
    sha256: str

    @property
    def edition(self) -> str:
        """The edition in words, e.g. "IoD2019 (2011 LSOAs)"."""
        return _EDITION[self.vintage]


def vintage_of_header(header: str) -> int | None:
    """The LSOA vintage a column header declares ("LSOA11" -> 2011), if any.

    Examples
    --------
    >>> vintage_of_header("LSOA 2011"), vintage_of_header("lsoa21cd"), vintage_of_header("LSOA")
    (2011, 2021, None)
    """
    key = header.lower().replace(" ", "").replace("_", "")
    for vintage, marks in ((2011, ("2011", "lsoa11")), (2021, ("2021", "lsoa21"))):
        if any(m in key for m in marks):
            return vintage
    return None


def _find_table(sheets: dict[str, pd.DataFrame], name: str) -> tuple[int, int, int, pd.DataFrame]:
    """The sheet, header row, LSOA and decile column positions of a File 1."""
    for cells in sheets.values():
        for row in range(min(len(cells), 10)):
            texts = ["" if pd.isna(v) else str(v).strip() for v in cells.iloc[row].tolist()]
            lsoa = [(i, m) for i, t in enumerate(texts) if (m := _LSOA_HEADER.fullmatch(t))]
            decile = [i for i, t in enumerate(texts) if _DECILE_HEADER.match(t)]
            if lsoa and decile:
                position, match = lsoa[0]
                return int(match.group(1)), position, decile[0], cells.iloc[row + 1 :]
    raise CdopArgumentError(
        f"deprivation: {name} is not an English Indices of Deprivation File 1: no sheet has "
        "the columns 'LSOA code (2011)' or 'LSOA code (2021)' and 'Index of Multiple "
        "Deprivation (IMD) Decile'. Give File 1 of IoD2019 or IoD2025 as published."
    )


def read_file1(path: str | Path) -> Deprivation:
    """Read File 1 of the English Indices of Deprivation (IoD2019 or IoD2025).

    Raises
    ------
    CdopArgumentError
        The file is missing, unreadable, not a File 1, or holds a bad code or decile (the
        message names the row).
    """
    file = Path(path)
    if not file.is_file():
        raise CdopArgumentError(f"deprivation: no such file {str(path)!r}.")
    data = file.read_bytes()
    try:
        if file.suffix.lower() in (".xlsx", ".xlsm"):
            sheets = pd.read_excel(file, sheet_name=None, header=None, dtype=object)
        else:
            sheets = {"csv": pd.read_csv(file, header=None, dtype=str, encoding="utf-8-sig")}
    except Exception as exc:  # openpyxl and the CSV parser raise many types
        raise CdopArgumentError(f"deprivation: {file.name} cannot be read ({exc}).") from exc
    vintage, code_at, decile_at, body = _find_table(sheets, file.name)
    codes = body.iloc[:, code_at].astype("str").str.strip()
    deciles = pd.to_numeric(body.iloc[:, decile_at], errors="coerce")
    keep = codes.notna() & (codes != "") & (codes != "nan")
    codes, deciles = codes[keep], deciles[keep]
    bad_code = ~codes.str.fullmatch(_CODE.pattern).to_numpy(dtype=bool, na_value=False)
    bad_decile = ~deciles.isin(range(1, 11)).to_numpy()
    for bad, what in ((bad_code, "LSOA code"), (bad_decile, "decile (1 to 10)")):
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise CdopArgumentError(
                f"deprivation: {file.name}, row {int(body.index[keep][first]) + 1}: not a "
                f"valid {what}; is the file as published?"
            )
    if codes.duplicated().any():
        raise CdopArgumentError(f"deprivation: {file.name} lists an LSOA code twice.")
    series = pd.Series(deciles.astype("int64").to_numpy(), index=pd.Index(codes.to_numpy()))
    return Deprivation(
        file=file.name,
        vintage=vintage,
        deciles=series,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def other_vintage(codes: pd.Series, vintage: int) -> np.ndarray:
    """Which codes (absent from a file of ``vintage``) look like codes of the other one.

    New 2021 LSOAs were numbered after the last 2011 code, so a code above E01032844 is a
    2021 code; against a 2021 file, an absent code up to E01032844 is a 2011 code that the
    2021 geography replaced.
    """
    number = pd.to_numeric(codes.str.slice(3), errors="coerce")
    if vintage == 2011:
        result: np.ndarray = (number > LAST_2011_CODE).to_numpy(dtype=bool, na_value=False)
    else:
        result = (number <= LAST_2011_CODE).to_numpy(dtype=bool, na_value=False)
    return result
