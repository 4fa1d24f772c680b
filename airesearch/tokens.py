"""Japanese analysis: the only module that imports fugashi.

Documents and queries go through the same analysis: Unicode NFKC (ＡＷＳ = AWS),
case folding, and UniDic's lemma without its English gloss, so that orthographic
variants (コンピュータ/コンピューター) and inflections (投資した/投資する) meet.
Punctuation, symbols, spaces and auxiliary verbs (た, ます, ない) are not terms, so
that 投資した and 投資する analyse alike.

MeCab splits unknown katakana words differently in different contexts (ハイレゾ is
one token in one sentence and two in another), so every katakana run that is not a
single dictionary word is also indexed whole, as one extra token marked with
RUN_MARK; a katakana query word matches either form (see query.py).
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

ANALYSIS_VERSION = 2  # bump when terms change: older indexes are then rebuilt
# A prefix that NFKC text never contains (it folds full-width letters), so a run
# token can never collide with a term, nor be typed by a user.
RUN_MARK = "ｘ"
KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc-\u30fe]{2,}")
LINE_BREAKS = str.maketrans("\n\r\t\v\f", "     ")
NOT_TERMS = frozenset({"補助記号", "記号", "空白", "助動詞", "BOS/EOS"})
# One line per token: part of speech (three levels), lemma, written base form
# (both empty for unknown words), and the surface with the whitespace before it
# (%M), whose lengths add up to offsets in the text.
NODE_FORMAT = r"%f[0]\t%f[1]\t%f[2]\t%f[7]\t%f[10]\t%M\n"
UNKNOWN_FORMAT = r"%f[0]\t%f[1]\t%f[2]\t\t\t%M\n"


@lru_cache(maxsize=1)
def tagger():
    """One MeCab tagger per process, with unidic-lite and its lemma field."""
    import fugashi
    import unidic_lite

    options = f'-r /dev/null -d "{unidic_lite.DICDIR}"'
    formats = f'-O "" -F "{NODE_FORMAT}" -U "{UNKNOWN_FORMAT}" -E ""'
    return fugashi.GenericTagger(f"{options} {formats}")


def dictionary_version() -> str:
    """Identifies the analysis; an index built with another one is rebuilt."""
    import unidic_lite

    with open(os.path.join(unidic_lite.DICDIR, "version")) as handle:
        version = handle.read().strip()
    return f"unidic-lite {version} / analysis {ANALYSIS_VERSION}"


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def name_key(text: str) -> str:
    """The form in which names compare: NFKC, case-folded, single spaces."""
    return " ".join(normalize(text).casefold().split())


def term_of(pos: str, pos2: str, lemma: str, base: str, surface: str) -> str | None:
    """The index term of one token, or None for punctuation and symbols."""
    if pos in NOT_TERMS:
        return None
    if pos2 == "固有名詞" and base and base != "*":
        # UniDic's lemma of a name is its reading (京都 -> キョウト), which would
        # merge different names that sound alike; the written form keeps them apart.
        return base.lower()
    if lemma and lemma != "*":
        base, dash, gloss = lemma.partition("-")
        if dash and base and gloss.isascii():  # コンピューター-computer
            lemma = base
        return lemma.lower()
    return surface.lower()


# MeCab output line -> Token. Token lines repeat a lot (word frequencies are
# Zipfian), so each distinct line is interpreted once per process: a dict lookup
# instead of a split and a function call per token.
LINE_CACHE: dict[str, tuple[str, str, int, int, str]] = {}


def read_line(line: str) -> tuple[str, str, int, int, str]:
    """(term or "", the surface if it is one katakana dictionary word, length
    with leading whitespace, length of that whitespace, name class)."""
    pos, pos2, pos3, lemma, base, spaced = line.split("\t", 5)
    surface = spaced.lstrip()
    term = term_of(pos, pos2, lemma, base, surface) or ""
    known = surface if lemma and KATAKANA_RUN.fullmatch(surface) else ""
    if pos2 == "固有名詞":
        name_class = pos3  # 人名, 地名, 組織名 or 一般
    elif not lemma and pos == "名詞" and KATAKANA_RUN.fullmatch(surface):
        name_class = "unknown"  # katakana not in the dictionary
    else:
        name_class = ""
    return term, known, len(spaced), len(spaced) - len(surface), name_class


def analyse(
    normal: str, names: bool = False
) -> tuple[list[str], set[str], list[tuple[int, int, str]]]:
    """Terms of NFKC text, the katakana dictionary words among its tokens and,
    with names=True, (start, end, class) of proper-noun and unknown tokens."""
    found: list[str] = []
    katakana_words: set[str] = set()
    name_tokens: list[tuple[int, int, str]] = []
    cache = LINE_CACHE
    position = 0
    # %M carries the whitespace before a token; a newline or tab in it would
    # break the one-line-per-token output, a space keeps every offset.
    if "\n" in normal or "\t" in normal or "\r" in normal:
        normal = normal.translate(LINE_BREAKS)
    for line in tagger().parse(normal).split("\n"):
        entry = cache.get(line)
        if entry is None:
            if not line:
                continue
            entry = cache[line] = read_line(line)
        term, known, length, lead, name_class = entry
        if term:
            found.append(term)
        if known:
            katakana_words.add(known)
        if names and name_class:
            name_tokens.append((position + lead, position + length, name_class))
        position += length
    return found, katakana_words, name_tokens


def terms(text: str) -> list[str]:
    """The index terms of a text, in order."""
    return analyse(normalize(text))[0]


def indexed_text(text: str) -> str:
    """What FTS5 indexes for a passage: its terms, then its katakana run tokens."""
    return analyse_passage(normalize(text), names=False)[0]


def analyse_passage(
    normal: str, names: bool = True
) -> tuple[str, list[tuple[int, int, str]]]:
    """One analysis of NFKC text for the indexer: the text FTS5 indexes (terms,
    then katakana run tokens) and the name tokens (see analyse)."""
    found, katakana_words, name_tokens = analyse(normal, names)
    for run in KATAKANA_RUN.findall(normal):
        if run not in katakana_words:  # not one dictionary word: index it whole
            found.append(RUN_MARK + run)
    return " ".join(found), name_tokens


def run_token(word: str) -> str | None:
    """The whole-run token for a query word that is one katakana run, else None."""
    normal = normalize(word)
    if KATAKANA_RUN.fullmatch(normal):
        return RUN_MARK + normal
    return None


def term_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of every term and katakana run, as offsets in text."""
    normal, origin = normalize_with_offsets(text)
    spans = []
    position = 0
    for node in tagger()(normal):
        position += len(node.white_space)
        start, position = position, position + len(node.surface)
        fields = node.feature_raw.split(",", 11)
        known = len(fields) > 10
        lemma, base = (fields[7], fields[10]) if known else ("", "")
        term = term_of(fields[0], fields[1], lemma, base, node.surface)
        if term and position > start:
            spans.append((origin[start], origin[position - 1] + 1, term))
    for match in KATAKANA_RUN.finditer(normal):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        spans.append((start, end, RUN_MARK + match.group()))
    return spans


def offset_mapper(text: str, normal: str):
    """A function from offsets in normal (NFKC of text) to offsets in text; the
    identity when NFKC kept the length (nearly always)."""
    if len(normal) == len(text):
        return lambda offset: offset
    origin = normalize_with_offsets(text)[1] + [len(text)]
    return lambda offset: origin[min(offset, len(origin) - 1)]


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """NFKC text and, for each of its characters, the offset it came from in text."""
    if unicodedata.is_normalized("NFKC", text):
        return text, list(range(len(text)))
    pieces, origin = [], []
    for offset, char in enumerate(text):
        normal = unicodedata.normalize("NFKC", char)
        pieces.append(normal)
        origin.extend([offset] * len(normal))
    return "".join(pieces), origin
