"""``Ranker.rank_batch``: one batch gives every profile exactly the ranking it gets alone."""

from __future__ import annotations

import pytest

from catalog import Catalog, Geography
from matching import EnterpriseProfile, ProfileError, Ranker, parse_profile
from matching.judged import load_sets
from tests.matching.matching_factories import make_profile


@pytest.fixture(scope="module")
def full_geography() -> Geography:
    """The whole India Post directory: the judged profiles come from all over India."""
    return Geography.load()


@pytest.fixture(scope="module")
def full_ranker(catalog: Catalog, full_geography: Geography) -> Ranker:
    return Ranker().fit(catalog, full_geography)


@pytest.fixture(scope="module")
def judged(full_geography: Geography) -> list[EnterpriseProfile]:
    return [parse_profile(j.profile, full_geography)
            for profiles in load_sets().values() for j in profiles]


def test_batch_equals_rank_on_every_judged_profile(
    full_ranker: Ranker, judged: list[EnterpriseProfile]
) -> None:
    batch = full_ranker.rank_batch(judged, k=10)
    assert len(batch) == len(judged)
    for profile, ranking in zip(judged, batch, strict=True):
        assert ranking == full_ranker.rank(profile, k=10)


def test_batch_with_a_k_per_profile(
    full_ranker: Ranker, judged: list[EnterpriseProfile]
) -> None:
    ks = [(1, 3, 10, 50)[i % 4] for i in range(len(judged))]
    batch = full_ranker.rank_batch(judged, k=ks)
    for profile, k, ranking in zip(judged, ks, batch, strict=True):
        assert ranking == full_ranker.rank(profile, k=k)
        assert len(ranking.recommendations) <= k


def test_batch_order_does_not_matter(
    full_ranker: Ranker, judged: list[EnterpriseProfile]
) -> None:
    forward = full_ranker.rank_batch(judged, k=5)
    backward = full_ranker.rank_batch(judged[::-1], k=5)
    assert backward[::-1] == forward


def test_signals_of_a_batch_row_are_bit_identical_to_the_profile_alone(
    full_ranker: Ranker, judged: list[EnterpriseProfile]
) -> None:
    # The need sums are the part a BLAS block could add in another order (exact in float64).
    batch = full_ranker.batch_arrays(judged)
    for row, profile in enumerate(judged):
        alone = full_ranker.batch_arrays([profile])
        assert (alone.signals.stack[:, 0] == batch.signals.stack[:, row]).all()
        assert (alone.scores[0] == batch.scores[row]).all()


def test_top_positions_are_what_rank_batch_recommends(
    full_ranker: Ranker, judged: list[EnterpriseProfile]
) -> None:
    """The public array steps (``matching.simulation`` studies the ranker with them) pick the
    offerings that ``rank_batch`` shows, in its order, -1 past a short list."""
    tops = full_ranker.top_positions(full_ranker.batch_arrays(judged).scores, 5)
    rankings = full_ranker.rank_batch(judged, k=5, with_ask=False)
    ids = full_ranker.table_.ids
    assert tops.shape == (len(judged), 5)
    for row, ranking in zip(tops.tolist(), rankings, strict=True):
        shown = [r.offering_id for r in ranking.recommendations]
        assert [ids[j] for j in row if j >= 0] == shown
        assert row[len(shown):] == [-1] * (5 - len(shown))
    assert any(len(r.recommendations) < 5 for r in rankings)  # the padding is exercised
    with pytest.raises(ValueError, match="k must be at least 1"):
        full_ranker.top_positions(tops.astype(float), 0)


def test_batch_validates_mappings(ranker: Ranker, geography: Geography) -> None:
    mapped = ranker.rank_batch([make_profile(), make_profile(destinations=[])], k=3)
    assert mapped[0] == ranker.rank(parse_profile(make_profile(), geography), k=3)
    with pytest.raises(ProfileError):
        ranker.rank_batch([make_profile(), make_profile(pincode="999999")])


def test_batch_arguments(ranker: Ranker) -> None:
    assert ranker.rank_batch([]) == []
    with pytest.raises(ValueError, match="2 values of k for 1 profiles"):
        ranker.rank_batch([make_profile()], k=[3, 4])
    with pytest.raises(ValueError, match="k must be at least 1"):
        ranker.rank_batch([make_profile(), make_profile()], k=[3, 0])
