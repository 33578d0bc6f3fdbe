"""Small, fast fixtures: a directory of a few real PIN codes, the real catalogue, a ranker."""

from __future__ import annotations

import pytest

from catalog import Catalog, Geography, load_catalog
from matching import Ranker
from tests.matching.matching_factories import directory_frame


@pytest.fixture(scope="session")
def geography() -> Geography:
    return Geography.from_frame(directory_frame())


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def ranker(catalog: Catalog, geography: Geography) -> Ranker:
    return Ranker().fit(catalog, geography)


@pytest.fixture(scope="session")
def full_geography() -> Geography:
    """The whole PIN directory (the judged profiles' PIN codes are all over India)."""
    return Geography.load()


@pytest.fixture(scope="session")
def full_ranker(catalog: Catalog, full_geography: Geography) -> Ranker:
    return Ranker().fit(catalog, full_geography)
