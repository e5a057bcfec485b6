"""Named curators: each writes with a token of their own, kept only as a salted hash.

Why names: one shared token (``KG_WRITE_TOKEN``) cannot say who changed what, nor be taken from
one person without taking it from all. ``kg curator add NAME`` prints a token once; the file
keeps its scrypt hash (RFC 7914; ``hashlib``, no new dependency), so a copy of the file does
not let anyone write. A token reads ``NAME.SECRET``: the name picks the one hash to check, so a
write costs one scrypt (~50 ms), not one per curator. ``kg curator revoke NAME`` ends a token at
once for every server that reads the file (it is read again at each write). The shared
``KG_WRITE_TOKEN`` still works and writes as the curator ``operator``.

A private deployment (``KG_READ_ACCESS=token``) also has readers: ``kg curator add NAME --role
reader`` gives a token that reads and never writes (``kg.api.read_access`` checks it).

The file (``curators.json`` beside the backups, ``Settings.curators_path``) is written to a
temporary file and renamed, so a crash leaves the old list or the new one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from kg.errors import ConfigurationError

#: A curator's name: what the history shows, and the part of a token before its dot.
NAME: Final = re.compile(r"[a-z][a-z0-9-]{1,39}")
#: The name the shared KG_WRITE_TOKEN writes as; no curator may take it.
OPERATOR: Final = "operator"
#: The roles a token can have.
CURATOR: Final = "curator"
READER: Final = "reader"
ROLES: Final = (CURATOR, READER)
#: scrypt's cost: 16 MiB and ~50 ms per check here, well past what guessing a 256-bit secret
#: needs, cheap beside a write.
_SCRYPT: Final = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


@dataclass(frozen=True, slots=True)
class Curator:
    """One curator as the file keeps them: never the token itself."""

    name: str
    salt: str
    digest: str
    created: str
    revoked: str | None = None
    #: ``CURATOR`` writes (and reads); ``READER`` only reads, where reading needs a token
    #: (``KG_READ_ACCESS=token``). Files written before roles existed hold curators.
    role: str = "curator"

    @property
    def active(self) -> bool:
        return self.revoked is None


def _digest(secret: str, salt: bytes) -> str:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, **_SCRYPT).hex()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def load(path: Path) -> dict[str, Curator]:
    """The curators in ``path`` (none when it does not exist)."""
    if not path.exists():
        return {}
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["curators"]
        return {row["name"]: Curator(**row) for row in rows}
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{path} is not a curators file: {exc}") from exc


def _save(path: Path, curators: dict[str, Curator]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    rows = [asdict(c) for c in sorted(curators.values(), key=lambda c: c.name)]
    temporary.write_text(json.dumps({"curators": rows}, indent=2) + "\n", encoding="utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)


def add(path: Path, name: str, role: str = CURATOR) -> str:
    """Register ``name`` with ``role`` and return its token, which is shown once and kept
    nowhere."""
    if role not in ROLES:
        raise ConfigurationError(f"{role!r} is not a role: use one of {', '.join(ROLES)}")
    if not NAME.fullmatch(name) or name == OPERATOR:
        raise ConfigurationError(
            f"{name!r} cannot be a curator's name: use 2-40 lower-case letters, digits and "
            f"hyphens, starting with a letter (and not {OPERATOR!r}, the shared token's name)"
        )
    curators = load(path)
    if name in curators and curators[name].active:
        raise ConfigurationError(
            f"{name} is a curator already; `kg curator revoke {name}` first to issue a new token"
        )
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    curators[name] = Curator(name, salt.hex(), _digest(secret, salt), _now(), role=role)
    _save(path, curators)
    return f"{name}.{secret}"


def revoke(path: Path, name: str) -> Curator:
    """End ``name``'s token; the entry stays, so the history still says who they were."""
    curators = load(path)
    curator = curators.get(name)
    if curator is None or not curator.active:
        known = ", ".join(sorted(c.name for c in curators.values() if c.active)) or "none"
        raise ConfigurationError(f"{name} is not an active curator (active: {known})")
    curators[name] = replace(curator, revoked=_now())
    _save(path, curators)
    return curators[name]


def identify(path: Path, token: str) -> str | None:
    """The name of the active curator (a writer, not a reader) whose token this is, or None."""
    holder = holder_of(path, token)
    return holder.name if holder is not None and holder.role == CURATOR else None


def holder_of(path: Path, token: str) -> Curator | None:
    """The active curator or reader whose token this is, or None."""
    name, dot, secret = token.partition(".")
    if not dot:
        return None
    curator = load(path).get(name)
    if curator is None or not curator.active:
        return None
    given = _digest(secret, bytes.fromhex(curator.salt))
    return curator if hmac.compare_digest(given, curator.digest) else None
