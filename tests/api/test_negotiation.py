"""Accept parsing and offer selection, independent of any route."""

from __future__ import annotations

import pytest

from kg.api.negotiation import MediaRange, Offer, choose, negotiate, parse_accept
from kg.api.problems import Problem

JSON = Offer("json", "application/sparql-results+json", ("srj",), ("application/json",))
XML = Offer("xml", "application/sparql-results+xml")
CSV = Offer("csv", "text/csv")
OFFERS = (JSON, XML, CSV)


def test_parse_accept_reads_q_values_and_skips_junk() -> None:
    assert parse_accept("text/csv;q=0.5, application/*; charset=x, garbage, */html, */*;q=x") == (
        MediaRange("text", "csv", 0.5),
        MediaRange("application", "*", 1.0),
        MediaRange("*", "*", 0.0),
    )
    assert parse_accept("TEXT/CSV;Q=2") == (MediaRange("text", "csv", 1.0),)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("  ", JSON),
        ("garbage", JSON),
        ("*/*", JSON),
        ("text/*", CSV),
        ("application/xml, text/csv;q=0.2", CSV),
        ("application/sparql-results+xml;q=0.9, application/json;q=0.8", XML),
        ("*/*;q=0.5, application/sparql-results+json;q=0", XML),
        ("text/csv;q=0.3, */*;q=0.3", JSON),  # equal quality: the route's order decides
        ("text/html", None),
        ("*/*;q=0", None),
    ],
)
def test_choose(accept: str | None, expected: Offer | None) -> None:
    assert choose(accept, OFFERS) == expected


@pytest.mark.parametrize("value", ["csv", "CSV", "text/csv", " csv "])
def test_format_parameter_overrides_accept(value: str) -> None:
    assert negotiate("application/sparql-results+json", OFFERS, [value]) == CSV


def test_format_aliases_and_first_fitting_value() -> None:
    assert negotiate(None, OFFERS, ["srj"]) == JSON
    assert negotiate(None, OFFERS, ["application/json"]) == JSON
    assert negotiate(None, OFFERS, ["nonsense", "text/csv"]) == CSV
    assert negotiate("text/csv", OFFERS, [""]) == CSV


def test_406_lists_what_is_available() -> None:
    with pytest.raises(Problem) as caught:
        negotiate("text/html", OFFERS, what="a SELECT result")
    assert caught.value.status == 406
    assert "a SELECT result" in caught.value.detail
    assert "format= with one of json, xml, csv" in caught.value.detail
    with pytest.raises(Problem, match="format='yaml' is not available"):
        negotiate(None, OFFERS, ["yaml"])
