"""Library errors get their HTTP status in one place (``kg.api.problems``), and a server whose
own configuration cannot be used answers 500, never a client's 400 (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kg import errors
from kg.api.main import create_app
from kg.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE, to_problem
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

TOKEN = "curator-token-" + "x" * 24
GRAPH = "https://w3id.org/coop-kg/graph/problem-mapping-test"


def test_a_bad_setting_of_the_server_is_a_500_that_keeps_its_details_in_the_log() -> None:
    problem = to_problem(errors.SettingsError("KG_SPARQL_URL ftp://secret-host is not http(s)"))
    assert problem.status == 500
    assert problem.type == PROBLEM_BASE + "server-misconfigured"
    assert "secret-host" not in problem.detail
    # A client's unusable parameter stays 400.
    assert to_problem(errors.ConfigurationError("limit must be at least 1")).status == 400


def test_a_write_to_a_misconfigured_server_store_answers_500(tmp_path: Path) -> None:
    """The write opens the configured store (a SPARQL server whose URL is not http): the
    operator's mistake, reported as the server's."""
    settings = Settings(
        store="sparql:ftp://nowhere.invalid/sparql",
        write_token=TOKEN,
        backup_dir=tmp_path / "backups",
    )
    served = OxigraphStore()
    with TestClient(create_app(settings, store=served)) as client:
        response = client.put(
            "/graphs",
            params={"graph": GRAPH},
            content="<https://w3id.org/coop-kg/id/a> <http://www.w3.org/2000/01/rdf-schema#label> 'A' .",
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
        )
    assert response.status_code == 500, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["type"] == PROBLEM_BASE + "server-misconfigured"
    assert "nowhere.invalid" not in response.text


@pytest.mark.parametrize(
    ("error", "status", "slug"),
    [
        (errors.UploadError("bad turtle", line=3, column=4), 400, "syntax-error"),
        (errors.UpdateSyntaxError("bad update", line=1, column=2), 400, "syntax-error"),
        (errors.ReservedGraphError("the ontology"), 403, "reserved-graph"),
        (errors.WriteError("refused"), 400, "write-refused"),
        (errors.GraphNotFoundError("no graph"), 404, "not-found"),
        (errors.WriteNotConformingError([]), 422, "data-not-conforming"),
        (errors.FetchRefusedError("no fetching"), 400, "fetch-refused"),
    ],
)
def test_write_errors_are_mapped_by_the_one_table(
    error: errors.KGError, status: int, slug: str
) -> None:
    problem = to_problem(error)
    assert (problem.status, problem.type) == (status, PROBLEM_BASE + slug)


def test_an_unsupported_upload_type_is_a_plain_415() -> None:
    problem = to_problem(errors.UnsupportedMediaTypeError("send turtle"))
    assert (problem.status, problem.type, problem.detail) == (415, "about:blank", "send turtle")


def test_every_error_class_lives_in_kg_errors() -> None:
    """No module defines a ``KGError`` of its own: one tree, in kg.errors."""
    import ast

    src = Path(__file__).resolve().parents[2] / "src"
    tree = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.KGError)
    }
    assert {"KGError", "WriteError", "SettingsError"} <= tree
    elsewhere = []
    for module in sorted(src.rglob("*.py")):
        if module.name == "errors.py" and module.parent.name == "kg":
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                if bases & tree:
                    elsewhere.append(f"{module.relative_to(src)}:{node.lineno} {node.name}")
    assert elsewhere == []
