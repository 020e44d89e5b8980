"""Hostile inputs at read time: huge fields, unclosed CSV quotes, deep JSON, broken gzip, bad URLs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.records import Paper
from kg.sources import ReadReport, detect_format, read_papers
from kg.sources import base as sources_base
from kg.sources.limits import MAX_ABSTRACT_CHARS, bound_paper, web_url


def record(n: int, **extra: object) -> str:
    data = {"title": f"Paper {n} on graphs", "abstract": f"Abstract {n}: we study graphs.", **extra}
    return json.dumps(data)


def read(path: Path, **options: object) -> tuple[list[Paper], ReadReport]:
    report = ReadReport()
    papers = list(read_papers([path], report=report, **options))  # type: ignore[arg-type]
    return papers, report


# -- field sizes -------------------------------------------------------------------------------


def test_a_huge_abstract_is_cut_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    huge = "word " * (17 * (1 << 20) // 5)  # 17 MiB
    path.write_text(record(1) + "\n" + json.dumps({"title": "Huge", "abstract": huge}) + "\n" + record(3) + "\n")
    papers, report = read(path)
    assert len(papers) == 3
    assert len(papers[1].abstract) == MAX_ABSTRACT_CHARS
    assert report.warnings == [(f"big.jsonl:2: abstract of {len(huge.strip()):,} characters cut to the first "
                               f"{MAX_ABSTRACT_CHARS:,}")]
    assert "warning: big.jsonl:2: abstract" in report.summary()


def test_a_line_over_the_line_limit_is_skipped_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources_base, "MAX_LINE_BYTES", 200)
    path = tmp_path / "long.jsonl"
    path.write_text(record(1) + "\n" + record(2, pad="x" * 1000) + "\n" + record(3) + "\n")
    papers, report = read(path)
    assert [p.title for p in papers] == ["Paper 1 on graphs", "Paper 3 on graphs"]
    assert [(e.line, "longer than" in e.message) for e in report.errors] == [(2, True)]


def test_javascript_url_is_dropped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "urls.jsonl"
    path.write_text(record(1, url="javascript:alert(document.cookie)") + "\n"
                    + record(2, url="https://example.org/p2", code="javascript:alert(1)") + "\n")
    papers, report = read(path)
    assert papers[0].url is None
    assert papers[1].url == "https://example.org/p2" and papers[1].links == ()
    assert report.warnings == [("urls.jsonl:1: url 'javascript:alert(document.cookie)' dropped: only http(s) URLs "
                               "are kept")]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,<b>", "ftp://a.org/x",
                                 "file:///etc/passwd", "//a.org/x", "https://", "https://a.org/x y",
                                 "http://a.org/\x1b[2J"])
def test_only_http_urls_pass(url: str) -> None:
    assert web_url(url) is None


def test_bound_paper_leaves_ordinary_papers_alone() -> None:
    p = Paper(id="p", title="T", abstract="A", url="http://a.org/x", authors=("A B",), source="s", position=1)
    assert bound_paper(p).paper is p and bound_paper(p).warnings == ()


# -- CSV with an unclosed quote ------------------------------------------------------------------


def test_unclosed_csv_quote_is_reported_where_it_opened_and_rows_are_kept(tmp_path: Path) -> None:
    rows = ["id,title,abstract"]
    for n in range(1, 5003):
        title = f'"Title {n}' if n == 2 else f"Title {n}"  # the quote on line 3 never closes
        rows.append(f"{n},{title},Abstract {n} about graphs.")
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(rows) + "\n")
    papers, report = read(path)
    assert len(papers) == 5001
    assert [(e.line, "quote opened here (column 3) is not closed" in e.message) for e in report.errors] == [(3, True)]


def test_unclosed_quote_that_closes_much_later_is_caught_by_the_field_count(tmp_path: Path) -> None:
    lines = ["id,title,abstract", '1,"Broken title,first abstract', "2,Fine,second abstract",
             "3,Fine too,third abstract", '4,Stray" quote",fourth', "5,Last,fifth abstract"]
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")
    papers, report = read(path)
    assert [p.title for p in papers][-2:] == ["Fine too", "Last"] or "Last" in [p.title for p in papers]
    assert report.errors[0].line == 2 and "quote" in report.errors[0].message
    assert "Fine" in [p.title for p in papers]


def test_multiline_quoted_abstracts_still_read(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text('title,abstract\n"A title","An abstract\nover two lines."\nSecond,Plain abstract\n')
    papers, report = read(path)
    assert [p.abstract for p in papers] == ["An abstract over two lines.", "Plain abstract"]
    assert report.errors == []


# -- deeply nested JSON --------------------------------------------------------------------------


def deep(levels: int = 2000) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("name", ["deep.jsonl", "deep.json", "deep.data"])
def test_deep_jsonl_record_is_reported_and_reading_goes_on(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    bad = '{"title": "Deep", "abstract": "x", "extra": ' + deep() + "}"
    assert len(bad) < 4100
    path.write_text("\n".join([record(1), bad, record(3)]) + "\n")
    papers, report = read(path)
    assert [p.title for p in papers] == ["Paper 1 on graphs", "Paper 3 on graphs"]
    assert [e.line for e in report.errors] == [2]
    assert "nested 2,001 levels deep" in report.errors[0].message


def test_deep_first_record_does_not_crash_the_sniffer(tmp_path: Path) -> None:
    path = tmp_path / "first.jsonl"
    path.write_text(deep() + "\n" + record(2) + "\n")
    assert detect_format(path) == "jsonl"
    papers, report = read(path)
    assert len(papers) == 1 and report.errors[0].line == 1


def test_deep_record_in_a_json_array_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    path.write_text("[\n" + record(1) + ",\n" + deep() + ",\n" + record(3) + "\n]\n")
    papers, report = read(path)
    assert [p.title for p in papers] == ["Paper 1 on graphs", "Paper 3 on graphs"]
    assert [e.line for e in report.errors] == [3]


def test_moderately_nested_record_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(record(1, extra=json.loads(deep(30))) + "\n")
    papers, report = read(path)
    assert len(papers) == 1 and report.errors == []


# -- broken gzip -------------------------------------------------------------------------------


def gz_lines(n: int) -> bytes:
    return gzip.compress(("\n".join(record(i) for i in range(1, n + 1)) + "\n").encode())


def test_truncated_jsonl_gz_names_file_and_line(tmp_path: Path) -> None:
    data = gz_lines(2000)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    papers, report = read(path)
    assert 0 < len(papers) < 2000
    (error,) = report.errors
    assert error.path == str(path) and error.line == len(papers) + 1 or error.line is not None
    assert "gzip file ends early" in error.message
    result = CliRunner().invoke(cli, ["papers", str(path), "--strict"])
    assert result.exit_code == 2
    assert f"{path}:" in result.output and "gzip file ends early" in result.output
    assert "Aborted" not in result.output and "Traceback" not in result.output


def test_small_truncated_gz_is_sniffed_and_reported(tmp_path: Path) -> None:
    data = gz_lines(3)
    path = tmp_path / "tiny.jsonl.gz"
    path.write_bytes(data[:-6])
    result = CliRunner().invoke(cli, ["papers", str(path), "--strict"])
    assert result.exit_code == 2, result.output
    assert "gzip file ends early" in result.output


def test_gz_that_is_not_gzip_says_so(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl.gz"
    path.write_text(record(1) + "\n")
    result = CliRunner().invoke(cli, ["papers", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:1: " in result.output and "not a gzip file, although its name ends in .gz" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(InputError, match="not a gzip file"):
        list(read_papers([path], strict=True))


# -- invalid Unicode that JSON can spell -----------------------------------------------------------


def test_lone_surrogates_are_replaced_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "surrogates.jsonl"
    path.write_text('{"title": "Half an emoji \\ud83d here", "abstract": "We train \\udc00 BERT.", '
                    '"authors": ["A \\ud800 B"], "categories": ["cs\\udfff"]}\n', encoding="utf-8")
    (paper,) = read_papers([path], strict=True)
    assert paper.title == "Half an emoji \ufffd here" and paper.abstract == "We train \ufffd BERT."
    assert paper.authors == ("A \ufffd B",) and paper.categories == ("cs\ufffd",)
    json.dumps(paper.to_dict(), ensure_ascii=False).encode("utf-8")  # writable
