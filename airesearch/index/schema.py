"""The index's on-disk format, and the facts about it that readers share:
the tables, how a passage id is made, how labels compare. Writers (storage.py,
build.py) and readers import it; it imports nothing of ours."""

from __future__ import annotations

import unicodedata

# A passage's id is (post id << PASSAGE_BITS) + its number in the post, so that
# hits group into posts from the passage id alone.
PASSAGE_BITS = 16
MAX_PASSAGES = 1 << PASSAGE_BITS
HEAD_KINDS = ("title", "heading")  # indexed in the up-weighted column

APPLICATION_ID = 0x41495253  # "AIRS" in the SQLite header marks our files
SCHEMA_VERSION = 26
# entity_cues' type of the cues around the gazetteer's generic words.
TERM = "term"

SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {SCHEMA_VERSION};
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
    post_id INTEGER, skipped TEXT
);
-- metadata: the whole front matter as zlib-compressed JSON (only show reads it)
CREATE TABLE posts (
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, title TEXT, date TEXT,
    tags TEXT, categories TEXT, metadata BLOB, dropped INTEGER, warnings TEXT
);
CREATE TABLE post_labels (post_id INTEGER, field TEXT, value TEXT);
CREATE INDEX post_labels_value ON post_labels (field, value);
CREATE INDEX post_labels_post ON post_labels (post_id);
-- text: UTF-16 bytes (packed_text.pack); SQL reads unpack_text(text).
CREATE TABLE passages (
    id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, seq INTEGER,
    kind TEXT, text BLOB
);
-- Each passage's shape (shape_of), by shape: boilerplate.py finds the passages
-- of a repeated text here; `shapes` counts the posts holding each (storage.py).
CREATE TABLE passage_shapes (
    shape INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (shape, id)
) WITHOUT ROWID;
-- posts: posts holding a passage of this shape; titles: posts titled so.
CREATE TABLE shapes (
    shape INTEGER PRIMARY KEY, posts INTEGER NOT NULL, titles INTEGER NOT NULL
) WITHOUT ROWID;
-- The boilerplate passages (why: repeated | title), kept by boilerplate.refresh.
CREATE TABLE boilerplate (id INTEGER PRIMARY KEY, shape INTEGER, why TEXT);
CREATE INDEX boilerplate_shape ON boilerplate (shape);
-- The passages kept out of their post's engine document as the blog's
-- template, as `boilerplate` said when the document was written (a later
-- update mends the documents where it says otherwise). The postings
-- themselves live in the engine folder (engine.py).
CREATE TABLE left_out (id INTEGER PRIMARY KEY);
-- Every distinct term, kept up to date by the indexer (post_terms.py).
-- id: the term in post_terms lists; posts: how many posts hold it.
CREATE TABLE vocabulary (
    term TEXT PRIMARY KEY, id INTEGER NOT NULL, posts INTEGER NOT NULL,
    backwards TEXT NOT NULL  -- the term spelt backwards
) WITHOUT ROWID;
-- The terms that end with a word are a range of it (spellings.script_heads:
-- 南アフリカ for アフリカ), not a scan of the whole vocabulary.
CREATE INDEX vocabulary_backwards ON vocabulary (backwards);
-- Each post's distinct term ids (post_terms.py), for keywords.
CREATE TABLE post_terms (post_id INTEGER PRIMARY KEY, terms BLOB NOT NULL);
-- The terms a post holds only in the blog's template (its left_out passages),
-- space-separated; no row when there are none. Kept with the post's engine
-- document (storage.py), so that keywords leaves the template out without
-- asking the engine once per word (template.term_losses).
CREATE TABLE template_terms (post_id INTEGER PRIMARY KEY, terms TEXT NOT NULL);
-- Entity mentions (ingest/entities.py); offsets are in the passage text.
CREATE TABLE mentions (
    passage_id INTEGER NOT NULL, post_id INTEGER NOT NULL,
    entity TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    surface TEXT NOT NULL, start INTEGER, end INTEGER,
    sentence_start INTEGER, sentence_end INTEGER, cue_before TEXT, cue_after TEXT
);
-- How often each entity, typed so at extraction, stands next to each context
-- cue ("<米", ">社", ">のCEO"): what queries/entity_lookup.py learns types
-- from. Kept in step with mentions by storage.py.
CREATE TABLE entity_cues (
    entity TEXT NOT NULL, type TEXT NOT NULL, cue TEXT NOT NULL, n INTEGER,
    PRIMARY KEY (entity, type, cue)
) WITHOUT ROWID;
-- The same cues around the gazetteer's generic words (AI, GPU, Cloud) are
-- counted in entity_cues with the type 'term': what a thing, not a name, stands
-- next to. Each post's share (zlib-compressed JSON), to take it out again when
-- the post goes.
CREATE TABLE post_term_cues (post_id INTEGER PRIMARY KEY, cues BLOB NOT NULL);
CREATE INDEX mentions_post ON mentions (post_id);
-- The mentions in the blog's template (template.entity_losses) are looked up
-- by passage: by post they would be every mention of the index.
CREATE INDEX mentions_passage ON mentions (passage_id);
-- The gazetteer's spellings, so that search can expand an alias without
-- reading the gazetteer: alias key -> entity key.
-- Every money figure (ingest/figures.py), one row per figure and parties in a
-- post: what `deals` lists (the deal-like kinds unless --kind all).
CREATE TABLE deals (
    post_id INTEGER NOT NULL, passage_id INTEGER NOT NULL,
    min NUMERIC, max NUMERIC, currency TEXT, qualifier TEXT, per TEXT,
    surface TEXT, start INTEGER, end INTEGER,
    sentence_start INTEGER, sentence_end INTEGER, kind TEXT,
    payer TEXT, payee TEXT, parties TEXT, entities TEXT, entity_keys TEXT,
    mentions INTEGER, restated TEXT, pairs TEXT
);
CREATE INDEX deals_post ON deals (post_id);
-- What happened (ingest/events.py): one row per sentence that states an event.
-- actor, object_key: entity keys (object_key NULL when the object is a thing
-- named by its text, object); amount_start: the start of the sentence's money
-- figure (deals.start in the same passage); day: YYYY-MM-DD or YYYY-MM, stated
-- by the sentence (stated = 1) or the post's date. `timeline` groups them.
CREATE TABLE events (
    post_id INTEGER NOT NULL, passage_id INTEGER NOT NULL,
    actor TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,
    object_key TEXT, amount_start INTEGER, sentence_start INTEGER,
    sentence_end INTEGER, day TEXT, stated INTEGER NOT NULL
);
CREATE INDEX events_post ON events (post_id);
CREATE INDEX events_actor ON events (actor);
CREATE INDEX events_object ON events (object_key);
-- For query expansion (queries/search.py): the written forms of verbs and adjectives
-- (見込み -> 見込む), and the parts of long katakana words (where: 1 first,
-- 2 last, 0 inside). Rows of deleted posts stay: they can only widen a query
-- to terms that match nothing.
CREATE TABLE written_forms (
    surface TEXT, term TEXT, PRIMARY KEY (surface, term)
) WITHOUT ROWID;
CREATE TABLE compound_parts (
    part TEXT, term TEXT, at INTEGER, PRIMARY KEY (part, term)
) WITHOUT ROWID;
-- Entity aggregates, kept in step with mentions and figures (aggregates.py).
CREATE TABLE entity_posts (
    entity TEXT NOT NULL, post_id INTEGER NOT NULL, date TEXT, mentions INTEGER,
    PRIMARY KEY (entity, post_id)
) WITHOUT ROWID;
CREATE TABLE entity_totals (
    entity TEXT PRIMARY KEY, mentions INTEGER, passages INTEGER, posts INTEGER,
    first_date TEXT, last_date TEXT
) WITHOUT ROWID;
CREATE TABLE entity_spellings (
    entity TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    surface TEXT NOT NULL, n INTEGER, PRIMARY KEY (entity, name, type, surface)
) WITHOUT ROWID;
CREATE TABLE entity_pairs (
    entity TEXT NOT NULL, other TEXT NOT NULL, n INTEGER,
    PRIMARY KEY (entity, other)
) WITHOUT ROWID;
-- One deal, many tellings: per entity and deal (aggregates.deal_of: amount,
-- currency, unit, kind and parties, as `deals` groups figures), the figures
-- that tell it naming the entity; entity_deals counts each deal once.
CREATE TABLE entity_deal_tellings (
    entity TEXT NOT NULL, deal TEXT NOT NULL, currency TEXT, low NUMERIC,
    tellings INTEGER, PRIMARY KEY (entity, deal)
) WITHOUT ROWID;
CREATE TABLE entity_deals (
    entity TEXT NOT NULL, currency TEXT NOT NULL, figures INTEGER, total NUMERIC,
    PRIMARY KEY (entity, currency)
) WITHOUT ROWID;
CREATE TABLE entity_aliases (
    alias TEXT PRIMARY KEY, entity TEXT NOT NULL, spelling TEXT NOT NULL
) WITHOUT ROWID;
"""


def passage_id(post_id: int, seq: int) -> int:
    return (post_id << PASSAGE_BITS) + seq


def post_of(passage: int) -> int:
    """The post a passage id belongs to."""
    return passage >> PASSAGE_BITS


def seq_of(passage: int) -> int:
    """A passage's number in its post."""
    return passage & (MAX_PASSAGES - 1)


def passage_range(post_id: int) -> tuple[int, int]:
    """The first and last passage id a post can have: its passages are read by
    id range, so they need no index by post."""
    return passage_id(post_id, 0), passage_id(post_id, MAX_PASSAGES - 1)


def label_key(label: str) -> str:
    """Tags and categories compare case- and width-insensitively."""
    return unicodedata.normalize("NFKC", label).casefold().strip()
