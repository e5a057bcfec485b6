"""Import an RDF file into named graphs of the store: ``kg import rdf FILE [--graph NAME]``.

What changes is validated, and only that: the file is parsed with pyoxigraph (rdflib takes ten
times longer to parse), its triples become an rdflib graph together with their neighbours in the
store, and pySHACL checks that against the shapes. Results about nodes the file does not mention
are dropped: they describe the rest of the store, which was validated when it was loaded.

Loading starts at once, beside the check (``OxigraphStore.load_graph`` stages the new content in
a copy of the store and only swaps it in when its ``before_swap`` returns). ``before_swap`` waits
for the verdict: data that does not conform is refused and the staged copy thrown away, so the
store is unchanged; data that conforms gets its derived triples (``kg.derive``) in the same
staged copy, so readers see the new data and its region closure together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF
from rdflib.term import Node, URIRef

from kg._namespaces import GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH
from kg._rdf_files import import_format, quads, syntax_error
from kg.derive import DERIVED_GRAPH, materialise
from kg.entities import compact
from kg.errors import ConfigurationError, DataNotConformingError, SourceError
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore, to_rdflib

if TYPE_CHECKING:
    from kg.validate import Violation

#: Phase ("parse", "validate", "load", "derive"), work done, work in all (None: unknown).
Progress = Callable[[str, int, int | None], None]

#: Graphs an import may not fill: the build writes the contract, ``kg.derive`` the derived graph.
PROTECTED_GRAPHS: Final = frozenset({str(ONTOLOGY_GRAPH), str(SHAPES_GRAPH), DERIVED_GRAPH})


def _quiet(_phase: str, _done: int, _total: int | None) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Contract:
    """What imported data is checked against: the shapes, and the ontology's class tree."""

    shapes: rdflib.Graph
    ontology: rdflib.Graph

    @classmethod
    def load(cls, settings: Settings) -> Contract:
        from kg.validate import load_shapes

        ontology = rdflib.Graph()
        for path in sorted(settings.ontology_dir.glob("*.ttl")):
            ontology.parse(path, format="turtle")
        return cls(load_shapes(settings.shapes_dir), ontology)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, for the CLI to report."""

    path: Path
    graphs: tuple[str, ...]
    """The graphs the file filled; empty when it was not read before loading (no validation)."""
    quads: int
    """Quads now in those graphs."""
    derived: int
    """Triples in the derived graph after the import."""
    validated: bool
    warnings: tuple[str, ...]
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time per phase; "load" ran beside "parse" and "validate" when validating."""


def graph_iri(name: str) -> str:
    """A graph named by slug (``iati-2024``) or full IRI, refusing the graphs imports may not fill."""
    iri = name if "://" in name else str(GRAPH[name])
    if iri in PROTECTED_GRAPHS:
        raise ConfigurationError(
            f"{iri} is written by kg build or kg.derive, not by imports; choose another --graph"
        )
    return iri


def default_graph(path: Path) -> str | None:
    """Where a file goes without ``--graph``: a quad file keeps its graphs, a triple file goes to
    the graph named after it (``data/iati-2024.ttl`` to ``graph/iati-2024``)."""
    fmt = import_format(path)
    if fmt.supports_datasets:
        return None
    from kg._countries import slugify

    slug = slugify(path.stem)
    if not slug:
        raise ConfigurationError(f"cannot name a graph after {path.name}; pass --graph")
    return graph_iri(slug)


def import_rdf(
    store: OxigraphStore,
    path: Path,
    *,
    graph: str | None,
    format: str | None = None,
    contract: Contract | None = None,
    progress: Progress = _quiet,
) -> ImportResult:
    """Load ``path`` into ``graph`` (None: a quad file's own graphs), validated against
    ``contract`` unless it is None; raise ``DataNotConformingError`` (store unchanged) when the
    data does not conform, ``SourceError`` for a syntax error."""
    fmt = import_format(path, format)
    if not path.is_file():
        raise ConfigurationError(f"{path} is not a file")
    size = path.stat().st_size
    seconds: dict[str, float] = {}
    derived: list[int] = []
    verdict: Future[None] = Future()

    def load_progress(done: int) -> None:
        progress("load", done, size)

    def gate(staged: ox.Store) -> None:
        verdict.result()  # raises when the data was refused: the staged copy is dropped
        _derive(staged, derived, seconds, progress)

    started = time.perf_counter()
    checked = _Checked((), ())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-import") as pool:
        loading = pool.submit(
            store.load_graph,
            graph,
            path,
            format=fmt.name,
            progress=load_progress,
            before_swap=gate,
        )
        try:
            if contract is not None:
                checked = _check(store, path, graph, contract, progress, seconds)
        except BaseException as exc:
            verdict.set_exception(exc)
            wait([loading])  # it drops the staged copy; its own error repeats this one
            raise
        verdict.set_result(None)
        loaded = loading.result()
    seconds["load"] = time.perf_counter() - started
    return ImportResult(
        path=path,
        graphs=checked.graphs,
        quads=loaded,
        derived=derived[0] if derived else 0,
        validated=contract is not None,
        warnings=checked.warnings,
        seconds=seconds,
    )


def load_pieces(
    store: OxigraphStore,
    pieces: Iterable[bytes],
    *,
    graph: str,
    source: Path,
    progress: Progress = _quiet,
) -> ImportResult:
    """Replace ``graph`` with N-Triples made while they load, unvalidated (``kg import iati
    --no-validate``): staged, derived, swapped in as ``import_rdf`` does. ``source`` is the
    file the triples were made from, for the result. When ``pieces`` raises, the store is
    unchanged."""
    seconds: dict[str, float] = {}
    derived: list[int] = []
    started = time.perf_counter()
    loaded = store.load_graph_pieces(
        graph_iri(graph),
        pieces,
        before_swap=lambda staged: _derive(staged, derived, seconds, progress),
    )
    seconds["load"] = time.perf_counter() - started
    return ImportResult(
        path=source,
        graphs=(graph,),
        quads=loaded,
        derived=derived[0] if derived else 0,
        validated=False,
        warnings=(),
        seconds=seconds,
    )


def _derive(
    staged: ox.Store, derived: list[int], seconds: dict[str, float], progress: Progress
) -> None:
    """Rewrite the derived graph of a staged store, timed and reported."""
    progress("derive", 0, None)
    started = time.perf_counter()
    derived.append(materialise(staged))
    seconds["derive"] = time.perf_counter() - started
    progress("derive", 1, 1)


@dataclass(frozen=True, slots=True)
class _Checked:
    graphs: tuple[str, ...]
    warnings: tuple[str, ...]


def _check(
    store: OxigraphStore,
    path: Path,
    graph: str | None,
    contract: Contract,
    progress: Progress,
    seconds: dict[str, float],
) -> _Checked:
    """Validate the file's triples with their neighbours; raise when they do not conform."""
    from kg.validate import validate

    started = time.perf_counter()
    data, graphs, mentioned = _parse(path, graph, progress)
    replaced = set(graphs) | PROTECTED_GRAPHS
    protected = sorted(PROTECTED_GRAPHS & set(graphs))
    if protected:
        raise ConfigurationError(
            f"{path} fills {', '.join(protected)}, which kg build or kg.derive write; "
            "import it into another graph with --graph"
        )
    _add_neighbours(data, store, mentioned, replaced)
    seconds["parse"] = time.perf_counter() - started
    progress("validate", 0, None)
    started = time.perf_counter()
    report = validate(data, shapes=contract.shapes, ontology=contract.ontology)
    seconds["validate"] = time.perf_counter() - started
    progress("validate", 1, 1)
    names = {str(node) for node in mentioned}
    errors = [v for v in report.errors() if v.focus in names]
    if errors:
        raise DataNotConformingError("\n".join(_describe(path, v) for v in errors))
    warnings = tuple(_describe(path, v) for v in report.warnings() if v.focus in names)
    return _Checked(tuple(graphs), warnings)


def _parse(
    path: Path, graph: str | None, progress: Progress
) -> tuple[rdflib.Graph, list[str], set[Node]]:
    """The file's triples as an rdflib graph, the graphs it fills, and every node it mentions
    (subjects and objects that are IRIs or blank nodes)."""
    fmt = import_format(path)
    size = path.stat().st_size
    data = rdflib.Graph()
    graphs: dict[str, None] = {} if graph is None else {graph: None}
    mentioned: set[Node] = set()
    iris: dict[str, URIRef] = {}

    def iri(term: ox.NamedNode) -> URIRef:
        # Predicates, types and shared entities recur on most lines: make each IRI once.
        found = iris.get(term.value)
        if found is None:
            found = iris[term.value] = URIRef(term.value)
        return found

    def triples() -> Iterable[tuple[Node, Node, Node, rdflib.Graph]]:
        seen_graphs: set[object] = set()
        for quad in quads(path, fmt, lambda done: progress("parse", done, size)):
            if graph is None and quad.graph_name not in seen_graphs:
                seen_graphs.add(quad.graph_name)
                if not isinstance(quad.graph_name, ox.NamedNode):
                    raise SourceError(
                        f"{path} has triples in no named graph (or in a blank-node graph); "
                        "name the graph to import them into with --graph"
                    )
                graphs[quad.graph_name.value] = None
            subject = quad.subject
            s = iri(subject) if isinstance(subject, ox.NamedNode) else to_rdflib(subject)
            o_term = quad.object
            o = iri(o_term) if isinstance(o_term, ox.NamedNode) else to_rdflib(o_term)
            mentioned.add(s)
            if not isinstance(o, rdflib.Literal):
                mentioned.add(o)
            yield s, iri(quad.predicate), o, data

    try:
        data.addN(triples())
    except SyntaxError as exc:
        raise syntax_error(path, exc) from exc
    return data, list(graphs), mentioned


def _add_neighbours(
    data: rdflib.Graph, store: OxigraphStore, mentioned: set[Node], replaced: set[str]
) -> None:
    """Add what the rest of the store says about the IRIs the file mentions, and the types of
    the nodes that says they point to.

    That is what the shapes look at around a node: ``sh:class`` needs a value's type, a
    document's quotes need its text, a country's code may sit in another graph. Graphs the file
    replaces are left out (their old content is going), and so are the ontology and the shapes
    (``validate`` adds the class tree itself) and the derived graph.
    """
    native = store.native
    skip = {ox.NamedNode(g) for g in replaced}
    pointed: set[ox.NamedNode | ox.BlankNode] = set()
    for node in mentioned:
        if not isinstance(node, URIRef):
            continue  # a blank node of the file is the file's own
        for quad in native.quads_for_pattern(ox.NamedNode(node), None, None, None):
            if quad.graph_name in skip:
                continue
            data.add((node, URIRef(quad.predicate.value), to_rdflib(quad.object)))
            if isinstance(quad.object, (ox.NamedNode, ox.BlankNode)):
                pointed.add(quad.object)
    a = ox.NamedNode(str(RDF.type))
    for target in pointed:
        subject = to_rdflib(target)
        if subject in mentioned:
            continue
        for quad in native.quads_for_pattern(target, a, None, None):
            if quad.graph_name not in skip:
                data.add((subject, RDF.type, to_rdflib(quad.object)))


def _describe(path: Path, violation: Violation) -> str:
    parts = [f"{violation.severity}: {compact(violation.focus)}"]
    if violation.path:
        parts.append(f"path {compact(violation.path)}")
    if violation.value:
        parts.append(f"value {compact(violation.value)}")
    return f"  [{path.name}] " + ", ".join(parts) + f": {violation.message}"


__all__ = [
    "Contract",
    "ImportResult",
    "Progress",
    "default_graph",
    "graph_iri",
    "import_rdf",
    "load_pieces",
]
