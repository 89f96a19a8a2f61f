"""Read the joint office's register of major projects (重大项目库) from .xlsx or .csv.

One row per project. The register is checked whole and every problem is named —
file, sheet, row, column (the header as written) and the value seen — with the
``Problem`` class and the 错误/提示 levels of statistics intake. Nothing is stored
here: the caller stores what ``read_register`` returns, all or nothing, so rows
come back only when no 错误 was found (提示 do not block).

What real registers look like, and what is tolerated:

* a title line (or blank lines) above the header: the header is the first row
  that holds both 项目编号 and 项目名称;
* headers with full-width or half-width brackets, spaces, line breaks, a unit
  (总投资（亿元）/ 总投资(万元) / 总投资) and common aliases (编号, 牵头单位, 竣工年 …);
  investment in 万元 is converted to 亿元;
* one column per year of planned investment: 2026年计划投资（亿元）, 2026年度计划投资;
* blank rows, 合计/小计 rows and numbered section headings (一、… / （一）…) are skipped;
* numbers with thousands separators or full-width digits (１，２３４．５);
* 所在地 with several places (重庆市、四川省泸州市), each resolved through the regions
  master data; a place qualified by its province or city (四川省泸州市, 内江市市中区)
  resolves when the master data knows the shorter name inside that area.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import unicodedata
import warnings
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.normalise import NormaliseError, fold, parse_number
from indicators.projects import CATEGORIES, STATUSES
from indicators.regions import Region, RegionDirectory, RegionError, normalise_name
from indicators.units import in_yi
from loaders.readers.labels import INSTRUCTION_SHEET, clean
from loaders.readers.model import ReadError
from loaders.readers.text import read_text
from loaders.readers.workbook import CFB_MAGIC, CORRUPT, render
from loaders.validate import ERROR, WARNING, Problem

FIRST_YEAR, LAST_YEAR = 1990, 2100
EXTENSIONS = (".xlsx", ".csv")
DATA_SHEET = "重大项目"
INSTRUCTIONS = "说明"

# The widths of the database columns (db.models.Project): longer text would be refused there.
MAX_LENGTH = {"id": 40, "name": 200, "location": 100, "responsible_unit": 200}


@dataclass(frozen=True)
class RegisterRow:
    row: int  # 1-based row in the sheet (the line in a CSV file), as a person sees it
    id: str  # 项目编号 (full-width letters and digits folded to half-width)
    name: str  # 项目名称
    category: str  # one of CATEGORIES
    plan_id: str | None  # 所属规划: a plan id from the catalogue (shipping_centre), optional
    location: str  # 所在地 as written
    region_codes: tuple[str, ...]  # resolved from 所在地, in the order written, no repeats
    responsible_unit: str | None  # 责任单位
    start_year: int  # 开工年
    end_year: int  # 完工年
    total_investment: float  # 总投资, 亿元
    status: str  # 项目状态, one of STATUSES
    annual_plans: dict[int, float]  # year → 计划投资 (亿元), from the YYYY年计划投资 columns
    content: str | None  # 建设内容
    remark: str | None  # 备注


@dataclass(frozen=True)
class _Field:
    key: str
    label: str  # the canonical header, used in messages and in the template
    aliases: tuple[str, ...]
    required: bool
    help: str


FIELDS = (
    _Field(
        "id",
        "项目编号",
        ("项目编号", "编号", "项目代码"),
        True,
        "本表内唯一，如 CY-2026-001；不超过 40 个字符",
    ),
    _Field("name", "项目名称", ("项目名称", "名称"), True, "项目全称，不超过 200 个字符"),
    _Field("category", "类别", ("类别", "项目类别"), True, "取值：" + "、".join(CATEGORIES)),
    _Field(
        "plan_id",
        "所属规划",
        ("所属规划", "规划"),
        False,
        "规划目录中的规划编号（如 shipping_centre），可空",
    ),
    _Field(
        "location",
        "所在地",
        ("所在地", "项目所在地", "建设地点"),
        True,
        "地区名称或行政区划代码，跨地区项目用“、”分隔，如 重庆市、四川省泸州市",
    ),
    _Field(
        "responsible_unit",
        "责任单位",
        ("责任单位", "牵头单位", "实施单位"),
        False,
        "牵头负责的单位，可空",
    ),
    _Field(
        "start_year",
        "开工年",
        ("开工年", "开工年份"),
        True,
        f"四位年份（{FIRST_YEAR}–{LAST_YEAR}），如 2024",
    ),
    _Field(
        "end_year",
        "完工年",
        ("完工年", "完工年份", "竣工年", "竣工年份"),
        True,
        "四位年份，不早于开工年",
    ),
    _Field(
        "total_investment",
        "总投资",
        ("总投资",),
        True,
        "单位亿元（表头写明“万元”时按万元读取并换算），不能为负数",
    ),
    _Field("status", "项目状态", ("项目状态", "状态"), True, "取值：" + "、".join(STATUSES)),
    _Field("content", "建设内容", ("建设内容", "项目内容"), False, "主要建设内容，可空"),
    _Field("remark", "备注", ("备注",), False, "可空"),
)
_BY_KEY = {f.key: f for f in FIELDS}
_ALIASES = {alias: f.key for f in FIELDS for alias in f.aliases}
_MONEY = {"total_investment"}
_IGNORED = {"序号", "no", "no."}
# what a money column's header may say (none: 亿元); factors from indicators.units.in_yi
MONEY_UNITS = (None, "亿元", "亿", "万元", "万")


_PLAN_COLUMN = re.compile(r"(\d{4})年度?(?:计划投资|投资计划|计划完成投资)额?")
_UNIT_TAIL = re.compile(r"^(.*?)\(([^()]*)\)$")
_TOTAL_ROW = re.compile(r"^(?:合计|小计|总计)(?:$|[:(])")
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\))")
_PLACE_SEPARATORS = re.compile(r"[、,/;]")
_YEAR = re.compile(r"[+-]?\d+年?")


# ------------------------------------------------------------------ the public API ---


def read_register(
    filename: str,
    content: bytes,
    directory: RegionDirectory,
    plan_ids: Collection[str],
) -> tuple[list[RegisterRow], list[Problem]]:
    """The register's rows and every problem found in it.

    The rows are returned only when no problem is an 错误 (the caller stores all or
    nothing); 提示 come back with the rows. A file that cannot be read at all gives
    no rows and one 错误 whose row is None.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in EXTENSIONS:
        shown = suffix or "（无扩展名）"
        return [], [
            _file_problem(
                filename,
                f"不支持的文件类型“{shown}”：重大项目库请上传 .xlsx 或 .csv 文件"
                "（.xls 等格式请用 Excel 另存为 .xlsx）",
            )
        ]
    try:
        sheets = (
            _xlsx_sheets(filename, content) if suffix == ".xlsx" else _csv_sheets(filename, content)
        )
    except ReadError as error:
        return [], [
            Problem(ERROR, filename, error.sheet or "", error.row, None, None, error.problem)
        ]
    for sheet in sheets:
        header = _find_header(sheet)
        if header is not None:
            reader = _Reader(filename, sheet, header, directory, plan_ids)
            rows = reader.read()
            problems = reader.problems
            if any(p.level == ERROR for p in problems):
                rows = []
            return rows, problems
    where = sheets[0].name if len(sheets) == 1 else ""
    return [], [
        Problem(
            ERROR,
            filename,
            where,
            None,
            None,
            None,
            "未找到表头行：应有一行同时包含“项目编号”和“项目名称”两列（可下载模板对照）",
        )
    ]


def register_template(
    *, years: Sequence[int] | None = None, plan_ids: Collection[str] = ()
) -> bytes:
    """An empty register (.xlsx): the header row, drop-down lists for 类别 and 项目状态,
    and a 说明 sheet explaining each column.

    ``years`` are the 年计划投资 columns offered (default: this year and the next);
    ``plan_ids``, when given, are listed on the 说明 sheet.
    """
    if years is None:
        this_year = dt.date.today().year
        years = (this_year, this_year + 1)
    headers = [f.label if f.key not in _MONEY else f"{f.label}（亿元）" for f in FIELDS]
    insert_at = headers.index("项目状态") + 1
    plan_headers = [f"{year}年计划投资（亿元）" for year in years]
    headers[insert_at:insert_at] = plan_headers

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one sheet (its active one)
    sheet.title = DATA_SHEET
    sheet.append(headers)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        wide = header in ("项目名称", "建设内容", "备注", "责任单位", "所在地")
        sheet.column_dimensions[get_column_letter(index)].width = 28 if wide else 16
    sheet.freeze_panes = "A2"
    for label, allowed in (("类别", CATEGORIES), ("项目状态", STATUSES)):
        letter = get_column_letter(headers.index(label) + 1)
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(allowed) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=f"{label}取值",
            error="请从下拉列表中选择：" + "、".join(allowed),
        )
        rule.add(f"{letter}2:{letter}2000")
        sheet.add_data_validation(rule)

    notes = book.create_sheet(INSTRUCTIONS)
    notes.append(["列名", "是否必填", "填写说明"])
    for cell in notes[1]:
        cell.font = bold
        cell.fill = fill
    for f in FIELDS:
        header = f"{f.label}（亿元）" if f.key in _MONEY else f.label
        also = [a for a in f.aliases if a != f.label]
        explanation = f.help + (f"（表头也可写作：{'、'.join(also)}）" if also else "")
        notes.append([header, "必填" if f.required else "选填", explanation])
    notes.append(
        [
            "YYYY年计划投资（亿元）",
            "选填",
            "每年一列（如 2026年计划投资（亿元），也可写作 2026年度计划投资），可增删列；"
            "各年计划投资合计不能超过总投资，年份应在开工年至完工年之间",
        ]
    )
    if plan_ids:
        notes.append(["所属规划可用编号", "", "、".join(sorted(plan_ids))])
    notes.append([])
    for line in (
        "每行一个项目；表头须在一行内，表头上方可有标题行。",
        "空行、合计行、小计行会被跳过。",
        "导入时整表校验：有任一“错误”则整表不导入，“提示”不影响导入。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 26
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ reading the file ---


@dataclass
class _Sheet:
    name: str
    rows: list[tuple[int, list[str | None]]]  # (row a person sees, cell texts)


def _file_problem(filename: str, message: str) -> Problem:
    return Problem(ERROR, filename, "", None, None, None, message)


def _xlsx_sheets(filename: str, content: bytes) -> list[_Sheet]:
    if content.startswith(CFB_MAGIC):
        raise ReadError(
            filename,
            "工作簿已加密或为旧版 Excel 格式：请取消打开密码并另存为 .xlsx 后重新上传",
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; the values are intact
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(content), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign file
        raise ReadError(filename, CORRUPT) from error
    sheets = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible" or INSTRUCTION_SHEET.search(sheet.title):
            continue
        rows = [
            (number, [render(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        sheets.append(_Sheet(sheet.title, rows))
    if not sheets:
        raise ReadError(filename, "工作簿中没有可读取的工作表（只有说明页或隐藏的工作表）")
    return sheets


def _csv_sheets(filename: str, content: bytes) -> list[_Sheet]:
    grid, _encoding = read_text(filename, content)
    return [_Sheet("", list(zip(grid.numbers, grid.cells, strict=True)))]


# ------------------------------------------------------------------ the header row ---


@dataclass
class _Header:
    index: int  # position of the header row in _Sheet.rows
    number: int  # the row a person sees
    columns: dict[str, int]  # field key → column
    labels: dict[int, str]  # column → header as written
    factors: dict[str, float]  # money field key or plan year → factor to 亿元
    units: dict[str, str]  # money field key or plan year → 亿元 or 万元 (for messages)
    plans: dict[int, int]  # year → column
    # (the column, or a missing column's name; level; message)
    problems: list[tuple[int | str, str, str]]
    ignored: set[int]  # 序号 columns: a row with only a 序号 is blank


def _header_key(text: str) -> tuple[str, str | None]:
    """The header without blanks, marks of required fields and a bracketed unit; and the unit."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).strip("*※")
    match = _UNIT_TAIL.match(key)
    if match and match.group(1):
        return match.group(1).strip("*※"), match.group(2) or None
    return key, None


def _find_header(sheet: _Sheet) -> _Header | None:
    for index, (number, cells) in enumerate(sheet.rows):
        keys = {_ALIASES.get(_header_key(text)[0]) for text in cells if text}
        if {"id", "name"} <= keys:
            return _build_header(index, number, cells)
    return None


def _build_header(index: int, number: int, cells: list[str | None]) -> _Header:
    header = _Header(index, number, {}, {}, {}, {}, {}, [], set())
    for column, text in enumerate(cells):
        label = clean(text)
        if label is None:
            continue
        header.labels[column] = label
        key, unit = _header_key(label)
        name = _ALIASES.get(key)
        plan = _PLAN_COLUMN.fullmatch(key)
        if name is not None:
            if name in header.columns:
                first = header.labels[header.columns[name]]
                header.problems.append(
                    (column, ERROR, f"列“{label}”与列“{first}”重复（都是{_BY_KEY[name].label}）")
                )
                continue
            header.columns[name] = column
            if name in _MONEY:
                _money_unit(header, name, column, label, unit, _BY_KEY[name].label)
        elif plan is not None:
            year = int(plan.group(1))
            if not FIRST_YEAR <= year <= LAST_YEAR:
                header.problems.append(
                    (column, ERROR, f"列“{label}”的年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 之间")
                )
            elif year in header.plans:
                first = header.labels[header.plans[year]]
                header.problems.append(
                    (column, ERROR, f"列“{label}”与列“{first}”重复（都是{year}年计划投资）")
                )
            else:
                header.plans[year] = column
                _money_unit(header, year, column, label, unit, f"{year}年计划投资")
        elif key.lower() in _IGNORED:
            header.ignored.add(column)
        else:
            header.problems.append(
                (column, WARNING, f"列“{label}”未识别，已忽略（可识别的列见模板的说明页）")
            )
    for f in FIELDS:
        if f.required and f.key not in header.columns:
            names = "、".join(f.aliases)
            header.problems.append(
                (f.label, ERROR, f"缺少必填列“{f.label}”（表头可写作：{names}）")
            )
    return header


def _money_unit(
    header: _Header, key: str | int, column: int, label: str, unit: str | None, what: str
) -> None:
    if unit not in MONEY_UNITS:
        header.problems.append(
            (column, ERROR, f"列“{label}”的单位“{unit}”无法识别：{what}应以亿元（或万元）填报")
        )
        unit = None
    header.factors[str(key)] = in_yi(unit)
    header.units[str(key)] = "万元" if in_yi(unit) != 1.0 else "亿元"


# ------------------------------------------------------------------ the rows ---


class _Places:
    """所在地 names to regions, including names qualified by the area they lie in."""

    def __init__(self, directory: RegionDirectory) -> None:
        self.directory = directory
        self._index: dict[str, list[Region]] | None = None

    def resolve(self, name: str) -> Region:
        try:
            return self.directory.resolve(name)
        except RegionError:
            found = self._qualified(normalise_name(name), None)
            if len(found) == 1:
                return next(iter(found.values()))
            raise  # the directory's own message, with its suggestions

    def _named(self, key: str) -> list[Region]:
        if self._index is None:
            self._index = {}
            for region in self.directory:
                for name in {normalise_name(n) for n in self.directory.names_of(region)}:
                    self._index.setdefault(name, []).append(region)
        return self._index.get(key, [])

    def _within(self, region: Region, ancestor: str | None) -> bool:
        return ancestor is None or ancestor in self.directory.lineage(region.code)[1:]

    def _qualified(self, key: str, ancestor: str | None) -> dict[str, Region]:
        """Regions ``key`` can mean as "area + name inside it" (四川省泸州市, 内江市市中区)."""
        found: dict[str, Region] = {}
        if ancestor is not None:
            for region in self._named(key):
                if self._within(region, ancestor):
                    found[region.code] = region
            if found:
                return found
        for cut in range(1, len(key)):
            for head in self._named(key[:cut]):
                if self._within(head, ancestor):
                    found.update(self._qualified(key[cut:], head.code))
        return found


class _Reader:
    def __init__(
        self,
        filename: str,
        sheet: _Sheet,
        header: _Header,
        directory: RegionDirectory,
        plan_ids: Collection[str],
    ) -> None:
        self.filename = filename
        self.sheet = sheet
        self.header = header
        self.places = _Places(directory)
        self.plan_ids = {str(p).strip() for p in plan_ids}
        self.problems: list[Problem] = []
        self.seen_ids: dict[str, int] = {}

    def add(
        self, level: str, row: int | None, column: int | str | None, value: str | None, message: str
    ) -> None:
        label = self.header.labels.get(column) if isinstance(column, int) else column
        self.problems.append(
            Problem(level, self.filename, self.sheet.name, row, label, value, message)
        )

    def read(self) -> list[RegisterRow]:
        for column, level, message in self.header.problems:
            self.add(level, self.header.number, column, None, message)
        rows = []
        for number, cells in self._data_rows():
            row = _Row(self, number, cells).read()
            if row is not None:
                rows.append(row)
        return rows

    def _data_rows(self) -> Iterator[tuple[int, list[str | None]]]:
        named = [self.header.columns[k] for k in ("id", "name") if k in self.header.columns]
        for number, cells in self.sheet.rows[self.header.index + 1 :]:
            texts = [(column, clean(c)) for column, c in enumerate(cells)]
            filled = [t for c, t in texts if t is not None and c not in self.header.ignored]
            if not filled:
                continue  # blank, or a 序号 and nothing else
            first = next(_squash(t) for _, t in texts if t is not None)
            labels = [_squash(cells[c] or "") for c in named if c < len(cells)]
            if any(_TOTAL_ROW.match(k) for k in (first, *labels)):
                continue  # 合计 / 小计 / 总计
            heading = _squash(filled[0])
            if len(filled) == 1 and (_SECTION.match(heading) or heading in CATEGORIES):
                continue  # a section heading: 一、现代基础设施网络
            yield number, cells


class _Row:
    """One data row: each cell parsed and checked, every problem added to the reader."""

    def __init__(self, reader: _Reader, number: int, cells: list[str | None]) -> None:
        self.reader = reader
        self.header = reader.header
        self.number = number
        self.cells = cells

    def cell(self, key: str | int) -> tuple[int | None, str | None]:
        column = key if isinstance(key, int) else self.header.columns.get(key)
        if column is None or column >= len(self.cells):
            return column, None
        return column, clean(self.cells[column])

    def add(self, level: str, key: str | int, value: str | None, message: str) -> None:
        column = key if isinstance(key, int) else self.header.columns.get(key)
        self.reader.add(level, self.number, column, value, message)

    def error(self, key: str | int, value: str | None, message: str) -> None:
        self.add(ERROR, key, value, message)

    def text(self, key: str) -> str | None:
        """The cell's text; an empty required cell is an error (a missing column is not:
        it was reported once, under the header)."""
        column, text = self.cell(key)
        field_ = _BY_KEY[key]
        if text is None and field_.required and column is not None:
            self.error(key, None, f"必填项“{field_.label}”为空")
        if text is not None and key in MAX_LENGTH and len(text) > MAX_LENGTH[key]:
            self.error(
                key,
                text,
                f"{field_.label}不能超过 {MAX_LENGTH[key]} 个字符（现有 {len(text)} 个）",
            )
        return text

    def read(self) -> RegisterRow | None:
        before = len(self.reader.problems)
        project_id = self.project_id()
        name = self.text("name")
        category = self.choice("category", CATEGORIES)
        plan_id = self.plan_id()
        location, codes = self.location()
        responsible_unit = self.text("responsible_unit")
        start_year = self.year("start_year")
        end_year = self.year("end_year")
        total = self.total_investment()
        status = self.choice("status", STATUSES)
        plans = self.plans()
        content = self.text("content")
        remark = self.text("remark")
        self.cross_checks(start_year, end_year, total, plans)
        if any(p.level == ERROR for p in self.reader.problems[before:]):
            return None
        if (
            project_id is None
            or name is None
            or category is None
            or location is None
            or start_year is None
            or end_year is None
            or total is None
            or status is None
        ):
            return None  # a required column is missing from the header (reported once)
        return RegisterRow(
            row=self.number,
            id=project_id,
            name=name,
            category=category,
            plan_id=plan_id,
            location=location,
            region_codes=codes,
            responsible_unit=responsible_unit,
            start_year=start_year,
            end_year=end_year,
            total_investment=total,
            status=status,
            annual_plans=plans,
            content=content,
            remark=remark,
        )

    def project_id(self) -> str | None:
        text = self.text("id")
        if text is None:
            return None
        project_id = fold(text)
        seen = self.reader.seen_ids
        if project_id in seen:
            self.error(
                "id",
                text,
                f"项目编号“{project_id}”重复：第 {seen[project_id]} 行和第 {self.number} 行使用了同一编号",
            )
        else:
            seen[project_id] = self.number
        return project_id

    def choice(self, key: str, allowed: Sequence[str]) -> str | None:
        text = self.text(key)
        if text is None:
            return None
        value = _squash(text)
        if value in allowed:
            return value
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.5)
        hint = f"；您是否要找：{close[0]}" if close else ""
        what = _BY_KEY[key].label
        self.error(key, text, f"{what}“{text}”无效，应为以下之一：{'、'.join(allowed)}{hint}")
        return None

    def plan_id(self) -> str | None:
        text = self.text("plan_id")
        if text is None:
            return None
        value = fold(text)
        if value in self.reader.plan_ids:
            return value
        close = difflib.get_close_matches(value, sorted(self.reader.plan_ids), n=3, cutoff=0.6)
        hint = f"；您是否要找：{'、'.join(close)}" if close else ""
        self.error("plan_id", text, f"未知规划“{text}”：应为规划目录中的规划编号{hint}")
        return None

    def location(self) -> tuple[str | None, tuple[str, ...]]:
        text = self.text("location")
        if text is None:
            return None, ()
        codes: list[str] = []
        failed = False
        for part in _split_places(text):
            try:
                region = self.reader.places.resolve(part)
            except RegionError as error:
                self.error("location", text, str(error))
                failed = True
                continue
            if region.code not in codes:
                codes.append(region.code)
        if failed:
            return None, ()
        if not codes:
            self.error("location", text, "所在地未写出任何地区名称")
            return None, ()
        return text, tuple(codes)

    def year(self, key: str) -> int | None:
        text = self.text(key)
        if text is None:
            return None
        value = _squash(text)
        if _YEAR.fullmatch(value):
            year = int(value.rstrip("年"))
            if FIRST_YEAR <= year <= LAST_YEAR:
                return year
        what = _BY_KEY[key].label
        self.error(
            key, text, f"{what}应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的整数年份，收到“{text}”"
        )
        return None

    def total_investment(self) -> float | None:
        text = self.text("total_investment")
        if text is None:
            return None
        value = self.money("total_investment", "total_investment", text, "总投资")
        if value is None and _is_missing(text):
            self.error("total_investment", text, "必填项“总投资”为空")
        return value

    def money(self, unit_key: str, key: str | int, text: str, what: str) -> float | None:
        """亿元, or None (reported unless the cell says "no figure": — / 无 / …)."""
        unit = self.header.units.get(unit_key, "亿元")
        try:
            parsed = parse_number(text)
        except NormaliseError:
            parsed = None
        if parsed is not None:
            if parsed.value is None:
                return None
            if not parsed.prefix and not parsed.sign:
                if parsed.value < 0:
                    self.error(key, text, f"{what}不能为负数，收到“{text}”")
                    return None
                return parsed.value * self.header.factors.get(unit_key, 1.0)
        self.error(key, text, f"{what}应为数字（{unit}），收到“{text}”")
        return None

    def plans(self) -> dict[int, float]:
        plans: dict[int, float] = {}
        for year, column in sorted(self.header.plans.items()):
            _, text = self.cell(column)
            if text is None:
                continue
            value = self.money(str(year), column, text, f"{year}年计划投资")
            if value is not None:
                plans[year] = value
        return plans

    def cross_checks(
        self, start: int | None, end: int | None, total: float | None, plans: dict[int, float]
    ) -> None:
        if start is not None and end is not None:
            if start > end:
                self.error(
                    "start_year",
                    self.cell("start_year")[1],
                    f"开工年（{start}）晚于完工年（{end}）",
                )
            else:
                for year, value in plans.items():
                    if not start <= year <= end:
                        self.add(
                            WARNING,
                            self.header.plans[year],
                            self.cell(self.header.plans[year])[1],
                            f"{year}年的计划投资 {_format(value)} 亿元不在开工年（{start}）至完工年（{end}）之间",
                        )
        if total is not None and plans:
            planned = sum(plans.values())
            if planned - total > 1e-9 * max(1.0, total):
                years = "、".join(str(y) for y in sorted(plans))
                self.error(
                    "total_investment",
                    self.cell("total_investment")[1],
                    f"各年计划投资合计 {_format(planned)} 亿元（{years}年）超过总投资 {_format(total)} 亿元",
                )


def _squash(text: str) -> str:
    """Half-width, no blanks: the key that 类别, 状态, years and 合计 are compared on."""
    return re.sub(r"\s+", "", fold(text))


def _is_missing(text: str) -> bool:
    try:
        return parse_number(text).value is None
    except NormaliseError:
        return False


def _format(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _split_places(text: str) -> Iterable[str]:
    return [p for p in (clean(x) for x in _PLACE_SEPARATORS.split(fold(text))) if p]
