"""Reviewer flags: each rule on its own, at and beyond its threshold."""

from __future__ import annotations

import pytest

from indicators.outliers import (
    FLAGS_EN,
    JUMP,
    NEGATIVE,
    OUT_OF_RANGE,
    REVISION,
    can_be_negative,
    flag,
)

GROWING = [100.0, 105.0, 110.0, 116.0, 122.0]


def test_out001_a_value_in_line_with_its_history_has_no_flag() -> None:
    assert flag(128.0, GROWING, None) == []


def test_out002_a_jump_of_more_than_30_percent_on_the_year_before() -> None:
    assert flag(122.0 * 1.29, [122.0], None) == []
    assert flag(122.0 * 1.31, [122.0], None) == [JUMP]
    assert flag(122.0 * 0.69, [122.0], None) == [JUMP]
    assert flag(5.0, [0.0], None) == []  # no ratio to a zero


def test_out003_outside_the_five_year_range_widened_by_ten_percent() -> None:
    # range 100–122, margin 12.2: 134 is inside, 135 outside, 87 below (and 80 a jump too)
    assert OUT_OF_RANGE not in flag(134.0, GROWING, None)
    assert flag(135.0, GROWING, None) == [OUT_OF_RANGE]
    assert flag(87.0, GROWING, None) == [OUT_OF_RANGE]
    assert flag(80.0, GROWING, None) == [JUMP, OUT_OF_RANGE]
    # fewer than three years say nothing about a range; only the last five count
    assert flag(135.0, [120.0, 122.0], None) == []
    assert OUT_OF_RANGE not in flag(135.0, [10.0, *GROWING[:-1], 130.0], None)


def test_out004_a_different_accepted_value_becomes_a_revision() -> None:
    assert flag(128.0, GROWING, 127.5) == [REVISION]
    assert flag(128.0, GROWING, 128.0) == []
    assert flag(0.1 + 0.2, [], 0.3) == []  # float noise is no revision


@pytest.mark.parametrize(("unit", "flags"), [("亿元", [NEGATIVE]), ("%", []), ("个百分点", [])])
def test_out005_negative_only_where_the_indicator_cannot_be(unit: str, flags: list[str]) -> None:
    assert flag(-1.5, [], None, can_be_negative=can_be_negative(unit)) == flags


def test_out006_every_flag_has_an_english_name() -> None:
    assert set(FLAGS_EN) == {JUMP, OUT_OF_RANGE, REVISION, NEGATIVE}
