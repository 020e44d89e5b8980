"""Choose training settings on a held-out slice of the TRAINING papers (never on dev).

Trains the tagger on the first ``--fit`` training papers, saves the averaged
weights after each pass listed in ``--epochs``, and scores the shipped
configuration (``hybrid`` of ``train/evaluate.py``: rules + tagger + exact
lexicon names, the entity filter) on the training papers ``--fit + 1`` ..
``--fit + --heldout``; the filter scoring each half of them is fitted on the
other half (``train/entity_filter.py --halves``). One Markdown row per (setting, epoch). Settings are
``train/tagger.cfg`` overrides, e.g. the encoder width::

    python train/holdout.py --fit 1200 --heldout 300 --epochs 8 12 16 20 \\
        --set components.tagger.model.tok2vec.encode.width=64

The dev file is not read. The vectors are ``build/train/vectors`` (as
``train/build.py`` leaves them).
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

from train import entity_filter, tagger
from train.convert import read_records


def parse_setting(text: str) -> tuple[str, Any]:
    """Return (key, value) of ``key=value`` (the value parsed as JSON when it can be)."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def main(argv: list[str] | None = None) -> int:
    """Train once, score each checkpoint on the held-out training papers, print the rows."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=Path, default=REPO / "train" / "data" / "train.jsonl")
    parser.add_argument("--fit", type=int, default=1200, help="train on the first N training papers")
    parser.add_argument("--heldout", type=int, default=300, help="score on the next N training papers")
    parser.add_argument("--epochs", type=int, nargs="+", default=[12], help="passes after which to score")
    parser.add_argument("--set", type=parse_setting, action="append", default=[], help="tagger.cfg KEY=VALUE")
    parser.add_argument("--vectors", type=Path, default=REPO / "build" / "train" / "vectors")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "holdout")
    parser.add_argument("--label", default="", help="first column text")
    parser.add_argument("--seed", type=int, default=0, help="training seed (another seed shows a setting's spread)")
    parser.add_argument("--init-tok2vec", type=Path, default=None, help="pretrained encoder weights (train/pretrain.py)")
    args = parser.parse_args(argv)
    records = list(read_records([args.train]))
    fit, held = records[: args.fit], records[args.fit : args.fit + args.heldout]
    if len(held) < args.heldout:
        raise SystemExit(f"{args.train}: {len(records)} papers, fewer than --fit + --heldout")
    args.work.mkdir(parents=True, exist_ok=True)
    gold = args.work / "heldout.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in held), encoding="utf-8")
    overrides = dict(args.set)
    wanted = set(args.epochs)
    label = args.label or (
        " ".join(f"{k.rsplit('.', 1)[-1]}={v}" for k, v in overrides.items()) or "shipped cfg"
    )
    started = time.time()

    def score(epoch: int, nlp: Any, optimizer: Any) -> None:
        if epoch not in wanted:
            return
        folder = args.work / f"epoch-{epoch}"
        shutil.rmtree(folder, ignore_errors=True)
        with nlp.use_params(optimizer.averages):
            nlp.to_disk(folder)
        # the shipped pipeline's entity filter, fitted on one half of the held-out papers, scores the other
        _, scores = entity_filter.by_halves(gold, folder, args.work / f"filter-{epoch}")
        o = scores.overall
        per_type = " | ".join(
            f"{scores.by_type[t].f1:.3f}" if t in scores.by_type else "-" for t in evaluate_types()
        )
        print(
            f"| {label} | {epoch} | {o.precision:.3f} / {o.recall:.3f} / **{o.f1:.3f}** | {per_type}"
            f" | {scores.proposed.f1:.3f} | {time.time() - started:.0f} s |",
            flush=True,
        )

    print("| setting | epochs | all P / R / F1 | Method | Model | Dataset | Task | proposed | time |")
    print("|---|---|---|---|---|---|---|---|---|")
    tagger.train(
        fit,
        args.work / "last",
        vectors=args.vectors,
        epochs=max(wanted),
        seed=args.seed,
        log=False,
        overrides=overrides,
        on_epoch=score,
        init_tok2vec=args.init_tok2vec,
    )
    return 0


def evaluate_types() -> tuple[str, ...]:
    """Return the entity types in table order."""
    return ("Method", "Model", "Dataset", "Task")


if __name__ == "__main__":
    sys.exit(main())
