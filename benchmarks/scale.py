"""Scale: loading, query latency, writes, HTTP throughput and validation from 10k to 10M triples,
on two datasets, and the issue-12 targets table built from the figures.

Run: .venv/bin/python benchmarks/scale.py [--sizes 10000,100000,1000000] [--datasets synth,iati]
     [--runs 50] [--work /tmp/kg-bench/work]
     10M: --sizes 10000000 (loading, then search and fundings served from memory if the machine
     has the memory free, else from disk, and the JSON says so; the synthetic file is ~2 GB)
     --targets-only: rewrite the targets table from results/scale.json without measuring.

Datasets, each at comparable triple counts:
- ``synth``: ``kg synth --triples N --seed 0`` (N-Quads, one graph per synthetic document), loaded
  into a store holding only the ontology and the shapes;
- ``iati``: ``iati_generate.py`` (seed 0) with N / 217 activities (the importer writes about 217
  quads per generated activity: 10k, 100k, 1M, 10M triples are 46, 461, 4,608, 46,083
  activities), imported by ``kg import iati`` into a store ``kg build`` made from the shipped data
  (the importer matches organisations, places and sectors against it).

For each size and dataset:

(a) loading, each as a whole process (wall time and peak RSS, ``measured``): ``kg import
    rdf|iati --no-validate``, the validated import (up to --validate-max), and the floor,
    pyoxigraph's own ``bulk_load`` into an empty store of the quads the import adds (synth: the
    file itself; iati: the imported graph dumped as N-Quads). Every step is stopped past
    --load-timeout seconds or --max-rss-mb resident and recorded as stopped;
(b) latency p50/p99 of the REST queries (fundings in a continent, summaries by funder, region and
    year, entity detail of the median funder and of the most-connected entity, search) and of a
    SPARQL query, in process (httpx over ASGI, the real ``create_app``, response cache off), in a
    child process guarded like (a), store served from memory and (up to --disk-max) from disk;
    above --query-max only search and fundings (the 10M targets) are timed;
(c) a one-graph Graph Store Protocol PUT on the loaded store (a copy), in process through the
    real app with a write token: the graph's own triples with one comment added, then without it
    (each PUT a real change), --put-runs times;
(d) HTTP throughput of entity detail: uvicorn (one process, 127.0.0.1) with the real app and with
    a bare ASGI "hello" app (``hello_app.py``), loaded by the same Python client (10 keep-alive
    connections in threads, 10 s); also the server's peak RSS (up to --throughput-max);
(e) synth only: SHACL on the whole graph (up to --whole-shacl-max triples) and on one changed
    named graph (``kg import rdf`` of one synthetic document's graph into the loaded store);
(f) synth only: the SPARQL queries over HTTP through rdflib-endpoint (PyPI, installed into a
    scratch venv, never the project's) and through ``kg serve``'s /sparql, up to 100k triples.

Requests that take long get fewer runs: each URL gets --runs runs or as many as fit in --budget
seconds, at least --min-runs (5); the JSON records how many, and the load average before and
after each size (the machine is shared). Results: benchmarks/results/scale.json under
``datasets.<name>.<size>`` (sizes measured before are kept unless measured again), then the
targets of issue 12 (``TARGETS``: figure, ratio, verdict) into the JSON and, as Markdown, between
the markers in benchmarks/README.md; plots: benchmarks/plot.py.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import iati_generate  # beside this file (benchmarks/ is not a package)
import scale_targets

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
README: Final = ROOT / "benchmarks" / "README.md"
TARGETS_START: Final = "<!-- scale-targets: table written by scale.py -->"
TARGETS_END: Final = "<!-- /scale-targets -->"
BIN = Path(sys.executable).parent
KG = str(BIN / "kg")
REGION = "asia"  # a continent: the M49 region tree puts every Asian country under it
DATASETS: Final = ("synth", "iati")
#: Quads ``kg import iati`` writes per generated activity (977,786 for 4,500 activities, seed 0),
#: so that an IATI size in triples matches the synthetic one.
IATI_QUADS_PER_ACTIVITY: Final = 217
#: The graph the one-graph PUT replaces: a synthetic document's graph, and a curated graph of the
#: shipped data (the IATI store is built from it; its own IATI graph is the whole file).
PUT_GRAPH: Final = {"synth": f"{GRAPH}synth-1", "iati": f"{GRAPH}japan-unodc-2024-2026"}
#: Requests timed above --query-max: the ones issue 12 sets a 10M target for.
LARGE_URLS: Final = ("search", "fundings_region")

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
#: "Fundings inside a continent, largest first": what docs/measured.md timed, with the path.
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
        timed = (
            [str(TIME), "-f", "%U %S %M", "-o", str(rss_file), *command]
            if TIME.exists()
            else command
        )
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
    # CPU seconds (user + system, the command and the children it waited for): on a shared
    # machine wall time includes waiting for a core; CPU time mostly does not.
    cpu = (
        float(reported[-3]) + float(reported[-2])
        if len(reported) >= 3
        else usage.ru_utime + usage.ru_stime
    )
    if watch["stopped"]:
        return {"seconds": seconds, "peak_rss_mb": watch["rss_mb"], "stopped": watch["stopped"]}
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak}


def finished(step: dict[str, Any] | None) -> bool:
    """Whether a ``measured`` (or ``guarded``) step ran to its end: not stopped, not failed."""
    return step is not None and "stopped" not in step and "failed" not in step


def guarded(command: list[str], args: argparse.Namespace, **options: Any) -> dict[str, Any]:
    """``measured`` under the run's limits (--load-timeout, --max-rss-mb unless given): a refusal
    (a non-zero exit, e.g. data that does not conform) is a result too, under ``"failed"``."""
    options.setdefault("timeout", args.load_timeout)
    options.setdefault("max_rss_mb", args.max_rss_mb)
    try:
        return measured(command, **options)
    except RuntimeError as error:
        return {"failed": str(error)[-2000:]}


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
#: KG_QUERY_TIMEOUT of the app under measure (seconds).
DEADLINE: Final = 600.0


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


#: Base stores made by this process: made again by the next run, which may run newer code.
_BASES: set[Path] = set()


def base_store(dataset: str, work: Path, *, kg: str = KG) -> Path:
    """The store every import of ``dataset`` starts from (made once per work folder): the
    ontology and the shapes for synth; for IATI the shipped data as ``kg build`` writes it, whose
    reference graph the importer matches organisations, places and sectors against."""
    path = work / f"base-store-{dataset}"
    if path in _BASES:
        return path
    partial = path.with_name(path.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    if dataset == "synth":
        contract_store(partial)
    else:
        subprocess.run(
            [kg, "build", "--store", str(partial)], check=True, capture_output=True, cwd=ROOT
        )
    shutil.rmtree(path, ignore_errors=True)
    partial.rename(path)
    _BASES.add(path)
    return path


def load_command(
    name: str, dataset: str, file: Path, floor_file: Path, base: Path, target: Path
) -> list[str]:
    """The process that runs loading step ``name`` (``bulk_load``, ``import_no_validate`` or
    ``import_validated``) into a fresh ``target``: an empty directory for the ``bulk_load``
    floor, a copy of ``base`` for an import."""
    shutil.rmtree(target, ignore_errors=True)
    if name == "bulk_load":
        return [sys.executable, "-c", BULK_LOAD, str(target), str(floor_file)]
    shutil.copytree(base, target)
    return import_command(dataset, file, target, name == "import_validated")


def import_command(dataset: str, file: Path, store: Path, validated: bool) -> list[str]:
    command = [
        KG,
        "import",
        "rdf" if dataset == "synth" else "iati",
        str(file),
        "--store",
        str(store),
    ]
    return command if validated else [*command, "--no-validate"]


def added_quads(imported: Path, base: Path, target: Path) -> Path:
    """The quads an import added (every graph the base store did not have, but the derived one,
    which the floor does not compute), as N-Quads: what ``bulk_load`` loads for the floor."""
    before = set(ox.Store.read_only(str(base)).named_graphs())
    store = ox.Store.read_only(str(imported))
    derived = ox.NamedNode(str(GRAPH["derived"]))
    graphs = [g for g in store.named_graphs() if g not in before and g != derived]
    with target.open("wb") as out:
        for graph in graphs:
            ox.serialize(
                store.quads_for_pattern(None, None, None, graph), out, ox.RdfFormat.N_QUADS
            )
    return target


def loading(
    dataset: str, file: Path, work: Path, runs: int, validated: bool, args: argparse.Namespace
) -> dict[str, Any]:
    """The import without and with validation against the floor, whole processes; keeps the
    store of the first unvalidated import as ``work/loaded-store`` for the other sections."""
    base = base_store(dataset, args.work)
    steps = ["import_no_validate", "bulk_load"] + (["import_validated"] if validated else [])
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in steps}
    floor_file = file
    for run in range(runs):
        for name in steps:
            target = work / f"load-{name}"
            command = load_command(name, dataset, file, floor_file, base, target)
            sample = guarded(command, args)
            results[name].append(sample)
            shown = (
                f"{sample['seconds']:.2f} s, {sample['peak_rss_mb']:.0f} MB"
                if finished(sample)
                else sample.get("stopped") or sample["failed"].strip().splitlines()[-1][:200]
            )
            print(f"    {name}: {shown}", flush=True)
            if name == "import_no_validate" and run == 0:
                if not finished(sample):
                    raise SystemExit(f"the unvalidated {dataset} import did not finish: {sample}")
                loaded = work / "loaded-store"
                shutil.rmtree(loaded, ignore_errors=True)
                target.rename(loaded)
                if dataset == "iati":
                    floor_file = added_quads(loaded, base, work / "imported.nq")
            shutil.rmtree(target, ignore_errors=True)
    out: dict[str, Any] = {}
    for name, samples in results.items():
        done = [s for s in samples if finished(s)]
        if not done:  # every run stopped or refused: the first says why
            out[name] = samples[0] | {"runs": len(samples)}
            continue
        out[name] = {
            "seconds": statistics.median(s["seconds"] for s in done),
            "peak_rss_mb": max(s["peak_rss_mb"] for s in done),
            "runs": len(done),
        }
    if dataset == "iati":
        out["bulk_load"]["file_bytes"] = floor_file.stat().st_size
    floor = out["bulk_load"].get("seconds")
    for name in steps:
        if floor and finished(out[name]):
            out[name]["vs_bulk_load"] = out[name]["seconds"] / floor
    return out


# (b) Latency in process -----------------------------------------------------------------------


def pick(store: ox.Store) -> dict[str, Any]:
    """Request parameters that exist at every size: a typical funder (the median by number of
    fundings: the busiest, Japan, has 48 at 10k and thousands at 1M), the most-connected entity
    (see ``most_connected``), a word for search."""
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
    return {"actor": slug, "search": "health"} | most_connected(store)


def most_connected(store: ox.Store) -> dict[str, Any]:
    """The entity of a collection that the most stored triples point at (the derived graph left
    out: its index rows are not relations an entity page shows): the worst case of entity detail,
    whose answer grows with the incoming relations. Its collection comes from its classes through
    the kinds the API uses (``kinds.rq``, ``kg.entities.KINDS``)."""
    from kg.entities import COLLECTIONS, KINDS
    from kg.queries import load_query

    kinds = store.query(load_query("kinds"), prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(kinds, ox.QuerySolutions)
    kind_of: dict[str, set[str]] = {}
    for row in kinds:
        kind_of.setdefault(str(row["class"]), set()).add(row["kind"].value)
    collection_of = {kind: name for name, kind in COLLECTIONS.items()}
    out: dict[str, Any] = {}
    # Twice: stored relations only (the derived graph left out), and as the entity page counts
    # them (its groups include the derived index, e.g. ``ck:servesWithin`` of a region): the
    # second is the page's real worst case when it differs (``world`` at 1M synthetic).
    for key, derived_filter in (
        ("connected", f"?g != <{GRAPH['derived']}> && "),
        ("connected_all", ""),
    ):
        ranked = store.query(
            "SELECT ?e (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?x ?p ?e } "
            f"FILTER({derived_filter}isIRI(?e) && STRSTARTS(STR(?e), STR(id:))) }} "
            "GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 100",
            prefixes=PREFIXES,
        )
        assert isinstance(ranked, ox.QuerySolutions)
        for row in ranked:
            entity = row["e"]
            types = store.quads_for_pattern(entity, ox.NamedNode(PREFIXES["rdf"] + "type"), None)
            found = {k for q in types for k in kind_of.get(str(q.object), set())}
            kind = next((k for k in KINDS if k in found), None)
            if kind is not None:
                out |= {
                    key: entity.value.removeprefix(PREFIXES["id"]),
                    f"{key}_collection": collection_of[kind],
                    f"{key}_incoming": int(row["n"].value),
                }
                break
        else:
            raise RuntimeError("no entity of a collection is the object of any triple")
    return out


def rest_urls(params: dict[str, Any]) -> dict[str, str]:
    return {
        "fundings_region": f"/api/fundings?region={REGION}",
        "fundings_summary_funder": "/api/fundings/summary?by=funder",
        "fundings_summary_region": "/api/fundings/summary?by=region",
        "fundings_summary_year": "/api/fundings/summary?by=year",
        "entity_detail": f"/api/actors/{params['actor']}",
        "entity_detail_connected": (f"/api/{params['connected_collection']}/{params['connected']}"),
        **(
            {
                "entity_detail_connected_all": (
                    f"/api/{params['connected_all_collection']}/{params['connected_all']}"
                )
            }
            if params.get("connected_all", params["connected"]) != params["connected"]
            else {}
        ),
        "search": f"/api/search?q={params['search']}",
        "sparql_region": "/sparql?query=" + quote(SPARQL_REGION),
        "sparql_region_derived": "/sparql?query=" + quote(SPARQL_REGION_DERIVED),
    }


async def request_latencies(
    app: Any, urls: dict[str, str], runs: int, budget: float, label: str
) -> dict[str, Any]:
    """p50/p99 of each URL asked of ``app`` (running) in process over httpx's ASGI transport:
    ``runs`` times, or as many as fit in ``budget`` seconds. A URL that answers anything but
    200 (a 503 at the deadline) is recorded with its status and how long it took, not timed."""
    out: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", timeout=3600
    ) as client:
        for name, url in urls.items():
            started = time.perf_counter()
            response = await client.get(url)  # warm-up
            first = time.perf_counter() - started
            if response.status_code != 200:
                out[name] = {"status": response.status_code, "ms": first * 1000}
                print(f"    {label:6} {name}: answered {response.status_code} after {first:.1f} s")
                continue
            count = planned_runs(first, runs, budget)
            samples, cpu = [], []
            for _ in range(count):
                started, started_cpu = time.perf_counter(), time.process_time()
                response = await client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                # This process's CPU (every thread: the app's worker thread and the engine's):
                # what the answer costs without the waiting for a core that a busy machine adds.
                cpu.append((time.process_time() - started_cpu) * 1000)
                response.raise_for_status()
            out[name] = summary(samples) | {
                "bytes": len(response.content),
                "cpu_p50": statistics.median(cpu),
            }
            print(
                f"    {label:6} {name}: p50 {out[name]['p50']:.1f} ms, CPU "
                f"{out[name]['cpu_p50']:.1f} ms ({count} runs)",
                flush=True,
            )
    return out


def index_ready(store: Any) -> object | None:
    """The search index of ``store`` once built (None for a store that gets none): waits for
    the build that the app started at startup (``search_index.warm``; while it runs,
    ``index_for`` answers None and searches fall back to ``search.rq``), else builds it."""
    from kg import search_index

    warming = getattr(search_index, "_WARMING", {}).get(store)
    if warming is not None:
        warming.wait()
    return search_index.index_for(store)


async def in_process(
    store_path: Path, from_memory: bool, urls: dict[str, str], runs: int, budget: float
) -> dict[str, Any]:
    from kg.api.main import create_app
    from kg.settings import Settings

    # The response cache off: these figures are the cost of computing an answer, not of
    # replaying one (the throughput section measures both). The deadline far off: a figure
    # above the default 10 s says by how much a target is missed, a 503 would not.
    settings = Settings(
        root=ROOT,
        store=str(store_path),
        serve_from_memory=from_memory,
        response_cache_entries=0,
        query_timeout=DEADLINE,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        label = "memory" if from_memory else "disk"
        # The app builds its search index in a background thread at startup: wait for it, so
        # that no request is timed while the build holds a core (and the GIL), and say how
        # long it took (what a server costs before its first search).
        started = time.perf_counter()
        built = await asyncio.to_thread(index_ready, app.state.store)
        index_seconds = time.perf_counter() - started
        if built is not None:
            print(f"    {label:6} search index ready after {index_seconds:.1f} s", flush=True)
        out = await request_latencies(app, urls, runs, budget, label)
        if built is not None:
            out["search_index_wait_seconds"] = index_seconds
        store = app.state.store.native
        for name, text in (
            ()
            if "sparql_region" not in urls
            else (
                ("engine_region", SPARQL_REGION),
                ("engine_region_derived", SPARQL_REGION_DERIVED),
            )
        ):
            samples = []
            for _ in range(min(runs, 20)):
                started = time.perf_counter()
                list(store.query(text, use_default_graph_as_union=True))
                samples.append((time.perf_counter() - started) * 1000)
            out[name] = summary(samples)
    return out


# (b), (c) in children: in-process work under the run's limits ----------------------------------


def in_child(
    task: str, spec: dict[str, Any], work: Path, args: argparse.Namespace, **limits: Any
) -> dict[str, Any]:
    """Run ``task`` (``CHILD_TASKS``) in a child process of this script, under the run's limits:
    a store served from memory at 10M, or a write that copies it, must not take the shared
    machine with it, and the child's peak RSS is then the server's own, not this process's."""
    spec_file, out_file, log = (
        work / f"{task}{suffix}" for suffix in (".json", ".out.json", ".log")
    )
    spec_file.write_text(json.dumps(spec))
    out_file.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", task, str(spec_file)]
    limits.setdefault("timeout", args.child_timeout)
    step = guarded([*command, str(out_file)], args, stdout=log, **limits)
    print(log.read_text(encoding="utf-8", errors="replace"), end="", flush=True)
    if not finished(step):
        print(f"    {task}: {step.get('stopped') or step['failed'][-500:]}", flush=True)
        return step
    return dict(json.loads(out_file.read_text())) | {
        "process": {"seconds": step["seconds"], "peak_rss_mb": step["peak_rss_mb"]}
    }


def mem_available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def latency(
    store: Path, work: Path, urls: dict[str, str], triples: int, args: argparse.Namespace
) -> dict[str, Any]:
    """(b): from memory when the machine has the memory free (else from disk, and says so),
    and from disk up to --disk-max."""
    out: dict[str, Any] = {}
    spec = {
        "store": str(store),
        "urls": urls,
        "runs": args.runs,
        "budget": args.budget,
        "min_runs": args.min_runs,
    }
    need = args.memory_mb_per_mtriple * triples / 1e6
    available = mem_available_mb()
    if need < 0.8 * available:
        limit = min(0.9 * available, max(args.max_rss_mb, 2 * need))
        out["memory"] = in_child(
            "latency", spec | {"from_memory": True}, work, args, max_rss_mb=limit
        )
    else:
        out["memory"] = {
            "skipped": f"serving {triples:,} triples from memory needs about {need:,.0f} MB "
            f"(--memory-mb-per-mtriple); {available:,.0f} MB were available"
        }
        print(f"    memory: {out['memory']['skipped']}; from disk instead", flush=True)
    if triples <= args.disk_max or "skipped" in out["memory"]:
        out["disk"] = in_child("latency", spec | {"from_memory": False}, work, args)
    return out


def put_body(store: Path, graph: str, target: Path) -> Path:
    """The graph's triples as N-Triples (the body of the PUT)."""
    reader = ox.Store.read_only(str(store))
    quads = reader.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    ox.serialize((q.triple for q in quads), str(target), ox.RdfFormat.N_TRIPLES)
    return target


def one_graph_put(store: Path, work: Path, graph: str, args: argparse.Namespace) -> dict[str, Any]:
    """(c) on a copy of the loaded store (a write changes it)."""
    copy = work / "put-store"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store, copy)
    body = put_body(store, graph, work / "put-body.nt")
    spec = {
        "store": str(copy),
        "graph": graph,
        "body": str(body),
        "runs": args.put_runs,
        "budget": args.budget,
    }
    try:
        return in_child("put", spec, work, args)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(copy.with_name(copy.name + ".backups"), ignore_errors=True)


async def put_timings(
    store: Path, graph: str, body: Path, runs: int, budget: float
) -> dict[str, Any]:
    """Seconds per ``PUT /graphs?graph=...`` through the real app (served from memory, as
    ``kg serve`` does): the graph plus one ``rdfs:comment``, then the graph as it was, and so
    on: each PUT changes the graph, so none is a no-op the writer could skip. ``runs`` PUTs, or
    fewer once they took ``budget`` seconds in all (a whole-store validation takes minutes)."""
    from kg.api.main import create_app
    from kg.settings import Settings

    token = "scale-benchmark-token-" + "x" * 32
    settings = Settings(
        root=ROOT, store=str(store), write_token=token, response_cache_entries=0, backup_keep=0
    )
    original = body.read_bytes()
    subject = next(line.split(b" ", 1)[0] for line in original.splitlines() if line[:1] == b"<")
    comment = b'%s <%scomment> "edited by benchmarks/scale.py" .\n' % (
        subject,
        PREFIXES["rdfs"].encode(),
    )
    bodies = (original + comment, original)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/n-triples"}
    app = create_app(settings)
    samples: list[float] = []
    out: dict[str, Any] = {"graph": graph, "graph_triples": original.count(b"\n")}
    async with app.router.lifespan_context(app):
        # As for the latencies: not while the startup's search index build holds a core (the
        # first PUT after start took 2.9 s against ~1 s for the next at 1M, measured).
        await asyncio.to_thread(index_ready, app.state.store)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=3600
        ) as client:
            cpu: list[float] = []
            for run in range(runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                response = await client.put(
                    "/graphs", params={"graph": graph}, content=bodies[run % 2], headers=headers
                )
                seconds = time.perf_counter() - started
                cpu.append(time.process_time() - started_cpu)
                if response.status_code >= 300:
                    out["refused"] = {"status": response.status_code, "body": response.text[:2000]}
                    print(f"    PUT answered {response.status_code}: {response.text[:300]}")
                    break
                samples.append(seconds)
                answer = response.json()  # the writer's own split of the last PUT
                out["phases"] = answer.get("seconds")
                out["changed"] = answer.get("changed")
                print(f"    PUT {graph}: {seconds:.2f} s", flush=True)
                if sum(samples) > budget:
                    break
    if samples:
        out |= summary(samples) | {"cpu_p50": statistics.median(cpu[: len(samples)])}
    return out


async def _latency_task(spec: dict[str, Any]) -> dict[str, Any]:
    global MIN_RUNS
    MIN_RUNS = spec["min_runs"]
    return await in_process(
        Path(spec["store"]), spec["from_memory"], spec["urls"], spec["runs"], spec["budget"]
    )


async def _put_task(spec: dict[str, Any]) -> dict[str, Any]:
    return await put_timings(
        Path(spec["store"]), spec["graph"], Path(spec["body"]), spec["runs"], spec["budget"]
    )


CHILD_TASKS: Final = {"latency": _latency_task, "put": _put_task}


def run_child(task: str, spec_file: Path, out_file: Path) -> None:
    spec = json.loads(spec_file.read_text())
    out_file.write_text(json.dumps(asyncio.run(CHILD_TASKS[task](spec))))


# (d) Throughput -------------------------------------------------------------------------------


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
    kg_app = ["kg.api.main:create_app", "--factory"]
    for name, target, ready, url, cache in (
        ("hello", ["hello_app:app", "--app-dir", str(ROOT / "benchmarks")], "/", "/", "0"),
        ("kg", kg_app, "/health", entity_url, "0"),
        # The same with the response cache (src/kg/api/cache.py): every request after the first is a
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


# (e) SHACL ------------------------------------------------------------------------------------


def shacl(file: Path, work: Path, triples: int, whole_max: int) -> dict[str, Any]:
    """The validation engine on the whole file (parsed by pyoxigraph, validated from the store
    as imports do: ``kg.validate.validate_store``) and a validated import of one named graph."""
    from kg.importer import Contract, import_rdf
    from kg.settings import Settings
    from kg.stores.oxigraph import OxigraphStore
    from kg.validate import validate_store

    contract = Contract.load(Settings(root=ROOT))
    out: dict[str, Any] = {}
    if triples <= whole_max:
        started = time.perf_counter()
        data = ox.Store()
        data.bulk_load(path=str(file), format=ox.RdfFormat.N_QUADS)
        parsed = time.perf_counter()
        validate_store(data, shapes=contract.shapes, ontology=contract.ontology)
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


# (f) rdflib-endpoint --------------------------------------------------------------------------


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
        "kg.api.main:create_app",
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


def dataset_file(dataset: str, size: int, work: Path) -> Path:
    """The dataset's file for ``size`` triples, made once and kept in --work."""
    if dataset == "iati":
        activities = max(1, round(size / IATI_QUADS_PER_ACTIVITY))
        file = iati_generate.default_path(activities, 0, work)
        if not file.exists():
            print(f"  generating {activities:,} IATI activities", flush=True)
            iati_generate.generate(activities, 0, file)
        return file
    file = work / f"synth-{size}.nq"
    if not file.exists():
        print(f"  generating {size:,} synthetic triples", flush=True)
        partial = file.with_name(f"partial-{file.name}")  # kg synth tells format by suffix
        subprocess.run(
            [KG, "synth", "--triples", str(size), "--seed", "0", "-o", str(partial)],
            check=True,
            capture_output=True,
        )
        partial.rename(file)
    return file


def measure(
    dataset: str, size: int, args: argparse.Namespace, previous: dict[str, Any] | None
) -> dict[str, Any]:
    work = args.work / dataset / str(size)
    work.mkdir(parents=True, exist_ok=True)
    file = dataset_file(dataset, size, work)
    out: dict[str, Any] = {"file": file.name, "file_bytes": file.stat().st_size}
    if dataset == "iati":
        out["activities"] = max(1, round(size / IATI_QUADS_PER_ACTIVITY))
    validated = size <= args.validate_max
    print(f"  (a) loading ({'with' if validated else 'without'} validated import)", flush=True)
    runs = 1 if size >= 1_000_000 else args.load_runs
    store_path = work / "loaded-store"
    if args.reuse_load and previous and "load" in previous and store_path.exists():
        print("    kept from the run of " + previous["when"], flush=True)
        out["load"] = previous["load"] | {"from_run": previous["when"]}
    else:
        out["load"] = loading(dataset, file, work, runs, validated, args)
    reader = ox.Store.read_only(str(store_path))
    out["triples"] = len(reader)
    if size > args.latency_max:
        return out
    # pick's GROUP BY queries read every quad: ~7 minutes at 10M on a busy machine
    print(f"  store: {out['triples']:,} quads; choosing request parameters", flush=True)
    params = pick(reader)
    del reader
    out["params"] = params
    urls = rest_urls(params)
    if size > args.query_max:
        urls = {name: urls[name] for name in LARGE_URLS}
    print(f"  (b) latency in process ({', '.join(urls)})", flush=True)
    out["latency"] = latency(store_path, work, urls, out["triples"], args)
    if size > args.query_max:
        return out
    print("  (c) one-graph PUT", flush=True)
    out["put"] = one_graph_put(store_path, work, PUT_GRAPH[dataset], args)
    if size <= args.throughput_max:
        print("  (d) HTTP throughput of entity detail", flush=True)
        out["throughput"] = throughput(store_path, urls["entity_detail"], args.seconds)
    if dataset != "synth":
        return out
    print("  (e) SHACL", flush=True)
    out["shacl"] = shacl(file, work, size, args.whole_shacl_max)
    if size <= args.endpoint_max:
        print("  (f) rdflib-endpoint", flush=True)
        out["rdflib_endpoint"] = compare_endpoints(
            file, store_path, params["actor"], work, args.runs, args.budget
        )
    return out


# Prepared stores (--stores): the targets without generating or loading ------------------------

#: Re-derive a copied store with the code under measure (a helper may have added to the derived
#: graph since the store was made): what ``kg import`` does after its load.
DERIVE = """
import sys, pyoxigraph as ox
from kg.derive import materialise
store = ox.Store(sys.argv[1])
print(materialise(store))
store.flush()
"""


def store_specs(text: str, option: str) -> dict[tuple[str, int], Path]:
    """``dataset:size=path,...`` (``--stores``, ``--import-files``) as {(dataset, size): path}."""
    out: dict[tuple[str, int], Path] = {}
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        key, equals, path = item.partition("=")
        dataset, colon, size = key.partition(":")
        if not equals or not colon or dataset not in DATASETS or not size.isdigit():
            raise SystemExit(
                f"{option}: expected dataset:size=path (dataset of {DATASETS}), got {item!r}"
            )
        if not Path(path).exists():
            raise SystemExit(f"{option}: {path} does not exist")
        out[(dataset, int(size))] = Path(path)
    return out


def prepared_copy(
    source: Path, work: Path, args: argparse.Namespace
) -> tuple[Path, dict[str, Any]]:
    """A copy of a prepared store (never written to in place: other engineers read it), with its
    derived graph rewritten by the code under measure."""
    target = work / "prepared-store"
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    shutil.copytree(source, target)
    copied = time.perf_counter() - started
    step = guarded([sys.executable, "-c", DERIVE, str(target)], args)
    if not finished(step):
        raise SystemExit(f"re-deriving {target} failed: {step}")
    print(f"    copied in {copied:.1f} s, re-derived in {step['seconds']:.1f} s", flush=True)
    return target, {
        "copy_seconds": copied,
        "derive_seconds": step["seconds"],
        "derive_peak_rss_mb": step["peak_rss_mb"],
    }


def import_targets(
    dataset: str, file: Path, prepared: Path, work: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """The validated import of ``file`` into the dataset's base store against ``bulk_load`` of the
    same quads (synth: the file; iati: the graphs the prepared store has beyond the base, which
    is what the import of that file added), one run each, whole processes, in the same run."""
    base = base_store(dataset, args.work)
    floor_file = file if dataset == "synth" else added_quads(prepared, base, work / "imported.nq")
    out: dict[str, Any] = {}
    for name in ("bulk_load", "import_validated"):
        target = work / f"load-{name}"
        command = load_command(name, dataset, file, floor_file, base, target)
        sample = guarded(command, args)
        shutil.rmtree(target, ignore_errors=True)
        shown = (
            f"{sample['seconds']:.2f} s, {sample['peak_rss_mb']:.0f} MB"
            if finished(sample)
            else sample.get("stopped") or sample["failed"].strip().splitlines()[-1][:200]
        )
        print(f"    {name}: {shown}", flush=True)
        out[name] = sample | {"runs": 1}
    out["bulk_load"]["file_bytes"] = floor_file.stat().st_size
    floor = out["bulk_load"].get("seconds")
    if floor and finished(out["import_validated"]):
        out["import_validated"]["vs_bulk_load"] = out["import_validated"]["seconds"] / floor
    return out


def measure_prepared(
    dataset: str,
    size: int,
    source: Path,
    file: Path | None,
    args: argparse.Namespace,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    """The targets of one dataset and size on a copy of a prepared store: the validated import
    (when ``file`` is given), latency from memory (from disk when the memory is not free), the
    one-graph PUT. Loading figures of an earlier run are kept when none are measured."""
    work = args.work / dataset / str(size)
    work.mkdir(parents=True, exist_ok=True)
    print(f"  copying {source}", flush=True)
    store_path, prepared = prepared_copy(source, work, args)
    out: dict[str, Any] = {"store_from": str(source), "prepared": prepared}
    reader = ox.Store.read_only(str(store_path))
    out["triples"] = len(reader)
    if file is not None and size <= args.validate_max:
        print(f"  (a) validated import of {file.name} against bulk_load", flush=True)
        out |= {"file": file.name, "file_bytes": file.stat().st_size}
        out["load"] = import_targets(dataset, file, store_path, work, args)
    elif previous and "load" in previous:
        kept = previous["load"].get("from_run") or previous["when"]
        out["load"] = previous["load"] | {"from_run": kept}
        out |= {k: previous[k] for k in ("file", "file_bytes", "activities") if k in previous}
    if size > args.query_max:
        params: dict[str, Any] = {"search": "health"}
        urls = {
            "fundings_region": f"/api/fundings?region={REGION}",
            "search": f"/api/search?q={params['search']}",
        }
    else:
        cached = (previous or {}).get("params") or {}
        same = (previous or {}).get("store_from") == str(source) and "connected_all" in cached
        print(f"  store: {out['triples']:,} quads; request parameters", flush=True)
        params = cached if same else pick(reader)
        urls = rest_urls(params)
    del reader
    out["params"] = params
    print(f"  (b) latency in process ({', '.join(urls)})", flush=True)
    out["latency"] = latency(store_path, work, urls, out["triples"], args)
    if size <= args.query_max and args.put_runs > 0:
        print("  (c) one-graph PUT", flush=True)
        out["put"] = one_graph_put(store_path, work, PUT_GRAPH[dataset], args)
    elif previous and "put" in previous:  # --put-runs 0: keep the last one, saying when
        out["put"] = previous["put"] | {
            "from_run": previous["put"].get("from_run") or previous["when"]
        }
    shutil.rmtree(store_path, ignore_errors=True)
    return out


def code_measured() -> dict[str, Any]:
    """The commit whose code is measured, and whether the tree had changes on top of it."""

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        # The last commit of main this branch has merged: what the figures stand for.
        "main": git("merge-base", "HEAD", "main")[:7],
        "subject": git("log", "-1", "--format=%s")[:120],
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no", "src")),
    }


def load_results() -> dict[str, Any]:
    """results/scale.json; a file from before the datasets (one ``sizes`` table of synthetic
    figures) is read as the synth dataset."""
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    datasets = results.setdefault("datasets", {})
    if "sizes" in results:
        datasets.setdefault("synth", results.pop("sizes"))
    return results


def write_between(path: Path, start: str, end: str, body: str) -> None:
    """Replace what lies between the markers ``start`` and ``end`` in ``path`` (a README whose
    tables a script writes) by ``body``."""
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{path} has no {start} ... {end} markers")
    head, rest = text.split(start, 1)
    _old, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n\n{body}\n\n{end}{tail}", encoding="utf-8")


def main() -> None:
    global RESULTS, HISTORY
    if sys.argv[1:2] == ["--child"]:
        run_child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="comma-separated triple counts"
    )
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help=f"comma-separated, of {', '.join(DATASETS)}"
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
    parser.add_argument("--put-runs", type=int, default=4, help="one-graph PUTs per size")
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput run length")
    parser.add_argument(
        "--validate-max", type=int, default=1_000_000, help="largest size for the validated import"
    )
    parser.add_argument(
        "--query-max",
        type=int,
        default=1_000_000,
        help="largest size for (b)-(f) in full; up to --latency-max only search and fundings",
    )
    parser.add_argument(
        "--latency-max",
        type=int,
        default=10_000_000,
        help="largest size for any latency; larger sizes measure loading only",
    )
    parser.add_argument(
        "--disk-max", type=int, default=1_000_000, help="largest size served from disk in (b)"
    )
    parser.add_argument("--throughput-max", type=int, default=1_000_000)
    parser.add_argument("--whole-shacl-max", type=int, default=100_000)
    parser.add_argument("--endpoint-max", type=int, default=100_000)
    parser.add_argument(
        "--load-timeout",
        type=float,
        default=3600.0,
        help="seconds before a load step is stopped (recorded as stopped)",
    )
    parser.add_argument(
        "--child-timeout",
        type=float,
        default=3600.0,
        help="seconds before the latency or PUT child of one size is stopped",
    )
    parser.add_argument(
        "--max-rss-mb",
        type=float,
        default=8000.0,
        help="resident MB before a load step or a child is stopped",
    )
    parser.add_argument(
        "--memory-mb-per-mtriple",
        type=float,
        default=600.0,
        help="RSS a store served from memory needs per million quads, with room to spare "
        "(measured: 776 MB at 1.1M, 4.8 GB at 11M synthetic quads)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/kg-bench/work"),
        help="scratch folder (generated files are kept and reused)",
    )
    parser.add_argument(
        "--targets-only",
        action="store_true",
        help="only rewrite the targets table (JSON and README) from results/scale.json",
    )
    parser.add_argument("--no-readme", action="store_true", help="leave the README table alone")
    parser.add_argument(
        "--reuse-load",
        action="store_true",
        help="skip (a) where the work folder still has the loaded store: keep the JSON's loading "
        "figures of that size and measure the rest on that store",
    )
    parser.add_argument(
        "--stores",
        default="",
        help="dataset:size=DIR,... : measure the targets on copies of prepared stores (no "
        "generating, no loading; --sizes and --datasets are ignored), e.g. "
        "synth:1000000=/work/bench-data/v2/store-1M",
    )
    parser.add_argument(
        "--import-files",
        default="",
        help="with --stores, dataset:size=FILE,... : the file each prepared store was imported "
        "from, for the validated import against bulk_load (not measured without it)",
    )
    parser.add_argument(
        "--label",
        default="",
        help="what this run measures (e.g. 'start of session'), kept in the JSON",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="the JSON to write (a trial run elsewhere leaves results/scale.json alone); the "
        "history is kept beside it",
    )
    args = parser.parse_args()
    RESULTS, HISTORY = args.results, args.results.with_name("scale-history.json")
    if args.runs < 50:
        parser.error("--runs must be at least 50")
    datasets = [d.strip() for d in args.datasets.split(",")]
    if unknown := set(datasets) - set(DATASETS):
        parser.error(f"unknown datasets {', '.join(sorted(unknown))}; use {', '.join(DATASETS)}")
    global MIN_RUNS
    MIN_RUNS = args.min_runs
    sizes = [int(s) for s in args.sizes.split(",")]
    stores = store_specs(args.stores, "--stores")
    files = store_specs(args.import_files, "--import-files")
    plan = list(stores) if stores else [(d, size) for size in sizes for d in datasets]
    code = code_measured() | {"label": args.label}
    measured_now: list[str] = []
    if not args.targets_only:
        for dataset, size in plan:
            print(f"{dataset}, {size:,} triples ({code['commit']})", flush=True)
            before = os.getloadavg()
            previous = load_results()["datasets"].get(dataset, {}).get(str(size))
            if stores:
                source, file = stores[(dataset, size)], files.get((dataset, size))
                figures = measure_prepared(dataset, size, source, file, args, previous)
            else:
                figures = measure(dataset, size, args, previous)
            save(
                dataset,
                size,
                figures
                | {
                    "when": datetime.now(UTC).isoformat(timespec="seconds"),
                    "load_average": {"before": before, "after": os.getloadavg()},
                    "code": code,
                },
            )
            measured_now.append(f"{dataset}:{size}")
            # The history and the README after every size: a long run stopped halfway (or a
            # session that ends) keeps what it measured.
            remember(save(), code, [f"{dataset}:{size}"])
            if not args.no_readme and args.results.resolve() == (
                ROOT / "benchmarks/results/scale.json"
            ):
                write_between(README, TARGETS_START, TARGETS_END, scale_targets.markdown(save()))
    results = save()
    if not args.no_readme and args.results.resolve() == (ROOT / "benchmarks/results/scale.json"):
        write_between(README, TARGETS_START, TARGETS_END, scale_targets.markdown(results))
        print(f"wrote the targets table in {README}")
    print(f"wrote {RESULTS}")


HISTORY = RESULTS.with_name("scale-history.json")


def remember(results: dict[str, Any], code: dict[str, Any], measured_now: list[str]) -> None:
    """Append this run's target rows to results/scale-history.json (the code measured, its
    label, which datasets and sizes it measured), so that a session's progress stays readable
    after scale.json holds only the latest figures."""
    history = json.loads(HISTORY.read_text()) if HISTORY.exists() else []
    history.append(
        {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "code": code,
            "measured": measured_now,
            "targets": results["targets"],
        }
    )
    HISTORY.write_text(json.dumps(history, indent=1, sort_keys=True) + "\n")


def save(
    dataset: str | None = None, size: int | None = None, figures: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Put one size's figures into results/scale.json as it is now (another run, e.g. 10M
    beside 1M, may have written other sizes since this one started), recompute the targets,
    and write it by a rename, so a reader never sees half a file."""
    results = load_results()
    if dataset is not None and figures is not None:
        results["machine"] = machine()
        results["datasets"].setdefault(dataset, {})[str(size)] = figures
    results["targets"] = scale_targets.rows(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    partial = RESULTS.with_name(f".{RESULTS.name}.{os.getpid()}")
    partial.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    partial.replace(RESULTS)
    return results


if __name__ == "__main__":
    main()
