"""The SHACL shapes (shapes/*.ttl) and kg.validate, driven by the fixtures in tests/shapes/.

Every file in tests/shapes/valid/ must validate without a single result, warnings included.
Every file in tests/shapes/invalid/ starts with one or more blocks of comment lines

    # expect-focus: <focus node IRI>
    # expect-path: <result path IRI, or "none">
    # expect-message: <a substring of the shape's sh:message>
    # expect-severity: Warning          (optional; Violation when absent)
    # expect-value: <sh:value>           (optional; checked only when given)

and must produce exactly those results, no more: a fixture that trips an unrelated shape is a
fixture (or shape) bug. Like pySHACL's manifest-driven tests, the cases are data, not code.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyshacl
import pytest
import rdflib
from _shape_fixtures import graph as fixture_graph
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import BNode, Node, URIRef

from kg.validate import ValidationReport, Violation, load_shapes, validate

CK = rdflib.Namespace("https://w3id.org/coop-kg/ontology#")
ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY_DIR = ROOT / "ontology"
VALID = sorted((ROOT / "tests" / "shapes" / "valid").glob("*.ttl"))
INVALID = sorted((ROOT / "tests" / "shapes" / "invalid").glob("*.ttl"))

_EXPECT = re.compile(r"^#\s*expect-(focus|path|message|severity|value):\s*(.*?)\s*$")

# Parameters of SHACL core constraint components and of SPARQL-based constraints: a shape with
# one of these produces results, so it needs the sh:message that explains them.
_CONSTRAINT_PARAMETERS = frozenset(
    {
        SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minExclusive,
        SH.minInclusive, SH.maxExclusive, SH.maxInclusive, SH.minLength, SH.maxLength,
        SH.pattern, SH.languageIn, SH.uniqueLang, SH.equals, SH.disjoint, SH.lessThan,
        SH.lessThanOrEquals, SH["not"], SH["and"], SH["or"], SH.xone, SH.node,
        SH.qualifiedValueShape, SH.closed, SH.hasValue, SH["in"], SH.sparql,
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Expected:
    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None

    def matches(self, result: Violation) -> bool:
        return (
            result.focus == self.focus
            and result.path == self.path
            and self.message in result.message
            and result.severity == self.severity
            and (self.value is None or result.value == self.value)
        )


def expectations(fixture: Path) -> list[Expected]:
    """The expect- blocks at the top of an invalid fixture; each expect-focus starts a block."""
    blocks: list[dict[str, str]] = []
    for line in fixture.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        found = _EXPECT.match(line)
        if found is None:
            continue
        key, value = found.groups()
        if key == "focus":
            blocks.append({})
        assert blocks, f"{fixture.name}: expect-{key} before the first expect-focus"
        blocks[-1][key] = value
    return [
        Expected(
            focus=block["focus"],
            path=None if block["path"] == "none" else block["path"],
            message=block["message"],
            severity=block.get("severity", "Violation"),
            value=block.get("value"),
        )
        for block in blocks
    ]


@pytest.fixture(scope="session")
def shapes() -> rdflib.Graph:
    return load_shapes(SHAPES_DIR)


@pytest.fixture(scope="session")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for file in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        graph.parse(file, format="turtle")
    return graph


@pytest.fixture(scope="session")
def report_of(shapes: rdflib.Graph, ontology: rdflib.Graph) -> Callable[[Path], ValidationReport]:
    """Validate each fixture once per session; several tests look at the same reports."""

    @cache
    def run(fixture: Path) -> ValidationReport:
        data = fixture_graph(fixture)
        return validate(data, shapes=shapes, ontology=ontology)

    return run


def describe(report: ValidationReport) -> str:
    return "\n".join(
        f"  {v.severity} focus={v.focus} path={v.path} shape={v.shape}\n    {v.message}"
        for v in report.violations
    )


def test_fixtures_exist() -> None:
    assert VALID, "no valid fixtures found"
    assert INVALID, "no invalid fixtures found"


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_has_no_results(
    fixture: Path, report_of: Callable[[Path], ValidationReport]
) -> None:
    report = report_of(fixture)
    assert report.violations == (), f"{fixture.name} should be clean:\n{describe(report)}"
    assert report.conforms


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_gives_exactly_the_expected_results(
    fixture: Path, report_of: Callable[[Path], ValidationReport]
) -> None:
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect-focus:' header"
    report = report_of(fixture)
    remaining = list(report.violations)
    for wanted in expected:
        match = next((result for result in remaining if wanted.matches(result)), None)
        assert match is not None, (
            f"{fixture.name}: no result matches {wanted}; got\n{describe(report)}"
        )
        remaining.remove(match)
    assert not remaining, f"{fixture.name}: unexpected results\n{describe(report)}"
    assert report.conforms == all(e.severity != "Violation" for e in expected)


def _message_nodes(shapes: rdflib.Graph) -> Iterator[Node]:
    """Named shapes and SPARQL constraints that carry constraints (nested shapes do not)."""
    for node in set(shapes.subjects()):
        if not isinstance(node, URIRef):
            continue
        if any((node, p, None) in shapes for p in _CONSTRAINT_PARAMETERS - {SH.sparql}):
            yield node
    yield from shapes.subjects(RDF.type, SH.SPARQLConstraint)


def test_every_constraint_has_a_message(shapes: rdflib.Graph) -> None:
    silent = sorted(str(n) for n in _message_nodes(shapes) if (n, SH.message, None) not in shapes)
    assert not silent, f"shapes without sh:message: {silent}"


def test_messages_are_unique(shapes: rdflib.Graph) -> None:
    """A message names one rule, so a report line says which rule failed."""
    messages = [str(m) for m in shapes.objects(None, SH.message)]
    duplicates = sorted({m for m in messages if messages.count(m) > 1})
    assert not duplicates


def test_shapes_are_named(shapes: rdflib.Graph) -> None:
    """Top-level shapes have IRIs so reports and reviews can name them."""
    anonymous = [
        node for node in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(node, BNode)
    ]
    targeted = [
        node
        for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
        for node in shapes.subjects(p, None)
        if isinstance(node, BNode)
    ]
    assert not anonymous and not targeted


def test_every_message_is_exercised_by_an_invalid_fixture(
    shapes: rdflib.Graph, report_of: Callable[[Path], ValidationReport]
) -> None:
    """Each rule has at least one fixture that breaks it, so no shape is silently dead."""
    produced = {result.message for fixture in INVALID for result in report_of(fixture).violations}
    messages = {str(m) for node in _message_nodes(shapes) for m in shapes.objects(node, SH.message)}
    assert sorted(messages - produced) == []


def _superclasses(ontology: rdflib.Graph, cls: Node) -> set[Node]:
    """The class itself and everything above it."""
    return {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if c is not None}


def test_every_class_in_the_valid_fixtures_has_a_node_shape(
    shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    """sh:targetClass reaches subclasses, so a shape for a superclass counts."""
    targeted = set(shapes.objects(None, SH.targetClass))
    used: set[Node] = set()
    for fixture in VALID:
        used |= set(fixture_graph(fixture).objects(None, RDF.type))
    missing = sorted(str(c) for c in used if not _superclasses(ontology, c) & targeted)
    assert missing == []


def test_every_ck_class_reaches_a_node_shape(shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
    """Data is typed with ck: classes, so each must be checked by a shape for it or a superclass."""
    targeted = set(shapes.objects(None, SH.targetClass))
    # Their instances are the ontology's own individuals (ck:Exact, ck:Planned...), checked
    # with sh:in where they are used.
    individuals_only = {CK.ValueQualifier, CK.Status}
    classes = {
        c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(CK))
    } - individuals_only
    missing = sorted(str(c) for c in classes if not _superclasses(ontology, c) & targeted)
    assert missing == []


def test_every_object_property_has_a_value_check(
    shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    """A link to a node of the wrong class (or to a misspelt IRI) is caught for every property."""
    not_data = {  # RDFS vocabulary used by the ontology itself, never by the curated data
        RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDFS.isDefinedBy, RDFS.seeAlso,
    }  # fmt: skip
    # Reused, but with no class to check yet: any IRI is acceptable.
    unconstrained = {
        URIRef("http://purl.org/dc/terms/isPartOf"),
        URIRef("http://purl.org/dc/terms/temporal"),
    }
    value_checks = (SH["class"], SH["or"], SH["in"], SH.nodeKind, SH.hasValue)
    checked: set[Node] = set()
    for shape, path in shapes.subject_objects(SH.path):
        if not any((shape, p, None) in shapes for p in value_checks):
            continue
        # A sequence path ( p q ) checks what p leads to, e.g. ( oa:hasSelector rdf:type ).
        checked.add(path if isinstance(path, URIRef) else next(iter(Collection(shapes, path))))
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) - not_data - unconstrained
    assert sorted(str(p) for p in properties - checked) == []


@pytest.mark.slow
def test_shapes_graph_is_valid_shacl(shapes: rdflib.Graph) -> None:
    """pySHACL's SHACL-SHACL check: catches misspelt sh: terms that would silently do nothing."""
    conforms, _report, text = pyshacl.validate(
        rdflib.Graph(), shacl_graph=shapes, meta_shacl=True, inference="none"
    )
    assert conforms, text


def test_sparql_constraints_declare_their_prefixes(shapes: rdflib.Graph) -> None:
    for constraint in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        assert (constraint, SH.prefixes, None) in shapes, constraint
        assert (constraint, SH.select, None) in shapes, constraint


def test_or_and_xone_lists_are_well_formed(shapes: rdflib.Graph) -> None:
    for parameter in (SH["or"], SH.xone, SH["in"], SH.languageIn):
        for head in shapes.objects(None, parameter):
            assert len(list(Collection(shapes, head))) >= 1


def test_warnings_do_not_break_conformance(report_of: Callable[[Path], ValidationReport]) -> None:
    report = report_of(ROOT / "tests" / "shapes" / "invalid" / "event-without-date.ttl")
    assert report.conforms
    assert report.errors() == ()
    assert [w.severity for w in report.warnings()] == ["Warning"]


def test_errors_and_warnings_split_the_results(
    report_of: Callable[[Path], ValidationReport],
) -> None:
    report = report_of(ROOT / "tests" / "shapes" / "invalid" / "document-sha256-upper-case.ttl")
    assert not report.conforms
    assert len(report.errors()) == 2
    assert report.warnings() == ()
    assert report.violations[0].shape.startswith("https://w3id.org/coop-kg/shapes#")


def test_result_carries_the_offending_value(report_of: Callable[[Path], ValidationReport]) -> None:
    (result,) = report_of(ROOT / "tests" / "shapes" / "invalid" / "amount-negative.ttl").violations
    assert result.value == "-2000000.0"
    assert result.shape == "https://w3id.org/coop-kg/shapes#QuantitySign"


def test_validate_leaves_its_inputs_alone(shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
    data = fixture_graph(VALID[0])
    sizes = (len(data), len(shapes), len(ontology))
    validate(data, shapes=shapes, ontology=ontology)
    assert (len(data), len(shapes), len(ontology)) == sizes


def test_concurrent_validations_share_one_shapes_graph(
    shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    """pySHACL issue 314: one shapes graph used by two validations at once went wrong."""
    cases = [VALID[0], INVALID[0], VALID[-1], INVALID[-1]]
    expected = {
        fixture: validate(fixture_graph(fixture), shapes=shapes, ontology=ontology)
        for fixture in cases
    }
    got: dict[Path, ValidationReport] = {}
    errors: list[BaseException] = []

    def work(fixture: Path) -> None:
        try:
            data = fixture_graph(fixture)
            got[fixture] = validate(data, shapes=shapes, ontology=ontology)
        except BaseException as error:  # collected and re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(fixture,)) for fixture in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert got == expected


def test_load_shapes_refuses_an_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no shapes"):
        load_shapes(tmp_path)
