"""Fuzzing the way in: readers, normaliser, validation and the project register.

Whatever bytes or cells arrive, the answer is a table, a value or a report — or a
refusal in Chinese that the uploader can act on. No other exception, no empty
message, no problem that cannot be found in the file. Each property is bounded
(``max_examples``) so that the whole module runs in well under a minute.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import Session, sessionmaker

from config.settings import PROJECT_ROOT
from db.session import make_engine, make_session_factory
from indicators.normalise import NormaliseError, fold, parse_number, parse_period, unit_from_label
from indicators.regions import load_region_directory
from loaders.project_register import STATUSES, read_register
from loaders.readers import COLUMNS, RawTable, ReadError, read_file
from loaders.readers.sandbox import read_untrusted
from loaders.readers.workbook import CFB_MAGIC, ZIP_MAGIC, looks_like_workbook
from loaders.validate import ERROR, WARNING
from tests.helpers import REGISTER_HEADER as PROJECT_HEADER
from tests.helpers import REGISTER_PLANS as PLANS
from workflows.intake import check

FIXTURES = Path(__file__).parent / "fixtures"
# the built fixtures and the real published files (fixtures/real/, issue 15)
SEEDS = {
    str(p.relative_to(FIXTURES)): p.read_bytes()
    for p in sorted(FIXTURES.rglob("*"))
    if p.is_file() and p.suffix != ".md"
}
CJK = re.compile(r"[\u3400-\u9fff]")
SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def fuzz(max_examples: int) -> settings:
    """Bounded runs, no deadline (the first read of a workbook is slow), no example
    database written into the tree. ``FUZZ_SCALE=20`` runs twenty times as many
    examples, for a longer campaign by hand."""
    return settings(
        max_examples=max_examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )


# two English words in a row (``field larger``, ``wide_regions``) outside the quoted value
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ _][A-Za-z]{2,})+")
QUOTED = re.compile(r"“[^”]*”")


def chinese(message: object, echoes: str = "") -> None:
    """A refusal must say something, and say it in Chinese: no English phrase outside
    the “quoted” value it echoes (or ``echoes``, the file name it starts with)."""
    assert isinstance(message, str) and message.strip(), f"empty message: {message!r}"
    assert CJK.search(message), f"message without Chinese: {message!r}"
    own = QUOTED.sub("", message.removeprefix(echoes))
    assert not ENGLISH.search(own), f"English in the message: {message!r}"


# ------------------------------------------------------------------ strategies ---

HEADER = ["地区", "指标", "期间", "数值", "单位", "备注"]
REGIONS = [
    "成都市",
    "重庆市",
    "成都",
    "四川省",
    "万州区",
    "成渝地区双城经济圈",
    "北京市",
    "Chengdu",
]
INDICATORS = [
    "地区生产总值",
    "常住人口",
    "常住人口城镇化率",
    "地区生产总值(亿元)",
    "地区生产总值增速",
    "中欧班列（成渝）开行量",
    "新生儿死亡率",
    "gdp",
    "GDP",
]
PERIODS = [
    "2023年",
    "2023",
    "2023Q2",
    "2023年6月",
    "2023年1-6月",
    "2023-06",
    "1900年",
    "2023年13月",
]
UNITS = ["亿元", "万元", "万人", "%", "‰", "元", "列", "万亿元", "公里", "个百分点", "斤"]
NUMBERS = [
    "29129.03",
    "-5",
    "0",
    "66.2%",
    "５．６７万亿",
    "1,234.5",
    "123.4①",
    "—",
    "…",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "-1e999",
    "1e308",
    "9" * 400,
    "-" + "9" * 400,
    "0x10",
    "1_000",
    "１２３",
]
LONG = "长" * 5000
# no NUL: a NUL byte marks a binary file, which is refused before any cell is read
CONTROL = "".join(chr(c) for c in range(1, 32) if chr(c) not in '\r\n,\t"') + "\x7f\u2028\u2029"


def junk(max_size: int = 30) -> st.SearchStrategy[str]:
    return st.text(max_size=max_size)


def cells(valid: list[str]) -> st.SearchStrategy[str]:
    """A cell: mostly a plausible value, sometimes junk, blank, huge or control characters."""
    return st.one_of(
        st.sampled_from(valid),
        st.sampled_from(
            ["", " ", "\u3000", LONG, CONTROL, "'", '"', "注：", "数据来源：国家统计局"]
        ),
        junk(),
    )


NUMBER_CELL = st.one_of(
    st.sampled_from(NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    junk(12),
    st.just(""),
)
ROW = st.tuples(
    cells(REGIONS), cells(INDICATORS), cells(PERIODS), NUMBER_CELL, cells(UNITS), junk(10)
).map(list)
ENCODING = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"])
DELIMITER = st.sampled_from([",", "\t", ";", "\t,"])


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def csv_text(draw: st.DrawFn, rows: st.SearchStrategy[list[str]] = ROW) -> str:
    """A template-like CSV: maybe a title above, a (perhaps mangled) header, rows, a footer."""
    delimiter = draw(DELIMITER)
    header = list(HEADER)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        del header[draw(st.integers(0, len(header) - 1))]
    if draw(st.integers(0, 4)) == 0:  # a wide table instead: periods across
        header = ["地区", "2022年", "2023年", "2023年(亿元)"]
    data = draw(st.lists(rows, max_size=12))
    buffer = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    if delimiter == "\t," or quoting == csv.QUOTE_NONE:  # written by hand, as some systems do
        lines = [delimiter.join(r) for r in [header, *data]]
        buffer.write("\n".join(lines))
    else:
        writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
        writer.writerows([header, *data])
    text = buffer.getvalue()
    if draw(st.booleans()):
        text = (
            draw(st.sampled_from(["表1 地区生产总值\n", "单位：亿元\n", "数据库：年度数据\n"]))
            + text
        )
    if draw(st.booleans()):
        text += draw(st.sampled_from(["\n注：初步核算数\n", "\n数据来源：国家统计局\n", "\n\n\n"]))
    return text


def xlsx(rows: list[list[Any]], sheet: str = "Sheet1", *more: list[list[Any]]) -> bytes:
    """A workbook of one sheet of ``rows`` (and one more sheet per ``more``)."""
    book = openpyxl.Workbook()
    book.active.title = sheet
    for index, sheet_rows in enumerate((rows, *more)):
        ws = book.active if index == 0 else book.create_sheet(f"表{index + 1}")
        for row in sheet_rows:
            ws.append(
                [ILLEGAL_CHARACTERS_RE.sub("", v)[:32000] if isinstance(v, str) else v for v in row]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real fixture (workbook or CSV) with bytes flipped, cut short or padded."""
    content = bytearray(draw(st.sampled_from(sorted(SEEDS.values()))))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(content) - 1))
        content[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        content = content[: draw(st.integers(0, len(content)))]
    return bytes(content) + draw(st.binary(max_size=16))


ANY_BYTES = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=600).map(lambda b: CFB_MAGIC + b),
    st.binary(max_size=600).map(lambda b: ZIP_MAGIC + b),
    st.binary(max_size=200).map(lambda b: b"\xff\xfe" + b),
    st.binary(max_size=200).map(lambda b: b"\xef\xbb\xbf" + b),
    mutated(),
)
FILENAMES = st.sampled_from(
    ["data.csv", "data.xlsx", "data.xls", "data.txt", "data.pdf", "data", "DATA.CSV", "a\\b.xls"]
)


# ------------------------------------------------------------------ the readers ---


def read_or_refuse(filename: str, content: bytes) -> RawTable | None:
    """A workbook is read as the intake reads an upload, in the confined child
    (``read_untrusted``): calamine's native code once aborted on random bytes here,
    which in-process took the whole test run down with it."""
    read = read_untrusted if looks_like_workbook(content) else read_file
    try:
        table = read(filename, content)
    except ReadError as error:
        chinese(str(error), error.filename)
        chinese(error.problem)
        return None
    assert isinstance(table, RawTable)
    assert list(table.records.columns) == list(COLUMNS)
    assert table.records["row"].dtype == "int64"
    return table


@fuzz(250)
@given(filename=FILENAMES, content=ANY_BYTES)
@example(filename="data.csv", content=b"")
@example(filename="data.csv", content=b"\x00\x00\x00")
@example(filename="data.csv", content='地区,指标,期间,数值\n"未闭合'.encode())
@example(filename="data.xls", content=b"<html><table></table></html>")
@example(filename="data.xlsx", content=ZIP_MAGIC)
@example(filename="data.xls", content=CFB_MAGIC)
@example(filename="data.xls", content=SEEDS["nbs_cities.xls"][:4700])  # calamine panicked
def test_fuz001_read_file_reads_or_refuses_any_bytes(filename: str, content: bytes) -> None:
    read_or_refuse(filename, content)


@fuzz(300)
@given(
    extension=st.sampled_from([".csv", ".txt", ".xls", ".xlsx"]),
    text=csv_text(),
    encoding=ENCODING,
)
def test_fuz002_near_valid_csv_reads_or_refuses(extension: str, text: str, encoding: str) -> None:
    read_or_refuse("upload" + extension, encode(text, encoding))


SHEET = st.lists(
    st.lists(
        st.one_of(
            cells(REGIONS + INDICATORS + PERIODS + UNITS + HEADER),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(min_value=-(2**62), max_value=2**62),
            st.booleans(),
            st.datetimes(),
            st.none(),
        ),
        max_size=7,
    ),
    max_size=8,
)
HEADERS = st.sampled_from([[], [HEADER], [["地区", "2022年", "2023年"]], [["指标", "2023年"]]])


@fuzz(60)
@given(sheets=st.lists(st.tuples(HEADERS, SHEET), min_size=1, max_size=3))
@example(
    sheets=[
        ([HEADER], [["成都市", "地区生产总值", "2023年", 1, "亿元"]]),
        ([["地区", "2022年", "2023年"]], [["成都市", 1, 2]]),
    ]
)
def test_fuz003_generated_workbooks_read_or_refuse(
    sheets: list[tuple[list[list[str]], list[list[Any]]]],
) -> None:
    first, *more = [header + rows for header, rows in sheets]
    read_or_refuse("upload.xlsx", xlsx(first, "Sheet1", *more))


def test_fuz012_an_unclosed_quote_is_refused_in_chinese() -> None:
    """Found by fuzzing: the csv module's own English complaint reached the uploader."""
    content = ('地区,指标,期间,数值\n成都,"' + "x" * 140_000 + ",2023,1\n").encode()
    with pytest.raises(ReadError) as caught:
        read_file("data.csv", content)
    assert "field" not in str(caught.value) and "引号" in caught.value.problem
    chinese(caught.value.problem)


# ------------------------------------------------------------------ the normaliser ---

RAW = st.one_of(
    junk(40),
    st.sampled_from(NUMBERS + PERIODS + ["", " ", "\u3000", LONG]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.none(),
)


@fuzz(400)
@given(raw=RAW)
@example(raw="1e999")
@example(raw="9" * 400)
@example(raw=float("inf"))
@example(raw=float("nan"))
@example(raw=10**400)
def test_fuz004_parse_number_gives_a_finite_number_or_a_chinese_refusal(raw: Any) -> None:
    try:
        number = parse_number(raw)
    except NormaliseError as error:
        chinese(str(error))
        return
    assert number.value is None or math.isfinite(number.value), number
    assert number.prefix in ("", "万亿", "亿", "万", "千") and number.sign in ("", "%", "‰")


@fuzz(400)
@given(raw=RAW)
@example(raw="2023年1-0月")
@example(raw=2023.0)
@example(raw=float("nan"))
def test_fuz005_parse_period_gives_a_canonical_period_or_a_chinese_refusal(raw: Any) -> None:
    try:
        period = parse_period(raw)
    except NormaliseError as error:
        chinese(str(error))
        return
    assert re.fullmatch(r"\d{4}(Q[1-4]|-(0[1-9]|1[0-2])|-01/(0[1-9]|1[0-2]))?", period), period
    assert 1949 <= int(period[:4]) <= 2100


@fuzz(300)
@given(label=st.one_of(junk(40), st.none(), st.sampled_from(INDICATORS + ["单位：万人", "（）"])))
def test_fuz006_unit_from_label_never_raises(label: str | None) -> None:
    name, unit = unit_from_label(label)
    assert name is None or isinstance(name, str)
    assert unit is None or (isinstance(unit, str) and unit)
    if label is not None:
        assert isinstance(fold(label), str)


# ------------------------------------------------------------------ validation ---


@pytest.fixture(scope="module")
def ready(seeds, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    """One SQLite database with the regions and the catalogue, shared by the module."""
    with seeds.copy("sqlite", "ready", tmp_path_factory.mktemp("fuzz-db")) as url:
        engine = make_engine(url)
        yield make_session_factory(engine)
        engine.dispose()


def assert_report(result: Any, report: dict[str, Any]) -> None:
    """A report that can be sent as JSON, whose every problem can be acted on."""
    json.dumps(report, allow_nan=False, ensure_ascii=False)
    # a line may stand for several cells (one line per reason, issue 15): counts are cells
    problems = report["problems"]
    assert report["errors"] == sum(p.get("count", 1) for p in problems if p["level"] == ERROR)
    assert report["ok"] == (report["errors"] == 0)
    for problem in problems:
        assert problem["level"] in (ERROR, WARNING)
        chinese(problem["message"], problem["file"])
        if report.get("empty") and problem["message"] == report["empty_reason"]:
            continue  # 无可导入数据 concerns the whole file, not a row
        if problem["level"] == WARNING and "行未填数值（空白）" in problem["message"]:
            continue  # the count of blank rows (validate.blank_warning) is the file's too
        if result is not None:  # read, then checked: each problem names its row
            assert isinstance(problem["row"], int) and problem["row"] >= 1, problem
    if result is not None:
        values = result.rows["value"].tolist()
        assert all(math.isfinite(v) for v in values), values
        assert len(result.rows) == report["rows"]


@fuzz(200)
@given(text=csv_text(), encoding=ENCODING, allowed=st.sampled_from([None, {"500000"}]))
@example(
    text="地区,指标,期间,数值,单位\n重庆市,地区生产总值,2023年,inf,亿元\n",
    encoding="utf-8",
    allowed=None,
)
@example(
    text="地区,指标,期间,数值,单位\n重庆市,地区生产总值,2023年,1e999,亿元\n",
    encoding="utf-8",
    allowed=None,
)
@example(
    text="地区,指标,期间,数值,单位\n重庆市,地区生产总值,2023年," + "9" * 400 + ",亿元\n",
    encoding="utf-8",
    allowed=None,
)
@example(
    text="地区,指标,期间,数值,单位\n重庆市,地区生产总值,2023年,1e308,万亿元\n",
    encoding="utf-8",
    allowed=None,
)
def test_fuz007_check_reports_on_any_csv(
    ready: sessionmaker[Session], text: str, encoding: str, allowed: set[str] | None
) -> None:
    result, report = check(ready, "upload.csv", encode(text, encoding), allowed_regions=allowed)
    assert_report(result, report)


@fuzz(25)
@given(
    rows=st.lists(
        st.tuples(
            cells(REGIONS),
            cells(INDICATORS),
            st.one_of(cells(PERIODS), st.integers(1800, 2200)),
            st.one_of(
                NUMBER_CELL,
                st.floats(allow_nan=True, allow_infinity=True),
                st.integers(min_value=-(2**62), max_value=2**62),
                st.booleans(),
                st.none(),
            ),
            st.one_of(cells(UNITS), st.none()),
        ).map(list),
        max_size=8,
    )
)
def test_fuz008_check_reports_on_any_workbook(
    ready: sessionmaker[Session], rows: list[list[Any]]
) -> None:
    result, report = check(ready, "upload.xlsx", xlsx([HEADER[:5], *rows]))
    assert_report(result, report)


@fuzz(100)
@given(filename=FILENAMES, content=ANY_BYTES)
def test_fuz009_check_reports_on_any_bytes(
    ready: sessionmaker[Session], filename: str, content: bytes
) -> None:
    result, report = check(ready, filename, content)
    assert_report(result, report)
    if result is None:  # refused before any row was read
        assert not report["ok"] and len(report["problems"]) == 1


# ------------------------------------------------------------------ the project register ---

DIRECTORY = load_region_directory(PROJECT_ROOT / "config" / "regions.yaml")
# the register test's header, one year's plan in 万元 (converted on reading)
REGISTER_HEADER = [
    c.replace("2026年计划投资（亿元）", "2026年计划投资（万元）") for c in PROJECT_HEADER
]
REGISTER_ROW = st.tuples(
    cells(["CY-001", "CY-002", "ＣＹ００３", "x" * 41]),
    cells(["成渝中线高铁", "天府实验室"]),
    cells(["现代基础设施网络", "科技创新中心", "现代产业", "合计"]),
    cells(["outline", "shipping_centre", "nowhere"]),
    cells(["重庆市", "成都市、重庆市万州区", "四川省泸州市", "内江市市中区", "火星", "、、"]),
    junk(10),
    cells(["2021", "2025年", "２０２６", "1989", "-5", "2101", "9" * 30]),
    cells(["2027", "2020", "二〇二七"]),
    NUMBER_CELL,
    cells(list(STATUSES) + ["已完成"]),
    NUMBER_CELL,
    NUMBER_CELL,
    junk(20),
    junk(10),
).map(list)


def assert_register(rows: list[Any], problems: list[Any]) -> None:
    for problem in problems:
        assert problem.level in (ERROR, WARNING)
        chinese(problem.message)
    if any(p.level == ERROR for p in problems):
        assert rows == []
    for row in rows:
        assert math.isfinite(row.total_investment) and row.total_investment >= 0, row
        assert all(math.isfinite(v) and v >= 0 for v in row.annual_plans.values()), row
        assert row.start_year <= row.end_year and row.region_codes


@fuzz(120)
@given(
    filename=st.sampled_from(["register.csv", "register.xlsx", "register.xls", "register"]),
    content=ANY_BYTES,
)
def test_fuz010_read_register_reads_or_refuses_any_bytes(filename: str, content: bytes) -> None:
    rows, problems = read_register(filename, content, DIRECTORY, PLANS)
    assert_register(rows, problems)


@fuzz(120)
@given(
    header=st.one_of(st.just(REGISTER_HEADER), st.permutations(REGISTER_HEADER)),
    rows=st.lists(REGISTER_ROW, max_size=6),
    encoding=ENCODING,
    as_workbook=st.booleans(),
)
@example(
    header=REGISTER_HEADER,
    rows=[
        [
            "CY-001",
            "成渝中线高铁",
            "现代基础设施网络",
            "",
            "重庆市",
            "",
            "2021",
            "2027",
            "9" * 400,
            "续建",
            "",
            "",
            "",
            "",
        ]
    ],
    encoding="utf-8",
    as_workbook=False,
)
def test_fuz011_read_register_on_near_valid_registers(
    header: list[str], rows: list[list[str]], encoding: str, as_workbook: bool
) -> None:
    if as_workbook:
        filename, content = "register.xlsx", xlsx([header, *rows], "重大项目")
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *rows])
        filename, content = "register.csv", encode(buffer.getvalue(), encoding)
    result, problems = read_register(filename, content, DIRECTORY, PLANS)
    assert_register(result, problems)


def test_fuz013_infinite_and_overflowing_values_are_refused(
    ready: sessionmaker[Session],
) -> None:
    """Found by fuzzing: inf, 1e999 and 400 nines were imported as infinity, and
    1e308 万亿元 overflowed to infinity on conversion to 亿元."""
    rows = ["inf", "1e999", "9" * 400, "1e308,万亿元"]
    text = "地区,指标,期间,数值,单位\n" + "".join(
        f"重庆市,地区生产总值,{2020 + i}年,{v if ',' in v else v + ',亿元'}\n"
        for i, v in enumerate(rows)
    )
    result, report = check(ready, "big.csv", text.encode())
    assert result is not None and report["rows"] == 0 and report["errors"] == 4
    messages = [p["message"] for p in report["problems"]]
    assert messages[:2] == ["“inf”不是数值", "“1e999”不是数值"]
    assert "超出可表示的数值范围" in messages[2]
    assert messages[3] == "数值换算为“亿元”后超出可表示的范围"
