"""``kg eval``: score extractions against a gold file and print the table.

A thin layer over :func:`kg.eval.score`. Without ``--pred`` the gold papers
are extracted first with :func:`kg.extract.extract_papers` (imported only
then, so scoring a prediction file never loads spaCy). Bad files raise
:class:`kg.errors.InputError`, which ``kg.cli.main`` prints as one line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from kg.cli.pipeline_option import pipeline_option
from kg.eval import SCIERC_POOLING, Scores, score
from kg.extractions import load_extractions
from kg.records import PaperExtraction

HEADER = ("", "tp", "fp", "fn", "P", "R", "F1")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _safe(text: str) -> str:
    """Return ``text`` on one line with control characters shown as spaces (names are untrusted)."""
    return " ".join(_UNPRINTABLE.sub(" ", text).split())


def format_table(scores: Scores) -> str:
    """Return the aligned table: one row per type, ALL, links and proposed."""
    rows = [HEADER] + [
        (name, str(c.tp), str(c.fp), str(c.fn), f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}")
        for name, c in scores.rows()
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = [
        "  ".join([r[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(r[1:], widths[1:])]).rstrip()
        for r in rows
    ]
    return "\n".join(lines)


def format_errors(scores: Scores) -> str:
    """Return each gold paper's false positives (``+``) and misses (``-``)."""
    out: list[str] = []
    for paper in scores.errors:
        title = _safe(paper.title) or "(no title)"
        note = "" if paper.paired else "  [no prediction]"
        out.append(f"{_safe(paper.paper_id)}  {title}{note}")
        out += [f"  + {e.row}: {_safe(e.name)}" for e in paper.false_positives]
        out += [f"  - {e.row}: {_safe(e.name)}" for e in paper.misses]
    return "\n".join(out)


def _extract(gold: list[PaperExtraction]) -> list[PaperExtraction]:
    """Run the extractor over the gold papers (title and abstract only)."""
    from kg.extract import extract_papers

    return list(extract_papers(g.paper for g in gold))


@click.command("eval")
@pipeline_option
@click.argument("gold", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--pred",
    "pred",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Extractions to score (JSON Lines from `kg extract`). Default: extract the gold papers now.",
)
@click.option(
    "--errors", "show_errors", is_flag=True, help="Also list each paper's false positives (+) and misses (-)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
@click.option(
    "--pool-model-into-method",
    "pool",
    is_flag=True,
    help="Score Model as Method (for corpora without a Model type, such as SciERC and SciER).",
)
def eval_(gold: Path, pred: Path | None, show_errors: bool, as_json: bool, pool: bool) -> None:
    """Score extractions against GOLD (JSON Lines in the gold format of ANNOTATION.md).

    A predicted entity is correct when its normalised name equals the name or
    an alias of a gold entity of the same type in the same paper; each gold
    entity counts once. Papers are paired by id, then title, then abstract.
    Rows: each type, ALL types, links (cleaned URLs) and proposed entities.

    \b
    Examples:
      kg eval gold.jsonl --pred extractions.jsonl
      kg eval gold.jsonl --errors
      kg eval scierc.jsonl --pred out.jsonl --pool-model-into-method --json
    """
    gold_records = load_extractions(gold)
    pred_records = load_extractions(pred) if pred is not None else _extract(gold_records)
    scores = score(gold_records, pred_records, pool_types=SCIERC_POOLING if pool else None)
    if as_json:
        click.echo(json.dumps(scores.to_dict(errors=show_errors), indent=2, ensure_ascii=False))
        return
    click.echo(format_table(scores))
    unpaired = (
        f", {scores.unpaired_predictions} predictions without gold" if scores.unpaired_predictions else ""
    )
    click.echo(f"\n{scores.paired}/{scores.papers} gold papers paired{unpaired}.")
    if show_errors and scores.errors:
        click.echo("")
        click.echo(format_errors(scores))
