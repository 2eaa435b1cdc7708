"""Import profiles: how one kind of export maps onto the data contract.

An export from a case-management system names its sheets after the forms ("Notification
Form", "Analysis Form"), uses its own headers and its own labels for codes, and lists
analysis rows for panels not yet held. An :class:`ImportProfile` says, once, which sheet or
file holds which table, which header is which contract column, which label is which code,
and whether analysis rows without a review date are open cases. Pass one to
:func:`cdop.read_dataset` or :func:`cdop.validate` by name (``profile="case_management"``)
or save a panel's own mapping to a JSON file and reuse it (``mapping="our-export.json"``,
``--mapping`` on the command line).

The mapping file is one JSON object; every key is optional::

    {
      "profile": "case_management",
      "description": "Northmoor CDOP export, 2024 layout",
      "sheets": {"Deaths Notified": "notifications", "Panel Outcomes": "reviews"},
      "columns": {"Child Ref": "case_id", "Age": "age_at_death_days"},
      "codes": {"place_of_death_detail": {"Ward 7": "hospital_ward"}},
      "open_reviews": true
    }

``"profile"`` names a built-in profile the file adds to. Headers, sheet names and labels
are matched ignoring case, spaces and punctuation.

Examples
--------
>>> from cdop.profiles import PROFILES, ImportProfile
>>> cm = PROFILES["case_management"]
>>> cm.sheets["Analysis Form"], cm.open_reviews
('reviews', True)
>>> own = ImportProfile("northmoor", columns={"Child Ref": "case_id"})
>>> combined = cm.extended(own)
>>> combined.columns["Child Ref"], combined.sheets["Notification Form"]
('case_id', 'notifications')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from cdop import schema
from cdop._codes import normalise_key
from cdop.errors import CdopArgumentError

__all__ = ["PROFILES", "ImportProfile", "read_mapping", "resolve_profile", "save_mapping"]

_KEYS: Final = ("profile", "name", "description", "sheets", "columns", "codes", "open_reviews")


@dataclass(frozen=True)
class ImportProfile:
    """How an export's sheets, headers and labels map onto the data contract.

    Parameters
    ----------
    name
        A short name.
    description
        What export the profile is for.
    sheets
        Sheet (or file) name -> table name (``"notifications"``, ``"reviews"``, ...).
    columns
        Export header -> canonical column name.
    codes
        Canonical column -> {export label -> canonical code}.
    open_reviews
        If True, rows of the reviews table without a review date are open cases: reported
        (rule ``open_review``) and left out, instead of failing ``required``.
    """

    name: str
    description: str = ""
    sheets: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    open_reviews: bool = False

    def extended(self, other: ImportProfile) -> ImportProfile:
        """This profile with ``other``'s entries added (``other`` wins where both say)."""
        codes = {c: dict(labels) for c, labels in self.codes.items()}
        for column, labels in other.codes.items():
            codes.setdefault(column, {}).update(labels)
        return ImportProfile(
            name=other.name,
            description=other.description or self.description,
            sheets={**self.sheets, **other.sheets},
            columns={**self.columns, **other.columns},
            codes=codes,
            open_reviews=self.open_reviews or other.open_reviews,
        )

    def sheet_tables(self) -> dict[str, schema.TableName]:
        """Normalised sheet name -> table."""
        return {normalise_key(k): v for k, v in self.sheets.items()}  # type: ignore[misc]

    def code_labels(self) -> dict[str, dict[str, str]]:
        """Canonical column -> {normalised label -> code}."""
        return {c: {normalise_key(k): v for k, v in m.items()} for c, m in self.codes.items()}

    def to_dict(self) -> dict[str, Any]:
        """The profile as the JSON object of a mapping file."""
        return {
            "name": self.name,
            "description": self.description,
            "sheets": dict(self.sheets),
            "columns": dict(self.columns),
            "codes": {c: dict(m) for c, m in self.codes.items()},
            "open_reviews": self.open_reviews,
        }


def _check(profile: ImportProfile, where: str) -> ImportProfile:
    """Refuse entries that name no table, column or code of the contract."""
    problems: list[str] = []
    for sheet, table in profile.sheets.items():
        if table not in schema.TABLES:
            problems.append(
                f"sheet {sheet!r} maps to {table!r}, not a table ({', '.join(schema.TABLES)})"
            )
    names = {c.name for spec in schema.TABLES.values() for c in spec.columns}
    for header, column in profile.columns.items():
        if column not in names:
            problems.append(f"header {header!r} maps to {column!r}, not a contract column")
    by_name = {c.name: c for spec in schema.TABLES.values() for c in spec.columns}
    for column, labels in profile.codes.items():
        spec = by_name.get(column)
        if spec is None or not spec.codes:
            problems.append(f"codes are given for {column!r}, which is not a coded column")
            continue
        for label, code in labels.items():
            if code not in spec.codes:
                problems.append(
                    f"label {label!r} of {column!r} maps to {code!r}; expected one of "
                    f"{', '.join(spec.codes)}"
                )
    if problems:
        raise CdopArgumentError(
            f"{where}: the mapping does not fit the data contract:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return profile


_CASE_MANAGEMENT = ImportProfile(
    name="case_management",
    description="Case-management export: one sheet per form (notification, analysis, "
    "factors), the forms' headings, ages as text, day-first dates, open cases listed.",
    sheets={
        "Notification Form": "notifications",
        "Notification": "notifications",
        "Notifications Form": "notifications",
        "Child Death Notification": "notifications",
        "Case List": "notifications",
        "Analysis Form": "reviews",
        "Analysis": "reviews",
        "Analysis Forms": "reviews",
        "Panel Review": "reviews",
        "CDOP Analysis": "reviews",
        "Analysis Form Factors": "factors",
        "Analysis Factors": "factors",
        "Factors": "factors",
        "Modifiable Factors": "factors",
        "Contributory Factors": "factors",
    },
    columns={
        "CDOP Reference": "case_id",
        "CDOP Ref": "case_id",
        "Child Death Reference": "case_id",
        "Case Reference Number": "case_id",
        "eCDOP ID": "case_id",
        "Age at Death": "age_at_death_days",
        "Age at time of Death": "age_at_death_days",
        "Age of Child": "age_at_death_days",
        "Place of Death": "place_of_death_detail",
        "Location of Death": "place_of_death_detail",
        "Ethnicity (Census 2011)": "ethnicity_detail",
        "Ethnicity - Census Category": "ethnicity_detail",
        "Local Authority of Residence (ONS Code)": "residence_la_code",
        "Residence LA (ONS)": "residence_la_code",
        "Date Notified to CDOP": "date_notified",
        "Date of Notification to CDOP": "date_notified",
        "Date of CDOP Meeting": "date_review_completed",
        "Date Panel Review Completed": "date_review_completed",
        "Panel Outcome: Category": "category",
        "Modifiable Factors (Panel)": "modifiable_factors",
        "Date of Child Death Review Meeting": "date_review_meeting",
        "Reason(s) for Delay": "delay_reasons",
        "Joint Agency Response Initiated": "joint_agency_response",
        "Gestation at Birth (weeks)": "gestation_weeks",
        "Gestation at Birth (days)": "gestation_days",
        "Birth Weight (grams)": "birthweight_grams",
        "Sleeping Arrangement": "sleep_place",
        "Position Placed Down": "sleep_position",
        "Domain of Factor": "domain",
        "Factor Category": "factor",
        "Level of Influence on Death": "influence",
        "Factor Modifiable": "modifiable",
    },
    codes={
        "modifiable_factors": {
            "Modifiable factors identified": "yes",
            "No modifiable factors identified": "no",
            "Insufficient information to determine modifiability": "insufficient_information",
        },
        "expected_death": {
            "Expected death": "expected",
            "Unexpected death": "unexpected",
            "Unexpected (JAR)": "unexpected",
        },
    },
    open_reviews=True,
)

#: Built-in profiles, by name.
PROFILES: Final[Mapping[str, ImportProfile]] = {
    _CASE_MANAGEMENT.name: _check(_CASE_MANAGEMENT, "profile 'case_management'")
}


def read_mapping(path: str | Path) -> ImportProfile:
    """Read a mapping file (JSON) into a profile, on top of the built-in one it names.

    Raises
    ------
    CdopArgumentError
        The file is missing, is not JSON, or maps onto something outside the contract.
    """
    file = Path(path)
    if not file.is_file():
        raise CdopArgumentError(f"mapping: no such file {str(path)!r}.")
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CdopArgumentError(f"mapping: {file.name} is not valid JSON ({exc}).") from exc
    if not isinstance(data, dict):
        raise CdopArgumentError(f"mapping: {file.name} must hold one JSON object.")
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise CdopArgumentError(
            f"mapping: {file.name} has unknown keys {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(_KEYS)}."
        )

    def text_map(key: str) -> dict[str, str]:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise CdopArgumentError(
                f"mapping: {file.name}: {key!r} must be an object of text to text."
            )
        return value

    codes = data.get("codes", {})
    if not isinstance(codes, dict) or not all(
        isinstance(m, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in m.items())
        for m in codes.values()
    ):
        raise CdopArgumentError(
            f"mapping: {file.name}: 'codes' must be an object of column -> {{label: code}}."
        )
    open_reviews = data.get("open_reviews", False)
    if not isinstance(open_reviews, bool):
        raise CdopArgumentError(f"mapping: {file.name}: 'open_reviews' must be true or false.")
    own = ImportProfile(
        name=str(data.get("name", file.stem)),
        description=str(data.get("description", "")),
        sheets=text_map("sheets"),
        columns=text_map("columns"),
        codes=codes,
        open_reviews=open_reviews,
    )
    base = data.get("profile")
    if base is not None:
        own = _builtin(str(base)).extended(own)
    return _check(own, f"mapping {file.name}")


def save_mapping(profile: ImportProfile, path: str | Path) -> Path:
    """Write a profile as a mapping file (JSON), to reuse with ``mapping=PATH``.

    The file is written next to its final name and then renamed, so that a failure never
    leaves half a file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> own = ImportProfile("ours", columns={"Child Ref": "case_id"}, open_reviews=True)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save_mapping(own, Path(tmp) / "ours.json")
    ...     read_mapping(path) == own
    True
    """
    target = Path(path)
    staging = target.with_name(f".{target.name}.tmp")
    staging.write_text(json.dumps(profile.to_dict(), indent=2) + "\n", encoding="utf-8")
    staging.replace(target)
    return target


def _builtin(name: str) -> ImportProfile:
    if name not in PROFILES:
        raise CdopArgumentError(
            f"profile: unknown profile {name!r}; built-in profiles: {', '.join(PROFILES)}."
        )
    return PROFILES[name]


def resolve_profile(
    profile: str | ImportProfile | None = None,
    mapping: str | Path | None = None,
    column_map: Mapping[str, str] | None = None,
) -> ImportProfile | None:
    """The profile in force: a built-in or given profile, then a mapping file, then a map."""
    if isinstance(profile, str):
        if profile not in PROFILES:
            raise CdopArgumentError(
                f"profile: unknown profile {profile!r}; built-in profiles: {', '.join(PROFILES)}."
            )
        resolved: ImportProfile | None = PROFILES[profile]
    else:
        resolved = profile
    if mapping is not None:
        own = read_mapping(mapping)
        resolved = own if resolved is None else resolved.extended(own)
    if column_map:
        extra = ImportProfile("column_map", columns=dict(column_map))
        return extra if resolved is None else resolved.extended(extra)
    return resolved
