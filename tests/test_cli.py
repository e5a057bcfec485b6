"""The kg command: what it prints and the exit codes scripts rely on (0 ok, 1 invalid, 2 error)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.settings import Settings

runner = CliRunner()

INVALID = """
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix schema: <https://schema.org/> .
id:bad-funding a ck:Funding ; schema:funder id:japan .
"""


@pytest.fixture()
def cli_store(settings: Settings, built: object, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at the session's already-built store."""
    monkeypatch.setenv("KG_STORE", settings.store)
    return Path(settings.store)


def test_build_is_a_no_op_when_nothing_changed(cli_store: Path) -> None:
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_build_into_a_new_store(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "quads in" in result.output
    assert (tmp_path / "s").is_dir()


def test_validate_shipped_data_conforms() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_validate_reports_nonconforming_file_with_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(INVALID, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1, result.output
    assert "bad-funding" in result.output


def test_validate_unparsable_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "syntax error" in result.output


def test_query_json(cli_store: Path) -> None:
    result = runner.invoke(
        app, ["query", "SELECT ?l WHERE { id:jica rdfs:label ?l }", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert [b["l"]["value"] for b in bindings] == ["Japan International Cooperation Agency"]


@pytest.mark.parametrize(
    ("fmt", "expected"), [("csv", ["l", "Japan"]), ("tsv", ["?l", '"Japan"@en'])]
)
def test_query_csv_and_tsv(cli_store: Path, fmt: str, expected: list[str]) -> None:
    result = runner.invoke(app, ["query", "SELECT ?l WHERE { id:japan rdfs:label ?l }", "-f", fmt])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == expected


def test_query_table(cli_store: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT ?l WHERE { id:japan rdfs:label ?l }"])
    assert result.exit_code == 0, result.output
    assert "Japan" in result.stdout and "1 rows" in result.stdout


def test_query_ask_and_construct(cli_store: Path) -> None:
    ask = runner.invoke(app, ["query", "ASK { id:jica a ck:DevelopmentAgency }"])
    assert ask.exit_code == 0 and "yes" in ask.stdout
    construct = runner.invoke(
        app, ["query", "CONSTRUCT WHERE { id:jica rdfs:label ?l }", "-f", "ntriples"]
    )
    assert construct.exit_code == 0
    assert "<https://w3id.org/coop-kg/id/jica>" in construct.stdout


def test_query_syntax_error_exits_2(cli_store: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT WHERE {"])
    assert result.exit_code == 2
    assert "syntax error" in result.output


def test_query_file(cli_store: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a ck:Priority }", encoding="utf-8")
    result = runner.invoke(app, ["query", str(query), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert int(result.stdout.splitlines()[1]) >= 9


def test_export_graph_to_file(cli_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "ref.ttl"
    result = runner.invoke(app, ["export", "-f", "turtle", "-g", "reference", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "id:japan" in target.read_text(encoding="utf-8") or "japan" in target.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "-f", "yaml"], "unknown format"),
        (["export", "-g", "no-such-graph"], "no named graph"),
        (["query", "missing.rq"], "does not exist"),
    ],
)
def test_usage_errors_exit_2(cli_store: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_stats(cli_store: Path) -> None:
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    for section in ("Named graphs", "Classes", "Evidence coverage"):
        assert section in result.stdout


@pytest.mark.parametrize("spec", ["memory", "oxigraph:memory"])
def test_an_in_memory_store_answers_from_the_shipped_data(spec: str) -> None:
    """Regression (issue 13): the build went nowhere and the command answered from an empty
    store with exit 0. Now the data is built into the in-memory store the command uses."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://schema.org/Country> }"
    result = runner.invoke(app, ["query", query, "--format", "json", "--store", spec])
    assert result.exit_code == 0, result.output
    countries = int(json.loads(result.output)["results"]["bindings"][0]["n"]["value"])
    assert countries > 0
