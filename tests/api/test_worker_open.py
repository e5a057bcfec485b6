"""A query worker opening the store directory while a write swaps it in (two renames) waits
for the swap instead of failing: the load test with two curators writing got a 503 every few
dozen writes before (``kg.api.query_runner._open_across_swaps``)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from kg.api.query_runner import _open_across_swaps
from kg.stores.oxigraph import OxigraphStore


def test_a_store_that_appears_during_the_pauses_is_opened(tmp_path: Path) -> None:
    staged, path = tmp_path / "staged", tmp_path / "store"
    OxigraphStore(staged).close()  # the new state, renamed in a moment later
    mover = threading.Timer(0.05, staged.rename, args=(path,))
    mover.start()
    try:
        opened = _open_across_swaps(path)
    finally:
        mover.join()
    assert opened.directory() == path
    opened.close()


def test_a_store_that_never_appears_still_fails(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(Exception, match=r"no store|No such file|not exist|IO error"):
        _open_across_swaps(tmp_path / "never")
    assert time.monotonic() - started < 10
