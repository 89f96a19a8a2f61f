"""The reader's output (RawTable), its error (ReadError) and the cell grid it works on.

The readers only find cells and say where each came from; the normaliser written on
top of them parses numbers, resolves names and converts units. So everything here
is raw text plus a position a person can find in the uploaded file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

COLUMNS = (
    "sheet",
    "row",
    "column",
    "region",
    "indicator",
    "period",
    "value",
    "unit",
    "note",
)
"""The columns of ``RawTable.records``, in this order and no others."""

LAYOUTS = ("template", "wide_regions", "wide_indicators", "nbs", "yearbook")


@dataclass(frozen=True, eq=False)  # eq=False: a DataFrame has no single truth value
class RawTable:
    """Every data cell of one uploaded file, with its raw labels and its position.

    ``records`` has one row per data cell and exactly the columns in ``COLUMNS``:
    ``row`` is an int (1-based, as a person sees it in the file or sheet), every other
    column holds ``str`` or ``None`` (object dtype, so that a missing value stays
    ``None`` rather than becoming NaN). A data row whose period cells are all empty
    (a section heading such as 按产业分) gives no records; a blank cell in a row that
    has data gives a record whose value is None, since NBS exports mark "no figure"
    that way. ``layout`` says which reader rules applied, so the normaliser can tell a
    region-by-period export from an indicator-by-period one.

    ``notes`` are the 注 lines without their 注： prefix, continuation lines joined to
    their note with a newline; ``source`` is the 数据来源/资料来源 text without its
    prefix; ``title`` is the first Chinese line above the table, kept whole (table
    number included); ``encoding`` is set for text files only: utf-8-sig, utf-8 or gbk
    (and utf-16 for Excel's "Unicode text" .txt).
    """

    records: pd.DataFrame
    layout: str
    encoding: str | None
    title: str | None
    notes: tuple[str, ...]
    source: str | None


class ReadError(ValueError):
    """A file the readers cannot lay out; the message (Chinese) is shown to the uploader.

    It names the file, and the sheet and row where that helps the statistician find
    the problem; the parts are kept as attributes for callers that log them.
    """

    def __init__(
        self, filename: str, problem: str, sheet: str | None = None, row: int | None = None
    ) -> None:
        self.filename = filename
        self.problem = problem
        self.sheet = sheet
        self.row = row
        super().__init__(f"{filename}{_where(sheet, row)}：{problem}")


def _where(sheet: str | None, row: int | None) -> str:
    parts = []
    if sheet:
        parts.append(f"工作表“{sheet}”")
    if row is not None:
        parts.append(f"第{row}行")
    return f"（{''.join(parts)}）" if parts else ""


@dataclass(frozen=True)
class Merge:
    """A merged range in grid coordinates (0-based, inclusive)."""

    top: int
    left: int
    bottom: int
    right: int


@dataclass
class Grid:
    """One sheet (or one CSV file) as rows of raw cell text, with merged ranges.

    ``cells[r][c]`` is the cell's text as written (``None`` when empty or blank);
    ``numbers[r]`` is the 1-based row a person sees for grid row ``r`` (for CSV, the
    line where the record starts). ``joiner`` rebuilds a footer line that a CSV split
    at unquoted commas.
    """

    sheet: str
    cells: list[list[str | None]]
    numbers: list[int]
    merges: tuple[Merge, ...] = ()
    joiner: str = " "
    _origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        width = max((len(row) for row in self.cells), default=0)
        for row in self.cells:
            row.extend([None] * (width - len(row)))
        for m in self.merges:
            for r in range(m.top, m.bottom + 1):
                for c in range(m.left, m.right + 1):
                    if (r, c) != (m.top, m.left):
                        self._origin[(r, c)] = (m.top, m.left)

    @property
    def height(self) -> int:
        return len(self.cells)

    @property
    def width(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def raw(self, r: int, c: int) -> str | None:
        """The text stored in this very cell (a merge's hidden cells are empty)."""
        if 0 <= r < self.height and 0 <= c < self.width:
            return self.cells[r][c]
        return None

    def shown(self, r: int, c: int) -> str | None:
        """The text a person sees here: a merged range shows its first cell's text."""
        return self.raw(*self._origin.get((r, c), (r, c)))

    def hidden(self, r: int, c: int) -> bool:
        """Whether the cell is covered by a merge that starts elsewhere."""
        return (r, c) in self._origin

    def filled(self, r: int) -> list[tuple[int, str]]:
        """The non-empty cells of row ``r`` as (column, raw text)."""
        return [(c, t) for c, t in enumerate(self.cells[r]) if t is not None]


def column_letter(index: int) -> str:
    """Excel's column name for a 0-based index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_record(grid: Grid, r: int, c: int, **labels: str | None) -> dict[str, object]:
    """One record: the cell's place (sheet, row a person sees, column letter) and its
    raw labels (region, indicator, period, value, unit, note)."""
    record: dict[str, object] = {"sheet": grid.sheet, "row": grid.numbers[r]}
    record["column"] = column_letter(c)
    for name in COLUMNS[3:]:
        record[name] = labels.get(name)
    return record


def records_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The records DataFrame with exactly COLUMNS; text columns stay object so None survives."""
    data = {
        name: pd.Series([r[name] for r in rows], dtype="int64" if name == "row" else object)
        for name in COLUMNS
    }
    return pd.DataFrame(data, columns=list(COLUMNS))
