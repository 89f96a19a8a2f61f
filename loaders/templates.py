"""The reporting template and the online form (在线填报): one region, one period,
the rows of its reporting duty (indicators.reporting_duty) grouped by pillar in
a fixed order, each with its unit, the previous period's accepted value and the
allowed range.

``form_rows`` is the one function that builds the rows; the CSV and Excel
templates and the page's form all call it, so they ask for the same figures in
the same order. The statistician fills in 数值 (and, where useful, 备注); the
columns 领域, 上期数值 and 允许范围 are for reading and are ignored on upload.
The Excel version carries the 填报说明 sheet.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy.orm import Session

from db.intake import current_values
from indicators.catalogue import Catalogue, IndicatorDef
from indicators.formatting import number
from indicators.normalise import fits_frequency, parse_period
from indicators.regions import RegionDirectory
from indicators.reporting_calendar import previous_period
from indicators.reporting_duty import DutyRow, duty_rows, owed_indicators

ACCEPTED_LAYER = "reported"  # what review approved: the previous period's accepted values
HEADER = ["领域", "地区", "指标", "期间", "数值", "单位", "上期数值", "允许范围", "备注"]
VALUE_COLUMN = HEADER.index("数值")
WIDTHS = (12, 14, 40, 14, 14, 12, 18, 12, 30)
INSTRUCTIONS = [
    "填报说明",
    "1. 本表列出本地区本期应报送的指标（报送责任：为本地区设定目标的指标，以及本地区所属片区"
    "按成员汇总、且规划文字涉及本地区的指标），按领域分组、顺序固定；与平台“在线填报”的表单相同。",
    "2. 只填写“数值”列（可选填“备注”）；请勿修改“地区”“指标”“期间”列，也不要增删行。"
    "“领域”“上期数值”“允许范围”三列供参考，上传时不读取。",
    "3. 数值只填数字（可带小数点和负号，可用千分位逗号）；不要填写单位或其他文字。暂无数据的请留空，"
    "不要填 0。",
    "4. “单位”列已填好指标的计量单位，数值须按该单位填写。确需按其他单位填报（如万元而非亿元）时，"
    "请把该行“单位”列改为实际使用的单位，系统按其换算；不能换算的单位会被指出。",
    "5. “允许范围”之外的数值（如负数、超过 100% 的比例）不能导入；与本地区以往数据或上期数值差异"
    "很大的数值会提示核实，但仍可提交。",
    "6. 期间写法：年度“2025年”，季度“2025Q2”，月度“2025年6月”，累计“2025年1-6月”。",
    "7. 上传后系统立即逐行校验（行号、列、原值、原因），全部通过后方可提交审核，不会部分导入；"
    "大部分数值为空的文件可以提交，但会提示空白行数。",
    "8. 同一文件重复上传会被识别，不会重复导入；修订已报数据请在“备注”中说明修订原因。",
]


def form_indicators(
    catalogue: Catalogue, directory: RegionDirectory, region_code: str, period: str
) -> list[IndicatorDef]:
    """The region's duty for a period: the owed indicators whose frequency takes it
    (an annual indicator has no quarter to report)."""
    return [
        i
        for i in owed_indicators(catalogue, directory, region_code)
        if fits_frequency(period, i.frequency)
    ]


def form_rows(
    session: Session,
    catalogue: Catalogue,
    directory: RegionDirectory,
    region_code: str,
    period: str,
) -> list[DutyRow]:
    """The rows of the region's template and online form for ``period`` (any spelling
    parse_period reads), with the previous period's accepted values."""
    period = parse_period(period)
    indicators = form_indicators(catalogue, directory, region_code, period)
    last = previous_period(period)
    found = current_values(session, ACCEPTED_LAYER, [(i.id, region_code, last) for i in indicators])
    values = {key[0]: value for key, (_, value, _) in found.items()}
    return duty_rows(indicators, {i.id: last for i in indicators}, values)


def render(
    session: Session,
    catalogue: Catalogue,
    directory: RegionDirectory,
    region_code: str,
    period: str,
    fmt: str = "xlsx",
) -> tuple[bytes, int]:
    """The template file for a region and period, and how many rows it has."""
    rows = form_rows(session, catalogue, directory, region_code, period)
    region_name = directory[region_code].name_zh
    shown = period_label(parse_period(period))
    maker = template_csv if fmt == "csv" else template_xlsx
    return maker(table(region_name, shown, rows)), len(rows)


def table(
    region_name: str, period_shown: str, rows: list[DutyRow], values: dict[str, str] | None = None
) -> list[list[str]]:
    """The template's grid under HEADER; ``values`` (indicator id → text, notes
    under ``note:<id>``) fills 数值 and 备注, as the online form does when it files."""
    values = values or {}
    return [
        [
            row.pillar_zh,
            region_name,
            row.indicator.name_zh,
            period_shown,
            values.get(row.indicator.id, ""),
            row.indicator.unit,
            last_value_text(row),
            row.range_text(),
            values.get(f"note:{row.indicator.id}", ""),
        ]
        for row in rows
    ]


def last_value_text(row: DutyRow) -> str:
    """上期数值 as shown: the value and its period (2024年：14.2), or empty."""
    if row.last_value is None or row.last_period is None:
        return ""
    return f"{period_label(row.last_period)}：{number(row.last_value)}"


def period_label(canonical: str) -> str:
    """How the template writes a canonical period (2025年, 2025Q2, 2025年6月, 2025年1-6月):
    spellings parse_period reads back."""
    if len(canonical) == 4:
        return f"{canonical}年"
    if "Q" in canonical:
        return canonical
    year, rest = canonical.split("-", 1)
    if "/" in rest:
        return f"{year}年1-{int(rest.split('/')[1])}月"
    return f"{year}年{int(rest)}月"


def template_csv(grid: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(grid)
    return buffer.getvalue().encode("utf-8-sig")  # with BOM, so that Excel opens it right


def template_xlsx(grid: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one sheet (its active one)
    sheet.title = "填报数据"
    sheet.append(HEADER)
    for values in grid:
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    fill = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill in
    for row in sheet.iter_rows(min_row=2, min_col=VALUE_COLUMN + 1, max_col=VALUE_COLUMN + 1):
        row[0].fill = fill
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("填报说明")
    for line in INSTRUCTIONS:
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    guide["A1"].font = Font(bold=True, size=14)
    for row in guide.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
