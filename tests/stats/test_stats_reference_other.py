"""SII/RII and quantiles against PHEindicatormethods.

SII (``testdata_SII__testdata_SII.csv``): each block is two areas x 5 or 10 quantiles, grouped by
``Area, Grouping1, Grouping2``; expected values sit on the first row of each area. The multiplier
and confidence come from the block description (the ``Confidence`` column is not always accurate).
``sii``, ``rii`` and ``Intercept`` are deterministic (checked to 1e-9 relative); the limits come
from a simulation and are checked within 2% (seed 1, 100,000 repetitions). The reference limits
carry Monte Carlo error of their own: in the 99% block (rows 21-40) area1's SII lower limit is
1.924, while for a normal indicator the SII is exactly normal and its exact 99% lower limit is
``sii - 2.5758 x se = 1.882`` (2.3% away). Our simulated value for it is checked against that
exact quantile too. The "test on quintiles" block has only SII and RII.
The R test of rows 286-305 passes ``value_type = 1`` for a proportion block; we use the block's own
type (proportion), which gives the same SII, RII and intercept.

Quantiles (``testdata_Quantiles__testdata_Quantiles.csv``): rows whose ``Test`` starts with
"Good"; ``Polarity`` "RAG - Low is good"/"True" means ``invert=True``; the expected quantile is
``QuantileInGrp`` within the grouping named by ``GroupSet``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from stats_helpers import max_rel_error, read_reference

from cdop import stats
from cdop.errors import SmallNumberWarning

GROUPS = ["Area", "Grouping1", "Grouping2"]
CLS = {"lower_cl": "LowerCL", "upper_cl": "UpperCL"}
SE = {"se": "StandardError"}

BLOCKS = [
    # first row (1-based), rows, arguments, confidence levels
    (1, 20, {"value": "Value", **SE}, 0.95),
    (1, 20, {"value": "Value", **CLS}, 0.95),
    (21, 20, {"value": "Value", **CLS}, 0.99),
    (21, 20, {"value": "Value", **SE}, 99),
    (41, 20, {"value": "Value", **SE}, 0.95),
    (61, 10, {"value": "Value", **SE}, 0.95),
    (71, 20, {"value": "Value", "value_type": "rate", **SE}, 0.95),
    (71, 20, {"value": "Value", "value_type": "rate", **CLS}, 0.95),
    (91, 20, {"value": "Value", "value_type": "proportion", **SE}, 0.95),
    (91, 20, {"value": "Value", "value_type": "proportion", **CLS}, 0.95),
    (91, 20, {"x": "Count", "value_type": "proportion", **CLS}, 0.95),
    (111, 20, {"value": "Value", "value_type": "proportion", "multiplier": 100, **CLS}, 0.95),
    (131, 20, {"value": "Value", "value_type": "proportion", "multiplier": -100, **CLS}, 0.95),
    (226, 20, {"value": "Value", **SE}, (95, 99)),
    (246, 20, {"value": "Value", **CLS}, 0.95),
    (266, 20, {"value": "Value", "value_type": "rate", **CLS}, 0.95),
    (286, 20, {"value": "Value", "value_type": "proportion", **CLS}, 0.95),
    (306, 20, {"value": "Value", "value_type": "rate", "transform": True, **CLS}, 0.95),
    (326, 20, {"value": "Value", "value_type": "proportion", "transform": True, **CLS}, 0.95),
    (
        346,
        20,
        {"value": "Value", "value_type": "proportion", "transform": True, "multiplier": -1, **CLS},
        0.95,
    ),
    (366, 20, {"value": "Value", "value_type": "rate", "transform": True, **CLS}, (95, 98)),
    (
        386,
        20,
        {"value": "Value", "value_type": "rate", "transform": True, "multiplier": -1, **CLS},
        0.95,
    ),
    (406, 20, {"value": "Value", "value_type": "rate", "transform": True, **CLS}, 98),
    (426, 20, {"value": "Value", "value_type": "rate", "transform": True, **CLS}, 0.95),
    (446, 20, {"value": "Value", "value_type": "proportion", "transform": True, **CLS}, 0.95),
    (466, 20, {"value": "Value", "value_type": "proportion", "transform": True, **CLS}, 98),
    (486, 20, {"value": "Value", "value_type": "proportion", "transform": True, **CLS}, (95, 98)),
]


@pytest.fixture(scope="module")
def sii_ref() -> pd.DataFrame:
    return read_reference("testdata_SII__testdata_SII.csv")


@pytest.mark.parametrize(
    ("first", "rows", "kwargs", "confidence"),
    BLOCKS,
    ids=[f"rows{b[0]}-{i}" for i, b in enumerate(BLOCKS)],
)
def test_sii_rii(
    sii_ref: pd.DataFrame,
    first: int,
    rows: int,
    kwargs: dict[str, object],
    confidence: float | tuple[float, float],
) -> None:
    block = sii_ref.iloc[first - 1 : first - 1 + rows]
    expected = block[block["sii"].notna()].reset_index(drop=True)
    args = {"group_by": GROUPS, "confidence": confidence, "seed": 1, **kwargs}
    s = stats.sii(block, "Quantile", "Population", **args)  # type: ignore[arg-type]
    r = stats.rii(block, "Quantile", "Population", **args)  # type: ignore[arg-type]
    assert s[GROUPS].equals(expected[GROUPS])
    assert max_rel_error(s["value"], expected["sii"]) <= 1e-9
    if expected["rii"].notna().any():
        assert max_rel_error(r["value"], expected["rii"]) <= 1e-9
    if expected["Intercept"].notna().any():
        assert max_rel_error(s["intercept"], expected["Intercept"]) <= 1e-9
    levels = [confidence] if not isinstance(confidence, tuple) else list(confidence)
    for k, level in enumerate(levels, start=1):
        suffix = "" if len(levels) == 1 else "_" + str(level)
        for stat, out in (("sii", s), ("rii", r)):
            for side in ("lower", "upper"):
                ref_col = f"{stat}_{side}cl_{k}"
                if expected[ref_col].isna().all():
                    continue
                got = out[f"{side}_ci{suffix}"]
                if first == 21 and stat == "sii" and side == "lower":
                    exact = s["value"] - 2.5758293035489 * s["se"]
                    assert max_rel_error(got, exact) <= 0.02
                assert max_rel_error(got, expected[ref_col]) <= 0.02, (stat, side, level)


def _simulated(block: pd.DataFrame, seed: int | np.random.Generator) -> pd.DataFrame:
    """The SII of the block with its limits from 1,000 simulations."""
    return stats.sii(
        block,
        "Quantile",
        "Population",
        value="Value",
        se="StandardError",
        group_by=GROUPS,
        seed=seed,
        repetitions=1000,
    )


def test_sii_seed_reproducible(sii_ref: pd.DataFrame) -> None:
    block = sii_ref.iloc[0:20]
    a = _simulated(block, 5)
    b = _simulated(block, 5)
    pd.testing.assert_frame_equal(a, b)
    c = _simulated(block, 6)
    assert not np.allclose(a["lower_ci"], c["lower_ci"])


def test_sii_kept_draws_give_the_same_limits(
    sii_ref: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fixed seed's draws are kept for the next simulation of the same shape (a report's
    gradient, area after area): the limits are those of drawing them afresh, to the bit,
    and another seed or a generator draws its own."""
    from cdop.stats import _inequality

    block = sii_ref.iloc[0:20]

    def run(seed: int | np.random.Generator) -> pd.DataFrame:
        return _simulated(block, seed)

    _inequality._DRAWS.clear()
    first = run(5)
    assert len(_inequality._DRAWS) == 1
    kept = run(5)
    other = run(6)
    generator = run(np.random.default_rng(5))

    class Nothing(dict):  # type: ignore[type-arg]
        def get(self, key: object, default: object = None) -> None:
            return None

        def __setitem__(self, key: object, value: object) -> None:
            return None

    monkeypatch.setattr(_inequality, "_DRAWS", Nothing())
    fresh = run(5)
    pd.testing.assert_frame_equal(first, fresh, check_exact=True)
    pd.testing.assert_frame_equal(kept, fresh, check_exact=True)
    pd.testing.assert_frame_equal(generator, fresh, check_exact=True)
    pd.testing.assert_frame_equal(other, run(6), check_exact=True)
    assert not np.allclose(other["lower_ci"], fresh["lower_ci"])


def test_sii_large_number_of_quantiles_warns(sii_ref: pd.DataFrame) -> None:
    block = sii_ref[sii_ref["TestDescription"].str.startswith("warning handling - large")]
    block = block.dropna(subset=["Value", "StandardError"])
    with pytest.warns(SmallNumberWarning, match="quantiles"):
        stats.sii(
            block,
            "Quantile",
            "Population",
            value="Value",
            se="StandardError",
            group_by=GROUPS,
            repetitions=1000,
            seed=1,
        )


@pytest.fixture(scope="module")
def quantile_ref() -> pd.DataFrame:
    data = read_reference(
        "testdata_Quantiles__testdata_Quantiles.csv", keep_default_na=False, na_values=[""]
    )
    data = data[data["Test"].str.startswith("Good")].copy()
    data["invert"] = data["Polarity"].map(
        {"RAG - Low is good": True, "RAG - High is good": False, "True": True, "False": False}
    )
    return data


def _check_quantiles(out: pd.DataFrame, expected: pd.Series) -> None:
    got = out["quantile"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    exp = expected.to_numpy(dtype=float)
    assert np.array_equal(got, exp, equal_nan=True)


def test_quantiles_grouped_field(quantile_ref: pd.DataFrame) -> None:
    data = quantile_ref[quantile_ref["GroupSet"] == "IndSexReg"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallNumberWarning)
        out = stats.quantile(data, "Value", invert="invert", group_by=["IndSexRef", "ParentCode"])
    _check_quantiles(out, data["QuantileInGrp"])


def test_quantiles_grouped_logical(quantile_ref: pd.DataFrame) -> None:
    data = quantile_ref[
        (quantile_ref["IndSexRef"] == "90366Female") & (quantile_ref["GroupSet"] == "IndSexReg")
    ]
    with pytest.warns(SmallNumberWarning, match="fewer than 10 values"):
        out = stats.quantile(data, "Value", invert=False, group_by=["IndSexRef", "ParentCode"])
    _check_quantiles(out, data["QuantileInGrp"])


def test_quantiles_septiles(quantile_ref: pd.DataFrame) -> None:
    data = quantile_ref[quantile_ref["GroupSet"] == "IndSex"]
    out = stats.quantile(data, "Value", invert="invert", nquantiles=7, group_by="IndSexRef")
    _check_quantiles(out, data["QuantileInGrp"])


@pytest.mark.parametrize("group_by", [None, "GroupSet"])
def test_quantiles_quartiles_ungrouped(quantile_ref: pd.DataFrame, group_by: str | None) -> None:
    data = quantile_ref[quantile_ref["GroupSet"] == "None"]
    out = stats.quantile(data, "Value", nquantiles=4, group_by=group_by)
    _check_quantiles(out, data["QuantileInGrp"])
    assert out["quantile"].dtype == "Int64"


def test_quantiles_invert_must_be_constant() -> None:
    data = read_reference("testdata_Quantiles__testdata_Quantiles.csv")
    bad = data[data["Test"] == "BadPolarity"].copy()
    bad["invert"] = bad["Polarity"].astype(str)
    with pytest.raises(ValueError, match="must be the same within each group"):
        stats.quantile(bad, "Value", invert="invert", group_by="IndSexRef")
