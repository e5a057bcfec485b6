"""Shared fixtures: one validated build of the shipped data per test session, served by each
store backend in turn."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _kept_open import KeptOpen
from _servers import Server, free_port, load_built
from _small_stores import MONEY_TTL, small_store

from kg.build import Assembled, BuildResult, assemble, build
from kg.settings import Settings
from kg.sources import Inputs, discover
from kg.stores.base import Store
from kg.stores.memory import MemoryStore
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def pytest_sessionstart(session: pytest.Session) -> None:
    """The browser tests' screenshots are of this run only: cleared once, before any xdist
    worker starts (a worker clearing them at its first browser test deleted the files, and
    the folder, another worker was writing: 25 errors at -n 4)."""
    if hasattr(session.config, "workerinput") or "KG_BROWSER_ARTIFACTS" in os.environ:
        return
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from browsing import ARTIFACTS  # tests/browser/browsing.py

    shutil.rmtree(ARTIFACTS, ignore_errors=True)


#: Fixtures each pytest-xdist worker would otherwise build for itself, for the tests it
#: happens to get: a Virtuoso loaded with the IATI fixture and the importer's run over the
#: sample files (7 s and 3.5 s, measured twice per run), the browser tests' site (the build
#: with an IATI file imported, served) and Chromium. The tests that use one form an
#: ``xdist_group``, which one worker runs, building the fixture once.
ONE_WORKER_FIXTURES = {"iati_store": "iati-stores", "imported": "iati-imported", "site": "browser"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give the tests that must share a worker their ``xdist_group``."""
    for item in items:
        group = _group_of(item)
        if group is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group))


#: The group of the tests marked ``serial``: they time deadlines of a second, so one worker
#: runs them one after another (two at once on two cores would compete for them).
SERIAL_GROUP = "serial"


def _group_of(item: pytest.Item) -> str | None:
    """``SERIAL_GROUP`` for a test marked serial, else the group of the first of
    ``ONE_WORKER_FIXTURES`` it uses, if any."""
    if item.get_closest_marker("serial") is not None:
        return SERIAL_GROUP
    used = getattr(item, "fixturenames", ())
    return next((g for name, g in ONE_WORKER_FIXTURES.items() if name in used), None)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(root=ROOT, store=str(tmp_path_factory.mktemp("kg") / "store"))


@pytest.fixture(scope="session")
def inputs() -> Inputs:
    return discover(ROOT)


@pytest.fixture(scope="session")
def assembled(inputs: Inputs) -> Assembled:
    return assemble(inputs)


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    return build(settings)


@pytest.fixture(scope="session")
def built_in_memory(built: BuildResult) -> Iterator[OxigraphStore]:
    """The session build copied into memory once, never written: the tests that need a private
    store of the shipped data copy it from here, 5x faster than from the directory (0.03 s, not
    0.15 s, a copy)."""
    assert built.store is not None
    store = OxigraphStore.in_memory_copy(built.store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def money_store() -> Iterator[OxigraphStore]:
    """The ontology plus ``MONEY_TTL`` (made-up fundings in two currencies), in memory."""
    store = small_store(MONEY_TTL)
    yield store
    store.close()


#: Every store backend the shared suite runs against; see ``store``.
BACKENDS = ["oxigraph", "memory", "virtuoso"]
#: The backends of the HTTP suites (every test that uses ``api_client``): the embedded store
#: and a SPARQL server. rdflib answers the same named queries (test_store_backends.py proves
#: every one of them equal on every backend), so serving each REST route from it as well
#: tested the app a third time and cost a third of the suite's time.
HTTP_BACKENDS = ["oxigraph", "virtuoso"]
#: Besides these, ``store`` serves "oxigraph-server", a second SPARQL server vendor
#: (Oxigraph's own HTTP server), to the tests in test_store_backends.py that prove the sparql:
#: store on any SPARQL 1.1 server; not to the whole shared suite, which would repeat on the
#: same engine what the embedded pyoxigraph backend already shows, and take longer.


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that needs a ``backend`` once per backend (``HTTP_BACKENDS`` for the
    HTTP suites), unless it chose its own with ``@pytest.mark.parametrize("backend", ...)``.

    Parametrized here rather than by ``params=`` on the fixture so that the list can depend
    on the test; session scope keeps each backend's store and server up for all its tests."""
    if "backend" not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0] if marker.args else marker.kwargs.get("argnames", "")
        if "backend" in (
            [n.strip() for n in names.split(",")] if isinstance(names, str) else names
        ):
            return
    chosen = HTTP_BACKENDS if "api_client" in metafunc.fixturenames else BACKENDS
    metafunc.parametrize("backend", chosen, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The backend this test runs on (``pytest_generate_tests`` parametrizes it)."""
    return str(request.param)


@pytest.fixture(scope="session")
def kept_open() -> Iterator[KeptOpen]:
    with contextlib.ExitStack() as stack:
        yield KeptOpen(stack)


@pytest.fixture(scope="session")
def store(
    built: BuildResult, backend: str, kept_open: KeptOpen, request: pytest.FixtureRequest
) -> Store:
    """The session build of the shipped data, served by each backend in turn.

    Every test that uses this fixture (directly or through ``api_client``) runs
    once per backend: the built pyoxigraph store itself; rdflib (``MemoryStore``) loaded from
    its N-Quads; and a Virtuoso server loaded with its graphs through ``replace_graph``
    (SPARQL Update), or Oxigraph's server (Graph Store Protocol), for the tests marked
    ``ON_EVERY_SERVER``. Each is opened once per session (``KeptOpen``).
    """
    assert built.store is not None
    path = built.store

    def open_() -> contextlib.closing[Store]:
        opened: Store
        if backend == "oxigraph":
            opened = OxigraphStore(path, read_only=True)
        elif backend == "memory":
            opened = MemoryStore.copy_of(path)
        else:
            server: Server = request.getfixturevalue("sparql_server")
            opened = server.store(gsp=backend == "oxigraph-server")
            load_built(opened, path)
        return contextlib.closing(opened)

    return kept_open.get(("store", backend), open_)


@pytest.fixture(scope="session")
def sparql_server(backend: str, request: pytest.FixtureRequest) -> Server:
    """The endpoints of the backend's SPARQL server (``virtuoso`` or ``oxigraph-server``)."""
    if backend == "virtuoso":
        base = request.getfixturevalue("virtuoso")
        return Server(base + "/sparql", base + "/sparql", base + "/sparql-graph-crud")
    if backend == "oxigraph-server":
        base = request.getfixturevalue("oxigraph_server")
        return Server(base + "/query", base + "/update", base + "/store")
    raise ValueError(f"{backend} is not a SPARQL server backend")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Oxigraph's own SPARQL server (``oxigraph serve``, PyPI package ``oxigraph``, a dev
    dependency), in memory on 127.0.0.1, for the whole session: its base URL (``/query``,
    ``/update``, ``/store`` for the Graph Store Protocol). Starts in well under a second.

    Without the ``oxigraph`` command this skips, except in CI (``CI`` set), where it fails.
    """
    binary = Path(sys.executable).with_name("oxigraph")
    command = str(binary) if binary.is_file() else shutil.which("oxigraph")
    if command is None:
        reason = "Oxigraph's server is not installed (pip install oxigraph: a dev dependency)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must test the sparql backend on a second vendor")
        pytest.skip(reason)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("oxigraph-server") / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [command, "serve", "--bind", f"127.0.0.1:{port}"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(base + "/query?query=ASK%7B%7D", process, log, seconds=30)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, *, seconds: float) -> None:
    """Until ``url`` answers 200; fails the test if the server exits or stays silent."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            output = log.read_text(errors="replace")
            pytest.fail(f"the server exited ({process.returncode}) before answering:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the server did not answer at {url} within {seconds:.0f} s")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def virtuoso_template() -> Path:
    """Where the test Virtuoso servers keep the initialised database they start from
    (``scripts/virtuoso.py --template``): made by the first server of a checkout, copied by
    every later one, of this run (both xdist workers) and the next, until the
    Virtuoso binary changes."""
    binary = Path(shutil.which("virtuoso-t") or "virtuoso-t")
    made_by = binary.stat() if binary.is_file() else None
    key = f"{made_by.st_size}-{int(made_by.st_mtime)}" if made_by else "none"
    return ROOT / ".pytest_cache" / f"virtuoso-template-{key}"


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, virtuoso_template: Path) -> Iterator[str]:
    """A throwaway Virtuoso 7 on 127.0.0.1 (scripts/virtuoso.py), for the whole session: the
    base URL, where /sparql queries and updates (anonymous: a test instance only) and
    /sparql-graph-crud takes Graph Store Protocol requests.

    Without Virtuoso installed this skips, except in CI (``CI`` set), where it fails: the
    sparql backend must be tested there.
    """
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso"), virtuoso_template) as base:
        yield base


@pytest.fixture(scope="session")
def start_virtuoso(
    virtuoso_template: Path,
) -> Callable[[Path], contextlib.AbstractContextManager[str]]:
    """``with start_virtuoso(folder) as base:`` a Virtuoso of its own (``virtuoso_server``)."""
    return functools.partial(virtuoso_server, template=virtuoso_template)


@contextlib.contextmanager
def virtuoso_server(folder: Path, template: Path) -> Iterator[str]:
    """A Virtuoso of its own in ``folder`` (see ``virtuoso``), for data that must not meet the
    shipped data's server, started from the database in ``template``: its base URL, until the
    block ends."""
    if shutil.which("virtuoso-t") is None or not VIRTUOSO_INI.is_file():
        reason = "Virtuoso 7 is not installed (apt-get install virtuoso-opensource)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must test the sparql backend (.ci/run installs it)")
        pytest.skip(reason)
    script = str(ROOT / "scripts" / "virtuoso.py")
    http_port, isql_port = free_port(), free_port()
    ports = ["--http-port", str(http_port), "--isql-port", str(isql_port)]
    # A few thousand triples: 80 MB of cache is plenty (the script's default is for 1M).
    options = [*ports, "--template", str(template), "--buffers", "10000"]
    started = subprocess.run(
        [sys.executable, script, "start", str(folder), *options],
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        assert started.returncode == 0, f"Virtuoso did not start:\n{started.stdout}{started.stderr}"
        yield f"http://127.0.0.1:{http_port}"
    finally:
        stop = [sys.executable, script, "stop", str(folder), "--discard"]
        subprocess.run(stop, timeout=60, check=False)
