"""The officers' charts page names the learned model that ranks, when it was activated and the
figures of the offline gate it passed, in English, Hindi and Marathi; and in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from matching.learning import GateReport, GateRow, LearnedModel
from service.db import ModelStatus, Role, make_engine
from service.learning import repository as learning_repo
from service.runtime import ServedCatalog
from service.web.users import create_user
from tests.web.browser_fixtures import OFFICER
from tests.web.test_browser import CHROMIUM, browser, live, page

__all__ = ["browser", "live", "page"]

PASSWORD = "correct horse battery"


def _activate(session: Session, served: ServedCatalog) -> LearnedModel:
    """Store and activate a learned model with a gate report of two rows (test figures)."""
    assert served.ranker is not None
    model = LearnedModel.build(served.ranker.weights_, {"speed-post": 0.05}, {"outcomes": 900})
    report = GateReport(True, [
        GateRow("held-out outcomes, debiased DCG", 1.9401, 1.2240, "hand-set weights",
                "better by > 1.645 SE (38 runs, SE 0.0100)", True),
        GateRow("judged tuning NDCG@5", 0.8712, 0.8682, "hand-set weights",
                "at least baseline - 0.01", True),
    ], 0.01)
    row = learning_repo.add_version(
        session, version=model.version, status=ModelStatus.CANDIDATE, model=model.to_json(),
        gate=report.to_json(), trained_on=model.trained_on,
    )
    learning_repo.activate(session, row)
    return model


def _sign_in(web: TestClient, session: Session) -> None:
    create_user(session, "asha", PASSWORD, Role.OFFICER)
    session.commit()
    login = web.get("/officer")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token
    signed = web.post(
        "/officer/login",
        data={"username": "asha", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert signed.status_code == 303


def _section(html: str) -> str:
    found = re.search(r'<section class="chart-block" id="ranking-model">(.*?)</section>', html,
                      re.S)
    assert found, "no ranking-model section"
    return found.group(1)


def test_charts_page_shows_the_hand_set_weights_then_the_active_model(
    web: TestClient, session: Session, served: ServedCatalog
) -> None:
    _sign_in(web, session)
    before = _section(web.get("/officer/charts?lang=en").text)
    assert "The hand-set weights rank: no learned model is active." in before

    model = _activate(session, served)
    session.commit()
    row = learning_repo.active(session)
    assert row is not None
    assert row.activated_at is not None
    english = _section(web.get("/officer/charts?lang=en").text)
    assert f"Learned model {model.version}, activated {row.activated_at:%Y-%m-%d %H:%M}" in english
    assert "Later outcomes it was not trained on" in english
    assert "Judged set tuning: NDCG@5" in english
    assert "<td>1.94</td>" in english  # at most 3 decimals, as the pages write numbers
    assert "<td>0.871</td>" in english
    assert "0.868 (hand-set weights)" in english

    hindi = _section(web.get("/officer/charts?lang=hi").text)
    assert "रैंकिंग मॉडल" in hindi
    assert model.version in hindi
    assert "परखा गया सेट tuning: NDCG@5" in hindi
    marathi = _section(web.get("/officer/charts?lang=mr").text)
    assert "क्रमवारी मॉडेल" in marathi
    assert "हाताने ठरवलेली वजने" in marathi


@pytest.fixture
def active_model(live: Any, served: ServedCatalog) -> Iterator[LearnedModel]:
    """A model activated in the live server's database (the page reads it per request)."""
    engine = make_engine(live.database_url)
    with sessionmaker(bind=engine).begin() as session:
        model = _activate(session, served)
    yield model
    with sessionmaker(bind=engine).begin() as session:
        learning_repo.roll_back(session)
    engine.dispose()


@pytest.mark.browser
def test_the_officer_sees_the_serving_model_in_chromium(
    page: Any, live: Any, active_model: LearnedModel
) -> None:
    assert CHROMIUM.exists()
    page.goto(live.base + "/officer?lang=en")
    page.fill("#username", OFFICER[0])
    page.fill("#password", OFFICER[1])
    page.click("button.primary")
    page.click("nav.officer-nav a[href='/officer/charts']")
    section = page.locator("#ranking-model")
    assert active_model.version in section.inner_text()
    assert section.locator("table.gate tbody tr").count() == 2
    page.goto(live.base + "/officer/charts?lang=mr")
    assert "क्रमवारी मॉडेल" in page.locator("#ranking-model h2").inner_text()


def test_demand_is_also_a_table_with_state_names_in_the_pages_language(
    web: TestClient, session: Session
) -> None:
    """The demand chart, as the other two, prints its figures as a table too; states are named
    in the page's language in both."""
    from tests.web.test_pages import FORM

    stored = web.post("/results", data={**FORM, "name": "Demand Prints", "consent": "yes"})
    assert stored.status_code == 200
    _sign_in(web, session)
    for lang, state in (("en", "Rajasthan"), ("hi", "राजस्थान"), ("mr", "राजस्थान")):
        html = web.get(f"/officer/charts?lang={lang}").text
        table = re.search(r'<table class="demand">(.*?)</table>', html, re.S)
        assert table, lang
        row = re.search(rf'<th scope="row">{state}</th>((?:<td>[\d,]+</td>)+)</tr>', table.group(1))
        assert row, (lang, table.group(1)[:400])
        counts = [int(c.replace(",", "")) for c in re.findall(r"<td>([\d,]+)</td>", row.group(1))]
        assert sum(counts) >= 3  # the top three suggestions of the stored profile
        chart = re.search(r'<svg[^>]*class="chart">.*?</svg>', html, re.S)
        assert chart
        assert f">{state}</text>" in chart.group(0), lang
