"""Class, rank and relative targets, negative series and the no-target trend
(docs/methodology.md, sections 6 and 11, examples 13–17; issue 20 items 4 and 6)."""

from __future__ import annotations

import math

import pytest

from indicators.final_evaluation import judge
from indicators.outlook import outlook
from indicators.progress import (
    Point,
    TargetSpec,
    assess,
    limit_coefficient,
    trend,
    trend_status,
)
from indicators.scales import SCALES, classes_in, factors_in, ranks_in


def spec(kind: str, value: float, year: int = 2025, **kw: object) -> TargetSpec:
    kw.setdefault("comparator", "at_most" if kind in ("class", "rank") else "reach")
    kw.setdefault("direction", "lower" if kind in ("class", "rank") else "higher")
    return TargetSpec("t", kind, year, value, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------- class targets ---
# 长江干线朝天门至涪陵段提升到一级航道标准 (2025): the series holds the grade number


@pytest.mark.parametrize(("grade_2025", "status"), [(1.0, "met"), (2.0, "missed"), (3.0, "missed")])
def test_kin001_waterway_grade_met_and_missed(grade_2025: float, status: str) -> None:
    a = assess(spec("class", 1.0), [Point(2021, 3.0), Point(2025, grade_2025)], 2025)
    assert a.status == status and a.final and a.method == "ordinal"
    assert a.gap == grade_2025 - 1.0


@pytest.mark.parametrize(
    ("grade_2023", "status"),
    [(1.0, "achieved"), (2.0, "limited"), (3.0, "limited"), (4.0, "deterioration")],
)
def test_kin002_waterway_grade_before_the_target_year(grade_2023: float, status: str) -> None:
    a = assess(spec("class", 1.0), [Point(2021, 3.0), Point(2023, grade_2023)], 2023)
    assert a.status == status and not a.final


def test_kin003_class_target_year_not_reported_is_insufficient() -> None:
    a = assess(spec("class", 2.0), [Point(2021, 3.0)], 2026)
    assert a.status == "insufficient" and "尚未报送" in a.note
    assert assess(spec("class", 2.0), [], 2023).status == "insufficient"


def test_kin004_water_quality_class_kept() -> None:
    # 长江干流水质稳定保持Ⅱ类 (2027): Ⅰ类 is better than Ⅱ类, 劣Ⅴ类 is 6
    target = spec("class", 2.0, 2027)
    assert assess(target, [Point(2022, 2.0), Point(2027, 1.0)], 2027).status == "met"
    assert assess(target, [Point(2022, 2.0), Point(2027, 3.0)], 2027).status == "missed"
    assert SCALES["water_quality_class"].label(6) == "劣Ⅴ类"


def test_kin005_scales_read_from_the_sentences() -> None:
    assert classes_in("长江干线朝天门至涪陵段提升到一级航道标准") == {1.0}
    assert classes_in("国道基本达到二级及以上技术标准") == {2.0}
    assert classes_in("长江干流水质稳定保持Ⅱ类") == {2.0}
    assert classes_in("劣Ⅴ类水体") == {6.0}
    assert ranks_in("功率半导体、液晶面板产量迈入全国前三") == {3.0}
    assert factors_in("全市绿色融资余额翻一番") == {2.0}
    assert factors_in("上市后备企业实现“倍增”") == {2.0}
    assert factors_in("翻两番") == {4.0}
    assert factors_in("增长2倍") == {3.0} and factors_in("增长一倍") == {2.0}
    assert factors_in("达到1.5倍") == {1.5}


# ----------------------------------------------------------------- rank targets ---
# 功率半导体、液晶面板产量迈入全国前三 (2027): the series holds the national rank


@pytest.mark.parametrize(("rank_2027", "status"), [(3.0, "met"), (1.0, "met"), (4.0, "missed")])
def test_kin006_rank_target_final(rank_2027: float, status: str) -> None:
    a = assess(spec("rank", 3.0, 2027), [Point(2022, 6.0), Point(2027, rank_2027)], 2027)
    assert a.status == status


def test_kin007_rank_target_reached_early_and_not_yet() -> None:
    target = spec("rank", 3.0, 2027)
    assert assess(target, [Point(2022, 6.0), Point(2024, 2.0)], 2024).status == "achieved"
    assert assess(target, [Point(2022, 6.0), Point(2024, 5.0)], 2024).status == "limited"
    assert assess(target, [Point(2022, 6.0), Point(2024, 7.0)], 2024).status == "deterioration"


# ------------------------------------------------------------- relative targets ---
# 社会物流总额在“十四五”期间翻一番: factor 2 on 2020's value, 2025


def test_kin008_doubling_judged_against_its_base_year() -> None:
    target = spec("relative", 2.0, 2025, base_year=2020)
    series = [Point(2019, 50.0), Point(2020, 100.0, "obs:1"), Point(2025, 210.0, "obs:2")]
    a = assess(target, series, 2025)
    assert a.status == "met" and a.expected_now == 200.0
    assert a.baseline == Point(2020, 100.0, "obs:1") and "100 × 2 = 200" in a.note
    short = [Point(2020, 100.0), Point(2025, 190.0)]
    assert assess(target, short, 2025).status == "missed"
    # the same 210 misses when the plan states 2020's value as 120: goal 240
    plan = Point(2020, 120.0, "plan:x-001")
    b = assess(target, series, 2025, plan)
    assert b.status == "missed" and b.gap == pytest.approx(30.0) and "规划所给" in b.note


def test_kin009_doubling_on_its_way() -> None:
    # 2020: 100, 2023: 150, goal 200 in 2025: R = (ln 1.5/3)/(ln 2/5) = 0.975
    target = spec("relative", 2.0, 2025, base_year=2020)
    a = assess(target, [Point(2020, 100.0), Point(2023, 150.0)], 2023)
    assert a.ratio == pytest.approx((math.log(1.5) / 3) / (math.log(2) / 5))
    assert a.status == "on_track"
    assert assess(target, [Point(2020, 100.0), Point(2023, 110.0)], 2023).status == "limited"


def test_kin010_relative_without_a_base_value_or_year() -> None:
    # no figure for the base year: not judged
    target = spec("relative", 2.0, 2025, base_year=2020)
    a = assess(target, [Point(2021, 100.0), Point(2023, 150.0)], 2023)
    assert a.status == "insufficient" and "2020" in a.note
    # no base year in the sentence (全市绿色融资余额翻一番, 2023—2027): the year before the period
    b = assess(spec("relative", 2.0, 2027), [Point(2022, 10.0), Point(2027, 20.0)], 2027)
    assert b.status == "met" and b.baseline is not None and b.baseline.year == 2022


# ------------------------------------------------------------- negative series ---


def test_kin011_negative_level_series_follows_the_sign_rule() -> None:
    # from −10 (2020) to −5 (2025), higher is better; −8 in 2023:
    # R = (ln 0.8/3)/(ln 0.5/5) = 0.537 → limited (Open SDG: sign·dir·cagr_o/|cagr_r| = 0.554)
    target = spec("level", -5.0, 2025)
    a = assess(target, [Point(2023, -8.0)], 2023, Point(2020, -10.0))
    assert a.method == "cagr" and a.status == "limited"
    assert a.ratio == pytest.approx((math.log(0.8) / 3) / (math.log(0.5) / 5))
    reference = (-1) * 1 * (0.8 ** (1 / 3) - 1) / abs(0.5 ** (1 / 5) - 1)
    assert 0 <= reference < 0.6  # the same band as the reference's
    assert assess(target, [Point(2023, -12.0)], 2023, Point(2020, -10.0)).status == (
        "deterioration"
    )


def test_kin012_negative_series_trend_uses_the_sign_factor() -> None:
    # −10 → −8 over three years: the magnitude shrinks by 7.2 % a year; higher is
    # better, so sign (−1) × direction (+1) × (−7.2 %) = +7.2 %: on track, not 数据不足
    series = [Point(2020, -10.0), Point(2023, -8.0)]
    t = trend(series, "higher", 2023)
    assert t.status == "on_track" and t.value == pytest.approx(1 - 0.8 ** (1 / 3))
    assert trend_status(series, "lower", 2023) == "deterioration"
    # opposite signs are not judged (the reference returns None); a zero base is 0.001
    assert trend_status([Point(2020, -10.0), Point(2023, 5.0)], "higher", 2023) == "insufficient"
    assert trend_status([Point(2020, 0.0), Point(2023, 5.0)], "higher", 2023) == "on_track"


# ------------------------------------------------------------ no-target trend ---


def test_kin013_trend_cut_offs_scaled_by_a_limit() -> None:
    # 90 → 92 over three years: 0.735 % a year → moderate (≥ 0.5 %, < 1.5 %);
    # near a limit of 100 the cut-offs shrink by 1 − 0.9^4.44 = 0.374 → substantial
    series = [Point(2020, 90.0), Point(2023, 92.0)]
    assert trend_status(series, "higher", 2023) == "needs_acceleration"
    t = trend(series, "higher", 2023, limit=100.0)
    assert t.coefficient == pytest.approx(1 - 0.9**4.44) and t.status == "on_track"
    assert trend_status(series, "higher", 2023, limit=math.nan) == "needs_acceleration"
    assert limit_coefficient(250.0, 100.0) == 1.0
    assert limit_coefficient(110.0, 100.0) == pytest.approx(1 - 0.9**4.44)
    assert limit_coefficient(100.0, 100.0) == 0.0


def test_kin014_trend_needs_two_values_and_a_direction() -> None:
    assert trend_status([Point(2023, 5.0)], "higher", 2023) == "insufficient"
    assert trend_status([Point(2020, 5.0), Point(2023, 6.0)], "none", 2023) == "insufficient"
    # only values up to the as-of year count
    assert trend_status([Point(2020, 5.0), Point(2024, 6.0)], "higher", 2023) == "insufficient"


def test_kin015_final_evaluation_of_a_doubling_without_its_base_year() -> None:
    # a 2025 figure but none for 2020: the goal (2 × 2020's value) is unknown, so the
    # final evaluation cannot call it done (it compared 150 with the factor 2 before)
    target = spec("relative", 2.0, 2025, base_year=2020)
    series = (Point(2025, 150.0),)
    verdict = judge(target, assess(target, list(series), 2025), series)
    assert verdict.verdict == "no_data" and "2020" in verdict.note
    complete = (Point(2020, 70.0), Point(2025, 150.0))
    assert judge(target, assess(target, list(complete), 2025), complete).verdict == "done"


def test_kin016_weather_outlook_of_a_doubling() -> None:
    # 100 (2020) to be doubled by 2025; +15, +15, +20: mean change 16.67, 2025 ≈ 183.3,
    # 16.7 short of 200 = 33 % of the 50 still to go → cloud (DNS, methodology §9)
    target = spec("relative", 2.0, 2025, base_year=2020)
    series = [Point(2020, 100.0), Point(2021, 115.0), Point(2022, 130.0), Point(2023, 150.0)]
    result = outlook(target, series, 2023)
    assert result.symbol == "cloud" and result.projected == pytest.approx(183.333, abs=1e-3)
    assert "规划基期" not in result.note
    assert outlook(target, series[1:], 2023).symbol == "none"
