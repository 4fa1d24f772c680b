"""Every command's options, declared once. The Typer app (cli/app.py) and the
console entry's own parser (cli/launch.py) are both built from this table, and
both hand the command's body (cli/bodies.py) the same values: a dict keyed by
each option's param, every option present.

Free of Typer (the entry imports it before deciding whether Typer is needed);
the choices of an option are named by the module that checks them and imported
only when a value is checked or the Typer app is built.
"""

from __future__ import annotations

from collections import namedtuple
from importlib import import_module

# What an option is: how it is parsed and what value the body gets.
FLAG = "flag"  # --x: False unless given
PAIR = "pair"  # --x/--no-x: True, False, or None unless given
TEXT = "text"  # --x VALUE: a string (None unless given, or its default)
INT = "int"  # --x N: an int
FLOAT = "float"  # --x N: a float
REPEAT = "repeat"  # --x VALUE, repeatable: a list ([] unless given)
WORDS = "words"  # positional: one or more, a list
NAME = "name"  # positional: exactly one, a string
MAYBE_WORDS = "maybe words"  # positional: none or more, a list
POSITIONAL = (WORDS, NAME, MAYBE_WORDS)


class Option(
    namedtuple(
        "Option",
        "param names kind default help choices envvar required show_default path",
        defaults=(None, "", None, None, False, True, False),
    )
):
    """One option: param is the key of its value in a body's values; names
    are the option's names (the long one last; a PAIR's two); choices, as
    "module:NAME", the values it accepts; envvar, the variable read when the
    option is not given; required: an option without a default; path: the
    value names a file or folder (a string to the body, shown as <path>).
    A plain namedtuple: importing typing would cost the entry 7 ms."""

    __slots__ = ()

    @property
    def flag(self) -> str:
        """The name a user types (the long one)."""
        return self.names[-1] if self.kind != PAIR else self.names[0]


# A command: its help, its options in help order, and whether the entry's own
# parser answers it: "always", "data" (with --json, --jsonl or --csv) or None
# (Typer always).
Command = namedtuple("Command", "help options fast", defaults=(None,))


def choices_of(option: Option) -> tuple[str, ...]:
    """The values option accepts (imported from the module that checks them)."""
    module, _, name = option.choices.partition(":")
    found = getattr(import_module(module), name)
    return tuple(found() if callable(found) else found)


def all_kinds() -> tuple[str, ...]:
    """--kind of deals: all, or one money kind."""
    from airesearch.models import KINDS

    return ("all", *KINDS)


COLORS = ("auto", "always", "never")
BRIEF_FORMATS = ("markdown", "html", "json")


def flag(param: str, name: str, help: str) -> Option:
    return Option(param, (name,), FLAG, False, help)


def text(param: str, name: str, help: str, default=None, **more) -> Option:
    return Option(param, (name,), TEXT, default, help, **more)


def number(param: str, name: str, default: int, help: str) -> Option:
    return Option(param, (name,), INT, default, help)


def choice(param: str, name: str, default, help: str, choices: str) -> Option:
    return Option(param, (name,), TEXT, default, help, choices=choices)


def path(param: str, names: tuple[str, ...], help: str, envvar=None) -> Option:
    return Option(
        param, names, TEXT, None, help, envvar=envvar, show_default=False, path=True
    )


def top(default: int, what: str) -> Option:
    return number("top", "--top", default, f"{what} to list; 0 means all.")


def sort(default: str, module: str) -> Option:
    return choice("sort", "--sort", default, "Order.", f"airesearch.{module}:SORTS")


def words(param: str, help: str, kind: str = WORDS) -> Option:
    return Option(param, (param,), kind, help=help)


CORPUS = path(
    "corpus", ("--corpus",), envvar="AIRESEARCH_CORPUS",
    help="Folder of posts (.md, .markdown, .txt). Default: the bundled posts.",
)  # fmt: skip
INDEX = path(
    "index", ("--index",), envvar="AIRESEARCH_INDEX",
    help="Index file. Default: one per corpus in ~/.cache/airesearch.",
)  # fmt: skip
ENTITIES = path(
    "entities_file", ("--entities",), envvar="AIRESEARCH_ENTITIES",
    help="A gazetteer of your own (TOML) that extends the bundled one.",
)  # fmt: skip
NO_UPDATE = flag(
    "no_update", "--no-update",
    "Answer from the index as it is, without checking files for changes.",
)  # fmt: skip
JSON = flag("json_out", "--json", "Output a JSON array.")
COLOR = choice(
    "color", "--color", "auto", "Colour: auto (terminal, no NO_COLOR), always, never.",
    "airesearch.cli.option_table:COLORS",
)  # fmt: skip
SINCE = text("since", "--since", "Only posts dated on or after YYYY-MM-DD.")
UNTIL = text("until", "--until", "Only posts dated on or before YYYY-MM-DD.")
OUTPUT = path("output", ("-o", "--output"), "Write to this file.")
WITH_BOILERPLATE = flag(
    "with_boilerplate", "--with-boilerplate",
    "Count the blog's template too (see `airesearch boilerplate`).",
)  # fmt: skip
RATE = Option(
    "rate", ("--rate",), REPEAT, (),
    "Override a USD rate: JPY=150 (units per USD); repeatable.",
)  # fmt: skip
QUERY = words("query", 'Words, "a phrase", a OR b, -word.')
TAG = Option("tag", ("--tag",), REPEAT, (), "Only posts with this tag.")
CATEGORY = Option(
    "category", ("--category",), REPEAT, (), "Only posts in this category."
)
EXACT = flag("exact", "--exact", "Do not expand aliases (エヌビディア = NVIDIA).")
ENTITY_TYPE = "airesearch.models:ENTITY_TYPES"

WHERE = (CORPUS, INDEX, ENTITIES)
READ = (*WHERE, NO_UPDATE)  # every command that reads the index
OUT = (
    JSON,
    flag("jsonl_out", "--jsonl", "Output one JSON object per line."),
    flag("csv_out", "--csv", "Output CSV with a header row."),
    COLOR,
)  # every output format of a listing
FILTERS = (TAG, CATEGORY, SINCE, UNTIL, EXACT)

# The commands in the order of `airesearch --help`, each option in the order
# of its command's help.
COMMANDS = {
    "index": Command(
        "Build or update the index: only new and changed files are analysed.",
        (
            *WHERE,
            flag("rebuild", "--rebuild", "Start from scratch."),
            Option(
                "follow", ("--follow", "--no-follow"), PAIR, None,
                "Follow symbolic links (kept for later updates). Default: the"
                " index's setting, else AIRESEARCH_FOLLOW_LINKS, else no.",
                show_default=False,
            ),
            text(
                "scheduler", "--scheduler",
                "Analyse on the Dask cluster of this scheduler (tcp://HOST:8786;"
                " default: AIRESEARCH_SCHEDULER); needs airesearch[cluster].",
                show_default=False,
            ),
            JSON,
        ),
        fast="always",
    ),
    "search": Command(
        "Search the posts; exit 0 if something was found, 1 if not.",
        (
            QUERY, *WHERE, TAG, CATEGORY, SINCE, UNTIL,
            number("limit", "--limit", 10, "Results to show; 0 means all."),
            flag("passages", "--passages", "One result per passage."),
            text("entity", "--entity", "Only posts that mention this entity."),
            EXACT, NO_UPDATE, *OUT,
        ),
        fast="data",
    ),
    "show": Command(
        "Show a post's metadata and its cleaned passages.",
        (
            words("path", "A post, relative to the corpus folder.", NAME),
            *READ, JSON, COLOR,
        ),
        fast="data",
    ),
    "stats": Command(
        "Corpus and index figures: posts, passages, terms, size, last update.",
        (*READ, JSON, COLOR),
        fast="data",
    ),
    "entities": Command(
        "Which companies, people, places and products the posts talk about.",
        (
            *READ,
            choice("entity_type", "--type", None, "Only this type.", ENTITY_TYPE),
            top(30, "Entities"),
            number("min_posts", "--min-posts", 1, "Only entities in N posts."),
            SINCE, UNTIL, sort("mentions", "queries.entities"), RATE,
            WITH_BOILERPLATE, *OUT,
        ),
        fast="data",
    ),
    "entity": Command(
        "One entity's profile: spellings, mentions per month, co-mentions, posts.",
        (
            words("name", "A name, in any case, width or spelling.", NAME),
            *READ, RATE, WITH_BOILERPLATE, JSON, COLOR,
        ),
        fast="data",
    ),
    "deals": Command(
        "Money figures, as numbers, with who pays whom, largest first.",
        (
            *READ,
            text("entity", "--entity", "Only figures naming this entity."),
            choice(
                "kind", "--kind", None,
                "Only this kind; all for every figure. Default: deal, capex and"
                " valuation.", "airesearch.cli.option_table:all_kinds",
            ),
            flag("each", "--each", "One row per figure and post, not per figure."),
            text("currency", "--currency", "Only this currency (USD, JPY…)."),
            text("minimum", "--min", "At least: USD, or 10億ドル."),
            text("maximum", "--max", "At most: USD, or 1兆円."),
            SINCE, UNTIL, sort("amount", "queries.deals"), top(30, "Figures"), RATE,
            flag("rates", "--rates", "Show the rate table."),
            WITH_BOILERPLATE, *OUT,
        ),
        fast="data",
    ),
    "boilerplate": Command(
        "The blog's template: passages repeated across posts, left out of counts.",
        (*READ, top(30, "Passages"), *OUT),
        fast="data",
    ),
    "kwic": Command(
        "Keyword in context: each occurrence with the words around it.",
        (
            QUERY, *READ,
            number("width", "--width", 30, "Characters of context on each side."),
            sort("date", "research.concordance"),
            number("limit", "--limit", 50, "Lines to show; 0 means all."),
            *FILTERS, *OUT,
        ),
        fast="data",
    ),
    "trend": Command(
        "How often queries or entities come up, period by period.",
        (
            words(
                "query", "Queries, one series each (quote a query of words).",
                MAYBE_WORDS,
            ),
            Option(
                "entity", ("--entity",), REPEAT, (),
                "An entity, one series (repeatable).",
            ),
            *READ,
            choice(
                "by", "--by", "month", "Period.", "airesearch.research.trends:PERIODS"
            ),
            *FILTERS, WITH_BOILERPLATE, *OUT,
        ),
        fast="data",
    ),
    "keywords": Command(
        "Words and entities over-represented in a period, against a baseline.",
        (
            text(
                "since", "--since", "First day of the period, YYYY-MM-DD.",
                required=True, show_default=False,
            ),
            text(
                "until", "--until",
                "Last day of the period. Default: the newest post's day.",
            ),
            choice(
                "baseline", "--baseline", "rest",
                "rest: every other post; previous: as many days just before.",
                "airesearch.research.keywords:BASELINES",
            ),
            choice(
                "keyword_type", "--type", "all", "Words, entities or both.",
                "airesearch.research.keywords:KEYWORD_TYPES",
            ),
            number("top", "--top", 20, "Rows to show; 0 means all."),
            flag("negative", "--negative", "What fell out of use instead."),
            number(
                "min_posts", "--min-posts", 3,
                "Posts a row needs on its side (period or baseline).",
            ),
            Option(
                "min_g2", ("--min-g2",), FLOAT, 6.63, "Smallest G² (6.63: p < 0.01)."
            ),
            WITH_BOILERPLATE, *READ, *OUT,
        ),
        fast="data",
    ),
    "graph": Command(
        "The network of entities: co-mentions and money flows.",
        (
            text(
                "entity", "--entity", "One entity's neighbourhood.", show_default=False
            ),
            number("depth", "--depth", 1, "With --entity: 1 or 2 steps."),
            Option(
                "types", ("--type",), REPEAT, (), "Only entities of this type.",
                choices=ENTITY_TYPE,
            ),
            choice(
                "edges", "--edges", "all",
                "co: co-mentions, money: payer → payee, or all.",
                "airesearch.queries.relations:EDGE_KINDS",
            ),
            number(
                "min_weight", "--min-weight", 2,
                "Passages naming both, for a co-mention edge.",
            ),
            SINCE, UNTIL,
            number("top", "--top", 50, "Entities in the graph; 0 means all."),
            text(
                "fmt", "--format",
                "table, json, gexf (Gephi), graphml, dot (Graphviz), cytoscape."
                " Default: from the -o suffix, else table.",
                choices="airesearch.queries.relations:GRAPH_FORMATS",
                show_default=False,
            ),
            OUTPUT, RATE, WITH_BOILERPLATE, JSON, *READ, COLOR,
        ),
        fast="data",
    ),
    "timeline": Command(
        "What happened, to whom and when: dated events, each told once.",
        (
            words("subject", "An entity (as for `entity`) or a query; none: all.",
                  MAYBE_WORDS),
            SINCE, UNTIL,
            Option(
                "actions", ("--action",), REPEAT, (),
                "Only this action (repeatable): invest, acquire, partner, raise,"
                " launch, adopt, build, supply, regulate, appoint.",
                choices="airesearch.ingest.events:ACTION_NAMES",
            ),
            top(0, "Events"),
            flag("each", "--each", "One row per telling, not per event."),
            RATE, WITH_BOILERPLATE, *READ, *OUT,
        ),
        fast="data",
    ),
    "brief": Command(
        "A research brief: figures, trend, key sentences, money, partners.",
        (
            words("subject", "An entity (as for `entity`) or a query."),
            text(
                "fmt", "--format",
                "markdown, html (one self-contained page) or json. Default: from"
                " the -o suffix (.html, .json), else markdown.",
                choices="airesearch.cli.option_table:BRIEF_FORMATS",
                show_default=False,
            ),
            OUTPUT, RATE, WITH_BOILERPLATE, JSON, *READ,
        ),
        fast="data",
    ),
    "watch": Command(
        "Watch the corpus: every command's check for changes, in a millisecond.",
        (
            *WHERE,
            flag(
                "update", "--update",
                "Also bring the index up to date shortly after files change.",
            ),
            Option(
                "delay", ("--delay",), FLOAT, 1.0,
                "With --update: seconds without a change before updating.",
            ),
            flag(
                "status", "--status",
                "Whether a watcher of this corpus runs, and what it has seen;"
                " exit 1 if none.",
            ),
            flag("json_out", "--json", "With --status: output a JSON object."),
            COLOR,
        ),
        fast="data",
    ),
}  # fmt: skip


def option_named(command: str, name: str) -> Option | None:
    """The option of command a user names (any of its names), or None."""
    for option in COMMANDS[command].options:
        if option.kind not in POSITIONAL and name in option.names:
            return option
    return None


def defaults(command: str) -> dict:
    """Every option's value when none is given (environment aside)."""
    found = {}
    for option in COMMANDS[command].options:
        if option.kind in (REPEAT, WORDS, MAYBE_WORDS):
            found[option.param] = list(option.default or ())
        else:
            found[option.param] = option.default
    return found
