"""Virtuoso against the embedded store: the same REST requests, both engines, in one run.

Run: .venv/bin/python benchmarks/virtuoso_scale.py [--sizes 100000,1000000] [--runs 20]
         [--unions auto,list]

For each size, the synthetic graph (``kg synth --triples N --seed 0``) imported into a store
holding the ontology and shapes (``kg import rdf --no-validate``, derived closures included; the
same store benchmarks/scale.py measures, reused from ``--work/N/loaded-store`` when scale.py left
one) is served twice by the real app (``create_app``, the response cache off, requests in process
over httpx's ASGI transport): first by pyoxigraph in memory (scale.py's ``in_process``), then by a
throwaway Virtuoso 7 (scripts/virtuoso.py, 127.0.0.1) loaded from that store graph by graph
through the Graph Store Protocol. Both engines are measured in the same process and run, one
after the other, so that the ratio is fair on a machine others share; the absolute figures are
not. Reported: load time, p50/p99 per URL on each engine, and the ratio Virtuoso / embedded of
the p50s (target: 3x). The loaded Virtuoso is measured once per ``--unions`` mode of the
sparql: store (``SparqlStore(union=...)``; the first is the one reported as "virtuoso", the
others beside it under "virtuoso_by_union"), so that a mode is compared with another on the
same server and data. Results: benchmarks/results/virtuoso_scale.json.
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
from typing import Any, Final

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import (  # noqa: E402
    KG,
    contract_store,
    free_port,
    in_process,
    index_ready,
    pick,
    request_latencies,
    rest_urls,
)

from kg import search_index  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.stores.sparql import SparqlStore  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "virtuoso_scale.json"
#: Ratio of the p50s Virtuoso / embedded the REST answers must stay within (issue 12).
TARGET: Final = 3.0


def answer_urls(params: dict[str, Any]) -> dict[str, str]:
    """scale.py's URLs and the other answers a visitor asks for: lists, trees, the home page,
    VoID, an entity as RDF, so that every family of named queries is timed on both engines."""
    actor = params["actor"]
    return rest_urls(params) | {
        "collection_actors": "/api/actors",
        "collection_regions_in_asia": "/api/regions?within=asia",
        "priorities": "/api/priorities",
        "home_page": "/",
        "regions_page": "/regions",
        "themes_page": "/themes",
        "void": "/.well-known/void",
        "ld_entity_turtle": f"/id/{actor}?format=turtle",
    }


def prepare(size: int, work: Path) -> Path:
    """The loaded store for ``size`` triples, made as scale.py makes it unless it is there."""
    folder = work / str(size)
    loaded = folder / "loaded-store"
    if loaded.is_dir():
        return loaded
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"synth-{size}.nq"
    if not file.exists():
        print(f"    kg synth --triples {size}", flush=True)
        subprocess.run(
            [KG, "synth", "--triples", str(size), "--seed", "0", "-o", str(file)], check=True
        )
    staging = folder / "loading-store"
    shutil.rmtree(staging, ignore_errors=True)
    contract_store(staging)
    print("    kg import rdf --no-validate", flush=True)
    subprocess.run(
        [KG, "import", "rdf", str(file), "--store", str(staging), "--no-validate"],
        check=True,
        capture_output=True,
    )
    staging.rename(loaded)
    return loaded


def load(source: Path, store: SparqlStore) -> float:
    """Copy every graph of the pyoxigraph store at ``source`` into ``store``; seconds taken."""
    native = ox.Store.read_only(str(source))
    started = time.perf_counter()
    for graph in native.named_graphs():
        assert isinstance(graph, ox.NamedNode)
        data = native.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        store.replace_graph(graph.value, data)
    return time.perf_counter() - started


def server_cpu_ms(pid: int | None) -> float | None:
    """CPU time (user + system, every thread) the Virtuoso process ``pid`` has used so far, in
    ms: read around each URL's runs, it gives the server's share of an answer, which the
    client's ``cpu_p50`` does not include and which the wall clock of a shared machine blurs."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def virtuoso_pid(folder: str) -> int | None:
    """The pid scripts/virtuoso.py's server in ``folder`` wrote into its lock file."""
    lock = Path(folder) / "virtuoso.lck"
    for line in lock.read_text().splitlines() if lock.exists() else []:
        if line.startswith("VIRT_PID="):
            return int(line.removeprefix("VIRT_PID="))
    return None


async def on_server(
    store: SparqlStore, urls: dict[str, str], runs: int, budget: float, pid: int | None = None
) -> dict[str, Any]:
    from kg.api.main import create_app

    settings = Settings(root=ROOT, store="memory", response_cache_entries=0, query_timeout=120)
    app = create_app(settings, store=store)
    out: dict[str, Any] = {}
    async with app.router.lifespan_context(app):
        # As `kg serve` on a sparql: store does at startup (it opens the store itself; a store
        # handed to create_app gets no index): build the search index, then measure. Before
        # this, the benchmark timed search.rq on Virtuoso against the index embedded (104x).
        search_index.warm(store)
        await asyncio.to_thread(index_ready, store)
        # One URL at a time, so that an answer failing on Virtuoso (an exception in the app) is
        # recorded as such and the others are still measured.
        for name, url in urls.items():
            try:
                before = server_cpu_ms(pid)
                out |= await request_latencies(app, {name: url}, runs, budget, "virt")
                after = server_cpu_ms(pid)
                if before is not None and after is not None and "runs" in out[name]:
                    # Per request: the timed runs and the warm-up before them.
                    server = (after - before) / (out[name]["runs"] + 1)
                    out[name]["server_cpu"] = server
                    out[name]["cpu_total"] = out[name]["cpu_p50"] + server
                    print(f"    virt   {name}: server CPU {server:.1f} ms a request", flush=True)
            except Exception as exc:  # any failure is a figure to report
                out[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
                print(f"    virt   {name}: FAILED {out[name]['error']}", flush=True)
    return out


def on_virtuoso(
    source: Path, urls: dict[str, str], runs: int, budget: float, unions: list[str]
) -> tuple[float, dict[str, dict[str, Any]]]:
    """Load time of a throwaway Virtuoso loaded from ``source``, and the latencies measured
    through a sparql: store in each union mode of ``unions``."""
    script = str(ROOT / "scripts" / "virtuoso.py")
    measured: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="kg-virtuoso-") as folder:
        http_port, isql_port = free_port(), free_port()
        ports = ["--http-port", str(http_port), "--isql-port", str(isql_port)]
        subprocess.run([sys.executable, script, "start", folder, *ports], check=True)
        try:
            base = f"http://127.0.0.1:{http_port}"
            loader = SparqlStore(
                base + "/sparql", base + "/sparql", gsp_endpoint=base + "/sparql-graph-crud"
            )
            seconds = load(source, loader)
            print(f"    loaded in {seconds:.1f} s ({loader.count():,} triples)", flush=True)
            loader.close()
            for union in unions:
                print(f"    union={union}", flush=True)
                store = SparqlStore(base + "/sparql", union=union)
                measured[union] = asyncio.run(
                    on_server(store, urls, runs, budget, virtuoso_pid(folder))
                )
                store.close()
        finally:
            subprocess.run([sys.executable, script, "stop", folder], check=False)
    return seconds, measured


def ratios(
    embedded: dict[str, Any], virtuoso: dict[str, Any], key: str = "p50", base: str = "p50"
) -> dict[str, float]:
    """Virtuoso's ``key`` over the embedded store's ``base`` per URL: the p50s, or (``cpu_total``
    over ``cpu_p50``) the CPU an answer costs, client and server, against the embedded store's."""
    return {
        name: virtuoso[name][key] / embedded[name][base]
        for name in virtuoso
        if name in embedded and embedded[name].get(base) and virtuoso[name].get(key)
    }


def report(size: int, row: dict[str, Any]) -> None:
    for union, measured in row["virtuoso_by_union"].items():
        print(
            f"\n{size:,} triples, union={union}: p50 ms, embedded (pyoxigraph in memory) / "
            "Virtuoso / ratio"
        )
        for name, ratio in row["ratio_by_union"][union].items():
            embedded, virtuoso = row["embedded"][name]["p50"], measured[name]["p50"]
            verdict = "ok" if ratio <= TARGET else f"MISSED ({ratio / TARGET:.1f}x over)"
            cpu = row.get("cpu_ratio", {}).get(name) if union == row["union"] else None
            cpu_text = "" if cpu is None else f"  (CPU client+server {cpu:.2f}x)"
            print(f"  {name:28} {embedded:9.1f} {virtuoso:9.1f} {ratio:7.2f}x  {verdict}{cpu_text}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--budget", type=float, default=20.0, help="seconds one URL may take before fewer runs"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench/work"))
    parser.add_argument("--only", help="comma-separated URL names to measure (default: all)")
    parser.add_argument(
        "--unions",
        default="auto,list",
        help="sparql: store union modes to measure, the first reported as 'virtuoso'",
    )
    parser.add_argument(
        "--endpoint",
        help="a Virtuoso /sparql already loaded with --work's store (one size): measured "
        "instead of a throwaway server loaded here (no load time then)",
    )
    parser.add_argument(
        "--server-pid", type=int, help="with --endpoint: the server's pid, for its CPU time"
    )
    args = parser.parse_args()
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.pop("oxigraph_for_comparison", None)
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"{size:,} triples", flush=True)
        source = prepare(size, args.work)
        urls = answer_urls(pick(ox.Store.read_only(str(source))))
        if args.only:
            urls = {k: v for k, v in urls.items() if k in args.only.split(",")}
        embedded = asyncio.run(in_process(source, True, urls, args.runs, args.budget))
        unions = args.unions.split(",")
        seconds: float | None = None
        if args.endpoint:
            by_union = {}
            for union in unions:
                store = SparqlStore(args.endpoint, union=union)
                by_union[union] = asyncio.run(
                    on_server(store, urls, args.runs, args.budget, args.server_pid)
                )
        else:
            seconds, by_union = on_virtuoso(source, urls, args.runs, args.budget, unions)
        row = {
            "load_seconds": seconds,
            "embedded": {k: v for k, v in embedded.items() if k in urls},
            "virtuoso": by_union[unions[0]],
            "ratio": ratios(embedded, by_union[unions[0]]),
            "union": unions[0],
            "virtuoso_by_union": by_union,
            "ratio_by_union": {u: ratios(embedded, m) for u, m in by_union.items()},
            "cpu_ratio": ratios(embedded, by_union[unions[0]], "cpu_total", "cpu_p50"),
        }
        if args.only and str(size) in results:
            # Only some URLs were measured: the others keep the figures of the last full run.
            row = _merged(results[str(size)], row)
        report(size, row)
        results[str(size)] = row
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {RESULTS}")


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` over ``old``, nested mappings merged key by key (a URL measured again replaces
    its figures; the URLs not measured keep theirs)."""
    merged = dict(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(old.get(key), dict):
            merged[key] = _merged(old[key], value)
        elif value is not None or key not in old:
            merged[key] = value
    return merged


if __name__ == "__main__":
    main()
