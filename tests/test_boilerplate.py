"""The blog's template across posts: repeated passages and links to other posts'
titles are found at index time, counted right as posts come and go (an update
equals a fresh build), and left out of the research views unless asked."""

from __future__ import annotations

import sqlite3

from airesearch.index.boilerplate import threshold
from airesearch.index.build import open_index, update_index
from airesearch.index.template import listing

from .conftest import write_corpus

FOOTER = (
    "※ 本ページのリンクにはアフィリエイトリンクが含まれます。"
    "購入によりサイト運営をサポートいただけます。"
)
TOPICS = (
    "半導体 電力 冷却 光回線 量子 医療 金融 物流 教育 農業 宇宙 防衛 観光 漁業".split()
)


def post(number: int, body: str, title: str | None = None, day: int = 1) -> str:
    title = title or f"記事{number}の見出し"
    return (
        f"---\ntitle: {title}\ndate: 2026-04-{day:02d}\n---\n"
        f"{body}\n\nこの記事は{TOPICS[number]}の話題を扱う。\n"
    )


def corpus_files(footers: int, extra: int = 0) -> dict[str, str]:
    files = {
        f"p{n:02d}.md": post(n, FOOTER if n < footers else "本文だけ。", day=n + 1)
        for n in range(12 + extra)
    }
    return files


def state(index) -> tuple:
    conn = sqlite3.connect(index)
    try:
        return (
            sorted(conn.execute(
                "SELECT posts.path, p.seq, b.why FROM boilerplate b"
                " JOIN passages p ON p.id = b.id JOIN posts ON posts.id = p.post_id"
            )),
            sorted(conn.execute("SELECT shape, posts, titles FROM shapes")),
            # What the posts' engine documents leave out: the template, too.
            sorted(conn.execute(
                "SELECT posts.path, p.seq FROM left_out l"
                " JOIN passages p ON p.id = l.id JOIN posts ON posts.id = p.post_id"
            )),
            # The words each post holds only there (what keywords takes off).
            sorted(conn.execute(
                "SELECT posts.path, t.terms FROM template_terms t"
                " JOIN posts ON posts.id = t.post_id"
            )),
        )  # fmt: skip
    finally:
        conn.close()


def rebuilt(tmp_path, files, name) -> tuple:
    folder = write_corpus(tmp_path / name, files)
    update_index(folder, tmp_path / f"{name}.sqlite", workers=1)
    return state(tmp_path / f"{name}.sqlite")


def footer_posts(index) -> int:
    conn = open_index(index)
    try:
        rows = [row for row in listing(conn) if row["text"] == FOOTER]
        return rows[0]["posts"] if rows else 0
    finally:
        conn.close()


def test_the_tenth_post_makes_a_passage_boilerplate_and_a_deletion_undoes_it(
    tmp_path,
):
    assert threshold(12) == 10 and threshold(2513) == 10
    assert threshold(25_000) == 75 and threshold(25) == 10
    corpus = write_corpus(tmp_path / "corpus", corpus_files(footers=9))
    index = tmp_path / "index.sqlite"
    update_index(corpus, index, workers=1)
    assert footer_posts(index) == 0  # in 9 posts: not yet
    (corpus / "p09.md").write_text(post(9, FOOTER, day=10), encoding="utf-8")
    update_index(corpus, index, workers=1)
    assert footer_posts(index) == 10
    assert state(index) == rebuilt(tmp_path, read_all(corpus), "fresh10")
    (corpus / "p00.md").unlink()
    update_index(corpus, index, workers=1)
    assert footer_posts(index) == 0
    assert state(index) == rebuilt(tmp_path, read_all(corpus), "fresh9")


def test_post_documents_leave_out_the_template_that_the_index_finds(tmp_path):
    from airesearch.index import postings
    from airesearch.queries.search import parse_query

    corpus = write_corpus(tmp_path / "corpus", corpus_files(footers=10))
    index = tmp_path / "index.sqlite"
    update_index(corpus, index, workers=1)
    conn = open_index(index)
    try:
        template = set(conn.execute("SELECT id FROM boilerplate"))
        assert template and set(conn.execute("SELECT id FROM left_out")) == template

        def posts_with(word: str, skip: bool) -> set[int]:
            selection = postings.Selection(parse_query(word), skip=skip)
            return postings.post_ids(conn, selection)

        # The footer's words stand only in the template: no post keeps them.
        assert len(posts_with("アフィリエイト", skip=False)) == 10
        assert posts_with("アフィリエイト", skip=True) == set()
        # A word of the posts' own text: the post documents (one hit a post)
        # agree with the passages (every hit), template left out.
        for word in ("記事", "話題", "半導体", "サポート"):
            matcher = postings.Matcher(
                conn, postings.Selection(parse_query(word), skip=True)
            )
            by_passage = set(
                postings.all_values(
                    matcher.engine.passage_searcher,
                    matcher.passages_matching(),
                    "post",
                )
            )
            assert posts_with(word, skip=True) == by_passage
    finally:
        conn.close()


def read_all(folder) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}


def listing_of(tmp_path, files: dict[str, str]) -> list[dict]:
    """boilerplate.listing of a fresh index of files."""
    folder = write_corpus(tmp_path / "c", files)
    update_index(folder, tmp_path / "i.sqlite", workers=1)
    conn = open_index(tmp_path / "i.sqlite")
    try:
        return listing(conn)
    finally:
        conn.close()


def test_a_passage_that_is_another_posts_title_is_a_link(tmp_path):
    files = {
        "a.md": post(1, "Nscaleの話。", title="Nscaleの欧州AIインフラ投資62億ドル"),
        "b.md": post(2, "関連する記事です。\n\nNscaleの欧州AIインフラ投資62億ドル"),
    }
    rows = listing_of(tmp_path, files)
    assert [(r["text"], r["why"], r["path"]) for r in rows] == [
        ("Nscaleの欧州AIインフラ投資62億ドル", "title", "b.md")
    ]


def test_the_same_sentence_with_other_numbers_is_one_passage(tmp_path):
    files = {
        f"p{n:02d}.md": post(n, f"※ 2026年{n % 12 + 1}月{n + 1}日時点の情報です。")
        for n in range(12)
    }
    rows = listing_of(tmp_path, files)
    assert [(r["posts"], r["why"]) for r in rows] == [(12, "repeated")]


BLURB = "松尾研究室監修、生成AIの動向を網羅した書籍の決定版"


def month_corpus() -> dict[str, str]:
    """40 posts over March and April; in April half the posts gain a template
    footer (an affiliate note, a book blurb naming 松尾), and 液浸冷却 truly rises."""
    files = {}
    for n in range(40):
        april = n >= 20
        topic = f"{TOPICS[n % len(TOPICS)]}と{'春夏秋冬'[n // len(TOPICS)]}"
        body = f"この記事は{topic}の動向をまとめる。"
        if april and n % 4 == 0:
            body += "\n\n液浸冷却の導入がデータセンターで進んでいる。"
        if april and n % 2 == 0:
            body += f"\n\n{FOOTER}\n\n{BLURB}"
        if n == 20:  # the word of the blurb, also in the post's own text
            body += "\n\n新しい書籍の企画が始まった。"
        day = f"2026-{4 if april else 3:02d}-{n % 20 + 1:02d}"
        files[f"p{n:02d}.md"] = f"---\ntitle: {topic}の記事\ndate: {day}\n---\n{body}\n"
    return files


def test_template_words_do_not_rank_while_a_word_that_rose_still_does(tmp_path):
    from airesearch.research.keywords import keywords

    folder = write_corpus(tmp_path / "c", month_corpus())
    update_index(folder, tmp_path / "i.sqlite", workers=1)
    conn = open_index(tmp_path / "i.sqlite")
    try:
        found = keywords(conn, "2026-04-01", "2026-04-30", min_posts=2, top=20)
        template = keywords(conn, "2026-04-01", "2026-04-30", min_posts=2, top=20,
                            with_boilerplate=True)  # fmt: skip
    finally:
        conn.close()
    words = [row.keyword for row in found]
    assert "液浸" in words  # 液浸冷却: 液浸 + 冷却
    footer = {"アフィリエイト", "購入", "運営", "書籍", "網羅", "松尾"}
    assert not footer & set(words)
    assert footer & {row.keyword for row in template}  # what the option brings back


def test_counts_leave_the_template_out_and_search_prefers_the_post_own_text(
    tmp_path,
):
    from airesearch.models import SearchRequest
    from airesearch.queries.deals import deals, load_rates
    from airesearch.queries.entities import entities
    from airesearch.queries.search import search

    folder = write_corpus(tmp_path / "c", month_corpus())
    update_index(folder, tmp_path / "i.sqlite", workers=1)
    conn = open_index(tmp_path / "i.sqlite")
    try:
        names = {row.name: row for row in entities(conn, top=0)}
        with_template = {
            row.name: row for row in entities(conn, top=0, with_boilerplate=True)
        }
        hits = {h.path: h for h in search(conn, SearchRequest("書籍", limit=0))}
        assert deals(conn, load_rates(), kind="all", top=0) == deals(
            conn, load_rates(), kind="all", top=0, with_boilerplate=True
        )
    finally:
        conn.close()
    assert "松尾" not in names  # named only in the blurb of 10 posts
    assert (with_template["松尾"].posts, with_template["松尾"].mentions) == (10, 10)
    # Every April post with the blurb is found; p20 by its own sentence.
    assert len(hits) == 10
    assert hits["p20.md"].passage == "新しい書籍の企画が始まった。"
    assert hits["p22.md"].passage == BLURB


def test_graph_and_brief_leave_the_template_out(tmp_path):
    from airesearch.queries.deals import load_rates
    from airesearch.queries.relations import network
    from airesearch.research.briefs import brief

    folder = write_corpus(tmp_path / "c", month_corpus())
    update_index(folder, tmp_path / "i.sqlite", workers=1)
    conn = open_index(tmp_path / "i.sqlite")
    try:
        plain = network(conn, load_rates(), top=100, min_weight=1)
        template = network(conn, load_rates(), top=100, min_weight=1,
                           with_boilerplate=True)  # fmt: skip
        about = brief(conn, "書籍", load_rates())
    finally:
        conn.close()
    assert "松尾" not in {node.name for node in plain.nodes}
    assert "松尾" in {node.name for node in template.nodes}
    # the query brief quotes the post's own sentence, never the blurb
    assert [row["sentence"] for row in about.key_sentences] == [
        "新しい書籍の企画が始まった。"
    ]


def test_the_template_losses_kept_with_the_index_are_the_counted_ones(tmp_path):
    # entity_losses reads what the last change stored (count_losses costs
    # 0.1 s at 1 GB for every entities or entity); after a change that
    # moves the template, what is kept is what a count says.
    from airesearch.index.template import count_losses, stored_losses

    folder = write_corpus(tmp_path / "c", month_corpus())
    index = tmp_path / "i.sqlite"
    update_index(folder, index, workers=1)
    (folder / "p22.md").unlink()  # the blurb now stands in 9 posts: not template
    (folder / "p31.md").write_text("---\ntitle: 追加\n---\n松尾研究室の話。\n")
    for _ in range(2):
        conn = open_index(index)
        try:
            counted = count_losses(conn)
            assert stored_losses(conn) == counted
        finally:
            conn.close()
        update_index(folder, index, workers=1)
    assert not counted  # the blurb went from the template with p22
    (folder / "p22.md").write_text(month_corpus()["p22.md"])
    update_index(folder, index, workers=1)
    conn = open_index(index)
    try:
        counted = count_losses(conn)
        assert counted["松尾"]["passages"] == 10
        assert stored_losses(conn) == counted
    finally:
        conn.close()


def engine_term_losses(conn) -> dict[str, set[int]]:
    """term -> posts holding it only in the template, asked of the engine:
    the template's terms, less the posts whose document (the template left
    out) holds them."""
    from airesearch.index import postings
    from airesearch.models import Item, ParsedQuery
    from airesearch.tokens import indexed_text

    holders: dict[str, set[int]] = {}
    for text, post_id in conn.execute(
        "SELECT unpack_text(p.text), p.post_id FROM boilerplate b"
        " JOIN passages p ON p.id = b.id"
    ):
        for term in indexed_text(text).split():
            holders.setdefault(term, set()).add(post_id)
    losses = {}
    for term, posts in holders.items():
        query = ParsedQuery([[Item(term, ((term,),))]])
        lost = posts - postings.post_ids(conn, postings.Selection(query, skip=True))
        if lost:
            losses[term] = lost
    return losses


def test_the_words_kept_as_the_template_only_are_the_engine_answer(tmp_path):
    # keywords reads template_terms instead of asking the engine once per
    # word (1.6 s of a month's keywords at 1 GB); as the template comes and
    # goes with the posts, what is kept is what the engine says.
    from airesearch.index.template import term_losses

    folder = write_corpus(tmp_path / "c", month_corpus())
    index = tmp_path / "i.sqlite"
    update_index(folder, index, workers=1)
    changes = [
        lambda: (folder / "p22.md").unlink(),  # the blurb leaves the template
        lambda: (folder / "p22.md").write_text(month_corpus()["p22.md"]),  # back
    ]
    for change in [None, *changes]:
        if change:
            change()
            update_index(folder, index, workers=1)
        conn = open_index(index)
        try:
            kept = term_losses(conn, lambda term: True)
            assert kept == engine_term_losses(conn)
        finally:
            conn.close()
        assert bool(kept) == (change is not changes[0])
    assert {"アフィリエイト", "松尾"} <= kept.keys()
    assert "書籍" in kept  # p20 holds it in its own text: 9 posts lost, not 10
    assert len(kept["書籍"]) == len(kept["アフィリエイト"]) - 1
