"""The sections of the chapter, one module each, in chapter order.

Each module defines ``SECTION``, a :class:`SectionSpec`: its identifier, title, what it
needs from the data (``needs``, see :mod:`cdop.report.sections._needs`), and
``plan(ctx)``, which computes the section's figures from the analytics and registers
every count it prints, and returns the function that writes the section once disclosure
control has run over the whole chapter. A section whose needs the data do not meet is
left out, and the chapter's last section says what data would add it. To add a section,
add a module and list it in :data:`SECTIONS`; its ``id`` is what ``sections=`` and
``--sections`` choose it by. Mark it ``pooled=True`` if it prints counts of pooled
periods only (no count of a single financial year): each earlier year's counts are then
worked out without planning it, which saves time in every chapter (a wrong mark stops
the build with an error, it never changes what is hidden).
"""

from __future__ import annotations

from cdop.report.sections import (
    activity,
    areas,
    by_age,
    categories,
    characteristics,
    child,
    durations,
    ethnicity,
    factors,
    infant,
    key_messages,
    learning,
    neonatal,
    panel,
    place,
    progress,
    sudi,
)
from cdop.report.sections._base import Context, SectionSpec, financial_label

__all__ = ["SECTIONS", "Context", "SectionSpec", "financial_label"]

#: The sections in chapter order.
SECTIONS: tuple[SectionSpec, ...] = (
    key_messages.SECTION,
    activity.SECTION,
    durations.SECTION,
    progress.SECTION,
    characteristics.SECTION,
    ethnicity.SECTION,
    areas.SECTION,
    categories.SECTION,
    factors.SECTION,
    by_age.SECTION,
    place.SECTION,
    infant.SECTION,
    sudi.SECTION,
    neonatal.SECTION,
    child.SECTION,
    panel.SECTION,
    learning.SECTION,
)
