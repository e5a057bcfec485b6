"""The IATI sample files (tests/data/iati/, origins in its README) and helpers of the IATI
import tests: import a file into a store, read back what it holds."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg._namespaces import PREFIXES
from kg.iati_import import IatiImportResult, default_iati_graph, import_iati
from kg.importer import Contract
from kg.slugs import slugify
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "iati"
HOSTILE = DATA / "hostile"
NETHERLANDS = DATA / "netherlands-mfa-2.03.xml"
EXAMPLE = DATA / "iati-standard-example-annotated-2.03.xml"
DFID = DATA / "dfid-sample-1.0x.xml"
UNDP = DATA / "undp-sample-1.0x.xml"
WORLD_BANK = DATA / "worldbank-1.0x.xml"
MALFORMED = DATA / "malformed-2.03.xml"
DRAFTS = (DFID, UNDP, WORLD_BANK)
ID = PREFIXES["id"]

#: Codelists, DAC themes and every country and DAC region: the import matches against them and
#: validation needs them (their branch adds data/reference/iati-codelists.ttl).
needs_reference = pytest.mark.skipif(
    not (ROOT / "data" / "reference" / "iati-codelists.ttl").exists(),
    reason="the IATI reference data (codelists, DAC themes, places) is not in this checkout",
)


def imports_of(store_dir: Path) -> Path:
    """Where an import into ``store_dir`` keeps the files (as the CLI's default does)."""
    return store_dir.parent / "imports"


def import_file(
    store_dir: Path,
    path: Path,
    *,
    graph: str | None = None,
    contract: Contract | None = None,
    partial: bool = False,
) -> IatiImportResult:
    store = OxigraphStore(store_dir)
    try:
        return import_iati(
            store,
            path,
            graph=graph or default_iati_graph(path),
            imports_dir=imports_of(store_dir),
            data_dir=ROOT / "data",
            max_bytes=10**8,
            contract=contract,
            partial=partial,
        )
    finally:
        store.close()


def select(store_dir: Path, sparql: str) -> list[tuple[str, ...]]:
    """Rows of a SELECT over the union of the graphs, each term as its value ("" unbound)."""
    store = ox.Store.read_only(str(store_dir))
    result = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    rows = [tuple("" if t is None else t.value for t in solution) for solution in result]
    del result, store
    return rows


def values(store_dir: Path, subject: str, predicate: str) -> set[str]:
    """The values of ``subject predicate ?o`` (prefixed names as in PREFIXES)."""
    return {row[0] for row in select(store_dir, f"SELECT ?o WHERE {{ {subject} {predicate} ?o }}")}


def graph_quads(store_dir: Path, graph: str) -> set[str]:
    """The graph's triples as N-Triples lines, each blank node written as the sorted list of
    its own triples (the importer's blank nodes are amounts and selectors, with no blank node
    inside), since every load labels blank nodes afresh."""
    store = ox.Store.read_only(str(store_dir))
    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    del store
    own: dict[str, list[str]] = {}
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            own.setdefault(q.subject.value, []).append(f"{q.predicate} {q.object}")

    def term(t: object) -> str:
        if isinstance(t, ox.BlankNode):
            return "[" + " ; ".join(sorted(own.get(t.value, []))) + "]"
        return str(t)

    return {
        f"{term(q.subject)} {q.predicate} {term(q.object)}"
        for q in quads
        if not isinstance(q.subject, ox.BlankNode)
    }


def with_identifiers(path: Path, into: Path) -> Path:
    """A copy of a pre-1.01 draft with an iati-identifier (``TEST-{STEM}-{n}``) added to each
    activity on the line of its start tag, so every line keeps its number."""
    count = 0

    def add(found: re.Match[str]) -> str:
        nonlocal count
        count += 1
        name = f"TEST-{slugify(path.stem).upper()}-{count}"
        return f"{found.group(0)}<iati-identifier>{name}</iati-identifier>"

    text = re.sub(r"<iati-activity\b[^>]*>", add, path.read_text(encoding="utf-8"))
    copy = into / path.name
    copy.write_text(text, encoding="utf-8")
    return copy


def line_of(path: Path, needle: str, *, after: str | None = None, occurrence: int = 1) -> int:
    """The line (1-based) of the ``occurrence``-th ``needle`` after the first ``after``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line)
    seen = 0
    for number, line in enumerate(lines[start:], start + 1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} times in {path.name}")
