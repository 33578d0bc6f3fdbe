"""Public pages: the profile form at ``/``, the results, the PIN code look-up, the widget script
and its documentation. Everything works without JavaScript; scripts only add the PIN preview."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from catalog.geo import PincodeError
from service.deps import GeographyDep, ReadyDep, SessionDep, SessionRoute
from service.errors import InvalidInput
from service.profiles import service as profiles
from service.recommendations.service import Ranked, rank_profile, validate_profile
from service.runtime import ServedCatalog
from service.web import i18n, widget
from service.web.forms import FormState, read_form
from service.web.results import present_ranking
from service.web.security import read_saved_reference, saved_reference
from service.web.templating import render

router = APIRouter(include_in_schema=False, route_class=SessionRoute)

STATIC_DIR = Path(__file__).parent / "static"
_STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
RESULTS_LIMIT = 10


@router.get("/")
def form_page(request: Request) -> Response:
    """The profile form (empty)."""
    return render(request, "form.html", {"form": FormState()})


def _ranked(
    request: Request, served: ServedCatalog, state: FormState
) -> tuple[Ranked | None, Any]:
    """Validate the entered profile; on errors fill ``state.errors`` and return None."""
    valid = None
    try:
        valid = validate_profile(state.profile, served.geography)
    except InvalidInput as exc:
        for item in exc.errors:
            name = item.get("field", "").split(".")[0] or "form"
            state.add_error(name, item.get("message", ""))
    if state.errors or valid is None:
        state.sort_errors()
        return None, None
    run_id = str(uuid.uuid4()) if state.consent else None
    lang = i18n.choose_language(request)
    return rank_profile(served, valid.profile, RESULTS_LIMIT, run_id=run_id, lang=lang), valid


def _results(
    request: Request,
    session: Session,
    served: ServedCatalog,
    state: FormState,
    stored_id: str | None,
) -> Response:
    ranked, valid = _ranked(request, served, state)
    if ranked is None:
        return render(request, "form.html", {"form": state}, status_code=422)
    if stored_id is None and state.consent:
        stored_id = profiles.store_web_profile(session, state.profile, valid, ranked)
    context = {
        "form": state,
        "place": {"district": valid.district, "state": valid.state},
        "ranking": present_ranking(
            ranked.payload, i18n.choose_language(request), (served.catalog,)
        ),
        "stored_id": stored_id,
        # The language buttons post the answers again (never in a URL: they hold the name,
        # GSTIN and the rest); a profile already stored is named by a signed reference.
        "resubmit": _resubmit(state),
        "saved": saved_reference(request, stored_id) if stored_id else None,
        "limit": RESULTS_LIMIT,
    }
    return render(request, "results.html", context)


def _resubmit(state: FormState) -> list[tuple[str, str]]:
    """The entered values as (field, value) pairs for hidden inputs (consent left out)."""
    pairs: list[tuple[str, str]] = []
    for name, value in state.values.items():
        for item in value if isinstance(value, list) else [value]:
            if item is True:
                pairs.append((name, "yes"))
            elif item not in ("", False, None):
                pairs.append((name, str(item)))
    return pairs


@router.post("/results")
async def submit_form(request: Request, session: SessionDep, served: ReadyDep) -> Response:
    """Rank the posted profile; errors re-render the form with the entered values.

    The profile is stored (for officers, tenant ``web``) only when the consent box is ticked;
    a post from the results page's language buttons names it instead (``saved``) and stores
    nothing again.
    """
    form = await request.form()
    state = read_form(form)
    stored_id = read_saved_reference(request, form.get("saved"))
    if stored_id is not None:
        state.consent = False

    def answer() -> Response:  # ranking and storing block: a worker thread, not the event loop
        response = _results(request, session, served, state, stored_id)
        session.commit()  # in this thread, before waiting for another (see SessionRoute)
        return response

    return await run_in_threadpool(answer)


@router.get("/results")
def results_page(request: Request) -> Response:
    """Results are answers to a posted form only: answers in a URL would sit in browser
    histories and server logs. Anything else goes to the form."""
    lang = request.query_params.get("lang")
    target = f"/?lang={lang}" if lang in i18n.LANGUAGES else "/"
    return RedirectResponse(target, status_code=303)


@router.get("/pincode/{pincode}")
def pincode_place(pincode: str, geography: GeographyDep) -> JSONResponse:
    """District and state of a PIN code, for the preview beside the form's PIN field."""
    try:
        place = geography.lookup(pincode)
    except PincodeError as exc:
        return JSONResponse({"pincode": pincode, "error": str(exc)}, status_code=404)
    return JSONResponse(
        {"pincode": place.pincode, "district": place.district, "state": place.state},
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """Style sheet and scripts shipped with the package (no CDN)."""
    path = STATIC_DIR / name
    media = _STATIC_TYPES.get(path.suffix)
    if media is None or path.parent != STATIC_DIR or not path.is_file():
        return JSONResponse({"error": f"no static file {name!r}"}, status_code=404)
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return FileResponse(path, media_type=media, headers=headers)


@router.get("/embed.js")
def embed_script() -> Response:
    """The partner widget: ``<script src="https://HOST/embed.js" data-key="...">``
    (``data-lang="hi"`` or ``"mr"``, or the page's own ``lang``, picks the language)."""
    return Response(
        widget.script(),
        media_type="text/javascript",
        headers={
            "Cache-Control": "public, max-age=600",
            "Access-Control-Allow-Origin": "*",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/docs/embed")
def embed_docs(request: Request) -> Response:
    """How a partner embeds the widget, with a live example on this page."""
    base = str(request.base_url).rstrip("/")
    return render(request, "embed_docs.html", {"base": base})
