"""Logging for the ``kg`` command: ``-v``/``-q``/``--log-level`` on every command.

The library only logs (``kg/__init__.py`` adds a ``NullHandler``); the CLI
decides what reaches the terminal. Warnings are shown by default on stderr,
since a torn journal or a failed SHACL check that ``kg build`` reports
"above" must be visible; ``-v`` adds info, ``-vv`` debug, ``-q`` keeps
errors only, ``--log-level`` sets the level by name.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

#: names --log-level accepts
LEVELS = ("debug", "info", "warning", "error", "critical")
_STATE_KEY = "kg.log"


class _Formatter(logging.Formatter):
    """``kg: warning: message`` — the shape of the CLI's other one-line messages."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"kg: {record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info and record.levelno <= logging.DEBUG:
            text += "\n" + self.formatException(record.exc_info)
        return text


class _KgHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The one handler the CLI puts on the ``kg`` logger (found again, never added twice)."""


def configure(level: int) -> None:
    """Send the ``kg`` logger's records at ``level`` and above to the current stderr."""
    logger = logging.getLogger("kg")
    for handler in [h for h in logger.handlers if isinstance(h, _KgHandler)]:
        logger.removeHandler(handler)
    handler = _KgHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    logger.addHandler(handler)
    logger.setLevel(level)


def _state(ctx: click.Context) -> dict[str, Any]:
    return ctx.find_root().meta.setdefault(_STATE_KEY, {"verbose": 0, "quiet": 0, "level": None})


def _apply(ctx: click.Context) -> None:
    state = _state(ctx)
    if state["level"] is not None:
        level = logging.getLevelName(state["level"].upper())
    else:
        level = logging.WARNING - 10 * state["verbose"] + 10 * state["quiet"]
        level = max(logging.DEBUG, min(logging.CRITICAL, level))
    configure(level)


def _on_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    _state(ctx)["verbose"] += value or 0
    _apply(ctx)


def _on_quiet(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    _state(ctx)["quiet"] += value or 0
    _apply(ctx)


def _on_level(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        _state(ctx)["level"] = value
    _apply(ctx)


def logging_options() -> list[click.Option]:
    """Return fresh ``-v``, ``-q`` and ``--log-level`` options to add to a command."""
    return [
        click.Option(
            ["-v", "--verbose"],
            count=True,
            expose_value=False,
            is_eager=True,
            callback=_on_verbose,
            help="Show more log messages (-v info, -vv debug).",
        ),
        click.Option(
            ["-q", "--quiet"],
            count=True,
            expose_value=False,
            is_eager=True,
            callback=_on_quiet,
            help="Show fewer log messages (-q errors only).",
        ),
        click.Option(
            ["--log-level"],
            type=click.Choice(LEVELS, case_sensitive=False),
            default=None,
            expose_value=False,
            is_eager=True,
            callback=_on_level,
            help="Log level by name (overrides -v/-q). Default: warning.",
        ),
    ]


def add_logging_options(command: click.Command) -> click.Command:
    """Give ``command`` the logging options once (commands are cached by their modules).

    A command that already has its own ``-q/--quiet`` (``kg build``: no
    progress bar; ``kg serve``: no request log) keeps it, and it also makes
    logging quiet.
    """
    if any(getattr(p, "name", None) == "log_level" for p in command.params):
        return command
    own_quiet = [p for p in command.params if isinstance(p, click.Option) and "-q" in p.opts]
    for param in own_quiet:
        param.callback = _chain_quiet(param.callback)
    skip = {"-q"} if own_quiet else set()
    command.params.extend(o for o in logging_options() if not skip & set(o.opts))
    return command


def _chain_quiet(original: Any) -> Any:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        _on_quiet(ctx, param, 1 if value else 0)
        return original(ctx, param, value) if original else value

    return callback
