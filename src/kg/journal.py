"""The recovery record of a write that replaces several graphs of a SPARQL server one by one.

Why: a SPARQL server takes each graph in its own request (``SparqlStore.replace_graph``:
staged, then one ``MOVE``), and Virtuoso does not make a request of several operations one
transaction either (measured: ``MOVE ...; LOAD <unreachable>`` kept the MOVE after the LOAD
failed). A write touching a data graph and the derived graph, or several data graphs, killed
between two of them would leave new data beside an old derived graph. So before the first graph
is replaced, the old content of every graph the write replaces is written to a record on disk;
the record is removed once the last one is in. Whoever opens the store to write next (the
server at startup, a write, ``kg`` commands that write) finds a record left by a crash and puts
those graphs back as they were (``recover``): the write happened wholly or not at all.

The record is a directory (``.pending-write`` among the backups, where ``Backups`` does not list
it): one N-Triples file per graph and a manifest, written under a temporary name and renamed, so
a crash while writing it leaves no record and no graph touched yet. Replaying a record is
idempotent: a crash during recovery is recovered from the same way.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from kg.errors import KGError
from kg.stores.base import Store

#: The record's name among the backups (dot first: ``Backups.list`` skips it).
NAME: Final = ".pending-write"
_MANIFEST: Final = "manifest.json"


def record_path(backups: Path) -> Path:
    """Where the record of a write in progress lives, for a store whose backups go to
    ``backups``."""
    return backups / NAME


@contextmanager
def all_or_nothing(
    store: Store, backups: Path, previous: ox.Store, graphs: Sequence[str]
) -> Iterator[None]:
    """Around replacing ``graphs`` of ``store`` one by one: the record of their content in
    ``previous`` (the state before) exists for exactly as long as the block runs. When the
    block raises, the graphs are put back from the record at once; if the store fails that too,
    the record stays for the next writer's ``recover``."""
    record = record_path(backups)
    temporary = record.with_name(NAME + ".tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    files = {}
    for number, graph in enumerate(graphs):
        name = f"{number}.nt"
        found = previous.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        ox.serialize((q.triple for q in found), str(temporary / name), ox.RdfFormat.N_TRIPLES)
        files[graph] = name
    (temporary / _MANIFEST).write_text(json.dumps({"graphs": files}, indent=1), encoding="utf-8")
    _sync(temporary)
    temporary.rename(record)
    _sync(record.parent)
    try:
        yield
    except BaseException:
        with contextlib.suppress(KGError):
            recover(store, backups)
        raise
    _remove(record)


def recover(store: Store, backups: Path) -> list[str]:
    """Put back the graphs a write was replacing when it was cut off (a record left behind),
    and remove the record; the graphs put back (none without a record)."""
    record = record_path(backups)
    manifest = record / _MANIFEST
    if not manifest.is_file():
        shutil.rmtree(record.with_name(NAME + ".tmp"), ignore_errors=True)
        return []
    files: dict[str, str] = json.loads(manifest.read_text(encoding="utf-8"))["graphs"]
    for graph, name in files.items():
        store.replace_graph(graph, (record / name).read_bytes())
    store.refresh()
    _remove(record)
    return list(files)


def _remove(record: Path) -> None:
    # Renamed away first: a crash while deleting leaves no half record to replay.
    gone = record.with_name(NAME + ".done")
    shutil.rmtree(gone, ignore_errors=True)
    record.rename(gone)
    shutil.rmtree(gone, ignore_errors=True)


def _sync(directory: Path) -> None:
    """Flush a directory's entries (and its files) to disk, so the rename that follows is
    never seen before what it names."""
    for entry in directory.iterdir():
        if entry.is_file():
            with entry.open("rb") as opened:
                os.fsync(opened.fileno())
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
