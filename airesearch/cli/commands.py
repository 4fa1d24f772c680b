"""What a command does once its options are parsed: find the corpus and index,
bring the index up to date, ask the query, hand records to render.py.

Free of Typer, so that launch.py can answer `search --json` without loading it;
cli/app.py calls the same functions.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections import namedtuple

from airesearch.cli.environment import (
    cache_home,
    follow_links_default,
    in_ci,
    update_wait,
)
from airesearch.errors import AiresearchError
from airesearch.index.build import needs_rebuild, open_index, update_index
from airesearch.index.freshness import check_in_background
from airesearch.index.stamp import index_path_for
from airesearch.ingest.corpus import bundled_corpus, check_corpus
from airesearch.models import SearchRequest
from airesearch.output import render, research_render
from airesearch.queries.search import missing_words, search, suggest

ENTITY_COLUMNS = [
    "name", "type", "mentions", "posts", "first_date", "last_date", "aliases",
    "co_mentions", "deals", "deals_usd",
]  # fmt: skip
DEAL_COLUMNS = [
    "amount", "min", "max", "currency", "qualifier", "per", "usd_min", "usd_max",
    "kind", "payer", "payee", "roles", "parties", "path", "title", "date", "mentions",
    "posts", "first_date", "last_date", "restated", "pairs",
]  # fmt: skip
HIT_COLUMNS = [
    "path",
    "title",
    "date",
    "score",
    "passage_kind",
    "passage_seq",
    "snippet",
]


# What the user chose for every command: the corpus folder, the index file and
# a gazetteer of their own (None: the defaults); and the freshness check of
# that corpus the console entry started before its imports (stamp.QuickCheck),
# if it did; and whether to bring the index up to date first (--no-update: no).
Where = namedtuple(
    "Where",
    "corpus index entities early update",
    defaults=(None, None, None, None, True),
)


def locate(where: Where) -> tuple[str, str]:
    """(corpus folder, index file): by default the bundled posts and a cache file."""
    root = check_corpus(where.corpus or bundled_corpus())
    return root, index_path_for(root, where.index, cache_home())


def fresh_index(where: Where) -> tuple[sqlite3.Connection, str, str]:
    """An open index that reflects the corpus as it is now (built or updated if not)."""
    root, index_path = locate(where)
    conn, _ = fresh_answer(where, lambda conn: None)
    return conn, root, index_path


def fresh_answer(where: Where, ask, update: bool | None = None):
    """(an open index that reflects the corpus as it is now, ask(it)). The
    question is asked while the freshness check runs in another process, and
    asked again after an update only if the check finds a change, so an
    unchanged corpus costs the slower of the two, not their sum. An error the
    answer raises counts only if the corpus did not change. update=False
    (default: where.update): the index as it is, without the check."""
    update = where.update if update is None else update
    root, index_path = locate(where)
    if os.path.exists(index_path):
        conn = open_index(index_path)
        if not needs_rebuild(conn, root, where.entities):  # schema, analysis, …
            if not update:
                return conn, ask(conn)
            changed = check_in_background(conn, root, index_path, where.early)
            try:
                answer = ask(conn)
            except AiresearchError:
                if not changed():
                    raise
            else:
                if not changed():
                    return conn, answer
        conn.close()
    if where.early is not None:
        where.early.cancel()  # if still running: the update lists every file
    conn = updated_index(where, root, index_path)
    return conn, ask(conn)


def updated_index(where: Where, root: str, index_path: str) -> sqlite3.Connection:
    """The index brought up to date (its summary on stderr), opened."""
    report = build(root, index_path, rebuild=False, entities=where.entities)
    render.print_index_report(report, verbose=False)
    return open_index(index_path)


def index_and_report(
    where: Where,
    rebuild: bool,
    follow: bool | None,
    scheduler: str | None,
    json_out: bool = False,
) -> None:
    """`airesearch index`: build or update, the summary on stderr (and as a JSON
    object on stdout with json_out)."""
    root, index_path = locate(where)
    report = build(root, index_path, rebuild, follow, where.entities, scheduler)
    render.print_index_report(report)
    if json_out:
        render.emit_record(report, render.Output.json)


def build(
    root: str,
    index_path: str,
    rebuild: bool,
    follow: bool | None = None,
    entities: str | os.PathLike | None = None,
    scheduler: str | None = None,
):
    """Run the indexer with a progress bar on stderr (a terminal, not CI); on
    the Dask cluster of scheduler if given."""
    bar = render.ProgressBar(sys.stderr.isatty() and not in_ci())
    try:
        return update_index(
            root, index_path, rebuild=rebuild, progress=bar, follow=follow,
            entities_file=entities, follow_default=follow_links_default(),
            scheduler=scheduler, on_cluster=render.print_cluster,
            on_wait=render.print_waiting if sys.stderr.isatty() else None,
            wait_seconds=update_wait(),
        )  # fmt: skip
    finally:
        bar.close()


def run_search(
    request: SearchRequest,
    where: Where,
    out: render.Output,
    color: render.Color,
) -> int:
    """Search and print; the exit code is 0 when something was found, else 1."""
    conn, hits = fresh_answer(where, lambda conn: search(conn, request))
    render.emit(hits, out, HIT_COLUMNS, render.print_hits, color)
    if hits:
        return 0
    hints = []
    for word in missing_words(conn, request.query):
        close = suggest(conn, word)
        hints.append(
            f"{word!r} is not in the index"
            + (f"; did you mean {' or '.join(close)}?" if close else "")
        )
    render.message(
        "no results for " + repr(request.query) + "".join("; " + h for h in hints)
    )
    return 1


def run_stats(where: Where, json_out: bool, color: render.Color) -> None:
    """Corpus and index figures, as a table or a JSON object."""
    from airesearch.queries.posts import stats

    _, index_path = locate(where)
    _, figures = fresh_answer(where, lambda conn: stats(conn, index_path))
    render.emit_one(
        figures,
        json_out,
        lambda record, color: render.print_fields(record, color, "airesearch index"),
        color,
    )


def run_entities(
    where: Where, out: render.Output, color: render.Color, rate=(), **options
):
    """The entities listing (options: those of queries.entities.entities);
    rate: --rate overrides of the USD rates."""
    from airesearch.queries.deals import load_rates
    from airesearch.queries.entities import entities

    rates = load_rates(rate)
    _, rows = fresh_answer(where, lambda conn: entities(conn, rates=rates, **options))
    render.emit(rows, out, ENTITY_COLUMNS, render.print_entities, color)


def run_entity(
    where: Where, name: str, json_out: bool, color, rate=(), with_boilerplate=False
) -> None:
    """One entity's profile; rate: --rate overrides of the USD rates."""
    from airesearch.queries.deals import load_rates
    from airesearch.queries.entities import entity_profile

    rates = load_rates(rate)
    _, profile = fresh_answer(
        where,
        lambda conn: entity_profile(
            conn, name, rates=rates, with_boilerplate=with_boilerplate
        ),
    )
    render.emit_one(profile, json_out, render.print_entity, color)


def run_deals(
    where: Where,
    out: render.Output,
    color: render.Color,
    rate: list[str] | tuple[str, ...] = (),
    rates: bool = False,
    **options,
) -> None:
    """The deals listing (options: those of queries.deals.deals), or with rates
    the conversion table."""
    from airesearch.queries import deals

    table = deals.load_rates(rate)
    if rates:
        rows = [{"currency": c, "per_usd": v} for c, v in sorted(table.items())]
        render.emit(rows, out, ["currency", "per_usd"], render.print_rates, color)
        return
    _, found = fresh_answer(where, lambda conn: deals.deals(conn, table, **options))
    render.emit(found, out, DEAL_COLUMNS, render.print_deal_list, color)


KWIC_COLUMNS = ["path", "title", "date", "passage_seq", "start", "end", "left",
                "match", "right"]  # fmt: skip


def run_kwic(where: Where, request: SearchRequest, out, color, **options) -> int:
    """Keyword in context (options: those of concordance.kwic); exit code 0 if
    something was found, else 1."""
    from airesearch.research.concordance import kwic

    _, lines = fresh_answer(where, lambda conn: kwic(conn, request, **options))
    render.emit(lines, out, KWIC_COLUMNS, research_render.print_kwic, color)
    if not lines:
        render.message(f"no occurrences of {request.query!r}")
    return 0 if lines else 1


TREND_COLUMNS = ["series", "period", "start", "posts", "mentions", "period_posts",
                 "share", "burst"]  # fmt: skip


def run_trend(where: Where, out, color, **options) -> int:
    """The trend chart or its numbers (options: those of trends.trend)."""
    from airesearch.research.trends import trend

    _, points = fresh_answer(where, lambda conn: trend(conn, **options))
    render.emit(points, out, TREND_COLUMNS, research_render.print_trend, color)
    return 0 if any(point.posts for point in points) else 1


KEYWORD_COLUMNS = ["keyword", "kind", "type", "posts", "baseline_posts",
                   "period_total", "baseline_total", "period", "baseline", "g2",
                   "log_ratio", "path", "title", "date", "snippet"]  # fmt: skip


def run_keywords(where: Where, out, color, **options) -> int:
    """The words and entities of a period (options: those of keywords.keywords)."""
    from airesearch.research.keywords import keywords

    _, rows = fresh_answer(
        where, lambda conn: keywords(conn, entities_file=where.entities, **options)
    )
    render.emit(rows, out, KEYWORD_COLUMNS, research_render.print_keywords, color)
    if not rows:
        render.message(
            "no keywords: nothing in the period stands out from the baseline"
        )
    return 0 if rows else 1


# --format from the suffix of -o FILE when --format is not given
GRAPH_SUFFIXES = {".gexf": "gexf", ".graphml": "graphml", ".dot": "dot",
                  ".gv": "dot", ".json": "json", ".cyjs": "cytoscape"}  # fmt: skip
BRIEF_SUFFIXES = {".html": "html", ".htm": "html", ".json": "json",
                  ".md": "markdown"}  # fmt: skip


def chosen_format(fmt, output, suffixes: dict, default: str, to_file: str) -> str:
    """fmt if given, else the one the suffix of output names, else to_file
    for a file of another suffix and default on stdout."""
    if fmt:
        return fmt
    if output is None:
        return default
    return suffixes.get(os.path.splitext(os.fspath(output))[1].lower(), to_file)


def run_graph(where: Where, fmt: str | None, output, color, rate=(), **options) -> int:
    """The entity network (options: those of relations.network): tables in a
    terminal, or a file format on stdout or in output; rate: --rate overrides."""
    from airesearch.queries.deals import load_rates
    from airesearch.queries.relations import network, with_paths

    fmt = chosen_format(fmt, output, GRAPH_SUFFIXES, "table", "json")
    rates = load_rates(rate)
    _, net = fresh_answer(
        where, lambda conn: with_paths(conn, network(conn, rates, **options))
    )
    if not net.nodes:
        render.message("no entities in range")
        return 1
    from airesearch.research.graph_views import as_data, export, to_graph

    graph = to_graph(net)
    if fmt == "table":
        research_render.print_graph(as_data(graph), net.center, color)
    else:
        write_text(export(graph, fmt), output)
    return 0


def write_text(text: str, output) -> None:
    """text on stdout, or in the file output (written whole, then renamed, so a
    failed run leaves no half file)."""
    if output is None:
        sys.stdout.write(text)
        return
    path = os.fspath(output)
    partial = path + ".partial"
    try:
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, path)
    except OSError as error:
        raise AiresearchError(f"cannot write {path}: {error.strerror}") from None
    render.message(f"wrote {path}")


def run_brief(
    where: Where, subject: str, fmt: str | None, output, rate=(), with_boilerplate=False
) -> int:
    """A research brief on an entity or a query, as Markdown, HTML or JSON;
    rate: --rate overrides of the USD rates."""
    fmt = chosen_format(fmt, output, BRIEF_SUFFIXES, "markdown", "markdown")
    from airesearch.output import brief_pages
    from airesearch.queries.deals import load_rates
    from airesearch.research.briefs import brief

    rates = load_rates(rate)
    _, found = fresh_answer(
        where, lambda conn: brief(conn, subject, rates, with_boilerplate)
    )
    if found is None:
        render.message(f"nothing in the index matches {subject!r}")
        return 1
    if fmt == "json":
        import json

        text = json.dumps(brief_pages.as_data(found), ensure_ascii=False, indent=2)
        write_text(text + "\n", output)
    else:
        write_text(getattr(brief_pages, fmt)(found), output)
    return 0


BOILERPLATE_COLUMNS = ["text", "why", "posts", "passages", "first_date",
                       "last_date", "path"]  # fmt: skip


def run_boilerplate(where: Where, out, color, top: int = 30) -> int:
    """The repeated passages, most posts first; exit 1 when there are none."""
    from airesearch.index.template import listing

    if top < 0:
        raise AiresearchError("--top must be 0 or more")
    _, rows = fresh_answer(where, listing)
    rows = rows[:top] if top else rows
    render.emit(rows, out, BOILERPLATE_COLUMNS, research_render.print_boilerplate,
                color)  # fmt: skip
    if not rows:
        render.message("no passage is repeated across enough posts to be boilerplate")
    return 0 if rows else 1


TIMELINE_COLUMNS = ["when", "when_source", "actor", "action", "object", "amount",
                    "currency", "usd_min", "usd_max", "posts", "first_date",
                    "last_date", "path", "title"]  # fmt: skip


def run_timeline(where: Where, subject: str | None, out, color, rate=(), **options):
    """The events of an entity, a query's posts or the corpus (options: those
    of queries.timeline.timeline); exit 1 when there are none."""
    from airesearch.queries.deals import load_rates
    from airesearch.queries.timeline import timeline_of

    rates = load_rates(rate)
    _, events = fresh_answer(
        where, lambda conn: timeline_of(conn, subject, rates, **options)
    )
    render.emit(events, out, TIMELINE_COLUMNS, research_render.print_timeline, color)
    if not events:
        render.message("no events" + (f" for {subject!r}" if subject else ""))
    return 0 if events else 1


def run_watch(where: Where, update: bool, delay: float) -> int:
    """`airesearch watch`: until SIGTERM or Ctrl-C (then exit 0)."""
    from airesearch.index.stamp import stamp_follows
    from airesearch.index.watch_server import Updates, serve, update_command
    from airesearch.index.watcher import Watcher

    if delay < 0:
        raise AiresearchError(f"--delay must be 0 or more seconds, not {delay:g}")
    root, index_path = locate(where)
    follow = stamp_follows(index_path)
    watcher = Watcher(
        root, index_path, follow_links_default() if follow is None else follow,
        log=render.message,
    )  # fmt: skip
    start = update_command(root, index_path, where.entities) if update else None
    serve(watcher, Updates(start, delay), on_ready=render.print_watching)
    return 0


def run_watch_status(where: Where, json_out: bool, color: render.Color) -> int:
    """`watch --status`: exit 0 if a watcher answers, 1 if none."""
    from airesearch.index.watch_server import status

    root, index_path = locate(where)
    found = status(index_path) or {"alive": False, "corpus": root, "index": index_path}
    render.emit_one(found, json_out, render.print_fields, color)
    return 0 if found["alive"] else 1
