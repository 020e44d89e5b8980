"""Train the ``proposed`` / ``used`` role scorer on annotated papers.

For every training paper the learned pipeline's rule components run (fields,
links, acronym definitions, lexicon, ``kg_roles``) with the *annotated*
mentions standing in for the tagger's (``train/convert.py`` places them), so
the scorer learns from the true entities; ``kg_learned_assembly`` groups them
into entities exactly as at run time, and each entity takes the annotated
role of the gold entity it matches. A logistic regression (numpy, full-batch
gradient descent, L2; deterministic) is fitted to
:func:`kg.extract.components.learned_roles.entity_features`. The decision
threshold is the one with the best ``proposed`` F1 over 5-fold
cross-validation on the training papers themselves (never on dev).

Usage::

    python train/roles.py TRAIN.jsonl OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.convert import project, read_records

L2 = 1e-3
STEPS = 3000
LEARN_RATE = 0.5
FOLDS = 5


def featurise(records: list[dict[str, Any]]) -> tuple[list[list[float]], list[int], list[int]]:
    """Return (features, labels, paper index) of every entity the annotated mentions make."""
    from kg.extract.components.common import Candidate, candidates, get_ext, norm_key
    from kg.extract.components.learned_roles import entity_features
    from kg.extract.components.patterns import cue_patterns
    from kg.extract.pipeline import CONFIG_PATH, build_pipeline, make_doc
    from kg.extract.wordlists import load_word_lists
    from kg.records import Paper

    learned_cfg = CONFIG_PATH.with_name("learned.cfg")
    nlp = build_pipeline(
        config=learned_cfg,
        overrides={
            "components.kg_learned.tagger": {"@misc": "kg.untrained_tagger.v1"},
            "components.kg_learned_assembly.roles": None,
        },
    )
    assembler = nlp.get_pipe("kg_learned_assembly")
    cues = cue_patterns(load_word_lists())
    before = [(n, p) for n, p in nlp.pipeline if n not in ("kg_learned", "kg_roles", "kg_learned_assembly")]
    roles = nlp.get_pipe("kg_roles")
    xs: list[list[float]] = []
    ys: list[int] = []
    papers: list[int] = []
    for index, record in enumerate(records):
        doc = make_doc(nlp, Paper(id=record["id"], title=record.get("title", ""), abstract=record.get("abstract", "")))
        for _, proc in before:
            doc = proc(doc)
        starts = {t.idx for t in doc}
        ends = {t.idx + len(t.text) for t in doc}
        placed = project(record, starts, ends)
        found = candidates(doc)
        for start, end, type_, _ in placed.spans:
            cand = Candidate(start, end, placed.text[start:end], "kg_learned", 1.0)
            cand.type, cand.type_evidence = type_, "context"
            found.append(cand)
        doc = roles(doc)
        drafts, groups = assembler.assemble(doc)
        role_of: dict[tuple[str, str], str] = {}
        for entity in record.get("entities") or []:
            for form in [entity["name"], *entity.get("aliases", [])]:
                role_of[(entity["type"], norm_key(form))] = entity["role"]
        for draft, members in zip(drafts, groups):
            keys = [norm_key(draft["name"]), *(norm_key(a) for a in draft["aliases"])]
            role = next((role_of[(draft["type"], k)] for k in keys if (draft["type"], k) in role_of), None)
            if role is None:
                continue  # a lexicon name the annotators did not list: no label
            pairs = get_ext(doc, "kg_abbreviations") or ()
            xs.append(entity_features(doc, draft, members, cues=cues, abbreviations=pairs))
            ys.append(1 if role == "proposed" else 0)
            papers.append(index)
    return xs, ys, papers


def fit(xs: Any, ys: Any) -> Any:
    """Fit logistic weights by full-batch gradient descent (deterministic)."""
    import numpy

    x = numpy.asarray(xs, dtype="float64")
    y = numpy.asarray(ys, dtype="float64")
    w = numpy.zeros(x.shape[1])
    for _ in range(STEPS):
        p = 1.0 / (1.0 + numpy.exp(-(x @ w)))
        grad = x.T @ (p - y) / len(y) + L2 * numpy.r_[0.0, w[1:]]
        w -= LEARN_RATE * grad
    return w


def cross_validated(xs: Any, ys: Any, papers: Any) -> Any:
    """Return each example's probability from weights fitted on the other folds (folds by paper)."""
    import numpy

    x = numpy.asarray(xs, dtype="float64")
    y = numpy.asarray(ys, dtype="float64")
    fold = numpy.asarray(papers) % FOLDS
    probs = numpy.zeros(len(y))
    for k in range(FOLDS):
        w = fit(x[fold != k], y[fold != k])
        probs[fold == k] = 1.0 / (1.0 + numpy.exp(-(x[fold == k] @ w)))
    return probs


def best_threshold(xs: list[list[float]], ys: list[int], papers: list[int]) -> tuple[float, float]:
    """Return (threshold, F1) maximising proposed F1 over paper-wise cross-validation folds."""
    import numpy

    y = numpy.asarray(ys)
    probs = cross_validated(xs, ys, papers)
    best = (0.5, 0.0)
    for threshold in numpy.arange(0.2, 0.81, 0.05):
        pred = probs >= threshold
        tp = int((pred & (y == 1)).sum())
        fp = int((pred & (y == 0)).sum())
        fn = int((~pred & (y == 1)).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best[1] + 1e-9:
            best = (round(float(threshold), 2), f1)
    return best


def main(argv: list[str]) -> int:
    """Featurise, cross-validate the threshold, fit on everything, write the JSON weights."""
    if len(argv) != 2:
        print(__doc__)
        return 2
    from kg.extract.components.learned_roles import RoleScorer

    records = list(read_records([Path(argv[0])]))
    xs, ys, papers = featurise(records)
    threshold, cv_f1 = best_threshold(xs, ys, papers)
    scorer = RoleScorer(list(fit(xs, ys)), threshold)
    out = Path(argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    data = scorer.to_dict() | {"trained_on": {"papers": len(records), "entities": len(ys), "proposed": sum(ys)},
                               "cross_validated_f1": round(cv_f1, 4)}
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"{out}: {len(ys)} entities ({sum(ys)} proposed), threshold {threshold}, 5-fold proposed F1 {cv_f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
