"""What happened, from the structure of one sentence: who did it (the actor, a
name the sentence marks as its subject), what (an action of the table ACTIONS,
by the words that signal it), to whom or what (the object its particle marks),
for how much (a money figure of the same sentence) and when (a date the
sentence states, else the post's). Only sentences that state a fact: a past
predicate, no speculation, plan, hypothetical or question, a named actor.
When the structure does not say who did what, no event (README, "Timeline").
"""

from __future__ import annotations

import re
import unicodedata
from collections import namedtuple

from airesearch.ingest.roles import UNNAMED_SUBJECT

# One event told by one sentence; offsets in the passage text. object_key: the
# entity key of the object when it is a name, else None (object is then the
# text of what was launched, built or passed). amount_start: the start of the
# money figure of the sentence (deals.start), or None. day: YYYY-MM-DD or
# YYYY-MM; when: "stated" or "post".
Event = namedtuple(
    "Event",
    "actor action object object_key amount_start sentence_start sentence_end day when",
)

# The actions, in the order a sentence is tried (the first that finds its
# structure wins), with the words that signal each (README, "Timeline").
ACTIONS = (
    ("acquire", r"買収|全株式を取得|株式を取得|全株取得"),
    ("invest", r"出資|投資"),
    ("raise", r"資金調達|を調達|調達した"),
    ("partner", r"提携|協業|連携|契約を締結|契約を結|で合意|に合意|と合意"),
    ("supply", r"受注|供給"),
    ("build", r"建設|開設|稼働を開始|稼働した|着工|開所"),
    ("regulate", r"施行|承認|可決|成立"),
    ("appoint", r"就任|任命"),
    ("adopt", r"採用|導入"),
    ("launch", r"発売|提供を開始|提供開始|リリース|ローンチ|公開|発表"),
)
ACTION_NAMES = tuple(name for name, _ in ACTIONS) + ("other",)
CUES = [(name, re.compile(words)) for name, words in ACTIONS]
# Any action's word: most passages have none and are not cut into sentences.
ANY_CUE = re.compile("|".join(words for _, words in ACTIONS))

# Not a fact: speculation, prediction, plan, hypothetical, question, hearsay.
NOT_FACT = re.compile(
    r"可能性|見込|見通し|予測|予想|かもしれ|だろう|でしょう|すれば|としたら|なら[ば、]"
    r"|検討|計画|予定|目指|方針|狙[いう]|期待|噂|報じ|報道|関係者によると|によれば"
    r"|交渉|協議|予備|準備"
    r"|[?？]|のか[。」]?$|べき|たい[。と]|ない$|なかった|ません"
)
# A past predicate at the end of the sentence (した。, しました。, と発表した。),
# or right after the action's word (提供を開始したというニュース, 買収しました).
PAST = re.compile(r"(?:た|ました|でした)[」』）)]*[。！!]?\s*$")
DONE = re.compile(r"(?:を完了|が完了|を開始|を実施)?し(?:た|ました)")
# After the action's word, what says its clause is not the past one that ends
# the sentence: another subject (…公開しているのに対し、Appleは…避けてきました),
# a state (している), a passive (発表された: by whom is not said).
OTHER_CLAUSE = re.compile(r"して(?:い|お)|され|[はが]、|のに対し|一方")
# A name marked as the subject: NVIDIAは, NVIDIA社が, OpenAIも.
SUBJECT = re.compile(r"(?:社|氏)?[はがも](?![じ])")
# The particle after the object of each action.
OBJECT_PARTICLES = {
    "acquire": re.compile(
        r"(?:社|氏)?[」』]?(?:の(?:全?株式|普通株|株))?(?:を|の買収)"
    ),
    "invest": re.compile(
        r"(?:社|氏)?[」』]?(?:に対して|に対し|への|へ|に)(?!よ|とって|おい|関)"
    ),
    "partner": re.compile(r"(?:社|氏)?[」』]?(?:と(?:の|共同で)?)(?!し|して)"),
    "supply": re.compile(r"(?:社|氏)?[」』]?(?:に|へ|から|向け)"),
    "adopt": re.compile(r"(?:社|氏)?[」』]?(?:の[^、。]{0,12}?)?を"),
    "appoint": re.compile(r"(?:社|氏)?の"),
}
# A quoted name right before the object particle: 「GPT-5」を正式発表.
QUOTED = re.compile(r"「([^「」]{2,40})」(?=を)|『([^『』]{2,40})』(?=を)")
# A facility built: the noun phrase before を after the last particle
# (「…は米ウィスコンシン州に新しいデータセンターを建設」: 新しいデータセンター).
FACILITY = re.compile(
    r"([^、。「」をはがにでへ]{0,20}?(?:データセンター|データセンタ|工場|拠点|施設"
    r"|キャンパス|研究所|センター|スーパーコンピューター|スパコン|クラスター))を"
)
LAW = re.compile(r"([^、。「」を]{0,20}?(?:法|法案|規則|規制|条例|大統領令))(?:が|を)")
DATE = re.compile(
    r"(?:(?P<year>\d{4})年|(?P<rel>今年|昨年|前年))?(?P<month>\d{1,2})月"
    r"(?:(?P<day>\d{1,2})日)?"
)
# Months after the post's date by more than this are last year's (a post of
# January on 12月15日).
FUTURE_DAYS = 31


def find_events(text: str, mentions: list, figures: list, post_date: str | None):
    """The events stated by the sentences of one passage: mentions are its
    MentionRows, figures its Figures, post_date the post's ISO date."""
    from airesearch.ingest.passages import sentence_spans

    named = [m for m in mentions if m.type in ("org", "person", "place", "product")]
    if not named or not ANY_CUE.search(text):
        return []
    found = []
    for start, end in sentence_spans(text):
        inside = [m for m in named if start <= m.start and m.end <= end]
        if not inside:
            continue
        sentence = text[start:end].strip()
        event = sentence_event(text, start, end, inside, figures, post_date)
        if event and sentence:
            found.append(event)
    return found


def sentence_event(text, start, end, names, figures, post_date):
    sentence = text[start:end].rstrip()
    if NOT_FACT.search(sentence):
        return None
    ends_past = bool(PAST.search(sentence))
    for action, cue in CUES:
        for match in cue.finditer(text, start, end):
            actor = subject_of(text, start, names, match.start())
            if actor is None:
                continue
            if not DONE.match(text, match.end()) and not (
                ends_past and clause_ends(text, match.end(), end, names)
            ):
                continue
            obj = object_of(text, action, actor, names, match.start(), start)
            if obj is None:
                continue
            name, key = obj
            amount = amount_of(figures, actor.end, match.end())
            day, when = stated_day(sentence, post_date)
            return Event(actor.key, action, name, key, amount, start, end, day, when)
    return None


def clause_ends(text: str, after: int, end: int, names: list) -> bool:
    """Whether the sentence's past end is the end of the action's clause: no
    other subject, state or passive between."""
    rest = text[after:end]
    if OTHER_CLAUSE.search(rest):
        return False
    return not any(after <= m.start and SUBJECT.match(text, m.end) for m in names)


def amount_of(figures: list, after: int, before: int) -> int | None:
    """The start of the one money figure between the actor and the action's
    word (the clause's amount); None when there is none, or several (whose
    is which is not said: 「…OpenAIに130億ドルを投資し、…CoreWeaveと…119億ドルを
    支払う…契約」)."""
    inside = [f.start for f in figures if after <= f.start < before]
    return inside[0] if len(inside) == 1 else None


def subject_of(text: str, start: int, names: list, before: int):
    """The actor of an action whose word stands at before: the one name marked
    as a subject (は, が, も) before it, an organisation, person or place; None
    when there is none, when two different names are (whose action is it?),
    or when a pronoun subject (同社は) stands between."""
    subjects = [
        name for name in names
        if name.type in ("org", "person", "place") and name.end <= before
        and SUBJECT.match(text, name.end)
    ]  # fmt: skip
    if not subjects or len({name.key for name in subjects}) > 1:
        return None
    actor = subjects[-1]
    if UNNAMED_SUBJECT.search(text, actor.end, before):
        return None
    return actor


def object_of(text, action, actor, names, cue_at, sentence_start):
    """(object text, entity key or None) of the action whose cue stands at
    cue_at, from the particle its object takes; None if not stated."""
    if action == "raise":
        return ("", None)
    particle = OBJECT_PARTICLES.get(action)
    if particle is not None:
        candidates = [
            m for m in names
            if m is not actor and m.key != actor.key and m.end <= cue_at
            and particle.match(text, m.end) and m.start >= sentence_start
        ]  # fmt: skip
        if action in ("acquire", "invest", "partner", "supply", "appoint"):
            candidates = [m for m in candidates if m.type in ("org", "person")]
        if action == "partner":
            # "AとBは提携": the name joined to the actor by と is the partner.
            joined = [m for m in names if m.start == actor.end + 1]
            if text[actor.end : actor.end + 1] == "と" and joined:
                candidates = joined
        if candidates:
            chosen = candidates[-1]
            return (chosen.name, chosen.key)
        if action != "adopt":
            return None
    window = text[actor.end : cue_at + 8]
    if action == "build":
        found = FACILITY.search(window)
        return (found.group(1).strip(), None) if found else None
    if action == "regulate":
        if actor.type not in ("org", "place"):
            return None
        found = LAW.search(window) or QUOTED.search(window)
        return (next(g for g in found.groups() if g).strip(), None) if found else None
    if action in ("launch", "adopt"):
        # What is quoted is the product's full name (「Gemini 3」, not Gemini).
        found = QUOTED.search(window)
        if found:
            at = actor.end + found.start()  # the quote, in text
            inner = [
                m for m in names
                if at <= m.start and m.end <= actor.end + found.end()
            ]  # fmt: skip
            key = inner[0].key if inner else None  # a name inside: its key
            return (next(g for g in found.groups() if g).strip(), key)
        products = [
            m for m in names
            if m.type == "product" and actor.end <= m.start and m.end <= cue_at
        ]  # fmt: skip
        if products:
            return (products[-1].name, products[-1].key)
    return None


def stated_day(sentence: str, post_date: str | None) -> tuple[str | None, str]:
    """(the day the sentence states, "stated") resolved against the post's
    date, or (the post's day, "post")."""
    post_day = (post_date or "")[:10] or None
    found = DATE.search(unicodedata.normalize("NFKC", sentence))
    if not found or not (1 <= int(found["month"]) <= 12):
        return post_day, "post"
    month = int(found["month"])
    day = int(found["day"]) if found["day"] else None
    if day is not None and not 1 <= day <= 31:
        return post_day, "post"
    if found["year"]:
        year = int(found["year"])
    elif post_day:
        year = int(post_day[:4]) - (found["rel"] in ("昨年", "前年"))
        if found["rel"] is None and stated_after(year, month, day, post_day):
            year -= 1
    else:
        return None, "post"
    stated = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    if post_day and stated[:7] > post_day[:7] and found["year"]:
        return post_day, "post"  # a stated day after the post: a plan, not done
    return stated, "stated"


def stated_after(year: int, month: int, day: int | None, post_day: str) -> bool:
    import datetime as dt

    try:
        stated = dt.date(year, month, day or 1)
        posted = dt.date.fromisoformat(post_day)
    except ValueError:
        return False
    return (stated - posted).days > FUTURE_DAYS
