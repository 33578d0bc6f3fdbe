"""A consenting visitor's profile is stored through the profiles service, with an audit event
(the public form's path used to store it without one)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audit
from service.db import Profile, RecommendationRun
from service.profiles.service import WEB_FORM_ACTOR
from tests.web.test_pages import FORM


def test_the_forms_stored_profile_is_audited(web: TestClient, session: Session) -> None:
    page = web.post("/results", data={**FORM, "name": "Audited Prints", "consent": "yes"})
    assert page.status_code == 200
    stored = session.scalars(
        select(Profile).where(Profile.body["name"].as_string() == "Audited Prints")
    ).one()
    assert audit.events_for(session, stored.id) == [(WEB_FORM_ACTOR, "create")]
    runs = session.scalars(
        select(RecommendationRun).where(RecommendationRun.profile_id == stored.id)
    ).all()
    assert len(runs) == 1
    assert runs[0].ranking["run_id"] == runs[0].id

