"""终期评估: 已完成 / 基本完成 / 未完成 / 无公开数据, by the rule written in
docs/methodology.md, over small hand-made targets and series."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.catalogue import Catalogue, Entry, IndicatorDef
from indicators.final_evaluation import MOSTLY_DONE, evaluate, judge, notable_misses, tally
from indicators.progress import Point, TargetSpec, assess
from tests.helpers import small_directory


def spec(**changes: object) -> TargetSpec:
    fields = dict(
        id="t",
        kind="level",
        year=2025,
        value=70.0,
        comparator="reach",
        direction="higher",
        base_year=None,
        value_high=None,
    )
    return TargetSpec(**(fields | changes))  # type: ignore[arg-type]


def verdict(target: TargetSpec, points: list[tuple[int, float]], baseline: Point | None = None):
    series = [Point(y, v, f"obs:{y}") for y, v in points]
    assessment = assess(target, series, 2025, baseline)
    return judge(target, assessment, tuple(series))


def test_fin001_a_level_target_met_in_its_year_is_done() -> None:
    v = verdict(spec(), [(2020, 60.0), (2025, 70.4)])
    assert (v.verdict, v.figure.value, v.completion) == ("done", 70.4, 1.0)


def test_fin002_missed_by_less_than_a_tenth_of_the_way_is_mostly_done() -> None:
    """From 60 to the goal 70: 69.2 covers 92 % of the way, 68.9 only 89 %."""
    mostly = verdict(spec(), [(2020, 60.0), (2025, 69.2)])
    assert mostly.verdict == "mostly_done" and mostly.completion == pytest.approx(0.92)
    assert mostly.gap == pytest.approx(0.8)
    short = verdict(spec(), [(2020, 60.0), (2025, 68.9)])
    assert short.verdict == "not_done" and short.completion == pytest.approx(0.89)
    assert MOSTLY_DONE == 0.90


def test_fin003_the_plans_baseline_sets_the_way_when_it_gives_one() -> None:
    """The plan says 2020: 50; only 2025 was published. 69 covers 95 % of 50 → 70."""
    v = verdict(spec(), [(2025, 69.0)], baseline=Point(2020, 50.0, "plan:b"))
    assert v.verdict == "mostly_done" and v.completion == pytest.approx(0.95)


def test_fin004_a_lower_is_better_target_reads_the_way_downwards() -> None:
    target = spec(value=10.0, comparator="at_most", direction="lower")
    assert verdict(target, [(2020, 20.0), (2025, 9.5)]).verdict == "done"
    assert verdict(target, [(2020, 20.0), (2025, 10.8)]).verdict == "mostly_done"
    assert verdict(target, [(2020, 20.0), (2025, 14.0)]).verdict == "not_done"


def test_fin005_only_the_target_years_figure_is_judged_without_a_share() -> None:
    met = verdict(spec(), [(2025, 71.0)])
    assert met.verdict == "done"
    missed = verdict(spec(), [(2025, 69.9)])
    assert missed.verdict == "not_done" and missed.completion is None
    assert missed.note == "无基期数据，无法计算完成程度"
    lower = spec(value=10.0, comparator="reach", direction="lower")
    assert verdict(lower, [(2025, 9.0)]).verdict == "done"


def test_fin006_no_figure_for_the_target_year_is_no_data_never_a_guess() -> None:
    v = verdict(spec(), [(2020, 60.0), (2024, 75.0)])
    assert v.verdict == "no_data" and v.figure.year == 2024
    assert v.note == "目标年份 2025 年无公开数据；最新公开数据为 2024 年"
    nothing = verdict(spec(), [])
    assert (nothing.verdict, nothing.figure, nothing.note) == ("no_data", None, "尚无公开数据")


def test_fin007_growth_targets_compare_the_average_rate() -> None:
    target = spec(kind="growth", value=6.0, comparator="at_least", base_year=2020)
    rates = [(y, 5.6) for y in range(2021, 2026)]
    v = verdict(target, rates)
    assert v.verdict == "mostly_done" and v.completion == pytest.approx(5.6 / 6.0)
    assert verdict(target, [(y, 4.0) for y in range(2021, 2026)]).verdict == "not_done"
    assert verdict(target, [(y, 6.5) for y in range(2021, 2026)]).verdict == "done"


def test_fin008_counts_compare_the_share_of_the_goal() -> None:
    target = spec(kind="count", value=20.0, comparator="at_least", base_year=2020)
    assert verdict(target, [(2025, 18.0)]).verdict == "mostly_done"
    assert verdict(target, [(2025, 12.0)]).verdict == "not_done"


INDICATORS = {
    "urban": IndicatorDef(
        "urban", "城镇化率", "Urbanisation", "d", "%", "higher", "annual", "overall", "s", "none"
    ),
}


def entry(id_: str, year: int, value: float, kind: str = "level") -> Entry:
    return Entry(
        id_, "p", "urban", "一", 1, "到2025年常住人口城镇化率达到70%", "重庆市", "500000",
        kind, year, None, value, None, "%", "reach", False,
    )  # fmt: skip


def test_fin009_evaluate_judges_only_targets_whose_year_has_passed_on_what_it_is_given() -> None:
    catalogue = Catalogue(
        indicators=INDICATORS,
        entries={
            "a": entry("a", 2025, 70.0),
            "b": entry("b", 2022, 66.0),
            "c": entry("c", 2030, 75.0),
            "base": entry("base", 2020, 64.0, kind="baseline"),
        },
    )
    observations = pd.DataFrame(
        [
            (1, "urban", "500000", "2022", 65.5, "%", "published"),
            (2, "urban", "500000", "2025", 71.0, "%", "published"),
        ],
        columns=["id", "indicator_id", "region_code", "period", "value", "unit", "layer"],
    )
    verdicts = {v.target_id: v for v in evaluate(catalogue, small_directory(), observations, 2025)}
    assert set(verdicts) == {"a", "b"}  # 2030 has not come
    assert verdicts["a"].verdict == "done"
    # 2020 baseline 64 → goal 66: 65.5 covers 75 % of the way
    assert verdicts["b"].verdict == "not_done" and verdicts["b"].completion == pytest.approx(0.75)
    empty = evaluate(catalogue, small_directory(), observations.iloc[0:0], 2025)
    assert [v.verdict for v in empty] == ["no_data", "no_data"]


def test_fin010_tally_keeps_every_verdict_and_misses_are_worst_first() -> None:
    frame = pd.DataFrame(
        {
            "verdict": ["done", "not_done", "not_done", "no_data", "not_done"],
            "completion": [1.0, 0.5, None, None, 0.2],
        }
    )
    assert tally(frame.verdict) == {"done": 1, "mostly_done": 0, "not_done": 3, "no_data": 1}
    assert notable_misses(frame).completion.tolist()[:2] == [0.2, 0.5]
