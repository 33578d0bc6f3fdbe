"""Benchmark of the post-office geography: load, index build, memory, lookups, nearest, batches.

Every figure is printed beside a reference measured in the same run on the same data:

- ``lookup`` against a plain ``dict[str, PinPlace]`` built from the same Geography;
- ``nearest`` (one point) against brute-force haversine over every head post office;
- ``nearest_many`` against the same brute force, vectorised in chunks;
- ``locate_many`` (1,000,000 PIN codes) against a Python loop over that dict filling the same
  five columns, and against ``np.searchsorted`` over the sorted PIN codes (the index it replaced).

    python bench/geo_index.py [--batch 1000000] [--queries 20000]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog.geo import Geography, PinPlace, haversine_km  # noqa: E402 - after the path set-up
from catalog.geo.directory import (  # noqa: E402
    head_office_table,
    office_table,
    pin_table,
    read_directory,
)
from catalog.vocab import LocationKind  # noqa: E402

HO = LocationKind.HEAD_POST_OFFICE
MB = 1024 * 1024


def _seconds(fn: Callable[[], object], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _latencies_us(fn: Callable[[int], object], n: int) -> npt.NDArray[np.float64]:
    out = np.empty(n, dtype=np.float64)
    clock = time.perf_counter_ns
    for i in range(n):
        start = clock()
        fn(i)
        out[i] = (clock() - start) / 1000.0
    return out


def _pct(values: npt.NDArray[np.float64]) -> str:
    p50, p99 = np.percentile(values, [50, 99])
    return f"p50 {p50:8.2f} us   p99 {p99:8.2f} us"


def _traced_mb(build: Callable[[], object]) -> tuple[object, float, float]:
    """(result, MB still allocated by it, peak MB while building), by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    result = build()
    gc.collect()
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, retained / MB, peak / MB


def _brute_nearest(
    head_lat: npt.NDArray[np.float64], head_lon: npt.NDArray[np.float64], lat: float, lon: float
) -> tuple[int, float]:
    km = haversine_km(lat, lon, head_lat, head_lon)
    i = int(np.argmin(km))
    return i, float(km[i])


def _brute_nearest_many(
    head_lat: npt.NDArray[np.float64],
    head_lon: npt.NDArray[np.float64],
    lats: npt.NDArray[np.float64],
    lons: npt.NDArray[np.float64],
    chunk: int = 4096,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    found = np.empty(lats.size, dtype=np.int64)
    km = np.empty(lats.size, dtype=np.float64)
    for start in range(0, lats.size, chunk):
        stop = start + chunk
        d = haversine_km(lats[start:stop, None], lons[start:stop, None], head_lat, head_lon)
        found[start:stop] = d.argmin(axis=1)
        km[start:stop] = d.min(axis=1)
    return found, km


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1_000_000, help="PIN codes for locate_many")
    parser.add_argument("--queries", type=int, default=20_000, help="single lookups/nearest")
    args = parser.parse_args()
    rng = np.random.default_rng(42)
    process = psutil.Process(os.getpid())

    # --- load and build ---------------------------------------------------------------------
    from sklearn.neighbors import BallTree  # its import (~0.8 s) is not part of any figure

    rss0 = process.memory_info().rss
    start = time.perf_counter()
    raw = read_directory()
    t_read = time.perf_counter() - start
    start = time.perf_counter()
    offices = office_table(raw)
    pins = pin_table(offices)
    heads = head_office_table(offices, pins)
    t_tables = time.perf_counter() - start
    del raw, offices
    start = time.perf_counter()
    geo = Geography(pins, heads)
    t_index = time.perf_counter() - start
    rss1 = process.memory_info().rss
    t_load = _seconds(Geography.load, repeat=3)

    points = np.radians(heads[["latitude", "longitude"]].to_numpy(dtype=np.float64))
    t_tree = _seconds(lambda: BallTree(points, metric="haversine"), repeat=20)
    pin_points = np.radians(pins[["latitude", "longitude"]].dropna().to_numpy(dtype=np.float64))
    t_tree_pins = _seconds(lambda: BallTree(pin_points, metric="haversine"), repeat=5)
    _, tree_mb, tree_peak = _traced_mb(lambda: BallTree(points, metric="haversine"))
    _, geo_mb, geo_peak = _traced_mb(lambda: Geography(pins, heads))

    print(f"directory: {len(geo):,} PIN codes, {geo.facility_count(HO):,} head post offices")
    print("\nload")
    print(f"  read CSV (pandas)                      {t_read:8.3f} s")
    print(f"  per-PIN and HO tables                  {t_tables:8.3f} s")
    print(f"  Geography arrays + BallTree            {t_index:8.3f} s")
    print(f"  Geography.load() end to end (best/3)   {t_load:8.3f} s")
    print(f"  BallTree on {points.shape[0]} HOs (best/20)         {t_tree * 1e3:8.3f} ms")
    print(f"  BallTree on {pin_points.shape[0]:,} PIN points (best/5) {t_tree_pins * 1e3:8.3f} ms")
    print("\nmemory")
    print(f"  BallTree (HOs), tracemalloc retained   {tree_mb:8.3f} MB (peak {tree_peak:.3f})")
    print(f"  Geography (from tables), retained      {geo_mb:8.3f} MB (peak {geo_peak:.3f})")
    print(f"  RSS growth for the whole first load    {(rss1 - rss0) / MB:8.1f} MB")

    # --- single lookups ---------------------------------------------------------------------
    all_pins = geo.pincodes
    sample = rng.choice(all_pins, args.queries).tolist()
    table: dict[str, PinPlace] = {p: geo.lookup(p) for p in all_pins.tolist()}
    lookup_us = _latencies_us(lambda i: geo.lookup(sample[i]), len(sample))
    dict_us = _latencies_us(lambda i: table[sample[i]], len(sample))
    print(f"\nlookup, {len(sample):,} random known PIN codes")
    print(f"  Geography.lookup                       {_pct(lookup_us)}")
    print(f"  reference dict[str, PinPlace]          {_pct(dict_us)}")
    ratio = np.median(lookup_us) / np.median(dict_us)
    print(f"  ratio lookup / dict (p50)              {ratio:8.1f} x")

    # --- nearest head post office -----------------------------------------------------------
    lats = rng.uniform(8.0, 34.0, args.queries)
    lons = rng.uniform(69.0, 96.0, args.queries)
    facilities = [geo.facility(HO, i) for i in range(geo.facility_count(HO))]
    head_lat = np.array([f.latitude for f in facilities])
    head_lon = np.array([f.longitude for f in facilities])
    tree_us = _latencies_us(lambda i: geo.nearest(HO, lats[i], lons[i]), args.queries)
    brute_us = _latencies_us(
        lambda i: _brute_nearest(head_lat, head_lon, lats[i], lons[i]), args.queries
    )
    print(f"\nnearest head post office, {args.queries:,} random points in India")
    print(f"  Geography.nearest (BallTree, k=1)      {_pct(tree_us)}")
    print(f"  reference brute-force haversine        {_pct(brute_us)}")
    ratio = np.median(brute_us) / np.median(tree_us)
    print(f"  speed-up nearest vs brute (p50)        {ratio:8.1f} x")

    n_many = min(args.batch, 200_000)
    m_lats = rng.uniform(8.0, 34.0, n_many)
    m_lons = rng.uniform(69.0, 96.0, n_many)
    found: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
    brute: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)

    def run_tree() -> None:
        nonlocal found
        found, _ = geo.nearest_many(HO, m_lats, m_lons)

    def run_brute() -> None:
        nonlocal brute
        brute, _ = _brute_nearest_many(head_lat, head_lon, m_lats, m_lons)

    t_many = _seconds(run_tree)
    t_brute_many = _seconds(run_brute)
    agree = float(np.mean(found == brute))
    # Where the two pick different offices, both are at the same distance (offices that share
    # coordinates in the directory); the largest difference in km shows it.
    _, tree_km = geo.nearest_many(HO, m_lats, m_lons)
    _, brute_km = _brute_nearest_many(head_lat, head_lon, m_lats, m_lons)
    worst = float(np.max(np.abs(tree_km - brute_km)))
    print(f"\nnearest_many, {n_many:,} points")
    print(f"  Geography.nearest_many                 {n_many / t_many:12,.0f} points/s")
    print(f"  reference brute force (numpy chunks)   {n_many / t_brute_many:12,.0f} points/s")
    print(f"  speed-up                               {t_brute_many / t_many:8.1f} x")
    print(f"  same facility as brute force           {agree:8.4%}")
    print(f"  largest distance difference            {worst:8.1e} km")

    # --- locate_many ------------------------------------------------------------------------
    batch = rng.choice(all_pins, args.batch).astype(object)
    unknown = rng.random(args.batch) < 0.01
    batch[unknown] = "999999"
    batch_list: list[str] = batch.tolist()
    located = None

    def run_locate() -> None:
        nonlocal located
        located = geo.locate_many(batch_list)

    def run_dict() -> None:
        lat_out, lon_out, known = [], [], []
        state_out: list[str | None] = []
        district_out: list[str | None] = []
        for p in batch_list:
            place = table.get(p)
            if place is None:
                lat_out.append(np.nan)
                lon_out.append(np.nan)
                state_out.append(None)
                district_out.append(None)
                known.append(False)
            else:
                lat_out.append(np.nan if place.latitude is None else place.latitude)
                lon_out.append(np.nan if place.longitude is None else place.longitude)
                state_out.append(place.state)
                district_out.append(place.district)
                known.append(True)

    sorted_numbers = all_pins.astype(np.int64)
    numbers = np.asarray(batch, dtype=np.int64)

    def run_searchsorted() -> None:
        rows = np.minimum(np.searchsorted(sorted_numbers, numbers), len(sorted_numbers) - 1)
        _ = sorted_numbers[rows] == numbers

    def run_dense() -> None:
        _ = geo._row_of[numbers - 100_000] >= 0

    t_locate = _seconds(run_locate, repeat=3)
    t_dict = _seconds(run_dict)
    t_search = _seconds(run_searchsorted, repeat=3)
    t_dense = _seconds(run_dense, repeat=3)
    assert located is not None
    print(f"\nlocate_many, {args.batch:,} PIN code strings (1% unknown)")
    print(f"  Geography.locate_many                  {args.batch / t_locate:12,.0f} PINs/s")
    print(f"  reference Python loop over dict        {args.batch / t_dict:12,.0f} PINs/s")
    print(f"  speed-up vs dict loop                  {t_dict / t_locate:8.1f} x")
    print(f"  PIN -> row only, dense table            {t_dense * 1e3:8.1f} ms")
    print(f"  PIN -> row only, np.searchsorted        {t_search * 1e3:8.1f} ms")
    print(f"  unknown rows flagged                   {int((~located['known']).sum()):,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
