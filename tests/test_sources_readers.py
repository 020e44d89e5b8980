"""Each reader on its own small fixtures, good and broken (tests/fixtures/sources/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.records import Link, Paper
from kg.sources import READERS
from kg.sources.base import Item

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def run(fmt: str, name: str) -> tuple[list[Paper], list[InputError]]:
    """Read one fixture with one reader; split papers from skipped-record errors."""
    items: list[Item] = list(READERS[fmt](FIXTURES / name))
    return [i for i in items if isinstance(i, Paper)], [i for i in items if isinstance(i, InputError)]


def test_jsonl_maps_aliases_and_skips_bad_lines() -> None:
    papers, errors = run("jsonl", "papers.jsonl")
    assert [p.title for p in papers] == [
        "Quantised Memory Layers for Edge Devices",
        "Curriculum Sampling for Molecule Generation",
        "Weather Nowcasting with Radar Transformers",
    ]
    first, second, third = papers
    assert first.id == "arxiv:2401.00001"
    assert first.authors == ("Ana Ruiz", "Bo Chen")
    assert first.links == (Link(url="https://github.com/example/qml", kind="code", origin="metadata"),)
    assert (first.source, first.position) == ("papers.jsonl", 1)
    # Title/Summary/Published/Authors in other cases; "a; b" author string; DOI as URL.
    assert second.abstract.startswith("A curriculum over scaffold")
    assert second.id == "doi:10.1234/csmg.2023"
    assert second.date == "2023-11-20"
    assert second.authors == ("Kim Lee", "Ola Berg")
    assert third.date == "2022"
    assert [(e.line, e.path) for e in errors] == [(4, str(FIXTURES / "papers.jsonl"))] * 1 + [
        (5, str(FIXTURES / "papers.jsonl"))
    ]
    assert "malformed JSON" in errors[0].message
    assert "no abstract" in errors[1].message


def test_json_array_streams_records_with_their_lines() -> None:
    papers, errors = run("json", "papers.json")
    assert [p.title for p in papers] == [
        "Lightweight Tokenizers for Code Search",
        "Contrastive Pretraining of Satellite Image Encoders",
    ]
    assert papers[0].authors == ("Mia Wong", "Raj Patel")
    assert papers[0].url == "https://example.org/papers/lightweight-tokenizers"
    assert papers[1].id == "arxiv:2402.01234"
    assert papers[1].categories == ("cs.CV", "eess.IV")
    assert [p.position for p in papers] == [2, 9]
    assert len(errors) == 1 and errors[0].line == 8 and "no title" in errors[0].message


def test_json_api_page_streams_its_results_member() -> None:
    papers, errors = run("json", "papers-page.json")
    assert [p.title for p in papers] == ["Page Record One on Retrieval", "Page Record Two on Ranking"]
    assert errors == []


def test_csv_maps_columns_case_insensitively() -> None:
    papers, errors = run("csv", "papers.csv")
    assert [p.title for p in papers] == [
        "Adaptive Beam Search for Speech Recognition",
        "Tables, Commas and Quotes: A Parsing Study",
        "Energy Aware Scheduling for Data Centres",
    ]
    beam, tables, energy = papers
    assert beam.id == "arxiv:2105.00042" and beam.categories == ("cs.CL", "eess.AS")
    assert beam.authors == ("Ada Park", "Ben Ode")
    assert tables.abstract == "A study of CSV parsers. The abstract spans two lines inside quotes."
    assert tables.id == "doi:10.5555/tcq.2020"
    assert energy.position == 7  # the quoted two-line field shifts later rows by one line
    assert [e.line for e in errors] == [5, 6]
    assert "no abstract" in errors[0].message and "9 fields" in errors[1].message


def test_arxiv_atom_entry_fields() -> None:
    papers, errors = run("arxiv-atom", "arxiv.xml")
    assert [p.id for p in papers] == ["arxiv:2403.01111", "arxiv:2403.03333"]
    lattice = papers[0]
    assert lattice.title == "Lattice Reduction with Learned Pivots"
    assert lattice.abstract == (
        "We learn pivot rules for lattice basis reduction. "
        "The learned rules shorten the first basis vector faster than classic heuristics."
    )
    assert lattice.authors == ("Hana Ito", "Ivo Jansen")
    assert lattice.date == "2024-03-01"
    assert lattice.categories == ("cs.DS", "math.NT")
    assert lattice.url == "https://arxiv.org/abs/2403.01111"
    assert lattice.position == 7
    assert len(errors) == 1 and errors[0].line == 26 and "no abstract" in errors[0].message


def test_truncated_atom_raises_after_the_entries_before_it(tmp_path: Path) -> None:
    reader = READERS["arxiv-atom"](FIXTURES / "arxiv-truncated.xml")
    with pytest.raises(InputError, match="truncated") as info:
        list(reader)
    assert info.value.path == str(FIXTURES / "arxiv-truncated.xml") and info.value.line is not None
    # Cut after the first entry: that entry is still read.
    text = (FIXTURES / "arxiv.xml").read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.index("<entry>", text.index("</entry>"))], encoding="utf-8")
    got: list[object] = []
    with pytest.raises(InputError, match="truncated"):
        got.extend(READERS["arxiv-atom"](cut))
    assert [p.id for p in got if isinstance(p, Paper)] == ["arxiv:2403.01111"]


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><title>x</titel>\n</feed>\n')
    with pytest.raises(InputError, match="malformed XML") as info:
        list(READERS["arxiv-atom"](bad))
    assert info.value.line == 2


def test_arxiv_snapshot_collapses_wrapped_text() -> None:
    papers, errors = run("arxiv-snapshot", "arxiv-snapshot.jsonl")
    assert [p.id for p in papers] == ["arxiv:2310.04567", "arxiv:math/0601001"]
    first = papers[0]
    assert first.title == "Stochastic Rounding for Low-Precision Training"
    assert first.abstract == (
        "Low-precision training loses accuracy through rounding bias. "
        "We show that stochastic rounding removes the bias at no extra cost."
    )
    assert first.authors == ("Ann Bell", "Carl Dunn", "Eve Fox")
    assert first.categories == ("cs.LG", "stat.ML")
    assert first.date == "2023-10-09"
    assert len(errors) == 1 and errors[0].line == 3


def test_bibtex_entries_braces_quotes_and_accents() -> None:
    papers, errors = run("bibtex", "refs.bib")
    assert [p.title for p in papers] == [
        "Message Passing on Hypergraphs with Gödel Weights",
        "Prompt Ensembles for NER",
        "Parenthesised Entries Still Parse",
    ]
    graphs, prompts, paren = papers
    assert graphs.id == "doi:10.7777/jgl.2023.17"
    assert graphs.authors == ("Ana Ruiz", "Bo Chen", "Carla Méndez")
    assert graphs.date == "2023-08"
    assert graphs.abstract.endswith("results improve by 4% on three benchmarks.")
    assert prompts.id == "arxiv:2204.05555"
    assert prompts.abstract == "Ensembling prompts makes named entity recognition robust to prompt wording."
    assert prompts.categories == ("cs.CL",)
    assert paren.position == 34
    assert len(errors) == 1 and errors[0].line == 28 and "no abstract" in errors[0].message


def test_bibtex_unclosed_entry_is_one_skipped_record(tmp_path: Path) -> None:
    bib = tmp_path / "broken.bib"
    bib.write_text(
        "@article{a,\n  title = {Open Brace Never Closed,\n  abstract = {x}\n}\n"
        "@article{b,\n  title = {Fine Entry},\n  abstract = {Still read after the broken one.}\n}\n",
        encoding="utf-8",
    )
    items = list(READERS["bibtex"](bib))
    assert isinstance(items[0], InputError) and items[0].line == 1 and "not closed" in items[0].message
    assert isinstance(items[1], Paper) and items[1].title == "Fine Entry"


def test_openalex_rebuilds_abstracts() -> None:
    papers, errors = run("openalex", "openalex.jsonl")
    assert [p.id for p in papers] == ["doi:10.9999/oax.1", "arxiv:2301.00077"]
    assert papers[0].abstract == "We rebuild the abstract word by word from the index."
    assert papers[0].authors == ("Pia Quinn", "Rui Santos")
    assert papers[0].url == "https://example.org/oax1"
    assert papers[0].date == "2022-04-05"
    assert [e.line for e in errors] == [3, 4]
    assert "no abstract" in errors[0].message and "list of positions" in errors[1].message


def test_openalex_api_page() -> None:
    papers, errors = run("openalex", "openalex-page.json")
    assert [(p.id, p.abstract) for p in papers] == [("doi:10.9999/oax.9", "Paged results stream too.")]
    assert errors == []


def test_hf_daily_keeps_repo_and_project_page_as_metadata_links() -> None:
    papers, errors = run("hf-daily", "hf-daily.json")
    assert [p.id for p in papers] == ["arxiv:2403.04444", "arxiv:2403.05555", "arxiv:2403.06666"]
    tidal = papers[0]
    assert tidal.links == (
        Link(url="https://github.com/example-lab/tidal-flow", kind="code", origin="metadata"),
        Link(url="https://example-lab.github.io/tidal-flow", kind="web", origin="metadata"),
    )
    assert tidal.authors == ("Vera Wolf", "Xi Yang")
    assert tidal.date == "2024-03-05"
    assert tidal.url == "https://arxiv.org/abs/2403.04444"
    assert papers[2].title == "Bare Paper Object Without Wrapper"
    assert len(errors) == 1 and "no abstract" in errors[0].message


def test_latin1_lines_are_skipped_with_an_encoding_message() -> None:
    papers, errors = run("jsonl", "latin1.jsonl")
    assert [p.title for p in papers] == ["Plain ASCII Record"]
    assert len(errors) == 1 and errors[0].line == 1
    assert "not valid UTF-8" in errors[0].message and "0xe9" in errors[0].message


def test_utf8_bom_is_accepted() -> None:
    papers, errors = run("jsonl", "bom.jsonl")
    assert [p.title for p in papers] == ["Record After a Byte Order Mark"] and errors == []


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "daily", "bibtex", "arxiv-atom"])
def test_empty_file_is_an_error(fmt: str) -> None:
    with pytest.raises(InputError, match="empty file") as info:
        list(READERS[fmt](FIXTURES / "empty.jsonl"))
    assert info.value.path == str(FIXTURES / "empty.jsonl")


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        list(READERS["jsonl"](tmp_path / "nope.jsonl"))


def test_utf16_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "utf16.jsonl"
    path.write_bytes('{"title": "T", "abstract": "A"}\n'.encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        list(READERS["jsonl"](path))


def test_latin1_inside_an_xml_entry_skips_that_entry(tmp_path: Path) -> None:
    raw = (FIXTURES / "arxiv.xml").read_bytes().replace(b"Tensor sketches", b"Tens\xf6r sketches")
    path = tmp_path / "latin.xml"
    path.write_bytes(raw)
    papers = [i for i in READERS["arxiv-atom"](path) if isinstance(i, Paper)]
    errors = [i for i in READERS["arxiv-atom"](path) if isinstance(i, InputError)]
    assert [p.id for p in papers] == ["arxiv:2403.01111"]
    assert any("not valid UTF-8" in e.message for e in errors)
