"""Read a bulletin file (.txt, .md, .html/.htm) into text for indicators.bulletin.propose."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class BulletinFileError(ValueError):
    """A file the reader refuses, with a message in Chinese."""


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: ARG002
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "div", "tr", "li", "h1", "h2", "h3"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".md", ".html", ".htm"):
        raise BulletinFileError(
            f"不支持的文件类型：{suffix or '无扩展名'}（只接受 .txt、.md、.html、.htm）"
        )
    if path.stat().st_size > max_bytes:
        raise BulletinFileError(f"文件过大：{path.stat().st_size} 字节，上限 {max_bytes} 字节")
    raw = path.read_bytes()
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
