"""Stable entity ids across builds: the id registry of an output folder.

An entity's node id (and so its IRI) is minted from its label the first time
it is seen. A later build of the same folder resolves entities again from
all papers, and labels may change ("ZephyrNet" becoming "Zephyr-Net" once
more papers spell it so), entities may merge (two spellings found to be
one) or split; links from outside must keep working all the same. So the
output folder keeps ``entity-ids.jsonl``: every id ever minted there, with
the identity keys (:attr:`kg.resolve.CanonicalEntity.keys`) of the entity
that holds it. A new build:

1. gives each entity (largest first) the unclaimed id of its own type that
   shares most keys with it, preferring the one whose label it still has;
2. retires every other id that shares keys with an entity into a redirect
   to that entity's id (a merge; also a type change): the RDF says
   ``owl:sameAs``, ``kg.load(...).find`` and ``kg explain`` follow it;
3. mints new ids only for entities that match no id, never reusing one.

An id whose entity vanished (its papers' names now resolve elsewhere or are
no longer names) stays in the registry, retired without a target, so it is
never given to something else. Without a registry (a plain
:func:`kg.graph.build_graph`) the same minting gives deterministic ids.
Stdlib only; node ids are minted by :func:`kg.graph.entity_node_id`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kg.errors import InputError
from kg.io import atomic_write, read_text
from kg.records import ENTITY_TYPES

__all__ = ["ENTITY_IDS", "IdRecord", "IdRegistry"]

log = logging.getLogger(__name__)

ENTITY_IDS = "entity-ids.jsonl"
"""File name of the registry in an output folder."""


@dataclass
class IdRecord:
    """One id ever minted in a folder.

    Attributes:
        id: the node id (``model:zephyrnet``).
        type: the entity type the id was minted for.
        label: the entity's label when last seen.
        keys: identity keys of every surface the entity ever had.
        redirect: for a retired id, the id that now holds its entity
            (``""`` while active; ``"-"`` when its entity vanished).
    """

    id: str
    type: str
    label: str
    keys: set[str] = field(default_factory=set)
    redirect: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form, keys sorted."""
        out: dict[str, object] = {
            "id": self.id,
            "type": self.type,
            "label": self.label,
            "keys": sorted(self.keys),
        }
        if self.redirect:
            out["redirect"] = self.redirect
        return out


class _Entity(Protocol):
    """What the registry needs from a resolved entity (``kg.resolve.CanonicalEntity`` fits)."""

    @property
    def type(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def keys(self) -> tuple[str, ...]: ...

    @property
    def paper_count(self) -> int: ...

    @property
    def key(self) -> str: ...


class IdRegistry:
    """Every id minted in one output folder, and the assignment of ids to a build's entities."""

    def __init__(self, records: Sequence[IdRecord] = ()) -> None:
        self.records: dict[str, IdRecord] = {r.id: r for r in records}

    @classmethod
    def load(cls, path: str | Path) -> IdRegistry:
        """Read a registry file; a missing file is an empty registry.

        Raises:
            InputError: a malformed line (file and line named).
        """
        p = Path(path)
        if not p.exists():
            return cls()
        records: list[IdRecord] = []
        for line_no, raw in enumerate(read_text(p, what="entity id registry").splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
                record = IdRecord(
                    id=str(row["id"]),
                    type=str(row["type"]),
                    label=str(row.get("label", "")),
                    keys={str(k) for k in row.get("keys", ())},
                    redirect=str(row.get("redirect", "")),
                )
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(f"malformed registry line ({exc})", path=p, line=line_no) from None
            if record.type not in ENTITY_TYPES:
                raise InputError(f"unknown entity type {record.type!r}", path=p, line=line_no)
            records.append(record)
        return cls(records)

    def save(self, path: str | Path) -> None:
        """Write the registry, one id a line, sorted by id (atomically)."""
        with atomic_write(path) as handle:
            for key in sorted(self.records):
                handle.write(
                    json.dumps(self.records[key].to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
                )

    def redirects(self) -> dict[str, str]:
        """Return retired id -> the active id that holds its entity now (chains followed)."""
        out: dict[str, str] = {}
        for rid, record in sorted(self.records.items()):
            target = record.redirect
            seen = {rid}
            while target and target != "-" and target in self.records and self.records[target].redirect:
                if target in seen:
                    break
                seen.add(target)
                target = self.records[target].redirect
            if target and target != "-":
                out[rid] = target
        return out

    def assign(self, entities: Sequence[_Entity], mint: Callable[[str, str, int], str]) -> list[str]:
        """Give every entity an id (see the module docstring) and update the registry.

        Args:
            entities: the build's entities (any order; the result follows it).
            mint: ``mint(type, label, index)`` -> a node id (``index`` 1, 2 ... for homonyms).

        Returns:
            One id per entity, in the order given.
        """
        order = sorted(
            range(len(entities)),
            key=lambda i: (-entities[i].paper_count, entities[i].type, entities[i].name, entities[i].key),
        )
        rank = {i: r for r, i in enumerate(order)}
        by_key: dict[str, list[str]] = {}
        for rid, record in self.records.items():
            for key in record.keys:
                by_key.setdefault(key, []).append(rid)
        ids: list[str] = [""] * len(entities)
        claimed: set[str] = set()
        overlap: list[dict[str, int]] = []
        for i in range(len(entities)):
            shared: dict[str, int] = {}
            for key in set(entities[i].keys):
                for rid in by_key.get(key, ()):
                    shared[rid] = shared.get(rid, 0) + 1
            overlap.append(shared)
        # 1. each entity, largest first, takes the best unclaimed id of its type
        for i in order:
            entity = entities[i]
            options = [
                rid for rid in overlap[i] if rid not in claimed and self.records[rid].type == entity.type
            ]
            if not options:
                continue
            best = min(
                options,
                key=lambda rid: (
                    self.records[rid].label != entity.name,
                    -overlap[i][rid],
                    bool(self.records[rid].redirect),
                    rid,
                ),
            )
            ids[i] = best
            claimed.add(best)
        # 2. new ids for the rest, never one the folder ever used
        taken = set(self.records)
        for i in order:
            if ids[i]:
                continue
            entity = entities[i]
            index = 1
            while (candidate := mint(entity.type, entity.name, index)) in taken:
                index += 1
            ids[i] = candidate
            taken.add(candidate)
            claimed.add(candidate)
            self.records[candidate] = IdRecord(candidate, entity.type, entity.name)
        # 3. update the holders; retire every other id that shares keys with an entity
        for i in order:
            record = self.records[ids[i]]
            record.type, record.label, record.redirect = entities[i].type, entities[i].name, ""
            record.keys.update(entities[i].keys)
        for rid, record in sorted(self.records.items()):
            if rid in claimed:
                continue
            holders = [i for i in order if rid in overlap[i]]
            if holders:
                target = ids[min(holders, key=lambda i: (-overlap[i][rid], rank[i]))]
                if record.redirect != target:
                    log.info("entity id %s now redirects to %s", rid, target)
                record.redirect = target
            elif not record.redirect:
                record.redirect = "-"
        return ids
