"""The library's exceptions and warnings.

Every error the library raises on purpose derives from :class:`CdopError`, so a
notebook or a script can catch the whole family with one ``except`` clause::

    CdopError
    ├── CdopArgumentError   an argument to a function is invalid (also a ValueError)
    ├── CdopValidationError input records break the data contract (carries the report)
    └── IdentifierError     input holds direct identifiers and is refused

Non-fatal issues are warnings derived from :class:`CdopWarning`.

This module imports nothing else of the library, so every module may raise these
errors without an import circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CdopArgumentError",
    "CdopError",
    "CdopValidationError",
    "CdopWarning",
    "DataQualityWarning",
    "DisclosureWarning",
    "FailureReport",
    "IdentifierError",
    "NationalComparisonWarning",
    "SmallNumberWarning",
]


class FailureReport(Protocol):
    """What a :class:`CdopValidationError` carries: every failure found in a source.

    :class:`cdop.validation.ValidationReport` is the library's report; this protocol
    names its reading side, so that the errors need not import the validation.
    """

    @property
    def failures(self) -> pd.DataFrame:
        """One row per failure (severity, table, file, row, column, value, rule, message)."""

    @property
    def rows_read(self) -> Mapping[str, int]:
        """Records read per table."""

    @property
    def rows_rejected(self) -> Mapping[str, int]:
        """Records per table with at least one error."""

    @property
    def ok(self) -> bool:
        """True when nothing fails (warnings allowed)."""

    @property
    def errors(self) -> pd.DataFrame:
        """The failures that reject a record or a file."""

    @property
    def warnings(self) -> pd.DataFrame:
        """Findings that do not reject anything but deserve a look."""

    @property
    def rows_accepted(self) -> dict[str, int]:
        """Records accepted per table."""

    def summary_table(self) -> pd.DataFrame:
        """Failures counted by table, column and rule, with one example value."""

    def summary(self, max_listed: int = 10) -> str:
        """A readable summary of the failures."""


class CdopError(Exception):
    """Base class of every error raised by the library."""


class CdopArgumentError(CdopError, ValueError):
    """An argument is invalid: a missing column, a negative count, a bad confidence level.

    The message names the argument (and, for data, the offending rows), says what
    was expected and what was received.
    """


class IdentifierError(CdopError):
    """The input holds direct identifiers (names, addresses, postcodes, NHS numbers).

    The library works on anonymised records only and refuses such input before
    reading anything else. The message names the file and column; it never repeats
    the identifying value itself.
    """


class CdopValidationError(CdopError):
    """Input records break the data contract.

    Attributes
    ----------
    report : FailureReport
        The :class:`cdop.validation.ValidationReport`: every failure found, one row per
        failure (table, file, row, column, value, rule, message).
    """

    def __init__(self, report: FailureReport, *, max_listed: int = 10) -> None:
        self.report = report
        super().__init__(report.summary(max_listed=max_listed))


class CdopWarning(UserWarning):
    """Base class of the library's warnings."""


class DataQualityWarning(CdopWarning):
    """Input was accepted but something about it deserves a look (e.g. unknown columns)."""


class DisclosureWarning(CdopWarning):
    """Outputs that are safe on their own could give hidden counts away when read with
    something else the panel may have published (say which, and what to do)."""


class SmallNumberWarning(CdopWarning):
    """A figure rests on few events and should be read, or published, with care."""


class NationalComparisonWarning(CdopWarning):
    """A local figure is set against a national one that is not like for like.

    For example calendar years against a financial-year figure, another geography, or
    another period: the national figure is then context, not a test.
    """
