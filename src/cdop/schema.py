"""The canonical data contract: the only place a column name or a code is spelled.

Every other module refers to columns through the constants here (``NOTIFICATIONS.case_id``
is ``"case_id"``) and to codes through the code lists (:data:`SEX_CODES`, ...).
The contract is documented for users in ``docs/data-contract.md``.

Tables
------
``notifications``
    One row per child death notified to the panel.
``reviews``
    One row per completed panel review; every review matches a notification.
``births`` (optional)
    Live births by calendar year and deprivation quintile: denominators of infant mortality.
``population`` (optional)
    Resident children by year and age group: denominators of child mortality.

Examples
--------
>>> from cdop.schema import NOTIFICATIONS, REVIEWS, CATEGORY_LABELS
>>> NOTIFICATIONS.date_of_death
'date_of_death'
>>> REVIEWS.category
'category'
>>> CATEGORY_LABELS[8]
'Perinatal/neonatal event'
>>> [c.name for c in TABLES["reviews"].columns]
['case_id', 'date_review_completed', 'category', 'modifiable_factors']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = [
    "AGE_GROUPS",
    "AGE_GROUP_BOUNDS_DAYS",
    "BIRTHS",
    "CATEGORY_LABELS",
    "DERIVED",
    "ETHNICITY_CODES",
    "EXPECTED_CODES",
    "MAX_AGE_DAYS",
    "MODIFIABLE_CODES",
    "NOTIFICATIONS",
    "PLACE_CODES",
    "POPULATION",
    "POPULATION_AGE_GROUPS",
    "REVIEWS",
    "SEX_CODES",
    "TABLES",
    "Column",
    "ColumnKind",
    "TableName",
    "TableSpec",
]

TableName = Literal["notifications", "reviews", "births", "population"]
ColumnKind = Literal["string", "date", "integer", "code"]

#: Age at death must be below this many days: the 18th birthday (18 x 365.25, rounded up).
MAX_AGE_DAYS: Final = 6575

#: Categories of death on the analysis form (hierarchical: the panel records the highest
#: that applies). Code -> canonical label (2018 wording).
CATEGORY_LABELS: Final[Mapping[int, str]] = {
    1: "Deliberately inflicted injury, abuse or neglect",
    2: "Suicide or deliberate self-inflicted harm",
    3: "Trauma and other external factors, including medical/surgical complications/error",
    4: "Malignancy",
    5: "Acute medical or surgical condition",
    6: "Chronic medical condition",
    7: "Chromosomal, genetic and congenital anomalies",
    8: "Perinatal/neonatal event",
    9: "Infection",
    10: "Sudden unexpected, unexplained death",
}

SEX_CODES: Final = ("male", "female", "indeterminate", "not_stated")
ETHNICITY_CODES: Final = ("white", "mixed", "asian", "black", "other", "not_stated")
PLACE_CODES: Final = (
    "hospital",
    "home",
    "hospice",
    "public_place",
    "abroad",
    "other",
    "not_stated",
)
EXPECTED_CODES: Final = ("expected", "unexpected", "not_stated")
MODIFIABLE_CODES: Final = ("yes", "no", "insufficient_information")

#: Age groups of deaths, as used nationally, in report order.
AGE_GROUPS: Final = (
    "0-27 days",
    "28-364 days",
    "1-4 years",
    "5-9 years",
    "10-14 years",
    "15-17 years",
)
#: Lower bound in days (inclusive) of each of :data:`AGE_GROUPS`; the upper bound of the last
#: group is :data:`MAX_AGE_DAYS`. Year boundaries are N x 365.25 days rounded up, so a child
#: is in "1-4 years" from day 365 (the national "28-364 days" ends at 364).
AGE_GROUP_BOUNDS_DAYS: Final = (0, 28, 365, 1827, 3653, 5479)
#: Age groups of the population denominators, in order.
POPULATION_AGE_GROUPS: Final = ("under_1", "1-4", "5-9", "10-14", "15-17")


@dataclass(frozen=True)
class Column:
    """One column of the contract.

    Parameters
    ----------
    name
        Canonical column name.
    kind
        ``"string"``, ``"date"``, ``"integer"`` or ``"code"`` (a value from ``codes``).
    required
        Whether every row must hold a value.
    rule
        The rule in words, as shown in the documentation and in failure messages.
    codes
        Allowed canonical codes for ``kind="code"``.
    minimum, maximum
        Inclusive bounds for ``kind="integer"``.
    pattern
        Regular expression a string value must match in full.
    headers
        Export headers commonly used for the column (matched case- and
        punctuation-insensitively), besides the canonical name.
    """

    name: str
    kind: ColumnKind
    required: bool
    rule: str
    codes: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """One table of the contract: its columns, unique key and whether it must be supplied."""

    name: TableName
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool
    description: str
    column_by_name: Mapping[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_by_name", {c.name: c for c in self.columns})

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical column names in contract order."""
        return tuple(c.name for c in self.columns)


class _NotificationColumns:
    case_id: Final = "case_id"
    date_of_birth: Final = "date_of_birth"
    date_of_death: Final = "date_of_death"
    date_notified: Final = "date_notified"
    age_at_death_days: Final = "age_at_death_days"
    sex: Final = "sex"
    ethnicity: Final = "ethnicity"
    imd_decile: Final = "imd_decile"
    imd_quintile: Final = "imd_quintile"
    lsoa_code: Final = "lsoa_code"
    residence_area: Final = "residence_area"
    place_of_death: Final = "place_of_death"
    expected_death: Final = "expected_death"


class _ReviewColumns:
    case_id: Final = "case_id"
    date_review_completed: Final = "date_review_completed"
    category: Final = "category"
    modifiable_factors: Final = "modifiable_factors"


class _BirthColumns:
    year: Final = "year"
    imd_decile: Final = "imd_decile"
    imd_quintile: Final = "imd_quintile"
    residence_area: Final = "residence_area"
    live_births: Final = "live_births"


class _PopulationColumns:
    year: Final = "year"
    age_group: Final = "age_group"
    sex: Final = "sex"
    residence_area: Final = "residence_area"
    population: Final = "population"


class _DerivedColumns:
    """Columns the library adds; never read from input."""

    age_group: Final = "age_group"
    category_label: Final = "category_label"


#: Column names of the notifications table (``NOTIFICATIONS.case_id == "case_id"``).
NOTIFICATIONS: Final = _NotificationColumns()
#: Column names of the reviews table.
REVIEWS: Final = _ReviewColumns()
#: Column names of the births table.
BIRTHS: Final = _BirthColumns()
#: Column names of the population table.
POPULATION: Final = _PopulationColumns()
#: Columns derived by the library.
DERIVED: Final = _DerivedColumns()

_N = NOTIFICATIONS
_R = REVIEWS
_B = BIRTHS
_P = POPULATION

_CASE_ID_HEADERS = (
    "Case ID",
    "Case Number",
    "Case No",
    "Case Ref",
    "Case Reference",
    "CDOP ID",
    "CDOP Number",
    "Child ID",
    "ID",
)
_AREA_HEADERS = (
    "Local Authority",
    "LA",
    "LA Code",
    "Local Authority Code",
    "Area",
    "Residence Area",
    "LA of Residence",
    "Local Authority of Residence",
)
_DECILE_HEADERS = (
    "IMD Decile",
    "IMD 2019 Decile",
    "Deprivation Decile",
    "Index of Multiple Deprivation Decile",
)
_QUINTILE_HEADERS = (
    "IMD Quintile",
    "IMD 2019 Quintile",
    "Deprivation Quintile",
    "Index of Multiple Deprivation Quintile",
)

_NOTIFICATION_SPEC = TableSpec(
    name="notifications",
    description="One row per child death notified to the panel.",
    key=(_N.case_id,),
    required=True,
    columns=(
        Column(_N.case_id, "string", True, "unique, pseudonymous", headers=_CASE_ID_HEADERS),
        Column(
            _N.date_of_death,
            "date",
            True,
            "a date, not in the future",
            headers=("Date of Death", "DOD", "Death Date"),
        ),
        Column(
            _N.date_notified,
            "date",
            True,
            "a date on or after date_of_death, not in the future",
            headers=(
                "Date Notified",
                "Notification Date",
                "Date of Notification",
                "Date Notification Received",
                "Notified Date",
            ),
        ),
        Column(
            _N.age_at_death_days,
            "integer",
            True,
            f"whole days, 0 to {MAX_AGE_DAYS - 1} (before the 18th birthday)",
            minimum=0,
            maximum=MAX_AGE_DAYS - 1,
            headers=(
                "Age at Death (days)",
                "Age at Death Days",
                "Age in Days",
                "Age (days)",
                "Age at Death in Days",
            ),
        ),
        Column(
            _N.sex,
            "code",
            True,
            "one of " + ", ".join(SEX_CODES),
            codes=SEX_CODES,
            headers=("Gender", "Sex", "Sex of Child", "Gender of Child"),
        ),
        Column(
            _N.ethnicity,
            "code",
            True,
            "one of " + ", ".join(ETHNICITY_CODES) + " (census groups mapped to these)",
            codes=ETHNICITY_CODES,
            headers=("Ethnicity", "Ethnic Group", "Ethnic Origin", "Ethnicity of Child"),
        ),
        Column(
            _N.imd_decile,
            "integer",
            False,
            "1 to 10, 1 = most deprived",
            minimum=1,
            maximum=10,
            headers=_DECILE_HEADERS,
        ),
        Column(
            _N.imd_quintile,
            "integer",
            False,
            "1 to 5, 1 = most deprived; derived from imd_decile when absent",
            minimum=1,
            maximum=5,
            headers=_QUINTILE_HEADERS,
        ),
        Column(
            _N.lsoa_code,
            "string",
            False,
            "E01 followed by 6 digits",
            pattern=r"E01\d{6}",
            headers=("LSOA", "LSOA Code", "LSOA11", "LSOA21", "LSOA 2011", "LSOA 2021"),
        ),
        Column(
            _N.residence_area,
            "string",
            False,
            "local authority code or name",
            headers=_AREA_HEADERS,
        ),
        Column(
            _N.place_of_death,
            "code",
            False,
            "one of " + ", ".join(PLACE_CODES),
            codes=PLACE_CODES,
            headers=("Place of Death", "Location of Death", "Where Died"),
        ),
        Column(
            _N.expected_death,
            "code",
            False,
            "one of " + ", ".join(EXPECTED_CODES),
            codes=EXPECTED_CODES,
            headers=(
                "Expected Death",
                "Expected/Unexpected",
                "Expected or Unexpected",
                "Expected Unexpected",
                "Death Expected",
                "Type of Death",
            ),
        ),
        Column(
            _N.date_of_birth,
            "date",
            False,
            "a date on or before date_of_death; used only to derive age_at_death_days, "
            "then dropped",
            headers=("Date of Birth", "DOB", "Birth Date"),
        ),
    ),
)

_REVIEW_SPEC = TableSpec(
    name="reviews",
    description="One row per completed panel review.",
    key=(_R.case_id,),
    required=True,
    columns=(
        Column(
            _R.case_id,
            "string",
            True,
            "unique; must match a notification",
            headers=_CASE_ID_HEADERS,
        ),
        Column(
            _R.date_review_completed,
            "date",
            True,
            "a date on or after the case's date_notified, not in the future",
            headers=(
                "Date of Review",
                "Review Date",
                "Date Review Completed",
                "Date of Panel Review",
                "Panel Date",
                "Date Reviewed",
                "Review Completed Date",
                "Date of Panel",
            ),
        ),
        Column(
            _R.category,
            "integer",
            True,
            "category of death, 1 to 10 (labels accepted and mapped to the code)",
            minimum=1,
            maximum=10,
            headers=(
                "Category of Death",
                "Category",
                "Death Category",
                "Primary Category",
                "Category of Death (Form C)",
            ),
        ),
        Column(
            _R.modifiable_factors,
            "code",
            True,
            "one of " + ", ".join(MODIFIABLE_CODES),
            codes=MODIFIABLE_CODES,
            headers=(
                "Modifiable Factors",
                "Modifiable",
                "Modifiable Factors Identified",
                "Were Modifiable Factors Identified",
            ),
        ),
    ),
)

_BIRTH_SPEC = TableSpec(
    name="births",
    description="Live births by calendar year and deprivation quintile (denominators).",
    key=(_B.year, _B.imd_quintile, _B.residence_area),
    required=False,
    columns=(
        Column(
            _B.year,
            "integer",
            True,
            "calendar year",
            minimum=1900,
            maximum=2100,
            headers=("Year", "Calendar Year", "Birth Year"),
        ),
        Column(
            _B.imd_decile,
            "integer",
            False,
            "1 to 10, 1 = most deprived",
            minimum=1,
            maximum=10,
            headers=_DECILE_HEADERS,
        ),
        Column(
            _B.imd_quintile,
            "integer",
            True,
            "1 to 5, 1 = most deprived; derived from imd_decile when absent",
            minimum=1,
            maximum=5,
            headers=_QUINTILE_HEADERS,
        ),
        Column(
            _B.residence_area,
            "string",
            False,
            "local authority code or name",
            headers=_AREA_HEADERS,
        ),
        Column(
            _B.live_births,
            "integer",
            True,
            "0 or more",
            minimum=0,
            headers=("Live Births", "Births", "Number of Live Births"),
        ),
    ),
)

_POPULATION_SPEC = TableSpec(
    name="population",
    description="Resident children by year and age group (denominators).",
    key=(_P.year, _P.age_group, _P.sex, _P.residence_area),
    required=False,
    columns=(
        Column(
            _P.year,
            "integer",
            True,
            "calendar year (mid-year estimate)",
            minimum=1900,
            maximum=2100,
            headers=("Year", "Calendar Year", "Mid Year"),
        ),
        Column(
            _P.age_group,
            "code",
            True,
            "one of " + ", ".join(POPULATION_AGE_GROUPS),
            codes=POPULATION_AGE_GROUPS,
            headers=("Age Group", "Age Band", "Age"),
        ),
        Column(
            _P.sex,
            "code",
            False,
            "one of " + ", ".join(SEX_CODES),
            codes=SEX_CODES,
            headers=("Gender", "Sex"),
        ),
        Column(
            _P.residence_area,
            "string",
            False,
            "local authority code or name",
            headers=_AREA_HEADERS,
        ),
        Column(
            _P.population,
            "integer",
            True,
            "0 or more",
            minimum=0,
            headers=("Population", "Count", "Number of Children"),
        ),
    ),
)

#: The four tables of the contract, by name.
TABLES: Final[Mapping[TableName, TableSpec]] = {
    "notifications": _NOTIFICATION_SPEC,
    "reviews": _REVIEW_SPEC,
    "births": _BIRTH_SPEC,
    "population": _POPULATION_SPEC,
}
