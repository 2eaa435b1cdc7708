"""PHEindicatormethods' column names, for analysts who join our results with theirs.

Every result of :mod:`cdop.stats` and :mod:`cdop.analytics` names its confidence limits
``lower_ci`` / ``upper_ci`` (one level) or ``lower_ci_95`` / ``upper_ci_99_8`` (several
levels; see ``docs/vocabulary.md``). The R package PHEindicatormethods names them
``lowercl`` / ``uppercl`` and ``lower95_0cl`` / ``upper99_8cl``. :func:`phe_names` renames
ours to theirs and :func:`from_phe_names` back; every other column keeps its name (both use
``value``, ``confidence``, ``statistic`` and ``method``).
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

from cdop import schema
from cdop.stats._common import fail

__all__ = ["from_phe_names", "phe_names"]

_O = schema.OUTPUT
#: ``lower_ci``, ``upper_ci_99_8``, ``sii_lower_ci_95``: optional prefix, side, level.
_OURS: Final = re.compile(
    r"^(?P<prefix>.*?_)?(?P<side>lower|upper)_ci(?:_(?P<whole>\d+)(?:_(?P<part>\d+))?)?$"
)
#: ``lowercl``, ``upper99_8cl``, ``sii_lower95_0cl``.
_THEIRS: Final = re.compile(
    r"^(?P<prefix>.*?_)?(?P<side>lower|upper)(?:(?P<whole>\d+)_(?P<part>\d+))?cl$"
)


def _renamed(df: pd.DataFrame, pattern: re.Pattern[str], to_phe: bool, func: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise fail(func, f"argument `df` must be a pandas DataFrame; received {type(df).__name__}")
    mapping: dict[str, str] = {}
    for col in df.columns:
        match = pattern.match(col) if isinstance(col, str) else None
        if match is None:
            continue
        prefix, side = match.group("prefix") or "", match.group("side")
        whole, part = match.group("whole"), match.group("part")
        if to_phe:
            level = "" if whole is None else f"{whole}_{part or '0'}"
            mapping[col] = f"{prefix}{side}{level}cl"
        else:
            suffix = "" if whole is None else whole if part in (None, "0") else f"{whole}_{part}"
            base = _O.lower_ci if side == "lower" else _O.upper_ci
            mapping[col] = f"{prefix}{base}_{suffix}" if suffix else f"{prefix}{base}"
    clash = sorted(set(mapping.values()) & (set(map(str, df.columns)) - set(mapping)))
    if clash:
        raise fail(
            func,
            f"renaming would give column(s) {', '.join(repr(c) for c in clash)}, which "
            f"`df` already has",
        )
    return df.rename(columns=mapping)


def phe_names(df: pd.DataFrame) -> pd.DataFrame:
    """The same table with the confidence limits named as PHEindicatormethods names them.

    ``lower_ci`` -> ``lowercl``, ``upper_ci`` -> ``uppercl``; with a level,
    ``lower_ci_95`` -> ``lower95_0cl``, ``upper_ci_99_8`` -> ``upper99_8cl``; a prefix is
    kept (``within_12_months_lower_ci`` -> ``within_12_months_lowercl``). Other columns
    keep their names; the input is not modified.

    Parameters
    ----------
    df : pandas.DataFrame
        A result of :mod:`cdop.stats` or :mod:`cdop.analytics`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from cdop import stats
    >>> out = stats.rate(pd.DataFrame({"x": [20], "n": [100]}), "x", "n", multiplier=100)
    >>> stats.phe_names(out).columns.tolist()
    ['x', 'n', 'value', 'lowercl', 'uppercl', 'confidence', 'statistic', 'method']
    >>> two = stats.rate(pd.DataFrame({"x": [20], "n": [100]}), "x", "n",
    ...                  confidence=(0.95, 0.998))
    >>> stats.phe_names(two).columns.tolist()[3:7]
    ['lower95_0cl', 'upper95_0cl', 'lower99_8cl', 'upper99_8cl']
    """
    return _renamed(df, _OURS, True, "phe_names")


def from_phe_names(df: pd.DataFrame) -> pd.DataFrame:
    """The same table with PHEindicatormethods' limit names turned into ours.

    The reverse of :func:`phe_names`: ``lowercl`` -> ``lower_ci``, ``upper95_0cl`` ->
    ``upper_ci_95``, ``lower99_8cl`` -> ``lower_ci_99_8``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cdop import stats
    >>> phe = pd.DataFrame({"value": [1.0], "lower95_0cl": [0.5], "upper99_8cl": [2.0]})
    >>> stats.from_phe_names(phe).columns.tolist()
    ['value', 'lower_ci_95', 'upper_ci_99_8']
    """
    return _renamed(df, _THEIRS, False, "from_phe_names")
