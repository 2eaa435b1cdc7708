"""The chapter's disclosure settings: whether control is on, its rules, marker and notes.

What to hide is decided over the whole chapter (:mod:`cdop.report.sections`); tables
of counts are built by :func:`cdop.report.sections._base.plan_grid`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cdop import disclosure

__all__ = ["Disclosure"]


@dataclass(frozen=True)
class Disclosure:
    """Whether and how disclosure control applies to the chapter."""

    suppress: bool = True
    rules: disclosure.DisclosureRules = field(default_factory=disclosure.DisclosureRules)

    def note(self, *, hidden_counts: bool = False, statuses: Sequence[str] = ()) -> str:
        """The disclosure note for a table with hidden counts and/or rate flags."""
        return disclosure.disclosure_note(
            self.rules,
            hidden_counts=hidden_counts,
            suppressed_rates="suppressed" in statuses,
            unreliable_rates="unreliable" in statuses,
        )

    @property
    def marker(self) -> str:
        return self.rules.marker
