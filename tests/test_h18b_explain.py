"""Issue 18: the evaluation's notebook display, near misses in explain and in the watchlist."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcustomer as cc
from _support import CLIENT, SHOP, plain, short_of
from clientcustomer.cli import main
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import signals

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- the evaluation's display ---------------------------------------------------------------------


class TestEvaluationDisplay:
    def test_matrix_table_and_score_chart_with_both_thresholds(self):
        result = cc.evaluate(
            [{"id": EVIL, **CLIENT}, SHOP, {**SHOP, "service_share": 0.9}],
            ["customer", "customer", "client"],
        )

        html = result._repr_html_()

        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html)
        assert "label \\ verdict" in cells
        start = cells.index("label \\ verdict")
        assert ["customer", "1", "0", "1", "50.0%"] == cells[start + 5 : start + 10]
        assert "<svg" in html
        assert "client at 5" in html
        assert "customer below 2" in html
        assert "labelled customer" in html
        assert "labelled client" in html
        assert "labelled ambiguous" not in html  # no such label: no strip
        assert ESCAPED in html
        assert "<script>" not in html
        assert "text-align:left" in html
        assert not re.search(r"(?<![-\w])(color|background)\s*:\s*#", html)

    def test_one_bar_per_label_and_score(self):
        records = [SHOP, SHOP, CLIENT, {**SHOP, "tenure_days": 900}]
        result = cc.evaluate(records, ["customer", "client", "client", "customer"])

        html = result._repr_html_()

        assert {("customer", -2.0): 1, ("client", -2.0): 1, ("client", 9.0): 1} == {
            (label.value, score): count
            for (label, score), count in result.scores.items()
            if score != -1.0
        }
        assert len(result.scores) == html.count("<rect")
        assert "labelled client, score 9: 1 records" in html

    def test_equal_thresholds_are_drawn_once(self):
        one = cc.loads_ruleset(
            'id = "one"\nversion = "1"\npolicy = { hit = "score", client_at = 2, '
            'customer_below = 2 }\n[[rules]]\nid = "a"\nwhen = "customization >= 0.5"\n'
            'points = 2\naspect = "personalization"\nbecause = "Custom."\n'
        )

        html = cc.evaluate([{"customization": 0.6}], ["client"], one)._repr_html_()

        assert "client at 2" in html
        assert "customer below" not in html
        assert 1 == html.count("stroke-dasharray")

    def test_other_policies_draw_no_threshold(self):
        first = cc.loads_ruleset(
            'id = "f"\nversion = "1"\npolicy = { hit = "first" }\n[[rules]]\nid = "a"\n'
            'when = "customization >= 0.5"\nrole = "client"\nbecause = "Custom."\n'
        )
        result = cc.evaluate(
            [{"customization": 0.6}, {"customization": 0.1}], ["client"] * 2, first
        )

        html = result._repr_html_()

        assert (None, None) == (result.client_at, result.customer_below)
        assert "<svg" in html
        assert "client at" not in html

    def test_no_records(self):
        assert "no records" in cc.evaluate([], [])._repr_html_()

    def test_the_scores_are_recounted(self):
        records = [CLIENT, SHOP, SHOP, SHOP, {"customization": 0.3}, CLIENT]
        labels = ["client", "client", "customer", "customer", "customer", "client"]
        result = cc.evaluate(records, labels)

        expected: dict[tuple[str, float], int] = {}
        for record, label in zip(records, labels, strict=True):
            key = (label, cc.classify(record).score)
            expected[key] = expected.get(key, 0) + 1
        assert expected == {(label.value, score): n for (label, score), n in result.scores.items()}


# --- explain: the verdict and its near misses ---------------------------------------------------


class TestExplain:
    def test_text_and_display_carry_the_near_misses(self):
        record = {"collaborative_share": 0.3, "customization": 0.3, "active_engagement": True}

        result = cc.explain(record)

        assert result.verdict == cc.classify(record)
        assert result.near_misses == cc.near_misses(record)
        text = str(result)
        assert text.startswith(result.verdict.explain() + "\n  near misses:\n")
        assert "    would be client if collaborative_share were 0.5 (now 0.3)" in text
        html = result._repr_html_()
        assert "near misses: what would change the role" in html
        assert ">collaborative_share</td>" in html
        assert html.index("near misses") > html.index("<table")

    def test_a_verdict_no_single_change_moves(self):
        result = cc.explain({**CLIENT, "tenure_days": 900, "service_share": 1.0})

        assert () == result.near_misses
        assert str(result).endswith("near misses: no change of one signal gives another role")
        assert "no change of one signal" in result._repr_html_()

    def test_cli_text_and_json(self, capsys):
        signals_json = json.dumps({"collaborative_share": 0.3, "customization": 0.1})

        status, text, _ = run(capsys, "explain", "--signals", signals_json)
        status_json, out, _ = run(capsys, "explain", "--signals", signals_json, "--format", "json")

        document = json.loads(out)
        expected = cc.explain(json.loads(signals_json))
        assert (0, 0) == (status, status_json)
        assert text == f"{expected}\n"
        assert document["id"] is None
        assert document["role"] == expected.verdict.role.value
        assert [item["text"] for item in document["near_misses"]] == [
            str(miss) for miss in expected.near_misses
        ]
        first = document["near_misses"][0]
        assert (first["signal"], first["now"]) == (expected.near_misses[0].signal, 0.3)

    def test_cli_json_of_a_demo_party_names_it(self, capsys):
        status, out, _ = run(capsys, "explain", "--demo", "--party", "acct-021", "--format", "json")

        assert 0 == status
        assert "acct-021" == json.loads(out)["id"]

    def test_a_bad_record_is_the_librarys_error(self):
        with pytest.raises(ValidationError):
            cc.explain({"customization": 1.5})


# --- near misses toward a role ------------------------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(signals(custom=False), st.sampled_from(["client", "customer", "ambiguous"]))
def test_a_near_miss_toward_a_role_gives_it_and_nothing_smaller_does(record, toward):
    values = plain(record)
    role = cc.classify(values).role
    misses = cc.near_misses(values, toward=toward)
    if role.value == toward:
        assert () == misses
    for miss in misses:
        assert miss.role.value == toward
        assert cc.classify({**values, miss.signal: miss.to}).role.value == toward
        for tried in short_of(miss):
            assert cc.classify({**values, miss.signal: tried}).role.value != toward


def test_toward_must_be_a_role():
    with pytest.raises(ValidationError) as caught:
        cc.near_misses({"customization": 0.1}, toward="vip")
    assert "$.toward" == caught.value.problems[0].field


def test_integer_signals_get_integer_targets_and_thresholds_read_below():
    misses = {m.signal: m for m in cc.near_misses({"customization": 0.3, "tenure_days": 900})}

    assert isinstance(misses["tenure_days"].to, int)
    assert "customization were below 0.2 (now 0.3)" == misses["customization"].change


# --- the watchlist says what would make a customer a client ------------------------------------


def _watch(signals_now: cc.Signals) -> cc.EmergingClient:
    summary = cc.ClassificationSummary("customer", 3, -2)
    point = cc.ScorePoint(dt.date(2026, 3, 1), summary, signals_now)
    return cc.EmergingClient("ann", point, point)


def test_to_become_client_lists_only_changes_that_make_a_client():
    now = cc.Signals(collaborative_share=0.15, customization=0.1, active_engagement=True)

    misses = _watch(now).to_become_client()

    assert misses
    assert all(miss.role is cc.Role.CLIENT for miss in misses)
    assert misses == cc.near_misses(now, toward="client")
    assert ("collaborative_share", 0.5) == (misses[0].signal, misses[0].to)


def test_the_watchlist_line_and_json(capsys, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "party_id,on,kind,item,offering,amount,customized,collaborative,reference\n"
        "bob,2026-01-05,purchase,mug,product,9,false,false,\n"
        "bob,2026-02-05,meeting,,service,0,false,true,\n"
        "bob,2026-03-05,workshop,,service,0,false,true,\n",
        encoding="utf-8",
    )

    _, table, _ = run(capsys, "timeline", str(log))
    _, out, _ = run(capsys, "timeline", str(log), "--format", "jsonl")

    assert "    would become a client if customization were 0.5 (now 0)" in table.splitlines()
    [watch] = [json.loads(line) for line in out.splitlines() if "emerging_client" in line]
    assert [item["signal"] for item in watch["to_become_client"]] == ["customization"]
    assert watch["to_become_client"][0]["to"] == 0.5
