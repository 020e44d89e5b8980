"""Keep slow or idle clients from locking others out of ``kg serve``.

A thread per connection is simple, but a client that opens a connection and
sends nothing, or one header line every 20 seconds, holds its thread for as
long as it likes; 64 of them used to get every other client a 503. So each
connection has a *phase* and the :class:`ConnectionGuard` watches them:

* ``reading`` (request line, headers and body): the whole request must arrive
  within ``request_timeout`` seconds, however slowly it trickles, or the
  connection is closed;
* ``working`` (a query runs): bounded by the query time limit, never cut here;
* ``sending``: each write is bounded by the socket timeout.

When every slot is taken, a new connection takes the slot of the connection
that has been *reading* the longest (or sending for longer than the request
timeout): a legitimate client sends its request in milliseconds, so slow
clients are the ones that go, and new clients always get in.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Literal

log = logging.getLogger("kg.serve")

Phase = Literal["reading", "working", "sending"]


class Ticket:
    """One admitted connection: its socket, phase, when the phase began and whether it was evicted."""

    __slots__ = ("evicted", "phase", "since", "sock", "started")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.started = self.since = time.monotonic()
        self.phase: Phase = "reading"
        self.evicted = False

    def enter(self, phase: Phase) -> None:
        """Move to ``phase`` (the reading deadline stops counting once the request is in)."""
        self.phase = phase
        self.since = time.monotonic()


class ConnectionGuard:
    """Admit connections up to ``max_connections``, evicting slow ones, and close requests that take too long.

    Args:
        max_connections: connections handled at once.
        request_timeout: seconds a client has to send its whole request.
    """

    def __init__(self, max_connections: int, request_timeout: float) -> None:
        self.max_connections = max(1, max_connections)
        self.request_timeout = request_timeout
        self._tickets: dict[socket.socket, Ticket] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.evictions = 0
        self._reaper = threading.Thread(target=self._reap, name="kg-serve-reaper", daemon=True)
        self._reaper.start()

    def admit(self, sock: socket.socket) -> Ticket | None:
        """Admit a new connection, evicting the slowest one if every slot is taken; ``None`` if none can go."""
        with self._lock:
            if len(self._tickets) >= self.max_connections:
                victim = self._victim()
                if victim is None:
                    return None
                self._evict(victim, "a new client needed its slot")
            ticket = Ticket(sock)
            self._tickets[sock] = ticket
            return ticket

    def ticket(self, sock: socket.socket) -> Ticket | None:
        """Return the ticket of an admitted connection."""
        with self._lock:
            return self._tickets.get(sock)

    def release(self, sock: socket.socket) -> None:
        """Forget a finished connection."""
        with self._lock:
            self._tickets.pop(sock, None)

    @property
    def active(self) -> int:
        """Connections admitted and not finished."""
        with self._lock:
            return len(self._tickets)

    def _victim(self) -> Ticket | None:
        now = time.monotonic()
        candidates = [
            t
            for t in self._tickets.values()
            if t.phase == "reading" or (t.phase == "sending" and now - t.since > self.request_timeout)
        ]
        return min(candidates, key=lambda t: t.since, default=None)

    def _evict(self, ticket: Ticket, why: str) -> None:
        """Close a connection's socket under its thread (its reads and writes fail at once)."""
        ticket.evicted = True
        self._tickets.pop(ticket.sock, None)
        self.evictions += 1
        try:
            peer = ticket.sock.getpeername()[0]
        except OSError:
            peer = "?"
        log.info("%s closed a slow connection (%s after %.1f s)", peer, why, time.monotonic() - ticket.started)
        try:
            ticket.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _reap(self) -> None:
        while not self._stop.wait(min(0.25, self.request_timeout / 4)):
            now = time.monotonic()
            with self._lock:
                late = [
                    t
                    for t in self._tickets.values()
                    if t.phase == "reading" and now - t.since > self.request_timeout
                ]
                for ticket in late:
                    self._evict(ticket, f"request not complete within {self.request_timeout:g} s")

    def close(self) -> None:
        """Stop watching."""
        self._stop.set()


__all__ = ["ConnectionGuard", "Ticket"]
