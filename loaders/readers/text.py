"""CSV and text files to a Grid: encoding detection and the comma / tab+comma split.

The NBS portal exports GBK without a BOM; hand-resaved files are UTF-8 with or
without a BOM; Excel's "Unicode text" is UTF-16 with a BOM. The order of the tries
matters: GBK accepts most byte strings, so it comes last.
"""

from __future__ import annotations

import csv
import io

from loaders.readers.labels import clean
from loaders.readers.model import Grid, ReadError

_ENCODINGS = ("utf-8-sig", "utf-8", "gbk")


def decode(filename: str, content: bytes) -> tuple[str, str]:
    """The text and the encoding that read it: utf-16 (BOM), utf-8-sig, utf-8 or gbk."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in content:
        for encoding in _ENCODINGS:
            if encoding == "utf-8-sig" and not content.startswith(b"\xef\xbb\xbf"):
                continue
            try:
                return content.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    raise ReadError(
        filename, "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV 文件（不能是二进制文件）"
    )


def _delimiter(text: str) -> str:
    """Comma, unless more lines are split by tabs than by commas (tab-separated text)."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if any("\t," in line or ",\t" in line for line in lines):
        return ","  # the NBS tab+comma variant: commas split, tabs are padding
    commas = sum("," in line for line in lines)
    tabs = sum("\t" in line for line in lines)
    return "\t" if tabs > commas else ","


def _cell(text: str) -> str | None:
    """A field as written, or None when blank; the NBS tab+comma variant's \\t is dropped."""
    if clean(text) is None:
        return None
    return text.strip("\t\r\n")


def _csv_problem(error: csv.Error) -> str:
    """The csv module's (English) complaint, said in Chinese."""
    if "field larger than field limit" in str(error):
        return (
            f"CSV 格式错误：单元格内容超过 {csv.field_size_limit()} 个字符"
            "（常见原因是引号未配对）：请检查该行的引号"
        )
    return "CSV 格式错误：引号或分隔符不配对，请用 Excel 打开检查后另存为 CSV 文件"


def read_text(filename: str, content: bytes) -> tuple[Grid, str]:
    """The file as a Grid whose row numbers are the lines where records start."""
    text, encoding = decode(filename, content)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    cells: list[list[str | None]] = []
    numbers: list[int] = []
    last_line = 0
    try:
        for fields in reader:
            numbers.append(last_line + 1)
            last_line = reader.line_num
            cells.append([_cell(f) for f in fields])
    except csv.Error as error:
        raise ReadError(filename, _csv_problem(error), row=last_line + 1) from error
    return Grid("", cells, numbers, joiner=delimiter), encoding
