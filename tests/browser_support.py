"""Hand-made graphs for the view tests, built directly to the DESIGN.md graph contract.

The papers, titles and sentences below are invented for these tests; the
method, model and dataset names are well-known public names. Also holds the
shared Chromium launcher for the browser tests (no conftest.py: that file
belongs to the whole suite).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx

from kg.normalize import slugify

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# (title, abstract, url, [(type, name, aliases, role, evidence)], [(relation, url, sentence)])
Entity = tuple[str, str, tuple[str, ...], str, str]
PaperSpec = tuple[str, str, str, list[Entity], list[tuple[str, str, str]]]

SAMPLE_PAPERS: list[PaperSpec] = [
    (
        "Sparse Adapter Routing for Efficient Multilingual Speech Recognition",
        (
            "We introduce Sparse Adapter Routing (SAR), which sends each utterance through a few "
            "language-specific adapters on top of a frozen Whisper encoder. On Common Voice and FLEURS, "
            "SAR matches full fine-tuning for automatic speech recognition (ASR) with 3% of the parameters "
            "and outperforms LoRA. Code: https://github.com/example-lab/sparse-adapter-routing"
        ),
        "https://arxiv.org/abs/2501.00001",
        [
            (
                "Method",
                "Sparse Adapter Routing",
                ("SAR",),
                "proposed",
                "We introduce Sparse Adapter Routing (SAR), which sends each utterance through a few language-specific adapters.",
            ),
            ("Model", "Whisper", (), "used", "adapters on top of a frozen Whisper encoder."),
            (
                "Dataset",
                "Common Voice",
                (),
                "used",
                "On Common Voice and FLEURS, SAR matches full fine-tuning.",
            ),
            ("Dataset", "FLEURS", (), "used", "On Common Voice and FLEURS, SAR matches full fine-tuning."),
            (
                "Task",
                "automatic speech recognition",
                ("ASR",),
                "used",
                "SAR matches full fine-tuning for automatic speech recognition (ASR).",
            ),
            (
                "Method",
                "Low-Rank Adaptation",
                ("LoRA",),
                "used",
                "with 3% of the parameters and outperforms LoRA.",
            ),
        ],
        [
            (
                "has_code",
                "https://github.com/example-lab/sparse-adapter-routing",
                "Code: https://github.com/example-lab/sparse-adapter-routing",
            )
        ],
    ),
    (
        "Curriculum Preference Optimization for Mathematical Reasoning",
        (
            "Preference tuning with Direct Preference Optimization (DPO) treats all pairs alike. We propose "
            "Curriculum Preference Optimization (CPO), which orders pairs from easy to hard. CPO improves "
            "Llama-3.1-8B and Qwen2.5-7B on GSM8K and MATH for mathematical reasoning."
        ),
        "https://arxiv.org/abs/2501.00002",
        [
            (
                "Method",
                "Curriculum Preference Optimization",
                ("CPO",),
                "proposed",
                "We propose Curriculum Preference Optimization (CPO), which orders pairs from easy to hard.",
            ),
            (
                "Method",
                "Direct Preference Optimization",
                ("DPO",),
                "used",
                "Preference tuning with Direct Preference Optimization (DPO) treats all pairs alike.",
            ),
            (
                "Model",
                "Llama-3.1-8B",
                ("Llama 3.1 8B",),
                "used",
                "CPO improves Llama-3.1-8B and Qwen2.5-7B on GSM8K and MATH.",
            ),
            (
                "Model",
                "Qwen2.5-7B",
                (),
                "used",
                "CPO improves Llama-3.1-8B and Qwen2.5-7B on GSM8K and MATH.",
            ),
            ("Dataset", "GSM8K", (), "used", "CPO improves Llama-3.1-8B and Qwen2.5-7B on GSM8K and MATH."),
            ("Dataset", "MATH", (), "used", "CPO improves Llama-3.1-8B and Qwen2.5-7B on GSM8K and MATH."),
            ("Task", "mathematical reasoning", (), "used", "on GSM8K and MATH for mathematical reasoning."),
        ],
        [
            (
                "has_link",
                "https://huggingface.co/example-lab/cpo-llama-8b",
                "Weights: https://huggingface.co/example-lab/cpo-llama-8b",
            )
        ],
    ),
    (
        "Adaptive Token Pruning for Vision Transformers on Edge Devices",
        (
            "We present Adaptive Token Pruning (ATP) for ViT-B/16. ATP drops uninformative patches layer by "
            "layer and keeps 98% of the accuracy on ImageNet-1K for image classification while halving latency; "
            "it also transfers to object detection on COCO."
        ),
        "https://arxiv.org/abs/2501.00003",
        [
            (
                "Method",
                "Adaptive Token Pruning",
                ("ATP",),
                "proposed",
                "We present Adaptive Token Pruning (ATP) for ViT-B/16.",
            ),
            ("Model", "ViT-B/16", (), "used", "We present Adaptive Token Pruning (ATP) for ViT-B/16."),
            (
                "Dataset",
                "ImageNet-1K",
                ("ImageNet",),
                "used",
                "keeps 98% of the accuracy on ImageNet-1K for image classification",
            ),
            ("Dataset", "COCO", ("MS-COCO",), "used", "it also transfers to object detection on COCO."),
            (
                "Task",
                "image classification",
                (),
                "used",
                "keeps 98% of the accuracy on ImageNet-1K for image classification",
            ),
            ("Task", "object detection", (), "used", "it also transfers to object detection on COCO."),
        ],
        [
            (
                "has_code",
                "https://github.com/example-lab/atp",
                "Code is available at https://github.com/example-lab/atp.",
            )
        ],
    ),
    (
        "GraphMem: Retrieval-Augmented Generation with a Graph Memory",
        (
            "Retrieval-augmented generation (RAG) retrieves passages one at a time. GraphMem stores retrieved "
            "facts in a graph memory and lets Llama-3.1-8B traverse it. GraphMem improves question answering "
            "on HotpotQA and Natural Questions."
        ),
        "https://arxiv.org/abs/2501.00004",
        [
            (
                "Method",
                "GraphMem",
                (),
                "proposed",
                "GraphMem stores retrieved facts in a graph memory and lets Llama-3.1-8B traverse it.",
            ),
            (
                "Method",
                "retrieval-augmented generation",
                ("RAG",),
                "used",
                "Retrieval-augmented generation (RAG) retrieves passages one at a time.",
            ),
            (
                "Model",
                "Llama-3.1-8B",
                (),
                "used",
                "GraphMem stores retrieved facts in a graph memory and lets Llama-3.1-8B traverse it.",
            ),
            (
                "Dataset",
                "HotpotQA",
                (),
                "used",
                "GraphMem improves question answering on HotpotQA and Natural Questions.",
            ),
            (
                "Dataset",
                "Natural Questions",
                ("NQ",),
                "used",
                "GraphMem improves question answering on HotpotQA and Natural Questions.",
            ),
            (
                "Task",
                "question answering",
                ("QA",),
                "used",
                "GraphMem improves question answering on HotpotQA and Natural Questions.",
            ),
        ],
        [("has_code", "https://github.com/example-lab/graphmem", "")],
    ),
    (
        "Low-Rank Distillation of Text-to-Image Diffusion Models",
        (
            "We distil Stable Diffusion XL into a four-step student with Low-Rank Distillation (LoRD), "
            "training only LoRA weights on LAION-5B captions. LoRD keeps text-to-image generation quality "
            "on COCO captions at a quarter of the cost."
        ),
        "https://arxiv.org/abs/2501.00005",
        [
            (
                "Method",
                "Low-Rank Distillation",
                ("LoRD",),
                "proposed",
                "We distil Stable Diffusion XL into a four-step student with Low-Rank Distillation (LoRD).",
            ),
            (
                "Model",
                "Stable Diffusion XL",
                ("SDXL",),
                "used",
                "We distil Stable Diffusion XL into a four-step student.",
            ),
            (
                "Method",
                "Low-Rank Adaptation",
                ("LoRA",),
                "used",
                "training only LoRA weights on LAION-5B captions.",
            ),
            ("Dataset", "LAION-5B", (), "used", "training only LoRA weights on LAION-5B captions."),
            ("Dataset", "COCO", (), "used", "LoRD keeps text-to-image generation quality on COCO captions."),
            (
                "Task",
                "text-to-image generation",
                (),
                "used",
                "LoRD keeps text-to-image generation quality on COCO captions.",
            ),
        ],
        [("has_code", "https://github.com/example-lab/lord", "Code: https://github.com/example-lab/lord")],
    ),
    (
        "CodeScope: A Benchmark for Long-Context Code Understanding",
        (
            "We release CodeScope, a benchmark of 2,000 repository-level questions for code understanding. "
            "GPT-4o, Qwen2.5-7B and DeepSeek-Coder all lose accuracy beyond 32k tokens; retrieval-augmented "
            "generation narrows the gap."
        ),
        "https://arxiv.org/abs/2501.00006",
        [
            (
                "Dataset",
                "CodeScope",
                (),
                "proposed",
                "We release CodeScope, a benchmark of 2,000 repository-level questions for code understanding.",
            ),
            (
                "Task",
                "code understanding",
                (),
                "used",
                "a benchmark of 2,000 repository-level questions for code understanding.",
            ),
            (
                "Model",
                "GPT-4o",
                (),
                "used",
                "GPT-4o, Qwen2.5-7B and DeepSeek-Coder all lose accuracy beyond 32k tokens",
            ),
            (
                "Model",
                "Qwen2.5-7B",
                (),
                "used",
                "GPT-4o, Qwen2.5-7B and DeepSeek-Coder all lose accuracy beyond 32k tokens",
            ),
            (
                "Model",
                "DeepSeek-Coder",
                (),
                "used",
                "GPT-4o, Qwen2.5-7B and DeepSeek-Coder all lose accuracy beyond 32k tokens",
            ),
            (
                "Method",
                "retrieval-augmented generation",
                (),
                "used",
                "retrieval-augmented generation narrows the gap.",
            ),
        ],
        [
            (
                "has_link",
                "https://huggingface.co/datasets/example-lab/codescope",
                "Data: https://huggingface.co/datasets/example-lab/codescope",
            )
        ],
    ),
    (
        "Preference Tuning for Speech Language Models",
        (
            "We apply Direct Preference Optimization to Whisper with LoRA adapters and reduce hallucinated "
            "words in automatic speech recognition on Common Voice by 18%."
        ),
        "https://arxiv.org/abs/2501.00007",
        [
            (
                "Method",
                "Direct Preference Optimization",
                ("DPO",),
                "used",
                "We apply Direct Preference Optimization to Whisper with LoRA adapters.",
            ),
            (
                "Model",
                "Whisper",
                (),
                "used",
                "We apply Direct Preference Optimization to Whisper with LoRA adapters.",
            ),
            (
                "Method",
                "Low-Rank Adaptation",
                ("LoRA",),
                "used",
                "We apply Direct Preference Optimization to Whisper with LoRA adapters.",
            ),
            ("Dataset", "Common Voice", (), "used", "automatic speech recognition on Common Voice by 18%."),
            (
                "Task",
                "automatic speech recognition",
                (),
                "used",
                "reduce hallucinated words in automatic speech recognition on Common Voice.",
            ),
        ],
        [],
    ),
    (
        "Message Passing Retrieval for Molecular Property Prediction",
        (
            "We combine GraphSAGE with retrieval-augmented generation to predict molecular properties, "
            "improving molecular property prediction on QM9."
        ),
        "https://arxiv.org/abs/2501.00008",
        [
            ("Model", "GraphSAGE", (), "used", "We combine GraphSAGE with retrieval-augmented generation."),
            (
                "Method",
                "retrieval-augmented generation",
                ("RAG",),
                "used",
                "We combine GraphSAGE with retrieval-augmented generation.",
            ),
            ("Dataset", "QM9", (), "used", "improving molecular property prediction on QM9."),
            (
                "Task",
                "molecular property prediction",
                (),
                "used",
                "improving molecular property prediction on QM9.",
            ),
        ],
        [("has_code", "https://github.com/example-lab/mpr", "Code: https://github.com/example-lab/mpr")],
    ),
]

PWNED_FLAG = "__kgPwned"
HOSTILE_TITLE = f"<script>window.{PWNED_FLAG}=1</script><b>Bold</b> claims & more"
HOSTILE_NAME = f'<img src=x onerror="window.{PWNED_FLAG}=2">'
HOSTILE_ABSTRACT = (
    f"An abstract that ends its element </script><script>window.{PWNED_FLAG}=3</script> "
    "and hides a line separator \u2028 here <!-- and a comment."
)
HOSTILE_URL = f"javascript:window.{PWNED_FLAG}=4"

HOSTILE_PAPERS: list[PaperSpec] = [
    (
        HOSTILE_TITLE,
        HOSTILE_ABSTRACT,
        HOSTILE_URL,
        [
            (
                "Method",
                HOSTILE_NAME,
                ("<svg onload=alert(1)>",),
                "proposed",
                f"<iframe src=x></iframe> uses {HOSTILE_NAME}",
            ),
            ("Dataset", "GSM8K", (), "used", "evaluated on GSM8K"),
        ],
        [("has_link", "javascript:alert(document.domain)", "<script>alert(1)</script>")],
    ),
    SAMPLE_PAPERS[1],
]


def graph_from_papers(papers: list[PaperSpec]) -> nx.DiGraph:
    """Build a graph to the DESIGN.md contract from paper specs (no kg.graph needed)."""
    graph = nx.DiGraph()
    graph.graph.update({"kg_version": "test", "extractor": "hand-made"})
    entity_papers: dict[str, set[str]] = {}
    entity_mentions: Counter[str] = Counter()
    entity_info: dict[str, dict[str, Any]] = {}
    co: Counter[tuple[str, str]] = Counter()
    for number, (title, abstract, url, entities, links) in enumerate(papers, start=1):
        paper_id = f"2501.{number:05d}"
        pid = f"paper:{paper_id}"
        graph.add_node(
            pid,
            kind="Paper",
            label=title,
            paper_id=paper_id,
            title=title,
            abstract=abstract,
            url=url,
            authors=["A. Author", "B. Writer"],
            date="2025-01-0" + str(1 + number % 9),
            categories=["cs.LG"],
            source="hand-made",
        )
        ids = []
        for kind, name, aliases, role, sentence in entities:
            eid = f"{kind.lower()}:{slugify(name) or 'x'}"
            ids.append(eid)
            info = entity_info.setdefault(eid, {"kind": kind, "name": name, "aliases": set()})
            info["aliases"].update(aliases)
            entity_papers.setdefault(eid, set()).add(pid)
            entity_mentions[eid] += 1
            start = abstract.find(name)
            graph.add_edge(
                pid,
                eid,
                relation="proposes" if role == "proposed" else "uses",
                name=name,
                aliases=list(aliases),
                confidence=0.9,
                component="hand",
                extractor="hand-made",
                evidence=[
                    {
                        "field": "abstract",
                        "start": max(start, 0),
                        "end": max(start, 0) + len(name),
                        "sentence": sentence,
                    }
                ],
            )
        for relation, link_url, sentence in links:
            if relation == "has_code":
                rid = "repo:" + link_url.split("://", 1)[-1]
                graph.add_node(
                    rid,
                    kind="Repository",
                    label=link_url.split("://", 1)[-1],
                    url=link_url,
                    host="github.com",
                )
                graph.add_edge(pid, rid, relation="has_code", sentence=sentence, origin="text")
            else:
                lid = f"link:{link_url}"
                graph.add_node(lid, kind="Link", label=link_url, url=link_url, link_kind="model")
                graph.add_edge(
                    pid, lid, relation="has_link", sentence=sentence, origin="text", link_kind="model"
                )
        co.update(combinations(sorted(set(ids)), 2))
    for eid, info in entity_info.items():
        graph.add_node(
            eid,
            kind=info["kind"],
            label=info["name"],
            name=info["name"],
            aliases=sorted(info["aliases"]),
            paper_count=len(entity_papers[eid]),
            mention_count=entity_mentions[eid],
        )
    for (a, b), weight in co.items():
        graph.add_edge(a, b, relation="co_occurs", weight=weight)
    return graph


def sample_graph() -> nx.DiGraph:
    """A realistic small graph: 8 papers, their entities, code and links."""
    return graph_from_papers(SAMPLE_PAPERS)


def hostile_graph() -> nx.DiGraph:
    """A graph whose titles, names, abstracts and URLs try to inject markup and script."""
    return graph_from_papers(HOSTILE_PAPERS)


def chromium_missing_reason() -> str | None:
    """Return why browser tests cannot run, or ``None``; fail instead when CI requires them."""
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        reason = "the playwright Python package is not installed (pip install -e '.[dev]')"
    elif not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install Debian's chromium to run the browser tests"
    else:
        return None
    if os.environ.get("KG_REQUIRE_BROWSER") == "1":
        raise RuntimeError(reason + " (KG_REQUIRE_BROWSER=1 makes this an error)")
    return reason


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Start headless Chromium through playwright; yield the browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


# Three invented research topics, each with its own invented method, model, dataset and task names,
# so the entity map has known clusters to find. One name per topic is written the British way
# ("...isation") and one hub ("Shared Backbone") appears in every topic.
FIELD_TOPICS: dict[str, list[tuple[str, str]]] = {
    "speech": [
        ("Method", "Warble Adapter"),
        ("Method", "Echo Distillation"),
        ("Model", "Chirp-7B"),
        ("Dataset", "HumSet"),
        ("Dataset", "Lullaby Corpus"),
        ("Task", "song transcription"),
        ("Task", "pitch normalisation"),
    ],
    "vision": [
        ("Method", "Prism Pooling"),
        ("Method", "Lens Mixing"),
        ("Model", "Iris-ViT"),
        ("Dataset", "Glimpse-10K"),
        ("Dataset", "Shutter Bench"),
        ("Task", "glare removal"),
        ("Task", "frame colourisation"),
    ],
    "proofs": [
        ("Method", "Lemma Search"),
        ("Method", "Axiom Replay"),
        ("Model", "Quill-13B"),
        ("Dataset", "TheoremPile"),
        ("Dataset", "Conjecture Set"),
        ("Task", "proof completion"),
        ("Task", "goal summarisation"),
    ],
}
FIELD_HUB = ("Method", "Shared Backbone")


def field_papers(n_papers: int = 240, *, seed: int = 11) -> list[PaperSpec]:
    """Invented papers over :data:`FIELD_TOPICS`: each names 3-4 entities of one topic, a third also the hub.

    The first paper of each topic proposes that topic's first method and links its code.
    """
    import random

    rnd = random.Random(seed)
    topics = sorted(FIELD_TOPICS)
    papers: list[PaperSpec] = []
    for number in range(n_papers):
        topic = topics[number % len(topics)]
        pool = FIELD_TOPICS[topic]
        picked = rnd.sample(pool, rnd.randint(3, 4))
        if number < len(topics):
            picked = [pool[0]] + [e for e in picked if e != pool[0]]
        if rnd.random() < 0.33:
            picked.append(FIELD_HUB)
        title = f"A study of {topic} number {number}"
        sentence = f"We study {', '.join(name for _, name in picked)} in this {topic} paper."
        entities: list[Entity] = []
        for k, (kind, name) in enumerate(picked):
            role = "proposed" if number < len(topics) and k == 0 else "used"
            entities.append((kind, name, (), role, sentence))
        links: list[tuple[str, str, str]] = []
        if number < len(topics):
            url = f"https://github.com/example-lab/{topic}-code"
            links.append(("has_code", url, f"Code: {url}"))
        papers.append(
            (
                title,
                sentence + " " + "More words. " * 5,
                f"https://arxiv.org/abs/2502.{number:05d}",
                entities,
                links,
            )
        )
    return papers


def field_graph(n_papers: int = 240) -> nx.DiGraph:
    """A graph with enough papers for the entity map and three known topics (see :func:`field_papers`)."""
    return graph_from_papers(field_papers(n_papers))


REAL_CORPUS = "data/arxiv/ai-2025-2026.jsonl.gz"


def real_corpus() -> Path | None:
    """The shared corpus of real 2025-2026 AI abstracts (beside the checkout in CI), or ``None``."""
    from shared_data import SHARED

    path = SHARED / REAL_CORPUS
    return path if path.is_file() else None


def build_real_graph(n_papers: int, workdir: Path, *, workers: int = 2) -> nx.DiGraph:
    """Build the graph of the first ``n_papers`` real abstracts as ``kg build`` does, without its files.

    Extraction runs on kg's process engine and the graph comes from
    :func:`kg.graph.build_graph`, the same steps as ``kg build``; the RDF
    files, which the view never reads, are not written.
    """
    import gzip

    from kg.engines import make_engine
    from kg.graph import build_graph
    from kg.records import PaperExtraction
    from kg.sources import read_papers

    source = real_corpus()
    if source is None:
        raise FileNotFoundError(REAL_CORPUS)
    head = workdir / f"ai-first-{n_papers}.jsonl"
    with gzip.open(source, "rt", encoding="utf-8") as lines, head.open("w", encoding="utf-8") as out:
        for number, line in enumerate(lines):
            if number >= n_papers:
                break
            out.write(line)
    papers = list(read_papers([head]))
    batches = [papers[i : i + 64] for i in range(0, len(papers), 64)]
    engine = make_engine("local", workers=workers)
    try:
        # a paper the extractor fails on comes back as a failure record; kg build leaves it out too
        extractions = [
            record for batch in engine.run(batches) for record in batch if isinstance(record, PaperExtraction)
        ]
    finally:
        engine.close()
    return build_graph(extractions)
