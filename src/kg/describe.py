"""What the linked-data IRIs serve as RDF, read with a few named queries.

``describe`` gives the concise bounded description of one entity (its own triples, its blank
nodes, its evidence and their selectors: ``queries/ld-describe.rq``) plus the triples that
point at it and the labels of everything it links to (``queries/ld-context.rq``): two queries
for every RDF format. The HTML page of an entity is not made from these triples but from the
entity model the JSON answer gives (``kg.entities.describe``), so that one model feeds both.

``ontology_doc`` and ``shapes_doc`` turn the ontology and shapes graphs into documentation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

from kg._namespaces import BASE, CK, DCTERMS, PREFIXES
from kg.errors import QueryError
from kg.queries import load_query
from kg.results import to_graph
from kg.stores.base import GraphResult, Store, Term, sparql_term

Triple = tuple[Term, URIRef, Term]

#: Prefixes for showing IRIs to people: the data's own, plus the shapes' namespace.
DISPLAY_PREFIXES: Final[dict[str, str]] = {**PREFIXES, "cks": BASE + "shapes#"}

_THIS: Final = re.compile(r"\$this\b")


def bind_this(query: str, iri: str) -> str:
    """``query`` with the parameter ``$this`` written as the constant ``<iri>``.

    The ld-*.rq queries use ``$this`` as SHACL-SPARQL does, inside UNION branches and BINDs.
    ``Store.query(bindings=)`` puts a VALUES block at the top instead, which SPARQL joins
    after the branches are evaluated: on the description query that was 100 times slower
    (109 ms against 0.9 ms for id:japan) and left BIND(?this AS ?s) unbound in its branch.
    """
    term = sparql_term(URIRef(iri))  # refuses anything that is not one IRI
    return _THIS.sub(lambda _: term, query)


def curie(iri: object) -> str:
    """``ck:Actor`` for an IRI in a known namespace, else the IRI itself."""
    text = str(iri)
    for prefix, namespace in DISPLAY_PREFIXES.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def english(literals: Iterable[Literal]) -> Literal | None:
    """The English (or else language-less, or else first) of several literals."""
    rank = {"en": 0, None: 1}
    ranked = sorted(literals, key=lambda lit: (rank.get(lit.language, 2), lit.language or ""))
    return ranked[0] if ranked else None


@dataclass(frozen=True, slots=True)
class Description:
    """What ``/id/{slug}`` serves about ``iri``.

    ``triples`` is the concise bounded description, ``incoming`` every triple whose object
    is ``iri``, ``labels`` the ``rdfs:label`` triples of the IRIs either links to (values,
    incoming subjects, properties, the documents of its evidence).
    """

    iri: URIRef
    triples: tuple[Triple, ...]
    incoming: tuple[Triple, ...]
    labels: tuple[Triple, ...]

    @property
    def found(self) -> bool:
        return bool(self.triples or self.incoming)

    def graph(self) -> GraphResult:
        """The whole response as one set of triples, in a stable order."""
        unique = dict.fromkeys((*self.triples, *self.incoming, *self.labels))
        return GraphResult(tuple(unique))


def describe(store: Store, iri: str) -> Description:
    """The description of ``iri`` (two queries; ``Description.found`` is False if unknown)."""
    this = URIRef(iri)
    cbd = _graph(store.query(bind_this(load_query("ld-describe"), iri)))
    context = _graph(store.query(bind_this(load_query("ld-context"), iri)))
    incoming = tuple(dict.fromkeys(t for t in context if t[2] == this))
    labels = tuple(dict.fromkeys(t for t in context if t[2] != this and t[1] == RDFS.label))
    return Description(this, tuple(dict.fromkeys(cbd)), incoming, labels)


def _graph(result: object) -> tuple[Triple, ...]:
    if not isinstance(result, GraphResult):
        raise QueryError("a linked-data query must be a CONSTRUCT query")
    return result.triples


# -- ontology and shapes documentation ------------------------------------------------------


def named_graph(store: Store, graph: str) -> Graph:
    """One named graph of the store as an rdflib graph (for walking lists and blank nodes)."""
    result = store.query(load_query("ld-graph"), default_graphs=[graph])
    if not isinstance(result, GraphResult):
        raise QueryError("ld-graph.rq must be a CONSTRUCT query")
    return to_graph(result)


@dataclass(frozen=True, slots=True)
class TermDoc:
    """A class, property or individual of the ontology, as its documentation shows it."""

    iri: URIRef
    curie: str
    label: str | None
    definition: str | None
    kinds: tuple[URIRef, ...]
    superclasses: tuple[URIRef, ...] = ()
    subclasses: tuple[URIRef, ...] = ()
    domain_of: tuple[URIRef, ...] = ()
    domains: tuple[URIRef, ...] = ()
    ranges: tuple[URIRef, ...] = ()
    superproperties: tuple[URIRef, ...] = ()
    subproperties: tuple[URIRef, ...] = ()
    defined_by: URIRef | None = None

    @property
    def ours(self) -> bool:
        return self.iri.startswith(str(CK))


@dataclass(frozen=True, slots=True)
class OntologyDoc:
    title: str | None
    description: str | None
    version: str | None
    license: URIRef | None
    classes: tuple[TermDoc, ...]
    properties: tuple[TermDoc, ...]
    individuals: tuple[TermDoc, ...]


_CLASS_KINDS: Final = (OWL.Class, RDFS.Class)
_PROPERTY_KINDS: Final = (
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
)


def ontology_doc(graph: Graph) -> OntologyDoc:
    """Every class, property and named individual of the ontology graph, ours first."""

    def iris(subject: URIRef, predicate: URIRef) -> tuple[URIRef, ...]:
        return tuple(
            sorted(
                (o for o in graph.objects(subject, predicate) if isinstance(o, URIRef)), key=curie
            )
        )

    def inverse(predicate: URIRef, obj: URIRef) -> tuple[URIRef, ...]:
        return tuple(
            sorted((s for s in graph.subjects(predicate, obj) if isinstance(s, URIRef)), key=curie)
        )

    def text(subject: URIRef, *predicates: URIRef) -> str | None:
        for predicate in predicates:
            literal = english(
                o for o in graph.objects(subject, predicate) if isinstance(o, Literal)
            )
            if literal is not None:
                return str(literal)
        return None

    def term(iri: URIRef, kinds: tuple[URIRef, ...]) -> TermDoc:
        defined_by = iris(iri, RDFS.isDefinedBy)
        return TermDoc(
            iri=iri,
            curie=curie(iri),
            label=text(iri, RDFS.label),
            definition=text(iri, SKOS.definition, RDFS.comment),
            kinds=kinds,
            superclasses=iris(iri, RDFS.subClassOf),
            subclasses=inverse(RDFS.subClassOf, iri),
            domain_of=inverse(RDFS.domain, iri),
            domains=iris(iri, RDFS.domain),
            ranges=iris(iri, RDFS.range),
            superproperties=iris(iri, RDFS.subPropertyOf),
            subproperties=inverse(RDFS.subPropertyOf, iri),
            defined_by=defined_by[0] if defined_by else None,
        )

    def order(doc: TermDoc) -> tuple[bool, str]:
        return (not doc.ours, doc.curie.casefold())

    kinds_of: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            kinds_of[s].add(o)
    classes, properties, individuals = [], [], []
    ontology: URIRef | None = None
    for iri, kinds in kinds_of.items():
        ranked = tuple(sorted(kinds, key=curie))
        if OWL.Ontology in kinds:
            if iri.startswith(str(CK).rstrip("#")) and ontology is None:
                ontology = iri
        elif kinds & set(_CLASS_KINDS):
            classes.append(term(iri, ranked))
        elif kinds & set(_PROPERTY_KINDS):
            properties.append(term(iri, ranked))
        else:
            individuals.append(term(iri, ranked))
    license_ = iris(ontology, DCTERMS.license) if ontology is not None else ()
    return OntologyDoc(
        title=text(ontology, DCTERMS.title, RDFS.label) if ontology is not None else None,
        description=text(ontology, DCTERMS.description) if ontology is not None else None,
        version=text(ontology, OWL.versionInfo) if ontology is not None else None,
        license=license_[0] if license_ else None,
        classes=tuple(sorted(classes, key=order)),
        properties=tuple(sorted(properties, key=order)),
        individuals=tuple(sorted(individuals, key=order)),
    )


@dataclass(frozen=True, slots=True)
class Constraint:
    """One constraint parameter of a shape, its value written as compact Turtle."""

    parameter: str
    value: str


@dataclass(frozen=True, slots=True)
class ShapeDoc:
    """A node or property shape: targets, path, constraints, message and nested shapes."""

    node: URIRef | BNode
    name: str
    label: str | None
    kinds: tuple[str, ...]
    targets: tuple[Constraint, ...]
    path: str | None
    constraints: tuple[Constraint, ...]
    messages: tuple[str, ...]
    severity: str
    properties: tuple[ShapeDoc, ...]
    sparql: tuple[tuple[str, str], ...]  # (message, SELECT text) per SPARQL constraint

    @property
    def anchor(self) -> str | None:
        return self.name if isinstance(self.node, URIRef) else None


@dataclass(frozen=True, slots=True)
class ShapesDoc:
    node_shapes: tuple[ShapeDoc, ...]
    property_shapes: tuple[ShapeDoc, ...]  # property shapes with targets of their own


_TARGETS: Final = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Shown elsewhere on the page than the constraint list.
_NOT_CONSTRAINTS: Final = frozenset(
    {RDF.type, RDFS.label, RDFS.comment, SH.path, SH.message, SH.severity, SH.property}
    | {SH.sparql, SH.prefixes, SH.declare, SH.deactivated}
    | set(_TARGETS)
)


def shapes_doc(graph: Graph) -> ShapesDoc:
    """Every node shape and every property shape with a target of its own, with nested
    property shapes resolved, in a form a page can list."""

    def doc(node: URIRef | BNode) -> ShapeDoc:
        kinds = tuple(sorted(curie(k) for k in graph.objects(node, RDF.type)))
        severity = next(graph.objects(node, SH.severity), SH.Violation)
        properties = sorted(
            (p for p in graph.objects(node, SH.property) if isinstance(p, URIRef | BNode)),
            key=lambda p: (_path_text(graph, next(graph.objects(p, SH.path), None)), str(p)),
        )
        sparql = []
        for constraint in graph.objects(node, SH.sparql):
            message = " ".join(str(m) for m in graph.objects(constraint, SH.message))
            select = " ".join(str(s).strip() for s in graph.objects(constraint, SH.select))
            sparql.append((message, select))
        path = next(graph.objects(node, SH.path), None)
        label = english(o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal))
        return ShapeDoc(
            node=node,
            name=curie(node) if isinstance(node, URIRef) else "",
            label=str(label) if label is not None else None,
            kinds=kinds,
            targets=tuple(
                Constraint(curie(t), _turtle(graph, v))
                for t in _TARGETS
                for v in sorted(graph.objects(node, t), key=str)
            ),
            path=_path_text(graph, path) if path is not None else None,
            constraints=tuple(
                Constraint(curie(p), _turtle(graph, o))
                for p, o in sorted(graph.predicate_objects(node), key=lambda po: curie(po[0]))
                if p not in _NOT_CONSTRAINTS
            ),
            messages=tuple(sorted(str(m) for m in graph.objects(node, SH.message))),
            severity=curie(severity).removeprefix("sh:"),
            properties=tuple(doc(p) for p in properties),
            sparql=tuple(sparql),
        )

    node_shapes = sorted(
        (s for s in set(graph.subjects(RDF.type, SH.NodeShape)) if isinstance(s, URIRef)),
        key=curie,
    )
    targeted = sorted(
        (
            s
            for s in set(graph.subjects(RDF.type, SH.PropertyShape))
            if isinstance(s, URIRef) and any((s, t, None) in graph for t in _TARGETS)
        ),
        key=curie,
    )
    return ShapesDoc(tuple(doc(s) for s in node_shapes), tuple(doc(s) for s in targeted))


def _path_text(graph: Graph, path: object) -> str:
    """A SHACL property path in SPARQL syntax: ``oa:hasSelector/rdf:type``, ``^org:member``."""
    if isinstance(path, URIRef):
        return curie(path)
    if not isinstance(path, BNode):
        return ""
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, p) for p in Collection(graph, path))
    for predicate, pattern in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = next(graph.objects(path, predicate), None)
        if inner is not None:
            return pattern.format(_path_text(graph, inner))
    alternatives = next(graph.objects(path, SH.alternativePath), None)
    if isinstance(alternatives, BNode):
        return "(" + "|".join(_path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    return _turtle(graph, path)


def _turtle(graph: Graph, node: object, depth: int = 0) -> str:
    """A compact Turtle rendering of a constraint value (lists and nested blank nodes too)."""
    if isinstance(node, URIRef):
        shown = curie(node)
        return shown if shown != node else f"<{node}>"
    if isinstance(node, Literal):
        if node.datatype in (XSD.integer, XSD.decimal, XSD.boolean):
            return str(node)
        lexical = '"' + str(node).replace("\\", "\\\\").replace('"', '\\"') + '"'
        if node.language:
            return f"{lexical}@{node.language}"
        if node.datatype is not None and node.datatype != XSD.string:
            return f"{lexical}^^{_turtle(graph, node.datatype)}"
        return lexical
    if isinstance(node, BNode):
        if depth > 8:
            return "[ … ]"
        if (node, RDF.first, None) in graph:
            return (
                "( "
                + " ".join(_turtle(graph, i, depth + 1) for i in Collection(graph, node))
                + " )"
            )
        parts = [
            f"{curie(p)} {_turtle(graph, o, depth + 1)}"
            for p, o in sorted(graph.predicate_objects(node), key=lambda po: curie(po[0]))
        ]
        return "[ " + " ; ".join(parts) + " ]"
    return str(node)
