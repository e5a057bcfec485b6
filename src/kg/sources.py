"""Which input files make up the dataset, and which named graph each belongs to.

The layout is the contract of docs/modelling.md: ontology/ and shapes/ are graphs of their
own, data/reference/ is the shared reference graph, data/{slug}/ plus the metadata record
data/documents/{slug}.ttl is the graph of source document {slug}.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg._namespaces import GRAPH, ONTOLOGY_GRAPH, REFERENCE_GRAPH, SHAPES_GRAPH
from kg.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class Source:
    """One Turtle file and the named graph it is loaded into."""

    path: Path
    graph: str
    role: str  # "ontology" | "shapes" | "data"


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a build reads: Turtle sources, stored document texts and their originals."""

    root: Path
    sources: tuple[Source, ...]
    documents: tuple[Path, ...]

    def all_files(self) -> tuple[Path, ...]:
        return tuple(s.path for s in self.sources) + self.documents

    def fingerprint(self, extra: str = "") -> str:
        """A digest of every input's name and bytes: equal digests mean nothing to rebuild."""
        digest = hashlib.sha256(extra.encode())
        for path in sorted(self.all_files()):
            digest.update(str(path.relative_to(self.root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        return digest.hexdigest()

    def graphs(self, role: str) -> list[str]:
        return sorted({s.graph for s in self.sources if s.role == role})


def discover(root: Path) -> Inputs:
    """Find every input under ``root``; fail with a clear message when the layout is wrong."""
    for needed in ("ontology", "shapes", "data"):
        if not (root / needed).is_dir():
            raise ConfigurationError(
                f"{root} has no {needed}/ folder. Run kg from the coop-kg checkout or set "
                "KG_ROOT to it."
            )
    sources: list[Source] = []
    sources += [Source(p, str(ONTOLOGY_GRAPH), "ontology") for p in _ttl(root / "ontology")]
    sources += [Source(p, str(SHAPES_GRAPH), "shapes") for p in _ttl(root / "shapes")]
    data = root / "data"
    sources += [Source(p, str(REFERENCE_GRAPH), "data") for p in _ttl(data / "reference")]
    documents_dir = data / "documents"
    texts = sorted(documents_dir.glob("*.txt"))
    for text in texts:
        slug = text.stem
        record = documents_dir / f"{slug}.ttl"
        if not record.is_file():
            raise ConfigurationError(
                f"{text} has no metadata record {record.name}; write one (see docs/modelling.md)."
            )
        graph = str(GRAPH[slug])
        sources.append(Source(record, graph, "data"))
        sources += [Source(p, graph, "data") for p in _ttl(data / slug)]
    # The originals the texts were extracted from are inputs too: the build checks their sums.
    originals = sorted(p for p in (documents_dir / "originals").glob("*") if p.is_file())
    return Inputs(root=root, sources=tuple(sources), documents=tuple(texts + originals))


def _ttl(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ttl")) if folder.is_dir() else []
