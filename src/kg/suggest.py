"""``kg suggest``: a draft graph for a source document, by rules and dictionaries.

Nothing is fetched and no model is loaded: the dictionary is the curated graph itself (every
actor, initiative, place, theme, event and post with its labels and altLabels), and the rules
are regular expressions for money, dates and periods. The draft is Turtle in the house format:

* every mention of a known entity, as a Web Annotation (``oa:motivatedBy oa:identifying``)
  whose target is a ``ck:Evidence`` with the quote (and as much ``oa:prefix`` as makes it
  unique), ready to be copied into a statement's ``prov:wasDerivedFrom``. Names are matched as
  labels and altLabels are written, ignoring case except for acronyms, with plurals, "the
  Government of X" for a state X, acronyms the text itself defines ("... Crime (UNODC)"),
  longest match first and never inside a longer word;
* a candidate funding for every sentence with an amount of money: the amount (value, currency,
  qualifier), funder, recipient or funded item, period, places and themes the sentence names,
  and a ``ck:todo`` for each thing it does not say (the shapes report every one as a warning;
  ``kg publish`` refuses a draft that still has one);
* the dates and periods of the text, and the capitalised names that match no entity
  (candidate new entities), listed as comments with their quotes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Final

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from kg import _turtle as ttl
from kg._namespaces import CK, GRAPH, ID, ORG, SCHEMA
from kg.anchor import find_quote
from kg.errors import ConfigurationError

# --- the dictionary -------------------------------------------------------------------------

#: Classes whose instances are entities a text can mention (with their subclasses).
_ENTITY_ROOTS: Final = (
    CK.Actor,
    CK.Initiative,
    SCHEMA.Place,
    CK.Event,
    CK.EventSeries,
    SKOS.Concept,
    ORG.Post,
)
_NOT_ENTITIES: Final = (CK.Funding, CK.Priority, CK.Target, CK.Commitment, CK.SourceDocument)


@dataclass(frozen=True, slots=True)
class Entity:
    iri: str
    label: str
    kind: str  # "actor" | "state" | "initiative" | "place" | "theme" | "event" | "post"


@dataclass(slots=True)
class Gazetteer:
    """Known entities and the names that mean them."""

    entities: dict[str, Entity] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """name (folded unless an acronym) -> entity IRIs"""
    acronyms: set[str] = field(default_factory=set)
    """the names matched with their case"""
    people: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)
    """names that count only on their own, never inside a longer name ("World" in "World
    Assembly for Women", "African" in "Conference on African Development")"""

    def add(self, name: str, iri: str) -> None:
        name = _normal(name)
        if len(name) < 2:
            return
        if _is_acronym(name):
            self.acronyms.add(name)
            self.names[name].add(iri)
            return
        for variant in _variants(name):
            self.names[variant.casefold()].add(iri)


def _normal(name: str) -> str:
    """One spelling of a name: straight apostrophes, hyphens, single spaces."""
    return " ".join(name.replace("’", "'").replace("–", "-").split())


def _is_acronym(name: str) -> bool:
    """UNODC, G7, TICAD VI, WAW!, U.K., JPOs, TiP: written with their case."""
    letters = [c for c in name if c.isalpha()]
    capitals = sum(1 for c in letters if c.isupper())
    return bool(letters) and len(name) <= 12 and capitals >= 2 and capitals >= len(letters) - 1


_OF: Final = re.compile(r"^(.+?) (of|on|for|in) (.+)$")


def _variants(name: str) -> set[str]:
    """The name, without a leading "the", and its plural (last word, or the head before "of")."""
    base = re.sub(r"^the ", "", name, flags=re.IGNORECASE)
    # "Goals and Priorities: 2024-2026" as a title is also written without its colon.
    variants = {name, base, re.sub(r"[:,] ", " ", base)}
    for form in list(variants):
        variants.add(_plural_last(form))
        head = _OF.match(form)
        if head:
            variants.add(f"{_plural_last(head[1])} {head[2]} {head[3]}")
    return variants


def _plural_last(text: str) -> str:
    words = text.split(" ")
    last = words[-1]
    if not last[-1:].isalpha():
        return text
    if re.search(r"[^aeiou]y$", last):
        plural = last[:-1] + "ies"
    elif re.search(r"(s|x|z|ch|sh)$", last):
        plural = last + "es"
    else:
        plural = last + "s"
    return " ".join([*words[:-1], plural])


def gazetteer(data: Graph, ontology: Graph) -> Gazetteer:
    """The entities of ``data`` (curated Turtle) and their names; ``ontology`` gives the class
    tree that says what an entity is."""
    kinds: dict[URIRef, str] = {}
    for root, kind in zip(
        _ENTITY_ROOTS,
        ("actor", "initiative", "place", "event", "event", "theme", "post"),
        strict=True,
    ):
        for cls in ontology.transitive_subjects(RDFS.subClassOf, root):
            if isinstance(cls, URIRef):
                kinds.setdefault(cls, kind)
        kinds[root] = kind
    kinds[CK.State] = "state"
    excluded = {c for x in _NOT_ENTITIES for c in ontology.transitive_subjects(RDFS.subClassOf, x)}
    found = Gazetteer()
    for subject, cls in data.subject_objects(RDF.type):
        if not isinstance(subject, URIRef) or cls in excluded or cls not in kinds:
            continue
        label = data.value(subject, RDFS.label)
        if label is None:
            continue
        iri = str(subject)
        kind = "state" if (subject, RDF.type, CK.State) in data else kinds[URIRef(str(cls))]
        found.entities[iri] = Entity(iri, str(label), kind)
        if (subject, RDF.type, CK.Person) in data:
            found.people.add(iri)
        for predicate in (RDFS.label, SKOS.altLabel, SKOS.prefLabel):
            for name in data.objects(subject, predicate):
                found.add(str(name), iri)
        if kind == "state":
            found.add(f"Government of {label}", iri)
            found.add(f"the Government of {label}", iri)
        if kind in {"place", "state"} and str(label).endswith("a"):
            found.add(f"{label}n", iri)  # "Central Asian countries" name Central Asia
            found.weak.add(_normal(f"{label}n").casefold())
        if subject == ID.world:
            found.weak.update(_normal(str(n)).casefold() for n in data.objects(subject, RDFS.label))
    return found


# --- mentions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    iris: tuple[str, ...]
    """More than one: the name is ambiguous and the draft says so."""


def mentions(text: str, known: Gazetteer) -> list[Mention]:
    """Every mention of a known entity in ``text``: longest first, never inside a word.

    Inside the name of an event or initiative, a name of another kind of entity counts too
    ("G20 Hamburg Summit" names Hamburg, "UN Security Council Resolution 1325" the Security
    Council); inside an organisation's name, or one of the same kind, it does not ("Japan" in
    "Japan International Cooperation Agency", "United Nations" in "United Nations General
    Assembly").
    """
    names = dict(known.names)
    acronyms = set(known.acronyms)
    for full, short in _DEFINED.findall(text):
        # "the United Nations Office on Drugs and Crime (UNODC)": the text defines UNODC.
        meant = _lookup(_normal(full), names, acronyms)
        if meant and _is_acronym(short) and short not in names:
            names[short] = set(meant)
            acronyms.add(short)
    candidates: set[tuple[int, int, tuple[str, ...]]] = set()
    weak: set[tuple[int, int, tuple[str, ...]]] = set()
    folded_text = text.casefold()
    for name, iris in names.items():
        acronym = name in acronyms
        # A cheap test first: most names do not occur at all.
        first = name.split(" ")[0].split("-")[0].replace("'", "")
        if (first if acronym else first.casefold()) not in (text if acronym else folded_text):
            continue
        regex = re.compile(
            rf"(?<![\w])(?:{_name_pattern(name)})(?![\w])", 0 if acronym else re.IGNORECASE
        )
        for found in regex.finditer(text):
            if _lookup(_normal(found.group()), names, acronyms):
                candidate = (found.start(), found.end(), tuple(sorted(iris)))
                candidates.add(candidate)
                if name in known.weak:
                    weak.add(candidate)
    kinds = {iri: e.kind for iri, e in known.entities.items()}
    chosen = _longest_first(candidates, set())
    nested: list[tuple[int, int, tuple[str, ...]]] = []
    for outer in chosen:
        outer_kinds = {kinds.get(i) for i in outer[2]}
        named = bool(outer_kinds & {"event", "initiative"})
        inside = {
            c
            for c in candidates - weak
            if outer[0] <= c[0]
            and c[1] <= outer[1]
            and c != outer
            and not {kinds.get(i) for i in c[2]} & outer_kinds
            # In an organisation's name only a place it is "in" or "at" counts: "British
            # Embassy in Tokyo" names Tokyo, "Japan International Cooperation Agency" not Japan.
            and (named or re.search(r"\b(?:in|at) $", text[outer[0] : c[0]]) is not None)
        }
        nested += _longest_first(inside, set())
    return sorted(
        (Mention(s, e, text[s:e], iris) for s, e, iris in chosen + nested),
        key=lambda m: (m.start, -m.end),
    )


def _longest_first(
    candidates: Iterable[tuple[int, int, tuple[str, ...]]], taken: set[int]
) -> list[tuple[int, int, tuple[str, ...]]]:
    chosen = []
    for start, end, iris in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if taken.intersection(range(start, end)):
            continue
        taken.update(range(start, end))
        chosen.append((start, end, iris))
    return chosen


_DEFINED: Final = re.compile(
    r"((?:the )?[A-Z][\w’'.-]*(?: (?:[A-Z][\w’'.,-]*|of|on|and|for|the|in))+) \(([^()\s]{2,12})\)"
)


def _lookup(name: str, names: dict[str, set[str]], acronyms: set[str]) -> set[str]:
    """The entities a matched ``name`` (normalised) means: as written, without an acronym the
    text put in brackets inside it, without possessives, without a leading "the"."""
    bare = re.sub(r" \([^()]{1,15}\)", "", name)
    for candidate in (name, bare, re.sub(r"(?<=\w)'s\b", "", bare)):
        for form in (candidate, re.sub(r"^the ", "", candidate, flags=re.IGNORECASE)):
            key = form if form in acronyms else form.casefold()
            if key in names:
                return names[key]
    return set()


def _name_pattern(name: str) -> str:
    """``name`` as a pattern: any whitespace (a line break too) between words, hyphen and en
    dash alike, either apostrophe, and between words a possessive or a bracketed acronym the
    text adds ("UNODC’s Strategic Vision", "the Secretary-General (SRSG) on Sexual Violence")."""
    words = []
    for word in name.split(" "):
        pieces = [re.escape(part).replace("'", "['’]") for part in word.split("-")]
        words.append("[-–]".join(pieces))
    return r"(?:['’]s)?(?:\s+\([^()\s]{1,12}\))?\s+".join(words)


# --- money -----------------------------------------------------------------------------------------

_SCALES: Final = {
    "thousand": 10**3, "k": 10**3, "million": 10**6, "mn": 10**6, "m": 10**6, "mio": 10**6,
    "billion": 10**9, "bn": 10**9, "b": 10**9, "trillion": 10**12,
}  # fmt: skip
_CURRENCY_SYMBOLS: Final = {
    "us$": "USD", "us $": "USD", "usd": "USD", "$": "USD", "¥": "JPY", "jpy": "JPY",
    "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
}  # fmt: skip
_CURRENCY_WORDS: Final = {
    "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD", "yen": "JPY",
    "japanese yen": "JPY", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
    "usd": "USD", "jpy": "JPY", "eur": "EUR", "gbp": "GBP",
}  # fmt: skip
_NUMBER: Final = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE: Final = r"thousand|million|billion|trillion|mn|bn|mio|m|b|k"
_QUALIFIERS: Final = {
    "approximately": "Approximately", "about": "Approximately", "around": "Approximately",
    "roughly": "Approximately", "some": "Approximately", "nearly": "Approximately",
    "almost": "Approximately", "an estimated": "Approximately", "close to": "Approximately",
    "over": "AtLeast", "more than": "AtLeast", "in excess of": "AtLeast",
    "exceeding": "AtLeast", "exceeded": "AtLeast", "exceeds": "AtLeast", "at least": "AtLeast",
    "upwards of": "AtLeast", "no less than": "AtLeast", "above": "AtLeast",
    "up to": "AtMost", "at most": "AtMost", "no more than": "AtMost", "less than": "AtMost",
    "under": "AtMost", "a maximum of": "AtMost",
}  # fmt: skip
_QUALIFIER: Final = "|".join(sorted((re.escape(q) for q in _QUALIFIERS), key=len, reverse=True))
_MONEY: Final = re.compile(
    rf"(?:(?P<qualifier>{_QUALIFIER})\s+(?:(?:a|an|the|total|total of|of|some)\s+)*)?"
    rf"(?:(?P<symbol>US\s?\$|USD|JPY|EUR|GBP|\$|¥|€|£)\s?(?P<n1>{_NUMBER})(?:\s?(?P<s1>{_SCALE})\b)?"
    rf"|(?P<n2>{_NUMBER})\s?(?P<s2>{_SCALE})?\s+(?P<word>U\.?S\.? dollars|dollars|Japanese yen|yen|euros?|pounds|USD|JPY|EUR|GBP)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Amount:
    start: int
    end: int
    text: str
    value: Decimal
    currency: str
    qualifier: str  # Exact | Approximately | AtLeast | AtMost


def amounts(text: str) -> list[Amount]:
    """Every amount of money in ``text`` with its value in units, currency and qualifier."""
    found = []
    for match in _MONEY.finditer(text):
        number = match["n1"] or match["n2"]
        scale = (match["s1"] or match["s2"] or "").lower()
        if match["symbol"]:
            currency = _CURRENCY_SYMBOLS[re.sub(r"\s+", " ", match["symbol"].lower())]
        else:
            currency = _CURRENCY_WORDS[re.sub(r"\s+", " ", match["word"].lower())]
        if not scale and match["n2"] and match["s2"] is None and not match["word"]:
            continue
        value = Decimal(number.replace(",", "")) * _SCALES.get(scale, 1)
        qualifier = _QUALIFIERS.get((match["qualifier"] or "").lower(), "Exact")
        if qualifier == "Exact":
            before = text[max(0, match.start() - 24) : match.start()].lower()
            hedge = re.search(rf"\b({_QUALIFIER})\s+(?:\w+\s+)?$", before)
            if hedge:
                qualifier = _QUALIFIERS[hedge[1]]
        found.append(Amount(match.start(), match.end(), match.group(), value, currency, qualifier))
    return found


# --- dates and periods -------------------------------------------------------------------------

_MONTHS: Final = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_MONTH: Final = "|".join(_MONTHS)
_WORD_NUMBERS: Final = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10,
}  # fmt: skip
_YEAR: Final = r"(?:19|20)\d{2}"
_DATES: Final = re.compile(
    rf"(?P<between>between (?P<b1>{_YEAR}) and (?P<b2>{_YEAR}))"
    rf"|(?P<fromto>from (?P<f1>{_YEAR}) (?:to|until|through) (?P<f2>{_YEAR}))"
    rf"|(?P<range>(?P<r1>{_YEAR})\s?[-–]\s?(?P<r2>{_YEAR}|\d{{2}})(?!\d))"
    rf"|(?P<since>since (?:(?:{_MONTH}) )?(?P<s>{_YEAR}))"
    rf"|(?P<by>by (?:the end of )?(?P<y>{_YEAR}))"
    rf"|(?P<over>over (?:the )?(?P<n>{'|'.join(_WORD_NUMBERS)}|\d+)[- ]years?)"
    rf"|(?P<day>(?P<dd>\d{{1,2}}) (?P<dm>{_MONTH}) (?P<dy>{_YEAR}))"
    rf"|(?P<month>(?P<mm>{_MONTH}) (?:of )?(?P<my>{_YEAR}))"
    rf"|(?P<year>(?<![\d.,$¥€£-]){_YEAR}(?![\d,]|\.\d))"
)


@dataclass(frozen=True, slots=True)
class When:
    start: int
    end: int
    text: str
    begin: str | None  # "2024-07-05", "2016-08" or "2016"
    finish: str | None
    vague: bool


def dates(text: str) -> list[When]:
    """Dates, years and periods, each with the start and end it gives (None: open)."""
    found = []
    for m in _DATES.finditer(text):
        begin: str | None
        finish: str | None
        vague = False
        if m["between"]:
            begin, finish = m["b1"], m["b2"]
        elif m["fromto"]:
            begin, finish = m["f1"], m["f2"]
        elif m["range"]:
            second = m["r2"] if len(m["r2"]) == 4 else m["r1"][:2] + m["r2"]
            if int(second) <= int(m["r1"]):
                continue
            begin, finish = m["r1"], second
        elif m["since"]:
            begin, finish, vague = m["s"], None, True
        elif m["by"]:
            begin, finish, vague = None, m["y"], True
        elif m["over"]:
            begin, finish, vague = None, None, True
        elif m["day"]:
            month = _MONTHS.index(m["dm"]) + 1
            begin = finish = f"{m['dy']}-{month:02d}-{int(m['dd']):02d}"
        elif m["month"]:
            begin = finish = f"{m['my']}-{_MONTHS.index(m['mm']) + 1:02d}"
        else:
            begin = finish = m.group()
        found.append(When(m.start(), m.end(), m.group(), begin, finish, vague))
    return found


# --- sentences and candidate names ------------------------------------------------------------

_SENTENCE_END: Final = re.compile(r"(?<=[.!?])[”\"’)]?\s+(?=[A-Z“\"(])|\n\s*\n|\n(?=[-•*] |\d+\. )")
_ABBREVIATIONS: Final = ("Mr.", "Ms.", "Mrs.", "Dr.", "U.S.", "U.K.", "No.", "e.g.", "i.e.")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, list item or paragraph of ``text``."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[: match.start()].endswith(_ABBREVIATIONS):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    result = []
    for s, e in spans:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if piece.strip():
            result.append((s + lead, s + trail))
    return result


_CAPITALISED: Final = re.compile(
    r"(?<![\w’'])(?:[A-Z][\w’'.&-]*|\d+(?:st|nd|rd|th))"
    r"(?:(?: (?:of|on|for|and|the|in|de|to))* (?:[A-Z][\w’'.&-]*|\d+))*"
)
_FUNCTION_WORDS: Final = frozenset(
    {
        "A", "An", "The", "This", "That", "These", "Those", "In", "On", "At", "By", "For",
        "From", "To", "Of", "And", "But", "Or", "As", "With", "Under", "Also", "Both", "Since",
        "During", "Through", "Moreover", "Besides", "Photo", "Based", "Looking", "It", "Its",
        "They", "Their", "He", "She", "His", "Her", "We", "Our", "Each", "Every", "Such",
        "Other", "Further", "Furthermore", "However",
    }
)  # fmt: skip


def candidate_names(text: str, taken: Sequence[Mention]) -> list[tuple[int, int, str]]:
    """Capitalised names (two words or more, or one acronym) that match no known entity."""
    covered = [False] * (len(text) + 1)
    for mention in taken:
        for i in range(mention.start, mention.end):
            covered[i] = True
    found = []
    for match in _CAPITALISED.finditer(text):
        name = match.group().rstrip(".,’'-")
        words = name.split()
        while words and words[0] in _FUNCTION_WORDS:
            words = words[1:]
        while words and words[-1].lower() in {"of", "on", "for", "and", "the", "in", "to", "de"}:
            words = words[:-1]
        if not words:
            continue
        name = " ".join(words)
        start = match.start() + match.group().index(words[0])
        end = start + len(name)
        single = len(words) == 1
        if single and not _is_acronym(name):
            continue
        if any(covered[start:end]):
            continue
        found.append((start, end, name))
    return found


# --- the draft ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Draft:
    """What ``kg suggest`` found in one document, and the Turtle it writes."""

    slug: str
    text: str
    mentions: list[Mention]
    amounts: list[Amount]
    dates: list[When]
    candidates: list[tuple[int, int, str]]
    fundings: list[str] = field(default_factory=list)
    turtle: str = ""
    todos: int = 0


def suggest(root: Path, slug: str) -> Draft:
    """The draft for document ``slug`` of the checkout at ``root``."""
    from kg.intake import load_data

    text_path = root / "data" / "documents" / f"{slug}.txt"
    if not text_path.is_file():
        raise ConfigurationError(
            f"there is no document {slug!r} ({text_path.relative_to(root)}); register it with "
            "kg source add"
        )
    text = text_path.read_text(encoding="utf-8")
    ontology = Graph()
    for path in sorted((root / "ontology").glob("*.ttl")):
        ontology.parse(path, format="turtle")
    known = gazetteer(load_data(root), ontology)
    found = mentions(text, known)
    draft = Draft(slug, text, found, amounts(text), dates(text), candidate_names(text, found))
    _write(draft, known)
    return draft


def _write(draft: Draft, known: Gazetteer) -> None:
    text, document = draft.text, f"id:{draft.slug}"
    parts = [
        f"# Draft for {document} (graph {GRAPH[draft.slug]}), written by `kg suggest`.\n"
        "# Nothing here is in the graph yet. Keep what the text says, fix or delete the rest,\n"
        "# resolve every ck:todo (kg validate lists them), then: kg publish THIS-FILE.\n",
        ttl.HEADER,
    ]
    used: set[str] = set(known.entities)
    parts.append(
        f"\n# --- Candidate fundings: one per amount of money ({len(draft.amounts)}) ---\n"
    )
    for start, end in sentences(text):
        inside = [a for a in draft.amounts if start <= a.start < end]
        for amount in inside:
            funding, iri, todos = _funding(draft, known, start, end, amount, inside, used)
            draft.fundings.append(iri)
            draft.todos += todos
            parts.append("\n" + ttl.block(iri, funding))
    by_entity: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
    for mention in draft.mentions:
        by_entity[mention.iris].append(mention)
    parts.append(
        f"\n# --- Mentions of known entities: {len(draft.mentions)} of {len(by_entity)} ---\n"
        "# Each evidence node can be copied into a statement's prov:wasDerivedFrom.\n"
    )
    for iris in sorted(by_entity, key=lambda i: known.entities[i[0]].label.casefold()):
        labels = " or ".join(f"{ttl.iri(i)} ({known.entities[i].label})" for i in iris)
        parts.append(f"\n# {labels}: {len(by_entity[iris])}\n")
        for mention in by_entity[iris]:
            node: dict[str, list[ttl.Value]] = {
                "a": ["oa:Annotation"],
                "oa:hasBody": [ttl.iri(i) for i in iris],
                "oa:hasTarget": [_evidence(text, document, mention.start, mention.end)],
                "oa:motivatedBy": ["oa:identifying"],
            }
            if len(iris) > 1:
                line = text.count("\n", 0, mention.start) + 1
                node["ck:todo"] = [
                    ttl.literal(
                        f"which one does {mention.text!r} on line {line} of the text mean: "
                        f"{labels}? keep one oa:hasBody"
                    )
                ]
                draft.todos += 1
            parts.append(ttl.block("[]", node))
    parts.append(f"\n# --- Amounts of money ({len(draft.amounts)}) ---\n")
    for amount in draft.amounts:
        parts.append(
            f"# {amount.text!r}: {amount.value:f} {amount.currency}, {amount.qualifier}"
            f" (line {text.count(chr(10), 0, amount.start) + 1})\n"
        )
    parts.append(f"\n# --- Dates and periods ({len(draft.dates)}) ---\n")
    for when in draft.dates:
        span = (
            when.begin
            if when.begin == when.finish
            else f"{when.begin or '…'} to {when.finish or '…'}"
        )
        parts.append(f"# {when.text!r}: {span}{' (vague)' if when.vague else ''}\n")
    parts.append(
        f"\n# --- Candidate new entities: capitalised names that match nothing ({len(draft.candidates)}) ---\n"
        "# Add the ones that matter to data/ (reference/ if other sources name them too).\n"
    )
    seen: set[str] = set()
    for start, end, name in draft.candidates:
        if name in seen:
            continue
        seen.add(name)
        parts.append(f"# {name}: {_context(text, start, end)!r}\n")
    draft.turtle = "".join(parts)


_PLEDGE_WORDS: Final = re.compile(
    r"\b(pledge[sd]?|intention|intend|announced?|will|would|commit(?:s|ted|ment)?|plan(?:s|ned)?)\b",
    re.IGNORECASE,
)
_GIVING: Final = re.compile(
    r"\b(contribut\w*|provid\w*|fund\w*|financ\w*|grant\w*|donat\w*|disburs\w*|implement\w*|"
    r"pledg\w*|allocat\w*|support\w*|invest\w*|spen[dt]\w*|gave|give[sn]?)\b",
    re.IGNORECASE,
)


def _funding(
    draft: Draft,
    known: Gazetteer,
    start: int,
    end: int,
    amount: Amount,
    inside: list[Amount],
    used: set[str],
) -> tuple[dict[str, list[ttl.Value]], str, int]:
    text = draft.text
    sentence = text[start:end]
    here = [m for m in draft.mentions if start <= m.start < end and len(m.iris) == 1]

    def of(*kinds: str) -> list[tuple[Mention, Entity]]:
        return [
            (m, known.entities[m.iris[0]]) for m in here if known.entities[m.iris[0]].kind in kinds
        ]

    giving = _GIVING.search(sentence)
    verb_at = start + giving.start() if giving else amount.start
    actors = of("state", "actor")
    funders = [(m, e) for m, e in actors if m.start < verb_at] or actors[:1]
    funder = funders[-1][1] if funders else None
    recipients = [(m, e) for m, e in actors if m.start > amount.end and e is not funder]
    recipient = recipients[0][1] if recipients else None
    initiatives = of("initiative")
    item = next((e for m, e in initiatives if m.start > amount.end), None) or (
        initiatives[0][1] if initiatives else None
    )
    places = {e.iri for _, e in of("place", "state") if e is not funder and e is not recipient}
    themes = {e.iri for _, e in of("theme")}
    # The dates of this amount's clause: from the amount to the next amount (or the end).
    following = [a.start for a in inside if a.start > amount.start]
    clause_end = following[0] if following else end
    periods = [w for w in draft.dates if amount.end <= w.start < clause_end] or [
        w for w in draft.dates if start <= w.start < end
    ]
    pledge = bool(_PLEDGE_WORDS.search(sentence))
    todos: list[str] = []
    node: dict[str, list[ttl.Value]] = {"a": ["ck:Pledge" if pledge else "ck:Contribution"]}
    money: dict[str, list[ttl.Value]] = {
        "a": ["schema:MonetaryAmount"],
        "schema:currency": [ttl.literal(amount.currency)],
        "ck:valueQualifier": [f"ck:{amount.qualifier}"],
    }
    value = ttl.literal(f"{amount.value:f}", datatype="xsd:decimal")
    key = {"AtLeast": "schema:minValue", "AtMost": "schema:maxValue"}.get(
        amount.qualifier, "schema:value"
    )
    money[key] = [value]
    if re.search(r"(?<!US)(?<!US )\$", amount.text):
        todos.append("a bare $: is it US dollars? change schema:currency if not")
    node["schema:amount"] = [money]
    if len(inside) > 1:
        todos.append(
            f"the sentence has {len(inside)} amounts ({'; '.join(a.text for a in inside)}), "
            "one funding each: check that this one's parties and period are its own"
        )
    if funder is not None:
        node["schema:funder"] = [ttl.iri(funder.iri)]
        if _is_person(known, funder):
            todos.append(
                f"{funder.label} is a person: the funder is likely the state or body they act "
                "for; move them to ck:committedBy"
            )
    else:
        todos.append("who gives the money? add schema:funder (an actor)")
    if recipient is not None:
        node["ck:recipient"] = [ttl.iri(recipient.iri)]
    if item is not None:
        node["schema:fundedItem"] = [ttl.iri(item.iri)]
    if recipient is None and item is None:
        todos.append("for whom or what? add ck:recipient (an actor) or schema:fundedItem")
    if places:
        node["schema:areaServed"] = [ttl.iri(p) for p in sorted(places)]
    if themes:
        node["dcterms:subject"] = [ttl.iri(t) for t in sorted(themes)]
    if periods:
        # A stated period beats a vague one ("over the three years from 2016 to 2018").
        period = next(
            (p for p in periods if p.begin and p.finish and p.begin != p.finish),
            next((p for p in periods if p.vague and (p.begin or p.finish)), periods[0]),
        )
        if period.begin:
            node["schema:startDate"] = [_date(period.begin)]
        if period.finish:
            node["schema:endDate"] = [_date(period.finish)]
        if period.vague or period.begin != period.finish:
            node["ck:vagueness"] = [ttl.literal(period.text)] if period.vague else []
        if len({(p.begin, p.finish) for p in periods if p.begin or p.finish}) > 1:
            todos.append(
                "several dates in the sentence ("
                + "; ".join(p.text for p in periods)
                + "): check the period"
            )
    else:
        todos.append("when? the sentence gives no date: add schema:startDate/endDate if known")
    if pledge:
        todos.append("a pledge: add ck:status (ck:Planned, ck:InProgress or ck:Achieved)")
    giver = funder.label if funder else "Unknown funder"
    target = recipient or item
    to = f" to {target.label}" if target else ""
    kind = "pledge" if pledge else "contribution"
    node["rdfs:label"] = [ttl.literal(f"{giver}'s {kind}{to} ({amount.text.strip()})", lang="en")]
    node["ck:todo"] = [ttl.literal(t) for t in todos]
    node["prov:wasDerivedFrom"] = [_evidence(text, f"id:{draft.slug}", start, end)]
    slug_parts = ["funding", _slug_of(funder), _slug_of(recipient or item)]
    year = next((p.begin or p.finish for p in periods if p.begin or p.finish), None)
    base = "-".join(p for p in slug_parts if p) + (f"-{year[:4]}" if year else "")
    iri = base
    number = 2
    while str(ID[iri]) in used:
        iri, number = f"{base}-{number}", number + 1
    used.add(str(ID[iri]))
    return node, f"id:{iri}", len(todos)


def _is_person(known: Gazetteer, entity: Entity) -> bool:
    return entity.iri in known.people


def _slug_of(entity: Entity | None) -> str:
    return entity.iri.rsplit("/", 1)[-1] if entity else ""


def _date(value: str) -> str:
    datatype = {4: "xsd:gYear", 7: "xsd:gYearMonth", 10: "xsd:date"}[len(value)]
    return ttl.literal(value, datatype=datatype)


def _evidence(text: str, document: str, start: int, end: int) -> dict[str, list[ttl.Value]]:
    """An evidence node for ``text[start:end]``, with the shortest prefix (then suffix) of
    whole words that makes the quote unique."""
    exact = text[start:end]
    prefix, suffix = unique_context(text, start, end)
    selector: dict[str, list[ttl.Value]] = {
        "a": ["oa:TextQuoteSelector"],
        "oa:exact": [ttl.literal(exact)],
    }
    if prefix:
        selector["oa:prefix"] = [ttl.literal(prefix)]
    if suffix:
        selector["oa:suffix"] = [ttl.literal(suffix)]
    return {"a": ["ck:Evidence"], "oa:hasSource": [document], "oa:hasSelector": [selector]}


def unique_context(text: str, start: int, end: int) -> tuple[str, str]:
    """The shortest ``(prefix, suffix)`` of whole words that picks out ``text[start:end]``."""
    exact = text[start:end]
    if len(find_quote(text, exact)) == 1:
        return "", ""
    cuts = [m.start() for m in re.finditer(r"(?<=\s)\S|^\S", text[max(0, start - 200) : start])]
    offset = max(0, start - 200)
    for cut in reversed(cuts):
        prefix = text[offset + cut : start]
        if len(find_quote(text, exact, prefix=prefix)) == 1:
            return prefix, ""
    for stop in re.finditer(r"\S(?=\s|$)", text[end : end + 200]):
        suffix = text[end : end + stop.end()]
        if len(find_quote(text, exact, suffix=suffix)) == 1:
            return "", suffix
    return text[max(0, start - 200) : start], text[end : end + 200]


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right == -1 else right
    left = max(left, start - width)
    right = min(right, end + width)
    return text[left:right]


def evaluate_mentions(found: Iterable[Mention]) -> set[str]:
    """The distinct entities ``found`` mention (each candidate of an ambiguous name)."""
    return {iri for m in found for iri in m.iris}


__all__ = [
    "Amount",
    "Draft",
    "Entity",
    "Gazetteer",
    "Mention",
    "When",
    "amounts",
    "candidate_names",
    "dates",
    "evaluate_mentions",
    "gazetteer",
    "mentions",
    "sentences",
    "suggest",
    "unique_context",
]
