"""``GET /v1/offerings`` and ``GET /v1/offerings/{id}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response, status

from catalog import Category, Status
from service.deps import Admin, CatalogDep, OptionalCaller, RuntimeDep, SessionDep, SessionRoute
from service.errors import NotFound
from service.languages import LANGUAGES, LanguageDep
from service.offerings.admin import put_offering
from service.offerings.language import localized_offerings
from service.offerings.schemas import OfferingList, OfferingOut
from service.offerings.service import filter_offerings

router = APIRouter(prefix="/v1/offerings", tags=["offerings"], route_class=SessionRoute)

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
# The answer's language, and that it depends on Accept-Language (for caches).
_HEADERS = {lang: {"Content-Language": lang, "Vary": "Accept-Language"} for lang in LANGUAGES}
_WIDGET_ORIGIN: dict[int | str, dict[str, Any]] = {
    403: {"description": "a widget key sent without an Origin its tenant allows", **_PROBLEM}
}


@router.get(
    "", response_model=OfferingList, operation_id="offerings-list", responses=_WIDGET_ORIGIN
)
def list_offerings(
    _caller: OptionalCaller,
    catalog: CatalogDep,
    category: Annotated[Category | None, Query(description="one category")] = None,
    provider: Annotated[
        str | None,
        Query(max_length=100, description="part of the provider's name", examples=["Amazon"]),
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="words that must all appear", examples=["export"]),
    ] = None,
    status: Annotated[Status | None, Query(description="active or discontinued")] = None,
    *,
    lang: LanguageDep,
    response: Response,
) -> OfferingList:
    """The served catalogue, optionally filtered by category, provider and free text.

    Discontinued offerings are listed (with `status` and `status_since`) but never recommended.
    Names, descriptions, next steps, prices, caveats and doubts are in the asked language
    (`?lang=` en, hi or mr wins over `Accept-Language`; English otherwise); `i18n` keeps every
    language. `q` matches the English and the asked language's text.
    Example: `GET /v1/offerings?category=export_facilitation&q=customs`.
    """
    found = filter_offerings(
        catalog, category=category, provider=provider, q=q, status=status, lang=lang
    )
    response.headers.update(_HEADERS[lang])
    return OfferingList(
        catalog_version=catalog.version, count=len(found),
        offerings=localized_offerings(found, lang),
    )


@router.get(
    "/{offering_id}",
    response_model=OfferingOut,
    operation_id="offerings-get",
    responses={404: {"description": "no offering with this id", **_PROBLEM}, **_WIDGET_ORIGIN},
)
def get_offering(
    _caller: OptionalCaller,
    catalog: CatalogDep,
    offering_id: Annotated[
        str, Path(max_length=60, examples=["dnk"], description="the offering's id")
    ],
    lang: LanguageDep,
    response: Response,
) -> OfferingOut:
    """One offering of the served catalogue by its id, e.g. `dnk` or `speed-post`, with its
    text in the asked language (`?lang=`, then `Accept-Language`; English otherwise)."""
    offering = catalog.get(offering_id)
    if offering is None:
        raise NotFound(f"no offering with id '{offering_id}' in catalogue {catalog.version}")
    response.headers.update(_HEADERS[lang])
    return OfferingOut(catalog_version=catalog.version, offering=offering.localized(lang))


@router.put(
    "/{offering_id}",
    response_model=OfferingOut,
    operation_id="offerings-put",
    responses={
        201: {"description": "a new offering was added", "model": OfferingOut},
        403: {"description": "only admin keys change the catalogue", **_PROBLEM},
        422: {"description": "the offering breaks the catalogue schema", **_PROBLEM},
    },
)
def replace_offering(
    _caller: Admin,
    session: SessionDep,
    runtime: RuntimeDep,
    request: Request,
    response: Response,
    offering_id: Annotated[
        str,
        Path(
            max_length=60,
            pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
            description="the offering's id: lower-case words joined by hyphens",
        ),
    ],
    data: Annotated[
        dict[str, Any],
        Body(description="the whole offering (catalogue schema, DESIGN §3); `id` may be left out"),
    ],
) -> OfferingOut:
    """Add or replace one offering (admin keys only).

    Stores a new catalogue version and refits the ranker on it without a restart; the answer
    carries the new `catalog_version`. Answers 201 when the id is new, 200 when it replaced one.
    """
    result = put_offering(session, runtime, offering_id, data)
    runtime.expose(request.app.state)
    if result.created:
        response.status_code = status.HTTP_201_CREATED
    return OfferingOut(catalog_version=result.catalog.version, offering=result.offering)
