"""Terminal views of the research commands: kwic's aligned concordance, trend's
chart, keywords' table. Japanese takes two columns a character, so everything
lines up by display width, not len. Kept apart from render.py (the formats and
the listings) so that neither grows past a screenful of concerns.
"""

from __future__ import annotations

import sys

from airesearch.output.readable import display_width, pad_to, plural, readable_usd
from airesearch.output.render import Color, console, print_table


def print_kwic(lines: list, color: Color) -> None:
    """Occurrences grouped by post (title, date, hits), the matches in one
    column: left contexts right-aligned by display width (a wide character
    takes two columns); entity names and money figures coloured."""
    from rich.text import Text

    out = console(color)
    left_width = max((display_width(line.left) for line in lines), default=0)
    groups: dict[str, list] = {}
    for line in lines:
        groups.setdefault(line.path, []).append(line)
    for number, (path, group) in enumerate(groups.items()):
        if number:
            out.print()
        heading = Text(group[0].title, style="bold")
        heading.append(f"  {(group[0].date or '')[:10]}", style="cyan")
        heading.append(f"  {path}  {plural(len(group), 'hit')}", style="dim")
        out.print(heading, soft_wrap=True)
        for line in group:
            lead = len(pad_to(line.left, left_width)) - len(line.left)
            text = Text(" " * lead + line.left + line.match + line.right)
            for start, end, kind in line.marks:
                style = "green" if kind == "money" else "cyan"
                text.stylize(style, lead + start, lead + end)
            match_at = lead + len(line.left)
            text.stylize("bold red", match_at, match_at + len(line.match))
            out.print(Text("  ") + text, soft_wrap=True, no_wrap=True)


TREND_BAR = 16  # characters of the longest bar


def trend_lines(points: list) -> list[tuple[str, list[tuple[str, bool]]]]:
    """The chart as text: a header, then per period its label and one cell per
    series (bar scaled to the largest share, share, posts; ▲ on a burst), each
    column padded by display width so Japanese series names line up."""
    names = list(dict.fromkeys(point.series for point in points))
    periods = list(dict.fromkeys(point.period for point in points))
    cell = {(point.series, point.period): point for point in points}
    top = max((point.share for point in points), default=0) or 1
    rows = {
        period: [
            (
                "█" * round(cell[name, period].share / top * TREND_BAR)
                + f" {cell[name, period].share:.1%} ({cell[name, period].posts})"
                + (" ▲" if cell[name, period].burst else ""),
                cell[name, period].burst,
            )
            for name in names
        ]
        for period in periods
    }
    widths = [
        max([display_width(name)] + [display_width(rows[p][n][0]) for p in periods])
        for n, name in enumerate(names)
    ]
    label = max((display_width(period) for period in periods), default=6)
    lines = [(pad_to("period", label, right=False), [
        (pad_to(name, width, right=False), False)
        for name, width in zip(names, widths, strict=True)
    ])]  # fmt: skip
    for period in periods:
        lines.append((pad_to(period, label, right=False), [
            (pad_to(text, width, right=False), burst)
            for (text, burst), width in zip(rows[period], widths, strict=True)
        ]))  # fmt: skip
    return lines


def print_trend(points: list, color: Color) -> None:
    """The trend chart: a calendar axis down, one column per series."""
    from rich.text import Text

    out = console(color)
    plain = not out.is_terminal and color is not Color.always
    for number, (label, cells) in enumerate(trend_lines(points)):
        if plain:
            sys.stdout.write("  ".join([label, *(text for text, _ in cells)]).rstrip())
            sys.stdout.write("\n")
            continue
        line = Text(label, style="bold" if number == 0 else "cyan")
        for text, burst in cells:
            line.append("  ")
            line.append(text, style="bold" if number == 0 else "red" if burst else "")
        out.print(line, soft_wrap=True, no_wrap=True)
    if not plain and points:
        out.print(Text("▲ burst: share at least twice the series' median, 3+ posts",
                       style="dim"))  # fmt: skip


KEYWORD_HEADER = ["keyword", "type", "posts", "baseline", "G²", "log ratio"]
EXAMPLE_SIDE = 28  # characters of the example on each side of the match


def print_keywords(rows: list, color: Color) -> None:
    """The keywords: a line of figures each (posts in the period and the
    baseline, G², log ratio), columns padded by display width, and under it the
    example (date, the words around the match) that shows why it is there.
    Tab-separated lines, the example in two more columns, off a terminal."""
    from rich.text import Text

    if not rows:
        return
    cells = [
        [row.keyword, row.type or "word", str(row.posts), str(row.baseline_posts),
         f"{row.g2:.1f}", f"{row.log_ratio:+.2f}"]
        for row in rows
    ]  # fmt: skip
    caption = (
        f"posts of {rows[0].period_total} in {rows[0].period}, of"
        f" {rows[0].baseline_total} in the baseline ({rows[0].baseline})"
    )
    out = console(color)
    if not out.is_terminal and color is not Color.always:
        examples = [[(row.date or "")[:10], row.snippet or ""] for row in rows]
        lines = [line + more for line, more in zip(cells, examples, strict=True)]
        print_table([*KEYWORD_HEADER, "date", "example"], lines, color, caption=caption)
        return
    widths = [
        max(display_width(line[column]) for line in [KEYWORD_HEADER, *cells])
        for column in range(len(KEYWORD_HEADER))
    ]

    def aligned(line: list[str]) -> str:
        return "  ".join(
            pad_to(cell, width, right=column > 1)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        )

    out.print(Text(aligned(KEYWORD_HEADER), style="bold"), no_wrap=True)
    for row, line in zip(rows, cells, strict=True):
        out.print(Text(aligned(line)), no_wrap=True)
        if row.snippet:
            text, start, end = example_window(row.snippet, row.snippet_matches)
            example = Text(f"    {(row.date or '')[:10]}  ", style="cyan")
            shift = len(example)
            example.append(text, style="dim")
            if end > start:
                example.stylize("bold red", shift + start, shift + end)
            out.print(example, no_wrap=True, overflow="ellipsis")
    out.print(Text(caption, style="dim"), soft_wrap=True)


def example_window(snippet: str, matches: list) -> tuple[str, int, int]:
    """The words around the first match (EXAMPLE_SIDE characters each side), and
    the match's offsets in that window."""
    if not matches:
        return snippet[: EXAMPLE_SIDE * 2], 0, 0
    start, end = matches[0]
    first = max(0, start - EXAMPLE_SIDE)
    window = snippet[first : end + EXAMPLE_SIDE]
    lead = "…" if first else ""
    return lead + window, start - first + len(lead), end - first + len(lead)


GRAPH_BAR = 20  # characters of the longest bar in the ego view


def print_graph(data: dict, center: str | None, color: Color) -> None:
    """For one entity: its neighbours grouped by type, by weight, with bars,
    and the money flowing out and in. For the whole graph: the communities and
    the most central entities."""
    if center:
        print_ego(data, center, color)
        return
    names = {node["id"]: node for node in data["nodes"]}
    print_table(
        ["community", "entities", "members (most mentioned first)"],
        [[str(c["id"]), str(len(c["members"])), ", ".join(c["members"][:12])
          + (" …" if len(c["members"]) > 12 else "")]
         for c in data["communities"]],
        color, numbers=("community", "entities"), title="Communities (Louvain)",
    )  # fmt: skip
    central = sorted(data["nodes"], key=lambda n: -n["centrality"])[:15]
    print_table(
        ["name", "type", "mentions", "degree", "centrality", "betweenness",
         "community"],
        [[n["name"], n["type"], str(n["mentions"]), str(n["degree"]),
          f"{n['centrality']:.3f}", f"{n['betweenness']:.3f}", str(n["community"])]
         for n in central],
        color, numbers=("mentions", "degree", "centrality", "betweenness",
                        "community"),
        title="Most central (eigenvector centrality)",
        caption=f"{len(names):,} entities, {plural(len(data['edges']), 'edge')}",
    )  # fmt: skip


def print_ego(data: dict, center: str, color: Color) -> None:
    from rich.text import Text

    out = console(color)
    nodes = {node["id"]: node for node in data["nodes"]}
    me = nodes[center]
    head = Text(me["name"], style="bold")
    head.append(f"  {me['type']}  {plural(me['mentions'], 'mention')} in"
                f" {plural(me['posts'], 'post')}", style="")  # fmt: skip
    if me["first_date"]:
        head.append(f"  {me['first_date']} … {me['last_date']}", style="cyan")
    out.print(head, soft_wrap=True)
    co = [e for e in data["edges"] if e["kind"] == "co" and center in
          (e["source"], e["target"])]  # fmt: skip
    top = max((e["weight"] for e in co), default=1)
    groups: dict[str, list] = {}
    for edge in sorted(co, key=lambda e: (-e["weight"], -(e["jaccard"] or 0))):
        other = nodes[edge["target"] if edge["source"] == center else edge["source"]]
        groups.setdefault(other["type"], []).append((other["name"], edge))
    width = max((display_width(name) for g in groups.values() for name, _ in g),
                default=4)  # fmt: skip
    if groups:
        out.print(Text("named with (passages naming both; Jaccard)", style="dim"))
    for kind, members in sorted(groups.items(), key=lambda g: -g[1][0][1]["weight"]):
        out.print(Text(kind, style="bold"))
        for name, edge in members:
            bar = "█" * max(1, round(edge["weight"] / top * GRAPH_BAR))
            line = Text("  " + pad_to(name, width, right=False) + "  ")
            line.append(pad_to(bar, GRAPH_BAR, right=False), style="cyan")
            line.append(f" {edge['weight']:>4}  {edge['jaccard']:.3f}")
            out.print(line, no_wrap=True)
    for label, mine, theirs, arrow in (
        ("money out", "source", "target", "→"),
        ("money in", "target", "source", "←"),
    ):
        flows = sorted(
            (e for e in data["edges"] if e["kind"] == "money" and e[mine] == center),
            key=lambda e: -(e["usd"] or 0),
        )
        if not flows:
            continue
        out.print(Text(label, style="bold"))
        for edge in flows:
            out.print(Text(
                f"  {arrow} {nodes[edge[theirs]]['name']}  {readable_usd(edge['usd'])}"
                f"  {plural(edge['weight'], 'figure')}  {edge['last_date'] or ''}",
                style="green"), soft_wrap=True)  # fmt: skip


def print_boilerplate(rows: list[dict], color: Color) -> None:
    """The repeated passages: posts, passages, first and last date, why, and
    the text cut to one line (plain tab-separated lines off a terminal)."""
    lines = [
        [str(row["posts"]), str(row["passages"]), row["first_date"] or "",
         row["last_date"] or "", row["why"], " ".join(row["text"].split())[:80]]
        for row in rows
    ]  # fmt: skip
    print_table(
        ["posts", "passages", "first", "last", "why", "text"], lines, color,
        caption=f"{plural(len(rows), 'repeated passage')} left out of counts",
    )  # fmt: skip


def print_timeline(events: list, color: Color) -> None:
    """The events: date, actor, action, object, amount, posts telling it and
    the first post's title (plain tab-separated lines off a terminal)."""
    lines = [
        [e.when or "", e.actor, e.action, e.object or "", e.amount or "",
         str(e.posts), e.title or e.path]
        for e in events
    ]  # fmt: skip
    told = sum(e.posts > 1 for e in events)
    print_table(
        ["date", "actor", "action", "object", "amount", "posts", "title"], lines,
        color, caption=f"{plural(len(events), 'event')}, {told} told by several posts",
    )  # fmt: skip
