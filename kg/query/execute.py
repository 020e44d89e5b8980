"""Run one checked query on one pyoxigraph store and turn its answer into events of plain records.

This is the only code that calls ``Store.query``. It runs where the store is:
inside a query worker process (:mod:`kg.query.worker`) or, for an in-memory
graph without a time limit, in the calling process. Either way it runs on a
thread with a large stack (:data:`QUERY_STACK_BYTES`): the engine's parser and
optimiser recurse once per nesting level or chained operator, and a 100,000-
character query of chained ``BIND``/``MINUS``/``!`` overflows the default 8 MiB
stack (measured: a segfault), but not 256 MiB.

Events are tuples: ``("head", kind, variables)``, then ``("rows", [row, ...])``
batches, then ``("end", truncated)``; an ASK query gives ``("ask", value)``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from kg.errors import QueryError
from kg.query.prefixes import PREFIXES
from kg.query.results import Row, Term
from kg.query.syntax import syntax_error

if TYPE_CHECKING:
    import pyoxigraph

#: stack of the thread that runs a query (virtual memory: only the pages used are committed)
QUERY_STACK_BYTES = 512 * 1024 * 1024
#: rows sent together, at most
BATCH_ROWS = 500
#: seconds a row may wait in a batch before the batch is sent anyway (so slow queries stream)
BATCH_SECONDS = 0.2
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_STACK_LOCK = threading.Lock()
T = TypeVar("T")


def _term(t: Any) -> Term:
    import pyoxigraph as ox

    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Term("literal", t.value, None, t.language)
        datatype = t.datatype.value
        return Term("literal", t.value, None if datatype == _XSD_STRING else datatype)
    return Term("triple", str(t))


def iter_events(
    store: pyoxigraph.Store, sparql: str, *, max_results: int | None = None, source: str | None = None
) -> Iterator[tuple[Any, ...]]:
    """Run ``sparql`` on ``store`` and yield its events (see the module docstring).

    Must be consumed on one thread: pyoxigraph's result iterators may only be
    dropped on the thread that made them.

    Args:
        store: the store to query.
        sparql: a query that passed :func:`kg.query.syntax.check_query`.
        max_results: stop after this many rows or triples (``("end", True)``
            then says more were available); no limit when ``None``.
        source: the query's name in error messages.

    Raises:
        QueryError: the query does not parse or fails while running.
    """
    import pyoxigraph as ox

    try:
        answer = store.query(sparql, prefixes=PREFIXES)  # the query's own PREFIX lines win
    except SyntaxError as exc:
        raise syntax_error(exc, sparql, source=source) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}", source=source) from None
    try:
        if isinstance(answer, ox.QueryBoolean):
            yield ("ask", bool(answer))
            return
        # the same terms come back again and again: convert each once per batch, and send it once
        seen: dict[Any, Term] = {}

        def term(t: Any) -> Term | None:
            if t is None:
                return None
            found = seen.get(t)
            if found is None:
                found = seen[t] = _term(t)
            return found

        if isinstance(answer, ox.QuerySolutions):
            names = tuple(v.value for v in answer.variables)
            yield ("head", "select", names)
            width = range(len(names))

            def row_of(item: Any) -> Row:
                return tuple(term(item[i]) for i in width)

        else:
            yield ("head", "graph", ("subject", "predicate", "object"))

            def row_of(item: Any) -> Row:
                return (term(item.subject), term(item.predicate), term(item.object))

        batch: list[Row] = []
        sent_at, truncated = time.monotonic(), False
        for count, item in enumerate(answer):
            if max_results is not None and count >= max_results:
                truncated = True
                break
            batch.append(row_of(item))
            if len(batch) >= BATCH_ROWS or time.monotonic() - sent_at > BATCH_SECONDS:
                yield ("rows", batch)
                batch, sent_at = [], time.monotonic()
                seen.clear()
        if batch:
            yield ("rows", batch)
        yield ("end", truncated)
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}", source=source) from None
    finally:
        del answer


def on_big_stack(fn: Callable[[], T]) -> T:
    """Call ``fn`` on a new thread with a :data:`QUERY_STACK_BYTES` stack and return its result.

    Exceptions raised by ``fn`` are raised here.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    with _STACK_LOCK:  # the stack size is process-wide: set it only around our own thread's start
        previous = threading.stack_size(QUERY_STACK_BYTES)
        try:
            thread = threading.Thread(target=target, name="kg-query", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


__all__ = ["BATCH_ROWS", "QUERY_STACK_BYTES", "iter_events", "on_big_stack"]
