"""The Turtle of a shape fixture (tests/shapes/valid, tests/shapes/invalid): the shared
prefixes, then each shared part the fixture names in its ``# shared:`` header line, then the
fixture's own text.

Most fixtures break one rule of one node in the same small world (a source document with its
text, World > Asia > Japan, the UN and UNODC, a theme scheme, the IATI code lists): those
blocks live once in tests/shapes/shared/, so a fixture shows only what it is about.
Concatenated Turtle means the same triples as one file that repeats them, as long as no part
uses a blank node label (tests/test_shape_fixtures.py checks that, and that every part is used
and no fixture repeats one).
"""

from __future__ import annotations

import re
from pathlib import Path

import rdflib

SHAPES = Path(__file__).resolve().parent / "shapes"
SHARED = SHAPES / "shared"
_SHARED_LINE = re.compile(r"^#\s*shared:(.*)$", re.MULTILINE)


def shared_parts(fixture: Path) -> list[str]:
    """The shared parts ``fixture`` names, in order."""
    found = _SHARED_LINE.search(fixture.read_text(encoding="utf-8"))
    return [] if found is None else found.group(1).split()


def turtle(fixture: Path) -> str:
    """The whole Turtle document of ``fixture``; an unknown part name fails loudly."""
    texts = [(SHARED / "prefixes.ttl").read_text(encoding="utf-8")]
    for name in shared_parts(fixture):
        part = SHARED / f"{name}.ttl"
        if not part.is_file():
            raise FileNotFoundError(f"{fixture.name}: no shared part {name!r} in {SHARED}")
        texts.append(part.read_text(encoding="utf-8"))
    texts.append(fixture.read_text(encoding="utf-8"))
    return "\n".join(texts)


def graph(fixture: Path) -> rdflib.Graph:
    """``fixture`` parsed into an rdflib graph, as the shape tests validate it."""
    return rdflib.Graph().parse(data=turtle(fixture), format="turtle")
