"""The annex and the notice from the project's own copy of the compilation: the
one module of the package that reads a file (docs/architecture.md, known debt)."""

from __future__ import annotations

from pathlib import Path

from indicators.project_annex.notice import (
    NoticeCategory,
    NoticeTotals,
    parse_notice_categories,
    parse_notice_totals,
)
from indicators.project_annex.seed import SEED_PATH
from indicators.project_annex.table import Annex, parse_annex


def load_annex(path: Path | None = None) -> Annex:
    """The annex as the project's own copy of the compilation states it."""
    return parse_annex(Path(path or SEED_PATH).read_text(encoding="utf-8"))


def load_notice(path: Path | None = None) -> tuple[list[NoticeCategory], NoticeTotals]:
    """The 2022 notice's categories and totals from the project's copy of the compilation."""
    text = Path(path or SEED_PATH).read_text(encoding="utf-8")
    return parse_notice_categories(text), parse_notice_totals(text)
