from __future__ import annotations

import pytest

from indicators.units import UnitError, compatible, convert, in_yi, split_unit


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (6.3, "万亿元", "亿元", 63000.0),
        (3.1, "亿吨", "万吨", 31000.0),
        (3.2, "万列", "列", 32000.0),
        (66.0, "%", "%", 66.0),
        (3, "处", "个", 3.0),  # measure words count alike
        (1, "千亿立方米", "亿立方米", 1000.0),
    ],
)
def test_unt001_conversions_within_a_family(value, source, target, expected) -> None:
    assert convert(value, source, target) == pytest.approx(expected)


@pytest.mark.parametrize(("a", "b"), [("万吨", "公里"), ("%", "个百分点"), ("亿元", "亿美元")])
def test_unt002_different_families_do_not_convert(a: str, b: str) -> None:
    assert not compatible(a, b)
    with pytest.raises(UnitError, match=f"单位“{a}”不能换算为“{b}”"):
        convert(1, a, b)


def test_unt003_kilowatt_hours_are_not_a_prefix_of_watt_hours() -> None:
    assert split_unit("亿千瓦时") == (1e8, "千瓦时")
    assert split_unit("万千瓦") == (1e4, "千瓦")


def test_unt004_in_yi_one_table_for_the_register_and_the_dispatch_form() -> None:
    assert [in_yi(u) for u in (None, "", "亿元", "亿", "万元", "万", "万亿", "千")] == [
        1.0,
        1.0,
        1.0,
        1.0,
        1e-4,
        1e-4,
        1e4,
        1e-5,
    ]


def test_hectares_are_fifteen_mu_and_standard_boxes_are_teu() -> None:
    assert convert(641.2, "万公顷", "万亩") == pytest.approx(9618.0)
    assert convert(225.03, "万标准箱", "万标箱") == pytest.approx(225.03)
    assert split_unit("万平方米") == (10000.0, "平方米")
    with pytest.raises(UnitError):
        convert(1, "平方米", "平方公里")
