"""``kg.api.sparql_protocol``: one reading of SPARQL Protocol requests for ``/sparql`` and
``/sparql/update``, so a malformed request is refused alike by both, before any evaluation.
(The W3C cases of the query side are tests/api/test_protocol_w3c.py.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from kg.api.main import create_app
from kg.api.problems import PROBLEM_MEDIA_TYPE, Problem
from kg.api.sparql_protocol import (
    FORM_MEDIA_TYPE,
    QUERY_MEDIA_TYPE,
    UPDATE_MEDIA_TYPE,
    UPDATE_URL_PARAMETERS,
    ProtocolRequest,
    content_type,
    read_post,
    update_text,
)
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

TOKEN = "protocol-token-" + "x" * 24
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def request(query_string: bytes = b"", content: str | None = None) -> Request:
    headers = [] if content is None else [(b"content-type", content.encode())]
    return Request({"type": "http", "query_string": query_string, "headers": headers})


def test_content_type_reads_media_type_and_charset() -> None:
    assert content_type('Application/SPARQL-Query; Charset="UTF-8"') == (QUERY_MEDIA_TYPE, "utf-8")
    assert content_type("") == ("", None)


def test_a_form_and_the_url_add_up() -> None:
    params = read_post(
        request(b"named-graph-uri=urn%3Ax%3An&format=csv", FORM_MEDIA_TYPE),
        b"query=ASK%20%7B%7D&default-graph-uri=urn%3Ax%3Ad&other=1",
        "query",
    )
    assert params.queries == ["ASK {}"]
    assert (params.default_graphs, params.named_graphs) == (["urn:x:d"], ["urn:x:n"])
    assert params.formats == ["csv"]
    assert params.names == ["named-graph-uri", "format", "query", "default-graph-uri", "other"]


def test_an_update_reads_only_its_dataset_parameters_from_the_url() -> None:
    params = read_post(
        request(b"using-graph-uri=urn%3Ax%3Ag&foo=1", UPDATE_MEDIA_TYPE),
        b"CLEAR ALL",
        "update",
        url_parameters=UPDATE_URL_PARAMETERS,
    )
    assert params.updates == ["CLEAR ALL"] and params.names == ["using-graph-uri"]
    with pytest.raises(Problem, match="using-graph-uri") as refused:
        update_text(params)
    assert refused.value.status == 400


@pytest.mark.parametrize(
    ("params", "status"),
    [
        (ProtocolRequest(updates=["CLEAR ALL"]), None),
        (ProtocolRequest(updates=["CLEAR ALL", "CLEAR ALL"], names=["update", "update"]), 400),
        (ProtocolRequest(names=["query"], queries=["ASK {}"]), 400),
        (ProtocolRequest(), 400),
    ],
)
def test_an_update_is_one_update_and_nothing_else(
    params: ProtocolRequest, status: int | None
) -> None:
    if status is None:
        assert update_text(params) == "CLEAR ALL"
    else:
        with pytest.raises(Problem) as refused:
            update_text(params)
        assert refused.value.status == status


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    backups: Path = tmp_path_factory.mktemp("backups")
    settings = Settings(store="oxigraph:memory", write_token=TOKEN, backup_dir=backups)
    with TestClient(create_app(settings, store=OxigraphStore())) as opened:
        yield opened


#: Malformed requests, each sent to both endpoints: the Content-Type (``{direct}``: the
#: operation's own media type), the body from the operation's name and a text, the status.
MALFORMED: dict[str, tuple[str | None, Callable[[str, str], bytes], int]] = {
    "not a protocol media type": ("text/plain", lambda op, text: text.encode(), 415),
    "no media type": (None, lambda op, text: text.encode(), 415),
    "a charset other than UTF-8": (
        "{direct}; charset=iso-8859-1",
        lambda op, text: text.encode(),
        415,
    ),
    "a body that is not UTF-8": ("{direct}", lambda op, text: text.encode("utf-16"), 400),
    "a form escape that is not UTF-8": (
        FORM_MEDIA_TYPE,
        lambda op, text: f"{op}=%FF".encode(),
        400,
    ),
    "two texts in one form": (FORM_MEDIA_TYPE, lambda op, text: f"{op}=A&{op}=B".encode(), 400),
}
OPERATIONS = {
    "/sparql": ("query", QUERY_MEDIA_TYPE, "ASK {}"),
    "/sparql/update": ("update", UPDATE_MEDIA_TYPE, "CLEAR ALL"),
}


@pytest.mark.parametrize("path", OPERATIONS)
@pytest.mark.parametrize("case", MALFORMED)
def test_both_endpoints_refuse_a_malformed_request_alike(
    client: TestClient, path: str, case: str
) -> None:
    media, body, status = MALFORMED[case]
    operation, direct, text = OPERATIONS[path]
    headers = dict(AUTH)
    if media is not None:
        headers["Content-Type"] = media.format(direct=direct)
    response = client.post(path, content=body(operation, text), headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)


def test_an_update_refuses_dataset_parameters_in_its_url(client: TestClient) -> None:
    response = client.post(
        "/sparql/update",
        params={"using-named-graph-uri": "urn:x:g"},
        content=b"CLEAR ALL",
        headers={**AUTH, "Content-Type": UPDATE_MEDIA_TYPE},
    )
    assert response.status_code == 400
    assert "using-named-graph-uri" in response.json()["detail"]
