"""Per-client query time at ``/sparql``: so many query seconds per minute, as the big public
endpoints do (Wikidata: 60 s per 60 s), refused with 429 and ``Retry-After`` past it.

Time, not requests, because one runaway query costs as much as ten thousand lookups. Each
client has a leaky bucket: its queries' seconds pour in when they end (a query cut at the
deadline pours in the whole deadline), and it drains at ``seconds`` per minute. A client
whose bucket holds ``seconds`` or more is refused until it has drained below that; so a
client that spends its budget in one burst waits about a minute, and one that spreads its
queries out is never refused. Queries already running when the budget runs out finish.

The client is the peer address of the connection. Behind a reverse proxy every request
comes from the proxy, so the client named in ``X-Forwarded-For`` counts instead, but only
when the peer is one of ``KG_TRUSTED_PROXIES``: anyone else could write any address there.
The rightmost address that is not a trusted proxy is the client (each proxy appends the
address it received the request from; entries to its left are whatever the client sent).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable, Iterable
from typing import Final

from starlette.requests import Request

WINDOW: Final = 60.0
#: Buckets kept before drained ones are forgotten (bounds memory under many clients).
MAX_CLIENTS: Final = 10_000

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class QueryBudget:
    """``seconds`` of query time per minute per client; ``seconds == 0`` means no limit."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._rate = seconds / WINDOW
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (level, when)
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        """Seconds until ``client`` may query again, or None if it may now."""
        if self.seconds <= 0:
            return None
        with self._lock:
            level = self._level(client, self._clock())
        if level < self.seconds:
            return None
        return max(1, math.ceil(round((level - self.seconds) / self._rate, 6)))

    def charge(self, client: str, seconds: float) -> None:
        """Pour a finished query's ``seconds`` into ``client``'s bucket."""
        if self.seconds <= 0:
            return
        with self._lock:
            now = self._clock()
            if len(self._buckets) >= MAX_CLIENTS:
                self._forget_drained(now)
            self._buckets[client] = (self._level(client, now) + seconds, now)

    def _level(self, client: str, now: float) -> float:
        level, when = self._buckets.get(client, (0.0, now))
        return max(0.0, level - (now - when) * self._rate)

    def _forget_drained(self, now: float) -> None:
        for client in [c for c in self._buckets if self._level(c, now) == 0.0]:
            del self._buckets[client]


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``KG_TRUSTED_PROXIES`` entries (addresses or CIDR networks) as networks."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def client_of(request: Request, trusted: tuple[Network, ...]) -> str:
    """The address that stands for the client of ``request`` (see the module docstring)."""
    peer = request.client.host if request.client is not None else "unknown"
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
    ]
    for hop in reversed(hops):
        if hop and not _is_trusted(hop, trusted):
            return hop
    return peer


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # not an address (a test client's name, garbage in a header)
        return False
    return any(ip in network for network in trusted)
