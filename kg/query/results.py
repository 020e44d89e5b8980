"""Query results as plain records, and every format kg writes them in.

A result is a :class:`QueryResult` of :class:`Term` rows (no pyoxigraph object
leaves :mod:`kg.query`). Writers produce text chunk by chunk from batches of
rows, so ``kg query`` can print millions of rows in bounded memory, and the
same writers give the whole text for small results (:func:`format_result`)
and the bytes ``kg serve`` sends (:func:`serialize_result`). Formats: an
aligned table, SPARQL 1.1 Query Results CSV, TSV, JSON and XML, and for
CONSTRUCT/DESCRIBE also Turtle, N-Triples, RDF/XML and JSON-LD.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from kg.errors import QueryError

Format = Literal["table", "csv", "tsv", "json", "turtle", "nt", "jsonld"]
#: formats of :func:`format_result` and ``kg query --format`` for SELECT/ASK results
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")
#: formats of :func:`format_result` and ``kg query --format`` for CONSTRUCT/DESCRIBE results (Turtle first: the default)
TEXT_GRAPH_FORMATS: tuple[str, ...] = ("turtle", "nt", "jsonld")
#: every format of :func:`format_result` and ``kg query --format``
FORMATS: tuple[str, ...] = TABLE_FORMATS + TEXT_GRAPH_FORMATS
#: formats of :func:`serialize_result` for SELECT/ASK results
RESULT_FORMATS: tuple[str, ...] = ("json", "xml", "csv", "tsv")
#: formats of :func:`serialize_result` for CONSTRUCT/DESCRIBE results
GRAPH_FORMATS: tuple[str, ...] = ("turtle", "nt", "rdfxml", "jsonld")
Kind = Literal["select", "ask", "graph"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_N3_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


class Term(NamedTuple):
    """One RDF term of a result, in the shape of SPARQL 1.1 Results JSON.

    ``type`` is ``"uri"``, ``"literal"``, ``"bnode"`` or ``"triple"``;
    ``datatype`` is ``None`` for plain strings and language-tagged literals.
    A tuple, so rows travel between processes cheaply.

    >>> Term("literal", "3", _XSD + "integer").to_python()
    3
    """

    type: Literal["uri", "literal", "bnode", "triple"]
    value: str
    datatype: str | None = None
    lang: str | None = None

    def __str__(self) -> str:
        return self.value

    def to_python(self) -> Any:
        """Return the value as a Python object (int, float, bool or str)."""
        if self.type == "literal" and self.datatype:
            try:
                if self.datatype in (_XSD + "integer", _XSD + "int", _XSD + "long"):
                    return int(self.value)
                if self.datatype in (_XSD + "double", _XSD + "decimal", _XSD + "float"):
                    return float(self.value)
                if self.datatype == _XSD + "boolean":
                    return self.value in ("true", "1")
            except ValueError:
                return self.value
        return self.value

    def n3(self) -> str:
        """Return the term in N-Triples/Turtle syntax (used by TSV).

        >>> Term("literal", 'say "hi"', None, "en").n3()
        '"say \\\\"hi\\\\""@en'
        """
        if self.type == "uri":
            return f"<{self.value}>"
        if self.type == "bnode":
            return f"_:{self.value}"
        if self.type == "triple":
            return self.value
        text = self.value.translate(_N3_ESCAPES)
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype and self.datatype != _XSD_STRING:
            if self.datatype == _XSD + "integer" and re.fullmatch(r"[+-]?\d+", self.value):
                return self.value
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'


Row = tuple[Term | None, ...]


@dataclass(frozen=True)
class QueryResult:
    """The outcome of a query: solutions, a boolean or triples.

    ``kind`` is ``"select"`` (``variables`` and ``rows``), ``"ask"``
    (``boolean``) or ``"graph"`` for CONSTRUCT/DESCRIBE (``rows`` of
    subject, predicate, object under the variables of those names).
    ``truncated`` is true when more rows were available than the
    ``max_results`` the query ran with.
    """

    kind: Kind
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = field(default=())
    boolean: bool | None = None
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.rows)

    def to_dicts(self) -> list[dict[str, Any]]:
        """Return the rows as dicts of Python values (unbound variables are ``None``)."""
        return [
            {var: (term.to_python() if term is not None else None) for var, term in zip(self.variables, row)}
            for row in self.rows
        ]

    def to_dataframe(self) -> Any:
        """Return the result as a pandas DataFrame, one column per variable, for notebooks.

        Values are Python values as in :meth:`to_dicts`; an ASK result is one
        row with the column ``boolean``. pandas is optional: install the
        ``pandas`` extra (``pip install 'kg-papers[pandas]'``).

        Raises:
            ImportError: pandas is not installed (the message says how to get it).
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "QueryResult.to_dataframe() needs pandas: pip install 'kg-papers[pandas]'"
            ) from None
        if self.kind == "ask":
            return pd.DataFrame({"boolean": [self.boolean]})
        return pd.DataFrame(self.to_dicts(), columns=list(self.variables))


# -- text formats, written batch by batch ---------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
#: rows a table looks at to choose its column widths before it starts printing
TABLE_SAMPLE_ROWS = 1000


def _json_term(term: Term) -> dict[str, str]:
    out = {"type": term.type, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def _plain(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if term.type == "bnode" else term.value


def _cell(term: Term | None) -> str:
    return _CONTROL.sub(" ", _plain(term))  # untrusted text: no newlines or terminal escapes in a table


def _wrapped(text: str, width: int | None) -> list[str]:
    """Split a cell into lines of at most ``width`` characters, at spaces where it can (nothing is dropped)."""
    if width is None or len(text) <= width:
        return [text]
    lines: list[str] = []
    while len(text) > width:
        cut = text.rfind(" ", 0, width + 1)
        if cut <= 0:  # one long word (an IRI): break it
            lines.append(text[:width])
            text = text[width:]
        else:
            lines.append(text[:cut])
            text = text[cut + 1 :]
    lines.append(text)
    return lines


def _ask_text(value: bool, fmt: str) -> str:
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "csv":
        return f"_askResult\r\n{word}\r\n"
    if fmt == "tsv":
        return f"?_askResult\n{word}\n"
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        )
    return word + "\n"


def iter_formatted(
    kind: Kind,
    variables: Sequence[str],
    batches: Iterable[Sequence[Row]],
    *,
    boolean: bool | None = None,
    fmt: str = "table",
    max_width: int | None = 80,
) -> Iterator[str]:
    """Yield a result as text, chunk by chunk, reading its rows batch by batch.

    Args:
        kind: ``"select"``, ``"ask"`` or ``"graph"``.
        variables: the column names (subject, predicate, object for graphs).
        batches: the rows, in batches of any size (ignored for ``"ask"``).
        boolean: the answer of an ASK query.
        fmt: ``"table"`` (aligned columns; widths from the first
            :data:`TABLE_SAMPLE_ROWS` rows, longer cells wrapped onto more
            lines, never cut), ``"csv"`` / ``"tsv"`` / ``"json"`` / ``"xml"``
            (SPARQL 1.1 Query Results); for ``"graph"`` results also
            ``"turtle"``, ``"nt"`` (written batch by batch) and ``"jsonld"``.
        max_width: widest table column before its cells wrap; ``None`` never wraps.

    Raises:
        QueryError: an unknown format, or an RDF format for a SELECT/ASK result.
    """
    if fmt not in (*FORMATS, "xml", "rdfxml"):
        raise QueryError(f"unknown result format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt in GRAPH_FORMATS:
        if kind != "graph":
            raise QueryError(
                f"{fmt} is a format for CONSTRUCT/DESCRIBE results; a {kind.upper()} result "
                f"prints as {', '.join(TABLE_FORMATS)}"
            )
        yield from _graph_text(batches, fmt)
        return
    if kind == "ask":
        yield _ask_text(bool(boolean), fmt)
        return
    names = list(variables)
    if fmt == "json":
        yield '{"head": {"vars": ' + json.dumps(names, ensure_ascii=False) + '}, "results": {"bindings": ['
        first = True
        for batch in batches:
            parts = [
                json.dumps(
                    {name: _json_term(term) for name, term in zip(names, row) if term is not None},
                    ensure_ascii=False,
                )
                for row in batch
            ]
            if parts:
                yield ("" if first else ", ") + ", ".join(parts)
                first = False
        yield "]}}\n"
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        for batch in batches:
            writer.writerows([_plain(term) for term in row] for row in batch)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()
    elif fmt == "tsv":
        yield "\t".join(f"?{name}" for name in names) + "\n"
        for batch in batches:
            if batch:
                yield "".join("\t".join("" if t is None else t.n3() for t in row) + "\n" for row in batch)
    elif fmt == "xml":
        yield (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'
            + "".join(f"<variable name={quoteattr(v)}/>" for v in names)
            + "</head>\n<results>\n"
        )
        for batch in batches:
            yield "".join(
                "<result>"
                + "".join(
                    f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in zip(names, row) if t is not None
                )
                + "</result>\n"
                for row in batch
            )
        yield "</results>\n</sparql>\n"
    else:
        yield from _table(names, batches, max_width)


def _xml_term(term: Term) -> str:
    value = xml_escape(term.value)
    if term.type == "uri":
        return f"<uri>{value}</uri>"
    if term.type == "bnode":
        return f"<bnode>{value}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{value}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(term.datatype)}>{value}</literal>"
    return f"<literal>{value}</literal>"


def _graph_text(batches: Iterable[Sequence[Row]], fmt: str) -> Iterator[str]:
    """Write triples as RDF text: N-Triples batch by batch, the other formats whole (they group by subject)."""
    if fmt == "nt":
        for batch in batches:
            if batch:
                yield _rdf_bytes(batch, fmt).decode("utf-8")
        return
    yield _rdf_bytes([row for batch in batches for row in batch], fmt).decode("utf-8")


def _table(names: list[str], batches: Iterable[Sequence[Row]], max_width: int | None) -> Iterator[str]:
    sample: list[Row] = []
    rest = iter(batches)
    for batch in rest:
        sample.extend(batch)
        if len(sample) >= TABLE_SAMPLE_ROWS:
            break
    cells = [[_cell(term) for term in row] for row in sample]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(names)]
    if max_width is not None:
        widths = [max(min(w, max_width), len(name)) for w, name in zip(widths, names)]

    def line(row: Sequence[str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() + "\n"

    def lines(row: Sequence[str]) -> str:
        if max_width is None:  # --wide: one line per row, cells whole
            return line(row)
        parts = [_wrapped(cell, w) for cell, w in zip(row, widths)]
        height = max((len(p) for p in parts), default=1)
        return "".join(line([p[i] if i < len(p) else "" for p in parts]) for i in range(height))

    yield line(names) + "  ".join("-" * w for w in widths) + "\n"
    yield "".join(lines(row) for row in cells)
    count = len(cells)
    for batch in rest:
        yield "".join(lines([_cell(term) for term in row]) for row in batch)
        count += len(batch)
    yield f"({count} row{'s' if count != 1 else ''})\n"


def format_result(result: QueryResult, *, fmt: Format = "table", max_width: int | None = 80) -> str:
    """Format a whole result as text (see :func:`iter_formatted` for the formats).

    Raises:
        QueryError: an unknown format.
    """
    return "".join(
        iter_formatted(
            result.kind, result.variables, [result.rows], boolean=result.boolean, fmt=fmt, max_width=max_width
        )
    )


def serialize_result(result: QueryResult, fmt: str) -> bytes:
    """Return a result as the bytes of one SPARQL results format or, for graphs, one RDF format.

    Args:
        result: from :func:`kg.query.run_query`.
        fmt: ``"json"``, ``"xml"``, ``"csv"`` or ``"tsv"`` for SELECT/ASK;
            ``"turtle"``, ``"nt"``, ``"rdfxml"`` or ``"jsonld"`` for CONSTRUCT/DESCRIBE.

    Raises:
        QueryError: a format that does not fit the kind of result.
    """
    if result.kind == "graph" and fmt in GRAPH_FORMATS:
        return _rdf_bytes(result.rows, fmt)
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"cannot write a {result.kind} result as {fmt!r}")
    return format_result(result, fmt=fmt).encode("utf-8")  # type: ignore[arg-type]


def convert_turtle(turtle: str, fmt: str) -> bytes:
    """Return Turtle text (kg's own, e.g. a service description) in one of :data:`GRAPH_FORMATS`.

    Raises:
        QueryError: an unknown format, or text that is not Turtle.
    """
    import pyoxigraph as ox

    if fmt not in GRAPH_FORMATS:
        raise QueryError(f"cannot write RDF as {fmt!r}")
    if fmt == "turtle":
        return turtle.encode("utf-8")
    try:
        triples = list(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise QueryError(f"not Turtle: {exc}") from None

    def term(node: Any) -> Term:
        if isinstance(node, ox.NamedNode):
            return Term("uri", node.value)
        if isinstance(node, ox.BlankNode):
            return Term("bnode", node.value)
        if node.language:
            return Term("literal", node.value, None, node.language)
        return Term("literal", node.value, node.datatype.value)

    return _rdf_bytes([(term(t.subject), term(t.predicate), term(t.object)) for t in triples], fmt)


def _rdf_bytes(rows: Sequence[Row], fmt: str) -> bytes:
    """Write triples with pyoxigraph's serialisers (the only RDF writers this layer may use)."""
    import pyoxigraph as ox

    from kg.query.prefixes import PREFIXES

    def node(term: Term | None) -> Any:
        if term is None or term.type == "triple":
            raise QueryError("a triple term cannot be written in this RDF format")
        if term.type == "uri":
            return ox.NamedNode(term.value)
        if term.type == "bnode":
            return ox.BlankNode(term.value)
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or _XSD_STRING))

    rdf_format = {
        "turtle": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "rdfxml": ox.RdfFormat.RDF_XML,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[fmt]
    triples = [ox.Triple(node(s), node(p), node(o)) for s, p, o in rows]
    if fmt == "turtle":  # the prefixes a query may use unprefixed are the ones its Turtle answer uses
        return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES) or b""
    return ox.serialize(triples, format=rdf_format) or b""


__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "TABLE_FORMATS",
    "TEXT_GRAPH_FORMATS",
    "Format",
    "QueryResult",
    "Row",
    "Term",
    "convert_turtle",
    "format_result",
    "iter_formatted",
    "serialize_result",
]
