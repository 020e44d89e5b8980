"""Query worker processes: a query can be killed, cannot crash its caller, and cannot reach the network.

pyoxigraph cannot interrupt a query from Python, and a pathological query can
overflow the engine's stack (a segfault). So queries run in child processes:
the caller waits with a deadline and kills the child when time is up, and a
crash ends only the child. A worker opens its graph itself from a
:class:`~kg.query.store.StoreSpec` (an on-disk store read-only, or a file
loaded into memory). Workers are forked directly only from a process that
runs one thread and has not loaded pyoxigraph (``kg query``); otherwise they
come from multiprocessing's fork server, so no lock held by another thread
(Python's or the storage engine's) is ever copied into a worker.

On Linux a worker first moves into new user and network namespaces, where no
network interface but an unconfigured loopback exists, so even a query that
slipped past :func:`kg.query.syntax.check_query` could not connect anywhere;
and it asks the kernel to kill it when its parent dies. Both are best effort
(some systems forbid unprivileged namespaces): the syntax check is the rule,
the sandbox the second line.

Messages are tuples over a pipe. To the worker: ``("query", sparql,
max_results, source)``, ``("count",)``, ``("stop",)``. From it: ``("ready",
sandboxed)``, the events of :func:`kg.query.execute.iter_events`,
``("count", n)`` and ``("error", (message, line, column, source))``.
"""

from __future__ import annotations

import ctypes
import errno
import faulthandler
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kg.errors import InputError, KGError, QueryError, QueryTimeout
from kg.query.store import StoreSpec

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext

    BaseContext = ForkContext | ForkServerContext | SpawnContext

log = logging.getLogger(__name__)

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1


class WorkerDied(QueryError):
    """The worker process ended while running a query (a crash, or killed from outside)."""


# -- in the child ----------------------------------------------------------------------------------


def sandbox() -> bool:
    """Leave the network and die with the parent (Linux only); return whether the network is gone.

    Must run while the process has a single thread (the kernel refuses a new
    user namespace to a threaded process).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the parent is already gone
            os._exit(1)
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
            log.debug("query worker keeps the network: unshare: %s", os.strerror(ctypes.get_errno()))
            return False
    except (OSError, AttributeError) as exc:  # no libc symbols (musl without prctl, ...)
        log.debug("query worker keeps the network: %s", exc)
        return False
    return True


def _send_error(conn: Connection, exc: BaseException) -> None:
    if isinstance(exc, QueryError):
        conn.send(("error", ("query", exc.message, exc.line, exc.column, exc.source)))
    elif isinstance(exc, InputError):
        conn.send(("error", ("input", exc.message, exc.line, None, exc.path)))
    elif isinstance(exc, KGError):
        conn.send(("error", ("query", str(exc), None, None, None)))
    else:
        conn.send(("error", ("query", f"query failed: {type(exc).__name__}: {exc}", None, None, None)))


def _serve(conn: Connection, source: StoreSpec, sandboxed: bool, probe: tuple[str, str | None] | None) -> None:
    """Worker body: parse the probe query, open the graph, then answer queries until told to stop."""
    import pyoxigraph as ox

    from kg.query.execute import iter_events

    if probe is not None:  # a malformed query fails before a large graph is loaded
        try:
            for _ in iter_events(ox.Store(), probe[0], max_results=0, source=probe[1]):
                pass
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            _send_error(conn, exc)
            return
        conn.send(("probed",))
    try:
        store = source.open()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        _send_error(conn, exc)
        return
    conn.send(("ready", sandboxed))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        try:
            if message[0] == "count":
                conn.send(("count", len(store)))
                continue
            _, sparql, max_results, name = message
            for event in iter_events(store, sparql, max_results=max_results, source=name):
                conn.send(event)
        except (BrokenPipeError, EOFError):
            return
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, the worker goes on
            _send_error(conn, exc)


def _main(conn: Connection, source: StoreSpec, use_sandbox: bool, probe: tuple[str, str | None] | None) -> None:
    from kg.query.execute import on_big_stack

    faulthandler.disable()  # a crash is reported by the parent, not as a traceback on the shared stderr
    sandboxed = sandbox() if use_sandbox else False
    try:
        on_big_stack(lambda: _serve(conn, source, sandboxed, probe))
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group; the parent reports it
        pass
    finally:
        conn.close()


def _build_main(conn: Connection, spec: StoreSpec, directory: str) -> None:
    from kg.query.store import build_store

    try:
        conn.send(("built", build_store(spec, directory)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        _send_error(conn, exc)
    finally:
        conn.close()


# -- in the parent ---------------------------------------------------------------------------------


def can_fork() -> bool:
    """Tell whether this process may ``fork`` a worker directly: one thread, and no storage engine loaded."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and "pyoxigraph" not in sys.modules
    )


def _context() -> BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if can_fork():
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["kg.query.worker", "kg.query.execute", "pyoxigraph"])
        return ctx
    return multiprocessing.get_context("spawn")


def _unpack(payload: tuple[Any, ...]) -> KGError:
    what, message, line, column, source = payload
    if what == "input":
        return InputError(message, path=source, line=line)
    return QueryError(message, line=line, column=column, source=source)


class Worker:
    """A child process holding one graph and answering one query at a time.

    Args:
        source: what to open.
        use_sandbox: move the child out of the network (see :func:`sandbox`).
        probe: a query (and its name) to parse on an empty store before the
            graph is opened; :meth:`wait_probed` reports its syntax errors.
    """

    def __init__(
        self,
        source: StoreSpec,
        *,
        use_sandbox: bool = True,
        probe: tuple[str, str | None] | None = None,
    ) -> None:
        ctx = _context()
        self._conn, child = ctx.Pipe(duplex=True)
        self._process = ctx.Process(
            target=_main, args=(child, source, use_sandbox, probe), daemon=True, name="kg-query"
        )
        self._process.start()
        child.close()
        self.sandboxed = False
        self.busy = False

    @property
    def pid(self) -> int | None:
        """The worker's process id."""
        return self._process.pid

    def _receive(self, deadline: float | None, what: str) -> tuple[Any, ...]:
        remaining = None if deadline is None else max(deadline - time.monotonic(), 0.0)
        try:
            ready = self._conn.poll(remaining)
        except (OSError, EOFError):
            ready = True
        if not ready:
            raise QueryTimeout(what)
        try:
            message: tuple[Any, ...] = self._conn.recv()
        except (EOFError, OSError):
            raise self._died() from None
        if message[0] == "error":
            raise _unpack(message[1])
        return message

    def _died(self) -> WorkerDied:
        self._process.join(timeout=2)
        code = self._process.exitcode
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            how = f"was killed by {name}" + (" (a crash: the query is probably too complex)" if -code in (
                signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT) else "")
        else:
            how = f"exited with code {code}" + (" (out of memory?)" if code else "")
        return WorkerDied(f"the query engine process {how}")

    def wait_probed(self, deadline: float | None = None) -> None:
        """Wait until the probe query has parsed (see ``probe``).

        Raises:
            QueryError: the probe query does not parse or fails on an empty graph.
            QueryTimeout: not done by ``deadline``.
            WorkerDied: the process ended.
        """
        self._receive(deadline, "time limit")

    def wait_ready(self, deadline: float | None = None) -> None:
        """Wait until the graph is open.

        Raises:
            InputError: the graph cannot be opened.
            QueryTimeout: not ready by ``deadline`` (a ``time.monotonic()`` value).
            WorkerDied: the process ended.
        """
        message = self._receive(deadline, "the graph took too long to open")
        self.sandboxed = bool(message[1])

    def events(
        self, sparql: str, *, max_results: int | None, deadline: float | None, source: str | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Send a query and yield its events until the last one.

        Raises:
            QueryError: the query failed (the worker stays usable).
            QueryTimeout: ``deadline`` passed (kill the worker: it is still busy).
            WorkerDied: the process ended.
        """
        self.busy = True
        try:
            self._conn.send(("query", sparql, max_results, source))
        except (BrokenPipeError, OSError):
            raise self._died() from None
        while True:
            event = self._receive(deadline, "time limit")
            yield event
            if event[0] in ("end", "ask"):
                self.busy = False
                return

    def count(self, deadline: float | None = None) -> int:
        """Return the number of triples in the worker's store."""
        self._conn.send(("count",))
        return int(self._receive(deadline, "counting took too long")[1])

    def alive(self) -> bool:
        """Tell whether the process still runs."""
        return self._process.is_alive()

    def kill(self) -> None:
        """Stop the process at once (SIGKILL) and reap it."""
        if self._process.is_alive():
            try:
                self._process.kill()
            except OSError as exc:  # pragma: no cover - already gone
                if exc.errno != errno.ESRCH:
                    raise
        self._process.join(timeout=5)
        self._conn.close()

    def close(self) -> None:
        """Ask an idle worker to stop, and kill it if it does not."""
        if not self.busy and self._process.is_alive():
            try:
                self._conn.send(("stop",))
            except OSError:
                pass
            self._process.join(timeout=2)
        self.kill()


def build_store_in_child(spec: StoreSpec, directory: str) -> int:
    """Run :func:`kg.query.store.build_store` in a child process (its memory is returned when it ends).

    Raises:
        InputError: the graph cannot be read.
        WorkerDied: the child ended without an answer.
    """
    ctx = _context()
    conn, child = ctx.Pipe(duplex=True)
    process = ctx.Process(target=_build_main, args=(child, spec, directory), daemon=True, name="kg-load")
    process.start()
    child.close()
    try:
        message = conn.recv()
    except (EOFError, OSError):
        process.join()
        raise WorkerDied(f"loading the graph failed (the loader exited with code {process.exitcode})") from None
    finally:
        process.join(timeout=30)
        conn.close()
    if message[0] == "error":
        raise _unpack(message[1])
    return int(message[1])


__all__ = ["Worker", "WorkerDied", "build_store_in_child", "can_fork", "sandbox"]
