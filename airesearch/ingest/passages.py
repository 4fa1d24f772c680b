"""Text units: Markdown body -> passages (paragraphs, headings, list items and
table rows), and a passage -> its sentences (for mentions and money figures).

Markdown syntax is removed from the text kept for each passage, so that snippets
and match offsets refer to what a reader sees. Repeated passages inside a post
(exact, near, or a truncated copy followed by the complete one) are dropped here.
"""

from __future__ import annotations

import re
import unicodedata

from airesearch.models import Passage

# ---END--- is a separator wherever it appears, even glued to the next sentence.
END_MARK = re.compile(r"-{3,}\s*END\s*-{3,}", re.IGNORECASE)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SETEXT_RULE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+・]|\d{1,3}[.)])\s+(.*)$")
TABLE_ROW = re.compile(r"^\s*\|(.*)\|?\s*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
THEMATIC_BREAK = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
QUOTE = re.compile(r"^\s*>\s?")

IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
AUTOLINK = re.compile(r"<(https?://[^>]+)>")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|~~)(?=\S)(.+?)(?<=\S)\1")
CODE_SPAN = re.compile(r"`+([^`]*)`+")
# kramdown attribute lists, {: .class} after a block or a span: not words
ATTRIBUTES = re.compile(r"\{:[^{}\n]*\}")
MARKUP = re.compile(r"[*_`\[<~{]")

NEAR_REPEAT = 90  # rapidfuzz ratio at or above which two passages are one
TRUNCATED_PREFIX = 95  # ratio of a short passage to the start of a longer one
PREFILTER, PREFILTER_SCORE = 64, 45
SIMILAR_LENGTH = 0.8  # ratio >= 90 needs lengths within 0.82 of each other
MIN_FUZZY_LENGTH = 20  # shorter passages are only dropped when exactly repeated


def clean_inline(text: str) -> str:
    """Remove inline Markdown (links, emphasis, code, HTML) and keep the words."""
    if not MARKUP.search(text):  # most passages: nothing to remove
        return text.strip()
    text = IMAGE.sub(r"\1", text)
    text = LINK.sub(r"\1", text)
    text = REF_LINK.sub(r"\1", text)
    text = AUTOLINK.sub(r"\1", text)
    text = HTML_TAG.sub("", text)
    text = ATTRIBUTES.sub("", text)
    text = CODE_SPAN.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***a*** or **_a_**
        text = EMPHASIS.sub(r"\2", text)
    return text.strip()


def split_passages(body: str) -> list[tuple[str, str]]:
    """Cut a Markdown body into (kind, cleaned text) pairs, in reading order."""
    body = END_MARK.sub("\n\n", body)
    found: list[tuple[str, str]] = []
    paragraph: list[str] = []
    in_fence = False

    def flush() -> None:
        if paragraph:
            text = clean_inline("\n".join(paragraph))
            kind = "code" if in_fence else "paragraph"
            if text:
                found.append((kind, text))
            paragraph.clear()

    for line in body.splitlines():
        if FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            paragraph.append(line)
            continue
        line = QUOTE.sub("", line)
        if not line.strip() or THEMATIC_BREAK.match(line):
            flush()
        elif heading := HEADING.match(line):
            flush()
            add(found, "heading", heading.group(2))
        elif paragraph and SETEXT_RULE.match(line):
            text = "\n".join(paragraph)
            paragraph.clear()
            add(found, "heading", text)
        elif TABLE_ROW.match(line):
            flush()
            if not TABLE_RULE.match(line):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                add(found, "table", " | ".join(c for c in cells if c))
        elif item := LIST_ITEM.match(line):
            flush()
            add(found, "list", item.group(1))
        elif found and found[-1][0] == "list" and not paragraph and line[:1] in " \t":
            kind, text = found.pop()  # an indented continuation of a list item
            add(found, kind, text + "\n" + line.strip())
        else:
            paragraph.append(line.strip())
    flush()
    return found


def add(found: list[tuple[str, str]], kind: str, raw: str) -> None:
    text = clean_inline(raw)
    if text:
        found.append((kind, text))


def comparable(text: str) -> str:
    """The form in which passages are compared for repeats: without spaces.
    (Repeats in real posts are copies; NFKC here cost more than it found.)"""
    return "".join(text.split())


def drop_repeats(
    pieces: list[tuple[str, str]], title: str = ""
) -> tuple[list[tuple[str, str]], int]:
    """Keep each passage once; a complete version replaces an earlier truncated one.

    Exact copies of the title are dropped too, but the title is never replaced:
    a paragraph that merely starts with it is not its "complete version".
    """
    from bisect import bisect_left, bisect_right, insort

    from rapidfuzz import fuzz

    kept: list[tuple[str, str]] = []
    keys: list[str] = []  # comparable form of kept[i]
    heads: dict[str, list[int]] = {}  # first characters -> indexes in keys
    # (length, index) of keys, sorted: a near repeat has a similar length, so
    # only those few are compared (the comparisons were most of reading a post).
    lengths: list[tuple[int, int]] = []
    exact: set[str] = {comparable(title)} if title else set()
    dropped = 0
    for kind, text in pieces:
        key = comparable(text)
        if key in exact:
            dropped += 1
            continue
        exact.add(key)
        if len(key) >= MIN_FUZZY_LENGTH:
            low = bisect_left(lengths, (int(len(key) * SIMILAR_LENGTH), -1))
            high = bisect_right(lengths, (int(len(key) / SIMILAR_LENGTH) + 1, -1))
            match = near_match(key, keys, lengths[low:high], fuzz) or truncated_match(
                key, keys, heads.get(key[:MIN_FUZZY_LENGTH], []), fuzz
            )
            if match is not None:
                dropped += 1
                index = match[2]
                if len(key) > len(keys[index]):  # keep the longer, complete one
                    lengths.remove((len(keys[index]), index))
                    insort(lengths, (len(key), index))
                    kept[index] = (kept[index][0], text)
                    keys[index] = key
                continue
        kept.append((kind, text))
        keys.append(key)
        heads.setdefault(key[:MIN_FUZZY_LENGTH], []).append(len(keys) - 1)
        insort(lengths, (len(key), len(keys) - 1))
    return kept, dropped


def near_match(key: str, keys: list[str], similar: list[tuple[int, int]], fuzz):
    """The most similar kept passage (ratio >= NEAR_REPEAT) among those of a
    similar length, as (key, score, index), or None."""
    best = None
    start = key[:PREFILTER]
    for _, index in similar:
        # Near repeats also begin alike; comparing 64 characters first is a
        # tenth of the cost of comparing whole paragraphs.
        if not fuzz.ratio(start, keys[index][:PREFILTER], score_cutoff=PREFILTER_SCORE):
            continue
        score = fuzz.ratio(key, keys[index], score_cutoff=NEAR_REPEAT)
        if score and (best is None or score > best[1]):
            best = (keys[index], score, index)
    return best


def truncated_match(key: str, keys: list[str], same_start: list[int], fuzz):
    """A kept passage that is a cut-off start of key, or of which key is one;
    same_start: the indexes of kept passages that begin as key does."""
    for index in same_start:
        other = keys[index]
        if len(other) < MIN_FUZZY_LENGTH:
            continue
        short, long = (other, key) if len(other) < len(key) else (key, other)
        if fuzz.ratio(short, long[: len(short)]) >= TRUNCATED_PREFIX:
            return other, 100.0, index
    return None


def to_passages(
    title: str, body: str, summaries: tuple[tuple[str, str], ...] = ()
) -> tuple[list[Passage], int]:
    """The title, the front matter's summaries ((kind, text): description,
    excerpt) and the body's passages, repeats dropped, numbered from 0."""
    pieces, dropped = drop_repeats(split_passages(body), title)
    seen = {title, *(text for _, text in pieces)}
    lead = []
    for kind, text in summaries:
        text = clean_inline(" ".join(text.split()))
        if text and text not in seen:  # an excerpt is often the first paragraph
            seen.add(text)
            lead.append((kind, text))
    pieces = [("title", title), *lead, *pieces]
    passages = [Passage(seq, kind, text) for seq, (kind, text) in enumerate(pieces)]
    return passages, dropped


# A sentence ends at 。！？!? (kept with it) or at a line break.
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a text (each up to 。！？ or a line end)."""
    return [match.span() for match in SENTENCE.finditer(text)] or [(0, len(text))]


def sentence_of(spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence span that holds offset (the last one before it, if between)."""
    from bisect import bisect_right

    index = bisect_right(spans, (offset, float("inf"))) - 1
    return spans[max(index, 0)]


# What shape_of leaves out: spaces, punctuation and symbols (P*, S*, Z*, and
# the ASCII ones NFKC keeps); digits all count as one.
NOT_SHAPE = re.compile(r"[\s\W_]+")
DIGITS = re.compile(r"\d+")


def shape_of(text: str) -> int:
    """A passage's text with width, case, spaces, punctuation and the values of
    numbers ignored, as a signed 32-bit hash: the same template sentence with
    another date or count has one shape (「2026年4月時点」, 「2025年3月時点」)."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    normal = DIGITS.sub("0", NOT_SHAPE.sub("", normal))
    # 32 bits: two texts that share a hash only add their post counts, which
    # matters only if both are common; 8 bytes would cost 3 % of the index.
    from hashlib import blake2b  # here: hashlib loads OpenSSL, 4 ms of a search

    digest = blake2b(normal.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)
