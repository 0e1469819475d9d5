"""Generate the sample data bundled with clientcustomer for ``clientcustomer demo``.

The data describe about 300 parties of ten kinds of business over the two years ending
2026-10-31 (the demo looks at them as of 2026-11-01), and a labelled sample. Four files are
written:

* ``demo_interactions.csv``: the interaction log in the library's own layout (``party_id, on,
  kind, item, offering, amount, customized, collaborative, reference``), oldest first;
  ``clientcustomer.read_log`` reads it without rejects.
* ``demo_engagements.jsonl``: one `Engagement` per line, written with ``clientcustomer.to_json``.
* ``demo_parties.csv``: the ground truth: each party's id, name, kind (person or organization),
  business type, scenario, the role the story ends in (``customer``, ``client`` or
  ``former_client``) and the story in one line.
* ``demo_labelled.csv``: a clearly synthetic *labelled* sample for ``rules evaluate`` and
  ``rules tune``: 2,000 accounts (ids ``synthetic-0001`` ...), one row of signals each, with the
  label an account manager would give (``customer`` or ``client``). About 30 % are clients;
  **each label is flipped with probability 0.05** (label noise, as real labels have), and the
  ``true_role`` column keeps the role the account was drawn as. Drawn from its own seeded
  generator, so it does not change the other three files.

The scenarios: grocery and retail shoppers (frequent, standard products: customers however loyal),
one-off buyers, wholesale buyers (big, frequent orders: still customers), gym members and phone
subscribers (subscriptions, long tenure: customers), clients of a law firm, an accounting
practice, a research and consulting firm (customer surveys, call-recording analysis and CSR
training, with what the client owes for the work to proceed), a design studio and a training
provider (collaborative, customized service: clients, including one-off commissions), customers
who become clients mid-way (products first, then a signed service agreement, meetings and
customized work), and clients whose relationship lapsed (agreement ended, then silence).

The output depends only on the seed: running the script twice writes identical bytes. It uses
the standard library and clientcustomer itself (for `Engagement`, ``to_json`` and the log layout
of `LogColumns`, read with attrs, which clientcustomer depends on).

Usage::

    python scripts/make_demo_data.py              # seed 2026, into src/clientcustomer/demo/data/
    python scripts/make_demo_data.py --seed 7 --out /tmp/demo
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from clientcustomer import (
    Deliverable,
    Dependency,
    Engagement,
    InteractionKind,
    LogColumns,
    RoleAssignment,
    to_json,
)

DEFAULT_SEED = 2026
START = dt.date(2024, 11, 1)
END = dt.date(2026, 10, 31)
AS_OF = dt.date(2026, 11, 1)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src" / "clientcustomer" / "demo" / "data"
LOG_HEADER = tuple(
    field.default for field in attrs.fields(LogColumns) if isinstance(field.default, str)
)
"""The library's own log layout: the default column names of `LogColumns`, in their order."""
PARTY_HEADER = ("party_id", "name", "kind", "business_type", "scenario", "role", "story")
LABELLED_HEADER = (
    "id",
    "label",
    "true_role",
    "collaborative_share",
    "touchpoints_per_quarter",
    "active_engagement",
    "tenure_days",
    "service_share",
    "customization",
    "commitment_days",
)
LABELLED_ACCOUNTS = 2000
LABELLED_CLIENT_SHARE = 0.3
LABEL_NOISE = 0.05
"""The chance that a label of the labelled sample is flipped (customer <-> client)."""
CENT = Decimal("0.01")
_COLLABORATIVE_KINDS = frozenset({"meeting", "check_in", "workshop", "planning"})
_KINDS = frozenset(kind.value for kind in InteractionKind)

FIRST_NAMES = (
    "Ann", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemi",
    "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wen", "Xavier", "Yara", "Zoe", "Arjun", "Bea", "Carlos", "Dana", "Emil", "Fatima", "Gus",
    "Hana", "Ivan", "Jade", "Kofi", "Lena", "Marco", "Nia",
)  # fmt: skip
LAST_NAMES = (
    "Lee", "Okafor", "Silva", "Novak", "Khan", "Murphy", "Rossi", "Tanaka", "Schmidt", "Haddad",
    "Nguyen", "Costa", "Jensen", "Walsh", "Moreau", "Patel", "Kowalski", "Garcia", "Berg",
    "Adeyemi", "Fischer", "Lopez", "Ito", "Brennan", "Dubois", "Ahmed", "Larsen", "Romero",
    "Weber", "Osei",
)  # fmt: skip
ORG_WORDS = (
    "Northwind", "Harbor", "Bluebell", "Granite", "Riverside", "Oakfield", "Silverline",
    "Summit", "Meadow", "Ironbridge", "Lakeshore", "Redwood", "Foxglove", "Beacon", "Kestrel",
    "Marigold", "Westgate", "Copperleaf", "Highland", "Seabright", "Larkspur", "Elmstead",
    "Brightwater", "Stonegate", "Juniper", "Ashford", "Pinecrest", "Windmill", "Orchard",
    "Fairhaven",
)  # fmt: skip

GROCERY_ITEMS = (
    ("Fresh produce", 6, 35),
    ("Dairy and eggs", 4, 22),
    ("Bakery", 3, 15),
    ("Pantry staples", 8, 45),
    ("Meat and fish", 10, 60),
    ("Household supplies", 5, 30),
    ("Frozen foods", 6, 28),
    ("Drinks", 4, 25),
    ("Pet food", 9, 40),
)
RETAIL_ITEMS = (
    ("Running shoes", 60, 140),
    ("Winter jacket", 80, 220),
    ("Bluetooth headphones", 40, 180),
    ("Coffee maker", 45, 160),
    ("Jeans", 35, 90),
    ("Desk lamp", 20, 70),
    ("Bed linen set", 40, 120),
    ("Kitchen knife set", 50, 150),
    ("Backpack", 30, 95),
    ("Smartwatch", 120, 350),
)
WHOLESALE_ITEMS = (
    ("Flour 25 kg sacks", 150, 900),
    ("Cooking oil 20 l drums", 200, 1100),
    ("Frozen chicken cases", 300, 2400),
    ("Coffee beans 6 kg", 180, 700),
    ("Cleaning supplies pallet", 250, 1300),
    ("Canned tomatoes cases", 120, 600),
    ("Dairy crates", 160, 900),
    ("Takeaway packaging", 140, 800),
)
ORG_KINDS = {
    "wholesale": ("Bistro", "Cafe", "Hotel", "Deli", "Kitchen", "Corner Shop"),
    "law": ("Logistics", "Builders", "Foods", "Software", "Properties", "Clinics"),
    "accounting": ("Joinery", "Dental", "Florists", "Engineering", "Print Works", "Vets"),
    "research": ("Bank", "Energy", "Insurance", "Telecom", "Water", "Retail Group"),
    "design": ("Brewery", "Studios", "Outfitters", "Tea Co", "Yoga", "Ceramics"),
    "training": ("Health Trust", "Housing", "Credit Union", "Airlines", "Hotels", "Council"),
}
LAW_MATTERS = (
    "Commercial lease review",
    "Shareholder agreement",
    "Employment disputes",
    "Supplier contract negotiation",
    "Trademark portfolio",
    "Data protection compliance",
    "Acquisition due diligence",
    "Debt recovery",
)
LAW_ONE_OFF = (
    "Will and estate plan",
    "Property purchase advice",
    "Separation agreement",
    "Employment contract advice",
    "Tenancy dispute advice",
    "Power of attorney",
)
RESEARCH_PROJECTS = ("survey", "calls", "training")
DESIGN_COMMISSIONS = (
    "Brand identity",
    "Website design",
    "Packaging design",
    "Shop signage",
    "Book cover",
    "Exhibition stand",
)
OPEN_COURSES = (
    ("Excel essentials", 240),
    ("Project management basics", 480),
    ("Presentation skills", 320),
    ("Customer service excellence", 290),
    ("Time management", 210),
)


def _cents(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _flag(value: bool) -> str:
    return "true" if value else "false"


class DemoBuilder:
    """Accumulates parties, interactions and engagements, drawing from one seeded generator.

    Attributes:
        rng: The seeded random number generator every choice is drawn from.
        rows: The interaction rows so far, as CSV fields.
        parties: The party rows so far, as CSV fields.
        engagements: The engagements so far.
    """

    def __init__(self, seed: int) -> None:
        """Start empty, with ``random.Random(seed)``."""
        self.rng = random.Random(seed)
        self.rows: list[tuple[str, ...]] = []
        self.parties: list[tuple[str, ...]] = []
        self.engagements: list[Engagement] = []
        self._counters: dict[str, int] = {}
        self._names: set[str] = set()

    # --- small helpers ---------------------------------------------------------------------

    def next_number(self, prefix: str) -> int:
        """Return the next number of a counter (party ids, references)."""
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return self._counters[prefix]

    def reference(self, prefix: str) -> str:
        """Return a new reference such as ``G-000042``."""
        return f"{prefix}-{self.next_number('ref:' + prefix):06d}"

    def money(self, low: float, high: float) -> Decimal:
        """Return a random amount between ``low`` and ``high``, to the cent."""
        return _cents(self.rng.uniform(low, high))

    def day(self, first: dt.date, last: dt.date) -> dt.date:
        """Return a random date between two dates, both included."""
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def person_name(self) -> str:
        """Return a person's name not used before."""
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self._names:
                self._names.add(name)
                return name

    def org_name(self, business: str) -> str:
        """Return an organization's name not used before, fitting its kind of business."""
        while True:
            name = f"{self.rng.choice(ORG_WORDS)} {self.rng.choice(ORG_KINDS[business])}"
            if name not in self._names:
                self._names.add(name)
                return name

    def party(  # noqa: PLR0913 - one row of the ground truth
        self,
        prefix: str,
        business: str,
        scenario: str,
        role: str,
        story: str,
        *,
        organization: bool = False,
    ) -> str:
        """Register a party and return its id (``prefix-NNN``)."""
        party_id = f"{prefix}-{self.next_number('party:' + prefix):03d}"
        name = self.org_name(business) if organization else self.person_name()
        kind = "organization" if organization else "person"
        self.parties.append((party_id, name, kind, business, scenario, role, story))
        return party_id

    def add(  # noqa: PLR0913 - the columns of the log
        self,
        party_id: str,
        on: dt.date,
        kind: str,
        item: str = "",
        *,
        service: bool = False,
        amount: Decimal | None = None,
        customized: bool = False,
        collaborative: bool | None = None,
        reference: str = "",
    ) -> None:
        """Append one interaction; dates after the end of the data are dropped."""
        if kind not in _KINDS:  # pragma: no cover - a typo in this script
            raise ValueError(kind)
        if on > END or on < START:
            return
        if collaborative is None:
            collaborative = kind in _COLLABORATIVE_KINDS
        self.rows.append(
            (
                party_id,
                on.isoformat(),
                kind,
                item,
                "service" if service else "product",
                "" if amount is None else str(amount),
                _flag(customized),
                _flag(collaborative),
                reference,
            )
        )

    def dates(self, first: dt.date, last: dt.date, low: int, high: int) -> list[dt.date]:
        """Return dates from ``first`` to ``last`` spaced ``low`` to ``high`` days apart."""
        found = []
        on = first
        while on <= last:
            found.append(on)
            on += dt.timedelta(days=self.rng.randint(low, high))
        return found

    def monthly(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """Return the same day of every month from ``first`` to ``last`` (day 28 at most)."""
        found = []
        year, month, day = first.year, first.month, min(first.day, 28)
        while (on := dt.date(year, month, day)) <= last:
            found.append(on)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def engagement(  # noqa: PLR0913 - the fields of an engagement
        self,
        client_id: str,
        title: str,
        start: dt.date,
        end: dt.date | None,
        *,
        deliverables: Sequence[Deliverable] = (),
        dependencies: Sequence[Dependency] = (),
    ) -> str:
        """Record an engagement where the client pays, decides and receives; return its id."""
        engagement_id = f"eng-{self.next_number('engagement'):04d}"
        roles = tuple(
            RoleAssignment(client_id, role) for role in ("payer", "decision_maker", "recipient")
        )
        self.engagements.append(
            Engagement(
                engagement_id,
                client_id,
                title,
                start=start,
                end=end,
                deliverables=tuple(deliverables),
                roles=roles,
                dependencies=tuple(dependencies),
            )
        )
        return engagement_id

    def service_work(  # noqa: PLR0913 - one stretch of client work
        self,
        party_id: str,
        first: dt.date,
        last: dt.date,
        *,
        work: str,
        prefix: str,
        fee: tuple[float, float],
        touch: tuple[int, int] = (14, 35),
    ) -> None:
        """Add the meetings, check-ins, customized deliveries and invoices of client work."""
        kinds = ("meeting", "check_in", "consultation", "delivery", "workshop", "planning")
        weights = (3, 4, 3, 3, 1, 1)
        for on in self.dates(first, last, *touch):
            kind = self.rng.choices(kinds, weights)[0]
            item = {
                "meeting": f"{work}: progress meeting",
                "check_in": f"{work}: check-in",
                "consultation": f"{work}: advice session",
                "delivery": f"{work}: tailored deliverable",
                "workshop": f"{work}: joint workshop",
                "planning": f"{work}: joint planning",
            }[kind]
            collaborative = True if kind in {"consultation", "delivery"} else None
            self.add(
                party_id,
                on,
                kind,
                item,
                service=True,
                customized=kind in {"consultation", "delivery", "workshop"},
                collaborative=collaborative,
            )
        for on in self.monthly(first + dt.timedelta(days=27), last):
            expenses = self.rng.random() < 0.15
            self.add(
                party_id,
                on,
                "purchase",
                f"{work}: {'expenses' if expenses else 'monthly fee'}",
                service=True,
                amount=self.money(fee[0] / 10, fee[0]) if expenses else self.money(*fee),
                customized=not expenses,
                reference=self.reference(prefix),
            )

    # --- scenarios: customers ----------------------------------------------------------------

    def grocery_shopper(self) -> None:
        """A grocery shopper: frequent baskets of standard products, now and then a return."""
        first = self.day(START, dt.date(2025, 12, 31))
        gap = self.rng.randint(6, 18)
        churned = self.rng.random() < 0.15
        last = self.day(dt.date(2026, 2, 1), dt.date(2026, 7, 31)) if churned else END
        story = f"Shops for groceries about every {gap} days since {first:%Y-%m}"
        story += "; stopped coming in " + f"{last:%Y-%m}" if churned else "; loyal, standard goods"
        party_id = self.party("groc", "grocery", "shopper", "customer", story)
        for on in self.dates(first, last, max(2, gap - 4), gap + 4):
            reference = self.reference("G")
            lines = self.rng.sample(GROCERY_ITEMS, self.rng.choice((1, 1, 2, 2, 3)))
            for item, low, high in lines:
                amount = self.money(low, high)
                self.add(party_id, on, "purchase", item, amount=amount, reference=reference)
            if self.rng.random() < 0.02:
                item, low, high = lines[0]
                self.add(
                    party_id,
                    on + dt.timedelta(days=self.rng.randint(1, 4)),
                    "return",
                    item,
                    amount=self.money(1, low),
                    reference=reference,
                )
        if self.rng.random() < 0.3:
            self.add(party_id, self.day(first, last), "support", "Loyalty card query")

    def retail_shopper(self) -> None:
        """A retail shopper: occasional purchases of standard goods, returns and cancellations."""
        first = self.day(START, dt.date(2026, 3, 31))
        party_id = self.party(
            "retl",
            "retail",
            "shopper",
            "customer",
            f"Buys clothing and electronics every few months since {first:%Y-%m}; returns some",
        )
        for on in self.dates(first, END, 25, 120):
            reference = self.reference("R")
            item, low, high = self.rng.choice(RETAIL_ITEMS)
            amount = self.money(low, high)
            self.add(party_id, on, "purchase", item, amount=amount, reference=reference)
            draw = self.rng.random()
            if draw < 0.08:
                later = on + dt.timedelta(days=self.rng.randint(3, 25))
                self.add(party_id, later, "return", item, amount=amount, reference=reference)
            elif draw < 0.11:
                self.add(party_id, on, "cancellation", item, amount=amount, reference=reference)
            elif draw < 0.16:
                later = on + dt.timedelta(days=self.rng.randint(5, 60))
                self.add(party_id, later, "support", f"Warranty question: {item}")

    def one_off_buyer(self) -> None:
        """A one-off buyer: a single purchase, sometimes returned."""
        on = self.day(START, dt.date(2026, 10, 15))
        item, low, high = self.rng.choice(RETAIL_ITEMS)
        returned = self.rng.random() < 0.25
        story = f"Bought {item.lower()} once in {on:%Y-%m}" + (
            " and returned it" if returned else "; never came back"
        )
        party_id = self.party("retl", "retail", "one_off", "customer", story)
        reference = self.reference("R")
        amount = self.money(low, high)
        self.add(party_id, on, "purchase", item, amount=amount, reference=reference)
        if returned:
            later = on + dt.timedelta(days=self.rng.randint(2, 14))
            self.add(party_id, later, "return", item, amount=amount, reference=reference)

    def wholesale_buyer(self) -> None:
        """A wholesale buyer: big orders every week or two; still a customer."""
        first = self.day(START, dt.date(2025, 6, 30))
        party_id = self.party(
            "whol",
            "wholesale",
            "trade_buyer",
            "customer",
            "Orders catering supplies in bulk every week or two; big spend, standard goods",
            organization=True,
        )
        for on in self.dates(first, END, 7, 18):
            reference = self.reference("W")
            for item, low, high in self.rng.sample(WHOLESALE_ITEMS, self.rng.randint(1, 3)):
                self.add(
                    party_id,
                    on,
                    "purchase",
                    item,
                    amount=self.money(low, high),
                    reference=reference,
                )
            draw = self.rng.random()
            if draw < 0.02:
                self.add(party_id, on, "cancellation", "Order cancelled", reference=reference)
            elif draw < 0.05:
                self.add(party_id, on + dt.timedelta(days=2), "support", "Short delivery claim")
        for year in (2025, 2026):
            review = self.day(dt.date(year, 1, 10), dt.date(year, 2, 20))
            if first <= review:
                self.add(party_id, review, "meeting", "Annual price review")

    def gym_member(self) -> None:
        """A gym member: a monthly membership over a long tenure, standard classes."""
        first = self.day(START, dt.date(2025, 10, 31))
        tier, fee = self.rng.choice(
            (("Basic", "29.00"), ("Standard", "45.00"), ("Premium", "65.00"))
        )
        left = self.rng.random() < 0.2
        last = self.day(dt.date(2026, 1, 1), dt.date(2026, 8, 31)) if left else END
        story = f"{tier} gym membership since {first:%Y-%m}" + (
            f"; cancelled it in {last:%Y-%m}" if left else "; pays every month"
        )
        party_id = self.party("gym", "gym", "subscriber", "customer", story)
        self.add(party_id, first, "training", "Gym induction", service=True)
        for on in self.monthly(first, last):
            self.add(
                party_id,
                on,
                "purchase",
                f"{tier} membership, monthly",
                service=True,
                amount=Decimal(fee),
                reference=f"M-{party_id}-{on:%Y%m}",
            )
        if self.rng.random() < 0.3:
            on = self.day(first, last)
            self.add(party_id, on, "purchase", "Water bottle", amount=Decimal("12.00"))

    def phone_subscriber(self) -> None:
        """A phone subscriber: a handset, then a monthly plan and the odd support call."""
        first = self.day(START, dt.date(2025, 9, 30))
        plan, fee = self.rng.choice(
            (("10 GB", "15.00"), ("30 GB", "22.00"), ("Unlimited", "35.00"))
        )
        party_id = self.party(
            "tel",
            "phone",
            "subscriber",
            "customer",
            f"Mobile plan ({plan}) since {first:%Y-%m}; standard tariff, calls support at times",
        )
        handset = self.money(180, 1100)
        self.add(
            party_id, first, "purchase", "Smartphone", amount=handset, reference=self.reference("T")
        )
        for on in self.monthly(first, END):
            self.add(
                party_id,
                on,
                "purchase",
                f"Mobile plan {plan}",
                service=True,
                amount=Decimal(fee),
                reference=f"P-{party_id}-{on:%Y%m}",
            )
        for _ in range(self.rng.randint(0, 4)):
            topic = self.rng.choice(("Roaming query", "Bill query", "Network fault", "SIM swap"))
            self.add(party_id, self.day(first, END), "support", topic, service=True)

    def template_buyer(self) -> None:
        """A design-studio shop buyer: ready-made templates, standard products."""
        first = self.day(START, dt.date(2026, 6, 30))
        party_id = self.party(
            "dsgn",
            "design",
            "template_buyer",
            "customer",
            "Buys ready-made templates from the studio's online shop; no custom work",
        )
        for on in self.dates(first, END, 40, 200):
            item = self.rng.choice(("Business card template", "Slide deck template", "Icon pack"))
            self.add(
                party_id,
                on,
                "purchase",
                item,
                amount=self.money(9, 49),
                reference=self.reference("D"),
            )

    def course_attendee(self) -> None:
        """An open-course attendee: buys seats on scheduled courses, the same for everyone."""
        first = self.day(START, dt.date(2026, 4, 30))
        party_id = self.party(
            "trn",
            "training",
            "course_attendee",
            "customer",
            "Books seats on the provider's open courses; standard syllabus, no tailoring",
        )
        for on in self.dates(first, END, 90, 240):
            course, price = self.rng.choice(OPEN_COURSES)
            reference = self.reference("C")
            self.add(
                party_id,
                on,
                "purchase",
                f"Open course seat: {course}",
                service=True,
                amount=_cents(price),
                reference=reference,
            )
            self.add(party_id, on + dt.timedelta(days=21), "training", course, service=True)

    # --- scenarios: clients ------------------------------------------------------------------

    def project(  # noqa: PLR0913 - one contracted piece of work
        self,
        party_id: str,
        title: str,
        start: dt.date,
        end: dt.date | None,
        *,
        prefix: str,
        fee: tuple[float, float],
        steps: Sequence[str],
        needs: Sequence[tuple[str, str, str, str]] = (),
        agreement: bool = True,
    ) -> str:
        """Add one engagement and its log: agreement, work, deliveries, invoices, end.

        Args:
            party_id: The client.
            title: The engagement's title.
            start: Its first day.
            end: Its last day; ``None`` for open-ended work still running.
            prefix: The invoice reference prefix.
            fee: The range of the monthly fee.
            steps: Titles of the deliverables, in order.
            needs: ``(id, kind, description, owner)`` of what the client owes the provider.
            agreement: Whether an agreement is signed (and ended) in the log.

        Returns:
            The engagement's id.
        """
        last = min(end or END, END)
        reference = self.reference(prefix + "-AGR")
        if agreement:
            self.add(party_id, start, "agreement_signed", title, service=True, reference=reference)
        span = max(30, ((end or start + dt.timedelta(days=365)) - start).days)
        deliverables = []
        blocked_from = len(steps)
        statuses: list[str] = []
        for index, _need in enumerate(needs):
            running_late = end is None and index == len(needs) - 1 and self.rng.random() < 0.5
            status = self.rng.choice(("requested", "in_progress")) if running_late else "provided"
            statuses.append(status)
            if status != "provided":
                blocked_from = min(blocked_from, len(steps) - 1)
        for index, step in enumerate(steps):
            due = start + dt.timedelta(days=span * (index + 1) // (len(steps) + 1))
            done = due + dt.timedelta(days=self.rng.randint(-5, 10))
            finished = done <= last and index < blocked_from
            deliverables.append(
                Deliverable(
                    f"d{index + 1}",
                    step,
                    due=due,
                    waits_on=(f"d{index}",) if index else (),
                    done=done if finished else None,
                )
            )
            if finished:
                self.add(
                    party_id,
                    done,
                    "delivery",
                    step,
                    service=True,
                    customized=True,
                    collaborative=True,
                )
        dependencies = [
            Dependency(
                need_id,
                kind,
                description,
                owner=owner,
                due=start + dt.timedelta(days=14 + 7 * index),
                status=status,
                blocks=(f"d{min(index + 1, len(steps) - 1) + 1}",) if steps else (),
            )
            for index, ((need_id, kind, description, owner), status) in enumerate(
                zip(needs, statuses, strict=True)
            )
        ]
        self.service_work(
            party_id, start + dt.timedelta(days=3), last, work=title, prefix=prefix, fee=fee
        )
        if agreement and end is not None and end <= END:
            self.add(party_id, end, "agreement_ended", title, service=True, reference=reference)
        return self.engagement(
            party_id, title, start, end, deliverables=deliverables, dependencies=dependencies
        )

    def law_client(self) -> None:
        """A law firm's client: matter after matter under engagement letters, still running."""
        organization = self.rng.random() < 0.7
        first = self.day(START, dt.date(2025, 12, 31))
        matters = self.rng.sample(LAW_MATTERS, 3)
        party_id = self.party(
            "law",
            "law",
            "retained_client",
            "client",
            f"Retains the firm since {first:%Y-%m}: {matters[0].lower()}, then further matters",
            organization=organization,
        )
        needs = (("documents", "content", "Copies of the existing contracts", "Client's director"),)
        on = first
        for index, matter in enumerate(matters):
            end = on + dt.timedelta(days=self.rng.randint(150, 330))
            final = index == len(matters) - 1 or end > dt.date(2026, 8, 1)
            self.project(
                party_id,
                f"Engagement letter: {matter}",
                on,
                None if final else end,
                prefix="L",
                fee=(600, 4500),
                steps=(f"{matter}: first draft", f"{matter}: final documents"),
                needs=needs,
            )
            if final:
                break
            on = end + dt.timedelta(days=self.rng.randint(1, 40))

    def one_off_commission(self, business: str) -> None:
        """A one-off, collaborative and customized commission: a client, without a contract."""
        if business == "law":
            prefix, title = "law", self.rng.choice(LAW_ONE_OFF)
            steps = (f"{title}: draft for review", f"{title}: signed final version")
        else:
            prefix, title = "dsgn", f"{self.rng.choice(DESIGN_COMMISSIONS)} commission"
            steps = (f"{title}: concepts", f"{title}: final artwork")
        start = self.day(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
        end = start + dt.timedelta(days=self.rng.randint(45, 100))
        party_id = self.party(
            prefix,
            business,
            "one_off_commission",
            "client",
            f"One {title.lower()} in {start:%Y-%m}, worked out together and tailored: a client",
            organization=business == "design" and self.rng.random() < 0.5,
        )
        self.add(
            party_id,
            start,
            "consultation",
            f"{title}: first consultation",
            service=True,
            customized=True,
            collaborative=True,
        )
        self.project(
            party_id,
            title,
            start,
            end,
            prefix=prefix.upper()[0],
            fee=(400, 2500),
            steps=steps,
            agreement=False,
        )

    def accounting_client(self) -> None:
        """An accounting client: monthly bookkeeping, tax planning, year-end accounts."""
        first = self.day(START, dt.date(2025, 9, 30))
        party_id = self.party(
            "acct",
            "accounting",
            "retained_client",
            "client",
            f"Bookkeeping, tax planning and annual accounts since {first:%Y-%m}",
            organization=self.rng.random() < 0.75,
        )
        self.project(
            party_id,
            "Bookkeeping and tax advisory",
            first,
            None,
            prefix="A",
            fee=(250, 1200),
            steps=(
                "Opening balances",
                "FY2025 annual accounts",
                "FY2025 tax return",
                "FY2026 tax plan",
            ),
            needs=(
                ("records", "data", "Bank statements and receipts for the year", "Office manager"),
                (
                    "sign-off",
                    "approval",
                    "Directors' approval of the accounts",
                    "Managing director",
                ),
            ),
        )

    def research_client(self) -> None:
        """A research and consulting client: surveys, call analysis, CSR training."""
        first = self.day(START, dt.date(2025, 10, 31))
        projects = self.rng.sample(RESEARCH_PROJECTS, self.rng.randint(2, 3))
        party_id = self.party(
            "rsch",
            "research",
            "project_client",
            "client",
            f"Commissions customer research since {first:%Y-%m}; must supply lists, access, staff",
            organization=True,
        )
        on = first
        for index, kind in enumerate(projects):
            final = index == len(projects) - 1
            end = on + dt.timedelta(days=self.rng.randint(120, 260))
            if final or end > dt.date(2026, 8, 1):
                end = self.day(dt.date(2026, 12, 1), dt.date(2027, 6, 30))
                final = True
            self.research_project(party_id, kind, on, end)
            if final:
                break
            on = end + dt.timedelta(days=self.rng.randint(1, 30))

    def research_project(self, party_id: str, kind: str, start: dt.date, end: dt.date) -> None:
        """One of the research firm's three kinds of project, with what the client must supply."""
        if kind == "survey":
            title = "Customer satisfaction survey"
            steps = ("Questionnaire design", "Survey fieldwork", "Survey report")
            need = ("customer-list", "data", "A good list of current customers", "Marketing team")
        elif kind == "calls":
            title = "Call-recording quality analysis"
            steps = ("Call sampling plan", "Call-recording analysis", "Quality findings report")
            need = (
                "call-access",
                "access",
                "Secure access to the phone calls on the server",
                "IT team",
            )
        else:
            title = "CSR training programme"
            steps = ("Training needs analysis", "CSR training sessions", "Training evaluation")
            need = (
                "csr-time",
                "people_time",
                "CSRs taken off the phones for the training",
                "Contact-centre manager",
            )
            for on in self.dates(start + dt.timedelta(days=30), min(end, END), 20, 45):
                self.add(
                    party_id,
                    on,
                    "training",
                    "CSR training session",
                    service=True,
                    customized=True,
                    collaborative=True,
                )
        self.project(
            party_id, title, start, end, prefix="RC", fee=(1500, 9000), steps=steps, needs=(need,)
        )

    def design_client(self) -> None:
        """A design studio's retainer client: ongoing, collaborative design work."""
        first = self.day(START, dt.date(2025, 12, 31))
        party_id = self.party(
            "dsgn",
            "design",
            "retained_client",
            "client",
            f"Design retainer since {first:%Y-%m}: campaigns and packaging, designed together",
            organization=True,
        )
        self.project(
            party_id,
            "Design retainer",
            first,
            None,
            prefix="D",
            fee=(900, 3500),
            steps=("Brand audit", "Campaign concepts", "Packaging range", "Seasonal campaign"),
            needs=(("brand-assets", "content", "Existing logos, photos and copy", "Founder"),),
        )

    def training_client(self) -> None:
        """A training provider's corporate client: a tailored, in-house programme."""
        first = self.day(START, dt.date(2025, 12, 31))
        party_id = self.party(
            "trn",
            "training",
            "programme_client",
            "client",
            f"In-house programme tailored to its staff since {first:%Y-%m}",
            organization=True,
        )
        for on in self.dates(first + dt.timedelta(days=40), END, 30, 60):
            self.add(
                party_id,
                on,
                "training",
                "Tailored in-house training day",
                service=True,
                customized=True,
                collaborative=True,
            )
        self.project(
            party_id,
            "In-house leadership programme",
            first,
            self.day(dt.date(2026, 12, 31), dt.date(2027, 12, 31)),
            prefix="C",
            fee=(1200, 5000),
            steps=("Training needs analysis", "Module design", "Cohort 1", "Cohort 2"),
            needs=(
                ("staff-time", "people_time", "Staff released for the training days", "HR lead"),
                ("venue", "environment", "A training room with a projector", "Facilities"),
            ),
        )

    def converter(self, index: int) -> None:
        """A customer who becomes a client: products first, then a signed service agreement."""
        scenarios = (
            ("design", "dsgn", ("Printed flyers", 60, 300), "Brand refresh retainer", True),
            (
                "accounting",
                "acct",
                ("Accounting software licence", 30, 45),
                "Bookkeeping and tax advisory",
                True,
            ),
            (
                "gym",
                "gym",
                ("Standard membership, monthly", 45, 45),
                "Personal coaching programme",
                False,
            ),
            (
                "wholesale",
                "whol",
                ("Coffee beans 6 kg", 180, 700),
                "Menu and supply planning",
                True,
            ),
            (
                "research",
                "rsch",
                ("Survey tool licence", 90, 150),
                "Customer satisfaction research programme",
                True,
            ),
            (
                "training",
                "trn",
                ("Open course seat: Customer service excellence", 290, 290),
                "In-house customer service academy",
                True,
            ),
        )
        business, prefix, (product, low, high), service, organization = scenarios[
            index % len(scenarios)
        ]
        first = self.day(START, dt.date(2025, 6, 30))
        signed = first + dt.timedelta(days=self.rng.randint(180, 420))
        party_id = self.party(
            prefix,
            business,
            "converter",
            "client",
            f"Bought {product.lower()} from {first:%Y-%m}; signed {service.lower()} on "
            f"{signed.isoformat()}",
            organization=organization,
        )
        for on in self.dates(first, signed - dt.timedelta(days=1), 20, 40):
            self.add(
                party_id,
                on,
                "purchase",
                product,
                amount=self.money(low, high),
                reference=self.reference(prefix.upper()[0]),
            )
        self.add(
            party_id,
            signed - dt.timedelta(days=10),
            "consultation",
            f"{service}: scoping conversation",
            service=True,
            customized=True,
            collaborative=True,
        )
        self.project(
            party_id,
            service,
            signed,
            None
            if self.rng.random() < 0.5
            else self.day(dt.date(2027, 3, 1), dt.date(2027, 12, 31)),
            prefix=prefix.upper()[0],
            fee=(300, 2500),
            steps=(
                f"{service}: plan",
                f"{service}: first tailored delivery",
                f"{service}: review",
            ),
            needs=(("inputs", "data", "Current figures and goals", "Owner"),),
        )

    def lapsed_client(self, index: int) -> None:
        """A client whose agreement ended months ago, with silence since: a former client."""
        business, prefix, title = (
            ("law", "law", "Engagement letter: Debt recovery"),
            ("accounting", "acct", "Bookkeeping and tax advisory"),
            ("research", "rsch", "Call-recording quality analysis"),
            ("design", "dsgn", "Design retainer"),
            ("training", "trn", "In-house leadership programme"),
            ("research", "rsch", "Customer satisfaction survey"),
        )[index % 6]
        first = self.day(START, dt.date(2025, 6, 30))
        ended = self.day(dt.date(2025, 9, 1), dt.date(2026, 5, 31))
        party_id = self.party(
            prefix,
            business,
            "lapsed",
            "former_client",
            f"Client from {first:%Y-%m}; the agreement ended on {ended.isoformat()}, silence since",
            organization=True,
        )
        self.project(
            party_id,
            title,
            first,
            ended,
            prefix=prefix.upper()[0],
            fee=(500, 3000),
            steps=(f"{title}: first phase", f"{title}: final phase"),
        )

    # --- the whole data set ------------------------------------------------------------------

    def build(self) -> None:
        """Draw every scenario, in a fixed order."""
        plan = (
            (60, self.grocery_shopper),
            (38, self.retail_shopper),
            (12, self.one_off_buyer),
            (18, self.wholesale_buyer),
            (28, self.gym_member),
            (28, self.phone_subscriber),
            (6, self.template_buyer),
            (7, self.course_attendee),
            (18, self.law_client),
            (6, lambda: self.one_off_commission("law")),
            (20, self.accounting_client),
            (14, self.research_client),
            (6, self.design_client),
            (6, lambda: self.one_off_commission("design")),
            (7, self.training_client),
        )
        for count, scenario in plan:
            for _ in range(count):
                scenario()
        for index in range(20):
            self.converter(index)
        for index in range(6):
            self.lapsed_client(index)


def labelled_rows(seed: int) -> list[tuple[str, ...]]:
    """The labelled sample's rows: synthetic accounts, their signals, a noisy label, the truth.

    Clients collaborate and customize more and usually have an active engagement; customers
    mostly buy standard products, some of them for years. Every label is flipped with
    probability `LABEL_NOISE`. Some touchpoint counts are unknown (an empty cell).
    """
    rng = random.Random(f"labelled-{seed}")
    rows: list[tuple[str, ...]] = []
    for index in range(1, LABELLED_ACCOUNTS + 1):
        client = rng.random() < LABELLED_CLIENT_SHARE
        if client:
            collaborative = rng.uniform(0.15, 0.8)
            customization = rng.uniform(0.1, 0.7)
            engaged = rng.random() < 0.7
            touchpoints = rng.randint(1, 12)
            service = rng.uniform(0.3, 1.0)
        else:
            collaborative = rng.uniform(0.0, 0.3)
            customization = rng.uniform(0.0, 0.25)
            engaged = rng.random() < 0.05
            touchpoints = rng.randint(0, 4)
            service = rng.uniform(0.0, 0.7)
        tenure = rng.randint(10, 3000)
        commitment = rng.randint(30, 720) if engaged else 0
        known_touchpoints = rng.random() >= 0.1
        truth = "client" if client else "customer"
        label = truth
        if rng.random() < LABEL_NOISE:
            label = "customer" if client else "client"
        rows.append(
            (
                f"synthetic-{index:04d}",
                label,
                truth,
                f"{collaborative:.3f}",
                str(touchpoints) if known_touchpoints else "",
                _flag(engaged),
                str(tenure),
                f"{service:.3f}",
                f"{customization:.3f}",
                str(commitment),
            )
        )
    return rows


def write(builder: DemoBuilder, out: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the four files into ``out`` (created if needed); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    log_path = out / "demo_interactions.csv"
    rows = sorted(enumerate(builder.rows), key=lambda pair: (pair[1][1], pair[1][0], pair[0]))
    with log_path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(LOG_HEADER)
        writer.writerows(row for _, row in rows)
    engagements_path = out / "demo_engagements.jsonl"
    with engagements_path.open("w", encoding="utf-8", newline="\n") as stream:
        stream.writelines(to_json(engagement) + "\n" for engagement in builder.engagements)
    parties_path = out / "demo_parties.csv"
    with parties_path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(PARTY_HEADER)
        writer.writerows(sorted(builder.parties))
    labelled_path = out / "demo_labelled.csv"
    with labelled_path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(LABELLED_HEADER)
        writer.writerows(labelled_rows(seed))
    return [log_path, engagements_path, parties_path, labelled_path]


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the demo data; ``--seed`` and ``--out`` as in the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the random seed")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the output directory")
    options = parser.parse_args(argv)
    builder = DemoBuilder(options.seed)
    builder.build()
    for path in write(builder, options.out, options.seed):
        print(f"wrote {path.name} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
