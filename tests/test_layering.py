"""Dependencies point one way: the domain layer imports no web or database code."""

from __future__ import annotations

import subprocess
import sys

from config.settings import PROJECT_ROOT

CHECK = """
import importlib, pkgutil, sys
import indicators
for module in pkgutil.walk_packages(indicators.__path__, 'indicators.'):
    importlib.import_module(module.name)
bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN})
assert not bad, bad
"""


def _run(package: str, forbidden: set[str]) -> subprocess.CompletedProcess[str]:
    code = CHECK.replace("indicators", package).replace("{FORBIDDEN}", repr(forbidden))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True
    )


def test_lay001_indicators_import_no_dash_flask_or_sqlalchemy() -> None:
    result = _run("indicators", {"dash", "flask", "sqlalchemy", "apscheduler", "plotly"})
    assert result.returncode == 0, result.stderr


def test_lay002_db_and_loaders_import_no_web_code() -> None:
    for package in ("db", "loaders"):
        result = _run(package, {"dash", "flask", "plotly"})
        assert result.returncode == 0, (package, result.stderr)
