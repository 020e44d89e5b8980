"""Files of the RDF form: N-Triples, Turtle and JSON-LD, streamed and deterministic.

One sorted pass over the graph (:func:`kg.rdf.export.iter_subjects`) streams
N-Triples and JSON-LD side by side (:func:`write_rdf_files`); Turtle is made
from the N-Triples file by pyoxigraph, file to file. Every file is
deterministic (sorted, no blank nodes, no timestamps) and written atomically.
This module must not decide what the triples are (that is :mod:`kg.rdf.export`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from kg.errors import InputError
from kg.io import atomic_write
from kg.ontology import DEFAULT_BASE_IRI, PREFIXES, XSD_STRING, A, schema_path
from kg.rdf.export import Iri, Obj, Props, iter_subjects, iter_triples

if TYPE_CHECKING:
    import networkx as nx

RdfFormat = Literal["turtle", "nt", "json-ld"]


# -- N-Triples, Turtle, JSON-LD -------------------------------------------------------------------
_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"}
_ESCAPE_TABLE = {i: f"\\u{i:04X}" for i in range(0x20)} | {0x7F: "\\u007F"} | _ESCAPES


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _nt_object(o: Obj) -> str:
    if type(o) is Iri:
        return f"<{o}>"
    lexical, datatype = o  # type: ignore[misc]
    text = lexical.translate(_ESCAPE_TABLE) if _NEEDS_ESCAPE.search(lexical) else lexical
    if datatype == XSD_STRING:
        return f'"{text}"'
    return f'"{text}"^^<{datatype}>'


def ntriples_lines(graph: nx.DiGraph, *, base: str = DEFAULT_BASE_IRI) -> list[str]:
    """Return the graph as sorted, de-duplicated N-Triples lines (with their newline).

    Sorting by code point equals sorting the UTF-8 bytes, so the output is the
    same for the same graph whatever the order nodes and edges were added.
    """
    lines = {f"<{s}> <{p}> {_nt_object(o)} .\n" for s, p, o in iter_triples(graph, base=base)}
    return sorted(lines)


def _encode(text: str) -> bytes:
    # lone surrogates (from broken input) cannot be UTF-8: replace them rather than fail
    return text.encode("utf-8", "replace")


def _turtle(nt: bytes) -> bytes:
    """Turn sorted N-Triples into Turtle with kg's prefixes, subjects grouped (pyoxigraph)."""
    import pyoxigraph as ox

    # default-graph quads go straight from the parser to the Turtle writer
    quads = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    body = ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert body is not None
    # pyoxigraph orders the @prefix lines its own way: write them ourselves, sorted
    lines = body.split(b"\n")
    i = 0
    while i < len(lines) and lines[i].startswith(b"@prefix "):
        i += 1
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())).encode()
    return header + b"\n" + b"\n".join(lines[i:])


def load_context() -> dict[str, Any]:
    """Return the ``@context`` object of ``schemas/context.jsonld``."""
    with open(schema_path("context.jsonld"), encoding="utf-8") as handle:
        context: dict[str, Any] = json.load(handle)["@context"]
    return context


def _curie(iri: str) -> str:
    for prefix, ns in _PREFIX_ORDER:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_encode_json = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) uses for str


class _Sink:
    """Buffered UTF-8 writer of text pieces (lone surrogates from broken input become ``?``)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._parts: list[str] = []

    def _emit(self, text: str) -> None:
        parts = self._parts
        parts.append(text)
        if len(parts) >= 4096:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._handle.write(_encode("".join(self._parts)))
            self._parts = []


class _NTriplesSink(_Sink):
    """Write subjects arriving in code-point order as N-Triples, sorted and de-duplicated by line.

    Lines sort as ``<subject>`` + ``"> "`` + rest, so a subject whose IRI
    extends another with a character below ``>`` (``.../x/evidence/1`` after
    ``.../x``) must be written before it: such subjects wait on a stack.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(handle)
        self._stack: list[tuple[str, str]] = []
        self.triples = 0

    def add(self, s: str, props: Props) -> None:
        head = f"<{s}> "
        tails = sorted({f"<{p}> {_nt_object(o)} .\n" for p, o in props})
        self.triples += len(tails)
        stack = self._stack
        while stack:
            top = stack[-1][0]
            if len(s) > len(top) and s.startswith(top) and s[len(top)] < ">":
                break
            self._emit(stack.pop()[1])
        stack.append((s, head + head.join(tails)))

    def close(self) -> None:
        while self._stack:
            self._emit(self._stack.pop()[1])
        self.flush()


_CURIES: dict[str, str] = {}


def _curie_of(iri: str) -> str:
    """Memoised :func:`_curie` (called only on the few predicate, class and datatype IRIs)."""
    c = _CURIES.get(iri)
    if c is None:
        c = _CURIES[iri] = _curie(iri)
    return c


_DATATYPE_SUFFIX: dict[str, str] = {}


def _json_value(o: Obj) -> tuple[str, str]:
    """Return (sort key, text) of one JSON-LD value object: its key-sorted and its written JSON."""
    if type(o) is Iri:
        text = '{"@id": ' + _encode_json(o) + "}"
        return text, text
    lexical, datatype = o  # type: ignore[misc]
    if datatype == XSD_STRING:
        text = '{"@value": ' + _encode_json(lexical) + "}"
        return text, text
    dt = _DATATYPE_SUFFIX.get(datatype)
    if dt is None:
        dt = _DATATYPE_SUFFIX[datatype] = _encode_json(_curie_of(datatype))
    value = _encode_json(lexical)
    return '{"@type": ' + dt + ', "@value": ' + value + "}", '{"@value": ' + value + ', "@type": ' + dt + "}"


class _JsonLdSink(_Sink):
    """Write JSON-LD: the kg context inline, one node object per subject, subjects in the order given.

    The bytes are those ``json.dumps`` gives for the node objects (values
    sorted by their key-sorted JSON), built from strings directly because a
    million ``json.dumps`` calls are the slow part of a big export.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(handle)
        head = json.dumps({"@context": load_context()}, ensure_ascii=False, indent=1, sort_keys=True)
        self._emit(head[:-2] + ',\n "@graph": [\n  ')
        self._started = False

    def add(self, s: str, props: Props) -> None:
        enc = _encode_json
        types: list[str] = []
        by_prop: dict[str, list[Obj]] = {}
        for p, o in props:
            if p == A:
                types.append(_curie_of(o))  # type: ignore[arg-type]
            elif p in by_prop:
                by_prop[p].append(o)
            else:
                by_prop[p] = [o]
        parts = [',\n  {"@id": ' if self._started else '{"@id": ', enc(s)]
        self._started = True
        if types:
            parts.append(', "@type": [' + ", ".join(enc(t) for t in sorted(set(types))) + "]")
        for c, p in sorted((_curie_of(p), p) for p in by_prop):
            parts.append(", " + enc(c) + ": [")
            objects = by_prop[p]
            if len(objects) == 1:
                parts.append(_json_value(objects[0])[1])
            else:
                parts.append(", ".join(text for _, text in sorted({_json_value(o) for o in objects})))
            parts.append("]")
        parts.append("}")
        self._emit("".join(parts))

    def close(self) -> None:
        self._emit("\n ]\n}\n")
        self.flush()


class _PrefixRewriter:
    """A binary writer for pyoxigraph: drops its ``@prefix`` lines and writes kg's, sorted, instead."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._pending: bytearray | None = bytearray()

    def write(self, data: bytes) -> int:
        if self._pending is None:
            return self._handle.write(data)
        self._pending += data
        while self._pending is not None:
            end = self._pending.find(b"\n")
            if end < 0:
                break
            if self._pending.startswith(b"@prefix "):
                del self._pending[: end + 1]
            else:
                self._finish_header()
        return len(data)

    def _finish_header(self) -> None:
        assert self._pending is not None
        header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())).encode()
        self._handle.write(header + b"\n" + bytes(self._pending))
        self._pending = None

    def flush(self) -> None:
        return None

    def close(self) -> None:
        if self._pending is not None:
            self._finish_header()


def _turtle_file(nt_path: Path, handle: IO[bytes]) -> None:
    """Turn a sorted N-Triples file into Turtle, file to file (pyoxigraph streams both ways)."""
    import pyoxigraph as ox

    writer = _PrefixRewriter(handle)
    quads = ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    # pyoxigraph only calls write() (and flush()) on the output object
    ox.serialize(quads, writer, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)  # type: ignore[arg-type]
    writer.close()


_FORMATS = {
    "turtle": "turtle", "ttl": "turtle",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "json-ld": "json-ld", "jsonld": "json-ld",
    "store": "store", "oxigraph": "store",
}  # fmt: skip


def _format(format: str, *, store: bool = False) -> str:
    fmt = _FORMATS.get(str(format).lower())
    if fmt is None or (fmt == "store" and not store):
        expected = "turtle, nt, json-ld or store" if store else "turtle, nt or json-ld"
        raise InputError(f"unknown RDF format {format!r}; expected {expected}")
    return fmt


def serialize(graph: nx.DiGraph, *, format: RdfFormat = "nt", base: str = DEFAULT_BASE_IRI) -> bytes:
    """Return the graph serialised as Turtle, N-Triples or JSON-LD bytes (deterministic).

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        format: ``"turtle"``, ``"nt"`` or ``"json-ld"``.
        base: base IRI for minted resources.
    """
    import io

    fmt = _format(format)
    buffer = io.BytesIO()
    sink: _NTriplesSink | _JsonLdSink = _JsonLdSink(buffer) if fmt == "json-ld" else _NTriplesSink(buffer)
    for s, props in iter_subjects(graph, base=base):
        sink.add(s, props)
    sink.close()
    data = buffer.getvalue()
    return _turtle(data) if fmt == "turtle" else data


def write_rdf_files(
    graph: nx.DiGraph,
    paths: Mapping[str, str | Path],
    *,
    base: str = DEFAULT_BASE_IRI,
    on_subject: Callable[[str, Props], None] | None = None,
) -> int:
    """Write the graph in several RDF formats at once, each file atomically; return the triple count.

    One sorted pass over the graph (:func:`iter_subjects`) streams
    N-Triples and JSON-LD side by side, and the same N-Triples bytes into an
    on-disk Oxigraph store when ``"store"`` is asked for (bulk-loaded as
    they are made, see :mod:`kg.rdf.store`); Turtle is then made from the
    N-Triples file by pyoxigraph, file to file (from a temporary N-Triples
    file when ``"nt"`` is not asked for). Memory stays bounded by the graph,
    not by the output. The bytes are those of :func:`serialize`.

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        paths: format (``"turtle"``, ``"nt"``, ``"json-ld"``, ``"store"``) -> file
            (folder for ``"store"``, which must not exist yet) to write; may be
            empty when only ``on_subject`` is wanted.
        base: base IRI for minted resources.
        on_subject: called with every subject and its triples during the pass
            (the streaming SHACL check of a build rides along this way).

    Raises:
        KGError: a node kind or edge relation the contract does not know (no file is written).
    """
    import os
    import tempfile
    from contextlib import ExitStack

    from kg.rdf.store import load_store

    targets = {_format(fmt, store=True): Path(path) for fmt, path in paths.items()}
    scratch: Path | None = None
    nt_path = targets.get("nt")
    if nt_path is None and "turtle" in targets:
        fd, name = tempfile.mkstemp(prefix=".graph.", suffix=".nt.tmp", dir=targets["turtle"].parent)
        os.close(fd)
        scratch = nt_path = Path(name)
    counted = 0
    try:
        with ExitStack() as stack:
            sinks: list[_NTriplesSink | _JsonLdSink] = []
            nt_sink: _NTriplesSink | None = None
            queue = _ChunkQueue() if "store" in targets else None
            if nt_path is not None:
                handle: IO[bytes] = stack.enter_context(
                    atomic_write(nt_path, mode="wb") if scratch is None else open(nt_path, "wb")  # noqa: SIM115
                )
                nt_sink = _NTriplesSink(handle if queue is None else _Tee(handle, queue))  # type: ignore[arg-type]
                sinks.append(nt_sink)
            elif queue is not None:
                nt_sink = _NTriplesSink(queue)  # type: ignore[arg-type]
                sinks.append(nt_sink)
            if "json-ld" in targets:
                sinks.append(_JsonLdSink(stack.enter_context(atomic_write(targets["json-ld"], mode="wb"))))

            def pump() -> Iterator[bytes]:
                nonlocal counted
                for s, props in iter_subjects(graph, base=base):
                    if on_subject is not None:
                        on_subject(s, props)
                    for sink in sinks:
                        sink.add(s, props)
                    if nt_sink is None:
                        counted += len(set(props))
                    if queue is not None and queue.size >= _STORE_CHUNK:
                        yield queue.take()
                for sink in sinks:
                    sink.close()
                if queue is not None and queue.size:
                    yield queue.take()

            if queue is not None:
                assert nt_sink is not None
                load_store(targets["store"], pump(), triples=lambda: nt_sink.triples)
            else:
                for _ in pump():
                    pass
        if "turtle" in targets:
            assert nt_path is not None
            with atomic_write(targets["turtle"], mode="wb") as out:
                _turtle_file(nt_path, out)
    except BaseException:
        if "store" in targets:
            import shutil

            shutil.rmtree(targets["store"], ignore_errors=True)
        raise
    finally:
        if scratch is not None:
            scratch.unlink(missing_ok=True)
    return nt_sink.triples if nt_sink is not None else counted


#: bytes of N-Triples handed to the store's bulk loader at a time
_STORE_CHUNK = 1 << 20


class _ChunkQueue:
    """A write-only binary handle that keeps what is written until :meth:`take` hands it on."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self._parts.append(data)
        self.size += len(data)
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts, self.size = [], 0
        return data


class _Tee:
    """A write-only binary handle that writes to a file and to a :class:`_ChunkQueue`."""

    def __init__(self, handle: IO[bytes], queue: _ChunkQueue) -> None:
        self._handle, self._queue = handle, queue

    def write(self, data: bytes) -> int:
        self._queue.write(data)
        return self._handle.write(data)


def write_rdf(
    graph: nx.DiGraph, path: str | Path, *, format: RdfFormat = "turtle", base: str = DEFAULT_BASE_IRI
) -> None:
    """Write the graph to ``path`` atomically as Turtle, N-Triples or JSON-LD.

    Identical graphs give identical bytes (sorted triples, fixed prefixes, no
    blank nodes, no timestamps). Streams to the file (see :func:`write_rdf_files`).

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        path: the file to write.
        format: ``"turtle"``, ``"nt"`` or ``"json-ld"``.
        base: base IRI for minted resources.
    """
    write_rdf_files(graph, {format: path}, base=base)
