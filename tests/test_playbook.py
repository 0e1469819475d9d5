"""The playbook: strategies as data, read strictly, and the dated actions `recommend` gives."""

from __future__ import annotations

import datetime as dt
import json
import random
import textwrap

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientcustomer import (
    ClassificationSummary,
    Client,
    Customer,
    Deliverable,
    Dependency,
    Engagement,
    FormerClient,
    Interaction,
    Party,
    Playbook,
    PlaybookAction,
    PlaybookActionKind,
    PlaybookStrategy,
    Stage,
    classify,
    from_json,
    load_playbook,
    recommend,
    recommend_for,
    to_json,
)
from clientcustomer import testing as cct
from clientcustomer.exceptions import ValidationError

D = dt.date
AS_OF = D(2026, 7, 1)

MINE = textwrap.dedent(
    """\
    id = "bakery"
    version = 3
    description = "A bakery's own playbook."

    [[strategies]]
    id = "birthday-cake"
    kind = "promotion"
    roles = ["customer"]
    at_least = { purchases = 3 }
    text = "Offer {party} a birthday cake voucher."
    why = "Regulars like to be remembered."

    [[strategies]]
    id = "tasting"
    kind = "check_in"
    roles = ["client"]
    cadence_days = 14
    done_by = ["meeting"]
    text = "Invite {party} to a tasting (every {cadence_days} days)."
    why = "Caterers plan their menus with us."
    """
)


def purchases(party: str, months: range) -> tuple[Interaction, ...]:
    return tuple(
        Interaction(party, D(2026, month, 5), "purchase", item="coffee beans", amount="40")
        for month in months
    )


def by_strategy(actions: tuple[PlaybookAction, ...]) -> dict[str, PlaybookAction]:
    return {action.strategy_id: action for action in actions}


@pytest.fixture
def loyal() -> Customer:
    """A loyal repeat buyer of standard products: a customer, however loyal."""
    return Customer(
        Party("ann", "Ann Lee", "person"),
        since=D(2026, 1, 5),
        interactions=purchases("ann", range(1, 7)),
    )


@pytest.fixture
def converting() -> Customer:
    """A customer whose last contacts are collaborative and customized: moving toward client."""
    service = {"item": "office coffee service", "offering": "service"}
    log = (
        *purchases("bea", range(1, 5)),
        Interaction("bea", D(2026, 5, 12), "meeting", **service),
        Interaction("bea", D(2026, 5, 26), "planning", **service),
        Interaction("bea", D(2026, 6, 10), "purchase", amount="90", customized=True, **service),
    )
    return Customer(Party("bea", "Bea Cole", "person"), since=D(2026, 1, 5), interactions=log)


def acme(*log: Interaction, engagements: tuple[Engagement, ...] = ()) -> Client:
    return Client(
        Party("acme", "Acme Ltd"),
        since=D(2026, 1, 5),
        interactions=log,
        engagements=engagements,
        checkin_cadence_days=30,
    )


def study(status: str = "open") -> Engagement:
    data = Dependency(
        "sales-data",
        "data",
        "Two years of sales data, by store",
        owner="Acme's head of sales",
        due=D(2026, 6, 15),
        status=status,
        blocks=("market-report",),
    )
    report = Deliverable("market-report", "Market report", due=D(2026, 8, 31))
    return Engagement(
        "acme-study",
        "acme",
        "Market study",
        start=D(2026, 5, 1),
        deliverables=(report,),
        dependencies=(data,),
    )


# --- loading ------------------------------------------------------------------------------------


class TestLoading:
    def test_the_default_playbook_holds_the_seeds_strategies(self):
        """Loyalty, feedback, promotions, check-ins, custom work, education, services, follow-up."""
        book = Playbook.default()

        assert ("default", 1) == (book.id, book.version)
        assert [
            ("loyalty-program", PlaybookActionKind.LOYALTY_PROGRAM),
            ("feedback", PlaybookActionKind.FEEDBACK),
            ("promotional-communication", PlaybookActionKind.PROMOTION),
            ("regular-check-in", PlaybookActionKind.CHECK_IN),
            ("custom-solution", PlaybookActionKind.CUSTOM_SOLUTION),
            ("ongoing-education", PlaybookActionKind.EDUCATION),
            ("offer-ongoing-services", PlaybookActionKind.ONGOING_SERVICES),
            ("dependency-follow-up", PlaybookActionKind.DEPENDENCY_FOLLOW_UP),
        ] == [(s.id, s.kind) for s in book.strategies]
        assert all(strategy.why.strip() for strategy in book.strategies)
        assert book is Playbook.default()

    def test_a_user_playbook_is_read_from_toml(self, tmp_path):
        path = tmp_path / "bakery.toml"
        path.write_text(MINE, encoding="utf-8")

        book = load_playbook(path)

        assert ("bakery", 3, "A bakery's own playbook.") == (
            book.id,
            book.version,
            book.description,
        )
        assert ["birthday-cake", "tasting"] == [s.id for s in book.strategies]
        assert (14, ("meeting",)) == (book.strategies[1].cadence_days, book.strategies[1].done_by)

    def test_a_user_playbook_is_read_from_json(self, tmp_path):
        path = tmp_path / "bakery.JSON"
        path.write_text(to_json(Playbook.from_toml(MINE)), encoding="utf-8")

        assert Playbook.from_toml(MINE) == load_playbook(str(path))

    def test_a_user_playbook_replaces_the_default(self):
        book = Playbook.from_toml(MINE)
        customer = Customer(
            Party("cy", "Cy"), since=D(2026, 1, 5), interactions=purchases("cy", range(1, 5))
        )

        actions = recommend_for(customer, as_of=AS_OF, playbook=book)

        assert [("birthday-cake", "Offer cy a birthday cake voucher.")] == [
            (a.strategy_id, a.text) for a in actions
        ]

    @pytest.mark.parametrize(
        ("strategy", "field", "message"),
        [
            ('text = "Hi {client}"', "$.strategies[0].text", "only the placeholders {party}"),
            ('roles = ["vip"]', "$.strategies[0].roles[0]", "'vip'"),
            ('roles = "client"', "$.strategies[0].roles", "an array"),
            ('classified_as = ["vip"]', "$.strategies[0].classified_as[0]", "'ambiguous'"),
            ('stages = ["vip"]', "$.strategies[0].stages[0]", "'former_client'"),
            ("cadence_days = 0\ndone_by = ['meeting']", "$.strategies[0].cadence_days", ">= 1"),
            ("cadence_days = 7", "$.strategies[0].done_by", "needed with cadence_days"),
            ("done_by = ['meeting']", "$.strategies[0].cadence_days", "needed with done_by"),
            ("cadence_days = 7\ndone_by = ['phone']", "$.strategies[0].done_by[0]", "'phone'"),
            ("at_least = { purchases = 'many' }", "$.strategies[0].at_least.purchases", "number"),
            ('at_most = { "bad name" = 1 }', "$.strategies[0].at_most", "identifiers"),
            ("cadense_days = 30", "$.strategies[0].cadense_days", "unknown key"),
            ('kind = "party"', "$.strategies[0].kind", "'check_in'"),
        ],
    )
    def test_a_bad_strategy_is_refused_naming_its_field(self, strategy, field, message):
        text = f'id = "mine"\n[[strategies]]\nid = "s"\nwhy = "w"\n{strategy}\n'
        for key, value in (("kind", '"check_in"'), ("text", '"Hi"')):
            if f"{key} =" not in strategy:
                text += f"{key} = {value}\n"

        with pytest.raises(ValidationError) as info:
            Playbook.from_toml(text)

        assert [field] == [problem.field for problem in info.value.problems]
        assert message in str(info.value)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ('id = "x"\nstrategies = []\nschema_version = 2', "$.schema_version: expected 1"),
            ("id =", "$: not valid TOML"),
            ("strategies = []", "$.id: required key missing"),
            (
                'id = "x"\n'
                + '[[strategies]]\nid = "a"\nkind = "other"\ntext = "t"\nwhy = "w"\n' * 2,
                "$.strategies[1].id: expected a unique id, got 'a'",
            ),
        ],
    )
    def test_a_bad_playbook_is_refused_naming_its_field(self, text, message):
        with pytest.raises(ValidationError, match=message.replace("$", r"\$").replace("[", r"\[")):
            Playbook.from_toml(text)

    def test_only_text_is_read_as_toml(self):
        with pytest.raises(ValidationError, match=r"\$: expected TOML text"):
            Playbook.from_toml(b"id = 'x'")  # type: ignore[arg-type]

    def test_a_file_must_be_toml_or_json(self, tmp_path):
        with pytest.raises(ValidationError, match=r"a \.toml or \.json file"):
            load_playbook(tmp_path / "playbook.yaml")

    def test_a_bad_json_playbook_names_the_field(self, tmp_path):
        path = tmp_path / "bad.json"
        document = json.loads(to_json(Playbook.from_toml(MINE)))
        document["strategies"][1]["cadence_days"] = -1
        path.write_text(json.dumps(document), encoding="utf-8")

        with pytest.raises(ValidationError, match=r"\$\.strategies\[1\]\.cadence_days"):
            load_playbook(path)


class TestStrategy:
    def test_a_dependency_follow_up_takes_its_placeholders(self):
        strategy = PlaybookStrategy(
            "chase", "dependency_follow_up", "{description} from {owner}, {due}", "Because"
        )

        assert PlaybookActionKind.DEPENDENCY_FOLLOW_UP is strategy.kind

    def test_a_dependency_follow_up_has_no_cadence(self):
        with pytest.raises(ValidationError, match="a dependency follow-up is due when the dep"):
            PlaybookStrategy(
                "chase", "dependency_follow_up", "t", "w", cadence_days=3, done_by=("meeting",)
            )

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"id": " "}, "$.id"),
            ({"why": 3}, "$.why"),
            ({"text": 3}, "$.text"),
            ({"roles": ["client"]}, "$.roles"),
            ({"at_least": 3}, "$.at_least"),
            ({"at_most": {"purchases": float("nan")}}, "$.at_most.purchases"),
            ({"at_least": {"purchases": True}}, "$.at_least.purchases"),
            ({"cadence_days": True, "done_by": ("meeting",)}, "$.cadence_days"),
            ({"cadence_days": 2.5, "done_by": ("meeting",)}, "$.cadence_days"),
            ({"done_by": "meeting"}, "$.done_by"),
            ({"stages": ("client", "vip")}, "$.stages[1]"),
        ],
    )
    def test_a_bad_strategy_names_its_field(self, changes, field):
        arguments = {"id": "s", "kind": "other", "text": "t", "why": "w"} | changes

        with pytest.raises(ValidationError) as info:
            PlaybookStrategy(**arguments)

        assert field in [problem.field for problem in info.value.problems]

    def test_the_playbook_shows_as_a_table(self):
        html = Playbook.default()._repr_html_()

        assert ">Playbook default (version 1)</caption>" in html
        assert html.count("<tr>") == 1 + len(Playbook.default().strategies)
        assert html.count(">immediate satisfaction</td>") == 3


# --- recommending -------------------------------------------------------------------------------


class TestCustomers:
    def test_a_loyal_repeat_buyer_gets_loyalty_and_feedback_but_no_check_in(self, loyal):
        verdict = classify(loyal, as_of=AS_OF)

        actions = by_strategy(recommend_for(loyal, as_of=AS_OF, classification=verdict))

        assert "customer" == verdict.role
        assert ["loyalty-program", "feedback", "promotional-communication"] == list(actions)
        loyalty = actions["loyalty-program"]
        assert (PlaybookActionKind.LOYALTY_PROGRAM, AS_OF, False) == (
            loyalty.kind,
            loyalty.due,
            loyalty.overdue,
        )
        assert (
            "Invite ann to the loyalty program and reward their repeat purchases." == loyalty.text
        )
        assert "recorded stage customer; purchases 6 >= 2" == loyalty.reason
        assert loyalty.why.startswith("Loyalty Programs:")
        assert not any(a.kind is PlaybookActionKind.CHECK_IN for a in actions.values())

    def test_a_single_purchase_gets_feedback_but_no_loyalty_program(self):
        once = Customer(
            Party("dan", "Dan"), since=D(2026, 6, 5), interactions=purchases("dan", range(6, 7))
        )

        assert ["feedback", "promotional-communication"] == [
            a.strategy_id for a in recommend_for(once, as_of=AS_OF)
        ]

    def test_a_customer_moving_toward_client_is_offered_ongoing_services(self, converting):
        verdict = classify(converting, as_of=AS_OF)

        actions = by_strategy(recommend_for(converting, as_of=AS_OF, classification=verdict))

        assert "ambiguous" == verdict.role
        offer = actions["offer-ongoing-services"]
        assert PlaybookActionKind.ONGOING_SERVICES is offer.kind
        assert "recorded stage customer; classified ambiguous" in offer.reason
        assert AS_OF == offer.due
        assert "transitioning from a customer to a client" in offer.why

    def test_without_a_classification_no_ongoing_services_are_offered(self, converting):
        assert "offer-ongoing-services" not in by_strategy(recommend_for(converting, as_of=AS_OF))

    def test_an_unrecorded_party_classified_ambiguous_is_offered_ongoing_services(self):
        mixed = ClassificationSummary("ambiguous", 3.0, -2.0)

        actions = recommend("eve", as_of=AS_OF, classification=mixed)

        assert ["offer-ongoing-services"] == [a.strategy_id for a in actions]
        assert "classified ambiguous (score 3, margin -2)" in actions[0].reason

    def test_a_party_classified_client_is_not_sent_promotions(self, loyal):
        verdict = ClassificationSummary("client", 6.0, 1.0)

        actions = by_strategy(recommend_for(loyal, as_of=AS_OF, classification=verdict))

        assert "promotional-communication" not in actions
        assert "offer-ongoing-services" in actions


class TestCheckIns:
    def test_an_old_check_in_makes_the_next_one_overdue(self):
        client = acme(Interaction("acme", D(2026, 5, 1), "check_in"))

        check_in = by_strategy(recommend_for(client, as_of=AS_OF))["regular-check-in"]

        assert (D(2026, 5, 31), 31, True) == (check_in.due, check_in.overdue_days, check_in.overdue)
        assert PlaybookActionKind.CHECK_IN is check_in.kind
        assert "the agreed check-in cadence is 30 days" in check_in.reason
        assert "last check_in or meeting on 2026-05-01, due every 30 days" in check_in.reason
        assert str(check_in).endswith("(overdue by 31 days)")
        assert check_in.why.startswith("Regular Check-Ins:")

    def test_a_recent_check_in_sets_the_next_one_due_and_not_overdue(self):
        client = acme(
            Interaction("acme", D(2026, 5, 1), "check_in"),
            Interaction("acme", D(2026, 6, 20), "meeting"),
        )

        check_in = by_strategy(recommend_for(client, as_of=AS_OF))["regular-check-in"]

        assert (D(2026, 7, 20), 0, False) == (check_in.due, check_in.overdue_days, check_in.overdue)
        assert "(overdue" not in str(check_in)

    def test_the_clients_cadence_replaces_the_playbooks(self):
        client = attrs.evolve(
            acme(Interaction("acme", D(2026, 6, 20), "meeting")), checkin_cadence_days=7
        )

        check_in = by_strategy(recommend_for(client, as_of=AS_OF))["regular-check-in"]

        assert (D(2026, 6, 27), 4) == (check_in.due, check_in.overdue_days)
        assert "every 7 days" in check_in.text

    def test_without_any_check_in_the_first_is_due_a_cadence_after_the_start(self):
        client = acme(Interaction("acme", D(2026, 6, 25), "purchase", amount="100"))

        check_in = by_strategy(
            recommend("acme", as_of=AS_OF, stage="client", interactions=client.interactions)
        )["regular-check-in"]

        assert (D(2026, 7, 25), 0) == (check_in.due, check_in.overdue_days)
        assert "no check_in or meeting since 2026-06-25" in check_in.reason

    def test_overdue_actions_come_first_most_overdue_first(self):
        client = acme(Interaction("acme", D(2026, 2, 1), "meeting"))

        actions = recommend_for(client, as_of=AS_OF)

        assert ["regular-check-in", "ongoing-education"] == [a.strategy_id for a in actions][:2]
        assert [120, 60] == [a.overdue_days for a in actions][:2]

    def test_a_check_in_after_as_of_does_not_count(self):
        log = (
            Interaction("acme", D(2026, 5, 1), "check_in"),
            Interaction("acme", D(2026, 8, 1), "check_in"),
        )

        check_in = by_strategy(recommend("acme", as_of=AS_OF, stage="client", interactions=log))[
            "regular-check-in"
        ]

        assert D(2026, 5, 31) == check_in.due

    def test_a_former_client_gets_no_client_actions(self):
        former = FormerClient(
            Party("old", "Old Co"),
            since=D(2026, 3, 1),
            interactions=(Interaction("old", D(2025, 6, 1), "meeting"),),
        )

        assert () == recommend_for(former, as_of=AS_OF)


class TestDependencies:
    def test_an_unmet_dependency_gets_a_follow_up_naming_what_is_missing(self):
        client = acme(Interaction("acme", D(2026, 6, 20), "meeting"), engagements=(study(),))

        follow_up = by_strategy(recommend_for(client, as_of=AS_OF))["dependency-follow-up"]

        assert PlaybookActionKind.DEPENDENCY_FOLLOW_UP is follow_up.kind
        assert (
            "Follow up with the client: Two years of sales data, by store "
            "(owed by Acme's head of sales for Market study)."
        ) == follow_up.text
        assert (D(2026, 6, 15), 16) == (follow_up.due, follow_up.overdue_days)
        assert ("acme-study", "sales-data") == (follow_up.engagement_id, follow_up.dependency_id)
        assert "dependency 'sales-data' (data) is open, due 2026-06-15" in follow_up.reason
        assert "it blocks market-report" in follow_up.reason
        assert "We are dependent on our client" in follow_up.why

    def test_once_provided_there_is_no_follow_up(self):
        client = acme(
            Interaction("acme", D(2026, 6, 20), "meeting"), engagements=(study("provided"),)
        )

        assert "dependency-follow-up" not in by_strategy(recommend_for(client, as_of=AS_OF))

    def test_a_dependency_without_a_due_date_is_due_now(self):
        data = Dependency("brief", "content", "", owner="Acme")
        work = Engagement("w", "acme", "", start=D(2026, 5, 1), dependencies=(data,))

        (follow_up,) = recommend("acme", as_of=AS_OF, engagements=[work])

        assert (AS_OF, 0) == (follow_up.due, follow_up.overdue_days)
        assert "(owed by Acme for w)" in follow_up.text
        assert follow_up.text.startswith("Follow up with the client: brief ")
        assert "no due date agreed" in follow_up.reason

    def test_an_ended_engagement_needs_no_follow_up(self):
        ended = attrs.evolve(study(), end=D(2026, 6, 1))

        assert () == recommend("acme", as_of=AS_OF, engagements=[ended])

    def test_another_partys_engagement_is_ignored(self):
        assert () == recommend("bob", as_of=AS_OF, engagements=[study()])


class TestConditions:
    def test_a_stage_condition(self):
        book = Playbook(
            "p", (PlaybookStrategy("s", "other", "Hi {party}.", "w", stages=("prospect",)),)
        )

        assert ["Hi p1."] == [
            a.text for a in recommend("p1", as_of=AS_OF, stage="prospect", playbook=book)
        ]
        assert () == recommend("p1", as_of=AS_OF, stage="customer", playbook=book)
        assert () == recommend("p1", as_of=AS_OF, playbook=book)

    def test_signal_bounds_need_a_known_number(self):
        book = Playbook(
            "p", (PlaybookStrategy("s", "other", "Hi.", "w", at_most={"customization": 0.5}),)
        )

        assert () == recommend("p1", as_of=AS_OF, playbook=book, signals={})
        assert () == recommend("p1", as_of=AS_OF, playbook=book, signals={"customization": 0.6})
        (action,) = recommend("p1", as_of=AS_OF, playbook=book, signals={"customization": 0.5})
        assert "customization 0.5 <= 0.5" == action.reason

    def test_a_custom_signal_bound(self):
        book = Playbook("p", (PlaybookStrategy("s", "other", "Hi.", "w", at_least={"visits": 3}),))

        assert 1 == len(recommend("p1", as_of=AS_OF, playbook=book, signals={"visits": 4}))
        assert () == recommend("p1", as_of=AS_OF, playbook=book, signals={"visits": "many"})

    def test_a_client_with_standard_work_is_offered_a_custom_solution(self):
        actions = recommend("acme", as_of=AS_OF, stage="client", signals={"customization": 0.1})

        assert "custom-solution" in by_strategy(actions)


class TestBadArguments:
    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            ({"party_id": " "}, "$.party_id"),
            ({"as_of": dt.datetime(2026, 7, 1, tzinfo=dt.UTC)}, "$.as_of"),
            ({"as_of": "2026-07-01"}, "$.as_of"),
            ({"stage": "vip"}, "$.stage"),
            ({"signals": 3}, "$.signals"),
            ({"signals": {"purchases": -1}}, "$.purchases"),
            ({"playbook": "default"}, "$.playbook"),
            ({"cadence_days": 0}, "$.cadence_days"),
            ({"cadence_days": True}, "$.cadence_days"),
            ({"interactions": "log"}, "$.interactions"),
            ({"interactions": [3]}, "$.interactions[0]"),
            ({"engagements": [Interaction("a", AS_OF, "purchase")]}, "$.engagements[0]"),
        ],
    )
    def test_a_bad_argument_is_a_validation_error_naming_it(self, arguments, field):
        call = {"party_id": "ann", "as_of": AS_OF} | arguments

        with pytest.raises(ValidationError) as info:
            recommend(call.pop("party_id"), **call)

        assert field in str(info.value)

    def test_a_bad_classification_is_a_validation_error(self):
        with pytest.raises(ValidationError):
            recommend("ann", as_of=AS_OF, classification="client")  # type: ignore[arg-type]

    def test_recommend_for_needs_a_customer_or_client(self):
        with pytest.raises(ValidationError, match="a Customer, Client or FormerClient"):
            recommend_for(Party("ann", "Ann"), as_of=AS_OF)  # type: ignore[arg-type]


class TestAction:
    def test_one_day_overdue_is_singular(self):
        action = PlaybookAction(
            "s", "other", "ann", "Call.", "w", due=D(2026, 6, 30), overdue_days=1
        )

        assert "2026-06-30 ann [other] Call. (overdue by 1 day)" == str(action)

    def test_an_action_shows_as_a_table(self):
        action = PlaybookAction("s", "other", "ann", "Call <ann>.", "w", due=AS_OF)

        assert "Call &lt;ann&gt;." in action._repr_html_()

    def test_an_action_round_trips_through_json(self):
        client = acme(engagements=(study(),))
        for action in recommend_for(client, as_of=AS_OF):
            assert action == from_json(PlaybookAction, to_json(action))

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"overdue_days": -1}, "$.overdue_days"),
            ({"due": "2026-07-01"}, "$.due"),
            ({"text": ""}, "$.text"),
        ],
    )
    def test_a_bad_action_names_its_field(self, changes, field):
        arguments = {
            "strategy_id": "s",
            "kind": "other",
            "party_id": "ann",
            "text": "t",
            "why": "w",
            "due": AS_OF,
        } | changes

        with pytest.raises(ValidationError, match=field.replace("$", r"\$")):
            PlaybookAction(**arguments)


# --- properties ---------------------------------------------------------------------------------

PARTIES = ("p", "q")


@st.composite
def situations(draw: st.DrawFn) -> dict[str, object]:
    """Random facts about party ``p`` (with some of ``q``'s mixed in)."""
    return {
        "as_of": draw(st.dates(D(2024, 1, 1), D(2028, 1, 1))),
        "classification": draw(st.none() | cct.classification_summaries()),
        "stage": draw(st.none() | st.sampled_from(list(Stage))),
        "interactions": draw(st.lists(cct.interactions(parties=PARTIES), max_size=6)),
        "engagements": draw(
            st.lists(cct.engagements(client_id="p") | cct.engagements(client_id="q"), max_size=2)
        ),
        "signals": draw(st.none() | cct.signals()),
        "playbook": draw(cct.playbooks(max_strategies=4)),
        "cadence_days": draw(st.none() | st.integers(1, 120)),
    }


@settings(max_examples=25)
@given(situations(), st.randoms(use_true_random=False))
def test_recommend_is_total_deterministic_and_order_free(situation, shuffler: random.Random):
    """Any facts give actions for the party, sorted, the same each time and in any input order."""
    actions = recommend("p", **situation)  # type: ignore[arg-type]

    shuffled = dict(situation)
    for key in ("interactions", "engagements"):
        items = list(situation[key])  # type: ignore[call-overload]
        shuffler.shuffle(items)
        shuffled[key] = items
    assert actions == recommend("p", **situation)  # type: ignore[arg-type]
    assert actions == recommend("p", **shuffled)  # type: ignore[arg-type]
    assert all(action.party_id == "p" for action in actions)
    keys = [(not a.overdue, a.due) for a in actions]
    assert sorted(keys) == keys
    for action in actions:
        assert action.overdue_days == max(0, (situation["as_of"] - action.due).days)  # type: ignore[operator]
        assert action.why.strip()


@settings(max_examples=25)
@given(cct.customers() | cct.clients(), st.dates(D(2024, 1, 1), D(2028, 1, 1)))
def test_recommend_for_is_total_over_random_entities(entity, as_of):
    actions = recommend_for(entity, as_of=as_of)

    assert actions == recommend_for(entity, as_of=as_of)
    assert all(action.party_id == entity.party.id for action in actions)
