"""Keep the store's previous states and put one back: ``kg backup``, ``kg restore``, and the
snapshot every write takes before it commits.

A backup is either a directory (a pyoxigraph store, made by ``Store.backup``: RocksDB hard-links
its immutable files, so it takes milliseconds and little space on the same file system) or an
N-Quads file (``*.nq``, any backend, portable to any RDF tool). ``restore`` builds the new store
beside the old one and swaps it in by renames, as ``kg build`` and ``kg import`` do, so an
interrupted restore leaves the old store in place.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox

from kg.errors import ConfigurationError, StoreError
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

if TYPE_CHECKING:
    from kg.stores.base import Store

NQUADS_SUFFIX: Final = ".nq"


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    quads: int
    seconds: float


def recover_swap(path: Path) -> bool:
    """Put the previous store back if a swap was cut between its two renames.

    Build, import and restore all rename ``STORE`` to ``STORE.old`` and then the new store to
    ``STORE``; a crash between the two leaves no ``STORE`` but a complete ``STORE.old``. Returns
    True when it renamed ``STORE.old`` back (the store is then as before the interrupted swap).
    """
    stale = path.with_name(path.name + ".old")
    if path.exists() or not stale.is_dir():
        return False
    stale.rename(path)
    return True


def write_backup(store: Store, dest: Path, *, count: bool = True) -> BackupResult:
    """Back ``store`` up to ``dest``: a directory (pyoxigraph store, only from a pyoxigraph
    store on disk) or, when ``dest`` ends in ``.nq``, an N-Quads file. ``dest`` must not exist.

    ``count=False`` leaves the quads of a directory backup uncounted (``quads`` is -1): the
    checkpoint takes milliseconds, counting a million quads on disk most of a second, and the
    backup every write takes needs no count."""
    started = time.perf_counter()
    if dest.exists():
        raise ConfigurationError(f"{dest} exists already; choose a new name for the backup")
    dest.parent.mkdir(parents=True, exist_ok=True)
    as_nquads = dest.suffix == NQUADS_SUFFIX
    try:
        if as_nquads:
            store.dump_to(dest, "nquads")
            quads = store.count()
        elif store.checkpoint(dest):
            quads = store.count() if count else -1
        else:
            raise ConfigurationError(
                f"only a pyoxigraph store on disk can be backed up as a directory; name the "
                f"backup {dest.name}{NQUADS_SUFFIX} to write N-Quads instead"
            )
    except OSError as exc:
        raise StoreError(f"cannot write the backup {dest}: {exc}") from exc
    return BackupResult(dest, quads, time.perf_counter() - started)


class Backups:
    """The pre-write backups of one store: at most ``keep``, oldest deleted first.

    Names sort by time (``20250101T120000.123456Z-put``), so the newest is last.
    """

    def __init__(self, directory: Path, keep: int) -> None:
        self.directory = directory
        self.keep = keep

    def take(self, store: Store, label: str, *, before: ox.Store | None = None) -> Path | None:
        """Keep the state of ``store`` (or ``before``, an in-memory copy of it, for stores that
        are not pyoxigraph on disk); None when retention is 0."""
        if self.keep <= 0:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        name = f"{stamp}-{label}"
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        if not store.checkpoint(path):
            path = self.directory / (name + NQUADS_SUFFIX)
            if before is not None:
                before.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
            else:
                write_backup(store, path)
        self._prune()
        return path

    def list(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.iterdir() if not p.name.startswith("."))

    def _prune(self) -> None:
        kept = self.list()
        for old in kept[: max(0, len(kept) - self.keep)]:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)


def backup(settings: Settings, dest: Path) -> BackupResult:
    """``kg backup DEST``: the configured store, as a directory or (``*.nq``) N-Quads."""
    from kg.stores import open_configured

    path = settings.store_path()
    if path is not None:
        recover_swap(path)
    # Read-only: no lock, so this works while `kg serve` runs (RocksDB reads a consistent
    # snapshot); a write committed meanwhile is in the next backup.
    store = open_configured(settings, read_only=True)
    try:
        return write_backup(store, dest)
    finally:
        store.close()


def restore(settings: Settings, source: Path) -> BackupResult:
    """``kg restore SRC``: make the configured store hold exactly the quads of a backup.

    The state being replaced is kept first (in the pre-write backups, ``KG_BACKUP_DIR``), so a
    restore can itself be undone. A running ``kg serve`` keeps serving what it loaded: restart it.
    """
    started = time.perf_counter()
    if not source.exists():
        raise ConfigurationError(f"there is no backup at {source}")
    path = settings.store_path()
    if path is None and not settings.store.startswith("sparql:"):
        raise ConfigurationError(
            "restore needs a store on disk or a SPARQL server (KG_STORE); an in-memory store "
            "lives only as long as its process"
        )
    backups = Backups(settings.backups_path(), max(settings.backup_keep, 1))
    if path is None:
        quads = _restore_server(settings, source, backups)
        return BackupResult(source, quads, time.perf_counter() - started)
    recover_swap(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=path.name + ".restore-", dir=path.parent))
    fresh.rmdir()  # Store.backup and ox.Store create it
    try:
        if source.is_dir():
            kept = OxigraphStore(source, read_only=True)
            kept.checkpoint(fresh)
            kept.close()
        else:
            loaded = ox.Store(str(fresh))
            loaded.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
            loaded.flush()
            del loaded
        check = OxigraphStore(fresh, read_only=True)
        quads = check.count()
        check.close()
    except (OSError, SyntaxError) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise StoreError(f"cannot read the backup {source}: {exc}") from exc
    stale = path.with_name(path.name + ".old")
    shutil.rmtree(stale, ignore_errors=True)
    if path.is_dir():
        # Opening it read-write takes its lock: a writer (kg serve mid-write, kg import) makes
        # this fail with a clear StoreError instead of losing that write to the swap.
        try:
            current = OxigraphStore(path)
        except StoreError:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        try:
            backups.take(current, "restore")
        finally:
            current.close()
        path.rename(stale)
    fresh.rename(path)
    shutil.rmtree(stale, ignore_errors=True)
    return BackupResult(source, quads, time.perf_counter() - started)


def _restore_server(settings: Settings, source: Path, backups: Backups) -> int:
    """Replace every graph of ours on a SPARQL server with the backup's; drop the others.

    Each graph is swapped atomically (staging graph and MOVE); the set of graphs is not, so a
    reader may see some graphs restored and others not while this runs.
    """
    from kg.stores import open_configured

    if source.is_dir():
        kept = OxigraphStore(source, read_only=True)
        data = kept.dump("nquads")
        kept.close()
    else:
        data = source.read_bytes()
    try:
        quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise StoreError(f"cannot read the backup {source}: {exc}") from exc
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise StoreError(f"{source} has triples outside a named graph; cannot restore them")
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    store = open_configured(settings)
    try:
        backups.take(store, "restore")
        for name, triples in sorted(graphs.items()):
            store.replace_graph(name, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        for name in set(store.graphs()) - set(graphs):
            store.replace_graph(name, b"")
    finally:
        store.close()
    return len(quads)


__all__ = ["BackupResult", "Backups", "backup", "recover_swap", "restore", "write_backup"]
