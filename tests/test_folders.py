"""Odd folders never stop the tool: symbolic links (not followed unless asked;
loops and dangling links skipped with a warning) and files that are mostly, but
not entirely, valid UTF-8."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from airesearch.index.build import open_index, update_index
from airesearch.ingest.corpus import find_posts, read_post
from airesearch.models import SearchRequest
from airesearch.queries.posts import show
from airesearch.queries.search import search

from .conftest import BUNDLED

OUTSIDE = "---\ntitle: 外部\n---\nコーパスの外にあるファイルの秘密。\n"


@pytest.fixture
def linked(tmp_path):
    """The bundled posts plus a loop, a link out of the corpus, a dangling link,
    and two links to one folder."""
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED, corpus)
    (tmp_path / "outside.md").write_text(OUTSIDE, encoding="utf-8")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "extra.md").write_text(
        "---\ntitle: 共有\n---\n共有フォルダの記事。\n", encoding="utf-8"
    )
    os.symlink(".", corpus / "loop")
    os.symlink(tmp_path / "outside.md", corpus / "outside.md")
    os.symlink(tmp_path / "nowhere.md", corpus / "dangling.md")
    os.symlink(tmp_path / "shared", corpus / "first")
    os.symlink(tmp_path / "shared", corpus / "second")
    return corpus


def warnings_of(report) -> dict[str, str]:
    return {item["path"]: item["message"] for item in report.warnings}


def found(index, query: str) -> list[str]:
    conn = open_index(index)
    try:
        hits = search(conn, SearchRequest(query, limit=0, exact=True))
        return sorted(hit.path for hit in hits)
    finally:
        conn.close()


def test_symbolic_links_are_not_followed_by_default(linked, tmp_path):
    report = update_index(linked, tmp_path / "index.sqlite", workers=1)
    assert report.posts == 5  # the bundled posts only
    warned = warnings_of(report)
    for path in ("loop", "outside.md", "dangling.md", "first", "second"):
        assert "not followed" in warned[path]
    assert found(tmp_path / "index.sqlite", "秘密") == []


def test_a_symlink_loop_is_skipped_with_a_warning_when_following(linked, tmp_path):
    index = tmp_path / "index.sqlite"
    report = update_index(linked, index, workers=1, follow=True)
    warned = warnings_of(report)
    assert "a loop?" in warned["loop"]
    assert "dangling" in warned["dangling.md"]
    # Followed: the file outside, and the shared folder read once, not twice.
    assert found(index, "秘密") == ["outside.md"]
    assert len(found(index, "共有")) == 1
    assert report.posts == 7


def test_the_follow_setting_is_kept_for_later_updates(linked, tmp_path):
    index = tmp_path / "index.sqlite"
    update_index(linked, index, workers=1, follow=True)
    again = update_index(linked, index, workers=1)
    assert again.posts == 7 and again.deleted == 0
    off = update_index(linked, index, workers=1, follow=False)
    assert off.posts == 5


def test_a_loop_alone_does_not_stop_listing_the_corpus(tmp_path):
    (tmp_path / "a.md").write_text("本文", encoding="utf-8")
    os.symlink(".", tmp_path / "loop")
    problems: list = []
    assert [f.path for f in find_posts(tmp_path, True, problems)] == ["a.md"]
    assert problems and problems[0][0] == "loop"


BROKEN_UTF8 = (
    "---\ntitle: 壊れたバイト\n---\n液浸冷却の導入が進む。".encode()
    + b"\xff\xfe"
    + "データセンターの電力も課題だ。\n".encode()
)


def test_a_post_with_two_invalid_bytes_is_indexed_with_a_warning(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "broken-bytes.md").write_bytes(BROKEN_UTF8)
    index = tmp_path / "index.sqlite"
    report = update_index(corpus, index, workers=1)
    assert report.skipped == []
    assert "not UTF-8" in warnings_of(report)["broken-bytes.md"]
    assert found(index, "液浸冷却") == found(index, "電力") == ["broken-bytes.md"]
    post = read_post(corpus, "broken-bytes.md")
    assert "\ufffd" in post.passages[1].text
    conn = open_index(index)
    try:
        shown = show(conn, corpus, "broken-bytes.md")
    finally:
        conn.close()
    assert shown["warnings"] == ["2 byte sequences not UTF-8, shown as \ufffd"]


def test_every_command_works_on_a_corpus_with_a_loop(linked, tmp_path):
    from typer.testing import CliRunner

    from airesearch.cli.app import app

    where = ["--corpus", str(linked), "--index", str(tmp_path / "cli.sqlite")]
    runner = CliRunner()
    built = runner.invoke(app, ["index", *where])
    assert built.exit_code == 0, built.output
    assert "loop: symbolic link not followed" in built.stderr
    bundled = sorted(path.name for path in BUNDLED.iterdir())

    def answer(*command, code=0):
        result = runner.invoke(app, [*command, *where, "--json"])
        assert result.exit_code == code, result.output
        return json.loads(result.stdout)

    # The bundled posts, once each; nothing from behind the links.
    hits = answer("search", "データセンター", "--limit", "0")
    assert sorted(hit["path"] for hit in hits) == bundled
    assert answer("search", "共有フォルダ", code=1) == []
    stats = answer("stats")
    assert stats["posts"] == len(bundled) and stats["skipped_files"] == 0
    names = {row["name"] for row in answer("entities", "--top", "0")}
    assert {"Nscale", "NVIDIA", "Microsoft"} <= names
    amounts = {deal["amount"] for deal in answer("deals", "--top", "0")}
    assert {"62億ドル", "6億8,300万ドル"} <= amounts
