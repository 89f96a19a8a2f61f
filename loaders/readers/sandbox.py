"""Untrusted files are read in a child process with memory and time limits.

A crafted file can make a parser ask for more memory than the machine has (an
.xlsx whose sheet claims a cell at XFD1048576 makes calamine allocate 512 GiB and
abort) or work for minutes (ten million one-character lines). Read in the web
worker, either kills or stalls the worker. So ``read_untrusted`` first checks the
file's size and declared shape, then lays it out with ``loaders.readers.read_file``
in a child process whose address space (RLIMIT_AS) and CPU time (RLIMIT_CPU) are
limited, and which the parent kills after a wall-clock timeout. Whatever happens
to the child, the caller gets a RawTable or a ReadError in Chinese.

The shape checks run in the child too (under the same limits), before parsing:

- every file: its size (``max_upload_bytes``);
- .xlsx (a zip): the sum of the entries' declared uncompressed sizes, and each
  worksheet's declared ``<dimension ref="A1:XFD1048576"/>``, read from the first
  bytes of the worksheet XML (streamed from the zip, never parsed whole);
- text: lines, and the most commas or tabs on one line, counted over the bytes
  (an upper bound: a quoted comma counts too).

A BIFF8 .xls declares no cheap size (and cannot exceed 65,536 × 256 cells); it
is left to the child's limits.

The children come from a ``forkserver`` that has already imported the readers
(pandas, calamine), so a call costs a fork, not an interpreter start, and the
child inherits neither the web worker's sockets nor its memory. The readers
themselves know nothing of this.
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
import signal
import threading
import time
import traceback
import zipfile
from dataclasses import dataclass
from multiprocessing import connection, forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerProcess, set_spawning_popen
from pathlib import PurePath
from typing import Any

import numpy as np

from loaders.readers import EXTENSIONS, RawTable, ReadError, read_file
from loaders.readers.workbook import ZIP_MAGIC

log = logging.getLogger(__name__)

MIB = 1024 * 1024
DIMENSION_BYTES = 64 * 1024  # how much of a worksheet's XML is searched for <dimension>
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d{0,7})$")
_ROOT = re.compile(rb"<(?:([\w.-]+):)?worksheet\b")
_WORKSHEET = re.compile(r"(?:^|/)worksheets/[^/]+\.xml$", re.I)
_TAG = re.compile(rb"<(?:[\w.-]+:)?(sheet|Relationship)\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
SMALL_PART = 1024 * 1024  # workbook.xml and its relationships are read only up to this


@dataclass(frozen=True)
class Limits:
    """How large a file may be, and what its parsing may cost."""

    max_upload_bytes: int = 20 * MIB
    max_rows: int = 1_000_000
    max_columns: int = 1000
    max_cells: int = 5_000_000
    max_uncompressed_bytes: int = 200 * MIB
    memory_mb: int = 1536
    timeout_seconds: float = 60

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        return cls(
            max_upload_bytes=settings.max_upload_bytes,
            max_rows=settings.max_file_rows,
            max_columns=settings.max_file_columns,
            max_cells=settings.max_file_cells,
            max_uncompressed_bytes=settings.max_uncompressed_bytes,
            memory_mb=settings.parse_memory_mb,
            timeout_seconds=settings.parse_timeout_seconds,
        )


def current_limits() -> Limits:
    """The limits the environment sets (config/settings.py)."""
    from config.settings import load_settings

    return Limits.from_settings(load_settings())


class LimitError(ReadError):
    """A file refused for its size or shape — before it was parsed, or because
    parsing it went past the memory or time limit. Such files are recorded (hash,
    size, who, reason) but their bytes are not kept."""


def display_name(filename: str) -> str:
    """The name ``read_file`` shows in its messages (the last path part)."""
    return PurePath(filename.replace("\\", "/")).name or filename


def _n(value: int) -> str:
    return f"{value:,}"


def _size(value: int) -> str:
    return f"{value / MIB:,.1f} MB" if value >= MIB else f"{_n(value)} 字节"


def _size_exact(value: int) -> str:
    return f"{value / MIB:,.1f} MB（{_n(value)} 字节）" if value >= MIB else f"{_n(value)} 字节"


# ------------------------------------------------------------------- shape ---


def check_size(filename: str, size: int, limits: Limits) -> None:
    if size > limits.max_upload_bytes:
        raise LimitError(
            display_name(filename),
            f"文件大小 {_size_exact(size)}，超过上限 {_size_exact(limits.max_upload_bytes)}："
            "请拆分成较小的文件后上传",
        )


def check_shape(filename: str, content: bytes, limits: Limits) -> None:
    """Refuse (LimitError) a file larger or wider than the limits, without parsing it."""
    name = display_name(filename)
    check_size(name, len(content), limits)
    if PurePath(name).suffix.lower() not in EXTENSIONS:
        return  # read_file refuses the type
    if content.startswith(ZIP_MAGIC):
        _check_zip(name, content, limits)
    elif not content.startswith(b"\xd0\xcf\x11\xe0"):  # not an OLE2 .xls: text
        _check_text(name, content, limits)


def _check_grid(
    name: str, rows: int, columns: int, limits: Limits, sheet: str | None, declared: bool
) -> None:
    what = "工作表声明了" if declared else "文件有"
    shape = f"{what} {_n(rows)} 行 × {_n(columns)} 列"
    if rows > limits.max_rows:
        raise LimitError(name, f"{shape}，超过上限 {_n(limits.max_rows)} 行", sheet)
    if columns > limits.max_columns:
        raise LimitError(name, f"{shape}，超过上限 {_n(limits.max_columns)} 列", sheet)
    if rows * columns > limits.max_cells:
        raise LimitError(
            name,
            f"{shape}（{_n(rows * columns)} 个单元格），超过上限 {_n(limits.max_cells)} 个单元格",
            sheet,
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def declared_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) a ``<dimension ref>`` spans from A1 — what a reader that
    starts at A1 lays out — or None when the reference is unreadable."""
    end = ref.strip().split(":")[-1]
    match = _CELL.match(end)
    if match is None or not (match.group(1) or match.group(2)):
        return None
    letters, digits = match.groups()
    rows = int(digits) if digits else 1_048_576  # "A:C": whole columns
    columns = _column_number(letters) if letters else 16_384  # "1:5": whole rows
    return rows, columns


def _check_zip(name: str, content: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a readable zip: read_file says so
    with archive:
        entries = archive.infolist()
        total = sum(entry.file_size for entry in entries)
        if total > limits.max_uncompressed_bytes:
            raise LimitError(
                name,
                f"工作簿解压后共 {_size(total)}，超过上限 {_size(limits.max_uncompressed_bytes)}：请删除"
                "多余的工作表、空行和格式后另存，或拆分成较小的文件",
            )
        names = _sheet_names(archive)
        for entry in entries:
            if not _WORKSHEET.search(entry.filename):
                continue
            sheet = names.get(PurePath(entry.filename).name, PurePath(entry.filename).stem)
            try:
                _check_worksheet(name, archive, entry, sheet, limits)
            except LimitError:
                raise
            except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError):
                continue  # read_file says what is wrong with it


def _check_worksheet(
    name: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, sheet: str, limits: Limits
) -> None:
    """The sheet's declared size, then its rows and cells counted while its XML is
    streamed through (a sheet without a <dimension>, or one that understates it)."""
    with archive.open(entry) as stream:
        head = stream.read(DIMENSION_BYTES)
        found = _DIMENSION.search(head)
        size = declared_size(found.group(1).decode("ascii", "replace")) if found else None
        if size is not None:
            _check_grid(name, *size, limits, sheet, declared=True)
        root = _ROOT.search(head)
        prefix = root.group(1) + b":" if root and root.group(1) else b""
        row, cells = b"<" + prefix + b"row", (b"<" + prefix + b"c ", b"<" + prefix + b"c>")
        rows = cells_seen = 0
        chunk, before = head, b""
        while chunk:
            # the end of the chunk before is searched again, so that a tag split
            # between two chunks is found; what lay wholly in it was counted then
            buffer = before + chunk
            rows += buffer.count(row) - before.count(row)
            cells_seen += sum(buffer.count(c) - before.count(c) for c in cells)
            before = buffer[-16:]
            chunk = stream.read(1024 * 1024)
    if rows > limits.max_rows:
        problem = f"工作表有 {_n(rows)} 行，超过上限 {_n(limits.max_rows)} 行"
        raise LimitError(name, problem, sheet)
    if cells_seen > limits.max_cells:
        problem = f"工作表有 {_n(cells_seen)} 个单元格，超过上限 {_n(limits.max_cells)} 个单元格"
        raise LimitError(name, problem, sheet)


def _attributes(tag: bytes) -> dict[str, str]:
    """A tag's attributes by local name (r:id → id), XML entities left as written."""
    found: dict[str, str] = {}
    for key, double, single in _ATTRIBUTE.findall(tag):
        local = key.decode("ascii", "replace").rsplit(":", 1)[-1]
        found.setdefault(local, (double or single).decode("utf-8", "replace"))
    return found


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(SMALL_PART)
    except (KeyError, zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError):
        return b""


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet file name (sheet1.xml) → the sheet's name as Excel shows it, so that
    a refusal names the sheet the sender knows; empty when it cannot be told."""
    targets = {}
    for kind, body in _TAG.findall(_part(archive, "xl/_rels/workbook.xml.rels")):
        if kind == b"Relationship":
            attributes = _attributes(body)
            if "Id" in attributes and "Target" in attributes:
                targets[attributes["Id"]] = PurePath(attributes["Target"]).name
    names = {}
    for kind, body in _TAG.findall(_part(archive, "xl/workbook.xml")):
        if kind == b"sheet":
            attributes = _attributes(body)
            if attributes.get("id") in targets and "name" in attributes:
                names[targets[attributes["id"]]] = html.unescape(attributes["name"])
    return names


def _check_text(name: str, content: bytes, limits: Limits) -> None:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: count code units
        units = np.frombuffer(content[2 : 2 + (len(content) - 2) // 2 * 2], dtype="<u2")
        if content.startswith(b"\xfe\xff"):
            units = units.byteswap()
    else:  # UTF-8 and GBK: the line ends, commas and tabs are single ASCII bytes
        units = np.frombuffer(content, dtype=np.uint8)
    rows, columns = text_shape(units)
    _check_grid(name, rows, columns, limits, None, declared=False)


def text_shape(units: np.ndarray) -> tuple[int, int]:
    """(lines, most fields on one line) of text given as code units; a line ends at
    \\n, \\r\\n or a lone \\r (as the csv module reads them); fields are split by
    commas or by tabs, whichever gives more."""
    if units.size == 0:
        return 0, 0
    newline = units == 10
    lone_cr = units == 13
    lone_cr[:-1] &= ~newline[1:]
    breaks = newline | lone_cr
    del newline, lone_cr
    count = int(np.count_nonzero(breaks))
    lines = count + (0 if breaks[-1] else 1)
    widest = 0
    for delimiter in (44, 9):  # , and tab
        at = np.flatnonzero(units == delimiter)
        if at.size:
            # the line of each delimiter = the number of line breaks before it
            line_of = np.searchsorted(np.flatnonzero(breaks), at)
            widest = max(widest, int(np.bincount(line_of).max()))
    return lines, widest + 1


# ------------------------------------------------------------ the child ---


def _confine(limits: Limits) -> None:
    """Set the child's limits; runs first thing in the child."""
    import resource

    memory = limits.memory_mb * MIB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = max(1, int(limits.timeout_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file of a killed child
    # calamine (Rust) prints a backtrace when an allocation fails: the parent logs
    # one line instead
    os.environ["RUST_BACKTRACE"] = "0"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _peak_mb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _child(conn: Connection, filename: str, content: bytes, limits: Limits) -> None:
    """Runs in the child: (kind, peak MB, …) to the parent — ok and the table, read or
    limit and the error's parts, memory, or crash and the traceback."""
    try:
        _confine(limits)
        check_shape(filename, content, limits)
        table = read_file(filename, content)
        conn.send(("ok", _peak_mb(), table))
    except ReadError as error:
        kind = "limit" if isinstance(error, LimitError) else "read"
        conn.send((kind, _peak_mb(), error.filename, error.problem, error.sheet, error.row))
    except MemoryError:
        conn.send(("memory", _peak_mb()))
    except BaseException:  # noqa: BLE001 — a bug of ours: the parent logs it
        try:
            conn.send(("crash", _peak_mb(), traceback.format_exc()))
        except BaseException:  # noqa: BLE001, S110 — out of memory while saying so
            pass
    finally:
        conn.close()


# ----------------------------------------------------------- the parent ---

_lock = threading.Lock()
_preloaded = False


class _Popen(popen_forkserver.Popen):
    """The forkserver's Popen without the parent's ``__main__``: multiprocessing
    re-runs the main script (gunicorn's, manage.py) in every child so that its
    functions can be unpickled; the child here runs a function of this module,
    preloaded in the forkserver, and needs none of it. (Python 3.11's own
    ``_launch`` but for the two keys dropped.)"""

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        # _fds and util.close_fds are multiprocessing internals that typeshed does not
        # declare; the lines are the standard library's own (see the docstring)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(
            self,
            util.close_fds,  # type: ignore[attr-defined]
            (_parent_w, self.sentinel),
        )
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Reader(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> _Popen:  # noqa: N802 — multiprocessing's name
        return _Popen(process_obj)


def _preload() -> None:
    global _preloaded
    with _lock:
        if not _preloaded:
            forkserver.set_forkserver_preload(["loaders.readers.sandbox"])
            _preloaded = True


def warm_up() -> None:
    """Start this process's forkserver now, with the readers imported (seconds under
    load), instead of in the first upload's request: the web workers call it when
    they start (dashboard/wsgi.py), so no reporter's first file waits for it. Returns
    when a first child has read a two-line file (the server is up, its imports done)."""
    try:
        read_untrusted("warm-up.csv", b"x\n1\n")
    except ReadError:
        pass  # the file's refusal: the child ran, which is all this asks


def _start(args: tuple[Any, ...]) -> _Reader:
    """A child running ``_child(*args)``, forked from the forkserver (started on
    first use, or by ``warm_up``, with the readers imported)."""
    _preload()
    child = _Reader(target=_child, args=args, name="ccec-read", daemon=True)
    child.start()
    return child


def _limit_problem(limits: Limits, what: str) -> str:
    return (
        f"文件解析超出{what}上限（内存 {_n(limits.memory_mb)} MB，时间 {_n(int(limits.timeout_seconds))} 秒），"
        "未能读取：请删除多余的空行、空列和格式，或拆分成较小的文件后重新上传"
    )


def read_untrusted(filename: str, content: bytes, limits: Limits | None = None) -> RawTable:
    """``read_file`` in a confined child: a RawTable, or a ReadError (a LimitError
    for a file refused for its size or shape, or one whose parsing went past the
    limits) — never a dead or stalled caller."""
    limits = limits or current_limits()
    name = display_name(filename)
    check_size(name, len(content), limits)  # before handing the bytes to anyone
    receiver, sender = connection.Pipe(duplex=False)
    started = time.monotonic()
    try:
        child = _start((sender, filename, content, limits))
    finally:
        sender.close()
    message: tuple[Any, ...] | None = None
    timed_out = False
    try:
        if receiver.poll(limits.timeout_seconds):
            try:
                message = receiver.recv()
            except (EOFError, OSError):
                message = None  # the child died before it could say anything
        else:
            timed_out = True
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(10)
    elapsed = time.monotonic() - started
    kind, peak = (message[0], message[1]) if message else (None, None)
    log.debug("解析子进程：%s，%s，%.2f 秒，峰值内存 %s MB", name, kind, elapsed, peak)
    if message is not None and kind == "ok":
        table = message[2]
        if not isinstance(table, RawTable):  # the child sends nothing else with "ok"
            raise TypeError(f"解析子进程返回了 {type(table).__name__}，应为 RawTable")
        return table
    if message is not None and kind in ("read", "limit"):
        error_type = LimitError if kind == "limit" else ReadError
        raise error_type(*message[2:])
    exitcode = child.exitcode
    if message is not None and kind == "crash":
        log.error("解析子进程出错：%s\n%s", name, message[2])
        raise ReadError(name, "文件无法读取（解析时出错）：请用 Excel 打开后另存为 .xlsx 再上传")
    what = "时间" if timed_out or exitcode == -signal.SIGXCPU else "内存"
    log.warning(
        "解析子进程超出%s上限：%s（%s 字节，退出码 %s，%.1f 秒）",
        what,
        name,
        len(content),
        exitcode,
        elapsed,
    )
    raise LimitError(name, _limit_problem(limits, what))
