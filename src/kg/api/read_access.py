"""Reading with a token, for a private deployment (``KG_READ_ACCESS=token``; public by default).

Why a middleware: every route reads (SPARQL, REST, pages, exports, dereferenceable IRIs), so
the check belongs in front of all of them at once, where a route added later cannot forget it.
A request shows a reader's or a curator's token (``kg.curators``) or the shared
``KG_WRITE_TOKEN``, as ``Authorization: Bearer TOKEN`` (programs) or HTTP Basic with the token
as the password (browsers ask for it when the answer offers Basic); the user name is not
checked, the token names its holder. ``/health`` stays open for probes. Writes still need a
curator: ``routes.graphs`` checks that, here a reader's token only lets the request through.

A token costs one scrypt (~50 ms) to check, too much for every read: a verified token is kept
in memory by its SHA-256 and forgotten as soon as the curators file changes (its modification
time and size), so ``kg curator revoke`` takes effect at the next request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from kg import curators
from kg.api.problems import Problem, problem_response

#: Paths anyone may read: the liveness probe.
OPEN_PATHS: Final = frozenset({"/health"})
#: Both schemes, Basic first: a browser shows its login prompt for it.
CHALLENGES: Final = ('Basic realm="coop-kg", charset="UTF-8"', 'Bearer realm="coop-kg"')


class TokenKeeper:
    """Which tokens may read: checked against the curators file once, then remembered until
    the file changes."""

    def __init__(self, roster: Path, shared: str | None) -> None:
        self.roster = roster
        self.shared = shared.encode("utf-8") if shared else None
        self._lock = threading.Lock()
        self._version: tuple[int, int] | None = None
        self._known: dict[bytes, bool] = {}

    def may_read(self, token: str) -> bool:
        """Whether ``token`` is the shared write token or an active reader's or curator's."""
        given = token.encode("utf-8")
        if self.shared is not None and hmac.compare_digest(given, self.shared):
            return True
        key = hashlib.sha256(given).digest()
        version = self._file_version()
        with self._lock:
            if version != self._version:
                self._known.clear()
                self._version = version
            known = self._known.get(key)
        if known is None:
            known = curators.holder_of(self.roster, token) is not None
            with self._lock:
                if self._version == version:
                    self._known[key] = known
        return known

    def _file_version(self) -> tuple[int, int]:
        try:
            found = self.roster.stat()
        except FileNotFoundError:
            return (0, 0)
        return (found.st_mtime_ns, found.st_size)


def token_of(authorization: str) -> str | None:
    """The token an ``Authorization`` header carries (Bearer, or Basic's password)."""
    scheme, _, credentials = authorization.partition(" ")
    credentials = credentials.strip()
    if not credentials:
        return None
    if scheme.lower() == "bearer":
        return credentials
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _, colon, password = decoded.partition(":")
        return password if colon and password else None
    return None


class ReadAccess:
    """Let a request through only with a token that may read (``TokenKeeper``)."""

    def __init__(self, app: ASGIApp, keeper: TokenKeeper) -> None:
        self.app = app
        self.keeper = keeper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        token = token_of(headers.get(b"authorization", b"").decode("latin-1"))
        if token is not None and self.keeper.may_read(token):
            await self.app(scope, receive, send)
            return
        await _unauthorized(scope, receive, send, given=token is not None)


async def _unauthorized(scope: Scope, receive: Receive, send: Send, *, given: bool) -> None:
    """401 problem+json with both challenges (RFC 9457, RFC 9110 11.6.1), made by the one
    problem builder (``kg.api.problems``)."""
    detail = (
        "This token may not read here; ask the operator for a reader's token."
        if given
        else "Reading this service needs a token: send `Authorization: Bearer <token>` (or "
        "HTTP Basic with the token as the password). An operator issues one with "
        "`kg curator add NAME --role reader`."
    )
    problem = Problem(401, detail, type_="unauthorized", title="Authentication required")
    response = problem_response(Request(scope), problem)
    # Two WWW-Authenticate headers, which a headers mapping cannot hold: Basic first, so that
    # a browser shows its login prompt.
    for challenge in CHALLENGES:
        response.headers.append("www-authenticate", challenge)
    await response(scope, receive, send)
