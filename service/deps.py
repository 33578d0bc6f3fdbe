"""Typed dependency aliases used by every route, and who is calling (``X-API-Key``)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session, sessionmaker

from catalog import Catalog, Geography
from service.auth import repository as auth_repo
from service.db import Role
from service.errors import Forbidden, NotReady, OriginNotAllowed, Unauthenticated
from service.runtime import Runtime, ServedCatalog
from service.settings import Settings


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the handler returns and before the response is
    sent (see ``SessionDep`` and :class:`SessionRoute`), rolled back on error."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_served(request: Request) -> ServedCatalog:
    served = (await get_runtime(request)).served
    if served is None:
        raise NotReady("no catalogue is loaded; an operator must run `dakmatch catalog load`")
    return served


async def get_catalog(request: Request) -> Catalog:
    return (await get_served(request)).catalog


async def get_served_catalog_if_any(request: Request) -> Catalog | None:
    """The served catalogue, or None before one is loaded (for reading what is stored)."""
    served = (await get_runtime(request)).served
    return served.catalog if served is not None else None


async def get_ready(request: Request) -> ServedCatalog:
    """The served catalogue with a fitted ranker and the geography (one dependency: the
    ranking endpoints are the hot path)."""
    served = await get_served(request)
    if served.ranker is None:
        raise NotReady(served.problem or "the ranker is not fitted")
    if served.geography is None:
        raise NotReady("the post-office geography is not loaded")
    return served


async def get_geography(request: Request) -> Geography:
    geography = (await get_runtime(request)).geography
    if geography is None:
        raise NotReady("the post-office geography is not loaded")
    return geography


class SessionRoute(APIRoute):
    """A route whose synchronous handler commits its request session in the handler's own
    worker thread, as soon as it returns.

    Without it the commit (``get_session``'s exit) comes after FastAPI has validated the
    response in another worker thread, so the transaction, and on SQLite the one connection
    of the process, stay held while waiting for a free thread; when every thread of the pool
    is a request waiting for that connection, nothing moves until the pool timeout (issue 15:
    parallel writers answered 503). Every router whose handlers use ``SessionDep`` uses it.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _committing(endpoint), **kwargs)


def _committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(endpoint):
        return endpoint  # runs on the event loop; get_session's exit commits

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        result = endpoint(*args, **kwargs)
        for value in kwargs.values():
            if isinstance(value, Session):
                value.commit()
        return result

    return run


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
# scope="function": the session is committed before the response is sent, so a client that
# received 2xx holds a committed write (FastAPI's default runs the exit code after sending).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ServedDep = Annotated[ServedCatalog, Depends(get_served)]
ReadyDep = Annotated[ServedCatalog, Depends(get_ready)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
ServedCatalogIfAny = Annotated[Catalog | None, Depends(get_served_catalog_if_any)]
GeographyDep = Annotated[Geography, Depends(get_geography)]


@dataclass(frozen=True)
class Caller:
    """An authenticated key: its id, role and tenant."""

    key_id: int
    prefix: str
    role: Role
    tenant_id: int
    tenant_name: str

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}"

    def sees_all_tenants(self) -> bool:
        return self.role is Role.OFFICER


# The key scheme of the OpenAPI document ("ApiKey"): every operation that reads a key declares
# it through this dependency. ``auto_error=False``: a missing key is not an error here; the role
# checks below answer 401/403 as problem+json, and anonymous endpoints let the caller through.
# service/openapi.py marks the operations that need no key as such.
API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="A key made with `dakmatch keys create`; its role decides what it may do.",
    auto_error=False,
)
OptionalKey = Annotated[str | None, Security(API_KEY_HEADER)]
# Keys are made 40-odd characters long; a longer header is no key (refused without hashing).
_MAX_KEY_LENGTH = 200


async def optional_caller(request: Request, x_api_key: OptionalKey = None) -> Caller | None:
    """The caller, or None for anonymous requests. A key that is sent must be valid.

    Async so that anonymous requests skip the thread pool; the key lookup runs in its own short
    transaction (it also records when the key was last used) in a worker thread.
    """
    if x_api_key is None:
        return None
    if len(x_api_key) > _MAX_KEY_LENGTH:
        raise Unauthenticated("the X-API-Key is unknown or revoked")
    factory: sessionmaker[Session] = request.app.state.session_factory
    caller = await run_in_threadpool(_authenticate, factory, x_api_key)
    if caller is None:
        raise Unauthenticated("the X-API-Key is unknown or revoked")
    caller_, origins = caller
    if caller_.role in _TENANT_ROLES and caller_.tenant_name in auth_repo.RESERVED_TENANTS:
        # Made before such keys were refused (`dakmatch keys create`): never honoured.
        raise Forbidden(
            f"key {caller_.prefix}… is a {caller_.role.value} key of the built-in tenant "
            f"{caller_.tenant_name!r}, which no partner may hold; an operator must revoke it"
        )
    if caller_.role is Role.WIDGET:
        _check_widget_origin(request, caller_, origins)
    # The CORS middleware answers browsers from the key's own tenant's allow-list.
    request.state.allowed_origins = origins
    request.state.key_prefix = caller_.prefix
    return caller_


_TENANT_ROLES = frozenset({Role.PARTNER, Role.WIDGET})


def _check_widget_origin(request: Request, caller: Caller, origins: tuple[str, ...]) -> None:
    """A widget key is published in a web page: it counts only on its tenant's own pages.

    Checked here, where every route learns who calls, so that no
    path takes a widget key from elsewhere. A widget key's roles are checked by ``require`` as
    any other's: it is refused everywhere but ranking and the catalogue.
    """
    origin = request.headers.get("origin")
    if origin is None:
        raise OriginNotAllowed(
            f"widget key {caller.prefix}… works only in a browser on one of tenant "
            f"{caller.tenant_name}'s allowed origins, and this request names no Origin"
        )
    if origin not in origins:
        raise OriginNotAllowed(
            f"widget key {caller.prefix}… may not be used from {origin}: it is not one of "
            f"tenant {caller.tenant_name}'s allowed origins (dakmatch keys origins)"
        )


def _authenticate(
    factory: sessionmaker[Session], secret: str
) -> tuple[Caller, tuple[str, ...]] | None:
    with factory.begin() as session:
        found = auth_repo.authenticate(session, secret)
        if found is None:
            return None
        key, tenant = found
        caller = Caller(
            key_id=key.id,
            prefix=key.prefix,
            role=key.role,
            tenant_id=tenant.id,
            tenant_name=tenant.name,
        )
        return caller, tuple(tenant.allowed_origins or ())


class RoleCheck:
    """A dependency admitting only keys of ``roles`` (401 without a key, 403 for other roles)."""

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    async def __call__(self, caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
        if caller is None:
            raise Unauthenticated("this endpoint needs an X-API-Key header")
        if caller.role not in self.roles:
            allowed = " or ".join(r.value for r in self.roles)
            if caller.role is Role.WIDGET:
                raise Forbidden(
                    "a widget key may only rank profiles (POST /v1/recommendations) and read "
                    f"the catalogue (GET /v1/offerings); this needs a {allowed} key"
                )
            raise Forbidden(f"a {caller.role.value} key may not do this; it needs {allowed}")
        return caller


def require(*roles: Role) -> object:
    """A :class:`RoleCheck` of ``roles``, declared as a security dependency whose scopes are the
    roles: the OpenAPI document lists them on the operation's ``ApiKey`` requirement."""
    return Security(RoleCheck(*roles), scopes=[r.value for r in roles])


OptionalCaller = Annotated[Caller | None, Depends(optional_caller)]


async def ready_for_anyone(request: Request, x_api_key: str | None) -> ServedCatalog:
    """:func:`optional_caller` then :func:`get_ready`, in that order (a bad key is 401 before
    "not ready" is 503). Called by ``POST /v1/recommendations``, which reads its key itself."""
    await optional_caller(request, x_api_key)
    return await get_ready(request)


PartnerOrOfficer = Annotated[Caller, require(Role.PARTNER, Role.OFFICER)]
Officer = Annotated[Caller, require(Role.OFFICER)]
Admin = Annotated[Caller, require(Role.ADMIN)]

CurrentKey = OptionalCaller
