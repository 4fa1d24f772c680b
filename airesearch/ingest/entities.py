"""Entities: the companies, people, places and products that a passage names.

Two sources, joined into whole names. The gazetteer (data/entities.toml, which a
user's file extends) gives canonical names, their aliases and types. The shape of
a name finds the rest: Latin/alphanumeric runs (Nscale, Arkon Energy, GB200
NVL72), katakana names joined by ・ with a UniDic person-name part (ジェンスン・
フアン), UniDic proper nouns (固有名詞: 人名, 地名, 組織名), and unknown words
followed by 社 or 氏. Generic words (AI, GPU, CEO) are never entities, and a
katakana alias never matches inside a longer katakana word (メタ in メタデータ).
"""

from __future__ import annotations

import re
from collections import namedtuple

from airesearch.ingest.gazetteer import KATAKANA_NAME, LATIN_SPAN, Gazetteer
from airesearch.tokens import name_key

LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.&'+\-]*")
KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]")
KANJI = re.compile(r"[\u3005\u4e00-\u9fff]")
# "TPU (Tensor Processing Unit)" and "Tensor Processing Unit (TPU)": the spelled
# out form of an acronym is a description, not a name.
ACRONYM_BEFORE = re.compile(r"[A-Z][A-Za-z0-9\-]+\s*\(\s*$")
ACRONYM_AFTER = re.compile(r"\s*\(\s*[A-Z][A-Za-z0-9\-]+\s*\)")
ORG_SUFFIXES = ("社",)
PERSON_SUFFIXES = ("氏", "さん")
NAME_TYPES = {"人名": "person", "地名": "place", "組織名": "org"}
# Shapes that are never names, whatever their letters: sizes, process nodes
# and speed classes (3nm, 70B, 1.8T, 800G), versions (v7, V3.1), number
# formats (FP16, INT8), plurals of acronyms (LLMs, LWMs), an ordinal word
# with its number (Level 4), and the number of a bill or an order (California's
# SB 53, AB 2013, HR 1, EO 14110).
NOT_A_NAME = re.compile(
    r"\d+(?:\.\d+)?\s?(?:nm|µm|mm|[BMKTG]|GB|TB|PB|MB|GHz|MHz|[kMG]?W|bit|bits"
    r"|x|fps|TOPS|T?FLOPS|ms|sec|Wh|kWh)"
    r"|[vV]\d+(?:\.\d+)*[a-z]?"
    r"|(?:FP|INT|BF|TF|MX|UINT)\d+"
    r"|[A-Z]{2,}s"
    r"|(?:Level|Phase|Stage|Tier|Step|Part|Type|Class|Grade|Round|Version|Gen"
    r"|Generation|Chapter|Section|Article|Figure|Table|Vol|No|Option|Plan|Case)"
    r"\s?\d+(?:\.\d+)?"
    r"|(?:SB|AB|HB|HR|SR|EO)\s?\d+"
)

# key: canonical key (case- and width-folded); name: canonical name, or the
# spelling found for a name in no gazetteer; start/end: offsets in the text.
Mention = namedtuple("Mention", "key name type surface start end")


def find_mentions(
    normal: str, name_tokens: list[tuple[int, int, str]], gazetteer: Gazetteer
) -> list[Mention]:
    """Entity mentions in NFKC text, given the name tokens of its analysis
    (tokens.analyse), without overlaps, in text order."""
    found = [
        *gazetteer_matches(normal, gazetteer),
        *latin_names(normal, gazetteer),
        *katakana_names(normal, name_tokens, gazetteer),
        *kanji_names(normal, name_tokens, gazetteer),
    ]
    # Earlier first; at the same place the longer name, then the gazetteer's.
    found.sort(key=lambda m: (m.start, -(m.end - m.start), m.key != name_key(m.name)))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        if mention.key in gazetteer.generic:
            continue
        if len(mention.surface) < 2 and mention.surface.isascii():
            continue  # a lone letter: "B" of "Series B", "H" of a split H200
        known = mention.key in gazetteer.by_key or mention.name in gazetteer.keys
        if not known and not_a_name(normal, mention):
            continue
        if not known and quoted_after_org(normal, mention, kept):
            mention = mention._replace(type="product")
        kept.append(mention)
    return kept


NUMBER_AFTER = re.compile(r"\s?\d+(?:\.\d+)?")


def generic_words(normal: str, gazetteer: Gazetteer) -> list[tuple[int, int, str]]:
    """(start, end, key) of the gazetteer's generic words (AI, GPU, Cloud) in
    NFKC text: never names, but how the corpus writes around them is what the
    entity listing learns "a thing, not a name" from (entity_lookup)."""
    found = []
    for span in LATIN_SPAN.finditer(normal):
        key = span.group().casefold()
        if key in gazetteer.generic:
            found.append((span.start(), span.end(), key))
            continue
        for word in LATIN_WORD.finditer(normal, span.start(), span.end()):
            key = word.group().casefold()
            if key in gazetteer.generic:
                found.append((word.start(), word.end(), key))
    return found


def not_a_name(normal: str, mention: Mention) -> bool:
    """A size, version or number format, alone or with the number after it."""
    if NOT_A_NAME.fullmatch(mention.surface):
        return True
    number = NUMBER_AFTER.match(normal, mention.end)
    return bool(number) and bool(NOT_A_NAME.fullmatch(mention.surface + number.group()))


def quoted_after_org(normal: str, mention: Mention, kept: list[Mention]) -> bool:
    """A name in 「」 right after an organisation's is its product: ソフトバンク
    「X-Ghost」, NVIDIAの「Rubin」."""
    if normal[mention.start - 1 : mention.start] != "「":
        return False
    if MAKER_ENDINGS.fullmatch(normal[mention.start - 3 : mention.start - 1]):
        return True  # パナソニックの「Reflect-Dit」, NVIDIAの「Rubin」
    if not kept:
        return False
    gap = normal[kept[-1].end : mention.start - 1]
    return kept[-1].type == "org" and gap in ("", "の", "が", "は", "社の", "社")


# A katakana or Latin word, then の, before 「: a maker's name (パナソニックの「).
MAKER_ENDINGS = re.compile(r"[\u30a1-\u30fa\u30fcA-Za-z0-9]の")


def make_mention(
    normal: str, start: int, end: int, kind: str, gazetteer: Gazetteer
) -> Mention:
    surface = normal[start:end]
    key = " ".join(surface.casefold().split())  # normal is NFKC already
    known = gazetteer.by_key.get(key)
    if known:
        name, kind = known
        return Mention(gazetteer.keys[name], name, kind, surface, start, end)
    return Mention(key, surface, kind, surface, start, end)


def gazetteer_matches(normal: str, gazetteer: Gazetteer) -> list[Mention]:
    """Aliases in kanji or mixed scripts, not glued to a katakana or Latin word."""
    lowered = normal.lower()
    if len(lowered) != len(normal):  # a rare letter that lower() lengthens
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in normal)
    found = []
    for match in gazetteer.mixed.finditer(lowered):
        start, end = match.span()
        if glued(match.group()[:1], normal[start - 1 : start]) or glued(
            match.group()[-1:], normal[end : end + 1]
        ):
            continue
        found.append(make_mention(normal, start, end, "org", gazetteer))
    return found


def glued(edge: str, neighbour: str) -> bool:
    """Whether an alias's edge character continues into its neighbour: katakana
    into katakana, or a Latin letter or digit into another."""
    if not neighbour:
        return False
    if KATAKANA.match(edge):
        return bool(KATAKANA.match(neighbour))
    return (
        edge.isascii()
        and edge.isalnum()
        and neighbour.isascii()
        and neighbour.isalnum()
    )


def latin_names(normal: str, gazetteer: Gazetteer) -> list[Mention]:
    """Names in Latin letters and digits: the longest gazetteer alias at each
    word, else a run of capitalized words (Arkon Energy, GB200 NVL72)."""
    found = []
    for span in LATIN_SPAN.finditer(normal):
        word = span.group()
        key = word.casefold()
        if key in gazetteer.generic:
            continue  # most runs are one generic word: AI, GPU
        if " " not in word and key in gazetteer.by_key:  # one known name: Nvidia
            found.append(make_mention(normal, *span.span(), "org", gazetteer))
            continue
        before = normal[max(0, span.start() - 40) : span.start()]
        after = normal[span.end() : span.end() + 40]
        if ACRONYM_BEFORE.search(before) and after.lstrip().startswith(")"):
            continue  # the spelled-out form of an acronym
        words = list(LATIN_WORD.finditer(normal, span.start(), span.end()))
        if ACRONYM_AFTER.match(after) and len(words) > 1:
            continue
        found += names_in_words(normal, segment_words(words, gazetteer), gazetteer)
    return found


def segment_words(words: list[re.Match], gazetteer: Gazetteer) -> list[tuple]:
    """(kind, first word, last word) segments: alias, generic, name or other."""
    segments: list[tuple] = []
    index = 0
    while index < len(words):
        for kind, keys in (("generic", gazetteer.generic), ("alias", gazetteer.by_key)):
            count = longest_phrase(words, index, keys, gazetteer)
            if count:
                segments.append((kind, words[index], words[index + count - 1]))
                index += count
                break
        else:
            word = words[index].group().rstrip(".-'")
            following = words[index + 1].group() if index + 1 < len(words) else ""
            kind = (
                "name"
                if looks_like_name(word) or lower_case_lead(word, following)
                else "other"
            )
            if kind == "name" and segments and segments[-1][0] == "name":
                segments[-1] = ("name", segments[-1][1], words[index])
            else:
                segments.append((kind, words[index], words[index]))
            index += 1
    return segments


def names_in_words(normal: str, segments: list[tuple], gazetteer) -> list[Mention]:
    found = []
    for number, (kind, first, last) in enumerate(segments):
        start, end = first.start(), last.end()
        previous = segments[number - 1][0] if number else None
        following = segments[number + 1][0] if number + 1 < len(segments) else None
        if kind == "alias":
            found.append(make_mention(normal, start, end, "org", gazetteer))
        elif kind == "name":
            text = normal[start:end]
            if previous == "alias" and is_plain_word(text):
                # "Microsoft Fabric", "Azure AI Foundry": one product's name.
                alias = found.pop()
                whole = normal[alias.start : end]
                found.append(
                    Mention(name_key(whole), whole, "product", whole, alias.start, end)
                )
            elif is_plain_word(text) and "generic" in (previous, following):
                continue  # "Explainable AI": part of a generic phrase
            elif text.isupper() and len(text) <= 2:
                continue  # two capitals: an abbreviation (OT, IP), not a name
            else:
                found += latin_run(normal, [first, last], gazetteer)
    return found


def is_plain_word(text: str) -> bool:
    """One capitalized English-looking word: Foundry, Search, Vision."""
    return text.isalpha() and text[:1].isupper() and text[1:].islower()


def longest_phrase(words: list[re.Match], index: int, keys, gazetteer) -> int:
    """How many words from index form one of keys (0 if none). The text is NFKC
    already, so case folding alone gives the key."""
    first = words[index].group().casefold()
    most = min(gazetteer.phrase_words.get(first, 1), len(words) - index)
    for count in range(most, 1, -1):
        text = " ".join(w.group() for w in words[index : index + count])
        if text.rstrip(".").casefold() in keys:
            return count
    return 1 if first.rstrip(".") in keys else 0


# English words that are no part of a name when they lead one (by Design, of
# America, in Japan).
FUNCTION_WORDS = frozenset(
    "a an the of in on at by for to and or with from as is vs via per de la le du"
    " von van der und et all any new our my its his her not no up".split()
)


def lower_case_lead(word: str, following: str) -> bool:
    """A short lower-case word that starts a name (io Products): two or three
    letters, no English function word, before a capitalized word."""
    return (
        2 <= len(word) <= 3
        and word.isalpha()
        and word.isascii()
        and word.islower()
        and word not in FUNCTION_WORDS
        and looks_like_name(following)
        and following[:1].isupper()
    )


def looks_like_name(word: str) -> bool:
    """Capitalized or with a digit and a letter (Nscale, HUMAIN, H200, iPhone)."""
    has_letter = any(c.isalpha() for c in word)
    return has_letter and (not word.islower() or any(c.isdigit() for c in word))


def latin_run(normal: str, run: list[re.Match], gazetteer: Gazetteer) -> list[Mention]:
    """A mention for the words from run[0] to run[-1], trailing 's and dots cut."""
    start, end = run[0].start(), run[-1].end()
    while end > start and normal[end - 1] in ".-'":
        end -= 1
    if normal[end - 2 : end] == "'s":
        end -= 2
    surface = normal[start:end]
    kind = "product" if any(c.isdigit() for c in surface) else "org"
    return [make_mention(normal, start, end, kind, gazetteer)]


def katakana_names(
    normal: str, name_tokens: list[tuple[int, int, str]], gazetteer: Gazetteer
) -> list[Mention]:
    """Katakana runs that are an alias, a UniDic proper noun as a whole, a
    ・-joined person name, or an unknown word followed by 社 or 氏."""
    classes = {(start, end): name_class for start, end, name_class in name_tokens}
    found = []
    for span in KATAKANA_NAME.finditer(normal):
        start, end = span.span()
        text = span.group()
        if text in gazetteer.by_key:  # katakana keys need no folding
            found.append(make_mention(normal, start, end, "org", gazetteer))
            continue
        if (start, end) not in classes and "・" not in text and "=" not in text:
            continue  # a common word: インフラ, モデル
        if "・" in text or "=" in text:
            found += joined_katakana(normal, span, name_tokens, gazetteer)
            continue
        kind = NAME_TYPES.get(classes.get((start, end), ""))
        if kind is None and (start, end) in classes:
            kind = type_from_suffix(normal, end)
        if kind:
            found.append(make_mention(normal, start, end, kind, gazetteer))
    return found


def joined_katakana(normal, span, name_tokens, gazetteer) -> list[Mention]:
    """ジェンスン・フアン: a person when UniDic sees a person name in it; parts
    that are aliases (メタ・プラットフォームズ is one) are found on their own."""
    start, end = span.span()
    if any(
        cls == "人名" and start <= s and e <= end for s, e, cls in name_tokens
    ) and not any(gazetteer.lookup(part) for part in re.split("[・=]", span.group())):
        return [make_mention(normal, start, end, "person", gazetteer)]
    found = []
    offset = start
    for part in re.split("([・=])", span.group()):
        if part not in ("・", "=") and gazetteer.lookup(part):
            found.append(
                make_mention(normal, offset, offset + len(part), "org", gazetteer)
            )
        offset += len(part)
    return found


def type_from_suffix(normal: str, end: int) -> str | None:
    following = normal[end : end + 2]
    if following.startswith(ORG_SUFFIXES):
        return "org"
    if following.startswith(PERSON_SUFFIXES):
        return "person"
    return None


def kanji_names(
    normal: str, name_tokens: list[tuple[int, int, str]], gazetteer: Gazetteer
) -> list[Mention]:
    """UniDic proper nouns written in kanji: 大阪 (地名), 孫 + 正義 (人名 joined)."""
    found = []
    index = 0
    while index < len(name_tokens):
        start, end, name_class = name_tokens[index]
        index += 1
        if not KANJI.search(normal[start:end]):
            continue
        while (
            name_class == "人名"
            and index < len(name_tokens)
            and name_tokens[index][0] == end
            and name_tokens[index][2] == "人名"
            and KANJI.search(normal[name_tokens[index][0] : name_tokens[index][1]])
        ):
            end = name_tokens[index][1]
            index += 1
        kind = NAME_TYPES.get(name_class)
        if kind == "person" and end - start < 2:
            continue  # one kanji of a name (智) is not a name
        if name_class == "一般" or (kind is None and name_class == "unknown"):
            kind = "org" if normal[end : end + 1] in ORG_SUFFIXES else None
        if kind:
            found.append(make_mention(normal, start, end, kind, gazetteer))
    return found
