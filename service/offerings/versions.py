"""Catalogue versions that stored runs name, read back from the database for writing those runs
again in another language (``service.offerings.language.stored_answer``).

A version is a content hash, so a version read once never changes: the newest few are kept in
memory per process. The served catalogue answers for its own version without a query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy.orm import Session

from catalog import Catalog
from service.offerings import repository

VERSIONS_KEPT = 8
_kept: OrderedDict[str, Catalog] = OrderedDict()
_lock = threading.Lock()


def catalog_version(
    session: Session, version: str, served: Catalog | None
) -> Catalog | None:
    """The catalogue of ``version``: ``served`` when it is that one, else the stored version
    (None when the database does not hold it)."""
    if served is not None and version == served.version:
        return served
    with _lock:
        found = _kept.get(version)
        if found is not None:
            _kept.move_to_end(version)
            return found
    stored = repository.catalog_at(session, version)
    if stored is None:
        return None
    with _lock:
        _kept[version] = stored.catalog
        while len(_kept) > VERSIONS_KEPT:
            _kept.popitem(last=False)
    return stored.catalog
