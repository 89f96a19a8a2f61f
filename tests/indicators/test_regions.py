from __future__ import annotations

from pathlib import Path

import pytest

from indicators.regions import (
    AmbiguousRegionError,
    Member,
    RegionError,
    UnknownRegionError,
    load_region_directory,
    normalise_name,
)
from tests.helpers import small_directory


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("成都", "510100"),
        ("成都市", "510100"),
        ("Chengdu", "510100"),
        ("chengdu city", "510100"),
        ("510100", "510100"),
        ("５１０１００", "510100"),  # full-width digits
        (" 万州区 ", "500101"),
        ("ＷＡＮＺＨＯＵ District", "500101"),
        ("开州", "500154"),
        ("万达开", "wandakai"),
        ("万达开地区", "wandakai"),
        ("双城经济圈", "ccec"),
        ("内江市中区", "511002"),
    ],
)
def test_reg001_any_spelling_resolves_to_one_region(name: str, code: str) -> None:
    assert small_directory().resolve(name).code == code


def test_reg002_unknown_name_is_refused_with_suggestions() -> None:
    with pytest.raises(UnknownRegionError) as info:
        small_directory().resolve("成度")
    assert str(info.value) == "未知地区“成度”；您是否要找：成都市"
    assert info.value.suggestions == ["成都市"]


def test_reg003_unknown_name_without_near_match_says_so_plainly() -> None:
    with pytest.raises(UnknownRegionError, match="^未知地区“伦敦”$"):
        small_directory().resolve("伦敦")


def test_reg004_ambiguous_name_lists_candidates() -> None:
    with pytest.raises(AmbiguousRegionError) as info:
        small_directory().resolve("市中区")
    assert "有歧义" in str(info.value)
    assert info.value.candidates == ["市中区（511002）", "市中区（511102）"]


def test_reg005_partial_membership_propagates_through_nested_groupings() -> None:
    members = {m.code: m.partial for m in small_directory().leaf_members("ccec")}
    assert members == {"500101": False, "500154": True, "510100": False}


def test_reg006_normalise_name_folds_width_case_and_suffixes() -> None:
    assert normalise_name("Ｇｕａｎｇ’ａｎ City") == normalise_name("guangan")
    assert normalise_name("成都") != normalise_name("成都市")


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "regions.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_reg007_master_data_with_errors_is_refused_with_every_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
units:
  - {code: "5001", name_zh: 坏代码, name_en: Bad, level: district, parent: "500000"}
  - {code: "510100", name_zh: 成都市, name_en: Chengdu, level: city, in_circle: partial}
groupings:
  - {id: g1, name_zh: 组合, name_en: G, level: grouping, members: ["999999"]}
""",
    )
    with pytest.raises(RegionError) as info:
        load_region_directory(path)
    message = str(info.value)
    assert "6 位数字" in message
    assert "引用了不存在的地区 500000" in message
    assert "引用了不存在的地区 999999" in message
    assert "须说明 partial_note" in message
    assert "缺少界定其范围的规划原文" in message


def test_reg008_cycles_between_groupings_are_refused(tmp_path: Path) -> None:
    src = "source: {plan: p, line: 1, quote: q}"
    path = _write(
        tmp_path,
        f"""
units: []
groupings:
  - {{id: a, name_zh: 甲, name_en: A, level: grouping, members: [b], {src}}}
  - {{id: b, name_zh: 乙, name_en: B, level: grouping, members: [a], {src}}}
""",
    )
    with pytest.raises(RegionError, match="循环引用"):
        load_region_directory(path)


def test_reg009_member_dataclass_defaults_to_whole() -> None:
    assert Member("500101").partial is False


def test_reg010_lineage_walks_up_nearest_first() -> None:
    directory = small_directory()
    wanzhou = directory.lineage("500101")
    assert wanzhou[0] == "500101" and "500000" in wanzhou[1:]
    assert [directory[c].parent for c in wanzhou[:-1]] == wanzhou[1:]
    assert directory[wanzhou[-1]].parent is None
    assert directory.lineage("no-such-code") == []
