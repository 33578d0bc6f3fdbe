"""Typed dependency aliases used by every route."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from catalog import Catalog
from service.errors import NotReady
from service.runtime import Runtime, Served
from service.settings import Settings


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: committed when the handler returns, rolled back on error."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_served(request: Request) -> Served:
    served = get_runtime(request).served
    if served is None:
        raise NotReady("no catalogue is loaded; an operator must run `dakmatch catalog load`")
    return served


def get_catalog(request: Request) -> Catalog:
    return get_served(request).catalog


def get_ranker(request: Request) -> Any:
    served = get_served(request)
    if served.ranker is None:
        raise NotReady(served.problem or "the ranker is not fitted")
    return served.ranker


def get_geography(request: Request) -> Any:
    geography = get_runtime(request).geography
    if geography is None:
        raise NotReady("the post-office geography is not loaded")
    return geography


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ServedDep = Annotated[Served, Depends(get_served)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
RankerDep = Annotated[Any, Depends(get_ranker)]
GeographyDep = Annotated[Any, Depends(get_geography)]
