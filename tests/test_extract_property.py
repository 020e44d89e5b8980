"""Property tests: the extractor takes any text (Unicode, markup, LaTeX, brackets, URLs) without raising.

A build must never stop for one paper; these tests look for the paper that
would raise, before real data does. Examples are bounded so the file runs
in seconds; Hypothesis shrinks any failure to a small text to add as a case.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.engines import extract_batch
from kg.extract.abbreviations import find_abbreviations
from kg.failures import PaperFailure
from kg.io import dumps_line
from kg.links import find_links
from kg.records import Paper, PaperExtraction

#: Fragments real abstracts are made of, hostile ones included (all invented).
PIECES = [
    # prose and acronym definitions
    "We propose ", "a Sparse Graph Transformer (SGT) ", "Direct Preference Optimization (DPO)", " on ImageNet",
    "programming languages (C++, Java, and Go)", "(C#)", "(+)", "(A)", "(ii)", "(e.g., BERT)", "(see Fig. 2)",
    "GPT-4o", "Qwen2.5-VL-3B-Instruct", "ResNet-50", "state-of-the-art", "i.e.", "et al.", "vs.", "(SST-2)",
    # markup and entities
    "<b>", "</b>", "<script>alert(1)</script>", "&amp;", "&lt;", "<!--", "-->", "<a href='x'>", "]]>",
    # LaTeX
    "$\\alpha_{i}^{2}$", "\\emph{Graph}", "\\cite{smith2020}", "$$", "\\url{https://github.com/org/repo}",
    "\\href{https://x.org}{x}", "\\\\", "{", "}", "\\textbf{", "$O(n^2)$", "\\(", "\\)", "%",
    # brackets
    "(", ")", "[", "]", "((", "))", "([", "])", "()", "( )", "[1]", "[1-3]",
    # URLs, good and bad
    "https://github.com/org/repo", "http://", "https://", "www.example.org/a(b)", "github.com/a/b.",
    "javascript:alert(1)", "https://huggingface.co/datasets/org/data", "ftp://a.org/x", "https://a.b/%zz",
    "https://[::1]:80/x", "http://git@github.com:org/repo.git", "https://a.org:99999/x", "http://a.org:port/x",
    "https://xn--80ak6aa92e.com/", "http://a.org/?q=(1)&r=[2]#{3}", "https://.",
    # Unicode oddities
    "\u202e", "\u200b", "\ufeff", "\u0301", "e\u0301", "İ", "ß", "ﬁ", "😀", "𝔊𝔯𝔞𝔭𝔥", "\u2028", "\u00a0",
    "Прямая оптимизация (ПО)", "直接偏好优化 (DPO)", "مرحبا", "\x00", "\x1b[2J", "\t", "\n", "\r\n",
]

#: Any character UTF-8 can encode: readers turn lone surrogates into U+FFFD before extraction
#: (test_any_json_record_reads_to_writable_papers_or_a_skip below), so the extractor never sees one.
encodable = st.characters(codec="utf-8")
fragment = st.one_of(
    st.sampled_from(PIECES),
    st.text(alphabet=encodable, max_size=12),
    encodable,
)
separator = st.sampled_from(["", " ", " ", ", ", ". ", "\n", "-"])
texts = st.lists(st.tuples(fragment, separator), max_size=30).map(lambda parts: "".join(a + b for a, b in parts))

BOUNDED = settings(max_examples=150, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check_extraction(outcome: object, paper: Paper) -> None:
    """The invariants every extraction keeps."""
    assert not isinstance(outcome, PaperFailure), outcome.message()
    assert isinstance(outcome, PaperExtraction)
    for entity in outcome.entities:
        assert entity.name.strip()
        for mention in entity.mentions:
            text = paper.title if mention.field == "title" else paper.abstract
            assert 0 <= mention.start < mention.end <= len(text)
    for link in outcome.links:
        assert link.url.startswith(("http://", "https://"))
    line = dumps_line(outcome.to_dict())
    assert PaperExtraction.from_dict(json.loads(line)) == outcome


@pytest.fixture(scope="module", autouse=True)
def _pipeline_loaded() -> None:
    extract_batch([Paper(id="warm", title="Warm up", abstract="A warm-up paper.")])


@BOUNDED
@given(title=texts, abstract=texts)
def test_extractor_never_raises(title: str, abstract: str) -> None:
    paper = Paper(id="p", title=title, abstract=abstract)
    (outcome,) = extract_batch([paper])
    check_extraction(outcome, paper)


@settings(max_examples=300, deadline=None, database=None)
@given(text=texts)
def test_abbreviations_and_links_never_raise(text: str) -> None:
    for abbr in find_abbreviations(text):
        assert 0 <= abbr.long_start < abbr.long_end <= len(text)
        assert 0 <= abbr.short_start < abbr.short_end <= len(text)
    for link in find_links(text):
        assert link.url.startswith(("http://", "https://"))
        assert 0 <= link.start < link.end <= len(text)


record_text = st.text(alphabet=st.one_of(st.characters(), st.characters(categories=["Cs"]),
                                         st.sampled_from("\"\\{}[]<>$")), max_size=60)


@settings(max_examples=150, deadline=None, database=None)
@given(title=record_text, abstract=record_text, extra=st.recursive(
    st.none() | st.booleans() | st.integers() | record_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(record_text, children, max_size=3),
    max_leaves=10))
def test_any_json_record_reads_to_writable_papers_or_a_skip(
    tmp_path_factory: pytest.TempPathFactory, title: str, abstract: str, extra: object
) -> None:
    from kg.sources import ReadReport, read_papers

    path = tmp_path_factory.mktemp("records") / "r.jsonl"
    record = {"title": title, "abstract": abstract, "authors": extra, "url": extra, "categories": extra}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")  # ASCII JSON: surrogates as escapes
    report = ReadReport()
    papers = list(read_papers([path], report=report))
    assert len(papers) + report.skipped == 1
    for paper in papers:
        dumps_line(paper.to_dict()).encode("utf-8")
        assert paper.url is None or paper.url.startswith(("http://", "https://"))
