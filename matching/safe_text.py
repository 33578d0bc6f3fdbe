"""Text that cannot be stored: NUL characters and lone surrogates.

PostgreSQL refuses U+0000 in text, and a lone surrogate (U+D800 to U+DFFF not paired, which
JSON's ``\\ud800`` escape can produce) is not a character at all: it cannot be encoded as
UTF-8, so neither a database nor a response can carry it. Every place where text enters (API
bodies, query and path parameters, web forms, batch rows) refuses such text at validation,
naming the field, before it reaches storage or a log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_UNSAFE = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """What makes ``value`` unstorable (the first offending character), or None when it is
    fine. The message never repeats the text itself."""
    found = _UNSAFE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000), which text may not hold"
    return f"contains a lone surrogate (U+{ord(found.group()):04X}), which is not a character"


def without_unsafe(value: str) -> str:
    """``value`` with the refused characters taken out (to show a visitor what they typed)."""
    return _UNSAFE.sub("", value)


def unsafe_text_errors(data: Any, field: str = "") -> list[dict[str, str]]:
    """``[{field, message}]`` for every string in ``data`` (a JSON value: objects, lists,
    strings, numbers) that :func:`text_problem` refuses, keys included. Fields are dotted
    paths (``products``, ``needs.2``); a key that is itself refused is reported on its parent
    (``body`` at the top)."""
    if _UNSAFE.search("".join(_texts(data))) is None:  # the usual case: one search
        return []
    problems: list[dict[str, str]] = []
    name = field or "body"
    if isinstance(data, str):
        problem = text_problem(data)
        if problem is not None:
            problems.append({"field": name, "message": f"{name} {problem}"})
    elif isinstance(data, Mapping):
        for key, value in data.items():
            text_key = str(key)
            problem = text_problem(text_key)
            if problem is not None:
                problems.append({"field": name, "message": f"a field name in {name} {problem}"})
                continue
            problems.extend(unsafe_text_errors(value, f"{field}.{text_key}" if field else text_key))
    elif isinstance(data, (list, tuple)):
        for index, item in enumerate(data):
            problems.extend(unsafe_text_errors(item, f"{name}.{index}"))
    return problems


def _texts(data: Any) -> list[str]:
    """Every string in ``data`` (keys as :func:`unsafe_text_errors` reads them), in no order."""
    texts: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            texts.append(item)
        elif kind is int or kind is float or kind is bool or item is None:
            continue  # most cells (an ABC isinstance check costs more than these tests)
        elif isinstance(item, str):
            texts.append(item)
        elif isinstance(item, Mapping):
            texts.extend(map(str, item))
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return texts
