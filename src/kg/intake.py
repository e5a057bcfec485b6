"""Register source documents: keep the original, store its text, write the metadata record.

``kg source add`` takes a file as received (plain text, Markdown, HTML, PDF), keeps it under
``data/documents/originals/{slug}.{ext}`` with its SHA-256, extracts the plain text that quotes
will anchor into (``kg.extract``), stores it as ``data/documents/{slug}.txt`` with its own
SHA-256, and writes the record ``data/documents/{slug}.ttl``: title, language, date, publisher,
and how the text was made (``prov:wasDerivedFrom`` the original, ``prov:wasGeneratedBy`` a
``ck:TextExtraction`` naming the extractor, the library and its version). The named graph
``graph/{slug}`` exists from then on; ``kg suggest {slug}`` drafts its content.

``kg source reextract`` makes the text again from the original (a new extractor, or a document
registered before originals were kept) and moves every quote that cites the document to the
new text, by aligning the old text with the new (``kg.anchor.realign``): a data migration, not
hand work. ``verify`` re-runs each recorded extraction and compares, so a stored text always is
what the recorded tool makes of the stored original.

Every change is written to temporary files first, then renamed into place; the whole dataset is
validated afterwards and the change is undone if it does not conform.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import _turtle as ttl
from kg import slugs
from kg._limits import check_length
from kg._namespaces import CK, GRAPH, ID, OA, PROV, SCHEMA
from kg._rdf_files import read_turtle
from kg.anchor import find_quote, realign
from kg.errors import IntakeError as IntakeError
from kg.extract import (
    EXTRACTORS,
    MAX_ORIGINAL_BYTES,
    ExtractionError,
    Extractor,
    Rendition,
    detect,
    extract,
)

DOCUMENTS: Final = Path("data/documents")
ORIGINALS: Final = DOCUMENTS / "originals"
_SLUG: Final = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DATE: Final = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LANGUAGE: Final = "http://id.loc.gov/vocabulary/iso639-1/"


@dataclass(frozen=True, slots=True)
class Registered:
    """What ``kg source add`` (or ``reextract``) wrote."""

    slug: str
    graph: str
    original: Path
    text: Path
    record: Path
    rendition: Rendition
    moved_quotes: int = 0
    changed_files: tuple[Path, ...] = ()


def slugify(title: str, *, limit: int = 60) -> str:
    """A slug from a title by the rule of ``kg.slugs.slugify``, cut between words to at most
    ``limit`` characters."""
    slug = ""
    for word in slugs.slugify(title).split("-"):
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    if not slug:
        raise IntakeError(f"cannot make a slug from the title {title!r}; give one with --slug")
    return slug


def add_source(
    root: Path,
    file: Path,
    *,
    title: str,
    publisher: Sequence[str] = (),
    date: str | None = None,
    language: str = "en",
    slug: str | None = None,
    fmt: str | None = None,
    description: str | None = None,
    max_bytes: int = MAX_ORIGINAL_BYTES,
) -> Registered:
    """Register ``file`` as a new source document of the checkout at ``root``; one over
    ``max_bytes`` (``KG_MAX_DOCUMENT_BYTES``) is refused before it is read."""
    # Path() has already folded "https://" into "https:/".
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:/", str(file)) and not file.exists():
        raise IntakeError(
            f"{str(file).replace(':/', '://', 1)} is a URL: nothing is fetched on anyone's behalf. Download the document "
            "yourself, look at it, and add the file."
        )
    data = _read_original(file, max_bytes)
    if not title.strip():
        raise IntakeError("--title must not be empty")
    slug = slug or slugify(title)
    if not _SLUG.fullmatch(slug):
        raise IntakeError(f"{slug!r} is not a slug: lowercase ASCII letters, digits, hyphens")
    if not re.fullmatch(r"[a-z]{2}", language):
        raise IntakeError(f"--language {language!r}: give an ISO 639-1 code such as en, fr, ja")
    if date is not None and not _DATE.fullmatch(date):
        raise IntakeError(f"--date {date!r}: give YYYY, YYYY-MM or YYYY-MM-DD")
    known = load_data(root)
    _check_slug_free(root, slug, known)
    publishers = [resolve_actor(known, name) for name in publisher]
    extractor = _detect(data, file.name, fmt)
    rendition = _extract(data, extractor, max_bytes)
    original = ORIGINALS / f"{slug}{extractor.suffix}"
    text_path = DOCUMENTS / f"{slug}.txt"
    record_path = DOCUMENTS / f"{slug}.ttl"
    metadata: dict[str, list[ttl.Value]] = {
        "rdfs:label": [ttl.literal(title.strip(), lang="en")],
        "dcterms:title": [ttl.literal(title.strip(), lang=language)],
        "dcterms:language": [f"<{_LANGUAGE}{language}>"],
    }
    if publishers:
        metadata["dcterms:publisher"] = [ttl.iri(p) for p in publishers]
    if date:
        metadata["dcterms:issued"] = [_date_literal(date)]
    if description:
        metadata["dcterms:description"] = [ttl.literal(description, lang="en")]
    comment = (
        f"# Metadata of the source document (graph {GRAPH[slug]}),\n"
        f"# registered with `kg source add` from {file.name}.\n"
    )
    record = render_record(slug, metadata, rendition, data, original, comment=comment)
    with _transaction(root) as write:
        write(original, data)
        write(text_path, rendition.text.encode("utf-8"))
        write(record_path, record.encode("utf-8"))
    return Registered(slug, str(GRAPH[slug]), original, text_path, record_path, rendition)


def reextract(
    root: Path,
    slug: str,
    *,
    original: Path | None = None,
    fmt: str | None = None,
    max_bytes: int = MAX_ORIGINAL_BYTES,
) -> Registered:
    """Make document ``slug``'s stored text again from its original and move its quotes.

    ``original`` replaces (or, for a document registered before originals were kept, supplies)
    the file as received; without it the recorded original is used.
    """
    record_path = DOCUMENTS / f"{slug}.ttl"
    text_path = DOCUMENTS / f"{slug}.txt"
    if not (root / record_path).is_file():
        raise IntakeError(f"there is no document {slug!r} ({record_path}); add it first")
    record = read_turtle(root / record_path)
    document = ID[slug]
    recorded = _recorded_original(record, document)
    if original is None:
        if recorded is None:
            raise IntakeError(
                f"{slug} has no recorded original: give the file as received with --original"
            )
        original = root / recorded
    data = _read_original(original, max_bytes)
    extractor = _detect(data, original.name, fmt)
    rendition = _extract(data, extractor, max_bytes)
    old_text = (root / text_path).read_text(encoding="utf-8")
    new_original = ORIGINALS / f"{slug}{extractor.suffix}"
    changes, moved = _moved_quotes(root, slug, old_text, rendition.text)
    metadata = _record_metadata(record, document)
    comment = _leading_comment((root / record_path).read_text(encoding="utf-8"))
    text = render_record(slug, metadata, rendition, data, new_original, comment=comment)
    with _transaction(root) as write:
        if recorded is not None and recorded != new_original:
            write(recorded, None)
        write(new_original, data)
        write(text_path, rendition.text.encode("utf-8"))
        write(record_path, text.encode("utf-8"))
        for path, content in changes.items():
            write(path, content.encode("utf-8"))
    return Registered(
        slug,
        str(GRAPH[slug]),
        new_original,
        text_path,
        record_path,
        rendition,
        moved,
        tuple(sorted(changes)),
    )


@dataclass(frozen=True, slots=True)
class Verified:
    """One document's recorded extraction run again."""

    slug: str
    extractor: str
    recorded_version: str
    version: str
    reproduced: bool
    problem: str = ""


def verify(root: Path) -> list[Verified]:
    """Re-run every recorded extraction on its stored original; compare with the stored text."""
    results = []
    for record_path in sorted((root / DOCUMENTS).glob("*.ttl")):
        record = read_turtle(record_path)
        for document in record.subjects(RDF.type, CK.SourceDocument):
            slug = str(document).removeprefix(str(ID))
            activity = record.value(document, PROV.wasGeneratedBy)
            recorded = _recorded_original(record, URIRef(str(document)))
            if activity is None or recorded is None:
                results.append(Verified(slug, "", "", "", False, "no recorded original"))
                continue
            name = str(record.value(activity, CK.extractor))
            agent = record.value(activity, PROV.wasAssociatedWith)
            version = str(record.value(agent, SCHEMA.softwareVersion)) if agent else ""
            extractor = EXTRACTORS.get(name)
            if extractor is None:
                results.append(Verified(slug, name, version, "", False, "unknown extractor"))
                continue
            stored = (root / str(record.value(document, CK.storedAt))).read_bytes()
            try:
                again = extract((root / recorded).read_bytes(), extractor).text
            except ExtractionError as exc:
                results.append(Verified(slug, name, version, extractor.version(), False, str(exc)))
                continue
            same = again.encode("utf-8") == stored
            problem = "" if same else "the extractor now gives a different text"
            results.append(Verified(slug, name, version, extractor.version(), same, problem))
    return results


# --- the record ---------------------------------------------------------------------------


def render_record(
    slug: str,
    metadata: dict[str, list[ttl.Value]],
    rendition: Rendition,
    original_bytes: bytes,
    original: Path,
    *,
    comment: str,
) -> str:
    """The record file of document ``slug`` in house format (docs/modelling.md)."""
    original_iri = f"id:{slug}-original"
    text_sha = hashlib.sha256(rendition.text.encode("utf-8")).hexdigest()
    document: dict[str, list[ttl.Value]] = {
        **metadata,
        "a": ["ck:SourceDocument"],
        "ck:sha256": [ttl.literal(text_sha)],
        "ck:storedAt": [ttl.literal(str(DOCUMENTS / f"{slug}.txt"))],
        "schema:encodingFormat": [ttl.literal("text/plain")],
        "prov:wasDerivedFrom": [original_iri],
        "prov:wasGeneratedBy": [
            {
                "a": ["ck:TextExtraction"],
                "ck:extractor": [ttl.literal(rendition.extractor.name)],
                "prov:used": [original_iri],
                "prov:wasAssociatedWith": [
                    {
                        "a": ["prov:SoftwareAgent"],
                        "rdfs:label": [ttl.literal(rendition.extractor.library)],
                        "schema:softwareVersion": [ttl.literal(rendition.version)],
                    }
                ],
            }
        ],
    }
    original_label = ttl.literal(f"{slug}.{rendition.extractor.suffix[1:]} as received", lang="en")
    original_node: dict[str, list[ttl.Value]] = {
        "a": ["ck:DocumentOriginal"],
        "rdfs:label": [original_label],
        "ck:sha256": [ttl.literal(hashlib.sha256(original_bytes).hexdigest())],
        "ck:storedAt": [ttl.literal(str(original))],
        "schema:contentSize": [str(len(original_bytes))],
        "schema:encodingFormat": [ttl.literal(rendition.extractor.media_type)],
    }
    return (
        ttl.HEADER
        + "\n"
        + comment
        + "\n"
        + ttl.block(f"id:{slug}", document)
        + "\n"
        + ttl.block(original_iri, original_node)
    )


_DERIVATION: Final = frozenset(
    {CK.sha256, CK.storedAt, SCHEMA.encodingFormat, PROV.wasDerivedFrom, PROV.wasGeneratedBy}
)


def _record_metadata(record: Graph, document: URIRef) -> dict[str, list[ttl.Value]]:
    """What a record says of its document besides how its text was made, written as Turtle."""
    metadata: dict[str, list[ttl.Value]] = {}
    for predicate, value in sorted(record.predicate_objects(document)):
        if predicate in _DERIVATION or predicate == RDF.type:
            continue
        if isinstance(value, BNode):
            raise IntakeError(f"the record of {document} has a blank node under {predicate}")
        metadata.setdefault(ttl.iri(str(predicate)), []).append(_term(value))
    return metadata


def _term(value: object) -> str:
    if isinstance(value, Literal):
        datatype = ttl.iri(str(value.datatype)) if value.datatype else None
        return ttl.literal(str(value), lang=value.language, datatype=datatype)
    return ttl.iri(str(value))


def _leading_comment(text: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith("#")]
    return "".join(line + "\n" for line in lines)


def _recorded_original(record: Graph, document: URIRef) -> Path | None:
    for original in record.objects(document, PROV.wasDerivedFrom):
        stored = record.value(original, CK.storedAt)
        if stored is not None:
            return Path(str(stored))
    return None


def _date_literal(date: str) -> str:
    datatype = {4: "xsd:gYear", 7: "xsd:gYearMonth", 10: "xsd:date"}[len(date)]
    return ttl.literal(date, datatype=datatype)


# --- moving quotes ------------------------------------------------------------------------


@dataclass(slots=True)
class _Selector:
    exact: str
    prefix: str
    suffix: str
    file: Path
    problems: list[str] = field(default_factory=list)


def _moved_quotes(root: Path, slug: str, old: str, new: str) -> tuple[dict[Path, str], int]:
    """Every Turtle file under data/ whose quotes of ``slug`` change, with its new content."""
    moved = realign(old, new)
    document = ID[slug]
    changes: dict[Path, str] = {}
    problems: list[str] = []
    count = 0
    for path in sorted((root / "data").rglob("*.ttl")):
        graph = read_turtle(path)
        replacements: dict[tuple[str, str], str] = {}
        for evidence, selector in graph.subject_objects(OA.hasSelector):
            if graph.value(evidence, OA.hasSource) != document:
                continue
            exact = graph.value(selector, OA.exact)
            if exact is None:
                continue
            prefix = str(graph.value(selector, OA.prefix) or "")
            suffix = str(graph.value(selector, OA.suffix) or "")
            found = find_quote(old, str(exact), prefix=prefix, suffix=suffix)
            where = f"{path.relative_to(root)}: quote {str(exact)[:50]!r}"
            if len(found) != 1:
                problems.append(
                    f"{where} is not anchored in the current text ({len(found)} places)"
                )
                continue
            start, end = moved[found[0].start], moved[found[0].end]
            new_exact = new[start:end]
            new_prefix = new[moved[found[0].start - len(prefix)] : start] if prefix else ""
            new_suffix = new[end : moved[found[0].end + len(suffix)]] if suffix else ""
            if (prefix and not new_prefix) or (suffix and not new_suffix) or not new_exact:
                problems.append(f"{where}: its prefix, suffix or quote is all markup; rewrite it")
                continue
            again = find_quote(new, new_exact, prefix=new_prefix, suffix=new_suffix)
            if [(a.start, a.end) for a in again] != [(start, end)]:
                problems.append(
                    f"{where} becomes {new_exact[:50]!r}, which occurs {len(again)} times in the "
                    "new text; add oa:prefix or oa:suffix to it first"
                )
                continue
            for key, before, after in (
                ("exact", str(exact), new_exact),
                ("prefix", prefix, new_prefix),
                ("suffix", suffix, new_suffix),
            ):
                if before != after:
                    replacements[(key, before)] = after
            count += 1
        if replacements:
            changes[path.relative_to(root)] = _rewrite(path, replacements, problems)
    if problems:
        raise IntakeError(
            f"{len(problems)} quote(s) cannot be moved to the new text; nothing was changed:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return changes, count


def _rewrite(path: Path, replacements: dict[tuple[str, str], str], problems: list[str]) -> str:
    """The file with each ``oa:{key} "before"`` literal written as ``"after"``."""
    text = path.read_text(encoding="utf-8")
    for (key, before), after in replacements.items():
        written = f'oa:{key} "{ttl.escape(before)}"'
        if written not in text:
            problems.append(f"{path}: cannot find {written[:70]} as written; rewrite it by hand")
            continue
        text = text.replace(written, f'oa:{key} "{ttl.escape(after)}"')
    return text


# --- shared helpers -----------------------------------------------------------------------


def _read_original(file: Path, max_bytes: int) -> bytes:
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise IntakeError(f"cannot read {file}: {exc.strerror or exc}") from None
    if not file.is_file():
        raise IntakeError(f"{file} is not a file")
    check_length(
        size,
        max_bytes,
        "KG_MAX_DOCUMENT_BYTES",
        what=str(file),
        advice="split it, or keep only the part the graph cites",
    )
    return file.read_bytes()


def _detect(data: bytes, name: str, fmt: str | None) -> Extractor:
    try:
        return detect(data, name, fmt)
    except ExtractionError as exc:
        raise IntakeError(str(exc)) from None


def _extract(data: bytes, extractor: Extractor, max_bytes: int) -> Rendition:
    try:
        return extract(data, extractor, max_bytes=max_bytes)
    except ExtractionError as exc:
        raise IntakeError(f"{exc}; nothing was stored") from None


def load_data(root: Path) -> Graph:
    """Every curated Turtle file under ``root/data`` in one graph (no quotes anchored)."""
    graph = Graph()
    for path in sorted((root / "data").rglob("*.ttl")):
        read_turtle(path, into=graph)
    return graph


def _check_slug_free(root: Path, slug: str, known: Graph) -> None:
    taken = [
        str(p)
        for p in (DOCUMENTS / f"{slug}.ttl", DOCUMENTS / f"{slug}.txt", Path("data") / slug)
        if (root / p).exists()
    ]
    taken += sorted(str(p) for p in (root / ORIGINALS).glob(f"{slug}.*"))
    if taken or (ID[slug], None, None) in known:
        where = ", ".join(taken) or f"id:{slug} in data/"
        raise IntakeError(f"the slug {slug!r} is taken ({where}); choose another with --slug")


def resolve_actor(known: Graph, name: str) -> str:
    """The IRI of the actor ``name`` means: a slug, ``id:slug``, an IRI, a label or altLabel."""
    candidates: set[str] = set()
    if name.startswith(("http://", "https://")):
        candidates.add(name)
    elif name.startswith("id:") or _SLUG.fullmatch(name):
        candidates.add(str(ID[name.removeprefix("id:")]))
    folded = name.casefold()
    for predicate in (RDFS.label, SKOS.altLabel):
        for subject, label in known.subject_objects(predicate):
            if str(label).casefold() == folded:
                candidates.add(str(subject))
    actors = [c for c in candidates if _is_actor(known, URIRef(c))]
    if len(actors) == 1:
        return actors[0]
    if not actors:
        raise IntakeError(
            f"--publisher {name!r} is no actor of the graph; give the slug, label or acronym of "
            'one (kg query "SELECT ?a ?l WHERE { ?a a/rdfs:subClassOf* ck:Actor ; rdfs:label ?l }")'
        )
    raise IntakeError(f"--publisher {name!r} is ambiguous: {', '.join(sorted(actors))}")


_ACTOR_CLASSES: Final = frozenset(
    CK[c]
    for c in (
        "Actor", "Organization", "State", "GovernmentBody", "DevelopmentAgency", "UNEntity",
        "InternationalOrganization", "Forum", "Person", "NonGovernmentalOrganization",
    )
)  # fmt: skip


def _is_actor(known: Graph, node: URIRef) -> bool:
    return any(t in _ACTOR_CLASSES for t in known.objects(node, RDF.type))


@contextmanager
def _transaction(root: Path) -> Iterator[_Writer]:
    """Files written (or removed) all together, then the dataset validated; undone on failure."""
    writer = _Writer(root)
    try:
        yield writer
        writer.commit()
        _validate(root)
    except BaseException:
        writer.rollback()
        raise


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.staged: list[tuple[Path, bytes | None]] = []
        self.undo: list[tuple[Path, bytes | None]] = []

    def __call__(self, path: Path, content: bytes | None) -> None:
        self.staged.append((path, content))

    def commit(self) -> None:
        for path, content in self.staged:
            target = self.root / path
            previous = target.read_bytes() if target.is_file() else None
            self.undo.append((target, previous))
            if content is None:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_bytes(content)
            os.replace(temporary, target)

    def rollback(self) -> None:
        for target, previous in reversed(self.undo):
            if previous is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(previous)


def _validate(root: Path) -> None:
    from kg.build import assemble, check
    from kg.sources import discover

    inputs = discover(root)
    check(assemble(inputs), inputs)


__all__ = [
    "Registered",
    "Verified",
    "add_source",
    "load_data",
    "reextract",
    "resolve_actor",
    "slugify",
    "verify",
]
