"""The Typer app, built from the option table (cli/option_table.py): one
command per entry, its signature made from the table's options, its body
cli/bodies.py's; and the wrapper that turns a user's error into one line and an
exit code.
"""

from __future__ import annotations

import functools
import inspect
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated

import typer

from airesearch.cli import bodies
from airesearch.cli.option_table import (
    COMMANDS,
    FLAG,
    FLOAT,
    INT,
    MAYBE_WORDS,
    NAME,
    PAIR,
    POSITIONAL,
    REPEAT,
    Command,
    Option,
    choices_of,
)
from airesearch.output import render

app = typer.Typer(
    name="airesearch",
    help="Search Japanese articles about the AI industry.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help (as ripgrep and gh print it): no boxes, no <bool> after flags.
    rich_markup_mode=None,
)


def show_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        print(f"airesearch {version('airesearch')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            is_eager=True,
            callback=show_version,
            metavar="",
        ),
    ] = False,
) -> None:
    """Search Japanese articles about the AI industry."""


def reports_errors(command):
    """Turn the errors a user can meet into one line and an exit code
    (render.exit_code)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except render.HANDLED as error:
            raise typer.Exit(render.exit_code(error)) from None

    return wrapper


def value_type(option: Option):
    """The Python type Typer parses the option's value into: a choice is an
    enum of the values the checking module accepts."""
    if option.choices:
        names = choices_of(option)
        return StrEnum(option.param.title().replace("_", ""), {n: n for n in names})
    if option.path:
        return Path
    return {INT: int, FLOAT: float, FLAG: bool, PAIR: bool}.get(option.kind, str)


def parameter(option: Option) -> inspect.Parameter:
    """The signature parameter Typer reads the option from."""
    kind = value_type(option)
    if option.kind in POSITIONAL:
        annotation = list[kind] if option.kind != NAME else kind
        if option.kind == MAYBE_WORDS:
            annotation = annotation | None
        info = typer.Argument(help=option.help, show_default=False)
        default = None if option.kind == MAYBE_WORDS else inspect.Parameter.empty
    else:
        names = option.names if option.kind != PAIR else ("/".join(option.names),)
        info = typer.Option(
            *names, help=option.help, envvar=option.envvar,
            show_default=option.show_default,
            # Flags show no <bool> after them, as ripgrep's and gh's do.
            **({"metavar": ""} if option.kind in (FLAG, PAIR) else {}),
        )  # fmt: skip
        if option.kind == REPEAT:
            annotation, default = list[kind], []
        elif option.kind == PAIR:
            annotation, default = bool | None, None
        else:
            annotation = kind if option.default is not None else kind | None
            default = option.default
            if option.choices and default is not None:
                default = kind(default)
        if option.required:
            default = inspect.Parameter.empty
    return inspect.Parameter(
        option.param, inspect.Parameter.KEYWORD_ONLY,
        default=default, annotation=Annotated[annotation, info],
    )  # fmt: skip


def plain(value):
    """A value as the body reads it: an enum by its value, a path as a string,
    a sequence as a list."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def typer_command(name: str, command: Command):
    """The command's function for Typer: the table's signature, the body's work."""

    def run(**values) -> None:
        values = {param: plain(value) for param, value in values.items()}
        for option in command.options:
            if option.kind == MAYBE_WORDS and values[option.param] is None:
                values[option.param] = []
        raise typer.Exit(getattr(bodies, name)(values) or 0)

    run.__name__ = run.__qualname__ = name
    run.__doc__ = command.help
    run.__signature__ = inspect.Signature(
        [parameter(option) for option in command.options]
    )
    return reports_errors(run)


for _name, _command in COMMANDS.items():
    app.command(_name, help=_command.help)(typer_command(_name, _command))
