"""Issue 13, case 7: the emerging-clients watchlist lists only customers worth a look."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import clientcustomer as cc
from clientcustomer import Interaction, emerging_clients, timeline
from clientcustomer.cli import main
from clientcustomer.demo import DEMO_AS_OF, demo_engagements, demo_log, demo_parties

D = dt.date
RELATIONAL = {"collaborative_share", "touchpoints_per_quarter", "customization"}
NOT_CLIENT_BUSINESSES = {"grocery", "retail", "phone", "gym"}


def buy(party, on, *, customized=False, item="mug"):
    return Interaction(party, on, "purchase", item=item, amount=Decimal(20), customized=customized)


def monthly(party, first, count):
    """One standard purchase a month from ``first``."""
    return [
        buy(party, D(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 5))
        for n in range(count)
    ]


def test_tenure_crossing_a_year_is_not_a_rise():
    """A shopper whose score rose only because tenure crossed a year is not listed."""
    log = monthly("retl", D(2025, 1, 5), 15)
    lines = timeline(log, every_days=30)
    [line] = lines
    assert line.scores[-1].classification.score > line.scores[-4].classification.score

    assert () == emerging_clients(lines)


def test_a_small_rise_far_from_the_requirement_is_not_listed():
    """One customized order in ten lifts the score, but is far from the relational requirement."""
    log = monthly("shop", D(2026, 1, 5), 9)
    log.append(buy("shop", D(2026, 9, 20), customized=True, item="engraved mug"))
    lines = timeline(log, every_days=30, end=D(2026, 10, 1))
    [line] = lines
    assert line.scores[-1].classification.score > line.scores[-4].classification.score

    assert () == emerging_clients(lines)


def test_a_relational_rise_is_listed_with_its_signals_and_rules():
    """Workshops and customized work lift a customer toward client: listed, saying why."""
    log = [buy("bob", D(2026, 1, 5)), buy("bob", D(2026, 2, 5))]
    log += [
        Interaction("bob", D(2026, 3, 5), "workshop", offering="service"),
        Interaction("bob", D(2026, 3, 20), "meeting", offering="service"),
    ]
    lines = timeline(log, every_days=30, end=D(2026, 4, 1))

    [entry] = emerging_clients(lines)

    assert "bob" == entry.party_id
    names = [move.name for move in entry.moved]
    assert "collaborative_share" in names
    assert set(names) <= RELATIONAL
    assert "collaborative" in entry.rules


def test_demo_watchlist_has_no_shoppers_and_names_what_moved():
    """No grocery, retail, phone or gym customer of the demo is flagged; each entry says why."""
    kinds = {party.party_id: party.business_type for party in demo_parties()}
    lines = timeline(demo_log(), demo_engagements(), end=DEMO_AS_OF)

    watch = emerging_clients(lines)

    assert not [e.party_id for e in watch if kinds[e.party_id] in NOT_CLIENT_BUSINESSES]
    for entry in watch:
        assert entry.moved, entry.party_id
        assert {move.name for move in entry.moved} <= RELATIONAL, entry.party_id
        assert entry.rules, entry.party_id


def test_cli_watchlist_lines_say_why(capsys):
    """`timeline --demo` lists each watched customer with what moved and which rules fired."""
    status = main(["timeline", "--demo", "--format", "table"])
    out = capsys.readouterr().out

    assert 0 == status
    head, _, listed = out.partition("\nemerging clients (")
    assert head
    lines = listed.splitlines()[1:]
    parties = [line for line in lines if line.startswith("  ") and not line.startswith("    ")]
    assert len(parties) < 31
    for index, line in enumerate(lines):
        if line in parties:
            assert lines[index + 1].startswith("    moved: "), lines[index : index + 3]
    assert not [line for line in parties if line.split()[0].split("-")[0] in {"groc", "retl"}]


def test_signals_table_is_the_source_of_relational_names():
    """The relational signals are those of the interaction and personalization aspects."""
    found = {
        name
        for name, spec in cc.SIGNALS.items()
        if spec.aspect is not None and spec.aspect.value in {"interaction", "personalization"}
    }
    assert RELATIONAL == found


def test_relational_signals_that_moved_without_changing_a_rule_are_not_the_rise():
    """Collaboration edging up inside the same rule while tenure crosses a year is not listed."""
    log = monthly("gal", D(2025, 1, 5), 15)
    log += [
        Interaction("gal", D(2025, month, 20), "meeting", offering="service")
        for month in (2, 5, 8, 11)
    ]
    log += [Interaction("gal", D(2026, 3, day), "meeting", offering="service") for day in (9, 20)]
    lines = timeline(log, every_days=30, end=D(2026, 3, 25))
    [line] = lines
    start, latest = line.scores[-4], line.scores[-1]
    assert latest.classification.score > start.classification.score
    assert latest.signals.collaborative_share > start.signals.collaborative_share >= 0.2
    assert set(latest.classification.rules) - set(start.classification.rules) == {"long-standing"}

    assert () == emerging_clients(lines)
