"""The console entry's own parser and the Typer app, both built from the one
option table: what the entry answers without Typer, what it hands to Typer
because only Typer can explain it, and that the two give every command's body
the same values for every option."""

import pytest
from typer.testing import CliRunner

from airesearch.cli import bodies
from airesearch.cli import option_table as table
from airesearch.cli.app import app
from airesearch.cli.launch import parse_options
from airesearch.cli.option_table import COMMANDS, choices_of


@pytest.mark.parametrize(
    "command, args, expected",
    (
        ("entities", ["--json", "--top", "5", "--type", "product"],
         {"top": 5, "entity_type": "product", "json_out": True}),
        ("entity", ["NVIDIA", "--json"], {"name": "NVIDIA"}),
        ("deals", ["--csv", "--rate", "JPY=140", "--rate=EUR=0.9", "--each"],
         {"rate": ["JPY=140", "EUR=0.9"], "each": True}),
        ("deals", ["--json", "--kind", "all", "--sort", "date"],
         {"kind": "all", "sort": "date"}),
        ("graph", ["--json", "--entity", "NVIDIA", "--depth", "2", "--type", "org",
                   "--type", "product", "-o", "g.json"],
         {"entity": "NVIDIA", "depth": 2, "types": ["org", "product"],
          "output": "g.json", "top": 50, "since": None}),
        ("search", ["GPU", "--json"], {"limit": 10, "exact": False,
                                       "tag": [], "color": "auto"}),
        ("index", ["--no-follow", "--scheduler", "tcp://127.0.0.1:8786"],
         {"follow": False, "rebuild": False, "scheduler": "tcp://127.0.0.1:8786"}),
        ("keywords", ["--since", "2026-04-01", "--min-g2", "10", "--json"],
         {"since": "2026-04-01", "min_g2": 10.0, "baseline": "rest"}),
        ("trend", ["--json", "--entity", "NVIDIA"],
         {"query": [], "entity": ["NVIDIA"]}),
    ),
)  # fmt: skip
def test_options_are_parsed(command, args, expected):
    options = parse_options(command, args)
    assert options is not None
    for key, value in expected.items():
        assert options[key] == value


@pytest.mark.parametrize(
    "command, args",
    (
        ("entities", ["--json", "--type", "animal"]),
        ("entities", ["--json", "--sort", "amount"]),
        ("entities", ["--json", "stray"]),
        ("entity", ["--json"]),
        ("entity", ["a", "b", "--json"]),
        ("entity", ["NVIDIA", "--jsonl"]),
        ("deals", ["--json", "--kind", "gift"]),
        ("deals", ["--json", "--top", "many"]),
        ("deals", ["--json", "--color", "pink"]),
        ("graph", ["--json", "--type", "animal"]),
        ("graph", ["--json", "--edges", "both"]),
        ("graph", ["--json", "--depth", "deep"]),
        ("graph", ["--json", "NVIDIA"]),
        ("index", ["--follow", "--no-follow"]),
        ("index", ["stray"]),
        ("index", ["--rebuild=yes"]),
        ("keywords", ["--json"]),  # --since is required
        ("keywords", ["--since", "2026-04-01", "--min-g2", "high", "--json"]),
    ),
)
def test_anything_it_cannot_check_goes_to_typer(command, args):
    assert parse_options(command, args) is None


def every_option(command: str) -> list[str]:
    """Arguments that give every option of the command a value other than
    its default (a choice: the last one; repeatable: twice)."""
    args, positional = [], []
    for option in COMMANDS[command].options:
        sample = f"/tmp/{option.param}" if option.path else f"{option.param}-1"
        if option.choices:
            sample = choices_of(option)[-1]
        if option.kind in (table.WORDS, table.MAYBE_WORDS):
            positional += ["w1", "w2"]
        elif option.kind == table.NAME:
            positional.append("n1")
        elif option.kind == table.FLAG:
            args.append(option.flag)
        elif option.kind == table.PAIR:
            args.append(option.names[1])
        elif option.kind == table.REPEAT:
            second = choices_of(option)[0] if option.choices else "r2"
            args += [option.flag, sample, f"{option.flag}={second}"]
        else:
            value = {table.INT: "7", table.FLOAT: "2.5"}.get(option.kind, sample)
            args += [option.names[0], value]
    return [*positional, *args]


def fewest(command: str) -> list[str]:
    """The arguments the command cannot do without."""
    args = []
    for option in COMMANDS[command].options:
        if option.kind in (table.WORDS, table.NAME):
            args.append("w1")
        elif option.required:
            args += [option.flag, "2026-04-01"]
    return args


def typer_values(monkeypatch, command: str, args: list[str], env=None) -> dict:
    """The values the Typer app hands the command's body."""
    seen = {}

    def body(values, early=None):
        seen.update(values)
        return 0

    monkeypatch.setattr(bodies, command, body)
    result = CliRunner(env=env).invoke(app, [command, *args])
    assert result.exit_code == 0, result.output
    return seen


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_two_paths_give_the_body_the_same_values(monkeypatch, command):
    # One table builds both parsers: every option given, none given, and the
    # options read from the environment give the same values either way.
    for args in (every_option(command), fewest(command)):
        fast = parse_options(command, args)
        assert fast is not None, args
        assert typer_values(monkeypatch, command, args) == fast, args
    env = {"AIRESEARCH_CORPUS": "/tmp/env-corpus", "AIRESEARCH_INDEX": "/tmp/i.db"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    fast = parse_options(command, fewest(command))
    assert fast["corpus"] == "/tmp/env-corpus" and fast["index"] == "/tmp/i.db"
    assert typer_values(monkeypatch, command, fewest(command), env) == fast


def test_every_option_of_the_sample_differs_from_its_default():
    # Otherwise the test above would not see an option the two paths read
    # differently (a value that equals the default hides the mistake).
    for command in COMMANDS:
        given = parse_options(command, every_option(command))
        default = parse_options(command, fewest(command))
        for option in COMMANDS[command].options:
            if option.kind not in (table.WORDS, table.NAME) and not option.required:
                assert given[option.param] != default[option.param], option
