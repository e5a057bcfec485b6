"""What a researcher does on the site, in Chromium: search, open an entity, check a fact in its
source; ask who funds what where and download it; ask in SPARQL and share the answer; read the
API documentation offline. Every visit records its requests (none may leave 127.0.0.1) and its
console (no errors) and runs axe-core (no serious or critical violation); with
``KG_SCREENSHOTS=1`` it leaves screenshots in tests/browser/artifacts/ (browsing.py)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from browsing import Visit, screenshot  # tests/browser/browsing.py

#: Every page the tests open passes axe-core; the pictures (SVG and canvas) are described by
#: their captions and the tables beside them.
SERIOUS = ("serious", "critical")


def table(page: Any, selector: str) -> list[list[str]]:
    """The text of each body row's cells, as a reader sees them."""
    rows: list[list[str]] = page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.replace(/\\s+/g, ' ').trim()))",
    )
    return rows


def no_violations(visit: Visit, label: str, **options: Any) -> None:
    violations = visit.accessibility(label, **options)
    assert violations == [], violations


def test_search_entity_evidence_document(visit: Visit) -> None:
    """From the home page to the sentence a fact is quoted from, by clicks only."""
    page = visit.page
    visit.open("/")
    visit.screenshot("home")
    no_violations(visit, "home")
    page.fill("#home-search", "UN Women")
    page.press("#home-search", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=UN\+Women$"))
    visit.screenshot("search")
    no_violations(visit, "search")
    page.click("table >> text=UN Women")
    page.wait_for_url(re.compile(r"/id/un-women$"))
    # The neighbourhood is drawn (cytoscape paints on canvases) and clicking opens a page.
    page.wait_for_selector("#neighbourhood canvas")
    visit.screenshot("entity")
    no_violations(visit, "entity")
    quote = page.locator("figure.quote", has_text="approximately US").first
    expected = quote.locator("mark").inner_text()
    assert "USD 2,000,000" in page.inner_text("table.fundings")
    quote.locator("a", has_text="evidence").click()
    page.wait_for_url(re.compile(r"/id/evidence/"))
    visit.screenshot("evidence")
    no_violations(visit, "evidence")
    assert page.inner_text("#quote mark") == expected
    page.click("#position a:has-text('read it in the document')")
    page.wait_for_url(re.compile(r"/documents/japan-gender-equality-cooperation#q-\d+-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    # The highlight is the mark with that id, or the mark right after an anchor of that id when
    # another passage starts at the same character.
    target = page.locator(f"mark[id='{anchor}'], [id='{anchor}'] + mark").first
    # It opens the quote (another passage may start inside it and split the mark).
    assert expected.startswith(target.inner_text())
    box, height = target.bounding_box(), page.viewport_size["height"]
    assert box is not None and 0 < box["y"] < height / 2  # the highlight is on screen
    visit.screenshot("document-at-quote", full_page=False)
    no_violations(visit, "document")


def test_funding_form_chart_map_and_csv(visit: Visit, tmp_path: Path) -> None:
    page = visit.page
    visit.open("/fundings")
    page.select_option("#f-funder", "org-xm-dac-7")  # the Dutch ministry of the IATI sample
    page.select_option("#f-by", "region")
    page.click("form.filters button[type=submit]")
    # Blank fields are dropped: the address holds the filters in use, nothing else.
    page.wait_for_url(re.compile(r"/fundings\?funder=org-xm-dac-7&by=region$"))
    page.wait_for_selector("#chart svg")
    page.wait_for_selector("#map svg path")
    visit.screenshot("fundings")
    no_violations(visit, "fundings")
    assert currencies_charted(page) == ["EUR"]
    # The map shades the countries the imported activities serve.
    shaded = page.eval_on_selector_all(
        "#map svg path[fill='#1f5fa8']", "nodes => nodes.map(n => n.textContent)"
    )
    assert any(title.startswith("Bosnia and Herzegovina") for title in shaded), shaded
    shown = table(page, "table.fundings")
    with page.expect_download() as info:
        page.click("p.downloads >> text=CSV")
    path = tmp_path / "fundings.csv"
    info.value.save_as(path)
    with path.open(encoding="utf-8") as downloaded:
        rows = list(csv.DictReader(downloaded))
    assert len(rows) == len(shown) > 10
    for row, cells in zip(rows, shown, strict=True):
        assert cells[0].startswith(row["funding"])
        assert cells[1] == row["funder"]
        if row["amount"]:
            assert f"{row['currency']} {float(row['amount']):,.0f}" in cells[3]
    # Curated (USD) and imported (EUR) amounts: one chart each, never one axis.
    visit.open("/fundings?by=recipient")
    page.wait_for_selector("#chart svg")
    assert currencies_charted(page) == ["EUR", "USD"]


def currencies_charted(page: Any) -> list[str]:
    panels: list[str] = page.eval_on_selector_all(
        "#chart .currency-chart", "nodes => nodes.map(n => n.dataset.currency)"
    )
    return sorted(panels)


def test_an_imported_fact_and_its_xml_element(visit: Visit) -> None:
    """From the home page's list of imported files to the XML a transaction was read from."""
    page = visit.page
    visit.open("/")
    page.click("text=netherlands-mfa-2.03.xml")
    page.wait_for_url(re.compile(r"/documents/iati-file-"))
    no_violations(visit, "data-file")
    page.click("table.elements tr:has-text('transaction[1]') >> a")
    page.wait_for_url(re.compile(r"\?line=\d+#element$"))
    element = page.inner_text("#element pre")
    assert element.startswith("<transaction>") and element.rstrip().endswith("</transaction>")
    visit.screenshot("element")
    no_violations(visit, "element")
    page.click("#element figcaption a >> nth=0")
    page.wait_for_url(re.compile(r"/id/iati-"))
    assert page.inner_text("#data-evidence pre").startswith("<transaction>")
    visit.screenshot("transaction")
    no_violations(visit, "transaction")


def test_sparql_query_table_and_shared_link(visit: Visit, browser: Any) -> None:
    page = visit.page
    visit.open("/query")
    page.wait_for_selector(".CodeMirror")
    no_violations(visit, "editor")
    query = "SELECT ?recipient ?label WHERE {\n  ?f schema:funder id:japan ; ck:recipient ?recipient .\n  ?recipient rdfs:label ?label\n} ORDER BY ?label"
    page.evaluate("q => document.querySelector('.CodeMirror').CodeMirror.setValue(q)", query)
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("table.results")
    visit.screenshot("answer")
    no_violations(visit, "answer")
    rows = table(page, "table.results")
    assert ["id:un-women", "UN Women @en"] in rows
    link = page.get_attribute("table.results a >> text=id:un-women", "href")
    assert link == "/id/un-women"
    shared = page.input_value("#share-link")
    assert shared.startswith(visit.base + "/query?query=")
    # The link alone reopens the same answer.
    other = browser.new_page()
    other.goto(shared, wait_until="networkidle")
    assert table(other, "table.results") == rows
    reopened = other.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getValue()")
    # The editor declared the prefixes the query uses (the server declares them anyway), so
    # YASQE marks no error in a query that has none.
    assert reopened.endswith(query)
    assert "PREFIX ck: <https://w3id.org/coop-kg/ontology#>" in reopened
    assert other.locator(".parseErrorIcon").count() == 0
    other.close()
    # A syntax error is shown at its line.
    page.evaluate(
        "() => document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT * {\\n ?s ?p }')"
    )
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#query-error")
    assert page.get_attribute("#query-error", "data-line") == "2"
    assert page.locator(".query-error-line").count() == 1
    visit.screenshot("syntax-error")
    visit.expected.append("status of 400")  # the error page's own status, logged as a load error


def test_docs_render_offline(visit: Visit) -> None:
    page = visit.page
    visit.open("/docs")
    page.wait_for_selector(".swagger-ui .opblock-tag")
    tags = page.eval_on_selector_all(
        ".swagger-ui .opblock-tag", "nodes => nodes.map(n => n.innerText)"
    )
    assert any("SPARQL" in t for t in tags) and any("REST API" in t for t in tags)
    visit.screenshot("docs")
    # Swagger UI's own markup is not ours to fix; the page around it is checked.
    no_violations(visit, "docs", exclude=("#swagger-ui",))


@pytest.mark.parametrize(
    "path",
    ["/", "/id/japan", "/fundings", "/documents/japan-unodc-2024-2026", "/query", "/regions"],
)
def test_phone_width(browser: Any, site: str, path: str) -> None:
    """At 360 px nothing needs sideways scrolling but the wide tables, which scroll inside."""
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(site + path, wait_until="networkidle")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, "phone-" + (path.strip("/").replace("/", "-") or "home"))
    page.close()
    assert overflow <= 1, f"{path} is {overflow} px wider than the phone"


def test_keyboard_reaches_the_content_and_the_search(visit: Visit) -> None:
    page = visit.page
    visit.open("/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    # Playwright learns of the fragment navigation by an event that may follow the key press
    # (CI once read the URL before it): wait for it, as for any navigation.
    page.wait_for_url(re.compile(r"#main$"), timeout=5_000)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "home-search":
            break
    else:
        pytest.fail("Tab never reached the search box")


def test_home_page_transfer_size(visit: Visit, capsys: pytest.CaptureFixture[str]) -> None:
    """What a first visit to the home page downloads, printed for the record."""
    visit.open("/")
    sizes = visit.page.evaluate(
        """() => [performance.getEntriesByType("navigation")[0],
                  ...performance.getEntriesByType("resource")]
                 .map(e => ({name: e.name, bytes: e.transferSize}))"""
    )
    total = sum(entry["bytes"] for entry in sizes)
    with capsys.disabled():
        print(f"\nhome page: {total:,} bytes transferred in {len(sizes)} requests")
    assert total < 100_000  # no script library on the home page


@pytest.mark.parametrize(
    "path",
    [
        "/regions",
        "/themes",
        "/actors",
        "/id/japan",
        "/id/southeast-asia",
        "/id/dac-sectors",
        "/id/dac-sectors?direction=incoming&property=skos:broader&offset=20",
        "/ontology",
        "/shapes",
        "/.well-known/void",
        "/sparql",
        "/graphs/history",
    ],
)
def test_other_pages_pass_axe(visit: Visit, path: str) -> None:
    visit.open(path)
    name = re.sub(r"[^a-z0-9-]+", "-", path.strip("/").replace("/", "-").replace(".", ""))
    # The first screen only: a full-page shot of /ontology or /shapes (thousands of pixels
    # tall) took 3 s of the test; axe checks the whole page either way, and test_phone_width
    # keeps full-page shots of the pages people read on a phone.
    visit.screenshot(name or "home", full_page=False)
    no_violations(visit, name or "home")


@pytest.mark.parametrize(
    ("path", "selector"),
    [
        ("/fundings", "table.fundings tbody tr"),
        ("/id/un-women", "table.relations tbody tr"),
        ("/id/dac-sectors", "p.pager a[rel=next]"),
        ("/documents/japan-unodc-2024-2026", ".document-text mark"),
        ("/regions", "ul.tree li"),
        ("/query?example=maritime-priorities", "table.results tbody tr"),
    ],
)
def test_pages_read_without_javascript(browser: Any, site: str, path: str, selector: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + path, wait_until="load")
    count = page.locator(selector).count()
    context.close()
    assert count > 0, path
