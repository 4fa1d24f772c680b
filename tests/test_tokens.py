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


def test_names_keep_their_written_form_not_their_reading():
    assert tokens.terms("京都") == ["京都"]
    assert tokens.terms("伊藤") != tokens.terms("伊東")


def test_a_noun_is_indexed_by_its_written_form_whatever_its_tag():
    # さくら is a proper noun alone and a common noun (lemma 桜) after 「、」.
    assert tokens.terms("さくらインターネット") == ["さくら", "インターネット"]
    assert tokens.terms("KDDI、さくらインターネット")[-2:] == [
        "さくら",
        "インターネット",
    ]


@pytest.mark.parametrize(
    "word, stemmed",
    (
        ("サーバー", "サーバ"),
        ("サーバ", "サーバ"),
        ("データ", "データ"),
        ("ゲー", "ゲー"),
    ),
)
def test_katakana_stemmer_drops_a_final_long_vowel_from_four_characters(word, stemmed):
    assert tokens.stem(word) == stemmed


# (text, terms): a katakana run cut into dictionary nouns keeps its pieces; a run
# cut by accident inside an unknown word is one term.
KATAKANA_RUNS = (
    ("データセンター", ["データ", "センタ"]),
    ("グーグルクラウドの", ["グーグル", "クラウド", "の"]),
    ("そしてハイレゾ。", ["そして", "ハイレゾ"]),  # MeCab: ハイレ + ゾ
    ("ハイレゾは", ["ハイレゾ", "は"]),  # MeCab: one unknown word
    ("リマインドする", ["リマインド", "為る"]),  # リマ + インド: two names
    ("ディファインドの", ["ディファインド", "の"]),  # a name after a piece
    ("インドネシアとインド", ["インドネシア", "と", "インド"]),
)


@pytest.mark.parametrize("text, expected", KATAKANA_RUNS)
def test_katakana_runs_are_cut_only_into_real_words(text, expected):
    assert tokens.terms(text) == expected


@pytest.mark.parametrize(
    "word, parts",
    (
        ("スーパーコンピューター", {("スーパ", 1), ("コンピュータ", 2)}),
        ("グーグルクラウド", {("グーグル", 1), ("クラウド", 2)}),
        ("リマインド", set()),
        ("ディファインド", set()),
        ("インドネシア", set()),
        ("サービス", set()),  # サー + ビス: pieces too short to be found by
    ),
)
def test_compound_parts_of_long_katakana_words(word, parts):
    assert set(tokens.compound_parts(word)) == parts


def test_written_forms_of_inflected_words_are_reported():
    analysis = tokens.analyse(tokens.normalize("見込んだ"))
    assert analysis.terms == ["見込む"]
    assert ("見込ん", "見込む") in analysis.written


def test_term_spans_point_into_the_original_text():
    text = "ＡＷＳと「ハイレゾ」"
    spans = tokens.term_spans(text)
    assert spans == [(0, 3, "aws"), (3, 4, "と"), (5, 9, "ハイレゾ")]
