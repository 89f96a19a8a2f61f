"""Rankings hold one level, one year and one data layer (issue 18)."""

from __future__ import annotations

import pandas as pd

from indicators.ranking import latest_annual, like_units, rank_like_units
from tests.helpers import small_directory


def _observations(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region_code", "period", "value", "layer"])


def test_rnk001_like_units_are_chongqings_districts_and_sichuans_cities() -> None:
    units = like_units(small_directory())
    assert units == {"500101", "500154", "510100", "511000", "511100"}
    assert "510000" not in units and "500000" not in units  # never a province
    assert "511002" not in units  # a district of a Sichuan city is a level below
    assert "ccec" not in units and "wandakai" not in units


def test_rnk002_a_ranking_holds_one_level_one_year_and_one_layer() -> None:
    """The issue's case: 四川省 above 成都市 and a district, 成都 2025 reported beside
    others' 2024 published figures."""
    frame = _observations(
        [
            ("510000", "2024", 67000.0, "published"),  # a province: never ranked
            ("511002", "2024", 300.0, "published"),  # a district of a city: another level
            ("510100", "2024", 24000.0, "published"),
            ("511000", "2024", 1700.0, "published"),
            ("500101", "2024", 1100.0, "published"),
            ("510100", "2025", 25000.0, "reported"),  # another year and layer
            ("511100", "2025", 2300.0, "sample"),  # only another year: left out
            ("500154", "2024", 650.0, "sample"),  # the year, but another layer: left out
            ("510100", "2024Q4", 26000.0, "published"),  # not annual
        ]
    )
    ranking = rank_like_units(frame, like_units(small_directory()))
    assert (ranking.year, ranking.layer) == (2024, "published")
    assert list(ranking.rows.region_code) == ["510100", "511000", "500101"]  # highest first
    assert set(ranking.rows.period) == {"2024"} and set(ranking.rows.layer) == {"published"}
    assert ranking.left_out == 2


def test_rnk003_on_a_tie_the_later_year_then_the_better_layer() -> None:
    frame = _observations(
        [
            ("510100", "2023", 1.0, "published"),
            ("511000", "2023", 2.0, "published"),
            ("510100", "2024", 1.5, "sample"),
            ("511000", "2024", 2.5, "sample"),
            ("510100", "2024", 1.6, "reported"),
            ("511000", "2024", 2.6, "reported"),
        ]
    )
    ranking = rank_like_units(frame, like_units(small_directory()))
    assert (ranking.year, ranking.layer) == (2024, "reported")
    empty = rank_like_units(frame.iloc[0:0], {"510100"})
    assert empty.rows.empty and empty.year is None and empty.left_out == 0


def test_rnk004_latest_annual_one_row_per_unit_of_its_latest_year() -> None:
    frame = pd.DataFrame(
        {
            "region_code": ["a", "a", "a", "b", "c"],
            "period": ["2022", "2024", "2025-03", "2023", "2024"],
            "value": [1.0, 2.0, 9.0, 3.0, 4.0],
        }
    )
    latest = latest_annual(frame, {"a", "b"}).sort_values("region_code")
    assert latest[["region_code", "period", "value"]].values.tolist() == [
        ["a", "2024", 2.0],
        ["b", "2023", 3.0],
    ]
