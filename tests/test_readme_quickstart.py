"""The README's quick start: two commands that a shell runs as written."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

pytestmark = pytest.mark.skipif(not README.is_file(), reason="no README in this checkout")


def develop_block() -> str:
    """The console block of the README's "Develop" section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Develop") :]
    match = re.search(r"```console\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the Develop section has a console block"
    return match.group(1)


def commands(block: str) -> list[str]:
    """The block's commands, continuation lines joined (comments and blank lines left out)."""
    found: list[str] = []
    pending = ""
    for line in block.splitlines():
        if not line.strip() or (not pending and line.lstrip().startswith("#")):
            continue
        pending += line.strip().removesuffix("\\").strip() + " "
        if not line.rstrip().endswith(("\\", "&&")):
            found.append(pending.strip())
            pending = ""
    assert not pending, f"a command is left unfinished: {pending!r}"
    return found


def test_two_commands_install_and_run_the_demo_and_the_suite():
    """One installs and runs the demo, one installs the test dependencies and runs the suite."""
    first, second = commands(develop_block())

    assert first == "python -m pip install . && clientcustomer demo"
    assert "python -m pip install --group dev -e ." in second
    assert second.endswith("python -m pytest -n auto")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_block_is_valid_shell():
    """Pasted into a shell, the block parses (a wrapped comment would run as a command)."""
    result = subprocess.run(
        ["bash", "-n"],  # noqa: S607 - bash from the PATH
        input=develop_block(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert (0, "") == (result.returncode, result.stderr)


def test_ci_installs_the_way_the_readme_says():
    """`.ci/run` installs the development environment with the README's own command."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8") if (ROOT / ".ci").is_dir() else ""
    if not ci:
        pytest.skip("no .ci/run in this checkout")
    assert "pip install --group dev -e ." in develop_block()
    assert "install --group dev -e" in ci
