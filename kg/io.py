"""Safe file output and JSON Lines helpers shared by every writer in kg.

Nothing kg writes may be left half-written: :func:`atomic_write` writes to a
temporary file in the target's folder and renames it into place only when the
block finishes without error. Stdlib only.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from kg.errors import InputError


@contextmanager
def atomic_write(path: str | Path, *, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is untouched,
    so a reader never sees a half-written file.

    Args:
        path: the final file.
        mode: ``"w"`` for text or ``"wb"`` for bytes.
        encoding: text encoding (ignored for bytes).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if "b" in mode:
            handle: IO[Any] = os.fdopen(fd, mode)
        else:
            handle = os.fdopen(fd, mode, encoding=encoding, newline="\n")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    """Return the process umask (only readable by setting it), so outputs get normal permissions."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_text(path: str | Path, *, what: str) -> str:
    """Read a whole UTF-8 text file, turning the usual failures into :class:`InputError`.

    Args:
        path: the file to read.
        what: what the file is, for the message (``"lexicon file"`` gives
            ``"lexicon file not found"``).

    Raises:
        InputError: the file is missing, or not UTF-8 (naming the line of the bad byte).
    """
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what} not found", path=p) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise InputError(f"{what} is not valid UTF-8 ({exc.reason} at byte {exc.start})", path=p, line=line) from None


def dumps_line(record: dict[str, Any]) -> str:
    """Serialise one JSON Lines record deterministically (no NaN, UTF-8 kept)."""
    return json.dumps(record, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSON Lines atomically; return how many were written."""
    count = 0
    with atomic_write(path) as handle:
        for record in records:
            handle.write(dumps_line(record) + "\n")
            count += 1
    return count


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a JSON Lines file, streaming.

    Blank lines are skipped. A line that is not a JSON object raises
    :class:`InputError` naming the file and line.
    """
    for _, value in read_jsonl_numbered(path):
        yield value


def read_jsonl_numbered(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each JSON object of a JSON Lines file (see :func:`read_jsonl`)."""
    p = Path(path)
    try:
        handle = p.open(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", path=p) from None
    except IsADirectoryError:
        raise InputError("a folder, not a JSON Lines file", path=p) from None
    with handle:
        lineno = 0
        try:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path=p, line=lineno) from None
                if not isinstance(value, dict):
                    raise InputError("expected a JSON object on each line", path=p, line=lineno)
                yield lineno, value
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid UTF-8 ({exc.reason})", path=p, line=lineno + 1) from None
