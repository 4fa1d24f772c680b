from pathlib import Path

import pytest

from airesearch.errors import AiresearchError
from airesearch.ingest.corpus import (
    SkippedFile,
    check_corpus,
    find_posts,
    iso_date,
    read_post,
    split_front_matter,
)


def test_find_posts_is_recursive_and_keeps_only_post_suffixes(messy_index):
    corpus, _ = messy_index
    paths = [post_file.path for post_file in find_posts(corpus)]
    assert "2025/09/nscale.md" in paths
    assert "2025/10/ハイレゾ.markdown" in paths
    assert "notes/plain.txt" in paths
    assert "ignored.png" not in paths
    assert paths == sorted(paths)


def test_front_matter_is_parsed_with_yaml(messy_index):
    corpus, _ = messy_index
    post = read_post(corpus, "2025/09/nscale.md")
    assert post.title == "Nscaleの欧州投資"
    assert post.date == "2025-09-19T02:05:46+00:00"
    assert post.tags == ["NVIDIA", "Microsoft"]
    assert post.categories == ["業界別AI活用"]
    assert post.metadata["author"] == "編集部"
    assert post.warnings == []


def test_repeated_paragraph_is_dropped_and_end_separators_split(messy_index):
    corpus, _ = messy_index
    post = read_post(corpus, "2025/09/nscale.md")
    texts = [p.text for p in post.passages]
    assert sum("6億8,300万ドル" in t for t in texts) == 1
    assert post.dropped == 1
    assert "この段落はENDの直後に続く。" in texts
    assert not any("END" in t and "---" in t for t in texts)
    assert not any("**" in t or "](" in t for t in texts)


def test_truncated_repeat_keeps_the_complete_paragraph(messy_index):
    corpus, _ = messy_index
    post = read_post(corpus, "2025/10/ハイレゾ.markdown")
    hires = [p.text for p in post.passages if p.text.startswith("ハイレゾは石狩")]
    assert hires == [
        "ハイレゾは石狩で新しいデータセンターを運営しており、GPUSOROBANというサービスを"
        "提供しています。東京都の企業も利用している。"
    ]
    assert post.dropped == 2


def test_broken_front_matter_still_indexes_with_title_from_heading(messy_index):
    corpus, _ = messy_index
    post = read_post(corpus, "broken.md")
    assert post.title == "インドの計算資源"
    assert post.metadata == {}
    assert post.warnings and post.warnings[0].startswith("broken front matter")
    assert any("サーバー" in p.text for p in post.passages)


def test_post_without_front_matter_takes_its_first_line_as_title(messy_index):
    corpus, _ = messy_index
    post = read_post(corpus, "notes/plain.txt")
    assert post.title == "エヌビディアの決算"
    assert post.warnings == ["no front matter"]


def test_shift_jis_is_decoded_with_a_warning_and_bom_is_removed(messy_index):
    corpus, _ = messy_index
    post = read_post(corpus, "sjis.md")
    assert post.title == "シフトJISの記事"
    assert post.warnings == ["decoded as Shift_JIS (cp932), not UTF-8"]
    bom = read_post(corpus, "bom.md")
    assert bom.title == "オラクルの決算"


@pytest.mark.parametrize(
    "name, reason", (("binary.md", "binary file"), ("empty.md", "empty file"))
)
def test_unreadable_files_are_skipped_with_a_reason(messy_index, name, reason):
    corpus, _ = messy_index
    with pytest.raises(SkippedFile, match=reason):
        read_post(corpus, name)


DATE_CASES = (
    ("2025-09-19 02:05:46 +0000", "2025-09-19T02:05:46+00:00"),
    ("2025-09-19", "2025-09-19T00:00:00"),
    ("2025/09/19", "2025-09-19T00:00:00"),
    ("昨日", None),
    (None, None),
)


@pytest.mark.parametrize("value, expected", DATE_CASES)
def test_iso_date(value, expected):
    assert iso_date(value) == expected


def test_yaml_dates_become_iso_text():
    metadata, body, problem = split_front_matter("---\ndate: 2025-01-02\n---\n本文")
    assert iso_date(metadata["date"]) == "2025-01-02"
    assert body == "本文" and problem is None


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(AiresearchError, match="does not exist"):
        check_corpus(tmp_path / "nowhere")
    (tmp_path / "file.md").write_text("x")
    with pytest.raises(AiresearchError, match="not a folder"):
        check_corpus(tmp_path / "file.md")


def test_bundled_posts_are_read_with_their_titles():
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    post = read_post(corpus, "000_4dd06db96976100c.txt")
    assert post.title.startswith("Nscaleの欧州AIインフラ投資62億ドル")
    assert post.date == "2025-09-19T02:05:46+00:00"
    assert post.dropped > 0
    assert any("6億8,300万ドル" in p.text for p in post.passages)
