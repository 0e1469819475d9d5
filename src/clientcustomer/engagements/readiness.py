"""Readiness: what can proceed in an engagement, what is blocked and by what, and its health.

`readiness` looks at an `Engagement` as of a date and sorts every deliverable that is not yet
done into *ready* (nothing holds it up), *waiting* (only on the provider's own earlier
deliverables) or *blocked* (somewhere along what it waits on, a dependency the client owes is
not met), with the chain that explains each block: ``report <- survey <- customer-list``.

The health policy, with ``horizon_days`` (14 by default) as the look-ahead window:

* ``blocked`` when a deliverable cannot proceed because of a client dependency that is
  overdue, or when a deliverable that is due (its due date is today or past) cannot proceed
  because of a client dependency;
* ``at_risk``, when not blocked, if any of: an unmet dependency is due within ``horizon_days``;
  a dependency is overdue (even one that blocks nothing); a blocked deliverable is due within
  ``horizon_days``; a deliverable is late (past due, not delivered);
* ``on_track`` otherwise.

Every verdict other than ``on_track`` comes with one reason per finding. Providing, waiving or
cancelling a dependency never makes the verdict worse.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import deque

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer.exceptions import ValidationError

from .model import Deliverable, Dependency, Engagement

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "BlockedDeliverable",
    "EngagementHealth",
    "OverdueDependency",
    "Readiness",
    "readiness",
]

DEFAULT_HORIZON_DAYS = 14
"""How many days ahead `readiness` looks for dependencies and deliverables coming due."""


class EngagementHealth(enum.StrEnum):
    """An engagement's health verdict, from best to worst.

    Example:
        >>> from clientcustomer import EngagementHealth
        >>> EngagementHealth("at_risk").severity > EngagementHealth.ON_TRACK.severity
        True
    """

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BLOCKED = "blocked"

    @property
    def severity(self) -> int:
        """0 for ``on_track``, 1 for ``at_risk``, 2 for ``blocked``: larger is worse.

        Example:
            >>> from clientcustomer import EngagementHealth
            >>> states = [EngagementHealth.AT_RISK, EngagementHealth.BLOCKED]
            >>> max(states, key=lambda health: health.severity).value
            'blocked'
        """
        return list(EngagementHealth).index(self)

    @property
    def label(self) -> str:
        """The verdict in words: ``on track``, ``at risk`` or ``blocked``.

        Example:
            >>> from clientcustomer import EngagementHealth
            >>> EngagementHealth.AT_RISK.label
            'at risk'
        """
        return self.value.replace("_", " ")


def _to_health(value: EngagementHealth | str) -> EngagementHealth:
    return v.to_member(EngagementHealth, value, "health")


def _chains(_instance: object, attribute: attrs.Attribute[object], value: object) -> None:
    expected = "a tuple of chains, each a tuple of at least two ids"
    if not isinstance(value, tuple) or not value:
        raise v.fail(attribute, "a non-empty tuple of chains", value)
    for index, chain in enumerate(value):
        if (
            not isinstance(chain, tuple)
            or len(chain) < 2
            or not all(isinstance(step, str) for step in chain)
        ):
            raise ValidationError.single(f"$.{attribute.name}[{index}]", expected, chain)


@attrs.frozen
class BlockedDeliverable:
    """A deliverable that cannot proceed, and the chains of what holds it up.

    Each chain starts at the deliverable, runs through the deliverables it waits on that are not
    done yet, and ends at an unmet dependency: ``("report", "survey", "customer-list")`` reads
    "report waits on survey, which waits on customer-list". There is one chain (the shortest)
    per unmet dependency.

    Attributes:
        id: The deliverable.
        chains: What holds it up, one chain per unmet dependency.

    Example:
        >>> from clientcustomer import BlockedDeliverable
        >>> report = BlockedDeliverable("report", (("report", "survey", "customer-list"),))
        >>> print(report)
        report <- survey <- customer-list
        >>> report.blockers
        ('customer-list',)
    """

    id: str = attrs.field(validator=v.non_empty_str)
    chains: tuple[tuple[str, ...], ...] = attrs.field(validator=_chains)

    @property
    def blockers(self) -> tuple[str, ...]:
        """The ids of the unmet dependencies that hold it up (the ends of the chains).

        Example:
            >>> from clientcustomer import BlockedDeliverable
            >>> BlockedDeliverable("survey", (("survey", "list"), ("survey", "sign-off"))).blockers
            ('list', 'sign-off')
        """
        return tuple(dict.fromkeys(chain[-1] for chain in self.chains))

    def __str__(self) -> str:
        return "; ".join(" <- ".join(chain) for chain in self.chains)


@attrs.frozen
class OverdueDependency:
    """A dependency past its due date and not met, as of the readiness date.

    Attributes:
        id: The dependency.
        owner: Who on the client's side must provide it.
        due: When it was due.
        days_late: How many days past due it is (at least 1).
        blocks: The deliverables it holds up directly.
        escalation: Its escalation in words (empty when it was not escalated).

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import OverdueDependency
        >>> print(OverdueDependency("list", "Acme marketing", dt.date(2026, 2, 1), 9,
        ...                         blocks=("survey",)))
        list: due 2026-02-01, 9 days late, owner Acme marketing, blocks survey
    """

    id: str = attrs.field(validator=v.non_empty_str)
    owner: str = attrs.field(validator=v.non_empty_str)
    due: dt.date = attrs.field(validator=v.date())
    days_late: int = attrs.field(validator=v.integer(1))
    blocks: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a deliverable id"), kw_only=True
    )
    escalation: str = attrs.field(default="", validator=v.text, kw_only=True)

    def __str__(self) -> str:
        days = f"{self.days_late} day" + ("" if self.days_late == 1 else "s")
        text = f"{self.id}: due {self.due.isoformat()}, {days} late, owner {self.owner}"
        if self.blocks:
            text += ", blocks " + ", ".join(self.blocks)
        if self.escalation:
            text += f"; escalated {self.escalation}"
        return text


@attrs.frozen
class Readiness:
    """What can proceed in an engagement as of a date, what is blocked and by what, and its health.

    Built by `readiness`; the health policy is described there. ``str()`` gives the same text
    as `explain`; in a notebook it renders as an HTML table.

    Attributes:
        engagement_id: The engagement.
        as_of: The date it describes.
        health: ``on_track``, ``at_risk`` or ``blocked``.
        reasons: Why the health is what it is, one finding each (empty when on track).
        ready: Deliverables not done that can proceed now.
        waiting: Deliverables not done that wait only on the provider's own unfinished work.
        blocked: Deliverables held up by unmet client dependencies, with the chains.
        done: Deliverables delivered on or before ``as_of``.
        overdue: Dependencies past due and not met, most late first.
        horizon_days: How many days ahead it looked for things coming due.
        promised: What the client was promised: the engagement's deliverables, with their dates.
        owed: What the client owes: the engagement's dependencies, with owners and due dates.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Deliverable, Engagement, readiness
        >>> work = Engagement("e1", "acme", "Audit", start=dt.date(2026, 1, 5),
        ...                   deliverables=(Deliverable("audit", "Audit report"),))
        >>> found = readiness(work, dt.date(2026, 1, 10))
        >>> found.health.value, found.ready
        ('on_track', ('audit',))
    """

    engagement_id: str = attrs.field(validator=v.non_empty_str)
    as_of: dt.date = attrs.field(validator=v.date())
    health: EngagementHealth = attrs.field(converter=_to_health)
    reasons: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a reason"), kw_only=True
    )
    ready: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a deliverable id"), kw_only=True
    )
    waiting: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a deliverable id"), kw_only=True
    )
    blocked: tuple[BlockedDeliverable, ...] = attrs.field(
        default=(), validator=v.tuple_of(BlockedDeliverable, "a BlockedDeliverable"), kw_only=True
    )
    done: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a deliverable id"), kw_only=True
    )
    overdue: tuple[OverdueDependency, ...] = attrs.field(
        default=(), validator=v.tuple_of(OverdueDependency, "an OverdueDependency"), kw_only=True
    )
    horizon_days: int = attrs.field(
        default=DEFAULT_HORIZON_DAYS, validator=v.integer(0), kw_only=True
    )
    promised: tuple[Deliverable, ...] = attrs.field(
        default=(), validator=v.tuple_of(Deliverable, "a Deliverable"), kw_only=True
    )
    owed: tuple[Dependency, ...] = attrs.field(
        default=(), validator=v.tuple_of(Dependency, "a Dependency"), kw_only=True
    )

    def can_proceed(self, deliverable_id: str) -> bool:
        """Whether a deliverable is in ``ready``.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Readiness
            >>> Readiness("e1", dt.date(2026, 1, 1), "on_track", ready=("a",)).can_proceed("a")
            True
        """
        return deliverable_id in self.ready

    def blocked_by(self, deliverable_id: str) -> tuple[str, ...]:
        """The unmet dependencies holding a deliverable up (empty when it is not blocked).

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import BlockedDeliverable, Readiness
            >>> found = Readiness("e1", dt.date(2026, 2, 10), "blocked",
            ...                   blocked=(BlockedDeliverable("survey", (("survey", "list"),)),))
            >>> found.blocked_by("survey"), found.blocked_by("report")
            (('list',), ())
        """
        for item in self.blocked:
            if item.id == deliverable_id:
                return item.blockers
        return ()

    def explain(self) -> str:
        """The readiness in a few lines of text: health, reasons, then each group.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Readiness
            >>> print(Readiness("e1", dt.date(2026, 1, 1), "on_track", ready=("audit",)).explain())
            e1 as of 2026-01-01: on track
            ready: audit
        """
        lines = [f"{self.engagement_id} as of {self.as_of.isoformat()}: {self.health.label}"]
        lines.extend(f"  - {reason}" for reason in self.reasons)
        for title, ids in (("ready", self.ready), ("waiting", self.waiting)):
            if ids:
                lines.append(f"{title}: {', '.join(ids)}")
        if self.blocked:
            lines.append("blocked:")
            lines.extend(f"  {chain}" for item in self.blocked for chain in _chain_lines(item))
        if self.overdue:
            lines.append("overdue dependencies:")
            lines.extend(f"  {item}" for item in self.overdue)
        if self.done:
            lines.append(f"done: {', '.join(self.done)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def _repr_html_(self) -> str:
        return _readiness_html(self)

    def commitments(self) -> str:
        """What the client was promised (deliverables, dates) and what it owes (with owners).

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Deliverable, Dependency, Engagement, readiness
            >>> work = Engagement("e1", "acme", "Survey", start=dt.date(2026, 1, 5),
            ...     deliverables=(Deliverable("survey", "Survey", due=dt.date(2026, 3, 1)),),
            ...     dependencies=(Dependency("list", "data", "Customer list", owner="Acme",
            ...                              due=dt.date(2026, 2, 1), blocks=("survey",)),))
            >>> print(readiness(work, dt.date(2026, 1, 10)).commitments())
            promised to the client:
              survey: Survey, due 2026-03-01 (blocked)
            owed by the client:
              list: Customer list
                owner Acme, due 2026-02-01, open, blocks survey
        """
        lines = ["promised to the client:"] if self.promised else []
        lines.extend(f"  {_promise_line(self, item)}" for item in self.promised)
        if self.owed:
            lines.append("owed by the client:")
            lines.extend(f"  {_owed_line(self.as_of, item)}" for item in self.owed)
        return "\n".join(lines)

    def mermaid(self) -> str:
        """The engagement as a Mermaid flowchart, coloured by status.

        Deliverables are boxes (``done``, ``ready``, ``waiting``, ``blocked``); the
        dependencies the client owes are rounded (``met``, ``owed``, ``overdue``). An arrow goes
        from what is needed to what needs it. Put the text in a ``mermaid`` code block (Markdown,
        MkDocs, GitHub, JupyterLab 4.1+).

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Deliverable, Dependency, Engagement, readiness
            >>> work = Engagement("e1", "acme", "Survey", start=dt.date(2026, 1, 5),
            ...     deliverables=(Deliverable("survey", "Survey"),
            ...                   Deliverable("report", "Report", waits_on=("survey",))),
            ...     dependencies=(Dependency("list", "data", "Customer list", owner="Acme",
            ...                              blocks=("survey",)),))
            >>> print(readiness(work, dt.date(2026, 1, 10)).mermaid())
            flowchart LR
              n_survey["survey<br>no date agreed, blocked"]:::blocked
              n_report["report<br>no date agreed, blocked"]:::blocked
              n_list(["list<br>Acme: open"]):::owed
              n_survey --> n_report
              n_list -- "blocks" --> n_survey
              classDef done ...
        """
        return _mermaid(self)


def _chain_lines(item: BlockedDeliverable) -> list[str]:
    return [" <- ".join(chain) for chain in item.chains]


def _days(count: int) -> str:
    return f"{count} day" + ("" if count == 1 else "s")


def _chains_of(
    start: Deliverable,
    by_id: dict[str, Deliverable],
    unmet_blocking: dict[str, list[Dependency]],
    done: set[str],
) -> tuple[tuple[str, ...], ...]:
    """The shortest chain to each unmet dependency reachable through deliverables not done."""
    found: dict[str, tuple[str, ...]] = {}
    seen = {start.id}
    queue: deque[tuple[str, ...]] = deque([(start.id,)])
    while queue:
        path = queue.popleft()
        for dependency in unmet_blocking.get(path[-1], ()):
            found.setdefault(dependency.id, (*path, dependency.id))
        for target in by_id[path[-1]].waits_on:
            if target not in seen and target not in done:
                seen.add(target)
                queue.append((*path, target))
    return tuple(found.values())


def readiness(
    engagement: Engagement, as_of: dt.date, *, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> Readiness:
    """Say what can proceed in an engagement on a date, what is blocked and by what, and its health.

    Dependencies are judged by their status *on* ``as_of`` (replayed from their history), and a
    deliverable counts as done when it was delivered on or before ``as_of``; a delivered
    deliverable holds nothing up any more, whatever it waited on.

    Health policy (``horizon_days`` is the look-ahead window):

    * **blocked** — a deliverable cannot proceed because of a client dependency that is overdue,
      or a deliverable that is due (due date today or past) cannot proceed because of a client
      dependency;
    * **at_risk** — otherwise, if an unmet dependency is due within ``horizon_days``, a
      dependency is overdue (even one that blocks nothing), a blocked deliverable is due within
      ``horizon_days``, or a deliverable is late;
    * **on_track** — none of the above.

    Args:
        engagement: The engagement.
        as_of: The date to judge on.
        horizon_days: How many days ahead counts as "coming due" (0 or more).

    Returns:
        The readiness, with one reason per finding behind the verdict.

    Raises:
        ValidationError: When ``as_of`` is not a date or ``horizon_days`` not an integer >= 0.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Deliverable, Dependency, Engagement, readiness
        >>> study = Engagement(
        ...     "e1", "acme", "Customer survey", start=dt.date(2026, 1, 5),
        ...     deliverables=(Deliverable("survey", "Survey", due=dt.date(2026, 3, 1)),
        ...                   Deliverable("report", "Report", waits_on=("survey",))),
        ...     dependencies=(Dependency("customer-list", "data", "A list of customers",
        ...                              owner="Acme", due=dt.date(2026, 2, 1),
        ...                              blocks=("survey",)),))
        >>> print(readiness(study, dt.date(2026, 2, 10)))
        e1 as of 2026-02-10: blocked
          - survey cannot proceed: customer-list is 9 days overdue (owner: Acme)
          - report cannot proceed: survey waits on customer-list, 9 days overdue (owner: Acme)
        blocked:
          survey <- customer-list
          report <- survey <- customer-list
        overdue dependencies:
          customer-list: due 2026-02-01, 9 days late, owner Acme, blocks survey
        >>> provided = study.with_dependency_status("customer-list", "provided",
        ...                                         on=dt.date(2026, 2, 10))
        >>> print(readiness(provided, dt.date(2026, 2, 10)))
        e1 as of 2026-02-10: on track
        ready: survey
        waiting: report
    """
    v.a_date(as_of, "$.as_of")
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or horizon_days < 0:
        raise ValidationError.single("$.horizon_days", "an integer >= 0", horizon_days)
    judge = _Judge(engagement, as_of, horizon_days)
    for deliverable in engagement.deliverables:
        judge.deliverable(deliverable)
    for dependency in judge.unmet:
        judge.dependency(dependency)
    if judge.blocking:
        health = EngagementHealth.BLOCKED
    elif judge.risks:
        health = EngagementHealth.AT_RISK
    else:
        health = EngagementHealth.ON_TRACK
    return Readiness(
        engagement.id,
        as_of,
        health,
        reasons=(*judge.blocking, *judge.risks),
        ready=tuple(judge.ready),
        waiting=tuple(judge.waiting),
        blocked=tuple(judge.blocked),
        done=tuple(d.id for d in engagement.deliverables if d.id in judge.done),
        overdue=tuple(sorted(judge.overdue, key=lambda item: -item.days_late)),
        horizon_days=horizon_days,
        promised=engagement.deliverables,
        owed=engagement.dependencies,
    )


class _Judge:
    """The findings of one `readiness` call, gathered deliverable by deliverable."""

    def __init__(self, engagement: Engagement, as_of: dt.date, horizon_days: int) -> None:
        self.as_of = as_of
        # Nothing falls due after the calendar's last day: a horizon past it stops there.
        days_left = (dt.date.max - as_of).days
        self.horizon = as_of + dt.timedelta(days=min(horizon_days, days_left))
        self.by_id = {deliverable.id: deliverable for deliverable in engagement.deliverables}
        self.owed = {dependency.id: dependency for dependency in engagement.dependencies}
        self.unmet = [d for d in engagement.dependencies if not d.is_met(as_of)]
        self.unmet_blocking: dict[str, list[Dependency]] = {}
        for dependency in self.unmet:
            for target in dict.fromkeys(dependency.blocks):
                self.unmet_blocking.setdefault(target, []).append(dependency)
        self.done = {d.id for d in engagement.deliverables if d.is_done(as_of)}
        self.ready: list[str] = []
        self.waiting: list[str] = []
        self.blocked: list[BlockedDeliverable] = []
        self.overdue: list[OverdueDependency] = []
        self.blocking: list[str] = []
        self.risks: list[str] = []
        self.mentioned: set[str] = set()

    def deliverable(self, deliverable: Deliverable) -> None:
        """Sort one deliverable into ready, waiting or blocked, and note what that means."""
        if deliverable.id in self.done:
            return
        chains = _chains_of(deliverable, self.by_id, self.unmet_blocking, self.done)
        if chains:
            self.blocked_deliverable(deliverable, BlockedDeliverable(deliverable.id, chains))
            return
        if any(target not in self.done for target in deliverable.waits_on):
            self.waiting.append(deliverable.id)
        else:
            self.ready.append(deliverable.id)
        if deliverable.due is not None and deliverable.is_late(self.as_of):
            days = _days((self.as_of - deliverable.due).days)
            self.risks.append(
                f"{deliverable.id} is {days} late (due {deliverable.due.isoformat()})"
            )

    def blocked_deliverable(self, deliverable: Deliverable, item: BlockedDeliverable) -> None:
        """Record a blocked deliverable: blocked health if overdue or due, else maybe a risk."""
        self.blocked.append(item)
        late = [chain for chain in item.chains if self.owed[chain[-1]].is_overdue(self.as_of)]
        waits = ", ".join(item.blockers)
        if late:
            self.mentioned.update(chain[-1] for chain in late)
            details = "; ".join(self.overdue_words(chain) for chain in late)
            self.blocking.append(f"{deliverable.id} cannot proceed: {details}")
        elif deliverable.due is not None and deliverable.due <= self.as_of:
            self.blocking.append(
                f"{deliverable.id} is due ({deliverable.due.isoformat()}) and cannot proceed: "
                f"it waits on {waits}"
            )
        elif deliverable.due is not None and deliverable.due <= self.horizon:
            self.risks.append(
                f"{deliverable.id} is due on {deliverable.due.isoformat()} and still waits on "
                f"{waits}"
            )

    def overdue_words(self, chain: tuple[str, ...]) -> str:
        """Say that the dependency at the end of a chain is overdue, and through what."""
        dependency = self.owed[chain[-1]]
        late = f"{_days(dependency.days_late(self.as_of))} overdue (owner: {dependency.owner})"
        if len(chain) > 2:  # more than the deliverable and its dependency
            return f"{chain[-2]} waits on {dependency.id}, {late}"
        return f"{dependency.id} is {late}"

    def dependency(self, dependency: Dependency) -> None:
        """Note an unmet dependency that is overdue or coming due."""
        if dependency.due is None:
            return
        if dependency.is_overdue(self.as_of):
            late = dependency.days_late(self.as_of)
            self.overdue.append(
                OverdueDependency(
                    dependency.id,
                    dependency.owner,
                    dependency.due,
                    late,
                    blocks=tuple(dict.fromkeys(dependency.blocks)),
                    escalation=str(dependency.escalation) if dependency.escalation else "",
                )
            )
            if dependency.id not in self.mentioned:
                self.risks.append(
                    f"{dependency.id} is {_days(late)} overdue (owner: {dependency.owner})"
                )
        elif dependency.due <= self.horizon:
            left = (dependency.due - self.as_of).days
            when = "today" if left == 0 else f"in {_days(left)}"
            status = dependency.status_as_of(self.as_of).value.replace("_", " ")
            self.risks.append(
                f"{dependency.id} is due {when} ({dependency.due.isoformat()}) and is {status} "
                f"(owner: {dependency.owner})"
            )


_STYLES = (
    ("done", "fill:#2e7d3233,stroke:#2e7d32"),
    ("ready", "fill:#1565c033,stroke:#1565c0"),
    ("waiting", "stroke:#888888,stroke-dasharray:4 3"),
    ("blocked", "fill:#c6282833,stroke:#c62828"),
    ("met", "fill:#2e7d3233,stroke:#2e7d32"),
    ("owed", "fill:#ef6c0033,stroke:#ef6c00"),
    ("overdue", "fill:#c6282855,stroke:#c62828,stroke-width:3px"),
)


def _deliverable_state(found: Readiness, deliverable_id: str) -> str:
    if deliverable_id in found.done:
        return "done"
    if deliverable_id in found.ready:
        return "ready"
    if deliverable_id in found.waiting:
        return "waiting"
    return "blocked"


def _dependency_state(as_of: dt.date, dependency: Dependency) -> str:
    if dependency.is_met(as_of):
        return "met"
    return "overdue" if dependency.is_overdue(as_of) else "owed"


def _mermaid(found: Readiness) -> str:
    nodes: list[tuple[h.Key, str, str, str]] = []
    for item in found.promised:
        state = _deliverable_state(found, item.id)
        label = f"{item.id}\n{_due(item)}, {state}"
        nodes.append((("deliverable", item.id), label, "box", state))
    for owed in found.owed:
        state = _dependency_state(found.as_of, owed)
        status = owed.status_as_of(found.as_of).value.replace("_", " ")
        late = ", overdue" if state == "overdue" else ""
        label = f"{owed.id}\n{owed.owner}: {status}{late}"
        nodes.append((("dependency", owed.id), label, "round", state))
    edges = [
        (("deliverable", target), ("deliverable", d.id), "")
        for d in found.promised
        for target in d.waits_on
    ]
    edges.extend(
        (("dependency", d.id), ("deliverable", target), "blocks")
        for d in found.owed
        for target in dict.fromkeys(d.blocks)
    )
    return h.mermaid_flowchart(nodes, edges, _STYLES)


def _due(item: Deliverable) -> str:
    return f"due {item.due.isoformat()}" if item.due else "no date agreed"


def _promise_line(found: Readiness, item: Deliverable) -> str:
    due = f", due {item.due.isoformat()}" if item.due else ", no date agreed"
    return f"{item.id}: {item.title}{due} ({_deliverable_state(found, item.id)})"


def _owed_line(as_of: dt.date, item: Dependency) -> str:
    due = f"due {item.due.isoformat()}" if item.due else "no date agreed"
    blocks = f", blocks {', '.join(dict.fromkeys(item.blocks))}" if item.blocks else ""
    status = item.status_as_of(as_of).value.replace("_", " ")
    return f"{item.id}: {item.description}\n    owner {item.owner}, {due}, {status}{blocks}"


def _readiness_html(found: Readiness) -> str:
    summary = h.fields_table(
        [
            ("health", h.Raw(f"<strong>{h.cell(found.health.label)}</strong>")),
            ("reasons", h.lines(found.reasons)),
            ("ready", h.lines(found.ready)),
            ("waiting", h.lines(found.waiting)),
            ("blocked", h.lines(c for item in found.blocked for c in _chain_lines(item))),
            ("overdue", h.lines(str(item) for item in found.overdue)),
            ("done", h.lines(found.done)),
        ],
        caption=f"Readiness of {found.engagement_id} as of {found.as_of.isoformat()}",
    )
    promised = h.table(
        ("deliverable", "title", "due", "status"),
        [(d.id, d.title, d.due, _deliverable_state(found, d.id)) for d in found.promised],
    )
    owed = h.table(
        ("dependency", "what", "owner", "due", "status", "blocks"),
        [
            (d.id, d.description, d.owner, d.due, d.status_as_of(found.as_of), d.blocks)
            for d in found.owed
        ],
    )
    diagram = (
        "<details><summary>diagram (Mermaid)</summary>"
        f"<pre class='mermaid' style='text-align:left'>{h.cell(found.mermaid())}</pre></details>"
    )
    parts = [summary]
    if found.promised:
        parts.append(h.section("what the client was promised", promised))
    if found.owed:
        parts.append(h.section("what the client owes", owed))
    if found.promised or found.owed:
        parts.append(diagram)
    return "".join(parts)
