"""The history of writes: who changed which graphs, when, with what outcome, and the backup
that holds the state before.

Why a file of JSON lines beside the store and not a named graph in it: the history describes
the store rather than being curated data, so it must not be validated against the shapes,
exported as the dataset, or rolled back by a restore (a restore is itself an entry). Appending
one line is atomic enough for one writer (the writes are serialised) and survives a crash of
the store. It is served as PROV-O (``GET /graphs/history`` is JSON-LD: each entry a
``prov:Activity`` associated with its curator) and printed by ``kg history``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from kg.errors import NotFoundError

#: How an entry's fields read as PROV-O (and a few terms of our own), for JSON-LD clients.
CONTEXT: Final[dict[str, Any]] = {
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "ck": "https://w3id.org/coop-kg/ontology#",
    "id": "@id",
    "type": "@type",
    "curator": {"@id": "prov:wasAssociatedWith", "@type": "@id"},
    "started": {"@id": "prov:startedAtTime", "@type": "xsd:dateTime"},
    "ended": {"@id": "prov:endedAtTime", "@type": "xsd:dateTime"},
    "graphs": {"@id": "ck:changedGraph", "@container": "@index"},
    "removed": {"@id": "ck:triplesRemoved", "@container": "@index"},
    "added": {"@id": "ck:triplesAdded", "@container": "@index"},
    "operation": "ck:operation",
    "warnings": "ck:warningCount",
    "backup": "ck:backup",
}
#: Where the JSON-LD names curators and entries (a name or an entry id is the last segment).
BASE: Final = "https://w3id.org/coop-kg/"


@dataclass(frozen=True, slots=True)
class Entry:
    """One committed write."""

    id: str
    curator: str
    started: str
    ended: str
    operation: str
    #: graph IRI -> triples it holds after the write
    graphs: dict[str, int]
    #: sh:Warning results the written data left (violations refuse a write: never recorded)
    warnings: int
    #: the backup directory's name (``kg restore`` takes it), or None without backups
    backup: str | None
    #: graph IRI -> triples the write removed from it, and added to it (entries written before
    #: these were kept have none)
    removed: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)


def record(
    path: Path,
    *,
    curator: str,
    started: datetime,
    operation: str,
    graphs: Mapping[str, int],
    warnings: int,
    backup: str | None,
    difference: Mapping[str, tuple[int, int]] | None = None,
) -> Entry:
    """Append one entry for a committed write, and return it; ``difference``: the triples
    (removed, added) per changed graph."""
    ended = datetime.now(UTC)
    entry = Entry(
        id=f"{ended:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}",
        curator=curator,
        started=started.isoformat(timespec="milliseconds"),
        ended=ended.isoformat(timespec="milliseconds"),
        operation=operation,
        graphs=dict(graphs),
        warnings=warnings,
        backup=backup,
        removed={g: r for g, (r, _) in (difference or {}).items()},
        added={g: a for g, (_, a) in (difference or {}).items()},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(asdict(entry), sort_keys=True) + "\n")
    return entry


def entries(path: Path) -> list[Entry]:
    """Every entry, newest first (a line cut by a crash while it was written is skipped)."""
    if not path.exists():
        return []
    found: list[Entry] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(Entry(**json.loads(line)))
        except (ValueError, TypeError):
            continue
    return found[::-1]


def find(path: Path, entry_id: str) -> Entry:
    """The entry ``entry_id``; NotFoundError naming the newest ones otherwise."""
    written = entries(path)
    for entry in written:
        if entry.id == entry_id:
            return entry
    newest = ", ".join(e.id for e in written[:5]) or "none yet"
    raise NotFoundError(f"no write {entry_id!r} in the history (newest: {newest})")


def as_jsonld(entry: Entry) -> dict[str, Any]:
    """``entry`` as a node of the JSON-LD history: a prov:Activity."""
    node = asdict(entry)
    node["id"] = f"{BASE}history/{entry.id}"
    node["type"] = "prov:Activity"
    node["curator"] = f"{BASE}curator/{entry.curator}"
    return node
