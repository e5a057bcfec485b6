"""Check data against the SHACL shapes in `shapes/*.ttl`.

The shapes state the modelling contract of `docs/modelling.md`; this module only runs them and
turns the SHACL report graph into plain Python values, so the build, the CLI and the API never
touch SHACL report vocabulary. It returns a report and never raises for data that does not
conform: deciding what non-conforming data means (exit code 1, an HTTP error) is the caller's.

Two engines run the same shapes with the same `validate()` signature:

- ``"turbo"`` (the default): pyshacl-turbo, a SHACL engine in Rust. On the shipped data it is
  about 20 times faster than pySHACL, and it is what makes validated imports of a million
  triples possible at all (pySHACL had not finished 200k triples after 15 minutes).
- ``"pyshacl"``: pySHACL, the reference implementation. `tests/test_validate_parity.py` runs
  both on every shape fixture and on the shipped data and requires the same results (focus,
  path, message, severity, shape, value); `docs/validation.md` lists what differed and how the
  shapes were written so that both agree.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from typing import Literal as Choice

import rdflib
from rdflib.namespace import RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor, Result
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from kg._rdf_files import read_turtle

if TYPE_CHECKING:
    import pyoxigraph as ox

#: Which SHACL engine runs the shapes; see the module docstring.
Engine = Choice["turbo", "pyshacl"]

#: Where `validate_store` puts the ontology's class tree inside the caller's scratch store.
CLASS_TREE_GRAPH: Final = "urn:coop-kg:validation:class-tree"

_SEVERITIES: Final[dict[Node, str]] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}
_SEVERITY_ORDER: Final[dict[str, int]] = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL validation result, whatever its severity."""

    focus: str
    """IRI of the node the result is about, or its blank node id."""
    path: str | None
    """The sh:resultPath when it is a property IRI; None for node-level results and for
    complex paths such as ( oa:hasSelector rdf:type )."""
    message: str
    """The shape's sh:message: what is wrong and what to write instead."""
    severity: str
    """"Violation", "Warning" or "Info"."""
    shape: str
    """The shape that produced the result (an IRI in shapes/*.ttl, or a blank node id)."""
    value: str | None
    """The offending value (sh:value), if the result names one."""


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """All results of one validation run, errors first, in a stable order."""

    violations: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        """True when no result has severity "Violation": warnings are advice, not failures."""
        return not self.errors()

    def errors(self) -> tuple[Violation, ...]:
        """The results that make the data non-conforming."""
        return tuple(v for v in self.violations if v.severity == "Violation")

    def warnings(self) -> tuple[Violation, ...]:
        """The results of recommendations (sh:Warning)."""
        return tuple(v for v in self.violations if v.severity == "Warning")


def load_shapes(shapes_dir: Path) -> rdflib.Graph:
    """Parse every `*.ttl` file of `shapes_dir` into one graph.

    The shapes are split by topic across files but reference each other (shared property
    shapes, the SPARQL prefix declarations), so they only work as one graph.
    Raises FileNotFoundError when the directory holds no Turtle files, so that a wrong path
    cannot pass as "no rules, everything conforms"; a syntax error is a ``SourceError`` naming
    the file, line and column.
    """
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(
            f"no shapes (*.ttl) in {shapes_dir}; pass the repository's shapes/ directory"
        )
    shapes = rdflib.Graph()
    for file in files:
        read_turtle(file, into=shapes)
    return shapes


def validate(
    data: rdflib.Graph,
    *,
    shapes: rdflib.Graph,
    ontology: rdflib.Graph,
    engine: Engine = "turbo",
) -> ValidationReport:
    """Validate `data` (the union of all data graphs) against `shapes`.

    sh:targetClass and sh:class follow rdfs:subClassOf in the data graph only, and the data is
    typed with ck: subclasses (a ck:State must count as a schema:Place and a ck:Actor). So the
    ontology's rdfs:subClassOf triples, and nothing else of it, are copied into a private copy
    of the data. Not RDFS inference: it is wrong for these shapes, because rdfs:range makes
    every value of ck:recipient a ck:Actor (the range checks can never fail) and rdf:type
    rdfs:Resource on every node breaks the selector-type check (and with pySHACL it was 3.5
    times slower). Not the whole ontology either: shapes that target e.g. subjects of
    dcterms:description would pick up the ontology's own header.

    Raises ValueError when the engine cannot run the shapes (a broken shapes file is a setup
    error, not non-conforming data). `data`, `shapes` and `ontology` are not modified.
    """
    if engine == "pyshacl":
        return _read_report(_run_pyshacl(data, shapes, ontology))
    if engine != "turbo":
        raise ValueError(f"unknown SHACL engine {engine!r}; use 'turbo' or 'pyshacl'")
    target = rdflib.Graph()
    target += data
    target += ontology.triples((None, RDFS.subClassOf, None))
    return _read_report(_run_turbo(target, shapes))


def validate_store(
    store: ox.Store, *, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> ValidationReport:
    """Validate the union of the named graphs of a pyoxigraph `store` with pyshacl-turbo.

    For data that is already in pyoxigraph (imports, writes): no rdflib graph is made of it,
    which at a million triples costs more than the validation. The store must be the caller's
    scratch copy: the ontology's class tree (see `validate`) is added to it, in the graph
    `CLASS_TREE_GRAPH`. pyoxigraph keeps values, not lexical forms, so a result's value may be
    spelt otherwise (``540054.6`` where the file said ``540054.60``).

    The store goes to pyshacl-turbo as N-Quads text, not as the store itself: given a store,
    pyshacl-turbo 0.6.5 reads every plain literal as typed xsd:string and then no longer finds
    it in an ``sh:in`` list of plain literals (docs/validation.md); read as N-Quads, a plain
    literal stays plain, as in rdflib.
    """
    import pyoxigraph as ox
    from pyshacl_turbo.rdf import Input

    tree = ox.NamedNode(CLASS_TREE_GRAPH)
    store.extend(
        ox.Quad(
            ox.NamedNode(str(sub)), ox.NamedNode(str(RDFS.subClassOf)), ox.NamedNode(str(sup)), tree
        )
        for sub, sup in ontology.subject_objects(RDFS.subClassOf)
        if isinstance(sub, URIRef) and isinstance(sup, URIRef)
    )
    text = (store.dump(format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    return _read_report(_run_turbo(Input(text, "nquads", None, {}, preserve_ids=True), shapes))


# --- pyshacl-turbo ------------------------------------------------------------------------------

_compiled_lock = threading.Lock()
_compiled: dict[frozenset[tuple[Node, Node, Node]], Any] = {}
_COMPILED_KEEP: Final = 4


def _program(shapes: rdflib.Graph) -> Any:
    """The shapes compiled by pyshacl-turbo, once per distinct shapes graph in this process.

    Compiling reads the whole shapes graph (tens of milliseconds), which would dominate the
    small validations of writes and tests. The key is the graph's content, not its identity, so
    an edited shapes graph is compiled again. A compiled program is immutable and may be shared
    by concurrent validations (unlike pySHACL's shapes graph, pySHACL GitHub issue 314).
    """
    import pyshacl_turbo

    key = frozenset(shapes)
    with _compiled_lock:
        program = _compiled.get(key)
        if program is None:
            try:
                program = pyshacl_turbo.compile_shapes(shapes)  # type: ignore[no-untyped-call]  # untyped package
            except (RuntimeError, ValueError) as exc:
                raise ValueError(f"pyshacl-turbo could not compile the shapes: {exc}") from exc
            if len(_compiled) >= _COMPILED_KEEP:
                _compiled.pop(next(iter(_compiled)))
            _compiled[key] = program
    return program


def _run_turbo(data: object, shapes: rdflib.Graph) -> rdflib.Graph:
    """Run pyshacl-turbo on `data` (an rdflib graph or its N-Quads `Input`) and return its
    report graph; the only call into it."""
    try:
        _conforms, report, _text = _program(shapes).validate(data, allow_warnings=True)
    except (RuntimeError, ValueError) as exc:
        raise ValueError(f"pyshacl-turbo could not run the shapes: {exc}") from exc
    if not isinstance(report, rdflib.Graph):
        raise ValueError(f"pyshacl-turbo returned no report graph: {report!r}")
    return report


# --- pySHACL, the reference ---------------------------------------------------------------------


_pyshacl_shapes = threading.local()


def _shapes_for_pyshacl(shapes: rdflib.Graph) -> rdflib.Graph:
    """A copy of `shapes` for pySHACL to run, one per thread, kept while the shapes stay the same.

    A copy, because pySHACL writes into the shapes graph it runs (0.40: at its first run it adds
    owl:Class rdfs:subClassOf rdfs:Class and owl:DatatypeProperty rdfs:subClassOf rdf:Property)
    and one shapes graph shared by concurrent validations fails in it (its GitHub issue 314).
    Kept, because copying was a third of each validation (the 247 shape fixtures: 16.4 s with
    a copy each, 10.8 s with one), and with one copy pySHACL reports the same for every
    fixture: what it adds is the same two triples each time. tests/test_validate_parity.py
    compares its reports with pyshacl-turbo's, so a copy that changed them would show there.
    The key is the content, as for pyshacl-turbo's compiled shapes (`_program`)."""
    key = frozenset(shapes)
    kept: tuple[frozenset[tuple[Node, Node, Node]], rdflib.Graph] | None = getattr(
        _pyshacl_shapes, "kept", None
    )
    if kept is None or kept[0] != key:
        copy = rdflib.Graph()
        copy += shapes
        kept = (key, copy)
        _pyshacl_shapes.kept = kept
    return kept[1]


def _run_pyshacl(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> rdflib.Graph:
    """Run pySHACL on a private copy of the data and the thread's copy of the shapes
    (`_shapes_for_pyshacl`) and return its report graph.

    `inplace=True` because the data is already a private copy; `inference="none"` because the
    class tree is already in it (see `validate`). pySHACL's return value is untyped, so it is
    checked here once.
    """
    import pyshacl

    target = _PreparedQueryGraph()
    target += data
    target += ontology.triples((None, RDFS.subClassOf, None))
    _conforms, report, text = pyshacl.validate(
        target,
        shacl_graph=_shapes_for_pyshacl(shapes),
        ont_graph=None,
        inference="none",
        inplace=True,
        advanced=False,
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
    )
    if not isinstance(report, rdflib.Graph):
        # pySHACL reports a shapes graph it cannot run (e.g. a SPARQL constraint using VALUES)
        # by returning the exception instead of a report.
        raise ValueError(f"pySHACL could not run the shapes: {text}")
    return report


class _PreparedQueryGraph(rdflib.Graph):
    """A graph whose string SPARQL queries are parsed once per process, not once per call.

    pySHACL runs every sh:sparql constraint once per focus node, always with the same text
    (the focus node comes in through initBindings), and rdflib parses a string query on every
    call: about 50 ms each, so SPARQL constraints over a few hundred evidence nodes took tens of
    seconds. See `_prepare` for why the parsed queries can be shared.
    """

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and not initNs and not kwargs:
            query_object = _prepare(query_object)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


@lru_cache(maxsize=128)
def _prepare(text: str) -> Query:
    """Parse and translate a query once; the texts come from the shapes, so there are few.

    rdflib only reads a prepared query's algebra while evaluating it (results go to fresh
    objects), so one parsed query can serve every validation, concurrent ones included.
    """
    return prepareQuery(text)


# --- reports ------------------------------------------------------------------------------------


def _read_report(report: rdflib.Graph) -> ValidationReport:
    violations = [_read_result(report, result) for result in report.objects(None, SH.result)]
    violations.sort(key=_sort_key)
    return ValidationReport(violations=tuple(violations))


def _sort_key(v: Violation) -> tuple[int, str, str, str, str, bool, str]:
    """A total order: no value sorts before the empty string (an empty ck:iatiIdentifier gives
    both), so two runs that find the same results list them in the same order."""
    return (
        _SEVERITY_ORDER[v.severity],
        v.focus,
        v.path or "",
        v.shape,
        v.message,
        v.value is not None,
        v.value or "",
    )


def _read_result(report: rdflib.Graph, result: Node) -> Violation:
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    # One sh:resultMessage per message of the shape; ours have exactly one, but a shape
    # without sh:message gets generated ones, and all of them are worth showing.
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    return Violation(
        focus=_node_text(report.value(result, SH.focusNode)),
        path=str(path) if isinstance(path, URIRef) else None,
        message=" ".join(messages),
        severity=_SEVERITIES.get(
            report.value(result, SH.resultSeverity) or SH.Violation, "Violation"
        ),
        shape=_node_text(report.value(result, SH.sourceShape)),
        value=None if value is None else _node_text(value),
    )


def _node_text(node: Node | None) -> str:
    """IRIs and literals as their text, blank nodes as their id (what `Violation` documents)."""
    if node is None:
        return ""
    if isinstance(node, (URIRef, BNode, Literal)):
        return str(node)
    return node.n3()


__all__ = [
    "CLASS_TREE_GRAPH",
    "Engine",
    "ValidationReport",
    "Violation",
    "load_shapes",
    "validate",
    "validate_store",
]
