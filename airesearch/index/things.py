"""Names that are things: a Latin name in no gazetteer that the corpus writes
only as it writes the gazetteer's generic words (AI, GPU, Cloud) is not listed
as an entity (「RPAを導入」, 「LiDARセンサー」). Learned from the corpus when an
update changes the index (store), and kept with it (meta THINGS_KEY), so that a
listing reads a list instead of every cue of the index; queries/entity_lookup.py
reads it (things_of).
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter, defaultdict

from airesearch.index import meta
from airesearch.index.schema import TERM
from airesearch.ingest.entity_context import GLOSSED

THINGS_KEY = "things"
# A cue counts at most this often per name, here and in the type learner
# (queries/entity_lookup.py): は after NVIDIA a thousand times says little.
CUE_CAP = 3
GLOSS_CUES = ("<" + GLOSSED, ">" + GLOSSED)  # a term glossed, on either side
BRACKETS = re.compile(r"[<>][「」『』（）()【】]")


# "A thing, not a name", learned from the corpus: a cue is a thing's when the
# gazetteer's generic words (AI, GPU, Cloud: entity_cues of the type TERM) stand
# by it THING_RATIO times as often as its names do, THING_TEACHERS generic words
# of them. A name in no gazetteer is a thing when THING_SIGHTINGS of its cue
# sightings are things' and they outweigh its names' cues THING_MARGIN times,
# and nothing says it is a name (NAME_CUES).
THING_RATIO = 3
THING_TEACHERS = 3
THING_SIGHTINGS = 3
THING_MARGIN = 2
# What only a name stands by: the one who announces, buys, partners, founds or
# invests (NVIDIAが発表), the one bought or partnered with (Cognigyを買収), a
# company's or a person's word (社, 株式会社, CEO, 創業, 氏), a description in
# parentheses that says what it is, a maker before it (AdobeのPhotoshop), a
# gazetteer name it is listed with.
NAME_CUES = re.compile(
    r">[がはも](?:発表|買収|提携|設立|出資|創業|調達|締結|協業|合意|上場|本社)"
    r"|>(?:を買収|に出資|と提携|と協業|と契約|社|株式会社|の?CEO|の?創業|氏|傘下|本社)"
    r"|<(?:株式会社|創業者)"
    r"|[<>]\((?:組織|人名|地名)\)|<\[組織\]の|[<>]\[(?:組織|製品|人名|地名)\]列"
)


def used_as_things(conn: sqlite3.Connection) -> frozenset[str]:
    """Names in Latin letters in no gazetteer that the corpus writes only as
    things (RPAを導入, LiDARセンサー, カメラ、LiDAR、IoTデバイス): see THING_RATIO.
    Not a name with a digit (GPT-5.5, S25: a model's or a version's name), nor
    one UniDic read as a name (those are in kana or kanji)."""
    known = frozenset(
        key for (key,) in conn.execute("SELECT DISTINCT entity FROM entity_aliases")
    )
    names: Counter = Counter()
    things: Counter = Counter()
    name_teachers: Counter = Counter()
    thing_teachers: Counter = Counter()
    unknown: dict[str, Counter] = defaultdict(Counter)
    for entity, kind, cue, n in conn.execute(
        "SELECT entity, type, cue, n FROM entity_cues WHERE n > 0"
    ):
        if not informative(cue) or cue in GLOSS_CUES or BRACKETS.fullmatch(cue):
            continue  # glosses are glossed_terms' to judge
        if kind == TERM:
            things[cue] += min(n, CUE_CAP)
            thing_teachers[cue] += 1
        elif entity in known:
            names[cue] += min(n, CUE_CAP)
            name_teachers[cue] += 1
        elif entity.isascii() and not any(char.isdigit() for char in entity):
            unknown[entity][cue] += min(n, CUE_CAP)
    if not things or not names:
        return frozenset()
    thing_total, name_total = sum(things.values()), sum(names.values())

    def odds(cue: str) -> float:  # how much likelier next to a thing
        return ((things[cue] + 0.5) / thing_total) / ((names[cue] + 0.5) / name_total)

    thing_cues = {
        cue for cue in things
        if thing_teachers[cue] >= THING_TEACHERS and odds(cue) >= THING_RATIO
    }  # fmt: skip
    name_cues = {
        cue for cue in names
        if name_teachers[cue] >= THING_TEACHERS and odds(cue) <= 1 / THING_RATIO
    }  # fmt: skip
    found = set()
    for entity, seen in unknown.items():
        if any(NAME_CUES.fullmatch(cue) for cue in seen):
            continue
        as_thing = sum(n for cue, n in seen.items() if cue in thing_cues)
        as_name = sum(n for cue, n in seen.items() if cue in name_cues)
        if as_thing >= THING_SIGHTINGS and as_thing > THING_MARGIN * as_name:
            found.add(entity)
    return frozenset(found)


def informative(cue: str) -> bool:
    """A content word, or a bracket; not a lone particle (は, が, の, や)."""
    word = cue[1:]
    return bool(word) and not (len(word) == 1 and "ぁ" <= word <= "ん")


def store(conn: sqlite3.Connection) -> None:
    """Keep used_as_things with the index (in the caller's transaction)."""
    meta.put_json(conn, THINGS_KEY, sorted(used_as_things(conn)))


def things_of(conn: sqlite3.Connection) -> frozenset[str]:
    """used_as_things as the last update kept it, or counted for an index
    without it."""
    found = meta.get_json(conn, THINGS_KEY)
    return frozenset(found) if found is not None else used_as_things(conn)
