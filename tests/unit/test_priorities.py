"""kg.priorities on two made-up priorities over ``MONEY_TTL``'s places and themes: every filter
the module documents (region inside, applies to, theme and narrower, actor or participant)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _small_stores import MONEY_TTL, small_store

from kg.errors import ConfigurationError
from kg.priorities import priorities
from kg.stores.oxigraph import OxigraphStore

ID = "https://w3id.org/coop-kg/id/"

PRIORITIES_TTL = """
id:cooperation a ck:Cooperation ; rdfs:label "Japan-UNODC cooperation"@en ;
    ck:participant id:japan, id:unodc .
id:p-sea a ck:Priority ; rdfs:label "Southeast Asia focus"@en ;
    ck:prioritisedBy id:cooperation ; ck:priorityRegion id:southeast-asia ;
    dcterms:subject id:drugs ;
    schema:startDate "2024"^^xsd:gYear ; schema:endDate "2026"^^xsd:gYear ;
    prov:wasDerivedFrom <https://w3id.org/coop-kg/id/evidence/doc/0-4> .
<https://w3id.org/coop-kg/id/evidence/doc/0-4> a ck:Evidence ; oa:hasSource id:doc ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "ASEA" ],
        [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 4 ] .
id:p-africa a ck:Priority ; rdfs:label "Africa priority"@en ;
    ck:prioritisedBy id:germany ; ck:priorityRegion id:kenya ;
    dcterms:subject id:health ; ck:concerns id:unodc .
"""


@pytest.fixture(scope="module")
def store() -> Iterator[OxigraphStore]:
    opened = small_store(MONEY_TTL + PRIORITIES_TTL)
    yield opened
    opened.close()


def slugs(store: OxigraphStore, **filters: str) -> list[str | None]:
    return [p.slug for p in priorities(store, **filters).items]


def test_every_priority_sorted_by_label(store: OxigraphStore) -> None:
    assert slugs(store) == ["p-africa", "p-sea"]


def test_a_priority_gathers_its_parts(store: OxigraphStore) -> None:
    sea = priorities(store).items[1]
    assert sea.label == "Southeast Asia focus"
    assert [r.slug for r in sea.prioritised_by] == ["cooperation"]
    assert [r.slug for r in sea.regions] == ["southeast-asia"]
    assert [t.slug for t in sea.themes] == ["drugs"]
    assert sea.concerns == ()
    assert (sea.period.start, sea.period.end) == ("2024", "2026")
    assert [(e.document.slug, e.quote, e.start, e.end) for e in sea.evidence] == [
        ("doc", "ASEA", 0, 4)
    ]
    africa = priorities(store).items[0]
    assert [c.slug for c in africa.concerns] == ["unodc"]
    assert africa.evidence == ()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # region: the priority's region is that place or inside it.
        ({"region": ID + "indo-pacific"}, ["p-sea"]),
        ({"region": ID + "southeast-asia"}, ["p-sea"]),
        ({"region": ID + "thailand"}, []),
        # applies_to: also a region that contains the place.
        ({"applies_to": ID + "thailand"}, ["p-sea"]),
        ({"applies_to": ID + "africa"}, ["p-africa"]),
        # theme: that theme or a narrower one.
        ({"theme": ID + "crime"}, ["p-sea"]),
        ({"theme": ID + "health"}, ["p-africa"]),
        # actor: sets the priority, or takes part in the cooperation that does.
        ({"actor": ID + "germany"}, ["p-africa"]),
        ({"actor": ID + "japan"}, ["p-sea"]),
        ({"actor": ID + "unodc", "region": ID + "world"}, ["p-sea"]),
    ],
    ids=lambda value: (
        "-".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in value.items())
        if isinstance(value, dict)
        else None
    ),
)
def test_filters(store: OxigraphStore, filters: dict[str, str], expected: list[str]) -> None:
    assert slugs(store, **filters) == expected


def test_a_page_counts_every_match(store: OxigraphStore) -> None:
    page = priorities(store, limit=1, offset=1)
    assert (page.total, [p.slug for p in page.items]) == (2, ["p-sea"])


def test_a_bad_page_is_a_configuration_error(store: OxigraphStore) -> None:
    with pytest.raises(ConfigurationError):
        priorities(store, limit=0)
