"""A write whose change is large: ``DELETE /graphs`` of one graph (default: the biggest data
graph) on a copy of a prepared store, served from memory as ``kg serve`` does.

Run: .venv/bin/python benchmarks/large_write.py --store DIR [--graph IRI] [--baseline CHECKOUT]

The PUT row of ``scale.py`` replaces a graph with itself plus one comment, a change of a few
quads; this times the other end, such as removing an imported IATI file's graph (977,786 quads
at 1M triples). Each run works on its own copy of ``--store`` (the write changes it), in a
child process with this checkout's code and, given ``--baseline``, with that checkout's, one
after the other on the same machine state. Prints the seconds of the request and the writer's
own phases (stage, apply, derive, validate, backup, commit, serve) and writes
``results/large_write.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "large_write.json"
TOKEN = "large-write-benchmark-" + "x" * 32


def biggest_data_graph(store_dir: Path) -> str:
    """The named graph with the most quads, the derived graph and the vocabularies aside."""
    import pyoxigraph as ox

    from kg._namespaces import RESERVED_GRAPHS

    native = ox.Store.read_only(str(store_dir))
    sizes = {
        g.value: sum(1 for _ in native.quads_for_pattern(None, None, None, g))
        for g in native.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value not in RESERVED_GRAPHS
    }
    return max(sizes, key=lambda g: sizes[g])


async def _delete(store_dir: str, graph: str) -> dict[str, Any]:
    import httpx

    from kg.api.main import create_app
    from kg.settings import Settings

    settings = Settings(
        root=ROOT, store=store_dir, write_token=TOKEN, response_cache_entries=0, backup_keep=0
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = await client.delete(
                "/graphs",
                params={"graph": graph},
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=3600,
            )
            seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    response.raise_for_status()
    answer = response.json()
    return {"seconds": seconds, "cpu_seconds": cpu, "phases": answer.get("seconds")}


def run_with(code: Path, store_dir: Path, graph: str) -> dict[str, Any]:
    """One DELETE on a fresh copy of ``store_dir``, in a child with ``code``'s ``kg``."""
    with tempfile.TemporaryDirectory(prefix="kg-large-write-") as scratch:
        copy = Path(scratch) / "store"
        shutil.copytree(store_dir, copy)
        env = {**os.environ, "PYTHONPATH": f"{code / 'src'}{os.pathsep}{code}"}
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(copy), graph],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"the run with {code} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="the prepared store (a directory), copied")
    parser.add_argument("--graph", help="the graph to delete (default: the biggest data graph)")
    parser.add_argument("--baseline", type=Path, help="another checkout to time the same way")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        store_dir, graph = args.child
        print(json.dumps(asyncio.run(_delete(store_dir, graph))))
        return
    if args.store is None:
        parser.error("--store is required")
    graph = args.graph or biggest_data_graph(args.store)
    runs = {"this checkout": ROOT} | ({"baseline": args.baseline} if args.baseline else {})
    out: dict[str, Any] = {"store": str(args.store), "graph": graph}
    for name, code in runs.items():
        measured = run_with(code, args.store, graph)
        out[name] = measured
        phases = ", ".join(f"{k} {v:.1f}" for k, v in (measured["phases"] or {}).items())
        print(f"{name}: DELETE {graph}: {measured['seconds']:.1f} s ({phases})", flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
