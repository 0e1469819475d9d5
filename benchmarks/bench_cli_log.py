"""The command line on big interaction logs: ``classify --log`` and ``timeline``, time and memory.

A synthetic log in the library's own layout (seeded, so every run writes the same file) with a
fixed number of parties (50,000 by default) and 0.5, 1 and 2 million rows: purchases of a
catalogue of products and services in orders of one to four lines, returns and cancellations
(by order reference and by item), meetings, check-ins, support calls, deliveries and signed
service agreements, over two years, in date order as a log is written.

Each command runs as its own ``python -m clientcustomer`` process (output to a file, progress
off); its wall time is measured around the process and its peak resident memory is the
child's ``ru_maxrss``, read by a small parent process of its own so that one run's peak never
hides another's. The sizes are run in turn (interleaved) ``--repeat`` times; the tables show
min / median / max.

Targets:

* ``classify --log``: peak memory <= 150 MB at every size, and flat when rows double at a fixed
  number of parties (the peak at 2M rows at most 1.25x the peak at 0.5M rows);
* ``timeline --every-days 30`` at 1M rows: at most 3x the time of ``classify --log`` on the same
  log, and at most 2x its peak memory.

Run: ``python benchmarks/bench_cli_log.py [--quick] [--repeat R] [--parties N] [--sizes N,...]``.
``--quick`` uses 50,000, 100,000 and 200,000 rows for 5,000 parties; ``--sizes 1000000`` runs
one size only (the timeline then runs on it: the timeline target alone, without the growth
one). The script exits with status 1 when a command fails, never for a missed target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _harness as h

SEED = 20_261_204
START = dt.date(2024, 1, 1)
DAYS = 730
CATALOGUE = 400
HEADER = "party_id,on,kind,item,offering,amount,customized,collaborative,reference\n"
MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "wall = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
    "print(json.dumps({'wall': wall, 'peak': peak, 'status': done.returncode,\n"
    "                  'stderr': done.stderr.decode(errors='replace')[-400:]}))\n"
)


def _items(rng: random.Random) -> list[tuple[str, str, str]]:
    """The catalogue: (item, offering, price), nine products in ten."""
    items = []
    for number in range(CATALOGUE):
        offering = "service" if number % 10 == 0 else "product"
        price = f"{rng.randint(1, 400)}.{rng.choice(('00', '50', '99', '25'))}"
        items.append((f"SKU{number:04d}", offering, price))
    return items


def write_log(path: Path, rows: int, parties: int, seed: int = SEED) -> None:
    """Write a deterministic log of about ``rows`` rows for ``parties`` parties, in date order."""
    rng = random.Random(seed)
    items = _items(rng)
    per_day = rows / DAYS
    order = 0
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for offset in range(DAYS):
            day = (START + dt.timedelta(days=offset)).isoformat()
            target = round(per_day * (offset + 1)) - written
            lines: list[str] = []
            while len(lines) < target:
                party = f"P{rng.randrange(parties):06d}"
                draw = rng.random()
                if draw < 0.70:  # an order of one to four lines
                    order += 1
                    reference = f"O{order:08d}"
                    for _ in range(rng.choice((1, 1, 2, 3, 4))):
                        item, offering, price = rng.choice(items)
                        custom = "true" if rng.random() < 0.05 else ""
                        lines.append(
                            f"{party},{day},purchase,{item},{offering},{price},{custom},,"
                            f"{reference}\n"
                        )
                elif draw < 0.73:  # a return of one item, matched by item and amount
                    item, offering, price = rng.choice(items)
                    lines.append(f"{party},{day},return,{item},{offering},{price},,,\n")
                elif draw < 0.75:  # a cancellation of a recent order, by reference
                    reference = f"O{max(1, order - rng.randrange(50)):08d}"
                    lines.append(f"{party},{day},cancellation,,product,0,,,{reference}\n")
                elif draw < 0.95:
                    kind = rng.choice(("meeting", "check_in", "support", "support", "delivery"))
                    lines.append(f"{party},{day},{kind},,service,0,,,\n")
                else:
                    lines.append(f"{party},{day},agreement_signed,Retainer,service,0,,,A{party}\n")
            out.writelines(lines)
            written += len(lines)


def run(command: list[str]) -> dict[str, float]:
    """Run one command in a parent of its own: wall time and the child's peak memory."""
    done = subprocess.run(  # noqa: S603 - this interpreter, with the benchmark's own arguments
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    figures = json.loads(done.stdout)
    if figures["status"] != 0:
        msg = f"{' '.join(command)} failed ({figures['status']}): {figures['stderr']}"
        raise RuntimeError(msg)
    return figures


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "clientcustomer", *args]


def _spread(values: list[float], unit: str) -> str:
    show = h.seconds if unit == "s" else h.megabytes
    return " / ".join(
        show(value) for value in (min(values), statistics.median(values), max(values))
    )


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def _sizes(text: str) -> tuple[int, ...]:
    """``--sizes``: comma-separated row counts, each a whole number >= 1."""
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        msg = f"expected comma-separated whole numbers >= 1, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return tuple(sorted(sizes))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (5,000 parties)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per command (default 1)")
    parser.add_argument("--parties", type=int, default=None, help="parties (default 50,000)")
    parser.add_argument("--no-timeline", action="store_true", help="skip the timeline command")
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=None,
        help="rows per log, comma-separated, smallest first (default 500000,1000000,2000000)",
    )
    args = parser.parse_args()
    parties = args.parties or (5_000 if args.quick else 50_000)
    sizes = args.sizes or (
        (50_000, 100_000, 200_000) if args.quick else (500_000, 1_000_000, 2_000_000)
    )
    middle = sizes[len(sizes) // 2]
    print(f"bench_cli_log: {parties:,} parties, {', '.join(f'{s:,}' for s in sizes)} rows")
    print(h.machine("clientcustomer"))
    print()
    with tempfile.TemporaryDirectory() as folder:
        logs = {}
        for size in sizes:
            logs[size] = Path(folder) / f"log-{size}.csv"
            write_log(logs[size], size, parties)
        out = str(Path(folder) / "out.txt")
        as_of = (START + dt.timedelta(days=DAYS)).isoformat()
        classify: dict[int, list[dict[str, float]]] = {size: [] for size in sizes}
        timeline: list[dict[str, float]] = []
        for _ in range(args.repeat):
            for size in sizes:  # interleaved: each round runs every size in turn
                command = _cli(
                    "classify", "--log", str(logs[size]), "--as-of", as_of,
                    "--format", "csv", "--quiet", "--output", out,
                )  # fmt: skip
                classify[size].append(run(command))
            if not args.no_timeline:
                command = _cli("timeline", str(logs[middle]), "--every-days", "30", "--output", out)
                timeline.append(run(command))
        rows = []
        for size in sizes:
            walls = [item["wall"] for item in classify[size]]
            peaks = [item["peak"] for item in classify[size]]
            size_bytes = logs[size].stat().st_size
            rows.append(
                (
                    f"{size:,}",
                    h.megabytes(size_bytes),
                    _spread(walls, "s"),
                    _spread(peaks, "MB"),
                    f"{statistics.median(peaks) / size:.0f} B",
                    _verdict(max(peaks) <= 150 * h.MB),
                )
            )
        print(f"classify --log, {parties:,} parties (min / median / max of {args.repeat} runs)")
        print(
            h.table(("rows", "log size", "wall time", "peak memory", "per row", "<= 150 MB"), rows)
        )
        if len(sizes) > 1:
            low, high = (
                statistics.median(item["peak"] for item in classify[s])
                for s in (sizes[0], sizes[-1])
            )
            growth = high / low
            print(
                f"flat when rows double: peak at {sizes[-1]:,} rows / peak at {sizes[0]:,} rows = "
                f"{growth:.2f}x (target <= 1.25x): {_verdict(growth <= 1.25)}"
            )
        if timeline:
            print()
            base_wall = statistics.median(item["wall"] for item in classify[middle])
            base_peak = statistics.median(item["peak"] for item in classify[middle])
            wall = statistics.median(item["wall"] for item in timeline)
            peak = statistics.median(item["peak"] for item in timeline)
            print(f"timeline --every-days 30, {middle:,} rows, {parties:,} parties")
            print(
                h.table(
                    ("command", "wall time", "peak memory", "time ratio", "memory ratio"),
                    [
                        (
                            "classify --log (baseline)",
                            _spread([i["wall"] for i in classify[middle]], "s"),
                            _spread([i["peak"] for i in classify[middle]], "MB"),
                            "1.00x",
                            "1.00x",
                        ),
                        (
                            "timeline",
                            _spread([i["wall"] for i in timeline], "s"),
                            _spread([i["peak"] for i in timeline], "MB"),
                            f"{wall / base_wall:.2f}x",
                            f"{peak / base_peak:.2f}x",
                        ),
                    ],
                )
            )
            print(
                f"timeline time <= 3x classify --log: {_verdict(wall <= 3 * base_wall)}; "
                f"peak memory <= 2x: {_verdict(peak <= 2 * base_peak)}"
            )
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    status = main()
    print(f"\n(benchmark ran {time.perf_counter() - started:.0f} s)")
    sys.exit(status)
