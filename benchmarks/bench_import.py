"""What ``import clientcustomer`` costs, against a bare interpreter measured in the same run.

Each contender is a fresh ``python -c ...`` process, started ``--runs`` times (default 21) in
turn with the others so that a busy moment hits all of them alike; the table shows the median and
the best wall time of the whole process, and the median's difference to the bare interpreter.
Contenders: a bare interpreter (``pass``); ``import clientcustomer`` (the public names load
lazily, on first use); the same plus one ``classify`` call (what the first verdict costs); and
``import attrs, cattrs``, the two runtime dependencies, for scale.

Target (the speed issue's): ``import clientcustomer`` at most 30 ms above the bare interpreter,
printed with "met" or "MISSED"; no optional dependency (narwhals, polars, pandas, DuckDB,
PySpark) is imported by it — checked here too, and the one failure that exits with status 1.

Run: ``python benchmarks/bench_import.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import _harness as h

CONTENDERS = {
    "bare interpreter (baseline)": "pass",
    "import clientcustomer": "import clientcustomer",
    "import clientcustomer + first classify": (
        "import clientcustomer; clientcustomer.classify({'collaborative_share': 0.5})"
    ),
    "import attrs, cattrs (the runtime dependencies)": "import attrs, cattrs",
}
OPTIONAL = ("narwhals", "polars", "pandas", "duckdb", "pyspark", "pyarrow", "numpy")
TARGET_MS = 30.0  # the speed issue's: nothing else slows down


def _run(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our own interpreter
    return time.perf_counter() - start


def _optional_imported() -> list[str]:
    """The optional packages ``import clientcustomer`` imports (none is the promise)."""
    probe = (
        "import sys, clientcustomer; "
        f"print(' '.join(name for name in {OPTIONAL!r} if name in sys.modules))"
    )
    found = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    return found.stdout.split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="processes per contender")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    print(f"bench_import: {args.runs} fresh processes per contender")
    print(h.machine("attrs", "cattrs", "clientcustomer"))
    print()
    for code in CONTENDERS.values():  # warm the file cache: the first start reads from disk
        _run(code)
    times: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    for _ in range(args.runs):
        for name, code in CONTENDERS.items():
            times[name].append(_run(code))
    bare = statistics.median(times["bare interpreter (baseline)"])
    rows = [
        (
            name,
            f"{statistics.median(runs) * 1000:.1f} ms",
            f"{min(runs) * 1000:.1f} ms",
            f"{(statistics.median(runs) - bare) * 1000:+.1f} ms",
        )
        for name, runs in times.items()
    ]
    print(h.table(("contender", "median", "best", "median - bare"), rows))
    over = (statistics.median(times["import clientcustomer"]) - bare) * 1000
    optional = _optional_imported()
    print()
    verdict = "met" if over <= TARGET_MS else "MISSED"
    target = f"import clientcustomer <= {TARGET_MS:.0f} ms above bare"
    print(f"Target: {target}: {over:.1f} ms ({verdict})")
    print(f"Optional packages imported by it: {', '.join(optional) or 'none'}")
    # A missed time target is reported, not an error; an optional import is a defect.
    return 1 if optional else 0


if __name__ == "__main__":
    sys.exit(main())
