"""Pretrain the tagger's tok2vec on unlabelled abstracts (spaCy's characters cloze objective).

The tagger learns from a few thousand annotated abstracts; the corpus has
two hundred thousand more that nobody annotated. ``spacy pretrain``'s
characters objective uses them: some words of each abstract are masked and
the network learns to guess the first and last characters of every word from
its neighbours, so the encoder learns how words are used around names before
it sees one label. ``train/tagger.py --init-tok2vec FILE`` then starts from
these weights instead of random ones.

The network is the tagger's own (``train/tagger.cfg``: same embedding
attributes and static vectors, same encoder), so the weights load into it
unchanged. The masked Docs carry words only, so the rules' tag attribute is
blank here and its rows are learned in fine-tuning. Papers are chosen as
``train/vectors.py`` chooses them (spread evenly over the corpus, dev papers
left out), seeded and single-threaded: the same input gives the same file.

Usage::

    python train/pretrain.py CORPUS_DIR OUT.bin --vectors DIR [--papers 40000] [--epochs 1]
                             [--exclude train/data/dev.jsonl]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.tagger import CONFIG
from train.vectors import excluded_ids, read_texts

BATCH_WORDS = 3000
"""Words per update (spaCy's pretraining default)."""
HIDDEN = 128
"""Width of the objective's output layer: spaCy's default is 300; the output layer, not the
small encoder, dominates the time, and it is thrown away after pretraining."""


def pretrain(
    texts: list[str],
    out: Path,
    *,
    vectors: Path | None,
    epochs: int,
    seed: int,
    overrides: dict[str, Any] | None = None,
    log: bool = True,
) -> None:
    """Pretrain the tok2vec of ``train/tagger.cfg`` on ``texts`` and write its weights to ``out``."""
    import spacy
    from spacy.training.pretrain import create_pretraining_model, make_update
    from spacy.util import fix_random_seed, registry
    from thinc.api import Adam

    fix_random_seed(seed)
    config = spacy.util.load_config(
        CONFIG, overrides={"paths.vectors": str(vectors) if vectors else None, **(overrides or {})}
    )
    if vectors is None:
        config["components"]["tagger"]["model"]["tok2vec"]["embed"]["include_static_vectors"] = False
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    objective = registry.architectures.get("spacy.PretrainCharacters.v1")(
        maxout_pieces=3, hidden_size=HIDDEN, n_characters=4
    )
    settings = {"component": "tagger", "layer": "tok2vec", "objective": objective, "dropout": 0.2}
    model = create_pretraining_model(nlp, settings)  # also loads the static vectors into nlp.vocab
    loss_of = model.attrs["loss"]
    optimizer = Adam(learn_rate=0.001, L2=0.01, grad_clip=1.0, use_averages=True)
    started = time.time()
    docs = [nlp.make_doc(text) for text in texts]
    words = sum(len(d) for d in docs)
    if log:
        print(f"{len(docs)} papers, {words} words tokenised in {time.time() - started:.0f} s", flush=True)
    order = list(range(len(docs)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        total, seen, batches = 0.0, 0, 0
        batch: list[Any] = []
        batch_words = 0
        for i in order:
            batch.append(docs[i])
            batch_words += len(docs[i])
            if batch_words < BATCH_WORDS:
                continue
            total += make_update(model, batch, optimizer, loss_of)
            seen += batch_words
            batches += 1
            batch, batch_words = [], 0
            if log and batches % 200 == 0:
                rate = seen / max(time.time() - started, 1e-9)
                print(f"epoch {epoch + 1}: {seen}/{words} words, loss {total / seen:.3f}, {rate:.0f} words/s", flush=True)
        if batch:
            total += make_update(model, batch, optimizer, loss_of)
            seen += batch_words
        if log:
            print(f"epoch {epoch + 1}/{epochs}: loss per word {total / max(seen, 1):.3f} ({time.time() - started:.0f} s)", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(out.name + ".new")
    with model.use_params(optimizer.averages):
        staging.write_bytes(model.get_ref("tok2vec").to_bytes())
    staging.replace(out)


def main(argv: list[str] | None = None) -> int:
    """Choose the papers, pretrain, write the weights."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of *.jsonl.gz abstracts")
    parser.add_argument("out", type=Path, help="file for the tok2vec weights")
    parser.add_argument("--vectors", type=Path, default=None, help="the static vectors folder (train/vectors.py)")
    parser.add_argument("--papers", type=int, default=40000, help="papers spread evenly over the corpus")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[], help="JSONL files whose ids are left out")
    args = parser.parse_args(argv)
    exclude = excluded_ids(args.exclude)
    texts = read_texts(args.corpus, exclude, args.papers)
    print(f"{len(texts)} papers ({len(exclude)} ids excluded)", flush=True)
    pretrain(texts, args.out, vectors=args.vectors, epochs=args.epochs, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
