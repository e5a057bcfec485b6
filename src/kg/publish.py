"""``kg publish DRAFT``: a reviewed draft joins its document's graph, in data/ and in the store.

A draft (``kg suggest``, then a curator's edits) lives outside ``data/`` and outside the served
graphs. Publishing it:

1. finds the document its evidence quotes (exactly one, registered with ``kg source add``);
2. checks the whole dataset with the draft in that document's graph, exactly as ``kg build``
   would: quotes anchored, shapes validated. A violation, or a ``ck:todo`` left, refuses it;
3. moves the draft to ``data/{slug}/{name}.ttl`` (a rename, so the file is there whole or not);
4. replaces the document's graph in the store through ``kg.writes.Writer`` -- the same path as
   every write: validated once more against what the store holds, previous state backed up,
   swapped in atomically, derived closures recomputed. If that fails, the file is moved back.

Without a store on disk (nothing built yet) only the file moves; the next ``kg build`` loads it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg._namespaces import GRAPH, ID, OA
from kg._rdf_files import read_turtle
from kg.errors import ConfigurationError, DataNotConformingError
from kg.errors import DraftError as DraftError
from kg.settings import Settings
from kg.sources import Source, discover


@dataclass(frozen=True, slots=True)
class Published:
    slug: str
    graph: str
    path: Path
    triples: int
    warnings: tuple[str, ...]
    stored: bool
    backup: Path | None


def publish(settings: Settings, draft: Path, *, name: str | None = None) -> Published:
    """Validate ``draft`` in its document's graph, move it into data/, write the graph."""
    root = settings.root
    if not draft.is_file():
        raise ConfigurationError(f"{draft} is not a file")
    slug = _document_of(draft, root)
    target = root / "data" / slug / f"{name or draft.stem}.ttl"
    if target.exists():
        raise ConfigurationError(
            f"{target.relative_to(root)} exists; publish under another name with --name"
        )
    graph = str(GRAPH[slug])
    inputs = discover(root)
    inputs = type(inputs)(
        root=inputs.root,
        sources=(*inputs.sources, Source(draft.resolve(), graph, "data")),
        documents=inputs.documents,
    )
    from kg.build import assemble, check

    assembled = assemble(inputs)
    try:
        warnings = check(assembled, inputs)
    except DataNotConformingError as exc:
        raise DraftError(
            f"{draft} does not conform; nothing was published:\n{exc.report_text}"
            + _todo_listing(exc.warnings)
        ) from None
    todos = [w for w in warnings if "] TODO " in w]
    if todos:
        raise DraftError(
            f"{draft} still has {len(todos)} TODO(s); resolve each, delete its ck:todo line, "
            "and publish again:" + _todo_listing(tuple(todos))
        )
    content = assembled.graphs[graph]
    triples = list(
        ox.parse(content.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    )
    _move(draft, target)
    try:
        stored, backup = _store(settings, graph, triples)
    except BaseException:
        _move(target, draft)
        raise
    mine = tuple(w for w in warnings if str(draft) in w or str(target) in w)
    return Published(slug, graph, target, len(triples), mine, stored, backup)


def _document_of(draft: Path, root: Path) -> str:
    """The slug of the one registered document the draft's evidence quotes."""
    graph = read_turtle(draft)
    sources = {str(s) for s in graph.objects(None, OA.hasSource)}
    documents = sorted(s.removeprefix(str(ID)) for s in sources if s.startswith(str(ID)))
    if len(documents) != 1:
        found = ", ".join(documents) or "none"
        raise DraftError(
            f"{draft} must quote exactly one document (oa:hasSource); it quotes: {found}"
        )
    slug = documents[0]
    if not (root / "data" / "documents" / f"{slug}.ttl").is_file():
        raise DraftError(f"{draft} quotes id:{slug}, which is not registered (kg source add)")
    return slug


def _todo_listing(lines: tuple[str, ...]) -> str:
    todos = [w for w in lines if "] TODO " in w]
    return ("\n" + "\n".join(todos)) if todos else ""


def _move(source: Path, target: Path) -> None:
    """Move a file in one step where the filesystem allows (a rename), else copy then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError:
        temporary = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
        source.unlink()


def _store(settings: Settings, graph: str, triples: list[ox.Triple]) -> tuple[bool, Path | None]:
    """Replace ``graph`` in the configured store through the writer; (written, backup)."""
    path = settings.store_path()
    if path is None and not settings.store.startswith("sparql:"):
        raise ConfigurationError("publishing needs a store on disk or a SPARQL server (KG_STORE)")
    if path is not None and not path.is_dir():
        return False, None
    from kg.stores.memory import MemoryStore
    from kg.writes import Writer

    # The writer opens the configured store itself; ``served`` is only its in-memory fallback.
    result = Writer(settings).put(MemoryStore(), graph, triples)
    return True, result.backup


__all__ = ["DraftError", "Published", "publish"]
