"""Build the reader fixtures in tests/loaders/fixtures/ byte for byte reproducibly.

    .venv/bin/python -m tests.loaders.make_fixtures        # rewrite the files
    .venv/bin/python -m tests.loaders.make_fixtures --check  # fail if any differs

The text fixtures are written here as Python strings so that their encoding (GBK,
UTF-8 with BOM), line endings (LF / CRLF), tabs and full-width spaces are visible
in review; the workbooks are built with openpyxl (pinned) and stored uncompressed
with fixed timestamps, and the one .xls is written by the small BIFF8 writer below,
since no maintained Python library writes .xls any more.

Figures come from shared/PUBLISHED-FIGURES.md (GDP, population, R&D, air quality);
everything else is marked 测试夹具 / 合成 in the file itself. The formats follow
sections 11 and 12 of that file (NBS portal exports, provincial yearbooks).
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

FIXTURES = Path(__file__).parent / "fixtures"
_FIXED_TIME = datetime(2024, 1, 1)

# --------------------------------------------------------------------------- text


def template_csv() -> bytes:
    """The project's long template as Excel saves "CSV UTF-8": BOM and CRLF."""
    text = (
        "地区,指标,期间,数值,单位,备注\r\n"
        "重庆市,地区生产总值,2023,30145.79,亿元,统计公报初步核算数\r\n"
        "四川省,地区生产总值,2023年,60132.9,亿元,\r\n"
        "成都市,常住人口,2023年末,2140.3,万人,\r\n"
        "重庆市,空气质量优良天数,2022,332,天,\r\n"
        "四川省,R&D经费投入强度,2022,2.14,%,\r\n"
        "成都市,地区生产总值,2022,,亿元,精确数未找到\r\n"
        "\r\n"
        "注：测试夹具，数值取自各地统计公报。\r\n"
    )
    return text.encode("utf-8-sig")


def nbs_provinces_csv() -> bytes:
    """分省年度数据 export: GBK, CRLF, a blank 2023 column, 2020 skipped, quoted 注."""
    lines = [
        "数据库：分省年度数据",
        "指标：地区生产总值(亿元)",
        "时间：最近5年",
        "地区,2023年,2022年,2021年,2019年",
        "重庆市,,28576.1,28077.3,23605.8",
        "四川省,,56610.2,54088,46363.8",
        '"注：测试夹具,数值取自第五次经济普查修订前的导出,2023年列在该导出中为空。"',
        "\u3000\u3000行与列已删减，2020年列有意略去。",
        "数据来源：国家统计局,,,,",
    ]
    return "\r\n".join(lines).encode("gbk") + b"\r\n"


def nbs_national_csv() -> bytes:
    """年度数据 (national database) export: indicators as rows, no 指标： line, GBK, LF."""
    lines = [
        "数据库：年度数据",
        "时间：最近5年",
        "指标,2023年,2022年,2020年",
        "年末总人口(万人),,141175,",
        "研究与试验发展(R&D)经费投入强度(%),2.65,2.54,",
        "注：测试夹具：行列已删减，空白单元格为测试用缺失值。",
        "数据来源：国家统计局",
    ]
    return "\n".join(lines).encode("gbk") + b"\n"


def nbs_tab_comma_csv() -> bytes:
    """The tab+comma variant: every field ends in a tab; missing is \\t,\\t; 时间： blank."""
    lines = [
        "数据库：分省年度数据\t",
        "指标：年末常住人口(万人)\t",
        "时间：\t",
        "地区\t,2024年\t,2023年\t,2022年\t",
        "重庆市\t,3190\t,3191\t,3213\t",
        "四川省\t,8364\t,\t,8374\t",
        "注：测试夹具：四川省2023年单元格有意留空。\t",
        "数据来源：国家统计局\t",
    ]
    return "\n".join(lines).encode("gbk") + b"\n"


def wide_indicators_csv() -> bytes:
    """A statistics office's wide table in GBK: full-width years, units in the row headers."""
    lines = [
        "重庆市主要经济指标（测试夹具）,,",
        "地区：重庆市,,",
        "指标名称,２０２２年,２０２３年",
        "地区生产总值（亿元）,29129.03,30145.79",
        "常住人口（万人）,3213.34,3191.43",
        "常住人口城镇化率（％）,70.96,71.67",
        "R&D经费（亿元）,686.6,",
        "空气质量优良天数（天）,332,325",
        "数据来源：重庆市统计公报、重庆市生态环境状况公报,,",
    ]
    return "\r\n".join(lines).encode("gbk") + b"\r\n"


# ---------------------------------------------------------------------- workbooks


def _save(workbook: Workbook) -> bytes:
    """openpyxl's file, repacked stored (no deflate) with fixed times, so bytes repeat."""
    workbook.properties.created = _FIXED_TIME
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                    rb"\g<1>2024-01-01T00:00:00Z",
                    body,
                )
            member = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            member.external_attr = 0o644 << 16
            dst.writestr(member, body)
    return out.getvalue()


def template_xlsx() -> bytes:
    """The template as a workbook: a merged title, numeric cells, and a 填报说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["A1"] = "成渝地区双城经济圈统计数据报送表（测试夹具）"
    ws.merge_cells("A1:F1")
    ws.append(["地区", "指标", "期间", "数值", "单位", "备注"])
    ws.append(["重庆市", "地区生产总值", 2019, 23605.77, "亿元", None])
    ws.append(["四川省", "地区生产总值", 2019, 46615.8, "亿元", "统计公报初步核算数"])
    ws.append(["重庆市", "常住人口", 2024, 3190.47, "万人", None])
    ws.append(["四川省", "常住人口城镇化率", "2024年", 60.1, "%", None])
    ws.append([])
    ws.append(["注：测试夹具，数值取自各地统计公报。"])
    guide = wb.create_sheet("填报说明")
    guide["A1"] = "填报说明：每行填一个数值；期间写年份，如2023或2023年1-6月。"
    guide.append([])
    guide.append(["地区", "指标", "期间", "数值", "单位", "备注"])
    guide.append(["示例市", "地区生产总值", 2023, 12345.6, "亿元", "示例，勿填"])
    return _save(wb)


def nbs_national_xlsx() -> bytes:
    """A newer portal export: .xlsx, one sheet named Sheet1, header on row 3, blanks empty."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["数据库：年度数据"])
    ws.append(["时间：2021年-2023年"])
    ws.append(["指标", "2023年", "2022年", "2021年"])
    ws.append(["年末总人口(万人)", None, 141175, None])
    ws.append(["研究与试验发展(R&D)经费投入强度(%)", 2.65, 2.54, None])
    ws.append(["注：测试夹具：行列已删减，空白单元格为测试用缺失值。"])
    ws.append(["数据来源：国家统计局"])
    return _save(wb)


def wide_regions_xlsx() -> bytes:
    """A statistics office's table: merged title, unit at the right, two-row merged header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "表1"
    ws["A1"] = "2022—2023年成渝地区主要经济指标（测试夹具）"
    ws.merge_cells("A1:E1")
    ws["E2"] = "单位：亿元"
    ws["A3"], ws["B3"], ws["D3"] = "地区", "地区生产总值", "常住人口（万人）"
    for merged in ("A3:A4", "B3:C3", "D3:E3"):
        ws.merge_cells(merged)
    for column, year in zip("BCDE", ("2022年", "2023年") * 2, strict=True):
        ws[f"{column}4"] = year
    ws.append(["重庆市", 29129.03, 30145.79, 3213.34, 3191.43])
    ws.append(["四川省", None, 60132.9, 8374, 8368])
    ws.append(["成都市", None, 22074.72, 2126.8, 2140.3])
    ws.append([])
    ws.append(["注：四川省、成都市2022年地区生产总值精确数未找到，留空。"])
    ws.append(["数据来源：重庆市、四川省、成都市统计公报。"])
    return _save(wb)


def yearbook_gdp_xlsx() -> bytes:
    """Yearbook table: number title, English title, bilingual unit and header, # rows, index."""
    wb = Workbook()
    ws = wb.active
    ws.title = "3-2"
    ws.append(["3-2 地区生产总值(2019-2020)"])
    ws.append(["Gross Domestic Product (2019-2020)"])
    ws.append(["单位:亿元 (100 million yuan)"])
    ws.append(["项 目", 2019, 2020, "上年=100"])
    ws.append(["Item", None, None, "Index Preceding Year=100"])
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:C5")
    ws.append(["地区生产总值\nGross Domestic Product", 23605.77, 25002.79, 103.9])
    ws.append(["按产业分 By Industry"])
    ws.append(["  第一产业 Primary Industry", 1111.1, 1222.2, 101.1])
    ws.append(["  第二产业 Secondary Industry", 2222.2, 2333.3, 102.2])
    ws.append(["    #工业 Industry", 1999.9, 2000.0, 100.1])
    ws.append(["  第三产业 Tertiary Industry", 3333.3, 3444.4, 103.3])
    ws.append(["注：测试夹具：地区生产总值及其指数取自重庆市统计公报，分产业数值为合成数据。"])
    return _save(wb)


def yearbook_population_xlsx() -> bytes:
    """Yearbook table with the English gloss in its own column and years as text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "3-4"
    ws.append(["3-4 人口与城镇化(2019-2020)"])
    ws.append(["Population and Urbanization (2019-2020)"])
    ws.append([None, None, None, "单位:万人 (10 000 persons)"])
    ws.append(["项 目", "Item", "2019", "2020"])
    ws.append(["年末常住人口", "Year-end Resident Population", 3188, 3209])
    ws.append(["  #城镇人口", "  Urban Population", 2222.2, 2233.3])
    ws.append(["城镇化率(%)", "Rate of Urban Population (%)", 66.8, 69.46])
    ws.append(["注：测试夹具：城镇人口为合成数据；城镇化率2019年为统计公报数，2020年为推算数。"])
    return _save(wb)


# ------------------------------------------------------------ BIFF8 inside OLE2

_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _xf(style: bool) -> bytes:
    flags = 0xFFF5 if style else 0x0001
    return _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, flags, 0x20, 0, 0, 0, 0, 0, 0x20C0))


def _globals(sheet: str, strings: list[str], sheet_offset: int, password: bool) -> bytes:
    """Workbook globals: codepage 1200 (UTF-16), one font, the 15+1 XFs, the sheet, the SST."""
    name = sheet.encode("utf-16-le")
    sst = b"".join(struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings)
    parts = [
        _bof(0x0005),
        _record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48)) if password else b"",
        _record(0x0042, struct.pack("<H", 1200)),
        _record(0x003D, struct.pack("<9H", 0, 0, 0x4000, 0x2000, 0x38, 0, 0, 1, 0x258)),
        _record(
            0x0031, struct.pack("<5H4B", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + b"\x05\x00Arial"
        ),
        *(_xf(True) for _ in range(15)),
        _xf(False),
        _record(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF)),
        _record(0x0085, struct.pack("<IBBBB", sheet_offset, 0, 0, len(sheet), 1) + name),
        _record(0x00FC, struct.pack("<II", len(strings), len(strings)) + sst),
        _record(0x000A),
    ]
    return b"".join(parts)


def _biff8(sheet: str, rows: list[list[str | float | None]], password: bool = False) -> bytes:
    """A one-sheet BIFF8 Workbook stream: text as shared strings, numbers as NUMBER records."""
    strings = list(dict.fromkeys(v for row in rows for v in row if isinstance(v, str)))
    cells = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                cells.append(_record(0x00FD, struct.pack("<HHHI", r, c, 15, strings.index(value))))
            elif value is not None:
                cells.append(_record(0x0203, struct.pack("<HHHd", r, c, 15, value)))
    width = max(len(row) for row in rows)
    body = [
        _bof(0x0010),
        _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)),
        *cells,
        _record(0x023E, struct.pack("<7HI", 0x06B6, 0, 0, 0x40, 0, 0, 0, 0)),
        _record(0x000A),
    ]
    offset = len(_globals(sheet, strings, 0, password))
    return _globals(sheet, strings, offset, password) + b"".join(body)


def _cfb_sort_key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def _dir_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(encoded), kind, 1, _NOSTREAM, right, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", start, size)
    )


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file; streams are padded to 4096 bytes so no mini stream is needed."""
    names = sorted(streams, key=_cfb_sort_key)
    data, starts, fat = b"", [], []
    for name in names:
        body = streams[name].ljust(max(4096, -(-len(streams[name]) // 512) * 512), b"\0")
        first, count = len(data) // 512, len(body) // 512
        starts.append((first, len(body)))
        fat += [first + i + 1 for i in range(count - 1)] + [_END]
        data += body
    directory = _dir_entry("Root Entry", 5, 1, _NOSTREAM, _END, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        directory += _dir_entry(name, 2, _NOSTREAM, right, *starts[i])
    while len(directory) % 512:
        directory += _dir_entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0)
    dir_first, dir_count = len(fat), len(directory) // 512
    fat += [dir_first + i + 1 for i in range(dir_count - 1)] + [_END]
    fat_first = len(fat)
    fat += [_FATSECT]
    assert len(fat) <= 128, "one FAT sector is enough for a fixture"
    table = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, dir_first, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", fat_first)
        + b"\xff" * (4 * 108)
    )
    return header + data + directory + table


def nbs_cities_xls() -> bytes:
    """主要城市年度数据.xls as the portal wrote it in 2020: BIFF8, codepage 1200, '' for missing."""
    rows: list[list[str | float | None]] = [
        ["数据库：主要城市年度数据"],
        ["指标：地区生产总值(亿元)"],
        ["时间：最近5年"],
        ["地区", "2019年", "2018年"],
        ["重庆", 23605.77, ""],
        ["成都", "", 15342.77],
        ["注：1.测试夹具：行列已删减，重庆2019年数值取自分省年度数据导出。"],
        ["\u3000\u3000\u30002.2018年数据为根据第四次全国经济普查资料修订后数据。"],
        ["数据来源：国家统计局"],
    ]
    return _cfb({"Workbook": _biff8("主要城市年度数据", rows)})


def password_xls() -> bytes:
    """A BIFF8 workbook with an RC4 FILEPASS right after BOF, as an .xls with an open password has."""
    return _cfb({"Workbook": _biff8("Sheet1", [["地区", "2023年"], ["重庆市", 1.0]], True)})


def _rc4(key: bytes, data: bytes) -> bytes:
    """RC4, as BIFF8's "RC4 encryption" (MS-XLS 2.2.10, MS-OFFCRYPTO 2.3.6) uses it."""
    box, j = list(range(256)), 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


def _rc4_key(password: str, salt: bytes, block: int) -> bytes:
    digest = hashlib.md5(password.encode("utf-16-le")).digest()[:5]
    digest = hashlib.md5((digest + salt) * 16).digest()[:5]
    return hashlib.md5(digest + struct.pack("<I", block)).digest()


# the key Excel uses when a workbook is encrypted without an open password (write
# protection): every spreadsheet program opens such a file without asking
DEFAULT_KEY = "VelvetSweatshop"


def _rc4_workbook(stream: bytes, password: str) -> bytes:
    """Encrypt a BIFF8 stream that has a FILEPASS record: its header says RC4 with a
    fixed salt and verifier; every record body except BOF, FILEPASS and a BoundSheet's
    offset is encrypted with the key of its 1024-byte block, as Excel does."""
    salt, verifier = bytes(range(16)), bytes(range(16, 32))
    check = _rc4(_rc4_key(password, salt, 0), verifier + hashlib.md5(verifier).digest())
    out, at = bytearray(stream), 0
    while at < len(out):
        kind, size = struct.unpack_from("<HH", out, at)
        start, end = at + 4, at + 4 + size
        if kind == 0x002F:
            out[start:end] = struct.pack("<HHH", 1, 1, 1) + salt + check
        elif kind != 0x0809:
            start += 4 if kind == 0x0085 else 0  # lbPlyPos stays plain
            for p in range(start, end):
                block, offset = divmod(p, 1024)
                stream_key = _rc4(_rc4_key(password, salt, block), bytes(offset + 1))
                out[p] ^= stream_key[offset]
        at = end
    return bytes(out)


def default_key_xls() -> bytes:
    """A county yearbook table saved by Excel with write protection: RC4-encrypted with
    the default key, so it opens without a password everywhere (issue 15)."""
    rows: list[list[str | float | None]] = [
        ["荣昌区国民经济主要指标"],
        ["指标", "单位", "2022年", "2023年"],
        ["地区生产总值", "亿元", 1001.5, 1103.2],
        ["年末常住人口", "万人", 66.9, 66.8],
        ["注：测试夹具：RC4 加密（Excel 默认密钥），数值为合成数据。"],
    ]
    stream = _biff8("Sheet1", rows, True)
    # whole records to the padded stream's end (readers walk the records up to it): one
    # filler record after EOF makes the stream a multiple of four bytes long
    stream += _record(0, bytes(-(len(stream) + 4) % 4))
    return _cfb({"Workbook": _rc4_workbook(stream, DEFAULT_KEY)})


def encrypted_xlsx() -> bytes:
    """An .xlsx with an open password is an OLE2 file holding EncryptionInfo/EncryptedPackage."""
    return _cfb(
        {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": bytes(64)}
    )


BUILDERS: dict[str, Callable[[], bytes]] = {
    "template_utf8_bom.csv": template_csv,
    "template_with_instructions.xlsx": template_xlsx,
    "nbs_provinces_gdp_gbk.csv": nbs_provinces_csv,
    "nbs_national_gbk.csv": nbs_national_csv,
    "nbs_tab_comma.csv": nbs_tab_comma_csv,
    "nbs_national_sheet1.xlsx": nbs_national_xlsx,
    "nbs_cities.xls": nbs_cities_xls,
    "wide_regions_merged.xlsx": wide_regions_xlsx,
    "wide_indicators_gbk.csv": wide_indicators_csv,
    "yearbook_gdp.xlsx": yearbook_gdp_xlsx,
    "yearbook_population.xlsx": yearbook_population_xlsx,
    "encrypted.xlsx": encrypted_xlsx,
    "password.xls": password_xls,
    "default_key.xls": default_key_xls,
}


def build_all() -> dict[str, bytes]:
    return {name: build() for name, build in BUILDERS.items()}


def main(argv: list[str]) -> int:
    """Write the fixtures, or with --check report those that differ from a fresh build."""
    built = build_all()
    if "--check" in argv:
        stale = [
            n
            for n, b in built.items()
            if not (FIXTURES / n).is_file() or (FIXTURES / n).read_bytes() != b
        ]
        for name in stale:
            print(f"stale: {name}")
        return 1 if stale else 0
    FIXTURES.mkdir(exist_ok=True)
    for name, content in built.items():
        (FIXTURES / name).write_bytes(content)
        print(f"wrote {name} ({len(content)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
