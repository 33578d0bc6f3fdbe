"""Turn the errors a CLI user can fix into one line on stderr and exit code 1."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from catalog import CatalogError
from service.bootstrap import safe_url
from service.cli import not_valid
from service.db import DatabaseUrlError
from service.settings import get_settings


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def friendly_errors(func: Callable[..., int]) -> Callable[..., int]:
    """Wrap a command so database, migration and catalogue errors print one line."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        try:
            return func(*args, **kwargs)
        except CatalogError as exc:
            for problem in exc.problems:
                print(f"error: {problem}", file=sys.stderr)
            return fail(not_valid(len(exc.problems), "catalogue"))
        except DatabaseUrlError as exc:
            return fail(str(exc))
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            url = safe_url(get_settings().database_url)
            return fail(f"database {url}: {reason}")
        except CommandError as exc:
            return fail(f"migration: {exc}")

    return wrapper
