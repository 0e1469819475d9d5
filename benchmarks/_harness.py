"""Shared helpers of the many-records benchmarks: timing, peak memory, tables, signal rows.

Each contender runs in a child process of its own (``script --child NAME``), so that the peak
resident memory one contender reaches is not hidden by another's, and native memory (polars,
DuckDB, Arrow) is counted: ``tracemalloc`` sees only Python's allocator. On Linux the child resets
its peak (``/proc/self/clear_refs``) once the input is built, so the figure is the classify step's
own; elsewhere it falls back to ``getrusage`` (the input's build may then hide part of the peak).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

MB = 1024 * 1024
SEED = 20_260_101
NULL_SHARE = 0.10
"""The share of unknown values in each signal column."""


# --- memory ----------------------------------------------------------------------------------


def _status(field: str) -> int | None:
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _maxrss() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def reset_peak() -> bool:
    """Reset this process's peak resident size to the current one (Linux); False elsewhere."""
    try:
        with Path("/proc/self/clear_refs").open("w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return _status("VmHWM") is not None


def current_rss() -> int:
    """This process's resident size now, in bytes (the peak so far where it cannot be read)."""
    rss = _status("VmRSS")
    return rss if rss is not None else _maxrss()


def peak_rss() -> int:
    """This process's peak resident size since start or the last `reset_peak`, in bytes."""
    peak = _status("VmHWM")
    return peak if peak is not None else _maxrss()


# --- running contenders ------------------------------------------------------------------------


def measure(
    prepare: Callable[[], Any], run: Callable[[Any], Any], repeat: int
) -> dict[str, float | int | bool]:
    """Build the input, then time ``run(input)`` ``repeat`` times; the first run's peak memory."""
    data = prepare()
    gc.collect()
    exact = reset_peak()
    before = current_rss()
    start, cpu = time.perf_counter(), time.process_time()
    result = run(data)
    times = [time.perf_counter() - start]
    cpus = [time.process_time() - cpu]
    peak = peak_rss()
    del result
    for _ in range(repeat - 1):
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        result = run(data)
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        del result
    return {
        "best": min(times),
        "cpu_best": min(cpus),
        "first": times[0],
        "peak_increase": max(peak - before, 0),
        "rss_before": before,
        "exact_peak": exact,
    }


def child_main(contenders: dict[str, Callable[[argparse.Namespace], dict[str, Any]]]) -> bool:
    """When run as ``--child NAME``: run that contender, print its figures as JSON, return True."""
    if "--child" not in sys.argv:
        return False
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", required=True, choices=sorted(contenders))
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--repeat", type=int, required=True)
    parser.add_argument("--data")
    args, _ = parser.parse_known_args()
    figures = contenders[args.child](args)
    print(json.dumps(figures))
    return True


def run_child(script: str, name: str, rows: int, repeat: int, *extra: str) -> dict[str, Any]:
    """Run one contender in a fresh interpreter and return its figures."""
    command = [sys.executable, script, "--child", name, "--rows", str(rows)]
    command += ["--repeat", str(repeat), *extra]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"contender {name!r} failed (exit {done.returncode})")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def options(description: str, *, rows: int, quick_rows: int) -> argparse.ArgumentParser:
    """The options every benchmark takes: ``--rows N``, ``--quick``, ``--repeat R``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=None, help=f"rows (default {rows:,})")
    parser.add_argument(
        "--quick", action="store_true", help=f"a quick run: {quick_rows:,} rows, best of 2"
    )
    parser.add_argument("--repeat", type=int, default=None, help="runs per contender (best of)")
    parser.set_defaults(default_rows=rows, quick_rows=quick_rows)
    return parser


def settle(args: argparse.Namespace) -> tuple[int, int]:
    """The row count and repeat count the options ask for."""
    rows = args.rows or (args.quick_rows if args.quick else args.default_rows)
    repeat = args.repeat or (2 if args.quick else 5)
    return rows, repeat


# --- output ------------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table, the first column left-aligned and the others right-aligned."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [row[0].ljust(widths[0])]
        parts += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def throughput_table(rows: int, measured: Sequence[tuple[str, dict[str, Any], float, int]]) -> str:
    """The many-rows table: per (label, figures, baseline's best, runs) its time, rate, ratio
    to the baseline and the peak memory it adds against the input's size."""
    lines = [
        (
            label,
            f"{seconds(figures['best'])} (best of {runs})",
            f"{rows / figures['best'] / 1e6:,.1f} M",
            f"{figures['best'] / base:.2f}x",
            megabytes(figures["input_bytes"]),
            megabytes(figures["peak_increase"]),
            f"{figures['peak_increase'] / figures['input_bytes']:.2f}x",
        )
        for label, figures, base, runs in measured
    ]
    headers = ("contender", "wall time", "rows/s", "vs baseline", "input", "peak RSS +", "/ input")
    return table(headers, lines)


def machine(*packages: str) -> str:
    """One line about the machine and the versions measured."""
    versions = []
    for name in packages:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (absent)")
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f}"
    return (
        f"machine: {os.cpu_count()} cores{load}, {platform.machine()}, {platform.system()}, "
        f"Python {platform.python_version()}; " + ", ".join(versions)
    )


def show_agreement(agreement: Sequence[tuple[str, int, int]]) -> None:
    """Print, per (label, rows that agree, rows), how many rows two contenders agree on."""
    print("Agreement (role, score and deciding rule, every row):")
    for label, same, total in agreement:
        print(f"  {label}: {same:,} / {total:,} rows agree")
    print()


def exit_code(agreement: Sequence[tuple[str, int, int]]) -> int:
    """1, with the disagreeing pairs named, when any pair disagrees on a row; 0 otherwise."""
    disagree = [label for label, same, total in agreement if same != total]
    if disagree:
        print("DISAGREEMENT: " + "; ".join(disagree))
        return 1
    return 0


def seconds(value: float) -> str:
    """A duration for a table."""
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def megabytes(value: float) -> str:
    """A size for a table."""
    return f"{value / MB:,.0f} MB"


# --- the signal rows ---------------------------------------------------------------------------


def signal_arrays(rows: int, seed: int = SEED) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Deterministic, realistic signal rows: column name to (values, null mask or None).

    Four kinds of relationship, as in the sources: 68 % shoppers buying standard products
    (one-off or loyal), 12 % subscribers to a standard service (gym, phone), 12 % clients of a
    professional service (collaborative, customized), 8 % mixed (a customer becoming a client).
    About ``NULL_SHARE`` of every signal column is unknown, independently.
    """
    rng = np.random.default_rng(seed)
    kind = rng.choice(4, size=rows, p=[0.68, 0.12, 0.12, 0.08])
    shop, sub, client, mixed = (kind == i for i in range(4))

    def pick(*choices: np.ndarray) -> np.ndarray:
        return np.select([shop, sub, client, mixed], list(choices))

    def share(low: float, high: float) -> np.ndarray:
        return rng.uniform(low, high, rows)

    zero_or = rng.random(rows) < 0.8  # most shoppers have exactly 0 of a share
    tenure = pick(
        rng.integers(0, 2500, rows),
        rng.integers(30, 1500, rows),
        rng.integers(10, 2000, rows),
        rng.integers(60, 1200, rows),
    )
    purchases = pick(
        rng.geometric(0.15, rows),
        rng.integers(1, 40, rows),
        rng.integers(0, 12, rows),
        rng.integers(1, 30, rows),
    )
    columns: dict[str, np.ndarray] = {
        "collaborative_share": pick(
            np.where(zero_or, 0.0, share(0.0, 0.1)),
            share(0.0, 0.06),
            share(0.15, 0.9),
            share(0.05, 0.45),
        ),
        "touchpoints_per_quarter": pick(
            rng.exponential(0.3, rows),
            rng.exponential(0.8, rows),
            rng.uniform(1.0, 10.0, rows),
            rng.uniform(0.5, 4.0, rows),
        ),
        "tenure_days": tenure,
        "active_engagement": pick(
            rng.random(rows) < 0.03,
            rng.random(rows) < 0.9,
            rng.random(rows) < 0.7,
            rng.random(rows) < 0.2,
        ).astype(bool),
        "repeat_rate": pick(share(0.0, 0.98), share(0.5, 0.99), share(0.0, 0.8), share(0.2, 0.9)),
        "service_share": pick(
            np.where(zero_or, 0.0, share(0.0, 0.3)),
            share(0.9, 1.0),
            share(0.5, 1.0),
            share(0.1, 0.7),
        ),
        "customization": pick(
            np.where(zero_or, 0.0, share(0.0, 0.1)),
            share(0.0, 0.04),
            share(0.15, 1.0),
            share(0.0, 0.45),
        ),
        "commitment_days": pick(
            np.zeros(rows, dtype=np.int64),
            rng.integers(0, 365, rows),
            rng.integers(0, 400, rows),
            rng.integers(0, 120, rows),
        ),
        "purchases": purchases,
        "purchases_per_year": purchases * 365.0 / np.maximum(tenure, 30),
        "recency_days": np.minimum(rng.integers(0, 400, rows), tenure),
        "spend": np.round(rng.lognormal(6.0, 1.5, rows), 2),
    }
    result: dict[str, tuple[np.ndarray, np.ndarray | None]] = {
        "id": (np.arange(rows, dtype=np.int64), None)
    }
    for name, values in columns.items():
        result[name] = (values, rng.random(rows) < NULL_SHARE)
    return result


def signal_frame(rows: int, seed: int = SEED) -> Any:
    """`signal_arrays` as a polars DataFrame (nulls as nulls)."""
    import polars as pl  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415

    arrays = {
        name: pa.array(values, mask=mask)
        for name, (values, mask) in signal_arrays(rows, seed).items()
    }
    return pl.from_arrow(pa.table(arrays))


def pandas_frame(frame: Any, *, object_flags: bool = False) -> Any:
    """The polars frame as pandas: ``NaN`` for unknown numbers in float columns, nullable
    ``Int64`` and ``boolean`` columns for integers and flags (or, with ``object_flags``, what
    ``to_pandas()`` gives by default: integers as floats and flags as ``object``)."""
    out = frame.to_pandas()
    if object_flags:
        return out
    for name, dtype in frame.schema.items():
        if dtype.is_integer():
            out[name] = out[name].astype("Int64")
        elif dtype == frame.schema["active_engagement"]:
            out[name] = out[name].astype("boolean")
    return out


def run_rounds(
    script: str, names: Sequence[str], rows: int, rounds: int, repeat: int, *extra: str
) -> dict[str, dict[str, Any]]:
    """Every contender in a fresh process once per round, the rounds interleaved (round one runs
    each contender, then round two...), so that a change of background load hits all alike.

    Per contender: the figures of its first round (peak memory), ``best`` the best time over
    every run of every round, ``rounds`` the best time of each round.
    """
    results: dict[str, dict[str, Any]] = {}
    for _ in range(rounds):
        for name in names:
            figures = run_child(script, name, rows, repeat, *extra)
            kept = results.setdefault(name, {**figures, "rounds": []})
            kept["rounds"].append(figures["best"])
            kept["best"] = min(kept["best"], figures["best"])
            if "cpu_best" in figures:
                kept["cpu_best"] = min(kept["cpu_best"], figures["cpu_best"])
    return results
