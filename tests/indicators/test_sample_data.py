from __future__ import annotations

from collections import Counter

import pytest

from config.settings import CONFIG_DIR
from indicators.catalogue import load_catalogue
from indicators.progress_run import assess_all
from indicators.regions import load_region_directory
from indicators.sample_data import generate


def test_smp001_sample_is_reproducible_plausible_and_mixed() -> None:
    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    catalogue = load_catalogue(CONFIG_DIR / "catalogue", directory, CONFIG_DIR / "sources")
    first, second = generate(catalogue, 2025), generate(catalogue, 2025)
    assert first.equals(second)
    assert not first.duplicated(["indicator_id", "region_code", "period"]).any()
    urban = first[(first.indicator_id == "urbanization_rate") & (first.region_code == "ccec")]
    assert urban.period.min() == "2019" and urban.value.iloc[0] == 60.0  # the plan's 2019 figure
    frame = first.assign(id=range(len(first)), layer="sample")
    statuses = Counter(r.assessment.status for r in assess_all(catalogue, directory, frame, 2025))
    assert {"met", "missed", "on_track", "needs_acceleration", "limited", "deterioration"} <= set(
        statuses
    )


def test_smp002_members_of_summed_groupings_add_up_to_the_grouping() -> None:
    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    catalogue = load_catalogue(CONFIG_DIR / "catalogue", directory, CONFIG_DIR / "sources")
    frame = generate(catalogue, 2025, directory=directory)
    assert not frame.duplicated(["indicator_id", "region_code", "period"]).any()
    gdp = frame[frame.indicator_id == "gdp"].set_index(["region_code", "period"]).value
    members = [m.code for m in directory.leaf_members("chuannan_yuxi")]
    for period in gdp.loc["chuannan_yuxi"].index:
        total = sum(gdp.loc[(m, period)] for m in members)
        assert total == pytest.approx(gdp.loc[("chuannan_yuxi", period)], abs=1e-3)


def test_smp003_sub_annual_periods_at_the_indicators_frequency_add_up() -> None:
    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    catalogue = load_catalogue(CONFIG_DIR / "catalogue", directory, CONFIG_DIR / "sources")
    frame = generate(catalogue, 2025, directory=directory)
    trains = frame[(frame.indicator_id == "china_europe_trains") & (frame.region_code == "ccec")]
    year = trains[trains.period == "2023"].value.iloc[0]
    months = trains[trains.period.str.startswith("2023-")]
    assert len(months) == 12 and months.value.sum() == pytest.approx(year, abs=1e-3)
    gdp_quarters = frame[(frame.indicator_id == "gdp") & frame.period.str.contains("Q")]
    assert not gdp_quarters.empty  # GDP is quarterly
    annual_only = catalogue.indicators["urbanization_rate"].frequency == "annual"
    urban = frame[frame.indicator_id == "urbanization_rate"]
    assert annual_only and urban.period.str.len().eq(4).all()


def test_smp004_shares_stay_between_0_and_100_percent() -> None:
    """A 达标率 of 104.5 % was on 总览 (a profile running ahead of a 95 % target); the intake
    would refuse it from a reporter, so the sample must not show it either."""
    from indicators.units import is_share

    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    catalogue = load_catalogue(CONFIG_DIR / "catalogue", directory, CONFIG_DIR / "sources")
    frame = generate(catalogue, 2025, directory=directory)
    names = {i.id: i.name_zh for i in catalogue.indicators.values()}
    shares = frame[
        [is_share(names[i], u) for i, u in zip(frame.indicator_id, frame.unit, strict=True)]
    ]
    assert len(shares) > 100  # 城镇化率, 达标率, 覆盖率 … are in the sample
    assert shares.value.between(0, 100).all(), shares[~shares.value.between(0, 100)]
    assert is_share("跨界河流断面水质达标率", "%") and not is_share("地区生产总值增速", "%")


def test_smp005_facility_measures_stay_with_the_grouping() -> None:
    """机场货邮吞吐量 of the circle was split over every district and city, so 总览's
    map showed an airport in each: a facility measure (``facility: true`` in the
    catalogue) keeps its value in the grouping, and only the scopes the catalogue
    gives a target of their own have a series; a territorial one (地区生产总值)
    still splits and its members still add up (smp002)."""
    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    catalogue = load_catalogue(CONFIG_DIR / "catalogue", directory, CONFIG_DIR / "sources")
    frame = generate(catalogue, 2025, directory=directory)
    own = {(e.indicator_id, e.scope_code) for e in catalogue.targets}
    for indicator_id in (
        "airport_cargo_throughput",
        "port_cargo_throughput",
        "china_europe_trains",
        "land_sea_corridor_container_volume",
    ):
        assert catalogue.indicators[indicator_id].facility
        regions = set(frame[frame.indicator_id == indicator_id].region_code)
        assert regions == {code for i, code in own if i == indicator_id}, indicator_id
    assert set(frame[frame.indicator_id == "airport_cargo_throughput"].region_code) == {
        "ccec",
        "500000",
    }
    facility = {i.id for i in catalogue.indicators.values() if i.facility}
    pairs = zip(frame.indicator_id, frame.region_code, strict=True)
    spread = frame[[pair not in own for pair in pairs]]
    assert not spread.indicator_id.isin(facility).any()
    # GDP is no facility measure: the members of 川南渝西 still have theirs
    assert not catalogue.indicators["gdp"].facility
    members = {m.code for m in directory.leaf_members("chuannan_yuxi")}
    assert members <= set(frame[frame.indicator_id == "gdp"].region_code)


def test_smp006_every_summed_indicator_says_whether_it_is_a_facility_measure() -> None:
    """The marker is read from the catalogue, once per indicator: the summed ones
    at facilities and sites are marked, the territorial totals are not, and an
    indicator that does not add up never is (it is not split in any case)."""
    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    catalogue = load_catalogue(CONFIG_DIR / "catalogue", directory, CONFIG_DIR / "sources")
    marked = {i.id for i in catalogue.indicators.values() if i.facility}
    assert {
        "airport_cargo_throughput",
        "airport_passenger_throughput",
        "port_container_throughput",
        "china_europe_trains_cumulative",
        "international_air_routes",
        "national_5a_tourist_attractions",
        "shuangcheng_major_projects_annual_planned_investment",
    } <= marked
    assert not marked & {"gdp", "population", "grain_output", "retail_sales", "foreign_trade_value"}
    assert all(catalogue.indicators[i].aggregation == "sum" for i in marked)
