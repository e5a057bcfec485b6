"""Pledged against delivered: what a pledge or commitment in a document promised, beside the money
reported for it in IATI.

A curator links a pledge (a curated ``ck:Funding``) to what delivers it with a ``ck:Delivery``
(``ck:pledge``, ``ck:deliveredBy`` an IATI activity or transaction, evidence, a comment).
``pledge-delivery.rq`` returns those links, ``delivery-transactions.rq`` (once per delivered
item, for the pledges of the page only) the transactions each stands for (a linked activity
stands for all its transactions); ``funding-details.rq`` the pledge itself. Python adds the
transactions up:

* ``committed``: transaction types 2 (outgoing commitment) and 11 (incoming commitment);
  ``disbursed``: type 3; ``expenditure``: type 4; ``spent`` = disbursed + expenditure. Other
  types (incoming funds, repayments...) are counted in ``other_transactions`` and not summed.
* Per currency, never added across currencies, and per calendar year of the transaction date
  (else of the value date; ``None`` when neither is given). A transaction linked twice (its
  activity and itself) counts once.
* With ``convert``, each transaction is converted at the rate of its value date
  (``kg.currency``); what cannot be converted stays in its own currency and is listed with the
  reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from rdflib import URIRef

from kg import currency, fundings
from kg._namespaces import slug_of
from kg.entities import EntityRef, Page
from kg.errors import ConfigurationError, NotFoundError
from kg.fundings import Funding, FundingConversion
from kg.queries import select
from kg.stores.base import Store, Term

DELIVERY_QUERY: Final = "pledge-delivery"
TRANSACTIONS_QUERY: Final = "delivery-transactions"
COMMITTED: Final = frozenset({"2", "11"})
DISBURSED: Final = frozenset({"3"})
EXPENDITURE: Final = frozenset({"4"})


@dataclass(frozen=True, slots=True)
class Delivery:
    """One curator's link: what delivers the pledge, and why the curator says so."""

    id: str
    slug: str | None
    label: str
    comment: str | None
    delivered_by: tuple[EntityRef, ...]


@dataclass(frozen=True, slots=True)
class Flow:
    """Sums of the delivering transactions in one currency (and one year, in ``by_year``)."""

    currency: str
    year: int | None
    committed: Decimal
    disbursed: Decimal
    expenditure: Decimal
    spent: Decimal
    transactions: int


@dataclass(frozen=True, slots=True)
class PledgeDelivery:
    """A pledge, the links to what delivers it, and the delivering transactions' sums."""

    pledge: Funding
    deliveries: tuple[Delivery, ...]
    transactions: int
    other_transactions: int
    totals: tuple[Flow, ...]
    by_year: tuple[Flow, ...]
    conversions: tuple[FundingConversion, ...] | None = None


@dataclass(slots=True)
class _Sums:
    committed: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)
    expenditure: Decimal = Decimal(0)
    transactions: set[str] = field(default_factory=set)

    def add(self, transaction: str, code: str, value: Decimal) -> None:
        self.transactions.add(transaction)
        if code in COMMITTED:
            self.committed += value
        elif code in DISBURSED:
            self.disbursed += value
        elif code in EXPENDITURE:
            self.expenditure += value

    def flow(self, currency: str, year: int | None) -> Flow:
        spent = self.disbursed + self.expenditure
        counted = len(self.transactions)
        return Flow(
            currency, year, self.committed, self.disbursed, self.expenditure, spent, counted
        )


def pledge_delivery(store: Store, pledge: str, *, convert: str | None = None) -> PledgeDelivery:
    """The delivery of one pledge (an IRI); ``NotFoundError`` when it is not a funding. A
    funding nobody linked has no deliveries and zero sums."""
    into = None if convert is None else currency.target(convert)
    found = fundings.by_id(store, [pledge], convert=into)
    if not found:
        raise NotFoundError(
            f"{pledge} is not a funding (a pledge, contribution or commitment); "
            "/api/fundings?type=pledge lists the pledges"
        )
    links = list(select(store, DELIVERY_QUERY, {"pledge": URIRef(pledge)}).dicts())
    return _delivery(found[0], _with_transactions(store, links), into)


def deliveries(
    store: Store, *, convert: str | None = None, limit: int = 50, offset: int = 0
) -> Page[PledgeDelivery]:
    """The delivery of every pledge that has one, sorted by the pledge's label."""
    if limit < 1 or offset < 0:
        raise ConfigurationError(
            f"limit must be at least 1 and offset at least 0, not {limit}, {offset}"
        )
    into = None if convert is None else currency.target(convert)
    by_pledge: dict[str, list[dict[str, Term]]] = {}
    for row in select(store, DELIVERY_QUERY).dicts():
        by_pledge.setdefault(str(row["pledge"]), []).append(row)
    pledges = fundings.by_id(store, sorted(by_pledge), convert=into)
    pledges.sort(key=lambda f: (f.label.casefold(), f.id))
    page = pledges[offset : offset + limit]
    items = tuple(_delivery(p, _with_transactions(store, by_pledge[p.id]), into) for p in page)
    return Page(items, len(pledges), limit, offset)


def _with_transactions(store: Store, links: Sequence[dict[str, Term]]) -> list[dict[str, Term]]:
    """Rows of ``pledge-delivery.rq`` joined to the transactions each delivered item stands
    for (``delivery-transactions.rq``, one query per item: see its header); a link without
    transactions stays one row."""
    found: dict[str, list[dict[str, Term]]] = {}
    for link in links:
        item = link["deliveredBy"]
        if str(item) not in found:
            found[str(item)] = list(
                select(store, TRANSACTIONS_QUERY, constants={"item": item}).dicts()
            )
    rows: list[dict[str, Term]] = []
    for link in links:
        transactions = found[str(link["deliveredBy"])]
        if transactions:
            rows.extend({**link, **t} for t in transactions)
        else:
            rows.append(link)
    return rows


def _delivery(pledge: Funding, rows: Sequence[dict[str, Term]], into: str | None) -> PledgeDelivery:
    links: dict[str, tuple[dict[str, Term], dict[str, EntityRef]]] = {}
    transactions: dict[str, dict[str, Term]] = {}
    for row in rows:
        link = links.setdefault(str(row["delivery"]), (row, {}))
        by = EntityRef.of(row["deliveredBy"], row.get("deliveredByLabel"))
        link[1][by.id] = by
        if "transaction" in row and "code" in row:
            transactions.setdefault(str(row["transaction"]), row)
    totals: dict[str, _Sums] = {}
    years: dict[tuple[int | None, str], _Sums] = {}
    conversions: list[FundingConversion] = []
    other = 0
    for iri, row in sorted(transactions.items()):
        code = str(row["code"])
        if code not in COMMITTED | DISBURSED | EXPENDITURE:
            other += 1
            continue
        if "value" not in row or "currency" not in row:
            continue
        value, code_of = Decimal(str(row["value"])), str(row["currency"])
        date = str(row.get("transactionDate", row.get("valueDate", ""))) or None
        if into is not None:
            conversion = currency.convert(
                value,
                code_of,
                into,
                value_date=_text(row.get("valueDate")),
                start_date=_text(row.get("transactionDate")),
            )
            conversions.append(
                FundingConversion(EntityRef.of(iri, row.get("transactionLabel")), conversion)
            )
            if conversion.value is not None:
                value, code_of = conversion.value, into
        year = int(date[:4]) if date and date[:4].isdigit() else None
        totals.setdefault(code_of, _Sums()).add(iri, code, value)
        years.setdefault((year, code_of), _Sums()).add(iri, code, value)
    return PledgeDelivery(
        pledge=pledge,
        deliveries=tuple(
            Delivery(
                id=iri,
                slug=slug_of(iri),
                label=str(head.get("deliveryLabel", EntityRef.of(iri).label)),
                comment=_text(head.get("comment")),
                delivered_by=tuple(sorted(by.values(), key=lambda r: r.id)),
            )
            for iri, (head, by) in sorted(links.items())
        ),
        transactions=len(transactions) - other,
        other_transactions=other,
        totals=tuple(s.flow(c, None) for c, s in sorted(totals.items())),
        by_year=tuple(
            s.flow(c, y)
            for (y, c), s in sorted(years.items(), key=lambda i: (i[0][0] is None, i[0]))
        ),
        conversions=None if into is None else tuple(conversions),
    )


def _text(term: Term | None) -> str | None:
    return None if term is None else str(term)
