"""What pages and API routes need from the running app, per request.

The app factory stores the session factory on the Flask app; pages and
routes read it here instead of importing a global, so tests can build apps on
their own databases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from db.catalogue import plans
from db.regions import load_directory
from indicators.regions import RegionDirectory

EXTENSION = "ccec_monitor"
T = TypeVar("T")


def session_factory() -> sessionmaker[Session]:
    return current_app.extensions[EXTENSION]["session_factory"]


def settings() -> Settings:
    return current_app.extensions[EXTENSION]["settings"]


def per_request(key: str, load: Callable[[], T]) -> T:
    """``load()`` once per request: a page and its figures often need the same
    frame, and a cache that lives no longer than the request cannot go stale."""
    memo = g.setdefault("ccec_memo", {})
    if key not in memo:
        memo[key] = load()
    return memo[key]


def region_directory() -> RegionDirectory:
    def load() -> RegionDirectory:
        with session_factory()() as session:
            return load_directory(session)

    return per_request("region_directory", load)


def plan_titles() -> dict[str, str]:
    with session_factory()() as session:
        return {plan.id: plan.title for plan in plans(session)}
