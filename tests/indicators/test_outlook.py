"""The DNS weather symbols: docs/methodology.md §9's worked example, every symbol
and kind, the 5 % and 20 % boundaries, and the method's properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.settings import PROJECT_ROOT
from indicators.outlook import (
    SYMBOL_EN,
    SYMBOL_ORDER,
    SYMBOL_ZH,
    Outlook,
    mean_annual_change,
    outlook,
    symbol_for,
)
from indicators.progress import Point, TargetSpec


def level(
    value: float, year: int = 2025, comparator: str = "at_least", direction: str = "higher"
) -> TargetSpec:
    return TargetSpec("t", "level", year, value, comparator, direction)


def pts(*pairs: tuple[int, float]) -> list[Point]:
    return [Point(y, v) for y, v in pairs]


EXAMPLE = pts(
    (2017, 5000.0),
    (2018, 6000.0),
    (2019, 6400.0),
    (2020, 6900.0),
    (2021, 7300.0),
    (2022, 7600.0),
    (2023, 8100.0),
)


def test_out001_worked_example_of_the_methodology() -> None:
    o = outlook(level(9000.0), EXAMPLE, 2023)
    # 2017→2018 (+1000) is the sixth change back and is left out
    assert o.mean_change == 420.0 and o.changes_used == 5
    assert o.projected == 8940.0
    assert o.shortfall == pytest.approx(60 / 900)
    assert o.symbol == "light_cloud" and o.symbol_zh == "少云"
    assert o.note == (
        "按2018—2023年的年均变化 +420 推算，2025年约为 8,940，"
        "距目标尚差 60，为目前差距（900）的 6.7%"
    )
    higher = outlook(level(9000.0), [*EXAMPLE[:-1], Point(2023, 8200.0)], 2023)
    assert (higher.mean_change, higher.projected, higher.symbol) == (440.0, 9080.0, "sun")


@pytest.mark.parametrize("path", ["docs/methodology.md", "docs/methodology.en.md"])
def test_out002_the_methodology_states_the_worked_example(path: str) -> None:
    text = (PROJECT_ROOT / path).read_text(encoding="utf-8")
    section = text[text.index("## 9.") :]
    assert "DNS" in section and "dns-indikatoren.de" in section
    for figure in ("5000", "8100", "420", "8940", "60/900", "6.7%"):
        assert figure in section, figure
    assert ("少云" if path.endswith("methodology.md") else "partly cloudy") in section
    assert re.search(r"test_outlook\.py", section)


# ---------------------------------------------------------- symbols, level ---


@pytest.mark.parametrize(
    ("before", "symbol", "shortfall"),
    [
        (70.0, "cloud", 0.5),  # +10 a year: 90 in 2025, short by half the distance of 20
        (60.8, "sun", 0.04),  # +19.2: 99.2, just under 5 %
        (61.0, "light_cloud", 0.05),  # +19: 99, exactly 5 % is no longer sun
        (64.0, "light_cloud", 0.20),  # +16: 96, exactly 20 % is still light cloud
        (64.2, "cloud", 0.21),  # +15.8: 95.8, just over 20 %
        (85.0, "thunderstorm", 1.25),  # −5: moving away from the target
        (80.0, "thunderstorm", 1.0),  # no change: the distance stays
        (50.0, "sun", -0.5),  # +30: 110, beyond the target
    ],
)
def test_out003_symbols_and_their_boundaries(before: float, symbol: str, shortfall: float) -> None:
    o = outlook(level(100.0), pts((2023, before), (2024, 80.0)), 2024)
    assert o.symbol == symbol
    assert o.shortfall == pytest.approx(shortfall)
    assert o.projected == pytest.approx(80.0 + (80.0 - before))


def test_out004_symbol_for_reads_the_bands() -> None:
    assert symbol_for(0.0499, moving_towards=False) == "sun"
    assert symbol_for(0.05, moving_towards=True) == "light_cloud"
    assert symbol_for(0.2, moving_towards=True) == "light_cloud"
    assert symbol_for(0.2001, moving_towards=True) == "cloud"
    assert symbol_for(0.06, moving_towards=False) == "thunderstorm"


def test_out005_a_gap_counts_as_equal_annual_changes() -> None:
    # last five years 2018—2023: 2020→2023 three changes of +4, 2019→2020 one of +2,
    # and one year of 2015→2019 (+20 over four years: +5) — the same as
    # (84 − 65, the straight-line value for 2018) / 5
    series = pts((2015, 50.0), (2019, 70.0), (2020, 72.0), (2023, 84.0))
    assert mean_annual_change(series) == (3.8, 5)
    o = outlook(level(100.0), series, 2023)
    assert o.projected == pytest.approx(91.6) and o.shortfall == pytest.approx(8.4 / 16)
    assert o.symbol == "cloud" and o.changes_used == 5


def test_out006_fewer_than_five_changes_use_what_there_is() -> None:
    o = outlook(
        level(100.0, comparator="reach"), pts((2021, 80.0), (2022, 83.0), (2023, 90.0)), 2023
    )
    assert (o.mean_change, o.changes_used, o.projected) == (5.0, 2, 100.0)
    assert o.symbol == "sun" and o.shortfall == 0.0
    assert o.note == "按2021—2023年的年均变化 +5 推算，2025年约为 100，可达到目标"


def test_out007_mean_annual_change_needs_two_points() -> None:
    assert mean_annual_change(pts((2023, 1.0))) is None
    assert mean_annual_change(pts((2020, 1.0), (2021, 3.0), (2022, 4.0)), window=1) == (1.0, 1)


@pytest.mark.parametrize(
    ("series", "symbol", "projected", "shortfall"),
    [
        (((2021, 2.0), (2023, 1.5)), "sun", 1.0, 0.0),  # −0.25 a year reaches 1 hour
        (((2019, 2.0), (2023, 1.6)), "cloud", 1.4, 0.4 / 0.6),  # −0.1 a year: 1.4
        (((2021, 1.5), (2023, 1.6)), "thunderstorm", 1.7, 0.7 / 0.6),  # getting slower
    ],
)
def test_out008_lower_is_better(
    series: tuple[tuple[int, float], ...], symbol: str, projected: float, shortfall: float
) -> None:
    o = outlook(level(1.0, comparator="at_most", direction="lower"), pts(*series), 2023)
    assert o.symbol == symbol
    assert o.projected == pytest.approx(projected) and o.shortfall == pytest.approx(shortfall)


def test_out009_already_met() -> None:
    rising = outlook(level(100.0), pts((2022, 105.0), (2023, 110.0)), 2023)
    assert rising.symbol == "sun" and rising.projected == 120.0 and rising.shortfall == -2.0
    # met now, but at −10 a year it falls to 90 by 2025: the projection decides
    falling = outlook(level(100.0), pts((2022, 120.0), (2023, 110.0)), 2023)
    assert falling.symbol == "thunderstorm" and falling.shortfall == 1.0
    on_the_line = outlook(level(100.0), pts((2022, 110.0), (2023, 100.0)), 2023)
    assert on_the_line.symbol == "thunderstorm" and on_the_line.shortfall is None
    assert "正偏离目标" in on_the_line.note


@pytest.mark.parametrize(("before", "symbol"), [(63.0, "sun"), (63.5, "sun"), (63.9, "cloud")])
def test_out010_about_counts_from_the_edge_of_its_tolerance(before: float, symbol: str) -> None:
    # 66% 左右: 64.68 (66 × 0.98) counts as reached
    target = level(66.0, comparator="about")
    o = outlook(target, pts((2022, before), (2023, 64.0)), 2023, Point(2019, 60.0))
    assert o.symbol == symbol
    if symbol == "cloud":  # 64.2 in 2025: 0.48 short of 64.68, 0.68 away now
        assert o.shortfall == pytest.approx(0.48 / 0.68)


# ------------------------------------------------------------ insufficient ---


def test_out011_fewer_than_two_points_is_none_unless_the_plan_gives_a_baseline() -> None:
    alone = outlook(level(100.0), pts((2023, 90.0)), 2023)
    assert alone == Outlook("none", None, None, None, 0, alone.note) and "不足两个" in alone.note
    later = outlook(level(100.0), pts((2022, 80.0), (2024, 90.0)), 2023)
    assert later.symbol == "none"  # 2024 is after the as-of year
    with_plan = outlook(level(100.0), pts((2023, 90.0)), 2023, Point(2020, 80.0, "plan:b"))
    assert with_plan.changes_used == 3 and with_plan.mean_change == pytest.approx(10 / 3)
    assert with_plan.projected == pytest.approx(96.667, abs=1e-3)
    assert with_plan.shortfall == pytest.approx(1 / 3) and with_plan.symbol == "cloud"
    assert "含规划基期值" in with_plan.note
    plan_after = outlook(level(100.0), pts((2021, 90.0)), 2023, Point(2022, 80.0))
    assert plan_after.symbol == "none"  # the plan's baseline is not before the first figure


def test_out012_the_plan_baseline_is_not_used_once_there_are_two_figures() -> None:
    o = outlook(level(100.0), pts((2022, 85.0), (2023, 90.0)), 2023, Point(2015, 10.0))
    assert (o.mean_change, o.changes_used) == (5.0, 1)


def test_out013_no_direction_or_unknown_kind_is_none() -> None:
    flat = TargetSpec("f", "level", 2025, 80.0, "reach", "band")
    assert outlook(flat, pts((2022, 79.0), (2023, 81.0)), 2023, Point(2020, 80.0)).symbol == "none"
    odd = TargetSpec("o", "share", 2025, 1.0, "reach", "higher")
    assert outlook(odd, pts((2022, 0.0), (2023, 1.0)), 2023).note.startswith("不支持的目标类型")


@pytest.mark.parametrize(
    ("value", "symbol", "words"),
    [(5100.0, "sun", "已实现"), (4800.0, "thunderstorm", "未实现")],
)
def test_out014_target_year_passed_shows_the_final_verdict(
    value: float, symbol: str, words: str
) -> None:
    series = pts((2020, 2400.0), (2021, 3600.0), (2022, value))
    o = outlook(level(5000.0, 2022), series, 2024)
    assert (o.symbol, o.projected, o.shortfall, o.changes_used) == (symbol, value, None, 0)
    assert o.note == f"目标年份已过：2022年实际为 {value:,.0f}，{words}目标"
    missing = outlook(level(5000.0, 2022), series[:2], 2024)
    assert missing.symbol == "none" and "尚未报送" in missing.note


# ------------------------------------------------------------------- kinds ---

GROWTH = TargetSpec("g", "growth", 2025, 10.0, "at_least", "higher", 2020)


@pytest.mark.parametrize(
    ("rates", "symbol", "projected"),
    [
        ((9.0, 8.0, 10.5), "light_cloud", 9.16377),  # example 6: 2024, 2025 at 9.1667
        ((12.0, 11.0, 10.0), "sun", 10.998198),
        ((2.0, 3.0, 4.0), "cloud", 2.998058),
        ((-1.0, -2.0, 0.0), "thunderstorm", -1.00202),  # not growing at all
    ],
)
def test_out015_growth_fills_the_rest_of_the_period_with_the_mean_rate(
    rates: tuple[float, ...], symbol: str, projected: float
) -> None:
    series = [Point(2021 + i, r) for i, r in enumerate(rates)]
    o = outlook(GROWTH, series, 2023)
    assert o.symbol == symbol and o.changes_used == 3
    assert o.mean_change == pytest.approx(sum(rates) / 3)
    assert o.projected == pytest.approx(projected, abs=1e-5)
    assert o.shortfall == pytest.approx((10.0 - o.projected) / 10.0)


def test_out016_growth_example_note() -> None:
    o = outlook(GROWTH, pts((2021, 9.0), (2022, 8.0), (2023, 10.5)), 2023)
    assert o.note == (
        "2021—2025年中尚无数据的年份按2021—2023年的平均增速 9.17% 推算，期间年均增长约 9.16%，"
        "距目标增速尚差 0.84 个百分点，为目标增速的 8.4%"
    )


def test_out017_growth_uses_the_last_five_rates_and_a_ceiling() -> None:
    series = pts((2016, 50.0), (2017, 4.0), (2018, 4.0), (2019, 4.0), (2020, 4.0), (2021, 4.0))
    o = outlook(GROWTH, series, 2021)
    assert o.mean_change == 4.0 and o.changes_used == 5  # 2016's 50% is left out
    assert o.projected == pytest.approx(4.0) and o.symbol == "cloud"
    ceiling = TargetSpec("e", "growth", 2025, 3.0, "at_most", "lower", 2020)
    for rate, symbol in ((2.0, "sun"), (4.0, "cloud"), (7.0, "thunderstorm")):
        rates = pts((2021, rate), (2022, rate), (2023, rate))
        assert outlook(ceiling, rates, 2023).symbol == symbol
    assert outlook(GROWTH, [], 2023).symbol == "none"


def test_out018_growth_target_year_passed() -> None:
    series = [Point(y, 10.5) for y in range(2021, 2026)]
    assert outlook(GROWTH, series, 2025).symbol == "sun"
    assert outlook(GROWTH, [Point(y, 9.0) for y in range(2021, 2026)], 2026).symbol == (
        "thunderstorm"
    )


def test_out019_change_versus_base_year_projects_from_zero() -> None:
    # example 7: −7.0 in 2023 against 2020, −2.33 a year, −11.67 in 2025 for −13.5
    target = TargetSpec("c", "change", 2025, -13.5, "reach", "lower", 2020)
    o = outlook(target, pts((2023, -7.0)), 2023)
    assert o.mean_change == pytest.approx(-7 / 3) and o.changes_used == 3
    assert o.projected == pytest.approx(-11.667, abs=1e-3)
    assert o.shortfall == pytest.approx((13.5 - 35 / 3) / 6.5) and o.symbol == "cloud"
    faster = outlook(target, pts((2022, -5.0), (2023, -9.0)), 2023)
    assert faster.projected == pytest.approx(-15.0) and faster.symbol == "sun"


def test_out020_cumulative_adds_the_mean_yearly_flow() -> None:
    # example 8: 8, 9, 10 — 27 so far, +9 a year, 45 in 2025 for 46
    target = TargetSpec("k", "cumulative", 2025, 46.0, "reach", "higher", 2020)
    o = outlook(target, pts((2021, 8.0), (2022, 9.0), (2023, 10.0)), 2023)
    assert (o.mean_change, o.changes_used, o.projected) == (9.0, 3, 45.0)
    assert o.shortfall == pytest.approx(1 / 19) and o.symbol == "light_cloud"
    assert "年均新增 +9" in o.note
    flows = [Point(y, 1.0) for y in range(2016, 2024)]
    late = TargetSpec("k", "cumulative", 2025, 20.0, "reach", "higher", 2015)
    assert outlook(late, flows, 2023).changes_used == 5


def test_out021_counts_from_zero_at_the_base_year() -> None:
    ports = TargetSpec("n", "count", 2025, 1.0, "range", "higher", 2020, 2.0)
    reached = outlook(ports, pts((2023, 1.0)), 2023)
    assert reached.symbol == "sun" and reached.projected == pytest.approx(5 / 3)
    nothing = outlook(ports, pts((2023, 0.0)), 2023)
    assert nothing.symbol == "thunderstorm" and "没有变化" in nothing.note
    new = TargetSpec("n", "count", 2025, 5.0, "reach", "higher", 2020)
    o = outlook(new, pts((2021, 1.0), (2023, 3.0)), 2023)
    assert (o.mean_change, o.changes_used, o.projected, o.symbol) == (1.0, 3, 5.0, "sun")
    no_base = TargetSpec("n", "count", 2025, 5.0, "reach", "higher")
    assert outlook(no_base, pts((2022, 1.0), (2023, 2.0)), 2023).projected == 4.0
    assert outlook(no_base, [], 2023).symbol == "none"
    assert outlook(new, pts((2019, 1.0)), 2023).symbol == "none"  # nothing after 2020


def test_out022_symbols_have_words() -> None:
    assert SYMBOL_ORDER == ("sun", "light_cloud", "cloud", "thunderstorm", "none")
    assert set(SYMBOL_ORDER) == set(SYMBOL_ZH) == set(SYMBOL_EN)
    assert list(SYMBOL_ZH.values()) == ["晴", "少云", "多云", "雷雨", "无法判断"]
    assert SYMBOL_EN["light_cloud"] == "partly cloudy" and SYMBOL_EN["none"] == "not assessable"


# -------------------------------------------------------------- properties ---

values = st.floats(min_value=-1e6, max_value=1e6).filter(lambda v: v == 0 or abs(v) > 1e-6)
histories = st.lists(values, min_size=2, max_size=7)


def _case(history: list[float], goal: float, comparator: str, sign: float = 1.0) -> Outlook:
    series = [Point(2023 - i, sign * v) for i, v in enumerate(reversed(history))]
    return outlook(level(sign * goal, 2027, comparator), series, 2023)


@given(histories, values, st.sampled_from(["at_least", "at_most", "reach"]), st.integers(-10, 10))
def test_out023_scaling_every_value_changes_nothing(
    history: list[float], goal: float, comparator: str, power: int
) -> None:
    plain = _case(history, goal, comparator)
    scaled = _case(history, goal, comparator, sign=2.0**power)  # exact in binary
    assert scaled.symbol == plain.symbol
    assert scaled.shortfall == plain.shortfall


@given(histories, values)
def test_out024_mirrored_lower_is_better_data_gets_the_same_symbol(
    history: list[float], goal: float
) -> None:
    rising = _case(history, goal, "at_least")
    series = [Point(2023 - i, -v) for i, v in enumerate(reversed(history))]
    falling = outlook(level(-goal, 2027, "at_most", "lower"), series, 2023)
    assert falling.symbol == rising.symbol and falling.shortfall == rising.shortfall
