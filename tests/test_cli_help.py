"""Every ``kg`` command documents itself: a summary, a description and help on every option."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kg.cli import COMMANDS, cli


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"], prog_name="kg")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help_and_every_option_says_what_it_does(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.name == name
    assert command.help and len(command.help.split()) >= 8, f"kg {name} needs a description"
    undocumented = [
        param.opts[-1]
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip()
    ]
    assert not undocumented, f"kg {name}: options without help: {undocumented}"
    result = CliRunner().invoke(cli, [name, "--help"], prog_name="kg")
    assert result.exit_code == 0 and f"Usage: kg {name}" in result.output
