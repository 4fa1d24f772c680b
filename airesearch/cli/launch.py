"""The console entry point. Any command asked as data (--json, --jsonl, --csv)
and `index` are answered here, from the option table, without importing Typer
(which, with pydantic, costs 150–250 ms of start-up: more than an unchanged
re-check itself); anything this small parser does not recognise, or any value
it cannot check, goes to the Typer app in cli/app.py, which owns all messages.
"""

from __future__ import annotations

import os
import sys

from airesearch.cli.option_table import (
    COMMANDS,
    FLAG,
    FLOAT,
    INT,
    NAME,
    PAIR,
    POSITIONAL,
    REPEAT,
    WORDS,
    choices_of,
    defaults,
    option_named,
)

DATA_FORMATS = {"--json", "--jsonl", "--csv"}


def main() -> None:
    argv = sys.argv[1:]
    command = COMMANDS.get(argv[0]) if argv else None
    if command and (
        command.fast == "always"
        or (command.fast == "data" and DATA_FORMATS.intersection(argv))
    ):
        values = parse_options(argv[0], argv[1:])
        if values is not None:
            exit_now(answer(argv[0], values))
    from airesearch.cli.app import run

    run()


def parse_options(command: str, args: list[str]) -> dict | None:
    """The values of a command's options as cli/bodies.py reads them (every
    option present: its default, or its environment variable, if not
    given), or None to defer to Typer, which explains what is wrong."""
    options = COMMANDS[command].options
    values = defaults(command)
    given: set[str] = set()
    words: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "--":
            words += args[position:]
            break
        name, equals, value = arg.partition("=")
        option = option_named(command, name)
        if option is None:
            if arg.startswith("-") and arg != "-":
                return None  # unknown option or --help: Typer explains
            words.append(arg)
            continue
        if option.kind in (FLAG, PAIR):
            turned_on = option.kind == FLAG or name == option.names[0]
            if equals or (option.param in given and values[option.param] != turned_on):
                return None  # --follow with --no-follow: Typer says which wins
            values[option.param] = turned_on
        else:
            if not equals:
                if position >= len(args):
                    return None
                value, position = args[position], position + 1
            value = checked(option, value)
            if value is None:
                return None
            if option.kind == REPEAT:
                values[option.param].append(value)
            else:
                values[option.param] = value
        given.add(option.param)
    for option in options:
        if option.kind in POSITIONAL:
            if (option.kind == WORDS and not words) or (
                option.kind == NAME and len(words) != 1
            ):
                return None
            values[option.param] = words[0] if option.kind == NAME else words
            words = []
        elif option.required and option.param not in given:
            return None
        elif option.envvar and option.param not in given:
            values[option.param] = os.environ.get(option.envvar) or option.default
    return None if words else values


def checked(option, value: str):
    """The value as the body gets it (a number parsed), or None when Typer
    would refuse it (then Typer says why)."""
    if option.choices and value not in choices_of(option):
        return None
    try:
        return {INT: int, FLOAT: float}.get(option.kind, str)(value)
    except ValueError:
        return None


def answer(command: str, values: dict) -> int:
    """Run a command's body; its errors end as in cli/app.py (render.exit_code)."""
    early = None
    if command != "index" and not values.get("no_update"):
        # First, so that find stats the corpus while this process imports
        # (`index` lists every file itself).
        from airesearch.cli.environment import cache_home
        from airesearch.index.stamp import start_early_check

        early = start_early_check(values["corpus"], values["index"], cache_home())
    from airesearch.cli import bodies
    from airesearch.output import render

    try:
        return getattr(bodies, command)(values, early) or 0
    except render.HANDLED as error:
        return render.exit_code(error)
    finally:
        if early is not None:
            early.cancel()  # not taken: the index was missing or rebuilt


def exit_now(code: int) -> None:
    """Flush and leave without interpreter teardown (unmapping the dictionary,
    freeing every module), which costs about 8 ms and does nothing useful here."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    sys.stderr.flush()
    os._exit(code)
