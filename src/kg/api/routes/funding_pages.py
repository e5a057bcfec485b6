"""Who funds what where, for people: ``/fundings`` is a form whose state is the URL, a table of
the fundings it selects, totals by a chosen grouping (as a table and a chart per currency, each
on its own scale: currencies are never added), and a map of the countries served; ``/fundings.csv`` and
``/fundings.json`` download exactly the rows the table shows.

The filters are those of ``/api/fundings``, resolved by the same dependency
(``kg.api.deps.funding_selection``), so a page and its JSON answer never disagree and a new
filter of the API is a new filter here. A name that fits no entity shows the form again with the
problem and its candidates (``problem_page``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from kg import browse, currency, fundings
from kg.activities import ROLES
from kg.api.deps import Convert, FundingSelection, FundingSelectionDep, Limit, PageOffset
from kg.api.problems import Problem
from kg.api.routes.pages import PAGE_SIZE, mark_page, render, url_with
from kg.browse import TreeNode
from kg.entities import EntityRef, Page, sorted_refs
from kg.stores.base import Store

router = APIRouter(tags=["Pages"], dependencies=[Depends(mark_page)])

#: Every selected funding is read for the map and the totals; past this many the page says so.
MOST: Final = 5000
#: Each grouping of the totals and how the page names it, in the order the form offers them.
GROUP_NAMES: Final = {
    "recipient": "recipient",
    "funder": "funder",
    "region": "place served",
    "theme": "theme",
    "year": "year",
}
GROUPINGS: Final = tuple(GROUP_NAMES)
#: The parameters the form shows, in its order (the API's names).
FIELDS: Final = (
    "funder",
    "recipient",
    "initiative",
    "region",
    "applies_to",
    "theme",
    "year",
    "type",
    "org",
    "role",
    "currency",
    "min_amount",
    "convert",
    "split",
)
#: How the form names the kinds of funding (fundings.FUNDING_TYPES, docs/iati.md).
TYPE_NAMES: Final = {
    "pledge": "pledge",
    "contribution": "contribution",
    "commitment": "commitment (IATI transaction types 2, 11)",
    "disbursement": "disbursement (IATI type 3)",
    "expenditure": "expenditure (IATI type 4)",
    "incoming": "incoming funds (IATI type 1)",
    "budget": "budget",
}
#: How the form names the roles of an organisation in an activity (activities.ROLES).
ROLE_NAMES: Final = {
    "funding": "funding",
    "accountable": "accountable",
    "extending": "extending",
    "implementing": "implementing",
    "reporting": "reporting (publisher)",
}
By = Annotated[Literal["recipient", "funder", "region", "theme", "year"], Query()]
SplitParam = Annotated[Literal["percentage"] | None, Query()]


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Form:
    """The form as the URL states it, with what each select offers."""

    values: Mapping[str, str]
    by: str
    funders: tuple[Option, ...]
    recipients: tuple[Option, ...]
    regions: tuple[Option, ...]
    themes: tuple[Option, ...]
    currencies: tuple[Option, ...]
    types: tuple[Option, ...]
    roles: tuple[Option, ...]
    organisations: tuple[Option, ...]
    conversions: tuple[Option, ...]


def _flatten(
    nodes: Iterable[TreeNode], depth: int = 0, seen: set[str] | None = None
) -> list[Option]:
    """A tree as indented options, each entity once (under its first parent)."""
    seen = set() if seen is None else seen
    options = []
    for node in nodes:
        if node.ref.id in seen:
            continue
        seen.add(node.ref.id)
        options.append(Option(node.ref.slug or node.ref.id, node.ref.label, depth))
        options.extend(_flatten(node.children, depth + 1, seen))
    return options


def _options(refs: Iterable[EntityRef]) -> tuple[Option, ...]:
    return tuple(Option(r.slug or r.id, r.label) for r in refs)


def form_of(request: Request, store: Store, by: str) -> Form:
    choices = browse.funding_choices(store)
    values = {name: request.query_params.get(name, "") for name in FIELDS}
    return Form(
        values=values,
        by=by,
        funders=_options(choices.funders),
        recipients=_options(choices.recipients),
        regions=tuple(_flatten(browse.place_tree(store))),
        themes=tuple(_flatten(browse.theme_tree(store))),
        currencies=tuple(Option(c, c) for c in choices.currencies),
        types=tuple(Option(k, v) for k, v in TYPE_NAMES.items() if k in fundings.FUNDING_TYPES),
        roles=tuple(Option(k, v) for k, v in ROLE_NAMES.items() if k in ROLES),
        organisations=_options(sorted_refs({*choices.funders, *choices.recipients})),
        conversions=tuple(Option(c, c) for c in sorted(currency.currencies())),
    )


def _params(request: Request, **override: object) -> dict[str, object]:
    """The request's own parameters, with ``override`` (None drops one)."""
    params: dict[str, object] = dict(request.query_params)
    for key, value in override.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return {k: v for k, v in params.items() if v not in ("", None)}


# -- what the page shows ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountryServed:
    country: browse.Country
    named: int  # fundings that name the country itself
    within: int  # fundings that serve a place it lies in


def countries_served(store: Store, items: Sequence[fundings.Funding]) -> list[CountryServed]:
    """Each country the fundings serve, named itself or inside a place they serve."""
    places = {r.id for f in items for r in f.regions}
    inside = browse.countries_in(store, places)
    named: dict[str, set[str]] = {}
    within: dict[str, set[str]] = {}
    countries: dict[str, browse.Country] = {}
    for funding in items:
        for region in funding.regions:
            for country in inside.get(region.id, ()):
                countries[country.ref.id] = country
                target = named if country.ref.id == region.id else within
                target.setdefault(country.ref.id, set()).add(funding.id)
    return sorted(
        (
            CountryServed(
                country,
                len(named.get(iri, set())),
                len(within.get(iri, set()) - named.get(iri, set())),
            )
            for iri, country in countries.items()
        ),
        key=lambda c: (-c.named, -c.within, c.country.ref.label),
    )


def chart_data(summary: fundings.Summary) -> list[dict[str, Any]]:
    """One row per group and currency (never added across currencies), and per group the
    fundings without an amount, for the chart."""
    rows: list[dict[str, Any]] = []
    for group in summary.items:
        key = next(iter(group.key.values()))
        if isinstance(key, EntityRef):
            label = key.label
        else:
            label = f"no {GROUP_NAMES[summary.by[0]]} named" if key is None else str(key)
        for total in group.totals:
            rows.append(
                {
                    "group": label,
                    "currency": total.currency,
                    "value": float(total.value),
                    "count": total.count,
                    "qualifiers": ", ".join(total.qualifiers),
                }
            )
        if group.without_amount:
            rows.append(
                {
                    "group": label,
                    "currency": None,
                    "value": None,
                    "count": group.without_amount,
                    "qualifiers": "",
                }
            )
    return rows


@dataclass(frozen=True, slots=True)
class Selected:
    page: Page[fundings.Funding]
    everything: tuple[fundings.Funding, ...]
    complete: bool


def select_fundings(
    selection: FundingSelection, *, limit: int, offset: int, convert: str | None = None
) -> Selected:
    """Every selected funding (up to ``MOST``: the map needs them all) and the page of them."""
    everything = fundings.fundings(selection.store, selection.filters, limit=MOST, convert=convert)
    items = everything.items[offset : offset + limit]
    return Selected(
        Page(items, everything.total, limit, offset),
        everything.items,
        everything.total <= MOST,
    )


@router.get("/fundings", include_in_schema=False)
def fundings_page(
    request: Request,
    selection: FundingSelectionDep,
    by: By = "recipient",
    convert: Convert = None,
    split: SplitParam = None,
    offset: PageOffset = 0,
    limit: Limit = PAGE_SIZE,
) -> HTMLResponse:
    selected = select_fundings(selection, limit=limit, offset=offset, convert=convert)
    summary = fundings.summarize(
        selection.store,
        [by],
        selection.filters,
        limit=1000,
        split=split == "percentage",
        convert=convert,
    )
    served = countries_served(selection.store, selected.everything)
    pager: dict[str, str] = {}
    if offset > 0:
        pager["previous"] = _link(request, offset=max(0, offset - limit) or None)
    if offset + limit < selected.page.total:
        pager["next"] = _link(request, offset=offset + limit)
    return render(
        "fundings.html",
        group_names=GROUP_NAMES,
        form=form_of(request, selection.store, by),
        page=selected.page,
        complete=selected.complete,
        summary=summary,
        by_name=GROUP_NAMES[by],
        chart=chart_data(summary),
        served=served,
        map_data=[
            {
                "code": c.country.code,
                "label": c.country.ref.label,
                "named": c.named,
                "within": c.within,
            }
            for c in served
        ],
        pager=pager,
        downloads={
            "csv": _link(request, path="/fundings.csv", by=None, split=None),
            "json": _link(request, path="/fundings.json", by=None, split=None),
            "api": _link(request, path="/api/fundings", by=None, split=None, limit=limit),
            "summary": _link(request, path="/api/fundings/summary", offset=None, limit=None, by=by),
        },
        error=None,
    )


def _link(request: Request, *, path: str = "/fundings", **override: object) -> str:
    return url_with(path, _params(request, **override))


def fundings_problem_page(request: Request, problem: Problem) -> Response:
    """The form again, with the problem (a name that fits no entity, a bad number) above it."""
    store = request.app.state.store
    by = request.query_params.get("by", "recipient")
    return render(
        "fundings.html",
        group_names=GROUP_NAMES,
        status_code=problem.status,
        form=form_of(request, store, by if by in GROUPINGS else "recipient"),
        page=None,
        complete=True,
        summary=None,
        by_name="",
        chart=[],
        served=[],
        map_data=[],
        pager={},
        downloads={},
        error=problem,
        candidates=problem.extensions.get("candidates", []),
    )


# -- downloads: exactly the rows the table shows ---------------------------------------------

COLUMNS: Final = (
    "funding",
    "type",
    "funder",
    "recipient",
    "initiative",
    "amount",
    "currency",
    "qualifier",
    "start",
    "end",
    "places",
    "themes",
    "evidence",
    "converted",
    "converted_currency",
    "rate",
    "rate_date",
    "funding_iri",
    "funder_iri",
    "recipient_iri",
    "initiative_iri",
)


def rows(items: Iterable[fundings.Funding]) -> list[dict[str, str]]:
    """The table's rows as plain values: labels as shown, amounts as numbers, IRIs beside."""

    def labels(refs: Iterable[EntityRef]) -> str:
        return "; ".join(r.label for r in refs)

    out = []
    for f in items:
        out.append(
            {
                "funding": f.label,
                "type": f.type.label,
                "funder": f.funder.label if f.funder else "",
                "recipient": f.recipient.label if f.recipient else "",
                "initiative": f.initiative.label if f.initiative else "",
                "amount": str(f.amount.value) if f.amount else "",
                "currency": f.amount.currency if f.amount else "",
                "qualifier": f.amount.qualifier if f.amount else "",
                "start": f.period.start or "",
                "end": f.period.end or "",
                "places": labels(f.regions),
                "themes": labels(f.themes),
                "evidence": " | ".join(
                    [e.quote for e in f.evidence]
                    + [f"{e.file.label} line {e.line}: {e.xpath}" for e in f.element_evidence]
                ),
                "converted": _text(f.conversion.value if f.conversion else None),
                "converted_currency": f.conversion.currency if f.conversion else "",
                "rate": _text(f.conversion.rate if f.conversion else None),
                "rate_date": _text(f.conversion.rate_date if f.conversion else None),
                "funding_iri": f.id,
                "funder_iri": f.funder.id if f.funder else "",
                "recipient_iri": f.recipient.id if f.recipient else "",
                "initiative_iri": f.initiative.id if f.initiative else "",
            }
        )
    return out


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _download_page(
    selection: FundingSelectionDep,
    convert: Convert = None,
    offset: PageOffset = 0,
    limit: Limit = PAGE_SIZE,
) -> Page[fundings.Funding]:
    """The rows the table shows, for its downloads."""
    return fundings.fundings(
        selection.store, selection.filters, limit=limit, offset=offset, convert=convert
    )


DownloadPage = Annotated[Page[fundings.Funding], Depends(_download_page)]


@router.get("/fundings.csv", include_in_schema=False)
def fundings_csv(page: DownloadPage) -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(page.items))
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="fundings.csv"'},
    )


@router.get("/fundings.json", include_in_schema=False)
def fundings_json(request: Request, page: DownloadPage) -> Response:
    body = {
        "filters": {k: v for k, v in request.query_params.items() if k in FIELDS and v},
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "columns": list(COLUMNS),
        "items": rows(page.items),
    }
    return Response(
        json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="fundings.json"'},
    )
