"""HEAD for every GET resource (RFC 9110 9.3.2): the GET answer's status and headers, no body.

Why a middleware: Starlette's plain routes answer HEAD for GET, FastAPI's do not, and a HEAD
route per resource would repeat each GET's dependencies. Here a HEAD request is served as GET
and the body is dropped on its way out, so the headers (Content-Length included) are exactly
GET's, whatever the route, the cache or the deadline did.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """Serve HEAD as GET without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # only the last (empty) chunk goes out
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
