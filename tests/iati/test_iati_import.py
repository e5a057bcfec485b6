"""kg.iati_import: a file at a time, all or nothing; re-import replaces; the file is kept and
described; organisations are matched against the store; the rest of the store is untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from iati_samples import (
    DFID,
    DRAFTS,
    EXAMPLE,
    MALFORMED,
    NETHERLANDS,
    UNDP,
    graph_quads,
    import_file,
    imports_of,
    line_of,
    select,
    values,
)

from kg._namespaces import GRAPH
from kg.api.main import create_app
from kg.build import build
from kg.errors import MalformedRecordsError
from kg.iati import activity_slug
from kg.iati_import import default_iati_graph, file_slug
from kg.importer import Contract, import_rdf
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[2]
NL_GRAPH = str(GRAPH["iati-netherlands-mfa-2-03"])


def iri(slug: str) -> str:
    return f"https://w3id.org/coop-kg/id/{slug}"


def store_state(store_dir: Path) -> tuple[int, list[str]]:
    store = OxigraphStore(store_dir, read_only=True)
    try:
        return store.count(), store.graphs()
    finally:
        store.close()


def graph_count(store_dir: Path, graph: str) -> int:
    store = OxigraphStore(store_dir, read_only=True)
    try:
        return store.count(graph)
    finally:
        store.close()


# Names -----------------------------------------------------------------------------------------


def test_graph_file_and_activity_names() -> None:
    assert default_iati_graph(NETHERLANDS) == NL_GRAPH
    assert default_iati_graph(Path("iati-nl.xml")) == str(GRAPH["iati-nl"])
    assert file_slug(NL_GRAPH) == "iati-file-netherlands-mfa-2-03"
    assert activity_slug("NL-1-PPR-24706") == "iati-nl-1-ppr-24706"
    dotted, hyphenated = activity_slug("NL-1-PPR.1"), activity_slug("NL-1-PPR-1")
    assert hyphenated == "iati-nl-1-ppr-1"
    assert dotted.startswith("iati-nl-1-ppr-1-") and len(dotted) == len(hyphenated) + 9


# All or nothing --------------------------------------------------------------------------------


def test_drafts_without_identifiers_are_keyed_by_their_other_identifier(store_dir: Path) -> None:
    """Pre-1.01 drafts publish no iati-identifier: each activity is keyed by its publisher's
    other-identifier (owner and number), kept as dcterms:identifier and never claimed to be an
    iati-identifier; a shape warns about each."""
    expected = {
        DFID: {"uk1234 113414-103"},
        UNDP: {"UNDP '00013616"},
    }
    for path in DRAFTS:
        result = import_file(store_dir, path, contract=Contract.load(Settings(root=ROOT)))
        starts = path.read_text().count("<iati-activity ")
        assert result.tally.activities == starts
        graph = default_iati_graph(path)
        rows = select(
            store_dir,
            f"SELECT ?a ?key WHERE {{ GRAPH <{graph}> {{ ?a a ck:IatiActivity ; "
            "dcterms:identifier ?key FILTER NOT EXISTS { ?a ck:iatiIdentifier [] } } }",
        )
        assert len(rows) == starts
        assert all(row[0] == iri(activity_slug(row[1])) for row in rows)
        if path in expected:
            assert {row[1] for row in rows} == expected[path]
        assert sum("should have its ck:iatiIdentifier" in w for w in result.warnings) == starts
    world_bank = {
        row[0] for row in select(store_dir, "SELECT ?k WHERE { ?a dcterms:identifier ?k }")
    }
    assert "World Bank P084404" in world_bank


def test_an_activity_with_no_identifier_at_all_is_refused_by_line(
    store_dir: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "bare.xml"
    bare.write_text(
        UNDP.read_text()
        .replace("<other-identifier", "<other-id")
        .replace("</other-identifier>", "</other-id>")
    )
    before = store_state(store_dir)
    with pytest.raises(MalformedRecordsError) as refused:
        import_file(store_dir, bare)
    start = line_of(bare, "<iati-activity ")
    assert refused.value.report == (
        f"bare.xml:{start}: activity without identifier: no iati-identifier and no other-identifier",
    )
    assert store_state(store_dir) == before


def test_a_malformed_activity_fails_the_file(store_dir: Path) -> None:
    before = store_state(store_dir)
    with pytest.raises(MalformedRecordsError) as refused:
        import_file(store_dir, MALFORMED)
    second = line_of(MALFORMED, "<iati-activity ", occurrence=2)
    third = line_of(MALFORMED, "<iati-activity ", occurrence=3)
    fourth = line_of(MALFORMED, "<iati-activity ", occurrence=4)
    transaction = line_of(MALFORMED, "<transaction>", occurrence=2)
    budget = line_of(MALFORMED, "<budget ")
    last = line_of(MALFORMED, "<transaction>", occurrence=3)
    assert refused.value.report == (
        f"malformed-2.03.xml:{transaction}: activity XX-TEST-2: transaction 1: value '12,5' is "
        "not a number",
        f"malformed-2.03.xml:{budget}: activity XX-TEST-2: budget 1: period-end '2020-13-01' "
        "is not a date",
        f"malformed-2.03.xml:{third}: activity without identifier: no iati-identifier and no other-identifier",
        f"malformed-2.03.xml:{last}: activity XX-TEST-4: transaction 1: value 750 has no "
        "currency and the activity no default-currency",
    )
    assert second < transaction < budget < third < fourth < last
    assert "3 of 4 activities" in str(refused.value)
    assert "--partial" in str(refused.value)
    assert store_state(store_dir) == before


def test_partial_imports_the_good_activities(store_dir: Path) -> None:
    result = import_file(store_dir, MALFORMED, partial=True)
    assert (result.tally.activities, result.rejected_activities) == (1, 3)
    assert len(result.rejected) == 4
    assert values(store_dir, "id:iati-xx-test-1-transaction-1", "ck:transactionType") == {
        iri("iati-transaction-type-3")
    }
    identifiers = select(store_dir, "SELECT ?i WHERE { ?a ck:iatiIdentifier ?i }")
    assert ("XX-TEST-1",) in identifiers
    assert not {("XX-TEST-2",), ("XX-TEST-4",)} & set(identifiers)
    assert values(store_dir, "id:iati-xx-test-2-transaction-1", "a") == set()


# Re-import -------------------------------------------------------------------------------------


def test_reimport_replaces_the_graph(store_dir: Path) -> None:
    first = import_file(store_dir, NETHERLANDS)
    quads = graph_quads(store_dir, NL_GRAPH)
    total = store_state(store_dir)
    second = import_file(store_dir, NETHERLANDS)
    assert second.quads == first.quads == graph_count(store_dir, NL_GRAPH)
    assert graph_quads(store_dir, NL_GRAPH) == quads
    assert store_state(store_dir) == total
    # Its own organisations were in the graph being replaced: created again, not matched.
    assert (second.organisations_created, second.organisations_matched) == (
        first.organisations_created,
        first.organisations_matched,
    )


def test_importing_a_changed_version_replaces_what_changed(store_dir: Path, tmp_path: Path) -> None:
    import_file(store_dir, NETHERLANDS)
    changed = tmp_path / NETHERLANDS.name
    text = NETHERLANDS.read_text(encoding="utf-8")
    text = text.replace(
        '<value value-date="2014-04-08">1500000</value>',
        '<value value-date="2014-04-08">1600000</value>',
    )
    last = text.rindex("<iati-activity ")
    text = text[:last] + text[text.index("</iati-activity>", last) + len("</iati-activity>") :]
    changed.write_text(text, encoding="utf-8")
    result = import_file(store_dir, changed)
    assert result.tally.activities == 12
    rows = select(
        store_dir,
        "SELECT ?v WHERE { id:iati-nl-1-ppr-24706-transaction-2 schema:amount/schema:value ?v }",
    )
    assert rows == [("1600000",)]
    assert values(store_dir, "id:iati-xm-dac-7-ppr-28250", "ck:iatiIdentifier") == set()
    stored = values(store_dir, "id:iati-file-netherlands-mfa-2-03", "ck:sha256")
    assert stored == {hashlib.sha256(changed.read_bytes()).hexdigest()}


# The file --------------------------------------------------------------------------------------


def test_the_file_is_kept_and_described(store_dir: Path) -> None:
    result = import_file(store_dir, EXAMPLE)
    digest = hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert result.sha256 == digest
    assert result.stored_at == imports_of(store_dir) / digest[:2] / f"{digest}.xml"
    assert result.stored_at.read_bytes() == EXAMPLE.read_bytes()
    node = "id:iati-file-standard-example-annotated-2-03"
    assert values(store_dir, node, "a") == {"https://w3id.org/coop-kg/ontology#DataFile"}
    assert values(store_dir, node, "ck:sha256") == {digest}
    assert values(store_dir, node, "ck:storedAt") == {f"{digest[:2]}/{digest}.xml"}
    assert values(store_dir, node, "dcterms:title") == {EXAMPLE.name}
    assert values(store_dir, node, "dcterms:format") == {"application/xml"}
    assert values(store_dir, node, "schema:version") == {"2.03"}
    assert values(store_dir, "id:iati-aa-aaa-123456789-abc123", "dcterms:source") == {iri(node[3:])}


# Organisations ---------------------------------------------------------------------------------

ACTORS = """\
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
id:test-undp a ck:InternationalOrganization ; rdfs:label "United Nations Development Programme"@en ;
    skos:altLabel "UNDP"@en ; ck:iatiOrganisationIdentifier "XM-DAC-41114" .
id:test-ictj a ck:NonGovernmentalOrganization ; rdfs:label "International Center for Transitional Justice"@en ;
    skos:altLabel "ictj"@en .
id:test-other-ministry a ck:GovernmentBody ; rdfs:label "Ministry of Foreign Affairs (DGIS)"@en ;
    ck:iatiOrganisationIdentifier "XX-OTHER-1" .
"""


def test_organisations_match_by_identifier_then_label(store_dir: Path, tmp_path: Path) -> None:
    actors = tmp_path / "actors.ttl"
    actors.write_text(ACTORS, encoding="utf-8")
    store = OxigraphStore(store_dir)
    import_rdf(store, actors, graph=str(GRAPH["test-actors"]))
    store.close()
    result = import_file(store_dir, NETHERLANDS)
    undp_activity = "id:iati-xm-dac-7-ppr-28250"
    assert values(store_dir, undp_activity, "ck:implementedBy") == {iri("test-undp")}
    receivers = values(store_dir, f"{undp_activity}-transaction-1", "ck:recipient")
    assert receivers == {iri("test-undp")}
    # "ICTJ" has no ref: matched by altLabel, ignoring case.
    assert values(store_dir, "id:iati-nl-1-ppr-24706", "ck:implementedBy") == {iri("test-ictj")}
    assert values(store_dir, "id:org-ictj", "a") == set()
    # The same name under another identifier is another organisation.
    assert values(store_dir, "id:iati-nl-1-ppr-24706", "ck:fundedBy") == {iri("org-xm-dac-7")}
    assert result.organisations_matched == 2
    assert values(store_dir, "id:test-undp", "ck:iatiOrganisationIdentifier") == {"XM-DAC-41114"}


OTHER_PUBLISHER = """\
<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
  <iati-activity default-currency="EUR" xml:lang="en">
    <iati-identifier>XX-OTHER-1-A1</iati-identifier>
    <reporting-org ref="XX-OTHER-1" type="10"><narrative>Other ministry</narrative></reporting-org>
    <title><narrative>Co-funded with the Netherlands</narrative></title>
    <participating-org ref="XM-DAC-7" role="1" type="10"><narrative>Dutch MFA</narrative></participating-org>
    <participating-org ref="XX-OTHER-1" role="1" type="10"><narrative>Other ministry</narrative></participating-org>
  </iati-activity>
</iati-activities>
"""


def test_one_actor_per_identifier_across_files(store_dir: Path, tmp_path: Path) -> None:
    import_file(store_dir, NETHERLANDS)
    other = tmp_path / "iati-other.xml"
    other.write_text(OTHER_PUBLISHER, encoding="utf-8")
    result = import_file(store_dir, other)
    funders = values(store_dir, "id:iati-xx-other-1-a1", "ck:fundedBy")
    assert funders == {iri("org-xm-dac-7"), iri("org-xx-other-1")}
    assert (result.organisations_matched, result.organisations_created) == (1, 1)
    rows = select(store_dir, 'SELECT ?o WHERE { ?o ck:iatiOrganisationIdentifier "XM-DAC-7" }')
    assert rows == [(iri("org-xm-dac-7"),)]
    # Re-importing the Netherlands file keeps the IRI the other graph points to.
    import_file(store_dir, NETHERLANDS)
    assert values(store_dir, "id:org-xm-dac-7", "ck:iatiOrganisationIdentifier") == {"XM-DAC-7"}


# The rest of the store ------------------------------------------------------------------------


def answers(store_dir: Path) -> dict[str, object]:
    """REST answers about the curated data."""
    settings = Settings(root=ROOT, store=str(store_dir), response_cache_entries=0)
    store = OxigraphStore(store_dir, read_only=True)
    try:
        with TestClient(create_app(settings, store=store)) as client:
            found = {}
            for path in (
                "/api/fundings?funder=japan",
                "/api/fundings/summary?by=year&funder=japan",
                "/api/actors/japan",
                "/api/priorities",
            ):
                response = client.get(path)
                assert response.status_code == 200, (path, response.text)
                found[path] = response.json()
            return found
    finally:
        store.close()


def test_curated_answers_are_unchanged_by_an_import(store_dir: Path) -> None:
    before = answers(store_dir)
    import_file(store_dir, NETHERLANDS)
    import_file(store_dir, EXAMPLE)
    assert answers(store_dir) == before


def test_a_build_carries_the_imported_graph_over_unchanged(store_dir: Path) -> None:
    import_file(store_dir, NETHERLANDS)
    quads, count = graph_quads(store_dir, NL_GRAPH), graph_count(store_dir, NL_GRAPH)
    result = build(Settings(root=ROOT, store=str(store_dir)), force=True)
    assert result.quads_per_graph[NL_GRAPH] == count == graph_count(store_dir, NL_GRAPH)
    assert graph_quads(store_dir, NL_GRAPH) == quads
