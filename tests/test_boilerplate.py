"""The blog's template across posts: repeated passages and links to other posts'
titles are found at index time, counted right as posts come and go (an update
equals a fresh build), and left out of the research views unless asked."""

from __future__ import annotations

import sqlite3

from airesearch.index.boilerplate import listing, threshold
from airesearch.index.build import open_index, update_index

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


def read_all(folder) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}


def test_a_passage_that_is_another_posts_title_is_a_link(tmp_path):
    files = {
        "a.md": post(1, "Nscaleの話。", title="Nscaleの欧州AIインフラ投資62億ドル"),
        "b.md": post(2, "関連する記事です。\n\nNscaleの欧州AIインフラ投資62億ドル"),
    }
    folder = write_corpus(tmp_path / "c", files)
    update_index(folder, tmp_path / "i.sqlite", workers=1)
    conn = open_index(tmp_path / "i.sqlite")
    try:
        rows = listing(conn)
    finally:
        conn.close()
    assert [(r["text"], r["why"], r["path"]) for r in rows] == [
        ("Nscaleの欧州AIインフラ投資62億ドル", "title", "b.md")
    ]


def test_the_same_sentence_with_other_numbers_is_one_passage(tmp_path):
    files = {
        f"p{n:02d}.md": post(n, f"※ 2026年{n % 12 + 1}月{n + 1}日時点の情報です。")
        for n in range(12)
    }
    folder = write_corpus(tmp_path / "c", files)
    update_index(folder, tmp_path / "i.sqlite", workers=1)
    conn = open_index(tmp_path / "i.sqlite")
    try:
        rows = listing(conn)
    finally:
        conn.close()
    assert [(r["posts"], r["why"]) for r in rows] == [(12, "repeated")]
