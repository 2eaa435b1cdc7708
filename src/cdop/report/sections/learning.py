"""Section: the panel's learning and recommendations, and last year's actions.

Both come from the panel (see :mod:`cdop.report._panel`): its text from a Markdown file,
its actions from a CSV file, each named in the chapter settings (``learning``,
``actions``); without either the section is left out. They are printed as the panel
wrote them, as plain text; they print no count of the data, so nothing here is
registered for disclosure control, and the section says that the panel's own text is
not checked by it.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from cdop.report._model import ReportTable, Section
from cdop.report.sections._base import Context, Finish, SectionSpec
from cdop.report.sections._needs import Need

__all__ = ["SECTION", "plan"]

_HEADERS = {"lead": "Lead", "action": "Action", "progress": "Progress", "status": "Status"}


def plan(ctx: Context) -> Finish:
    inputs = ctx.inputs

    def finish() -> Section:
        tables = []
        if inputs.actions is not None:
            actions = inputs.actions
            columns = [c for c in _HEADERS if c in actions.columns]
            tables.append(
                ReportTable(
                    "actions",
                    "Actions from last year's report and their progress",
                    tuple(_HEADERS[c] for c in columns),
                    tuple(tuple(str(v) for v in row) for row in actions[columns].itertuples(False)),
                    pd.DataFrame(actions[columns]).reset_index(drop=True),
                    notes=(
                        f"The actions the panel set in its {ctx.previous} report, with "
                        "their progress as reported by the panel and its partner agencies.",
                    ),
                    align=tuple("left" for _ in columns),
                )
            )
        paragraphs = inputs.learning or (
            "The panel's actions from last year and their progress are in the table.",
        )
        return Section(
            "learning",
            "Learning, recommendations and actions",
            tuple(paragraphs),
            tuple(tables),
        )

    return finish


def _given(ctx: Context) -> str | None:
    if ctx.settings.learning is not None or ctx.settings.actions is not None:
        return None
    return (
        "the panel's learning text or last year's actions, named in the chapter settings "
        '(learning = "learning.md", a Markdown file; actions = "actions.csv", a CSV file '
        "with the columns action and progress)"
    )


#: The section's own need: the panel's text or actions, named in the chapter settings.
GIVEN: Final = Need("learning", _given, settings=True)

SECTION = SectionSpec("learning", "Learning, recommendations and actions", plan, needs=(GIVEN,))
