"""Golden rankings: every judged profile's ranking and its English explanations, as JSON.

    python bench/golden_rankings.py [--out FILE] [--reasons]

For every profile of ``tests/data/judged_*.yaml`` (by id, sets in file order), ranked with the
packaged catalogue on the full PIN directory: the recommended offering ids in order with their
scores rounded to 6 decimals (``k=10``, the API's default) and the not-eligible ids in order.
With ``--reasons``, also every English sentence of a ``k=50`` ranking (reasons, prerequisites,
not-eligible reasons), to compare the wording of two versions of the code.

``tests/data/golden_rankings.json`` is this script's output without ``--reasons``; the test
``tests/matching/test_golden.py`` compares the ranker against it. When a change of rankings is
intended (catalogue, weights, rules), regenerate it and say so in the commit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from catalog import Catalog, Geography, load_catalog  # noqa: E402
from matching import Ranker, parse_profile  # noqa: E402
from matching.judged import load_sets  # noqa: E402

RANK_K = 10
REASONS_K = 50


def rankings(ranker: Ranker, geography: Geography) -> dict[str, Any]:
    """Per judged profile id: ``recommendations`` ([id, score]) and ``not_eligible`` (ids)."""
    out: dict[str, Any] = {}
    for profiles in load_sets().values():
        for judged in profiles:
            ranking = ranker.rank(parse_profile(judged.profile, geography), k=RANK_K)
            out[judged.id] = {
                "recommendations": [[r.offering_id, round(r.score, 6)]
                                    for r in ranking.recommendations],
                "not_eligible": [n.offering_id for n in ranking.not_eligible],
            }
    return out


def sentences(ranker: Ranker, geography: Geography, catalog: Catalog) -> dict[str, Any]:
    """Per judged profile id: every English sentence of its ``k=50`` ranking, by offering."""
    out: dict[str, Any] = {}
    for profiles in load_sets().values():
        for judged in profiles:
            ranking = ranker.rank(parse_profile(judged.profile, geography), k=REASONS_K)
            out[judged.id] = {
                "reasons": {r.offering_id: list(_english(r.reasons, catalog))
                            for r in ranking.recommendations},
                "prerequisites": {r.offering_id: list(_english(r.prerequisites, catalog))
                                  for r in ranking.recommendations},
                "not_eligible": {n.offering_id: list(_english(n.reasons, catalog))
                                 for n in ranking.not_eligible},
            }
    return out


def _english(items: Any, catalog: Catalog) -> list[str]:
    # Reasons were English sentences before they became codes (compare with an old checkout).
    if any(not isinstance(item, str) for item in items):
        from service.reasons import render
        return [render(item, "en", catalog) for item in items]
    return list(items)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write here (default: standard output)")
    parser.add_argument("--reasons", action="store_true",
                        help="also the English sentences of a k=50 ranking")
    args = parser.parse_args()
    geography = Geography.load()
    catalog = load_catalog()
    ranker = Ranker().fit(catalog, geography)
    document: dict[str, Any] = {"rankings": rankings(ranker, geography)}
    if args.reasons:
        document["sentences"] = sentences(ranker, geography, catalog)
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
