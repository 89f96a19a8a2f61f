"""Hostile files built by hand for the upload-limit tests (issue 17): workbooks that
claim what no spreadsheet program would write, and text of ten million lines.
Shared by the loader, page, API and gunicorn tests; no test module imports another."""

from __future__ import annotations

import io
import zipfile

HEADER = "地区,指标,期间,数值,单位,备注\n"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_xlsx(sheet_data: str, dimension: str | None = None, sheet: str = "数据") -> bytes:
    """A minimal .xlsx written by hand (zipfile), so that it may claim what no
    spreadsheet program would write: a ``<dimension>`` and cells anywhere."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_DOC}"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{dim}'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def cell_text(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xfd_bomb(dimension: str | None = "A1:XFD1048576") -> bytes:
    """The issue's 1.5 KB file: a header cell, and one cell at XFD1048576."""
    rows = f'<row r="1">{cell_text("A1", "地区")}</row><row r="1048576">{cell_text("XFD1048576", "x")}</row>'
    return raw_xlsx(rows, dimension)


def declared_rows(rows: int) -> bytes:
    """A small .xlsx whose sheet declares ``rows`` rows (the 8 M-row attack)."""
    return raw_xlsx(f'<row r="1">{cell_text("A1", "地区")}</row>', f"A1:F{rows}")


def undeclared_rows(rows: int) -> bytes:
    """An .xlsx of ``rows`` one-cell rows and no <dimension>: the issue's 508 KB
    file of 8 M rows (86 s and 4.7 GB to parse), written in pieces."""
    piece = "<row><c><v>1</v></c></row>" * 100_000
    sheet = raw_xlsx("@")
    source = zipfile.ZipFile(io.BytesIO(sheet))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if not info.filename.endswith("sheet1.xml"):
                archive.writestr(info.filename, data)
                continue
            head, tail = data.split(b"@")
            with archive.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(head)
                for _ in range(rows // 100_000):
                    stream.write(piece.encode())
                stream.write(tail)
    return out.getvalue()


def one_char_lines(count: int = 10_000_000) -> bytes:
    """The issue's 20 MB CSV of ten million one-character rows."""
    return b"x\n" * count
