"""Propose candidate targets from any plan text, so that staff can bring in
the next plan and check that the curated catalogue missed nothing.

A rule-based reader, on purpose: every proposal can be explained by the words
that triggered it. It splits the text into sentences (across the hard wraps),
finds numbers with a unit, drops the numbers that only identify things (years,
document numbers, 5G, 第N批), and reads the wording around each number for the
comparator (以上 / 左右 / 以下 …), the kind (年均增长, 比…下降, 累计, 新增 …), the
year and 力争. What it proposes is a candidate for a person to confirm, not a
catalogue entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from indicators.seed_text import SeedText
from indicators.units import BASE_UNITS

# every unit the catalogue converts (units.BASE_UNITS with their magnitude
# prefixes), and those it keeps as they are
UNITS = sorted(
    {prefix + base for prefix in ("", "万", "亿", "万亿") for base in BASE_UNITS}
    | {
        "%",
        "‰",
        "个百分点",
        "小时",
        "分钟",
        "天",
        "个工作日",
        "年",
        "岁",
        "吨级",
        "米",
        "万套",
        "张",
        "台",
    },
    key=len,
    reverse=True,
)
_UNIT = "|".join(re.escape(u) for u in UNITS)
_NUMBER = re.compile(
    r"(?P<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*[—–\-~～至到]\s*(?P<high>\d+(?:\.\d+)?))?\s*"
    rf"(?P<unit>{_UNIT})"
)
_SENTENCE_END = re.compile(r"[。；;！？]")
_YEAR = re.compile(r"(?:到|至|于|在)?(20\d\d)年")
_NOT_A_TARGET_AFTER = ("年", "月", "日", "号", "批", "届", "次会议", "G")
_BASELINE_CUES = ("现有", "目前", "已", "拥有", "现状", "达到了", "实现了", "截至", "共有")
# what the catalogue refuses (docs/catalogue-format.md, "What is not an entry"): the count of
# the districts, counties or cities a plan-area sentence lists, and a number in a location clause
_PLAN_AREA = re.compile(r"范围(?:包括|为)")
_AREA_COUNT = re.compile(r"个?(?:区|县|市)")
_LOCATION = re.compile(r"规划建设有|属.{0,30}?(?:圈|范围)")
_CLAUSE = re.compile(r"[，,；;。]")


@dataclass(frozen=True)
class Candidate:
    line: int
    sentence: str
    value: float
    value_high: float | None
    unit: str
    comparator: str
    kind: str
    year: int | None
    stretch: bool
    base_year: int | None = None


def _sentences(seed: SeedText, first: int, last: int) -> Iterator[tuple[int, str]]:
    """(offset in the squeezed text, sentence) over lines ``first``..``last``."""
    begin = seed._starts[first - 1]
    end = seed._starts[last] if last < seed.line_count else len(seed.squeezed)
    text = seed.squeezed[begin:end]
    start = 0
    for match in _SENTENCE_END.finditer(text + "。"):
        sentence = text[start : match.end()]
        if sentence.strip("。；;！？"):
            yield begin + start, sentence
        start = match.end()


def _comparator(before: str, after: str, high: str | None) -> str:
    if high:
        return "range"
    if after.startswith(("以上", "及以上", "多")) or before.endswith(
        ("超过", "突破", "不低于", "不少于", "大于")
    ):
        return "at_least"
    if after.startswith(("以下", "以内", "之内")) or before.endswith(
        ("控制在", "不超过", "不高于", "低于", "少于")
    ):
        return "at_most"
    if after.startswith("左右") or before.endswith(("约", "近", "大约")):
        return "about"
    return "reach"


def _kind(before: str) -> str:
    """What the words of the clause before the number make of it."""
    clause = re.split(r"[，,：:]", before)[-1]
    if "年均" in clause and ("增长" in clause or "增速" in clause):
        return "growth"
    if re.search(r"比20\d\d年(?:末)?(?:下降|降低|减少|增长|提高|提升)", clause):
        return "change"
    if "累计" in clause:
        return "cumulative"
    if any(cue in clause for cue in _BASELINE_CUES):
        return "baseline"
    if any(
        cue in clause[-8:]
        for cue in ("新增", "新建", "建成", "创建", "培育", "打造", "引进", "新开")
    ):
        return "count"
    return "level"


def _is_identifier(sentence: str, match: re.Match[str]) -> bool:
    after = sentence[match.end("value") : match.end("value") + 3]
    before = sentence[max(0, match.start() - 1) : match.start()]
    if match.group("unit") == "年" and not re.match(
        r"\d+年(?:以上|左右|内|以内|时间)", sentence[match.start() :]
    ):
        return True  # a year, not a duration
    if before in ("第", "〔", "[") or after.startswith(_NOT_A_TARGET_AFTER[1:]):
        return True
    return False


def _not_a_figure(sentence: str, match: re.Match[str]) -> bool:
    """A plan-area count (规划范围包括……等27个区（县）) or a number of a location
    clause (规划建设有渝蓉等7条高速, 属成渝1小时通勤圈): no entry, so no candidate."""
    if _PLAN_AREA.search(sentence) and _AREA_COUNT.match(sentence, match.end("value")):
        return True
    starts = [m.end() for m in _CLAUSE.finditer(sentence, 0, match.start())]
    end = _CLAUSE.search(sentence, match.end())
    clause = sentence[starts[-1] if starts else 0 : end.start() if end else len(sentence)]
    return _LOCATION.search(clause) is not None


def extract(seed: SeedText, first: int = 1, last: int | None = None) -> list[Candidate]:
    """Candidate targets and stated values in lines ``first``..``last`` of ``seed``."""
    last = last or seed.line_count
    candidates: list[Candidate] = []
    horizon: int | None = None  # the 到20XX年 that governs the paragraphs that follow
    for offset, raw in _sentences(seed, first, last):
        # NFKC keeps one character for one here (full-width digits and signs),
        # so positions in ``sentence`` are positions in the seed
        sentence = unicodedata.normalize("NFKC", raw)
        if re.match(r"^(第.{1,3}[章节]|[一二三四五六七八九十]+、)", sentence):
            horizon = None
        governing = re.findall(r"到(20\d\d)年", sentence)
        if governing:
            horizon = int(governing[-1])
        for match in _NUMBER.finditer(sentence):
            if _is_identifier(sentence, match) or _not_a_figure(sentence, match):
                continue
            before = sentence[: match.start()]
            after = sentence[match.end() :]
            high = match.group("high")
            kind = _kind(before)
            value = float(match.group("value").replace(",", ""))
            if kind == "change" and re.search(r"(下降|降低|减少)$", before[-6:]):
                value = -value
            # a year after 比 is the base of a change, not the year of the target
            preceding_years = [int(y) for y in re.findall(r"(?<!比)(20\d\d)年", before)]
            base = re.findall(r"比(20\d\d)年", before)
            candidates.append(
                Candidate(
                    line=seed.line_of(offset + match.start()),
                    sentence=raw,
                    value=value,
                    value_high=float(high) if high else None,
                    unit=match.group("unit"),
                    comparator=_comparator(before, after, high),
                    kind=kind,
                    year=preceding_years[-1] if preceding_years else horizon,
                    stretch="力争" in before,
                    base_year=int(base[-1]) if base and kind == "change" else None,
                )
            )
    return candidates


@dataclass(frozen=True)
class Score:
    candidates: int
    entries: int
    matched_candidates: int
    matched_entries: int

    @property
    def precision(self) -> float:
        return self.matched_candidates / self.candidates if self.candidates else 1.0

    @property
    def recall(self) -> float:
        return self.matched_entries / self.entries if self.entries else 1.0


def matches(candidate: Candidate, line: int, value: float, tolerance: int = 3) -> bool:
    """A candidate finds an entry when it is the same number near the same line."""
    return abs(candidate.line - line) <= tolerance and abs(abs(candidate.value) - abs(value)) < 1e-9


def score(candidates: list[Candidate], entries: list[tuple[int, float]]) -> Score:
    """Precision and recall of ``candidates`` against curated ``(line, value)`` pairs."""
    matched_c = sum(any(matches(c, line, v) for line, v in entries) for c in candidates)
    matched_e = sum(any(matches(c, line, v) for c in candidates) for line, v in entries)
    return Score(len(candidates), len(entries), matched_c, matched_e)
