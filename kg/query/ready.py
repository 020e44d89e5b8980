"""The ready-made queries of ``schemas/queries/*.rq``, and safe binding of their parameters.

Each ``.rq`` file starts with comment lines saying what it answers and
declaring its parameters (``# @param name string: ...``). :func:`load_query`
binds a string parameter by rewriting the query's own ``VALUES ?name { ... }``
lines with an escaped literal (and its ``VALUES ?name_key { ... }`` lines
with the lower-cased literal, the form of ``kg:nameKey``, so a name is
matched ignoring case by an index look-up), and an integer one by rewriting
the query's ``LIMIT`` lines that carry its default (the last ``LIMIT`` of
the text, the query's own; a subquery's other ``LIMIT`` stays) and its
``VALUES ?rank { 1 2 ... }`` line, the ranks (``kg:rankInType``) a top-N
query looks up. Untrusted values can therefore never change a query's
structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Literal

from kg.errors import QueryError

_N3_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


@dataclass(frozen=True)
class QueryParam:
    """A parameter of a ready-made query: ``string`` (a literal) or ``integer``.

    ``default`` is ``""`` for a string parameter whose ``VALUES`` line says
    ``UNDEF``: the query then picks a value itself (its description says how,
    e.g. the most linked entity), so the defaults give rows on any graph.
    """

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


def _limit_line(value: int | None = None) -> re.Pattern[str]:
    number = r"\d+" if value is None else str(value)
    return re.compile(rf"^(?P<indent>[ \t]*)LIMIT (?P<value>{number})[ \t]*$", re.MULTILINE)


#: the most ranks a ``VALUES ?rank`` line lists; a larger limit reads the ranks by a scan instead
MAX_LISTED_RANKS = 10_000


def _rank_values(limit: int) -> str:
    """The ``VALUES ?rank`` line of a top-N query for ``limit`` rows (``UNDEF``, every rank, when too many)."""
    if limit > MAX_LISTED_RANKS:
        return "VALUES ?rank { UNDEF }"
    return "VALUES ?rank { " + " ".join(str(i) for i in range(1, limit + 1)) + " }"


def _parse_ready(name: str, text: str) -> ReadyQuery:
    description: list[str] = []
    params: list[QueryParam] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        decl = _PARAM_DECL.match(line)
        if decl:
            pname, ptype, pdesc = decl.groups()
            if ptype == "integer":
                found = None
                for found in _limit_line().finditer(text):
                    pass  # the last LIMIT line: the query's own (a subquery's comes before it)
            else:
                found = _values_line(pname).search(text)
            if not found:
                raise QueryError(
                    f"ready-made query {name!r} declares @param {pname} but has no line to bind it"
                )
            default = found.group("value")
            if ptype == "string":
                # UNDEF: the query chooses by itself when the parameter is not given (see its description)
                default = "" if default.strip() == "UNDEF" else _unescape(default)
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
    """Replace every line matching ``pattern`` by ``line`` (same indent), taken literally.

    A parameter may be read by more than one subquery (each subquery sees only
    its own bindings), so each of its ``VALUES`` lines is bound.
    """
    return pattern.sub(lambda found: found.group("indent") + line, text)


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
            text = _replace_line(_limit_line(int(param.default)), text, f"LIMIT {number}")
            text = _replace_line(_values_line("rank"), text, _rank_values(number))
        else:
            literal = sparql_string(str(value))
            text = _replace_line(_values_line(key), text, f"VALUES ?{key} {{ {literal} }}")
            key_literal = sparql_string(str(value).lower())
            text = _replace_line(_values_line(f"{key}_key"), text, f"VALUES ?{key}_key {{ {key_literal} }}")
    return text


__all__ = ["QueryParam", "ReadyQuery", "list_queries", "load_query", "sparql_string"]
