from types import SimpleNamespace

import pytest

from indicators.formatting import (
    decimals_by_indicator,
    decimals_for,
    gap_text,
    indicator_decimals,
    measured,
    number,
    quantity,
    row_gap,
    row_target,
    row_value,
    series_decimals,
    short_en,
    split_figure,
    target_text,
    unit_text,
)


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        ((9000, "公里", "at_least"), "≥9,000公里", "≥9,000 km"),
        ((66, "%", "about"), "66%左右", "about 66%"),
        ((1, "个", "range", 2), "1—2个", "1–2"),
        ((-13.5, "%", "reach", None, "change"), "下降13.5%", "down 13.5%"),
        ((7, "%", "at_least", None, "growth"), "≥年均增长7%", "average annual growth ≥7%"),
        (
            (-1, "个百分点", "about", None, "change"),
            "下降1个百分点左右",
            "down about 1 percentage point",
        ),
        ((3, "亩地", "reach"), "3亩地", "3 亩地"),
        ((3.1, "亿吨", "reach"), "3.1亿吨", "310 million t"),
        ((30000, "亿元", "at_least"), "≥30,000亿元", "≥3 trillion yuan"),
        ((150, "万吨", "reach"), "150万吨", "1.5 million t"),
        ((3, "万列", "about", None, "cumulative"), "累计3万列左右", "about 30,000 trains in total"),
    ],
)
def test_target_text_in_both_languages(args: tuple, zh: str, en: str) -> None:
    assert target_text(*args) == zh
    assert target_text(*args, lang="en") == en


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1.46 million t", ("1.46", " million t")),
        ("26,818万吨", ("26,818", "万吨")),
        ("67.4%", ("67.4%", "")),
        ("-1.97%", ("-1.97%", "")),
        ("5,000 trains", ("5,000", " trains")),
        ("—", ("", "—")),
    ],
)
def test_split_figure_parts_a_number_from_its_unit_words(text: str, parts: tuple) -> None:
    assert split_figure(text) == parts


def test_short_en_shortens_percentage_points_for_the_printed_report() -> None:
    assert short_en("34.7 percentage points") == "34.7 pp"
    assert short_en("2025: down about 1 percentage point") == "2025: down about 1 pp"
    assert short_en("1.5 million t") == "1.5 million t"


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


@pytest.mark.parametrize(
    ("args", "en"),
    [
        ((1, "小时", "at_most"), "≤1 hour"),  # was "≤1 hours"
        ((1.5, "小时", "at_most"), "≤1.5 hours"),
        ((1, "个工作日", "reach"), "1 working day"),
        ((2, "场次", "at_least"), "≥2 sessions"),
        ((14, "处", "reach"), "14 sites"),
        ((3, "万家", "reach"), "30,000 firms"),
        ((2, "万套（间）", "at_least"), "≥20,000 units"),
        ((1, "万吨", "reach"), "10,000 t"),
        ((15, "对", "at_least"), "≥15 pairs"),
        ((1, "对", "at_least"), "≥1 pair"),
        ((6, "平方公里", "reach"), "6 km²"),
        ((2.5, "：1", "reach"), "2.5:1"),
    ],
)
def test_fmt007_units_read_in_english_singular_after_one(args: tuple, en: str) -> None:
    assert target_text(*args, lang="en") == en


def test_fmt_share_text_is_a_whole_percentage_or_the_missing_mark() -> None:
    from indicators.formatting import share_text

    assert share_text(0.708) == "71%" and share_text(1.0) == "100%"
    assert share_text(None) == "—" and share_text(float("nan")) == "—"
    assert share_text(None, missing="") == ""


# ------------------------------------------- the formatter table (issue 18) ---


@pytest.mark.parametrize(
    ("unit", "reference", "decimals"),
    [
        ("万吨", 31000, 0),  # 26,818万吨, not 26,818.01万吨
        ("公里", 9000, 0),  # 8,410公里
        ("列", 5000, 0),  # counted: 25,462列
        ("所", 40, 0),  # counted (所 is a classifier): 差距 24所
        ("家", None, 0),
        ("吨级", 1000, 0),  # 995吨级
        ("%", 66, 1),  # 65.8%
        ("%", 100, 1),  # a share keeps one decimal: 89.6%, not 90%
        ("%", 2.5, 2),  # 2.45%
        ("亿吨", 3.1, 2),  # 2.68亿吨
        ("万家", 1.27, 2),  # a count with a prefix is a quantity
        ("人/亿元", 0.05, 2),
        ("元", None, 2),  # no reference: two
    ],
)
def test_fmt001_decimals_by_unit_and_magnitude(
    unit: str, reference: float | None, decimals: int
) -> None:
    assert decimals_for(unit, reference) == decimals


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "lang", "text"),
    [
        (26818.01, "万吨", 0, "zh", "26,818万吨"),
        (8410.41, "公里", 0, "zh", "8,410公里"),
        (994.61, "吨级", 0, "zh", "995吨级"),
        (25462.39, "列", 0, "zh", "25,462列"),
        (65.844, "%", 1, "zh", "65.8%"),
        (2.0, "亿吨", 2, "zh", "2.00亿吨"),  # the same decimals on every row
        (None, "%", 1, "zh", "—"),
        (float("nan"), "%", 1, "zh", "—"),
        (26818.01, "万吨", 0, "en", "268 million t"),
        (65.844, "%", 1, "en", "65.8%"),
        (-0.01, "%", 1, "zh", "0.0%"),  # never "-0.0"
    ],
)
def test_fmt002_measured_values(value, unit, decimals, lang, text) -> None:  # noqa: ANN001
    assert measured(value, unit, decimals, lang) == text


@pytest.mark.parametrize(
    ("gap", "unit", "decimals", "lang", "text"),
    [
        (23.54, "所", 0, "zh", "24所"),
        (0.005, "人/亿元", 2, "zh", "0.01人/亿元"),  # not zero: never "0"
        (0.004, "人/亿元", 2, "zh", "0.004人/亿元"),
        (0.3, "个", 0, "zh", "0.3个"),
        (1.41, "%", 1, "zh", "1.4个百分点"),  # a share's gap in percentage points
        (1.41, "%", 1, "en", "1.4 percentage points"),
        (4649.9563, "列", 0, "zh", "4,650列"),
        (0.0, "%", 1, "zh", "0.0个百分点"),
    ],
)
def test_fmt003_gaps(gap, unit, decimals, lang, text) -> None:  # noqa: ANN001
    assert gap_text(gap, unit, decimals, lang) == text


def _row(**fields: object) -> SimpleNamespace:
    defaults = {
        "unit": "万吨",
        "target_value": 3.1,
        "target_unit": "亿吨",
        "comparator": "at_least",
        "kind": "level",
        "latest_value": 26818.01,
        "gap": 4181.99,
    }
    return SimpleNamespace(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "value", "target", "gap"),
    [
        # the card: 26,818.01万吨 beside 目标 3.1亿吨 — now one unit, one precision
        ({}, "26,818万吨", "≥31,000万吨", "4,182万吨"),
        # one counting unit: ≥200个 beside 201家 reads ≥200家
        (
            {"unit": "家", "target_value": 200, "target_unit": "个", "latest_value": 201, "gap": 0},
            "201家",
            "≥200家",
            "0家",
        ),
        # 2万亿元 on an indicator in 亿元
        (
            {"unit": "亿元", "target_value": 2, "target_unit": "万亿元", "latest_value": 15740.47},
            "15,740亿元",
            "≥20,000亿元",
            "4,182亿元",
        ),
        # a share: value and target with one decimal, the gap in 个百分点
        (
            {"unit": "%", "target_value": 66, "target_unit": "%", "comparator": "about"}
            | {"latest_value": 64.93, "gap": 1.07},
            "64.9%",
            "66%左右",
            "1.1个百分点",
        ),
        # 翻一番 is a factor, not a quantity in 亿元: kept as worded, decimals by the value
        (
            {"unit": "亿元", "target_value": 2, "target_unit": "倍", "kind": "relative"}
            | {"comparator": "reach", "latest_value": 1234.567, "gap": None},
            "1,235亿元",
            "基期的2倍",
            "—",
        ),
    ],
)
def test_fmt004_a_snapshot_row_reads_in_one_unit(
    fields: dict, value: str, target: str, gap: str
) -> None:
    row = _row(**fields)
    assert row_value(row, row.latest_value) == value
    assert row_target(row) == target
    assert row_gap(row, row.gap) == gap


def test_fmt006_an_english_gap_reads_in_the_magnitude_of_its_target() -> None:
    row = _row(unit="万吨", target_value=150, target_unit="万吨", latest_value=145.85, gap=4.1466)
    assert row_value(row, row.latest_value, "en") == "1.46 million t"
    assert row_gap(row, row.gap, "en") == "0.041 million t"  # not "41,466 t"
    assert gap_text(0.00001, "万吨", 0, "en", reference=150) == "0.1 t"  # never "0 million t"


def test_fmt005_one_precision_per_indicator_whatever_the_scope() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "indicator_id": ["gdp", "gdp", "rate"],
            "unit": ["亿元", "亿元", "%"],
            "target_value": [2, 8.5, 66],  # the circle in 万亿元, a district in 亿元
            "target_unit": ["万亿元", "亿元", "%"],
            "kind": ["level", "level", "level"],
        }
    )
    assert decimals_by_indicator(frame).to_list() == [0, 0, 1]
    assert indicator_decimals([(1, "倍", "relative")], "亿元") is None
    row = _row(unit="亿元", target_value=8.5, target_unit="亿元", latest_value=7.25, decimals=0)
    assert row_value(row, row.latest_value) == "7亿元"  # the indicator's precision, not the row's


@pytest.mark.parametrize(
    ("unit", "targets", "values", "decimals"),
    [
        # by its targets in its unit: 3万亿元 is 30,000亿元, whole numbers
        ("亿元", [(3, "万亿元", "level")], [589.6, 22530.4], 0),
        # no target in the unit (a relative one): by the median figure, 2.68 → two
        ("亿吨", [(2, "倍", "relative")], [2.5, 2.68, 2.9], 2),
        # no target, an even count of figures: the median of the middle two, 11.5 → one
        ("万吨", [], [10.0, 11.0, 12.0, 400.0], 1),
        # a share keeps one decimal even in the hundreds
        ("%", [], [100.0, 120.0, float("nan")], 1),
        ("公里", [], [], 2),  # nothing to go by
        ("家", [], [12.5], 0),  # counted one by one
    ],
)
def test_fmt008_one_indicators_decimals_on_its_own_page(
    unit: str, targets: list, values: list, decimals: int
) -> None:
    assert series_decimals(unit, targets, values) == decimals
