"""A real interaction log end to end: invoice lines -> signals -> verdicts, against lifetimes' RFM.

The log is the UCI "Online Retail" data set (541,909 invoice lines of a UK online retailer whose
buyers are largely wholesalers, 2010-12-01 to 2011-12-09; CC BY 4.0). It is not part of the
project: pass its path with ``--data`` (the default is ``../shared/data/online-retail.csv.gz``
from the repository root); the benchmark says so and stops when the file is absent.

Contenders, each in a fresh child process (best of N wall time, whole-process peak memory):

* clientcustomer on frames: polars reads the CSV, `clientcustomer.signals_frame` derives every
  buyer's signals (returns and cancellations matched to purchases), `classify_frame` classifies;
* clientcustomer one record at a time: `read_log` -> `signals_by_party` -> `classify_many`
  (the reference path; the two are compared party by party);
* lifetimes' ``summary_data_from_transaction_data``: pandas reads the CSV, then the RFM summary
  (frequency, recency, T, monetary value) only, no classification. Its time is shown alone too.

Run: ``python benchmarks/bench_real.py [--data PATH] [--quick]``. ``--rows N`` reads only the
first N invoice lines; ``--quick`` reads 100,000. Needs polars, pandas, narwhals and lifetimes
(the ``bench`` dependency group).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import gzip
import io
import itertools
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import _harness as h

import clientcustomer

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEFAULT_DATA = DEFAULT_DATA / "online-retail.csv.gz"
ALL_ROWS = 541_909
AS_OF = dt.date(2011, 12, 9)
"""The last invoice day of the data set: the signals and the RFM summary describe that day."""
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
"""How the CSV writes ``InvoiceDate``; both readers are given it (guessing it costs both)."""


def _timed(stages: dict[str, float], name: str, start: float) -> float:
    now = time.perf_counter()
    stages[name] = now - start
    return now


def _limit(rows: int) -> int | None:
    return None if rows >= ALL_ROWS else rows


# --- contenders ----------------------------------------------------------------------------------


def frames_path(path: str, rows: int) -> tuple[dict[str, float], Counter[str], Any]:
    """polars -> signals_frame -> classify_frame; the stage times, the roles, the verdicts."""
    import polars as pl  # noqa: PLC0415

    stages: dict[str, float] = {}
    start = time.perf_counter()
    log = (
        pl.read_csv(
            path,
            n_rows=_limit(rows),
            schema_overrides={"InvoiceNo": pl.String, "StockCode": pl.String},
        )
        .filter(pl.col("CustomerID").is_not_null())  # anonymous sales, as read_log skips them
        .with_columns(
            pl.col("CustomerID").cast(pl.Int64),
            pl.col("InvoiceDate").str.to_datetime(DATE_FORMAT),
        )
    )
    start = _timed(stages, "read", start)
    signals = clientcustomer.signals_frame(
        log, as_of=AS_OF, columns=clientcustomer.LogColumns.online_retail()
    )
    start = _timed(stages, "signals", start)
    verdicts = clientcustomer.classify_frame(signals)
    roles = Counter(dict(verdicts["role"].value_counts().iter_rows()))
    _timed(stages, "verdicts", start)
    return stages, roles, verdicts


def records_path(path: str, rows: int) -> tuple[dict[str, float], Counter[str], Any]:
    """read_log -> signals_by_party -> classify_many, one record at a time."""
    stages: dict[str, float] = {}
    start = time.perf_counter()
    source: str | io.StringIO = path
    if _limit(rows) is not None:  # the first lines only, as polars' and pandas' n_rows
        opener: Any = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", newline="") as whole:
            source = io.StringIO("".join(itertools.islice(whole, rows + 1)), newline="")
    with clientcustomer.read_log(source, clientcustomer.LogColumns.online_retail()) as reader:
        log = list(reader)
    start = _timed(stages, "read", start)
    signals = clientcustomer.signals_by_party(log, as_of=AS_OF)
    start = _timed(stages, "signals", start)
    verdicts = dict(zip(signals, clientcustomer.classify_many(signals.values()), strict=True))
    roles = Counter(verdict.role.value for verdict in verdicts.values())
    _timed(stages, "verdicts", start)
    return stages, roles, verdicts


def lifetimes_path(path: str, rows: int) -> tuple[dict[str, float], Counter[str], Any]:
    """pandas -> lifetimes' summary_data_from_transaction_data (RFM only)."""
    import pandas as pd  # noqa: PLC0415

    with warnings.catch_warnings():  # lifetimes sets a pandas option deprecated in pandas 3
        warnings.simplefilter("ignore")
        from lifetimes.utils import summary_data_from_transaction_data  # noqa: PLC0415

    stages: dict[str, float] = {}
    start = time.perf_counter()
    log = pd.read_csv(path, nrows=_limit(rows), dtype={"InvoiceNo": str, "StockCode": str})
    log = log[log["CustomerID"].notna()]
    log = log.assign(
        InvoiceDate=pd.to_datetime(log["InvoiceDate"], format=DATE_FORMAT),
        amount=log["Quantity"] * log["UnitPrice"],
    )
    start = _timed(stages, "read", start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = summary_data_from_transaction_data(
            log,
            "CustomerID",
            "InvoiceDate",
            monetary_value_col="amount",
            observation_period_end=pd.Timestamp(AS_OF),
        )
    _timed(stages, "summary", start)
    return stages, Counter({"(RFM only)": len(summary)}), summary


PATHS = {
    "frames": ("clientcustomer: polars -> signals_frame -> classify_frame", frames_path),
    "records": ("clientcustomer: read_log -> signals_by_party -> classify_many", records_path),
    "lifetimes": ("lifetimes: pandas -> summary_data_from_transaction_data", lifetimes_path),
}


def _child(name: str) -> Any:
    def child(args: argparse.Namespace) -> dict[str, Any]:
        run = PATHS[name][1]
        gc.collect()
        before = h.current_rss()
        h.reset_peak()
        best: dict[str, float] = {}
        roles: Counter[str] = Counter()
        peak = 0
        for attempt in range(args.repeat):
            stages, roles, _ = run(args.data, args.rows)
            if attempt == 0:
                peak = h.peak_rss() - before
            if not best or sum(stages.values()) < sum(best.values()):
                best = stages
            gc.collect()
        return {"stages": best, "roles": dict(roles), "peak_increase": peak}

    return child


def _compare(path: str, rows: int) -> tuple[int, int, int]:
    """Parties whose verdict (role, score, deciding rule) the two clientcustomer paths agree on."""
    _, _, frame = frames_path(path, rows)
    _, _, records = records_path(path, rows)
    same = 0
    for party, role, score, decided in frame.select(
        "party_id", "role", "score", "decided_by"
    ).iter_rows():
        verdict = records.get(party)
        if verdict is not None and (verdict.role.value, verdict.score, verdict.decided_by) == (
            role,
            score,
            decided,
        ):
            same += 1
    return same, len(frame), len(records)


def main() -> int:
    if h.child_main({name: _child(name) for name in PATHS}):
        return 0
    parser = h.options(__doc__.splitlines()[0], rows=ALL_ROWS, quick_rows=100_000)
    parser.add_argument(
        "--data",
        default=str(DEFAULT_DATA),
        help="the Online Retail CSV (.csv or .csv.gz); by default "
        "../shared/data/online-retail.csv.gz from the repository root",
    )
    args = parser.parse_args()
    rows, repeat = h.settle(args)
    repeat = args.repeat or (1 if args.quick else 3)
    if not Path(args.data).is_file():
        print(f"bench_real: skipped, no data file at {args.data} (pass --data PATH)")
        return 0
    print(
        f"bench_real: UCI Online Retail, first {min(rows, ALL_ROWS):,} invoice lines, as of {AS_OF}"
    )
    print(h.machine("polars", "pandas", "narwhals", "lifetimes", "clientcustomer"))
    print()
    same, in_frame, in_records = _compare(args.data, rows)
    print(
        f"Agreement, frames vs one record at a time: {same:,} of {in_frame:,} parties "
        f"({in_records:,} on the one-record path) get the same role, score and deciding rule"
    )
    print()
    results = {
        name: h.run_child(__file__, name, rows, repeat, "--data", args.data) for name in PATHS
    }
    summary_alone = results["lifetimes"]["stages"]["summary"]
    lifetimes_total = sum(results["lifetimes"]["stages"].values())
    lines = []
    for name, (label, _) in PATHS.items():
        stages = results[name]["stages"]
        total = sum(stages.values())
        lines.append(
            (
                label,
                " + ".join(f"{stage} {h.seconds(value)}" for stage, value in stages.items()),
                h.seconds(total),
                f"{lifetimes_total / total:.2f}x",
                f"{summary_alone / total:.2f}x",
                h.megabytes(results[name]["peak_increase"]),
            )
        )
    lines.append(
        (
            "lifetimes: summary_data_from_transaction_data alone",
            "",
            h.seconds(summary_alone),
            "",
            "1.00x",
            "",
        )
    )
    print(
        h.table(
            (
                "path",
                "stages",
                f"total (best of {repeat})",
                "vs lifetimes end to end",
                "vs RFM summary alone",
                "peak RSS +",
            ),
            lines,
        )
    )
    print()
    print(
        "vs lifetimes end to end: lifetimes' read + summary time / the path's total time;\n"
        "vs RFM summary alone: lifetimes' summary time (input already read) / the path's total."
    )
    print(
        "Target: the whole clientcustomer path on frames >= 5x faster than the RFM summary alone."
    )
    print()
    for name in ("frames", "records"):
        roles = results[name]["roles"]
        counts = ", ".join(
            f"{role} {roles.get(role, 0):,}" for role in ("customer", "ambiguous", "client")
        )
        print(f"Roles ({name}): {counts} of {sum(roles.values()):,} buyers")
    print(f"Buyers in lifetimes' summary: {results['lifetimes']['roles']['(RFM only)']:,}")
    return 0 if same == in_frame == in_records else 1


if __name__ == "__main__":
    sys.exit(main())
