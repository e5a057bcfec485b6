"""`kg source add` and `kg source reextract` (kg.intake) on a copy of the checkout."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from _files import ministry_page, pdf
from rdflib import Graph, Literal
from typer.testing import CliRunner

from kg._namespaces import CK, DCTERMS, ID, PROV, SCHEMA
from kg.cli import app
from kg.intake import slugify

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.setenv("KG_ROOT", str(tmp_path))
    monkeypatch.setenv("KG_STORE", str(tmp_path / ".kg" / "store"))
    return tmp_path


def _kg(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in (root / "data").rglob("*") if p.is_file()}


def test_pdf_is_registered_with_original_text_and_record(checkout: Path, tmp_path: Path) -> None:
    source = tmp_path / "Fact Sheet 2025.pdf"
    source.write_bytes(
        pdf([["Japan announced a contribution of US$ 5.5 million to UNODC in 2025."]])
    )
    code, output = _kg(
        "source", "add", str(source), "--title", "Japan\u2013UNODC Fact Sheet 2025",
        "--publisher", "Ministry of Foreign Affairs of Japan", "--publisher", "UNODC",
        "--date", "2025-06-12",
    )  # fmt: skip
    assert code == 0, output
    slug = "japan-unodc-fact-sheet-2025"
    original = checkout / f"data/documents/originals/{slug}.pdf"
    text = checkout / f"data/documents/{slug}.txt"
    assert original.read_bytes() == source.read_bytes()
    assert text.read_text() == (
        "Japan announced a contribution of US$ 5.5 million to UNODC in 2025.\n"
    )
    record = Graph().parse(checkout / f"data/documents/{slug}.ttl")
    document, original_node = ID[slug], ID[f"{slug}-original"]
    assert record.value(document, CK.sha256) == Literal(
        hashlib.sha256(text.read_bytes()).hexdigest()
    )
    assert record.value(original_node, CK.sha256) == Literal(
        hashlib.sha256(source.read_bytes()).hexdigest()
    )
    assert record.value(document, PROV.wasDerivedFrom) == original_node
    activity = record.value(document, PROV.wasGeneratedBy)
    assert record.value(activity, CK.extractor) == Literal("pdf")
    assert record.value(activity, PROV.used) == original_node
    agent = record.value(activity, PROV.wasAssociatedWith)
    assert str(record.value(agent, SCHEMA.softwareVersion)).count(".") >= 1
    assert set(record.objects(document, DCTERMS.publisher)) == {
        ID["ministry-of-foreign-affairs-of-japan"],
        ID["unodc"],
    }
    assert f"next: kg suggest {slug}" in output
    code, output = _kg("validate")
    assert code == 0, output


def test_html_is_registered_sanitised(checkout: Path, tmp_path: Path) -> None:
    source = tmp_path / "release.html"
    source.write_bytes(ministry_page("http://127.0.0.1:9"))
    code, output = _kg(
        "source", "add", str(source), "--title", "Press release", "--slug", "release"
    )
    assert code == 0, output
    assert "were not fetched" in output
    text = (checkout / "data/documents/release.txt").read_text()
    assert "analytics" not in text and "Japan\u2013UNODC Fact Sheet 2025" in text
    assert (checkout / "data/documents/originals/release.html").is_file()


def test_refusals_leave_data_untouched(checkout: Path, tmp_path: Path) -> None:
    before = _files(checkout)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # 100 MB, sparse: nothing is read
        handle.truncate(100 * 2**20)
    code, output = _kg("source", "add", str(huge), "--title", "Huge")
    assert code == 2 and "more than the" in output and "nothing was read" in output
    code, output = _kg("source", "add", "https://example.org/report.pdf", "--title", "Remote")
    assert code == 2 and "nothing is fetched" in output
    taken = tmp_path / "again.md"
    taken.write_text("Japan and UNODC.\n")
    code, output = _kg(
        "source", "add", str(taken), "--title", "x", "--slug", "japan-unodc-2024-2026"
    )
    assert code == 2 and "is taken" in output
    code, output = _kg("source", "add", str(taken), "--title", "x", "--publisher", "Atlantis")
    assert code == 2 and "no actor of the graph" in output
    bomb = tmp_path / "bomb.pdf"
    from _files import pdf_bomb

    bomb.write_bytes(pdf_bomb())
    code, output = _kg("source", "add", str(bomb), "--title", "Bomb")
    assert code == 2 and "PDF bomb" in output and "nothing was stored" in output
    assert _files(checkout) == before


def test_reextract_moves_quotes_to_the_new_text(checkout: Path) -> None:
    """A document whose original was its text: re-extracting it as Markdown drops the markup
    from the stored text and from every quote, and the data still builds."""
    slug = "japan-gender-equality-cooperation"
    original = (checkout / f"data/documents/originals/{slug}.md").read_bytes()
    marked = original.replace(
        b"concluded the UN Trafficking in Persons Protocol", b"concluded the **UN TIP Protocol**"
    )
    source = checkout / "marked.md"
    source.write_bytes(marked)
    initiatives = checkout / f"data/{slug}/initiatives.ttl"
    assert "concluded the UN Trafficking in Persons Protocol" in initiatives.read_text()
    code, output = _kg("source", "reextract", slug, "--original", str(source))
    assert code == 0, output
    assert "concluded the UN TIP Protocol which" in initiatives.read_text()
    assert "**" not in (checkout / f"data/documents/{slug}.txt").read_text()
    assert (checkout / f"data/documents/originals/{slug}.md").read_bytes() == marked
    code, output = _kg("source", "check")
    assert code == 0, output


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Japan\u2013UNODC Fact Sheet 2025", "japan-unodc-fact-sheet-2025"),
        ("Côte d\u2019Ivoire: ODA White Paper", "cote-d-ivoire-oda-white-paper"),
    ],
)
def test_slugs_come_from_titles(title: str, slug: str) -> None:
    assert slugify(title) == slug
