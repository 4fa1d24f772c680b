"""The Typer app (built from the option table by cli/options.py) and how it
runs: a usage error is one line on stderr.

Errors the user can fix (AiresearchError) become one line on stderr and exit 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys

import typer

from airesearch.cli.options import app
from airesearch.output import render


def run() -> None:
    """Run the app; a usage error (an unknown option, a bad choice) is one line
    on stderr naming the valid choices or the closest option, and exit 2."""
    errors = click_exceptions()
    try:
        code = app(prog_name="airesearch", standalone_mode=False)
    except errors.NoArgsIsHelpError as error:  # `airesearch` alone: the help
        print(error.ctx.get_help(), file=sys.stderr)
        sys.exit(2)
    except errors.UsageError as error:
        render.message(usage_message(error))
        sys.exit(2)
    except (typer.Abort, getattr(errors, "Abort", typer.Abort)):
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def click_exceptions():
    """Click's exceptions: vendored inside Typer since 0.17, a package before."""
    try:
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


def usage_message(error) -> str:
    """One line for a click usage error, with what the user may have meant."""
    errors = click_exceptions()
    command = error.ctx.command if error.ctx else None
    where = error.ctx.command_path if error.ctx else "airesearch"
    name = where.removeprefix("airesearch").strip()
    prefix = f"{name}: " if name else ""
    if isinstance(error, errors.NoSuchOption):
        known = [
            name
            for param in getattr(command, "params", [])
            for name in [*param.opts, *param.secondary_opts]
            if name.startswith("--")
        ]
        close = closest(error.option_name, known)
        text = f"{prefix}no option {error.option_name}"
        text += f"; did you mean {close}?" if close else ""
    elif isinstance(error, errors.BadParameter) and not isinstance(
        error, errors.MissingParameter
    ):
        hint = error.param_hint or (error.param and error.param.opts[0]) or "a value"
        if isinstance(hint, list | tuple):
            hint = " / ".join(hint)
        detail = " ".join(error.message.split()).removeprefix("Value error, ")
        text = f"{prefix}bad {hint.strip(chr(39))}: {detail}"
    else:
        text = " ".join(error.format_message().split())
        if "No such command" in text:
            typed = text.split("'")[1] if "'" in text else ""
            names = [c.callback.__name__ for c in app.registered_commands]
            close = closest(typed, names)
            text = f"no command {typed!r}" + (
                f"; did you mean {close}?" if close else ""
            )
        else:
            text = f"{prefix}{text[:1].lower()}{text[1:]}"
    return f"{text} (see '{where} --help')"


def closest(word: str, choices: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.7)
    return found[0] if found else None


if __name__ == "__main__":
    run()
