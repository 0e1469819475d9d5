"""The ``clientcustomer`` command line: a thin client of the public API.

`main` builds the parser (`clientcustomer.cli.main`) from the commands, each declared with
`clientcustomer.cli.options`; `clientcustomer.cli.inputs` reads what every command reads (signal
files, logs, rule sets, playbooks, dates) and `clientcustomer.cli.output` writes what every
command writes. One module per command group.

Example:
    >>> from clientcustomer.cli import main
    >>> main(["lifecycle", "diagram"])  # doctest: +ELLIPSIS
    stateDiagram-v2
    ...
    0
"""

from __future__ import annotations

from .main import main

__all__ = ["main"]
