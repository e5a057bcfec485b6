"""HTML for people: the template environment every page shares, the home page, search, the
lists of each collection, the document view, the API documentation and the static files.

Templates live in ``src/kg/api/templates`` (Jinja2, autoescaped: labels and quotes come from curated
data, and the data is not trusted to be HTML). Links to our own IRIs point at this server:
``id:`` entities at ``/id/{slug}``, ``ck:`` terms at ``/ontology#ck:Term``, shapes at
``/shapes#cks:Shape``. Every page reads the same library functions as the JSON API, and its
errors are the API's problems rendered as a page (``problem_page``).

Pages are left out of the OpenAPI document (but for the home page): they are for browsers,
and the JSON routes they mirror are documented.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import parse_qsl, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rdflib import BNode, Literal, URIRef
from starlette.types import ASGIApp, Receive, Scope, Send

import kg
from kg import activities, browse, deliveries, entities, fundings, priorities
from kg._namespaces import CK, ID, OA, PROV, SCHEMA
from kg.api import views
from kg.api.deps import KindMapDep, PageOffset, SettingsDep, StoreDep
from kg.api.problems import Problem
from kg.describe import DISPLAY_PREFIXES, curie
from kg.entities import COLLECTIONS, EntityRef, KindMap, LiteralValue, compact
from kg.errors import NotFoundError, QueryError
from kg.export import FORMATS
from kg.queries import load_query
from kg.settings import Settings
from kg.stores.base import SelectResult, Store
from kg.void import DATASET as VOID_DATASET
from kg.void import DCAT as DCAT_NS
from kg.void import DCTERMS as DCTERMS_NS
from kg.void import VOID as VOID_NS
from kg.void import VOID_PREFIXES, graph_slug

PACKAGE: Final = Path(__file__).resolve().parent.parent
TEMPLATES: Final = PACKAGE / "templates"
STATIC: Final = PACKAGE / "static"
HTML_EXAMPLE: Final = '<!doctype html>\n<html lang="en">…</html>'
PAGE_SIZE: Final = 100
#: How each collection is named on its page.
COLLECTION_TITLES: Final = {
    "actors": "Actors",
    "initiatives": "Initiatives",
    "regions": "Regions and places",
    "themes": "Themes",
    "events": "Events",
    "documents": "Source documents",
}
KIND_NAMES: Final = {
    "actor": ("actor", "actors", "/actors"),
    "initiative": ("initiative", "initiatives", "/initiatives"),
    "region": ("place", "places", "/regions"),
    "theme": ("theme", "themes", "/themes"),
    "event": ("event", "events", "/events"),
    "document": ("source document", "source documents", "/documents"),
    "funding": ("funding", "fundings", "/fundings"),
    "priority": ("priority", "priorities", "/query?example=priorities"),
    "evidence": ("quote", "quotes", "/documents"),
}


def mark_page(request: Request) -> None:
    """Errors of this request are shown as a page (``problem_page``), not as JSON."""
    request.state.page = True


router = APIRouter(tags=["Pages"], dependencies=[Depends(mark_page)])


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


def url_with(path: str, params: Mapping[str, object]) -> str:
    """``path`` with the non-empty ``params`` as its query string."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        href=href,
        curie=curie,
        graph_slug=graph_slug,
        number=views.number,
        date=views.date_text,
        period=views.period_text,
        literal_text=views.literal_text,
        property_name=views.property_name,
        url=url_with,
    )
    env.tests.update(
        iri=lambda v: isinstance(v, URIRef),
        bnode=lambda v: isinstance(v, BNode),
        literal=lambda v: isinstance(v, Literal),
        ref=lambda v: isinstance(v, EntityRef),
        literal_value=lambda v: isinstance(v, LiteralValue),
        structured=lambda v: isinstance(v, views.Structured),
    )
    env.globals["version"] = kg.__version__
    env.globals["kind_names"] = KIND_NAMES
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


def problem_pages(
    forms: Mapping[str, Callable[[Request, Problem], Response]],
) -> Callable[[Request, Problem], Response]:
    """How the app shows a problem to a page request (``kg.api.problems.handle``): pages with a
    form (by path) show it again with the problem, every other page says what went wrong."""

    def show(request: Request, problem: Problem) -> Response:
        form = forms.get(request.url.path)
        return form(request, problem) if form is not None else problem_page(request, problem)

    return show


def problem_page(request: Request, problem: Problem) -> Response:
    """A problem (``kg.api.problems``) as a page, for the requests of the HTML routes."""
    return render(
        "problem.html",
        status_code=problem.status,
        headers=problem.headers,
        problem=problem,
        candidates=problem.extensions.get("candidates", []),
    )


# -- home ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Example:
    question: str
    href: str
    how: str


#: Questions a visitor can open with one click (the shipped data answers each of them).
EXAMPLES: Final = (
    Example("Who funds what, and how much?", "/fundings", "fundings"),
    Example(
        "How much went to UN Women, and how exact are the figures?",
        "/fundings?recipient=un-women",
        "fundings, recipient filter",
    ),
    Example(
        "What did each recipient get, per currency?",
        "/fundings?by=recipient",
        "fundings, totals by recipient",
    ),
    Example(
        "Which fundings ran in 2017?",
        "/fundings?year=2017&by=funder",
        "fundings, year filter",
    ),
    Example(
        "Who funds gender equality, narrower themes included?",
        "/fundings?theme=gender-equality&by=theme",
        "fundings, theme filter",
    ),
    Example(
        "Which priority regions of Japan and UNODC include maritime security?",
        "/query?example=maritime-priorities",
        "SPARQL",
    ),
    Example(
        "Which JICA projects address trafficking in persons, where and when?",
        "/query?example=jica-trafficking",
        "SPARQL",
    ),
    Example(
        "What do Japan and UNODC prioritise in Southeast Asia, and what lies inside it?",
        "/id/southeast-asia",
        "region page",
    ),
    Example("What is JICA, and what does the graph say about it?", "/id/jica", "entity page"),
    Example(
        "Where does the Japan\u2013UNODC document say what it says?",
        "/documents/japan-unodc-2024-2026",
        "document view",
    ),
)


@router.get(
    "/",
    summary="Home page",
    description="An HTML page: what the graph holds (entities per kind, the source documents "
    "and imported data files with their dates), a search box, example questions that open "
    "their answers, the actors the data mentions most (`ld-main-actors.rq`), and links to the "
    "SPARQL editor, the API documentation, the ontology and shapes, the exports and VoID.",
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
    return render(
        "home.html",
        actors=actors,
        counts=browse.counts(store),
        sources=browse.sources(store),
        examples=EXAMPLES,
        graphs=store.graphs(),
        formats=FORMATS.values(),
    )


# -- search and lists ------------------------------------------------------------------------

Text = Annotated[str | None, Query(max_length=200)]


@router.get("/search", include_in_schema=False)
def search_page(
    store: StoreDep, kinds_of: KindMapDep, q: Text = None, offset: PageOffset = 0
) -> HTMLResponse:
    text = (q or "").strip()
    page = (
        entities.search(store, text, limit=PAGE_SIZE, offset=offset, kind_info=kinds_of)
        if text
        else None
    )
    return render(
        "search.html", search_text=text, page=page, pager=pager_links("/search", page, {"q": text})
    )


def pager_links(
    path: str, page: entities.Page[Any] | None, params: Mapping[str, object]
) -> dict[str, str]:
    """Links to the previous and next page of ``page``, keeping ``params``."""
    links: dict[str, str] = {}
    if page is None:
        return links
    if page.offset > 0:
        links["previous"] = url_with(
            path, {**params, "offset": max(0, page.offset - page.limit) or None}
        )
    if page.offset + page.limit < page.total:
        links["next"] = url_with(path, {**params, "offset": page.offset + page.limit})
    return links


def _list_page(collection: str) -> Callable[..., HTMLResponse]:
    def list_page(
        store: StoreDep,
        kinds_of: KindMapDep,
        q: Text = None,
        within: Text = None,
        offset: PageOffset = 0,
    ) -> HTMLResponse:
        text = (q or "").strip() or None
        place = None
        within_ref = None
        if within and collection == "regions":
            place = entities.resolve(
                store, within, kinds=("region",), parameter="within", kind_info=kinds_of
            )
            within_ref = entities.describe(store, place, kind_info=kinds_of)
        page = entities.list_collection(
            store,
            collection,
            q=text,
            within=place,
            limit=PAGE_SIZE,
            offset=offset,
            kind_info=kinds_of,
        )
        tree = None
        if collection == "regions" and text is None and place is None:
            tree = browse.place_tree(store)
        elif collection == "themes" and text is None:
            tree = browse.theme_tree(store)
        params = {"q": text, "within": within if collection == "regions" else None}
        return render(
            "list.html",
            collection=collection,
            kind=COLLECTIONS[collection],
            title=COLLECTION_TITLES[collection],
            page=page,
            q=text or "",
            within=within_ref,
            within_text=within or "",
            tree=tree,
            pager=pager_links(f"/{collection}", page, params),
            api=url_with(
                f"/api/{collection}", {**params, "limit": PAGE_SIZE, "offset": offset or None}
            ),
        )

    list_page.__name__ = f"list_{collection}"
    return list_page


for _collection in COLLECTIONS:
    router.add_api_route(
        f"/{_collection}", _list_page(_collection), methods=["GET"], include_in_schema=False
    )


# -- the document view -----------------------------------------------------------------------


@router.get("/documents/{slug}", include_in_schema=False)
def document_page(
    store: StoreDep,
    settings: SettingsDep,
    kinds_of: KindMapDep,
    slug: str,
    line: Annotated[int | None, Query(ge=1)] = None,
    offset: PageOffset = 0,
) -> HTMLResponse:
    iri = str(ID) + slug
    record = browse.data_file(store, iri)
    if record is not None:
        return data_file_page(store, imports_folder(settings), record, line=line, offset=offset)
    detail = entities.describe(store, iri, kind="document", kind_info=kinds_of)
    text = browse.texts(store, [iri]).get(iri)
    if text is None:
        raise NotFoundError(f"{iri} has no stored text to show")
    quoted = browse.passages(store, iri)
    passages = [
        views.Passage(p.start, p.end, p.quote, p.evidence, number, p.facts)
        for number, p in enumerate(quoted, start=1)
    ]
    marked = views.mark_passages(text, passages)
    return render(
        "document.html",
        detail=detail,
        marked=marked,
        length=len(text),
        origins=browse.origins(store, iri),
    )


ELEMENTS_PAGE: Final = 200


def data_file_page(
    store: Store, folder: Path, record: browse.DataFile, *, line: int | None, offset: int
) -> HTMLResponse:
    """An imported data file: its record, the elements facts cite, and with ``line`` the
    lines of the element starting there (the XML an imported fact was read from)."""
    cited = browse.file_elements(store, record.ref.id)
    elements = entities.Page.of(cited, limit=ELEMENTS_PAGE, offset=offset)
    at_line = []
    if line is not None:
        for element in browse.file_elements(store, record.ref.id, line=line):
            excerpt = (
                browse.xml_element(folder, record.stored_at, element.xpath, line)
                if record.stored_at
                else None
            )
            at_line.append(
                {**dataclasses.asdict(element), "facts": element.facts, "excerpt": excerpt}
            )
    return render(
        "datafile.html",
        file=record,
        line=line,
        at_line=at_line,
        elements=elements,
        pager=pager_links(f"/documents/{record.ref.slug}", elements, {}),
    )


# -- API documentation and static files ------------------------------------------------------


@router.get("/docs", include_in_schema=False)
def api_docs() -> HTMLResponse:
    """Swagger UI from the vendored copy (``src/kg/api/static/vendor/swagger-ui``): nothing loads from
    another host, so the documentation works offline."""
    return render("docs.html")


@cache
def static_files() -> dict[str, Path]:
    """Every file shipped under ``src/kg/api/static``, by its path relative to it."""
    return {
        path.relative_to(STATIC).as_posix(): path
        for path in sorted(STATIC.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


_STATIC_TYPES: Final = {".json": "application/json", ".svg": "image/svg+xml"}


@router.get("/static/{name:path}", include_in_schema=False)
def static(name: str) -> FileResponse:
    # Only the files shipped in src/kg/api/static: the name never reaches the file system unchecked.
    path = static_files().get(name)
    if path is None:
        raise Problem(404, f"There is no static file {name!r}.")
    # Vendored libraries change only with their pinned version: a day in a browser's cache.
    age = 86400 if name.startswith("vendor/") else 3600
    return FileResponse(
        path,
        media_type=_STATIC_TYPES.get(path.suffix),
        headers={"Cache-Control": f"public, max-age={age}"},
    )


# -- entity pages (served at /id/{slug} by api.routes.linked_data) ---------------------------


@dataclass(frozen=True, slots=True)
class FundingBlock:
    title: str
    page: entities.Page[fundings.Funding]
    href: str


@dataclass(frozen=True, slots=True)
class ActivityBlock:
    title: str
    page: entities.Page[activities.Activity]
    href: str


@dataclass(frozen=True, slots=True)
class EntityView:
    """An entity page: the entity model of the JSON answer (``kg.entities.describe``), arranged
    for reading, with what a person looks for next (its fundings, its priorities)."""

    detail: entities.EntityDetail
    outgoing: tuple[views.PropertyGroup, ...]
    incoming: tuple[views.PropertyGroup, ...]
    quotes: tuple[views.Quote, ...]
    graph: dict[str, list[dict[str, Any]]]
    elements: tuple[views.Element, ...] = ()
    evidence_of: tuple[EntityRef, ...] = ()
    fundings: tuple[FundingBlock, ...] = ()
    priorities: entities.Page[priorities.Priority] | None = None
    activities: ActivityBlock | None = None
    delivery: deliveries.PledgeDelivery | None = None
    text: str | None = None
    api: str | None = None
    #: Whether the page shows one group of relations from an offset (with a way back).
    paged: bool = False


_COLLECTION_OF: Final = {kind: collection for collection, kind in COLLECTIONS.items()}
#: Funding lists an entity page shows, by kind: (filter, title, the incoming property that
#: says there is one, or None when only the query can tell: a narrower theme's fundings).
_FUNDING_BLOCKS: Final[dict[str, tuple[tuple[str, str, str | None], ...]]] = {
    "actor": (
        ("funder", "Fundings it gives", str(SCHEMA.funder)),
        ("recipient", "Fundings it receives", str(CK.recipient)),
    ),
    "initiative": (("initiative", "Fundings of it", str(SCHEMA.fundedItem)),),
    "region": (("region", "Fundings serving this place", str(CK.servesWithin)),),
    "theme": (("theme", "Fundings on this theme", None),),
}
ENTITY_FUNDINGS: Final = 20
#: Activities an entity page lists, by kind: (filter of kg.activities, title).
_ACTIVITY_BLOCKS: Final = {
    "region": ("region", "Activities in this place"),
    "actor": ("org", "Activities it takes part in"),
    "theme": ("theme", "Activities on this theme"),
}


#: Elements of data files an entity page shows the lines of (the rest it lists).
ELEMENT_EXCERPTS: Final = 10


def imports_folder(settings: Settings) -> Path:
    """Where ``kg import`` keeps the data files it imported (their ``ck:storedAt`` is
    relative to it)."""
    return settings.imports_path()


def with_excerpts(
    store: Store, folder: Path | None, elements: Sequence[views.Element]
) -> tuple[views.Element, ...]:
    """``elements``, the first ``ELEMENT_EXCERPTS`` with their lines from the stored file."""
    if folder is None:
        return tuple(elements)
    files: dict[str, browse.DataFile | None] = {}
    shown = []
    for number, element in enumerate(elements):
        if number >= ELEMENT_EXCERPTS or element.line is None:
            shown.append(element)
            continue
        if element.file.id not in files:
            files[element.file.id] = browse.data_file(store, element.file.id)
        record = files[element.file.id]
        excerpt = (
            browse.xml_element(folder, record.stored_at, element.xpath, element.line)
            if record is not None and record.stored_at
            else None
        )
        shown.append(dataclasses.replace(element, excerpt=excerpt))
    return tuple(shown)


def entity_view(
    store: Store,
    kinds_of: KindMap,
    iri: str,
    *,
    imports: Path | None = None,
    group_page: entities.GroupPage | None = None,
    hubs: Collection[str] | None = None,
) -> EntityView:
    """Everything an entity page shows (raises ``NotFoundError`` for an unknown IRI); the
    lines of data-file elements behind imported facts come from ``imports``. ``group_page`` shows
    one group of relations from an offset instead of the first page of every group; ``hubs``
    as ``entities.describe`` takes them."""
    detail = entities.describe(store, iri, kind_info=kinds_of, page=group_page, hubs=hubs)
    is_evidence = any(t.id == str(CK.Evidence) for t in detail.types)
    texts = browse.texts(store, views.documents_quoted(detail))
    quotes = views.quotes_of(detail, texts)
    evidence_of: tuple[EntityRef, ...] = ()
    if is_evidence:
        quotes, evidence_of = _evidence_quote(store, detail)
    blocks = []
    pointing = {r.property.id for r in detail.incoming}
    for kind in detail.kinds:
        for parameter, title, hint in _FUNDING_BLOCKS.get(kind, ()):
            if hint is not None and hint not in pointing:
                continue  # no funding names it: no query
            filters = fundings.FundingFilters(
                funder=iri if parameter == "funder" else None,
                recipient=iri if parameter == "recipient" else None,
                initiative=iri if parameter == "initiative" else None,
                region=iri if parameter == "region" else None,
                theme=iri if parameter == "theme" else None,
            )
            page = fundings.fundings(store, filters, limit=ENTITY_FUNDINGS)
            if page.total:
                blocks.append(
                    FundingBlock(
                        title, page, url_with("/fundings", {parameter: detail.slug or iri})
                    )
                )
    found_priorities = None
    if "region" in detail.kinds or "theme" in detail.kinds:
        place = "region" in detail.kinds
        found_priorities = priorities.priorities(
            store, region=iri if place else None, theme=None if place else iri, limit=100
        )
        if not found_priorities.total:
            found_priorities = None
    activity_block = None
    for kind in detail.kinds:
        if kind in _ACTIVITY_BLOCKS:
            parameter, title = _ACTIVITY_BLOCKS[kind]
            found = activities.activities(
                store,
                activities.ActivityFilters(
                    org=iri if parameter == "org" else None,
                    region=iri if parameter == "region" else None,
                    theme=iri if parameter == "theme" else None,
                ),
                limit=ENTITY_FUNDINGS,
            )
            if found.total:
                link = url_with("/api/activities", {parameter: detail.slug or iri})
                activity_block = ActivityBlock(title, found, link)
            break
    delivery = None
    if str(CK.pledge) in pointing:  # a curator linked what delivers this pledge
        delivery = deliveries.pledge_delivery(store, iri)
    text = None
    if "document" in detail.kinds:
        text = browse.texts(store, [iri]).get(iri)
    collection = _COLLECTION_OF.get(detail.kind or "")
    return EntityView(
        detail=detail,
        outgoing=views.groups(detail.outgoing, _direction(detail, "outgoing"), _page_link(detail)),
        incoming=views.groups(
            (
                r
                for r in detail.incoming
                if not (is_evidence and r.property.id == str(PROV.wasDerivedFrom))
            ),
            _direction(detail, "incoming"),
            _page_link(detail),
        ),
        paged=group_page is not None,
        quotes=quotes,
        graph=views.neighbourhood(detail, href) if not is_evidence else {"nodes": [], "edges": []},
        elements=with_excerpts(store, imports, views.elements_of(detail)),
        evidence_of=evidence_of,
        fundings=tuple(blocks),
        priorities=found_priorities,
        activities=activity_block,
        delivery=delivery,
        text=text,
        api=f"/api/{collection}/{detail.slug}" if collection and detail.slug else None,
    )


def _direction(detail: entities.EntityDetail, direction: str) -> tuple[entities.RelationGroup, ...]:
    return tuple(g for g in detail.groups if g.direction == direction)


def _page_link(detail: entities.EntityDetail) -> views.PageLink:
    """Links to the other pages of a group: this page, with the group and offset."""
    path = href(detail.id)

    def link(group: entities.RelationGroup, offset: int) -> str:
        params = {
            "direction": group.direction,
            "property": compact(group.property.id),
            "offset": offset or None,
        }
        return url_with(path, params) + f"#{group.direction}"

    return link


def _evidence_quote(
    store: Store, detail: entities.EntityDetail
) -> tuple[tuple[views.Quote, ...], tuple[EntityRef, ...]]:
    """An evidence node's own quote (in its sentence) and the facts derived from it."""
    facts = tuple(
        r.value
        for r in detail.incoming
        if r.property.id == str(PROV.wasDerivedFrom) and isinstance(r.value, EntityRef)
    )
    sources = [
        r.value
        for r in detail.outgoing
        if r.property.id == str(OA.hasSource) and isinstance(r.value, EntityRef)
    ]
    quotes = []
    for source in sources:
        text = browse.texts(store, [source.id]).get(source.id)
        for passage in browse.passages(store, source.id):
            if passage.evidence == detail.id:
                before, after = (
                    views.sentence_around(text, passage.start, passage.end) if text else ("", "")
                )
                quotes.append(
                    views.Quote(
                        detail.id, source, passage.quote, passage.start, passage.end, before, after
                    )
                )
    return tuple(quotes), facts


def entity_page(
    store: Store,
    kinds_of: KindMap,
    iri: str,
    *,
    imports: Path | None = None,
    group_page: entities.GroupPage | None = None,
    hubs: Collection[str] | None = None,
    **context: Any,
) -> HTMLResponse:
    view = entity_view(store, kinds_of, iri, imports=imports, group_page=group_page, hubs=hubs)
    return render("entity.html", view=view, **context)


# -- the VoID description, for reading -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoidView:
    """The VoID + DCAT triples arranged for a page: the dataset's own statements, its named
    graphs, downloads and class partitions."""

    about: tuple[tuple[str, tuple[str, ...]], ...]
    subsets: tuple[dict[str, Any], ...]
    distributions: tuple[dict[str, Any], ...]
    classes: tuple[tuple[str, int], ...]


IANA: Final = "https://www.iana.org/assignments/media-types/"


def void_view(triples: Sequence[ox.Triple]) -> VoidView:
    props: dict[str, dict[str, list[object]]] = {}
    for t in triples:
        props.setdefault(str(t.subject), {}).setdefault(t.predicate.value, []).append(t.object)

    def value(term: object) -> str:
        return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)

    def first(node: str, predicate: str) -> str:
        values = props.get(node, {}).get(predicate, [])
        return value(values[0]) if values else ""

    dataset = props.get(str(ox.NamedNode(VOID_DATASET)), {})
    nested = {VOID_NS + "classPartition", DCAT_NS + "distribution", VOID_NS + "subset"}

    def short(iri: str) -> str:
        for prefix, namespace in VOID_PREFIXES.items():
            if iri.startswith(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    about = tuple(
        (short(p), tuple(value(v) for v in values))
        for p, values in dataset.items()
        if p not in nested and p != VOID_NS + "dataDump"
    )
    subsets = tuple(
        {
            "graph": value(s),
            "title": first(str(s), DCTERMS_NS + "title"),
            "triples": int(first(str(s), VOID_NS + "triples") or 0),
            "source": first(str(s), DCTERMS_NS + "source"),
        }
        for s in dataset.get(VOID_NS + "subset", [])
    )
    distributions = tuple(
        {
            "title": first(str(d), DCTERMS_NS + "title"),
            "url": first(str(d), DCAT_NS + "downloadURL") or first(str(d), DCAT_NS + "accessURL"),
            "media_type": first(str(d), DCAT_NS + "mediaType").removeprefix(IANA),
            "download": bool(first(str(d), DCAT_NS + "downloadURL")),
        }
        for d in dataset.get(DCAT_NS + "distribution", [])
    )
    classes = tuple(
        sorted(
            (
                (
                    first(str(c), VOID_NS + "class"),
                    int(first(str(c), VOID_NS + "entities") or 0),
                )
                for c in dataset.get(VOID_NS + "classPartition", [])
            ),
            key=lambda item: (-item[1], item[0]),
        )
    )
    return VoidView(about, subsets, distributions, classes)


# -- forms ------------------------------------------------------------------------------------


class DropBlankFields:
    """ASGI middleware: a GET form sends its empty fields too (``year=&currency=``), which
    mean "no filter"; requests of the form pages that carry any are redirected (303) to the
    same address without them, so that the API's parameter checks see only what was chosen and
    the address that is shared or bookmarked holds only the filters in use."""

    def __init__(self, app: ASGIApp, paths: Collection[str]) -> None:
        self.app = app
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in self.paths:
            raw = scope.get("query_string", b"")
            # Latin-1 both ways keeps every byte as it came (percent-encoded UTF-8 included).
            pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
            kept = [(k, v) for k, v in pairs if v.strip()]
            if len(kept) != len(pairs):
                query = urlencode(kept, encoding="latin-1")
                location = scope["path"] + (f"?{query}" if query else "")
                response = Response(status_code=303, headers={"Location": location})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
