"""Property tests: corrupted input never escapes the library's errors and never loses a record."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pandas as pd
from conftest import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cdop
from cdop.errors import CdopError

_SAMPLE = cdop.sample.generate_sample()
_N = _SAMPLE["notifications"].head(12).astype(str)
_R = _SAMPLE["reviews"][_SAMPLE["reviews"]["case_id"].isin(_N["case_id"])].astype(str)

_WEIRD = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "NA",
            "31/02/2020",
            "2031-01-01",
            "45000",
            "-1",
            "6575",
            "3.5",
            "1e3",
            "Category 11",
            "banana",
            "None",
            "0",
            "E01",
            "\u00e9",
            "2020-13-01",
            "1900-01-01",
            "  male  ",
            "x,y",
            '"',
            "\n",
        ]
    ),
    st.text(max_size=12),
    st.integers(-(10**6), 10**6).map(str),
)


@st.composite
def corrupted(draw: st.DrawFn, base: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    frame = base.copy()
    rows = draw(st.lists(st.integers(0, len(frame) - 1), max_size=len(frame)))
    for row in rows:
        columns = draw(
            st.lists(st.sampled_from(list(frame.columns)), min_size=1, max_size=3, unique=True)
        )
        for column in columns:
            frame.loc[frame.index[row], column] = draw(_WEIRD)
    duplicates = draw(st.integers(0, 2))
    if duplicates:
        frame = pd.concat([frame, frame.head(duplicates)], ignore_index=True)
    records = len(frame)
    blanks = draw(st.integers(0, 2))
    if blanks:
        empty = pd.DataFrame([[""] * frame.shape[1]] * blanks, columns=frame.columns)
        at = draw(st.integers(0, len(frame)))
        frame = pd.concat([frame.iloc[:at], empty, frame.iloc[at:]], ignore_index=True)
    return frame, records


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notifications=corrupted(_N), reviews=corrupted(_R), as_csv=st.booleans())
def test_corrupted_rows_are_accounted_for(
    notifications: tuple[pd.DataFrame, int], reviews: tuple[pd.DataFrame, int], as_csv: bool
) -> None:
    (n_frame, n_rows), (r_frame, r_rows) = notifications, reviews
    n_rows, r_rows = len(n_frame), len(r_frame)  # blank rows included
    with tempfile.TemporaryDirectory() as tmp:
        source: Path | dict[str, pd.DataFrame]
        if as_csv:
            source = Path(tmp)
            n_frame.to_csv(source / "notifications.csv", index=False)
            r_frame.to_csv(source / "reviews.csv", index=False)
        else:
            source = {"notifications": n_frame, "reviews": r_frame}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", cdop.DataQualityWarning)
                ds = cdop.read_dataset(source, strict=False, today=TODAY)
        except CdopError:
            return  # refused (identifier-like value) or a table unreadable: a library error
    # Every row is accepted, rejected with its reasons, or reported as blank.
    rejected = ds.rejected["table"].value_counts()
    warnings_ = ds.report.warnings
    blank = warnings_[warnings_["rule"] == "blank_row"]["table"].value_counts()
    for table, rows in (("notifications", n_rows), ("reviews", r_rows)):
        accepted = len(getattr(ds, table))
        assert ds.report.rows_read[table] == rows - blank.get(table, 0)
        assert accepted + rejected.get(table, 0) + blank.get(table, 0) == rows
    # Accepted records obey the contract.
    n = ds.notifications
    assert n["case_id"].is_unique and (n["date_notified"] >= n["date_of_death"]).all()
    assert n["age_at_death_days"].between(0, 6574).all()
    assert set(ds.reviews["case_id"]) <= set(n["case_id"])
