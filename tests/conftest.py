"""Shared fixtures: one validated build of the shipped data per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import Assembled, BuildResult, assemble, build
from kg.settings import Settings
from kg.sources import Inputs, discover
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(root=ROOT, store=str(tmp_path_factory.mktemp("kg") / "store"))


@pytest.fixture(scope="session")
def inputs() -> Inputs:
    return discover(ROOT)


@pytest.fixture(scope="session")
def assembled(inputs: Inputs) -> Assembled:
    return assemble(inputs)


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    return build(settings)


@pytest.fixture(scope="session")
def store(built: BuildResult) -> Iterator[OxigraphStore]:
    assert built.store is not None
    opened = OxigraphStore(built.store, read_only=True)
    yield opened
    opened.close()
