"""The README documents every command and opens with the two commands CI runs."""

import re
from pathlib import Path

import typer

from airesearch.cli.app import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
COMMANDS = [command.callback.__name__ for command in app.registered_commands]
# Options every command has, documented once at the top of "Commands".
COMMON = {"--corpus", "--index", "--entities", "--color", "--help", "--json",
          "--jsonl", "--csv", "--no-update"}  # fmt: skip


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
        # The README section of the command names every option it has.
        section = README.split(f"### `airesearch {command}", 1)[1].split("\n## ")[0]
        section = section.split("\n### ", 1)[0]
        params = typer.main.get_command(app).commands[command].params
        for param in params:
            if param.param_type_name == "option" and param.opts[-1] not in COMMON:
                named = (
                    re.search(rf"(?<![\w-]){n}(?![\w-])", section) for n in param.opts
                )
                assert any(named), (command, param.opts)


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
        TimelineEvent,
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
        TimelineEvent,
    ):
        for name in record._fields:
            assert f"`{name}`" in README, (record.__name__, name)
