"""One table of formats (``kg.export``): every route's offers, the import extensions and the
service description's format IRIs are read from it, so none can disagree with it."""

from __future__ import annotations

import pytest

from kg._rdf_files import IMPORT_FORMATS
from kg.api.negotiation import HTML, Offer
from kg.api.routes import exports, graphs, linked_data, sparql
from kg.api.sparql_eval import ASK_OFFERS, GRAPH_OFFERS, OFFERS_BY_FORM, SELECT_OFFERS
from kg.export import FORMATS, RDF_ANSWERS, RESULT_FORMATS, W3C_FORMATS

TABLE = {f.name: f for f in (*FORMATS.values(), *RESULT_FORMATS.values())}

ROUTE_OFFERS = {
    "select": SELECT_OFFERS,
    "ask": ASK_OFFERS,
    "graph": GRAPH_OFFERS,
    "export": exports.OFFERS,
    "page": linked_data.PAGE_OFFERS,
    "void": linked_data.VOID_OFFERS,
    "service description": sparql.DESCRIPTION_OFFERS,
    "graph store read": graphs.READ_OFFERS,
    **{f"/sparql {form}": offers for form, offers in OFFERS_BY_FORM.items()},
}


@pytest.mark.parametrize("route", ROUTE_OFFERS)
def test_every_offer_is_a_row_of_the_table(route: str) -> None:
    for offer in ROUTE_OFFERS[route]:
        assert offer == HTML or offer == Offer.of(TABLE[offer.name]), (route, offer)


def test_names_aliases_and_media_types_select_one_format_each() -> None:
    for group in (FORMATS.values(), RESULT_FORMATS.values()):
        seen: set[str] = set()
        for fmt in group:
            names = {fmt.name, *fmt.aliases, fmt.media_type, *fmt.also}
            assert not names & seen, fmt.name
            seen |= names


def test_rdf_answers_are_every_rdf_format_once() -> None:
    assert sorted(f.name for f in RDF_ANSWERS) == sorted(FORMATS)
    assert len({f.rank for f in RDF_ANSWERS}) == len(FORMATS)
    assert RDF_ANSWERS[0].name == "turtle"


def test_import_extensions_and_format_iris_come_from_the_table() -> None:
    for extension, name in IMPORT_FORMATS.items():
        assert extension == "." + FORMATS[name].extension
    assert set(sparql.FORMAT_IRIS) == set(TABLE)
    for name, iri in sparql.FORMAT_IRIS.items():
        assert str(iri) == W3C_FORMATS + TABLE[name].w3c


def test_ask_offers_the_formats_with_a_boolean_form() -> None:
    assert [o.name for o in ASK_OFFERS] == [f.name for f in RESULT_FORMATS.values() if f.boolean]
    assert [o.name for o in SELECT_OFFERS] == list(RESULT_FORMATS)


def test_uploads_and_the_server_client_use_the_table() -> None:
    from kg.stores import sparql as sparql_store
    from kg.uploads import UPLOAD_FORMATS

    for media, fmt in UPLOAD_FORMATS.items():
        assert (FORMATS[fmt.name] is fmt and not fmt.supports_datasets) or fmt.name == "jsonld", (
            media
        )
    assert RESULT_FORMATS["json"].media_type == sparql_store.RESULTS_JSON
    assert FORMATS["ntriples"].media_type == sparql_store.NTRIPLES
