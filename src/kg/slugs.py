"""Slugs from names: the one rule every importer (and ``kg source add``) uses to turn a label into
an IRI's last segment.

Importers (IATI, RDF, the reference data) must agree on it: an organisation named in two files, or
a country named by the generator and by the shipped data, gets one IRI only if both slug it alike.
"""

from __future__ import annotations

import unicodedata


def slugify(text: str) -> str:
    """Lowercase ASCII letters and digits joined by single hyphens ("Côte d'Ivoire" -> cote-d-ivoire).

    Letters lose their accents (é -> e); a letter with no ASCII form (ø, ß) is dropped.
    Punctuation, symbols and spaces separate words whether ASCII or not, so a curly apostrophe
    or an en dash slugs as the ASCII one does ("Côte d\u2019Ivoire" -> cote-d-ivoire,
    "Japan\u2013UNODC" -> japan-unodc).
    """
    kept = []
    for c in unicodedata.normalize("NFKD", text):
        if c.isascii():
            kept.append(c.lower() if c.isalnum() else " ")
        elif unicodedata.category(c)[0] in "PSZC":
            kept.append(" ")
    return "-".join("".join(kept).split())
