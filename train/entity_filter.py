"""Train the entity filter (``kg.entity_filter.v1``) on papers a tagger did not learn from.

The filter must learn how far the tagger can be trusted on a paper it has
never seen, so its examples come from a tagger fitted without them: the
learned pipeline (``kg/extract/learned.cfg``, the filter off) runs over the
held-out papers with that tagger's weights; every entity
``kg_learned_assembly`` assembles is an example, labelled as ``kg eval``
would count it (its name's key among the annotated names of its type in that
paper). A logistic regression (the role scorer's: ``train/roles.py``) is
fitted to :func:`kg.extract.components.entity_filter.entity_features`; the
threshold is the one with the best typed F1 (all annotated entities counted,
also those no candidate reaches) over the role scorer's 5-fold
cross-validation by paper.

``--halves`` measures what the filter gains on such papers without fitting
and scoring on the same ones: the filter of each half of HELDOUT is fitted
on the other half, and the papers are scored as ``kg eval`` scores them,
with the filter and without it (``kg_learned``'s cuts as before the filter).

Usage::

    python train/entity_filter.py HELDOUT.jsonl TAGGER_DIR OUT.json
    python train/entity_filter.py --halves HELDOUT.jsonl TAGGER_DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.convert import read_records
from train.roles import cross_validated, fit


def featurise(records: list[dict[str, Any]], tagger: Path) -> tuple[list[list[float]], list[int], list[int], int]:
    """Return (features, labels, paper index, annotated entities) of every entity the pipeline assembles."""
    from kg.extract.components.common import norm_key
    from kg.extract.pipeline import build_pipeline, make_doc
    from kg.extract.pipelines import pipeline_config
    from kg.records import Paper

    nlp = build_pipeline(
        config=pipeline_config("default"),
        overrides={"components.kg_learned.tagger.path": str(tagger), "components.kg_learned_assembly.entity_filter": None},
    )
    assembler = nlp.get_pipe("kg_learned_assembly")
    papers = [Paper(id=r["id"], title=r.get("title", ""), abstract=r.get("abstract", "")) for r in records]
    docs = nlp.pipe((make_doc(nlp, p) for p in papers), disable=["kg_learned_assembly"], batch_size=64)
    xs: list[list[float]] = []
    ys: list[int] = []
    paper_of: list[int] = []
    annotated = 0
    for index, (record, doc) in enumerate(zip(records, docs, strict=True)):
        gold: dict[str, set[str]] = {}
        for entity in record.get("entities") or []:
            annotated += 1
            keys = gold.setdefault(entity["type"], set())
            keys.update(norm_key(form) for form in [entity["name"], *entity.get("aliases", [])])
        drafts, groups = assembler.decide(doc)
        seen: set[tuple[str, str]] = set()
        for draft, features in zip(drafts, assembler.entity_features(doc, drafts, groups)):
            key = (draft["type"], norm_key(draft["name"]))
            if key in seen:
                continue  # the scorer counts one prediction per name and type
            seen.add(key)
            xs.append(features)
            ys.append(int(key[1] in gold.get(key[0], ())))
            paper_of.append(index)
    return xs, ys, paper_of, annotated


def best_threshold(xs: Any, ys: Any, papers: Any, annotated: int) -> tuple[float, float]:
    """Return (threshold, typed F1) best over paper-wise cross-validation folds."""
    import numpy

    y = numpy.asarray(ys) == 1
    probs = cross_validated(xs, ys, papers)
    best = (0.5, 0.0)
    for threshold in numpy.arange(0.2, 0.71, 0.02):
        kept = probs >= threshold
        tp = int((kept & y).sum())
        fp = int((kept & ~y).sum())
        f1 = 2 * tp / (tp + fp + annotated) if tp else 0.0
        if f1 > best[1] + 1e-9:
            best = (round(float(threshold), 2), f1)
    return best


def fit_filter(records: list[dict[str, Any]], tagger: Path) -> tuple[Any, dict[str, Any]]:
    """Return the fitted :class:`EntityFilter` and what it was trained on (for the JSON file)."""
    from kg.extract.components.entity_filter import EntityFilter

    xs, ys, papers, annotated = featurise(records, tagger)
    threshold, cv_f1 = best_threshold(xs, ys, papers, annotated)
    facts = {
        "trained_on": {"papers": len(records), "entities": len(ys), "kept_by_gold": sum(ys), "annotated": annotated},
        "cross_validated_f1": round(cv_f1, 4),
    }
    return EntityFilter(list(fit(xs, ys)), threshold), facts


def by_halves(heldout: Path, tagger: Path, work: Path) -> tuple[Any, Any]:
    """Return the scores of the papers (as ``kg eval``) without the filter and with the filter of the other half."""
    from kg.eval import load_extractions, score
    from kg.extract.components.entity_filter import WITHOUT_FILTER
    from kg.extract.pipeline import build_pipeline, run
    from kg.extract.pipelines import pipeline_config

    records = list(read_records([heldout]))
    gold = load_extractions(heldout)
    weights = {"components.kg_learned.tagger.path": str(tagger)}
    work.mkdir(parents=True, exist_ok=True)
    without: list[Any] = []
    with_filter: list[Any] = []
    for half in (0, 1):
        fitted, _ = fit_filter(records[1 - half :: 2], tagger)
        path = work / f"entity_filter-{half}.json"
        path.write_text(json.dumps(fitted.to_dict()), encoding="utf-8")
        papers = [g.paper for g in gold[half::2]]
        for preds, overrides in (
            (without, WITHOUT_FILTER),
            (with_filter, {"components.kg_learned_assembly.entity_filter": {"@misc": "kg.entity_filter.v1", "path": str(path)}}),
        ):
            nlp = build_pipeline(config=pipeline_config("default"), overrides={**weights, **overrides})
            preds.extend(run(papers, extractor="halves", nlp=nlp))
    return score(gold, without), score(gold, with_filter)


def main(argv: list[str] | None = None) -> int:
    """Fit the filter and write its JSON weights, or (``--halves``) print what it gains, by halves."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("heldout", type=Path, help="annotated papers the tagger did not learn from (JSON Lines)")
    parser.add_argument("tagger", type=Path, help="the tagger folder")
    parser.add_argument("out", type=Path, nargs="?", help="where to write the filter's weights (JSON)")
    parser.add_argument("--halves", action="store_true", help="measure by halves instead of fitting")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "entity-filter-halves", help="--halves: scratch folder")
    args = parser.parse_args(argv)
    if args.halves:
        from kg.records import ENTITY_TYPES as types

        print("| pipeline | all P / R / F1 | " + " | ".join(types) + " | proposed F1 |")
        print("|---|---|" + "---|" * (len(types) + 1))
        for label, scores in zip(("no filter (cuts 0.7 / 0.5)", "entity filter"), by_halves(args.heldout, args.tagger, args.work)):
            o = scores.overall
            cells = " | ".join(f"{scores.by_type[t].f1:.3f}" if t in scores.by_type else "-" for t in types)
            print(f"| {label} | {o.precision:.3f} / {o.recall:.3f} / **{o.f1:.3f}** | {cells} | {scores.proposed.f1:.3f} |")
        return 0
    if args.out is None:
        parser.error("OUT is required unless --halves is given")
    fitted, facts = fit_filter(list(read_records([args.heldout])), args.tagger)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fitted.to_dict() | facts, indent=1) + "\n", encoding="utf-8")
    print(
        f"{args.out}: {facts['trained_on']['entities']} entities ({facts['trained_on']['kept_by_gold']} annotated),"
        f" threshold {fitted.threshold}, 5-fold typed F1 {facts['cross_validated_f1']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
