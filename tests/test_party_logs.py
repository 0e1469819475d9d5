"""One grouping of a log by party, in the library; the command line uses it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given

import clientcustomer as cc
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import interaction_logs

DAY = dt.date(2026, 1, 5)


def test_parties_in_order_of_first_appearance_with_their_engagements():
    """Each party once, first seen first; an engagement's party without interactions last."""
    log = [
        cc.Interaction("bob", DAY, "purchase"),
        cc.Interaction("ann", DAY, "meeting"),
        cc.Interaction("bob", DAY + dt.timedelta(days=1), "purchase"),
    ]
    work = (
        cc.Engagement("e1", "ann", "Survey", start=DAY),
        cc.Engagement("e2", "zoe", "Audit", start=DAY),
    )

    groups = list(cc.party_logs(log, work))

    assert [("bob", 2, 0), ("ann", 1, 1), ("zoe", 0, 1)] == [
        (g.party_id, len(g.interactions), len(g.engagements)) for g in groups
    ]
    assert (log[0], log[2]) == groups[0].interactions


@given(interaction_logs())
def test_every_interaction_lands_in_its_party_once_in_log_order(log):
    """Grouping loses nothing, repeats nothing and keeps the log's order within a party."""
    groups = list(cc.party_logs(log))

    assert len({g.party_id for g in groups}) == len(groups)
    for group in groups:
        assert [i for i in log if i.party_id == group.party_id] == list(group.interactions)
    assert sum(len(g.interactions) for g in groups) == len(log)


def test_not_an_interaction_is_named():
    """A stray item is a ValidationError naming its index, not an AttributeError."""
    with pytest.raises(ValidationError, match=r"\$\.interactions\[1\]: expected an Interaction"):
        list(cc.party_logs([cc.Interaction("ann", DAY, "purchase"), "ann,2026-01-05"]))
    with pytest.raises(ValidationError, match=r"\$\.engagements\[0\]: expected an Engagement"):
        list(cc.party_logs([], [{"id": "e1"}]))


def test_the_command_line_has_no_grouping_of_its_own():
    """The CLI's log readers take the library's grouping (issue: one grouping, one as-of)."""
    from clientcustomer.cli import inputs  # noqa: PLC0415

    assert inputs.party_logs is cc.party_logs
    assert not hasattr(inputs, "PartyLog") or inputs.PartyLog is cc.PartyLog
