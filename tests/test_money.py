import pytest
from hypothesis import given
from hypothesis import strategies as st

from airesearch.ingest.money import find_money, kanji_number, parse_money
from airesearch.tokens import normalize

B, M, T = 10**9, 10**6, 10**12
# (text, min, max, currency, qualifier, per)
MONEY_CASES = (
    ("6億8,300万ドル", 683_000_000, 683_000_000, "USD", "exact", None),
    ("62億ドル", 6_200_000_000, 6_200_000_000, "USD", "exact", None),
    ("10億ドル", B, B, "USD", "exact", None),
    ("１２０億円", 12_000_000_000, 12_000_000_000, "JPY", "exact", None),
    ("1兆2000億円", 1_200_000_000_000, 1_200_000_000_000, "JPY", "exact", None),
    ("1.5兆円", 1_500_000_000_000, 1_500_000_000_000, "JPY", "exact", None),
    ("123億4,500万ドル", 12_345_000_000, 12_345_000_000, "USD", "exact", None),
    ("3,200億ドル", 320 * B, 320 * B, "USD", "exact", None),
    ("8,300万ドル", 83_000_000, 83_000_000, "USD", "exact", None),
    ("５０００万円", 50_000_000, 50_000_000, "JPY", "exact", None),
    ("1億5000万ユーロ", 150_000_000, 150_000_000, "EUR", "exact", None),
    ("2兆円", 2 * T, 2 * T, "JPY", "exact", None),
    ("3千億円", 300 * B, 300 * B, "JPY", "exact", None),
    ("5千万円", 50_000_000, 50_000_000, "JPY", "exact", None),
    ("二百億ドル", 20 * B, 20 * B, "USD", "exact", None),
    ("三千万円", 30_000_000, 30_000_000, "JPY", "exact", None),
    ("十二億円", 1_200_000_000, 1_200_000_000, "JPY", "exact", None),
    ("一兆二千億円", 1_200_000_000_000, 1_200_000_000_000, "JPY", "exact", None),
    ("五百万ドル", 5_000_000, 5_000_000, "USD", "exact", None),
    ("百億円", 10 * B, 10 * B, "JPY", "exact", None),
    ("100億米ドル", 10 * B, 10 * B, "USD", "exact", None),
    ("50億USドル", 5 * B, 5 * B, "USD", "exact", None),
    ("US$3.5 billion", 3_500_000_000, 3_500_000_000, "USD", "exact", None),
    ("$10 billion", 10 * B, 10 * B, "USD", "exact", None),
    ("$5B", 5 * B, 5 * B, "USD", "exact", None),
    ("$300M", 300 * M, 300 * M, "USD", "exact", None),
    ("$1.2 trillion", 1_200_000_000_000, 1_200_000_000_000, "USD", "exact", None),
    ("10 billion dollars", 10 * B, 10 * B, "USD", "exact", None),
    ("＄２０", 20, 20, "USD", "exact", None),
    ("USD 500 million", 500 * M, 500 * M, "USD", "exact", None),
    ("¥1000", 1000, 1000, "JPY", "exact", None),
    ("100億日本円", 10 * B, 10 * B, "JPY", "exact", None),
    ("€500 million", 500 * M, 500 * M, "EUR", "exact", None),
    ("20億ユーロ", 2 * B, 2 * B, "EUR", "exact", None),
    ("£2 billion", 2 * B, 2 * B, "GBP", "exact", None),
    ("10億ポンド", B, B, "GBP", "exact", None),
    ("5億英ポンド", 500 * M, 500 * M, "GBP", "exact", None),
    ("100億元", 10 * B, 10 * B, "CNY", "exact", None),
    ("30億人民元", 3 * B, 3 * B, "CNY", "exact", None),
    ("5,000億ウォン", 500 * B, 500 * B, "KRW", "exact", None),
    ("100億ルピー", 10 * B, 10 * B, "INR", "exact", None),
    ("10億豪ドル", B, B, "AUD", "exact", None),
    ("1,500億～2,000億ドル", 150 * B, 200 * B, "USD", "range", None),
    ("10〜20億円", B, 2 * B, "JPY", "range", None),
    ("3000億から4000億円", 300 * B, 400 * B, "JPY", "range", None),
    ("5～10億ドル", 500 * M, B, "USD", "range", None),
    ("$5-10 billion", 5 * B, 10 * B, "USD", "range", None),
    ("1兆～1.5兆円", T, 1_500_000_000_000, "JPY", "range", None),
    ("約62億ドル", 6_200_000_000, 6_200_000_000, "USD", "approx", None),
    ("およそ100億円", 10 * B, 10 * B, "JPY", "approx", None),
    ("100億ドル程度", 10 * B, 10 * B, "USD", "approx", None),
    ("1億ドル前後", 100 * M, 100 * M, "USD", "approx", None),
    ("300億ドル近く", 30 * B, 30 * B, "USD", "approx", None),
    ("1,000億ドル以上", 100 * B, 100 * B, "USD", "at_least", None),
    ("少なくとも50億ドル", 5 * B, 5 * B, "USD", "at_least", None),
    ("10億ドル超", B, B, "USD", "more_than", None),
    ("3,200億ドルを超える", 320 * B, 320 * B, "USD", "more_than", None),
    ("500億円を上回る", 50 * B, 50 * B, "JPY", "more_than", None),
    ("2兆円強", 2 * T, 2 * T, "JPY", "more_than", None),
    ("最大50億ドル", 5 * B, 5 * B, "USD", "up_to", None),
    ("100億円まで", 10 * B, 10 * B, "JPY", "up_to", None),
    ("10億ドル未満", B, B, "USD", "up_to", None),
    ("1億円以下", 100 * M, 100 * M, "JPY", "up_to", None),
    ("数億ドル", 200 * M, 900 * M, "USD", "vague", None),
    ("数十億ドル", 2 * B, 9 * B, "USD", "vague", None),
    ("数百億円", 20 * B, 90 * B, "JPY", "vague", None),
    ("数千億円", 200 * B, 900 * B, "JPY", "vague", None),
    ("数千万円", 20 * M, 90 * M, "JPY", "vague", None),
    ("数兆円", 2 * T, 9 * T, "JPY", "vague", None),
    ("十数億円", 1_100_000_000, 1_900_000_000, "JPY", "vague", None),
    ("数十万ドル", 200_000, 900_000, "USD", "vague", None),
    ("$19/ユーザー", 19, 19, "USD", "exact", "user"),
    ("月額$20", 20, 20, "USD", "exact", "month"),
    ("月額3,000円", 3000, 3000, "JPY", "exact", "month"),
    ("年間100億ドル", 10 * B, 10 * B, "USD", "exact", "year"),
    ("$20/月", 20, 20, "USD", "exact", "month"),
)


NOT_MONEY = (
    "兆し", "兆候", "兆単位パラメータ", "10万基", "23,040基", "数十万個", "2,000人",
    "120.0%", "2027年", "5年間", "700億パラメータ", "1000倍", "100kWh", "3兆トークン",
    "70B", "5GW", "10万台", "第3四半期", "1兆パラメータ", "元CEO", "数年",
)  # fmt: skip


@pytest.mark.parametrize("text, low, high, currency, qualifier, per", MONEY_CASES)
def test_money_expressions(text, low, high, currency, qualifier, per):
    money = parse_money(text)
    assert money is not None, text
    assert (money.min, money.max) == (low, high)
    assert (money.currency, money.qualifier, money.per) == (currency, qualifier, per)


RATE_CASES = (
    ("1トークンあたり0.5円", 0.5, "JPY", "token"),
    ("1株あたり23.28ドル", 23.28, "USD", "share"),
    ("1時間あたり2ドル", 2, "USD", "hour"),
    ("1GPU当たり2ドル", 2, "USD", "GPU"),
)


@pytest.mark.parametrize("text, amount, currency, per", RATE_CASES)
def test_rates_keep_the_unit_named_before_them(text, amount, currency, per):
    (money,) = find_money(normalize(text))
    assert (money.min, money.currency, money.per) == (amount, currency, per)


@pytest.mark.parametrize("text", NOT_MONEY)
def test_not_money(text):
    assert find_money(normalize(text)) == []


def test_figures_are_found_inside_sentences_with_offsets():
    text = normalize("NvidiaはNscaleに6億8,300万ドルを投資し、約10億ドルをコミット。")
    found = find_money(text)
    assert [(m.surface, m.min) for m in found] == [
        ("6億8,300万ドル", 683_000_000),
        ("約10億ドル", 1_000_000_000),
    ]
    assert all(text[m.start : m.end] == m.surface for m in found)


def test_a_number_glued_to_a_longer_one_is_not_cut():
    assert [m.min for m in find_money("110億ドル")] == [11_000_000_000]


KANJI_CASES = (
    ("二百", 200),
    ("三千", 3000),
    ("十二", 12),
    ("千五百", 1500),
    ("九十九", 99),
)


@pytest.mark.parametrize("text, value", KANJI_CASES)
def test_kanji_numbers(text, value):
    assert kanji_number(text) == value


def japanese(amount: int) -> str:
    """123億4,500万 style: 兆, 億, 万 groups with thousands commas."""
    parts = []
    for unit, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4), ("", 1)):
        group, amount = divmod(amount, size)
        if group:
            parts.append(f"{group:,}{unit}")
    return "".join(parts)


@given(st.integers(min_value=1, max_value=9_999_999_999_999_999))
def test_japanese_amounts_parse_back_to_the_same_number(amount):
    for text in (japanese(amount) + "円", japanese(amount).replace(",", "") + "ドル"):
        money = parse_money(text)
        assert money is not None and money.min == money.max == amount, text


FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@given(st.integers(min_value=1, max_value=9_999), st.sampled_from(["万", "億", "兆"]))
def test_full_width_digits_parse_like_ascii(group, unit):
    ascii_text = f"{group:,}{unit}ドル"
    wide = parse_money(ascii_text.translate(FULL_WIDTH))
    assert wide is not None and wide.min == parse_money(ascii_text).min


KANJI_DIGITS = "〇一二三四五六七八九"


def kanji(number: int) -> str:
    """1234 -> 千二百三十四 (numbers below 10,000)."""
    text = ""
    for unit, size in (("千", 1000), ("百", 100), ("十", 10)):
        digit, number = divmod(number, size)
        if digit:
            text += ("" if digit == 1 else KANJI_DIGITS[digit]) + unit
    return text + (KANJI_DIGITS[number] if number else "")


@given(st.integers(min_value=1, max_value=9_999), st.sampled_from(["万", "億", "兆"]))
def test_kanji_numerals_parse_back(number, unit):
    money = parse_money(kanji(number) + unit + "円")
    scale = {"万": 10**4, "億": 10**8, "兆": 10**12}[unit]
    assert money is not None and money.min == number * scale


REGRESSION_CASES = (
    # Found reading corpus-sample figures: each was wrong before its fix.
    ("約600億ドルから650億ドル", [(60 * B, 65 * B, "approx", None)]),
    ("3兆ドルから4兆ドル規模", [(3 * T, 4 * T, "range", None)]),
    (
        "入力$0.15/1M、出力$0.60/1M",
        [(0.15, 0.15, "exact", "1M"), (0.6, 0.6, "exact", "1M")],
    ),
    ("1Mトークンあたり入力2.50ドル", [(2.5, 2.5, "exact", "1Mトークン")]),
    ("1000億ドル（約15兆6000億円）", [(100 * B, 100 * B, "exact", None)]),
    ("2440億ドル（約36兆円 ※1ドル150円換算）", [(244 * B, 244 * B, "exact", None)]),
    ("85億ドルを超え", [(8.5 * B, 8.5 * B, "more_than", None)]),
    ("月額運用15万〜40万円", [(150_000, 400_000, "range", "month")]),
    ("AIが一元的に管理する", []),
)


@pytest.mark.parametrize("text, expected", REGRESSION_CASES)
def test_regression_ranges_rates_restatements_and_exchange_rates(text, expected):
    found = [(m.min, m.max, m.qualifier, m.per) for m in find_money(normalize(text))]
    assert found == expected


# Issue 10: sentences of corpus-sample (and the acceptance corpus's examples).
QUALIFIER_CASES = (
    # A qualifier after a parenthesized restatement applies to the figure.
    ("AIチップ・半導体市場で、2025年時点で1150億ドル（約17.2兆円）以上とされています。",
     115 * B, "USD", "at_least", None),
    ("年間売上3500億ドル（約52.5兆円）超えを誇り", 350 * B, "USD", "more_than", "year"),
    ("9000億元（約18兆円）を突破する見込み", 900 * B, "CNY", "more_than", None),
    ("全体の売上が2025年には500億ドルを突破すると予想", 50 * B, "USD", "more_than",
     None),
    ("AI市場、2034年に1兆ドル突破へ", T, "USD", "more_than", None),
    # A price "from".
    ("料金は$25/月～で", 25, "USD", "at_least", "month"),
    ("月額$25/ユーザーから利用できる", 25, "USD", "at_least", "month"),
    ("$70+/月のプラン", 70, "USD", "at_least", "month"),
    ("約124兆円", 124 * T, "JPY", "approx", None),
    # Currencies with a country prefix.
    ("760億NZドルの投資", 76 * B, "NZD", "exact", None),
    ("7100万NZドル", 71 * M, "NZD", "exact", None),
    ("A$5 billion", 5 * B, "AUD", "exact", None),
    ("C$2 billion", 2 * B, "CAD", "exact", None),
    ("S$300 million", 300 * M, "SGD", "exact", None),
    ("HK$100億", 10 * B, "HKD", "exact", None),
    ("NT$500億", 50 * B, "TWD", "exact", None),
    ("最大1,160億豪ドルの潜在的な流入", 116 * B, "AUD", "up_to", None),
    ("50億シンガポールドル", 5 * B, "SGD", "exact", None),
    ("300億台湾ドル", 30 * B, "TWD", "exact", None),
)  # fmt: skip


@pytest.mark.parametrize("text, amount, currency, qualifier, per", QUALIFIER_CASES)
def test_qualifiers_prices_and_country_currencies(
    text, amount, currency, qualifier, per
):
    (money,) = find_money(normalize(text))
    assert (money.min, money.currency, money.qualifier, money.per) == (
        amount,
        currency,
        qualifier,
        per,
    )


def test_a_restated_amount_is_kept_on_the_figure_it_restates():
    (money,) = find_money(normalize("1000億ドル（約15兆円）をAI用データセンターに投資"))
    assert money.min == 100 * B and money.currency == "USD"
    assert money.restated == {
        "amount": "約15兆円",
        "min": 15 * T,
        "max": 15 * T,
        "currency": "JPY",
    }


@pytest.mark.parametrize(
    "text, first, second",
    (
        ("設備投資額も700億ドルから720億ドルに引き上げ", 70 * B, 72 * B),
        ("従来の100兆ウォンから150兆ウォンへと拡大した", 100 * T, 150 * T),
        ("売上は30億円から50億円に増加", 3 * B, 5 * B),
    ),
)
def test_a_change_from_one_amount_to_another_is_two_figures(text, first, second):
    found = find_money(normalize(text))
    assert [(m.min, m.max, m.qualifier) for m in found] == [
        (first, first, "exact"),
        (second, second, "exact"),
    ]
    assert "から" not in found[0].surface + found[1].surface
