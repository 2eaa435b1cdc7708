"""factor_reviews, sudi_circumstances and neonatal_bands against counts made by hand.

The expected values are counted here with plain pandas from the sample's records (the
reviews completed in the financial year 2023/24, April 2023 to March 2024), independently
of the analytics' grids; the percentages and Wilson limits are checked against
``cdop.stats.proportion`` of those hand counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cdop
from cdop import analytics as an
from cdop import stats

YEAR = 2023  # financial year 2023/24
START, END = pd.Timestamp("2023-04-01"), pd.Timestamp("2024-03-31")


@pytest.fixture(scope="module")
def ds() -> cdop.Dataset:
    return cdop.load_sample()


def _reviewed_in_year(ds: cdop.Dataset) -> pd.DataFrame:
    r = ds.reviewed
    done = pd.to_datetime(r["date_review_completed"])
    return r[(done >= START) & (done <= END)]


def _check_wilson(out: pd.DataFrame) -> None:
    ref = stats.proportion(
        out[["numerator", "denominator"]].astype("float64"),
        "numerator",
        "denominator",
        multiplier=100,
    )
    for col in ("value", "lower_ci", "upper_ci"):
        np.testing.assert_allclose(out[col], ref[col], rtol=1e-12)
    assert (out["statistic"] == "percentage").all() and (out["confidence"] == "95%").all()


def test_factor_reviews_by_domain_counted_by_hand(ds: cdop.Dataset) -> None:
    year = _reviewed_in_year(ds)
    cases = set(year["case_id"].astype(str))
    f = ds.factors.astype({"case_id": str})
    f = f[f["case_id"].isin(cases)]
    out = an.factor_reviews(ds, "domain", years=YEAR)
    assert out["year"].tolist() == [YEAR] * 4
    assert out["period"].astype(str).tolist() == ["2023/24"] * 4
    for row in out.itertuples():
        part = f[f["domain"].astype(str) == row.domain]
        assert row.recorded == part["case_id"].nunique(), row.domain
        modifiable = part.loc[part["modifiable"].astype(str) == "yes", "case_id"].nunique()
        assert row.numerator == modifiable, row.domain
        assert row.denominator == len(year)
    assert out["recorded"].sum() > 0
    _check_wilson(out)


def _sudi_by_hand(ds: cdop.Dataset, field: str) -> pd.Series:
    year = _reviewed_in_year(ds)
    infant = year["age_group"].astype(str).isin(["0-27 days", "28-364 days"])
    unexpected = year["expected_death"].astype(str) == "unexpected"
    return year.loc[infant & unexpected, field].astype(object)


def test_sudi_circumstances_counted_by_hand(ds: cdop.Dataset) -> None:
    answers = _sudi_by_hand(ds, "sleep_place")
    out = an.sudi_circumstances(ds, "sleep_place", years=YEAR)
    assert (out["denominator"] == len(answers)).all() and len(answers) > 0
    for row in out.itertuples():
        if isinstance(row.sleep_place, str):
            expected = int((answers == row.sleep_place).sum())
        else:  # the missing level: no answer on the form
            expected = int(answers.isna().sum())
        assert row.numerator == expected, row.sleep_place
    _check_wilson(out)


def test_neonatal_bands_counted_by_hand(ds: cdop.Dataset) -> None:
    year = _reviewed_in_year(ds)
    neonatal = year[year["age_group"].astype(str) == "0-27 days"]
    grams = pd.to_numeric(neonatal["birthweight_grams"], errors="coerce")
    out = an.neonatal_bands(ds, "birthweight", years=YEAR).set_index("birthweight_band")
    # Bands written out here: under 1,000 g; 1,000-1,499 g; 1,500-2,499 g; 2,500 g or more.
    expected = {
        "Under 1,000 g": int((grams < 1000).sum()),
        "1,000-1,499 g": int(((grams >= 1000) & (grams < 1500)).sum()),
        "1,500-2,499 g": int(((grams >= 1500) & (grams < 2500)).sum()),
        "2,500 g or more": int((grams >= 2500).sum()),
    }
    for band, n in expected.items():
        assert out.loc[band, "numerator"] == n, band
    assert int(out["numerator"].sum()) == len(neonatal) == int(out["denominator"].iloc[0])
    assert int(out.loc[out.index.isna(), "numerator"].sum()) == int(grams.isna().sum())
