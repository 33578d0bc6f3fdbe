"""Every officer page but sign-in, sign-out and the home page needs a signed-in officer, checked
once by the ``signed_in`` router's dependency: without one it answers with the sign-in page."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from service.db import Role
from service.web import officer
from service.web.users import create_user
from tests.web.test_pages import PASSWORD, form_token

OPEN = {("GET", "/officer"), ("POST", "/officer/login"), ("POST", "/officer/logout")}


def test_only_sign_in_sign_out_and_home_are_open(web: TestClient) -> None:
    open_routes = [r for r in officer.router.routes if isinstance(r, APIRoute)]
    assert {(m, r.path) for r in open_routes for m in r.methods or ()} == OPEN
    closed = [r for r in officer.signed_in.routes if isinstance(r, APIRoute)]
    assert len(closed) >= 6
    for route in closed:
        assert officer.signed_in_officer in [d.call for d in route.dependant.dependencies]
        url = "/officer" + route.path.replace("{profile_id}", "00000000-0000-0000-0000-0000000")
        for method in route.methods or ():
            answer = web.request(method, url, follow_redirects=False)
            assert (answer.status_code, answer.headers.get("location")) == (303, "/officer"), url


def test_a_deactivated_officers_session_is_refused(web: TestClient, session: Session) -> None:
    user = create_user(session, "meena", PASSWORD, Role.OFFICER)
    session.commit()
    login = web.get("/officer")
    web.post(
        "/officer/login",
        data={"username": "meena", "password": PASSWORD, "csrf_token": form_token(login.text)},
    )
    assert web.get("/officer/charts", follow_redirects=False).status_code == 200
    user.active = False
    session.commit()
    assert web.get("/officer/charts", follow_redirects=False).status_code == 303
