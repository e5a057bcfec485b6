"""Where a REST answer's time goes: wall and CPU per request, and the time of every store query
by the function that asked it (a named query through ``kg.queries`` or ``kg._unbound`` is
charged to its caller), optionally cProfile's top entries.

Run (store served from memory as ``kg serve`` does, response cache off; the store directory is
only read, but use a copy of a prepared store re-derived with the code under measure):
    .venv/bin/python benchmarks/answer_profile.py --store DIR [--runs 3] [--top 0] URL...
e.g. ``/api/regions/world "/api/fundings?region=asia"``. It is how benchmarks/README.md says
why a target is missed; the machine is shared, so read CPU against wall.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
#: Frames that only pass a named query on: the time is charged to whoever called them.
RELAYS = frozenset(
    {"_run_select", "select_bound", "select", "select_each", "together", "<listcomp>"}
)


async def profile(store_dir: str, urls: list[str], runs: int, top: int) -> None:
    from kg import search_index
    from kg.api.main import create_app
    from kg.settings import Settings

    spent: dict[str, list[float]] = defaultdict(list)
    settings = Settings(
        root=ROOT,
        store=store_dir,
        serve_from_memory=True,
        response_cache_entries=0,
        query_timeout=600,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        store = app.state.store
        raw = store.query

        def query(text: str, *args: Any, **kwargs: Any) -> Any:
            frame = sys._getframe(1)
            while frame.f_back is not None and frame.f_code.co_name in RELAYS:
                frame = frame.f_back
            caller = f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}"
            started = time.perf_counter()
            try:
                return raw(text, *args, **kwargs)
            finally:
                spent[caller].append((time.perf_counter() - started) * 1000)

        store.query = query
        warming = getattr(search_index, "_WARMING", {}).get(store)
        if warming is not None:
            warming.wait()
        await asyncio.to_thread(search_index.index_for, store)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://profile", timeout=3600
        ) as client:
            for url in urls:
                response = await client.get(url)  # warm-up
                spent.clear()
                wall, cpu = [], []
                for _ in range(runs):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = await client.get(url)
                    wall.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                print(
                    f"== {url}: HTTP {response.status_code}, {len(response.content):,} B, "
                    f"wall p50 {statistics.median(wall):.1f} ms, "
                    f"CPU p50 {statistics.median(cpu):.1f} ms"
                )
                for caller, times in sorted(spent.items(), key=lambda kv: -sum(kv[1])):
                    print(
                        f"   {caller}: {sum(times) / runs:.1f} ms per request "
                        f"({len(times) // runs} queries)"
                    )
                if top:
                    profiler = cProfile.Profile()
                    profiler.enable()
                    await client.get(url)
                    profiler.disable()
                    out = io.StringIO()
                    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
                    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", required=True, help="store directory (read only)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=0, help="cProfile entries to print (0: none)")
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    asyncio.run(profile(args.store, args.urls, args.runs, args.top))


if __name__ == "__main__":
    main()
