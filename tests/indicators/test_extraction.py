from __future__ import annotations

import pytest

from indicators.extraction import Candidate, extract, score
from indicators.seed_text import SeedText

TEXT = """第四节 发展目标
到 2025 年，常住人口城镇化率达

到 66%左右，铁路网总规模达到 9000 公里以上。
力争新增 1—2 个口岸，单位地区生产总值能耗比 2020 年下降 13.5%。
规模以上工业增加值年均增长 10%以上，累计运输 46 万标箱。
依据《通知》（发改基础〔2021〕1788 号），建设 5G 网络和第 3 批试点。
目前已建成高速公路 4000 公里。
"""


@pytest.fixture(scope="module")
def candidates() -> list[Candidate]:
    return extract(SeedText(TEXT))


def _find(candidates: list[Candidate], value: float) -> Candidate:
    return next(c for c in candidates if abs(c.value) == value)


@pytest.mark.parametrize(
    ("value", "line", "unit", "comparator", "kind", "year", "stretch"),
    [
        (66, 4, "%", "about", "level", 2025, False),
        (9000, 4, "公里", "at_least", "level", 2025, False),
        (1, 5, "个", "range", "count", 2025, True),
        (13.5, 5, "%", "reach", "change", 2025, True),
        (10, 6, "%", "at_least", "growth", 2025, False),
        (46, 6, "万标箱", "reach", "cumulative", 2025, False),
        (4000, 8, "公里", "reach", "baseline", 2025, False),
    ],
)
def test_ext001_reads_the_wording_around_each_number(
    candidates, value, line, unit, comparator, kind, year, stretch
) -> None:
    c = _find(candidates, value)
    assert (c.line, c.unit, c.comparator, c.kind, c.year, c.stretch) == (
        line,
        unit,
        comparator,
        kind,
        year,
        stretch,
    )


def test_ext002_a_fall_is_negative_and_a_range_has_its_top(candidates) -> None:
    assert _find(candidates, 13.5).value == -13.5
    assert _find(candidates, 1).value_high == 2
    assert _find(candidates, 13.5).base_year == 2020


def test_ext003_identifiers_are_not_candidates(candidates) -> None:
    values = {abs(c.value) for c in candidates}
    assert not values & {2021, 1788, 5, 3, 2025, 2020}


def test_ext004_score_counts_matches_both_ways(candidates) -> None:
    result = score(candidates, [(3, 66.0), (4, 9000.0), (20, 1.0)])
    assert (result.candidates, result.entries) == (len(candidates), 3)
    assert result.matched_entries == 2 and result.recall == pytest.approx(2 / 3)
    assert result.precision == pytest.approx(2 / len(candidates))


def test_ext011_plan_area_counts_and_locations_are_not_candidates() -> None:
    """What the catalogue refuses is not proposed: the counts a 规划范围 sentence
    makes of its members, and the numbers of a location clause; the measured
    figures of the same sentences are."""
    text = (
        "规划范围包括重庆市的中心城区及万州等 27 个区（县），四川省的成都、资阳等 15 个市，"
        "总面积 18.5 万平方公里。\n"
        "距机场 18 公里，规划建设有渝蓉等 7 条高速、成资等 16 条快速通道，属成渝 1 小时通勤圈。\n"
    )
    values = {c.value for c in extract(SeedText(text))}
    assert values == {18.5, 18.0}
