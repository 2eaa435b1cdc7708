"""Disclosure control for published tables: small counts, totals that give them away, rates.

The data are about children who died; small numbers can identify families. Four
entry points cover a report table:

1. :func:`suppress_grid`: which cells of a grid of counts to hide, primary
   (counts from 1 to the threshold) and secondary (further cells, so that no
   hidden cell can be worked out from the totals of its row or column);
2. :func:`mask_dependents` and :func:`apply_mask`: hide the percentages and
   intervals of hidden counts, and put the marker in every hidden cell;
3. :func:`rate_status`: for each rate, ``"suppressed"`` (fewer than 3 events),
   ``"unreliable"`` (fewer than 20, flagged "u") or ``"ok"``;
4. :func:`disclosure_note`: the note under each affected table.

:func:`suppress_table` does 1 and 2 on a presentation table with an explicit
total row or column; :func:`suppress_long` gives the mask for a tidy long table;
:func:`suppress_rates` applies 3 to a table of rates; :func:`recoverable_cells`
audits a mask by trying to work the hidden cells out. Every threshold and marker
lives in one :class:`DisclosureRules`. See ``docs/disclosure.md``.
"""

from __future__ import annotations

from cdop.disclosure._linked import CellKey, LinkedCounts, Protection, Reason, audit
from cdop.disclosure._notes import disclosure_note
from cdop.disclosure._rates import RateStatus, rate_status, suppress_rates
from cdop.disclosure._rules import DEFAULT_RULES, DisclosureRules
from cdop.disclosure._tables import (
    AuditMethod,
    Fill,
    OnHidden,
    SuppressedTable,
    add_totals,
    apply_mask,
    mask_dependents,
    recoverable_cells,
    suppress_grid,
    suppress_long,
    suppress_table,
)

__all__ = [
    "DEFAULT_RULES",
    "AuditMethod",
    "CellKey",
    "DisclosureRules",
    "Fill",
    "LinkedCounts",
    "OnHidden",
    "Protection",
    "RateStatus",
    "Reason",
    "SuppressedTable",
    "add_totals",
    "apply_mask",
    "audit",
    "disclosure_note",
    "mask_dependents",
    "rate_status",
    "recoverable_cells",
    "suppress_grid",
    "suppress_long",
    "suppress_rates",
    "suppress_table",
]
