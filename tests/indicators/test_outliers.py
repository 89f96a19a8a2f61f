"""Reviewer flags and the change columns: each rule on its own, at and beyond its threshold."""

from __future__ import annotations

import pytest

from indicators.outliers import (
    FLAGS_EN,
    JUMP,
    NEGATIVE,
    OUTLIER,
    REVISION,
    can_be_negative,
    change,
    flag,
    year_change,
)


def growing(rates: list[float], start: float = 100.0, first: int = 2015) -> dict[int, float]:
    """A level series from ``first`` growing by each of ``rates`` in turn."""
    series = {first: start}
    for year, rate in enumerate(rates, first + 1):
        series[year] = series[year - 1] * (1 + rate)
    return series


STEADY = growing([0.08, 0.075, 0.085, 0.08, 0.09, 0.07, 0.08, 0.082, 0.078])  # 2015–2024


def test_out001_change_and_change_percent() -> None:
    assert change(11.0, 10.0) == (1.0, pytest.approx(10.0))
    assert change(9.0, 10.0) == (-1.0, pytest.approx(-10.0))
    # the percentage is of the reference's magnitude: −1 after −2 rose by 50 %
    assert change(-1.0, -2.0) == (1.0, pytest.approx(50.0))
    assert change(5.0, 0.0) == (5.0, None)
    assert change(5.0, None) == (None, None)
    # a small revision is a small percentage, not rounded away: 23511.3 after 23500
    assert change(23511.3, 23500.0)[1] == pytest.approx(0.0481, abs=1e-4)


def test_out002_a_new_high_in_line_with_the_series_growth_is_no_outlier() -> None:
    value = STEADY[2024] * 1.085  # the highest value ever, growing as it always has
    moved = year_change(2025, value, STEADY)
    assert moved.previous == STEADY[2024] and moved.relative
    assert moved.change == pytest.approx(0.085)
    assert moved.z is not None and abs(moved.z) < 1
    assert flag(value, moved, None) == []


def test_out003_a_break_in_the_pattern_of_changes_is_flagged() -> None:
    for value in (STEADY[2024] * 10, STEADY[2024] * 0.5, STEADY[2024] * 1.2):  # 万→亿, halved
        assert flag(value, year_change(2025, value, STEADY), None) == [OUTLIER], value


def test_out004_the_modified_z_score_by_hand() -> None:
    # earlier growth 5, 6, 7, 8, 10 %: median 7 %, MAD 1 %, spread 1.4826 %
    series = growing([0.05, 0.06, 0.07, 0.08, 0.10])
    last = series[2020]
    z = year_change(2021, last * 1.13, series).z
    assert z == pytest.approx(0.06 / (0.01 / 0.6745), rel=1e-6)  # 4.05: flagged
    assert flag(last * 1.13, year_change(2021, last * 1.13, series), None) == [OUTLIER]
    assert year_change(2021, last * 1.12, series).z == pytest.approx(3.37, abs=0.01)
    assert flag(last * 1.12, year_change(2021, last * 1.12, series), None) == []


def test_out005_alike_changes_use_the_mean_deviation_then_a_floor() -> None:
    # MAD 0 (four of five changes 5 %): mean absolute deviation 0.8 % × 1.2533
    series = growing([0.05, 0.05, 0.05, 0.05, 0.09])
    value = series[2020] * 1.10
    assert year_change(2021, value, series).z == pytest.approx(0.05 / (0.008 * 1.2533), rel=1e-6)
    # every change exactly 5 %: the spread is 1 point of growth, 6 % is no outlier, 9 % is
    flat = growing([0.05] * 5)
    assert flag(flat[2020] * 1.06, year_change(2021, flat[2020] * 1.06, flat), None) == []
    assert flag(flat[2020] * 1.09, year_change(2021, flat[2020] * 1.09, flat), None) == [OUTLIER]


def test_out006_a_short_history_falls_back_to_the_30_percent_jump() -> None:
    short = {2021: 100.0, 2022: 110.0, 2023: 120.0, 2024: 122.0}  # three changes
    assert year_change(2025, 130.0, short).z is None
    assert flag(122.0 * 1.29, year_change(2025, 122.0 * 1.29, short), None) == []
    assert flag(122.0 * 1.31, year_change(2025, 122.0 * 1.31, short), None) == [JUMP]
    assert flag(122.0 * 0.69, year_change(2025, 122.0 * 0.69, short), None) == [JUMP]


def test_out007_only_consecutive_years_are_changes() -> None:
    gap = {y: v for y, v in STEADY.items() if y != 2024}
    moved = year_change(2025, STEADY[2023] * 5, gap)  # no 2024: nothing to compare with
    assert moved.previous is None and moved.change is None and moved.z is None
    assert flag(STEADY[2023] * 5, moved, None) == []
    # later years than the value's own are not its history
    assert year_change(2020, STEADY[2020], STEADY).previous == STEADY[2019]


def test_out008_rates_change_by_differences() -> None:
    shares = {2019: 40.0, 2020: 41.0, 2021: 42.0, 2022: 43.0, 2023: 44.0}
    moved = year_change(2024, 45.5, shares, signed=True)
    assert not moved.relative and moved.change == pytest.approx(1.5)
    assert moved.z == pytest.approx(0.5 / 0.44)  # spread floor: 1 % of 44
    assert flag(45.5, moved, None, can_be_negative=True) == []
    assert flag(50.0, year_change(2024, 50.0, shares, signed=True), None) == [OUTLIER]
    # a level that was once zero changes by differences too
    assert not year_change(2024, 3.0, {2022: 0.0, 2023: 2.0}).relative


def test_out009_a_different_reported_value_becomes_a_revision() -> None:
    assert flag(128.0, None, 127.5) == [REVISION]
    assert flag(128.0, None, 128.0) == []
    assert flag(0.1 + 0.2, None, 0.3) == []  # float noise is no revision


@pytest.mark.parametrize(("unit", "flags"), [("亿元", [NEGATIVE]), ("%", []), ("个百分点", [])])
def test_out010_negative_only_where_the_indicator_cannot_be(unit: str, flags: list[str]) -> None:
    assert flag(-1.5, None, None, can_be_negative=can_be_negative(unit)) == flags


def test_out011_every_flag_has_an_english_name() -> None:
    assert set(FLAGS_EN) == {OUTLIER, JUMP, REVISION, NEGATIVE}
