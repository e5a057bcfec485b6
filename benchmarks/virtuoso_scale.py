"""Scale on Virtuoso: the same REST and SPARQL requests as scale.py (b), served by a Virtuoso 7.

Run: .venv/bin/python benchmarks/virtuoso_scale.py [--sizes 100000,1000000] [--runs 50]

For each size, the store that scale.py left in ``--work/N/loaded-store`` (the synthetic graph
imported into a store with the ontology and shapes, derived closures included; run scale.py
first) is copied into a throwaway Virtuoso (scripts/virtuoso.py, 127.0.0.1) graph by graph
through the Graph Store Protocol, and the app (``create_app`` with a ``SparqlStore``, the
response cache off) is asked the same URLs in process, over httpx's ASGI transport. Reported:
load time, p50/p99 per URL, and the same figures scale.py measured on pyoxigraph for
comparison. Results: benchmarks/results/virtuoso_scale.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import free_port, pick, request_latencies, rest_urls  # noqa: E402

from kg.settings import Settings  # noqa: E402
from kg.stores.sparql import SparqlStore  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "virtuoso_scale.json"
SCALE_RESULTS = ROOT / "benchmarks" / "results" / "scale.json"


def load(source: Path, store: SparqlStore) -> float:
    """Copy every graph of the pyoxigraph store at ``source`` into ``store``; seconds taken."""
    native = ox.Store.read_only(str(source))
    started = time.perf_counter()
    for graph in native.named_graphs():
        assert isinstance(graph, ox.NamedNode)
        data = native.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        store.replace_graph(graph.value, data)
    return time.perf_counter() - started


async def latencies(
    store: SparqlStore, urls: dict[str, str], runs: int, budget: float
) -> dict[str, Any]:
    from api.main import create_app

    settings = Settings(root=ROOT, store="memory", response_cache_entries=0, query_timeout=120)
    app = create_app(settings, store=store)
    async with app.router.lifespan_context(app):
        return await request_latencies(app, urls, runs, budget, "virtuoso")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds one URL may take before fewer runs"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench/work"))
    args = parser.parse_args()
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    oxigraph = json.loads(SCALE_RESULTS.read_text())["sizes"] if SCALE_RESULTS.exists() else {}
    script = str(ROOT / "scripts" / "virtuoso.py")
    for size in (int(s) for s in args.sizes.split(",")):
        source = args.work / str(size) / "loaded-store"
        if not source.is_dir():
            sys.exit(f"{source} is missing: run benchmarks/scale.py --sizes {size} first")
        print(f"{size:,} triples on Virtuoso", flush=True)
        with tempfile.TemporaryDirectory(prefix="kg-virtuoso-") as folder:
            http_port, isql_port = free_port(), free_port()
            ports = ["--http-port", str(http_port), "--isql-port", str(isql_port)]
            subprocess.run([sys.executable, script, "start", folder, *ports], check=True)
            try:
                base = f"http://127.0.0.1:{http_port}"
                store = SparqlStore(
                    base + "/sparql", base + "/sparql", gsp_endpoint=base + "/sparql-graph-crud"
                )
                seconds = load(source, store)
                print(f"    loaded in {seconds:.1f} s ({store.count():,} triples)", flush=True)
                native = ox.Store.read_only(str(source))
                urls = rest_urls(pick(native))
                measured = asyncio.run(latencies(store, urls, args.runs, args.budget))
                store.close()
            finally:
                subprocess.run([sys.executable, script, "stop", folder], check=False)
        on_oxigraph = oxigraph.get(str(size), {}).get("latency", {}).get("memory", {})
        results[str(size)] = {
            "load_seconds": seconds,
            "latency": measured,
            "oxigraph_for_comparison": on_oxigraph,
        }
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
