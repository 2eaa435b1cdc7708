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
    Resident children by year and age group (and ethnicity, where given): denominators
    of child mortality.
``factors`` (optional)
    The analysis form's factors, one row per factor recorded for a reviewed death: the
    domain, the factor, its level of influence and whether it is modifiable.

Examples
--------
>>> from cdop.schema import NOTIFICATIONS, REVIEWS, CATEGORY_LABELS
>>> NOTIFICATIONS.date_of_death
'date_of_death'
>>> REVIEWS.category
'category'
>>> CATEGORY_LABELS[8]
'Perinatal/neonatal event'
>>> [c.name for c in TABLES["reviews"].columns][:4]
['case_id', 'date_review_completed', 'category', 'modifiable_factors']
>>> ETHNICITY_DETAIL_ROLLUP["asian_pakistani"], PLACE_DETAIL_ROLLUP["neonatal_unit"]
('asian', 'hospital')
>>> FACTOR_LABELS["unsafe_sleep"]
'Unsafe sleeping arrangements, including co-sleeping'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = [
    "AGE_GROUPS",
    "AGE_GROUP_BOUNDS_DAYS",
    "BIRTHS",
    "BIRTHWEIGHT_BANDS",
    "BIRTHWEIGHT_BAND_BOUNDS_GRAMS",
    "CATEGORY_LABELS",
    "DELAY_REASON_CODES",
    "DELAY_REASON_LABELS",
    "DERIVED",
    "ETHNICITY_CODES",
    "ETHNICITY_DETAIL_CODES",
    "ETHNICITY_DETAIL_LABELS",
    "ETHNICITY_DETAIL_ROLLUP",
    "EXPECTED_CODES",
    "FACTORS",
    "FACTOR_CODES",
    "FACTOR_DOMAIN",
    "FACTOR_DOMAINS",
    "FACTOR_DOMAIN_LABELS",
    "FACTOR_LABELS",
    "GESTATION_BANDS",
    "GESTATION_BAND_BOUNDS_WEEKS",
    "INFLUENCE_CODES",
    "INFLUENCE_LABELS",
    "MAX_AGE_DAYS",
    "MISSING_TOKENS",
    "MODIFIABLE_CODES",
    "NOTIFICATIONS",
    "OUTPUT",
    "PHE_LOWER",
    "PHE_UPPER",
    "PLACE_CODES",
    "PLACE_DETAIL_CODES",
    "PLACE_DETAIL_ROLLUP",
    "POPULATION",
    "POPULATION_AGE_GROUPS",
    "REVIEWS",
    "SEX_CODES",
    "SLEEP_PLACE_CODES",
    "SLEEP_POSITION_CODES",
    "TABLES",
    "YES_NO_CODES",
    "Column",
    "ColumnKind",
    "TableName",
    "TableSpec",
    "limit_column",
]

TableName = Literal["notifications", "reviews", "births", "population", "factors"]
ColumnKind = Literal["string", "date", "integer", "code", "code_list"]

#: Cell texts that mean "no value" (compared ignoring case). An empty optional cell, or
#: one of these, is missing; in an optional column the words are reported as a warning.
MISSING_TOKENS: Final = frozenset(
    {"", "na", "n/a", "n.a.", "#n/a", "null", "nan", "nat", "<na>", "none", "-"}
)
#: Words that say a value is not known. In a coded column whose codes include
#: ``not_stated`` they map to it; elsewhere they make an optional value missing.
NOT_KNOWN_WORDS: Final = frozenset(
    {"unknown", "not known", "not recorded", "not stated", "n/k", "nk", "n.k.", "n k"}
)

#: Age at death must be below this many days, the 18th birthday (18 x 365.25, rounded up).
MAX_AGE_DAYS: Final = 6575

#: Categories of death on the analysis form (hierarchical, the panel recording the highest
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
#: Answers to a yes/no question of the forms.
YES_NO_CODES: Final = ("yes", "no", "not_stated")

#: Ethnic group in the 18 groups of the 2011 census (England and Wales), plus not stated.
ETHNICITY_DETAIL_LABELS: Final[Mapping[str, str]] = {
    "white_british": "White: English, Welsh, Scottish, Northern Irish or British",
    "white_irish": "White: Irish",
    "white_gypsy_or_irish_traveller": "White: Gypsy or Irish Traveller",
    "white_other": "White: any other White background",
    "mixed_white_and_black_caribbean": "Mixed: White and Black Caribbean",
    "mixed_white_and_black_african": "Mixed: White and Black African",
    "mixed_white_and_asian": "Mixed: White and Asian",
    "mixed_other": "Mixed: any other Mixed or multiple ethnic background",
    "asian_indian": "Asian or Asian British: Indian",
    "asian_pakistani": "Asian or Asian British: Pakistani",
    "asian_bangladeshi": "Asian or Asian British: Bangladeshi",
    "chinese": "Chinese",
    "asian_other": "Asian or Asian British: any other Asian background",
    "black_african": "Black or Black British: African",
    "black_caribbean": "Black or Black British: Caribbean",
    "black_other": "Black or Black British: any other Black background",
    "arab": "Other ethnic group: Arab",
    "other": "Other ethnic group: any other ethnic group",
    "not_stated": "Not stated",
}
ETHNICITY_DETAIL_CODES: Final = tuple(ETHNICITY_DETAIL_LABELS)
#: Detailed group -> broad group of :data:`ETHNICITY_CODES`. Chinese is rolled up to
#: "other", as in the NHS ethnic categories used nationally (the 2011 census lists it
#: under Asian).
ETHNICITY_DETAIL_ROLLUP: Final[Mapping[str, str]] = {
    code: (
        "other"
        if code in ("chinese", "arab", "other")
        else "not_stated"
        if code == "not_stated"
        else code.split("_")[0]
    )
    for code in ETHNICITY_DETAIL_CODES
}

#: Place of death in detail -> the broad code of :data:`PLACE_CODES`.
PLACE_DETAIL_ROLLUP: Final[Mapping[str, str]] = {
    "neonatal_unit": "hospital",
    "intensive_care": "hospital",
    "emergency_department": "hospital",
    "hospital_ward": "hospital",
    "other_hospital": "hospital",
    "home": "home",
    "other_residence": "other",
    "hospice": "hospice",
    "public_place": "public_place",
    "in_transit": "other",
    "abroad": "abroad",
    "other": "other",
    "not_stated": "not_stated",
}
PLACE_DETAIL_CODES: Final = tuple(PLACE_DETAIL_ROLLUP)

#: Where an infant who died suddenly and unexpectedly was last put down to sleep.
SLEEP_PLACE_CODES: Final = (
    "cot_or_moses_basket",
    "adult_bed",
    "sofa_or_armchair",
    "car_seat_or_pram",
    "other",
    "not_stated",
)
#: Position in which the infant was found.
SLEEP_POSITION_CODES: Final = ("back", "side", "front", "not_stated")

#: Reasons a review was delayed (several may apply), in report order.
DELAY_REASON_LABELS: Final[Mapping[str, str]] = {
    "inquest": "Awaiting inquest",
    "police_investigation": "Police investigation or criminal proceedings",
    "safeguarding_practice_review": "Safeguarding practice review",
    "perinatal_mortality_review": "Perinatal mortality review",
    "maternity_investigation": "Maternity investigation",
    "awaiting_post_mortem": "Awaiting post-mortem report",
    "other": "Other reason",
}
DELAY_REASON_CODES: Final = tuple(DELAY_REASON_LABELS)

#: Domains of the analysis form, in form order.
FACTOR_DOMAIN_LABELS: Final[Mapping[str, str]] = {
    "child": "Factors intrinsic to the child",
    "social_environment": "Factors in the social environment, including family and "
    "parenting capacity",
    "physical_environment": "Factors in the physical environment",
    "service_provision": "Factors in service provision",
}
FACTOR_DOMAINS: Final = tuple(FACTOR_DOMAIN_LABELS)

#: Common factors recorded on the analysis form: code -> (domain, display label).
#: ``other`` may be recorded in any domain.
_FACTORS: Final[Mapping[str, tuple[str, str]]] = {
    "acute_illness": ("child", "Acute or sudden-onset illness"),
    "long_term_condition": ("child", "Chronic or long-term condition"),
    "disability": ("child", "Disability or impairment"),
    "prematurity": ("child", "Prematurity or low birthweight"),
    "child_mental_health": ("child", "Emotional, behavioural or mental health condition"),
    "child_substance_misuse": ("child", "Alcohol or substance misuse by the child"),
    "smoking_in_pregnancy": ("social_environment", "Smoking in pregnancy"),
    "smoking_in_household": ("social_environment", "Smoking in the household"),
    "parental_substance_misuse": (
        "social_environment",
        "Alcohol or substance misuse by a parent or carer",
    ),
    "parental_mental_health": ("social_environment", "Mental health of a parent or carer"),
    "domestic_abuse": ("social_environment", "Domestic abuse"),
    "unsafe_sleep": ("social_environment", "Unsafe sleeping arrangements, including co-sleeping"),
    "maternal_obesity": ("social_environment", "Maternal obesity"),
    "consanguinity": ("social_environment", "Consanguinity"),
    "neglect_or_abuse": ("social_environment", "Neglect or abuse"),
    "bullying": ("social_environment", "Bullying, including online"),
    "housing_or_poverty": ("physical_environment", "Poor housing or poverty"),
    "road_safety": ("physical_environment", "Road or transport safety"),
    "water_safety": ("physical_environment", "Water safety"),
    "home_hazards": ("physical_environment", "Hazards in the home"),
    "access_to_means": ("physical_environment", "Access to means of self-harm or injury"),
    "access_to_services": ("service_provision", "Access to services"),
    "communication": ("service_provision", "Communication or information sharing"),
    "delay_in_care": ("service_provision", "Delay in recognition or treatment"),
    "care_not_to_guidance": ("service_provision", "Care not in line with guidance"),
    "staffing_or_resources": ("service_provision", "Staffing or resources"),
    "other": ("", "Other factor"),
}
#: Factor code -> display label.
FACTOR_LABELS: Final[Mapping[str, str]] = {code: label for code, (_, label) in _FACTORS.items()}
#: Factor code -> the domain it belongs to ("" for ``other``, allowed in any domain).
FACTOR_DOMAIN: Final[Mapping[str, str]] = {code: dom for code, (dom, _) in _FACTORS.items()}
FACTOR_CODES: Final = tuple(_FACTORS)

#: The analysis form's level of influence of a factor on the death.
INFLUENCE_LABELS: Final[Mapping[str, str]] = {
    "information_not_available": "Information not available",
    "unlikely_contributed": "Factor identified, but unlikely to have contributed to the death",
    "may_have_contributed": "Factor identified that may have contributed to vulnerability, "
    "ill-health or death",
}
INFLUENCE_CODES: Final = tuple(INFLUENCE_LABELS)

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
#: Gestation at birth in bands of completed weeks, in report order. Extremely preterm
#: (under 24 and 24-27 weeks), very preterm (28-31), moderate to late preterm (32-36), term.
GESTATION_BANDS: Final = (
    "Under 24 weeks",
    "24-27 weeks",
    "28-31 weeks",
    "32-36 weeks",
    "37 weeks or more",
)
#: Lower bound (inclusive, completed weeks) of each of :data:`GESTATION_BANDS`.
GESTATION_BAND_BOUNDS_WEEKS: Final = (0, 24, 28, 32, 37)
#: Birthweight bands, in report order. Extremely low (under 1,000 g), very low (under
#: 1,500 g), low (under 2,500 g), and 2,500 g or more.
BIRTHWEIGHT_BANDS: Final = (
    "Under 1,000 g",
    "1,000-1,499 g",
    "1,500-2,499 g",
    "2,500 g or more",
)
#: Lower bound (inclusive, grams) of each of :data:`BIRTHWEIGHT_BANDS`.
BIRTHWEIGHT_BAND_BOUNDS_GRAMS: Final = (0, 1000, 1500, 2500)
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
    ethnicity_detail: Final = "ethnicity_detail"
    residence_la_code: Final = "residence_la_code"
    place_of_death_detail: Final = "place_of_death_detail"
    joint_agency_response: Final = "joint_agency_response"
    gestation_weeks: Final = "gestation_weeks"
    gestation_days: Final = "gestation_days"
    birthweight_grams: Final = "birthweight_grams"
    multiple_birth: Final = "multiple_birth"
    sleep_place: Final = "sleep_place"
    sleep_position: Final = "sleep_position"
    co_sleeping: Final = "co_sleeping"
    smoking: Final = "smoking"
    alcohol_or_drugs: Final = "alcohol_or_drugs"


class _ReviewColumns:
    case_id: Final = "case_id"
    date_review_completed: Final = "date_review_completed"
    category: Final = "category"
    modifiable_factors: Final = "modifiable_factors"
    date_review_meeting: Final = "date_review_meeting"
    delay_reasons: Final = "delay_reasons"


class _FactorColumns:
    case_id: Final = "case_id"
    domain: Final = "domain"
    factor: Final = "factor"
    influence: Final = "influence"
    modifiable: Final = "modifiable"


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
    ethnicity: Final = "ethnicity"
    population: Final = "population"


class _DerivedColumns:
    """Columns the library adds; never read from input."""

    age_group: Final = "age_group"
    category_label: Final = "category_label"
    factor_label: Final = "factor_label"
    open_review: Final = "open_review"
    gestation_band: Final = "gestation_band"
    birthweight_band: Final = "birthweight_band"


class _OutputColumns:
    """The shared vocabulary of every result: statistics, analytics and published tables.

    See ``docs/vocabulary.md``. Limits at several confidence levels carry the level as a
    suffix (:func:`limit_column`: ``lower_ci_95``, ``upper_ci_99_8``).
    """

    #: Start year of the (first) financial or calendar year of a row, an integer.
    year: Final = "year"
    #: Label of the year or pooled period: ``"2024/25"``, ``"2024"``, ``"2022-2024"``.
    period: Final = "period"
    #: Count of events or records (numerator of ``value``).
    numerator: Final = "numerator"
    #: What the numerator is counted out of (births, children, reviews of the year).
    denominator: Final = "denominator"
    #: The statistic: a percentage, a rate per ``multiplier``, a ratio, ...
    value: Final = "value"
    lower_ci: Final = "lower_ci"
    upper_ci: Final = "upper_ci"
    #: The confidence level(s) of the limits as text: ``"95%"`` or ``"95%, 99.8%"``.
    confidence: Final = "confidence"
    #: What ``value`` is: ``"percentage"``, ``"rate per 1000"``, ...
    statistic: Final = "statistic"
    #: How the limits were computed: ``"Wilson"``, ``"Exact"``, ``"Byars"``, ...
    method: Final = "method"
    #: Whether disclosure control hid the row's count (published tables).
    suppressed: Final = "suppressed"
    #: A count shown on its own (published tables of activity).
    count: Final = "count"
    #: Reliability flag of a published rate: ``"u"`` when based on fewer than 20 events.
    flag: Final = "flag"
    #: Duration band of a review.
    band: Final = "band"
    #: A published table's measure (what a row counts).
    measure: Final = "measure"
    #: The national figure compared with, and its period.
    national_value: Final = "national_value"
    national_period: Final = "national_period"


#: Column names of every result (``OUTPUT.value == "value"``).
#:
#: :meta hide-value:
OUTPUT: Final = _OutputColumns()

#: The names PHEindicatormethods gives the limits, ``lowercl``/``uppercl`` for one level
#: (with several levels ``lower95_0cl``, ``upper99_8cl``, ...).
PHE_LOWER: Final = "lowercl"
PHE_UPPER: Final = "uppercl"


def limit_column(side: Literal["lower", "upper"], suffix: str = "") -> str:
    """Name of a confidence limit column, with the level suffix for several levels.

    Examples
    --------
    >>> limit_column("lower"), limit_column("upper", "99_8")
    ('lower_ci', 'upper_ci_99_8')
    """
    base = OUTPUT.lower_ci if side == "lower" else OUTPUT.upper_ci
    return f"{base}_{suffix}" if suffix else base


#: Column names of the notifications table (``NOTIFICATIONS.case_id == "case_id"``).
#:
#: :meta hide-value:
NOTIFICATIONS: Final = _NotificationColumns()
#: Column names of the reviews table.
#:
#: :meta hide-value:
REVIEWS: Final = _ReviewColumns()
#: Column names of the births table.
#:
#: :meta hide-value:
BIRTHS: Final = _BirthColumns()
#: Column names of the population table.
#:
#: :meta hide-value:
POPULATION: Final = _PopulationColumns()
#: Column names of the factors table.
#:
#: :meta hide-value:
FACTORS: Final = _FactorColumns()
#: Columns derived by the library.
#:
#: :meta hide-value:
DERIVED: Final = _DerivedColumns()

_N = NOTIFICATIONS
_R = REVIEWS
_B = BIRTHS
_P = POPULATION
_F = FACTORS


def _one_of(codes: tuple[str, ...]) -> str:
    return "one of " + ", ".join(codes)


def _yes_no(name: str, what: str, headers: tuple[str, ...]) -> Column:
    return Column(
        name, "code", False, f"{what}: {_one_of(YES_NO_CODES)}", YES_NO_CODES, headers=headers
    )


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
            _N.ethnicity_detail,
            "code",
            False,
            "one of the 18 census groups (" + ", ".join(ETHNICITY_DETAIL_CODES) + "); "
            "rolled up to ethnicity, which may then be left out",
            codes=ETHNICITY_DETAIL_CODES,
            headers=(
                "Ethnicity (detailed)",
                "Ethnic Group (detailed)",
                "Detailed Ethnicity",
                "Ethnicity Detail",
                "Census Ethnic Group",
                "Ethnic Category",
            ),
        ),
        Column(
            _N.residence_la_code,
            "string",
            False,
            "ONS code of the local authority of residence (E06, E07, E08, E09 or E10 "
            "followed by 6 digits)",
            pattern=r"E(?:0[6-9]|10)\d{6}",
            headers=(
                "LA Code of Residence",
                "Local Authority of Residence Code",
                "Residence LA Code",
                "LAD Code",
                "ONS LA Code",
                "LA ONS Code",
                "Local Authority ONS Code",
            ),
        ),
        Column(
            _N.place_of_death_detail,
            "code",
            False,
            _one_of(PLACE_DETAIL_CODES) + "; rolled up to place_of_death, which may then "
            "be left out",
            codes=PLACE_DETAIL_CODES,
            headers=(
                "Place of Death (detailed)",
                "Place of Death Detail",
                "Detailed Place of Death",
                "Location of Death (detailed)",
            ),
        ),
        _yes_no(
            _N.joint_agency_response,
            "whether a joint agency response was triggered",
            (
                "Joint Agency Response",
                "JAR",
                "JAR Triggered",
                "Joint Agency Response Triggered",
                "Was a JAR triggered",
                "JAR Initiated",
            ),
        ),
        Column(
            _N.gestation_weeks,
            "integer",
            False,
            "completed weeks of gestation at birth, 20 to 45",
            minimum=20,
            maximum=45,
            headers=(
                "Gestation (weeks)",
                "Gestation Weeks",
                "Gestational Age (weeks)",
                "Gestation",
                "Gestational Age",
            ),
        ),
        Column(
            _N.gestation_days,
            "integer",
            False,
            "days beyond the completed weeks of gestation, 0 to 6",
            minimum=0,
            maximum=6,
            headers=("Gestation (days)", "Gestation Days", "Gestational Age (days)"),
        ),
        Column(
            _N.birthweight_grams,
            "integer",
            False,
            "birthweight in grams, 200 to 7000",
            minimum=200,
            maximum=7000,
            headers=(
                "Birthweight",
                "Birth Weight",
                "Birthweight (g)",
                "Birth Weight (g)",
                "Birthweight (grams)",
                "Birth Weight (grams)",
            ),
        ),
        _yes_no(
            _N.multiple_birth,
            "whether the child was one of a multiple birth",
            ("Multiple Birth", "Multiple Pregnancy", "Twin or Multiple Birth"),
        ),
        Column(
            _N.sleep_place,
            "code",
            False,
            "where an infant was put down to sleep: " + _one_of(SLEEP_PLACE_CODES),
            codes=SLEEP_PLACE_CODES,
            headers=(
                "Sleep Place",
                "Sleeping Place",
                "Place of Sleep",
                "Sleep Location",
                "Sleeping Surface",
                "Sleep Environment",
            ),
        ),
        Column(
            _N.sleep_position,
            "code",
            False,
            "position in which an infant was found: " + _one_of(SLEEP_POSITION_CODES),
            codes=SLEEP_POSITION_CODES,
            headers=(
                "Sleep Position",
                "Sleeping Position",
                "Position Found",
                "Position When Found",
            ),
        ),
        _yes_no(
            _N.co_sleeping,
            "whether the infant was sharing a sleep surface with an adult or child",
            ("Co-sleeping", "Co sleeping", "Cosleeping", "Bed Sharing", "Co-sleeping at Death"),
        ),
        _yes_no(
            _N.smoking,
            "smoking by a parent or carer, in pregnancy or in the household",
            (
                "Smoking",
                "Parental Smoking",
                "Smoking in Household",
                "Smoking in Pregnancy",
                "Maternal Smoking",
            ),
        ),
        _yes_no(
            _N.alcohol_or_drugs,
            "alcohol or drug use by a carer at the time of the death",
            (
                "Alcohol or Drugs",
                "Alcohol/Drugs",
                "Alcohol or Drug Use",
                "Carer Alcohol or Drugs",
                "Parental Alcohol or Drugs",
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
            "the date of the panel review that completed the case: on or after the case's "
            "date_notified, not in the future",
            headers=(
                "Date of CDOP Panel",
                "CDOP Panel Date",
                "Date of CDOP Review",
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
        Column(
            _R.date_review_meeting,
            "date",
            False,
            "date of the child death review meeting, on or before date_review_completed",
            headers=(
                "Date of CDRM",
                "CDRM Date",
                "Child Death Review Meeting Date",
                "Date of Child Death Review Meeting",
                "Review Meeting Date",
            ),
        ),
        Column(
            _R.delay_reasons,
            "code_list",
            False,
            "reasons the review was delayed, separated by ';' or ',': "
            + _one_of(DELAY_REASON_CODES),
            codes=DELAY_REASON_CODES,
            headers=(
                "Delay Reasons",
                "Reasons for Delay",
                "Delay Reason",
                "Reason for Delay",
                "Reasons for Delay in Review",
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
    key=(_P.year, _P.age_group, _P.sex, _P.residence_area, _P.ethnicity),
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
            _P.ethnicity,
            "code",
            False,
            _one_of(ETHNICITY_CODES) + " (census groups mapped to these)",
            codes=ETHNICITY_CODES,
            headers=("Ethnicity", "Ethnic Group"),
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

_FACTOR_SPEC = TableSpec(
    name="factors",
    description="One row per factor recorded on the analysis form for a reviewed death.",
    key=(_F.case_id, _F.domain, _F.factor),
    required=False,
    columns=(
        Column(
            _F.case_id,
            "string",
            True,
            "must match a review",
            headers=_CASE_ID_HEADERS,
        ),
        Column(
            _F.domain,
            "code",
            True,
            "the analysis form's domain: " + _one_of(FACTOR_DOMAINS),
            codes=FACTOR_DOMAINS,
            headers=("Domain", "Factor Domain", "Analysis Domain"),
        ),
        Column(
            _F.factor,
            "code",
            True,
            "a factor of the domain (labels accepted), or other: " + _one_of(FACTOR_CODES),
            codes=FACTOR_CODES,
            headers=("Factor", "Factor Identified", "Contributory Factor", "Factor Type"),
        ),
        Column(
            _F.influence,
            "code",
            False,
            "the form's level of influence: " + _one_of(INFLUENCE_CODES) + " (0, 1, 2)",
            codes=INFLUENCE_CODES,
            headers=("Level of Influence", "Influence", "Level of Relevance", "Relevance", "Level"),
        ),
        Column(
            _F.modifiable,
            "code",
            False,
            "whether the factor is modifiable: " + _one_of(YES_NO_CODES),
            codes=YES_NO_CODES,
            headers=("Modifiable", "Modifiable Factor", "Is Modifiable", "Factor Modifiable"),
        ),
    ),
)

#: The tables of the contract, by name.
TABLES: Final[Mapping[TableName, TableSpec]] = {
    "notifications": _NOTIFICATION_SPEC,
    "reviews": _REVIEW_SPEC,
    "births": _BIRTH_SPEC,
    "population": _POPULATION_SPEC,
    "factors": _FACTOR_SPEC,
}
