"""``dakmatch catalog validate|load|export|stale``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from gettext import ngettext

from catalog import Catalog, CatalogError, export_csv, export_json, load_catalog
from catalog.rules import publication_problems, stale
from service.cli import Subparsers, counted, not_valid


def register(subparsers: Subparsers) -> None:
    catalog = subparsers.add_parser(
        "catalog", help="check, load and export the offerings catalogue; list facts to re-check"
    )
    commands = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    validate = commands.add_parser(
        "validate",
        help="check a catalogue file; exits 1 and names entry and field on any error",
        description=(
            "Checks the schema and the publication rules: official sources listed first, no "
            "banned source hosts (test servers, look-alike blogs, exam-preparation sites, slide "
            "decks), every caveat dated, no researcher's notes in user text, and Hindi and "
            "Marathi text for every active offering and how-to entry."
        ),
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
    export.add_argument("--format", choices=("json", "csv"), default="json",
                        help="json (default): the whole catalogue; csv: one row per offering")
    export.set_defaults(func=_export)

    old = commands.add_parser(
        "stale",
        help="list the active offerings whose facts (as_of) are older than --days, with sources",
    )
    old.add_argument("path", nargs="?", help="YAML file (default: the packaged catalogue)")
    old.add_argument(
        "--days", type=_days, default=365, help="age in days that needs re-checking (default 365)"
    )
    old.set_defaults(func=_stale)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: '{text}'") from None
    if days < 0:
        raise argparse.ArgumentTypeError(f"days cannot be negative: {days}")
    return days


def _validate(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(args.path)
    except CatalogError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(not_valid(len(exc.problems), "catalogue"), file=sys.stderr)
        return 1
    problems = publication_problems(catalog)
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        print(not_valid(len(problems), "catalogue"), file=sys.stderr)
        return 1
    offerings = counted(len(catalog), "{n} offering", "{n} offerings")
    print(f"ok: {offerings} ({len(catalog.active())} active), catalogue version {catalog.version}")
    return 0


def _export(args: argparse.Namespace) -> int:
    catalog = _load_or_report(args.path)
    if catalog is None:
        return 1
    sys.stdout.write(export_json(catalog) + "\n" if args.format == "json" else export_csv(catalog))
    return 0


def _stale(args: argparse.Namespace) -> int:
    catalog = _load_or_report(args.path)
    if catalog is None:
        return 1
    today = dt.date.today()
    found = stale(catalog, days=args.days, today=today)
    for offering in found:
        age = _days_text((today - offering.as_of).days)
        print(f"{offering.id}  as_of {offering.as_of.isoformat()} ({age})")
        for url in offering.source_urls:
            print(f"    {url}")
    # The sentence of the officers' page of facts to re-check (its msgids).
    print(ngettext("{n} of {total} active offerings has facts older than {age}.",
                   "{n} of {total} active offerings have facts older than {age}.",
                   len(found)).format(n=len(found), total=len(catalog.active()),
                                      age=_days_text(args.days)))
    return 0


def _days_text(days: int) -> str:
    return counted(days, "{n} day", "{n} days")


def _load(args: argparse.Namespace) -> int:
    # Imported here: validate/export must work without the database packages being configured.
    from service.bootstrap import load_catalog_file
    from service.cli._errors import friendly_errors
    from service.settings import get_settings

    @friendly_errors
    def run() -> int:
        result = load_catalog_file(get_settings(), args.path)
        verb = "loaded new" if result.added else "unchanged: already serving"
        offerings = counted(len(result.catalog), "{n} offering", "{n} offerings")
        stored = counted(result.versions, "{n} version stored", "{n} versions stored")
        print(f"{verb} catalogue version {result.catalog.version} ({offerings}; {stored})")
        return 0

    return run()


def _load_or_report(path: str | None) -> Catalog | None:
    """The catalogue at ``path`` (the packaged one when None), or None after printing each
    problem to stderr."""
    try:
        return load_catalog(path)
    except CatalogError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return None
