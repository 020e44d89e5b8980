"""SPARQL over the knowledge graph in an embedded pyoxigraph store.

rdflib stays the RDF API of kg, but its query engine is one to two orders of
magnitude slower on millions of triples, so queries run in an in-memory
pyoxigraph ``Store`` loaded from a graph file (N-Triples is the fastest) or
from a networkx graph. Queries are read-only: updates and federated
``SERVICE`` calls are refused before anything runs. A query with a time
limit runs in a forked worker process that is killed when time is up
(pyoxigraph cannot be interrupted from Python). Results come back as plain
:class:`QueryResult` records (no pyoxigraph object leaves this module) and are
formatted as an aligned table, SPARQL 1.1 CSV/TSV or SPARQL 1.1 Results JSON.

The ready-made queries of ``schemas/queries/*.rq`` are listed by
:func:`list_queries` and loaded by :func:`load_query`, which binds parameters
through ``VALUES`` with properly escaped literals, never by splicing raw text.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import multiprocessing
import re
import threading
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kg.errors import InputError, QueryError, QueryTimeout

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph

log = logging.getLogger(__name__)

Format = Literal["table", "csv", "tsv", "json"]
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"


# -- results ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One RDF term of a result, in the shape of SPARQL 1.1 Results JSON.

    ``type`` is ``"uri"``, ``"literal"``, ``"bnode"`` or ``"triple"``;
    ``datatype`` is ``None`` for plain strings and language-tagged literals.
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
        """Return the term in N-Triples/Turtle syntax (used by TSV)."""
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


_N3_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}
Row = tuple[Term | None, ...]


@dataclass(frozen=True)
class QueryResult:
    """The outcome of a query: solutions, a boolean or triples.

    ``kind`` is ``"select"`` (``variables`` and ``rows``), ``"ask"``
    (``boolean``) or ``"graph"`` for CONSTRUCT/DESCRIBE (``rows`` of
    subject, predicate, object under the variables of those names).
    """

    kind: Literal["select", "ask", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = field(default=())
    boolean: bool | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def to_dicts(self) -> list[dict[str, Any]]:
        """Return the rows as dicts of Python values (unbound variables are ``None``)."""
        return [
            {var: (term.to_python() if term is not None else None) for var, term in zip(self.variables, row)}
            for row in self.rows
        ]


# -- safety checks and error positions ------------------------------------------------------------
# strings, IRIs and comments are blanked out before looking for keywords
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
# a keyword, not part of a variable (?load), a prefixed name (ex:copy) or a longer word
_KW = r"(?<![?$:\w.-])({})(?![:\w-])"
_UPDATE = re.compile(_KW.format("INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH"), re.IGNORECASE)
_FORM = re.compile(_KW.format("SELECT|ASK|CONSTRUCT|DESCRIBE"), re.IGNORECASE)
_SERVICE = re.compile(_KW.format("SERVICE"), re.IGNORECASE)
_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)


def _blank(sparql: str) -> str:
    """Replace strings, IRIs and comments by spaces of the same length (keeps positions)."""
    return _SKIP.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), sparql)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check_read_only(sparql: str) -> None:
    """Refuse SPARQL updates and ``SERVICE`` calls (kg queries never write or reach the network).

    Raises:
        QueryError: with the line and column of the offending keyword.
    """
    code = _blank(sparql)
    update = _UPDATE.search(code)
    form = _FORM.search(code)
    if update and (form is None or update.start() < form.start()):
        line, col = _line_col(sparql, update.start())
        raise QueryError(
            f"{update.group(1).upper()} is a SPARQL update; kg queries are read-only "
            "(use SELECT, ASK, CONSTRUCT or DESCRIBE)",
            line=line,
            column=col,
        )
    service = _SERVICE.search(code)
    if service:
        line, col = _line_col(sparql, service.start())
        raise QueryError(
            "SERVICE (federated query) is not allowed: kg queries stay offline", line=line, column=col
        )


def _syntax_error(exc: SyntaxError, sparql: str) -> QueryError:
    """Turn pyoxigraph's ``error at L:C: ...`` into a QueryError with position and context."""
    text = str(exc)
    m = _POSITION.match(text)
    if not m:
        return QueryError(f"invalid SPARQL: {text}")
    line, col, message = int(m.group(1)), int(m.group(2)), m.group(3).strip()
    message = re.sub(r"\s+", " ", message)
    if len(message) > 200:
        message = message[:200].rsplit(" ", 1)[0] + " ..."
    lines = sparql.split("\n")
    context = ""
    if 1 <= line <= len(lines):
        src = lines[line - 1].replace("\t", " ")
        context = f"\n  {src}\n  {' ' * max(col - 1, 0)}^"
    return QueryError(f"invalid SPARQL: {message}{context}", line=line, column=col)


# -- stores -----------------------------------------------------------------------------------------
def resolve_graph_path(path: str | Path) -> Path:
    """Return the RDF file to load for ``path``: the file itself, or ``graph.nt`` in a folder.

    A folder (such as ``outputs/``) is searched for ``graph.nt``, then
    ``graph.ttl``, then ``graph.jsonld``.

    Raises:
        InputError: nothing loadable is there.
    """
    p = Path(path)
    if p.is_dir():
        for name in ("graph.nt", "graph.ttl", "graph.jsonld"):
            if (p / name).is_file():
                return p / name
        raise InputError(
            "no graph.nt, graph.ttl or graph.jsonld in this folder (run `kg build` first)", path=p
        )
    if not p.is_file():
        raise InputError("graph file not found", path=p)
    return p


def open_store(source: str | Path | nx.DiGraph | pyoxigraph.Store) -> pyoxigraph.Store:
    """Return an in-memory pyoxigraph Store holding ``source``.

    An ``outputs/`` folder holding the on-disk store of a build
    (``graph.oxigraph/``), or that store folder itself, is opened read-only
    instead: nothing is parsed and memory stays small.

    Args:
        source: an RDF file (``.nt``, ``.ttl``, ``.jsonld``), an ``outputs/``
            folder, a store folder, a networkx graph of kg, or a Store (returned as is).

    Raises:
        InputError: missing file, unknown extension or invalid RDF (with line).
    """
    import pyoxigraph as ox

    if isinstance(source, ox.Store):
        return source
    if isinstance(source, (str, Path)):
        from kg.rdf.store import STORE_NAME, is_store, open_read_only

        for candidate in (Path(source), Path(source) / STORE_NAME):
            if is_store(candidate):
                return open_read_only(candidate)  # a build's on-disk store: nothing to parse
    store = ox.Store()
    if isinstance(source, (str, Path)):
        from kg.rdf import rdf_format_of

        path = resolve_graph_path(source)
        fmt = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD}[
            rdf_format_of(path)
        ]
        try:
            store.load(path=str(path), format=fmt)  # in memory, load is about 2x faster than bulk_load
        except SyntaxError as exc:
            m = re.search(r"(?:line |at )(\d+)", str(exc))
            raise InputError(
                f"not valid RDF: {exc}", path=path, line=int(m.group(1)) if m else None
            ) from None
        return store
    from kg.rdf import serialize

    store.load(input=serialize(source, format="nt"), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store


# -- running ----------------------------------------------------------------------------------------
def _term(t: Any) -> Term:
    import pyoxigraph as ox

    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        datatype = t.datatype.value
        if t.language:
            return Term("literal", t.value, None, t.language)
        return Term("literal", t.value, None if datatype == _XSD_STRING else datatype)
    return Term("triple", str(t))


def _collect(store: pyoxigraph.Store, sparql: str) -> QueryResult:
    """Run the query in this process and copy its results into plain records."""
    import pyoxigraph as ox

    try:
        answer = store.query(sparql)
    except SyntaxError as exc:
        raise _syntax_error(exc, sparql) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from None
    try:
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            names = tuple(v.value for v in answer.variables)
            rows = tuple(
                tuple(None if s[i] is None else _term(s[i]) for i in range(len(names))) for s in answer
            )
            return QueryResult(kind="select", variables=names, rows=rows)
        triples = tuple((_term(t.subject), _term(t.predicate), _term(t.object)) for t in answer)
        return QueryResult(kind="graph", variables=("subject", "predicate", "object"), rows=triples)
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}") from None


def _child(conn: Any, store: pyoxigraph.Store, sparql: str) -> None:
    """Worker-process body: run the query, send back the result or the error."""
    try:
        conn.send(("ok", _collect(store, sparql)))
    except QueryError as exc:
        conn.send(("error", (exc.message, exc.line, exc.column)))
    except BaseException as exc:  # noqa: BLE001 - report anything to the parent
        conn.send(("error", (f"query failed: {exc}", None, None)))
    finally:
        conn.close()


def _run_forked(store: pyoxigraph.Store, sparql: str, timeout: float) -> QueryResult:
    """Run in a forked child that shares the loaded store; kill it when time is up."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, store, sparql), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise QueryTimeout(
                f"query stopped after {timeout:g} s (time limit); simplify it or raise --timeout"
            )
        try:
            status, payload = parent.recv()
        except EOFError:
            raise QueryError("query worker ended without an answer (out of memory?)") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    if status == "error":
        message, line, column = payload
        raise QueryError(message, line=line, column=column)
    result: QueryResult = payload
    return result


def _run_threaded(store: pyoxigraph.Store, sparql: str, timeout: float) -> QueryResult:
    """Fallback where fork is unavailable: wait for a worker thread; it cannot be killed."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = _collect(store, sparql)
        except QueryError as exc:
            box["error"] = exc

    thread = threading.Thread(target=work, daemon=True, name="kg-query")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        log.warning("query thread still running after the time limit; it will finish in the background")
        raise QueryTimeout(f"query stopped after {timeout:g} s (time limit); simplify it or raise --timeout")
    if "error" in box:
        raise box["error"]
    result: QueryResult = box["result"]
    return result


def run_query(
    source: str | Path | nx.DiGraph | pyoxigraph.Store, sparql: str, *, timeout: float | None = None
) -> QueryResult:
    """Run a read-only SPARQL query over a graph.

    Args:
        source: an RDF file, an ``outputs/`` folder, a networkx graph of kg or
            a pyoxigraph Store (see :func:`open_store`).
        sparql: a SELECT, ASK, CONSTRUCT or DESCRIBE query.
        timeout: seconds the query may run (loading not included); ``None``
            for no limit.

    Returns:
        The result as plain records.

    Raises:
        QueryError: the query does not parse (with line and column), is an
            update or uses SERVICE, or fails while running.
        QueryTimeout: the query ran longer than ``timeout`` and was stopped.
        InputError: the graph cannot be loaded.
    """
    import pyoxigraph as ox

    check_read_only(sparql)
    if timeout is not None and timeout <= 0:
        raise QueryError("the timeout must be a positive number of seconds")
    # Parse errors surface before a large graph is loaded: the query runs once on an
    # empty store (instant, and under the same time limit as the real run).
    _run(ox.Store(), sparql, timeout)
    return _run(open_store(source), sparql, timeout)


def _run(store: pyoxigraph.Store, sparql: str, timeout: float | None) -> QueryResult:
    if timeout is None:
        return _collect(store, sparql)
    if "fork" in multiprocessing.get_all_start_methods():
        return _run_forked(store, sparql, timeout)
    return _run_threaded(store, sparql, timeout)


# -- formatting -------------------------------------------------------------------------------------
def _json_term(term: Term) -> dict[str, str]:
    out = {"type": term.type, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if term.type == "bnode" else term.value


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _table_value(term: Term | None, width: int) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if term.type == "bnode" else term.value
    text = _CONTROL.sub(" ", text)  # untrusted text: no newlines or terminal escapes in a table
    return text if len(text) <= width else text[: width - 1] + "…"


def format_result(result: QueryResult, *, fmt: Format = "table", max_width: int = 80) -> str:
    """Format a result as text.

    Args:
        result: from :func:`run_query`.
        fmt: ``"table"`` (aligned columns, long cells cut at ``max_width``),
            ``"csv"`` / ``"tsv"`` (SPARQL 1.1 Query Results CSV and TSV) or
            ``"json"`` (SPARQL 1.1 Query Results JSON). CONSTRUCT/DESCRIBE
            results use the variables subject, predicate and object.
        max_width: widest table cell.

    Raises:
        QueryError: an unknown format.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
        if fmt in ("csv", "tsv"):
            return (
                ("_askResult\r\n" if fmt == "csv" else "?_askResult\n")
                + ("true" if result.boolean else "false")
                + ("\r\n" if fmt == "csv" else "\n")
            )
        return ("true" if result.boolean else "false") + "\n"
    names = list(result.variables)
    if fmt == "json":
        bindings = [
            {name: _json_term(term) for name, term in zip(names, row) if term is not None}
            for row in result.rows
        ]
        return (
            json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False)
            + "\n"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        for row in result.rows:
            writer.writerow([_csv_value(term) for term in row])
        return buffer.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{name}" for name in names)]
        lines += ["\t".join("" if term is None else term.n3() for term in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    cells = [[_table_value(term, max_width) for term in row] for row in result.rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(names)]
    out = ["  ".join(name.ljust(w) for name, w in zip(names, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in cells]
    count = len(cells)
    out.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(out) + "\n"


# -- ready-made queries -------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryParam:
    """A parameter of a ready-made query: ``string`` (a literal), ``integer`` or ``choice``."""

    name: str
    type: Literal["string", "integer"]
    description: str
    default: str


@dataclass(frozen=True)
class ReadyQuery:
    """A ready-made query of ``schemas/queries/``: its name, what it answers, its parameters."""

    name: str
    description: str
    params: tuple[QueryParam, ...]
    text: str


_PARAM_DECL = re.compile(r"^#\s*@param\s+(\w+)\s+(string|integer)\s*:\s*(.*)$")


def _values_line(name: str) -> re.Pattern[str]:
    return re.compile(rf"^(?P<indent>[ \t]*)VALUES \?{name} \{{ (?P<value>.*) \}}[ \t]*$", re.MULTILINE)


def _limit_line() -> re.Pattern[str]:
    return re.compile(r"^(?P<indent>[ \t]*)LIMIT (?P<value>\d+)[ \t]*$", re.MULTILINE)


def _parse_ready(name: str, text: str) -> ReadyQuery:
    description: list[str] = []
    params: list[QueryParam] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        decl = _PARAM_DECL.match(line)
        if decl:
            pname, ptype, pdesc = decl.groups()
            pattern = _limit_line() if ptype == "integer" else _values_line(pname)
            found = pattern.search(text)
            if not found:
                raise QueryError(
                    f"ready-made query {name!r} declares @param {pname} but has no line to bind it"
                )
            default = found.group("value")
            if ptype == "string":
                default = _unescape(default)
            params.append(QueryParam(pname, ptype, pdesc.strip(), default))  # type: ignore[arg-type]
        else:
            description.append(line.lstrip("#").strip())
    return ReadyQuery(name, " ".join(d for d in description if d), tuple(params), text)


def _queries_dir() -> Any:
    return files("kg.schemas").joinpath("queries")


def list_queries() -> list[ReadyQuery]:
    """Return the ready-made queries of ``schemas/queries/``, sorted by name."""
    out = []
    for entry in sorted(_queries_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            out.append(_parse_ready(entry.name[:-3], entry.read_text(encoding="utf-8")))
    return out


def sparql_string(value: str) -> str:
    """Return ``value`` as a safe SPARQL string literal (quotes, backslashes, newlines escaped).

    >>> sparql_string('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    """
    return '"' + value.translate(_N3_ESCAPES) + '"'


def _unescape(literal: str) -> str:
    m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', literal.strip())
    if not m:
        return literal
    return re.sub(
        r"\\(.)", lambda e: {"n": "\n", "r": "\r", "t": "\t"}.get(e.group(1), e.group(1)), m.group(1)
    )


def _replace_line(pattern: re.Pattern[str], text: str, line: str) -> str:
    """Replace the first line matching ``pattern`` by ``line`` (same indent), taken literally."""
    found = pattern.search(text)
    if found is None:
        return text
    return text[: found.start()] + found.group("indent") + line + text[found.end() :]


def load_query(name: str, **params: Any) -> str:
    """Return the text of a ready-made query with its parameters bound.

    String parameters are bound by rewriting the query's own
    ``VALUES ?name { ... }`` line with an escaped literal; integer parameters
    (``limit``) must be non-negative integers. Untrusted text can therefore
    never change the query's structure.

    Args:
        name: the file name without ``.rq`` (see :func:`list_queries`).
        **params: values for the query's declared parameters.

    Raises:
        QueryError: unknown query, unknown parameter or a bad value.
    """
    available = {q.name: q for q in list_queries()}
    query = available.get(name)
    if query is None:
        raise QueryError(f"no ready-made query {name!r}; available: {', '.join(sorted(available))}")
    declared = {p.name: p for p in query.params}
    text = query.text
    for key, value in sorted(params.items()):
        param = declared.get(key)
        if param is None:
            known = ", ".join(sorted(declared)) or "none"
            raise QueryError(f"query {name!r} has no parameter {key!r} (parameters: {known})")
        if param.type == "integer":
            try:
                number = int(str(value))
            except ValueError:
                raise QueryError(f"parameter {key!r} must be an integer, got {value!r}") from None
            if number < 0:
                raise QueryError(f"parameter {key!r} must not be negative, got {number}")
            text = _replace_line(_limit_line(), text, f"LIMIT {number}")
        else:
            literal = sparql_string(str(value))
            text = _replace_line(_values_line(key), text, f"VALUES ?{key} {{ {literal} }}")
    return text


__all__ = [
    "FORMATS",
    "QueryParam",
    "QueryResult",
    "ReadyQuery",
    "Term",
    "check_read_only",
    "format_result",
    "list_queries",
    "load_query",
    "open_store",
    "resolve_graph_path",
    "run_query",
    "sparql_string",
]
