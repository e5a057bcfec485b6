"""Callers use a store through ``kg.stores.base.Store`` only (issue 13): no code outside
``kg.stores`` asks which class a store is, and every backend offers the whole protocol."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from kg.stores.base import Store
from kg.stores.memory import MemoryStore
from kg.stores.oxigraph import OxigraphStore
from kg.stores.sparql import SparqlStore

SRC = Path(__file__).resolve().parents[1] / "src"
STORES = SRC / "kg" / "stores"


def _store_classes() -> set[str]:
    """The classes defined in kg/stores whose name says they are stores, and pyoxigraph's."""
    names = {"Store"}  # ox.Store / pyoxigraph.Store
    for module in STORES.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Store"):
                names.add(node.name)
    return names


def _named(node: ast.expr) -> set[str]:
    """Every class name in an isinstance() second argument: a name, an attribute, a tuple or
    an ``A | B`` union of them."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.Tuple):
        return set().union(*(_named(e) for e in node.elts))
    if isinstance(node, ast.BinOp):
        return _named(node.left) | _named(node.right)
    return set()


def isinstance_on_stores(root: Path) -> list[str]:
    """``file:line`` of each isinstance() on a store class under ``root``, outside kg/stores."""
    classes = _store_classes()
    found = []
    for module in sorted(root.rglob("*.py")):
        if STORES in module.parents:
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "isinstance"
                and len(node.args) == 2
                and _named(node.args[1]) & classes
            ):
                found.append(f"{module.relative_to(root)}:{node.lineno}")
    return found


def test_no_isinstance_on_a_store_class_outside_kg_stores() -> None:
    assert isinstance_on_stores(SRC) == []


def test_the_check_finds_one(tmp_path: Path) -> None:
    # The check itself, on a planted case of each spelling: so it cannot pass by finding nothing.
    (tmp_path / "leak.py").write_text(
        "import pyoxigraph as ox\n"
        "from kg.stores.oxigraph import OxigraphStore\n"
        "isinstance(s, OxigraphStore)\n"
        "isinstance(s, int | SparqlStore)\n"
        "isinstance(n, ox.Store)\n"
        "isinstance(n, (str, MemoryStore))\n"
        "isinstance(n, ox.NamedNode)\n",
        encoding="utf-8",
    )
    assert isinstance_on_stores(tmp_path) == ["leak.py:3", "leak.py:4", "leak.py:5", "leak.py:6"]


def _members(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


PROTOCOL = {
    name
    for name in [*Store.__dict__, *Store.__annotations__]
    if not name.startswith("_") and name not in {"register"}
}


@pytest.mark.parametrize("backend", [OxigraphStore, MemoryStore, SparqlStore])
def test_every_backend_offers_the_whole_protocol(backend: type) -> None:
    missing = PROTOCOL - _members(backend)
    assert not missing, f"{backend.__name__} lacks {sorted(missing)}"
    for name in PROTOCOL & set(Store.__dict__):
        wanted = inspect.signature(getattr(Store, name)).parameters
        offered = inspect.signature(getattr(backend, name)).parameters
        assert set(wanted) <= set(offered), (backend.__name__, name)


def test_capabilities_of_each_kind_of_store(tmp_path: Path) -> None:
    on_disk = OxigraphStore(tmp_path / "store")
    try:
        assert on_disk.in_process and on_disk.pyoxigraph() is on_disk
        assert on_disk.directory() == tmp_path / "store"
        assert on_disk.checkpoint(tmp_path / "copy") and (tmp_path / "copy").is_dir()
    finally:
        on_disk.close()
    copy = OxigraphStore.in_memory_copy(tmp_path / "store")
    assert copy.directory() == tmp_path / "store"  # what query workers open
    assert not copy.checkpoint(tmp_path / "no") and not (tmp_path / "no").exists()
    memory = MemoryStore()
    assert memory.in_process and memory.pyoxigraph() is None and memory.directory() is None
    assert not memory.checkpoint(tmp_path / "none")
    server = SparqlStore("http://127.0.0.1:9/sparql")
    assert not server.in_process and server.pyoxigraph() is None
    server.close()
