"""Class, rank and relative targets in the catalogue: the shipped entries with
their sentences, the loader's checks on them, and their assessment from the
catalogue (issue 20 item 4)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from config.settings import CONFIG_DIR
from indicators.catalogue import Catalogue, CatalogueError, load_catalogue
from indicators.progress_run import assess_all
from indicators.regions import load_region_directory
from tests.helpers import kinds_world, small_directory


def test_ckd001_class_rank_and_relative_entries_load(tmp_path: Path) -> None:
    catalogue = kinds_world(tmp_path)
    assert [(e.kind, e.value) for e in catalogue.targets] == [
        ("class", 1.0),
        ("rank", 3.0),
        ("relative", 2.0),
    ]
    # the 2035 goal in words: kept with its sentence, neither a target nor a baseline
    [vision] = catalogue.visions
    assert (vision.id, vision.value, vision.unit, vision.year) == ("p-005", None, None, 2035)
    assert vision not in catalogue.targets and vision not in catalogue.baselines
    assert catalogue.counts_by_plan() == {"p": (3, 1)}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"grade": {"value": 2}}, "条目 p-001 字段 value：数值 2 在引文中找不到"),
        ({"grade": {"value": 9}}, "条目 p-001 字段 value：9 不是内河航道等级中的等级"),
        ({"grade": {"comparator": "at_least"}}, "条目 p-001 字段 comparator：等级、排名目标只能是"),
        ({"grade": {"indicator": "rank", "unit": "位"}}, "须在 indicators.yaml 写明 scale"),
        ({"rank": {"value": 5}}, "条目 p-002 字段 value：数值 5 在引文中找不到"),
        ({"rank": {"unit": "个"}}, "条目 p-002 字段 unit：排名目标的单位应为“位”"),
        ({"double": {"value": 3}}, "条目 p-003 字段 value：数值 3 在引文中找不到"),
        ({"double": {"unit": "亿元"}}, "条目 p-003 字段 unit：倍数目标的单位应为“倍”"),
        (
            {"double": {"kind": "level", "unit": "亿元"}},
            "条目 p-003 字段 value：数值 2 在引文中找不到",
        ),
        ({"vision": {"value": 2035}}, "条目 p-005 字段 value：远景目标以文字表述"),
        ({"vision": {"kind": "level"}}, "条目 p-005 字段 value：缺少此字段"),
        ({"vision": {"line": 4}}, "条目 p-005 字段 quote：引文不是从第 4 行开始"),
    ],
)
def test_ckd002_wrong_worded_targets_are_refused(
    tmp_path: Path, changes: dict, message: str
) -> None:
    with pytest.raises(CatalogueError) as info:
        kinds_world(tmp_path, **changes)
    assert any(message in p for p in info.value.problems), info.value.problems


def observations(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(
                id=i,
                indicator_id=ind,
                region_code="wandakai",
                period=period,
                value=value,
                unit="",
                layer="reported",
            )
            for i, (ind, period, value) in enumerate(rows, start=1)
        ]
    )


def test_ckd003_assessed_from_the_catalogue(tmp_path: Path) -> None:
    catalogue = kinds_world(tmp_path)
    rows = [
        ("grade", "2021", 3.0),
        ("grade", "2025", 1.0),
        ("rank", "2021", 5.0),
        ("rank", "2025", 4.0),
        ("logistics", "2020", 90.0),  # the plan states 100 for 2020: its figure is the base
        ("logistics", "2025", 190.0),
    ]
    results = {
        r.assessment.target_id: r.assessment
        for r in assess_all(catalogue, small_directory(), observations(rows), 2025)
    }
    assert results["p-001"].status == "met"
    assert results["p-002"].status == "missed"
    double = results["p-003"]
    assert double.status == "missed" and double.baseline.source == "plan:p-004"
    assert double.expected_now == 200.0


# ------------------------------------------------------------ the shipped ones ---


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue(
        CONFIG_DIR / "catalogue",
        load_region_directory(CONFIG_DIR / "regions.yaml"),
        CONFIG_DIR / "sources",
    )


@pytest.mark.parametrize(
    ("indicator", "kind", "year", "value", "line", "words"),
    [
        ("waterway_grade_yangtze_chaotianmen_fuling", "class", 2025, 1, 15399, "一级航道"),
        ("waterway_grade_yangtze_yibin_chongqing", "class", 2025, 2, 15401, "二级航道"),
        ("waterway_grade_qujiang_dazhou_quhezui", "class", 2025, 3, 15417, "三级航道"),
        ("waterway_grade_minjiang_pengshan_leshan", "class", 2025, 4, 15426, "四级航道"),
        ("waterway_grade_minjiang_leshan_yibin", "class", 2025, 3, 15428, "三级航道"),
        ("national_road_grade_border_areas", "class", 2025, 2, 7491, "国道基本达到二级及以上"),
        ("yangtze_mainstream_water_quality_class", "class", 2027, 2, 5317, "Ⅱ类"),
        ("power_semiconductor_output_national_rank", "rank", 2027, 3, 5037, "全国前三"),
        ("lcd_panel_output_national_rank", "rank", 2027, 3, 5037, "全国前三"),
        ("green_financing_balance", "relative", 2027, 2, 5073, "绿色融资余额翻一番"),
        ("logistics_total_value", "relative", 2025, 2, 6575, "“十四五”期间翻一番"),
        ("soe_listing_reserve_enterprises", "relative", 2027, 2, 5437, "上市后备企业实现“倍增”"),
    ],
)
def test_ckd004_the_plans_worded_targets_are_in_the_catalogue(
    shipped: Catalogue, indicator: str, kind: str, year: int, value: int, line: int, words: str
) -> None:
    [entry] = [e for e in shipped.targets if e.indicator_id == indicator and e.kind == kind]
    assert (entry.year, entry.value, entry.line) == (year, value, line)
    assert words in entry.quote


@pytest.mark.parametrize(
    ("entry", "indicator", "words"),
    [
        ("outline-028", "gdp", "建成实力雄厚、特色鲜明的双城经济圈"),
        ("outline-029", "rd_intensity", "具有全国影响力的科技创新中心基本建成"),
        ("science_city-006", "rd_intensity", "科技综合实力迈入全国前列"),
        ("cq_metro_area-026", "gdp", "综合经济实力"),
    ],
)
def test_ckd005_the_2035_goals_are_visions(
    shipped: Catalogue, entry: str, indicator: str, words: str
) -> None:
    vision = shipped.entries[entry]
    assert vision.is_vision and vision.year == 2035 and vision.value is None
    assert vision.indicator_id == indicator and words in vision.quote
    assert vision not in shipped.targets
