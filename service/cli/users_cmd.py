"""``dakmatch users create USERNAME``: an officer (or admin) who signs in to ``/officer``."""

from __future__ import annotations

import argparse
import getpass
import sys

from service.cli import Subparsers
from service.cli._errors import fail, friendly_errors
from service.db import Role, make_engine, make_session_factory
from service.settings import get_settings
from service.web.users import UserError, check_new, create_user


def register(subparsers: Subparsers) -> None:
    users = subparsers.add_parser("users", help="web dashboard accounts (officers, admins)")
    commands = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    create = commands.add_parser(
        "create",
        help="create a user; the password is asked for (or read from the first line of stdin)",
    )
    create.add_argument("username", metavar="USERNAME",
                        help="2-100 lower-case letters, digits, '.', '_' or '-'")
    create.add_argument(
        "--role", choices=[Role.OFFICER.value, Role.ADMIN.value], default=Role.OFFICER.value,
        help="officer (default): the profile pages; admin: also the facts to re-check",
    )
    create.set_defaults(func=_create)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat it: ") != first:
            raise UserError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


@friendly_errors
def _create(args: argparse.Namespace) -> int:
    try:
        check_new(args.username, "x" * 100)
        password = _read_password()
        factory = make_session_factory(make_engine(get_settings().database_url))
        with factory.begin() as session:
            user = create_user(session, args.username, password, Role(args.role))
            print(f"created {user.role.value} {user.username} (#{user.id})")
    except UserError as exc:
        return fail(str(exc))
    return 0
