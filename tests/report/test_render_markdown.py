"""Markdown renderer: a snapshot, every cell, alignment, escaping and the stamp."""

from __future__ import annotations

import re

from report_fixtures import STAMP, make_chapter, tiny_chapter

from cdop.report._markdown import escape_markdown, render_markdown

SNAPSHOT = r"""**NOT FOR PUBLICATION**

# Tiny chapter

Panel, 2021/22

*Produced 1 April 2026*

## Contents

- [Sex](#sex)
- [Appendix: how this chapter was made](#appendix-how-this-chapter-was-made)

## Sex

Twelve girls died.

**Table 1. Deaths by sex**

| Sex | Deaths |
|:---|---:|
| Female | 12 |
| Male | * |

\* 1 to 5 deaths.

![Bars: female 12.](figures/f1.png)

*Figure 1. Deaths by sex*

## Appendix: how this chapter was made

### Disclosure control

Counts from 1 to 5 are shown as \*.

### Provenance

| Item | Value |
|:---|:---|
| cdop version | 0.1.0 |

SHA-256: the fingerprint of each input file; the same files give the same fingerprints.

**NOT FOR PUBLICATION**
"""

_PIPE = re.compile(r"(?<!\\)\|")
_ESCAPE = re.compile(r"\\(.)")


def pipe_tables(text: str) -> list[list[tuple[str, ...]]]:
    """Every pipe table as rows of unescaped cells (delimiter rows kept as they are)."""
    tables: list[list[tuple[str, ...]]] = []
    previous = False
    for line in text.split("\n"):
        is_row = line.startswith("|")
        if is_row:
            cells = tuple(_ESCAPE.sub(r"\1", c.strip()) for c in _PIPE.split(line)[1:-1])
            if not previous:
                tables.append([])
            tables[-1].append(cells)
        previous = is_row
    return tables


def test_snapshot_of_tiny_chapter() -> None:
    assert render_markdown(tiny_chapter(STAMP)) == SNAPSHOT


def test_snapshot_without_stamp_only_loses_the_stamp_lines() -> None:
    expected = SNAPSHOT.removeprefix("**NOT FOR PUBLICATION**\n\n").removesuffix(
        "\n\n**NOT FOR PUBLICATION**\n"
    )
    assert render_markdown(tiny_chapter()) == expected + "\n"


def test_every_cell_in_order_with_alignment() -> None:
    chapter = make_chapter()
    tables = pipe_tables(render_markdown(chapter))
    assert len(tables) == len(chapter.tables) + 1  # and the provenance table
    for table, parsed in zip(chapter.tables, tables, strict=False):
        assert parsed[0] == table.header
        expected = tuple("---:" if a == "right" else ":---" for a in table.column_alignments())
        assert parsed[1] == expected
        assert parsed[2:] == list(table.rows)
    assert tables[-1][2:] == [tuple(p) for p in chapter.provenance]


def test_captions_above_notes_under_figures_linked() -> None:
    text = render_markdown(make_chapter())
    caption = text.index("**Table 1. Deaths notified")
    first_row = text.index("| Year |")
    note = text.index("\\* Counts from 1 to 5")
    assert caption < first_row < note
    alt = escape_markdown(make_chapter().figures[0].alt)
    assert f"![{alt}](figures/notifications_trend.png)\n\n*Figure 1. Deaths notified" in text


def test_markup_characters_are_escaped() -> None:
    text = render_markdown(make_chapter())
    assert "Share <5 days & >2 \\| x" in text  # "<5" opens no tag; "|" splits cells
    assert "\\<national>" in text  # "<national>" would be read as an HTML tag
    assert "| * |" in text  # a lone marker needs no escape in a cell
    assert "\\* Counts from 1 to 5" in text  # but would start a list in a note


def test_stamp_at_top_and_bottom_only_when_set() -> None:
    stamped = render_markdown(make_chapter(STAMP))
    assert stamped.startswith(f"**{STAMP}**\n")
    assert stamped.endswith(f"**{STAMP}**\n")
    assert STAMP not in render_markdown(make_chapter())
