"""The output folder of ``kg build``: one build at a time, and all-or-nothing updates.

A build writes several files that only make sense together (papers,
extractions, graph, RDF, HTML). Writing them one by one in place would leave
a mixed folder when the disk fills or the process is killed half-way, and
queries would answer from it silently. So:

* :func:`lock` holds an exclusive ``flock`` on ``.kg-build.lock`` for the
  whole build; a second build into the same folder stops at once with a
  message naming the process that holds it. The kernel drops the lock when
  its holder dies, so a killed build never leaves a stale lock.
* Every new file is written into a staging folder (``.kg-staging``) inside the
  output folder (same filesystem, so a rename moves it). :func:`commit`
  writes a manifest (the journal of the swap) and only then renames the files
  into place; :func:`recover`, run by the next build, finishes a swap whose
  manifest exists and throws away a staging folder without one. A reader
  therefore sees the old set of files or the new one, apart from the
  milliseconds of the renames themselves.
* :func:`recover` also removes temporary files (``.*.tmp``) that a killed
  process left behind.

Stdlib only; POSIX ``fcntl`` for the lock (no lock where it is missing).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import BusyError

log = logging.getLogger(__name__)

LOCK_NAME = ".kg-build.lock"
STAGING_NAME = ".kg-staging"
MANIFEST_NAME = ".kg-commit.json"
#: Temporary files of :func:`kg.io.atomic_write` (``.<name>.<random>.tmp``) and of other writers.
_STALE_TMP = re.compile(r"^\..+\.tmp$")


def _fsync_dir(path: Path) -> None:
    """Make renames and removals inside ``path`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def lock(out_dir: Path) -> Iterator[None]:
    """Hold the build lock of ``out_dir`` (created if missing) for the ``with`` block.

    Raises:
        BusyError: another process holds it; the message names its process id.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no locking
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise BusyError(
                    f"{out_dir}: another kg build (process {holder}) is writing to this folder; wait for it "
                    "to finish, or build into another folder with -o"
                ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the flock


def staging(out_dir: Path) -> Path:
    """Return a fresh, empty staging folder inside ``out_dir`` (hold the lock)."""
    stage = out_dir / STAGING_NAME
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    return stage


def discard(out_dir: Path) -> None:
    """Throw away the staging folder (the old files stay as they were)."""
    shutil.rmtree(out_dir / STAGING_NAME, ignore_errors=True)


def commit(out_dir: Path, names: Iterable[str], *, remove: Iterable[str] = ()) -> None:
    """Move the staged ``names`` into ``out_dir``, then delete ``remove``; all or (after recovery) nothing.

    The manifest is written and synced before the first rename, so a build
    killed during the renames is finished by :func:`recover`.
    """
    stage = out_dir / STAGING_NAME
    manifest = {"move": sorted(names), "remove": sorted(remove)}
    for name in manifest["move"]:
        if not (stage / name).exists():
            raise FileNotFoundError(stage / name)
    tmp = stage / (MANIFEST_NAME + ".part")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(manifest, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, stage / MANIFEST_NAME)
    _fsync_dir(stage)
    _finish(out_dir, manifest)


def _finish(out_dir: Path, manifest: dict[str, list[str]]) -> None:
    """Carry out a committed manifest: move what is still staged, delete, drop the staging folder."""
    stage = out_dir / STAGING_NAME
    for name in manifest.get("move", []):
        source, target = stage / name, out_dir / name
        if not source.exists():
            continue  # moved before an interruption
        if source.is_dir() and target.is_dir():
            old = stage / f".old-{name}"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(source, target)
    for name in manifest.get("remove", []):
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        elif target.exists():
            target.unlink()
    _fsync_dir(out_dir)
    shutil.rmtree(stage, ignore_errors=True)


def recover(out_dir: Path) -> list[str]:
    """Bring ``out_dir`` back to one consistent state after a killed build (hold the lock).

    Finishes a committed swap, discards an uncommitted staging folder, and
    removes stale temporary files. Returns what it did, one line each, for the log.
    """
    done: list[str] = []
    if not out_dir.is_dir():
        return done
    stage = out_dir / STAGING_NAME
    manifest_path = stage / MANIFEST_NAME
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
        if isinstance(manifest, dict):
            _finish(out_dir, manifest)
            done.append("finished the file swap of an interrupted build")
    if stage.exists():
        shutil.rmtree(stage, ignore_errors=True)
        done.append("discarded the unfinished files of an interrupted build")
    for entry in sorted(out_dir.iterdir()):
        if entry.is_file() and _STALE_TMP.match(entry.name):
            entry.unlink()
            done.append(f"removed the stale temporary file {entry.name}")
    for line in done:
        log.info("%s: %s", out_dir, line)
    return done
