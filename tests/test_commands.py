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
    for step in ("ruff check .", ".venv/bin/mypy", "pytest --e2e -n 2 --dist loadfile"):
        assert step in test_command
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci


def _canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_cmd002_every_install_is_constrained_by_the_lock() -> None:
    """Both requirement files install through constraints.txt, which pins every
    package the two commands install (direct and transitive)."""
    for name in ("requirements.txt", "requirements-dev.txt"):
        lines = (PROJECT_ROOT / name).read_text(encoding="utf-8").splitlines()
        assert "-c constraints.txt" in [line.split(" #")[0].strip() for line in lines], name
    pins = {
        _canonical(line.split("==")[0])
        for line in (PROJECT_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (PROJECT_ROOT / name).read_text(encoding="utf-8").splitlines():
            package = _canonical(re.split(r"[=\[ #]", line.strip(), maxsplit=1)[0])
            if package and not package.startswith("-"):
                assert package in pins, f"{name}: {package} is not in constraints.txt"
