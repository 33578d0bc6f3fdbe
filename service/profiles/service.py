"""Profile use cases: create (idempotent), read, list, merge-patch, erase, rank and store."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from catalog import Catalog, Geography
from service import audit, idempotency
from service.auth import repository as auth_repo
from service.auth.repository import WEB_TENANT
from service.db import Profile, RecommendationRun, Role
from service.deps import Caller
from service.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from service.offerings.language import localized_names, stored_answer
from service.offerings.versions import catalog_version
from service.profiles import repository as repo
from service.profiles.repository import RunKey, Viewer
from service.profiles.schemas import ProfileOut, ProfilePage, RunPage, RunSummary
from service.recommendations.schemas import RankingOut
from service.recommendations.service import (
    Ranked,
    ValidProfile,
    rank_profile,
    validate_profile,
)
from service.runtime import ServedCatalog

# Who stored a profile of the public form, in the audit trail (no account, no personal data).
WEB_FORM_ACTOR = "web:form"


@dataclass(frozen=True)
class Created:
    profile: ProfileOut
    replayed: bool


def viewer_of(caller: Caller) -> Viewer:
    return Viewer(tenant_id=caller.tenant_id, all_tenants=caller.sees_all_tenants())


def _audit(session: Session, caller: Caller, action: str, profile_id: str | None) -> None:
    if caller.role is Role.OFFICER:
        audit.record(session, caller.actor, action, profile_id)


def _out(profile: Profile, tenant: str) -> ProfileOut:
    return ProfileOut(
        id=profile.id,
        tenant=tenant,
        state=profile.state,
        district=profile.district,
        sector=profile.sector,
        version=profile.version,
        created_at=profile.created_at,
        updated_at=profile.updated_at,
        profile=dict(profile.body),
    )


def _visible_profile(session: Session, caller: Caller, profile_id: str) -> Profile:
    profile = repo.get_profile(session, profile_id, viewer_of(caller))
    if profile is None:
        raise NotFound(f"no profile with id '{profile_id}'")
    return profile


def create_profile(
    session: Session,
    caller: Caller,
    geography: Geography,
    data: Mapping[str, Any],
    idempotency_key: str | None,
) -> Created:
    """Validate and store a profile under the caller's tenant; replay a repeated key."""
    body_hash = idempotency.request_hash(data)
    if idempotency_key is not None:
        stored = idempotency.replay(session, caller.key_id, idempotency_key, body_hash)
        if stored is not None:
            return Created(ProfileOut.model_validate(stored.body), replayed=True)
    valid = validate_profile(data, geography)
    try:
        with session.begin_nested():
            profile = _add_profile(session, caller.tenant_id, data, valid)
            out = _out(profile, caller.tenant_name)
            if idempotency_key is not None:
                idempotency.remember(
                    session,
                    api_key_id=caller.key_id,
                    key=idempotency_key,
                    body_hash=body_hash,
                    status=201,
                    body=out.model_dump(mode="json"),
                    profile_id=profile.id,
                )
    except IntegrityError as exc:  # the same key, sent twice at the same moment
        raise Conflict(
            "another request with this Idempotency-Key is being stored; retry to get its result"
        ) from exc
    _audit(session, caller, "create", profile.id)
    return Created(out, replayed=False)


def read_profile(session: Session, caller: Caller, profile_id: str) -> ProfileOut:
    profile = _visible_profile(session, caller, profile_id)
    _audit(session, caller, "read", profile.id)
    return _out(profile, repo.tenant_name(session, profile.tenant_id))


def list_profiles(
    session: Session,
    caller: Caller,
    *,
    state: str | None,
    district: str | None,
    sector: str | None,
    limit: int,
    offset: int,
) -> ProfilePage:
    rows, total = repo.list_profiles(
        session,
        viewer_of(caller),
        state=state,
        district=district,
        sector=sector,
        limit=limit,
        offset=offset,
    )
    _audit(session, caller, "list", None)
    return ProfilePage(
        items=[_out(p, name) for p, name in rows], total=total, limit=limit, offset=offset
    )


def merge_patch(target: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7396 JSON merge patch: null removes a member, objects merge, anything else replaces."""
    merged = dict(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_patch(merged[key], value)
        else:
            merged[key] = value
    return merged


def patch_profile(
    session: Session,
    caller: Caller,
    geography: Geography,
    profile_id: str,
    patch: Mapping[str, Any],
    if_match: str | None,
) -> ProfileOut:
    """Merge ``patch`` into the stored body and validate the result as a whole profile."""
    profile = _visible_profile(session, caller, profile_id)
    if if_match is not None and if_match.strip().strip('W/"') != str(profile.version):
        raise PreconditionFailed(
            f"If-Match {if_match} does not match the current version {profile.version}"
        )
    merged = merge_patch(profile.body, patch)
    valid = validate_profile(merged, geography)
    try:
        repo.update_profile(
            session,
            profile,
            body=merged,
            state=valid.state,
            district=valid.district,
            sector=str(valid.profile.sector),
            pincode=valid.profile.pincode,
        )
    except StaleDataError as exc:
        raise Conflict("the profile was changed by someone else; read it again") from exc
    _audit(session, caller, "update", profile.id)
    return _out(profile, repo.tenant_name(session, profile.tenant_id))


def erase_profile(session: Session, caller: Caller, profile_id: str) -> None:
    """Erase the profile with its runs, their feedback and any stored idempotent replies."""
    profile = _visible_profile(session, caller, profile_id)
    repo.erase_profile(session, profile.id)
    _audit(session, caller, "erase", profile.id)


def recommend_stored(
    session: Session,
    caller: Caller,
    served: ServedCatalog,
    profile_id: str,
    limit: int,
    lang: str = "en",
) -> dict[str, Any]:
    """Rank a stored profile with the served catalogue and store the run as served (its
    reasons in ``lang``)."""
    profile = _visible_profile(session, caller, profile_id)
    actor = caller.actor if caller.role is Role.OFFICER else None
    return rank_and_store(session, served, profile, limit, actor=actor, lang=lang)


def rank_and_store(
    session: Session, served: ServedCatalog, profile: Profile, limit: int, *, actor: str | None,
    lang: str = "en",
) -> dict[str, Any]:
    """Rank ``profile`` now and store the run; the answer carries its ``run_id`` and its
    reasons in ``lang``. An officer's ``actor`` (``key:...``, ``user:...``) is recorded in
    the audit trail."""
    valid = validate_profile(profile.body, served.geography)
    ranked = rank_profile(served, valid.profile, limit, run_id=str(uuid.uuid4()), lang=lang)
    ranking = _store_run(session, profile.id, ranked)
    if actor is not None:
        audit.record(session, actor, "rank", profile.id)
    # Stored with the catalogue's English names; answered with the names in ``lang``.
    return localized_names(ranking, served.catalog, lang)


def store_web_profile(
    session: Session, body: Mapping[str, Any], valid: ValidProfile, ranked: Ranked
) -> str:
    """Store a consenting visitor's profile of the public form under tenant ``web``, with the
    run it was shown (its payload carries its ``run_id``); audited as ``WEB_FORM_ACTOR``.
    Returns the profile's id."""
    tenant = auth_repo.get_or_create_tenant(session, WEB_TENANT)
    profile = _add_profile(session, tenant.id, body, valid)
    _store_run(session, profile.id, ranked)
    audit.record(session, WEB_FORM_ACTOR, "create", profile.id)
    return profile.id


def _store_run(session: Session, profile_id: str, ranked: Ranked) -> dict[str, Any]:
    """Store a ranking with its ``run_id`` as a run of the profile, with the offerings it
    recommended (ranks and signal values, to learn from); returns it as stored."""
    # Normalised through the response model, so the stored run equals the answer served.
    ranking = RankingOut.model_validate(ranked.payload).model_dump(mode="json")
    repo.add_run(
        session,
        run_id=str(ranking["run_id"]),
        profile_id=profile_id,
        catalog_version=str(ranking["catalog_version"]),
        model_version=str(ranking["model_version"]),
        ranking=ranking,
        items=ranked.items,
    )
    return ranking


def run_cursor(run: RecommendationRun) -> str:
    """The opaque cursor that continues a page of runs after ``run``."""
    key = f"{run.created_at.astimezone(dt.UTC).isoformat()}|{run.id}"
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def read_run_cursor(cursor: str) -> RunKey:
    """The place a cursor of :func:`run_cursor` stands for; 422 for anything else."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, run_id = text.split("|")
        created_at = dt.datetime.fromisoformat(stamp)
        if created_at.tzinfo is None or not 1 <= len(run_id) <= 36:
            raise ValueError(text)
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise InvalidInput(
            "cursor is not one this API gave: send the `next` of the previous page",
            errors=[{"field": "cursor", "message": "not a cursor of this list"}],
        ) from exc
    return created_at, run_id


def list_runs(
    session: Session, caller: Caller, catalog: Catalog | None, profile_id: str, limit: int,
    cursor: str | None, lang: str = "en",
) -> RunPage:
    """A page of the profile's runs, newest first; ``next`` continues it (None: no more).
    Their reasons are written in ``lang`` from their codes, and their offering names, with
    the catalogue version each run was ranked with (``catalog``, the served one, for
    offerings that version lacks or when the database no longer holds it; None before a
    catalogue is loaded)."""
    after = read_run_cursor(cursor) if cursor is not None else None
    profile = _visible_profile(session, caller, profile_id)
    runs = repo.runs_page(session, profile.id, limit + 1, after)
    _audit(session, caller, "read-runs", profile.id)
    more = len(runs) > limit
    runs = runs[:limit]
    return RunPage(
        items=[
            RunSummary(
                id=r.id,
                catalog_version=r.catalog_version,
                model_version=r.model_version,
                created_at=r.created_at,
                ranking=stored_answer(dict(r.ranking), lang,
                                      catalog_version(session, r.catalog_version, catalog),
                                      catalog),
            )
            for r in runs
        ],
        limit=limit,
        next=run_cursor(runs[-1]) if more else None,
    )


def _add_profile(
    session: Session, tenant_id: int, body: Mapping[str, Any], valid: ValidProfile
) -> Profile:
    """Add a validated profile under ``tenant_id``, with its searchable columns."""
    return repo.add_profile(
        session,
        tenant_id=tenant_id,
        body=body,
        state=valid.state,
        district=valid.district,
        sector=str(valid.profile.sector),
        pincode=valid.profile.pincode,
    )
