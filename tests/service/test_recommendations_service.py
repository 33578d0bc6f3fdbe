"""The service every ranking goes through refuses, as 503, to validate without a geography."""

from __future__ import annotations

import pytest

from service.errors import NotReady
from service.recommendations.service import parse_body, validate_profile
from tests.service.conftest import make_profile


@pytest.mark.parametrize("check", [parse_body, validate_profile])
def test_no_geography_is_not_ready(check: object) -> None:
    assert callable(check)
    with pytest.raises(NotReady, match="geography is not loaded"):
        check(make_profile(), None)
