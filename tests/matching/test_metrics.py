"""Quality measures against values computed by hand, and the two baselines."""

from __future__ import annotations

import math

import pytest

from matching.baselines import BM25, Popularity, bm25_query
from matching.metrics import dcg, ndcg_at_k, recall_at_k, reciprocal_rank
from tests.matching.matching_factories import offering, synthetic_catalog

RELEVANCE = {"a": 2, "b": 1, "c": 1}


def test_dcg_by_hand() -> None:
    # (2^2-1)/log2(2) + 0 + (2^1-1)/log2(4) = 3 + 0 + 0.5
    assert dcg([2, 0, 1]) == pytest.approx(3.5)


def test_ndcg_perfect_and_by_hand() -> None:
    assert ndcg_at_k(["a", "b", "c"], RELEVANCE) == pytest.approx(1.0)
    # ranked x, a, b: DCG = 0 + 3/log2(3) + 1/log2(4); ideal = 3 + 1/log2(3) + 1/2
    expected = (3 / math.log2(3) + 0.5) / (3 + 1 / math.log2(3) + 0.5)
    assert ndcg_at_k(["x", "a", "b"], RELEVANCE) == pytest.approx(expected)
    assert ndcg_at_k(["x", "y"], RELEVANCE) == 0.0


def test_ndcg_only_counts_the_first_k() -> None:
    assert ndcg_at_k(["x", "y", "z", "w", "v", "a"], RELEVANCE, k=5) == 0.0


def test_ndcg_without_positive_judgements_is_zero() -> None:
    assert ndcg_at_k(["a"], {}) == 0.0


def test_reciprocal_rank_counts_the_first_right_answer() -> None:
    assert reciprocal_rank(["b", "x", "a"], RELEVANCE) == pytest.approx(1 / 3)
    assert reciprocal_rank(["b", "c"], RELEVANCE) == 0.0
    assert reciprocal_rank(["b"], RELEVANCE, min_grade=1) == 1.0


def test_recall_at_k() -> None:
    assert recall_at_k(["a", "x", "b"], RELEVANCE, k=5) == pytest.approx(2 / 3)
    assert recall_at_k(["a", "x", "b"], RELEVANCE, k=1) == pytest.approx(1 / 3)
    assert recall_at_k(["a"], RELEVANCE, min_grade=2) == 1.0
    assert recall_at_k(["a"], {}) == 0.0


def test_popularity_ranks_by_grade_weighted_counts() -> None:
    popularity = Popularity([{"a": 2, "b": 1}, {"b": 1, "c": 1}, {"c": 2}])
    # a: 2, b: 2, c: 3 -> c first, then a and b tied on 2 and broken by id
    assert popularity.rank(["a", "b", "c", "d"], 4) == ["c", "a", "b", "d"]
    assert popularity.rank(["a", "d"], 1) == ["a"]


def test_bm25_prefers_the_matching_document_and_ignores_stop_words() -> None:
    catalog = synthetic_catalog(
        offering(id="tea", name="Tea packets", keywords=["tea", "darjeeling"]),
        offering(id="books", name="Book post", keywords=["books", "printed"]),
    )
    bm25 = BM25(catalog.offerings)
    scores = bm25.scores("darjeeling tea and the")
    assert scores["tea"] > 0.0
    assert scores["books"] == 0.0
    assert bm25.rank("printed books", ["tea", "books"], 1) == ["books"]


def test_bm25_idf_by_hand() -> None:
    catalog = synthetic_catalog(
        offering(id="one", name="Alpha parcel", description="alpha " * 5 + "word " * 10),
        offering(id="two", name="Beta parcel", description="beta " * 5 + "word " * 10),
    )
    bm25 = BM25(catalog.offerings)
    # "alpha" is in 1 of 2 documents: idf = ln(1 + (2 - 1 + 0.5) / (1 + 0.5)) = ln 2
    assert bm25.idf["alpha"] == pytest.approx(math.log(2.0))


def test_bm25_query_uses_products_and_needs() -> None:
    assert bm25_query({"products": "brass lamps", "needs": ["bulk_freight"]}) == (
        "brass lamps bulk freight"
    )
