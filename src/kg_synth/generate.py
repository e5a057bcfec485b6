"""Generate a large, realistic coop-kg graph for benchmarks: ``kg synth --triples N --seed S``.

The output follows the modelling contract (docs/modelling.md) so that the shapes, the named
queries and the API work on it unchanged: every ISO 3166-1 country under its UN M49 region up to
``id:world`` (plus a few groupings), a three-level theme tree in ``id:themes``, thousands of
actors of the ``ck:`` classes, and source documents whose text is written sentence by sentence
from the facts it supports (initiatives, events, fundings in USD, EUR, JPY and GBP, targets,
commitments, priorities), so that every quote sits at its stated offsets and every evidence IRI
is ``id:evidence/{doc-slug}/{start}-{end}`` as the build would give it.

Streaming: the reference graph is written first, then one document graph at a time; only one
document's lines are held in memory, so the size of the output does not bound the run. Only
``random.Random(seed)`` draws, and nothing iterates a set, so one seed and one size give a
byte-identical file.

Named graphs (N-Quads): ``graph/synth-reference`` and ``graph/synth-{k}`` per document
``id:synth-{k}``. N-Triples output holds the same triples without graphs.

Slugs: everything the generator makes up starts with ``synth-`` (``OWN``), so the output
conforms beside the shipped data as well as alone; countries, M49 regions, ``id:themes`` and
``id:united-nations`` are shared with it and written as the shipped data has them.
"""

from __future__ import annotations

import calendar
import hashlib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NamedTuple, TextIO

from kg._namespaces import GRAPH, ID, PREFIXES
from kg.errors import ConfigurationError
from kg.slugs import slugify
from kg_synth.places import COUNTRIES, GROUPING_MEMBERS, REGIONS, Country

#: Below this, the fixed reference graph (every country, the region and theme trees and the
#: international actors, about 2,900 triples) would be most of the output.
MIN_TRIPLES: Final = 5_000

#: Output formats by file extension: True means N-Quads (with named graphs).
FORMATS: Final[dict[str, bool]] = {".nq": True, ".nt": False}

REFERENCE_GRAPH: Final = f"{GRAPH}synth-reference"

#: Every slug of what the generator makes up (actors, themes, groupings, documents and their
#: facts) starts with this, so generated data can sit beside the shipped data without claiming
#: its IRIs: the shipped graph has its own id:cybercrime and id:un-women, with other labels, and
#: two labels on one IRI break the shapes. Countries and M49 regions keep the shared slugs: they
#: are the same reference data (``kg_synth.places``) the shipped places come from, and region
#: queries over generated data must reach them.
OWN: Final = "synth-"


def _iri(prefix: str, local: str) -> str:
    return f"<{PREFIXES[prefix]}{local}>"


# Terms, already in N-Triples form.
A: Final = _iri("rdf", "type")
LABEL: Final = _iri("rdfs", "label")
ALT: Final = _iri("skos", "altLabel")
PREF: Final = _iri("skos", "prefLabel")
DEFINITION: Final = _iri("skos", "definition")
IN_SCHEME: Final = _iri("skos", "inScheme")
TOP_OF: Final = _iri("skos", "topConceptOf")
HAS_TOP: Final = _iri("skos", "hasTopConcept")
BROADER: Final = _iri("skos", "broader")
CONCEPT: Final = _iri("skos", "Concept")
SCHEME: Final = _iri("skos", "ConceptScheme")
DESCRIPTION: Final = _iri("dcterms", "description")
SUBJECT: Final = _iri("dcterms", "subject")
TITLE: Final = _iri("dcterms", "title")
LANGUAGE: Final = _iri("dcterms", "language")
PUBLISHER: Final = _iri("dcterms", "publisher")
ISSUED: Final = _iri("dcterms", "issued")
DERIVED: Final = _iri("prov", "wasDerivedFrom")
SUB_ORG: Final = _iri("org", "subOrganizationOf")
MEMBER_OF: Final = _iri("org", "memberOf")
CONTAINED: Final = _iri("schema", "containedInPlace")
AREA: Final = _iri("schema", "areaServed")
FUNDER: Final = _iri("schema", "funder")
FUNDED_ITEM: Final = _iri("schema", "fundedItem")
AMOUNT: Final = _iri("schema", "amount")
CURRENCY: Final = _iri("schema", "currency")
VALUE: Final = _iri("schema", "value")
MIN_VALUE: Final = _iri("schema", "minValue")
UNIT_TEXT: Final = _iri("schema", "unitText")
START: Final = _iri("schema", "startDate")
END: Final = _iri("schema", "endDate")
LOCATION: Final = _iri("schema", "location")
TEXT: Final = _iri("schema", "text")
ENCODING: Final = _iri("schema", "encodingFormat")
MONETARY_AMOUNT: Final = _iri("schema", "MonetaryAmount")
COUNTRY: Final = _iri("schema", "Country")
ISO: Final = _iri("ck", "iso3166Alpha2")
M49: Final = _iri("ck", "m49Code")
DAC: Final = _iri("ck", "dacPurposeCode")
RECIPIENT: Final = _iri("ck", "recipient")
QUALIFIER: Final = _iri("ck", "valueQualifier")
STATUS: Final = _iri("ck", "status")
VAGUENESS: Final = _iri("ck", "vagueness")
IMPLEMENTED_BY: Final = _iri("ck", "implementedBy")
ADOPTED_BY: Final = _iri("ck", "adoptedBy")
PARTICIPANT: Final = _iri("ck", "participant")
BUILDS_ON: Final = _iri("ck", "buildsOn")
ANNOUNCED_AT: Final = _iri("ck", "announcedAt")
HOSTED_BY: Final = _iri("ck", "hostedBy")
EDITION: Final = _iri("ck", "edition")
COMMITTED_BY: Final = _iri("ck", "committedBy")
CONCERNS: Final = _iri("ck", "concerns")
PRIORITISED_BY: Final = _iri("ck", "prioritisedBy")
PRIORITY_REGION: Final = _iri("ck", "priorityRegion")
SHA256: Final = _iri("ck", "sha256")
STORED_AT: Final = _iri("ck", "storedAt")
DOCUMENT: Final = _iri("ck", "document")
EVIDENCE: Final = _iri("ck", "Evidence")
HAS_SOURCE: Final = _iri("oa", "hasSource")
HAS_SELECTOR: Final = _iri("oa", "hasSelector")
QUOTE_SELECTOR: Final = _iri("oa", "TextQuoteSelector")
POSITION_SELECTOR: Final = _iri("oa", "TextPositionSelector")
EXACT: Final = _iri("oa", "exact")
PREFIX: Final = _iri("oa", "prefix")
OA_START: Final = _iri("oa", "start")
OA_END: Final = _iri("oa", "end")
ENGLISH: Final = "<http://id.loc.gov/vocabulary/iso639-1/en>"
WORLD: Final = f"<{ID}world>"
#: Named by the shapes (a UN entity is a sub-organisation of id:united-nations), so shared with
#: the shipped data; written with the type and labels data/reference/actors.ttl gives it.
UNITED_NATIONS: Final = f"<{ID}united-nations>"
#: The one theme scheme of the contract (the shapes require it of every theme), shared with the
#: shipped data like the places. Its type and label are written as data/reference/themes.ttl
#: has them (the same triples, so the two never disagree); its description is left to that file.
THEMES: Final = f"<{ID}themes>"
THEMES_LABEL: Final = "coop-kg themes"

_XSD: Final = PREFIXES["xsd"]
DASH: Final = "\u2013"  # en dash, as sources write "2024\u20132026"
_ESCAPES: Final = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def ck(local: str) -> str:
    return _iri("ck", local)


def en(text: str) -> str:
    """An @en literal in N-Triples form."""
    return f'"{text.translate(_ESCAPES)}"@en'


def plain(text: str) -> str:
    """An xsd:string literal in N-Triples form."""
    return f'"{text.translate(_ESCAPES)}"'


def typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^<{_XSD}{datatype}>'


def entity(slug: str) -> str:
    return f"<{ID}{slug}>"


_GROUPINGS: Final = frozenset(region.slug for region in REGIONS if region.m49 is None)


def place_slug(slug: str) -> str:
    """A place's slug here: M49 regions and countries as shipped, groupings in our own space
    (the shipped data names e.g. id:asean-countries otherwise)."""
    return f"{OWN}{slug}" if slug in _GROUPINGS else slug


class Named(NamedTuple):
    """An entity the generator refers to: its IRI term, label, and the name sentences use."""

    iri: str
    label: str
    name: str


@dataclass(frozen=True, slots=True)
class SynthResult:
    """What `synthesize` wrote."""

    path: Path
    triples: int
    target: int
    graphs: int
    documents: int
    seconds: float
    mix: dict[str, int]
    """Triples per part of the graph: evidence, fundings, initiatives, actors, ..."""


# Donor states (ISO alpha-2), largest first, with their development agency if they have one.
_DONORS: Final = (
    ("JP", "Japan International Cooperation Agency", "JICA"),
    ("US", "United States Agency for International Development", "USAID"),
    ("DE", "Deutsche Gesellschaft für Internationale Zusammenarbeit", "GIZ"),
    ("GB", "Foreign, Commonwealth and Development Office", "FCDO"),
    ("FR", "Agence française de développement", "AFD"),
    ("SE", "Swedish International Development Cooperation Agency", "Sida"),
    ("NO", "Norwegian Agency for Development Cooperation", "Norad"),
    ("NL", "Netherlands Enterprise Agency", "RVO"),
    ("CA", "Global Affairs Canada", "GAC"),
    ("IT", "Italian Agency for Development Cooperation", "AICS"),
    ("KR", "Korea International Cooperation Agency", "KOICA"),
    ("AU", "Department of Foreign Affairs and Trade", "DFAT"),
    ("CH", "Swiss Agency for Development and Cooperation", "SDC"),
    ("ES", "Spanish Agency for International Development Cooperation", "AECID"),
    ("DK", "Danish International Development Agency", "Danida"),
    ("BE", "Enabel, Belgian Development Agency", "Enabel"),
    ("FI", "", ""),
    ("AT", "Austrian Development Agency", "ADA"),
    ("IE", "Irish Aid", "Irish Aid"),
    ("NZ", "Ministry of Foreign Affairs and Trade", "MFAT"),
    ("LU", "Luxembourg Development Cooperation Agency", "LuxDev"),
    ("TR", "Turkish Cooperation and Coordination Agency", "TİKA"),
    ("CN", "China International Development Cooperation Agency", "CIDCA"),
    ("SA", "Saudi Fund for Development", "SFD"),
    ("AE", "Abu Dhabi Fund for Development", "ADFD"),
    ("KW", "Kuwait Fund for Arab Economic Development", "Kuwait Fund"),
    ("QA", "Qatar Fund for Development", "QFFD"),
    ("PL", "", ""),
    ("CZ", "Czech Development Agency", "CzDA"),
    ("PT", "Camões, Institute for Cooperation and Language", "Camões I.P."),
    ("IN", "", ""),
    ("BR", "Brazilian Cooperation Agency", "ABC"),
    ("MX", "Mexican Agency for International Development Cooperation", "AMEXCID"),
    ("TH", "Thailand International Cooperation Agency", "TICA"),
    ("SG", "", ""),
    ("IS", "", ""),
    ("SK", "Slovak Agency for International Development Cooperation", "SlovakAid"),
    ("SI", "", ""),
    ("EE", "Estonian Centre for International Development", "ESTDEV"),
    ("LT", "", ""),
)
# Territories that receive official development assistance themselves.
_ODA_AREAS: Final = ("MS", "SH", "TK")
# High-income states that neither give nor receive much aid here.
_HIGH_INCOME: Final = frozenset(
    ("AD", "BH", "BG", "CY", "HR", "GR", "HU", "IL", "LV", "LI", "MT", "MC", "OM", "RO", "SM", "VA")
)
# Regions where no aid goes.
_NOT_AID_REGIONS: Final = frozenset(
    (
        "world",
        "europe",
        "northern-europe",
        "channel-islands",
        "western-europe",
        "southern-europe",
        "northern-america",
        "australia-and-new-zealand",
    )
)
# Names that take "the" in running text.
_THE: Final = frozenset(
    (
        "Americas",
        "Caribbean",
        "Indo-Pacific",
        "Sahel",
        "Pacific Islands",
        "Greater Mekong Subregion",
        "ASEAN member states",
        "Bahamas",
        "Gambia",
        "Philippines",
        "Netherlands",
        "United States",
        "United Kingdom",
        "United Arab Emirates",
        "Central African Republic",
        "Republic of the Congo",
        "Democratic Republic of the Congo",
        "Dominican Republic",
        "Maldives",
        "Comoros",
        "Seychelles",
        "Russian Federation",
        "Holy See",
        "Federated States of Micronesia",
    )
)
_EURO: Final = frozenset(
    (
        "DE",
        "FR",
        "NL",
        "IT",
        "ES",
        "BE",
        "FI",
        "AT",
        "IE",
        "LU",
        "PT",
        "SK",
        "SI",
        "EE",
        "LT",
        "LV",
        "GR",
    )
)

_UN_ENTITIES: Final = (
    ("United Nations Development Programme", "UNDP"),
    ("United Nations Children's Fund", "UNICEF"),
    ("Office of the United Nations High Commissioner for Refugees", "UNHCR"),
    ("World Food Programme", "WFP"),
    ("World Health Organization", "WHO"),
    ("United Nations Population Fund", "UNFPA"),
    ("United Nations Entity for Gender Equality and the Empowerment of Women", "UN Women"),
    ("United Nations Office on Drugs and Crime", "UNODC"),
    ("United Nations Educational, Scientific and Cultural Organization", "UNESCO"),
    ("Food and Agriculture Organization of the United Nations", "FAO"),
    ("International Labour Organization", "ILO"),
    ("International Organization for Migration", "IOM"),
    ("United Nations Environment Programme", "UNEP"),
    ("United Nations Human Settlements Programme", "UN-Habitat"),
    ("United Nations Office for Project Services", "UNOPS"),
    ("Office for the Coordination of Humanitarian Affairs", "OCHA"),
    ("United Nations Industrial Development Organization", "UNIDO"),
    ("International Fund for Agricultural Development", "IFAD"),
    ("United Nations Relief and Works Agency for Palestine Refugees in the Near East", "UNRWA"),
    ("United Nations Conference on Trade and Development", "UNCTAD"),
    ("International Telecommunication Union", "ITU"),
    ("Joint United Nations Programme on HIV/AIDS", "UNAIDS"),
    ("United Nations Mine Action Service", "UNMAS"),
    ("United Nations Office of Counter-Terrorism", "UNOCT"),
    ("Office of the United Nations High Commissioner for Human Rights", "OHCHR"),
    ("United Nations Office for Disaster Risk Reduction", "UNDRR"),
    ("United Nations Institute for Training and Research", "UNITAR"),
    ("United Nations University", "UNU"),
    ("World Meteorological Organization", "WMO"),
    ("International Atomic Energy Agency", "IAEA"),
    ("United Nations Peacebuilding Fund", "PBF"),
    ("Central Emergency Response Fund", "CERF"),
)

_ORGANIZATIONS: Final = (
    ("World Bank Group", "WBG"),
    ("International Monetary Fund", "IMF"),
    ("Asian Development Bank", "ADB"),
    ("African Development Bank Group", "AfDB"),
    ("Inter-American Development Bank", "IDB"),
    ("European Bank for Reconstruction and Development", "EBRD"),
    ("European Investment Bank", "EIB"),
    ("European Union", "EU"),
    ("Association of Southeast Asian Nations", "ASEAN"),
    ("African Union", "AU"),
    ("Organisation for Economic Co-operation and Development", "OECD"),
    ("North Atlantic Treaty Organization", "NATO"),
    ("Global Fund to Fight AIDS, Tuberculosis and Malaria", "Global Fund"),
    ("Gavi, the Vaccine Alliance", "Gavi"),
    ("Islamic Development Bank", "IsDB"),
    ("Asian Infrastructure Investment Bank", "AIIB"),
    ("Economic Community of West African States", "ECOWAS"),
    ("Southern African Development Community", "SADC"),
    ("Pacific Islands Forum Secretariat", "PIFS"),
    ("Organization for Security and Co-operation in Europe", "OSCE"),
    ("Green Climate Fund", "GCF"),
    ("Global Partnership for Education", "GPE"),
)

# Forum, acronym, members (alpha-2).
_FORUMS: Final = (
    ("Group of Seven", "G7", ("CA", "FR", "DE", "IT", "JP", "GB", "US")),
    (
        "Group of Twenty",
        "G20",
        (
            "AR",
            "AU",
            "BR",
            "CA",
            "CN",
            "FR",
            "DE",
            "IN",
            "ID",
            "IT",
            "JP",
            "KR",
            "MX",
            "RU",
            "SA",
            "ZA",
            "TR",
            "GB",
            "US",
        ),
    ),
    ("Tokyo International Conference on African Development", "TICAD", ("JP",)),
    (f"Forum on China{DASH}Africa Cooperation", "FOCAC", ("CN",)),
)

_MINISTRIES: Final = (
    "Ministry of Foreign Affairs",
    "Ministry of Finance",
    "Ministry of Health",
    "Ministry of Education",
    "Ministry of Agriculture",
    "Ministry of Environment",
    "Ministry of Justice",
    "Ministry of the Interior",
    "Ministry of Women's Affairs",
    "Ministry of Planning",
    "Ministry of Energy",
    "Ministry of Water Resources",
    "National Disaster Management Agency",
    "National Police",
    "Coast Guard",
    "Office of the Prime Minister",
    "Ministry of Labour",
    "Ministry of Trade",
    "Ministry of Transport",
    "National Statistics Office",
)

_NGO_WORDS: Final = (
    "Bright",
    "Global",
    "Open",
    "Rural",
    "Urban",
    "Coastal",
    "Mountain",
    "United",
    "Common",
    "Shared",
    "Future",
    "New",
    "First",
    "Green",
    "Blue",
    "Safe",
    "Healthy",
    "Equal",
    "Fair",
    "Free",
    "Young",
    "Sustainable",
    "Resilient",
    "Inclusive",
)
_NGO_NOUNS: Final = (
    "Futures",
    "Water",
    "Health",
    "Harvest",
    "Horizons",
    "Bridges",
    "Voices",
    "Hands",
    "Roots",
    "Pathways",
    "Seeds",
    "Rights",
    "Justice",
    "Learning",
    "Schools",
    "Villages",
    "Women",
    "Youth",
    "Children",
    "Families",
    "Oceans",
    "Forests",
    "Climate",
    "Peace",
    "Hope",
    "Dignity",
    "Skills",
    "Markets",
    "Energy",
)
_NGO_KINDS: Final = (
    "Foundation",
    "Alliance",
    "Network",
    "Initiative",
    "Trust",
    "Institute",
    "Association",
    "Council",
    "Society",
    "Partners",
    "Coalition",
    "Centre",
)

# Top themes: label, DAC code or "", definition, then (mid label, DAC code or "").
_THEMES: Final = (
    (
        "Rule of law",
        "15130",
        "Legal and judicial systems under which everyone, the state included, is accountable.",
        (
            ("Criminal justice", "15130"),
            ("Access to justice", ""),
            ("Anti-corruption", "15113"),
            ("Human rights", "15160"),
        ),
    ),
    (
        "Peace and security",
        "15220",
        "Preventing and resolving conflict and building lasting peace.",
        (
            ("Conflict prevention", "15220"),
            ("Peacebuilding", "15220"),
            ("Counter-terrorism", "15210"),
            ("Mine action", "15250"),
        ),
    ),
    (
        "Transnational organized crime",
        "",
        "Serious crime organised across borders, and the cooperation that counters it.",
        (
            ("Drug control", "16063"),
            ("Human trafficking", ""),
            ("Cybercrime", ""),
            ("Maritime crime", ""),
        ),
    ),
    (
        "Gender equality",
        "15170",
        "Equal rights, opportunities and outcomes for women and men, girls and boys.",
        (
            ("Women's economic empowerment", ""),
            ("Ending violence against women", "15180"),
            ("Women, peace and security", ""),
            ("Women's political participation", ""),
        ),
    ),
    (
        "Global health",
        "12220",
        "Health for all people, across borders.",
        (
            ("Maternal and child health", "13020"),
            ("Infectious diseases", "12250"),
            ("Universal health coverage", "12220"),
            ("Nutrition", "12240"),
        ),
    ),
    (
        "Education",
        "11110",
        "Learning at every level, from basic education to universities.",
        (
            ("Basic education", "11220"),
            ("Vocational training", "11330"),
            ("Higher education", "11420"),
            ("Girls' education", ""),
        ),
    ),
    (
        "Climate action",
        "41010",
        "Adapting to climate change and reducing the emissions that cause it.",
        (
            ("Climate adaptation", ""),
            ("Climate mitigation", ""),
            ("Renewable energy", "23210"),
            ("Biodiversity", "41030"),
        ),
    ),
    (
        "Disaster risk reduction",
        "43060",
        "Preventing, preparing for and recovering from disasters.",
        (
            ("Early warning systems", "43060"),
            ("Resilient infrastructure", ""),
            ("Humanitarian response", "72010"),
            ("Reconstruction", "73010"),
        ),
    ),
    (
        "Agriculture and food security",
        "31110",
        "Farming, fisheries and everyone's access to sufficient, safe food.",
        (
            ("Smallholder farming", "31161"),
            ("Food security", ""),
            ("Fisheries", "31310"),
            ("Irrigation", "31140"),
        ),
    ),
    (
        "Water and sanitation",
        "14010",
        "Safe drinking water, sanitation and the management of water resources.",
        (
            ("Drinking water supply", "14030"),
            ("Sanitation", "14030"),
            ("Water resources management", "14010"),
            ("Hygiene promotion", ""),
        ),
    ),
    (
        "Economic growth",
        "",
        "Trade, enterprise and finance that create jobs and incomes.",
        (
            ("Trade facilitation", "33120"),
            ("Private sector development", "25010"),
            ("Financial inclusion", "24030"),
            ("Digital economy", ""),
        ),
    ),
    (
        "Governance",
        "15110",
        "Effective, accountable public institutions.",
        (
            ("Public financial management", "15111"),
            ("Decentralisation", "15112"),
            ("Statistical capacity", "16062"),
            ("Elections", "15151"),
        ),
    ),
)
_ASPECTS: Final = (
    "Capacity development in",
    "Policy and legal frameworks for",
    "Community programmes for",
    "Research and data on",
    "Infrastructure for",
    "Monitoring and evaluation of",
)

#: "January" ... "December": the stdlib's English month names (index 0 is "").
_MONTHS: Final = tuple(calendar.month_name)[1:]
_ORDINALS: Final = (
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
    "Twelfth",
)
# schema:unitText of a target, and how a sentence says it: "aims to train 500 teachers".
_UNITS: Final = (
    ("police officers trained", "train", "police officers"),
    ("teachers trained", "train", "teachers"),
    ("health workers trained", "train", "health workers"),
    ("judges and prosecutors trained", "train", "judges and prosecutors"),
    ("households with safe drinking water", "reach", "households with safe drinking water"),
    ("hectares under irrigation", "bring", "hectares under irrigation"),
    ("girls enrolled in secondary school", "enrol", "girls in secondary school"),
    ("women-led businesses supported", "support", "women-led businesses"),
    ("students awarded scholarships", "award scholarships to", "students"),
    ("communities with early warning systems", "equip", "communities with early warning systems"),
)


class _Project(NamedTuple):
    iri: str
    label: str
    clause: str
    """What the text says about the project, for a sentence to end or extend."""
    places: Sequence[Named]
    themes: Sequence[Named]
    start: int
    end: int


class _Lines:
    """Lines of N-Triples/N-Quads for one named graph, counted per part of the graph."""

    __slots__ = ("end", "lines", "mix", "part")

    def __init__(self, graph: str | None, mix: dict[str, int], part: str) -> None:
        self.end = f" <{graph}> .\n" if graph else " .\n"
        self.lines: list[str] = []
        self.mix = mix
        self.part = part
        """Where `add` counts: the generator switches it as it moves through the graph."""

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o}{self.end}")
        self.mix[self.part] += 1


class _Text:
    """A document's text, written sentence by sentence, with code-point offsets."""

    __slots__ = ("length", "open", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.open = False  # a paragraph has text, so the next sentence needs a space

    def _put(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def heading(self, text: str) -> None:
        self.paragraph()
        self._put(text + "\n\n")

    def paragraph(self) -> None:
        if self.open:
            self._put("\n\n")
            self.open = False

    def sentence(self, text: str) -> tuple[int, int]:
        """Append one sentence; returns where it sits (start, end exclusive)."""
        if self.open:
            self._put(" ")
        start = self.length
        self._put(text)
        self.open = True
        return start, self.length

    def value(self) -> str:
        return "".join(self.parts) + ("\n" if self.open else "")


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _in_text(name: str) -> str:
    """How a place is named inside a sentence ("the Caribbean", "the Marshall Islands")."""
    return f"the {name}" if name in _THE or name.endswith("Islands") else name


def _bare(name: str) -> str:
    """A name without its article, for labels ("Netherlands Training Programme")."""
    return name.removeprefix("the ")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _poss(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


class _Generator:
    def __init__(self, out: TextIO, *, target: int, seed: int, quads: bool) -> None:
        self.out = out
        self.target = target
        self.rng = random.Random(seed)
        self.quads = quads
        self.written = 0
        self.documents = 0
        self.mix: dict[str, int] = dict.fromkeys(
            (
                "places",
                "themes",
                "actors",
                "documents",
                "initiatives",
                "events",
                "fundings",
                "targets and commitments",
                "priorities",
                "evidence",
                "evidence links",
            ),
            0,
        )
        self.slugs: set[str] = set()
        # Filled by the reference graph, drawn from by the documents.
        self.states: dict[str, Named] = {}
        self.state_list: list[Named] = []
        self.agency_list: list[Named] = []
        self.partners: list[Named] = []
        self.donors: list[Named] = []
        self.donor_weights: list[float] = []
        self.agencies: dict[str, Named] = {}
        self.agency_of: dict[str, Named] = {}
        """A donor state's agency, by the IRI of the state or of the agency itself."""
        self.currencies: dict[str, str] = {}
        """The currency a funder reports in, by its IRI (USD when not listed)."""
        self.un: list[Named] = []
        self.organizations: list[Named] = []
        self.ministries: list[Named] = []
        self.ngos: list[Named] = []
        self.home: dict[str, Named] = {}
        """Where a recipient works: a ministry's or NGO's country, a recipient state itself."""
        self.local: dict[str, list[Named]] = {}
        """Ministries and NGOs by the IRI of the country they work in."""
        self.recipient_countries: list[Named] = []
        self.recipient_states: list[Named] = []
        self.regions: list[Named] = []
        self.themes: list[Named] = []

    # Output -----------------------------------------------------------------------------

    def _lines(self, graph: str, part: str) -> _Lines:
        return _Lines(graph if self.quads else None, self.mix, part)

    def _flush(self, lines: _Lines) -> None:
        self.out.write("".join(lines.lines))
        self.written += len(lines.lines)
        lines.lines.clear()

    def _slug(self, wanted: str) -> str:
        """A slug used nowhere else in the reference graph ("-2", "-3" on a clash)."""
        slug, n = wanted, 1
        while slug in self.slugs:
            n += 1
            slug = f"{wanted}-{n}"
        self.slugs.add(slug)
        return slug

    # Reference graph --------------------------------------------------------------------

    def reference(self) -> None:
        lines = self._lines(REFERENCE_GRAPH, "places")
        self._places(lines)
        lines.part = "themes"
        self._themes(lines)
        self._flush(lines)
        lines.part = "actors"
        self._actors(lines)
        self._flush(lines)

    def _places(self, lines: _Lines) -> None:
        for region in REGIONS:
            iri = entity(self._slug(place_slug(region.slug)))
            lines.add(iri, A, ck("Region"))
            lines.add(iri, LABEL, en(region.name))
            for alt in region.alt:
                lines.add(iri, ALT, en(alt))
            if region.m49:
                lines.add(iri, M49, plain(region.m49))
            for parent in region.parents:
                lines.add(iri, CONTAINED, entity(place_slug(parent)))
            if region.slug not in _NOT_AID_REGIONS:
                self.regions.append(Named(iri, region.name, _in_text(region.name)))
        not_aided = {a2 for a2, _, _ in _DONORS} | _HIGH_INCOME
        for country in COUNTRIES:
            named = self._country(lines, country)
            if country.sovereign:
                self.states[country.alpha2] = named
            if country.alpha2 not in not_aided and (
                country.sovereign or country.alpha2 in _ODA_AREAS
            ):
                self.recipient_countries.append(named)
                if country.sovereign:
                    self.recipient_states.append(named)
                    self.home[named.iri] = named
        self.state_list = list(self.states.values())

    def _country(self, lines: _Lines, country: Country) -> Named:
        iri = entity(self._slug(country.slug))
        lines.add(iri, A, ck("State") if country.sovereign else COUNTRY)
        lines.add(iri, LABEL, en(country.name))
        for alt in country.alt:
            lines.add(iri, ALT, en(alt))
        lines.add(iri, ISO, plain(country.alpha2))
        lines.add(iri, M49, plain(country.m49))
        lines.add(iri, CONTAINED, entity(country.region))
        for grouping in GROUPING_MEMBERS.get(country.alpha2, ()):
            lines.add(iri, CONTAINED, entity(place_slug(grouping)))
        return Named(iri, country.name, _in_text(country.name))

    def _themes(self, lines: _Lines) -> None:
        """id:themes: 12 top themes, 48 below them, and 1-5 leaves under each (more when larger)."""
        leaves = 1 + sum(self.target >= size for size in (50_000, 500_000, 5_000_000, 20_000_000))
        lines.add(THEMES, A, SCHEME)
        lines.add(THEMES, LABEL, en(THEMES_LABEL))
        for top, top_dac, definition, mids in _THEMES:
            top_iri = self._concept(lines, top, top_dac, None, definition)
            lines.add(THEMES, HAS_TOP, top_iri)
            for mid, dac in mids:
                mid_iri = self._concept(
                    lines, mid, dac, top_iri, f"{mid}, as part of {top.lower()}."
                )
                self.themes.append(Named(mid_iri, mid, _lower_first(mid)))
                for aspect in _ASPECTS[:leaves]:
                    label = f"{aspect} {_lower_first(mid)}"
                    leaf = self._concept(lines, label, "", mid_iri, None)
                    self.themes.append(Named(leaf, label, _lower_first(label)))

    def _concept(
        self, lines: _Lines, label: str, dac: str, broader: str | None, definition: str | None
    ) -> str:
        iri = entity(self._slug(OWN + slugify(label)))
        lines.add(iri, A, CONCEPT)
        lines.add(iri, LABEL, en(label))
        lines.add(iri, PREF, en(label))
        lines.add(iri, IN_SCHEME, THEMES)
        if broader is None:
            lines.add(iri, TOP_OF, THEMES)
        else:
            lines.add(iri, BROADER, broader)
        if definition:
            lines.add(iri, DEFINITION, en(definition))
        if dac:
            lines.add(iri, DAC, plain(dac))
        return iri

    def _organization(
        self, lines: _Lines, cls: str, label: str, acronym: str, parent: str | None
    ) -> Named:
        iri = entity(self._slug(OWN + slugify(acronym or label)))
        lines.add(iri, A, ck(cls))
        lines.add(iri, LABEL, en(label))
        if acronym and acronym != label:
            lines.add(iri, ALT, en(acronym))
        if parent:
            lines.add(iri, SUB_ORG, parent)
        return Named(iri, label, acronym or label)

    def _actors(self, lines: _Lines) -> None:
        """International actors, donors' agencies, then ministries and NGOs up to the budget."""
        rng = self.rng
        lines.add(UNITED_NATIONS, A, ck("InternationalOrganization"))
        lines.add(UNITED_NATIONS, LABEL, en("United Nations"))
        lines.add(UNITED_NATIONS, ALT, en("UN"))
        self.slugs.add("united-nations")
        self.un = [
            self._organization(lines, "UNEntity", n, a, UNITED_NATIONS) for n, a in _UN_ENTITIES
        ]
        self.organizations = [
            self._organization(lines, "InternationalOrganization", n, a, None)
            for n, a in _ORGANIZATIONS
        ]
        for label, acronym, members in _FORUMS:
            forum = self._organization(lines, "Forum", label, acronym, None)
            for a2 in members:
                lines.add(self.states[a2].iri, MEMBER_OF, forum.iri)
        for rank, (a2, agency, acronym) in enumerate(_DONORS):
            state = self.states[a2]
            self.donors.append(state)
            self.donor_weights.append(1.0 / (rank + 2))
            currency = {"JP": "JPY", "GB": "GBP"}.get(a2, "EUR" if a2 in _EURO else "USD")
            self.currencies[state.iri] = currency
            if agency:
                cls = (
                    "DevelopmentAgency"
                    if "Agency" in agency or "Fund" in agency
                    else "GovernmentBody"
                )
                named = self._organization(lines, cls, agency, acronym, state.iri)
                self.agencies[a2] = named
                self.agency_of[state.iri] = self.agency_of[named.iri] = named
                self.currencies[named.iri] = currency
        for organization in self.organizations:
            if organization.name in ("EU", "EIB", "EBRD"):
                self.currencies[organization.iri] = "EUR"
        self.agency_list = list(self.agencies.values())
        self.partners = self.un + self.organizations + self.donors
        # About one actor per 35 triples (28,000 at 1M), at least 100 more than the ~300 fixed
        # above, at most 60,000.
        budget = max(100, min(self.target // 35, 60_000) - 300)
        ministries = min(budget * 2 // 5, len(self.states) * len(_MINISTRIES))
        pairs = [(a2, m) for a2 in self.states for m in _MINISTRIES]
        for a2, ministry in rng.sample(pairs, ministries):
            state = self.states[a2]
            label = f"{ministry} of {state.label}"
            named = self._organization(lines, "GovernmentBody", label, "", state.iri)
            self.ministries.append(named)
            self.home[named.iri] = state
            self.local.setdefault(state.iri, []).append(named)
        for n in range(budget - ministries):
            self.ngos.append(self._ngo(lines))
            if n % 4096 == 4095:
                self._flush(lines)  # keeps memory flat however many actors there are

    def _ngo(self, lines: _Lines) -> Named:
        rng = self.rng
        kind = rng.choice(_NGO_KINDS)
        country = rng.choice(self.recipient_countries)
        if rng.random() < 0.4:
            label = f"{country.label} {rng.choice(_NGO_NOUNS)} {kind}"
        else:
            label = f"{rng.choice(_NGO_WORDS)} {rng.choice(_NGO_NOUNS)} {kind}"
        iri = entity(self._slug(OWN + slugify(label)))
        lines.add(iri, A, ck("NonGovernmentalOrganization"))
        lines.add(iri, LABEL, en(label))
        name = label
        if rng.random() < 0.3:
            name = "".join(w[0] for w in label.split() if w[0].isupper())
            lines.add(iri, ALT, en(name))
        lines.add(iri, AREA, country.iri)
        named = Named(iri, label, name)
        self.home[iri] = country
        self.local.setdefault(country.iri, []).append(named)
        return named

    # Documents --------------------------------------------------------------------------

    def documents_until_target(self, progress: Callable[[int, int], None]) -> None:
        while self.target - self.written > _DOC_OVERHEAD + 40:
            self.documents += 1
            self._document(self.documents)
            progress(self.written, self.target)

    def _full(self, lines: _Lines) -> bool:
        return self.written + len(lines.lines) + _DOC_OVERHEAD >= self.target

    def _document(self, k: int) -> None:
        rng = self.rng
        year = rng.randint(1998, 2025)
        publisher = self._publisher()
        doc = _Doc(self, f"synth-{k}", year=year, publisher=publisher)
        title = rng.choice(
            (
                f"{publisher.label}: Development Cooperation Report {year}",
                f"{_bare(publisher.name)} Annual Report on International Cooperation {year}",
                f"Partnerships for Development: {_bare(publisher.name)} in {year}",
            )
        )
        doc.text.heading(title)
        doc.text.sentence(
            f"This report describes the international cooperation of {publisher.name} in {year}."
        )
        doc.text.sentence("Amounts are given in the currency in which they were committed.")
        # Real reports hold 30-160 statements; small outputs get several short documents.
        stories = min(rng.randint(30, 160), max(10, (self.target - self.written) // 90))
        plan = (
            ("Priorities and commitments", doc.priority, 0.06),
            ("Priorities and commitments", doc.commitment, 0.05),
            ("Programmes and projects", doc.initiative, 0.24),
            ("Programmes and projects", doc.funded_project, 0.16),
            ("Meetings and conferences", doc.event, 0.1),
            ("Funding", doc.funding, 0.2),
            ("Targets", doc.target, 0.11),
        )
        heading = ""
        for section, story, weight in plan:
            for i in range(round(stories * weight * rng.uniform(0.5, 1.5))):
                if self._full(doc.lines):
                    break
                if section != heading:
                    doc.text.heading(section)
                    heading = section
                elif i % 4 == 0:
                    doc.text.paragraph()
                story()
        doc.finish(title)

    def _publisher(self) -> Named:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            return rng.choices(self.donors, self.donor_weights)[0]
        if roll < 0.7:
            return rng.choice(self.agency_list)
        if roll < 0.85:
            return rng.choice(self.un)
        return rng.choice(self.organizations)


# Triples of a document node, written after its text is complete: 12 about the document and
# the graph's ck:document link (what the build adds to every data graph).
_DOC_OVERHEAD: Final = 13


class _Doc:
    """One source document and the facts it supports, in one named graph."""

    def __init__(self, gen: _Generator, slug: str, *, year: int, publisher: Named) -> None:
        self.gen = gen
        self.rng = gen.rng
        self.slug = slug
        self.iri = entity(slug)
        self.lines = gen._lines(f"{GRAPH}{slug}", "documents")
        self.text = _Text()
        self.year = year
        self.publisher = publisher
        self.agency = gen.agency_of.get(publisher.iri)
        """The publisher's development agency, which implements most of its projects."""
        self.initiatives: list[Named] = []
        self.projects: list[_Project] = []
        self.scope: dict[str, tuple[Sequence[Named], Sequence[Named]]] = {}
        """Places and themes of each initiative, for the fundings that pay for it."""
        self.events: list[Named] = []
        self.counter = 0

    def _new(self, kind: str) -> str:
        self.counter += 1
        return entity(f"{self.slug}-{kind}-{self.counter}")

    def say(self, sentence: str, *facts: str) -> None:
        """Write the sentence and an evidence node for it, derived from by every fact."""
        sentence = _cap(sentence)
        start, end = self.text.sentence(sentence)
        lines = self.lines
        part, lines.part = lines.part, "evidence"
        evidence = f"<{ID}evidence/{self.slug}/{start}-{end}>"
        quote = f"<{ID}evidence/{self.slug}/{start}-{end}#quote>"
        position = f"<{ID}evidence/{self.slug}/{start}-{end}#position>"
        lines.add(evidence, A, EVIDENCE)
        lines.add(evidence, HAS_SOURCE, self.iri)
        lines.add(evidence, HAS_SELECTOR, quote)
        lines.add(evidence, HAS_SELECTOR, position)
        lines.add(quote, A, QUOTE_SELECTOR)
        lines.add(quote, EXACT, plain(sentence))
        if start >= 20 and self.rng.random() < 0.05:
            # Disambiguating context, as curators add it when a quote repeats.
            lines.add(quote, PREFIX, plain("".join(self.text.parts)[start - 20 : start]))
        lines.add(position, A, POSITION_SELECTOR)
        lines.add(position, OA_START, typed(str(start), "integer"))
        lines.add(position, OA_END, typed(str(end), "integer"))
        lines.part = "evidence links"
        for fact in facts:
            lines.add(fact, DERIVED, evidence)
        lines.part = part

    # Draws ------------------------------------------------------------------------------

    def _places(self, most: int = 2) -> list[Named]:
        rng = self.rng
        if rng.random() < 0.2:
            return [rng.choice(self.gen.regions)]
        return rng.sample(self.gen.recipient_countries, rng.randint(1, most))

    def _themes(self, most: int = 2) -> list[Named]:
        return self.rng.sample(self.gen.themes, self.rng.randint(1, most))

    def _recipient(self) -> Named:
        rng, gen = self.rng, self.gen
        roll = rng.random()
        if roll < 0.35:
            return rng.choice(gen.un)
        if roll < 0.5:
            return rng.choice(gen.organizations)
        if roll < 0.75 and gen.ngos:
            return rng.choice(gen.ngos)
        if roll < 0.9 and gen.ministries:
            return rng.choice(gen.ministries)
        return rng.choice(gen.recipient_states)

    def _funder(self) -> Named:
        rng, gen = self.rng, self.gen
        if rng.random() < 0.75:
            return self.publisher
        return rng.choices(gen.donors, gen.donor_weights)[0]

    def _implementer(self) -> Named:
        """Mostly the publisher's own agency, as in a donor's report; else a UN entity or NGO."""
        rng, gen = self.rng, self.gen
        roll = rng.random()
        if self.agency and roll < 0.5:
            return self.agency
        if roll < 0.6:
            return rng.choice(gen.agency_list)
        if roll < 0.85 or not gen.ngos:
            return rng.choice(gen.un)
        return rng.choice(gen.ngos)

    def _other(self, choices: Sequence[Named], than: Named) -> Named:
        """One of `choices` that is not `than` (a partnership needs two partners)."""
        while (chosen := self.rng.choice(choices)) == than:
            pass
        return chosen

    def _tag(self, iri: str, places: Sequence[Named], themes: Sequence[Named]) -> None:
        for place in places:
            self.lines.add(iri, AREA, place.iri)
        for theme in themes:
            self.lines.add(iri, SUBJECT, theme.iri)

    def _years(self, iri: str, start: int, end: int | None, *, vague: bool = True) -> str:
        """gYear period; returns how the text says it. No end: "since {start}"."""
        self.lines.add(iri, START, typed(str(start), "gYear"))
        if end is None:
            if vague:
                self.lines.add(iri, VAGUENESS, plain(f"since {start}"))
            return f"since {start}"
        self.lines.add(iri, END, typed(str(end), "gYear"))
        return f"in {start}" if start == end else f"from {start} to {end}"

    def _dates(self, iri: str, year: int, years: int) -> str:
        """xsd:date period of about `years` years; returns how the text says it."""
        rng = self.rng
        start_month, start_day = rng.randint(1, 12), rng.randint(1, 28)
        end_month, end_day = rng.randint(1, 12), rng.randint(1, 28)
        end_year = year + max(1, years)
        self.lines.add(iri, START, typed(f"{year:04d}-{start_month:02d}-{start_day:02d}", "date"))
        self.lines.add(iri, END, typed(f"{end_year:04d}-{end_month:02d}-{end_day:02d}", "date"))
        return (
            f"from {start_day} {_MONTHS[start_month - 1]} {year} "
            f"to {end_day} {_MONTHS[end_month - 1]} {end_year}"
        )

    def _amount(self, funding: str, qualifier: str, funder: Named) -> str:
        """A schema:MonetaryAmount node; returns the amount as the text says it."""
        rng = self.rng
        currency = self.gen.currencies.get(funder.iri, "USD") if rng.random() < 0.7 else "USD"
        node = f"_:{funding[1:-1].rsplit('/', 1)[1]}-amount"
        lines = self.lines
        lines.add(funding, AMOUNT, node)
        lines.add(node, A, MONETARY_AMOUNT)
        lines.add(node, CURRENCY, plain(currency))
        lines.add(node, QUALIFIER, ck(qualifier))
        shift = 2 if currency == "JPY" else 0
        if qualifier == "Exact" and rng.random() < 0.5:
            units = rng.randint(10_000, 90_000_000) * 10**shift
            cents = 0 if shift else rng.randint(0, 99)
            lexical = f"{units}.{cents:02d}"
            spoken = f"{units:,}.{cents:02d}" if cents else f"{units:,}"
        else:
            units = rng.randint(10, 99) * 10 ** (rng.randint(3, 7) + shift)
            lexical = f"{units}.0"
            spoken = _spoken(units)
        lines.add(node, MIN_VALUE if qualifier == "AtLeast" else VALUE, typed(lexical, "decimal"))
        return _money(currency, spoken, rng)

    # Stories: each writes a sentence and the facts it supports ---------------------------

    def initiative(self) -> None:
        rng, lines = self.rng, self.lines
        lines.part = "initiatives"
        places, themes = self._places(), self._themes()
        where, what = _join([p.name for p in places]), _join([t.name for t in themes])
        roll = rng.random()
        start = self.year - rng.randint(0, 3)
        if roll < 0.5:
            project = self._project(funder=None)
            self.say(f"{project.clause}.", project.iri)
            return
        if roll < 0.7:
            iri, cls = self._new("programme"), "Programme"
            label = f"{_bare(self.publisher.name)} Training Programme on {themes[0].name}"
            actor = self._implementer()
            lines.add(iri, A, ck(cls))
            lines.add(iri, LABEL, en(label))
            lines.add(iri, IMPLEMENTED_BY, actor.iri)
            when = self._years(iri, start, None)
            sentence = f"{when[0].upper()}{when[1:]}, {actor.name} has run the {label}, a yearly course on {what} for participants from {where}."
        elif roll < 0.85:
            iri, cls = self._new("fund"), "Fund"
            partner = self._other(self.gen.un + self.gen.organizations, self.publisher)
            label = (
                f"{_bare(self.publisher.name)}{DASH}{partner.name} Trust Fund for {themes[0].label}"
            )
            acronym = "".join(w[0] for w in label.replace(DASH, " ").split() if w[0].isupper())
            lines.add(iri, A, ck(cls))
            lines.add(iri, LABEL, en(label))
            lines.add(iri, ALT, en(acronym))
            lines.add(iri, FUNDER, self.publisher.iri)
            lines.add(iri, IMPLEMENTED_BY, partner.iri)
            self._years(iri, start, None, vague=False)
            sentence = f"The {label} ({acronym}), established by {self.publisher.name} in {start}, finances work on {what} in {where}."
        else:
            iri, cls = self._new("cooperation"), "Cooperation"
            partner = self._other(self.gen.un, self.publisher)
            label = (
                f"{_bare(self.publisher.name)}{DASH}{partner.name} Partnership on {themes[0].name}"
            )
            lines.add(iri, A, ck(cls))
            lines.add(iri, LABEL, en(label))
            lines.add(iri, PARTICIPANT, self.publisher.iri)
            lines.add(iri, PARTICIPANT, partner.iri)
            when = self._years(iri, start, start + rng.randint(2, 5))
            sentence = f"Under the {label}, {self.publisher.name} and {partner.name} cooperate on {what} in {where} {when}."
        self._tag(iri, places, themes)
        self.initiatives.append(Named(iri, label, label))
        self.scope[iri] = (places, themes)
        self.say(sentence, iri)

    def _project(self, *, funder: Named | None) -> _Project:
        """A project, or the next phase of an earlier one (same places and themes, later years)."""
        rng, lines = self.rng, self.lines
        lines.part = "initiatives"
        iri = self._new("project")
        implementer = self._implementer()
        previous = rng.choice(self.projects) if self.projects and rng.random() < 0.15 else None
        if previous:
            places, themes, start = previous.places, previous.themes, previous.end
            base, _, phase = previous.label.partition(" (Phase ")
            label = f"{base} (Phase {int(phase.rstrip(')') or 1) + 1})"
        else:
            places, themes = self._places(), self._themes()
            start = self.year - rng.randint(0, 3)
            label = rng.choice(
                (
                    f"Project on {themes[0].name} in {places[0].name}",
                    f"{themes[0].label} Project in {places[0].name}",
                    f"Programme for {themes[0].name} in {places[0].name}",
                )
            )
        lines.add(iri, A, ck("Project"))
        lines.add(iri, LABEL, en(label))
        lines.add(iri, IMPLEMENTED_BY, implementer.iri)
        if previous:
            lines.add(iri, BUILDS_ON, previous.iri)
        if funder:
            lines.add(iri, FUNDER, funder.iri)
        local = self.gen.local.get(places[0].iri, [])
        partners = rng.sample(local, min(len(local), rng.randint(0, 2)))
        for partner in partners:
            lines.add(iri, PARTICIPANT, partner.iri)
        years = rng.randint(1, 5)
        when = self._years(iri, start, start + years)
        self._tag(iri, places, themes)
        where, what = _join([p.name for p in places]), _join([t.name for t in themes])
        if rng.random() < 0.5:
            lines.add(
                iri,
                DESCRIPTION,
                en(f"A {years + 1}-year project of {implementer.name} on {what} in {where}."),
            )
        after = f", following the {previous.label}" if previous else ""
        jointly = f" together with {_join([p.name for p in partners])}" if partners else ""
        clause = (
            f"{implementer.name} implements the {label} {when}{after}, "
            f"addressing {what} in {where}{jointly}"
        )
        project = _Project(iri, label, clause, places, themes, start, start + years)
        self.initiatives.append(Named(iri, label, label))
        self.scope[iri] = (places, themes)
        self.projects.append(project)
        return project

    def funded_project(self) -> None:
        """One sentence, two facts: a project and the contribution that pays for it."""
        rng = self.rng
        funder = self._funder()
        project = self._project(funder=funder)
        self.lines.part = "fundings"
        funding = self._new("funding")
        self.lines.add(funding, A, ck("Contribution"))
        label = f"{_poss(funder.name)} contribution to the {project.label}"
        self.lines.add(funding, LABEL, en(_cap(label)))
        self.lines.add(funding, FUNDER, funder.iri)
        self.lines.add(funding, FUNDED_ITEM, project.iri)
        qualifier = rng.choice(("Exact", "Approximately"))
        money = self._amount(funding, qualifier, funder)
        self._years(funding, project.start, project.start)
        self._tag(funding, project.places, project.themes[:1])
        about = "about " if qualifier == "Approximately" else ""
        self.say(
            f"{project.clause}, with {about}{money} from {funder.name} in {project.start}.",
            project.iri,
            funding,
        )

    def event(self) -> None:
        rng, lines = self.rng, self.lines
        lines.part = "events"
        iri = self._new("event")
        theme = rng.choice(self.gen.themes)
        host = rng.choice(self.gen.state_list)
        edition = rng.randint(1, len(_ORDINALS))
        kind, label = rng.choice(
            (
                ("Conference", f"International Conference on {theme.label} {self.year}"),
                ("Meeting", f"{_ORDINALS[edition - 1]} Ministerial Meeting on {theme.label}"),
                ("Summit", f"{host.label} Summit on {theme.label} {self.year}"),
            )
        )
        lines.add(iri, A, ck(kind))
        lines.add(iri, LABEL, en(label))
        if kind == "Meeting":
            lines.add(iri, EDITION, typed(str(edition), "integer"))
        month, day = rng.randint(1, 12), rng.randint(1, 26)
        length = rng.randint(0, 2)
        lines.add(iri, START, typed(f"{self.year:04d}-{month:02d}-{day:02d}", "date"))
        if length:
            lines.add(iri, END, typed(f"{self.year:04d}-{month:02d}-{day + length:02d}", "date"))
        lines.add(iri, LOCATION, host.iri)
        lines.add(iri, HOSTED_BY, host.iri)
        participants = rng.sample(self.gen.partners, rng.randint(1, 4))
        for participant in participants:
            lines.add(iri, PARTICIPANT, participant.iri)
        lines.add(iri, SUBJECT, theme.iri)
        days = f"{day}" if not length else f"{day} to {day + length}"
        event = Named(iri, label, label)
        self.events.append(event)
        sentence = (
            f"The {label} was held in {host.name} on {days} {_MONTHS[month - 1]} {self.year}, "
            f"with {_join([p.name for p in participants])} taking part"
        )
        if rng.random() < 0.5:
            # One quote, two facts: the meeting and a pledge announced there.
            pledge, clause = self._funding("Pledge", event)
            self.say(f"{sentence}, and {clause}", iri, pledge)
        else:
            self.say(f"{sentence}.", iri)

    def funding(self) -> None:
        rng = self.rng
        roll = rng.random()
        cls = "Contribution" if roll < 0.55 else "Pledge" if roll < 0.8 else "Funding"
        event = (
            rng.choice(self.events)
            if cls == "Pledge" and self.events and rng.random() < 0.5
            else None
        )
        iri, sentence = self._funding(cls, event)
        self.say(f"At the {event.name}, {sentence}" if event else sentence, iri)

    def _funding(self, cls: str, event: Named | None) -> tuple[str, str]:
        """A funding of class `cls` (announced at `event`); returns it and its sentence."""
        rng, lines = self.rng, self.lines
        lines.part = "fundings"
        iri = self._new("funding")
        funder = self._funder()
        item = rng.choice(self.initiatives) if self.initiatives and rng.random() < 0.35 else None
        recipient = None
        if item is None or rng.random() < 0.5:
            recipient = self._recipient()
            if recipient == funder:
                recipient = self._recipient()
            if recipient == funder:
                recipient = rng.choice(self.gen.recipient_states)
        # Keep the story consistent: a project's money goes where the project is, a ministry's
        # where its state is.
        if item:
            places, themes = self.scope[item.iri]
        elif recipient and recipient.iri in self.gen.home and rng.random() < 0.8:
            places, themes = [self.gen.home[recipient.iri]], self._themes()
        else:
            places, themes = self._places(), self._themes()
        to = _join(([recipient.name] if recipient else []) + ([f"the {item.name}"] if item else []))
        where, what = _join([p.name for p in places]), _join([t.name for t in themes])
        lines.add(iri, A, ck(cls))
        lines.add(iri, FUNDER, funder.iri)
        if recipient:
            lines.add(iri, RECIPIENT, recipient.iri)
        if item:
            lines.add(iri, FUNDED_ITEM, item.iri)
        self._tag(iri, places, themes)
        year = self.year - rng.randint(0, 4)
        if cls == "Funding":
            lines.add(iri, LABEL, en(_cap(f"{_poss(funder.name)} support to {to}")))
            when = self._years(iri, year, None if rng.random() < 0.5 else self.year)
            sentence = f"{funder.name} has supported {to} {when}, for work on {what} in {where}."
        elif cls == "Pledge":
            status = rng.choice(("Planned", "InProgress", "Achieved"))
            lines.add(iri, STATUS, ck(status))
            lines.add(iri, LABEL, en(_cap(f"{_poss(funder.name)} pledge to {to} ({self.year})")))
            qualifier = "Exact" if rng.random() < 0.7 else "AtLeast"
            money = self._amount(iri, qualifier, funder)
            more = "more than " if qualifier == "AtLeast" else ""
            when = self._years(iri, self.year, self.year + rng.randint(0, 4))
            if event:
                lines.add(iri, ANNOUNCED_AT, event.iri)
            state = {
                "Planned": "",
                "InProgress": " Disbursement is under way.",
                "Achieved": " The pledge has been met.",
            }[status]
            sentence = (
                f"{funder.name} pledged {more}{money} to {to} for {what} in {where}, {when}.{state}"
            )
        else:
            qualifier = rng.choices(("Exact", "Approximately", "AtLeast"), (0.5, 0.35, 0.15))[0]
            lines.add(iri, LABEL, en(_cap(f"{_poss(funder.name)} contribution to {to} ({year})")))
            money = self._amount(iri, qualifier, funder)
            if qualifier == "AtLeast" and rng.random() < 0.5:
                when = self._years(iri, year, None)
                sentence = f"{when[0].upper()}{when[1:]}, {funder.name} has provided more than {money} to {to} for {what} in {where}."
            elif rng.random() < 0.2:
                when = self._dates(iri, year, rng.randint(1, 3))
                about = {"Exact": "", "Approximately": "approximately ", "AtLeast": "over "}[
                    qualifier
                ]
                sentence = (
                    f"{funder.name} granted {about}{money} to {to} {when} for {what} in {where}."
                )
            else:
                when = self._years(iri, year, year if rng.random() < 0.6 else self.year)
                about = {"Exact": "", "Approximately": "approximately ", "AtLeast": "more than "}[
                    qualifier
                ]
                sentence = f"{_poss(funder.name)} contributions to {to} for {what} in {where} amounted to {about}{money} {when}."
        return iri, sentence

    def commitment(self) -> None:
        place, theme = self._places(1)[0], self.rng.choice(self.gen.themes)
        iri, clause = self._commitment(place, theme)
        self.say(f"{clause}.", iri)

    def _commitment(self, place: Named, theme: Named) -> tuple[str, str]:
        lines = self.lines
        lines.part = "targets and commitments"
        iri = self._new("commitment")
        actor = self.publisher
        lines.add(iri, A, ck("Commitment"))
        lines.add(
            iri,
            LABEL,
            en(f"{_bare(actor.name)}: continued support for {theme.name} in {place.name}"),
        )
        lines.add(iri, COMMITTED_BY, actor.iri)
        lines.add(iri, CONCERNS, place.iri)
        lines.add(iri, SUBJECT, theme.iri)
        lines.add(iri, STATUS, ck("Planned"))
        return iri, f"{actor.name} commits to continue its support for {theme.name} in {place.name}"

    def target(self) -> None:
        rng, lines = self.rng, self.lines
        place, theme = self._places(1)[0], rng.choice(self.gen.themes)
        # Half the targets come with the commitment they quantify, in the same sentence.
        commitment = self._commitment(place, theme) if rng.random() < 0.5 else None
        lines.part = "targets and commitments"
        iri = self._new("target")
        actor = self.publisher
        unit, verb, counted = rng.choice(_UNITS)
        number = rng.randint(2, 99) * 10 ** rng.randint(1, 4)
        by = self.year + rng.randint(1, 6)
        qualifier = rng.choice(("Exact", "Approximately", "AtLeast"))
        lines.add(iri, A, ck("Target"))
        lines.add(iri, LABEL, en(f"{_bare(actor.name)}: {number:,} {unit} by {by}"))
        lines.add(iri, COMMITTED_BY, actor.iri)
        lines.add(iri, CONCERNS, place.iri)
        lines.add(iri, SUBJECT, theme.iri)
        lines.add(iri, STATUS, ck(rng.choice(("Planned", "InProgress", "Achieved"))))
        lines.add(iri, QUALIFIER, ck(qualifier))
        lines.add(
            iri, MIN_VALUE if qualifier == "AtLeast" else VALUE, typed(f"{number}.0", "decimal")
        )
        lines.add(iri, UNIT_TEXT, plain(unit))
        self._years(iri, self.year, by)
        about = {"Exact": "", "Approximately": "about ", "AtLeast": "at least "}[qualifier]
        aim = f"aims to {verb} {about}{number:,} {counted}"
        if commitment:
            self.say(f"{commitment[1]} and {aim} there by {by}.", commitment[0], iri)
        else:
            self.say(f"{actor.name} {aim} in {place.name} by {by}.", iri)

    def priority(self) -> None:
        rng, lines = self.rng, self.lines
        lines.part = "priorities"
        iri = self._new("priority")
        region = rng.choice(self.gen.regions)
        themes = self._themes(3)
        lines.add(iri, A, ck("Priority"))
        lines.add(iri, LABEL, en(f"{_bare(self.publisher.name)} priority: {region.label}"))
        lines.add(iri, PRIORITISED_BY, self.publisher.iri)
        lines.add(iri, PRIORITY_REGION, region.iri)
        for theme in themes:
            lines.add(iri, SUBJECT, theme.iri)
        end = self.year + rng.randint(1, 4)
        self._years(iri, self.year, end)
        self.say(
            f"For {self.year}{DASH}{end}, {self.publisher.name} gives priority to {region.name}, "
            f"with a focus on {_join([t.name for t in themes])}.",
            iri,
        )

    def finish(self, title: str) -> None:
        """Write the document node with its complete text, then the facts."""
        text = self.text.value()
        head = self.gen._lines(f"{GRAPH}{self.slug}", "documents")
        iri = self.iri
        head.add(iri, A, ck("SourceDocument"))
        head.add(iri, LABEL, en(f"{title} (source document)"))
        head.add(iri, TITLE, en(title))
        head.add(iri, LANGUAGE, ENGLISH)
        head.add(iri, PUBLISHER, self.publisher.iri)
        head.add(iri, ISSUED, typed(f"{self.year + 1}-03-31", "date"))
        head.add(iri, ENCODING, plain("text/plain"))
        head.add(iri, START, typed(str(self.year), "gYear"))
        head.add(iri, END, typed(str(self.year), "gYear"))
        head.add(iri, STORED_AT, plain(f"data/documents/{self.slug}.txt"))
        head.add(iri, SHA256, plain(hashlib.sha256(text.encode("utf-8")).hexdigest()))
        head.add(iri, TEXT, plain(text))
        head.add(f"<{GRAPH}{self.slug}>", DOCUMENT, iri)
        self.gen._flush(head)
        self.gen._flush(self.lines)


def _spoken(units: int) -> str:
    """2,500,000 -> "2.5 million" (units have two significant digits)."""
    for size, word in ((10**9, "billion"), (10**6, "million")):
        if units >= size:
            return f"{units / size:g} {word}"
    return f"{units:,}"


def _money(currency: str, spoken: str, rng: random.Random) -> str:
    if currency == "JPY":
        return rng.choice((f"¥{spoken}", f"{spoken} yen", f"JPY {spoken}"))
    symbol = {"USD": "US$", "EUR": "€", "GBP": "£"}[currency]
    return rng.choice((f"{symbol}{spoken}", f"{currency} {spoken}"))


def output_is_quads(path: Path) -> bool:
    """True for .nq (N-Quads), False for .nt (N-Triples); anything else is a usage error."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ConfigurationError(
            f"cannot tell the format of {path}: name the output file .nq (N-Quads, with "
            "named graphs) or .nt (N-Triples)"
        ) from None


@dataclass(frozen=True, slots=True)
class Written:
    """What `generate` wrote to its stream."""

    triples: int
    documents: int
    mix: dict[str, int]
    """Triples per part of the graph: evidence, fundings, initiatives, actors, ..."""


def generate(
    out: TextIO,
    *,
    triples: int,
    seed: int = 0,
    quads: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Written:
    """Write about `triples` triples (within a few dozen) to `out`.

    `progress(written, target)` is called after each document.
    """
    if triples < MIN_TRIPLES:
        raise ConfigurationError(
            f"--triples {triples} is too small: the reference graph alone (every country, the "
            f"region and theme trees, the international actors) needs most of {MIN_TRIPLES}; "
            f"ask for at least {MIN_TRIPLES}"
        )
    generator = _Generator(out, target=triples, seed=seed, quads=quads)
    generator.reference()
    generator.documents_until_target(progress or (lambda _done, _target: None))
    mix = {part: n for part, n in generator.mix.items() if n}
    return Written(triples=generator.written, documents=generator.documents, mix=mix)


def synthesize(
    path: Path,
    *,
    triples: int,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> SynthResult:
    """Generate the graph into `path` (.nq or .nt), streaming; see the module docstring."""
    quads = output_is_quads(path)
    started = time.perf_counter()
    try:
        with path.open("w", encoding="utf-8", newline="\n") as out:
            written = generate(out, triples=triples, seed=seed, quads=quads, progress=progress)
    except OSError as exc:
        raise ConfigurationError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return SynthResult(
        path=path,
        triples=written.triples,
        target=triples,
        graphs=written.documents + 1 if quads else 0,
        documents=written.documents,
        seconds=time.perf_counter() - started,
        mix=written.mix,
    )


__all__ = [
    "MIN_TRIPLES",
    "SynthResult",
    "Written",
    "generate",
    "output_is_quads",
    "synthesize",
]
