"""assess_all over a small world: direct series win, groupings are derived."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indicators.catalogue import load_catalogue
from indicators.progress_run import assess_all
from tests.helpers import small_directory, write_world


def _obs(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["indicator_id", "region_code", "period", "value"])
    return frame.assign(id=range(1, len(frame) + 1), unit="亿元", layer="sample")


def test_run001_grouping_figure_is_derived_from_members_when_not_reported(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_world(tmp_path), small_directory(), tmp_path / "sources")
    members = [("gdp", "500101", str(y), v) for y, v in ((2020, 2000.0), (2023, 2600.0))]
    members += [("gdp", "500154", str(y), v) for y, v in ((2020, 1000.0), (2023, 1300.0))]
    results = {
        r.assessment.target_id: r
        for r in assess_all(catalogue, small_directory(), _obs(members), 2023)
    }
    gdp = results["p-001"]
    assert gdp.origin == "derived" and gdp.assessment.latest.value == 3900.0
    assert gdp.assessment.baseline.value == 3000.0  # no plan baseline for 万达开 GDP
    assert gdp.assessment.used[0].startswith("derived:2/2")


def test_run002_a_reported_grouping_series_wins(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_world(tmp_path), small_directory(), tmp_path / "sources")
    rows = [
        ("gdp", "wandakai", "2020", 3000.0),
        ("gdp", "wandakai", "2023", 4500.0),
        ("gdp", "500101", "2023", 1.0),
        ("gdp", "500154", "2023", 1.0),
    ]
    result = next(
        r
        for r in assess_all(catalogue, small_directory(), _obs(rows), 2023)
        if r.assessment.target_id == "p-001"
    )
    assert result.origin == "reported" and result.layer == "sample"
    assert result.assessment.latest.value == 4500.0
    assert result.assessment.status == "on_track"


def _members(years: range) -> list[tuple[str, str, str, float]]:
    """万州 and 开州 GDP growing by 200 and 100 a year from 2000 and 1000 in 2020."""
    rows = [("gdp", "500101", str(y), 2000.0 + 200 * (y - 2020)) for y in years]
    return rows + [("gdp", "500154", str(y), 1000.0 + 100 * (y - 2020)) for y in years]


def test_run003_outlook_comes_from_the_same_series(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_world(tmp_path), small_directory(), tmp_path / "sources")
    frame = _obs(_members(range(2020, 2024)))
    gdp = next(
        r
        for r in assess_all(catalogue, small_directory(), frame, 2023)
        if r.assessment.target_id == "p-001"
    )
    # derived 3000, 3300, 3600, 3900: +300 a year, 4500 in 2025 for ≥5000, 500 of 1100 short
    assert gdp.outlook.mean_change == 300.0 and gdp.outlook.projected == 4500.0
    assert gdp.outlook.shortfall == pytest.approx(500 / 1100) and gdp.outlook.symbol == "cloud"
    ports = next(
        r
        for r in assess_all(catalogue, small_directory(), frame, 2023)
        if r.assessment.target_id == "p-003"
    )
    assert ports.outlook.symbol == "none" and ports.assessment.status == "insufficient"


def test_run004_an_earlier_as_of_reads_only_the_data_up_to_it(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_world(tmp_path), small_directory(), tmp_path / "sources")
    # the grouping reports its own figure only from 2023; before, it is derived
    rows = [*_members(range(2020, 2023)), ("gdp", "wandakai", "2023", 4000.0)]
    frame = _obs(rows)
    by_year = {
        year: next(
            r
            for r in assess_all(catalogue, small_directory(), frame, year)
            if r.assessment.target_id == "p-001"
        )
        for year in (2022, 2023)
    }
    earlier = by_year[2022]
    assert earlier.origin == "derived" and earlier.layer is None
    assert earlier.assessment.latest.value == 3600.0 and earlier.outlook.projected == 4500.0
    alone = assess_all(catalogue, small_directory(), _obs(_members(range(2020, 2023))), 2022)
    assert next(r for r in alone if r.assessment.target_id == "p-001") == earlier
    later = by_year[2023]
    # from 2023 the reported series wins as a whole; one figure is not enough yet
    assert later.origin == "reported" and later.assessment.status == "insufficient"


def test_run010_the_cumulative_china_europe_target_is_judged_on_a_cumulative_series() -> None:
    """“十四五”期间累计开行约3万列 (port_logistics-007) sits beside the annual target
    年开行量超5000列 (port_logistics-006) on the same annual series: the cumulative
    one is judged on, and shows, the running total 2021—2025, never a year's count."""
    from dataclasses import replace

    from config.settings import CONFIG_DIR
    from indicators.regions import load_region_directory

    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    shipped = load_catalogue(CONFIG_DIR / "catalogue", directory, CONFIG_DIR / "sources")
    wanted = ("port_logistics-006", "port_logistics-007")
    catalogue = replace(shipped, entries={i: e for i, e in shipped.entries.items() if i in wanted})
    yearly = {2020: 4000.0, 2021: 5000.0, 2022: 6000.0, 2023: 6000.0, 2024: 6500.0, 2025: 6600.0}
    rows = [("china_europe_trains", "ccec", str(y), v) for y, v in yearly.items()]
    frame = _obs(rows).assign(unit="列")
    results = {r.assessment.target_id: r for r in assess_all(catalogue, directory, frame, 2025)}
    annual, cumulative = results["port_logistics-006"], results["port_logistics-007"]
    assert annual.assessment.latest.value == 6600.0 and annual.assessment.status == "met"
    assert [p.year for p in annual.series] == list(yearly)  # the annual figures, as reported
    # 5,000 + 6,000 + 6,000 + 6,500 + 6,600 = 30,100 列 over 2021—2025 (base year 2020)
    assert cumulative.assessment.latest.value == 30100.0
    assert cumulative.assessment.status == "met"  # about 3万: met — 6,600 alone would not be
    assert [(p.year, p.value) for p in cumulative.series] == [
        (2021, 5000.0),
        (2022, 11000.0),
        (2023, 17000.0),
        (2024, 23500.0),
        (2025, 30100.0),
    ]
    earlier = next(
        r
        for r in assess_all(catalogue, directory, frame, 2023)
        if r.assessment.target_id == "port_logistics-007"
    )
    assert earlier.series[-1].value == 17000.0 == earlier.assessment.latest.value
