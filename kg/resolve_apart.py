"""Entity resolution in a forked child process, so its working memory ends with the child.

Resolution is global: it holds every entity occurrence of the corpus, the
clusters, their keys and tallies (about 2 GB at 213k real papers), and
Python keeps most of that memory after it is freed, so a build that
resolved in its own process carried it through the graph and the store
load. Run apart, the child resolves, writes what the graph builder needs
(the canonical entities, then each paper's groups of occurrences, one
pickle per paper, in record order) to a scratch file and exits; the
parent reads the entities, and each paper's groups only when it reaches
that paper. The parent's peak is then the graph, not graph plus resolution.

Where ``fork`` is not available the resolution runs in this process.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import pickle
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, Literal

from kg.errors import KGError
from kg.occurrences import Occurrence
from kg.records import PaperExtraction
from kg.resolve import (
    CanonicalEntity,
    LexiconLike,
    PaperEntity,
    StreamedResolution,
    link_of_parts,
    resolve_stream,
)

log = logging.getLogger(__name__)


def can_fork() -> bool:
    """Tell whether resolution runs in a forked child here: on Linux only.

    CPython calls ``fork`` unsafe on macOS (system libraries keep threads
    and locks a child cannot use), and Windows has none; there, resolution
    runs in the build's own process, as before.
    """
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class ResolvedFromChild:
    """The outcome of a resolution run in a child: entities, and each paper's links read in record order.

    It answers like :class:`kg.resolve.StreamedResolution` for a reader that
    asks for the papers in order (the graph builder's third read); asking
    out of order raises :class:`~kg.errors.KGError`. :meth:`close` removes the scratch file.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._handle: IO[bytes] | None = open(path, "rb")  # noqa: SIM115 - held until close()
        try:
            head = pickle.load(self._handle)
        except BaseException:
            self.close()
            raise
        self.entities: tuple[CanonicalEntity, ...] = head["entities"]
        self.dropped: dict[str, int] = head["dropped"]
        self._papers: int = head["papers"]
        self._next = 0

    def links_of(self, position: int, record: PaperExtraction) -> list[PaperEntity]:
        """Return the links of the ``position``-th paper (``record``); positions must come 0, 1, 2 ...

        Raises:
            KGError: a position out of order, or ``record`` is not the paper resolved there.
        """
        if position != self._next or self._handle is None:
            raise KGError(f"resolved papers are read in order: asked for {position}, next is {self._next}")
        try:
            paper_id, groups = pickle.load(self._handle)
        except EOFError:
            raise KGError(f"records changed while resolving: {self._papers} papers were resolved, more were read") from None
        self._next += 1
        if paper_id != record.id:
            raise KGError(f"records changed while resolving: expected paper {paper_id!r}")
        return [link_of_parts(record, parts, entity) for entity, parts in groups]

    def close(self) -> None:
        """Close and remove the scratch file."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self._path.unlink(missing_ok=True)


def _write_resolution(resolution: StreamedResolution, out: IO[bytes]) -> None:
    """Write the entities, then one pickle per paper: (paper id, [(entity index, occurrences)])."""
    head = {"entities": resolution.entities, "dropped": resolution.dropped, "papers": resolution.paper_count}
    pickle.dump(head, out, protocol=pickle.HIGHEST_PROTOCOL)
    for position in range(resolution.paper_count):
        paper_id, groups = resolution.groups_of(position)
        parts: list[tuple[int, list[Occurrence]]] = groups
        out.write(pickle.dumps((paper_id, parts), protocol=pickle.HIGHEST_PROTOCOL))


#: prctl option: the signal the kernel sends this process when its parent dies
_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Make the child end when the build does: it holds the output folder's lock and gigabytes.

    The kernel kills the child when its parent dies (``PR_SET_PDEATHSIG``);
    a parent gone before that took effect is caught by the ``getppid`` check.
    A SIGTERM meant for the child alone ends it quietly, not through the
    build's own handler (which would report in the child's name).
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl in this libc: the getppid check below still runs
        pass
    if os.getppid() != parent:
        os._exit(1)


def _child(read: Callable[[], Iterable[PaperExtraction]], lexicon: Any, path: Path, errors: Path) -> int:
    try:
        resolution = resolve_stream(read, lexicon=lexicon)
        with open(path, "wb") as out:
            _write_resolution(resolution, out)
        return 0
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        text = traceback.format_exc()
        try:
            payload = pickle.dumps((exc, text))
            pickle.loads(payload)
        except Exception:  # noqa: BLE001 - an exception that does not pickle goes as its text
            error = KGError(f"entity resolution failed: {type(exc).__name__}: {exc}")
            payload = pickle.dumps((error, text))
        errors.write_bytes(payload)
        return 1


def _fork() -> int | None:
    """Fork with the collector frozen (the child must not dirty every inherited page); ``None`` if refused."""
    gc.freeze()
    try:
        return os.fork()
    except OSError as exc:  # no memory or processes left for a child: resolve here instead
        log.warning("entity resolution runs in this process: fork failed: %s", exc)
        return None
    finally:
        gc.unfreeze()


def resolve_apart(
    read: Callable[[], Iterable[PaperExtraction]],
    *,
    lexicon: LexiconLike | None | Literal["default"] = "default",
    scratch: str | Path | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> ResolvedFromChild | StreamedResolution:
    """Resolve like :func:`kg.resolve.resolve_stream`, in a forked child when the platform can fork.

    Args:
        read: returns the records, sorted by id with unique ids, each time it is called.
        lexicon: as for :func:`kg.resolve.resolve_stream`.
        scratch: the folder for the scratch file (the system's temporary folder when ``None``).
        meanwhile: work for this process while the child resolves (``kg build``
            writes its record files then); it must not change what ``read`` reads.

    Returns:
        A :class:`ResolvedFromChild` (close it when done) or, without ``fork``, the :class:`~kg.resolve.StreamedResolution`.

    Raises:
        Exception: what resolution raised in the child (:class:`~kg.errors.KGError` for bad records).
    """
    if not can_fork():
        if meanwhile is not None:
            meanwhile()
        return resolve_stream(read, lexicon=lexicon)
    folder = Path(scratch) if scratch is not None else Path(tempfile.gettempdir())
    fd, name = tempfile.mkstemp(prefix=".resolution.", suffix=".pickle", dir=folder)
    os.close(fd)
    path, errors = Path(name), Path(name + ".error")
    try:
        parent = os.getpid()
        pid = _fork()
        if pid is None:
            path.unlink(missing_ok=True)
            if meanwhile is not None:
                meanwhile()
            return resolve_stream(read, lexicon=lexicon)
        if pid == 0:  # the child: resolve, write, and leave without running the parent's exit handlers
            code = 1
            try:
                gc.disable()  # it exits when done: collecting would only copy the parent's pages
                _die_with(parent)
                code = _child(read, lexicon, path, errors)
            finally:
                os._exit(code)
        try:
            if meanwhile is not None:
                meanwhile()
            _, status = os.waitpid(pid, 0)
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        if errors.exists():
            error, text = pickle.loads(errors.read_bytes())
            log.debug("entity resolution failed in its child process:\n%s", text)
            raise error
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            why = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"ended with exit status {code}"
            hint = " (out of memory?)" if code == -signal.SIGKILL else ""
            raise KGError(f"entity resolution stopped: its child process {why}{hint}")
        return ResolvedFromChild(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        errors.unlink(missing_ok=True)


__all__ = ["ResolvedFromChild", "can_fork", "resolve_apart"]
