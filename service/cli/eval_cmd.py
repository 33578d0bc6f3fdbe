"""``dakmatch eval``: ranking quality on the judged sets, beside popularity and BM25."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from catalog import CatalogError, Geography, load_catalog


def register(subparsers: Any) -> None:
    evaluate = subparsers.add_parser(
        "eval",
        help="NDCG@5, MRR and recall@5 of the ranker and the popularity and BM25 baselines on "
        "the judged sets (tuning, held-aside and the independent set reported separately)",
    )
    evaluate.add_argument(
        "--data",
        type=Path,
        help="directory with judged_tuning.yaml, judged_held_aside.yaml and "
        "judged_independent.yaml (default: tests/data of the source tree)",
    )
    evaluate.add_argument("--catalog", help="catalogue YAML (default: the packaged catalogue)")
    evaluate.add_argument(
        "--details",
        action="store_true",
        help="also list, per profile, where the ranker disagrees with the judgements",
    )
    evaluate.set_defaults(func=_eval)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _eval(args: argparse.Namespace) -> int:
    from matching import ProfileError, Ranker
    from matching.evaluate import by_category, disagreements, evaluate, format_table, summarise
    from matching.judged import JudgedSetError, load_sets

    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return _fail(f"{len(exc.problems)} problem(s); catalogue not valid")
    try:
        sets = load_sets(args.data, [o.id for o in catalog.offerings])
    except OSError as exc:
        return _fail(f"cannot read the judged sets: {exc}")
    except JudgedSetError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return _fail(f"{len(exc.problems)} problem(s) in the judged sets")
    geography = Geography.load()
    ranker = Ranker().fit(catalog, geography)
    try:
        results = evaluate(ranker, sets, geography)
    except ProfileError as exc:
        return _fail(f"a judged profile is not valid: {exc}")
    categories = {o.id: o.category.value for o in catalog.offerings}
    print(
        f"catalogue {catalog.version}, model {ranker.model_version}; k=5; MRR counts the first "
        "grade-2 answer, recall@5 every graded answer; baselines rank eligible offerings only; "
        "popularity is learnt from the tuning set"
    )
    for name in ("tuning", "held_aside", "independent"):
        scored = results[name]
        print()
        print(format_table([summarise(name, scored)], f"== {name} ({len(scored)} profiles) =="))
        print(
            format_table(
                by_category(scored, categories), f"-- {name} by group of the right answers --"
            )
        )
        if args.details:
            print(f"-- {name}: where the ranker disagrees --")
            print("\n".join(disagreements(scored)) or "(none)")
    print()
    for name, label in (("held_aside", "held-aside"), ("independent", "independent set")):
        held = summarise(name, results[name]).means
        best = max(held["popularity"]["ndcg@5"], held["bm25"]["ndcg@5"])
        print(
            f"{label} NDCG@5 {held['ranker']['ndcg@5']:.3f}, "
            f"{held['ranker']['ndcg@5'] - best:+.3f} over the better baseline"
        )
    return 0
