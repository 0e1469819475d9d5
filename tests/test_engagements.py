"""Engagements: roles (who is the client), dependencies and their dated history, no cycles."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import clientcustomer as cc
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import dependencies, engagements

START = dt.date(2026, 1, 5)


def _message(build) -> str:
    with pytest.raises(ValidationError) as caught:
        build()
    return str(caught.value)


def _survey(*roles: cc.RoleAssignment) -> cc.Engagement:
    return cc.Engagement("e1", "retailer", "Customer survey", start=START, roles=roles)


class TestRoles:
    def test_business_client_and_its_customers(self):
        """B2B: the retailer pays and decides (the client); its shoppers receive the service."""
        survey = _survey(
            cc.RoleAssignment("retailer", "payer"),
            cc.RoleAssignment("retailer", "decision_maker"),
            cc.RoleAssignment("shoppers", "recipient"),
            cc.RoleAssignment("research-firm", "provider"),
        )

        assert (
            (cc.EngagementRole.PAYER, cc.EngagementRole.DECISION_MAKER),
            (cc.EngagementRole.RECIPIENT,),
            (cc.EngagementRole.PROVIDER,),
            (),
        ) == tuple(
            survey.roles_of(party) for party in ("retailer", "shoppers", "research-firm", "x")
        )
        assert ("retailer",) == survey.client_parties
        assert ("shoppers",) == survey.parties_with("recipient")

    def test_consumer_holds_every_client_role(self):
        """Consumer case: with no roles given, the client pays, decides and receives."""
        coaching = cc.Engagement("e1", "ann", "Coaching", start=START)

        assert (
            cc.EngagementRole.PAYER,
            cc.EngagementRole.DECISION_MAKER,
            cc.EngagementRole.RECIPIENT,
        ) == coaching.roles_of("ann")
        assert ("ann",) == coaching.client_parties
        assert ("ann",) == coaching.parties_with(cc.EngagementRole.RECIPIENT)
        assert () == coaching.roles

    def test_roles_in_enum_order_whatever_the_assignment_order(self):
        """`roles_of` lists roles in the order of `EngagementRole`, not of assignment."""
        survey = _survey(
            cc.RoleAssignment("retailer", "recipient"),
            cc.RoleAssignment("retailer", "decision_maker"),
            cc.RoleAssignment("retailer", "payer"),
        )

        assert (
            cc.EngagementRole.PAYER,
            cc.EngagementRole.DECISION_MAKER,
            cc.EngagementRole.RECIPIENT,
        ) == survey.roles_of("retailer")

    def test_a_decision_maker_who_does_not_pay_is_a_client_party(self):
        """Paying or deciding makes a party part of the client; receiving alone does not."""
        survey = _survey(
            cc.RoleAssignment("holding", "payer"),
            cc.RoleAssignment("retailer", "decision_maker"),
            cc.RoleAssignment("retailer", "recipient"),
            cc.RoleAssignment("holding", "decision_maker"),
        )

        assert ("holding", "retailer") == survey.client_parties
        assert ("retailer", "holding") == survey.parties_with("decision_maker")

    @pytest.mark.parametrize(
        ("roles", "message"),
        [
            (
                (cc.RoleAssignment("retailer", "payer"),),
                (
                    "$.roles: expected at least one payer and one recipient when roles are given "
                    "(missing: recipient), got ('payer',)"
                ),
            ),
            (
                (cc.RoleAssignment("shoppers", "recipient"),),
                (
                    "$.roles: expected at least one payer and one recipient when roles are given "
                    "(missing: payer), got ('recipient',)"
                ),
            ),
            (
                (cc.RoleAssignment("research-firm", "provider"),),
                (
                    "$.roles: expected at least one payer and one recipient when roles are given "
                    "(missing: payer, recipient), got ('provider',)"
                ),
            ),
            (
                (
                    cc.RoleAssignment("retailer", "payer"),
                    cc.RoleAssignment("shoppers", "recipient"),
                    cc.RoleAssignment("retailer", "payer"),
                ),
                (
                    "$.roles[2]: expected a role not already assigned to that party, "
                    "got 'retailer: payer'"
                ),
            ),
        ],
    )
    def test_invalid_roles(self, roles, message):
        """Given roles need a payer and a recipient, and no party holds one role twice."""
        assert message == _message(lambda: _survey(*roles))

    def test_parties_with_an_unknown_role(self):
        """`parties_with` refuses what is not a role ("customer" is never one)."""
        assert (
            "$.role: expected one of 'payer', 'decision_maker', 'recipient', 'provider', "
            "got 'customer'"
        ) == _message(lambda: cc.Engagement("e1", "a", "A", start=START).parties_with("customer"))

    @given(engagements())
    def test_every_engagement_has_a_payer_and_a_recipient(self, engagement):
        """Whatever roles were given, someone pays and someone receives."""
        assert engagement.parties_with("payer")
        assert engagement.parties_with("recipient")
        assert set(engagement.client_parties) <= {a.party_id for a in engagement.effective_roles}

    @pytest.mark.parametrize(
        ("on", "expected"),
        [
            (dt.date(2026, 1, 4), False),
            (START, True),
            (dt.date(2026, 6, 30), True),
            (dt.date(2026, 7, 1), False),
        ],
    )
    def test_is_active(self, on, expected):
        """An engagement runs from its start to its end, both included."""
        work = cc.Engagement("e1", "acme", "Audit", start=START, end=dt.date(2026, 6, 30))
        assert expected == work.is_active(on)

    def test_open_ended_engagement_stays_active(self):
        """Without an end, an engagement runs on indefinitely."""
        assert cc.Engagement("e1", "acme", "Retainer", start=START).is_active(dt.date(2040, 1, 1))


class TestDependencyHistory:
    def test_with_status_appends_to_history(self):
        """Each change is recorded with its date and note; the original is unchanged."""
        need = cc.Dependency("list", "data", "Customer list", owner="Acme marketing")

        asked = need.with_status("requested", on=dt.date(2026, 1, 12), note="at kick-off")
        chased = asked.with_status("requested", on=dt.date(2026, 2, 3), note="chased by phone")
        given_ = chased.with_status("provided", on=dt.date(2026, 2, 10))

        assert (cc.DependencyStatus.OPEN, ()) == (need.status, need.history)
        assert [
            "2026-01-12 open -> requested (at kick-off)",
            "2026-02-03 requested -> requested (chased by phone)",
            "2026-02-10 requested -> provided",
        ] == [str(change) for change in given_.history]
        assert cc.DependencyStatus.PROVIDED == given_.status

    def test_status_as_of_replays_history(self):
        """The status on a date is the one the last change on or before it led to."""
        need = (
            cc.Dependency("list", "data", "Customer list", owner="Acme")
            .with_status("requested", on=dt.date(2026, 1, 12))
            .with_status("provided", on=dt.date(2026, 2, 10))
        )

        assert ["open", "requested", "requested", "provided", "provided"] == [
            need.status_as_of(day).value
            for day in (
                dt.date(2026, 1, 11),
                dt.date(2026, 1, 12),
                dt.date(2026, 2, 9),
                dt.date(2026, 2, 10),
                dt.date(2027, 1, 1),
            )
        ]

    def test_without_history_the_status_holds_on_every_date(self):
        """A dependency built with a status and no history has that status on any date."""
        waived = cc.Dependency("ok", "approval", "Sign-off", owner="CFO", status="waived")
        assert waived.is_met(dt.date(2000, 1, 1))

    @pytest.mark.parametrize("status", ["provided", "waived", "cancelled"])
    def test_met_statuses(self, status):
        """Provided, waived and cancelled dependencies no longer hold the work up."""
        need = cc.Dependency("d", "data", "D", owner="o", blocks=("survey",), status=status)
        assert (True, False) == (need.is_met(START), need.is_blocking(START))

    @pytest.mark.parametrize("status", ["open", "requested", "in_progress"])
    def test_unmet_statuses(self, status):
        """Open, requested and in-progress dependencies still hold the work up."""
        need = cc.Dependency("d", "data", "D", owner="o", blocks=("survey",), status=status)
        assert (False, True) == (need.is_met(START), need.is_blocking(START))

    def test_an_unmet_dependency_that_blocks_nothing_is_not_blocking(self):
        """Blocking needs something to block."""
        assert not cc.Dependency("d", "data", "D", owner="o").is_blocking(START)

    @pytest.mark.parametrize(
        ("on", "overdue", "days_late"),
        [
            (dt.date(2026, 1, 31), False, 0),
            (dt.date(2026, 2, 1), False, 0),
            (dt.date(2026, 2, 2), True, 1),
            (dt.date(2026, 2, 10), True, 9),
        ],
    )
    def test_overdue_and_days_late(self, on, overdue, days_late):
        """Overdue from the day after it is due; days late counts from the due date."""
        need = cc.Dependency("list", "data", "List", owner="Acme", due=dt.date(2026, 2, 1))
        assert (overdue, days_late) == (need.is_overdue(on), need.days_late(on))

    def test_provided_late_is_overdue_only_until_provided(self):
        """Once provided it is no longer overdue, but it was on the days before."""
        need = cc.Dependency(
            "list", "data", "List", owner="Acme", due=dt.date(2026, 2, 1)
        ).with_status("provided", on=dt.date(2026, 2, 10))

        assert (True, 8, False, 0) == (
            need.is_overdue(dt.date(2026, 2, 9)),
            need.days_late(dt.date(2026, 2, 9)),
            need.is_overdue(dt.date(2026, 2, 10)),
            need.days_late(dt.date(2026, 2, 10)),
        )

    def test_no_due_date_is_never_overdue(self):
        """Without an agreed date a dependency is never late."""
        need = cc.Dependency("list", "data", "List", owner="Acme")
        assert (False, 0) == (need.is_overdue(dt.date(2040, 1, 1)), need.days_late(START))

    def test_escalation_levels(self):
        """Each escalation goes one level further and says what happens next."""
        need = cc.Dependency("list", "data", "List", owner="Acme marketing")

        once = need.escalate("Acme CMO", on=dt.date(2026, 2, 3), next_action="call on Friday")
        twice = once.escalate("Acme CEO", on=dt.date(2026, 2, 10))

        assert "level 1 to Acme CMO on 2026-02-03; next: call on Friday" == str(once.escalation)
        assert "level 2 to Acme CEO on 2026-02-10" == str(twice.escalation)
        assert need.escalation is None

    def test_change_before_the_last_one_refused(self):
        """History runs forward: a change dated before the last one is refused."""
        need = cc.Dependency("list", "data", "List", owner="Acme").with_status(
            "requested", on=dt.date(2026, 2, 1)
        )
        assert (
            "$.on: expected a date on or after 2026-02-01 (the last change), "
            "got datetime.date(2026, 1, 1)"
        ) == _message(lambda: need.with_status("provided", on=dt.date(2026, 1, 1)))

    def test_unknown_status_refused(self):
        """Only the known statuses can be set."""
        need = cc.Dependency("list", "data", "List", owner="Acme")
        assert (
            "$.status: expected one of 'open', 'requested', 'in_progress', 'provided', "
            "'waived', 'cancelled', got 'done'"
        ) == _message(lambda: need.with_status("done", on=START))

    @pytest.mark.parametrize(
        ("history", "status", "message"),
        [
            (
                (
                    cc.StatusChange(dt.date(2026, 2, 1), "open", "requested"),
                    cc.StatusChange(dt.date(2026, 1, 1), "requested", "provided"),
                ),
                "provided",
                (
                    "$.history[1].on: expected a date on or after 2026-02-01 "
                    "(the change before it), got datetime.date(2026, 1, 1)"
                ),
            ),
            (
                (
                    cc.StatusChange(dt.date(2026, 1, 1), "open", "requested"),
                    cc.StatusChange(dt.date(2026, 2, 1), "in_progress", "provided"),
                ),
                "provided",
                (
                    "$.history[1].source: expected 'requested' "
                    "(the status the change before it led to), got 'in_progress'"
                ),
            ),
            (
                (cc.StatusChange(dt.date(2026, 1, 1), "open", "requested"),),
                "open",
                "$.status: expected 'requested' (the status the last change led to), got 'open'",
            ),
        ],
    )
    def test_inconsistent_history_refused(self, history, status, message):
        """A stored history must be dated in order, chained, and end in the status."""
        assert message == _message(
            lambda: cc.Dependency("d", "data", "D", owner="o", status=status, history=history)
        )

    @given(dependencies(), st.dates())
    def test_history_is_consistent(self, dependency, on):
        """Generated dependencies replay to a status, and are overdue only when unmet and due."""
        assert dependency.status_as_of(on) in cc.DependencyStatus
        if dependency.is_overdue(on):
            assert dependency.due is not None
            assert not dependency.is_met(on)
            assert (on - dependency.due).days == dependency.days_late(on)
        else:
            assert 0 == dependency.days_late(on)


class TestEngagementDependencies:
    def test_with_dependency_status_changes_only_that_dependency(self):
        """The engagement's copy has the change; the other dependencies are untouched."""
        first = cc.Dependency("list", "data", "List", owner="Acme")
        second = cc.Dependency("access", "access", "Access", owner="Acme IT")
        work = cc.Engagement("e1", "acme", "Survey", start=START, dependencies=(first, second))

        changed = work.with_dependency_status(
            "access", "provided", on=dt.date(2026, 2, 1), note="VPN"
        )

        assert (first, "provided", "VPN") == (
            changed.dependencies[0],
            changed.dependencies[1].status.value,
            changed.dependencies[1].history[-1].note,
        )
        assert cc.DependencyStatus.OPEN == work.dependencies[1].status

    def test_unknown_dependency_refused(self):
        """Changing a dependency the engagement does not have names the id."""
        work = cc.Engagement("e1", "acme", "Survey", start=START)
        assert (
            "$.dependency_id: expected the id of one of this engagement's dependencies, got 'list'"
        ) == _message(lambda: work.with_dependency_status("list", "provided", on=START))

    def test_refused_change_names_the_dependency_path(self):
        """A refused change inside an engagement says which dependency it was."""
        need = cc.Dependency("list", "data", "List", owner="Acme").with_status(
            "requested", on=dt.date(2026, 2, 1)
        )
        work = cc.Engagement("e1", "acme", "Survey", start=START, dependencies=(need,))
        assert (
            "$.dependencies[0].on: expected a date on or after 2026-02-01 (the last change), "
            "got datetime.date(2026, 1, 1)"
        ) == _message(
            lambda: work.with_dependency_status("list", "provided", on=dt.date(2026, 1, 1))
        )

    def test_escalate_dependency_escalates_only_that_dependency(self):
        """Escalating twice goes up two levels; the other dependency is untouched."""
        first = cc.Dependency("list", "data", "List", owner="Acme")
        second = cc.Dependency("access", "access", "Access", owner="Acme IT")
        work = cc.Engagement("e1", "acme", "Survey", start=START, dependencies=(first, second))

        once = work.escalate_dependency("access", "Acme CIO", on=dt.date(2026, 2, 1))
        twice = once.escalate_dependency(
            "access", "Acme CEO", on=dt.date(2026, 2, 8), next_action="meeting"
        )

        assert (first, 2, "Acme CEO", "meeting") == (
            twice.dependencies[0],
            twice.dependencies[1].escalation.level,
            twice.dependencies[1].escalation.to,
            twice.dependencies[1].escalation.next_action,
        )
        assert work.dependencies[1].escalation is None

    def test_escalate_dependency_refuses_an_unknown_id_and_bad_values(self):
        work = cc.Engagement(
            "e1", "acme", "Survey", start=START,
            dependencies=(cc.Dependency("list", "data", "List", owner="Acme"),),
        )  # fmt: skip
        assert (
            "$.dependency_id: expected the id of one of this engagement's dependencies, got 'x'"
        ) == _message(lambda: work.escalate_dependency("x", "Acme CMO", on=START))
        assert _message(lambda: work.escalate_dependency("list", "", on=START)).startswith(
            "$.dependencies[0]."
        )


class TestWaitsOn:
    @pytest.mark.parametrize(
        ("waits", "message"),
        [
            (
                {"a": ("a",)},
                "$.deliverables[0].waits_on[0]: 'waits on' forms a cycle: a -> a",
            ),
            (
                {"a": ("b",), "b": ("a",)},
                "$.deliverables[1].waits_on[0]: 'waits on' forms a cycle: a -> b -> a",
            ),
            (
                {"a": ("b",), "b": ("c",), "c": ("a",)},
                "$.deliverables[2].waits_on[0]: 'waits on' forms a cycle: a -> b -> c -> a",
            ),
            (
                {"a": (), "b": ("a", "c"), "c": ("d",), "d": ("b",)},
                "$.deliverables[3].waits_on[0]: 'waits on' forms a cycle: b -> c -> d -> b",
            ),
        ],
    )
    def test_cycle_refused_and_named(self, waits, message):
        """A cycle in "waits on" is refused at construction, with the cycle spelled out."""
        works = tuple(cc.Deliverable(name, name.upper(), waits_on=on) for name, on in waits.items())
        assert message == _message(
            lambda: cc.Engagement("e1", "acme", "Work", start=START, deliverables=works)
        )

    def test_diamond_is_not_a_cycle(self):
        """Two paths to the same deliverable are fine."""
        works = (
            cc.Deliverable("data", "Data"),
            cc.Deliverable("survey", "Survey", waits_on=("data",)),
            cc.Deliverable("calls", "Calls", waits_on=("data",)),
            cc.Deliverable("report", "Report", waits_on=("survey", "calls")),
        )
        work = cc.Engagement("e1", "acme", "Work", start=START, deliverables=works)
        assert 4 == len(work.deliverables)

    def test_chain_listed_last_first(self):
        """Deliverables may be listed in any order: a later one can be waited on earlier."""
        works = (
            cc.Deliverable("report", "Report", waits_on=("survey",)),
            cc.Deliverable("survey", "Survey", waits_on=("data",)),
            cc.Deliverable("data", "Data"),
        )
        work = cc.Engagement("e1", "acme", "Work", start=START, deliverables=works)
        assert ("survey",) == work.deliverables[0].waits_on

    def test_unknown_deliverable_refused(self):
        """A deliverable can only wait on one of the engagement's deliverables."""
        works = (cc.Deliverable("report", "Report", waits_on=("survey",)),)
        assert (
            "$.deliverables[0].waits_on[0]: expected the id of one of this engagement's "
            "deliverables, got 'survey'"
        ) == _message(lambda: cc.Engagement("e1", "acme", "Work", start=START, deliverables=works))

    def test_duplicate_deliverables_refused(self):
        """Deliverable ids are unique within an engagement."""
        works = (cc.Deliverable("a", "A"), cc.Deliverable("a", "A again"))
        assert "$.deliverables[1].id: expected a unique id, got 'a'" == _message(
            lambda: cc.Engagement("e1", "acme", "Work", start=START, deliverables=works)
        )

    @pytest.mark.parametrize(
        ("on", "done", "late"),
        [
            (dt.date(2026, 3, 1), False, False),
            (dt.date(2026, 3, 2), False, True),
            (dt.date(2026, 3, 5), True, False),
        ],
    )
    def test_deliverable_done_and_late(self, on, done, late):
        """Late after its due date until delivered; done from the day it was delivered."""
        survey = cc.Deliverable(
            "survey", "Survey", due=dt.date(2026, 3, 1), done=dt.date(2026, 3, 5)
        )
        assert (done, late) == (survey.is_done(on), survey.is_late(on))
