"""A brief (briefs.py) as Markdown, or as one self-contained HTML page: styles
inline, charts as inline SVG, no script and nothing fetched from the network,
so the file can be mailed or archived and still open the same.
"""

from __future__ import annotations

from html import escape

from airesearch.output.readable import cut_to, plural, readable_usd

CHART_WIDTH, BAR_HEIGHT = 640, 18


def headline(brief) -> list[str]:
    """Facts of the first lines, shared by both formats."""
    what = brief.type or "query"
    counted = "mentions" if brief.kind == "entity" else "matching passages"
    facts = [f"{what} · {brief.mentions:,} {counted} in {plural(brief.posts, 'post')}"]
    if brief.first_date:
        facts.append(f"first {brief.first_date[:10]}, last {brief.last_date[:10]}")
    if brief.deals:
        top = brief.deals[0]
        facts.append(
            f"{len(brief.deals)} money figures, the largest {top.amount}"
            + (f" ({readable_usd(top.usd_min)})" if top.usd_min else "")
        )
    if brief.partners:
        facts.append(
            "named most with " + ", ".join(p["name"] for p in brief.partners[:3])
        )
    return facts


def cell(value) -> str:
    """A Markdown table cell: no line breaks, | escaped."""
    return str("" if value is None else value).replace("\n", " ").replace("|", "\\|")


def parties(deal) -> list[str]:
    """payer, payee, and the parties named with the figure."""
    return [deal.payer or "", deal.payee or "", ", ".join(deal.parties)]


MARKDOWN_TABLES = {
    "trend": "| month | posts | share | mentions |\n|---|---:|---:|---:|",
    "deals": "| amount | USD | kind | payer | payee | parties | date | post |\n"
    "|---|---:|---|---|---|---|---|---|",
    "partners": "| entity | type | passages | Jaccard |\n|---|---|---:|---:|",
    "money": "| direction | entity | figures | USD | dates |\n|---|---|---:|---:|---|",
    "events": "| date | actor | action | object | amount | posts | first post |\n"
    "|---|---|---|---|---|---:|---|",
}
ASSOCIATION = "Named in the same passages, most associated first (Jaccard)"


def direction(flow: dict) -> str:
    return "pays" if flow["direction"] == "out" else "is paid by"


def markdown(brief) -> str:
    lines = [f"# Brief: {brief.subject}", ""]
    lines += [f"- {fact}" for fact in headline(brief)] + [""]
    lines += ["## Trend by month", "", MARKDOWN_TABLES["trend"]]
    lines += [
        f"| {m['month']} | {m['posts']} | {m['share']:.1%} | {m['mentions']} |"
        for m in brief.months
    ] + [""]
    lines += ["## Key sentences", ""]
    month = None
    for quote in brief.key_sentences:
        if quote["month"] != month:
            month = quote["month"]
            lines += [f"### {month}", ""]
        repeated = f", in {quote['posts']} posts" if quote["posts"] > 1 else ""
        lines += [
            f"> {quote['sentence']}",
            f"> — *{cell(quote['title'])}*, {(quote['date'] or '')[:10]},"
            f" `{quote['path']}`{repeated}",
            "",
        ]
    if brief.events:
        lines += ["## What happened", "", MARKDOWN_TABLES["events"]]
        lines += [
            f"| {e.when or ''} | {cell(e.actor)} | {e.action} | {cell(e.object)}"
            f" | {cell(e.amount or '')} | {e.posts} | `{e.path}` |"
            for e in brief.events
        ] + [""]
    if brief.deals:
        lines += ["## Money figures", "", MARKDOWN_TABLES["deals"]]
        for deal in brief.deals:
            payer, payee, named = parties(deal)
            lines.append(
                f"| {cell(deal.amount)} | {readable_usd(deal.usd_min, deal.usd_max)}"
                f" | {deal.kind} | {cell(payer)} | {cell(payee)} | {cell(named)}"
                f" | {(deal.date or '')[:10]} | `{deal.path}` |"
            )
        lines.append("")
    if brief.partners or brief.money:
        lines += ["## Partners", ""]
    if brief.partners:
        lines += [ASSOCIATION + ":", "", MARKDOWN_TABLES["partners"]]
        lines += [
            f"| {cell(p['name'])} | {p['type']} | {p['passages']}"
            f" | {p['jaccard']:.3f} |"
            for p in brief.partners
        ] + [""]
    if brief.money:
        lines += ["Money flows:", "", MARKDOWN_TABLES["money"]]
        lines += [
            f"| {direction(f)} | {cell(f['name'])} | {f['figures']}"
            f" | {readable_usd(f['usd'])} | {f['first_date'] or ''}"
            f" … {f['last_date'] or ''} |"
            for f in brief.money
        ] + [""]
    return "\n".join(lines)


STYLE = """
body { font-family: "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2733;
       line-height: 1.6; }
h1 { border-bottom: 2px solid #2b6cb0; padding-bottom: .3rem; }
h2 { margin-top: 2rem; color: #2b6cb0; }
ul.facts { list-style: none; padding: 0; } ul.facts li { margin: .2rem 0; }
blockquote { margin: .8rem 0; padding: .4rem 1rem; border-left: 4px solid #90cdf4;
             background: #f5f9fd; }
blockquote .source { display: block; font-size: .85rem; color: #52606d; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid #d9e2ec; padding: .25rem .6rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg text { font-size: 12px; fill: #1d2733; }
"""


def html(brief) -> str:
    """The brief as one self-contained HTML page."""
    title = f"Brief: {brief.subject}"
    parts = [
        "<!DOCTYPE html>", '<html lang="ja">', "<head>", '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>", f"<style>{STYLE}</style>", "</head>",
        "<body>", f"<h1>{escape(title)}</h1>", '<ul class="facts">',
        *(f"<li>{escape(fact)}</li>" for fact in headline(brief)), "</ul>",
        "<h2>Trend by month</h2>", trend_svg(brief.months),
        table(["month", "posts", "share", "mentions"],
              [[m["month"], m["posts"], f"{m['share']:.1%}", m["mentions"]]
               for m in brief.months], numbers=(1, 2, 3)),
        "<h2>Key sentences</h2>",
    ]  # fmt: skip
    month = None
    for quote in brief.key_sentences:
        if quote["month"] != month:
            month = quote["month"]
            parts.append(f"<h3>{escape(month)}</h3>")
        repeated = f", in {quote['posts']} posts" if quote["posts"] > 1 else ""
        parts.append(
            f'<blockquote>{escape(quote["sentence"])}<span class="source">—'
            f" <cite>{escape(quote['title'] or '')}</cite>,"
            f" {escape((quote['date'] or '')[:10])},"
            f" <code>{escape(quote['path'])}</code>{repeated}</span></blockquote>"
        )
    if brief.events:
        parts += ["<h2>What happened</h2>", table(
            ["date", "actor", "action", "object", "amount", "posts", "first post"],
            [[e.when or "", e.actor, e.action, e.object, e.amount or "", e.posts,
              e.path] for e in brief.events],
            numbers=(5,),
        )]  # fmt: skip
    if brief.deals:
        parts += ["<h2>Money figures</h2>", money_svg(brief.deals)]
        parts.append(table(
            ["amount", "USD", "kind", "payer", "payee", "parties", "date", "post"],
            [[d.amount, readable_usd(d.usd_min, d.usd_max), d.kind, *parties(d),
              (d.date or "")[:10], d.path] for d in brief.deals],
            numbers=(1,),
        ))  # fmt: skip
    if brief.partners:
        parts += ["<h2>Partners</h2>", f"<p>{ASSOCIATION}.</p>"]
        parts.append(table(
            ["entity", "type", "passages", "Jaccard"],
            [[p["name"], p["type"], p["passages"], f"{p['jaccard']:.3f}"]
             for p in brief.partners], numbers=(2, 3),
        ))  # fmt: skip
    if brief.money:
        parts += ["<p>Money flows.</p>", table(
            ["direction", "entity", "figures", "USD", "dates"],
            [[direction(f), f["name"], f["figures"], readable_usd(f["usd"]),
              f"{f['first_date'] or ''} … {f['last_date'] or ''}"]
             for f in brief.money],
            numbers=(2, 3),
        )]  # fmt: skip
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def table(header: list[str], rows: list[list], numbers: tuple[int, ...] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(str(v))}</td>' if i in numbers
            else f"<td>{escape(str('' if v is None else v))}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def trend_svg(months: list[dict]) -> str:
    """Columns of the share of each month's posts, the posts written above."""
    if not months:
        return ""
    height, top_pad, label_pad = 160, 18, 34
    step = CHART_WIDTH / len(months)
    most = max(m["share"] for m in months) or 1
    shapes = []
    for i, m in enumerate(months):
        bar = (height - top_pad - label_pad) * m["share"] / most
        x, y = i * step + step * 0.15, height - label_pad - bar
        shapes.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{bar:.1f}"'
            f' fill="#4299e1"><title>{escape(m["month"])}: {m["posts"]} posts,'
            f" {m['share']:.1%}</title></rect>"
        )
        shapes.append(
            f'<text x="{x + step * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
            f"{m['posts']}</text>"
        )
        if len(months) <= 24 or i % 3 == 0:
            shapes.append(
                f'<text x="{x + step * 0.35:.1f}" y="{height - label_pad + 16}"'
                f' text-anchor="middle">{escape(m["month"][2:])}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{CHART_WIDTH}"'
        f' height="{height}" viewBox="0 0 {CHART_WIDTH} {height}">'
        "<title>Share of each month's posts (bars) and posts (numbers)</title>"
        + "".join(shapes)
        + "</svg>"
    )


LABEL_COLUMNS = 26  # a wide (CJK) character is two columns, about 12 px


def money_svg(deals) -> str:
    """One horizontal bar per figure, by USD (lower bound)."""
    rated = [d for d in deals if d.usd_min]
    if not rated:
        return ""
    label_width = 180  # pixels: about LABEL_COLUMNS display columns at 12 px
    most = max(d.usd_min for d in rated)
    height = BAR_HEIGHT * len(rated) + 8
    shapes = []
    for i, deal in enumerate(rated):
        y = i * BAR_HEIGHT + 4
        width = (CHART_WIDTH - label_width - 90) * deal.usd_min / most
        payer, payee, _ = parties(deal)
        label = f"{deal.amount} {payer}→{payee}" if payer and payee else deal.amount
        shapes += [
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">'
            f"{escape(cut_to(label, LABEL_COLUMNS))}</text>",
            f'<rect x="{label_width}" y="{y + 2}" width="{max(width, 1):.1f}"'
            f' height="{BAR_HEIGHT - 5}" fill="#48bb78"/>',
            f'<text x="{label_width + width + 6:.1f}" y="{y + 13}">'
            f"{escape(readable_usd(deal.usd_min))}</text>",
        ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{CHART_WIDTH}"'
        f' height="{height}" viewBox="0 0 {CHART_WIDTH} {height}">'
        "<title>Money figures in USD (lower bounds)</title>"
        + "".join(shapes)
        + "</svg>"
    )


def as_data(brief) -> dict:
    """The brief as JSON: its fields, deals as objects."""
    data = brief._asdict()
    data["deals"] = [deal._asdict() for deal in brief.deals]
    data["events"] = [event._asdict() for event in brief.events]
    return data
