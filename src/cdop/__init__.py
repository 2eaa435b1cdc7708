"""cdop: Child Death Overview Panel analytics for England.

Read and validate anonymised child death notifications and review records,
compute the figures of a CDOP annual report with public health confidence
intervals, and render the report chapter.

Heavy dependencies (matplotlib, scipy.stats) are imported only when a function
that needs them is called, so ``import cdop`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cdop import schema
from cdop._version import __version__
from cdop.dataset import Dataset, read_dataset
from cdop.errors import (
    CdopArgumentError,
    CdopError,
    CdopValidationError,
    CdopWarning,
    DataQualityWarning,
    DisclosureWarning,
    IdentifierError,
    SmallNumberWarning,
)
from cdop.sample import load_sample, write_sample
from cdop.validation import ValidationReport, validate

if TYPE_CHECKING:
    from cdop import analytics as analytics
    from cdop import disclosure as disclosure
    from cdop import plots as plots
    from cdop import report as report
    from cdop import stats as stats
    from cdop.report import publishable as publishable

__all__ = [
    "CdopArgumentError",
    "CdopError",
    "CdopValidationError",
    "CdopWarning",
    "DataQualityWarning",
    "Dataset",
    "DisclosureWarning",
    "IdentifierError",
    "SmallNumberWarning",
    "ValidationReport",
    "__version__",
    "analytics",
    "disclosure",
    "load_sample",
    "plots",
    "publishable",
    "read_dataset",
    "report",
    "schema",
    "stats",
    "validate",
    "write_sample",
]

_LAZY_SUBMODULES = frozenset({"analytics", "disclosure", "plots", "report", "stats"})


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"cdop.{name}")
    if name == "publishable":  # cdop.report.publishable, without importing the report early
        return importlib.import_module("cdop.report").publishable
    raise AttributeError(f"module 'cdop' has no attribute {name!r}")
