"""The shared parts of the shape fixtures (tests/_shape_fixtures.py): each one is used, names
nothing that a concatenation could merge by accident, and no fixture repeats one instead of
naming it. What each fixture validates to is tested in test_validate.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from _shape_fixtures import SHAPES, SHARED, shared_parts, turtle

FIXTURES = sorted(SHAPES.glob("valid/*.ttl")) + sorted(SHAPES.glob("invalid/*.ttl"))
PARTS = sorted(p.stem for p in SHARED.glob("*.ttl") if p.stem != "prefixes")


def _blocks(text: str) -> set[str]:
    return {b.strip("\n") for b in text.split("\n\n") if b.strip() and not b.startswith("#")}


def test_every_shared_part_is_used_by_a_fixture() -> None:
    used = {name for fixture in FIXTURES for name in shared_parts(fixture)}
    assert used == set(PARTS)


def test_parts_use_no_blank_node_labels() -> None:
    """``_:b`` in two parts (or a part and a fixture) would become one node when joined."""
    for part in SHARED.glob("*.ttl"):
        assert "_:" not in part.read_text(encoding="utf-8"), part.name


def test_no_fixture_repeats_a_shared_block() -> None:
    shared = {
        block
        for name in PARTS
        for block in _blocks((SHARED / f"{name}.ttl").read_text(encoding="utf-8"))
    }
    repeating = [f.name for f in FIXTURES if _blocks(f.read_text(encoding="utf-8")) & shared]
    assert repeating == []


def test_an_unknown_part_fails_loudly(tmp_path: Path) -> None:
    fixture = tmp_path / "broken.ttl"
    fixture.write_text("# shared: document no-such-part\n\nid:x a ck:Region .\n")
    with pytest.raises(FileNotFoundError, match="no-such-part"):
        turtle(fixture)
