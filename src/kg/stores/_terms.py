"""Literals as the default store returns them, whichever backend produced them.

Backends agree on values but not on lexical forms, and rdflib compares terms by lexical form.
pyoxigraph (the default) stores values, so its answers are canonical; rdflib keeps what the data
said and Virtuoso has forms of its own. rdflib's ``Literal`` already rewrites integers, doubles
and booleans to one form (``"01"`` -> ``"1"``, ``"1e+10"`` -> ``"10000000000.0"``, ``"1"`` ->
``"true"``), so what is left to do here is what pyoxigraph does and rdflib does not: decimals
without trailing zeros, lower-case language tags, and ``xsd:string`` as a plain literal (the same
term in RDF 1.1).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Final

from rdflib import Literal
from rdflib.namespace import XSD

_STRING: Final = str(XSD.string)
_DECIMAL: Final = str(XSD.decimal)
_DECIMAL_LEXICAL: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def decimal_text(lexical: str) -> str:
    """pyoxigraph's form of an ``xsd:decimal``: ``1000000.0`` -> ``1000000``, ``-0.0`` -> ``0``.

    An ill-typed lexical form is left as written, as every backend does.
    """
    if not _DECIMAL_LEXICAL.fullmatch(lexical):
        return lexical
    text = format(Decimal(lexical), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


@lru_cache(maxsize=16_384)
def make_literal(lexical: str, datatype: str | None = None, language: str | None = None) -> Literal:
    """The rdflib literal for a lexical form with its datatype or language, canonicalised.

    Cached like ``kg.stores.oxigraph.to_rdflib``: labels and amounts recur in every answer and
    rdflib's constructor parses the lexical form each time.
    """
    if language:
        return Literal(lexical, lang=language.lower())
    if datatype is None or datatype == _STRING:
        return Literal(lexical)
    if datatype == _DECIMAL:
        lexical = decimal_text(lexical)
    return Literal(lexical, datatype=datatype)


def canonical(term: Literal) -> Literal:
    """``term`` with its lexical form, datatype and language tag as pyoxigraph gives them."""
    datatype = None if term.datatype is None else str(term.datatype)
    return make_literal(str(term), datatype, term.language)
