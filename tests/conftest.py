"""Shared fixtures: a small valid export folder that tests corrupt one rule at a time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

#: "Today" for validation in tests, so that "not in the future" never depends on the clock.
TODAY = dt.date(2026, 1, 1)

NOTIFICATIONS_CSV = """\
case_id,date_of_death,date_notified,age_at_death_days,sex,ethnicity,imd_decile,lsoa_code,residence_area,place_of_death,expected_death
A001,2023-04-03,2023-04-04,2,male,white,1,E01000001,Northmoor,hospital,expected
A002,2023-05-10,2023-05-10,150,female,asian,4,E01000002,Northmoor,home,unexpected
A003,2023-07-21,2023-07-23,4000,male,black,9,E01000003,Southvale,public_place,unexpected
A004,2023-09-30,2023-10-01,30,female,not_stated,,,Southvale,hospital,expected
"""
REVIEWS_CSV = """\
case_id,date_review_completed,category,modifiable_factors
A001,2023-10-20,8,no
A002,2024-01-15,10,yes
A003,2024-06-01,3,insufficient_information
"""
BIRTHS_CSV = """\
year,imd_quintile,live_births
2023,1,1200
2023,2,1100
2023,3,1000
2023,4,900
2023,5,800
"""
POPULATION_CSV = """\
year,age_group,population
2023,under_1,5000
2023,1-4,20000
2023,5-9,26000
2023,10-14,25000
2023,15-17,15000
"""


def write_folder(folder: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """Write the base export folder; ``files`` replaces a file's content (None omits it)."""
    contents: dict[str, str | bytes | None] = {
        "notifications.csv": NOTIFICATIONS_CSV,
        "reviews.csv": REVIEWS_CSV,
        "births.csv": BIRTHS_CSV,
        "population.csv": POPULATION_CSV,
        **(files or {}),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        if content is None:
            continue
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return folder


def frames() -> dict[str, pd.DataFrame]:
    """The base tables as DataFrames of text (as a user would build them)."""
    from io import StringIO

    return {
        name: pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
        for name, text in (
            ("notifications", NOTIFICATIONS_CSV),
            ("reviews", REVIEWS_CSV),
            ("births", BIRTHS_CSV),
            ("population", POPULATION_CSV),
        )
    }


@pytest.fixture
def base_folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "export")
