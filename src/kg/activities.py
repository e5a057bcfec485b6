"""Who funds and who implements what where: activities with their organisations per role.

An activity is an imported IATI activity (``ck:IatiActivity``, docs/iati.md) or a curated
initiative with an organisation in one of the IATI roles, such as JICA's technical-cooperation
projects (``ck:implementedBy``). ``activities.rq`` selects those that pass the filters (its
header states each rule), sorted by label; ``activity-details.rq`` fetches the details of the
page asked for, and Python groups its rows into one ``Activity`` each.

Rules worth knowing:

* Roles are IATI's organisation roles, one property each (``ROLES``): ``funding``
  (``ck:fundedBy``), ``accountable``, ``extending``, ``implementing`` (``ck:implementedBy``),
  plus ``reporting`` (the publisher, ``ck:reportingOrganisation``). ``org`` alone matches any
  of them; ``role`` without ``org`` is refused (``check_role``).
* Places and themes are ``schema:areaServed`` and ``dcterms:subject``; an IATI activity's
  allocations add their percentage (``None`` when the file gives none, and for curated
  initiatives). ``region`` keeps activities with a place inside the region; ``applies_to``
  those with a place that is the place, inside it or contains it.
* ``year`` keeps activities whose ``schema:startDate``-``schema:endDate`` overlaps it (for IATI
  the actual dates, else the planned ones), as for fundings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from rdflib import Literal, URIRef

from kg import deadline
from kg._namespaces import CK, slug_of
from kg._unbound import prune
from kg.entities import EntityRef, Page, sorted_refs
from kg.errors import ConfigurationError, QueryError
from kg.queries import load_query, select
from kg.stores.base import SelectResult, Store, Term, with_values

ACTIVITIES_QUERY: Final = "activities"
DETAILS_QUERY: Final = "activity-details"
#: Organisation roles (IATI OrganisationRole, plus the reporting organisation) -> property.
ROLES: Final = {
    "funding": str(CK.fundedBy),
    "accountable": str(CK.accountableOrganisation),
    "extending": str(CK.extendingOrganisation),
    "implementing": str(CK.implementedBy),
    "reporting": str(CK.reportingOrganisation),
}
_ROLE_PARTS: Final = ("funding", "accountable", "extending", "implementing", "reporting")


def check_role(org: str | None, role: str | None) -> None:
    """Refuse a role that is not one of ``ROLES``, or a role without an organisation."""
    if role is None:
        return
    if role not in ROLES:
        raise ConfigurationError(f"role={role!r} is not a role; use one of {', '.join(ROLES)}")
    if org is None:
        raise ConfigurationError(
            f"role={role} needs org=, the organisation that has that role (for example "
            f"org=jica&role={role})"
        )


@dataclass(frozen=True, slots=True)
class ActivityFilters:
    """Filters of ``activities``; entity filters are IRIs (``kg.entities.resolve`` makes them)."""

    org: str | None = None
    role: str | None = None
    region: str | None = None
    applies_to: str | None = None
    theme: str | None = None
    year: int | None = None
    status: str | None = None
    q: str | None = None

    def __post_init__(self) -> None:
        check_role(self.org, self.role)

    def bindings(self) -> dict[str, Term | None]:
        def iri(value: str | None) -> URIRef | None:
            return None if value is None else URIRef(value)

        def text(value: str | None) -> Literal | None:
            return None if value is None else Literal(value)

        return {
            "orgParam": iri(self.org),
            "roleParam": None if self.role is None else URIRef(ROLES[self.role]),
            "regionParam": iri(self.region),
            "appliesToParam": iri(self.applies_to),
            "themeParam": iri(self.theme),
            "yearParam": None if self.year is None else Literal(self.year),
            "statusParam": text(self.status),
            "q": text(self.q),
        }


@dataclass(frozen=True, slots=True)
class Share:
    """A place or theme of an activity, with its allocation percentage when the file gives one."""

    item: EntityRef
    percentage: Decimal | None


@dataclass(frozen=True, slots=True)
class ActivityPeriod:
    """``start``/``end`` (schema:startDate/endDate) and, for IATI, the planned and actual dates."""

    start: str | None = None
    end: str | None = None
    planned_start: str | None = None
    actual_start: str | None = None
    planned_end: str | None = None
    actual_end: str | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """Who funds, manages and carries out one activity, where, about what."""

    id: str
    slug: str | None
    label: str
    kind: str
    types: tuple[EntityRef, ...]
    iati_identifier: str | None
    status: EntityRef | None
    period: ActivityPeriod
    funders: tuple[EntityRef, ...]
    accountable: tuple[EntityRef, ...]
    extending: tuple[EntityRef, ...]
    implementers: tuple[EntityRef, ...]
    reporting: tuple[EntityRef, ...]
    places: tuple[Share, ...]
    themes: tuple[Share, ...]
    sources: tuple[EntityRef, ...]
    evidence_count: int


@dataclass(slots=True)
class _Builder:
    row: dict[str, Term]
    fields: dict[str, str] = field(default_factory=dict)
    parts: dict[str, dict[str, EntityRef]] = field(default_factory=dict)
    #: allocation -> (part and item, percentage): an allocation counts once however many rows
    #: repeat it.
    allocations: dict[str, tuple[str, Decimal]] = field(default_factory=dict)
    evidence: set[str] = field(default_factory=set)


def activities(
    store: Store, filters: ActivityFilters = ActivityFilters(), *, limit: int = 50, offset: int = 0
) -> Page[Activity]:
    """The activities that pass ``filters``, sorted by label: one page, whose details alone
    are fetched.

    ``activities.rq`` runs twice, without the filters left unbound (``kg._unbound``): counted,
    and cut to the page. Fetching every selected IRI to count them in Python cost more than
    the selection itself at 1M triples (each row becomes Python objects)."""
    if limit < 1 or offset < 0:
        raise ConfigurationError(
            f"limit must be at least 1 and offset at least 0, not {limit}, {offset}"
        )
    selection = _selection(filters)
    counted = _run(store, "SELECT (COUNT(*) AS ?total) WHERE {\n{\n" + selection + "\n}\n}")
    total = int(str(counted.rows[0][0])) if counted.rows and counted.rows[0][0] else 0
    page: list[Term] = []
    if offset < total:
        cut = _run(store, f"{selection}\nLIMIT {int(limit)} OFFSET {int(offset)}\n")
        page = [row[0] for row in cut.rows if row[0]]
    builders: dict[str, _Builder] = {}
    if page:
        # One query per activity: see the header of activity-details.rq.
        for iri in page:
            for row in select(store, DETAILS_QUERY, constants={"activity": iri}).dicts():
                builder = builders.setdefault(str(iri), _Builder(row))
                _add(builder, row)
    items = tuple(_activity(str(i), builders[str(i)]) for i in page if str(i) in builders)
    return Page(items, total, limit, offset)


def _selection(filters: ActivityFilters) -> str:
    """``activities.rq`` with the bound filters' values written in, the others left out."""
    given = {k: v for k, v in filters.bindings().items() if v is not None}
    return with_values(prune(load_query(ACTIVITIES_QUERY), given), given)


def _run(store: Store, sparql: str) -> SelectResult:
    """A SELECT made from ``activities.rq``, unless the request's deadline has passed."""
    deadline.check()
    result = store.query(sparql)
    if not isinstance(result, SelectResult):
        raise QueryError(f"queries/{ACTIVITIES_QUERY}.rq is not a SELECT query")
    return result


#: Parts of activity-details.rq that carry a literal (?value) rather than an entity (?item).
_FIELDS: Final = (
    "identifier",
    "start",
    "end",
    "plannedStart",
    "actualStart",
    "plannedEnd",
    "actualEnd",
)


def _add(builder: _Builder, row: dict[str, Term]) -> None:
    part = str(row.get("part", ""))
    if not part:
        return
    if part in _FIELDS:
        builder.fields[part] = str(row["value"])
        return
    if part == "evidence":
        builder.evidence.add(str(row["evidence"]))
        part = "source"
    item = EntityRef.of(row["item"], row.get("itemLabel"))
    builder.parts.setdefault(part, {})[item.id] = item
    if part in ("place", "theme") and "percentage" in row and "allocation" in row:
        builder.allocations[str(row["allocation"])] = (
            f"{part} {item.id}",
            Decimal(str(row["percentage"])),
        )


def _activity(iri: str, b: _Builder) -> Activity:
    row = b.row

    def text(name: str) -> str | None:
        return b.fields.get(name)

    def refs(part: str) -> tuple[EntityRef, ...]:
        return sorted_refs(b.parts.get(part, {}).values())

    percentages: dict[str, Decimal] = {}
    for key, percentage in b.allocations.values():
        percentages[key] = percentages.get(key, Decimal(0)) + percentage

    def shares(part: str) -> tuple[Share, ...]:
        return tuple(Share(ref, percentages.get(f"{part} {ref.id}")) for ref in refs(part))

    return Activity(
        id=iri,
        slug=slug_of(iri),
        label=str(row["label"]),
        kind="initiative",
        types=tuple(sorted(b.parts.get("type", {}).values(), key=lambda t: t.id)),
        iati_identifier=text("identifier"),
        status=next(iter(refs("status")), None),
        period=ActivityPeriod(
            text("start"),
            text("end"),
            text("plannedStart"),
            text("actualStart"),
            text("plannedEnd"),
            text("actualEnd"),
        ),
        funders=refs("funding"),
        accountable=refs("accountable"),
        extending=refs("extending"),
        implementers=refs("implementing"),
        reporting=refs("reporting"),
        places=shares("place"),
        themes=shares("theme"),
        sources=refs("source"),
        evidence_count=len(b.evidence),
    )
