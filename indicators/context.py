"""The circle's size in three numbers — GDP, resident population, GDP per head — for
总览's context cards: a 30-second reader sees how big the economy is, how fast it
moved and what share of the nation it holds, before the targets.

Each figure is the latest annual one held for the scope, the best layer first (the
frame handed in is ``db.observations.current_observations``: published before
reported before the synthetic sample, ``indicators.layers``). A figure published
for the scope itself wins as a whole; only where the scope has none is it the sum
of its members by the catalogue's aggregation rule (``indicators.aggregation``,
full coverage), and it says so — a sum is never presented as a published figure.
GDP per head is computed here from GDP and year-end population of one year (the
catalogue has no such indicator), and says that too. Every part carries the layer
it comes from, the worst of its inputs, so a synthetic input reads 示例数据.

Growth is the published real growth rate (``gdp_growth``) of that year where one
is held in a layer no worse than the value's, else the nominal change on the
previous year's figure of the same series, labelled as such; a bound (超过 X) gives
no growth. A share of the nation needs the nation's figure of the same year
(``workflows.national_totals``); without it there is no share, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from indicators.aggregation import Rule, derive
from indicators.layers import layer_rank

GDP = "gdp"
POPULATION = "population"
GDP_GROWTH = "gdp_growth"
PER_CAPITA = "gdp_per_capita"  # computed here, not a catalogue indicator
CARD_UNITS = {GDP: "亿元", POPULATION: "万人", PER_CAPITA: "元"}
# 亿元 / 万人 = 10,000 元 per person
YUAN_PER_HEAD = 10_000.0


@dataclass(frozen=True)
class Figure:
    year: int
    value: float
    layer: str  # the worst layer of its inputs (indicators.layers)
    bound: str = ""  # "lower" (超过 X) | "upper" | ""
    ids: tuple[int, ...] = ()  # the observations it is, for their source notes


@dataclass(frozen=True)
class Growth:
    percent: float
    kind: str  # "real": the published real growth rate | "nominal": change of the value
    base_year: int
    layer: str


@dataclass(frozen=True)
class Share:
    percent: float
    kind: str  # "share": of the nation's total | "relative": of the national average
    bound: str  # the figure's bound: a share of a lower bound is a lower bound
    national: tuple[dict[str, str], ...]  # the national figures used, with their source


@dataclass(frozen=True)
class ContextCard:
    key: str  # GDP | POPULATION | PER_CAPITA
    unit: str
    origin: str  # "own": the scope's figure | "members": their sum | "computed" | "none"
    figure: Figure | None
    growth: Growth | None = None
    share: Share | None = None

    @property
    def layer(self) -> str | None:
        return None if self.figure is None else self.figure.layer


def _worst(*layers: str) -> str:
    return max(layers, key=layer_rank)


def _annual(observations: pd.DataFrame, indicator: str) -> pd.DataFrame:
    if observations.empty:
        return observations
    rows = observations[observations.indicator_id == indicator]
    return rows[rows.period.astype(str).str.fullmatch(r"\d{4}")]


def _bound_of(row: object) -> str:
    bound = getattr(row, "bound", "")
    return bound if isinstance(bound, str) else ""


def _own(rows: pd.DataFrame) -> dict[int, Figure]:
    return {
        int(r.period): Figure(
            int(r.period), float(r.value), str(r.layer), _bound_of(r), (int(r.id),)
        )
        for r in rows.itertuples(index=False)
    }


def _of_members(
    rows: pd.DataFrame, indicator: str, members: Sequence[str], rule: str
) -> dict[int, Figure]:
    """The members' figures combined by the catalogue's rule, for the years every
    member has one; the layer is the worst of theirs; lower and upper bounds mixed
    make no figure."""
    derived = derive(Rule(rule), indicator, list(members), rows).dropna(subset=["value"])
    series: dict[int, Figure] = {}
    for row in derived.itertuples(index=False):
        year_rows = rows[
            (rows.period.astype(str) == str(row.period)) & rows.region_code.isin(members)
        ]
        bounds = {_bound_of(r) for r in year_rows.itertuples(index=False)} - {""}
        if len(bounds) > 1:
            continue
        series[int(row.period)] = Figure(
            int(row.period),
            float(row.value),
            _worst(*year_rows.layer.astype(str)),
            bounds.pop() if bounds else "",
        )
    return series


def series_of(
    observations: pd.DataFrame,
    indicator: str,
    scope: str,
    members: Sequence[str],
    rule: str,
) -> tuple[dict[int, Figure], str]:
    """The annual figures of ``scope`` by year and their origin: its own where it has
    any ("own"), else its ``members``' combined by ``rule`` ("members"), else none."""
    rows = _annual(observations, indicator)
    if rows.empty:
        return {}, "none"
    own = rows[rows.region_code == scope]
    if not own.empty:
        return _own(own), "own"
    combined = _of_members(rows, indicator, members, rule) if members else {}
    return combined, ("members" if combined else "none")


def _nominal(series: Mapping[int, Figure], latest: Figure) -> Growth | None:
    before = series.get(latest.year - 1)
    if before is None or latest.bound or before.bound or before.value == 0:
        return None
    return Growth(
        (latest.value / before.value - 1) * 100,
        "nominal",
        before.year,
        _worst(latest.layer, before.layer),
    )


def _real(observations: pd.DataFrame, scope: str, latest: Figure) -> Growth | None:
    """The published real growth rate of the figure's year, from a layer no worse
    than the figure's (a synthetic rate never sits on a published value)."""
    rows = _annual(observations, GDP_GROWTH)
    if rows.empty:
        return None
    rows = rows[(rows.region_code == scope) & (rows.period.astype(str) == str(latest.year))]
    rows = rows[rows.layer.map(layer_rank) <= layer_rank(latest.layer)]
    held = [r for r in rows.itertuples(index=False) if not _bound_of(r)]
    if not held:
        return None
    best = min(held, key=lambda r: layer_rank(r.layer))
    return Growth(float(best.value), "real", latest.year - 1, str(best.layer))


def _national(national: pd.DataFrame, indicator: str, year: int) -> dict[str, str] | None:
    if national.empty:
        return None
    rows = national[
        (national.indicator_id == indicator) & (national.period.astype(str) == str(year))
    ]
    if rows.empty:
        return None
    return {k: str(v) for k, v in rows.iloc[0].to_dict().items()}


def _share(national: pd.DataFrame, indicator: str, figure: Figure) -> Share | None:
    nation = _national(national, indicator, figure.year)
    if nation is None or float(nation["value"]) <= 0:
        return None
    return Share(figure.value / float(nation["value"]) * 100, "share", figure.bound, (nation,))


def _card(
    key: str,
    series: Mapping[int, Figure],
    origin: str,
    observations: pd.DataFrame,
    national: pd.DataFrame,
    scope: str,
) -> ContextCard:
    if not series:
        return ContextCard(key, CARD_UNITS[key], "none", None)
    latest = series[max(series)]
    growth = (_real(observations, scope, latest) if key == GDP else None) or _nominal(
        series, latest
    )
    share = _relative(national, latest) if key == PER_CAPITA else _share(national, key, latest)
    return ContextCard(key, CARD_UNITS[key], origin, latest, growth, share)


def _per_head(gdp: Mapping[int, Figure], population: Mapping[int, Figure]) -> dict[int, Figure]:
    """GDP per head for the years both are held (a bound on population makes none:
    dividing by a bound bounds nothing usefully)."""
    return {
        year: Figure(
            year,
            gdp[year].value / population[year].value * YUAN_PER_HEAD,
            _worst(gdp[year].layer, population[year].layer),
            gdp[year].bound,
            gdp[year].ids + population[year].ids,
        )
        for year in sorted(set(gdp) & set(population))
        if not population[year].bound and population[year].value > 0
    }


def _relative(national: pd.DataFrame, figure: Figure) -> Share | None:
    """GDP per head as a percentage of the nation's, both on year-end population."""
    gdp, people = (
        _national(national, GDP, figure.year),
        _national(national, POPULATION, figure.year),
    )
    if gdp is None or people is None or float(people["value"]) <= 0:
        return None
    nation = float(gdp["value"]) / float(people["value"]) * YUAN_PER_HEAD
    return Share(figure.value / nation * 100, "relative", figure.bound, (gdp, people))


def context_cards(
    observations: pd.DataFrame,
    national: pd.DataFrame,
    scope: str,
    members: Sequence[str],
    rules: Mapping[str, str],
) -> tuple[ContextCard, ContextCard, ContextCard]:
    """GDP, population and GDP per head of ``scope``: latest annual figure, growth,
    share of the nation.

    ``observations``: current observations (indicator_id, region_code, period, value,
    layer, bound, id) of GDP, population and GDP growth for the scope and its
    ``members``; ``national``: the nation's figures (indicator_id, period, value and
    their source columns); ``rules``: the catalogue's aggregation rule by indicator."""
    gdp, gdp_origin = series_of(observations, GDP, scope, members, rules.get(GDP, "sum"))
    people, people_origin = series_of(
        observations, POPULATION, scope, members, rules.get(POPULATION, "sum")
    )
    return (
        _card(GDP, gdp, gdp_origin, observations, national, scope),
        _card(POPULATION, people, people_origin, observations, national, scope),
        _card(PER_CAPITA, _per_head(gdp, people), "computed", observations, national, scope),
    )
