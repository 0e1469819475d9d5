"""The ``clientcustomer`` command line skeleton: ``--version`` and ``--help``."""

from __future__ import annotations

import subprocess
import sys

import pytest

import clientcustomer
from clientcustomer._cli import main


class TestVersionAndHelp:
    def test_version_prints_the_package_version(self, capsys):
        """``--version`` prints the program name and version and exits with 0."""
        with pytest.raises(SystemExit) as info:
            main(["--version"])

        assert 0 == info.value.code
        assert f"clientcustomer {clientcustomer.__version__}\n" == capsys.readouterr().out

    def test_help_describes_the_program(self, capsys):
        """``--help`` prints usage and exits with 0."""
        with pytest.raises(SystemExit) as info:
            main(["--help"])

        assert 0 == info.value.code
        assert capsys.readouterr().out.startswith("usage: clientcustomer")

    def test_no_arguments_prints_help(self, capsys):
        """With no subcommand the program prints its help and succeeds."""
        assert 0 == main([])
        assert "usage: clientcustomer" in capsys.readouterr().out

    def test_unknown_option_is_a_usage_error(self, capsys):
        """An unknown option exits with status 2 and says what was wrong."""
        with pytest.raises(SystemExit) as info:
            main(["--no-such-option"])

        assert 2 == info.value.code
        assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err

    def test_runs_as_a_module(self):
        """``python -m clientcustomer --version`` works like the console script."""
        result = subprocess.run(
            [sys.executable, "-m", "clientcustomer", "--version"],
            capture_output=True,
            text=True,
            check=False,
        )

        assert (0, f"clientcustomer {clientcustomer.__version__}\n") == (
            result.returncode,
            result.stdout,
        )
