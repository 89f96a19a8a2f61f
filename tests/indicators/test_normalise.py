from __future__ import annotations

import pytest

from indicators.normalise import (
    NormaliseError,
    Number,
    fits_frequency,
    parse_number,
    parse_period,
    unit_from_label,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("６６．２％", Number(66.2, "", "%")),
        ("1,835", Number(1835.0)),
        ("１，８３５．５", Number(1835.5)),
        ("5.67万亿", Number(5.67, "万亿")),
        ("3.5‰", Number(3.5, "", "‰")),
        ("－12.5", Number(-12.5)),
        ("123.4①", Number(123.4)),  # a footnote mark, not a digit
        ("7.2¹", Number(7.2)),
        ("56*", Number(56.0)),
        ("—", Number(None)),
        ("…", Number(None)),
        ("-", Number(None)),
        ("", Number(None)),
        ("''", Number(None)),
        (23605.77, Number(23605.77)),
    ],
)
def test_nrm001_numbers_as_real_files_write_them(raw, expected: Number) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "12.3.4", "约100", "100亿元"])
def test_nrm002_what_is_not_a_number_says_so(raw: str) -> None:
    with pytest.raises(NormaliseError, match=f"“{raw}”不是数值"):
        parse_number(raw)


@pytest.mark.parametrize(
    ("raw", "period"),
    [
        ("2023年", "2023"),
        ("2023", "2023"),
        (2023.0, "2023"),
        ("２０２３年", "2023"),
        ("2023Q2", "2023Q2"),
        ("2023年第二季度", "2023Q2"),
        ("2023年二季度", "2023Q2"),
        ("2023年6月", "2023-06"),
        ("2023-6", "2023-06"),
        ("2023年1-6月", "2023-01/06"),
    ],
)
def test_nrm003_periods(raw, period: str) -> None:
    assert parse_period(raw) == period


@pytest.mark.parametrize("raw", ["23年", "2023年13月", "上半年", "1900年"])
def test_nrm004_bad_periods_are_named(raw: str) -> None:
    with pytest.raises(NormaliseError, match=f"期间“{raw}”无法识别"):
        parse_period(raw)


def test_nrm005_frequency_rules() -> None:
    assert fits_frequency("2023", "annual") and not fits_frequency("2023Q1", "annual")
    assert fits_frequency("2023-01/06", "monthly") and not fits_frequency("2023-06", "quarterly")


@pytest.mark.parametrize(
    ("label", "parts"),
    [
        ("地区生产总值(亿元)", ("地区生产总值", "亿元")),
        ("年末常住人口（万人）", ("年末常住人口", "万人")),
        ("单位:亿元 (100 million yuan)", (None, "亿元")),
        ("单位：万人", (None, "万人")),
        ("研发投入强度", ("研发投入强度", None)),
    ],
)
def test_nrm006_units_in_labels(label: str, parts: tuple) -> None:
    assert unit_from_label(label) == parts
