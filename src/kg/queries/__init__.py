"""Named SPARQL queries (``*.rq``): every answer the CLI and API give comes from one of these."""

from __future__ import annotations

from importlib import resources


def load_query(name: str) -> str:
    """The text of ``queries/{name}.rq``."""
    return resources.files(__name__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


def query_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".rq")
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(".rq")
    )
