"""The project annex of 共建长江上游航运中心实施方案 and the 2022 major-projects notice.

Both live in the seed compilation ``config/sources/001_a9d4b781dc1e95d7.txt``.
The monitor cites their figures (991 亿元 of shipping projects, 160 joint
projects worth 20367 亿元), so they are read from that text rather than typed
in again: a figure here can always be traced back to the line that states it.

The annex is a table that PDF extraction flattened into lines. How the
flattening behaves, and so what the parser relies on:

* Every cell is wrapped to the width of its column and the pieces mostly land
  on lines of their own, blank lines between. Narrow columns break numbers
  too: ``202`` / ``3`` is 2023, ``15`` / ``5.`` / ``29`` is 155.29.
* Cells of different columns that share a baseline land on one line. A row's
  first line may thus hold 序号, the river, 所在地, the first piece of 项目名称
  and 项目内容 and the first piece of every number column
  (``3 重庆 嘉陵江草街库 按三级航道 2025 202 1 1``). Between the cells of
  different text columns there is a space between two Chinese characters;
  inside a cell a space only ever stands next to a digit or a Latin letter
  (``按 4.5 米水``, ``LNG 加``).
* A line that begins with a space directly after a non-empty line continues
  that visual line (``2021 2024 16 16`` then `` 能力 14``).
* The compilation's page numbers sometimes stand inside the table: a line of
  bare digits after two or more blank lines (``329`` at line 15770).
* 航道工程 has a river column (长江, 嘉陵江 … 其他) whose merged cells are
  printed on the first row they cover only; the river carries down to the
  following rows of the section. The other sections have no river.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from indicators.seed_text import squeeze

if TYPE_CHECKING:  # the region master data needs PyYAML; load it only when asked to
    from indicators.regions import RegionDirectory

REPO = Path(__file__).resolve().parent.parent
SEED_PATH = REPO / "config" / "sources" / "001_a9d4b781dc1e95d7.txt"
REGIONS_PATH = REPO / "config" / "regions.yaml"

# 1-based, inclusive; see config/sources/INDEX.md. The annex ends with its note
# "注：项目建设规模、投资及时序以实际批复为准。" (line 17182); the next document
# starts on line 17183.
ANNEX_FIRST_LINE = 15670
ANNEX_LAST_LINE = 17182
NOTICE_FIRST_LINE = 3346
NOTICE_LAST_LINE = 3426

# 项目所在地 in this table is one of the two provinces, possibly with a city ("四川泸州")
# or both ("重庆、四川"); a cell is taken for a location only when it starts so.
PROVINCES = ("重庆", "四川")
# 项目内容 cells start with what is to be done; a name line never does. This is how
# the end of a multi-line name is found when name and content follow each other.
CONTENT_OPENINGS = (
    "按",
    "建设",
    "新建",
    "拟建",
    "改扩建",
    "扩建",
    "改造",
    "整治",
    "完善",
    "渠化",
    "船闸建设",
    "推进",
    "实施",
    "由",
    "在",
)
# how a complete 项目名称 ends; where a name could stop, one that ends so has stopped
NAME_ENDINGS = ("工程", "枢纽", "项目", "中心", "码头", "锚地", "建设", "）")
NOT_STATED = ("—", "-", "－", "/")

_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_FRAGMENT = re.compile(r"^(?:\d+\.?\d*|\.\d+|[—\-－/])$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_SERIAL_LINE = re.compile(r"^(\d{1,3})(?:\s+(.*))?$")
_GRAND_TOTAL = re.compile(r"^合\s*计\s+(\S+)\s+(\S+)$")
_SECTION = re.compile(r"^([一二三四五六七八九十]+)、\s*(\S+?)\s+(\S+)\s+(\S+)$")
_LOCATION = re.compile(
    rf"^(?:{'|'.join(PROVINCES)})[\u4e00-\u9fff]{{0,8}}(?:[、，,](?:{'|'.join(PROVINCES)})[\u4e00-\u9fff]{{0,8}})*$"
)
_NOTE = re.compile(r"^注[：:]")


@dataclass(frozen=True)
class AnnexProject:
    """One row of the annex table."""

    number: int  # 序号 as printed (the table numbers its rows 1–48 straight through)
    section: str  # "航道工程" | "港口及集疏运工程" | "支持保障等其他"
    waterway: str | None  # 长江, 嘉陵江 … 其他 in 航道工程; None where the table has no river
    location: str  # 项目所在地 as written: "重庆", "四川"
    name: str  # 项目名称, line breaks and spaces removed
    content: str  # 项目内容, line breaks and spaces removed
    start_year: int  # 建设起止年限; every row states both years (the parser refuses a row without)
    end_year: int
    total_investment: float  # 总投资, 亿元
    plan_period_investment: float | None  # "十四五"期间投资, 亿元; None where the cell is "—"
    remark: str | None  # 备注
    first_line: int  # 1-based line of the seed file where the row starts


@dataclass(frozen=True)
class AnnexSection:
    """A section heading with its subtotal row (一、航道工程 806 307)."""

    name: str
    total_investment: float
    plan_period_investment: float
    first_line: int


class Annex(NamedTuple):
    """What :func:`parse_annex` returns; unpacks as ``projects, sections, totals``."""

    projects: list[AnnexProject]
    sections: list[AnnexSection]
    totals: tuple[float, float]  # the 合计 row: 总投资, "十四五"期间投资 (亿元)


@dataclass(frozen=True)
class NoticeCategory:
    """One category of the 2022 joint projects, with the clause that states it."""

    name: str  # e.g. "现代基础设施网络" (the verb in front, 合力建设 / 协同建设 / 共建, is dropped)
    project_count: int
    total_investment: float | None  # 估算总投资, 亿元; None where the clause does not state it
    planned_investment_2022: float | None  # 年度计划投资 2022, 亿元; None where not stated
    quote: str  # the clause, whitespace removed as in seed_text.squeeze
    line: int  # 1-based line of the seed file where the clause begins


@dataclass(frozen=True)
class NoticeTotals:
    """The notice's overall figures (共160个，估算总投资约20367亿元，年度计划完成投资1835亿元)."""

    project_count: int
    total_investment: float | None
    planned_investment_2022: float | None
    quote: str
    line: int


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based line in the seed file
    text: str  # stripped
    joined: bool  # begins with a space right after a non-empty line: continues that visual line

    @property
    def tokens(self) -> list[str]:
        return self.text.split()

    @property
    def numeric(self) -> bool:
        return all(_FRAGMENT.match(t) for t in self.tokens)


def _select_lines(text: str, first_line: int, last_line: int | None) -> list[_Line]:
    """The non-empty lines of the range, page numbers dropped, numbered as in the file."""
    raw = text.splitlines()
    if first_line < 1 or first_line > len(raw):
        raise ValueError(f"第{first_line}行超出文本范围（共{len(raw)}行）")
    end = len(raw) if last_line is None else min(last_line, len(raw))
    lines: list[_Line] = []
    blanks = 0
    previous_empty = True
    for number in range(first_line, end + 1):
        line = raw[number - 1]
        stripped = line.strip()
        if not stripped:
            blanks += 1
            previous_empty = True
            continue
        is_page_number = stripped.isdigit() and blanks >= 2
        if not is_page_number:
            joined = line[:1].isspace() and not previous_empty
            lines.append(_Line(number, stripped, joined))
        blanks = 0
        previous_empty = False
    return lines


def _cells(text: str) -> list[str]:
    """Split a line into table cells: a space between two Chinese characters parts two cells.

    A space next to a digit or a Latin letter is the extraction's spacing inside one
    cell (``渠化航道 16``), so those tokens stay together.
    """
    cells: list[str] = []
    for token in text.split():
        if cells and not (_CJK.match(cells[-1][-1]) and _CJK.match(token[0])):
            cells[-1] += token
        else:
            cells.append(token)
    return cells


def _width(text: str) -> int:
    """Printed width: 2 for a full-width character, 1 for anything else."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _number(token: str, line: int, what: str) -> float:
    if not _NUMBER.match(token):
        raise ValueError(f"第{line}行：{what}“{token}”不是数字")
    return float(token)


# --------------------------------------------------------------------------- numbers


@dataclass
class _NumberCells:
    """The four number columns of a row, filled piece by piece as the pieces appear.

    A line's pieces go, left to right, to the first columns that can still take
    one: 开工年 takes one piece, 完工年 pieces until it has four digits, 总投资
    any number of pieces, "十四五"投资 one. Lines of a single piece therefore all
    go to 总投资 once the years are full; when the row ends with "十四五"投资
    still empty, its value is the last of those pieces (the column is wide enough
    for its number on one line, 总投资 is not).
    """

    first_line: int
    start: list[str] = field(default_factory=list)
    end: list[str] = field(default_factory=list)
    total: list[str] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)

    def _columns(self) -> list[list[str]]:
        return [self.start, self.end, self.total, self.plan]

    def _accepts(self, index: int) -> bool:
        column = self._columns()[index]
        if index == 0 or index == 3:
            return not column
        if index == 1:
            return len("".join(column)) < 4
        return True

    def add(self, tokens: Sequence[str], line: int) -> None:
        open_columns = [i for i in range(4) if self._accepts(i)]
        if len(tokens) > len(open_columns):
            raise ValueError(
                f"第{line}行：数字“{' '.join(tokens)}”多于开工年、完工年、总投资、“十四五”投资各栏所能容纳的"
            )
        for index, token in zip(open_columns, tokens, strict=False):
            self._columns()[index].append(token)

    @property
    def empty(self) -> bool:
        return not any(self._columns())

    def finish(self, label: str) -> tuple[int, int, float, float | None]:
        if not self.plan and len(self.total) >= 2:
            self.plan.append(self.total.pop())
        start, end = "".join(self.start), "".join(self.end)
        total, plan = "".join(self.total), "".join(self.plan)
        where = f"第{self.first_line}行：{label}"
        missing = [
            name
            for name, value in (
                ("开工年", start),
                ("完工年", end),
                ("总投资", total),
                ("“十四五”期间投资", plan),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"{where}缺少{'、'.join(missing)}")
        if not _YEAR.match(start) or not _YEAR.match(end):
            raise ValueError(f"{where}的建设起止年限“{start}—{end}”不是年份")
        if int(start) > int(end):
            raise ValueError(f"{where}的开工年{start}晚于完工年{end}")
        total_value = _number(total, self.first_line, f"{label}的总投资")
        plan_value = (
            None
            if plan in NOT_STATED
            else _number(plan, self.first_line, f"{label}的“十四五”期间投资")
        )
        return int(start), int(end), total_value, plan_value


def _numeric_tail(tokens: list[str]) -> int:
    """Where a row's first line turns into number cells: at a year followed by numbers only."""
    for index, token in enumerate(tokens):
        if _YEAR.match(token) and all(_FRAGMENT.match(t) for t in tokens[index:]):
            return index
    return len(tokens)


# --------------------------------------------------------------------------- rows


def _head_span(lines: list[_Line], at: int) -> int:
    """How many lines the head of a row starting at line ``at`` spans; 0 if no row starts there.

    A row starts with 序号 followed by 所在地, or by a river and then 所在地 — on
    the same line or, when the table printed them one above the other, on the
    next one or two lines (``2`` / ``嘉陵江`` / ``重庆``).
    """
    match = _SERIAL_LINE.match(lines[at].text)
    if not match:
        return 0
    if match.group(2):
        cells = _cells(match.group(2))
        if _LOCATION.match(cells[0]) or (len(cells) > 1 and _LOCATION.match(cells[1])):
            return 1
        return 0
    following = [line.text for line in lines[at + 1 : at + 3]]
    if following and _LOCATION.match(following[0]):
        return 2
    if (
        len(following) == 2
        and _CJK.search(following[0])
        and len(following[0].split()) == 1
        and _LOCATION.match(following[1])
    ):
        return 3
    return 0


@dataclass
class _RowText:
    name: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    remark: list[str] = field(default_factory=list)


def _is_number_line(line: _Line, numbers: _NumberCells) -> bool:
    """Number pieces, unless bare numbers come before any year: then text ("11.447" 公里)."""
    return line.numeric and (not numbers.empty or bool(_YEAR.match(line.tokens[0])))


def _name_split(name: list[str], lead: list[str], content_on_head: bool) -> int:
    """How many of the ``lead`` lines still belong to 项目名称 (``name`` holds its first piece).

    When the first line already held a piece of 项目内容, the name goes on while its
    last line was full (as wide as its first) and it does not yet end like a name.
    Otherwise the content starts at the first line that opens like one (按, 建设 …)
    where the name before it ends like a name (工程, 枢纽, 建设, ）…) — "改造工程"
    opens like content but ends 涪江安居电厂船闸扩能升级 — or, failing that, at the
    first line that opens like content at all (the name may go on after the numbers).
    """
    if content_on_head:
        width = _width(name[0]) if name else 0
        split = 0
        pieces = list(name)
        while split < len(lead):
            if not pieces or _width(pieces[-1]) < width or "".join(pieces).endswith(NAME_ENDINGS):
                break
            pieces.append(lead[split])
            split += 1
        return split
    openings = [
        k for k, piece in enumerate(lead) if (name or k > 0) and piece.startswith(CONTENT_OPENINGS)
    ]
    for k in openings:
        if squeeze("".join(name + lead[:k])).endswith(NAME_ENDINGS):
            return k
    return openings[0] if openings else len(lead)


def _parse_row(
    lines: list[_Line], head_span: int, section: str, waterway: str | None
) -> AnnexProject:
    """One row from its lines; ``waterway`` is the river carried down from the rows above.

    Text pieces are dealt to 项目名称, 项目内容 and 备注 in the order the flattening
    prints them: the name's lines, then the content's, then (after the numbers)
    the remark's; :func:`_name_split` finds where the name's lines end.

    A line of two cells side by side is a name piece and a content piece. After a
    line of numbers, a piece on the same visual line continues 项目内容; a block of
    its own is 备注, the column to the right of the numbers.
    """
    head = lines[0]
    serial = int(head.tokens[0])
    label = f"项目{serial}"
    numbers = _NumberCells(head.number)

    if head_span == 1:
        tokens = head.tokens[1:]
        tail = _numeric_tail(tokens)
        if tail < len(tokens):
            numbers.add(tokens[tail:], head.number)
        cells = _cells(" ".join(tokens[:tail]))
    else:
        cells = [line.text for line in lines[1:head_span]]
    if _LOCATION.match(cells[0]):
        location, rest = cells[0], cells[1:]
    else:
        waterway, location, rest = cells[0], cells[1], cells[2:]
    if len(rest) > 2:
        raise ValueError(
            f"第{head.number}行：{label}首行的“{' '.join(rest)}”多于项目名称和项目内容两栏"
        )

    text = _RowText(name=rest[:1], content=rest[1:2])
    body = lines[head_span:]
    lead: list[str] = []  # the single-cell text lines up to the first number or two-cell line
    for line in body:
        if _is_number_line(line, numbers) or len(_cells(line.text)) != 1:
            break
        lead.append(line.text)
    split = _name_split(text.name, lead, content_on_head=len(rest) == 2)
    text.name.extend(lead[:split])
    text.content.extend(lead[split:])
    mode = "content" if split < len(lead) or len(rest) == 2 else "name"
    after_numbers: str | None = None  # how single-cell lines after a number line are read
    numbers_in_body = False

    for line in body[len(lead) :]:
        if _is_number_line(line, numbers):
            numbers.add(line.tokens, line.number)
            numbers_in_body = True
            after_numbers = None
            continue
        cells = _cells(line.text)
        if len(cells) > 2:
            raise ValueError(
                f"第{line.number}行：{label}的“{line.text}”无法分配到项目名称、项目内容两栏"
            )
        if len(cells) == 2:
            text.name.append(cells[0])
            text.content.append(cells[1])
            mode = after_numbers = "content"
            continue
        if numbers_in_body and after_numbers is None:
            after_numbers = "content" if line.joined or mode == "name" else "remark"
            mode = after_numbers
        {"name": text.name, "content": text.content, "remark": text.remark}[mode].append(cells[0])

    if numbers.empty:
        raise ValueError(f"第{head.number}行：{label}没有建设起止年限和投资数字")
    start, end, total, plan = numbers.finish(label)
    name, content = squeeze("".join(text.name)), squeeze("".join(text.content))
    if not name or not content:
        raise ValueError(f"第{head.number}行：{label}缺少{'项目名称' if not name else '项目内容'}")
    return AnnexProject(
        number=serial,
        section=section,
        waterway=waterway,
        location=location,
        name=name,
        content=content,
        start_year=start,
        end_year=end,
        total_investment=total,
        plan_period_investment=plan,
        remark=squeeze("".join(text.remark)) or None,
        first_line=head.number,
    )


def parse_annex(
    text: str, first_line: int = ANNEX_FIRST_LINE, last_line: int | None = ANNEX_LAST_LINE
) -> Annex:
    """Read the flattened annex table between ``first_line`` and ``last_line`` of ``text``.

    ``text`` is the whole seed file (line numbers stay those of the file); pass
    ``first_line=1, last_line=None`` for a snippet. The table starts at its 合计 row
    (the column headings above it are skipped) and ends at its "注：" line or the
    end of the range. Raises ValueError naming the line (第N行…) for anything that
    does not fit the table's shape, rather than guessing.
    """
    lines = _select_lines(text, first_line, last_line)
    start = next((i for i, line in enumerate(lines) if _GRAND_TOTAL.match(line.text)), None)
    if start is None:
        raise ValueError(f"第{first_line}—{last_line or '末'}行中找不到“合计”行")
    grand = _GRAND_TOTAL.match(lines[start].text)
    assert grand is not None
    totals = (
        _number(grand.group(1), lines[start].number, "合计的总投资"),
        _number(grand.group(2), lines[start].number, "合计的“十四五”期间投资"),
    )

    sections: list[AnnexSection] = []
    rows: list[tuple[list[_Line], int, str]] = []  # lines, head span, section
    previous_serial = 0
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if _NOTE.match(line.text):
            break
        heading = _SECTION.match(line.text)
        if heading:
            name = heading.group(2)
            sections.append(
                AnnexSection(
                    name=name,
                    total_investment=_number(heading.group(3), line.number, f"{name}的小计"),
                    plan_period_investment=_number(heading.group(4), line.number, f"{name}的小计"),
                    first_line=line.number,
                )
            )
            continue
        span = _head_span(lines, index)
        if span:
            serial = int(line.tokens[0])
            first_of_section = bool(sections) and (not rows or rows[-1][2] != sections[-1].name)
            if serial != previous_serial + 1 and not (first_of_section and serial == 1):
                if span == 1:  # an explicit "N 所在地" line with the wrong number
                    raise ValueError(
                        f"第{line.number}行：序号{serial}不连续，应为{previous_serial + 1}"
                    )
                span = 0  # a bare number: a piece of some number cell
        if span:
            if not sections:
                raise ValueError(
                    f"第{line.number}行：项目{line.tokens[0]}之前没有“一、…”分类小计行"
                )
            rows.append(([line], span, sections[-1].name))
            previous_serial = int(line.tokens[0])
        elif rows:
            rows[-1][0].append(line)
        elif sections:
            raise ValueError(f"第{line.number}行：“{line.text}”不在任何项目行内")

    projects: list[AnnexProject] = []
    waterway: str | None = None
    section_name: str | None = None
    for row_lines, span, section in rows:
        if section != section_name:  # a river cell never spans two sections
            waterway, section_name = None, section
        project = _parse_row(row_lines, span, section, waterway)
        waterway = project.waterway
        projects.append(project)
    return Annex(projects, sections, totals)


def load_annex(path: Path | None = None) -> Annex:
    """The annex as the project's own copy of the compilation states it."""
    return parse_annex(Path(path or SEED_PATH).read_text(encoding="utf-8"))


def section_sums(projects: Iterable[AnnexProject]) -> dict[str, tuple[float, float]]:
    """总投资 and "十四五" investment summed per section, rounded to 0.01 亿元.

    A "—" 十四五 cell counts as 0. The table's subtotals are whole 亿元, so compare
    them with the rounded sums, not exactly.
    """
    sums: dict[str, tuple[float, float]] = {}
    for project in projects:
        total, plan = sums.get(project.section, (0.0, 0.0))
        sums[project.section] = (
            round(total + project.total_investment, 2),
            round(plan + (project.plan_period_investment or 0.0), 2),
        )
    return sums


# --------------------------------------------------------------------------- regions


@lru_cache(maxsize=1)
def _default_directory() -> RegionDirectory:
    from indicators.regions import load_region_directory

    return load_region_directory(REGIONS_PATH)


def _resolve(name: str, directory: RegionDirectory) -> str | None:
    from indicators.regions import RegionError

    try:
        return directory.resolve(name).code
    except RegionError:
        return None


def location_regions(location: str, directory: RegionDirectory | None = None) -> list[str]:
    """Region codes a 项目所在地 names: 重庆 → 500000, 四川泸州 → 泸州市's code.

    Parts joined by 、 or ， are looked up one by one; a part that is a province
    followed by a place inside it ("四川泸州") gives the inner place only. Names the
    master data (config/regions.yaml) do not know are left out, not guessed.
    """
    directory = directory or _default_directory()
    codes: list[str] = []
    for part in re.split(r"[、，,；;/\s]+|和|及", location):
        if not part:
            continue
        code = _resolve(part, directory)
        if code is None:
            for cut in range(len(part) - 1, 0, -1):  # longest known prefix first
                outer = _resolve(part[:cut], directory)
                if outer is not None:
                    code = _resolve(part[cut:], directory) or outer
                    break
        if code is not None and code not in codes:
            codes.append(code)
    return codes


# --------------------------------------------------------------------------- notice

_NOTICE_OVERALL = re.compile(r"项目共(?P<count>\d+)个[^。]*。")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、[^。；，]*$")
_NOTICE_CATEGORY = re.compile(r"^(?P<label>.+?)项目(?P<count>\d+)个")
_NOTICE_TOTAL = re.compile(r"估算总投资约?(?P<value>\d+(?:\.\d+)?)亿元")
_NOTICE_PLANNED = re.compile(r"年度计划(?:完成)?投资约?(?P<value>\d+(?:\.\d+)?)亿元")
_CATEGORY_VERBS = re.compile(r"^(?:合力建设|协同建设|共同建设|联合建设|共建|建设)")


class _Squeezed:
    """The range's text with all whitespace removed, and the line each character is on."""

    def __init__(self, text: str, first_line: int, last_line: int | None) -> None:
        raw = text.splitlines()
        end = len(raw) if last_line is None else min(last_line, len(raw))
        if first_line < 1 or first_line > end:
            raise ValueError(f"第{first_line}行超出文本范围（共{len(raw)}行）")
        self.first_line, self.last_line = first_line, end
        pieces: list[str] = []
        self.line_at: list[int] = []
        self.heading_ends: list[int] = []  # a heading line ends a sentence without a full stop
        for number in range(first_line, end + 1):
            piece = squeeze(raw[number - 1])
            pieces.append(piece)
            self.line_at.extend([number] * len(piece))
            if _HEADING.match(piece):
                self.heading_ends.append(len(self.line_at))
        self.text = "".join(pieces)

    def sentence_start(self, position: int) -> int:
        """Where the sentence holding ``position`` starts: after 。；： or a heading line."""
        stops = [self.text.rfind(mark, 0, position) + 1 for mark in "。；："]
        stops += [end for end in self.heading_ends if end <= position]
        return max(stops)

    def where(self) -> str:
        return f"第{self.first_line}—{self.last_line}行"


def _figure(pattern: re.Pattern[str], clause: str) -> float | None:
    match = pattern.search(clause)
    return float(match.group("value")) if match else None


def parse_notice_totals(
    text: str, first_line: int = NOTICE_FIRST_LINE, last_line: int | None = NOTICE_LAST_LINE
) -> NoticeTotals:
    """The sentence giving the number of projects and their investment overall."""
    squeezed = _Squeezed(text, first_line, last_line)
    match = _NOTICE_OVERALL.search(squeezed.text)
    if match is None:
        raise ValueError(f"{squeezed.where()}中找不到“……项目共N个”的总数句")
    begin = squeezed.sentence_start(match.start())
    sentence = squeezed.text[begin : match.end()]
    head = sentence.split("其中")[0]  # the figures before 其中 are the overall ones
    return NoticeTotals(
        project_count=int(match.group("count")),
        total_investment=_figure(_NOTICE_TOTAL, head),
        planned_investment_2022=_figure(_NOTICE_PLANNED, head),
        quote=head.rstrip("。，；"),
        line=squeezed.line_at[begin],
    )


def parse_notice_categories(
    text: str, first_line: int = NOTICE_FIRST_LINE, last_line: int | None = NOTICE_LAST_LINE
) -> list[NoticeCategory]:
    """The categories listed after "其中：", one per clause between semicolons.

    A figure a clause does not state is None: the notice is read, never completed.
    """
    squeezed = _Squeezed(text, first_line, last_line)
    overall = _NOTICE_OVERALL.search(squeezed.text)
    # 其中： follows the sentence with the overall figures (or stands inside it)
    begin = (
        -1
        if overall is None
        else squeezed.text.find("其中：", overall.start(), overall.end() + len("其中："))
    )
    if begin < 0:
        raise ValueError(f"{squeezed.where()}中找不到总数句“……项目共N个……其中：”之后的分类清单")
    begin += len("其中：")
    end = squeezed.text.find("。", begin)
    end = len(squeezed.text) if end < 0 else end
    categories: list[NoticeCategory] = []
    position = begin
    for clause in squeezed.text[begin:end].split("；"):
        line = squeezed.line_at[min(position, len(squeezed.line_at) - 1)]
        position += len(clause) + 1
        if not clause:
            continue
        match = _NOTICE_CATEGORY.match(clause)
        if match is None:
            raise ValueError(f"第{line}行：“{clause}”不是“××项目N个”的分类")
        categories.append(
            NoticeCategory(
                name=_CATEGORY_VERBS.sub("", match.group("label")),
                project_count=int(match.group("count")),
                total_investment=_figure(_NOTICE_TOTAL, clause),
                planned_investment_2022=_figure(_NOTICE_PLANNED, clause),
                quote=clause,
                line=line,
            )
        )
    return categories


def load_notice(path: Path | None = None) -> tuple[list[NoticeCategory], NoticeTotals]:
    """The 2022 notice's categories and totals from the project's copy of the compilation."""
    text = Path(path or SEED_PATH).read_text(encoding="utf-8")
    return parse_notice_categories(text), parse_notice_totals(text)
