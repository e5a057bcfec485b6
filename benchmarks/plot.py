"""One PNG per figure of benchmarks/results/scale.json: cost against size, log-log.

Run with any Python that has matplotlib; it needs nothing else (not kg, not the project's venv):
    python3 -m venv /tmp/kg-bench/venv-plot && /tmp/kg-bench/venv-plot/bin/pip install matplotlib
    /tmp/kg-bench/venv-plot/bin/python benchmarks/plot.py
matplotlib is not a dependency of the project; `make bench` makes that scratch venv itself.
Writes benchmarks/results/scale-*.png. Each dataset of the JSON (``kg synth``, solid; the
IATI-shaped one, dashed) gets its own line per series. A dotted grey line shows slope 1 (linear
cost) through the first point of the first series, so sublinear and superlinear growth can be
read off.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "scale.json"

Getter = Callable[[dict[str, Any]], float | None]


def dig(*keys: str) -> Getter:
    def get(entry: dict[str, Any]) -> float | None:
        value: Any = entry
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return float(value) if isinstance(value, (int, float)) else None

    return get


FIGURES: dict[str, tuple[str, str, dict[str, Getter]]] = {
    "load-time": (
        "Loading: wall time per process",
        "seconds",
        {
            "pyoxigraph bulk_load (floor)": dig("load", "bulk_load", "seconds"),
            "kg import --no-validate": dig("load", "import_no_validate", "seconds"),
            "kg import (validated)": dig("load", "import_validated", "seconds"),
        },
    ),
    "load-memory": (
        "Loading: peak RSS per process",
        "MB",
        {
            "pyoxigraph bulk_load": dig("load", "bulk_load", "peak_rss_mb"),
            "kg import --no-validate": dig("load", "import_no_validate", "peak_rss_mb"),
            "kg import (validated)": dig("load", "import_validated", "peak_rss_mb"),
        },
    ),
    "latency-memory": (
        "REST and SPARQL latency, p50 in process, store in memory",
        "ms",
        {
            name: dig("latency", "memory", key, "p50")
            for name, key in (
                ("/api/fundings?region=asia", "fundings_region"),
                ("/api/fundings/summary?by=funder", "fundings_summary_funder"),
                ("/api/fundings/summary?by=year", "fundings_summary_year"),
                ("entity detail (median funder)", "entity_detail"),
                ("entity detail (most connected)", "entity_detail_connected"),
                (
                    "entity detail (most connected, derived index counted)",
                    "entity_detail_connected_all",
                ),
                ("/api/fundings/summary?by=region", "fundings_summary_region"),
                ("/api/search?q=health", "search"),
                ("/sparql region, containedInPlace*", "sparql_region"),
                ("/sparql region, ck:withinPlace", "sparql_region_derived"),
            )
        },
    ),
    "latency-disk": (
        "REST and SPARQL latency, p50 in process, store on disk",
        "ms",
        {
            name: dig("latency", "disk", key, "p50")
            for name, key in (
                ("/api/fundings?region=asia", "fundings_region"),
                ("/api/fundings/summary?by=funder", "fundings_summary_funder"),
                ("entity detail (median funder)", "entity_detail"),
                ("/api/search?q=health", "search"),
            )
        },
    ),
    "shacl": (
        "Validation and writes",
        "seconds",
        {
            "SHACL, whole graph": dig("shacl", "whole", "validate_seconds"),
            "SHACL, one changed named graph": dig("shacl", "one_graph", "validate_seconds"),
            "one-graph PUT /graphs, p50": dig("put", "p50"),
        },
    ),
    "throughput": (
        "HTTP throughput, 10 connections (higher is better)",
        "requests/s",
        {
            'bare uvicorn "hello"': dig("throughput", "hello", "requests_per_s"),
            "entity detail": dig("throughput", "kg", "requests_per_s"),
            "entity detail, response cache": dig("throughput", "kg_cached", "requests_per_s"),
        },
    ),
    "rdflib-endpoint": (
        "SPARQL over HTTP, p50: rdflib-endpoint against kg",
        "ms",
        {
            "region query, rdflib-endpoint": dig(
                "rdflib_endpoint", "rdflib_endpoint", "region", "p50"
            ),
            "region query, kg": dig("rdflib_endpoint", "kg", "region", "p50"),
            "entity query, rdflib-endpoint": dig(
                "rdflib_endpoint", "rdflib_endpoint", "entity", "p50"
            ),
            "entity query, kg": dig("rdflib_endpoint", "kg", "entity", "p50"),
        },
    ),
}


def datasets(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Figures per dataset; a file from before the datasets holds the synthetic ones alone."""
    return results.get("datasets") or {"synth": results["sizes"]}


STYLES = {"synth": ("-", ""), "iati": ("--", " (IATI)")}


HISTORY = RESULTS.with_name("scale-history.json")


def _short_name(target: str) -> str:
    """A target's name without Markdown and without its parenthesised comment."""
    return target.replace("`", "").split(" (")[0]


def targets_figure() -> None:
    """The issue-12 targets as ratios to their limits (log scale, 1 = the limit), one bar per
    target and dataset for the first and the last run of results/scale-history.json: where a
    session started and where it stands."""
    if not HISTORY.exists():
        return
    history = json.loads(HISTORY.read_text())
    runs = [history[0], history[-1]] if len(history) > 1 else history[:1]
    names: list[str] = []
    for row in runs[-1]["targets"]:
        size = "10M" if row["size"] >= 10_000_000 else "1M"
        for dataset, cell in row["cells"].items():
            if cell.get("ratio") is not None or any(
                (r2["cells"].get(dataset) or {}).get("ratio") is not None
                for r2 in runs[0]["targets"]
                if r2["target"] == row["target"] and r2["size"] == row["size"]
            ):
                names.append(f"{_short_name(row['target'])} {size}, {dataset}")
    if not names:
        return

    def ratios(run: dict[str, Any]) -> list[float]:
        found: dict[str, float] = {}
        for row in run["targets"]:
            size = "10M" if row["size"] >= 10_000_000 else "1M"
            for dataset, cell in row["cells"].items():
                if cell.get("ratio") is not None:
                    found[f"{_short_name(row['target'])} {size}, {dataset}"] = cell["ratio"]
        return [found.get(name, float("nan")) for name in names]

    figure, axes = plt.subplots(figsize=(10, 0.32 * len(names) + 1.8))
    height = 0.8 / len(runs)
    for index, run in enumerate(runs):
        code = run.get("code") or {}
        label = code.get("label") or run["when"]
        main = code.get("main") or code.get("commit")
        label = label if main in label else f"{label} (main {main})"
        axes.barh(
            [i + index * height for i in range(len(names))],
            ratios(run),
            height=height,
            color=f"C{index}",
            label=label,
        )
    axes.axvline(1, color="black", linewidth=1)
    axes.set_xscale("log")
    axes.set_yticks([i + height * (len(runs) - 1) / 2 for i in range(len(names))])
    axes.set_yticklabels(names, fontsize=7)
    axes.invert_yaxis()
    axes.set_xlabel("figure / target (left of the black line: met)")
    axes.set_title("Issue 12 targets: ratio to the target (wall clock; see the load averages)")
    axes.grid(True, axis="x", which="both", alpha=0.3)
    axes.legend(fontsize=7)
    figure.tight_layout()
    target = RESULTS.with_name("scale-targets.png")
    figure.savefig(target, dpi=110)
    plt.close(figure)
    print(f"wrote {target}")


def main() -> None:
    targets_figure()
    results = json.loads(RESULTS.read_text())
    for name, (title, unit, series) in FIGURES.items():
        figure, axes = plt.subplots(figsize=(9, 5.5))
        reference = None
        order = list(STYLES)
        ordered = sorted(
            datasets(results).items(),
            key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]),
        )
        for dataset, by_size in ordered:
            sizes = sorted(by_size.items(), key=lambda item: int(item[0]))
            linestyle, suffix = STYLES.get(dataset, (":", f" ({dataset})"))
            for colour, (label, get) in enumerate(series.items()):
                points = [
                    (entry.get("triples", int(size)), value)
                    for size, entry in sizes
                    if (value := get(entry)) is not None
                ]
                if not points:
                    continue
                xs, ys = zip(*points, strict=True)
                axes.plot(
                    xs,
                    ys,
                    marker="o",
                    linestyle=linestyle,
                    color=f"C{colour}",
                    label=label + suffix,
                )
                if reference is None and len(points) > 1 and name != "throughput":
                    reference = points[0]
                    axes.plot(
                        [xs[0], xs[-1]],
                        [ys[0], ys[0] * xs[-1] / xs[0]],
                        linestyle=":",
                        color="grey",
                        label="linear (slope 1)",
                    )
        if not axes.lines:
            plt.close(figure)
            continue
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("triples")
        axes.set_ylabel(unit)
        axes.set_title(title)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=6, ncol=2)
        figure.tight_layout()
        target = RESULTS.with_name(f"scale-{name}.png")
        figure.savefig(target, dpi=110)
        plt.close(figure)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
