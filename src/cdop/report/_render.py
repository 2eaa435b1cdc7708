"""Write a chapter to disk in the chosen formats.

Every format is laid out from the same :class:`~cdop.report._model.Chapter`, so every
format shows the same cells. Output is deterministic: the same chapter (and ``date``)
gives byte-identical files, run after run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Literal, cast, get_args

from cdop._safe import as_date, xml_text
from cdop.errors import CdopArgumentError
from cdop.report._csv import csv_text, readme_text
from cdop.report._deterministic import DEFAULT_DOCUMENT_DATE
from cdop.report._house import check_ids
from cdop.report._model import Chapter

__all__ = ["FORMATS", "Format", "check_formats", "render"]

Format = Literal["md", "html", "docx", "xlsx", "csv"]
#: Every format, in the order they are written.
FORMATS: Final[tuple[Format, ...]] = get_args(Format)


def _text_bytes(text: str) -> bytes:
    """UTF-8 bytes; characters XML forbids (controls, lone surrogates) become U+FFFD."""
    return xml_text(text).encode("utf-8")


def check_formats(formats: Sequence[str] | str) -> list[Format]:
    """The formats asked for, known ones only: a sequence of names, or text naming one
    or several separated by commas ("md", "md,html", as the command line takes them).

    Examples
    --------
    >>> check_formats("md, html"), check_formats(["csv"])
    (['md', 'html'], ['csv'])
    """
    names = [f.strip() for f in formats.split(",")] if isinstance(formats, str) else formats
    unknown = [f for f in names if f not in FORMATS]
    if unknown or not names:
        raise CdopArgumentError(
            f"formats: expected some of {', '.join(FORMATS)}; got "
            + (f"unknown {unknown}" if unknown else "none")
        )
    return [cast("Format", f) for f in names]


def render(
    chapter: Chapter,
    out_dir: Path,
    formats: Sequence[Format] = FORMATS,
    *,
    date: dt.date | None = None,
    template: bytes | None = None,
) -> list[Path]:
    """Write the chapter to ``out_dir`` in the given formats.

    Files written (each only when its format is asked for, figures always):

    - ``chapter.md``: Markdown, figures linked from ``figures/``;
    - ``chapter.html``: one self-contained HTML file;
    - ``chapter.docx``: Word, with real tables and embedded figures;
    - ``chapter.xlsx``: Excel, an "About" sheet then one sheet per table;
    - ``tables/<table_id>.csv`` and ``tables/README.txt``: tidy tables;
    - ``figures/<figure_id>.png`` and ``figures/<figure_id>.svg``.

    Parameters
    ----------
    chapter
        The chapter to write.
    out_dir
        Folder to write into (created if missing). Existing files of the same names
        are replaced; other files are left alone.
    formats
        Which formats to write; by default all of them.
    date
        Creation date written into the Word and Excel files; by default 1 January 2000.
        Never the clock, so that outputs are reproducible.
    template
        The bytes of a panel's own Word file whose styles the Word output uses (see
        :func:`cdop.report._docx.check_template`); by default the house style.

    Returns
    -------
    list of Path
        The files written, in the order written.

    Raises
    ------
    CdopArgumentError
        If a format is unknown, or a table or figure id is unsafe as a file name or
        repeated.
    """
    formats = check_formats(formats)
    check_ids(chapter)
    chosen = [f for f in FORMATS if f in formats]
    checked = as_date(date, "date")
    when = DEFAULT_DOCUMENT_DATE if checked is None else checked
    outputs: list[tuple[Path, bytes]] = []

    for fmt in chosen:
        if fmt == "md":
            from cdop.report._markdown import render_markdown

            outputs.append((out_dir / "chapter.md", _text_bytes(render_markdown(chapter))))
        elif fmt == "html":
            from cdop.report._html import render_html

            outputs.append((out_dir / "chapter.html", _text_bytes(render_html(chapter))))
        elif fmt == "docx":
            from cdop.report._docx import render_docx

            outputs.append((out_dir / "chapter.docx", render_docx(chapter, when, template)))
        elif fmt == "xlsx":
            from cdop.report._xlsx import render_xlsx

            outputs.append((out_dir / "chapter.xlsx", render_xlsx(chapter, when)))
        else:
            tables = out_dir / "tables"
            for table in chapter.tables:
                outputs.append((tables / f"{table.id}.csv", _text_bytes(csv_text(table))))
            outputs.append((tables / "README.txt", _text_bytes(readme_text(chapter))))
    for figure in chapter.figures:
        outputs.append((out_dir / "figures" / f"{figure.id}.png", figure.png))
        outputs.append((out_dir / "figures" / f"{figure.id}.svg", figure.svg))

    written = []
    for path, payload in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        written.append(path)
    return written
