"""The validated dataset: typed tables of accepted records, and what was rejected.

:func:`read_dataset` is the entry point. In strict mode (the default) any failure
raises :class:`~cdop.errors.CdopValidationError` carrying the full report; in lenient
mode the valid records are kept and every rejected record is listed with its reasons
in :attr:`Dataset.rejected`, so that records read = records accepted + records rejected.

Examples
--------
>>> import cdop
>>> ds = cdop.load_sample()
>>> len(ds.notifications) > 0 and len(ds.reviews) > 0
True
>>> ds.reviewed.columns[:4].tolist()
['case_id', 'date_of_death', 'date_notified', 'age_at_death_days']
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from cdop import schema
from cdop._deprivation import read_file1
from cdop._read import Source
from cdop.errors import CdopValidationError, DataQualityWarning
from cdop.profiles import ImportProfile, resolve_profile
from cdop.validation import ValidationReport, check_source

__all__ = ["Dataset", "read_dataset"]


class Dataset:
    """Validated child death records, immutable.

    Each table property returns a fresh view: changing it never changes the dataset
    (pandas copy-on-write). Build a new dataset with :func:`read_dataset` instead.

    Attributes
    ----------
    notifications : pandas.DataFrame
        One row per child death notified: the contract columns in order (optional ones
        NA when not supplied; ``date_of_birth`` never kept), then ``age_group`` (derived
        from ``age_at_death_days``). Columns outside the contract are scanned for
        identifiers and dropped.
    reviews : pandas.DataFrame
        One row per completed review, with ``category_label`` derived from ``category``.
    births : pandas.DataFrame or None
        Live births by year and deprivation quintile (the denominator of infant
        mortality), when supplied.
    population : pandas.DataFrame or None
        Children by year and age group (the denominator of child mortality), when
        supplied.
    factors : pandas.DataFrame or None
        The analysis form's factors (one row per factor recorded for a reviewed death),
        with ``factor_label``, when supplied.
    rejected : pandas.DataFrame
        Records rejected in lenient mode: ``table``, ``file``, ``row``, ``rules``, ``message``.
    report : ValidationReport
        The full validation report (errors and warnings).
    files : dict of str to str
        The file (or sheet) each table was read from.
    checksums : dict of str to str
        SHA-256 of each file read, for provenance notes (empty for DataFrames).
    """

    __slots__ = (
        "_births",
        "_derived",
        "_factors",
        "_notifications",
        "_population",
        "_rejected",
        "_reviews",
        "checksums",
        "files",
        "report",
    )

    def __init__(
        self,
        notifications: pd.DataFrame,
        reviews: pd.DataFrame,
        *,
        births: pd.DataFrame | None = None,
        population: pd.DataFrame | None = None,
        factors: pd.DataFrame | None = None,
        rejected: pd.DataFrame | None = None,
        report: ValidationReport | None = None,
        files: Mapping[str, str] | None = None,
        checksums: Mapping[str, str] | None = None,
    ) -> None:
        self._notifications = notifications
        self._reviews = reviews
        self._births = births
        self._population = population
        self._factors = factors
        self._rejected = (
            rejected
            if rejected is not None
            else pd.DataFrame(columns=["table", "file", "row", "rules", "message"])
        )
        # Tables derived from the records, worked out once (the dataset never changes):
        # see :func:`cdop.analytics._common.remembered`.
        self._derived: dict[object, pd.DataFrame] = {}
        self.report = report
        self.checksums = dict(checksums or {})
        self.files = dict(files or {})

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, "files"):
            raise AttributeError("a Dataset is immutable; build a new one with read_dataset")
        object.__setattr__(self, name, value)

    @property
    def notifications(self) -> pd.DataFrame:
        """Accepted notifications (see the class docstring for columns)."""
        return self._notifications.copy(deep=False)

    @property
    def reviews(self) -> pd.DataFrame:
        """Accepted reviews."""
        return self._reviews.copy(deep=False)

    @property
    def births(self) -> pd.DataFrame | None:
        """Live births by year and deprivation quintile, if supplied."""
        return None if self._births is None else self._births.copy(deep=False)

    @property
    def population(self) -> pd.DataFrame | None:
        """Child population by year and age group, if supplied."""
        return None if self._population is None else self._population.copy(deep=False)

    @property
    def factors(self) -> pd.DataFrame | None:
        """Factors recorded on the analysis form, if supplied."""
        return None if self._factors is None else self._factors.copy(deep=False)

    @property
    def rejected(self) -> pd.DataFrame:
        """Records rejected in lenient mode, with the rules they broke."""
        return self._rejected.copy(deep=False)

    @property
    def reviewed(self) -> pd.DataFrame:
        """Reviews joined to their notification (notification columns, then review columns).

        One row per completed review; every review has a notification (validation
        guarantees it).
        """
        review_cols = [
            c
            for c in self._reviews.columns
            if c == schema.REVIEWS.case_id or c not in self._notifications.columns
        ]
        return self._notifications.merge(
            self._reviews[review_cols],
            on=schema.REVIEWS.case_id,
            how="inner",
            validate="one_to_one",
        )

    def __repr__(self) -> str:
        parts = [f"{len(self._notifications)} notifications", f"{len(self._reviews)} reviews"]
        if self._births is not None:
            parts.append(f"{len(self._births)} births rows")
        if self._population is not None:
            parts.append(f"{len(self._population)} population rows")
        if self._factors is not None:
            parts.append(f"{len(self._factors)} factors")
        if len(self._rejected):
            parts.append(f"{len(self._rejected)} rejected")
        return f"<cdop.Dataset: {', '.join(parts)}>"

    def summary_table(self) -> pd.DataFrame:
        """One row per table: records held, the years they cover, the file they came from.

        Notifications are dated by death and reviews by completion, in reporting
        (financial) years; births and population by calendar year. A table not supplied
        has no records and says so.

        Examples
        --------
        >>> import cdop
        >>> cdop.load_sample().summary_table()[["table", "records", "years"]]
                   table  records                          years
        0  notifications      ...  2017/18 to 2024/25 (8 years)
        1        reviews      ...  2017/18 to 2024/25 (8 years)
        2         births      ...       2016 to 2025 (10 years)
        3     population      ...       2016 to 2025 (10 years)
        4        factors      ...
        """
        from cdop._display_data import dataset_summary

        return dataset_summary(self)

    def _repr_html_(self) -> str:
        from cdop._display_data import dataset_html

        return dataset_html(self)


def read_dataset(
    source: Source,
    *,
    profile: str | ImportProfile | None = None,
    mapping: str | Path | None = None,
    column_map: Mapping[str, str] | None = None,
    deprivation: str | Path | None = None,
    strict: bool = True,
    today: dt.date | None = None,
) -> Dataset:
    """Read, validate and type child death records.

    Parameters
    ----------
    source
        A folder holding ``notifications`` and ``reviews`` (plus optional ``births`` and
        ``population``) as CSV, XLSX or Parquet; an Excel workbook with a sheet for each;
        or a mapping of table name to DataFrame.
    profile
        An import profile, or the name of a built-in one (``"case_management"``): the
        sheet names, headers and code labels of one kind of export, and whether analysis
        rows without a review date are open cases (see :mod:`cdop.profiles`).
    mapping
        A panel's own mapping file (JSON, see :func:`cdop.profiles.save_mapping`), added to
        ``profile``.
    column_map
        Export header -> canonical column name, added to (and overriding) the built-in
        map of common export headers.
    deprivation
        File 1 of the English Indices of Deprivation (IoD2019 on 2011 LSOAs, or IoD2025
        on 2021 LSOAs), as published: the IMD decile and quintile are derived from each
        notification's LSOA code. Codes not in the file, or of the other vintage, are
        reported by row (warnings) and get no decile.
    strict
        If True (default), any failure raises :class:`~cdop.errors.CdopValidationError`.
        If False, valid records are kept and rejected ones listed in ``Dataset.rejected``.
    today
        The date against which "not in the future" is judged (default: today).

    Returns
    -------
    Dataset

    Raises
    ------
    IdentifierError
        The input holds direct identifiers; nothing is read.
    CdopValidationError
        In strict mode, when any record or file fails; in lenient mode, when a required
        table cannot be read at all.

    Examples
    --------
    >>> import pandas as pd
    >>> import cdop
    >>> frames = {
    ...     "notifications": pd.DataFrame({
    ...         "Case ID": ["A1", "A2"], "Date of Death": ["01/05/2023", "10/06/2023"],
    ...         "Date Notified": ["02/05/2023", "01/06/2023"], "Age at Death (days)": [3, 400],
    ...         "Gender": ["M", "Female"], "Ethnicity": ["White British", "Not stated"]}),
    ...     "reviews": pd.DataFrame({"Case ID": ["A1"], "Date of Review": ["20/11/2023"],
    ...         "Category of Death": ["8"], "Modifiable Factors": ["No"]})}
    >>> ds = cdop.read_dataset(frames, strict=False)
    >>> ds
    <cdop.Dataset: 1 notifications, 1 reviews, 1 rejected>
    >>> ds.rejected[["table", "row", "rules"]]
               table  row                  rules
    0  notifications    1  notified_before_death
    >>> ds.reviewed[["case_id", "sex", "category", "category_label"]]
      case_id   sex  category            category_label
    0      A1  male         8  Perinatal/neonatal event
    """
    resolved = resolve_profile(profile, mapping)
    dep = read_file1(deprivation) if deprivation is not None else None
    checked = check_source(
        source, column_map=column_map, today=today, profile=resolved, deprivation=dep
    )
    report = checked.report
    missing = [t for t in ("notifications", "reviews") if t not in checked.tables]
    if (strict and not report.ok) or missing:
        raise CdopValidationError(report)
    extra = report.warnings
    unknown = extra[extra["rule"] == "unknown_column"]
    if len(unknown):
        named = [f"{c} ({f})" for c, f in zip(unknown["column"], unknown["file"], strict=True)]
        more = f" and {len(named) - 10} more" if len(named) > 10 else ""  # one line
        warnings.warn(
            "Columns outside the data contract were checked for identifiers and dropped: "
            + ", ".join(named[:10])
            + more,
            DataQualityWarning,
            stacklevel=2,
        )
    tables = checked.tables
    return Dataset(
        tables["notifications"],
        tables["reviews"],
        births=tables.get("births"),
        population=tables.get("population"),
        factors=tables.get("factors"),
        rejected=checked.rejected,
        report=report,
        files={str(name): file for name, file in checked.files.items()},
        checksums=checked.checksums,
    )
