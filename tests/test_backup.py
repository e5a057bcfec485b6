"""``kg backup`` / ``kg restore`` and the swap recovery: a backup restored gives the same quads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.backup import Backups, backup, recover_swap, restore
from kg.build import BuildResult
from kg.cli import app
from kg.errors import ConfigurationError, StoreError
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ox.NamedNode("https://w3id.org/coop-kg/graph/extra")


def canonical(path: Path) -> set[str]:
    store = OxigraphStore(path, read_only=True)
    try:
        dataset = ox.Dataset(ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS))
    finally:
        store.close()
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


@pytest.fixture
def on_disk(built: BuildResult, tmp_path: Path) -> Settings:
    """A private on-disk copy of the session build."""
    assert built.store is not None
    source = OxigraphStore(built.store, read_only=True)
    source.native.backup(str(tmp_path / "store"))
    source.close()
    return Settings(root=ROOT, store=str(tmp_path / "store"))


def _change(settings: Settings) -> None:
    path = settings.store_path()
    assert path is not None
    store = OxigraphStore(path)
    store.native.add(ox.Quad(GRAPH, GRAPH, ox.BlankNode(), GRAPH))
    store.close()


@pytest.mark.parametrize("name", ["snapshot", "snapshot.nq"])
def test_backup_then_restore_gives_the_same_quads(on_disk: Settings, tmp_path: Path, name: str):
    path = on_disk.store_path()
    assert path is not None
    original = canonical(path)
    result = backup(on_disk, tmp_path / name)
    assert result.quads == len(original)
    _change(on_disk)
    assert canonical(path) != original
    restore(on_disk, tmp_path / name)
    assert canonical(path) == original
    # The replaced state was kept, so the restore itself can be undone.
    kept = Backups(on_disk.backups_path(), 1).list()
    assert len(kept) == 1
    restore(on_disk, kept[0])
    assert canonical(path) != original


def test_the_cli_backs_up_and_restores(on_disk: Settings, tmp_path: Path):
    runner = CliRunner()
    store = on_disk.store
    path = on_disk.store_path()
    assert path is not None
    original = canonical(path)
    done = runner.invoke(app, ["backup", str(tmp_path / "b.nq"), "--store", store])
    assert done.exit_code == 0, done.output
    _change(on_disk)
    done = runner.invoke(app, ["restore", str(tmp_path / "b.nq"), "--store", store])
    assert done.exit_code == 0, done.output
    assert canonical(path) == original
    again = runner.invoke(app, ["backup", str(tmp_path / "b.nq"), "--store", store])
    assert again.exit_code == 2 and "exists already" in again.output


def test_restore_refuses_while_a_writer_holds_the_store(on_disk: Settings, tmp_path: Path):
    backup(on_disk, tmp_path / "b")
    path = on_disk.store_path()
    assert path is not None
    writer = OxigraphStore(path)
    try:
        with pytest.raises(StoreError, match="another kg process"):
            restore(on_disk, tmp_path / "b")
    finally:
        writer.close()
    assert path.is_dir() and not list(path.parent.glob("store.restore-*"))


def test_a_directory_backup_needs_pyoxigraph_on_disk(tmp_path: Path):
    with pytest.raises(ConfigurationError, match=r"\.nq"):
        backup(Settings(root=ROOT, store="memory"), tmp_path / "b")


def test_a_swap_cut_between_its_renames_is_undone(on_disk: Settings):
    path = on_disk.store_path()
    assert path is not None
    original = canonical(path)
    path.rename(path.with_name("store.old"))
    assert recover_swap(path)
    assert canonical(path) == original
    assert not recover_swap(path)


def test_retention_keeps_the_newest(tmp_path: Path):
    kept = Backups(tmp_path / "backups", 3)
    store = OxigraphStore()
    for _ in range(5):
        kept.take(store, "put", before=store.native)
    assert len(kept.list()) == 3
    assert Backups(tmp_path / "none", 0).take(store, "put", before=store.native) is None
