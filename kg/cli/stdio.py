"""``-`` as standard input or output on the command line, the way Unix tools take it.

Readers sniff a file's format from its first bytes and may read a file twice
(see :mod:`kg.sources.reading`), which a pipe cannot give them. So standard
input is first copied to a private temporary file and read from there; error
messages name it ``<stdin>``, not the temporary path.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click

from kg.errors import InputError

#: what names standard input or output on the command line
DASH = "-"
#: how standard input is named in messages
STDIN_NAME = "<stdin>"


def is_dash(value: object) -> bool:
    """Whether a command-line value is ``-``."""
    return value is not None and str(value) == DASH


class StdinInputs:
    """The inputs with ``-`` replaced by a file holding standard input, and a way to name it."""

    def __init__(self, paths: tuple[Path, ...], spooled: Path | None) -> None:
        self.paths = paths
        self.spooled = spooled

    def display(self, text: str) -> str:
        """Return ``text`` with the temporary file's path shown as ``<stdin>``."""
        return text.replace(str(self.spooled), STDIN_NAME) if self.spooled else text


@contextmanager
def stdin_inputs(inputs: Sequence[Path]) -> Iterator[StdinInputs]:
    """Yield the inputs with ``-`` read from standard input into a temporary file.

    Raises:
        click.UsageError: ``-`` is given more than once.
        InputError: from the block, with the temporary path shown as ``<stdin>``.
    """
    dashes = sum(1 for path in inputs if is_dash(path))
    if dashes == 0:
        yield StdinInputs(tuple(inputs), None)
        return
    if dashes > 1:
        raise click.UsageError("'-' (standard input) can be given only once")
    with tempfile.TemporaryDirectory(prefix="kg-stdin-") as folder:
        spooled = Path(folder) / "stdin"
        with spooled.open("wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)
        try:
            yield StdinInputs(tuple(spooled if is_dash(p) else p for p in inputs), spooled)
        except InputError as exc:
            if exc.path != str(spooled):
                raise
            raise InputError(exc.message, path=STDIN_NAME, line=exc.line) from None
