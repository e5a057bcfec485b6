"""Priority regions with their themes (the Japan-UNODC "Goals and Priorities" sections 1 and 2).

``priorities.rq`` selects and filters (its header states each rule: regions transitively
inside, narrower themes, an actor that sets the priority or takes part in the cooperation
that does); Python groups its rows into one ``Priority`` each.

``region`` keeps priorities for places inside the region (Myanmar's counts for Southeast Asia),
as the region filters of fundings and activities do; ``applies_to`` keeps those that apply to a
place: for the place itself, for a place inside it, or for a region that contains it, so the
priorities for "Afghanistan and its neighbouring countries", South Asia and the Indo-Pacific
apply to Afghanistan. ``region`` was not widened to mean both, so that one parameter name means
one thing in every answer and existing answers stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rdflib import URIRef

from kg._namespaces import slug_of
from kg.entities import EntityRef, Evidence, Page, Period, evidence_of, sort_evidence, sorted_refs
from kg.queries import select
from kg.stores.base import Store, Term

PRIORITIES_QUERY: Final = "priorities"
_PARTS: Final = {
    "by": "prioritised_by",
    "region": "regions",
    "theme": "themes",
    "concerns": "concerns",
}


@dataclass(frozen=True, slots=True)
class Priority:
    """Who prioritises which regions for which themes, when, and the quotes that say so."""

    id: str
    slug: str | None
    label: str
    prioritised_by: tuple[EntityRef, ...]
    regions: tuple[EntityRef, ...]
    themes: tuple[EntityRef, ...]
    concerns: tuple[EntityRef, ...]
    period: Period
    evidence: tuple[Evidence, ...]


def priorities(
    store: Store,
    *,
    region: str | None = None,
    theme: str | None = None,
    actor: str | None = None,
    applies_to: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Priority]:
    """The priorities that pass the filters (IRIs), sorted by label."""
    bindings: dict[str, Term | None] = {
        "regionParam": None if region is None else URIRef(region),
        "themeParam": None if theme is None else URIRef(theme),
        "actorParam": None if actor is None else URIRef(actor),
        "appliesToParam": None if applies_to is None else URIRef(applies_to),
    }
    found: dict[str, tuple[dict[str, Term], dict[str, dict[str, EntityRef]], list[Evidence]]] = {}
    for row in select(store, PRIORITIES_QUERY, bindings).dicts():
        _, parts, evidence = found.setdefault(
            str(row["priority"]), (row, {name: {} for name in _PARTS.values()}, [])
        )
        part = str(row.get("part", ""))
        if part == "evidence":
            evidence.append(evidence_of(row, document="item"))
        elif part in _PARTS:
            parts[_PARTS[part]][str(row["item"])] = EntityRef.of(row["item"], row.get("itemLabel"))
    items = [
        Priority(
            id=iri,
            slug=slug_of(iri),
            label=str(head["label"]),
            prioritised_by=sorted_refs(parts["prioritised_by"].values()),
            regions=sorted_refs(parts["regions"].values()),
            themes=sorted_refs(parts["themes"].values()),
            concerns=sorted_refs(parts["concerns"].values()),
            period=Period.of(head.get("start"), head.get("end")),
            evidence=sort_evidence(evidence),
        )
        for iri, (head, parts, evidence) in found.items()
    ]
    return Page.of(items, limit=limit, offset=offset)
