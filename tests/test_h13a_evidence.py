"""Issue 13, case 2: a record without evidence is "cannot tell", not a confident customer.

When no rule fired and a rule could not be decided because a value it reads is unknown, the
verdict is ``ambiguous``, decided by ``insufficient-evidence``, the same on every engine, shown by
``explain`` and counted in the command line's summary. Sparse but real evidence still decides.
"""

from __future__ import annotations

import pytest

import clientcustomer as cc
from clientcustomer.cli import main

INSUFFICIENT = "insufficient-evidence"


class TestOneRecord:
    def test_no_known_signal_is_ambiguous_for_insufficient_evidence(self):
        """Every signal unknown: ambiguous, decided by insufficient evidence, not customer."""
        verdict = cc.classify({})

        assert (cc.Role.AMBIGUOUS, INSUFFICIENT) == (verdict.role, verdict.decided_by)
        assert verdict.insufficient_evidence

    def test_explain_says_so(self):
        """``explain`` names the reason instead of 'no rule fired' under a confident verdict."""
        text = cc.classify({}).explain()

        assert text.startswith("ambiguous")
        assert "insufficient evidence" in text.lower()

    def test_known_values_that_fire_no_rule_are_not_insufficient(self):
        """Every signal known and no rule firing is the rule set's own verdict (score 0)."""
        verdict = cc.classify(
            {
                "collaborative_share": 0.1,
                "touchpoints_per_quarter": 1.0,
                "tenure_days": 100,
                "active_engagement": False,
                "service_share": 0.3,
                "customization": 0.1,
                "commitment_days": 0,
                "retainer_months": 0,
            }
        )

        assert (cc.Role.CUSTOMER, "score") == (verdict.role, verdict.decided_by)

    def test_sparse_but_real_evidence_of_a_product_buyer_is_a_customer(self):
        """A record whose only known signals show a buyer of standard products is a customer."""
        verdict = cc.classify({"service_share": 0.0, "customization": 0.0, "purchases": 1})

        assert cc.Role.CUSTOMER is verdict.role
        assert not verdict.insufficient_evidence

    def test_first_policy_without_a_decidable_rule_cannot_tell(self):
        """Under ``first``, an unknown value that leaves every rule undecided is not the default."""
        rules = cc.Ruleset(
            "tiny",
            "1",
            cc.RulesetPolicy("first", default="customer"),
            (cc.Rule("retainer", "active_engagement", "A contract runs.", role="client"),),
        )
        classifier = cc.Classifier(rules)

        assert INSUFFICIENT == classifier.classify({}).decided_by
        assert "policy.default" == classifier.classify({"active_engagement": False}).decided_by


class TestEngines:
    def test_frames_and_sql_agree(self):
        """polars, pandas and DuckDB give an all-unknown row the same honest verdict."""
        pl = pytest.importorskip("polars")
        duckdb = pytest.importorskip("duckdb")
        frame = pl.DataFrame(
            {"id": ["a", "b"], "customization": [None, 0.0]},
            schema_overrides={"customization": pl.Float64},
        )
        wanted = [("a", "ambiguous", INSUFFICIENT), ("b", "customer", "score")]

        polars_result = cc.classify_frame(frame).select("id", "role", "decided_by").rows()
        pandas_result = cc.classify_frame(frame.to_pandas())[["id", "role", "decided_by"]]
        con = duckdb.connect()
        con.register("accounts", frame.to_arrow())
        sql_result = cc.classify_sql(con, "accounts").select("id, role, decided_by").order("id")

        assert wanted == polars_result
        assert wanted == [tuple(row) for row in pandas_result.itertuples(index=False)]
        assert wanted == sql_result.fetchall()


class TestSummary:
    def test_the_command_line_counts_them(self, capsys, tmp_path):
        """The summary line says how many ambiguous verdicts are for insufficient evidence."""
        path = tmp_path / "rows.csv"
        path.write_text("id,customization\na,\nb,0\n", encoding="utf-8")

        status = main(["classify", str(path), "--format", "csv"])
        _, err = capsys.readouterr()

        assert 0 == status
        assert "1 ambiguous (1 insufficient evidence)" in err
