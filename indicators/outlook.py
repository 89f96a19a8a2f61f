"""Expected shortfall at the target year, as Germany's sustainability indicators show it.

The Deutsche Nachhaltigkeitsstrategie (DNS, https://dns-indikatoren.de/en/status)
extrapolates the mean of the last five annual changes to the target year and
measures the expected shortfall as a share of today's distance to the target:
under 5 % sun, 5–20 % light cloud, more than 20 % but moving towards the target
cloud, not moving towards it thunderstorm. It answers a different question from
the status in ``progress.py`` — not "is the pace since the baseline enough?" but
"where does the recent trend end up?" — so pages show it beside the status. It
projects in a straight line, as DNS does; the assessment's own projection
compounds at the CAGR, so the two projected values can differ.

Choices where DNS is silent, each written in docs/methodology.md §9:

* A missing year is filled by a straight line, so a gap of g years counts as g
  equal annual changes and "the last five changes" always cover five years.
* Once the target year has passed there is nothing left to forecast: the final
  verdict of ``assess`` is shown as sun (met) or thunderstorm (missed), and
  "none" while the target year's figure is missing.
* ``about`` targets count from the edge of the 2 % tolerance and ``range``
  targets from the bound ``is_met`` checks, so a shortfall ≤ 0 means "met".
* Growth targets (年均增长 X%): the series holds yearly rates. Years of the
  period still to come are filled with the mean of the last five rates, and the
  period's average rate is set against X; the shortfall is a share of X.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from indicators.progress import (
    ABOUT_TOLERANCE,
    Point,
    TargetSpec,
    assess,
    count_as_running,
    desired_direction,
    missing_years,
    relative_as_level,
)

WINDOW = 5  # DNS: the mean of the last five annual changes
SUN_BELOW = 0.05  # shortfall < 5 % of the distance still to go
LIGHT_CLOUD_UP_TO = 0.20  # 5 % ≤ shortfall ≤ 20 %

SYMBOL_ORDER = ("sun", "light_cloud", "cloud", "thunderstorm", "none")
SYMBOL_ZH = {
    "sun": "晴",
    "light_cloud": "少云",
    "cloud": "多云",
    "thunderstorm": "雷雨",
    "none": "无法判断",
}
SYMBOL_EN = {
    "sun": "sunny",
    "light_cloud": "partly cloudy",
    "cloud": "cloudy",
    "thunderstorm": "thunderstorm",
    "none": "not assessable",
}


@dataclass(frozen=True)
class Outlook:
    """Where the recent trend leads by the target year, and the symbol for it.

    ``projected`` is in the indicator's unit (for growth targets: the period's
    average rate in %); ``shortfall`` is the direction-adjusted expected
    shortfall as a share of the distance still to go (≤ 0: met), ``None`` when
    there is no projection; ``changes_used`` counts the annual changes (years)
    averaged.
    """

    symbol: str
    projected: float | None
    shortfall: float | None
    mean_change: float | None
    changes_used: int
    note: str

    @property
    def symbol_zh(self) -> str:
        return SYMBOL_ZH[self.symbol]


def outlook(
    target: TargetSpec, series: list[Point], as_of: int, plan_baseline: Point | None = None
) -> Outlook:
    """The DNS weather symbol of ``target`` as of ``as_of``, from points of years ≤ ``as_of``."""
    if as_of >= target.year:
        return _final(target, series, as_of, plan_baseline)
    if target.kind == "count" and target.measure:  # a stock or yearly additions
        target, series, note = count_as_running(target, series, as_of)
        if not series:
            return _none(note)
    known = _known(series, as_of)
    if target.kind == "relative":  # 翻一番: the level its base year's value sets
        as_level = relative_as_level(target, known, plan_baseline)
        if as_level is None:
            return _none("基期尚无数值，目标值未知，无法推算")
        level, base = as_level
        return _level(level, known, base if base.source.startswith("plan:") else None)
    if target.kind == "level":
        return _level(target, known, plan_baseline)
    if target.kind == "growth":
        return _growth(target, known)
    if target.kind in ("change", "count", "cumulative"):
        return _from_zero(target, known)
    return _none(f"不支持的目标类型（{target.kind}），无法推算")


def mean_annual_change(points: list[Point], window: int = WINDOW) -> tuple[float, int] | None:
    """Mean of the last ≤ ``window`` annual changes of ``points`` (sorted by year),
    and how many years it covers.

    A gap of g years between two figures counts as g equal annual changes (the
    straight line between them), so the mean is the change per year over the
    last ``window`` years — DNS's "last six data points" when none is missing.
    """
    left, total, used = window, 0.0, 0
    for earlier, later in reversed(list(zip(points, points[1:], strict=False))):
        gap = later.year - earlier.year
        take = min(gap, left)
        total += (later.value - earlier.value) / gap * take
        used += take
        left -= take
        if not left:
            break
    return (total / used, used) if used else None


def symbol_for(shortfall: float, moving_towards: bool) -> str:
    """DNS's bands: < 5 % sun, otherwise thunderstorm when not moving towards the
    target, ≤ 20 % light cloud, more cloud."""
    if shortfall < SUN_BELOW:
        return "sun"
    if not moving_towards:
        return "thunderstorm"
    return "light_cloud" if shortfall <= LIGHT_CLOUD_UP_TO else "cloud"


# ------------------------------------------------------------------ helpers ---


def _known(series: list[Point], as_of: int) -> list[Point]:
    by_year = {p.year: p for p in series if p.year <= as_of}
    return [by_year[y] for y in sorted(by_year)]


def _none(note: str, mean_change: float | None = None, used: int = 0) -> Outlook:
    return Outlook("none", None, None, mean_change, used, note)


def _num(value: float, sign: bool = False) -> str:
    """A figure for the note: two decimals (four below 0.1), no trailing zeros."""
    decimals = 2 if abs(value) >= 0.1 else 4
    text = f"{value:{'+' if sign else ''},.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("+0", "-0", "") else text


def _goal(target: TargetSpec, d: int) -> float:
    """The value the shortfall is measured to: the tolerance edge of 左右, the
    bound of a range that ``is_met`` checks, else the target value."""
    if target.comparator == "about":
        return target.value - d * ABOUT_TOLERANCE * abs(target.value)
    if target.comparator == "range" and target.value_high is not None:
        low, high = sorted((target.value, target.value_high))
        return low if d > 0 else high
    return target.value


def _judge(
    target: TargetSpec,
    d: int,
    latest: Point,
    mean: float,
    used: int,
    trend: str,
) -> Outlook:
    """Project ``latest`` in a straight line at ``mean`` a year and grade the shortfall.

    ``trend`` names the mean for the note ("2018—2023年的年均变化")."""
    goal = _goal(target, d)
    projected = latest.value + mean * (target.year - latest.year)
    short = d * (goal - projected)
    distance = abs(goal - latest.value)
    head = f"按{trend} {_num(mean, sign=True)} 推算，{target.year}年约为 {_num(projected)}"
    if short <= 0:
        shortfall = short / distance + 0.0 if distance else 0.0  # + 0.0: no −0.0
        return Outlook("sun", projected, shortfall, mean, used, f"{head}，可达到目标")
    if not distance:  # on the target now and moving off it
        return Outlook(
            "thunderstorm", projected, None, mean, used, f"{head}，目前恰在目标值，但正偏离目标"
        )
    shortfall = short / distance
    moving = d * mean > 0
    symbol = symbol_for(shortfall, moving)
    if not moving:
        tail = "变化方向与目标相反" if mean else "没有变化"
        note = f"{head}；近年{tail}，距目标的差距不会缩小"
    else:
        note = f"{head}，距目标尚差 {_num(short)}，为目前差距（{_num(distance)}）的 {shortfall:.1%}"
    return Outlook(symbol, projected, shortfall, mean, used, note)


def _span(latest_year: int, used: int) -> str:
    """The years the mean covers, for the note: "2018—2023年"."""
    return f"{latest_year - used}—{latest_year}年"


# -------------------------------------------------------------------- kinds ---


def _level(target: TargetSpec, known: list[Point], plan_baseline: Point | None) -> Outlook:
    plan = plan_baseline if plan_baseline and plan_baseline.year < target.year else None
    points = known
    if len(points) < 2 and plan and (not points or plan.year < points[0].year):
        points = [plan, *points]  # DNS needs two figures; the plan's baseline is one
    if len(points) < 2:
        return _none("截至评估年份不足两个年度数值，无法计算年均变化")
    start = plan.value if plan else known[0].value
    if (
        target.comparator not in ("at_least", "at_most")
        and target.value == start
        and target.direction not in ("higher", "lower")
    ):
        return _none("目标值与基期值相同且指标无升降方向，无法判断差距")
    d = desired_direction(target, start)
    change = mean_annual_change(points)
    if change is None:  # two points at least, so never; said rather than assumed
        return _none("截至评估年份不足两个年度数值，无法计算年均变化")
    mean, used = change
    with_plan = "（含规划基期值）" if points[0] is plan else ""
    trend = f"{_span(points[-1].year, used)}{with_plan}的年均变化"
    return _judge(target, d, points[-1], mean, used, trend)


def _from_zero(target: TargetSpec, known: list[Point]) -> Outlook:
    """Change versus a base year, counts and cumulative totals: zero at the base
    year. ``change`` and ``count`` series hold the running figure (the change
    is an affine function of the level, so projecting it in a straight line is
    projecting the level); ``cumulative`` series hold yearly flows, whose mean
    of the last five is added for each remaining year."""
    start = target.base_year
    if start is None:
        if not known:
            return _none("尚无观测值")
        start = known[0].year - 1
    period = [p for p in known if start < p.year <= target.year]
    if not period:
        return _none("基期之后尚无观测值")
    d = -1 if target.comparator == "at_most" or target.value < 0 else 1
    if target.kind == "cumulative":
        missing = missing_years(period, start)
        if missing:
            return _none(f"累计值缺少{'、'.join(map(str, missing))}年的数，无法推算")
        recent = period[-WINDOW:]
        mean, used = sum(p.value for p in recent) / len(recent), len(recent)
        latest = Point(period[-1].year, sum(p.value for p in period))
        trend = f"{recent[0].year}—{recent[-1].year}年的年均新增"
        return _judge(target, d, latest, mean, used, trend)
    points = [Point(start, 0.0, "基期"), *period]
    change = mean_annual_change(points)
    if change is None:  # two points at least, so never; said rather than assumed
        return _none("截至评估年份不足两个年度数值，无法计算年均变化")
    mean, used = change
    trend = f"{_span(points[-1].year, used)}的年均变化"
    return _judge(target, d, points[-1], mean, used, trend)


def _growth(target: TargetSpec, known: list[Point]) -> Outlook:
    """年均增长 X%: each point is a year's rate (%). The years of the period not
    yet known take the mean of the last five rates; the period's geometric
    average rate is set against X, the shortfall a share of X."""
    if not known:
        return _none("尚无年度增速数据")
    start = target.base_year if target.base_year is not None else target.year - 5
    recent = known[-WINDOW:]
    mean = sum(p.value for p in recent) / len(recent)
    rates = {p.year: p.value for p in known}
    years = range(start + 1, target.year + 1)
    factor = math.prod(1 + rates.get(y, mean) / 100 for y in years)
    if factor <= 0:
        return _none("增速低于 −100%，无法推算", mean, len(recent))
    projected = (factor ** (1 / len(years)) - 1) * 100
    d = -1 if target.comparator == "at_most" else 1
    goal = _goal(target, d)
    used = len(recent)
    head = (
        f"{start + 1}—{target.year}年中尚无数据的年份按{recent[0].year}—{recent[-1].year}年"
        f"的平均增速 {_num(mean)}% 推算，期间年均增长约 {_num(projected)}%"
    )
    short = d * (goal - projected)
    if short <= 0:
        shortfall = short / abs(goal) + 0.0 if goal else 0.0
        return Outlook("sun", projected, shortfall, mean, used, head + "，可达到目标")
    if not goal:
        return Outlook("thunderstorm", projected, None, mean, used, head + "，达不到目标")
    shortfall = short / abs(goal)
    # not moving towards the target: the recent rate alone misses it by all of X or more
    # (for 年均增长 X% 以上: the indicator has stopped growing)
    moving = d * (goal - mean) / abs(goal) < 1
    symbol = symbol_for(shortfall, moving)
    tail = f"，距目标增速尚差 {_num(short)} 个百分点，为目标增速的 {shortfall:.1%}"
    if not moving:
        tail += "；近年增速" + ("不为正，指标未见增长" if d > 0 else "超出上限一倍以上")
    return Outlook(symbol, projected, shortfall, mean, used, head + tail)


def _final(
    target: TargetSpec, series: list[Point], as_of: int, plan_baseline: Point | None
) -> Outlook:
    """The target year has passed: the final verdict of ``assess``, not a forecast."""
    a = assess(target, series, as_of, plan_baseline)
    if a.status not in ("met", "missed"):
        return _none(f"目标年份已过，{a.note or '目标年份的数据尚未报送'}")
    if target.kind == "growth":
        value = f"{a.note}，"
    else:
        value = "" if a.projected is None else f"{target.year}年实际为 {_num(a.projected)}，"
    if a.status == "met":
        return Outlook("sun", a.projected, None, None, 0, f"目标年份已过：{value}已实现目标")
    return Outlook("thunderstorm", a.projected, None, None, 0, f"目标年份已过：{value}未实现目标")
