"""``dakmatch db upgrade|downgrade|current``: Alembic migrations of the configured database."""

from __future__ import annotations

import argparse

from service.bootstrap import downgrade_database, safe_url, upgrade_database
from service.cli import Subparsers
from service.cli._errors import friendly_errors
from service.db import make_engine
from service.db.migrate import current_revision, head_revision
from service.settings import get_settings


def register(subparsers: Subparsers) -> None:
    db = subparsers.add_parser(
        "db", help="migrate the database named by DATABASE_URL (default: ./data/dakmatch.db)"
    )
    commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    upgrade = commands.add_parser("upgrade", help="apply migrations up to REV (default: head)")
    upgrade.add_argument("revision", nargs="?", default="head", metavar="REV",
                         help="a revision id, or head (default)")
    upgrade.set_defaults(func=_upgrade)

    downgrade = commands.add_parser(
        "downgrade", help="revert migrations down to REV ('base' empties the database)"
    )
    downgrade.add_argument("revision", metavar="REV",
                           help="a revision id, or base (no tables)")
    downgrade.set_defaults(func=_downgrade)

    current = commands.add_parser("current", help="print the database's revision and the head")
    current.set_defaults(func=_current)


@friendly_errors
def _upgrade(args: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade_database(settings, args.revision)
    print(f"database {safe_url(settings.database_url)} at revision {args.revision}")
    return 0


@friendly_errors
def _downgrade(args: argparse.Namespace) -> int:
    settings = get_settings()
    downgrade_database(settings, args.revision)
    print(f"database {safe_url(settings.database_url)} at revision {args.revision}")
    return 0


@friendly_errors
def _current(_args: argparse.Namespace) -> int:
    engine = make_engine(get_settings().database_url)
    try:
        with engine.connect() as conn:
            current = current_revision(conn)
    finally:
        engine.dispose()
    print(f"current: {current or 'none (empty database)'}; head: {head_revision()}")
    return 0
