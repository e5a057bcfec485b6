"""Source documents: their stored texts and originals, checked against the checksums in their
metadata record.

The graph carries each document's whole text as ``schema:text`` so that a SPARQL query (and a
SHACL constraint) can check any quote against it without leaving the store. A document added
with ``kg source add`` also names the file it was extracted from (``prov:wasDerivedFrom`` a
``ck:DocumentOriginal``), kept under ``data/documents/originals/``; its checksum is checked too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import RDF, Graph, Literal
from rdflib.term import Node

from kg._namespaces import CK, PROV, SCHEMA
from kg.errors import SourceError


def read_text(path: Path) -> str:
    """The stored text exactly as offsets count it: UTF-8, code points, newlines untouched."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read document text {path}: {exc}") from exc


def sha256_of(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc}") from exc


def attach_texts(graph: Graph, root: Path) -> dict[str, str]:
    """Add ``schema:text`` to every ck:SourceDocument of ``graph``; return IRI -> text.

    Fails when the stored file (or the original it was extracted from) is missing or its
    SHA-256 differs from the record's ``ck:sha256``, because then every offset into it would be
    wrong (or the text would no longer be what the original gives).
    """
    texts: dict[str, str] = {}
    for document in graph.subjects(RDF.type, CK.SourceDocument):
        path = _stored_at(graph, document, "text")
        text = read_text(root / path)
        _check_sum(graph, document, root / path, hashlib.sha256(text.encode("utf-8")).hexdigest())
        for original in graph.objects(document, PROV.wasDerivedFrom):
            if (original, RDF.type, CK.DocumentOriginal) in graph:
                original_path = root / _stored_at(graph, original, "original")
                _check_sum(graph, original, original_path, sha256_of(original_path))
        graph.add((document, SCHEMA.text, Literal(text)))
        texts[str(document)] = text
    return texts


def _stored_at(graph: Graph, node: Node, what: str) -> str:
    stored_at = graph.value(node, CK.storedAt)
    if stored_at is None:
        raise SourceError(f"{node} has no ck:storedAt; say where its {what} is stored.")
    return str(stored_at)


def _check_sum(graph: Graph, node: Node, path: Path, actual: str) -> None:
    expected = graph.value(node, CK.sha256)
    if expected is None or str(expected) != actual:
        raise SourceError(
            f"{path} has SHA-256 {actual} but its record says {expected}. Files under "
            "data/documents/ change only through `kg source add` and `kg source reextract`, which "
            "record the checksum and move every quote; nobody computes one by hand."
        )
