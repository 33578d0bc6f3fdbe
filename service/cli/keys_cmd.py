"""``dakmatch keys create|list|revoke|origins``: API keys (only their hashes are stored)."""

from __future__ import annotations

import argparse
import datetime as dt
import re

from sqlalchemy.orm import Session, sessionmaker

from service.auth import repository as auth_repo
from service.auth.repository import OPERATOR_TENANT, ReservedTenant
from service.cli import Subparsers
from service.cli._errors import fail, friendly_errors
from service.db import Role, make_engine, make_session_factory
from service.settings import get_settings

_TENANT = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def register(subparsers: Subparsers) -> None:
    keys = subparsers.add_parser("keys", help="create, list and revoke API keys")
    commands = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    create = commands.add_parser(
        "create", help="create a key; the key itself is printed once, on the last line"
    )
    create.add_argument(
        "--role", required=True, choices=[r.value for r in Role],
        help="partner: its tenant's profiles and feedback; officer: every tenant's; admin: the "
        "catalogue and /metrics; widget: rankings and the catalogue from its tenant's origins",
    )
    create.add_argument(
        "--tenant",
        help=f"tenant (partner) name, e.g. wtc-mumbai; required for partner and widget keys "
        f"(not a built-in tenant: {', '.join(sorted(auth_repo.RESERVED_TENANTS))}), "
        f"default '{OPERATOR_TENANT}' for officer and admin keys",
    )
    create.set_defaults(func=_create)

    listing = commands.add_parser("list", help="list keys (prefix, role, tenant, dates)")
    listing.set_defaults(func=_list)

    revoke = commands.add_parser("revoke", help="revoke a key by its id or prefix")
    revoke.add_argument("key", metavar="ID_OR_PREFIX",
                        help="the key's id or prefix, as `dakmatch keys list` shows them")
    revoke.set_defaults(func=_revoke)

    origins = commands.add_parser(
        "origins",
        help="show or set the browser origins a tenant's keys may be used from (CORS)",
    )
    origins.add_argument("--tenant", required=True, help="the tenant whose keys these are")
    origins.add_argument(
        "origin", nargs="*", help="e.g. https://portal.example.in (none: show the list)"
    )
    origins.add_argument("--clear", action="store_true", help="remove every origin")
    origins.set_defaults(func=_origins)


def _session_factory() -> sessionmaker[Session]:
    return make_session_factory(make_engine(get_settings().database_url))


@friendly_errors
def _create(args: argparse.Namespace) -> int:
    role = Role(args.role)
    partner_side = role in (Role.PARTNER, Role.WIDGET)
    tenant = args.tenant or (None if partner_side else OPERATOR_TENANT)
    if tenant is None:
        return fail(f"a {role.value} key needs --tenant NAME (the partner it belongs to)")
    if not _TENANT.match(tenant):
        return fail(f"tenant name {tenant!r}: use lower-case letters, digits, '.', '_' or '-'")
    with _session_factory().begin() as session:
        try:
            row, secret = auth_repo.create_key(session, role, tenant)
        except ReservedTenant as exc:
            return fail(str(exc))
        key_id = row.id
    print(f"created {role.value} key #{key_id} for tenant {tenant}; it is shown only once:")
    print(secret)
    return 0


@friendly_errors
def _list(_args: argparse.Namespace) -> int:
    with _session_factory()() as session:
        rows = auth_repo.list_keys(session)
    print(
        f"{'id':>4}  {'prefix':<12}  {'role':<8}  {'tenant':<20}  {'created':<19}  "
        f"{'last used':<19}  revoked"
    )
    for key, tenant in rows:
        print(
            f"{key.id:>4}  {key.prefix:<12}  {key.role.value:<8}  {tenant:<20}  "
            f"{_when(key.created_at):<19}  {_when(key.last_used_at):<19}  {_when(key.revoked_at)}"
        )
    return 0


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


@friendly_errors
def _revoke(args: argparse.Namespace) -> int:
    with _session_factory().begin() as session:
        row = auth_repo.revoke_key(session, args.key)
        if row is None:
            return fail(f"no single active key with id or prefix {args.key!r}")
        print(f"revoked key #{row.id} ({row.prefix})")
    return 0


@friendly_errors
def _origins(args: argparse.Namespace) -> int:
    bad = [o for o in args.origin if not _ORIGIN.match(o)]
    if bad:
        return fail(f"not an origin (scheme://host[:port], no path): {bad[0]}")
    with _session_factory().begin() as session:
        tenant = auth_repo.find_tenant(session, args.tenant)
        if tenant is None:
            return fail(f"no tenant {args.tenant!r}; create a key for it first")
        if args.origin or args.clear:
            auth_repo.set_allowed_origins(session, tenant, [] if args.clear else args.origin)
        listed = ", ".join(tenant.allowed_origins) or "(none)"
        print(f"{tenant.name}: {listed}")
    return 0
