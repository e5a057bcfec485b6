"""Slugs from names: the one rule every importer uses to turn a label into an IRI's last segment.

Importers (IATI, RDF, the reference data) must agree on it: an organisation named in two files, or
a country named by the generator and by the shipped data, gets one IRI only if both slug it alike.
"""

from __future__ import annotations

import unicodedata


def slugify(text: str) -> str:
    """Lowercase ASCII letters and digits joined by single hyphens ("Côte d'Ivoire" -> cote-d-ivoire)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(c if c.isalnum() else " " for c in folded.lower()).split()
    return "-".join(words)
