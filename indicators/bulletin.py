"""Statistics-bulletin reader (issue 20 item 1): propose observations from bulletin text.

Pure: no file reading. ``propose`` splits the text into sentences and finds an indicator name
(or alias, config/catalogue/indicators.yaml) that heads its clause — only time, scope, verb
words or a region's name before it, so 人均GDP, 各类企业R&D经费 and 成都平原经济区's GDP are
not taken — followed by a number and unit; converts the value to the indicator's unit
(indicators.units); reads the period (全年 / 上半年 / 一季度 / 1—5月 / 前三季度, else the
document's, from its first line; the year from the text, else from a release date); turns
``比上年增长X%`` into the indicator's growth indicator (``<id>_growth`` or the one named
``<name>增速``) and ``占地区生产总值比重为Y%`` into its share indicator when the catalogue has
them. A figure is the region's named at the head of its clause or of an earlier clause of the
sentence (成都市固定资产投资…,社会消费品零售总额…), else the document's; the parts a sentence
lists after a figure (其中,四川部分…,重庆部分…) get the figure's indicator. ``region_of`` names
the region a document speaks of from its title, lead sentence or issuer, through the regions
directory. A text in traditional characters (a mirror page of a 公报) is read in simplified
characters, and the spaces a PDF's line breaks leave between two characters are closed up
(``readable``), so the figures and their sentences are found; the sentences are quoted as read.

Numbers are read by the intake's own parser (indicators/normalise.parse_number: full-width digits,
万/亿 prefixes), which is pure text handling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import opencc

from indicators.catalogue import Catalogue
from indicators.normalise import NormaliseError, parse_number
from indicators.regions import RegionDirectory, RegionError
from indicators.units import BASE_UNITS, UnitError, convert, split_unit

IndicatorNames = Mapping[str, tuple[Sequence[str], str]]

# a sentence; a run of more than 1,000 characters without a full stop is no sentence of a
# bulletin (its longest are some 500) and is read in pieces, so that no input makes the work on
# one sentence grow with the square of the file
_SENTENCE = re.compile(r"[^。！？；;\n]{1,1000}[。！？；;]?")
_YEAR = re.compile(r"(\d{4})年")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_RANGE = "[—\\-－~～至―–]"
_PART = [
    (re.compile(r"一季度"), "03"),
    (re.compile(r"上半年"), "06"),
    (re.compile(r"前三季度"), "09"),
    (re.compile(rf"1月?{_RANGE}\s*(\d{{1,2}})月"), None),
]
_ANNUAL = re.compile(r"全年|年末|年底|\d{4}年末")
_NUM = r"\d+(?:\.\d+)?"
_UNIT = (
    r"(?P<prefix>万亿|亿|万|千)?(?P<base>"
    + "|".join(re.escape(u) for u in BASE_UNITS)
    + r"|辆|天|岁|%|‰)"
)
_VERB = {
    "为": "equal",
    "达到": "equal",
    "达": "equal",
    "实现": "equal",
    "是": "equal",
    "增至": "equal",
    "超过": "at_least",
    "超": "at_least",
    "突破": "at_least",
    "近": "about",
    "约": "about",
    "迈上": "at_least",  # 迈上3万亿元新台阶
    "稳定在": "equal",  # 稳定在1050万吨以上: the bound after it says more
}
_BOUND = {"以上": "at_least", "左右": "about", "以内": "at_most"}
_PAREN = r"(?:[（(][^)）]{0,24}[)）])?"
_LEVEL = re.compile(
    _PAREN
    + r"\s*(?:现价总量|总量)?\s*(?:连续\d+年)?(?:平均值?)?(?P<verb>"
    + "|".join(sorted(_VERB, key=len, reverse=True))
    + rf")?\s*(?P<num>{_NUM})\s*"
    + _UNIT
    + "(?P<bound>"
    + "|".join(_BOUND)
    + ")?"
)
# 比上年增长6.0%, 同比(下同)增长6.2%, 同比增长为24.3%, 增速为5.6%
_SIGNED = (
    r"(?:比上年同期|比上年|同比)?"
    + r"(?:[（(][^)）]{0,8}[)）])?"
    + rf"\s*(?P<dir>增长|下降|增速)\s*为?\s*(?P<rate>{_NUM})\s*%"
)
# what may stand between a level and its growth rate: a note in brackets, the price basis,
# the absolute change (比上年增加159.2亿元)
_BRIDGE = (
    _PAREN
    + r"[，,、]?\s*(?:按(?:可比|不变)价格?计算[，,]?)?\s*"
    + rf"(?:比上年末?增加{_NUM}\s*(?:万亿|亿|万|千)?\S{{0,2}}?[，,])?\s*"
)
_GROWTH_AFTER = re.compile(_BRIDGE + _SIGNED)
_GROWTH_ONLY = re.compile(_PAREN + r"(?:增速)?\s*" + _SIGNED)
# 川渝地区生产总值达到10.14万亿元、占全国比重达7.2%
_NATIONAL_AFTER = re.compile(
    rf"[，,、]?\s*占全国(?:的)?(?:比重)?(?:为|达到|达)?\s*(?P<share>{_NUM})\s*%"
)
_SHARE_AFTER = re.compile(
    r"[，,、]?\s*(?:总量)?占(?:全市|全省)?(?:地区生产总值|GDP|经济总量)的?(?:比重)?(?:为|达到|达)?\s*"
    + rf"(?P<share>{_NUM})\s*%"
)
# the words a clause may hold before its subject: time, scope, verbs, a region's name
_LEAD = re.compile(
    r"(?:\d{4}年|\d{1,2}月(?:\d{1,2}日)?|全年|上半年|下半年|前三季度|[一二三四]季度|"
    rf"1月?{_RANGE}\d{{1,2}}月|年末|年底|末|全市|全省|全区|全县|全社会|其中|共|累计|"
    r"实现|完成|投入|培育|引进|当年|今年|去年|经初步核算|初步核算)"
)
# a region's name before the subject, when the document's own region names are not given
_ANY_REGION = r"[^\s，,；;：:。、]{1,10}?(?:省|市|区|县|经济圈|都市圈)"
_CLAUSE = re.compile(r"[，,；;：:。、！？（）()“”\"\s丨|【】]")
_GAP = re.compile(r"(\d)[.．]\s+(\d)")  # 7492. 4万人次, as some pages print it


@dataclass(frozen=True)
class Proposal:
    indicator: str
    region: str | None
    period: str
    value: float
    unit: str
    wording: str
    comparator: str = "equal"  # at_least (超/突破), about (近/约)
    growth: float | None = None  # the rate stated with the figure (比上年增长X%), for display


_TO_SIMPLIFIED = opencc.OpenCC("t2s")
_HAN = re.compile(r"[\u3400-\u9fff]")
_H = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"  # Chinese characters and full-width signs
_SPLIT_WORD = re.compile(
    rf"(?<=[{_H}])[ \t\u3000]+(?=[{_H}0-9A-Za-z(%])|(?<=[{_H}0-9A-Za-z)%,.])[ \t\u3000]+(?=[{_H}])"
)


# what a page's text run together on one line: a numbered section heading before its paragraph
# (。 一、综合 初步核算…), a chart's caption (图4：2021~2025年社会消费品零售总额 从限额以上…) and a
# table's last cell before the next paragraph (18.76 城镇新增就业人员…)
_S = "[ \\t\u3000]"
_HEADING = re.compile(r"[一二三四五六七八九十]{1,3}、[^\s，,。；;：:]{2,20}")
_INLINE_HEADING = re.compile(rf"(?<!\S)({_HEADING.pattern}){_S}+(?=\S)")
_INLINE_CAPTION = re.compile(rf"(?<!\S)(图{_S}*\d+{_S}*[：:]\S{{1,60}}){_S}+(?=\S)")
_CELL_BEFORE_TEXT = re.compile(
    rf"(?m)^({_S}*-?\d+\.\d+){_S}+"
    + "(?!(?:万亿|亿|万|千)?(?:"
    + "|".join(re.escape(u) for u in BASE_UNITS)
    + "|%|‰))(?=[\u4e00-\u9fff])"
)


def _lines(text: str) -> str:
    """The headings, captions and table cells a page's text runs into a paragraph, on lines of
    their own: a sentence does not run across them (二、民营经济 全年民营经济增加值… is not the
    clause 民营经济全年民营经济增加值 once the spaces are closed up)."""
    text = _INLINE_HEADING.sub(r"\n\1\n", text)
    text = _INLINE_CAPTION.sub(r"\n\1\n", text)
    return _CELL_BEFORE_TEXT.sub(r"\1\n", text)


def readable(text: str) -> tuple[str, bool]:
    """``text`` in simplified characters with words closed up, and whether it was converted.

    Converted only when at least 1 % of its Chinese characters (and 5 or more) are traditional:
    OpenCC's t2s also maps a few characters that simplified texts use (乾, 著 …), which a
    simplified bulletin must keep. A space beside a Chinese character is one a PDF's line
    breaks or a page's layout left (比 上年增长, 增加 值为, 2024 年, 占 GDP 的比重为 61.6%);
    Chinese text has none of its own — except where a page's text runs a heading, a chart's
    caption or a table's last cell into the next paragraph: those are put on lines of their own
    first (``_lines``)."""
    text = _lines(text)
    simplified = _TO_SIMPLIFIED.convert(text)
    changed = sum(a != b for a, b in zip(text, simplified, strict=False))
    converted = changed >= 5 and changed >= 0.01 * len(_HAN.findall(text))
    return _SPLIT_WORD.sub("", simplified if converted else text), converted


def fold(text: str) -> str:
    """Full-width to half-width (NFKC) and the split decimals some pages print closed up."""
    return _GAP.sub(r"\1.\2", unicodedata.normalize("NFKC", text))


def _part(sentence: str) -> str | None:
    """The month a cumulative period ends (``03`` … ``11``), ``""`` for a year, None if unsaid."""
    for pattern, month in _PART:
        match = pattern.search(sentence)
        if match:
            return f"{month or int(match.group(1)):0>2}"
    return "" if _ANNUAL.search(sentence) else None


def period_of(sentence: str, year: int, default: str | None = None) -> str:
    """The canonical period (``YYYY`` or ``YYYY-01/MM``) a sentence speaks of; one that names
    none speaks of the document's (``default``: a month as _part gives it, or annual)."""
    part = _part(fold(sentence))
    if part is None:
        part = default or ""
    return f"{year}-01/{part}" if part else str(year)


def document_year(text: str, part: str | None) -> int | None:
    """The year a document reports on: the first ``YYYY年``; else from a release date (a
    year's figures come out the year after, part-year figures the same year)."""
    found = _YEAR.search(text)
    if found:
        return int(found.group(1))
    date = _DATE.search(text)
    if date:
        return int(date.group(1)) - (0 if part else 1)
    return None


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def title_of(text: str) -> str:
    """The document's heading: its first line when that is one (short, no full stop)."""
    line = first_line(text)
    return line if len(line) <= 80 and "。" not in line else ""


_COMMA = re.compile(r"[，,；;：:。！？]")
_FIGURE = re.compile(rf"{_NUM}\s*(?:万亿|亿|万)?(?:元|人|%)")


def _lead_sentences(text: str, count: int = 3) -> list[str]:
    """The first sentences that state a figure (a number with a unit)."""
    return [raw for raw in _SENTENCE.findall(fold(text)) if _FIGURE.search(raw)][:count]


def region_of(text: str, directory: RegionDirectory, issuer: str | None = None) -> str | None:
    """The region a document reports on: the one its title names, else its lead sentence,
    else its issuer (重庆市统计局). The earliest name wins, the longest at one place; names
    of one character (渝, 川) are too ambiguous inside words to count."""
    names = sorted(
        {
            name
            for region in directory
            for name in (region.name_zh, *region.aliases)
            if len(name) >= 2 and not name.isascii()
        },
        key=len,
        reverse=True,
    )
    places = [title_of(text)]
    for sentence in _lead_sentences(text):  # the clause of its first figure, then all of it
        figure = _FIGURE.search(sentence)
        if figure is None:  # _lead_sentences yields only sentences with a figure
            continue
        start = max((m.end() for m in _COMMA.finditer(sentence, 0, figure.start())), default=0)
        places += [sentence[start : figure.end()], sentence]
    for place in (*places, first_line(text), issuer or ""):
        hits = [(place.find(name), -len(name), name) for name in names if name in place]
        for _, _, name in sorted(hits):
            try:
                return directory.resolve(name).code
            except RegionError:
                continue
    return None


def catalogue_indicators(catalogue: Catalogue) -> dict[str, tuple[tuple[str, ...], str]]:
    """Each indicator's names (its Chinese name first, then its aliases) and unit."""
    return {
        ind.id: ((ind.name_zh, *ind.aliases), ind.unit) for ind in catalogue.indicators.values()
    }


def _related(
    indicators: IndicatorNames,
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Each indicator's growth indicator, its share-of-GDP indicator and its share-of-the-nation
    indicator (``<name>占全国比重``), by id or name."""
    by_name = {names[0]: ind for ind, (names, _) in indicators.items() if names}
    growth: dict[str, str] = {}
    share: dict[str, str] = {}
    national: dict[str, str] = {}
    for ind, (names, _) in indicators.items():
        if not names:
            continue
        if f"{ind}_growth" in indicators:
            growth[ind] = f"{ind}_growth"
        elif f"{names[0]}增速" in by_name:
            growth[ind] = by_name[f"{names[0]}增速"]
        if f"{names[0]}占地区生产总值比重" in by_name:
            share[ind] = by_name[f"{names[0]}占地区生产总值比重"]
        if f"{names[0]}占全国比重" in by_name:
            national[ind] = by_name[f"{names[0]}占全国比重"]
    return growth, share, national


@dataclass(frozen=True)
class _Reading:
    """What reading a document needs besides its sentences."""

    indicators: IndicatorNames
    growth_of: Mapping[str, str]
    share_of: Mapping[str, str]
    lead: re.Pattern[str]  # what may stand before a subject
    places: re.Pattern[str] | None  # the regions' names
    regions: Mapping[str, str]  # each name's region code
    national_of: Mapping[str, str]  # each indicator's share-of-the-nation indicator
    # every name as bulletins write it, with its indicator, by its first character
    spellings: Mapping[str, tuple[tuple[str, str], ...]]
    starts: re.Pattern[str]  # where a name may start


def _reading(indicators: IndicatorNames, regions: Mapping[str, str]) -> _Reading:
    """Time, scope and verb words and the regions' names may stand before a subject (any
    region-like name when the names are not given); an area that is no region of the master
    data (成都平原经济区 in Sichuan's bulletin) makes the figure that area's: not proposed."""
    names = sorted(regions, key=len, reverse=True)
    places = re.compile("|".join(re.escape(n) for n in names)) if names else None
    region = places.pattern if places else _ANY_REGION
    growth_of, share_of, national_of = _related(indicators)
    lead = re.compile(f"(?:{_LEAD.pattern}|{region})+")
    every = {
        (s, ind) for ind, (names, _) in indicators.items() for n in names for s in _spellings(n)
    }
    spellings: dict[str, tuple[tuple[str, str], ...]] = {}
    for spelling, ind in sorted(every):
        spellings[spelling[0]] = (*spellings.get(spelling[0], ()), (spelling, ind))
    starts = re.compile("[" + "".join(re.escape(c) for c in sorted(spellings)) + "]")
    return _Reading(
        indicators, growth_of, share_of, lead, places, regions, national_of, spellings, starts
    )


def _subject(
    sentence: str, start: int, reading: _Reading, own: str | None
) -> tuple[bool, str | None]:
    """Whether the name at ``start`` heads its clause (nothing before it but what ``lead``
    allows: not 人均, 城镇居民, 规模以上工业企业 …, which make it a part), and the region it
    speaks of: the last region named before it in the clause (其中,成都市完成地区生产总值…),
    else the document's."""
    head = _BRACKETS.sub(lambda m: _NOTE * len(m.group()), sentence[:start])
    clause_start = max((m.end() for m in _CLAUSE.finditer(head)), default=0)
    prefix = head[clause_start:].replace(_NOTE, "")
    if prefix and reading.lead.fullmatch(prefix) is None:
        return False, None
    return True, _clause_region(sentence, start, reading) or own


# a note in brackets between a qualifier and the name does not part them: 民族自治地方(包括阿坝…)
# 地区生产总值 is the area's, not the province's
_NOTE = "\x00"


_BRACKETS = re.compile(r"[（(][^)）]*[)）]")
_WORDS = re.compile(f"(?:{_LEAD.pattern})*")


def _clause_region(sentence: str, end: int, reading: _Reading) -> str | None:
    """The region the sentence speaks of at ``end``: the last one named at the head of a
    clause before it (成都市固定资产投资…,社会消费品零售总额… is 成都市's), not in brackets
    (成都都市圈(成都、德阳、眉山、资阳) is the area's)."""
    if reading.places is None:
        return None
    inside = [m.span() for m in _BRACKETS.finditer(sentence, 0, end)]
    found = None
    for match in reading.places.finditer(sentence, 0, end):
        if any(a <= match.start() < b for a, b in inside):
            continue
        head = max((m.end() for m in _CLAUSE.finditer(sentence, 0, match.start())), default=0)
        if _WORDS.fullmatch(sentence[head : match.start()]):
            found = reading.regions[match.group()]
    return found


def _value(number: str, prefix: str | None, base: str, unit: str, name: str = "") -> float | None:
    """The figure in the indicator's unit, read by the intake's number parser. A count of trips
    bulletins write in 人 (空港旅客吞吐量5112.69万人) is in 人次 when the indicator counts trips;
    a rate per unit (人/亿元) is written in its numerator when the name says what it is per
    (亿元地区生产总值生产安全事故死亡人数0.016人)."""
    if base == "人" and split_unit(unit)[1] == "人次":
        base = "人次"
    per, _, whole = unit.partition("/")
    if whole and name.startswith(whole) and split_unit(base)[1] == split_unit(per)[1]:
        unit = per
    try:
        parsed = parse_number(number + (prefix or ""))
    except NormaliseError:
        return None
    if parsed.value is None:
        return None
    try:
        return round(convert(parsed.value, f"{parsed.prefix}{base}", unit), 6)
    except UnitError:
        return None


def _spellings(name: str) -> set[str]:
    """A name as bulletins write it: 第一产业增加值 also as 第一产业实现增加值, 高速公路通车里程
    also as 高速公路通车总里程."""
    name = unicodedata.normalize("NFKC", name)
    if name.endswith("增加值") and len(name) > 3:
        return {name, f"{name[:-3]}实现增加值"}
    if name.endswith("里程") and len(name) > 2 and not name.endswith("总里程"):
        return {name, f"{name[:-2]}总里程"}
    return {name}


def _occurrences(sentence: str, reading: _Reading) -> list[tuple[int, int, str]]:
    """Where each indicator's names stand in ``sentence``: (start, end, id), in reading order,
    the longest name first at one place. The names are spelled once per document (``_reading``)
    and found by plain substring search: a whole bulletin has hundreds of sentences."""
    found = []
    for start in reading.starts.finditer(sentence):
        at = start.start()
        for spelling, ind in reading.spellings[start.group()]:
            if sentence.startswith(spelling, at):
                found.append((at, at + len(spelling), ind))
    return sorted(found, key=lambda o: (o[0], o[0] - o[1]))


def propose(
    text: str,
    indicators: IndicatorNames,
    region: str | None = None,
    year: int | None = None,
    regions: Mapping[str, str] | None = None,
) -> list[Proposal]:
    """Proposals from ``text``; ``indicators`` maps an id to (names and aliases, catalogue unit);
    ``regions`` maps the names of every region, as texts write them, to its code."""
    folded_text = fold(text)
    default = _part(first_line(folded_text))
    if year is None:
        year = document_year(folded_text, default)
    if year is None:
        return []
    reading = _reading(indicators, regions or {})
    proposals: list[Proposal] = []
    last: Proposal | None = None  # the last figure, whose indicator parts (四川部分…) share
    parts_of_part = False
    elsewhere = False  # under a heading that names another area (十五、民族自治地方经济)
    for raw in _SENTENCE.findall(text):
        wording = raw.strip()
        sentence = fold(wording)
        if not sentence:
            continue
        if _HEADING.fullmatch(sentence):
            elsewhere = _other_area(sentence, reading)
            continue
        if elsewhere:
            continue
        years = _YEAR.findall(sentence)
        period = period_of(sentence, int(years[0]) if years else year, default)
        base = Proposal("", region, period, 0.0, "", wording)
        found = _in_sentence(sentence, base, reading)
        if sentence.startswith("其中"):  # the parts of a part (民营经济增加值's 第一产业增加值…)
            parts_of_part = last is not None and not _is_total(last, reading)
        if parts_of_part:  # until the enumeration's full stop
            found = []
        parts_of_part = parts_of_part and sentence.endswith((";", "；"))
        if not found and last is not None:
            found = _parts(sentence, replace(last, period=period, wording=wording), reading)
        last = next((p for p in found if p.unit != "%"), last)
        proposals += found
    return _once(proposals, title_of(text))


_AREA = re.compile(r"(?:地方|地区|经济区|片区|自治州|自治县)(?:经济)?$")


def _other_area(heading: str, reading: _Reading) -> bool:
    """Whether a section's heading names an area that is no region of the directory (十五、民族
    自治地方经济 in Sichuan's bulletin): the section's figures are that area's, not proposed."""
    body = heading.split("、", 1)[1]
    return bool(_AREA.search(body)) and not (reading.places and reading.places.search(body))


def _in_sentence(sentence: str, base: Proposal, reading: _Reading) -> list[Proposal]:
    """The figures of one sentence (``base`` holds its region, period and wording); each
    indicator once, at the first place it heads a clause with a figure."""
    found: dict[str, Proposal] = {}
    growth_of, share_of = reading.growth_of, reading.share_of
    region = base.region

    def add(ind: str, value: float, unit: str, comparator: str = "equal", **kw: Any) -> None:
        if ind not in found:
            found[ind] = replace(
                base,
                indicator=ind,
                region=region,
                value=value,
                unit=unit,
                comparator=comparator,
                **kw,
            )

    for start, end, ind in _occurrences(sentence, reading):
        if ind in found:
            continue
        heads, region = _subject(sentence, start, reading, base.region)
        if not heads:
            continue
        unit = reading.indicators[ind][1]
        rest = sentence[end:]
        level = _LEVEL.match(rest)
        value = level and _value(
            level["num"], level["prefix"], level["base"], unit, sentence[start:end]
        )
        if level and value is not None:
            after = rest[level.end() :]
            growth = _GROWTH_AFTER.match(after)
            rate = _rate(growth)
            bound = _BOUND.get(level["bound"] or "") or _VERB.get(level["verb"] or "", "equal")
            add(ind, value, unit, bound, growth=rate)
            if rate is not None and ind in growth_of:
                add(growth_of[ind], rate, "%")
            tail = after[growth.end() :] if growth else after
            for pattern, related in (
                (_SHARE_AFTER, share_of),
                (_NATIONAL_AFTER, reading.national_of),
            ):
                share = pattern.match(tail)
                share_value = share and _value(share["share"], None, "%", "%")
                if share_value is not None and ind in related:
                    add(related[ind], share_value, "%")
            continue
        rate = _rate(_GROWTH_ONLY.match(rest))
        if rate is not None and ind in growth_of:
            add(growth_of[ind], rate, "%")
    return list(found.values())


def _is_total(figure: Proposal, reading: _Reading) -> bool:
    """Whether a figure is the region's total (地区生产总值), whose parts are the region's own."""
    return any("地区生产总值" in name for name in reading.indicators[figure.indicator][0])


def _parts(sentence: str, last: Proposal, reading: _Reading) -> list[Proposal]:
    """Figures of the last figure's indicator for the regions a sentence names without naming
    the indicator again: 其中,四川部分26267.5亿元、同比增长5.6%,重庆部分14098.2亿元…"""
    if reading.places is None:
        return []
    clause = re.compile(
        rf"(?:^|[，,；;])\s*(?:其中[，,]?\s*)?(?P<place>{reading.places.pattern})"
        rf"(?:为|实现|完成)?\s*(?P<num>{_NUM})\s*{_UNIT}"
    )
    found: list[Proposal] = []
    for match in clause.finditer(sentence):
        value = _value(match["num"], match["prefix"], match["base"], last.unit)
        if value is None:
            continue
        region = reading.regions[match["place"]]
        rate = _rate(_GROWTH_AFTER.match(sentence[match.end() :]))
        found.append(replace(last, region=region, value=value, comparator="equal", growth=rate))
        if rate is not None and last.indicator in reading.growth_of:
            growth = reading.growth_of[last.indicator]
            found.append(replace(found[-1], indicator=growth, value=rate, unit="%", growth=None))
    return found


def _once(proposals: list[Proposal], title: str) -> list[Proposal]:
    """Each figure once (a title repeats the body's): the first sentence that states it, a
    sentence of the body before the title's."""
    chosen: dict[Key, Proposal] = {}
    for p in proposals:
        key = key_of(p)
        if key not in chosen or (chosen[key].wording == title and p.wording != title):
            chosen[key] = p
    return list(chosen.values())


def _rate(growth: re.Match[str] | None) -> float | None:
    if growth is None:
        return None
    rate = parse_number(growth["rate"]).value
    if rate is None:
        return None
    return -rate if growth["dir"] == "下降" else rate


def read_bulletin(
    text: str,
    directory: RegionDirectory,
    indicators: IndicatorNames,
    region: str | None = None,
    issuer: str | None = None,
    year: int | None = None,
) -> tuple[str | None, list[Proposal]]:
    """The region (``region`` resolved, else the document's own) and the proposals of a bulletin
    (read in simplified characters, see ``readable``)."""
    text, _ = readable(text)
    code = directory.resolve(region).code if region else region_of(text, directory, issuer)
    return code, propose(text, indicators, code, year, region_names(directory))


def region_names(directory: RegionDirectory) -> dict[str, str]:
    """Every region's Chinese names and aliases that name it alone, to its code (names of one
    character, 渝 and 川, stand inside too many words to count)."""
    names: dict[str, str] = {}
    for region in directory:
        for name in (region.name_zh, *region.aliases):
            if len(name) < 2 or name.isascii():
                continue
            try:
                names[unicodedata.normalize("NFKC", name)] = directory.resolve(name).code
            except RegionError:
                continue
    return names


Key = tuple[str, str | None, str, float]


def key_of(p: Proposal) -> Key:
    return (p.indicator, p.region, p.period, round(p.value, 6))


@dataclass(frozen=True)
class Score:
    proposed: int
    expected: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0


def score(proposals: Sequence[Proposal], expected: set[Key]) -> Score:
    """Proposals against hand labels: a proposal is right when indicator, region, period and
    value all agree (once per figure: a figure the title repeats counts once)."""
    found = {key_of(p) for p in proposals}
    return Score(len(found), len(expected), len(found & expected))
