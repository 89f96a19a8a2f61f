"""Bulletin reader on real wording kept in config/published/figures.yaml (with its URL there)."""

from indicators.bulletin import period_of, propose

INDICATORS = {"gdp": (["地区生产总值"], "亿元"), "gdp_growth": (["地区生产总值增速"], "%")}


def test_bul001_gdp_and_growth_from_one_sentence():
    text = "2021年,成渝地区双城经济圈实现地区生产总值73919.2亿元,比上年增长8.5%"
    got = propose(text, INDICATORS, region="ccec")
    assert [(p.indicator, p.period, p.value) for p in got] == [
        ("gdp", "2021", 73919.2),
        ("gdp_growth", "2021", 8.5),
    ]
    assert got[0].wording == text


def test_bul002_part_year_period():
    got = propose(
        "上半年,成渝地区双城经济圈实现地区生产总值(GDP)40365.7亿元", INDICATORS, year=2023
    )
    assert [(p.indicator, p.period, p.value) for p in got] == [("gdp", "2023-01/06", 40365.7)]


def test_bul003_periods_and_units():
    assert period_of("1—5月，全市", 2025) == "2025-01/05"
    assert period_of("一季度", 2025) == "2025-01/03"
    got = propose("2024年地区生产总值达到8.7万亿元", INDICATORS)
    assert got[0].value == 87000


def test_bul004_figure_without_indicator_ignored():
    assert propose("2022年，全市常住人口9600万人", INDICATORS) == []
