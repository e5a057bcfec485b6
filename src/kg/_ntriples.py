"""N-Triples terms written as strings, for mappers that produce many triples.

Building rdflib or pyoxigraph term objects costs microseconds per triple; an IATI activity has a
few hundred triples, so the importer writes N-Triples text directly and lets pyoxigraph parse it
(it refuses anything malformed, so a mistake here cannot slip into the store). IRIs passed in are
ours (slugs) or come from the namespaces module, so they need no escaping; literals do.
"""

from __future__ import annotations

import re
from typing import Final

XSD: Final = "http://www.w3.org/2001/XMLSchema#"
_ESCAPES: Final = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_SPECIAL: Final = re.compile(r'[\\"\n\r]')
#: BCP 47 as N-Triples accepts it; anything else is dropped rather than refused.
_LANGUAGE: Final = re.compile(r"^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*$")


def iri(value: str) -> str:
    return f"<{value}>"


def _quoted(text: str) -> str:
    if _SPECIAL.search(text):
        text = text.translate(_ESCAPES)
    return f'"{text}"'


def string(text: str) -> str:
    """A plain (xsd:string) literal."""
    return _quoted(text)


def typed(text: str, datatype: str) -> str:
    """A literal of an XSD datatype given by local name (``"date"``, ``"decimal"``)."""
    return f"{_quoted(text)}^^<{XSD}{datatype}>"


def language(tag: str | None) -> str | None:
    """``tag`` lowercased when it is a well-formed language tag, else None."""
    if tag and _LANGUAGE.match(tag):
        return tag.lower()
    return None


def tagged(text: str, tag: str | None) -> str:
    """A language-tagged literal, or a plain one when ``tag`` is None (pass it through
    ``language`` first)."""
    return f"{_quoted(text)}@{tag}" if tag else _quoted(text)


__all__ = ["XSD", "iri", "language", "string", "tagged", "typed"]
