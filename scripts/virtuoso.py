"""Start or stop a throwaway Virtuoso 7 (Debian's virtuoso-opensource) on 127.0.0.1 for tests.

    python3 scripts/virtuoso.py start DIR [--http-port 8890] [--isql-port 1111] [--template TDIR]
        [--buffers 170000]
    python3 scripts/virtuoso.py stop DIR [--discard]

`start` copies the packaged virtuoso.ini with every database path inside DIR and both ports bound
to 127.0.0.1, starts `virtuoso-t +wait`, waits for /sparql to answer, lets the anonymous SPARQL
user update (a test instance only: production uses /sparql-auth, see docs/virtuoso.md), and prints
the endpoint URL. With `--template TDIR` the server starts from a copy of a database Virtuoso
has already initialised (made in TDIR the first time, under a lock, so that the test processes
of one run share it): 1 s of CPU instead of 4 for each throwaway server. `stop` kills the server
by the pid in its lock file. Stdlib only, so CI can run it
before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import configparser
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: 8 KB pages of buffer cache: 1.3 GB, for the benchmarks' million triples (docs/virtuoso.md).
#: The tests' few thousand pass --buffers 10000 (80 MB, the packaged default): each of their
#: servers then starts and stops with less memory to map and unmap.
BUFFERS = 170_000


def write_config(folder: Path, http_port: int, isql_port: int, buffers: int = BUFFERS) -> Path:
    """A copy of the packaged configuration that keeps everything inside ``folder``."""
    config = configparser.RawConfigParser(strict=False, inline_comment_prefixes=(";",))
    config.optionxform = str  # type: ignore[assignment,method-assign]
    config.read(PACKAGED_INI)
    database = {
        "DatabaseFile": "virtuoso.db",
        "ErrorLogFile": "virtuoso.log",
        "LockFile": "virtuoso.lck",
        "TransactionFile": "virtuoso.trx",
        "xa_persistent_file": "virtuoso.pxa",
    }
    for key, name in database.items():
        config.set("Database", key, str(folder / name))
    config.set("TempDatabase", "DatabaseFile", str(folder / "virtuoso-temp.db"))
    config.set("TempDatabase", "TransactionFile", str(folder / "virtuoso-temp.trx"))
    config.set("Parameters", "ServerPort", f"127.0.0.1:{isql_port}")
    config.set("Parameters", "DirsAllowed", f"., {folder}, /usr/share/virtuoso-opensource-7/vad")
    config.set("Parameters", "NumberOfBuffers", str(buffers))
    config.set("Parameters", "MaxDirtyBuffers", str(buffers * 13 // 17))  # 130000 of 170000
    config.set("HTTPServer", "ServerPort", f"127.0.0.1:{http_port}")
    config.set("SPARQL", "ResultSetMaxRows", "1000000")
    # The planner's cost estimate refused coop-kg's search at 1M triples ("estimated execution
    # time 1685 (sec) exceeds the limit of 400") although it runs in under a second: off (0).
    # Time is bounded by the deadline each request carries instead (``timeout``).
    config.set("SPARQL", "MaxQueryCostEstimationTime", "0")
    path = folder / "virtuoso.ini"
    with path.open("w") as handle:
        config.write(handle)
    return path


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"Virtuoso did not answer at {url} within {seconds:.0f} s")
        time.sleep(0.3)


def isql(isql_port: int, statement: str) -> None:
    subprocess.run(
        ["isql-vt", f"127.0.0.1:{isql_port}", "dba", "dba", f"exec={statement}"],
        check=True,
        capture_output=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def template_database(template: Path) -> Path:
    """``template``/virtuoso.db: a database a Virtuoso initialised (the grants below included)
    and shut down cleanly after a checkpoint, made once. Initialising is most of a start (4 s of
    CPU against 1 s from a copy); several processes may ask at once, hence the lock."""
    template.mkdir(parents=True, exist_ok=True)
    database = template / "virtuoso.db"
    with (template / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not database.is_file():
            scratch = template / "scratch"
            shutil.rmtree(scratch, ignore_errors=True)
            isql_port = free_port()
            start(scratch, free_port(), isql_port, quiet=True)
            try:
                isql(isql_port, "checkpoint;")
            finally:
                stop(scratch)
            (scratch / "virtuoso.db").replace(database)
            shutil.rmtree(scratch, ignore_errors=True)
    return database


def start(
    folder: Path,
    http_port: int,
    isql_port: int,
    *,
    template: Path | None = None,
    quiet: bool = False,
    buffers: int = BUFFERS,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if template is not None:
        shutil.copyfile(template_database(template), folder / "virtuoso.db")
    config = write_config(folder.resolve(), http_port, isql_port, buffers)
    subprocess.run(["virtuoso-t", "+configfile", str(config), "+wait"], check=True, cwd=folder)
    url = f"http://127.0.0.1:{http_port}/sparql"
    wait_for(url, 60)
    if template is None:  # a template's database has them already (template_database)
        isql(isql_port, 'GRANT SPARQL_UPDATE TO "SPARQL";')
        isql(isql_port, 'GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL";')
    if not quiet:
        print(url)


def stop(folder: Path, *, discard: bool = False) -> None:
    """Shut the server in ``folder`` down (it checkpoints first), or with ``discard`` kill it
    at once: a throwaway server's database is deleted with its folder (stopping one after a
    write: 1.9 s, killed 1.3 s)."""
    lock = folder / "virtuoso.lck"
    if not lock.is_file():
        return
    for line in lock.read_text().splitlines():
        if line.startswith("VIRT_PID="):
            pid = int(line.split("=", 1)[1])
            try:
                os.kill(pid, signal.SIGKILL if discard else signal.SIGTERM)
            except ProcessLookupError:
                return
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--http-port", type=int, default=8890)
    parser.add_argument("--isql-port", type=int, default=1111)
    parser.add_argument("--template", type=Path, help="start from a copy of the database here")
    parser.add_argument("--buffers", type=int, default=BUFFERS, help="8 KB pages of cache")
    parser.add_argument("--discard", action="store_true", help="stop: kill, no checkpoint")
    args = parser.parse_args()
    if args.action == "start":
        start(
            args.folder,
            args.http_port,
            args.isql_port,
            template=args.template,
            buffers=args.buffers,
        )
    else:
        stop(args.folder, discard=args.discard)


if __name__ == "__main__":
    sys.exit(main())
