"""Every fixture format, from the file to the stored values (through read, validate, import)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.observations import observations_frame
from workflows.intake import receive

FIXTURES = Path(__file__).parents[1] / "loaders" / "fixtures"

CASES = [
    # file, default region, expected (indicator, region, period) → value
    ("template_utf8_bom.csv", None, {("gdp", "500000", "2023"): 30145.79}),
    ("template_with_instructions.xlsx", None, {("urbanization_rate", "510000", "2024"): 60.1}),
    (
        "nbs_provinces_gdp_gbk.csv",
        None,
        {("gdp", "500000", "2022"): 28576.1, ("gdp", "510000", "2021"): 54088.0},
    ),
    ("nbs_tab_comma.csv", None, {("population", "510000", "2024"): 8364.0}),
    ("nbs_cities.xls", None, {("gdp", "510100", "2018"): 15342.77}),
    (
        "wide_regions_merged.xlsx",
        None,
        {("gdp", "510100", "2023"): 22074.72, ("population", "500000", "2023"): 3191.43},
    ),
    ("wide_indicators_gbk.csv", None, {}),
    (
        "yearbook_population.xlsx",
        "重庆市",
        {
            ("urbanization_rate", "500000", "2020"): 69.46,
            ("urban_population", "500000", "2019"): 2222.2,
        },
    ),
    ("yearbook_gdp.xlsx", "重庆市", {("gdp", "500000", "2020"): 25002.79}),
]


@pytest.fixture
def ready(sqlite_ready: sessionmaker[Session]) -> sessionmaker[Session]:
    return sqlite_ready


@pytest.mark.parametrize(("name", "region", "expected"), CASES)
def test_fmt001_each_format_lands_as_the_right_values(
    ready: sessionmaker[Session], name: str, region: str | None, expected: dict
) -> None:
    outcome = receive(
        ready, name, (FIXTURES / name).read_bytes(), default_region=region, recompute=False
    )
    assert outcome.ok, outcome.report["problems"][:3]
    with ready() as session:
        frame = observations_frame(session)
    stored = {(r.indicator_id, r.region_code, r.period): r.value for r in frame.itertuples()}
    assert stored and all(stored[key] == pytest.approx(value) for key, value in expected.items())


def test_fmt002_a_national_export_skips_what_the_monitor_does_not_track(
    ready: sessionmaker[Session],
) -> None:
    outcome = receive(
        ready,
        "nbs_national_gbk.csv",
        (FIXTURES / "nbs_national_gbk.csv").read_bytes(),
        recompute=False,
    )
    # the nation's figures only (全国), so nothing to import: refused as 无可导入数据, the
    # skipped cells named once per reason (issue 15)
    assert outcome.status == "empty" and outcome.report["errors"] == 1
    first, *skips = outcome.report["problems"]
    assert first["message"].startswith("无可导入数据")
    assert skips and all("已跳过" in p["message"] for p in skips)
