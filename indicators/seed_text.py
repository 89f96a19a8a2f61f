"""The plan texts the catalogue cites, and the checks that tie a quote to them.

The seed files are hard-wrapped: line breaks, blank lines and spaces inserted
around numbers ("2025 年") break sentences apart. A quote is stored with all
whitespace removed; :class:`SeedText` removes it from the text as well and
keeps, for every line, where it starts in the squeezed text, so that "the
quote begins on line N" can be checked exactly.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

_WHITESPACE = re.compile(r"\s+")
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_CHINESE = re.compile(r"[零一二两三四五六七八九十百千]+")
_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ORDERS = {"十": 10, "百": 100, "千": 1000}
_ALL = ("全部", "全覆盖", "全面覆盖")
_STOPS = ("。", "！", "？")


def squeeze(text: str) -> str:
    return _WHITESPACE.sub("", text)


def chinese_number(token: str) -> int | None:
    """一百二十 → 120, 千 → 1000, 两 → 2; None for what is not a number."""
    total, current = 0, 0
    for char in token:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _ORDERS:
            total += (current or 1) * _ORDERS[char]
            current = 0
        else:
            return None
    return total + current


def numbers_in(text: str) -> set[float]:
    """Every number a stretch of plan text states, in Arabic or Chinese numerals.

    Full-width digits and the full-width point (６６．２) are folded first;
    thousands separators are dropped; 全部 / 全覆盖 count as 100 (per cent).
    """
    folded = unicodedata.normalize("NFKC", text).replace(",", "")
    found = {float(m) for m in _ARABIC.findall(folded)}
    for token in _CHINESE.findall(folded):
        value = chinese_number(token)
        if value:
            found.add(float(value))
    if any(word in folded for word in _ALL):
        found.add(100.0)
    return found


@dataclass(frozen=True)
class QuoteMatch:
    line: int  # the line the quote begins on
    original: str  # the quoted stretch as it stands in the file, whitespace and all


class SeedText:
    """One seed file, squeezed, with the start of every line in the squeezed text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self._starts: list[int] = []
        pieces: list[str] = []
        offset = 0
        for line in self.lines:  # a regex per line, not a test per character: every start
            self._starts.append(offset)  # reads the seed files (0.25 s per char loop)
            piece = _WHITESPACE.sub("", line)
            pieces.append(piece)
            offset += len(piece)
        self.squeezed = "".join(pieces)

    def _where(self, position: int) -> tuple[int, int]:
        """(line, column) in the file of the squeezed text's character ``position``."""
        number = self.line_of(position)
        left = position - self._starts[number - 1]
        for column, char in enumerate(self.lines[number - 1]):
            if not char.isspace():
                if left == 0:
                    return number, column
                left -= 1
        raise IndexError(position)

    @classmethod
    def from_file(cls, path: Path) -> SeedText:
        return cls(Path(path).read_text(encoding="utf-8"))

    @cached_property
    def line_count(self) -> int:
        return len(self.lines)

    def line_of(self, position: int) -> int:
        return bisect.bisect_right(self._starts, position)

    def find(self, quote: str, line: int) -> QuoteMatch | None:
        """The quote if it begins on ``line``, else None."""
        needle = squeeze(quote)
        if not needle or not 1 <= line <= self.line_count:
            return None
        begin = self._starts[line - 1]
        end = self._starts[line] if line < self.line_count else len(self.squeezed)
        position = self.squeezed.find(needle, begin)
        if position < 0 or position >= max(end, begin + 1):
            return None
        return QuoteMatch(self.line_of(position), self._original(position, len(needle)))

    def locate(self, quote: str) -> list[int]:
        """Every line a quote begins on (to suggest the right line when one is wrong)."""
        needle = squeeze(quote)
        lines, position = [], self.squeezed.find(needle)
        while needle and position >= 0:
            lines.append(self.line_of(position))
            position = self.squeezed.find(needle, position + 1)
        return lines

    def line_start(self, line: int) -> int:
        """Where ``line`` begins in the squeezed text."""
        return self._starts[line - 1]

    def position(self, quote: str, line: int) -> int | None:
        """Where in the squeezed text the quote begins, if it begins on ``line``."""
        if self.find(quote, line) is None:
            return None
        return self.squeezed.find(squeeze(quote), self._starts[line - 1])

    def sentence(self, quote: str, line: int) -> str | None:
        """The squeezed sentence the quote stands in: from the full stop (。！？)
        before it to the one after it, both excluded; None if the quote is not
        on ``line``."""
        begin = self.position(quote, line)
        if begin is None:
            return None
        end = begin + len(squeeze(quote))
        start = max(self.squeezed.rfind(stop, 0, begin) for stop in _STOPS) + 1
        stops = [p for p in (self.squeezed.find(stop, end - 1) for stop in _STOPS) if p >= 0]
        return self.squeezed[start : min(stops, default=len(self.squeezed))]

    def _original(self, position: int, length: int) -> str:
        first_line, first_col = self._where(position)
        last_line, last_col = self._where(position + length - 1)
        if first_line == last_line:
            return self.lines[first_line - 1][first_col : last_col + 1]
        middle = self.lines[first_line : last_line - 1]
        return "\n".join(
            [
                self.lines[first_line - 1][first_col:],
                *middle,
                self.lines[last_line - 1][: last_col + 1],
            ]
        )


def context_lines(path: Path, line: int, before: int = 2, after: int = 4) -> list[tuple[int, str]]:
    """The seed lines around ``line`` (numbered), to show a quote where it stands."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    first, last = max(1, line - before * 2), min(len(lines), line + after * 2)
    return [(n, lines[n - 1]) for n in range(first, last + 1)]
