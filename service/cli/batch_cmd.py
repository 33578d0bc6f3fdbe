"""``dakmatch batch INPUT OUTPUT``: rank a CSV or Parquet file of profiles, locally or on Dask."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from service.cli import Subparsers, counted
from service.cli._errors import fail, friendly_errors
from service.settings import get_settings

if TYPE_CHECKING:
    from service.batch import Model


def register(subparsers: Subparsers) -> None:
    batch = subparsers.add_parser(
        "batch",
        help="rank a CSV/Parquet file of profiles top k, with a progress bar",
        description=(
            "Rank every row of INPUT (CSV or Parquet; columns named after the profile fields, "
            "list fields ';'-separated in CSV, an optional 'id' column passed through) and write "
            "(id, rank, offering_id, score) rows to OUTPUT (CSV or Parquet, by extension). "
            "Invalid rows go to the errors file with row number and reason; they never stop "
            "the run. Uses the newest catalogue in the database unless --catalog names a file; "
            "the packaged catalogue when the database has none (a fresh machine)."
        ),
    )
    batch.add_argument("input", type=Path, help="profiles, .csv or .parquet")
    batch.add_argument("output", type=Path, help="ranked rows, .csv or .parquet")
    batch.add_argument(
        "--engine", choices=("local", "dask"), default="local",
        help="local: worker processes on this machine (default); dask: a Dask cluster, with "
        "the same output",
    )
    batch.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster for the run)",
    )
    batch.add_argument("--k", type=int, default=5, help="offerings per profile (default 5)")
    batch.add_argument(
        "--errors", type=Path, metavar="PATH",
        help="rejected rows, a .csv (default: beside OUTPUT, ranked.parquet -> ranked.errors.csv)",
    )
    batch.add_argument(
        "--chunk-size", type=int, default=None, metavar="N", help="rows per chunk (default 50000)"
    )
    batch.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="local engine: worker processes (default: one per core; 1 ranks in this process)",
    )
    batch.add_argument("--catalog", type=Path, metavar="PATH",
                       help="catalogue YAML to rank with (default: the database's newest)")
    batch.add_argument("--no-progress", action="store_true", help="no progress bar")
    batch.set_defaults(func=_batch)


def _model(catalog_path: Path | None) -> Model:
    from catalog import default_catalog_path, load_catalog
    from service.batch import Model
    from service.db import make_engine, make_session_factory
    from service.offerings import repository as catalog_repo
    from service.runtime import fit_ranker, load_geography

    if catalog_path is not None:
        catalog = load_catalog(catalog_path)
    else:
        settings = get_settings()
        engine = make_engine(settings.database_url)
        try:
            with make_session_factory(engine)() as session:
                stored = (catalog_repo.latest_catalog(session)
                          if catalog_repo.has_catalog_table(session) else None)
        finally:
            engine.dispose()
        if stored is None:  # a fresh machine (DESIGN §6): the catalogue that ships
            path = settings.catalog_path or default_catalog_path()
            print(f"no catalogue in the database; ranking with {path}", file=sys.stderr)
            catalog = load_catalog(path)
        else:
            catalog = stored.catalog
    geography, problem = load_geography()
    if geography is None:
        raise LookupError(problem)
    ranker, problem = fit_ranker(catalog, geography)
    if ranker is None:
        raise LookupError(problem)
    return Model(ranker=ranker, geography=geography)


@friendly_errors
def _batch(args: argparse.Namespace) -> int:
    from service.batch import (
        DEFAULT_CHUNK_SIZE,
        BatchFileError,
        check_paths,
        default_errors_path,
        run_batch,
    )
    from service.batch.csvread import CsvError

    if args.k < 1 or args.k > 50:
        return fail(f"--k must be between 1 and 50, not {args.k}")
    chunk_size = DEFAULT_CHUNK_SIZE if args.chunk_size is None else args.chunk_size
    if chunk_size < 1:
        return fail(f"--chunk-size must be at least 1, not {chunk_size}")
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    if workers < 1:
        return fail(f"--workers must be at least 1, not {workers}")
    if args.scheduler and args.engine != "dask":
        return fail("--scheduler needs --engine dask")
    started = time.perf_counter()
    errors = args.errors or default_errors_path(args.output)
    try:
        check_paths(args.input, args.output, errors)
        model = _model(args.catalog)
        summary = run_batch(
            model,
            args.input,
            args.output,
            errors=errors,
            engine=args.engine,
            k=args.k,
            chunk_size=chunk_size,
            workers=workers,
            scheduler=args.scheduler,
            progress=not args.no_progress,
        )
    except (BatchFileError, CsvError, LookupError) as exc:
        return fail(str(exc).strip("'\""))
    except OSError as exc:
        return fail(f"{exc.filename or args.scheduler}: {exc.strerror or exc}")
    seconds = time.perf_counter() - started
    rate = summary.rows / seconds if seconds else 0.0
    rows = counted(summary.rows, "{n} row", "{n} rows")
    written = counted(summary.output_rows, "{n} row", "{n} rows")
    print(
        f"{rows} in {seconds:.1f} s ({rate:,.0f} profiles/s): "
        f"{summary.ranked_profiles:,} ranked -> {args.output} ({written}), "
        f"{summary.rejected_rows:,} rejected -> {errors}"
    )
    return 0
