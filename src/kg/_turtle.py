"""Turtle written the way curators write it (docs/modelling.md): the fixed prefixes, one subject
block per entity, predicates in the house order, blank nodes nested in brackets.

Used by the files coop-kg writes for curators (document records, drafts), so that they read
and diff like the hand-written ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, TypeAlias

from kg._namespaces import PREFIXES

#: The prefixes every curated file declares, in the guide's order.
HEADER_PREFIXES: Final = (
    "ck", "id", "dcterms", "oa", "org", "prov", "rdf", "rdfs", "schema", "skos", "xsd",
)  # fmt: skip
HEADER: Final = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in HEADER_PREFIXES)

#: A blank node: predicate (prefixed) -> values. A value is a written term or a nested node.
Node: TypeAlias = Mapping[str, Sequence["Value"]]
Value: TypeAlias = "str | Node"

_FIRST: Final = ("a", "rdfs:label", "skos:altLabel", "dcterms:description")
_LAST: Final = ("prov:wasDerivedFrom",)


def escape(text: str) -> str:
    """``text`` as the inside of a Turtle ``"..."`` string."""
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def literal(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    written = f'"{escape(text)}"'
    if lang:
        return f"{written}@{lang}"
    if datatype:
        return f"{written}^^{datatype}"
    return written


def iri(value: str) -> str:
    """A prefixed name when one of our prefixes fits and the rest is a plain local name."""
    for prefix in HEADER_PREFIXES:
        namespace = PREFIXES[prefix]
        local = value[len(namespace) :]
        if value.startswith(namespace) and local and all(c.isalnum() or c in "-_" for c in local):
            return f"{prefix}:{local}"
    return f"<{value}>"


def _order(predicate: str) -> tuple[int, int, str]:
    if predicate in _FIRST:
        return (0, _FIRST.index(predicate), "")
    if predicate in _LAST:
        return (2, _LAST.index(predicate), "")
    return (1, 0, predicate)


def block(subject: str, node: Node) -> str:
    """One subject block, ending with `` .`` and a newline."""
    return subject + " " + _properties(node, 1) + " .\n"


def _properties(node: Node, depth: int) -> str:
    pad = "    " * depth
    lines = []
    for predicate in sorted(node, key=_order):
        values = [_value(v, depth + 1) for v in node[predicate]]
        if not values:
            continue
        lines.append(f"{predicate} " + ", ".join(values))
    return f" ;\n{pad}".join(lines)


def _value(value: Value, depth: int) -> str:
    if isinstance(value, str):
        return value
    pad = "    " * depth
    return f"[\n{pad}" + _properties(value, depth) + " ]"


__all__ = ["HEADER", "Node", "Value", "block", "escape", "iri", "literal"]
