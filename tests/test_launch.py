"""The console entry's own parser: what it answers without Typer, and what it
hands to Typer because only Typer can explain it."""

import pytest

from airesearch.cli.launch import parse_options


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
          "-o": "g.json"}),
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
    ),
)
def test_anything_it_cannot_check_goes_to_typer(command, args):
    assert parse_options(command, args) is None
