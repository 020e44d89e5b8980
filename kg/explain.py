"""Why an entity is what it is: the resolution report of a build and the text of ``kg explain``.

Entity resolution (:mod:`kg.resolve`) decides for every entity which
surfaces it joins, which it keeps apart, its type, label and family, and
records the evidence in an :class:`~kg.resolve.EntityTrace`. A build writes
those traces with the node ids into ``resolution.jsonl`` (one entity a
line, sorted by id; retired ids name the entity that holds them now), so
``kg explain NAME`` answers by streaming one file instead of loading the
graph. This module makes the records, reads them back, finds a name among
them and formats the answer; it prints nothing itself. Stdlib only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.io import atomic_write, read_jsonl_numbered
from kg.names import variant_key

__all__ = [
    "RESOLUTION_REPORT",
    "explain_lines",
    "find_entities",
    "read_report",
    "report_records",
    "write_report",
]

RESOLUTION_REPORT = "resolution.jsonl"
"""File name of the resolution report in an output folder."""


def report_records(resolved: Any) -> Iterator[dict[str, Any]]:
    """Yield one report record per entity of a build, sorted by node id.

    Args:
        resolved: a :class:`kg.graph.ResolvedEntities` (entities, their ids, redirects).
    """
    entities, ids = resolved.entities, resolved.ids
    narrower: dict[int, list[str]] = {}
    for i, entity in enumerate(entities):
        if entity.broader is not None:
            narrower.setdefault(entity.broader, []).append(ids[i])
    retired: dict[str, list[str]] = {}
    for old, new in resolved.redirects.items():
        retired.setdefault(new, []).append(old)
    for i in sorted(range(len(entities)), key=lambda i: ids[i]):
        entity = entities[i]
        yield {
            "id": ids[i],
            "type": entity.type,
            "label": entity.name,
            "aliases": list(entity.aliases),
            "papers": entity.paper_count,
            "mentions": entity.mention_count,
            "broader": ids[entity.broader] if entity.broader is not None else None,
            "narrower": sorted(narrower.get(i, ())),
            "retired_ids": sorted(retired.get(ids[i], ())),
            "trace": entity.trace.to_dict(),
        }


def write_report(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write report records as JSON Lines (atomically); return how many."""
    count = 0
    with atomic_write(path) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def read_report(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream the records of a resolution report.

    Raises:
        InputError: a missing file (with what to do) or a malformed line.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(
            "no resolution report here; run `kg build` into this folder first (it writes resolution.jsonl)",
            path=p,
        )
    for line_no, record in read_jsonl_numbered(p):
        if "id" not in record:
            raise InputError("not a resolution record (no 'id')", path=p, line=line_no)
        yield record


def find_entities(records: Iterable[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """Return the records a name may denote, best first.

    A node id (current or retired) matches exactly; otherwise the label, an
    alias or any surface form, compared by :func:`kg.names.variant_key`
    (case, dashes, spacing, plurals and British spelling ignored). Sorted by
    papers (most first), then id; an exact node id comes first.
    """
    key = variant_key(name)
    hits: list[tuple[int, int, str, dict[str, Any]]] = []
    for record in records:
        if name == record["id"] or name in record.get("retired_ids", ()):
            hits.append((0, -int(record.get("papers", 0)), record["id"], record))
            continue
        forms = [
            record.get("label", ""),
            *record.get("aliases", ()),
            *record.get("trace", {}).get("surfaces", {}),
        ]
        if any(variant_key(str(form)) == key for form in forms):
            hits.append((1, -int(record.get("papers", 0)), record["id"], record))
    hits.sort(key=lambda hit: hit[:3])
    return [hit[3] for hit in hits]


def _counts(mapping: dict[str, int], limit: int) -> str:
    items = sorted(mapping.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{k} ({v})" for k, v in items[:limit])
    if len(items) > limit:
        text += f", ... {len(items) - limit} more"
    return text or "-"


def explain_lines(name: str, matches: list[dict[str, Any]], *, surfaces: int = 12) -> list[str]:
    """Return the text ``kg explain`` prints for the matches of ``name``.

    Args:
        name: what was asked for.
        matches: records from :func:`find_entities`.
        surfaces: how many surface forms (and kept-apart forms) to list per entity.
    """
    if not matches:
        return [f"no entity is called {name!r} (looked at node ids, labels, aliases and surface forms)"]
    lines: list[str] = []
    if len(matches) > 1:
        lines.append(f"{name!r} names {len(matches)} entities; resolution kept them apart:")
        lines.append("")
    for record in matches:
        trace = record.get("trace", {})
        papers = int(record.get("papers", 0))
        count = f"{papers} paper" if papers == 1 else f"{papers} papers"
        lines.append(f"{record['id']}  {record['type']}  {record['label']!r}  ({count})")
        votes = trace.get("type_votes", {})
        why_type = trace.get("type_reason", "")
        lexicon = trace.get("lexicon", [])
        type_line = f"  type: {record['type']}, by {why_type}"
        if why_type == "lexicon" and lexicon:
            type_line += f" ({'; '.join(lexicon)})"
        if len(votes) > 1 or (votes and record["type"] not in votes):
            type_line += f"; the extractor said {_counts(votes, 4)}"
        lines.append(type_line)
        lines.append(f"  label: {record['label']!r}, by {trace.get('label_reason', '')}")
        lines.append(f"  surface forms (papers): {_counts(trace.get('surfaces', {}), surfaces)}")
        lines.append(f"  joined by: {_counts(trace.get('rules', {}), 6)}")
        apart = trace.get("kept_apart", [])
        if apart:
            shown = "; ".join(f"{surface!r} ({reason})" for surface, reason in apart[:surfaces])
            more = f"; ... {len(apart) - surfaces} more" if len(apart) > surfaces else ""
            lines.append(f"  kept apart from: {shown}{more}")
        if record.get("broader"):
            lines.append(
                f"  family (skos:broader): {record['broader']}, found from {trace.get('broader_via', '')!r}"
            )
        if record.get("narrower"):
            names = record["narrower"]
            more = f", ... {len(names) - surfaces} more" if len(names) > surfaces else ""
            lines.append(f"  versions and members: {', '.join(names[:surfaces])}{more}")
        if record.get("retired_ids"):
            lines.append(f"  earlier ids (owl:sameAs): {', '.join(record['retired_ids'])}")
        lines.append("")
    return lines[:-1]
