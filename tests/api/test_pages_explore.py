"""The pages for exploring the graph, over HTTP: home, search, lists, the document view, who
funds what where (with its downloads), the SPARQL editor, VoID, /docs and the static files.

The browser tests (tests/browser) click through the same pages in Chromium; these check what
the server sends, on every store backend."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from kg import browse
from kg.api.routes.pages import EXAMPLES, STATIC
from kg.stores.base import Store
from kg.stores.oxigraph import OxigraphStore

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
#: Pages that run kg.fundings's queries are checked on the SPARQL engines only: rdflib (the
#: memory backend) takes some 6 s for one fundings.rq over the shipped data, and the same
#: queries run on every backend in tests/api/test_rest.py.
ENGINES = pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"], indirect=True)


def page(client: TestClient, path: str, status: int = 200) -> str:
    response = client.get(path, headers={"accept": BROWSER})
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of table cells by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(text: str) -> Tags:
    tags = Tags()
    tags.feed(text)
    return tags


PAGES = [
    "/",
    "/search?q=women",
    "/actors",
    "/regions",
    "/themes",
    "/documents",
    "/documents/japan-unodc-2024-2026",
    "/id/un-women",
    "/fundings",
    "/query?example=maritime-priorities",
    "/sparql",
    "/docs",
    "/.well-known/void",
]


@ENGINES
@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_another_host(api_client: TestClient, path: str) -> None:
    """Scripts, styles, images and frames come from this server; links may go anywhere."""
    for tag, attrs in parse(page(api_client, path)).tags:
        for name in ("src", "href") if tag in ("script", "link", "img", "iframe") else ():
            if name in attrs:
                value = attrs[name].removeprefix("http://testserver/")  # this server
                local = not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|//", value)
                assert local, f"{path}: <{tag} {name}={attrs[name]!r}>"
        if tag == "link" and attrs.get("rel") == "stylesheet":
            assert (STATIC / attrs["href"].removeprefix("/static/")).is_file()


@ENGINES
@pytest.mark.parametrize("path", PAGES)
def test_every_control_has_a_label(api_client: TestClient, path: str) -> None:
    tags = parse(page(api_client, path)).tags
    labelled = {a["for"] for t, a in tags if t == "label" and "for" in a}
    for tag, attrs in tags:
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            assert attrs.get("id") in labelled or "aria-label" in attrs, f"{path}: {attrs}"


def test_home_says_what_the_graph_holds(api_client: TestClient, store: Store) -> None:
    text = page(api_client, "/")
    counts = browse.counts(store)
    assert f"<strong>{counts['actor']}</strong> actors" in text
    assert f"<strong>{counts['funding']:,}</strong> fundings" in text
    for source in browse.sources(store):
        assert f'href="/documents/{source.document.slug}"' in text
    assert 'action="/search"' in text
    assert 'href="/export" download' in text  # a download says so


@ENGINES
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.href)
def test_every_example_question_opens_its_answer(api_client: TestClient, example: Any) -> None:
    page(api_client, example.href)


def test_search_ranks_and_links(api_client: TestClient) -> None:
    rows = parse(page(api_client, "/search?q=UN%20Women")).tables[0]
    assert rows[1][0] == "UN Women"  # the exact label first
    assert "Nothing in the graph" in page(api_client, "/search?q=zzzqqq")
    assert "Type a name" in page(api_client, "/search")


@pytest.mark.parametrize("collection", ["actors", "initiatives", "regions", "themes", "events"])
def test_lists(api_client: TestClient, collection: str) -> None:
    body = api_client.get(f"/api/{collection}", params={"limit": 1000}).json()
    text = page(api_client, f"/{collection}")
    for item in body["items"]:
        assert f'href="/id/{item["slug"]}"' in text


def test_regions_show_the_containment_tree_and_filter_within(api_client: TestClient) -> None:
    text = page(api_client, "/regions")
    assert '<ul class="tree">' in text and 'href="/fundings?region=southeast-asia"' in text
    inside = page(api_client, "/regions?within=indo-pacific")
    assert 'href="/id/thailand"' in inside and 'href="/id/kenya"' not in inside
    wrong = page(api_client, "/regions?within=Atlantis", status=400)
    assert "The name fits no entity" in wrong and 'role="alert"' in wrong


def test_the_document_view_marks_every_quoted_passage(api_client: TestClient, store: Store) -> None:
    doc = "https://w3id.org/coop-kg/id/japan-gender-equality-cooperation"
    text = page(api_client, "/documents/japan-gender-equality-cooperation")
    passages = browse.passages(store, doc)
    assert passages
    for passage in passages:
        assert f'id="q-{passage.start}-{passage.end}"' in text
        for fact in passage.facts:
            assert f'href="/id/{fact.slug}"' in text
    assert text.count('<a class="fact-ref"') == len(passages)
    assert "offsets outside this text" not in text
    # The marks, taken out, leave the stored text exactly.
    body = text[
        text.index('<div class="document-text">') : text.index(
            "</div>", text.index('<div class="document-text">')
        )
    ]
    plain = re.sub(r"<a class=\"fact-ref\"[^>]*>\d+</a>|<[^>]+>", "", body)
    stored = browse.texts(store, [doc])[doc]
    assert _unescape(plain) == stored


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_entity_pages_write_amounts_and_dates_for_people(api_client: TestClient) -> None:
    text = page(api_client, "/id/funding-japan-un-women-2013")
    assert "USD 2,000,000, approximately" in text
    assert '<time datetime="2013">2013</time>' in text
    assert 'href="/documents/japan-gender-equality-cooperation#q-' in text  # evidence in place
    assert '<script type="application/json" id="neighbourhood-data">' in text


def test_a_region_page_lists_its_priorities(api_client: TestClient) -> None:
    text = page(api_client, "/id/southeast-asia")
    assert "Priorities in this region" in text


def test_an_evidence_page_shows_the_quote_in_its_sentence(api_client: TestClient) -> None:
    evidence = api_client.get("/api/actors/jica").json()["evidence"]
    quote = next(e for e in evidence if e["quote"].startswith("JICA has been promoting"))
    where = f"{quote['start']}-{quote['end']}"
    text = page(api_client, f"/id/evidence/japan-gender-equality-cooperation/{where}")
    assert "What this quote supports" in text and 'href="/id/jica"' in text
    assert f"<mark>{escape(quote['quote'])}</mark>" in text
    assert f'href="/documents/japan-gender-equality-cooperation#q-{where}"' in text


# -- who funds what where --------------------------------------------------------------------


def table_rows(text: str, css_class: str) -> list[list[str]]:
    start = text.index(f'<table class="{css_class}">')
    return parse(text[start : text.index("</table>", start) + 8]).tables[0][1:]


@ENGINES
def test_the_funding_table_and_its_downloads_hold_the_same_rows(api_client: TestClient) -> None:
    query = "recipient=un-women&by=year"
    shown = table_rows(page(api_client, f"/fundings?{query}"), "fundings")
    assert len(shown) == 3
    download = api_client.get(f"/fundings.csv?{query}")
    assert download.headers["content-disposition"] == 'attachment; filename="fundings.csv"'
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["funding"] for r in rows] == [row[0].rsplit(" ", 1)[0] for row in shown]
    for row, cells in zip(rows, shown, strict=True):
        assert cells[1] == row["funder"]
        if row["amount"]:
            assert f"{row['currency']} {int(float(row['amount'])):,}" in cells[3]
    as_json = api_client.get(f"/fundings.json?{query}").json()
    assert as_json["items"] == rows and as_json["filters"] == {"recipient": "un-women"}


@ENGINES
def test_a_name_that_fits_nothing_shows_the_form_again(api_client: TestClient) -> None:
    text = page(api_client, "/fundings?funder=Japn", status=400)
    assert '<form class="filters"' in text and 'role="alert"' in text
    assert "Japn" in text
    assert "Invalid request" in page(api_client, "/fundings?year=soon", status=400)


@pytest.fixture(scope="module")
def map_client(money_store: OxigraphStore, make_app: Any) -> Iterator[TestClient]:
    """The made-up fundings, with the UN M49 codes the map keys countries by."""
    store = OxigraphStore()
    store.load_nquads(list(money_store.native))
    m49 = ox.NamedNode("https://w3id.org/coop-kg/ontology#m49Code")
    graph = ox.NamedNode("https://example.org/graph/codes")
    store.load_nquads(
        [
            ox.Quad(
                ox.NamedNode(f"https://w3id.org/coop-kg/id/{slug}"), m49, ox.Literal(code), graph
            )
            for slug, code in (("thailand", "764"), ("kenya", "404"))
        ]
    )
    with TestClient(make_app(store)) as client:
        yield client
    store.close()


def test_currencies_are_never_added_and_the_map_knows_the_countries(
    map_client: TestClient,
) -> None:
    text = page(map_client, "/fundings?by=funder")
    totals = table_rows(text, "totals")
    assert ["Germany", "2", "EUR 1,250,000", "exact", "0"] in totals
    assert any("USD 2,500,000" in cell for row in totals for cell in row)
    assert not any("3,750,000" in cell for row in totals for cell in row)
    chart = json.loads(_script(text, "chart-data"))
    assert {(r["group"], r["currency"]) for r in chart if r["currency"]} == {
        ("Germany", "EUR"),
        ("Japan", "USD"),
    }
    served = {c["label"]: c for c in json.loads(_script(text, "map-data"))}
    assert served["Thailand"]["code"] == "764" and served["Thailand"]["named"] == 2
    assert served["Kenya"]["named"] == 1


def _script(text: str, element: str) -> str:
    match = re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', text, re.S)
    assert match, element
    return match.group(1)


# -- the SPARQL editor -----------------------------------------------------------------------


def test_the_editor_answers_with_a_table_of_links(api_client: TestClient) -> None:
    query = "SELECT ?who WHERE { id:jica org:subOrganizationOf ?who }"
    text = page(api_client, "/query?query=" + quote(query))
    rows = table_rows(text, "results")
    assert rows == [["id:japan"]]
    assert 'href="/id/japan"' in text
    assert (
        f'href="/sparql?query={quote(query, safe="")}&amp;format=csv"'.replace("%20", "+") in text
    )
    assert 'id="share-link"' in text


def test_the_editor_shows_a_syntax_error_at_its_place(api_client: TestClient, backend: str) -> None:
    text = page(api_client, "/query?query=" + quote("SELECT * WHERE {\n  ?s ?p }"), status=400)
    alert = text[text.index('role="alert"') : text.index("</p>", text.index('role="alert"'))]
    assert 'data-line="2"' in text and "Line 2" in text, alert  # every engine says the line
    if backend == "oxigraph":  # Oxigraph also says the column
        assert 'data-column="10"' in text and "  ?s ?p }\n         ^" in text


def test_the_editor_refuses_updates_like_the_endpoint(api_client: TestClient) -> None:
    text = page(api_client, "/query?query=" + quote("DELETE WHERE { ?s ?p ?o }"), status=400)
    assert "read-only" in text


def test_the_editor_shows_graphs_as_triples(api_client: TestClient) -> None:
    text = page(api_client, "/query?query=" + quote("DESCRIBE id:jica"))
    rows = table_rows(text, "results")
    assert ["id:jica", "rdfs:label", "Japan International Cooperation Agency @en"] in rows


def test_the_editor_offers_the_competency_questions(api_client: TestClient) -> None:
    text = page(api_client, "/query")
    assert text.count('href="/query?example=') >= 28
    page(api_client, "/query?example=no-such-example", status=404)


# -- documentation and static files ----------------------------------------------------------


def test_docs_are_served_from_the_vendored_swagger_ui(api_client: TestClient) -> None:
    text = page(api_client, "/docs")
    assert '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js">' in text
    assert api_client.get("/redoc").status_code == 404
    script = api_client.get("/static/docs.js").text
    assert "validatorUrl: null" in script


def test_vendored_files_match_their_manifest(api_client: TestClient) -> None:
    manifest = json.loads((STATIC / "vendor" / "MANIFEST.json").read_text())
    root = Path(__file__).resolve().parents[2]
    for entry in manifest.values():
        for name, info in entry["files"].items():
            path = root / entry["folder"] / name
            assert hashlib.sha256(path.read_bytes()).hexdigest() == info["sha256"], path
    served = api_client.get("/static/vendor/cytoscape/cytoscape.min.js")
    assert served.status_code == 200 and "max-age=86400" in served.headers["cache-control"]
    assert api_client.get("/static/vendor/../main.py").status_code == 404


def test_void_reads_as_a_page_for_browsers(api_client: TestClient) -> None:
    text = page(api_client, "/.well-known/void")
    assert "<h1>Dataset description</h1>" in text and "void:triples" in text
    assert api_client.get("/.well-known/void").headers["content-type"].startswith("text/turtle")


def test_blank_form_fields_are_dropped_from_the_address(money_client: TestClient) -> None:
    response = money_client.get(
        "/fundings?funder=japan&year=&currency=&by=region&q=%E6%97%A5", follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/fundings?funder=japan&by=region&q=%E6%97%A5"
    assert money_client.get("/fundings?by=year", follow_redirects=False).status_code == 200


def test_the_document_view_says_where_its_text_comes_from(api_client: TestClient) -> None:
    text = page(api_client, "/documents/japan-unodc-2024-2026")
    assert 'Extracted from <a href="/id/japan-unodc-2024-2026-original">' in text
    assert "by the markdown extractor" in text


@ENGINES
@pytest.mark.parametrize("path", PAGES)
def test_pages_are_well_formed(api_client: TestClient, path: str) -> None:
    text = page(api_client, path)
    assert text.startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    for tag in ("section", "table", "dl", "figure", "ul", "ol", "details", "form", "div", "pre"):
        assert len(re.findall(rf"<{tag}[\s>]", text)) == text.count(f"</{tag}>"), (path, tag)
    assert text.count('id="') == len(set(re.findall(r'id="([^"]+)"', text))), "ids are unique"


def test_the_form_has_every_filter_of_the_api(money_client: TestClient) -> None:
    text = page(money_client, "/fundings?type=pledge")
    rows = table_rows(text, "fundings")
    assert len(rows) == 1 and rows[0][0].startswith("Japan for the Mekong project")
    for name in ("type", "applies_to", "org", "role", "convert", "split"):
        assert f'name="{name}"' in text, name
    assert '<option value="pledge" selected>' in text
    refused = page(money_client, "/fundings?role=funding", status=400)  # a role needs an org
    assert 'role="alert"' in refused and '<form class="filters"' in refused


def test_converted_amounts_show_their_rates(money_client: TestClient) -> None:
    text = page(money_client, "/fundings?convert=EUR&by=funder")
    assert "Converted into EUR:" in text and '<table class="rates">' in text
    download = money_client.get("/fundings.csv?convert=EUR")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert {"converted", "converted_currency", "rate", "rate_date"} <= set(rows[0])
    assert {r["converted_currency"] for r in rows if r["amount"]} == {"EUR"}
