"""Generate the reference Turtle the IATI importer relies on, from data/iati/ and the M49 table.

    python scripts/iati_reference.py            write the three files below
    python scripts/iati_reference.py --check    exit 1 if any of them differs from what it would write

- data/reference/iati-codelists.ttl: each non-geographic, non-sector codelist as a
  skos:ConceptScheme id:iati-codelist-{kebab}, its entries as ck:Code id:iati-{kebab}-{code}.
- data/reference/dac-sectors.ttl: the DAC branch of the theme scheme: id:dac-sectors, the
  3-digit categories and the 5-digit purpose codes as themes id:dac-{code}, except codes a
  curated theme already carries as ck:dacPurposeCode (that theme is placed under its category).
- data/reference/m49-places.ttl: every country of kg_synth.places the curated places lack, the M49
  regions they need, and each DAC region id:dac-region-{code} inside its M49 region.

Output is deterministic (same inputs, same bytes) and in the house format of data/ (docs/
modelling.md: fixed prefixes, one block per subject, predicates in the documented order).
tests/test_iati_reference.py regenerates and compares. Run with the project's virtualenv.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg._namespaces import CK, ID, SCHEMA
from kg.iati_codes import Code, Codelist, code_slug, kebab, load_dac_regions, read_codelist
from kg_synth.places import COUNTRIES, GROUPING_MEMBERS, REGIONS

ROOT: Final = Path(__file__).resolve().parents[1]

#: The codelists that become ck:Code schemes; the others are places or themes, or plain strings.
CODE_SCHEMES: Final = (
    "ActivityDateType",
    "ActivityStatus",
    "AidType",
    "BudgetType",
    "FinanceType",
    "FlowType",
    "OrganisationRole",
    "OrganisationType",
    "TransactionType",
)

GENERATED: Final = ("iati-codelists.ttl", "dac-sectors.ttl", "m49-places.ttl")

# docs/modelling.md's prefixes, plus owl: for owl:deprecated on withdrawn codes.
_PREFIXES: Final = (
    ("ck", "https://w3id.org/coop-kg/ontology#"),
    ("id", "https://w3id.org/coop-kg/id/"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("oa", "http://www.w3.org/ns/oa#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("schema", "https://schema.org/"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
)
_FIRST: Final = ("a", "rdfs:label", "skos:altLabel", "dcterms:description")
_LAST: Final = ("prov:wasDerivedFrom",)
_BANNER: Final = "#" * 65


# --- Turtle in the house format -------------------------------------------------------------


def en(text: str) -> str:
    return _quote(text) + "@en"


def string(text: str) -> str:
    return _quote(text)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _predicate_key(predicate: str) -> tuple[int, int, str]:
    if predicate in _FIRST:
        return (0, _FIRST.index(predicate), "")
    if predicate in _LAST:
        return (2, _LAST.index(predicate), "")
    return (1, 0, predicate)


@dataclass
class Block:
    """One subject block: predicate -> objects, already written as Turtle terms."""

    subject: str
    facts: dict[str, set[str]] = field(default_factory=dict)

    def add(self, predicate: str, *objects: str) -> Block:
        self.facts.setdefault(predicate, set()).update(objects)
        return self

    def render(self) -> str:
        lines = [
            f"{predicate} {', '.join(sorted(self.facts[predicate]))}"
            for predicate in sorted(self.facts, key=_predicate_key)
        ]
        first, *rest = lines
        body = "".join(f" ;\n    {line}" for line in rest)
        return f"{self.subject} {first}{body} .\n"


def document(comment: Sequence[str], sections: Iterable[tuple[str, Sequence[Block]]]) -> str:
    out = [f"@prefix {p}: <{iri}> .\n" for p, iri in _PREFIXES]
    out.append("\n")
    out += [f"# {line}\n".replace("# \n", "#\n") for line in comment]
    for title, blocks in sections:
        if not blocks:
            continue
        out.append(f"\n{_BANNER}\n# {title}\n{_BANNER}\n")
        out += [f"\n{block.render()}" for block in blocks]
    return "".join(out)


def _id(slug: str) -> str:
    return f"id:{slug}"


# --- What the curated reference graph already has ------------------------------------------


@dataclass(frozen=True)
class Curated:
    """The hand-written data: its entity slugs, places by code, themes by DAC purpose code."""

    slugs: frozenset[str]
    countries: frozenset[str]  # ISO alpha-2 codes
    regions: Mapping[str, str]  # M49 code -> slug
    parents: Mapping[str, frozenset[str]]  # slug -> slugs of its schema:containedInPlace
    themes: Mapping[str, str]  # DAC purpose code -> slug
    top_themes: frozenset[str]


def read_curated(data_dir: Path) -> Curated:
    graph = Graph()
    for path in sorted(data_dir.rglob("*.ttl")):
        if not (path.parent.name == "reference" and path.name in GENERATED):
            graph.parse(path, format="turtle")

    def slug(node: object) -> str | None:
        text = str(node)
        return text.removeprefix(str(ID)) if text.startswith(str(ID)) else None

    slugs = {s for s in map(slug, graph.subjects()) if s and "/" not in s}
    countries = {str(code) for code in graph.objects(None, CK.iso3166Alpha2)}
    regions: dict[str, str] = {}
    for place, code in graph.subject_objects(CK.m49Code):
        if (place, CK.iso3166Alpha2, None) not in graph:
            regions[str(code)] = slug(place) or ""
    parents: dict[str, set[str]] = {}
    for child, parent in graph.subject_objects(SCHEMA.containedInPlace):
        parents.setdefault(slug(child) or "", set()).add(slug(parent) or "")
    themes = {str(code): slug(t) or "" for t, code in graph.subject_objects(CK.dacPurposeCode)}
    top = {slug(t) or "" for t in graph.subjects(SKOS.topConceptOf, None)}
    return Curated(
        slugs=frozenset(slugs),
        countries=frozenset(countries),
        regions=regions,
        parents={k: frozenset(v) for k, v in parents.items()},
        themes=themes,
        top_themes=frozenset(top),
    )


# --- The three files -----------------------------------------------------------------------


def codelists_ttl(codelists: Sequence[Codelist]) -> str:
    sections = []
    for codelist in codelists:
        scheme = f"iati-codelist-{kebab(codelist.name)}"
        blocks = [
            Block(_id(scheme))
            .add("a", "skos:ConceptScheme")
            .add("rdfs:label", en(f"IATI {codelist.title} codelist"))
        ]
        if codelist.description:
            blocks[0].add("skos:definition", en(codelist.description))
        for entry in codelist.codes:
            block = (
                Block(_id(code_slug(codelist.name, entry.code)))
                .add("a", "ck:Code")
                .add("rdfs:label", en(entry.name))
                .add("skos:inScheme", _id(scheme))
                .add("skos:notation", string(entry.code))
            )
            if entry.description:
                block.add("skos:definition", en(entry.description))
            if entry.withdrawn:
                block.add("owl:deprecated", "true")
            blocks.append(block)
        sections.append((f"{codelist.title} (IATI {codelist.name})", blocks))
    comment = [
        "IATI codelists as SKOS concept schemes of ck:Code entries (docs/iati.md), in the reference",
        "graph (https://w3id.org/coop-kg/graph/reference). Generated by scripts/iati_reference.py",
        "from data/iati/codelists/ (see data/iati/README.md): do not edit by hand.",
        "Withdrawn codes are kept, flagged owl:deprecated true.",
    ]
    return document(comment, sections)


def sectors_ttl(categories: Codelist, sectors: Codelist, curated: Curated) -> str:
    root = (
        Block(_id("dac-sectors"))
        .add("a", "skos:Concept")
        .add("rdfs:label", en("DAC sectors"))
        .add("skos:prefLabel", en("DAC sectors"))
        .add(
            "skos:definition",
            en(
                "The OECD DAC CRS sector classification: 3-digit sector categories and the "
                "5-digit purpose codes under them, as the IATI SectorCategory and Sector "
                "codelists publish them."
            ),
        )
        .add("skos:inScheme", "id:themes")
        .add("skos:topConceptOf", "id:themes")
    )
    scheme = Block("id:themes").add("skos:hasTopConcept", _id("dac-sectors"))
    sections: list[tuple[str, Sequence[Block]]] = [("DAC sectors", [root])]
    placed: list[Block] = []
    known = {c.code for c in categories.codes}
    orphans = sorted(s.code for s in sectors.codes if s.category not in known)
    if orphans:
        raise SystemExit(f"Sector codes whose category is not in SectorCategory.xml: {orphans}")
    for category in sorted(categories.codes, key=lambda c: c.code):
        blocks = [_theme(category, broader="dac-sectors")]
        for sector in sorted(sectors.codes, key=lambda c: c.code):
            if sector.category != category.code:
                continue
            theme = curated.themes.get(sector.code)
            if theme is None:
                blocks.append(_theme(sector, broader=_dac(category.code), purpose=True))
            elif theme not in curated.top_themes:
                # A top theme cannot also have skos:broader (cks:ThemePlacement).
                placed.append(Block(_id(theme)).add("skos:broader", _id(_dac(category.code))))
        sections.append((f"{category.code} {category.name}", blocks))
    sections.append(("Curated themes with a DAC purpose code, under its DAC category", placed))
    sections.append(("The theme scheme's new top concept", [scheme]))
    comment = [
        "The DAC branch of the theme scheme id:themes (docs/iati.md), in the reference graph",
        "(https://w3id.org/coop-kg/graph/reference). Generated by scripts/iati_reference.py from",
        "data/iati/codelists/SectorCategory.xml and Sector.xml: do not edit by hand.",
        "A purpose code that a curated theme of themes.ttl carries as ck:dacPurposeCode has no",
        "id:dac-{code}: the importer maps it to that theme. Withdrawn codes: owl:deprecated true.",
    ]
    return document(comment, sections)


def _dac(code: str) -> str:
    return f"dac-{code}"


def _theme(entry: Code, *, broader: str, purpose: bool = False) -> Block:
    block = (
        Block(_id(_dac(entry.code)))
        .add("a", "skos:Concept")
        .add("rdfs:label", en(entry.name))
        .add("skos:prefLabel", en(entry.name))
        .add("skos:broader", _id(broader))
        .add("skos:inScheme", "id:themes")
        .add("skos:notation", string(entry.code))
    )
    if purpose:
        block.add("ck:dacPurposeCode", string(entry.code))
    if entry.description:
        block.add("skos:definition", en(entry.description))
    if entry.withdrawn:
        block.add("owl:deprecated", "true")
    return block


def places_ttl(regions_xml: Codelist, dac_parents: Mapping[str, str], curated: Curated) -> str:
    by_slug = {r.slug: r for r in REGIONS if r.m49 is not None}
    # places.ttl's slug for an M49 region it has (matched by code), else kg_synth.places' slug.
    slug_of = {
        slug: curated.regions.get(region.m49 or "", slug) for slug, region in by_slug.items()
    }
    existing = set(curated.regions.values())
    new_countries = [c for c in COUNTRIES if c.alpha2 not in curated.countries]

    needed: set[str] = set()

    def need(slug: str) -> None:
        if slug_of.get(slug, slug) in existing or slug in needed:
            return
        if slug not in by_slug:
            if slug in curated.slugs:  # a curated grouping such as id:indo-pacific
                return
            raise SystemExit(
                f"{slug!r} is neither an M49 region of kg_synth.places nor in places.ttl"
            )
        needed.add(slug)
        for parent in by_slug[slug].parents:
            need(parent)

    for country in new_countries:
        need(country.region)
    for slug in dac_parents.values():
        need(slug)
    # A curated region must sit under its M49 parent, or the new countries below it would be
    # missing from the larger region (e.g. Kenya from Sub-Saharan Africa).
    for slug, region in by_slug.items():
        curated_slug = slug_of[slug]
        if curated_slug not in existing:
            continue
        for parent in region.parents:
            if parent in by_slug and slug_of[parent] not in curated.parents.get(curated_slug, ()):
                raise SystemExit(
                    f"places.ttl: id:{curated_slug} is not schema:containedInPlace "
                    f"id:{slug_of[parent]}, its M49 parent; fix places.ttl first"
                )

    def place(slug: str) -> str:
        return _id(slug_of.get(slug, slug))

    region_blocks = []
    for region in REGIONS:
        if region.slug not in needed:
            continue
        block = (
            Block(_id(region.slug))
            .add("a", "ck:Region")
            .add("rdfs:label", en(region.name))
            .add("ck:m49Code", string(region.m49 or ""))
            .add("schema:containedInPlace", *(place(p) for p in region.parents))
        )
        if region.alt:
            block.add("skos:altLabel", *(en(a) for a in region.alt))
        region_blocks.append(block)

    country_blocks = []
    for country in new_countries:
        groups = [g for g in GROUPING_MEMBERS.get(country.alpha2, ()) if g in curated.slugs]
        block = (
            Block(_id(country.slug))
            .add("a", "schema:Country")
            .add("rdfs:label", en(country.name))
            .add("ck:iso3166Alpha2", string(country.alpha2))
            .add("ck:m49Code", string(country.m49))
            .add("schema:containedInPlace", place(country.region), *(_id(g) for g in groups))
        )
        if country.alt:
            block.add("skos:altLabel", *(en(a) for a in country.alt))
        country_blocks.append(block)

    dac_blocks = []
    for entry in regions_xml.codes:
        if entry.code not in dac_parents:
            raise SystemExit(f"data/iati/dac-regions.csv lacks DAC region {entry.code}")
        block = (
            Block(_id(f"dac-region-{entry.code}"))
            .add("a", "ck:Region")
            .add("rdfs:label", en(entry.name))
            .add("ck:dacRegionCode", string(entry.code))
            .add("schema:containedInPlace", place(dac_parents[entry.code]))
        )
        if entry.withdrawn:
            block.add("owl:deprecated", "true")
        dac_blocks.append(block)

    comment = [
        "Places the IATI importer needs beyond the curated places.ttl, in the reference graph",
        "(https://w3id.org/coop-kg/graph/reference). Generated by scripts/iati_reference.py from",
        "src/kg_synth/places.py (ISO 3166-1 in the UN M49 tree) and data/iati/ (DAC regions,",
        "dac-regions.csv): do not edit by hand. Countries are places here (schema:Country), not",
        "actors; a country or region places.ttl already has (same ISO or M49 code) is not repeated.",
    ]
    return document(
        comment,
        [
            ("M49 regions", region_blocks),
            ("Countries and territories (ISO 3166-1) as places", country_blocks),
            ("OECD DAC recipient regions (IATI Region codelist)", dac_blocks),
        ],
    )


def render(root: Path = ROOT) -> dict[Path, str]:
    """Each generated file (absolute path) -> its text."""
    data_dir = root / "data"
    curated = read_curated(data_dir)
    files = {
        "iati-codelists.ttl": codelists_ttl(
            [read_codelist(name, data_dir=data_dir) for name in CODE_SCHEMES]
        ),
        "dac-sectors.ttl": sectors_ttl(
            read_codelist("SectorCategory", data_dir=data_dir),
            read_codelist("Sector", data_dir=data_dir),
            curated,
        ),
        "m49-places.ttl": places_ttl(
            read_codelist("Region", data_dir=data_dir),
            load_dac_regions(data_dir=data_dir),
            curated,
        ),
    }
    rendered = {data_dir / "reference" / name: text for name, text in files.items()}
    _check_slugs(rendered, curated)
    return rendered


def _check_slugs(rendered: Mapping[Path, str], curated: Curated) -> None:
    """No generated entity may reuse a curated slug, except the blocks that place curated ones."""
    minted: dict[str, Path] = {}
    for path, text in rendered.items():
        graph = Graph().parse(data=text, format="turtle")
        for subject in set(graph.subjects(RDF.type, None)):
            assert isinstance(subject, URIRef)
            slug = str(subject).removeprefix(str(ID))
            if slug in curated.slugs:
                raise SystemExit(f"{path.name}: id:{slug} is already a curated entity")
            if slug in minted:
                raise SystemExit(f"id:{slug} is minted by both {minted[slug].name} and {path.name}")
            minted[slug] = path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    stale = []
    for path, text in render().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path.relative_to(ROOT))
        else:
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"out of date: {', '.join(map(str, stale))}; run scripts/iati_reference.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
