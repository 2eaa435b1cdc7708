"""csv_text writes a table's tidy frame itself; the text must be what pandas' ``to_csv``
writes for the same frame with its text neutralised and its decimals fixed (the way it
was written before), on random frames with every kind of column a table holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdop._safe import neutralise_frame
from cdop.report._csv import csv_text
from cdop.report._model import ReportTable
from cdop.report._tidy import text_frame

_TEXT = ["a", "=x", "-3", "b,c", 'q"t', "l1\nl2", "r\r\nx", "", None, np.nan, "  ", "＝1", "+44"]


def _by_pandas(frame: pd.DataFrame) -> str:
    return neutralise_frame(text_frame(frame)).to_csv(index=False, lineterminator="\n")


def _random_frame(rng: np.random.Generator) -> pd.DataFrame:
    size = int(rng.integers(0, 6))
    columns: dict[str, pd.Series] = {}
    for j in range(int(rng.integers(1, 5))):
        kind = int(rng.integers(0, 9))
        text = [_TEXT[i] for i in rng.integers(0, len(_TEXT), size)]
        if kind == 0:
            columns[f"text{j}"] = pd.Series(text, dtype=object)
        elif kind == 1:
            columns[f"=count{j}"] = pd.Series(rng.integers(-5, 1000, size))
        elif kind == 2:
            values = rng.normal(0, 100, size).round(int(rng.integers(0, 4)))
            columns[f"rate{j}"] = pd.Series(np.where(rng.random(size) < 0.2, np.nan, values))
        elif kind == 3:
            columns[f"flag{j}"] = pd.Series(rng.random(size) < 0.5)
        elif kind == 4:
            columns[f"level{j}"] = pd.Series(text, dtype=object).astype("category")
        elif kind == 5:
            columns[f"str{j}"] = pd.Series(text, dtype=object).astype("str")
        elif kind == 6:
            columns[f"int32_{j}"] = pd.Series(rng.integers(-5, 1000, size), dtype=np.int32)
        elif kind == 7:  # a column the writer leaves to pandas (dates)
            columns[f"date{j}"] = pd.Series(pd.to_datetime(rng.integers(0, 10**9, size), unit="s"))
        else:  # nullable whole numbers, some missing (a hidden count)
            values = pd.Series(rng.integers(-9, 99, size), dtype="Int64")
            columns[f"nullable{j}"] = values.mask(rng.random(size) < 0.3)
    return pd.DataFrame(columns)


@pytest.mark.parametrize("seed", range(4))
def test_csv_text_is_what_pandas_writes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(150):
        frame = _random_frame(rng)
        table = ReportTable("t", "T", tuple(str(c) for c in frame.columns), (), frame)
        assert csv_text(table) == _by_pandas(frame), frame


def test_csv_text_by_hand() -> None:
    # Written out by hand: quoting, neutralising, decimals and missing values.
    frame = pd.DataFrame(
        {
            "area": ["=1+1", "North, moor", "two\r\nlines", None],
            "n": [3, -4, 0, 12],
            "rate": [1.5, np.nan, 2.25, 10.0],
        }
    )
    table = ReportTable("t", "T", ("area", "n", "rate"), (), frame)
    assert csv_text(table) == (
        'area,n,rate\n\'=1+1,3,1.50\n"North, moor",-4,\n"two\nlines",0,2.25\n,12,10.00\n'
    )
