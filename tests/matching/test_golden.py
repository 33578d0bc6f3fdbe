"""The judged profiles rank exactly as recorded in ``tests/data/golden_rankings.json``
(offering ids in order, scores to 6 decimals, not-eligible ids): a change of code that should
not change rankings (explanations, speed work, refactoring) is caught here. When a ranking
change is intended, regenerate the file with ``python bench/golden_rankings.py --out
tests/data/golden_rankings.json`` and say so in the commit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from catalog import Geography
from matching import Ranker

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden_rankings.json"


def test_judged_profiles_rank_as_recorded(full_ranker: Ranker, full_geography: Geography) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from bench.golden_rankings import rankings
    finally:
        sys.path.remove(str(ROOT))
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))["rankings"]
    now = rankings(full_ranker, full_geography)
    differ = [pid for pid, golden in recorded.items() if now.get(pid) != golden]
    assert not differ, f"rankings changed for {differ}; first: {recorded[differ[0]]} -> " \
        f"{now.get(differ[0])}"
