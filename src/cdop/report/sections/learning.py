"""Section: the panel's learning and recommendations, and last year's actions.

Both come from the panel (see :mod:`cdop.report._panel`): its text from a Markdown file,
its actions from a CSV file. They are printed as the panel wrote them, as plain text;
they print no count of the data, so nothing here is registered for disclosure control,
and the section says that the panel's own text is not checked by it.
"""

from __future__ import annotations

import pandas as pd

from cdop.errors import CdopArgumentError
from cdop.report._model import ReportTable, Section
from cdop.report.sections._base import Context, Finish, SectionSpec

__all__ = ["SECTION", "plan"]

_HEADERS = {"lead": "Lead", "action": "Action", "progress": "Progress", "status": "Status"}


def plan(ctx: Context) -> Finish:
    inputs = ctx.inputs
    if inputs.learning is None and inputs.actions is None:
        raise CdopArgumentError(
            "learning: no learning text (learning=) and no actions file (actions=) given"
        )

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


SECTION = SectionSpec("learning", "Learning, recommendations and actions", plan)
