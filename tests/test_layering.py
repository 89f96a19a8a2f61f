"""The dependency rules of docs/architecture.md, checked on the tree.

Dependencies point one way (config, indicators → db → loaders → workflows → dashboard);
the web layer calls workflows, not file adapters; every query is built in db/; the domain
layer imports no web or database code and reads no files beyond the debt it names.
"""

from __future__ import annotations

import ast
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
    for package in ("db", "loaders", "workflows"):
        result = _run(package, {"dash", "flask", "plotly"})
        assert result.returncode == 0, (package, result.stderr)


# ------------------------------------------- the rules of docs/architecture.md ---

PACKAGES = ("config", "indicators", "db", "loaders", "workflows", "dashboard")
# what each package may import of the project (its own modules always)
MAY_IMPORT = {
    "config": set(),
    "indicators": set(),
    "db": {"config", "indicators"},
    "loaders": {"config", "indicators", "db"},
    "workflows": {"config", "indicators", "db", "loaders"},
    "dashboard": {"config", "indicators", "db", "workflows"},
    "manage": {"config", "indicators", "db", "loaders", "workflows"},
}
# file adapters: the workflows of loaders/ use them; the web layer calls the workflows
ADAPTERS = ("loaders",)  # every module of loaders/ is a file adapter since workflows/ split off
# building SQL is db/'s job: Session/Engine types and errors may be named elsewhere
QUERY_NAMES = {
    "select",
    "insert",
    "update",
    "delete",
    "func",
    "and_",
    "or_",
    "not_",
    "text",
    "exists",
    "case",
    "literal",
    "union",
    "union_all",
}
# domain modules that still read files themselves (debt named in docs/architecture.md):
# the list may shrink, never grow
READS_FILES = {
    "indicators/catalogue.py",
    "indicators/project_annex/load.py",
    "indicators/regions.py",
    "indicators/reporting_calendar.py",
    "indicators/seed_text.py",
}


def _modules() -> list[tuple[str, str, ast.Module]]:
    """(top-level package or "manage", path relative to the root, parsed tree)."""
    found = [("manage", "manage.py", ast.parse((PROJECT_ROOT / "manage.py").read_text("utf-8")))]
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            relative = path.relative_to(PROJECT_ROOT).as_posix()
            if "/migrations/" not in relative:
                found.append((package, relative, ast.parse(path.read_text("utf-8"))))
    return found


def _imports(tree: ast.Module) -> list[tuple[str, list[str], int]]:
    """(module, names imported from it, line) of every absolute import."""
    found: list[tuple[str, list[str], int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((a.name, [], node.lineno) for a in node.names)
    return found


def test_lay003_packages_import_only_the_layers_below_them() -> None:
    wrong = [
        f"{path}:{line} imports {module}"
        for package, path, tree in _modules()
        for module, _, line in _imports(tree)
        if (top := module.split(".")[0]) in PACKAGES
        and top != package
        and top not in MAY_IMPORT[package]
    ]
    assert not wrong, "\n".join(wrong)


def test_lay004_the_web_layer_calls_workflows_not_file_adapters() -> None:
    wrong = [
        f"{path}:{line} imports {module}"
        for package, path, tree in _modules()
        if package == "dashboard"
        for module, _, line in _imports(tree)
        if any(module == a or module.startswith(a + ".") for a in ADAPTERS)
    ]
    assert not wrong, "\n".join(wrong)


def test_lay005_every_query_is_built_in_db() -> None:
    wrong = [
        f"{path}:{line} imports {sorted(set(names) & QUERY_NAMES)} from {module}"
        for package, path, tree in _modules()
        if package != "db"
        for module, names, line in _imports(tree)
        if module.split(".")[0] == "sqlalchemy" and set(names) & QUERY_NAMES
    ]
    assert not wrong, "\n".join(wrong)


def _reads_files(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == "yaml" for a in node.names):
            return True
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in {"open", "read_text", "read_bytes"}:
                return True
    return False


def test_lay006_domain_modules_read_no_files_beyond_the_named_debt() -> None:
    readers = {
        p for package, p, tree in _modules() if package == "indicators" and _reads_files(tree)
    }
    assert readers <= READS_FILES, (
        f"new file reading in indicators/: {sorted(readers - READS_FILES)}"
    )
    assert READS_FILES <= readers, (
        f"no longer reading, drop from READS_FILES: {READS_FILES - readers}"
    )


def test_lay007_tests_share_helpers_not_each_other() -> None:
    """Shared helpers live in tests/helpers.py (or a conftest): a test module that
    imports another runs that module's tests' set-up and breaks when it moves."""
    importing = set()
    for path in sorted((PROJECT_ROOT / "tests").rglob("test_*.py")):
        for module, names, _ in _imports(ast.parse(path.read_text("utf-8"))):
            # "from tests.x import test_y" names the module it imports after "import"
            named = [module.rsplit(".", 1)[-1], *names] if module.startswith("tests") else []
            if any(name.startswith("test_") for name in named):
                importing.add(path.relative_to(PROJECT_ROOT).as_posix())
    assert not importing, f"import tests.helpers instead: {importing}"
