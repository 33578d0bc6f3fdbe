"""The ``dakmatch`` console script: one sub-command module per concern.

Each module in ``COMMAND_MODULES`` (command name -> module) exposes ``register(subparsers)``,
which adds its sub-command with ``--help`` texts and sets ``func`` on the parser;
``func(args)`` returns the exit code. Errors the user can fix print one line to stderr and
exit non-zero.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from gettext import ngettext
from typing import TypeAlias

# What ``register(subparsers)`` of each command module receives.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

COMMAND_MODULES = {
    "batch": "service.cli.batch_cmd",
    "catalog": "service.cli.catalog_cmd",
    "db": "service.cli.db_cmd",
    "eval": "service.cli.eval_cmd",
    "keys": "service.cli.keys_cmd",
    "model": "service.cli.model_cmd",
    "rank": "service.cli.rank_cmd",
    "serve": "service.cli.serve_cmd",
    "users": "service.cli.users_cmd",
}


def counted(count: int, singular: str, plural: str) -> str:
    """``count`` with its noun: ``counted(1, "{n} offering", "{n} offerings")`` is
    '1 offering' (``ngettext``: the plural of the count, never 'offering(s)'); thousands
    grouped with commas ('1,200 rows')."""
    return ngettext(singular, plural, count).format(n=f"{count:,}")


def not_valid(count: int, subject: str) -> str:
    """The closing line of a list of problems: '1 problem; catalogue not valid'."""
    return ngettext("{n} problem; {subject} not valid", "{n} problems; {subject} not valid",
                    count).format(n=count, subject=subject)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every sub-command, or only of ``command`` when it is one of them (its
    module alone is imported: ``dakmatch batch`` does not load the web app's modules)."""
    parser = argparse.ArgumentParser(
        prog="dakmatch",
        description="Match Indian MSMEs to India Post and partner services.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    names = [command] if command in COMMAND_MODULES else list(COMMAND_MODULES)
    for name in names:
        importlib.import_module(COMMAND_MODULES[name]).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in arguments if not a.startswith("-")), None)
    parser = build_parser(first)
    args = parser.parse_args(arguments)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
