"""Which indicator (or region) a file that does not name it holds, judged by its values.

A national-portal export whose 指标 line was cut, or a table with no 地区 line, still holds
numbers for named regions and years (or named indicators and years). Where exactly one
indicator of the monitor has stored figures that agree with those numbers, the file is most
likely that indicator: the intake proposes it, and the person confirms it with the 指标 / 地区
picker or ``--indicator`` / ``--region``. Nothing is imported on a guess.

Pure: the cells of the file and the stored figures are handed in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# A published figure and the same figure in an export agree to the export's rounding; a census
# revision moves GDP by a few per cent, so only some years of a revised series agree.
TOLERANCE = 0.005
MIN_AGREEING = 3
MIN_SHARE = 0.6


@dataclass(frozen=True)
class Candidate:
    """The one candidate the values fit: ``agreeing`` of the ``compared`` cells agree."""

    code: str
    agreeing: int
    compared: int


def _agree(a: float, b: float) -> bool:
    if a == b:
        return True
    scale = max(abs(a), abs(b))
    return scale > 0 and abs(a - b) / scale <= TOLERANCE


def propose(
    cells: Iterable[tuple[str, str, float]],
    stored: Iterable[tuple[str, str, str, float]],
) -> Candidate | None:
    """The candidate whose stored figures agree with the file's values, if exactly one does.

    ``cells`` are the file's (known key, period, value): the region for a file missing its
    indicator, the indicator for one missing its region. ``stored`` are (candidate, known
    key, period, value) of figures already held. A candidate fits when at least
    ``MIN_AGREEING`` cells and ``MIN_SHARE`` of the cells it has figures for agree; a file
    two candidates fit (GDP and a part of it equal in one year) gets no proposal."""
    wanted: dict[tuple[str, str], list[float]] = defaultdict(list)
    for key, period, value in cells:
        wanted[(key, period)].append(value)
    agreeing: dict[str, int] = defaultdict(int)
    compared: dict[str, int] = defaultdict(int)
    for candidate, key, period, value in stored:
        for mine in wanted.get((key, period), ()):
            compared[candidate] += 1
            agreeing[candidate] += _agree(mine, value)
    fits = [
        Candidate(code, agreeing[code], compared[code])
        for code in compared
        if agreeing[code] >= MIN_AGREEING and agreeing[code] >= MIN_SHARE * compared[code]
    ]
    return fits[0] if len(fits) == 1 else None
