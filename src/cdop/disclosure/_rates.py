"""Disclosure rules for rates: none from very few events, a flag on unreliable ones."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal, TypeAlias, overload

import numpy as np
import numpy.typing as npt
import pandas as pd
from numpy.typing import ArrayLike

from cdop.disclosure._rules import DEFAULT_RULES, DisclosureRules
from cdop.errors import CdopArgumentError

__all__ = ["RateStatus", "rate_status", "suppress_rates"]

#: What may be published of a rate: nothing, the rate with the unreliable flag, or the rate.
RateStatus: TypeAlias = Literal["suppressed", "unreliable", "ok"]


def _events(events: object) -> npt.NDArray[np.float64]:
    try:
        values = np.asarray(events, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise CdopArgumentError(f"events must be numeric counts; received {events!r}.") from exc
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        positions = np.flatnonzero(bad.ravel())
        raise CdopArgumentError(
            "events must be non-negative numbers with nothing missing; received "
            f"{values.ravel()[positions[0]]!r} at position {int(positions[0])} "
            f"({positions.size} such values in all)."
        )
    return values


@overload
def rate_status(events: pd.Series, rules: DisclosureRules = ...) -> pd.Series: ...


@overload
def rate_status(events: ArrayLike, rules: DisclosureRules = ...) -> npt.NDArray[np.object_]: ...


def rate_status(
    events: pd.Series | ArrayLike, rules: DisclosureRules = DEFAULT_RULES
) -> pd.Series | npt.NDArray[np.object_]:
    """What may be published of each rate, from the number of events behind it.

    - ``"suppressed"``: fewer than ``rules.min_rate_events`` events (default 3):
      publish neither the rate nor its limits;
    - ``"unreliable"``: fewer than ``rules.unreliable_rate_events`` (default 20):
      publish with ``rules.unreliable_flag`` ("u");
    - ``"ok"``: otherwise.

    Parameters
    ----------
    events : Series or array-like
        Number of events (deaths) in each rate's numerator.
    rules : DisclosureRules, default DEFAULT_RULES

    Returns
    -------
    Series or ndarray of str
        A Series (same index) for a Series, else an object array of the same shape.

    Examples
    --------
    >>> rate_status([0, 2, 3, 19, 20]).tolist()
    ['suppressed', 'suppressed', 'unreliable', 'unreliable', 'ok']
    >>> rate_status(pd.Series([5, 40], index=["a", "b"])).to_dict()
    {'a': 'unreliable', 'b': 'ok'}
    """
    if not isinstance(rules, DisclosureRules):
        raise CdopArgumentError(f"rules must be a DisclosureRules; received {type(rules)!r}.")
    values = _events(events)
    status = np.full(values.shape, "ok", dtype=object)
    status[values < rules.unreliable_rate_events] = "unreliable"
    status[values < rules.min_rate_events] = "suppressed"
    if isinstance(events, pd.Series):
        return pd.Series(status, index=events.index, name="disclosure", dtype=object)
    return status


def suppress_rates(
    table: pd.DataFrame,
    events: Hashable,
    rules: DisclosureRules = DEFAULT_RULES,
    *,
    value_columns: Sequence[Hashable] = ("value", "lower_ci", "upper_ci"),
    status_column: Hashable = "disclosure",
) -> pd.DataFrame:
    """Hide rates from too few events and mark unreliable ones, in a table of rates.

    Parameters
    ----------
    table : DataFrame
        A table of rates, for example the output of :func:`cdop.stats.rate`.
    events : column name
        The column with the number of events behind each rate.
    rules : DisclosureRules, default DEFAULT_RULES
    value_columns : sequence, default ("value", "lower_ci", "upper_ci")
        The columns to blank (set missing) where the rate is suppressed. Only
        those present in the table are touched.
    status_column : column name, default "disclosure"
        Name of the added column holding :func:`rate_status`.

    Returns
    -------
    DataFrame
        A new table; the input is not modified.

    Examples
    --------
    >>> t = pd.DataFrame({"deaths": [2, 10, 25], "value": [1.0, 5.0, 12.5],
    ...                   "lower_ci": [0.1, 2.4, 8.1], "upper_ci": [3.6, 9.2, 18.5]})
    >>> suppress_rates(t, "deaths")
       deaths  value  lower_ci  upper_ci  disclosure
    0       2    NaN       NaN       NaN  suppressed
    1      10    5.0       2.4       9.2  unreliable
    2      25   12.5       8.1      18.5          ok
    """
    if events not in table.columns:
        raise CdopArgumentError(
            f"events column {events!r} is not in the table; it has {list(table.columns)!r}."
        )
    status = rate_status(table[events], rules)
    suppressed = (status == "suppressed").to_numpy()
    out = table.copy()
    for column in value_columns:
        if column in out.columns and suppressed.any():
            out[column] = out[column].astype("float64").mask(suppressed, np.nan)
    out[status_column] = status.to_numpy()
    return out
