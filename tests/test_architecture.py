"""The layout and its contract: the docs' diagram, the import-linter layers and the CLI agree."""

import re
import tomllib
from pathlib import Path

import clientcustomer

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(clientcustomer.__file__).resolve().parent


def contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    return layers


def test_the_architecture_diagram_draws_the_contract_layers_in_order():
    page = (ROOT / "docs" / "explanation" / "architecture.md").read_text(encoding="utf-8")
    chain = re.search(r"^\s*(cli --> .*)$", page, re.MULTILINE)
    assert chain is not None
    drawn = [name.strip() for name in chain.group(1).split("-->")]
    assert [name.replace("_core", "core") for name in contract_layers()] == drawn


def test_every_layer_is_a_folder_or_module_of_the_package():
    for layer in contract_layers():
        assert (PACKAGE / layer).is_dir() or (PACKAGE / f"{layer}.py").is_file(), layer


def test_the_cli_loads_no_module_by_name_and_no_command_imports_another():
    commands = {"classify", "rules", "lifecycle", "engagement", "recommend"}
    for path in (PACKAGE / "cli").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "importlib" not in text, path.name
        for other in commands - {path.stem}:
            assert not re.search(rf"from \.{other} import|from \. import .*\b{other}\b", text) or (
                path.stem == "main"
            ), (path.name, other)
