"""Files that used to kill or stall a web worker are refused quickly, in Chinese, and
the caller lives: size and declared shape before parsing, then a child process
with memory and time limits (loaders/readers/sandbox.py)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from loaders.readers import ReadError, read_file
from loaders.readers.sandbox import (
    LimitError,
    Limits,
    check_shape,
    declared_size,
    read_untrusted,
    text_shape,
    warm_up,
)
from tests.attack_files import (
    HEADER,
    cell_text,
    declared_rows,
    one_char_lines,
    raw_xlsx,
    undeclared_rows,
    xfd_bomb,
)

FIXTURES = Path(__file__).parent / "fixtures"


def refused(filename: str, content: bytes, limits: Limits | None = None) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(LimitError) as caught:
        read_untrusted(filename, content, limits)
    return str(caught.value), time.monotonic() - started


def test_sbx001_a_sheet_claiming_a_cell_at_xfd1048576_is_refused_at_once() -> None:
    content = xfd_bomb()
    assert 1200 < len(content) < 2000
    message, seconds = refused("攻击.xlsx", content)
    assert message == (
        "攻击.xlsx（工作表“数据”）：工作表声明了 1,048,576 行 × 16,384 列，超过上限 1,000,000 行"
    )
    assert seconds < 5
    for _ in range(5):  # again and again: the caller is still here
        assert refused("攻击.xlsx", content)[0] == message


def test_sbx002_without_its_dimension_the_same_file_dies_in_the_child_not_here() -> None:
    """No declared size to check: calamine asks for 512 GiB and aborts — in the child,
    under its address-space limit; the caller hears why, in Chinese."""
    message, seconds = refused("攻击.xlsx", xfd_bomb(dimension=None))
    assert "文件解析超出内存上限（内存 1,536 MB，时间 60 秒）" in message and message.startswith(
        "攻击.xlsx："
    )
    assert seconds < 10
    table = read_untrusted("ok.csv", (HEADER + "成都市,地区生产总值,2024年,1,亿元,\n").encode())
    assert len(table.records) == 1


def test_sbx003_eight_million_declared_rows_are_refused_before_parsing() -> None:
    content = declared_rows(8_000_000)
    message, seconds = refused("八百万行.xlsx", content)
    assert "工作表声明了 8,000,000 行 × 6 列，超过上限 1,000,000 行" in message
    assert seconds < 5
    # without the dimension: the rows are counted while the XML streams through
    content = undeclared_rows(8_000_000)
    assert len(content) < 600_000
    message, seconds = refused("八百万行.xlsx", content)
    assert message == "八百万行.xlsx（工作表“数据”）：工作表有 8,000,000 行，超过上限 1,000,000 行"
    assert seconds < 15
    # the cells limit: within rows and columns, too many together
    wide = raw_xlsx(f'<row r="1">{cell_text("A1", "地区")}</row>', "A1:ALL10000")
    message, _ = refused("宽.xlsx", wide)
    assert (
        "工作表声明了 10,000 行 × 1,000 列（10,000,000 个单元格），超过上限 5,000,000 个单元格"
        in message
    )


def test_sbx004_an_xlsx_that_inflates_past_the_limit_is_refused_from_its_directory() -> None:
    rows = "".join(f'<row r="{r}">{cell_text(f"A{r}", "0" * 50)}</row>' for r in range(1, 20_001))
    content = raw_xlsx(rows)  # ~2.3 MB of XML, a few KB zipped, no dimension
    limits = Limits(max_uncompressed_bytes=1024 * 1024)
    message, _ = refused("膨胀.xlsx", content, limits)
    assert "工作簿解压后共 2.3 MB，超过上限 1.0 MB" in message
    with pytest.raises(ReadError) as caught:  # under the default limit it is read (no header)
        read_untrusted("膨胀.xlsx", content)
    assert not isinstance(caught.value, LimitError)


def test_sbx005_ten_million_one_character_lines_are_refused_by_the_row_limit_fast() -> None:
    content = one_char_lines()
    assert len(content) == 20_000_000
    message, seconds = refused("一千万行.csv", content)
    assert message == "一千万行.csv：文件有 10,000,000 行 × 1 列，超过上限 1,000,000 行"
    assert seconds < 10


def test_sbx006_text_is_measured_by_lines_and_the_widest_line() -> None:
    limits = Limits(max_rows=3, max_columns=4, max_cells=10)
    check_shape("ok.csv", b"a,b,c\n1,2,3\n", limits)  # 2 x 3
    with pytest.raises(LimitError, match="文件有 4 行 × 3 列，超过上限 3 行"):
        check_shape("rows.csv", b"a,b,c\n1,2,3\n4,5,6\n7,8,9", limits)  # no final newline
    with pytest.raises(LimitError, match="文件有 4 行 × 3 列，超过上限 3 行"):
        check_shape("cr.csv", b"a\rb\rc\rd,e,f\r", limits)  # old Mac line ends count too
    with pytest.raises(LimitError, match="文件有 2 行 × 5 列，超过上限 4 列"):
        check_shape("wide.csv", b"a,b\n1,2,3,4,5\n", limits)
    with pytest.raises(LimitError, match="文件有 3 行 × 4 列（12 个单元格），超过上限 10 个单元格"):
        check_shape("cells.txt", b"a\tb\tc\td\n1\n2\n", limits)
    utf16 = "\ufeff地区\t2024年\n上海\t1\n上上\t2\n上\t3\n".encode("utf-16-le")
    with pytest.raises(LimitError, match="文件有 4 行 × 2 列，超过上限 3 行"):
        check_shape("unicode.txt", utf16, limits)  # 上 is 0x4E0A: its 0x0A byte is no line end
    assert text_shape(np.frombuffer(b"a,b\r\nc,d\r\n", dtype=np.uint8)) == (2, 2)
    assert text_shape(np.frombuffer(b"", dtype=np.uint8)) == (0, 0)


def test_sbx007_declared_references_read_as_rows_and_columns_from_a1() -> None:
    assert declared_size("A1:XFD1048576") == (1_048_576, 16_384)
    assert declared_size("B2:D10") == (10, 4)
    assert declared_size("C7") == (7, 3)
    assert declared_size("$A$1:$F$20") == (20, 6)
    assert declared_size("A:C") == (1_048_576, 3)
    assert declared_size("nonsense!") is None


def test_sbx008_real_files_read_the_same_in_the_child() -> None:
    for name in ("template_utf8_bom.csv", "nbs_cities.xls", "template_with_instructions.xlsx"):
        content = (FIXTURES / name).read_bytes()
        direct, confined = read_file(name, content), read_untrusted(name, content)
        assert confined.records.equals(direct.records), name
        assert (confined.layout, confined.encoding, confined.notes) == (
            direct.layout,
            direct.encoding,
            direct.notes,
        )


def test_sbx009_a_parse_past_the_time_limit_is_stopped() -> None:
    rows = ["地区," + ",".join(f"{y}年" for y in range(2000, 2020))]
    rows += [f"成都{i}," + ",".join(str(i + j) for j in range(20)) for i in range(40_000)]
    content = ("\n".join(rows) + "\n").encode()  # a wide table: cell by cell, seconds
    message, seconds = refused("慢.csv", content, Limits(timeout_seconds=1))
    assert "文件解析超出时间上限（内存 1,536 MB，时间 1 秒）" in message
    assert seconds < 5


def test_sbx010_ordinary_refusals_stay_read_errors_and_name_the_file() -> None:
    with pytest.raises(ReadError) as caught:
        read_untrusted("data.pdf", b"%PDF-1.4")
    assert not isinstance(caught.value, LimitError)
    assert str(caught.value).startswith("data.pdf：不支持的文件类型")
    message, _ = refused("big.csv", b"x" * 2048, Limits(max_upload_bytes=1024))
    assert message == "big.csv：文件大小 2,048 字节，超过上限 1,024 字节：请拆分成较小的文件后上传"


def test_warm_up_starts_the_reader_before_the_first_file() -> None:
    """A web worker starts the forkserver when it starts (dashboard/wsgi.py): the call
    returns once a child has answered, and reading then works as ever."""
    warm_up()
    table = read_untrusted("t.csv", "地区,指标,期间,数值,单位\n重庆市,gdp,2025,1,亿元\n".encode())
    assert len(table.records) == 1
