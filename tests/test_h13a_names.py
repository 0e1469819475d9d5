"""Issue 13, case 1: a name that is not a signal of the rule set is an error, never dropped.

``classify``, ``classify_many``, signal files read by the command line, ``classify_frame`` and
``classify_sql`` name every such key or column, with "did you mean" when one is close. Descriptive
columns stay possible: an ``id`` (or ``party_id``) is always allowed, others are named in
``passthrough`` (``--passthrough`` on the command line, which lists unused columns on stderr).
"""

from __future__ import annotations

import json

import pytest

import clientcustomer as cc
from clientcustomer.cli import main
from clientcustomer.exceptions import ValidationError

ERROR = "clientcustomer: error: "
MISSPELT = {"collab_share": 0.9, "customisation": 0.9, "active_engagment": True}
SPELT = {"collaborative_share": 0.9, "customization": 0.9, "active_engagement": True}


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


class TestOneRecord:
    def test_the_issues_record_is_refused_naming_every_key(self):
        """The misspelt record of the issue fails, naming each key with its likely signal."""
        with pytest.raises(ValidationError) as info:
            cc.classify(MISSPELT)

        message = str(info.value)
        assert ["$.collab_share", "$.customisation", "$.active_engagment"] == [
            problem.field for problem in info.value.problems
        ]
        assert "did you mean 'collaborative_share'?" in message
        assert "did you mean 'customization'?" in message
        assert "did you mean 'active_engagement'?" in message

    def test_the_correct_spelling_gives_client(self):
        """Spelt right, the same values give a client verdict."""
        assert cc.Role.CLIENT is cc.classify(SPELT).role

    def test_a_far_name_is_refused_without_a_guess(self):
        """A name close to no signal is refused too, without a suggestion."""
        with pytest.raises(ValidationError) as info:
            cc.classify({"zzz": 1, **SPELT})

        assert ["$.zzz"] == [problem.field for problem in info.value.problems]
        assert "did you mean" not in str(info.value)

    def test_classify_many_names_the_row(self):
        """In a stream the row's index is in the path."""
        with pytest.raises(ValidationError) as info:
            list(cc.classify_many([SPELT, MISSPELT]))

        assert "$[1].collab_share" == info.value.problems[0].field

    def test_signals_with_an_undeclared_custom_signal_are_refused(self):
        """A `Signals` whose custom signal the rule set does not declare is refused as well."""
        with pytest.raises(ValidationError):
            cc.classify(cc.Signals(collaborative_share=0.9, custom={"collab_share": 0.9}))

    def test_an_id_is_always_allowed(self):
        """``id`` is a descriptive key every record may carry."""
        assert cc.classify(SPELT) == cc.classify({"id": "acme", **SPELT})

    def test_passthrough_keeps_descriptive_keys(self):
        """Keys named in ``passthrough`` are kept aside, not read and not refused."""
        record = {"name": "Acme", "segment": "b2b", **SPELT}

        assert cc.classify(SPELT) == cc.classify(record, passthrough=("name", "segment"))
        assert cc.classify(SPELT) == next(
            cc.Classifier().classify_many([record], passthrough=("name", "segment"))
        )

    def test_a_declared_custom_signal_remains_valid(self):
        """A custom signal the rule set declares is a signal of it."""
        rules = cc.Ruleset(
            "nps",
            "1",
            cc.RulesetPolicy("first"),
            (cc.Rule("fan", "nps >= 9", "A promoter.", role="client"),),
            signals={"nps": "integer"},
        )

        assert cc.Role.CLIENT is cc.Classifier(rules).classify({"nps": 10}).role
        with pytest.raises(ValidationError) as info:
            cc.Classifier(rules).classify({"npss": 10})
        assert "did you mean 'nps'?" in str(info.value)


class TestFrames:
    def test_classify_frame_refuses_a_misspelt_column(self):
        """A polars or pandas column that is not a signal is refused, with a suggestion."""
        pl = pytest.importorskip("polars")
        frame = pl.DataFrame({"id": ["a"], **{key: [value] for key, value in MISSPELT.items()}})

        for given in (frame, frame.to_pandas()):
            with pytest.raises(ValidationError) as info:
                cc.classify_frame(given)
            assert "did you mean 'collaborative_share'?" in str(info.value)

    def test_classify_frame_takes_passthrough_columns(self):
        """Descriptive columns named in ``passthrough`` stay in the result, unread."""
        pl = pytest.importorskip("polars")
        frame = pl.DataFrame({"id": ["a"], "name": ["Acme"], "collaborative_share": [0.9]})

        result = cc.classify_frame(frame, passthrough=["name"])

        assert ["id", "name", "collaborative_share", "role", "score", "decided_by"] == (
            result.columns
        )

    def test_classify_sql_refuses_a_misspelt_column(self):
        """A table column that is not a signal is refused before any row is read."""
        duckdb = pytest.importorskip("duckdb")
        con = duckdb.connect()
        con.execute("CREATE TABLE accounts (id VARCHAR, collab_share DOUBLE)")

        with pytest.raises(ValidationError) as info:
            cc.classify_sql(con, "accounts")

        assert "did you mean 'collaborative_share'?" in str(info.value)
        assert cc.classify_sql(con, "accounts", passthrough=["collab_share"]) is not None


class TestSignalFiles:
    def test_a_csv_column_that_is_not_a_signal_stops_the_run(self, capsys, tmp_path):
        """A misspelt CSV column fails once, naming it, before any output."""
        path = write(tmp_path, "rows.csv", "id,collab_share,customization\na,0.9,0.9\n")

        status, out, err = run(capsys, "classify", path)

        assert (2, "") == (status, out)
        assert err.startswith(ERROR)
        assert "collab_share" in err
        assert "did you mean 'collaborative_share'?" in err

    def test_a_jsonl_key_that_is_not_a_signal_is_a_bad_row(self, capsys, tmp_path):
        """A misspelt JSON Lines key makes its row bad, naming it."""
        path = write(tmp_path, "rows.jsonl", json.dumps({"id": "a", **MISSPELT}) + "\n")

        status, _, err = run(capsys, "classify", path)

        assert 2 == status
        assert "did you mean 'collaborative_share'?" in err

    def test_passthrough_columns_are_listed_once_on_stderr(self, capsys, tmp_path):
        """``--passthrough`` keeps descriptive columns; the unused ones are listed once."""
        text = "id,name,collaborative_share,customization\na,Acme,0.9,0.9\nb,Bee,0,0\n"
        path = write(tmp_path, "rows.csv", text)

        status, out, err = run(capsys, "classify", path, "--passthrough", "name", "--format", "csv")

        assert 0 == status
        assert 3 == len(out.splitlines())
        assert 1 == err.count("name")
        assert "columns not read by default@1: name" in err

    def test_explain_refuses_a_misspelt_signal(self, capsys):
        """``explain --signals`` names a key that is not a signal."""
        status, _, err = run(capsys, "explain", "--signals", json.dumps(MISSPELT))

        assert 2 == status
        assert "did you mean 'collaborative_share'?" in err

    def test_rules_diff_refuses_a_misspelt_column(self, capsys, tmp_path):
        """``rules diff`` reads its DATA as ``classify`` does: a misspelt column stops it."""
        rules = write(tmp_path, "r.toml", cc.default_ruleset().to_toml())
        data = write(tmp_path, "rows.csv", "id,collab_share\na,0.9\n")

        status, _, err = run(capsys, "rules", "diff", rules, rules, data)

        assert 2 == status
        assert "did you mean 'collaborative_share'?" in err
