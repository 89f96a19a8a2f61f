"""The 2022 notice of joint major projects: its overall figures and its categories,
each with the clause that states it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indicators.project_annex.seed import NOTICE_FIRST_LINE, NOTICE_LAST_LINE
from indicators.seed_text import squeeze

_NOTICE_OVERALL = re.compile(r"项目共(?P<count>\d+)个[^。]*。")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、[^。；，]*$")
_NOTICE_CATEGORY = re.compile(r"^(?P<label>.+?)项目(?P<count>\d+)个")
_NOTICE_TOTAL = re.compile(r"估算总投资约?(?P<value>\d+(?:\.\d+)?)亿元")
_NOTICE_PLANNED = re.compile(r"年度计划(?:完成)?投资约?(?P<value>\d+(?:\.\d+)?)亿元")
_CATEGORY_VERBS = re.compile(r"^(?:合力建设|协同建设|共同建设|联合建设|共建|建设)")


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
