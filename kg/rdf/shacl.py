"""SHACL validation of kg's RDF form against ``schemas/shapes.ttl``.

Two engines, one set of shapes:

* :func:`validate` runs pySHACL over an ``rdflib.Graph``: the reference,
  complete SHACL, for graphs that fit in rdflib (tests, the API).
* :class:`StreamingCheck` checks the subjects of an export as they stream
  past (:func:`kg.rdf.export.iter_subjects` gives each subject with all of
  its triples), so a build validates its 20M triples in the same pass that
  writes them, with memory bounded by the number of typed nodes rather than
  triples. It compiles the shapes file itself and supports the constraint
  components kg's shapes use (targets by class and by subject-of, paths and
  inverse paths, min/max count, datatype with lexical checks, class, node
  shapes made of classes, ``in``, numeric ranges (inclusive and exclusive), ``minLength``,
  ``nodeKind sh:IRI``, ``or``); a shape using anything else is refused when
  compiled, never skipped. Tests check that it agrees with pySHACL on valid
  graphs and on every broken variant.

This module must not write files.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.ontology import XSD_BOOLEAN, XSD_DATE, XSD_DOUBLE, XSD_INTEGER, XSD_STRING, A, schema_path

if TYPE_CHECKING:
    import rdflib

    from kg.rdf.export import Obj, Props, Triple

_SH = "http://www.w3.org/ns/shacl#"
#: shown at most, per report; the count of all violations is always given
MAX_REPORTED = 50


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of a SHACL validation: ``conforms`` and pySHACL's readable report."""

    conforms: bool
    text: str


def shapes_graph() -> rdflib.Graph:
    """Return kg's SHACL shapes (``schemas/shapes.ttl``) as an rdflib Graph."""
    import rdflib

    return rdflib.Graph().parse(schema_path("shapes.ttl"), format="turtle")


def validate(rdf: rdflib.Graph) -> ValidationReport:
    """Validate an RDF graph against kg's SHACL shapes with pySHACL.

    Args:
        rdf: the data graph (e.g. from :func:`to_rdf` or :func:`load_rdflib`).

    Returns:
        ``conforms`` and pySHACL's text report (which names each violation).
    """
    from pyshacl import validate as shacl

    conforms, _, text = shacl(rdf, shacl_graph=shapes_graph(), inference="none", advanced=True)
    return ValidationReport(conforms=bool(conforms), text=str(text))


# -- the streaming check ------------------------------------------------------------------------
class UnsupportedShape(KGError):
    """The shapes use a SHACL feature the streaming check does not implement (use pySHACL)."""


@dataclass(frozen=True)
class _Rule:
    """One property shape: a path, counts, and the checks every value must pass."""

    shape: str
    path: str
    inverse: bool
    min_count: int | None
    max_count: int | None
    checks: tuple[tuple[str, Any], ...]
    classes: int  # bit mask of acceptable classes (0: no class constraint)


@dataclass
class _Shapes:
    """Shapes compiled into look-up tables."""

    by_class: dict[str, list[_Rule]] = field(default_factory=dict)
    by_subject_of: dict[str, list[_Rule]] = field(default_factory=dict)
    class_bits: dict[str, int] = field(default_factory=dict)
    inverse_paths: set[str] = field(default_factory=set)


def _literal_key(node: Any) -> Obj:
    import rdflib

    from kg.rdf.export import Iri

    if isinstance(node, rdflib.Literal):
        return (str(node), str(node.datatype) if node.datatype else XSD_STRING)
    return Iri(str(node))


def _rdf_list(g: rdflib.Graph, head: Any) -> list[Any]:
    from rdflib.collection import Collection

    return list(Collection(g, head))


def _compile(g: rdflib.Graph) -> _Shapes:
    """Compile the shapes graph; raise :class:`UnsupportedShape` for anything not implemented."""
    import rdflib

    sh = rdflib.Namespace(_SH)
    rdf_type = rdflib.RDF.type
    out = _Shapes()
    supported = {
        "path", "minCount", "maxCount", "datatype", "class", "node", "in", "minInclusive",
        "maxInclusive", "minExclusive", "maxExclusive", "minLength", "nodeKind", "or",
    }  # fmt: skip

    def bit(cls: str) -> int:
        if cls not in out.class_bits:
            out.class_bits[cls] = 1 << len(out.class_bits)
        return out.class_bits[cls]

    def class_mask(shape: Any) -> int:
        """The classes a node shape made only of sh:class / sh:or of sh:class accepts."""
        mask = 0
        for p, o in g.predicate_objects(shape):
            name = str(p)[len(_SH) :] if str(p).startswith(_SH) else None
            if name == "class":
                mask |= bit(str(o))
            elif name == "or":
                for alt in _rdf_list(g, o):
                    mask |= class_mask(alt)
            elif name is not None and name not in ("targetClass", "targetSubjectsOf"):
                raise UnsupportedShape(f"shape {shape}: sh:{name} inside a node shape used as a type check")
        if not mask:
            raise UnsupportedShape(f"shape {shape}: a node shape used as a type check names no class")
        return mask

    def value_checks(node: Any) -> tuple[list[tuple[str, Any]], int]:
        checks: list[tuple[str, Any]] = []
        classes = 0
        for p, o in g.predicate_objects(node):
            if not str(p).startswith(_SH):
                continue
            name = str(p)[len(_SH) :]
            if name in ("path", "minCount", "maxCount", "property"):
                continue
            if name not in supported:
                raise UnsupportedShape(f"sh:{name} is not supported by the streaming check (in {node})")
            if name == "datatype":
                checks.append(("datatype", str(o)))
            elif name == "class":
                classes |= bit(str(o))
            elif name == "node":
                classes |= class_mask(o)
            elif name == "in":
                checks.append(("in", frozenset(_literal_key(x) for x in _rdf_list(g, o))))
            elif name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                checks.append((name, float(str(o))))
            elif name == "minLength":
                checks.append(("minLength", int(str(o))))
            elif name == "nodeKind":
                if o != sh.IRI:
                    raise UnsupportedShape(f"sh:nodeKind {o} is not supported by the streaming check")
                checks.append(("iri", None))
            elif name == "or":
                alternatives = []
                for alt in _rdf_list(g, o):
                    alt_checks, alt_classes = value_checks(alt)
                    if alt_classes or not alt_checks:
                        raise UnsupportedShape(f"sh:or in {node}: only datatype alternatives are supported")
                    alternatives.append(tuple(alt_checks))
                checks.append(("or", tuple(alternatives)))
        return checks, classes

    for shape in set(g.subjects(rdf_type, sh.NodeShape)):
        targets = [("class", str(c)) for c in g.objects(shape, sh.targetClass)]
        targets += [("subject_of", str(p)) for p in g.objects(shape, sh.targetSubjectsOf)]
        for p in g.predicates(shape):
            name = str(p)[len(_SH) :] if str(p).startswith(_SH) else None
            if name not in (None, "targetClass", "targetSubjectsOf", "property", "or", "class"):
                raise UnsupportedShape(f"shape {shape}: sh:{name} is not supported by the streaming check")
        if not targets:
            continue  # only used through sh:node
        if (shape, sh["or"], None) in g or (shape, sh["class"], None) in g:
            raise UnsupportedShape(
                f"shape {shape}: node-level constraints on a targeted shape are not supported"
            )
        rules = []
        for prop in g.objects(shape, sh.property):
            path = g.value(prop, sh.path)
            inverse = False
            if isinstance(path, rdflib.BNode):
                inner = g.value(path, sh.inversePath)
                if inner is None or len(list(g.predicate_objects(path))) != 1:
                    raise UnsupportedShape(f"shape {shape}: only IRI paths and sh:inversePath are supported")
                path, inverse = inner, True
            if path is None:
                raise UnsupportedShape(f"shape {shape}: a property shape without sh:path")
            checks, classes = value_checks(prop)
            min_count = g.value(prop, sh.minCount)
            max_count = g.value(prop, sh.maxCount)
            rule = _Rule(
                shape=str(shape),
                path=str(path),
                inverse=inverse,
                min_count=None if min_count is None else int(str(min_count)),
                max_count=None if max_count is None else int(str(max_count)),
                checks=tuple(sorted(checks, key=lambda c: c[0])),
                classes=classes,
            )
            rules.append(rule)
            if inverse:
                out.inverse_paths.add(rule.path)
        for kind, name in targets:
            table = out.by_class if kind == "class" else out.by_subject_of
            table.setdefault(name, []).extend(rules)
    return out


@lru_cache(maxsize=1)
def _kg_shapes() -> _Shapes:
    return _compile(shapes_graph())


_INTEGER = re.compile(r"^[+-]?\d+$")
_DOUBLE = re.compile(r"^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN)$")
_DATE_LEX = re.compile(r"^-?\d{4,}-\d{2}-\d{2}(?:Z|[+-]\d{2}:\d{2})?$")


def _well_formed(lexical: str, datatype: str) -> bool:
    """Say whether a literal's lexical form is valid for its XSD datatype (as pySHACL checks it)."""
    if datatype == XSD_INTEGER:
        # most integers are plain ASCII digits: no pattern needed; anything else is left to the pattern
        return (lexical.isascii() and lexical.isdigit()) or bool(_INTEGER.match(lexical))
    if datatype == XSD_DOUBLE:
        return bool(_DOUBLE.match(lexical))
    if datatype == XSD_BOOLEAN:
        return lexical in ("true", "false", "1", "0")
    if datatype == XSD_DATE:
        if not _DATE_LEX.match(lexical):
            return False
        try:
            _dt.date.fromisoformat(lexical[:10])
        except ValueError:
            return False
    return True


#: the datatypes whose lexical forms :func:`_well_formed` checks (every other one is accepted as written)
_LEXICAL_CHECKED = frozenset({XSD_INTEGER, XSD_DOUBLE, XSD_BOOLEAN, XSD_DATE})


def _number(o: Obj) -> float | None:
    if isinstance(o, tuple) and o[1] in (XSD_INTEGER, XSD_DOUBLE) and _well_formed(*o):
        value = float(o[0].replace("INF", "inf"))
        return None if math.isnan(value) else value
    return None


def _fails(check: tuple[str, Any], o: Obj) -> bool:
    """Say whether the value ``o`` violates one (non-class) check."""
    kind, arg = check
    is_literal = isinstance(o, tuple)
    if kind == "datatype":
        return not is_literal or o[1] != arg or not _well_formed(*o)  # type: ignore[index,misc]
    if kind == "in":
        return o not in arg
    if kind == "minInclusive":
        value = _number(o)
        return value is None or value < arg
    if kind == "maxInclusive":
        value = _number(o)
        return value is None or value > arg
    if kind == "minExclusive":
        value = _number(o)
        return value is None or value <= arg
    if kind == "maxExclusive":
        value = _number(o)
        return value is None or value >= arg
    if kind == "minLength":
        return len(o[0] if is_literal else o) < arg  # type: ignore[arg-type]
    if kind == "iri":
        return is_literal
    if kind == "or":
        return all(any(_fails(c, o) for c in alternative) for alternative in arg)
    raise AssertionError(kind)


#: range check -> whether a number passes it against the shape's bound (as :func:`_fails` reads them)
_RANGE_CHECKS: dict[str, Callable[[float, float], bool]] = {
    "minInclusive": lambda value, bound: value >= bound,
    "maxInclusive": lambda value, bound: value <= bound,
    "minExclusive": lambda value, bound: value > bound,
    "maxExclusive": lambda value, bound: value < bound,
}

_COMPONENTS = {
    "datatype": "DatatypeConstraintComponent",
    "in": "InConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent",
    "minExclusive": "MinExclusiveConstraintComponent",
    "maxExclusive": "MaxExclusiveConstraintComponent",
    "minLength": "MinLengthConstraintComponent",
    "iri": "NodeKindConstraintComponent",
    "or": "OrConstraintComponent",
}


def _show(o: Obj) -> str:
    if isinstance(o, tuple):
        text = o[0] if len(o[0]) <= 60 else o[0][:57] + "..."
        return f'"{text}"^^<{o[1]}>'
    return f"<{o}>"


class StreamingCheck:
    """Check subjects against kg's shapes as they stream past; :meth:`finish` gives the report.

    Feed every subject once, with all of its triples (as
    :func:`kg.rdf.export.iter_subjects` yields them). Class constraints on
    values (a mention's paper must be a ``schema:ScholarlyArticle``) and
    inverse paths need other subjects, so they are settled in
    :meth:`finish`. Until then only 64-bit hashes of IRIs are kept, in flat
    arrays (about 30 bytes per typed subject and per value to check, not a
    Python object each): at 20M triples that is a few hundred MB instead of
    gigabytes. IRIs are named again only for the violations, by a second
    look at the subjects (``rescan``) when :meth:`finish` finds any.
    """

    def __init__(self, shapes: _Shapes | None = None) -> None:
        from array import array

        self._shapes = shapes or _kg_shapes()
        self._rules: list[_Rule] = []
        self._rule_index: dict[int, int] = {}
        self._typed, self._masks = array("q"), array("q")  # subject hash -> class bit mask
        # values with a class constraint: (value hash, focus hash, rule number)
        self._values, self._focus, self._value_rules = array("q"), array("q"), array("l")
        # inverse paths: (object hash, pointing subject's class mask), per path
        self._pointers: dict[str, tuple[Any, Any]] = {}
        self._inverse_focus, self._inverse_rules = array("q"), array("l")
        self._violations: list[str] = []
        self._unnamed: list[
            tuple[str, int, int, _Rule, str]
        ] = []  # (component, focus, value hash, rule, why)
        self.count = 0
        self.subjects = 0
        self.triples = 0
        self.seconds = 0.0  # spent in add() and finish(), the check's own cost

    def _number(self, rule: _Rule) -> int:
        number = self._rule_index.get(id(rule))
        if number is None:
            number = self._rule_index[id(rule)] = len(self._rules)
            self._rules.append(rule)
        return number

    def _violation(self, component: str, focus: str, rule: _Rule, message: str) -> None:
        self.count += 1
        if len(self._violations) < MAX_REPORTED:
            path = f"^<{rule.path}>" if rule.inverse else f"<{rule.path}>"
            self._violations.append(
                f"Constraint Violation in {component} ({rule.shape}): focus <{focus}>, path {path}: {message}"
            )

    def add(self, s: str, props: Props) -> None:
        """Check one subject with all of its (predicate, object) pairs."""
        started = time.perf_counter()
        self._add(s, props)
        self.seconds += time.perf_counter() - started

    def _add(self, s: str, props: Props) -> None:
        from array import array

        shapes = self._shapes
        values: dict[str, set[Obj]] = {}
        for p, o in props:
            values.setdefault(p, set()).add(o)
        self.subjects += 1
        self.triples += sum(len(v) for v in values.values())
        mask = 0
        rules: list[_Rule] = []
        for t in values.get(A, ()):
            mask |= shapes.class_bits.get(str(t), 0)
            rules.extend(shapes.by_class.get(str(t), ()))
        key = hash(s)
        if mask:
            self._typed.append(key)
            self._masks.append(mask)
        matched = [shapes.by_subject_of[p] for p in values if p in shapes.by_subject_of]
        if len(matched) == 1:
            rules.extend(matched[0])
        elif matched:
            # a shape targeting the subjects of two predicates (a list cell: rdf:first and
            # rdf:rest) applies once to a node that is subject of both, as in pySHACL
            rules.extend({id(rule): rule for group in matched for rule in group}.values())
        for p in shapes.inverse_paths & values.keys():
            objects, masks = self._pointers.setdefault(p, (array("q"), array("q")))
            for o in values[p]:
                objects.append(hash(o))
                masks.append(mask)
        for rule in rules:
            if rule.inverse:
                self._inverse_focus.append(key)
                self._inverse_rules.append(self._number(rule))
                continue
            self._check(s, key, rule, values.get(rule.path, set()))

    def _check(self, focus: str, key: int, rule: _Rule, found: set[Obj]) -> None:
        n = len(found)
        if rule.min_count is not None and n < rule.min_count:
            self._violation(
                "MinCountConstraintComponent", focus, rule, f"{n} value(s), at least {rule.min_count}"
            )
        if rule.max_count is not None and n > rule.max_count:
            self._violation(
                "MaxCountConstraintComponent", focus, rule, f"{n} value(s), at most {rule.max_count}"
            )
        for o in found:
            number: float | None | bool = False  # a numeric value's number, read once for all range checks
            for check in rule.checks:
                kind, arg = check
                # the commonest checks inline (a call each cost a fifth of a build's check): a
                # literal of the right datatype, an IRI, a number in range
                if kind == "datatype":
                    if isinstance(o, tuple) and o[1] == arg and (arg not in _LEXICAL_CHECKED or _well_formed(*o)):
                        continue
                elif kind == "iri":
                    if not isinstance(o, tuple):
                        continue
                elif kind in _RANGE_CHECKS:
                    if number is False:
                        number = _number(o)
                    if number is not None and _RANGE_CHECKS[kind](number, arg):
                        continue
                elif not _fails(check, o):
                    continue
                self._violation(_COMPONENTS[kind], focus, rule, f"value {_show(o)}")
            if rule.classes:
                if isinstance(o, tuple):
                    self._violation(
                        "ClassConstraintComponent", focus, rule, f"literal {_show(o)} has no class"
                    )
                else:
                    self._values.append(hash(o))
                    self._focus.append(key)
                    self._value_rules.append(self._number(rule))

    def finish(self, rescan: Callable[[], Iterable[tuple[str, Props]]] | None = None) -> ValidationReport:
        """Settle the class and inverse-path checks and return the report.

        Args:
            rescan: yields the subjects again; called only when a class or
                inverse-path check failed, to name the nodes in the report.
        """
        started = time.perf_counter()
        report = self._finish(rescan)
        self.seconds += time.perf_counter() - started
        return report

    def _finish(self, rescan: Callable[[], Iterable[tuple[str, Props]]] | None) -> ValidationReport:
        import numpy as np

        order = np.argsort(np.frombuffer(self._typed, dtype=np.int64), kind="stable")
        keys = np.frombuffer(self._typed, dtype=np.int64)[order]
        masks = np.frombuffer(self._masks, dtype=np.int64)[order]
        rule_classes = np.array([rule.classes for rule in self._rules] or [0], dtype=np.int64)

        def mask_of(hashes: Any) -> Any:
            if not len(keys):
                return np.zeros(len(hashes), dtype=np.int64)
            at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
            return np.where(keys[at] == hashes, masks[at], 0)

        values = np.frombuffer(self._values, dtype=np.int64)
        if len(values):
            need = rule_classes[np.frombuffer(self._value_rules, dtype=np.int64)]
            for i in np.flatnonzero((mask_of(values) & need) == 0):
                rule = self._rules[int(self._value_rules[i])]
                self._unnamed.append(
                    (
                        "ClassConstraintComponent",
                        int(self._focus[i]),
                        int(values[i]),
                        rule,
                        "is not of the required class",
                    )
                )
        focus = np.frombuffer(self._inverse_focus, dtype=np.int64)
        focus_rules = np.frombuffer(self._inverse_rules, dtype=np.int64)
        for number in np.unique(focus_rules):
            rule = self._rules[int(number)]
            targets = focus[focus_rules == number]
            objects, pointer_masks = self._pointers.get(rule.path, ((), ()))
            pointed = (
                np.sort(np.frombuffer(objects, dtype=np.int64)) if len(objects) else np.zeros(0, np.int64)
            )
            counts = np.searchsorted(pointed, targets, side="right") - np.searchsorted(pointed, targets)
            for component, bad in (
                ("MinCountConstraintComponent", counts < (rule.min_count or 0)),
                (
                    "MaxCountConstraintComponent",
                    counts > (rule.max_count if rule.max_count is not None else counts),
                ),
            ):
                for i in np.flatnonzero(bad):
                    self._unnamed.append((component, int(targets[i]), 0, rule, f"{int(counts[i])} value(s)"))
            if rule.classes and len(objects):
                wrong = np.frombuffer(objects, dtype=np.int64)[
                    (np.frombuffer(pointer_masks, dtype=np.int64) & rule.classes) == 0
                ]
                for key in targets[np.isin(targets, wrong)]:
                    self._unnamed.append(
                        (
                            "ClassConstraintComponent",
                            int(key),
                            0,
                            rule,
                            "a value is not of the required class",
                        )
                    )
        self._name_unnamed(rescan)
        conforms = self.count == 0
        lines = [
            "Validation Report (kg streaming SHACL check)",
            f"Conforms: {conforms}",
            f"Subjects: {self.subjects}, triples: {self.triples}",
            f"Results ({self.count}):",
            *self._violations,
        ]
        if self.count > len(self._violations):
            lines.append(f"... and {self.count - len(self._violations)} more")
        return ValidationReport(conforms=conforms, text="\n".join(lines) + "\n")

    def _name_unnamed(self, rescan: Callable[[], Iterable[tuple[str, Props]]] | None) -> None:
        """Report the violations found on hashes, with IRIs found again by ``rescan`` (when given)."""
        if not self._unnamed:
            return
        wanted = {h for _, focus, value, _, _ in self._unnamed for h in (focus, value)}
        names: dict[int, str] = {}
        if rescan is not None:
            for s, props in rescan():
                if hash(s) in wanted:
                    names[hash(s)] = s
                for _, o in props:
                    if not isinstance(o, tuple) and hash(o) in wanted:
                        names[hash(o)] = o
        for component, focus, value, rule, why in self._unnamed:
            subject = names.get(focus, f"(IRI hash {focus})")
            message = f"value <{names.get(value, f'(IRI hash {value})')}> {why}" if value else why
            self._violation(component, subject, rule, message)
        self._unnamed.clear()


def _grouped(triples: Iterable[Triple]) -> Iterator[tuple[str, Props]]:
    groups: dict[str, Props] = {}
    for s, p, o in triples:
        groups.setdefault(s, []).append((p, o))
    yield from groups.items()


def check_triples(triples: Iterable[Triple]) -> ValidationReport:
    """Run the streaming check over plain triples in any order (grouped by subject in memory).

    For graphs that fit in memory (tests, comparisons with pySHACL); a build
    feeds :class:`StreamingCheck` subject by subject instead.
    """
    groups = list(_grouped(triples))
    check = StreamingCheck()
    for s, props in groups:
        check.add(s, props)
    return check.finish(rescan=lambda: groups)


def check_rdflib(rdf: rdflib.Graph) -> ValidationReport:
    """Run the streaming check over an ``rdflib.Graph`` (the same verdicts as :func:`validate`)."""
    from kg.rdf.read import _plain_from_rdflib

    return check_triples(_plain_from_rdflib(rdf))


@dataclass(frozen=True)
class BuildCheck:
    """What the SHACL step of a build did: verdict (``None``: not run), time, engine, why not, report."""

    conforms: bool | None
    seconds: float = 0.0
    engine: str = ""
    note: str = ""
    text: str = ""
    triples: int = 0


def timed_check(subjects: Iterable[tuple[str, Props]]) -> BuildCheck:
    """Run the streaming check over ``subjects`` and time it (the export time included)."""
    started = time.perf_counter()
    check = StreamingCheck()
    for s, props in subjects:
        check.add(s, props)
    report = check.finish()
    return BuildCheck(
        conforms=report.conforms,
        seconds=time.perf_counter() - started,
        engine="kg streaming check",
        text=report.text,
        triples=check.triples,
    )


__all__ = [
    "MAX_REPORTED",
    "BuildCheck",
    "StreamingCheck",
    "UnsupportedShape",
    "ValidationReport",
    "check_rdflib",
    "check_triples",
    "shapes_graph",
    "timed_check",
    "validate",
]
