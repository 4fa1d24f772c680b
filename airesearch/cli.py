"""The Typer app: each command parses its options, calls one function, renders.

Errors the user can fix (AiresearchError) become one line on stderr and exit 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from airesearch import actions, render
from airesearch.concordance import SORTS as KWIC_SORTS
from airesearch.deal_queries import SORTS as DEAL_SORTS
from airesearch.entity_queries import SORTS as ENTITY_SORTS
from airesearch.keywords import BASELINES, KEYWORD_TYPES
from airesearch.models import ENTITY_TYPES, KINDS
from airesearch.post_queries import show as show_post
from airesearch.post_queries import stats as index_stats
from airesearch.query import SearchRequest
from airesearch.relations import EDGE_KINDS, GRAPH_FORMATS
from airesearch.trends import PERIODS as TREND_PERIODS

app = typer.Typer(
    name="airesearch",
    help="Search Japanese articles about the AI industry.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help (as ripgrep and gh print it): no boxes, no <bool> after flags.
    rich_markup_mode=None,
)

Corpus = Annotated[
    Path | None,
    typer.Option(
        "--corpus", envvar="AIRESEARCH_CORPUS", show_default=False,
        help="Folder of posts (.md, .markdown, .txt). Default: the bundled posts.",
    ),
]  # fmt: skip
Index = Annotated[
    Path | None,
    typer.Option(
        "--index", envvar="AIRESEARCH_INDEX", show_default=False,
        help="Index file. Default: one per corpus in ~/.cache/airesearch.",
    ),
]  # fmt: skip
Entities = Annotated[
    Path | None,
    typer.Option(
        "--entities", envvar="AIRESEARCH_ENTITIES", show_default=False,
        help="A gazetteer of your own (TOML) that extends the bundled one.",
    ),
]  # fmt: skip
Json = Annotated[bool, typer.Option("--json", help="Output a JSON array.", metavar="")]
Since = Annotated[
    str | None, typer.Option(help="Only posts dated on or after YYYY-MM-DD.")
]
Until = Annotated[
    str | None, typer.Option(help="Only posts dated on or before YYYY-MM-DD.")
]
Query = Annotated[list[str], typer.Argument(help='Words, "a phrase", a OR b, -word.')]
Tag = Annotated[list[str], typer.Option(help="Only posts with this tag.")]
Category = Annotated[list[str], typer.Option(help="Only posts in this category.")]
Exact = Annotated[
    bool,
    typer.Option(
        "--exact", help="Do not expand aliases (エヌビディア = NVIDIA).", metavar=""
    ),
]
Jsonl = Annotated[
    bool, typer.Option("--jsonl", help="Output one JSON object per line.", metavar="")
]
Csv = Annotated[
    bool, typer.Option("--csv", help="Output CSV with a header row.", metavar="")
]
ColorChoice = Annotated[
    render.Color,
    typer.Option(
        "--color", help="Colour: auto (terminal, no NO_COLOR), always, never."
    ),
]


# The choices of --type, --kind and --sort come from the modules that check them.
EntityType = StrEnum("EntityType", {name: name for name in ENTITY_TYPES})


# --kind: all, or one kind of models.KINDS.
DealKind = StrEnum("DealKind", {kind: kind for kind in ("all", *KINDS)})


DealSort = StrEnum("DealSort", {name: name for name in DEAL_SORTS})
EntitySort = StrEnum("EntitySort", {name: name for name in ENTITY_SORTS})
KwicSort = StrEnum("KwicSort", {name: name for name in KWIC_SORTS})
TrendPeriod = StrEnum("TrendPeriod", {name: name for name in TREND_PERIODS})
Baseline = StrEnum("Baseline", {name: name for name in BASELINES})
KeywordType = StrEnum("KeywordType", {name: name for name in KEYWORD_TYPES})
EdgeKind = StrEnum("EdgeKind", {name: name for name in EDGE_KINDS})
GraphFormat = StrEnum("GraphFormat", {name: name for name in GRAPH_FORMATS})


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


def filtered(query, tag, category, since, until, exact, **more) -> SearchRequest:
    """The SearchRequest of the options search, kwic and trend share."""
    return SearchRequest(
        query=" ".join(query), tags=tuple(tag), categories=tuple(category),
        since=since, until=until, exact=exact, **more,
    )  # fmt: skip


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


@app.command()
@reports_errors
def index(
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Start from scratch.", metavar="")
    ] = False,
    follow: Annotated[
        bool | None,
        typer.Option(
            "--follow/--no-follow",
            show_default=False,
            help="Follow symbolic links (kept for later updates). Default: the"
            " index's setting, else AIRESEARCH_FOLLOW_LINKS, else no.",
            metavar="",
        ),
    ] = None,
    json_out: Json = False,
) -> None:
    """Build or update the index: only new and changed files are analysed."""
    root, index_path = actions.locate(actions.Where(corpus, index, entities_file))
    report = actions.build(root, index_path, rebuild, follow, entities_file)
    render.print_index_report(report)
    if json_out:
        render.emit_record(report, render.Output.json)


@app.command()
@reports_errors
def search(
    query: Query,
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    tag: Tag = [],  # noqa: B006
    category: Category = [],  # noqa: B006
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, typer.Option(help="Results to show; 0 means all.")] = 10,
    passages: Annotated[
        bool, typer.Option("--passages", help="One result per passage.", metavar="")
    ] = False,
    entity: Annotated[
        str | None, typer.Option(help="Only posts that mention this entity.")
    ] = None,
    exact: Exact = False,
    no_update: Annotated[
        bool,
        typer.Option(
            "--no-update",
            help="Search the index as it is, without checking files for changes.",
            metavar="",
        ),
    ] = False,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Search the posts; exit 0 if something was found, 1 if not."""
    request = filtered(
        query, tag, category, since, until, exact, limit=limit, passages=passages,
        entity=entity,
    )  # fmt: skip
    out = render.choose_output(json_out, jsonl_out, csv_out)
    where = actions.Where(corpus, index, entities_file)
    code = actions.run_search(request, where, out, color, not no_update)
    raise typer.Exit(code)


@app.command()
@reports_errors
def show(
    path: Annotated[str, typer.Argument(help="A post, relative to the corpus folder.")],
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    json_out: Json = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Show a post's metadata and its cleaned passages."""
    conn, root, _ = actions.fresh_index(actions.Where(corpus, index, entities_file))
    post = show_post(conn, root, path)
    render.emit_one(post, json_out, render.print_post, color)


@app.command()
@reports_errors
def stats(
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    json_out: Json = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Corpus and index figures: posts, passages, terms, size, last update."""
    where = actions.Where(corpus, index, entities_file)
    conn, _, index_path = actions.fresh_index(where)
    figures = index_stats(conn, index_path)
    show = functools.partial(render.print_fields, title="airesearch index")
    render.emit_one(figures, json_out, show, color)


@app.command()
@reports_errors
def entities(
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    type_: Annotated[
        EntityType | None, typer.Option("--type", help="Only this type.")
    ] = None,
    top: Annotated[int, typer.Option(help="Entities to list; 0 means all.")] = 30,
    min_posts: Annotated[int, typer.Option(help="Only entities in N posts.")] = 1,
    since: Since = None,
    until: Until = None,
    sort: Annotated[EntitySort, typer.Option(help="Order.")] = EntitySort.mentions,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Which companies, people, places and products the posts talk about."""
    out = render.choose_output(json_out, jsonl_out, csv_out)
    actions.run_entities(
        actions.Where(corpus, index, entities_file), out, color,
        kind=type_ and type_.value, top=top,
        min_posts=min_posts, since=since, until=until, sort=sort.value,
    )  # fmt: skip


@app.command()
@reports_errors
def entity(
    name: Annotated[
        str, typer.Argument(help="A name, in any case, width or spelling.")
    ],
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    json_out: Json = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """One entity's profile: spellings, mentions per month, co-mentions, posts."""
    where = actions.Where(corpus, index, entities_file)
    actions.run_entity(where, name, json_out, color)


@app.command()
@reports_errors
def deals(
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    entity: Annotated[
        str | None, typer.Option(help="Only figures naming this entity.")
    ] = None,
    kind: Annotated[
        DealKind | None,
        typer.Option(
            help="Only this kind; all for every figure. Default: deal,"
            " capex and valuation."
        ),
    ] = None,
    each: Annotated[
        bool,
        typer.Option(
            "--each", help="One row per figure and post, not per figure.", metavar=""
        ),
    ] = False,
    currency: Annotated[
        str | None, typer.Option(help="Only this currency (USD, JPY…).")
    ] = None,
    minimum: Annotated[
        str | None, typer.Option("--min", help="At least: USD, or 10億ドル.")
    ] = None,
    maximum: Annotated[
        str | None, typer.Option("--max", help="At most: USD, or 1兆円.")
    ] = None,
    since: Since = None,
    until: Until = None,
    sort: Annotated[DealSort, typer.Option(help="Order.")] = DealSort.amount,
    top: Annotated[int, typer.Option(help="Figures to list; 0 means all.")] = 30,
    rate: Annotated[
        list[str], typer.Option(help="Override a rate: JPY=150 (units per USD).")
    ] = [],  # noqa: B006
    rates: Annotated[
        bool, typer.Option("--rates", help="Show the rate table.", metavar="")
    ] = False,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Money figures, as numbers, with who pays whom, largest first."""
    out = render.choose_output(json_out, jsonl_out, csv_out)
    actions.run_deals(
        actions.Where(corpus, index, entities_file), out, color, rate=rate,
        rates=rates, entity=entity,
        kind=kind and kind.value, currency=currency, minimum=minimum,
        maximum=maximum, since=since, until=until, sort=sort.value, top=top,
        each=each,
    )  # fmt: skip


@app.command()
@reports_errors
def kwic(
    query: Query,
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    width: Annotated[
        int, typer.Option(help="Characters of context on each side.")
    ] = 30,
    sort: Annotated[KwicSort, typer.Option(help="Order.")] = KwicSort.date,
    limit: Annotated[int, typer.Option(help="Lines to show; 0 means all.")] = 50,
    tag: Tag = [],  # noqa: B006
    category: Category = [],  # noqa: B006
    since: Since = None,
    until: Until = None,
    exact: Exact = False,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Keyword in context: each occurrence with the words around it."""
    request = filtered(query, tag, category, since, until, exact)
    out = render.choose_output(json_out, jsonl_out, csv_out)
    where = actions.Where(corpus, index, entities_file)
    code = actions.run_kwic(
        where, request, out, color, width=width, sort=sort.value, limit=limit
    )
    raise typer.Exit(code)


@app.command()
@reports_errors
def trend(
    query: Annotated[
        list[str] | None,
        typer.Argument(help="Queries, one series each (quote a query of words)."),
    ] = None,
    entity: Annotated[
        list[str], typer.Option(help="An entity, one series (repeatable).")
    ] = [],  # noqa: B006
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    by: Annotated[TrendPeriod, typer.Option(help="Period.")] = TrendPeriod.month,
    tag: Tag = [],  # noqa: B006
    category: Category = [],  # noqa: B006
    since: Since = None,
    until: Until = None,
    exact: Exact = False,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """How often queries or entities come up, period by period."""
    request = filtered([], tag, category, since, until, exact)
    out = render.choose_output(json_out, jsonl_out, csv_out)
    code = actions.run_trend(
        actions.Where(corpus, index, entities_file), out, color,
        queries=list(query or []), entities=list(entity), by=by.value,
        request=request,
    )  # fmt: skip
    raise typer.Exit(code)


@app.command()
@reports_errors
def keywords(
    since: Annotated[
        str,
        typer.Option(help="First day of the period, YYYY-MM-DD.", show_default=False),
    ],
    until: Annotated[
        str | None,
        typer.Option(help="Last day of the period. Default: the newest post's day."),
    ] = None,
    baseline: Annotated[
        Baseline,
        typer.Option(
            help="rest: every other post; previous: as many days just before."
        ),
    ] = Baseline.rest,
    kind: Annotated[
        KeywordType, typer.Option("--type", help="Words, entities or both.")
    ] = KeywordType.all,
    top: Annotated[int, typer.Option(help="Rows to show; 0 means all.")] = 20,
    negative: Annotated[
        bool,
        typer.Option("--negative", help="What fell out of use instead.", metavar=""),
    ] = False,
    min_posts: Annotated[
        int, typer.Option(help="Posts a row needs on its side (period or baseline).")
    ] = 3,
    min_g2: Annotated[
        float, typer.Option("--min-g2", help="Smallest G² (6.63: p < 0.01).")
    ] = 6.63,
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Words and entities over-represented in a period, against a baseline."""
    out = render.choose_output(json_out, jsonl_out, csv_out)
    code = actions.run_keywords(
        actions.Where(corpus, index, entities_file), out, color, since=since,
        until=until, baseline=baseline.value, kind=kind.value, top=top,
        negative=negative, min_posts=min_posts, min_g2=min_g2,
    )  # fmt: skip
    raise typer.Exit(code)


@app.command()
@reports_errors
def graph(
    entity: Annotated[
        str | None, typer.Option(help="One entity's neighbourhood.", show_default=False)
    ] = None,
    depth: Annotated[int, typer.Option(help="With --entity: 1 or 2 steps.")] = 1,
    kind: Annotated[
        list[EntityType], typer.Option("--type", help="Only entities of this type.")
    ] = [],  # noqa: B006
    edges: Annotated[
        EdgeKind, typer.Option(help="co: co-mentions, money: payer → payee, or all.")
    ] = EdgeKind.all,
    min_weight: Annotated[
        int, typer.Option(help="Passages naming both, for a co-mention edge.")
    ] = 2,
    since: Since = None,
    until: Until = None,
    top: Annotated[int, typer.Option(help="Entities in the graph.")] = 50,
    fmt: Annotated[
        GraphFormat | None,
        typer.Option(
            "--format",
            show_default=False,
            help="table, json, gexf (Gephi), graphml, dot (Graphviz), cytoscape."
            " Default: from the -o suffix, else table.",
        ),
    ] = None,  # fmt: skip
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write to this file.", show_default=False),
    ] = None,
    json_out: Json = False,
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    color: ColorChoice = render.Color.auto,
) -> None:
    """The network of entities: co-mentions and money flows."""
    chosen = "json" if json_out else fmt and fmt.value
    code = actions.run_graph(
        actions.Where(corpus, index, entities_file), chosen, output, color,
        entity=entity, depth=depth, types=tuple(k.value for k in kind),
        edges=edges.value, min_weight=min_weight, since=since, until=until, top=top,
    )  # fmt: skip
    raise typer.Exit(code)


BriefFormat = StrEnum("BriefFormat", {n: n for n in ("markdown", "html", "json")})


@app.command()
@reports_errors
def brief(
    subject: Annotated[
        list[str],
        typer.Argument(
            help="An entity (as for `entity`) or a query.", show_default=False
        ),
    ],
    fmt: Annotated[
        BriefFormat | None,
        typer.Option(
            "--format",
            show_default=False,
            help="markdown, html (one self-contained page) or json. Default: from"
            " the -o suffix (.html, .json), else markdown.",
        ),
    ] = None,  # fmt: skip
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write to this file.", show_default=False),
    ] = None,
    json_out: Json = False,
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
) -> None:
    """A research brief: figures, trend, key sentences, money, partners."""
    chosen = "json" if json_out else fmt and fmt.value
    if chosen is None:
        suffix = output.suffix.lower() if output else ""
        chosen = {".html": "html", ".htm": "html", ".json": "json"}.get(
            suffix, "markdown"
        )
    code = actions.run_brief(
        actions.Where(corpus, index, entities_file), " ".join(subject), chosen, output
    )
    raise typer.Exit(code)


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
            commands = [c.callback.__name__ for c in app.registered_commands]
            close = closest(typed, commands)
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
