"""The package reads top-down: no module imports a layer above its own, and no import cycles.

Every `import` and `from ... import` under scanner/ counts, including the lazy ones inside
functions: a lazy import upward is still a dependency upward.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SCANNER = Path(__file__).resolve().parents[2] / "scanner"
# Lowest first. A module may import its own layer or any layer below it.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"scanner", "model", "errors", "wire", "files"}),
    frozenset({"db"}),
    frozenset({"decoders"}),
    frozenset({"engine"}),
    frozenset({"sources"}),
    frozenset({"active"}),
    frozenset({"output"}),
    frozenset({"app"}),
    frozenset({"sweep", "estate"}),
    frozenset({"cli"}),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(SCANNER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Modules of the scanner package that `path` imports (a from-import of a module counts)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "scanner")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "scanner":
                continue
            found.add(node.module)
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if (SCANNER.parent / (sub.replace(".", "/") + ".py")).is_file():
                    found.add(sub)
    return found


GRAPH = {module_name(p): imports_of(p) for p in sorted(SCANNER.rglob("*.py"))}


def layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "scanner"
    for rank, members in enumerate(LAYERS):
        if top in members:
            return rank
    raise AssertionError(f"{module} belongs to no layer: add its package to LAYERS")


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_a_layer_above_its_own(module: str) -> None:
    upward = sorted(dep for dep in GRAPH[module] if layer(dep) > layer(module))
    assert upward == []


def test_there_are_no_import_cycles() -> None:
    graph = {m: {d for d in deps if d in GRAPH and d != m} for m, deps in GRAPH.items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep) :] + [dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_layer_check_sees_lazy_imports(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from scanner.cli import main\n    import scanner.app\n")
    assert imports_of(source) == {"scanner.cli", "scanner.cli.main", "scanner.app"}
