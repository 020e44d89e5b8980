"""The Daily Papers text reader: the bundled sample page and pages written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shared_data import SEED_GOLD

from kg.errors import InputError
from kg.records import Paper
from kg.sources import READERS, SAMPLE_PATH, read_papers
from kg.sources.daily import is_prose, is_title, page_date

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
GOLD = SEED_GOLD


def test_sample_yields_49_well_formed_papers() -> None:
    papers = list(read_papers([]))
    assert len(papers) == 49
    assert len({p.id for p in papers}) == 49
    assert all(p.source == SAMPLE_PATH.name and p.date == "2025-08-29" for p in papers)
    for paper in papers:
        assert is_title(paper.title), paper.title
        assert len(paper.abstract) > 500, paper.title
        assert "\n" not in paper.abstract
    assert [p.position for p in papers] == sorted(p.position or 0 for p in papers)


@pytest.mark.skipif(not GOLD.exists(), reason="the shared gold file is not on this machine")
def test_sample_titles_and_abstracts_match_the_gold_file() -> None:
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    papers = list(read_papers([SAMPLE_PATH]))
    assert [p.title for p in papers] == [g["title"] for g in gold]
    assert [p.abstract for p in papers] == [g["abstract"] for g in gold]


def test_own_page_multi_paragraph_abstract_noise_and_footer() -> None:
    items = list(READERS["daily"](FIXTURES / "daily-papers-2024-03-05.txt"))
    assert all(isinstance(i, Paper) for i in items)
    papers = [i for i in items if isinstance(i, Paper)]
    assert [p.title for p in papers] == [
        "Sparse Lattice Adapters for Low-Resource Speech Translation",
        "Can Small Models Grade Essays?",
        "Tidal Flow Matching: Generative Modeling of Coastal Sediment Transport",
    ]
    sla, essays, tidal = papers
    # two paragraphs joined; "Submitted by", "Upvote" and "42" are not part of it
    assert sla.abstract.startswith("Speech translation for languages")
    assert "single GPU. Across eight low-resource language pairs" in sla.abstract
    assert sla.abstract.endswith("https://github.com/example-lab/sparse-lattice-adapters.")
    assert "Upvote" not in sla.abstract and "Submitted" not in sla.abstract
    # an abstract without a final period still ends at the next title
    assert essays.abstract.endswith("why a grade was given")
    # the page footer (System theme, Company, TOS ...) is dropped
    assert tidal.abstract.endswith("held-out decade of survey data.")
    assert {p.date for p in papers} == {"2024-03-05"}
    assert sla.position == 13


def test_title_without_abstract_is_reported() -> None:
    items = list(READERS["daily"](FIXTURES / "daily-orphan-title.txt"))
    errors = [i for i in items if isinstance(i, InputError)]
    papers = [i for i in items if isinstance(i, Paper)]
    assert [p.title for p in papers] == [
        "Graph Sketches for Streaming Community Detection",
        "Robust Reward Models via Counterfactual Preference Pairs",
    ]
    assert len(errors) == 1 and errors[0].line == 9 and "no abstract" in errors[0].message
    assert papers[0].date == "2024-01-09"  # "Jan 9, 2024" carries its own year


def test_hard_wrapped_paragraphs_and_latin1_paper(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(
        b"Daily Papers\n\n2024-06-01\n\nWrapped Titles Are Joined\nAcross Two Lines\n\n"
        b"An abstract that a text dump wrapped at a fixed width, so it arrives\n"
        b"as several lines in one paragraph; the reader joins them with spaces.\n\n"
        b"Caf\xe9 Recommendation With Graphs\n\n"
        b"We recommend places to drink coffee with a graph model of visits and reviews written by users.\n"
    )
    items = list(READERS["daily"](page))
    assert isinstance(items[0], Paper)
    assert items[0].title == "Wrapped Titles Are Joined Across Two Lines"
    assert items[0].abstract.startswith("An abstract that a text dump wrapped at a fixed width, so it arrives as")
    assert items[0].date == "2024-06-01"
    assert isinstance(items[1], InputError) and "not valid UTF-8" in items[1].message and items[1].line == 11


@pytest.mark.parametrize(
    ("text", "title", "prose"),
    [
        ("Pareto Domain Adaptation", True, False),
        ("How Useful Is Pretraining for Tabular Data?", True, False),
        ("We propose a method and evaluate it on three benchmarks with care.", False, True),
        ("Subscribe", True, False),
        ("12", False, False),
        ("See https://example.org for code", False, False),
        ("x" * 301, False, True),
    ],
)
def test_shape_heuristics(text: str, title: bool, prose: bool) -> None:
    assert is_title(text) is title
    assert is_prose(text) is prose


def test_page_date_needs_a_year_from_the_line_or_the_file_name() -> None:
    assert page_date("Aug 29", Path("daily-papers-2025-08-29.txt")) == "2025-08-29"
    assert page_date("Aug 30", Path("daily-papers-2025-08-29.txt")) is None
    assert page_date("September 3, 2024", Path("x.txt")) == "2024-09-03"
    assert page_date("Daily Papers", Path("x.txt")) is None


def test_noise_lines_inside_paragraphs_and_several_dates(tmp_path: Path) -> None:
    page = tmp_path / "two-days.txt"
    page.write_text(
        "Daily Papers\n\nMay 2, 2024\n\n"
        "Sparse Probing of Vision Transformers\nSubmitted by someone\n17\n\n"
        "We probe vision transformers with sparse linear classifiers and find that a handful of "
        "neurons carry most of the information about object parts.\n\n"
        "May 1, 2024\n\n"
        "Faster Sampling for Score Models\n\n"
        "A new solver halves the number of steps score-based generative models need without "
        "any retraining, measured on four image datasets.\n",
        encoding="utf-8",
    )
    papers = list(read_papers(page))
    assert [(p.title, p.date) for p in papers] == [
        ("Sparse Probing of Vision Transformers", "2024-05-02"),
        ("Faster Sampling for Score Models", "2024-05-01"),
    ]


def test_abstract_opening_with_a_short_question(tmp_path: Path) -> None:
    page = tmp_path / "question.txt"
    page.write_text(
        "Daily Papers\n\nJun 3, 2024\n\n"
        "Counterfactual Audits of Reward Models\n\n"
        "What makes a reward model robust?\n\n"
        "We audit reward models with counterfactual answer pairs that differ in one property and "
        "measure how often the preferred answer flips.\n\n"
        "Does Scale Help Tabular Learning?\n\n"
        "We train tabular models from one million to one billion parameters and find that gains stop "
        "early unless the pretraining tables are diverse.\n",
        encoding="utf-8",
    )
    papers = list(read_papers(page))
    assert [p.title for p in papers] == ["Counterfactual Audits of Reward Models", "Does Scale Help Tabular Learning?"]
    assert papers[0].abstract.startswith("What makes a reward model robust? We audit reward models")
