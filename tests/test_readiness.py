"""Readiness: what can proceed, what is blocked and by what, overdue dependencies, and health."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import clientcustomer as cc
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import engagements

ROOT = Path(__file__).resolve().parent.parent
RESEARCH = ROOT / "docs" / "examples" / "research-engagement.json"
START = dt.date(2026, 1, 5)
AS_OF = dt.date(2026, 2, 10)


def _message(build) -> str:
    with pytest.raises(ValidationError) as caught:
        build()
    return str(caught.value)


def research_engagement() -> cc.Engagement:
    """The seed's research firm: a survey, call analysis and CSR training for a client.

    "We can't survey customers without the client providing us with a good list of current
    customers"; calls need "secure access to the phone calls"; training needs the client's CSRs
    taken off the phone. As of 2026-02-10 the list is 9 days late, access was given the day
    before, and the CSRs' time is not due until May.
    """
    return cc.Engagement(
        "acme-2026",
        "acme",
        "Customer satisfaction research and CSR training",
        start=START,
        end=dt.date(2026, 6, 30),
        deliverables=(
            cc.Deliverable("survey", "Customer satisfaction survey", due=dt.date(2026, 3, 1)),
            cc.Deliverable("calls", "Call quality analysis", due=dt.date(2026, 4, 1)),
            cc.Deliverable("training", "CSR training sessions", due=dt.date(2026, 5, 15)),
            cc.Deliverable(
                "report",
                "Findings and recommendations",
                due=dt.date(2026, 6, 15),
                waits_on=("survey", "calls"),
            ),
        ),
        roles=(
            cc.RoleAssignment("acme", "payer"),
            cc.RoleAssignment("acme", "decision_maker"),
            cc.RoleAssignment("acme-customers", "recipient"),
            cc.RoleAssignment("research-firm", "provider"),
        ),
        dependencies=(
            cc.Dependency(
                "customer-list",
                "data",
                "A good list of current customers",
                owner="Acme marketing",
                due=dt.date(2026, 2, 1),
                blocks=("survey",),
                impact="The survey cannot be sent without it",
            ).with_status("requested", on=dt.date(2026, 1, 12), note="asked at kick-off"),
            cc.Dependency(
                "call-access",
                "access",
                "Secure access to the recorded phone calls",
                owner="Acme IT",
                due=dt.date(2026, 2, 15),
                blocks=("calls",),
                impact="No calls can be analysed without it",
            )
            .with_status("requested", on=dt.date(2026, 1, 12), note="asked at kick-off")
            .with_status("provided", on=dt.date(2026, 2, 9), note="VPN account issued"),
            cc.Dependency(
                "csr-time",
                "people_time",
                "Representatives taken off the phones for the training",
                owner="Acme support lead",
                due=dt.date(2026, 5, 1),
                blocks=("training",),
                impact="The training cannot take place while they are on the phones",
            ),
        ),
    )


class TestSeedExample:
    def test_missing_customer_list_blocks_the_survey(self):
        """The list is 9 days late: the survey (and the report after it) cannot proceed."""
        found = cc.readiness(research_engagement(), AS_OF)

        assert cc.EngagementHealth.BLOCKED == found.health
        assert ("customer-list",) == found.blocked_by("survey")
        assert ("calls",) == found.ready
        assert (
            ("survey", "customer-list"),
            ("report", "survey", "customer-list"),
        ) == tuple(chain for item in found.blocked for chain in item.chains if "survey" in chain)
        assert [("customer-list", 9, ("survey",))] == [
            (item.id, item.days_late, item.blocks) for item in found.overdue
        ]
        assert (
            "survey cannot proceed: customer-list is 9 days overdue (owner: Acme marketing)",
            (
                "report cannot proceed: survey waits on customer-list, 9 days overdue "
                "(owner: Acme marketing)"
            ),
        ) == found.reasons

    def test_providing_the_list_puts_it_on_track(self):
        """Once the list is provided, the survey can proceed and the engagement is on track."""
        provided = research_engagement().with_dependency_status(
            "customer-list", "provided", on=AS_OF, note="received by email"
        )

        found = cc.readiness(provided, AS_OF)

        assert cc.EngagementHealth.ON_TRACK == found.health
        assert () == found.reasons
        assert (("survey", "calls"), ("report",)) == (found.ready, found.waiting)
        assert ("csr-time",) == found.blocked_by("training")
        assert () == found.overdue

    def test_explain(self):
        """The text report says the verdict, why, and what is ready, blocked and overdue."""
        assert (
            "acme-2026 as of 2026-02-10: blocked\n"
            "  - survey cannot proceed: customer-list is 9 days overdue (owner: Acme marketing)\n"
            "  - report cannot proceed: survey waits on customer-list, 9 days overdue "
            "(owner: Acme marketing)\n"
            "ready: calls\n"
            "blocked:\n"
            "  survey <- customer-list\n"
            "  training <- csr-time\n"
            "  report <- survey <- customer-list\n"
            "overdue dependencies:\n"
            "  customer-list: due 2026-02-01, 9 days late, owner Acme marketing, blocks survey"
        ) == cc.readiness(research_engagement(), AS_OF).explain()

    def test_coming_due_is_at_risk(self):
        """A week before the list is due, the engagement is at risk, not blocked."""
        found = cc.readiness(research_engagement(), dt.date(2026, 1, 25))

        assert cc.EngagementHealth.AT_RISK == found.health
        assert (
            "customer-list is due in 7 days (2026-02-01) and is requested (owner: Acme marketing)",
        ) == found.reasons

    def test_example_file_is_the_seed_engagement(self):
        """docs/examples/research-engagement.json holds exactly this engagement."""
        assert research_engagement() == cc.from_json(
            cc.Engagement, RESEARCH.read_text(encoding="utf-8")
        )


def _engagement(*deliverables: cc.Deliverable, owed: tuple[cc.Dependency, ...] = ()):
    return cc.Engagement("e1", "acme", "Work", start=START, deliverables=deliverables,
                         dependencies=owed)  # fmt: skip


def _need(id_: str, *blocks: str, due: dt.date | None = None, **kwargs) -> cc.Dependency:
    return cc.Dependency(id_, "data", id_, owner="Acme", due=due, blocks=blocks, **kwargs)


class TestSorting:
    def test_ready_waiting_blocked_done(self):
        """Each deliverable not done is ready, waiting on the provider, or blocked by the client."""
        work = _engagement(
            cc.Deliverable("kickoff", "Kick-off", done=dt.date(2026, 1, 6), milestone=True),
            cc.Deliverable("plan", "Plan", waits_on=("kickoff",)),
            cc.Deliverable("draft", "Draft", waits_on=("plan",)),
            cc.Deliverable("survey", "Survey"),
            owed=(_need("list", "survey"),),
        )

        found = cc.readiness(work, AS_OF)

        assert (("plan",), ("draft",), ("survey",), ("kickoff",)) == (
            found.ready,
            found.waiting,
            tuple(item.id for item in found.blocked),
            found.done,
        )
        assert (True, False) == (found.can_proceed("plan"), found.can_proceed("draft"))

    def test_done_deliverable_holds_nothing_up(self):
        """Once delivered, what a deliverable waited on no longer matters to the ones after it."""
        work = _engagement(
            cc.Deliverable("survey", "Survey", done=dt.date(2026, 2, 1)),
            cc.Deliverable("report", "Report", waits_on=("survey",)),
            owed=(_need("list", "survey"),),
        )

        found = cc.readiness(work, AS_OF)

        assert (("report",), (), ("survey",)) == (found.ready, found.blocked, found.done)
        assert found.explain().endswith("\nready: report\ndone: survey")

    def test_done_after_as_of_is_not_done_yet(self):
        """A deliverable delivered after the readiness date is not done on it."""
        work = _engagement(cc.Deliverable("survey", "Survey", done=dt.date(2026, 3, 1)))
        assert (("survey",), ()) == (
            cc.readiness(work, AS_OF).ready,
            cc.readiness(work, AS_OF).done,
        )

    def test_transitive_chains_one_per_dependency(self):
        """A deliverable blocked further down has one (shortest) chain per unmet dependency."""
        work = _engagement(
            cc.Deliverable("data", "Data"),
            cc.Deliverable("survey", "Survey", waits_on=("data",)),
            cc.Deliverable("calls", "Calls", waits_on=("data",)),
            cc.Deliverable("report", "Report", waits_on=("survey", "calls")),
            owed=(_need("list", "data", "survey"), _need("access", "calls")),
        )

        found = cc.readiness(work, AS_OF)

        assert [
            "data <- list",
            "survey <- list",
            "calls <- access; calls <- data <- list",
            "report <- survey <- list; report <- calls <- access",
        ] == [str(item) for item in found.blocked]
        assert ("list", "access") == found.blocked_by("report")
        assert () == found.blocked_by("nothing")

    def test_met_dependency_blocks_nothing(self):
        """A provided, waived or cancelled dependency holds nothing up."""
        work = _engagement(
            cc.Deliverable("survey", "Survey"),
            owed=(
                _need("a", "survey", status="provided"),
                _need("b", "survey", status="waived"),
                _need("c", "survey", status="cancelled"),
            ),
        )
        assert ("survey",) == cc.readiness(work, AS_OF).ready

    def test_status_is_judged_on_the_date(self):
        """A dependency provided after the readiness date still blocks on that date."""
        work = _engagement(
            cc.Deliverable("survey", "Survey"),
            owed=(_need("list", "survey").with_status("provided", on=dt.date(2026, 3, 1)),),
        )
        assert (
            ("list",),
            (),
        ) == (
            cc.readiness(work, AS_OF).blocked_by("survey"),
            cc.readiness(work, dt.date(2026, 3, 1)).blocked_by("survey"),
        )


class TestHealth:
    def test_nothing_owed_is_on_track(self):
        """An engagement with nothing due soon is on track, with no reasons."""
        found = cc.readiness(_engagement(cc.Deliverable("audit", "Audit")), AS_OF)
        assert (cc.EngagementHealth.ON_TRACK, ()) == (found.health, found.reasons)

    def test_due_deliverable_blocked_by_a_dependency_not_yet_late(self):
        """A deliverable due today that cannot proceed makes the engagement blocked."""
        work = _engagement(
            cc.Deliverable("survey", "Survey", due=AS_OF), owed=(_need("list", "survey"),)
        )
        found = cc.readiness(work, AS_OF)
        assert (
            cc.EngagementHealth.BLOCKED,
            ("survey is due (2026-02-10) and cannot proceed: it waits on list",),
        ) == (found.health, found.reasons)

    def test_blocked_deliverable_due_within_the_horizon(self):
        """A blocked deliverable coming due within the horizon is a risk; beyond it, it is not."""
        work = _engagement(
            cc.Deliverable("survey", "Survey", due=dt.date(2026, 2, 20)),
            owed=(_need("list", "survey"),),
        )

        near = cc.readiness(work, AS_OF)
        far = cc.readiness(work, AS_OF, horizon_days=5)

        assert (
            cc.EngagementHealth.AT_RISK,
            ("survey is due on 2026-02-20 and still waits on list",),
        ) == (near.health, near.reasons)
        assert (cc.EngagementHealth.ON_TRACK, 5) == (far.health, far.horizon_days)

    def test_overdue_dependency_blocking_nothing_is_a_risk(self):
        """An overdue dependency is a risk even when it blocks no deliverable."""
        work = _engagement(owed=(_need("nda", due=dt.date(2026, 2, 9)),))
        found = cc.readiness(work, AS_OF)
        assert (
            cc.EngagementHealth.AT_RISK,
            ("nda is 1 day overdue (owner: Acme)",),
            ("nda",),
        ) == (found.health, found.reasons, tuple(item.id for item in found.overdue))

    def test_dependency_due_today(self):
        """A dependency due today is coming due, not overdue."""
        work = _engagement(owed=(_need("nda", due=AS_OF, status="in_progress"),))
        assert ("nda is due today (2026-02-10) and is in progress (owner: Acme)",) == (
            cc.readiness(work, AS_OF).reasons
        )

    def test_late_deliverable_is_a_risk(self):
        """A deliverable past due and not delivered is a risk, with how late it is."""
        work = _engagement(cc.Deliverable("audit", "Audit", due=dt.date(2026, 2, 3)))
        found = cc.readiness(work, AS_OF)
        assert (cc.EngagementHealth.AT_RISK, ("audit is 7 days late (due 2026-02-03)",)) == (
            found.health,
            found.reasons,
        )

    def test_overdue_sorted_most_late_first_with_escalation(self):
        """Overdue dependencies are listed most late first, with their escalation."""
        work = _engagement(
            owed=(
                _need("b", due=dt.date(2026, 2, 5)),
                _need("a", due=dt.date(2026, 1, 20)).escalate(
                    "Acme CMO", on=dt.date(2026, 2, 3), next_action="call on Friday"
                ),
            )
        )
        assert [
            (
                "a: due 2026-01-20, 21 days late, owner Acme; escalated level 1 to Acme CMO on "
                "2026-02-03; next: call on Friday"
            ),
            "b: due 2026-02-05, 5 days late, owner Acme",
        ] == [str(item) for item in cc.readiness(work, AS_OF).overdue]

    def test_severity_order(self):
        """Severity grows from on track to blocked; the labels are words."""
        assert [(0, "on track"), (1, "at risk"), (2, "blocked")] == [
            (health.severity, health.label) for health in cc.EngagementHealth
        ]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"as_of": "2026-02-10"},
                "$.as_of: expected a date (datetime.date, not a datetime), got '2026-02-10'",
            ),
            (
                {"as_of": dt.datetime(2026, 2, 10, tzinfo=dt.UTC)},
                (
                    "$.as_of: expected a date (datetime.date, not a datetime), "
                    "got datetime.datetime(2026, 2, 10, 0, 0, tzinfo=datetime.time..."
                ),
            ),
            (
                {"as_of": AS_OF, "horizon_days": -1},
                "$.horizon_days: expected an integer >= 0, got -1",
            ),
            (
                {"as_of": AS_OF, "horizon_days": True},
                "$.horizon_days: expected an integer >= 0, got True",
            ),
        ],
    )
    def test_bad_arguments(self, kwargs, message):
        """The date and horizon are checked, naming the argument."""
        assert message == _message(lambda: cc.readiness(_engagement(), **kwargs))


class TestReadinessValue:
    def test_json_round_trip(self):
        """A readiness report round-trips through JSON."""
        found = cc.readiness(research_engagement(), AS_OF)
        assert found == cc.from_json(cc.Readiness, cc.to_json(found))

    def test_html_escapes_user_text(self):
        """The notebook table escapes ids and reasons."""
        work = cc.Engagement(
            "<e>",
            "acme",
            "Work",
            start=START,
            deliverables=(cc.Deliverable("<b>", "B", due=AS_OF),),
            dependencies=(_need("<i>", "<b>", due=dt.date(2026, 2, 1)),),
        )
        html = cc.readiness(work, AS_OF)._repr_html_()
        assert "<b>" not in html.replace("<br>", "")
        assert "&lt;b&gt; &lt;- &lt;i&gt;" in html
        assert ">Readiness of &lt;e&gt; as of 2026-02-10</caption>" in html

    def test_str_is_explain(self):
        """``str()`` gives the text report."""
        found = cc.readiness(research_engagement(), AS_OF)
        assert found.explain() == str(found)

    @pytest.mark.parametrize(
        ("chains", "message"),
        [
            ((), "$.chains: expected a non-empty tuple of chains, got ()"),
            (
                (("survey",),),
                (
                    "$.chains[0]: expected a tuple of chains, each a tuple of at least two ids, "
                    "got ('survey',)"
                ),
            ),
        ],
    )
    def test_blocked_deliverable_needs_chains(self, chains, message):
        """A blocked deliverable has at least one chain of at least two ids."""
        assert message == _message(lambda: cc.BlockedDeliverable("survey", chains))


# --- properties ------------------------------------------------------------------------------

_AS_OF = st.dates(dt.date(2000, 1, 1), dt.date(2041, 12, 31))


def _held_up(engagement: cc.Engagement, start: str, as_of: dt.date) -> set[str]:
    """Independently: the unmet dependencies reachable from a deliverable through work not done."""
    by_id = {d.id: d for d in engagement.deliverables}
    unmet = [d for d in engagement.dependencies if not d.is_met(as_of)]
    seen, stack, found = {start}, [start], set()
    while stack:
        current = stack.pop()
        found.update(d.id for d in unmet if current in d.blocks)
        for target in by_id[current].waits_on:
            if target not in seen and not by_id[target].is_done(as_of):
                seen.add(target)
                stack.append(target)
    return found


@given(engagements(), _AS_OF)
def test_never_ready_while_something_it_waits_on_is_unmet(engagement, as_of):
    """Ready means nothing it waits on, directly or through other work, is unmet or unfinished.

    Also: every deliverable not done is sorted exactly once, and the verdict has reasons unless
    it is on track.
    """
    found = cc.readiness(engagement, as_of)
    by_id = {d.id: d for d in engagement.deliverables}

    for deliverable in engagement.deliverables:
        held_up = _held_up(engagement, deliverable.id, as_of)
        if deliverable.id in found.ready:
            assert set() == held_up
            assert all(by_id[target].is_done(as_of) for target in deliverable.waits_on)
        if not deliverable.is_done(as_of):
            assert held_up == set(found.blocked_by(deliverable.id))
    not_done = [d.id for d in engagement.deliverables if not d.is_done(as_of)]
    sorted_ids = [*found.ready, *found.waiting, *(item.id for item in found.blocked)]
    assert sorted(not_done) == sorted(sorted_ids)
    # Every verdict but on track comes with reasons; on track comes with none.
    assert (cc.EngagementHealth.ON_TRACK == found.health) == (() == found.reasons)


@st.composite
def _with_one_met(draw: st.DrawFn) -> tuple[cc.Engagement, cc.Engagement, dt.date]:
    engagement = draw(engagements().filter(lambda e: bool(e.dependencies)))
    index = draw(st.integers(0, len(engagement.dependencies) - 1))
    dependency = engagement.dependencies[index]
    last = dependency.history[-1].on if dependency.history else dt.date(2000, 1, 1)
    on = last + dt.timedelta(days=draw(st.integers(0, 400)))
    status = draw(st.sampled_from(["provided", "waived", "cancelled"]))
    met = engagement.with_dependency_status(dependency.id, status, on=on)
    return engagement, met, draw(_AS_OF)


@given(_with_one_met())
def test_meeting_a_dependency_never_makes_health_worse(case):
    """Providing, waiving or cancelling any dependency never worsens the verdict."""
    before, after, as_of = case
    assert cc.readiness(after, as_of).health.severity <= cc.readiness(before, as_of).health.severity


@given(engagements(), _AS_OF, st.integers(0, 60))
def test_readiness_is_deterministic(engagement, as_of, horizon):
    """The same engagement, date and horizon give the same report, even after a JSON trip."""
    again = cc.from_json(cc.Engagement, cc.to_json(engagement))
    first = cc.readiness(engagement, as_of, horizon_days=horizon)

    assert first == cc.readiness(again, as_of, horizon_days=horizon)
    assert cc.to_json(first) == cc.to_json(cc.readiness(engagement, as_of, horizon_days=horizon))


def test_evolve_keeps_readiness_valid():
    """A readiness can be copied with attrs.evolve and stays validated."""
    found = cc.readiness(research_engagement(), AS_OF)
    with pytest.raises(ValidationError):
        attrs.evolve(found, health="great")
