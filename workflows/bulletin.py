"""Read a bulletin file (.txt, .md, .html/.htm) into text for indicators.bulletin, and write the
proposals as entries of the published layer (config/published/figures.yaml, workflows/published.py)
for the joint office to confirm.

A file may be at most MAX_UPLOAD_BYTES (config/settings.py), the limit of every upload channel;
its text (an HTML page's without tags, scripts and styles) at most MAX_TEXT_CHARS characters, and
a reading at most MAX_PROPOSALS proposals: a whole provincial bulletin is some 20,000–60,000
characters and gives tens of figures, so a larger text is no bulletin and would hold a web worker
for minutes (a 5 MB text takes the reader some 40 s).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from config.settings import load_settings
from indicators.bulletin import Proposal, catalogue_indicators, read_bulletin
from indicators.catalogue import Catalogue
from indicators.regions import RegionDirectory, load_region_directory
from indicators.vintages import GRADES, VINTAGE_ORDER
from workflows.catalogue import read_catalogue_files
from workflows.master_data import REGIONS_FILE

SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_TEXT_CHARS = 300_000
MAX_PROPOSALS = 2_000


class BulletinFileError(ValueError):
    """A file the reader refuses, with a message in Chinese."""


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "div", "tr", "li", "h1", "h2", "h3", "title"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag == "title":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _limit(max_bytes: int | None) -> int:
    return load_settings().max_upload_bytes if max_bytes is None else max_bytes


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise BulletinFileError(f"文件过大：{size} 字节，上限 {max_bytes} 字节")


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise BulletinFileError(
            f"不支持的文件类型：{suffix or '无扩展名'}（只接受 .txt、.md、.html、.htm）"
        )
    return suffix


def read_bytes(name: str, raw: bytes, max_bytes: int | None = None) -> str:
    """The text of a bulletin received as bytes (an upload), named ``name``."""
    suffix = _suffix(name)
    _check_size(len(raw), _limit(max_bytes))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise BulletinFileError("无法识别文件编码（应为 UTF-8 或 GBK）") from exc
    if suffix in (".html", ".htm"):
        parser = _Text()
        parser.feed(text)
        text = "".join(parser.parts)
    return text


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """The text of a bulletin file; its size is checked before a byte is read."""
    _suffix(path.name)
    _check_size(path.stat().st_size, _limit(max_bytes))
    return read_bytes(path.name, path.read_bytes(), max_bytes)


def shipped_reference(
    directory: RegionDirectory | None = None, catalogue: Catalogue | None = None
) -> tuple[RegionDirectory, dict[str, tuple[tuple[str, ...], str]]]:
    """The regions and the catalogue's indicator names: the stored ones the app passes,
    or, for the command line and the bench script that work without a database,
    ``config/regions.yaml`` and the catalogue files."""
    directory = directory or load_region_directory(REGIONS_FILE)
    return directory, catalogue_indicators(catalogue or read_catalogue_files(directory))


def propose_from(
    text: str,
    region: str | None = None,
    issuer: str | None = None,
    year: int | None = None,
    directory: RegionDirectory | None = None,
    catalogue: Catalogue | None = None,
) -> tuple[str | None, list[Proposal]]:
    """The region and the proposals of a bulletin's text, against the shipped catalogue (the
    command line, the 公报读取 page and scripts/bench_bulletin.py all read this way)."""
    if len(text) > MAX_TEXT_CHARS:
        raise BulletinFileError(
            f"正文过长：{len(text)} 字，公报读取的上限为 {MAX_TEXT_CHARS} 字"
            "（一份统计公报约 2–6 万字）；请只上传公报本身"
        )
    directory, indicators = shipped_reference(directory, catalogue)
    found, proposals = read_bulletin(text, directory, indicators, region, issuer, year)
    if len(proposals) > MAX_PROPOSALS:
        raise BulletinFileError(
            f"候选数据过多：{len(proposals)} 条，上限 {MAX_PROPOSALS} 条"
            "（一份统计公报通常几十条）；请检查文件是否为统计公报"
        )
    return found, proposals


def indicator_names(catalogue: Catalogue) -> dict[str, str]:
    """Each indicator's Chinese name, for showing proposals."""
    return {i.id: i.name_zh for i in catalogue.indicators.values()}


def published_entries(
    proposals: Iterable[Proposal],
    publisher: str,
    url: str | None,
    vintage: str = "initial",
    grade: str = "B",
) -> list[dict[str, Any]]:
    """The proposals as entries of figures.yaml (every field workflows/published.py reads)."""
    if vintage not in VINTAGE_ORDER:
        raise BulletinFileError(f"数据版本“{vintage}”无效，应为：{'、'.join(VINTAGE_ORDER)}")
    if grade not in GRADES:
        raise BulletinFileError(f"可信度等级“{grade}”无效，公开数据只收 A、B 或 A/B")
    if not publisher:
        raise BulletinFileError("请注明发布者（publisher），公开数据每条都须有出处")
    entries = []
    for p in proposals:
        if p.region is None:
            raise BulletinFileError("无法从标题或发布机构确定地区，请用 --region 指定")
        entries.append(
            {
                "indicator": p.indicator,
                "region": p.region,
                "period": p.period,
                "value": p.value,
                "unit": p.unit,
                "comparator": p.comparator,
                "vintage": vintage,
                "grade": grade,
                "publisher": publisher,
                "url": url,
                "wording": p.wording,
                "covers": None,
            }
        )
    return entries


def entries_yaml(entries: list[dict[str, Any]], source: str, today: date | None = None) -> str:
    """The entries as YAML list items, under a comment saying they await confirmation."""
    stamp = (today or date.today()).isoformat()
    head = (
        f"\n# --- 公报读取候选（{source}，{stamp}；python manage.py extract-figures）"
        "：联合办公室逐条核对原文后保留 ---\n"
    )
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=10_000)
    return head + body


def append_entries(path: Path, entries: list[dict[str, Any]], source: str) -> None:
    """Append the entries to a figures.yaml-format list (created if absent)."""
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    separator = "" if not existing or existing.endswith("\n") else "\n"
    path.write_text(existing + separator + entries_yaml(entries, source), encoding="utf-8")
