"""The ``dakmatch`` console script: one sub-command module per concern.

Each module in ``_COMMAND_MODULES`` exposes ``register(subparsers)``, which adds its
sub-command(s) with ``--help`` texts and sets ``func`` on the parser; ``func(args)`` returns
the exit code. Errors the user can fix print one line to stderr and exit non-zero.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

_COMMAND_MODULES = (
    "service.cli.batch_cmd",
    "service.cli.catalog_cmd",
    "service.cli.db_cmd",
    "service.cli.eval_cmd",
    "service.cli.keys_cmd",
    "service.cli.rank_cmd",
    "service.cli.serve_cmd",
    "service.cli.users_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dakmatch",
        description="Match Indian MSMEs to India Post and partner services.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
