"""Scale: loading, query latency, HTTP throughput and validation from 10k to 1M (10M) triples.

Run: .venv/bin/python benchmarks/scale.py [--sizes 10000,100000,1000000] [--runs 50]
     (10M, oxigraph loading only: --sizes 10000000; its file is about 2 GB of N-Quads)

For each size, on a graph from ``kg synth --triples N --seed 0`` (N-Quads, one graph per
synthetic document):

(a) loading, each as a whole process (wall time and peak RSS from ``os.wait4``): pyoxigraph's own
    ``bulk_load`` of the file into an empty store (the floor), ``kg import rdf --no-validate`` and
    ``kg import rdf`` (validated) into a store holding only the ontology and the shapes;
(b) latency p50/p99 of the REST queries and a SPARQL query, in process (httpx over ASGI, the real
    ``create_app``), the store served from memory and from disk, and of the SPARQL engine alone;
(c) HTTP throughput of entity detail: uvicorn (one process, 127.0.0.1) with the real app and with
    a bare ASGI "hello" app (``hello_app.py``), loaded by the same Python client (10 keep-alive
    connections in threads, 10 s); also the server's peak RSS;
(d) SHACL: the whole graph (up to --whole-shacl-max triples) and one changed named graph
    (``kg import rdf`` of one synthetic document's graph into the loaded store, validated);
(e) the SPARQL queries over HTTP through rdflib-endpoint (PyPI, installed into a scratch venv,
    never the project's) and through ``kg serve``'s /sparql, same data, up to 100k triples.

Requests that take long get fewer runs: each URL gets --runs runs or as many as fit in --budget
seconds, at least --min-runs (5); the JSON records how many. Results: benchmarks/results/scale.json (sizes
measured before are kept unless measured again); plots: benchmarks/plot.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import venv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import httpx
import pyoxigraph as ox

import kg
from kg._namespaces import GRAPH, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
BIN = Path(sys.executable).parent
KG = str(BIN / "kg")
REGION = "asia"  # a continent: the M49 region tree puts every Asian country under it

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
#: "Fundings inside a continent, largest first": what MEASURED.md timed, with the path.
SPARQL_REGION = SPARQL_PREFIXES + (
    "SELECT ?funding ?value WHERE {\n"
    "  ?funding schema:funder [] ; schema:amount/schema:value ?value ;\n"
    "    (schema:areaServed|schema:fundedItem/schema:areaServed)/schema:containedInPlace* id:"
    + REGION
    + " .\n} ORDER BY DESC(?value) LIMIT 100"
)
#: The same through the closure that kg.derive materialises (not in rdflib-endpoint's data).
SPARQL_REGION_DERIVED = SPARQL_REGION.replace("schema:containedInPlace*", "ck:withinPlace")
SPARQL_ENTITY = SPARQL_PREFIXES + "SELECT ?p ?o WHERE {{ id:{slug} ?p ?o }}"

BULK_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
store.flush()
"""


# Processes ------------------------------------------------------------------------------------


#: GNU time measures the command as a child of its own small process: ``os.wait4`` on a child of
#: this (large) process would also count the memory it had when it forked (Linux records the old
#: address space's high-water mark at ``exec``), several GB once a store was loaded here.
TIME: Final = Path("/usr/bin/time")


def measured(
    command: list[str],
    env: dict[str, str] | None = None,
    *,
    stdout: Path | None = None,
    timeout: float | None = None,
    max_rss_mb: float | None = None,
) -> dict[str, Any]:
    """Run ``command`` to its end: wall seconds and its peak RSS in MB (GNU time's maximum
    resident set size: the largest of the process and the children it waited for, not their
    sum; without /usr/bin/time, from ``os.wait4``).

    ``stdout``: a file that receives the command's output (else it is dropped). ``timeout`` and
    ``max_rss_mb`` stop the command's whole process group when it runs longer or its processes
    together hold more (polled every 0.2 s), so that a run cannot starve a shared machine; the
    result then says why under ``"stopped"`` (with the largest resident size seen) instead of
    raising."""
    started = time.perf_counter()
    guarded = timeout is not None or max_rss_mb is not None
    with contextlib.ExitStack() as stack:
        sink = stack.enter_context(stdout.open("wb")) if stdout else subprocess.DEVNULL
        # stderr to a scratch file: a pipe left unread would block a chatty child.
        errors_file = stack.enter_context(tempfile.TemporaryFile())
        rss_file = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "rss"
        timed = [str(TIME), "-f", "%M", "-o", str(rss_file), *command] if TIME.exists() else command
        process = subprocess.Popen(
            timed, env=env, stdout=sink, stderr=errors_file, cwd=ROOT, start_new_session=guarded
        )
        watch: dict[str, Any] = {"stopped": None, "rss_mb": 0.0}
        if guarded:
            threading.Thread(
                target=_watch, args=(process, started, timeout, max_rss_mb, watch), daemon=True
            ).start()
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors_file.seek(0)
        errors = errors_file.read()
        reported = rss_file.read_text().split() if rss_file.exists() else []
    peak = int(reported[-1]) / 1024 if reported else usage.ru_maxrss / 1024  # both in kB
    if watch["stopped"]:
        return {"seconds": seconds, "peak_rss_mb": watch["rss_mb"], "stopped": watch["stopped"]}
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    return {"seconds": seconds, "peak_rss_mb": peak}


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (0 once it is gone)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
    return total


def _watch(
    process: subprocess.Popen[bytes],
    started: float,
    timeout: float | None,
    max_rss_mb: float | None,
    watch: dict[str, Any],
) -> None:
    while True:
        try:  # WNOWAIT: only look; the caller's wait4 collects the exit and its rusage
            if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                return
        except ChildProcessError:
            return
        elapsed = time.perf_counter() - started
        rss = tree_rss_mb(process.pid)
        watch["rss_mb"] = max(watch["rss_mb"], rss)
        if timeout is not None and elapsed > timeout:
            watch["stopped"] = f"stopped after {timeout:.0f} s"
        elif max_rss_mb is not None and rss > max_rss_mb:
            watch["stopped"] = f"stopped at {rss:.0f} MB resident (limit {max_rss_mb:.0f} MB)"
        if watch["stopped"]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            return
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server(
    command: list[str],
    port: int,
    ready: str,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process and wait until GET ``ready`` answers 200."""
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}{ready}", timeout=60).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(command)} did not answer within {timeout} s")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# Statistics -----------------------------------------------------------------------------------


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))],
        "runs": len(ordered),
    }


MIN_RUNS = 5


def planned_runs(first_seconds: float, runs: int, budget: float) -> int:
    return max(MIN_RUNS, min(runs, int(budget / max(first_seconds, 1e-6))))


# (a) Loading ----------------------------------------------------------------------------------


def contract_store(path: Path) -> None:
    """A store with only the ontology and the shapes, as a build writes them."""
    store = ox.Store(str(path))
    for role in ("ontology", "shapes"):
        for file in sorted((ROOT / role).glob("*.ttl")):
            store.load(
                path=str(file),
                format=ox.RdfFormat.TURTLE,
                base_iri=file.as_uri(),
                to_graph=ox.NamedNode(str(GRAPH[role])),
            )
    store.flush()
    del store


def loading(file: Path, work: Path, runs: int, validated: bool) -> dict[str, Any]:
    base = work / "contract-store"
    if not base.exists():
        contract_store(base)
    results: dict[str, list[dict[str, float]]] = {"bulk_load": [], "import_no_validate": []}
    if validated:
        results["import_validated"] = []
    for _ in range(runs):
        for name in results:
            target = work / f"load-{name}"
            shutil.rmtree(target, ignore_errors=True)
            if name == "bulk_load":
                command = [sys.executable, "-c", BULK_LOAD, str(target), str(file)]
            else:
                shutil.copytree(base, target)
                command = [KG, "import", "rdf", str(file), "--store", str(target)]
                if name == "import_no_validate":
                    command.append("--no-validate")
            results[name].append(measured(command))
            print(
                f"    {name}: {results[name][-1]['seconds']:.2f} s, "
                f"{results[name][-1]['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    out: dict[str, Any] = {}
    for name, samples in results.items():
        out[name] = {
            "seconds": statistics.median(s["seconds"] for s in samples),
            "peak_rss_mb": max(s["peak_rss_mb"] for s in samples),
            "runs": len(samples),
        }
    floor = out["bulk_load"]["seconds"]
    for name in results:
        out[name]["vs_bulk_load"] = out[name]["seconds"] / floor
    # Keep the imported store for the other measurements.
    loaded = work / "loaded-store"
    shutil.rmtree(loaded, ignore_errors=True)
    (work / "load-import_no_validate").rename(loaded)
    return out


# (b) Latency in process -----------------------------------------------------------------------


def pick(store: ox.Store) -> dict[str, str]:
    """Request parameters that exist at every size: a typical funder (the median by number of
    fundings: the busiest, Japan, has 48 at 10k and thousands at 1M), a word for search."""
    rows = store.query(
        "SELECT ?funder (COUNT(*) AS ?n) WHERE { ?f schema:funder ?funder } "
        "GROUP BY ?funder ORDER BY DESC(?n) ?funder",
        prefixes=PREFIXES,
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    funders = [row["funder"] for row in rows]
    funder = funders[len(funders) // 2]
    assert isinstance(funder, ox.NamedNode)
    slug = funder.value.removeprefix(PREFIXES["id"])
    return {"actor": slug, "search": "health"}


def rest_urls(params: dict[str, str]) -> dict[str, str]:
    return {
        "fundings_region": f"/api/fundings?region={REGION}",
        "fundings_summary_funder": "/api/fundings/summary?by=funder",
        "entity_detail": f"/api/actors/{params['actor']}",
        "search": f"/api/search?q={params['search']}",
        "sparql_region": "/sparql?query=" + quote(SPARQL_REGION),
        "sparql_region_derived": "/sparql?query=" + quote(SPARQL_REGION_DERIVED),
    }


async def request_latencies(
    app: Any, urls: dict[str, str], runs: int, budget: float, label: str
) -> dict[str, Any]:
    """p50/p99 of each URL asked of ``app`` (running) in process over httpx's ASGI transport:
    ``runs`` times, or as many as fit in ``budget`` seconds."""
    out: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", timeout=3600
    ) as client:
        for name, url in urls.items():
            started = time.perf_counter()
            (await client.get(url)).raise_for_status()  # warm-up
            count = planned_runs(time.perf_counter() - started, runs, budget)
            samples = []
            for _ in range(count):
                started = time.perf_counter()
                response = await client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            out[name] = summary(samples) | {"bytes": len(response.content)}
            print(f"    {label:6} {name}: p50 {out[name]['p50']:.1f} ms ({count} runs)", flush=True)
    return out


async def in_process(
    store_path: Path, from_memory: bool, urls: dict[str, str], runs: int, budget: float
) -> dict[str, Any]:
    from api.main import create_app
    from kg.settings import Settings

    # The response cache off: these figures are the cost of computing an answer, not of
    # replaying one (the throughput section measures both).
    settings = Settings(
        root=ROOT, store=str(store_path), serve_from_memory=from_memory, response_cache_entries=0
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        label = "memory" if from_memory else "disk"
        out = await request_latencies(app, urls, runs, budget, label)
        store = app.state.store.native
        for name, text in (
            ("engine_region", SPARQL_REGION),
            ("engine_region_derived", SPARQL_REGION_DERIVED),
        ):
            samples = []
            for _ in range(min(runs, 20)):
                started = time.perf_counter()
                list(store.query(text, use_default_graph_as_union=True))
                samples.append((time.perf_counter() - started) * 1000)
            out[name] = summary(samples)
    return out


# (c) Throughput -------------------------------------------------------------------------------


def hammer(port: int, path: str, seconds: float = 10, connections: int = 10) -> dict[str, float]:
    """Requests per second from ``connections`` keep-alive clients in threads."""
    stop = time.monotonic() + seconds
    counts = [0] * connections
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures = [0] * connections

    def client(i: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                counts[i] += 1
                latencies[i].append((time.perf_counter() - started) * 1000)
            else:
                failures[i] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged = [x for row in latencies for x in row]
    return {
        "requests_per_s": sum(counts) / elapsed,
        "p50_ms": statistics.median(merged) if merged else float("nan"),
        "p99_ms": sorted(merged)[round(0.99 * (len(merged) - 1))] if merged else float("nan"),
        "failures": sum(failures),
    }


def throughput(store_path: Path, entity_url: str, seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kg_app = ["api.main:create_app", "--factory"]
    for name, target, ready, url, cache in (
        ("hello", ["hello_app:app", "--app-dir", str(ROOT / "benchmarks")], "/", "/", "0"),
        ("kg", kg_app, "/health", entity_url, "0"),
        # The same with the response cache (api/cache.py): every request after the first is a
        # replay, which is what repeated reads of one entity cost between two writes.
        ("kg_cached", kg_app, "/health", entity_url, "2048"),
    ):
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            *target,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        env = os.environ | {
            "KG_ROOT": str(ROOT),
            "KG_STORE": str(store_path),
            "KG_RESPONSE_CACHE_ENTRIES": cache,
        }
        with server(command, port, ready, env) as process:
            hammer(port, url, seconds=1)  # warm-up
            out[name] = hammer(port, url, seconds=seconds) | {
                "server_peak_rss_mb": peak_rss_mb(process.pid)
            }
        print(
            f"    {name}: {out[name]['requests_per_s']:.0f} req/s, "
            f"server peak RSS {out[name]['server_peak_rss_mb']:.0f} MB",
            flush=True,
        )
    out["ratio"] = out["kg"]["requests_per_s"] / out["hello"]["requests_per_s"]
    out["ratio_cached"] = out["kg_cached"]["requests_per_s"] / out["hello"]["requests_per_s"]
    return out


# (d) SHACL ------------------------------------------------------------------------------------


def shacl(file: Path, work: Path, triples: int, whole_max: int) -> dict[str, Any]:
    from kg.importer import Contract, _parse, import_rdf
    from kg.settings import Settings
    from kg.stores.oxigraph import OxigraphStore
    from kg.validate import validate

    contract = Contract.load(Settings(root=ROOT))
    out: dict[str, Any] = {}
    if triples <= whole_max:
        started = time.perf_counter()
        data, _graphs, _nodes = _parse(file, None, lambda *_: None)
        parsed = time.perf_counter()
        validate(data, shapes=contract.shapes, ontology=contract.ontology)
        out["whole"] = {
            "triples": len(data),
            "parse_seconds": parsed - started,
            "validate_seconds": time.perf_counter() - parsed,
        }
        del data
    copy = work / "shacl-store"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(work / "loaded-store", copy)
    store = OxigraphStore(copy)
    graph = f"{GRAPH}synth-1"
    one = work / "one-graph.nq"
    one.write_bytes(store.dump("nquads", graph))
    started = time.perf_counter()
    result = import_rdf(store, one, graph=graph, contract=contract)
    out["one_graph"] = {
        "graph": graph,
        "triples": result.quads,
        "store_triples": store.count(),
        "total_seconds": time.perf_counter() - started,
        **{f"{phase}_seconds": s for phase, s in result.seconds.items()},
    }
    store.close()
    shutil.rmtree(copy, ignore_errors=True)
    return out


# (e) rdflib-endpoint --------------------------------------------------------------------------


def rdflib_endpoint_python(work: Path) -> Path | None:
    """A scratch venv with rdflib-endpoint from PyPI, or None (with a note) if it will not install."""
    env_dir = work.parent / "venv-rdflib-endpoint"
    python = env_dir / "bin" / "python"
    if (env_dir / "bin" / "rdflib-endpoint").exists():
        return python
    print("    installing rdflib-endpoint into a scratch venv (not the project's)", flush=True)
    try:
        venv.create(env_dir, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "rdflib-endpoint[cli]", "uvicorn"],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"    note: rdflib-endpoint did not install ({exc}); skipping (e)", flush=True)
        return None
    return python


def sparql_over_http(
    port: int, path: str, queries: dict[str, str], runs: int, budget: float
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=3600) as client:
        for name, text in queries.items():
            headers = {"Accept": "application/sparql-results+json"}
            started = time.perf_counter()
            client.get(path, params={"query": text}, headers=headers).raise_for_status()
            count = planned_runs(time.perf_counter() - started, runs, budget)
            samples = []
            for _ in range(count):
                started = time.perf_counter()
                response = client.get(path, params={"query": text}, headers=headers)
                samples.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            out[name] = summary(samples) | {"rows": len(response.json()["results"]["bindings"])}
    return out


def compare_endpoints(
    file: Path, store_path: Path, slug: str, work: Path, runs: int, budget: float
) -> dict[str, Any]:
    python = rdflib_endpoint_python(work)
    if python is None:
        return {"skipped": "rdflib-endpoint did not install from PyPI"}
    queries = {"region": SPARQL_REGION, "entity": SPARQL_ENTITY.format(slug=slug)}
    out: dict[str, Any] = {}
    port = free_port()
    command = [
        str(python.with_name("rdflib-endpoint")),
        "serve",
        str(file),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    started = time.perf_counter()
    # rdflib-endpoint 0.6 answers SPARQL at "/", not "/sparql".
    with server(command, port, "/?query=" + quote("ASK {}")) as process:
        out["rdflib_endpoint_start_seconds"] = time.perf_counter() - started
        out["rdflib_endpoint"] = sparql_over_http(port, "/", queries, runs, budget)
        out["rdflib_endpoint"]["server_peak_rss_mb"] = peak_rss_mb(process.pid)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    env = os.environ | {"KG_ROOT": str(ROOT), "KG_STORE": str(store_path)}
    with server(command, port, "/health", env) as process:
        out["kg"] = sparql_over_http(port, "/sparql", queries, runs, budget)
        out["kg"]["server_peak_rss_mb"] = peak_rss_mb(process.pid)
    for name in queries:
        print(
            f"    {name}: rdflib-endpoint p50 {out['rdflib_endpoint'][name]['p50']:.1f} ms, "
            f"kg p50 {out['kg'][name]['p50']:.1f} ms",
            flush=True,
        )
    return out


# Driver ---------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        None,
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    from importlib.metadata import version

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_mb": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            p: version(p) for p in ("pyoxigraph", "rdflib", "pyshacl", "fastapi", "uvicorn")
        },
        "kg": kg.__version__,
    }


def measure(size: int, args: argparse.Namespace) -> dict[str, Any]:
    work = args.work / str(size)
    work.mkdir(parents=True, exist_ok=True)
    file = work / f"synth-{size}.nq"
    if not file.exists():
        subprocess.run(
            [KG, "synth", "--triples", str(size), "--seed", "0", "-o", str(file)],
            check=True,
            capture_output=True,
        )
    out: dict[str, Any] = {"file_bytes": file.stat().st_size}
    validated = size <= args.validate_max
    print(f"  (a) loading ({'with' if validated else 'without'} validated import)", flush=True)
    out["load"] = loading(file, work, 1 if size >= 1_000_000 else args.load_runs, validated)
    store_path = work / "loaded-store"
    reader = ox.Store.read_only(str(store_path))
    out["triples"] = len(reader)
    params = pick(reader)
    del reader
    out["params"] = params
    if size > args.query_max:
        return out
    urls = rest_urls(params)
    print("  (b) latency in process", flush=True)
    out["latency"] = {
        "memory": asyncio.run(in_process(store_path, True, urls, args.runs, args.budget)),
    }
    if size <= args.disk_max:
        out["latency"]["disk"] = asyncio.run(
            in_process(store_path, False, urls, args.runs, args.budget)
        )
    print("  (c) HTTP throughput of entity detail", flush=True)
    out["throughput"] = throughput(store_path, urls["entity_detail"], args.seconds)
    print("  (d) SHACL", flush=True)
    out["shacl"] = shacl(file, work, size, args.whole_shacl_max)
    if size <= args.endpoint_max:
        print("  (e) rdflib-endpoint", flush=True)
        out["rdflib_endpoint"] = compare_endpoints(
            file, store_path, params["actor"], work, args.runs, args.budget
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="comma-separated triple counts"
    )
    parser.add_argument("--runs", type=int, default=50, help="timed requests per URL")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds one URL may take in all before it gets fewer runs",
    )
    parser.add_argument(
        "--min-runs", type=int, default=5, help="fewest runs of a URL over its budget"
    )
    parser.add_argument("--load-runs", type=int, default=3, help="runs per load below 1M")
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput run length")
    parser.add_argument(
        "--validate-max", type=int, default=1_000_000, help="largest size for the validated import"
    )
    parser.add_argument(
        "--query-max",
        type=int,
        default=1_000_000,
        help="largest size for (b)-(e); larger sizes measure loading only",
    )
    parser.add_argument(
        "--disk-max", type=int, default=1_000_000, help="largest size served from disk in (b)"
    )
    parser.add_argument("--whole-shacl-max", type=int, default=100_000)
    parser.add_argument("--endpoint-max", type=int, default=100_000)
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/kg-bench/work"),
        help="scratch folder (synthetic files are kept and reused)",
    )
    args = parser.parse_args()
    if args.runs < 50:
        parser.error("--runs must be at least 50")
    global MIN_RUNS
    MIN_RUNS = args.min_runs
    sizes = [int(s) for s in args.sizes.split(",")]
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"sizes": {}}
    results["machine"] = machine()
    for size in sizes:
        print(f"{size:,} triples", flush=True)
        results["sizes"][str(size)] = measure(size, args) | {
            "when": datetime.now(UTC).isoformat(timespec="seconds")
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
