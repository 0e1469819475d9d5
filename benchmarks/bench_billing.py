"""Clients hiding in billing data: the share of clients the default rule set finds, per pattern.

A billing export (one row per invoice: party, date, item, offering, amount, invoice number; no
interaction kinds, no customized or collaborative flags) is generated for five patterns, each of
which the sources place on one side:

* **retainers**: a professional service (legal advice, lobbying, consulting, accounting, design,
  research) invoiced monthly over one to four years, a month skipped now and then, fixed or
  varying amounts of 5,000 to 44,000: *clients* ("someone who receives professional services or
  advice"; "consulting, legal");
* **one-off professional bills**: one or two invoices for a piece of professional work: not
  customers (client, or "cannot tell", as the rule set decides);
* **subscriptions**: a standard service (gym, phone plan, software) billed monthly at a fixed
  amount over one to four years: *customers*;
* **retail buyers**: goods bought now and then: *customers*;
* **loyal goods buyers**: goods bought every week or two for years: *customers* (a loyalty
  program, not a client relationship).

The export writes ``offering`` as a billing system would (``service`` for any service, ``product``
for goods); the professional items are mapped onto the ``professional`` category with
``LogColumns(professional=...)`` (``--professional`` on the command line), and the absent columns
are declared absent (``kind=None, customized=None, collaborative=None``). A library without that
vocabulary reads the same file with its defaults (every row a purchase, nothing customized,
nothing collaborative): that is the "before" column.

Also shown: the clients among the bundled demo data's customers, and (when the file is there, see
``--data``) among the 4,372 buyers of the UCI "Online Retail" log.

Run: ``python benchmarks/bench_billing.py [--relationships N] [--data PATH]``. Deterministic
(seeded). Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import clientcustomer as cc

SEED = 20_261_204
AS_OF = dt.date(2026, 11, 1)
"""The export date: every relationship is read as of that day."""
HEADER = "party_id,on,item,offering,amount,reference\n"
PROFESSIONAL = (
    "legal advice",
    "lobbying services",
    "marketing consulting",
    "bookkeeping and tax advisory",
    "brand design",
    "market research",
)
SUBSCRIPTIONS = (("gym membership", "39.90"), ("mobile plan", "25.00"), ("software seat", "12.00"))
GOODS = ("t-shirt", "coffee beans", "usb cable", "notebook", "desk lamp", "running shoes")
DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEFAULT_DATA = DEFAULT_DATA / "online-retail.csv.gz"


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _monthly(rng: random.Random, party: str, item: str, offering: str, amount: str) -> list[str]:
    """Invoices on one day of each month for 12-48 months, ending in the last month or two."""
    months = rng.randint(12, 48)
    end = rng.randint(0, 1)
    day = rng.randint(1, 28)
    rows = []
    for back in range(end + months - 1, end - 1, -1):
        if 0 < back < months - 1 and rng.random() < 0.08:
            continue  # a month skipped now and then (billed late, on holiday)
        on = _month_start(AS_OF, back).replace(day=day)
        if on >= AS_OF:
            on = AS_OF - dt.timedelta(days=1)
        rows.append(f"{party},{on},{item},{offering},{amount},{party}-{back}\n")
    return rows


def retainer(rng: random.Random, party: str) -> list[str]:
    item = rng.choice(PROFESSIONAL)
    fixed = rng.random() < 0.5
    base = rng.randint(5_000, 44_000)
    rows = _monthly(rng, party, item, "service", str(base))
    if fixed:
        return rows
    return [
        row.replace(f",{base},", f",{max(5_000, base + rng.randint(-3_000, 3_000))},")
        for row in rows
    ]


def one_off(rng: random.Random, party: str) -> list[str]:
    item = rng.choice(PROFESSIONAL)
    on = AS_OF - dt.timedelta(days=rng.randint(10, 300))
    rows = [f"{party},{on},{item},service,{rng.randint(800, 20_000)},{party}-1\n"]
    if rng.random() < 0.5:
        later = on + dt.timedelta(days=rng.randint(1, 20))
        rows.append(f"{party},{later},{item},service,{rng.randint(300, 5_000)},{party}-2\n")
    return rows


def subscription(rng: random.Random, party: str) -> list[str]:
    item, amount = rng.choice(SUBSCRIPTIONS)
    return _monthly(rng, party, item, "service", amount)


def _goods(rng: random.Random, party: str, visits: int, span: int) -> list[str]:
    rows = []
    for visit in range(visits):
        on = AS_OF - dt.timedelta(days=rng.randint(1, span))
        for line in range(rng.randint(1, 3)):
            item = rng.choice(GOODS)
            amount = f"{rng.randint(2, 80)}.{rng.randint(0, 99):02d}"
            rows.append(f"{party},{on},{item},product,{amount},{party}-{visit}\n")
            del line
    return rows


def retail(rng: random.Random, party: str) -> list[str]:
    return _goods(rng, party, rng.randint(1, 12), rng.randint(30, 1_000))


def loyal(rng: random.Random, party: str) -> list[str]:
    years = rng.randint(2, 5)
    return _goods(rng, party, years * rng.randint(25, 52), years * 365)


PATTERNS: dict[str, tuple[Callable[[random.Random, str], list[str]], str]] = {
    "retainers (professional, monthly, >= 1 year)": (retainer, "client"),
    "one-off professional bills": (one_off, "not customer"),
    "subscriptions (gym, phone, software)": (subscription, "customer"),
    "retail buyers": (retail, "customer"),
    "loyal goods buyers": (loyal, "customer"),
}


def columns() -> tuple[cc.LogColumns, str]:
    """The billing export's mapping, and whether the library knows professional services."""
    try:
        mapped = cc.LogColumns(
            kind=None,
            customized=None,
            collaborative=None,
            professional=PROFESSIONAL,  # type: ignore[call-arg]
        )
    except TypeError:
        return cc.LogColumns(), "before (no professional category: defaults)"
    return mapped, "after (professional items mapped, absent columns declared)"


def roles(text: str, mapping: cc.LogColumns) -> dict[str, str]:
    log = cc.read_log(io.StringIO(text), mapping)
    signals = cc.signals_by_party(log, as_of=AS_OF)
    return {party: cc.classify(s).role.value for party, s in signals.items()}


def _share(found: Counter[str], n: int, role: str) -> str:
    return f"{found[role] / n:6.1%}" if n else "   n/a"


def demo_clients() -> tuple[int, int]:
    try:
        from clientcustomer.demo import (  # noqa: PLC0415
            DEMO_AS_OF,
            demo_engagements,
            demo_log,
            demo_parties,
        )
    except ImportError:  # the flat layout of earlier versions, for "before" figures
        from clientcustomer._demo import (  # type: ignore[no-redef]  # noqa: PLC0415
            DEMO_AS_OF,
            demo_engagements,
            demo_log,
            demo_parties,
        )
    signals = cc.signals_by_party(demo_log(), as_of=DEMO_AS_OF, engagements=demo_engagements())
    customers = [p.party_id for p in demo_parties() if p.role.value == "customer"]
    clients = sum(cc.classify(signals[p]).role is cc.Role.CLIENT for p in customers if p in signals)
    return clients, len(customers)


def online_retail_clients(path: Path) -> tuple[int, int] | None:
    if not path.exists():
        return None
    log = cc.read_log(path, cc.LogColumns.online_retail(), on_error="skip")
    signals = cc.signals_by_party(log, as_of=dt.date(2011, 12, 10))
    verdicts = [cc.classify(s).role for s in signals.values()]
    return sum(role is cc.Role.CLIENT for role in verdicts), len(verdicts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relationships", type=int, default=400, help="per pattern")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="online-retail.csv.gz")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    mapping, label = columns()
    print(f"clientcustomer {cc.__version__}: {label}; as of {AS_OF}")
    print(f"{'pattern':46} {'n':>5} {'client':>7} {'ambig.':>7} {'customer':>8}  target")
    missed = False
    for name, (make, target) in PATTERNS.items():
        text = HEADER + "".join(
            row for index in range(args.relationships) for row in make(rng, f"p{index:05d}")
        )
        found = Counter(roles(text, mapping).values())
        n = sum(found.values())
        print(
            f"{name:46} {n:5} {_share(found, n, 'client')} {_share(found, n, 'ambiguous')}"
            f"  {_share(found, n, 'customer')}  {target}"
        )
        if target == "client":
            missed |= found["client"] < 0.9 * n
        elif target == "customer":
            missed |= found["customer"] != n
        else:
            missed |= found["customer"] > 0
    clients, customers = demo_clients()
    print(f"bundled demo: {clients} clients among its {customers} customers (target 0)")
    missed |= clients > 0
    real = online_retail_clients(args.data)
    if real is None:
        print(f"UCI Online Retail: not found at {args.data} (pass --data PATH)")
    else:
        print(f"UCI Online Retail: {real[0]} clients of {real[1]} buyers (target 0)")
        missed |= real[0] > 0
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
