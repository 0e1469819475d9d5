"""Evaluate and tune on labelled records: the label issue's targets, measured in one run.

* evaluating N labelled records against classifying them (target: at most 2x);
* tuning on N records with 5-fold cross-validation (target: under a minute at 100,000).

The records are the synthetic labelled sample of the guide "Check the rules against your own
accounts" (30 % clients, 5 % of the labels wrong). Run::

    python benchmarks/bench_tune.py               # 100,000 records
    python benchmarks/bench_tune.py --records 20000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Sequence

import clientcustomer as cc

TARGET_EVALUATE = 2.0
TARGET_TUNE_SECONDS = 60.0


def sample(count: int, seed: int = 7) -> tuple[list[dict[str, object]], list[str]]:
    rng = random.Random(seed)
    records, labels = [], []
    for _ in range(count):
        client = rng.random() < 0.3
        records.append(
            {
                "collaborative_share": round(
                    rng.uniform(0.15, 0.8) if client else rng.uniform(0, 0.3), 3
                ),
                "customization": round(
                    rng.uniform(0.1, 0.7) if client else rng.uniform(0, 0.25), 3
                ),
                "active_engagement": client and rng.random() < 0.7,
                "tenure_days": rng.randint(10, 3000),
            }
        )
        label = "client" if client else "customer"
        if rng.random() < 0.05:
            label = "customer" if client else "client"
        labels.append(label)
    return records, labels


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    records, labels = sample(args.records)
    classify, evaluate = [], []
    for _ in range(args.repeat):  # interleaved: background load hits both alike
        start = time.perf_counter()
        classifier = cc.Classifier()
        kept = [classifier.classify(record) for record in records]
        classify.append(time.perf_counter() - start)
        del kept
        start = time.perf_counter()
        result = cc.evaluate(records, labels)
        evaluate.append(time.perf_counter() - start)
    start = time.perf_counter()
    tuned = cc.tune(records, labels, folds=5)
    tuning = time.perf_counter() - start
    print(
        f"clientcustomer {cc.__version__}, {args.records:,} labelled records, {args.repeat} rounds"
    )
    print(f"{'step':<34} {'min s':>8} {'median s':>9} {'max s':>8}")
    for name, times in (("classify (the baseline)", classify), ("evaluate", evaluate)):
        print(f"{name:<34} {min(times):>8.2f} {statistics.median(times):>9.2f} {max(times):>8.2f}")
    print(f"{'tune, 5-fold cross-validation':<34} {tuning:>8.2f}")
    print(
        f"agreement {result.agreement:.1%} -> tuned {tuned.after:.1%} in-sample, "
        f"{tuned.cross_validated:.1%} cross-validated; {len(tuned.changes)} numbers moved"
    )
    ratio = min(evaluate) / min(classify)
    verdict = "met" if ratio <= TARGET_EVALUATE else "MISSED"
    print(f"target: evaluate within {TARGET_EVALUATE:g}x of classify: {ratio:.2f}x, {verdict}")
    verdict = "met" if tuning <= TARGET_TUNE_SECONDS else "MISSED"
    print(f"target: tune with 5 folds under {TARGET_TUNE_SECONDS:g} s: {tuning:.1f} s, {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
