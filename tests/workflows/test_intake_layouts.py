"""The layouts publishers really use (issue 15 items 4-5), from the file to the stored
values: the portal's city database (国内生产总值) and .xls exports (real files, see
fixtures/real/README.md), the portal's English edition, a yearbook whose unit line
sits over the last year column, a municipal yearbook's district table."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.observations import observations_frame
from loaders.readers.wide import title_indicator
from workflows.intake import receive

FIXTURES = Path(__file__).parents[1] / "loaders" / "fixtures"


@pytest.fixture
def ready(sqlite_ready: sessionmaker[Session]) -> sessionmaker[Session]:
    return sqlite_ready  # a database with the regions and the catalogue


def send(factory: sessionmaker[Session], name: str, **options):  # type: ignore[no-untyped-def]
    path = FIXTURES / name
    return receive(factory, path.name, path.read_bytes(), recompute=False, **options)


def stored(factory: sessionmaker[Session]) -> dict[tuple[str, str, str], float]:
    with factory() as session:
        frame = observations_frame(session)
    return {(r.indicator_id, r.region_code, r.period): r.value for r in frame.itertuples()}


def test_lay001_city_gdp_in_the_portals_wording_imports(ready: sessionmaker[Session]) -> None:
    outcome = send(ready, "real/nbs_cities_gdp_2015_2019.xls")  # 指标：国内生产总值(亿元)
    assert outcome.status == "imported", outcome.report["problems"][:3]
    assert outcome.report["inserted"] == 9  # 成都 2019 is '' in the export
    values = stored(ready)
    assert values[("gdp", "500000", "2019")] == pytest.approx(23605.77)
    assert values[("gdp", "510100", "2018")] == pytest.approx(15342.77)
    assert len(outcome.report["problems"]) == 1  # 34 other cities: one notice


def test_lay002_real_province_xls_with_a_fourth_census_note(ready: sessionmaker[Session]) -> None:
    outcome = send(ready, "real/nbs_provinces_gdp_2015_2019.xls")
    assert outcome.status == "imported" and outcome.report["inserted"] == 10
    assert outcome.report["census_revision"]["years"] == [2018]
    assert outcome.report["vintage"] == "mixed"
    assert stored(ready)[("gdp", "510000", "2018")] == pytest.approx(42902.1, rel=0.05)


def test_lay003_the_english_edition_of_the_portal(ready: sessionmaker[Session]) -> None:
    outcome = send(ready, "layouts/nbs_en_provinces_gdp.csv")
    assert outcome.status == "imported", outcome.report["problems"][:3]
    assert outcome.report["layout"] == "nbs" and outcome.report["inserted"] == 10
    values = stored(ready)
    assert values[("gdp", "500000", "2024")] == 32046.7  # spelt "Chongqin" in the export
    assert values[("gdp", "510000", "2020")] == 49445.1
    (skip,) = outcome.report["problems"]
    assert "“Beijing”、“Tianjin”、“Hebei”等 29 个" in skip["message"] and skip["count"] == 145
    # its English census note makes it a census revision, 1992-2023
    assert outcome.report["census_revision"]["years"][-1] == 2023


def test_lay004_the_english_national_database_has_nothing_to_import(
    ready: sessionmaker[Session],
) -> None:
    outcome = send(ready, "layouts/nbs_en_national.csv")
    assert outcome.status == "empty" and "全国" in outcome.report["empty_reason"]


def test_lay005_a_unit_line_over_the_last_year_column_loses_no_year(
    ready: sessionmaker[Session],
) -> None:
    outcome = send(ready, "layouts/yearbook_unit_over_last_column.xlsx", default_region="重庆市")
    assert outcome.status == "imported", outcome.report["problems"][:3]
    assert outcome.report["inserted"] == 6  # 2019, 2020 and 2021 of both rows
    values = stored(ready)
    assert values[("population", "500000", "2021")] == 3212.43  # (10 000 persons) → 万人
    assert values[("urban_population", "500000", "2019")] == 2121.95


def test_lay006_a_municipal_yearbooks_district_table(ready: sessionmaker[Session]) -> None:
    outcome = send(ready, "layouts/yearbook_districts_gdp.xlsx")
    assert outcome.status == "imported", outcome.report["problems"][:3]
    values = stored(ready)
    assert values[("gdp", "500103", "2023")] == 1700.31  # 　渝中区  Yuzhong District
    assert values[("gdp", "500101", "2021")] == 1087.38  # 万州区, under a group row
    # 全市 is no region name: skipped with one notice naming it
    assert any("“全  市”" in p["message"] for p in outcome.report["problems"])


@pytest.mark.parametrize(
    ("title", "indicator"),
    [
        ("分区县地区生产总值", "地区生产总值"),
        ("2-8 分区县地区生产总值(2021-2023)", "地区生产总值"),
        ("各区县年末常住人口", "年末常住人口"),
        ("3-4  年末常住人口", None),
        (None, None),
    ],
)
def test_lay007_a_by_region_title_names_the_indicator(
    title: str | None, indicator: str | None
) -> None:
    assert title_indicator(title) == indicator


def test_lay008_an_xls_under_excels_default_key_opens_a_real_password_does_not(
    ready: sessionmaker[Session],
) -> None:
    outcome = send(ready, "default_key.xls", default_region="荣昌区")
    assert outcome.status == "imported", outcome.report["problems"][:3]
    values = stored(ready)
    assert values[("gdp", "500153", "2023")] == 1103.2
    assert values[("population", "500153", "2022")] == 66.9
    refused = send(ready, "password.xls")
    assert refused.status == "refused"
    assert "工作簿已加密" in refused.report["problems"][0]["message"]


def test_lay009_periods_down_the_rows_with_one_region_chosen_as_a_filter(
    ready: sessionmaker[Session],
) -> None:
    outcome = send(ready, "layouts/nbs_region_filter_periods_down.csv")
    assert outcome.status == "imported", outcome.report["problems"][:3]
    assert outcome.report["inserted"] == 10
    values = stored(ready)
    assert values[("gdp", "500000", "2024")] == 32046.7
    assert values[("population", "500000", "2020")] == 3209
    from loaders.readers import read_file

    path = FIXTURES / "layouts/nbs_region_filter_periods_down.csv"
    records = read_file(path.name, path.read_bytes()).records
    first = records[(records.period == "2024年") & (records.value == "32046.7")].iloc[0]
    assert (first.row, first.column) == (5, "B")  # where a person finds it in the file


def test_lay010_a_county_yearbook_with_counties_across_and_blocks_side_by_side(
    ready: sessionmaker[Session],
) -> None:
    outcome = send(ready, "layouts/county_yearbook_blocks.xlsx")
    assert outcome.status == "imported", outcome.report["problems"][:3]
    assert outcome.report["inserted"] == 8 and outcome.report["layout"] == "yearbook"
    values = stored(ready)
    assert values[("gdp", "500114", "2023")] == 283.2  # 黔江区, first block
    assert values[("population", "500103", "2023")] == 58.8  # 渝中区, second block
