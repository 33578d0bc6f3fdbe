"""What the app holds in memory: the served catalogue, the geography and the fitted ranker.

The ranker is fitted once per catalogue version and swapped as a whole when an admin changes the
catalogue, so a request always sees a catalogue and a ranker that belong together.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.datastructures import State

from catalog import Catalog
from catalog.geo import Geography
from matching import Ranker
from matching.learning import LearnedModel
from service.metrics import set_catalog_version

log = logging.getLogger("dakmatch.runtime")


@dataclass(frozen=True)
class ServedCatalog:
    """The catalogue a process serves, with the ranker fitted on it (``ranker`` is None when it
    could not be fitted; it applies the active learned model, if any) and the geography both
    use."""

    catalog: Catalog
    ranker: Ranker | None
    problem: str | None = None
    geography: Geography | None = None


@dataclass
class Runtime:
    """Mutable holder on ``app.state.runtime``; replaced atomically under a lock.

    ``model`` is the learned model the ranker applies (None: the hand-set weights);
    ``model_wanted`` the version the database last named as active (what the catalogue
    watcher compares against, so that a change is applied once, not on every pass).
    """

    geography: Geography | None = None
    served: ServedCatalog | None = None
    problems: list[str] = field(default_factory=list)
    database_problem: str | None = None
    model: LearnedModel | None = None
    model_wanted: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def install(self, catalog: Catalog) -> ServedCatalog:
        """Fit a ranker on ``catalog``, apply the learned model, and make the pair the served
        one."""
        with self._lock:
            ranker, problem = fit_ranker(catalog, self.geography)
            self.served = ServedCatalog(
                catalog=catalog,
                ranker=self._with_model(ranker, catalog),
                problem=problem,
                geography=self.geography,
            )
            return self.served

    def use_model(self, version: str | None, document: Mapping[str, Any] | None) -> None:
        """Serve the learned model ``document`` (a stored ``LearnedModel.to_json()``) of
        ``version``, or the hand-set weights when ``version`` is None: a copy of the served
        ranker with the model applied replaces it (no refit of the catalogue). A document that
        cannot be read is logged and the model serving until now stays."""
        with self._lock:
            self.model_wanted = version
            model = None
            if version is not None and document is not None:
                try:
                    model = LearnedModel.from_json(document)
                except ValueError as exc:
                    log.error("model %s cannot be read; the model serving stays: %s",
                              version, exc)
                    return
            self.model = model
            served = self.served
            if served is not None and served.ranker is not None:
                ranker = self._with_model(served.ranker, served.catalog)
                self.served = replace(served, ranker=ranker)
            log.info("serving %s", f"model {version}" if model else "the hand-set weights")

    def _with_model(self, ranker: Ranker | None, catalog: Catalog) -> Ranker | None:
        if ranker is None:
            return None
        try:
            return ranker.with_model(self.model)
        except ValueError as exc:
            log.error("model %s cannot serve catalogue %s, the hand-set weights do: %s",
                      self.model.version if self.model else "-", catalog.version, exc)
            return ranker.with_model(None)

    def expose(self, state: State) -> None:
        """Mirror catalogue, ranker and geography on ``app.state`` (docs/INTERFACES.md), and the
        served catalogue version in the metrics."""
        served = self.served
        if served is not None:
            set_catalog_version(served.catalog.version, len(served.catalog))
        state.geography = self.geography
        state.catalog = served.catalog if served else None
        state.catalog_version = served.catalog.version if served else None
        state.ranker = served.ranker if served else None

    def readiness_problems(self) -> list[str]:
        problems = list(self.problems)
        if self.database_problem:
            problems.insert(0, self.database_problem)
        elif self.served is None:
            problems.append("no catalogue in the database: run `dakmatch catalog load`")
        elif self.served.problem:
            problems.append(self.served.problem)
        return problems


def load_geography() -> tuple[Geography | None, str | None]:
    """The India Post directory (read once, at start-up), or the reason it cannot be read."""
    try:
        return Geography.load(), None
    except (OSError, ValueError) as exc:
        return None, f"geography unavailable: {exc}"


def fit_ranker(catalog: Catalog, geography: Geography | None) -> tuple[Ranker | None, str | None]:
    """A ``matching.Ranker`` fitted on ``catalog``, or None and the reason."""
    if geography is None:
        return None, "ranker not fitted: no geography"
    try:
        return Ranker().fit(catalog, geography), None
    except (ValueError, TypeError) as exc:
        log.error("ranker fit failed: %s", exc)
        return None, f"ranker not fitted: {exc}"
