"""Writes on a pyoxigraph store on disk served from an in-memory copy (what ``kg serve`` does):
the store on disk, the copy the server answers from, and a whole ``materialise`` agree after
every kind of write, and the copy is changed in place, not replaced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import writes
from kg.build import BuildResult
from kg.derive import DERIVED_GRAPH, _native_rows, _triples, derived_triples
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore, identity
from kg.writes import WriteNotConformingError, Writer, _named_graphs

GRAPH = "https://w3id.org/coop-kg/graph/curated-staged-test"
ID = "https://w3id.org/coop-kg/id/"
NS = "https://w3id.org/coop-kg/graph/"
TTL = """@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix id: <https://w3id.org/coop-kg/id/> .
id:atlantis a schema:Country ; rdfs:label "Atlantis"@en ; ck:iso3166Alpha2 "XA" ;
    schema:containedInPlace id:world ;
    rdfs:comment [ a schema:Thing ; rdfs:label "a blank node" ] .
"""


def triples(text: str) -> list[ox.Triple]:
    return list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))


def canonical(store: ox.Store) -> set[str]:
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


@pytest.fixture
def served(built: BuildResult, tmp_path: Path) -> Iterator[tuple[Writer, OxigraphStore, Path]]:
    assert built.store is not None
    path = tmp_path / "store"
    source = OxigraphStore(built.store, read_only=True)
    source.native.backup(str(path))
    source.close()
    settings = Settings(store=str(path), write_token="t" * 32, backup_dir=tmp_path / "backups")
    yield Writer(settings), OxigraphStore.in_memory_copy(path), path


def assert_agree(served: OxigraphStore, path: Path) -> None:
    disk = ox.Store.read_only(str(path))
    assert canonical(disk) == canonical(served.native)
    derived = _triples(disk.quads_for_pattern(None, None, None, ox.NamedNode(DERIVED_GRAPH)))
    assert derived == derived_triples(_native_rows(disk))
    assert served.origin == identity(path)


def test_every_kind_of_write_keeps_disk_copy_and_derive_in_step(
    served: tuple[Writer, OxigraphStore, Path],
) -> None:
    writer, copy, path = served
    result = writer.put(copy, GRAPH, triples(TTL))
    assert result.created and result.snapshot is copy and DERIVED_GRAPH in result.changed
    assert result.triples[GRAPH] == 7
    assert_agree(copy, path)
    # A PUT of the same content parsed again: new blank nodes, nothing else.
    writer.put(copy, GRAPH, triples(TTL))
    assert_agree(copy, path)
    more = f'<{ID}atlantis> <http://www.w3.org/2004/02/skos/core#altLabel> "Atlantide"@en .'
    writer.post(copy, GRAPH, triples(more))
    assert_agree(copy, path)
    # An update naming its graph (run on that graph alone) and one that does not.
    writer.update(
        copy,
        f"DELETE DATA {{ GRAPH <{GRAPH}> {{ id:atlantis schema:containedInPlace id:world }} }} ;"
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ id:atlantis schema:containedInPlace id:asia }} }}",
    )
    assert_agree(copy, path)
    assert copy.native.query(
        f"ASK {{ GRAPH <{DERIVED_GRAPH}> {{ <{ID}atlantis> ?p <{ID}asia> }} }}"
    )
    writer.update(
        copy,
        "DELETE { GRAPH ?g { ?s rdfs:comment ?o } } WHERE { GRAPH ?g { ?s a schema:Country ; "
        "rdfs:comment ?o } FILTER (?s = id:atlantis) }",
    )
    assert_agree(copy, path)
    writer.delete(copy, GRAPH)
    assert_agree(copy, path)
    assert ox.NamedNode(GRAPH) not in set(copy.native.named_graphs())


def test_a_large_delta_swaps_the_staged_store_in_and_copies_it_afresh(
    served: tuple[Writer, OxigraphStore, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delta of ``SWAP_FROM`` quads or more (here every write: lowered to one) is committed
    by swapping the staged store in, not as one SPARQL update, and the server answers from a
    fresh copy of it: the same agreement as in place."""
    monkeypatch.setattr(writes, "SWAP_FROM", 1)
    writer, copy, path = served
    before = identity(path)
    result = writer.put(copy, GRAPH, triples(TTL))
    fresh = result.snapshot
    assert fresh is not None and fresh is not copy and identity(path) != before
    assert_agree(fresh, path)
    assert fresh.native.query(f"ASK {{ GRAPH <{DERIVED_GRAPH}> {{ <{ID}atlantis> ?p ?o }} }}")
    result = writer.delete(fresh, GRAPH)
    assert result.snapshot is not None and result.snapshot is not fresh
    assert_agree(result.snapshot, path)
    assert ox.NamedNode(GRAPH) not in set(result.snapshot.native.named_graphs())


def test_a_refused_write_changes_neither_disk_nor_copy(
    served: tuple[Writer, OxigraphStore, Path],
) -> None:
    writer, copy, path = served
    before = canonical(copy.native)
    bad = "@prefix ck: <https://w3id.org/coop-kg/ontology#> .\n<https://w3id.org/coop-kg/id/bad> a ck:Contribution ."
    with pytest.raises(WriteNotConformingError):
        writer.put(copy, GRAPH, triples(bad))
    assert canonical(copy.native) == before
    assert canonical(ox.Store.read_only(str(path))) == before
    assert not list(path.parent.glob(path.name + ".import-*"))  # the staged copy is gone


def test_a_server_copy_older_than_the_store_is_replaced(
    served: tuple[Writer, OxigraphStore, Path],
) -> None:
    """A build or import swapped a new directory in since the copy was made: the copy cannot
    follow a delta, so the write hands over a fresh copy."""
    writer, copy, path = served
    copy.origin = (0, 0)
    result = writer.put(copy, GRAPH, triples(TTL))
    assert result.snapshot is not None and result.snapshot is not copy
    assert canonical(result.snapshot.native) == canonical(ox.Store.read_only(str(path)))


@pytest.mark.parametrize(
    ("update", "graphs"),
    [
        (
            "INSERT DATA { GRAPH <http://e.org/g> { <http://e.org/s> <http://e.org/p> 1 } }",
            {"http://e.org/g"},
        ),
        (
            "PREFIX e: <http://e.org/>\nWITH e:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
            {"http://e.org/g"},
        ),
        (
            f"PREFIX graph: <{NS}>\n"
            "INSERT { GRAPH graph:x { ?s a ?t } } USING graph:y WHERE { ?s a ?t }",
            {NS + "x", NS + "y"},
        ),
        ("COPY <http://e.org/a> TO <http://e.org/b>", {"http://e.org/a", "http://e.org/b"}),
    ],
)
def test_an_update_names_its_graphs(update: str, graphs: set[str]) -> None:
    named = _named_graphs(update)
    assert named is not None and graphs <= named


@pytest.mark.parametrize(
    "update",
    [
        "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
        "CLEAR ALL",
        "DROP NAMED",
        "INSERT { GRAPH $g { <http://e.org/s> <http://e.org/p> 1 } } WHERE { BIND (<http://e.org/g> AS ?g) }",
        "BASE <http://e.org/> INSERT DATA { GRAPH <g> { <s> <p> 1 } }",
        "INSERT { GRAPH <http://e.org/a> { ?s ?p ?o } } USING NAMED <http://e.org/b> WHERE { GRAPH <http://e.org/b> { ?s ?p ?o } }",
    ],
)
def test_an_update_that_reaches_unnamed_graphs_runs_on_the_whole_store(update: str) -> None:
    assert _named_graphs(update) is None


def test_words_in_strings_and_comments_do_not_count() -> None:
    update = (
        'INSERT DATA { GRAPH <http://e.org/g> { <http://e.org/s> <http://e.org/p> "ALL NAMED GRAPH ?g" } }'
        " # CLEAR ALL\n"
    )
    assert _named_graphs(update) == {"http://e.org/g", "http://e.org/s", "http://e.org/p"}
