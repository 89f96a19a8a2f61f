"""The context cards' figures (indicators.context): latest year, growth, share of the
nation, the layer and origin they carry — table-driven over small frames."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.context import GDP, PER_CAPITA, POPULATION, ContextCard, context_cards

RULES = {GDP: "sum", POPULATION: "sum", "gdp_growth": "not_combinable"}
MEMBERS = ("m1", "m2")
NATION = pd.DataFrame(
    [
        {"indicator_id": GDP, "period": "2024", "value": 1_000_000.0, "release": "公报2024"},
        {"indicator_id": POPULATION, "period": "2024", "value": 100_000.0, "release": "公报2024"},
    ]
)
NO_NATION = pd.DataFrame(columns=["indicator_id", "period", "value"])


def _obs(spec: str) -> pd.DataFrame:
    """ "indicator region period value layer [bound]; …" → a current-observations frame."""
    rows = [r.split() for r in spec.split(";") if r.strip()]
    return pd.DataFrame(
        [
            {
                "id": n,
                "indicator_id": r[0],
                "region_code": r[1],
                "period": r[2],
                "value": float(r[3]),
                "layer": r[4],
                "bound": r[5] if len(r) > 5 else "",
            }
            for n, r in enumerate(rows, 1)
        ],
        columns=["id", "indicator_id", "region_code", "period", "value", "layer", "bound"],
    )


# name; observations; card; expected figure "year value layer origin" ("- - - none");
# growth "percent kind [layer]" or "-" (layer: the figure's unless named);
# share "percent kind bound" ("=" for no bound) or "-" ("- nation": no national totals)
CASES = [
    (
        "ctx001 latest annual year wins; quarters and half-years are not years",
        "gdp ccec 2023 60000 published; gdp ccec 2024 66000 published;"
        " gdp ccec 2025-01/06 40000 published; gdp ccec 2025Q1 20000 published",
        GDP, "2024 66000 published own", "10.0 nominal", "6.6 share =",
    ),
    (
        "ctx002 a published real growth rate of the year is used, not the nominal change",
        "gdp ccec 2023 60000 published; gdp ccec 2024 66000 published;"
        " gdp_growth ccec 2024 5.7 published",
        GDP, "2024 66000 published own", "5.7 real", "6.6 share =",
    ),
    (
        "ctx003 a synthetic growth rate never sits on a published value: nominal instead",
        "gdp ccec 2023 60000 published; gdp ccec 2024 66000 published;"
        " gdp_growth ccec 2024 9.9 sample",
        GDP, "2024 66000 published own", "10.0 nominal", "6.6 share =",
    ),
    (
        "ctx004 no figure for the year before: no growth",
        "gdp ccec 2022 55000 published; gdp ccec 2024 66000 published",
        GDP, "2024 66000 published own", "-", "6.6 share =",
    ),
    (
        "ctx005 a lower bound (超过) gives no growth and a share that is a lower bound",
        "gdp ccec 2023 60000 published; gdp ccec 2024 65000 published lower",
        GDP, "2024 65000 published own", "-", "6.5 share lower",
    ),
    (
        "ctx006 no national figure of that year: no share",
        "gdp ccec 2025 70000 published",
        GDP, "2025 70000 published own", "-", "-",
    ),
    (
        "ctx007 no national totals at all: no share",
        "population ccec 2024 9850 published",
        POPULATION, "2024 9850 published own", "-", "- nation",
    ),
    (
        "ctx008 a synthetic figure is labelled sample",
        "population ccec 2023 9800 sample; population ccec 2024 9849 sample",
        POPULATION, "2024 9849 sample own", "0.5 nominal", "9.849 share =",
    ),
    (
        "ctx009 growth across layers takes the worse layer",
        "population ccec 2023 9800 sample; population ccec 2024 9849 published",
        POPULATION, "2024 9849 published own", "0.5 nominal sample", "9.849 share =",
    ),
    (
        "ctx010 no figure of the circle itself: the members' sum, said to be one",
        "population m1 2024 3000 published; population m2 2024 6000 sample",
        POPULATION, "2024 9000 sample members", "-", "9.0 share =",
    ),
    (
        "ctx011 a member missing a year: no sum for that year (full coverage)",
        "population m1 2024 3000 published; population m1 2023 2900 published;"
        " population m2 2023 5900 published",
        POPULATION, "2023 8800 published members", "-", "-",
    ),
    (
        "ctx012 the circle's own figure wins as a whole over its members' later sum",
        "population ccec 2023 9000 published; population m1 2024 3000 sample;"
        " population m2 2024 6100 sample",
        POPULATION, "2023 9000 published own", "-", "-",
    ),
    (
        "ctx013 GDP per head: GDP / year-end population of one year, against the nation's",
        "gdp ccec 2024 80000 published; population ccec 2024 10000 published",
        PER_CAPITA, "2024 80000 published computed", "-", "80.0 relative =",
    ),
    (
        "ctx014 GDP per head from a synthetic population is sample",
        "gdp ccec 2024 80000 published; population ccec 2024 10000 sample",
        PER_CAPITA, "2024 80000 sample computed", "-", "80.0 relative =",
    ),
    (
        "ctx015 GDP per head only for a year both are held; its growth from two such years",
        "gdp ccec 2025 90000 published; gdp ccec 2024 80000 published;"
        " gdp ccec 2023 70000 published; population ccec 2024 10000 published;"
        " population ccec 2023 10000 published",
        PER_CAPITA, "2024 80000 published computed", "14.3 nominal", "80.0 relative =",
    ),
    ("ctx016 nothing held: no figure", "", GDP, "- - - none", "-", "-"),
]  # fmt: skip


def _pick(cards: tuple[ContextCard, ...], key: str) -> ContextCard:
    return next(c for c in cards if c.key == key)


@pytest.mark.parametrize(
    ("name", "rows", "key", "figure", "growth", "share"),
    CASES,
    ids=[c[0].split()[0] for c in CASES],
)
def test_ctx_cards(name: str, rows: str, key: str, figure: str, growth: str, share: str) -> None:
    nation = NO_NATION if share.endswith("nation") else NATION
    card = _pick(context_cards(_obs(rows), nation, "ccec", MEMBERS, RULES), key)
    year, value, layer, origin = figure.split()
    assert card.origin == origin, name
    if year == "-":
        assert card.figure is None and card.growth is None and card.share is None, name
        return
    assert card.figure is not None, name
    assert (card.figure.year, card.layer) == (int(year), layer), name
    assert card.figure.value == pytest.approx(float(value)), name
    if growth == "-":
        assert card.growth is None, name
    else:
        assert card.growth is not None, name
        percent, kind, *growth_layer = growth.split()
        assert (round(card.growth.percent, 1), card.growth.kind) == (float(percent), kind), name
        assert card.growth.layer == (growth_layer[0] if growth_layer else layer), name
    if share.startswith("-"):
        assert card.share is None, name
    else:
        assert card.share is not None, name
        percent, kind, bound = share.split()
        assert card.share.percent == pytest.approx(float(percent)), name
        assert (card.share.kind, card.share.bound) == (kind, "" if bound == "=" else bound), name


def test_ctx000_three_cards_in_order() -> None:
    cards = context_cards(_obs(""), NATION, "ccec", MEMBERS, RULES)
    assert [c.key for c in cards] == [GDP, POPULATION, PER_CAPITA]


def test_ctx017_the_share_names_the_national_figure_it_used() -> None:
    gdp = context_cards(_obs("gdp ccec 2024 66000 published"), NATION, "ccec", MEMBERS, RULES)[0]
    assert gdp.share is not None
    assert [(n["indicator_id"], n["period"], n["release"]) for n in gdp.share.national] == [
        (GDP, "2024", "公报2024")
    ]
    assert gdp.figure is not None and gdp.figure.ids == (1,)  # for its source note
