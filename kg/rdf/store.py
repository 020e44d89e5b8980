"""The on-disk Oxigraph store of a build: bulk-loaded from the N-Triples stream, opened read-only.

Parsing a 4 GB N-Triples file takes minutes and gigabytes, so every query on
a big graph would pay that again; an on-disk store opened read-only answers
at once with memory in the hundreds of MB (RocksDB reads what a query
touches). :func:`load_store` fills a new store from N-Triples bytes produced
on the fly (the same stream the N-Triples file is written from, so nothing is
parsed twice and no temporary file is needed) and :func:`open_read_only`
opens one for queries.

A store is a database folder, not a file: its triples are the same run to
run, its bytes are not (RocksDB stamps ids and times into its files), so
tests compare what it answers, never its bytes. This module must not decide
which triples a graph has (that is :mod:`kg.rdf.export`).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError, KGError
from kg.formats import STORE_DIR, is_store

if TYPE_CHECKING:
    import pyoxigraph

log = logging.getLogger(__name__)

#: Name of the store folder in a build's output folder (:mod:`kg.locate` finds it there, :mod:`kg.formats` names it).
STORE_NAME = STORE_DIR
#: kg's note beside the database files (RocksDB leaves files it does not name alone).
_INFO = "kg-store.json"


#: N-Triples bytes handed to one bulk load. Oxigraph's bulk loader holds its whole batch in
#: memory (about 1.5 GB over the sizes of a real build, the build's largest single cost), so
#: the stream is loaded in segments of about this size, cut at line ends. Measured on a 20k
#: paper graph: one load +1.47 GB; 128 MB segments +0.93 GB; 32 MB +0.37 GB, slower.
SEGMENT_BYTES = 64 << 20


def _segments(chunks: Iterator[bytes], size: int) -> Iterator[bytes]:
    """Regroup N-Triples ``chunks`` (cut anywhere) into pieces of about ``size`` bytes that end at a line end."""
    parts: list[bytes] = []
    held = 0
    for chunk in chunks:
        parts.append(chunk)
        held += len(chunk)
        if held >= size:
            data = b"".join(parts)
            cut = data.rfind(b"\n") + 1
            if cut:
                yield data[:cut]
                parts, held = [data[cut:]], len(data) - cut
            else:
                parts, held = [data], len(data)
    rest = b"".join(parts)
    if rest:
        yield rest


#: segments bulk-loaded at once. A bulk load lets go of the GIL; on 2 cores two at once loaded
#: a 20k-paper graph's 4.8M triples in 17 s instead of 24 s (a third gained nothing), and the
#: build's whole pass (N-Triples made, SHACL check, store) took 32 s instead of 35 s.
LOADER_THREADS = 2


class _Loader:
    """Bulk-load segments into a store on threads of their own while the caller makes the next ones.

    pyoxigraph's bulk load lets go of the GIL, so the Rust loaders and the
    Python code producing the N-Triples run on the cores at once instead of
    taking turns; the loads write separate table files, which the store
    takes in whatever order they finish (the final compaction merges them).
    At most :data:`LOADER_THREADS` segments wait while as many load. An
    error of a loader is raised in the caller at its next :meth:`put` or at
    the end.
    """

    def __init__(self, store: pyoxigraph.Store, threads: int = LOADER_THREADS) -> None:
        import queue
        import threading

        self._store = store
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=threads)
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._threads = [
            threading.Thread(target=self._run, name=f"kg-store-loader-{n}", daemon=True) for n in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        import pyoxigraph as ox

        while (segment := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._store.bulk_load(input=segment, format=ox.RdfFormat.N_TRIPLES)
                except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
                    with self._lock:
                        self._error = self._error or exc

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def put(self, segment: bytes) -> None:
        """Queue one segment (blocks while every loader is busy and as many segments wait)."""
        self._raise_error()
        self._queue.put(segment)

    def _end(self) -> None:
        """Tell every loader to stop after what it holds and wait for all (through a Ctrl-C too).

        The store folder must not be removed while a loader still writes into it.
        """
        for _ in self._threads:
            self._queue.put(None)
        interrupted: BaseException | None = None
        for thread in self._threads:
            while True:
                try:
                    thread.join()
                    break
                except KeyboardInterrupt as exc:
                    interrupted = exc
        if interrupted is not None:
            raise interrupted

    def stop(self) -> BaseException | None:
        """Stop after the segments being loaded (the caller failed); return a loader's own error, if any."""
        with self._lock:
            own, self._error = self._error, self._error or KGError("the store load was stopped")
        while not self._queue.empty():
            try:
                self._queue.get_nowait()
            except Exception:  # noqa: BLE001 - emptied by a loader meanwhile
                break
        self._end()
        return own

    def close(self) -> None:
        """Let the loaders finish what they hold and stop; raise a loader's error, if there was one."""
        self._end()
        self._raise_error()


def load_store(directory: str | Path, chunks: Iterator[bytes], *, triples: Callable[[], int]) -> None:
    """Create an on-disk store at ``directory`` holding the N-Triples ``chunks`` (bulk-loaded).

    ``directory`` must not exist (build it in a staging place and rename it
    into place: a half-loaded store must never be seen). On any error the
    folder is removed again.

    Args:
        directory: the new store folder.
        chunks: N-Triples bytes, cut anywhere (loaded in segments of :data:`SEGMENT_BYTES`).
        triples: called once the chunks are consumed; the number of distinct
            triples they held, recorded beside the store (see :func:`stored_triple_count`).

    Raises:
        InputError: ``directory`` already exists.
        Exception: whatever producing ``chunks`` raised (re-raised as it was).
    """
    import pyoxigraph as ox

    target = Path(directory)
    if target.exists():
        raise InputError("a store folder is already there; remove it first", path=target)
    store: pyoxigraph.Store | None = None
    loader: _Loader | None = None
    try:
        store = ox.Store(str(target))
        loader = _Loader(store)
        try:
            for segment in _segments(chunks, SEGMENT_BYTES):
                loader.put(segment)
        except BaseException as exc:
            own = loader.stop()
            if own is not None and own is not exc:
                log.warning("the store's loader had failed too: %s: %s", type(own).__name__, own)
            raise
        loader.close()
        loader = None
        # the bulk load leaves many overlapping table files; one full compaction makes every
        # later read-only query look into few (3-4x faster queries measured on a 10k build)
        store.optimize()
        store.flush()
        store = None  # the last reference: closes RocksDB before the folder is renamed
        info = {"format": 1, "triples": int(triples())}
        (target / _INFO).write_text(json.dumps(info, sort_keys=True) + "\n", encoding="utf-8")
    except BaseException:
        loader = store = None  # RocksDB closed (no file of it written any more) before the folder goes
        shutil.rmtree(target, ignore_errors=True)
        raise


def stored_triple_count(path: str | Path) -> int:
    """Return the triple count recorded when the store at ``path`` was loaded (0 when unknown).

    Counting the triples of a big store means reading all of it (seconds at
    20M triples); the count written at load time costs nothing.
    """
    try:
        info = json.loads((Path(path) / _INFO).read_text(encoding="utf-8"))
        return int(info["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def open_read_only(path: str | Path) -> pyoxigraph.Store:
    """Open the store at ``path`` read-only (several processes may do so at once).

    Raises:
        InputError: ``path`` is not a store folder or cannot be opened.
    """
    import pyoxigraph as ox

    p = Path(path)
    if not is_store(p):
        raise InputError("not an Oxigraph store folder (run `kg build` to make one)", path=p)
    try:
        return ox.Store.read_only(str(p))
    except OSError as exc:
        raise InputError(f"cannot open the store: {exc}", path=p) from None


__all__ = ["STORE_NAME", "is_store", "load_store", "open_read_only", "stored_triple_count"]
