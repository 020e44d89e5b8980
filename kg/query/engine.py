"""The query engine of kg: run checked, read-only SPARQL with time and size limits.

Three ways in, one path through :func:`kg.query.syntax.check_query` and
:func:`kg.query.execute.iter_events`:

* :func:`run_query` returns a whole :class:`~kg.query.results.QueryResult`
  (the Python API, tests);
* :func:`stream_query` hands rows over batch by batch (``kg query`` prints
  them as they come, in bounded memory);
* :class:`QueryPool` keeps worker processes with the graph open and runs one
  query at a time on each (``kg serve``).

A query on a graph named by a path, or with a time limit, runs in a worker
process (:mod:`kg.query.worker`) that is killed when the time is up; only a
query on an in-memory graph without a time limit runs in the calling process.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import QueryError, QueryTimeout
from kg.query.execute import iter_events, on_big_stack
from kg.query.results import Kind, QueryResult, Row
from kg.query.store import StoreSpec, memory_spec, open_store, spec_for
from kg.query.syntax import check_query
from kg.query.worker import Worker, WorkerDied

if TYPE_CHECKING:
    from typing import TypeAlias

    import networkx as nx
    import pyoxigraph

    Source: TypeAlias = "str | Path | StoreSpec | nx.DiGraph | pyoxigraph.Store"

log = logging.getLogger(__name__)


def _timeout_message(timeout: float) -> str:
    return f"query stopped after {timeout:g} s (time limit); simplify it or raise --timeout"


def _check_limits(timeout: float | None, max_results: int | None) -> None:
    if timeout is not None and timeout <= 0:
        raise QueryError("the timeout must be a positive number of seconds")
    if max_results is not None and max_results < 0:
        raise QueryError("max_results must not be negative")


def _is_path(source: object) -> bool:
    return isinstance(source, (str, Path, StoreSpec))


def _collect(events: Iterator[tuple[Any, ...]]) -> QueryResult:
    """Gather the events of one query into a QueryResult."""
    kind: Kind = "select"
    variables: tuple[str, ...] = ()
    rows: list[Row] = []
    for event in events:
        if event[0] == "ask":
            return QueryResult(kind="ask", boolean=bool(event[1]))
        if event[0] == "head":
            kind, variables = event[1], tuple(event[2])
        elif event[0] == "rows":
            rows.extend(event[1])
        elif event[0] == "end":
            return QueryResult(kind=kind, variables=variables, rows=tuple(rows), truncated=bool(event[1]))
    raise QueryError("the query engine ended its answer early")  # pragma: no cover - protocol guard


@dataclass
class QueryStream:
    """A query's answer as it arrives: read ``kind`` and ``variables``, then iterate :meth:`batches`.

    ``boolean`` is set for ASK queries; ``truncated`` is known once the batches are exhausted.
    """

    kind: Kind
    variables: tuple[str, ...] = ()
    boolean: bool | None = None
    truncated: bool = False
    rows_seen: int = 0
    _events: Iterator[tuple[Any, ...]] = field(default_factory=lambda: iter(()), repr=False)

    def batches(self) -> Iterator[Sequence[Row]]:
        """Yield the rows in batches, in the engine's order.

        Raises:
            QueryError: the query failed part way.
            QueryTimeout: the time limit passed part way.
        """
        for event in self._events:
            if event[0] == "rows":
                self.rows_seen += len(event[1])
                yield event[1]
            elif event[0] == "end":
                self.truncated = bool(event[1])
                return


def _start(events: Iterator[tuple[Any, ...]]) -> QueryStream:
    first = next(events)
    if first[0] == "ask":
        return QueryStream(kind="ask", boolean=bool(first[1]))
    return QueryStream(kind=first[1], variables=tuple(first[2]), _events=events)


def _worker_events(
    worker: Worker, sparql: str, *, max_results: int | None, timeout: float | None, source: str | None
) -> Iterator[tuple[Any, ...]]:
    """Events of one query on ``worker``, turning an expired deadline into a :class:`QueryTimeout`."""
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        yield from worker.events(sparql, max_results=max_results, deadline=deadline, source=source)
    except QueryTimeout:
        raise QueryTimeout(_timeout_message(timeout or 0.0), source=source) from None


@contextlib.contextmanager
def stream_query(
    source: Source,
    sparql: str,
    *,
    timeout: float | None = None,
    max_results: int | None = None,
    name: str | None = None,
) -> Iterator[QueryStream]:
    """Run a read-only query and hand its rows over as they come (a context manager).

    The query is checked first (:func:`kg.query.syntax.check_query`), then
    parsed on an empty store, so a bad query fails before a large graph is
    loaded. Loading is not counted in ``timeout``.

    Args:
        source: an output folder, a graph file, a :class:`StoreSpec`, a
            networkx graph of kg or a pyoxigraph store.
        sparql: a SELECT, ASK, CONSTRUCT or DESCRIBE query.
        timeout: seconds the query may run; no limit when ``None``.
        max_results: stop after this many rows or triples (``truncated`` then
            says more were available); no limit when ``None``.
        name: the query's name in error messages (its file, for example).

    Raises:
        QueryError: the query is refused, does not parse or fails (with position).
        QueryTimeout: the query ran past ``timeout`` and was stopped.
        InputError: the graph cannot be loaded.
    """
    check_query(sparql, source=name)
    _check_limits(timeout, max_results)
    if not _is_path(source) and timeout is None:
        result = run_query(source, sparql, max_results=max_results, name=name)
        yield QueryStream(
            kind=result.kind,
            variables=result.variables,
            boolean=result.boolean,
            truncated=result.truncated,
            _events=iter([("rows", list(result.rows)), ("end", result.truncated)]),
        )
        return
    with _one_shot(_worker_source(source), probe=(sparql, name)) as worker:
        try:
            worker.wait_probed(None if timeout is None else time.monotonic() + timeout)
        except QueryTimeout:
            raise QueryTimeout(_timeout_message(timeout or 0.0), source=name) from None
        worker.wait_ready()
        yield _start(_worker_events(worker, sparql, max_results=max_results, timeout=timeout, source=name))


def _worker_source(source: Source) -> StoreSpec:
    if isinstance(source, (str, Path)):
        return spec_for(source)
    if isinstance(source, StoreSpec):
        return source
    return memory_spec(source)  # the worker loads a copy: no memory is shared with a worker


@contextlib.contextmanager
def _one_shot(source: StoreSpec, probe: tuple[str, str | None]) -> Iterator[Worker]:
    worker = Worker(source, probe=probe)
    try:
        yield worker
    finally:
        worker.kill()


def run_query(
    source: Source,
    sparql: str,
    *,
    timeout: float | None = None,
    max_results: int | None = None,
    name: str | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query over a graph and return the whole result.

    Args:
        source: an output folder (its ``graph.oxigraph/`` store is preferred,
            opened read-only), a graph file, a :class:`StoreSpec`, a networkx
            graph of kg or a pyoxigraph store.
        sparql: a SELECT, ASK, CONSTRUCT or DESCRIBE query.
        timeout: seconds the query may run (loading not included); ``None``
            for no limit.
        max_results: keep at most this many rows or triples (the result's
            ``truncated`` says whether more were available).
        name: the query's name in error messages (its file, for example).

    Returns:
        The result as plain records.

    Raises:
        QueryError: the query does not parse (with line and column), is an
            update, uses SERVICE, nests too deeply, or fails while running.
        QueryTimeout: the query ran longer than ``timeout`` and was stopped.
        InputError: the graph cannot be loaded.
    """
    check_query(sparql, source=name)
    _check_limits(timeout, max_results)
    if _is_path(source) or timeout is not None:
        with stream_query(source, sparql, timeout=timeout, max_results=max_results, name=name) as stream:
            rows = [row for batch in stream.batches() for row in batch]
            return QueryResult(
                kind=stream.kind,
                variables=stream.variables,
                rows=tuple(rows),
                boolean=stream.boolean,
                truncated=stream.truncated,
            )
    store = open_store(source)  # type: ignore[arg-type]
    return on_big_stack(lambda: _collect(iter_events(store, sparql, max_results=max_results, source=name)))


class QueryPool:
    """Worker processes with the graph open, each running one query at a time (for ``kg serve``).

    A query waits for a free worker, then runs with the time limit; when the
    limit passes, its worker is killed and a fresh one starts in the
    background, so a runaway query never holds a worker longer than the limit.
    A worker that crashes is replaced the same way.

    Args:
        source: the graph; every worker opens it by itself.
        workers: queries that run at the same time.
        timeout: seconds a query may take, waiting for a worker included; ``None`` for no limit.
        max_results: most rows or triples of one answer.

    Raises:
        InputError: the graph cannot be opened.
    """

    def __init__(self, source: StoreSpec, *, workers: int = 4, timeout: float | None = 10.0,
                 max_results: int | None = 10_000) -> None:
        _check_limits(timeout, max_results)
        self.source = source
        self.timeout = timeout
        self.max_results = max_results
        self.size = max(1, workers)
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._all: set[Worker] = set()
        started = [self._spawn() for _ in range(self.size)]
        try:
            for worker in started:
                worker.wait_ready()
        except BaseException:
            for worker in started:
                worker.kill()
            raise
        self.sandboxed = all(worker.sandboxed for worker in started)
        for worker in started:
            self._idle.put(worker)

    def _spawn(self) -> Worker:
        worker = Worker(self.source)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: Worker) -> None:
        """Kill ``dead`` and start its successor in the background."""
        dead.kill()
        with self._lock:
            self._all.discard(dead)
            if self._closed:
                return

        def start() -> None:
            try:
                worker = self._spawn()
                worker.wait_ready(time.monotonic() + 300)
            except Exception:
                log.exception("could not start a query worker")
                return
            with self._lock:
                closed = self._closed
            if closed:
                worker.kill()
            else:
                self._idle.put(worker)

        threading.Thread(target=start, name="kg-query-respawn", daemon=True).start()

    @property
    def idle(self) -> int:
        """Workers waiting for a query now."""
        return self._idle.qsize()

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return sorted(w.pid for w in self._all if w.pid is not None)

    def run(self, sparql: str, *, name: str | None = None) -> QueryResult:
        """Run one query on a free worker.

        Raises:
            QueryError: refused, malformed or failed query; a crashed worker.
            QueryTimeout: the time limit passed (waiting for a worker included).
        """
        check_query(sparql, source=name)
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"every query worker stayed busy for the time limit of {self.timeout:g} s; try again later"
            ) from None
        if self._closed:
            worker.kill()
            raise QueryError("the server is stopping")
        remaining = None if self.timeout is None else max(self.timeout - (time.monotonic() - started), 0.001)
        deadline = None if remaining is None else time.monotonic() + remaining
        try:
            result = _collect(
                worker.events(sparql, max_results=self.max_results, deadline=deadline, source=name)
            )
        except QueryTimeout:
            self._replace(worker)
            raise QueryTimeout(f"the query ran longer than the time limit of {self.timeout:g} s") from None
        except WorkerDied as exc:
            log.warning("query worker %s ended: %s", worker.pid, exc)
            self._replace(worker)
            raise
        except QueryError:
            self._idle.put(worker)
            raise
        except BaseException:
            self._replace(worker)
            raise
        self._idle.put(worker)
        return result

    def count(self) -> int | None:
        """Return the number of triples, asking a free worker (``None`` if none is free within the limit)."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return None
        try:
            n = worker.count()
        except (QueryError, OSError):
            self._replace(worker)
            return None
        self._idle.put(worker)
        return n

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.close()


__all__ = ["QueryPool", "QueryStream", "run_query", "stream_query"]
