"""Display fixes seen in the rendered notebook: an empty diff says so; captions stay on one line."""

from __future__ import annotations

import datetime as dt

import clientcustomer as cc


def test_a_diff_without_changes_says_so_instead_of_an_empty_table():
    """No changed verdict: a sentence, not a table of headers only."""
    diff = cc.RulesetDiff("a@1", "a@2", 2, roles=(cc.RoleChange("client", "client", 2),))

    shown = diff._repr_html_()

    assert "none: every verdict is the same" in shown
    assert "old decided by" not in shown


def test_a_diff_with_changes_lists_them():
    change = cc.VerdictChange("acme", "client", "ambiguous", "score", "score", 9.0, 9.0)
    diff = cc.RulesetDiff("a@1", "a@2", 1, changes=(change,))

    shown = diff._repr_html_()

    assert "old decided by" in shown
    assert "none: every verdict is the same" not in shown


def test_a_caption_does_not_fold_into_a_narrow_table():
    """An engagement's long title over a two-column table stays on one line."""
    work = cc.Engagement(
        "e1", "acme", "A long title that is wider than the table", start=dt.date(2026, 1, 5)
    )

    shown = work._repr_html_()

    assert "<caption style='text-align:left;white-space:nowrap'>" in shown


def test_evidence_values_show_three_decimals_as_the_signals_do():
    """The classification's values column rounds as the Signals display (0.463, not 0.463415)."""
    verdict = cc.classify(cc.Signals(collaborative_share=0.463415, customization=0.5))

    shown = verdict._repr_html_()

    assert "collaborative_share=0.463<" in shown or "collaborative_share=0.463," in shown
    assert "0.463415" not in shown
    assert "[collaborative_share=0.463415]" in verdict.explain()
