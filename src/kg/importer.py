"""Import an RDF file into named graphs of the store: ``kg import rdf FILE [--graph NAME]``.

What changes is validated, and only that: the file is parsed with pyoxigraph into a scratch
store in memory, its neighbours in the store are added (``kg._reach``), and pyshacl-turbo checks
that against the shapes (``kg.validate.validate_store``; no rdflib graph is made). Results about
nodes the file does not mention are dropped: they describe the rest of the store, which was
validated when it was loaded.

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
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib

from kg import _reach
from kg._limits import check_size
from kg._namespaces import GRAPH, RESERVED_GRAPHS
from kg._rdf_files import counting, import_format, quads, read_turtle, syntax_error
from kg.derive import materialise
from kg.entities import compact
from kg.errors import ConfigurationError, DataNotConformingError, SourceError
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

if TYPE_CHECKING:
    from kg.validate import Violation

#: Phase ("parse", "validate", "load", "derive"), work done, work in all (None: unknown).
Progress = Callable[[str, int, int | None], None]


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
            read_turtle(path, into=ontology)
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
    if iri in RESERVED_GRAPHS:
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
    from kg.slugs import slugify

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
    max_bytes: int | None = None,
) -> ImportResult:
    """Load ``path`` into ``graph`` (None: a quad file's own graphs), validated against
    ``contract`` unless it is None; raise ``DataNotConformingError`` (store unchanged) when the
    data does not conform, ``SourceError`` for a syntax error, ``InputTooLargeError`` for a
    file over ``max_bytes`` (``KG_MAX_IMPORT_BYTES``, as for IATI files)."""
    fmt = import_format(path, format)
    if not path.is_file():
        raise ConfigurationError(f"{path} is not a file")
    size = path.stat().st_size
    if max_bytes is not None:
        check_size(path, max_bytes, "KG_MAX_IMPORT_BYTES")
    seconds: dict[str, float] = {}
    derived: list[int] = []
    verdict: Future[None] = Future()

    def load_progress(done: int) -> None:
        progress("load", done, size)

    def gate(staged: ox.Store) -> None:
        # Derived while the validation may still run (the other core): the derived graph
        # does not depend on the verdict, and it was the longest step after it (23 s of a
        # 66 s IATI import at 1M triples). Skipped when the data was refused already; the
        # verdict is awaited before anything is swapped in, so refused data never is.
        if not (verdict.done() and verdict.exception() is not None):
            _derive(staged, derived, seconds, progress)
        verdict.result()  # raises when the data was refused: the staged copy is dropped

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
    from kg.validate import validate_store

    started = time.perf_counter()
    scratch, graphs = _parse(path, graph, progress)
    replaced = set(graphs) | RESERVED_GRAPHS
    protected = sorted(RESERVED_GRAPHS & set(graphs))
    if protected:
        raise ConfigurationError(
            f"{path} fills {', '.join(protected)}, which kg build or kg.derive write; "
            "import it into another graph with --graph"
        )
    mentioned = _reach.mentioned(scratch)
    _reach.add_neighbours(scratch, store.native, mentioned, skip=replaced)
    seconds["parse"] = time.perf_counter() - started
    progress("validate", 0, None)
    started = time.perf_counter()
    report = validate_store(scratch, shapes=contract.shapes, ontology=contract.ontology)
    del scratch
    seconds["validate"] = time.perf_counter() - started
    progress("validate", 1, 1)
    names = {node.value for node in mentioned}
    errors = [v for v in report.errors() if v.focus in names]
    if errors:
        raise DataNotConformingError("\n".join(_describe(path, v) for v in errors))
    warnings = tuple(_describe(path, v) for v in report.warnings() if v.focus in names)
    return _Checked(tuple(graphs), warnings)


def _parse(path: Path, graph: str | None, progress: Progress) -> tuple[ox.Store, list[str]]:
    """The file's quads in a scratch store in memory (into ``graph`` when it is given), and the
    graphs they fill.

    pyoxigraph parses, and the quads stay pyoxigraph's: pyshacl-turbo reads them from there
    (``kg.validate.validate_store``). Building an rdflib graph of them instead cost more than
    the whole validation (2.5 s per 100k triples).
    """
    fmt = import_format(path)
    size = path.stat().st_size
    scratch = ox.Store()
    target = None if graph is None else ox.NamedNode(graph)
    try:
        if target is not None and fmt.supports_datasets:
            scratch.extend(
                ox.Quad(q.subject, q.predicate, q.object, target)
                for q in quads(path, fmt, lambda done: progress("parse", done, size))
            )
        else:
            # Parsed and inserted natively, with no Python object per quad.
            with path.open("rb") as raw:
                scratch.load(
                    counting(raw, lambda done: progress("parse", done, size)),
                    format=fmt.rdf_format,
                    base_iri=path.resolve().as_uri(),
                    to_graph=target,
                )
    except SyntaxError as exc:
        raise syntax_error(path, exc) from exc
    if target is not None:
        return scratch, [target.value]
    names: list[str] = []
    for name in scratch.named_graphs():
        if not isinstance(name, ox.NamedNode):
            raise SourceError(
                f"{path} has triples in a blank-node graph; name the graph to import them "
                "into with --graph"
            )
        names.append(name.value)
    if next(iter(scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
        raise SourceError(
            f"{path} has triples in no named graph; name the graph to import them into with --graph"
        )
    return scratch, sorted(names)


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
