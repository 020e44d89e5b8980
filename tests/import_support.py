"""The import statements a module runs: shared by the layer test and the import-time test."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def runtime_import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Yield every ``import`` statement of ``tree``, in functions too, skipping ``if TYPE_CHECKING:`` blocks.

    A ``TYPE_CHECKING`` block never runs, so what it imports is neither a
    dependency at run time nor a cost at import time; its ``else`` branch runs.
    """
    if isinstance(tree, ast.If) and "TYPE_CHECKING" in ast.unparse(tree.test):
        for child in tree.orelse:
            yield from runtime_import_nodes(child)
        return
    if isinstance(tree, (ast.Import, ast.ImportFrom)):
        yield tree
    for child in ast.iter_child_nodes(tree):
        yield from runtime_import_nodes(child)
