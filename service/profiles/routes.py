"""``/v1/profiles``: store, read, list, update, erase, rank (partners: own tenant only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Response, status
from fastapi.responses import JSONResponse

from catalog import Sector
from service.deps import (
    GeographyDep,
    PartnerOrOfficer,
    ReadyDep,
    ServedCatalogIfAny,
    SessionDep,
    SessionRoute,
)
from service.examples import PATCH_EXAMPLES, PROFILE_EXAMPLES
from service.languages import LanguageDep
from service.profiles import service
from service.profiles.schemas import ProfileOut, ProfilePage, RunPage
from service.recommendations.schemas import RankingOut

router = APIRouter(prefix="/v1/profiles", tags=["profiles"], route_class=SessionRoute)

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such profile, or another tenant's", **_PROBLEM},
}
ProfileId = Annotated[str, Path(max_length=36, description="profile id (a UUID)")]
ProfileBody = Annotated[
    dict[str, Any],
    Body(
        description="an enterprise profile (DESIGN §4); unknown fields are refused",
        openapi_examples=PROFILE_EXAMPLES,
    ),
]
Limit = Annotated[int, Query(ge=1, le=50, description="how many recommendations (1-50)")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ProfileOut,
    operation_id="profiles-create",
    responses={422: {"description": "invalid profile, field by field", **_PROBLEM}},
)
def create_profile(
    caller: PartnerOrOfficer,
    session: SessionDep,
    geography: GeographyDep,
    data: ProfileBody,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="repeat a POST safely: the same key and body return the first result",
        ),
    ] = None,
) -> ProfileOut:
    """Store a profile for the caller's tenant. Answers 201 with `Location`.

    With an `Idempotency-Key`, a repeat with the same body returns the first result (with
    `Idempotent-Replayed: true`) and a repeat with another body answers 422.
    """
    created = service.create_profile(session, caller, geography, data, idempotency_key)
    response.headers["Location"] = f"/v1/profiles/{created.profile.id}"
    response.headers["ETag"] = f'"{created.profile.version}"'
    if created.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return created.profile


@router.get("", response_model=ProfilePage, operation_id="profiles-list")
def list_profiles(
    caller: PartnerOrOfficer,
    session: SessionDep,
    state: Annotated[
        str | None,
        Query(max_length=80, examples=["Maharashtra"], description="the state, any case"),
    ] = None,
    district: Annotated[
        str | None,
        Query(max_length=80, examples=["Pune"], description="the district, any case"),
    ] = None,
    sector: Annotated[Sector | None, Query(description="one sector")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="page size (1-100)")] = 20,
    offset: Annotated[
        int, Query(ge=0, le=1_000_000, description="how many profiles to skip")
    ] = 0,
) -> ProfilePage:
    """Profiles newest first, filtered by state, district (case-insensitive) and sector.

    Officers see every tenant's profiles; a partner sees its own tenant's.
    """
    return service.list_profiles(
        session,
        caller,
        state=state,
        district=district,
        sector=sector,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/{profile_id}",
    response_model=ProfileOut,
    operation_id="profiles-get",
    responses=_NOT_FOUND,
)
def read_profile(
    caller: PartnerOrOfficer, session: SessionDep, profile_id: ProfileId, response: Response
) -> ProfileOut:
    """One stored profile; its `ETag` is the version to send in `If-Match` when patching."""
    out = service.read_profile(session, caller, profile_id)
    response.headers["ETag"] = f'"{out.version}"'
    return out


@router.patch(
    "/{profile_id}",
    response_model=ProfileOut,
    operation_id="profiles-update",
    responses={
        **_NOT_FOUND,
        409: {"description": "changed concurrently", **_PROBLEM},
        412: {"description": "If-Match names an old version", **_PROBLEM},
        422: {"description": "the merged profile is not valid", **_PROBLEM},
    },
)
def patch_profile(
    caller: PartnerOrOfficer,
    session: SessionDep,
    geography: GeographyDep,
    profile_id: ProfileId,
    patch: Annotated[
        dict[str, Any],
        Body(description="JSON merge patch (RFC 7396)", openapi_examples=PATCH_EXAMPLES),
    ],
    response: Response,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=40,
            description="the `ETag` read last: the change is refused (412) if it is stale",
        ),
    ] = None,
) -> ProfileOut:
    """Change fields of a profile (JSON merge patch: `null` removes a field).

    The merged profile is validated as a whole; with `If-Match`, a stale version answers 412.
    """
    out = service.patch_profile(session, caller, geography, profile_id, patch, if_match)
    response.headers["ETag"] = f'"{out.version}"'
    return out


@router.delete(
    "/{profile_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    operation_id="profiles-delete",
    responses=_NOT_FOUND,
)
def erase_profile(caller: PartnerOrOfficer, session: SessionDep, profile_id: ProfileId) -> None:
    """Erase a profile with its recommendation runs and their feedback (data-protection request)."""
    service.erase_profile(session, caller, profile_id)


@router.get(
    "/{profile_id}/recommendations",
    response_model=RankingOut,
    operation_id="profiles-rank",
    responses={**_NOT_FOUND, 503: {"description": "ranker not ready", **_PROBLEM}},
)
def recommend_stored(
    caller: PartnerOrOfficer,
    session: SessionDep,
    served: ReadyDep,
    profile_id: ProfileId,
    lang: LanguageDep,
    limit: Limit = 10,
) -> JSONResponse:
    """Rank the stored profile now and store the run; the answer carries its `run_id`.
    Reasons are in the asked language (`?lang=`, `Accept-Language`)."""
    return JSONResponse(
        service.recommend_stored(session, caller, served, profile_id, limit, lang),
        headers={"Content-Language": lang},
    )


@router.get(
    "/{profile_id}/runs",
    response_model=RunPage,
    operation_id="profiles-list-runs",
    responses={**_NOT_FOUND, 422: {"description": "bad limit or cursor", **_PROBLEM}},
)
def list_runs(
    caller: PartnerOrOfficer,
    session: SessionDep,
    catalog: ServedCatalogIfAny,
    profile_id: ProfileId,
    lang: LanguageDep,
    limit: Annotated[int, Query(ge=1, le=50, description="runs per page (1-50)")] = 20,
    cursor: Annotated[
        str | None,
        Query(max_length=200, description="the `next` of the previous page; none: the newest"),
    ] = None,
) -> RunPage:
    """The stored recommendation runs of a profile, newest first, as they were ranked; their
    reasons and offering names written in the asked language (`?lang=`, `Accept-Language`)
    from their codes and the catalogue version each run names.

    Paged: `next` is an opaque cursor for the following page (null on the last one).
    """
    return service.list_runs(session, caller, catalog, profile_id, limit, cursor, lang)
