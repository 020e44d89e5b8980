"""Check a SPARQL query before any engine sees it: size, nesting, updates and ``SERVICE``.

kg queries never write and never reach the network. Deciding that by searching
the text for keywords is unsafe (a prefixed name ending in ``\\#`` once made
such a search read the rest of the line as a comment and let a ``SERVICE``
call through), so this module *tokenizes* the query with the terminals of the
SPARQL 1.1 grammar, as the engine (pyoxigraph) reads them, and looks at tokens.

Where the grammar leaves a choice the engine makes by context, the tokenizer
makes the same choice, and refuses the query when the two readings could
differ: ``<`` right after an operand inside parentheses is "less than" for
the engine, but would start an IRI for a context-free tokenizer; when such an
``<...>`` holds a character that changes what follows (``#``, ``'``, a
bracket) the query is refused as ambiguous. The engine matches keywords
without word boundaries (``SERVICESILENT`` and ``SERVICE:x`` are calls), so
any bare word, prefixed name, blank node label or language tag that *contains*
``service`` is refused; variables (``?service``), strings and IRIs may.

The checks also bound what could exhaust the engine's stack: the query length
(:data:`MAX_QUERY_CHARS`) and the nesting of brackets (:data:`MAX_DEPTH`),
reported with a clear message before parsing. This module imports nothing
heavy and runs no query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import QueryError, QueryRefused
from kg.query.prefixes import PREFIXES, undeclared_prefix

#: longest query accepted, in characters (deeper recursion than the engine's stack allows needs more)
MAX_QUERY_CHARS = 100_000
#: deepest nesting of ``(``, ``[``, ``{`` and ``<<`` accepted
MAX_DEPTH = 100
#: SPARQL Update operations: refused with a read-only message (the engine's query parser rejects them too)
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

# -- terminals of the SPARQL 1.1 grammar (section 19.8), as regular expressions --------------------
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_WS = re.compile(r"[ \t\r\n]+")
_COMMENT = re.compile(r"#[^\r\n]*")  # the engine ends a comment at CR or LF only (measured)
_IRIREF = re.compile(rf"<((?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*)>")
_STRING = re.compile(
    r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
    r'|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
    r"|'(?:[^'\\\r\n]|\\.)*'"
    r'|"(?:[^"\\\r\n]|\\.)*"',
    re.DOTALL,
)
_VAR = re.compile(rf"[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
_BNODE = re.compile(rf"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?")
_PNAME = re.compile(rf"(?:{_PREFIX})?:(?:{_LOCAL})?")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?")
_LESS = re.compile("<=?")
#: a stretch of characters a prefix name can hold before its ":" (to try a prefixed name only where one can be)
_PREFIX_RUN = re.compile(rf"[{_CHARS}.]*")
_PUNCT = re.compile(r"\^\^|&&|\|\||!=|<=|>=|<<|>>|[{}()\[\].,;*/+\-!=<>^|?]")
_NUMBER = re.compile(
    r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+"
)
_SERVICE = re.compile("service", re.IGNORECASE)
#: characters inside an ambiguous ``<...>`` that would change the reading of what follows
_HAZARD = re.compile(r"[#'()\[\]\\]|service", re.IGNORECASE)

_OPEN = {"(": ")", "[": "]", "{": "}", "<<": ">>"}
_CLOSE = {v: k for k, v in _OPEN.items()}
#: token kinds after which an expression operand is complete (so ``<`` is "less than" in an expression)
_OPERAND_END = frozenset({"var", "string", "langtag", "number", "iri", "pname", "bnode", "close"})


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text and where it starts (0-based offset)."""

    kind: str
    text: str
    start: int


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``offset`` in ``text``.

    >>> line_col("ab\\ncd", 4)
    (2, 2)
    """
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _error(
    message: str, sparql: str, offset: int, source: str | None, kind: type[QueryError] = QueryError
) -> QueryError:
    line, column = line_col(sparql, offset)
    return kind(message, line=line, column=column, source=source)


class _Frame:
    """An open bracket: which one, and whether it holds VALUES data (where ``<`` always starts an IRI)."""

    __slots__ = ("bracket", "data", "start")

    def __init__(self, bracket: str, start: int, data: bool) -> None:
        self.bracket = bracket
        self.start = start
        self.data = data


def tokenize(sparql: str, *, source: str | None = None, max_depth: int = MAX_DEPTH) -> list[Token]:
    """Split a query into tokens (whitespace and comments dropped), checking nesting on the way.

    Args:
        sparql: the query text.
        source: a name for the query in error messages (a file name), if any.
        max_depth: deepest bracket nesting allowed.

    Raises:
        QueryError: a character no SPARQL token starts with, an unterminated
            string or IRI, unbalanced or too deeply nested brackets, or an
            ambiguous ``<`` (each with line and column).

    >>> [t.text for t in tokenize("SELECT ?x WHERE { ?x <http://e/p#q> 'a#b' } # c")]
    ['SELECT', '?x', 'WHERE', '{', '?x', '<http://e/p#q>', "'a#b'", '}']
    >>> [t.kind for t in tokenize("FILTER(?a<?b)")]
    ['word', 'open', 'var', 'punct', 'var', 'close']
    """
    tokens: list[Token] = []
    stack: list[_Frame] = []
    values_pending = False  # after VALUES, until its data block opens
    run_end = -1  # end of the current stretch of prefix characters (each stretch is scanned once)
    pos, end = 0, len(sparql)
    while pos < end:
        ch = sparql[pos]
        m = _WS.match(sparql, pos) or _COMMENT.match(sparql, pos)
        if m:
            pos = m.end()
            continue
        prev = tokens[-1] if tokens else None
        kind = ""
        if ch in "'\"":
            m = _STRING.match(sparql, pos)
            if not m:
                raise _error("unterminated string", sparql, pos, source)
            kind = "string"
        elif ch == "<":
            top = stack[-1] if stack else None
            after_operand = prev is not None and (
                prev.kind in _OPERAND_END or (prev.kind == "word" and prev.text.lower() in ("true", "false"))
            )
            iri = _IRIREF.match(sparql, pos)
            if top is not None and top.bracket == "(" and not top.data and after_operand:
                # inside an expression the engine reads "less than" here; refuse if an IRI reading differs
                if iri and _HAZARD.search(iri.group(1)):
                    raise _error(
                        "ambiguous '<': write spaces around the less-than operator, or the IRI on its own",
                        sparql,
                        pos,
                        source,
                    )
                m, kind = _LESS.match(sparql, pos), "punct"  # "<<" is no operator: one "<"
            elif iri:
                m, kind = iri, "iri"
            elif sparql.startswith("<<", pos):
                m, kind = _PUNCT.match(sparql, pos), "open"
            else:
                raise _error("'<' starts no IRI here (an IRI has no spaces, quotes or braces)", sparql, pos, source)
        elif ch in "?$":
            m = _VAR.match(sparql, pos)
            kind = "var" if m else "punct"
            if not m:
                m = _PUNCT.match(sparql, pos) if ch == "?" else None
        elif ch == "_" and sparql.startswith("_:", pos):
            m, kind = _BNODE.match(sparql, pos), "bnode"
        elif ch == "@":
            m, kind = _LANGTAG.match(sparql, pos), "langtag"
        elif ch.isdigit() or (ch == "." and pos + 1 < end and sparql[pos + 1].isdigit()):
            m, kind = _NUMBER.match(sparql, pos), "number"
        else:
            if pos >= run_end:
                run_end = _PREFIX_RUN.match(sparql, pos).end()  # type: ignore[union-attr]
            m = _PNAME.match(sparql, pos) if sparql.startswith(":", run_end) or ch == ":" else None
            if m:
                kind = "pname"
            else:
                m = _WORD.match(sparql, pos)
                if m:
                    kind = "word"
                else:
                    m = _PUNCT.match(sparql, pos)
                    kind = "punct"
        if not m:
            raise _error(f"unexpected character {ch!r}", sparql, pos, source)
        text = m.group()
        if text in _OPEN and kind in ("punct", "open"):
            if len(stack) >= max_depth:
                raise _error(
                    f"brackets nested more than {max_depth} deep; kg refuses deeper queries "
                    "(they can crash the query engine)",
                    sparql,
                    pos,
                    source,
                )
            data = (stack[-1].data if stack else False) or (text == "{" and values_pending)
            if text == "{":
                values_pending = False
            stack.append(_Frame(text, pos, data))
            kind = "open"
        elif text in _CLOSE and kind == "punct":
            if text == ">>" and not (stack and stack[-1].bracket == "<<"):
                kind = "punct"  # two "greater than" signs, not the end of a triple term
            else:
                if not stack or stack[-1].bracket != _CLOSE[text]:
                    raise _error(f"unbalanced {text!r}", sparql, pos, source)
                stack.pop()
                kind = "close"
        elif kind == "word" and text.upper() == "VALUES":
            values_pending = True
        tokens.append(Token(kind, text, pos))
        pos = m.end()
    if stack:
        frame = stack[-1]
        raise _error(f"{frame.bracket!r} is never closed", sparql, frame.start, source)
    return tokens


def check_query(sparql: str, *, source: str | None = None) -> list[Token]:
    """Refuse a query kg must not run: too long, too deeply nested, an update, or ``SERVICE`` anywhere.

    Args:
        sparql: the query text.
        source: a name for the query in error messages (a file name), if any.

    Returns:
        The tokens of the query.

    Raises:
        QueryRefused: an update or ``SERVICE`` (with line and column).
        QueryError: too long, too deeply nested, not made of SPARQL tokens, or
            a prefixed name whose prefix is neither predeclared
            (:data:`kg.query.prefixes.PREFIXES`) nor declared.

    >>> check_query("SELECT * WHERE { ?s ?p 'a service' }")[-2].text
    "'a service'"
    >>> check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryRefused: query error at line 1, column 18: SERVICE (federated query) is not allowed: kg queries never reach the network
    """
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(sparql):,} characters long; kg accepts at most {MAX_QUERY_CHARS:,}",
            source=source,
        )
    tokens = tokenize(sparql, source=source)
    first = _first_operation(tokens)
    if first is not None and first.text.upper() in UPDATE_KEYWORDS:
        raise _error(
            f"{first.text.upper()} is a SPARQL update; kg queries are read-only "
            "(use SELECT, ASK, CONSTRUCT or DESCRIBE)",
            sparql,
            first.start,
            source,
            QueryRefused,
        )
    for token in tokens:
        if token.kind in ("word", "pname", "bnode", "langtag") and _SERVICE.search(token.text):
            hint = "" if token.kind == "word" else " (write the full <IRI> instead)"
            raise _error(
                "SERVICE (federated query) is not allowed: kg queries never reach the network" + hint,
                sparql,
                token.start,
                source,
                QueryRefused,
            )
    unknown = undeclared_prefix(tokens)
    if unknown is not None:
        prefix = unknown.text.split(":", 1)[0]
        line, column = line_col(sparql, unknown.start)
        raise QueryError(
            f"unknown prefix {prefix + ':'!r} in {unknown.text!r}: declare it with "
            f"PREFIX {prefix}: <IRI> (predeclared: {' '.join(sorted(PREFIXES))})"
            + _context(sparql, line, column),
            line=line,
            column=column,
            source=source,
        )
    return tokens


def _first_operation(tokens: list[Token]) -> Token | None:
    """Return the first word after the prologue (``BASE <iri>``, ``PREFIX p: <iri>``)."""
    i = 0
    while i < len(tokens):
        word = tokens[i].text.upper() if tokens[i].kind == "word" else ""
        if word == "BASE":
            i += 2
        elif word == "PREFIX":
            i += 3
        elif tokens[i].kind == "word":
            return tokens[i]
        else:
            return None
    return None


_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)


def syntax_error(exc: BaseException, sparql: str, *, source: str | None = None) -> QueryError:
    """Turn the engine's ``error at L:C: ...`` into a QueryError with position and the line shown.

    >>> print(syntax_error(SyntaxError("error at 1:8: expected WHERE"), "SELECT *", source="q.rq"))
    q.rq:1:8: invalid SPARQL: expected WHERE
      SELECT *
             ^
    """
    text = str(exc.args[0] if exc.args else exc)
    m = _POSITION.match(text)
    if not m:
        return QueryError(f"invalid SPARQL: {text}", source=source)
    line, col, message = int(m.group(1)), int(m.group(2)), re.sub(r"\s+", " ", m.group(3)).strip()
    if "Prefix not found" in message:
        message = "unknown prefix (declare it with PREFIX name: <IRI>)"
    if len(message) > 200:
        message = message[:200].rsplit(" ", 1)[0] + " ..."
    return QueryError(f"invalid SPARQL: {message}{_context(sparql, line, col)}", line=line, column=col, source=source)


def _context(sparql: str, line: int, col: int) -> str:
    """Return the query's line ``line`` with a caret under column ``col`` (two more lines of a message)."""
    lines = sparql.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    shown = lines[line - 1].replace("\t", " ")
    if len(shown) > 160:  # a long line: show the part around the mistake
        start = max(col - 80, 0)
        shown, col_shown = shown[start : start + 160], col - start
    else:
        col_shown = col
    return f"\n  {shown}\n  {' ' * max(col_shown - 1, 0)}^"


__all__ = [
    "MAX_DEPTH",
    "MAX_QUERY_CHARS",
    "Token",
    "check_query",
    "line_col",
    "syntax_error",
    "tokenize",
]
