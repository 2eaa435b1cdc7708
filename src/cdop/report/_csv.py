"""The chapter's tables as tidy CSV files, with a plain-text guide to them.

Each table's tidy frame (long form, after disclosure control) is written to
``tables/<id>.csv``: UTF-8, LF line endings, no index, nothing but the header and the
rows, so that any tool reads it. What a reader must know (the stamp, the disclosure
rules, which file is which table) goes in ``tables/README.txt`` instead.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd

from cdop._safe import csv_cell, neutralise_frame
from cdop.report._house import DISCLOSURE_HEADING
from cdop.report._model import Chapter, ReportTable
from cdop.report._tidy import decimals, is_missing, text_frame

__all__ = ["csv_text", "readme_text"]


def csv_text(table: ReportTable) -> str:
    """The tidy table as CSV text (LF line endings, no index).

    Counts are whole numbers (empty where disclosure control hides them: the row's
    ``suppressed`` column says so), other numbers are written with the decimals they
    were rounded to. Text that a spreadsheet would read as a formula gets a leading apostrophe
    (:func:`cdop._safe.neutralise_cell`), so opening the file never runs anything.

    Examples
    --------
    >>> import pandas as pd
    >>> t = ReportTable("t", "T", ("a",), (("1",),), pd.DataFrame({"a": [1], "b": ["x"]}))
    >>> csv_text(t)
    'a,b\\n1,x\\n'
    """
    frame = table.tidy
    columns = [_column_text(frame[c]) for c in frame.columns] if frame.columns.is_unique else []
    if not columns or any(c is None for c in columns):
        # Something the direct writer does not handle: pandas writes it.
        return neutralise_frame(text_frame(frame)).to_csv(index=False, lineterminator="\n")
    out = io.StringIO()
    # pandas writes through the same writer with these settings: the same text.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([csv_cell(str(c)) for c in frame.columns])
    writer.writerows(zip(*columns, strict=True))
    return out.getvalue()


def _column_text(values: pd.Series) -> list[str] | None:
    """A column's cells as :func:`csv_text` writes them; None for a column of a kind it
    leaves to pandas."""
    dtype = values.dtype
    if pd.api.types.is_float_dtype(dtype):
        # As text_frame writes them (then neutralised like any text).
        digits = decimals(values)
        return [
            "" if math.isnan(v) else csv_cell(f"{v:.{digits}f}")
            for v in values.to_numpy(dtype=np.float64, na_value=np.nan).tolist()
        ]
    if pd.api.types.is_integer_dtype(dtype):
        # Whole numbers (nullable ones, ``Int64``, hold a hidden count as missing: empty).
        return ["" if v is pd.NA else str(v) for v in values.tolist()]
    if dtype == np.dtype(bool):
        return ["True" if v else "False" for v in values.tolist()]
    if (
        dtype == np.dtype(object)
        or isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_string_dtype(dtype)
    ):
        cells = []
        for v in values.tolist():
            if isinstance(v, str):
                cells.append(csv_cell(v))
            elif is_missing(v):
                cells.append("")
            else:
                return None
        return cells
    return None


def readme_text(chapter: Chapter) -> str:
    """``tables/README.txt``: the chapter, the stamp, each file's table and the disclosure note."""
    lines = [chapter.title]
    lines.extend(t for t in (chapter.subtitle, chapter.date_text) if t)
    if chapter.stamp:
        lines.extend(["", chapter.stamp])
    lines.extend(
        [
            "",
            "Tables in tidy (long) form: one row per value, UTF-8, comma-separated, "
            "first line the column names.",
            "",
        ]
    )
    width = max((len(t.id) for t in chapter.tables), default=0) + len(".csv")
    for table in chapter.tables:
        lines.append(f"{table.id + '.csv':<{width}}  {table.caption}")
    if chapter.disclosure_note:
        lines.extend(["", DISCLOSURE_HEADING, chapter.disclosure_note])
    return "\n".join(lines) + "\n"
