"""What the web pages read besides entities and fundings: how much the graph holds, where its
facts come from, the place and theme hierarchies, and the stored texts with their quoted
passages.

Each function runs one named query (``*_QUERY``) and only groups its rows, like
``kg.entities``; the pages in ``api/`` arrange the results.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rdflib import Literal, URIRef

from kg._namespaces import CK
from kg.entities import EntityRef, sorted_refs
from kg.queries import select
from kg.stores.base import Store, Term

COUNTS_QUERY: Final = "home-counts"
SOURCES_QUERY: Final = "home-sources"
PLACE_TREE_QUERY: Final = "place-tree"
THEME_TREE_QUERY: Final = "theme-tree"
TEXT_QUERY: Final = "document-text"
PASSAGES_QUERY: Final = "document-passages"
ORIGIN_QUERY: Final = "document-origin"
CHOICES_QUERY: Final = "funding-choices"
DATA_FILE_QUERY: Final = "data-file"
FILE_ELEMENTS_QUERY: Final = "file-elements"
COUNTRIES_QUERY: Final = "place-countries"
#: The kinds ``counts`` reports, in the order a page lists them.
COUNTED: Final = (
    "actor",
    "initiative",
    "region",
    "theme",
    "event",
    "document",
    "funding",
    "priority",
    "evidence",
)


def counts(store: Store) -> dict[str, int]:
    """Entities per kind (``COUNTED``), zero for a kind with none."""
    found = {kind: 0 for kind in COUNTED}
    for row in select(store, COUNTS_QUERY).dicts():
        kind = str(row["kind"])
        # home-counts.rq counts event series apart (see its header); they are events.
        kind = "event" if kind == "event series" else kind
        found[kind] = found.get(kind, 0) + int(str(row["count"]))
    return found


@dataclass(frozen=True, slots=True)
class Source:
    """A source document (quoted text) or an imported data file, with its graph and dates."""

    document: EntityRef
    data_file: bool
    graph: str
    title: str | None
    issued: str | None
    modified: str | None
    start: str | None
    end: str | None


def sources(store: Store) -> tuple[Source, ...]:
    """The curated source documents, then the imported data files, by label."""
    found: dict[str, Source] = {}
    for row in select(store, SOURCES_QUERY).dicts():
        iri = str(row["document"])
        if iri in found:
            continue

        def text(name: str, row: Mapping[str, Term] = row) -> str | None:
            return str(row[name]) if name in row else None

        found[iri] = Source(
            document=EntityRef.of(iri, row.get("label", row.get("title"))),
            data_file=str(row["class"]) == str(CK.DataFile),
            graph=str(row["graph"]),
            title=text("title"),
            issued=text("issued"),
            modified=text("modified"),
            start=text("start"),
            end=text("end"),
        )
    return tuple(found.values())


@dataclass(frozen=True, slots=True)
class TreeNode:
    """A place (or theme) and what lies directly inside (or beneath) it, recursively."""

    ref: EntityRef
    children: tuple[TreeNode, ...]

    def size(self) -> int:
        return 1 + sum(child.size() for child in self.children)


def place_tree(store: Store) -> tuple[TreeNode, ...]:
    """The containment hierarchy of places (``schema:containedInPlace``), roots first; a
    place inside two (Thailand in Southeast Asia and in the Greater Mekong) is under both."""
    return _tree(select(store, PLACE_TREE_QUERY).dicts())


def theme_tree(store: Store) -> tuple[TreeNode, ...]:
    """The theme hierarchy (``skos:broader``), top themes first."""
    return _tree(select(store, THEME_TREE_QUERY).dicts())


def _tree(rows: Iterable[Mapping[str, Term]]) -> tuple[TreeNode, ...]:
    refs: dict[str, EntityRef] = {}
    parents: dict[str, set[str]] = {}
    for row in rows:
        iri = str(row["place"])
        refs.setdefault(iri, EntityRef.of(iri, row.get("label")))
        parents.setdefault(iri, set())
        if "parent" in row:
            parents[iri].add(str(row["parent"]))
    children: dict[str, list[EntityRef]] = {}
    roots: list[EntityRef] = []
    for iri, above in parents.items():
        known = [p for p in above if p in refs and p != iri]
        for parent in known:
            children.setdefault(parent, []).append(refs[iri])
        if not known:
            roots.append(refs[iri])

    def grow(ref: EntityRef, path: frozenset[str]) -> TreeNode:
        inside = [c for c in sorted_refs(children.get(ref.id, ())) if c.id not in path]
        return TreeNode(ref, tuple(grow(c, path | {c.id}) for c in inside))

    return tuple(grow(root, frozenset({root.id})) for root in sorted_refs(roots))


def texts(store: Store, documents: Iterable[str]) -> dict[str, str]:
    """The stored text of each document that has one (IRI -> text)."""
    wanted = sorted(set(documents))
    if not wanted:
        return {}
    result = select(store, TEXT_QUERY, rows=("document", [URIRef(d) for d in wanted]))
    return {str(row["document"]): str(row["text"]) for row in result.dicts()}


@dataclass(frozen=True, slots=True)
class Origin:
    """The file a source document's text was extracted from, and how (``kg source add``)."""

    original: EntityRef
    format: str | None
    size: int | None
    sha256: str | None
    extractor: str | None
    software: str | None
    version: str | None


def origins(store: Store, document: str) -> tuple[Origin, ...]:
    """The originals ``document``'s stored text comes from (none for older records)."""
    found = []
    for row in select(store, ORIGIN_QUERY, {"document": URIRef(document)}).dicts():

        def text(name: str, row: Mapping[str, Term] = row) -> str | None:
            return str(row[name]) if name in row else None

        size = text("size")
        found.append(
            Origin(
                EntityRef.of(row["original"], row.get("label")),
                text("format"),
                int(size) if size and size.isdigit() else None,
                text("sha256"),
                text("extractor"),
                text("software"),
                text("version"),
            )
        )
    return tuple(found)


@dataclass(frozen=True, slots=True)
class QuotedPassage:
    """One piece of evidence quoting a document, and the facts derived from it."""

    evidence: str
    quote: str
    start: int
    end: int
    facts: tuple[EntityRef, ...]


def _by_evidence(
    rows: Iterable[Mapping[str, Term]],
) -> dict[str, tuple[Mapping[str, Term], tuple[EntityRef, ...]]]:
    """Rows of one piece of evidence each per fact it supports, gathered: evidence IRI -> (its
    first row, the facts sorted by label)."""
    found: dict[str, tuple[Mapping[str, Term], dict[str, EntityRef]]] = {}
    for row in rows:
        _, facts = found.setdefault(str(row["evidence"]), (row, {}))
        if "fact" in row:
            facts[str(row["fact"])] = EntityRef.of(row["fact"], row.get("factLabel"))
    return {iri: (row, sorted_refs(facts.values())) for iri, (row, facts) in found.items()}


def passages(store: Store, document: str) -> tuple[QuotedPassage, ...]:
    """Every quote of ``document`` by position, each with the facts it supports."""
    found = _by_evidence(select(store, PASSAGES_QUERY, {"document": URIRef(document)}).dicts())
    items = [
        QuotedPassage(
            evidence,
            str(row["quote"]),
            int(str(row["quoteStart"])),
            int(str(row["quoteEnd"])),
            facts,
        )
        for evidence, (row, facts) in found.items()
    ]
    return tuple(sorted(items, key=lambda p: (p.start, p.end, p.evidence)))


@dataclass(frozen=True, slots=True)
class FundingChoices:
    """What a funding form offers: the funders, the recipients and the currencies."""

    funders: tuple[EntityRef, ...]
    recipients: tuple[EntityRef, ...]
    currencies: tuple[str, ...]


def funding_choices(store: Store) -> FundingChoices:
    found: dict[str, dict[str, EntityRef]] = {"funder": {}, "recipient": {}}
    currencies: set[str] = set()
    for row in select(store, CHOICES_QUERY).dicts():
        part = str(row["part"])
        if part == "currency":
            currencies.add(str(row["item"]))
        elif part in found:
            found[part][str(row["item"])] = EntityRef.of(row["item"], row.get("label"))
    return FundingChoices(
        sorted_refs(found["funder"].values()),
        sorted_refs(found["recipient"].values()),
        tuple(sorted(currencies)),
    )


@dataclass(frozen=True, slots=True)
class Country:
    ref: EntityRef
    code: str  # UN M49, for a country the ISO 3166-1 numeric code


def countries_in(store: Store, places: Iterable[str]) -> dict[str, tuple[Country, ...]]:
    """For each place, the countries it is or holds (place IRI -> countries)."""
    wanted = sorted(set(places))
    if not wanted:
        return {}
    found: dict[str, dict[str, Country]] = {}
    for row in select(store, COUNTRIES_QUERY, rows=("place", [URIRef(p) for p in wanted])).dicts():
        country = Country(EntityRef.of(row["country"], row.get("label")), str(row["code"]))
        found.setdefault(str(row["place"]), {})[country.ref.id] = country
    return {place: tuple(countries.values()) for place, countries in found.items()}


@dataclass(frozen=True, slots=True)
class DataFile:
    """An imported data file (``ck:DataFile``): where its copy is kept and what it is."""

    ref: EntityRef
    graph: str
    title: str | None
    stored_at: str | None
    sha256: str | None
    format: str | None
    version: str | None


def data_file(store: Store, iri: str) -> DataFile | None:
    """The data file ``iri``, or None when it is no ``ck:DataFile``."""
    for row in select(store, DATA_FILE_QUERY, {"file": URIRef(iri)}).dicts():

        def text(name: str, row: Mapping[str, Term] = row) -> str | None:
            return str(row[name]) if name in row else None

        return DataFile(
            EntityRef.of(iri, row.get("label", row.get("title"))),
            str(row["graph"]),
            text("title"),
            text("storedAt"),
            text("sha256"),
            text("format"),
            text("version"),
        )
    return None


@dataclass(frozen=True, slots=True)
class FileElement:
    """An element of a data file that facts cite, and those facts."""

    evidence: str
    xpath: str
    line: int | None
    facts: tuple[EntityRef, ...]


def file_elements(store: Store, iri: str, *, line: int | None = None) -> tuple[FileElement, ...]:
    """The elements of data file ``iri`` that facts cite (only those starting on ``line``, if
    given), by line."""
    bindings: dict[str, Term | None] = {
        "file": URIRef(iri),
        "lineParam": None if line is None else Literal(line),
    }
    found = _by_evidence(select(store, FILE_ELEMENTS_QUERY, bindings).dicts())
    items = [
        FileElement(
            evidence,
            str(row["xpath"]),
            int(str(row["line"])) if "line" in row else None,
            facts,
        )
        for evidence, (row, facts) in found.items()
    ]
    return tuple(sorted(items, key=lambda e: (e.line or 0, e.xpath)))


#: The most lines of one element a page shows (an activity can run to thousands).
ELEMENT_LINES: Final = 120
_STEP: Final = re.compile(r"([A-Za-z_][\w.-]*)(?:\[\d+\])?$")


@dataclass(frozen=True, slots=True)
class XmlExcerpt:
    """The lines of one element of a stored data file, from the line it starts on."""

    first_line: int
    lines: tuple[str, ...]
    complete: bool  # False when cut at ``ELEMENT_LINES``


def xml_element(folder: Path, stored_at: str, xpath: str, line: int) -> XmlExcerpt | None:
    """The element ``xpath`` names, read as text from line ``line`` of the data file kept at
    ``folder / stored_at`` until its end tag (or ``ELEMENT_LINES`` lines); None when the file
    is not there or the path leads out of ``folder``. The file is not parsed: the lines are
    shown as they are, the way the element's evidence points at them."""
    step = _STEP.search(xpath.rstrip("/"))
    if step is None or line < 1:
        return None
    tag = step.group(1)
    base = folder.resolve()
    path = (base / stored_at).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    opening = re.compile(rf"<{re.escape(tag)}(?=[\s/>])")
    self_closing = re.compile(rf"<{re.escape(tag)}(?=[\s/>])[^<>]*/>")
    closing = re.compile(rf"</{re.escape(tag)}\s*>")
    lines: list[str] = []
    depth = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if number < line:
                continue
            lines.append(text.rstrip("\n"))
            depth += len(opening.findall(text)) - len(self_closing.findall(text))
            depth -= len(closing.findall(text))
            if depth <= 0:  # its end tag, or a self-closed element
                return _excerpt(line, lines, complete=True)
            if len(lines) >= ELEMENT_LINES:
                return _excerpt(line, lines, complete=False)
    return _excerpt(line, lines, complete=False) if lines else None


def _excerpt(line: int, lines: list[str], *, complete: bool) -> XmlExcerpt:
    """The lines without the indentation they share (the element's depth in the file)."""
    return XmlExcerpt(line, tuple(textwrap.dedent("\n".join(lines)).split("\n")), complete)
