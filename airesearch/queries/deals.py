"""Read-only questions about money figures: the deals listing, its per-currency
totals, the rate table, and each entity's deal count and total.

Amounts keep their own currency; a rate table (data/rates.toml, overridable)
converts them to USD only to sort and total across currencies.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections import defaultdict

from airesearch.errors import AiresearchError
from airesearch.index.schema import MAX_PASSAGES
from airesearch.index.sql import date_filter, one_of, rows_for
from airesearch.index.template import in_template, not_template
from airesearch.models import KINDS, Deal

RATES_FILE = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "data", "rates.toml"
)
SORTS = ("amount", "date")
CURRENCY_CODE = re.compile(r"[A-Z]{2,6}")
# What `deals` lists unless asked for another kind or all of them: money that
# changes hands or is committed, not market sizes, prices or sales.
DEAL_KINDS = ("deal", "capex", "valuation")


def load_rates(overrides: list[str] | tuple[str, ...] = ()) -> dict[str, float]:
    """Units of each currency per US dollar, with CUR=N overrides applied."""
    import tomllib

    with open(RATES_FILE, "rb") as handle:
        rates = {
            key.upper(): float(value) for key, value in tomllib.load(handle).items()
        }
    for override in overrides:
        currency, _, value = override.partition("=")
        try:
            rate = float(value)
            if not 0 < rate < float("inf"):  # nan fails too
                raise ValueError
        except ValueError:
            raise AiresearchError(
                f"--rate wants CURRENCY=UNITS_PER_USD (JPY=150), not {override!r}"
            ) from None
        code = currency.strip().upper()
        if not CURRENCY_CODE.fullmatch(code):
            raise AiresearchError(
                f"--rate wants a currency code of letters (JPY=150), not {currency!r}"
            )
        rates[code] = rate
    return rates


def to_usd(amount: float, currency: str, rates: dict[str, float]) -> float | None:
    rate = rates.get(currency)
    return round(amount / rate, 2) if rate else None


def amount_in_usd(
    text: str | None, rates: dict[str, float], option: str
) -> float | None:
    """--min/--max: a number (USD) or a Japanese amount (10億ドル, 1兆円)."""
    if text is None:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        pass
    from airesearch.ingest.money import parse_money

    money = parse_money(text)
    if money is None or to_usd(money.min, money.currency, rates) is None:
        raise AiresearchError(
            f"{option} wants a number or an amount like 10億ドル, not {text!r}"
        )
    return to_usd(money.min, money.currency, rates)


def deals(
    conn: sqlite3.Connection,
    rates: dict[str, float],
    entity: str | None = None,
    kind: str | None = None,
    currency: str | None = None,
    minimum: str | None = None,
    maximum: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str = "amount",
    top: int = 30,
    each: bool = False,
    with_boilerplate: bool = False,
    entity_key: str | None = None,
) -> list[Deal]:
    """Money figures, largest (in USD) or newest first, filtered. kind: None
    for the deal-like kinds (DEAL_KINDS), "all" for every kind. A figure that
    recurs across posts (same amount, currency, kind and parties) is one record
    with its number of posts and first and last date, unless each. Figures of
    boilerplate passages (the blog's template) are left out unless
    with_boilerplate. entity: a name as the user gives it (looked up);
    entity_key: an entity key already looked up."""
    if sort not in SORTS:
        raise AiresearchError(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if top < 0:
        raise AiresearchError("--top must be 0 or more")
    if kind not in (None, "all", *KINDS):
        raise AiresearchError(
            f"--kind must be one of all, {', '.join(KINDS)}, not {kind!r}"
        )
    low = amount_in_usd(minimum, rates, "--min")
    high = amount_in_usd(maximum, rates, "--max")
    dated, params = date_filter(since, until, "p")
    where = ["1", *dated]
    chosen = DEAL_KINDS if kind is None else () if kind == "all" else (kind,)
    if chosen:
        condition, kinds = one_of("d.kind", chosen)
        where.append(condition)
        params += kinds
    if currency:
        where.append("d.currency = ?")
        params.append(currency.upper())
    if not with_boilerplate:
        where.append(not_template("d.passage_id"))
    if entity and not entity_key:
        from airesearch.queries.entity_lookup import resolve_entity

        entity_key = resolve_entity(conn, entity)
    if entity_key:
        where.append("EXISTS (SELECT 1 FROM json_each(d.entity_keys) WHERE value = ?)")
        params.append(entity_key)
    # USD in SQL, so that filtering, grouping, sorting and the limit happen
    # there and only the figures listed are read in full (71,000 figures per GB).
    # The rates written into the statement (codes checked by load_rates, rates
    # floats), so that however many currencies there are, the statement's
    # variables are the filters' only.
    rate = (
        "CASE d.currency "
        + " ".join(f"WHEN '{code}' THEN {value!r}" for code, value in rates.items())
        + " END"
    )
    usd_where = []
    if low is not None:
        usd_where.append(f"usd_min >= {float(low)!r}")
    if high is not None:
        usd_where.append(f"usd_max <= {float(high)!r}")
    rated = (
        "SELECT d.rowid AS id, d.min, d.max, d.currency, d.per, d.kind, d.parties,"
        " d.mentions, d.post_id, p.date, p.path, d.start,"
        f" d.min / {rate} AS usd_min, d.max / {rate} AS usd_max,"
        " coalesce(p.date, '9999') || char(1) || p.path || char(1)"
        " || printf('%020d', d.passage_id) || printf('%09d', d.start) AS sort_key"
        " FROM deals d JOIN posts p ON p.id = d.post_id"
        f" WHERE {' AND '.join(where)}"
    )
    rated = f"SELECT * FROM ({rated}) WHERE {' AND '.join(usd_where) or '1'}"
    order = (
        "ORDER BY coalesce(r.usd_min, 0) DESC, r.path, r.start"
        if sort == "amount"
        else "ORDER BY coalesce(last_date, '') DESC, r.path DESC, r.start DESC"
    )
    limit = f"LIMIT {int(top)}" if top else ""
    if each:
        sql = (
            f"WITH rated AS ({rated}) SELECT r.id, 1, r.mentions, r.date, r.date"
            f" AS last_date FROM rated r {order} {limit}"
        )
    else:  # one row per figure recurring across posts: the earliest post's
        sql = (
            f"WITH rated AS MATERIALIZED ({rated}), groups AS (SELECT"
            " count(DISTINCT post_id) AS posts, sum(mentions) AS mentions,"
            " min(date) AS first_date, max(date) AS last_date,"
            " min(sort_key) AS first_key FROM rated"
            " GROUP BY min, max, currency, per, kind, parties)"
            " SELECT r.id, g.posts, g.mentions, g.first_date, g.last_date"
            f" FROM groups g JOIN rated r ON r.sort_key = g.first_key {order} {limit}"
        )
    picked = conn.execute(sql, params).fetchall()
    return with_sentences(conn, full_deals(conn, picked, rates))


def full_deals(conn: sqlite3.Connection, picked: list[tuple], rates) -> list[Deal]:
    """Deals for (deal rowid, posts, mentions, first date, last date) rows, in
    their order; the sentence field holds (passage id, start, end) until
    with_sentences reads it."""
    if not picked:
        return []
    ids = [row[0] for row in picked]
    rows = {
        row[0]: row[1:]
        for row in rows_for(
            conn,
            "SELECT d.rowid, d.surface, d.min, d.max, d.currency, d.qualifier,"
            " d.per, d.kind, d.payer, d.payee, d.parties, d.entities,"
            " d.passage_id, d.sentence_start, d.sentence_end, p.path, p.title,"
            f" p.date, d.passage_id & {MAX_PASSAGES - 1}, d.start, d.end,"
            " d.restated, d.pairs FROM deals d JOIN posts p ON p.id = d.post_id"
            " WHERE d.rowid IN ({})",
            ids,
        )
    }
    found = []
    for deal_id, posts, mentions, first, last in picked:
        (surface, lo, hi, cur, qualifier, per, kind_, payer, payee, parties, names,
         passage_id, s_start, s_end, path, title, day, seq, start, end,
         restated, pairs) = rows[deal_id]  # fmt: skip
        found.append(
            Deal(
                amount=surface, min=lo, max=hi, currency=cur, qualifier=qualifier,
                per=per, usd_min=to_usd(lo, cur, rates), usd_max=to_usd(hi, cur, rates),
                kind=kind_, payer=payer, payee=payee,
                roles="stated" if payer or payee or pairs else None,
                parties=json.loads(parties),
                entities=json.loads(names), mentions=mentions,
                sentence=(passage_id, s_start, s_end), path=path, title=title,
                date=day, passage_seq=seq, start=start, end=end,
                restated=json.loads(restated) if restated else None,
                posts=posts, first_date=first, last_date=last,
                pairs=json.loads(pairs) if pairs else [],
            )
        )  # fmt: skip
    return found


def with_sentences(conn: sqlite3.Connection, found: list[Deal]) -> list[Deal]:
    """The deals with their sentence read from the passage (until now the
    sentence field holds (passage id, start, end))."""
    ids = sorted({deal.sentence[0] for deal in found})
    texts = dict(
        rows_for(
            conn, "SELECT id, unpack_text(text) FROM passages WHERE id IN ({})", ids
        )
    )
    return [
        deal._replace(
            sentence=texts[deal.sentence[0]][slice(*deal.sentence[1:])].strip()
        )
        for deal in found
    ]


def recurring_once(found: list[Deal]) -> list[Deal]:
    """One record per figure that recurs across posts (same amount, currency,
    rate unit, kind and parties): the earliest post's, with the number of posts
    and the first and last date."""
    groups: dict[tuple, list[Deal]] = defaultdict(list)
    for deal in found:
        key = (deal.min, deal.max, deal.currency, deal.per, deal.kind,
               tuple(sorted(deal.parties)))  # fmt: skip
        groups[key].append(deal)
    merged = []
    for group in groups.values():
        group.sort(key=lambda d: (d.date or "9999", d.path, d.start))
        dates = [d.date for d in group if d.date]
        merged.append(
            group[0]._replace(
                posts=len({d.path for d in group}),
                mentions=sum(d.mentions for d in group),
                first_date=min(dates) if dates else None,
                last_date=max(dates) if dates else None,
            )
        )
    return merged


def totals(found: list[Deal]) -> list[dict]:
    """Count and total (lower bounds) per currency, largest total in USD first;
    a figure that recurs across posts counts once."""
    by_currency: dict[str, dict] = defaultdict(
        lambda: {"count": 0, "total": 0, "usd": 0.0}
    )
    for deal in recurring_once(found):
        entry = by_currency[deal.currency]
        entry["count"] += 1
        entry["total"] += deal.min
        entry["usd"] += deal.usd_min or 0
    return [
        {"currency": currency, "count": e["count"], "total": e["total"],
         "total_usd": round(e["usd"], 2)}
        for currency, e in sorted(by_currency.items(), key=lambda i: -i[1]["usd"])
    ]  # fmt: skip


def entity_deal_totals(
    conn: sqlite3.Connection,
    rates: dict[str, float],
    keys: list[str] | None = None,
    skip: bool = False,
) -> dict[str, tuple[int, float]]:
    """entity key -> (deals naming it, their total in USD at rates, lower
    bounds), each deal counted once however many posts tell it (the per-entity
    sums the index keeps, aggregates.py); skip: less the deals told only in
    boilerplate passages (the template's price of a book)."""
    from airesearch.index.aggregates import deal_of

    sql = "SELECT entity, currency, figures, total FROM entity_deals"
    found: dict[str, list] = defaultdict(lambda: [0, 0.0])
    rows = (
        rows_for(conn, sql + " WHERE entity IN ({})", keys)
        if keys
        else conn.execute(sql)
    )
    for key, currency, figures, total in rows:
        found[key][0] += figures
        found[key][1] += to_usd(total, currency, rates) or 0.0
    if skip:  # the deals told only in the template, taken off
        wanted = set(keys) if keys else None
        template: dict[tuple, int] = defaultdict(int)
        # Grouped in SQL: the template's figures are mostly one figure (a
        # book's price) told by thousands of posts.
        for entity_keys, low, high, currency, per, kind, parties, n in conn.execute(
            "SELECT entity_keys, min, max, currency, per, kind, parties, count(*)"
            f" FROM deals WHERE {in_template('passage_id')}"
            " GROUP BY entity_keys, min, max, currency, per, kind, parties"
        ):
            deal = deal_of(low, high, currency, per, kind, parties)
            for key in set(json.loads(entity_keys)):
                if key in found and (wanted is None or key in wanted):
                    template[key, deal, currency, low or 0] += n
        for (key, deal, currency, low), n in template.items():
            told = conn.execute(
                "SELECT tellings FROM entity_deal_tellings"
                " WHERE entity = ? AND deal = ?",
                (key, deal),
            ).fetchone()
            if told and told[0] <= n:
                found[key][0] -= 1
                found[key][1] -= to_usd(low, currency, rates) or 0.0
        found = {k: v for k, v in found.items() if v[0] > 0}
    return {key: (count, round(usd, 2)) for key, (count, usd) in found.items()}


def deal_rows_in(conn: sqlite3.Connection, passage_ids) -> list[tuple]:
    """full_deals rows (id, posts, mentions, first, last) of the deal-like
    figures inside these passages."""
    from airesearch.queries.posts import in_passages

    deal_like, kinds = one_of("d.kind", DEAL_KINDS)
    rows = in_passages(
        conn,
        "SELECT d.rowid, 1, d.mentions, p.date, p.date, d.passage_id FROM deals d"
        f" JOIN posts p ON p.id = d.post_id WHERE d.post_id IN ({{}}) AND {deal_like}",
        passage_ids,
        after=kinds,
    )
    return [row[:5] for row in rows]
