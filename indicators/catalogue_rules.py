"""Rules that read an entry against its sentence (issue 20, item 5).

The structural checks of :mod:`indicators.catalogue` make sure an entry is
well formed and that its quote and number stand in the plan. These rules ask
whether the entry says what the sentence says:

* **plan-area definitions are not figures** — "…资阳等15个市", "…27个区（县）"
  count the members of a plan's area; the regions master data
  (``config/regions.yaml``) records that membership, with the sentence, as a
  grouping. An entry whose indicator is a ``planning_scope_*`` count, or whose
  number counts 区/县/市 inside a grouping's defining sentence, is refused;
* **a plan that defines its own area uses it** — an entry of plan P that
  quotes the sentence defining one of P's groupings carries that grouping; and
  where P defines its own plan area (a grouping whose defining sentence from P
  says 范围包括 / 范围为), its entries do not borrow another plan's area unless
  the quote names it;
* **base_year is stated** — see :func:`stated_base_years` for the forms read;
* **a location is not a baseline** — "属…通勤圈（范围）" and what a sentence
  lists after "规划建设有" (built and planned together) describe where a place
  lies, not a quantity measured at a point in time.

Every message names the file, the entry and the problem, like the others.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from indicators.regions import Region, RegionDirectory
from indicators.seed_text import SeedText, squeeze

if TYPE_CHECKING:
    from indicators.catalogue import Entry, PlanDoc, _Problems

PLAN_AREA_PREFIX = "planning_scope"
BASE_YEAR_CONTEXT_LINES = 10  # how far before its quote a base_year_quote may stand
_FIVE_YEAR_PLANS = {"十二五": 2010, "十三五": 2015, "十四五": 2020, "十五五": 2025}
_QUOTES = re.compile(r"[“”\"‘’「」『』]")
_DASH = r"[—–\-－~～至到]"
_RANGE = re.compile(rf"(\d{{4}})年?{_DASH}(\d{{4}})年")
_YEAR = re.compile(r"(\d{4})年")
_PREVIOUS_YEAR = re.compile(r"上年|上一年|去年")
_PLAN_AREA_SENTENCE = re.compile(r"范围(?:包括|为)")
_LOCATION = re.compile(r"属.{0,30}?(?:圈|范围)")
_PLANNED_AND_BUILT = "规划建设有"
_CLAUSE_END = re.compile(r"[，；。,;]")


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """NFKC (full-width digits), no whitespace, no quotation marks.

    Cached: the plan-area rule folds every grouping's defining sentence once per
    entry (~40 k calls a catalogue load, 0.4 s of every start's check)."""
    return _QUOTES.sub("", unicodedata.normalize("NFKC", squeeze(text)))


# --------------------------------------------------------------- base year ---


def stated_base_years(text: str, year: int) -> set[int]:
    """The base years (exclusive starts) a stretch of plan text states for a
    figure of ``year``:

    * ``B年`` anywhere in it (较2020年, 比2020年, 2020年末, 2020年常住人口) → B;
    * a period ``A—C年`` (2021—2025年, 2023-2027年) → A − 1, the year before it starts;
    * a five-year plan: "十四五"（期间 / 时期）→ 2020, "十三五" (以来) → 2015, its
      end "十三五末" → 2020 (十二五 2010, 十五五 2025 alike);
    * 上年 / 上一年 / 去年 → ``year`` − 1.
    """
    folded = _fold(text)
    years = {int(m[1]) for m in _YEAR.finditer(folded)}
    years |= {int(m[1]) - 1 for m in _RANGE.finditer(folded)}
    for name, before in _FIVE_YEAR_PLANS.items():
        for match in re.finditer(rf"{name}(?:时期)?(末)?", folded):
            years.add(before + 5 if match[1] else before)
    if _PREVIOUS_YEAR.search(folded):
        years.add(year - 1)
    return years


def plan_period_base_year(plan: PlanDoc) -> int | None:
    """The year before the period a plan's title gives (…行动方案（2023—2027年） → 2022)."""
    match = _RANGE.search(_fold(plan.title))
    return int(match[1]) - 1 if match else None


def check_base_year(
    entry: Entry, plan: PlanDoc, seed: SeedText, where: str, problems: _Problems
) -> None:
    """A base_year must be stated: by the quote's sentence, by the plan's period
    in its title, or by ``base_year_quote`` — plan text within the
    ``BASE_YEAR_CONTEXT_LINES`` lines before the quote ("“十三五”以来")."""
    if entry.base_year is None:
        return
    sentence = seed.sentence(entry.quote, entry.line)
    if sentence is None:
        return  # the quote is not on its line: check_traceability says so
    if entry.base_year in stated_base_years(sentence, entry.year):
        return
    if entry.base_year == plan_period_base_year(plan):
        return
    if entry.base_year_quote:
        position = seed.position(entry.quote, entry.line)
        first = max(plan.lines[0], entry.line - BASE_YEAR_CONTEXT_LINES)
        window = seed.squeezed[seed.line_start(first) : (position or 0) + len(squeeze(entry.quote))]
        if squeeze(entry.base_year_quote) not in window:
            problems.add(
                where,
                "base_year_quote",
                f"所引原文 {entry.base_year_quote} 不在本条引文及其前 {BASE_YEAR_CONTEXT_LINES} 行内",
            )
            return
        if entry.base_year in stated_base_years(entry.base_year_quote, entry.year):
            return
    problems.add(
        where,
        "base_year",
        f"基期年份 {entry.base_year} 原文未载明（所在句子、规划标题的规划期"
        + ("、base_year_quote" if entry.base_year_quote else "")
        + " 均未说明）；规划未给出基期时应为 null",
    )


# --------------------------------------------------------------- plan areas ---


def _count_of_areas(entry: Entry) -> bool:
    """The entry's number counts districts, counties or cities (…等15个市, 21个区)."""
    if entry.value is None:  # a vision (远景目标) states no number
        return False
    value = f"{entry.value:g}"
    return re.search(rf"(?<![\d.]){value}个?(?:区|县|市|地级市)", _fold(entry.quote)) is not None


def _defined_in(entry: Entry, region: Region) -> bool:
    return region.source is not None and _fold(entry.quote) in _fold(region.source.quote)


def _named_in(region: Region, quote: str) -> bool:
    folded = _fold(quote)
    names = (region.name_zh, *region.aliases)
    return any(_fold(name) in folded for name in names if name)


def _plan_area(region: Region) -> bool:
    """A grouping whose defining sentence sets its plan's area (规划范围包括 / 为)."""
    return (
        region.is_grouping
        and region.source is not None
        and _PLAN_AREA_SENTENCE.search(_fold(region.source.quote)) is not None
    )


def check_plan_area(
    entry: Entry, regions: RegionDirectory, where: str, problems: _Problems
) -> None:
    """Plan-area definitions are not figures; a plan's own area is used where it
    is meant and another plan's area is not borrowed."""
    defining = [r for r in regions if r.is_grouping and _defined_in(entry, r)]
    if entry.indicator_id.startswith(PLAN_AREA_PREFIX) or (defining and _count_of_areas(entry)):
        what = "基期值" if entry.is_baseline else "目标"
        problems.add(
            where,
            "indicator",
            f"规划范围的界定（“…等N个市/区（县）”）不是{what}：范围的成员已由 config/regions.yaml "
            "的地区组合连同界定它的原文记录，请删去此条",
        )
        return
    own = [r for r in defining if r.source is not None and r.source.plan == entry.plan_id]
    if own and entry.scope_code not in {r.code for r in own}:
        names = "、".join(r.name_zh for r in own)
        problems.add(
            where,
            "scope",
            f"引文出自界定“{names}”范围的句子，scope 应为该地区组合，而非“{entry.scope}”",
        )
        return
    scope = regions[entry.scope_code]
    plan_areas = [
        r
        for r in regions
        if _plan_area(r) and r.source is not None and r.source.plan == entry.plan_id
    ]
    if (
        plan_areas
        and scope.code not in {r.code for r in plan_areas}
        and _plan_area(scope)
        and scope.source is not None
        and scope.source.plan != entry.plan_id
        and not _named_in(scope, entry.quote)
    ):
        problems.add(
            where,
            "scope",
            f"本规划界定了自己的规划范围（{'、'.join(r.name_zh for r in plan_areas)}），"
            f"引文未提及“{scope.name_zh}”，不能沿用另一规划（{scope.source.plan}）的范围",
        )


# ----------------------------------------------------------------- location ---


def check_location(entry: Entry, seed: SeedText, where: str, problems: _Problems) -> None:
    """A baseline is a quantity measured at a point in time, not where a place
    lies: "属…圈/范围", or what a sentence lists after "规划建设有" (built and
    planned links counted together)."""
    if not entry.is_baseline:
        return
    quote = _fold(entry.quote)
    located = _LOCATION.search(quote) is not None or _PLANNED_AND_BUILT in quote
    sentence = seed.sentence(entry.quote, entry.line)
    if not located and sentence is not None:
        folded = _fold(sentence)
        start = folded.find(_PLANNED_AND_BUILT)
        while start >= 0 and not located:
            end = _CLAUSE_END.search(folded, start)
            clause = folded[start : end.start() if end else len(folded)]
            located = quote in clause
            start = folded.find(_PLANNED_AND_BUILT, start + 1)
    if located:
        problems.add(
            where,
            "kind",
            "区位描述（“属…范围”“规划建设有…”）不是基期值：基期值须是某一时点实测的数量，请删去此条",
        )


def check_reading(
    entry: Entry,
    plan: PlanDoc,
    seed: SeedText,
    regions: RegionDirectory,
    where: str,
    problems: _Problems,
) -> None:
    """Every rule of this module, for one entry whose quote stands on its line."""
    check_plan_area(entry, regions, where, problems)
    check_base_year(entry, plan, seed, where, problems)
    check_location(entry, seed, where, problems)
