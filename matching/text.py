"""Free-text similarity: TF-IDF over offering texts, queried without per-call overhead.

The vocabulary and idf are learnt by scikit-learn's ``TfidfVectorizer`` at fit; queries are
encoded here with the same formula (sublinear tf, smooth idf, l2 norm) because one call of
``transform`` costs more than the whole ranking budget of a request.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_DENSE_MAX_CELLS = 5_000_000  # (V, N) float64 kept dense up to 40 MB

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without English stop words (every text signal uses it)."""
    return [w for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


@dataclass(frozen=True)
class TextIndex:
    """TF-IDF vectors of the offerings and a fast encoder for query texts."""

    vocabulary: dict[str, int]
    terms: npt.NDArray[np.object_]
    idf: F64
    offerings: sparse.csr_matrix  # (N, V), rows l2-normalised
    columns: F64 | None  # (V, N) dense transpose when small enough
    columns_sparse: sparse.csr_matrix  # (V, N)

    @classmethod
    def fit(cls, texts: Sequence[str]) -> TextIndex:
        """Learn vocabulary and idf from the offering texts (scikit-learn)."""
        vectorizer = TfidfVectorizer(analyzer=words, sublinear_tf=True, norm="l2")
        matrix = sparse.csr_matrix(vectorizer.fit_transform(list(texts)), dtype=np.float64)
        terms = vectorizer.get_feature_names_out().astype(object)
        transposed = sparse.csr_matrix(matrix.T)
        dense = (
            np.asarray(transposed.todense(), dtype=np.float64)
            if transposed.shape[0] * transposed.shape[1] <= _DENSE_MAX_CELLS else None
        )
        return cls(
            vocabulary={str(t): i for i, t in enumerate(terms)},
            terms=terms,
            idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            offerings=matrix,
            columns=dense,
            columns_sparse=transposed,
        )

    def query(self, text: str) -> tuple[I64, F64]:
        """Term columns and l2-normalised weights of ``text`` (empty when no term is known)."""
        counts = Counter(i for i in map(self.vocabulary.get, words(text)) if i is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64,
                         count=len(counts))
        weights = tf * self.idf[index]
        return index, weights / np.sqrt(weights @ weights)

    def scores(self, index: I64, weights: F64) -> F64:
        """Cosine similarity of one query with every offering, (N,)."""
        n = self.offerings.shape[0]
        if index.size == 0:
            return np.zeros(n)
        if self.columns is not None:
            return np.asarray(weights @ self.columns[index], dtype=np.float64)
        return np.asarray(self.columns_sparse[index].T @ weights, dtype=np.float64).ravel()

    def scores_many(self, texts: Sequence[str]) -> F64:
        """Cosine similarity of many query texts with every offering, (P, N)."""
        unique: dict[str, int] = {}
        codes = np.fromiter((unique.setdefault(t, len(unique)) for t in texts), dtype=np.int64,
                            count=len(texts))
        n = self.offerings.shape[0]
        block = np.zeros((len(unique), n), dtype=np.float64)
        for text, u in unique.items():
            index, weights = self.query(text)
            if index.size:
                block[u] = self.scores(index, weights)
        return block[codes]

    def overlap_terms(self, index: I64, weights: F64, j: int, limit: int = 3) -> list[str]:
        """The query terms that contribute most to its similarity with offering ``j``."""
        if index.size == 0:
            return []
        if self.columns is not None:
            column = self.columns[index, j]
        else:
            column = np.asarray(self.columns_sparse[index, j].todense()).ravel()
        overlap = weights * column
        order = np.argsort(-overlap, kind="stable")[:limit]
        return [str(self.terms[index[i]]) for i in order if overlap[i] > 0]
