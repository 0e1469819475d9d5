"""The glossary: one source (GLOSSARY) for the docs page and ``clientcustomer glossary``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import clientcustomer as cc
from clientcustomer.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "explanation" / "glossary.md"

TERMS = (
    "customer",
    "client",
    "payer",
    "decision-maker",
    "recipient",
    "provider",
    "engagement",
    "dependency",
    "deliverable",
    "signal",
    "aspect",
    "rule-set",
    "verdict",
    "lifecycle-stage",
    "expectation",
)


def _words(text: str) -> str:
    return " ".join(re.sub(r"^> ?", "", line) for line in text.splitlines()).split()


class TestData:
    def test_the_domain_words_are_there(self):
        """Every word of the domain named by the issue has an entry with a meaning."""
        assert [] == [term for term in TERMS if term not in cc.GLOSSARY]
        assert all(entry.meaning for entry in cc.GLOSSARY.values())

    def test_read_only(self):
        """The mapping cannot be changed in place."""
        with pytest.raises(TypeError):
            cc.GLOSSARY["x"] = cc.GLOSSARY["client"]  # type: ignore[index]

    def test_names_exist_in_the_library(self):
        """Each name a term points to is a real public name (or its member or attribute)."""
        missing = []
        for entry in cc.GLOSSARY.values():
            for name in entry.names:
                head, _, rest = name.partition(".")
                found = getattr(cc, head, None)
                if found is None or (rest and not hasattr(found, rest)):
                    missing.append(name)
        assert [] == missing


class TestPage:
    def test_the_page_lists_every_term(self):
        """The docs page has a heading per term, its meaning and every quote."""
        text = PAGE.read_text(encoding="utf-8")
        flat = " ".join(_words(text))
        headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)

        assert list(cc.GLOSSARY) == headings
        for entry in cc.GLOSSARY.values():
            assert " ".join(entry.meaning.split()) in flat, entry.term
            for quote in entry.quotes:
                assert " ".join(quote.split()) in flat, (entry.term, quote)

    def test_the_page_shows_the_real_command_output(self, capsys):
        """The console example is what ``clientcustomer glossary payer`` prints."""
        text = PAGE.read_text(encoding="utf-8")
        shown = text.split("$ clientcustomer glossary payer\n", 1)[1].split("```", 1)[0]

        assert 0 == main(["glossary", "payer"])
        assert shown == capsys.readouterr().out


class TestCommand:
    def test_all_terms(self, capsys):
        """Without a term, every term is listed with its meaning, in the glossary's order."""
        assert 0 == main(["glossary"])
        out = capsys.readouterr().out
        starts = [line.split(":", 1)[0] for line in out.splitlines() if not line.startswith(" ")]

        assert list(cc.GLOSSARY) == starts

    @pytest.mark.parametrize("asked", ["Decision maker", "decision_maker", "DECISION-MAKER"])
    def test_one_term_in_any_spelling(self, capsys, asked):
        """Case, spaces and underscores do not matter."""
        assert 0 == main(["glossary", asked])
        out = capsys.readouterr().out

        assert out.startswith("decision-maker: ")
        assert "the sources: “The “client” makes the decisions" in out

    @pytest.mark.parametrize(
        ("asked", "term"), [("clients", "client"), ("dependencies", "dependency")]
    )
    def test_plurals(self, capsys, asked, term):
        """A plural finds its term."""
        assert 0 == main(["glossary", asked])
        assert capsys.readouterr().out.startswith(f"{term}: ")

    def test_unknown_term(self, capsys):
        """An unknown term exits 2 with one line naming the terms there are."""
        assert 2 == main(["glossary", "shopper"])
        out, err = capsys.readouterr()

        assert "" == out
        assert 1 == len(err.splitlines())
        assert "TERM: expected one of customer, client," in err
        assert "got 'shopper'" in err

    def test_lines_fit(self, capsys):
        """Every line the command prints fits in 88 columns."""
        assert 0 == main(["glossary"])
        for term in cc.GLOSSARY:
            main(["glossary", term])
        assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 88
