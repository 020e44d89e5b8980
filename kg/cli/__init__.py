"""The ``kg`` command line: a thin layer that parses, calls the library and prints.

Subcommands live in their own modules and are imported only when invoked, so
``kg --help`` stays fast. Errors derived from :class:`kg.errors.KGError` are
printed as one line and mapped to their exit code; nothing else is caught.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from kg import __version__
from kg.cli.logs import add_logging_options, logging_options
from kg.errors import KGError

#: command name -> (module, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "build": ("kg.cli.build_cmd", "build", "Read papers, extract entities and write the graph files."),
    "papers": ("kg.cli.papers_cmd", "papers", "List the papers a source yields."),
    "extract": ("kg.cli.extract_cmd", "extract", "Extract entities and links from papers to JSON Lines."),
    "eval": ("kg.cli.eval_cmd", "eval_", "Score extractions against a gold file."),
    "export": ("kg.cli.export_cmd", "export", "Write a graph as GraphML, GEXF or Neo4j bulk-import CSV."),
    "query": ("kg.cli.query_cmd", "query", "Run a SPARQL query over a graph."),
    "view": ("kg.cli.view_cmd", "view", "Draw a graph as an interactive offline HTML page."),
    "serve": ("kg.cli.serve_cmd", "serve", "Serve a graph over HTTP: SPARQL endpoint and HTML view."),
}


class KGClickError(click.ClickException):
    """A :class:`KGError` shown the click way: one line on stderr, the error's exit code."""

    def __init__(self, error: KGError) -> None:
        super().__init__(str(error))
        # click types exit_code as a ClassVar, but its own handlers read it per
        # instance, and kg's exit code depends on which KGError this wraps.
        self.exit_code = error.exit_code  # type: ignore[misc]

    def format_message(self) -> str:
        """Show the kg error as it is, without click's "Error: " prefix."""
        return self.message


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it is used.

    It also turns :class:`KGError` raised by any command into a one-line
    message and the error's exit code, under ``kg`` and under ``CliRunner``.
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a :class:`KGError` becomes a click error so it prints as one line."""
        try:
            return super().invoke(ctx)
        except KGError as exc:
            raise KGClickError(exc) from exc

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Name the commands from :data:`COMMANDS` without importing any of them."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return one command's module only now that it is asked for."""
        if cmd_name not in COMMANDS:
            return None
        module_name, attr, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return add_logging_options(command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands in ``kg --help`` from the one-line help in :data:`COMMANDS` (no imports)."""
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """kg builds a knowledge graph of methods, models, datasets, tasks and code
    links from research papers, and lets you query and explore it.

    Warnings are shown on stderr; -v/-q/--log-level (here or after any
    command) show more or less. A '-' in place of a file reads standard input
    (kg papers -, kg extract -, kg query --file -) or writes standard output
    (kg extract -o -). `python -m kg` is the same as `kg`."""


cli.params.extend(logging_options())


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; print kg errors as one line instead of a traceback."""
    try:
        return cli.main(args=argv, prog_name="kg", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KGError as exc:
        click.echo(f"kg: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
