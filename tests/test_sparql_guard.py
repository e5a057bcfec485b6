"""The lexical guard refuses updates, SERVICE and LOAD, and nothing that merely looks like them."""

from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.sparql_guard import RefusedQueryError, check, inspect

ALLOWED = {
    "plain select": ("SELECT * WHERE { ?s ?p ?o } LIMIT 3", "SELECT"),
    "keyword in a string": ('SELECT * { ?s ?p "SERVICE <http://x/> {}" }', "SELECT"),
    "keyword in a single-quoted string": ("ASK { ?s ?p 'insert data' }", "ASK"),
    "keyword in a long string": ('SELECT * { ?s ?p """a\nDELETE "quoted" \nWHERE""" }', "SELECT"),
    "escaped quote in a string": (r'SELECT * { ?s ?p "say \"LOAD\" # not a comment" }', "SELECT"),
    "variable ?service": ("SELECT ?service ?load WHERE { ?service ?p ?load }", "SELECT"),
    "variable $insert": ("SELECT $insert { $insert ?p ?o }", "SELECT"),
    "prefixed name ex:load": (
        "PREFIX ex: <http://ex/> SELECT * { ?s ex:load ex:SERVICE }",
        "SELECT",
    ),
    "prefix called service": (
        "PREFIX service: <http://ex/> SELECT * { ?s service:drop ?o }",
        "SELECT",
    ),
    "empty prefix :insert": ("PREFIX : <http://ex/> SELECT * { ?s :insert ?o }", "SELECT"),
    "local name with a dot": ("PREFIX ex: <http://ex/> ASK { ?s ?p ex:a.service }", "ASK"),
    "comment # LOAD": ("SELECT * # LOAD <http://x/> then SERVICE\n{ ?s ?p ?o }", "SELECT"),
    "keyword in an IRI": ("SELECT * { <http://ex/SERVICE#drop> ?p ?o }", "SELECT"),
    "hash in an IRI is no comment": ("SELECT * { <http://ex/#x> ?p ?o }", "SELECT"),
    "less-than is no IRI": ("SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", "SELECT"),
    "language tag @load": ('SELECT * { ?s ?p "x"@load }', "SELECT"),
    "blank node _:insert": ("SELECT * { _:insert ?p ?o }", "SELECT"),
    "construct": ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
    "describe after a prologue": (
        "BASE <http://ex/> PREFIX a: <http://a/> DESCRIBE <x>",
        "DESCRIBE",
    ),
    "lowercase form": ("select * { ?s ?p ?o }", "SELECT"),
    "sub-select keeps the outer form": (
        "CONSTRUCT { ?s ?p ?o } WHERE { { SELECT * { ?s ?p ?o } } }",
        "CONSTRUCT",
    ),
    "graph and from": ("SELECT * FROM <http://ex/g> { GRAPH ?g { ?s ?p ?o } }", "SELECT"),
    "no form at all": ("{ ?s ?p ?o }", None),
}

REFUSED = {
    "SERVICE": ("SELECT * { SERVICE <http://ex/sparql> { ?s ?p ?o } }", "SERVICE", 1, 12),
    "lowercase service": ("select * { service <http://ex/sparql> { ?s ?p ?o } }", "SERVICE", 1, 12),
    "SERVICE SILENT": (
        "SELECT * {\n  SERVICE SILENT <http://ex/sparql> { ?s ?p ?o } }",
        "SERVICE",
        2,
        3,
    ),
    "SERVICE ?x": ("SELECT * { ?x ?p ?o SERVICE ?x { ?s ?p ?o } }", "SERVICE", 1, 21),
    "SERVICE glued to punctuation": ("SELECT * {}SERVICE<http://ex/>{}", "SERVICE", 1, 12),
    "SERVICE after a variable and a dot": (
        "SELECT * { ?s ?p ?o.SERVICE <http://ex/> {} }",
        "SERVICE",
        1,
        21,
    ),
    "SERVICE after a string": ('SELECT * { ?s ?p "x" SERVICE <http://ex/> {} }', "SERVICE", 1, 22),
    "SERVICE after a comment": ("SELECT * { # SERVICE\nSERVICE <http://ex/> {} }", "SERVICE", 2, 1),
    "LOAD": ("LOAD <http://ex/data.ttl>", "LOAD", 1, 1),
    "INSERT DATA": ("INSERT DATA { <http://ex/a> <http://ex/b> 1 }", "INSERT", 1, 1),
    "DELETE WHERE": ("PREFIX ex: <http://ex/> DELETE WHERE { ?s ?p ?o }", "DELETE", 1, 25),
    "WITH template": ("WITH <http://ex/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH", 1, 1),
    "CLEAR": ("clear all", "CLEAR", 1, 1),
    "CREATE": ("CREATE GRAPH <http://ex/g>", "CREATE", 1, 1),
    "DROP": ("DROP SILENT GRAPH <http://ex/g>", "DROP", 1, 1),
    "COPY": ("COPY DEFAULT TO <http://ex/g>", "COPY", 1, 1),
    "MOVE": ("MOVE <http://ex/a> TO <http://ex/b>", "MOVE", 1, 1),
    "ADD": ("ADD <http://ex/a> TO <http://ex/b>", "ADD", 1, 1),
    "query then update": ("SELECT * {} ; INSERT DATA {}", "INSERT", 1, 15),
    "unterminated string does not hide the rest of the next line": (
        'SELECT * { ?s ?p "open\nSERVICE <http://ex/> {} }',
        "SERVICE",
        2,
        1,
    ),
    "IRI with a space is no IRI": ("SELECT * { <http://ex/ SERVICE> ?p ?o }", "SERVICE", 1, 24),
}


@pytest.mark.parametrize(("query", "form"), ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed(query: str, form: str | None) -> None:
    assert inspect(query).refusal is None
    assert check(query) == form


@pytest.mark.parametrize(
    ("query", "keyword", "line", "column"), REFUSED.values(), ids=REFUSED.keys()
)
def test_refused(query: str, keyword: str, line: int, column: int) -> None:
    with pytest.raises(RefusedQueryError) as caught:
        check(query)
    refusal = caught.value.refusal
    assert (refusal.keyword, refusal.line, refusal.column) == (keyword, line, column)
    assert f"line {line}, column {column}" in str(caught.value)


def test_refusal_is_a_query_error_that_says_what_to_do() -> None:
    with pytest.raises(QueryError, match=r"read-only.*kg build"):
        check("INSERT DATA {}")
    with pytest.raises(QueryError, match="does not contact other servers"):
        check("SELECT * { SERVICE <http://ex/> {} }")
    with pytest.raises(QueryError, match="does not fetch documents"):
        check("LOAD <http://ex/>")


def test_long_query_scans_quickly() -> None:
    # The scan is on every request's path: a regex pass, not a parser.
    body = " ".join(f'?s{i} <http://ex/p{i}> "v{i}" .' for i in range(2000))
    assert check(f"SELECT * {{ {body} }}") == "SELECT"


def test_a_refused_query_is_refused_every_time_it_comes_back() -> None:
    """``check_query`` caches what it accepts (every store checks every named query); a refusal
    is an exception, never cached, so the same hostile text is refused on every call."""
    from kg._no_fetch import check_query

    hostile = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    for _ in range(3):
        with pytest.raises(RefusedQueryError):
            check_query(hostile)
    accepted = "SELECT * WHERE { ?s ?p ?o }"
    assert check_query(accepted) == check_query(accepted) == "SELECT"
