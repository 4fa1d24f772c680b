"""What each command does with its values (a dict keyed by the params of
cli/option_table.py, every option present): the one place where options become
the arguments of commands.py's functions. The Typer app and the console entry's
own parser both call these, so both paths give the same request. A body returns
the exit code (None: 0).

Free of Typer, like commands.py.
"""

from __future__ import annotations

from airesearch.cli import commands
from airesearch.cli.environment import scheduler_default
from airesearch.models import SearchRequest
from airesearch.output import render


def where(values: dict, early=None) -> commands.Where:
    """The corpus, index and gazetteer chosen, the freshness check the entry
    started (early), and whether to bring the index up to date first."""
    return commands.Where(
        values["corpus"], values["index"], values["entities_file"], early,
        not values.get("no_update", False),
    )  # fmt: skip


def output(values: dict) -> render.Output:
    return render.choose_output(
        values.get("json_out", False), values.get("jsonl_out", False),
        values.get("csv_out", False),
    )  # fmt: skip


def color(values: dict) -> render.Color:
    return render.Color(values.get("color", "auto"))


def request(values: dict, query: list[str], **more) -> SearchRequest:
    """The SearchRequest of the filters search, kwic and trend share."""
    return SearchRequest(
        query=" ".join(query), tags=tuple(values["tag"]),
        categories=tuple(values["category"]), since=values["since"],
        until=values["until"], exact=values["exact"], **more,
    )  # fmt: skip


def index(values: dict, early=None) -> None:
    commands.index_and_report(
        where(values), values["rebuild"], values["follow"],
        values["scheduler"] or scheduler_default(), values["json_out"],
    )  # fmt: skip


def search(values: dict, early=None) -> int:
    found = request(
        values, values["query"], limit=values["limit"], passages=values["passages"],
        entity=values["entity"],
    )  # fmt: skip
    return commands.run_search(
        found, where(values, early), output(values), color(values)
    )


def show(values: dict, early=None) -> None:
    from airesearch.queries.posts import show as show_post

    chosen = where(values, early)
    root, _ = commands.locate(chosen)
    _, post = commands.fresh_answer(
        chosen, lambda conn: show_post(conn, root, values["path"])
    )
    render.emit_one(post, values["json_out"], render.print_post, color(values))


def stats(values: dict, early=None) -> None:
    commands.run_stats(where(values, early), values["json_out"], color(values))


def entities(values: dict, early=None) -> None:
    commands.run_entities(
        where(values, early), output(values), color(values), rate=values["rate"],
        entity_type=values["entity_type"], top=values["top"],
        min_posts=values["min_posts"], since=values["since"], until=values["until"],
        sort=values["sort"],
        with_boilerplate=values["with_boilerplate"],
    )  # fmt: skip


def entity(values: dict, early=None) -> None:
    commands.run_entity(
        where(values, early), values["name"], values["json_out"], color(values),
        rate=values["rate"], with_boilerplate=values["with_boilerplate"],
    )  # fmt: skip


def deals(values: dict, early=None) -> None:
    commands.run_deals(
        where(values, early), output(values), color(values), rate=values["rate"],
        rates=values["rates"], entity=values["entity"], kind=values["kind"],
        currency=values["currency"], minimum=values["minimum"],
        maximum=values["maximum"], since=values["since"], until=values["until"],
        sort=values["sort"], top=values["top"], each=values["each"],
        with_boilerplate=values["with_boilerplate"],
    )  # fmt: skip


def boilerplate(values: dict, early=None) -> int:
    return commands.run_boilerplate(
        where(values, early), output(values), color(values), top=values["top"]
    )


def kwic(values: dict, early=None) -> int:
    return commands.run_kwic(
        where(values, early), request(values, values["query"]), output(values),
        color(values), width=values["width"], sort=values["sort"],
        limit=values["limit"],
    )  # fmt: skip


def trend(values: dict, early=None) -> int:
    return commands.run_trend(
        where(values, early), output(values), color(values),
        queries=list(values["query"]), entities=list(values["entity"]),
        by=values["by"], request=request(values, []),
        with_boilerplate=values["with_boilerplate"],
    )  # fmt: skip


def keywords(values: dict, early=None) -> int:
    return commands.run_keywords(
        where(values, early), output(values), color(values), since=values["since"],
        until=values["until"], baseline=values["baseline"],
        keyword_type=values["keyword_type"], top=values["top"],
        negative=values["negative"],
        min_posts=values["min_posts"], min_g2=values["min_g2"],
        with_boilerplate=values["with_boilerplate"],
    )  # fmt: skip


def graph(values: dict, early=None) -> int:
    return commands.run_graph(
        where(values, early), "json" if values["json_out"] else values["fmt"],
        values["output"], color(values), values["rate"], entity=values["entity"],
        depth=values["depth"], types=tuple(values["types"]), edges=values["edges"],
        min_weight=values["min_weight"], since=values["since"],
        until=values["until"], top=values["top"],
        with_boilerplate=values["with_boilerplate"],
    )  # fmt: skip


def timeline(values: dict, early=None) -> int:
    return commands.run_timeline(
        where(values, early), " ".join(values["subject"]) or None, output(values),
        color(values), rate=values["rate"], since=values["since"],
        until=values["until"], actions=tuple(values["actions"]), top=values["top"],
        each=values["each"], with_boilerplate=values["with_boilerplate"],
    )  # fmt: skip


def brief(values: dict, early=None) -> int:
    return commands.run_brief(
        where(values, early), " ".join(values["subject"]),
        "json" if values["json_out"] else values["fmt"], values["output"],
        values["rate"], values["with_boilerplate"],
    )  # fmt: skip


def watch(values: dict, early=None) -> int:
    if values["status"]:
        return commands.run_watch_status(
            where(values), values["json_out"], color(values)
        )
    return commands.run_watch(where(values), values["update"], values["delay"])
