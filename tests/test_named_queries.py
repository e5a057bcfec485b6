"""The named queries themselves: no transitive paths, parameters bound to several values, and
several run at once on a SPARQL server."""

from __future__ import annotations

import re
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from rdflib import URIRef

from kg import deadline
from kg._namespaces import ID
from kg.errors import QueryError
from kg.queries import load_query, query_names, recording, together, used, with_rows

#: A property path with * or +, as the named queries would write one.
PATH = re.compile(r"[\w>)]\s*[*+]\s*[?$<\w(]")


def test_the_region_selection_has_the_same_filters_as_the_general_one() -> None:
    def lines(name: str) -> list[str]:
        text = load_query(name)
        return [line for line in text[text.index("SELECT") :].splitlines()]

    general, regional = lines("fundings"), lines("fundings-in-region")
    region_filter = (
        "  FILTER (!BOUND(?regionParam) || EXISTS { ?funding ck:servesWithin ?regionParam })"
    )
    assert [line for line in general if line != region_filter] == [
        line for line in regional if line != "  ?funding ck:servesWithin ?regionParam ."
    ]
    assert region_filter in general


@pytest.mark.parametrize("name", query_names())
def test_no_named_query_uses_a_transitive_path(name: str) -> None:
    """Closures come from the derived graph (kg.derive): paths are slow at scale and lose rows
    on Virtuoso 7.2.5 (docs/virtuoso.md)."""
    code = "\n".join(line.split("#", 1)[0] for line in load_query(name).splitlines())
    assert not PATH.search(code.replace("COUNT(*)", "")), code


def test_the_path_check_sees_paths() -> None:
    for path in ("?t rdfs:subClassOf* ck:X", "?a a/rdfs:subClassOf+ ?b", "?p <x:y>* ?q"):
        assert PATH.search(path)


def test_with_rows_binds_one_variable_to_each_term() -> None:
    text = with_rows(load_query("funding-details"), "funding", [ID.a, ID.b])
    assert f"VALUES ?funding {{ <{ID.a}> <{ID.b}> }}" in text
    with pytest.raises(QueryError):
        with_rows(text, "funding", [URIRef("x> } ?s ?p ?o {")])


def test_together_runs_the_calls_at_once_on_a_server_in_the_callers_context() -> None:
    """Both calls must be under way at once (each waits for the other at the barrier), and
    each sees the answer's deadline and records into the answer's list of queries."""
    meet = threading.Barrier(2, timeout=10)

    def call(name: str) -> Any:
        meet.wait()
        used(name)
        return deadline.DEADLINE.get()

    server: Any = SimpleNamespace(in_process=False)
    with recording() as names, deadline.within(30) as until:
        assert together(server, lambda: call("a"), lambda: call("b")) == [until, until]
    assert sorted(names) == ["a", "b"]


def test_together_runs_the_calls_in_turn_in_process() -> None:
    embedded: Any = SimpleNamespace(in_process=True)
    threads = together(embedded, threading.current_thread, threading.current_thread)
    assert threads == [threading.current_thread()] * 2
