"""Rebuild kg's learned extractor from the repository: ``make train`` runs this.

Steps (each deterministic; fixed seed, one thread where order matters):

1. static vectors on the unlabelled arXiv abstracts (``train/vectors.py``),
   dev papers left out; reused when ``WORK/vectors`` exists, else taken
   from the shipped tagger's vocab (the same table: the tagger copies it at
   initialisation) unless ``--rebuild-vectors`` is given;
   optionally (``--pretrain-papers N``) the tagger's encoder pretrained on
   N unlabelled abstracts (``train/pretrain.py``), reused when its file exists;
2. the tagger (``train/tagger.py``: the annotated training papers, with
   ``--second FILE`` those FILE annotates again combined by
   ``train/combine.py`` (what both list kept, what they differ on left
   unlabelled; measured, not shipped: train/README.md), optionally only the
   first ``--limit``, with BILUO tags from
   ``train/convert.py`` and the rules pipeline's tags as features; the
   model and optimizer of ``train/tagger.cfg``); dev is never used here;
3. the trained tagger folder copied into ``kg/extract/learned/tagger``
   (replacing the old one only once the new one is complete);
4. the role scorer (``train/roles.py``) written to
   ``kg/extract/learned/roles.json``;
5. the entity filter (``train/entity_filter.py``): a second tagger fitted on
   all but the last ``--filter-heldout`` training papers (the tenth round
   of annotation), the pipeline run with it over those last papers, the
   filter fitted to what it assembles there and written to
   ``kg/extract/learned/entity_filter.json``. ``--filter-only`` runs this
   step alone (the installed tagger kept).

Usage::

    python train/build.py [--corpus DIR] [--work build/train] [--out kg/extract/learned]
                          [--limit N] [--epochs N] [--rebuild-vectors] [--pretrain-papers N]
                          [--filter-heldout N] [--filter-only] [--second FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train import combine, convert, entity_filter, pretrain, roles, tagger, vectors

DATA = REPO / "train" / "data"
CONFIG = REPO / "train" / "tagger.cfg"
SEED = 0
FILTER_HELDOUT = 1832
"""Training papers held out from the entity filter's tagger: the last ones, the tenth round of annotation."""
PRETRAIN_PAPERS = 0
"""Unlabelled papers the encoder is pretrained on (``train/pretrain.py``); 0 skips pretraining
(measured on held-out training papers: within the spread of single runs, so off; train/README.md)."""


def pretrained_name(papers: int, epochs: int) -> str:
    """Name the pretrained weights by what made them: the tagger config's text, papers, epochs.

    A changed ``tagger.cfg`` (another width or depth) gets a new file instead
    of weights of the wrong shape.
    """
    import hashlib

    digest = hashlib.sha256(CONFIG.read_bytes() + f"|{papers}|{epochs}".encode()).hexdigest()[:12]
    return f"pretrained-tok2vec-{digest}.bin"


def default_corpus() -> Path:
    """Return the shared arXiv corpus folder: beside the checkout (CI), else the team's machine path."""
    for base in (REPO.parent / "shared", Path("/work/shared")):
        if (base / "data" / "arxiv").is_dir():
            return base / "data" / "arxiv"
    return REPO.parent / "shared" / "data" / "arxiv"


def fix_meta(path: Path, *, papers: int) -> None:
    """Name the tagger folder and record what it was trained on; drop timing-dependent fields."""
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update({"name": "kg_learned_tagger", "version": "1.0.0", "trained_on_papers": papers})
    meta.pop("performance", None)
    path.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def drop_paths(path: Path) -> None:
    """Blank the training-time file paths in the saved config: no absolute path ships (same bytes anywhere)."""
    from thinc.api import Config

    config = Config().from_disk(path, interpolate=False)
    for key in list(config["paths"]):
        config["paths"][key] = None
    config.to_disk(path)


def shipped_vectors(tagger_dir: Path, target: Path) -> bool:
    """Write the static vectors of a trained tagger folder as a vectors pipeline folder at ``target``.

    Training them again (``train/vectors.py``) takes half an hour on two shared
    cores and gives the same table: the tagger copies the vectors it was
    initialised with into its vocab. The rows keep their order and keys, so the
    folder holds what ``train/vectors.py`` wrote. Returns False (nothing
    written) when the folder holds no vectors.
    """
    import numpy
    import spacy
    from spacy.vectors import Vectors
    from spacy.vocab import Vocab

    if not (tagger_dir / "vocab" / "vectors").is_file():
        return False
    vocab = Vocab()
    vocab.from_disk(tagger_dir / "vocab")
    table = vocab.vectors
    if table.shape[0] == 0:
        return False
    by_row = sorted((row, key) for key, row in table.key2row.items())
    words = [vocab.strings[key] for _, key in by_row]
    data = numpy.asarray(table.data)[[row for row, _ in by_row]].astype("float32")
    out = spacy.blank("en")
    out.vocab.vectors = Vectors(
        strings=out.vocab.strings, data=data, keys=[out.vocab.strings.add(w) for w in words], attr="LOWER"
    )
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    out.to_disk(staging)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return True


def reuse_vectors(out: Path, target: Path) -> Path | None:
    """Write the vectors of the output's tagger, else of the package's own, to ``target``; return which."""
    for tagger_dir in dict.fromkeys([out / "tagger", REPO / "kg" / "extract" / "learned" / "tagger"]):
        if shipped_vectors(tagger_dir, target):
            return tagger_dir
    return None


def entity_filter_step(
    records: list[dict[str, Any]],
    work: Path,
    out: Path,
    vectors_dir: Path,
    *,
    heldout: int,
    epochs: int,
    init_tok2vec: Path | None = None,
) -> None:
    """Step 5: fit a tagger without the last ``heldout`` papers, then the entity filter on those papers.

    The second tagger is trained as the shipped one (same config, seed and
    pretrained encoder). With too few papers for both, the installed filter
    is left as it is.
    """
    if heldout <= 0 or len(records) < 2 * heldout:
        step(f"entity filter: {len(records)} papers are too few to hold out {heldout}; the installed filter is kept")
        return
    fit, held = records[:-heldout], records[-heldout:]
    step(f"entity filter: train a tagger on {len(fit)} papers, hold out the last {len(held)}")
    model_dir = work / "filter-tagger"
    shutil.rmtree(model_dir, ignore_errors=True)
    tagger.train(fit, model_dir, vectors=vectors_dir, epochs=epochs, seed=SEED, init_tok2vec=init_tok2vec)
    held_file = work / "filter-heldout.jsonl"
    held_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in held), encoding="utf-8")
    step("entity filter: fit it to what the pipeline assembles on the held-out papers")
    if entity_filter.main([str(held_file), str(model_dir), str(out / "entity_filter.json")]):
        raise SystemExit("entity filter: training failed")


def step(message: str) -> None:
    """Print a progress line with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the steps; fail loudly (non-zero) on the first error."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="unlabelled *.jsonl.gz abstracts")
    parser.add_argument("--data", type=Path, default=DATA, help="folder with train.jsonl and dev.jsonl")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "train")
    parser.add_argument("--out", type=Path, default=REPO / "kg" / "extract" / "learned")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N papers only (learning curve)")
    parser.add_argument("--epochs", type=int, default=12, help="passes over the training papers")
    parser.add_argument("--blind", action="store_true", help="hide the rules' tags from the tagger (ablation)")
    parser.add_argument("--vectors-rows", type=int, default=40000)
    parser.add_argument(
        "--pretrain-papers", type=int, default=PRETRAIN_PAPERS, help="pretrain the encoder on N unlabelled papers (0: no)"
    )
    parser.add_argument("--pretrain-epochs", type=int, default=1, help="passes of the encoder pretraining")
    parser.add_argument(
        "--rebuild-vectors", action="store_true", help="train the vectors again (ignore WORK/vectors and the shipped tagger's)"
    )
    parser.add_argument(
        "--filter-heldout", type=int, default=FILTER_HELDOUT, help="last N training papers the entity filter learns from"
    )
    parser.add_argument("--filter-only", action="store_true", help="train only the entity filter (step 5)")
    parser.add_argument(
        "--second", type=Path, default=None, help="second annotations of training papers to combine with (train/combine.py)"
    )
    args = parser.parse_args(argv)
    corpus = args.corpus or default_corpus()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    train_file = args.data / "train.jsonl"
    dev_file = args.data / "dev.jsonl"
    if not train_file.is_file():
        raise SystemExit(f"{train_file}: no training data (see train/README.md)")

    vectors_dir = work / "vectors"
    if not args.rebuild_vectors and (vectors_dir / "vocab" / "vectors").exists():
        step(f"vectors: reusing {vectors_dir}")
    elif not args.rebuild_vectors and (source := reuse_vectors(args.out, vectors_dir)) is not None:
        step(f"vectors: reusing the vectors of {source} as {vectors_dir}")
    else:
        if not corpus.is_dir():
            raise SystemExit(f"{corpus}: unlabelled corpus not found (pass --corpus)")
        step(f"vectors: training on {corpus}")
        excluded = [f for f in (dev_file, args.data / "tune.jsonl") if f.is_file()]
        vectors.main([str(corpus), str(vectors_dir), "--rows", str(args.vectors_rows), "--exclude", *map(str, excluded)])

    init_tok2vec = None
    if args.pretrain_papers:
        init_tok2vec = work / pretrained_name(args.pretrain_papers, args.pretrain_epochs)
        if init_tok2vec.is_file():
            step(f"encoder: reusing the pretrained weights {init_tok2vec}")
        else:
            if not corpus.is_dir():
                raise SystemExit(f"{corpus}: unlabelled corpus not found (pass --corpus)")
            step(f"encoder: pretraining on {args.pretrain_papers} unlabelled papers of {corpus}")
            excluded = [f for f in (dev_file, args.data / "dev-second.jsonl", args.data / "tune.jsonl") if f.is_file()]
            pretrain.main(
                [
                    str(corpus),
                    str(init_tok2vec),
                    "--vectors",
                    str(vectors_dir),
                    "--papers",
                    str(args.pretrain_papers),
                    "--epochs",
                    str(args.pretrain_epochs),
                    "--seed",
                    str(SEED),
                    "--exclude",
                    *map(str, excluded),
                ]
            )

    if args.second is not None:
        records, counts = combine.combine_files(train_file, args.second)
        step(f"{counts['papers']} papers annotated twice: {counts['both']} entities both list kept, the rest left unlabelled")
    else:
        records = list(convert.read_records([train_file]))
    if args.limit:
        records = records[: args.limit]
    subset = work / "train.jsonl"
    subset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    if args.filter_only:
        entity_filter_step(
            records, work, args.out, vectors_dir, heldout=args.filter_heldout, epochs=args.epochs, init_tok2vec=init_tok2vec
        )
        step("done")
        return 0

    step(f"train the tagger on {len(records)} papers")
    model_dir = work / "tagger"
    shutil.rmtree(model_dir, ignore_errors=True)
    tagger.train(
        records,
        model_dir,
        vectors=vectors_dir,
        epochs=args.epochs,
        seed=SEED,
        blind=args.blind,
        init_tok2vec=init_tok2vec,
    )

    step(f"install into {args.out}")
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "tagger"
    staging = args.out / ".tagger.new"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(model_dir, staging)
    fix_meta(staging / "meta.json", papers=len(records))
    drop_paths(staging / "config.cfg")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)

    step("train the role scorer")
    roles.main([str(subset), str(args.out / "roles.json")])
    if args.blind or args.limit:
        # the blind ablation runs without it (it reads the rules' finds); a learning-curve point keeps it
        step("entity filter: not trained for --blind or --limit; the installed one is kept")
    else:
        entity_filter_step(
            records, work, args.out, vectors_dir, heldout=args.filter_heldout, epochs=args.epochs, init_tok2vec=init_tok2vec
        )
    step("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
