"""Search with the text index (``kg.search_index``) against ``search.rq``, in one process.

    .venv/bin/python benchmarks/search_index.py STORE_DIR [--times 10x]

Copies the store into memory (as ``kg serve`` does), builds the index, and prints: build time
and size, p50 of ``entities.search`` per query through the index and through ``search.rq`` (same
process, same store, alternating), the cost of refreshing a copy of the index after a write of
one graph, and, with ``--times N``, the index alone at N times the names (every label, altLabel,
description and type of the store repeated N times under other entity IRIs: the names of a
store N times larger, without building one).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from kg import entities, search_index
from kg.stores.oxigraph import OxigraphStore

QUERIES = [
    "health",
    "unodc",
    "japan",
    "asia",
    "ministry",
    "comoros",  # a rare word
    "ion",  # a very common trigram
    "zzzq",
    "un",  # two letters: a scan of every name inside SQLite
    "a",
]
PREDICATES = [
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://purl.org/dc/terms/description",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
]


def p50(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def rss_mb() -> float:
    """Resident memory of this process (Linux), to see what an index adds beside SQLite."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 1e6


def size_mb(index: search_index.SearchIndex) -> float:
    db = index._db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    return float(pages * db.execute("PRAGMA page_size").fetchone()[0] / 1e6)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("--times", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    served = OxigraphStore.in_memory_copy(args.store)
    print(f"copy into memory: {time.perf_counter() - started:.1f} s")
    reference = OxigraphStore.wrapping(served.native)  # can change: no index, search.rq
    kinds = entities.kind_map(served)

    started, before = time.perf_counter(), rss_mb()
    index = search_index.index_for(served)
    assert index is not None
    print(
        f"index build: {time.perf_counter() - started:.2f} s, SQLite {size_mb(index):.1f} MB, "
        f"process memory +{rss_mb() - before:.0f} MB"
    )

    print("query      matches  index p50 ms  search.rq p50 ms")
    for q in QUERIES:
        total = entities.search(served, q, kind_info=kinds).total
        fast = p50(lambda q=q: entities.search(served, q, kind_info=kinds), args.repeat)
        slow = p50(lambda q=q: entities.search(reference, q, kind_info=kinds), 3)
        print(f"{q:10} {total:7}  {fast:12.2f}  {slow:16.1f}")

    graph = max(
        (g for g in served.graphs() if "/graph/" in g and "derived" not in g),
        key=lambda g: -served.count(g),  # the smallest data graph: a curator's typical PUT
    )
    started = time.perf_counter()
    copy = index.copy()
    copied = time.perf_counter() - started
    copy.refresh(served.native, served.native, [graph])
    print(
        f"refresh after a write of {graph} ({served.count(graph)} quads): copy {copied * 1000:.0f} ms, "
        f"refresh {(time.perf_counter() - started - copied) * 1000:.0f} ms"
    )

    if args.times:
        names = ox.Store()
        for i in range(args.times):
            names.bulk_extend(
                ox.Quad(
                    ox.NamedNode(f"{q.subject.value}-x{i}")
                    if isinstance(q.subject, ox.NamedNode)
                    else q.subject,
                    q.predicate,
                    q.object,
                    q.graph_name,
                )
                for p in PREDICATES
                for q in served.native.quads_for_pattern(None, ox.NamedNode(p), None, None)
            )
        started, before = time.perf_counter(), rss_mb()
        big = search_index.SearchIndex.build(names)
        print(
            f"x{args.times} names: index build {time.perf_counter() - started:.1f} s, "
            f"SQLite {size_mb(big):.1f} MB, process memory +{rss_mb() - before:.0f} MB"
        )
        bigger = OxigraphStore.wrapping(names)
        bigger.read_only = True
        search_index._INDEXES[bigger] = big  # the kind map is passed in: no store query
        print("query      matches  search p50 ms (x1)  (xN)")
        for q in QUERIES:
            small = p50(lambda q=q: entities.search(served, q, kind_info=kinds), args.repeat)
            large = p50(lambda q=q: entities.search(bigger, q, kind_info=kinds), args.repeat)
            found = entities.search(bigger, q, kind_info=kinds).total
            print(f"{q:10} {found:7}  {small:18.2f}  {large:6.2f}")


if __name__ == "__main__":
    main()
