"""What every command shares: the Typer app, the options (corpus, index,
output formats, dates), the choices taken from the modules that check them,
and the wrapper that turns a user's error into one line and an exit code.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from airesearch.models import ENTITY_TYPES, KINDS, SearchRequest
from airesearch.output import render
from airesearch.queries.deals import SORTS as DEAL_SORTS
from airesearch.queries.entities import SORTS as ENTITY_SORTS
from airesearch.queries.relations import EDGE_KINDS, GRAPH_FORMATS
from airesearch.research.concordance import SORTS as KWIC_SORTS
from airesearch.research.keywords import BASELINES, KEYWORD_TYPES
from airesearch.research.trends import PERIODS as TREND_PERIODS

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
NoUpdate = Annotated[
    bool,
    typer.Option(
        "--no-update", metavar="",
        help="Answer from the index as it is, without checking files for changes.",
    ),
]  # fmt: skip
Json = Annotated[bool, typer.Option("--json", help="Output a JSON array.", metavar="")]
Since = Annotated[
    str | None, typer.Option(help="Only posts dated on or after YYYY-MM-DD.")
]
Until = Annotated[
    str | None, typer.Option(help="Only posts dated on or before YYYY-MM-DD.")
]
Output = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="Write to this file.", show_default=False),
]
WithBoilerplate = Annotated[
    bool,
    typer.Option(
        "--with-boilerplate",
        help="Count the blog's template too (see `airesearch boilerplate`).",
        metavar="",
    ),
]
Rate = Annotated[
    list[str],
    typer.Option(help="Override a USD rate: JPY=150 (units per USD); repeatable."),
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
BriefFormat = StrEnum("BriefFormat", {n: n for n in ("markdown", "html", "json")})


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
