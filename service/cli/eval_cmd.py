"""``dakmatch eval``: ranking quality on the judged sets, beside popularity and BM25."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from catalog import CatalogError, Geography, load_catalog
from service.cli import Subparsers, counted, not_valid


def register(subparsers: Subparsers) -> None:
    evaluate = subparsers.add_parser(
        "eval",
        help="NDCG@5, MRR and recall@5 of the ranker and the popularity and BM25 baselines on "
        "the judged sets (tuning, held-aside, the independent set, the realistic development "
        "set, the realistic set and the fresh set, each reported separately)",
    )
    evaluate.add_argument(
        "--data",
        type=Path,
        help="directory with judged_tuning.yaml, judged_held_aside.yaml, "
        "judged_independent.yaml, judged_realistic_dev.yaml, judged_realistic.yaml and "
        "judged_fresh.yaml "
        "(default: tests/data of the source tree)",
    )
    evaluate.add_argument("--catalog", help="catalogue YAML (default: the packaged catalogue)")
    evaluate.add_argument(
        "--missing-ids",
        choices=("error", "absent"),
        default="error",
        help="judged offering ids that the catalogue lacks: 'error' (default) refuses the judged "
        "sets; 'absent' keeps them in the ideal ranking, where they can never be recommended, so "
        "that an older catalogue is measured on today's judgements (the ids are listed)",
    )
    evaluate.add_argument(
        "--details",
        action="store_true",
        help="also list, per profile, where the ranker disagrees with the judgements and which "
        "profiles of the realistic sets current validation refuses",
    )
    evaluate.set_defaults(func=_eval)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _eval(args: argparse.Namespace) -> int:
    from matching import ProfileError, Ranker
    from matching.evaluate import (
        avoided_in_top,
        by_category,
        by_kind,
        disagreements,
        evaluate,
        format_table,
        summarise,
    )
    from matching.judged import AS_SENT_FILES, EVAL_FILES, JudgedSetError, load_sets

    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return _fail(not_valid(len(exc.problems), "catalogue"))
    try:
        sets = load_sets(args.data, [o.id for o in catalog.offerings], EVAL_FILES,
                         args.missing_ids)
    except OSError as exc:
        return _fail(f"cannot read the judged sets: {exc}")
    except JudgedSetError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return _fail(counted(len(exc.problems), "{n} problem in the judged sets",
                             "{n} problems in the judged sets"))
    geography = Geography.load()
    ranker = Ranker().fit(catalog, geography)
    # The realistic sets hold profiles that DESIGN §4 as amended allows (weights in tonnes) and
    # that the validation of the day may still refuse: those are counted, not fatal.
    try:
        results = evaluate(ranker, sets, geography, frozenset(AS_SENT_FILES))
    except ProfileError as exc:
        return _fail(f"a judged profile is not valid: {exc}")
    categories = {o.id: o.category.value for o in catalog.offerings}
    print(
        f"catalogue {catalog.version}, model {ranker.model_version}; k=5; MRR counts the first "
        "grade-2 answer, recall@5 every graded answer; baselines rank eligible offerings only; "
        "popularity is learnt from the tuning set"
    )
    known = {o.id for o in catalog.offerings}
    absent = sorted({oid for profiles in sets.values() for j in profiles
                     for oid in (*j.relevance, *j.avoid)} - known)
    if absent:
        print("judged ids absent from this catalogue (kept in the ideal ranking, never "
              f"recommended): {', '.join(absent)}")
    for name in EVAL_FILES:
        scored = results[name].scored
        skipped = results[name].skipped
        print()
        profiles = counted(len(scored), "{n} profile", "{n} profiles")
        print(format_table([summarise(name, scored)], f"== {name} ({profiles}) =="))
        if name in AS_SENT_FILES:
            print(f"skipped (invalid under current validation): {len(skipped)}")
            if args.details:
                for pid, problem in skipped:
                    print(f"  {pid}: {problem}")
            print(format_table(by_kind(scored), f"-- {name} by kind of profile --"))
            avoided = avoided_in_top(scored)
            print(f"profiles with an offering their judgements rule out in the ranker's top "
                  f"five: {len(avoided)}")
            for line in avoided:
                print(f"  {line}")
        print(
            format_table(
                by_category(scored, categories), f"-- {name} by group of the right answers --"
            )
        )
        if args.details:
            print(f"-- {name}: where the ranker disagrees --")
            print("\n".join(disagreements(scored)) or "(none)")
    print()
    for name, label in (("realistic_dev", "realistic development set (tuned on)"),
                        ("held_aside", "held-aside"), ("independent", "independent set"),
                        ("realistic", "realistic set"), ("fresh", "fresh set")):
        held = summarise(name, results[name].scored).means
        best = max(held["popularity"]["ndcg@5"], held["bm25"]["ndcg@5"])
        skipped_note = (
            f" ({len(results[name].skipped)} skipped as invalid)" if results[name].skipped else ""
        )
        print(
            f"{label} NDCG@5 {held['ranker']['ndcg@5']:.3f}, "
            f"{held['ranker']['ndcg@5'] - best:+.3f} over the better baseline{skipped_note}"
        )
    return 0
