"""Notebook displays (``_repr_html_``): each result type shows what it is about, escaped."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs
import pytest

import clientcustomer as cc

ROOT = Path(__file__).resolve().parent.parent
RESEARCH = ROOT / "docs" / "examples" / "research-engagement.json"
EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
DAY = dt.date(2026, 3, 2)


def _research() -> cc.Engagement:
    return cc.from_json(cc.Engagement, RESEARCH.read_text(encoding="utf-8"))


def _point(month: int, score: float, ruleset: str = "default@1") -> cc.ScorePoint:
    summary = cc.ClassificationSummary("customer", score, score - 5, ruleset)
    return cc.ScorePoint(dt.date(2026, month, 1), summary, cc.Signals())


def _timeline(party_id: str = "acme") -> cc.PartyTimeline:
    changes = (
        cc.StageChange(dt.date(2026, 1, 1), "purchase", "prospect", "customer"),
        cc.StageChange(dt.date(2026, 3, 1), "engage", "customer", "client", reason=EVIL),
    )
    state = cc.LifecycleState("client", history=changes)
    points = tuple(_point(month, score) for month, score in ((1, 0), (2, 3), (3, 6), (4, 8)))
    return cc.PartyTimeline(party_id, state, points)


def _cells(html: str) -> list[str]:
    return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html)


class TestSignals:
    def test_grouped_by_the_five_aspects_unknowns_marked(self):
        """Signals show under their aspect, unknown ones in words, the count in the caption."""
        html = cc.Signals(collaborative_share=0.5, tenure_days=40)._repr_html_()

        for aspect in cc.Aspect:
            assert f">{aspect.value} (" in html
        assert "transactional facts" in html
        assert html.count("<i>unknown</i>") == 11
        assert "Signals (11 of 13 unknown)" in html
        assert html.index("collaborative_share") < html.index("tenure_days")

    def test_custom_signals_escaped(self):
        """Custom signals show under their own heading, with names and values escaped."""
        html = cc.Signals(custom={"note": EVIL})._repr_html_()

        assert "custom" in _cells(html)
        assert ESCAPED in html
        assert "<script>" not in html


class TestTimeline:
    def test_chart_and_table(self):
        """A timeline shows an inline SVG with thresholds and stage bands, and its changes."""
        html = _timeline()._repr_html_()

        assert "<svg" in html
        assert "<polyline" in html
        assert "client at 5" in html
        assert "customer below 2" in html  # the default rule set's customer threshold
        assert ">customer</text>" in html
        assert ">client</text>" in html
        assert "client since 2026-03-01" in html
        assert ">engage</td>" in html

    def test_other_rule_sets_show_only_the_client_threshold(self):
        """The customer threshold is drawn only when the scores come from the default rules."""
        state = cc.LifecycleState()
        svg = cc.PartyTimeline("acme", state, (_point(1, 1, "mine@1"), _point(2, 2))).chart()

        assert ("client at 5" in svg, "customer below" in svg) == (True, False)

    def test_escaped(self):
        """The party id and the reasons of changes are escaped."""
        html = _timeline(EVIL)._repr_html_()

        assert "<script>" not in html
        assert html.count(ESCAPED) == 3  # the caption, the chart's title, the reason

    def test_without_scores(self):
        """A timeline without checkpoints says so instead of drawing an empty chart."""
        assert "no checkpoint scored" in cc.PartyTimeline("acme", cc.LifecycleState())._repr_html_()


class TestHistories:
    def test_lifecycle_state_history_as_a_table(self):
        """A lifecycle state shows its stage, since and one row per change."""
        html = _timeline().state._repr_html_()

        assert ">client</td>" in html
        assert html.count("<tr>") == 2 + 3  # stage, since; header + two changes
        assert ESCAPED in html


class TestParties:
    def test_client_shows_name_stage_since_and_facts(self):
        """A client shows its name, stage, since, key facts and history, not item counts."""
        log = (
            cc.Interaction("acme", DAY, "purchase", amount="100"),
            cc.Interaction("acme", DAY, "meeting"),
        )
        work = cc.Engagement("e1", "acme", EVIL, start=DAY)
        client = cc.Client(
            cc.Party("acme", "Acme <Ltd>"), since=DAY, interactions=log, engagements=(work,)
        )

        html = client._repr_html_()

        assert "Client Acme &lt;Ltd&gt;</caption>" in html
        assert ">client</td>" in html
        assert ">2026-03-02</span>" in html
        assert ">100</td>" in html  # spent
        assert ESCAPED in html
        assert "<script>" not in html
        assert "item" not in html

    @pytest.mark.parametrize("kind", [cc.Customer, cc.FormerClient])
    def test_customer_and_former_client(self, kind):
        """Customers and former clients show name and stage the same way."""
        html = kind(cc.Party("ann", EVIL), since=DAY)._repr_html_()

        assert f"{kind.stage.label}</td>" in html
        assert ESCAPED in html
        assert "<script>" not in html


class TestEngagement:
    def test_roles_dependencies_deliverables(self):
        """An engagement shows roles, dependencies (status, due) and deliverables."""
        html = _research()._repr_html_()

        assert "decision-maker" in html
        assert "what the client owes (dependencies)" in html
        assert "what the client was promised (deliverables)" in html
        assert ">customer-list</td>" in html
        assert ">requested</td>" in html
        assert ">2026-02-01</span>" in html
        assert "dependencies 3 items" not in html

    def test_escaped(self):
        """Titles, ids and descriptions are escaped."""
        work = cc.Engagement(
            "e1",
            "acme",
            EVIL,
            start=DAY,
            deliverables=(cc.Deliverable("d", EVIL),),
            dependencies=(cc.Dependency("x", "data", EVIL, owner=EVIL),),
        )
        html = work._repr_html_()

        assert "<script>" not in html
        assert html.count(ESCAPED) == 4


class TestReadiness:
    def test_promised_owed_and_diagram(self):
        """A readiness shows what was promised, what is owed, and the Mermaid diagram."""
        html = cc.readiness(_research(), dt.date(2026, 2, 10))._repr_html_()

        assert "what the client was promised" in html
        assert "what the client owes" in html
        assert "<pre class='mermaid'" in html
        assert "classDef overdue" in html

    def test_mermaid_colours_by_status(self):
        """Each node carries the class of its status; edges go from need to needer."""
        found = cc.readiness(_research(), dt.date(2026, 2, 10))
        text = found.mermaid()

        assert text.startswith("flowchart LR\n")
        assert ":::overdue" in text.split("n_customer_list(", 1)[1].splitlines()[0]
        assert ":::met" in text.split("n_call_access(", 1)[1].splitlines()[0]
        assert ":::ready" in text.split("n_calls[", 1)[1].splitlines()[0]
        assert ":::blocked" in text.split("n_survey[", 1)[1].splitlines()[0]
        assert '  n_customer_list -- "blocks" --> n_survey' in text
        assert "  n_survey --> n_report" in text
        assert text == _research().mermaid(dt.date(2026, 2, 10))

    def test_mermaid_labels_are_quoted_and_escaped(self):
        """Any text is safe in a label: quotes, brackets and markup are escaped."""
        work = cc.Engagement(
            "e1",
            "acme",
            "W",
            start=DAY,
            dependencies=(cc.Dependency('a"b]', "data", "x", owner='O"]<b>'),),
        )
        text = cc.readiness(work, DAY).mermaid()

        assert '(["a&quot;b]<br>O&quot;]&lt;b&gt;: open"])' in text
        assert "n_a_b_" in text

    def test_guide_shows_the_real_diagram(self):
        """The dependencies guide's rendered Mermaid block is what mermaid() gives."""
        guide = (ROOT / "docs" / "guide" / "dependencies.md").read_text(encoding="utf-8")
        block = guide.split("```mermaid\n", 1)[1].split("```", 1)[0]

        assert cc.readiness(_research(), dt.date(2026, 2, 10)).mermaid() + "\n" == block

    def test_commitments(self):
        """The promised deliverables with dates and the owed dependencies with owners."""
        text = cc.readiness(_research(), dt.date(2026, 2, 10)).commitments()

        assert text.startswith("promised to the client:\n")
        assert "  survey: Customer satisfaction survey, due 2026-03-01 (blocked)" in text
        assert "owed by the client:\n  customer-list: A good list of current customers\n" in text
        assert "    owner Acme marketing, due 2026-02-01, requested, blocks survey" in text

    def test_readiness_without_engagement_copy_has_no_commitments(self):
        """A Readiness built by hand (no promised/owed) has nothing to add."""
        assert cc.Readiness("e1", DAY, "on_track").commitments() == ""


class TestActions:
    def test_action_table(self):
        """Actions show as one row each, with the expectation they serve, escaped."""
        action = cc.PlaybookAction(
            "feedback", "feedback", "ann", EVIL, "why", due=DAY, overdue_days=3, serves="now"
        )
        html = cc.ActionTable([action, action])._repr_html_()

        assert html.count("<tr>") == 3
        assert ">now</td>" in html
        assert "3 days late" in html
        assert ESCAPED in html
        assert "<script>" not in html
        assert ESCAPED in action._repr_html_()

    def test_action_table_refuses_a_single_action(self):
        """A single action is not a list of actions: a ValidationError names the field."""
        action = cc.PlaybookAction("f", "feedback", "ann", "t", "w", due=DAY)
        with pytest.raises(cc.ValidationError, match=r"\$\.actions"):
            cc.ActionTable(action)  # type: ignore[arg-type]


class TestRules:
    def test_ruleset_policy_and_rules(self):
        """A rule set shows its policy and one row per rule."""
        rules = cc.default_ruleset()
        html = rules._repr_html_()

        assert "Rule set default@1</caption>" in html
        assert ">score</td>" in html
        assert html.count("<tr>") >= len(rules.rules) + 1
        assert "rules 12 items" not in html
        for rule in rules.rules:
            assert f">{rule.id}</td>" in html

    def test_ruleset_escaped(self):
        """Rule reasons are escaped."""
        rules = cc.default_ruleset()
        first = attrs.evolve(rules.rules[0], because=EVIL)
        html = attrs.evolve(rules, rules=(first, *rules.rules[1:]))._repr_html_()

        assert ESCAPED in html
        assert "<script>" not in html

    def test_diff(self):
        """A rule-set diff shows the counts per role change and the changed verdicts."""
        diff = cc.RulesetDiff(
            "a@1",
            "a@2",
            3,
            (cc.VerdictChange(EVIL, "customer", "client", "score", "score", 1, 6),),
            (cc.RoleChange("customer", "client", 1), cc.RoleChange("client", "client", 2)),
        )
        html = diff._repr_html_()

        assert "a@1 -&gt; a@2: 1 of 3 verdicts change" in html
        assert ESCAPED in html
        assert "<script>" not in html


class TestPresentation:
    def test_left_aligned_and_theme_neutral(self):
        """Cells are left-aligned inline and no text or background colour is hard-coded."""
        html = "".join(
            obj._repr_html_()
            for obj in (
                _timeline(),
                cc.Signals(),
                _research(),
                cc.readiness(_research(), dt.date(2026, 2, 10)),
                cc.default_ruleset(),
            )
        )
        cells = re.findall(r"<t[dh] style='([^']*)'", html)

        assert cells
        assert all("text-align:left" in style for style in cells)
        assert not re.search(r"(?<!-)color:\s*#|background", html)

    def test_glossary_term(self):
        """A glossary term shows its meaning, the sources' words and the library's names."""
        html = cc.GLOSSARY["payer"]._repr_html_()

        assert "EngagementRole.PAYER" in html
        assert "pays the bills" in html


class TestDocs:
    def test_notebooks_page_shows_the_real_chart(self):
        """The notebooks guide's inline SVG is what PartyTimeline.chart() draws today."""
        from clientcustomer import demo  # noqa: PLC0415 - the demo data only here

        log = [item for item in demo.demo_log() if item.party_id == "acct-021"]
        work = [e for e in demo.demo_engagements() if e.client_id == "acct-021"]
        (story,) = cc.timeline(log, work, end=demo.DEMO_AS_OF)
        page = (ROOT / "docs" / "guide" / "notebooks.md").read_text(encoding="utf-8")

        # When scoring changes, `python scripts/make_displays_notebook.py` redraws it.
        assert f'<div markdown="0">\n{story.chart()}\n</div>' in page


class TestClassification:
    def test_evidence_left_aligned(self):
        """The verdict's evidence table is left-aligned (Jupyter right-aligns cells otherwise)."""
        html = cc.classify(cc.Signals(collaborative_share=0.6, tenure_days=400))._repr_html_()
        cells = re.findall(r"<t[dh] style='([^']*)'", html)

        assert cells
        assert all("text-align:left" in style for style in cells)
        assert "collaborative_share=0.6" in html


class TestMermaidIds:
    def test_a_deliverable_and_a_dependency_may_share_an_id(self):
        """Two nodes with the same id (or the same slug) get distinct Mermaid ids."""
        work = cc.Engagement(
            "e1",
            "acme",
            "W",
            start=DAY,
            deliverables=(cc.Deliverable("a-b", "X"), cc.Deliverable("a_b", "Y")),
            dependencies=(cc.Dependency("a-b", "data", "x", owner="o", blocks=("a_b",)),),
        )
        text = cc.readiness(work, DAY).mermaid()

        assert ['n_a_b["', 'n_a_b_2["', 'n_a_b_3(["'] == re.findall(r"  (n_\w+\(?\[\")", text)
        assert '  n_a_b_3 -- "blocks" --> n_a_b_2' in text
