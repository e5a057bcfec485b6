"""A write that replaces several graphs of a SPARQL server one by one is all-or-nothing
(``kg.journal``): cut off between two graphs, the record it left puts the replaced ones back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from _servers import Server

from kg import journal
from kg.stores.base import Store

EX = "https://example.org/journal-"
OLD = {"a": b'<https://example.org/s> <https://example.org/p> "old a" .\n', "b": b""}
NEW = {
    "a": b'<https://example.org/s> <https://example.org/p> "new a" .\n',
    "b": b'<https://example.org/s> <https://example.org/p> "new b" .\n',
}


@pytest.fixture
def server_store(backend: str, request: pytest.FixtureRequest) -> Iterator[tuple[Store, str]]:
    """Virtuoso (the session's server), with graphs under a prefix of this test's own."""
    prefix = f"{EX}{uuid.uuid4().hex[:8]}/"
    server: Server = request.getfixturevalue("sparql_server")
    opened = server.store(graph_prefix=prefix)
    yield opened, prefix
    for graph in opened.graphs():
        opened.replace_graph(graph, b"")
    opened.close()


def _contents(store: Store, graphs: dict[str, str]) -> dict[str, set[str]]:
    return {
        key: {line for line in store.dump("ntriples", graph).decode().splitlines() if line}
        for key, graph in graphs.items()
    }


def _old_state(store: Store, prefix: str) -> tuple[dict[str, str], ox.Store, dict[str, set[str]]]:
    """The graphs ``OLD`` written to ``store``: their names, a copy of them as the state
    before a write, and their content as the store answers it."""
    graphs = {key: prefix + key for key in OLD}
    before = ox.Store()
    for key, content in OLD.items():
        store.replace_graph(graphs[key], content)
        before.load(content, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graphs[key]))
    return graphs, before, _contents(store, graphs)


@pytest.mark.parametrize("backend", ["virtuoso"], indirect=True)
def test_a_write_cut_between_two_graphs_is_undone(
    server_store: tuple[Store, str], tmp_path: Path
) -> None:
    store, prefix = server_store
    graphs, before, old = _old_state(store, prefix)
    # The writer enters the block, replaces the first graph, and dies (the block never ends).
    cut = journal.all_or_nothing(store, tmp_path, before, list(graphs.values()))
    cut.__enter__()
    store.replace_graph(graphs["a"], NEW["a"])
    assert _contents(store, graphs) != old  # the mix a crash leaves
    assert journal.recover(store, tmp_path) == list(graphs.values())
    assert _contents(store, graphs) == old
    assert not journal.record_path(tmp_path).exists()
    assert journal.recover(store, tmp_path) == []  # nothing left to do


@pytest.mark.parametrize("backend", ["virtuoso"], indirect=True)
def test_a_whole_write_leaves_no_record_and_a_failed_one_is_put_back(
    server_store: tuple[Store, str], tmp_path: Path
) -> None:
    store, prefix = server_store
    graphs, before, old = _old_state(store, prefix)
    cut = journal.all_or_nothing(store, tmp_path, before, list(graphs.values()))
    with pytest.raises(RuntimeError), cut:
        store.replace_graph(graphs["a"], NEW["a"])
        raise RuntimeError("the second graph failed")
    assert _contents(store, graphs) == old and not journal.record_path(tmp_path).exists()
    with journal.all_or_nothing(store, tmp_path, before, list(graphs.values())):
        for key, graph in graphs.items():
            store.replace_graph(graph, NEW[key])
    assert not journal.record_path(tmp_path).exists()
    assert _contents(store, graphs) == {k: {v.decode().strip()} for k, v in NEW.items()}
