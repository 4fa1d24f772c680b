"""The Typer app: each command parses its options, calls one function, renders.

Errors the user can fix (AiresearchError) become one line on stderr and exit 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated

import typer

from airesearch import actions, render
from airesearch.errors import AiresearchError
from airesearch.launch import quiet_broken_pipe
from airesearch.query import SearchRequest
from airesearch.query import show as show_post
from airesearch.query import stats as index_stats

app = typer.Typer(
    name="airesearch",
    help="Search Japanese articles about the AI industry.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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
Json = Annotated[bool, typer.Option("--json", help="Output a JSON array.")]
Jsonl = Annotated[
    bool, typer.Option("--jsonl", help="Output one JSON object per line.")
]
Csv = Annotated[bool, typer.Option("--csv", help="Output CSV with a header row.")]
ColorChoice = Annotated[
    render.Color,
    typer.Option(
        "--color", help="Colour: auto (terminal, no NO_COLOR), always, never."
    ),
]


def reports_errors(command):
    """Turn AiresearchError into `airesearch: message` and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except AiresearchError as error:
            render.message(str(error))
            raise typer.Exit(2) from None
        except BrokenPipeError:
            quiet_broken_pipe()
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None

    return wrapper


@app.command()
@reports_errors
def index(
    corpus: Corpus = None,
    index: Index = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Start from scratch.")
    ] = False,
    json_out: Json = False,
) -> None:
    """Build or update the index: only new and changed files are analysed."""
    root, index_path = actions.locate(corpus, index)
    report = actions.build(root, index_path, rebuild)
    render.print_index_report(report)
    if json_out:
        render.emit_record(report, render.Output.json)


@app.command()
@reports_errors
def search(
    query: Annotated[
        list[str], typer.Argument(help='Words, "a phrase", a OR b, -word.')
    ],
    corpus: Corpus = None,
    index: Index = None,
    tag: Annotated[list[str], typer.Option(help="Only posts with this tag.")] = [],  # noqa: B006
    category: Annotated[
        list[str], typer.Option(help="Only posts in this category.")
    ] = [],  # noqa: B006
    since: Annotated[
        str | None, typer.Option(help="Posts dated on or after YYYY-MM-DD.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Posts dated on or before YYYY-MM-DD.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Results to show; 0 means all.")] = 10,
    passages: Annotated[
        bool, typer.Option("--passages", help="One result per passage.")
    ] = False,
    no_update: Annotated[
        bool,
        typer.Option(
            "--no-update",
            help="Search the index as it is, without checking files for changes.",
        ),
    ] = False,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Search the posts; exit 0 if something was found, 1 if not."""
    request = SearchRequest(
        query=" ".join(query), tags=tuple(tag), categories=tuple(category),
        since=since, until=until, limit=limit, passages=passages,
    )  # fmt: skip
    out = render.choose_output(json_out, jsonl_out, csv_out)
    code = actions.run_search(request, corpus, index, out, color, not no_update)
    raise typer.Exit(code)


@app.command()
@reports_errors
def show(
    path: Annotated[str, typer.Argument(help="A post, relative to the corpus folder.")],
    corpus: Corpus = None,
    index: Index = None,
    json_out: Json = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Show a post's metadata and its cleaned passages."""
    conn, root, _ = actions.fresh_index(corpus, index)
    post = show_post(conn, root, path)
    if json_out:
        render.emit_record(post, render.Output.json)
    else:
        render.print_post(post, color)


@app.command()
@reports_errors
def stats(
    corpus: Corpus = None,
    index: Index = None,
    json_out: Json = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Corpus and index figures: posts, passages, terms, size, last update."""
    conn, _, index_path = actions.fresh_index(corpus, index)
    figures = index_stats(conn, index_path)
    if json_out:
        render.emit_record(figures, render.Output.json)
    else:
        render.print_fields(figures, color, title="airesearch index")


def run() -> None:
    app(prog_name="airesearch")


if __name__ == "__main__":
    sys.exit(run())
