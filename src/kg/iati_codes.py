"""The IATI reference data shipped in ``data/iati/`` (see its README), read for the importer.

Codelists are the IATI Standard's own XML files; ``dac-regions.csv`` places each DAC region in
the M49 tree; ``v1-codes.csv`` maps IATI 1.0x spellings to 2.0x codes. Every function takes the
``data`` directory (``Settings.data_dir``) so that tests and the server read the same files.
Slugs follow docs/iati.md: ``iati-{codelist-kebab}-{code}`` for codes, ``dac-{code}`` for
sectors and ``dac-region-{code}`` for regions.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kg.errors import SourceError
from kg.slugs import slugify

#: The codelists shipped in ``data/iati/codelists/``, by their IATI names.
CODELISTS: Final[tuple[str, ...]] = (
    "ActivityDateType",
    "ActivityStatus",
    "AidType",
    "BudgetType",
    "Country",
    "Currency",
    "FinanceType",
    "FlowType",
    "OrganisationRole",
    "OrganisationType",
    "Region",
    "Sector",
    "SectorCategory",
    "TransactionType",
)

_XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, slots=True)
class Code:
    """One codelist entry: its English name and description, whitespace collapsed.

    ``category`` is the entry's ``<category>`` (a Sector's 3-digit SectorCategory code), else None.
    """

    code: str
    name: str
    description: str | None
    category: str | None
    withdrawn: bool


@dataclass(frozen=True, slots=True)
class Codelist:
    """A codelist's English title and description (from its metadata) and its entries in file order."""

    name: str
    title: str
    description: str | None
    codes: tuple[Code, ...]


def kebab(codelist: str) -> str:
    """The slug form of a codelist name: ``TransactionType`` -> ``transaction-type``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", codelist).lower()


def code_slug(codelist: str, code: str) -> str:
    """The slug of a code's ``ck:Code``: ``("AidType", "C01")`` -> ``iati-aid-type-c01``."""
    return f"iati-{kebab(codelist)}-{slugify(code)}"


def read_codelist(name: str, *, data_dir: Path) -> Codelist:
    """The codelist ``name`` (one of ``CODELISTS``) from ``data_dir/iati/codelists/``."""
    if name not in CODELISTS:
        raise SourceError(
            f"{name!r} is not a shipped IATI codelist; use one of {', '.join(CODELISTS)}"
        )
    path = data_dir / "iati" / "codelists" / f"{name}.xml"
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise SourceError(f"cannot read the IATI codelist {path}: {exc}") from exc
    codes = tuple(
        Code(
            code=(item.findtext("code") or "").strip(),
            name=_english(item.find("name")) or "",
            description=_english(item.find("description")),
            category=(item.findtext("category") or "").strip() or None,
            withdrawn=item.get("status") == "withdrawn",
        )
        for item in root.iter("codelist-item")
    )
    bad = [c.code or "(empty)" for c in codes if not c.code or not c.name]
    if bad:
        raise SourceError(f"{path}: entries without a code or an English name: {', '.join(bad)}")
    metadata = root.find("metadata")
    title = _english(metadata.find("name")) if metadata is not None else None
    description = _english(metadata.find("description")) if metadata is not None else None
    return Codelist(name=name, title=title or name, description=description, codes=codes)


def load_codelist(name: str, *, data_dir: Path) -> dict[str, str]:
    """Code -> English name for the codelist ``name``, withdrawn codes included."""
    return {c.code: c.name for c in read_codelist(name, data_dir=data_dir).codes}


def load_dac_regions(*, data_dir: Path) -> dict[str, str]:
    """DAC region code -> slug of the M49 region it lies in (``data/iati/dac-regions.csv``)."""
    return {
        row["code"]: row["m49_parent_slug"]
        for row in _csv(data_dir / "iati" / "dac-regions.csv", ("code", "m49_parent_slug"))
    }


def load_v1_codes(*, data_dir: Path) -> dict[tuple[str, str], str]:
    """(codelist, 1.0x spelling) -> 2.0x code from ``v1-codes.csv``; look values up with ``v2_code``."""
    return {
        (row["codelist"], _fold(row["v1"])): row["v2"]
        for row in _csv(data_dir / "iati" / "v1-codes.csv", ("codelist", "v1", "v2"))
    }


def v2_code(v1_codes: Mapping[tuple[str, str], str], codelist: str, value: str) -> str:
    """The 2.0x code for ``value`` of ``codelist`` in a 1.0x file; an unlisted value stripped.

    1.0x spellings match ignoring case and surrounding spaces.

    ``v2_code(load_v1_codes(data_dir=d), "TransactionType", "D")`` -> ``"3"``;
    ``v2_code(..., "TransactionType", "3")`` -> ``"3"``. Use it for 1.0x files only.
    """
    return v1_codes.get((codelist, _fold(value)), value.strip())


def _fold(value: str) -> str:
    return value.strip().casefold()


def _english(element: ET.Element | None) -> str | None:
    """The text of the English ``narrative`` (no xml:lang, or "en"), whitespace collapsed."""
    if element is None:
        return None
    for narrative in element.iter("narrative"):
        if narrative.get(_XML_LANG, "en") == "en":
            text = " ".join((narrative.text or "").split())
            return text or None
    return None


def _csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = tuple(reader.fieldnames or ())
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc}") from exc
    missing = [c for c in columns if c not in header]
    if missing:
        raise SourceError(
            f"{path} lacks the column(s) {', '.join(missing)}; its header is {header}"
        )
    return rows


__all__ = [
    "CODELISTS",
    "Code",
    "Codelist",
    "code_slug",
    "kebab",
    "load_codelist",
    "load_dac_regions",
    "load_v1_codes",
    "read_codelist",
    "v2_code",
]
