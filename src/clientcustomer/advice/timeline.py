"""The timeline: replay an interaction log through the lifecycle, and watch customers emerging.

*When did this customer become a client?* `timeline` replays each party's interactions and
engagements in date order through a `Lifecycle`, classifying the party's signals at regular
checkpoints, and returns per party the dated stage changes with their evidence and the score
series. `emerging_clients` reads those series and lists the customers whose score is moving toward
the client threshold, with the signals that moved.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer.engagements.model import Engagement
from clientcustomer.exceptions import ValidationError
from clientcustomer.lifecycle.machine import (
    LIFECYCLE,
    ClassificationSummary,
    Lifecycle,
    LifecycleEvent,
    LifecycleState,
    Stage,
    StageChange,
    SupportsClassification,
    history_html,
)
from clientcustomer.parties.entities import Interaction, InteractionKind, Offering
from clientcustomer.rules import conditions as c
from clientcustomer.rules.evaluate import NearMiss, near_misses
from clientcustomer.rules.ruleset import Role, Ruleset, default_ruleset
from clientcustomer.signals.accumulate import PartyRecords, SignalAccumulator, record_log
from clientcustomer.signals.derive import SIGNALS, Aspect, Signals
from clientcustomer.signals.logs import interaction_of

__all__ = [
    "EmergingClient",
    "PartyTimeline",
    "ScorePoint",
    "SignalMove",
    "emerging_clients",
    "replay",
    "timeline",
]

DEFAULT_NEAR = 0.05
"""How far short of the rule set's ``requires`` policy a watched customer may be (signal units)."""

Classify = Callable[[Signals], SupportsClassification]
"""A classifier as a function: signals in, a verdict with role, score and margin out."""


def default_classify(signals: Signals) -> ClassificationSummary:
    """Classify signals with the default rule set, summarized as a stage change keeps it.

    The summary keeps the role, score and margin, the rule set and the rules that fired.

    Args:
        signals: The party's signals on a day.

    Returns:
        The summary of `clientcustomer.classify`'s verdict.

    Example:
        >>> from clientcustomer import Signals
        >>> from clientcustomer.advice.timeline import default_classify
        >>> verdict = default_classify(Signals(collaborative_share=0.6, customization=1.0,
        ...                                    service_share=1.0, tenure_days=20))
        >>> verdict.role, verdict.ruleset
        ('client', 'default@1')
    """
    from clientcustomer.rules.classifier import classify  # noqa: PLC0415 - the classifier is loaded only when used

    return classify(signals).summary()


_MAX_SUMMARIES = 4096  # distinct verdicts remembered per replay (a rule set gives few)


def _summarizer() -> Callable[[Signals], ClassificationSummary]:
    """`default_classify`, faster: the compiled decision, each distinct summary built once.

    The signals come from the library's own accumulator (no custom signals), so the classifier's
    checks of outside input are skipped; a verdict's role, score, margin and fired rules say its
    summary, so equal verdicts share one (immutable) summary instead of building it again.
    """
    from clientcustomer.rules.classifier import _default_classifier  # noqa: PLC0415 - loaded only when used

    decide = _default_classifier()._decide  # noqa: SLF001 - the signals are the library's own
    summaries: dict[tuple[object, ...], ClassificationSummary] = {}

    def summarize(signals: Signals) -> ClassificationSummary:
        verdict = decide(signals)
        key = (verdict.role, verdict.score, verdict.margin, verdict.ruleset, verdict.fired)
        found = summaries.get(key)
        if found is None:
            found = verdict.summary()
            if len(summaries) < _MAX_SUMMARIES:
                summaries[key] = found
        return found

    return summarize


@attrs.frozen
class ScorePoint:
    """A party's classification on one checkpoint date.

    Attributes:
        on: The checkpoint date.
        classification: The classification of the party's signals as of that date.
        signals: The signals that were classified.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import ClassificationSummary, ScorePoint, Signals
        >>> point = ScorePoint(dt.date(2026, 3, 1), ClassificationSummary("customer", 2, -1),
        ...                    Signals(tenure_days=40))
        >>> point.classification.margin
        -1.0
    """

    on: dt.date = attrs.field(validator=v.date())
    classification: ClassificationSummary = attrs.field(
        validator=v.instance(ClassificationSummary, "a ClassificationSummary")
    )
    signals: Signals = attrs.field(validator=v.instance(Signals, "a Signals"))


_SET = object.__setattr__


def _score_point(
    on: dt.date, classification: ClassificationSummary, signals: Signals
) -> ScorePoint:
    """A `ScorePoint` of values the replay made itself (a date, a summary, signals), unchecked."""
    point = object.__new__(ScorePoint)
    _SET(point, "on", on)
    _SET(point, "classification", classification)
    _SET(point, "signals", signals)
    return point


@attrs.frozen
class PartyTimeline:
    """One party's replayed lifecycle: its stage changes and its score series.

    Attributes:
        party_id: The party.
        state: The stage reached at the end of the replay, with the full history.
        scores: The classification at each checkpoint, oldest first.

    Example:
        >>> from clientcustomer import LifecycleState, PartyTimeline
        >>> PartyTimeline("acme", LifecycleState()).became_client() is None
        True
    """

    party_id: str = attrs.field(validator=v.non_empty_str)
    state: LifecycleState = attrs.field(validator=v.instance(LifecycleState, "a LifecycleState"))
    scores: tuple[ScorePoint, ...] = attrs.field(
        default=(), validator=v.tuple_of(ScorePoint, "a ScorePoint")
    )

    @property
    def changes(self) -> tuple[StageChange, ...]:
        """The dated stage changes, oldest first.

        Example:
            >>> from clientcustomer import LifecycleState, PartyTimeline
            >>> PartyTimeline("acme", LifecycleState()).changes
            ()
        """
        return self.state.history

    def became_client(self) -> dt.date | None:
        """The first date the party became a client, or ``None`` if it never did.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import LifecycleState, PartyTimeline, StageChange
            >>> change = StageChange(dt.date(2026, 3, 2), "engage", "prospect", "client")
            >>> PartyTimeline("acme", LifecycleState("client", history=(change,))).became_client()
            datetime.date(2026, 3, 2)
        """
        for change in self.state.history:
            if change.target is Stage.CLIENT and change.source is not Stage.CLIENT:
                return change.on
        return None

    def chart(self) -> str:
        """The score over time as a small inline SVG chart, with thresholds and stage bands.

        The dashed lines are the client threshold (read from the scores' margins) and, when
        the scores come from the default rule set, its customer threshold; the shaded bands are
        the stages the party was in. No plotting library is needed; colours follow the page.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import ClassificationSummary as Summary
            >>> from clientcustomer import LifecycleState, PartyTimeline, ScorePoint, Signals
            >>> points = tuple(ScorePoint(dt.date(2026, m, 1), Summary("customer", m, m - 4),
            ...                           Signals()) for m in (1, 2, 3))
            >>> svg = PartyTimeline("acme", LifecycleState(), points).chart()
            >>> svg.startswith("<svg") and "client at 4" in svg
            True
        """
        return _chart(self)

    def _repr_html_(self) -> str:
        caption = f"Timeline of {self.party_id}: {self.state.stage.label} now"
        if (became := self.became_client()) is not None:
            caption += f", client since {became.isoformat()}"
        table = history_html(self.changes)
        return h.section(caption, self.chart()) + h.section("stage changes", table)


def _levels(scores: tuple[ScorePoint, ...]) -> list[h.Level]:
    """The client threshold (score - margin), and the customer one for the default rule set."""
    from clientcustomer.rules.ruleset import default_ruleset  # noqa: PLC0415 - only for a display

    if not scores:
        return []
    first = scores[0].classification
    client_at = first.score - first.margin
    levels = [h.Level(client_at, f"client at {client_at:g}")]
    policy = default_ruleset().policy
    if first.ruleset == default_ruleset().ref and policy.customer_below < client_at:
        levels.append(h.Level(policy.customer_below, f"customer below {policy.customer_below:g}"))
    return levels


def _bands(state: LifecycleState, first: dt.date, last: dt.date) -> list[h.Band]:
    """The stages over the chart's dates, one band per stage held."""
    bands: list[h.Band] = []
    start, stage = first, state.stage_as_of(first)
    for change in state.history:
        if first < change.on <= last and change.target is not stage:
            bands.append(h.Band(start, change.on, stage.label))
            start, stage = change.on, change.target
    bands.append(h.Band(start, last, stage.label))
    return bands


def _chart(timeline: PartyTimeline) -> str:
    points = [(point.on, point.classification.score) for point in timeline.scores]
    if not points:
        return "<p>no checkpoint scored</p>"
    bands = _bands(timeline.state, points[0][0], points[-1][0])
    title = f"score of {timeline.party_id} over time"
    return h.chart_svg(points, levels=_levels(timeline.scores), bands=bands, title=title)


def engagements_from_log(interactions: Iterable[Interaction]) -> tuple[Engagement, ...]:
    """Engagements implied by signed and ended service agreements in a log.

    An ``agreement_signed`` service interaction starts an engagement; an ``agreement_ended``
    ends the running one with the same ``reference``, or else the one signed most recently.
    Product agreements (supply contracts) are not engagements.

    Args:
        interactions: A log of one or more parties, in any order.

    Returns:
        The engagements, by party and start date.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction
        >>> from clientcustomer.advice.timeline import engagements_from_log
        >>> log = [Interaction("acme", dt.date(2026, 3, 2), "agreement_signed",
        ...                    offering="service", item="Survey", reference="SOW-1"),
        ...        Interaction("acme", dt.date(2026, 9, 30), "agreement_ended",
        ...                    offering="service", reference="SOW-1")]
        >>> [(e.id, e.start, e.end) for e in engagements_from_log(log)]
        [('SOW-1', datetime.date(2026, 3, 2), datetime.date(2026, 9, 30))]
    """
    by_party: dict[str, list[Interaction]] = defaultdict(list)
    for item in interactions:
        if item.kind in {InteractionKind.AGREEMENT_SIGNED, InteractionKind.AGREEMENT_ENDED}:
            by_party[item.party_id].append(item)
    found: list[Engagement] = []
    for party_id in sorted(by_party):
        events = sorted(by_party[party_id], key=lambda item: (item.on, item.kind.value))
        running: list[tuple[Interaction, str]] = []
        for index, event in enumerate(events):
            if event.kind is InteractionKind.AGREEMENT_SIGNED:
                if event.offering.is_service:  # a standard or professional service
                    running.append((event, event.reference or f"agreement-{index + 1}"))
                continue
            match = [
                i for i, (signed, _) in enumerate(running) if signed.reference == event.reference
            ]
            if running:
                signed, eid = running.pop(match[-1] if event.reference and match else -1)
                found.append(_engagement(signed, eid, event.on))
        found.extend(_engagement(signed, eid, None) for signed, eid in running)
    return tuple(sorted(found, key=lambda e: (e.client_id, e.start, e.id)))


def _engagement(signed: Interaction, eid: str, end: dt.date | None) -> Engagement:
    title = signed.item or "Service agreement"
    return Engagement(eid, signed.party_id, title, start=signed.on, end=end)


def _checkpoints(first: dt.date, last: dt.date, every_days: int) -> list[dt.date]:
    """Every ``every_days`` days from ``first`` while not past ``last``, then ``last`` itself."""
    end = last.toordinal()
    days = [dt.date.fromordinal(on) for on in range(first.toordinal(), end + 1, every_days)]
    if days and days[-1] != last:
        days.append(last)
    return days


def _check_settings(every_days: object, end: object) -> None:
    if isinstance(every_days, bool) or not isinstance(every_days, int) or every_days < 1:
        raise ValidationError.single("$.every_days", "an integer >= 1", every_days)
    if end is not None:
        v.a_date(end, "$.end", "a date or null")


def timeline(  # noqa: PLR0913 - the replay's settings, all keyword-only
    interactions: Iterable[Interaction],
    engagements: Iterable[Engagement] = (),
    *,
    classify: Classify | None = None,
    every_days: int = 30,
    end: dt.date | None = None,
    lifecycle: Lifecycle | None = None,
) -> tuple[PartyTimeline, ...]:
    """Replay a log through the lifecycle, party by party, and say when each stage changed.

    Every party starts as a prospect. Its first purchase makes it a customer. An engagement (given,
    or implied by a signed service agreement in the log; an agreement signed on the day a given
    engagement of the party starts is taken to be that engagement) makes it a client (``engage``,
    or ``re_engage`` for a former client) on the first day it is active **and** the party's
    classification that day is not ``customer``, recorded with that classification as evidence:
    a signed agreement without collaboration or customization (a phone plan, a gym membership)
    leaves the party a customer with an active contract, as the classifier says. A new engagement
    while a client is a renewal. A client lapses on the first day the lifecycle allows it: when
    the grace period after its last engagement is over, or at once on a day its classification
    says ``customer``. So on every day the replay looks at (each day with an interaction, an
    engagement starting or ending, and each checkpoint), the stage and the classification never
    say client and customer at once; the one exception left is a customer classified ``client``
    without any engagement: a classification alone never promotes anyone here, that needs a
    person to confirm it (see `clientcustomer.Customer.become_client`). The signals are derived
    from the log and the given engagements exactly as `clientcustomer.classify` reads them. The
    party's signals are also classified every ``every_days`` days from its first interaction, to
    give the score series.

    Args:
        interactions: The log, any number of parties, in any order.
        engagements: Engagements known apart from the log.
        classify: The classifier: a function from `Signals` to a verdict with ``role``,
            ``score`` and ``margin``; the default rule set (`clientcustomer.classify`) when
            ``None``.
        every_days: Days between checkpoints of the score series.
        end: The last day to replay; the log's last day by default.
        lifecycle: The lifecycle engine; the default `LIFECYCLE` when ``None``.

    Returns:
        One `PartyTimeline` per party, sorted by party id.

    Raises:
        ValidationError: When an argument is not valid.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import ClassificationSummary, Interaction, timeline
        >>> def classify(signals):
        ...     client = bool(signals.active_engagement)
        ...     return ClassificationSummary("client" if client else "customer", 1.0, 0.5)
        >>> log = [
        ...     Interaction("ann", dt.date(2026, 1, 10), "purchase", item="shirt"),
        ...     Interaction("ann", dt.date(2026, 3, 2), "agreement_signed", offering="service",
        ...                 item="Styling retainer", reference="R1"),
        ...     Interaction("ann", dt.date(2026, 3, 9), "consultation", offering="service",
        ...                 customized=True),
        ... ]
        >>> for change in timeline(log, classify=classify)[0].changes:
        ...     print(change)
        2026-01-10 purchase: prospect -> customer (purchased)
        2026-03-02 engage: customer -> client (engagement 'R1' (Styling retainer) is active)

        Without ``classify``, the default rule set decides, and the agreement promotes on the
        first day its work shows relational evidence (the tailored consultation):

        >>> promotion = timeline(log)[0].changes[-1]
        >>> print(promotion)
        2026-03-09 engage: customer -> client (engagement 'R1' (Styling retainer) is active)
        >>> promotion.classification.describe()
        'classified client (score 6, margin 1) by default@1'
    """
    return tuple(
        replay(
            interactions,
            engagements,
            classify=classify,
            every_days=every_days,
            end=end,
            lifecycle=lifecycle,
        )
    )


def replay(  # noqa: PLR0913 - the replay's settings, all keyword-only
    interactions: Iterable[Interaction],
    engagements: Iterable[Engagement] = (),
    *,
    classify: Classify | None = None,
    every_days: int = 30,
    end: dt.date | None = None,
    lifecycle: Lifecycle | None = None,
    keep_scores: int | None = None,
) -> Iterator[PartyTimeline]:
    """`timeline`, one party at a time: the same timelines, each replayed as it is asked for.

    The log is read (and checked) at once and kept compactly, without its `Interaction`
    objects (a `LogReader` is read without building them); each party's signals come from one
    accumulator fed day by day (`clientcustomer.SignalAccumulator`), never derived again from
    the start. Only the timeline being yielded is held, so a command that writes each one out
    needs memory for the log, not for every party's score series.

    Args:
        interactions: The log, any number of parties, in any order; or a `LogReader`.
        engagements: Engagements known apart from the log.
        classify: The classifier (see `timeline`).
        every_days: Days between checkpoints of the score series.
        end: The last day to replay; the log's last day by default.
        lifecycle: The lifecycle engine; the default `LIFECYCLE` when ``None``.
        keep_scores: How many of the latest checkpoints each timeline keeps in its score
            series (``None``: all of them). The stage changes are the same whatever is kept; a
            checkpoint not kept is not classified (unless a stage change needs that day's
            verdict), so a caller that reads only the latest scores (such as `emerging_clients`
            with a ``window`` below ``keep_scores``) replays faster.

    Returns:
        An iterator of `PartyTimeline`, by party id.

    Raises:
        ValidationError: When an argument is not valid (at once, before the first timeline).

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction, replay
        >>> log = [Interaction("bob", dt.date(2026, 2, 1), "purchase"),
        ...        Interaction("ann", dt.date(2026, 1, 1), "purchase")]
        >>> [line.party_id for line in replay(log)]
        ['ann', 'bob']
        >>> [len(line.scores) for line in replay(log, every_days=7, end=dt.date(2026, 3, 1))]
        [10, 5]
        >>> [len(line.scores) for line in replay(log, every_days=7, end=dt.date(2026, 3, 1),
        ...                                      keep_scores=2)]
        [2, 2]
    """
    _check_settings(every_days, end)
    if keep_scores is not None and (
        isinstance(keep_scores, bool) or not isinstance(keep_scores, int) or keep_scores < 1
    ):
        raise ValidationError.single("$.keep_scores", "an integer >= 1 or None", keep_scores)
    if classify is None or classify is default_classify:
        classify = _summarizer()
    elif not callable(classify):
        raise ValidationError.single("$.classify", "a function from Signals to a verdict", classify)
    engine = lifecycle or LIFECYCLE
    records = record_log(interactions)
    given = tuple(engagements)
    for index, known in enumerate(given):
        if not isinstance(known, Engagement):
            raise ValidationError.single(f"$.engagements[{index}]", "an Engagement", known)
    own: dict[str, list[Engagement]] = defaultdict(list)
    for engagement in given:
        own[engagement.client_id].append(engagement)
    latest = max((party.latest for party in records.values()), default=None)
    last_day = end or max(
        ([] if latest is None else [dt.date.fromordinal(latest)]) + [e.start for e in given],
        default=dt.date.min,
    )
    return _replays(records, own, classify, (every_days, keep_scores), last_day, engine)


def _replays(  # noqa: PLR0913, PLR0917 - the replay's settings
    records: dict[str, PartyRecords],
    own: dict[str, list[Engagement]],
    classify: Classify,
    every: tuple[int, int | None],
    last_day: dt.date,
    engine: Lifecycle,
) -> Iterator[PartyTimeline]:
    for party in sorted(records.keys() | own.keys()):
        log = records.get(party)
        rows = [] if log is None else log.coded()  # decoded once per party
        given = tuple(own.get(party, ()))
        starts = {e.start for e in given}
        agreements = [] if log is None else _agreements(log, rows)
        implied = engagements_from_log(agreements) if agreements else ()
        work = (*given, *(e for e in implied if e.start not in starts))
        yield _replay(party, (log, rows), (work, given), classify, every, last_day, engine)


_AGREEMENT_KINDS = frozenset({InteractionKind.AGREEMENT_SIGNED, InteractionKind.AGREEMENT_ENDED})
_PURCHASE = InteractionKind.PURCHASE


_Rows = list[
    tuple[int, InteractionKind, str, Offering, Decimal, bool | None, bool | None, str, int, int]
]
"""A party's rows as `PartyRecords.coded` gives them."""


def _agreements(log: PartyRecords, rows: _Rows) -> list[Interaction]:
    """The party's signed and ended agreements, as interactions (they are few)."""
    day_of = dt.date.fromordinal
    return [
        interaction_of((log.party_id, day_of(row[0]), *row[1:7], log.reference(row[9])))
        for row in rows
        if row[1] in _AGREEMENT_KINDS
    ]


def _replay(  # noqa: C901, PLR0913, PLR0915, PLR0917 - one party's replay
    party: str,
    logged_rows: tuple[PartyRecords | None, _Rows],
    work: tuple[tuple[Engagement, ...], tuple[Engagement, ...]],
    classify: Classify,
    every: tuple[int, int | None],
    last_day: dt.date,
    engine: Lifecycle,
) -> PartyTimeline:
    """Replay one party's log through the lifecycle.

    ``work`` holds every engagement (given or implied by the log's signed agreements) and the
    given ones alone; the signals are derived from the log and the given engagements only,
    exactly as `clientcustomer.classify` reads them: one accumulator, fed day by day. ``every``
    is the days between checkpoints and how many of the latest to keep (``None``: all).
    """
    every_days, keep = every
    engagements, given = work
    log, rows = logged_rows
    day_of = dt.date.fromordinal
    logged = {day_of(on) for on in {row[0] for row in rows}}
    purchases = {day_of(on) for on in {row[0] for row in rows if row[1] is _PURCHASE}}
    starts = {e.start for e in engagements}
    one = dt.timedelta(days=1)
    grace = dt.timedelta(days=engine.grace_days + 1)
    lapses = {
        e.end + grace
        for e in engagements
        if e.end is not None and (dt.date.max - e.end).days > engine.grace_days  # in the calendar
    }
    ends = {e.end + one for e in engagements if e.end is not None and e.end < dt.date.max}
    known = [*logged, *(e.start for e in engagements)]  # never empty: see timeline
    checkpoints = _checkpoints(min(known), last_day, every_days)
    regular = set(checkpoints)
    kept = regular if keep is None else set(checkpoints[-keep:])
    moments = purchases | starts | lapses | ends | regular | logged
    days = sorted(day for day in moments if day <= last_day)
    state = LifecycleState()
    own_engine = type(engine) is Lifecycle  # not a subclass with its own `can` or `fire`
    scores: list[ScorePoint] = []
    cache: dict[dt.date, ScorePoint] = {}
    accumulator = SignalAccumulator(party) if log is None else log.accumulator()
    accumulator._watch_refunds()  # noqa: SLF001 - asked again and again: match refunds only if need be
    for engagement in given:
        accumulator.add_engagement(engagement)
    fed = 0  # the rows folded in so far
    # A customer has something to try only on a day an engagement runs (see `_candidates`):
    # never outside the first start and the last end.
    runs = (
        (min(e.start for e in engagements), max(e.end or dt.date.max for e in engagements))
        if engagements
        else None
    )

    def point(day: dt.date) -> ScorePoint:
        nonlocal fed
        if day not in cache:
            ordinal = day.toordinal()
            while fed < len(rows) and rows[fed][0] <= ordinal:
                accumulator._add(*rows[fed])  # noqa: SLF001 - the rows are checked (and coded) already
                fed += 1
            signals = accumulator._signals(day, ordinal)  # noqa: SLF001 - day checked already
            verdict = classify(signals)
            if type(verdict) is not ClassificationSummary:
                verdict = ClassificationSummary.of(verdict)
            cache[day] = _score_point(day, verdict, signals)
        return cache[day]

    for day in days:
        if day in kept:
            scores.append(point(day))
        if state.stage is Stage.CUSTOMER and (runs is None or not runs[0] <= day <= runs[1]):
            continue  # no engagement runs: nothing to try (most days of a customer)
        events = _candidates(state.stage, day, purchases, engagements)
        if not events:
            continue  # nothing to try today (most days of a customer)
        current = tuple(e for e in engagements if e.start <= day)
        tried: set[LifecycleEvent] = set()
        entered = state.stage
        changed = True
        while changed:  # a change can open another on the same day: purchase, then engage
            changed = False
            for event in events:
                if event in tried or (
                    event is LifecycleEvent.RENEW and entered is not Stage.CLIENT
                ):
                    continue  # tried already, or the engagement that promoted today
                tried.add(event)
                evidence = (
                    point(day).classification if event is not LifecycleEvent.PURCHASE else None
                )
                offered = (
                    current
                    if event is not LifecycleEvent.RENEW
                    else tuple(e for e in engagements if e.start == day)
                )
                if own_engine:  # what `can` and `fire` decide, on values checked already
                    change = engine._allowed(event, state, day, offered, evidence)  # noqa: SLF001
                    if change is not None:
                        state = LifecycleState(change.target, history=(*state.history, change))
                        changed = True
                        break
                elif engine.can(event, state, on=day, engagements=offered, classification=evidence):
                    state = engine.fire(
                        event, state, on=day, engagements=offered, classification=evidence
                    )
                    changed = True
                    break
            if changed:
                events = _candidates(state.stage, day, purchases, engagements)
    return PartyTimeline(party, state, tuple(scores))


_BUYERS = frozenset({Stage.PROSPECT, Stage.FORMER_CLIENT})  # a purchase makes them customers


def _candidates(
    stage: Stage, day: dt.date, purchases: set[dt.date], engagements: tuple[Engagement, ...]
) -> tuple[LifecycleEvent, ...]:
    """The events worth trying on a day, in the order they should happen."""
    if stage is Stage.CLIENT:
        renewed = any(e.start == day for e in engagements)
        return (LifecycleEvent.RENEW, LifecycleEvent.LAPSE) if renewed else (LifecycleEvent.LAPSE,)
    bought = day in purchases and stage in _BUYERS
    if not engagements:
        return (LifecycleEvent.PURCHASE,) if bought else ()
    active = any(e.is_active(day) for e in engagements)
    events: list[LifecycleEvent] = []
    if bought:
        events.append(LifecycleEvent.PURCHASE)
    if active:
        events.append(
            LifecycleEvent.RE_ENGAGE if stage is Stage.FORMER_CLIENT else LifecycleEvent.ENGAGE
        )
    return tuple(events)


@attrs.frozen
class SignalMove:
    """One signal that moved toward the client end over a watch window.

    Attributes:
        name: The canonical signal's name.
        before: Its value at the start of the window (``None``: unknown).
        after: Its value at the end.

    Example:
        >>> from clientcustomer import SignalMove
        >>> str(SignalMove("customization", 0.1, 0.4))
        'customization 0.1 -> 0.4'
    """

    name: str = attrs.field(validator=v.non_empty_str)
    before: float | None = attrs.field(
        converter=v.to_float, validator=v.finite_float(optional=True)
    )
    after: float = attrs.field(converter=v.to_float, validator=v.finite_float())

    def __str__(self) -> str:
        before = "unknown" if self.before is None else f"{self.before:g}"
        return f"{self.name} {before} -> {self.after:g}"


def _non_negative(_instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise v.fail(attribute, "a number >= 0", value)


@attrs.frozen
class EmergingClient:
    """A customer whose relational evidence is moving it toward the client threshold.

    Attributes:
        party_id: The party.
        start: The classification at the start of the watch window.
        latest: The latest classification.
        moved: The relational signals (interaction and personalization, and whatever the rule
            set's ``requires`` policy reads) that moved toward the client end, in the signal
            table's order: why the party is on the list.
        rules: The relational rules whose change raised the score: newly firing rules that add
            points, and rules that take points away and no longer fire, in rule-set order
            (empty when the classifications were not made with the watchlist's rule set).
        shortfall: How far the latest signals are from the rule set's ``requires`` policy, in
            the signals' own units (``0``: the policy is met).

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import ClassificationSummary, EmergingClient, ScorePoint, Signals
        >>> def at(day, margin):
        ...     return ScorePoint(dt.date(2026, day, 1),
        ...                       ClassificationSummary("customer", 5 + margin, margin), Signals())
        >>> EmergingClient("ann", at(1, -3), at(3, -1)).gain
        2.0
    """

    party_id: str = attrs.field(validator=v.non_empty_str)
    start: ScorePoint = attrs.field(validator=v.instance(ScorePoint, "a ScorePoint"))
    latest: ScorePoint = attrs.field(validator=v.instance(ScorePoint, "a ScorePoint"))
    moved: tuple[SignalMove, ...] = attrs.field(
        default=(), validator=v.tuple_of(SignalMove, "a SignalMove")
    )
    rules: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a rule id"))
    shortfall: float = attrs.field(
        default=0.0, converter=v.to_float, validator=[v.finite_float(), _non_negative]
    )

    @property
    def gain(self) -> float:
        """How much the score rose over the window.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import ClassificationSummary, ScorePoint, Signals
            >>> def at(month, score):
            ...     return ScorePoint(dt.date(2026, month, 1),
            ...                       ClassificationSummary("customer", score, 0), Signals())
            >>> EmergingClient("ann", at(1, 1.5), at(3, 4.0)).gain
            2.5
        """
        return self.latest.classification.score - self.start.classification.score

    def to_become_client(self, ruleset: Ruleset | None = None) -> tuple[NearMiss, ...]:
        """What would make this customer a client: the near misses of its latest signals.

        Each is the nearest value of one signal that makes the latest signals a client under
        ``ruleset`` (the default rule set when ``None``, the one `timeline` classifies with by
        default), nearest first; empty when no change of one signal is enough.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import ClassificationSummary, EmergingClient, ScorePoint
            >>> from clientcustomer import Signals
            >>> signals = Signals(collaborative_share=0.3, customization=0.3,
            ...                   active_engagement=True, service_share=0.4)
            >>> point = ScorePoint(dt.date(2026, 3, 1),
            ...                    ClassificationSummary("ambiguous", 4, -1), signals)
            >>> for miss in EmergingClient("ann", point, point).to_become_client()[:2]:
            ...     print(miss)
            would be client if service_share were 0.6 (now 0.4)
            would be client if collaborative_share were 0.5 (now 0.3)
        """
        return near_misses(self.latest.signals, ruleset, toward=Role.CLIENT)


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return None


_RELATIONAL_ASPECTS = frozenset({Aspect.INTERACTION, Aspect.PERSONALIZATION})


def relational_signals(ruleset: Ruleset | None = None) -> tuple[str, ...]:
    """The signals a watchlist rise must come from: the relationship itself, not its age or RFM.

    They are the canonical signals of the interaction aspect (ongoing, collaborative) and of the
    personalization aspect (customized), and every signal the rule set's ``requires`` policy
    reads, in the signal table's order (custom ones last).

    Example:
        >>> from clientcustomer.advice.timeline import relational_signals
        >>> relational_signals()
        ('collaborative_share', 'touchpoints_per_quarter', 'customization')
    """
    return _relational(_ruleset(ruleset).policy.requires)


@functools.lru_cache(maxsize=64)
def _relational(requires: str | None) -> tuple[str, ...]:
    """`relational_signals` for a ``requires`` policy (read once per policy, not per party)."""
    names = {name for name, spec in SIGNALS.items() if spec.aspect in _RELATIONAL_ASPECTS}
    if requires is not None:
        names.update(c.signals_of(c.parse_condition(requires)))
    order = {name: index for index, name in enumerate(SIGNALS)}
    return tuple(sorted(names, key=lambda name: (order.get(name, len(order)), name)))


def _ruleset(ruleset: object) -> Ruleset:
    if ruleset is None:
        return default_ruleset()
    if not isinstance(ruleset, Ruleset):
        raise ValidationError.single("$.ruleset", "a Ruleset or None", ruleset)
    return ruleset


def _moves(before: Signals, after: Signals, names: Iterable[str]) -> tuple[SignalMove, ...]:
    moves: list[SignalMove] = []
    for name in names:
        old, new = _as_number(before.get(name)), _as_number(after.get(name))
        if new is not None and (old is None or new > old):
            moves.append(SignalMove(name, old, new))
    return tuple(moves)


_INF = float("inf")


def shortfall(condition: str, values: Mapping[str, object]) -> float:
    """How far signal values are from meeting a condition, in the signals' own units.

    ``0`` when the condition holds; for a comparison of a signal with a number, the distance
    between them; the smallest over ``or``, the largest over ``and``; infinite when no distance
    can be told (an unknown value, a negation, a test that is not a comparison).

    Example:
        >>> from clientcustomer.advice.timeline import shortfall
        >>> rule = "collaborative_share >= 0.2 or customization >= 0.2"
        >>> round(shortfall(rule, {"collaborative_share": 0.16, "customization": 0.0}), 2)
        0.04
        >>> shortfall(rule, {"collaborative_share": 0.3})
        0.0
    """
    return _distance(c.parse_condition(condition), values)


def _distance(expr: c.Expr, values: Mapping[str, object]) -> float:
    if c.evaluate(expr, values) is True:
        return 0.0
    match expr:
        case c.Or(operands=operands):
            return min(_distance(operand, values) for operand in operands)
        case c.And(operands=operands):
            return max(_distance(operand, values) for operand in operands)
        case c.Compare(left=c.Name(name=name), op=op, right=c.Literal(value=limit)):
            return _gap(values.get(name), op, limit)
        case c.Compare(left=c.Literal(value=limit), op=op, right=c.Name(name=name)):
            return _gap(values.get(name), _MIRROR.get(op, op), limit)
    return _INF


_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _gap(value: object, op: str, limit: object) -> float:
    number, bound = _as_number(value), _as_number(limit)
    if number is None or bound is None or isinstance(limit, bool):
        return _INF
    if op in {">=", ">"}:
        return max(0.0, bound - number)
    if op in {"<=", "<"}:
        return max(0.0, number - bound)
    return _INF


def _relational_rules(
    ruleset: Ruleset, relational: frozenset[str], start: ScorePoint, latest: ScorePoint
) -> tuple[tuple[str, ...], float] | None:
    """The relational rules whose change raised the score, and the points relational rules moved.

    ``None`` when the classifications were not made with ``ruleset`` (their rules are unknown).
    """
    if {start.classification.ruleset, latest.classification.ruleset} != {ruleset.ref}:
        return None
    before, after = set(start.classification.rules), set(latest.classification.rules)
    raised: list[str] = []
    points = 0.0
    for rule in ruleset.rules:
        if not rule.points or not set(rule.signals) <= relational:
            continue
        change = (rule.id in after) - (rule.id in before)
        points += change * rule.points
        if change * rule.points > 0:
            raised.append(rule.id)
    return tuple(raised), points


def emerging_clients(
    timelines: Iterable[PartyTimeline],
    *,
    window: int = 3,
    min_gain: float = 0.0,
    ruleset: Ruleset | None = None,
    near: float = DEFAULT_NEAR,
) -> tuple[EmergingClient, ...]:
    """The customers whose relational evidence is moving them toward the client threshold.

    A party is on the list when all of these hold:

    * it is a customer at the end of its timeline, and its latest classification is not (yet)
      past the client threshold;
    * its score rose by more than ``min_gain`` over the last ``window`` checkpoints, **and the
      rise comes from relational signals**: at least one of `relational_signals` moved toward
      the client end, and, when the classifications were made with ``ruleset`` (the timeline's
      default), the relational rules' points rose by more than ``min_gain`` (a tenure crossing
      a year, a higher purchase frequency or a service share never put anyone on the list);
    * its latest signals meet the rule set's ``requires`` policy or fall short of it by at most
      ``near``, in the signals' own units (five percentage points of collaboration or
      customization by default): a customer far from any relational evidence is not emerging.

    Each entry names the relational signals that moved, the rules that changed and how far the
    policy is. The closest to the client threshold come first.

    Args:
        timelines: The output of `timeline`.
        window: How many checkpoints back to compare with the latest one.
        min_gain: The score rise needed to be listed.
        ruleset: The rule set whose ``requires`` policy and rules are read; the default rule set
            when ``None`` (the one `timeline` classifies with by default).
        near: How far short of the ``requires`` policy a customer may be and still be listed.

    Returns:
        The emerging clients, closest to the threshold first.

    Raises:
        ValidationError: When ``window`` is not a positive integer, ``near`` not a number >= 0
            or ``ruleset`` not a rule set.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import (ClassificationSummary, Interaction, emerging_clients,
        ...                             timeline)
        >>> def classify(signals):
        ...     score = 10 * (signals.collaborative_share or 0)
        ...     return ClassificationSummary("customer", score, score - 6)
        >>> log = [Interaction("ann", dt.date(2026, 1, 5), "purchase"),
        ...        Interaction("ann", dt.date(2026, 2, 5), "meeting"),
        ...        Interaction("ann", dt.date(2026, 3, 5), "workshop")]
        >>> [watch] = emerging_clients(timeline(log, classify=classify, every_days=30))
        >>> watch.party_id, round(watch.gain, 2), watch.shortfall
        ('ann', 6.67, 0.0)
        >>> [move.name for move in watch.moved]
        ['collaborative_share', 'touchpoints_per_quarter']

        With the default rule set, the entry also names the rules that changed (``transactional``
        takes a point away and no longer fires):

        >>> [watch] = emerging_clients(timeline(log, every_days=30))
        >>> watch.rules
        ('collaborative', 'mostly-collaborative', 'transactional', 'regular-touchpoints')
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValidationError.single("$.window", "an integer >= 1", window)
    if isinstance(near, bool) or not isinstance(near, int | float) or not 0 <= near < _INF:
        raise ValidationError.single("$.near", "a finite number >= 0", near)
    chosen = _ruleset(ruleset)
    requires = chosen.policy.requires
    names = _relational(requires)
    relational = frozenset(names)
    found: list[EmergingClient] = []
    for line in timelines:
        if line.state.stage is not Stage.CUSTOMER or len(line.scores) < 2:
            continue
        start, latest = line.scores[-min(window + 1, len(line.scores))], line.scores[-1]
        verdict = latest.classification
        if verdict.role == Stage.CLIENT.value and verdict.margin > 0:
            continue
        if verdict.score - start.classification.score <= min_gain:
            continue
        moved = _moves(start.signals, latest.signals, names)
        if not moved:
            continue
        attributed = _relational_rules(chosen, relational, start, latest)
        if attributed is not None and attributed[1] <= min_gain:
            continue
        distance = 0.0 if requires is None else shortfall(requires, latest.signals.as_dict())
        if distance > near:
            continue
        found.append(
            EmergingClient(
                line.party_id,
                start,
                latest,
                moved,
                () if attributed is None else attributed[0],
                distance,
            )
        )
    return tuple(sorted(found, key=lambda e: (-e.latest.classification.margin, e.party_id)))
