"""Records that flow from the corpus reader to the index, and from queries to output.

Named tuples rather than dataclasses: immutable, turned into JSON with _asdict(),
and cheap to define, because the `dataclasses` import alone costs about 20 ms of
every `airesearch search` start-up. Field names are part of the documented JSON
output and change only with a changelog entry.
"""

from __future__ import annotations

from collections import namedtuple

Passage = namedtuple("Passage", "seq kind text")
Passage.__doc__ = """One paragraph, heading, list item or table row, Markdown removed.
kind: title | description | excerpt | heading | paragraph | list | table | code."""

Post = namedtuple(
    "Post",
    "path title date tags categories metadata passages dropped warnings",
    defaults=(0, ()),
)
Post.__doc__ = """A post as read from disk. path: relative to the corpus folder, with
forward slashes; date: ISO 8601 or None; dropped: repeated passages left out."""

Hit = namedtuple(
    "Hit",
    "path title date tags categories score snippet snippet_matches passage"
    " passage_kind passage_seq matches matched_passages",
)
Hit.__doc__ = """A search result: the best passage of a post (or one passage with
--passages). matches and snippet_matches: [start, end) character offsets."""

EntitySummary = namedtuple(
    "EntitySummary",
    "name type aliases mentions posts first_date last_date co_mentions deals deals_usd",
)
EntitySummary.__doc__ = """One line of `entities`. aliases: spellings seen, most
used first; co_mentions: [{name, passages}], entities named in the same passages;
deals/deals_usd: how many money figures name the entity, and their total in USD
(lower bounds)."""

EntityProfile = namedtuple(
    "EntityProfile",
    "name type aliases mentions posts first_date last_date per_month co_mentions"
    " top_posts examples deals deals_usd",
)
EntityProfile.__doc__ = """`entity NAME`. aliases: [{spelling, mentions}];
per_month: [{month, mentions}]; top_posts: [{path, title, date, mentions}];
examples: [{path, date, sentence, matches}] with [start, end) offsets in sentence."""

# One entity mention as the index stores it (table mentions, without the ids):
# offsets in the passage text; cue_before/cue_after: the words on each side
# (entity_context.context_cues).
MentionRow = namedtuple(
    "MentionRow",
    "key name type surface start end sentence_start sentence_end cue_before cue_after",
)

KwicLine = namedtuple(
    "KwicLine",
    "path title date passage_seq start end left match right marks",
)
KwicLine.__doc__ = """One occurrence of kwic: the match in passage passage_seq of the
post (start/end: offsets in the passage), with up to --width characters of
context on each side; marks: [start, end, "entity"|"money"] spans of
left + match + right that name an entity or a money figure."""

TrendPoint = namedtuple(
    "TrendPoint",
    "series period start posts mentions period_posts share burst",
)
TrendPoint.__doc__ = """One period of one trend series. series: the query or
entity; period: 2025-10, 2025-W41 or 2025-Q4, start: its first day; posts:
posts of the period that match (or name the entity); mentions: matching
passages (or mentions of the entity); period_posts: all posts of the period;
share: posts / period_posts; burst: see trends.py."""

Keyword = namedtuple(
    "Keyword",
    "keyword kind type posts baseline_posts period_total baseline_total period"
    " baseline g2 log_ratio path title date snippet snippet_matches",
)
Keyword.__doc__ = """One row of `keywords`. kind: word | entity (type: the entity's
type, None for a word); posts / period_total: posts of the period that hold it /
all posts of the period; baseline_posts / baseline_total: the same for the
baseline; period: "2026-03-01..2026-03-31"; baseline: the same for the days
before (--baseline previous) or "rest"; g2: log-likelihood; log_ratio: log2 of
the ratio of the two shares; path, title, date, snippet (snippet_matches:
[start, end) in it): an example from the period (with --negative, from the baseline)."""

# The types of entity (README, "Entities").
ENTITY_TYPES = ("org", "person", "place", "product")
# The kinds of money figure (README, "Kinds"); ingest/figures.py picks one per figure.
KINDS = ("valuation", "price", "capex", "deal", "revenue", "market", "cost", "other")

Deal = namedtuple(
    "Deal",
    "amount min max currency qualifier per usd_min usd_max kind payer payee roles"
    " parties entities mentions sentence path title date passage_seq start end"
    " restated posts first_date last_date pairs",
)
Deal.__doc__ = """A money figure of `deals`. amount: as written; min/max: in the
currency's base unit; usd_min/usd_max: converted with the rate table; roles:
"stated" where the sentence's structure gives payer or payee, else None (no
role is guessed from names standing nearby); pairs: every [payer, payee] the
sentence states (several when payers act together), payer and payee being the
one pair's; start/end:
offsets of amount in the passage numbered passage_seq; restated: the author's
restatement in another currency ({amount, min, max, currency}) or None; posts,
first_date, last_date: the posts that give this figure (same amount, currency,
kind and parties), path and sentence being from the first of them."""

IndexReport = namedtuple(
    "IndexReport",
    "index_path corpus posts passages dropped terms added updated deleted unchanged"
    " skipped warnings seconds bytes_analysed",
)
IndexReport.__doc__ = """What one run of the indexer did. skipped: [{path, reason}];
warnings: [{path, message}]."""


class Item(namedtuple("Item", "text phrases alternatives", defaults=((),))):
    """A query word or phrase, analysed: phrases are the term sequences that
    spell it in the index (the first is its own analysis); alternatives are the
    other spellings of the entity the word names (エヌビディア -> NVIDIA)."""

    __slots__ = ()

    @property
    def terms(self) -> tuple[str, ...]:
        return self.phrases[0]

    def all_items(self) -> list[Item]:
        return [self, *self.alternatives]


class ParsedQuery:
    """ANDed groups of ORed items, and the items whose posts are excluded."""

    def __init__(self, groups=None, excluded=None) -> None:
        self.groups: list[list[Item]] = groups or []
        self.excluded: list[Item] = excluded or []

    def highlight_phrases(self) -> set[tuple[str, ...]]:
        return {
            phrase
            for group in self.groups
            for word in group
            for item in word.all_items()
            for phrase in item.phrases
        }


# Everything `search` needs besides the index; built by the CLI from options.
# exact: no alias expansion; entity: only posts that mention this entity.
SearchRequest = namedtuple(
    "SearchRequest",
    "query tags categories since until limit passages exact entity",
    defaults=((), (), None, None, 10, False, False, None),
)

# The entity network (queries/relations.py): nodes are entities; an edge is a
# co-mention (kind co: weight = passages naming both, jaccard, pmi) or a money
# flow (kind money: payer -> payee, weight = figures, usd); paths: its newest
# posts, posts: how many in all.
GraphNode = namedtuple("GraphNode", "id name type mentions posts first_date last_date")
GraphEdge = namedtuple(
    "GraphEdge",
    "source target kind weight jaccard pmi usd first_date last_date posts paths action",
    defaults=(None,),  # action: an event edge's (timeline's actions)
)
Network = namedtuple("Network", "nodes edges center")

Brief = namedtuple(
    "Brief",
    "subject kind name type mentions posts first_date last_date months"
    " key_sentences deals partners money events",
)
Brief.__doc__ = """What `brief` says. kind: entity | query; mentions: of the
entity, or matching passages for a query; months: [{month, posts, mentions,
share}]; key_sentences: [{month, sentence, path, title, date, score, posts}];
deals: Deal records; partners: [{name, type, passages, jaccard}]; money:
[{direction (out|in), name, figures, usd, first_date, last_date}]; events:
TimelineEvent records (What happened), in date order."""

TimelineEvent = namedtuple(
    "TimelineEvent",
    "when when_source actor action object amount currency usd_min usd_max posts"
    " first_date last_date path title citations",
)
TimelineEvent.__doc__ = """One row of `timeline`. when: the day (or month) the
event happened, stated by a telling (when_source: stated) or the first post's
date (when_source: post); first_date/last_date: the posts telling it; citations: [{path,
title, date, passage, sentence}] of every telling."""
