"""Refuse NUL characters and lone surrogates where a request carries text (422, by field).

The URL path and query of every request, and JSON bodies, are checked before any route runs
(``LimitsMiddleware`` calls these); web forms are checked where they are read (the public
form through the profile validation, officer forms through :data:`FormText`), batch rows by
``matching.parse_profile``. See ``matching.safe_text`` for why such text cannot be stored.
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import parse_qsl

from pydantic import AfterValidator
from starlette.responses import Response
from starlette.types import Scope

from matching.safe_text import text_problem, unsafe_text_errors
from service.errors import fields_not_valid, problem_response

# The starts of the JSON escapes that can decode to NUL or to half of a surrogate pair
# (U+D800-U+DFFF); only bodies with one are parsed again (a pair is a real character and
# passes). Three substring tests cost about a third of parsing a body of escaped Hindi text.
_SUSPECT_ESCAPES = (b"\\u0000", b"\\ud", b"\\uD")


def url_problems(scope: Scope) -> list[dict[str, str]]:
    """``[{field, message}]`` for the path and each query parameter holding refused text."""
    problems: list[dict[str, str]] = []
    path: str = scope["path"]
    # Servers decode the path with U+FFFD for bad UTF-8: NUL is all it can carry of this.
    problem = text_problem(path) if "\x00" in path else None
    if problem is not None:
        problems.append({"field": "path", "message": f"the URL path {problem}"})
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query:  # the only refused text a query can carry (bad UTF-8 becomes U+FFFD)
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            field = name if text_problem(name) is None else "query"
            problem = text_problem(value) or text_problem(name)
            if problem is not None:
                problems.append({"field": field, "message": f"{field} {problem}"})
    return problems


def json_body_problems(body: bytes) -> list[dict[str, str]]:
    """``[{field, message}]`` for the refused text in a JSON body (none when it is not JSON:
    the route answers that)."""
    if not any(escape in body for escape in _SUSPECT_ESCAPES):
        return []
    try:
        data = json.loads(body)
    except ValueError:
        return []
    return unsafe_text_errors(data)


def refusal(problems: list[dict[str, str]]) -> Response:
    """The 422 problem answer, shaped as the routes' validation errors."""
    return problem_response(
        422,
        "validation-error",
        "Validation failed",
        fields_not_valid(len(problems)),
        errors=problems,
    )


def _checked(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


FormText = Annotated[str, AfterValidator(_checked)]
"""A ``str`` form field that refuses NUL characters and lone surrogates (422 by field)."""
