"""The target catalogue: indicator definitions and every target and baseline
the plans fix, each tied to the sentence that set it.

``load_catalogue`` reads ``config/catalogue/`` and refuses it whole, listing
every problem with file, entry and field, when anything is off: a missing or
mistyped field, an unknown indicator, a scope the regions master data cannot
resolve, a unit that does not convert to the indicator's, a quote that does
not begin on its line, or a value the quote does not state — and, reading the
entry against its sentence (``indicators.catalogue_rules``), a plan-area
definition entered as a figure, a base_year the text does not state, a plan's
own area not used, or a location description entered as a baseline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from indicators.catalogue_rules import check_reading
from indicators.regions import RegionDirectory, RegionError
from indicators.scales import SCALES, classes_in, factors_in, ranks_in
from indicators.seed_text import SeedText, numbers_in
from indicators.units import UnitError, conversion_factor

KINDS = (
    "level",
    "growth",
    "change",
    "cumulative",
    "count",
    "class",
    "rank",
    "relative",
    "baseline",
    "vision",
)
# class: a class on the indicator's ordered scale (一级航道, Ⅱ类), value = its number;
# rank: a place in a national ranking (全国前三), value = N; relative: a factor on the
# base year's value (翻一番 = 2), unit 倍. Each is stated in words, not digits, so the
# quote is read for the class, the place or the factor instead of for a number.
RANK_UNIT, RELATIVE_UNIT = "位", "倍"
WORDED_KINDS = {"class": classes_in, "rank": ranks_in, "relative": factors_in}
# vision: a goal set in words for 2035 (远景目标), with its sentence and the indicator it
# concerns, no value, unit or comparator: shown beside the indicator, never judged.
VISION_FIELDS = ("value", "value_high", "unit", "comparator")
COMPARATORS = ("reach", "at_least", "at_most", "about", "range", "equal")
DIRECTIONS = ("higher", "lower", "band", "none")
FREQUENCIES = ("annual", "quarterly", "monthly")
AGGREGATIONS = ("sum", "ratio", "weighted_mean", "not_combinable")
MEASURES = ("stock", "flow")  # what a count target's series holds (IndicatorDef.measure)
PILLARS = {
    "overall": "综合",
    "spatial": "空间格局",
    "infrastructure": "基础设施",
    "industry": "现代产业",
    "innovation": "科技创新",
    "consumption": "消费",
    "ecology": "生态",
    "opening": "改革开放",
    "reform": "体制机制",
    "urban_rural": "城乡融合",
    "public_services": "公共服务",
}
FREQUENCY_ZH = {"annual": "年度", "quarterly": "季度", "monthly": "月度"}
DIRECTION_ZH = {"higher": "越高越好", "lower": "越低越好", "band": "区间", "none": "无方向"}
AGGREGATION_ZH = {
    "sum": "求和",
    "ratio": "比值（分子、分母分别求和）",
    "weighted_mean": "加权平均",
    "not_combinable": "不可合并",
}
KIND_NAMES_ZH = {
    "level": "水平值",
    "growth": "年均增速",
    "change": "较基期变化",
    "cumulative": "累计值",
    "count": "新增数量",
    "class": "等级类别",
    "rank": "排名",
    "relative": "倍数（较基期）",
    "baseline": "基期值",
    "vision": "远景目标（不评估）",
}
COMPARATOR_NAMES_ZH = {
    "reach": "达到",
    "at_least": "不低于",
    "at_most": "不高于",
    "about": "左右",
    "range": "区间",
    "equal": "等于",
}
# English names beside the Chinese ones: the monitor's pages and exports are
# Chinese by default, with English on request.
PILLARS_EN = {
    "overall": "Overall",
    "spatial": "Spatial layout",
    "infrastructure": "Infrastructure",
    "industry": "Modern industry",
    "innovation": "Innovation",
    "consumption": "Consumption",
    "ecology": "Ecology",
    "opening": "Opening-up",
    "reform": "Institutions",
    "urban_rural": "Urban–rural integration",
    "public_services": "Public services",
}
FREQUENCY_EN = {"annual": "annual", "quarterly": "quarterly", "monthly": "monthly"}
DIRECTION_EN = {
    "higher": "higher is better",
    "lower": "lower is better",
    "band": "within a band",
    "none": "no direction",
}
AGGREGATION_EN = {
    "sum": "sum",
    "ratio": "ratio (numerator and denominator summed)",
    "weighted_mean": "weighted mean",
    "not_combinable": "not combinable",
}
KIND_NAMES_EN = {
    "level": "level",
    "growth": "average annual growth",
    "change": "change from base year",
    "cumulative": "cumulative total",
    "count": "number added",
    "class": "class on an ordered scale",
    "rank": "rank",
    "relative": "multiple of the base year",
    "baseline": "baseline",
    "vision": "vision (in words, not assessed)",
}
INDICATORS_FILE = "indicators.yaml"
# Chinese characters and full-width signs: none may stand in an English text
CHINESE_TEXT = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present


class CatalogueError(ValueError):
    """The catalogue files cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"目标库有 {len(problems)} 处错误：\n" + "\n".join(problems))


@dataclass(frozen=True)
class IndicatorDef:
    id: str
    name_zh: str
    name_en: str
    definition: str
    unit: str
    direction: str
    frequency: str
    pillar: str
    source: str
    aggregation: str
    # the definition in English, for the English pages (statistical terms as the
    # NBS English editions word them); indicators.yaml must give it
    definition_en: str = ""
    # the body that publishes it, in English (主管部门 "competent authorities",
    # 两省市 "of Sichuan and Chongqing"); indicators.yaml must give it
    source_en: str = ""
    components: tuple[str, ...] = ()
    weight: str | None = None
    headline: bool = False
    aliases: tuple[str, ...] = ()  # other names statistics tables use for it
    scale: str | None = None  # an ordered scale of indicators/scales.py: values are class numbers
    limit: float | None = (
        None  # a natural limit (100 %, 0): the no-target trend's cut-offs shrink near it
    )
    # what a count target (新增 / 建成 N) on it counts from: None — the series is the
    # running number of new things; "stock" — a level to difference from the base
    # year's (通车里程); "flow" — the number added each year, summed
    measure: str | None = None
    # summed indicators only: measured at, or counting, particular facilities and sites
    # (airports, ports, hubs, lines, plants, zones, parks, designated units, listed
    # projects, routes) — a region without one has none, so the sample does not spread
    # a grouping's value over its members (indicators.sample_data); the loader asks
    # every ``sum`` indicator to say which it is
    facility: bool = False


@dataclass(frozen=True)
class PlanDoc:
    id: str
    title: str
    issuer: str | None
    date: str | None
    seed: str
    lines: tuple[int, int]
    comment: str | None = None


@dataclass(frozen=True)
class Entry:
    """A target (any kind but ``baseline``) or a baseline, with its provenance."""

    id: str
    plan_id: str
    indicator_id: str
    section: str
    line: int
    quote: str
    scope: str
    scope_code: str
    kind: str
    year: int
    base_year: int | None
    value: float  # None for a vision
    value_high: float | None
    unit: str  # None for a vision
    comparator: str  # None for a vision
    stretch: bool
    # plan text before the quote that states base_year ("“十三五”以来"), when its
    # own sentence does not (indicators.catalogue_rules.check_base_year)
    base_year_quote: str | None = None

    @property
    def is_baseline(self) -> bool:
        return self.kind == "baseline"

    @property
    def is_vision(self) -> bool:
        return self.kind == "vision"


@dataclass
class Catalogue:
    plans: dict[str, PlanDoc] = field(default_factory=dict)
    indicators: dict[str, IndicatorDef] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)

    @property
    def targets(self) -> list[Entry]:
        return [e for e in self.entries.values() if not e.is_baseline and not e.is_vision]

    @property
    def baselines(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.is_baseline]

    @property
    def visions(self) -> list[Entry]:
        """远景目标: goals in words, shown and never judged."""
        return [e for e in self.entries.values() if e.is_vision]

    def counts_by_plan(self) -> dict[str, tuple[int, int]]:
        """(targets, baselines) per plan, in the plans' order."""
        ordered = sorted(self.plans.values(), key=lambda p: (p.seed, p.lines[0]))
        counts = {plan.id: [0, 0] for plan in ordered}
        for entry in self.entries.values():
            if not entry.is_vision:
                counts[entry.plan_id][entry.is_baseline] += 1
        return {plan: (t, b) for plan, (t, b) in counts.items()}


class _Problems:
    """Collects messages that name file, entry and field."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, field_name: str | None, message: str) -> None:
        location = f"{where} 字段 {field_name}" if field_name else where
        self.items.append(f"{location}：{message}")


def _require(
    raw: Mapping[str, Any],
    name: str,
    kind: type | tuple[type, ...],
    where: str,
    problems: _Problems,
    *,
    optional: bool = False,
) -> Any:
    if name not in raw or raw[name] is None:
        if not optional:
            problems.add(where, name, "缺少此字段")
        return None
    value = raw[name]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        problems.add(where, name, f"应为{_type_name(kind)}，实为 {value!r}")
        return None
    if not isinstance(value, kind):
        problems.add(where, name, f"应为{_type_name(kind)}，实为 {value!r}")
        return None
    return value


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "文本", int: "整数", float: "数值", bool: "布尔值", list: "列表"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return "或".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def _choice(value: Any, allowed: Iterable[str], where: str, name: str, problems: _Problems) -> None:
    if value is not None and value not in allowed:
        problems.add(where, name, f"取值 {value!r} 无效，可选：{'、'.join(allowed)}")


def _read_yaml(path: Path, problems: _Problems) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        problems.add(f"文件 {path.name}", None, f"YAML 格式错误：{exc}")
        return {}
    if not isinstance(data, dict):
        problems.add(f"文件 {path.name}", None, "内容应为映射（plan/entries 或 indicators）")
        return {}
    return data


def parse_indicators(path: Path, problems: _Problems) -> dict[str, IndicatorDef]:
    result: dict[str, IndicatorDef] = {}
    for index, raw in enumerate(_read_yaml(path, problems).get("indicators") or []):
        where = f"文件 {path.name} 指标 {raw.get('id', f'#{index + 1}')}"
        values = {
            name: _require(raw, name, str, where, problems)
            for name in (
                "id",
                "name_zh",
                "name_en",
                "definition",
                "definition_en",
                "unit",
                "direction",
                "frequency",
                "pillar",
                "source",
                "source_en",
                "aggregation",
            )
        }
        _choice(values["direction"], DIRECTIONS, where, "direction", problems)
        _choice(values["frequency"], FREQUENCIES, where, "frequency", problems)
        _choice(values["pillar"], PILLARS, where, "pillar", problems)
        _choice(values["aggregation"], AGGREGATIONS, where, "aggregation", problems)
        components = _require(raw, "components", list, where, problems, optional=True) or []
        weight = _require(raw, "weight", str, where, problems, optional=True)
        headline = _require(raw, "headline", bool, where, problems, optional=True) or False
        aliases = _require(raw, "aliases", list, where, problems, optional=True) or []
        scale = _require(raw, "scale", str, where, problems, optional=True)
        _choice(scale, SCALES, where, "scale", problems)
        limit = _require(raw, "limit", (int, float), where, problems, optional=True)
        measure = _require(raw, "measure", str, where, problems, optional=True)
        _choice(measure, MEASURES, where, "measure", problems)
        facility = _require(raw, "facility", bool, where, problems, optional=True)
        if values["aggregation"] == "sum" and raw.get("facility") is None:
            problems.add(
                where,
                "facility",
                "相加型指标须写明是否为设施类（true：只在设施、站点所在地区有值，"
                "如机场、港口、枢纽；false：各地区都有，如地区生产总值）",
            )
        if values["aggregation"] not in (None, "sum") and facility is not None:
            problems.add(where, "facility", "只有相加型（aggregation: sum）指标需要此字段")
        if values["aggregation"] == "ratio" and len(components) != 2:
            problems.add(where, "components", "比值型指标须给出分子、分母两个构成指标")
        if values["aggregation"] == "weighted_mean" and not weight:
            problems.add(where, "weight", "加权平均型指标须给出权重指标")
        if values["definition_en"] is not None and CHINESE_TEXT.search(values["definition_en"]):
            problems.add(where, "definition_en", "英文定义不应含汉字")
        if values["source_en"] is not None and CHINESE_TEXT.search(values["source_en"]):
            problems.add(where, "source_en", "英文来源不应含汉字")
        if None in values.values():
            continue
        if values["id"] in result:
            problems.add(where, "id", "指标 id 重复")
        result[values["id"]] = IndicatorDef(
            **values,
            components=tuple(components),
            weight=weight,
            headline=headline,
            aliases=tuple(str(a) for a in aliases),
            scale=scale,
            limit=None if limit is None else float(limit),
            measure=measure,
            facility=bool(facility),
        )
    for indicator in result.values():
        for ref in (*indicator.components, indicator.weight):
            if ref is not None and ref not in result:
                problems.add(
                    f"文件 {path.name} 指标 {indicator.id}",
                    "components/weight",
                    f"引用了未定义的指标 {ref}",
                )
    return result


def _parse_plan(path: Path, data: Mapping[str, Any], problems: _Problems) -> PlanDoc | None:
    raw = data.get("plan") or {}
    where = f"文件 {path.name} plan"
    plan_id = _require(raw, "id", str, where, problems)
    title = _require(raw, "title", str, where, problems)
    seed = _require(raw, "seed", str, where, problems)
    lines = _require(raw, "lines", list, where, problems)
    if plan_id is not None and plan_id != path.stem:
        problems.add(where, "id", f"应与文件名一致（{path.stem}）")
    if lines is not None and (len(lines) != 2 or not all(isinstance(n, int) for n in lines)):
        problems.add(where, "lines", "应为 [起始行, 结束行]")
        lines = None
    if None in (plan_id, title, seed, lines):
        return None
    date = raw.get("date")
    return PlanDoc(
        plan_id,
        title,
        raw.get("issuer"),
        None if date is None else str(date),
        seed,
        (lines[0], lines[1]),
        data.get("comment"),
    )


def _parse_entry(
    raw: Mapping[str, Any], plan: PlanDoc, path: Path, regions: RegionDirectory, problems: _Problems
) -> Entry | None:
    where = f"文件 {path.name} 条目 {raw.get('id', '?')}"
    before = len(problems.items)
    vision = raw.get("kind") == "vision"
    values: dict[str, Any] = {
        "id": _require(raw, "id", str, where, problems),
        "indicator_id": _require(raw, "indicator", str, where, problems),
        "section": _require(raw, "section", str, where, problems),
        "line": _require(raw, "line", int, where, problems),
        "quote": _require(raw, "quote", str, where, problems),
        "scope": _require(raw, "scope", str, where, problems),
        "kind": _require(raw, "kind", str, where, problems),
        "year": _require(raw, "year", int, where, problems),
        "base_year": _require(raw, "base_year", int, where, problems, optional=True),
        "value": _require(raw, "value", (int, float), where, problems, optional=vision),
        "value_high": _require(raw, "value_high", (int, float), where, problems, optional=True),
        "unit": _require(raw, "unit", (str, int), where, problems, optional=vision),
        "comparator": _require(raw, "comparator", str, where, problems, optional=vision),
        "stretch": _require(raw, "stretch", bool, where, problems, optional=vision),
        "base_year_quote": _require(raw, "base_year_quote", str, where, problems, optional=True),
    }
    _choice(values["kind"], KINDS, where, "kind", problems)
    _choice(values["comparator"], COMPARATORS, where, "comparator", problems)
    if values["line"] is not None and not plan.lines[0] <= values["line"] <= plan.lines[1]:
        problems.add(
            where,
            "line",
            f"第 {values['line']} 行不在本规划的范围 {plan.lines[0]}–{plan.lines[1]} 内",
        )
    if values["comparator"] == "range" and values["value_high"] is None:
        problems.add(where, "value_high", "区间目标须给出上限")
    _check_worded_kind(values, where, problems)
    for name in VISION_FIELDS if vision else ():
        if values[name] is not None:
            problems.add(where, name, "远景目标以文字表述，不填数值、单位和比较方式（写 null）")
    if values["scope"] is not None:
        try:
            values["scope_code"] = regions.resolve(values["scope"]).code
        except RegionError as exc:
            problems.add(where, "scope", str(exc))
    if len(problems.items) > before:
        return None
    if vision:
        values["stretch"] = bool(values["stretch"])
        return Entry(plan_id=plan.id, **values)
    values["unit"] = str(values["unit"])
    values["value"] = float(values["value"])
    if values["value_high"] is not None:
        values["value_high"] = float(values["value_high"])
    return Entry(plan_id=plan.id, **values)


def _check_worded_kind(values: Mapping[str, Any], where: str, problems: _Problems) -> None:
    """Class and rank targets are met at or below their number; a relative target
    is a factor (unit 倍) reached from its base year."""
    kind, comparator, unit = values["kind"], values["comparator"], values["unit"]
    if kind in ("class", "rank") and comparator not in (None, "reach", "at_most"):
        problems.add(where, "comparator", "等级、排名目标只能是 reach 或 at_most（达到或优于）")
    if kind == "rank" and unit not in (None, RANK_UNIT):
        problems.add(where, "unit", f"排名目标的单位应为“{RANK_UNIT}”")
    if kind == "relative":
        if unit not in (None, RELATIVE_UNIT):
            problems.add(where, "unit", f"倍数目标的单位应为“{RELATIVE_UNIT}”")
        if comparator not in (None, "reach", "at_least"):
            problems.add(where, "comparator", "倍数目标只能是 reach 或 at_least")
    if kind in WORDED_KINDS and values["value_high"] is not None:
        problems.add(where, "value_high", "等级、排名、倍数目标没有上限")


def parse_plan_file(
    path: Path, regions: RegionDirectory, problems: _Problems
) -> tuple[PlanDoc | None, list[Entry]]:
    data = _read_yaml(path, problems)
    plan = _parse_plan(path, data, problems)
    if plan is None:
        return None, []
    entries = data.get("entries")
    if entries is None:
        problems.add(
            f"文件 {path.name}", "entries", "缺少此字段（无量化目标时写 entries: [] 并加 comment）"
        )
        return plan, []
    if not entries and not plan.comment:
        problems.add(f"文件 {path.name}", "comment", "没有条目的规划须以 comment 说明原因")
    parsed = [_parse_entry(raw, plan, path, regions, problems) for raw in entries]
    return plan, [e for e in parsed if e is not None]


def check_entry_against_indicator(
    entry: Entry, indicator: IndicatorDef | None, where: str, problems: _Problems
) -> None:
    if indicator is None:
        problems.add(where, "indicator", f"未定义的指标 {entry.indicator_id}")
        return
    if entry.is_vision:
        return  # no value, no unit: only the indicator it concerns
    if entry.kind == "class" and indicator.scale is None:
        problems.add(
            where, "indicator", f"等级目标的指标 {indicator.id} 须在 indicators.yaml 写明 scale"
        )
    if entry.kind == "class" and indicator.scale is not None:
        if int(entry.value) != entry.value or entry.value not in SCALES[indicator.scale].labels:
            problems.add(
                where, "value", f"{entry.value:g} 不是{SCALES[indicator.scale].name_zh}中的等级"
            )
    if entry.kind != "class" and indicator.scale is not None and not entry.is_baseline:
        problems.add(where, "kind", f"指标 {indicator.id} 是等级量表，目标应为 class")
    if entry.kind == "relative":
        return  # a factor (倍) on the indicator's own unit: nothing to convert
    try:
        conversion_factor(entry.unit, indicator.unit)
    except UnitError:
        problems.add(
            where,
            "unit",
            f"单位“{entry.unit}”不能换算为指标 {indicator.id} 的单位“{indicator.unit}”",
        )


def check_traceability(entry: Entry, seed: SeedText, where: str, problems: _Problems) -> None:
    """The quote begins on its line, and states the entry's value."""
    match = seed.find(entry.quote, entry.line)
    if match is None:
        found = seed.locate(entry.quote)
        hint = (
            f"（原文出现在第 {'、'.join(map(str, found[:5]))} 行）"
            if found
            else "（原文中找不到此句）"
        )
        problems.add(where, "quote", f"引文不是从第 {entry.line} 行开始{hint}")
        return
    read = WORDED_KINDS.get(entry.kind, numbers_in)
    stated = read(entry.quote) | read(match.original)
    for name, value in (("value", entry.value), ("value_high", entry.value_high)):
        if value is not None and not any(abs(abs(value) - n) < 1e-9 for n in stated):
            problems.add(
                where,
                name,
                f"数值 {value:g} 在引文中找不到（引文中的数："
                + "、".join(f"{n:g}" for n in sorted(stated))
                + "）",
            )


def load_catalogue(folder: Path, regions: RegionDirectory, sources: Path) -> Catalogue:
    """Read and check every catalogue file in ``folder``; refuse the lot on any problem."""
    problems = _Problems()
    catalogue = Catalogue()
    catalogue.indicators = parse_indicators(folder / INDICATORS_FILE, problems)
    seeds: dict[str, SeedText] = {}
    plan_files = sorted(
        p for p in folder.glob("*.yaml") if p.name != INDICATORS_FILE and not p.name.startswith("_")
    )
    for path in plan_files:
        plan, entries = parse_plan_file(path, regions, problems)
        if plan is None:
            continue
        catalogue.plans[plan.id] = plan
        seed_path = sources / plan.seed
        if not seed_path.exists():
            problems.add(f"文件 {path.name} plan", "seed", f"找不到原文文件 {plan.seed}")
            continue
        if plan.seed not in seeds:
            seeds[plan.seed] = SeedText.from_file(seed_path)
        seed = seeds[plan.seed]
        for entry in entries:
            where = f"文件 {path.name} 条目 {entry.id}"
            if entry.id in catalogue.entries:
                problems.add(
                    where, "id", f"条目 id 重复（另见 {catalogue.entries[entry.id].plan_id}）"
                )
                continue
            check_entry_against_indicator(
                entry, catalogue.indicators.get(entry.indicator_id), where, problems
            )
            check_traceability(entry, seed, where, problems)
            check_reading(entry, plan, seed, regions, where, problems)
            catalogue.entries[entry.id] = entry
    _check_duplicates(catalogue, problems)
    _check_count_measures(catalogue, problems)
    if problems.items:
        raise CatalogueError(problems.items)
    return catalogue


def _check_count_measures(catalogue: Catalogue, problems: _Problems) -> None:
    """A count target (新增 / 建成 N) on an indicator other entries hold as a level
    (a baseline, a level target: 通车里程 4000 公里) would be set against a stock;
    the indicator must say what its series holds (``measure``: stock or flow)."""
    levels = {
        e.indicator_id
        for e in catalogue.entries.values()
        if e.kind not in ("count", "change", "cumulative", "growth", "vision")
    }
    for entry in catalogue.entries.values():
        indicator = catalogue.indicators.get(entry.indicator_id)
        if entry.kind != "count" or indicator is None or indicator.measure is not None:
            continue
        if entry.indicator_id in levels:
            problems.add(
                f"条目 {entry.id}",
                "indicator",
                f"新增数量目标的指标 {entry.indicator_id} 另有条目按水平值（存量）使用，"
                "须在 indicators.yaml 写明 measure: stock（存量，按基期差额计新增）"
                "或 flow（逐年新增量，按年加总）",
            )


def _check_duplicates(catalogue: Catalogue, problems: _Problems) -> None:
    """The same number set twice for the same thing is one entry too many."""
    seen: dict[tuple[Any, ...], str] = {}
    for entry in catalogue.entries.values():
        key = (
            entry.plan_id,
            entry.indicator_id,
            entry.scope_code,
            entry.kind,
            entry.year,
            entry.base_year,
            entry.value,
            entry.value_high,
            entry.line,
        )
        if key in seen:
            problems.add(f"条目 {entry.id}", None, f"与条目 {seen[key]} 重复")
        else:
            seen[key] = entry.id
