from __future__ import annotations

import pytest

from indicators.project_annex import (
    ANNEX_LAST_LINE,
    SEED_PATH,
    AnnexProject,
    load_annex,
    load_notice,
    location_regions,
    parse_annex,
    parse_notice_categories,
    parse_notice_totals,
    section_sums,
)
from indicators.seed_text import SeedText

# the subtotals as the annex prints them (and as the issue quotes them), 亿元
SUBTOTALS = {
    "航道工程": (806, 307),
    "港口及集疏运工程": (177, 115),
    "支持保障等其他": (8, 3),
}
GRAND_TOTAL = (991, 425)
# what the rows add up to: the printed subtotals are these rounded to whole 亿元
ROW_SUMS = {
    "航道工程": (805.92, 307.19),
    "港口及集疏运工程": (177.2, 115.0),
    "支持保障等其他": (8.3, 3.3),
}


@pytest.fixture(scope="module")
def annex():
    return load_annex()


@pytest.fixture(scope="module")
def projects(annex) -> dict[int, AnnexProject]:
    return {project.number: project for project in annex.projects}


# --------------------------------------------------------------------------- the real annex


def test_subtotal_rows_are_read_as_printed(annex) -> None:
    assert {s.name: (s.total_investment, s.plan_period_investment) for s in annex.sections} == (
        SUBTOTALS
    )
    assert annex.totals == GRAND_TOTAL
    assert [s.first_line for s in annex.sections] == [15706, 16536, 16981]


def test_each_section_adds_up_to_its_subtotal(annex) -> None:
    sums = section_sums(annex.projects)
    assert sums == ROW_SUMS
    for section in annex.sections:
        total, plan = sums[section.name]
        assert round(total) == section.total_investment == SUBTOTALS[section.name][0]
        assert round(plan) == section.plan_period_investment == SUBTOTALS[section.name][1]


def test_all_projects_add_up_to_the_grand_total(annex) -> None:
    total = sum(p.total_investment for p in annex.projects)
    plan = sum(p.plan_period_investment or 0.0 for p in annex.projects)
    assert round(total, 2) == 991.42 and round(total) == annex.totals[0] == GRAND_TOTAL[0]
    assert round(plan, 2) == 425.49 and round(plan) == annex.totals[1] == GRAND_TOTAL[1]
    assert sum(s.total_investment for s in annex.sections) == annex.totals[0]
    assert sum(s.plan_period_investment for s in annex.sections) == annex.totals[1]


def test_projects_per_section_and_numbering(annex) -> None:
    counts: dict[str, int] = {}
    for project in annex.projects:
        counts[project.section] = counts.get(project.section, 0) + 1
    assert counts == {"航道工程": 29, "港口及集疏运工程": 15, "支持保障等其他": 4}
    assert [p.number for p in annex.projects] == list(range(1, 49))


def test_first_project(projects) -> None:
    assert projects[1] == AnnexProject(
        number=1,
        section="航道工程",
        waterway="长江",
        location="重庆",
        name="长江干线朝天门至涪陵段航道整治工程",
        content="按4.5米水深整治，全长123公里",
        start_year=2020,
        end_year=2023,
        total_investment=13.0,
        plan_period_investment=None,  # the cell is "—"
        remark="中央事权，不纳入地方投资统计",
        first_line=15708,
    )


def test_last_project(projects) -> None:
    last = projects[48]
    assert (last.section, last.waterway, last.location) == ("支持保障等其他", None, "重庆")
    assert last.name == "水上绿色综合服务区建设"
    assert last.content.startswith("推进建设万州、奉节、涪陵等水上绿色综合服务区")
    assert last.content.endswith("生活配套等服务功能")
    assert (last.start_year, last.end_year) == (2023, 2027)
    assert (last.total_investment, last.plan_period_investment) == (2.0, 1.0)
    assert (last.remark, last.first_line) == (None, 17139)


@pytest.mark.parametrize(
    ("number", "name", "content_start", "years", "investment"),
    [
        # a name over five lines, a bare "11.447" line inside its content
        (
            35,
            "重庆珞璜港（猫儿沱港）专用铁路改造工程",
            "建设到发兼调车线3条，翻车机线5条，货物线5条，合计单线铁路11.447公里",
            (2017, 2022),
            (2.2, 0.4),
        ),
        # the name goes on after the numbers, beside a piece of the content
        (
            19,
            "金沙江乌东德库区库尾航道整治工程",
            "建设两江口（雅砻江与金沙江汇合口）至平地师庄",
            (2023, 2027),
            (9.0, 2.0),
        ),
        # everything on the first line, then 7 and 9. / 3 below: 2027 and 89.3
        (
            12,
            "岷江东风岩航电枢纽",
            "按三级航道标准建设，渠化航道14.8公里",
            (2022, 2027),
            (89.3, 31.0),
        ),
        # a page number (329) inside the row
        (
            3,
            "嘉陵江草街库尾航道整治工程",
            "按三级航道标准整治，全长69公里",
            (2025, 2027),
            (1.0, 1.0),
        ),
        # 15 / 5. / 29 is 155.29; the river carries down from row 8
        (10, "岷江龙溪口航电枢纽", "建设三级船闸1座", (2017, 2025), (155.29, 57.0)),
        # a name line that opens like content ("改造工程")
        (27, "涪江安居电厂船闸扩能升级改造工程", "改扩建船闸1座", (2024, 2027), (5.0, 0.3)),
        # the content continues on the line of the numbers
        (
            22,
            "渠江达州—广安航运建设工程（达州段）",
            "按三级航道标准建设达州南门口至凉滩坝址（不包括风洞子库区57公里航道）共100.5公里，其中",
            (2023, 2027),
            (21.2, 3.0),
        ),
        (
            40,
            "宜宾港进港铁路建设",
            "由内六线一步滩站六盘水端至志诚码头",
            (2020, 2025),
            (25.0, 20.0),
        ),
    ],
)
def test_spot_checks(projects, number, name, content_start, years, investment) -> None:
    project = projects[number]
    assert project.name == name
    assert project.content.startswith(content_start)
    assert (project.start_year, project.end_year) == years
    assert (project.total_investment, project.plan_period_investment) == investment


def test_rivers_and_locations(annex, projects) -> None:
    assert [projects[n].waterway for n in (1, 2, 5, 6, 8, 16, 17, 20, 23, 28, 29)] == [
        "长江",
        "嘉陵江",
        "嘉陵江",
        "乌江",
        "岷江",
        "岷江",
        "金沙江",
        "渠江",
        "涪江",
        "涪江",
        "其他",
    ]
    assert all(p.waterway for p in annex.projects if p.section == "航道工程")
    assert all(p.waterway is None for p in annex.projects if p.section != "航道工程")
    assert {p.location for p in annex.projects} == {"重庆", "四川"}


def test_years_and_figures_are_plausible(annex) -> None:
    for project in annex.projects:
        assert 2010 <= project.start_year <= project.end_year <= 2035, project
        assert project.total_investment > 0, project
        plan = project.plan_period_investment
        assert plan is None or 0 < plan <= project.total_investment, project
    assert [p.number for p in annex.projects if p.plan_period_investment is None] == [1]
    assert [p.number for p in annex.projects if p.remark] == [1]


def test_every_row_starts_on_its_line_of_the_seed_file(annex) -> None:
    lines = SEED_PATH.read_text(encoding="utf-8").splitlines()
    for project in annex.projects:
        assert lines[project.first_line - 1].split()[0] == str(project.number)
    assert lines[ANNEX_LAST_LINE - 1].startswith("注：")
    assert "国际消费目的地" in "".join(lines[ANNEX_LAST_LINE : ANNEX_LAST_LINE + 5])


def test_location_regions() -> None:
    assert location_regions("重庆") == ["500000"]
    assert location_regions("四川") == ["510000"]
    assert location_regions("四川泸州") == ["510500"]
    assert location_regions("重庆、四川") == ["500000", "510000"]
    assert location_regions("火星") == []
    assert location_regions("四川、火星") == ["510000"]


# --------------------------------------------------------------------------- the real notice


def test_notice_categories_add_up_to_the_totals() -> None:
    categories, totals = load_notice()
    assert [c.name for c in categories] == [
        "现代基础设施网络",
        "现代产业体系",
        "科技创新中心",
        "巴蜀文化旅游走廊",
        "生态屏障",
        "公共服务",
    ]
    assert [c.project_count for c in categories] == [40, 72, 30, 8, 4, 6]
    assert [c.total_investment for c in categories] == [13461, 5402, 750, 415, 133, 206]
    assert [c.planned_investment_2022 for c in categories] == [883, 728, 127, 41, 18, 38]
    assert (totals.project_count, totals.total_investment, totals.planned_investment_2022) == (
        160,
        20367,
        1835,
    )
    assert sum(c.project_count for c in categories) == totals.project_count == 160
    assert sum(c.total_investment or 0 for c in categories) == totals.total_investment == 20367
    assert sum(c.planned_investment_2022 or 0 for c in categories) == 1835
    assert totals.planned_investment_2022 == 1835


def test_notice_quotes_are_found_on_their_lines() -> None:
    categories, totals = load_notice()
    seed = SeedText.from_file(SEED_PATH)
    assert totals.quote == (
        "共建成渝地区双城经济圈2022年重大项目共160个，估算总投资约20367亿元，年度计划完成投资1835亿元"
    )
    assert totals.line == 3363
    assert [c.line for c in categories] == [3365, 3367, 3369, 3369, 3371, 3373]
    assert categories[0].quote == (
        "合力建设现代基础设施网络项目40个，估算总投资13461亿元，年度计划投资883亿元"
    )
    for item in [*categories, totals]:
        assert seed.find(item.quote, item.line) is not None, item


# --------------------------------------------------------------------------- a small world

SNIPPET = """附件

示例航运中心项目

序号

项目名称

合 计 40 11

一、航道工程 36 9

1

长江

重庆

长江示例

航道整治工

程

按三级航道

标准整治

2020

202

3

2

5.

5

8

2 四川 岷江示例航 渠化航道 2022 202 1 1
 电枢纽 长 12 公里



330

5 0.

5

中央事

权

二、港口工程 4 2

3 重庆

示例港区

作业区工程

建设 50

2021 2024 4 2
 00 吨级泊位

注：项目以实际批复为准。

下一个文件
"""


def test_snippet_is_parsed_by_the_rules() -> None:
    projects, sections, totals = parse_annex(SNIPPET, first_line=1, last_line=None)
    assert totals == (40, 11)
    assert [
        (s.name, s.total_investment, s.plan_period_investment, s.first_line) for s in sections
    ] == [
        ("航道工程", 36, 9, 11),
        ("港口工程", 4, 2, 58),
    ]
    first, second, third = projects
    # numbers one piece a line: 202 / 3 is 2023, 2 / 5. / 5 is 25.5, the last piece is 十四五
    assert first == AnnexProject(
        number=1,
        section="航道工程",
        waterway="长江",
        location="重庆",
        name="长江示例航道整治工程",
        content="按三级航道标准整治",
        start_year=2020,
        end_year=2023,
        total_investment=25.5,
        plan_period_investment=8.0,
        remark=None,
        first_line=13,
    )
    # everything on the first line; a name and a content piece side by side; a page number
    # (330) skipped; "5 0." completes the end year and goes on the total; a block of its own
    # after the numbers is the remark; the river carries down
    assert second == AnnexProject(
        number=2,
        section="航道工程",
        waterway="长江",
        location="四川",
        name="岷江示例航电枢纽",
        content="渠化航道长12公里",
        start_year=2022,
        end_year=2025,
        total_investment=10.5,
        plan_period_investment=1.0,
        remark="中央事权",
        first_line=43,
    )
    # no river in this section; the content goes on on the line of the numbers
    assert (third.waterway, third.name, third.content) == (
        None,
        "示例港区作业区工程",
        "建设5000吨级泊位",
    )
    assert (third.start_year, third.end_year, third.total_investment) == (2021, 2024, 4.0)
    assert third.plan_period_investment == 2.0
    assert section_sums(projects) == {"航道工程": (36.0, 9.0), "港口工程": (4.0, 2.0)}


def test_snippet_range_limits_the_table() -> None:
    projects, _, _ = parse_annex(SNIPPET, first_line=1, last_line=57)
    assert [p.number for p in projects] == [1, 2]


def test_a_row_without_its_plan_figure_is_refused_with_its_line() -> None:
    broken = SNIPPET.replace("2021 2024 4 2\n", "2021 2024 4\n")
    with pytest.raises(ValueError, match=r"^第60行：项目3缺少“十四五”期间投资$"):
        parse_annex(broken, first_line=1, last_line=None)


def test_a_row_out_of_sequence_is_refused_with_its_line() -> None:
    broken = SNIPPET.replace("3 重庆", "4 重庆")
    with pytest.raises(ValueError, match=r"^第60行：序号4不连续，应为3$"):
        parse_annex(broken, first_line=1, last_line=None)


def test_years_that_are_not_years_are_refused() -> None:
    broken = SNIPPET.replace("2021 2024 4 2\n", "2021 2019 4 2\n")
    with pytest.raises(ValueError, match=r"^第60行：项目3的开工年2021晚于完工年2019$"):
        parse_annex(broken, first_line=1, last_line=None)


def test_a_text_without_the_table_is_refused() -> None:
    with pytest.raises(ValueError, match="找不到“合计”行"):
        parse_annex("附件\n\n没有表格\n", first_line=1, last_line=None)


NOTICE = """关于示例的通知

一、推进项目

示例重大项目共 10 个，估算总投资约 100 亿元，年度计划完

成投资 20 亿元。其中：合力建设现代基础设施网络项目 6 个，估算总投资 70 亿元，年度

计划投资 15 亿元；生态屏障项目 4 个，年度计划投资 5 亿元。

二、其他
"""


def test_notice_snippet_states_only_what_it_states() -> None:
    totals = parse_notice_totals(NOTICE, first_line=1, last_line=None)
    assert (totals.project_count, totals.total_investment, totals.planned_investment_2022) == (
        10,
        100,
        20,
    )
    assert totals.quote == "示例重大项目共10个，估算总投资约100亿元，年度计划完成投资20亿元"
    assert totals.line == 5
    infrastructure, ecology = parse_notice_categories(NOTICE, first_line=1, last_line=None)
    assert infrastructure.name == "现代基础设施网络"
    assert (infrastructure.project_count, infrastructure.total_investment) == (6, 70)
    assert (infrastructure.planned_investment_2022, infrastructure.line) == (15, 7)
    assert ecology.name == "生态屏障"
    assert (ecology.project_count, ecology.planned_investment_2022, ecology.line) == (4, 5, 9)
    assert ecology.total_investment is None  # not stated, not derived from 100 − 70
    assert ecology.quote == "生态屏障项目4个，年度计划投资5亿元"


def test_notice_without_a_list_is_refused() -> None:
    with pytest.raises(ValueError, match="找不到"):
        parse_notice_categories("没有项目清单。\n", first_line=1, last_line=None)


def test_location_regions_reads_qualified_names_as_the_register_does() -> None:
    """One rule for "area + place inside it" (indicators.place_names), shared with the
    major-projects register: a province with its suffix, a city and its district."""
    assert location_regions("四川省泸州市") == ["510500"]
    assert location_regions("重庆市渝北区") == ["500112"]
    # the master data holds 内江 without its districts: the area, not a guess
    assert location_regions("内江市市中区") == ["511000"]
    assert location_regions("四川某地") == ["510000"]
