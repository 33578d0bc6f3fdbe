"""Jinja2 rendering with the visitor's language: ``_``, ``ngettext``, ``number`` and ``rupees``
(Indian grouping: 1,50,000) and the vocabulary labels in every page."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.reasons import number, rupees
from service.web import i18n
from service.web.security import PAGE_HEADERS

TEMPLATES_DIR = Path(__file__).parent / "templates"
LANG_COOKIE_SECONDS = 365 * 24 * 3600


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        languages=i18n.LANGUAGES,
        sectors=i18n.SECTORS,
        business_types=i18n.BUSINESS_TYPES,
        size_classes=i18n.SIZE_CLASSES,
        sales_channels=i18n.SALES_CHANNELS,
        needs=i18n.NEEDS,
        need_groups=i18n.NEED_GROUPS,
        categories=i18n.CATEGORIES,
        outcomes=i18n.OUTCOMES,
        common_destinations=i18n.COMMON_DESTINATIONS,
    )
    return env


def language_links(request: Request) -> dict[str, str]:
    """For each language, this page's URL in it (the results page posts instead: its answers
    never go into a URL)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return {
        code: f"{request.url.path}?{urlencode([*params, ('lang', code)])}"
        for code in i18n.LANGUAGES
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` in the request's language; remember a language chosen by ``?lang=``.

    Every page carries the security headers of :data:`PAGE_HEADERS` (CSP, no framing)."""
    lang = i18n.choose_language(request)
    found = i18n.translations(lang)
    page = (
        environment()
        .get_template(template)
        .render(
            {
                "_": found.gettext,
                "ngettext": found.ngettext,
                "number": lambda value: number(value, lang),
                "rupees": lambda value: rupees(value, lang),
                "lang": lang,
                "language_links": language_links(request),
                "request": request,
                **(context or {}),
            }
        )
    )
    response = HTMLResponse(page, status_code=status_code, headers=PAGE_HEADERS)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(
            i18n.COOKIE, lang, max_age=LANG_COOKIE_SECONDS, samesite="lax", path="/"
        )
    return response
