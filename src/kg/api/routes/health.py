"""``GET /health``: is the store answering, how much does it hold, which build is it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

import kg
from kg.api.deps import SettingsDep, StoreDep
from kg.api.problems import Problem, problem_responses
from kg.api.schemas import GraphCount
from kg.settings import Settings
from kg.stores.base import Store

router = APIRouter(tags=["Service"])


class Health(BaseModel):
    """The answer of ``/health`` when the store answers."""

    status: str = Field(examples=["ok"], description="Always `ok` in a 200 response.")
    store_reachable: bool = Field(examples=[True])
    triples: int = Field(examples=[6049], description="Quads in the store, all graphs.")
    graphs: list[GraphCount] = Field(description="Each named graph and its triples.")
    data_version: str | None = Field(
        examples=["f20f822bf2191ff3d7a86a82cf7b5a724547f514f5c91629ee56646544a892a8"],
        description="The fingerprint of the build that wrote the store (its inputs and "
        "build code), or null when the store has no build record (e.g. in memory).",
    )
    kg_version: str = Field(examples=[kg.__version__])


@router.get(
    "/health",
    summary="Service health",
    description="Whether the store answers, how many triples it holds (in total and per "
    "named graph), the fingerprint of the build that wrote it, and the coop-kg version. "
    "503 problem when the store cannot answer.",
    response_model=Health,
    responses=problem_responses(503),
)
def health(store: StoreDep, settings: SettingsDep) -> Health:
    try:
        graphs = [GraphCount(name=g, triples=store.count(g)) for g in store.graphs()]
        total = store.count()
    except Exception as exc:  # any failure to answer is the news here, whatever its type
        raise Problem(
            503,
            f"The store did not answer: {exc}. Restart the service; if it persists, rebuild "
            "the store with `kg build`.",
            type_="store-unavailable",
            title="The store is unavailable",
        ) from exc
    return Health(
        status="ok",
        store_reachable=True,
        triples=total,
        graphs=graphs,
        data_version=data_version(store, settings),
        kg_version=kg.__version__,
    )


def data_version(store: Store, settings: Settings) -> str | None:
    """The fingerprint in ``<store>.build.json``, the record ``kg build`` writes."""
    # Imported here: kg.build pulls in pySHACL (a third of a second), which only builds need.
    from kg.build import manifest_path

    # A store object knows where it lives; the settings are the fallback for other backends.
    path: Path | None = store.path if hasattr(store, "path") else settings.store_path()
    if path is None:
        return None
    try:
        record: Any = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fingerprint = record.get("fingerprint") if isinstance(record, dict) else None
    return fingerprint if isinstance(fingerprint, str) else None
