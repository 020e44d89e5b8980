"""Tests for kg.extract.abbreviations: acronym definitions in both directions."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.extract.abbreviations import Abbreviation, find_abbreviations

# (sentence, expected [(short, long)]) -- sentences written for these tests.
CASES: list[tuple[str, list[tuple[str, str]]]] = [
    # classic "long form (SF)"
    ("We fine-tune with Direct Preference Optimization (DPO).", [("DPO", "Direct Preference Optimization")]),
    (
        "Models trained by Proximal Policy Optimization (PPO) drift.",
        [("PPO", "Proximal Policy Optimization")],
    ),
    (
        "a study of Generative Adversarial Networks (GANs) for audio",
        [("GANs", "Generative Adversarial Networks")],
    ),
    (
        "Our Odds Ratio Preference Optimization (ORPO) needs no reference.",
        [("ORPO", "Odds Ratio Preference Optimization")],
    ),
    ("a sparse mixture of experts (MoE) layer", [("MoE", "mixture of experts")]),
    ("Retrieval-Augmented Generation (RAG) grounds answers.", [("RAG", "Retrieval-Augmented Generation")]),
    ("We adopt Low-Rank Adaptation (LoRA) for tuning.", [("LoRA", "Low-Rank Adaptation")]),
    ("supervised fine-tuning (SFT) comes first", [("SFT", "supervised fine-tuning")]),
    ("in a low-resource (LR) regime", [("LR", "low-resource")]),
    ("via Stochastic Gradient Descent (SGD)", [("SGD", "Stochastic Gradient Descent")]),
    # hyphens, digits, lower-case letters inside the short form
    (
        "the Cross-Lingual Quantised Open-Set (CL-QOS) problem",
        [("CL-QOS", "Cross-Lingual Quantised Open-Set")],
    ),
    (
        "we call it Meta-Routed Mixture-of-Adapters (Meta-RMoA)",
        [("Meta-RMoA", "Meta-Routed Mixture-of-Adapters")],
    ),
    (
        "compared with Generative Pre-trained Transformer 4 omni (GPT-4o) in tests",
        [("GPT-4o", "Generative Pre-trained Transformer 4 omni")],
    ),
    ("a new set called SpaceRoverScenes (SRS), with", [("SRS", "SpaceRoverScenes")]),
    (
        "both multilingual BERT (mBERT) and Vision Transformer (ViT) encoders",
        [("mBERT", "multilingual BERT"), ("ViT", "Vision Transformer")],
    ),
    ("accuracy on the Stanford Sentiment Treebank (SST-2) rises", [("SST-2", "Stanford Sentiment Treebank")]),
    ("text from CommonCrawl (CC) dumps", [("CC", "CommonCrawl")]),
    (
        "with Bidirectional Encoder Representations from Transformers (BERT) as backbone",
        [("BERT", "Bidirectional Encoder Representations from Transformers")],
    ),
    ("the Question Answering (Q&A) track", [("Q&A", "Question Answering")]),
    # the short form cut at ";" or "," and introducing words
    (
        "trained with Proximal Policy Optimization (PPO; see the appendix)",
        [("PPO", "Proximal Policy Optimization")],
    ),
    (
        "Sharpness-Aware Minimization (hereafter SAM) flattens minima",
        [("SAM", "Sharpness-Aware Minimization")],
    ),
    ("Graph Attention Networks (GATs, a popular choice) help", [("GATs", "Graph Attention Networks")]),
    # quotes around the long form
    ('a so-called "Elastic Token Pruning" (ETP) step', [("ETP", "Elastic Token Pruning")]),
    # reverse "SF (long form)"
    (
        "We optimise DPO (Direct Preference Optimization) directly.",
        [("DPO", "Direct Preference Optimization")],
    ),
    ("We use ViT (Vision Transformer) features.", [("ViT", "Vision Transformer")]),
    ("results on MRI (magnetic resonance imaging) scans", [("MRI", "magnetic resonance imaging")]),
    ("a GNN (the graph neural network) baseline", [("GNN", "graph neural network")]),
    (
        "with GPT-4o (Generative Pre-trained Transformer 4 omni)",
        [("GPT-4o", "Generative Pre-trained Transformer 4 omni")],
    ),
    # a "2" or "4" between letters read as "to" / "for", never as a version
    ("links between zorb-to-Zorb (Z2Z) nodes", [("Z2Z", "zorb-to-Zorb")]),
    ("a quill-to-quill (Qu2Quill) mapper", [("Qu2Quill", "quill-to-quill")]),
    ("toolkits for machine learning for zorbs (ML4Zorbs) work", [("ML4Zorbs", "machine learning for zorbs")]),
    ("trained end-to-end (E2E) on the task", [("E2E", "end-to-end")]),
    # read as words before the version tail is dropped: not "sequence" alone
    ("a zorbence-to-zorbence (Zorb2Zorb) model", [("Zorb2Zorb", "zorbence-to-zorbence")]),
    ("the Zorbanian Quill Benchmark (ZQB-2) set", [("ZQB-2", "Zorbanian Quill Benchmark")]),
    # several definitions in one text
    (
        "Large Language Models (LLMs) and Reinforcement Learning from Human Feedback (RLHF).",
        [("LLMs", "Large Language Models"), ("RLHF", "Reinforcement Learning from Human Feedback")],
    ),
]

NEGATIVE: list[str] = [
    "BERT (Devlin et al., 2019) is strong.",
    "as shown before (Smith and Jones, 2020), the loss",
    "accuracy improves (3.2%) over the baseline",
    "accuracy improves (+3.2 points) over the baseline",
    "several encoders (e.g., ResNet, ViT) are compared",
    "several encoders (e.g. ResNet and ViT) are compared",
    "the model (i.e., the student) learns",
    "it has three stages: (i) pretraining, (ii) tuning and (iii) testing",
    "steps (IV) and (II) are skipped",
    "the energy (x + y = 2) is conserved",
    "the bound (n < 10) holds",
    "This (the first step) is cheap.",
    "We (the authors) release everything.",
    "a model (see Fig. 2) with",
    "results (Table 3) and more results (Sec. 4)",
    "the classifier (ours) wins",
    "with a larger batch (BS) we train",
    "GPT-4o (our model) is used",
    "an empty () parenthesis and an open one ( never closed",
    "a list of numbers (1, 2, 3)",
    "published in 2021 (2021a)",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_definitions_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(a.short, a.long) for a in find_abbreviations(text)] == expected


@pytest.mark.parametrize("text", NEGATIVE)
def test_non_definitions_rejected(text: str) -> None:
    assert find_abbreviations(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We fine-tune with Direct Preference Optimization (DPO).",
        "We optimise DPO (Direct Preference Optimization) directly.",
        "both multilingual BERT (mBERT) and Vision Transformer (ViT) encoders",
        "Sharpness-Aware Minimization (hereafter SAM) flattens minima",
        'a so-called "Elastic Token Pruning" (ETP) step',
    ],
)
def test_offsets_point_at_the_forms(text: str) -> None:
    found = find_abbreviations(text)
    assert found
    for abbr in found:
        assert isinstance(abbr, Abbreviation)
        assert text[abbr.short_start : abbr.short_end] == abbr.short
        assert " ".join(text[abbr.long_start : abbr.long_end].split()) == abbr.long


def test_long_form_broken_over_lines_is_collapsed() -> None:
    text = "we use Direct Preference\n  Optimization (DPO) here"
    (abbr,) = find_abbreviations(text)
    assert abbr.long == "Direct Preference Optimization"
    assert text[abbr.long_start : abbr.long_end] == "Direct Preference\n  Optimization"


def test_long_form_does_not_cross_a_clause_boundary() -> None:
    # Without the comma limit the "D" of "Data" would start the long form.
    assert find_abbreviations("Data, preference optimization (DPO)") == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "(" * 5000,
        ")" * 5000 + "(" * 5000,
        "A (B) " * 20000,
        "x" * 1_000_000 + " (ABC)",
        "\x00\x1b(DPO)\x7f Direct\x00 Preference (DP)",
        "<b>Direct Preference Optimization</b> (DPO) &amp; $\\alpha (x)$",
        "Прямая оптимизация (ПО) и 直接偏好优化 (DPO)",
    ],
)
def test_bad_text_never_crashes(text: str) -> None:
    for abbr in find_abbreviations(text):
        assert 0 <= abbr.long_start < abbr.long_end <= len(text)
        assert 0 <= abbr.short_start < abbr.short_end <= len(text)


def test_module_does_not_import_spacy() -> None:
    code = "import sys, kg.extract.abbreviations; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "text",
    [
        # a list of names whose first item's key is one letter that no word before it starts with
        "The benchmark covers solutions written in four languages (C++, Java, Kotlin and Swift).",
        "Ports exist for several toolkits (C#, F#, and Julia).",
        "written in plain (C+) style",
    ],
)
def test_one_letter_key_without_a_matching_word_is_no_definition(text: str) -> None:
    # used to raise "max() arg is an empty sequence" and stop the whole build
    assert find_abbreviations(text) == []
