"""The IATI reference data: data/iati/, kg.iati_codes and what scripts/iati_reference.py generates.

That the reference graph with the generated files still conforms is test_data.py's
``test_shipped_data_builds_and_conforms`` (the session build validates every file).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg._namespaces import CK, ID, REFERENCE_GRAPH, SCHEMA
from kg.build import Assembled
from kg.errors import SourceError
from kg.iati_codes import (
    CODELISTS,
    code_slug,
    kebab,
    load_codelist,
    load_dac_regions,
    load_v1_codes,
    read_codelist,
    v2_code,
)
from kg_synth.places import COUNTRIES, REGIONS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REFERENCE = DATA / "reference"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "iati_reference", ROOT / "scripts/iati_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.fixture(scope="module")
def generated() -> dict[str, Graph]:
    return {name: Graph().parse(REFERENCE / name, format="turtle") for name in SCRIPT.GENERATED}


def _id(slug: str) -> URIRef:
    return URIRef(str(ID) + slug)


# --- Shipped files ---------------------------------------------------------------------------


def test_every_codelist_is_shipped_and_readable() -> None:
    shipped = sorted(p.stem for p in (DATA / "iati" / "codelists").glob("*.xml"))
    assert shipped == sorted(CODELISTS)
    for name in CODELISTS:
        assert read_codelist(name, data_dir=DATA).codes, name


def test_load_codelist_gives_english_names() -> None:
    assert load_codelist("TransactionType", data_dir=DATA)["3"] == "Disbursement"
    assert load_codelist("OrganisationRole", data_dir=DATA)["4"] == "Implementing"
    # Whitespace collapsed as in the generated labels; withdrawn codes included.
    assert load_codelist("FinanceType", data_dir=DATA)["610"] == "Debt forgiveness: ODA claims (P)"
    assert load_codelist("Sector", data_dir=DATA)["92010"] == "Support to national NGOs"


def test_an_unknown_codelist_is_refused() -> None:
    with pytest.raises(SourceError, match="not a shipped IATI codelist"):
        read_codelist("Vocabulary", data_dir=DATA)


def test_slugs_follow_the_mapping_contract() -> None:
    assert kebab("TransactionType") == "transaction-type"
    assert code_slug("TransactionType", "3") == "iati-transaction-type-3"
    assert code_slug("OrganisationRole", "1") == "iati-organisation-role-1"
    assert code_slug("AidType", "C01") == "iati-aid-type-c01"
    for name in SCRIPT.CODE_SCHEMES:
        codes = [c.code for c in read_codelist(name, data_dir=DATA).codes]
        assert len({code_slug(name, c) for c in codes}) == len(codes), name


def test_every_dac_region_lies_in_a_known_m49_region() -> None:
    placed = load_dac_regions(data_dir=DATA)
    regions = load_codelist("Region", data_dir=DATA)
    assert sorted(placed) == sorted(regions)
    m49 = {r.slug for r in REGIONS if r.m49 is not None}
    assert set(placed.values()) <= m49
    assert placed["298"] == "africa"
    assert placed["289"] == "sub-saharan-africa"
    assert placed["998"] == "world"


def test_v1_codes_map_to_real_2x_codes() -> None:
    table = load_v1_codes(data_dir=DATA)
    sector_vocabularies = {"1", "2", "3", "4", "5", "6", "98", "99"}  # 2.0x SectorVocabulary
    for (codelist, v1), v2 in table.items():
        codes = (
            sector_vocabularies
            if codelist == "SectorVocabulary"
            else set(load_codelist(codelist, data_dir=DATA))
        )
        assert v2 in codes, (codelist, v1, v2)
    transaction_types = {v1: v2 for (cl, v1), v2 in table.items() if cl == "TransactionType"}
    letters = {"if": "1", "c": "2", "d": "3", "e": "4", "ir": "5", "lr": "6", "r": "7"}
    letters |= {"qp": "8", "qs": "9", "cg": "10"}
    assert letters.items() <= transaction_types.items()


def test_v1_rows_are_not_ambiguous() -> None:
    rows = (DATA / "iati" / "v1-codes.csv").read_text(encoding="utf-8").splitlines()[1:]
    keys = [tuple(r.split(",")[:2]) for r in rows]
    folded = [(cl, v1.strip().casefold()) for cl, v1 in keys]
    assert len(set(folded)) == len(folded)


def test_v2_code_maps_1x_spellings_and_keeps_2x_codes() -> None:
    table = load_v1_codes(data_dir=DATA)
    assert v2_code(table, "TransactionType", "D") == "3"
    assert v2_code(table, "TransactionType", "disbursment") == "3"  # the World Bank sample
    assert v2_code(table, "OrganisationRole", " implementing ") == "4"
    assert v2_code(table, "ActivityDateType", "start-actual") == "2"
    assert v2_code(table, "SectorVocabulary", "DAC") == "1"
    assert v2_code(table, "TransactionType", "3") == "3"
    assert v2_code(table, "OrganisationRole", "beneficiary") == "beneficiary"


# --- Generated files ---------------------------------------------------------------------------


def test_regenerating_gives_the_committed_files_byte_for_byte() -> None:
    rendered = SCRIPT.render(ROOT)
    assert sorted(p.name for p in rendered) == sorted(SCRIPT.GENERATED)
    for path, text in rendered.items():
        assert path.read_bytes() == text.encode("utf-8"), (
            f"{path.name} is stale: run `python scripts/iati_reference.py`"
        )


def test_every_code_of_the_code_schemes_is_a_code(generated: dict[str, Graph]) -> None:
    graph = generated["iati-codelists.ttl"]
    for name in SCRIPT.CODE_SCHEMES:
        scheme = _id(f"iati-codelist-{kebab(name)}")
        assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
        for entry in read_codelist(name, data_dir=DATA).codes:
            code = _id(code_slug(name, entry.code))
            assert (code, RDF.type, CK.Code) in graph
            assert (code, SKOS.inScheme, scheme) in graph
            assert (code, SKOS.notation, Literal(entry.code)) in graph
            assert (code, OWL.deprecated, Literal(True)) in graph or not entry.withdrawn
    assert (None, RDF.type, SKOS.Concept) not in graph


def test_every_sector_and_category_is_a_theme(generated: dict[str, Graph]) -> None:
    graph = generated["dac-sectors.ttl"] + Graph().parse(REFERENCE / "themes.ttl")
    for entry in read_codelist("SectorCategory", data_dir=DATA).codes:
        assert (_id(f"dac-{entry.code}"), SKOS.notation, Literal(entry.code)) in graph
    for entry in read_codelist("Sector", data_dir=DATA).codes:
        themes = list(graph.subjects(CK.dacPurposeCode, Literal(entry.code)))
        assert len(themes) == 1, entry.code
        if themes[0] == _id(f"dac-{entry.code}"):
            assert (themes[0], OWL.deprecated, Literal(True)) in graph or not entry.withdrawn


def test_the_dac_tree_is_complete(generated: dict[str, Graph]) -> None:
    graph = generated["dac-sectors.ttl"]
    root = _id("dac-sectors")
    assert (root, SKOS.topConceptOf, _id("themes")) in graph
    for theme, code in graph.subject_objects(CK.dacPurposeCode):
        category = _id(f"dac-{str(code)[:3]}")
        assert (theme, SKOS.broader, category) in graph, theme
        assert (category, SKOS.broader, root) in graph, category
    # Curated themes with a DAC code sit under its category too, unless they are top themes.
    assert (_id("anti-corruption"), SKOS.broader, _id("dac-151")) in graph
    assert (_id("rule-of-law"), SKOS.broader, None) not in graph


def test_every_country_is_a_place_once(assembled: Assembled) -> None:
    reference = assembled.graphs[str(REFERENCE_GRAPH)]
    for country in COUNTRIES:
        places = list(reference.subjects(CK.iso3166Alpha2, Literal(country.alpha2)))
        assert len(places) == 1, country.alpha2
        assert (places[0], SCHEMA.containedInPlace, None) in reference
    # Country.xml codes that kg_synth.places lacks: Kosovo (no ISO 3166-1 code, no M49 code) and
    # the Netherlands Antilles (withdrawn); the importer reports them as unmatched.
    iati = set(load_codelist("Country", data_dir=DATA))
    assert iati - {c.alpha2 for c in COUNTRIES} == {"XK", "AN"}


def test_every_dac_region_is_a_place_in_its_m49_region(assembled: Assembled) -> None:
    reference = assembled.graphs[str(REFERENCE_GRAPH)]
    m49 = {str(code): place for place, code in reference.subject_objects(CK.m49Code)}
    slugs = {r.slug: m49[r.m49] for r in REGIONS if r.m49 is not None}
    for code, parent in load_dac_regions(data_dir=DATA).items():
        region = _id(f"dac-region-{code}")
        assert (region, CK.dacRegionCode, Literal(code)) in reference
        assert list(reference.objects(region, SCHEMA.containedInPlace)) == [slugs[parent]]
