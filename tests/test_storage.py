"""Writing a post into the index and taking it out leaves nothing behind."""

from airesearch.index import postings
from airesearch.index.build import open_index, update_index
from airesearch.index.schema import PASSAGE_BITS, label_key
from airesearch.queries.search import parse_query

from .conftest import write_corpus

POSTS = {
    "a.md": "---\ntitle: A\ntags: [ＮＶＩＤＩＡ]\n---\n"
    "NvidiaはNscaleに6億8,300万ドルを投資した。データセンターを建設する。\n",
    "b.md": "---\ntitle: B\n---\nMetaとGoogleが提携した。\n",
}
COUNTED = (
    "posts", "passages", "mentions", "deals", "post_labels", "entity_posts",
    "entity_totals", "entity_spellings", "entity_pairs", "entity_deals", "events",
)  # fmt: skip


def counts(index) -> dict[str, int]:
    conn = open_index(index)
    try:
        found = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in COUNTED
        }
        found.update(
            {f"engine_{k}": n for k, n in postings.engine_documents(conn).items()}
        )
        query = parse_query("データ")
        found["matches"] = len(postings.post_ids(conn, postings.Selection(query)))
        return found
    finally:
        conn.close()


def test_a_deleted_post_leaves_no_rows_and_no_engine_documents(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", POSTS)
    index = tmp_path / "index.sqlite"
    update_index(corpus, index, workers=1)
    with_both = counts(index)
    (corpus / "a.md").unlink()
    update_index(corpus, index, workers=1)
    without_a = counts(index)
    assert with_both["matches"] == 1 and without_a["matches"] == 0
    assert without_a["posts"] == 1 and without_a["passages"] < with_both["passages"]
    assert without_a["deals"] == 0 and without_a["entity_deals"] == 0
    assert with_both["events"] == 2 and without_a["events"] == 1  # the b.md one
    fresh = tmp_path / "fresh.sqlite"
    update_index(corpus, fresh, workers=1)
    assert without_a == counts(fresh)


def test_passage_ids_hold_their_post_and_labels_fold_width_and_case(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", POSTS)
    index = tmp_path / "index.sqlite"
    update_index(corpus, index, workers=1)
    conn = open_index(index)
    try:
        for passage_id, post_id, seq in conn.execute(
            "SELECT id, post_id, seq FROM passages"
        ):
            assert passage_id >> PASSAGE_BITS == post_id
            assert passage_id & ((1 << PASSAGE_BITS) - 1) == seq
        labels = conn.execute("SELECT value FROM post_labels").fetchall()
    finally:
        conn.close()
    assert labels == [(label_key("NVIDIA"),)] == [("nvidia",)]


def test_term_lists_round_trip_small_and_large_ids():
    from airesearch.index.post_terms import decode, encode

    for ids in ([], [7], [3, 1, 2], [5, 70_000, 200_000], list(range(1, 2000, 3))):
        assert decode(encode(ids)) == sorted(ids)
    assert encode([1, 2])[:1] == b"H" and encode([1, 70_000])[:1] == b"I"
