"""Set-up of extraction worker processes: no orphans, no Ctrl-C tracebacks.

A worker of the local process pool is a separate process blocked on a queue;
when the build that started it is killed (SIGKILL, SIGTERM, an OOM kill) it
would wait forever, holding its memory. :func:`init_worker` starts a daemon
thread that notices the parent is gone (the worker is re-parented) and ends
the worker at once. Ctrl-C reaches every process of the terminal's process
group: workers ignore it and the build shuts the pool down in order. Stdlib only.
"""

from __future__ import annotations

import os
import signal
import threading
import time

#: Seconds between two checks that the parent is still there.
PARENT_POLL_SECONDS = 0.5


def init_worker(parent_pid: int) -> None:
    """Prepare a pool worker: ignore SIGINT and exit when ``parent_pid`` is no longer the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent_pid)


def watch_parent(parent_pid: int, *, interval: float = PARENT_POLL_SECONDS) -> threading.Thread:
    """Start a daemon thread that ends this process (exit code 1) once ``parent_pid`` is gone.

    Polling ``os.getppid`` works on every POSIX system and, unlike
    ``PR_SET_PDEATHSIG``, does not fire when merely the thread that started
    the worker ends.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(1)

    thread = threading.Thread(target=watch, name="kg-parent-watch", daemon=True)
    thread.start()
    return thread
