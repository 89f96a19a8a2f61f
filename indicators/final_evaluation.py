"""终期评估: the final evaluation of targets whose year has passed, on published figures.

Plans' own evaluations (the 实施情况总结评估 governments publish at the end of a
five-year period) sort every target into 已完成 / 基本完成 / 未完成; figures that no
one has published are said to be missing, not guessed. Here:

- **已完成 (done)** — the figure of the target year meets the target's wording
  (``progress.is_met``, the same test the progress method uses: 以上, 以下, 左右 …).
- **基本完成 (mostly done)** — missed, but at least ``MOSTLY_DONE`` (90 %) of the
  way the plan asked for was covered: for a level target the share of the distance
  from the baseline (the plan's, else the earliest published figure) to the goal —
  UN ESCAP's current-status index, as on the 方法 page; for a change, a cumulative
  total or a count, the share of the goal reached; for 年均增长 X%, the actual
  average rate over X. Without a baseline the share cannot be known, and the
  target is 未完成 with a note saying so.
- **未完成 (not done)** — missed by more than that.
- **无公开数据 (no published figure)** — no published figure for the target year;
  the latest earlier figure, if any, is shown beside it, never judged.

Only what the caller hands in is used: the page hands in the published layer only,
so 示例数据 and reported statistics never reach a final verdict. Pure: no files,
no database.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.catalogue import Catalogue
from indicators.progress import BOUND_ZH, Assessment, Point, TargetSpec, bounds_decide, is_met
from indicators.progress_run import assess_all, target_spec
from indicators.regions import RegionDirectory

MOSTLY_DONE = 0.90
VERDICTS = ("done", "mostly_done", "not_done", "no_data")
VERDICT_ZH = {
    "done": "已完成",
    "mostly_done": "基本完成",
    "not_done": "未完成",
    "no_data": "无公开数据",
}
VERDICT_EN = {
    "done": "completed",
    "mostly_done": "mostly completed",
    "not_done": "not completed",
    "no_data": "no published figure",
}
GROWTH, FROM_ZERO = ("growth",), ("change", "cumulative", "count")


@dataclass(frozen=True)
class FinalVerdict:
    target_id: str
    verdict: str
    completion: float | None  # share of the way (or of the rate) covered; None: unknown
    figure: Point | None  # the target-year figure judged; for no_data the latest earlier one
    gap: float | None  # how far short of the goal, in the goal's direction (> 0: short)
    note: str


def judge(target: TargetSpec, assessment: Assessment, series: tuple[Point, ...]) -> FinalVerdict:
    """The final verdict of one target from its assessment in (or after) its year and
    the series it was assessed on (figures of later years only for the notes)."""
    a = assessment
    if a.status == "met":
        return FinalVerdict(target.id, "done", 1.0, a.latest, a.gap, a.note)
    if a.status == "missed":
        share = _completion(target, a)
        verdict = "mostly_done" if share is not None and share >= MOSTLY_DONE else "not_done"
        return FinalVerdict(target.id, verdict, share, a.latest, a.gap, a.note)
    at_year = next((p for p in series if p.year == target.year), None)
    if at_year is not None and target.kind == "relative":
        # 翻一番 without a figure for its base year: the goal itself is unknown
        return FinalVerdict(target.id, "no_data", None, at_year, None, a.note)
    if at_year is not None and target.kind not in GROWTH + FROM_ZERO:
        # the only figure is the target year's: met or not is clear, the share is not
        d = _wanted(target)
        gap = d * (target.value - at_year.value)
        met = is_met(target, at_year.value, d)
        if at_year.bound and not bounds_decide("met" if met else "missed", {at_year.bound}, d):
            bound = f"{BOUND_ZH[at_year.bound]} {at_year.value:g}"
            return FinalVerdict(
                target.id, "no_data", None, at_year, None, f"目标年份只公布了{bound}，不能判定"
            )
        if met:
            return FinalVerdict(target.id, "done", 1.0, at_year, gap, "")
        return FinalVerdict(
            target.id, "not_done", None, at_year, gap, "无基期数据，无法计算完成程度"
        )
    earlier = [p for p in series if p.year < target.year]
    later = [p.year for p in series if p.year > target.year]
    notes = [f"目标年份 {target.year} 年无公开数据"]
    if earlier:
        notes.append(f"最新公开数据为 {earlier[-1].year} 年")
    if later:
        notes.append(f"另有 {later[0]} 年数据，不作为目标年份的数")
    if not earlier and not later:
        notes = ["尚无公开数据"]
    return FinalVerdict(
        target.id, "no_data", None, earlier[-1] if earlier else None, None, "；".join(notes)
    )


def _completion(target: TargetSpec, a: Assessment) -> float | None:
    if target.kind in GROWTH:
        if a.ratio is None:
            return None
        if target.comparator == "at_most":
            return 1 / a.ratio if a.ratio > 0 else None
        return a.ratio
    return a.share_of_way


def _wanted(target: TargetSpec) -> int:
    """+1 when the goal is to be reached from below, −1 from above (no baseline to tell)."""
    if target.comparator == "at_most" or (
        target.comparator != "at_least" and target.direction == "lower"
    ):
        return -1
    return 1


def evaluate(
    catalogue: Catalogue,
    directory: RegionDirectory,
    observations: pd.DataFrame,
    through_year: int,
) -> list[FinalVerdict]:
    """One verdict per target whose year is ``through_year`` or earlier, judged on
    ``observations`` only (id, indicator_id, region_code, period, value, unit, layer)."""
    due = {e.id: e for e in catalogue.targets if e.year <= through_year}
    if observations.empty:
        observations = pd.DataFrame(
            columns=["id", "indicator_id", "region_code", "period", "value", "unit", "layer"]
        )
    verdicts = []
    for result in assess_all(catalogue, directory, observations, through_year):
        entry = due.get(result.assessment.target_id)
        if entry is None:
            continue
        spec = target_spec(entry, catalogue)
        verdicts.append(judge(spec, result.assessment, result.series))
    return verdicts


def tally(verdicts: pd.Series) -> dict[str, int]:
    """How many targets got each verdict, in the order VERDICTS (zeros kept)."""
    counts = verdicts.value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}


def notable_misses(frame: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """The targets not done, furthest from their goal first (least of the way covered;
    unknown shares after the known ones)."""
    missed = frame[frame.verdict == "not_done"]
    return missed.sort_values("completion", na_position="last").head(limit)
