"""Every command's options, declared once. The Typer app (cli/app.py) and the
console entry's own parser (cli/launch.py) are both built from this table, and
both hand the command's body (cli/bodies.py) the same values: a dict keyed by
each option's param, every option present.

Free of Typer (the entry imports it before deciding whether Typer is needed);
the choices of an option are named by the module that checks them and imported
only when a value is checked or the Typer app is built.
"""

from __future__ import annotations

from importlib import import_module
from typing import NamedTuple

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


class Option(NamedTuple):
    """One option: param is the key of its value in a body's values; names
    are the option's names (the long one last; a PAIR's two); choices, as
    "module:NAME", the values it accepts; envvar, the variable read when the
    option is not given; required: an option without a default; path: the
    value names a file or folder (a string to the body)."""

    param: str
    names: tuple[str, ...]
    kind: str
    default: object = None
    help: str = ""
    choices: str | None = None
    envvar: str | None = None
    required: bool = False
    show_default: bool = True
    path: bool = False  # a file or folder (shown as <path>)

    @property
    def flag(self) -> str:
        """The name a user types (the long one)."""
        return self.names[-1] if self.kind != PAIR else self.names[0]


class Command(NamedTuple):
    """A command: its help, its options in help order, and whether the
    entry's own parser answers it: "always", "data" (with --json, --jsonl or
    --csv) or None (Typer always)."""

    help: str
    options: tuple[Option, ...]
    fast: str | None = None


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

CORPUS = Option(
    "corpus",
    ("--corpus",),
    TEXT,
    envvar="AIRESEARCH_CORPUS",
    show_default=False,
    path=True,
    help="Folder of posts (.md, .markdown, .txt). Default: the bundled posts.",
)
INDEX = Option(
    "index",
    ("--index",),
    TEXT,
    envvar="AIRESEARCH_INDEX",
    show_default=False,
    path=True,
    help="Index file. Default: one per corpus in ~/.cache/airesearch.",
)
ENTITIES = Option(
    "entities_file",
    ("--entities",),
    TEXT,
    envvar="AIRESEARCH_ENTITIES",
    show_default=False,
    path=True,
    help="A gazetteer of your own (TOML) that extends the bundled one.",
)
NO_UPDATE = Option(
    "no_update",
    ("--no-update",),
    FLAG,
    False,
    "Answer from the index as it is, without checking files for changes.",
)
JSON = Option("json_out", ("--json",), FLAG, False, "Output a JSON array.")
JSONL = Option(
    "jsonl_out", ("--jsonl",), FLAG, False, "Output one JSON object per line."
)
CSV = Option("csv_out", ("--csv",), FLAG, False, "Output CSV with a header row.")
COLOR = Option(
    "color",
    ("--color",),
    TEXT,
    "auto",
    "Colour: auto (terminal, no NO_COLOR), always, never.",
    choices="airesearch.cli.option_table:COLORS",
)
SINCE = Option(
    "since", ("--since",), TEXT, None, "Only posts dated on or after YYYY-MM-DD."
)
UNTIL = Option(
    "until", ("--until",), TEXT, None, "Only posts dated on or before YYYY-MM-DD."
)
OUTPUT = Option(
    "output",
    ("-o", "--output"),
    TEXT,
    None,
    "Write to this file.",
    show_default=False,
    path=True,
)
WITH_BOILERPLATE = Option(
    "with_boilerplate",
    ("--with-boilerplate",),
    FLAG,
    False,
    "Count the blog's template too (see `airesearch boilerplate`).",
)
RATE = Option(
    "rate",
    ("--rate",),
    REPEAT,
    (),
    "Override a USD rate: JPY=150 (units per USD); repeatable.",
)
QUERY = Option("query", ("query",), WORDS, help='Words, "a phrase", a OR b, -word.')
TAG = Option("tag", ("--tag",), REPEAT, (), "Only posts with this tag.")
CATEGORY = Option(
    "category", ("--category",), REPEAT, (), "Only posts in this category."
)
EXACT = Option(
    "exact", ("--exact",), FLAG, False, "Do not expand aliases (エヌビディア = NVIDIA)."
)

WHERE = (CORPUS, INDEX, ENTITIES)
READ = (*WHERE, NO_UPDATE)  # every command that reads the index
DATA = (JSON, JSONL, CSV)
FILTERS = (TAG, CATEGORY, SINCE, UNTIL, EXACT)


def top(default: int, what: str) -> Option:
    return Option("top", ("--top",), INT, default, f"{what} to list; 0 means all.")


COMMANDS = {
    "index": Command(
        "Build or update the index: only new and changed files are analysed.",
        (
            *WHERE,
            Option("rebuild", ("--rebuild",), FLAG, False, "Start from scratch."),
            Option(
                "follow",
                ("--follow", "--no-follow"),
                PAIR,
                None,
                "Follow symbolic links (kept for later updates). Default: the"
                " index's setting, else AIRESEARCH_FOLLOW_LINKS, else no.",
                show_default=False,
            ),
            Option(
                "scheduler",
                ("--scheduler",),
                TEXT,
                None,
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
            QUERY,
            *WHERE,
            TAG,
            CATEGORY,
            SINCE,
            UNTIL,
            Option("limit", ("--limit",), INT, 10, "Results to show; 0 means all."),
            Option("passages", ("--passages",), FLAG, False, "One result per passage."),
            Option(
                "entity",
                ("--entity",),
                TEXT,
                None,
                "Only posts that mention this entity.",
            ),
            EXACT,
            NO_UPDATE,
            *DATA,
            COLOR,
        ),
        fast="data",
    ),
    "show": Command(
        "Show a post's metadata and its cleaned passages.",
        (
            Option(
                "path", ("path",), NAME, help="A post, relative to the corpus folder."
            ),
            *READ,
            JSON,
            COLOR,
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
            Option(
                "type_",
                ("--type",),
                TEXT,
                None,
                "Only this type.",
                choices="airesearch.models:ENTITY_TYPES",
            ),
            top(30, "Entities"),
            Option("min_posts", ("--min-posts",), INT, 1, "Only entities in N posts."),
            SINCE,
            UNTIL,
            Option(
                "sort",
                ("--sort",),
                TEXT,
                "mentions",
                "Order.",
                choices="airesearch.queries.entities:SORTS",
            ),
            RATE,
            WITH_BOILERPLATE,
            *DATA,
            COLOR,
        ),
        fast="data",
    ),
    "entity": Command(
        "One entity's profile: spellings, mentions per month, co-mentions, posts.",
        (
            Option(
                "name", ("name",), NAME, help="A name, in any case, width or spelling."
            ),
            *READ,
            RATE,
            WITH_BOILERPLATE,
            JSON,
            COLOR,
        ),
        fast="data",
    ),
    "deals": Command(
        "Money figures, as numbers, with who pays whom, largest first.",
        (
            *READ,
            Option(
                "entity", ("--entity",), TEXT, None, "Only figures naming this entity."
            ),
            Option(
                "kind",
                ("--kind",),
                TEXT,
                None,
                "Only this kind; all for every figure. Default: deal, capex and"
                " valuation.",
                choices="airesearch.cli.option_table:all_kinds",
            ),
            Option(
                "each",
                ("--each",),
                FLAG,
                False,
                "One row per figure and post, not per figure.",
            ),
            Option(
                "currency",
                ("--currency",),
                TEXT,
                None,
                "Only this currency (USD, JPY…).",
            ),
            Option("minimum", ("--min",), TEXT, None, "At least: USD, or 10億ドル."),
            Option("maximum", ("--max",), TEXT, None, "At most: USD, or 1兆円."),
            SINCE,
            UNTIL,
            Option(
                "sort",
                ("--sort",),
                TEXT,
                "amount",
                "Order.",
                choices="airesearch.queries.deals:SORTS",
            ),
            top(30, "Figures"),
            RATE,
            Option("rates", ("--rates",), FLAG, False, "Show the rate table."),
            WITH_BOILERPLATE,
            *DATA,
            COLOR,
        ),
        fast="data",
    ),
    "boilerplate": Command(
        "The blog's template: passages repeated across posts, left out of counts.",
        (*READ, top(30, "Passages"), *DATA, COLOR),
        fast="data",
    ),
    "kwic": Command(
        "Keyword in context: each occurrence with the words around it.",
        (
            QUERY,
            *READ,
            Option(
                "width", ("--width",), INT, 30, "Characters of context on each side."
            ),
            Option(
                "sort",
                ("--sort",),
                TEXT,
                "date",
                "Order.",
                choices="airesearch.research.concordance:SORTS",
            ),
            Option("limit", ("--limit",), INT, 50, "Lines to show; 0 means all."),
            *FILTERS,
            *DATA,
            COLOR,
        ),
        fast="data",
    ),
    "trend": Command(
        "How often queries or entities come up, period by period.",
        (
            Option(
                "query",
                ("query",),
                MAYBE_WORDS,
                help="Queries, one series each (quote a query of words).",
            ),
            Option(
                "entity",
                ("--entity",),
                REPEAT,
                (),
                "An entity, one series (repeatable).",
            ),
            *READ,
            Option(
                "by",
                ("--by",),
                TEXT,
                "month",
                "Period.",
                choices="airesearch.research.trends:PERIODS",
            ),
            *FILTERS,
            WITH_BOILERPLATE,
            *DATA,
            COLOR,
        ),
        fast="data",
    ),
    "keywords": Command(
        "Words and entities over-represented in a period, against a baseline.",
        (
            Option(
                "since",
                ("--since",),
                TEXT,
                None,
                "First day of the period, YYYY-MM-DD.",
                required=True,
                show_default=False,
            ),
            Option(
                "until",
                ("--until",),
                TEXT,
                None,
                "Last day of the period. Default: the newest post's day.",
            ),
            Option(
                "baseline",
                ("--baseline",),
                TEXT,
                "rest",
                "rest: every other post; previous: as many days just before.",
                choices="airesearch.research.keywords:BASELINES",
            ),
            Option(
                "kind",
                ("--type",),
                TEXT,
                "all",
                "Words, entities or both.",
                choices="airesearch.research.keywords:KEYWORD_TYPES",
            ),
            Option("top", ("--top",), INT, 20, "Rows to show; 0 means all."),
            Option(
                "negative",
                ("--negative",),
                FLAG,
                False,
                "What fell out of use instead.",
            ),
            Option(
                "min_posts",
                ("--min-posts",),
                INT,
                3,
                "Posts a row needs on its side (period or baseline).",
            ),
            Option(
                "min_g2", ("--min-g2",), FLOAT, 6.63, "Smallest G² (6.63: p < 0.01)."
            ),
            WITH_BOILERPLATE,
            *READ,
            *DATA,
            COLOR,
        ),
        fast="data",
    ),
    "graph": Command(
        "The network of entities: co-mentions and money flows.",
        (
            Option(
                "entity",
                ("--entity",),
                TEXT,
                None,
                "One entity's neighbourhood.",
                show_default=False,
            ),
            Option("depth", ("--depth",), INT, 1, "With --entity: 1 or 2 steps."),
            Option(
                "types",
                ("--type",),
                REPEAT,
                (),
                "Only entities of this type.",
                choices="airesearch.models:ENTITY_TYPES",
            ),
            Option(
                "edges",
                ("--edges",),
                TEXT,
                "all",
                "co: co-mentions, money: payer → payee, or all.",
                choices="airesearch.queries.relations:EDGE_KINDS",
            ),
            Option(
                "min_weight",
                ("--min-weight",),
                INT,
                2,
                "Passages naming both, for a co-mention edge.",
            ),
            SINCE,
            UNTIL,
            Option("top", ("--top",), INT, 50, "Entities in the graph; 0 means all."),
            Option(
                "fmt",
                ("--format",),
                TEXT,
                None,
                "table, json, gexf (Gephi), graphml, dot (Graphviz), cytoscape."
                " Default: from the -o suffix, else table.",
                choices="airesearch.queries.relations:GRAPH_FORMATS",
                show_default=False,
            ),
            OUTPUT,
            RATE,
            WITH_BOILERPLATE,
            JSON,
            *READ,
            COLOR,
        ),
        fast="data",
    ),
    "brief": Command(
        "A research brief: figures, trend, key sentences, money, partners.",
        (
            Option(
                "subject",
                ("subject",),
                WORDS,
                help="An entity (as for `entity`) or a query.",
            ),
            Option(
                "fmt",
                ("--format",),
                TEXT,
                None,
                "markdown, html (one self-contained page) or json. Default: from"
                " the -o suffix (.html, .json), else markdown.",
                choices="airesearch.cli.option_table:BRIEF_FORMATS",
                show_default=False,
            ),
            OUTPUT,
            RATE,
            WITH_BOILERPLATE,
            JSON,
            *READ,
        ),
        fast="data",
    ),
}


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
