"""What the HTML pages show, arranged from the library's results: no query runs here.

The pages read the same result types as the JSON answers (``kg.entities.EntityDetail``,
``kg.fundings.Funding``, ...); this module only arranges them for people: amounts and dates
written out (``USD 2,000,000, approximately``, ``5 July 2024``), relations grouped by property,
quotes cut out of their sentence, the neighbourhood of an entity as nodes and edges, and the
passages of a document marked up where they are quoted.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from kg._namespaces import CK, SCHEMA
from kg.anchor import Anchor, evidence_iri
from kg.browse import XmlExcerpt
from kg.entities import (
    INDEX_PROPERTIES,
    ElementEvidence,
    EntityDetail,
    EntityRef,
    Evidence,
    LiteralValue,
    NodeValue,
    Period,
    Relation,
    RelationGroup,
    compact,
)

XSD: Final = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS: Final = frozenset(
    XSD + name
    for name in ("decimal", "integer", "int", "long", "nonNegativeInteger", "positiveInteger")
)
#: "January" ... "December": the stdlib's English month names (index 0 is "").
_MONTHS: Final = tuple(calendar.month_name)[1:]
#: How far a quote's sentence may reach on either side, in characters.
SENTENCE_REACH: Final = 320
# A sentence ends at . ! or ? (perhaps inside a closing quote or bracket) before a space, and
# at every line end.
_BOUNDARY: Final = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"\u201d\u2019')\]]))[ \t]+|\n")
_LIST_MARK: Final = re.compile(r"^(?:[-*#>]+|\d+\.)\s+")
_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


# -- numbers, amounts, dates -----------------------------------------------------------------


def number(value: Decimal | str | int) -> str:
    """``2,000,000`` for 2000000; decimals keep their fraction (``1,250.5``)."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,f}".rstrip("0")


def amount_text(value: Decimal | str, currency: str, qualifier: str | None = None) -> str:
    """``USD 2,000,000, approximately``: the currency, the figure, and how exact the source is
    (nothing for an exact amount)."""
    text = f"{currency} {number(value)}"
    return text if qualifier in (None, "", "exact") else f"{text}, {qualifier}"


def date_text(lexical: str, datatype: str | None = None) -> str:
    """A year, year-month or date as people write it: ``2013``, ``April 2016``, ``5 July 2024``."""
    kind = (datatype or "").removeprefix(XSD)
    text = lexical.strip()
    try:
        if kind == "gYearMonth" or re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = text[:7].split("-")
            return f"{_MONTHS[int(month) - 1]} {int(year)}"
        if kind in ("date", "dateTime") or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text[:10])
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    except (ValueError, IndexError):
        return lexical
    return text


def period_text(period: Period) -> str:
    """``2015 - 2019`` (with an en dash), ``since 2015``, ``until 2020``, or empty when the source gives none."""
    start = date_text(period.start) if period.start else None
    end = date_text(period.end) if period.end else None
    if start and end:
        return start if start == end else f"{start} \u2013 {end}"
    if start:
        return f"since {start}"
    return f"until {end}" if end else ""


def literal_text(value: LiteralValue) -> str:
    """A literal for reading: dates and numbers written out, text as it is."""
    datatype = value.datatype or ""
    if datatype in _NUMBERS:
        return number(value.value)
    if datatype.removeprefix(XSD) in ("gYear", "gYearMonth", "date", "dateTime"):
        return date_text(value.value, datatype)
    if datatype == XSD + "boolean":
        return "yes" if value.value in ("true", "1") else "no"
    return value.value


def property_name(ref: EntityRef) -> str:
    """A property or class for reading: its label, or its local name split into words
    (``schema:endDate`` reads "end date") when the store has no label for it."""
    if ref.label != compact(ref.id) and ref.label != ref.id:
        return ref.label
    local = re.split(r"[#/:]", ref.label)[-1]
    return _CAMEL.sub(" ", local).lower() or ref.label


# -- structured values -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Structured:
    """A blank-node value (a ``schema:amount``), with a one-line summary when it is money."""

    summary: str | None
    statements: tuple[tuple[EntityRef, EntityRef | LiteralValue], ...]


def structured(value: NodeValue) -> Structured:
    fields: dict[str, EntityRef | LiteralValue] = {}
    for statement in value.properties:
        fields[statement.property.id] = statement.value
    currency, qualifier = fields.get(str(SCHEMA.currency)), fields.get(str(CK.valueQualifier))
    figure = fields.get(str(SCHEMA.value))
    at_least = False
    if figure is None and str(SCHEMA.minValue) in fields:
        figure, at_least = fields[str(SCHEMA.minValue)], True
    summary = None
    if isinstance(currency, LiteralValue) and isinstance(figure, LiteralValue):
        how = (
            qualifier.label
            if isinstance(qualifier, EntityRef)
            else ("at least" if at_least else None)
        )
        summary = amount_text(figure.value, currency.value, how)
    shown = tuple((s.property, s.value) for s in value.properties if s.property.id != _RDF_TYPE)
    return Structured(summary, shown)


_RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


# -- relations grouped by property -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PropertyGroup:
    """One property of an entity and its values (for incoming relations: the subjects), with
    how many there are in all (``total``), where this page starts (``first``, from 1) and the
    links to the pages before and after it (None at either end)."""

    property: EntityRef
    name: str
    values: tuple[EntityRef | LiteralValue | Structured, ...]
    total: int = 0
    first: int = 1
    previous: str | None = None
    next: str | None = None


#: The derived index (kg.derive): right for queries, noise on a page, which shows the hierarchy
#: itself ("Where it lies"). One list with the library's (``kg.entities.INDEX_PROPERTIES``).
DERIVED: Final = INDEX_PROPERTIES

#: ``link(group, offset)``: the URL of the page of ``group`` that starts at ``offset``.
PageLink = Callable[[RelationGroup, int], str]


def groups(
    relations: Iterable[Relation],
    paging: Iterable[RelationGroup] = (),
    link: PageLink | None = None,
) -> tuple[PropertyGroup, ...]:
    """Relations grouped by property, properties by their name, values as the library sorted
    them (by label); the derived closures left out. ``paging`` (the detail's groups of one
    direction) gives each its total and, with ``link``, the links to its other pages."""
    found: dict[str, tuple[EntityRef, list[EntityRef | LiteralValue | Structured]]] = {}
    for relation in relations:
        if relation.property.id in DERIVED:
            continue
        value = relation.value
        shown = structured(value) if isinstance(value, NodeValue) else value
        found.setdefault(relation.property.id, (relation.property, []))[1].append(shown)
    ordered = sorted(found.values(), key=lambda item: property_name(item[0]).casefold())
    info = {g.property.id: g for g in paging}
    result = []
    for prop, values in ordered:
        group = info.get(prop.id)
        if group is None:
            result.append(PropertyGroup(prop, property_name(prop), tuple(values), len(values)))
            continue
        before = max(0, group.offset - group.limit) if group.offset else None
        result.append(
            PropertyGroup(
                prop,
                property_name(prop),
                tuple(values),
                group.total,
                group.offset + 1,
                link(group, before) if link is not None and before is not None else None,
                link(group, group.next_offset)
                if link is not None and group.next_offset is not None
                else None,
            )
        )
    return tuple(result)


# -- quotes in their sentence ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quote:
    """A piece of evidence as a page shows it: the quote inside the rest of its sentence."""

    evidence: str  # the evidence IRI
    document: EntityRef
    quote: str
    start: int
    end: int
    before: str = ""
    after: str = ""
    about: tuple[EntityRef, ...] = ()  # other facts on this page it supports
    own: bool = False  # it supports the entity itself

    @property
    def anchor(self) -> str:
        """The id of its highlight in the document view."""
        return passage_id(self.start, self.end)


def passage_id(start: int, end: int) -> str:
    return f"q-{start}-{end}"


def evidence_ref(evidence: Evidence) -> str:
    """The IRI the build gave this quote's evidence (``kg.anchor.evidence_iri``)."""
    return str(evidence_iri(evidence.document.id, Anchor(evidence.start, evidence.end)))


def sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The rest of the sentence (or line: the stored texts keep one paragraph or list item a
    line) before and after ``text[start:end]``, at most ``SENTENCE_REACH`` characters either
    way, cut at a word with an ellipsis."""
    if not 0 <= start <= end <= len(text):
        return "", ""
    low, high = max(0, start - SENTENCE_REACH), min(len(text), end + SENTENCE_REACH)
    cuts = list(_BOUNDARY.finditer(text, low, start))
    if cuts:
        before = text[cuts[-1].end() : start]
    elif low == 0:
        before = text[:start]
    else:
        before = "\u2026 " + text[low:start].split(" ", 1)[-1]
    stop = _BOUNDARY.search(text, end, high)
    if stop is not None:
        after = text[end : stop.start()]
    elif high == len(text):
        after = text[end:]
    else:
        after = text[end:high].rsplit(" ", 1)[0] + " \u2026"
    return _LIST_MARK.sub("", before.lstrip()), after.rstrip()


def quotes_of(detail: EntityDetail, texts: Mapping[str, str]) -> tuple[Quote, ...]:
    """The entity's own quotes, then those of the nodes pointing at it (a funding it receives,
    a priority naming it), each once, with what it supports and its sentence."""
    found: dict[str, tuple[Evidence, list[EntityRef]]] = {}
    own = {evidence_ref(e) for e in detail.evidence}
    for evidence in detail.evidence:
        found.setdefault(evidence_ref(evidence), (evidence, []))
    for relation in detail.incoming:
        subject = relation.value
        for evidence in relation.evidence:
            about = found.setdefault(evidence_ref(evidence), (evidence, []))[1]
            if isinstance(subject, EntityRef) and subject not in about:
                about.append(subject)
    quotes = []
    for iri, (evidence, about) in found.items():
        text = texts.get(evidence.document.id)
        before, after = sentence_around(text, evidence.start, evidence.end) if text else ("", "")
        quotes.append(
            Quote(
                iri,
                evidence.document,
                evidence.quote,
                evidence.start,
                evidence.end,
                before,
                after,
                tuple(about),
                iri in own,
            )
        )
    return tuple(sorted(quotes, key=lambda q: (not q.own, q.document.label, q.start, q.end)))


@dataclass(frozen=True, slots=True)
class Element:
    """An element of an imported data file that the entity or a fact on its page comes from,
    with the lines of the element when the page shows them."""

    file: EntityRef
    xpath: str
    line: int | None
    about: tuple[EntityRef, ...] = ()
    own: bool = False
    excerpt: XmlExcerpt | None = None


def elements_of(detail: EntityDetail) -> tuple[Element, ...]:
    """The data-file elements behind the entity and the nodes pointing at it, each once."""
    found: dict[tuple[str, str], tuple[ElementEvidence, list[EntityRef], bool]] = {}
    for element in detail.element_evidence:
        found[(element.file.id, element.xpath)] = (element, [], True)
    for relation in detail.incoming:
        for element in relation.element_evidence:
            _, about, _ = found.setdefault((element.file.id, element.xpath), (element, [], False))
            if isinstance(relation.value, EntityRef) and relation.value not in about:
                about.append(relation.value)
    items = [
        Element(e.file, e.xpath, e.line, tuple(about), own) for e, about, own in found.values()
    ]
    return tuple(sorted(items, key=lambda e: (not e.own, e.file.label, e.line or 0, e.xpath)))


def documents_quoted(detail: EntityDetail) -> list[str]:
    """The documents whose text the page needs to show its quotes in their sentence."""
    evidence = [*detail.evidence, *(e for r in detail.incoming for e in r.evidence)]
    return sorted({e.document.id for e in evidence})


# -- the neighbourhood -----------------------------------------------------------------------

#: More neighbours than this make an unreadable picture; the tables list them all.
MAX_NEIGHBOURS: Final = 36
RING_SIZES: Final = (8, 12, 16)


def neighbourhood(detail: EntityDetail, href: Any) -> dict[str, list[dict[str, Any]]]:
    """The entity and the entities it links to or is linked from, as cytoscape elements:
    nodes with a label and the page they open, edges labelled with the property."""
    nodes: dict[str, dict[str, Any]] = {
        detail.id: {
            "data": {"id": detail.id, "label": detail.label, "href": "", "centre": 1, "ring": 0}
        }
    }
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(other: EntityRef, prop: EntityRef, outgoing: bool) -> None:
        if other.slug is None or prop.id in DERIVED:  # terms, codes, closures: not neighbours
            return
        if other.id not in nodes:
            if len(nodes) > MAX_NEIGHBOURS:
                return
            nodes[other.id] = {
                "data": {"id": other.id, "label": _short(other.label), "href": href(other.id)}
            }
        source, target = (detail.id, other.id) if outgoing else (other.id, detail.id)
        key = (source, prop.id, target)
        edges.setdefault(
            key,
            {
                "data": {
                    "id": f"e{len(edges)}",
                    "source": source,
                    "target": target,
                    "label": property_name(prop),
                }
            },
        )

    for relation in detail.outgoing:
        if isinstance(relation.value, EntityRef):
            add(relation.value, relation.property, True)
    for relation in detail.incoming:
        if isinstance(relation.value, EntityRef):
            add(relation.value, relation.property, False)
    # Rings around the entity, each holding more nodes than the one inside it.
    ring, room = 1, RING_SIZES[0]
    for node in list(nodes.values())[1:]:
        if room == 0:
            ring += 1
            room = RING_SIZES[min(ring, len(RING_SIZES)) - 1]
        node["data"]["ring"] = ring
        room -= 1
    return {"nodes": list(nodes.values()), "edges": list(edges.values())}


def _short(label: str, most: int = 40) -> str:
    return label if len(label) <= most else label[: most - 1].rsplit(" ", 1)[0] + "\u2026"


# -- documents -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Passage:
    """One quoted stretch of a document and the facts that cite it."""

    start: int
    end: int
    quote: str
    evidence: str
    number: int
    facts: tuple[EntityRef, ...]

    @property
    def anchor(self) -> str:
        return passage_id(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text: plain (``passages`` empty) or inside one or more quoted passages (their
    numbers). ``opens`` and ``closes`` list the passages that begin and end with it."""

    text: str
    passages: tuple[int, ...] = ()
    opens: tuple[Passage, ...] = ()
    closes: tuple[Passage, ...] = ()


@dataclass(frozen=True, slots=True)
class MarkedText:
    segments: tuple[Segment, ...]
    passages: tuple[Passage, ...]
    misplaced: tuple[Passage, ...] = field(default_factory=tuple)


def mark_passages(text: str, passages: Sequence[Passage]) -> MarkedText:
    """Cut ``text`` at every passage boundary, so that overlapping quotes each get their
    highlight; a passage whose offsets do not fit the text is listed apart, never guessed."""
    placed = [p for p in passages if 0 <= p.start < p.end <= len(text)]
    misplaced = tuple(p for p in passages if p not in placed)
    cuts = sorted({0, len(text), *(p.start for p in placed), *(p.end for p in placed)})
    segments = []
    for left, right in itertools.pairwise(cuts):
        covering = tuple(p.number for p in placed if p.start <= left and right <= p.end)
        opens = tuple(p for p in placed if p.start == left)
        closes = tuple(p for p in placed if p.end == right)
        segments.append(Segment(text[left:right], covering, opens, closes))
    return MarkedText(tuple(segments), tuple(placed), misplaced)
