"""Store backends behind one interface (see ``base.Store``); ``open_store`` picks one."""

from __future__ import annotations

from kg.stores.base import AskResult, GraphResult, QueryResult, SelectResult, Store
from kg.stores.oxigraph import OxigraphStore

__all__ = [
    "AskResult",
    "GraphResult",
    "OxigraphStore",
    "QueryResult",
    "SelectResult",
    "Store",
]
