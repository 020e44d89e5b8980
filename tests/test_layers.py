"""kg stays layered: no import from a lower layer up to a higher one, no import cycle, small modules.

Imports are read from the source (every ``import`` statement, the ones inside
functions included, ``if TYPE_CHECKING:`` blocks excluded), so a lazy import
cannot hide a cycle or a dependency on a higher layer. Every module of ``kg/``
belongs to exactly one layer of :data:`LAYERS` (a new module must be placed
there); a module may import its own layer and the layers below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from import_support import runtime_import_nodes

KG = Path(__file__).resolve().parent.parent / "kg"
#: The layers of kg, bottom first, each with the modules and packages it holds
#: (docs/DESIGN.md describes them). A name stands for the module and everything under it,
#: except the package root ``kg`` (the facade), which stands for itself alone.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("kg.version", "kg.errors", "kg.records", "kg.normalize", "kg.io", "kg.extractions", "kg.formats",
                    "kg.outdir", "kg.failures")),
    ("text", ("kg.links", "kg.lexicons", "kg.latex")),
    ("sources", ("kg.sources",)),
    ("extraction", ("kg.extract", "kg.eval")),
    ("resolution", ("kg.name_rules", "kg.names", "kg.not_names", "kg.name_versions", "kg.acronyms", "kg.occurrences", "kg.type_words", "kg.clustering", "kg.labels", "kg.registry", "kg.resolve", "kg.resolve_apart", "kg.explain",
                    "kg.resolution_eval")),
    ("graph", ("kg.graph", "kg.node_link", "kg.node_search", "kg.export")),
    ("rdf", ("kg.ontology", "kg.rdf")),
    ("locate", ("kg.locate",)),
    ("query", ("kg.query",)),
    ("view", ("kg.view",)),
    ("build", ("kg.engines", "kg.build_state", "kg.pipeline")),
    ("api", ("kg.api",)),
    ("serve", ("kg.serve",)),
    ("cli", ("kg.cli", "kg.__main__", "kg")),
)
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

    for node in runtime_import_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "kg" or alias.name.startswith("kg."):
                    add(alias.name)
            continue
        base = node.module or ""
        if node.level:
            parent = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parent, base]) if base else ".".join(parent)
        if base == "kg" or base.startswith("kg."):
            for alias in node.names:
                target = f"{base}.{alias.name}"
                add(target if target in MODULES else base)
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


def _layer(name: str) -> int:
    """Return the index in :data:`LAYERS` of the module ``name`` (the longest matching entry decides)."""
    best, length = -1, -1
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            covers = name == member or (member != "kg" and name.startswith(member + "."))
            if covers and len(member) > length:
                best, length = index, len(member)
    return best


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def test_every_module_has_a_layer() -> None:
    assert "kg.extract.pipeline" in GRAPH and "kg.cli.build_cmd" in GRAPH and "kg.rdf.shacl" in GRAPH
    assert [name for name in GRAPH if _layer(name) < 0] == []
    declared = [member for _, members in LAYERS for member in members]
    assert sorted(m for m in declared if m not in MODULES) == [], "a layer names a module that does not exist"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_from_a_higher_layer(module: str) -> None:
    own = _layer(module)
    upward = sorted(f"{t} ({LAYERS[_layer(t)][0]})" for t in GRAPH[module] if _layer(t) > own)
    assert upward == [], f"{module} ({LAYERS[own][0]}) imports {upward}"


def test_no_import_cycle() -> None:
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


def test_layers_place_modules_by_the_longest_name() -> None:
    assert LAYERS[_layer("kg")][0] == "cli"  # the package root is the facade, on top
    assert LAYERS[_layer("kg.graph")][0] == "graph"  # not the root's layer
    assert _layer("kg.not_placed_anywhere") == -1
    assert LAYERS[_layer("kg.query.store")][0] == "query"
    assert _layer("kg.graph") < _layer("kg.rdf.export") < _layer("kg.query") < _layer("kg.api")
    assert _layer("kg.lexicons") < _layer("kg.extract.wordlists") < _layer("kg.resolve")


def _lines_of_code(path: Path) -> int:
    """Count the lines that are neither blank nor only a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_modules_stay_small(module: str) -> None:
    assert _lines_of_code(MODULES[module]) <= MAX_LINES_OF_CODE, f"{module}: {_lines_of_code(MODULES[module])} lines of code"
