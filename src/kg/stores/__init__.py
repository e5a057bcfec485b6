"""Store backends behind one interface (see ``base.Store``); ``open_store`` picks one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import StoreError
from kg.stores.base import AskResult, GraphResult, QueryResult, SelectResult, Store
from kg.stores.oxigraph import OxigraphStore

if TYPE_CHECKING:
    from kg.settings import Settings

__all__ = [
    "AskResult",
    "GraphResult",
    "OxigraphStore",
    "QueryResult",
    "SelectResult",
    "Store",
    "open_configured",
    "open_store",
]


def open_store(
    spec: str,
    *,
    root: Path,
    read_only: bool = False,
    update_endpoint: str | None = None,
    gsp_endpoint: str | None = None,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
) -> Store:
    """The store ``spec`` names (``KG_STORE``):

    * ``oxigraph:PATH`` or a plain ``PATH`` (relative to ``root``): pyoxigraph on disk;
    * ``oxigraph:memory``: pyoxigraph in memory, empty;
    * ``memory``: rdflib in memory, empty (the reference engine, for tests);
    * ``sparql:URL``: a SPARQL 1.1 server's query endpoint; ``update_endpoint`` and
      ``gsp_endpoint`` (unless ``read_only``), ``auth`` and ``timeout`` apply to it only.

    ``read_only`` opens an on-disk store without its write lock, and refuses one that does not
    exist yet (run ``kg build``).
    """
    if spec == "memory":
        from kg.stores.memory import MemoryStore  # rdflib's SPARQL engine: imported on use

        return MemoryStore()
    if spec.startswith("sparql:"):
        from kg.stores.sparql import SparqlStore

        return SparqlStore(
            spec.removeprefix("sparql:"),
            None if read_only else update_endpoint,
            gsp_endpoint=None if read_only else gsp_endpoint,
            auth=auth,
            timeout=timeout,
        )
    location = spec.removeprefix("oxigraph:")
    if location == "memory":
        return OxigraphStore()
    path = Path(location) if Path(location).is_absolute() else root / location
    if read_only and not path.is_dir():
        raise StoreError(f"there is no store at {path}; run `kg build` first (or `kg serve`).")
    return OxigraphStore(path, read_only=read_only)


def open_configured(settings: Settings, *, read_only: bool = False) -> Store:
    """``open_store`` for the store the settings name, with their SPARQL options."""
    user, password = settings.sparql_user, settings.sparql_password
    return open_store(
        settings.store,
        root=settings.root,
        read_only=read_only,
        update_endpoint=settings.sparql_update_url,
        gsp_endpoint=settings.sparql_gsp_url,
        auth=(user, password or "") if user else None,
        timeout=settings.sparql_timeout,
    )
