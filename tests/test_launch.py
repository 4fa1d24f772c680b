"""The console entry's own parser: what it answers without Typer, and what it
hands to Typer because only Typer can explain it."""

import pytest
import typer

from airesearch.cli.app import app
from airesearch.cli.launch import SPECS, parse_options


@pytest.mark.parametrize(
    "command, args, expected",
    (
        ("entities", ["--json", "--top", "5", "--type", "product"],
         {"--top": 5, "--type": "product", "--json": True}),
        ("entity", ["NVIDIA", "--json"], {"words": ["NVIDIA"]}),
        ("deals", ["--csv", "--rate", "JPY=140", "--rate=EUR=0.9", "--each"],
         {"--rate": ["JPY=140", "EUR=0.9"], "--each": True}),
        ("deals", ["--json", "--kind", "all", "--sort", "date"],
         {"--kind": "all", "--sort": "date"}),
        ("graph", ["--json", "--entity", "NVIDIA", "--depth", "2", "--type", "org",
                   "--type", "product", "-o", "g.json"],
         {"--entity": "NVIDIA", "--depth": 2, "--type": ["org", "product"],
          "--output": "g.json", "--top": 50, "--since": None}),
        ("search", ["GPU", "--json"], {"--limit": 10, "--exact": False,
                                       "--tag": [], "--color": "auto"}),
        ("index", ["--no-follow", "--scheduler", "tcp://127.0.0.1:8786"],
         {"--no-follow": True, "--follow": False, "--rebuild": False,
          "--scheduler": "tcp://127.0.0.1:8786"}),
    ),
)  # fmt: skip
def test_listing_options_are_parsed(command, args, expected):
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
    ),
)
def test_anything_it_cannot_check_goes_to_typer(command, args):
    assert parse_options(command, args) is None


def typer_params(command: str) -> list:
    return typer.main.get_command(app).commands[command].params


def typer_options(command: str) -> dict:
    """Every option name of a command of the Typer app, with its option."""
    return {
        name: param
        for param in typer_params(command)
        if param.param_type_name == "option"
        for name in (*param.opts, *param.secondary_opts)
    }


def plain(value):
    """A Typer default as the fast path holds it: an enum by its value."""
    return getattr(value, "value", value)


@pytest.mark.parametrize("command", sorted(SPECS))
def test_the_fast_path_reads_every_option_as_typer_does(command):
    # The fast path answers without Typer, from its own table: every option it
    # accepts must be Typer's, of the same kind and with the same default, and
    # every Typer option must be in it (an unknown option would send the
    # command to Typer, so a new option would silently cost the fast path).
    spec, options = SPECS[command], typer_options(command)
    from airesearch.cli.launch import ALIASES

    assert set(options) - {"--help"} == (
        spec.flags | set(spec.valued) | spec.repeated
        | {alias for alias, name in ALIASES.items() if name in spec.valued}
    )  # fmt: skip
    for name in spec.flags:
        option = options[name]
        # A --x/--no-x pair is two flags of the fast path, one value (None
        # unless given) for Typer.
        paired = bool(option.secondary_opts)
        assert option.is_flag and option.default is (None if paired else False), name
    for name, default in spec.valued.items():
        option = options[name]
        assert not option.is_flag and not option.multiple, name
        assert plain(option.default) == default, name
    for name in spec.repeated:
        assert options[name].multiple, name
    arguments = [
        p for p in typer_params(command) if p.param_type_name == "argument"
    ]  # fmt: skip
    expected = {"words": (-1, True), "name": (1, True), None: None}[spec.positional]
    found = (arguments[0].nargs, arguments[0].required) if arguments else None
    assert found == expected


def test_a_changed_default_is_caught(monkeypatch):
    from airesearch.cli import launch

    changed = SPECS["deals"]._replace(valued={**SPECS["deals"].valued, "--top": 20})
    monkeypatch.setitem(launch.SPECS, "deals", changed)
    with pytest.raises(AssertionError):
        test_the_fast_path_reads_every_option_as_typer_does("deals")
