"""The REST API under /api, over the shipped data (answers derived by reading the two sources)
and over a small made-up store for what the sources do not contain (other currencies, places
served, ambiguous labels)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kg.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from kg.queries import load_query

ID = "https://w3id.org/coop-kg/id/"
UN_WOMEN_FUNDINGS = {
    "funding-japan-un-women-2013",
    "funding-japan-un-women-2016",
    "funding-japan-un-women-since-2015",
}
JAPAN_FUNDINGS = UN_WOMEN_FUNDINGS | {
    "funding-japan-office-srsg-sexual-violence-in-conflict",
    "funding-japan-unodc-projects",
    "pledge-japan-we-fi-2017",
    "pledge-japan-women-empowerment-2016-2018",
}
# Every funding the two sources state is Japan's. JICA's Technical Cooperation Projects are not
# fundings: the text says JICA "carried out"/"started" them and names no money (it implements them).
ALL_FUNDINGS = JAPAN_FUNDINGS


def ok(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def slugs(body: dict[str, Any]) -> set[str]:
    return {item["slug"] for item in body["items"]}


def problem(client: TestClient, url: str, status: int, slug: str | None = None) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"]
    if slug is not None:
        assert body["type"] == PROBLEM_BASE + slug
    return body


def described_by(response: Any) -> list[str]:
    return [
        part.split(">")[0].strip(" <")
        for part in response.headers["link"].split(",")
        if 'rel="describedby"' in part
    ]


# --- collections ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("collection", "member", "kind"),
    [
        ("actors", "unodc", "actor"),
        ("actors", "japan", "actor"),
        ("initiatives", "we-fi", "initiative"),
        ("regions", "thailand", "region"),
        ("regions", "japan", "actor"),  # a state is listed as a region too; its kind is actor
        ("themes", "maritime-security", "theme"),
        ("events", "g20-hamburg-summit", "event"),
        ("events", "japan-unodc-strategic-policy-dialogue", "event"),  # an event series
        ("documents", "japan-unodc-2024-2026", "document"),
    ],
)
def test_collection_lists_its_members(
    api_client: TestClient, collection: str, member: str, kind: str
) -> None:
    body = ok(api_client, f"/api/{collection}?limit=1000")
    assert body["limit"] == 1000 and body["offset"] == 0
    assert body["total"] == len(body["items"])
    item = next(i for i in body["items"] if i["slug"] == member)
    assert item["id"] == ID + member and item["kind"] == kind and item["label"]
    assert item["types"] and all({"id", "slug", "label"} <= set(t) for t in item["types"])


def test_collections_are_sorted_by_label_and_paged(api_client: TestClient) -> None:
    everything = ok(api_client, "/api/actors?limit=1000")
    labels = [i["label"].casefold() for i in everything["items"]]
    assert labels == sorted(labels)
    page = ok(api_client, "/api/actors?limit=5&offset=5")
    assert page["total"] == everything["total"]
    assert page["items"] == everything["items"][5:10]
    assert ok(api_client, "/api/actors")["limit"] == 50


def test_documents_are_the_two_sources(api_client: TestClient) -> None:
    assert slugs(ok(api_client, "/api/documents")) == {
        "japan-unodc-2024-2026",
        "japan-gender-equality-cooperation",
    }


def test_q_matches_labels_and_altlabels_ignoring_case(api_client: TestClient) -> None:
    assert "jica" in slugs(ok(api_client, "/api/actors?q=jica"))  # altLabel "JICA"
    assert "japan" in slugs(ok(api_client, "/api/actors?q=GOVERNMENT%20of"))  # altLabel
    themes = ok(api_client, "/api/themes?q=maritime")
    assert "maritime-security" in slugs(themes)
    assert all("maritime" in i["label"].lower() for i in themes["items"])


def test_regions_within_is_transitive(api_client: TestClient) -> None:
    # Thailand is in Southeast Asia, Chiang Rai Province in Thailand (reference graph); the
    # other countries of the M49 sub-region come from m49-places.ttl.
    inside = slugs(ok(api_client, "/api/regions?within=southeast-asia"))
    assert inside == {
        "asean-countries",
        "greater-mekong-subregion",
        "thailand",
        "laos",
        "vietnam",
        "myanmar",
        "chiang-rai-province",
        "brunei",
        "cambodia",
        "indonesia",
        "malaysia",
        "philippines",
        "singapore",
        "timor-leste",
    }
    assert {"thailand", "chiang-rai-province", "southeast-asia"} <= slugs(
        ok(api_client, "/api/regions?within=Indo-Pacific&limit=1000")
    )


def test_within_is_for_regions_only(api_client: TestClient) -> None:
    problem(api_client, "/api/themes?within=asia", 400, "bad-parameter")


def test_unknown_collection_is_404(api_client: TestClient) -> None:
    body = problem(api_client, "/api/donors", 404)
    assert "actors" in body["detail"]


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "offset=-1", "limit=ten"])
def test_limit_and_offset_out_of_range_are_400(api_client: TestClient, query: str) -> None:
    for route in ("/api/actors", "/api/search?q=japan", "/api/fundings", "/api/priorities"):
        joiner = "&" if "?" in route else "?"
        problem(api_client, f"{route}{joiner}{query}", 400, "invalid-request")


# --- one entity -----------------------------------------------------------------------------


def test_region_detail(api_client: TestClient) -> None:
    body = ok(api_client, "/api/regions/thailand")
    assert body["id"] == ID + "thailand" and body["label"] == "Thailand"
    assert body["kind"] == "region"
    identifiers = {i["property"]["id"].rsplit("#")[-1]: i["value"] for i in body["identifiers"]}
    assert identifiers == {"iso3166Alpha2": "TH", "m49Code": "764"}
    assert "http://www.wikidata.org/entity/Q869" in body["sameAs"]
    ancestors = {a["slug"] for a in body["ancestors"]}
    assert {"southeast-asia", "asean-countries", "greater-mekong-subregion"} <= ancestors
    assert {"indo-pacific", "asia", "world"} <= ancestors
    assert [c["slug"] for c in body["children"]] == ["chiang-rai-province"]
    contained = {
        r["value"]["slug"]
        for r in body["outgoing"]
        if r["property"]["id"] == "https://schema.org/containedInPlace"
    }
    assert contained == {"southeast-asia", "asean-countries", "greater-mekong-subregion"}
    # JICA projects serve Thailand: incoming schema:areaServed
    served_by = {
        r["value"]["slug"] for r in body["incoming"] if r["property"]["id"].endswith("areaServed")
    }
    assert {
        "jica-project-mdt-thailand",
        "jica-project-gms-assisting-trafficking-victims",
    } <= served_by


def test_relation_evidence_is_that_of_the_node_it_is_stated_on(api_client: TestClient) -> None:
    body = ok(api_client, "/api/actors/un-women")
    recipient_of = {
        r["value"]["slug"]: r
        for r in body["incoming"]
        if r["property"]["id"] == "https://w3id.org/coop-kg/ontology#recipient"
    }
    assert set(recipient_of) == UN_WOMEN_FUNDINGS
    evidence = recipient_of["funding-japan-un-women-2013"]["evidence"]
    assert [e["quote"] for e in evidence] == [
        "Japan's contributions amounted to approximately US$2 million in 2013"
    ]
    first = evidence[0]
    assert first["document"]["slug"] == "japan-gender-equality-cooperation"
    assert first["end"] - first["start"] == len(first["quote"])
    # Outgoing relations carry the entity's own evidence.
    own = body["evidence"]
    assert all(r["evidence"] == own for r in body["outgoing"])


def test_literal_and_structured_values(api_client: TestClient) -> None:
    body = ok(api_client, "/api/initiatives/jica-project-mdt-thailand")
    start = next(
        r for r in body["outgoing"] if r["property"]["id"] == "https://schema.org/startDate"
    )
    assert start["value"] == {
        "value": "2009",
        "datatype": "http://www.w3.org/2001/XMLSchema#gYear",
        "language": None,
    }
    assert body["ancestors"] is None and body["children"] is None


def test_a_state_is_an_actor_and_a_region(api_client: TestClient) -> None:
    as_actor = ok(api_client, "/api/actors/japan")
    as_region = ok(api_client, "/api/regions/japan")
    assert as_actor["kinds"] == as_region["kinds"] == ["actor", "region"]
    assert {a["slug"] for a in as_region["ancestors"]} >= {"east-asia", "asia"}
    assert "Government of Japan" in as_actor["altLabels"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/actors/no-such-entity",
        "/api/themes/japan",  # exists, but is not a theme
        "/api/actors/thailand",  # a country without a government in the data: a place only
        "/api/actors/Not%20a%20slug",
    ],
)
def test_unknown_or_misplaced_slug_is_404(api_client: TestClient, url: str) -> None:
    problem(api_client, url, 404, "not-found")


# --- search ---------------------------------------------------------------------------------


def test_search_ranks_exact_label_then_acronym_then_prefix_then_substring(
    api_client: TestClient,
) -> None:
    first = ok(api_client, "/api/search?q=unodc")["items"]
    assert first[0]["slug"] == "unodc"  # altLabel "UNODC"; no label is exactly "unodc"
    assert first[0]["kind"] == "actor"
    japan = ok(api_client, "/api/search?q=japan")["items"]
    assert japan[0]["slug"] == "japan"  # the label itself
    asia = [i["slug"] for i in ok(api_client, "/api/search?q=asia")["items"]]
    assert asia[0] == "asia"  # exact label
    jica = [i["slug"] for i in ok(api_client, "/api/search?q=jica")["items"]]
    assert jica[0] == "jica"  # acronym (altLabel "JICA")
    prefix = jica.index("jica-gender-mainstreaming")  # "JICA's gender mainstreaming approach"
    substring = jica.index(
        "jica-project-vietnam-trafficking-first-phase"
    )  # "First phase of JICA's ..."
    description = jica.index("jica-project-mdt-thailand")  # only its description says JICA
    assert 0 < prefix < substring < description
    south = ok(api_client, "/api/search?q=south")["items"]
    assert [i["label"] for i in south[:4]] == [  # all prefixes: ties by label
        "South & Central Asia, regional",
        "South Africa",
        "South America",
        "South America, regional",
    ]
    kinds = {i["kind"] for i in ok(api_client, "/api/search?q=japan&limit=1000")["items"]}
    assert {"actor", "initiative", "event", "document"} <= kinds


def test_search_kind_and_empty_query(api_client: TestClient) -> None:
    only = ok(api_client, "/api/search?q=asia&kind=actor")["items"]
    assert only and {i["kind"] for i in only} == {"actor"}
    problem(api_client, "/api/search?q=", 400, "invalid-request")
    problem(api_client, "/api/search", 400, "invalid-request")


# --- fundings -------------------------------------------------------------------------------


def test_fundings_items(api_client: TestClient) -> None:
    body = ok(api_client, "/api/fundings")
    assert body["total"] == 7 and slugs(body) == ALL_FUNDINGS
    pledge = next(
        i for i in body["items"] if i["slug"] == "pledge-japan-women-empowerment-2016-2018"
    )
    assert pledge["funder"]["slug"] == "japan"
    assert pledge["initiative"]["slug"] == "japan-oda-womens-empowerment-2016-2018"
    assert pledge["recipient"] is None
    assert pledge["amount"] == {"value": 3000000000, "currency": "USD", "qualifier": "at least"}
    assert isinstance(pledge["amount"]["value"], float)
    assert pledge["period"] == {"start": "2016", "end": "2018"}
    assert pledge["type"]["label"] == "Pledge" and pledge["status"]["label"] == "achieved"
    assert {t["slug"] for t in pledge["themes"]} == {
        "womens-empowerment",
        "womens-leadership",
        "womens-rights",
    }
    assert len(pledge["evidence"]) == 2
    un_women_2013 = next(i for i in body["items"] if i["slug"] == "funding-japan-un-women-2013")
    assert un_women_2013["amount"] == {
        "value": 2000000,
        "currency": "USD",
        "qualifier": "approximately",
    }
    no_amount = next(i for i in body["items"] if i["slug"] == "funding-japan-unodc-projects")
    assert no_amount["amount"] is None and no_amount["period"] == {"start": None, "end": None}


@pytest.mark.parametrize("name", ["un-women", ID + "un-women", "UN Women", "un women", "UN WOMEN"])
def test_fundings_by_recipient_any_name(api_client: TestClient, name: str) -> None:
    body = ok(api_client, f"/api/fundings?recipient={name}")
    assert body["total"] == 3 and slugs(body) == UN_WOMEN_FUNDINGS


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("funder=japan", JAPAN_FUNDINGS),
        ("funder=Government%20of%20Japan", JAPAN_FUNDINGS),  # altLabel
        # JICA is a known actor, but it funds nothing the sources state: it implements projects.
        ("funder=JICA", set()),
        ("initiative=we-fi", {"pledge-japan-we-fi-2017"}),
        ("initiative=Women%20Entrepreneurs%20Financing%20Initiative", {"pledge-japan-we-fi-2017"}),
        # "approximately US$2 million in 2013"; "since 2015" starts later
        ("year=2013", {"funding-japan-un-women-2013"}),
        # 2016-2018 pledge, and "exceeded US$20 million since 2015" (open end)
        (
            "year=2017",
            {
                "pledge-japan-women-empowerment-2016-2018",
                "funding-japan-un-women-since-2015",
            },
        ),
        (
            "year=2016",
            {
                "pledge-japan-women-empowerment-2016-2018",
                "funding-japan-un-women-since-2015",
                "funding-japan-un-women-2016",
            },
        ),
        ("year=2030", {"funding-japan-un-women-since-2015"}),
        (
            "currency=usd",
            {
                "funding-japan-un-women-2013",
                "funding-japan-un-women-since-2015",
                "pledge-japan-we-fi-2017",
                "pledge-japan-women-empowerment-2016-2018",
            },
        ),
        ("currency=EUR", set()),
        (
            "min_amount=20000000",
            {
                "funding-japan-un-women-since-2015",
                "pledge-japan-we-fi-2017",
                "pledge-japan-women-empowerment-2016-2018",
            },
        ),
        ("min_amount=50000001", {"pledge-japan-women-empowerment-2016-2018"}),
        # theme includes narrower themes: We-Fi is about women's economic empowerment
        (
            "theme=womens-empowerment",
            {"pledge-japan-we-fi-2017", "pledge-japan-women-empowerment-2016-2018"},
        ),
        ("theme=gender-equality", JAPAN_FUNDINGS - {"funding-japan-unodc-projects"}),
        ("theme=transnational-organized-crime", set()),
        (
            "theme=Women,%20Peace%20and%20Security",
            {"funding-japan-office-srsg-sexual-violence-in-conflict"},
        ),
        ("theme=maritime-security", set()),
        # No funding in the sources names a place: JICA's projects in Thailand, Laos, Vietnam and
        # Myanmar are implementation, not fundings (the made-up store below tests the places).
        ("region=southeast-asia", set()),
        ("region=laos", set()),
        ("region=africa", set()),
        (
            "funder=japan&recipient=un-women&year=2016&currency=USD",
            {"funding-japan-un-women-since-2015"},
        ),
    ],
)
def test_fundings_filters(api_client: TestClient, query: str, expected: set[str]) -> None:
    body = ok(api_client, f"/api/fundings?{query}&limit=1000")
    assert slugs(body) == expected and body["total"] == len(expected)


def test_fundings_filters_refuse_unknown_names_with_candidates(api_client: TestClient) -> None:
    body = problem(api_client, "/api/fundings?region=Asi", 400, "unknown-name")
    assert body["name"] == "Asi"
    assert "asia" in {c["slug"] for c in body["candidates"]}
    assert all(c["kind"] == "region" for c in body["candidates"])
    # A theme is not a funder, even when its label is given.
    problem(api_client, "/api/fundings?funder=maritime-security", 400, "unknown-name")
    problem(api_client, "/api/fundings?currency=dollars", 400, "invalid-request")
    # A hostile name is one literal to the query, which matches nothing.
    hostile = '/api/fundings?funder=japan"%29%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23'
    problem(api_client, hostile, 400, "unknown-name")
    problem(api_client, "/api/fundings?min_amount=-1", 400, "invalid-request")


# --- fundings over the made-up store: places, currencies, ambiguity ---------------------------


def test_region_filter_is_transitive_and_follows_the_funded_initiative(
    money_client: TestClient,
) -> None:
    # f-eur-1 serves Thailand itself; f-usd-2 funds the Mekong project, which serves Thailand.
    for region in ("thailand", "southeast-asia", "Indo-Pacific", ID + "world"):
        body = ok(money_client, f"/api/fundings?region={region}")
        expected = {"f-eur-1", "f-usd-2"} | ({"f-usd-1"} if region.endswith("world") else set())
        assert slugs(body) == expected, region
    regions = {
        i["slug"]: [r["slug"] for r in i["regions"]]
        for i in ok(money_client, "/api/fundings")["items"]
    }
    assert regions["f-usd-2"] == ["thailand"] and regions["f-none"] == []
    assert slugs(ok(money_client, "/api/fundings?region=africa")) == {"f-usd-1"}


def test_theme_filter_follows_narrower_themes_and_the_funded_initiative(
    money_client: TestClient,
) -> None:
    assert slugs(ok(money_client, "/api/fundings?theme=crime")) == {"f-eur-1", "f-usd-2"}
    assert slugs(ok(money_client, "/api/fundings?theme=drugs")) == {"f-eur-1", "f-usd-2"}
    assert slugs(ok(money_client, "/api/fundings?theme=health")) == {"f-usd-1"}


def test_currency_and_min_amount(money_client: TestClient) -> None:
    assert slugs(ok(money_client, "/api/fundings?currency=EUR")) == {"f-eur-1", "f-eur-2"}
    # min_amount compares within each funding's own currency; "at least 500,000" qualifies
    assert slugs(ok(money_client, "/api/fundings?min_amount=500000")) == {
        "f-eur-1",
        "f-usd-1",
        "f-usd-2",
    }
    assert slugs(ok(money_client, "/api/fundings?min_amount=500000&currency=EUR")) == {"f-eur-1"}


def test_ambiguous_label_is_400_with_candidates(money_client: TestClient) -> None:
    body = problem(money_client, "/api/fundings?initiative=mekong%20project", 400, "ambiguous-name")
    assert {c["slug"] for c in body["candidates"]} == {"mekong-project", "mekong-programme"}
    assert all({"id", "slug", "label", "kind"} <= set(c) for c in body["candidates"])
    # The slug picks one.
    assert slugs(ok(money_client, "/api/fundings?initiative=mekong-project")) == {"f-usd-2"}


def test_summaries_never_add_currencies(money_client: TestClient) -> None:
    body = ok(money_client, "/api/fundings/summary?by=recipient")
    groups = {(g["key"]["recipient"] or {}).get("slug"): g for g in body["items"]}
    unodc = groups["unodc"]
    assert unodc["count"] == 4 and unodc["withoutAmount"] == 1
    assert unodc["totals"] == [
        {"currency": "EUR", "value": 1250000, "count": 2, "qualifiers": ["exact"]},
        {"currency": "USD", "value": 2000000, "count": 1, "qualifiers": ["approximately"]},
    ]
    assert groups[None]["totals"] == [
        {"currency": "USD", "value": 500000, "count": 1, "qualifiers": ["at least"]}
    ]
    assert body["overall"] == {
        "count": 5,
        "withoutAmount": 1,
        "totals": [
            {"currency": "EUR", "value": 1250000, "count": 2, "qualifiers": ["exact"]},
            {
                "currency": "USD",
                "value": 2500000,
                "count": 2,
                "qualifiers": ["approximately", "at least"],
            },
        ],
    }
    for group in body["items"]:
        currencies = [t["currency"] for t in group["totals"]]
        assert len(currencies) == len(set(currencies))


def test_summary_two_levels(money_client: TestClient) -> None:
    body = ok(money_client, "/api/fundings/summary?by=funder,year")
    keys = [(g["key"]["funder"]["slug"], g["key"]["year"]) for g in body["items"]]
    # Germany 2019-2020 and 2020; Japan 2019, 2018 onwards (to the document's end, 2021), none
    assert keys == [
        ("germany", 2019),
        ("germany", 2020),
        ("japan", 2018),
        ("japan", 2019),
        ("japan", 2020),
        ("japan", 2021),
        ("japan", None),
    ]
    germany_2020 = body["items"][1]
    assert germany_2020["count"] == 2 and germany_2020["totals"][0]["value"] == 1250000
    assert body["by"] == ["funder", "year"] and body["total"] == 7


def test_summary_by_year_matches_the_year_filter_within_the_sources(api_client: TestClient) -> None:
    body = ok(api_client, "/api/fundings/summary?by=year")
    years = {g["key"]["year"]: g for g in body["items"]}
    # UN Women 2013 and 2016, the 2016-2018 pledge, and "since 2015", which runs to 2018, the end
    # of what the gender-equality report covers (after that the year filter keeps it open, the
    # summary not).
    assert list(years) == [2013, 2015, 2016, 2017, 2018, None]
    for year in range(2009, 2019):
        count = years[year]["count"] if year in years else 0
        assert count == ok(api_client, f"/api/fundings?year={year}")["total"]
    assert years[2017]["totals"] == [
        {"currency": "USD", "value": 3020000000, "count": 2, "qualifiers": ["at least"]}
    ]
    # the 2016 UN Women ranking gives no amount
    assert years[2016]["withoutAmount"] == 1
    # We-Fi, the SRSG office and UNODC projects: no period
    assert years[None]["count"] == 3
    assert body["overall"]["count"] == 7 and body["overall"]["withoutAmount"] == 3
    assert body["overall"]["totals"][0]["value"] == 3072000000


def test_summary_filters_and_dimensions(api_client: TestClient) -> None:
    body = ok(api_client, "/api/fundings/summary?by=recipient&recipient=un-women")
    assert [g["key"]["recipient"]["slug"] for g in body["items"]] == ["un-women"]
    assert body["items"][0]["count"] == 3 and body["items"][0]["withoutAmount"] == 1
    themes = ok(api_client, "/api/fundings/summary?by=theme&theme=gender-equality")
    assert "womens-economic-empowerment" in {g["key"]["theme"]["slug"] for g in themes["items"]}
    # No funding the sources state names a place: one group without a region, holding all seven.
    regions = ok(api_client, "/api/fundings/summary?by=region")
    assert [(g["key"]["region"], g["count"]) for g in regions["items"]] == [(None, 7)]
    for by in ("colour", "funder,funder", "funder,theme,year", ""):
        problem(api_client, f"/api/fundings/summary?by={by}", 400)


# --- priorities -----------------------------------------------------------------------------


def test_priorities(api_client: TestClient) -> None:
    body = ok(api_client, "/api/priorities")
    assert body["total"] == 14
    sea = next(i for i in body["items"] if i["slug"] == "priority-2024-2026-southeast-asia")
    assert [r["slug"] for r in sea["regions"]] == ["southeast-asia"]
    assert [p["slug"] for p in sea["prioritisedBy"]] == ["japan-unodc-strategic-cooperation"]
    assert {"synthetic-drugs-and-precursors", "maritime-law-enforcement"} <= {
        t["slug"] for t in sea["themes"]
    }
    # "Particular countries and regions of interest for 2024 are in the section 2 below"
    assert sea["period"] == {"start": "2024", "end": "2024"}
    focus = next(i for i in body["items"] if i["slug"] == "priority-2024-2026-focus-indo-pacific")
    # the geographical focuses of section 1(1): "for the period from 2024 to 2026"
    assert focus["period"] == {"start": "2024", "end": "2026"}
    assert sea["evidence"] and all(
        e["document"]["slug"] == "japan-unodc-2024-2026" for e in sea["evidence"]
    )


def test_priorities_by_region_is_transitive(api_client: TestClient) -> None:
    # Myanmar and the ASEAN countries are in Southeast Asia.
    assert slugs(ok(api_client, "/api/priorities?region=southeast-asia")) == {
        "priority-2024-2026-southeast-asia",
        "priority-2024-2026-myanmar",
        "priority-2024-2026-focus-asean-countries",
    }
    assert ok(api_client, "/api/priorities?region=indo-pacific")["total"] == 10
    assert slugs(ok(api_client, "/api/priorities?region=myanmar")) == {"priority-2024-2026-myanmar"}


def test_priorities_by_theme_includes_narrower_themes(api_client: TestClient) -> None:
    body = ok(api_client, "/api/priorities?theme=maritime-security")
    regions = {r["label"] for i in body["items"] for r in i["regions"]}
    # The README's answer to "which priority regions include maritime-security themes".
    assert regions == {
        "East African coast",
        "Gulf of Guinea",
        "Pacific Region",
        "South Asia",
        "Southeast Asia",
        "West Indian Ocean",
    }
    both = ok(api_client, "/api/priorities?theme=maritime-security&region=southeast-asia")
    assert slugs(both) == {"priority-2024-2026-southeast-asia"}


@pytest.mark.parametrize(
    ("actor", "total"),
    [("unodc", 14), ("Japan", 14), ("Japan-UNODC%20cooperation", 14), ("g7", 0)],
)
def test_priorities_by_actor_or_its_cooperation(
    api_client: TestClient, actor: str, total: int
) -> None:
    assert ok(api_client, f"/api/priorities?actor={actor}")["total"] == total


# --- provenance of answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "first"),  # the query that selects the answer
    [
        ("/api/actors", "collection-actors"),
        ("/api/regions?within=asia", "collection-regions"),
        ("/api/search?q=japan", "search"),
        ("/api/regions/thailand", "entity"),
        ("/api/fundings?recipient=un-women", "fundings"),
        ("/api/fundings/summary?by=year", "funding-totals-stored"),
        ("/api/fundings/summary?by=year&type=pledge", "funding-totals"),
        ("/api/priorities", "priorities"),
    ],
)
def test_every_answer_links_the_queries_that_computed_it(
    api_client: TestClient, url: str, first: str
) -> None:
    response = api_client.get(url)
    links = described_by(response)
    # In the order they ran: the filters' names resolve (and the kind map loads) first.
    assert f"/api/queries/{first}" in links
    for link in links:
        text = api_client.get(link)
        assert text.status_code == 200
        assert text.headers["content-type"].startswith("application/sparql-query")
        assert text.text == load_query(link.rsplit("/", 1)[-1])
    if "recipient=" in url or "within=" in url:
        assert "/api/queries/resolve-id" in links
    if url == "/api/regions/thailand":
        assert "/api/queries/place-hierarchy" in links and "/api/queries/entity-evidence" in links


def test_query_texts_run_at_the_sparql_endpoint(api_client: TestClient) -> None:
    text = api_client.get("/api/queries/fundings").text
    rerun = api_client.post(
        "/sparql", content=text, headers={"content-type": "application/sparql-query"}
    )
    assert rerun.status_code == 200, rerun.text
    fundings = {b["funding"]["value"] for b in rerun.json()["results"]["bindings"]}
    assert {f.removeprefix(ID) for f in fundings} == ALL_FUNDINGS


def test_query_list_and_unknown_query(api_client: TestClient) -> None:
    names = {q["name"]: q for q in ok(api_client, "/api/queries?limit=1000")["items"]}
    assert {"fundings", "priorities", "search", "kinds", "collection-regions"} <= set(names)
    assert names["fundings"]["href"] == "/api/queries/fundings"
    assert names["fundings"]["summary"].startswith("Who funds what where")
    problem(api_client, "/api/queries/no-such-query", 404)
    problem(api_client, "/api/queries/..%2Fstats-graphs", 404)


def test_openapi_documents_the_rest_api(api_client: TestClient) -> None:
    paths = ok(api_client, "/openapi.json")["paths"]
    for path in (
        "/api/search",
        "/api/fundings",
        "/api/fundings/summary",
        "/api/priorities",
        "/api/{collection}",
        "/api/{collection}/{slug}",
        "/api/queries/{name}",
    ):
        assert "get" in paths[path], path
    parameters = {p["name"]: p for p in paths["/api/fundings"]["get"]["parameters"]}
    assert parameters["recipient"]["examples"]
    assert paths["/api/fundings"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
