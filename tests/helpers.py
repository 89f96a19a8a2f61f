"""Small worlds for tests: a handful of regions, built in code."""

from __future__ import annotations

from indicators.regions import Member, Region, RegionDirectory, Source


def small_directory() -> RegionDirectory:
    """Two provinces, a few units, one partial member, one grouping, and two
    districts that share a short name (市中区) so ambiguity can be tested."""
    source = Source("outline", 1, "规划范围包括")
    regions = [
        Region("500000", "重庆市", "Chongqing", "province", aliases=("重庆",)),
        Region("510000", "四川省", "Sichuan", "province", aliases=("四川",)),
        Region("500101", "万州区", "Wanzhou", "district", "500000", aliases=("万州",)),
        Region(
            "500154",
            "开州区",
            "Kaizhou",
            "district",
            "500000",
            "partial",
            aliases=("开州",),
            partial_note="部分区域",
        ),
        Region("510100", "成都市", "Chengdu", "city", "510000", aliases=("成都",)),
        Region("511000", "内江市", "Neijiang", "city", "510000", aliases=("内江",)),
        Region("511100", "乐山市", "Leshan", "city", "510000", aliases=("乐山",)),
        Region(
            "511002", "市中区", "Shizhong (Neijiang)", "district", "511000", aliases=("内江市中区",)
        ),
        Region(
            "511102", "市中区", "Shizhong (Leshan)", "district", "511100", aliases=("乐山市中区",)
        ),
        Region(
            "wandakai",
            "万达开地区",
            "Wan-Da-Kai area",
            "cooperation_zone",
            aliases=("万达开",),
            members=(Member("500101"), Member("500154", True)),
            source=source,
        ),
        Region(
            "ccec",
            "成渝地区双城经济圈",
            "Chengdu–Chongqing Economic Circle",
            "circle",
            aliases=("双城经济圈",),
            members=(Member("wandakai"), Member("510100")),
            source=source,
        ),
    ]
    return RegionDirectory({r.code: r for r in regions})
