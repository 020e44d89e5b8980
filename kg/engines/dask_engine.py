"""Run extraction on a Dask cluster: one partition a task, one JSON Lines shard a partition.

Each partition of papers is extracted on a worker, which writes its records
to its own shard file (``shard-00000.jsonl`` ...) in a shard folder and
returns only the shard's path; the driver reads the shards back in partition
order so the result is the same as the local engine's. Dask is an optional
extra (``pip install kg[dask]``); it is imported only here.
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import KGError
from kg.records import Paper, PaperExtraction


def extract_partition(papers: list[Paper], shard_path: str) -> str:
    """Extract one partition on a worker and write it as a JSON Lines shard.

    Module-level so workers import it by name (and build the spaCy pipeline
    once per worker process, not once per partition).
    """
    from kg.engines import extract_batch
    from kg.io import write_jsonl

    write_jsonl(shard_path, (record.to_dict() for record in extract_batch(papers)))
    return shard_path


def read_shard(path: str | Path) -> list[PaperExtraction]:
    """Read a shard written by :func:`extract_partition`."""
    from kg.io import read_jsonl

    return [PaperExtraction.from_dict(row) for row in read_jsonl(path)]


class DaskEngine:
    """Extract partitions on a Dask cluster (a new ``LocalCluster`` when no scheduler is given)."""

    def __init__(self, *, workers: int = 2, scheduler: str | None = None, shard_dir: Path | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise KGError("the dask engine needs Dask: pip install 'kg[dask]'") from None
        self._cluster = None
        if scheduler:
            self._client = Client(scheduler)
        else:
            self._cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self._client = Client(self._cluster)
        self.workers = workers
        self._tmp = None
        if shard_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kg-shards-")
            shard_dir = Path(self._tmp.name)
        self.shard_dir = Path(shard_dir)
        self.shard_dir.mkdir(parents=True, exist_ok=True)

    def run(self, batches: Iterable[list[Paper]]) -> Iterator[list[PaperExtraction]]:
        pending: deque = deque()
        for index, batch in enumerate(batches):
            shard = str(self.shard_dir / f"shard-{index:05d}.jsonl")
            pending.append(self._client.submit(extract_partition, batch, shard, pure=False))
            if len(pending) >= 2 * self.workers:
                yield read_shard(pending.popleft().result())
        while pending:
            yield read_shard(pending.popleft().result())

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        if self._tmp is not None:
            self._tmp.cleanup()
