"""The site in a real browser: Debian's Chromium (``apt-get install chromium``; ``.ci/run``
installs it) driven by Playwright's Python package, never a browser Playwright downloads.

One server for the session: the shipped data plus an IATI sample file imported by the
importer, so that the map has countries to shade (the curated fundings name no place) and
imported facts cite XML elements. Every page a test opens records each request the browser
makes and each console message; ``visit`` fails on a request to another host, a console error
or an uncaught exception. With ``KG_SCREENSHOTS=1``, screenshots land in
``tests/browser/artifacts/`` (or ``$KG_BROWSER_ARTIFACTS``), beside axe-core's reports.

Without Chromium the tests skip, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, Visit  # tests/browser/browsing.py

from kg.api.main import create_app
from kg.api.server import serving
from kg.build import BuildResult
from kg.iati_import import import_iati
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[2]
#: An IATI activity file the importer ships as a test sample (tests/data/iati/README.md).
IATI_SAMPLE = ROOT / "tests" / "data" / "iati" / "netherlands-mfa-2.03.xml"


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        reason = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs it)")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def site(
    built: BuildResult, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The base URL of the site over the shipped data plus one IATI file imported by the
    importer (its activities serve countries, so the map has something to draw, and its
    facts cite XML elements)."""
    assert built.store is not None
    imports = tmp_path_factory.mktemp("imports")
    source = OxigraphStore(built.store, read_only=True)
    store = OxigraphStore()
    try:
        store.load_nquads(list(source.native))
    finally:
        source.close()
    import_iati(
        store,
        IATI_SAMPLE,
        graph="iati-netherlands-mfa",
        imports_dir=imports,
        data_dir=settings.data_dir,
        max_bytes=settings.max_import_bytes,
    )
    served = settings.model_copy(update={"imports_dir": imports})
    with serving(create_app(served, store=store)) as base:
        yield base
    store.close()


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:
    """Chromium under Playwright for one module's tests. Not for the session: Playwright's sync
    API keeps an asyncio loop running in the main thread while it is open, and the tests the
    same xdist worker runs later could not start one (``asyncio.run`` refuses)."""
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
    # A parametrized path ("[/id/japan]") would make the file names folders.
    name = request.node.name.removeprefix("test_").replace("/", "_")
    visit = Visit(page, site, name)
    context.on("request", lambda r: visit.requests.append(r.url))
    page.on(
        "console",
        lambda m: visit.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: visit.errors.append(f"uncaught: {e}"))
    yield visit
    context.close()
    visit.check()
