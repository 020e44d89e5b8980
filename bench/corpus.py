"""Synthetic paper corpora for benchmarks, made by resampling real sentences.

Sentences of the bundled Daily Papers sample are shuffled into new abstracts
(and words of its titles into new titles), so texts are realistic and varied
enough that spaCy's tokenizer cache does not flatter the numbers. Seeded:
the same size gives the same corpus.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from kg.sources import SAMPLE_PATH, read_papers


def sample_sentences() -> tuple[list[str], list[str]]:
    """Return (sentences, title words) of the bundled sample."""
    sentences: list[str] = []
    words: list[str] = []
    for paper in read_papers([SAMPLE_PATH]):
        sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", paper.abstract) if len(s) > 20)
        words.extend(paper.title.split())
    return sentences, words


def make_papers(n: int, *, seed: int = 13) -> list[dict[str, str]]:
    """Return ``n`` synthetic papers as dicts with id, title, abstract."""
    rng = random.Random(seed)
    sentences, words = sample_sentences()
    papers = []
    for i in range(n):
        title = " ".join(rng.sample(words, k=min(len(words), rng.randint(5, 12))))
        abstract = " ".join(rng.choice(sentences) for _ in range(rng.randint(5, 10)))
        papers.append({"id": f"synthetic-{i:07d}", "title": f"{title} {i}", "abstract": abstract})
    return papers


def write_corpus(path: Path, n: int, *, seed: int = 13) -> Path:
    """Write ``n`` synthetic papers as JSON Lines to ``path`` (if not already there)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            for paper in make_papers(n, seed=seed):
                handle.write(json.dumps(paper) + "\n")
    return path
