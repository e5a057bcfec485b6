"""What the shapes look at around changed data: the part of a store that validating it needs.

Imports and writes validate what changed, not the whole store (at a million triples the whole
store takes pyshacl-turbo most of a minute). The shapes look at a focus node's own triples, at
the values they point to (``sh:class`` needs a value's type, ``sh:node`` a value's own triples),
and at a document's evidence (SPARQL constraints that start from the document). So the scratch
store that is validated holds the changed graphs whole, and for every node they mention, what
the rest of the store says about it and about the nodes that points to: two steps outward.
Results about other nodes are not the changed data's: callers keep only results whose focus
node is in the set they validated for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import pyoxigraph as ox

Node = ox.NamedNode | ox.BlankNode

_MENTIONED: Final = """
SELECT DISTINCT ?node WHERE {
  { GRAPH ?g { ?node ?p ?o } } UNION { GRAPH ?g { ?s ?p ?node FILTER (!isLiteral(?node)) } }
}"""


def mentioned(scratch: ox.Store) -> set[Node]:
    """Every subject and every IRI or blank-node object in the named graphs of ``scratch``.

    Asked of pyoxigraph in one query, so that only the distinct nodes reach Python (a million
    quads mention a few hundred thousand nodes).
    """
    found: set[Node] = set()
    solutions = scratch.query(_MENTIONED)
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        node = solution[0]
        if isinstance(node, (ox.NamedNode, ox.BlankNode)):
            found.add(node)
    return found


def add_neighbours(
    scratch: ox.Store,
    source: ox.Store,
    nodes: Iterable[Node],
    *,
    skip: set[str],
    full_second_step: bool = False,
) -> None:
    """Add to ``scratch`` what ``source`` says about the IRIs among ``nodes`` (their triples in
    graphs not in ``skip``), and about the nodes those triples point to: their types, or with
    ``full_second_step`` all their triples.

    A blank node of a file is not the store's (pyoxigraph gives each its own id), so it finds
    nothing there; within one store (writes) blank nodes are followed like IRIs. ``skip`` holds the graphs whose content is
    replaced (their old triples are going) and the contract and derived graphs.
    """
    skipped = {ox.NamedNode(g) for g in skip}
    known = set(nodes)
    pointed: set[Node] = set()
    found: list[ox.Quad] = []
    for node in known:
        for quad in source.quads_for_pattern(node, None, None, None):
            if quad.graph_name in skipped:
                continue
            found.append(quad)
            if isinstance(quad.object, (ox.NamedNode, ox.BlankNode)):
                pointed.add(quad.object)
    a = (
        None
        if full_second_step
        else ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    )
    for target in pointed - known:
        for quad in source.quads_for_pattern(target, a, None, None):
            if quad.graph_name not in skipped:
                found.append(quad)
    scratch.extend(found)


def referrers(source: ox.Store, nodes: Iterable[Node], *, skip: set[str]) -> set[Node]:
    """The subjects, in graphs not in ``skip``, of triples whose object is one of ``nodes``:
    nodes whose results may change when what ``nodes`` say about themselves changes."""
    skipped = {ox.NamedNode(g) for g in skip}
    found: set[Node] = set()
    for node in nodes:
        for quad in source.quads_for_pattern(None, None, node, None):
            if quad.graph_name not in skipped and isinstance(
                quad.subject, (ox.NamedNode, ox.BlankNode)
            ):
                found.add(quad.subject)
    return found


__all__ = ["Node", "add_neighbours", "mentioned", "referrers"]
