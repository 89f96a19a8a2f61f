"""Progress against a target: the published methods, as pure functions.

Default measure (Statistics Canada, as implemented in Open SDG's
``ProgressMeasure.py``): the ratio R of the actual compound annual growth rate
since the baseline to the rate the target requires, read against the cut-offs
0.95 / 0.60 / 0. Beside it, UN ESCAP's current-status index (share of the way
from baseline to target) and a projection of the target-year value at the
actual rate (as Germany's sustainability indicators and the UN Statistics
Division's progress chart do). Targets that start from zero (change versus a
base year, cumulative totals, counts of new things) follow a straight path, so
R is the share of the way done over the share of the time gone. Class and rank
targets (一级航道, 全国前三) are reached or not; relative targets (翻一番) are a
level target whose value is the base year's times the factor. Series with
negative values and indicators without a target follow Open SDG's reference
(``sdg/ProgressMeasure.py`` of open-sdg/sdg-build, commit 139fede7: the sign
factor, methodology 1 and its limit coefficient). Every choice is written in
docs/methodology.md, whose worked examples are tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

ON_TRACK, ACCELERATION, LIMITED = 0.95, 0.60, 0.0
ABOUT_TOLERANCE = 0.02  # 左右: within 2 % of the target value counts as reached
STATUS_ZH = {
    "achieved": "已实现",
    "on_track": "符合进度",
    "needs_acceleration": "需加快",
    "limited": "进展缓慢",
    "deterioration": "偏离",
    "insufficient": "数据不足",
    "met": "已实现",
    "missed": "未实现",
}
STATUS_EN = {
    "achieved": "achieved",
    "on_track": "on track",
    "needs_acceleration": "needs acceleration",
    "limited": "limited progress",
    "deterioration": "deterioration",
    "insufficient": "insufficient data",
    "met": "met",
    "missed": "missed",
}
STATUS_ORDER = (
    "met",
    "achieved",
    "on_track",
    "needs_acceleration",
    "limited",
    "deterioration",
    "missed",
    "insufficient",
)

# How a target's status moved between two assessment years. Statuses that read
# the same (met and achieved: 已实现) share a rank; "insufficient" has none, as
# it says nothing about progress.
CHANGES = ("improved", "worsened", "unchanged", "new", "unassessable")
CHANGE_ZH = {
    "improved": "改善",
    "worsened": "变差",
    "unchanged": "不变",
    "new": "新评估",
    "unassessable": "转为数据不足",
}
CHANGE_EN = {
    "improved": "improved",
    "worsened": "worsened",
    "unchanged": "unchanged",
    "new": "newly assessed",
    "unassessable": "no longer assessable",
}


@dataclass(frozen=True)
class Point:
    """One annual value and where it comes from (an observation id, or the plan)."""

    year: int
    value: float
    source: str = ""
    # a published bound: "lower" — the value is at least this (超过, 突破, 以上);
    # "upper" — at most this; "" — the value itself
    bound: str = ""


@dataclass(frozen=True)
class TargetSpec:
    """What the assessment needs of a catalogue target, values in the indicator's unit."""

    id: str
    kind: str  # level | growth | change | cumulative | count | class | rank | relative
    year: int
    value: float
    comparator: str  # reach | at_least | at_most | about | range | equal
    direction: str  # the indicator's: higher | lower | band | none
    base_year: int | None = None
    value_high: float | None = None
    # for a count target, what the indicator's series holds: "" the running number
    # of new things; "stock" a level (通车里程, 企业总数) to difference from the base
    # year's; "flow" the things added each year, to sum (indicators.yaml ``measure``)
    measure: str = ""


@dataclass(frozen=True)
class Assessment:
    target_id: str
    as_of: int
    status: str
    final: bool
    method: str  # cagr | linear | growth_rate | final | single (one value against a floor)
    baseline: Point | None
    baseline_from_plan: bool
    latest: Point | None
    share_of_way: float | None  # ESCAP current-status index, capped at 1
    share_of_time: float | None
    expected_now: float | None  # on the path the target requires
    cagr_actual: float | None
    cagr_required: float | None
    ratio: float | None  # R
    projected: float | None  # the target-year value at the actual rate
    gap: float | None  # target minus projection, direction-adjusted (> 0: shortfall)
    used: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def status_zh(self) -> str:
        return STATUS_ZH[self.status]


def status_rank(status: str) -> int | None:
    """Smaller is better: the position in STATUS_ORDER, with met and achieved
    equal (both 已实现, early or on time); None for "insufficient"."""
    if status == "insufficient":
        return None
    return STATUS_ORDER.index("achieved" if status == "met" else status)


def status_change(previous: str | None, current: str) -> str:
    """One of CHANGES for a target whose status went from ``previous`` (None: no
    earlier snapshot) to ``current``. Moves into or out of "insufficient" are
    neither better nor worse: out of it is "new", into it "unassessable"."""
    before = None if previous is None else status_rank(previous)
    now = status_rank(current)
    if before is None:
        return "unchanged" if now is None and previous is not None else "new"
    if now is None:
        return "unassessable"
    if now == before:
        return "unchanged"
    return "improved" if now < before else "worsened"


def classify(ratio: float) -> str:
    if ratio >= ON_TRACK:
        return "on_track"
    if ratio >= ACCELERATION:
        return "needs_acceleration"
    if ratio >= LIMITED:
        return "limited"
    return "deterioration"


def desired_direction(target: TargetSpec, start: float) -> int:
    """+1 when the target wants the value to rise, −1 when to fall."""
    if target.comparator == "at_least":
        return 1
    if target.comparator == "at_most":
        return -1
    if target.value != start:
        return 1 if target.value > start else -1
    return -1 if target.direction == "lower" else 1


def is_met(target: TargetSpec, value: float, direction: int) -> bool:
    """Whether ``value`` satisfies the target's wording."""
    if target.comparator == "at_least":
        return value >= target.value
    if target.comparator == "at_most":
        return value <= target.value
    if target.comparator == "about":
        return direction * (value - target.value) >= -ABOUT_TOLERANCE * abs(target.value)
    if target.comparator == "range" and target.value_high is not None:
        low, high = sorted((target.value, target.value_high))
        return value >= low if direction > 0 else value <= high
    return direction * (value - target.value) >= 0


def cagr(start: float, end: float, years: float) -> float | None:
    if years <= 0 or start <= 0 or end <= 0:
        return None
    return float((end / start) ** (1 / years) - 1)


def signed_growth(start: float, end: float, years: float) -> float | None:
    """The compound annual growth of the magnitude, for two values of the same sign
    (Open SDG's ``growth_calculation``: (end/start)^(1/years) − 1, defined for a
    negative series as for a positive one); None across zero or without time."""
    if years <= 0 or start == 0 or end / start <= 0:
        return None
    return float((end / start) ** (1 / years) - 1)


def _insufficient(
    target: TargetSpec, as_of: int, baseline: Point | None, from_plan: bool, note: str
) -> Assessment:
    return Assessment(
        target.id,
        as_of,
        "insufficient",
        as_of >= target.year,
        "",
        baseline,
        from_plan,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        tuple(p.source for p in (baseline,) if p and p.source),
        note,
    )


def assess(
    target: TargetSpec, series: list[Point], as_of: int, plan_baseline: Point | None = None
) -> Assessment:
    """The status of ``target`` as of year ``as_of`` from annual ``series``.

    A figure published as a bound (超过 X: at least X) decides only what it
    makes certain — a lower bound at or above a goal to be reached meets it,
    one above a ceiling misses it; otherwise the bounds are set aside and the
    target judged on the exact figures alone, with a note."""
    bounded = [p for p in _known(series, as_of) if p.bound]
    if not bounded:
        return _assess_exact(target, series, as_of, plan_baseline)
    taken = _assess_exact(target, series, as_of, plan_baseline)
    if bounds_decide(taken.status, {p.bound for p in bounded}, _sense(target, taken)) and not (
        taken.baseline is not None and taken.baseline.bound and target.kind != "level"
    ):
        note = f"{_years(bounded)}年的数为{_bound_words(bounded)}，已足以判定"
        return replace(taken, note=_join(taken.note, note))
    exact = [p for p in series if not p.bound]
    result = _assess_exact(target, exact, as_of, plan_baseline)
    note = f"{_years(bounded)}年的数为{_bound_words(bounded)}，不能据以判定，未采用"
    return replace(result, note=_join(result.note, note))


BOUND_ZH = {"lower": "下限（超过、突破、以上）", "upper": "上限（以下、不超过）"}
BOUND_EN = {"lower": "lower bound (more than)", "upper": "upper bound (at most)"}
# in a figure's parentheses: "≥5,000列（2025，下限）"
BOUND_SHORT_ZH = {"lower": "下限", "upper": "上限"}
BOUND_SHORT_EN = {"lower": "lower bound", "upper": "upper bound"}
# before a bound's value: it is at least (at most) this
BOUND_SIGN = {"lower": "≥", "upper": "≤"}


def bounds_decide(status: str, bounds: set[str], sense: int) -> bool:
    """Whether a verdict reached on figures that are bounds holds for the true
    values: a goal met on lower bounds when more is better (the truth is higher
    still) or on upper bounds when less is better; missed on the opposite ones."""
    favourable = "lower" if sense > 0 else "upper"
    if status in ("met", "achieved"):
        return bounds == {favourable}
    if status == "missed":
        return bounds == ({"lower", "upper"} - {favourable})
    return False


def _sense(target: TargetSpec, a: Assessment) -> int:
    """+1 when a higher figure is better for ``target``, −1 when a lower one is."""
    if target.kind in ORDINAL_KINDS:
        return -1
    if target.kind in ("growth", "change", "cumulative", "count"):
        return -1 if target.comparator == "at_most" or target.value < 0 else 1
    if a.baseline is not None:
        return desired_direction(target, a.baseline.value)
    if target.comparator in ("at_least", "at_most"):
        return 1 if target.comparator == "at_least" else -1
    return -1 if target.direction == "lower" else 1


def _years(points: list[Point]) -> str:
    return "、".join(str(p.year) for p in points)


def _bound_words(points: list[Point]) -> str:
    return "、".join(dict.fromkeys(BOUND_ZH[p.bound] for p in points))


def _join(*notes: str) -> str:
    return "；".join(n for n in notes if n)


def _assess_exact(
    target: TargetSpec, series: list[Point], as_of: int, plan_baseline: Point | None
) -> Assessment:
    if target.kind == "count" and target.measure:
        target, series, note = count_as_running(target, series, as_of)
        if not series:
            return _insufficient(target, as_of, None, False, note)
        result = _assess_from_zero(target, series, as_of)
        return replace(result, note=_join(note, result.note))
    if target.kind == "growth":
        return _assess_growth(target, series, as_of)
    if target.kind in ("change", "cumulative", "count"):
        return _assess_from_zero(target, series, as_of)
    if target.kind in ORDINAL_KINDS:
        return _assess_ordinal(target, series, as_of)
    if target.kind == "relative":
        return _assess_relative(target, series, as_of, plan_baseline)
    return _assess_level(target, series, as_of, plan_baseline)


def _known(series: list[Point], as_of: int) -> list[Point]:
    by_year = {p.year: p for p in series if p.year <= as_of}
    return [by_year[y] for y in sorted(by_year)]


def _assess_level(
    target: TargetSpec, series: list[Point], as_of: int, plan_baseline: Point | None
) -> Assessment:
    known = _known(series, as_of)
    from_plan = plan_baseline is not None and plan_baseline.year < target.year
    baseline = plan_baseline if from_plan else (known[0] if known else None)
    note = "" if from_plan else "规划未给出基期值，以首个观测值为基期"
    if baseline is None:
        return _insufficient(target, as_of, None, False, "尚无观测值")
    later = [p for p in known if p.year > baseline.year]
    if not later:
        if not from_plan:
            decided = _one_value_against_a_floor(target, baseline, as_of)
            if decided is not None:
                return decided
        return _insufficient(target, as_of, baseline, from_plan, note or "基期之后尚无观测值")
    latest = later[-1]
    d = desired_direction(target, baseline.value)
    used = tuple(p.source for p in (baseline, latest) if p.source)
    t0, t, ty = baseline.year, latest.year, target.year
    if as_of >= ty:
        at_year = next((p for p in known if p.year == ty), None)
        if at_year is None:
            return _insufficient(target, as_of, baseline, from_plan, "目标年份的数据尚未报送")
        verdict = "met" if is_met(target, at_year.value, d) else "missed"
        return Assessment(
            target.id,
            as_of,
            verdict,
            True,
            "final",
            baseline,
            from_plan,
            at_year,
            _share(baseline.value, at_year.value, target.value),
            1.0,
            target.value,
            None,
            None,
            None,
            at_year.value,
            d * (target.value - at_year.value),
            used,
            note,
        )
    share_time = (t - t0) / (ty - t0)
    share_way = _share(baseline.value, latest.value, target.value)
    # a negative series (all three values below zero) grows in magnitude as a
    # positive one does: Open SDG's sign rule, under which R needs no sign factor
    # because it is the observed over the required growth of the same series
    actual = signed_growth(baseline.value, latest.value, t - t0)
    required = signed_growth(baseline.value, target.value, ty - t0)
    if actual is not None and required is not None and required != 0:
        # R from continuously compounded rates: equal to StatCan's CAGR ratio to
        # within rounding at the rates plans set, and symmetric, so that a
        # lower-is-better series mirrors a higher-is-better one exactly
        method = "cagr"
        ratio = (math.log(latest.value / baseline.value) / (t - t0)) / (
            math.log(target.value / baseline.value) / (ty - t0)
        )
        expected = baseline.value * (1 + required) ** (t - t0)
        projected = latest.value * (1 + actual) ** (ty - t)
    else:  # zero or negative values, or no change required: the straight path
        method = "linear"
        # a target equal to the baseline that is no longer met has moved away from it
        ratio = (share_way / share_time) if share_way is not None else -math.inf
        expected = baseline.value + (target.value - baseline.value) * share_time
        slope = (latest.value - baseline.value) / (t - t0)
        projected = latest.value + slope * (ty - t)
    status = "achieved" if is_met(target, latest.value, d) else classify(ratio)
    return Assessment(
        target.id,
        as_of,
        status,
        False,
        method,
        baseline,
        from_plan,
        latest,
        share_way,
        share_time,
        expected,
        actual,
        required,
        ratio,
        projected,
        d * (target.value - projected),
        used,
        note,
    )


def floor_sense(target: TargetSpec) -> int | None:
    """+1 when the target is a floor (X以上, or 达到/提高到 X on an indicator where
    more is better), −1 when it is a ceiling (不超过 X, or 降至 X where less is
    better); None when the wording and the indicator leave the side open."""
    if target.comparator == "at_least":
        return 1
    if target.comparator == "at_most":
        return -1
    if target.comparator == "reach" and target.direction in ("higher", "lower"):
        return 1 if target.direction == "higher" else -1
    return None


def _one_value_against_a_floor(target: TargetSpec, only: Point, as_of: int) -> Assessment | None:
    """A level target that is a floor or a ceiling (巩固在60%以上, 控制在2‰以内,
    达到27个 on an indicator where more is better) with a single observed year
    and no baseline in the plan. The rate of progress needs two years; whether
    the floor is held does not. Before the target year a value at or beyond the
    floor is 已实现 (achieved); one short of it says nothing about the pace and
    stays 数据不足. A value of the target year itself decides met or missed.
    None when the rule does not apply."""
    d = floor_sense(target)
    if d is None:
        return None
    met = d * (only.value - target.value) >= 0
    final = as_of >= target.year
    if final and only.year != target.year:
        return None
    if not final and not met:
        return None
    status = ("met" if met else "missed") if final else "achieved"
    side = "以上" if d > 0 else "以下"
    if final:  # the words the final evaluation (终期评估) uses for the same case
        note = "只有目标年份一个数值，已达到目标" if met else "无基期数据，无法计算完成程度"
    else:
        note = (
            f"只有{only.year}年一个数值、规划未给出基期：进度比率无从计算，"
            f"但“{target.value:g}{side}”的目标已达到，据此判定"
        )
    return Assessment(
        target.id,
        as_of,
        status,
        final,
        "final" if final else "single",
        None,
        False,
        only,
        1.0 if met else None,
        None,
        None,
        None,
        None,
        None,
        only.value,
        d * (target.value - only.value),
        (only.source,) if only.source else (),
        note,
    )


def _share(start: float, now: float, goal: float) -> float | None:
    """ESCAP's current-status index: the share of the way done, capped at 1."""
    if goal == start:
        return None
    return min(1.0, (now - start) / (goal - start))


def _assess_growth(target: TargetSpec, series: list[Point], as_of: int) -> Assessment:
    """年均增长 X%: the series holds the yearly rates (in %); their geometric mean
    over the period so far is set against X."""
    start = target.base_year if target.base_year is not None else target.year - 5
    rates = [p for p in _known(series, as_of) if start < p.year <= target.year]
    if not rates:
        return _insufficient(target, as_of, None, False, "该期间尚无年度增速数据")
    growth = math.prod(1 + p.value / 100 for p in rates) ** (1 / len(rates)) - 1
    actual = growth * 100
    d = -1 if target.comparator == "at_most" else 1
    ratio = actual / target.value if target.value else math.inf
    final = as_of >= target.year
    met = is_met(target, actual, d)
    if final and rates[-1].year == target.year:
        status = "met" if met else "missed"
    elif final:
        return _insufficient(target, as_of, None, False, "目标年份的增速数据尚未报送")
    else:
        status = "on_track" if met else classify(ratio if d > 0 else (1 / ratio if ratio else 0))
    share_time = (rates[-1].year - start) / (target.year - start)
    return Assessment(
        target.id,
        as_of,
        status,
        final,
        "growth_rate",
        None,
        False,
        rates[-1],
        None,
        share_time,
        target.value,
        growth,
        target.value / 100,
        ratio,
        actual,
        d * (target.value - actual),
        tuple(p.source for p in rates if p.source),
        f"{rates[0].year}—{rates[-1].year} 年均增长 {actual:.2f}%",
    )


def _assess_from_zero(target: TargetSpec, series: list[Point], as_of: int) -> Assessment:
    """比基年变化、累计值、新增数量: zero at the base year, the target value at the
    target year, a straight path between. For ``cumulative`` the series holds
    yearly flows and is summed; otherwise it holds the running figure."""
    known = _known(series, as_of)
    start = target.base_year
    note = ""
    if start is None:
        if not known:
            return _insufficient(target, as_of, None, False, "尚无观测值")
        start = known[0].year - 1
        note = f"规划未给出基期年份，以首个观测年份的前一年（{start}年）为起点"
    period = [p for p in known if start < p.year <= target.year]
    if not period:
        return _insufficient(target, as_of, None, False, note or "基期之后尚无观测值")
    t = period[-1].year
    if target.kind == "cumulative":
        missing = missing_years(period, start)
        if missing:
            gap = f"累计值缺少{'、'.join(map(str, missing))}年的数，期间各年不全，不作判定"
            return _insufficient(target, as_of, None, False, _join(note, gap))
        now = sum(p.value for p in period)
    else:
        now = period[-1].value
    latest = Point(t, now, period[-1].source)
    d = -1 if target.comparator == "at_most" or (target.value < 0) else 1
    used = tuple(p.source for p in period if p.source)
    share_time = (t - start) / (target.year - start)
    share_way = min(1.0, now / target.value) if target.value else None
    expected = target.value * share_time
    projected = now / share_time if share_time else None
    if as_of >= target.year:
        if t != target.year:
            return _insufficient(target, as_of, None, False, "目标年份的数据尚未报送")
        status = "met" if is_met(target, now, d) else "missed"
        return Assessment(
            target.id,
            as_of,
            status,
            True,
            "final",
            Point(start, 0.0, "基期"),
            False,
            latest,
            share_way,
            1.0,
            target.value,
            None,
            None,
            None,
            now,
            d * (target.value - now),
            used,
            note,
        )
    ratio = (share_way / share_time) if share_way is not None and share_time else 0.0
    status = "achieved" if is_met(target, now, d) else classify(ratio)
    return Assessment(
        target.id,
        as_of,
        status,
        False,
        "linear",
        Point(start, 0.0, "基期"),
        False,
        latest,
        share_way,
        share_time,
        expected,
        None,
        None,
        ratio,
        projected,
        None if projected is None else d * (target.value - projected),
        used,
        note,
    )


def missing_years(period: list[Point], start: int) -> list[int]:
    """The years after ``start`` up to the last of ``period`` that it has no figure
    for: a cumulative total summed over them would be short by their flows."""
    have = {p.year for p in period}
    return [y for y in range(start + 1, period[-1].year + 1) if y not in have] if period else []


def count_as_running(
    target: TargetSpec, series: list[Point], as_of: int
) -> tuple[TargetSpec, list[Point], str]:
    """A count target (新增 / 建成 N) on an indicator whose series is not the running
    number of new things, turned into one that is: a stock (通车里程) minus the
    stock of the base year — the plan's, else the first observed year — or yearly
    additions summed as a cumulative total. The series is empty, and the note says
    why, when the base year's stock is not known (never a stock against a count)."""
    if target.measure == "flow":
        return replace(target, kind="cumulative", measure=""), series, ""
    known = _known(series, as_of)
    start = target.base_year if target.base_year is not None else (known[0].year if known else None)
    base = next((p for p in known if p.year == start and not p.bound), None)
    level = replace(target, base_year=start, measure="")
    if base is None:
        why = (
            "尚无观测值"
            if start is None
            else f"基期（{start}年）的存量尚无确切数值，无法算出新增量"
        )
        return level, [], why
    assert start is not None  # a base point was found for it
    running = [
        Point(p.year, p.value - base.value, p.source, p.bound) for p in series if p.year > start
    ]
    note = f"新增量 = 当年存量 − {start}年存量 {base.value:g}"
    if target.base_year is None:
        note = f"规划未给出基期年份，以首个观测年份（{start}年）的存量为基期；{note}"
    return level, running, note


ORDINAL_KINDS = ("class", "rank")


def _assess_ordinal(target: TargetSpec, series: list[Point], as_of: int) -> Assessment:
    """一级航道 / 国道二级及以上 / 水质Ⅱ类 / 全国前三: the series holds the class number
    or the rank, smaller being better on every scale (indicators/scales.py); the
    target is reached when the number is at most the target's. There is no rate
    on an ordered scale: before the target year a class not yet reached is
    "limited", or "deterioration" when it is worse than the first observation."""
    known = _known(series, as_of)
    if not known:
        return _insufficient(target, as_of, None, False, "尚无观测值")
    first, latest = known[0], known[-1]
    reached = latest.value <= target.value
    word = "名次" if target.kind == "rank" else "等级"
    if as_of >= target.year:
        at_year = next((p for p in known if p.year == target.year), None)
        if at_year is None:
            return _insufficient(target, as_of, first, False, "目标年份的数据尚未报送")
        latest, reached = at_year, at_year.value <= target.value
        status, note = ("met" if reached else "missed"), f"目标年份的{word}"
    elif reached:
        status, note = "achieved", f"已达到目标{word}"
    elif latest.value > first.value:
        status, note = "deterioration", f"尚未达到目标{word}，且比{first.year}年差"
    else:
        status, note = "limited", f"尚未达到目标{word}（{word}目标只判定达到与否）"
    return Assessment(
        target.id,
        as_of,
        status,
        as_of >= target.year,
        "ordinal",
        first,
        False,
        latest,
        None,
        None,
        target.value,
        None,
        None,
        None,
        None,
        latest.value - target.value,  # > 0: classes or places short
        tuple(p.source for p in (first, latest) if p.source),
        note,
    )


def relative_base_year(target: TargetSpec) -> int:
    """The base year of a relative target: as the plan states it, else the year
    before a five-year plan period ending in the target year."""
    return target.base_year if target.base_year is not None else target.year - 5


def relative_as_level(
    target: TargetSpec, series: list[Point], plan_baseline: Point | None
) -> tuple[TargetSpec, Point] | None:
    """A relative target as the level target it means and the base it starts from:
    the plan's figure for the base year where it states one, else the observation
    of that year; None when there is neither."""
    start = relative_base_year(target)
    base = plan_baseline if plan_baseline is not None and plan_baseline.year == start else None
    if base is None:
        base = next((p for p in series if p.year == start), None)
    if base is None:
        return None
    goal = base.value * target.value
    return replace(target, kind="level", value=goal, comparator="reach", value_high=None), base


def _assess_relative(
    target: TargetSpec, series: list[Point], as_of: int, plan_baseline: Point | None
) -> Assessment:
    """翻一番 / 倍增 / 增长 X 倍: ``target.value`` is the factor; the goal is the base
    year's value times it (the plan's own figure for that year where it states
    one, else the observation), then judged as a level target from that base."""
    start = relative_base_year(target)
    as_level = relative_as_level(target, series, plan_baseline)
    if as_level is None:
        return _insufficient(target, as_of, None, False, f"基期（{start}年）尚无数值")
    level, base = as_level
    goal = level.value
    result = _assess_level(level, series, as_of, base)
    basis = "规划所给" if base.source.startswith("plan:") else "观测"
    note = f"目标值 = {start}年{basis}值 {base.value:g} × {target.value:g} = {goal:g}"
    return replace(result, note=f"{note}；{result.note}" if result.note else note)


SUBSTANTIAL, MODERATE = 0.015, 0.005  # Open SDG methodology 1 cut-offs on the CAGR
LIMIT_EXPONENT = 4.44  # Open SDG's ``a`` in the limit coefficient


@dataclass(frozen=True)
class Trend:
    """Open SDG's methodology 1 (no target): the direction- and sign-adjusted CAGR
    ``value`` from ``base`` to ``latest`` read against 1.5 % / 0.5 % / 0, each
    cut-off times ``coefficient`` (1 without a limit)."""

    status: str
    value: float | None
    base: Point | None
    latest: Point | None
    coefficient: float = 1.0
    note: str = ""

    @property
    def status_zh(self) -> str:
        return STATUS_ZH[self.status]


def limit_coefficient(base: float, limit: float) -> float:
    """How much the cut-offs shrink as the base value nears a natural limit (a
    100 % rate, zero deaths), as in Open SDG's ``get_progress_thresholds``."""
    base, limit = abs(base), abs(limit)
    if base >= 2 * limit:
        return 1.0
    if base <= limit:
        return float(1 - (base / limit) ** LIMIT_EXPONENT)
    return float(1 - ((2 * limit - base) / limit) ** LIMIT_EXPONENT)


def trend(series: list[Point], direction: str, as_of: int, limit: float | None = None) -> Trend:
    """Without a target: Open SDG's methodology 1 (Statistics Canada's bands) on the
    first and the latest value up to ``as_of``. The sign rule of the reference: a
    zero base counts as 0.001, a negative base multiplies the growth by −1, and a
    base and a latest value of opposite signs cannot be judged."""
    known = _known(series, as_of)
    if direction in ("none", "band"):
        return Trend("insufficient", None, None, None, note="指标无好坏方向")
    if len(known) < 2:
        return Trend("insufficient", None, None, None, note="至少需要两个年度数值")
    base, latest = known[0], known[-1]
    start = base.value if base.value != 0 else 0.001
    if (start > 0 > latest.value) or (start < 0 < latest.value):
        return Trend("insufficient", None, base, latest, note="基期值与最新值正负号不同")
    sign = -1 if start < 0 else 1
    d = -1 if direction == "lower" else 1
    value = sign * d * ((latest.value / start) ** (1 / (latest.year - base.year)) - 1)
    if limit is not None and math.isnan(limit):  # a table's empty cell: no limit
        limit = None
    coefficient = limit_coefficient(start, limit) if limit is not None else 1.0
    high, med, low = SUBSTANTIAL * coefficient, MODERATE * coefficient, 0.0
    if value >= high:
        status = "on_track"
    elif value >= med:
        status = "needs_acceleration"
    else:
        status = "limited" if value >= low else "deterioration"
    note = f"{base.year}—{latest.year}年方向调整后的年均增速 {value * 100:+.2f}%"
    if coefficient != 1.0:
        note += f"（临界值按接近极限 {limit:g} 的程度乘以 {coefficient:.3f}）"
    return Trend(status, value, base, latest, coefficient, note)


def trend_status(
    series: list[Point], direction: str, as_of: int, limit: float | None = None
) -> str:
    """The status of :func:`trend`."""
    return trend(series, direction, as_of, limit).status


def cumulative_series(target: TargetSpec, series: list[Point], as_of: int) -> list[Point]:
    """The series a cumulative target (“十四五”期间累计开行约3万列) is judged on: the
    running total of the yearly flows after its base year — the year before the
    first observation where the plan names none, as ``_assess_from_zero`` counts —
    up to its target year and ``as_of``; never the annual figures themselves."""
    known = _known(series, as_of)
    if not known:
        return []
    start = target.base_year if target.base_year is not None else known[0].year - 1
    total, running = 0.0, []
    for p in known:
        if start < p.year <= target.year:
            total += p.value
            running.append(Point(p.year, total, p.source, p.bound))
    return running
