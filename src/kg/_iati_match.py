"""What an IATI import finds in the store: places, themes, codes and actors, read once.

Mapping an activity must not query the store (a 100k-activity file would make millions of
queries), so ``StoreIndex.load`` reads every lookup table in a handful of queries before the
file is read, and the mapping uses dictionaries.

``Organisations`` decides, for one file, which actor an organisation element means (docs/iati.md,
"Organisations"): its identifier (any actor in the store, except in the graph the import
replaces, since that content is going away), then an exact label or altLabel ignoring case, else
a new actor in the import graph, created once per file. A label does not match an actor whose
identifier differs from the element's ref: that is another organisation with the same name.
``mark``/``rollback`` undo what one activity added when ``--partial`` drops the activity.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg._iati_codes import Codes, v1_spellings
from kg._namespaces import CK, ID
from kg.slugs import slugify


def _rows(store: ox.Store, sparql: str) -> Iterator[tuple[str, ...]]:
    """The rows of a SELECT over the union of the graphs, as strings (unbound: "")."""
    result = store.query(sparql, prefixes=_PREFIXES, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    for solution in result:
        yield tuple("" if term is None else term.value for term in solution)


_PREFIXES = {
    "ck": str(CK),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def _label_key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class StoreIndex:
    """Lookup tables read from the store once per import."""

    countries: dict[str, str]
    """ISO 3166-1 alpha-2 (upper case) to place."""
    regions: dict[str, str]
    """DAC region code to region."""
    themes: dict[str, str]
    """DAC purpose (5 digits) or category (3 digits) code to theme."""
    codes: Codes
    identifiers: dict[str, list[tuple[str, str]]]
    """IATI organisation identifier to (actor, graph) pairs."""
    labels: dict[str, list[tuple[str, str]]]
    """Case-folded label or altLabel of an actor to (actor, graph) pairs."""
    actor_identifiers: dict[str, set[str]]
    """Actor to the identifiers it has (in any graph)."""
    code_labels: dict[str, str] = field(default_factory=dict)
    """English label of each ``ck:Code`` (names transactions: "Disbursement of ...")."""
    subjects: dict[str, frozenset[str]] = field(default_factory=dict)
    """The graphs of every ``id:org-*`` subject: slugs a new actor may not take."""

    @classmethod
    def load(cls, store: ox.Store, *, data_dir: Path) -> StoreIndex:
        """The tables, from ``store``; the 1.0x spellings from ``data_dir`` (data/iati/)."""
        countries = dict(
            _pick(_rows(store, "SELECT ?code ?p WHERE { ?p ck:iso3166Alpha2 ?code }"), str.upper)
        )
        regions = dict(_pick(_rows(store, "SELECT ?code ?r WHERE { ?r ck:dacRegionCode ?code }")))
        # A curated theme that carries the DAC code wins over the generated DAC theme.
        themes = dict(
            _pick(
                _rows(
                    store,
                    "SELECT ?code ?t ?rank WHERE { ?t a skos:Concept . "
                    "{ ?t ck:dacPurposeCode ?code BIND(0 AS ?rank) } UNION "
                    "{ ?t skos:notation ?code BIND(1 AS ?rank) } }",
                )
            )
        )
        known: dict[str, set[str]] = defaultdict(set)
        prefix = f"{ID}iati-codelist-"
        for code, scheme in _rows(store, "SELECT ?c ?s WHERE { ?c a ck:Code ; skos:inScheme ?s }"):
            if scheme.startswith(prefix):
                known[scheme[len(prefix) :]].add(code)
        code_labels = {
            code: label
            for code, label in _rows(
                store,
                "SELECT ?c ?l WHERE { ?c a ck:Code ; rdfs:label ?l "
                'FILTER LANGMATCHES(LANG(?l), "en") }',
            )
        }
        identifiers: dict[str, list[tuple[str, str]]] = defaultdict(list)
        actor_identifiers: dict[str, set[str]] = defaultdict(set)
        for actor, identifier, graph in _rows(
            store,
            "SELECT ?a ?id ?g WHERE { GRAPH ?g { ?a ck:iatiOrganisationIdentifier ?id } }",
        ):
            identifiers[identifier.strip()].append((actor, graph))
            actor_identifiers[actor].add(identifier.strip())
        labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for actor, label, graph in _rows(
            store,
            "SELECT DISTINCT ?a ?l ?g WHERE { GRAPH ?g { ?a rdfs:label|skos:altLabel ?l } "
            "?a a ?c . ?c rdfs:subClassOf* ck:Actor }",
        ):
            labels[_label_key(label)].append((actor, graph))
        subjects: dict[str, set[str]] = defaultdict(set)
        for subject, graph in _rows(
            store,
            f"SELECT DISTINCT ?s ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f'FILTER STRSTARTS(STR(?s), "{ID}org-") }}',
        ):
            subjects[subject].add(graph)
        return cls(
            countries=countries,
            regions=regions,
            themes=themes,
            codes=Codes({k: frozenset(v) for k, v in known.items()}, v1_spellings(data_dir)),
            identifiers=dict(identifiers),
            labels=dict(labels),
            actor_identifiers=dict(actor_identifiers),
            code_labels=code_labels,
            subjects={k: frozenset(v) for k, v in subjects.items()},
        )


def _pick(
    rows: Iterator[tuple[str, ...]], key: Callable[[str], str] | None = None
) -> Iterator[tuple[str, str]]:
    """(code, node) pairs, one node per code: the lowest rank, then the smallest IRI."""
    best: dict[str, tuple[str, str]] = {}
    for row in rows:
        code, node = row[0].strip(), row[1]
        if key is not None:
            code = key(code)
        rank = row[2] if len(row) > 2 else ""
        if code not in best or (rank, node) < best[code]:
            best[code] = (rank, node)
    for code, (_rank, node) in best.items():
        yield code, node


@dataclass(frozen=True, slots=True)
class Resolved:
    """Which actor an organisation element means, and what the mapping must write for it."""

    iri: str
    created: bool
    """A new actor: the mapping writes its class, label, identifier and evidence."""
    add_identifier: str | None = None
    """An identifier to add to an actor this file created without one."""


@dataclass(slots=True)
class Organisations:
    """The actors one file's organisation elements resolve to (see the module docstring)."""

    index: StoreIndex
    replaced: str
    """The graph the import replaces: what it holds does not count."""
    by_identifier: dict[str, str] = field(default_factory=dict)
    by_label: dict[str, str] = field(default_factory=dict)
    created: dict[str, str | None] = field(default_factory=dict)
    """Actors this file creates, with the identifier each has (None: none yet)."""
    matched: set[str] = field(default_factory=set)
    _journal: list[tuple[str, str, str | None]] = field(default_factory=list)

    def mark(self) -> int:
        return len(self._journal)

    def rollback(self, mark: int) -> None:
        """Forget what was added since ``mark`` (an activity dropped by --partial)."""
        while len(self._journal) > mark:
            kind, key, previous = self._journal.pop()
            if kind == "identifier":
                del self.by_identifier[key]
            elif kind == "label":
                del self.by_label[key]
            elif kind == "created":
                del self.created[key]
            elif kind == "matched":
                self.matched.discard(key)
            elif kind == "gave":
                self.created[key] = previous

    def resolve(self, ref: str | None, name: str | None) -> Resolved | None:
        """The actor for an element with this ref and name; None when it has neither."""
        if not ref and not name:
            return None
        if ref:
            found = self.by_identifier.get(ref) or self._stored_identifier(ref)
            if found is not None:
                self._note_identifier(ref, found)
                return Resolved(found, created=False)
        if name:
            key = _label_key(name)
            mine = self.by_label.get(key)
            if mine is not None and self.created.get(mine) in (None, ref):
                gave = ref if ref and self.created[mine] is None else None
                if gave:
                    self._journal.append(("gave", mine, None))
                    self.created[mine] = gave
                    self._note_identifier(gave, mine)
                return Resolved(mine, created=False, add_identifier=gave)
            found = self._stored_label(key, ref)
            if found is not None:
                if ref:
                    self._note_identifier(ref, found)
                return Resolved(found, created=False)
        iri = self._new_iri(ref, name)
        self.created[iri] = ref
        self._journal.append(("created", iri, None))
        if ref:
            self._note_identifier(ref, iri)
        if name and _label_key(name) not in self.by_label:
            self.by_label[_label_key(name)] = iri
            self._journal.append(("label", _label_key(name), None))
        return Resolved(iri, created=True)

    def _note_identifier(self, ref: str, iri: str) -> None:
        if ref not in self.by_identifier:
            self.by_identifier[ref] = iri
            self._journal.append(("identifier", ref, None))
        if iri not in self.created and iri not in self.matched:
            self.matched.add(iri)
            self._journal.append(("matched", iri, None))

    def _stored_identifier(self, ref: str) -> str | None:
        actors = sorted({a for a, g in self.index.identifiers.get(ref, ()) if g != self.replaced})
        return actors[0] if actors else None

    def _stored_label(self, key: str, ref: str | None) -> str | None:
        actors = {a for a, g in self.index.labels.get(key, ()) if g != self.replaced}
        if ref:
            # An actor known under another identifier is another organisation of that name.
            actors = {a for a in actors if not self.index.actor_identifiers.get(a, set()) - {ref}}
        if len(actors) == 1:
            found = actors.pop()
            if found not in self.created and found not in self.matched:
                self.matched.add(found)
                self._journal.append(("matched", found, None))
            return found
        return None  # unknown, or several actors of that name: which one is unknowable

    def _new_iri(self, ref: str | None, name: str | None) -> str:
        basis = ref or name or ""
        slug = slugify(basis)
        iri = f"{ID}org-{slug}" if slug else ""
        if not slug or self._taken(iri):
            iri = f"{ID}org-{slug + '-' if slug else ''}{hashlib.sha256(basis.encode()).hexdigest()[:8]}"
        return iri

    def _taken(self, iri: str) -> bool:
        if iri in self.created:
            return True
        return bool(self.index.subjects.get(iri, frozenset()) - {self.replaced})


__all__ = ["Organisations", "Resolved", "StoreIndex"]
