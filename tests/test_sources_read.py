"""read_papers: format detection, skip vs strict, de-duplication across sources, streaming."""

from __future__ import annotations

import errno
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.records import Link
from kg.sources import FORMATS, SAMPLE_PATH, ReadReport, arxiv_atom, detect_format, jsonstream, read_papers
from kg.sources.base import Line

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("daily-papers-2024-03-05.txt", "daily"),
        ("papers.jsonl", "jsonl"),
        ("papers.json", "json"),
        ("papers-page.json", "json"),
        ("papers.csv", "csv"),
        ("arxiv.xml", "arxiv-atom"),
        ("arxiv-snapshot.jsonl", "arxiv-snapshot"),
        ("refs.bib", "bibtex"),
        ("openalex.jsonl", "openalex"),
        ("openalex-page.json", "openalex"),
        ("hf-daily.json", "hf-daily"),
    ],
)
def test_detect_format_by_extension_and_content(name: str, expected: str, tmp_path: Path) -> None:
    assert detect_format(FIXTURES / name) == expected
    # Without a telling extension the content decides (a .txt is always the daily page).
    if expected != "daily":
        anonymous = tmp_path / "input.dat"
        shutil.copy(FIXTURES / name, anonymous)
        assert detect_format(anonymous) == expected


def test_detect_format_of_sample_and_gzip(tmp_path: Path) -> None:
    import gzip

    assert detect_format(SAMPLE_PATH) == "daily"
    packed = tmp_path / "snap.jsonl.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "arxiv-snapshot.jsonl").read_bytes()))
    assert detect_format(packed) == "arxiv-snapshot"
    assert [p.id for p in read_papers([packed])][:1] == ["arxiv:2310.04567"]


def test_format_option_forces_a_reader(tmp_path: Path) -> None:
    odd = tmp_path / "papers.txt"
    shutil.copy(FIXTURES / "papers.jsonl", odd)
    assert len(list(read_papers([odd], format="jsonl"))) == 3
    with pytest.raises(InputError, match="unknown format"):
        list(read_papers([odd], format="yaml"))
    assert "daily" in FORMATS and len(FORMATS) == 9


def test_skip_mode_counts_reasons_and_strict_raises_the_first() -> None:
    report = ReadReport()
    papers = list(read_papers([FIXTURES / "papers.jsonl"], report=report))
    assert len(papers) == 3
    assert (report.read, report.skipped, report.files) == (3, 2, 1)
    assert report.reasons[0].endswith("papers.jsonl:4: malformed JSON line: Expecting ',' delimiter (column 1)")
    assert "2 skipped" in report.summary()
    got: list[object] = []
    with pytest.raises(InputError) as info:
        got.extend(read_papers([FIXTURES / "papers.jsonl"], strict=True))
    assert info.value.line == 4 and len(got) == 2


def test_missing_file_fails_before_reading_anything(tmp_path: Path) -> None:
    papers = read_papers([FIXTURES / "papers.jsonl", tmp_path / "missing.jsonl"])
    with pytest.raises(InputError, match="file not found") as info:
        next(papers)
    assert info.value.path == str(tmp_path / "missing.jsonl")
    with pytest.raises(InputError, match="folder"):
        list(read_papers([tmp_path]))


def test_bad_files_are_skipped_in_lenient_mode_and_raised_in_strict() -> None:
    inputs = [FIXTURES / "empty.jsonl", FIXTURES / "arxiv-truncated.xml", FIXTURES / "papers.json"]
    report = ReadReport()
    papers = list(read_papers(inputs, report=report))
    assert [p.title for p in papers] == [
        "Lightweight Tokenizers for Code Search",
        "Contrastive Pretraining of Satellite Image Encoders",
    ]
    assert report.files == 3
    assert any("empty.jsonl: empty file" in r for r in report.reasons)
    assert any("arxiv-truncated.xml" in r and "truncated" in r for r in report.reasons)
    with pytest.raises(InputError, match="empty file"):
        list(read_papers(inputs, strict=True))


def test_file_with_no_papers_in_the_chosen_format_is_reported(tmp_path: Path) -> None:
    page = tmp_path / "chrome.txt"
    page.write_text("Daily Papers\n\nSubscribe\n", encoding="utf-8")
    report = ReadReport()
    assert list(read_papers([page], report=report)) == []
    assert "no papers found" in report.reasons[0]


def test_same_paper_from_two_sources_is_one_paper_with_merged_metadata() -> None:
    report = ReadReport()
    papers = list(
        read_papers([FIXTURES / "daily-papers-2024-03-05.txt", FIXTURES / "hf-daily.json"], report=report)
    )
    titles = [p.title for p in papers]
    assert titles.count("Tidal Flow Matching: Generative Modeling of Coastal Sediment Transport") == 1
    assert len(papers) == 5 and report.duplicates == 1 and report.read == 5
    tidal = next(p for p in papers if p.title.startswith("Tidal Flow"))
    # the first record (the daily page) wins: its abstract, source and date ...
    assert tidal.source == "daily-papers-2024-03-05.txt"
    assert tidal.abstract.endswith("held-out decade of survey data.")
    assert tidal.date == "2024-03-05"
    # ... and the later one fills what it lacked: arXiv id, url, authors, links
    assert tidal.id == "arxiv:2403.04444"
    assert tidal.url == "https://arxiv.org/abs/2403.04444"
    assert tidal.authors == ("Vera Wolf", "Xi Yang")
    assert Link(url="https://github.com/example-lab/tidal-flow", kind="code", origin="metadata") in tidal.links
    # order of inputs decides which record wins
    reverse = list(read_papers([FIXTURES / "hf-daily.json", FIXTURES / "daily-papers-2024-03-05.txt"]))
    tidal2 = next(p for p in reverse if p.title.startswith("Tidal Flow"))
    assert tidal2.source == "hf-daily.json" and tidal2.id == "arxiv:2403.04444"


def test_duplicates_match_by_id_even_when_titles_differ(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "2401.00001v1", "title": "Old Title", "abstract": "A."}) + "\n")
    b.write_text(
        json.dumps({"arxiv_id": "2401.00001v3", "title": "New Title", "abstract": "B.", "authors": ["X Y"]})
        + "\n"
        + json.dumps({"title": "old title", "abstract": "C."})
        + "\n"
    )
    papers = list(read_papers([a, b]))
    assert [(p.id, p.title, p.authors) for p in papers] == [("arxiv:2401.00001", "Old Title", ("X Y",))]


def test_duplicates_within_one_file_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    record = {"title": "Same Paper Twice", "abstract": "Once is enough."}
    path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n")
    report = ReadReport()
    assert len(list(read_papers([path], report=report))) == 1
    assert report.duplicates == 1


def _counting(monkeypatch: pytest.MonkeyPatch, module: object) -> list[int]:
    """Make ``module.iter_lines`` record how many lines it has handed out."""
    consumed: list[int] = []
    real = module.iter_lines  # type: ignore[attr-defined]

    def counted(path: Path) -> Iterator[Line]:
        for line in real(path):
            consumed.append(line.number)
            yield line

    monkeypatch.setattr(module, "iter_lines", counted)
    return consumed


def test_json_array_is_streamed_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.json"
    records = [{"title": f"Paper number {i}", "abstract": "word " * 200} for i in range(3000)]
    path.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n", encoding="utf-8")
    consumed = _counting(monkeypatch, jsonstream)
    papers = read_papers([path], format="json")
    first = next(papers)
    assert first.title == "Paper number 0"
    assert 0 < len(consumed) < 200  # about one 64 KiB chunk, not 3002 lines
    assert sum(1 for _ in papers) == 2999


def test_json_record_larger_than_a_chunk_and_numbers_on_chunk_edges(tmp_path: Path) -> None:
    path = tmp_path / "large.json"
    big = {"title": "A Very Long Abstract", "abstract": "token " * 40000, "year": 2020}
    path.write_text(json.dumps([big, 12345678901234567890, big | {"title": "Second"}]), encoding="utf-8")
    report = ReadReport()
    papers = list(read_papers([path], format="json", report=report))
    assert [p.title for p in papers] == ["A Very Long Abstract", "Second"]
    assert "expected an object" in report.reasons[0]


def test_atom_is_streamed_entry_by_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = (
        "<entry><id>http://arxiv.org/abs/2401.{n:05d}v1</id><title>Entry {n}</title>"
        "<summary>Summary of entry {n}.</summary></entry>\n"
    )
    path = tmp_path / "feed.xml"
    path.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom">\n' + "".join(entry.format(n=n) for n in range(1, 2001))
        + "</feed>\n",
        encoding="utf-8",
    )
    consumed = _counting(monkeypatch, arxiv_atom)
    papers = read_papers([path])
    assert next(papers).id == "arxiv:2401.00001"
    assert len(consumed) == 2
    assert sum(1 for _ in papers) == 1999


def test_malformed_json_array_ends_the_file_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n{"title": "Good One", "abstract": "Fine."},\n{"title": oops}\n]\n', encoding="utf-8")
    report = ReadReport()
    assert [p.title for p in read_papers([path], report=report)] == ["Good One"]
    assert report.errors[0].line == 3 and "malformed JSON" in report.errors[0].message
    truncated = tmp_path / "cut.json"
    truncated.write_text('[{"title": "Good One", "abstract": "Fine."}, {"title": "Cut', encoding="utf-8")
    report = ReadReport()
    assert len(list(read_papers([truncated], report=report))) == 1
    assert "truncated" in report.errors[0].message


def feed_fifo_when_opened(fifo: Path, data: bytes, *, seconds: float = 5.0) -> threading.Thread:
    """Start a thread that writes ``data`` into ``fifo`` as soon as a reader opens it.

    It polls with a non-blocking open, so neither side can hang the test run:
    with no reader it gives up after ``seconds``.
    """

    def feed() -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:
                    raise
                time.sleep(0.01)
                continue
            os.set_blocking(fd, True)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            return

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


def test_a_pipe_needs_format_and_is_read_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    data = (FIXTURES / "hf-daily.json").read_bytes()
    guard = feed_fifo_when_opened(fifo, data, seconds=1.0)
    with pytest.raises(InputError, match="--format"):
        list(read_papers([FIXTURES / "papers.json", fifo]))
    guard.join(timeout=5)

    writer = feed_fifo_when_opened(fifo, data)
    report = ReadReport()
    papers = list(read_papers([fifo, FIXTURES / "hf-daily.json"], format="hf-daily", report=report))
    writer.join(timeout=10)
    assert not writer.is_alive()
    assert [p.id for p in papers] == ["arxiv:2403.04444", "arxiv:2403.05555", "arxiv:2403.06666"]
    assert report.duplicates == 3


def test_report_raises_only_when_every_record_was_skipped() -> None:
    bad = InputError("record has no title", path="in.jsonl", line=3)
    ReadReport().raise_if_nothing_read()  # nothing read, nothing skipped: an empty selection, not an error
    ReadReport(read=1, errors=[bad]).raise_if_nothing_read()
    with pytest.raises(InputError) as info:
        ReadReport(errors=[bad, InputError("malformed JSON", path="in.jsonl", line=5)]).raise_if_nothing_read()
    assert str(info.value) == "in.jsonl:3: no papers read (2 skipped); first problem: record has no title"


@pytest.mark.parametrize("fmt", ["arxiv-snapshot", "hf-daily", "openalex"])
def test_object_readers_skip_an_item_that_is_not_an_object(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "records.json"
    path.write_text('[\n1,\n"text"\n]\n', encoding="utf-8")
    report = ReadReport()
    assert list(read_papers([path], format=fmt, report=report)) == []
    assert [(e.line, e.message) for e in report.errors] == [
        (2, "expected a JSON object, found int"),
        (3, "expected a JSON object, found str"),
    ]


def test_jats_and_html_markup_is_read_as_plain_text(tmp_path: Path) -> None:
    """Crossref-fed records carry JATS abstracts; the tags would split names and fill evidence sentences."""
    jats = (
        "<jats:title>Abstract</jats:title><jats:p>We propose <jats:italic>ZorbNet</jats:italic> for "
        "H<jats:sub>2</jats:sub>O &amp; quux prediction (p < 0.05).</jats:p><jats:p>Second part.</jats:p>"
    )
    plain = "If a<b>c holds, R&D on Zorb gives x &lt y and &timesteps; i<p and q>j, and <i>Quux</i>."
    source = tmp_path / "papers.jsonl"
    source.write_text(
        "\n".join(json.dumps(r) for r in [{"title": "<i>Zorb</i>: a &#946;-test", "abstract": jats}, {"title": "Quux", "abstract": plain}]),
        encoding="utf-8",
    )
    marked, untouched = read_papers([source])
    assert marked.title == "Zorb: a \u03b2-test"
    assert marked.abstract == "We propose ZorbNet for H2O & quux prediction (p < 0.05). Second part."
    # "<b>" is text: nothing closes it; "&lt" lacks its ";"; "timesteps" is no HTML name; "<p and q>" no tag
    assert untouched.abstract == plain.replace("<i>Quux</i>", "Quux")
