"""The size caps on untrusted input, checked in one place before anything is parsed.

Why one place: every way data comes in (an upload, ``kg import rdf``, ``kg import iati``, a
document a curator adds) must refuse an oversized input the same way, with a message that names
the setting an operator can raise: ``KG_MAX_UPLOAD_BYTES`` (HTTP bodies, checked while they
stream in: ``api/routes/graphs.py``), ``KG_MAX_IMPORT_BYTES`` (data files) and
``KG_MAX_DOCUMENT_BYTES`` (source documents, which are also extracted in a child process with
its own limits: ``kg.extract``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from kg.errors import InputTooLargeError

#: What each cap is called in a refusal, by its setting.
KINDS: Final = {
    "KG_MAX_IMPORT_BYTES": "import",
    "KG_MAX_DOCUMENT_BYTES": "document",
}


def check_size(path: Path, limit: int, setting: str, advice: str = "split the file") -> int:
    """The file's size in bytes; ``InputTooLargeError`` naming ``setting`` when it is above
    ``limit``."""
    return check_length(path.stat().st_size, limit, setting, what=str(path), advice=advice)


def check_length(
    size: int, limit: int, setting: str, *, what: str, advice: str = "split the file"
) -> int:
    """``size`` (bytes of ``what``) if within ``limit``, else ``InputTooLargeError``."""
    if size > limit:
        raise InputTooLargeError(
            f"{what} has {size:,} bytes, more than the {KINDS[setting]} limit of {limit:,} "
            f"bytes ({setting}); nothing was read. {advice[0].upper() + advice[1:]}, or raise "
            f"{setting} if the input is trusted."
        )
    return size
