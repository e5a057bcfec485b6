"""Import an IATI activity file into a named graph: ``kg import iati FILE_OR_DIR...``.

The file is read as a stream (``kg._safe_xml``: refused when hostile, one activity in memory at
a time), each activity mapped to N-Triples (``kg.iati``) into a temporary file, and that file
loaded by the importer of ``kg import rdf`` (``kg.importer.import_rdf``): validated with its
neighbours in the store unless told not to, staged, swapped in atomically with the derived
graph, so re-importing a file replaces its graph and readers never see half of it.

All or nothing per file: if any activity cannot be mapped, the file is not imported and every
problem is reported with its line (``MalformedRecordsError``, exit 1); ``partial=True`` imports
the others and returns the report. The file itself is kept, named by its sha256, in the imports
folder, and described in its graph by a ``ck:DataFile`` that every evidence node points into.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from kg import _ntriples as nt
from kg._iati_match import Organisations, StoreIndex
from kg._limits import check_size
from kg._namespaces import CK, DCTERMS, GRAPH, ID, SCHEMA
from kg._safe_xml import ReadState, stream_items
from kg.errors import ConfigurationError, MalformedRecordsError, SourceError
from kg.iati import TRACKED, ActivityMapper, MalformedActivity, Tally
from kg.importer import Contract, ImportResult, Progress, graph_iri, import_rdf, load_pieces
from kg.slugs import slugify
from kg.stores.oxigraph import OxigraphStore

#: Bytes read so far and activities mapped so far, called a few times a second.
ReadProgress = Callable[[int, int], None]

_PROGRESS_EVERY: Final = 0.1  # seconds
#: Lines of N-Triples per piece loaded (about 15 MB): bounds memory, keeps bulk_load efficient.
_PIECE_LINES: Final = 100_000
_RDF_TYPE: Final = nt.iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDFS_LABEL: Final = nt.iri("http://www.w3.org/2000/01/rdf-schema#label")


def _quiet(*_args: object) -> None:
    return None


@dataclass(frozen=True, slots=True)
class IatiImportResult:
    """What importing one file did, for the CLI's summary."""

    path: Path
    graph: str
    tally: Tally
    organisations_matched: int
    organisations_created: int
    rejected: tuple[str, ...]
    """Report lines of the activities left out (only with ``partial``)."""
    rejected_activities: int
    quads: int
    derived: int
    validated: bool
    warnings: tuple[str, ...]
    sha256: str
    stored_at: Path
    seconds: dict[str, float] = field(default_factory=dict)


def iati_files(paths: Iterable[Path]) -> list[Path]:
    """The files to import: each file given, and every ``*.xml`` of each directory (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() == ".xml" and p.is_file())
            if not inside:
                raise ConfigurationError(f"{path} has no .xml files to import")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigurationError(f"{path} is neither a file nor a directory")
    return found


def default_iati_graph(path: Path) -> str:
    """``graph/iati-{slug of the file name without extension}``."""
    slug = slugify(path.stem)
    if not slug:
        raise ConfigurationError(f"cannot name a graph after {path.name}; pass --graph")
    return graph_iri(slug if slug.startswith("iati-") else f"iati-{slug}")


def file_slug(graph: str) -> str:
    """The slug of the file node of ``graph``: ``iati-file-{graph slug without "iati-"}``."""
    local = graph.removeprefix(str(GRAPH)) if graph.startswith(str(GRAPH)) else graph
    slug = slugify(local).removeprefix("iati-") or hashlib.sha256(graph.encode()).hexdigest()[:8]
    return f"iati-file-{slug}"


def import_iati(
    store: OxigraphStore,
    path: Path,
    *,
    graph: str,
    imports_dir: Path,
    data_dir: Path,
    max_bytes: int,
    contract: Contract | None = None,
    partial: bool = False,
    progress: Progress = _quiet,
    read_progress: ReadProgress = _quiet,
) -> IatiImportResult:
    """Import one IATI activity file into ``graph``, replacing what the graph held; the file
    is kept in ``imports_dir``, the 1.0x spellings read from ``data_dir`` (``data/``).

    Without a ``contract`` the triples are loaded into the staged store while the file is still
    being read (``load_pieces``); with one they go to a temporary N-Triples file first, which
    ``import_rdf`` validates while it loads.

    Raises ``SourceError`` (exit 2) for a file that is refused or not well-formed,
    ``MalformedRecordsError`` (exit 1) for activities that cannot be mapped (unless
    ``partial``), ``DataNotConformingError`` (exit 1) when the result does not conform to
    ``contract``; in each case the store is unchanged.
    """
    check_size(path, max_bytes, "KG_MAX_IMPORT_BYTES")
    graph = graph_iri(graph)
    run = _Run(
        store, path, graph=graph, imports_dir=imports_dir, data_dir=data_dir, partial=partial
    )
    try:
        if contract is None:
            loaded = load_pieces(
                store, run.pieces(read_progress), graph=graph, source=path, progress=progress
            )
        else:
            with tempfile.TemporaryDirectory(prefix="kg-iati-") as scratch:
                triples = Path(scratch) / f"{path.name}.nt"
                with triples.open("wb") as out:
                    for piece in run.pieces(read_progress):
                        out.write(piece)
                loaded = import_rdf(
                    store, triples, graph=graph, contract=contract, progress=progress
                )
    except BaseException:
        run.discard_copy()
        raise
    return run.result(loaded)


class _Run:
    """One file being read and mapped: the pieces of N-Triples, and what they held."""

    def __init__(
        self,
        store: OxigraphStore,
        path: Path,
        *,
        graph: str,
        imports_dir: Path,
        data_dir: Path,
        partial: bool,
    ) -> None:
        started = time.perf_counter()
        self.path = path
        self.graph = graph
        self.imports_dir = imports_dir
        self.partial = partial
        index = StoreIndex.load(store.native, data_dir=data_dir)
        self.organisations = Organisations(index, replaced=graph)
        self.seconds = {"lookups": time.perf_counter() - started}
        self.slug = file_slug(graph)
        self.state = ReadState(size=path.stat().st_size)
        self.tally = Tally()
        self.rejected: list[str] = []
        self.rejected_activities = 0
        self.stored: Path | None = None
        self.created_copy = False

    def pieces(self, read_progress: ReadProgress) -> Iterator[bytes]:
        """The file's triples in pieces of about ``_PIECE_LINES`` lines, the file node's last.

        Raises ``MalformedRecordsError`` after the whole file is read when an activity could
        not be mapped (unless ``partial``), so that the report names every one.
        """
        started = shown = time.perf_counter()
        file_iri = f"{ID}{self.slug}"
        mapper: ActivityMapper | None = None
        version = ""
        buffer: list[str] = []
        path, state, organisations = self.path, self.state, self.organisations
        for root, item in stream_items(
            path, root="iati-activities", item="iati-activity", track=TRACKED, state=state
        ):
            if item is None:
                version = (root.get("version") or "").strip()
                mapper = ActivityMapper(
                    file_iri=file_iri,
                    document_slug=self.slug,
                    version=version,
                    index=organisations.index,
                    organisations=organisations,
                )
                continue
            assert mapper is not None
            mark = organisations.mark()
            try:
                lines, counted = mapper.activity(item)
            except MalformedActivity as exc:
                organisations.rollback(mark)
                self.rejected.extend(exc.report(path.name))
                self.rejected_activities += 1
            else:
                self.tally.add(counted)
                if self.partial or not self.rejected:
                    buffer.extend(lines)
                    if len(buffer) >= _PIECE_LINES:
                        yield "".join(buffer).encode("utf-8")
                        buffer.clear()
            now = time.perf_counter()
            if now - shown >= _PROGRESS_EVERY:
                read_progress(state.done, self.tally.activities + self.rejected_activities)
                shown = now
        read_progress(state.done, self.tally.activities + self.rejected_activities)
        if self.rejected and not self.partial:
            raise MalformedRecordsError(
                str(path),
                self.rejected,
                rejected=self.rejected_activities,
                total=self.tally.activities + self.rejected_activities,
            )
        self.stored, self.created_copy = keep_copy(path, self.imports_dir, state.digest)
        buffer.extend(_file_triples(file_iri, path.name, state.digest, self.stored, version))
        yield "".join(buffer).encode("utf-8")
        self.seconds["read"] = time.perf_counter() - started

    def discard_copy(self) -> None:
        """Remove the stored copy of the file if this import made it (the import failed)."""
        if self.stored is not None and self.created_copy:
            (self.imports_dir / self.stored).unlink(missing_ok=True)

    def result(self, loaded: ImportResult) -> IatiImportResult:
        assert self.stored is not None
        return IatiImportResult(
            path=self.path,
            graph=self.graph,
            tally=self.tally,
            organisations_matched=len(self.organisations.matched),
            organisations_created=len(self.organisations.created),
            rejected=tuple(self.rejected),
            rejected_activities=self.rejected_activities,
            quads=loaded.quads,
            derived=loaded.derived,
            validated=loaded.validated,
            warnings=loaded.warnings,
            sha256=self.state.digest,
            stored_at=self.imports_dir / self.stored,
            seconds={**self.seconds, **loaded.seconds},
        )


def keep_copy(path: Path, imports_dir: Path, sha256: str) -> tuple[Path, bool]:
    """Copy ``path`` to ``imports_dir/{sha[:2]}/{sha}.xml`` unless it is there; return the
    relative path and whether this call created it. The copy is hashed as it is written, so a
    file that changed since it was read is refused rather than stored under the wrong name."""
    relative = Path(sha256[:2]) / f"{sha256}.xml"
    target = imports_dir / relative
    if target.is_file():
        return relative, False
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    handle, temporary = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
    try:
        with path.open("rb") as source, os.fdopen(handle, "wb") as copy:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                copy.write(chunk)
        if digest.hexdigest() != sha256:
            raise SourceError(f"{path} changed while it was being imported; import it again")
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return relative, True


def _file_triples(file_iri: str, name: str, sha256: str, stored: Path, version: str) -> list[str]:
    node = nt.iri(file_iri)
    rows = [
        (_RDF_TYPE, nt.iri(str(CK.DataFile))),
        (_RDFS_LABEL, nt.tagged(f"IATI file {name}", "en")),
        (nt.iri(str(DCTERMS.title)), nt.string(name)),
        (nt.iri(str(CK.sha256)), nt.string(sha256)),
        (nt.iri(str(CK.storedAt)), nt.string(stored.as_posix())),
        (nt.iri(str(DCTERMS["format"])), nt.string("application/xml")),
    ]
    if version:
        rows.append((nt.iri(str(SCHEMA.version)), nt.string(version)))
    return [f"{node} {p} {o} .\n" for p, o in rows]


def summary(result: IatiImportResult) -> str:
    """The one-line summary the CLI prints."""
    t = result.tally
    return (
        f"{t.activities:,} activities, {t.transactions:,} transactions, {t.budgets:,} budgets; "
        f"organisations {result.organisations_matched:,} matched, "
        f"{result.organisations_created:,} created; places unmatched {t.places_unmatched:,}, "
        f"sectors unmatched {t.sectors_unmatched:,}"
    )


__all__ = [
    "IatiImportResult",
    "ReadProgress",
    "default_iati_graph",
    "file_slug",
    "iati_files",
    "import_iati",
    "keep_copy",
    "summary",
]
