"""Map one IATI activity element to N-Triples lines, as docs/iati.md says.

One ``ActivityMapper`` serves one file: it knows the file's node, the version's spellings, the
store's lookup tables and the file's organisations. ``activity()`` returns the activity's
triples, or raises ``MalformedActivity`` with every problem found in it (with lines), so a
report names all that is wrong at once.

What makes an activity malformed is what cannot be written without guessing: no
iati-identifier, a value that is not a number or has no currency, a date that is not a date, a
transaction without a known type, a percentage outside 0-100. Codes that are well-formed but not
ours to place (a publisher's own sector vocabulary, an unknown country code) are not errors:
they are kept as ``ck:unmatchedCode`` and counted.

Names are read the same way in every version: the ``narrative`` children (2.0x) or, when there
are none, the element's own text (1.0x). Elements with no content at all (``<sector/>``, which
early publishers wrote as placeholders) are skipped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from lxml import etree

from kg import _ntriples as nt
from kg._iati_match import Organisations, StoreIndex
from kg._namespaces import CK, DCTERMS, ID, OA, PROV, SCHEMA
from kg._safe_xml import Item
from kg.slugs import slugify

XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"

#: Elements whose lines the mapping cites (besides the activity itself).
TRACKED: Final = (
    "transaction",
    "budget",
    "budget-planned",
    "participating-org",
    "reporting-org",
    "recipient-country",
    "recipient-region",
    "sector",
    "provider-org",
    "receiver-org",
)

_RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
A: Final = nt.iri(_RDF + "type")
LABEL: Final = nt.iri(_RDFS + "label")
_P: Final = {
    name: nt.iri(str(ns[name.split(":")[1]]))
    for ns, names in (
        (
            CK,
            (
                "ck:iatiIdentifier",
                "ck:activityStatus",
                "ck:plannedStartDate",
                "ck:actualStartDate",
                "ck:plannedEndDate",
                "ck:actualEndDate",
                "ck:reportingOrganisation",
                "ck:fundedBy",
                "ck:accountableOrganisation",
                "ck:extendingOrganisation",
                "ck:implementedBy",
                "ck:participant",
                "ck:allocation",
                "ck:allocatedTo",
                "ck:percentage",
                "ck:unmatchedCode",
                "ck:aidType",
                "ck:financeType",
                "ck:flowType",
                "ck:transactionType",
                "ck:budgetType",
                "ck:valueQualifier",
                "ck:valueDate",
                "ck:transactionDate",
                "ck:recipient",
                "ck:iatiOrganisationIdentifier",
                "ck:organisationType",
                "ck:line",
            ),
        ),
        (
            SCHEMA,
            (
                "schema:description",
                "schema:startDate",
                "schema:endDate",
                "schema:areaServed",
                "schema:fundedItem",
                "schema:funder",
                "schema:amount",
                "schema:value",
                "schema:currency",
            ),
        ),
        (DCTERMS, ("dcterms:title", "dcterms:source", "dcterms:subject", "dcterms:identifier")),
        (PROV, ("prov:wasDerivedFrom",)),
        (OA, ("oa:hasSource", "oa:hasSelector")),
    )
    for name in names
}
_C: Final = {
    name: nt.iri(str(CK[name]))
    for name in (
        "IatiActivity",
        "Transaction",
        "Budget",
        "Allocation",
        "ElementEvidence",
        "Exact",
        "GovernmentBody",
        "InternationalOrganization",
        "NonGovernmentalOrganization",
        "Organization",
    )
}
_MONETARY_AMOUNT: Final = nt.iri(str(SCHEMA.MonetaryAmount))
_XPATH_SELECTOR: Final = nt.iri(str(OA.XPathSelector))
_RDF_VALUE: Final = nt.iri(_RDF + "value")

#: IATI role code to the property that links an activity to the organisation.
ROLE_PROPERTIES: Final = {
    "1": "ck:fundedBy",
    "2": "ck:accountableOrganisation",
    "3": "ck:extendingOrganisation",
    "4": "ck:implementedBy",
}
#: IATI organisation type code to the class of an actor the import creates.
_ORGANISATION_CLASSES: Final = {
    **dict.fromkeys(("10", "11", "15"), "GovernmentBody"),
    "40": "InternationalOrganization",
    **dict.fromkeys(
        ("21", "22", "23", "24", "60", "70", "71", "72", "73", "80", "90"),
        "NonGovernmentalOrganization",
    ),
}
#: Activity date type code to property; 1.0x drafts' bare "start"/"end" only set schema: dates.
_DATE_PROPERTIES: Final = {
    "1": "ck:plannedStartDate",
    "2": "ck:actualStartDate",
    "3": "ck:plannedEndDate",
    "4": "ck:actualEndDate",
}
_GENERIC_DATES: Final = {"start": "start", "end": "end", "completion": "end"}
_DECIMAL: Final = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_DATE: Final = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|T|Z|[+-]\d{2}:\d{2}$)")
_CURRENCY: Final = re.compile(r"^[A-Z]{3}$")


def activity_slug(identifier: str) -> str:
    """``iati-{slug}``, plus 8 hex digits of the identifier's sha256 when the slug loses
    something beyond case (``NL-1-PPR.1`` and ``NL-1-PPR-1`` stay apart)."""
    slug = slugify(identifier)
    base = f"iati-{slug}" if slug else "iati"
    if slug != identifier.lower():
        base += "-" + hashlib.sha256(identifier.encode()).hexdigest()[:8]
    return base


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    message: str


class MalformedActivity(Exception):
    """An activity that cannot be mapped; ``problems`` lists each reason with its line."""

    def __init__(self, identifier: str | None, line: int, problems: list[Problem]) -> None:
        self.identifier = identifier
        self.line = line
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))

    def report(self, file: str) -> list[str]:
        """One ``file:line: activity ID: message`` line per problem."""
        who = f"activity {self.identifier}" if self.identifier else "activity without identifier"
        return [f"{file}:{p.line}: {who}: {p.message}" for p in self.problems]


@dataclass(slots=True)
class Tally:
    """What the mapped activities hold, for the summary."""

    activities: int = 0
    transactions: int = 0
    budgets: int = 0
    places_unmatched: int = 0
    sectors_unmatched: int = 0

    def add(self, other: Tally) -> None:
        self.activities += other.activities
        self.transactions += other.transactions
        self.budgets += other.budgets
        self.places_unmatched += other.places_unmatched
        self.sectors_unmatched += other.sectors_unmatched


@dataclass(slots=True)
class _Allocation:
    target: str
    percentage: Decimal | None
    evidence: list[str] = field(default_factory=list)
    line: int = 0


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()


def _empty(element: etree._Element) -> bool:
    """A placeholder: no non-empty attribute, no text, no children."""
    return (
        len(element) == 0
        and not _text(element)
        and not any(v.strip() for v in element.attrib.values())
    )


def _date(text: str | None) -> str | None:
    """The xsd:date in an ISO date (a time or zone after it is dropped); None when not one."""
    found = _DATE.match((text or "").strip())
    if found is None:
        return None
    try:
        return date.fromisoformat(found.group(1)).isoformat()
    except ValueError:
        return None


def _decimal(text: str | None) -> str | None:
    """An xsd:decimal lexical form of ``text``; None when it is not a finite number."""
    text = (text or "").strip()
    if _DECIMAL.match(text):
        return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return format(number, "f") if number.is_finite() else None


class ActivityMapper:
    """Maps the activities of one file (see the module docstring)."""

    def __init__(
        self,
        *,
        file_iri: str,
        document_slug: str,
        version: str,
        index: StoreIndex,
        organisations: Organisations,
    ) -> None:
        self.file = nt.iri(file_iri)
        self.evidence_base = f"{ID}evidence/{document_slug}/"
        self.v1 = not version.strip().startswith("2")
        self.index = index
        self.codes = index.codes
        self.organisations = organisations
        self.seen: dict[str, int] = {}
        self.blanks = 0

    def activity(self, item: Item) -> tuple[list[str], Tally]:
        """The activity's N-Triples lines and what they hold; ``MalformedActivity`` when it
        cannot be mapped."""
        element = item.element
        line = item.line(element)
        identifier = ""
        for child in element:
            if child.tag == "iati-identifier":
                identifier = _text(child)
                break
        published = bool(identifier)
        if not published:
            identifier = _publisher_identifier(element)
        if not identifier:
            raise MalformedActivity(
                None, line, [Problem(line, "no iati-identifier and no other-identifier")]
            )
        writer = _ActivityWriter(self, item, identifier, published=published)
        first = self.seen.setdefault(identifier, line)
        if first != line:
            writer.problem(line, f"the file has this iati-identifier twice (first on line {first})")
        writer.write()
        if writer.problems:
            raise MalformedActivity(identifier, line, writer.problems)
        return writer.out, writer.tally

    def code(self, element: etree._Element) -> str | None:
        """An element's code: ``@code``, or in a 1.0x file the ``@ref`` early drafts used."""
        code = element.get("code")
        if (code is None or not code.strip()) and self.v1:
            code = element.get("ref")
        return code.strip() if code and code.strip() else None

    def place_or_theme(self, child: etree._Element) -> tuple[str | None, str, str]:
        """(target or None, allocation key, unmatched text) of a country, region or sector."""
        tag = child.tag
        code = self.code(child) or ""
        vocabulary = (child.get("vocabulary") or "").strip()
        if tag == "recipient-country":
            if not code:
                return None, "", f"country name:{_name(_narratives(child, None)) or ''}"
            found = self.index.countries.get(code.upper())
            return found, f"country-{slugify(code)}", f"country {code}"
        if tag == "recipient-region":
            vocabulary = vocabulary or "1"
            found = self.index.regions.get(code) if vocabulary == "1" and code else None
            return found, f"region-{slugify(code)}", f"region {vocabulary}:{code}"
        if self.v1:
            vocabulary = (
                self.codes.normalise("sector-vocabulary", vocabulary or "dac", v1=True) or ""
            )
        vocabulary = vocabulary or "1"
        found = self.index.themes.get(code) if vocabulary in ("1", "2") and code else None
        return found, f"sector-{slugify(code)}", f"sector {vocabulary}:{code}"


def _publisher_identifier(element: etree._Element) -> str:
    """The key of an activity that has no ``iati-identifier``, as pre-1.01 drafts publish
    them (the World Bank, DFID and UNDP samples): the publisher's own ``other-identifier``,
    prefixed by its owner (``owner-ref``, else ``owner-name``) so two publishers' numbers stay
    apart; "" when there is none. It is kept as ``dcterms:identifier``, never as
    ``ck:iatiIdentifier``: the file does not say it is one."""
    for child in element:
        if child.tag != "other-identifier":
            continue
        text = _text(child)
        if not text:
            continue
        owner = (child.get("owner-ref") or "").strip() or (child.get("owner-name") or "").strip()
        return f"{owner} {text}" if owner else text
    return ""


def _narratives(element: etree._Element, fallback: str | None) -> list[tuple[str, str | None]]:
    """(text, language) of each narrative, or of the element's own text (1.0x)."""
    found: list[tuple[str, str | None]] = []
    has_narratives = False
    for child in element:
        if child.tag == "narrative":
            has_narratives = True
            text = _text(child)
            if text:
                found.append((text, nt.language(child.get(XML_LANG)) or fallback))
    if not has_narratives:
        text = _text(element)
        if text:
            found.append((text, nt.language(element.get(XML_LANG)) or fallback))
    return found


def _name(narratives: list[tuple[str, str | None]]) -> str | None:
    """A display name: the English narrative, else the first, whitespace collapsed."""
    if not narratives:
        return None
    english = [t for t, lang in narratives if lang and lang.split("-")[0] == "en"]
    return " ".join((english[0] if english else narratives[0][0]).split())


class _ActivityWriter:
    """The triples of one activity, written in one pass over its children."""

    def __init__(
        self, mapper: ActivityMapper, item: Item, identifier: str, *, published: bool = True
    ) -> None:
        self.mapper = mapper
        self.published = published
        self.codes = mapper.codes
        self.v1 = mapper.v1
        self.item = item
        self.identifier = identifier
        self.slug = activity_slug(identifier)
        self.subject = nt.iri(f"{ID}{self.slug}")
        self.here = f"activity-{item.position}"
        self.xpath = f"/iati-activities/iati-activity[{item.position}]"
        element = item.element
        self.language = nt.language(element.get(XML_LANG))
        self.currency = (element.get("default-currency") or "").strip()
        self.out: list[str] = []
        self.problems: list[Problem] = []
        self.tally = Tally(activities=1)
        self.budgets = 0

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def add(self, s: str, p: str, o: str) -> None:
        self.out.append(f"{s} {p} {o} .\n")

    def blank(self) -> str:
        self.mapper.blanks += 1
        # Labels only need to be unique within one load: pyoxigraph gives every loaded document
        # fresh blank nodes, and an activity's blank nodes never span two pieces.
        return f"_:b{self.mapper.blanks}"

    def evidence(self, slug: str, path: str, line: int) -> str:
        """An element evidence node for the element at ``path``."""
        node = nt.iri(f"{self.mapper.evidence_base}{slug}")
        selector = self.blank()
        add = self.add
        add(node, A, _C["ElementEvidence"])
        add(node, _P["oa:hasSource"], self.mapper.file)
        add(node, _P["oa:hasSelector"], selector)
        add(node, _P["ck:line"], nt.typed(str(line), "integer"))
        add(selector, A, _XPATH_SELECTOR)
        add(selector, _RDF_VALUE, nt.string(path))
        return node

    def write(self) -> None:
        item, subject, add = self.item, self.subject, self.add
        line = item.line(item.element)
        add(subject, A, _C["IatiActivity"])
        identifier = "ck:iatiIdentifier" if self.published else "dcterms:identifier"
        add(subject, _P[identifier], nt.string(self.identifier))
        add(subject, _P["dcterms:source"], self.mapper.file)
        add(subject, _P["prov:wasDerivedFrom"], self.evidence(self.here, self.xpath, line))
        titles: list[tuple[str, str | None]] = []
        dates: dict[str, str] = {}
        allocations: dict[str, _Allocation] = {}
        counts: dict[str, int] = {}
        reporting = False
        for child in item.element:
            tag = child.tag
            if not isinstance(tag, str) or tag == "iati-identifier" or _empty(child):
                continue
            n = counts[tag] = counts.get(tag, 0) + 1
            at = item.lines.get(child) or line
            if tag == "title":
                titles.extend(_narratives(child, self.language))
            elif tag == "description":
                for text, lang in _narratives(child, self.language):
                    add(subject, _P["schema:description"], nt.tagged(text, lang))
            elif tag == "activity-status":
                self.coded("activity-status", "ck:activityStatus", child, subject)
            elif tag == "activity-date":
                self.activity_date(child, at, dates)
            elif tag == "reporting-org":
                node = self.organisation(
                    child, f"{self.here}-{tag}-{n}", f"{self.xpath}/{tag}[{n}]"
                )
                if node is not None and not reporting:
                    add(subject, _P["ck:reportingOrganisation"], node)
                    reporting = True
            elif tag == "participating-org":
                self.participant(child, n)
            elif tag in ("recipient-country", "recipient-region", "sector"):
                self.allocation(child, tag, n, at, allocations)
            elif tag == "default-aid-type":
                self.coded("aid-type", "ck:aidType", child, subject)
            elif tag == "default-finance-type":
                self.coded("finance-type", "ck:financeType", child, subject)
            elif tag == "default-flow-type":
                self.coded("flow-type", "ck:flowType", child, subject)
            elif tag == "transaction":
                self.transaction(child, n, at)
            elif tag == "budget" or (tag == "budget-planned" and self.v1):
                # Drafts before 1.01 called budgets budget-planned.
                self.budget(child, tag, n, at)
        add(subject, LABEL, nt.tagged(_name(titles) or self.identifier, "en"))
        for text, lang in titles:
            add(subject, _P["dcterms:title"], nt.tagged(text, lang))
        self.dates(dates)
        self.allocations(allocations, line)

    # --- parts of an activity ------------------------------------------------------------------

    def coded(self, codelist: str, prop: str, child: etree._Element, on: str) -> None:
        """A codelist value (of vocabulary 1, the IATI codelist) on the activity or a
        transaction; any other is kept as an unmatched code."""
        code = self.mapper.code(child)
        if code is None:
            return
        vocabulary = (child.get("vocabulary") or "1").strip()
        found = self.codes.iri(codelist, code, v1=self.v1) if vocabulary == "1" else None
        if found:
            self.add(on, _P[prop], nt.iri(found))
        else:
            shown = code if vocabulary == "1" else f"{vocabulary}:{code}"
            self.add(on, _P["ck:unmatchedCode"], nt.string(f"{codelist} {shown}"))

    def when(self, child: etree._Element, what: str, line: int) -> str | None:
        """The date of ``@iso-date`` (or, in early 1.0x files, the text); None if absent."""
        raw = child.get("iso-date")
        if raw is None or not raw.strip():
            raw = child.text
        if raw is None or not raw.strip():
            return None
        parsed = _date(raw)
        if parsed is None:
            self.problem(line, f"{what} {raw.strip()!r} is not a date")
        return parsed

    def activity_date(self, child: etree._Element, line: int, dates: dict[str, str]) -> None:
        kind = self.codes.normalise("activity-date-type", child.get("type"), v1=self.v1)
        parsed = self.when(child, "activity-date", line)
        if parsed is None or kind is None:
            return
        key = _DATE_PROPERTIES.get(kind) or _GENERIC_DATES.get(kind.casefold())
        if key is not None:
            dates.setdefault(key, parsed)

    def dates(self, dates: dict[str, str]) -> None:
        """The four IATI dates, and schema:startDate/endDate as the actual date when there is
        one, else the planned one."""
        subject = self.subject
        for key, value in dates.items():
            if key.startswith("ck:"):
                self.add(subject, _P[key], nt.typed(value, "date"))
        start = dates.get("ck:actualStartDate") or dates.get("ck:plannedStartDate")
        start = start or dates.get("start")
        end = dates.get("ck:actualEndDate") or dates.get("ck:plannedEndDate") or dates.get("end")
        if start:
            self.add(subject, _P["schema:startDate"], nt.typed(start, "date"))
        # An actual start after the planned end would make an end before the start: the
        # four dates above keep what the file says.
        if end and not (start and end < start):
            self.add(subject, _P["schema:endDate"], nt.typed(end, "date"))

    def organisation(self, org: etree._Element, slug: str, path: str) -> str | None:
        """The actor an organisation element names (created with its evidence when new)."""
        ref = (org.get("ref") or "").strip() or None
        name = _name(_narratives(org, None))
        resolved = self.mapper.organisations.resolve(ref, name)
        if resolved is None:
            return None
        node = nt.iri(resolved.iri)
        add = self.add
        if resolved.created:
            code = (org.get("type") or "").strip()
            add(node, A, _C[_ORGANISATION_CLASSES.get(code, "Organization")])
            add(node, LABEL, nt.tagged(name or ref or "", "en"))
            if ref:
                add(node, _P["ck:iatiOrganisationIdentifier"], nt.string(ref))
            if code:
                found = self.codes.iri("organisation-type", code, v1=self.v1)
                if found:
                    add(node, _P["ck:organisationType"], nt.iri(found))
                else:
                    add(node, _P["ck:unmatchedCode"], nt.string(f"organisation-type {code}"))
            line = self.item.line(org)
            add(node, _P["prov:wasDerivedFrom"], self.evidence(slug, path, line))
        if resolved.add_identifier:
            add(node, _P["ck:iatiOrganisationIdentifier"], nt.string(resolved.add_identifier))
        return node

    def participant(self, child: etree._Element, n: int) -> None:
        tag = "participating-org"
        node = self.organisation(child, f"{self.here}-{tag}-{n}", f"{self.xpath}/{tag}[{n}]")
        if node is None:
            return
        role = self.codes.normalise("organisation-role", child.get("role"), v1=self.v1)
        prop = ROLE_PROPERTIES.get(role or "")
        self.add(self.subject, _P[prop or "ck:participant"], node)
        if role and prop is None:
            self.add(self.subject, _P["ck:unmatchedCode"], nt.string(f"organisation-role {role}"))

    def unmatched(self, on: str, tag: str, text: str) -> None:
        self.add(on, _P["ck:unmatchedCode"], nt.string(text))
        if tag == "sector":
            self.tally.sectors_unmatched += 1
        else:
            self.tally.places_unmatched += 1

    def allocation(
        self,
        child: etree._Element,
        tag: str,
        n: int,
        line: int,
        allocations: dict[str, _Allocation],
    ) -> None:
        """A recipient country or region, or a sector, with its percentage."""
        target, key, unmatched = self.mapper.place_or_theme(child)
        if target is None:
            self.unmatched(self.subject, tag, unmatched)
            return
        percentage = child.get("percentage")
        share: Decimal | None = None
        if percentage is not None and percentage.strip():
            number = _decimal(percentage)
            if number is None or not 0 <= Decimal(number) <= 100:
                self.problem(line, f"{tag} {n}: percentage {percentage.strip()!r} is not 0-100")
                return
            share = Decimal(number)
        evidence = self.evidence(f"{self.here}-{tag}-{n}", f"{self.xpath}/{tag}[{n}]", line)
        node = f"{ID}{self.slug}-{key}"
        found = allocations.get(node)
        if found is None:
            allocations[node] = _Allocation(target, share, [evidence], line)
            prop = "dcterms:subject" if tag == "sector" else "schema:areaServed"
            self.add(self.subject, _P[prop], nt.iri(target))
        else:  # the same place or sector twice: one allocation, the shares added up
            found.evidence.append(evidence)
            if share is not None:
                found.percentage = (found.percentage or Decimal(0)) + share

    def allocations(self, allocations: dict[str, _Allocation], line: int) -> None:
        add = self.add
        for node, allocation in allocations.items():
            share = allocation.percentage
            if share is not None and share > 100:
                self.problem(
                    allocation.line, f"shares of the same place or sector add up to {share}"
                )
            ref = nt.iri(node)
            add(self.subject, _P["ck:allocation"], ref)
            add(ref, A, _C["Allocation"])
            add(ref, _P["ck:allocatedTo"], nt.iri(allocation.target))
            if share is not None:
                add(ref, _P["ck:percentage"], nt.typed(format(share, "f"), "decimal"))
            for evidence in allocation.evidence:
                add(ref, _P["prov:wasDerivedFrom"], evidence)

    def money(self, owner: str, what: str, parent: etree._Element, line: int) -> str | None:
        """The value of a transaction or budget, as a schema:MonetaryAmount; returns its
        value date."""
        value = None
        for child in parent:
            if child.tag == "value":
                value = child
                break
        if value is None or not _text(value):
            self.problem(line, f"{what} has no value")
            return None
        number = _decimal(value.text)
        if number is None:
            self.problem(line, f"{what}: value {_text(value)!r} is not a number")
            return None
        currency = ((value.get("currency") or "").strip() or self.currency).upper()
        if not currency:
            self.problem(
                line, f"{what}: value {number} has no currency and the activity no default-currency"
            )
            return None
        if not _CURRENCY.match(currency):
            self.problem(line, f"{what}: currency {currency!r} is not an ISO 4217 code")
            return None
        add = self.add
        amount = self.blank()
        add(owner, _P["schema:amount"], amount)
        add(amount, A, _MONETARY_AMOUNT)
        add(amount, _P["schema:value"], nt.typed(number, "decimal"))
        add(amount, _P["schema:currency"], nt.string(currency))
        add(amount, _P["ck:valueQualifier"], _C["Exact"])
        value_date = value.get("value-date")
        if value_date and value_date.strip():
            parsed = _date(value_date)
            if parsed is None:
                self.problem(line, f"{what}: value-date {value_date.strip()!r} is not a date")
            else:
                add(owner, _P["ck:valueDate"], nt.typed(parsed, "date"))
            return parsed
        return None

    def budget(self, child: etree._Element, tag: str, n: int, line: int) -> None:
        self.tally.budgets += 1
        number = self.budgets = self.budgets + 1
        add = self.add
        node = nt.iri(f"{ID}{self.slug}-budget-{number}")
        what = f"budget {number}"
        add(node, A, _C["Budget"])
        add(node, _P["schema:fundedItem"], self.subject)
        kind = child.get("type")
        if kind and kind.strip():
            found = self.codes.iri("budget-type", kind, v1=self.v1)
            if found:
                add(node, _P["ck:budgetType"], nt.iri(found))
            else:
                add(node, _P["ck:unmatchedCode"], nt.string(f"budget-type {kind.strip()}"))
        start = end = None
        for part in child:
            if part.tag == "period-start":
                start = self.when(part, f"{what}: period-start", line)
            elif part.tag == "period-end":
                end = self.when(part, f"{what}: period-end", line)
        if start and end and end < start:
            self.problem(line, f"{what}: period-end {end} is before period-start {start}")
        period = f", {start} to {end}" if start and end else f", from {start}" if start else ""
        add(node, LABEL, nt.tagged(f"Budget of {self.identifier}{period}", "en"))
        if start:
            add(node, _P["schema:startDate"], nt.typed(start, "date"))
        if end:
            add(node, _P["schema:endDate"], nt.typed(end, "date"))
        self.money(node, what, child, line)
        path = f"{self.xpath}/{tag}[{n}]"
        add(node, _P["prov:wasDerivedFrom"], self.evidence(f"{self.here}-{tag}-{n}", path, line))

    def transaction(self, child: etree._Element, n: int, line: int) -> None:
        self.tally.transactions += 1
        add = self.add
        node = nt.iri(f"{ID}{self.slug}-transaction-{n}")
        what = f"transaction {n}"
        path = f"{self.xpath}/transaction[{n}]"
        slug = f"{self.here}-transaction-{n}"
        add(node, A, _C["Transaction"])
        add(node, _P["schema:fundedItem"], self.subject)
        kind: str | None = None
        for part in child:
            if part.tag == "transaction-type":
                kind = self.mapper.code(part)
                break
        if kind is None and self.v1:
            kind = (child.get("type") or "").strip() or None  # early 1.0x: an attribute
        found = self.codes.iri("transaction-type", kind, v1=self.v1)
        if found is not None:
            add(node, _P["ck:transactionType"], nt.iri(found))
        elif kind is None:
            self.problem(line, f"{what} has no transaction-type")
        else:
            self.problem(line, f"{what}: type {kind!r} is not a TransactionType code")
        value_date = self.money(node, what, child, line)
        transaction_date = None
        counts: dict[str, int] = {}
        for part in child:
            tag = part.tag
            if not isinstance(tag, str) or _empty(part):
                continue
            k = counts[tag] = counts.get(tag, 0) + 1
            if tag == "transaction-date":
                parsed = self.when(part, f"{what}: transaction-date", line)
                if parsed:
                    transaction_date = transaction_date or parsed
                    add(node, _P["ck:transactionDate"], nt.typed(parsed, "date"))
            elif tag in ("provider-org", "receiver-org") and k == 1:
                org = self.organisation(part, f"{slug}-{tag}-{k}", f"{path}/{tag}[{k}]")
                if org is not None:
                    prop = "schema:funder" if tag == "provider-org" else "ck:recipient"
                    add(node, _P[prop], org)
            elif tag in ("recipient-country", "recipient-region", "sector"):
                target, _key, unmatched = self.mapper.place_or_theme(part)
                if target is None:
                    self.unmatched(node, tag, unmatched)
                else:
                    prop = "dcterms:subject" if tag == "sector" else "schema:areaServed"
                    add(node, _P[prop], nt.iri(target))
            elif tag == "aid-type":
                self.coded("aid-type", "ck:aidType", part, node)
            elif tag == "finance-type":
                self.coded("finance-type", "ck:financeType", part, node)
            elif tag == "flow-type":
                self.coded("flow-type", "ck:flowType", part, node)
        # "Disbursement of NL-1-PPR-24706, 2014-04-08": the codelist's name of the type when
        # the reference data is loaded.
        kind_name = self.mapper.index.code_labels.get(found or "", "Transaction")
        when = transaction_date or value_date
        label = f"{kind_name} of {self.identifier}" + (f", {when}" if when else "")
        add(node, LABEL, nt.tagged(label, "en"))
        add(node, _P["prov:wasDerivedFrom"], self.evidence(slug, path, line))


__all__ = [
    "TRACKED",
    "ActivityMapper",
    "MalformedActivity",
    "Problem",
    "Tally",
    "activity_slug",
]
