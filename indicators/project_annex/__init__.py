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

The modules: ``seed`` (where in the seed file), ``lines`` (lines and cells of the
flattened table), ``numbers`` (the number columns put back together), ``table``
(rows, sections, :func:`parse_annex`), ``places`` (所在地 → regions), ``notice``
(the 2022 notice) and ``load`` (the one that reads the file). Import from here.
"""

from indicators.project_annex.load import load_annex, load_notice
from indicators.project_annex.notice import (
    NoticeCategory,
    NoticeTotals,
    parse_notice_categories,
    parse_notice_totals,
)
from indicators.project_annex.places import location_regions
from indicators.project_annex.seed import (
    ANNEX_FIRST_LINE,
    ANNEX_LAST_LINE,
    NOTICE_FIRST_LINE,
    NOTICE_LAST_LINE,
    REGIONS_PATH,
    SEED_PATH,
)
from indicators.project_annex.table import (
    Annex,
    AnnexProject,
    AnnexSection,
    parse_annex,
    section_sums,
)

__all__ = [
    "ANNEX_FIRST_LINE",
    "ANNEX_LAST_LINE",
    "NOTICE_FIRST_LINE",
    "NOTICE_LAST_LINE",
    "REGIONS_PATH",
    "SEED_PATH",
    "Annex",
    "AnnexProject",
    "AnnexSection",
    "NoticeCategory",
    "NoticeTotals",
    "load_annex",
    "load_notice",
    "location_regions",
    "parse_annex",
    "parse_notice_categories",
    "parse_notice_totals",
    "section_sums",
]
