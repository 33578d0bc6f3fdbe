"""Fixtures: the real geography and a ranker fitted on the packaged catalogue, once per session."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from service.batch import Model

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def model() -> Model:
    import matching
    from catalog import load_catalog
    from catalog.geo import Geography

    if not hasattr(matching, "Ranker"):
        pytest.skip("matching.Ranker is not available yet")
    geography = Geography.load()
    return Model(ranker=matching.Ranker().fit(load_catalog(), geography), geography=geography)


def synthetic(
    model: Model, n: int, *, seed: int = 11, invalid_fraction: float = 0.0
) -> pd.DataFrame:
    from bench.synthetic_profiles import synthetic_profiles

    geo: Any = model.geography
    return synthetic_profiles(
        n, geo.pincodes, geo.pincode_states, seed=seed, invalid_fraction=invalid_fraction
    )
