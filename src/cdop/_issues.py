"""One failure of the data contract, and the table of failures."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["ISSUE_COLUMNS", "KNOCK_ON_RULES", "Issue", "issues_frame"]

#: Columns of a validation report, in order.
ISSUE_COLUMNS = ("severity", "table", "file", "row", "column", "value", "rule", "message")


#: Rules that only follow from another failure (a review of a rejected notification): listed
#: after the failures that cause them.
KNOCK_ON_RULES = frozenset({"notification_rejected", "review_rejected"})


class Issue(NamedTuple):
    """One failure: where it is (table, file, row, column), what was found, which rule."""

    severity: str  # "error" or "warning"
    table: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str


def issues_frame(single: list[Issue], chunks: list[pd.DataFrame]) -> pd.DataFrame:
    """Combine single issues and vectorised chunks into one tidy, ordered table.

    Root causes come first (by table, file and row), then the knock-on failures.
    """
    parts = [pd.DataFrame(single, columns=list(ISSUE_COLUMNS))] if single else []
    parts.extend(chunk for chunk in chunks if len(chunk))
    if not parts:
        frame = pd.DataFrame({c: pd.Series([], dtype="str") for c in ISSUE_COLUMNS})
        frame["row"] = pd.Series([], dtype="Int64")
        return frame
    frame = pd.concat([p[list(ISSUE_COLUMNS)] for p in parts], ignore_index=True)
    frame["row"] = frame["row"].astype("Int64")
    for name in ("severity", "table", "file", "column", "value", "rule", "message"):
        frame[name] = frame[name].astype("str")
    order = {"notifications": 0, "reviews": 1, "factors": 2, "births": 3, "population": 4}
    table_rank = frame["table"].map(order).fillna(-1).to_numpy()
    rows = frame["row"].fillna(0).to_numpy(dtype=np.int64)
    knock_on = frame["rule"].isin(KNOCK_ON_RULES).to_numpy()
    sort = np.lexsort((rows, frame["file"].fillna("").to_numpy(dtype=str), table_rank, knock_on))
    return frame.iloc[sort].reset_index(drop=True)
