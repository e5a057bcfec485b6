"""Run user queries where a deadline can stop them: worker processes that are killed at it.

Neither engine can be interrupted from Python (docs/measured.md): pyoxigraph releases the GIL
but has no cancel, rdflib holds the GIL for the whole evaluation. A thread that stops waiting
leaves the query running (and, on rdflib, the whole server stalled), so a query that must be
stoppable runs in a worker process, and the deadline kills that process. What each store needs:

* **pyoxigraph or rdflib in memory without a directory** (tests): the worker loads a
  snapshot, an N-Quads file written from the served store into a private temporary directory
  (6k quads: a few ms; pyoxigraph parses 1M quads in about 4 s).
* **pyoxigraph with a directory** (``kg serve``, whether it serves the directory or an
  in-memory copy of it): the worker opens the directory with ``Store.read_only``, which
  pyoxigraph 0.5.13 allows beside a process that holds the store open, read-write or
  read-only (measured), and which sees the writes made before it opened (writes commit to the
  directory before the served copy is swapped). No copy: a snapshot would put the data in RAM
  once more per worker. User queries then run on RocksDB, 3-6x slower than in memory.
* **a SPARQL server** (``sparql:``): the server does the work, so the query runs in a thread
  here, the request carries the deadline to the server (``timeout``: Virtuoso stops the
  query) and as the HTTP timeout, and the client is answered at the deadline either way.
* **any other store object** (tests' spies): a thread, which can only stop waiting.

Workers come from a ``forkserver``: forked from a clean single-threaded process that has
imported the engines once (0.5 s, once per server), so a worker starts in about 5 ms, not
the half second of a ``spawn``, and nothing is forked from the threaded server. They start
on the first query, so apps that never see one (most tests) never start any. There are
``KG_QUERY_WORKERS`` of them (default 1; one loading a snapshot holds its own copy). A request
waits for a free worker, and that wait counts against its deadline; at the deadline the
worker is killed (SIGKILL) and a replacement started at once, so the next query finds one
ready. ``data_changed()`` (called after every committed write) makes every worker reload
before its next query, and that query answers from the new data.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import resource
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Final, Generic, Literal, TypeVar

import pyoxigraph as ox

from kg.api.problems import Problem, to_problem
from kg.errors import QueryTimeoutError, StoreError
from kg.settings import Settings
from kg.stores.base import Store
from kg.stores.memory import MemoryStore
from kg.stores.oxigraph import OxigraphStore

log = logging.getLogger(__name__)

J = TypeVar("J")
R = TypeVar("R")
#: What a worker runs: ``work(store, job, seconds_left)``, a module-level function (it is sent
#: to the worker by name) returning something picklable.
Work = Callable[[Store, J, float], R]

#: Modules the forkserver imports once, so that workers start without importing them.
PRELOAD: Final = ["kg.api.query_runner", "kg.api.sparql_eval", "kg.stores.memory"]
#: Longest wait for a worker to load its data before a query gives up on it.
START_TIMEOUT: Final = 600.0
#: Threads for a store that cannot run in a process: at least this many queries at once.
MIN_THREADS: Final = 4


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a worker finds its data; ``generation`` counts ``data_changed`` calls."""

    kind: Literal["oxigraph-dir", "oxigraph-nquads", "rdflib-nquads"]
    path: str
    generation: int

    def open(self) -> Store:
        if self.kind == "oxigraph-dir":
            return _open_across_swaps(Path(self.path))
        if self.kind == "oxigraph-nquads":
            store = OxigraphStore()
            store.native.bulk_load(path=self.path, format=ox.RdfFormat.N_QUADS)
            return store
        memory = MemoryStore()
        memory.load_nquads(Path(self.path).read_bytes())
        return memory


#: Pauses before opening a store directory again, when a write was swapping it in (seconds).
SWAP_RETRIES: Final = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


def _open_across_swaps(path: Path) -> OxigraphStore:
    """The store directory ``path``, read-only, opened again if a write's swap (two renames:
    the old directory aside, the new one in) was under way: RocksDB then finds the directory
    gone or its files moved ("IO error: No such file or directory"), which the load test saw
    as a 503 every few dozen writes. The swap takes milliseconds; a store that stays
    unreadable through the pauses raises as before."""
    for pause in SWAP_RETRIES:
        try:
            return OxigraphStore(path, read_only=True)
        except Exception:  # whatever RocksDB says, the next try decides
            time.sleep(pause)
    return OxigraphStore(path, read_only=True)


def _worker_main(conn: Connection, source: _Source, memory_bytes: int | None = None) -> None:
    """A worker: load the data, then answer ``(work, job, seconds)`` messages until told to
    stop or the server is gone. Errors go back as problem fields (exceptions with keyword
    arguments do not survive pickling), with the traceback when they are the server's fault.

    ``memory_bytes`` caps the worker's address space (RLIMIT_AS): past it an allocation
    fails, as a ``MemoryError`` in Python (answered as 503, then the worker exits, since its
    heap may be left fragmented) or an abort in the engine (the worker dies; the server
    answers 503 and starts another). Either way the machine keeps its memory.
    """
    # Ctrl-C in a terminal reaches the whole process group; the server stops its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        store = source.open()
    except BaseException as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        work, job, seconds = message
        try:
            reply: tuple[Any, ...] = ("ok", work(store, job, seconds))
        except MemoryError:
            reply = ("problem", _fields(_out_of_memory(memory_bytes)), None)
            conn.send(reply)
            return
        except Exception as exc:
            problem = to_problem(exc)
            trace = traceback.format_exc() if problem.status >= 500 else None
            reply = ("problem", _fields(problem), trace)
        conn.send(reply)


def _out_of_memory(memory_bytes: int | None) -> Problem:
    limit = f" ({memory_bytes // 2**20} MiB, KG_QUERY_WORKER_MEMORY_MB)" if memory_bytes else ""
    return Problem(
        503,
        f"The query needed more memory than a query worker may use{limit}; it was stopped. "
        "Narrow it (fewer patterns, LIMIT) or ask less of one answer.",
        type_="query-out-of-memory",
        title="Query ran out of memory",
    )


def _fields(problem: Problem) -> dict[str, Any]:
    return {
        "status": problem.status,
        "detail": problem.detail,
        "type": problem.type,
        "title": problem.title,
        "headers": problem.headers,
        "extensions": problem.extensions,
    }


def _problem(fields: dict[str, Any]) -> Problem:
    problem = Problem(
        fields["status"],
        fields["detail"],
        title=fields["title"],
        headers=fields["headers"],
        **fields["extensions"],
    )
    problem.type = fields["type"]
    return problem


class _Slot:
    """One query at a time: a worker process (or, for a store that cannot be copied into
    one, the calling thread). Owned by one request at a time, through the runner's queue."""

    def __init__(self, runner: QueryRunner[Any, Any]) -> None:
        self._runner = runner
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._generation = -1
        self.needs_restart = False

    def call(self, work: Work[J, R], job: J, deadline: float) -> R:
        runner = self._runner
        if not runner.uses_processes:
            return work(runner.store(), job, max(0.0, deadline - time.monotonic()))
        conn = self.start()
        left = deadline - time.monotonic()
        if left <= 0:  # the start used up the time; the worker stays for the next query
            raise runner.timeout_error()
        conn.send((work, job, left))
        if not conn.poll(max(0.0, deadline - time.monotonic())):
            self.stop(kill=True)
            self.needs_restart = True
            raise runner.timeout_error()
        try:
            reply = conn.recv()
        except (EOFError, OSError):
            process = self._process
            self.stop(kill=True)
            code = process.exitcode if process is not None else None
            self.needs_restart = True
            raise StoreError(
                f"the query worker stopped while evaluating (exit code {code}); it was "
                "replaced. A query that needs more memory than a worker may use "
                "(KG_QUERY_WORKER_MEMORY_MB) ends this way: "
                "narrow it or add LIMIT."
            ) from None
        if reply[0] == "ok":
            return reply[1]  # type: ignore[no-any-return]
        if reply[2]:
            log.error("query worker: %s", reply[2])
        raise _problem(reply[1])

    def start(self) -> Connection:
        """The worker, started (or restarted after ``data_changed``) and loaded."""
        runner = self._runner
        if self._conn is not None and self.alive() and self._generation == runner.generation:
            return self._conn
        self.stop()
        source = runner.source()
        parent, child = runner.context.Pipe()
        process = runner.context.Process(
            target=_worker_main,
            args=(child, source, runner.memory_bytes),
            name="kg-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn, self._generation = process, parent, source.generation
        self.needs_restart = False
        try:
            ready = parent.poll(START_TIMEOUT)
            status, detail = parent.recv() if ready else ("failed", "no answer")
        except (EOFError, OSError):
            status, detail = "failed", f"exit code {process.exitcode}"
        if status != "ready":
            self.stop(kill=True)
            raise StoreError(f"a query worker could not load the data: {detail}")
        return parent

    def alive(self) -> bool:
        """Whether this slot's worker process is running."""
        return self._process is not None and self._process.is_alive()

    def stop(self, *, kill: bool = False) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError):
                if not kill:
                    conn.send(None)
            conn.close()
        if process is not None:
            if kill:
                process.kill()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)


class QueryRunner(Generic[J, R]):
    """Runs ``work(store, job, seconds_left)`` under a deadline, in a worker process when the
    store can be copied into one (see the module docstring), else in a thread.

    ``store`` returns the store being served (read again at every reload, so a store the app
    swaps is followed); ``on_disk`` is the directory of a store served from disk, which
    workers open themselves instead of loading a snapshot.
    """

    def __init__(
        self,
        store: Callable[[], Store],
        *,
        timeout: float,
        workers: int = 1,
        on_disk: Path | None = None,
        memory_bytes: int | None = None,
    ) -> None:
        self.store = store
        self.memory_bytes = memory_bytes
        self.timeout = timeout
        self.on_disk = on_disk
        self.uses_processes = store().in_process
        self.generation = 0
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        count = workers if self.uses_processes else max(workers, MIN_THREADS)
        self._slots = [_Slot(self) for _ in range(count)]
        self._threads = ThreadPoolExecutor(count, thread_name_prefix="kg-query")
        self._lock = threading.Lock()
        self._snapshot: _Source | None = None
        self._folder: Path | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._free: asyncio.Queue[_Slot] | None = None
        self._closed = False
        #: Whether ``start`` was called: a worker was started before any query asked.
        self.started_ahead = False

    async def start(self) -> None:
        """Start one worker in the background, so that the first query finds it ready: the
        forkserver's imports take 0.5-1.5 s once per server, then the data loads. A query
        arriving meanwhile waits for it, within its deadline. Served apps call it at startup;
        an app handed a store (tests, embedding) does not, and starts a worker at its first
        query: most test apps never see one, and a snapshot and a worker cost each of them
        0.1-0.5 s of CPU."""
        free = self._queue()
        self.started_ahead = True
        if self.uses_processes:
            slot = free.get_nowait()
            started = self._threads.submit(slot.start)
            started.add_done_callback(lambda done: self._started(slot, done))

    async def run(self, work: Work[J, R], job: J) -> R:
        """``work``'s answer, or ``QueryTimeoutError`` at the deadline, or 503 when every
        worker stayed busy until then."""
        deadline = time.monotonic() + self.timeout
        free = self._queue()
        try:
            slot = await asyncio.wait_for(free.get(), timeout=self.timeout)
        except TimeoutError:
            raise Problem(
                503,
                f"All {len(self._slots)} query workers stayed busy for {self.timeout:g} s "
                "(KG_QUERY_TIMEOUT). Try again shortly.",
                type_="query-workers-busy",
                title="Query workers busy",
                headers={"Retry-After": str(max(1, round(self.timeout)))},
            ) from None
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[R] = loop.create_future()
        future = self._threads.submit(slot.call, work, job, deadline)
        future.add_done_callback(lambda done: self._finished(slot, done, answer))
        try:
            return await asyncio.wait_for(answer, timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            raise self.timeout_error() from None

    def running(self) -> int:
        """How many worker processes are alive now."""
        return sum(slot.alive() for slot in self._slots)

    def timeout_error(self) -> QueryTimeoutError:
        return QueryTimeoutError(
            f"The query did not finish within {self.timeout:g} s, this endpoint's limit "
            "(KG_QUERY_TIMEOUT), and was stopped. Narrow the patterns or add LIMIT; for long "
            "analyses run `kg query` on a local build."
        )

    def data_changed(self) -> None:
        """The served data changed: every worker reloads before its next query. Cheap and
        safe from any thread; the snapshot is written when a worker next needs it."""
        with self._lock:
            self.generation += 1

    def source(self) -> _Source:
        """The data for a worker of the current generation (a snapshot is written once per
        generation and shared by the workers)."""
        with self._lock:
            generation = self.generation
            if self._snapshot is not None and self._snapshot.generation == generation:
                return self._snapshot
            if self.on_disk is not None:
                self._snapshot = _Source("oxigraph-dir", str(self.on_disk), generation)
                return self._snapshot
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="kg-query-"))
            stale = self._snapshot
            store = self.store()
            path = self._folder / f"snapshot-{generation}.nq"
            store.dump_to(path, "nquads")
            # The worker evaluates with the engine the server would have used.
            kind: Literal["oxigraph-nquads", "rdflib-nquads"] = (
                "oxigraph-nquads" if store.pyoxigraph() is not None else "rdflib-nquads"
            )
            self._snapshot = _Source(kind, str(path), generation)
            if stale is not None and stale.kind != "oxigraph-dir":
                # A worker still loading it keeps reading: the file lives until it is closed.
                Path(stale.path).unlink(missing_ok=True)
            return self._snapshot

    def close(self) -> None:
        """Stop every worker (killing any still busy) and remove the snapshots."""
        self._closed = True
        for slot in self._slots:
            slot.stop(kill=True)
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    def _queue(self) -> asyncio.Queue[_Slot]:
        # Made on first use, in the event loop that serves requests.
        if self._free is None:
            self._loop = asyncio.get_running_loop()
            self._free = asyncio.Queue()
            for slot in self._slots:
                self._free.put_nowait(slot)
        return self._free

    def _finished(self, slot: _Slot, done: Future[R], answer: asyncio.Future[R]) -> None:
        """In the worker thread: hand the result to the request, if it still waits, and the
        slot back to the queue, after restarting a killed worker so the next query finds
        one ready."""
        self._call_in_loop(_settle, answer, done)
        if slot.needs_restart and not self._closed:
            with contextlib.suppress(RuntimeError):  # the pool shut down meanwhile
                restart = self._threads.submit(slot.start)
                restart.add_done_callback(lambda started: self._started(slot, started))
                return
        self._release(slot)

    def _started(self, slot: _Slot, started: Future[Connection]) -> None:
        error = None if started.cancelled() else started.exception()
        if error is not None and not self._closed:  # the next query will try again
            log.warning("could not start a query worker: %s", error)
        self._release(slot)

    def _release(self, slot: _Slot) -> None:
        if self._closed:
            slot.stop(kill=True)
        elif self._free is not None:
            self._call_in_loop(self._free.put_nowait, slot)

    def _call_in_loop(self, function: Callable[..., object], *args: Any) -> None:
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed: the app has stopped
                self._loop.call_soon_threadsafe(function, *args)


def _settle(answer: asyncio.Future[R], done: Future[R]) -> None:
    if answer.done():  # the request gave up at its deadline
        return
    error = done.exception()
    if error is not None:
        answer.set_exception(error)
    else:
        answer.set_result(done.result())


def worker_memory_bytes(settings: Settings) -> int | None:
    """The address space one query worker may use (``KG_QUERY_WORKER_MEMORY_MB``), or None for
    no limit: unset, half the machine's RAM shared by the workers, so that they cannot take
    it all whatever users ask."""
    if settings.query_worker_memory_mb == 0:
        return None
    if settings.query_worker_memory_mb is not None:
        return settings.query_worker_memory_mb * 2**20
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return ram // 2 // max(1, settings.query_workers)
