"""Quotes are found by the build, never counted by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg._locate import Locator
from kg._namespaces import ID, OA
from kg.anchor import Anchor, anchor_graph, find_quote
from kg.errors import QuoteError

TEXT = "Japan funds UN Women. Japan funds UNODC.\nA line\nbreak."
DOC = str(ID["doc"])


def _graph(selector: str) -> Graph:
    return Graph().parse(
        data=f"""
        @prefix oa: <http://www.w3.org/ns/oa#> .
        @prefix ck: <https://w3id.org/coop-kg/ontology#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        <{ID["japan"]}> prov:wasDerivedFrom [ a ck:Evidence ; oa:hasSource <{DOC}> ;
            oa:hasSelector [ a oa:TextQuoteSelector ; {selector} ] ] .
        """,
        format="turtle",
    )


def test_find_quote_returns_code_point_offsets() -> None:
    assert find_quote("ā Japan", "Japan") == [Anchor(2, 7)]


def test_prefix_disambiguates_a_repeated_quote() -> None:
    assert find_quote(TEXT, "Japan funds") == [Anchor(0, 11), Anchor(22, 33)]
    assert find_quote(TEXT, "Japan funds", prefix="Women. ") == [Anchor(22, 33)]


def test_anchoring_adds_position_selector_and_stable_iri() -> None:
    graph = _graph('oa:exact "funds UNODC"')
    assert anchor_graph(graph, {DOC: TEXT}, Locator(Path("."))) == 1
    evidence = ID["evidence/doc/28-39"]
    assert (ID["japan"], None, evidence) in graph
    position = graph.value(evidence, OA.hasSelector, any=True)
    assert position is not None
    starts = [int(o) for o in graph.objects(None, OA.start)]
    assert starts == [28]
    assert TEXT[28:39] == "funds UNODC"


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ('oa:exact "Japan funds"', "occurs 2 times"),
        ('oa:exact "Japan pays"', "does not occur"),
        ('oa:exact "A line break."', "whitespace is ignored"),
    ],
)
def test_unanchorable_quotes_are_errors(selector: str, expected: str) -> None:
    with pytest.raises(QuoteError, match=expected):
        anchor_graph(_graph(selector), {DOC: TEXT}, Locator(Path(".")))


def test_quote_citing_an_unknown_document_is_an_error() -> None:
    with pytest.raises(QuoteError, match="has no stored text"):
        anchor_graph(_graph('oa:exact "Japan"'), {}, Locator(Path(".")))


def test_a_quote_problem_names_the_file_and_line_it_was_written_on() -> None:
    """The locator is asked only for a quote with a problem (asking for every quote cost half
    a build); the problem still says where the quote was written."""
    locator = Locator(Path("."))
    locator.add(Path("data/x.ttl"), 'id:japan a ck:State ;\n    oa:exact "Japan pays" .\n')
    with pytest.raises(QuoteError, match=r"data/x\.ttl:2: .*does not occur"):
        anchor_graph(_graph('oa:exact "Japan pays"'), {DOC: TEXT}, locator)
    with pytest.raises(QuoteError, match=r"data/x\.ttl:2: evidence cites"):
        anchor_graph(_graph('oa:exact "Japan pays"'), {}, locator)
