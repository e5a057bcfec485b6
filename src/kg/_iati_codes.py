"""IATI codes as IRIs: the documented pattern, checked against the codelists in the store.

A code becomes ``id:iati-{codelist}-{slugify(code)}`` (docs/iati.md). When the store holds that
codelist (its ``ck:Code`` entries, ``skos:inScheme id:iati-codelist-{codelist}``, come with the
reference data), a code outside it is not turned into an IRI that would point at nothing: the
caller keeps it as a ``ck:unmatchedCode`` instead. Before the reference data is loaded every
code follows the pattern, and validation reports the missing ``ck:Code`` nodes.

Version 1.0x files spell some codes as words or letters (transaction types ``C``, ``D``, roles
``Funding``...); ``V1_SPELLINGS`` maps them to the 2.0x codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from kg._countries import slugify
from kg._namespaces import ID

#: (IATI codelist, 1.0x spelling, 2.0x code): the rows of ``data/iati/v1-codes.csv`` as the
#: reference-data branch ships it, until that file is on main (then read from there).
_V1_ROWS: Final = (
    ("ActivityDateType", "start-planned", "1"),
    ("ActivityDateType", "start-actual", "2"),
    ("ActivityDateType", "end-planned", "3"),
    ("ActivityDateType", "end-actual", "4"),
    ("ActivityStatus", "ongoing", "2"),
    ("ActivityStatus", "Operationally Closed", "3"),
    ("BudgetType", "original-budget", "1"),
    ("OrganisationRole", "Funding", "1"),
    ("OrganisationRole", "Accountable", "2"),
    ("OrganisationRole", "Extending", "3"),
    ("OrganisationRole", "Implementing", "4"),
    ("OrganisationRole", "donor", "1"),
    ("SectorVocabulary", "DAC", "1"),
    ("SectorVocabulary", "DAC-3", "2"),
    ("SectorVocabulary", "COFOG", "3"),
    ("SectorVocabulary", "NACE", "4"),
    ("SectorVocabulary", "NTEE", "5"),
    ("SectorVocabulary", "ADT", "6"),
    ("SectorVocabulary", "RO2", "98"),
    ("SectorVocabulary", "RO", "99"),
    ("TransactionType", "IF", "1"),
    ("TransactionType", "C", "2"),
    ("TransactionType", "D", "3"),
    ("TransactionType", "E", "4"),
    ("TransactionType", "IR", "5"),
    ("TransactionType", "LR", "6"),
    ("TransactionType", "R", "7"),
    ("TransactionType", "QP", "8"),
    ("TransactionType", "QS", "9"),
    ("TransactionType", "CG", "10"),
    ("TransactionType", "commitment", "2"),
    ("TransactionType", "disbursement", "3"),
    ("TransactionType", "disbursment", "3"),
    ("TransactionType", "expenditure", "4"),
)


def kebab(codelist: str) -> str:
    """``TransactionType`` -> ``transaction-type``, as in the codes' IRIs."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", codelist).lower()


#: 1.0x spelling (case-folded) to 2.0x code, per codelist (kebab-case, as in the IRIs).
V1_SPELLINGS: Final[Mapping[str, Mapping[str, str]]] = {
    name: {v1.casefold(): v2 for list_, v1, v2 in _V1_ROWS if kebab(list_) == name}
    for name in {kebab(row[0]) for row in _V1_ROWS}
}


def code_iri(codelist: str, code: str) -> str | None:
    """``id:iati-{codelist}-{slug}``, or None for a code with no letters or digits."""
    slug = slugify(code)
    return f"{ID}iati-{codelist}-{slug}" if slug else None


@dataclass(frozen=True, slots=True)
class Codes:
    """The codelist entries the store holds, by codelist (empty: none loaded yet)."""

    known: Mapping[str, frozenset[str]]

    def normalise(self, codelist: str, code: str | None, *, v1: bool) -> str | None:
        """The 2.0x code for ``code`` (a 1.0x spelling mapped when ``v1``), stripped."""
        if code is None:
            return None
        code = code.strip()
        if not code:
            return None
        if v1:
            return V1_SPELLINGS.get(codelist, {}).get(code.casefold(), code)
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


__all__ = ["V1_SPELLINGS", "Codes", "code_iri"]
