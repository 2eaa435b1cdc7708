"""Normalisation of coded values: export variants onto the canonical codes of the contract.

Matching is case-, space- and punctuation-insensitive ("Not Stated", "not-stated" and
"NOT_STATED" are one key). Each coded column has a table of accepted variants; ethnicity
also maps the detailed census and NHS groups onto the broad groups. A value that maps to
nothing is reported by validation, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Final

from cdop import schema

__all__ = ["normalise_key", "parse_category", "parse_code", "parse_code_list"]

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_key(value: str) -> str:
    """Fold a raw value to a matching key: lower case, "&" and "/" read as "and".

    Examples
    --------
    >>> normalise_key("  Perinatal/Neonatal  event ")
    'perinatal and neonatal event'
    >>> normalise_key("Not_Stated")
    'not stated'
    """
    text = value.lower().replace("&", " and ").replace("/", " and ")
    return _NON_ALNUM.sub(" ", text).strip()


def _table(variants: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Build a key -> code table; each code also matches its own spelling."""
    out: dict[str, str] = {}
    for code, names in variants.items():
        for name in (code, *names):
            key = normalise_key(name)
            if key in out and out[key] != code:  # pragma: no cover - guards the tables below
                raise RuntimeError(f"variant {name!r} maps to both {out[key]!r} and {code!r}")
            out[key] = code
    return out


_NOT_STATED = (
    "not stated",
    "not known",
    "unknown",
    "not recorded",
    "not specified",
    "prefer not to say",
    "refused",
    "declined",
    "not given",
    "missing",
    # "N/K", "NK", "N.K.": not known, as NHS and local forms abbreviate it
    "n/k",
    "nk",
    "n.k.",
)

_SEX = _table(
    {
        "male": ("m", "boy", "1", "man"),
        "female": ("f", "girl", "2", "woman"),
        "indeterminate": (
            "i",
            "9",
            "intersex",
            "indeterminate (unable to be classified as either male or female)",
        ),
        "not_stated": ("u", "x", "0", *_NOT_STATED),
    }
)

_PLACE = _table(
    {
        "hospital": (
            "in hospital",
            "nhs hospital",
            "acute hospital",
            "hospital inpatient",
            "emergency department",
            "a and e",
            "accident and emergency",
            "ed",
            "neonatal unit",
            "nicu",
            "picu",
            "intensive care",
            "paediatric intensive care",
            "neonatal intensive care",
            "hospital ward",
        ),
        "home": (
            "at home",
            "usual residence",
            "usual place of residence",
            "normal residence",
            "home address",
            "family home",
            "child's home",
            "childs home",
            "own home",
        ),
        "hospice": ("children's hospice", "childrens hospice", "in hospice"),
        "public_place": (
            "public place",
            "public",
            "street",
            "road",
            "roadside",
            "public highway",
            "highway",
            "public area",
        ),
        "abroad": (
            "overseas",
            "outside uk",
            "outside the uk",
            "outside england",
            "outside of england",
            "died abroad",
        ),
        "other": ("other place", "elsewhere", "other location", "other private residence"),
        "not_stated": _NOT_STATED,
    }
)

_EXPECTED = _table(
    {
        "expected": ("expected death", "anticipated", "death expected"),
        "unexpected": ("unexpected death", "not expected", "death unexpected"),
        "not_stated": _NOT_STATED,
    }
)

_MODIFIABLE = _table(
    {
        "yes": (
            "y",
            "modifiable",
            "modifiable factors identified",
            "yes modifiable factors",
            "yes modifiable factors identified",
            "factors identified",
            # a yes/no flag ("Modifiable factors identified?": TRUE, 1)
            "true",
            "1",
        ),
        "no": (
            "n",
            "false",
            "0",
            "non modifiable",
            "not modifiable",
            "no modifiable factors",
            "no modifiable factors identified",
            "none identified",
            "no factors identified",
        ),
        "insufficient_information": (
            "insufficient information",
            "insufficient info",
            "inadequate information",
            "insufficient information to assess",
            "unable to determine",
            "unable to assess",
            "insufficient information to determine",
            "ii",
        ),
    }
)

_POPULATION_AGE = _table(
    {
        "under_1": ("0", "under 1", "<1", "0 years", "infant", "infants", "age 0"),
        "1-4": ("1 to 4", "1-4 years", "1 4", "aged 1 4"),
        "5-9": ("5 to 9", "5-9 years", "aged 5 9"),
        "10-14": ("10 to 14", "10-14 years", "aged 10 14"),
        "15-17": ("15 to 17", "15-17 years", "aged 15 17"),
    }
)

# NHS Data Dictionary ethnic category codes (2001 census groups).
_ETHNICITY_NHS_LETTERS = {
    "a": "white",
    "b": "white",
    "c": "white",
    "d": "mixed",
    "e": "mixed",
    "f": "mixed",
    "g": "mixed",
    "h": "asian",
    "j": "asian",
    "k": "asian",
    "l": "asian",
    "m": "black",
    "n": "black",
    "p": "black",
    "r": "other",
    "s": "other",
    "z": "not_stated",
    "99": "not_stated",
}
_ETHNICITY = _table(
    {
        "white": (
            "british",
            "irish",
            "english",
            "welsh",
            "scottish",
            "northern irish",
            "gypsy or irish traveller",
            "irish traveller",
            "gypsy",
            "roma",
            "traveller",
        ),
        "mixed": (
            "multiple",
            "mixed or multiple",
            "mixed multiple ethnic groups",
            "multiple ethnic groups",
        ),
        "asian": ("indian", "pakistani", "bangladeshi", "asian british"),
        "black": ("african", "caribbean", "black british"),
        "other": (
            "chinese",
            "arab",
            "any other ethnic group",
            "other ethnic group",
            "other ethnic groups",
        ),
        "not_stated": _NOT_STATED,
    }
)
# Keyword rules for detailed census labels ("Asian or Asian British: Indian",
# "Mixed: White and Black Caribbean", "Any other White background"), tried in order.
_ETHNICITY_KEYWORDS: Final = (
    ("not_stated", ("not stated", "not known", "unknown", "refused", "declined")),
    ("mixed", ("mixed", "multiple", "white and")),
    ("asian", ("asian", "indian", "pakistani", "bangladeshi")),
    ("black", ("black", "african", "caribbean")),
    ("white", ("white", "gypsy", "traveller", "roma", "irish")),
    ("other", ("chinese", "arab", "other")),
)


def _ethnicity(key: str) -> str | None:
    if key in _ETHNICITY:
        return _ETHNICITY[key]
    if key in _ETHNICITY_NHS_LETTERS:
        return _ETHNICITY_NHS_LETTERS[key]
    padded = f" {key} "
    for code, words in _ETHNICITY_KEYWORDS:
        if any(f" {w} " in padded for w in words):
            return code
    return None


def _lookup(table: Mapping[str, str]) -> Callable[[str], str | None]:
    return table.get


_YES_NO = _table(
    {
        "yes": ("y", "true", "1", "triggered", "initiated", "present", "ticked"),
        "no": ("n", "false", "0", "not triggered", "none", "absent", "not present"),
        "not_stated": _NOT_STATED,
    }
)

# Detailed ethnic groups: the census labels (with or without the broad group before a
# colon or dash), the 2011 census wording, and the NHS letter codes.
_ETHNICITY_DETAIL = _table(
    {
        "white_british": (
            "a",
            "british",
            "white british",
            "english welsh scottish northern irish or british",
            "english",
            "welsh",
            "scottish",
            "northern irish",
        ),
        "white_irish": ("b", "irish", "white irish"),
        "white_gypsy_or_irish_traveller": (
            "gypsy or irish traveller",
            "white gypsy or irish traveller",
            "gypsy",
            "irish traveller",
            "traveller",
        ),
        "white_other": (
            "c",
            "any other white background",
            "other white",
            "white other",
            "roma",
            "white roma",
        ),
        "mixed_white_and_black_caribbean": ("d", "white and black caribbean"),
        "mixed_white_and_black_african": ("e", "white and black african"),
        "mixed_white_and_asian": ("f", "white and asian"),
        "mixed_other": (
            "g",
            "any other mixed background",
            "any other mixed or multiple ethnic background",
            "other mixed",
            "mixed other",
        ),
        "asian_indian": ("h", "indian", "asian indian"),
        "asian_pakistani": ("j", "pakistani", "asian pakistani"),
        "asian_bangladeshi": ("k", "bangladeshi", "asian bangladeshi"),
        "chinese": ("r", "asian chinese", "other chinese"),
        "asian_other": ("l", "any other asian background", "other asian", "asian other"),
        "black_african": ("n", "african", "black african"),
        "black_caribbean": ("m", "caribbean", "black caribbean"),
        "black_other": ("p", "any other black background", "other black", "black other"),
        "arab": ("other arab",),
        "other": (
            "s",
            "any other ethnic group",
            "other ethnic group",
            "other any other ethnic group",
        ),
        "not_stated": ("z", "99", *_NOT_STATED),
    }
)
# Broad-group prefixes dropped before matching ("Asian or Asian British: Indian").
_ETHNICITY_PREFIXES: Final = (
    "white ",
    "mixed or multiple ethnic groups ",
    "mixed multiple ethnic groups ",
    "mixed ",
    "asian or asian british ",
    "asian ",
    "black or black british ",
    "black african caribbean or black british ",
    "black ",
    "other ethnic group ",
    "other ",
)


def _ethnicity_detail(key: str) -> str | None:
    if key in _ETHNICITY_DETAIL:
        return _ETHNICITY_DETAIL[key]
    for prefix in _ETHNICITY_PREFIXES:
        if key.startswith(prefix):
            rest = _ETHNICITY_DETAIL.get(key[len(prefix) :])
            if rest is not None and (
                prefix.startswith("other") or rest.startswith(prefix.split()[0])
            ):
                return rest
            if rest in ("arab", "other", "chinese"):
                return rest
    return None


_PLACE_DETAIL = _table(
    {
        "neonatal_unit": (
            "nnu",
            "nicu",
            "scbu",
            "neonatal intensive care",
            "neonatal intensive care unit",
            "special care baby unit",
            "neonatal unit nnu",
            "labour ward",
            "delivery suite",
        ),
        "intensive_care": (
            "picu",
            "icu",
            "itu",
            "paediatric intensive care",
            "paediatric intensive care unit",
            "pediatric intensive care",
            "adult intensive care",
            "intensive care unit",
        ),
        "emergency_department": ("ed", "a and e", "accident and emergency", "emergency dept"),
        "hospital_ward": ("ward", "paediatric ward", "children's ward", "childrens ward"),
        "other_hospital": ("hospital", "hospital other", "other hospital location", "theatre"),
        "home": ("child's home", "childs home", "usual residence", "family home", "own home"),
        "other_residence": (
            "other private residence",
            "relative's home",
            "relatives home",
            "friend's home",
            "friends home",
            "foster home",
            "residential home",
        ),
        "hospice": ("children's hospice", "childrens hospice"),
        "public_place": ("public", "street", "road", "roadside", "public highway"),
        "in_transit": ("ambulance", "in ambulance", "en route to hospital", "transit"),
        "abroad": ("overseas", "outside uk", "outside the uk", "outside england"),
        "other": ("other place", "elsewhere", "other location"),
        "not_stated": _NOT_STATED,
    }
)

_SLEEP_PLACE = _table(
    {
        "cot_or_moses_basket": ("cot", "moses basket", "crib", "bassinet", "next to me crib"),
        "adult_bed": ("bed", "parents bed", "parent's bed", "adult's bed", "double bed"),
        "sofa_or_armchair": ("sofa", "settee", "armchair", "couch", "chair"),
        "car_seat_or_pram": ("car seat", "pram", "buggy", "pushchair", "baby seat", "sling"),
        "other": ("other place", "floor", "bouncer"),
        "not_stated": _NOT_STATED,
    }
)

_SLEEP_POSITION = _table(
    {
        "back": ("supine", "on back", "on their back"),
        "side": ("lateral", "on side", "on their side"),
        "front": ("prone", "on front", "face down", "on their front", "stomach"),
        "not_stated": _NOT_STATED,
    }
)

_DOMAIN = _table(
    {
        code: (label, f"domain {letter}", letter, label.replace(", including", " including"))
        for letter, (code, label) in zip("abcd", schema.FACTOR_DOMAIN_LABELS.items(), strict=True)
    }
)
_DOMAIN.update(
    {
        normalise_key(k): v
        for k, v in {
            "intrinsic to the child": "child",
            "factors in the social environment": "social_environment",
            "factors in the physical environment": "physical_environment",
            "factors in service provision": "service_provision",
            "factors in service delivery": "service_provision",
            "factors intrinsic to the child": "child",
            "social environment": "social_environment",
            "family and environment": "social_environment",
            "physical environment": "physical_environment",
            "service provision": "service_provision",
            "service delivery": "service_provision",
        }.items()
    }
)

_FACTOR = _table({code: (label,) for code, label in schema.FACTOR_LABELS.items()})
_FACTOR.update(
    {
        normalise_key(k): v
        for k, v in {
            "co-sleeping": "unsafe_sleep",
            "unsafe sleep": "unsafe_sleep",
            "smoking during pregnancy": "smoking_in_pregnancy",
            "maternal smoking": "smoking_in_pregnancy",
            "parental smoking": "smoking_in_household",
            "substance misuse": "parental_substance_misuse",
            "domestic violence": "domestic_abuse",
            "obesity": "maternal_obesity",
            "chronic illness": "long_term_condition",
            "low birthweight": "prematurity",
            "housing": "housing_or_poverty",
            "poverty": "housing_or_poverty",
            "other factor": "other",
        }.items()
    }
)

_INFLUENCE = _table(
    {
        "information_not_available": ("0", "not available", "information not available"),
        "unlikely_contributed": (
            "1",
            "unlikely to have contributed",
            "factor identified but unlikely to have contributed to the death",
            "not contributory",
        ),
        "may_have_contributed": (
            "2",
            "may have contributed",
            "contributory",
            "contributed",
            "factor identified that may have contributed to vulnerability ill health or death",
        ),
    }
)

_DELAY = _table(
    {
        "inquest": ("awaiting inquest", "coroner", "coroner's inquest", "coroners inquest"),
        "police_investigation": (
            "police",
            "police investigation or criminal proceedings",
            "criminal proceedings",
            "criminal investigation",
        ),
        "safeguarding_practice_review": (
            "safeguarding review",
            "cspr",
            "child safeguarding practice review",
            "serious case review",
            "lcspr",
        ),
        "perinatal_mortality_review": (
            "pmrt",
            "perinatal review",
            "perinatal mortality review tool",
        ),
        "maternity_investigation": (
            "hsib",
            "mnsi",
            "maternity review",
            "hsib investigation",
            "mnsi investigation",
        ),
        "awaiting_post_mortem": (
            "post mortem",
            "post-mortem",
            "awaiting post-mortem report",
            "awaiting pm",
            "pm report",
            "autopsy",
        ),
        "other": ("other reason",),
    }
)
_DELAY.update({normalise_key(v): k for k, v in schema.DELAY_REASON_LABELS.items()})


_PARSERS: Final[Mapping[str, Callable[[str], str | None]]] = {
    schema.NOTIFICATIONS.sex: _lookup(_SEX),
    schema.NOTIFICATIONS.ethnicity: _ethnicity,
    schema.NOTIFICATIONS.place_of_death: _lookup(_PLACE),
    schema.NOTIFICATIONS.expected_death: _lookup(_EXPECTED),
    schema.REVIEWS.modifiable_factors: _lookup(_MODIFIABLE),
    schema.POPULATION.age_group: _lookup(_POPULATION_AGE),
    schema.NOTIFICATIONS.ethnicity_detail: _ethnicity_detail,
    schema.NOTIFICATIONS.place_of_death_detail: _lookup(_PLACE_DETAIL),
    schema.NOTIFICATIONS.joint_agency_response: _lookup(_YES_NO),
    schema.NOTIFICATIONS.multiple_birth: _lookup(_YES_NO),
    schema.NOTIFICATIONS.sleep_place: _lookup(_SLEEP_PLACE),
    schema.NOTIFICATIONS.sleep_position: _lookup(_SLEEP_POSITION),
    schema.NOTIFICATIONS.co_sleeping: _lookup(_YES_NO),
    schema.NOTIFICATIONS.smoking: _lookup(_YES_NO),
    schema.NOTIFICATIONS.alcohol_or_drugs: _lookup(_YES_NO),
    schema.REVIEWS.delay_reasons: _lookup(_DELAY),
    schema.FACTORS.domain: _lookup(_DOMAIN),
    schema.FACTORS.factor: _lookup(_FACTOR),
    schema.FACTORS.influence: _lookup(_INFLUENCE),
    schema.FACTORS.modifiable: _lookup(_YES_NO),
}


def parse_code(column: str, value: str) -> str | None:
    """Map one raw value of a coded column to its canonical code, or ``None``.

    Examples
    --------
    >>> parse_code("sex", "M")
    'male'
    >>> parse_code("modifiable_factors", "Insufficient information")
    'insufficient_information'
    >>> parse_code("ethnicity", "Asian or Asian British: Pakistani")
    'asian'
    >>> parse_code("ethnicity", "Mixed: White and Black Caribbean")
    'mixed'
    >>> parse_code("sex", "banana") is None
    True
    >>> parse_code("ethnicity_detail", "Asian or Asian British: Pakistani")
    'asian_pakistani'
    >>> parse_code("place_of_death_detail", "PICU")
    'intensive_care'
    """
    return _PARSERS[column](normalise_key(value))


def parse_code_list(column: str, value: str) -> str | None:
    """Map a cell holding several codes (separated by ``;``, ``,`` or a new line).

    Returns the canonical codes joined by ``;`` in contract order, or ``None`` when any
    part maps to nothing.

    Examples
    --------
    >>> parse_code_list("delay_reasons", "Police investigation; Awaiting inquest")
    'inquest;police_investigation'
    >>> parse_code_list("delay_reasons", "Inquest, banana") is None
    True
    """
    parts = [p for p in _LIST_SEPARATORS.split(value) if p.strip()]
    codes = [_PARSERS[column](normalise_key(p)) for p in parts]
    if not codes or any(c is None for c in codes):
        return None
    found = set(codes)
    order = _LIST_ORDER[column]
    return ";".join(c for c in order if c in found)


_LIST_SEPARATORS: Final = re.compile(r"[;,|\n]+")
_LIST_ORDER: Final[Mapping[str, tuple[str, ...]]] = {
    schema.REVIEWS.delay_reasons: schema.DELAY_REASON_CODES,
}


_CATEGORY_KEYS: Final = {
    normalise_key(label): code for code, label in schema.CATEGORY_LABELS.items()
}
_CATEGORY_KEYS.update(
    {
        normalise_key("Trauma and other external factors"): 3,
        normalise_key("Perinatal or neonatal event"): 8,
        normalise_key("Chromosomal, genetic or congenital anomalies"): 7,
        normalise_key("Sudden unexpected unexplained death"): 10,
        normalise_key("Sudden unexpected and unexplained death"): 10,
        normalise_key("Deliberately inflicted injury, abuse and neglect"): 1,
        normalise_key("Suicide or self-inflicted harm"): 2,
        normalise_key("Acute medical and surgical condition"): 5,
    }
)
#: Short names panels give a category by, each naming one category alone.
_CATEGORY_KEYS.update(
    {
        "cancer": 4,
        "sudi": 10,
        "sudic": 10,
        normalise_key("Sudden unexpected death in infancy"): 10,
        normalise_key("Sudden unexpected death in infancy and childhood"): 10,
        normalise_key("Sudden unexplained death in childhood"): 10,
        "trauma": 3,
        "suicide": 2,
        normalise_key("Self-harm"): 2,
        "congenital anomalies": 7,
        "perinatal": 8,
        "neonatal": 8,
        "acute": 5,
        "chronic": 6,
    }
)
_CATEGORY_NUMBER = re.compile(r"^(?:category|cat)?\s*(\d{1,2})(?:\s+(.*))?$")
#: A category's code in Roman numerals ("Category VIII"), as some forms print it.
_CATEGORY_ROMAN = re.compile(r"^(?:category|cat)?\s*([ivx]{1,4})(?:\s+(.*))?$")
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}


def parse_category(value: str) -> int | None:
    """Map a category of death, given as a code or a label, to its code 1-10, or ``None``.

    Accepts the code ("8", "8.0"), the label in old or new wording, and both together
    ("Category 8: Perinatal/neonatal event"); a code and a label that disagree give ``None``.

    Examples
    --------
    >>> parse_category("Category 8: Perinatal/neonatal event")
    8
    >>> parse_category("perinatal and neonatal event")
    8
    >>> parse_category("3")
    3
    >>> parse_category("Trauma and other external factors")
    3
    >>> parse_category("Category 8: Infection") is None
    True
    >>> [parse_category(v) for v in ("Category VIII", "5 (Acute)", "Cancer", "SUDI")]
    [8, 5, 4, 10]
    """
    key = normalise_key(value)
    if key.endswith(" 0") and key[:-2].isdigit():  # "8.0" from a spreadsheet number
        key = key[:-2]
    match = _CATEGORY_NUMBER.match(key)
    roman = None if match else _CATEGORY_ROMAN.match(key)
    if roman and len(roman.group(1)) == 1 and roman.group(2) is None and not key.startswith("cat"):
        roman = None  # "X" or "I" alone is a letter, more often than a category
    if match or roman:
        code = int(match.group(1)) if match else _ROMAN.get(roman.group(1), 0) if roman else 0
        label = match.group(2) if match else roman.group(2) if roman else None
        if code not in schema.CATEGORY_LABELS:
            return None
        if label is None or _label_code(label) == code or _shortens(label, code):
            return code
        return None
    return _label_code(key)


def _shortens(label: str, code: int) -> bool:
    """Whether ``label``, given beside the code, is the start of that category's own
    label ("5 (Acute)"): beside its code a short start is enough to agree."""
    return len(label) >= 3 and normalise_key(schema.CATEGORY_LABELS[code]).startswith(label)


def _label_code(key: str) -> int | None:
    if key in _CATEGORY_KEYS:
        return _CATEGORY_KEYS[key]
    # An unambiguous truncation of a label ("Trauma and other external"), if long enough.
    if len(key) >= 8:
        hits = {code for label, code in _CATEGORY_KEYS.items() if label.startswith(key)}
        if len(hits) == 1:
            return hits.pop()
    return None
