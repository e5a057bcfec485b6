"""kg._unbound: the filters of unbound parameters go, nothing else does."""

from __future__ import annotations

from kg._unbound import prune
from kg.derive import label_order
from kg.queries import load_query

QUERY = """SELECT ?x WHERE {
  ?x a ?t .
  FILTER (!BOUND(?aParam) || EXISTS { ?x <http://e.org/p#q> ?aParam })
  FILTER (!BOUND(?bParam)
    || (?bParam = "(" && EXISTS { ?x ?p ?o }))
  OPTIONAL { FILTER (BOUND(?cParam))
    ?x <http://e.org/c> ?c }
  FILTER (?t != <http://e.org/T>)
}"""


def test_unbound_filters_and_optionals_go() -> None:
    pruned = prune(QUERY, set())
    assert "aParam" not in pruned and "bParam" not in pruned and "cParam" not in pruned
    assert "FILTER (?t != <http://e.org/T>)" in pruned and "?x a ?t ." in pruned
    assert pruned.count("{") == pruned.count("}")


def test_bound_filters_stay_and_a_bound_optional_loses_its_guard() -> None:
    pruned = prune(QUERY, {"aParam", "bParam", "cParam"})
    assert 'FILTER (!BOUND(?bParam)\n    || (?bParam = "(" && EXISTS { ?x ?p ?o }))' in pruned
    assert "EXISTS { ?x <http://e.org/p#q> ?aParam }" in pruned
    assert "OPTIONAL { ?x <http://e.org/c> ?c }" in pruned.replace("\n    ", " ")
    assert "BOUND(?cParam)" not in pruned


def test_fundings_query_without_parameters_is_the_bare_selection() -> None:
    pruned = prune(load_query("fundings"), set())
    body = "\n".join(
        line for line in pruned[pruned.index("SELECT") :].splitlines() if "#" not in line
    )
    assert "FILTER" not in body and "?funding ck:fundingOrder ?order ." in body


def test_label_order_is_lcase_then_iri() -> None:
    pairs = [("x:b", "alpha"), ("x:a", "Alpha"), ("x:c", "Beta"), ("x:d", "zeta"), ("x:d", "Aa")]
    assert label_order(pairs) == ["x:d", "x:a", "x:b", "x:c"]
