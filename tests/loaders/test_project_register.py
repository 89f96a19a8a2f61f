"""The major-project register (重大项目库): .xlsx and .csv in, typed rows or Chinese problems out.

Small worlds: every file is built here with openpyxl or csv, the regions are the few of
``tests.helpers.small_directory`` (one test uses the shipped master data).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest

from config.settings import PROJECT_ROOT
from indicators.regions import load_region_directory
from loaders.project_register import (
    CATEGORIES,
    STATUSES,
    RegisterRow,
    read_register,
    register_template,
)
from loaders.validate import ERROR, WARNING, Problem
from tests.helpers import REGISTER_HEADER, REGISTER_PLANS, small_directory

PLANS = REGISTER_PLANS
HEADER = REGISTER_HEADER
GOOD = [
    [
        "CY-001",
        "成渝中线高铁",
        "现代基础设施网络",
        "outline",
        "重庆市万州区、成都市",
        "川渝铁路公司",
        2021,
        2027,
        "1,234.5",
        "续建",
        200,
        300.5,
        "新建高速铁路",
        "跨省项目",
    ],
    [
        "CY-002",
        "天府实验室",
        "科技创新中心",
        None,
        "成都",
        None,
        "2025年",
        "２０２６",
        80,
        "新开工",
        None,
        40,
        None,
        None,
    ],
    [
        "CY-003",
        "沱江生态修复",
        "生态屏障",
        "shipping_centre",
        "内江市市中区",
        "内江市林业局",
        2024,
        2026,
        "１２．５",
        "前期",
        5,
        None,
        "沱江流域治理",
        None,
    ],
]
EXPECTED = [
    RegisterRow(
        row=2,
        id="CY-001",
        name="成渝中线高铁",
        category="现代基础设施网络",
        plan_id="outline",
        location="重庆市万州区、成都市",
        region_codes=("500101", "510100"),
        responsible_unit="川渝铁路公司",
        start_year=2021,
        end_year=2027,
        total_investment=1234.5,
        status="续建",
        annual_plans={2025: 200.0, 2026: 300.5},
        content="新建高速铁路",
        remark="跨省项目",
    ),
    RegisterRow(
        row=3,
        id="CY-002",
        name="天府实验室",
        category="科技创新中心",
        plan_id=None,
        location="成都",
        region_codes=("510100",),
        responsible_unit=None,
        start_year=2025,
        end_year=2026,
        total_investment=80.0,
        status="新开工",
        annual_plans={2026: 40.0},
        content=None,
        remark=None,
    ),
    RegisterRow(
        row=4,
        id="CY-003",
        name="沱江生态修复",
        category="生态屏障",
        plan_id="shipping_centre",
        location="内江市市中区",
        region_codes=("511002",),  # 市中区 alone is ambiguous; 内江市 says which
        responsible_unit="内江市林业局",
        start_year=2024,
        end_year=2026,
        total_investment=12.5,
        status="前期",
        annual_plans={2025: 5.0},
        content="沱江流域治理",
        remark=None,
    ),
]


def xlsx(rows: list[list[Any]], sheet: str = "Sheet1") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def read(
    content: bytes, filename: str = "register.xlsx"
) -> tuple[list[RegisterRow], list[Problem]]:
    return read_register(filename, content, small_directory(), PLANS)


def one_row(**changes: Any) -> list[list[Any]]:
    """The header and the first good project (row 2), with some cells changed by header."""
    row = list(GOOD[0])
    for header, value in changes.items():
        row[HEADER.index(header)] = value
    return [HEADER, row]


def error(column: str | None, value: str | None, message: str, row: int | None = 2) -> Problem:
    return Problem(ERROR, "register.xlsx", "Sheet1", row, column, value, message)


# ------------------------------------------------------------------ good files ---


def test_good_xlsx_reads_to_typed_rows() -> None:
    rows, problems = read(xlsx([HEADER, *GOOD]))
    assert problems == []
    assert rows == EXPECTED


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_reads_the_same_as_xlsx(encoding: str) -> None:
    rows, problems = read(csv_bytes([HEADER, *GOOD], encoding), "register.csv")
    assert problems == []
    assert rows == EXPECTED


def test_csv_problems_name_the_line_and_no_sheet() -> None:
    content = csv_bytes([HEADER, GOOD[0], [*GOOD[1][:8], "abc", *GOOD[1][9:]]], "gbk")
    rows, problems = read(content, "register.csv")
    assert rows == []
    assert problems == [
        Problem(
            ERROR,
            "register.csv",
            "",
            3,
            "总投资（亿元）",
            "abc",
            "总投资应为数字（亿元），收到“abc”",
        )
    ]


def test_two_regions_resolve_in_the_shipped_master_data() -> None:
    directory = load_region_directory(PROJECT_ROOT / "config" / "regions.yaml")
    rows, problems = read_register(
        "register.xlsx",
        xlsx(one_row(所在地="重庆市、四川省泸州市")),
        directory,
        PLANS,
    )
    assert problems == []
    assert rows[0].location == "重庆市、四川省泸州市"
    assert rows[0].region_codes == ("500000", "510500")


@pytest.mark.parametrize(
    ("written", "codes"),
    [
        ("重庆市，成都市", ("500000", "510100")),
        ("重庆市,成都市", ("500000", "510100")),
        ("重庆/成都", ("500000", "510100")),
        ("重庆；510100", ("500000", "510100")),
        ("成都、成都市", ("510100",)),  # the same region twice counts once
        ("重庆市万州区", ("500101",)),
        ("四川省内江市市中区", ("511002",)),
    ],
)
def test_location_separators_and_qualified_names(written: str, codes: tuple[str, ...]) -> None:
    rows, problems = read(xlsx(one_row(所在地=written)))
    assert problems == []
    assert rows[0].region_codes == codes


def test_title_and_blank_rows_above_the_header_are_skipped() -> None:
    content = xlsx([["成渝地区双城经济圈重大项目库（2026年）"], [], [None, None], HEADER, *GOOD])
    rows, problems = read(content)
    assert problems == []
    assert [r.row for r in rows] == [5, 6, 7]
    assert [r.id for r in rows] == ["CY-001", "CY-002", "CY-003"]


def test_title_row_in_csv() -> None:
    content = csv_bytes([["重大项目库"], [], HEADER, *GOOD], "utf-8")
    rows, problems = read(content, "register.csv")
    assert problems == []
    assert [r.row for r in rows] == [4, 5, 6]


def test_header_variants_aliases_and_units() -> None:
    header = [
        "序号",
        " 编号 ",
        "名称",
        "项目类别",
        "规划",
        "建设地点",
        "牵头单位",
        "开工年份",
        "竣工年",
        "总投资 (万元)",  # converted to 亿元
        "状态",
        "2026年度计划投资",
        "2027 年计划投资（万元）",
        "项目内容",
        "备注",
    ]
    row = [1, "ＣＹ－００９", "某项目", "公共服务", None, "万州", "牵头局", 2026, 2027]
    row += ["12,000", "新开工", 0.5, "5000", None, None]
    rows, problems = read(xlsx([header, row]))
    assert problems == []
    assert rows == [
        RegisterRow(
            row=2,
            id="CY-009",  # full-width folded
            name="某项目",
            category="公共服务",
            plan_id=None,
            location="万州",
            region_codes=("500101",),
            responsible_unit="牵头局",
            start_year=2026,
            end_year=2027,
            total_investment=pytest.approx(1.2),
            status="新开工",
            annual_plans={2026: 0.5, 2027: pytest.approx(0.5)},
            content=None,
            remark=None,
        )
    ]


@pytest.mark.parametrize(
    "header",
    ["总投资（亿元）", "总投资(亿元)", "总投资", "总投资 （ 亿元 ）", "*总投资（亿元）"],
)
def test_total_investment_header_spellings(header: str) -> None:
    content = xlsx([[header if h == "总投资（亿元）" else h for h in HEADER], GOOD[0]])
    rows, problems = read(content)
    assert problems == []
    assert rows[0].total_investment == 1234.5


def test_blank_total_subtotal_heading_and_numbered_empty_rows_are_skipped() -> None:
    header = ["序号", *HEADER]
    content = xlsx(
        [
            header,
            [None, "一、现代基础设施网络"],
            [1, *GOOD[0]],
            [],
            [2],  # a pre-numbered line nobody filled
            ["小计", None, None, None, None, None, None, None, None, 1234.5],
            [None, "科技创新中心"],
            [3, *GOOD[1]],
            ["合 计", None, None, None, None, None, None, None, None, 1314.5],
            [None, "总计", None, None, None, None, None, None, None, 1314.5],
        ]
    )
    rows, problems = read(content)
    assert problems == []
    assert [(r.row, r.id) for r in rows] == [(3, "CY-001"), (8, "CY-002")]


def test_template_reads_back_with_no_rows_and_no_problems() -> None:
    content = register_template()
    assert read(content, "重大项目库模板.xlsx") == ([], [])
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert "说明" in book.sheetnames
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:3] == ["项目编号", "项目名称", "类别"]
    assert "总投资（亿元）" in header and "项目状态" in header
    assert any(str(h).endswith("年计划投资（亿元）") for h in header)
    assert book.worksheets[0].max_row == 1
    explained = {row[0] for row in book["说明"].iter_rows(values_only=True)}
    assert {"项目编号", "所在地", "总投资（亿元）", "YYYY年计划投资（亿元）"} <= explained
    text = "".join(str(v) for row in book["说明"].iter_rows(values_only=True) for v in row)
    assert all(c in text for c in CATEGORIES) and all(s in text for s in STATUSES)


def test_template_lists_the_years_and_plans_it_is_asked_for() -> None:
    content = register_template(years=[2030], plan_ids=["shipping_centre"])
    book = openpyxl.load_workbook(io.BytesIO(content))
    header = [c.value for c in book.worksheets[0][1]]
    assert [h for h in header if "计划投资" in h] == ["2030年计划投资（亿元）"]
    text = "".join(str(v) for row in book["说明"].iter_rows(values_only=True) for v in row)
    assert "shipping_centre" in text


# ------------------------------------------------------------------ one rule at a time ---


@pytest.mark.parametrize(
    ("header", "label"),
    [
        ("项目编号", "项目编号"),
        ("项目名称", "项目名称"),
        ("类别", "类别"),
        ("所在地", "所在地"),
        ("开工年", "开工年"),
        ("完工年", "完工年"),
        ("总投资（亿元）", "总投资"),
        ("项目状态", "项目状态"),
    ],
)
def test_missing_required_field(header: str, label: str) -> None:
    rows, problems = read(xlsx(one_row(**{header: None})))
    assert rows == []
    assert problems == [error(header, None, f"必填项“{label}”为空")]


def test_a_dash_is_no_total_investment() -> None:
    _, problems = read(xlsx(one_row(**{"总投资（亿元）": "—"})))
    assert problems == [error("总投资（亿元）", "—", "必填项“总投资”为空")]


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        (
            "类别",
            "基础设施",
            "类别“基础设施”无效，应为以下之一：现代基础设施网络、现代产业体系、科技创新中心、"
            "巴蜀文化旅游走廊、生态屏障、公共服务；您是否要找：现代基础设施网络",
        ),
        (
            "类别",
            "其他",
            "类别“其他”无效，应为以下之一：现代基础设施网络、现代产业体系、科技创新中心、"
            "巴蜀文化旅游走廊、生态屏障、公共服务",
        ),
        (
            "项目状态",
            "已完工",
            "项目状态“已完工”无效，应为以下之一：前期、新开工、续建、建成投用",
        ),
        ("开工年", "二〇二一", "开工年应为 1990 至 2100 之间的整数年份，收到“二〇二一”"),
        ("开工年", "2021.5", "开工年应为 1990 至 2100 之间的整数年份，收到“2021.5”"),
        ("开工年", "1985", "开工年应为 1990 至 2100 之间的整数年份，收到“1985”"),
        ("完工年", "2101", "完工年应为 1990 至 2100 之间的整数年份，收到“2101”"),
        ("总投资（亿元）", "abc", "总投资应为数字（亿元），收到“abc”"),
        ("总投资（亿元）", "12亿", "总投资应为数字（亿元），收到“12亿”"),
        ("总投资（亿元）", "-5", "总投资不能为负数，收到“-5”"),
        ("所在地", "成度", "未知地区“成度”；您是否要找：成都市"),
        ("所在地", "重庆、伦敦", "未知地区“伦敦”"),
        (
            "所在地",
            "市中区",
            "地区名称“市中区”有歧义，可能是：市中区（511002）、市中区（511102）；请使用全称或代码",
        ),
        (
            "所属规划",
            "shiping_centre",
            "未知规划“shiping_centre”：应为规划目录中的规划编号；您是否要找：shipping_centre",
        ),
        ("所属规划", "zzz", "未知规划“zzz”：应为规划目录中的规划编号"),
        ("2026年计划投资（亿元）", "三百", "2026年计划投资应为数字（亿元），收到“三百”"),
        ("2026年计划投资（亿元）", "-1", "2026年计划投资不能为负数，收到“-1”"),
    ],
)
def test_each_rule_names_row_column_and_value(header: str, value: str, message: str) -> None:
    rows, problems = read(xlsx(one_row(**{header: value})))
    assert rows == []
    assert problems == [error(header, value, message)]


def test_investment_accepts_thousands_separators_and_full_width_digits() -> None:
    for written, expected in (("1,234.5", 1234.5), ("１，２３４．５", 1234.5), (" 999 ", 999.0)):
        rows, problems = read(xlsx(one_row(**{"总投资（亿元）": written})))
        assert problems == []
        assert rows[0].total_investment == expected


def test_start_after_end() -> None:
    rows, problems = read(
        xlsx(one_row(开工年=2028, 完工年=2024, **{"2025年计划投资（亿元）": None}))
    )
    assert rows == []
    assert problems == [error("开工年", "2028", "开工年（2028）晚于完工年（2024）")]


def test_duplicate_project_id_names_both_rows() -> None:
    second = list(GOOD[1])
    second[0] = "CY-001"
    rows, problems = read(xlsx([HEADER, GOOD[0], GOOD[2], second]))
    assert rows == []
    assert problems == [
        error("项目编号", "CY-001", "项目编号“CY-001”重复：第 2 行和第 4 行使用了同一编号", row=4)
    ]


def test_annual_plans_above_the_total() -> None:
    rows, problems = read(xlsx(one_row(**{"总投资（亿元）": 400})))
    assert rows == []
    assert problems == [
        error(
            "总投资（亿元）",
            "400",
            "各年计划投资合计 500.5 亿元（2025、2026年）超过总投资 400 亿元",
        )
    ]


def test_annual_plans_equal_to_the_total_pass() -> None:
    rows, problems = read(xlsx(one_row(**{"总投资（亿元）": 500.5})))
    assert problems == []
    assert rows[0].annual_plans == {2025: 200.0, 2026: 300.5}


def test_annual_plan_outside_the_project_years_is_a_hint_only() -> None:
    rows, problems = read(xlsx(one_row(开工年=2026)))
    assert problems == [
        Problem(
            WARNING,
            "register.xlsx",
            "Sheet1",
            2,
            "2025年计划投资（亿元）",
            "200",
            "2025年的计划投资 200 亿元不在开工年（2026）至完工年（2027）之间",
        )
    ]
    assert [r.id for r in rows] == ["CY-001"]  # 提示 do not block
    assert rows[0].annual_plans == {2025: 200.0, 2026: 300.5}


def test_text_longer_than_the_database_takes() -> None:
    long_id = "X" * 41
    _, problems = read(xlsx(one_row(项目编号=long_id)))
    assert problems == [error("项目编号", long_id, "项目编号不能超过 40 个字符（现有 41 个）")]


# ------------------------------------------------------------------ many at once ---


def test_several_problems_are_all_reported_in_row_order() -> None:
    bad = ["CY-001", "坏项目", "现代产业", "nope", "成度", None, "abc", 2020, "-3", "在建"]
    bad += [None, "x", None, None]
    rows, problems = read(xlsx([HEADER, GOOD[0], bad, [*GOOD[2][:1], None, *GOOD[2][2:]]]))
    assert rows == []
    assert [(p.row, p.column, p.level) for p in problems] == [
        (3, "项目编号", ERROR),
        (3, "类别", ERROR),
        (3, "所属规划", ERROR),
        (3, "所在地", ERROR),
        (3, "开工年", ERROR),
        (3, "总投资（亿元）", ERROR),
        (3, "项目状态", ERROR),
        (3, "2026年计划投资（亿元）", ERROR),
        (4, "项目名称", ERROR),
    ]
    assert problems[0].message == "项目编号“CY-001”重复：第 2 行和第 3 行使用了同一编号"
    assert problems[3].message == "未知地区“成度”；您是否要找：成都市"
    assert all(p.file == "register.xlsx" and p.sheet == "Sheet1" for p in problems)


def test_two_bad_places_in_one_cell_give_two_problems() -> None:
    _, problems = read(xlsx(one_row(所在地="成度、伦敦")))
    assert [p.message for p in problems] == [
        "未知地区“成度”；您是否要找：成都市",
        "未知地区“伦敦”",
    ]


# ------------------------------------------------------------------ whole-file problems ---


@pytest.mark.parametrize("filename", ["register.xls", "register.txt", "register"])
def test_other_extensions_are_refused(filename: str) -> None:
    rows, problems = read(xlsx([HEADER, *GOOD]), filename)
    assert rows == []
    assert len(problems) == 1
    assert problems[0].level == ERROR and problems[0].row is None
    assert "请上传 .xlsx 或 .csv 文件" in problems[0].message


def test_a_file_that_is_not_a_workbook() -> None:
    rows, problems = read(b"this is not a zip file")
    assert rows == []
    assert len(problems) == 1
    assert problems[0].row is None and problems[0].level == ERROR
    assert "无法打开工作簿" in problems[0].message


def test_a_binary_csv() -> None:
    rows, problems = read(b"\x00\x01\x02", "register.csv")
    assert rows == []
    assert [(p.level, p.row) for p in problems] == [(ERROR, None)]
    assert "无法识别文件编码" in problems[0].message


def test_no_header_row() -> None:
    rows, problems = read(xlsx([["重大项目库"], ["名称", "地点"], ["甲", "成都"]]))
    assert rows == []
    assert problems == [
        error(
            None,
            None,
            "未找到表头行：应有一行同时包含“项目编号”和“项目名称”两列（可下载模板对照）",
            row=None,
        )
    ]


def test_a_missing_required_column_is_one_problem_naming_it() -> None:
    header = [h for h in HEADER if h != "总投资（亿元）"]
    rows_in = [
        [v for h, v in zip(HEADER, row, strict=True) if h != "总投资（亿元）"] for row in GOOD
    ]
    rows, problems = read(xlsx([header, *rows_in]))
    assert rows == []
    assert problems == [error("总投资", None, "缺少必填列“总投资”（表头可写作：总投资）", row=1)]


def test_unknown_and_duplicate_columns() -> None:
    header = [*HEADER, "总投资(亿元)", "实际完成投资", "总投资（美元）"]
    rows, problems = read(xlsx([header, [*GOOD[0], 1, 2, 3]]))
    assert rows == []
    assert [(p.level, p.column, p.message) for p in problems] == [
        (ERROR, "总投资(亿元)", "列“总投资(亿元)”与列“总投资（亿元）”重复（都是总投资）"),
        (WARNING, "实际完成投资", "列“实际完成投资”未识别，已忽略（可识别的列见模板的说明页）"),
        (ERROR, "总投资（美元）", "列“总投资（美元）”与列“总投资（亿元）”重复（都是总投资）"),
    ]


def test_an_unknown_investment_unit_is_refused() -> None:
    header = [("总投资（美元）" if h == "总投资（亿元）" else h) for h in HEADER]
    _, problems = read(xlsx([header, GOOD[0]]))
    assert problems == [
        error(
            "总投资（美元）",
            None,
            "列“总投资（美元）”的单位“美元”无法识别：总投资应以亿元（或万元）填报",
            row=1,
        )
    ]


def test_instruction_and_hidden_sheets_are_not_read() -> None:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "填报说明"
    notes.append(["项目编号", "项目名称"])
    hidden = book.create_sheet("旧表")
    hidden.append(["项目编号", "项目名称"])
    hidden.sheet_state = "hidden"
    data = book.create_sheet("重大项目")
    for row in (HEADER, *GOOD):
        data.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    rows, problems = read(buffer.getvalue())
    assert problems == []
    assert rows == EXPECTED
