"""地区's pure parts (issue 18 item 7): a region's latest figures, the wider targets
it lies under, and two regions aligned one indicator to a row."""

from __future__ import annotations

import pandas as pd

from indicators.comparison import aligned_by_indicator, covering_targets, latest_figures
from tests.helpers import small_directory

INDICATORS = pd.DataFrame(
    {
        "id": ["gdp", "urbanization_rate", "brand_stores", "rail_km"],
        "pillar": ["overall", "spatial", "consumption", "infrastructure"],
        "headline": [True, True, False, False],
    }
)


def _figures(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator_id", "region_code", "period", "value"]).assign(
        layer="sample"
    )


def _snapshots(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["indicator_id", "scope_code", "target_id", "target_year"]
    ).assign(as_of=2025)


def test_cmp001_the_latest_figure_is_the_latest_year_before_a_later_quarter() -> None:
    figures = _figures(
        [
            ("gdp", "510100", "2024", 22000.0),
            ("gdp", "510100", "2025", 24800.0),
            ("gdp", "510100", "2026Q1", 6000.0),  # a quarter is not a year's figure
            ("rail_km", "510100", "2025Q2", 120.0),  # only quarters: the latest of them
            ("rail_km", "510100", "2025Q1", 118.0),
        ]
    )
    latest = latest_figures(figures).set_index("indicator_id")
    assert (latest.loc["gdp", "period"], latest.loc["gdp", "value"]) == ("2025", 24800.0)
    assert latest.loc["gdp", "annual"] and not latest.loc["rail_km", "annual"]
    assert latest.loc["rail_km", "period"] == "2025Q2"
    assert latest_figures(figures.iloc[0:0]).empty


def test_cmp002_two_regions_one_indicator_to_a_row() -> None:
    """成都 with 2 targets beside a grouping with more: the same indicator on one row,
    each region's figure in its column, None where it has none."""
    figures = _figures(
        [
            ("gdp", "510100", "2025", 24800.0),
            ("gdp", "wandakai", "2024", 4300.0),
            ("urbanization_rate", "510100", "2023", 80.5),
            ("brand_stores", "510100", "2025", 201.0),
            ("gdp", "511000", "2025", 1.0),  # a third region: not compared
        ]
    )
    snapshots = _snapshots(
        [
            ("brand_stores", "510100", "consumption-001", 2025),
            ("rail_km", "wandakai", "wdk-007", 2027),
            ("rail_km", "wandakai", "wdk-003", 2025),  # due sooner: the one shown
            ("gdp", "ccec", "outline-001", 2025),  # neither region's own target
        ]
    )
    rows = aligned_by_indicator(INDICATORS, figures, snapshots, ["510100", "wandakai"])
    assert rows.indicator_id.to_list() == ["gdp", "urbanization_rate", "rail_km", "brand_stores"]
    assert rows.indicator_id.is_unique  # one row per indicator
    gdp = rows.set_index("indicator_id").loc["gdp"]
    assert (gdp["value@510100"], gdp["period@510100"]) == (24800.0, "2025")
    assert (gdp["value@wandakai"], gdp["period@wandakai"]) == (4300.0, "2024")
    assert gdp["target@510100"] is None and gdp["target@wandakai"] is None
    rail = rows.set_index("indicator_id").loc["rail_km"]
    assert rail["value@510100"] is None and rail["value@wandakai"] is None
    assert rail["target@wandakai"] == "wdk-003"
    urban = rows.set_index("indicator_id").loc["urbanization_rate"]
    assert urban["value@wandakai"] is None and urban["period@wandakai"] is None
    assert rows.set_index("indicator_id").loc["brand_stores", "target@510100"] == "consumption-001"


def test_cmp003_the_wider_targets_a_unit_lies_under_narrowest_first() -> None:
    directory = small_directory()
    snapshots = _snapshots(
        [
            ("gdp", "ccec", "outline-001", 2025),
            ("gdp", "wandakai", "wdk-001", 2025),
            ("gdp", "500101", "wz-001", 2025),  # 万州's own target: not a wider one
            ("gdp", "510100", "cd-001", 2025),  # another unit's
            ("rail_km", "500000", "cq-001", 2025),  # its province
        ]
    )
    covering = covering_targets(snapshots, directory, "500101")
    # 万达开 (2 units) before 重庆市 (itself and 2 units) before the circle
    assert covering.target_id.to_list() == ["wdk-001", "cq-001", "outline-001"]
    assert covering.covering_width.is_monotonic_increasing
    assert covering_targets(snapshots, directory, "ccec").empty  # nothing wider than the circle
    assert covering_targets(snapshots, directory, "nowhere").empty
