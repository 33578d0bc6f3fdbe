"""The officer dashboard at ``/officer``: sign-in, the profile queue with filters, a profile with
its ranked suggestions and outcome buttons, CSV export and charts.

Every form carries a CSRF token; every page needs a signed-in, active officer or admin.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from catalog import Catalog
from catalog.rules import stale
from service import audit
from service.db import Role
from service.deps import CatalogDep, ReadyDep, SessionDep, SessionRoute
from service.errors import InvalidInput
from service.offerings.language import stored_answer
from service.offerings.versions import catalog_version
from service.profiles import service as profiles
from service.reasons import day_and_month
from service.text_guard import FormText
from service.web import charts, dashboard, i18n
from service.web.dashboard import DashboardError, Filters
from service.web.login_guard import BUSY_RETRY_SECONDS, Busy, guard_of
from service.web.results import present_ranking
from service.web.security import (
    CsrfError,
    check_csrf,
    csrf_token,
    end_session,
    session_user,
    set_csrf_cookie,
    start_session,
)
from service.web.templating import render
from service.web.users import active_user, authenticate

RUN_LIMIT = 10  # suggestions stored when an officer ranks a profile

CSV_COLUMNS = (
    "profile_id", "created_at", "tenant", "name", "pincode", "district", "state", "sector",
    "suggestion_1", "suggestion_2", "suggestion_3", "outcomes",
)  # fmt: skip


# A spreadsheet reads a cell starting with one of these as a formula (or, after a tab or
# carriage return, as one once trimmed): =HYPERLINK(...) in a visitor's name would run on
# the officer's machine. OWASP "CSV Injection".
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as plain text for a spreadsheet: a leading ``'`` before a formula start."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    response = render(
        request, template, {"csrf": csrf_token(request), **context}, status_code=status_code
    )
    set_csrf_cookie(request, response)
    return response


def _officer(request: Request, session: Session) -> str | None:
    username = session_user(request)
    if username is None or active_user(session, username) is None:
        return None
    return username


class _SignInFirst(Exception):
    """No signed-in, active officer or admin: the page answers with the sign-in page."""


def signed_in_officer(request: Request, session: SessionDep) -> str:
    """The signed-in, active officer's or admin's username (the dependency of every page of
    ``signed_in``); anyone else is sent to the sign-in page."""
    user = _officer(request, session)
    if user is None:
        raise _SignInFirst
    return user


Officer = Annotated[str, Depends(signed_in_officer)]


class OfficerRoute(SessionRoute):
    """A page that needs a signed-in officer: without one it redirects to the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except _SignInFirst:
                return RedirectResponse("/officer", status_code=303)

        return handle


# Sign-in, sign-out and the home page (the sign-in form or the queue) are open to anyone; every
# other page is on ``signed_in``, whose dependency checks the officer once for all of them.
router = APIRouter(prefix="/officer", include_in_schema=False, route_class=SessionRoute)
signed_in = APIRouter(  # included into ``router`` (prefix /officer) at the end
    include_in_schema=False,
    route_class=OfficerRoute,
    dependencies=[Depends(signed_in_officer)],
)


def _forbidden(request: Request) -> Response:
    _ = i18n.gettext_for(i18n.choose_language(request))
    message = _("This form has expired. Go back, reload the page and try again.")
    return _page(request, "officer/error.html", {"message": message}, status_code=403)


def _csrf_ok(request: Request, csrf_token: str) -> bool:
    """Whether a posted form carries this browser's CSRF token (else: 403, expired form)."""
    try:
        check_csrf(request, csrf_token)
    except CsrfError:
        return False
    return True


def _filters(request: Request) -> Filters:
    q = request.query_params
    return Filters(
        state=q.get("state", "").strip(),
        district=q.get("district", "").strip(),
        sector=q.get("sector", "").strip(),
        outcome=q.get("outcome", "").strip(),
    )


@router.get("")
def officer_home(request: Request, session: SessionDep) -> Response:
    """The sign-in form, or the queue of profiles (filters: state, district, sector, outcome)."""
    user = _officer(request, session)
    if user is None:
        return _page(request, "officer/login.html", {"error": None, "username": ""})
    filters = _filters(request)
    rows = dashboard.queue(session, filters)
    audit.record(session, f"user:{user}", "list")
    account = active_user(session, user)
    lang = i18n.choose_language(request)
    catalog: Catalog | None = request.app.state.catalog  # None before a catalogue is loaded
    context = {
        "user": user,
        "is_admin": account is not None and account.role is Role.ADMIN,
        "rows": rows,
        # The suggestions' names in the page's language (a run stores the English ones).
        "names": {o.id: o.localized(lang).name for o in catalog.offerings} if catalog else {},
        "filters": filters,
        "places": dashboard.states_and_districts(session),
        "export_query": filters.as_query(),
    }
    return _page(request, "officer/queue.html", context)


@router.post("/login")
def sign_in(
    request: Request,
    session: SessionDep,
    username: Annotated[FormText, Form(max_length=100)] = "",
    password: Annotated[FormText, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Check the password (Argon2) and start a signed session cookie.

    Throttled per username and per client address, with hashing bounded (``login_guard``):
    429 or 503 with ``Retry-After`` instead of more password checks.
    """
    try:
        check_csrf(request, csrf_token)
    except CsrfError:
        return _forbidden(request)
    found = i18n.translations(i18n.choose_language(request))
    _ = found.gettext
    guard = guard_of(request.app.state)
    buckets = guard.buckets(username, request.client.host if request.client else "unknown")
    wait = guard.retry_after(buckets)
    if wait is not None:
        minutes = math.ceil(wait / 60)
        message = found.ngettext("Too many failed sign-ins. Try again in {n} minute.",
                                 "Too many failed sign-ins. Try again in {n} minutes.", minutes)
        return _refused(request, username, message.format(n=minutes), 429, wait)
    try:
        with guard.hashing():
            user = authenticate(session, username, password)
    except Busy:
        message = _("Too many sign-ins at once. Try again in a moment.")
        return _refused(request, username, message, 503, BUSY_RETRY_SECONDS)
    if user is None:
        guard.failed(buckets)
        context = {"error": _("Wrong username or password."), "username": username}
        return _page(request, "officer/login.html", context, status_code=401)
    guard.succeeded(buckets[0])
    response = RedirectResponse("/officer", status_code=303)
    start_session(request, response, user.username)
    return response


def _refused(request: Request, username: str, message: str, status: int, wait: int) -> Response:
    """The sign-in form again with ``message``, answered ``status`` with ``Retry-After``."""
    context = {"error": message, "username": username}
    response = _page(request, "officer/login.html", context, status_code=status)
    response.headers["Retry-After"] = str(wait)
    return response


@router.post("/logout")
def sign_out(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    """End the session."""
    try:
        check_csrf(request, csrf_token)
    except CsrfError:
        return _forbidden(request)
    response = RedirectResponse("/officer", status_code=303)
    end_session(request, response)
    return response


@signed_in.get("/profiles/{profile_id}")
def profile_page(
    request: Request, profile_id: str, session: SessionDep, catalog: CatalogDep, user: Officer
) -> Response:
    """One profile: its answers, its ranked suggestions with reasons, and outcome buttons."""
    row = dashboard.profile_row(session, profile_id)
    if row is None:
        _ = i18n.gettext_for(i18n.choose_language(request))
        return _page(
            request, "officer/error.html", {"message": _("No such profile.")}, status_code=404
        )
    audit.record(session, f"user:{user}", "read", profile_id)
    ranking = None
    if row.run is not None:  # written in the page's language with the catalogue it was ranked with
        lang = i18n.choose_language(request)
        ranked_with = catalog_version(session, row.run.catalog_version, catalog)
        payload = stored_answer(row.run.ranking, lang, ranked_with, catalog)
        ranking = present_ranking(payload, lang, (ranked_with or catalog, catalog))
    context = {"user": user, "row": row, "ranking": ranking, "error": None}
    return _page(request, "officer/profile.html", context)


@signed_in.post("/profiles/{profile_id}/outcomes")
def record_outcome(
    request: Request,
    profile_id: str,
    session: SessionDep,
    run_id: Annotated[FormText, Form(max_length=36)] = "",
    offering_id: Annotated[FormText, Form(max_length=60)] = "",
    outcome: Annotated[FormText, Form(max_length=16)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    *,
    user: Officer,
) -> Response:
    """Store what the enterprise did with one suggestion (feedback on the stored run)."""
    if not _csrf_ok(request, csrf_token):
        return _forbidden(request)
    try:
        dashboard.record_outcome(session, profile_id, run_id, offering_id, outcome, user)
    except DashboardError as exc:
        _ = i18n.gettext_for(i18n.choose_language(request))
        message = _(exc.msgid).format(**exc.params)
        return _page(request, "officer/error.html", {"message": message}, status_code=422)
    audit.record(session, f"user:{user}", "feedback", profile_id)
    return RedirectResponse(
        f"/officer/profiles/{profile_id}#offering-{offering_id}", status_code=303
    )


@signed_in.post("/profiles/{profile_id}/rank")
def rank_now(
    request: Request,
    profile_id: str,
    session: SessionDep,
    served: ReadyDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    *,
    user: Officer,
) -> Response:
    """Rank a profile without stored suggestions (e.g. one a partner sent) and store them."""
    if not _csrf_ok(request, csrf_token):
        return _forbidden(request)
    row = dashboard.profile_row(session, profile_id)
    if row is None:
        _ = i18n.gettext_for(i18n.choose_language(request))
        message = _("No stored profile has the id {id}.").format(id=profile_id)
        return _page(request, "officer/error.html", {"message": message}, status_code=404)
    try:
        profiles.rank_and_store(session, served, row.profile, RUN_LIMIT, actor=f"user:{user}")
    except InvalidInput as exc:
        details = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in exc.errors)
        return _page(request, "officer/error.html", {"message": details}, status_code=422)
    return RedirectResponse(f"/officer/profiles/{profile_id}", status_code=303)


@signed_in.get("/export.csv")
def export_csv(request: Request, session: SessionDep, user: Officer) -> Response:
    """The filtered queue as CSV, with the top three suggestions and recorded outcomes."""
    rows = dashboard.queue(session, _filters(request))
    audit.record(session, f"user:{user}", "export")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        top = [str(item.get("offering_id", "")) for item in row.top]
        top += [""] * (3 - len(top))
        p = row.profile
        cells = [
            p.id, p.created_at.isoformat(timespec="seconds"), row.tenant, row.name,
            p.pincode, p.district, p.state, p.sector, *top,
            "; ".join(f"{k}={v.value}" for k, v in sorted(row.outcomes.items())),
        ]  # fmt: skip
        writer.writerow([spreadsheet_safe(str(cell or "")) for cell in cells])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="dakmatch-profiles.csv"'},
    )


@signed_in.get("/catalogue")
def stale_page(
    request: Request, session: SessionDep, catalog: CatalogDep, username: Officer
) -> Response:
    """Admins only: the active offerings whose facts are older than ``?days=`` (default 365),
    with their sources, the list ``dakmatch catalog stale`` prints."""
    user = active_user(session, username)
    _ = i18n.gettext_for(i18n.choose_language(request))
    if user is None or user.role is not Role.ADMIN:
        message = _("Only catalogue administrators can see this page.")
        return _page(request, "officer/error.html", {"message": message}, status_code=403)
    raw = request.query_params.get("days", "365")
    if not raw.isdigit() or int(raw) > 36_500:
        raise InvalidInput(
            "days must be a whole number of days",
            errors=[{"field": "days", "message": "a whole number from 0 to 36500"}],
        )
    days = int(raw)
    today = dt.date.today()
    lang = i18n.choose_language(request)
    rows = [(o.localized(lang), (today - o.as_of).days)
            for o in stale(catalog, days=days, today=today)]
    context = {"user": username, "rows": rows, "days": days, "active": len(catalog.active())}
    return _page(request, "officer/stale.html", context)


@signed_in.get("/charts")
def charts_page(
    request: Request, session: SessionDep, catalog: CatalogDep, user: Officer
) -> Response:
    """Demand by offering group per state, outcomes over time, acceptance rate per offering,
    and the learned model that ranks (its version, activation and gate figures)."""
    _ = i18n.gettext_for(i18n.choose_language(request))
    demand = dashboard.demand_by_state(session)
    groups = [charts.Series(k, _(v)) for k, v in i18n.CATEGORIES.items()]
    weeks = dashboard.outcomes_by_week(session)
    outcome_series = [charts.Series(k, _(v)) for k, v in i18n.OUTCOMES.items()]
    rates = dashboard.acceptance_by_offering(session)
    lang = i18n.choose_language(request)
    names = {o.id: o.localized(lang).name for o in catalog.offerings}
    rate_rows = [(names.get(k, k), hits, total) for k, (hits, total) in rates.items()]
    context = {
        "user": user,
        "demand_svg": charts.stacked_bars(
            [(_(state), counts) for state, counts in sorted(demand.items())], groups, lang=lang,
            title=_("Demand by offering group per state"),
            desc=_("Top three suggestions of each stored profile, counted by group and state."),
        ),
        "outcomes_svg": charts.stacked_columns(
            [(day_and_month(week, lang), counts) for week, counts in weeks.items()],
            outcome_series, lang=lang,
            title=_("Outcomes over time"),
            desc=_("Outcomes recorded by officers, per week."),
        ),
        "acceptance_svg": charts.rate_bars(
            rate_rows, lang=lang,
            title=_("Acceptance rate per offering"),
            desc=_("Accepted or enrolled, out of all decided outcomes."),
        ),
        "demand": demand,
        "weeks": weeks,
        "rate_rows": rate_rows,
        "model": dashboard.serving_model(session),
    }  # fmt: skip
    return _page(request, "officer/charts.html", context)


router.include_router(signed_in)
