"""Tests for kg.links: finding, cleaning and classifying URLs in abstract text."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.links import FoundLink, classify_url, clean_url, find_links, url_key

# (text, expected [(url, kind)]) -- sentences written for these tests.
FIND_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("Code is at https://github.com/alice/fastnet.", [("https://github.com/alice/fastnet", "code")]),
    ("Code is at https://github.com/alice/fastnet/.", [("https://github.com/alice/fastnet", "code")]),
    ("See (https://gitlab.com/bob/tool).", [("https://gitlab.com/bob/tool", "code")]),
    ("Available at https://bitbucket.org/team/proj; thanks!", [("https://bitbucket.org/team/proj", "code")]),
    ("Mirror: https://codeberg.org/eve/lib!", [("https://codeberg.org/eve/lib", "code")]),
    ("国内镜像 https://gitee.com/zhang/model。", [("https://gitee.com/zhang/model", "code")]),
    ("Repo: https://github.com/alice/fastnet.git", [("https://github.com/alice/fastnet", "code")]),
    (
        "Weights: https://github.com/Org/Some-Repo/tree/main/ckpt?raw=1#top",
        [("https://github.com/Org/Some-Repo", "code")],
    ),
    ("Link https://github.com/Org/Repo/blob/dev/README.md", [("https://github.com/Org/Repo", "code")]),
    (
        "Found at HTTP://WWW.GitHub.com/MixedCase/RepoName",
        [("https://github.com/MixedCase/RepoName", "code")],
    ),
    # LaTeX leftovers
    (r"Code: \url{https://github.com/alice/fastnet}.", [("https://github.com/alice/fastnet", "code")]),
    ("Code: url{https://github.com/alice/fastnet}", [("https://github.com/alice/fastnet", "code")]),
    (r"See \href{https://alice.github.io/fastnet}{our page}.", [("https://alice.github.io/fastnet", "web")]),
    (
        "Code: https://github.com/a1/Net-V{https://github.com/a1/Net-V}.",
        [("https://github.com/a1/Net-V", "code")],
    ),
    (
        "Code: https://github.com/a1/Net-V.{https://github.com/a1/Net-V}",
        [("https://github.com/a1/Net-V", "code")],
    ),
    (r"Code: https://github.com/alice/fast\_net\_v2.", [("https://github.com/alice/fast_net_v2", "code")]),
    # missing scheme
    ("Code: github.com/alice/fastnet.", [("https://github.com/alice/fastnet", "code")]),
    ("Project page: www.fastnet-project.org.", [("https://www.fastnet-project.org", "web")]),
    ("Visit fastnet.ai for a demo.", [("https://fastnet.ai", "web")]),
    ("Try huggingface.co/spaces/alice/demo now", [("https://huggingface.co/spaces/alice/demo", "code")]),
    # words with dots are not links
    ("We use e.g. dropout, i.e. noise, as in Fig.1 and Sec.3.2 with 3.5 points.", []),
    ("See README.md and train.py, built on ASP.NET and Node.js by Smith et al.", []),
    ("Accuracy rose from 71.3 to 75.0, v1.2.3 of the U.S.A. release.", []),
    ("Write to first.last@uni.edu for access.", []),
    # line-broken URLs
    ("Code: https://github.com/alice/fast-\nnet and more.", [("https://github.com/alice/fast-net", "code")]),
    ("Code: https://github.com/alice/\nfastnet.", [("https://github.com/alice/fastnet", "code")]),
    ("Code: https://github.com/alice/ fastnet.", [("https://github.com/alice/fastnet", "code")]),
    ("Code: https://github.com/ alice/fastnet.", [("https://github.com/alice/fastnet", "code")]),
    ("Code: https://github.com/alice/fast_\nnet", [("https://github.com/alice/fast_net", "code")]),
    (
        "Data: https://data.example.org/sets/\nv2/files here",
        [("https://data.example.org/sets/v2/files", "web")],
    ),
    ("Data: https://short.ms /fastnet.", [("https://short.ms/fastnet", "web")]),
    ("Demo: https: //alice.github.io/demo/.", [("https://alice.github.io/demo", "web")]),
    ("See https://example.org/ for details.", [("https://example.org", "web")]),
    (
        "Two: https://example.org/a- https://example.org/b/ www.example.org/c",
        [
            ("https://example.org/a-", "web"),
            ("https://example.org/b", "web"),
            ("https://www.example.org/c", "web"),
        ],
    ),
    ("See https://example.org/\nWe then train.", [("https://example.org", "web")]),
    (
        "Code: https://github.com/alice/fastnet.\nThe model is small.",
        [("https://github.com/alice/fastnet", "code")],
    ),
    ("Data at https://example.org/corpus/ 12 The corpus has", [("https://example.org/corpus", "web")]),
    # footnote markers and closing punctuation
    ("Code https://github.com/alice/fastnet\u00b9 is public", [("https://github.com/alice/fastnet", "code")]),
    ("Code https://github.com/alice/fastnet\u2020.", [("https://github.com/alice/fastnet", "code")]),
    ('He said "https://example.org/page".', [("https://example.org/page", "web")]),
    (
        "(see https://en.wikipedia.org/wiki/Net_(math)).",
        [("https://en.wikipedia.org/wiki/Net_(math)", "web")],
    ),
    ("[https://example.org/x]", [("https://example.org/x", "web")]),
    # percent escapes stay as written
    ("Page: https://example.org/a%20b/c.", [("https://example.org/a%20b/c", "web")]),
    # Hugging Face
    (
        "Weights at https://huggingface.co/alice/fastnet-7b.",
        [("https://huggingface.co/alice/fastnet-7b", "model")],
    ),
    (
        "Weights at https://huggingface.co/alice/fastnet-7b/tree/main",
        [("https://huggingface.co/alice/fastnet-7b", "model")],
    ),
    (
        "Data: https://huggingface.co/datasets/alice/qa-set.",
        [("https://huggingface.co/datasets/alice/qa-set", "dataset")],
    ),
    ("Data: https://huggingface.co/datasets/squad", [("https://huggingface.co/datasets/squad", "dataset")]),
    (
        "Docs: https://huggingface.co/docs/transformers/index",
        [("https://huggingface.co/docs/transformers/index", "web")],
    ),
    ("Demo: https://hf.co/spaces/alice/demo", [("https://huggingface.co/spaces/alice/demo", "code")]),
    # web pages
    ("Project: https://alice.github.io/fastnet/", [("https://alice.github.io/fastnet", "web")]),
    ("Leaderboard at https://short.ms/LEADER.", [("https://short.ms/LEADER", "web")]),
    ("Paper: https://arxiv.org/abs/2401.01234.", [("https://arxiv.org/abs/2401.01234", "web")]),
    ("Profile https://github.com/alice only.", [("https://github.com/alice", "web")]),
    ("Old site http://www.cs.example.edu/~alice/data/.", [("https://www.cs.example.edu/~alice/data", "web")]),
    # several links, order kept
    (
        "Code: https://github.com/a/b and data: https://huggingface.co/datasets/a/c; page www.b.org.",
        [
            ("https://github.com/a/b", "code"),
            ("https://huggingface.co/datasets/a/c", "dataset"),
            ("https://www.b.org", "web"),
        ],
    ),
    (
        "Repos https://github.com/a/one,https://github.com/a/two;https://gitlab.com/b/three.",
        [
            ("https://github.com/a/one", "code"),
            ("https://github.com/a/two", "code"),
            ("https://gitlab.com/b/three", "code"),
        ],
    ),
    (
        "Tracked with wandb.ai and shared at youtu.be/abc123 but not go.to or co.me.",
        [("https://wandb.ai", "web"), ("https://youtu.be/abc123", "web")],
    ),
    (
        "Markdown [page](https://example.org/p) and <https://example.org/q>.",
        [("https://example.org/p", "web"), ("https://example.org/q", "web")],
    ),
    ("", []),
    ("No links here at all.", []),
    ("https://", []),
]


@pytest.mark.parametrize(("text", "expected"), FIND_CASES)
def test_find_links(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.url, f.kind) for f in find_links(text)] == expected


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("Code: https://github.com/a/b.", "https://github.com/a/b"),
        (r"x \url{github.com/a/b}, y", "github.com/a/b"),
        (
            "x https://github.com/a/b{https://github.com/a/b} y",
            "https://github.com/a/b{https://github.com/a/b}",
        ),
        ("x https://github.com/a/\nb y", "https://github.com/a/\nb"),
        ("(https://example.org/p)", "https://example.org/p"),
    ],
)
def test_found_link_span_covers_raw_text(text: str, raw: str) -> None:
    (link,) = find_links(text)
    assert text[link.start : link.end] == raw


def test_repeated_url_gives_one_item_per_occurrence() -> None:
    links = find_links("See https://github.com/a/b. Again https://github.com/a/b!")
    assert [link.url for link in links] == ["https://github.com/a/b"] * 2
    assert links[0].start < links[1].start
    assert isinstance(links[0], FoundLink)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://github.com/a/b.", "https://github.com/a/b"),
        ("  HTTPS://Example.ORG/Path/  ", "https://example.org/Path/"),
        (r"\url{https://example.org/a}", "https://example.org/a"),
        ("github.com/a/b", "https://github.com/a/b"),
        ("www.example.org", "https://www.example.org"),
        ("https://example.org/a{https://example.org/a}", "https://example.org/a"),
        ("https://example.org/q?x=1&y=%2F", "https://example.org/q?x=1&y=%2F"),
        ("http://192.168.0.1/x", "http://192.168.0.1/x"),
        ("e.g.", None),
        ("3.5", None),
        ("", None),
        ("https://localhost", None),
        ("not a url", None),
    ],
)
def test_clean_url(raw: str, expected: str | None) -> None:
    assert clean_url(raw) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/Org/Repo", ("https://github.com/Org/Repo", "code")),
        ("https://github.com/Org/Repo/issues/4", ("https://github.com/Org/Repo", "code")),
        ("https://github.com/orgs/Org/repositories", ("https://github.com/orgs/Org/repositories", "web")),
        ("https://gitlab.inria.fr/team/tool/-/tree/main", ("https://gitlab.inria.fr/team/tool", "code")),
        ("https://raw.githubusercontent.com/o/r/main/f.txt", ("https://github.com/o/r", "code")),
        (
            "https://sourceforge.net/projects/oldtool/files",
            ("https://sourceforge.net/projects/oldtool", "code"),
        ),
        ("https://git.sr.ht/~alice/tool", ("https://git.sr.ht/~alice/tool", "code")),
        (
            "https://huggingface.co/spaces/o/demo/blob/main/app.py",
            ("https://huggingface.co/spaces/o/demo", "code"),
        ),
        ("https://huggingface.co/o/m", ("https://huggingface.co/o/m", "model")),
        (
            "https://huggingface.co/datasets/o/d/viewer/default",
            ("https://huggingface.co/datasets/o/d", "dataset"),
        ),
        ("https://huggingface.co/papers/2401.00001", ("https://huggingface.co/papers/2401.00001", "web")),
        ("https://huggingface.co/o", ("https://huggingface.co/o", "web")),
        ("http://example.org/", ("https://example.org", "web")),
        ("https://example.org:8080/a/", ("https://example.org:8080/a", "web")),
    ],
)
def test_classify_url(url: str, expected: tuple[str, str]) -> None:
    assert classify_url(url) == expected


def test_url_key_folds_scheme_host_www_and_slash_but_not_path() -> None:
    assert url_key("http://WWW.Example.org/A/") == url_key("https://example.org/A")
    assert url_key("https://example.org/A") != url_key("https://example.org/a")


@pytest.mark.parametrize(
    "text",
    [
        "x" * 1_000_000,
        "https://" + "a" * 200_000,
        "\x00\x01https://github.com/a/b\x7f\x1b[0m",
        "<a href='https://example.org/p'>page</a> &amp; <b>bold</b>",
        "{" * 1000 + "https://example.org/" + "}" * 1000,
        "Модель доступна по адресу https://example.org/путь и 模型 https://example.cn/模型",
        "https://github.com/a/b{" + "c" * 5000,
    ],
)
def test_bad_text_never_crashes(text: str) -> None:
    links = find_links(text)
    assert all(link.url.startswith("https://") for link in links)
    assert all(0 <= link.start < link.end <= len(text) for link in links)


def test_html_attribute_quote_ends_url() -> None:
    links = find_links("<a href='https://example.org/p'>page</a>")
    assert [link.url for link in links] == ["https://example.org/p"]


def test_module_is_stdlib_only() -> None:
    code = "import sys, kg.links; bad = {'spacy', 'rdflib', 'networkx', 'click'} & set(sys.modules); print(sorted(bad))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # git's scp-style "host:path" written after a scheme: the "port" is the owner
        ("the code is at http://git@github.com:someorg/SomeTool.git .", [("https://github.com/someorg/SomeTool", "code")]),
        ("see https://example.org:docs/page for more", [("https://example.org/docs/page", "web")]),
        ("a bad port http://example.org:99999/x here", []),
        ("ftp://files.example.org/pub/data.tar", []),
    ],
)
def test_urls_with_odd_ports_never_raise(text: str, expected: list[tuple[str, str]]) -> None:
    # a port that is not a number used to raise in classify_url and fail the paper
    assert [(f.url, f.kind) for f in find_links(text)] == expected


def test_classify_url_survives_a_non_numeric_port() -> None:
    assert classify_url("http://example.org:abc/x") == ("https://example.org/x", "web")
