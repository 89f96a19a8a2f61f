from __future__ import annotations

import pytest

from indicators.seed_text import SeedText, chinese_number, numbers_in

WRAPPED = "第四节 发展目标\n\n常住人口城镇化率达\n\n到 66%左右。铁路网总规模达到 9000 公里以上\n"


def test_sdt001_a_wrapped_quote_is_found_on_the_line_it_begins() -> None:
    seed = SeedText(WRAPPED)
    match = seed.find("常住人口城镇化率达到66%左右", 3)
    assert match is not None and match.line == 3
    assert match.original == "常住人口城镇化率达\n\n到 66%左右"
    assert seed.find("常住人口城镇化率达到66%左右", 5) is None
    assert seed.locate("铁路网总规模达到9000公里以上") == [5]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("研发投入强度达到2.5%左右", {2.5}),
        ("６６．２％", {66.2}),
        ("1,835亿元", {1835.0}),
        ("新增1—2个口岸", {1.0, 2.0}),
        ("千亿立方米天然气产能基地", {1000.0}),
        ("覆盖全部城市", {100.0}),
    ],
)
def test_sdt002_numbers_in_reads_arabic_full_width_and_chinese_numerals(text, numbers) -> None:
    assert numbers_in(text) == numbers


@pytest.mark.parametrize(
    ("token", "value"), [("两", 2), ("十五", 15), ("一百二十", 120), ("千", 1000)]
)
def test_sdt003_chinese_numbers(token: str, value: int) -> None:
    assert chinese_number(token) == value


def test_sdt004_every_squeezed_character_maps_back_to_its_line_and_column() -> None:
    """The squeezed text and its map back to the file, against a walk of every character
    (what the class did before it squeezed line by line): spaces of every kind
    (full-width, no-break, tabs), blank and whitespace-only lines, wraps."""
    text = "第一行 2025 年\n\n \u3000\t\n到\u00a066%左右。\r\n  末行\u2003x  "
    seed = SeedText(text)
    walked = [
        (number, column)
        for number, line in enumerate(text.splitlines(), start=1)
        for column, char in enumerate(line)
        if not char.isspace()
    ]
    assert seed.squeezed == "".join(
        c for line in text.splitlines() for c in line if not c.isspace()
    )
    assert [seed._where(p) for p in range(len(seed.squeezed))] == walked
    match = seed.find("年到66%", 1)
    assert match is not None and match.original == "年\n\n \u3000\t\n到\u00a066%"
