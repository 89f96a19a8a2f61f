"""Reporting duty (报送责任): which indicators a region is asked to report, and
the rows of its template and online form (在线填报) — one function builds both,
so a file and the form ask for the same figures in the same order.

A unit owes an indicator when

1. a target is set for the unit itself; or
2. a target is set for a grouping the unit belongs to, the grouping's figure is
   built from its members' figures (sum, ratio or weighted mean — never a
   ``not_combinable`` one), and the plan's sentence concerns the unit: a
   sentence that names some of the grouping's members (“资阳(安岳)、遂宁(安居)、
   潼南、大足100万亩柠檬产业集群”) concerns only those, so 成都 is not asked
   for the lemon cluster because it sits in the same agriculture belt; and
3. the indicator is not one the joint office collects itself: the annual major
   projects' planned investment (source 推动成渝地区双城经济圈建设联合办公室)
   comes from the project register (项目调度), not from regions' statisticians.

A derived indicator's components are owed with it (the 空气质量优良天数比率 of a
grouping is summed from each member's 优良天数 and 有效监测天数). Rows come in
the pillars' fixed order (indicators.catalogue.PILLARS), headline indicators
first, then in the catalogue's order (the stored catalogue's is by indicator id),
so a region's form reads the same every time.

Pure: no database, no files; the caller passes the catalogue, the regions and
the accepted values of the previous period.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from indicators.catalogue import PILLARS, PILLARS_EN, Catalogue, Entry, IndicatorDef
from indicators.outliers import SIGNED_UNITS
from indicators.regions import RegionDirectory, normalise_name
from indicators.units import is_share

# indicators whose source is one of these are collected centrally (rule 3)
CENTRAL_SOURCES = ("推动成渝地区双城经济圈建设联合办公室",)
SHARE_MAX = 100.0


@dataclass(frozen=True)
class DutyRow:
    """One row of a region's template and online form."""

    indicator: IndicatorDef
    pillar_zh: str
    pillar_en: str
    last_period: str | None  # the period before, in the canonical spelling
    last_value: float | None  # its accepted value, in the indicator's unit
    low: float | None  # the allowed range the validator enforces (None: open)
    high: float | None

    def range_text(self) -> str:
        """The allowed range as the template and the form show it."""
        if self.low is None and self.high is None:
            return "不限"
        if self.high is None:
            return f"≥{self.low:g}"
        return f"{self.low:g}–{self.high:g}"


def allowed_range(indicator: IndicatorDef) -> tuple[float | None, float | None]:
    """The values the validator accepts (loaders/validate.py refuses the rest):
    no negative figure unless the unit may be signed, a share within 0–100."""
    return value_range(indicator.name_zh, indicator.unit)


def value_range(name_zh: str, unit: str) -> tuple[float | None, float | None]:
    """``allowed_range`` of the indicator named ``name_zh`` measured in ``unit``."""
    if is_share(name_zh, unit):
        return 0.0, SHARE_MAX
    return (None if unit in SIGNED_UNITS else 0.0), None


def impossible_value(name_zh: str, unit: str, value: float) -> str | None:
    """Why ``value`` cannot be a figure of the indicator (outside ``value_range``), in
    Chinese; None when it can. One rule for the intake's validator and the published
    layer's confirmation (公报读取, ``manage.py confirm-figures``)."""
    low, high = value_range(name_zh, unit)
    if high is not None and not (low or 0.0) <= value <= high:
        return f"“{name_zh}”是比例，应在 0—100% 之间"
    if low is not None and value < low:
        return f"“{name_zh}”不能为负数"
    return None


def _names(directory: RegionDirectory, code: str) -> list[str]:
    region = directory[code]
    short = [a for a in region.aliases if len(a) >= 2 and not a.isascii()]
    return [region.name_zh, *short]


def concerned_members(entry: Entry, directory: RegionDirectory) -> set[str]:
    """The leaf members of the entry's grouping that its sentence concerns: those
    it names, or all of them when it names none."""
    members = {m.code for m in directory.leaf_members(entry.scope_code)}
    quote = normalise_name(entry.quote)
    named = {
        code
        for code in members
        if any(normalise_name(name) in quote for name in _names(directory, code))
    }
    return named or members


def _collected_centrally(indicator: IndicatorDef) -> bool:
    return any(indicator.source.startswith(s) for s in CENTRAL_SOURCES)


def owed_indicators(
    catalogue: Catalogue,
    directory: RegionDirectory,
    region_code: str,
    concerned: dict[str, set[str]] | None = None,
) -> list[IndicatorDef]:
    """The indicators ``region_code`` is asked to report, in the form's order.

    ``concerned`` keeps each grouping target's ``concerned_members`` between calls:
    a caller asking for every unit (the completeness matrix) passes one dict, so the
    sentences are read once, not once per unit (51 times)."""
    owed: set[str] = set()
    concerned = {} if concerned is None else concerned
    for entry in catalogue.targets:
        indicator = catalogue.indicators[entry.indicator_id]
        if _collected_centrally(indicator):
            continue
        if entry.scope_code == region_code:
            owed.add(indicator.id)
            owed.update(indicator.components)
            continue
        scope = directory.regions.get(entry.scope_code)
        if scope is None or not scope.is_grouping or indicator.aggregation == "not_combinable":
            continue
        if entry.id not in concerned:
            concerned[entry.id] = concerned_members(entry, directory)
        if region_code in concerned[entry.id]:
            owed.add(indicator.id)
            owed.update(indicator.components)
    return sort_for_form([i for i in catalogue.indicators.values() if i.id in owed])


def sort_for_form(indicators: list[IndicatorDef]) -> list[IndicatorDef]:
    """Pillars in their fixed order, headline indicators first, then the catalogue's order
    (the caller's list order is the catalogue's when it comes from it)."""
    pillar_rank = {p: i for i, p in enumerate(PILLARS)}
    position = {i.id: n for n, i in enumerate(indicators)}
    return sorted(
        indicators,
        key=lambda i: (pillar_rank.get(i.pillar, len(pillar_rank)), not i.headline, position[i.id]),
    )


def duty_rows(
    indicators: list[IndicatorDef],
    last_period: Mapping[str, str | None],
    last_values: Mapping[str, float],
) -> list[DutyRow]:
    """The template's and the form's rows: ``last_period`` maps an indicator to the
    period before the one reported, ``last_values`` to its accepted value there."""
    rows = []
    for indicator in indicators:
        low, high = allowed_range(indicator)
        value = last_values.get(indicator.id)
        rows.append(
            DutyRow(
                indicator,
                PILLARS.get(indicator.pillar, indicator.pillar),
                PILLARS_EN.get(indicator.pillar, indicator.pillar),
                last_period.get(indicator.id),
                None if value is None or not math.isfinite(value) else float(value),
                low,
                high,
            )
        )
    return rows
