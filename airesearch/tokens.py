"""Japanese analysis: the only module that imports fugashi.

Documents and queries go through the same analysis: Unicode NFKC (ＡＷＳ = AWS),
case folding, and one term per token that does not depend on the part of speech
MeCab chose in context (さくら is a proper noun alone and a common noun after
「、」): a word's written form, with the katakana long-vowel rule of Lucene's
kuromoji stemmer (コンピュータ = コンピューター); verbs and adjectives by their
lemma (投資した = 投資する). Punctuation, symbols, spaces and auxiliary verbs are
not terms.

A katakana run that MeCab cuts into pieces is indexed by those pieces only when
every piece is a dictionary noun of two or more characters, a proper noun only
as the first (データ + センター, グーグル + クラウド); otherwise the cut is an
accident of an unknown word (リマ + インド in リマインド, ハイレ + ゾ in
ハイレゾ) and the run is indexed whole, so that インド does not match inside
リマインド.

Each analysis also reports the facts query expansion needs (see queries/search.py): the
written forms of verbs and adjectives (見込み -> 見込む), and the dictionary words
inside long katakana words (スーパーコンピューター holds コンピューター).
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

ANALYSIS_VERSION = 10  # bump when terms change: older indexes are then rebuilt
KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc-\u30fe]{2,}")
KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc-\u30fe]+")
LONG_VOWEL = "ー"
LINE_BREAKS = str.maketrans("\n\r\t\v\f", "     ")
NOT_TERMS = frozenset({"補助記号", "記号", "空白", "助動詞", "BOS/EOS"})
INFLECTING = frozenset({"動詞", "形容詞"})
# Pieces of a katakana word: dictionary words this long or longer. A part found
# inside a compound must be longer still: コン + ピューター and サー + ビス are
# dictionary words too, and コンピューター must not be found by コン.
MIN_PIECE, MIN_PART = 2, 3
MAX_DECOMPOSITIONS = 16
# One line per token: part of speech (three levels), lemma, written base form
# (both empty for unknown words), and the surface with the whitespace before it
# (%M), whose lengths add up to offsets in the text.
NODE_FORMAT = r"%f[0]\t%f[1]\t%f[2]\t%f[7]\t%f[10]\t%M\n"
UNKNOWN_FORMAT = r"%f[0]\t%f[1]\t%f[2]\t\t\t%M\n"
# Every dictionary word of the lattice (MeCab -a): start and end in bytes, part
# of speech. Unknown-word candidates print nothing.
LATTICE_FORMAT = r"%ps\t%pe\t%f[0]\t%f[1]\t%f[7]\n"

# Katakana piece kinds: a common noun, a proper noun (both dictionary words of
# MIN_PIECE characters or more), or anything else (unknown, too short, a verb).
COMMON, PROPER, OTHER = 1, 2, 3


@lru_cache(maxsize=1)
def tagger():
    """One MeCab tagger per process, with unidic-lite and its lemma field."""
    import fugashi
    import unidic_lite

    options = f'-r /dev/null -d "{unidic_lite.DICDIR}"'
    formats = f'-O "" -F "{NODE_FORMAT}" -U "{UNKNOWN_FORMAT}" -E ""'
    return fugashi.GenericTagger(f"{options} {formats}")


@lru_cache(maxsize=1)
def lattice_tagger():
    """A tagger that prints every dictionary word of the lattice, not one path."""
    import fugashi
    import unidic_lite

    options = f'-r /dev/null -d "{unidic_lite.DICDIR}" -a'
    formats = f'-O "" -F "{LATTICE_FORMAT}" -U "" -E ""'
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


def stem(word: str) -> str:
    """Lucene's katakana stemmer: a trailing ー goes from words of four or more
    characters (サーバー = サーバ, コンピューター = コンピュータ)."""
    if len(word) >= 4 and word[-1] == LONG_VOWEL and KATAKANA.fullmatch(word):
        return word[:-1]
    return word


def term_of(pos: str, pos2: str, lemma: str, surface: str) -> str | None:
    """The index term of one token, or None for punctuation and symbols."""
    if pos in NOT_TERMS:
        return None
    if lemma and (pos in INFLECTING or pos2 in ("動詞的", "形容詞的")):
        base, dash, gloss = lemma.partition("-")
        return (base if dash and base and gloss.isascii() else lemma).lower()
    return stem(surface.lower())


# MeCab output line -> token facts. Token lines repeat a lot (word frequencies
# are Zipfian), so each distinct line is interpreted once per process: a dict
# lookup instead of a split and a function call per token.
LINE_CACHE: dict[str, tuple] = {}


def read_line(line: str) -> tuple:
    """(term or "", length with leading whitespace, length of that whitespace,
    name class, katakana piece kind or 0, surface, written-form pair or None)."""
    pos, pos2, pos3, lemma, _base, spaced = line.split("\t", 5)
    surface = spaced.lstrip()
    term = term_of(pos, pos2, lemma, surface) or ""
    if pos2 == "固有名詞":
        name_class = pos3  # 人名, 地名, 組織名 or 一般
    elif not lemma and pos == "名詞" and KATAKANA_RUN.fullmatch(surface):
        name_class = "unknown"  # katakana not in the dictionary
    else:
        name_class = ""
    kind = 0
    if KATAKANA.fullmatch(surface):
        kind = OTHER
        if lemma and pos == "名詞" and len(surface) >= MIN_PIECE:
            kind = PROPER if pos2 == "固有名詞" else COMMON
    lower = surface.lower()
    written = (lower, term) if term and term != stem(lower) else None
    return (
        term,
        len(spaced),
        len(spaced) - len(surface),
        name_class,
        kind,
        lower,
        written,
    )


class Analysis:
    """Terms of a text in order, with (start, end) offsets when asked; name
    tokens for the entity finder; the facts query expansion needs: written
    forms of inflected words and parts of long katakana words."""

    __slots__ = ("terms", "spans", "name_tokens", "written", "katakana")

    def __init__(self) -> None:
        self.terms: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self.name_tokens: list[tuple[int, int, str]] = []
        self.written: set[tuple[str, str]] = set()
        self.katakana: set[str] = set()  # surfaces of katakana terms


def analyse(normal: str, names: bool = False, spans: bool = False) -> Analysis:
    """Analyse NFKC text (see the module docstring)."""
    result = Analysis()
    found, offsets = result.terms, result.spans
    cache = LINE_CACHE
    position = 0
    group: list[tuple] = []  # consecutive katakana tokens: (entry, start, end)

    def flush() -> None:
        kinds = [entry[4] for entry, _, _ in group]
        # A name may lead a compound (グーグル + クラウド); a name after another
        # piece is a cut inside an unknown word (ディファ + インド, リマ + インド).
        split_ok = OTHER not in kinds and PROPER not in kinds[1:]
        if len(group) == 1 or split_ok:
            for entry, start, end in group:
                found.append(entry[0])
                result.katakana.add(entry[5])
                if spans:
                    offsets.append((start, end))
        else:  # an accidental cut inside an unknown word: the run is one term
            run = "".join(entry[5] for entry, _, _ in group)
            found.append(stem(run))
            result.katakana.add(run)
            if spans:
                offsets.append((group[0][1], group[-1][2]))
        group.clear()

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
        term, length, lead, name_class, kind, _, written = entry
        start, end = position + lead, position + length
        position = end
        if names and name_class:
            result.name_tokens.append((start, end, name_class))
        if kind and term:
            if group and lead:
                flush()
            group.append((entry, start, end))
            continue
        if group:
            flush()
        if term:
            found.append(term)
            if spans:
                offsets.append((start, end))
            if written:
                result.written.add(written)
    if group:
        flush()
    return result


def terms(text: str) -> list[str]:
    """The index terms of a text, in order."""
    return analyse(normalize(text)).terms


def indexed_text(text: str) -> str:
    """What the engine indexes for a passage: its terms, separated by spaces."""
    return " ".join(analyse(normalize(text)).terms)


def term_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of every term, in order, as offsets in text."""
    normal, origin = normalize_with_offsets(text)
    origin.append(len(text))
    found = analyse(normal, spans=True)
    return [
        (origin[start], origin[end - 1] + 1, term)
        for (start, end), term in zip(found.spans, found.terms, strict=True)
        if end > start
    ]


@lru_cache(maxsize=65536)
def compound_parts(word: str) -> tuple[tuple[str, int], ...]:
    """The parts of a long katakana word that a search finds it by: (part term,
    where: 1 at the start, 2 at the end, 0 inside), for every way of cutting
    the word into as few dictionary nouns of MIN_PIECE or more characters as
    possible, a proper noun only first (スーパー + コンピューター, グーグル +
    クラウド; not リマ + インド)."""
    if len(word) < MIN_PIECE * 2 or not KATAKANA.fullmatch(word):
        return ()
    char_at, offset = {0: 0}, 0  # byte offset (MeCab's %ps, %pe) -> character
    for index, char in enumerate(word, 1):
        offset += len(char.encode("utf-8"))
        char_at[offset] = index
    edges: dict[int, set[int]] = {}  # start -> ends of the pieces that start there
    for line in lattice_tagger().parse(word).split("\n"):
        fields = line.split("\t")
        if len(fields) < 5 or fields[2] != "名詞" or not fields[4]:
            continue
        start, end = char_at.get(int(fields[0])), char_at.get(int(fields[1]))
        if start is None or end is None or end - start < MIN_PIECE:
            continue
        if (start, end) == (0, len(word)):
            continue
        if fields[3] != "固有名詞" or start == 0:  # a name only leads a compound
            edges.setdefault(start, set()).add(end)
    paths = fewest_pieces(edges, len(word))
    found: dict[str, int] = {}
    for cuts in paths:
        for i, start in enumerate(cuts):
            for end in cuts[i + 1 :]:
                if (start, end) == (0, len(word)) or end - start < MIN_PART:
                    continue
                where = 1 if start == 0 else 2 if end == len(word) else 0
                found.setdefault(stem(word[start:end]), where)
    return tuple(sorted(found.items()))


def fewest_pieces(edges: dict[int, set[int]], length: int) -> list[list[int]]:
    """The cut points of every shortest path from 0 to length (breadth first)."""
    paths, level = [], [[0]]
    while level and not paths:
        following = []
        for cuts in level:
            for end in sorted(edges.get(cuts[-1], ())):
                (paths if end == length else following).append([*cuts, end])
        level = following[:MAX_DECOMPOSITIONS]
    return paths[:MAX_DECOMPOSITIONS]


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
