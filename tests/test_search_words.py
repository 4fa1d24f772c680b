"""A query word matches wherever its characters start and end at token
boundaries of the text, whatever tags and cuts MeCab chose there; compounds are
found by their parts; pieces of unknown words are not words of their own.

The posts below reproduce the failures measured on the acceptance corpus.
"""

from __future__ import annotations

import pytest

from airesearch import tokens
from airesearch.index.build import open_index
from airesearch.models import SearchRequest
from airesearch.queries.search import search
from tests.conftest import BUNDLED, MESSY_FILES, index_fixture, indexed

WORD_POSTS = {
    # さくら: a proper noun alone (the query), a common noun after 「、」.
    "sakura.md": "---\ntitle: 国内クラウド\n---\n"
    "「日本GPUアライアンス」は、KDDI、さくらインターネット、そしてハイレゾが参加する。\n",
    # UniDic cuts 既存製品 into 既存 + 製 + 品, and 主力製品 in this sentence too.
    "kizon.md": "---\ntitle: 既存\n---\n既存製品との互換性を保つ。\n",
    "shuryoku.md": "---\ntitle: 主力\n---\n同社の主力製品である。\n",
    # Only in the front matter.
    "described.md": "---\ntitle: 概要\ndescription: 市場の動向をまとめた。\n"
    "excerpt: 液浸冷却の導入事例\n---\n本文には別の話が書いてある。\n",
    # スーパーコンピューター is one dictionary word; written three ways.
    "supercomputer.md": "---\ntitle: 計算機\n---\n"
    "富岳はスーパーコンピューターである。\n",
    "super-dot.md": "---\ntitle: 計算機2\n---\n"
    "新しいスーパー・コンピューターの開発。\n",
    "super-short.md": "---\ntitle: 計算機3\n---\nスーパーコンピュータを導入した。\n",
    # インド must stay apart from these.
    "remind.md": "---\ntitle: 通知\n---\n会議の前にリマインドする。\n",
    "define.md": "---\ntitle: 定義\n---\nディファインドの手法を使う。\n",
    "indonesia.md": "---\ntitle: 東南アジア\n---\nインドネシアの需要が伸びる。\n",
    "india.md": "---\ntitle: 南アジア\n---\nインドの需要が伸びる。\n",
    "kyoto.md": "---\ntitle: 首都\n---\n東京都の企業が参加した。\n",
    "miko.md": "---\ntitle: 予測\n---\n売上の見込みを上方修正した。\n",
    "mikonda.md": "---\ntitle: 予測2\n---\n売上を低く見込んだ。\n",
    # One token each where the script changes inside it: 単に, バラ色, ご飯.
    "tanni.md": "---\ntitle: 速さ\n---\nそれは単に速いだけだ。\n",
    "barairo.md": "---\ntitle: 未来\n---\nバラ色の未来を描く。\n",
    "gohan.md": "---\ntitle: 食事\n---\n朝ご飯を食べた。\n",
    # A change of script or a ・ inside one token, at the word's start.
    "minami.md": "---\ntitle: 貿易\n---\n南アフリカへ輸出する。\n",
    "offload.md": "---\ntitle: 認知\n---\nコグニティブ・オフロードを防ぐ。\n",
    "mochikabu.md": "---\ntitle: 資本\n---\n持ち株比率を高める。\n",
}


words = index_fixture("words", WORD_POSTS)


def found(conn, query: str) -> list[str]:
    request = SearchRequest(query, limit=0, exact=True)
    return sorted(hit.path for hit in search(conn, request))


def test_sakura_internet_is_found_after_a_comma_where_mecab_tags_it_common(words):
    assert found(words, "さくらインターネット") == ["sakura.md"]


def test_seihin_is_found_where_unidic_cuts_it_into_two_tokens(words):
    assert tokens.terms("既存製品") == ["既存", "製", "品"]
    assert tokens.terms("同社の主力製品である")[2:5] == ["主力", "製", "品"]
    assert found(words, "製品") == ["kizon.md", "shuryoku.md"]


def test_kyoto_does_not_match_inside_tokyo_to(words):
    assert found(words, "京都") == []
    assert found(words, "東京") == ["kyoto.md"]


def test_description_and_excerpt_are_searched_like_the_body(words):
    assert found(words, "市場") == ["described.md"]
    assert found(words, "液浸冷却") == ["described.md"]


def test_computer_finds_supercomputer_written_as_one_dictionary_word(words):
    everywhere = ["super-dot.md", "super-short.md", "supercomputer.md"]
    assert found(words, "コンピューター") == everywhere
    assert found(words, "コンピュータ") == everywhere


@pytest.mark.parametrize(
    "query",
    ("スーパーコンピューター", "スーパーコンピュータ", "スーパー・コンピューター"),
)
def test_supercomputer_is_found_however_it_is_written(words, query):
    assert found(words, query) == ["super-dot.md", "super-short.md", "supercomputer.md"]


def test_a_phrase_over_the_parts_of_a_compound_matches_it(words):
    assert "supercomputer.md" in found(words, '"スーパー コンピューター"')
    assert found(words, '"コンピューターの開発"') == ["super-dot.md"]


# (query, posts): words that must stay apart from the unknown words around them.
APART = (
    ("インド", ["india.md"]),
    ("インドネシア", ["indonesia.md"]),
    ("リマインド", ["remind.md"]),
    ("ディファインド", ["define.md"]),
    ("ハイレゾ", ["sakura.md"]),
)


@pytest.mark.parametrize("query, posts", APART)
def test_no_hits_inside_unrelated_katakana_words(words, query, posts):
    assert found(words, query) == posts


def test_a_noun_matches_where_the_text_has_the_verb_it_is_written_like(words):
    # 見込み is a noun in miko.md; mikonda.md writes the verb 見込んだ.
    assert found(words, "見込み") == ["miko.md"]
    assert found(words, "見込む") == ["mikonda.md"]


def test_data_center_still_finds_center(words, messy_index):
    conn = open_index(messy_index[1])
    try:
        assert found(conn, "センター") == found(conn, "データセンター")
    finally:
        conn.close()


def token_boundaries_and_nouns(text: str) -> tuple[str, set[int], set[str]]:
    """(normalized text, offsets where the index's tokens start or end, nouns
    MeCab found) of one passage."""
    normal = tokens.normalize(text).lower().translate(tokens.LINE_BREAKS)
    analysis = tokens.analyse(normal, spans=True)
    bounds = {offset for span in analysis.spans for offset in span}
    nouns = set()
    for line in tokens.tagger().parse(normal).split("\n"):
        fields = line.split("\t")
        if len(fields) == 6 and fields[0] == "名詞":
            nouns.add(fields[5].strip())
    return normal, bounds, nouns


@pytest.fixture(scope="module")
def property_corpus(tmp_path_factory):
    """The bundled posts and every fixture post, in one index."""
    files = {
        f"bundled/{p.name}": p.read_text(encoding="utf-8") for p in BUNDLED.iterdir()
    }
    files.update({f"words/{name}": text for name, text in WORD_POSTS.items()})
    files.update({f"messy/{name}": text for name, text in MESSY_FILES.items()})
    conn = indexed(tmp_path_factory, "property", files)
    yield conn
    conn.close()


def test_every_noun_finds_every_post_where_it_stands_on_token_boundaries(
    property_corpus,
):
    conn = property_corpus
    passages: dict[str, list[tuple[str, set[int]]]] = {}
    nouns: set[str] = set()
    for path, text in conn.execute(
        "SELECT posts.path, unpack_text(passages.text) FROM passages JOIN posts"
        " ON posts.id = passages.post_id"
    ):
        normal, bounds, found_nouns = token_boundaries_and_nouns(text)
        passages.setdefault(path, []).append((normal, bounds))
        nouns |= found_nouns
    assert len(nouns) > 1000
    failures = []
    for noun in sorted(n for n in nouns if n and '"' not in n):
        expected = {
            path
            for path, texts in passages.items()
            if any(standing(normal, bounds, noun) for normal, bounds in texts)
        }
        if not expected:
            continue  # a piece of an unknown katakana word, say
        hits = set(found(conn, f'"{noun}"'))
        if not expected <= hits:
            failures.append((noun, sorted(expected - hits)))
    assert failures == []


def standing(normal: str, bounds: set[int], word: str) -> bool:
    start = normal.find(word)
    while start >= 0:
        if start in bounds and start + len(word) in bounds:
            return True
        start = normal.find(word, start + 1)
    return False


@pytest.mark.parametrize(
    "word, text, path",
    (
        ("単", "それは単に速いだけだ", "tanni.md"),
        ("バラ", "バラ色の未来を描く", "barairo.md"),
        ("飯", "朝ご飯を食べた", "gohan.md"),
        ("アフリカ", "南アフリカへ輸出する", "minami.md"),
        ("オフロード", "コグニティブ・オフロードを防ぐ", "offload.md"),
        ("株比率", "持ち株比率を高める", "mochikabu.md"),
    ),
)
def test_a_word_is_found_where_the_script_changes_inside_a_token(
    words, word, text, path
):
    # MeCab keeps 単に, バラ色 and ご飯 whole: the word's own analysis never
    # matches them; only the expansion across a change of script does.
    assert word not in tokens.terms(text)
    assert found(words, word) == [path]
