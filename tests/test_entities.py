"""The entities refuse invalid values with exact messages, and render escaped HTML."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

import clientcustomer as cc
from clientcustomer._core import validation as v
from clientcustomer.exceptions import ValidationError

DAY = dt.date(2026, 1, 5)


def _party() -> cc.Party:
    return cc.Party("acme", "Acme Ltd")


def _message(build) -> str:
    with pytest.raises(ValidationError) as caught:
        build()
    return str(caught.value)


@attrs.frozen
class _Stamp:
    at: dt.datetime = attrs.field(validator=v.aware_datetime())


class TestParty:
    def test_valid(self):
        """A party keeps its values and converts the kind from a string."""
        assert cc.PartyKind.PERSON == cc.Party("ann", "Ann", "person").kind

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"id": "", "name": "A"}, "$.id: expected a non-empty string, got ''"),
            ({"id": "  ", "name": "A"}, "$.id: expected a non-empty string, got '  '"),
            ({"id": "a", "name": 3}, "$.name: expected a non-empty string, got 3"),
            ({"id": "a", "name": " "}, "$.name: expected a non-empty string, got ' '"),
            (
                {"id": "a", "name": "A", "kind": "shop"},
                "$.kind: expected one of 'person', 'organization', got 'shop'",
            ),
        ],
    )
    def test_invalid(self, kwargs, message):
        """Each invalid value gives its exact message."""
        assert message == _message(lambda: cc.Party(**kwargs))

    def test_is_value_error(self):
        """The error is a ValueError too, with the data on attributes."""
        with pytest.raises(ValueError, match="non-empty") as caught:
            cc.Party("", "A")
        assert ("$.id", "") == (caught.value.problems[0].field, caught.value.problems[0].got)  # type: ignore[attr-defined]


class TestInteraction:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"amount": Decimal(-3)},
                "$.amount: expected a non-negative decimal amount, got Decimal('-3')",
            ),
            (
                {"amount": 1.5},
                "$.amount: expected a decimal number (Decimal, int or numeric string), got 1.5",
            ),
            (
                {"customized": "yes"},
                "$.customized: expected a boolean or None (not recorded), got 'yes'",
            ),
            (
                {"collaborative": 1},
                "$.collaborative: expected a boolean or None (not recorded), got 1",
            ),
            ({"reference": None}, "$.reference: expected a string, got None"),
        ],
    )
    def test_invalid(self, kwargs, message):
        """Each invalid value gives its exact message."""
        assert message == _message(lambda: cc.Interaction("a", DAY, "purchase", **kwargs))

    def test_unknown_kind(self):
        """An unknown kind names every allowed value."""
        assert _message(lambda: cc.Interaction("a", DAY, "buy")).startswith(
            "$.kind: expected one of 'purchase', 'return', "
        )

    def test_datetime_is_not_a_date(self):
        """A datetime is refused where a date is expected."""
        assert "$.on: expected a date, got datetime.datetime(2026, 1, 5, 0, 0)" == _message(
            lambda: cc.Interaction("a", dt.datetime(2026, 1, 5), "purchase")  # noqa: DTZ001
        )

    def test_amount_from_text(self):
        """A decimal string is converted exactly."""
        assert Decimal("19.90") == cc.Interaction("a", DAY, "purchase", amount="19.90").amount


class TestCustomerAndClient:
    def test_list_instead_of_tuple(self):
        """Collections must be tuples."""
        assert "$.interactions: expected a tuple of an Interaction, got []" == _message(
            lambda: cc.Customer(_party(), since=DAY, interactions=[])  # type: ignore[arg-type]
        )

    def test_wrong_party_id(self):
        """Interactions must be with the customer's own party."""
        other = cc.Interaction("globex", DAY, "purchase")
        assert "$.interactions[0].party_id: expected the party's id 'acme', got 'globex'" == (
            _message(lambda: cc.Customer(_party(), since=DAY, interactions=(other,)))
        )

    def test_party_type(self):
        """The party must be a Party."""
        assert "$.party: expected a Party, got 'acme'" == _message(
            lambda: cc.Customer("acme", since=DAY)  # type: ignore[arg-type]
        )

    def test_engagement_of_another_client(self):
        """A client's engagements are contracted by that client."""
        work = cc.Engagement("e1", "globex", "Audit", start=DAY)
        assert "$.engagements[0].client_id: expected the client's id 'acme', got 'globex'" == (
            _message(lambda: cc.Client(_party(), since=DAY, engagements=(work,)))
        )

    def test_duplicate_engagements(self):
        """Engagement ids are unique within a client."""
        work = cc.Engagement("e1", "acme", "Audit", start=DAY)
        assert "$.engagements[1].id: expected a unique id, got 'e1'" == _message(
            lambda: cc.Client(_party(), since=DAY, engagements=(work, work))
        )

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"checkin_cadence_days": 0},
                "$.checkin_cadence_days: expected an integer >= 1 or null, got 0",
            ),
            (
                {"checkin_cadence_days": True},
                "$.checkin_cadence_days: expected an integer >= 1 or null, got True",
            ),
            ({"account_manager": ""}, "$.account_manager: expected a non-empty string, got ''"),
        ],
    )
    def test_client_options(self, kwargs, message):
        """The check-in cadence and account manager are checked."""
        assert message == _message(lambda: cc.Client(_party(), since=DAY, **kwargs))


class TestEngagement:
    def test_end_before_start(self):
        """An engagement cannot end before it starts."""
        assert (
            "$.end: expected a date on or after start (2026-01-05), got datetime.date(2026, 1, 4)"
            == _message(
                lambda: cc.Engagement("e1", "acme", "Audit", start=DAY, end=dt.date(2026, 1, 4))
            )
        )

    def test_same_day(self):
        """A one-day engagement is fine."""
        assert DAY == cc.Engagement("e1", "acme", "Audit", start=DAY, end=DAY).end

    def test_duplicate_dependencies(self):
        """Dependency ids are unique within an engagement."""
        need = cc.Dependency("list", "data", "Customer list", owner="Acme")
        assert "$.dependencies[1].id: expected a unique id, got 'list'" == _message(
            lambda: cc.Engagement("e1", "acme", "Survey", start=DAY, dependencies=(need, need))
        )

    def test_blocks_unknown_deliverable(self):
        """A dependency can only block one of the engagement's deliverables."""
        need = cc.Dependency("list", "data", "Customer list", owner="Acme", blocks=("report",))
        work = cc.Deliverable("survey", "Survey")
        assert (
            "$.dependencies[0].blocks[0]: expected the id of one of this engagement's "
            "deliverables, got 'report'"
        ) == _message(
            lambda: cc.Engagement(
                "e1", "acme", "Survey", start=DAY, deliverables=(work,), dependencies=(need,)
            )
        )

    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (
                lambda: cc.Dependency("d", "data", "x", owner="o", status="done"),
                (
                    "$.status: expected one of 'open', 'requested', 'in_progress', 'provided', "
                    "'waived', 'cancelled', got 'done'"
                ),
            ),
            (
                lambda: cc.Dependency("d", "data", "x", owner="o", blocks=["x"]),
                "$.blocks: expected a tuple of a deliverable id, got ['x']",
            ),
            (
                lambda: cc.Dependency("d", "data", "x", owner=""),
                "$.owner: expected a non-empty string, got ''",
            ),
            (
                lambda: cc.Deliverable("w", "W", due="2026-01-01"),
                "$.due: expected a date or null, got '2026-01-01'",
            ),
            (
                lambda: cc.RoleAssignment("a", "customer"),
                (
                    "$.role: expected one of 'payer', 'decision_maker', 'recipient', 'provider', "
                    "got 'customer'"
                ),
            ),
        ],
    )
    def test_parts(self, build, message):
        """Dependencies, deliverables and roles check their values."""
        assert message == _message(build)


class TestAwareDatetime:
    def test_naive_refused(self):
        """A naive datetime is refused where a timezone-aware one is expected."""
        assert (
            "$.at: expected a timezone-aware datetime, got datetime.datetime(2026, 1, 5, 9, 0)"
            == _message(lambda: _Stamp(dt.datetime(2026, 1, 5, 9)))  # noqa: DTZ001
        )

    def test_aware_accepted(self):
        """An aware datetime is kept."""
        at = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
        assert at == _Stamp(at).at


class TestReprHtml:
    @pytest.mark.parametrize(
        "obj",
        [
            cc.Party("x", "<script>alert(1)</script>"),
            cc.Interaction("x", DAY, "purchase", item="<script>alert(1)</script>"),
            cc.Engagement("e1", "x", "<script>alert(1)</script>", start=DAY),
            cc.Dependency("d", "data", "<script>alert(1)</script>", owner="o"),
            cc.Deliverable("w", "<script>alert(1)</script>"),
            cc.Customer(cc.Party("<script>alert(1)</script>", "A"), since=DAY),
        ],
        ids=lambda obj: type(obj).__name__,
    )
    def test_user_text_escaped(self, obj):
        """User text is escaped in the notebook HTML."""
        html = obj._repr_html_()
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_table(self):
        """A client shows its name, stage and since, not a count of items per field."""
        html = cc.Client(_party(), since=DAY)._repr_html_()
        assert ">Client Acme Ltd</caption>" in html
        assert ">client</td>" in html
        assert f">{DAY.isoformat()}</span></td>" in html
        assert "items" not in html


class TestResultTypesValidate:
    """The small result types refuse what they cannot hold (and JSON could not carry back)."""

    @pytest.mark.parametrize(
        ("make", "message"),
        [
            (
                lambda: cc.SignalMove("customization", float("nan"), 0.5),
                "$.before: expected a finite",
            ),
            (lambda: cc.SignalMove("customization", None, "high"), "$.after: expected a finite"),
            (lambda: cc.SignalMove("", None, 1.0), "$.name"),
            (
                lambda: cc.VerdictChange("a", "customer", "client", "score", "score", 0, 10**400),
                "$.new_score: expected a finite number",
            ),
            (lambda: cc.RejectedRow(0, ("x",), "bad"), "$.line: expected an integer >= 1"),
            (lambda: cc.RejectedRow(2, ["x"], "bad"), "$.values: expected a tuple"),
            (lambda: cc.RejectedRow(2, ("x",), ""), "$.reason"),
            (lambda: cc.TransitionCheck("go", "customer", "nowhere"), "$.target: expected one of"),
        ],
    )
    def test_bad_values_are_refused(self, make, message):
        with pytest.raises(ValidationError) as caught:
            make()
        assert str(caught.value).startswith(message), str(caught.value)

    def test_whole_numbers_become_floats(self):
        """A huge whole-number score would not survive JSON as an integer: it is a float."""
        change = cc.VerdictChange("a", "customer", "client", "score", "score", 0, 2**60)
        move = cc.SignalMove("customization", 0, 1)
        assert (0.0, float(2**60)) == (change.old_score, change.new_score)
        assert change == cc.from_json(cc.VerdictChange, cc.to_json(change))
        assert (0.0, 1.0, "0 -> 1") == (move.before, move.after, str(move)[-6:])
        assert cc.Stage.CLIENT is cc.TransitionCheck("engage", "customer", "client").target
