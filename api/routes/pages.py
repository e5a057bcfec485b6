"""HTML for people: the template environment every page shares, the home page, the stylesheet.

Templates live in ``api/templates`` (Jinja2, autoescaped: labels and quotes come from curated
data, and the data is not trusted to be HTML). Links to our own IRIs point at this server:
``id:`` entities at ``/id/{slug}``, ``ck:`` terms at ``/ontology#ck:Term``, shapes at
``/shapes#cks:Shape``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rdflib import BNode, Literal, URIRef

import kg
from api.deps import StoreDep
from api.problems import Problem
from kg._namespaces import CK, ID
from kg.describe import DISPLAY_PREFIXES, curie
from kg.errors import QueryError
from kg.export import FORMATS
from kg.queries import load_query
from kg.stores.base import SelectResult
from kg.void import graph_slug

router = APIRouter(tags=["Pages"])

PACKAGE: Final = Path(__file__).resolve().parent.parent
TEMPLATES: Final = PACKAGE / "templates"
STATIC: Final = PACKAGE / "static"
HTML_EXAMPLE: Final = '<!doctype html>\n<html lang="en">…</html>'


def href(iri: object) -> str:
    """Where a page links for ``iri``: our resources on this server, others where they are."""
    text = str(iri)
    if text.startswith(str(ID)):
        return "/id/" + text[len(ID) :]
    if text.startswith(str(CK)):
        return "/ontology#" + curie(text)
    if text.startswith(DISPLAY_PREFIXES["cks"]):
        return "/shapes#" + curie(text)
    return text


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(href=href, curie=curie, graph_slug=graph_slug)
    env.tests.update(
        iri=lambda v: isinstance(v, URIRef),
        bnode=lambda v: isinstance(v, BNode),
        literal=lambda v: isinstance(v, Literal),
    )
    env.globals["version"] = kg.__version__
    return env


def render(
    template: str,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page from ``template`` with ``context``."""
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))


@router.get(
    "/",
    summary="Home page",
    description="An HTML page linking to the SPARQL endpoint, the API documentation, the "
    "ontology and shapes, the exports, the VoID description and the pages of the actors the "
    "data mentions most (`ld-main-actors.rq`).",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"example": HTML_EXAMPLE}}}},
)
def home(store: StoreDep) -> HTMLResponse:
    result = store.query(load_query("ld-main-actors"))
    if not isinstance(result, SelectResult):
        raise QueryError("ld-main-actors.rq must be a SELECT query")
    actors = [
        {"iri": row["actor"], "label": str(row["label"]), "mentions": int(row["mentions"])}
        for row in result.dicts()
    ]
    return render("home.html", actors=actors, graphs=store.graphs(), formats=FORMATS.values())


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> FileResponse:
    # Only the files shipped in api/static: the name never reaches the file system unchecked.
    files = {path.name: path for path in STATIC.iterdir() if path.is_file()}
    if name not in files:
        raise Problem(404, f"There is no static file {name!r}.")
    return FileResponse(files[name], headers={"Cache-Control": "public, max-age=3600"})
