"""The catalogue loader refuses what is wrong and names where; the shipped
catalogue passes every check and holds the outline's goals."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import CONFIG_DIR
from indicators.catalogue import CHINESE_TEXT, Catalogue, CatalogueError, load_catalogue
from indicators.formatting import quantity_en, unit_text
from indicators.regions import load_region_directory
from tests.helpers import INDICATORS, small_directory, write_world


def load(tmp: Path, **changes: dict) -> Catalogue:
    return load_catalogue(write_world(tmp, **changes), small_directory(), tmp / "sources")


def test_cat001_a_correct_world_loads(tmp_path: Path) -> None:
    catalogue = load(tmp_path)
    assert [e.id for e in catalogue.targets] == ["p-001", "p-003"]
    assert catalogue.entries["p-001"].scope_code == "wandakai"
    assert catalogue.counts_by_plan() == {"p": (2, 1)}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"gdp": {"line": 5}},
            "文件 p.yaml 条目 p-001 字段 quote：引文不是从第 5 行开始（原文出现在第 4 行）",
        ),
        (
            {"gdp": {"quote": "万达开地区生产总值达到6000亿元以上"}},
            "字段 quote：引文不是从第 4 行开始（原文中找不到此句）",
        ),
        (
            {"gdp": {"value": 500}},
            "条目 p-001 字段 value：数值 500 在引文中找不到（引文中的数：5000）",
        ),
        ({"ports": {"value_high": 3}}, "条目 p-003 字段 value_high：数值 3 在引文中找不到"),
        ({"gdp": {"scope": "成度"}}, "条目 p-001 字段 scope：未知地区“成度”；您是否要找：成都市"),
        ({"gdp": {"unit": "万吨"}}, "字段 unit：单位“万吨”不能换算为指标 gdp 的单位“亿元”"),
        ({"gdp": {"indicator": "gnp"}}, "条目 p-001 字段 indicator：未定义的指标 gnp"),
        ({"gdp": {"comparator": "more"}}, "字段 comparator：取值 'more' 无效"),
        ({"gdp": {"year": "2025年"}}, "字段 year：应为整数，实为 '2025年'"),
        ({"gdp": {"line": 99}}, "字段 line：第 99 行不在本规划的范围 1–6 内"),
        ({"area": {"id": "p-001"}}, "条目 p-001 字段 id：条目 id 重复"),
    ],
)
def test_cat002_wrong_entries_are_refused_naming_file_entry_and_field(
    tmp_path: Path, changes: dict, message: str
) -> None:
    with pytest.raises(CatalogueError) as info:
        load(tmp_path, **changes)
    assert any(message in problem for problem in info.value.problems), info.value.problems


def test_cat003_a_missing_field_is_named(tmp_path: Path) -> None:
    folder = write_world(tmp_path)
    text = (folder / "p.yaml").read_text(encoding="utf-8").replace("  comparator: at_least\n", "")
    (folder / "p.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="条目 p-001 字段 comparator：缺少此字段"):
        load_catalogue(folder, small_directory(), tmp_path / "sources")


# ---------------------------------------------------------- the real catalogue ---


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(
        CONFIG_DIR / "catalogue",
        load_region_directory(CONFIG_DIR / "regions.yaml"),
        CONFIG_DIR / "sources",
    )


def test_cat004_the_shipped_catalogue_passes_every_check(catalogue: Catalogue) -> None:
    assert len(catalogue.plans) == 43
    assert len(catalogue.targets) > 300 and len(catalogue.baselines) > 100


def _outline(catalogue: Catalogue, indicator: str, kind: str) -> list[tuple]:
    return sorted(
        (e.year, e.value, e.unit, e.comparator, e.scope_code)
        for e in catalogue.entries.values()
        if e.plan_id == "outline" and e.indicator_id == indicator and e.kind == kind
    )


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("urbanization_rate", (2025, 66.0, "%", "about", "ccec")),
        ("railway_length", (2025, 9000.0, "公里", "at_least", "ccec")),
        ("cq_cd_travel_time", (2025, 1.0, "小时", "at_most", "ccec")),
        ("rd_intensity", (2025, 2.5, "%", "about", "ccec")),
        ("tech_progress_contribution", (2025, 63.0, "%", "reach", "ccec")),
        ("good_air_days_ratio", (2025, 88.0, "%", "reach", "ccec")),
        ("cross_border_water_quality", (2025, 95.0, "%", "reach", "ccec")),
        ("ecological_flow_satisfaction", (2025, 90.0, "%", "at_least", "ccec")),
    ],
)
def test_cat005_the_outline_2025_goals(
    catalogue: Catalogue, indicator: str, expected: tuple
) -> None:
    assert expected in _outline(catalogue, indicator, "level")


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("population", (2019, 9600.0, "万人", "equal", "ccec")),
        ("gdp", (2019, 6.3, "万亿元", "about", "ccec")),
        ("land_area", (2019, 18.5, "万平方公里", "equal", "ccec")),
    ],
)
def test_cat006_the_outline_2019_baseline(
    catalogue: Catalogue, indicator: str, expected: tuple
) -> None:
    assert expected in _outline(catalogue, indicator, "baseline")


def test_cat007_the_outline_goals_are_headline_indicators(catalogue: Catalogue) -> None:
    goals = {
        e.indicator_id
        for e in catalogue.targets
        if e.plan_id == "outline" and e.section.startswith("第二章")
    }
    assert goals and all(catalogue.indicators[i].headline for i in goals)


# ------------------------------------------------ English definitions and units ---


def test_cat008_every_indicator_has_an_english_definition(catalogue: Catalogue) -> None:
    """The English pages show ``definition_en`` (issue 18, item 9): every shipped
    indicator has one, in English — no Chinese character or full-width sign."""
    assert len(catalogue.indicators) >= 381
    missing = [i.id for i in catalogue.indicators.values() if not i.definition_en.strip()]
    chinese = [i.id for i in catalogue.indicators.values() if CHINESE_TEXT.search(i.definition_en)]
    assert missing == [] and chinese == []
    assert catalogue.indicators["gdp"].definition_en == (
        "Gross regional product (GDP) at current prices"
    )
    assert "share of gross regional product" in catalogue.indicators["rd_intensity"].definition_en


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("definition_en", None, "指标 gdp 字段 definition_en：缺少此字段"),
        ("definition_en", "地区生产总值", "指标 gdp 字段 definition_en：英文定义不应含汉字"),
        ("definition_en", "GDP（at current prices）", "字段 definition_en：英文定义不应含汉字"),
        ("source_en", None, "指标 gdp 字段 source_en：缺少此字段"),
        ("source_en", "两省市统计局", "指标 gdp 字段 source_en：英文来源不应含汉字"),
        ("source_en", "Statistics bureaus（Sichuan）", "字段 source_en：英文来源不应含汉字"),
    ],
)
def test_cat009_an_english_definition_or_source_missing_or_in_chinese_is_refused(
    tmp_path: Path, field: str, value: str | None, message: str
) -> None:
    """``definition_en`` and ``source_en`` are required, and refused when they hold
    a Chinese character or a full-width sign."""
    shipped = {"definition_en": "d", "source_en": "s"}[field]
    replaced = "" if value is None else f"{field}: {value}, "
    indicators = INDICATORS.replace(f"{field}: {shipped}, ", replaced, 1)  # gdp's, the first
    assert indicators != INDICATORS
    with pytest.raises(CatalogueError) as info:
        load_catalogue(
            write_world(tmp_path, indicators=indicators), small_directory(), tmp_path / "sources"
        )
    assert any(message in problem for problem in info.value.problems), info.value.problems


SUMMED = "aggregation: sum, facility: false, "  # gdp's, the first indicator


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("aggregation: sum, ", "指标 gdp 字段 facility：相加型指标须写明"),
        ("aggregation: sum, facility: null, ", "指标 gdp 字段 facility：相加型指标须写明"),
        ("aggregation: sum, facility: 是, ", "指标 gdp 字段 facility：应为布尔值"),
        ("aggregation: not_combinable, facility: false, ", "指标 gdp 字段 facility：只有相加型"),
    ],
)
def test_cat012_a_summed_indicator_says_whether_it_is_measured_at_facilities(
    tmp_path: Path, new: str, message: str
) -> None:
    """Every ``aggregation: sum`` indicator states ``facility`` (the 示例数据 split a
    grouping's 机场货邮吞吐量 over every district when nothing said it could not be):
    missing, null or not a boolean is refused, and so is the field on an
    indicator that does not add up."""
    indicators = INDICATORS.replace(SUMMED, new, 1)
    assert indicators != INDICATORS
    with pytest.raises(CatalogueError) as info:
        load_catalogue(
            write_world(tmp_path, indicators=indicators), small_directory(), tmp_path / "sources"
        )
    assert any(message in problem for problem in info.value.problems), info.value.problems
    (tmp_path / "as_written").mkdir()
    shipped = load(tmp_path / "as_written")
    assert not shipped.indicators["gdp"].facility and shipped.indicators["ports"].facility


def test_cat010_every_unit_of_the_catalogue_reads_in_english(catalogue: Catalogue) -> None:
    """Every unit an indicator or an entry uses has an English form — as a label
    (``unit_text``) and after a number (``quantity_en``): no 万家, 场次 or 处 on an
    English page (issue 18, item 9)."""
    units = {i.unit for i in catalogue.indicators.values()} | {
        e.unit for e in catalogue.entries.values() if e.unit
    }
    assert len(units) > 50
    untranslated = {
        unit: (unit_text(unit, "en"), quantity_en(12.5, unit))
        for unit in units
        if CHINESE_TEXT.search(unit_text(unit, "en") + quantity_en(12.5, unit))
    }
    assert untranslated == {}
    assert unit_text("万载重吨", "en") == "10,000 dwt"
    assert unit_text("亿吨", "en") == "100 million t"
    assert unit_text("万套（间）", "en") == "10,000 units"


def test_cat011_every_indicator_names_its_source_in_english(catalogue: Catalogue) -> None:
    """The English pages show ``source_en``, the body that publishes the figure:
    every shipped indicator has one, in English, and one Chinese source is put
    in English one way only (主管部门 "competent authorities", 两省市 "of
    Sichuan and Chongqing")."""
    indicators = list(catalogue.indicators.values())
    missing = [i.id for i in indicators if not i.source_en.strip()]
    chinese = [i.id for i in indicators if CHINESE_TEXT.search(i.source_en)]
    assert missing == [] and chinese == []
    english: dict[str, set[str]] = {}
    for indicator in indicators:
        english.setdefault(indicator.source, set()).add(indicator.source_en)
    assert {zh: en for zh, en in english.items() if len(en) > 1} == {}
    assert len(english) >= 150
    assert english["两省市交通主管部门"] == {
        "Competent transport authorities of Sichuan and Chongqing"
    }
    assert english["国铁集团、两省市交通主管部门"] == {
        "China State Railway Group; competent transport authorities of Sichuan and Chongqing"
    }
    (joint_office,) = english[
        "推动成渝地区双城经济圈建设联合办公室（共建成渝地区双城经济圈年度重大项目名单及调度）"
    ]
    assert joint_office.startswith("Joint Office for the Chengdu–Chongqing Economic Circle (")
