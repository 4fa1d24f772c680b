import pytest

from airesearch import tokens

SAME_TERMS = (
    ("ＡＷＳ", "aws"),
    ("Nvidia", "NVIDIA"),
    ("コンピュータ", "コンピューター"),
    ("サーバ", "サーバー"),
    ("投資した", "投資する"),
    ("ｻｰﾊﾞｰ", "サーバー"),
)


@pytest.mark.parametrize("left, right", SAME_TERMS)
def test_variants_analyse_to_the_same_terms(left, right):
    assert tokens.terms(left) == tokens.terms(right)


def test_punctuation_and_symbols_are_not_terms():
    assert tokens.terms("「AI」、（GPU）！？・…") == ["ai", "gpu"]


def test_proper_nouns_keep_their_written_form_not_their_reading():
    assert tokens.terms("京都") == ["京都"]
    assert tokens.terms("伊藤") != tokens.terms("伊東")


def test_compound_is_split_into_parts():
    assert tokens.terms("データセンター") == ["データ", "センター"]


def test_mecab_splits_an_unknown_word_by_context_and_the_run_token_covers_it():
    # The reason for run tokens: the same word, two different segmentations.
    assert tokens.terms("そしてハイレゾ。") == ["そして", "ハイレ", "ぞ"]
    assert tokens.terms("ハイレゾは") == ["ハイレゾ", "は"]
    for text in ("そしてハイレゾ。", "ハイレゾは"):
        assert "ｘハイレゾ" in tokens.indexed_text(text).split()
    assert tokens.run_token("ハイレゾ") == "ｘハイレゾ"
    assert tokens.run_token("データ2") is None


def test_a_single_dictionary_word_gets_no_run_token():
    assert tokens.indexed_text("インドの") == "インド の"


def test_term_spans_point_into_the_original_text():
    text = "ＡＷＳと「ハイレゾ」"
    spans = tokens.term_spans(text)
    assert (0, 3, "aws") in spans
    assert (5, 9, "ｘハイレゾ") in spans
    for start, end, _ in spans:
        assert text[start:end].strip()
