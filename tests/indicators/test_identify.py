"""Proposing the indicator (or region) a file names nowhere, from the figures held (issue 15 item 3)."""

from indicators.identify import Candidate, propose

HELD = [  # (candidate, key, period, value): 重庆 and 四川 GDP and population, published
    ("gdp", "500000", "2023", 30145.79),
    ("gdp", "500000", "2024", 32193.15),
    ("gdp", "510000", "2023", 60132.9),
    ("gdp", "510000", "2024", 64697.0),
    ("population", "500000", "2024", 3190.5),
]


def test_idn001_values_agreeing_with_one_indicator_propose_it() -> None:
    cells = [  # the export's rounding: one decimal
        ("500000", "2023", 30145.8),
        ("500000", "2024", 32193.2),
        ("510000", "2023", 60132.9),
        ("510000", "2024", 64697.0),
        ("110000", "2024", 49670.2),  # outside the monitor: nothing to compare
    ]
    assert propose(cells, HELD) == Candidate("gdp", 4, 4)


def test_idn002_too_few_agreeing_or_two_fitting_candidates_propose_nothing() -> None:
    two = [("500000", "2023", 30145.8), ("500000", "2024", 32193.2)]
    assert propose(two, HELD) is None  # fewer than three agree
    # a census revision moved most years: 1 of 4 agrees, too few to say
    revised = [
        ("500000", "2023", 30145.8),
        ("500000", "2024", 33000.0),
        ("510000", "2023", 61000.0),
        ("510000", "2024", 66000.0),
    ]
    assert propose(revised, HELD) is None
    twin = HELD + [("gdp_copy", k, p, v) for c, k, p, v in HELD if c == "gdp"]
    cells = [(k, p, v) for c, k, p, v in HELD if c == "gdp"]
    assert propose(cells, twin) is None  # two indicators fit equally: no guess


def test_idn003_a_region_is_proposed_the_same_way() -> None:
    held = [(r, "gdp", p, v) for _, r, p, v in HELD[:4]]  # candidates are regions now
    cells = [("gdp", "2023", 30145.8), ("gdp", "2024", 32193.2), ("gdp", "2024", 32193.15)]
    assert propose(cells, held) == Candidate("500000", 3, 3)
