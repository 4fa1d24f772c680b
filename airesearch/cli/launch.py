"""The console entry point. A listing asked as data (--json, --jsonl, --csv:
`search`, `entities`, `entity`, `deals`, `kwic`, `graph`, `stats`) and `index` are
answered here without importing Typer (which, with pydantic, costs 150–250 ms
of start-up: more than an unchanged re-check itself); anything this small
parser does not recognise, or any value it cannot check, goes to the Typer app
in cli/app.py, which owns all messages.
"""

from __future__ import annotations

import os
import sys
from collections import namedtuple

DATA_FORMATS = {"--json", "--jsonl", "--csv"}
COMMON = {"--corpus": None, "--index": None, "--entities": None, "--color": "auto"}
SINCE_UNTIL = {"--since": None, "--until": None}


class Spec(namedtuple("Spec", "flags valued repeated positional")):
    """A command's options as the fast path reads them: flags (False unless
    given), options with a value and their defaults (an int default makes a
    number), options that repeat ([] unless given), and the positional
    arguments: "words" (one or more), "name" (exactly one) or None. A test
    compares every one with the Typer app's (test_launch.py)."""

    __slots__ = ()

    def knows(self, name: str) -> bool:
        return name in self.flags or name in self.valued or name in self.repeated


ALIASES = {"-o": "--output"}
SPECS = {
    # --follow/--no-follow: flags that set one value (None unless given).
    "index": Spec(
        {"--json", "--rebuild", "--follow", "--no-follow"},
        {"--corpus": None, "--index": None, "--entities": None, "--scheduler": None},
        set(),
        None,
    ),
    "search": Spec(
        {"--json", "--jsonl", "--csv", "--passages", "--no-update", "--exact"},
        {**COMMON, **SINCE_UNTIL, "--limit": 10, "--entity": None},
        {"--tag", "--category"},
        "words",
    ),
    "entities": Spec(
        DATA_FORMATS | {"--with-boilerplate", "--no-update"},
        {**COMMON, **SINCE_UNTIL, "--type": None, "--top": 30, "--min-posts": 1,
         "--sort": "mentions"},
        {"--rate"},
        None,
    ),
    "entity": Spec(
        {"--json", "--with-boilerplate", "--no-update"}, COMMON, {"--rate"}, "name"
    ),
    "stats": Spec({"--json", "--no-update"}, COMMON, set(), None),
    "kwic": Spec(
        DATA_FORMATS | {"--exact", "--no-update"},
        {**COMMON, **SINCE_UNTIL, "--width": 30, "--limit": 50, "--sort": "date"},
        {"--tag", "--category"},
        "words",
    ),
    "graph": Spec(
        {"--json", "--with-boilerplate", "--no-update"},
        {**COMMON, **SINCE_UNTIL, "--entity": None, "--depth": 1, "--edges": "all",
         "--min-weight": 2, "--top": 50, "--format": None, "--output": None},
        {"--type", "--rate"},
        None,
    ),
    "deals": Spec(
        DATA_FORMATS | {"--each", "--rates", "--with-boilerplate", "--no-update"},
        {**COMMON, **SINCE_UNTIL, "--entity": None, "--kind": None,
         "--currency": None, "--min": None, "--max": None, "--sort": "amount",
         "--top": 30},
        {"--rate"},
        None,
    ),
}  # fmt: skip
COLORS = ("auto", "always", "never")
# Commands the fast path answers whatever the output (the others: as data only,
# since their tables are Rich's and Typer's help is needed anyway).
ALWAYS_FAST = {"index"}


def main() -> None:
    argv = sys.argv[1:]
    if (
        argv[:1]
        and argv[0] in SPECS
        and (argv[0] in ALWAYS_FAST or DATA_FORMATS.intersection(argv))
    ):
        options = parse_options(argv[0], argv[1:])
        if options is not None:
            exit_now(FAST[argv[0]](options))
    from airesearch.cli.app import run

    run()


def parse_search(args: list[str]) -> dict | None:
    """Options of `search` as cli.search would get them, or None to defer to Typer."""
    return parse_options("search", args)


def parse_options(command: str, args: list[str]) -> dict | None:
    """Options of a command as cli/app.py would get them, every one present (its
    default if not given), or None to defer to Typer."""
    spec = SPECS[command]
    options: dict = {"words": [], **{name: [] for name in spec.repeated}}
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "--":
            options["words"] += args[position:]
            break
        name, equals, value = arg.partition("=")
        name = ALIASES.get(name, name)
        if name in spec.flags and not equals:
            options[name] = True
        elif name in spec.valued or name in spec.repeated:
            if not equals:
                if position >= len(args):
                    return None
                value, position = args[position], position + 1
            if name in spec.repeated:
                options[name].append(value)
            else:
                options[name] = value
        elif arg.startswith("-") and arg != "-":
            return None  # unknown option or --help: Typer explains
        else:
            options["words"].append(arg)
    if not checked(command, options, spec.positional):
        return None
    for name, default in spec.valued.items():
        if name not in options:
            options[name] = default
        elif isinstance(default, int):
            options[name] = int(options[name])
    for name in spec.flags:
        options.setdefault(name, False)
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
    if options.get("--follow") and options.get("--no-follow"):
        return False
    numbers = [n for n, d in SPECS[command].valued.items() if isinstance(d, int)]
    for name in numbers:
        if name in options and not str(options[name]).lstrip("-").isdigit():
            return False
    # The choices come from the modules that check them (as cli/app.py's do);
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


def answering(fast, early_check: bool = True):
    """Run a fast command; its errors end as in cli/app.py (render.exit_code).
    early_check: start the corpus's freshness check before the imports (for a
    command that reads a fresh index; `index` lists every file itself)."""

    def run(options: dict) -> int:
        corpus, index, entities = (
            options.get(name) or os.environ.get(variable) or None
            for name, variable in (
                ("--corpus", "AIRESEARCH_CORPUS"),
                ("--index", "AIRESEARCH_INDEX"),
                ("--entities", "AIRESEARCH_ENTITIES"),
            )
        )
        early = None
        if early_check and not options.get("--no-update"):
            # First, so that find stats the corpus while this process imports.
            from airesearch.cli.environment import cache_home
            from airesearch.index.stamp import start_early_check

            early = start_early_check(corpus, index, cache_home())
        from airesearch.cli.commands import Where
        from airesearch.output import render

        where = Where(corpus, index, entities, early, not options.get("--no-update"))
        try:
            out = render.choose_output(
                options.get("--json", False), options.get("--jsonl", False),
                options.get("--csv", False),
            )  # fmt: skip
            color = render.Color(options.get("--color", "auto"))
            return fast(options, where, out, color) or 0
        except render.HANDLED as error:
            return render.exit_code(error)
        finally:
            if early is not None:
                early.cancel()  # not taken: the index was missing or rebuilt

    return run


def index_command(options, where, out, color) -> None:
    from airesearch.cli import environment
    from airesearch.cli.commands import index_and_report

    follow = True if options["--follow"] else False if options["--no-follow"] else None
    index_and_report(
        where, options["--rebuild"], follow,
        options["--scheduler"] or environment.scheduler_default(),
        json_out=options["--json"],
    )  # fmt: skip


fast_index = answering(index_command, early_check=False)


@answering
def fast_search(options, where, out, color) -> int:
    from airesearch.cli.commands import run_search
    from airesearch.models import SearchRequest

    request = SearchRequest(
        query=" ".join(options["words"]),
        tags=tuple(options["--tag"]),
        categories=tuple(options["--category"]),
        since=options["--since"],
        until=options["--until"],
        limit=options["--limit"],
        passages=options["--passages"],
        exact=options["--exact"],
        entity=options["--entity"],
    )
    return run_search(request, where, out, color)


@answering
def fast_entities(options, where, out, color) -> None:
    from airesearch.cli.commands import run_entities

    run_entities(
        where, out, color, rate=options["--rate"], kind=options["--type"],
        top=options["--top"], min_posts=options["--min-posts"],
        since=options["--since"], until=options["--until"], sort=options["--sort"],
        with_boilerplate=options["--with-boilerplate"],
    )  # fmt: skip


@answering
def fast_stats(options, where, out, color) -> None:
    from airesearch.cli.commands import run_stats

    run_stats(where, True, color)


@answering
def fast_entity(options, where, out, color) -> None:
    from airesearch.cli.commands import run_entity

    run_entity(
        where, options["words"][0], True, color, rate=options["--rate"],
        with_boilerplate=options["--with-boilerplate"],
    )  # fmt: skip


@answering
def fast_deals(options, where, out, color) -> None:
    from airesearch.cli.commands import run_deals

    run_deals(
        where, out, color, rate=options["--rate"], rates=options["--rates"],
        entity=options["--entity"], kind=options["--kind"],
        currency=options["--currency"], minimum=options["--min"],
        maximum=options["--max"], since=options["--since"],
        until=options["--until"], sort=options["--sort"], top=options["--top"],
        each=options["--each"], with_boilerplate=options["--with-boilerplate"],
    )  # fmt: skip


@answering
def fast_kwic(options, where, out, color) -> int:
    from airesearch.cli.commands import run_kwic
    from airesearch.models import SearchRequest

    request = SearchRequest(
        query=" ".join(options["words"]), tags=tuple(options["--tag"]),
        categories=tuple(options["--category"]), since=options["--since"],
        until=options["--until"], exact=options["--exact"],
    )  # fmt: skip
    return run_kwic(
        where, request, out, color, width=options["--width"],
        sort=options["--sort"], limit=options["--limit"],
    )  # fmt: skip


@answering
def fast_graph(options, where, out, color) -> int:
    from airesearch.cli.commands import run_graph

    return run_graph(
        where, "json", options["--output"], color, rate=options["--rate"],
        entity=options["--entity"], depth=options["--depth"],
        types=tuple(options["--type"]), edges=options["--edges"],
        min_weight=options["--min-weight"], since=options["--since"],
        until=options["--until"], top=options["--top"],
        with_boilerplate=options["--with-boilerplate"],
    )  # fmt: skip


FAST = {
    "index": fast_index,
    "search": fast_search,
    "entities": fast_entities,
    "entity": fast_entity,
    "stats": fast_stats,
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
