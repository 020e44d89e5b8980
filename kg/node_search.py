"""Find graph nodes by what a person types: the one node search of kg.

:meth:`kg.api.KnowledgeGraph.find` and ``neighbors``, ``kg view --focus``
(:mod:`kg.view.select`) and the page's search box all look names up here, so
a name found by one is found by all. People type "low rank adaptation" for
"Low-Rank Adaptation", "gpt4o" for "GPT-4o", "colour constancy" for "color
constancy" and "graph neural networks" for "Graph Neural Network"; a node is
looked up by its id, name, label, aliases, title, paper id or URL, in tiers
(the first tier with a hit answers):

1. the node id as written, or an id an earlier build gave an entity since
   merged or retyped (``graph.graph["redirects"]``, :mod:`kg.registry`);
2. :func:`kg.normalize.match_key`: case, Unicode forms, dashes and spacing;
3. :func:`search_key`: no spaces or punctuation at all, British spellings
   folded to American by ``kg/data/search-spelling.tsv`` (the rules travel in
   the page data, and ``kg/view/text.js`` applies them the same way);
4. :func:`kg.names.variant_key`: regular plurals and the spelling rules of
   entity resolution.

When nothing matches, :func:`suggest` gives the close names ("did you
mean ...") and :func:`require_nodes` raises :class:`~kg.errors.NodeNotFound`
carrying them. A search key is only for finding things: it never names,
merges or ids an entity.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Literal

from kg.errors import InputError, NodeNotFound
from kg.names import variant_key
from kg.normalize import match_key

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "SEARCH_FIELDS",
    "find_nodes",
    "node_names",
    "parse_spelling",
    "require_nodes",
    "search_key",
    "spelling_rules",
    "suggest",
]

#: The node attributes a node is searched by (besides its id and ``aliases``).
SEARCH_FIELDS = ("name", "label", "title", "paper_id", "url")
#: How close (difflib ratio of search keys) a name must be to be suggested.
SUGGEST_CUTOFF = 0.75

SPELLING_FILE = "data/search-spelling.tsv"
HEADER = ("british", "american", "where")
Where = Literal["end", "any"]

_WORD_BREAK = re.compile(r"[\W_]+")
_RULE_TEXT = re.compile(r"^[a-z]+$")


Rule = tuple[str, str, Where]


@cache
def spelling_rules() -> tuple[Rule, ...]:
    """Return the bundled spelling folds (``kg/data/search-spelling.tsv``), loaded once."""
    resource = files("kg").joinpath(SPELLING_FILE)
    return parse_spelling(resource.read_text(encoding="utf-8"), path=str(resource))


def parse_spelling(text: str, *, path: str) -> tuple[Rule, ...]:
    """Parse a spelling file; the rules come back longest British form first (their order of use).

    Raises:
        InputError: a malformed line, with the file and line number.
    """
    rules: list[Rule] = []
    seen: dict[tuple[str, str], int] = {}
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != HEADER:
                raise InputError(f"expected the header {' / '.join(HEADER)}", path=path, line=number)
            header_seen = True
            continue
        if len(cells) != 3:
            raise InputError("expected 3 tab-separated columns", path=path, line=number)
        british, american, where = cells
        if not (_RULE_TEXT.match(british) and _RULE_TEXT.match(american)):
            raise InputError("spellings must be lower-case ASCII letters", path=path, line=number)
        if where not in ("end", "any"):
            raise InputError(f"where must be 'end' or 'any', not {where!r}", path=path, line=number)
        if british == american:
            raise InputError("the two spellings are the same", path=path, line=number)
        key = (british, where)
        if key in seen:
            raise InputError(f"{british!r} ({where}) repeats line {seen[key]}", path=path, line=number)
        seen[key] = number
        rules.append((british, american, where))  # type: ignore[arg-type]
    if not header_seen:
        raise InputError(f"no header line ({' / '.join(HEADER)})", path=path)
    rules.sort(key=lambda rule: (-len(rule[0]), rule[0], rule[2]))
    return tuple(rules)


def _fold_word(word: str, rules: tuple[Rule, ...]) -> str:
    for british, american, where in rules:
        if where == "any" and british in word:
            word = word.replace(british, american)
    for british, american, where in rules:
        if where == "end" and word.endswith(british):
            return word[: -len(british)] + american
    return word


def search_key(text: str) -> str:
    """Return the search key of ``text``: lower case, no accents or punctuation, American spelling.

    >>> search_key("Low-Rank Adaptation") == search_key("low rank  adaptation")
    True
    >>> search_key("Colour constancy under Normalisation"), search_key("GPT-4o")
    ('colorconstancyundernormalization', 'gpt4o')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    rules = spelling_rules()
    return "".join(_fold_word(word, rules) for word in _WORD_BREAK.split(plain) if word)


# --------------------------------------------------------------------------- finding nodes


def node_names(node_id: str, attrs: dict[str, Any]) -> list[str]:
    """Return every name a person may search a node by: its id, :data:`SEARCH_FIELDS` and aliases."""
    names = [node_id]
    for key in SEARCH_FIELDS:
        value = attrs.get(key)
        if isinstance(value, str) and value:
            names.append(value)
    aliases = attrs.get("aliases") or ()
    if isinstance(aliases, (list, tuple)):
        names.extend(str(a) for a in aliases if a)
    return names


def _named(graph: nx.DiGraph) -> Iterator[tuple[str, list[str]]]:
    for node, attrs in graph.nodes(data=True):
        yield node, node_names(node, attrs)


#: The keys of the tiers after the node id, loosest last.
_TIERS: tuple[Callable[[str], str], ...] = (match_key, search_key, variant_key)


def find_nodes(graph: nx.DiGraph, name: str) -> list[str]:
    """Return the ids of the nodes called ``name``, sorted; ``[]`` when none is.

    Several ids come back for homonyms (a method and a task with one name).
    See the module docstring for what "called" means.

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("task:frame-colourisation", kind="Task", name="Frame Colourisation")
    >>> g.add_node("method:gnn", kind="Method", name="Graph Neural Network", aliases=["GNN"])
    >>> find_nodes(g, "frame colorization"), find_nodes(g, "graph neural networks"), find_nodes(g, "gnn")
    (['task:frame-colourisation'], ['method:gnn'], ['method:gnn'])
    """
    if name in graph:
        return [name]
    moved = (graph.graph.get("redirects") or {}).get(name)
    if moved is not None and moved in graph:
        return [moved]
    for key_of in _TIERS:
        key = key_of(name)
        if not key:
            continue
        hits = sorted(node for node, names in _named(graph) if any(key_of(x) == key for x in names))
        if hits:
            return hits
    return []


def _display_name(node: str, attrs: dict[str, Any]) -> str:
    return str(attrs.get("name") or attrs.get("label") or node)


def suggest(graph: nx.DiGraph, name: str, *, limit: int = 5) -> list[str]:
    """Return up to ``limit`` names of nodes close to ``name``, closest first ("did you mean ...").

    A node is close when the search key of one of its names contains the
    typed key (or the other way round, for keys of four or more characters),
    or when the two keys are alike (difflib ratio of at least
    :data:`SUGGEST_CUTOFF`): "Low-Rank" suggests "Low-Rank Adaptation",
    "bret" suggests "BERT".

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("model:bert", kind="Model", name="BERT")
    >>> g.add_node("method:lora", kind="Method", name="Low-Rank Adaptation", aliases=["LoRA"])
    >>> suggest(g, "bret"), suggest(g, "low rank")
    (['BERT'], ['Low-Rank Adaptation'])
    """
    typed = search_key(name)
    if not typed:
        return []
    scores: dict[str, float] = {}
    matcher = difflib.SequenceMatcher(b=typed, autojunk=False)
    for node, attrs in graph.nodes(data=True):
        best = 0.0
        for form in node_names(node, attrs):
            key = search_key(form)
            if not key:
                continue
            if typed in key or (len(key) >= 4 and key in typed):
                best = max(best, 1.0 + len(typed) / len(key))  # containment ranks above likeness
                continue
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() >= SUGGEST_CUTOFF and matcher.quick_ratio() >= SUGGEST_CUTOFF:
                best = max(best, matcher.ratio() if matcher.ratio() >= SUGGEST_CUTOFF else 0.0)
        if best:
            shown = _display_name(node, attrs)
            scores[shown] = max(scores.get(shown, 0.0), best)
    ranked = sorted(scores, key=lambda shown: (-scores[shown], shown.casefold(), shown))
    return ranked[:limit]


def require_nodes(graph: nx.DiGraph, name: str, *, what: str = "name") -> list[str]:
    """Return :func:`find_nodes` of ``name``, which must find something.

    Raises:
        InputError: ``name`` is empty (``what`` says which option it came from).
        NodeNotFound: no node is called ``name``; the message and
            ``.suggestions`` hold the close names of :func:`suggest`.
    """
    if not name or not name.strip():
        raise InputError(f"empty {what}: give a node id, a name, a title or a URL")
    found = find_nodes(graph, name)
    if not found:
        raise NodeNotFound(name, suggest(graph, name))
    return found
