"""A griffe extension: render Google ``Example:`` sections as examples, like ``Examples:``.

The project's docstrings use the singular ``Example:`` heading, which griffe's Google parser
would otherwise render as an admonition with the doctest as plain text.
"""

from __future__ import annotations

import re

import griffe

_HEADING = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rename ``Example:`` section headings to ``Examples:`` before the docstrings are parsed."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: object) -> None:  # noqa: ARG002 - griffe API
        """Rewrite the heading in one object's docstring, as soon as the object exists."""
        if obj.docstring is not None:
            obj.docstring.value = _HEADING.sub(r"\1Examples:", obj.docstring.value)
