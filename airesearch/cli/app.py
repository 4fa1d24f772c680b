"""The Typer app: each command parses its options, calls one function, renders.

Errors the user can fix (AiresearchError) become one line on stderr and exit 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from airesearch.cli import commands, research
from airesearch.cli.environment import scheduler_default
from airesearch.cli.options import (
    Category,
    ColorChoice,
    Corpus,
    Csv,
    DealKind,
    DealSort,
    Entities,
    EntitySort,
    EntityType,
    Exact,
    Index,
    Json,
    Jsonl,
    NoUpdate,
    Query,
    Rate,
    Since,
    Tag,
    Until,
    WithBoilerplate,
    app,
    filtered,
    reports_errors,
)
from airesearch.output import render
from airesearch.queries.posts import show as show_post


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
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Analyse on the Dask cluster of this scheduler (tcp://HOST:8786;"
            " default: AIRESEARCH_SCHEDULER); needs airesearch[cluster].",
            show_default=False,
        ),
    ] = None,
    json_out: Json = False,
) -> None:
    """Build or update the index: only new and changed files are analysed."""
    commands.index_and_report(
        commands.Where(corpus, index, entities_file), rebuild, follow,
        scheduler or scheduler_default(), json_out,
    )  # fmt: skip


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
    no_update: NoUpdate = False,
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
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    code = commands.run_search(request, where, out, color)
    raise typer.Exit(code)


@app.command()
@reports_errors
def show(
    path: Annotated[str, typer.Argument(help="A post, relative to the corpus folder.")],
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    no_update: NoUpdate = False,
    json_out: Json = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Show a post's metadata and its cleaned passages."""
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    root, _ = commands.locate(where)
    _, post = commands.fresh_answer(where, lambda conn: show_post(conn, root, path))
    render.emit_one(post, json_out, render.print_post, color)


@app.command()
@reports_errors
def stats(
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    no_update: NoUpdate = False,
    json_out: Json = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Corpus and index figures: posts, passages, terms, size, last update."""
    commands.run_stats(
        commands.Where(corpus, index, entities_file, update=not no_update),
        json_out,
        color,
    )


@app.command()
@reports_errors
def entities(
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    no_update: NoUpdate = False,
    type_: Annotated[
        EntityType | None, typer.Option("--type", help="Only this type.")
    ] = None,
    top: Annotated[int, typer.Option(help="Entities to list; 0 means all.")] = 30,
    min_posts: Annotated[int, typer.Option(help="Only entities in N posts.")] = 1,
    since: Since = None,
    until: Until = None,
    sort: Annotated[EntitySort, typer.Option(help="Order.")] = EntitySort.mentions,
    rate: Rate = [],  # noqa: B006
    with_boilerplate: WithBoilerplate = False,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Which companies, people, places and products the posts talk about."""
    out = render.choose_output(json_out, jsonl_out, csv_out)
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    commands.run_entities(
        where, out, color, rate=rate,
        kind=type_ and type_.value, top=top,
        min_posts=min_posts, since=since, until=until, sort=sort.value,
        with_boilerplate=with_boilerplate,
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
    no_update: NoUpdate = False,
    rate: Rate = [],  # noqa: B006
    with_boilerplate: WithBoilerplate = False,
    json_out: Json = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """One entity's profile: spellings, mentions per month, co-mentions, posts."""
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    commands.run_entity(
        where, name, json_out, color, rate=rate, with_boilerplate=with_boilerplate
    )


@app.command()
@reports_errors
def deals(
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    no_update: NoUpdate = False,
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
    rate: Rate = [],  # noqa: B006
    rates: Annotated[
        bool, typer.Option("--rates", help="Show the rate table.", metavar="")
    ] = False,
    with_boilerplate: WithBoilerplate = False,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """Money figures, as numbers, with who pays whom, largest first."""
    out = render.choose_output(json_out, jsonl_out, csv_out)
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    commands.run_deals(
        where, out, color, rate=rate,
        rates=rates, entity=entity,
        kind=kind and kind.value, currency=currency, minimum=minimum,
        maximum=maximum, since=since, until=until, sort=sort.value, top=top,
        each=each, with_boilerplate=with_boilerplate,
    )  # fmt: skip


@app.command()
@reports_errors
def boilerplate(
    corpus: Corpus = None,
    index: Index = None,
    entities_file: Entities = None,
    no_update: NoUpdate = False,
    top: Annotated[int, typer.Option(help="Passages to list; 0 means all.")] = 30,
    json_out: Json = False,
    jsonl_out: Jsonl = False,
    csv_out: Csv = False,
    color: ColorChoice = render.Color.auto,
) -> None:
    """The blog's template: passages repeated across posts, left out of counts."""
    out = render.choose_output(json_out, jsonl_out, csv_out)
    where = commands.Where(corpus, index, entities_file, update=not no_update)
    raise typer.Exit(commands.run_boilerplate(where, out, color, top=top))


research.register(app)


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
