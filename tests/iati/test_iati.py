"""kg.iati: what an activity becomes, value by value, read from the sample files by hand.

All samples are imported once, validated, into one store (which also shows they conform
together); each test reads back one part of the mapping (docs/iati.md).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from iati_samples import (
    DFID,
    EXAMPLE,
    NETHERLANDS,
    UNDP,
    WORLD_BANK,
    import_file,
    line_of,
    needs_reference,
    select,
    values,
    with_identifiers,
)

from kg.iati_import import IatiImportResult
from kg.importer import Contract

pytestmark = needs_reference

NL1 = "id:iati-nl-1-ppr-24706"
EX = "id:iati-aa-aaa-123456789-abc123"


@pytest.fixture(scope="module")
def imported(
    iati_built: Path, contract: Contract, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict[str, IatiImportResult]]]:
    """Every sample (the drafts with identifiers added) imported, validated, into one store."""
    base = tmp_path_factory.mktemp("iati-samples")
    store_dir = base / "kg" / "store"
    shutil.copytree(iati_built, store_dir)
    folder = base / "drafts"
    folder.mkdir()
    files = [NETHERLANDS, EXAMPLE, *(with_identifiers(p, folder) for p in (DFID, UNDP, WORLD_BANK))]
    results = {p.name: import_file(store_dir, p, contract=contract) for p in files}
    yield store_dir, results


def one(store_dir: Path, subject: str, predicate: str) -> str:
    found = values(store_dir, subject, predicate)
    assert len(found) == 1, (subject, predicate, found)
    return found.pop()


def tagged(store_dir: Path, subject: str, predicate: str) -> set[tuple[str, str]]:
    """(text, language) of each literal value."""
    rows = select(store_dir, f"SELECT ?o (LANG(?o) AS ?l) WHERE {{ {subject} {predicate} ?o }}")
    return {(row[0], row[1]) for row in rows}


def amount(store_dir: Path, funding: str) -> tuple[str, str]:
    rows = select(
        store_dir,
        f"SELECT ?v ?c WHERE {{ {funding} schema:amount [ a schema:MonetaryAmount ; "
        "schema:value ?v ; schema:currency ?c ; ck:valueQualifier ck:Exact ] }",
    )
    assert len(rows) == 1, (funding, rows)
    return rows[0][0], rows[0][1]


def iri(slug: str) -> str:
    return f"https://w3id.org/coop-kg/id/{slug}"


# Every sample -------------------------------------------------------------------------------------


def test_every_sample_conforms_and_counts(
    imported: tuple[Path, dict[str, IatiImportResult]],
) -> None:
    _store, results = imported
    counts = {
        name: (r.tally.activities, r.tally.transactions, r.tally.budgets, r.validated)
        for name, r in results.items()
    }
    assert counts == {
        "netherlands-mfa-2.03.xml": (13, 72, 13, True),
        "iati-standard-example-annotated-2.03.xml": (1, 1, 1, True),
        "dfid-sample-1.0x.xml": (1, 1, 2, True),
        "undp-sample-1.0x.xml": (1, 1, 1, True),
        "worldbank-1.0x.xml": (16, 28, 0, True),
    }


# A 2.03 activity: the first of the Netherlands file ---------------------------------------------


def test_identifier_names_and_languages(imported: tuple[Path, object]) -> None:
    store, _ = imported
    assert one(store, NL1, "ck:iatiIdentifier") == "NL-1-PPR-24706"
    # No xml:lang on the narratives: the activity's (nl). The label is @en by contract.
    assert tagged(store, NL1, "rdfs:label") == {("ICTJ 2013-2014", "en")}
    assert tagged(store, NL1, "dcterms:title") == {("ICTJ 2013-2014", "nl")}
    assert tagged(store, NL1, "schema:description") == {
        ("instellingssubsidie ICTJ 2013-2014", "nl")
    }
    assert one(store, NL1, "a").endswith("#IatiActivity")


def test_roles_become_properties(imported: tuple[Path, object]) -> None:
    store, _ = imported
    ministry, ictj = iri("org-xm-dac-7"), iri("org-ictj")
    for prop in (
        "ck:reportingOrganisation",
        "ck:fundedBy",
        "ck:accountableOrganisation",
        "ck:extendingOrganisation",
    ):
        assert values(store, NL1, prop) == {ministry}, prop
    assert values(store, NL1, "ck:implementedBy") == {ictj}
    # Sub-properties of ck:participant, so "every participant" is one query.
    assert values(store, NL1, "ck:participant") == set()
    participants = select(
        store,
        f"SELECT DISTINCT ?o WHERE {{ ?p rdfs:subPropertyOf ck:participant . {NL1} ?p ?o }}",
    )
    assert {row[0] for row in participants} == {ministry, ictj}
    assert one(store, "id:org-xm-dac-7", "ck:iatiOrganisationIdentifier") == "XM-DAC-7"
    assert tagged(store, "id:org-xm-dac-7", "rdfs:label") == {
        ("Ministry of Foreign Affairs (DGIS)", "en")
    }
    assert one(store, "id:org-xm-dac-7", "a").endswith("#GovernmentBody")
    assert one(store, "id:org-xm-dac-7", "ck:organisationType") == iri("iati-organisation-type-10")
    assert one(store, "id:org-ictj", "a").endswith("#NonGovernmentalOrganization")
    assert values(store, "id:org-ictj", "ck:iatiOrganisationIdentifier") == set()


def test_status_dates_and_codes(imported: tuple[Path, object]) -> None:
    store, _ = imported
    assert one(store, NL1, "ck:activityStatus") == iri("iati-activity-status-4")
    assert one(store, NL1, "ck:plannedStartDate") == "2013-04-01"
    assert one(store, NL1, "ck:actualStartDate") == "2014-01-01"
    assert one(store, NL1, "ck:plannedEndDate") == "2016-03-31"
    assert one(store, NL1, "ck:actualEndDate") == "2016-07-25"
    # The actual dates win for the dates every initiative has.
    assert one(store, NL1, "schema:startDate") == "2014-01-01"
    assert one(store, NL1, "schema:endDate") == "2016-07-25"
    assert one(store, NL1, "ck:flowType") == iri("iati-flow-type-10")
    assert one(store, NL1, "ck:financeType") == iri("iati-finance-type-110")
    # default-aid-type of vocabulary 2 (earmarking) is not an AidType code: kept as published.
    assert values(store, NL1, "ck:aidType") == set()
    assert values(store, NL1, "ck:unmatchedCode") == {"aid-type 2:B01"}


def test_region_and_sector_without_percentages(imported: tuple[Path, object]) -> None:
    store, _ = imported
    assert values(store, NL1, "schema:areaServed") == {iri("dac-region-998")}
    assert values(store, NL1, "dcterms:subject") == {iri("dac-15220")}
    region, sector = f"{NL1}-region-998", f"{NL1}-sector-15220"
    assert values(store, NL1, "ck:allocation") == {iri(region[3:]), iri(sector[3:])}
    assert one(store, region, "ck:allocatedTo") == iri("dac-region-998")
    assert values(store, region, "ck:percentage") == set()


def test_transactions_of_the_first_activity(imported: tuple[Path, object]) -> None:
    store, _ = imported
    expected = {
        1: ("2", "2000000", "2014-01-01"),
        2: ("3", "1500000", "2014-04-08"),
        3: ("3", "500000", "2015-06-30"),
    }
    for n, (kind, value, day) in expected.items():
        t = f"{NL1}-transaction-{n}"
        assert one(store, t, "ck:transactionType") == iri(f"iati-transaction-type-{kind}")
        assert amount(store, t) == (value, "EUR")  # the activity's default-currency
        assert one(store, t, "ck:valueDate") == day
        assert one(store, t, "ck:transactionDate") == day
        assert one(store, t, "schema:funder") == iri("org-xm-dac-7")
        assert one(store, t, "ck:recipient") == iri("org-ictj")  # named, no ref: by name
        assert one(store, t, "schema:fundedItem") == iri(NL1[3:])
    assert tagged(store, f"{NL1}-transaction-2", "rdfs:label") == {
        ("Disbursement of NL-1-PPR-24706, 2014-04-08", "en")
    }
    assert one(store, f"{NL1}-transaction-1", "ck:aidType") == iri("iati-aid-type-a01")
    assert values(store, f"{NL1}-transaction-1", "ck:unmatchedCode") == {"aid-type 2:B01"}


def test_budget_of_the_first_activity(imported: tuple[Path, object]) -> None:
    store, _ = imported
    budget = f"{NL1}-budget-1"
    assert one(store, budget, "a").endswith("#Budget")
    assert one(store, budget, "schema:startDate") == "2014-01-01"
    assert one(store, budget, "schema:endDate") == "2016-07-25"
    assert amount(store, budget) == ("2000000", "EUR")
    assert one(store, budget, "ck:valueDate") == "2018-01-01"
    assert values(store, budget, "ck:budgetType") == set()  # the file gives no type
    assert values(store, budget, "schema:funder") == set()  # never inferred


def test_negative_values_are_kept(imported: tuple[Path, object]) -> None:
    store, _ = imported
    rows = select(
        store,
        "SELECT ?t WHERE { ?t a ck:Transaction ; schema:amount/schema:value ?v "
        "FILTER (?v = -78791) }",
    )
    assert [row[0] for row in rows] == [iri("iati-nl-1-ppr-25275-transaction-2")]


def test_evidence_points_to_the_element_and_its_line(imported: tuple[Path, object]) -> None:
    store, _ = imported
    rows = select(
        store,
        f"SELECT ?e ?source ?path ?line WHERE {{ {NL1}-transaction-2 prov:wasDerivedFrom ?e . "
        "?e a ck:ElementEvidence ; oa:hasSource ?source ; ck:line ?line ; "
        "oa:hasSelector [ a oa:XPathSelector ; rdf:value ?path ] }",
    )
    assert rows == [
        (
            iri("evidence/iati-file-netherlands-mfa-2-03/activity-1-transaction-2"),
            iri("iati-file-netherlands-mfa-2-03"),
            "/iati-activities/iati-activity[1]/transaction[2]",
            str(line_of(NETHERLANDS, "<transaction>", occurrence=2)),
        )
    ]
    # Every imported fact cites an element of its file.
    missing = select(
        store,
        "SELECT ?x WHERE { VALUES ?c { ck:IatiActivity ck:Transaction ck:Budget ck:Allocation } "
        "?x a ?c FILTER NOT EXISTS { ?x prov:wasDerivedFrom/a ck:ElementEvidence } }",
    )
    assert missing == []
    created = select(
        store,
        "SELECT ?o WHERE { ?o ck:iatiOrganisationIdentifier ?id ; dcterms:source ?f } LIMIT 1",
    )
    assert created == []  # organisations cite evidence, not the file
    assert values(store, "id:org-xm-dac-7", "prov:wasDerivedFrom") == {
        iri("evidence/iati-file-netherlands-mfa-2-03/activity-1-reporting-org-1")
    }


# The IATI Standard's annotated example -----------------------------------------------------------


def test_example_titles_in_three_languages(imported: tuple[Path, object]) -> None:
    store, _ = imported
    assert tagged(store, EX, "dcterms:title") == {
        ("Activity title", "en"),
        ("Titre de l'activité", "fr"),
        ("Título de la actividad", "es"),
    }
    assert tagged(store, EX, "rdfs:label") == {("Activity title", "en")}
    assert len(tagged(store, EX, "schema:description")) == 6


def test_example_percentages(imported: tuple[Path, object]) -> None:
    store, _ = imported
    rows = select(
        store,
        f"SELECT ?a ?p WHERE {{ {EX} ck:allocation ?a . ?a ck:percentage ?p }}",
    )
    shares = {row[0].rsplit("-", 2)[-2] + "-" + row[0].rsplit("-", 1)[-1]: row[1] for row in rows}
    assert shares == {
        "country-af": "25",
        "country-ag": "25",
        "region-489": "25",
        "sector-111": "50",
        "sector-112": "50",
    }
    assert values(store, EX, "ck:unmatchedCode") == {
        "region 99:A1",
        "sector 98:A1",
        "aid-type 2:1",
    }
    countries = select(
        store, f"SELECT ?code WHERE {{ {EX} schema:areaServed ?p . ?p ck:iso3166Alpha2 ?code }}"
    )
    assert {row[0] for row in countries} == {"AF", "AG"}
    assert values(store, EX, "dcterms:subject") == {iri("dac-111"), iri("dac-112")}


def test_example_one_node_per_organisation_identifier(imported: tuple[Path, object]) -> None:
    store, results = imported
    # AA-AAA-123456789 reports the activity and extends it, under two names: one actor.
    agency_a = iri("org-aa-aaa-123456789")
    assert values(store, EX, "ck:reportingOrganisation") == {agency_a}
    assert values(store, EX, "ck:extendingOrganisation") == {agency_a}
    assert tagged(store, "id:org-aa-aaa-123456789", "rdfs:label") == {("Organisation name", "en")}
    assert values(store, EX, "ck:fundedBy") == {iri("org-bb-bbb-123456789")}
    assert values(store, EX, "ck:accountableOrganisation") == {iri("org-cc-ccc-123456789")}
    result = results["iati-standard-example-annotated-2.03.xml"]
    assert (result.organisations_created, result.organisations_matched) == (3, 0)


def test_example_transaction(imported: tuple[Path, object]) -> None:
    store, _ = imported
    t = f"{EX}-transaction-1"
    assert one(store, t, "ck:transactionType") == iri("iati-transaction-type-1")
    assert amount(store, t) == ("1000", "EUR")
    assert one(store, t, "ck:valueDate") == "2012-01-01"
    assert one(store, t, "ck:transactionDate") == "2012-01-01"
    # The provider's ref names the funding organisation: the same actor.
    assert one(store, t, "schema:funder") == iri("org-bb-bbb-123456789")
    assert one(store, t, "ck:recipient") == iri("org-aa-aaa-123456789")
    assert values(store, t, "dcterms:subject") == {iri("dac-111")}
    areas = values(store, t, "schema:areaServed")
    assert iri("dac-region-619") in areas and len(areas) == 2  # and Turkmenistan
    assert one(store, t, "ck:flowType") == iri("iati-flow-type-10")
    assert one(store, t, "ck:financeType") == iri("iati-finance-type-110")
    budget = f"{EX}-budget-1"
    assert one(store, budget, "ck:budgetType") == iri("iati-budget-type-1")
    assert amount(store, budget) == ("3000", "EUR")
    assert (one(store, budget, "schema:startDate"), one(store, budget, "schema:endDate")) == (
        "2014-01-01",
        "2014-12-31",
    )


# Version 1.0x: the pre-1.01 drafts, identifiers added --------------------------------------------


def test_v1_roles_as_words(imported: tuple[Path, object]) -> None:
    store, _ = imported
    undp = "id:iati-test-undp-sample-1-0x-1"
    assert values(store, undp, "ck:fundedBy") == {iri("org-00012"), iri("org-10003")}
    assert values(store, undp, "ck:implementedBy") == {iri("org-001415")}
    # A tab inside the name: whitespace collapsed for the label.
    assert tagged(store, "id:org-10003", "rdfs:label") == {
        ("Funding Global Environment Fund Truste", "en")
    }
    assert one(store, "id:org-00012", "ck:iatiOrganisationIdentifier") == "'00012"
    dfid = "id:iati-test-dfid-sample-1-0x-1"
    assert values(store, dfid, "ck:fundedBy") == {iri("org-uk1234")}  # role "donor"
    assert values(store, "id:org-uk1234", "ck:unmatchedCode") == {"organisation-type bilateral"}
    world_bank = "id:iati-test-worldbank-1-0x-1"
    assert values(store, world_bank, "ck:fundedBy") == {iri("org-world-bank")}
    assert values(store, world_bank, "ck:implementedBy") == {iri("org-multiple-agencies")}
    # "beneficiary" is no IATI role: a participant, and the role kept as published.
    assert values(store, world_bank, "ck:participant") == {iri("org-multiple-governments")}
    assert "organisation-role beneficiary" in values(store, world_bank, "ck:unmatchedCode")


def test_v1_transaction_types_dates_and_budgets(imported: tuple[Path, object]) -> None:
    store, _ = imported
    undp, dfid = "id:iati-test-undp-sample-1-0x-1", "id:iati-test-dfid-sample-1-0x-1"
    world_bank = "id:iati-test-worldbank-1-0x-1"
    assert one(store, f"{undp}-transaction-1", "ck:transactionType") == iri(
        "iati-transaction-type-4"
    )  # "expenditure"
    assert amount(store, f"{undp}-transaction-1") == ("6709.11", "USD")
    assert one(store, f"{dfid}-transaction-1", "ck:transactionType") == iri(
        "iati-transaction-type-3"
    )  # "disbursement"
    assert amount(store, f"{dfid}-transaction-1") == ("390246", "GBP")
    assert one(store, f"{dfid}-transaction-1", "ck:valueDate") == "2010-03-31"
    kinds = [one(store, f"{world_bank}-transaction-{n}", "ck:transactionType") for n in (1, 2)]
    assert kinds == [iri("iati-transaction-type-2"), iri("iati-transaction-type-3")]
    assert amount(store, f"{world_bank}-transaction-2") == ("0", "USD")
    # Dates as text (UNDP) and in iso-date (DFID), typed start/end only.
    assert one(store, undp, "schema:startDate") == "2001-01-01"
    assert one(store, undp, "schema:endDate") == "2009-08-31"
    assert values(store, undp, "ck:plannedStartDate") == set()
    assert (one(store, dfid, "schema:startDate"), one(store, dfid, "schema:endDate")) == (
        "2009-09-15",
        "2010-09-01",
    )
    assert one(store, dfid, "ck:activityStatus") == iri("iati-activity-status-2")  # "ongoing"
    assert amount(store, f"{dfid}-budget-2") == ("304184", "GBP")
    assert one(store, f"{dfid}-budget-2", "ck:budgetType") == iri("iati-budget-type-1")
    assert amount(store, f"{undp}-budget-1") == ("502262.11", "USD")
    assert values(store, f"{undp}-budget-1", "ck:unmatchedCode") == {"budget-type annual"}


def test_v1_places_and_sectors(imported: tuple[Path, object]) -> None:
    store, _ = imported
    dfid, undp = "id:iati-test-dfid-sample-1-0x-1", "id:iati-test-undp-sample-1-0x-1"
    shares = select(
        store,
        f"SELECT ?t ?p WHERE {{ {dfid} ck:allocation [ ck:allocatedTo ?t ; ck:percentage ?p ] }}",
    )
    # 15130 (legal and judicial development) is a curated theme's DAC code: that theme wins.
    assert set(shares) == {(iri("rule-of-law"), "70"), (iri("dac-15120"), "30")}
    assert one(store, "id:rule-of-law", "ck:dacPurposeCode") == "15130"
    malawi = select(store, f"SELECT ?c WHERE {{ {dfid} schema:areaServed/ck:iso3166Alpha2 ?c }}")
    assert malawi == [("MW",)]
    assert values(store, undp, "ck:unmatchedCode") == {"country MWI"}  # alpha-3, not alpha-2
    world_bank = "id:iati-test-worldbank-1-0x-1"
    assert {"country name:Africa", "sector WB:LD"} <= values(store, world_bank, "ck:unmatchedCode")
