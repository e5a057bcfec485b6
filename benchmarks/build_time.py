"""Time `kg build` from scratch and a no-op rebuild, on the shipped data.

Run: .venv/bin/python benchmarks/build_time.py [--runs 5]
Prints medians in seconds, measured as whole `kg build` processes (what a user waits for),
plus the in-process split between assembling, validating and writing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.build import assemble, check, code_fingerprint, write_store
from kg.settings import Settings
from kg.sources import discover

KG = str(Path(sys.executable).with_name("kg"))


def _run(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([KG, *args], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    scratch = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        store = scratch / "store"
        fresh, noop = [], []
        for _ in range(runs):
            shutil.rmtree(store, ignore_errors=True)
            store.with_name("store.build.json").unlink(missing_ok=True)
            fresh.append(_run(["build", "--store", str(store)]))
            noop.append(_run(["build", "--store", str(store)]))
        settings = Settings()
        inputs = discover(settings.root)
        t0 = time.perf_counter()
        assembled = assemble(inputs)
        t1 = time.perf_counter()
        check(assembled, inputs)
        t2 = time.perf_counter()
        write_store(assembled, scratch / "split", inputs.fingerprint(code_fingerprint()))
        t3 = time.perf_counter()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"kg build from scratch: median {statistics.median(fresh):.2f} s "
        f"(min {min(fresh):.2f}, max {max(fresh):.2f}, {runs} runs; target < 10 s)"
    )
    print(
        f"kg build no-op:        median {statistics.median(noop):.2f} s "
        f"(min {min(noop):.2f}, max {max(noop):.2f}, {runs} runs; target < 1 s)"
    )
    print(f"in process: assemble {t1 - t0:.2f} s, validate {t2 - t1:.2f} s, write {t3 - t2:.2f} s")


if __name__ == "__main__":
    main()
