"""``dakmatch native``: build the mypyc-compiled explanation modules, or say which are in use."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    native = subparsers.add_parser(
        "native",
        help="compile the explanation modules with mypyc (matching/native.py); the package "
        "uses the build only while it matches every source file, else stays pure Python",
    )
    native.add_argument(
        "action",
        choices=("build", "status"),
        help="build: compile unless the build of the current sources exists (about a minute; "
        "needs a C compiler and the Python headers); status: whether that build exists and "
        "whether this process imports it",
    )
    native.add_argument("--verbose", action="store_true", help="print the compiler's output")
    native.set_defaults(func=_native)


def _native(args: argparse.Namespace) -> int:
    from matching import native

    if args.action == "build":
        try:
            target = native.build(quiet=not args.verbose)
        except (RuntimeError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"compiled explanation modules: {target}")
        return 0
    import matching.answer  # noqa: F401  (imported to see which copy this process uses)

    target = native.build_dir()
    print(f"build of the current sources: {target if native.built(target) else 'none'}")
    print(f"in use in this process: {'compiled' if native.active() else 'pure Python'}")
    return 0
