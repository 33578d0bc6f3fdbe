"""Quality of the ranker and the baselines on the judged sets (NDCG@5, MRR, recall@5)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from catalog.geo import Geography
from catalog.vocab import Category
from matching.baselines import BM25, Popularity, bm25_query
from matching.judged import JudgedProfile
from matching.metrics import ndcg_at_k, recall_at_k, reciprocal_rank
from matching.profile import ProfileError, parse_profile
from matching.ranker import Ranker

K = 5
SYSTEMS = ("ranker", "popularity", "bm25")


@dataclass(frozen=True)
class Scored:
    """One profile's top-k lists per system and their measures."""

    judged: JudgedProfile
    ranked: dict[str, list[str]]
    measures: dict[str, dict[str, float]]


@dataclass(frozen=True)
class SetResult:
    """A judged set scored: its profiles' measures, and the profiles validation refused
    (``(id, problem)``; only in sets scored with ``skip_invalid``)."""

    scored: list[Scored]
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    """Mean measures per system over a group of profiles."""

    name: str
    count: int
    means: dict[str, dict[str, float]] = field(default_factory=dict)


def _measures(ranked: Sequence[str], relevance: Mapping[str, int]) -> dict[str, float]:
    return {
        "ndcg@5": ndcg_at_k(ranked, relevance, K),
        "mrr": reciprocal_rank(ranked, relevance),
        "recall@5": recall_at_k(ranked, relevance, K),
    }


def score_profiles(
    ranker: Ranker, profiles: Sequence[JudgedProfile], popularity: Popularity, bm25: BM25,
    geography: Geography, skip_invalid: bool = False,
) -> SetResult:
    """Rank each judged profile with every system and measure it.

    A profile that validation refuses raises :class:`ProfileError`, or with ``skip_invalid`` is
    left out and listed in ``skipped``.
    """
    out = []
    skipped: list[tuple[str, str]] = []
    for judged in profiles:
        try:
            profile = parse_profile(judged.profile, geography)
        except ProfileError as exc:
            if not skip_invalid:
                raise
            skipped.append((judged.id, str(exc)))
            continue
        ranking = ranker.rank(profile, k=K)
        candidates = ranker.eligible_ids(profile)
        ranked = {
            "ranker": [r.offering_id for r in ranking.recommendations],
            "popularity": popularity.rank(candidates, K),
            "bm25": bm25.rank(bm25_query(judged.profile), candidates, K),
        }
        out.append(Scored(judged, ranked, {s: _measures(ranked[s], judged.relevance)
                                           for s in SYSTEMS}))
    return SetResult(out, skipped)


def summarise(name: str, scored: Sequence[Scored]) -> Summary:
    """Mean of every measure per system."""
    means: dict[str, dict[str, float]] = {}
    for system in SYSTEMS:
        rows = [s.measures[system] for s in scored]
        means[system] = {
            m: (sum(r[m] for r in rows) / len(rows) if rows else 0.0)
            for m in ("ndcg@5", "mrr", "recall@5")
        }
    return Summary(name, len(scored), means)


def by_category(scored: Sequence[Scored], categories: Mapping[str, str]) -> list[Summary]:
    """Summaries over the profiles whose right answers (grade 2) include each category."""
    out = []
    for category in Category:
        members = [
            s for s in scored
            if any(g == 2 and categories.get(oid) == category.value
                   for oid, g in s.judged.relevance.items())
        ]
        out.append(summarise(category.value, members))
    return out


def by_kind(scored: Sequence[Scored]) -> list[Summary]:
    """Summaries over partial and complete profiles, those in Hindi or Marathi (Devanagari or
    romanised) and the contradictory ones."""
    kinds: tuple[tuple[str, Callable[[JudgedProfile], bool]], ...] = (
        ("partial (1-3 fields)", lambda j: j.partial),
        ("more fields", lambda j: not j.partial),
        ("hindi/marathi text", lambda j: j.in_indian_language),
        ("contradictory", lambda j: j.contradictory),
    )
    return [summarise(label, [s for s in scored if test(s.judged)]) for label, test in kinds]


def avoided_in_top(scored: Sequence[Scored], system: str = "ranker") -> list[str]:
    """One line per profile whose top five holds an offering its judgements rule out."""
    lines = []
    for s in scored:
        hits = [oid for oid in s.ranked[system][:K] if oid in s.judged.avoid]
        if hits:
            lines.append(f"{s.judged.id}: " + "; ".join(
                f"{oid} at {s.ranked[system].index(oid) + 1} ({s.judged.avoid[oid]})"
                for oid in hits))
    return lines


def evaluate(
    ranker: Ranker, sets: Mapping[str, Sequence[JudgedProfile]], geography: Geography,
    skip_invalid: frozenset[str] = frozenset(),
) -> dict[str, SetResult]:
    """Score every set; popularity is learnt from the tuning set only. In the sets named in
    ``skip_invalid`` a profile that validation refuses is skipped instead of raising."""
    popularity = Popularity(j.relevance for j in sets.get("tuning", ()))
    bm25 = BM25(ranker.table_.offerings)
    return {name: score_profiles(ranker, profiles, popularity, bm25, geography,
                                 name in skip_invalid)
            for name, profiles in sets.items()}


def format_table(summaries: Sequence[Summary], title: str) -> str:
    """A plain-text table: one line per group and system."""
    lines = [title, f"{'group':<24}{'n':>4}  {'system':<11}{'NDCG@5':>8}{'MRR':>8}{'R@5':>8}"]
    for summary in summaries:
        for i, system in enumerate(SYSTEMS):
            m = summary.means.get(system, {})
            label = summary.name if i == 0 else ""
            n = str(summary.count) if i == 0 else ""
            lines.append(
                f"{label:<24}{n:>4}  {system:<11}{m.get('ndcg@5', 0):>8.3f}"
                f"{m.get('mrr', 0):>8.3f}{m.get('recall@5', 0):>8.3f}"
            )
    return "\n".join(lines)


def disagreements(scored: Sequence[Scored]) -> list[str]:
    """Per profile where the ranker misses a right answer in its top 5 or ranks a 0 in the
    top 3: one line with the top 5 and the missed grade-2 ids."""
    lines = []
    for s in scored:
        top = s.ranked["ranker"]
        missed = [oid for oid, g in s.judged.relevance.items() if g == 2 and oid not in top]
        unjudged = [oid for oid in top[:3] if s.judged.relevance.get(oid, 0) == 0]
        if missed or unjudged:
            lines.append(
                f"{s.judged.id}: top5={top} missed(2)={missed} ungraded-in-top3={unjudged} "
                f"ndcg={s.measures['ranker']['ndcg@5']:.2f}"
            )
    return lines
