"""Synthetic statistics (示例数据) for demonstrations, generated reproducibly.

For every indicator and scope that has a target, an annual series from the
plan's baseline year (or five years before the target year) to the last full
year. A series starts at the plan's baseline where the catalogue has one, and
otherwise at a value from which the target is reachable at a plausible rate;
then it follows one of five profiles (ahead, on track, slow, stalled,
reversing) drawn from a fixed seed, so the demo shows every status. The
numbers are invented: everything that shows them says 示例数据.

Where a region has members (a grouping such as 成渝地区双城经济圈 or 川南渝西),
a summed indicator's series is split among the members only when every member
has some of it (地区生产总值, 常住人口, 粮食产量: ``facility: false`` in the
catalogue). An indicator measured at particular facilities and sites
(``facility: true``: 机场货邮吞吐量, 港口货物吞吐量, 中欧班列开行量, 国家5A级旅游景区数 …)
stays with the grouping: the generator cannot know which members have an
airport or a port, and a split would colour every district on 总览's map as if
it had one. Its members get no sample value (the map says 无数据) unless the
catalogue has a target for the member itself, which brings its own series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.catalogue import Catalogue, Entry
from indicators.regions import RegionDirectory
from indicators.units import UnitError, convert, is_share, split_unit

SEED = 20211020  # the outline's publication date
PROFILES = {"ahead": 1.25, "on_track": 1.0, "slow": 0.75, "stalled": 0.3, "reversing": -0.4}
LABEL = "示例数据"


def _in_unit(catalogue: Catalogue, entry: Entry, value: float) -> float | None:
    try:
        return convert(value, entry.unit, catalogue.indicators[entry.indicator_id].unit)
    except UnitError:
        return None


def _baseline_for(catalogue: Catalogue, entry: Entry) -> tuple[int, float] | None:
    found = [
        (b.year, _in_unit(catalogue, b, b.value))
        for b in catalogue.baselines
        if b.indicator_id == entry.indicator_id
        and b.scope_code == entry.scope_code
        and b.year < entry.year
    ]
    known = [(y, v) for y, v in found if v is not None and v > 0]
    return max(known) if known else None


def generate(
    catalogue: Catalogue, last_year: int, seed: int = SEED, directory: RegionDirectory | None = None
) -> pd.DataFrame:
    """Long frame: indicator_id, region_code, period, value, unit (one series per
    indicator × scope, driven by its earliest target)."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str, str, float, str]] = []
    seen: set[tuple[str, str]] = set()
    for entry in sorted(catalogue.targets, key=lambda e: (e.year, e.id)):
        key = (entry.indicator_id, entry.scope_code)
        goal = _in_unit(catalogue, entry, entry.value)
        if key in seen or goal is None or entry.year - 1 < 2016:
            continue
        seen.add(key)
        profile = float(rng.choice(list(PROFILES.values())))
        unit = catalogue.indicators[entry.indicator_id].unit
        start_year = entry.base_year or min(entry.year - 5, 2020)
        falling = entry.comparator == "at_most" or (
            entry.comparator != "at_least"
            and catalogue.indicators[entry.indicator_id].direction == "lower"
        )
        # things counted one by one; classes and ranks are whole numbers too
        whole = split_unit(unit)[1] == "个" or entry.kind in ("class", "rank")
        baseline = _baseline_for(catalogue, entry)
        series = _series(
            entry.kind, goal, start_year, entry.year, last_year, profile, baseline, falling, rng
        )
        # a share stays a share: 达标率 never above 100 %, whatever the profile
        bounded = is_share(catalogue.indicators[entry.indicator_id].name_zh, unit)
        for year, value in series:
            value = min(max(value, 0.0), 100.0) if bounded else value
            shown = float(round(value)) if whole else value
            rows.append((entry.indicator_id, entry.scope_code, str(year), shown, unit))
    frame = pd.DataFrame(rows, columns=["indicator_id", "region_code", "period", "value", "unit"])
    if directory is not None:
        frame = pd.concat([frame, _members(frame, catalogue, directory, rng)], ignore_index=True)
    return pd.concat([frame, _sub_annual(frame, catalogue)], ignore_index=True)


# a fixed seasonal pattern: months of a year add up to 1 (a little low in Jan–Feb)
MONTH_SHARES = np.array(
    [0.070, 0.065, 0.082, 0.082, 0.084, 0.086, 0.085, 0.086, 0.087, 0.088, 0.088, 0.097]
)


def _sub_annual(frame: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Months or quarters for indicators reported at that frequency: a flow (summed
    indicator) is split so that the periods add up to the year; a level or rate
    takes the year's value for each period. Periods: 2023-06, 2023Q2."""
    rows = []
    for row in frame.itertuples(index=False):
        indicator = catalogue.indicators[row.indicator_id]
        if indicator.frequency == "annual" or len(row.period) != 4:
            continue
        flow = indicator.aggregation == "sum"
        if indicator.frequency == "monthly":
            shares = MONTH_SHARES
            periods = [f"{row.period}-{m:02d}" for m in range(1, 13)]
        else:
            shares = MONTH_SHARES.reshape(4, 3).sum(axis=1)
            periods = [f"{row.period}Q{q}" for q in range(1, 5)]
        values = (
            [round(row.value * share, 4) for share in shares]
            if flow
            else [row.value] * len(periods)
        )
        if flow:
            values[-1] = round(row.value - sum(values[:-1]), 4)
        rows += [
            (row.indicator_id, row.region_code, p, v, row.unit)
            for p, v in zip(periods, values, strict=True)
        ]
    return pd.DataFrame(rows, columns=frame.columns)


def _members(
    frame: pd.DataFrame, catalogue: Catalogue, directory: RegionDirectory, rng: np.random.Generator
) -> pd.DataFrame:
    """Series for the members of groupings whose indicator adds up (``sum``) in
    every member (not a facility measure, see the module's docstring): each
    grouping value split by fixed shares, so that members sum to the grouping."""
    taken = set(zip(frame.indicator_id, frame.region_code, strict=True))
    rows = []
    for (indicator_id, code), series in frame.groupby(["indicator_id", "region_code"]):
        region = directory.regions.get(code)
        indicator = catalogue.indicators[indicator_id]
        if (
            indicator.aggregation != "sum"
            or indicator.facility
            or region is None
            or not region.is_grouping
            or not region.members
        ):
            continue
        members = [m.code for m in directory.leaf_members(code)]
        if any((indicator_id, m) in taken for m in members):
            continue  # a member has its own series already: do not contradict it
        shares = rng.dirichlet(np.ones(len(members)) * 4)
        for row in series.itertuples():
            parts = [round(row.value * share, 4) for share in shares[:-1]]
            parts.append(round(row.value - sum(parts), 4))
            rows += [
                (indicator_id, m, row.period, v, row.unit)
                for m, v in zip(members, parts, strict=True)
            ]
        taken.update((indicator_id, m) for m in members)
    return pd.DataFrame(rows, columns=frame.columns)


def _series(
    kind: str,
    goal: float,
    start: int,
    target_year: int,
    last_year: int,
    profile: float,
    baseline: tuple[int, float] | None,
    falling: bool,
    rng: np.random.Generator,
) -> list[tuple[int, float]]:
    end = min(last_year, target_year)

    def noise() -> float:
        return float(rng.normal(1.0, 0.01))

    if kind == "growth":
        return [(y, round(goal * profile * noise(), 2)) for y in range(start + 1, end + 1)]
    if kind in ("count", "cumulative"):
        # things added (roads opened, trains run) cannot be negative: a reversing
        # profile only adds very slowly
        profile = max(profile, 0.1)
    if kind in ("change", "count", "cumulative"):
        span = target_year - start
        if kind == "cumulative":  # yearly flows
            return [
                (y, round(goal / span * profile * noise(), 2)) for y in range(start + 1, end + 1)
            ]
        return [
            (y, round(goal * (y - start) / span * profile * noise(), 2))
            for y in range(start + 1, end + 1)
        ]
    if goal <= 0:
        return []
    if baseline is not None:
        start, base = baseline
    else:
        step = (1 + float(rng.uniform(0.02, 0.08))) ** (target_year - start)
        base = goal * step if falling else goal / step
    if start >= end:
        return [(start, round(base, 4))]
    required = (goal / base) ** (1 / (target_year - start)) - 1
    rate = required * profile
    return [
        (y, round(base * (1 + rate) ** (y - start) * (noise() if y > start else 1.0), 4))
        for y in range(start, end + 1)
    ]
