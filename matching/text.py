"""Free-text similarity: TF-IDF over offering texts, queried without per-call overhead.

The vocabulary and idf are learnt by scikit-learn's ``TfidfVectorizer`` at fit; queries are
encoded here with the same formula (sublinear tf, smooth idf, l2 norm) because one call of
``transform`` costs more than the whole ranking budget of a request.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from matching.intent import STOP_WORDS, key

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_DENSE_MAX_CELLS = 5_000_000  # (V, N) float64 kept dense up to 40 MB
BLOCK_CELLS = 2_000_000  # term rows x offerings multiplied at once in ``scores_many``

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words (scikit-learn's English list and
    ``matching.intent.STOP_WORDS``, in the four ways profiles are written): every text signal
    uses it, so no stop word is ever named as a match."""
    return [w for w in _WORD.findall(text.lower())
            if w not in ENGLISH_STOP_WORDS and key(w) not in STOP_WORDS]


def quotable(term: str) -> bool:
    """Whether a reason may name ``term`` as a word the profile and an offering share: not a
    number ("1", "50") and not one or two letters ("kg", "uk"), which say nothing to the reader
    (destinations, weights and payments have reasons of their own). The similarity still
    counts them; only the sentence leaves them out."""
    return len(term) > 2 and not term.isdigit()


@dataclass(frozen=True)
class TextIndex:
    """TF-IDF vectors of the offerings and a fast encoder for query texts."""

    vocabulary: dict[str, int]
    terms: npt.NDArray[np.object_]
    idf: F64
    offerings: sparse.csr_matrix  # (N, V), rows l2-normalised
    columns: F64 | None  # (V, N) dense transpose when small enough
    columns_sparse: sparse.csr_matrix  # (V, N)
    # Plain-Python copies for the per-profile sentences (a few terms: no numpy calls): idf and
    # term by column, and each offering's nonzero weights by term column.
    idf_list: list[float] = field(init=False, repr=False, compare=False)
    term_list: list[str] = field(init=False, repr=False, compare=False)
    offering_terms: tuple[dict[int, float], ...] = field(init=False, repr=False, compare=False)
    # Term columns a reason may quote (see ``quotable``).
    quoted_columns: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rows = self.offerings
        object.__setattr__(self, "idf_list", self.idf.tolist())
        object.__setattr__(self, "term_list", [str(t) for t in self.terms])
        object.__setattr__(self, "quoted_columns", frozenset(
            i for i, t in enumerate(self.term_list) if quotable(t)))
        object.__setattr__(self, "offering_terms", tuple(
            dict(zip(rows.indices[lo:hi].tolist(), rows.data[lo:hi].tolist(), strict=True))
            for lo, hi in zip(rows.indptr[:-1].tolist(), rows.indptr[1:].tolist(), strict=True)
        ))

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

    def _counts(self, text: str) -> dict[int, int]:
        """Vocabulary column -> count of the known words of ``text``, in first-seen order.

        ``words`` without its stop-word filter: no stop word is in the vocabulary."""
        counts: dict[int, int] = {}
        for i in map(self.vocabulary.get, _WORD.findall(text.lower()), repeat(-1)):
            counts[i] = counts.get(i, 0) + 1
        counts.pop(-1, None)  # unknown words
        return counts

    def query_terms(self, text: str) -> list[tuple[int, float]]:
        """Term columns and l2-normalised weights of ``text``, in the text's order (empty
        when no term is known); used to name the terms behind a match."""
        counts = self._counts(text)
        if not counts:
            return []
        idf = self.idf_list
        weights = [(1.0 + math.log(c)) * idf[i] for i, c in counts.items()]
        # The norm by numpy's dot product, as ``scores_many`` and scikit-learn sum it (of one
        # term that product is its square, the same in plain Python).
        if len(weights) == 1:
            norm = math.sqrt(weights[0] * weights[0])
        else:
            array = np.array(weights)
            norm = math.sqrt(array @ array)
        return [(i, w / norm) for i, w in zip(counts, weights, strict=True)]

    def scores_many(self, texts: Sequence[str]) -> F64:
        """Cosine similarity of each text with every offering, (P, N).

        Each distinct text is encoded once; the sums run term by term in the same order for
        one text or many, so a profile scores the same alone or in a batch.
        """
        unique: dict[str, int] = {}
        codes = [unique.setdefault(t, len(unique)) for t in texts]
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        starts: list[int] = []  # where each text with a known term starts in ``cols``
        for u, text in enumerate(unique):
            found = self._counts(text)
            if found:
                starts.append(len(cols))
            for column, count in found.items():
                rows.append(u)
                cols.append(column)
                counts.append(count)
        n = len(self.offering_terms)
        out = np.zeros((len(unique), n), dtype=np.float64)
        if not counts:
            return out[codes]
        row = np.array(rows, dtype=np.int64)
        col = np.array(cols, dtype=np.int64)
        weight = (1.0 + np.log(np.array(counts, dtype=np.float64))) * self.idf[col]
        weight /= np.sqrt(np.bincount(row, weight * weight, minlength=len(unique)))[row]
        bounds = [*starts, len(cols)]
        start = np.array(starts, dtype=np.int64)
        # Blocks of whole texts keep the (terms x N) products to about BLOCK_CELLS.
        per_block = max(1, BLOCK_CELLS // max(8 * n, 1))
        for first in range(0, len(starts), per_block):
            last = min(first + per_block, len(starts))
            lo, hi = bounds[first], bounds[last]
            terms = self._columns_of(col[lo:hi]) * weight[lo:hi, None]
            heads = start[first:last]
            out[row[heads]] = np.add.reduceat(terms, heads - lo, axis=0)
        return out[codes]

    def _columns_of(self, index: I64) -> F64:
        if self.columns is not None:
            return self.columns[index]
        return np.asarray(self.columns_sparse[index].todense(), dtype=np.float64)

    def shared_terms(self, query: list[tuple[int, float]], j: int, limit: int = 3) -> list[str]:
        """The terms of a ``query_terms`` answer that contribute most to its similarity with
        offering ``j``: those with a positive product, largest first (equal ones in the query's
        order), leaving out those no reason quotes (see :func:`quotable`)."""
        mine = self.offering_terms[j]
        said = self.quoted_columns
        overlap = [(-product, k, t) for k, (t, w) in enumerate(query)
                   if t in mine and t in said and (product := w * mine[t]) > 0]
        overlap.sort()
        names = self.term_list
        return [names[t] for _, _, t in overlap[:limit]]
