"""The research commands (kwic, trend, keywords, graph, brief): each parses
its options, calls one function in commands.py, and exits with its code.
register() adds them to the app after the commands of app.py.
"""

from __future__ import annotations

from typing import Annotated

import typer

from airesearch.cli import commands
from airesearch.cli.options import (
    Baseline,
    BriefFormat,
    Category,
    ColorChoice,
    Corpus,
    Csv,
    EdgeKind,
    Entities,
    EntityType,
    Exact,
    GraphFormat,
    Index,
    Json,
    Jsonl,
    KeywordType,
    KwicSort,
    NoUpdate,
    Output,
    Query,
    Rate,
    Since,
    Tag,
    TrendPeriod,
    Until,
    WithBoilerplate,
    filtered,
    reports_errors,
)
from airesearch.output import render


def kwic(
    query: Query,
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    no_update: NoUpdate = False,
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
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    code = commands.run_kwic(
        where, request, out, color, width=width, sort=sort.value, limit=limit
    )
    raise typer.Exit(code)


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
    no_update: NoUpdate = False,
    by: Annotated[TrendPeriod, typer.Option(help="Period.")] = TrendPeriod.month,
    tag: Tag = [],  # noqa: B006
    category: Category = [],  # noqa: B006
    since: Since = None,
    until: Until = None,
    exact: Exact = False,
    with_boilerplate: WithBoilerplate = False,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """How often queries or entities come up, period by period."""
    request = filtered([], tag, category, since, until, exact)
    out = render.choose_output(json_out, jsonl_out, csv_out)
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    code = commands.run_trend(
        where, out, color,
        queries=list(query or []), entities=list(entity), by=by.value,
        request=request, with_boilerplate=with_boilerplate,
    )  # fmt: skip
    raise typer.Exit(code)


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
        BriefFormat,
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
    with_boilerplate: WithBoilerplate = False,
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    no_update: NoUpdate = False,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Words and entities over-represented in a period, against a baseline."""
    out = render.choose_output(json_out, jsonl_out, csv_out)
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    code = commands.run_keywords(
        where, out, color, since=since,
        until=until, baseline=baseline.value, kind=kind.value, top=top,
        negative=negative, min_posts=min_posts, min_g2=min_g2,
        with_boilerplate=with_boilerplate,
    )  # fmt: skip
    raise typer.Exit(code)


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
    top: Annotated[int, typer.Option(help="Entities in the graph; 0 means all.")] = 50,
    fmt: Annotated[
        GraphFormat | None,
        typer.Option(
            "--format",
            show_default=False,
            help="table, json, gexf (Gephi), graphml, dot (Graphviz), cytoscape."
            " Default: from the -o suffix, else table.",
        ),
    ] = None,  # fmt: skip
    output: Output = None,
    rate: Rate = [],  # noqa: B006
    with_boilerplate: WithBoilerplate = False,
    json_out: Json = False,
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    no_update: NoUpdate = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """The network of entities: co-mentions and money flows."""
    chosen = "json" if json_out else fmt and fmt.value
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    code = commands.run_graph(
        where, chosen, output, color, rate,
        entity=entity, depth=depth, types=tuple(k.value for k in kind),
        edges=edges.value, min_weight=min_weight, since=since, until=until, top=top,
        with_boilerplate=with_boilerplate,
    )  # fmt: skip
    raise typer.Exit(code)


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
    output: Output = None,
    rate: Rate = [],  # noqa: B006
    with_boilerplate: WithBoilerplate = False,
    json_out: Json = False,
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    no_update: NoUpdate = False,
) -> None:
    """A research brief: figures, trend, key sentences, money, partners."""
    chosen = "json" if json_out else fmt and fmt.value
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    code = commands.run_brief(
        where, " ".join(subject), chosen, output, rate, with_boilerplate
    )
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    for command in (kwic, trend, keywords, graph, brief):
        app.command()(reports_errors(command))
