"""The readers lay out every real export format and refuse what they cannot read.

Fixtures are built by tests/loaders/make_fixtures.py (formats from sections 11-12 of
shared/PUBLISHED-FIGURES.md); small variations are built inline.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.readers import COLUMNS, RawTable, ReadError, read_file
from loaders.readers.workbook import render
from tests.loaders.make_fixtures import build_all

FIXTURES = Path(__file__).parent / "fixtures"
READABLE = sorted(
    p.name
    for p in FIXTURES.iterdir()
    if p.is_file() and p.name not in ("encrypted.xlsx", "password.xls")
)
# Text of the lines around the tables: none of it may ever become a record.
NON_DATA = ("数据库", "指标：", "时间：", "注：", "数据来源", "单位", "Item", "Index", "测试夹具")


def read(name: str) -> RawTable:
    return read_file(name, (FIXTURES / name).read_bytes())


def cell(table: RawTable, row: int, column: str, sheet: str | None = None) -> dict[str, object]:
    """The one record at (row, column), as a dict; fails unless exactly one is there."""
    frame = table.records
    hit = frame[(frame["row"] == row) & (frame["column"] == column)]
    if sheet is not None:
        hit = hit[hit["sheet"] == sheet]
    assert len(hit) == 1, hit
    return hit.iloc[0].to_dict()


def expect(table: RawTable, row: int, column: str, **fields: object) -> None:
    record = cell(table, row, column)
    assert {k: record[k] for k in fields} == fields


def xlsx(*sheets: tuple[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- every fixture


def test_rdr001_fixtures_are_reproducible() -> None:
    for name, content in build_all().items():
        assert (FIXTURES / name).read_bytes() == content, f"{name}: run make_fixtures"


@pytest.mark.parametrize("name", READABLE)
def test_rdr002_records_have_the_contract_shape(name: str) -> None:
    table = read(name)
    frame = table.records
    assert tuple(frame.columns) == COLUMNS
    assert str(frame["row"].dtype) == "int64" and (frame["row"] >= 1).all()
    assert frame["column"].str.fullmatch(r"[A-Z]+").all()
    for column in COLUMNS:
        if column != "row":
            assert frame[column].dtype == object
            assert all(v is None or isinstance(v, str) for v in frame[column])
    assert table.layout in ("template", "wide_regions", "wide_indicators", "nbs", "yearbook")
    assert not frame.duplicated(["sheet", "row", "column"]).any()


@pytest.mark.parametrize("name", READABLE)
def test_rdr003_lines_around_the_table_never_become_records(name: str) -> None:
    frame = read(name).records
    for column in ("region", "indicator", "period", "value"):
        for text in frame[column].dropna():
            assert not text.startswith(NON_DATA), (column, text)
            assert "Gross Domestic" not in text and "Population and" not in text


# ------------------------------------------------------------------ template


def test_rdr010_template_csv_utf8_bom() -> None:
    table = read("template_utf8_bom.csv")
    assert (table.layout, table.encoding, table.title, table.source) == (
        "template",
        "utf-8-sig",
        None,
        None,
    )
    assert table.notes == ("测试夹具，数值取自各地统计公报。",)
    assert len(table.records) == 6
    assert cell(table, 2, "D") == {
        "sheet": "",
        "row": 2,
        "column": "D",
        "region": "重庆市",
        "indicator": "地区生产总值",
        "period": "2023",
        "value": "30145.79",
        "unit": "亿元",
        "note": "统计公报初步核算数",
    }
    expect(table, 4, "D", region="成都市", period="2023年末", value="2140.3", unit="万人")
    expect(table, 6, "D", indicator="R&D经费投入强度", value="2.14", unit="%", note=None)
    expect(table, 7, "D", region="成都市", value=None, note="精确数未找到")


def test_rdr011_template_xlsx_ignores_its_instructions_sheet() -> None:
    table = read("template_with_instructions.xlsx")
    assert table.layout == "template" and table.encoding is None
    assert table.title == "成渝地区双城经济圈统计数据报送表（测试夹具）"
    assert set(table.records["sheet"]) == {"数据"}
    assert "示例市" not in set(table.records["region"])
    assert list(table.records["row"]) == [3, 4, 5, 6]
    expect(table, 3, "D", region="重庆市", period="2019", value="23605.77", unit="亿元")
    expect(table, 4, "D", region="四川省", value="46615.8", note="统计公报初步核算数")
    expect(table, 6, "D", indicator="常住人口城镇化率", period="2024年", value="60.1", unit="%")
    assert table.notes == ("测试夹具，数值取自各地统计公报。",)


def test_rdr012_template_accepts_english_headers_and_plain_utf8() -> None:
    text = "region,indicator,period,value,unit,note\n重庆市,常住人口,2024,3190.47,万人,\n"
    table = read_file("upload.csv", text.encode("utf-8"))
    assert (table.layout, table.encoding) == ("template", "utf-8")
    expect(table, 2, "D", region="重庆市", indicator="常住人口", value="3190.47", unit="万人")


# ---------------------------------------------------------------- NBS portal


def test_rdr020_nbs_provinces_gbk_csv() -> None:
    table = read("nbs_provinces_gdp_gbk.csv")
    assert (table.layout, table.encoding, table.title) == ("nbs", "gbk", None)
    assert table.source == "国家统计局"  # the padding commas are gone
    assert table.notes == (
        "测试夹具,数值取自第五次经济普查修订前的导出,2023年列在该导出中为空。\n"
        "行与列已删减，2020年列有意略去。",
    )
    assert list(dict.fromkeys(table.records["period"])) == ["2023年", "2022年", "2021年", "2019年"]
    assert cell(table, 5, "E") == {
        "sheet": "",
        "row": 5,
        "column": "E",
        "region": "重庆市",
        "indicator": "地区生产总值(亿元)",
        "period": "2019年",
        "value": "23605.8",
        "unit": "亿元",
        "note": None,
    }
    expect(table, 6, "B", region="四川省", period="2023年", value=None, unit="亿元")
    expect(table, 6, "D", region="四川省", period="2021年", value="54088")
    assert len(table.records) == 8


def test_rdr021_nbs_national_database_csv_has_indicator_rows() -> None:
    table = read("nbs_national_gbk.csv")
    assert (table.layout, table.encoding, table.source) == ("nbs", "gbk", "国家统计局")
    # the national databases (年度数据) hold the nation's figures: 全国, outside the monitor
    assert (table.records["region"] == "全国").all()
    expect(
        table, 4, "C", indicator="年末总人口(万人)", period="2022年", value="141175", unit="万人"
    )
    expect(table, 4, "B", period="2023年", value=None)
    expect(
        table,
        5,
        "B",
        indicator="研究与试验发展(R&D)经费投入强度(%)",
        period="2023年",
        value="2.65",
        unit="%",
    )
    expect(table, 5, "D", period="2020年", value=None)
    assert table.notes == ("测试夹具：行列已删减，空白单元格为测试用缺失值。",)


def test_rdr022_nbs_tab_comma_variant() -> None:
    table = read("nbs_tab_comma.csv")
    assert (table.layout, table.encoding, table.source) == ("nbs", "gbk", "国家统计局")
    expect(
        table,
        5,
        "B",
        region="重庆市",
        indicator="年末常住人口(万人)",
        period="2024年",
        value="3190",
        unit="万人",
    )
    expect(table, 6, "C", region="四川省", period="2023年", value=None)
    assert not any("\t" in v for v in table.records["value"].dropna())
    assert table.notes == ("测试夹具：四川省2023年单元格有意留空。",)


def test_rdr023_nbs_xlsx_sheet1() -> None:
    table = read("nbs_national_sheet1.xlsx")
    assert (table.layout, table.source) == ("nbs", "国家统计局")
    expect(
        table, 4, "C", indicator="年末总人口(万人)", period="2022年", value="141175", unit="万人"
    )
    expect(table, 4, "B", value=None)
    expect(table, 5, "C", period="2022年", value="2.54", unit="%")
    assert set(table.records["sheet"]) == {"Sheet1"} and set(table.records["row"]) == {4, 5}


def test_rdr024_nbs_xls_biff8_with_empty_text_cells() -> None:
    table = read("nbs_cities.xls")
    assert (table.layout, table.encoding, table.source) == ("nbs", None, "国家统计局")
    assert cell(table, 5, "B") == {
        "sheet": "主要城市年度数据",
        "row": 5,
        "column": "B",
        "region": "重庆",
        "indicator": "地区生产总值(亿元)",
        "period": "2019年",
        "value": "23605.77",
        "unit": "亿元",
        "note": None,
    }
    expect(table, 5, "C", period="2018年", value=None)  # a text cell holding ''
    expect(table, 6, "B", region="成都", value=None)
    expect(table, 6, "C", region="成都", period="2018年", value="15342.77")
    assert table.notes == (
        "1.测试夹具：行列已删减，重庆2019年数值取自分省年度数据导出。\n"
        "2.2018年数据为根据第四次全国经济普查资料修订后数据。",
    )


def test_rdr025_nbs_export_without_its_header_lines() -> None:
    text = "地区,2023年,2022年\n北京市,,41540.9\n数据来源：国家统计局,,\n"
    table = read_file("分省年度数据.csv", text.encode("gbk"))
    assert (table.layout, table.source) == ("nbs", "国家统计局")
    expect(table, 2, "C", region="北京市", indicator=None, period="2022年", value="41540.9")
    expect(table, 2, "B", value=None)


# ---------------------------------------------------------------- wide tables


def test_rdr030_wide_regions_with_merged_title_and_two_row_header() -> None:
    table = read("wide_regions_merged.xlsx")
    assert table.layout == "wide_regions"
    assert table.title == "2022—2023年成渝地区主要经济指标（测试夹具）"
    assert table.source == "重庆市、四川省、成都市统计公报。"
    assert table.notes == ("四川省、成都市2022年地区生产总值精确数未找到，留空。",)
    assert len(table.records) == 12
    assert cell(table, 5, "C") == {
        "sheet": "表1",
        "row": 5,
        "column": "C",
        "region": "重庆市",
        "indicator": "地区生产总值",
        "period": "2023年",
        "value": "30145.79",
        "unit": "亿元",  # from the table's 单位 line
        "note": None,
    }
    # the merged 常住人口（万人） header spans D:E and brings its own unit
    expect(
        table,
        6,
        "E",
        region="四川省",
        indicator="常住人口（万人）",
        period="2023年",
        value="8368",
        unit="万人",
    )
    expect(table, 7, "B", region="成都市", indicator="地区生产总值", period="2022年", value=None)


def test_rdr031_wide_indicators_gbk_with_full_width_years() -> None:
    table = read("wide_indicators_gbk.csv")
    assert (table.layout, table.encoding) == ("wide_indicators", "gbk")
    assert table.title == "重庆市主要经济指标（测试夹具）"
    assert table.source == "重庆市统计公报、重庆市生态环境状况公报"
    expect(
        table,
        4,
        "C",
        region="重庆市",
        indicator="地区生产总值（亿元）",
        period="２０２３年",
        value="30145.79",
        unit="亿元",
    )
    expect(table, 5, "B", indicator="常住人口（万人）", period="２０２２年", unit="万人")
    expect(table, 6, "C", indicator="常住人口城镇化率（％）", value="71.67", unit="％")
    expect(table, 7, "C", indicator="R&D经费（亿元）", value=None)
    expect(table, 8, "B", indicator="空气质量优良天数（天）", value="332", unit="天")


def test_rdr032_csv_rows_are_the_lines_a_person_sees() -> None:
    text = '"表题\n（第二行）"\n单位：万人\n地区,2023年,2024年\n重庆市,3191,3190\n'
    table = read_file("multi-line.csv", text.encode("utf-8"))
    assert table.title == "表题\n（第二行）"
    expect(table, 5, "B", region="重庆市", period="2023年", value="3191", unit="万人")


def test_rdr036_csv_two_row_header_and_region_plus_indicator_columns() -> None:
    text = (
        "成渝主要指标\n\n,地区生产总值,,常住人口（万人）,\n"
        "地区,2022年,2023年,2022年,2023年\n重庆市,29129.03,30145.79,3213.34,3191.43\n"
    )
    table = read_file("two-rows.csv", text.encode("utf-8"))
    assert (table.layout, table.title) == ("wide_regions", "成渝主要指标")
    expect(table, 5, "C", region="重庆市", indicator="地区生产总值", period="2023年", unit=None)
    expect(table, 5, "E", indicator="常住人口（万人）", value="3191.43", unit="万人")
    text = "序号,地区,指标,2023年,备注\n1,重庆市,常住人口(万人),3191.43,年末数\n"
    table = read_file("both.csv", text.encode("utf-8"))
    expect(table, 2, "D", region="重庆市", indicator="常住人口(万人)", unit="万人", note="年末数")


def test_rdr037_report_form_paperwork_is_neither_title_nor_header() -> None:
    text = (
        "表号：A101表,,,\n重庆市常住人口（测试）,,,\n,,,报告期：2024年\n"
        "地区,2023年,2024年,\n重庆市,3191.43,3190.47,\n填表人：张三,,,\n"
    )
    table = read_file("form.csv", text.encode("gbk"))
    assert table.title == "重庆市常住人口（测试）"
    assert table.records["indicator"].isna().all()
    assert list(table.records["value"]) == ["3191.43", "3190.47"]


def test_rdr033_unit_column_and_period_kinds() -> None:
    text = (
        "指标,计量单位,2023Q2,2023年1-6月,2023年第二季度,上年=100\n"
        "地区生产总值,亿元,1.1,2.2,3.3,105.1\n"
    )
    table = read_file("q.txt", text.encode("gbk"))
    assert list(table.records["period"]) == ["2023Q2", "2023年1-6月", "2023年第二季度"]
    assert set(table.records["unit"]) == {"亿元"} and "105.1" not in set(table.records["value"])


def test_rdr034_tab_separated_text_and_xls_that_is_text() -> None:
    text = "地区\t2022年\t2023年\n重庆市\t3213\t3191\n"
    for name in ("export.txt", "export.xls"):
        table = read_file(name, text.encode("utf-16"))
        assert table.encoding == "utf-16"
        expect(table, 2, "C", region="重庆市", period="2023年", value="3191")


def test_rdr035_sheets_of_one_layout_are_read_together() -> None:
    rows = [["地区", "2023年"], ["重庆市", 30145.79]]
    content = xlsx(
        ("重庆", rows), ("目录", [["本工作簿共两张表"]]), ("四川", rows[:1] + [["四川省", 60132.9]])
    )
    table = read_file("two.xlsx", content)
    assert table.layout == "wide_regions"
    assert cell(table, 2, "B", sheet="重庆")["value"] == "30145.79"
    assert cell(table, 2, "B", sheet="四川")["region"] == "四川省"


# -------------------------------------------------------------------- yearbook


def test_rdr040_yearbook_bilingual_labels_of_which_rows_and_index_column() -> None:
    table = read("yearbook_gdp.xlsx")
    assert table.layout == "yearbook"
    assert table.title == "3-2 地区生产总值(2019-2020)"
    assert cell(table, 6, "B") == {
        "sheet": "3-2",
        "row": 6,
        "column": "B",
        "region": None,
        "indicator": "地区生产总值",
        "period": "2019",
        "value": "23605.77",
        "unit": "亿元",  # the English gloss (100 million yuan) is dropped
        "note": None,
    }
    expect(table, 8, "C", indicator="第一产业", period="2020", value="1222.2")
    expect(table, 10, "C", indicator="工业", period="2020", value="2000")
    assert set(table.records["column"]) == {"B", "C"}  # not D, the 上年=100 index
    assert 7 not in set(table.records["row"])  # 按产业分 By Industry: a heading, no data


def test_rdr041_yearbook_english_in_the_next_column() -> None:
    table = read("yearbook_population.xlsx")
    assert table.layout == "yearbook"
    assert set(table.records["column"]) == {"C", "D"}
    expect(table, 5, "C", indicator="年末常住人口", period="2019", value="3188", unit="万人")
    expect(table, 6, "D", indicator="城镇人口", value="2233.3", unit="万人")
    expect(table, 7, "D", indicator="城镇化率(%)", value="69.46", unit="%")


# ----------------------------------------------------------------- details


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (23605.770000000001, "23605.77"),
        (0.1 + 0.2, "0.3"),
        (3188.0, "3188"),
        (141175, "141175"),
        (1e-7, "0.0000001"),
        ("  ", None),
        ("", None),
        (None, None),
        (True, "TRUE"),
    ],
)
def test_rdr050_cell_values_render_without_float_noise(value: object, text: str | None) -> None:
    assert render(value) == text  # type: ignore[arg-type]


# ---------------------------------------------------------------------- errors


def _error(name: str, content: bytes) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_file(name, content)
    assert name in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("report.pdf", b"%PDF-1.7", "不支持的文件类型“.pdf”"),
        ("report", b"a,b", "不支持的文件类型"),
        ("empty.csv", b"", "文件为空"),
        ("blank.csv", b"  \r\n\r\n", "文件为空"),
        ("commas.csv", b",,,\n,,\n", "文件为空"),
        ("prose.csv", "你好,世界\n没有,表头\n".encode(), "没有找到可识别的表头"),
        ("years-down.csv", "年份,重庆市\n2023年,30145.79\n".encode(), "没有找到可识别的表头"),
        ("binary.csv", b"\x80\x81\xfe\xff" * 10, "无法识别文件编码"),
        ("nul.csv", b"a,b\x00c", "无法识别文件编码"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "无法打开工作簿"),
        ("text.xlsx", "地区,2023年\n重庆市,1\n".encode(), "无法打开工作簿"),
        ("page.xls", b"<html><body><table><tr><td>1</td></tr></table>", "网页（HTML）格式"),
        ("header-only.csv", "地区,2023年,2024年\n数据来源：国家统计局\n".encode(), "没有数据行"),
    ],
)
def test_rdr060_unreadable_files_are_refused_in_chinese(
    name: str, content: bytes, phrase: str
) -> None:
    assert phrase in str(_error(name, content))


@pytest.mark.parametrize("name", ["encrypted.xlsx", "password.xls"])
def test_rdr061_encrypted_workbooks_are_refused(name: str) -> None:
    error = _error(name, (FIXTURES / name).read_bytes())
    assert "已加密" in str(error)


def test_rdr062_template_header_missing_a_column_names_it_and_the_row() -> None:
    content = "说明行\n地区,指标,期间,值\n重庆市,常住人口,2024,3190.47\n".encode()
    error = _error("t.csv", content)
    assert "缺少列：数值" in str(error) and error.row == 2 and "第2行" in str(error)


def test_rdr063_a_second_table_in_one_sheet_is_refused_with_its_row() -> None:
    content = "地区,2023年\n重庆市,1\n\n地区,2024年\n重庆市,2\n".encode()
    error = _error("two-tables.csv", content)
    assert error.row == 4 and "第二个表头" in str(error)


def test_rdr064_workbook_errors_name_the_sheet() -> None:
    no_header = xlsx(("数据", [["只是一些文字"], ["没有年份"]]))
    error = _error("no-header.xlsx", no_header)
    assert error.sheet == "数据" and "工作表“数据”" in str(error)
    only_guide = xlsx(("填报说明", [["地区", "指标", "期间", "数值"]]))
    assert "没有数据" in str(_error("guide.xlsx", only_guide))
    mixed = xlsx(
        ("模板", [["地区", "指标", "期间", "数值"], ["重庆市", "常住人口", 2024, 3190.47]]),
        ("宽表", [["地区", "2024年"], ["重庆市", 3190.47]]),
    )
    assert "版式不同" in str(_error("mixed.xlsx", mixed))
