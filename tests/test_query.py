import pytest

from airesearch.errors import AiresearchError
from airesearch.index.build import open_index
from airesearch.queries.posts import show, stats
from airesearch.queries.search import (
    SearchRequest,
    cut_snippet,
    missing_words,
    parse_query,
    search,
    suggest,
)


@pytest.fixture(scope="module")
def messy(messy_index):
    corpus, index = messy_index
    conn = open_index(index)
    yield conn
    conn.close()


def found(conn, query: str, **options) -> list[str]:
    return [hit.path for hit in search(conn, SearchRequest(query, limit=0, **options))]


def test_a_word_does_not_match_inside_a_different_word(messy):
    # 東京都 is 東京 + 都; インドネシア is one word.
    assert found(messy, "京都") == ["2025/09/nscale.md"]
    assert found(messy, "東京") == ["2025/10/ハイレゾ.markdown"]
    assert found(messy, "インド") == ["broken.md"]
    assert found(messy, "インドネシア") == ["2025/10/ハイレゾ.markdown"]


def test_a_word_mecab_splits_differently_in_two_contexts_is_found_in_both(messy):
    # "そしてハイレゾ。" (nscale) splits ハイレ+ゾ; "ハイレゾは" (ハイレゾ) does not.
    assert sorted(found(messy, "ハイレゾ")) == [
        "2025/09/nscale.md",
        "2025/10/ハイレゾ.markdown",
    ]


@pytest.mark.parametrize("query", ("AWS", "ＡＷＳ", "aws", "Aws"))
def test_full_width_and_case_variants_match(messy, query):
    assert found(messy, query) == ["2025/09/nscale.md"]


@pytest.mark.parametrize("query", ("コンピュータ", "コンピューター"))
def test_orthographic_variants_match(messy, query):
    assert sorted(found(messy, query)) == ["2025/09/nscale.md", "broken.md"]


def test_inflections_match(messy):
    assert found(messy, "投資する") == found(messy, "投資した") == ["2025/09/nscale.md"]


def test_compound_is_found_whole_and_by_its_parts(messy):
    whole = sorted(found(messy, "データセンター"))
    assert whole == [
        "2025/09/nscale.md",
        "2025/10/ハイレゾ.markdown",
        "bom.md",
        "notes/plain.txt",
    ]
    assert sorted(found(messy, "センター")) == whole


def test_phrase_needs_adjacent_words(messy):
    assert found(messy, '"ナルヴィクにデータセンター"') == ["2025/09/nscale.md"]
    assert found(messy, '"データセンターにナルヴィク"') == []


def test_words_are_anded_within_a_passage_and_or_widens(messy):
    assert found(messy, "ナルヴィク 石狩") == []
    assert sorted(found(messy, "ナルヴィク OR 石狩")) == [
        "2025/09/nscale.md",
        "2025/10/ハイレゾ.markdown",
    ]


def test_excluded_word_removes_the_whole_post(messy):
    assert "2025/09/nscale.md" not in found(messy, "データセンター -ナルヴィク")
    assert "2025/10/ハイレゾ.markdown" in found(messy, "データセンター -ナルヴィク")


def test_filters_by_tag_category_and_date(messy):
    assert found(messy, "データセンター", tags=("nvidia",)) == ["2025/09/nscale.md"]
    assert found(messy, "データセンター", categories=("国内",)) == [
        "2025/10/ハイレゾ.markdown"
    ]
    assert found(messy, "データセンター", since="2025-10-01") == [
        "2025/10/ハイレゾ.markdown"
    ]
    assert found(messy, "データセンター", until="2025-09-30") == ["2025/09/nscale.md"]


def test_title_and_heading_matches_rank_first(messy):
    hits = search(messy, SearchRequest("Nscale", limit=0, passages=True))
    assert hits[0].passage_kind in ("title", "heading")
    assert hits[-1].passage_kind == "paragraph"


def test_one_hit_per_post_with_offsets_into_the_passage(messy):
    (hit,) = search(messy, SearchRequest("ナルヴィク"))
    assert hit.title == "Nscaleの欧州投資" and hit.date.startswith("2025-09-19")
    assert hit.tags == ["NVIDIA", "Microsoft"]
    assert [hit.passage[s:e] for s, e in hit.matches] == ["ナルヴィク"]
    assert [hit.snippet[s:e] for s, e in hit.snippet_matches] == ["ナルヴィク"]
    assert "**" not in hit.passage


def test_highlight_offsets_point_at_the_original_full_width_text(messy):
    (hit,) = search(messy, SearchRequest("aws"))
    assert [hit.passage[s:e] for s, e in hit.matches] == ["ＡＷＳ"]


def test_snippet_is_cut_around_the_first_match():
    text = "あ" * 200 + "GPU" + "い" * 200
    snippet, inside = cut_snippet(text, [[200, 203]])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert [snippet[s:e] for s, e in inside] == ["GPU"]


BAD_QUERIES = (
    ("", "empty query"),
    ("   ", "empty query"),
    ('"データ', "unbalanced quote"),
    ("-データ", "nothing to search for"),
    ("、。", "nothing to search for"),
    ("OR データ", "OR needs a word"),
    ("データ OR", "OR needs a word"),
)


@pytest.mark.parametrize("query, message", BAD_QUERIES)
def test_bad_queries_are_clear_errors(query, message):
    with pytest.raises(AiresearchError, match=message):
        parse_query(query)


def test_bad_dates_and_limits_are_clear_errors(messy):
    with pytest.raises(AiresearchError, match="--since wants a date as YYYY-MM-DD"):
        search(messy, SearchRequest("データ", since="2025/01/01"))
    with pytest.raises(AiresearchError, match="--until"):
        search(messy, SearchRequest("データ", until="2025-02-30"))
    with pytest.raises(AiresearchError, match="--limit"):
        search(messy, SearchRequest("データ", limit=-1))


def test_fts_syntax_in_a_query_is_searched_as_text(messy):
    assert found(messy, "NEAR(データ") == []
    assert found(messy, "data*") == []


def test_did_you_mean_for_a_word_absent_from_the_index(messy):
    assert missing_words(messy, "nvidai データ") == ["nvidai"]
    assert "nvidia" in suggest(messy, "nvidai")
    assert missing_words(messy, "ハイレゾ") == []


def test_show_returns_metadata_and_passages(messy_index, messy):
    corpus, _ = messy_index
    post = show(messy, corpus, "2025/09/nscale.md")
    assert post["title"] == "Nscaleの欧州投資"
    assert post["passages"][0] == {
        "seq": 0,
        "kind": "title",
        "text": "Nscaleの欧州投資",
        "boilerplate": None,
    }
    assert {"kind": "table", "text": "Microsoft | 62億ドル"} in [
        {"kind": p["kind"], "text": p["text"]} for p in post["passages"]
    ]
    with pytest.raises(AiresearchError, match="not indexed: binary file"):
        show(messy, corpus, "binary.md")
    with pytest.raises(AiresearchError, match="no post"):
        show(messy, corpus, "missing.md")


def test_stats_counts_posts_and_skipped_files(messy_index, messy):
    _, index = messy_index
    figures = stats(messy, index)
    assert figures["posts"] == 6 and figures["skipped_files"] == 2
    assert figures["sqlite_bytes"] == index.stat().st_size
    assert figures["index_bytes"] == index.stat().st_size + figures["engine_bytes"]
    assert figures["engine_bytes"] > 0
    assert figures["terms"] > 50


def test_bundled_nscale_post_is_found_with_its_figure(bundled_index):
    _, index = bundled_index
    conn = open_index(index)
    hits = search(conn, SearchRequest('"6億8,300万ドル"'))
    assert [hit.path for hit in hits] == ["000_4dd06db96976100c.txt"]
    assert "6億8,300万ドル" in hits[0].passage
    assert found(conn, "ナルヴィク")[0] == "000_4dd06db96976100c.txt"
    assert found(conn, "日本GPUアライアンス")[0] == "002_0705d026797eb34b.txt"
