"""Every query on tenants, API keys, the replies stored per key (``Idempotency-Key``) and the
web pages' user accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.auth.keys import display_prefix, key_hash, new_secret
from service.db import ApiKey, IdempotencyKey, Role, Tenant, User
from service.db.base import utcnow

# Writing last_used_at on every request would turn each read into a write; once a minute is
# enough to tell a live key from a forgotten one.
_TOUCH_EVERY = dt.timedelta(seconds=60)

# Built-in tenants: officers' and admins' keys belong to the operator, and the public form
# stores consenting visitors' profiles under ``web``. A partner or widget key of one of them
# would open what is not a partner's (a partner key of ``web`` would read every visitor).
OPERATOR_TENANT = "dakmatch"
WEB_TENANT = "web"
RESERVED_TENANTS = frozenset({OPERATOR_TENANT, WEB_TENANT})
_TENANT_ROLES = frozenset({Role.PARTNER, Role.WIDGET})


class ReservedTenant(ValueError):
    """A partner or widget key asked for a built-in tenant."""


def get_or_create_tenant(session: Session, name: str) -> Tenant:
    tenant = session.scalars(select(Tenant).where(Tenant.name == name)).first()
    if tenant is None:
        tenant = Tenant(name=name, allowed_origins=[])
        session.add(tenant)
        session.flush()
    return tenant


def find_tenant(session: Session, name: str) -> Tenant | None:
    return session.scalars(select(Tenant).where(Tenant.name == name)).first()


def set_allowed_origins(session: Session, tenant: Tenant, origins: Sequence[str]) -> None:
    tenant.allowed_origins = sorted(set(origins))
    session.flush()


def all_allowed_origins(session: Session) -> set[str]:
    """Every origin some tenant allows (answers browsers' preflight requests)."""
    origins: set[str] = set()
    for listed in session.scalars(select(Tenant.allowed_origins)):
        origins.update(str(o) for o in listed or ())
    return origins


def create_key(session: Session, role: Role, tenant_name: str) -> tuple[ApiKey, str]:
    """Store a new key for ``tenant_name`` (created if new); returns the row and the secret.

    Raises :class:`ReservedTenant` for a partner or widget key of a built-in tenant.
    """
    if role in _TENANT_ROLES and tenant_name in RESERVED_TENANTS:
        raise ReservedTenant(
            f"tenant {tenant_name!r} is built in ({', '.join(sorted(RESERVED_TENANTS))}): "
            f"a {role.value} key belongs to a partner's own tenant; choose another name"
        )
    tenant = get_or_create_tenant(session, tenant_name)
    secret = new_secret(role)
    row = ApiKey(
        key_hash=key_hash(secret), prefix=display_prefix(secret), role=role, tenant_id=tenant.id
    )
    session.add(row)
    session.flush()
    return row, secret


def authenticate(session: Session, secret: str) -> tuple[ApiKey, Tenant] | None:
    """The active key with this secret and its tenant, or None (unknown or revoked)."""
    found = session.execute(
        select(ApiKey, Tenant)
        .join(Tenant, ApiKey.tenant_id == Tenant.id)
        .where(ApiKey.key_hash == key_hash(secret), ApiKey.revoked_at.is_(None))
    ).first()
    if found is None:
        return None
    key, tenant = found
    now = utcnow()
    last = key.last_used_at
    if last is None or now - last > _TOUCH_EVERY:
        session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
    return key, tenant


def list_keys(session: Session) -> list[tuple[ApiKey, str]]:
    rows = session.execute(
        select(ApiKey, Tenant.name).join(Tenant, ApiKey.tenant_id == Tenant.id).order_by(ApiKey.id)
    )
    return [(key, name) for key, name in rows]


def revoke_key(session: Session, ident: str) -> ApiKey | None:
    """Revoke by numeric id or display prefix; None when no active key matches."""
    query = select(ApiKey).where(ApiKey.revoked_at.is_(None))
    if ident.isdigit():
        query = query.where(ApiKey.id == int(ident))
    else:
        query = query.where(ApiKey.prefix == ident)
    keys = session.scalars(query).all()
    if len(keys) != 1:
        return None
    keys[0].revoked_at = utcnow()
    session.flush()
    return keys[0]


def find_reply(session: Session, api_key_id: int, key: str) -> IdempotencyKey | None:
    """The reply stored for this API key's ``Idempotency-Key``, if any."""
    query = select(IdempotencyKey).where(
        IdempotencyKey.api_key_id == api_key_id, IdempotencyKey.key == key
    )
    return session.scalars(query).first()


def add_reply(
    session: Session,
    *,
    api_key_id: int,
    key: str,
    request_hash: str,
    status: int,
    body: Mapping[str, Any],
    profile_id: str | None,
) -> IdempotencyKey:
    row = IdempotencyKey(
        key=key,
        api_key_id=api_key_id,
        request_hash=request_hash,
        response_status=status,
        response_body=dict(body),
        profile_id=profile_id,
    )
    session.add(row)
    session.flush()
    return row


def find_user(session: Session, username: str) -> User | None:
    """The web pages' account named ``username`` (active or not)."""
    return session.scalars(select(User).where(User.username == username)).first()


def add_user(session: Session, username: str, password_hash: str, role: Role) -> User:
    user = User(username=username, password_hash=password_hash, role=role, active=True)
    session.add(user)
    session.flush()
    return user
