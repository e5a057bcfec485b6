"""IATI codes as IRIs: the documented pattern, checked against the codelists in the store.

A code becomes ``id:iati-{codelist}-{slugify(code)}`` (docs/iati.md). When the store holds that
codelist (its ``ck:Code`` entries, ``skos:inScheme id:iati-codelist-{codelist}``, come with the
reference data), a code outside it is not turned into an IRI that would point at nothing: the
caller keeps it as a ``ck:unmatchedCode`` instead. Before the reference data is loaded every
code follows the pattern, and validation reports the missing ``ck:Code`` nodes.

Version 1.0x files spell some codes as words or letters. ``V1_SPELLINGS`` maps them to the 2.0x
codes, as the IATI Standard's 1.0x codelists did (IATI-Codelists, version-1.0x branch:
TransactionType, OrganisationRole; ActivityDateType for the date types). It moves to
``data/iati/v1-codes.csv`` with the rest of the reference data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from kg._countries import slugify
from kg._namespaces import ID

#: 1.0x spelling (case-folded) to 2.0x code, per codelist (kebab-case names as in the IRIs).
V1_SPELLINGS: Final[Mapping[str, Mapping[str, str]]] = {
    "transaction-type": {
        "if": "1",
        "incoming funds": "1",
        "c": "2",
        "commitment": "2",
        "d": "3",
        "disbursement": "3",
        "e": "4",
        "expenditure": "4",
        "ir": "5",
        "interest repayment": "5",
        "lr": "6",
        "loan repayment": "6",
        "r": "7",
        "reimbursement": "7",
        "qp": "8",
        "purchase of equity": "8",
        "qs": "9",
        "sale of equity": "9",
        "cg": "10",
        "credit guarantee": "10",
    },
    "organisation-role": {
        "funding": "1",
        "accountable": "2",
        "extending": "3",
        "implementing": "4",
    },
    "activity-date-type": {
        "start-planned": "1",
        "start-actual": "2",
        "end-planned": "3",
        "end-actual": "4",
    },
    "sector-vocabulary": {"dac": "1", "dac-3": "2"},
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
