"""The app factory's check of every callback against every page (issue 21 item 3):
``suppress_callback_exceptions`` is off, so Dash checks each callback's component
ids against ``validation_layout`` -- which must therefore hold every page as an
administrator sees it, and must not leak that administrator into real requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import dash
import pytest
from dash.development.base_component import Component

from config.settings import load_settings
from dashboard import app as app_module
from dashboard.app import create_app
from dashboard.auth import current_account
from dashboard.context import EXTENSION
from db.session import make_engine, make_session_factory
from workflows.first_run import ensure_ready


@pytest.fixture(scope="module")
def app(module_full_url: str) -> Iterator[dash.Dash]:
    engine = make_engine(module_full_url)
    factory = make_session_factory(engine)
    built = create_app(load_settings({}), factory)
    built.server.test_client().get("/")  # the first request installs the layouts
    yield built
    engine.dispose()


def _ids_in(tree: object) -> set[str]:
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Component):
            if isinstance(getattr(node, "id", None), str):
                found.add(node.id)
            stack.extend(getattr(node, name, None) for name in node._prop_names)
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return found


def _callback_ids(app: dash.Dash) -> set[str]:
    """Every plain (not pattern-matching) component id a callback names."""
    ids: set[str] = set()
    for output, spec in app.callback_map.items():
        for part in output.strip(".").split("..."):
            component = part.rsplit(".", 1)[0]
            if not component.startswith("{"):
                ids.add(component)
        for dependency in [*spec["inputs"], *spec["state"]]:
            if isinstance(dependency["id"], str) and not dependency["id"].startswith("{"):
                ids.add(dependency["id"])
    return ids


def test_val001_callbacks_are_checked_against_every_page(app: dash.Dash) -> None:
    assert app.config.suppress_callback_exceptions is False
    known = _ids_in(app.validation_layout)
    missing = sorted(_callback_ids(app) - known)
    assert not missing, f"callbacks name components no page draws: {missing}"
    # every page is drawn as an administrator would see it, not as the first visitor
    assert {"admin-denied", "review-denied", "audit-denied"}.isdisjoint(known)


def test_val001b_on_a_database_without_sample_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Components drawn only when there is data (a 'show more' under a long list) are
    still drawn for the check on a database holding published figures alone."""
    monkeypatch.setattr(app_module, "_DRAWN", {})  # drawn on this database, not reused
    engine = make_engine(f"sqlite:///{tmp_path / 'published-only.sqlite'}")
    factory = make_session_factory(engine)
    ensure_ready(engine, factory, sample=False)
    bare = create_app(load_settings({}), factory)
    bare.server.test_client().get("/")
    missing = sorted(_callback_ids(bare) - _ids_in(bare.validation_layout))
    engine.dispose()
    assert not missing, f"callbacks name components no page draws: {missing}"


def test_val002_a_typo_in_a_callback_id_would_be_caught(app: dash.Dash) -> None:
    """The check above can fail: a callback on an id no page draws is named."""
    ids = _callback_ids(app) | {"no-such-component"}
    assert sorted(ids - _ids_in(app.validation_layout)) == ["no-such-component"]


def test_val003_the_drawing_account_never_reaches_a_request(app: dash.Dash) -> None:
    with app.server.test_request_context("/"):
        assert current_account() is None
    client = app.server.test_client()
    page = client.get("/_dash-layout")
    assert page.status_code == 200
    assert "validation-layout" not in json.dumps(page.get_json(), ensure_ascii=False)


def test_val004_the_check_travels_light(app: dash.Dash) -> None:
    """Dash sends the validation layout with every page: ids only, not the pages'
    tables and figures (drawn in full it made the first page 4.3 MB)."""
    index = app.server.test_client().get("/", headers={"Accept-Encoding": "identity"})
    assert index.status_code == 200
    assert b'"suppress_callback_exceptions":false' in index.data
    assert len(index.data) < 60_000


def test_val005_a_page_that_fails_to_draw_does_not_fail_the_first_visit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is drawn on a worker's first page request: one page's bug (the audit
    page once failed on an event without an object) must not make that request fail."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bare.sqlite'}")
    factory = make_session_factory(engine)
    ensure_ready(engine, factory, sample=False)
    built = create_app(load_settings({}), factory)  # Dash reads the pages' layouts here
    audit = next(p for p in dash.page_registry.values() if p["path"] == "/audit")

    def broken(**_query: str) -> None:
        raise TypeError("a bug of the audit page")

    monkeypatch.setitem(audit, "layout", broken)
    first = built.server.test_client().get("/")
    engine.dispose()
    assert first.status_code == 200
    drawn = _ids_in(built.validation_layout)
    assert "home-changes-more" in drawn and not any(i.startswith("audit-") for i in drawn)


def test_val006_a_second_app_in_the_process_draws_no_page_again(
    app: dash.Dash, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dash runs the page modules again for every app, so the layout functions are new
    objects each time; the check drawn for the first app is still the second's (keyed by
    their id(), every app drew every page again: 23 of test_security's 40 s of CPU)."""
    factory = app.server.extensions[EXTENSION]["session_factory"]
    drawn: list[str] = []
    draw = app_module._drawn
    monkeypatch.setattr(app_module, "_drawn", lambda page: drawn.append(page["path"]) or draw(page))
    second = create_app(load_settings({}), factory)
    assert second.server.test_client().get("/").status_code == 200
    assert drawn == []
    assert _ids_in(second.validation_layout) == _ids_in(app.validation_layout)
