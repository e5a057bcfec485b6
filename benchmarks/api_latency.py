"""Latency of the REST API and the SPARQL endpoint on the shipped data: in process and over HTTP.

Run: .venv/bin/kg build && .venv/bin/python benchmarks/api_latency.py [--runs 100] [--disk]

Goals (issue 3): every REST answer under 20 ms server time at the median; the SPARQL endpoint
adds under 5 ms to the engine's own time. The app is the real one (``create_app`` over the
built store, served from memory unless ``--disk``). Each request runs ``--runs`` times after
warm-up:

* in process: httpx over the ASGI transport, no sockets (server time plus a little client);
* over HTTP: uvicorn on 127.0.0.1 in a thread, an httpx client; "server" is measured by an
  ASGI wrapper around the app from the request's arrival to the last body byte, "client" is
  what the client waits for (adds the socket round trip and HTTP parsing on both sides).

For /sparql the engine's own time is ``store.query`` on the same store and query. Prints a
table of p50/p99 in ms and writes benchmarks/results/api_latency.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import uvicorn

import kg
from kg.api.main import create_app
from kg.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results" / "api_latency.json"
TRIVIAL = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
REST = [
    "/api/actors",
    "/api/regions?within=southeast-asia",
    "/api/themes?q=crime",
    "/api/search?q=unodc",
    "/api/search?q=asia",
    "/api/actors/japan",  # the most connected entity: 72 incoming relations, 80 kB
    "/api/actors/un-women",
    "/api/regions/southeast-asia",
    "/api/initiatives/we-fi",
    "/api/documents/japan-unodc-2024-2026",
    "/api/fundings",
    "/api/fundings?recipient=UN%20Women",
    "/api/fundings?funder=japan&theme=gender-equality&year=2016",
    "/api/fundings/summary?by=year",
    "/api/fundings/summary?by=funder,theme",
    "/api/priorities",
    "/api/priorities?region=southeast-asia&theme=maritime-security",
    "/api/queries/fundings",
    # entity pages (linked data), the most connected entity first
    "/id/japan?format=html",
    "/id/jica?format=html",
    "/id/we-fi?format=turtle",
    "/id/un-women?format=jsonld",
]
SPARQL = "/sparql?query=" + quote(TRIVIAL)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ServerClock:
    """ASGI wrapper recording, per URL, the time from the request's arrival to its last byte."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.times: defaultdict[str, list[float]] = defaultdict(list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        url = scope["path"] + (
            "?" + scope["query_string"].decode() if scope["query_string"] else ""
        )

        async def timed_send(message: MutableMapping[str, Any]) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times[url].append((time.perf_counter() - started) * 1000)

        await self.app(scope, receive, timed_send)


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))],
        "runs": len(ordered),
    }


async def in_process(app: Any, urls: list[str], runs: int, warmup: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for url in urls:
            for _ in range(warmup):
                (await client.get(url)).raise_for_status()
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                response = await client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            times[url] = samples
    return times


def over_http(
    app: Any, urls: list[str], runs: int, warmup: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    clock = ServerClock(app)
    config = uvicorn.Config(clock, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    client_times: dict[str, list[float]] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for url in urls:
                for _ in range(warmup):
                    client.get(url).raise_for_status()
                clock.times[url].clear()
                samples = []
                for _ in range(runs):
                    started = time.perf_counter()
                    response = client.get(url)
                    samples.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                client_times[url] = samples
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return {url: clock.times[url][-runs:] for url in urls}, client_times


def engine_time(app: Any, runs: int, warmup: int) -> list[float]:
    store = app.state.store
    for _ in range(warmup):
        store.query(TRIVIAL)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        store.query(TRIVIAL)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def measure_in_process(
    settings: Settings, runs: int, warmup: int
) -> tuple[dict[str, list[float]], list[float]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        times = await in_process(app, [*REST, SPARQL], runs, warmup)
        engine = engine_time(app, runs, warmup)
    return times, engine


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=100, help="timed requests per URL (>= 50)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--disk", action="store_true", help="serve the on-disk store, not a copy in memory"
    )
    args = parser.parse_args()
    if args.runs < 50:
        parser.error("--runs must be at least 50")
    settings = Settings(serve_from_memory=not args.disk)
    urls = [*REST, SPARQL]

    local, engine = asyncio.run(measure_in_process(settings, args.runs, args.warmup))
    server, client = over_http(create_app(settings), urls, args.runs, args.warmup)

    rows = {
        url: {
            "in_process": stats(local[url]),
            "http_server": stats(server[url]),
            "http_client": stats(client[url]),
        }
        for url in urls
    }
    engine_stats = stats(engine)
    width = max(len(u) for u in urls[:-1]) + 2
    print(f"store: {'on disk' if args.disk else 'in memory'}, {args.runs} runs per URL; ms")
    print(
        f"{'request':<{width}} {'in-process p50/p99':>19} {'HTTP server p50/p99':>20} {'HTTP client p50/p99':>20}"
    )
    for url, row in rows.items():
        shown = "/sparql?query=<trivial SELECT>" if url == SPARQL else url
        cells = [
            f"{row[k]['p50']:6.2f} /{row[k]['p99']:6.2f}"
            for k in ("in_process", "http_server", "http_client")
        ]
        print(f"{shown:<{width}} {cells[0]:>19} {cells[1]:>20} {cells[2]:>20}")
    rest_worst = max(rows[u]["http_server"]["p50"] for u in REST)
    added = rows[SPARQL]["http_server"]["p50"] - engine_stats["p50"]
    print(
        f"\nengine alone (store.query, trivial SELECT): p50 {engine_stats['p50']:.3f} ms, p99 {engine_stats['p99']:.3f} ms"
    )
    print(f"/sparql adds {added:.2f} ms at the median over the engine (server side; goal < 5 ms)")
    print(f"slowest REST median (server side): {rest_worst:.2f} ms (goal < 20 ms)")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "kg_version": kg.__version__,
                "python": platform.python_version(),
                "machine": platform.platform(),
                "store": "disk" if args.disk else "memory",
                "runs": args.runs,
                "unit": "ms",
                "requests": rows,
                "sparql_engine_only": engine_stats,
                "sparql_added_p50": added,
                "rest_worst_server_p50": rest_worst,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
