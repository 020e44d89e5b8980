"""What ``kg serve`` serves: the located graph, the store its query workers open, and the files it hands out.

The graph is found by :func:`kg.locate.locate_graph`, like everywhere else in
kg. Query workers open an on-disk Oxigraph store read-only: the folder's
``graph.oxigraph/`` when there is one, else a temporary store bulk-loaded once
at start (in a child process) from the best file found. Downloads and the
HTML view the folder lacks are generated on first request into the same
temporary folder, which is removed on close.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from kg.locate import GraphFiles, locate_graph
from kg.query import StoreSpec, spec_for
from kg.query.worker import build_store_in_child

log = logging.getLogger("kg.serve")

#: route -> (file name in an outputs/ folder, media type)
DOWNLOADS: dict[str, tuple[str, str]] = {
    "/graph.ttl": ("graph.ttl", "text/turtle; charset=utf-8"),
    "/graph.nt": ("graph.nt", "application/n-triples; charset=utf-8"),
    "/graph.jsonld": ("graph.jsonld", "application/ld+json; charset=utf-8"),
}
VIEW_ROUTE = "/"


@dataclass
class ServedGraph:
    """The located graph, the store spec for the query workers, and the files served (made when first asked)."""

    located: GraphFiles
    spec: StoreSpec
    triples: int | None = None
    files: dict[str, Path] = field(default_factory=dict)
    tmpdir: Path | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def file(self, route: str) -> Path:
        """Return the file behind a download route or the view, generating it on first use.

        Raises:
            InputError: the graph cannot be read to generate it.
        """
        with self._lock:  # one request generates, the others wait for it
            path = self.files.get(route)
            if path is None or not path.exists():
                path = self._generate(route)
                self.files[route] = path
            return path

    def _generate(self, route: str) -> Path:
        from kg.api import load

        if self.tmpdir is None:
            self.tmpdir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        graph = load(self.located.path)
        if route == VIEW_ROUTE:
            target = self.tmpdir / "graph.html"
            graph.to_html(target)
        else:
            target = graph.save(self.tmpdir / DOWNLOADS[route][0])
        log.debug("generated %s", target.name)
        return target

    def close(self) -> None:
        """Remove the files and the store generated for serving."""
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None


def open_graph(path: str | Path) -> ServedGraph:
    """Locate the graph at ``path`` and prepare it for serving.

    Without a ``graph.oxigraph/`` store, the graph is bulk-loaded into a
    temporary on-disk store once, so that every query worker can open it
    read-only instead of holding its own copy in memory.

    Raises:
        InputError: the path is missing or holds no loadable graph.
    """
    located = locate_graph(path)
    files: dict[str, Path] = {}
    for route, (name, _) in DOWNLOADS.items():
        found = located.rdf_file(Path(name).suffix)
        if found is not None:
            files[route] = found
    if located.html is not None:
        files[VIEW_ROUTE] = located.html
    spec = spec_for(path)
    if spec.kind == "store":
        return ServedGraph(located=located, spec=spec, files=files)
    tmpdir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        store_dir = tmpdir / "graph.oxigraph"
        log.debug("loading %s into a temporary store %s", spec.path, store_dir)
        triples = build_store_in_child(spec, str(store_dir))
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    return ServedGraph(
        located=located, spec=StoreSpec("store", str(store_dir)), triples=triples, files=files, tmpdir=tmpdir
    )


__all__ = ["DOWNLOADS", "VIEW_ROUTE", "ServedGraph", "open_graph"]
