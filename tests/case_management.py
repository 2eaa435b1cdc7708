"""A realistic export in the case-management layout, written by the tests themselves.

One sheet per form ("Notification Form", "Analysis Form", "Analysis Form Factors", and a
"Reporting Form" sheet the library does not read), the forms' headings, ages written as text,
dates as Excel dates and as text with two-digit years, "N/A" and "Unknown" in optional
cells, blank rows, analysis rows for panels not yet held, a few records with a broken
required field, and a free-text notes column without identifiers. Every count the tests
check is kept in :class:`Written` as the workbook is built, independently of the library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl

TODAY = dt.date(2025, 6, 1)

NOTIFICATION_HEADERS = [
    "CDOP Reference",
    "Date of Death",
    "Date Notified to CDOP",
    "Age at Death",
    "Gender",
    "Ethnicity (Census 2011)",
    "LSOA Code",
    "Local Authority of Residence",
    "Place of Death",
    "Expected/Unexpected",
    "JAR Triggered",
    "Gestation at Birth (weeks)",
    "Birth Weight (grams)",
    "Notes",
]
ANALYSIS_HEADERS = [
    "CDOP Reference",
    "Date of CDOP Meeting",
    "Panel Outcome: Category",
    "Modifiable Factors (Panel)",
    "Date of Child Death Review Meeting",
    "Reason(s) for Delay",
    "Notes",
]
FACTOR_HEADERS = [
    "CDOP Reference",
    "Domain of Factor",
    "Factor Category",
    "Level of Influence on Death",
    "Factor Modifiable",
]
_ETHNICITY = [
    "White: English, Welsh, Scottish, Northern Irish or British",
    "White - British",
    "White: Irish",
    "Asian or Asian British: Pakistani",
    "Asian or Asian British - Indian",
    "Black or Black British: African",
    "Mixed: White and Black Caribbean",
    "Chinese",
    "Not stated",
]
_PLACES = ["Neonatal Unit", "PICU", "Home", "A&E", "Children's Hospice", "Ward", "Ambulance"]
_CATEGORIES = [
    "Category 8 - Perinatal/neonatal event",
    "Category 7 - Chromosomal, genetic and congenital anomalies",
    "Category 10 - Sudden unexpected, unexplained death",
    "Category 5 - Acute medical or surgical condition",
    "Category 3 - Trauma and other external factors",
    "Category 9 - Infection",
    "Category 4 - Malignancy",
]
_MODIFIABLE = [
    "Modifiable factors identified",
    "No modifiable factors identified",
    "Insufficient information to determine modifiability",
]
_NOTES = [
    "Discussed at panel; learning shared with maternity services.",
    "Awaiting post-mortem report before the review meeting.",
    "Family supported by the bereavement nurse.",
    "Rapid response visit completed within 24 hours.",
    "Referred to the coroner; inquest opened and adjourned.",
    "",
]
_DELAYS = ["Awaiting inquest", "Police investigation; Awaiting post-mortem", "PMRT", "N/A", ""]
_FACTORS = [
    ("Domain B", "Co-sleeping", "2", "Yes"),
    ("Factors in the social environment", "Smoking in pregnancy", "2", "Yes"),
    ("Domain D", "Communication or information sharing", "1", "No"),
    ("Domain A", "Prematurity or low birthweight", "2", "No"),
    ("Domain C", "Other", "0", "N/A"),
]


@dataclass
class Written:
    """What the builder wrote, counted as it wrote it."""

    path: Path
    deaths: int = 0  # notification rows that are records (not blank)
    broken_deaths: int = 0  # with a broken required field
    completed: int = 0  # analysis rows with a review date
    open_cases: int = 0  # analysis rows of panels not yet held
    factors: int = 0
    blank_rows: int = 0
    years: dict[int, int] = field(default_factory=dict)  # deaths written per reporting year
    notes_cells: list[tuple[str, int]] = field(default_factory=list)  # (sheet, row) of notes


def _date_cell(rng: np.random.Generator, day: dt.date) -> object:
    """A date as an Excel date or as day-first text, some with two-digit years."""
    style = rng.integers(4)
    if style == 0:
        return dt.datetime(day.year, day.month, day.day)
    if style == 1:
        return day.strftime("%d-%b-%y")  # 12-Mar-23
    if style == 2:
        return day.strftime("%d/%m/%y")  # 12/03/23
    return day.strftime("%d/%m/%Y")


def _age_text(rng: np.random.Generator) -> tuple[str, int]:
    """An age at death as written in the export, and its lowest day count."""
    kind = rng.integers(6)
    if kind == 0:
        days = int(rng.integers(0, 28))
        return f"{days} days", days
    if kind == 1:
        weeks = int(rng.integers(1, 4))
        return f"{weeks} weeks", 7 * weeks
    if kind == 2:
        months = int(rng.integers(1, 12))
        return f"{months} months", int(np.ceil(months * 30.4375))
    if kind == 3:
        years = int(rng.integers(1, 18))
        return f"{years} years", int(np.ceil(years * 365.25))
    if kind == 4:
        years, months = int(rng.integers(1, 10)), int(rng.integers(1, 12))
        return f"{years} year {months} months", int(np.ceil(years * 365.25 + months * 30.4375))
    days = int(rng.integers(0, 6000))
    return str(days), days


def build_workbook(
    path: Path, *, seed: int = 11, notes: dict[tuple[str, int], str] | None = None
) -> Written:
    """Write the export; ``notes`` puts a text into the notes cell of (sheet, file row)."""
    rng = np.random.default_rng(seed)
    written = Written(path)
    book = openpyxl.Workbook()
    notification = book.active
    notification.title = "Notification Form"
    analysis = book.create_sheet("Analysis Form")
    factor_sheet = book.create_sheet("Analysis Form Factors")
    reporting = book.create_sheet("Reporting Form")
    notification.append(NOTIFICATION_HEADERS)
    analysis.append(ANALYSIS_HEADERS)
    factor_sheet.append(FACTOR_HEADERS)
    reporting.append(["Agency", "Form received"])
    reporting.append(["Health", "Yes"])
    number = 0
    for year in (2021, 2022, 2023):
        deaths = int(rng.integers(50, 91))
        written.years[year] = deaths
        for _ in range(deaths):
            number += 1
            case = f"CM{year % 100:02d}-{number:04d}"
            death = dt.date(year, 4, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
            notified = death + dt.timedelta(days=int(rng.integers(0, 4)))
            age, days = _age_text(rng)
            broken = rng.random() < 0.03
            row = [
                case,
                "Unknown" if broken else _date_cell(rng, death),
                _date_cell(rng, notified),
                age,
                str(rng.choice(["Male", "Female", "M", "F"])),
                str(rng.choice(_ETHNICITY)),
                str(rng.choice(["Unknown", "N/A", f"E0100{rng.integers(1000, 9999)}"])),
                str(rng.choice(["Northmoor", "Southvale", "N/A"])),
                str(rng.choice(_PLACES)),
                str(rng.choice(["Expected death", "Unexpected death", "Unexpected (JAR)"])),
                str(rng.choice(["Yes", "No", "N/A"])),
                int(rng.integers(24, 41)) if days < 28 else "N/A",
                int(rng.integers(600, 4000)) if days < 28 else "Not known",
                str(rng.choice(_NOTES)),
            ]
            notification.append(row)
            written.deaths += 1
            written.broken_deaths += int(broken)
            written.notes_cells.append(("Notification Form", notification.max_row))
            if rng.random() < 0.05:
                notification.append([])
                written.blank_rows += 1
            review = death + dt.timedelta(days=int(rng.integers(60, 500)))
            if broken:
                continue
            if review > TODAY - dt.timedelta(days=30) or rng.random() < 0.1:
                analysis.append(
                    [case, str(rng.choice(["N/A", "", "TBC"])), "N/A", "N/A", "", "", ""]
                )
                written.open_cases += 1
                continue
            meeting = death + (review - death) * float(rng.uniform(0.3, 0.9))
            modifiable = str(rng.choice(_MODIFIABLE))
            analysis.append(
                [
                    case,
                    _date_cell(rng, review),
                    str(rng.choice(_CATEGORIES)),
                    modifiable,
                    _date_cell(rng, meeting),
                    str(rng.choice(_DELAYS)) if (review - death).days > 365 else "",
                    str(rng.choice(_NOTES)),
                ]
            )
            written.completed += 1
            written.notes_cells.append(("Analysis Form", analysis.max_row))
            if modifiable.startswith("Modifiable"):
                for k in rng.choice(len(_FACTORS), size=2, replace=False):
                    factor_sheet.append([case, *_FACTORS[int(k)]])
                    written.factors += 1
    sheets = {"Notification Form": notification, "Analysis Form": analysis}
    for (sheet, row), text in (notes or {}).items():
        target = sheets[sheet]
        column = (NOTIFICATION_HEADERS if sheet == "Notification Form" else ANALYSIS_HEADERS).index(
            "Notes"
        )
        target.cell(row=row, column=column + 1, value=text)
    book.save(path)
    return written
