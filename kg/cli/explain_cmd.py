"""``kg explain``: why entity resolution made NAME the entity (or entities) it is."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("explain")
@click.argument("name")
@click.option(
    "-o",
    "--out",
    "out_dir",
    default="outputs",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The output folder of a `kg build` (it holds resolution.jsonl).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the matching records as JSON Lines.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=12,
    show_default=True,
    help="How many surface forms, kept-apart forms and members to list per entity.",
)
def explain(name: str, out_dir: Path, as_json: bool, limit: int) -> None:
    """Explain how entity resolution treated NAME.

    NAME is an entity name, alias or surface form (case, dashes and spacing
    do not matter) or a node id, current or retired. For each entity it may
    denote, kg explain prints the type and why (the lexicon, or the types
    the extractor gave), the label and why, the surface forms it joined with
    the rule that joined them, the forms kept apart and why (another
    version, a more specific name, an acronym that does not fit), its family
    (skos:broader) and members, and the ids earlier builds gave it.

    Examples:
      kg explain SAM
      kg explain "GPT-4o mini" -o outputs
      kg explain model:gpt-4o --json
    """
    from kg.cli.terminal import safe_json_line, safe_line, stdout_is_terminal
    from kg.explain import RESOLUTION_REPORT, explain_lines, find_entities, read_report

    matches = find_entities(read_report(out_dir / RESOLUTION_REPORT), name)
    terminal = stdout_is_terminal()
    if as_json:
        for record in matches:
            line = json.dumps(record, ensure_ascii=False, sort_keys=True)
            click.echo(safe_json_line(line) if terminal else line)
    else:
        for line in explain_lines(name, matches, surfaces=limit):
            click.echo(safe_line(line) if terminal else line)
    if not matches:
        raise SystemExit(1)
