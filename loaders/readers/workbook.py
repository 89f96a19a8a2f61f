"""Excel workbooks (.xlsx and BIFF8 .xls) to Grids, one per data sheet, via calamine.

calamine reads both formats with one API and reports merged ranges, so the layout
rules see a merged title or a merged period header the way a person does. A cell's
text is its value, not its displayed format: 23605.77 stays 23605.77 (without the
float's binary noise) even when the sheet shows 23,605.8, and a percentage-formatted
0.7 stays 0.7.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from decimal import Decimal

from python_calamine import (
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetMetadata,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from loaders.readers.labels import INSTRUCTION_SHEET, clean
from loaders.readers.model import Grid, Merge, ReadError

log = logging.getLogger(__name__)
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted .xlsx is an OLE2 container with these streams instead of a zip.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# BIFF8 workbook-globals BOF (type 0x0809, 16 bytes, version 0x0600, globals 0x0005);
# a password-protected .xls has its FILEPASS record (0x002F) straight after it.
_GLOBALS_BOF = b"\x09\x08\x10\x00\x00\x06\x05\x00"
_FILEPASS = b"\x2f\x00"
_ENCRYPTED = "工作簿已加密（设置了打开密码）：请取消密码后重新上传"
CORRUPT = "无法打开工作簿，文件可能已损坏或不是 Excel 文件：请用 Excel 打开后另存为 .xlsx 再上传"

CellValue = int | float | str | bool | dt.date | dt.time | dt.timedelta | None


def looks_like_workbook(content: bytes) -> bool:
    """Whether the bytes are an OLE2 (.xls) or zip (.xlsx) container."""
    return content.startswith((CFB_MAGIC, ZIP_MAGIC))


def render(value: CellValue | object) -> str | None:
    """A cell value as the text a person would type; numbers without float noise.
    Calamine gives a ``CellValue``; openpyxl (the project register) can also give a
    Decimal, rich text or a formula object, which read as their ``str``.

    Fifteen significant digits is what Excel itself shows, so 23605.770000000001
    becomes 23605.77 and 3188.0 becomes 3188.
    """
    if value is None or isinstance(value, str):
        return value if value is None or clean(value) is not None else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.15g}"
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _wanted(sheet: SheetMetadata) -> bool:
    """Visible worksheets other than instruction sheets (填报说明) hold the data."""
    return (
        sheet.typ == SheetTypeEnum.WorkSheet
        and sheet.visible == SheetVisibleEnum.Visible
        and not INSTRUCTION_SHEET.search(sheet.name)
    )


def _grid(sheet: CalamineSheet) -> Grid:
    rows = sheet.to_python(skip_empty_area=False)
    cells = [[render(v) for v in row] for row in rows]
    merges = tuple(
        Merge(top, left, bottom, right)
        for (top, left), (bottom, right) in (sheet.merged_cell_ranges or [])
    )
    return Grid(sheet.name, cells, list(range(1, len(cells) + 1)), merges)


def _encrypted(content: bytes) -> bool:
    """An encrypted .xlsx (EncryptedPackage stream) or .xls (FILEPASS right after the BOF).

    Checked before calamine, which reports some encrypted .xls only as "cannot
    detect file format"; the uploader needs to hear that the password is the problem.
    """
    if not content.startswith(CFB_MAGIC):
        return False
    if _ENCRYPTED_STREAM in content:
        return True
    at = content.find(_GLOBALS_BOF)
    return at >= 0 and content[at + 20 : at + 22] == _FILEPASS


def _panicked(error: BaseException) -> bool:
    """Whether calamine (Rust) panicked: a truncated .xls does that, and pyo3 raises a
    PanicException, which derives from BaseException and so passes ``except Exception``."""
    return type(error).__name__ == "PanicException"


# Excel encrypts a workbook saved with write protection (or "read-only recommended")
# with this key, and every spreadsheet program opens it without asking for a password
DEFAULT_KEY = "VelvetSweatshop"


def _with_default_key(content: bytes) -> bytes | None:
    """The workbook decrypted with Excel's default key, or None when another key (a real
    open password) was used or it cannot be decrypted."""
    import msoffcrypto  # only encrypted workbooks need it
    from msoffcrypto.exceptions import DecryptionError, InvalidKeyError, ParseError

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(content))
        office.load_key(password=DEFAULT_KEY)
        plain = io.BytesIO()
        office.decrypt(plain)
    except (InvalidKeyError, DecryptionError, ParseError, ValueError, KeyError, OSError):
        return None
    except Exception:  # a malformed container may fail anywhere in the library
        log.debug("默认密钥解密失败", exc_info=True)
        return None
    return plain.getvalue()


def _open(filename: str, content: bytes) -> CalamineWorkbook:
    if _encrypted(content):
        plain = _with_default_key(content)
        if plain is None or _encrypted(plain):
            raise ReadError(filename, _ENCRYPTED)
        content = plain
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except PasswordError as error:
        raise ReadError(filename, _ENCRYPTED) from error
    except Exception as error:  # calamine raises several types for a broken container
        raise ReadError(filename, CORRUPT) from error
    except BaseException as error:
        if not _panicked(error):
            raise
        raise ReadError(filename, CORRUPT) from error


def read_workbook(filename: str, content: bytes) -> list[Grid]:
    """Grids of the workbook's data sheets, in workbook order (empty sheets left out)."""
    workbook = _open(filename, content)
    grids = []
    with workbook:
        for meta in workbook.sheets_metadata:
            if not _wanted(meta):
                continue
            try:
                grid = _grid(workbook.get_sheet_by_name(meta.name))
            except PasswordError as error:
                raise ReadError(filename, _ENCRYPTED) from error
            except Exception as error:
                raise ReadError(filename, CORRUPT, sheet=meta.name) from error
            except BaseException as error:
                if not _panicked(error):
                    raise
                raise ReadError(filename, CORRUPT, sheet=meta.name) from error
            if any(any(row) for row in grid.cells):
                grids.append(grid)
    return grids
