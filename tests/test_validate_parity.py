"""pyshacl-turbo, the engine behind kg.validate, against pySHACL, the reference.

Both engines run the project's shapes on every fixture of tests/shapes/ and on the shipped data,
and must give the same results: focus node, path, message, severity, shape and value. Blank
nodes are compared as "a blank node" (each engine names them its own way). Imports and writes
hand pyshacl-turbo a pyoxigraph store instead of an rdflib graph (`validate_store`), so that
route is compared too. A difference found here is an engine bug or a shape that leans on
unspecified behaviour: docs/validation.md says how each one was settled.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from _shape_fixtures import graph as fixture_graph
from _shape_fixtures import turtle as fixture_turtle

from kg.build import Assembled
from kg.sources import Inputs
from kg.validate import ValidationReport, Violation, load_shapes, validate, validate_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "shapes" / "invalid").glob("*.ttl")) + sorted(
    (ROOT / "tests" / "shapes" / "valid").glob("*.ttl")
)

Key = tuple[str, str | None, str, str, str, str | None]


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return load_shapes(ROOT / "shapes")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for file in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(file, format="turtle")
    return graph


def _term(text: str) -> str:
    """IRIs and literals as they are; blank node ids (engine-specific) as one placeholder."""
    return text if "://" in text or text.startswith("urn:") else "_:blank"


def _keys(report: ValidationReport, *, values: bool = True) -> list[Key]:
    def key(v: Violation) -> Key:
        value = None if v.value is None or not values else _term(v.value)
        return (_term(v.focus), v.path, v.message, v.severity, _term(v.shape), value)

    return sorted(map(key, report.violations), key=repr)


def _differences(reference: Iterable[Key], candidate: Iterable[Key]) -> str:
    ref, got = list(reference), list(candidate)
    only_ref = [k for k in ref if k not in got]
    only_got = [k for k in got if k not in ref]
    return "\n".join(
        [f"  pySHACL only: {k}" for k in only_ref] + [f"  turbo only:   {k}" for k in only_got]
    )


def test_every_fixture_gives_the_same_results_in_both_engines(
    shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    """One test for all fixtures, so a failure lists every disagreement at once."""
    disagreements = []
    for fixture in FIXTURES:
        data = fixture_graph(fixture)
        reference = _keys(validate(data, shapes=shapes, ontology=ontology, engine="pyshacl"))
        turbo = _keys(validate(data, shapes=shapes, ontology=ontology, engine="turbo"))
        if reference != turbo:
            disagreements.append(f"{fixture.name}:\n{_differences(reference, turbo)}")
    assert len(FIXTURES) > 200
    assert disagreements == []


def test_a_pyoxigraph_store_gives_the_same_results_as_an_rdflib_graph(
    shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    """The fixtures loaded into a named graph of a store, as imports and writes validate.

    Values are left out of the comparison: pyoxigraph keeps a literal's value, not its spelling
    (``540054.60`` comes back as ``540054.6``), which is why a report on imported data may spell a
    number differently from the file.
    """
    disagreements = []
    for fixture in FIXTURES:
        data = fixture_graph(fixture)
        store = ox.Store()
        store.load(
            fixture_turtle(fixture),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode("https://w3id.org/coop-kg/graph/fixture"),
        )
        graph = _keys(validate(data, shapes=shapes, ontology=ontology), values=False)
        stored = _keys(validate_store(store, shapes=shapes, ontology=ontology), values=False)
        if graph != stored:
            disagreements.append(f"{fixture.name}:\n{_differences(graph, stored)}")
    assert disagreements == []


def test_the_shipped_data_gives_the_same_results_in_both_engines(
    assembled: Assembled, inputs: Inputs, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    structural = set(inputs.graphs("ontology")) | set(inputs.graphs("shapes"))
    data = assembled.union(g for g in assembled.graphs if g not in structural)
    reference = validate(data, shapes=shapes, ontology=ontology, engine="pyshacl")
    turbo = validate(data, shapes=shapes, ontology=ontology, engine="turbo")
    assert reference.conforms and turbo.conforms
    assert reference.warnings(), "the shipped data has warnings; an empty pair proves nothing"
    assert _keys(reference) == _keys(turbo), _differences(_keys(reference), _keys(turbo))
