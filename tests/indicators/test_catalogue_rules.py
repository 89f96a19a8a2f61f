"""The loader reads each entry against its sentence (issue 20, item 5): a
plan-area definition is not a baseline, a base_year must be stated, a location
is not a baseline, and a plan that defines its own area uses it. The shipped
catalogue keeps these rules: the agriculture plan's figures and goals carry
the 成渝现代高效特色农业带 grouping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config.settings import CONFIG_DIR
from indicators.catalogue import Catalogue, CatalogueError, load_catalogue
from indicators.catalogue_rules import stated_base_years
from indicators.regions import Member, Region, RegionDirectory, Source, load_region_directory
from tests.helpers import small_directory, write_world
from workflows.catalogue import read_catalogue_files

LINES = [
    "前言",
    "",
    "规划范围包括万州、开州等 2 个区（县），四川省的成都、内江等 2 个市，"
    "总面积 5.2 万平方公里，2020 年常住人口 3000 万人。",
    "到 2025 年，粮食总产量稳定在 360 万吨以上，农业增加值年均增长 3%。",
    "距机场 18 公里，规划建设有渝蓉等 7 条高速、成资等 16 条快速通道，属成渝 1 小时通勤圈。",
    "“十三五”以来，发展驶入快车道。到 2019 年，地区生产总值年均增长 8%以上。",
]
SEED = "\n".join(LINES) + "\n"
BELT_SENTENCE = (
    "规划范围包括万州、开州等2个区（县），四川省的成都、内江等2个市，"
    "总面积5.2万平方公里，2020年常住人口3000万人。"
)
INDICATORS = """
indicators:
  - {id: land_area, name_zh: 面积, name_en: Area, definition: d, definition_en: d, source_en: s, unit: 万平方公里, direction: none,
     frequency: annual, pillar: overall, source: s, aggregation: sum, facility: false}
  - {id: area_units, name_zh: 区县数, name_en: Units, definition: d, definition_en: d, source_en: s, unit: 个, direction: none,
     frequency: annual, pillar: overall, source: s, aggregation: sum, facility: false}
  - {id: planning_scope_cities, name_zh: 规划范围内地级市数量, name_en: Cities, definition: d, definition_en: d, source_en: s,
     unit: 个, direction: none, frequency: annual, pillar: overall, source: s, aggregation: sum, facility: false}
  - {id: grain, name_zh: 粮食产量, name_en: Grain, definition: d, definition_en: d, source_en: s, unit: 万吨, direction: higher,
     frequency: annual, pillar: industry, source: s, aggregation: sum, facility: false}
  - {id: growth, name_zh: 增速, name_en: Growth, definition: d, definition_en: d, source_en: s, unit: "%", direction: higher,
     frequency: annual, pillar: overall, source: s, aggregation: not_combinable}
  - {id: routes, name_zh: 线路条数, name_en: Routes, definition: d, definition_en: d, source_en: s, unit: 条, direction: higher,
     frequency: annual, pillar: infrastructure, source: s, aggregation: not_combinable}
  - {id: travel_time, name_zh: 通勤时间, name_en: Time, definition: d, definition_en: d, source_en: s, unit: 小时,
     direction: lower, frequency: annual, pillar: infrastructure, source: s,
     aggregation: not_combinable}
"""


def _entry(
    id_: str,
    indicator: str,
    line: int,
    quote: str,
    kind: str,
    year: int,
    value: float,
    unit: str,
    **more: object,
) -> dict:
    return {
        "id": id_,
        "indicator": indicator,
        "section": "前言",
        "line": line,
        "quote": quote,
        "scope": "示例农业带",
        "kind": kind,
        "year": year,
        "base_year": None,
        "value": value,
        "value_high": None,
        "unit": unit,
        "comparator": "equal" if kind == "baseline" else "at_least",
        "stretch": False,
        **more,
    }


def directory() -> RegionDirectory:
    """small_directory (whose circle is the outline's plan area) and the plan's own belt."""
    regions = {r.code: r for r in small_directory()}
    regions["belt"] = Region(
        "belt",
        "示例农业带",
        "Sample belt",
        "grouping",
        members=(Member("500101"), Member("500154"), Member("510100"), Member("511000")),
        source=Source("p", 3, BELT_SENTENCE),
    )
    return RegionDirectory(regions)


def load(tmp: Path, *extra: dict, title: str = "示例农业带建设规划", **changes: dict) -> Catalogue:
    """A plan ``p`` over the six-line seed: its area (belt) and a 2025 goal, plus ``extra``."""
    entries = {
        "area": _entry(
            "p-001", "land_area", 3, "总面积5.2万平方公里", "baseline", 2020, 5.2, "万平方公里"
        ),
        "grain": _entry(
            "p-002", "grain", 4, "粮食总产量稳定在360万吨以上", "level", 2025, 360, "万吨"
        ),
        "growth": _entry("p-003", "growth", 4, "农业增加值年均增长3%", "growth", 2025, 3, "%"),
    }
    rows = [{**entry, **changes.get(key, {})} for key, entry in entries.items()]
    rows += [{**e, "id": f"p-{10 + n:03d}"} for n, e in enumerate(extra)]
    folder = write_world(tmp, seed=SEED, indicators=INDICATORS, title=title, entries=rows)
    return load_catalogue(folder, directory(), tmp / "sources")


def refused(tmp: Path, *extra: dict, **changes: dict) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        load(tmp, *extra, **changes)
    return info.value.problems


def test_rul001_a_correct_world_loads(tmp_path: Path) -> None:
    catalogue = load(tmp_path)
    assert {e.scope_code for e in catalogue.entries.values()} == {"belt"}


# ------------------------------------------------ (a) plan-area definitions ---


@pytest.mark.parametrize(
    ("indicator", "quote", "value", "scope"),
    [
        ("area_units", "万州、开州等2个区（县）", 2, "重庆市"),
        ("area_units", "四川省的成都、内江等2个市", 2, "四川省"),
        ("planning_scope_cities", "四川省的成都、内江等2个市", 2, "示例农业带"),
    ],
)
def test_rul002_a_plan_area_definition_is_refused_as_a_baseline(
    tmp_path: Path, indicator: str, quote: str, value: int, scope: str
) -> None:
    definition = _entry("", indicator, 3, quote, "baseline", 2021, value, "个", scope=scope)
    problems = refused(tmp_path, definition)
    assert problems == [
        "文件 p.yaml 条目 p-010 字段 indicator：规划范围的界定（“…等N个市/区（县）”）不是基期值："
        "范围的成员已由 config/regions.yaml 的地区组合连同界定它的原文记录，请删去此条"
    ]


def test_rul003_a_plan_area_definition_is_refused_as_a_target_too(tmp_path: Path) -> None:
    target = _entry("", "area_units", 3, "万州、开州等2个区（县）", "level", 2025, 2, "个")
    (problem,) = refused(tmp_path, target)
    assert "条目 p-010 字段 indicator：规划范围的界定（“…等N个市/区（县）”）不是目标" in problem


# ------------------------------------------------------------- (b) base year ---


def test_rul004_a_base_year_the_sentence_does_not_state_is_refused(tmp_path: Path) -> None:
    problems = refused(tmp_path, growth={"base_year": 2020})
    assert problems == [
        "文件 p.yaml 条目 p-003 字段 base_year：基期年份 2020 原文未载明（所在句子、规划标题的"
        "规划期 均未说明）；规划未给出基期时应为 null"
    ]


def test_rul005_a_base_year_the_plan_period_states_is_accepted(tmp_path: Path) -> None:
    catalogue = load(tmp_path, title="示例行动方案（2021—2025年）", growth={"base_year": 2020})
    assert catalogue.entries["p-003"].base_year == 2020
    with pytest.raises(CatalogueError, match="基期年份 2019 原文未载明"):
        load(tmp_path, title="示例行动方案（2021—2025年）", growth={"base_year": 2019})


def test_rul006_a_base_year_stated_before_the_sentence_needs_its_words(tmp_path: Path) -> None:
    quote = "到2019年，地区生产总值年均增长8%以上"
    baseline = _entry("", "growth", 6, quote, "baseline", 2019, 8, "%", base_year=2015)
    assert "基期年份 2015 原文未载明" in refused(tmp_path, baseline)[0]
    stated = load(tmp_path, {**baseline, "base_year_quote": "“十三五”以来"})
    assert stated.entries["p-010"].base_year == 2015
    (problem,) = refused(tmp_path, {**baseline, "base_year_quote": "“十二五”以来"})
    assert "字段 base_year_quote：所引原文 “十二五”以来 不在本条引文及其前 10 行内" in problem


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("社会物流总费用与地区生产总值比率较2020年降低1个百分点左右", 2025, {2020}),
        ("“十四五”期间累计开行约3万列", 2025, {2020}),
        ("“十三五”以来", 2019, {2015}),
        ("“十三五”末", 2025, {2020}),
        ("2021—2025年累计新增", 2025, {2020, 2025}),
        ("相比上年提高1．7和4．6个百分点", 2020, {2019}),
        ("万元地区生产总值能耗降低15％", 2025, set()),
        ("２０２０年末", 2025, {2020}),
    ],
)
def test_rul007_the_forms_that_state_a_base_year(text: str, year: int, expected: set) -> None:
    assert stated_base_years(text, year) == expected


# ---------------------------------------------------------- (c) the plan's area ---


def test_rul008_a_figure_of_the_plans_area_sentence_carries_its_grouping(tmp_path: Path) -> None:
    (problem,) = refused(tmp_path, area={"scope": "成渝地区双城经济圈"})
    assert problem == (
        "文件 p.yaml 条目 p-001 字段 scope：引文出自界定“示例农业带”范围的句子，"
        "scope 应为该地区组合，而非“成渝地区双城经济圈”"
    )


def test_rul009_a_goal_does_not_borrow_another_plans_area(tmp_path: Path) -> None:
    (problem,) = refused(tmp_path, grain={"scope": "成渝地区双城经济圈"})
    assert problem == (
        "文件 p.yaml 条目 p-002 字段 scope：本规划界定了自己的规划范围（示例农业带），"
        "引文未提及“成渝地区双城经济圈”，不能沿用另一规划（outline）的范围"
    )
    # a province or city named by the plan is not another plan's area
    assert load(tmp_path, grain={"scope": "重庆市"}).entries["p-002"].scope_code == "500000"


# ---------------------------------------------------------- (d) locations ---


@pytest.mark.parametrize(
    ("indicator", "quote", "value", "unit"),
    [
        ("routes", "规划建设有渝蓉等7条高速", 7, "条"),
        ("routes", "成资等16条快速通道", 16, "条"),  # listed after 规划建设有 in its clause
        ("travel_time", "属成渝1小时通勤圈", 1, "小时"),
    ],
)
def test_rul010_a_location_description_is_refused_as_a_baseline(
    tmp_path: Path, indicator: str, quote: str, value: int, unit: str
) -> None:
    location = _entry("", indicator, 5, quote, "baseline", 2021, value, unit)
    assert refused(tmp_path, location) == [
        "文件 p.yaml 条目 p-010 字段 kind：区位描述（“属…范围”“规划建设有…”）不是基期值："
        "基期值须是某一时点实测的数量，请删去此条"
    ]


# ------------------------------------------------------- the shipped catalogue ---


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return read_catalogue_files(load_region_directory(CONFIG_DIR / "regions.yaml"))


def test_rul011_the_agriculture_plans_area_figures_and_goals_carry_the_belt(
    shipped: Catalogue,
) -> None:
    agriculture = [e for e in shipped.entries.values() if e.plan_id == "agriculture_belt"]
    area_figures = [e for e in agriculture if e.line in (8657, 8661, 8663, 8665)]
    goals = [e for e in agriculture if not e.is_baseline]
    assert len(area_figures) == 5 and len(goals) == 17
    assert {e.scope_code for e in area_figures + goals} == {"chengyu_agri_belt"}
    assert "ccec" not in {e.scope_code for e in agriculture}
    # the annex's sentence (l. 9563–9569) lists 九寨沟、黄龙, outside the belt: the two provinces'
    annex = [
        e for e in agriculture if 9563 <= e.line <= 9569 and e.indicator_id != "forest_coverage"
    ]
    assert len(annex) == 4 and {e.scope_code for e in annex} == {"sichuan_chongqing"}


def test_rul012_no_plan_area_definition_or_location_is_left(shipped: Catalogue) -> None:
    assert not [i for i in shipped.indicators if i.startswith("planning_scope")]
    assert not [e.id for e in shipped.baselines if re.search("属.{0,30}?(圈|范围)", e.quote)]
    assert not [e.id for e in shipped.baselines if "规划建设有" in e.quote]
