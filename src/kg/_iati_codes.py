"""IATI codes as IRIs: the documented pattern, checked against the codelists in the store.

A code becomes ``id:iati-{codelist}-{slugify(code)}`` (docs/iati.md). When the store holds that
codelist (its ``ck:Code`` entries, ``skos:inScheme id:iati-codelist-{codelist}``, come with the
reference data), a code outside it is not turned into an IRI that would point at nothing: the
caller keeps it as a ``ck:unmatchedCode`` instead. Before the reference data is loaded every
code follows the pattern, and validation reports the missing ``ck:Code`` nodes.

Version 1.0x files spell some codes as words or letters (transaction types ``C``, ``D``, roles
``Funding``...): ``data/iati/v1-codes.csv`` maps them to the 2.0x codes (``v1_spellings``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg._namespaces import ID
from kg.iati_codes import kebab, load_v1_codes
from kg.slugs import slugify


def v1_spellings(data_dir: Path) -> dict[str, dict[str, str]]:
    """Codelist (kebab-case, as in the IRIs) to 1.0x spelling (case-folded) to 2.0x code, from
    ``data/iati/v1-codes.csv``."""
    found: dict[str, dict[str, str]] = {}
    for (codelist, spelling), code in load_v1_codes(data_dir=data_dir).items():
        found.setdefault(kebab(codelist), {})[spelling] = code
    return found


def code_iri(codelist: str, code: str) -> str | None:
    """``id:iati-{codelist}-{slug}``, or None for a code with no letters or digits."""
    slug = slugify(code)
    return f"{ID}iati-{codelist}-{slug}" if slug else None


@dataclass(frozen=True, slots=True)
class Codes:
    """The codelist entries the store holds, by codelist (empty: none loaded yet), and the
    1.0x spellings (``v1_spellings``)."""

    known: Mapping[str, frozenset[str]]
    v1: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def normalise(self, codelist: str, code: str | None, *, v1: bool) -> str | None:
        """The 2.0x code for ``code`` (a 1.0x spelling mapped when ``v1``), stripped."""
        if code is None:
            return None
        code = code.strip()
        if not code:
            return None
        if v1:
            return self.v1.get(codelist, {}).get(code.casefold(), code)
        return code

    def iri(self, codelist: str, code: str | None, *, v1: bool = False) -> str | None:
        """The IRI of ``code`` in ``codelist``; None when it has none or the loaded codelist
        does not contain it."""
        normal = self.normalise(codelist, code, v1=v1)
        if normal is None:
            return None
        found = code_iri(codelist, normal)
        members = self.known.get(codelist)
        if found is None or (members and found not in members):
            return None
        return found


__all__ = ["Codes", "code_iri", "v1_spellings"]
