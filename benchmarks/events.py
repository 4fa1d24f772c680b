"""How well `timeline` reads events, against hand labels
(benchmarks/event_labels.toml): precision (events given whose actor, action and
object the sentence states), coverage (stated events found) and the accuracy
of same-event decisions on pairs of tellings from two posts.

    python benchmarks/events.py [--labels FILE] [--show]
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

from airesearch.ingest.events import find_events
from airesearch.ingest.pipeline import analyse_text
from airesearch.queries.timeline import Telling, same_events

HERE = Path(__file__).resolve().parent


def events_of(text: str, post_date: str) -> tuple[list, list]:
    _, mentions, figures = analyse_text(text)
    return find_events(text, mentions, figures, post_date), figures


def telling(text: str, post_date: str, post_id: int) -> Telling | None:
    """The first event of a sentence as one post's telling of it."""
    found, figures = events_of(text, post_date)
    if not found:
        return None
    event = found[0]
    money = next((f for f in figures if f.start == event.amount_start), None)
    return Telling(
        event.actor, event.action, event.object, event.object_key, event.day,
        event.when == "stated", post_id, f"post{post_id}", "", post_date, 0, text,
        money and money.min, money and money.max, money and money.currency,
        money and money.surface, event.actor,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", default=HERE / "event_labels.toml", type=Path)
    parser.add_argument("--show", action="store_true", help="print every miss")
    args = parser.parse_args()
    labels = tomllib.loads(args.labels.read_text(encoding="utf-8"))
    given = right = stated = found = 0
    for item in labels["sentence"]:
        truth = {tuple(event) for event in item["events"]}
        events, _ = events_of(item["text"], item["date"])
        answer = {(e.actor, e.action, e.object) for e in events}
        given += len(answer)
        right += len(answer & truth)
        stated += len(truth)
        found += len(truth & answer)
        if args.show and answer != truth:
            print(f"given {sorted(answer)} stated {sorted(truth)}: {item['text']}")
    agree = 0
    for number, pair in enumerate(labels["pair"]):
        a = telling(pair["a"], pair["a_date"], 1)
        b = telling(pair["b"], pair["b_date"], 2)
        together = bool(a and b) and len(same_events([a, b])) == 1
        agree += together == pair["same"]
        if args.show and together != pair["same"]:
            print(f"pair {number}: grouped {together}, labelled {pair['same']}")
    sentences, pairs = len(labels["sentence"]), len(labels["pair"])
    print(f"sentences {sentences} ({stated} stated events), pairs {pairs}")
    print(f"precision {right / given if given else 1:.3f} ({right}/{given})")
    print(f"coverage {found / stated if stated else 1:.3f} ({found}/{stated})")
    print(f"pair accuracy {agree / pairs:.3f} ({agree}/{pairs})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
