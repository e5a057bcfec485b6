"""kg.curators: a token per curator, only its salted hash at rest, revocation at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import curators
from kg.errors import ConfigurationError


def test_a_token_identifies_its_curator_and_is_not_kept(tmp_path: Path):
    roster = tmp_path / "curators.json"
    token = curators.add(roster, "ana")
    name, _, secret = token.partition(".")
    assert name == "ana" and len(secret) >= 40
    assert curators.identify(roster, token) == "ana"
    stored = roster.read_text()
    assert secret not in stored and token not in stored
    [row] = json.loads(stored)["curators"]
    assert set(row) == {"name", "salt", "digest", "created", "revoked", "role"}
    assert roster.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_wrong_tokens_identify_nobody(tmp_path: Path):
    roster = tmp_path / "curators.json"
    token = curators.add(roster, "ana")
    curators.add(roster, "ben")
    assert curators.identify(roster, token + "x") is None
    assert curators.identify(roster, "ben." + token.partition(".")[2]) is None
    assert curators.identify(roster, "nodot") is None
    assert curators.identify(roster, "zoe.secret") is None


def test_revoked_tokens_stop_at_once_and_the_name_stays(tmp_path: Path):
    roster = tmp_path / "curators.json"
    token = curators.add(roster, "ana")
    curators.revoke(roster, "ana")
    assert curators.identify(roster, token) is None
    assert curators.load(roster)["ana"].revoked is not None
    with pytest.raises(ConfigurationError, match="not an active curator"):
        curators.revoke(roster, "ana")
    again = curators.add(roster, "ana")  # a new token for the same person
    assert again != token and curators.identify(roster, again) == "ana"


@pytest.mark.parametrize("name", ["A", "x", "operator", "ana ben", "ana.b", "9lives"])
def test_names_that_cannot_be_curators(tmp_path: Path, name: str):
    with pytest.raises(ConfigurationError, match="cannot be a curator's name"):
        curators.add(tmp_path / "curators.json", name)


def test_an_active_name_is_not_issued_twice(tmp_path: Path):
    roster = tmp_path / "curators.json"
    curators.add(roster, "ana")
    with pytest.raises(ConfigurationError, match="revoke ana"):
        curators.add(roster, "ana")
