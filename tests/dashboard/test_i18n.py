"""The page language lives in the URL: read it, keep it in links, switch it."""

from __future__ import annotations

import pytest

from dashboard.components.header import switch_href
from dashboard.i18n import href, lang_of, method_word, status_word, t


@pytest.mark.parametrize(
    ("value", "lang"),
    [
        ("en", "en"),
        ("zh", "zh"),
        (None, "zh"),
        ("fr", "zh"),
        ("?id=gdp&lang=en", "en"),
        ("?id=gdp", "zh"),
        ("", "zh"),
    ],
)
def test_i18n001_language_from_a_query_value_or_a_whole_search(
    value: str | None, lang: str
) -> None:
    assert lang_of(value) == lang


def test_i18n002_links_keep_english_and_drop_empty_parameters() -> None:
    assert href("/indicator", "en", id="gdp", region=None) == "/indicator?id=gdp&lang=en"
    assert href("/indicator", "zh", id="gdp", region="") == "/indicator?id=gdp"
    assert href("/", "zh") == "/"


def test_i18n003_the_switch_keeps_the_page_state_and_flips_the_language() -> None:
    assert switch_href("/", "?map=gdp&mode=value") == "/?map=gdp&mode=value&lang=en"
    assert switch_href("/", "?map=gdp&lang=en") == "/?map=gdp"
    assert switch_href("/region", None) == "/region?lang=en"


def test_i18n004_words_in_both_languages() -> None:
    assert t("en", "总览", "Overview") == "Overview" and t("zh", "总览", "Overview") == "总览"
    assert (
        status_word("on_track", "zh") == "达到时序进度"
        and status_word("on_track", "en") == "on schedule"
    )
    # one vocabulary: the method's three classes short of the pace read as one word
    for status in ("needs_acceleration", "limited", "deterioration"):
        assert status_word(status, "zh") == "滞后于时序进度"
    assert status_word("met", "zh") == status_word("achieved", "zh") == "已完成"
    assert status_word("missed", "en") == "not achieved"
    assert method_word("limited", "zh") == "进展缓慢"  # the class, for tooltips and trends
