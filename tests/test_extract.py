"""Text extraction (kg.extract): each format on real-looking files, hostile files, and the
shipped documents' stored texts reproduced from their originals by the recorded tool alone."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from _files import ministry_page, pdf, pdf_bomb
from rdflib import Graph

from kg._namespaces import OA
from kg.errors import InputTooLargeError
from kg.extract import EXTRACTORS, MAX_ORIGINAL_BYTES, ExtractionError, detect, extract
from kg.intake import verify

ROOT = Path(__file__).resolve().parents[1]


def test_markdown_loses_its_markup_and_keeps_its_words() -> None:
    original = (
        b"\n\n# Fact Sheet 2025\n\n"
        b"14. International Cooperation\n\n"
        b"- In 2016, **Japan would implement ODA in excess of \\$3 billion** over three years.\n"
        b"- Japan contributed *US\\$ 5.5 million* to [UNODC](https://www.unodc.org/).\n\n"
        b"KOBE Yasuhiro\nDeputy Minister\n\n<Column>\n\n    code stays as written\n"
    )
    rendition = extract(original, EXTRACTORS["markdown"], isolated=False)
    assert rendition.text == (
        "Fact Sheet 2025\n\n"
        "14. International Cooperation\n\n"
        "- In 2016, Japan would implement ODA in excess of $3 billion over three years.\n"
        "- Japan contributed US$ 5.5 million to UNODC.\n\n"
        "KOBE Yasuhiro\nDeputy Minister\n\n<Column>\n\ncode stays as written\n"
    )
    assert rendition.version == EXTRACTORS["markdown"].version()


def test_text_is_kept_but_for_line_ends_and_byte_order_mark() -> None:
    original = "\ufeffJapan\u2013UNODC\r\nUS$ 5.5 million\rend".encode()
    assert extract(original, EXTRACTORS["text"]).text == "Japan\u2013UNODC\nUS$ 5.5 million\nend"


def test_text_must_be_utf8() -> None:
    with pytest.raises(ExtractionError, match="not UTF-8"):
        extract("Côte d\u2019Ivoire".encode("cp1252"), EXTRACTORS["text"])


def test_pdf_pages_become_paragraphs() -> None:
    original = pdf(
        [
            ["Japan announced a contribution of US$ 5.5 million", "to UNODC for 2025-2027."],
            ["Cambodia (Lao PDR) and Viet Nam."],
        ]
    )
    rendition = extract(original, detect(original, "fact-sheet.pdf"))
    assert rendition.text == (
        "Japan announced a contribution of US$ 5.5 million\nto UNODC for 2025-2027.\n\n"
        "Cambodia (Lao PDR) and Viet Nam.\n"
    )
    assert rendition.extractor.library == "pypdf"
    assert "2 page(s)" in rendition.notes


@pytest.fixture
def remote() -> Iterator[list[str]]:
    """A server on the loopback that records every request: nothing may reach it."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    requests.append(f"http://127.0.0.1:{server.server_port}")
    try:
        yield requests
    finally:
        server.shutdown()
        server.server_close()


def test_html_main_text_without_furniture_and_nothing_fetched(remote: list[str]) -> None:
    base = remote.pop(0)
    original = ministry_page(base)
    rendition = extract(original, detect(original, "press-release.html"))
    assert rendition.text == (
        "Japan\u2013UNODC Fact Sheet 2025\n\n"
        "On 12 June 2025, Japan announced a contribution of US$ 5.5 million to the United "
        "Nations Office on Drugs and Crime (UNODC) for projects in Southeast Asia.\n\n"
        "The projects run from 2025 to 2027.\nThey address synthetic drugs & precursors.\n\n"
        "- Cambodia\n- Lao PDR\n\n"
        "3. Border management\n4. Maritime law enforcement\n\n"
        "Country\tAmount\nViet Nam\tUSD 1.2 million\n\n"
        "Signed in Tokyo,\n  12 June 2025\n"
    )
    for furniture in ("MOFA logo", "Home", "Related", "©", "alert", "Enable JavaScript"):
        assert furniture not in rendition.text
    assert any("<script>" in note and "<iframe>" in note for note in rendition.notes)
    assert any("9 reference(s) to remote resources" in note for note in rendition.notes)
    assert remote == []


def test_html_without_main_uses_the_body() -> None:
    original = (
        b"<html><body><nav>Menu</nav><p>Japan &amp; UNODC</p><p>Second<br>line</p></body></html>"
    )
    assert extract(original, EXTRACTORS["html"]).text == "Japan & UNODC\n\nSecond\nline\n"


def test_pdf_bomb_is_refused() -> None:
    with pytest.raises(ExtractionError, match="PDF bomb"):
        extract(pdf_bomb(), EXTRACTORS["pdf"])


def test_extraction_past_its_deadline_is_stopped() -> None:
    slow = pdf([["Japan and UNODC " * 40] * 40] * 60, compress=False)
    with pytest.raises(ExtractionError, match=r"longer than 0\.2 s"):
        extract(slow, EXTRACTORS["pdf"], deadline=0.2)


def test_oversized_file_is_refused_before_extraction() -> None:
    with pytest.raises(InputTooLargeError, match="more than the document limit"):
        extract(b" " * (MAX_ORIGINAL_BYTES + 1), EXTRACTORS["text"])
    with pytest.raises(InputTooLargeError, match="KG_MAX_DOCUMENT_BYTES"):
        extract(b"twelve bytes", EXTRACTORS["text"], max_bytes=11)


@pytest.mark.parametrize(
    ("data", "name", "declared", "message"),
    [
        (b"%PDF-1.7 ...", "notes.txt", None, "is a PDF"),
        (b"plain words", "report.pdf", None, "not a PDF"),
        (b"\x00\x01\x02binary", "notes.txt", None, "NUL bytes"),
        (b"text", "notes.txt", "docx", "unknown format"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused(
    data: bytes, name: str, declared: str | None, message: str
) -> None:
    with pytest.raises(ExtractionError, match=message):
        detect(data, name, declared)


def test_formats_are_detected_from_name_then_content() -> None:
    assert detect(b"# Title", "a.md").name == "markdown"
    assert detect(b"<!DOCTYPE html><p>x", "download").name == "html"
    assert detect(b"%PDF-1.4", "download").name == "pdf"
    assert detect(b"Plain", "README").name == "text"


def test_shipped_texts_are_what_the_recorded_tool_makes_of_the_originals() -> None:
    results = verify(ROOT)
    assert {r.slug for r in results} == {
        "japan-unodc-2024-2026",
        "japan-gender-equality-cooperation",
    }
    for result in results:
        assert result.reproduced, (result.slug, result.problem)
        assert result.extractor == "markdown"
        assert result.recorded_version == result.version


def test_shipped_originals_are_the_seeds() -> None:
    seeds = Path("/work/shared/seeds")
    if not seeds.is_dir():
        pytest.skip("the seeds are not on this machine")
    originals = {p.read_bytes() for p in (ROOT / "data/documents/originals").iterdir()}
    assert {p.read_bytes() for p in seeds.iterdir()} == originals


def test_every_quote_is_verbatim_in_its_rendition_and_free_of_markup() -> None:
    texts = {
        f"https://w3id.org/coop-kg/id/{p.stem}": p.read_text(encoding="utf-8")
        for p in (ROOT / "data/documents").glob("*.txt")
    }
    quotes = 0
    for path in (ROOT / "data").rglob("*.ttl"):
        graph = Graph().parse(path, format="turtle")
        for evidence, selector in graph.subject_objects(OA.hasSelector):
            exact = graph.value(selector, OA.exact)
            source = graph.value(evidence, OA.hasSource)
            if exact is None or str(source) not in texts:
                continue
            quotes += 1
            assert str(exact) in texts[str(source)], (path.name, str(exact))
            assert "**" not in exact and "\\$" not in exact, (path.name, str(exact))
    assert quotes > 300
