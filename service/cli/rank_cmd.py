"""``dakmatch rank PROFILE.json``: one ranking, printed as the API's JSON (DESIGN §5)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from catalog import CatalogError, Geography, load_catalog
from service.cli import Subparsers, not_valid


def register(subparsers: Subparsers) -> None:
    rank = subparsers.add_parser(
        "rank",
        help="rank the catalogue for one profile (a JSON file, or - for stdin) and print the "
        "API's JSON",
    )
    rank.add_argument("profile", help="profile JSON file (DESIGN §4 fields), or - for stdin")
    rank.add_argument("--limit", type=int, default=10, help="recommendations, 1 to 50 (10)")
    rank.add_argument("--catalog", help="catalogue YAML (default: the packaged catalogue)")
    rank.add_argument("--lang", choices=("en", "hi", "mr"), default="en",
                      help="language of the reasons (en)")
    rank.set_defaults(func=_rank)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _read(source: str) -> Any:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    return json.loads(text)


def _rank(args: argparse.Namespace) -> int:
    from matching import ProfileError, Ranker, parse_profile, ranking_payload
    from service.offerings.language import localized_names
    from service.reasons import renderer

    if not 1 <= args.limit <= 50:
        return _fail(f"--limit must be 1 to 50, not {args.limit}")
    try:
        data = _read(args.profile)
    except OSError as exc:
        return _fail(f"cannot read {args.profile}: {exc.strerror or exc}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return _fail(f"{args.profile} is not valid JSON: {exc}")
    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return _fail(not_valid(len(exc.problems), "catalogue"))
    geography = Geography.load()
    try:
        profile = parse_profile(data, geography)
    except ProfileError as exc:
        for error in exc.errors:
            print(f"error: {error['message']}", file=sys.stderr)
        return _fail(not_valid(len(exc.errors), "profile"))
    ranker = Ranker().fit(catalog, geography)
    payload = ranking_payload(ranker.rank(profile, k=args.limit), catalog.version,
                              render=renderer(args.lang, catalog).many)
    payload = localized_names(payload, catalog, args.lang)
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0
