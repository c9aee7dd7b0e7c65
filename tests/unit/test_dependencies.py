"""Runtime dependencies are exactly what scanner/ imports, each pinned to a tested range."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OWN = frozenset({"scanner", "vendor_db"})
OPTIONAL_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _project() -> Any:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement ("psycopg[binary]>=3" -> "psycopg")."""
    found = NAME.match(requirement)
    assert found is not None, requirement
    return re.sub(r"[-_.]+", "-", found[0]).lower()


def _catches_import_error(node: ast.Try) -> bool:
    for handler in node.handlers:
        caught = handler.type
        names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
        if any(isinstance(n, ast.Name) and n.id in OPTIONAL_ERRORS for n in names):
            return True
    return False


def _imports(tree: ast.AST, guarded: bool = False) -> list[tuple[str, bool]]:
    """(top-level module, imported inside `try: … except ImportError`) of every absolute import."""
    found: list[tuple[str, bool]] = []
    if isinstance(tree, ast.Import):
        found += [(alias.name.split(".")[0], guarded) for alias in tree.names]
    elif isinstance(tree, ast.ImportFrom) and tree.level == 0 and tree.module:
        found.append((tree.module.split(".")[0], guarded))
    for field, value in ast.iter_fields(tree):
        children = value if isinstance(value, list) else [value]
        inside = guarded or (
            isinstance(tree, ast.Try) and field == "body" and _catches_import_error(tree)
        )
        for child in children:
            if isinstance(child, ast.AST):
                found += _imports(child, inside)
    return found


def _third_party() -> tuple[set[str], set[str]]:
    """Distributions scanner/ imports: (always, only inside an ImportError guard)."""
    owners = packages_distributions()
    always: set[str] = set()
    optional: set[str] = set()
    for path in sorted((ROOT / "scanner").rglob("*.py")):
        for module, guarded in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module in sys.stdlib_module_names or module in OWN or module == "__future__":
                continue
            assert module in owners, f"{path}: {module} is not installed by any distribution"
            (optional if guarded else always).update(_name(d) for d in owners[module])
    return always, optional - always


def test_runtime_dependencies_are_exactly_what_the_scanner_imports() -> None:
    always, _ = _third_party()
    declared = {_name(requirement) for requirement in _project()["dependencies"]}
    assert declared == always


def test_what_the_scanner_imports_only_when_present_is_in_an_extra() -> None:
    _, optional = _third_party()
    extras = _project()["optional-dependencies"]
    offered = {_name(requirement) for group in extras.values() for requirement in group}
    assert optional  # jsonschema, for validate_report: the tests' schema check
    assert optional <= offered


def test_every_runtime_dependency_is_pinned_to_a_range() -> None:
    loose = [
        requirement
        for requirement in _project()["dependencies"]
        if ">=" not in requirement or "<" not in requirement.replace("<=", "")
    ]
    assert loose == []


def test_an_unguarded_import_counts_as_a_runtime_import() -> None:
    tree = ast.parse(
        "import a.b\n"
        "from c import d\n"
        "try:\n    import e\nexcept ImportError:\n    pass\n"
        "try:\n    import f\nexcept (OSError, ModuleNotFoundError):\n    pass\n"
        "try:\n    import g\nexcept OSError:\n    pass\n"
        "def h():\n    from . import i\n    import j\n"
    )
    assert sorted(_imports(tree)) == [
        ("a", False), ("c", False), ("e", True), ("f", True), ("g", False), ("j", False),
    ]  # fmt: skip
