"""The worked examples of docs/methodology.md, and the method's properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.progress import (
    CHANGE_EN,
    CHANGE_ZH,
    CHANGES,
    STATUS_EN,
    STATUS_ORDER,
    STATUS_ZH,
    Assessment,
    Point,
    TargetSpec,
    assess,
    status_change,
    status_rank,
    trend_status,
)


def level(
    value: float, year: int = 2025, comparator: str = "reach", direction: str = "higher"
) -> TargetSpec:
    return TargetSpec("t", "level", year, value, comparator, direction)


def test_prg001_open_sdg_example() -> None:
    a = assess(level(3.0, 2030), [Point(2023, 2.4, "obs:1")], 2023, Point(2015, 2.0, "plan:x"))
    assert a.status == "needs_acceleration" and a.method == "cagr"
    assert a.cagr_actual == pytest.approx(0.02305, abs=1e-5)
    assert a.cagr_required == pytest.approx(0.02740, abs=1e-5)
    assert a.ratio == pytest.approx(0.843, abs=1e-3)
    assert a.share_of_way == pytest.approx(0.4) and a.share_of_time == pytest.approx(8 / 15)
    assert a.expected_now == pytest.approx(2.483, abs=1e-3)
    assert a.projected == pytest.approx(2.815, abs=1e-3) and a.gap == pytest.approx(0.185, abs=1e-3)
    assert a.used == ("plan:x", "obs:1") and a.baseline_from_plan


@pytest.mark.parametrize(("latest", "status"), [(64.0, "on_track"), (65.0, "achieved")])
def test_prg002_about_gets_two_percent_tolerance(latest: float, status: str) -> None:
    a = assess(level(66.0, comparator="about"), [Point(2023, latest)], 2023, Point(2019, 60.0))
    assert a.status == status
    if status == "on_track":
        assert a.ratio == pytest.approx(1.016, abs=1e-3)
        assert a.projected == pytest.approx(66.10, abs=1e-2)


def test_prg003_lower_is_better_at_most() -> None:
    a = assess(
        level(1.0, comparator="at_most", direction="lower"),
        [Point(2023, 1.5)],
        2023,
        Point(2019, 2.0),
    )
    assert a.status == "needs_acceleration"
    assert a.cagr_actual == pytest.approx(-0.0694, abs=1e-4)
    assert a.cagr_required == pytest.approx(-0.1091, abs=1e-4)
    assert a.ratio == pytest.approx(0.623, abs=1e-3)
    assert a.projected == pytest.approx(1.30, abs=1e-2) and a.gap == pytest.approx(0.30, abs=1e-2)


@pytest.mark.parametrize(
    ("latest", "status", "ratio"), [(75.0, "deterioration", -0.482), (82.0, "limited", 0.184)]
)
def test_prg004_deterioration_and_limited(latest: float, status: str, ratio: float) -> None:
    a = assess(level(100.0), [Point(2023, latest)], 2023, Point(2020, 80.0))
    assert a.status == status and a.ratio == pytest.approx(ratio, abs=1e-3)


def test_prg005_missing_plan_baseline_uses_first_observation_and_says_so() -> None:
    a = assess(level(100.0), [Point(2021, 80.0), Point(2023, 88.0)], 2023)
    assert a.baseline == Point(2021, 80.0) and not a.baseline_from_plan
    assert a.ratio == pytest.approx(0.854, abs=1e-3) and a.status == "needs_acceleration"
    assert "以首个观测值为基期" in a.note


def test_prg006_average_annual_growth() -> None:
    target = TargetSpec("g", "growth", 2025, 10.0, "at_least", "higher", 2020)
    a = assess(target, [Point(2021, 9.0), Point(2022, 8.0), Point(2023, 10.5)], 2023)
    assert a.projected == pytest.approx(9.16, abs=1e-2)
    assert a.ratio == pytest.approx(0.916, abs=1e-3) and a.status == "needs_acceleration"


def test_prg007_change_versus_base_year() -> None:
    target = TargetSpec("c", "change", 2025, -13.5, "reach", "lower", 2020)
    a = assess(target, [Point(2023, -7.0)], 2023)
    assert a.expected_now == pytest.approx(-8.1) and a.share_of_way == pytest.approx(
        0.519, abs=1e-3
    )
    assert a.ratio == pytest.approx(0.864, abs=1e-3) and a.status == "needs_acceleration"
    assert a.projected == pytest.approx(-11.67, abs=1e-2) and a.gap == pytest.approx(1.83, abs=1e-2)


def test_prg008_cumulative_total_sums_the_yearly_flows() -> None:
    target = TargetSpec("k", "cumulative", 2025, 46.0, "reach", "higher", 2020)
    a = assess(target, [Point(2021, 8.0), Point(2022, 9.0), Point(2023, 10.0)], 2023)
    assert a.latest.value == 27.0 and a.ratio == pytest.approx(0.978, abs=1e-3)
    assert a.status == "on_track" and a.projected == pytest.approx(45.0)


def test_prg009_count_range_is_achieved_at_its_lower_end() -> None:
    target = TargetSpec("n", "count", 2025, 1.0, "range", "higher", 2020, 2.0)
    assert assess(target, [Point(2023, 1.0)], 2023).status == "achieved"
    assert assess(target, [Point(2023, 0.0)], 2023).status == "limited"


@pytest.mark.parametrize(("actual", "status"), [(4800.0, "missed"), (5100.0, "met")])
def test_prg010_final_verdict_once_the_year_has_passed(actual: float, status: str) -> None:
    a = assess(level(5000.0, 2022, "at_least"), [Point(2022, actual)], 2024, Point(2020, 2400.0))
    assert a.final and a.status == status


def test_prg011_missing_data_is_insufficient() -> None:
    assert assess(level(100.0), [], 2023, Point(2020, 80.0)).status == "insufficient"
    late = assess(level(100.0, 2022), [Point(2021, 90.0)], 2023, Point(2020, 80.0))
    assert late.status == "insufficient" and "尚未报送" in late.note


def test_prg012_trend_bands_without_a_target() -> None:
    rising = [Point(2020, 100.0), Point(2023, 106.0)]
    assert trend_status(rising, "higher", 2023) == "on_track"
    assert trend_status(rising, "lower", 2023) == "deterioration"
    assert trend_status(rising, "none", 2023) == "insufficient"


# ----------------------------------------------------------------- properties ---

RANK = {
    s: i
    for i, s in enumerate(
        ("deterioration", "limited", "needs_acceleration", "on_track", "achieved")
    )
}
positive = st.floats(min_value=1.0, max_value=1e6, allow_nan=False, allow_infinity=False)
years = st.integers(min_value=1, max_value=9)


def _level_case(
    base: float,
    now: float,
    goal: float,
    elapsed: int,
    comparator: str,
    direction: str = "higher",
    scale: float = 1.0,
) -> Assessment:
    target = TargetSpec("p", "level", 2030, goal * scale, comparator, direction)
    return assess(
        target, [Point(2020 + elapsed, now * scale)], 2020 + elapsed, Point(2020, base * scale)
    )


@given(
    positive,
    positive,
    positive,
    years,
    st.sampled_from(["reach", "at_least"]),
    st.floats(min_value=1.0001, max_value=3.0),
)
def test_prg013_a_better_observation_never_worsens_the_status(
    base: float, now: float, goal: float, elapsed: int, comparator: str, factor: float
) -> None:
    worse = _level_case(base, now, goal, elapsed, comparator)
    better = _level_case(base, now * factor, goal, elapsed, comparator)
    if goal > base:  # the target asks for a rise, so a higher value is better
        assert RANK[better.status] >= RANK[worse.status]


@given(
    positive,
    positive,
    positive,
    years,
    st.sampled_from(["reach", "at_least", "about"]),
    st.floats(min_value=0.001, max_value=1000.0),
)
def test_prg014_scaling_every_value_changes_nothing(
    base: float, now: float, goal: float, elapsed: int, comparator: str, scale: float
) -> None:
    plain = _level_case(base, now, goal, elapsed, comparator)
    scaled = _level_case(base, now, goal, elapsed, comparator, scale=scale)
    assert scaled.status == plain.status


@given(positive, positive, positive, years)
def test_prg015_mirrored_lower_is_better_data_gets_the_mirrored_verdict(
    base: float, now: float, goal: float, elapsed: int
) -> None:
    rising = _level_case(base, now, goal, elapsed, "at_least", "higher")
    falling = _level_case(1 / base, 1 / now, 1 / goal, elapsed, "at_most", "lower")
    assert falling.status == rising.status


def test_prg016_statuses_have_chinese_words() -> None:
    assert set(STATUS_ORDER) == set(STATUS_ZH) == set(STATUS_EN)
    assert len(set(STATUS_ZH.values())) == len(STATUS_ZH) - 1  # met and achieved: 已实现
    assert assess(level(100.0), [], 2023).status_zh == "数据不足"


# ------------------------------------------------------------ status changes ---


@pytest.mark.parametrize(
    ("previous", "current", "change"),
    [
        ("needs_acceleration", "on_track", "improved"),
        ("on_track", "achieved", "improved"),
        ("on_track", "met", "improved"),
        ("limited", "deterioration", "worsened"),
        ("deterioration", "missed", "worsened"),
        ("achieved", "missed", "worsened"),
        ("on_track", "on_track", "unchanged"),
        ("achieved", "met", "unchanged"),  # both 已实现: reached early, then on time
        ("insufficient", "deterioration", "new"),
        ("insufficient", "met", "new"),
        (None, "on_track", "new"),
        ("on_track", "insufficient", "unassessable"),
        ("insufficient", "insufficient", "unchanged"),
    ],
)
def test_prg017_status_change_between_two_years(
    previous: str | None, current: str, change: str
) -> None:
    assert status_change(previous, current) == change


def test_prg018_status_rank_follows_status_order() -> None:
    ranked = [s for s in STATUS_ORDER if s != "insufficient"]
    ranks = [status_rank(s) for s in ranked]
    assert ranks == sorted(ranks) and status_rank("met") == status_rank("achieved")
    assert status_rank("insufficient") is None
    assert set(CHANGES) == set(CHANGE_ZH) == set(CHANGE_EN)


@given(st.sampled_from(STATUS_ORDER), st.sampled_from(STATUS_ORDER))
def test_prg019_a_change_read_backwards_is_its_opposite(before: str, after: str) -> None:
    opposite = {
        "improved": "worsened",
        "worsened": "improved",
        "unchanged": "unchanged",
        "new": "unassessable",
        "unassessable": "new",
    }
    assert status_change(after, before) == opposite[status_change(before, after)]


def test_prg020_one_value_at_or_beyond_a_floor_is_achieved_without_a_baseline() -> None:
    """巩固在60%以上 with one published year (64.25 %) and no plan baseline: the pace
    needs two years, whether the floor is held does not."""
    a = assess(level(60.0, 2027, "at_least"), [Point(2025, 64.25)], 2025)
    assert a.status == "achieved" and not a.final and a.baseline is None
    assert a.latest == Point(2025, 64.25) and a.gap == pytest.approx(-4.25)
    assert "据此判定" in a.note
    ceiling = assess(level(2.0, 2027, "at_most", "lower"), [Point(2024, 1.6)], 2025)
    assert ceiling.status == "achieved"


def test_prg021_one_value_short_of_a_floor_or_a_reach_target_stays_insufficient() -> None:
    assert assess(level(98.5, 2027, "at_least"), [Point(2025, 98.47)], 2025).status == (
        "insufficient"
    )
    # 达到 X (reach) on an indicator without a better side states no floor
    band = assess(level(60.0, 2027, "reach", "band"), [Point(2025, 64.25)], 2025)
    assert band.status == "insufficient"
    # a plan baseline of the same year leaves no later value: still nothing to judge
    planned = assess(level(60.0, 2027, "at_least"), [Point(2020, 64.0)], 2025, Point(2020, 64.0))
    assert planned.status == "insufficient"


def test_prg022_a_target_year_value_alone_decides_a_floor_met_or_missed() -> None:
    met = assess(level(95.0, 2025, "at_least"), [Point(2025, 95.2)], 2026)
    missed = assess(level(95.0, 2025, "at_least"), [Point(2025, 94.0)], 2026)
    assert (met.status, met.final) == ("met", True)
    assert (missed.status, missed.final) == ("missed", True)
    early = assess(level(95.0, 2025, "at_least"), [Point(2023, 96.0)], 2026)
    assert early.status == "insufficient"


def test_prg023_reach_on_a_more_is_better_indicator_is_a_floor() -> None:
    """省际出口通道达到27个 (reach, higher is better), 27 in 2022 and nothing
    before: met in the target year; 新生儿死亡率降至2‰ (lower is better) likewise."""
    exits = assess(level(27.0, 2022), [Point(2022, 27.0)], 2025)
    assert (exits.status, exits.final, exits.method) == ("met", True, "final")
    above = assess(level(27.0, 2022), [Point(2022, 29.0)], 2025)
    assert above.status == "met"  # more than asked is met, never read as a fall wanted
    assert assess(level(2.0, 2027, "reach", "lower"), [Point(2024, 1.8)], 2025).status == (
        "achieved"
    )
