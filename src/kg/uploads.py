"""Parse an RDF document a client uploaded (Graph Store Protocol bodies) without trusting it.

Everything here is pyoxigraph: it parses ten times faster than rdflib, never fetches anything
(its JSON-LD parser refuses remote and ``file:`` contexts: "No LoadDocumentCallback has been
set"), and reports where a syntax error is. Three things are refused on top of what the parser
refuses, each with a message that says what to send instead:

* a ``<!DOCTYPE`` in RDF/XML: pyoxigraph expands internal entities, so a few hundred bytes of
  nested entities become megabytes (the "billion laughs"; rdflib took 19 s on 517 bytes,
  docs/measured.md), and no RDF/XML we need declares a DTD;
* a JSON-LD ``@context`` (or ``@import``) given by IRI rather than inline, before parsing, so
  that the answer names the offending value whatever the parser's wording;
* dataset formats (TriG, N-Quads): the Graph Store Protocol addresses one graph, and a file
  naming graphs of its own would be loaded into another graph than it says, silently.

Blank nodes get fresh labels per upload: pyoxigraph keeps a document's labels, so ``_:b0`` in
two uploads would otherwise be one node of the store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Final, TypeAlias

import pyoxigraph as ox

from kg.errors import UnsupportedMediaTypeError as UnsupportedMediaTypeError
from kg.errors import UploadError as UploadError
from kg.export import FORMATS, Format

#: A format of ``kg.export.FORMATS`` a graph can be uploaded in.
UploadFormat: TypeAlias = Format

#: What a graph can be uploaded as, by media type: the triple formats of ``kg.export``, under
#: their media type and the other names clients send in ``Content-Type``.
UPLOAD_FORMATS: Final[dict[str, UploadFormat]] = {
    media: FORMATS[name]
    for name, aliases in (
        ("turtle", ("application/x-turtle",)),
        ("ntriples", ("text/plain",)),
        ("rdfxml", ()),
        ("jsonld", ()),
    )
    for media in (FORMATS[name].media_type, *aliases)
}
#: Dataset formats, refused with a message of their own.
_DATASET_TYPES: Final = frozenset(FORMATS[name].media_type for name in ("trig", "nquads"))
_DOCTYPE: Final = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_LOCATION: Final = re.compile(r"line (\d+)\D+?(?:column|columns) (\d+)|(\d+):(\d+)")


def upload_format(content_type: str | None) -> UploadFormat:
    """The format a ``Content-Type`` header names; ``UnsupportedMediaTypeError`` otherwise.

    Only UTF-8 is accepted (the RDF formats are UTF-8 by definition; a ``charset`` other than
    that would be decoded wrongly).
    """
    media, _, params = (content_type or "").partition(";")
    media = media.strip().lower()
    accepted = ", ".join(sorted({f.media_type for f in UPLOAD_FORMATS.values()}))
    if media in _DATASET_TYPES:
        raise UnsupportedMediaTypeError(
            f"{media} holds named graphs, but a Graph Store Protocol request addresses one graph "
            f"(the graph= parameter). Send that graph's triples as one of: {accepted}."
        )
    fmt = UPLOAD_FORMATS.get(media)
    if fmt is None:
        shown = f"{media!r}" if media else "no Content-Type"
        raise UnsupportedMediaTypeError(f"cannot read {shown} as RDF; send one of: {accepted}.")
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in {
            "utf-8",
            "utf8",
        }:
            raise UnsupportedMediaTypeError(
                f"charset={value.strip()} is not accepted; send the document in UTF-8."
            )
    return fmt


def parse_upload(body: bytes, fmt: UploadFormat, *, base_iri: str) -> list[ox.Triple]:
    """The triples of an uploaded document; relative IRIs resolve against ``base_iri``.

    Raises ``UploadError`` for a syntax error (with its line and column) or a refused feature.
    """
    if fmt.rdf_format == ox.RdfFormat.RDF_XML:
        found = _DOCTYPE.search(body)
        if found:
            line, column = _position(body, found.start())
            raise UploadError(
                f"RDF/XML with a DOCTYPE or ENTITY declaration (line {line}, column {column}) "
                "is refused: entity expansion can blow up a small document. Remove the "
                "declaration and write the values out.",
                line=line,
                column=column,
            )
    if fmt.rdf_format == ox.RdfFormat.JSON_LD:
        _check_contexts(body)
    fresh: dict[str, ox.BlankNode] = {}

    def relabel(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            node = fresh.get(term.value)
            if node is None:
                node = fresh[term.value] = ox.BlankNode()
            return node
        return term

    try:
        return [
            ox.Triple(relabel(q.subject), q.predicate, relabel(q.object))
            for q in ox.parse(body, format=fmt.rdf_format, base_iri=base_iri)
        ]
    except SyntaxError as exc:
        raise _syntax_error(fmt, exc) from exc
    except ValueError as exc:  # e.g. RDF-star terms pyoxigraph builds but we cannot store
        raise UploadError(f"the {fmt.name} document cannot be used: {exc}") from exc


def _syntax_error(fmt: UploadFormat, exc: SyntaxError) -> UploadError:
    message = str(exc.msg or exc)
    if "LoadDocumentCallback" in message:
        return UploadError(
            "the JSON-LD document refers to a remote or file: @context, which is never "
            "fetched; put the context inline (an object) instead."
        )
    line, column = exc.lineno, exc.offset
    if line is None:
        found = _LOCATION.search(message)
        if found:
            groups = [g for g in found.groups() if g is not None]
            line, column = int(groups[0]), int(groups[1])
    where = f" at line {line}, column {column}" if line is not None else ""
    return UploadError(
        f"{fmt.name} syntax error{where}: {message}. Fix the document and send it again.",
        line=line,
        column=column,
    )


def _check_contexts(body: bytes) -> None:
    """Refuse a JSON-LD document whose contexts are IRIs, naming the first such value."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return  # not JSON (or absurdly deep): the parser reports it with a position
    for key, value in _context_values(document):
        if isinstance(value, str):
            raise UploadError(
                f"JSON-LD {key} {value!r} is a reference to a document, which is never fetched "
                "(no remote or file: contexts); put the context inline (an object) instead."
            )


def _context_values(node: object, depth: int = 0) -> Iterator[tuple[str, object]]:
    if depth > 200:  # pyoxigraph refuses deeper documents anyway
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"@context", "@import"}:
                for item in value if isinstance(value, list) else [value]:
                    yield key, item
            yield from _context_values(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _context_values(item, depth + 1)


def _position(body: bytes, offset: int) -> tuple[int, int]:
    line = body.count(b"\n", 0, offset) + 1
    return line, offset - (body.rfind(b"\n", 0, offset) + 1) + 1


__all__ = [
    "UPLOAD_FORMATS",
    "UnsupportedMediaTypeError",
    "UploadError",
    "UploadFormat",
    "parse_upload",
    "upload_format",
]
