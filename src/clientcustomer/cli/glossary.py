"""``clientcustomer glossary [TERM]``: the domain's words, what they mean, and the sources' words.

Without a term it lists every term with its meaning; with one it prints that term, the sources'
own words about it and the library's names that carry it. An unknown term exits 2 naming the
terms there are. The terms come from `clientcustomer.GLOSSARY`, as the docs' glossary page does.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from clientcustomer import GLOSSARY
from clientcustomer.exceptions import CliError

from .options import add_command, add_output
from .output import EXIT_OK, open_output

__all__ = ["register"]


def register(subparsers: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add the ``glossary`` command.

    Example:
        >>> from clientcustomer.cli.main import build_parser
        >>> build_parser().parse_args(["glossary", "payer"]).term
        'payer'
    """
    command = add_command(
        subparsers,
        "glossary",
        _glossary,
        help="what the words mean: customer, client, payer, dependency...",
        description="Print the glossary (every term and its meaning), or one term with the "
        "sources' own words about it and the library's names that carry it.",
    )
    command.add_argument("term", metavar="TERM", nargs="?", help="one term (default: all)")
    add_output(command)


def _lookup(text: str) -> str:
    key = text.strip().lower().replace(" ", "-").replace("_", "-")
    if key in GLOSSARY:
        return GLOSSARY[key].explain()
    if key.endswith("s") and key[:-1] in GLOSSARY:  # "clients", "dependencies" too
        return GLOSSARY[key[:-1]].explain()
    if key.endswith("ies") and key[:-3] + "y" in GLOSSARY:
        return GLOSSARY[key[:-3] + "y"].explain()
    msg = f"TERM: expected one of {', '.join(GLOSSARY)}, got {text!r}"
    raise CliError(msg)


def _glossary(args: argparse.Namespace) -> int:
    if args.term is None:
        text = "\n".join(
            textwrap.fill(str(term), width=88, subsequent_indent="    ", break_on_hyphens=False)
            for term in GLOSSARY.values()
        )
    else:
        text = _lookup(args.term)
    with open_output(args.output) as out:
        out.write(text + "\n")
    return EXIT_OK
