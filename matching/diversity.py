"""Maximal marginal relevance: the top k without near-duplicates, for many profiles at once."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from matching.features import F32, F64

I64 = npt.NDArray[np.int64]


def candidates(scores: npt.NDArray[np.floating], m: int) -> I64:
    """Per row, the ``m`` best column indices by (score descending, column ascending).

    Columns are offerings sorted by id, so equal scores resolve by id. Ties at the cut are
    resolved exactly: every column scoring at least the m-th best value is sorted.
    """
    p, n = scores.shape
    m = min(m, n)
    if n <= 512 or p > 1:
        order = np.argsort(-scores, axis=1, kind="stable")
        return order[:, :m]
    row = scores[0]
    threshold = np.partition(row, n - m)[n - m]
    keep = np.flatnonzero(row >= threshold)
    keep = keep[np.lexsort((keep, -row[keep]))][:m]
    return keep[None, :]


def keep_factors(signature: F32, diversity: float) -> F64:
    """(N, N): what is left of offering j's score (row i) once offering i is picked,
    ``1 - diversity * cosine(i, j)``, in float64 (what :func:`select` would work out per pick)."""
    # Rounded to float32 first, as the products of the float32 signatures are when worked
    # out per pick: the picks stay the same bits either way.
    similarity = (signature @ signature.T).astype(np.float32)
    factors: F64 = 1.0 - diversity * similarity.astype(np.float64)
    return factors


def select(
    scores: npt.NDArray[np.floating],
    k: int,
    diversity: float,
    signature: F32,
    factors: F64 | None,
) -> I64:
    """Pick k offerings per row greedily by ``score * (1 - diversity * redundancy)``.

    ``redundancy`` is the largest cosine similarity (of offering signatures) to an offering
    already picked; the discount is relative, so a strong offering survives a weak duplicate
    while one near-identical to a pick drops behind the next distinct one. Scores of -inf
    (not eligible) are never picked; rows with fewer eligible offerings end in -1.
    ``factors`` are the precomputed :func:`keep_factors` when affordable (None: worked out
    from the signatures per pick).
    """
    p, n = scores.shape
    m = min(n, max(3 * k, k + 10))
    cand = candidates(scores, m)
    if p == 1:
        return _select_one(scores[0, cand[0]], cand[0], k, diversity, signature, factors)
    value = np.take_along_axis(scores, cand, axis=1)  # -inf: not eligible or already picked
    # Every step picks one finite candidate of each row that has one left, so a row has picks
    # for its first ``left`` steps; later steps' picks of a row are discarded at the end.
    left = np.isfinite(value).sum(axis=1)
    keep = np.ones(cand.shape, dtype=np.float64)  # 1 - diversity * redundancy
    chosen = np.empty((p, k), dtype=np.int64)
    rows = np.arange(p)
    for step in range(min(k, int(left.max()))):
        pick = (value * keep).argmax(axis=1)
        picked = cand[rows, pick]
        chosen[:, step] = picked
        value[rows, pick] = -np.inf
        # Rows with nothing left only hold -inf, which no keep factor (> 0) changes.
        if factors is not None:
            np.minimum(keep, factors[picked[:, None], cand], out=keep)
        else:  # in float64, as for one profile
            sim = np.einsum("pmd,pd->pm", signature[cand], signature[picked])
            np.minimum(keep, 1.0 - diversity * sim.astype(np.float64), out=keep)
    chosen[np.arange(k) >= left[:, None]] = -1
    return chosen


def _select_one(
    cand_scores: npt.NDArray[np.floating], cand: I64, k: int, diversity: float,
    signature: F32, factors: F64 | None,
) -> I64:
    """:func:`select` for one profile: the same greedy rule with fewer array operations."""
    if factors is not None:
        pairwise = factors[np.ix_(cand, cand)]
    else:
        vectors = signature[cand]
        pairwise = 1.0 - diversity * (vectors @ vectors.T).astype(np.float64)
    value = np.array(cand_scores, dtype=np.float64)
    keep = np.ones(cand.size)  # 1 - diversity * redundancy
    chosen = np.full((1, k), -1, dtype=np.int64)
    for step in range(min(k, cand.size)):
        adjusted = value * keep
        pick = int(adjusted.argmax())
        if not math.isfinite(adjusted[pick]):
            break
        chosen[0, step] = cand[pick]
        value[pick] = -math.inf
        np.minimum(keep, pairwise[pick], out=keep)
    return chosen
