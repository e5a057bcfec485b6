"""The JSON of the REST API (``/api``), as pydantic models: the OpenAPI schema and the encoder.

Each model mirrors a result dataclass of ``kg.entities``, ``kg.fundings`` or ``kg.priorities``
and reads it by attribute (``Model.model_validate(result)``), so the library stays free of
web concerns. Field names are camelCase in JSON (``altLabels``, ``withoutAmount``), as the
issue that specifies the API spells them.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

ID = "https://w3id.org/coop-kg/id/"
T = TypeVar("T")


class Schema(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        from_attributes=True,
    )


class EntityRef(Schema):
    """How every response points at an entity or an ontology term."""

    id: str = Field(examples=[ID + "japan"])
    slug: str | None = Field(
        examples=["japan"], description="Null for IRIs outside the entity namespace."
    )
    label: str = Field(examples=["Japan"])


class EntityItem(EntityRef):
    """An entity in a list or a search result."""

    kind: Literal["actor", "initiative", "region", "theme", "event", "document"] = Field(
        examples=["actor"],
        description="The collection it is listed in; for an entity in two (a state is an "
        "actor and a region) the first of actor, initiative, region, theme, event, document.",
    )
    types: list[EntityRef] = Field(description="Its classes.")


class ListPage(Schema, Generic[T]):
    """One page of a list: ``total`` counts every item, ``items`` holds this page."""

    items: list[T]
    total: int = Field(examples=[43])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])


class Evidence(Schema):
    """A verbatim quote from a source document, with code-point offsets into its stored text."""

    document: EntityRef
    quote: str = Field(
        examples=["Japan's contributions amounted to approximately US$2 million in 2013"]
    )
    start: int = Field(examples=[5042])
    end: int = Field(examples=[5112])


class ElementEvidence(Schema):
    """The element of an imported data file (an IATI activity file) a fact comes from."""

    file: EntityRef
    xpath: str = Field(examples=["/iati-activities/iati-activity[3]/transaction[2]"])
    line: int | None = Field(examples=[57], description="The line the element starts on.")


class LiteralValue(Schema):
    """A literal: lexical form, datatype IRI (null for plain and language-tagged text), language."""

    value: str = Field(examples=["2015"])
    datatype: str | None = Field(default=None, examples=["http://www.w3.org/2001/XMLSchema#gYear"])
    language: str | None = Field(default=None, examples=[None])


class Statement(Schema):
    property: EntityRef
    value: EntityRef | LiteralValue


class NodeValue(Schema):
    """A structured value without an IRI of its own (a schema:amount), by its statements."""

    properties: list[Statement]


class Relation(Schema):
    """A statement linking the entity and something else, with its evidence: the quotes on the
    node the statement is made on (for incoming relations the subject, often a funding,
    priority or membership; for outgoing ones the entity itself)."""

    property: EntityRef
    value: EntityRef | LiteralValue | NodeValue
    evidence: list[Evidence]
    element_evidence: list[ElementEvidence] = Field(
        default_factory=list, description="Elements of imported data files, for imported facts."
    )


class Identifier(Schema):
    property: EntityRef
    value: str = Field(examples=["JP"])


class EntityDetail(Schema):
    """One entity: its fields, every relation in both directions, and for places their
    ancestors and children."""

    id: str = Field(examples=[ID + "thailand"])
    slug: str | None = Field(examples=["thailand"])
    label: str = Field(examples=["Thailand"])
    kind: str | None = Field(examples=["region"])
    kinds: list[str] = Field(examples=[["region"]], description="Every collection it is in.")
    types: list[EntityRef]
    alt_labels: list[str] = Field(examples=[["Kingdom of Thailand"]])
    description: str | None = None
    identifiers: list[Identifier]
    same_as: list[str] = Field(examples=[["http://www.wikidata.org/entity/Q869"]])
    evidence: list[Evidence] = Field(description="Quotes on the entity itself.")
    element_evidence: list[ElementEvidence] = Field(
        default_factory=list,
        description="Elements of imported data files on the entity itself (imported entities).",
    )
    outgoing: list[Relation]
    incoming: list[Relation]
    ancestors: list[EntityRef] | None = Field(
        default=None, description="Places that contain it, transitively (places only)."
    )
    children: list[EntityRef] | None = Field(
        default=None, description="Places directly inside it (places only)."
    )


class Amount(Schema):
    value: float = Field(
        examples=[2000000.0], description="The minimum when qualifier is 'at least'."
    )
    currency: str = Field(examples=["USD"])
    qualifier: Literal["exact", "at least", "approximately"] = Field(examples=["approximately"])


class Period(Schema):
    start: str | None = Field(default=None, examples=["2013"])
    end: str | None = Field(default=None, examples=["2013"], description="Null when open.")


class Funding(Schema):
    """Who funds what where: one contribution, pledge or other funding."""

    id: str = Field(examples=[ID + "funding-japan-un-women-2013"])
    slug: str | None = Field(examples=["funding-japan-un-women-2013"])
    label: str = Field(examples=["Japan's contributions to UN Women in 2013"])
    type: EntityRef
    status: EntityRef | None = Field(description="For pledges: achieved, in progress, planned.")
    funder: EntityRef
    recipient: EntityRef | None
    initiative: EntityRef | None = Field(description="The initiative funded (schema:fundedItem).")
    amount: Amount | None = Field(description="Null when the source states no amount.")
    period: Period
    regions: list[EntityRef] = Field(
        description="Places served: the funding's own and its initiative's schema:areaServed."
    )
    themes: list[EntityRef] = Field(
        description="The funding's own and its initiative's themes (dcterms:subject)."
    )
    evidence: list[Evidence]


class Total(Schema):
    """The sum of amounts in one currency; currencies are never added together."""

    currency: str = Field(examples=["USD"])
    value: float = Field(examples=[3020000000.0])
    count: int = Field(examples=[2], description="Fundings with an amount in this currency.")
    qualifiers: list[str] = Field(
        examples=[["at least"]],
        description="How exact the summed amounts are; with 'at least' the sum is a minimum.",
    )


class Tally(Schema):
    count: int = Field(examples=[7])
    without_amount: int = Field(examples=[3], description="Fundings whose source gives no amount.")
    totals: list[Total]


class Group(Schema):
    key: dict[str, EntityRef | int | None] = Field(
        examples=[{"year": 2016}],
        description="The group's value along each dimension of by=: an entity, a year, or null "
        "(no recipient, region or theme; unknown year).",
    )
    count: int = Field(examples=[3])
    without_amount: int = Field(examples=[1])
    totals: list[Total]


class Summary(ListPage[Group]):
    """Totals per group and currency; a funding counts in every group it belongs to, so use
    ``overall`` (each funding once) for grand totals."""

    by: list[str] = Field(examples=[["year"]])
    overall: Tally


class Priority(Schema):
    """A priority: who prioritises which regions for which themes, when."""

    id: str = Field(examples=[ID + "priority-2024-2026-southeast-asia"])
    slug: str | None = Field(examples=["priority-2024-2026-southeast-asia"])
    label: str = Field(examples=["Japan\u2013UNODC priority: Southeast Asia"])
    prioritised_by: list[EntityRef]
    regions: list[EntityRef]
    themes: list[EntityRef]
    concerns: list[EntityRef] = Field(description="What else it concerns (ck:concerns).")
    period: Period
    evidence: list[Evidence]


class QueryInfo(Schema):
    """A named SPARQL query that computes REST answers."""

    name: str = Field(examples=["fundings"])
    href: str = Field(examples=["/api/queries/fundings"])
    summary: str = Field(
        examples=["Who funds what where (/api/fundings and /api/fundings/summary)"]
    )
