"""kg import iati: exit codes (0 ok, 1 malformed or not conforming, 2 refused or unreadable),
hostile files refused before parsing with the store unchanged, --partial, directories, the
one-line summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from iati_samples import EXAMPLE, HOSTILE, MALFORMED, NETHERLANDS, needs_reference
from typer.testing import CliRunner

from kg._namespaces import GRAPH
from kg.cli import app
from kg.stores.oxigraph import OxigraphStore

runner = CliRunner()


def state(store_dir: Path) -> tuple[int, list[str]]:
    store = OxigraphStore(store_dir, read_only=True)
    try:
        return store.count(), store.graphs()
    finally:
        store.close()


def kg_import(store_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["import", "iati", *args, "--store", str(store_dir)], env=env or {})


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("xxe.xml", "DOCTYPE (or ENTITY) declaration is refused"),
        ("billion-laughs.xml", "DOCTYPE (or ENTITY) declaration is refused"),
        ("external-dtd.xml", "DOCTYPE (or ENTITY) declaration is refused"),
        ("undefined-entity.xml", "not well-formed XML"),
        ("not-xml.xml", "is not an XML file"),
        ("not-iati.xml", "its root element is <iati-organisations>"),
        ("truncated.xml", "not well-formed XML"),
    ],
)
def test_hostile_and_unreadable_files_are_refused(store_dir: Path, name: str, message: str) -> None:
    before = state(store_dir)
    result = kg_import(store_dir, str(HOSTILE / name), "--no-validate")
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert name in result.output
    assert state(store_dir) == before
    assert not (store_dir.parent / "imports").exists()


def test_the_xxe_file_line_is_named(store_dir: Path) -> None:
    result = kg_import(store_dir, str(HOSTILE / "xxe.xml"))
    assert "xxe.xml:2:" in result.output
    assert "root:" not in result.output  # nothing of /etc/passwd


def test_a_file_above_the_size_limit_is_refused(store_dir: Path) -> None:
    before = state(store_dir)
    result = kg_import(store_dir, str(NETHERLANDS), env={"KG_MAX_IMPORT_BYTES": "1000"})
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "more than the import limit of 1,000 bytes" in text
    assert "KG_MAX_IMPORT_BYTES" in text
    assert state(store_dir) == before


def test_malformed_activities_exit_1_and_partial_imports_the_rest(store_dir: Path) -> None:
    before = state(store_dir)
    result = kg_import(store_dir, str(MALFORMED), "--no-validate")
    assert result.exit_code == 1, result.output
    output = result.output
    assert "3 of 4 activities" in output
    assert "activity XX-TEST-2: transaction 1: value '12,5' is not a number" in output
    assert state(store_dir) == before

    result = kg_import(store_dir, str(MALFORMED), "--no-validate", "--partial")
    assert result.exit_code == 0, result.output
    assert "left out 3 activities" in result.stderr
    assert "no iati-identifier" in result.stderr
    assert "1 activities, 1 transactions, 0 budgets" in result.stdout
    assert str(GRAPH["iati-malformed-2-03"]) in state(store_dir)[1]


@needs_reference
def test_summary_line_and_validated_import(store_dir: Path) -> None:
    result = kg_import(store_dir, str(NETHERLANDS))
    assert result.exit_code == 0, result.output
    line = " ".join(result.stdout.split())
    assert (
        "into iati-netherlands-mfa-2-03: 13 activities, 72 transactions, 13 budgets; "
        "organisations 0 matched, 15 created; places unmatched 0, sectors unmatched 0;"
    ) in line
    assert "validated," in line and "activities/s" in line
    # No progress bar when stderr is not a terminal.
    assert "\r" not in result.output


def test_a_directory_imports_each_file_into_its_own_graph(store_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    for path in (NETHERLANDS, EXAMPLE):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "notes.txt").write_text("not imported")
    result = kg_import(store_dir, str(folder), "--no-validate")
    assert result.exit_code == 0, result.output
    graphs = state(store_dir)[1]
    assert str(GRAPH["iati-netherlands-mfa-2-03"]) in graphs
    assert str(GRAPH["iati-standard-example-annotated-2-03"]) in graphs
    assert result.stdout.count("imported ") == 2


def test_one_bad_file_of_several_gives_its_code_and_the_others_import(
    store_dir: Path,
) -> None:
    result = kg_import(
        store_dir, str(HOSTILE / "xxe.xml"), str(EXAMPLE), str(MALFORMED), "--no-validate"
    )
    assert result.exit_code == 2, result.output
    assert str(GRAPH["iati-standard-example-annotated-2-03"]) in state(store_dir)[1]
    assert str(GRAPH["iati-malformed-2-03"]) not in state(store_dir)[1]


def test_graph_option_names_one_graph(store_dir: Path) -> None:
    result = kg_import(store_dir, str(EXAMPLE), "--graph", "iati-example", "--no-validate")
    assert result.exit_code == 0, result.output
    assert str(GRAPH["iati-example"]) in state(store_dir)[1]
    result = kg_import(store_dir, str(EXAMPLE), str(NETHERLANDS), "--graph", "x")
    assert result.exit_code == 2
    assert "--graph names one graph" in result.output
    result = kg_import(store_dir, str(EXAMPLE), "--graph", "derived")
    assert result.exit_code == 2
