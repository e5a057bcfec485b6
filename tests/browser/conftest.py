"""The site in a real browser: Debian's Chromium (``apt-get install chromium``; ``.ci/run``
installs it) driven by Playwright's Python package, never a browser Playwright downloads.

One server for the session: the shipped data plus one made-up funding that serves Thailand in
EUR, so that the map and the chart have something to draw (the shipped fundings name no
place). Every page a test opens records each request the browser makes and each console
message; ``visit`` fails on a request to another host, a console error or an uncaught
exception. Screenshots land in ``tests/browser/artifacts/`` (or ``$KG_BROWSER_ARTIFACTS``).

Without Chromium the tests skip, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from browsing import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Visit  # tests/browser/browsing.py

from api.main import create_app
from api.server import serving
from kg.build import BuildResult
from kg.derive import derive
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

MADE_UP = "https://example.org/graph/browser-tests"
MADE_UP_TTL = """
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
id:browser-test-funding a ck:Contribution ;
    rdfs:label "A made-up contribution to UNODC in Thailand (browser tests)"@en ;
    schema:funder id:japan ; ck:recipient id:unodc ; schema:areaServed id:thailand ;
    schema:amount [ a schema:MonetaryAmount ; schema:currency "EUR" ;
        schema:value 750000.0 ; ck:valueQualifier ck:Exact ] ;
    schema:startDate "2017"^^xsd:gYear ; schema:endDate "2017"^^xsd:gYear .
"""


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        reason = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs it)")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def site(built: BuildResult, settings: Settings) -> Iterator[str]:
    """The base URL of the site over the shipped data plus the made-up funding."""
    assert built.store is not None
    store = OxigraphStore.in_memory_copy(built.store)
    store.load_nquads(
        [
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(MADE_UP))
            for t in ox.parse(MADE_UP_TTL, format=ox.RdfFormat.TURTLE)
        ]
    )
    derive(store)
    with serving(create_app(settings, store=store)) as base:
        yield base
    store.close()


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def visit(browser: Any, site: str, request: pytest.FixtureRequest) -> Iterator[Visit]:
    """A fresh browser context (no cache, no cookies) at desktop width; checks on teardown."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    visit = Visit(page, site, request.node.name.removeprefix("test_"))
    context.on("request", lambda r: visit.requests.append(r.url))
    page.on(
        "console",
        lambda m: visit.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: visit.errors.append(f"uncaught: {e}"))
    yield visit
    context.close()
    visit.check()


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts() -> None:
    """Screenshots of this run only."""
    if ARTIFACTS.is_dir() and "KG_BROWSER_ARTIFACTS" not in os.environ:
        shutil.rmtree(ARTIFACTS)
