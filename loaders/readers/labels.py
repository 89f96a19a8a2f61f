"""Text rules that recognise the parts of a statistics table.

Statistics offices write the same things many ways: 2023 / 2023年 / ２０２３年 /
2023Q2 / 2023年1-6月; 单位：亿元 / 单位:万人 (10 000 persons); 注： / 数据来源：
lines under the table. Recognition works on a normalised copy (NFKC, no blanks) and
never changes the text that is reported.
"""

from __future__ import annotations

import re
import unicodedata

BLANKS = " \t\r\n\u3000\xa0\ufeff"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")

_PERIOD_TAIL = (
    r"(?:"
    r"|年度?|年[末底]"
    r"|年?[Qq][1-4]|年?第?[一二三四1-4]季度?"
    r"|年?[上下]半年|年?[Hh][12]"
    r"|年?(?:\d{1,2}[-—–~至])?\d{1,2}月(?:份|末|底)?"
    r"|[-/]\d{1,2}(?:[-/]\d{1,2})?"
    r"|年?[-—–~至]\d{4}年?"
    r")"
)
_PERIOD = re.compile(rf"(\d{{4}}){_PERIOD_TAIL}")
_NUMBER = re.compile(r"[-+]?(?:\d[\d,]*)?\.?\d+(?:[eE][-+]?\d+)?%?")
_PAREN_TAIL = re.compile(r"[(（]([^()（）]{1,20})[)）]\s*$")
_ENGLISH_PAREN_TAIL = re.compile(r"\s*[(（][^()（）]*[A-Za-z][^()（）]*[)）]\s*$")
_UNIT_LINE = re.compile(r"(?:计量)?单位\s*[:：]\s*(.+)$", re.S)
_META = re.compile(
    r"^(数据库|指标|时间|地区|Database|Indicators?|Index|Year|Time|Region|Area)\s*[:：]\s*(.*)$",
    re.S | re.I,
)
# the English edition of the NBS portal writes its lines in English
_META_ZH = {
    "database": "数据库",
    "indicator": "指标",
    "indicators": "指标",
    "index": "指标",
    "year": "时间",
    "time": "时间",
    "region": "地区",
    "area": "地区",
}
# a bracketed unit line on its own, as English-edition yearbooks put one above the last
# year column: (10 000 persons), (100 million yuan)
_BRACKETED = re.compile(r"^[(（]([^()（）]{1,30})[)）]$")
_NOTE = re.compile(r"^(?:注|附注|说明)\s*(?:[:：]|$|(?=[0-9０-９①-⑳(（]))|^notes?\s*[:：]", re.I)
_SOURCE = re.compile(r"^(?:数据来源|资料来源|来源|sources?)\s*[:：]", re.I)
_ADMIN = re.compile(
    r"^(?:表\s*号|制表(?:机关|单位|人)?|填报(?:单位|日期|人)|填表人|报送(?:单位|日期)|批准(?:机关|文号)"
    r"|有效期(?:至)?|报告期|日期|(?:统计|单位)?负责人|联系电话)\s*[:：]"
)
_TABLE_NUMBER = re.compile(r"^\s*\d{1,2}\s*[-—–]\s*\d{1,3}[A-Za-z]?[\s\u3000]")
_BILINGUAL = re.compile(r"^(.*[\u3400-\u9fff)）%％‰])\s+([A-Za-z][^\u3400-\u9fff]*)$", re.S)

_UNIT_CHARS = set(
    "元人吨个天米亩户家辆次件台项列箱岁时度克升床位架倍顷方瓦条所座套张册株头只斤里㎡"
)
_ASCII_UNITS = {"%", "‰", "TEU", "t", "km", "kg", "kWh", "m²", "m³", "μg/m³", "µg/m³", "ug/m3"}
_NOT_UNIT_WORDS = ("含", "按", "其中", "以上", "以下")

REGION_WORDS = {
    "地区",
    "区域",
    "地区名称",
    "城市",
    "市州",
    "市(州)",
    "区县",
    "区(县)",
    "县(市、区)",
    "省份",
    "省(区、市)",
    "行政区",
    "行政区划",
    "region",
    "regions",
    "area",
    "city",
    "province",
    "provinces",
    "district",
    "county",
}
INDICATOR_WORDS = {
    "指标",
    "指标名称",
    "项目",
    "项目名称",
    "名称",
    "主要指标",
    "item",
    "items",
    "indicator",
    "indicators",
    "index",
}
UNIT_WORDS = {"单位", "计量单位", "unit", "units"}
NOTE_WORDS = {"备注", "附注", "说明", "note", "notes", "remark", "remarks"}
IGNORED_WORDS = {"序号", "编号", "代码", "行政区划代码", "区划代码", "no", "no.", "code"}
TEMPLATE_WORDS = {
    "region": {"地区", "region"},
    "indicator": {"指标", "indicator"},
    "period": {"期间", "period"},
    "value": {"数值", "value"},
    "unit": {"单位", "unit"},
    "note": {"备注", "note"},
}
INSTRUCTION_SHEET = re.compile(r"说明|instruction|readme", re.I)


def clean(text: str | None) -> str | None:
    """The text without surrounding blanks (full-width too); None when nothing is left."""
    if text is None:
        return None
    text = text.strip(BLANKS)
    return text or None


def norm(text: str) -> str:
    """A comparison key: NFKC (full-width digits to ASCII), no blanks, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(text))


def is_period(text: str | None) -> bool:
    """Whether a header cell names a period (a year, quarter, half, month or span).

    A trailing unit in brackets (``2023年(亿元)``) is allowed; index headers such as
    ``上年=100`` and growth headers such as ``比上年增长(%)`` are not periods.
    """
    if not text:
        return False
    key = norm(text)
    tail = _PAREN_TAIL.search(key)
    if tail and looks_like_unit(tail.group(1)):
        key = key[: tail.start()]
    match = _PERIOD.fullmatch(key)
    return match is not None and 1900 <= int(match.group(1)) <= 2100


def is_number(text: str) -> bool:
    """Whether a cell holds a plain number (so a row with it is data, not a header)."""
    return bool(_NUMBER.fullmatch(norm(text)))


def looks_like_unit(text: str) -> bool:
    """Whether bracketed text is a unit (亿元, 万人, %, km) rather than a year span or a remark."""
    key = unicodedata.normalize("NFKC", text).strip()
    if not key or re.fullmatch(r"[\d\s\-—–~年./]+", key):
        return False
    if key in _ASCII_UNITS:
        return True
    if has_cjk(key):
        return any(ch in _UNIT_CHARS for ch in key) and not any(w in key for w in _NOT_UNIT_WORDS)
    return bool(re.fullmatch(r"[a-zµμ/²³0-9 ]{1,16}", key))


def unit_in_label(text: str | None) -> str | None:
    """The unit a label carries in trailing brackets: 地区生产总值(亿元) → 亿元."""
    if not text:
        return None
    match = _PAREN_TAIL.search(text.strip(BLANKS))
    if match and looks_like_unit(match.group(1)):
        return clean(match.group(1))
    return None


def unit_in_line(text: str) -> str | None:
    """The unit of a 单位 line, without its English gloss: 单位:亿元 (100 million yuan) → 亿元."""
    match = _UNIT_LINE.search(text)
    if not match:
        return None
    unit = _ENGLISH_PAREN_TAIL.sub("", match.group(1).strip(BLANKS))
    if unit.endswith(("）", ")")) and unit.count("）") + unit.count(")") > unit.count(
        "（"
    ) + unit.count("("):
        unit = unit[:-1]
    return clean(unit)


def meta(text: str) -> tuple[str, str] | None:
    """A portal metadata line (数据库：/指标：/时间：/地区：) as (key, rest)."""
    match = _META.match(text.strip(BLANKS))
    if not match:
        return None
    key = match.group(1)
    return _META_ZH.get(key.lower(), key), match.group(2).strip(BLANKS)


def bracketed_unit(text: str | None) -> str | None:
    """The unit of a cell that is only a bracketed unit: ``(10 000 persons)`` → ``10 000 persons``."""
    match = _BRACKETED.match((text or "").strip(BLANKS))
    if match and looks_like_unit(match.group(1)):
        return clean(match.group(1))
    return None


def is_note(text: str) -> bool:
    return bool(_NOTE.match(text.strip(BLANKS)))


def is_source(text: str) -> bool:
    return bool(_SOURCE.match(text.strip(BLANKS)))


def is_unit_line(text: str) -> bool:
    return bool(re.match(r"^[(（]?\s*(?:计量)?单位\s*[:：]", text.strip(BLANKS)))


def is_admin_line(text: str) -> bool:
    """The form's paperwork (表号：/制表机关：/填报单位：/报告期：), never a title or header."""
    return bool(_ADMIN.match(text.strip(BLANKS)))


def strip_note(text: str) -> str:
    """The text of a 注 line without its 注： prefix."""
    return _NOTE.sub("", text.strip(BLANKS), count=1).strip(BLANKS)


def strip_source(text: str) -> str:
    return _SOURCE.sub("", text.strip(BLANKS), count=1).strip(BLANKS)


def has_table_number(text: str) -> bool:
    """A yearbook title starts with its table number: ``2-13 分区域地区生产总值``."""
    return bool(_TABLE_NUMBER.match(text))


def split_bilingual(text: str) -> tuple[str, str | None]:
    """A yearbook label's Chinese part and English gloss, on one line or two."""
    lines = [line.strip(BLANKS) for line in re.split(r"[\r\n]+", text) if line.strip(BLANKS)]
    if len(lines) > 1 and any(has_cjk(x) for x in lines):
        chinese = " ".join(x for x in lines if has_cjk(x))
        english = " ".join(x for x in lines if not has_cjk(x)) or None
        return chinese, english
    match = _BILINGUAL.match(text.strip(BLANKS))
    if match:
        return match.group(1).strip(BLANKS), match.group(2).strip(BLANKS)
    return text.strip(BLANKS), None


def header_words(text: str) -> set[str]:
    """The normalised words of a header cell (地区\\年份 → {地区, 年份}; 项 目 Item → {项目, item})."""
    chinese, english = split_bilingual(text)
    words: set[str] = set()
    for part in (chinese, english):
        if part:
            words.update(w for w in re.split(r"[\\/／、|]+", norm(part)) if w)
    return words


def label_role(text: str | None) -> str | None:
    """What a label column holds, from its header: region, indicator, unit, note or ignore."""
    if not text:
        return None
    words = header_words(text)
    for role, vocabulary in (
        ("region", REGION_WORDS),
        ("indicator", INDICATOR_WORDS),
        ("unit", UNIT_WORDS),
        ("note", NOTE_WORDS),
        ("ignore", IGNORED_WORDS),
    ):
        if words & vocabulary:
            return role
    return None


def template_role(text: str) -> str | None:
    """Which column of the project's long template a header cell names, if any."""
    key = norm(text)
    for role, words in TEMPLATE_WORDS.items():
        if key in words:
            return role
    return None


def strip_label(text: str | None, bilingual: bool) -> str | None:
    """A row label without indentation and the ``#`` that marks "of which" rows.

    In yearbooks the English gloss (same cell or next line) is dropped, since the
    normaliser resolves Chinese names.
    """
    label = clean(text)
    if label is None:
        return None
    if bilingual:
        label = split_bilingual(label)[0]
    return clean(label.lstrip(BLANKS + "#＃"))
