"""One lexer for SPARQL text, shared by everything that reads a query without parsing it.

The guard (``kg.sparql_guard``: query form, refused keywords, dataset clauses), the fetch
guard (``kg._no_fetch``: server extensions, FROM clauses) and the property-path pre-check
(``kg.stores._paths``) all scan the same tokens; one definition keeps them agreeing on what
is a string, a comment or an IRI (a keyword inside a string is never a keyword).
"""

from __future__ import annotations

import re
from typing import Final

# Alternatives are tried left to right at each position; whatever matches none of them
# (punctuation, operators, a lone "<") is skipped one character at a time by finditer.
TOKEN: Final = re.compile(
    r"""
      (?P<comment>\#[^\r\n]*)
    | (?P<string>
          '''(?:[^'\\]|\\[\s\S]|'(?!''))*(?:'''|\Z)
        | \"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*(?:\"\"\"|\Z)
        | '(?:[^'\\\r\n]|\\.)*'?
        | "(?:[^"\\\r\n]|\\.)*"?
      )
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<variable>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<word>(?:[\w\-.:%\u00b7\u0300-\u036f\u203f-\u2040]|\\.)+)
    """,
    re.VERBOSE,
)

__all__ = ["TOKEN"]
