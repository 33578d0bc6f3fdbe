"""How a profile meets offerings: profile validation, eligibility, ranking, explanations.

Pure: numpy, pandas, scikit-learn and pydantic; nothing is loaded or fitted at import.
"""

from matching.profile import EnterpriseProfile, ProfileError, derive_size_class, parse_profile
from matching.ranker import Ranker
from matching.reasons import Reason
from matching.result import (
    NotEligible,
    Ranking,
    Recommendation,
    RecommendedPlace,
    ranking_payload,
)

__all__ = [
    "EnterpriseProfile",
    "NotEligible",
    "ProfileError",
    "Ranker",
    "Ranking",
    "Reason",
    "Recommendation",
    "RecommendedPlace",
    "derive_size_class",
    "parse_profile",
    "ranking_payload",
]
