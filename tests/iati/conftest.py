"""Fixtures of the IATI import tests: a built store of the shipped data to import into, the
pre-1.01 drafts with identifiers added, the validation contract."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from iati_samples import DRAFTS, ROOT, with_identifiers

from kg.build import BuildResult
from kg.importer import Contract
from kg.settings import Settings


@pytest.fixture(scope="session")
def iati_built(built: BuildResult) -> Path:
    """The session's store of the shipped data (curated graphs, reference graph), to copy and
    import into; never written itself."""
    assert built.store is not None
    return built.store


@pytest.fixture
def store_dir(iati_built: Path, tmp_path: Path) -> Path:
    """A private copy of the built store, for a test that imports into it."""
    target = tmp_path / "kg" / "store"
    shutil.copytree(iati_built, target)
    return target


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract.load(Settings(root=ROOT))


@pytest.fixture
def drafts(tmp_path: Path) -> Iterator[tuple[Path, ...]]:
    """The three pre-1.01 drafts, each with identifiers added."""
    folder = tmp_path / "drafts"
    folder.mkdir()
    yield tuple(with_identifiers(path, folder) for path in DRAFTS)
