"""The four number columns of an annex row (开工年, 完工年, 总投资, "十四五"投资),
put back together from the pieces narrow columns broke them into."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from indicators.project_annex.lines import FRAGMENT, YEAR, parse_figure

NOT_STATED = ("—", "-", "－", "/")


@dataclass
class NumberCells:
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
        if not YEAR.match(start) or not YEAR.match(end):
            raise ValueError(f"{where}的建设起止年限“{start}—{end}”不是年份")
        if int(start) > int(end):
            raise ValueError(f"{where}的开工年{start}晚于完工年{end}")
        total_value = parse_figure(total, self.first_line, f"{label}的总投资")
        plan_value = (
            None
            if plan in NOT_STATED
            else parse_figure(plan, self.first_line, f"{label}的“十四五”期间投资")
        )
        return int(start), int(end), total_value, plan_value


def numeric_tail(tokens: list[str]) -> int:
    """Where a row's first line turns into number cells: at a year followed by numbers only."""
    for index, token in enumerate(tokens):
        if YEAR.match(token) and all(FRAGMENT.match(t) for t in tokens[index:]):
            return index
    return len(tokens)
