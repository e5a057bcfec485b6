"""`kg publish` (kg.publish): a reviewed draft joins data/ and the store, validated and atomic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import StoreError
from kg.stores.base import AskResult
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
SLUG = "japan-unodc-2024-2026"
REVIEWED = """@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix oa: <http://www.w3.org/ns/oa#> .

[] a oa:Annotation ;
    oa:hasBody id:ghada-waly ;
    oa:hasTarget [
        a ck:Evidence ;
        oa:hasSelector [
            a oa:TextQuoteSelector ;
            oa:exact "Ghada WALY" ] ;
        oa:hasSource id:japan-unodc-2024-2026 ] ;
    oa:motivatedBy oa:identifying .
"""
MENTIONED = f"""ASK {{ GRAPH <https://w3id.org/coop-kg/graph/{SLUG}> {{
    ?a a oa:Annotation ; oa:hasBody id:ghada-waly ; oa:hasTarget ?e . ?e a ck:Evidence }} }}"""


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


def _mentioned(store: Path) -> bool:
    opened = OxigraphStore(store, read_only=True)
    try:
        result = opened.query(MENTIONED)
        assert isinstance(result, AskResult)
        return result.value
    finally:
        opened.close()


def test_publish_moves_the_draft_and_writes_the_graph(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = _kg("build")
    assert code == 0, output
    store = checkout / ".kg" / "store"
    draft = checkout / "drafts" / "waly.ttl"
    draft.parent.mkdir()
    draft.write_text(REVIEWED)

    # The store refuses the write: the file goes back where it was, data/ is untouched.
    def broken(*_: object, **__: object) -> None:
        raise StoreError("the store is locked by another process")

    monkeypatch.setattr("kg.writes.Writer.put", broken)
    code, output = _kg("publish", str(draft))
    assert code == 2 and "locked" in output
    assert draft.is_file() and not (checkout / f"data/{SLUG}/waly.ttl").exists()
    assert not _mentioned(store)
    monkeypatch.undo()
    monkeypatch.setenv("KG_ROOT", str(checkout))
    monkeypatch.setenv("KG_STORE", str(store))

    code, output = _kg("publish", str(draft))
    assert code == 0, output
    assert (checkout / f"data/{SLUG}/waly.ttl").read_text() == REVIEWED
    assert not draft.exists()
    assert _mentioned(store)
    assert "previous state in" in output
    code, output = _kg("validate")
    assert code == 0, output


def test_a_draft_with_todos_or_violations_is_refused(checkout: Path) -> None:
    draft = checkout / "drafts" / "gender.ttl"
    code, output = _kg("suggest", "japan-gender-equality-cooperation", "-o", str(draft))
    assert code == 0, output
    before = sorted(p.name for p in (checkout / "data").rglob("*"))
    code, output = _kg("publish", str(draft))
    assert code == 1
    assert "does not conform" in output and "] TODO " in output
    assert draft.is_file()
    assert sorted(p.name for p in (checkout / "data").rglob("*")) == before


def test_todos_alone_refuse_too(checkout: Path) -> None:
    draft = checkout / "waly.ttl"
    draft.write_text(
        REVIEWED.replace(
            "oa:motivatedBy oa:identifying .",
            'oa:motivatedBy oa:identifying ;\n    ck:todo "the person or the post?" .',
        )
    )
    code, output = _kg("publish", str(draft))
    assert code == 1 and "still has 1 TODO" in output and "the person or the post?" in output


def test_a_draft_must_quote_one_registered_document(checkout: Path) -> None:
    draft = checkout / "other.ttl"
    draft.write_text(REVIEWED.replace(f"id:{SLUG}", "id:some-other-report"))
    code, output = _kg("publish", str(draft))
    assert code == 1 and "not registered" in output
