import pytest

from airesearch.ingest.passages import (
    clean_inline,
    drop_repeats,
    split_passages,
    to_passages,
)

INLINE_CASES = (
    ("**Microsoft**と提携", "Microsoftと提携"),
    ("詳しくは[発表資料](https://example.com/a_(b))へ", "詳しくは発表資料へ"),
    ("![図1](img.png)の通り", "図1の通り"),
    ("`code`と<b>太字</b>", "codeと太字"),
    ("***強調***と__下線__", "強調と下線"),
    ("snake_case_name は残す", "snake_case_name は残す"),
    # a kramdown attribute list under a link (45 of the 250 sample posts)
    (
        "[お問い合わせはこちら](/contact/?utm_source=a)\n{: .consulting-cta-link}",
        "お問い合わせはこちら",
    ),
    ("値は{a: 1}のまま", "値は{a: 1}のまま"),
)


@pytest.mark.parametrize("raw, cleaned", INLINE_CASES)
def test_clean_inline_removes_markdown_and_keeps_words(raw, cleaned):
    assert clean_inline(raw) == cleaned


def test_end_separator_on_its_own_line_and_glued_to_a_sentence():
    body = "前の段落。\n---END---\n次の段落。---END---続きの文。\n\n---END---"
    assert split_passages(body) == [
        ("paragraph", "前の段落。"),
        ("paragraph", "次の段落。"),
        ("paragraph", "続きの文。"),
    ]


def test_headings_lists_and_table_rows_are_passages_of_their_own():
    body = (
        "# 見出し\n本文。\n\n- 項目一\n- 項目二\n\n"
        "| 企業 | 金額 |\n|---|---|\n| Aker | 62億ドル |"
    )
    assert split_passages(body) == [
        ("heading", "見出し"),
        ("paragraph", "本文。"),
        ("list", "項目一"),
        ("list", "項目二"),
        ("table", "企業 | 金額"),
        ("table", "Aker | 62億ドル"),
    ]


def test_horizontal_rules_and_code_fences_do_not_leak_syntax():
    body = "一つ目。\n\n---\n\n```python\nprint('x')\n```\n二つ目。"
    assert split_passages(body) == [
        ("paragraph", "一つ目。"),
        ("code", "print('x')"),
        ("paragraph", "二つ目。"),
    ]


LONG = (
    "ハイレゾは石狩で新しいデータセンターを運営しており、"
    "GPUSOROBANというサービスを提供しています。"
)


def test_exact_repeats_are_dropped_and_counted():
    kept, dropped = drop_repeats(
        [("paragraph", LONG), ("paragraph", "別の文。"), ("paragraph", LONG)]
    )
    assert kept == [("paragraph", LONG), ("paragraph", "別の文。")]
    assert dropped == 1


def test_truncated_passage_is_replaced_by_its_complete_version_in_place():
    truncated = LONG[:40]
    kept, dropped = drop_repeats(
        [("paragraph", truncated), ("paragraph", "間の文。"), ("paragraph", LONG)]
    )
    assert kept == [("paragraph", LONG), ("paragraph", "間の文。")]
    assert dropped == 1


def test_truncated_copy_after_the_complete_one_is_dropped():
    kept, dropped = drop_repeats([("paragraph", LONG), ("paragraph", LONG[:35])])
    assert kept == [("paragraph", LONG)]
    assert dropped == 1


def test_near_repeat_keeps_the_longer_wording():
    near = LONG.replace("新しい", "とても新しい")
    kept, dropped = drop_repeats([("paragraph", LONG), ("paragraph", near)])
    assert kept == [("paragraph", near)]
    assert dropped == 1


def test_short_passages_are_only_dropped_when_identical():
    kept, dropped = drop_repeats(
        [("heading", "概要"), ("heading", "概況"), ("heading", "概要")]
    )
    assert kept == [("heading", "概要"), ("heading", "概況")]
    assert dropped == 1


def test_regression_title_is_not_replaced_by_a_paragraph_that_starts_with_it():
    # Bundled post 001 glues its title to the start of a later paragraph.
    title = "AIインフラ投資狂騒曲：大手クラウドが次に目指すものは何か？"
    body = (
        f"{title}\n\n{title} あなたも感じているかもしれませんが、最近の投資は桁が違う。"
    )
    passages, dropped = to_passages(title, body)
    assert passages[0].kind == "title" and passages[0].text == title
    assert passages[1].text.startswith(title + " あなたも")
    assert dropped == 1
