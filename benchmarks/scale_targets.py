"""The targets of issue 12, read off results/scale.json: one row per target with each dataset's
figure, its ratio to the target (or to the baseline measured in the same run) and a verdict.

``scale.py`` calls ``rows`` after every size it measures and writes ``markdown`` between the
markers of benchmarks/README.md, so the README's table is never typed by hand. Standalone (no kg,
no store): ``python benchmarks/scale_targets.py`` prints the table from the JSON as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

RESULTS: Final = Path(__file__).resolve().parent / "results" / "scale.json"
#: Written by virtuoso_scale.py, read for the Virtuoso row.
VIRTUOSO: Final = RESULTS.with_name("virtuoso_scale.json")
DATASETS: Final = ("synth", "iati")
DATASET_TITLES: Final = {"synth": "`kg synth`", "iati": "IATI-shaped (`iati_generate.py`)"}


@dataclass(frozen=True)
class Target:
    """One goal of issue 12 at one size: ``value`` reads the figure (ms, s or a ratio) from one
    dataset's figures at that size, or says why there is none."""

    what: str
    size: int
    limit: float
    unit: str
    value: Callable[[dict[str, Any]], tuple[float | None, str]]
    datasets: tuple[str, ...] = DATASETS


def dig(entry: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(entry, dict) or key not in entry:
            return None
        entry = entry[key]
    return entry


def latency(url: str) -> Callable[[dict[str, Any]], tuple[float | None, str]]:
    """p50 of ``url`` served from memory; from disk when the machine had no memory for it (the
    note says so)."""

    def read(figures: dict[str, Any]) -> tuple[float | None, str]:
        for served in ("memory", "disk"):
            mode = dig(figures, "latency", served) or {}
            if url in mode and "p50" not in mode[url]:
                return None, f"HTTP {mode[url]['status']} after {mode[url]['ms'] / 1000:,.1f} s"
            if url in mode:
                note = "" if served == "memory" else " (from disk: no memory free for a copy)"
                if "cpu_p50" in mode[url]:
                    note = f" (CPU {mode[url]['cpu_p50']:,.1f} ms){note}"
                return float(mode[url]["p50"]), note
            if "stopped" in mode or "failed" in mode:
                return None, mode.get("stopped") or "failed"
        return None, "not measured"

    return read


def worst(*urls: str) -> Callable[[dict[str, Any]], tuple[float | None, str]]:
    """The slowest p50 of several URLs that stand for one target (the most-connected entity by
    stored relations, and as its page counts them with the derived index), naming the entity."""
    readers = [latency(url) for url in urls]

    def read(figures: dict[str, Any]) -> tuple[float | None, str]:
        found = [(reader(figures), url) for reader, url in zip(readers, urls, strict=True)]
        timed = [(value, note, url) for (value, note), url in found if value is not None]
        if not timed:
            return found[0][0]
        value, note, url = max(timed, key=lambda item: item[0])
        key = "connected_all" if url.endswith("_all") else "connected"
        params = figures.get("params") or {}
        if key in params:
            note = f" (`{params[key]}`, {params[f'{key}_incoming']:,} incoming){note}"
        return value, note

    return read


def import_ratio(
    figures: dict[str, Any], step_name: str = "import_validated"
) -> tuple[float | None, str]:
    load = figures.get("load") or {}
    step, floor = load.get(step_name), load.get("bulk_load") or {}
    if step is None:
        return None, "not run"
    if "seconds" not in step or "seconds" not in floor:
        reason = step.get("stopped") or str(step.get("failed", "")).strip().splitlines()[-1:]
        return None, f"did not finish: {reason}"
    cpu = (
        f"; CPU {step['cpu_seconds']:,.1f} s against {floor['cpu_seconds']:,.1f} s"
        if "cpu_seconds" in step and "cpu_seconds" in floor
        else ""
    )
    rss = f"; peak RSS {step['peak_rss_mb']:,.0f} MB" if "peak_rss_mb" in step else ""
    return step["seconds"] / floor["seconds"], (
        f" ({step['seconds']:,.1f} s against {floor['seconds']:,.1f} s{cpu}{rss})"
    )


def unvalidated_ratio(figures: dict[str, Any]) -> tuple[float | None, str]:
    return import_ratio(figures, "import_no_validate")


def put_seconds(figures: dict[str, Any]) -> tuple[float | None, str]:
    put = figures.get("put")
    if put is None:
        return None, "not measured"
    if "p50" in put:
        return float(put["p50"]), (
            f" ({put['graph_triples']:,}-triple graph, {put['runs']} PUT"
            f"{'s' if put['runs'] != 1 else ''}"
            + (f", CPU {put['cpu_p50']:,.2f} s" if "cpu_p50" in put else "")
            + (f", from the run of {put['from_run']}" if "from_run" in put else "")
            + ")"
        )
    refused = put.get("refused")
    if refused:
        return None, f"refused: HTTP {refused['status']}"
    return None, put.get("stopped") or "failed"


M, TEN_M = 1_000_000, 10_000_000
TARGETS: Final = (
    Target("validated `kg import rdf` / `bulk_load`", M, 3, "x", import_ratio, ("synth",)),
    Target("validated `kg import iati` / `bulk_load`", M, 3, "x", import_ratio, ("iati",)),
    Target(
        "loading: `kg import rdf --no-validate` / `bulk_load` (issue 4's limit; issue 12 asks "
        "for the 10M loading re-run)",
        TEN_M,
        1.5,
        "x",
        unvalidated_ratio,
        ("synth",),
    ),
    Target("one-graph PUT (`PUT /graphs`) on the loaded store, p50", M, 1, "s", put_seconds),
    Target("search `q=health` p50", M, 10, "ms", latency("search")),
    Target("search `q=health` p50", TEN_M, 20, "ms", latency("search")),
    Target("entity detail p50, median funder", M, 10, "ms", latency("entity_detail")),
    Target(
        "entity detail p50, most-connected entity",
        M,
        10,
        "ms",
        worst("entity_detail_connected", "entity_detail_connected_all"),
    ),
    Target("`/api/fundings?region=asia` p50", M, 50, "ms", latency("fundings_region")),
    Target("`/api/fundings?region=asia` p50", TEN_M, 100, "ms", latency("fundings_region")),
    Target(
        "`/api/fundings/summary?by=funder` p50", M, 200, "ms", latency("fundings_summary_funder")
    ),
    Target(
        "`/api/fundings/summary?by=region` p50", M, 200, "ms", latency("fundings_summary_region")
    ),
    Target("`/api/fundings/summary?by=year` p50", M, 200, "ms", latency("fundings_summary_year")),
)


def _size_label(size: int) -> str:
    return f"{size // TEN_M * 10}M" if size >= TEN_M else f"{size // M}M"


def rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with each dataset's cell (value, ratio to the limit, met) and a verdict."""
    out = []
    for target in TARGETS:
        cells: dict[str, Any] = {}
        for dataset in target.datasets:
            figures = dig(results, "datasets", dataset, str(target.size))
            if figures is None:
                cells[dataset] = {"value": None, "note": "not measured"}
                continue
            value, note = target.value(figures)
            cell: dict[str, Any] = {"value": value, "note": note, "triples": figures.get("triples")}
            if value is not None:
                cell["ratio"] = value / target.limit
                cell["met"] = value <= target.limit
            cells[dataset] = cell
        measured = [c for c in cells.values() if "met" in c]
        verdict = (
            "not measured"
            if not measured
            else "met"
            if all(c["met"] for c in measured) and len(measured) == len(cells)
            else "missed"
            if not all(c["met"] for c in measured)
            else "met where measured"
        )
        out.append(
            {
                "target": target.what,
                "size": target.size,
                "limit": target.limit,
                "unit": target.unit,
                "cells": cells,
                "verdict": verdict,
            }
        )
    return out


def _cell(row: dict[str, Any], cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "-"
    if cell["value"] is None:
        return str(cell["note"])
    unit = row["unit"]
    number = f"{cell['value']:,.2f}" if unit in {"x", "s"} else f"{cell['value']:,.1f}"
    shown = f"{number}{' ' if unit != 'x' else ''}{unit}"
    if unit == "x":
        shown += " `bulk_load`"
    shown = f"**{shown}**" if not cell["met"] else shown
    return f"{shown}{cell['note']}: {cell['ratio']:.2f}x the target"


def virtuoso_row(size: str = "1000000") -> str:
    """The Virtuoso target from results/virtuoso_scale.json, which ``virtuoso_scale.py`` writes
    in its own run (the embedded store and Virtuoso one after the other, same process): how many
    of the answers it times are within 3x at ``size``, and the others with their ratios."""
    row = dig(json.loads(VIRTUOSO.read_text()) if VIRTUOSO.exists() else {}, size) or {}
    ratio, cpu = row.get("ratio") or {}, row.get("cpu_ratio") or {}
    title = "REST answers on Virtuoso within 3x of the embedded store (p50; `virtuoso_scale.py`)"
    if not ratio:
        return f"| {title} | 1M | <= 3x | " + " | ".join("-" for _ in DATASETS) + " | not run |"

    def shown(name: str) -> str:
        extra = f", CPU client+server {cpu[name]:.2f}x" if name in cpu else ""
        return f"`{name}` {ratio[name]:.2f}x{extra}"

    missed = sorted((n for n in ratio if ratio[n] > 3.0), key=lambda n: -ratio[n])
    worst = max((n for n in ratio if n not in missed), key=lambda n: ratio[n], default=None)
    cell = f"{len(ratio) - len(missed)} of {len(ratio)} answers within 3x"
    cell += f" (slowest of those: {shown(worst)})" if worst else ""
    if missed:
        cell += "; **over: " + ", ".join(shown(n) for n in missed) + "**"
    cells = [cell] + ["-" for _ in DATASETS[1:]]
    verdict = "**missed**" if missed else "met"
    return f"| {title} | 1M | <= 3x | " + " | ".join(cells) + f" | {verdict} |"


def markdown(results: dict[str, Any], history: list[dict[str, Any]] | None = None) -> str:
    """The table, then when each size was measured and how busy the machine was (the load
    average over one minute before and after: it is shared, and 2 means both cores busy)."""
    table = results.get("targets") or rows(results)
    head = " | ".join(DATASET_TITLES[d] for d in DATASETS)
    lines = [
        f"| target (issue 12) | size | limit | {head} | verdict |",
        "|---|---|---|" + "---|" * len(DATASETS) + "---|",
    ]
    for row in table:
        limit = (
            f"<= {row['limit']:g}x" if row["unit"] == "x" else f"< {row['limit']:g} {row['unit']}"
        )
        cells = " | ".join(_cell(row, row["cells"].get(d)) for d in DATASETS)
        verdict = row["verdict"] if row["verdict"] != "missed" else "**missed**"
        lines.append(
            f"| {row['target']} | {_size_label(row['size'])} | {limit} | {cells} | {verdict} |"
        )
    lines.append(virtuoso_row())
    runs = []
    for dataset in DATASETS:
        for size, figures in sorted(
            dig(results, "datasets", dataset).items() if dig(results, "datasets", dataset) else [],
            key=lambda item: int(item[0]),
        ):
            load = figures.get("load_average")
            busy = (
                f", load average {load['before'][0]:.1f} -> {load['after'][0]:.1f}" if load else ""
            )
            kept = dig(figures, "load", "from_run")
            busy += f" (loading from the run of {kept})" if kept else ""
            code = figures.get("code") or {}
            if code.get("main"):
                busy += f", main `{code['main']}`"
            elif code.get("commit"):
                busy += f", `{code['commit']}`"
            runs.append(
                f"{dataset} {int(size):,}: {figures.get('when', 'date not recorded')}{busy}"
            )
    lines += ["", "Measured: " + "; ".join(runs) + "."]
    history_file = RESULTS.with_name("scale-history.json")
    if history is None and history_file.exists():
        history = json.loads(history_file.read_text())
    if history and (table_of_progress := progress(history)):
        lines += [
            "",
            "From the first run of the session to the last (`results/scale-history.json`; the "
            "machine's load differed between them, see the load averages there):",
            "",
            table_of_progress,
        ]
    return "\n".join(lines)


def _short(cell: dict[str, Any] | None, unit: str) -> str:
    if not cell or cell.get("value") is None:
        return "-"
    value = cell["value"]
    number = (
        f"{value:,.2f}x"
        if unit == "x"
        else f"{value:,.2f} s"
        if unit == "s"
        else (f"{value:,.1f} ms")
    )
    shown = number if cell.get("met") else f"**{number}**"
    cpu = re.search(r"CPU ([\d,.]+ m?s)\b", str(cell.get("note", "")))
    return f"{shown} (CPU {cpu.group(1)})" if cpu else shown


def progress(history: list[dict[str, Any]]) -> str:
    """The first and the last run of results/scale-history.json side by side, per target and
    dataset: what a session changed (the machine's load differs between the two runs: read the
    ratio of each row, not one row against another)."""
    if len(history) < 2:
        return ""
    first, last = history[0], history[-1]

    def title(run: dict[str, Any]) -> str:
        code = run.get("code") or {}
        label = code.get("label") or run["when"]
        main = code.get("main") or code.get("commit")
        return label if main in label else f"{label} (main `{main}`)"

    lines = [
        f"| target | size | limit | {title(first)}: synth / IATI | {title(last)}: synth / IATI |",
        "|---|---|---|---|---|",
    ]
    before = {(r["target"], r["size"]): r for r in first["targets"]}
    for row in last["targets"]:
        old = before.get((row["target"], row["size"]))
        if old is None:
            continue
        unit = row["unit"]
        limit = f"<= {row['limit']:g}x" if unit == "x" else f"< {row['limit']:g} {unit}"
        cells = []
        for run_row in (old, row):
            cells.append(" / ".join(_short(run_row["cells"].get(d), unit) for d in DATASETS))
        lines.append(
            f"| {row['target']} | {_size_label(row['size'])} | {limit} | {cells[0]} | {cells[1]} |"
        )
    return "\n".join(lines)


def main() -> None:
    print(markdown(json.loads(RESULTS.read_text())))


if __name__ == "__main__":
    main()
