"""The glossary: the domain's words, what they mean here, and the sources' own words.

The terms are data (``glossary.toml`` beside this module), read once; `GLOSSARY` is a read-only
mapping shared by ``clientcustomer glossary`` and the documentation's glossary page.
"""

from __future__ import annotations

import textwrap
import tomllib
import types
from collections.abc import Mapping
from importlib.resources import files

import attrs

from . import validation as v

__all__ = ["GLOSSARY", "GlossaryTerm"]


@attrs.frozen
class GlossaryTerm:
    """One word of the domain: what it means in this library and in the sources.

    Attributes:
        term: The word, lower case, words joined by hyphens (``decision-maker``).
        meaning: What it means in this library, in one or two sentences.
        quotes: The sources' own words about it, verbatim.
        names: The library's names that carry it (classes, enum members, functions).

    Example:
        >>> from clientcustomer import GLOSSARY
        >>> GLOSSARY["payer"].names
        ('EngagementRole.PAYER',)
        >>> print(GLOSSARY["payer"])
        payer: The party on an engagement that pays the bills. ...
    """

    term: str = attrs.field(validator=v.non_empty_str)
    meaning: str = attrs.field(validator=v.non_empty_str)
    quotes: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a quote"))
    names: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a name"))

    def __str__(self) -> str:
        return f"{self.term}: {self.meaning}"

    def explain(self) -> str:
        """The term in lines of at most 88 characters: meaning, the sources' words, names.

        Example:
            >>> from clientcustomer import GLOSSARY
            >>> print(GLOSSARY["decision-maker"].explain())
            decision-maker: The party on an engagement that makes the decisions about the work.
              the sources: “The “client” makes the decisions and pays the bills.”
              in the library: EngagementRole.DECISION_MAKER
        """
        lines = [str(self)]
        lines.extend(f"  the sources: “{quote}”" for quote in self.quotes)
        if self.names:
            lines.append(f"  in the library: {', '.join(self.names)}")
        return "\n".join(
            textwrap.fill(line, width=88, subsequent_indent="    ", break_on_hyphens=False)
            for line in lines
        )

    def _repr_html_(self) -> str:
        from .html import fields_table, lines  # noqa: PLC0415 - only for a display

        rows = [("meaning", self.meaning), ("the sources", lines(self.quotes))]
        return fields_table([*rows, ("in the library", self.names)], caption=self.term)


def _load() -> Mapping[str, GlossaryTerm]:
    data = tomllib.loads(files(__package__).joinpath("glossary.toml").read_text("utf-8"))
    terms = {
        term: GlossaryTerm(
            term, entry["meaning"], tuple(entry["quotes"]), tuple(entry.get("names", ()))
        )
        for term, entry in data.items()
    }
    return types.MappingProxyType(terms)


GLOSSARY: Mapping[str, GlossaryTerm] = _load()
"""Every term of the glossary by name (read-only), in the order of the glossary.

Example:
    >>> from clientcustomer import GLOSSARY
    >>> list(GLOSSARY)[:3]
    ['customer', 'client', 'former-client']
"""
