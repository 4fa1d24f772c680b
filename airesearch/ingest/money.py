"""Money figures in Japanese text: "6億8,300万ドル" -> 683,000,000 USD.

Digits (ASCII or full-width, with thousands commas and decimals) or kanji
numerals, the units 千 万 億 兆 in any valid combination, currencies before or
after the number, English scales ($10 billion, $5B), ranges whose unit applies
to both ends (10〜20億円), qualifiers (約, 以上, 超, 最大, 程度 …), vague amounts
(数十億ドル: 数 is 2 to 9 of what follows, 十数 is 11 to 19), and rates ($19/
ユーザー, 月額$20, 1トークンあたり0.5円). Only an amount with a currency is money:
兆し, 10万基, 120%, 2027年, 700億パラメータ are not.
"""

from __future__ import annotations

import re
import unicodedata
from collections import namedtuple
from decimal import Decimal

# min/max in the currency's base unit; qualifier: exact, approx, at_least,
# more_than, up_to, vague or range; per: the unit of a rate, else None;
# restated: the same amount as the author restated it in another currency,
# {amount, min, max, currency} ("1000億ドル（約15兆円）"), else None.
Money = namedtuple(
    "Money",
    "min max currency qualifier per surface start end restated",
    defaults=(None,),
)

KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}
ENGLISH_SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
    "t": 10**12,
}
SUFFIX_CURRENCIES = {
    "米ドル": "USD", "USドル": "USD", "豪ドル": "AUD", "カナダドル": "CAD",
    "NZドル": "NZD", "ニュージーランドドル": "NZD", "オーストラリアドル": "AUD",
    "加ドル": "CAD", "星ドル": "SGD", "バーツ": "THB", "リンギット": "MYR",
    "ルピア": "IDR", "レアル": "BRL", "ルーブル": "RUB", "リラ": "TRY",
    "ディルハム": "AED", "リヤル": "SAR", "クローナ": "SEK", "クローネ": "NOK",
    "香港ドル": "HKD", "シンガポールドル": "SGD", "台湾ドル": "TWD", "NTドル": "TWD",
    "ドル": "USD", "日本円": "JPY", "円": "JPY", "ユーロ": "EUR", "英ポンド": "GBP",
    "ポンド": "GBP", "人民元": "CNY", "元": "CNY", "ウォン": "KRW", "ルピー": "INR",
    "スイスフラン": "CHF", "フラン": "CHF", "dollars": "USD", "dollar": "USD",
    "USD": "USD", "JPY": "JPY", "EUR": "EUR", "GBP": "GBP", "CNY": "CNY",
}  # fmt: skip
PREFIX_CURRENCIES = {
    "US$": "USD", "$": "USD", "USD": "USD", "¥": "JPY", "JPY": "JPY", "€": "EUR",
    "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "S$": "SGD",
    "HK$": "HKD", "NT$": "TWD", "NZ$": "NZD", "R$": "BRL",
    "EUR": "EUR", "£": "GBP", "GBP": "GBP", "RMB": "CNY", "CNY": "CNY", "₩": "KRW",
    "KRW": "KRW",
}  # fmt: skip
QUALIFIERS_BEFORE = {
    "約": "approx",
    "およそ": "approx",
    "概ね": "approx",
    "推定": "approx",
    "最大": "up_to",
    "最高": "up_to",
    "少なくとも": "at_least",
    "最低": "at_least",
}
QUALIFIERS_AFTER = {
    "以上": "at_least",
    "を超える": "more_than",
    "を上回る": "more_than",
    "超え": "more_than",
    "を超え": "more_than",
    "突破": "more_than",
    "を突破": "more_than",
    "超": "more_than",
    "強": "more_than",
    "余り": "more_than",
    "あまり": "more_than",
    "未満": "up_to",
    "以下": "up_to",
    "まで": "up_to",
    "弱": "up_to",
    "程度": "approx",
    "台から": "at_least",
    "台": "approx",
    "前後": "approx",
    "近く": "approx",
    "ほど": "approx",
}
PER_UNITS = {
    "ユーザー": "user",
    "人": "person",
    "月": "month",
    "年": "year",
    "時間": "hour",
    "トークン": "token",
    "件": "item",
    "回": "use",
    "GPU": "GPU",
    "台": "unit",
    "株": "share",
    "日": "day",
    "user": "user",
    "month": "month",
    "mo": "month",
    "year": "year",
    "yr": "year",
    "hour": "hour",
    "h": "hour",
    "token": "token",
}
PER_BEFORE = {
    "月額": "month",
    "月間": "month",
    "毎月": "month",
    "年額": "year",
    "年間": "year",
    "毎年": "year",
    "時給": "hour",
    "日額": "day",
}


def alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?"
KANJI = "[〇零一二三四五六七八九十百千]+"
SMALL = rf"(?:{DIGITS}[十百千]?|{KANJI})"
AMOUNT = rf"(?:(?:{SMALL}[兆億万])+(?:{DIGITS})?|{SMALL})"
VAGUE = "(?:十数|数[十百千])[兆億万]?|数[兆億万]"
NUMBER = rf"(?:{VAGUE}|{AMOUNT})"
PATTERN = re.compile(
    rf"""
    (?P<before>{alternatives(QUALIFIERS_BEFORE)})?
    (?P<per_before>{alternatives(PER_BEFORE)})?
    (?P<prefix>{alternatives(PREFIX_CURRENCIES)})?\s?
    (?<![\d,.])(?P<first>{NUMBER})
    (?:(?P<first_suffix>{alternatives(SUFFIX_CURRENCIES)})?
       \s?(?P<dash>[~〜\-－–]|から)\s?(?P=prefix)?(?P<second>{NUMBER}))?
    (?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kKmMbBtT])(?![A-Za-z]))?
    \s?(?P<suffix>{alternatives(SUFFIX_CURRENCIES)})?
    (?P<plus>\+)?
    (?P<per_after>\s?/\s?(?:{alternatives(PER_UNITS)}|[\d.]+\s?[KMBkmb万億]?\s?(?:tokens?|トークン|{alternatives(PER_UNITS)})?))?
    (?P<after>{alternatives(QUALIFIERS_AFTER)})?
    (?P<from>\s?(?:[~〜～]|から)(?!\s?[\d十百千万億兆$¥€£]))?
    """,
    re.VERBOSE,
)
# 1トークンあたり0.5円, 100万トークンあたり入力$1.2: the noun before あたり,
# up to four characters (入力, 月) before the amount.
PER_BEFORE_NOUN = re.compile(
    r"((?:[\d.]+[KMBkmb万億]?)?[^\s\d、。，,「」()（）]{1,8}?)(?:あたり|当たり)"
    r"[^\s\d、。，,]{0,4}$"
)
# 10年間 is a duration, not 年間 (per year).
PER_BEFORE_LEAD = re.compile(
    rf"(?<![\d十百千])({alternatives(PER_BEFORE)})[^\s\d、。,]{{0,4}}$"
)
# "1000億ドル(約15兆円)": the yen figure restates the dollar one.
RESTATED = re.compile(r"\s?\((?:日本円で|円換算で|約)?\s?$")
# "1ドル150円換算", "1ドル=150円": an exchange rate, not a figure.
EXCHANGE_RATE = re.compile(r"^\s?[=＝]?\s?[\d.,]+\s?(?:円|ドル)|^\s?換算")
# A currency next to a number: the cheap test that a passage may hold money.
CURRENCY_HINT = re.compile(
    r"[$¥€£₩]|USD|JPY|EUR|GBP|CNY|RMB|KRW|dollar"
    r"|[\d十百千万億兆]\s?(?:[KMBkmbT]|billion|million|trillion)?\s?"
    r"(?:日本|英|人民|豪|カナダ|香港|シンガポール|台湾|NT|NZ|ニュージーランド"
    r"|オーストラリア|加|星|スイス|US|米)?"
    r"(?:ドル|円|ユーロ|ポンド|元|ウォン|ルピー|フラン|バーツ|リンギット|ルピア"
    r"|レアル|ルーブル|リラ|ディルハム|リヤル|クローナ|クローネ)"
)
NOT_AFTER = re.compile(r"^(?:し|候|単位)")  # 兆し, 兆候, 兆単位


def kanji_number(text: str) -> int:
    """二百 -> 200, 三千 -> 3000, 十二 -> 12, 一九 -> 19 (digit by digit)."""
    total, current = 0, 0
    for char in text:
        if char in KANJI_DIGITS:
            current = current * 10 + KANJI_DIGITS[char]
        else:
            total += (current or 1) * SMALL_UNITS[char]
            current = 0
    return total + current


def small_number(text: str) -> Decimal:
    """8,300 -> 8300; 1.5 -> 1.5; 3千 -> 3000; 二百 -> 200. Decimal keeps 16-digit
    amounts exact (9,007兆1,992億… would lose its last yen as a float)."""
    if text[:1].isdigit():
        unit = SMALL_UNITS.get(text[-1], 1)
        digits = text[:-1] if unit > 1 else text
        return Decimal(digits.replace(",", "")) * unit
    return Decimal(kanji_number(text))


def amount_value(text: str) -> tuple[Decimal, Decimal]:
    """(low, high) of a Japanese amount: 6億8,300万 -> 683e6; 数十億 -> 2e9..9e9."""
    vague = re.fullmatch(r"(十数|数)([十百千]?)([兆億万]?)", text)
    if vague:
        many, small, big = vague.groups()
        scale = SMALL_UNITS.get(small, 1) * BIG_UNITS.get(big, 1)
        low, high = (11, 19) if many == "十数" else (2, 9)
        return Decimal(low * scale), Decimal(high * scale)
    total = Decimal(0)
    for number, big in re.findall(rf"({SMALL})([兆億万]?)", text):
        total += small_number(number) * BIG_UNITS.get(big, 1)
    return total, total


def last_big_unit(text: str) -> int:
    return BIG_UNITS.get(text[-1], 1) if text else 1


def interpret(match: re.Match, text: str) -> Money | None:
    """A Money for one match of PATTERN in NFKC text, or None if it is not money."""
    currency = SUFFIX_CURRENCIES.get(match["suffix"] or "") or PREFIX_CURRENCIES.get(
        match["prefix"] or ""
    )
    if currency is None:
        return None
    if NOT_AFTER.match(text[match.end("first") : match.end("first") + 2]):
        return None
    if (
        currency == "CNY"
        and match["suffix"] == "元"
        and not match["first"][:1].isdigit()
    ):
        return None  # 一元的, 二元論: 元 after a kanji numeral is not yuan
    first, second = match["first"], match["second"]
    low, high = amount_value(first)
    qualifier = "vague" if first.startswith(("数", "十数")) else "exact"
    if second:
        second_low, second_high = amount_value(second)
        if last_big_unit(first) == 1 and last_big_unit(second) > 1:
            low *= last_big_unit(second)  # 10〜20億円: the unit applies to both ends
        high = second_high
        qualifier = "range"
    scale = ENGLISH_SCALES.get((match["scale"] or "").lower(), 1)
    if (
        match["scale"]
        and not match["prefix"]
        and match["suffix"] not in ("dollars", "dollar")
    ):
        return None  # "5B" without a currency sign is a model size, not money
    low, high = low * scale, high * scale
    if qualifier in ("exact", "range"):
        qualifier = QUALIFIERS_BEFORE.get(
            match["before"] or ""
        ) or QUALIFIERS_AFTER.get(match["after"] or "", qualifier)
    per = rate_unit(match, text)
    if (
        per not in (None, "year")
        and qualifier == "exact"
        and (match["plus"] or match["from"])
    ):
        qualifier = "at_least"  # a price "from": $25/月～, $25/ユーザーから, $70+/月
    end = match.end()
    if match["from"] and per in (None, "year"):
        end = match.start("from")
    return Money(
        min=clean(low),
        max=clean(high),
        currency=currency,
        qualifier=qualifier,
        per=per,
        surface=text[match.start() : end].strip(),
        start=match.start() + (len(match.group()) - len(match.group().lstrip())),
        end=end,
    )


def clean(value: Decimal) -> int | float:
    """Whole amounts as int (683000000), others as float (0.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


def rate_unit(match: re.Match, text: str) -> str | None:
    """user, month, token …: what a rate is per, from 月額, /ユーザー or 〜あたり."""
    if match["per_before"]:
        return PER_BEFORE[match["per_before"]]
    # 月額運用15万円: 月額 a few characters before the amount.
    lead = PER_BEFORE_LEAD.search(text[max(0, match.start() - 8) : match.start()])
    if lead:
        return PER_BEFORE[lead.group(1)]
    if match["per_after"]:
        unit = re.sub(r"^\s?/\s?", "", match["per_after"]).strip()
        return per_name(unit)
    noun = PER_BEFORE_NOUN.search(text[max(0, match.start() - 16) : match.start()])
    if noun:
        return per_name(noun.group(1))
    return None


def per_name(unit: str) -> str:
    """ユーザー -> user; 1トークン -> token; 100万トークン stays as written."""
    if (
        unit[:1] in ("1", "一")
        and not unit[1:2].isdigit()
        and unit[1:2] not in "KMBkmb万億."
    ):
        unit = unit[1:]
    return PER_UNITS.get(unit, unit)


def find_money(normal: str) -> list[Money]:
    """Every money figure in NFKC text, in order. A figure restated in
    parentheses in another currency is kept on the figure it restates, and a
    qualifier after the parenthesis applies to that figure ("1150億ドル（約17.2兆
    円）以上"); a change from one amount to another is two figures ("700億ドルから
    720億ドルに引き上げ")."""
    if not CURRENCY_HINT.search(normal):
        return []  # most passages name no amount; PATTERN is slow to say so
    found: list[Money] = []
    for match in PATTERN.finditer(normal):
        money = interpret(match, normal)
        if money is None and match["first_suffix"]:
            # "2440億ドルから2030年には": the から-number is a year, not a range end.
            alone = PATTERN.fullmatch(normal, match.start(), match.end("first_suffix"))
            money = interpret(alone, normal) if alone else None
        if money is None or EXCHANGE_RATE.match(normal[money.end : money.end + 12]):
            continue
        if found and RESTATED.fullmatch(normal[found[-1].end : money.start]):
            found[-1] = restate(found[-1], money, normal)
            continue
        found += split_change(match, money, normal)
    return found


# After "（約17.2兆円" : the closing parenthesis, then maybe a qualifier.
AFTER_RESTATEMENT = re.compile(rf"\s?\)\s?(?P<after>{alternatives(QUALIFIERS_AFTER)})?")
# "AからBへ/に拡大": a change between two amounts, not a range.
CHANGE = re.compile(
    r"\s?(?:へ|に)(?:と)?[^。、]{0,6}?"
    r"(?:拡大|増加|増額|引き上げ|引上げ|上昇|成長|増え|伸び|縮小|減少|減額|引き下げ|下落|減っ)"
)


def restate(money: Money, restated: Money, text: str) -> Money:
    """money with its restatement, and the qualifier written after both."""
    after = AFTER_RESTATEMENT.match(text, restated.end)
    qualifier = money.qualifier
    if after and after["after"] and qualifier == "exact":
        qualifier = QUALIFIERS_AFTER[after["after"]]
    return money._replace(
        qualifier=qualifier,
        restated={
            "amount": restated.surface,
            "min": restated.min,
            "max": restated.max,
            "currency": restated.currency,
        },
    )


def split_change(match: re.Match, money: Money, text: str) -> list[Money]:
    """[money], or two figures when a から-range is a change (100兆ウォンから
    150兆ウォンへと拡大: from one amount to another)."""
    if match["dash"] != "から" or not CHANGE.match(text, money.end):
        return [money]
    first_low, first_high = amount_value(match["first"])
    currency = SUFFIX_CURRENCIES.get(match["first_suffix"] or "") or money.currency
    if last_big_unit(match["first"]) == 1 and last_big_unit(match["second"]) > 1:
        scale = last_big_unit(match["second"])  # 700から720億ドル: 億 for both
        first_low, first_high = first_low * scale, first_high * scale
    scale = ENGLISH_SCALES.get((match["scale"] or "").lower(), 1)
    first_end = (
        match.end("first_suffix") if match["first_suffix"] else match.end("first")
    )
    first = money._replace(
        min=clean(first_low * scale),
        max=clean(first_high * scale),
        currency=currency,
        qualifier="exact",
        surface=text[money.start : first_end],
        end=first_end,
    )
    second_low, second_high = amount_value(match["second"])
    second = money._replace(
        min=clean(second_low * scale),
        max=clean(second_high * scale),
        qualifier="exact",
        surface=text[match.start("second") : money.end].strip(),
        start=match.start("second"),
    )
    return [first, second]


def parse_money(text: str) -> Money | None:
    """The money figure that text is, as a whole (for --min 10億ドル and tests)."""
    normal = unicodedata.normalize("NFKC", text).strip()
    figures = find_money(normal)
    if len(figures) == 1 and figures[0].surface == normal:
        return figures[0]
    return None
