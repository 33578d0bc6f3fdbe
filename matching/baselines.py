"""Baselines the ranker must beat: popularity and text-only BM25.

Both rank only offerings the eligibility rules allow, like the ranker, so the comparison
measures the ranking and not the rules.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from catalog.schema import Offering
from matching.features import offering_text
from matching.text import words as content_words


class Popularity:
    """Ranks offerings by how often (grade-weighted) they were relevant in a training set."""

    def __init__(self, judgements: Iterable[Mapping[str, int]]) -> None:
        counts: Counter[str] = Counter()
        for relevance in judgements:
            for oid, grade in relevance.items():
                counts[oid] += grade
        self.counts = counts

    def rank(self, candidates: Sequence[str], k: int) -> list[str]:
        """The ``k`` most popular of ``candidates`` (ties by id)."""
        return sorted(candidates, key=lambda oid: (-self.counts.get(oid, 0), oid))[:k]


class BM25:
    """Okapi BM25 over offering name, description and keywords."""

    def __init__(self, offerings: Sequence[Offering], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.ids = [o.id for o in offerings]
        self.documents = [Counter(content_words(offering_text(o))) for o in offerings]
        lengths = [sum(d.values()) for d in self.documents]
        self.lengths = lengths
        self.average = sum(lengths) / len(lengths) if lengths else 0.0
        frequency: Counter[str] = Counter()
        for document in self.documents:
            frequency.update(document.keys())
        n = len(self.documents)
        self.idf = {
            term: math.log(1.0 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()
        }

    def scores(self, query: str) -> dict[str, float]:
        """BM25 score of every offering for ``query``."""
        terms = content_words(query)
        out: dict[str, float] = {}
        for oid, document, length in zip(self.ids, self.documents, self.lengths, strict=True):
            total = 0.0
            norm = self.k1 * (1.0 - self.b + self.b * length / self.average)
            for term in terms:
                tf = document.get(term, 0)
                if tf:
                    total += self.idf[term] * tf * (self.k1 + 1.0) / (tf + norm)
            out[oid] = total
        return out

    def rank(self, query: str, candidates: Sequence[str], k: int) -> list[str]:
        """The ``k`` best of ``candidates`` for ``query`` (ties by id)."""
        scores = self.scores(query)
        return sorted(candidates, key=lambda oid: (-scores.get(oid, 0.0), oid))[:k]


def bm25_query(profile: Mapping[str, object]) -> str:
    """The text-only query of a profile: its products and the words of its needs."""
    needs = profile.get("needs") or []
    words = [str(n).replace("_", " ") for n in needs] if isinstance(needs, list | tuple) else []
    return " ".join([str(profile.get("products") or ""), *words])
