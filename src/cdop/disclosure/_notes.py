"""The note printed under a table that disclosure control has touched."""

from __future__ import annotations

from cdop.disclosure._rules import DEFAULT_RULES, DisclosureRules

__all__ = ["disclosure_note"]


def disclosure_note(
    rules: DisclosureRules = DEFAULT_RULES,
    *,
    hidden_counts: bool = True,
    suppressed_rates: bool = False,
    unreliable_rates: bool = False,
    events: str = "deaths",
) -> str:
    """The note under a table, in plain words, covering only what the table needs.

    Parameters
    ----------
    rules : DisclosureRules, default DEFAULT_RULES
    hidden_counts : bool, default True
        Whether the table has hidden counts (for example
        ``bool(mask.to_numpy().any())``).
    suppressed_rates : bool, default False
        Whether a rate was withheld for too few events.
    unreliable_rates : bool, default False
        Whether a rate carries the unreliable flag.
    events : str, default "deaths"
        What the rates count.

    Returns
    -------
    str
        The note; empty when nothing was hidden or flagged.

    Examples
    --------
    >>> print(disclosure_note(unreliable_rates=True))
    * Counts from 1 to 5 are not shown, nor any count that would let them be worked out,
    to protect the families of the children. u: rate based on fewer than 20 deaths;
    treat with caution.
    >>> disclosure_note(hidden_counts=False)
    ''
    """
    parts: list[str] = []
    if hidden_counts:
        shown = (
            f"{rules.marker} Counts from 1 to {rules.threshold} are not shown"
            if rules.threshold > 1
            else f"{rules.marker} Counts of 1 are not shown"
        )
        if rules.secondary:
            shown += ", nor any count that would let them be worked out"
        parts.append(shown + ", to protect the families of the children.")
    if suppressed_rates:
        parts.append(f"Rates based on fewer than {rules.min_rate_events} {events} are not shown.")
    if unreliable_rates:
        parts.append(
            f"{rules.unreliable_flag}: rate based on fewer than {rules.unreliable_rate_events} "
            f"{events}; treat with caution."
        )
    return " ".join(parts)
