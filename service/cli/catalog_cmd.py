"""``dakmatch catalog validate|load|export``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from catalog import CatalogError, export_csv, export_json, load_catalog


def register(subparsers: Any) -> None:
    catalog = subparsers.add_parser(
        "catalog", help="check, load and export the offerings catalogue"
    )
    commands = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    validate = commands.add_parser(
        "validate",
        help="check a catalogue file; exits 1 and names entry and field on any error",
    )
    validate.add_argument("path", nargs="?", help="YAML file (default: the packaged catalogue)")
    validate.set_defaults(func=_validate)

    load = commands.add_parser(
        "load",
        help="store the catalogue in the database as a new version, unless it is unchanged",
    )
    load.add_argument("path", nargs="?", help="YAML file (default: the packaged catalogue)")
    load.set_defaults(func=_load)

    export = commands.add_parser("export", help="write the catalogue as JSON or CSV to stdout")
    export.add_argument("path", nargs="?", help="YAML file (default: the packaged catalogue)")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.set_defaults(func=_export)


def _validate(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(args.path)
    except CatalogError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); catalogue not valid", file=sys.stderr)
        return 1
    active = len(catalog.active())
    print(f"ok: {len(catalog)} offerings ({active} active), catalogue version {catalog.version}")
    return 0


def _export(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(args.path)
    except CatalogError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    sys.stdout.write(export_json(catalog) + "\n" if args.format == "json" else export_csv(catalog))
    return 0


def _load(args: argparse.Namespace) -> int:
    # Imported here: validate/export must work without the database packages being configured.
    from service.bootstrap import load_catalog_file
    from service.cli._errors import friendly_errors
    from service.settings import get_settings

    @friendly_errors
    def run() -> int:
        result = load_catalog_file(get_settings(), args.path)
        verb = "loaded new" if result.added else "unchanged: already serving"
        print(
            f"{verb} catalogue version {result.catalog.version} "
            f"({len(result.catalog)} offerings; {result.versions} version(s) stored)"
        )
        return 0

    return run()
