"""A griffe extension: render Google ``Example:`` sections as examples.

The project's docstrings use the singular ``Example:`` heading (``Examples:`` is the
one griffe's Google parser knows), which the parser would otherwise render as an
admonition with the doctest as plain text.
"""

from __future__ import annotations

import re

import griffe

_HEADING = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rename ``Example:`` headings to ``Examples:`` before docstrings are read."""

    def on_instance(
        self,
        *,
        obj: griffe.Object,
        **kwargs: object,  # noqa: ARG002 - griffe's API
    ) -> None:
        """Rewrite the heading in one object's docstring, as soon as it exists."""
        if obj.docstring is not None:
            obj.docstring.value = _HEADING.sub(r"\1Examples:", obj.docstring.value)
