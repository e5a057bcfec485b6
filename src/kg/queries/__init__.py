"""Named SPARQL queries (``*.rq``): every answer the CLI and API give comes from one of these."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources

from kg.errors import QueryError
from kg.stores.base import SelectResult, Store, Term


@cache
def load_query(name: str) -> str:
    """The text of ``queries/{name}.rq`` (read once per process: the files ship with the code)."""
    return resources.files(__name__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


def query_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".rq")
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(".rq")
    )


def select(
    store: Store, name: str, bindings: Mapping[str, Term | None] | None = None
) -> SelectResult:
    """Run the SELECT ``queries/{name}.rq`` with parameters; a ``None`` parameter stays unbound,
    which the named queries read as "no such filter"."""
    given = {k: v for k, v in (bindings or {}).items() if v is not None}
    result = store.query(load_query(name), bindings=given or None)
    if not isinstance(result, SelectResult):
        raise QueryError(f"queries/{name}.rq is not a SELECT query")
    return result
