"""Periods down the rows, series across: the portal's export with 时间 as the rows.

    数据库：分省年度数据
    地区：重庆市
    时间,地区生产总值(亿元),年末常住人口(万人)
    2023年,30145.79,3191
    2022年,29129.03,3213

The table part is turned a quarter (series down, periods across) so the wide-table
rules read it; the lines above and below stay where they are; every record is then
given back the row and column where a person finds it in the file.
"""

from __future__ import annotations

from loaders.readers.labels import clean, is_number, is_period
from loaders.readers.model import Grid, column_letter

_MARK = 1_000_000  # row numbers of the turned part: _MARK + its column in the file
_SEARCH_ROWS = 60


def _column_index(letter: str) -> int:
    index = 0
    for ch in letter:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _block(grid: Grid) -> tuple[int, int] | None:
    """The header row and the end of a block whose rows start with periods."""
    for h in range(min(grid.height, _SEARCH_ROWS)):
        head = grid.filled(h)
        if len(head) < 2 or head[0][0] != 0 or is_period(head[0][1]):
            continue
        end = h + 1
        while end < grid.height:
            cells = grid.filled(end)
            if not cells or cells[0][0] != 0 or not is_period(cells[0][1]):
                break
            if not all(is_number(t) or clean(t) in ("", "''", "—", "-", "…") for _, t in cells[1:]):
                break
            end += 1
        if end - h >= 3:  # two periods at least
            return h, end
    return None


def turned(grid: Grid) -> tuple[Grid, int] | None:
    """The grid with its period rows turned into columns (and the header's row), or None."""
    found = _block(grid)
    if found is None:
        return None
    h, end = found
    width = max(grid.filled(r)[-1][0] + 1 for r in range(h, end))
    block = [[grid.raw(r, c) for r in range(h, end)] for c in range(width)]
    above = [list(grid.cells[r]) for r in range(h)]
    below = [list(grid.cells[r]) for r in range(end, grid.height) if grid.filled(r)]
    below_numbers = [grid.numbers[r] for r in range(end, grid.height) if grid.filled(r)]
    cells = [*above, *block, *below]
    numbers = [*grid.numbers[:h], *(_MARK + c for c in range(width)), *below_numbers]
    return Grid(grid.sheet, cells, numbers, joiner=grid.joiner), h


def restore(records: list[dict[str, object]], original: Grid, header_row: int) -> None:
    """Give each record of the turned part its row and column in the file."""
    for record in records:
        row = record["row"]
        if not isinstance(row, int):  # the readers write the Grid's row numbers, ints
            raise TypeError(f"记录的行号应为整数，得到 {row!r}")
        if row < _MARK:
            continue
        column = row - _MARK
        j = _column_index(str(record["column"]))
        record["row"] = original.numbers[header_row + j]
        record["column"] = column_letter(column)
