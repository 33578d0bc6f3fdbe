"""The languages of answers and pages (DESIGN §5: ``en``, ``hi``, ``mr``; English otherwise):
which one a request asks for, and its gettext catalogue.

The catalogues are ``service/web/locales/<lang>/LC_MESSAGES/messages.po``, compiled with Babel
in memory once per process (:func:`load`, called at start-up; a clean clone needs no build
step) and shared by the API's reasons (``service.reasons``) and the pages.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Annotated

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Depends, Query, Request
from starlette.requests import HTTPConnection

LOCALES_DIR = Path(__file__).parent / "web" / "locales"
LANGUAGES: dict[str, str] = {"en": "English", "hi": "हिन्दी", "mr": "मराठी"}
DEFAULT_LANGUAGE = "en"
COOKIE = "dakmatch_lang"  # the language a visitor chose on the pages

_compiled: dict[str, NullTranslations] = {}
_lock = threading.Lock()


def load() -> None:
    """Compile every language's catalogue (once per process; later calls do nothing)."""
    for lang in LANGUAGES:
        translations(lang)


def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (English: the msgids themselves; an unknown
    language: English)."""
    found = _compiled.get(lang)
    if found is not None:
        return found
    with _lock:
        found = _compiled.get(lang)
        if found is None:
            found = _compile(lang) if lang in LANGUAGES else translations(DEFAULT_LANGUAGE)
            _compiled[lang] = found
    return found


def _compile(lang: str) -> NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    po_path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def request_language(request: HTTPConnection) -> str:
    """The language a request asks for: ``?lang=`` (en, hi, mr) wins, then the language the
    visitor chose on the pages (cookie), then the best of ``Accept-Language``, then English.

    Other helpers pick per-language text (offering names, descriptions) with this.
    """
    for candidate in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return str(candidate)
    header = request.headers.get("accept-language")
    return accepted_language(header) if header else DEFAULT_LANGUAGE


def accepted_language(header: str) -> str:
    """The supported language an ``Accept-Language`` header prefers (RFC 9110 §12.5.4:
    highest q first, equal q in the header's order; ``hi-IN`` counts as ``hi``; ``q=0``
    refuses); English when it names none of them.

    Examples
    --------
    >>> accepted_language("mr-IN,mr;q=0.9,en;q=0.8")
    'mr'
    >>> accepted_language("fr, hi;q=0.5, en;q=0.7")
    'en'
    """
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for part in header.split(",")[:20]:  # a header is short; a long one is cut, not parsed
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().split("-", 1)[0].lower()
        if lang not in LANGUAGES:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                continue
        if q > best_q:
            best, best_q = lang, q
    return best


def asked_language(
    request: Request,
    lang: Annotated[str | None, Query(
        description="language of the answer's text: en, hi or mr (wins over Accept-Language; "
        "anything else: Accept-Language, then English)", max_length=16,
    )] = None,
) -> str:
    """The ``lang`` query parameter (documented in OpenAPI) or the request's other signs."""
    if lang in LANGUAGES:
        return str(lang)
    return request_language(request)


# A route's language: ``?lang=``, then ``Accept-Language``, then English.
LanguageDep = Annotated[str, Depends(asked_language)]
