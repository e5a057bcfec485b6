"""Build the store: parse the curated inputs, anchor quotes, validate, then write atomically.

The order matters: nothing touches the existing store until the new data has parsed, every
quote is anchored and the whole dataset conforms to the shapes. The new store is written
beside the old one and swapped in by renames, so a failed or interrupted build leaves the
previous store intact.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

import kg
from kg._locate import Locator
from kg._namespaces import CK, GRAPH, PREFIXES
from kg._rdf_files import read_turtle
from kg.anchor import anchor_graph
from kg.backup import recover_swap
from kg.derive import DERIVED_GRAPH, derive, materialise
from kg.documents import attach_texts
from kg.errors import DataNotConformingError, SourceError
from kg.settings import Settings
from kg.sources import Inputs, Source, discover
from kg.stores.oxigraph import OxigraphStore

Progress = Callable[[str], None]


@dataclass(slots=True)
class Assembled:
    """The dataset in memory, ready to validate or write: one rdflib Graph per named graph."""

    graphs: dict[str, Graph]
    locator: Locator
    texts: dict[str, str] = field(default_factory=dict)
    evidence: int = 0

    def union(self, role_graphs: Iterable[str]) -> Graph:
        merged = Graph()
        for name in role_graphs:
            for triple in self.graphs[name]:
                merged.add(triple)
        return merged


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did, for the CLI to report."""

    store: Path | None
    fingerprint: str
    skipped: bool
    seconds: float
    quads_per_graph: dict[str, int]
    warnings: tuple[str, ...] = ()


def _quiet(_: str) -> None:
    return None


def assemble(
    inputs: Inputs, *, progress: Progress = _quiet, extra: Iterable[Path] = ()
) -> Assembled:
    """Parse every source into its named graph, attach document texts and anchor quotes.

    ``extra`` files (``kg validate FILE``) join the data as a graph of their own.
    """
    locator = Locator(inputs.root)
    graphs: dict[str, Graph] = {}
    sources = list(inputs.sources)
    known = {s.path.resolve() for s in sources}
    for path in extra:
        if path.resolve() not in known:
            sources.append(Source(path, str(GRAPH["unsaved-" + path.stem]), "data"))
    for source in sources:
        progress(f"parsing {source.path.name}")
        _parse_into(graphs.setdefault(source.graph, Graph()), source.path, locator)
    data_graphs = [g for g in graphs if g not in _structural_graphs(inputs)]
    texts: dict[str, str] = {}
    for name in data_graphs:
        texts.update(attach_texts(graphs[name], inputs.root))
    evidence = 0
    for name in data_graphs:
        progress(f"anchoring quotes in {name}")
        evidence += anchor_graph(graphs[name], texts, locator)
        for document in graphs[name].subjects(RDF.type, CK.SourceDocument):
            graphs[name].add((URIRef(name), CK.document, document))
    return Assembled(graphs=graphs, locator=locator, texts=texts, evidence=evidence)


def _structural_graphs(inputs: Inputs) -> set[str]:
    return set(inputs.graphs("ontology")) | set(inputs.graphs("shapes"))


def _parse_into(graph: Graph, path: Path, locator: Locator) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from exc
    locator.add(path, text)
    read_turtle(path, text, into=graph)


def check(assembled: Assembled, inputs: Inputs, *, progress: Progress = _quiet) -> tuple[str, ...]:
    """Validate the data graphs against the shapes; raise when they do not conform.

    Returns the warnings (recommendations the data does not follow), formatted for people.
    """
    from kg.validate import validate  # pySHACL is slow to import; only pay when validating

    progress("validating against the shapes")
    structural = _structural_graphs(inputs)
    data = assembled.union(g for g in assembled.graphs if g not in structural)
    shapes = assembled.union(inputs.graphs("shapes"))
    ontology = assembled.union(inputs.graphs("ontology"))
    report = validate(data, shapes=shapes, ontology=ontology)
    warnings = tuple(_describe(v, assembled.locator) for v in report.warnings())
    if not report.conforms:
        raise DataNotConformingError(
            "\n".join(_describe(v, assembled.locator) for v in report.errors()),
            warnings=warnings,
        )
    return warnings


def _describe(violation: object, locator: Locator) -> str:
    focus = str(getattr(violation, "focus", ""))
    path = getattr(violation, "path", None)
    severity = getattr(violation, "severity", "Violation")
    value = getattr(violation, "value", None)
    where = locator.subject(focus.split("#")[0]) or "-"
    if path == str(CK.todo) and value:
        # A draft's to-do: the line it is written on, not its node's first line.
        where = locator.value(focus, str(value)) or where
        node = _short(focus) if "://" in focus else "(a mention)"
        return f"  [{where}] TODO {node}: {value}"
    parts = [f"{severity}: {_short(focus)}"]
    if path:
        parts.append(f"path {_short(str(path))}")
    if value:
        parts.append(f"value {_short(str(value))}")
    return f"  [{where}] " + ", ".join(parts) + f": {getattr(violation, 'message', '')}"


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def manifest_path(store: Path) -> Path:
    """Where the fingerprint of the last successful build of ``store`` is kept."""
    return store.with_name(store.name + ".build.json")


def code_fingerprint() -> str:
    """The build's own code is an input too: a changed anchor rule must rebuild."""
    package = Path(kg.__file__).parent
    parts = [kg.__version__] + [p.read_text(encoding="utf-8") for p in sorted(package.glob("*.py"))]
    return "\0".join(parts)


def is_current(store: Path, fingerprint: str) -> bool:
    manifest = manifest_path(store)
    if not store.is_dir() or not manifest.is_file():
        return False
    try:
        return bool(json.loads(manifest.read_text())["fingerprint"] == fingerprint)
    except (ValueError, KeyError, OSError):
        return False


def build(
    settings: Settings,
    *,
    store: Path | None = None,
    force: bool = False,
    progress: Progress = _quiet,
) -> BuildResult:
    """Build the store at ``store`` (default: the settings' store) unless it is current."""
    started = time.perf_counter()
    target = store if store is not None else settings.store_path()
    inputs = discover(settings.root)
    fingerprint = inputs.fingerprint(code_fingerprint())
    if target is not None and not force and is_current(target, fingerprint):
        return BuildResult(target, fingerprint, True, time.perf_counter() - started, {})
    assembled = assemble(inputs, progress=progress)
    warnings = check(assembled, inputs, progress=progress)
    progress("writing the store")
    if store is None and settings.store.startswith("sparql:"):
        counts = write_graphs(assembled, settings)
        return BuildResult(
            None, fingerprint, False, time.perf_counter() - started, counts, warnings
        )
    counts = write_store(assembled, target, fingerprint)
    return BuildResult(target, fingerprint, False, time.perf_counter() - started, counts, warnings)


def to_quads(assembled: Assembled) -> list[ox.Quad]:
    """All named graphs as pyoxigraph quads (via N-Triples, the lossless common ground)."""
    quads: list[ox.Quad] = []
    for name, graph in assembled.graphs.items():
        data = graph.serialize(format="nt", encoding="utf-8")
        graph_name = ox.NamedNode(name)
        quads += [
            ox.Quad(t.subject, t.predicate, t.object, graph_name)
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        ]
    return quads


def write_graphs(assembled: Assembled, settings: Settings) -> dict[str, int]:
    """Replace each named graph in the SPARQL server the settings name; returns its triples.

    A server cannot be swapped in by renames as a directory can: each graph is replaced
    atomically on its own (``Store.replace_graph``), so a reader may see new and old graphs
    side by side while this runs, never a half-written graph. Graphs the previous build to the
    same server wrote and this one does not (a source removed or renamed) are dropped; graphs
    no build wrote (loaded by curators through the Graph Store Protocol) are left alone. The
    record of what each build wrote is kept beside the default store
    (``sparql_build_record``). The derived closures (``kg.derive``) are rewritten last, from
    what the server then holds.
    """
    from kg.stores import open_configured

    record_path = sparql_build_record(settings)
    try:
        record: dict[str, list[str]] = json.loads(record_path.read_text())
    except (OSError, ValueError):
        record = {}
    previous = set(record.get(settings.store, []))
    counts: dict[str, int] = {}
    store = open_configured(settings)
    try:
        for name, graph in assembled.graphs.items():
            store.replace_graph(name, graph.serialize(format="nt", encoding="utf-8"))
            counts[name] = len(graph)
        for stale in sorted(previous - set(counts) - {DERIVED_GRAPH}):
            store.replace_graph(stale, b"")  # no triples: the graph is dropped
        counts[DERIVED_GRAPH] = derive(store)
    finally:
        store.close()
    record[settings.store] = sorted(counts)
    record_path.parent.mkdir(parents=True, exist_ok=True)
    record_path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return counts


def sparql_build_record(settings: Settings) -> Path:
    """Where the graphs each ``kg build --store sparql:URL`` wrote are recorded, per URL."""
    return settings.root / ".kg" / "sparql-builds.json"


def write_store(assembled: Assembled, target: Path | None, fingerprint: str) -> dict[str, int]:
    """Write a fresh store beside ``target`` and swap it in; returns quads per graph.

    Graphs that the previous build did not write (loaded since with ``kg import rdf`` or the
    Graph Store Protocol) are carried over into the fresh store unchanged, so rebuilding after
    a source changed never loses them; a graph this build writes replaces any earlier content.
    """
    quads = to_quads(assembled)
    counts: dict[str, int] = {}
    for quad in quads:
        key = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[key] = counts.get(key, 0) + 1
    if target is None:
        return counts
    target.parent.mkdir(parents=True, exist_ok=True)
    # A swap cut short by a crash leaves only STORE.old: put it back before anything below
    # deletes .old, or the only copy of imported graphs would go.
    recover_swap(target)
    fresh = target.with_name(target.name + ".new")
    stale = target.with_name(target.name + ".old")
    for leftover in (fresh, stale):
        shutil.rmtree(leftover, ignore_errors=True)
    new_store = OxigraphStore(fresh)
    new_store.load_nquads(quads)
    carried = carry_over(target, new_store, keep_out=set(counts))
    counts[DERIVED_GRAPH] = materialise(new_store.native)
    new_store.close()
    if target.exists():
        target.rename(stale)
    fresh.rename(target)
    shutil.rmtree(stale, ignore_errors=True)
    manifest_path(target).write_text(
        json.dumps(
            {
                "fingerprint": fingerprint,
                "quads": counts,
                "carried": carried,
                "version": kg.__version__,
            },
            indent=2,
            sort_keys=True,
        )
    )
    return {**counts, **carried}


def carry_over(old: Path, into: OxigraphStore, *, keep_out: set[str]) -> dict[str, int]:
    """Copy the graphs of the store at ``old`` that no build wrote into ``into``; returns
    quads per graph copied.

    A build's own graphs are those its manifest lists; the derived graph is recomputed and
    ``keep_out`` (what this build writes) always wins. Without a manifest (a store that only
    imports filled) every graph but those is carried.
    """
    if not old.is_dir():
        return {}
    built: set[str] = set()
    with contextlib.suppress(OSError, ValueError, KeyError):
        built = set(json.loads(manifest_path(old).read_text())["quads"])
    skip = built | keep_out | {DERIVED_GRAPH}
    source = OxigraphStore(old, read_only=True)
    try:
        carried: dict[str, int] = {}
        for graph in source.graphs():
            if graph in skip:
                continue
            name = ox.NamedNode(graph)
            into.native.bulk_extend(source.native.quads_for_pattern(None, None, None, name))
            carried[graph] = into.count(graph)
        return carried
    finally:
        source.close()
