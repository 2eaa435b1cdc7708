"""A small hand-built panel whose every figure is worked out by hand in the tests.

Cases (financial years run April-March; durations are complete months from notification):

====  ==========  ==========  ====  ==========  ==========  ===========  ===  ========  ======
case  death       notified    age   sex         ethnicity   review       cat  modif.    months
====  ==========  ==========  ====  ==========  ==========  ===========  ===  ========  ======
A01   2022-01-30  2022-01-31     1  male        white       2022-02-28     8  no        0
A02   2022-01-31  2022-01-31     2  female      asian       2022-03-01     8  no        1
A03   2022-04-10  2022-04-15   200  male        white       2023-04-15    10  yes       12
A04   2022-04-10  2022-04-15   400  not_stated  not_stated  2023-05-15     3  yes       13
A05   2022-04-29  2022-04-30    30  female      black       2022-05-31     9  no        1
A06   2022-09-30  2022-10-01  3000  male        mixed       2023-03-31     4  insuff.   5
A07   2022-09-30  2022-10-01  6000  male        white       2023-04-01     2  yes       6
A08   2023-03-30  2023-03-31    10  female      white       2023-04-30     7  no        0
A09   2023-03-31  2023-03-31     5  male        white       (open)
A10   2023-04-01  2023-04-01   100  female      other       (open)
A11   2024-01-31  2024-01-31    50  male        white       2024-02-29     8  no        0
A12   2024-02-29  2024-03-01     0  male        white       2025-02-28     7  no        11
A13   2024-02-29  2024-02-29  1000  female      white       2025-03-01     1  yes       12
====  ==========  ==========  ====  ==========  ==========  ===========  ===  ========  ======

Cases A01-A07 live in "North", A08-A13 in "South".
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd

import cdop
from cdop import schema

TODAY = dt.date(2026, 1, 1)

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS

CASES = [
    # case, death, notified, age, sex, ethnicity, area, review, category, modifiable
    ("A01", "2022-01-30", "2022-01-31", 1, "male", "white", "North", "2022-02-28", 8, "no"),
    ("A02", "2022-01-31", "2022-01-31", 2, "female", "asian", "North", "2022-03-01", 8, "no"),
    ("A03", "2022-04-10", "2022-04-15", 200, "male", "white", "North", "2023-04-15", 10, "yes"),
    (
        "A04",
        "2022-04-10",
        "2022-04-15",
        400,
        "not_stated",
        "not_stated",
        "North",
        "2023-05-15",
        3,
        "yes",
    ),
    ("A05", "2022-04-29", "2022-04-30", 30, "female", "black", "North", "2022-05-31", 9, "no"),
    (
        "A06",
        "2022-09-30",
        "2022-10-01",
        3000,
        "male",
        "mixed",
        "North",
        "2023-03-31",
        4,
        "insufficient_information",
    ),
    ("A07", "2022-09-30", "2022-10-01", 6000, "male", "white", "North", "2023-04-01", 2, "yes"),
    ("A08", "2023-03-30", "2023-03-31", 10, "female", "white", "South", "2023-04-30", 7, "no"),
    ("A09", "2023-03-31", "2023-03-31", 5, "male", "white", "South", None, None, None),
    ("A10", "2023-04-01", "2023-04-01", 100, "female", "other", "South", None, None, None),
    ("A11", "2024-01-31", "2024-01-31", 50, "male", "white", "South", "2024-02-29", 8, "no"),
    ("A12", "2024-02-29", "2024-03-01", 0, "male", "white", "South", "2025-02-28", 7, "no"),
    ("A13", "2024-02-29", "2024-02-29", 1000, "female", "white", "South", "2025-03-01", 1, "yes"),
]


def tables(cases: list[tuple[object, ...]] = CASES) -> dict[str, pd.DataFrame]:
    notifications = pd.DataFrame(
        {
            _N.case_id: [c[0] for c in cases],
            _N.date_of_death: [c[1] for c in cases],
            _N.date_notified: [c[2] for c in cases],
            _N.age_at_death_days: [str(c[3]) for c in cases],
            _N.sex: [c[4] for c in cases],
            _N.ethnicity: [c[5] for c in cases],
            _N.residence_area: [c[6] for c in cases],
        }
    )
    done = [c for c in cases if c[7] is not None]
    reviews = pd.DataFrame(
        {
            _R.case_id: [c[0] for c in done],
            _R.date_review_completed: [c[7] for c in done],
            _R.category: [str(c[8]) for c in done],
            _R.modifiable_factors: [c[9] for c in done],
        }
    )
    return {"notifications": notifications, "reviews": reviews}


def build(cases: list[tuple[object, ...]] = CASES, **extra: pd.DataFrame) -> cdop.Dataset:
    return cdop.read_dataset({**tables(cases), **extra}, today=TODAY)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A typed table back to text, as an export would hold it (missing -> empty)."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[col] = s.dt.strftime("%Y-%m-%d").fillna("")
        else:
            out[col] = s.astype("str").where(s.notna(), "")
    # Columns with no value at all are left out (as an export without them).
    return out[[c for c in out.columns if (out[c] != "").any()]]


def area_dataset(ds: cdop.Dataset, area: str) -> cdop.Dataset:
    """The dataset of one residence area alone, read afresh from its own records."""
    notes = ds.notifications
    keep = notes[_N.residence_area] == area
    ids = set(notes.loc[keep, _N.case_id])
    reviews = ds.reviews
    frames = {
        "notifications": _as_text(notes[keep].drop(columns=[schema.DERIVED.age_group])),
        "reviews": _as_text(
            reviews[reviews[_R.case_id].isin(ids)].drop(columns=[schema.DERIVED.category_label])
        ),
    }
    for name, table in (("births", ds.births), ("population", ds.population)):
        if table is not None:
            frames[name] = _as_text(table[table[schema.BIRTHS.residence_area] == area])
    return cdop.read_dataset(frames, today=TODAY)


@functools.cache
def small_dataset() -> cdop.Dataset:
    """The hand-built panel (read once)."""
    return build()


@functools.cache
def sample_dataset() -> cdop.Dataset:
    """The bundled sample (read once)."""
    return cdop.load_sample()
