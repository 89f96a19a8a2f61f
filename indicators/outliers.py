"""Flags a reviewer sees beside a reported value: reasons to look twice, not to refuse.

The validator (loaders/validate.py) refuses what cannot be true and warns about
values far from a region's history while a file is checked. The reviewer, later,
needs the same kind of hint next to each row, against the figures accepted by
then. The rules judge a value by how it *changes* on the year before, measured
against how the series has changed in earlier years — a steadily growing series
(GDP, a new high every year) is not unusual; a year that breaks the pattern is:

- ``较上年变动异常``: the change on the year before is far from the region's own
  earlier year-on-year changes by the modified z-score of Iglewicz and Hoaglin,
  as DHIS2's outlier detection uses it:
  ``z = 0.6745 · (x − median) / MAD`` with MAD the median absolute deviation of
  the earlier changes, flagged beyond ``MOD_Z_LIMIT`` (3.5). It needs at least
  ``MIN_CHANGES`` (4) earlier changes of consecutive years. A level (亿元, 万人)
  changes by its growth rate (v / v₋₁ − 1); a rate or share (%, 个百分点) or a
  series that is ever zero or negative by the difference (v − v₋₁). When the
  earlier changes are all alike (MAD 0) the mean absolute deviation stands in
  (× 1.2533, as IBM SPSS does), and the spread is never taken below
  ``MIN_SPREAD`` (1 percentage point of growth, or 1 % of the series' largest
  magnitude for differences), so a very smooth series is not flagged for a
  change a statistician would not look at twice.
- ``较上年变动超过 30%``: with too short a history for the rule above, a level
  that differs from the year before by more than ``YEAR_CHANGE`` (30 %).
- ``与已报送值不同（将作为修订）``: the reported layer already holds a value for the
  same indicator, region and period and this one differs: approving it makes a
  revision (the accepted value is kept, superseded) — the same word the review's
  result uses. A value beside a published or sample figure is new to the reported
  layer, not a revision of it.
- ``负值``: a negative value of an indicator that cannot be negative (levels and
  counts; growth rates and changes in % may be).

``change`` is the arithmetic every column of 数据审核 shows: the difference and
the difference in per cent of the reference's magnitude.

Pure: no database, no web; the history and the accepted value are passed in.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass

YEAR_CHANGE = 0.30
MOD_Z_LIMIT = 3.5
MIN_CHANGES = 4
MIN_SPREAD = 0.01
HISTORY_YEARS = 10  # years of history read for the rule; the page shows the last five
# units in which a value may be negative (growth rates, changes); everything else is a
# level or a count — one list, shared with the validator that refuses such negatives
SIGNED_UNITS = frozenset({"%", "个百分点"})
# 0.6745 = Φ⁻¹(0.75): MAD / 0.6745 estimates the standard deviation of a normal sample;
# 1.2533 = √(π/2): likewise for the mean absolute deviation
MAD_TO_SD = 1 / 0.6745
MEAN_AD_TO_SD = 1.2533

OUTLIER = "较上年变动异常"
JUMP = "较上年变动超过 30%"
REVISION = "与已报送值不同（将作为修订）"
NEGATIVE = "负值"
FLAGS_EN = {
    OUTLIER: "unusual change on the previous year",
    JUMP: "changes by more than 30% on the previous year",
    REVISION: "differs from the reported value (becomes a revision)",
    NEGATIVE: "negative value",
}


def can_be_negative(unit: str) -> bool:
    """Whether a value in ``unit`` (an indicator's unit) may be negative."""
    return unit in SIGNED_UNITS


def change(value: float, reference: float | None) -> tuple[float | None, float | None]:
    """``value`` against ``reference``: (difference, difference in % of |reference|).

    Both None without a reference; the percentage None when the reference is zero.
    11 against 10 is (1, 10.0); −1 against −2 is (1, 50.0) — the value rose.
    """
    if reference is None or not math.isfinite(reference):
        return None, None
    difference = value - reference
    return difference, (difference / abs(reference) * 100 if reference else None)


@dataclass(frozen=True)
class YearChange:
    """How a value changes on the year before, against the series' earlier changes."""

    previous: float | None  # the value of the year before, if accepted
    change: float | None  # growth rate (levels) or difference (rates), None without previous
    relative: bool  # True: ``change`` is a growth rate; False: a difference
    z: float | None  # modified z-score, None with fewer than MIN_CHANGES earlier changes


def year_change(
    year: int, value: float, history: Mapping[int, float], *, signed: bool = False
) -> YearChange:
    """The change of ``value`` (the figure for ``year``) on ``history[year - 1]`` and
    its modified z-score among the changes between consecutive earlier years.

    ``history`` maps earlier years to accepted annual values; only the last
    ``HISTORY_YEARS`` before ``year`` count. ``signed``: the unit allows negatives
    (a rate), so changes are differences.
    """
    years = sorted(y for y, v in history.items() if y < year and _finite(v))[-HISTORY_YEARS:]
    series = {y: float(history[y]) for y in years}
    relative = not signed and all(v > 0 for v in (*series.values(), value))
    previous = series.get(year - 1)
    if previous is None:
        return YearChange(None, None, relative, None)
    now = _step(previous, value, relative)
    earlier = [_step(series[y - 1], series[y], relative) for y in years if y - 1 in series]
    if len(earlier) < MIN_CHANGES:
        return YearChange(previous, now, relative, None)
    floor = MIN_SPREAD if relative else MIN_SPREAD * max(abs(v) for v in series.values())
    middle = statistics.median(earlier)
    deviations = [abs(x - middle) for x in earlier]
    spread = statistics.median(deviations) * MAD_TO_SD
    if not spread:  # most earlier changes alike: the mean absolute deviation stands in
        spread = statistics.fmean(deviations) * MEAN_AD_TO_SD
    spread = max(spread, floor)
    z = (now - middle) / spread if spread else 0.0
    return YearChange(previous, now, relative, z)


def flag(
    value: float,
    change_on_year: YearChange | None,
    reported: float | None,
    *,
    can_be_negative: bool = False,
) -> list[str]:
    """The Chinese flags for one reported ``value``, in a fixed order.

    ``change_on_year`` is ``year_change`` of the value (None when the comparison
    makes no sense: a quarterly value against annual ones); ``reported`` the value
    the reported layer already holds for the same period, or None.
    """
    flags: list[str] = []
    moved = change_on_year
    if moved is not None and moved.z is not None:
        if abs(moved.z) > MOD_Z_LIMIT:
            flags.append(OUTLIER)
    elif moved is not None and moved.relative and moved.change is not None:
        if abs(moved.change) > YEAR_CHANGE:
            flags.append(JUMP)
    if reported is not None and not math.isclose(value, reported, rel_tol=1e-9, abs_tol=1e-12):
        flags.append(REVISION)
    if value < 0 and not can_be_negative:
        flags.append(NEGATIVE)
    return flags


def _step(before: float, after: float, relative: bool) -> float:
    return after / before - 1 if relative else after - before


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
