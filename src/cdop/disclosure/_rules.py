"""The disclosure rules: one frozen dataclass holding every threshold and marker."""

from __future__ import annotations

from dataclasses import dataclass

from cdop.errors import CdopArgumentError

__all__ = ["DEFAULT_RULES", "DisclosureRules"]


#: The largest threshold or number of events the rules take: far above any policy, and
#: small enough that sums of counts and thresholds stay exact in 64-bit arithmetic.
_MOST = 1_000_000


@dataclass(frozen=True)
class DisclosureRules:
    """Thresholds and markers of disclosure control.

    Parameters
    ----------
    threshold : int, default 5
        Counts from 1 to ``threshold`` (inclusive) are hidden (primary
        suppression). Zero is always shown.
    marker : str, default "*"
        What a hidden count (and its percentage or interval) is shown as.
    min_rate_events : int, default 3
        No rate (value or limits) is published from fewer events than this
        (ONS: no crude rate from fewer than 3 deaths).
    unreliable_rate_events : int, default 20
        Rates from fewer events than this are published with ``unreliable_flag``
        (ONS: flag a rate from fewer than 20 deaths as unreliable).
    unreliable_flag : str, default "u"
        Flag shown next to an unreliable rate.
    secondary : bool, default True
        Hide further cells so that no hidden cell can be worked out from the
        totals of its row or column (secondary, or complementary, suppression).
    protect_totals : bool, default True
        Apply primary suppression to published totals too: a total from 1 to
        ``threshold`` is itself a small count.
    protect_bounds : bool, default True
        Readers know that a hidden count is at least 1, because zeros are shown.
        With this option no hidden cell may be pinned down by combining that
        with the totals: a row or column whose hidden cells are all 1 (they
        would add up to their number) gets one more cell hidden, and lower and
        upper bounds are carried through the rows and columns until no hidden
        cell has its lowest possible value equal to its highest.

    Examples
    --------
    >>> DisclosureRules().threshold
    5
    >>> DisclosureRules(threshold=10, marker="<10").marker
    '<10'
    >>> DisclosureRules(threshold=0)
    Traceback (most recent call last):
    ...
    cdop.errors.CdopArgumentError: threshold must be a whole number of at least 1; received 0.
    """

    threshold: int = 5
    marker: str = "*"
    min_rate_events: int = 3
    unreliable_rate_events: int = 20
    unreliable_flag: str = "u"
    secondary: bool = True
    protect_totals: bool = True
    protect_bounds: bool = True

    def __post_init__(self) -> None:
        for name in ("threshold", "min_rate_events", "unreliable_rate_events"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise CdopArgumentError(
                    f"{name} must be a whole number of at least 1; received {value!r}."
                )
            if value > _MOST:
                raise CdopArgumentError(
                    f"{name} must be at most {_MOST:,} (no count of child deaths comes near "
                    f"it); received {value!r}."
                )
        if self.unreliable_rate_events < self.min_rate_events:
            raise CdopArgumentError(
                "unreliable_rate_events must be at least min_rate_events; received "
                f"unreliable_rate_events={self.unreliable_rate_events} and "
                f"min_rate_events={self.min_rate_events}."
            )
        for name in ("marker", "unreliable_flag"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise CdopArgumentError(f"{name} must be a non-empty string; received {value!r}.")
        for name in ("secondary", "protect_totals", "protect_bounds"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise CdopArgumentError(f"{name} must be True or False; received {value!r}.")


#: The default rules: hide 1-5, "*", no rate below 3 events, "u" below 20.
DEFAULT_RULES = DisclosureRules()
