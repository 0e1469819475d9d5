"""What the shared helpers of the de-duplication refactor promise: the same behaviour as before."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import attrs
import pytest

import clientcustomer as cc
from clientcustomer.cli import main
from clientcustomer.cli.inputs import format_by_suffix, unreadable
from clientcustomer.cli.main import build_parser
from clientcustomer.cli.options import add_format
from clientcustomer.exceptions import CliError, ValidationError

ANN = cc.Party("ann", "Ann Lee", "person")
DAY = dt.date(2026, 3, 2)


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below ``parser``, depth first."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += [child, *_subparsers(child)]
    return found


class TestStagedEntities:
    def test_field_order(self) -> None:
        """The shared base classes keep each entity's fields in their documented order."""
        names = {
            cls: [field.name for field in attrs.fields(cls)] for cls in (cc.Customer, cc.Client)
        }
        assert ["party", "since", "interactions", "history"] == names[cc.Customer]
        assert [
            "party",
            "since",
            "interactions",
            "engagements",
            "account_manager",
            "checkin_cadence_days",
            "history",
        ] == names[cc.Client]
        assert ["party", "since", "interactions", "engagements", "history"] == [
            field.name for field in attrs.fields(cc.FormerClient)
        ]

    @pytest.mark.parametrize("cls", [cc.Customer, cc.Client, cc.FormerClient])
    def test_interactions_of_another_party(self, cls: type[cc.Customer]) -> None:
        """Every staged entity refuses an interaction with another party, naming its index."""
        bob = cc.Interaction("bob", DAY, "purchase")
        with pytest.raises(ValidationError, match=r"\$\.interactions\[0\]\.party_id"):
            cls(ANN, DAY, (bob,))

    @pytest.mark.parametrize("cls", [cc.Client, cc.FormerClient])
    def test_engagements_of_another_party(self, cls: type[cc.Client]) -> None:
        """A client and a former client refuse another party's engagement."""
        work = cc.Engagement("e1", "bob", "Audit", start=DAY)
        with pytest.raises(ValidationError, match=r"\$\.engagements\[0\]\.client_id"):
            cls(ANN, DAY, (), (work,))

    def test_re_engage_keeps_the_engagements(self) -> None:
        """A former client coming back keeps its engagements, the new one last."""
        first = cc.Engagement(
            "e1", "ann", "Audit", start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 1)
        )
        again = cc.Engagement("e2", "ann", "Second audit", start=DAY)
        former = cc.FormerClient(ANN, dt.date(2025, 10, 1), (), (first,))
        client = former.re_engage(again, on=DAY)
        assert (("e1", "e2"), DAY) == (tuple(e.id for e in client.engagements), client.since)
        customer = cc.Customer(ANN, dt.date(2025, 1, 1)).become_client(again, on=DAY)
        assert ("e2",) == tuple(e.id for e in customer.engagements)


class TestEvaluationFigures:
    def test_precision_recall_kappa(self) -> None:
        """Precision, recall and kappa read the matrix's columns and rows as before."""
        figures = cc.evaluate([{"customization": 0.0}] * 2, ["customer", "client"])
        assert (0.5, None) == (figures.precision("customer"), figures.precision("client"))
        assert (1.0, 0.0) == (figures.recall("customer"), figures.recall("client"))
        assert 0.0 == figures.kappa
        assert (0.5, 0.0) == (figures.agreement, figures.ambiguous_share)


class TestCommandDeclarations:
    def test_every_format_defaults_to_its_first_choice(self) -> None:
        """Every command's --format defaults to its first choice and says so in its help."""
        checked = 0
        for parser in _subparsers(build_parser()):
            for action in parser._actions:
                if action.dest == "format" and action.choices:
                    assert action.default == next(iter(action.choices))
                    assert str(action.help).endswith("(default: %(default)s)")
                    checked += 1
        assert checked >= 8

    def test_every_command_has_a_handler(self) -> None:
        """Every command without subcommands runs a handler."""
        for parser in _subparsers(build_parser()):
            has_commands = any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)
            assert has_commands or callable(parser.get_default("handler")), parser.prog

    def test_add_format(self) -> None:
        """add_format: the first choice is the default."""
        parser = argparse.ArgumentParser()
        add_format(parser, ("table", "jsonl"), "a table or JSON Lines")
        assert "table" == parser.parse_args([]).format


class TestUnreadableFiles:
    @pytest.mark.parametrize(
        ("error", "reason"),
        [
            (FileNotFoundError(2, "No such file or directory"), "not found"),
            (IsADirectoryError(21, "Is a directory"), "a folder"),
            (PermissionError(13, "Permission denied"), "permission denied"),
            (OSError(5, "Input/output error"), "Input/output error"),
        ],
    )
    def test_reason(self, error: OSError, reason: str) -> None:
        """One short reason per kind of unreadable file."""
        assert reason == unreadable(error)

    def test_engagements_folder(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--engagements naming a folder says 'a folder', as the other file options do."""
        argv = ["lifecycle", "check", "--stage", "client", "--event", "lapse", "--on"]
        status = main([*argv, "2026-01-01", "--engagements", str(tmp_path)])
        assert 2 == status
        assert "(a folder)" in capsys.readouterr().err

    def test_signal_file_folder(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A signal file that is a folder fails on one line naming it."""
        folder = tmp_path / "rows.csv"
        folder.mkdir()
        assert 2 == main(["classify", str(folder)])
        assert f"got {str(folder)!r} (a folder)" in capsys.readouterr().err

    def test_format_by_suffix(self) -> None:
        """The format comes from the extension, any case; another extension names what fits."""
        assert "jsonl" == format_by_suffix("a.NDJSON", {".ndjson": "jsonl"}, "x")
        with pytest.raises(CliError, match=r"FILE: expected a \.csv file, got 'a\.txt'"):
            format_by_suffix("a.txt", {".csv": "csv"}, "a .csv file")
