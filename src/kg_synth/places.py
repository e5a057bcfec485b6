"""Every ISO 3166-1 country or territory under its UN M49 region, for generated data.

Codes and names come from pycountry (the maintained ISO 3166-1 table); which M49 region holds each
country, which are states, and the few groupings the sources use beside M49 are data files next to
this module (``data/countries.csv``, ``data/regions.csv``), with their origin in their headers.
Slugs of the regions and of the few countries the curated reference graph already names are the
same as there (``east-asia``, ``russia``), so the same queries work on generated and shipped data.
``scripts/iati_reference.py`` writes the places the shipped data lacks
(``data/reference/m49-places.ttl``) from this table too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Final

import pycountry

from kg.slugs import slugify


@dataclass(frozen=True, slots=True)
class Region:
    """An M49 region or a grouping of countries; ``parents`` are region slugs."""

    slug: str
    name: str
    m49: str | None
    parents: tuple[str, ...]
    alt: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Country:
    """An ISO 3166-1 entry; ``region`` is the slug of its M49 (sub-/intermediate) region.

    ``sovereign`` marks UN member and observer states: the generator makes them ``ck:State``
    (funders and places at once), the other territories ``schema:Country``.
    """

    alpha2: str
    m49: str
    name: str
    region: str
    sovereign: bool
    slug: str
    alt: tuple[str, ...]


def _rows(name: str) -> Iterator[dict[str, str]]:
    """The rows of a data file, its ``#`` header lines (origin and column notes) skipped."""
    text = files(__package__).joinpath(f"data/{name}").read_text(encoding="utf-8")
    yield from csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(cell.split("|")) if cell else ()


def _country(row: dict[str, str]) -> Country:
    iso = pycountry.countries.get(alpha_2=row["alpha2"])
    if iso is None:  # a data file ahead of (or behind) the installed pycountry
        raise LookupError(f"pycountry has no ISO 3166-1 entry {row['alpha2']!r}")
    name = row["name"] or getattr(iso, "common_name", None) or iso.name
    return Country(
        alpha2=iso.alpha_2,
        m49=iso.numeric,
        name=name,
        region=row["region"],
        sovereign=row["sovereign"] == "1",
        slug=row["slug"] or slugify(name),
        alt=_split(row["alt"]),
    )


_REGION_ROWS: Final = tuple(_rows("regions.csv"))

REGIONS: Final[tuple[Region, ...]] = tuple(
    Region(r["slug"], r["name"], r["m49"] or None, _split(r["parents"]), _split(r["alt"]))
    for r in _REGION_ROWS
)
COUNTRIES: Final[tuple[Country, ...]] = tuple(_country(row) for row in _rows("countries.csv"))

#: Extra parents of countries besides their M49 region: alpha-2 code -> grouping slugs.
GROUPING_MEMBERS: Final[dict[str, tuple[str, ...]]] = {
    c.alpha2: groups
    for c in COUNTRIES
    if (groups := tuple(r["slug"] for r in _REGION_ROWS if c.alpha2 in _split(r["members"])))
}

#: Continents: the M49 regions directly under World.
CONTINENTS: Final[tuple[str, ...]] = tuple(
    r.slug for r in REGIONS if r.parents == ("world",) and r.m49 is not None
)
