"""Train the BILUO tagger of ``kg_learned`` on annotated papers, with the rules' tags as features.

``spacy train`` builds the Docs the model reads from the training words
alone; this tagger also reads the tag the rules pipeline gives each token
(:mod:`kg.extract.components.rule_tags`), so the training Docs are made by
running the rules pipeline (``config.cfg`` + ``kg_rule_tags``, the head of
``learned.cfg``) over each training paper. The loop is spaCy's own
(``nlp.initialize`` / ``nlp.update`` with the optimizer of
``train/tagger.cfg``), seeded, one thread: the same data give the same
weights. The matrix products run on numpy's BLAS, as at extraction
(``kg/extract/matmul.py``: about 2.6x faster than thinc's bundled kernels
here). The averaged parameters are saved.

Usage::

    python train/tagger.py TRAIN.jsonl OUT_DIR [--vectors DIR] [--epochs 12] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.convert import paper_text, read_records, to_docs
from train.omissions import often_listed, token_spans

CONFIG = REPO / "train" / "tagger.cfg"
BATCH_PAPERS = 8


def feature_docs(records: list[dict[str, Any]], rules: Any) -> list[Any]:
    """Return the rules pipeline's Doc of each record (token tags = the rules' BILUO tags)."""
    from kg.extract.pipeline import make_doc
    from kg.records import Paper

    papers = (Paper(id=r.get("id", ""), title=r.get("title") or "", abstract=r.get("abstract") or "") for r in records)
    return list(rules.pipe((make_doc(rules, p) for p in papers), batch_size=64))


def often_listed_names(records: list[dict[str, Any]], settings: dict[str, Any]) -> frozenset[str]:
    """Return the names to leave unlabelled where unlisted (:mod:`train.omissions`), per ``[kg]`` of tagger.cfg.

    ``omitted_share`` (0 or absent: off) is the share of the papers holding a
    name that must list it; ``omitted_min_papers`` the fewest that must.
    """
    share = float(settings.get("omitted_share", 0) or 0)
    if share <= 0:
        return frozenset()
    from kg.extract.tokenizer import blank

    texts = [paper_text(r) for r in records]
    tokens = [token_spans((t.idx for t in d), (t.idx + len(t.text) for t in d)) for d in blank().pipe(texts)]
    return often_listed(records, texts, tokens, min_share=share, min_papers=int(settings.get("omitted_min_papers", 3)))


def rules_pipeline(*, blind: bool = False) -> Any:
    """Return the head of the learned pipeline: rules + ``kg_rule_tags`` (no tagger)."""
    from kg.extract.pipeline import build_pipeline
    from kg.extract.pipelines import pipeline_config

    nlp = build_pipeline(config=pipeline_config("fast"))
    nlp.add_pipe("kg_rule_tags", config={"blind": blind})
    return nlp


def train(
    records: list[dict[str, Any]],
    out: Path,
    *,
    vectors: Path | None,
    epochs: int,
    seed: int,
    blind: bool = False,
    log: bool = True,
    overrides: dict[str, Any] | None = None,
    on_epoch: Callable[[int, Any, Any], None] | None = None,
    init_tok2vec: Path | None = None,
) -> None:
    """Train and save the tagger pipeline folder to ``out``.

    ``overrides`` change ``train/tagger.cfg`` (dotted keys, e.g. the encoder
    width); ``on_epoch(epoch, nlp, optimizer)`` runs after every pass (the
    held-out selection of ``train/holdout.py`` saves checkpoints there).
    ``init_tok2vec`` starts the encoder from pretrained weights
    (``train/pretrain.py``, made with the same ``tagger.cfg``).
    """
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    from kg.extract.matmul import one_blas_thread, use_matmul
    from kg.extract.tokenizer import blank

    fix_random_seed(seed)
    config = spacy.util.load_config(
        CONFIG, overrides={"paths.vectors": str(vectors) if vectors else None, **(overrides or {})}
    )
    if vectors is None:
        config["components"]["tagger"]["model"]["tok2vec"]["embed"]["include_static_vectors"] = False
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    use_matmul(nlp.get_pipe("tagger").model, "numpy")
    rules = rules_pipeline(blind=blind)
    started = time.time()
    settings = config.get("kg", {})
    often = often_listed_names(records, settings)
    if log and often:
        print(f"{len(often)} names usually listed: left unlabelled where an annotator did not list them", flush=True)
    gold = list(to_docs(records, blank(), role_tags=bool(settings.get("role_tags", False)), often_listed=often))
    if vectors is not None:  # the static-vector layer reads the vectors of the Docs' vocab
        from spacy.vocab import Vocab

        vocab = Vocab()
        vocab.from_disk(vectors / "vocab")
        rules.vocab.vectors = vocab.vectors
    predicted = feature_docs(records, rules)
    examples = []
    for pred, ref, record in zip(predicted, gold, records):
        if pred.text != ref.text or len(pred) != len(ref):
            raise SystemExit(f"paper {record.get('id')}: tokenisation differs between rules and gold Docs")
        examples.append(Example(pred, ref))
    if log:
        print(f"features for {len(examples)} papers in {time.time() - started:.0f} s", flush=True)
    nlp.initialize(lambda: examples)
    if init_tok2vec is not None:
        nlp.get_pipe("tagger").model.get_ref("tok2vec").from_bytes(init_tok2vec.read_bytes())
        if log:
            print(f"encoder initialised from {init_tok2vec}", flush=True)
    if vectors is not None:
        rules.vocab.vectors = nlp.vocab.vectors
    optimizer = nlp.create_optimizer()
    dropout = float(config["training"]["dropout"])  # tagger.cfg's [training], as the optimizer's settings
    rng = random.Random(seed)
    order = list(range(len(examples)))
    for epoch in range(epochs):
        rng.shuffle(order)
        losses: dict[str, float] = {}
        with one_blas_thread():
            for batch in minibatch([examples[i] for i in order], size=BATCH_PAPERS):
                nlp.update(batch, drop=dropout, sgd=optimizer, losses=losses)
        if log:
            print(f"epoch {epoch + 1}/{epochs}: loss {losses.get('tagger', 0.0):.1f} ({time.time() - started:.0f} s)", flush=True)
        if on_epoch is not None:
            on_epoch(epoch + 1, nlp, optimizer)
    out.mkdir(parents=True, exist_ok=True)
    with nlp.use_params(optimizer.averages):
        nlp.to_disk(out)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and train."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("train", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--vectors", type=Path, default=None, help="a spaCy pipeline folder holding the vectors")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--blind", action="store_true", help="hide the rules' tags (the learned-only ablation)")
    parser.add_argument("--init-tok2vec", type=Path, default=None, help="pretrained encoder weights (train/pretrain.py)")
    args = parser.parse_args(argv)
    records = list(read_records([args.train]))
    if args.limit:
        records = records[: args.limit]
    _ = paper_text  # the text both Docs are made of (see train/convert.py)
    train(
        records,
        args.out,
        vectors=args.vectors,
        epochs=args.epochs,
        seed=args.seed,
        blind=args.blind,
        init_tok2vec=args.init_tok2vec,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
