"""The derived graph a write brings up to date incrementally (``kg.derive.apply_change``) is
the one a whole ``materialise`` computes, after random writes on the shipped data."""

from __future__ import annotations

import random
from collections.abc import Callable

import pyoxigraph as ox
import pytest

from kg import derive, tallies
from kg._namespaces import PREFIXES
from kg.derive import (
    DERIVED_GRAPH,
    _native_rows,
    _triples,
    apply_change,
    change_of,
    derived_triples,
    materialise,
)
from kg.stores.oxigraph import OxigraphStore

SCHEMA = "https://schema.org/"
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
AREA = ox.NamedNode(SCHEMA + "areaServed")
WITHIN = ox.NamedNode(SCHEMA + "containedInPlace")
FUNDED = ox.NamedNode(SCHEMA + "fundedItem")
FUNDING = ox.NamedNode(PREFIXES["ck"] + "Funding")
AMOUNT = ox.NamedNode(SCHEMA + "amount")
VALUE = ox.NamedNode(SCHEMA + "value")
CURRENCY = ox.NamedNode(SCHEMA + "currency")
DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
PLACE = ox.NamedNode(SCHEMA + "Place")
DERIVED = ox.NamedNode(DERIVED_GRAPH)

Edit = Callable[[ox.Store, random.Random, ox.NamedNode], list[ox.Quad]]
"""Returns the quads of one data graph after an edit (the graph's new content)."""


@pytest.fixture(scope="module")
def shipped(built_in_memory: OxigraphStore) -> ox.Store:
    return _copy(built_in_memory.native)


def _copy(store: ox.Store) -> ox.Store:
    copy = ox.Store()
    copy.bulk_extend(store)
    return copy


def _nodes(
    store: ox.Store, predicate: ox.NamedNode, obj: ox.NamedNode | None
) -> list[ox.NamedNode]:
    found = {
        q.subject
        for q in store.quads_for_pattern(None, predicate, obj, None)
        if isinstance(q.subject, ox.NamedNode) and q.graph_name != DERIVED
    }
    return sorted(found, key=lambda n: n.value)


def _fundings(store: ox.Store) -> list[ox.NamedNode]:
    return _nodes(store, ox.NamedNode(SCHEMA + "areaServed"), None)


def _places(store: ox.Store) -> list[ox.NamedNode]:
    """Places with a parent; a bare IRI when an earlier step dropped the graph of places."""
    return _nodes(store, WITHIN, None) or [ox.NamedNode("https://w3id.org/coop-kg/id/world")]


def _content(store: ox.Store, graph: ox.NamedNode) -> list[ox.Quad]:
    return list(store.quads_for_pattern(None, None, None, graph))


def drop_some(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    quads = _content(store, graph)
    return [q for q in quads if rng.random() > 0.3]


def drop_graph(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    return []


def relabel(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    funding = rng.choice(_fundings(store))
    word = rng.choice(["aardvark", "Zulu", "middle", "Japan", "éclair"])
    return [*_content(store, graph), ox.Quad(funding, LABEL, ox.Literal(word), graph)]


def serve_elsewhere(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    funding, place = rng.choice(_fundings(store)), rng.choice(_places(store))
    return [*_content(store, graph), ox.Quad(funding, AREA, place, graph)]


def move_place(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    lower, upper = rng.sample(_places(store), 2)
    return [*_content(store, graph), ox.Quad(lower, WITHIN, upper, graph)]


def new_funding(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    node = ox.NamedNode(f"https://w3id.org/coop-kg/id/test-funding-{rng.randrange(10**6)}")
    initiative = rng.choice(_nodes(store, FUNDED, None))
    return [
        *_content(store, graph),
        ox.Quad(node, RDF_TYPE, FUNDING, graph),
        ox.Quad(node, LABEL, ox.Literal(f"Funding {rng.randrange(1000)}"), graph),
        ox.Quad(node, AREA, rng.choice(_places(store)), graph),
        ox.Quad(node, FUNDED, initiative, graph),
    ]


def initiative_elsewhere(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    """An initiative (not the funding) serves a new area: its fundings must follow."""
    initiative = rng.choice([q.object for q in store.quads_for_pattern(None, FUNDED, None, None)])
    assert isinstance(initiative, ox.NamedNode)
    return [*_content(store, graph), ox.Quad(initiative, AREA, rng.choice(_places(store)), graph)]


def reprice(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    """A funding of the graph gets another amount or currency: the totals follow
    (``kg.totals``); the new funding of ``new_funding`` gets a first amount."""
    quads = _content(store, graph)
    moneys = [q.object for q in quads if q.predicate == AMOUNT]
    if not moneys:
        return new_funding(store, rng, graph)
    money = rng.choice(moneys)
    changed = []
    for quad in quads:
        if quad.subject == money and quad.predicate == VALUE:
            figure = ox.Literal(str(rng.randrange(1, 10**9)), datatype=DECIMAL)
            quad = ox.Quad(money, VALUE, figure, graph)
        elif quad.subject == money and quad.predicate == CURRENCY and rng.random() < 0.5:
            quad = ox.Quad(money, CURRENCY, ox.Literal(rng.choice(["EUR", "XOF"])), graph)
        changed.append(quad)
    return changed


def untype(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    """Drop the types stated in the graph: fundings among them leave the order."""
    return [q for q in _content(store, graph) if q.predicate != RDF_TYPE or rng.random() < 0.5]


def fresh_blanks(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    """The graph as a PUT of its own serialisation leaves it: every blank node a new one."""
    fresh: dict[ox.BlankNode, ox.BlankNode] = {}

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        return fresh.setdefault(node, ox.BlankNode()) if isinstance(node, ox.BlankNode) else node

    return [
        ox.Quad(term(q.subject), q.predicate, term(q.object), graph)  # type: ignore[arg-type]
        for q in _content(store, graph)
    ]


def new_kinds(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    """A node of a class nobody declared, and a new place inside an old one."""
    node = ox.NamedNode(f"https://w3id.org/coop-kg/id/test-node-{rng.randrange(10**6)}")
    kind = ox.NamedNode(f"https://w3id.org/coop-kg/ontology#TestKind{rng.randrange(10)}")
    return [
        *_content(store, graph),
        ox.Quad(node, RDF_TYPE, kind, graph),
        ox.Quad(node, RDF_TYPE, ox.NamedNode(SCHEMA + "Country"), graph),
        ox.Quad(node, WITHIN, rng.choice(_places(store)), graph),
    ]


def redate_document(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    """A source document is current to a later year: the open-ended fundings quoting it (two
    steps away, through their evidence) count more years."""
    source = ox.NamedNode(PREFIXES["oa"] + "hasSource")
    document = rng.choice(
        sorted({q.object.value for q in store.quads_for_pattern(None, source, None, None)})
    )
    year = ox.Literal(
        str(rng.randrange(2026, 2040)), datatype=ox.NamedNode(PREFIXES["xsd"] + "gYear")
    )
    current = ox.NamedNode(PREFIXES["ck"] + "currentTo")
    return [*_content(store, graph), ox.Quad(ox.NamedNode(document), current, year, graph)]


def make_activity(store: ox.Store, rng: random.Random, graph: ox.NamedNode) -> list[ox.Quad]:
    """An initiative gains a participation role (it becomes an activity, in the activity index
    and order) and a label that sorts first or last."""
    initiative = rng.choice([q.object for q in store.quads_for_pattern(None, FUNDED, None, None)])
    assert isinstance(initiative, ox.NamedNode)
    role = ox.NamedNode(PREFIXES["ck"] + rng.choice(["fundedBy", "implementedBy"]))
    funder = ox.NamedNode(SCHEMA + "funder")
    actor = rng.choice(
        sorted({q.object.value for q in store.quads_for_pattern(None, funder, None, None)})
    )
    return [
        *_content(store, graph),
        ox.Quad(initiative, role, ox.NamedNode(actor), graph),
        ox.Quad(initiative, LABEL, ox.Literal(rng.choice(["AAA first", "zzz last"])), graph),
        ox.Quad(initiative, AREA, rng.choice(_places(store)), graph),
    ]


EDITS: list[Edit] = [
    redate_document,
    make_activity,
    untype,
    fresh_blanks,
    new_kinds,
    drop_some,
    drop_graph,
    relabel,
    serve_elsewhere,
    move_place,
    new_funding,
    initiative_elsewhere,
    reprice,
]


def _data_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The graphs a curator writes: every named graph but the derived, ontology and shapes."""
    return sorted(
        (
            g
            for g in store.named_graphs()
            if isinstance(g, ox.NamedNode)
            and "/graph/" in g.value
            and g.value != DERIVED_GRAPH
            and not g.value.endswith(("ontology", "shapes"))
        ),
        key=lambda g: g.value,
    )


def _write(store: ox.Store, edit: Edit, rng: random.Random, graph: ox.NamedNode) -> None:
    """Apply ``edit`` to ``graph`` as a write does: the data, then ``apply_change``."""
    new = set(edit(store, rng, graph))
    old = set(_content(store, graph))
    removed, added = old - new, new - old
    before = _copy(store)
    for quad in removed:
        store.remove(quad)
    store.extend(added)
    apply_change(store, change_of(store, removed, added), before=before)


@pytest.mark.parametrize("seed", range(30))
def test_incremental_derive_equals_full(shipped: ox.Store, seed: int) -> None:
    rng = random.Random(seed)
    store = _copy(shipped)
    graphs = _data_graphs(store)
    for step in range(3):  # a few writes in a row: each starts from the last one's result
        edit = EDITS[(seed + step) % len(EDITS)]
        _write(store, edit, rng, rng.choice(graphs))
        incremental = _triples(store.quads_for_pattern(None, None, None, DERIVED))
        assert incremental == derived_triples(_native_rows(store)), (edit.__name__, step)


@pytest.mark.parametrize("seed", range(5))
def test_a_large_change_derived_whole_says_what_it_removed_and_added(
    shipped: ox.Store, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change touching ``WHOLE_DERIVE_FROM`` subjects or more is derived whole (here every
    change: the threshold lowered to one subject); what ``apply_change`` returns is still the
    difference the write commits and records, and the graph is what random writes derived
    incrementally reach."""
    rng = random.Random(seed)
    whole, incremental = _copy(shipped), _copy(shipped)
    graphs = _data_graphs(whole)
    for step in range(3):
        edit = EDITS[(seed + step) % len(EDITS)]
        graph = rng.choice(graphs)
        new = set(edit(whole, rng, graph))
        for store, threshold in ((whole, 1), (incremental, derive.WHOLE_DERIVE_FROM)):
            monkeypatch.setattr(derive, "WHOLE_DERIVE_FROM", threshold)
            old = set(_content(store, graph))
            was = _triples(store.quads_for_pattern(None, None, None, DERIVED))
            before = _copy(store)
            for quad in old - new:
                store.remove(quad)
            store.extend(new - old)
            change = change_of(store, old - new, new - old)
            removed, added = apply_change(store, change, before=before)
            now = _triples(store.quads_for_pattern(None, None, None, DERIVED))
            assert (removed, added) == (was - now, now - was), (edit.__name__, step, threshold)
        assert _triples(whole.quads_for_pattern(None, None, None, DERIVED)) == _triples(
            incremental.quads_for_pattern(None, None, None, DERIVED)
        ), (edit.__name__, step)


@pytest.mark.parametrize("seed", range(10))
def test_tallies_follow_writes(
    shipped: ox.Store, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The relation tallies (``kg.tallies``) a write keeps are those a whole derive counts:
    with the threshold lowered so that the world, the continents and a few more have one, and
    low enough that writes take places over it and back."""
    monkeypatch.setattr(tallies, "THRESHOLD", 30)
    rng = random.Random(seed)
    store = _copy(shipped)
    materialise(store)
    assert tallies.tallied(_native_rows(store))
    graphs = _data_graphs(store)
    for step in range(3):
        edit = EDITS[(seed + step) % len(EDITS)]
        _write(store, edit, rng, rng.choice(graphs))
        whole = _copy(store)
        materialise(whole)
        expected = _triples(whole.quads_for_pattern(None, None, None, DERIVED))
        incremental = _triples(store.quads_for_pattern(None, None, None, DERIVED))
        assert incremental == expected, (edit.__name__, step)


def test_a_write_that_changes_nothing_derived_leaves_the_graph(shipped: ox.Store) -> None:
    store = _copy(shipped)
    funding = _fundings(store)[0]
    graph = next(q.graph_name for q in store.quads_for_pattern(funding, AREA, None, None))
    comment = ox.Quad(funding, ox.NamedNode(PREFIXES["rdfs"] + "comment"), ox.Literal("x"), graph)
    store.add(comment)
    assert apply_change(store, change_of(store, [], [comment])) == (set(), set())


def test_a_funding_that_leaves_its_places_is_renumbered_out_of_them(shipped: ox.Store) -> None:
    """A write renumbers the positions (``ck:positionWithin``) of the places its fundings
    serve within before as well as after: a funding that stops serving a place, or stops being
    a funding, must leave that place's numbering and count (random writes rarely do this)."""
    store = _copy(shipped)
    listed = ox.NamedNode(PREFIXES["ck"] + "fundingOrder")
    funding = next(q.subject for q in store.quads_for_pattern(None, listed, None, DERIVED))
    assert isinstance(funding, ox.NamedNode)
    graph = next(q.graph_name for q in store.quads_for_pattern(funding, LABEL, None, None))
    areas = [ox.Quad(funding, AREA, place, graph) for place in _places(store)[:2]]
    types = [
        q for q in store.quads_for_pattern(funding, RDF_TYPE, None, None) if q.graph_name != DERIVED
    ]
    steps = (([], areas), (areas, []), ([], areas), (types, []), ([], types), (areas[:1], []))
    for removed, added in steps:
        before = _copy(store)
        for quad in removed:
            store.remove(quad)
        store.extend(added)
        apply_change(store, change_of(store, removed, added), before=before)
        incremental = _triples(store.quads_for_pattern(None, None, None, DERIVED))
        assert incremental == derived_triples(_native_rows(store))


def test_a_new_amount_moves_the_totals_by_its_difference(shipped: ox.Store) -> None:
    """A write that changes one amount changes the stored totals (``kg.totals``) through the
    difference of before and after, and the result is the whole recount's."""
    store = _copy(shipped)
    listed = ox.NamedNode(PREFIXES["ck"] + "fundingOrder")
    money = next(
        value
        for q in store.quads_for_pattern(None, AMOUNT, None, None)
        if any(store.quads_for_pattern(q.subject, listed, None, DERIVED))
        for value in store.quads_for_pattern(q.object, VALUE, None, None)  # type: ignore[arg-type]
    )
    repriced = ox.Quad(
        money.subject, VALUE, ox.Literal("123456789.5", datatype=DECIMAL), money.graph_name
    )
    before = _copy(store)
    store.remove(money)
    store.add(repriced)
    removed, added = apply_change(store, change_of(store, [money], [repriced]), before=before)
    moved = {t[1] for t in removed | added}
    assert moved == {PREFIXES["ck"] + "totalValue"}, moved
    assert _triples(store.quads_for_pattern(None, None, None, DERIVED)) == derived_triples(
        _native_rows(store)
    )


def test_a_large_removal_asks_about_each_class_and_node_once(
    shipped: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``change_of`` on a write that removes a whole graph asks once per class whether it is
    still one and once per node whether it was a funding: per removed quad, deleting the
    977,786 quads of an imported IATI file at 1M triples did not end in ten minutes."""
    store = _copy(shipped)
    graph = ox.NamedNode("https://w3id.org/coop-kg/graph/japan-gender-equality-cooperation")
    removed = list(store.quads_for_pattern(None, None, None, graph))
    store.remove_graph(graph)
    asked: dict[str, list[object]] = {"class": [], "funding": []}
    still, was = derive._still_a_class, derive._was_or_is_funding

    def counted_class(after: ox.Store, cls: str) -> bool:
        asked["class"].append(cls)
        return still(after, cls)

    def counted_funding(after: ox.Store, node: ox.NamedNode, *rest: object) -> bool:
        asked["funding"].append(node)
        return was(after, node, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(derive, "_still_a_class", counted_class)
    monkeypatch.setattr(derive, "_was_or_is_funding", counted_funding)
    change = change_of(store, removed, [])
    types = [q for q in removed if q.predicate == RDF_TYPE]
    assert len(types) > 100 and change.order
    assert len(asked["class"]) == len(set(asked["class"])) <= len({q.object for q in types})
    assert len(asked["funding"]) == len(set(asked["funding"])) > 0
