"""Learning from outcomes (issue 19): training time and peak memory on 1,000,000 outcomes of
simulated officers, the offline gate, and what the learnt model recovers.

    python bench/model_training.py [--outcomes 1000000] [--profiles 20000] [--seed 7]

In one run, on this machine, with the whole PIN directory and the real catalogue:

- enterprises drawn at random (``matching.simulation.profiles``) at PIN codes drawn from the
  directory, ranked once by the hand-set ranker (top 5 shown);
- simulated officers (``Officers.known``: their own weighting of the signals, Speed Post over
  Business Parcel for small Maharashtra sellers, the export centre for jewellers, position
  bias k ** -0.8) record outcomes on runs drawn from those enterprises; the first
  ``--outcomes`` rows in time are the training set, the next quarter as many the held-out set;
- ``train`` runs in a fresh process that only reads the training set from a Parquet file and
  trains: its wall time and peak RSS (and its RSS once the data is read) are reported;
- the gate against the hand-set weights: held-out outcomes and every judged set;
- NDCG@5 of the hand-set and the learnt ranker against the officers' true chances, on other
  enterprises (also learnt from the first 3,000, 10,000 and 100,000 outcomes only), and the
  gate on outcomes from officers acting at random (noise);
- serving speed: ``rank_batch`` of 64 enterprises with the hand-set and the learnt ranker,
  alternated 10 times, 5 calls each;
- one tenant's 10,000 rejections of ``dnk`` added: how far the offering's mean score moves,
  with the tenant cap and without.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from catalog import Geography, load_catalog  # noqa: E402
from matching import Ranker  # noqa: E402
from matching import simulation as sim  # noqa: E402
from matching.judged import EVAL_FILES, load_sets  # noqa: E402
from matching.learning import LearnedModel, TrainingError, gate, row_scores, train  # noqa: E402


def rss_mb() -> float:
    """Resident set size now, from /proc (MB)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def train_only(data: Path, out: Path) -> None:
    """Child process: read the outcomes, train, write the model and the figures."""
    catalog = load_catalog()
    ranker = Ranker().fit(catalog, Geography.load())
    outcomes = pd.read_parquet(data)
    loaded = rss_mb()
    start = time.perf_counter()
    model = train(outcomes, ranker)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps({"model": model.to_json(), "seconds": seconds,
                               "rss_loaded_mb": loaded, "peak_rss_mb": peak,
                               "rows": len(outcomes)}))


def simulate(officers: sim.Officers, pool: sim.Pool, rows: int, seed: int) -> pd.DataFrame:
    """At least ``rows`` outcome rows (whole runs)."""
    per_run = float((pool.shown >= 0).sum(axis=1).mean())
    frame = sim.outcomes(officers, pool, int(rows / per_run * 1.02) + 10, seed=seed)
    runs = frame["run_id"].drop_duplicates()
    counts = frame.groupby("run_id", sort=False).size().loc[runs].cumsum()
    keep = set(runs[: int(np.searchsorted(counts.to_numpy(), rows)) + 1])
    return frame[frame["run_id"].isin(keep)].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outcomes", type=int, default=1_000_000)
    parser.add_argument("--profiles", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--train-only", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.train_only:
        train_only(*args.train_only)
        return 0

    start = time.perf_counter()
    geography = Geography.load()
    ranker = Ranker().fit(load_catalog(), geography)
    rng = np.random.default_rng(args.seed)
    pins = [str(p) for p in rng.choice(geography.pincodes, size=3000, replace=False)]
    pool = sim.rank_pool(ranker, sim.profiles(args.profiles, pins, seed=args.seed))
    fresh = sim.rank_pool(ranker, sim.profiles(3000, pins, seed=args.seed + 1))
    officers = sim.Officers.known()
    total = int(args.outcomes * 1.25)
    frame = simulate(officers, pool, total, args.seed)
    train_rows = frame.iloc[:args.outcomes]
    cut = train_rows["run_id"].iloc[-1]
    in_train = frame["run_id"].isin(set(train_rows["run_id"]) - {cut})
    training, held_out = frame[in_train], frame[~in_train & (frame["run_id"] != cut)]
    print(f"simulated {len(pool.profiles):,} enterprises ranked and {len(frame):,} outcomes in "
          f"{time.perf_counter() - start:.1f} s; outcomes: "
          + ", ".join(f"{k} {v:,}" for k, v in training["outcome"].value_counts().items()))

    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "outcomes.parquet", Path(tmp) / "model.json"
        training.to_parquet(data)
        subprocess.run([sys.executable, __file__, "--train-only", str(data), str(out)],
                       check=True)
        result = json.loads(out.read_text())
    model = LearnedModel.from_json(result["model"])
    print(f"train: {result['rows']:,} outcomes, {model.trained_on['pairs']:,} pairs, "
          f"{result['seconds']:.1f} s ({result['seconds'] / result['rows'] * 1e5:.2f} s per "
          f"100,000 outcomes); peak RSS {result['peak_rss_mb']:,.0f} MB "
          f"({result['rss_loaded_mb']:,.0f} MB once the outcomes were read, so training "
          f"added at most {result['peak_rss_mb'] - result['rss_loaded_mb']:,.0f} MB)")
    print(f"position bias found: eta {model.trained_on['settings']['position_eta']:.3f} "
          f"(the officers': {officers.position_eta})")
    print("weights (hand-set -> learnt): " + ", ".join(
        f"{n} {ranker.weights_[n]:.2f}->{w:.2f}" for n, w in model.weights.items()))

    judged = load_sets(offering_ids=ranker.table_.ids, files=EVAL_FILES)
    start = time.perf_counter()
    report = gate(model, None, held_out, ranker, judged)
    print(f"\ngate on {len(held_out):,} later outcomes and the judged sets "
          f"({time.perf_counter() - start:.1f} s):")
    print(report.table())

    learned = ranker.with_model(model)
    before = sim.truth_ndcg(ranker, officers, fresh)
    after = sim.truth_ndcg(learned, officers, fresh)
    print(f"\nNDCG@5 against the officers' truth on {len(fresh.profiles):,} other enterprises: "
          f"hand-set {before:.4f}, learnt {after:.4f} (ratio {after / before:.3f})")
    for first in (3_000, 10_000, 100_000):
        part = training.iloc[:first]
        part = part[part["run_id"] != part["run_id"].iloc[-1]]  # whole runs only
        small = train(part, ranker)
        print(f"  learnt from the first {len(part):,} outcomes only: "
              f"{sim.truth_ndcg(ranker.with_model(small), officers, fresh):.4f}")

    profiles = fresh.profiles[:64]
    serving: dict[str, list[float]] = {"hand-set": [], "learnt": []}
    for _ in range(10):  # alternated, so that the host's load falls on both alike
        for name, r in (("hand-set", ranker), ("learnt", learned)):
            for _ in range(5):
                began = time.perf_counter()
                r.rank_batch(profiles, k=10, with_ask=False)
                serving[name].append((time.perf_counter() - began) / len(profiles) * 1e6)
    fastest = {name: min(times) for name, times in serving.items()}
    middle = {name: float(np.median(times)) for name, times in serving.items()}
    print(f"serving: rank_batch of 64, per profile, fastest / median of 50 alternated: "
          f"hand-set {fastest['hand-set']:.0f} / {middle['hand-set']:.0f} us, learnt "
          f"{fastest['learnt']:.0f} / {middle['learnt']:.0f} us (ratio of the fastest "
          f"{fastest['learnt'] / fastest['hand-set']:.3f})")

    noise = simulate(sim.Officers.random(), pool, 250_000, args.seed + 2)
    split = noise["created_at"].quantile(0.8)
    try:
        noisy = train(noise[noise["created_at"] < split], ranker)
        verdict = gate(noisy, None, noise[noise["created_at"] >= split], ranker, judged)
        print(f"noise ({len(noise):,} outcomes of officers acting at random): gate "
              f"{'passed' if verdict.passed else 'refused'}; held-out "
              f"{verdict.rows[0].candidate:.4f} against {verdict.rows[0].baseline:.4f}")
    except TrainingError as exc:
        print(f"noise ({len(noise):,} outcomes): training refused: {exc}")

    poisoned = sim.poison(training, "dnk", 10_000)
    rows = training[training["offering_id"] == "dnk"]
    base = float(row_scores(rows, model.weights, model.offering_bias).mean())
    moves = []
    for cap in (0.2, 1.0):
        start = time.perf_counter()
        other = train(poisoned, ranker, tenant_cap=cap)
        moved = float(row_scores(rows, other.weights, other.offering_bias).mean()) - base
        moves.append(moved)
        print(f"10,000 rejections of dnk by one tenant, tenant cap {cap}: its mean score "
              f"{base:.4f} -> {base + moved:.4f} ({moved / base:+.1%}; trained in "
              f"{time.perf_counter() - start:.1f} s)")
    print(f"capped move / uncapped move: {moves[0] / moves[1]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
