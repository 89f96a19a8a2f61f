"""The reporting template: long format, pre-filled for one region and period.

Rows list the indicators due from that region (those with targets for it, or
for a grouping it belongs to when the grouping's figure is derived from its
members), with the unit expected; the statistician fills in 数值 and, where
useful, 备注. The Excel version carries a 填报说明 sheet in Chinese.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from indicators.catalogue import Catalogue, IndicatorDef
from indicators.normalise import parse_period
from indicators.regions import RegionDirectory

HEADER = ["地区", "指标", "期间", "数值", "单位", "备注"]
INSTRUCTIONS = [
    "填报说明",
    "1. 每行填写一个地区、一个指标、一个期间的数值；请勿修改“地区”“指标”“期间”“单位”列。",
    "2. 数值只填数字（可带小数），不要填写单位、千分位以外的符号；缺报请留空。",
    "3. 单位须与“单位”列一致；如需按其他单位填报（如万元、亿元），请在“单位”列写明，系统会自动换算。",
    "4. 期间写法：年度“2025年”，季度“2025Q2”，月度“2025年6月”，累计“2025年1-6月”。",
    "5. 上传后系统立即校验，逐行列出问题（行号、列、原值、原因）；全部通过后方才导入，不会部分导入。",
    "6. 同一文件重复上传会被识别，不会重复导入；修订数据请在“备注”中说明修订原因。",
]


def indicators_due(
    catalogue: Catalogue, directory: RegionDirectory, region_code: str
) -> list[IndicatorDef]:
    """Indicators with a target for the region, or for a grouping whose figure it feeds."""
    due: set[str] = set()
    for entry in catalogue.targets:
        if entry.scope_code == region_code:
            due.add(entry.indicator_id)
            continue
        scope = directory.regions.get(entry.scope_code)
        indicator = catalogue.indicators[entry.indicator_id]
        if scope is None or not scope.is_grouping or indicator.aggregation == "not_combinable":
            continue
        if region_code in {m.code for m in directory.leaf_members(scope.code)}:
            due.add(entry.indicator_id)
            due.update(indicator.components)
    return sorted((catalogue.indicators[i] for i in due), key=lambda i: (i.pillar, i.id))


def render(
    catalogue: Catalogue,
    directory: RegionDirectory,
    region_code: str,
    period: str,
    fmt: str = "xlsx",
) -> tuple[bytes, int]:
    """The template file for a region and period, and how many indicators it lists."""
    indicators = indicators_due(catalogue, directory, region_code)
    maker = template_csv if fmt == "csv" else template_xlsx
    return maker(directory[region_code].name_zh, period, indicators), len(indicators)


def _rows(region_name: str, period: str, indicators: list[IndicatorDef]) -> list[list[str]]:
    shown = _period_label(period)
    return [[region_name, i.name_zh, shown, "", i.unit, ""] for i in indicators]


def _period_label(period: str) -> str:
    canonical = parse_period(period)
    if len(canonical) == 4:
        return f"{canonical}年"
    if "Q" in canonical:
        return canonical
    year, rest = canonical.split("-", 1)
    if "/" in rest:
        return f"{year}年1-{int(rest.split('/')[1])}月"
    return f"{year}年{int(rest)}月"


def template_csv(region_name: str, period: str, indicators: list[IndicatorDef]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(_rows(region_name, period, indicators))
    return buffer.getvalue().encode("utf-8-sig")  # with BOM, so that Excel opens it right


def template_xlsx(region_name: str, period: str, indicators: list[IndicatorDef]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "填报数据"
    sheet.append(HEADER)
    for row in _rows(region_name, period, indicators):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for column, width in zip("ABCDEF", (16, 36, 14, 14, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
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
