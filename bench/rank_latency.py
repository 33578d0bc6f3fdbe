"""Ranking speed: in-process ``rank()`` latency and ``rank_many`` throughput.

    python bench/rank_latency.py [--profiles 100000] [--repeat 20] [--seed 7]
    python bench/rank_latency.py --answers-only [--repeat 20] [--langs en,hi,mr]
    python bench/rank_latency.py --rank-batch-only [--repeat 20]

Measures, in one run and on this machine:

- ``rank(profile, k=10)`` p50/p99 on the real catalogue and on synthetic catalogues of 1,000
  and 10,000 offerings (built from the real entries with shuffled keywords, weight limits and
  regions, so the text and rule work is like the real one);
- ``rank_batch(profiles, k=10)`` (explained rankings, as the API's batcher calls it) CPU time
  per profile for batches of 1, 4, 16 and 64 judged profiles on the real catalogue
  (``--rank-batch-only``: only this, batches of 1, 8 and 16 with and without ``ask``, best of
  ``--repeat`` passes, the garbage collector's start-up objects frozen as in the server);
- the ranking thread's work per API request (``--answers-only`` measures only this): the
  request bodies of every judged profile validated, ranked with ``rank_batch(k=10)`` in
  batches of 1, 8 and 16, and each answer written as the API sends it (reasons in the
  ``--langs`` in turn, offering names, JSON), CPU time per request, best of ``--repeat``
  passes;
- ``rank_many(frame, k=5)`` profiles per second on a frame of validated synthetic profiles
  (``bench/synthetic_profiles.py``, through the batch command's own validation), once as
  generated and once with every row's products text made unique (no text reuse);
- a reference measured in the same run (a 44-element dot product and a Python call), so that
  the figures can be compared across machines as ratios.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import platform
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # after PYTHONPATH: another checkout there is measured instead
    sys.path.append(str(ROOT))

import sklearn  # noqa: E402

from bench.synthetic_profiles import synthetic_profiles  # noqa: E402
from catalog import Catalog, Geography, catalog_from_document, load_catalog  # noqa: E402
from catalog.vocab import STATES  # noqa: E402
from matching import EnterpriseProfile, Ranker, parse_profile  # noqa: E402
from matching.judged import EVAL_FILES, load_sets  # noqa: E402


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def synthetic_catalog(real: Catalog, n: int, rng: np.random.Generator) -> Catalog:
    """``n`` offerings derived from the real ones (valid entries of the same schema)."""
    pool = sorted({k for o in real.offerings for k in o.keywords})
    base = [o.model_dump(mode="json", exclude_none=True) for o in real.offerings if o.active]
    entries = []
    for i in range(n):
        entry = dict(base[i % len(base)])
        entry["id"] = f"{entry['id']}-{i}"
        entry["name"] = f"{entry['name']} {i}"
        entry["keywords"] = list(rng.choice(pool, size=int(rng.integers(3, 12)), replace=False))
        constraints = dict(entry.get("constraints", {}))
        if rng.random() < 0.3:
            constraints["max_weight_kg"] = float(rng.choice([2, 5, 20, 35]))
            constraints.pop("min_weight_kg", None)
        if rng.random() < 0.2:
            constraints["regions"] = list(rng.choice(STATES, size=int(rng.integers(1, 4)),
                                                     replace=False))
        entry["constraints"] = constraints
        entries.append(entry)
    return catalog_from_document({"offerings": entries})


def percentiles(
    fn: Callable[[EnterpriseProfile], Any], profiles: list[EnterpriseProfile], repeat: int
) -> tuple[float, float, float, float, int]:
    """Wall-clock p50/p99 and CPU-time p50/p99 (ms) of ``fn`` over the profiles.

    CPU time (this thread only) leaves out time the scheduler gave to other processes, which
    dominates wall-clock tails on a shared two-core machine."""
    for p in profiles[:20]:
        fn(p)
    wall, cpu = [], []
    for _ in range(repeat):
        for p in profiles:
            start, start_cpu = time.perf_counter(), time.thread_time()
            fn(p)
            cpu.append(time.thread_time() - start_cpu)
            wall.append(time.perf_counter() - start)
    w, c = np.array(wall) * 1000, np.array(cpu) * 1000
    return (float(np.percentile(w, 50)), float(np.percentile(w, 99)),
            float(np.percentile(c, 50)), float(np.percentile(c, 99)), len(w))


def batch_cost(
    ranker: Ranker, profiles: list[EnterpriseProfile], size: int, repeat: int
) -> tuple[float, float]:
    """Median CPU ms of one ``rank_batch`` call of ``size`` profiles, and CPU us per profile."""
    pool = (profiles * (size // len(profiles) + 2))
    batches = [pool[i:i + size] for i in range(0, len(profiles), max(1, size // 4))]
    ranker.rank_batch(batches[0], k=10)
    cpu = []
    for _ in range(max(2, repeat // 4)):
        for batch in batches:
            start = time.thread_time()
            ranker.rank_batch(batch, k=10)
            cpu.append(time.thread_time() - start)
    median_ms = float(np.median(cpu)) * 1000
    return median_ms, median_ms * 1000 / size


def rank_batch_cost(
    ranker: Ranker, profiles: list[EnterpriseProfile], size: int, repeat: int, with_ask: bool,
) -> float:
    """Best-of-``repeat`` CPU us per profile of ``rank_batch(k=10)`` over ``profiles`` in
    batches of ``size`` (validated profiles: the ranker's own work only)."""
    batches = [profiles[i:i + size] for i in range(0, len(profiles) - size + 1, size)]

    def one_pass() -> float:
        start = time.thread_time()
        for batch in batches:
            ranker.rank_batch(batch, k=10, with_ask=with_ask)
        return (time.thread_time() - start) * 1e6 / (len(batches) * size)

    one_pass()
    return min(one_pass() for _ in range(repeat))


def answer_cost(
    catalog: Catalog, geography: Geography, ranker: Ranker, bodies: list[dict[str, Any]],
    size: int, repeat: int, langs: list[str],
) -> float:
    """Best-of-``repeat`` CPU us per request of what the API's ranking thread does for
    ``bodies`` in batches of ``size`` (``service.recommendations.batcher``): validation,
    ``rank_batch(k=10)``, the answer's reasons in ``langs`` in turn, names, JSON."""
    import orjson

    from matching import ranking_payload
    from service.offerings.language import localized_names
    from service.reasons import renderer
    from service.recommendations.service import parse_body

    batches = [bodies[i:i + size] for i in range(0, len(bodies) - size + 1, size)]
    turns = itertools.cycle(langs)

    def one_pass() -> float:
        start = time.thread_time()
        for batch in batches:
            profiles = [parse_body(body, geography) for body in batch]
            for ranking in ranker.rank_batch(profiles, k=10):
                lang = next(turns)
                payload = ranking_payload(ranking, catalog.version,
                                          render=renderer(lang, catalog).many)
                orjson.dumps(localized_names(payload, catalog, lang))
        return (time.thread_time() - start) * 1e6 / (len(batches) * size)

    one_pass()
    return min(one_pass() for _ in range(repeat))


def reference_us(repeat: int = 200_000) -> tuple[float, float]:
    a = np.random.default_rng(0).random(44)
    b = np.random.default_rng(1).random(44)
    start = time.perf_counter()
    for _ in range(repeat):
        np.dot(a, b)
    dot = (time.perf_counter() - start) / repeat * 1e6

    def nothing(x: int) -> int:
        return x

    start = time.perf_counter()
    for i in range(repeat):
        nothing(i)
    call = (time.perf_counter() - start) / repeat * 1e6
    return dot, call


def profile_frame(geography: Geography, n: int, seed: int, unique_text: bool) -> pd.DataFrame:
    """Validated profiles (the batch command's validation) as a frame for ``rank_many``."""
    from service.batch.rows import prepare

    raw = synthetic_profiles(n, geography.pincodes, geography.pincode_states, seed=seed)
    if unique_text:
        rng = np.random.default_rng(seed)
        words = np.array(["hand", "made", "export", "quality", "organic", "printed", "gift",
                          "traditional", "premium", "bulk", "eco", "festive"])
        extra = rng.choice(words, size=(n, 3))
        raw["products"] = [f"{p} {' '.join(w)} lot {i}"
                           for i, (p, w) in enumerate(zip(raw["products"], extra, strict=True))]
    return prepare(raw.drop(columns=["id"]), 1, geography).profiles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--answers-only", action="store_true",
                        help="measure only the ranking thread's work per API request")
    parser.add_argument("--langs", default="en,hi,mr",
                        help="the answers' languages, in turn (comma-separated)")
    parser.add_argument("--rank-batch-only", action="store_true",
                        help="measure only rank_batch per profile, with and without ask")
    args = parser.parse_args(argv)

    geography = Geography.load()
    real = load_catalog()
    bodies = [dict(j.profile) for profiles in load_sets(files=EVAL_FILES).values()
              for j in profiles]
    langs = args.langs.split(",")
    if args.answers_only:
        ranker = Ranker().fit(real, geography)
        code = Path(sys.modules[Ranker.__module__].__file__ or "").parents[1]
        print(f"API answers of {code}: {len(bodies)} judged profiles, CPU us per request, "
              f"best of {args.repeat}, {'/'.join(langs)} (load {os.getloadavg()[0]:.2f})")
        for size in (1, 8, 16):
            cost = answer_cost(real, geography, ranker, bodies, size, args.repeat, langs)
            print(f"  batch {size:>2}: {cost:7.1f}")
        return 0
    if args.rank_batch_only:
        ranker = Ranker().fit(real, geography)
        profiles = [parse_profile(body, geography) for body in bodies]
        gc.collect()
        gc.freeze()  # as the server does after start-up: what was loaded is not scanned again
        code = Path(sys.modules[Ranker.__module__].__file__ or "").parents[1]
        print(f"rank_batch(k=10) of {code}: {len(profiles)} judged profiles, CPU us per "
              f"profile, best of {args.repeat} (load {os.getloadavg()[0]:.2f})")
        for size in (1, 8, 16):
            plain, asked = (rank_batch_cost(ranker, profiles, size, args.repeat, with_ask)
                            for with_ask in (False, True))
            print(f"  batch {size:>2}: {plain:7.1f} without ask, {asked:7.1f} with ask")
        return 0
    rng = np.random.default_rng(args.seed)
    judged = [parse_profile(j.profile, geography)
              for profiles in load_sets().values() for j in profiles]
    dot_us, call_us = reference_us()

    rows = []
    builders: list[tuple[str, Callable[[], Catalog]]] = [
        (f"real ({len(real)})", lambda: real),
        ("synthetic 1,000", lambda: synthetic_catalog(real, 1_000, rng)),
        ("synthetic 10,000", lambda: synthetic_catalog(real, 10_000, rng)),
    ]
    for label, build in builders:
        catalog = build()  # one catalogue alive at a time: garbage collection scans what lives
        start = time.perf_counter()
        ranker = Ranker().fit(catalog, geography)
        fit_s = time.perf_counter() - start
        repeat = args.repeat if len(catalog) <= 1000 else max(2, args.repeat // 5)
        p50, p99, cpu50, cpu99, n = percentiles(partial(ranker.rank, k=10), judged, repeat)
        rows.append((label, fit_s, p50, p99, cpu50, cpu99, n))
        del catalog, ranker
        gc.collect()

    ranker = Ranker().fit(real, geography)
    batched = [(size, *batch_cost(ranker, judged, size, args.repeat)) for size in (1, 4, 16, 64)]
    answers = [(size, answer_cost(real, geography, ranker, bodies, size, args.repeat, langs))
               for size in (1, 8, 16)]
    throughput = []
    for unique in (False, True):
        frame = profile_frame(geography, args.profiles, args.seed, unique)
        ranker.rank_many(frame.iloc[:1000], k=5)
        start = time.perf_counter()
        out = ranker.rank_many(frame, k=5)
        seconds = time.perf_counter() - start
        throughput.append((unique, len(frame), seconds, len(frame) / seconds, len(out)))

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print("environment")
    print(f"  CPU        {cpu_name()} ({os.cpu_count()} logical, {affinity} usable)")
    print(f"  load       {os.getloadavg()[0]:.2f} (1-minute average at the end of the run)")
    print(f"  Python     {platform.python_version()}  numpy {np.__version__}  "
          f"pandas {pd.__version__}  scikit-learn {sklearn.__version__}")
    print(f"  reference  np.dot of two 44-vectors {dot_us:.2f} us; empty Python call "
          f"{call_us:.3f} us")
    print()
    print("rank(profile, k=10), one thread; judged profiles, each ranked repeatedly")
    print(f"  {'catalogue':<18}{'fit s':>7}{'p50 ms':>8}{'p99 ms':>8}{'cpu p50':>9}"
          f"{'cpu p99':>9}{'calls':>7}{'p99 / dot':>11}")
    for label, fit_s, p50, p99, cpu50, cpu99, n in rows:
        print(f"  {label:<18}{fit_s:>7.2f}{p50:>8.3f}{p99:>8.3f}{cpu50:>9.3f}{cpu99:>9.3f}"
              f"{n:>7}{p99 * 1000 / dot_us:>11.0f}")
    print()
    print(f"rank_batch(profiles, k=10) on the real catalogue, {len(judged)} judged profiles in "
          "rotation, one thread")
    print(f"  {'batch':>7}{'ms per batch':>14}{'us per profile':>16}{'profiles/s':>12}")
    for size, batch_ms, per_profile_us in batched:
        print(f"  {size:>7}{batch_ms:>14.3f}{per_profile_us:>16.0f}"
              f"{1e6 / per_profile_us:>12,.0f}")
    print()
    print(f"API answers (validation, rank_batch, reasons in {'/'.join(langs)}, JSON), "
          f"{len(bodies)} judged profiles: CPU us per request, best of the passes")
    for size, cost in answers:
        print(f"  batch {size:>2}: {cost:7.1f}")
    print()
    print(f"rank_many(frame, k=5) on the real catalogue, {args.profiles:,} synthetic profiles, "
          "one process")
    print(f"  {'products text':<22}{'rows':>9}{'seconds':>9}{'profiles/s':>12}{'out rows':>10}")
    for unique, n, seconds, rate, out_rows in throughput:
        label = "unique per row" if unique else "as generated (reused)"
        print(f"  {label:<22}{n:>9,}{seconds:>9.2f}{rate:>12,.0f}{out_rows:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
