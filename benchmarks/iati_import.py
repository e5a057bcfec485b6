"""IATI import: activities/s and peak RSS of `kg import iati` against lxml alone, and the REST
answers over the imported store.

Run: .venv/bin/python benchmarks/iati_import.py [--sizes 10000,100000] [--rest-size 100000]
     [--work /tmp/kg-bench/iati]

For each size (activities), on the file ``iati_generate.py`` writes for it (seed 0, kept in
--work and reused), each step a whole process in a fresh copy of a store built from the shipped
data (``kg build``: curated graphs and the reference graph the mapping matches against), timed
with its peak RSS (GNU time):

(a) the floor: lxml ``iterparse`` alone, walking every element and clearing as it goes;
(b) ``kg import iati FILE --no-validate``;
(c) ``kg import iati FILE`` (validated), up to --validate-max activities;

then activities/s, each import's ratio to the floor, peak RSS, the importer's own summary line
and the triples the store holds. Runs are stopped (and recorded as such) past --timeout seconds
or --max-rss-mb resident, so that a run cannot starve the shared machine.

(d) On the store imported in (b) at --rest-size: p50/p99 of the REST answers in process
(``scale.request_latencies``, the real ``create_app``, store in memory, response cache off):
``/api/fundings?region=asia``, ``/api/activities`` by region and by organisation and role,
entity detail of the median funder, search. Each is set against the figure ``scale.py`` recorded
(results/scale.json) for the same request at the nearest triple count; the JSON says how near.

Writes results/iati_import.json and the tables of the "IATI import" section of
benchmarks/README.md (between its markers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

import iati_generate
import scale

ROOT: Final = scale.ROOT
RESULTS: Final = ROOT / "benchmarks" / "results" / "iati_import.json"
README: Final = ROOT / "benchmarks" / "README.md"
START, END = "<!-- iati-import: tables written by iati_import.py -->", "<!-- /iati-import -->"

#: The floor: what any streaming reader of the file must do (same hardening as the importer).
LXML_WALK: Final = """
import sys
from lxml import etree

elements = activities = 0
for _event, element in etree.iterparse(
    sys.argv[1], events=("end",), resolve_entities=False, no_network=True, load_dtd=False
):
    elements += 1
    if element.tag == "iati-activity":
        activities += 1
    element.clear(keep_tail=True)
    # drop the finished siblings too, or the parent keeps one empty element per activity
    while element.getprevious() is not None:
        del element.getparent()[0]
print(f"{activities} activities, {elements} elements")
"""


# Steps -----------------------------------------------------------------------------------------


def importer_available(kg: str) -> bool:
    probe = subprocess.run([kg, "import", "iati", "--help"], capture_output=True, cwd=ROOT)
    return probe.returncode == 0


def run(
    name: str, command: list[str], work: Path, args: argparse.Namespace, activities: int
) -> dict[str, Any]:
    output = work / f"{name}.out"
    try:
        result = scale.measured(
            command, stdout=output, timeout=args.timeout, max_rss_mb=args.max_rss_mb
        )
    except RuntimeError as error:  # a refusal (size cap, a malformed activity) is a result too
        print(f"    {name}: failed\n{error}", flush=True)
        return {"failed": str(error)[-2000:]}
    lines = output.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    result["output"] = lines[-1] if lines else ""
    if scale.finished(result):
        result["activities_per_s"] = activities / result["seconds"]
    shown = result.get("stopped") or f"{result['activities_per_s']:,.0f} activities/s"
    print(
        f"    {name}: {result['seconds']:.1f} s, {shown}, {result['peak_rss_mb']:.0f} MB"
        f" | {result['output']}",
        flush=True,
    )
    return result


def measure(
    activities: int, base: Path | None, args: argparse.Namespace
) -> tuple[dict[str, Any], Path | None]:
    """(a)-(c) for one size; returns the results and the store (b) imported into, if any."""
    work = args.work / str(activities)
    work.mkdir(parents=True, exist_ok=True)
    file = iati_generate.default_path(activities, args.seed, args.work)
    if not file.exists():
        print(f"  generating {file}", flush=True)
        iati_generate.generate(activities, args.seed, file)
    out: dict[str, Any] = {"file": str(file), "file_bytes": file.stat().st_size}
    print(f"  {file.name}: {out['file_bytes'] / 1e6:.1f} MB", flush=True)
    steps: list[tuple[str, list[str]]] = [
        ("lxml_iterparse", [sys.executable, "-c", LXML_WALK, str(file)])
    ]
    if base is not None:
        steps.append(("import_no_validate", ["--no-validate"]))
        if activities <= args.validate_max:
            steps.append(("import_validated", []))
    imported: Path | None = None
    for name, command in steps:
        samples = []
        for _ in range(args.runs):
            if name.startswith("import"):
                assert base is not None
                store = work / f"store-{name}"
                shutil.rmtree(store, ignore_errors=True)
                shutil.copytree(base, store)
                command_line = [args.kg, "import", "iati", str(file), "--store", str(store)]
                command_line += command + args.import_option
            else:
                command_line = command
            samples.append(run(name, command_line, work, args, activities))
        done = sorted((s for s in samples if scale.finished(s)), key=lambda s: s["seconds"])
        out[name] = (done[len(done) // 2] if done else samples[0]) | {"runs": len(samples)}
    floor = out["lxml_iterparse"]
    for name in ("import_no_validate", "import_validated"):
        if scale.finished(out.get(name)):
            out[name]["vs_lxml"] = out[name]["seconds"] / floor["seconds"]
    if scale.finished(out.get("import_no_validate")):
        imported = work / "store-import_no_validate"
        reader = ox.Store.read_only(str(imported))
        out["triples"] = len(reader)
        del reader
        print(f"    store after the import: {out['triples']:,} triples", flush=True)
    return out, imported


def rest_urls(store_path: Path, activities_urls: list[str]) -> dict[str, str]:
    reader = ox.Store.read_only(str(store_path))
    params = scale.pick(reader)  # the median funder by number of fundings
    del reader
    urls = {
        "fundings_region": f"/api/fundings?region={scale.REGION}",
        "entity_detail": f"/api/actors/{params['actor']}",
        "search": f"/api/search?q={params['search']}",
    }
    for n, template in enumerate(activities_urls):
        urls[f"activities_{n + 1}"] = template.format(actor=params["actor"], region=scale.REGION)
    return urls


async def rest(store_path: Path, urls: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """p50/p99 of each URL that answers 200; the others are recorded with their status."""
    import httpx

    from kg.api.main import create_app
    from kg.settings import Settings

    settings = Settings(
        root=ROOT,
        store=str(store_path),
        serve_from_memory=not args.disk,
        response_cache_entries=0,
    )
    app = create_app(settings)
    out: dict[str, Any] = {"urls": urls}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            answering = {}
            for name, url in urls.items():
                status = (await client.get(url)).status_code
                if status == 200:
                    answering[name] = url
                else:
                    out[name] = {"status": status}
                    print(f"    {name}: {url} answered {status}; not timed", flush=True)
        label = "disk" if args.disk else "memory"
        out |= await scale.request_latencies(app, answering, args.rest_runs, args.budget, label)
    return out


def compare(rest_results: dict[str, Any], triples: int) -> dict[str, Any]:
    """Each p50 against scale.py's for the same request at the nearest measured triple count."""
    if not scale.RESULTS.exists():
        return {}
    sizes = scale.load_results()["datasets"].get("synth", {})
    measured = {
        int(v["triples"]): v["latency"]["memory"]
        for v in sizes.values()
        if "triples" in v and "memory" in v.get("latency", {})
    }
    if not measured:
        return {}
    nearest = min(measured, key=lambda t: abs(math.log(t / triples)))
    out: dict[str, Any] = {
        "scale_triples": nearest,
        "triples": triples,
        "same_order": 0.5 <= nearest / triples <= 2,
    }
    for name, figures in rest_results.items():
        if isinstance(figures, dict) and "p50" in figures and name in measured[nearest]:
            before = measured[nearest][name]["p50"]
            out[name] = {
                "p50": figures["p50"],
                "scale_p50": before,
                "ratio": figures["p50"] / before,
            }
    return out


# Report ----------------------------------------------------------------------------------------


def _load_cell(step: dict[str, Any] | None, floor: dict[str, Any] | None) -> str:
    if step is None:
        return "not run"
    if "failed" in step:
        last = str(step["failed"]).strip().splitlines()[-1]
        return f"failed: {last[:120]}"
    if "stopped" in step:
        return f"{step['stopped']} ({step['peak_rss_mb']:,.0f} MB seen)"
    ratio = (
        f", {step['seconds'] / floor['seconds']:.1f}x lxml" if floor and step is not floor else ""
    )
    return (
        f"{step['seconds']:,.1f} s, {step['activities_per_s']:,.0f} act/s{ratio}, "
        f"{step['peak_rss_mb']:,.0f} MB"
    )


def tables(results: dict[str, Any]) -> str:
    lines = [
        "| activities (file) | lxml iterparse alone | `kg import iati --no-validate` | "
        "`kg import iati` (validated) | triples after |",
        "|---|---|---|---|---|",
    ]
    for size, r in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
        floor = r.get("lxml_iterparse")
        cells = [
            f"{int(size):,} ({r['file_bytes'] / 1e6:,.0f} MB)",
            _load_cell(floor, None),
            _load_cell(r.get("import_no_validate"), floor),
            _load_cell(r.get("import_validated"), floor),
            f"{r['triples']:,}" if "triples" in r else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    rest_results = results.get("rest")
    if rest_results:
        comparison = rest_results.get("vs_scale", {})
        lines += [
            "",
            f"REST p50 in process on the {int(rest_results['activities']):,}-activity store "
            f"({rest_results['triples']:,} triples, from {rest_results['served_from']}), against "
            f"`scale.py` at {comparison.get('scale_triples', 0):,} triples"
            + ("" if comparison.get("same_order") else " (not the same triple count: indicative)")
            + ":",
            "",
            "| request | p50 / p99 | scale.py p50 | ratio (target <= 2x) |",
            "|---|---|---|---|",
        ]
        for name, url in rest_results["urls"].items():
            figures = rest_results.get(name, {})
            if "p50" not in figures:
                lines.append(f"| `{url}` | answered {figures.get('status', '-')} | - | - |")
                continue
            versus = comparison.get(name)
            lines.append(
                f"| `{url}` | {figures['p50']:,.1f} / {figures['p99']:,.1f} ms | "
                + (
                    f"{versus['scale_p50']:,.1f} ms | {versus['ratio']:.2f}x |"
                    if versus
                    else "- | - |"
                )
            )
    return "\n".join(lines)


def write_readme(results: dict[str, Any]) -> None:
    when = results.get("when", "")
    scale.write_between(README, START, END, f"Last run {when}.\n\n{tables(results)}")


# Driver ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated activity counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=1, help="runs of each step per size (median)")
    parser.add_argument(
        "--validate-max", type=int, default=100_000, help="largest size for the validated import"
    )
    parser.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds before a step is stopped"
    )
    parser.add_argument(
        "--max-rss-mb", type=float, default=4000.0, help="resident MB before a step is stopped"
    )
    parser.add_argument(
        "--import-option",
        action="append",
        default=[],
        help="extra option for every `kg import iati` (repeat), e.g. a larger size cap",
    )
    parser.add_argument(
        "--rest-size", type=int, default=100_000, help="size whose store (d) queries; 0: skip (d)"
    )
    parser.add_argument(
        "--activities-url",
        action="append",
        help="an /api/activities URL to time; {region} and {actor} are filled in (repeat; "
        "default: by region, and by organisation with role funding)",
    )
    parser.add_argument("--rest-runs", type=int, default=50, help="timed requests per URL")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per URL at most")
    parser.add_argument("--disk", action="store_true", help="serve (d) from disk, not memory")
    parser.add_argument(
        "--work", type=Path, default=iati_generate.WORK, help="scratch folder (files are reused)"
    )
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README tables")
    parser.add_argument("--kg", default=scale.KG, help="the kg command (default: this venv's)")
    args = parser.parse_args()
    activities_urls = args.activities_url or [
        "/api/activities?region={region}",
        "/api/activities?org={actor}&role=funding",
    ]
    sizes = [int(s) for s in args.sizes.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    available = importer_available(args.kg)
    if not available:
        print("`kg import iati` is not available yet: measuring the lxml floor only", flush=True)
    base = scale.base_store("iati", args.work, kg=args.kg) if available else None
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault("sizes", {})
    results["machine"] = scale.machine()
    results["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    for activities in sizes:
        print(f"{activities:,} activities", flush=True)
        out, imported = measure(activities, base, args)
        results["sizes"][str(activities)] = out
        if activities == args.rest_size and imported is not None:
            print("  (d) REST in process", flush=True)
            urls = rest_urls(imported, activities_urls)
            figures = asyncio.run(rest(imported, urls, args))
            figures |= {
                "activities": activities,
                "triples": out["triples"],
                "served_from": "disk" if args.disk else "memory",
            }
            figures["vs_scale"] = compare(figures, out["triples"])
            results["rest"] = figures
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    if not args.no_readme:
        write_readme(results)
    print(f"wrote {RESULTS}" + ("" if args.no_readme else f" and the tables in {README}"))


if __name__ == "__main__":
    main()
