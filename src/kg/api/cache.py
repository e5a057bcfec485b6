"""Rendered answers of the read-only routes, kept until the data changes.

Between two writes the served data is fixed, so an answer rendered once (an entity page, a
list of fundings, the ontology) is the right answer for every later request with the same URL
and ``Accept``. Keeping it turns the common case, linked-data clients and dashboards asking the
same things again, into a dictionary lookup: the web stack, not the engine, is the cost of a
small answer (docs/measured.md), and at scale the engine cost grows too. The cache is an ASGI
middleware in front of the routes, so a hit skips routing, validation and rendering alike.

What is kept: successful (200) answers to GET and HEAD on the read routes (``CACHED_PREFIXES``),
up to ``entries`` answers of at most ``MAX_BODY`` bytes each, least recently used out first.
Never kept: ``/sparql`` (user queries are rate-limited per client and bounded by a deadline, and
a cached answer would sidestep both), ``/health`` (it reports live state), ``/graphs`` and
``/export`` (large, streamed), errors, and anything with a ``Cache-Control: no-store`` answer.
Every answer gets a strong ``ETag``, and a matching ``If-None-Match`` gets 304, as HTTP caches
and linked-data crawlers expect. ``clear()`` drops everything; the app calls it after every
committed write, and the cache is only switched on for a store the app opened itself (``kg
serve``): a store handed to ``create_app`` may change behind the app's back.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Path prefixes whose GET answers depend only on the data (and the request URL and Accept).
CACHED_PREFIXES: Final = (
    "/api/",
    "/id/",
    "/ontology",
    "/shapes",
    "/.well-known/void",
    # The pages for people (src/kg/api/routes/pages.py, funding_pages.py); never /query, which runs
    # user SPARQL under the per-client budget, as /sparql does.
    "/fundings",
    "/documents",
    "/search",
    "/actors",
    "/initiatives",
    "/regions",
    "/themes",
    "/events",
)
#: The home page is cached too (exact path).
CACHED_PATHS: Final = frozenset({"/"})
#: Larger answers are served but not kept.
MAX_BODY: Final = 2_000_000
CACHE_HEADER: Final = b"x-cache"


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


class ResponseCache:
    """An LRU of rendered answers keyed by method-independent request identity."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._answers: OrderedDict[tuple[str, bytes, bytes], _Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, bytes, bytes]) -> _Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                return None
            self._answers.move_to_end(key)
            return answer

    def put(self, key: tuple[str, bytes, bytes], answer: _Answer) -> None:
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)


def cacheable(scope: Scope) -> bool:
    """Whether a request may be answered from, and stored in, the cache."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    path: str = scope["path"]
    return path in CACHED_PATHS or path.startswith(CACHED_PREFIXES)


class CacheMiddleware:
    """ASGI middleware that answers repeated read requests from a ``ResponseCache``."""

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not cacheable(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = (scope["path"], scope["query_string"], headers.get(b"accept", b""))
        answer = self.cache.get(key)
        if answer is not None:
            await _replay(answer, headers.get(b"if-none-match"), scope["method"], send)
            return
        await self._fill(scope, receive, send, key)

    async def _fill(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, bytes, bytes]
    ) -> None:
        """Run the route, passing its answer on as it comes, and keep a copy if allowed."""
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, size, keep
            if message["type"] == "http.response.start":
                start = message
                no_store = any(
                    name == b"cache-control" and b"no-store" in value
                    for name, value in message.get("headers", [])
                )
                keep = message["status"] == 200 and not no_store
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (CACHE_HEADER, b"miss")],
                }
            elif message["type"] == "http.response.body" and keep:
                body = message.get("body", b"")
                size += len(body)
                if size > MAX_BODY:
                    keep, chunks[:] = False, []
                else:
                    chunks.append(body)
            await send(message)

        await self.app(scope, receive, capture)
        if keep and start is not None and scope["method"] == "GET":
            body = b"".join(chunks)
            sent = start.get("headers", [])
            # A route that sets its own ETag keeps it; otherwise one is made from the body.
            own = [v for n, v in sent if n.lower() == b"etag"]
            etag = own[0] if own else b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
            headers = [(n, v) for n, v in sent if n.lower() not in (b"content-length", b"etag")]
            self.cache.put(key, _Answer(start["status"], headers, body, etag))


async def _replay(answer: _Answer, if_none_match: bytes | None, method: str, send: Send) -> None:
    if if_none_match is not None and answer.etag in {t.strip() for t in if_none_match.split(b",")}:
        headers = [(b"etag", answer.etag), (CACHE_HEADER, b"hit")]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [
        *answer.headers,
        (b"content-length", str(len(answer.body)).encode()),
        (b"etag", answer.etag),
        (CACHE_HEADER, b"hit"),
    ]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else answer.body})
