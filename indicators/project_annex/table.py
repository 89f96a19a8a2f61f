"""The annex table itself: its rows (项目), section subtotals and 合计, read from the
lines of the flattened table (:func:`parse_annex`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from indicators.project_annex.lines import (
    CJK,
    YEAR,
    Line,
    parse_figure,
    printed_width,
    select_lines,
    split_cells,
)
from indicators.project_annex.numbers import NumberCells, numeric_tail
from indicators.project_annex.seed import ANNEX_FIRST_LINE, ANNEX_LAST_LINE
from indicators.seed_text import squeeze

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


def _head_span(lines: list[Line], at: int) -> int:
    """How many lines the head of a row starting at line ``at`` spans; 0 if no row starts there.

    A row starts with 序号 followed by 所在地, or by a river and then 所在地 — on
    the same line or, when the table printed them one above the other, on the
    next one or two lines (``2`` / ``嘉陵江`` / ``重庆``).
    """
    match = _SERIAL_LINE.match(lines[at].text)
    if not match:
        return 0
    if match.group(2):
        cells = split_cells(match.group(2))
        if _LOCATION.match(cells[0]) or (len(cells) > 1 and _LOCATION.match(cells[1])):
            return 1
        return 0
    following = [line.text for line in lines[at + 1 : at + 3]]
    if following and _LOCATION.match(following[0]):
        return 2
    if (
        len(following) == 2
        and CJK.search(following[0])
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


def _is_number_line(line: Line, numbers: NumberCells) -> bool:
    """Number pieces, unless bare numbers come before any year: then text ("11.447" 公里)."""
    return line.numeric and (not numbers.empty or bool(YEAR.match(line.tokens[0])))


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
        width = printed_width(name[0]) if name else 0
        split = 0
        pieces = list(name)
        while split < len(lead):
            if (
                not pieces
                or printed_width(pieces[-1]) < width
                or "".join(pieces).endswith(NAME_ENDINGS)
            ):
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
    lines: list[Line], head_span: int, section: str, waterway: str | None
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
    numbers = NumberCells(head.number)

    if head_span == 1:
        tokens = head.tokens[1:]
        tail = numeric_tail(tokens)
        if tail < len(tokens):
            numbers.add(tokens[tail:], head.number)
        cells = split_cells(" ".join(tokens[:tail]))
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
        if _is_number_line(line, numbers) or len(split_cells(line.text)) != 1:
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
        cells = split_cells(line.text)
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
    lines = select_lines(text, first_line, last_line)
    start = next((i for i, line in enumerate(lines) if _GRAND_TOTAL.match(line.text)), None)
    if start is None:
        raise ValueError(f"第{first_line}—{last_line or '末'}行中找不到“合计”行")
    grand = _GRAND_TOTAL.match(lines[start].text)
    assert grand is not None
    totals = (
        parse_figure(grand.group(1), lines[start].number, "合计的总投资"),
        parse_figure(grand.group(2), lines[start].number, "合计的“十四五”期间投资"),
    )

    sections: list[AnnexSection] = []
    rows: list[tuple[list[Line], int, str]] = []  # lines, head span, section
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
                    total_investment=parse_figure(heading.group(3), line.number, f"{name}的小计"),
                    plan_period_investment=parse_figure(
                        heading.group(4), line.number, f"{name}的小计"
                    ),
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
