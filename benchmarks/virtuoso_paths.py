"""Virtuoso 7.2 loses rows of variable-length property paths: the reproduction, and the rewrite.

Run: .venv/bin/python benchmarks/virtuoso_paths.py --store DIR --endpoint URL

``DIR`` is a pyoxigraph store (the reference answers) and ``URL`` a Virtuoso ``/sparql`` endpoint
loaded with the same graphs (``benchmarks/virtuoso_scale.py`` loads one; at 1M triples use
``/work/bench-data/v2/store-1M`` re-derived). Each query is sent to Virtuoso exactly as written
(no rewrite by the sparql: store) with the dataset restricted both ways the store knows (naming
our graphs, ``list``; the exclusion pragmas, ``exclude``), and then rewritten by
``kg.stores._paths.isolate_paths`` (each path triple a sub-select with a LIMIT). Printed: rows
and distinct rows per way against the embedded store's. Measured at 1M synthetic triples
(2026-12-04, Virtuoso 7.2.5): competency question 12 as written gave 1 of 5 priority-theme rows
naming our graphs and 13 rows with duplicates (5 distinct) under the pragmas; rewritten, 5 both
ways. A path with a variable at both ends is refused on its own ("transitive start not
given"), which is why the rewrite leaves those joined (they gave every row at 1M).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from kg._namespaces import PREFIXES
from kg.stores._paths import isolate_paths
from kg.stores.sparql import SparqlStore

QUERIES = {
    "question 12, priority and theme": (
        "SELECT ?p ?theme WHERE { ?p a ck:Priority ; "
        "ck:prioritisedBy id:japan-unodc-strategic-cooperation ; dcterms:subject ?theme . "
        "?theme skos:broader* id:border-management . }"
    ),
    "question 12 (tests/competency)": (
        "SELECT DISTINCT ?region WHERE { ?priority a ck:Priority ; "
        "ck:prioritisedBy id:japan-unodc-strategic-cooperation ; ck:priorityRegion ?region ; "
        "dcterms:subject ?theme . ?theme skos:broader* id:border-management . }"
    ),
    "fundings by class path": (
        "SELECT ?f ?c WHERE { ?c rdfs:subClassOf* ck:Funding . ?f a ?c ; rdfs:label ?l . }"
    ),
    "both ends variables": "SELECT ?a ?b WHERE { ?p dcterms:subject ?a . ?a skos:broader+ ?b . }",
}


def prologue() -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def reference(store: ox.Store, sparql: str) -> Counter[tuple[str, ...]]:
    rows = store.query(prologue() + sparql, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    names = [v.value for v in rows.variables]
    return Counter(tuple(str(row[n]) if row[n] is not None else "" for n in names) for row in rows)


def on_virtuoso(store: SparqlStore, sparql: str, way: str) -> Counter[tuple[str, ...]] | str:
    """Rows as Virtuoso gives them to ``sparql`` sent as is, the dataset restricted ``way``."""
    params = store._dataset(None, None) if way == "list" else []
    pragmas = store._exclusions() if way == "exclude" else ""
    response = httpx.post(
        store.query_endpoint,
        content=urlencode([("query", pragmas + prologue() + sparql), *params]),
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        timeout=300,
    )
    if response.status_code != 200:
        return "refused: " + "; ".join(re.findall(r"Error [^\n]*", response.text)[:1])
    body = response.json()
    names = body["head"]["vars"]
    return Counter(
        tuple(
            str(ox.NamedNode(row[n]["value"])) if n in row and row[n]["type"] == "uri" else ""
            for n in names
        )
        for row in body["results"]["bindings"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", required=True, help="pyoxigraph store directory")
    parser.add_argument("--endpoint", required=True, help="Virtuoso /sparql URL")
    args = parser.parse_args()
    embedded = ox.Store.read_only(args.store)
    server = SparqlStore(args.endpoint, union="list")
    server.query("ASK {}")
    print("rows (distinct) per way; the embedded store's first")
    for name, sparql in QUERIES.items():
        want = reference(embedded, sparql)
        cells = [f"embedded {sum(want.values())} ({len(want)})"]
        for label, text in (("as written", sparql), ("isolated", isolate_paths(sparql))):
            for way in ("list", "exclude"):
                got = on_virtuoso(server, text, way)
                if isinstance(got, str):
                    cells.append(f"{label} {way}: {got}")
                    continue
                exact = "exact" if got == want else "WRONG"
                cells.append(f"{label} {way}: {sum(got.values())} ({len(got)}) {exact}")
        print(f"{name}:\n  " + "\n  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
