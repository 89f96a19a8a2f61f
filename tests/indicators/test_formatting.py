import pytest

from indicators.formatting import number, target_text, unit_text


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        ((9000, "公里", "at_least"), "≥9,000公里", "≥9,000 km"),
        ((66, "%", "about"), "66%左右", "about 66%"),
        ((1, "个", "range", 2), "1—2个", "1–2"),
        ((-13.5, "%", "reach", None, "change"), "下降13.5%", "down 13.5%"),
        ((7, "%", "at_least", None, "growth"), "≥年均增长7%", "≥average annual growth 7%"),
        ((3, "亩地", "reach"), "3亩地", "3 亩地"),
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
    assert unit_text("年一遇", "en") == "年一遇"
