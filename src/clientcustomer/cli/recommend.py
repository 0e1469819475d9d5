"""The ``recommend`` command: what to do next for each party of an interaction log, and why.

Each party of the log is classified (the default rule set, or ``--rules FILE``) from the signals
derived as of ``--as-of``, and the playbook (the default one, or ``--playbook FILE``) turns what is
known about the party into dated actions, each with the reason it applies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

import attrs

from clientcustomer import (
    Classification,
    Classifier,
    PartyLog,
    Playbook,
    PlaybookAction,
    derive_signals,
    load_playbook,
    recommend,
    unstructure,
)
from clientcustomer.exceptions import CliError, ValidationError

from .inputs import (
    add_log_options,
    add_log_or_demo,
    add_party_filter,
    load_rules,
    only_parties,
    parse_date,
    read_log_or_demo,
)
from .options import add_command, add_format, add_output, add_rules
from .output import EXIT_OK, one_line, open_output

__all__ = ["register"]


@attrs.frozen
class _Advice:
    """One party's classification and the actions recommended for it."""

    party_id: str
    verdict: Classification
    actions: tuple[PlaybookAction, ...]


def _load_playbook(path: str | None) -> Playbook:
    """The playbook of ``--playbook`` (the default one when ``None``), failing on one line."""
    if path is None:
        return Playbook.default()
    try:
        return load_playbook(path)
    except ValidationError as error:
        raise CliError(f"--playbook {path}: {one_line(str(error))}") from None


def _logs(args: argparse.Namespace) -> tuple[list[PartyLog], dt.date]:
    """Each party's log and the date to recommend for: from LOG or the bundled demo data."""
    logs, default = read_log_or_demo(args)
    as_of = default if args.as_of is None else parse_date(args.as_of, option="--as-of")
    if as_of is None and not logs:  # a log with no rows: nothing to recommend, as of any day
        return logs, dt.datetime.now(tz=dt.UTC).date()
    if as_of is None:
        msg = "--as-of: expected a date, got nothing (the log has no interaction to start from)"
        raise CliError(msg)
    return logs, as_of


def _advice(
    logs: list[PartyLog], as_of: dt.date, classifier: Classifier, playbook: Playbook
) -> Iterator[_Advice]:
    """Classify each party known on ``as_of`` and recommend its actions."""
    for item in logs:
        if not any(i.on <= as_of for i in item.interactions) and not any(
            e.start <= as_of for e in item.engagements
        ):
            continue
        signals = derive_signals(
            item.interactions, item.engagements, as_of=as_of, party_id=item.party_id
        )
        verdict = classifier.classify(signals)
        actions = recommend(
            item.party_id,
            as_of=as_of,
            classification=verdict,
            interactions=item.interactions,
            engagements=item.engagements,
            signals=signals,
            playbook=playbook,
        )
        yield _Advice(item.party_id, verdict, actions)


def _write_text(out: IO[str], advice: _Advice) -> None:
    verdict = advice.verdict
    out.write(
        f"{advice.party_id}: {verdict.role.value} (score {verdict.score:g}, "
        f"margin {verdict.margin:+g})\n"
    )
    if not advice.actions:
        out.write("  nothing to do\n")
    for action in advice.actions:
        line = f"  {action.due.isoformat()}  [{action.kind.value}] {action.text}"
        if action.overdue:
            plural = "" if action.overdue_days == 1 else "s"
            line += f" (overdue by {action.overdue_days} day{plural})"
        out.write(f"{line}\n")
        if action.reason:
            out.write(f"      because: {action.reason}\n")
        if action.serves:
            out.write(f"      serves: {action.serves}\n")


def _write_jsonl(out: IO[str], advice: _Advice, as_of: dt.date) -> None:
    for action in advice.actions:
        document = {
            "as_of": as_of.isoformat(),
            "role": advice.verdict.role.value,
            **unstructure(action),
            "overdue": action.overdue,
        }
        out.write(json.dumps(document, ensure_ascii=False) + "\n")


def _recommend(args: argparse.Namespace) -> int:
    playbook = _load_playbook(args.playbook)
    classifier = Classifier(load_rules(args.rules))
    logs, as_of = _logs(args)
    logs = only_parties(args.party, logs)
    parties = actions = overdue = 0
    with open_output(args.output) as out:
        for advice in _advice(logs, as_of, classifier, playbook):
            parties += 1
            actions += len(advice.actions)
            overdue += sum(action.overdue for action in advice.actions)
            if args.format == "jsonl":
                _write_jsonl(out, advice, as_of)
            else:
                _write_text(out, advice)
        summary = (
            f"{actions} action{'' if actions == 1 else 's'} ({overdue} overdue) for {parties} "
            f"part{'y' if parties == 1 else 'ies'} as of {as_of.isoformat()}, "
            f"playbook {playbook.id}"
        )
        if args.format == "text":
            out.write(f"\n{summary}\n")
    if args.format != "text" or args.output not in {None, "-"}:
        sys.stderr.write(f"recommend: {summary}\n")
    return EXIT_OK


def register(subparsers: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add the ``recommend`` command.

    Example:
        >>> from clientcustomer.cli.main import build_parser
        >>> args = build_parser().parse_args(["recommend", "log.csv", "--playbook", "ours.toml"])
        >>> args.log, args.playbook, args.rules, args.format
        ('log.csv', 'ours.toml', None, 'text')
    """
    parser = add_command(
        subparsers,
        "recommend",
        _recommend,
        help="recommend what to do next for each party of a log, and why",
        description="Classify each party of an interaction log as of a date and recommend what "
        "to do next from a playbook (loyalty programs, feedback and promotions for customers; "
        "check-ins, custom solutions and education for clients; ongoing services for customers "
        "moving toward client; follow-ups on what a client owes), each action with its due "
        "date and the reason it applies.",
    )
    add_log_or_demo(parser, verb="recommend for")
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="the date to recommend for (default: the day after the latest interaction; "
        "2026-11-01 with --demo)",
    )
    add_party_filter(parser)
    parser.add_argument(
        "--playbook",
        metavar="FILE",
        help="a playbook (.toml or .json) instead of the default one",
    )
    add_rules(parser)
    add_format(
        parser,
        ("text", "jsonl"),
        "readable text, party by party, or JSON Lines: one action per line",
    )
    add_output(parser, "write to FILE (atomically) instead of stdout")
    add_log_options(parser)
