"""The national totals (config/published/national.yaml, workflows.national_totals): real
published figures with publisher, address and wording, one per indicator and year,
a broken file refused in Chinese — and the nation is not a region of the monitor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config.settings import CONFIG_DIR
from indicators.regions import RegionError, load_region_directory
from workflows.national_totals import NationalTotalsError, national_totals, read_national_totals


def test_nat001_every_total_is_cited_and_states_its_number() -> None:
    frame = national_totals()
    assert {(r.indicator_id, r.period) for r in frame.itertuples()} >= {
        ("gdp", "2024"),
        ("population", "2024"),
        ("gdp", "2025"),
        ("population", "2025"),
    }
    for row in frame.itertuples():
        assert row.grade in ("A", "B", "A/B") and row.publisher and row.wording
        assert row.url.startswith(("http://", "https://")), row
        assert row.release_url.startswith("https://www.stats.gov.cn/"), row
        # the wording states the value itself, in the catalogue unit (亿元, 万人)
        assert f"{row.value:.0f}" in re.sub(r"[,，]", "", row.wording), row
    assert frame.set_index(["indicator_id", "period"]).value[("gdp", "2024")] == 1349084
    assert frame.set_index(["indicator_id", "period"]).value[("population", "2024")] == 140828


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- {indicator: gdp, period: '2024', value: 1, unit: 亿元, vintage: initial, grade: B}",
            "缺少",
        ),
        (
            "- {indicator: gdp, period: '2024', value: 1, unit: 亿元, vintage: initial, grade: C,"
            " publisher: p, url: 'https://x', wording: w1}",
            "只收 A、B 级",
        ),
        (
            "- {indicator: gdp, period: '2024年', value: 1, unit: 亿元, vintage: initial, grade: B,"
            " publisher: p, url: 'https://x', wording: w1}",
            "四位年份",
        ),
        (
            "- {indicator: gdp, period: '2024', value: 1, unit: 亿元, vintage: initial, grade: B,"
            " publisher: p, url: 'https://x', wording: w1}\n"
            "- {indicator: gdp, period: '2024', value: 2, unit: 亿元, vintage: final, grade: B,"
            " publisher: p, url: 'https://x', wording: w2}",
            "有多条",
        ),
        ("{gdp: 1}", "条目列表"),
    ],
)
def test_nat002_a_broken_file_is_refused_in_chinese(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "national.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NationalTotalsError, match=message):
        read_national_totals(path)


def test_nat003_the_nation_is_not_a_region() -> None:
    """Maps, rankings, the region picker, reporting duty, templates and completeness
    all list the regions master data: the nation's totals stay out of it."""
    directory = load_region_directory(CONFIG_DIR / "regions.yaml")
    for name in ("全国", "中国", "China"):
        with pytest.raises(RegionError):
            directory.resolve(name)
