"""Load test: a mix of REST and SPARQL requests against `kg serve` on 127.0.0.1, for a bounded
time, optionally while curators write through the Graph Store Protocol.

    .venv/bin/python benchmarks/load_test.py [--duration 20] [--connections 10]
        [--curators 2 | --writer] [--url http://127.0.0.1:8000 --token TOKEN]

Without ``--url`` it builds the shipped data into a temporary store and starts ``kg serve`` on
a free port (a separate process, so that the client does not share the server's GIL), with
``--curators N`` named curators (``kg curator add``: a token each) and the per-client query
budget off: the load comes from one client, and the budget exists to throttle exactly that.
It reports requests/s, p50 and p99 latency and the error count (any status >= 400 or failed
request) per kind of request. With curators (``--writer`` is one), each adds a triple of its
own to the same graph again and again (``POST /graphs``, so that no write replaces another's)
while the others do too; at the end every write that answered 2xx is looked for through
``GET /graphs`` and through ``/sparql`` (a write either read path does not show is lost), and
in the history (``GET /graphs/history``: an entry per committed write, under its curator's
name). A server without the write routes (404) skips the writers and says so. Writes
``results/load_test.json``.

The client is Python (httpx, asyncio) on the same two cores as the server, so the figures are
a floor: about half a core goes to the client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
GRAPH = "https://w3id.org/coop-kg/graph/load-test"
SUBJECT = "https://w3id.org/coop-kg/id/load-test"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

#: (kind, method path or SPARQL text, weight): what a visitor of the service does, roughly.
REST: list[tuple[str, int]] = [
    ("/health", 1),
    ("/api/search?q=unodc", 2),
    ("/api/actors/japan", 1),
    ("/api/fundings?funder=japan", 2),
    ("/api/fundings/summary?by=funder", 1),
    ("/id/unodc?format=turtle", 1),
]
SPARQL: list[tuple[str, int]] = [
    ("SELECT ?f ?funder WHERE { ?f schema:funder ?funder } LIMIT 50", 2),
    ("ASK { ?f schema:funder id:japan }", 1),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", 1),
    ("CONSTRUCT { id:japan ?p ?o } WHERE { id:japan ?p ?o }", 1),
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    #: The first answer of each failing status (its problem detail), to say why.
    examples: dict[int, str] = field(default_factory=dict)

    def summary(self, seconds: float) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        count = len(ordered)
        return {
            "requests": count,
            "requests_per_s": round(count / seconds, 1),
            "p50_ms": round(1000 * ordered[count // 2], 2) if count else None,
            "p99_ms": round(1000 * ordered[min(count - 1, int(count * 0.99))], 2)
            if count
            else None,
            "errors": self.errors,
            "statuses": dict(sorted(self.statuses.items())),
            **({"first_errors": dict(sorted(self.examples.items()))} if self.examples else {}),
        }


@dataclass
class Writes:
    attempted: int = 0
    committed: int = 0
    refused: int = 0
    latencies: list[float] = field(default_factory=list)
    skipped: str | None = None
    #: The label each committed write added, with its curator.
    labels: list[tuple[str, str]] = field(default_factory=list)


def schedule() -> Iterator[tuple[str, str]]:
    """The request mix, forever: (kind, path)."""
    mix = [("rest", path) for path, weight in REST for _ in range(weight)]
    mix += [
        ("sparql", "/sparql?" + str(httpx.QueryParams({"query": query})))
        for query, weight in SPARQL
        for _ in range(weight)
    ]
    while True:
        yield from mix


async def visitor(
    client: httpx.AsyncClient, requests: Iterator[tuple[str, str]], until: float, tally: Any
) -> None:
    while time.monotonic() < until:
        kind, path = next(requests)
        started = time.perf_counter()
        try:
            response = await client.get(path)
            status = response.status_code
            if status >= 400:
                tally[kind].examples.setdefault(status, f"{path[:80]}: {response.text[:300]}")
        except httpx.HTTPError as exc:
            status = 0
            tally[kind].examples.setdefault(status, f"{path[:80]}: {exc!r}")
        tally[kind].latencies.append(time.perf_counter() - started)
        tally[kind].statuses[status] += 1
        if status == 0 or status >= 400:
            tally[kind].errors += 1


async def curator(
    client: httpx.AsyncClient, name: str, token: str, until: float, writes: Writes
) -> None:
    """Add a triple of this curator's own to the shared graph again and again."""
    auth = {"Authorization": f"Bearer {token}"}
    number = 0
    while time.monotonic() < until:
        writes.attempted += 1
        number += 1
        label = f"load test write {number} by {name}"
        body = f'<{SUBJECT}> <{LABEL}> "{label}"@en .\n'
        started = time.perf_counter()
        response = await client.post(
            "/graphs",
            params={"graph": GRAPH},
            content=body.encode(),
            headers={**auth, "Content-Type": "application/n-triples"},
        )
        writes.latencies.append(time.perf_counter() - started)
        if response.status_code == 404 and writes.attempted == 1:
            writes.skipped = "POST /graphs answered 404: this server has no write routes"
            return
        if response.status_code >= 300:
            writes.refused += 1
            if writes.refused == 1:
                print(f"write refused: {response.status_code} {response.text[:300]}")
            continue
        writes.committed += 1
        writes.labels.append((name, label))


async def audit(client: httpx.AsyncClient, writes: Writes) -> dict[str, int]:
    """The committed writes missing from the graph, from /sparql, and from the history."""
    read = await client.get(
        "/graphs", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}
    )
    ask = f"SELECT ?label WHERE {{ GRAPH <{GRAPH}> {{ <{SUBJECT}> <{LABEL}> ?label }} }}"
    seen = await client.get(
        "/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+json"}
    )
    answered = {b["label"]["value"] for b in seen.json()["results"]["bindings"]}
    recorded: dict[str, int] = defaultdict(int)
    offset = 0
    while True:
        page = await client.get("/graphs/history", params={"limit": 100, "offset": offset})
        page.raise_for_status()
        entries = page.json()["@graph"]
        for entry in entries:
            if GRAPH in entry["graphs"]:
                recorded[entry["curator"].rsplit("/", 1)[-1]] += 1
        if not entries:
            break
        offset += len(entries)
    committed: dict[str, int] = defaultdict(int)
    for name, _ in writes.labels:
        committed[name] += 1
    return {
        "lost_graph_store": sum(label not in read.text for _, label in writes.labels),
        "lost_sparql": sum(label not in answered for _, label in writes.labels),
        "missing_from_history": sum(
            max(0, count - recorded[name]) for name, count in committed.items()
        ),
    }


async def run(
    url: str, duration: float, connections: int, tokens: dict[str, str]
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=connections + 1, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        tally: dict[str, Tally] = defaultdict(Tally)
        writes = Writes()
        requests = schedule()
        started = time.monotonic()
        until = started + duration
        tasks = [visitor(client, requests, until, tally) for _ in range(connections)]
        tasks += [curator(client, name, token, until, writes) for name, token in tokens.items()]
        await asyncio.gather(*tasks)
        seconds = time.monotonic() - started
        lost = await audit(client, writes) if writes.labels else {}
    every = Tally()
    for part in tally.values():
        every.latencies += part.latencies
        every.errors += part.errors
        for status, count in part.statuses.items():
            every.statuses[status] += count
    report: dict[str, Any] = {
        "duration_s": round(seconds, 1),
        "connections": connections,
        "all": every.summary(seconds),
        **{kind: part.summary(seconds) for kind, part in sorted(tally.items())},
    }
    if tokens:
        ordered = sorted(writes.latencies)
        report["writes"] = {
            "curators": sorted(tokens),
            "attempted": writes.attempted,
            "committed": writes.committed,
            "refused": writes.refused,
            **lost,
            "median_write_ms": round(1000 * statistics.median(ordered), 1) if ordered else None,
            "p99_write_ms": round(
                1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1
            )
            if ordered
            else None,
            "skipped": writes.skipped,
        }
    return report


@contextmanager
def served(curators: int, workers: int) -> Iterator[tuple[str, dict[str, str]]]:
    """``kg serve`` of the shipped data in a temporary store, on a free port, with
    ``curators`` named curators: its URL and their tokens by name."""
    from kg import curators as roster

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="kg-load-") as folder:
        names = Path(folder) / "curators.json"
        tokens = {
            name: roster.add(names, name) for name in (f"curator-{i + 1}" for i in range(curators))
        }
        env = {
            **os.environ,
            "KG_CURATORS_FILE": str(names),
            "KG_CLIENT_QUERY_SECONDS": "0",
            "KG_QUERY_WORKERS": str(workers),
        }
        kg = Path(sys.executable).with_name("kg")
        command = [str(kg), "serve", "--port", str(port), "--store", f"{folder}/store"]
        log = Path(folder) / "server.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
            )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, f"kg serve stopped:\n{log.read_text()}"
                assert time.monotonic() < deadline, "kg serve did not start"
                try:
                    if httpx.get(url + "/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            # The first /sparql query waits for the worker to start; not part of the test.
            httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=60)
            yield url, tokens
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--connections", type=int, default=10, help="concurrent visitors")
    parser.add_argument("--curators", type=int, default=0, help="curators writing meanwhile")
    parser.add_argument("--writer", action="store_true", help="one curator (--curators 1)")
    parser.add_argument("--workers", type=int, default=1, help="KG_QUERY_WORKERS of the server")
    parser.add_argument("--url", help="test this server instead of starting one")
    parser.add_argument("--token", help="a curator's token there (with --url: one curator)")
    args = parser.parse_args()
    writers = max(args.curators, 1 if args.writer else 0)
    if args.url:
        # A curator's token reads NAME.SECRET; the shared KG_WRITE_TOKEN writes as "operator".
        name = args.token.partition(".")[0] if args.token and "." in args.token else "operator"
        tokens = {name: args.token} if args.token and writers else {}
        report = asyncio.run(run(args.url, args.duration, args.connections, tokens))
    else:
        with served(writers, args.workers) as (url, tokens):
            report = asyncio.run(run(url, args.duration, args.connections, tokens))
    print(json.dumps(report, indent=2))
    out = Path(__file__).with_name("results") / "load_test.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
