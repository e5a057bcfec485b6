"""Anchor evidence quotes in their documents' stored text.

Curators write only the quote (``oa:exact``, optionally ``oa:prefix``/``oa:suffix``); this
module finds it in the stored text, adds the ``oa:TextPositionSelector`` with code-point
offsets and gives each evidence node a stable IRI derived from where it points. Nobody
counts characters by hand, and a quote that is missing or ambiguous stops the build.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg._locate import Locator
from kg._namespaces import CK, ID, OA, slug_of
from kg.errors import QuoteError


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a quote sits in its document: code points, end exclusive."""

    start: int
    end: int


def find_quote(text: str, exact: str, *, prefix: str = "", suffix: str = "") -> list[Anchor]:
    """Every place ``prefix + exact + suffix`` occurs in ``text``, as anchors on ``exact``."""
    needle = prefix + exact + suffix
    anchors: list[Anchor] = []
    position = text.find(needle)
    while position != -1 and needle:
        start = position + len(prefix)
        anchors.append(Anchor(start, start + len(exact)))
        position = text.find(needle, position + 1)
    return anchors


def realign(old: str, new: str) -> Sequence[int]:
    """Where each offset of ``old`` lands in ``new``, a new version of the same text (the list
    has ``len(old) + 1`` entries).

    Offsets in text both versions share move with it; an offset inside text that was removed or
    replaced lands where the removal happened, so a quote that began or ended in markup that is
    gone (``**``) keeps the words it quoted and loses only the markup.
    """
    moved = [0] * (len(old) + 1)
    j = 0
    for i, char in enumerate(old):  # the common case, markup removed: linear time
        moved[i] = j
        if j < len(new) and new[j] == char:
            j += 1
    if not new[j:].strip():  # all of ``new`` matched, bar whitespace added at the end
        moved[len(old)] = j
        return moved
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, _ in opcodes:
        for i in range(i1, i2):
            moved[i] = j1 + (i - i1) if tag == "equal" else j1
    last = opcodes[-1] if opcodes else ("equal", 0, 0, 0, 0)
    moved[len(old)] = last[3] if last[0] == "insert" else len(new)
    return moved


def evidence_iri(document: str, anchor: Anchor) -> URIRef:
    """The stable IRI of the evidence that points at ``anchor`` in ``document``."""
    slug = slug_of(document) or "external"
    return ID[f"evidence/{slug}/{anchor.start}-{anchor.end}"]


def anchor_graph(graph: Graph, texts: dict[str, str], locator: Locator) -> int:
    """Anchor every quote in ``graph`` in place; returns how many evidence nodes were anchored.

    Raises QuoteError listing every quote that is missing, ambiguous or cites an unknown
    document, with the file and line it was written on.
    """
    problems: list[str] = []
    renames: dict[Node, URIRef] = {}
    additions: list[tuple[Node, Node, Node]] = []
    for evidence, selector in list(graph.subject_objects(OA.hasSelector)):
        exact = graph.value(selector, OA.exact)
        if exact is None:
            continue
        source = graph.value(evidence, OA.hasSource)
        if source is None or str(source) not in texts:
            problems.append(
                f"{_written_at(locator, exact)}: evidence cites {source or 'no document'}, which has no "
                f"stored text; cite one of {sorted(texts)}"
            )
            continue
        prefix = str(graph.value(selector, OA.prefix) or "")
        suffix = str(graph.value(selector, OA.suffix) or "")
        found = find_quote(texts[str(source)], str(exact), prefix=prefix, suffix=suffix)
        if len(found) != 1:
            where = _written_at(locator, exact)
            problems.append(_describe_miss(where, str(exact), texts[str(source)], found))
            continue
        anchor = found[0]
        iri = evidence_iri(str(source), anchor)
        position = URIRef(f"{iri}#position")
        additions += [
            (evidence, RDF.type, CK.Evidence),
            (evidence, OA.hasSelector, position),
            (position, RDF.type, OA.TextPositionSelector),
            # xsd:integer, not the spec's nonNegativeInteger: pyoxigraph stores values and
            # would turn the latter into xsd:integer, so validated and stored data would differ.
            (position, OA.start, Literal(anchor.start, datatype=XSD.integer)),
            (position, OA.end, Literal(anchor.end, datatype=XSD.integer)),
        ]
        if isinstance(evidence, BNode):
            renames[evidence] = iri
        if isinstance(selector, BNode):
            renames[selector] = URIRef(f"{iri}#quote")
    if problems:
        raise QuoteError(problems)
    for triple in additions:
        graph.add(triple)
    _rename(graph, renames)
    return len({renames.get(e, e) for e, _ in graph.subject_objects(OA.hasSelector)})


def _written_at(locator: Locator, exact: Node) -> str:
    """Where a quote was written, for its problem only: searching the curated files for each
    of a build's ~360 quotes cost half the build's time."""
    return locator.quote(str(exact)) or "unknown file"


def _describe_miss(where: str, exact: str, text: str, found: list[Anchor]) -> str:
    short = exact if len(exact) <= 60 else exact[:57] + "..."
    if found:
        offsets = ", ".join(str(a.start) for a in found[:5])
        return (
            f"{where}: quote {short!r} occurs {len(found)} times (at {offsets}); add "
            "oa:prefix or oa:suffix to say which"
        )
    normalized = " ".join(exact.split())
    hint = ""
    if normalized and normalized in " ".join(text.split()):
        hint = " (it matches when whitespace is ignored: copy the line breaks/spaces exactly)"
    return f"{where}: quote {short!r} does not occur in the document{hint}"


def _rename(graph: Graph, renames: dict[Node, URIRef]) -> None:
    """Replace blank nodes by IRIs wherever they appear."""
    if not renames:
        return
    for s, p, o in list(graph):
        if s in renames or o in renames:
            graph.remove((s, p, o))
            graph.add((renames.get(s, s), p, renames.get(o, o)))
