"""kg import rdf: atomic graph loads, validation of what changed only, the derived region closure.

Small synthetic files (about 5k triples) keep this module fast; scale is benchmarks/scale.py.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import history, importer
from kg._namespaces import CK, GRAPH, ID
from kg.build import BuildResult, build
from kg.cli import app
from kg.derive import DERIVED_GRAPH, materialise
from kg.errors import ConfigurationError, DataNotConformingError, SourceError
from kg.importer import Contract, default_graph, graph_iri, import_rdf
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore
from kg_synth import REFERENCE_GRAPH, synthesize

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

PREFIXES = """\
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
#: Only a ck:recipient triple: its one shape asks that the recipient be a ck:Actor, which the
#: file does not say; whether it conforms depends on what the store knows about id:un-women.
RECEIVES = PREFIXES + "id:some-grant ck:recipient id:un-women .\n"
UN_WOMEN = PREFIXES + 'id:un-women a ck:UNEntity ; rdfs:label "UN Women"@en .\n'
BROKEN = PREFIXES + 'id:a rdfs:label "unterminated .\n'


def within(store: OxigraphStore) -> set[tuple[str, str]]:
    """The ck:withinPlace pairs of the derived graph."""
    quads = store.native.quads_for_pattern(
        None, ox.NamedNode(str(CK.withinPlace)), None, ox.NamedNode(DERIVED_GRAPH)
    )
    return {(q.subject.value, q.object.value) for q in quads}


@pytest.fixture(scope="module")
def synth_nq(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("import") / "small.nq"
    synthesize(path, triples=5_000, seed=3)
    return path


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract.load(Settings(root=ROOT))


@pytest.fixture(params=["memory", "disk"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> OxigraphStore:
    return OxigraphStore(None if request.param == "memory" else tmp_path / "store")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# OxigraphStore.load_graph ---------------------------------------------------------------------


def test_quad_file_keeps_its_graphs_and_reimport_replaces(
    store: OxigraphStore, synth_nq: Path
) -> None:
    loaded = store.load_graph(None, synth_nq)
    assert loaded == store.count() > 4_900
    assert REFERENCE_GRAPH in store.graphs()
    assert store.load_graph(None, synth_nq) == loaded
    assert store.count() == loaded


def test_named_graph_gets_every_triple_and_loses_its_old_content(
    store: OxigraphStore, synth_nq: Path, tmp_path: Path
) -> None:
    target = str(GRAPH["bench"])
    assert store.load_graph(target, synth_nq) > 4_900
    assert store.graphs() == [target]
    assert store.load_graph(target, write(tmp_path, "one.ttl", UN_WOMEN)) == 2
    assert store.count() == 2
    assert store.graphs() == [target]


def test_refusal_before_swap_leaves_the_store_unchanged(
    store: OxigraphStore, tmp_path: Path
) -> None:
    target = str(GRAPH["g"])
    store.load_graph(target, write(tmp_path, "a.ttl", UN_WOMEN))

    def refuse(_staged: ox.Store) -> None:
        raise DataNotConformingError("refused")

    with pytest.raises(DataNotConformingError):
        store.load_graph(target, write(tmp_path, "b.ttl", RECEIVES), before_swap=refuse)
    assert f"<{CK.UNEntity}> .".encode() in store.dump("ntriples", target)
    assert store.count() == 2
    if store.path is not None:
        assert not store.path.with_name("store.import").exists()


def test_syntax_error_names_line_and_column_and_changes_nothing(
    store: OxigraphStore, tmp_path: Path
) -> None:
    target = str(GRAPH["g"])
    store.load_graph(target, write(tmp_path, "a.ttl", UN_WOMEN))
    with pytest.raises(SourceError, match=r"broken\.ttl:5:\d+: syntax error"):
        store.load_graph(target, write(tmp_path, "broken.ttl", BROKEN))
    assert store.count() == 2


def test_quads_outside_named_graphs_need_a_graph_name(store: OxigraphStore, tmp_path: Path) -> None:
    path = write(tmp_path, "default.nq", f"<{ID.a}> <{ID.b}> <{ID.c}> .\n")
    with pytest.raises(SourceError, match="no named graph"):
        store.load_graph(None, path)
    with pytest.raises(ConfigurationError, match="name the graph"):
        store.load_graph(None, write(tmp_path, "t.ttl", UN_WOMEN))
    assert store.load_graph(str(GRAPH["g"]), path) == 1


def test_progress_reports_bytes_up_to_the_file_size(store: OxigraphStore, synth_nq: Path) -> None:
    seen: list[int] = []
    store.load_graph(None, synth_nq, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == synth_nq.stat().st_size


def test_readers_keep_their_snapshot_and_new_readers_see_the_new_store(
    tmp_path: Path, synth_nq: Path
) -> None:
    writer = OxigraphStore(tmp_path / "store")
    writer.load_graph(str(GRAPH["g"]), write(tmp_path, "a.ttl", UN_WOMEN))
    writer.flush()
    before = OxigraphStore(tmp_path / "store", read_only=True)
    writer.load_graph(None, synth_nq)
    writer.flush()
    after = OxigraphStore(tmp_path / "store", read_only=True)
    assert before.count() == 2
    assert after.count() == writer.count() > 4_900


# kg.derive ------------------------------------------------------------------------------------


def test_within_place_is_the_reflexive_transitive_closure(tmp_path: Path) -> None:
    store = OxigraphStore()
    tree = PREFIXES + (
        "id:bangkok schema:containedInPlace id:thailand .\n"
        "id:thailand a schema:Country ; schema:containedInPlace id:south-eastern-asia .\n"
        "id:south-eastern-asia schema:containedInPlace id:asia .\n"
        "id:world a schema:Place .\n"
    )
    store.load_graph(str(GRAPH["places"]), write(tmp_path, "p.ttl", tree))
    assert materialise(store.native) == store.count(DERIVED_GRAPH) > 11
    chain = ["bangkok", "thailand", "south-eastern-asia", "asia"]
    expected = {(str(ID[a]), str(ID[b])) for i, a in enumerate(chain) for b in chain[i:]}
    assert within(store) == expected | {(str(ID.world), str(ID.world))}
    # Rewritten, not added to: a place that left the tree leaves the closure.
    store.load_graph(
        str(GRAPH["places"]), write(tmp_path, "q.ttl", PREFIXES + "id:x a schema:Place .")
    )
    materialise(store.native)
    assert within(store) == {(str(ID.x), str(ID.x))}


def test_derived_closures_of_themes_classes_and_the_funding_index(tmp_path: Path) -> None:
    store = OxigraphStore()
    data = PREFIXES + (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "ck:Funding rdfs:subClassOf schema:MonetaryGrant . ck:Pledge rdfs:subClassOf ck:Funding .\n"
        "id:drugs a skos:Concept ; skos:broader id:crime . id:crime a skos:Concept .\n"
        "id:thailand a schema:Country ; schema:containedInPlace id:asia .\n"
        "id:mekong a ck:Project ; schema:areaServed id:thailand .\n"
        "id:p a ck:Pledge ; schema:fundedItem id:mekong .\n"
        "id:f a ck:Funding ; schema:areaServed id:asia .\n"
        "id:g a ck:Funding .\n"
    )
    store.load_graph(str(GRAPH["t"]), write(tmp_path, "t.ttl", data))
    materialise(store.native)

    def pairs(name: str) -> set[tuple[str, str]]:
        sparql = f"SELECT ?a ?b WHERE {{ ?a ck:{name} ?b }}"
        return {(str(a), str(b)) for a, b in store.query(sparql).rows}  # type: ignore[union-attr]

    assert (str(ID.drugs), str(ID.crime)) in pairs("withinTheme")
    assert (str(ID.crime), str(ID.drugs)) not in pairs("withinTheme")
    assert {(str(CK.Pledge), str(CK.Funding)), (str(CK.Pledge), str(CK.Pledge))} <= pairs(
        "withinClass"
    )
    # Through the funded initiative's area and up the containment; a funding with no area
    # has no entry (the REST filter then leaves it out of any region).
    assert pairs("servesWithin") == {
        (str(ID.p), str(ID.thailand)),
        (str(ID.p), str(ID.asia)),
        (str(ID.f), str(ID.asia)),
    }


def test_derived_activity_index_and_order(tmp_path: Path) -> None:
    """Activities (IATI activities, initiatives with an organisation in an IATI role) get the
    places their own areas lie in and their position by label; other nodes get neither."""
    store = OxigraphStore()
    data = PREFIXES + (
        "id:thailand a schema:Country ; schema:containedInPlace id:asia . id:asia a ck:Region .\n"
        'id:b a ck:IatiActivity ; rdfs:label "beta" ; schema:areaServed id:thailand .\n'
        'id:a a ck:Project ; rdfs:label "Alpha" ; ck:implementedBy id:jica .\n'
        'id:c a ck:Project ; rdfs:label "alpha" ; ck:fundedBy id:japan ;'
        " schema:areaServed id:asia, id:nowhere .\n"
        'id:p a ck:Project ; rdfs:label "Aardvark" ; schema:areaServed id:thailand .\n'
        'id:f a ck:Funding ; rdfs:label "A" ; schema:areaServed id:asia .\n'
    )
    store.load_graph(str(GRAPH["t"]), write(tmp_path, "t.ttl", data))
    materialise(store.native)

    def rows(name: str) -> set[tuple[str, str]]:
        sparql = f"SELECT ?a ?b WHERE {{ ?a ck:{name} ?b }}"
        return {(str(a), str(b)) for a, b in store.query(sparql).rows}  # type: ignore[union-attr]

    # Up the containment from its own areas; an area that is no place adds nothing.
    assert rows("activityWithin") == {
        (str(ID.b), str(ID.thailand)),
        (str(ID.b), str(ID.asia)),
        (str(ID.c), str(ID.asia)),
    }
    # By label ignoring case, then IRI; id:p has no IATI role, id:f is a funding.
    assert sorted(rows("activityOrder"), key=lambda r: int(r[1])) == [
        (str(ID.a), "0"),
        (str(ID.c), "1"),
        (str(ID.b), "2"),
    ]


def test_closure_of_a_store_without_places_is_empty() -> None:
    store = OxigraphStore()
    assert materialise(store.native) == 0


# kg.importer ----------------------------------------------------------------------------------


def test_conforming_file_is_imported_with_its_closure(
    synth_nq: Path, contract: Contract, tmp_path: Path
) -> None:
    store = OxigraphStore(tmp_path / "store")
    phases: set[str] = set()
    result = import_rdf(
        store, synth_nq, graph=None, contract=contract, progress=lambda p, _d, _t: phases.add(p)
    )
    assert result.validated
    assert REFERENCE_GRAPH in result.graphs
    assert result.quads == store.count() - result.derived
    assert (str(ID.thailand), str(ID.asia)) in within(store)
    assert phases == {"parse", "validate", "load", "derive"}


def test_nonconforming_file_is_refused_and_the_store_unchanged(
    store: OxigraphStore, contract: Contract, tmp_path: Path
) -> None:
    with pytest.raises(DataNotConformingError, match="id:some-grant, path ck:recipient"):
        import_rdf(
            store, write(tmp_path, "r.ttl", RECEIVES), graph=str(GRAPH["r"]), contract=contract
        )
    assert store.count() == 0


def test_data_refused_after_its_derive_ran_is_not_swapped_in(
    store: OxigraphStore, contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staged copy is derived while the validation runs: a verdict that comes after the
    derive still keeps the store as it was."""
    derived = threading.Event()
    real_derive, real_check = importer._derive, importer._check

    def derive(*args: Any) -> None:
        real_derive(*args)
        derived.set()

    def check(*args: Any) -> Any:
        assert derived.wait(60), "the staged copy was not derived before the verdict"
        return real_check(*args)

    monkeypatch.setattr(importer, "_derive", derive)
    monkeypatch.setattr(importer, "_check", check)
    with pytest.raises(DataNotConformingError, match="id:some-grant"):
        import_rdf(
            store, write(tmp_path, "r.ttl", RECEIVES), graph=str(GRAPH["r"]), contract=contract
        )
    assert derived.is_set()
    assert store.count() == 0


def test_neighbours_in_other_graphs_count_but_replaced_content_does_not(
    store: OxigraphStore, contract: Contract, tmp_path: Path
) -> None:
    # id:un-women is an actor in another graph: the recipient is fine.
    store.load_graph(str(GRAPH["actors"]), write(tmp_path, "a.ttl", UN_WOMEN))
    receives = write(tmp_path, "r.ttl", RECEIVES)
    import_rdf(store, receives, graph=str(GRAPH["grants"]), contract=contract)
    assert store.count(str(GRAPH["grants"])) == 1
    # Loaded into the graph that said so, the file replaces that statement: refused.
    with pytest.raises(DataNotConformingError):
        import_rdf(store, receives, graph=str(GRAPH["actors"]), contract=contract)
    assert store.count(str(GRAPH["actors"])) == 2


def test_without_contract_nothing_is_checked(store: OxigraphStore, tmp_path: Path) -> None:
    result = import_rdf(store, write(tmp_path, "r.ttl", RECEIVES), graph=str(GRAPH["r"]))
    assert (result.quads, result.validated) == (1, False)


def test_graph_names() -> None:
    assert graph_iri("iati-2024") == str(GRAPH["iati-2024"])
    assert graph_iri("https://example.org/g") == "https://example.org/g"
    for protected in ("ontology", "shapes", "derived"):
        with pytest.raises(ConfigurationError, match="not by imports"):
            graph_iri(protected)
    assert default_graph(Path("data/IATI 2024.ttl")) == str(GRAPH["iati-2024"])
    assert default_graph(Path("x.nq")) is None
    with pytest.raises(ConfigurationError, match="extension"):
        default_graph(Path("x.rdf"))


# The command ----------------------------------------------------------------------------------


def test_cli_exit_codes(tmp_path: Path) -> None:
    store = tmp_path / "store"
    OxigraphStore(store).close()  # an empty store: no build needed
    args = ["--store", str(store)]
    actors = write(tmp_path, "actors.ttl", UN_WOMEN)
    receives = write(tmp_path, "grants.ttl", RECEIVES)

    result = runner.invoke(app, ["import", "rdf", str(receives), *args])
    assert result.exit_code == 1, result.output
    assert "some-grant" in result.output
    result = runner.invoke(app, ["import", "rdf", str(actors), *args])
    assert result.exit_code == 0, result.output
    assert "into actors: 2 quads" in result.output
    result = runner.invoke(app, ["import", "rdf", str(receives), "--graph", "g", *args])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["import", "rdf", str(write(tmp_path, "b.ttl", BROKEN)), *args])
    assert result.exit_code == 2
    assert "b.ttl:5:" in result.output
    result = runner.invoke(app, ["import", "rdf", str(actors), "--graph", "shapes", *args])
    assert result.exit_code == 2
    opened = OxigraphStore(store, read_only=True)
    # The derived graph holds the class closure of the types in use (ck:UNEntity).
    assert opened.graphs() == [str(GRAPH["actors"]), DERIVED_GRAPH, str(GRAPH["g"])]
    opened.close()
    # The two imports that went through are in the history (newest first), as the operator's.
    written = history.entries(Settings(store=str(store)).history_path())
    assert [(e.operation, e.curator, e.graphs) for e in written] == [
        ("import rdf grants.ttl", "operator", {str(GRAPH["g"]): 1}),
        ("import rdf actors.ttl", "operator", {str(GRAPH["actors"]): 2}),
    ]


def _session_build_at(built: BuildResult, target: Path) -> Settings:
    """Settings naming ``target``, a copy of the session's build (what a first ``build`` there
    would write, without building again)."""
    assert built.store is not None
    shutil.copytree(built.store, target)
    return Settings(root=ROOT, store=str(target))


def test_a_rebuild_keeps_imported_graphs_and_drops_only_what_it_rewrites(
    built: BuildResult, tmp_path: Path
) -> None:
    target = tmp_path / "store"
    settings = _session_build_at(built, target)
    store = OxigraphStore(target)
    imported = str(GRAPH["imported"])
    store.load_graph(imported, write(tmp_path, "u.ttl", UN_WOMEN))
    # A graph the build owns, changed behind its back: the rebuild puts the sources back.
    reference = str(GRAPH["reference"])
    shipped = store.count(reference)
    store.load_graph(reference, write(tmp_path, "r.ttl", UN_WOMEN))
    store.close()

    result = build(settings, force=True)
    assert result.quads_per_graph[imported] == 2
    rebuilt = OxigraphStore(target, read_only=True)
    try:
        assert rebuilt.count(imported) == 2
        assert rebuilt.count(reference) == shipped
    finally:
        rebuilt.close()


def test_a_rebuild_after_a_cut_swap_keeps_the_previous_store(
    built: BuildResult, tmp_path: Path
) -> None:
    target = tmp_path / "store"
    settings = _session_build_at(built, target)
    store = OxigraphStore(target)
    store.load_graph(str(GRAPH["imported"]), write(tmp_path, "u.ttl", UN_WOMEN))
    store.close()
    target.rename(tmp_path / "store.old")  # a crash between the two renames of a swap

    build(settings, force=True)
    rebuilt = OxigraphStore(target, read_only=True)
    try:
        assert rebuilt.count(str(GRAPH["imported"])) == 2
    finally:
        rebuilt.close()


def test_every_derived_property_is_an_index_property_of_entity_detail(tmp_path: Path) -> None:
    """Entity detail counts the derived index (``kg.entities.INDEX_PROPERTIES``) but does not
    list it: a rule added to ``kg.derive`` without joining that list would flood the relations
    of every region and funding with index triples."""
    from kg.entities import INDEX_PROPERTIES

    store = OxigraphStore()
    data = (
        PREFIXES
        + "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        + "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        + (
            "id:thailand a schema:Country ; schema:containedInPlace id:asia . id:asia a ck:Region .\n"
            'id:b a ck:IatiActivity ; rdfs:label "beta" ; schema:areaServed id:thailand .\n'
            'id:f a ck:Funding ; rdfs:label "A" ; schema:areaServed id:asia ;'
            ' schema:startDate "2019-01-01"^^xsd:date ; schema:endDate "2020-06-30"^^xsd:date .\n'
            "id:t a skos:Concept ; skos:broader id:u . id:u a skos:Concept .\n"
        )
    )
    store.load_graph(str(GRAPH["t"]), write(tmp_path, "t.ttl", data))
    materialise(store.native)
    result = store.query(
        f"SELECT DISTINCT ?p WHERE {{ GRAPH <{GRAPH['derived']}> {{ ?s ?p ?o }} }}"
    )
    derived = {str(row[0]) for row in result.rows}  # type: ignore[union-attr]
    assert str(CK.fundingYear) in derived and str(CK.activityWithin) in derived
    assert derived <= INDEX_PROPERTIES
