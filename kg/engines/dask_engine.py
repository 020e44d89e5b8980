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
from typing import Any

from kg.engines import WORKER_DIED, Outcome
from kg.errors import KGError
from kg.failures import FAILURE_KEY, PaperFailure
from kg.records import Paper, PaperExtraction


def extract_partition(papers: list[Paper], shard_path: str) -> str:
    """Extract one partition on a worker and write it as a JSON Lines shard.

    A paper whose extraction raised is written as ``{"kg_failure": {...}}``
    in its place. Module-level so workers import it by name (and build the
    spaCy pipeline once per worker process, not once per partition).
    """
    from kg.engines import extract_batch
    from kg.io import write_jsonl

    rows = (
        {FAILURE_KEY: outcome.to_dict()} if isinstance(outcome, PaperFailure) else outcome.to_dict()
        for outcome in extract_batch(papers)
    )
    write_jsonl(shard_path, rows)
    return shard_path


def read_shard(path: str | Path) -> list[Outcome]:
    """Read a shard written by :func:`extract_partition`."""
    from kg.io import read_jsonl

    return [
        PaperFailure.from_dict(row[FAILURE_KEY]) if FAILURE_KEY in row else PaperExtraction.from_dict(row)
        for row in read_jsonl(path)
    ]


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

    def run(self, batches: Iterable[list[Paper]]) -> Iterator[list[Outcome]]:
        pending: deque = deque()
        for index, batch in enumerate(batches):
            shard = str(self.shard_dir / f"shard-{index:05d}.jsonl")
            pending.append((batch, shard, self._client.submit(extract_partition, batch, shard, pure=False)))
            if len(pending) >= 2 * self.workers:
                yield self._collect(*pending.popleft())
        while pending:
            yield self._collect(*pending.popleft())

    def _collect(self, batch: list[Paper], shard: str, future: Any) -> list[Outcome]:
        """Wait for one partition; if it killed its workers, run it again one paper at a time.

        Dask retries a task whose worker died on other workers and gives up
        with ``KilledWorker``; only then is the partition split, so that only
        the paper that kills its worker is recorded as failed.
        """
        from distributed import KilledWorker

        try:
            return read_shard(future.result())
        except KilledWorker:
            pass
        outcomes: list[Outcome] = []
        for number, paper in enumerate(batch):
            alone = f"{shard[: -len('.jsonl')]}-{number:05d}.jsonl"
            try:
                outcomes.extend(read_shard(self._client.submit(extract_partition, [paper], alone, pure=False).result()))
            except KilledWorker as error:
                outcomes.append(PaperFailure.from_exception(paper, WORKER_DIED, error))
        return outcomes

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        if self._tmp is not None:
            self._tmp.cleanup()
