"""The regions of the circle and the groupings that plans set targets for.

Names arrive in many spellings (成都 / 成都市 / Chengdu / 510100); a
:class:`RegionDirectory` turns any of them into one region or refuses with an
error that names the input and the nearest known names. The master data live
in ``config/regions.yaml``; :func:`load_region_directory` validates them.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

UNIT_LEVELS = ("province", "city", "district", "county")
GROUPING_LEVELS = (
    "circle",
    "province_part",
    "grouping",
    "cooperation_zone",
    "new_area",
    "sub_area",
    "external_area",
)
# areas the plans name without listing units: figures are reported for them directly
MEMBERLESS_LEVELS = ("sub_area", "external_area")
IN_CIRCLE = ("full", "partial", "outside")
LEVEL_NAMES_EN = {
    "province": "province",
    "city": "prefecture-level city",
    "district": "district",
    "county": "county",
    "circle": "economic circle",
    "province_part": "part of a province",
    "grouping": "grouping",
    "cooperation_zone": "cooperation zone",
    "new_area": "new area",
    "sub_area": "functional area",
    "external_area": "area outside the circle",
}
LEVEL_NAMES_ZH = {
    "province": "省级",
    "city": "地级市",
    "district": "区",
    "county": "县（市）",
    "circle": "经济圈",
    "province_part": "省内部分",
    "grouping": "区域组合",
    "cooperation_zone": "合作功能区",
    "new_area": "新区",
    "sub_area": "功能区",
    "external_area": "经济圈外区域",
}
_EN_SUFFIXES = re.compile(r"(district|county|city|province|municipality)$")


class RegionError(ValueError):
    """A region name or the master data cannot be used."""


class UnknownRegionError(RegionError):
    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"；您是否要找：{'、'.join(suggestions)}" if suggestions else ""
        super().__init__(f"未知地区“{name}”{hint}")


class AmbiguousRegionError(RegionError):
    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = candidates
        super().__init__(
            f"地区名称“{name}”有歧义，可能是：{'、'.join(candidates)}；请使用全称或代码"
        )


@dataclass(frozen=True)
class Source:
    """The plan sentence that defines a grouping."""

    plan: str
    line: int
    quote: str


@dataclass(frozen=True)
class Member:
    code: str
    partial: bool = False


@dataclass(frozen=True)
class Region:
    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str | None = None
    in_circle: str = "full"
    aliases: tuple[str, ...] = ()
    partial_note: str | None = None
    excludes: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()
    source: Source | None = None
    note: str | None = None

    @property
    def is_grouping(self) -> bool:
        return self.level in GROUPING_LEVELS

    @property
    def partial(self) -> bool:
        return self.in_circle == "partial"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``GET /api/v1/regions``."""
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "level": self.level,
            "is_grouping": self.is_grouping,
            "parent": self.parent,
            "in_circle": self.in_circle,
            "partial": self.partial,
            "partial_note": self.partial_note,
            "excludes": list(self.excludes),
            "aliases": list(self.aliases),
            "members": [{"code": m.code, "partial": m.partial} for m in self.members],
            "source": None
            if self.source is None
            else {
                "plan": self.source.plan,
                "line": self.source.line,
                "quote": self.source.quote,
            },
        }


def normalise_name(name: str) -> str:
    """Fold the spellings people type into one lookup key.

    Full-width characters become half-width (NFKC), case and spaces go, and
    English administrative suffixes ("District", "City") are dropped, so
    ``ＷＡＮＺＨＯＵ district`` and ``Wanzhou`` meet.
    """
    return _normalised(str(name))


@functools.lru_cache(maxsize=16384)
def _normalised(text: str) -> str:
    """``normalise_name`` of a string, cached: the same few hundred names are folded
    again and again (every file cell resolved, every reporting duty worked out)."""
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    text = re.sub(r"[\s'’‘\-–—_.·]", "", text)
    if text.isascii():
        text = _EN_SUFFIXES.sub("", text)
    return text


@dataclass
class RegionDirectory:
    """All regions and groupings, indexed by every name they go by."""

    regions: dict[str, Region]
    _index: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for region in self.regions.values():
            for name in self.names_of(region):
                self._index.setdefault(normalise_name(name), set()).add(region.code)

    @staticmethod
    def names_of(region: Region) -> Iterator[str]:
        yield region.code
        yield region.name_zh
        yield region.name_en
        yield from region.aliases

    def __iter__(self) -> Iterator[Region]:
        return iter(self.regions.values())

    def __len__(self) -> int:
        return len(self.regions)

    def __getitem__(self, code: str) -> Region:
        return self.regions[code]

    def resolve(self, name: str) -> Region:
        """The one region ``name`` means, or an error naming it with suggestions."""
        key = normalise_name(name)
        codes = self._index.get(key, set())
        if len(codes) == 1:
            return self.regions[next(iter(codes))]
        if len(codes) > 1:
            exact = [c for c in codes if normalise_name(self.regions[c].name_zh) == key]
            if len(exact) == 1:
                return self.regions[exact[0]]
            labels = sorted(f"{self.regions[c].name_zh}（{c}）" for c in codes)
            raise AmbiguousRegionError(str(name).strip(), labels)
        raise UnknownRegionError(str(name).strip(), self.suggest(name))

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Official names closest to ``name``, best first."""
        key = normalise_name(name)
        close = difflib.get_close_matches(key, list(self._index), n=limit * 3, cutoff=0.5)
        seen: list[str] = []
        for match in close:
            for code in sorted(self._index[match]):
                label = self.regions[code].name_zh
                if label not in seen:
                    seen.append(label)
        return seen[:limit]

    def lineage(self, code: str) -> list[str]:
        """``code`` and the codes of the regions above it, nearest first (万州区 →
        重庆市); empty for a code the directory does not hold. The one walk up the
        hierarchy: reporting rights, dispatch owners, qualified place names."""
        found: list[str] = []
        while code in self.regions and code not in found:
            found.append(code)
            parent = self.regions[code].parent
            if parent is None:
                break
            code = parent
        return found

    def children(self, code: str) -> list[Region]:
        return [r for r in self.regions.values() if r.parent == code]

    def leaf_members(self, code: str) -> list[Member]:
        """Administrative units a grouping covers, nested groupings expanded.

        A unit reached only through a partial membership stays partial.
        """
        result: dict[str, bool] = {}

        def walk(region: Region, partial: bool) -> None:
            for member in region.members:
                child = self.regions[member.code]
                is_partial = partial or member.partial
                if child.is_grouping:
                    walk(child, is_partial)
                else:
                    result[child.code] = result.get(child.code, True) and is_partial

        walk(self.regions[code], False)
        return [Member(c, p) for c, p in result.items()]


def _region_from_dict(raw: Mapping[str, Any], where: str) -> Region:
    try:
        source = raw.get("source")
        members = tuple(Member(str(m)) for m in raw.get("members", []) or []) + tuple(
            Member(str(m), True) for m in raw.get("partial_members", []) or []
        )
        return Region(
            code=str(raw.get("code") or raw["id"]),
            name_zh=str(raw["name_zh"]),
            name_en=str(raw["name_en"]),
            level=str(raw.get("level") or raw.get("kind")),
            parent=None if raw.get("parent") is None else str(raw["parent"]),
            in_circle=str(raw.get("in_circle", "full")),
            aliases=tuple(str(a) for a in raw.get("aliases", []) or []),
            partial_note=raw.get("partial_note"),
            excludes=tuple(str(e) for e in raw.get("excludes", []) or []),
            members=members,
            source=None
            if not source
            else Source(str(source["plan"]), int(source["line"]), str(source["quote"])),
            note=raw.get("note") or None,
        )
    except KeyError as exc:
        raise RegionError(f"{where}：缺少字段 {exc.args[0]}") from None


def validate_regions(regions: Iterable[Region]) -> list[str]:
    """Every problem in the master data, as Chinese messages naming the entry."""
    problems: list[str] = []
    by_code: dict[str, Region] = {}
    for region in regions:
        if region.code in by_code:
            problems.append(f"地区代码 {region.code} 重复")
        by_code[region.code] = region
    for region in by_code.values():
        where = f"地区 {region.code}（{region.name_zh}）"
        if region.level not in UNIT_LEVELS + GROUPING_LEVELS:
            problems.append(f"{where}：level 取值 {region.level!r} 无效")
        if region.in_circle not in IN_CIRCLE:
            problems.append(f"{where}：in_circle 取值 {region.in_circle!r} 无效")
        if region.level in UNIT_LEVELS and not re.fullmatch(r"\d{6}", region.code):
            problems.append(f"{where}：行政区划代码应为 6 位数字（GB/T 2260）")
        if region.is_grouping and not region.members and region.level not in MEMBERLESS_LEVELS:
            problems.append(f"{where}：区域组合没有成员")
        if region.is_grouping and region.source is None:
            problems.append(f"{where}：区域组合缺少界定其范围的规划原文（source）")
        for ref in [region.parent, *region.excludes, *(m.code for m in region.members)]:
            if ref is not None and ref not in by_code:
                problems.append(f"{where}：引用了不存在的地区 {ref}")
        if region.partial and region.level in UNIT_LEVELS and not region.partial_note:
            problems.append(f"{where}：部分纳入的地区须说明 partial_note")
    return problems


def load_region_directory(path: Path) -> RegionDirectory:
    """Read and validate the master-data file; refuse it whole on any problem."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    regions = [
        _region_from_dict(raw, f"{path.name} units[{i}]")
        for i, raw in enumerate(data.get("units", []))
    ] + [
        _region_from_dict(raw, f"{path.name} groupings[{i}]")
        for i, raw in enumerate(data.get("groupings", []))
    ]
    problems = validate_regions(regions)
    if problems:
        raise RegionError(f"{path.name} 有 {len(problems)} 处错误：\n" + "\n".join(problems))
    directory = RegionDirectory({r.code: r for r in regions})
    _check_cycles(directory)
    return directory


def _check_cycles(directory: RegionDirectory) -> None:
    def visit(code: str, trail: tuple[str, ...]) -> None:
        if code in trail:
            raise RegionError("区域组合成员循环引用：" + " → ".join((*trail, code)))
        for member in directory[code].members:
            visit(member.code, (*trail, code))

    for region in directory:
        visit(region.code, ())
