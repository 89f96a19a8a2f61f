from __future__ import annotations

import pandas as pd
import pytest

from indicators.aggregation import Rule, derive

OBS = pd.DataFrame(
    [
        ("rd", "a", "2023", 10.0),
        ("rd", "b", "2023", 30.0),
        ("gdp", "a", "2023", 1000.0),
        ("gdp", "b", "2023", 500.0),
        ("rd", "a", "2024", 12.0),
        ("gdp", "a", "2024", 1100.0),
        ("income", "a", "2023", 30.0),
        ("income", "b", "2023", 20.0),
        ("pop", "a", "2023", 100.0),
        ("pop", "b", "2023", 300.0),
    ],
    columns=["indicator_id", "region_code", "period", "value"],
)


def test_agg001_ratio_of_sums_never_a_mean_of_ratios() -> None:
    result = derive(Rule("ratio", ("rd", "gdp")), "rd_intensity", ["a", "b"], OBS)
    row = result.set_index("period").loc["2023"]
    assert row.value == pytest.approx(40 / 1500 * 100)  # 2.667 %, not (1 % + 6 %) / 2
    assert row.coverage == 1.0 and row.reported == 2


def test_agg002_too_low_coverage_gives_no_figure_but_says_how_many_reported() -> None:
    result = derive(Rule("sum"), "gdp", ["a", "b"], OBS).set_index("period")
    assert result.loc["2023", "value"] == 1500.0
    assert pd.isna(result.loc["2024", "value"])
    assert (result.loc["2024", "reported"], result.loc["2024", "expected"]) == (1, 2)


def test_agg003_a_lower_coverage_threshold_can_be_asked_for() -> None:
    result = derive(Rule("sum"), "gdp", ["a", "b"], OBS, min_coverage=0.5).set_index("period")
    assert result.loc["2024", "value"] == 1100.0


def test_agg004_weighted_mean() -> None:
    result = derive(Rule("weighted_mean", weight="pop"), "income", ["a", "b"], OBS)
    assert result.value.iloc[0] == pytest.approx((30 * 100 + 20 * 300) / 400)


def test_agg005_not_combinable_derives_nothing() -> None:
    assert derive(Rule("not_combinable"), "gdp", ["a", "b"], OBS).empty
