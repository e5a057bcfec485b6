"""kg.entities on ``MONEY_TTL`` (tests/_small_stores.py): lists, search, name resolution and
entity detail, through the public functions only."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from kg.entities import (
    EntityRef,
    GroupPage,
    Page,
    _cut_pages,
    compact,
    describe,
    expand,
    least_labels,
    list_collection,
    resolve,
    search,
)
from kg.errors import AmbiguousNameError, ConfigurationError, NotFoundError, UnknownNameError
from kg.stores.memory import MemoryStore
from kg.stores.oxigraph import OxigraphStore

ID = "https://w3id.org/coop-kg/id/"
CK = "https://w3id.org/coop-kg/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_a_collection_is_sorted_by_label(money_store: OxigraphStore) -> None:
    actors = list_collection(money_store, "actors")
    assert [a.slug for a in actors.items] == ["germany", "japan", "unodc"]
    assert {a.kind for a in actors.items} == {"actor"}
    assert actors.total == 3


def test_q_filters_a_collection_ignoring_case(money_store: OxigraphStore) -> None:
    assert [t.slug for t in list_collection(money_store, "themes", q="DRU").items] == ["drugs"]


def test_within_keeps_the_places_inside_a_region_transitively(money_store: OxigraphStore) -> None:
    inside = {
        r.slug for r in list_collection(money_store, "regions", within=ID + "indo-pacific").items
    }
    assert {"southeast-asia", "thailand"} <= inside
    assert "kenya" not in inside and "africa" not in inside


def test_within_applies_to_regions_only(money_store: OxigraphStore) -> None:
    with pytest.raises(ConfigurationError, match="only applies to regions"):
        list_collection(money_store, "actors", within=ID + "world")


def test_an_unknown_collection_is_not_found(money_store: OxigraphStore) -> None:
    with pytest.raises(NotFoundError, match="no collection"):
        list_collection(money_store, "planets")


def test_search_ranks_an_exact_alt_label_first(money_store: OxigraphStore) -> None:
    found = search(money_store, "unodc")
    assert found.items[0].slug == "unodc"


def test_search_keeps_to_the_kinds_asked(money_store: OxigraphStore) -> None:
    assert [t.slug for t in search(money_store, "a", kinds=("theme",)).items] == ["health"]


def test_an_empty_search_is_a_configuration_error(money_store: OxigraphStore) -> None:
    with pytest.raises(ConfigurationError, match="empty"):
        search(money_store, "   ")


@pytest.mark.parametrize(
    "name", ["unodc", "UNODC", ID + "unodc", "united nations office on drugs and crime"]
)
def test_a_slug_iri_label_or_alt_label_resolves(money_store: OxigraphStore, name: str) -> None:
    assert resolve(money_store, name) == ID + "unodc"


def test_two_entities_with_one_label_are_ambiguous(money_store: OxigraphStore) -> None:
    with pytest.raises(AmbiguousNameError) as raised:
        resolve(money_store, "Mekong project")
    candidates = {c["slug"] for c in raised.value.candidates}
    assert candidates == {"mekong-project", "mekong-programme"}


def test_the_slug_settles_what_the_label_cannot(money_store: OxigraphStore) -> None:
    assert resolve(money_store, "mekong-programme") == ID + "mekong-programme"


def test_an_unknown_name_is_an_error(money_store: OxigraphStore) -> None:
    with pytest.raises(UnknownNameError):
        resolve(money_store, "atlantis")


def test_a_name_of_another_kind_is_unknown(money_store: OxigraphStore) -> None:
    with pytest.raises(UnknownNameError):
        resolve(money_store, "japan", kinds=("theme",))


def test_a_place_has_its_ancestors_and_the_fundings_serving_it(money_store: OxigraphStore) -> None:
    thailand = describe(money_store, ID + "thailand")
    assert thailand.kind == "region"
    assert {a.slug for a in thailand.ancestors or ()} == {"southeast-asia", "indo-pacific", "world"}
    assert thailand.children == ()
    served_by = {r.value.slug for r in thailand.incoming}  # type: ignore[union-attr]
    assert served_by == {"f-eur-1", "mekong-project"}


def test_derived_groups_are_counted_but_not_listed(money_store: OxigraphStore) -> None:
    thailand = describe(money_store, ID + "thailand")
    derived = [g for g in thailand.groups if g.derived]
    assert derived and all(g.shown == 0 and g.total > 0 for g in derived)
    listed = {r.property.id for r in (*thailand.outgoing, *thailand.incoming)}
    assert not listed & {g.property.id for g in derived}


def test_paging_a_derived_group_lists_it(money_store: OxigraphStore) -> None:
    page = GroupPage("outgoing", CK + "withinPlace")
    thailand = describe(money_store, ID + "thailand", page=page)
    ancestors = {r.value.slug for r in thailand.outgoing}  # type: ignore[union-attr]
    assert {"southeast-asia", "indo-pacific", "world"} <= ancestors


def test_alt_labels_are_part_of_the_detail(money_store: OxigraphStore) -> None:
    assert describe(money_store, ID + "unodc").alt_labels == ("UNODC",)


def test_an_entity_asked_as_another_kind_is_not_found(money_store: OxigraphStore) -> None:
    with pytest.raises(NotFoundError, match="not theme"):
        describe(money_store, ID + "japan", kind="theme")


def test_an_iri_that_names_nothing_is_not_found(money_store: OxigraphStore) -> None:
    with pytest.raises(NotFoundError, match="nothing is known"):
        describe(money_store, ID + "nothing")


@pytest.mark.parametrize(
    ("direction", "prop", "offset", "message"),
    [
        (None, None, 5, "offset pages one group"),
        ("outgoing", None, 0, "go together"),
        ("sideways", "ck:withinPlace", 0, "direction must be"),
        ("incoming", "ck:withinPlace", -1, "at least 0"),
    ],
)
def test_a_group_page_says_what_is_missing(
    direction: str | None, prop: str | None, offset: int, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        GroupPage.parse(direction, prop, offset)


def test_no_group_page_means_the_first_page_of_every_group() -> None:
    assert GroupPage.parse(None, None) is None


@pytest.mark.parametrize(
    ("name", "iri"),
    [
        ("ck:servesWithin", CK + "servesWithin"),
        ("https://schema.org/Country", "https://schema.org/Country"),
    ],
)
def test_expand_and_compact_are_inverse(name: str, iri: str) -> None:
    assert expand(name) == iri
    assert expand(compact(iri)) == iri


@pytest.mark.parametrize("name", ["servesWithin", "nope:thing", "not an iri://x"])
def test_expand_refuses_what_is_neither_iri_nor_prefixed_name(name: str) -> None:
    with pytest.raises(ConfigurationError, match="neither an IRI nor a prefixed name"):
        expand(name)


def test_a_page_is_cut_from_all_items() -> None:
    page = Page.of(range(10), limit=3, offset=8)
    assert (page.items, page.total) == ((8, 9), 10)
    with pytest.raises(ConfigurationError):
        Page.of([], limit=0, offset=0)


#: Subjects of one group whose IRI order trips a naive sort: a prefix of another, a hyphen
#: (below the closing ">" of a written IRI), upper case, a non-ASCII letter, digits.
TRICKY_SUBJECTS = ("a", "a-b", "ab", "B", "z9", "z10", "\u00e9t\u00e9", "a.b", "a/b", "aa")


def _group_store(engine: str) -> Any:
    """One entity that ten IRIs and a blank node point at by one property, the same triple
    stated in two graphs, subjects with two labels and with none."""
    lines = [
        f"<{ID}s-{name}> <{CK}ledBy> <{ID}hub> <https://example.org/g{i % 2}> ."
        for i, name in enumerate(TRICKY_SUBJECTS)
    ]
    lines.append(f"<{ID}s-a> <{CK}ledBy> <{ID}hub> <https://example.org/g1> .")
    lines.append(f"_:b <{CK}ledBy> <{ID}hub> <https://example.org/g0> .")
    lines.append(f'<{ID}s-ab> <{RDFS_LABEL}> "Zed" <https://example.org/g0> .')
    lines.append(f'<{ID}s-ab> <{RDFS_LABEL}> "Alpha" <https://example.org/g1> .')
    lines.append(f'<{ID}s-B> <{RDFS_LABEL}> "Bee"@en <https://example.org/g0> .')
    data = "\n".join(lines).encode()
    if engine == "rdflib":
        memory = MemoryStore()
        memory.load_nquads(data)
        return memory
    native = ox.Store()
    native.load(data, format=ox.RdfFormat.N_QUADS)
    return OxigraphStore.wrapping(native)


class _QueriesOnly:
    """A store that answers queries only: entity pages are cut by entity-incoming.rq."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def query(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.query(*args, **kwargs)

    def pyoxigraph(self) -> None:
        return None


@pytest.mark.parametrize(("limit", "offset"), [(3, 0), (3, 3), (4, 8), (20, 0), (2, 11)])
def test_pages_cut_from_the_index_equal_the_named_query(limit: int, offset: int) -> None:
    """pyoxigraph's pages are cut in Python (OxigraphStore.subjects_page) for speed; they must
    be the pages entity-incoming.rq cuts, on pyoxigraph and on rdflib, labels included."""
    group = [EntityRef.of(CK + "ledBy")]
    hub = URIRef(ID + "hub")
    native = _group_store("oxigraph")
    cut = _cut_pages(native, hub, group, limit, offset)
    assert cut == _cut_pages(_QueriesOnly(native), hub, group, limit, offset)  # type: ignore[arg-type]
    assert cut == _cut_pages(_group_store("rdflib"), hub, group, limit, offset)
    expected = sorted(ID + "s-" + name for name in TRICKY_SUBJECTS)[offset : offset + limit]
    assert [subject for _, subject in cut] == expected
    if ID + "s-ab" in expected:
        assert cut[(CK + "ledBy", ID + "s-ab")] == "Alpha"


def test_labels_read_from_the_index_equal_the_named_query() -> None:
    """The labels of the documents an entity page cites are read from pyoxigraph's index
    (OxigraphStore.least_labels) for speed; they must be node-labels.rq's least label, on
    pyoxigraph and on rdflib: two labels give the least, a plain and a tagged literal both
    count, a node without one is left out."""
    nodes = {ID + "s-ab", ID + "s-B", ID + "s-a", ID + "nowhere"}
    native = _group_store("oxigraph")
    read = least_labels(native, nodes)
    assert read == {ID + "s-ab": "Alpha", ID + "s-B": "Bee"}
    assert read == least_labels(_QueriesOnly(native), nodes)  # type: ignore[arg-type]
    assert read == least_labels(_group_store("rdflib"), nodes)
    assert least_labels(native, set()) == {}
