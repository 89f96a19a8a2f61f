"""Validation of intake records: every problem, in Chinese, with where and what."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.catalogue import IndicatorDef
from loaders.validate import ERROR, WARNING, Context, validate
from tests.helpers import small_directory


def indicator(id_: str, name: str, unit: str, frequency: str = "annual") -> IndicatorDef:
    return IndicatorDef(id_, name, id_, "", unit, "higher", frequency, "overall", "", "sum")


INDICATORS = {
    "gdp": indicator("gdp", "地区生产总值", "亿元", "quarterly"),
    "urbanization_rate": indicator("urbanization_rate", "常住人口城镇化率", "%"),
    "gdp_growth": indicator("gdp_growth", "地区生产总值增速", "%"),
    "trains": indicator("trains", "中欧班列开行量", "列", "monthly"),
    "rental_homes": indicator("rental_homes", "筹集保障性租赁住房套数", "万套（间）"),
}


def records(*rows: tuple) -> pd.DataFrame:
    """(region, indicator, period, value, unit) rows at file rows 2, 3, …"""
    return pd.DataFrame(
        [
            {
                "sheet": "数据",
                "row": i + 2,
                "column": "D",
                "region": r,
                "indicator": ind,
                "period": p,
                "value": v,
                "unit": u,
                "note": None,
            }
            for i, (r, ind, p, v, u) in enumerate(rows)
        ]
    )


def check(rows: pd.DataFrame, **context):  # type: ignore[no-untyped-def]
    return validate(rows, "报送.xlsx", Context(small_directory(), INDICATORS, **context))


def test_val001_clean_rows_are_converted_to_the_indicators_units() -> None:
    result = check(
        records(
            ("成都", "地区生产总值", "2023年", "2.2万亿", "亿元"),
            ("Chengdu", "地区生产总值", "2023Q2", "１，１００．５", "亿元"),
            ("万州区", "常住人口城镇化率", "2023", "６６．２％", None),
            ("成都市", "中欧班列开行量", "2023年1-6月", "0.28", "万列"),
            ("万州", "地区生产总值", "2022", "—", "亿元"),
        )
    )
    assert result.ok and result.skipped_blank == 1
    got = result.rows[["region_code", "indicator_id", "period", "value", "unit"]].values.tolist()
    assert got == [
        ["510100", "gdp", "2023", 22000.0, "亿元"],
        ["510100", "gdp", "2023Q2", 1100.5, "亿元"],
        ["500101", "urbanization_rate", "2023", 66.2, "%"],
        ["510100", "trains", "2023-01/06", 2800.0, "列"],
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("成度", "地区生产总值", "2023", "1", "亿元"), "未知地区“成度”；您是否要找：成都市"),
        (("市中区", "地区生产总值", "2023", "1", "亿元"), "地区名称“市中区”有歧义"),
        (
            ("成都", "地区生产增值", "2023", "1", "亿元"),
            "未知指标“地区生产增值”；您是否要找：地区生产总值",
        ),
        (("成都", "地区生产总值", "2023", "一千", "亿元"), "“一千”不是数值"),
        (
            ("成都", "地区生产总值", "2023", "1", "万吨"),
            "单位“万吨”不能换算为指标“地区生产总值”的单位“亿元”",
        ),
        (("成都", "地区生产总值", "今年", "1", "亿元"), "期间“今年”无法识别"),
        (("成都", "常住人口城镇化率", "2023Q1", "60", "%"), "为年度指标，不接受季度期间"),
        (("成都", "地区生产总值", "2023", "-5", "亿元"), "“地区生产总值”不能为负数"),
        (("成都", "常住人口城镇化率", "2023", "120", "%"), "是比例，应在 0—100% 之间"),
    ],
)
def test_val002_each_bad_input_gets_its_chinese_message(row: tuple, message: str) -> None:
    result = check(records(row))
    assert not result.ok and result.rows.empty
    (problem,) = result.errors
    assert message in problem.message
    assert (problem.file, problem.sheet, problem.row) == ("报送.xlsx", "数据", 2)
    assert "第 2 行" in str(problem)


def test_val003_negative_growth_is_allowed_and_duplicates_are_not() -> None:
    result = check(
        records(
            ("成都", "地区生产总值增速", "2020", "-1.5", "%"),
            ("成都", "地区生产总值", "2023", "100", "亿元"),
            ("成都市", "gdp", "2023年", "101", "亿元"),
        )
    )
    (problem,) = result.errors
    assert problem.row == 4 and "与第 3 行重复" in problem.message


def test_val012_a_unit_ending_in_brackets_is_a_unit_not_a_label() -> None:
    """Found by the load test: the unit column's 万套（间） was read as label 万套 + unit
    间 and refused; 单位（万人）-style cells still give the unit in brackets."""
    result = check(
        records(
            ("成都", "筹集保障性租赁住房套数", "2024", "3.5", "万套（间）"),
            ("重庆", "筹集保障性租赁住房套数", "2024", "52000", "套（间）"),
            ("万州", "中欧班列开行量", "2024年", "12", "单位（列）"),
        )
    )
    assert result.ok, [p.message for p in result.problems]
    assert result.rows.value.tolist() == [3.5, 5.2, 12.0]


def test_val004_every_problem_is_reported_not_only_the_first() -> None:
    result = check(
        records(
            ("成度", "地区生产总值", "2023", "1", "亿元"),
            ("成都", "GDP值", "2023", "1", "亿元"),
            ("成都", "地区生产总值", "2023", "x", "亿元"),
        )
    )
    assert [p.row for p in result.errors] == [2, 3, 4]


def test_val005_regions_outside_the_uploaders_scope_are_refused() -> None:
    result = check(
        records(
            ("成都", "地区生产总值", "2023", "1", "亿元"),
            ("万州", "地区生产总值", "2023", "1", "亿元"),
        ),
        allowed_regions={"500000"},
    )
    (problem,) = result.errors
    assert problem.row == 2 and problem.message == "您无权报送“成都市”的数据"


def test_val006_outliers_are_flagged_for_review_not_refused() -> None:
    history = {("gdp", "510100"): [17000.0, 17700.0, 19900.0, 20800.0]}
    result = check(records(("成都", "地区生产总值", "2023", "40000", "亿元")), history=history)
    assert result.ok and len(result.rows) == 1
    (warning,) = result.problems
    assert warning.level == WARNING and "请核实" in warning.message
    assert result.report()["warnings"] == 1 and result.report()["errors"] == 0


def test_val007_report_is_json_ready() -> None:
    report = check(records(("成度", "地区生产总值", "2023", "1", "亿元"))).report()
    assert report["ok"] is False and report["problems"][0]["level"] == ERROR
    assert report["problems"][0]["value"] == "成度"
