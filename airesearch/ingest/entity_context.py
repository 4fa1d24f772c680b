"""What stands around a name, read after the mentions of a passage or post are
found (entities.py): the words on each side of each mention, from which
entity_lookup.py learns types, and stock tickers that stand for a company
named in the same post.
"""

from __future__ import annotations

import re

from airesearch.ingest.gazetteer import Gazetteer

TICKER = re.compile(r"[A-Z]{2,5}")


def ticker_names(rows, gazetteer: Gazetteer) -> dict[str, tuple[str, str, str]]:
    """ticker key -> (key, name, type) of the company it stands for, among the
    mentions of one post (table rows: key, name, type, surface, ...). A ticker
    is an upper-case name of 2-5 letters in no gazetteer, whose letters spell,
    in order and from its first letter, the name of an org named in the same
    post: NVDA with NVIDIA, MSFT with Microsoft, PLTR with Palantir."""
    rows = list(rows)
    orgs = {(key, name, kind) for key, name, kind, *_ in rows if kind == "org"}
    found = {}
    for key, _name, _kind, surface, *_ in rows:
        if not TICKER.fullmatch(surface) or key in found or key in gazetteer.by_key:
            continue
        spelled = [
            org
            for org in orgs
            if org[0] != key and spells_in_order(surface, org[1].upper())
        ]
        if len(spelled) == 1:
            found[key] = spelled[0]
    return found


def spells_in_order(ticker: str, name: str) -> bool:
    letters = [char for char in name if "A" <= char <= "Z"]
    if not letters or letters[0] != ticker[0] or len(letters) <= len(ticker):
        return False
    rest = iter(letters[1:])
    return all(char in rest for char in ticker[1:])


# A run of one script next to a name: its context cue (see context_cues).
CUE_RUN = re.compile(
    r"[\u4e00-\u9fff\u3005]{1,2}|[\u30a1-\u30fa\u30fc]{1,6}|[A-Za-z]{2,12}"
    r"|[ぁ-ん]|[「」『』（）()【】]"
)
CUE_RUN_BACK = re.compile(
    r"(?:[\u4e00-\u9fff\u3005]{1,2}|[\u30a1-\u30fa\u30fc]{1,6}|[A-Za-z]{2,12}"
    r"|[ぁ-ん]|[「」『』（）()【】])$"
)


CUE_PARTICLES = ("の", "を", "が", "に", "は", "と", "で", "も")


# A Japanese description in parentheses after a name (QOL（生活の質）, IDM（垂直
# 統合型デバイスメーカー）): the name is a term, glossed; not one that ends as
# the name of an organisation or a place would (JDLA（日本ディープラーニング
# 協会）, UAE（アラブ首長国連邦）), nor a name in another script (快手).
GLOSS_AFTER = re.compile(r"\(([^()A-Za-z]{4,30})\)")
# A name the English gloss of a Japanese term holds (推論（Reasoning）, 倫理バイ
# デザイン（Ethics by Design）, 脳波インターフェース（BCI: Brain-Computer Interface）):
# the Japanese before the parenthesis, English words from it to the name, and
# English words from the name to its end (GLOSS_REST).
GLOSS_BEFORE = re.compile(
    r"([\u4e00-\u9fff\u3005][^\s()、。]{0,20})\([A-Za-z0-9][A-Za-z0-9 :,&'\-]*$"
    r"|([\u4e00-\u9fff\u3005][^\s()、。]{0,20})\($"
)
GLOSS_REST = re.compile(r"[A-Za-z0-9 :,&'\-]*\)")
# What a gloss that names something ends with, and the cue it gives: the type
# learner reads them as it reads 社 or 氏 (index/name_types.learned_types).
GLOSS_KINDS = (
    ("(組織)", re.compile(
        "(?:社|会社|協会|機構|機関|局|省|庁|委員会|団体|連合|連盟|財団|研究所|大学"
        "|銀行|グループ|ファンド|政府|公社|センター|企業|メーカー|スタートアップ"
        "|ベンダー|プロバイダー|事業者|新興)$")),
    ("(地名)", re.compile("(?:国|連邦|共和国|王国|州|市|県|地域)$")),
    ("(人名)", re.compile("(?:氏|さん|CEO|社長|会長|教授|博士)$")),
)  # fmt: skip
GLOSSED = "(訳)"  # the cue of a glossed term, before or after it
# The cue of a name listed with a generic word (カメラ、LiDAR、IoTデバイス), and of
# a generic word listed with another: a thing's (entity_lookup.used_as_things).
GENERIC_MATE = "[用語]列"
# An acronym spelled out in English with function words is a term (AIaaS (AI as
# a Service), LiDAR (Light Detection and Ranging)); with the word of an
# organisation it is one (OECD (Organisation for Economic ...)).
SPELLED_OUT = re.compile(r"\(([A-Za-z][A-Za-z\- ]{6,60})\)")
FUNCTION_WORDS = re.compile(r"\b(?:a|an|the|as|and|of|for|in|on|to|with)\b")
ORGANISATION_WORDS = re.compile(
    r"(?i)\b(?:organi[sz]ation|association|agency|institute|inc|corp(?:oration)?"
    r"|council|group|foundation|bank|university|administration|committee|fund"
    r"|union|ministry|department|company|laboratory|labs?)\b"
)


def context_cues(normal: str, start: int, end: int) -> tuple[str, str]:
    """The words on each side of a name, as the type learner reads them (see
    index/name_types.learned_types): the run after it (社, 氏, CEO, 株価; の and
    the run after a particle: のモデル, を搭載), and the run before it (米, 「).
    A term glossed in Japanese (QOL（生活の質）) or glossing a Japanese term
    (推論（Reasoning）) gets the cue GLOSSED on that side; a name described in
    parentheses the cue of what the description ends with (GLOSS_KINDS)."""
    gloss = GLOSS_AFTER.match(normal, end)
    spelled = SPELLED_OUT.match(normal, end)
    if spelled and ORGANISATION_WORDS.search(spelled.group(1)):
        cue_after = "(組織)"
    elif spelled and FUNCTION_WORDS.search(spelled.group(1)):
        cue_after = GLOSSED
    elif gloss:  # a term glossed, or a name described: 「(組織)」 for 「(…協会)」
        described = gloss.group(1)
        cue_after = next(
            (cue for cue, ending in GLOSS_KINDS if ending.search(described)), GLOSSED
        )
    else:
        after = CUE_RUN.match(normal, end)
        cue_after = after.group() if after else ""
        if cue_after in CUE_PARTICLES:  # のモデル, を搭載, が買収
            more = CUE_RUN.match(normal, end + 1)
            if more and more.group() not in CUE_PARTICLES:
                cue_after += more.group()
    glossing = GLOSS_REST.match(normal, end) and GLOSS_BEFORE.search(
        normal[max(0, start - 100) : start]
    )
    if glossing:  # 推論（Reasoning）: a term; アラブ首長国連邦（UAE）: a place
        described = glossing.group(1) or glossing.group(2)
        kind = next(
            (cue for cue, ending in GLOSS_KINDS if ending.search(described)), None
        )
        return kind or GLOSSED, cue_after
    before = CUE_RUN_BACK.search(normal[max(0, start - 6) : start])
    return (before.group() if before else ""), cue_after
