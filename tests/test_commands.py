"""The README's two commands are the only set-up, and CI runs the README's test command."""

from __future__ import annotations

import re

from config.settings import PROJECT_ROOT


def _readme_commands() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^python3 -m venv \.venv && .+$", text, flags=re.MULTILINE)


def test_cmd001_ci_runs_exactly_the_readme_test_command() -> None:
    commands = _readme_commands()
    test_command = next(c for c in commands if "requirements-dev.txt" in c)
    for step in ("ruff check .", ".venv/bin/mypy", "pytest --e2e"):
        assert step in test_command
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci
