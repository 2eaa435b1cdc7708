"""The chapter's tables as tidy CSV files, with a plain-text guide to them.

Each table's tidy frame (long form, after disclosure control) is written to
``tables/<id>.csv``: UTF-8, LF line endings, no index, nothing but the header and the
rows, so that any tool reads it. What a reader must know (the stamp, the disclosure
rules, which file is which table) goes in ``tables/README.txt`` instead.
"""

from __future__ import annotations

from cdop._safe import neutralise_frame
from cdop.report._house import DISCLOSURE_HEADING
from cdop.report._model import Chapter, ReportTable
from cdop.report._tidy import text_frame

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
    return neutralise_frame(text_frame(table.tidy)).to_csv(index=False, lineterminator="\n")


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
