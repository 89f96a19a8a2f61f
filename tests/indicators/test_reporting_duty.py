"""Reporting duty on the shipped catalogue and regions: what each region is asked
for, in which order, and the allowed ranges the validator enforces."""

from __future__ import annotations

import pytest

from config.settings import CONFIG_DIR
from indicators.catalogue import PILLARS, Catalogue
from indicators.regions import RegionDirectory, load_region_directory
from indicators.reporting_calendar import previous_period
from indicators.reporting_duty import allowed_range, duty_rows, owed_indicators
from workflows.catalogue import read_catalogue_files

LEMON = "lemon_industry_cluster_area"


@pytest.fixture(scope="module")
def shipped() -> tuple[Catalogue, RegionDirectory]:
    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    return read_catalogue_files(directory), directory


def _owed(shipped: tuple[Catalogue, RegionDirectory], name: str) -> list[str]:
    catalogue, directory = shipped
    return [i.id for i in owed_indicators(catalogue, directory, directory.resolve(name).code)]


def test_dut001_a_grouping_target_naming_members_is_owed_by_those_only(shipped) -> None:
    assert LEMON not in _owed(shipped, "成都")  # same agriculture belt, not named
    assert LEMON not in _owed(shipped, "万州")
    for named in ("资阳", "遂宁", "潼南", "大足"):  # 资阳(安岳)、遂宁(安居)、潼南、大足
        assert LEMON in _owed(shipped, named), named


def test_dut002_the_joint_offices_project_figures_are_not_asked_of_regions(shipped) -> None:
    catalogue, _ = shipped
    owed = _owed(shipped, "成都")
    assert not [i for i in owed if catalogue.indicators[i].source.startswith("推动成渝")]
    assert "gdp" in owed and "rd_spending" in owed  # the circle's GDP; R&D intensity's part


def test_dut003_rows_in_the_pillars_fixed_order(shipped) -> None:
    catalogue, _ = shipped
    owed = [catalogue.indicators[i] for i in _owed(shipped, "成都")]
    rank = list(PILLARS)
    assert [rank.index(i.pillar) for i in owed] == sorted(rank.index(i.pillar) for i in owed)
    assert owed[0].id == "gdp"  # the overall pillar, headline first
    assert len(owed) < 66  # the old template asked 成都 for 66


def test_dut004_allowed_range_is_the_validators() -> None:
    catalogue_dir = load_region_directory(CONFIG_DIR / "regions.yaml")
    catalogue = read_catalogue_files(catalogue_dir)
    ind = catalogue.indicators
    assert allowed_range(ind["gdp"]) == (0.0, None)
    assert allowed_range(ind["urbanization_rate"]) == (0.0, 100.0)
    rows = duty_rows([ind["gdp"], ind["urbanization_rate"]], {"gdp": "2024"}, {"gdp": 23511.3})
    assert [(r.range_text(), r.last_period, r.last_value) for r in rows] == [
        ("≥0", "2024", 23511.3),
        ("0–100", None, None),
    ]


@pytest.mark.parametrize(
    ("period", "before"),
    [
        ("2025", "2024"),
        ("2025Q1", "2024Q4"),
        ("2025Q3", "2025Q2"),
        ("2025-01", "2024-12"),
        ("2025-07", "2025-06"),
        ("2025-01/06", "2024-01/06"),
    ],
)
def test_dut005_previous_period(period: str, before: str) -> None:
    assert previous_period(period) == before
