"""Bad input never escapes as a raw traceback: mutated fixtures give papers or InputError only."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.sources import FORMATS, ReadReport, read_papers

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
_NOISE = b'{}[]",:@<>/\\\n \xe9\x00=#'


def _mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        if not out:
            break
        pos = rng.randrange(len(out))
        op = rng.random()
        if op < 0.3:
            del out[pos : pos + rng.randint(1, 40)]
        elif op < 0.6:
            out[pos:pos] = bytes(rng.choice(_NOISE) for _ in range(rng.randint(1, 4)))
        elif op < 0.8:
            del out[pos:]
        else:
            out[pos] = rng.randrange(256)
    return bytes(out)


@pytest.mark.parametrize("seed", range(4))
def test_mutated_inputs_raise_only_input_errors(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    sources = sorted(p for p in FIXTURES.iterdir() if p.is_file() and p.stat().st_size)
    for i in range(60):
        source = rng.choice(sources)
        path = tmp_path / f"case{i}{source.suffix}"
        path.write_bytes(_mutate(source.read_bytes(), rng))
        fmt = rng.choice((None, *FORMATS))
        report = ReadReport()
        try:
            papers = list(read_papers([path], format=fmt, report=report))
        except InputError as exc:  # only a file the reader cannot open at all may raise here
            pytest.fail(f"lenient mode raised for {source.name} as {fmt}: {exc}")
        assert all(p.title and p.abstract for p in papers)
        assert all(isinstance(e, InputError) and e.path == str(path) for e in report.errors)
        try:
            list(read_papers([path], format=fmt, strict=True))
        except InputError as exc:
            assert str(exc).startswith(str(path))


def test_summary_lists_the_first_reasons_only(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(f'{{"title": "T{i}"}}\n' for i in range(15)), encoding="utf-8")
    report = ReadReport()
    assert list(read_papers([path], report=report)) == []
    text = report.summary(max_reasons=3)
    assert text.splitlines()[0] == "read 0 papers from 1 file; 0 duplicates merged; 15 skipped"
    assert len(text.splitlines()) == 1 + 3 + 1 and text.endswith("... and 12 more")
