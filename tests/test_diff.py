"""What-if: `diff_rulesets` and ``clientcustomer rules diff``."""

from __future__ import annotations

import json

import pytest

from clientcustomer import (
    Rule,
    Ruleset,
    RulesetDiff,
    RulesetPolicy,
    diff_rulesets,
    from_json,
    to_json,
)
from clientcustomer.cli import main
from clientcustomer.exceptions import ValidationError


def ruleset(version: str, client_at: float) -> Ruleset:
    return Ruleset(
        "mine",
        version,
        RulesetPolicy("score", client_at=client_at, customer_below=client_at),
        (
            Rule(
                "collab",
                "collaborative_share >= 0.2",
                "Collaborative.",
                aspect="interaction",
                points=1.0,
            ),
        ),
    )


OLD, NEW = ruleset("1", 2.0), ruleset("2", 1.0)


class TestDiffRulesets:
    def test_keeps_only_changed_verdicts_and_counts_roles(self):
        """Only records whose verdict changes are listed; every record is counted."""
        records = [{"id": "acme", "collaborative_share": 0.5}, ("shop", {})]

        diff = diff_rulesets(OLD, NEW, iter(records))

        assert ["acme"] == [change.id for change in diff.changes]
        assert (2, 1) == (diff.total, diff.changed)
        assert [("customer", "client", 1)] == [
            (r.old_role.value, r.new_role.value, r.count) for r in diff.role_changes
        ]
        assert from_json(RulesetDiff, to_json(diff)) == diff

    @pytest.mark.parametrize(
        ("records", "field"),
        [([42], "$[0]"), ([{"collaborative_share": 0.5}], "$[0].id"), ([("a", {"x": []})], "$[0]")],
    )
    def test_bad_records_are_named(self, records, field):
        """A record without an id or with a bad value is refused with its index."""
        with pytest.raises(ValidationError) as info:
            diff_rulesets(OLD, NEW, records)

        assert info.value.problems[0].field.startswith(field)

    def test_rulesets_are_checked(self):
        """Something that is not a rule set is refused by name."""
        with pytest.raises(ValidationError, match="old"):
            diff_rulesets("x", NEW, [])  # type: ignore[arg-type]


class TestCli:
    @pytest.fixture
    def files(self, tmp_path):
        old, new, data = tmp_path / "old.toml", tmp_path / "new.toml", tmp_path / "d.csv"
        old.write_text(OLD.to_toml(), encoding="utf-8")
        new.write_text(NEW.to_toml(), encoding="utf-8")
        data.write_text("id,collaborative_share\nacme,0.5\nshop,0.0\n", encoding="utf-8")
        return str(old), str(new), str(data)

    def test_table(self, files, capsys):
        """The table shows the counts, the changed rows and a summary line."""
        assert 0 == main(["rules", "diff", *files])

        out = capsys.readouterr().out
        assert "customer  client" in out
        assert out.endswith("mine@1 -> mine@2: 2 rows, 1 changed, 1 changed role\n")

    def test_jsonl_with_limit(self, files, capsys):
        """JSON Lines: one object per changed row, at most --limit of them."""
        assert 0 == main(["rules", "diff", *files, "--format", "jsonl", "--limit", "0"])
        assert "" == capsys.readouterr().out

        assert 0 == main(["rules", "diff", *files, "--format", "jsonl"])
        line = capsys.readouterr().out.splitlines()[0]
        assert "client" == json.loads(line)["new_role"]

    def test_bad_row_and_limit(self, files, tmp_path, capsys):
        """A bad row stops with its line; a negative limit is refused."""
        bad = tmp_path / "bad.csv"
        bad.write_text("id,collaborative_share\nacme,lots\n", encoding="utf-8")

        assert 2 == main(["rules", "diff", files[0], files[1], str(bad)])
        assert 2 == main(["rules", "diff", *files, "--limit", "-1"])
        assert "line 2" in capsys.readouterr().err
