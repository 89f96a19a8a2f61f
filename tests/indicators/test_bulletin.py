"""Bulletin reader on real wording: config/published/figures.yaml (bul001–004) and the bulletin
excerpts of tests/fixtures/bulletins, each with its publisher, URL and hand labels (bul005–)."""

import pytest
import yaml

from config.settings import PROJECT_ROOT
from indicators.bulletin import key_of, period_of, propose, read_bulletin, region_of, score
from indicators.regions import load_region_directory
from workflows.bulletin import read_text, shipped_reference

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


# --- real bulletin excerpts (tests/fixtures/bulletins, publisher and URL in each .yaml) ---


FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "bulletins"
DOCUMENTS = sorted(p.stem for p in FIXTURES.glob("*.txt"))


@pytest.fixture(scope="module")
def reference():
    return shipped_reference(load_region_directory(PROJECT_ROOT / "config" / "regions.yaml"))


def _read(reference, stem: str, **kw):
    directory, indicators = reference
    return read_bulletin(read_text(FIXTURES / f"{stem}.txt"), directory, indicators, **kw)


def _labels(stem: str) -> tuple[dict, set]:
    label = yaml.safe_load((FIXTURES / f"{stem}.yaml").read_text(encoding="utf-8"))
    keys = {
        (e["indicator"], str(e.get("region", label["region"])), str(e["period"]), e["value"])
        for e in label["expected"]
    }
    return label, keys


def test_bul005_every_fixture_has_a_source_and_labels() -> None:
    assert len(DOCUMENTS) >= 10
    for stem in DOCUMENTS:
        label, keys = _labels(stem)
        assert label["publisher"] and label["url"].startswith("http") and keys, stem


@pytest.mark.parametrize("stem", DOCUMENTS)
def test_bul006_fixture_proposals_are_all_labelled(reference, stem: str) -> None:
    """Precision on every real excerpt: nothing proposed that the hand labels do not hold."""
    label, keys = _labels(stem)
    _, proposals = _read(reference, stem)
    assert {key_of(p) for p in proposals} <= keys
    if stem != "deyang_2024_bulletin":  # traditional characters: nothing is read (see docs)
        assert score(proposals, keys).recall >= 0.75 or stem == "ccec_2024_h1"


def test_bul007_region_from_title_lead_sentence_or_issuer(reference) -> None:
    directory, _ = reference
    assert _read(reference, "cq_2022_annual")[0] == "500000"  # 2022年重庆实现GDP…
    assert _read(reference, "cd_2023_gwr")[0] == "510100"  # 成都市政府工作报告丨…
    # title 上半年成渝“双圈”… names none: the lead sentence's 成渝地区双城经济圈
    assert _read(reference, "ccec_2024_h1")[0] == "ccec"
    assert region_of("全年经济运行情况\n全市经济平稳", directory, "重庆市统计局") == "500000"
    assert region_of("全年经济运行情况", directory) is None


def test_bul008_another_areas_figure_is_not_the_documents(reference) -> None:
    """四川's bulletin gives the five economic zones' GDP: not the province's."""
    _, proposals = _read(reference, "sc_2020_bulletin")
    assert [p.value for p in proposals if p.indicator == "gdp"] == [48598.8]


def test_bul009_qualified_names_are_parts_not_the_whole(reference) -> None:
    """人均GDP, 各类企业/高技术制造业 R&D 经费 are not GDP and the province's R&D spending."""
    _, proposals = _read(reference, "cq_2024_annual")
    assert {(p.indicator, p.value) for p in proposals} == {("gdp_growth", 5.7), ("gdp", 32193.15)}
    _, proposals = _read(reference, "sc_rd_2021")
    assert sorted((p.indicator, p.value) for p in proposals) == [
        ("rd_intensity", 2.26),
        ("rd_spending", 1214.5),
        ("rd_spending_growth", 15.1),  # after 比上年增加159.2亿元,增长15.1%
    ]


def test_bul010_bounds_split_decimals_and_the_year_of_a_release_date(reference) -> None:
    _, proposals = _read(reference, "cd_2023_gwr")
    gdp = next(p for p in proposals if p.indicator == "gdp")
    assert (gdp.value, gdp.comparator, gdp.growth) == (22000, "at_least", 6)  # 超2. 2万亿元
    assert ("airport_passenger_throughput", 7492.4) in {(p.indicator, p.value) for p in proposals}
    # no 2024年 in the text: the release date 2024-08-21 and 上半年 give 2024-01/06
    _, proposals = _read(reference, "ccec_2024_h1")
    assert {p.period for p in proposals} == {"2024-01/06"}


def test_bul011_a_figure_said_twice_is_proposed_once_with_the_bodys_sentence(reference) -> None:
    _, proposals = _read(reference, "sc_rd_2021")
    spending = [p for p in proposals if p.indicator == "rd_spending"]
    assert len(spending) == 1 and spending[0].wording.startswith("2021年,全省共投入")


def test_bul012_periods_of_releases_and_the_final_figure_of_the_year_before(reference) -> None:
    _, proposals = _read(reference, "cq_2024_q3")
    assert {p.period for p in proposals} == {"2024-01/09"}  # 其中… sentences: the document's
    _, proposals = _read(reference, "sc_2023_economy")
    assert ("gdp", "2022", 56610.2) in {(p.indicator, p.period, p.value) for p in proposals}
    assert period_of("2024年1―11月,全市", 2024) == "2024-01/11"
    assert period_of("2024年1月至8月,重庆市", 2024) == "2024-01/08"


def test_bul013_the_parts_of_a_grouping_and_the_cities_a_release_names(reference) -> None:
    """其中,四川部分26267.5亿元、同比增长5.6%… names the circle's parts without naming GDP again;
    成都都市圈's release gives each city's figures after the city's name, and the document's
    region is the area its first figure is for, not the issuer's province."""
    _, proposals = _read(reference, "ccec_2024_h1")
    got = {(p.indicator, p.region, p.value) for p in proposals}
    assert {("gdp", "ccec_sc", 26267.5), ("gdp_growth", "ccec_cq", 6.1)} <= got
    region, proposals = _read(reference, "chengdu_metro_2025_q1")
    assert region == "chengdu_metro_area"
    got = {(p.indicator, p.region, p.value) for p in proposals}
    assert ("gdp_growth", "chengdu_metro_area", 6.2) in got  # 同比(下同)增长6.2%
    assert ("industrial_value_added_growth", "chengdu_metro_area", 10.5) in got  # not 资阳's
    assert ("retail_sales", "510100", 2732.7) in got  # after 成都市固定资产投资…
    assert ("retail_sales", "511400", 180.6) in got  # 眉山市…,全市社会消费品零售总额
    assert ("industrial_value_added_growth", "511400", 24.3) in got  # 同比增长为24.3%


def test_bul014_work_report_wording_and_the_parts_of_a_part(reference) -> None:
    """迈上3万亿元新台阶 and 稳定在1050万吨以上 are lower bounds; the 2024 target (预期目标增长6%左右)
    is no figure; 民营经济增加值's 其中,第一产业…;第三产业… are not the city's industries."""
    _, proposals = _read(reference, "cq_2023_gwr")
    got = {(p.indicator, p.value, p.comparator) for p in proposals}
    assert got == {
        ("gdp", 30000, "at_least"),
        ("urban_new_jobs", 73.9, "equal"),
        ("grain_output", 1050, "at_least"),
        ("brand_first_stores", 469, "equal"),
    }
    _, proposals = _read(reference, "leshan_2024_bulletin")
    got = {(p.indicator, p.value) for p in proposals}
    assert ("private_economy_share_gdp", 61.4) in got  # 总量占地区生产总值的61.4%
    assert not {("primary_industry_value_added", 255.51), ("services_value_added", 563.2)} & got


def test_bul015_traditional_characters_and_a_pdfs_spaces() -> None:
    from indicators.bulletin import readable

    text, converted = readable(
        "2024 年德陽市地區生產總值 (GDP)3265.4億元,按不變價格計算,比 上年增長7.2%。"
    )
    assert (
        converted
        and text == "2024年德阳市地区生产总值(GDP)3265.4亿元,按不变价格计算,比上年增长7.2%。"
    )
    # a simplified text keeps the characters OpenCC would also map (乾, 著) and its own words
    own = "乾县位于陕西，显著增长。R&D 经费投入 1000 亿元"
    assert readable(own) == ("乾县位于陕西，显著增长。R&D经费投入1000亿元", False)


def test_bul016_a_bulletin_in_traditional_characters_is_read(reference) -> None:
    """德阳's 2024 bulletin, found only as a mirror in traditional characters: every figure labelled
    before the reader first ran on it (first run: nothing read)."""
    code, got = _read(reference, "deyang_2024_bulletin")
    _, expected = _labels("deyang_2024_bulletin")
    assert code == "510600"
    assert {key_of(p) for p in got} == expected
    gdp = next(p for p in got if p.indicator == "gdp")
    assert gdp.value == 3265.4 and "德阳市地区生产总值(GDP)3265.4亿元" in gdp.wording


# --- whole bulletins (cq_2025_bulletin, sc_2025_bulletin): rules fixed on their first run ---

WHOLE = {
    "private_economy_value_added": (["民营经济增加值"], "亿元"),
    "private_economy_share_gdp": (["民营经济增加值占地区生产总值比重"], "%"),
    "rural_disposable_income_per_capita": (["农村居民人均可支配收入"], "元"),
    "urban_new_jobs": (["城镇新增就业人数", "城镇新增就业人员"], "万人"),
    "urban_surveyed_unemployment_rate": (["城镇调查失业率"], "%"),
    "expressway_length": (["高速公路通车里程"], "公里"),
    "retail_sales": (["社会消费品零售总额"], "亿元"),
    "grain_sown_area": (["粮食播种面积", "粮食作物播种面积"], "万亩"),
    "per_capita_sports_ground_area": (["人均体育场地面积"], "平方米"),
    "airport_passenger_throughput": (["机场旅客吞吐量"], "万人次"),
    **INDICATORS,
}


def _got(text: str, **kw) -> set[tuple[str, float]]:
    from indicators.bulletin import readable

    return {(p.indicator, p.value) for p in propose(readable(text)[0], WHOLE, **kw)}


def test_bul017_a_pages_text_run_together_headings_captions_and_table_cells() -> None:
    """A page's text (an HTML page flattened, a PDF) runs a numbered heading, a chart's caption and
    a table's last cell into the next paragraph; once the spaces are closed up the name would not
    head its clause (民营经济全年民营经济增加值…). They are put on lines of their own."""
    text = "年末增长3.6%。 二、民营经济 全年民营经济增加值38172.0亿元，比上年增长5.5%。"
    assert _got(text, year=2025) == {("private_economy_value_added", 38172.0)}
    text = "图10：2021~2025年城镇居民人均可支配收入 农村居民人均可支配收入22494元，增长5.6%。"
    assert _got(text, year=2025) == {("rural_disposable_income_per_capita", 22494)}
    text = "2025年\n 597.93 \n \n 18.76 城镇新增就业人员 72.88 万人，比上年增长 1.4% 。"
    assert _got(text) == {("urban_new_jobs", 72.88)}
    # a number before its unit stays with it; a heading already on its own line is left alone
    from indicators.bulletin import readable

    assert readable("存款\n 3.5 亿元，增长\n一、综合\n")[0] == "存款\n 3.5亿元，增长\n一、综合\n"


def test_bul018_bulletin_wording_average_final_growth_share_of_the_economy_total_length() -> None:
    got = _got("2025年全年城镇调查失业率平均值为5.3%。")
    assert got == {("urban_surveyed_unemployment_rate", 5.3)}
    # 注释: the year before's GDP after final verification, 增速为5.6%
    got = _got("经最终核实，2024年重庆市地区生产总值为32046.73亿元，增速为5.6%。")
    assert got == {("gdp", 32046.73), ("gdp_growth", 5.6)}
    got = _got("2025年民营经济增加值20792.00亿元，增长5.4%，占全市经济总量的61.6%。")
    assert got == {("private_economy_value_added", 20792.0), ("private_economy_share_gdp", 61.6)}
    assert _got("2025年全市高速公路通车总里程4764公里。") == {("expressway_length", 4764)}


def test_bul019_an_area_in_brackets_and_a_section_about_another_area() -> None:
    """Sichuan's 十五、民族自治地方经济: 民族自治地方(包括阿坝…)地区生产总值 is the area's, and so is
    the section's 社会消费品零售总额 that names no area; the next section is the province's again."""
    text = (
        "2025年全省社会消费品零售总额29135.4亿元。\n"
        "十五、民族自治地方经济\n"
        "2025年，民族自治地方（包括阿坝藏族羌族自治州、甘孜藏族自治州）地区生产总值4126.0亿元。"
        "全年社会消费品零售总额1427.7亿元，增长6.3%。\n"
        "十六、国内贸易\n全年民营经济增加值100.0亿元。"
    )
    assert _got(text) == {("retail_sales", 29135.4), ("private_economy_value_added", 100.0)}
    # outside such a section a note in brackets after the name or a region's name still reads
    assert _got("2025年四川省地区生产总值（GDP）67665.3亿元。") == {("gdp", 67665.3)}


def test_bul020_units_bulletins_write_hectares_square_metres_and_trips_in_persons() -> None:
    assert _got("2025年全年粮食作物播种面积641.2万公顷。") == {("grain_sown_area", 9618.0)}
    assert _got("2025年人均体育场地面积3.37平方米。") == {("per_capita_sports_ground_area", 3.37)}
    assert _got("2025年机场旅客吞吐量5112.69万人。") == {("airport_passenger_throughput", 5112.69)}
    # a rate per 亿元 written in its numerator, the name saying what it is per
    deaths = {
        "production_safety_deaths_per_100m_gdp": (
            ["亿元地区生产总值生产安全事故死亡人数"],
            "人/亿元",
        )
    }
    got = propose("2025年亿元地区生产总值生产安全事故死亡人数0.016人。", deaths)
    assert [(p.indicator, p.value, p.unit) for p in got] == [
        ("production_safety_deaths_per_100m_gdp", 0.016, "人/亿元")
    ]
    assert (
        propose("2025年生产安全事故死亡人数0.016人。", {"x": (["生产安全事故死亡人数"], "人/亿元")})
        == []
    )


def test_bul021_a_run_without_full_stops_is_read_in_pieces() -> None:
    """One 'sentence' of 4.5 MB held the reader for more than 5 minutes (each name looked back
    over all the text before it): a run of more than 1,000 characters is read in pieces."""
    from indicators.bulletin import _SENTENCE

    run = "2025年，" + "，地区生产总值33757.93亿元" * 3000
    assert max(len(s) for s in _SENTENCE.findall(run)) <= 1001
    assert _got(run) == {("gdp", 33757.93)}
