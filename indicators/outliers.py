"""Flags a reviewer sees beside a reported value: reasons to look twice, not to refuse.

The validator (loaders/validate.py) refuses what cannot be true and warns about
values far from a region's history while a file is checked. The reviewer, later,
needs the same kind of hint next to each row, against the figures accepted by
then. The rules are deliberately simple so a reviewer can check them by eye:

- ``较上年变动超过 30%``: the value differs from the latest earlier annual value by
  more than ``YEAR_CHANGE`` (30 %) of it. Plans rarely move a statistic by that
  much in one year; a unit slip (万 vs 亿) or a typo usually does.
- ``超出近5年范围``: with at least ``RANGE_MIN_YEARS`` (3) earlier annual values,
  the value lies outside their minimum–maximum widened by ``RANGE_MARGIN`` (10 %)
  of the larger magnitude. The margin keeps a steadily growing series (GDP, a new
  high every year) from being flagged each year.
- ``与已接受值不同（将作为修订）``: a value is already accepted for the same
  indicator, region and period and this one differs: approving it makes a
  revision (the accepted value is kept, superseded).
- ``负值``: a negative value of an indicator that cannot be negative (levels and
  counts; growth rates and changes in % may be).

Pure: no database, no web; the history and the accepted value are passed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

YEAR_CHANGE = 0.30
RANGE_MARGIN = 0.10
RANGE_MIN_YEARS = 3
HISTORY_YEARS = 5
# units in which a value may be negative (growth rates, changes); everything else is a
# level or a count — one list, shared with the validator that refuses such negatives
SIGNED_UNITS = frozenset({"%", "个百分点"})

JUMP = "较上年变动超过 30%"
OUT_OF_RANGE = "超出近5年范围"
REVISION = "与已接受值不同（将作为修订）"
NEGATIVE = "负值"
FLAGS_EN = {
    JUMP: "changes by more than 30% on the previous year",
    OUT_OF_RANGE: "outside the range of the last 5 years",
    REVISION: "differs from the accepted value (becomes a revision)",
    NEGATIVE: "negative value",
}


def can_be_negative(unit: str) -> bool:
    """Whether a value in ``unit`` (an indicator's unit) may be negative."""
    return unit in SIGNED_UNITS


def flag(
    value: float,
    history: Sequence[float],
    current: float | None,
    *,
    can_be_negative: bool = False,
) -> list[str]:
    """The Chinese flags for one reported ``value``, in a fixed order.

    ``history`` is the region's accepted annual values of the indicator for the
    years before the value's own, oldest first (the last is taken as the year
    before; only the last ``HISTORY_YEARS`` count); pass an empty list when the
    comparison makes no sense (a quarterly value against annual ones).
    ``current`` is the value already accepted for the same period, or None.
    """
    flags: list[str] = []
    recent = [v for v in history if v is not None and math.isfinite(v)][-HISTORY_YEARS:]
    if recent and recent[-1] != 0 and abs(value / recent[-1] - 1) > YEAR_CHANGE:
        flags.append(JUMP)
    if len(recent) >= RANGE_MIN_YEARS:
        low, high = min(recent), max(recent)
        margin = RANGE_MARGIN * max(abs(low), abs(high))
        if not low - margin <= value <= high + margin:
            flags.append(OUT_OF_RANGE)
    if current is not None and not math.isclose(value, current, rel_tol=1e-9, abs_tol=1e-12):
        flags.append(REVISION)
    if value < 0 and not can_be_negative:
        flags.append(NEGATIVE)
    return flags
