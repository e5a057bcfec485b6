"""Entity detail p50 for the median funder and the most-connected entity, before and after.

Run: .venv/bin/python benchmarks/entity_detail.py [--store DIR ...] [--baseline /work/main]
     [--runs 30]

For each store (default: the shipped build ``.kg/store`` and ``/work/bench-data/store-1M``)
this picks two entities once: the median funder by number of fundings (as ``scale.py`` does)
and the most-connected entity (the IRI under ``id:`` with the most incoming statements). It
then times ``GET /api/{collection}/{slug}`` in process (``create_app`` over the store served
from memory, as ``kg serve`` does, response cache off) with this checkout's code and, when
``--baseline`` names another checkout, with that one's, each in its own child process one
after the other, so that both figures come from the same run on the same machine state
(the cores are shared: compare the two, not figures from different runs). Prints one line
per figure and writes ``results/entity_detail.json``. Besides wall time it records the process's
CPU time per request (``time.process_time``, every thread): on a shared machine a request
waiting for a core shows in the first, not in the second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "entity_detail.json"
ID = "https://w3id.org/coop-kg/id/"
PICK = """
PREFIX schema: <https://schema.org/>
SELECT ?funder (COUNT(*) AS ?n) WHERE { ?f schema:funder ?funder }
GROUP BY ?funder ORDER BY DESC(?n) ?funder
"""
CONNECTED = f"""
SELECT ?o (COUNT(*) AS ?n) WHERE {{
  ?s ?p ?o FILTER (isIRI(?o) && STRSTARTS(STR(?o), "{ID}"))
}} GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 50
"""


def pick(store_dir: Path) -> dict[str, str]:
    """URLs of the median funder and of the most-connected entity that is in a collection
    (the most-pointed-at IRI may be a concept scheme, which no REST route lists)."""
    import pyoxigraph as ox

    from kg.entities import COLLECTIONS, kind_map
    from kg.stores.oxigraph import OxigraphStore

    native = ox.Store.read_only(str(store_dir))
    funders = [r["funder"].value for r in native.query(PICK, use_default_graph_as_union=True)]
    median = funders[len(funders) // 2]
    store = OxigraphStore.wrapping(native)
    kinds = kind_map(store)
    collection_of = {kind: name for name, kind in COLLECTIONS.items()}
    for row in native.query(CONNECTED, use_default_graph_as_union=True):
        top = row["o"].value
        types = [
            r[0].value
            for r in native.query(
                f"SELECT ?t WHERE {{ <{top}> a ?t }}", use_default_graph_as_union=True
            )
        ]
        found = kinds.kinds_of(types)
        if found:
            most = f"/api/{collection_of[found[0]]}/{top.removeprefix(ID)}"
            break
    else:
        raise SystemExit("no entity of any kind among the 50 most connected")
    return {"median_funder": f"/api/actors/{median.removeprefix(ID)}", "most_connected": most}


async def _measure(store_dir: str, urls: dict[str, str], runs: int) -> dict[str, Any]:
    import httpx

    from kg.api.main import create_app
    from kg.settings import Settings

    settings = Settings(
        root=ROOT, store=store_dir, serve_from_memory=True, response_cache_entries=0
    )
    app = create_app(settings)
    out: dict[str, Any] = {}
    async with app.router.lifespan_context(app):
        await asyncio.to_thread(_wait_for_search_index, app.state.store)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, url in urls.items():
                (await client.get(url, timeout=600)).raise_for_status()  # warm-up
                samples, cpu = [], []
                for _ in range(runs):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = await client.get(url, timeout=600)
                    samples.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                    response.raise_for_status()
                out[name] = {
                    "url": url,
                    "p50_ms": statistics.median(samples),
                    "cpu_p50_ms": statistics.median(cpu),
                    "runs": runs,
                    "bytes": len(response.content),
                }
    return out


def _wait_for_search_index(store: Any, seconds: float = 600.0) -> None:
    """Wait for the search index a served app builds in a thread at startup (seconds at 1M
    triples): requests timed while it builds compete with it for the interpreter, which put
    the median funder at 27.8 ms at 1M where the steady state is 11.7 ms."""
    from kg import search_index

    deadline = time.monotonic() + seconds
    while search_index.index_for(store) is None:
        if time.monotonic() > deadline:
            raise SystemExit(f"the search index was not built within {seconds:g} s")
        time.sleep(0.2)


def child(store_dir: str, urls: str, runs: int) -> None:
    """In the child process: measure with whatever ``kg``/``api`` is on sys.path."""
    print(json.dumps(asyncio.run(_measure(store_dir, json.loads(urls), runs))))


def run_with(code: Path, store_dir: Path, urls: dict[str, str], runs: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{code / 'src'}{os.pathsep}{code}"}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(store_dir), json.dumps(urls), str(runs)],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="append", type=Path)
    parser.add_argument("--baseline", type=Path, help="another checkout to measure first")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    stores = args.store or [ROOT / ".kg" / "store", Path("/work/bench-data/store-1M")]
    results: dict[str, Any] = {}
    for store_dir in stores:
        urls = pick(store_dir)
        print(f"{store_dir}: {urls}", flush=True)
        codes = ([("before", args.baseline)] if args.baseline else []) + [("after", ROOT)]
        for label, code in codes:
            figures = run_with(code, store_dir, urls, args.runs)
            results.setdefault(str(store_dir), {})[label] = figures
            for name, f in figures.items():
                print(
                    f"  {label:6} {name:15} p50 {f['p50_ms']:8.1f} ms  "
                    f"(CPU {f['cpu_p50_ms']:8.1f} ms)  "
                    f"{f['bytes']:>9} bytes  ({f['runs']} runs)",
                    flush=True,
                )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
