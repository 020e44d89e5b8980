"""Score pipeline variants on a gold file and print one Markdown table row per variant.

The variants are the ablation of issue 10:

* ``rules``: the rules-only pipeline (``--pipeline fast``);
* ``learned``: the tagger alone, trained and run blind to the rules (``--blind`` of
  ``train/tagger.py``; no rule tags, no lexicon names or types, no entity filter), rule roles;
* ``hybrid``: the shipped learned pipeline (tagger stacked on the rules, exact lexicon
  names and types), roles from the rules (``kg_roles`` and the rules' cues);
* ``hybrid-learned-roles``: the same with the trained role scorer (``roles.json``).

``--weights DIR`` scores another trained tagger folder (and ``DIR/../roles.json``
when it exists), for the learning curve; the bundled entity filter, fitted to
the shipped tagger's sibling, judges its entities all the same. Scoring is :func:`kg.eval.score`,
exactly what ``kg eval`` prints.

Usage::

    python train/evaluate.py GOLD.jsonl [--variants rules hybrid ...] [--weights DIR] [--per-type]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.extract.components.entity_filter import WITHOUT_FILTER

LEARNED_ROLES = {"@misc": "kg.learned_roles.v1", "path": None}
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "rules": ("fast", {}),
    "learned": (
        "default",
        {
            "components.kg_rule_tags.blind": True,
            "components.kg_learned_assembly.lexicon_fill": False,
            "components.kg_learned_assembly.lexicon_types": False,
            # the entity filter reads the rules' finds: off, and the tagger's own cuts as before it
            **WITHOUT_FILTER,
        },
    ),
    "hybrid": ("default", {}),
    "hybrid-learned-roles": ("default", {"components.kg_learned_assembly.roles": LEARNED_ROLES}),
}


def evaluate(
    gold_path: Path, variant: str, weights: Path | None, extra: dict[str, Any] | None = None
) -> tuple[Any, float]:
    """Return (scores, CPU seconds of extraction) of one variant on a gold file (``extra``: config overrides)."""
    from kg.eval import load_extractions, score
    from kg.extract.pipeline import build_pipeline, run
    from kg.extract.pipelines import pipeline_config

    name, overrides = VARIANTS[variant]
    overrides = dict(overrides)
    if name == "default":
        overrides.update(extra or {})
    if name == "default" and weights is not None:
        overrides["components.kg_learned.tagger.path"] = str(weights)
        roles = weights.parent / "roles.json"
        if roles.is_file() and "components.kg_learned_assembly.roles" in overrides:
            overrides["components.kg_learned_assembly.roles"] = {"@misc": "kg.learned_roles.v1", "path": str(roles)}
    nlp = build_pipeline(config=pipeline_config(name), overrides=overrides)
    gold = load_extractions(gold_path)
    started = time.process_time()
    pred = list(run([g.paper for g in gold], extractor="evaluate", nlp=nlp))
    return score(gold, pred), time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--weights", type=Path, default=None, help="a trained tagger folder")
    parser.add_argument("--label", default="", help="first column text (default: the variant name)")
    parser.add_argument("--header", action="store_true", help="print the table header first")
    args = parser.parse_args(argv)
    types = ("Method", "Model", "Dataset", "Task")
    if args.header:
        print("| | " + " | ".join(f"{t} P / R / F1" for t in types) + " | all P / R / F1 | proposed F1 | links F1 |")
        print("|---|" + "---|" * (len(types) + 3))
    for variant in args.variants:
        scores, _ = evaluate(args.gold, variant, args.weights)
        cells = []
        for t in types:
            c = scores.by_type.get(t)
            cells.append(f"{c.precision:.2f} / {c.recall:.2f} / {c.f1:.2f}" if c else "-")
        o = scores.overall
        label = args.label or variant
        print(
            f"| {label} | " + " | ".join(cells)
            + f" | {o.precision:.3f} / {o.recall:.3f} / **{o.f1:.3f}** | {scores.proposed.f1:.3f} | {scores.links.f1:.2f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
