"""Where a validated ``kg import rdf`` spends its time: wall and CPU seconds per phase, in process.

Run: .venv/bin/python benchmarks/import_phases.py FILE STORE

``STORE`` is opened read-only (a store ``kg build`` made); nothing is written. The phases are
the ones ``kg.importer._check`` runs, one after the other (the real import runs them beside the
staged load, so on a busy machine the figures there are larger):

- parse: the file into a scratch store in memory (``kg.importer._parse``);
- mentioned: the nodes the file mentions (``kg._reach.mentioned``);
- neighbours: what the store says about them (``kg._reach.add_neighbours``);
- validate: ``kg.validate.validate_store`` (class tree, N-Quads dump, pyshacl-turbo, report).

CPU seconds are printed beside wall seconds because the machine is shared: CPU is the figure
to compare between runs. Issue 12 measured with it (1M synth): validate is most of the import.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from kg import _reach
from kg._namespaces import RESERVED_GRAPHS
from kg.importer import Contract, _parse
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore
from kg.validate import validate_store


def _quiet(_phase: str, _done: int, _total: int | None) -> None:
    return None


def main(file: Path, store_path: Path) -> None:
    """Print one line per phase: wall s, CPU s, and the peak RSS at the end."""
    store = OxigraphStore(store_path, read_only=True)
    contract = Contract.load(Settings())
    clock = [time.perf_counter(), time.process_time()]

    def lap(name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        print(f"{name:>11}: {wall - clock[0]:7.2f} s wall {cpu - clock[1]:7.2f} s CPU", flush=True)
        clock[:] = [wall, cpu]

    scratch, graphs = _parse(file, None, _quiet)
    lap("parse")
    mentioned = _reach.mentioned(scratch)
    lap("mentioned")
    _reach.add_neighbours(scratch, store.native, mentioned, skip=set(graphs) | RESERVED_GRAPHS)
    lap("neighbours")
    report = validate_store(scratch, shapes=contract.shapes, ontology=contract.ontology)
    lap("validate")
    names = {node.value for node in mentioned}
    errors = [v for v in report.errors() if v.focus in names]
    warnings = [v for v in report.warnings() if v.focus in names]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(scratch):,} quads validated, {len(mentioned):,} nodes mentioned, "
        f"{len(errors):,} errors, {len(warnings):,} warnings; peak RSS {peak:,.0f} MB"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: import_phases.py FILE STORE")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
