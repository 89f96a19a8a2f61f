"""Every figure in the published layer (config/published/figures.yaml) is cited: a
publisher, an address, a grade A or B, a known vintage, and a sentence of the
source that states the number (in the catalogue unit or in the source's own unit,
e.g. 2.9万亿元 for 29000 亿元, 3382 标箱 for 0.3382 万标箱, 3兆3757.93億元 for
33757.93 亿元; on an ordered scale the class the sentence names, e.g. Ⅱ类 for 2 on the
water-quality scale). Reads the YAML only; no database."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from config.settings import CONFIG_DIR
from indicators.scales import classes_in
from workflows.published import ENTRY_FIELDS, published_entries

FIGURES = published_entries()
FIELDS = set(ENTRY_FIELDS)
# every region of the master data (config/regions.yaml: units and groupings, e.g. a
# cooperation platform's own figure or the Western (Chongqing) Science City's core area),
# and ``external`` for a corridor or airport group outside it
_MASTER = yaml.safe_load((CONFIG_DIR / "regions.yaml").read_text(encoding="utf-8"))
REGIONS = (
    {str(u["code"]) for u in _MASTER["units"]}
    | {str(g["id"]) for g in _MASTER["groupings"]}
    | {"external"}
)
# indicators held on an ordered scale (class numbers, indicators/scales.py)
ON_A_SCALE = {
    i["id"]
    for i in yaml.safe_load(
        (CONFIG_DIR / "catalogue" / "indicators.yaml").read_text(encoding="utf-8")
    )["indicators"]
    if i.get("scale")
}
PERIOD = re.compile(r"^\d{4}(-\d{2}/\d{2})?$")


def _numbers(text: str) -> list[float]:
    """The numbers a sentence states; "3兆3757.93" (traditional-Chinese 兆 = 万亿) counts as 33757.93."""
    found = [float(n) * 10_000 + float(m) for n, m in re.findall(r"(\d+)兆(\d+(?:\.\d+)?)", text)]
    return found + [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))]


def _stated(value: float, wording: str) -> bool:
    return any(
        abs(n * 10**k - value) <= 1e-9 * max(1.0, abs(value))
        for n in _numbers(wording)
        for k in range(-4, 5)
    )


def test_pub001_every_figure_is_cited_with_a_known_grade_vintage_region_and_period() -> None:
    assert FIGURES
    for e in FIGURES:
        where = f"{e.get('indicator')} {e.get('region')} {e.get('period')}"
        assert set(e) == FIELDS, where
        assert e["grade"] in {"A", "B", "A/B"}, where
        assert e["vintage"] in {"estimate", "initial", "final", "census_revision"}, where
        assert e["comparator"] in {"equal", "about", "at_least", "at_most"}, where
        assert str(e["region"]) in REGIONS, where
        assert PERIOD.match(str(e["period"])), where
        assert e["publisher"].strip() and e["wording"].strip(), where
        assert e["url"] is None or e["url"].startswith(("http://", "https://")), where
        assert (e["region"] == "external") == bool(e["covers"]), where
    # one figure (Sichuan 2024 good-air ratio, a 中新网 wire) was recorded without its address
    assert sum(e["url"] is None for e in FIGURES) <= 1


def _states(entry: dict) -> bool:
    """The sentence states the entry's number, or -- for a class on an ordered
    scale -- names that class (水质Ⅱ类 → 2)."""
    value = float(entry["value"])
    if entry["indicator"] in ON_A_SCALE:
        return value in classes_in(entry["wording"])
    return _stated(value, entry["wording"])


def test_pub002_the_wording_states_the_number() -> None:
    unstated = [
        (e["indicator"], e["region"], e["period"], e["value"]) for e in FIGURES if not _states(e)
    ]
    assert unstated == []


def test_pub003_one_figure_per_indicator_region_period_vintage() -> None:
    keys = [
        (e["indicator"], str(e["region"]), str(e["period"]), e["vintage"])
        for e in FIGURES
        if e["region"] != "external"
    ]
    assert len(keys) == len(set(keys))


def test_pub005_a_figure_may_be_for_any_region_of_the_master_data_and_no_other() -> None:
    """The provinces, Chengdu, the circle and the metropolitan areas as before, and now
    also the groupings plans set targets for (a platform, the Science City's core area)."""
    for code in ("ccec", "500000", "510000", "510100", "chengdu_metro_area", "cq_metro_area"):
        assert code in REGIONS
    assert {"cq_main_urban_metro", "sichuan_chongqing", "external"} <= REGIONS
    assert {"western_science_city_cq", "heguangchang", "511600"} <= REGIONS
    assert "成都" not in REGIONS and "nowhere" not in REGIONS


def test_pub004_the_checks_catch_an_unstated_number() -> None:
    assert _stated(29000, "成都都市圈、重慶都市圈經濟總量分別突破2.9萬億元、2.6萬億元")
    assert _stated(33757.93, "重慶市地區生產總值3兆3757.93億元")
    assert not _stated(3212.43, "城镇人口2259.13万人,占常住人口比重为70.32%")
    water = "yangtze_mainstream_water_quality_class"
    assert water in ON_A_SCALE
    assert _states({"indicator": water, "value": 2, "wording": "长江干流重庆段水质保持为Ⅱ类"})
    # a class is read as a class, not as any digit in the sentence
    assert not _states({"indicator": water, "value": 2, "wording": "连续2年保持为Ⅲ类"})


def test_pub010_files_figures_yaml_first_then_the_others_by_name(tmp_path: Path) -> None:
    """Figures gathered apart (figures-*.yaml) are one list to the loader, figures.yaml first."""
    (tmp_path / "figures.yaml").write_text("- {indicator: a}\n", encoding="utf-8")
    (tmp_path / "figures-sichuan.yaml").write_text("- {indicator: c}\n", encoding="utf-8")
    (tmp_path / "figures-chongqing.yaml").write_text("- {indicator: b}\n", encoding="utf-8")
    (tmp_path / "figures-empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "national.yaml").write_text("- {indicator: z}\n", encoding="utf-8")
    assert [e["indicator"] for e in published_entries(tmp_path)] == ["a", "b", "c"]
