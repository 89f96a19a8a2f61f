"""The annex's text as lines and cells: how PDF extraction flattened the table
(see the package docstring) is undone here, one line at a time."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
FRAGMENT = re.compile(r"^(?:\d+\.?\d*|\.\d+|[—\-－/])$")
YEAR = re.compile(r"^(?:19|20)\d\d$")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in the seed file
    text: str  # stripped
    joined: bool  # begins with a space right after a non-empty line: continues that visual line

    @property
    def tokens(self) -> list[str]:
        return self.text.split()

    @property
    def numeric(self) -> bool:
        return all(FRAGMENT.match(t) for t in self.tokens)


def select_lines(text: str, first_line: int, last_line: int | None) -> list[Line]:
    """The non-empty lines of the range, page numbers dropped, numbered as in the file."""
    raw = text.splitlines()
    if first_line < 1 or first_line > len(raw):
        raise ValueError(f"第{first_line}行超出文本范围（共{len(raw)}行）")
    end = len(raw) if last_line is None else min(last_line, len(raw))
    lines: list[Line] = []
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
            lines.append(Line(number, stripped, joined))
        blanks = 0
        previous_empty = False
    return lines


def split_cells(text: str) -> list[str]:
    """Split a line into table cells: a space between two Chinese characters parts two cells.

    A space next to a digit or a Latin letter is the extraction's spacing inside one
    cell (``渠化航道 16``), so those tokens stay together.
    """
    cells: list[str] = []
    for token in text.split():
        if cells and not (CJK.match(cells[-1][-1]) and CJK.match(token[0])):
            cells[-1] += token
        else:
            cells.append(token)
    return cells


def printed_width(text: str) -> int:
    """Printed width: 2 for a full-width character, 1 for anything else."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def parse_figure(token: str, line: int, what: str) -> float:
    if not _NUMBER.match(token):
        raise ValueError(f"第{line}行：{what}“{token}”不是数字")
    return float(token)
