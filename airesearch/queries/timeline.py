"""`timeline`: the events the posts state (ingest/events.py), each told once
however many posts tell it. Tellings of one event have the same actor, action
and object, compatible amounts, and dates within WINDOW_DAYS of the first;
different rounds (amounts), products (objects) or years stay apart.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import namedtuple

from airesearch.errors import AiresearchError
from airesearch.index.sql import check_day, one_of
from airesearch.index.template import not_template
from airesearch.ingest.events import ACTION_NAMES
from airesearch.models import TimelineEvent

# Tellings within this many days of an event's first are the same event
# (posts of the blog follow news by days to weeks; a year later is another).
WINDOW_DAYS = 45
# Two amounts are one when their ranges meet within this share.
AMOUNT_SLACK = 0.05

# One sentence telling an event (a row of the events table with its post).
Telling = namedtuple(
    "Telling",
    "actor action object object_key day stated post_id path title post_date"
    " passage sentence minimum maximum currency surface actor_key",
)


def timeline(
    conn: sqlite3.Connection,
    rates: dict,
    entity_key: str | None = None,
    post_ids=None,
    since: str | None = None,
    until: str | None = None,
    actions=(),
    top: int = 0,
    each: bool = False,
    with_boilerplate: bool = False,
) -> list[TimelineEvent]:
    """The events naming entity_key (as actor or object), or told by the posts
    post_ids, or all; happened since..until; of these actions. In date order;
    with top, the top most-told first; each: one row per telling."""
    check_day(since, "--since")
    check_day(until, "--until")
    unknown = [a for a in actions if a not in ACTION_NAMES]
    if unknown:
        raise AiresearchError(
            f"--action must be one of {', '.join(ACTION_NAMES)} (not {unknown[0]})"
        )
    if top < 0:
        raise AiresearchError("--top must be 0 or more")
    found = [
        telling for telling in tellings(conn, entity_key, actions, with_boilerplate)
        if (post_ids is None or telling.post_id in post_ids)
        and within(telling.day, since, until)
    ]  # fmt: skip
    groups = [[t] for t in found] if each else same_events(found)
    events = [as_event(group, rates) for group in groups]
    events.sort(key=lambda e: (e.when or "", e.actor, e.action, e.object))
    if top:
        events = sorted(events, key=lambda e: -e.posts)[:top]
    return events


def keyed_events(conn, rates, since=None, until=None, with_boilerplate=False):
    """(actor key, object key, TimelineEvent) of every event between two
    entities (the object a name), for graph --edges events."""
    found = [
        telling for telling in tellings(conn, None, (), with_boilerplate)
        if telling.object_key and within(telling.day, since, until)
    ]  # fmt: skip
    return [
        (group[0].actor_key, group[0].object_key, as_event(group, rates))
        for group in same_events(found)
    ]


def tellings(conn, entity_key, actions, with_boilerplate) -> list[Telling]:
    """Every telling, one per post and event (a post that repeats a paragraph
    tells its event once), in post order."""
    from airesearch.queries.entity_lookup import display_names

    conditions, params = [], []
    if entity_key:
        conditions.append("(e.actor = ? OR e.object_key = ?)")
        params += [entity_key, entity_key]
    if actions:
        condition, values = one_of("e.action", actions)
        conditions.append(condition)
        params += values
    if not with_boilerplate:
        conditions.append(not_template("e.passage_id"))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = conn.execute(
        "SELECT e.actor, e.action, e.object, e.object_key, e.day, e.stated,"
        " e.post_id, p.path, p.title, p.date, x.seq,"
        " substr(unpack_text(x.text), e.sentence_start + 1,"
        " e.sentence_end - e.sentence_start),"
        " d.min, d.max, d.currency, d.surface FROM events e"
        " JOIN posts p ON p.id = e.post_id JOIN passages x ON x.id = e.passage_id"
        " LEFT JOIN deals d ON d.passage_id = e.passage_id AND d.start = e.amount_start"
        f"{where} ORDER BY e.post_id, e.passage_id, e.sentence_start",
        params,
    ).fetchall()
    names = display_names(
        conn, sorted({r[0] for r in rows} | {r[3] for r in rows if r[3]})
    )
    seen, found = set(), []
    for row in rows:
        actor, action, obj, object_key, *rest = row
        key = (actor, action, obj.casefold() or object_key, rest[2])  # rest[2]: post
        if key in seen:
            continue
        seen.add(key)
        shown = obj or names.get(object_key, ("",))[0]
        found.append(
            Telling(names.get(actor, (actor,))[0], action, shown, object_key,
                    rest[0], bool(rest[1]), *rest[2:5], rest[5] and rest[5][:10],
                    rest[6], rest[7].strip(), *rest[8:], actor)
        )  # fmt: skip
    return found


def within(day: str | None, since: str | None, until: str | None) -> bool:
    """Whether a day (or a month: any day of it) falls in since..until."""
    if day is None:
        return since is None and until is None
    first, last = (day, day) if len(day) > 7 else (f"{day}-01", f"{day}-31")
    return (since is None or last >= since) and (until is None or first <= until)


def same_events(found: list[Telling]) -> list[list[Telling]]:
    """The tellings grouped into events (see the module docstring)."""
    groups: dict[tuple, list[list[Telling]]] = {}
    for telling in sorted(found, key=lambda t: (t.day or "", t.post_id)):
        key = (
            telling.actor,
            telling.action,
            # by its words: 「Kunlun 6」 is not 「Kunlun 5」, both naming Kunlun
            telling.object.casefold() or telling.object_key,
        )
        for group in groups.setdefault(key, []):
            if same_event(group, telling):
                group.append(telling)
                break
        else:
            groups[key].append([telling])
    return [group for events in groups.values() for group in events]


def same_event(group: list[Telling], telling: Telling) -> bool:
    """Whether a telling tells the event of group: its day within WINDOW_DAYS
    of the group's first, and its amount (if any) one of the group's."""
    first = group[0].day
    if not days_apart_within(first, telling.day, WINDOW_DAYS):
        return False
    amounts = [t for t in group if t.minimum is not None]
    if telling.minimum is None or not amounts:
        return True
    return any(same_amount(t, telling) for t in amounts)


def same_amount(a: Telling, b: Telling) -> bool:
    if a.currency != b.currency:
        return False
    low_a, high_a = a.minimum, a.maximum if a.maximum is not None else a.minimum
    low_b, high_b = b.minimum, b.maximum if b.maximum is not None else b.minimum
    slack = AMOUNT_SLACK * max(high_a, high_b)
    return low_a <= high_b + slack and low_b <= high_a + slack


def days_apart_within(a: str | None, b: str | None, days: int) -> bool:
    if a is None or b is None:
        return a == b
    try:
        first = dt.date.fromisoformat(a if len(a) > 7 else f"{a}-01")
        second = dt.date.fromisoformat(b if len(b) > 7 else f"{b}-01")
    except ValueError:
        return a == b
    return abs((second - first).days) <= days


def as_event(group: list[Telling], rates: dict) -> TimelineEvent:
    from airesearch.queries.deals import to_usd

    stated = [t.day for t in group if t.stated and t.day]
    days = [t.day for t in group if t.day]
    dates = sorted(t.post_date for t in group if t.post_date)
    first = min(group, key=lambda t: (t.post_date or "", t.path))
    money = next((t for t in group if t.minimum is not None), None)
    usd_min = usd_max = None
    if money:
        usd_min = to_usd(money.minimum, money.currency, rates)
        usd_max = to_usd(money.maximum if money.maximum is not None else money.minimum,
                         money.currency, rates)  # fmt: skip
    return TimelineEvent(
        when=min(stated) if stated else min(days, default=None),
        when_source="stated" if stated else "post",
        actor=first.actor, action=first.action, object=first.object,
        amount=money.surface if money else None,
        currency=money.currency if money else None,
        usd_min=usd_min, usd_max=usd_max,
        posts=len({t.post_id for t in group}),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        path=first.path, title=first.title,
        citations=[
            {"path": t.path, "title": t.title, "date": t.post_date,
             "passage": t.passage, "sentence": t.sentence}
            for t in sorted(group, key=lambda t: (t.post_date or "", t.path))
        ],
    )  # fmt: skip


def timeline_of(conn, subject: str | None, rates: dict, **options) -> list:
    """timeline for a subject: an entity if it names one (exactly or by an
    alias), else the posts a query finds; a query that finds nothing may be a
    misspelt entity (looked up as by `entity`, which names the candidates)."""
    if not subject:
        return timeline(conn, rates, **options)
    from airesearch.index import postings
    from airesearch.models import SearchRequest
    from airesearch.queries.entity_lookup import exact_entity, resolve_entity
    from airesearch.queries.search import parse_request
    from airesearch.tokens import name_key

    key = exact_entity(conn, name_key(subject))
    if key is None:
        _, selection = parse_request(conn, SearchRequest(subject))
        posts = postings.post_ids(conn, selection)
        if posts:
            return timeline(conn, rates, post_ids=posts, **options)
        key = resolve_entity(conn, subject)
    return timeline(conn, rates, entity_key=key, **options)
