"""Settings of coop-kg, read once from the environment (``KG_*``) by whoever starts the program."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_root() -> Path:
    """The checkout that holds ontology/, shapes/ and data/.

    An editable install runs from the checkout, so the package's grandparent is the right
    answer; otherwise the current directory is the best guess, and the build says so if wrong.
    """
    candidate = Path(__file__).resolve().parents[2]
    if (candidate / "ontology").is_dir() and (candidate / "data").is_dir():
        return candidate
    return Path.cwd()


class Settings(BaseSettings):
    """All knobs in one place; every field can be set as ``KG_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="KG_", extra="ignore")

    root: Path = Field(default_factory=_default_root, description="Checkout with the inputs.")
    store: str = Field(
        default=".kg/store",
        description="Store to build and serve: a directory for the embedded pyoxigraph store "
        "(relative to root), 'oxigraph:PATH', or 'oxigraph:memory'.",
    )
    query_timeout: float = Field(
        default=10.0,
        gt=0,
        description="Seconds the API waits for one SPARQL query before answering 503.",
    )
    serve_from_memory: bool = Field(
        default=True,
        description="Serve a copy of the built store held in memory: queries run 3-6x faster "
        "than on the on-disk store (benchmarks/api_latency.py). Set false for a store too big "
        "for RAM.",
    )
    max_rows: int = Field(
        default=10_000,
        ge=1,
        description="Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one SPARQL response "
        "carries; longer results are truncated and flagged with X-Result-Truncated.",
    )
    max_query_bytes: int = Field(
        default=100_000,
        ge=1,
        description="Largest SPARQL query text (UTF-8 bytes) and request body the endpoint "
        "accepts; larger ones get 413 before anything is parsed.",
    )

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def store_path(self) -> Path | None:
        """The on-disk store directory, or None for an in-memory store."""
        spec = self.store.removeprefix("oxigraph:")
        if spec == "memory":
            return None
        path = Path(spec)
        return path if path.is_absolute() else self.root / path
