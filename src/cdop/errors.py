"""The library's exceptions and warnings.

Every error the library raises on purpose derives from :class:`CdopError`, so a
notebook or a script can catch the whole family with one ``except`` clause::

    CdopError
    ├── CdopArgumentError   an argument to a function is invalid (also a ValueError)
    ├── CdopValidationError input records break the data contract (carries the report)
    └── IdentifierError     input holds direct identifiers and is refused

Non-fatal issues are warnings derived from :class:`CdopWarning`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdop.validation import ValidationReport

__all__ = [
    "CdopArgumentError",
    "CdopError",
    "CdopValidationError",
    "CdopWarning",
    "DataQualityWarning",
    "IdentifierError",
    "NationalComparisonWarning",
    "SmallNumberWarning",
]


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
    report : ValidationReport
        Every failure found, one row per failure (table, file, row, column,
        value, rule, message).
    """

    def __init__(self, report: ValidationReport, *, max_listed: int = 10) -> None:
        self.report = report
        super().__init__(report.summary(max_listed=max_listed))


class CdopWarning(UserWarning):
    """Base class of the library's warnings."""


class DataQualityWarning(CdopWarning):
    """Input was accepted but something about it deserves a look (e.g. unknown columns)."""


class SmallNumberWarning(CdopWarning):
    """A figure rests on few events and should be read, or published, with care."""


class NationalComparisonWarning(CdopWarning):
    """A local figure is set against a national one that is not like for like.

    For example calendar years against a financial-year figure, another geography, or
    another period: the national figure is then context, not a test.
    """
