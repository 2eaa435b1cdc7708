"""Small HTML pieces for the notebook views of the library's objects.

Jupyter shows an object by its ``_repr_html_``. The views of :class:`~cdop.Dataset`,
:class:`~cdop.ValidationReport`, a chapter and its tables are built from these pieces:
plain HTML, every text escaped, a little inline style scoped to one ``div`` (notebooks
strip ``<style>`` blocks from untrusted output, and a page's own style sheet applies
otherwise), no scripts and no external resources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Final, Literal

__all__ = ["block", "heading", "html_table", "paragraph", "text"]

_BOX: Final = (
    "font-family: system-ui, -apple-system, 'Segoe UI', Arial, sans-serif; "
    "line-height: 1.4; max-width: 60rem;"
)
_CELL: Final = "padding: 0.2em 0.7em; border-bottom: 1px solid #d0d7de; vertical-align: top;"
_HEAD: Final = _CELL + " border-bottom: 2px solid #1d3557; font-weight: bold;"
_CAPTION: Final = "caption-side: top; text-align: left; font-weight: bold; padding: 0 0 0.3em;"
_STAMP: Final = (
    "border: 2px solid #b00020; color: #b00020; font-weight: bold; padding: 0.2em 0.5em; "
    "display: inline-block; margin: 0.3em 0;"
)
_NOTE: Final = "color: #444; font-size: 0.9em; margin: 0.2em 0;"

Align = Literal["left", "right"]


def text(value: object) -> str:
    """Any value as escaped HTML text."""
    return escape(str(value), quote=True)


def heading(title: str, detail: str = "") -> str:
    """The first line of a view: the kind of object in bold, then a short description."""
    extra = f" <span style='color:#444'>{text(detail)}</span>" if detail else ""
    return f"<div style='font-size:1.1em; margin-bottom:0.3em'><b>{text(title)}</b>{extra}</div>"


def paragraph(content: str, *, note: bool = False, stamp: bool = False, raw: bool = False) -> str:
    """A paragraph; ``raw`` when ``content`` is HTML already."""
    body = content if raw else text(content)
    if stamp:
        return f"<div style='{_STAMP}' role='note'>{body}</div>"
    return f"<p style='{_NOTE if note else 'margin: 0.3em 0;'}'>{body}</p>"


def html_table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str = "",
    align: Sequence[Align] = (),
    row_headers: bool = True,
) -> str:
    """A table: optional caption, a header row, one row per item (the first cell a row heading)."""
    right: Align = "right"
    aligns: list[Align] = list(align) or ["left", *([right] * (len(header) - 1))]

    def cell_style(j: int, head: bool) -> str:
        where = aligns[j] if j < len(aligns) else "left"
        return f"{_HEAD if head else _CELL} text-align: {where};"

    out = ["<table style='border-collapse: collapse; margin: 0.4em 0;'>"]
    if caption:
        out.append(f"<caption style='{_CAPTION}'>{text(caption)}</caption>")
    heads = "".join(
        f"<th scope='col' style='{cell_style(j, True)}'>{text(h)}</th>"
        for j, h in enumerate(header)
    )
    out.append(f"<thead><tr>{heads}</tr></thead><tbody>")
    for row in rows:
        cells = []
        for j, value in enumerate(row):
            if j == 0 and row_headers:
                style = cell_style(j, False) + " font-weight: normal;"
                cells.append(f"<th scope='row' style='{style}'>{text(value)}</th>")
            else:
                cells.append(f"<td style='{cell_style(j, False)}'>{text(value)}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def block(*parts: str, kind: str) -> str:
    """The whole view in one scoped ``div`` (``kind`` names it for style sheets and tests)."""
    return f"<div class='cdop-{kind}' style=\"{_BOX}\">{''.join(parts)}</div>"
