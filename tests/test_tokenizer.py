"""The extractor's tokenizer (``kg.tokenizer.v1``) and the trimming of names that ran into brackets.

arXiv abstracts carry LaTeX: ``~`` spaces, ``\\cite{...}``, ``\\textbf{...}``,
and definitions glued to their long form ("Zorb Reasoning(ZR)"). Names here
are invented.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from extract_support import extract, found

from kg.extract.components.common import Candidate, trim_candidate
from kg.extract.tokenizer import blank

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def tokens(text: str) -> list[str]:
    return [t.text for t in blank()(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zorb Reasoning(ZR)", ["Zorb", "Reasoning", "(", "ZR", ")"]),
        ("quux generation~(QG)", ["quux", "generation", "~", "(", "QG", ")"]),
        ("ZorbBench~\\cite{smith2025zorb,lee2024} is", ["ZorbBench", "~", "\\cite{smith2025zorb,lee2024", "}", "is"]),
        ("\\textbf{ZorbBench} and \\emph{Quux-V}", ["\\textbf{", "ZorbBench", "}", "and", "\\emph{", "Quux", "-", "V", "}"]),
        ("Zorbset\\cite{zorb} here", ["Zorbset", "\\cite{zorb", "}", "here"]),
        ("Zorb(https://zorb.example.org)", ["Zorb", "(", "https://zorb.example.org", ")"]),
        ("AIME~24", ["AIME", "~", "24"]),
    ],
)
def test_latex_and_glued_brackets_are_split(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize("text", ["TD(0)", "R(2+1)D", "e.g.", "U.S."])
def test_brackets_inside_a_name_and_english_exceptions_stay_as_spacy_has_them(text: str) -> None:
    import spacy

    assert tokens(text) == [t.text for t in spacy.blank("en")(text)]


def test_the_pipelines_use_the_tokenizer(nlp) -> None:  # type: ignore[no-untyped-def]
    from kg.extract.pipeline import build_pipeline
    from kg.extract.pipelines import pipeline_config

    for pipeline in (nlp, build_pipeline(config=pipeline_config("default"))):
        assert [t.text for t in pipeline.make_doc("Zorb Reasoning(ZR)")] == tokens("Zorb Reasoning(ZR)")


def test_a_definition_after_a_latex_space_or_glued_to_its_long_form_is_found(nlp) -> None:  # type: ignore[no-untyped-def]
    x = extract(
        nlp,
        "We study Quuxian Graph Completion~(QGC) and Zorbic Commonsense Reasoning(ZCR) "
        "on the \\textbf{ZorbBench} benchmark~\\cite{smith2025zorb}.",
    )
    by_name = {e.name: e for e in x.entities}
    assert "Quuxian Graph Completion" in by_name and "QGC" in by_name["Quuxian Graph Completion"].aliases
    assert "Zorbic Commonsense Reasoning" in by_name and "ZCR" in by_name["Zorbic Commonsense Reasoning"].aliases
    assert not any("~" in n or "\\" in n or "(" in n for e in x.entities for n in (e.name, *e.aliases)), found(x)


def test_training_data_is_placed_on_the_same_tokens() -> None:
    from train.convert import project, to_docs

    record = {
        "id": "t",
        "title": "",
        "abstract": "We propose Zorbic Commonsense Reasoning(ZCR).",
        "entities": [{"type": "Task", "name": "Zorbic Commonsense Reasoning", "aliases": ["ZCR"], "role": "proposed"}],
    }
    doc = next(to_docs([json.loads(json.dumps(record))], blank()))
    assert [(e.text, e.label_) for e in doc.ents] == [("Zorbic Commonsense Reasoning", "Task"), ("ZCR", "Task")]
    starts, ends = {t.idx for t in doc}, {t.idx + len(t) for t in doc}
    assert not project(record, starts, ends).unplaced


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("Kullback-Zorb (KZ", "Kullback-Zorb"),
        ("Zorb Graph Completion~(ZGC", "Zorb Graph Completion"),
        ("TD(0)", "TD(0)"),
        ("R(2+1)D.", "R(2+1)D"),
        ("(ZORB)", "ZORB"),
        ("ZORB) ", "ZORB"),
        ("quux~", "quux"),
        ("$\\textbf{ZorbBench}$", "ZorbBench"),
        ("\\emph{Zorb-V}", "Zorb-V"),
        ("adversarial \\textit", "adversarial"),
        ("Zorb-Guard}$", "Zorb-Guard"),
        ("ZorbNet)-based", "ZorbNet"),
        ("QRPO)-trained", "QRPO"),
        ("1)Long Zorb Distribution", "Long Zorb Distribution"),
        ("orb)QUUX2", "QUUX2"),
        # a Latin abbreviation at the edge is the sentence going on, not the name
        ("zorb spotting i.e.", "zorb spotting"),
        ("e.g. ZorbNet", "ZorbNet"),
        ("quill methods, etc.", "quill methods"),
        ("Zorb vs. Quill", "Zorb vs. Quill"),
        ("Neural ZF", "Neural ZF"),
        ("Neural CF", "Neural CF"),  # an acronym in capitals is no "cf."
        ("E.g. ZorbNet", "ZorbNet"),
    ],
)
def test_a_mention_ends_before_a_bracket_it_never_closes(mention: str, expected: str) -> None:
    text = f"x {mention} y"
    cand = Candidate(2, 2 + len(mention), mention, "test", 0.5)
    trim_candidate(text, cand)
    assert cand.text == expected
    assert text[cand.start : cand.end] == expected


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        ("we use $k$-zorbs clustering", "k$-zorbs", "$k$-zorbs"),
        ("we propose QUUX$^2$, a model", "QUUX$^2", "QUUX$^2$"),
        ("with $\\epsilon$-quux exploration here", "\\epsilon$-quux exploration", "$\\epsilon$-quux exploration"),
        ("on Zorb$^\\neg$ data", "Zorb$^", "Zorb$^\\neg$"),
        ("the Kac-Zorb-Szeg\\\"{o} matrix", "Kac-Zorb-Szeg\\\"{o", "Kac-Zorb-Szeg\\\"{o}"),
        ("the $\\textbf{ZorbBench}$ set", "$\\textbf{ZorbBench}$", "ZorbBench"),
        ("costs \\$5 for Zorb$k", "Zorb$k", "Zorb$k"),
        ("on ZorbArt-$\\alpha$, ZorbArt-$\\Sigma$", "ZorbArt-", "ZorbArt-$\\alpha$"),
        ("of **QUUX-{\\alpha}** and", "QUUX-", "QUUX-{\\alpha}"),
        ("QUUX-$a b$ and", "QUUX-", "QUUX-"),
        ("on Zorb-$$x$$ and", "Zorb-", "Zorb-"),  # display math is no part of a name
        ("line\\\\$k$-zorbs here", "k$-zorbs", "$k$-zorbs"),  # after a LaTeX line break a dollar is math
        ("x $ $ y", " $", ""),
        ("a $x + y$ term", "y$", "y"),
    ],
)
def test_a_mention_holds_the_whole_inline_formula_it_touches(text: str, mention: str, expected: str) -> None:
    """The tokenizer splits a dollar off a word, so a tagged mention can take half a formula ("k$-means")."""
    start = text.index(mention)
    cand = Candidate(start, start + len(mention), mention, "test", 0.5)
    trim_candidate(text, cand)
    assert cand.text == expected
    assert cand.start <= cand.end and text[cand.start : cand.end] == expected
    trim_candidate(text, cand)
    assert cand.text == expected  # trimming again changes nothing
