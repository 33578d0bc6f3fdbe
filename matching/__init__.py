"""How a profile meets offerings: profile validation, eligibility, ranking, explanations.

Pure: numpy, pandas, scikit-learn and pydantic; nothing is loaded or fitted at import. The
explanation modules run compiled when a build of the current sources exists (``matching.native``).
"""

from matching import native as _native

_native.activate(__path__)

# The imports below come after the compiled modules are put first on the search path.

from matching.profile import (  # noqa: E402
    EnterpriseProfile,
    ProfileError,
    derive_size_class,
    parse_profile,
)
from matching.ranker import Ranker  # noqa: E402
from matching.result import (  # noqa: E402
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
    "Recommendation",
    "RecommendedPlace",
    "derive_size_class",
    "parse_profile",
    "ranking_payload",
]
