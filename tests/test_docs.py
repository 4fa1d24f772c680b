"""The README documents every command and opens with the two commands CI runs."""

import re
from pathlib import Path

from typer.testing import CliRunner

from airesearch.cli.app import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
COMMANDS = [command.callback.__name__ for command in app.registered_commands]


def code_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


def test_readme_opens_with_install_and_test_commands():
    first = code_blocks()[0].strip().splitlines()
    assert len(first) == 2
    assert "pip install" in first[0] and "airesearch search" in first[0]
    assert "pytest" in first[1]


def test_every_command_has_help_and_a_readme_example():
    examples = "\n".join(code_blocks())
    for command in COMMANDS:
        assert f"### `airesearch {command}" in README
        assert re.search(rf"^airesearch {command}\b", examples, re.M), command
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0 and len(result.stdout) > 100


def test_every_json_field_is_documented():
    from airesearch.models import (
        Brief,
        Deal,
        EntityProfile,
        EntitySummary,
        GraphEdge,
        GraphNode,
        Hit,
        Keyword,
        KwicLine,
        TrendPoint,
    )

    for record in (
        Hit,
        EntitySummary,
        EntityProfile,
        Deal,
        KwicLine,
        TrendPoint,
        Keyword,
        Brief,
        GraphNode,
        GraphEdge,
    ):
        for name in record._fields:
            assert f"`{name}`" in README, (record.__name__, name)
