"""The console entry point. A listing asked as data (--json, --jsonl, --csv:
`search`, `entities`, `entity`, `deals`, `kwic`, `graph`) is answered here
without importing Typer (which, with pydantic, costs 150–250 ms of start-up);
anything this small
parser does not recognise, or any value it cannot check, goes to the Typer app
in cli.py, which owns all messages.
"""

from __future__ import annotations

import os
import sys

DATA_FORMATS = {"--json", "--jsonl", "--csv"}
COMMON = {"--corpus", "--index", "--entities", "--color"}
# command -> (flags, options with a value, options that repeat, positional
# arguments: "words" (one or more) or "name" (exactly one))
SPECS = {
    "search": (
        {"--json", "--jsonl", "--csv", "--passages", "--no-update", "--exact"},
        COMMON | {"--since", "--until", "--limit", "--entity"},
        {"--tag", "--category"},
        "words",
    ),
    "entities": (
        DATA_FORMATS,
        COMMON | {"--type", "--top", "--min-posts", "--since", "--until", "--sort"},
        set(),
        None,
    ),
    "entity": ({"--json"}, COMMON, set(), "name"),
    "kwic": (
        DATA_FORMATS | {"--exact"},
        COMMON | {"--since", "--until", "--width", "--limit", "--sort"},
        {"--tag", "--category"},
        "words",
    ),
    "graph": (
        {"--json"},
        COMMON | {"--entity", "--depth", "--edges", "--min-weight", "--since",
                  "--until", "--top", "--format", "-o", "--output"},
        {"--type"},
        None,
    ),
    "deals": (
        DATA_FORMATS | {"--each", "--rates"},
        COMMON | {"--entity", "--kind", "--currency", "--min", "--max", "--since",
                  "--until", "--sort", "--top"},
        {"--rate"},
        None,
    ),
}  # fmt: skip
COLORS = ("auto", "always", "never")
NUMBERS = ("--limit", "--top", "--min-posts", "--width", "--depth", "--min-weight")


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] and argv[0] in SPECS and DATA_FORMATS.intersection(argv):
        options = parse_options(argv[0], argv[1:])
        if options is not None:
            exit_now(FAST[argv[0]](options))
    from airesearch.cli.app import run

    run()


def parse_search(args: list[str]) -> dict | None:
    """Options of `search` as cli.search would get them, or None to defer to Typer."""
    return parse_options("search", args)


def parse_options(command: str, args: list[str]) -> dict | None:
    """Options of a command as cli.py would get them, or None to defer to Typer."""
    flags, valued, repeated, positional = SPECS[command]
    options: dict = {"words": [], **{name: [] for name in repeated}}
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "--":
            options["words"] += args[position:]
            break
        name, equals, value = arg.partition("=")
        if name in flags and not equals:
            options[name] = True
        elif name in valued or name in repeated:
            if not equals:
                if position >= len(args):
                    return None
                value, position = args[position], position + 1
            if name in repeated:
                options[name].append(value)
            else:
                options[name] = value
        elif arg.startswith("-") and arg != "-":
            return None  # unknown option or --help: Typer explains
        else:
            options["words"].append(arg)
    if not checked(command, options, positional):
        return None
    for name in NUMBERS:
        if name in options:
            options[name] = int(options[name])
    if command == "search":
        options.setdefault("--limit", 10)
    return options


def checked(command: str, options: dict, positional: str | None) -> bool:
    """Whether every value is one the command accepts (else Typer says why)."""
    words = options["words"]
    if (positional == "words" and not words) or (
        positional == "name" and len(words) != 1
    ):
        return False
    if positional is None and words:
        return False
    for name in NUMBERS:
        if name in options and not str(options[name]).lstrip("-").isdigit():
            return False
    # The choices come from the modules that check them (as cli.py's do);
    # a value outside them goes to Typer, which names the valid ones.
    from airesearch.models import ENTITY_TYPES, KINDS

    if options.get("--color", "auto") not in COLORS:
        return False
    if command == "graph":
        from airesearch.queries.relations import EDGE_KINDS, GRAPH_FORMATS

        return (
            all(kind in ENTITY_TYPES for kind in options["--type"])
            and options.get("--edges", "all") in EDGE_KINDS
            and options.get("--format", "json") in GRAPH_FORMATS
        )
    if options.get("--type", "org") not in ENTITY_TYPES:
        return False
    if options.get("--kind", "all") not in ("all", *KINDS):
        return False
    if "--sort" in options:
        if command == "entities":
            from airesearch.queries.entities import SORTS
        elif command == "deals":
            from airesearch.queries.deals import SORTS
        elif command == "kwic":
            from airesearch.research.concordance import SORTS
        else:
            return False
        return options["--sort"] in SORTS
    return True


def answering(fast):
    """Run a fast command; its errors end as in cli.py (render.exit_code)."""

    def run(options: dict) -> int:
        from airesearch.cli.commands import Where
        from airesearch.output import render

        where = Where(
            *(
                options.get(name) or os.environ.get(variable) or None
                for name, variable in (
                    ("--corpus", "AIRESEARCH_CORPUS"),
                    ("--index", "AIRESEARCH_INDEX"),
                    ("--entities", "AIRESEARCH_ENTITIES"),
                )
            )
        )
        try:
            out = render.choose_output(
                options.get("--json", False), options.get("--jsonl", False),
                options.get("--csv", False),
            )  # fmt: skip
            color = render.Color(options.get("--color", "auto"))
            return fast(options, where, out, color) or 0
        except render.HANDLED as error:
            return render.exit_code(error)

    return run


@answering
def fast_search(options, where, out, color) -> int:
    from airesearch.cli.commands import run_search
    from airesearch.models import SearchRequest

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
    update = not options.get("--no-update", False)
    return run_search(request, where, out, color, update=update)


@answering
def fast_entities(options, where, out, color) -> None:
    from airesearch.cli.commands import run_entities

    run_entities(
        where, out, color, kind=options.get("--type"),
        top=options.get("--top", 30), min_posts=options.get("--min-posts", 1),
        since=options.get("--since"), until=options.get("--until"),
        sort=options.get("--sort", "mentions"),
    )  # fmt: skip


@answering
def fast_entity(options, where, out, color) -> None:
    from airesearch.cli.commands import run_entity

    run_entity(where, options["words"][0], True, color)


@answering
def fast_deals(options, where, out, color) -> None:
    from airesearch.cli.commands import run_deals

    run_deals(
        where, out, color, rate=options["--rate"],
        rates=options.get("--rates", False), entity=options.get("--entity"),
        kind=options.get("--kind"), currency=options.get("--currency"),
        minimum=options.get("--min"), maximum=options.get("--max"),
        since=options.get("--since"), until=options.get("--until"),
        sort=options.get("--sort", "amount"), top=options.get("--top", 30),
        each=options.get("--each", False),
    )  # fmt: skip


@answering
def fast_kwic(options, where, out, color) -> int:
    from airesearch.cli.commands import run_kwic
    from airesearch.models import SearchRequest

    request = SearchRequest(
        query=" ".join(options["words"]), tags=tuple(options["--tag"]),
        categories=tuple(options["--category"]), since=options.get("--since"),
        until=options.get("--until"), exact=options.get("--exact", False),
    )  # fmt: skip
    return run_kwic(
        where, request, out, color, width=options.get("--width", 30),
        sort=options.get("--sort", "date"), limit=options.get("--limit", 50),
    )  # fmt: skip


@answering
def fast_graph(options, where, out, color) -> int:
    from airesearch.cli.commands import run_graph

    return run_graph(
        where, "json", options.get("-o") or options.get("--output"), color,
        entity=options.get("--entity"), depth=options.get("--depth", 1),
        types=tuple(options["--type"]), edges=options.get("--edges", "all"),
        min_weight=options.get("--min-weight", 2), since=options.get("--since"),
        until=options.get("--until"), top=options.get("--top", 50),
    )  # fmt: skip


FAST = {
    "search": fast_search,
    "entities": fast_entities,
    "entity": fast_entity,
    "deals": fast_deals,
    "kwic": fast_kwic,
    "graph": fast_graph,
}


def exit_now(code: int) -> None:
    """Flush and leave without interpreter teardown (unmapping the dictionary,
    freeing every module), which costs about 8 ms and does nothing useful here."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    sys.stderr.flush()
    os._exit(code)
