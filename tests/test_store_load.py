"""The on-disk store is bulk-loaded in segments cut at line ends, and holds every triple of the stream."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.rdf.store as store_module
from kg.rdf.store import _segments, load_store, open_read_only, stored_triple_count


def _lines(n: int) -> list[bytes]:
    return [
        f'<https://example.org/s{i % 37}> <https://example.org/p{i % 5}> "value {i} \\u00e9\\n" .\n'.encode()
        for i in range(n)
    ]


def _cut_anywhere(data: bytes, rng: random.Random) -> list[bytes]:
    cuts = sorted(rng.sample(range(1, len(data)), 40))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)])]


def test_segments_end_at_line_ends_and_lose_nothing() -> None:
    rng = random.Random(3)
    data = b"".join(_lines(500))
    chunks = _cut_anywhere(data, rng)
    pieces = list(_segments(iter(chunks), 1000))
    assert b"".join(pieces) == data
    assert len(pieces) > 10
    assert all(piece.endswith(b"\n") for piece in pieces)
    # a segment is cut once it holds the size, at its last line end: never longer than the size and one chunk
    assert max(len(piece) for piece in pieces) < 1000 + max(len(chunk) for chunk in chunks) + 80


def test_a_stream_loaded_in_many_segments_holds_every_triple(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _lines(3000)
    data = b"".join(lines)
    monkeypatch.setattr(store_module, "SEGMENT_BYTES", 4096)  # dozens of bulk loads
    loads: list[int] = []
    real_segments = store_module._segments

    def counted(chunks, size):  # type: ignore[no-untyped-def]
        for segment in real_segments(chunks, size):
            loads.append(len(segment))
            yield segment

    monkeypatch.setattr(store_module, "_segments", counted)
    load_store(tmp_path / "store", iter(_cut_anywhere(data, random.Random(5))), triples=lambda: len(lines))
    assert len(loads) > 20
    reference = ox.Store()
    reference.load(data, format=ox.RdfFormat.N_TRIPLES)
    loaded = open_read_only(tmp_path / "store")
    assert set(loaded) == set(reference) and len(set(reference)) == len(lines)
    assert stored_triple_count(tmp_path / "store") == len(lines)


def test_an_error_while_producing_leaves_no_store(tmp_path: Path) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b"".join(_lines(10))
        raise RuntimeError("the producer failed")

    with pytest.raises(RuntimeError, match="producer failed"):
        load_store(tmp_path / "store", chunks(), triples=lambda: 0)
    assert not (tmp_path / "store").exists()


def test_an_error_of_the_loader_reaches_the_caller_and_leaves_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader runs on a thread of its own; a bad segment's error must still stop the load."""
    monkeypatch.setattr(store_module, "SEGMENT_BYTES", 2048)
    produced: list[int] = []

    def chunks():  # type: ignore[no-untyped-def]
        yield b"<https://example.org/s> <https://example.org/p> this is not N-Triples .\n"
        for line in _lines(2000):
            produced.append(1)
            yield line

    with pytest.raises(SyntaxError):
        load_store(tmp_path / "store", chunks(), triples=lambda: 0)
    assert not (tmp_path / "store").exists()
    assert len(produced) < 2000  # the producer was stopped, not run to the end


def test_a_producer_failing_mid_way_stops_the_loaders_and_leaves_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setattr(store_module, "SEGMENT_BYTES", 1024)

    def chunks():  # type: ignore[no-untyped-def]
        for n, line in enumerate(_lines(3000)):
            if n == 1500:
                raise RuntimeError("the producer failed half-way")
            yield line

    with pytest.raises(RuntimeError, match="half-way"):
        load_store(tmp_path / "store", chunks(), triples=lambda: 0)
    assert not (tmp_path / "store").exists()
    assert not [t for t in threading.enumerate() if t.name.startswith("kg-store-loader")]
