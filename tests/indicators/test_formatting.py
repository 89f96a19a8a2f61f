import pytest

from indicators.formatting import number, quantity, target_text, unit_text


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        ((9000, "公里", "at_least"), "≥9,000公里", "≥9,000 km"),
        ((66, "%", "about"), "66%左右", "about 66%"),
        ((1, "个", "range", 2), "1—2个", "1–2"),
        ((-13.5, "%", "reach", None, "change"), "下降13.5%", "down 13.5%"),
        ((7, "%", "at_least", None, "growth"), "≥年均增长7%", "≥average annual growth 7%"),
        ((3, "亩地", "reach"), "3亩地", "3 亩地"),
        ((3.1, "亿吨", "reach"), "3.1亿吨", "310 million t"),
        ((30000, "亿元", "at_least"), "≥30,000亿元", "≥3 trillion yuan"),
        ((150, "万吨", "reach"), "150万吨", "1.5 million t"),
    ],
)
def test_target_text_in_both_languages(args: tuple, zh: str, en: str) -> None:
    assert target_text(*args) == zh
    assert target_text(*args, lang="en") == en


def test_number_drops_trailing_zeros_and_groups_thousands() -> None:
    assert number(12345.5) == "12,345.5"
    assert number(None) == ""


def test_unit_text_falls_back_to_the_plans_unit() -> None:
    assert unit_text("亿元", "en") == "100 million yuan"
    assert unit_text("亿元") == "亿元"
    assert unit_text("亩地", "en") == "亩地"


def test_quantity_spells_magnitudes_in_english() -> None:
    assert quantity(142.8912, "万吨", "en", digits=2) == "1.43 million t"
    assert quantity(5000, "列", "en") == "5,000 trains"
    assert quantity(26818.01, "万吨", "zh", digits=2) == "26,818.01万吨"
    assert quantity(65.844, "%", "en", digits=2) == "65.84%"
    assert quantity(100, "年一遇", "en") == "100-year return period"


def test_fmt_share_text_is_a_whole_percentage_or_the_missing_mark() -> None:
    from indicators.formatting import share_text

    assert share_text(0.708) == "71%" and share_text(1.0) == "100%"
    assert share_text(None) == "—" and share_text(float("nan")) == "—"
    assert share_text(None, missing="") == ""
