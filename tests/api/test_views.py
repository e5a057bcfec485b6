"""How the pages write things for people (api.views): amounts, dates, quotes in their sentence,
overlapping passages, the neighbourhood picture."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from kg.api import views
from kg.entities import (
    EntityDetail,
    EntityRef,
    Evidence,
    LiteralValue,
    NodeValue,
    Period,
    Relation,
    Statement,
)

XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
CK = "https://w3id.org/coop-kg/ontology#"
ID = "https://w3id.org/coop-kg/id/"


@pytest.mark.parametrize(
    ("value", "shown"),
    [("2000000", "2,000,000"), (Decimal("1250.50"), "1,250.5"), (7, "7"), ("x", "x")],
)
def test_number(value: object, shown: str) -> None:
    assert views.number(value) == shown  # type: ignore[arg-type]


def test_amount_says_how_exact() -> None:
    assert views.amount_text("2000000", "USD", "approximately") == "USD 2,000,000, approximately"
    assert views.amount_text("20000000", "USD", "at least") == "USD 20,000,000, at least"
    assert views.amount_text("5", "EUR", "exact") == "EUR 5"


@pytest.mark.parametrize(
    ("lexical", "datatype", "shown"),
    [
        ("2013", XSD + "gYear", "2013"),
        ("2016-04", XSD + "gYearMonth", "April 2016"),
        ("2024-07-05", XSD + "date", "5 July 2024"),
        ("2024-07-05T10:00:00", XSD + "dateTime", "5 July 2024"),
        ("2024-13", XSD + "gYearMonth", "2024-13"),  # not a date: left as it is
    ],
)
def test_dates(lexical: str, datatype: str, shown: str) -> None:
    assert views.date_text(lexical, datatype) == shown


def test_periods() -> None:
    assert views.period_text(Period("2015", "2019")) == "2015 \u2013 2019"
    assert views.period_text(Period("2013", "2013")) == "2013"
    assert views.period_text(Period("2015", None)) == "since 2015"
    assert views.period_text(Period(None, "2020")) == "until 2020"
    assert views.period_text(Period()) == ""


def test_literals_for_reading() -> None:
    assert views.literal_text(LiteralValue("2000000", XSD + "decimal")) == "2,000,000"
    assert views.literal_text(LiteralValue("2018", XSD + "gYear")) == "2018"
    assert views.literal_text(LiteralValue("plain", None, "en")) == "plain"


def test_property_names() -> None:
    assert views.property_name(EntityRef(SCHEMA + "endDate", None, "schema:endDate")) == "end date"
    assert views.property_name(EntityRef(CK + "recipient", None, "recipient")) == "recipient"


def test_an_amount_reads_as_one_line_and_keeps_its_parts() -> None:
    node = NodeValue(
        (
            Statement(EntityRef(SCHEMA + "currency", None, "schema:currency"), LiteralValue("USD")),
            Statement(
                EntityRef(SCHEMA + "minValue", None, "schema:minValue"),
                LiteralValue("20000000", XSD + "decimal"),
            ),
        )
    )
    shown = views.structured(node)
    assert shown.summary == "USD 20,000,000, at least"
    assert len(shown.statements) == 2


TEXT = (
    "- First point. Japan has been strengthening partnership with UN Women. Japan's "
    "contributions amounted to approximately US$2 million in 2013 and more since.\n"
    "- Next line."
)


def test_a_quote_is_shown_inside_its_sentence() -> None:
    quote = "Japan's contributions amounted to approximately US$2 million in 2013"
    start = TEXT.index(quote)
    before, after = views.sentence_around(TEXT, start, start + len(quote))
    assert before == ""
    assert after == " and more since."
    middle = TEXT.index("strengthening")
    before, after = views.sentence_around(TEXT, middle, middle + len("strengthening"))
    assert before == "Japan has been "
    assert after == " partnership with UN Women."


def test_a_quote_at_the_start_of_a_list_item_loses_the_marker() -> None:
    start = TEXT.index("First")
    before, _ = views.sentence_around(TEXT, start + 6, start + 12)
    assert before == "First "


def test_a_long_sentence_is_cut_at_a_word() -> None:
    text = "word " * 200 + "QUOTE" + " word" * 200
    start = text.index("QUOTE")
    before, after = views.sentence_around(text, start, start + 5)
    assert before.startswith("\u2026 ") and after.endswith(" \u2026")
    assert len(before) <= views.SENTENCE_REACH + 2


def test_offsets_outside_the_text_show_no_sentence() -> None:
    assert views.sentence_around("short", 3, 99) == ("", "")


def test_overlapping_passages_each_get_a_highlight() -> None:
    text = "0123456789"
    a = views.Passage(2, 6, "2345", "e1", 1, ())
    b = views.Passage(4, 8, "4567", "e2", 2, ())
    far = views.Passage(20, 25, "?", "e3", 3, ())
    marked = views.mark_passages(text, [a, b, far])
    assert "".join(s.text for s in marked.segments) == text
    assert [(s.text, s.passages) for s in marked.segments] == [
        ("01", ()),
        ("23", (1,)),
        ("45", (1, 2)),
        ("67", (2,)),
        ("89", ()),
    ]
    assert marked.segments[1].opens == (a,) and marked.segments[2].closes == (a,)
    assert marked.misplaced == (far,)


def _detail(outgoing: tuple[Relation, ...], incoming: tuple[Relation, ...] = ()) -> EntityDetail:
    return EntityDetail(
        id=ID + "x",
        slug="x",
        label="X",
        kind="actor",
        kinds=("actor",),
        types=(),
        alt_labels=(),
        description=None,
        identifiers=(),
        same_as=(),
        evidence=(),
        outgoing=outgoing,
        incoming=incoming,
    )


def test_the_neighbourhood_has_the_entity_its_neighbours_and_labelled_edges() -> None:
    prop = EntityRef(CK + "recipient", None, "recipient")
    out = tuple(Relation(prop, EntityRef(ID + f"n{i}", f"n{i}", f"N {i}"), ()) for i in range(60))
    term = Relation(prop, EntityRef(CK + "Exact", None, "exact"), ())  # a term, not a neighbour
    graph = views.neighbourhood(_detail((*out, term)), lambda iri: "/id/" + iri.rsplit("/", 1)[1])
    nodes = graph["nodes"]
    assert nodes[0]["data"]["centre"] == 1 and nodes[0]["data"]["ring"] == 0
    assert len(nodes) == views.MAX_NEIGHBOURS + 1  # capped; the tables list them all
    assert {n["data"]["href"] for n in nodes[1:3]} == {"/id/n0", "/id/n1"}
    assert all(e["data"]["label"] == "recipient" for e in graph["edges"])
    assert max(n["data"]["ring"] for n in nodes) == 3


def test_quotes_say_what_they_support_and_come_once() -> None:
    doc = EntityRef(ID + "doc", "doc", "Doc")
    own = Evidence(doc, "strengthening", 30, 43)
    shared = Evidence(doc, "contributions", 80, 93)
    funding = EntityRef(ID + "f", "f", "A funding")
    detail = _detail(
        (),
        (
            Relation(EntityRef(CK + "recipient", None, "recipient"), funding, (shared,)),
            Relation(EntityRef(CK + "participant", None, "participant"), funding, (shared,)),
        ),
    )
    detail = replace(detail, evidence=(own,))
    quotes = views.quotes_of(detail, {ID + "doc": TEXT})
    assert [q.own for q in quotes] == [True, False]
    assert quotes[1].about == (funding,)
    assert quotes[0].evidence == ID + "evidence/doc/30-43"
