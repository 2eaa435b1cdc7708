"""The notebook view of a dataset: what it holds, the years covered, what the chapter lacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cdop import _display, schema

if TYPE_CHECKING:
    from cdop.dataset import Dataset

__all__ = ["dataset_html", "dataset_summary", "missing_sections"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_TABLES = ("notifications", "reviews", "births", "population", "factors")
_MAX_AREAS_LISTED = 6


def _financial_span(dates: pd.Series) -> str:
    known = pd.to_datetime(dates, errors="coerce").dropna()
    if known.empty:
        return ""
    starts = [int(t.year) if t.month >= 4 else int(t.year) - 1 for t in (known.min(), known.max())]
    return _span(*starts, financial=True)


def _span(first: int, last: int, *, financial: bool) -> str:
    def label(year: int) -> str:
        return f"{year}/{(year + 1) % 100:02d}" if financial else str(year)

    count = last - first + 1
    if count == 1:
        return label(first)
    return f"{label(first)} to {label(last)} ({count} years)"


def _calendar_span(years: pd.Series) -> str:
    known = pd.to_numeric(years, errors="coerce").dropna()
    if known.empty:
        return ""
    return _span(int(known.min()), int(known.max()), financial=False)


def dataset_summary(ds: Dataset) -> pd.DataFrame:
    """One row per table: ``table``, ``records``, ``years``, ``dated_by``, ``file``."""
    rows = []
    for name in _TABLES:
        frame: pd.DataFrame | None = getattr(ds, name)
        if frame is None:
            rows.append((name, 0, "", "", "not supplied"))
            continue
        if name == "notifications":
            years, by = _financial_span(frame[_N.date_of_death]), "date of death"
        elif name == "reviews":
            years, by = _financial_span(frame[_R.date_review_completed]), "review completed"
        elif name in ("births", "population"):
            years, by = _calendar_span(frame[schema.BIRTHS.year]), "calendar year"
        else:
            years, by = "", ""
        rows.append((name, len(frame), years, by, ds.files.get(name, "")))
    return pd.DataFrame(rows, columns=["table", "records", "years", "dated_by", "file"]).astype(
        {"records": "int64"}
    )


def missing_sections(ds: Dataset) -> list[tuple[str, str]]:
    """(section title, what data would add it) for each section the dataset cannot give."""
    from cdop.errors import CdopArgumentError
    from cdop.report._build import latest_complete_year
    from cdop.report._tables import Disclosure
    from cdop.report.sections import SECTIONS, Context
    from cdop.report.sections._needs import resolve

    try:
        ctx = Context(ds=ds, year=latest_complete_year(ds), disclosure=Disclosure())
    except CdopArgumentError:  # no dates: no chapter to speak of
        return []
    out = []
    for spec in SECTIONS:
        # what the data lack (not the panel's own files, which the settings name)
        missing = ctx.unmet(*(n for n in map(resolve, spec.needs) if not n.settings))
        if missing:
            out.append((spec.title, "needs " + "; and ".join(missing.values())))
    return out


def dataset_html(ds: Dataset) -> str:
    """Counts per table, years covered, rejected records, and what is missing for which section."""
    summary = dataset_summary(ds)
    held = summary[summary["file"] != "not supplied"]
    detail = ", ".join(f"{n:,} {t}" for t, n in zip(held["table"], held["records"], strict=True))
    parts = [_display.heading("cdop.Dataset", detail)]
    rows = [
        (t, f"{n:,}" if f != "not supplied" else "–", y or "–", b or "–", f or "–")
        for t, n, y, b, f in summary.itertuples(index=False)
    ]
    parts.append(
        _display.html_table(
            ("Table", "Records", "Years covered", "Dated by", "File"),
            rows,
            align=("left", "right", "left", "left", "left"),
        )
    )
    if _N.residence_area in ds.notifications.columns:
        areas = sorted(str(a) for a in ds.notifications[_N.residence_area].dropna().unique())
        if areas:
            listed = ", ".join(areas[:_MAX_AREAS_LISTED])
            more = f" and {len(areas) - _MAX_AREAS_LISTED} more" if len(areas) > 6 else ""
            parts.append(_display.paragraph(f"Areas of residence ({len(areas)}): {listed}{more}."))
    rejected = ds.rejected
    if len(rejected):
        by_table = rejected.groupby("table", sort=False).size()
        counts = ", ".join(f"{n:,} {t}" for t, n in by_table.items())
        parts.append(
            _display.paragraph(
                f"Rejected records ({len(rejected):,}): {counts}. See <code>ds.rejected</code> "
                "for each record, the rules it broke and how to correct it.",
                raw=True,
            )
        )
    missing = missing_sections(ds)
    if missing:
        parts.append(
            _display.html_table(
                ("Section left out of the chapter", "What would add it"),
                missing,
                align=("left", "left"),
            )
        )
    else:
        parts.append(_display.paragraph("Every section of the chapter can be built.", note=True))
    return _display.block(*parts, kind="dataset")
