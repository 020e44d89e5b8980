"""The extractor and the lexicons stay in their layer: no upward import, no cycle, small modules.

Imports are read from the source (every ``import`` statement, the ones inside
functions included, ``if TYPE_CHECKING:`` blocks excluded), so a lazy import
cannot hide a cycle or a dependency on a higher layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"
#: The packages checked here (lower layers the rest of kg builds on).
CHECKED = ("kg.extract", "kg.lexicons")
#: What they may import from kg: themselves and the plain lower layers.
ALLOWED = ("kg.extract", "kg.lexicons", "kg.records", "kg.errors", "kg.normalize", "kg.io", "kg.links", "kg.version")
MAX_LINES_OF_CODE = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(KG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(KG.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """Return the kg modules the file at ``path`` imports anywhere."""
    module = _module_name(path)
    return _imports_in(path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py")


def _imports_in(source: str, module: str, *, is_package: bool) -> set[str]:
    """Return the kg modules ``source`` imports (a name imported from a package counts as the package)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()

    def add(name: str) -> None:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name:
            found.add(name)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "kg" or alias.name.startswith("kg."):
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base]) if base else ".".join(parent)
            if base == "kg" or base.startswith("kg."):
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    add(target if target in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    found.discard(module)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the import cycles of ``graph`` (module -> imported modules), found by depth-first search."""
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(graph.get(name, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    return cycles


def _checked(name: str) -> bool:
    return any(name == c or name.startswith(c + ".") for c in CHECKED)


GRAPH = {name: _imports(path) for name, path in MODULES.items() if _checked(name)}


def test_the_checked_packages_exist() -> None:
    assert "kg.extract.pipeline" in GRAPH and "kg.lexicons" in GRAPH and "kg.extract.wordlists" in GRAPH


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_from_a_higher_layer(module: str) -> None:
    upward = sorted(t for t in GRAPH[module] if not any(t == a or t.startswith(a + ".") for a in ALLOWED))
    assert upward == [], f"{module} imports {upward}"


def test_lexicons_do_not_import_the_extractor() -> None:
    lexicon_deps = {t for name, deps in GRAPH.items() if name.startswith("kg.lexicons") for t in deps}
    assert not {t for t in lexicon_deps if t.startswith("kg.extract")}


def test_no_import_cycle_in_the_extractor() -> None:
    assert _cycles(GRAPH) == []


def test_the_checks_see_lazy_relative_and_package_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import kg.api\n"
        "def f():\n    from kg.extract.pipeline import run\n    from . import patterns\n"
        "    from kg import __version__\n"
    )
    found = _imports_in(source, "kg.extract.components.common", is_package=False)
    assert found == {"kg.extract.pipeline", "kg.extract.components.patterns", "kg"}
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_modules_stay_small(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").splitlines()
    code = [line for line in lines if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= MAX_LINES_OF_CODE, f"{module}: {len(code)} lines of code"
