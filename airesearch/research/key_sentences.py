"""Key sentences, chosen by continuous LexRank (Erkan and Radev): the
sentences of a month that name the entity (or match the query) are compared by
the cosine of their character-bigram TF-IDF vectors (Japanese needs no word
cuts for this), and ranked by the stationary distribution of a random walk over
those similarities, so that a sentence central to what the month's posts say
comes first. Sentences at least NEAR_DUPLICATE alike are one (this corpus
repeats paragraphs across posts): the longest is quoted, with how many posts
repeat it. A sentence's weight for what it carries (a money figure, numbers,
names; a question or an opinion weighs less) scales its rank. briefs.py
gathers the candidates.
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter, namedtuple

NEAR_DUPLICATE = 0.85  # cosine at or above which two sentences are one
PREFIX_CHARS = 10  # a sentence this long that starts another is the same one
PER_MONTH = 3  # key sentences quoted per month
CANDIDATES = 120  # sentences ranked per month, most relevant posts first
DAMPING = 0.85

# One sentence that may be quoted: where it stands, and the weight of its post
# (the subject's mentions there).
Candidate = namedtuple("Candidate", "sentence path title date weight")


def key_sentences(candidates: list[Candidate]) -> list[dict]:
    """The PER_MONTH most central sentences of each month (see the module
    docstring), months in order."""
    by_month: dict[str, dict[str, list]] = {}
    for c in candidates:
        if len(c.sentence) < 8:
            continue
        month = (c.date or "undated")[:7]
        by_month.setdefault(month, {}).setdefault(c.sentence, []).append(c)
    chosen = []
    for month in sorted(by_month):
        sentences = by_month[month]
        # most relevant posts first, then longer sentences; repeats counted once
        ranked = sorted(
            sentences.values(),
            key=lambda group: (-max(c.weight for c in group), -len(group[0].sentence)),
        )[:CANDIDATES]
        weighed = [
            (score * news_weight(group[0].sentence), group)
            for score, group in lexrank(ranked)
        ]
        weighed.sort(key=lambda item: -item[0])
        for score, group in weighed[:PER_MONTH]:
            first = min(group, key=lambda c: (c.date or "", c.path))
            chosen.append({
                "month": month, "sentence": first.sentence, "path": first.path,
                "title": first.title, "date": first.date, "score": round(score, 4),
                "posts": len({c.path for c in group}),
            })  # fmt: skip
    return chosen


# What a sentence carries, as factors of its LexRank centrality (news_weight):
# a researcher wants who did what, with which figure, when, not the author's
# questions and opinions.
MONEY_WEIGHT = 1.5  # a money figure (money.py)
NUMBER_WEIGHT = 1.2  # a date, a count or a share: 2026年, 10万基, 40%
NAMES_WEIGHT = 1.2  # two or more names (capitalised Latin or katakana ・ names)
QUESTION_WEIGHT = 0.5  # ends as a question: ？, でしょうか, のか
OPINION_WEIGHT = 0.5  # the author's view: 私は, 考えています, 思います
NUMBER = re.compile(r"\d")
NAME = re.compile(r"[A-Z][A-Za-z0-9]+|[\u30a1-\u30fa]+・[\u30a1-\u30fa]+")
QUESTION = re.compile(r"(?:[?？]|でしょうか|のか|ですか)[」』）)]*[。!！]?$")
OPINION = re.compile(
    "私は|私が|私自身|私たち|個人的に|と考えています|と考える|と思います|と思う|と感じ"
    "|と期待して|ではないでしょうか|べきでしょう"
)


def news_weight(sentence: str) -> float:
    """How much news a sentence carries: a money figure, numbers, names; a
    question or a first-person opinion weighs half (see the factors above)."""
    from airesearch.ingest.money import find_money
    from airesearch.tokens import normalize

    normal = normalize(sentence).strip()
    weight = 1.0
    if find_money(normal):
        weight *= MONEY_WEIGHT
    elif NUMBER.search(normal):
        weight *= NUMBER_WEIGHT
    if len(set(NAME.findall(normal))) >= 2:
        weight *= NAMES_WEIGHT
    if QUESTION.search(normal):
        weight *= QUESTION_WEIGHT
    if OPINION.search(normal):
        weight *= OPINION_WEIGHT
    return weight


def bigram_vectors(texts: list[str]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors of character bigrams."""
    counts = [Counter(t[i : i + 2] for i in range(len(t) - 1)) for t in texts]
    documents = Counter(gram for c in counts for gram in c)
    n = len(texts)
    vectors = []
    for c in counts:
        vector = {
            g: k * math.log((1 + n) / (1 + documents[g])) + k for g, k in c.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({g: v / norm for g, v in vector.items()})
    return vectors


def cosine(a: dict, b: dict) -> float:
    """Over the bigrams both hold (their intersection is taken in C; most
    bigrams of two sentences differ), summed exactly: the set's order varies
    from run to run, and an exact sum does not depend on it."""
    return math.fsum([a[g] * b[g] for g in a.keys() & b.keys()])


def lexrank(groups: list[list[Candidate]]) -> list[tuple[float, list]]:
    """(score, sentences) best first; near-duplicates merged into one group."""
    vectors = bigram_vectors([group[0].sentence for group in groups])
    n = len(groups)
    similar = [[0.0] * n for _ in range(n)]
    merged = list(range(n))  # each group's representative
    texts = [group[0].sentence.rstrip("、,… ") for group in groups]
    for i in range(n):
        similar[i][i] = 1.0
        for j in range(i + 1, n):
            value = cosine(vectors[i], vectors[j])
            similar[i][j] = similar[j][i] = value
            # a sentence cut short is the same sentence: its bigram vector is
            # shorter, so the cosine alone misses it
            cut = min(len(texts[i]), len(texts[j])) >= PREFIX_CHARS and (
                texts[i].startswith(texts[j]) or texts[j].startswith(texts[i])
            )
            if (value >= NEAR_DUPLICATE or cut) and merged[j] == j:
                merged[j] = merged[i]
    keep = [i for i in range(n) if merged[i] == i]
    members = {
        i: [c for j in range(n) if merged[j] == i for c in groups[j]] for i in keep
    }
    sums = {i: sum(similar[i][j] for j in keep) or 1.0 for i in keep}
    # What each kept sentence takes of every other's score, a column per
    # sentence in keep's order (the same products, summed in the same order,
    # as term by term: the same floats, the sums taken in C).
    shares = [[similar[j][i] / sums[j] for j in keep] for i in keep]
    scores = [1.0 / len(keep)] * len(keep)
    for _ in range(50):  # power iteration of the damped random walk
        following = [
            (1 - DAMPING) / len(keep) + DAMPING * sum(map(operator.mul, column, scores))
            for column in shares
        ]
        done = max(map(abs, map(operator.sub, following, scores))) < 1e-6
        scores = following
        if done:
            break
    score = dict(zip(keep, scores, strict=True))
    # the longest of near-duplicates is the one quoted
    ranked = []
    for i in keep:
        group = sorted(members[i], key=lambda c: -len(c.sentence))
        ranked.append((score[i], group))
    ranked.sort(key=lambda item: -item[0])
    return ranked
