"""Output: the formats (table, json, jsonl, csv) and the one place that prints them.

stdout carries data only; messages and progress go to stderr. JSON keeps Japanese
readable (ensure_ascii=False) and uses the record field names. Rich is imported
only for terminal output, so `--json` never pays for it.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import sys
from enum import StrEnum

from airesearch.errors import AiresearchError, index_error
from airesearch.output.readable import (
    plural,
    readable_amount,
    readable_usd,
)


class Output(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


def choose_output(json_flag: bool, jsonl_flag: bool, csv_flag: bool) -> Output:
    """The format asked for by the mutually exclusive --json/--jsonl/--csv flags."""
    chosen = [
        fmt
        for fmt, flag in ((Output.json, json_flag), (Output.jsonl, jsonl_flag),
                          (Output.csv, csv_flag))
        if flag
    ]  # fmt: skip
    if len(chosen) > 1:
        from airesearch.errors import AiresearchError

        raise AiresearchError("choose one of --json, --jsonl and --csv")
    return chosen[0] if chosen else Output.table


def as_dict(record: object) -> dict:
    """A named tuple (models.py) or a dict, as a dict in field order."""
    return record._asdict() if hasattr(record, "_asdict") else dict(record)


def emit(records: list, out: Output, columns: list[str], show, color) -> None:
    """Records for people (show(records, color)) or as JSON, JSON Lines, CSV."""
    if out is Output.table:
        show(records, color)
    else:
        emit_data(records, out, columns)


def emit_one(record, json_out: bool, show, color) -> None:
    """One record (a post, stats, a profile) for people, or as a JSON object."""
    if json_out:
        emit_record(record, Output.json)
    else:
        show(record, color)


def emit_data(records: list, out: Output, columns: list[str]) -> None:
    """Write records as JSON, JSON Lines or CSV on stdout."""
    rows = [as_dict(record) for record in records]
    if out is Output.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif out is Output.jsonl:
        sys.stdout.writelines(
            json.dumps(row, ensure_ascii=False) + "\n" for row in rows
        )
    elif out is Output.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row.get(column)) for column in columns])


def csv_cell(value: object) -> object:
    """A list as one cell: items joined by ";", a list of pairs as
    "payer→payee;…" (deals' pairs), anything deeper as JSON."""
    if isinstance(value, list):
        if all(not isinstance(v, list) for v in value):
            return ";".join(map(str, value))
        if all(isinstance(v, list) and len(v) == 2 for v in value):
            return ";".join(f"{a}→{b}" for a, b in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def console(color: Color = Color.auto, stderr: bool = False):
    """A Rich console: colour on a terminal (or when forced), never with NO_COLOR."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty()
    if color is Color.always:
        return Console(file=stream, force_terminal=True, highlight=False)
    if color is Color.never or not terminal or os.environ.get("NO_COLOR"):
        # Plain text: no ANSI codes, no wrapping at an imagined 80 columns.
        return Console(
            file=stream, no_color=True, color_system=None, highlight=False,
            force_terminal=False, width=None if terminal else 10_000,
        )  # fmt: skip
    return Console(file=stream, highlight=False)


def print_hits(hits: list, color: Color) -> None:
    """Search results for people: title, date, path, score, highlighted snippet."""
    from rich.text import Text

    out = console(color)
    for number, hit in enumerate(hits):
        if number:
            out.print()
        heading = Text(hit.title, style="bold")
        heading.append(f"  {(hit.date or '')[:10]}", style="cyan")
        heading.append(f"  score {hit.score:.2f}", style="dim")
        out.print(heading, soft_wrap=True)
        where = f"{hit.path}  [{hit.passage_kind} {hit.passage_seq}]"
        if hit.matched_passages > 1:
            where += f"  {plural(hit.matched_passages, 'matching passage')}"
        out.print(Text(where, style="green"), soft_wrap=True)
        snippet = Text("  " + hit.snippet)
        for start, end in hit.snippet_matches:
            snippet.stylize("bold red", start + 2, end + 2)
        out.print(snippet, soft_wrap=True)


def print_post(post: dict, color: Color) -> None:
    """One post: metadata, then its cleaned passages, numbered."""
    from rich.text import Text

    out = console(color)
    out.print(Text(post["title"], style="bold"), soft_wrap=True)
    for key in ("path", "date", "tags", "categories"):
        value = post[key]
        value = ", ".join(value) if isinstance(value, list) else value or ""
        out.print(Text(f"{key}: ", style="dim") + Text(str(value)), soft_wrap=True)
    if post["dropped_passages"]:
        out.print(
            Text(f"repeated passages dropped: {post['dropped_passages']}", style="dim")
        )
    for warning in post["warnings"]:
        out.print(Text(f"warning: {warning}", style="yellow"), soft_wrap=True)
    for passage in post["passages"]:
        out.print()
        mark = (
            f" boilerplate: {passage['boilerplate']}" if passage["boilerplate"] else ""
        )
        out.print(Text(f"[{passage['seq']} {passage['kind']}{mark}]", style="cyan"))
        out.print(Text(passage["text"]), soft_wrap=True)


def print_fields(record: dict, color: Color, title: str | None = None) -> None:
    """A key/value table (stats)."""
    lines = [[key, str(value)] for key, value in record.items()]
    print_table(["field", "value"], lines, color, title=title, header=False)


def print_watching(watcher) -> None:
    """That a watcher (index/watcher.py) is ready, on stderr."""
    message(
        f"watching {watcher.corpus} ({plural(len(watcher.folders), 'folder')});"
        f" commands ask this watcher now (index {watcher.index_path});"
        " stop with Ctrl-C or SIGTERM"
    )


def print_waiting(holder: str) -> None:
    """That this command waits for another update of the index, on stderr."""
    print(f"waiting for another update of this index (process {holder})…",
          file=sys.stderr)  # fmt: skip


def print_cluster(address: str, workers: int) -> None:
    """The cluster a build sends its analysis to, on stderr."""
    # Plain: an address such as tcp://[::1]:8786 is not markup.
    print(f"analysing on {plural(workers, 'worker')} of {address}", file=sys.stderr)


def print_index_report(report, verbose: bool = True) -> None:
    """The summary of an index run, on stderr: plain lines (no markup to read
    in a path, and no Rich to load for a re-check that found nothing)."""
    changed = report.added + report.updated + report.deleted
    lines = [
        f"indexed {plural(report.posts, 'post')}, {plural(report.passages, 'passage')} "
        f"({report.dropped} repeated passages dropped), "
        f"{plural(report.terms, 'distinct term')} "
        f"in {report.seconds:.2f} s; {report.added} added, {report.updated} updated, "
        f"{report.deleted} deleted, {report.unchanged} unchanged"
        + ("" if changed else " (already up to date)")
    ]
    if report.skipped:
        lines.append(f"{plural(len(report.skipped), 'file')} skipped:")
        lines += [f"  {item['path']}: {item['reason']}" for item in report.skipped]
    if verbose:
        lines += [
            f"warning: {item['path']}: {item['message']}" for item in report.warnings
        ]
    print("\n".join(lines), file=sys.stderr)


def message(text: str) -> None:
    """A line on stderr, without Rich (cheap enough for the fast search path)."""
    print(f"airesearch: {text}", file=sys.stderr)


# What the command line catches: a problem the user can fix, a damaged index,
# a reader that left, Ctrl-C. Anything else is a bug and keeps its traceback.
HANDLED = (AiresearchError, sqlite3.DatabaseError, BrokenPipeError, KeyboardInterrupt)


def exit_code(error: BaseException) -> int:
    """The one place that turns a handled exception into what the user sees:
    one line on stderr and exit 2, a quiet end (0) for a closed pipe, 130 for
    Ctrl-C. cli/app.py and cli/launch.py both call it."""
    if isinstance(error, BrokenPipeError):
        quiet_broken_pipe()
        return 0
    if isinstance(error, KeyboardInterrupt):
        return 130
    if isinstance(error, sqlite3.DatabaseError):
        error = index_error(error)
    message(str(error))
    return 2


class ProgressBar:
    """Files, MB/s and ETA on stderr while the index is built, if shown (the
    caller decides: a terminal, not CI)."""

    def __init__(self, shown: bool) -> None:
        self.shown = shown
        self.progress = None
        self.task = None

    def __call__(
        self, files_done: int, files_total: int, done: int, total: int
    ) -> None:
        if self.progress is None:
            if not self.shown:
                return
            self.start(files_total, total)
        self.progress.update(
            self.task, completed=done, files=f"{files_done}/{files_total}"
        )

    def start(self, files_total: int, total: int) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )  # fmt: skip

        self.progress = Progress(
            TextColumn("indexing"), BarColumn(),
            TextColumn("{task.fields[files]} files"),
            TransferSpeedColumn(), TimeRemainingColumn(),
            console=console(stderr=True), transient=True,
        )  # fmt: skip
        self.task = self.progress.add_task(
            "index", total=total, files=f"0/{files_total}"
        )
        self.progress.start()

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def emit_record(record, out: Output) -> None:
    """One record (a report, a post, stats) as a JSON object on stdout."""
    indent = None if out is Output.jsonl else 2
    sys.stdout.write(
        json.dumps(as_dict(record), ensure_ascii=False, indent=indent) + "\n"
    )


def print_table(
    header_names: list[str],
    lines: list[list[str]],
    color: Color,
    numbers: tuple[str, ...] = (),
    cut: tuple[str, ...] = (),
    caption: str | None = None,
    title: str | None = None,
    header: bool = True,
) -> None:
    """The one place tables are printed: a Rich table on a terminal, numbers
    right-aligned and the cut columns ended with …; tab-separated lines (a
    header unless header=False, # caption) otherwise. For a key/value table
    (header=False) the first column is bold."""
    out = console(color)
    if not out.is_terminal and color is not Color.always:
        rows = [header_names, *lines] if header else lines
        sys.stdout.writelines("\t".join(line) + "\n" for line in rows)
        if caption:
            sys.stdout.write(f"# {caption}\n")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(caption=caption, title=title, show_header=header)
    for number, name in enumerate(header_names):
        table.add_column(
            name,
            justify="right" if name in numbers else "left",
            overflow="ellipsis" if name in cut else "fold",
            no_wrap=name in cut,
            max_width=40 if name in cut else None,
            style="bold" if not header and number == 0 else None,
        )
    for line in lines:
        table.add_row(*map(Text, line))  # text, not markup: [速報] stays
    out.print(table)


def print_entities(rows: list, color: Color) -> None:
    """The entity summary: a Rich table on a terminal, tab-separated otherwise."""
    header = ["name", "type", "mentions", "posts", "first", "last", "co-mentioned",
              "deals", "deals USD"]  # fmt: skip
    lines = [
        [
            row.name, row.type, str(row.mentions), str(row.posts),
            row.first_date or "", row.last_date or "",
            ", ".join(c["name"] for c in row.co_mentions[:3]),
            str(row.deals), readable_usd(row.deals_usd) if row.deals else "",
        ]
        for row in rows
    ]  # fmt: skip
    numbers = ("mentions", "posts", "deals", "deals USD")
    print_table(header, lines, color, numbers=numbers, cut=("co-mentioned",))


def print_entity(profile, color: Color) -> None:
    """One entity: spellings, a bar per month, co-mentions, posts, sentences."""
    from rich.text import Text

    out = console(color)
    heading = Text(profile.name, style="bold")
    heading.append(
        f"  {profile.type}  {plural(profile.mentions, 'mention')} in"
        f" {plural(profile.posts, 'post')}"
    )
    heading.append(f", {profile.first_date} … {profile.last_date}", style="dim")
    out.print(heading, soft_wrap=True)
    spellings = ", ".join(f"{a['spelling']} ({a['mentions']})" for a in profile.aliases)
    out.print(Text("spellings: ", style="dim") + Text(spellings), soft_wrap=True)
    if profile.deals:
        deals = (
            f"{plural(profile.deals, 'figure')}, ≈ {readable_usd(profile.deals_usd)}"
            " (lower bounds)"
        )
        out.print(Text("deals: ", style="dim") + Text(deals), soft_wrap=True)
    out.print(Text("\nmentions per month", style="bold"))
    most = max((m["mentions"] for m in profile.per_month), default=1)
    for month in profile.per_month:
        bar = "█" * max(1, round(30 * month["mentions"] / most))
        line = Text(f"  {month['month']}  ")
        line.append(bar, style="cyan")
        line.append(f" {month['mentions']}")
        out.print(line)
    if profile.co_mentions:
        names = ", ".join(
            f"{c['name']} ({c['passages']}, J {c['jaccard']:.2f})"
            for c in profile.co_mentions
        )
        out.print(Text("\nnamed with: ", style="bold") + Text(names), soft_wrap=True)
    out.print(Text("\nposts", style="bold"))
    for post in profile.top_posts:
        out.print(
            Text(f"  {post['mentions']:>3}  {(post['date'] or '')[:10]}  ")
            + Text(post["title"])
            + Text(f"  {post['path']}", style="green"),
            soft_wrap=True,
        )
    out.print(Text("\nexamples", style="bold"))
    for example in profile.examples:
        sentence = Text("  " + example["sentence"].replace("\n", " "))
        for start, end in example["matches"]:
            sentence.stylize("bold red", start + 2, end + 2)
        out.print(sentence, soft_wrap=True)
        out.print(Text(f"    {example['path']}", style="green"), soft_wrap=True)


def print_deals(found: list, totals: list[dict], color: Color) -> None:
    """Deal figures: amount as written and as a number, kind, parties, how many
    posts give it and when; then the count and total per currency."""
    header = ["amount", "number", "USD", "kind", "parties", "posts", "dates",
              "title"]  # fmt: skip
    lines = [
        [
            deal.amount,
            readable_amount(deal.min, deal.max, deal.currency)
            + (f"/{deal.per}" if deal.per else ""),
            readable_usd(deal.usd_min, deal.usd_max),
            deal.kind,
            " → ".join(p for p in (deal.payer, deal.payee) if p)
            if deal.payer else ", ".join(deal.parties),
            str(deal.posts),
            date_span(deal.first_date, deal.last_date),
            deal.title,
        ]
        for deal in found
    ]  # fmt: skip
    footer = "; ".join(
        f"{t['currency']}: {plural(t['count'], 'figure')}, "
        + (
            readable_usd(t["total"])
            if t["currency"] == "USD"
            else f"{readable_amount(t['total'], t['total'], t['currency'])}"
            f" (≈ {readable_usd(t['total_usd'])})"
        )
        for t in totals
    )
    caption = f"{plural(len(found), 'figure')}; {footer}"
    numbers = ("number", "USD", "posts")
    print_table(header, lines, color, numbers=numbers, cut=("title",), caption=caption)


def print_deal_list(found: list, color: Color) -> None:
    """print_deals with the per-currency totals of the deals listed."""
    from airesearch.queries.deals import totals

    print_deals(found, totals(found), color)


def print_rates(rows: list[dict], color: Color) -> None:
    print_fields({row["currency"]: row["per_usd"] for row in rows}, color)


def date_span(first: str | None, last: str | None) -> str:
    first, last = (first or "")[:10], (last or "")[:10]
    return first if first == last else f"{first}–{last}"


def quiet_broken_pipe() -> None:
    """`airesearch search AI | head`: the reader left; end without a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
