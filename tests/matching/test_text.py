"""The TF-IDF text index agrees with scikit-learn's vectoriser, alone or in blocks."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from matching import text
from matching.text import TextIndex, quotable, words

DOCS = [
    "silver jewellery export parcel",
    "tea packets to germany, tea gardens",
    "books and printed matter",
    "small tracked parcel abroad",
]
QUERIES = ["silver parcel abroad", "nothing known here", "tea tea tea export", "books", "the"]


def expected() -> np.ndarray:
    vectorizer = TfidfVectorizer(analyzer=words, sublinear_tf=True).fit(DOCS)
    return np.asarray((vectorizer.transform(QUERIES) @ vectorizer.transform(DOCS).T).todense())


def test_words_drop_stop_words_and_case() -> None:
    assert words("The Silver AND gold-plated rings") == ["silver", "gold-plated", "rings"]


def test_scores_match_scikit_learn() -> None:
    index = TextIndex.fit(DOCS)
    assert index.scores_many(QUERIES) == pytest.approx(expected(), abs=1e-12)
    assert not index.scores_many(["nothing known here"]).any()


def test_sparse_path_and_small_blocks_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    index = TextIndex.fit(DOCS)
    sparse_only = TextIndex(index.vocabulary, index.terms, index.idf, index.offerings, None,
                            index.columns_sparse)
    monkeypatch.setattr(text, "BLOCK_CELLS", 1)
    assert sparse_only.scores_many(QUERIES) == pytest.approx(expected(), abs=1e-12)
    alone = [index.scores_many([q])[0] for q in QUERIES]
    assert np.array_equal(np.array(alone), index.scores_many(QUERIES))


def test_shared_terms_name_the_shared_words() -> None:
    index = TextIndex.fit(DOCS)
    query = index.query_terms("silver parcel for germany")
    assert set(index.shared_terms(query, 0)) == {"silver", "parcel"}
    assert index.shared_terms(query, 2) == []
    assert index.query_terms("nothing known") == []


def test_no_stop_word_in_the_vocabulary() -> None:
    # Queries look raw words up in the vocabulary, relying on this.
    index = TextIndex.fit([*DOCS, "the tea of the hills and the books for them"])
    assert not set(index.vocabulary) & ENGLISH_STOP_WORDS
    assert index.scores_many(["the tea"]).tolist() == index.scores_many(["tea"]).tolist()


def test_numbers_and_one_or_two_letter_terms_are_never_quoted() -> None:
    index = TextIndex.fit(["silver parcel of 50 kg to the uk, 1 box", "tea", "books"])
    query = index.query_terms("silver 50 kg uk 1")
    assert {"kg", "uk", "50", "1"} <= set(index.vocabulary)  # they still count in the score
    assert index.scores_many(["kg uk"])[0][0] > 0
    assert index.shared_terms(query, 0) == ["silver"]
    assert [quotable(t) for t in ("kg", "uk", "50", "1", "qr", "upi", "2024")] == [
        False, False, False, False, False, True, False]
