"""The bundled sample written as a case-management export: a workbook to practise on.

A real export does not look like the data contract. This one has what coordinators meet:
one sheet per form with the forms' headings ("CDOP Reference", "Panel Outcome:
Category"), labels instead of codes ("Category 8 - Perinatal/neonatal event", "Neonatal
Unit", "Male"), ages written as text ("3 weeks"), day-first dates (some as Excel dates),
analysis rows for panels not yet held, a sheet the library does not read, and the
births and population pasted in as two more sheets. With ``mistakes`` it also has what a
mapping must explain and what must be corrected at source:

- a heading the built-in profile does not know ("Home Local Authority");
- a place-of-death label the library does not know ("Birth Centre", on a few rows);
- a sex typed as "Q";
- a date of death that does not exist (31 February);
- a review completed before the death was notified (a year typed wrongly).

Every record is fictional (see :mod:`cdop.sample`).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Final

import pandas as pd

from cdop import schema
from cdop.errors import CdopArgumentError

__all__ = ["write_case_management_sample"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_F = schema.FACTORS

_SEX: Final = {"male": "Male", "female": "Female", "indeterminate": "Indeterminate"}
_SEX_SHORT: Final = {"male": "M", "female": "F"}
_PLACE: Final = {
    "neonatal_unit": "Neonatal Unit",
    "intensive_care": "PICU",
    "emergency_department": "A&E",
    "hospital_ward": "Ward",
    "other_hospital": "Hospital - other",
    "home": "Child's home",
    "other_residence": "Relative's home",
    "hospice": "Children's Hospice",
    "public_place": "Public place",
    "in_transit": "Ambulance",
    "abroad": "Abroad",
    "other": "Other place",
}
_EXPECTED: Final = {"expected": "Expected death", "unexpected": "Unexpected death"}
_MODIFIABLE: Final = {
    "yes": "Modifiable factors identified",
    "no": "No modifiable factors identified",
    "insufficient_information": "Insufficient information to determine modifiability",
}
_YES_NO: Final = {"yes": "Yes", "no": "No"}
#: The heading the built-in profile does not know, and the label it does not know.
AREA_HEADING: Final = "Home Local Authority"
UNKNOWN_PLACE: Final = "Birth Centre"


def _age_text(days: int) -> str:
    """An age as a form would have it; the lowest day count of the text keeps the age group."""
    if days < 28:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 365:
        weeks = days // 7
        return f"{weeks} weeks"
    years = math.floor(days / 365.25)
    return f"{years} year{'s' if years != 1 else ''}"


def _day_text(value: object, excel: bool) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return ""
    day = dt.date.fromisoformat(str(value))
    return dt.datetime(day.year, day.month, day.day) if excel else day.strftime("%d/%m/%Y")


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _notification_sheet(notes: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for k, r in enumerate(notes.to_dict("records")):
        sex = _SEX_SHORT if k % 3 == 0 else _SEX
        rows.append(
            {
                "CDOP Reference": r[_N.case_id],
                "Date of Death": _day_text(r[_N.date_of_death], excel=k % 4 == 0),
                "Date Notified to CDOP": _day_text(r[_N.date_notified], excel=k % 4 == 1),
                "Age at Death": _age_text(int(r[_N.age_at_death_days])),
                "Gender": sex.get(_text(r[_N.sex]), "Not stated"),
                "Ethnicity (Census 2011)": schema.ETHNICITY_DETAIL_LABELS.get(
                    _text(r[_N.ethnicity_detail]), "Not stated"
                ),
                "IMD Decile": _text(r[_N.imd_decile]),
                "LSOA Code": _text(r[_N.lsoa_code]) or "Unknown",
                AREA_HEADING: _text(r[_N.residence_area]),
                "Place of Death": _PLACE.get(_text(r[_N.place_of_death_detail]), "Not known"),
                "Expected/Unexpected": _EXPECTED.get(_text(r[_N.expected_death]), "Not known"),
                "Joint Agency Response Initiated": _YES_NO.get(
                    _text(r[_N.joint_agency_response]), "N/A"
                ),
                "Gestation at Birth (weeks)": _text(r[_N.gestation_weeks]) or "N/A",
                "Birth Weight (grams)": _text(r[_N.birthweight_grams]) or "Not known",
            }
        )
    return pd.DataFrame(rows)


def _analysis_sheet(notes: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    done = reviews.set_index(_R.case_id)
    rows = []
    for k, case in enumerate(notes[_N.case_id]):
        if case not in done.index:  # a panel not yet held: listed, with no outcome
            rows.append(
                {
                    "CDOP Reference": case,
                    "Date of CDOP Meeting": "TBC",
                    "Panel Outcome: Category": "N/A",
                    "Modifiable Factors (Panel)": "N/A",
                    "Date of Child Death Review Meeting": "",
                    "Reason(s) for Delay": "",
                }
            )
            continue
        r = done.loc[case]
        category = int(r[_R.category])
        reasons = [c for c in _text(r[_R.delay_reasons]).split(";") if c]
        rows.append(
            {
                "CDOP Reference": case,
                "Date of CDOP Meeting": _day_text(r[_R.date_review_completed], excel=k % 5 == 0),
                "Panel Outcome: Category": f"Category {category} - "
                f"{schema.CATEGORY_LABELS[category]}",
                "Modifiable Factors (Panel)": _MODIFIABLE[_text(r[_R.modifiable_factors])],
                "Date of Child Death Review Meeting": _day_text(
                    r[_R.date_review_meeting], excel=False
                ),
                "Reason(s) for Delay": "; ".join(
                    schema.DELAY_REASON_LABELS.get(c, c) for c in reasons
                ),
            }
        )
    return pd.DataFrame(rows)


def _factor_sheet(factors: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CDOP Reference": factors[_F.case_id],
            "Domain of Factor": factors[_F.domain].map(schema.FACTOR_DOMAIN_LABELS),
            "Factor Category": factors[_F.factor].map(schema.FACTOR_LABELS),
            "Level of Influence on Death": factors[_F.influence].map(schema.INFLUENCE_LABELS),
            "Factor Modifiable": factors[_F.modifiable].map(_YES_NO),
        }
    )


def _put_mistakes(sheets: dict[str, pd.DataFrame]) -> None:
    notes = sheets["Notification Form"]
    analysis = sheets["Analysis Form"]
    reviewed = analysis[analysis["Date of CDOP Meeting"] != "TBC"]["CDOP Reference"]
    last_year = notes.index[notes["CDOP Reference"].isin(reviewed)]
    # Spread over the years, on records that have a review, so each mistake also
    # shows what happens to the review of a rejected notification.
    sex_row, date_row, review_row = last_year[40], last_year[-60], last_year[-25]
    notes.loc[sex_row, "Gender"] = "Q"
    death = notes.loc[date_row, "Date of Death"]
    year = death.year if isinstance(death, dt.datetime) else int(str(death)[-4:])
    notes.loc[date_row, "Date of Death"] = f"31/02/{year}"
    case = notes.loc[review_row, "CDOP Reference"]
    at = analysis.index[analysis["CDOP Reference"] == case][0]
    completed = analysis.loc[at, "Date of CDOP Meeting"]
    day = (
        completed.date()
        if isinstance(completed, dt.datetime)
        else dt.datetime.strptime(str(completed), "%d/%m/%Y").date()
    )
    analysis.loc[at, "Date of CDOP Meeting"] = day.replace(year=day.year - 10).strftime("%d/%m/%Y")
    neonatal = notes.index[notes["Place of Death"] == "Neonatal Unit"]
    notes.loc[neonatal[-6:], "Place of Death"] = UNKNOWN_PLACE


def write_case_management_sample(path: str | Path, *, mistakes: bool = True) -> Path:
    """Write the bundled sample as a case-management export workbook (.xlsx).

    Sheets: "Notification Form", "Analysis Form" (open cases listed with "TBC"),
    "Analysis Form Factors", "Reporting Form" (not read by the library), "Births" and
    "Population". Read it with ``profile="case_management"``; with ``mistakes`` (the
    default) it holds the mistakes listed in :mod:`cdop._sample_export`, to practise the
    mapping, lenient reading and corrections on.

    The workbook is written beside its name and then renamed, so a failure never leaves
    half a file; an existing file is never replaced.

    Parameters
    ----------
    path
        The workbook to write (``.xlsx``); its folder must exist.
    mistakes
        Put in the mistakes a coordinator has to map or correct (default True).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    CdopArgumentError
        If ``path`` does not end in ``.xlsx``, its folder does not exist, or it exists.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import cdop
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_case_management_sample(Path(tmp) / "export.xlsx", mistakes=False)
    ...     ds = cdop.read_dataset(path, profile="case_management",
    ...                            column_map={"Home Local Authority": "residence_area"})
    >>> len(ds.notifications) == len(cdop.load_sample().notifications)
    True
    """
    from cdop._files import write_new_file
    from cdop.sample import generate_sample

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise CdopArgumentError(f"path: expected a workbook ending in .xlsx, got {str(path)!r}")
    if not target.parent.is_dir():
        raise CdopArgumentError(f"path: the folder {str(target.parent)!r} does not exist")
    if target.exists() or target.is_symlink():
        raise CdopArgumentError(
            f"path: {target} already exists; the sample never replaces a file. Choose a new name"
        )
    tables = generate_sample()
    notes = tables["notifications"].astype("object")
    sheets = {
        "Notification Form": _notification_sheet(notes),
        "Analysis Form": _analysis_sheet(notes, tables["reviews"].astype("object")),
        "Analysis Form Factors": _factor_sheet(tables["factors"]),
        "Reporting Form": pd.DataFrame({"Agency": ["Health", "Police"], "Received": ["Y", "Y"]}),
        "Births": tables["births"],
        "Population": tables["population"],
    }
    if mistakes:
        _put_mistakes(sheets)

    def write(handle: object) -> None:
        with pd.ExcelWriter(handle, engine="openpyxl") as writer:  # type: ignore[call-overload]
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name, index=False)

    write_new_file(target, write, what="path")
    return target
