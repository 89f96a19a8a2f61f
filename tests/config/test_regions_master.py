"""The shipped master data: scope of the circle as the outline defines it."""

from __future__ import annotations

import re

import pytest

from config.settings import CONFIG_DIR
from indicators.regions import RegionDirectory, load_region_directory

SEED_DIR = CONFIG_DIR / "sources"


@pytest.fixture(scope="module")
def directory() -> RegionDirectory:
    return load_region_directory(CONFIG_DIR / "regions.yaml")


def test_mst001_the_circle_has_27_plus_2_partial_in_chongqing(directory: RegionDirectory) -> None:
    cq = directory["ccec_cq"]
    full = [m.code for m in cq.members if not m.partial]
    partial = sorted(directory[m.code].name_zh for m in cq.members if m.partial)
    assert len(full) == 27
    assert partial == ["云阳县", "开州区"]


def test_mst002_the_circle_has_15_sichuan_cities_three_with_exclusions(
    directory: RegionDirectory,
) -> None:
    sc = directory["ccec_sc"]
    assert len(sc.members) == 15
    excluded = {
        directory[m.code].name_zh: sorted(directory[e].name_zh for e in directory[m.code].excludes)
        for m in sc.members
        if m.partial
    }
    assert excluded == {
        "绵阳市": ["北川羌族自治县", "平武县"],
        "达州市": ["万源市"],
        "雅安市": ["天全县", "宝兴县"],
    }


def test_mst003_excluded_and_far_units_are_marked_outside(directory: RegionDirectory) -> None:
    for name in ["万源市", "平武县", "城口县", "天全县"]:
        assert directory.resolve(name).in_circle == "outside"
    assert directory.resolve("宣汉县").in_circle == "full"


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("成德眉资", {"成都市", "德阳市", "眉山市", "资阳市"}),
        ("万达开", {"万州区", "达州市", "开州区"}),
        ("城宣万", {"城口县", "宣汉县", "万源市"}),
        ("遂潼", {"遂宁市", "潼南区"}),
        (
            "重庆中心城区",
            {
                "渝中区",
                "大渡口区",
                "江北区",
                "沙坪坝区",
                "九龙坡区",
                "南岸区",
                "北碚区",
                "渝北区",
                "巴南区",
            },
        ),
    ],
)
def test_mst004_groupings_have_the_members_their_plans_name(
    directory: RegionDirectory, name: str, members: set[str]
) -> None:
    grouping = directory.resolve(name)
    assert {directory[m.code].name_zh for m in grouping.members} == members


def test_mst005_metro_area_takes_21_districts_and_guangan(directory: RegionDirectory) -> None:
    names = {directory[m.code].name_zh for m in directory.resolve("重庆都市圈").members}
    assert len(names) == 22 and "广安市" in names


def test_mst006_every_grouping_quote_stands_at_its_line(directory: RegionDirectory) -> None:
    """The sentence that defines a grouping occurs in the seed, starting on the cited line."""
    lines = (SEED_DIR / "001_a9d4b781dc1e95d7.txt").read_text(encoding="utf-8").splitlines()
    squeezed = [re.sub(r"\s+", "", line) for line in lines]
    starts, offset = [], 0
    for line in squeezed:
        starts.append(offset)
        offset += len(line)
    text = "".join(squeezed)
    for region in directory:
        if region.source is None:
            continue
        quote = re.sub(r"\s+", "", region.source.quote)
        line = region.source.line
        begin = starts[line - 1]
        end = starts[line] if line < len(starts) else len(text)
        found = text.find(quote, begin)
        assert begin <= found < max(end, begin + 1), (region.code, line)


def test_mst007_groupings_reaching_outside_the_circle_keep_their_outside_members(
    directory: RegionDirectory,
) -> None:
    outside = [
        directory[m.code].name_zh
        for m in directory.leaf_members("chengxuanwan")
        if directory[m.code].in_circle == "outside"
    ]
    assert sorted(outside) == ["万源市", "城口县"]
