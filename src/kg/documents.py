"""Source documents: their stored texts, checked against the checksum in their metadata record.

The graph carries each document's whole text as ``schema:text`` so that a SPARQL query (and a
SHACL constraint) can check any quote against it without leaving the store.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import RDF, Graph, Literal

from kg._namespaces import CK, SCHEMA
from kg.errors import SourceError


def read_text(path: Path) -> str:
    """The stored text exactly as offsets count it: UTF-8, code points, newlines untouched."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read document text {path}: {exc}") from exc


def attach_texts(graph: Graph, root: Path) -> dict[str, str]:
    """Add ``schema:text`` to every ck:SourceDocument of ``graph``; return IRI -> text.

    Fails when the stored file is missing or its SHA-256 differs from the record's
    ``ck:sha256``, because then every offset into it would be wrong.
    """
    texts: dict[str, str] = {}
    for document in graph.subjects(RDF.type, CK.SourceDocument):
        stored_at = graph.value(document, CK.storedAt)
        if stored_at is None:
            raise SourceError(f"{document} has no ck:storedAt; say where its text is stored.")
        path = root / str(stored_at)
        text = read_text(path)
        expected = graph.value(document, CK.sha256)
        actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if expected is None or str(expected) != actual:
            raise SourceError(
                f"{path} has SHA-256 {actual} but its record says {expected}. If the text was "
                "corrected on purpose, update ck:sha256 and re-check every quote."
            )
        graph.add((document, SCHEMA.text, Literal(text)))
        texts[str(document)] = text
    return texts
