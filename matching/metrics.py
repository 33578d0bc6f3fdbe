"""Ranking quality measures over graded judgements (grade 0 where a judgement is missing)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(grades: Sequence[float]) -> float:
    """Discounted cumulative gain with exponential gain: sum (2^g - 1) / log2(i + 2).

    >>> round(dcg([2, 0, 1]), 4)
    3.5
    """
    return float(sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(grades)))


def ndcg_at_k(ranked: Sequence[str], relevance: Mapping[str, int], k: int = 5) -> float:
    """NDCG@k of ``ranked`` ids against graded ``relevance`` (1.0 when nothing is relevant
    is not meaningful, so a profile without positive judgements scores 0)."""
    gains = [relevance.get(item, 0) for item in ranked[:k]]
    ideal = sorted((g for g in relevance.values() if g > 0), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best > 0 else 0.0


def reciprocal_rank(ranked: Sequence[str], relevance: Mapping[str, int], min_grade: int = 2
                    ) -> float:
    """1 / rank of the first item graded at least ``min_grade`` (0 if none is ranked)."""
    for i, item in enumerate(ranked):
        if relevance.get(item, 0) >= min_grade:
            return 1.0 / (i + 1)
    return 0.0


def recall_at_k(ranked: Sequence[str], relevance: Mapping[str, int], k: int = 5,
                min_grade: int = 1) -> float:
    """Share of items graded at least ``min_grade`` that appear in the top ``k``."""
    wanted = {item for item, grade in relevance.items() if grade >= min_grade}
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranked[:k])) / len(wanted)
