"""Officer sessions in a signed cookie (itsdangerous) and CSRF tokens (double submit, signed).

The session cookie holds the username and is valid for eight hours; it is ``HttpOnly``,
``SameSite=Lax`` and ``Secure`` except on plain-HTTP loopback development servers (browsers
would drop it there). Every form carries the CSRF token of a second signed cookie.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "dakmatch_officer"
CSRF_COOKIE = "dakmatch_csrf"
SESSION_SECONDS = 8 * 3600
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


# Every page's scripts and styles are files of this server (static/, embed.js and the style
# sheet it links), so nothing inline is allowed; forms post only here; no page may be framed
# (the partner widget is a script in the partner's page, not a frame of ours).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


class CsrfError(Exception):
    """A form post without the token of this browser's CSRF cookie."""


def _serializer(request: Request, purpose: str) -> URLSafeTimedSerializer:
    secret: str = request.app.state.settings.secret_key
    return URLSafeTimedSerializer(secret, salt=f"dakmatch-web-{purpose}")


def secure_cookies(request: Request) -> bool:
    """Secure cookies everywhere except plain HTTP on a loopback address."""
    return not (request.url.scheme == "http" and request.url.hostname in _LOOPBACK)


def session_user(request: Request) -> str | None:
    """The signed-in username, or None (missing, tampered or expired cookie)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(request, "session").loads(raw, max_age=SESSION_SECONDS)
    except BadSignature:
        return None
    return data.get("u") if isinstance(data, dict) else None


def start_session(request: Request, response: Response, username: str) -> None:
    token = _serializer(request, "session").dumps({"u": username})
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/officer",
    )


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/officer", secure=secure_cookies(request), httponly=True
    )


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (a new one is made when the cookie is missing or forged)."""
    cached = getattr(request.state, "csrf_token", None)
    if isinstance(cached, str):
        return cached
    raw = request.cookies.get(CSRF_COOKIE)
    token: str | None = None
    if raw:
        try:
            token = str(_serializer(request, "csrf").loads(raw))
        except BadSignature:
            token = None
    if token is None:
        token = secrets.token_urlsafe(32)
    request.state.csrf_token = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Store the token used on this page (call after rendering a page with forms)."""
    token = csrf_token(request)
    response.set_cookie(
        CSRF_COOKIE,
        _serializer(request, "csrf").dumps(token),
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/officer",
    )


def check_csrf(request: Request, submitted: object) -> None:
    """Raise :class:`CsrfError` unless ``submitted`` equals the cookie's token."""
    raw = request.cookies.get(CSRF_COOKIE)
    if not raw or not isinstance(submitted, str):
        raise CsrfError
    try:
        expected = str(_serializer(request, "csrf").loads(raw))
    except BadSignature as exc:
        raise CsrfError from exc
    if not hmac.compare_digest(expected, submitted):
        raise CsrfError


SAVED_SECONDS = 3600


def saved_reference(request: Request, profile_id: str) -> str:
    """A signed reference to a profile the visitor has just stored (for the results page's
    language buttons, so that switching language does not store it again)."""
    return _serializer(request, "saved").dumps(profile_id)


def read_saved_reference(request: Request, raw: object) -> str | None:
    """The profile id of a valid, recent :func:`saved_reference`, else None."""
    if not isinstance(raw, str) or not raw:
        return None
    try:
        value = _serializer(request, "saved").loads(raw, max_age=SAVED_SECONDS)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None
