"""Content negotiation: pick one of the formats a route offers from ``Accept`` or ``format=``.

Rules (RFC 9110 section 12.5.1): each offer gets the quality of the most specific media range
that matches it (``text/csv`` beats ``text/*`` beats ``*/*``), ``q=0`` rules an offer out, and
among equal qualities the route's own order wins, so its first offer is the default for a
client that sends no ``Accept`` or ``*/*``. A ``format`` parameter, given as a short name or a
media type, overrides ``Accept``: browsers and simple clients cannot set headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from kg.api.problems import Problem
from kg.export import MediaFormat


@dataclass(frozen=True, slots=True)
class Offer:
    """A format a route can produce.

    ``name`` is the ``format=`` value, ``media_type`` what the response says it is;
    ``aliases`` are other ``format=`` values and ``also`` other media types that select it
    (``application/json`` for SPARQL JSON, say).
    """

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    also: tuple[str, ...] = ()

    @classmethod
    def of(cls, fmt: MediaFormat) -> Offer:
        """The offer of a format of ``kg.export``, with the names and media types it has there."""
        return cls(fmt.name, fmt.media_type, fmt.aliases, fmt.also)


def offers(formats: Iterable[MediaFormat]) -> tuple[Offer, ...]:
    """The offers of ``formats`` (from ``kg.export``), in their order."""
    return tuple(Offer.of(fmt) for fmt in formats)


#: A page for people: what routes that also answer RDF offer browsers.
HTML: Final = Offer("html", "text/html", (), ("application/xhtml+xml",))


@dataclass(frozen=True, slots=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 3, 2, 1, or 0 for no match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 1
        if self.type != kind:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


@lru_cache(maxsize=256)
def parse_accept(header: str) -> tuple[MediaRange, ...]:
    """The media ranges of an ``Accept`` header; malformed entries are skipped, not fatal."""
    ranges = []
    for item in header.split(","):
        kind, *params = item.split(";")
        main, slash, sub = kind.strip().lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return tuple(ranges)


def _quality(ranges: Sequence[MediaRange], offer: Offer) -> float:
    best_specificity, best_q = 0, 0.0
    for media_type in (offer.media_type, *offer.also):
        for media_range in ranges:
            specificity = media_range.specificity(media_type)
            if specificity > best_specificity or (
                specificity == best_specificity and specificity and media_range.q > best_q
            ):
                best_specificity, best_q = specificity, media_range.q
    return best_q


def choose(accept: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The best offer for an ``Accept`` header, or None when none is acceptable."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:  # nothing we could read: treat as "anything", as for no header at all
        return offers[0]
    best: Offer | None = None
    best_q = 0.0
    for offer in offers:
        q = _quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


def by_format(value: str, offers: Sequence[Offer]) -> Offer | None:
    """The offer a ``format=`` value names, by short name, alias or media type."""
    wanted = value.strip().lower()
    for offer in offers:
        if wanted == offer.name or wanted in offer.aliases:
            return offer
        if wanted == offer.media_type or wanted in offer.also:
            return offer
    return None


def negotiate(
    accept: str | None,
    offers: Sequence[Offer],
    formats: Iterable[str] = (),
    *,
    what: str = "this resource",
) -> Offer:
    """Pick the response format or raise a 406 problem that lists what is available.

    ``formats`` are the request's ``format`` parameter values; the first one that names an
    offer wins (SPARQLWrapper sends both ``format=tsv`` and ``format=text/tab-separated-values``).
    """
    requested = [f for f in formats if f.strip()]
    if requested:
        for value in requested:
            offer = by_format(value, offers)
            if offer is not None:
                return offer
        raise Problem(
            406,
            f"format={requested[0]!r} is not available for {what}; use one of: "
            f"{', '.join(o.name for o in offers)}.",
            type_="not-acceptable",
            title="Not Acceptable",
            available=[o.media_type for o in offers],
        )
    chosen = choose(accept, offers)
    if chosen is None:
        raise Problem(
            406,
            f"None of the media types in Accept: {accept} is available for {what}. "
            f"Accept one of {', '.join(o.media_type for o in offers)}, or add "
            f"format= with one of {', '.join(o.name for o in offers)}.",
            type_="not-acceptable",
            title="Not Acceptable",
            available=[o.media_type for o in offers],
        )
    return chosen
