"""Settings of coop-kg, read once from the environment (``KG_*``) by whoever starts the program."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
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
        "(relative to root), 'oxigraph:PATH', 'oxigraph:memory', 'memory' (rdflib, the "
        "reference engine, for tests), or 'sparql:URL' for a SPARQL 1.1 server's query "
        "endpoint (see docs/virtuoso.md).",
    )
    sparql_update_url: str | None = Field(
        default=None,
        description="SPARQL 1.1 Update endpoint of a sparql: store, needed to load it (`kg "
        "build`); Virtuoso: http://host:8890/sparql-auth. Unset: the store is read-only.",
    )
    sparql_gsp_url: str | None = Field(
        default=None,
        description="Graph Store Protocol endpoint of a sparql: store, used to upload graphs "
        "about ten times faster than through SPARQL Update; Virtuoso: "
        "http://host:8890/sparql-graph-crud-auth. Unset: loads go through SPARQL Update.",
    )
    sparql_user: str | None = Field(
        default=None, description="User for a sparql: store (HTTP Basic or Digest, as asked)."
    )
    sparql_password: str | None = Field(
        default=None, description="Password of KG_SPARQL_USER.", repr=False
    )
    sparql_timeout: float = Field(
        default=60.0, gt=0, description="Seconds to wait for one request to a sparql: store."
    )
    query_timeout: float = Field(
        default=10.0,
        gt=0,
        description="Deadline of one /sparql query (waiting for a worker included): the "
        "query is stopped (its worker process killed and replaced) and the client gets 503. "
        "REST routes and pages answer within it too (src/kg/api/deadline.py): 503 at the deadline, "
        "and the abandoned answer stops at its next query.",
    )
    query_workers: int = Field(
        default=1,
        ge=1,
        description="Worker processes evaluating /sparql queries at once. Under kg serve each "
        "opens the store's directory read-only (no copy in RAM); for a store without a "
        "directory each loads its own copy. For a sparql: store, requests in flight to the "
        "server (at least 4).",
    )
    query_worker_memory_mb: int | None = Field(
        default=None,
        ge=0,
        description="Address space (MiB) one query worker process may use (RLIMIT_AS): a query "
        "that grows past it ends with 503 and a fresh worker, instead of taking the machine's "
        "memory. Unset: half the machine's RAM shared by the KG_QUERY_WORKERS; 0: no limit.",
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
    max_result_bytes: int = Field(
        default=10_000_000,
        ge=1_000,
        description="Largest /sparql response body (bytes); a longer result is cut to the "
        "rows that fit and flagged with X-Result-Truncated.",
    )
    client_query_seconds: float = Field(
        default=60.0,
        ge=0,
        description="Query seconds per minute each client may use at /sparql (0: no limit); "
        "past it the client gets 429 with Retry-After.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For "
        "names the client for rate limiting, e.g. '[\"127.0.0.1\"]'. Empty: the peer address.",
    )

    cors_origins: list[str] = Field(
        default_factory=list,
        description="Web origins whose pages may call this service from a browser (CORS), e.g. "
        "'[\"https://notebook.example.org\"]', or '[\"*\"]' for any. Empty (the default): no "
        "CORS headers, browsers keep other origins out. Reads only: writes are never offered.",
    )

    read_access: Literal["public", "token"] = Field(
        default="public",
        description="Who may read: 'public' (the default) anyone; 'token' only requests with a "
        "reader's, a curator's or the write token (`Authorization: Bearer TOKEN`, or HTTP "
        "Basic with the token as password, which browsers ask for), for a private "
        "deployment. /health stays open. Readers: `kg curator add NAME --role reader`.",
    )

    write_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that curators send to write (Graph Store Protocol PUT/POST/"
        "DELETE on /graphs, POST /sparql/update). Unset: writes are disabled. Use at least 32 "
        "random characters, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`.",
        repr=False,
    )
    max_upload_bytes: int = Field(
        default=50_000_000,
        ge=1,
        description="Largest Graph Store Protocol body or SPARQL Update (bytes) a write accepts; "
        "larger ones get 413 before anything is parsed.",
    )
    max_import_bytes: int = Field(
        default=512 * 2**20,
        ge=1,
        description="Largest data file (bytes) `kg import iati` and `kg import rdf` read; a "
        "larger one is refused before it is parsed.",
    )
    max_document_bytes: int = Field(
        default=20 * 2**20,
        ge=1,
        description="Largest source document (bytes) `kg source add` and `kg source reextract` "
        "take (HTML, PDF, text); a larger one is refused before it is read.",
    )
    imports_dir: Path | None = Field(
        default=None,
        description="Where imported data files are kept, named by their sha256 (relative to "
        "root). Default: beside an on-disk store (<store folder>/imports, so .kg/imports), "
        "else .kg/imports.",
    )
    curators_file: Path | None = Field(
        default=None,
        description="The named curators' file (`kg curator add|revoke|list`: names and salted "
        "hashes of their tokens) and, beside it, the history of writes (relative to root). "
        "Default: beside an on-disk store (<store folder>.curators.json), else "
        ".kg/curators.json.",
    )
    backup_dir: Path | None = Field(
        default=None,
        description="Where the state before each write is kept (relative to root). Default: "
        "beside an on-disk store (<store>.backups), else .kg/backups.",
    )
    backup_keep: int = Field(
        default=10,
        ge=0,
        description="How many pre-write backups to keep; older ones are deleted. 0 keeps none.",
    )

    response_cache_entries: int = Field(
        default=2048,
        ge=0,
        description="Rendered answers of the read routes (/api, /id, /ontology, /shapes, VoID, "
        "home) kept in memory until the next write, least recently used out first; 0 turns "
        "the cache off. Only for a store the server opened itself (kg serve).",
    )

    @field_validator("write_token")
    @classmethod
    def _long_enough(cls, token: SecretStr | None) -> SecretStr | None:
        # A short token can be guessed over the network; an empty one means "unset".
        if token is None or not token.get_secret_value():
            return None
        if len(token.get_secret_value()) < 16:
            raise ValueError(
                "KG_WRITE_TOKEN must be at least 16 characters (32 random ones advised)"
            )
        return token

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
        """The on-disk store directory, or None for an in-memory store or a SPARQL server."""
        if self.store == "memory" or self.store.startswith("sparql:"):
            return None
        spec = self.store.removeprefix("oxigraph:")
        if spec == "memory":
            return None
        path = Path(spec)
        return path if path.is_absolute() else self.root / path

    def imports_path(self) -> Path:
        """Where imported data files are kept (``imports_dir``, or beside an on-disk store)."""
        if self.imports_dir is not None:
            return (
                self.imports_dir if self.imports_dir.is_absolute() else self.root / self.imports_dir
            )
        store = self.store_path()
        if store is not None:
            return store.parent / "imports"
        return self.root / ".kg" / "imports"

    def curators_path(self) -> Path:
        """The named curators' file (``curators_file``, or beside an on-disk store)."""
        if self.curators_file is not None:
            file = self.curators_file
            return file if file.is_absolute() else self.root / file
        store = self.store_path()
        if store is not None:
            return store.with_name(store.name + ".curators.json")
        return self.root / ".kg" / "curators.json"

    def history_path(self) -> Path:
        """The history of writes: JSON lines beside the curators' file (NAME.history.jsonl)."""
        curators = self.curators_path()
        return curators.with_name(curators.stem + ".history.jsonl")

    def backups_path(self) -> Path:
        """Where pre-write backups go (``backup_dir``, or beside an on-disk store)."""
        if self.backup_dir is not None:
            return self.backup_dir if self.backup_dir.is_absolute() else self.root / self.backup_dir
        store = self.store_path()
        if store is not None:
            return store.with_name(store.name + ".backups")
        return self.root / ".kg" / "backups"
