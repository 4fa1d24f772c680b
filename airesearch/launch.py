"""The console entry point. `search` with --json/--jsonl/--csv is answered here
without importing Typer (about 100 ms of start-up); anything this small parser
does not recognise goes to the Typer app in cli.py, which owns all messages.
"""

from __future__ import annotations

import os
import sys

FLAGS = {"--json", "--jsonl", "--csv", "--passages", "--no-update", "--exact"}
VALUED = {"--corpus", "--index", "--tag", "--category", "--since", "--until",
          "--limit", "--color", "--entity", "--entities"}  # fmt: skip
DATA_FORMATS = {"--json", "--jsonl", "--csv"}


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["search"] and DATA_FORMATS.intersection(argv):
        options = parse_search(argv[1:])
        if options is not None:
            exit_now(fast_search(options))
    from airesearch.cli import run

    run()


def parse_search(args: list[str]) -> dict | None:
    """Options of `search` as cli.search would get them, or None to defer to Typer."""
    options: dict = {"words": [], "--tag": [], "--category": []}
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "--":
            options["words"] += args[position:]
            break
        name, equals, value = arg.partition("=")
        if name in FLAGS and not equals:
            options[name] = True
        elif name in VALUED:
            if not equals:
                if position >= len(args):
                    return None
                value, position = args[position], position + 1
            if name in ("--tag", "--category"):
                options[name].append(value)
            else:
                options[name] = value
        elif arg.startswith("-") and arg != "-":
            return None  # unknown option or --help: Typer explains
        else:
            options["words"].append(arg)
    limit = options.get("--limit", "10")
    if not options["words"] or not limit.lstrip("-").isdigit():
        return None
    if options.get("--color", "auto") not in ("auto", "always", "never"):
        return None
    options["--limit"] = int(limit)
    return options


def fast_search(options: dict) -> int:
    import sqlite3

    from airesearch import render
    from airesearch.actions import run_search
    from airesearch.errors import AiresearchError, damaged_index
    from airesearch.query import SearchRequest

    if options.get("--entities"):
        os.environ["AIRESEARCH_ENTITIES"] = options["--entities"]
    corpus = options.get("--corpus") or os.environ.get("AIRESEARCH_CORPUS")
    index = options.get("--index") or os.environ.get("AIRESEARCH_INDEX")
    try:
        out = render.choose_output(
            options.get("--json", False), options.get("--jsonl", False),
            options.get("--csv", False),
        )  # fmt: skip
        request = SearchRequest(
            query=" ".join(options["words"]),
            tags=tuple(options["--tag"]),
            categories=tuple(options["--category"]),
            since=options.get("--since"),
            until=options.get("--until"),
            limit=options["--limit"],
            passages=options.get("--passages", False),
            exact=options.get("--exact", False),
            entity=options.get("--entity"),
        )
        return run_search(
            request, corpus or None, index or None,
            out, render.Color(options.get("--color", "auto")),
            update=not options.get("--no-update", False),
        )  # fmt: skip
    except AiresearchError as error:
        render.message(str(error))
        return 2
    except sqlite3.DatabaseError as error:
        render.message(str(damaged_index(error)))
        return 2
    except BrokenPipeError:
        quiet_broken_pipe()
        return 0


def exit_now(code: int) -> None:
    """Flush and leave without interpreter teardown (unmapping the dictionary,
    freeing every module), which costs about 8 ms and does nothing useful here."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    sys.stderr.flush()
    os._exit(code)


def quiet_broken_pipe() -> None:
    """`airesearch search AI | head`: the reader left; end without a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
