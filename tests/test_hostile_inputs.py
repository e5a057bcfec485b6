"""Every parser the service runs on untrusted input, against the attacks on parsers: one row per
(parser, attack), each asserting the refusal (or, where the format has no such feature, that
nothing was fetched or expanded). Parsers: RDF uploads (Graph Store Protocol, every upload
format), `kg import rdf` files, IATI XML (`kg import iati`), and documents a curator adds
(HTML, PDF, text). SPARQL text has its own table (tests/api/test_sparql.py, kg.sparql_guard)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from _files import pdf_bomb

from kg._rdf_files import import_format
from kg._safe_xml import ReadState, stream_items
from kg.errors import ConfigurationError, InputTooLargeError, KGError, SourceError, UploadError
from kg.extract import EXTRACTORS, MAX_ORIGINAL_BYTES, ExtractionError, extract
from kg.importer import import_rdf
from kg.stores.oxigraph import OxigraphStore
from kg.uploads import parse_upload, upload_format

HOSTILE_IATI = Path(__file__).parent / "data" / "iati" / "hostile"
RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/"'


def rdfxml(doctype: str, value: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<rdf:RDF {RDF_NS}>'
        f'<rdf:Description rdf:about="http://e/a"><ex:p>{value}</ex:p></rdf:Description>'
        "</rdf:RDF>"
    ).encode()


LAUGHS = (
    '<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


def upload(content_type: str, body: bytes) -> Callable[[], object]:
    return lambda: parse_upload(body, upload_format(content_type), base_iri="http://e/g")


def iati(name: str) -> Callable[[], object]:
    def read() -> object:
        path = HOSTILE_IATI / name
        state = ReadState(size=path.stat().st_size)
        return list(stream_items(path, root="iati-activities", item="iati-activity", state=state))

    return read


def rdf_file(data: bytes, max_bytes: int) -> Callable[[], object]:
    """``kg import rdf`` of a file holding ``data``, under the cap ``max_bytes``."""

    def load() -> object:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "graph.nt"
            path.write_bytes(data)
            return import_rdf(OxigraphStore(), path, graph="http://e/g", max_bytes=max_bytes)

    return load


def document(kind: str, data: bytes) -> Callable[[], object]:
    return lambda: extract(data, EXTRACTORS[kind])


#: what is attacked: (the call, the error it must raise, words its message must hold)
REFUSED: dict[str, tuple[Callable[[], object], type[KGError], str]] = {
    "upload rdf/xml: billion laughs": (
        upload("application/rdf+xml", rdfxml(LAUGHS, "&c;")),
        UploadError,
        "DOCTYPE or ENTITY",
    ),
    "upload rdf/xml: external entity (file)": (
        upload(
            "application/rdf+xml",
            rdfxml('<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
        ),
        UploadError,
        "DOCTYPE or ENTITY",
    ),
    "upload rdf/xml: external DTD (http)": (
        upload(
            "application/rdf+xml",
            rdfxml('<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/evil.dtd">', "x"),
        ),
        UploadError,
        "DOCTYPE or ENTITY",
    ),
    "upload json-ld: remote @context": (
        upload("application/ld+json", b'{"@context": "https://schema.org/", "@id": "http://e/a"}'),
        UploadError,
        "never fetched",
    ),
    "upload json-ld: file @context in a list": (
        upload(
            "application/ld+json",
            b'{"@context": [{"ex": "http://e/"}, "file:///etc/passwd"], "@id": "http://e/a"}',
        ),
        UploadError,
        "never fetched",
    ),
    "upload json-ld: @import": (
        upload(
            "application/ld+json",
            b'{"@context": {"@version": 1.1, "@import": "https://schema.org/"}, "@id": "http://e/a"}',
        ),
        UploadError,
        "fetched",
    ),
    "kg import rdf: rdf/xml is not read at all": (
        lambda: import_format(Path("graph.rdf")),
        ConfigurationError,
        "cannot tell the RDF format",
    ),
    "kg import rdf: json-ld is not read at all": (
        lambda: import_format(Path("graph.jsonld")),
        ConfigurationError,
        "cannot tell the RDF format",
    ),
    "kg import rdf: larger than the import cap": (
        rdf_file(b"<http://e/a> <http://e/p> <http://e/b> .\n" * 10, 100),
        InputTooLargeError,
        "KG_MAX_IMPORT_BYTES",
    ),
    "iati xml: billion laughs": (iati("billion-laughs.xml"), SourceError, "DTD"),
    "iati xml: external entity": (iati("xxe.xml"), SourceError, "DTD"),
    "iati xml: external DTD": (iati("external-dtd.xml"), SourceError, "DTD"),
    "document pdf: decompression bomb": (document("pdf", pdf_bomb()), ExtractionError, "PDF bomb"),
    "document: larger than a source may be": (
        document("text", b"x" * (MAX_ORIGINAL_BYTES + 1)),
        InputTooLargeError,
        "KG_MAX_DOCUMENT_BYTES",
    ),
}


@pytest.mark.parametrize("attack", REFUSED)
def test_refused(attack: str) -> None:
    call, error, words = REFUSED[attack]
    with pytest.raises(error) as raised:
        call()
    assert words in str(raised.value), str(raised.value)


def test_html_entities_and_dtds_are_not_expanded() -> None:
    """HTML has no entity declarations; a document that carries them anyway keeps them inert:
    no file is read, nothing is expanded, the visible text is what it is."""
    html = (
        b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa">]>'
        b"<html><body><main><h1>Funding</h1><p>Japan &x; gives &a;&a;.</p></main></body></html>"
    )
    text = extract(html, EXTRACTORS["html"]).text
    assert "root:" not in text and "aaaaaaaaaa" not in text
    assert "Japan" in text


def test_turtle_upload_fetches_nothing() -> None:
    """Turtle and TriG have no inclusion: prefixes and @base are names, never fetched (a port
    nobody listens on would fail the parse if anything were)."""
    body = b"@base <http://127.0.0.1:9/> . @prefix ex: <http://127.0.0.1:9/x#> . <a> ex:p <b> ."
    triples = parse_upload(body, upload_format("text/turtle"), base_iri="http://e/g")
    assert [str(t.subject) for t in triples] == ["<http://127.0.0.1:9/a>"]
